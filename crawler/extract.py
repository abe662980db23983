"""Detail-page extraction: title, dates, publisher, 信息公开 metadata and clean body text.

Order (DOMAIN.md §1.0): the standard `<meta>` block, then the ContentStart/ZJEG body fences, then
known CMS body containers, then a generic fallback. A page with none of the document signals
(a list or navigation page) yields None.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from crawler.dates import date_from_url, parse_date
from reading.files import image_url

_FENCES = (
    re.compile(r"<meta\s+name=[\"']?ContentStart[\"']?\s*/?>(.*?)<meta\s+name=[\"']?ContentEnd",
               re.S | re.I),
    re.compile(r"<!--ZJEG_RSS\.content\.begin-->(.*?)<!--ZJEG_RSS\.content\.end-->", re.S),
)
BODY_SELECTORS = ("#zoom", "#Zoom", ".TRS_UEDITOR", ".TRS_Editor", ".TRS_PreAppend",
                  ".v_news_content", '[id^="vsb_content"]', '[class^="contentstyle"]',
                  ".pages_content", "#UCAP-CONTENT", ".article-content", ".article_content",
                  ".main-txt", ".wz_zoom", ".article_con", ".wp_articlecontent")
_STRIP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "svg", "button")
_CHROME_CLASS = re.compile(r"share|print|bdshare|fontsize|font-size|toolbar", re.I)
_CHROME_LINE = re.compile(
    r"^(关闭|打印|关闭窗口|打印本页|【?(大|中|小)】?|上一篇[:：]?.*|下一篇[:：]?.*|"
    r"字体大小[:：]?.*|浏览次数[:：]?.*|分享到[:：]?.*|【\s*(打印|关闭)\s*】)$")
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
           "article", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr", "form"}
# label (whitespace removed) -> metadata key; DOMAIN.md §1.6
LABELS = {
    "索引号": "index_number",
    "发布机构": "publisher", "发文机关": "publisher", "信息来源": "publisher", "来源": "publisher",
    "发布单位": "publisher", "公开责任部门": "publisher",
    "成文日期": "written_date", "生成日期": "written_date", "发文日期": "written_date",
    "发布日期": "pub_date", "发布时间": "pub_date", "公开日期": "pub_date",
    "文号": "doc_number", "发文字号": "doc_number",
    "主题分类": "category", "分类": "category",
    "名称": "title", "标题": "title",
}
# Labels we do not store, known so that an empty cell before one does not take it as its value
_OTHER_LABELS = ("有效性", "主题词", "体裁分类", "组配分类", "公开方式", "公开范围", "公开时限",
                 "公开形式", "信息分类", "服务对象", "实施日期", "废止日期", "效力状态", "关键词",
                 "内容概述", "时效")
_LABEL_RE = re.compile("^(" + "|".join(sorted([*LABELS, *_OTHER_LABELS], key=len, reverse=True))
                       + ")[:：]?$")
_INLINE_LABELS = ("发布日期", "发布时间", "信息来源", "发布机构", "来源", "作者", "时间", "日期")
_INLINE_RE = re.compile("(?<![\u4e00-\u9fff])(" + "|".join(_INLINE_LABELS) +
                        r")\s*[:：]\s*([^\s|]+)")
_FALLBACK_BLOCKS = ["div", "td", "article", "section", "main", "body"]
# Containers that never hold a document's text (readability's "unlikely candidates")
_UNLIKELY = re.compile(r"foot|header|nav|menu|crumb|position|location|sidebar|copyright|"
                       r"bottom|banner|share|related|friend", re.I)
_LEAF_SKIP = {"script", "style", "table", "ul", "ol", "dl", "form"}
_TITLE_SPLIT = re.compile(r"\s*[_|]\s*|\s+-\s+")
# Every separator a <title> may put between the page's title and the site's or column's name
# (`标题_栏目_站名`, `标题 - 站名`, VSB's `标题-站名`, `标题——站名`, `标题|站名`)
_HEAD_SEPARATOR = re.compile(r"\s*(?:[_|｜]|--?|——|—|-)\s*")
# Elements that show a page's title (VSB tables: `<td class="titlestyle1043">`)
_TITLE_SELECTORS = ("h1", ".con-title", ".title", ".article-title", '[class^="titlestyle"]', "h2")
_CRUMB_HOLDER = re.compile(r"crumb|position|location|dqwz|curmb|current|weizhi", re.I)
_CRUMB_SPLIT = re.compile(r"\s*(?:>|＞|»|›|〉|→|/)\s*")
_CRUMB_LEAD = re.compile(r"^.*?(当前位置|您的位置|您现在的位置|所在位置|位置)\s*[:：]\s*")
_NOT_SECTION = {"首页", "网站首页", "主页", "正文", "详情", "内容", "详细信息", "阅读"}


@dataclass
class Extracted:
    """What a detail page yields; the spider adds url, source and site."""

    title: str
    body: str
    publisher: str = ""
    pub_date: str = ""
    written_date: str = ""
    doc_number: str = ""
    index_number: str = ""
    category: str = ""
    site_name: str = ""  # the publishing site's own name (SiteName meta, or the <title> suffix)
    section: str = ""  # the column the page is filed in (ColumnName meta, or the breadcrumb)
    scans: tuple[str, ...] = ()  # pictures making up a body with little text (SCAN_TEXT)


# A body with less text than this whose pictures are posted in it is a scan posted as images
# (a notice photographed page by page): its pictures are fetched and read by OCR. A page with
# more text than this shows photos beside its text, which are not read.
SCAN_TEXT = 100

# Full-width letters and digits become ASCII; full-width Chinese punctuation stays as it is.
_WIDTH = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                     *range(0xFF41, 0xFF5B)]}
_WIDTH.update({0x3000: 0x20, 0xA0: 0x20})


def clean_text(text: str) -> str:
    """Normalize widths and spaces, collapse space runs, drop blank lines and page chrome lines."""
    lines = []
    for line in text.translate(_WIDTH).splitlines():
        line = re.sub(r"[ \t\r\f\v]+", " ", line).strip()
        if line and not _CHROME_LINE.match(line):
            lines.append(line)
    return "\n".join(lines)


def element_text(node: Tag) -> str:
    """Return the text of an element with a newline per block and ' | ' between table cells
    (the paragraphs Word puts in every cell are one line of the row)."""
    parts: list[str] = []

    def walk(el, in_cell: bool):
        for child in el.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                parts.append(str(child))
            elif isinstance(child, Tag):
                if child.name in ("td", "th"):
                    walk(child, True)
                    parts.append(" | ")
                    continue
                block = child.name in _BLOCKS and not (in_cell and child.name not in
                                                       ("tr", "table"))
                if block:
                    parts.append("\n")
                elif in_cell and child.name in _BLOCKS:
                    parts.append(" ")
                walk(child, in_cell and child.name != "table")
                if block:
                    parts.append("\n")

    walk(node, False)
    text = "".join(parts)
    text = re.sub(r"[ \t]*\|[ \t]*(\n|$)", r"\1", text)  # no trailing separator per row
    return clean_text(text)


def _strip_chrome(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(_STRIP_TAGS):
        tag.decompose()
    for tag in soup.find_all(class_=_CHROME_CLASS):
        tag.decompose()


def _metas(soup: BeautifulSoup) -> dict[str, str]:
    found = {}
    for meta in soup.find_all("meta"):
        name = (meta.get("name") or "").strip().lower()
        if name and meta.get("content") is not None:
            found.setdefault(name, meta["content"].strip())
    return found


def metadata_table(soup: BeautifulSoup) -> tuple[dict[str, str], list[Tag]]:
    """Read the 信息公开 metadata table by labels, whitespace-insensitive; return the values
    and the elements holding them (tables, lists). A value that is itself a label is empty:
    the cell before it was."""
    found: dict[str, str] = {}
    holders: list[Tag] = []
    for cell in soup.find_all(["td", "th", "span", "label", "dt", "b", "strong", "li"]):
        m = _LABEL_RE.match("".join(cell.get_text().split()))
        if not m:
            continue
        holder = cell.find_parent(["table", "ul", "dl"])
        if holder is not None and holder not in holders:
            holders.append(holder)
        value_cell = cell.find_next_sibling(["td", "th", "span", "dd", "em"])
        if value_cell is None and cell.parent is not None and cell.parent.name in ("td", "th"):
            value_cell = cell.parent.find_next_sibling(["td", "th"])
        value = " ".join(value_cell.get_text().split()) if value_cell is not None else \
            _text_after(cell)
        if not value or m.group(1) not in LABELS:
            continue
        if value_cell is None and cell.parent not in holders:
            holders.append(cell.parent)
        if _LABEL_RE.match("".join(value.split())):
            value = ""
        found.setdefault(LABELS[m.group(1)], value)
    return {k: v for k, v in found.items() if v}, holders


def _text_after(label: Tag) -> str:
    """The text following a label inside its parent, when the parent holds only the label
    and that text (`<div><span>成文日期</span>2024年01月27日</div>`)."""
    parent = label.parent
    if parent is None or parent.name in ("body", "html") or \
            len(parent.find_all(label.name, recursive=False)) != 1:
        return ""
    after = "".join(parent.get_text().split()).removeprefix("".join(label.get_text().split()))
    return after.lstrip(":：") if len(after) <= 60 else ""


def _body_node(html: str, soup: BeautifulSoup) -> Tag | None:
    for fence in _FENCES:
        m = fence.search(html)
        if m and m.group(1).strip():
            fragment = BeautifulSoup(m.group(1), "lxml")
            _strip_chrome(fragment)
            return fragment.body or fragment
    for selector in BODY_SELECTORS:
        node = soup.select_one(selector)
        if node is not None and node.get_text(strip=True):
            return node
    return None


def _unlikely(node: Tag) -> bool:
    return bool(_UNLIKELY.search(" ".join(node.get("class") or []) + " " + (node.get("id") or "")))


def _own_text(node: Tag) -> int:
    """Length of the text a container holds itself: its direct text, inline children and
    paragraphs (`<p>` and leaf blocks), links and chrome not counted. Nested containers count
    for themselves."""
    total = 0
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            total += len(child.strip())
        elif isinstance(child, Tag) and child.name not in _LEAF_SKIP and child.name != "a" and (
                child.name not in _BLOCKS or child.name == "p"
                or not child.find(_FALLBACK_BLOCKS + ["p", "table"])) and not _unlikely(child):
            links = sum(len(a.get_text(strip=True)) for a in child.find_all("a"))
            total += max(0, len(child.get_text(strip=True)) - links)
    return total


def _fallback_body(soup: BeautifulSoup, aside: list[Tag]) -> Tag | None:
    """Pick the container whose own paragraphs hold the most text, however short.

    `aside`: what is not body text (the metadata table, the title element); they and lines like
    `发布日期：… 信息来源：…` are removed first, and chrome containers are never chosen."""
    for node in aside:
        node.decompose()
    for node in soup.find_all(_FALLBACK_BLOCKS + ["span"]):  # not <p>: body text
        text = node.get_text(" ", strip=True)
        if (not node.decomposed and len(text) < 80 and _INLINE_RE.search(text)
                and not node.find(_FALLBACK_BLOCKS + ["p"])):  # the line, not what holds it
            node.decompose()
    best, best_score = None, 0
    for node in soup.find_all(_FALLBACK_BLOCKS):
        if node.decomposed or any(_unlikely(n) for n in [node, *node.parents]
                                  if isinstance(n, Tag)):
            continue
        score = _own_text(node)
        if score > best_score:
            best, best_score = node, score
    return best


def _title_nodes(soup: BeautifulSoup, title: str) -> list[Tag]:
    """The elements showing the title (headings, `.title`): not part of the body."""
    wanted = "".join(title.split())
    return [node for node in soup.select("h1, h2, h3, .title, .con-title, .article-title")
            if wanted and "".join(node.get_text().split()) == wanted]


def _title(soup: BeautifulSoup, metas: dict, table: dict) -> str:
    """The page's title: its ArticleTitle meta or 标题 row, else the part of its <title> that
    the page shows as an element of its own (before a site or column suffix, however it is
    joined), else its first title element, else the <title> before its suffix."""
    for candidate in (metas.get("articletitle"), table.get("title"), _shown_head(soup)):
        if candidate:
            return " ".join(candidate.split())
    for selector in _TITLE_SELECTORS:
        node = soup.select_one(selector)
        if node is not None and node.get_text(strip=True):
            return " ".join(node.get_text().split())
    raw = soup.title.get_text() if soup.title else ""
    return _TITLE_SPLIT.split(raw.strip())[0] if raw.strip() else ""


def _shown_head(soup: BeautifulSoup) -> str:
    """The longest start of the <title>, cut at a separator, that the body shows as a text of
    its own outside its chrome: the whole <title> only if a heading or a title element shows
    it (a <title> that is only the site's name is shown in its header too)."""
    raw = " ".join(soup.title.get_text().split()) if soup.title else ""
    if not raw or soup.body is None:
        return ""
    cuts = [m.start() for m in _HEAD_SEPARATOR.finditer(raw) if m.start() > 0]
    wanted = {"".join(start.split()): start for start in (raw, *(raw[:cut] for cut in cuts))}
    shown: dict[str, Tag] = {}
    for string in soup.body.find_all(string=True):
        key = "".join(string.split())
        if key in wanted and key not in shown and not isinstance(string, Comment) and \
                not _in_chrome(string.parent):
            shown[key] = string.parent
    whole = shown.pop("".join(raw.split()), None)
    if whole is not None and any(
            node.name in ("h1", "h2", "h3", "h4") or any(
                "title" in c.lower() or c.startswith("bt") for c in node.get("class") or [])
            for node in (whole, whole.parent) if isinstance(node, Tag)):
        return raw
    return wanted[max(shown, key=len)] if shown else ""


def _in_chrome(node: Tag) -> bool:
    """Whether an element sits in the page's header, navigation, logo or footer."""
    return any(_unlikely(parent) or "logo" in " ".join(parent.get("class") or []).lower()
               for parent in (node, *node.parents) if isinstance(parent, Tag)
               and parent.name not in ("html", "body"))


_DATED = re.compile(r"date|time|fbrq|fbsj", re.I)


def _dated_element(soup: BeautifulSoup) -> str:
    """The date shown in an element named for it (`<div class="pages-date">`, VSB's
    `<span class="timestyle1043">`, `<span id="pubtime">`), outside the page's chrome."""
    for node in soup.find_all(["div", "span", "p", "td", "em", "i", "font"]):
        names = " ".join(node.get("class") or []) + " " + (node.get("id") or "")
        if _DATED.search(names) and not _in_chrome(node):
            found = parse_date(" ".join(itertools.islice(node.stripped_strings, 4)))
            if found:
                return found
    return ""


def _breadcrumb(soup: BeautifulSoup) -> list[str]:
    """The items of the page's breadcrumb (当前位置：首页 > 信息公开 > 年度报告), or []."""
    for node in soup.find_all(["div", "p", "span", "nav", "td", "ol", "ul"]):
        if not _CRUMB_HOLDER.search(" ".join(node.get("class") or []) + " " + (node.get("id") or "")):
            continue
        text = " ".join(node.get_text(" ").split())
        if len(text) > 200 or not _CRUMB_SPLIT.search(text):
            continue
        return [item for item in _CRUMB_SPLIT.split(_CRUMB_LEAD.sub("", text)) if item]
    return []


def _site_and_section(soup: BeautifulSoup, metas: dict, title: str) -> tuple[str, str]:
    """The site's own name and the page's section: the SiteName/ColumnName metas, else the
    <title> suffix (`通知_青州市人民政府`) and the breadcrumb's last item before the page."""
    site = metas.get("sitename", "")
    raw = " ".join(soup.title.get_text().split()) if soup.title else ""
    if not site:
        parts = _HEAD_SEPARATOR.split(raw[len(title):]) if title and raw.startswith(title) \
            else _TITLE_SPLIT.split(raw)
        site = parts[-1] if len(parts) > 1 and parts[-1] != title else ""
    section = metas.get("columnname", "")
    if not section:
        wanted = "".join(title.split())
        items = [i for i in _breadcrumb(soup)
                 if i not in _NOT_SECTION and "".join(i.split()) != wanted and i != site]
        section = items[-1] if items else ""
    return " ".join(site.split())[:100], " ".join(section.split())[:100]


def extract(html: str, url: str) -> Extracted | None:
    """Extract a detail page; return None for list and navigation pages.

    A page with document signals (ArticleTitle or PubDate meta, a known body container, a
    metadata table, a 发布日期 label) keeps its text however short it is."""
    soup = BeautifulSoup(html, "lxml")
    metas = _metas(soup)
    _strip_chrome(soup)
    table, table_nodes = metadata_table(soup)
    page_text = element_text(soup.body or soup)
    inline: dict[str, str] = {}
    for label, value in _INLINE_RE.findall(page_text):
        inline.setdefault(label, value)  # the first: the one by the title, not in the text
    title = _title(soup, metas, table)
    meta_date = metas.get("pubdate") or metas.get("publishdate") or metas.get("firstpublishedtime")
    node = _body_node(html, soup)
    is_detail = bool(metas.get("articletitle") or node is not None or len(table) >= 2
                     or "发布日期" in inline or "发布时间" in inline or (title and meta_date))
    if not is_detail:
        return None
    site_name, section = _site_and_section(soup, metas, title)  # before the fallback cuts
    if node is None:
        node = _fallback_body(soup, [*table_nodes, *_title_nodes(soup, title)])
    body = element_text(node) if node is not None else ""  # e.g. a page that only links a PDF
    scans = _scans(node, url) if node is not None and len(body) < SCAN_TEXT else ()
    pub_date = (parse_date(meta_date or "") or parse_date(table.get("pub_date", ""))
                or parse_date(inline.get("发布日期") or inline.get("发布时间") or "")
                or _dated_element(soup) or date_from_url(url)
                or parse_date(inline.get("时间") or inline.get("日期") or ""))
    publisher = (metas.get("contentsource") or table.get("publisher")
                 or inline.get("信息来源") or inline.get("发布机构") or inline.get("来源")
                 or inline.get("作者") or "")
    return Extracted(
        title=title,
        body=body,
        publisher=publisher.strip(),
        pub_date=pub_date,
        written_date=parse_date(table.get("written_date", "")),
        doc_number=table.get("doc_number", ""),
        index_number=table.get("index_number", ""),
        category=table.get("category", ""),
        site_name=site_name,
        section=section,
        scans=scans,
    )


def _scans(node: Tag, url: str) -> tuple[str, ...]:
    """The pictures a body shows or links (`<img src>`, `<a href>` to a picture), in order,
    as absolute URLs; of a thumbnail linking its full size, the full size only."""
    found: list[str] = []
    for tag in node.find_all(["img", "a"]):
        target = (tag.get("src") if tag.name == "img" else tag.get("href")) or ""
        absolute = urljoin(url, target.strip())
        link = tag.find_parent("a") if tag.name == "img" else None
        if link is not None and image_url(urljoin(url, (link.get("href") or "").strip())):
            continue
        if image_url(absolute) and absolute not in found:
            found.append(absolute)
    return tuple(found)
