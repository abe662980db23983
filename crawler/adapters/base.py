"""What the platform adapters share."""

from __future__ import annotations

import scrapy


def page_request(url: str) -> scrapy.Request:
    """A request for a further list page: dropped when the current page shows only known items."""
    return scrapy.Request(url, meta={"paging": True})
