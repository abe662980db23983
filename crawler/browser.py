"""Pages that scripts build, fetched in headless Chromium (scrapy-playwright).

Newer portals send a shell page and fill the article from a JSON call in the browser: read as
HTML, such a page has a title and a date in its metas and no body. A source with
`render = "browser"` has its pages (never its files) opened in Chromium, and what the crawl
reads is the page as the scripts left it. The browser keeps the crawl's rules:

- it is one more download handler (`BrowserDownloadHandler`): walls, traps, the origin's pace,
  interruption and the error kinds are those of every other request, and the origin's slot
  still sends one page at a time;
- inside a page, the browser asks for one thing at a time (`init_page`), only the document,
  scripts and data calls (no images, styles, fonts or media), only from the source's allowed
  domains (a script on a CDN the user did not configure is not fetched), only what robots.txt
  allows, and as the crawl's User-Agent;
- a bot wall is never passed: the page's own answer is checked before Chromium may run a
  challenge's script, and the crawl sees the wall's raw answer;
- a page is read once its document is parsed and it has asked for nothing for QUIET seconds,
  or SETTLE seconds after that however busy it is (a page polling a counter never goes
  quiet);
- Chromium's network errors are reported as the same kinds as the HTTP handler's.

Chromium is the system's (Debian's `chromium`), found on the PATH or named by `[crawl]
browser`: nothing is downloaded. The browser starts only for a crawl with such a source.
"""

from __future__ import annotations

import asyncio
import shutil
import time
import weakref
from functools import partial

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
)
from scrapy.http import Headers, HtmlResponse
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod

from crawler.adapters.generic import in_domains
from crawler.middlewares import GuardedTransfers
from crawler.outcomes import held
from crawler.walls import bot_wall

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SETTLE = 10.0  # seconds a page's scripts may keep fetching before it is read as it stands
PAGES = 4  # pages open in Chromium at once, across origins (each takes tens of MB)
QUIET = 0.25  # seconds without a request after which a page's scripts are taken as done
# what a page's text can come from; images, styles, fonts, media … are never asked for
FETCHED = frozenset({"document", "script", "xhr", "fetch"})


class BrowserMissing(Exception):
    """No Chromium to render pages with."""


def find_browser(configured: str = "") -> str:
    """The path of the Chromium to use: `configured` (a path or a command name), else the
    first of BROWSERS on the PATH. Raise BrowserMissing if there is none."""
    for name in (configured,) if configured else BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserMissing(
        f"{configured!r} is not an executable" if configured else
        "no Chromium on the PATH (install Debian's chromium, or set [crawl] browser)")


def browser_settings(executable: str, timeout: float, user_agent: str) -> dict:
    """The Scrapy settings that add the browser to a crawl."""
    handler = "crawler.browser.BrowserDownloadHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": executable, "headless": True,
            # Playwright already turns off background networking, component updates, sync
            # and first-run pages; no DNS prefetching of the links a page shows either
            "args": ["--dns-prefetch-disable", "--no-pings"],
        },
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout * 1000,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        # the crawl's User-Agent for every request of a page (the page's own is sent by
        # init_page, past scrapy-playwright's header handling)
        "PLAYWRIGHT_CONTEXTS": {"default": {"user_agent": user_agent}},
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": PAGES,
    }


def render_meta(allowed: tuple[str, ...]) -> dict:
    """The meta that sends a request of a source with `allowed` domains through the browser."""
    return {"playwright": True, "browser_domains": list(allowed),
            "playwright_page_init_callback": "crawler.browser.init_page",
            "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded"},
            "playwright_page_methods": [PageMethod(settle)]}


class Traffic:
    """A page's requests: sent one at a time, and when the last one ended."""

    def __init__(self):
        self.turn = asyncio.Semaphore(1)
        self.holding: set = set()  # the request that has the turn
        self.waiting = 0
        self.last = time.monotonic()
        self.first = None  # the page's navigation

    async def take(self, asked) -> None:
        """Wait for the turn; a redirect takes it over from the request it follows."""
        taken = self.holding.intersection(_chain(asked)[1:])
        if taken:
            self.holding -= taken
        else:
            self.waiting += 1
            try:
                await self.turn.acquire()
            finally:
                self.waiting -= 1
        self.holding.add(asked)

    def done(self, finished) -> None:
        for request in _chain(finished):
            if request in self.holding:
                self.holding.discard(request)
                self.last = time.monotonic()
                self.turn.release()
                return

    def quiet(self) -> float:
        """Seconds since the page last had a request under way or waiting."""
        return 0.0 if self.holding or self.waiting else time.monotonic() - self.last

    def navigation(self, asked, page) -> bool:
        """Whether `asked` is the page's navigation, or one of its redirects."""
        if not asked.is_navigation_request() or asked.frame != page.main_frame:
            return False
        if self.first is None:
            self.first = asked
        return self.first in _chain(asked)


def _chain(request) -> list:
    """A request and the ones it was redirected from, latest first."""
    chain = []
    while request is not None:
        chain.append(request)
        request = request.redirected_from
    return chain


