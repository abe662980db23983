"""Files as text: PDF, DOCX, XLSX, XLS and old Word/WPS, tables kept with cell separators.

The type comes from the file's first bytes, then the URL or its `filename=`/`pathfile=`
parameter (Hanweb `downfile.jsp`, Hebei `download.jsp`), then the Content-Type. Text laid out
in lines (PDF, old Word) gets its wrapped lines joined again (`wraps`).
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import parse_qs, unquote, urlsplit

from reading.wraps import join_wrapped

EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et")
# Pictures a page may post a scan as (红头文件 photographed or scanned page by page): they
# have no text of their own, only what OCR reads (reading/ocr.py)
IMAGES = ("jpg", "jpeg", "png", "tif", "tiff")
_IMAGE_MAGIC = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"II*\x00", "tif"),
                (b"MM\x00*", "tif"))
_CONTENT_TYPES = {"application/pdf": "pdf", "application/msword": "doc",
                  "application/vnd.ms-excel": "xls",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_RUN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffefA-Za-z0-9 ，。、；：？！“”（）《》〔〕%.\-]{4,}")


class UnreadableFile(Exception):
    """A file that cannot be read as the type it claims to be."""


def url_extension(url: str) -> str:
    """Return the file type named by a URL (path or filename parameter), or "". Path
    parameters (`a.pdf;jsessionid=…`) are no part of the name."""
    parts = urlsplit(url)
    candidates = ["/".join(s.split(";")[0] for s in unquote(parts.path).split("/"))]
    query = parse_qs(parts.query)
    for key in ("filename", "pathfile", "file", "fileName", "path"):
        candidates += query.get(key, [])
    for name in candidates:
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext in EXTENSIONS:
            return ext
    return ""


def image_kind(body: bytes) -> str:
    """The kind of picture a body is (jpg, png, tif) by its first bytes, or ""."""
    return next((kind for magic, kind in _IMAGE_MAGIC if body.startswith(magic)), "")


def image_url(url: str) -> bool:
    """Whether a URL names a picture of a kind scans are posted as."""
    path = unquote(urlsplit(url).path).split(";")[0].lower()
    return "." in path and path.rsplit(".", 1)[-1] in IMAGES


def detect(body: bytes, url: str, content_type: str = "") -> str:
    """Return the file type of a response (pdf, docx, xlsx, xls, doc, wps, et), or "" if it is
    none of them."""
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
    """Return the text of a file of a known type; raise UnreadableFile if it cannot be read.
    Text laid out in lines (PDF, old Word) gets its wrapped lines joined again."""
    try:
        text = _READERS[kind](body)
    except UnreadableFile:
        raise
    except Exception as exc:  # each library raises its own errors for broken files
        raise UnreadableFile(f"unreadable {kind}: {exc}") from exc
    if kind in _WRAPPED:
        return join_wrapped(text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


_WRAPPED = ("pdf", "doc", "wps")


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
        raise UnreadableFile("no text found in the binary document")
    return "\n".join(runs)


_READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "xls": _xls, "doc": _ole_text,
            "wps": _ole_text, "et": _xls}
