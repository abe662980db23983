"""Fixture sites built like real ones, with the walls real sites put up (written by this project).

Each `family` builds one site of a CMS family (DOMAIN.md §1): its list pages and paging, detail
pages, and an attachment or two. Every page links, as real sites do, to a search page behind a
瑞数 412 challenge (`/search/`), to an interface directory behind a 加速乐 521 challenge
(`/interface/`) and to a 依申请公开 directory that answers a small 200 "非法请求" page
(`/ysqgk/`). A `Site` knows every ordinary document it serves and what extraction must find.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tests.sites import (
    gkmlpt_detail,
    hanweb_detail,
    html,
    json_route,
    make_docx,
    make_pdf,
    para,
    query,
    trs_detail,
    vsb_detail,
)

WALLED = ("/search/", "/interface/", "/ysqgk/")
SESSION = {"Set-Cookie": "JSESSIONID=8F2A61C0; Path=/"}  # real sites set one on every answer


def ruishu(handler):
    return 412, {"Content-Type": "text/html"}, (
        b'<html><head><meta content="aX9f2kQ"><script>$_ts=window["$_ts"];$_ts.cd="x";'
        b'</script><script src="/4QbVtADbnLVIc/c.js"></script></head></html>')


def jiasule(handler):
    return 521, {"Content-Type": "text/html", "Set-Cookie": "__jsluid_h=0c9a; Path=/"}, (
        b"<script>document.cookie='__jsl_clearance_s=1700000000.1|0|x';location.reload()"
        b"</script>")


def illegal(handler):
    return 200, {"Content-Type": "text/html; charset=utf-8"}, "非法请求 404！".encode()


def wall_everything(handler):
    return ruishu(handler)


CHROME = ('<div class="nav"><a href="/">首页</a> <a href="/search/index.jsp?q=年报">站内搜索</a> '
          '<a href="/interface/getInfo.do?id=1">互动</a> <a href="/interface/getInfo.do?id=2">'
          '留言</a> <a href="/ysqgk/apply.html">依申请公开</a> <a href="/ysqgk/query.html">申请查询'
          '</a></div>')


@dataclass
class Site:
    """Routes to serve, start path, and the ordinary documents with their expected fields."""

    family: str
    routes: dict
    start: str
    documents: dict[str, dict] = field(default_factory=dict)

    def wall_routes(self) -> None:
        """The walled paths of CHROME, and the home page it links (a real site has one: a
        link to nothing is reported as a broken link)."""
        self.routes.setdefault("/", html(f"<html><head><title>首页</title></head><body>{CHROME}"
                                         f'<a href="{self.start}">信息公开</a></body></html>'))
        self.routes.update({"/search/index.jsp": ruishu, "/interface/getInfo.do": jiasule,
                            "/ysqgk/apply.html": illegal, "/ysqgk/query.html": illegal})


def day(start: str, i: int) -> str:
    """The i-th day (1-based) from a start date, as YYYY-MM-DD: any number of documents."""
    return (dt.date.fromisoformat(start) + dt.timedelta(days=i - 1)).isoformat()


def _expect(title, date, publisher, body, index="", number="", **extra) -> dict:
    return {"title": title, "pub_date": date, "publisher": publisher, "body": body,
            "index_number": index, "doc_number": number, **extra}


def _with_chrome(page: bytes) -> bytes:
    return page.replace(b"<body>", b"<body>" + CHROME.encode(), 1)


def hanweb(code: int, n: int) -> Site:
    """Hanweb: datastore records on the column page, the rest by dataproxy.jsp GET paging."""
    publisher = f"示例{code}市人民政府办公室"
    arts = [f"/art/2024/2/{i}/art_100_{code}{i:03d}.html" for i in range(1, n + 1)]
    per = 4

    def record(path, i):
        return (f"<record><![CDATA[<li><a href='{path}' title='第{i}号'>第{i}号</a>"
                f"<span>{day('2024-02-01', i)}</span></li>]]></record>")

    column = f"""<html><head><meta charset="utf-8"></head><body>{CHROME}
