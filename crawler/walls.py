"""Bot walls (DOMAIN.md §3.1): recognising them, and how far one reaches.

Real sites wall their search pages, interfaces or one protected directory while the 信息公开
pages stay open. So a wall answer closes its *scope* (the walled path's directory, or the path
itself at the site root), not the origin; an origin is closed only when it walls everything: its
first FIRST_WALLS answers are all walls, or WALLS_IN_A_ROW answers in a row are. No challenge is
ever solved and no wall page is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.urls import origin

SMALL_PAGE = 4096  # challenge and soft-error pages are tiny
FIRST_WALLS = 3  # an origin that has served no real page is closed after this many walls
WALLS_IN_A_ROW = 5  # any origin is closed after this many walls without a real page between
_SOFT_404 = ("页面不存在", "页面找不到", "找不到页面", "页面已删除", "404 Not Found", "该页面不存在")


def bot_wall(response) -> str:
    """Return why a response is a bot wall or block page, or ""."""
    body = response.body[:20000]
    cookies = b" ".join(response.headers.getlist("Set-Cookie")).lower()
    if response.status in (412, 202) and b"$_ts" in body:
        return "ruishu_js_challenge"
    if response.status == 521 and (b"__jsl_clearance" in body or b"__jsluid" in cookies):
        return "jiasule_js_challenge"
    if b"wzws" in cookies or (response.status != 200 and b"wzws" in body):
        return "wzws_waf"
    if response.status == 200 and len(response.body) < SMALL_PAGE and "非法请求".encode() in body:
        return "illegal_request_page"
    return ""


def soft_404(response) -> bool:
    """Whether a 200 answer is a small 'page not found' page."""
    if response.status != 200 or len(response.body) >= SMALL_PAGE:
        return False
    text = response.body.decode("utf-8", errors="ignore")
    return any(marker in text for marker in _SOFT_404)


_MISSING = re.compile("页面不存在|页面找不到|找不到页面|找不到您|页面已删除|已被删除|已删除|已撤下|"
                      "不存在|无法找到|访问的页面")
_MISSING_TITLE = re.compile(r"^\D*\b404\b\D*$")
MISSING_BODY = 300  # a "not found" text is short; a document discussing one is not


def missing_page(page) -> bool:
    """Whether a page extracted from the article template says it is not there: "not found"
    words in its title or short body, and none of a document's metadata (publisher, index or
    document number, written date) that a real document shows around its text."""
    if page.publisher or page.index_number or page.doc_number or page.written_date:
        return False
    if len(page.body) > MISSING_BODY:
        return False
    return bool(_MISSING.search(page.title) or _MISSING_TITLE.match(page.title)
                or _MISSING.search(page.body))


def wall_scope(url: str) -> str:
    """Return what a wall on this URL closes: its directory (`/search/`), or the path itself
    for a path at the site root (`/robots.txt`, `/search`), since `/` would be everything."""
    path = urlsplit(url).path or "/"
    directory = path[: path.rfind("/") + 1]
    return path if directory == "/" else directory


def in_scope(path: str, scope: str) -> bool:
    """Whether a URL path falls under a wall scope (a directory, or one path: `/` is only
    the home page)."""
    return path.startswith(scope) if scope.endswith("/") and scope != "/" else path == scope


@dataclass
class Walled:
    """A walled scope (or a closed origin): why, how many wall answers, how many requests
    were not sent because of it."""

    reason: str
    walls: int = 0
    skipped: int = 0


@dataclass
class _Origin:
    pages: int = 0  # real answers
    in_a_row: int = 0  # wall answers since the last real one
    closed: Walled | None = None
    scopes: dict[str, Walled] = field(default_factory=dict)


class WallPolicy:
    """What one crawl has learnt about walls, per origin."""

    def __init__(self):
        self.origins: dict[str, _Origin] = {}

    def _state(self, url: str) -> tuple[str, _Origin]:
        key = origin(url)
        return key, self.origins.setdefault(key, _Origin())

    def refusal(self, url: str) -> tuple[str, str, Walled] | None:
        """If a request must not be sent, return (origin, scope or "", the block) and count it
        as skipped; else None. The scope is "" when the whole origin is closed."""
        key, state = self._state(url)
        if state.closed is not None:
            state.closed.skipped += 1
            return key, "", state.closed
        path = urlsplit(url).path or "/"
        for scope, walled in state.scopes.items():
            if in_scope(path, scope):
                walled.skipped += 1
                return key, scope, walled
        return None

    def wall(self, url: str, reason: str) -> tuple[str, str, bool]:
        """Record a wall answer; return (origin, scope, whether the origin is now closed)."""
        key, state = self._state(url)
        scope = wall_scope(url)
        state.scopes.setdefault(scope, Walled(reason)).walls += 1
        state.in_a_row += 1
        if state.closed is None and (
                (state.pages == 0 and state.in_a_row >= FIRST_WALLS)
                or state.in_a_row >= WALLS_IN_A_ROW):
            state.closed = Walled(reason, walls=state.in_a_row)
        return key, scope, state.closed is not None

    def page(self, url: str) -> None:
        """Record a real answer (any page that is not a wall)."""
        _, state = self._state(url)
        state.pages += 1
        state.in_a_row = 0
