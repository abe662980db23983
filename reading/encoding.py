"""Page encodings: HTTP header → BOM → `<meta charset>`/`http-equiv` → detection.

GB2312 and GBK are read as GB18030 (their superset), as w3lib's table already maps them.
"""

from __future__ import annotations

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)


def declared_encoding(body: bytes, content_type: str = "") -> str:
    """Return the encoding a page declares (header, BOM or meta), or ""."""
    return (http_content_type_encoding(content_type) or read_bom(body)[0]
            or html_body_declared_encoding(body) or "")


def detect_encoding(body: bytes) -> str:
    """Guess the encoding of an undeclared page: UTF-8, then GB18030, then charset detection."""
    for candidate in ("utf-8", "gb18030"):
        try:
            body.decode(candidate)
        except UnicodeDecodeError:
            continue
        return candidate
    best = from_bytes(body).best()
    return resolve_encoding(best.encoding) if best else "gb18030"


_SINGLE_BYTE = {"ascii", "latin-1", "iso8859-1", "cp1252", "windows-1252"}


def page_encoding(body: bytes, content_type: str = "") -> str:
    """The encoding to read a page in: the one it declares (header, BOM, meta), unless the page
    does not decode in it (a template saying utf-8 around GBK text) or declares a Western
    single-byte encoding around text that decodes as UTF-8 or GB18030; then detection."""
    declared = declared_encoding(body, content_type)
    if declared:
        name = resolve_encoding(declared) or declared
        try:
            body.decode(name)
        except (UnicodeDecodeError, LookupError):
            return detect_encoding(body)
        if name.lower() not in _SINGLE_BYTE or body.isascii():
            return name
    return detect_encoding(body)


def decode_html(body: bytes, content_type: str = "") -> str:
    """Decode a page the way the crawler does."""
    return body.decode(page_encoding(body, content_type), errors="replace").lstrip("\ufeff")
