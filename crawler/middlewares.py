"""Downloader middlewares (origins and sources, encodings, bot walls) and the HTTP download
handler that keeps walls, pace and size caps. Their order lives in crawler/settings.py; the
per-origin pace (delays, Retry-After, backoff) in crawler/politeness.py."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import zlib

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils._compression import _DecompressionMaxSizeExceeded

from crawler.adapters.generic import in_domains
from crawler.outcomes import Interrupted, TooLarge, held, in_flight, interrupted
from crawler.politeness import Pace
from crawler.traps import TrapGuard
from crawler.urls import canonical_url, origin
from crawler.walls import Walled, WallPolicy, bot_wall, soft_404
from reading.encoding import declared_encoding, page_encoding
from reading.files import url_extension

log = logging.getLogger(__name__)


MAX_REDIRECTS = 10  # redirects in a row before the chain is given up as a trap


def redirect_loop(request) -> bool:
    """Whether a redirected request goes back to a URL of its own chain."""
    chain = request.meta.get("redirect_urls") or ()
    return canonical_url(request.url) in {canonical_url(url) for url in chain}


def source_of(request) -> str:
    """The configured source a request belongs to ("" for robots.txt and the like)."""
    return request.meta.get("source", "")


class SourceMiddleware:
    """Politeness per origin, pages per source, redirects kept at home.

    Every request gets its origin as download slot, so one request at a time and the delay hold
    per origin (scheme, host, port), across all sources of the crawl. Responses are counted per
    source, and a source stops sending requests once it reached GONGKAI_MAX_PAGES. A redirect
    to a host outside its source's allowed domains is not followed (counted as the error
    `redirected_offsite`), unless it leads to a file: attachments may sit on other hosts.
    """

    def __init__(self, crawler, max_pages: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_pages = max_pages

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getint("GONGKAI_MAX_PAGES"))

    def process_request(self, request, spider=None):
        request.meta["download_slot"] = origin(request.url)  # also fixes redirected requests
        source = source_of(request)
        if source and self.max_pages and \
                self.stats.get_value(f"gongkai/{source}/pages", 0) >= self.max_pages:
            self.stats.set_value(f"gongkai/{source}/stopped", "page_limit")
            raise IgnoreRequest(f"source {source} reached its page limit ({self.max_pages})")
        redirects = request.meta.get("redirect_urls") if source else None
        if redirects:
            self._check_redirect(request, source, redirects)
        return None

    def _check_redirect(self, request, source: str, redirects: list[str]) -> None:
        """Raise IgnoreRequest for a redirect that loops, runs on, or leaves home."""
        kind = "redirect_loop" if redirect_loop(request) \
            else "redirect_chain" if len(redirects) > MAX_REDIRECTS \
            else "redirected_offsite" if self._offsite(request, source) else ""
        if kind:
            self.stats.inc_value(f"gongkai/{source}/errors/{kind}")
            raise IgnoreRequest(f"redirect from {redirects[0]} not followed ({kind}): "
                                f"{request.url}")

    def _offsite(self, request, source: str) -> bool:
        spider = self.crawler.spider
        allowed = spider.sources[source].allowed if source in getattr(spider, "sources", {}) \
            else ()
        first = request.meta["redirect_urls"][0]
        return bool(allowed) and not in_domains(request.url, allowed) and \
            not url_extension(request.url) and not url_extension(first)

    def process_response(self, request, response, spider=None):
        if source_of(request):
            self.stats.inc_value(f"gongkai/{source_of(request)}/pages")
        return response


class TrapMiddleware:
    """Requests into a crawler trap (crawler/traps.py) are not sent; each is counted under
    its source's `limits.traps`, by pattern. Asked again by the download handler just before
    a request leaves: requests wait in their origin's queue, and a pattern may have become a
    trap meanwhile."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        refuse_trap(self.crawler, request)
        return None


def refuse_trap(crawler, request) -> None:
    """Raise IgnoreRequest if the request is in a trap, counting it for its source."""
    source = source_of(request)
    if not source:  # robots.txt
        return
    cut = TrapGuard.of(crawler).refusal(request.url)
    if cut is not None:
        traps = held(crawler.stats, source).setdefault("traps", {})
        traps[cut] = traps.get(cut, 0) + 1
        raise IgnoreRequest(f"{request.url} is in a crawler trap ({cut})")


class Decompression(HttpCompressionMiddleware):
    """Scrapy's decompression, a body inflating past the size cap (a gzip bomb) reported as
    `too_large` like any other body over it."""

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            if isinstance(exc.__cause__, _DecompressionMaxSizeExceeded):
                raise TooLarge(str(exc)) from None
            raise


class EncodingMiddleware:
    """Decode pages by HTTP header, then BOM, then <meta charset>, then detection.

    Scrapy does the first three (and reads GB2312/GBK as GB18030); when a page declares nothing
    it would fall back to cp1252, which turns GBK Chinese into mojibake, and when the
    declaration lies (utf-8 said around GBK text) the text is lost. `page_encoding` fixes both.
    """

    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse) or not response.body:
            return response
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        encoding = page_encoding(response.body, content_type)
        if encoding == declared_encoding(response.body, content_type):
            return response
        return response.replace(encoding=encoding)


