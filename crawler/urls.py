"""Canonical URLs: one key per document however a site links to it (DOMAIN.md §3.5)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy.utils.request import fingerprint

_INDEX_PAGES = ("index.html", "index.htm", "index.shtml", "index.jsp", "default.htm",
                "default.html", "default.aspx")
_NOISE = {"spm", "from", "isappinstalled", "_", "timestamp", "random", "share_token"}
# Parameters that carry a visitor's session, minted anew on every page a server renders (Java
# CMSs put `;jsessionid=` in every link): never part of what a document is. Lower case; an
# `aspsessionid…` name (ASP's, with a random suffix) is one too. `[crawl] session_parameters`
# adds more.
SESSION_PARAMETERS = frozenset({"jsessionid", "sid", "sessionid", "session_id", "sessid",
                                "phpsessid", "asp.net_sessionid", "cfid", "cftoken",
                                "wicket:sessionid", "zenid", "osccid"})


def session_parameters(extra: str | list[str] = "") -> frozenset[str]:
    """The session parameters, with more names (a comma-separated string or a list)."""
    names = extra.split(",") if isinstance(extra, str) else extra
    return SESSION_PARAMETERS | {n.strip().lower() for n in names if n.strip()}


def _is_session(name: str, session: frozenset[str]) -> bool:
    name = name.lower()
    return name in session or name.startswith("aspsessionid")


def canonical_url(url: str, session: frozenset[str] = SESSION_PARAMETERS) -> str:
    """Lower-case scheme and host, no default port, fragment, tracking or session parameters
    (`;jsessionid=…` path parameters too) or index file."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or
                     (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = "/".join(_without_session(segment, session)
                    for segment in (parts.path or "/").split("/"))
    head, _, last = path.rpartition("/")
    if last.lower() in _INDEX_PAGES:
        path = head + "/"
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
              if k.lower() not in _NOISE and not k.lower().startswith("utm_")
              and not _is_session(k, session)]
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(params), ""))


def _without_session(segment: str, session: frozenset[str]) -> str:
    """A path segment without its session path parameters (`a.html;jsessionid=1F3` → a.html)."""
    name, *params = segment.split(";")
    kept = [p for p in params if not _is_session(p.split("=", 1)[0], session)]
    return ";".join([name, *kept])


class CanonicalFingerprinter:
    """Scrapy request fingerprinter: requests for the same canonical URL are one request."""

    def __init__(self, session: frozenset[str] = SESSION_PARAMETERS):
        self.session = session

    @classmethod
    def from_crawler(cls, crawler):
        return cls(session_parameters(crawler.settings.getlist("GONGKAI_SESSION_PARAMETERS")))

    def fingerprint(self, request) -> bytes:
        return fingerprint(request.replace(url=canonical_url(request.url, self.session)))


def origin(url: str) -> str:
    """Return the origin of a URL, `scheme://host:port` (the port always written out).

    Politeness slots, bot-wall blocks and robots.txt are per origin: two sites on one host name
    with different ports, or http and https, are different origins.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme, 0)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"
