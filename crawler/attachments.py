"""Attachments (PDF, DOCX, XLSX, XLS, DOC/WPS) as text, tables kept with cell separators.

The type comes from the file's first bytes, then the URL or its `filename=`/`pathfile=`
parameter (Hanweb `downfile.jsp`, Hebei `download.jsp`), then the Content-Type.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger(__name__)

EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et")
_CONTENT_TYPES = {"application/pdf": "pdf", "application/msword": "doc",
                  "application/vnd.ms-excel": "xls",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_RUN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffefA-Za-z0-9 ，。、；：？！“”（）《》〔〕%.\-]{4,}")


class AttachmentError(Exception):
    """A file that is not a readable attachment."""


def url_extension(url: str) -> str:
    """Return the attachment type named by a URL (path or filename parameter), or ""."""
    parts = urlsplit(url)
    candidates = [unquote(parts.path)]
    query = parse_qs(parts.query)
    for key in ("filename", "pathfile", "file", "fileName", "path"):
        candidates += query.get(key, [])
    for name in candidates:
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext in EXTENSIONS:
            return ext
    return ""


def file_name(url: str) -> str:
    """Return the file name a URL names (its filename parameter or last path part)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    for key in ("filename", "pathfile", "file", "fileName"):
        if query.get(key):
            return query[key][0].rsplit("/", 1)[-1]
    return unquote(parts.path.rsplit("/", 1)[-1])


_EXT = re.compile(r"\.(?:" + "|".join(EXTENSIONS) + r")$", re.I)
_SIZE = re.compile(r"[(（\[]\s*\d+(?:\.\d+)?\s*[KMG]?B?\s*[)）\]]", re.I)  # （356KB）
_STAMP = re.compile(r"\d{8,}")  # upload timestamps and ids glued to names
_GENERIC = re.compile(r"附件|下载|点击|点此|查看|原文|全文|文件|链接|打开|pdf|docx?|xlsx?|wps|版", re.I)
_CJK = re.compile(r"[\u3400-\u9fff]")


def descriptive(name: str) -> str:
    """Return a link text or file name without its extension if it says something, else "".

    Machine names (`P020240105123456.pdf`, `4804801.docx`, hashes, `WKgZu66N.pdf`) and bare
    `下载`/`附件`/`点击查看` say nothing; `附件1：依申请公开情况统计表.xls` does.
    """
    text = _SIZE.sub("", " ".join((name or "").split()))
    text = _EXT.sub("", text.strip())
    text = _STAMP.sub("", text).strip(" _-.")
    if not _CJK.search(_GENERIC.sub("", text)):
        return ""
    return text


def display_name(link_text: str, url: str) -> str:
    """The name a page's list of attachments shows: the link text, else the file name."""
    return " ".join((link_text or "").split()) or file_name(url)


def title_for(text: str, url: str, parent_title: str = "", link_text: str = "") -> str:
    """Title an attachment: its linking page's title, with the link text (or file name) only
    when that says more; without a page, that text, else the file's first short line."""
    own = descriptive(link_text) or descriptive(file_name(url))
    if parent_title:
        squeezed = "".join(parent_title.split())
        if not own or "".join(own.split()) in squeezed:
            return parent_title
        return f"{parent_title}（{own if own.startswith('附件') else '附件：' + own}）"
    if own:
        return own
    first = text.strip().split("\n", 1)[0].strip() if text.strip() else ""
    return first if 0 < len(first) <= 80 else f"{url_extension(url).upper() or '附件'}附件"


def detect(body: bytes, url: str, content_type: str = "") -> str:
    """Return the attachment type of a response, or "" if it is not one."""
    if body.startswith(b"%PDF"):
        return "pdf"
    ext = url_extension(url)
    if body.startswith(b"PK") and ext in ("docx", "xlsx"):
        return ext
    if body.startswith(b"PK"):
        names = zipfile.ZipFile(io.BytesIO(body)).namelist() if zipfile.is_zipfile(
            io.BytesIO(body)) else []
        return "docx" if "word/document.xml" in names else "xlsx" if "xl/workbook.xml" in names \
            else ""
    if body.startswith(_OLE):
        return ext if ext in ("doc", "xls", "wps", "et") else "doc"
    return _CONTENT_TYPES.get(content_type.split(";")[0].strip().lower(), "") if ext else ""


