"""TRS WCM: list pages `index.html`, `index_1.html` … whose count is only in JavaScript:
`createPageHTML(count, current, "index", "html")` or `var countPage = N`."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.adapters.base import page_request

_CREATE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"']([^\"']+)[\"']\s*,"
                     r"\s*[\"']([^\"']+)[\"']")
_COUNT = re.compile(r"var\s+countPage\s*=\s*(\d+)")
_MARKERS = ("createPageHTML", "countPage", "TRS_Editor", "TRS_UEDITOR", "/trs_")


def matches(response) -> bool:
    """TRS pages carry its editor classes or its paging script."""
    return any(m in response.text for m in _MARKERS)


def requests(response) -> list:
    """Return every list page named by the paging script (index_1 … index_{count-1})."""
    text = response.text
    m = _CREATE.search(text)
    if m:
        count, base, ext = int(m.group(1)), m.group(3), m.group(4)
    else:
        m = _COUNT.search(text)
        if not m:
            return []
        name = urlsplit(response.url).path.rsplit("/", 1)[-1] or "index.html"
        stem, _, ext = name.partition(".")
        count, base, ext = int(m.group(1)), stem.split("_")[0], ext or "html"
    return [page_request(response.urljoin(f"{base}_{n}.{ext}")) for n in range(1, count)]
