"""What a crawl run reports per source besides its counts: errors by kind, and limits.

Every request that ends without a document ends with one of these kinds, counted per source
under `gongkai/<source>/errors/<kind>` and kept with the run (`crawl_runs.error_detail`):

- `http_<status>`: the answer's status, after retries (`http_404`: a link to nothing that was
  never in the archive; a known document that answers 404 is counted as gone, not here)
- `soft_404`: a 200 answer that says the page does not exist (crawler/walls.py)
- `timeout`: no complete answer within `[crawl] timeout`, after retries
- `reset`: the connection broke after the answer began (a truncated body)
- `no_answer`: the connection closed before any answer; `refused`: nothing listens there
- `dns`: the host name does not resolve; `tls`: the TLS handshake failed
- `too_large`: the body (or what it inflates to) is over the download size cap
- `read_timeout`: a page or file whose reading took too long (crawler/reader.py)
- `bad_attachment`: a file that says it is a PDF/Office file but cannot be read
- `redirected_offsite`: a redirect leaving the source's sites; `redirect_loop`: one back to
  a URL of its own chain; `redirect_chain`: too many in a row (crawler/middlewares.py)
- `js_only_page`: a page whose content only scripts would build

What the crawl held back on purpose is not an error: it is kept as the run's `limits`
(`crawl_runs.limits`, `gongkai/<source>/limits` while crawling):

- `crawl_delay`: {origin: seconds} kept from robots.txt (crawler/politeness.py)
- `retry_after`: {origin: {"waits": n, "seconds": total}} waited on 429/503 answers
- `traps`: {URL pattern: requests not sent} (crawler/traps.py)
- `truncated`: pages read only in their first part, so large they were (crawler/spiders/gov.py)
- `robots_txt`: requests robots.txt forbids
- `interrupted_by`: the signal that stopped the crawl (crawler/run.py)
"""

from __future__ import annotations

import asyncio

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error
from twisted.web.client import ResponseNeverReceived

# The kinds after which the same URL is tried over the other scheme (DOMAIN.md §3.2: many
# sites answer on one scheme only, by refusing, hanging up or never answering on the other).
NO_CONTACT = frozenset({"refused", "no_answer", "tls", "connect_timeout"})


class TooLarge(Exception):
    """The body went over the download size cap (DOWNLOAD_MAXSIZE) and was dropped."""


class Interrupted(Exception):
    """The crawl was stopped (SIGTERM, SIGINT) while this request was in flight."""


def failure_kind(failure) -> str:
    """The kind of a failed request (a Twisted Failure from a request's errback)."""
    value = failure.value
    if isinstance(value, HttpError):
        return f"http_{value.response.status}"
    if isinstance(value, TooLarge):
        return "too_large"
    if isinstance(value, Interrupted):
        return "interrupted"
    if isinstance(value, (CannotResolveHostError, error.DNSLookupError)):
        return "dns"
    if isinstance(value, (DownloadConnectionRefusedError, error.ConnectionRefusedError)):
        return "refused"
    if isinstance(value, (DownloadTimeoutError, error.TimeoutError, error.TCPTimedOutError)):
        # headers that arrived mean a server that began and stalled, not one that is not there
        return "timeout" if "download_latency" in failure.request.meta else "connect_timeout"
    if _tls(value):
        return "tls"
    if isinstance(value, ResponseNeverReceived) or \
            isinstance(value.__cause__, ResponseNeverReceived):
        return "no_answer"
    if isinstance(value, (DownloadFailedError, ResponseDataLossError, error.ConnectionLost,
                          error.ConnectionDone)):
        return "reset"
    return type(value).__name__


def in_flight(crawler) -> set[asyncio.Future]:
    """The crawl's transfers under way (the download handler adds and removes them)."""
    if getattr(crawler, "gongkai_in_flight", None) is None:
        crawler.gongkai_in_flight = set()
    return crawler.gongkai_in_flight


def interrupted(crawler) -> str:
    """The name of the signal that stopped the crawl (crawler/run.py), or ""."""
    return crawler.stats.get_value("gongkai/interrupted", "")


def held(stats, source: str) -> dict:
    """The limits of a source in the crawl's stats, to add to in place."""
    key = f"gongkai/{source}/limits"
    limits = stats.get_value(key)
    if limits is None:
        limits = {}
        stats.set_value(key, limits)
    return limits


def reported(kind: str) -> str:
    """The kind a run reports: a connect timeout is a timeout to the operator."""
    return "timeout" if kind == "connect_timeout" else kind


def _tls(value: BaseException) -> bool:
    chain = [value, value.__cause__, *getattr(value.__cause__, "reasons", ()),
             *getattr(value, "reasons", ())]
    return any(type(getattr(e, "value", e)).__module__.startswith(("OpenSSL", "ssl"))
               for e in chain if e is not None)