class Walls:
    """The crawl's knowledge of bot walls (crawler/walls.py), reported per source in the stats
    (`gongkai/<source>/walls`: blocked origins and walled paths, with counts).

    One per crawl, shared by BotWallMiddleware, which learns from answers, and the download
    handlers (GuardedTransfers), which refuse a request at the moment it would be sent:
    requests wait in their origin's queue after the middlewares saw them, and a wall may have
    been met in the meantime."""

    def __init__(self, stats, policy: WallPolicy | None = None):
        self.stats = stats
        self.policy = policy or WallPolicy()

    @classmethod
    def of(cls, crawler) -> Walls:
        """Return the crawl's Walls, made on first use."""
        if getattr(crawler, "gongkai_walls", None) is None:
            from crawler.sharing import wall_policy

            crawler.gongkai_walls = cls(crawler.stats, wall_policy(crawler.settings))
        return crawler.gongkai_walls

    def refuse(self, request) -> None:
        """Raise IgnoreRequest if a wall closes what the request asks for."""
        refused = self.policy.refusal(request.url)
        if refused is not None:
            origin_key, scope, walled = refused
            self._report(request, origin_key, scope, walled)
            where = f"{origin_key}{scope}" if scope else origin_key
            raise IgnoreRequest(f"{where} is behind a bot wall ({walled.reason})")

    def observe(self, request, response) -> None:
        """Record a raw answer (a wall or a real page) as soon as the handler has it, before
        the origin's next request is sent; bodies in an encoding it cannot read (brotli …) are
        left to `learn`, after decompression."""
        body = _decoded(response)
        if body is not None:
            request.meta[_SEEN] = self._record(request, response.replace(body=body))

    def learn(self, request, response):
        """Return a real answer (a small 'not found' page as a 404); raise IgnoreRequest for a
        wall. `response` is decompressed."""
        reason = request.meta.pop(_SEEN) if _SEEN in request.meta else \
            self._record(request, response)
        if reason:
            raise IgnoreRequest(f"{response.url} is behind a bot wall ({reason})")
        if soft_404(response):
            request.meta["soft_404"] = True
            return response.replace(status=404)
        return response

    def _record(self, request, response) -> str:
        """Record an answer in the policy; return the wall's reason, or ""."""
        reason = bot_wall(response)
        if not reason:
            self.policy.page(response.url)
            return ""
        origin_key, scope, closed = self.policy.wall(response.url, reason)
        state = self.policy.origins[origin_key]
        self._report(request, origin_key, scope, state.scopes[scope])
        if closed:
            self._report(request, origin_key, "", state.closed)
            log.warning("bot wall on %s (%s): every answer is a wall, leaving this origin",
                        origin_key, reason)
        else:
            log.warning("bot wall on %s%s (%s): skipping that path", origin_key, scope, reason)
        return reason

    def _report(self, request, origin_key: str, scope: str, walled: Walled) -> None:
        source = source_of(request)
        if not source:
            return
        key = f"gongkai/{source}/walls"
        report = self.stats.get_value(key) or {"blocked": {}, "walled": {}}
        if scope:
            report["walled"].setdefault(origin_key, {})[scope] = dataclasses.asdict(walled)
        else:
            report["blocked"][origin_key] = dataclasses.asdict(walled)
        self.stats.set_value(key, report)


class BotWallMiddleware:
    """Skip what bot walls close (a path's directory, or a whole origin that walls
    everything), and never let a wall page reach the spider."""

    def __init__(self, walls: Walls):
        self.walls = walls

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Walls.of(crawler))

    def process_request(self, request, spider=None):
        self.walls.refuse(request)
        return None

    def process_response(self, request, response, spider=None):
        return self.walls.learn(request, response)


class GuardedTransfers:
    """What the crawl's download handlers do around every transfer: ask Walls and the trap
    guard just before a request is sent (requests wait in their origin's queue after the
    middlewares saw them, and a wall or a trap may have been met meanwhile), and tell the
    Walls what came back at once: the origin's next request leaves when this transfer ends,
    which with a short delay is before the middlewares see this answer.

    It also tells the origin's pace (crawler/politeness.py) of each answer as it comes in, so
    the quiet time runs from the answer (Scrapy counts it from when the request was sent, and
    a slow answer would eat into it) and a Retry-After holds before the next request leaves.
    Its transfers can be cancelled when the crawl is interrupted (crawler/run.py)."""

    async def download_request(self, request):
        walls = Walls.of(self.crawler)
        walls.refuse(request)
        refuse_trap(self.crawler, request)
        transfer = asyncio.ensure_future(super().download_request(request))
        in_flight(self.crawler).add(transfer)
        response = None
        try:
            response = await transfer
        except (asyncio.CancelledError, DownloadCancelledError) as exc:
            if interrupted(self.crawler):
                raise Interrupted(request.url) from None
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise TooLarge(str(exc) or request.url) from exc  # the size cap's cancellation
        finally:
            in_flight(self.crawler).discard(transfer)
            Pace.of(self.crawler).answered(request, response)
        walls.observe(request, response)
        return response


class WallAwareDownloadHandler(GuardedTransfers, HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler with the crawl's guards (crawler/browser.py has the one that
    also opens pages in Chromium)."""


_SEEN = "gongkai_wall"  # meta: the handler's verdict on the answer ("" for a real page)
_WALL_SIZE = 64 * 1024  # a compressed answer larger than this is no challenge page


def _decoded(response) -> bytes | None:
    """The body without its Content-Encoding (identity, gzip, deflate), or None; b"" when it
    is compressed and larger than a wall page could be, or inflates beyond one."""
    encoding = response.headers.get("Content-Encoding", b"").decode("latin-1").strip().lower()
    if encoding in ("", "identity"):
        return response.body
    if len(response.body) > _WALL_SIZE or encoding not in ("gzip", "x-gzip", "deflate"):
        return b"" if len(response.body) > _WALL_SIZE else None
    wbits = zlib.MAX_WBITS | 16 if encoding != "deflate" else \
        zlib.MAX_WBITS if response.body[:1] == b"x" else -zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)
    try:  # a bomb inflates to gigabytes: never more than a wall page's size
        body = inflater.decompress(response.body, _WALL_SIZE + 1)
    except zlib.error:
        return None
    return b"" if len(body) > _WALL_SIZE else body
