"""Canonical URLs: one key per document however a site links to it (DOMAIN.md §3.5)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy.utils.request import fingerprint

_INDEX_PAGES = ("index.html", "index.htm", "index.shtml", "index.jsp", "default.htm",
                "default.html", "default.aspx")
_NOISE = {"spm", "from", "isappinstalled", "_", "timestamp", "random", "share_token"}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, fragment, tracking parameters or index file."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or
                     (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    head, _, last = path.rpartition("/")
    if last.lower() in _INDEX_PAGES:
        path = head + "/"
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
              if k.lower() not in _NOISE and not k.lower().startswith("utm_")]
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(params), ""))


class CanonicalFingerprinter:
    """Scrapy request fingerprinter: requests for the same canonical URL are one request."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def fingerprint(self, request) -> bytes:
        return fingerprint(request.replace(url=canonical_url(request.url)))


def origin(url: str) -> str:
    """Return the origin of a URL, `scheme://host:port` (the port always written out).

    Politeness slots, bot-wall blocks and robots.txt are per origin: two sites on one host name
    with different ports, or http and https, are different origins.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme, 0)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"
