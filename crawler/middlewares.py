"""Downloader middlewares: encodings, bot walls, per-host backoff. Order: crawler/settings.py."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from twisted.internet import defer, error

from crawler.encoding import declared_encoding, detect_encoding

log = logging.getLogger(__name__)
SMALL_PAGE = 4096  # challenge and soft-error pages are tiny
_SOFT_404 = ("页面不存在", "页面找不到", "找不到页面", "页面已删除", "404 Not Found", "该页面不存在")


class EncodingMiddleware:
    """Decode pages by HTTP header, then BOM, then <meta charset>, then detection.

    Scrapy does the first three (and reads GB2312/GBK as GB18030); when a page declares nothing
    it would fall back to cp1252, which turns GBK Chinese into mojibake. Detection fixes that.
    """

    def process_response(self, request, response, spider=None):
        if not isinstance(response, TextResponse) or not response.body:
            return response
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        if declared_encoding(response.body, content_type):
            return response
        return response.replace(encoding=detect_encoding(response.body))


def bot_wall(response) -> str:
    """Return why a response is a bot wall or block page (DOMAIN.md §3.1), or ""."""
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


class BotWallMiddleware:
    """Detect challenge pages, stop requesting that host for the rest of the run, report it."""

    def __init__(self, stats):
        self.stats = stats
        self.blocked: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname or ""
        if host in self.blocked:
            raise IgnoreRequest(f"{host} is behind a bot wall ({self.blocked[host]})")
        return None

    def process_response(self, request, response, spider=None):
        reason = bot_wall(response)
        if reason:
            host = urlsplit(response.url).hostname or ""
            self.blocked[host] = reason
            self.stats.set_value(f"gongkai/blocked/{host}", reason)
            log.warning("bot wall on %s (%s): backing off from this host", host, reason)
            raise IgnoreRequest(f"{host} is behind a bot wall ({reason})")
        if soft_404(response):
            self.stats.inc_value("gongkai/soft_404")
            return response.replace(status=404)
        return response


class BackoffMiddleware:
    """Per-host backoff: each 5xx answer or timeout doubles the host's delay (up to MAX_DELAY),
    each good answer halves it back toward the configured delay. Retries then wait longer."""

    MIN_STEP = 0.25
    MAX_DELAY = 30.0
    BAD_STATUS = {500, 502, 503, 504, 522, 524, 408, 429}

    def __init__(self, crawler):
        self.crawler = crawler
        self.base = crawler.settings.getfloat("DOWNLOAD_DELAY")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _slot(self, request):
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or urlsplit(request.url).hostname
        return downloader.slots.get(key)

    def _slow_down(self, request) -> None:
        slot = self._slot(request)
        if slot is not None:
            slot.delay = min(max(slot.delay * 2, self.MIN_STEP), self.MAX_DELAY)

    def process_response(self, request, response, spider=None):
        slot = self._slot(request)
        if response.status in self.BAD_STATUS:
            self._slow_down(request)
        elif slot is not None and slot.delay > self.base:
            slot.delay = max(self.base, slot.delay / 2)
        return response

    def process_exception(self, request, exception, spider=None):
        if isinstance(exception, (TimeoutError, defer.TimeoutError, error.TimeoutError,
                                  error.TCPTimedOutError)):
            self._slow_down(request)  # an overloaded host; refused connections are not
        return None
