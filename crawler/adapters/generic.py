"""The long-tail adapter: in-site `<a href>` links, which cover 下一页/下页/尾页 paging."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

# Traditional-Chinese gateways serve converted copies of pages we already crawl (DOMAIN.md §3.5).
_EXTRACTOR = LinkExtractor(deny=(r"/gate/big5/", r"^https?://big5\."), unique=True,
                           deny_extensions=[])


def matches(response) -> bool:
    """The generic adapter accepts any page."""
    return True


def requests(response) -> list:
    """The generic adapter adds nothing beyond the page's links."""
    return []


def in_domains(url: str, allowed_domains: tuple[str, ...]) -> bool:
    """Whether the URL's host (port ignored) is one of the domains or below one."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in allowed_domains)


def links(response) -> list:
    """Return the links of an HTML page (scrapy `Link`s: absolute `url`, anchor `text`),
    attachments included."""
    if not isinstance(response, HtmlResponse):
        return []
    return _EXTRACTOR.extract_links(response)
