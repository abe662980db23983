"""Crawler traps: URL patterns that mint pages without end (DOMAIN.md §3.5).

An endless calendar (`?date=2024-03-01` linking the day before and after), paging that runs
past the last page, a list of thousands of links to ids that do not exist: each is one URL
*pattern* (the path with its numbers blanked, and the names of its query parameters) whose
pages hold no document and no link the crawl has not seen, outside the pattern itself.

`TrapGuard` watches every pattern's answers: after `limit` such pages in a row, the pattern is
a trap and its other URLs are not asked for. A page that is a document, or links something
new elsewhere, resets the count, so a long but real list (paging on to new items, a template
of real documents with some dead links) is never cut. Besides, once `variants` query strings
of one path have given nothing, in a row or not, its other query strings are not asked for
(a path whose useless variants hide among useful ones). What was cut is reported per source,
by pattern (crawler/outcomes.py).
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

from crawler.urls import SESSION_PARAMETERS, canonical_url, origin, session_parameters

_DIGITS = re.compile(r"\d+")


def pattern(url: str, session: frozenset[str] = SESSION_PARAMETERS) -> str:
    """The URL's pattern: origin, path with digit runs as `#`, sorted query names (of its
    canonical form: session ids and tracking parameters are no part of it)."""
    return canonical_pattern(canonical_url(url, session))


def canonical_pattern(url: str) -> str:
    """The pattern of a URL already in canonical form (crawler.urls.canonical_url)."""
    parts = urlsplit(url)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    query = "?" + "&".join(names) if names else ""
    return origin(url) + _DIGITS.sub("#", parts.path or "/") + query


def path_key(url: str) -> str:
    return origin(url) + (urlsplit(url).path or "/")


class TrapGuard:
    """What one crawl knows of trap patterns."""

    @classmethod
    def of(cls, crawler) -> TrapGuard:
        """The crawl's guard, made on first use from its settings."""
        if getattr(crawler, "gongkai_traps", None) is None:
            settings = crawler.settings
            crawler.gongkai_traps = cls(
                settings.getint("GONGKAI_TRAP_LIMIT", 50),
                settings.getint("GONGKAI_QUERY_VARIANTS", 1000),
                session_parameters(settings.getlist("GONGKAI_SESSION_PARAMETERS")))
        return crawler.gongkai_traps

    def __init__(self, limit: int = 50, variants: int = 1000,
                 session: frozenset[str] = SESSION_PARAMETERS):
        self.session = session
        self.limit = limit  # 0: no pattern is ever cut
        self.variants = variants  # 0: no cap
        self.dry: Counter[str] = Counter()  # pattern -> unproductive pages in a row
        self.cut: set[str] = set()
        self.barren: Counter[str] = Counter()  # path -> its query strings that gave nothing

    def refusal(self, url: str) -> str | None:
        """The pattern (or `path?…`) to report if the URL must not be asked, else None."""
        url = canonical_url(url, self.session)
        key = canonical_pattern(url)
        if key in self.cut:
            return key
        if self.variants and urlsplit(url).query and \
                self.barren[path_key(url)] >= self.variants:
            return path_key(url) + "?…"
        return None

    def pattern(self, url: str) -> str:
        return pattern(url, self.session)

    def answered(self, url: str, productive: bool) -> bool:
        """Record a page; return True when its pattern has just become a trap."""
        url = canonical_url(url, self.session)
        key = canonical_pattern(url)
        if productive:
            self.dry.pop(key, None)
            return False
        self.dry[key] += 1
        if urlsplit(url).query:
            self.barren[path_key(url)] += 1
        if self.limit and self.dry[key] >= self.limit and key not in self.cut:
            self.cut.add(key)
            return True
        return False
