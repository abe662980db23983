"""Detail-page extraction: title, dates, publisher, 信息公开 metadata and clean body text.

Order (DOMAIN.md §1.0): the standard `<meta>` block, then the ContentStart/ZJEG body fences, then
known CMS body containers, then a generic fallback. A page with none of the document signals
(a list or navigation page) yields None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from crawler.dates import date_from_url, parse_date

_FENCES = (
    re.compile(r"<meta\s+name=[\"']?ContentStart[\"']?\s*/?>(.*?)<meta\s+name=[\"']?ContentEnd",
               re.S | re.I),
    re.compile(r"<!--ZJEG_RSS\.content\.begin-->(.*?)<!--ZJEG_RSS\.content\.end-->", re.S),
)
BODY_SELECTORS = ("#zoom", "#Zoom", ".TRS_UEDITOR", ".TRS_Editor", "#vsb_content",
                  ".v_news_content", ".pages_content", ".article-content", ".article_content",
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
_LABEL_RE = re.compile("^(" + "|".join(sorted(LABELS, key=len, reverse=True)) + ")[:：]?$")
_INLINE_LABELS = ("发布日期", "发布时间", "信息来源", "发布机构", "来源")
_INLINE_RE = re.compile("(" + "|".join(_INLINE_LABELS) + r")\s*[:：]\s*([^\s|]+)")
_FALLBACK_BLOCKS = ["div", "td", "article", "section"]
_TITLE_SPLIT = re.compile(r"\s*[_|]\s*|\s+-\s+")


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
    """Return the text of an element with a newline per block and ' | ' between table cells."""
    parts: list[str] = []

    def walk(el):
        for child in el.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                parts.append(str(child))
            elif isinstance(child, Tag):
                if child.name in ("td", "th"):
                    walk(child)
                    parts.append(" | ")
                    continue
                block = child.name in _BLOCKS
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")

    walk(node)
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


def metadata_table(soup: BeautifulSoup) -> dict[str, str]:
    """Read the 信息公开 metadata table by labels, whitespace-insensitive."""
    found: dict[str, str] = {}
    for cell in soup.find_all(["td", "th", "span", "label", "dt", "b", "strong", "li"]):
        label = "".join(cell.get_text().split())
        m = _LABEL_RE.match(label)
        if not m:
            continue
        value_cell = cell.find_next_sibling(["td", "th", "span", "dd", "em"])
        if value_cell is None and cell.parent is not None and cell.parent.name in ("td", "th"):
            value_cell = cell.parent.find_next_sibling(["td", "th"])
        if value_cell is not None:
            value = " ".join(value_cell.get_text().split())
            found.setdefault(LABELS[m.group(1)], value)
    return found


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


def _fallback_body(soup: BeautifulSoup) -> Tag | None:
    """Pick the block with the most non-link text, then descend into a child holding most of it."""
    best, best_len = None, 0
    for node in soup.find_all(_FALLBACK_BLOCKS):
        text_len = len(node.get_text(strip=True))
        link_len = sum(len(a.get_text(strip=True)) for a in node.find_all("a"))
        own = text_len - link_len
        if own > best_len and link_len < 0.3 * text_len:
            best, best_len = node, own
    if best_len < 200:
        return None
    while True:
        inner = [c for c in best.find_all(_FALLBACK_BLOCKS, recursive=False)
                 if len(c.get_text(strip=True)) >= 0.8 * best_len]
        if not inner:
            return best
        best = inner[0]


def _title(soup: BeautifulSoup, metas: dict, table: dict) -> str:
    for candidate in (metas.get("articletitle"), table.get("title")):
        if candidate:
            return " ".join(candidate.split())
    for selector in ("h1", ".con-title", ".title", ".article-title", "h2"):
        node = soup.select_one(selector)
        if node is not None and node.get_text(strip=True):
            return " ".join(node.get_text().split())
    raw = soup.title.get_text() if soup.title else ""
    return _TITLE_SPLIT.split(raw.strip())[0] if raw.strip() else ""


def extract(html: str, url: str) -> Extracted | None:
    """Extract a detail page; return None for list and navigation pages."""
    soup = BeautifulSoup(html, "lxml")
    metas = _metas(soup)
    _strip_chrome(soup)
    table = metadata_table(soup)
    page_text = element_text(soup.body or soup)
    inline = dict(_INLINE_RE.findall(page_text))
    node = _body_node(html, soup)
    is_detail = bool(metas.get("articletitle") or node is not None or len(table) >= 2
                     or "发布日期" in inline or "发布时间" in inline)
    if node is None and is_detail:
        node = _fallback_body(soup)
    if not is_detail:
        return None
    body = element_text(node) if node is not None else ""  # e.g. a page that only links a PDF
    pub_date = (parse_date(metas.get("pubdate") or metas.get("publishdate")
                           or metas.get("firstpublishedtime") or "")
                or parse_date(table.get("pub_date", ""))
                or parse_date(inline.get("发布日期") or inline.get("发布时间") or "")
                or date_from_url(url))
    publisher = (metas.get("contentsource") or table.get("publisher")
                 or inline.get("信息来源") or inline.get("发布机构") or inline.get("来源") or "")
    return Extracted(
        title=_title(soup, metas, table),
        body=body,
        publisher=publisher.strip(),
        pub_date=pub_date,
        written_date=parse_date(table.get("written_date", "")),
        doc_number=table.get("doc_number", ""),
        index_number=table.get("index_number", ""),
        category=table.get("category", ""),
    )
