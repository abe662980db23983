"""Attachments (PDF, DOCX, XLSX, XLS, DOC/WPS) as text, tables kept with cell separators.

The type comes from the file's first bytes, then the URL or its `filename=`/`pathfile=`
parameter (Hanweb `downfile.jsp`, Hebei `download.jsp`), then the Content-Type.
"""

from __future__ import annotations

import io
import logging
import re
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


def title_for(text: str, url: str, parent_title: str = "") -> str:
    """Title an attachment: its linking page's title, else its first short line, else the name."""
    name = file_name(url)
    if parent_title:
        return f"{parent_title}（附件：{name}）"
    first = text.strip().split("\n", 1)[0].strip() if text.strip() else ""
    return first if 0 < len(first) <= 80 else name


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
    """Return the text of an attachment; raise AttachmentError if it cannot be read."""
    try:
        text = _READERS[kind](body)
    except AttachmentError:
        raise
    except Exception as exc:  # each library raises its own errors for broken files
        raise AttachmentError(f"unreadable {kind}: {exc}") from exc
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


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
