"""Write a generated corpus as a static government-style site: home, column lists, detail pages.

Detail pages come in two markup families seen on real sites (DOMAIN.md §1.1, §1.2): Hanweb-style
(`/art/Y/M/D/art_{col}_{id}.html`, 信息公开 metadata table, ContentStart/ZJEG body fences) and
TRS-style (`{col}/{YYYYMM}/t{YYYYMMDD}_{id}.html`, `.TRS_Editor` body with an inline style block).
Column lists page through `index.html`, `index_1.html`, … with 下一页/尾页 links.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from gongkai.samplesite.corpus import AGENCIES, SampleDoc

SITE_NAME = "云江省政府信息公开平台"
COLUMNS = {"ndbg": "政府信息公开年度报告", "gkzn": "政府信息公开指南", "czzj": "财政预决算",
           "tzgg": "通知公告"}
PER_PAGE = 10
ADMIN_PAGE = SampleDoc(slug="admin", title="内部管理通知（不应被抓取）", body_html="<p>robots.txt 禁止抓取本页。</p>",
                       publisher="网站管理员", pub_date=dt.date(2024, 1, 1), doc_type="notice",
                       column="tzgg", index_number="")
_E = html.escape


def doc_path(doc: SampleDoc, number: int) -> str:
    """Return the site path of a detail page."""
    d = doc.pub_date
    if doc.style == "trs":
        return f"/{doc.slug}/{doc.column}/{d:%Y%m}/t{d:%Y%m%d}_{number}.html"
    return f"/{doc.slug}/art/{d.year}/{d.month}/{d.day}/art_{doc.column}_{number}.html"


def _page(title: str, head: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
            f'<meta name="SiteName" content="{SITE_NAME}">\n{head}'
            f"<title>{_E(title)}</title>\n"
            '<link rel="stylesheet" href="/style.css"></head>\n<body>\n'
            '<div class="header"><a href="/index.html">首页</a> | <a href="/about.html">关于本站</a>'
            ' | <a href="http://www.gov.cn/">中国政府网</a></div>\n'
            f"{body}\n"
            '<div class="footer">主办单位：云江省人民政府办公厅 '
            '<a href="mailto:web@example.org">联系我们</a> <a href="/sitemap.html">网站地图</a> '
            '<a href="/admin/notice.html">内部管理</a>'
            "</div>\n</body></html>\n")


def _meta_table(doc: SampleDoc) -> str:
    written = doc.written_date.strftime("%Y年%m月%d日") if doc.written_date else ""
    return ('<table class="xxgk_table">'
            f"<tr><td>索\u3000引\u3000号：</td><td>{doc.index_number}</td>"
            f"<td>成文日期：</td><td>{written}</td></tr>"
            f"<tr><td>发布机构：</td><td>{_E(doc.publisher)}</td>"
            f"<td>发布日期：</td><td>{doc.pub_date:%Y-%m-%d}</td></tr>"
            f'<tr><td>标\u3000\u3000题：</td><td colspan="3">{_E(doc.title)}</td></tr>'
            f"<tr><td>文\u3000\u3000号：</td><td>{_E(doc.doc_number)}</td>"
            f"<td>主题分类：</td><td>{_E(doc.category)}</td></tr></table>")


def render_detail(doc: SampleDoc, prev_link: str = "") -> str:
    """Return the HTML of one detail page."""
    head = (f'<meta name="ColumnName" content="{COLUMNS[doc.column]}">\n'
            f'<meta name="ArticleTitle" content="{_E(doc.title)}">\n'
            f'<meta name="PubDate" content="{doc.pub_date:%Y-%m-%d} 09:30">\n'
            f'<meta name="ContentSource" content="{_E(doc.publisher)}">\n'
            '<meta name="Maketime" content="2026-10-08 03:12:45">\n')
    chrome = ('<div class="print-bar">【<a href="javascript:window.print()">打印</a>】'
              '【<a href="javascript:window.close()">关闭</a>】</div>'
              f"<div>上一篇：{prev_link}</div>")
    if doc.style == "trs":
        body = (f'<div class="title">{_E(doc.title)}</div>'
                f'<div class="pubDate">发布日期: <span>{doc.pub_date:%Y-%m-%d}</span></div>'
                f'{_meta_table(doc)}<div class="article" id="dochtmlcon"><div class="TRS_Editor">'
                "<style>.TRS_Editor P{margin-top:5px;font-family:宋体;}</style>"
                f"{doc.body_html}</div></div>{chrome}")
        return _page(f"{doc.title}_{SITE_NAME}", head, body)
    body = (f"{_meta_table(doc)}"
            f'<p class="con-title">{_E(doc.title)}</p>'
            f"<span>发布日期：{doc.pub_date:%Y-%m-%d}</span> "
            f"<span>信息来源：{_E(doc.publisher)}</span>"
            '<div class="main-txt" id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">'
            f'{doc.body_html}<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>{chrome}'
            '<a href="http://www.hanweb.com" style="display:none">Produced By 大汉网络 大汉版通发布系统</a>')
    return _page(f"{doc.title}_{SITE_NAME}", head, body)


def _list_page(title: str, items: list[tuple[str, SampleDoc]], page: int, pages: int) -> str:
    rows = "".join(f'<li><a href="{path}" title="{_E(d.title)}">{_E(d.title)}</a>'
                   f"<span>{d.pub_date:%Y-%m-%d}</span></li>" for path, d in items)
    name = lambda n: "index.html" if n == 0 else f"index_{n}.html"  # noqa: E731
    nav = [f'<a href="{name(0)}">首页</a>']
    if page > 0:
        nav.append(f'<a href="{name(page - 1)}">上一页</a>')
    if page < pages - 1:
        nav.append(f'<a href="{name(page + 1)}">下一页</a>')
    nav.append(f'<a href="{name(pages - 1)}">尾页</a> <span>{page + 1}/{pages}</span>')
    return _page(f"{title}_{SITE_NAME}", "", f'<h2>{_E(title)}</h2><ul class="list">{rows}</ul>'
                 f'<div class="page">{" ".join(nav)}</div>')


def write_site(docs: list[SampleDoc], root: str | Path) -> dict[str, SampleDoc]:
    """Write the whole site under root; return {path: doc} for every detail page."""
    root = Path(root)
    paths: dict[str, SampleDoc] = {}
    by_column: dict[tuple[str, str], list[tuple[str, SampleDoc]]] = {}
    for number, doc in enumerate(docs, start=1000):
        path = doc_path(doc, number)
        paths[path] = doc
        by_column.setdefault((doc.slug, doc.column), []).append((path, doc))
    prev = ""
    for path, doc in paths.items():
        _write(root / path.lstrip("/"), render_detail(doc, prev))
        for file in doc.files:  # attachments sit next to the page that links them
            (root / path.lstrip("/")).with_name(file.name).write_bytes(file.data)
        prev = f'<a href="{path}">{_E(doc.title)}</a>'
    agencies = {slug: name for name, _, _, slug in AGENCIES}
    for (slug, column), items in by_column.items():
        items.sort(key=lambda item: item[1].pub_date, reverse=True)
        pages = max(1, -(-len(items) // PER_PAGE))
        title = f"{agencies.get(slug, slug)} {COLUMNS[column]}"
        for page in range(pages):
            chunk = items[page * PER_PAGE:(page + 1) * PER_PAGE]
            name = "index.html" if page == 0 else f"index_{page}.html"
            _write(root / slug / column / name, _list_page(title, chunk, page, pages))
    links = "".join(f'<li>{_E(agencies.get(slug, slug))}：<a href="/{slug}/{column}/index.html">'
                    f"{COLUMNS[column]}</a></li>" for slug, column in sorted(by_column))
    _write(root / "index.html", _page(SITE_NAME, "", f'<h1>{SITE_NAME}</h1><ul>{links}</ul>'))
    _write(root / "about.html", _page(f"关于本站_{SITE_NAME}", "",
                                      "<p>本站为政府信息公开示例网站，内容为示例文本。</p>"))
    _write(root / "sitemap.html", _page(f"网站地图_{SITE_NAME}", "", f"<ul>{links}</ul>"))
    _write(root / "admin" / "notice.html", render_detail(ADMIN_PAGE))  # robots.txt forbids it
    _write(root / "robots.txt", "User-agent: *\nDisallow: /admin/\n")
    _write(root / "style.css", "body{font-family:sans-serif} .footer{color:#666}\n")
    return paths


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
