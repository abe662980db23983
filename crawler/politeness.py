"""How fast the crawl asks each origin: the configured delay, raised by robots.txt Crawl-delay,
by Retry-After on 429 and 503 answers, and by backoff while an origin fails.

Scrapy keeps one download slot per origin (crawler/middlewares.py) and sends its next request
`delay` after `lastseen`. `Pace` is the crawl's one place that moves those two: the download
handler tells it of every answer as it arrives (before the slot's next request is scheduled),
robots.txt tells it of Crawl-delay, and `BackoffMiddleware` of failures.
"""

from __future__ import annotations

import email.utils
import logging
import time

from scrapy import signals
from scrapy.exceptions import DownloadTimeoutError
from twisted.internet import defer, error

from crawler.outcomes import held
from crawler.urls import origin

log = logging.getLogger(__name__)
SLOW_ANSWERS = frozenset({500, 502, 503, 504, 522, 524, 408, 429})
WAIT_ANSWERS = frozenset({429, 503})  # the answers whose Retry-After is heeded


def retry_after(value: bytes | None, now: float | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or None."""
    text = (value or b"").decode("latin-1").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Pace:
    """The per-origin pace of one crawl (a Scrapy extension, reached as `Pace.of(crawler)`).

    Reports per source, under `limits` of its run: `crawl_delay` {origin: seconds kept} and
    `retry_after` {origin: {"waits": n, "seconds": total}}."""

    MIN_STEP = 0.25  # the first backoff step for an origin crawled without delay

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.base = settings.getfloat("DOWNLOAD_DELAY")
        self.max_delay = settings.getfloat("GONGKAI_MAX_DELAY", 30.0)
        self.max_wait = settings.getfloat("GONGKAI_MAX_RETRY_AFTER", 300.0)
        self.user_agent = settings.get("USER_AGENT")
        self.floors: dict[str, float] = {}  # origin -> its robots.txt Crawl-delay (capped)

    @classmethod
    def from_crawler(cls, crawler) -> Pace:
        pace = cls.of(crawler)
        crawler.signals.connect(pace.robots_parsed, signal=signals.robots_parsed)
        return pace

    @classmethod
    def of(cls, crawler) -> Pace:
        if getattr(crawler, "gongkai_pace", None) is None:
            crawler.gongkai_pace = cls(crawler)
        return crawler.gongkai_pace

    def _slot(self, key: str):
        engine = self.crawler.engine
        return engine.downloader.slots.get(key) if engine and engine.downloader else None

    def floor(self, key: str) -> float:
        return self.floors.get(key, self.base)

    def robots_parsed(self, robotparser, request) -> None:
        """Keep the origin's Crawl-delay (up to `max_delay`), without jitter: the jitter of
        other origins may shorten a gap, and a Crawl-delay is a least gap."""
        asked = robotparser.crawl_delay(self.user_agent) \
            if hasattr(robotparser, "crawl_delay") else None
        if not asked or asked <= self.base:
            return
        key = origin(request.url)
        delay = self.floors[key] = min(float(asked), self.max_delay)
        self.crawler.engine.downloader.per_slot_settings[key] = {"delay": delay, "jitter": 0}
        slot = self._slot(key)
        if slot is not None:
            slot.delay, slot.jitter = max(slot.delay, delay), 0
        source = request.meta.get("source", "")
        if source:
            held(self.crawler.stats, source).setdefault("crawl_delay", {})[key] = delay
        log.info("%s asks for %.1fs between requests (robots.txt Crawl-delay %s)", key, delay,
                 asked)

    def answered(self, request, response=None) -> None:
        """An answer (or a failure: `response` None) came in: the origin's quiet time starts
        now, or after what its Retry-After asks."""
        slot = self._slot(request.meta.get("download_slot") or origin(request.url))
        if slot is None:
            return
        now = time.monotonic()  # the clock Scrapy's downloader uses
        slot.lastseen = now
        if response is None or response.status not in WAIT_ANSWERS:
            return
        wait = retry_after(response.headers.get("Retry-After"))
        if wait is None:
            return
        wait = min(wait, self.max_wait)
        slot.lastseen = now + wait
        source = request.meta.get("source", "")
        if source:
            key = origin(request.url)
            seen = held(self.crawler.stats, source).setdefault("retry_after", {}).setdefault(
                key, {"waits": 0, "seconds": 0.0})
            seen["waits"] += 1
            seen["seconds"] = round(seen["seconds"] + wait, 3)
        log.info("%s answered %d with Retry-After: waiting %.1fs", request.url, response.status,
                 wait)

    def slow_down(self, request) -> None:
        slot = self._slot(request.meta.get("download_slot") or origin(request.url))
        if slot is not None:
            top = max(self.max_delay, self.floor(request.meta.get("download_slot", "")))
            slot.delay = min(max(slot.delay * 2, self.MIN_STEP), top)

    def settle(self, request) -> None:
        key = request.meta.get("download_slot") or origin(request.url)
        slot = self._slot(key)
        if slot is not None and slot.delay > self.floor(key):
            slot.delay = max(self.floor(key), slot.delay / 2)


class BackoffMiddleware:
    """Per-origin backoff: each 5xx answer or timeout doubles the origin's delay (up to
    `[crawl] max_delay`), each good answer halves it back toward the origin's own delay."""

    def __init__(self, pace: Pace):
        self.pace = pace

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Pace.of(crawler))

    def process_response(self, request, response, spider=None):
        if response.status in SLOW_ANSWERS:
            self.pace.slow_down(request)
        else:
            self.pace.settle(request)
        return response

    def process_exception(self, request, exception, spider=None):
        if isinstance(exception, (DownloadTimeoutError, TimeoutError, defer.TimeoutError,
                                  error.TimeoutError, error.TCPTimedOutError)):
            self.pace.slow_down(request)  # an overloaded host; refused connections are not
        return None