def extract_text(body: bytes, kind: str) -> str:
    """Return the text of an attachment; raise AttachmentError if it cannot be read.
    Text laid out in lines (PDF, old Word) gets its wrapped lines joined again."""
    try:
        text = _READERS[kind](body)
    except AttachmentError:
        raise
    except Exception as exc:  # each library raises its own errors for broken files
        raise AttachmentError(f"unreadable {kind}: {exc}") from exc
    if kind in _WRAPPED:
        return join_wrapped(text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


_WRAPPED = ("pdf", "doc", "wps")
_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_ENDS_SENTENCE = "。！？；：!?;:…"
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|"
                      r"第[一二三四五六七八九十百]+[章节条部分]|\d{1,2}[.、．](?!\d))")
_JOINS = (  # (end of a line, start of the next): the break between them was a wrap
    (re.compile(f"[{_HAN}，、（《“‘]$"), re.compile(f"^[{_HAN}0-9，。、；：）》”’]")),
    (re.compile(r"[0-9]$"), re.compile(f"^[0-9{_HAN}.,%]")),
)
_LATIN = (re.compile(r"[A-Za-z,]$"), re.compile(r"^[A-Za-z]"))
# a line ending in two or more table values: numbers, or the dashes and 无 tables write for 0
_TABLE_ROW = re.compile(r"(?:(?:^|\s+)(?:[-+—]?[\d,.]*\d[\d,.]*%?|[—–―/\\无-]+)){2,}\s*$")
SHORT_LINE = 0.7  # of the usual full line: a line this short ended its paragraph


def join_wrapped(text: str) -> str:
    """Join the lines a page layout wrapped (PDF text): `机\n构设置` → `机构设置`.

    A break between two Han characters, inside a number or after a mid-sentence mark is a
    wrap; a break after 。；：, before a heading (`二、`, `（三）`), after a short line, at a
    table row (`a | b`, or a label followed by numbers: `规章 3 0 12`) or at a blank line is a
    real one.
    """
    lines = [line.strip() for line in text.splitlines()]
    lengths = sorted(len(line) for line in lines if line)
    full = lengths[int(0.9 * (len(lengths) - 1))] if len(lengths) >= 8 else 0
    out: list[str] = []
    for line in lines:
        if not line:
            out.append("")
            continue
        glue = _glue(out[-1], line, full) if out and out[-1] else None
        if glue is None:
            out.append(line)
        else:
            out[-1] += glue + line
    return "\n".join(line for line in out if line)


def _table_row(line: str) -> bool:
    """Whether a line ends in two or more numbers (any width: ２４，５４８, －２)."""
    return bool(_TABLE_ROW.search(unicodedata.normalize("NFKC", line)))


def _glue(previous: str, line: str, full: int) -> str | None:
    """What joins two lines ("" or " "), or None when the break between them is real."""
    short = len(previous) < SHORT_LINE * full if full else \
        bool(_HEADING.match(previous)) and len(previous) <= 15
    if previous[-1] in _ENDS_SENTENCE or _HEADING.match(line) or short or \
            " | " in previous or " | " in line or _table_row(previous) or _table_row(line):
        return None
    if any(end.search(previous) and start.match(line) for end, start in _JOINS):
        return ""
    if _LATIN[0].search(previous) and _LATIN[1].match(line):
        return " "
    return None


def _pdf(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)


def _docx(body: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [" | ".join(cell.text.strip() for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


def _xlsx(body: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    rows = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if v is None else str(v) for v in row]
            if any(cells):
                rows.append(" | ".join(cells))
    return "\n".join(rows)


def _xls(body: bytes) -> str:
    import xlrd

    book = xlrd.open_workbook(file_contents=body)
    rows = []
    for sheet in book.sheets():
        for r in range(sheet.nrows):
            cells = [str(v) for v in sheet.row_values(r)]
            if any(cells):
                rows.append(" | ".join(cells))
    return "\n".join(rows)


def _ole_text(body: bytes) -> str:
    """Old binary Word/WPS: the text runs stored as UTF-16LE (best effort, no formatting)."""
    decoded = body.decode("utf-16-le", errors="ignore")
    runs = _TEXT_RUN.findall(decoded)
    if not runs:
        raise AttachmentError("no text found in the binary document")
    return "\n".join(runs)


_READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "xls": _xls, "doc": _ole_text,
            "wps": _ole_text, "et": _xls}
