"""Reading fetched bytes away from the engine: a page's links and document, a file's text.

Reading is the crawl's one slow step that does not wait on the network: about 1.8 s and 90 MB
per MB of HTML (bench/big_pages.py), and a PDF of hundreds of pages takes far longer. Done in
the engine's thread it would stop every other origin's requests, their timeouts and a stop
signal until it ends. So the spider hands it to a child process, one read at a time, and waits
for it as for a download: the engine goes on fetching, and a read taking more than
`[crawl] read_timeout` seconds (READ_SECONDS by default) is given up (the child is killed and
a new one started), counted as the error `read_timeout`. The limit is the reading's own: a
new child has imported what reading needs before its first read is timed. The child ignores SIGINT and SIGTERM (the crawler process decides when to
stop, and kills it then) and dies with the crawler process.
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.outcomes import Interrupted

READ_SECONDS = 120.0
TASKS_PER_CHILD = 500  # a fresh child now and then gives back what parsing fragmented
_PR_SET_PDEATHSIG = 1


class ReadTimeout(Exception):
    """A page or file whose reading took more than READ_SECONDS."""


def read_page(url: str, body: bytes, encoding: str) -> tuple[list, object]:
    """A page's links (scrapy `Link`s) and what extraction makes of it (None: no document)."""
    from scrapy.http import HtmlResponse

    from crawler.adapters import generic
    from crawler.extract import extract

    response = HtmlResponse(url, body=body, encoding=encoding)
    return generic.links(response), extract(response.text, url)


def read_file(body: bytes, kind: str) -> str:
    """A file's text (reading.files.UnreadableFile if it cannot be read)."""
    from crawler.extract import clean_text
    from reading import files

    return clean_text(files.extract_text(body, kind))


def warm() -> None:
    """Import what reading needs (seconds on a busy machine), before any read is timed."""
    import scrapy.http  # noqa: F401

    import crawler.adapters.generic  # noqa: F401
    import crawler.extract  # noqa: F401
    import reading.files  # noqa: F401


def die_with_parent(signum: int) -> None:
    """Have the kernel send this process `signum` when its parent dies (Linux; elsewhere
    nothing: the process then outlives a parent killed outright)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signum)
    except (OSError, AttributeError):
        pass


def _child() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    die_with_parent(signal.SIGKILL)


class Reader:
    """The crawl's reading child (a Scrapy-free object the spider keeps)."""

    def __init__(self, seconds: float = READ_SECONDS):
        self.seconds = seconds
        self.pool: ProcessPoolExecutor | None = None
        self.lock = asyncio.Lock()  # one read at a time: its time limit is its own
        self.stopped = False

    async def run(self, function, *args):
        """`function(*args)` in the child; ReadTimeout after `seconds`, Interrupted once the
        crawl is stopping; what it raises."""
        async with self.lock:
            for attempt in (1, 2):
                if self.stopped:
                    raise Interrupted("the crawl is stopping")
                try:
                    if self.pool is None:  # a new child: its start is not the read's time
                        await asyncio.wrap_future(self._pool().submit(warm))
                    future = self._pool().submit(function, *args)
                    return await asyncio.wait_for(asyncio.wrap_future(future), self.seconds)
                except TimeoutError:
                    self.close()
                    raise ReadTimeout(f"reading took over {self.seconds:g} s") from None
                except BrokenProcessPool:  # the child died (out of memory?): once more
                    self.close()
                    if self.stopped:
                        raise Interrupted("the crawl is stopping") from None
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_child, max_tasks_per_child=TASKS_PER_CHILD)
        return self.pool

    def stop(self) -> None:
        """The crawl is stopping: end the read under way, start no other."""
        self.stopped = True
        self.close()

    def close(self) -> None:
        """Stop the child now, whatever it is reading."""
        if self.pool is None:
            return
        for process in list(getattr(self.pool, "_processes", {}).values()):
            process.kill()
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = None
