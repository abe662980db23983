"""Page encodings: HTTP header → BOM → `<meta charset>`/`http-equiv` → detection.

GB2312 and GBK are read as GB18030 (their superset), as w3lib's table already maps them.
"""

from __future__ import annotations

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
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


def decode_html(body: bytes, content_type: str = "") -> str:
    """Decode a page the way the crawler does."""
    return html_to_unicode(content_type or None, body,
                           auto_detect_fun=lambda b: detect_encoding(b))[1]