<div id="200"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=100&unitid=200&permissiontype=0"></a>]]></nextgroup>
<recordset>{"".join(record(p, i) for i, p in enumerate(arts[:per], 1))}</recordset></datastore></script></div>
<a href="http://www.hanweb.com" style="display:none">Produced By 大汉网络 大汉版通发布系统</a></body></html>"""
    rest = arts[per:]
    pages = max(1, -(-len(rest) // per))

    def dataproxy(handler):
        page = int(query(handler)["page"])
        chunk = rest[(page - 1) * per:page * per]
        body = (f"<datastore><totalrecord>{len(rest)}</totalrecord><totalpage>{pages}</totalpage>"
                "<recordset>" + "".join(record(p, arts.index(p) + 1) for p in chunk)
                + "</recordset></datastore>")
        return 200, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()

    site = Site("hanweb", {"/": f'<html><body>{CHROME}<a href="/col/col100/index.html">政策文件'
                                '</a></body></html>'.encode(),
                           "/col/col100/index.html": column.encode(),
                           "/module/web/jpage/dataproxy.jsp": dataproxy}, "/")
    for i, path in enumerate(arts, 1):
        title, date = f"示例{code}市关于第{i}号事项的通知", day("2024-02-01", i)
        index, number = f"1135{code:04d}MB0000001X/2024-{i:05d}", f"示{code}政发〔2024〕{i}号"
        text = f"第{i}号文件正文。依申请公开办理情况良好。"
        site.routes[path] = _with_chrome(hanweb_detail(title, date, publisher, number, index,
                                                       para(text)))
        site.documents[path] = _expect(title, date, publisher, text, index, number)
    site.wall_routes()
    return site


def trs(code: int, n: int) -> Site:
    """TRS: createPageHTML paging; the last document is a report published only as a PDF whose
    text wraps inside words."""
    publisher = f"示例{code}县人民政府"
    details = [f"/xxgk/202403/t202403{i:02d}_{code}{i:03d}.html" for i in range(1, n + 1)]
    per = 4
    pages = -(-n // per)

    def listing(page):
        links = "".join(f'<li><a href=".{p[5:]}">第{i}条</a></li>'
                        for i, p in enumerate(details, 1) if (i - 1) // per == page)
        return (f'<html><body>{CHROME}<ul>{links}</ul><script>createPageHTML({pages}, {page}, '
                f'"index", "html");</script></body></html>').encode()

    site = Site("trs", {"/xxgk/index.html": listing(0)}, "/xxgk/index.html")
    for page in range(1, pages):
        site.routes[f"/xxgk/index_{page}.html"] = listing(page)
    for i, path in enumerate(details[:-1], 1):
        title, date = f"示例{code}县2024年第{i}期政务动态", day("2024-03-01", i)
        text = f"第{i}期动态。行政许可事项办理情况。"
        site.routes[path] = _with_chrome(trs_detail(title, date, publisher, para(text)))
        site.documents[path] = _expect(title, date, publisher, text)
    report = details[-1]
    title, date = f"示例{code}县2023年政府信息公开工作年度报告", day("2024-03-01", n)
    pdf = f"/xxgk/202403/P0202403{code:04d}{n:06d}.pdf"
    link = f'<p><a href="./{pdf.rsplit("/", 1)[1]}">{title}.pdf</a></p>'
    site.routes[report] = _with_chrome(trs_detail(title, date, publisher, link))
    site.documents[report] = _expect(title, date, publisher, f"{title}.pdf")
    site.routes[pdf] = (make_pdf(WRAPPED_REPORT), "application/pdf")
    site.documents[pdf] = _expect(title, date, publisher, WRAPPED_TEXT,
                                  parent_url=report)
    site.wall_routes()
    return site


# A report page as a PDF lays it out: wraps inside words (机构, 例外) and inside a number.
WRAPPED_REPORT = ["一、总体情况", "本机关坚持以公开为常态、不公开为例外，优化机",
                  "构设置，全年收到政府信息公开申请12件，其中予以", "公开10件，部分公开2件。全年主动公开政府信息1",
                  "234条，不断提高公开质量。", "二、主动公开政府信息情况",
                  "本年度围绕重点领域加强主动公开，发布政策解读", "文件8篇，回应社会关切。"]
WRAPPED_TEXT = ("一、总体情况\n本机关坚持以公开为常态、不公开为例外，优化机构设置，全年收到政府信息公开"
                "申请12件，其中予以公开10件，部分公开2件。全年主动公开政府信息1234条，不断提高公开质量。"
                "\n二、主动公开政府信息情况\n本年度围绕重点领域加强主动公开，发布政策解读文件8篇，回应社会关切。")


def vsb(code: int, n: int) -> Site:
    """Boda VSB: `zbgg.htm`, then descending numbered pages."""
    publisher = f"示例{code}镇人民政府"
    details = [f"/info/1006/{code}{i:03d}.htm" for i in range(1, n + 1)]
    per = 4
    pages = -(-n // per)

    def listing(page, next_page):
        links = "".join(f'<li><a href="{p}">第{i}条</a></li>'
                        for i, p in enumerate(details, 1) if (i - 1) // per == page)
        pager = (f'<span class="p_next p_fun"><a href="{next_page}">下页</a></span>'
                 if next_page else "")
        return (f'<html><head><script src="/system/resource/js/page.js"></script></head><body>'
                f'{CHROME}<ul>{links}</ul>{pager}</body></html>').encode()

    numbered = list(range(pages - 1, 0, -1))  # zbgg/{pages-1}.htm … zbgg/1.htm
    site = Site("vsb", {"/zbgg.htm": listing(0, f"zbgg/{numbered[0]}.htm" if numbered else "")},
                "/zbgg.htm")
    for page, number in enumerate(numbered, 1):
        site.routes[f"/zbgg/{number}.htm"] = listing(page, f"{number - 1}.htm" if number > 1
                                                     else "")
    for i, path in enumerate(details, 1):
        title, date = f"示例{code}镇第{i}号公告", day("2023-05-01", i)
        text = f"第{i}号公告。政府集中采购项目公示。"
        site.routes[path] = _with_chrome(vsb_detail(title, date, publisher, para(text)))
        site.documents[path] = _expect(title, date, publisher, text)
    site.wall_routes()
    return site


def gkmlpt(code: int, n: int) -> Site:
    """gkmlpt: a category tree three levels deep, lists from the JSON API, one article with a
    DOCX listed only in the API."""
    publisher = f"示例{code}区人民政府"
    tree = ('[{"id": 10, "name": "综合政务", "children": [{"id": 11, "name": "通知", "children": '
            '[{"id": 12, "name": "公告"}]}, {"id": 13, "name": "规划"}]}, '
            '{"id": 20, "name": "年报", "children": []}, {"id": 30, "name": "预决算"}]')
    categories = [10, 11, 12, 13, 20, 30]
    by_category: dict[int, list[dict]] = {c: [] for c in categories}
    site = Site("gkmlpt", {"/gkmlpt/index": (
        f"<html><body><div id='app'></div><script>window._CONFIG = {{SID: '{code}', "
        f"TREE: {tree}, DETAIL: {{}}}};</script></body></html>").encode()}, "/gkmlpt/index")
    for i in range(1, n + 1):
        path = f"/gkmlpt/content/0/{code}/post_{code}{i:03d}.html"
        title, date = f"示例{code}区第{i}号文件", day("2023-04-01", i)
        index, number = f"11440300695550{code:04d}/2023-{i:05d}", f"示{code}区府〔2023〕{i}号"
        text = f"第{i}号文件正文。"
        article = {"id": i, "title": title, "url": path, "publisher": publisher,
                   "date": f"{date} 09:00:00", "identifier": index, "document_number": number,
                   "attachment": []}
        if i == n:
            docx = f"/attachment/0/{code}/{i}/{code}{i:07d}.docx"
            article["attachment"] = [{"name": f"{code}{i:07d}.docx", "url": docx}]
            site.routes[docx] = (make_docx(["示例报告正文：行政复议结果纠正1件。"],
                                           [["信息内容", "本年制发件数"], ["规章", "3"]]),
                                 "application/octet-stream")
            site.documents[docx] = _expect(title, date, publisher,
                                           "示例报告正文：行政复议结果纠正1件。\n信息内容 | 本年制发件数\n规章 | 3",
                                           index, number, parent_url=path)
        by_category[categories[i % len(categories)]].append(article)
        site.routes[path] = _with_chrome(gkmlpt_detail(title, date, publisher, number, index,
                                                       para(text)))
        site.documents[path] = _expect(title, date, publisher, text, index, number)

    def api(handler):
        category = int(handler.path.split("/")[-1].split("?")[0])
        articles = by_category.get(category, [])
        body, ctype = json_route({"classify": {"post_count": len(articles)},
                                  "articles": articles})
        return 200, {"Content-Type": ctype}, body

    for c in categories:
        site.routes[f"/gkmlpt/api/all/{c}"] = api
    site.wall_routes()
    return site


def plain(code: int, n: int) -> Site:
    """The long tail: a hand-made CMS whose body container no selector knows, short notices,
    an empty 文号 cell, attachments with a descriptive name and behind a download endpoint."""
    publisher = f"示例{code}街道办事处"
    details = [f"/news/{code}/{i}.html" for i in range(1, n + 1)]
    links = "".join(f'<li><a href="{p}">通知{i}</a></li>' for i, p in enumerate(details, 1))
    site = Site("plain", {"/list.html": f"<html><body>{CHROME}<ul>{links}</ul></body></html>"
                          .encode()}, "/list.html")
    for i, path in enumerate(details, 1):
        title, date = f"示例{code}街道关于第{i}次居民议事会的通知", day("2024-06-01", i)
        index = f"1144{code:04d}0000/2024-{i:05d}"
        lines = [f"定于6月{i + 10}日召开居民议事会。", "地点：社区服务中心。", "请各位居民准时参加。"]
        files = ""
        if i == 1:
            files = ('<p><a href="/files/P020240601000001.xls">附件1：依申请公开情况统计表.xls</a></p>'
                     '<p><a href="/download.jsp?id=77">下载附件</a></p>')
        site.routes[path] = html(
            f'<html><head><meta charset="utf-8"><title>{title}-示例{code}街道</title></head>'
            f'<body>{CHROME}<div class="wrap"><h2 class="bt">{title}</h2>'
            f'<table class="xxgk"><tr><td>索引号：</td><td>{index}</td><td>文号：</td><td></td>'
            f'</tr><tr><td>主题分类：</td><td>综合政务</td><td>发布日期：</td><td>{date}</td></tr>'
            f'<tr><td>发布机构：</td><td>{publisher}</td></tr></table>'
            f'<div class="nr_text">{"".join(f"<p>{t}</p>" for t in lines)}{files}</div></div>'
            f'<div class="footer">主办：示例{code}街道办事处 地址：示例路1号 联系电话：0000-1234567</div>'
            '</body></html>')
        body = "\n".join(lines)
        if i == 1:
            body += "\n附件1：依申请公开情况统计表.xls\n下载附件"
        site.documents[path] = _expect(title, date, publisher, body, index, "",
                                       category="综合政务")
    first = details[0]
    title, date, index = site.documents[first]["title"], "2024-06-01", \
        site.documents[first]["index_number"]
    site.routes["/files/P020240601000001.xls"] = (make_xlsx_table(), "application/vnd.ms-excel")
    site.documents["/files/P020240601000001.xls"] = _expect(
        f"{title}（附件1：依申请公开情况统计表）", date, publisher,
        "项目 | 件数\n本年新收申请 | 5", index, "", parent_url=first)
    site.routes["/download.jsp"] = (make_pdf(["居民议事会议程。", "一、听取居民意见。"]),
                                    "application/octet-stream")
    site.documents["/download.jsp?id=77"] = _expect(
        title, date, publisher, "居民议事会议程。\n一、听取居民意见。", index, "",
        parent_url=first)
    site.wall_routes()
    return site


def make_xlsx_table() -> bytes:
    from tests.sites import make_xlsx

    return make_xlsx([["项目", "件数"], ["本年新收申请", "5"]])


FAMILIES = {"hanweb": hanweb, "trs": trs, "vsb": vsb, "gkmlpt": gkmlpt, "plain": plain}


def walls_everything() -> Site:
    """A site whose every answer is a 412 challenge (several start pages)."""
    return Site("walled", {"/": wall_everything, "/robots.txt": wall_everything,
                           "/col/col1/index.html": wall_everything,
                           "/xxgk/index.html": wall_everything}, "/")
