"""The long-tail adapter: follow in-site `<a href>` links, including 下一页/下页/尾页 paging."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.linkextractors import LinkExtractor

# Traditional-Chinese gateways serve converted copies of pages we already crawl (DOMAIN.md §3.5).
_EXTRACTOR = LinkExtractor(deny=(r"/gate/big5/", r"^https?://big5\."), unique=True)


def matches(response) -> bool:
    """The generic adapter accepts any page."""
    return True


def in_domains(url: str, allowed_domains: tuple[str, ...]) -> bool:
    """Whether the URL's host (port ignored) is one of the domains or below one."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in allowed_domains)


def links(response, allowed_domains: tuple[str, ...]) -> list[str]:
    """Return the absolute URLs on the page that stay within the allowed domains."""
    urls = (link.url for link in _EXTRACTOR.extract_links(response))
    return [u for u in urls if in_domains(u, allowed_domains)]
