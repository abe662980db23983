"""Boda VSB: `col.htm` then descending pages `col/10.htm` … `col/1.htm` (`1/11` in the pager)."""

from __future__ import annotations

import re

from crawler.adapters.base import page_request

_MARKERS = ("/system/resource/js/", "vsb_content", "_showDynClicks", "p_next p_fun")
_NEXT = re.compile(r"class=[\"']p_next p_fun[\"'][^>]*>\s*<a href=[\"']([^\"']*?)(\d+)\.htm[\"']")


def matches(response) -> bool:
    """VSB pages load its resource scripts or use its pager classes."""
    return any(m in response.text for m in _MARKERS)


def requests(response) -> list:
    """From the first list page, request every numbered page at once (they shift as items arrive)."""
    m = _NEXT.search(response.text)
    if not m or re.search(r"/\d+\.htm$", response.url):
        return []
    prefix, top = m.group(1), int(m.group(2))
    return [page_request(response.urljoin(f"{prefix}{n}.htm")) for n in range(top, 0, -1)]