_TRAFFIC: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
WALL = "gongkai_browser_wall"  # meta: the raw answer to a navigation that was a bot wall
ROBOTS = "gongkai_browser_robots"  # meta while a page is open: async url -> robots.txt allows


async def init_page(page, request) -> None:
    """Route a page's requests: only FETCHED kinds from the allowed domains that robots.txt
    allows, one at a time.
    The page's own answer is fetched here and checked for a bot wall before the browser gets
    it: a wall's challenge script would set its cookie and reload, and walls are never passed
    (crawler/walls.py). A wall reaches the browser as an empty page, and its raw answer is
    what the crawl then sees (RenderingHandler)."""
    allowed = tuple(request.meta.get("browser_domains") or ())
    robots = request.meta.get(ROBOTS)
    traffic = _TRAFFIC[page] = Traffic()

    async def route(route, asked) -> None:
        if asked.resource_type not in FETCHED or not in_domains(asked.url, allowed) or \
                (robots is not None and not await robots(asked.url)):
            await route.abort()
            return
        await traffic.take(asked)
        if not traffic.navigation(asked, page):
            await route.fallback()  # to scrapy-playwright's route, which sends it
            return
        answer = await route.fetch(max_redirects=0)  # a redirect comes back here
        raw = _response(asked.url, answer.status, answer.headers_array, await answer.body())
        if bot_wall(raw):
            request.meta[WALL] = raw
            await route.fulfill(status=answer.status, body="<html><body></body></html>")
        else:
            await route.fulfill(response=answer)

    page.on("requestfinished", traffic.done)
    page.on("requestfailed", traffic.done)
    await page.route("**", route)


def _response(url: str, status: int, headers: list[dict], body: bytes) -> HtmlResponse:
    pairs = Headers()
    for header in headers:
        pairs.appendlist(header["name"], header["value"])
    return HtmlResponse(url=url, status=status, headers=pairs, body=body)


async def settle(page) -> None:
    """Wait until the page has asked for nothing for QUIET seconds, or SETTLE seconds."""
    traffic = _TRAFFIC.get(page)
    deadline = time.monotonic() + SETTLE
    while traffic is not None and traffic.quiet() < QUIET and time.monotonic() < deadline:
        await asyncio.sleep(QUIET / 5)


# Chromium's network errors as the exceptions Scrapy's HTTP handler raises, so that retries
# and the error kinds (crawler/outcomes.py) are the same in both modes
_NET_ERRORS = (
    ("ERR_NAME_NOT_RESOLVED", CannotResolveHostError),
    ("ERR_CONNECTION_REFUSED", DownloadConnectionRefusedError),
    ("ERR_TIMED_OUT", DownloadTimeoutError),
    ("ERR_CONNECTION_TIMED_OUT", DownloadTimeoutError),
)


class RenderingHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler (requests with meta `playwright` open in Chromium, the
    others go over HTTP/1.1 as usual), its errors told as the HTTP handler's, and a bot wall
    answered to a page as the wall's raw answer."""

    async def download_request(self, request):
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        started = time.monotonic()
        request.meta[ROBOTS] = partial(self._robots_allow, request)
        try:
            response = await super().download_request(request)
        except PlaywrightError as exc:
            if WALL in request.meta:  # an error status with nothing Chromium could show
                return request.meta.pop(WALL).replace(request=request)
            raise _scrapy_error(request, exc, time.monotonic() - started) from None
        finally:
            request.meta.pop(ROBOTS)  # a retry's copy may be queued in Redis, pickled
        wall = request.meta.pop(WALL, None)
        return response if wall is None else wall.replace(request=request)

    async def _robots_allow(self, page_request, url: str) -> bool:
        """Whether robots.txt lets the crawl ask for `url` (fetched first if need be);
        a refusal is counted under the source's `limits.robots_txt`."""
        robots = next((m for m in self.crawler.engine.downloader.middleware.middlewares
                       if isinstance(m, RobotsTxtMiddleware)), None)
        if robots is None:
            return True
        parser = await robots.robot_parser(Request(url))
        if parser is None or parser.allowed(url, self.crawler.settings.get("USER_AGENT")):
            return True
        limits = held(self.crawler.stats, page_request.meta.get("source", ""))
        limits["robots_txt"] = limits.get("robots_txt", 0) + 1
        return False


def _scrapy_error(request, exc, seconds: float) -> Exception:
    """A Playwright error as the exception Scrapy's HTTP handler raises for the same."""
    if isinstance(exc, PlaywrightTimeout):  # the page began and never finished loading
        request.meta["download_latency"] = seconds
        return DownloadTimeoutError(f"{request.url}: {exc.message}")
    for code, kind in _NET_ERRORS:
        if code in exc.message:
            return kind(f"{request.url}: {code}")
    return DownloadFailedError(f"{request.url}: {exc.message.splitlines()[0]}")


class BrowserDownloadHandler(GuardedTransfers, RenderingHandler):
    """The crawl's download handler when a source renders in a browser: its guards around
    every transfer, in Chromium or not."""
