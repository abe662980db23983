"""The refresh pipeline: crawl (Scrapy in a child process) → OCR of scans → incremental index
update → report statistics."""

from __future__ import annotations

import fcntl
import logging
import multiprocessing
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from archive import Archive
from crawler.settings import scrapy_settings
from gongkai.config import Config
from indexer.build import BuildReport, build_index

log = logging.getLogger(__name__)


class RefreshError(Exception):
    """A crawl or refresh that could not run or did not finish."""


class RefreshBusy(RefreshError):
    """Another refresh holds the data directory's lock: this one did not start."""


class CrawlInterrupted(RefreshError):
    """A crawl stopped by SIGTERM or SIGINT; `report` has its runs (status interrupted), and
    `run` the refresh's row when a refresh was stopped so."""

    def __init__(self, signame: str, report: CrawlReport):
        super().__init__(f"crawl interrupted by {signame}")
        self.signame = signame
        self.report = report
        self.run: dict | None = None


class RefreshFailed(RefreshError):
    """A refresh that started and failed; `run` is its row in refresh_runs."""

    def __init__(self, message: str, run: dict):
        super().__init__(message)
        self.run = run


@dataclass
class CrawlReport:
    """The crawl runs recorded in the archive by one `crawl` call, and how long it took."""

    runs: list[dict]
    seconds: float


def select_sources(config: Config, names: tuple[str, ...] = ()) -> list[dict]:
    """Return the configured sources, or only the named ones (unknown names are an error)."""
    unknown = set(names) - set(config.source_names())
    if unknown:
        raise RefreshError(f"unknown source(s): {', '.join(sorted(unknown))}; "
                           f"configured: {', '.join(config.source_names()) or 'none'}")
    if not config.sources:
        raise RefreshError("no [[sources]] configured; add one to the config file")
    return [s for s in config.sources if not names or s["name"] in names]


def crawl(config: Config, names: tuple[str, ...] = (), log_level: str = "WARNING",
          full: bool = False, progress: bool = False, workers: int = 1) -> CrawlReport:
    """Crawl the sources in child processes (Twisted's reactor runs once per process);
    `progress` shows per-source progress on stderr while it runs. With `[crawl] redis_url`
    the children are `workers` workers of the archive's shared crawl (crawler/frontier.py),
    which processes on other machines may join; without it, one child crawls alone."""
    from crawler.run import crawl as run_crawl

    sources = select_sources(config, names)
    redis_url = config["crawl.redis_url"]
    if workers < 1 or (workers > 1 and not redis_url):
        raise RefreshError("--workers above 1 needs [crawl] redis_url: the workers share "
                           "their frontier through Redis (docs/scaling.md)")
    with Archive(config.archive) as archive:  # create the file and schema before the children
        start_seq, identity = archive.max_seq(), archive.identity()
    shared = _join_shared_crawl(redis_url, identity, start_seq,
                                config["crawl.lease"]) if redis_url else None
    settings = scrapy_settings(config.archive, config.section("crawl"), full=full,
                               progress=progress and workers == 1, log_level=log_level,
                               frontier=shared, browser=_browser(config, sources))
    started = time.monotonic()
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=run_crawl, args=(sources, settings),
                                kwargs={"own_group": True}, name=f"gongkai-crawl-{n}")
                for n in range(workers)]
    with _passing_signals(children) as stopped_by:
        for child in children:
            child.start()
        for child in children:
            child.join()
    with Archive(config.archive) as archive:
        report = CrawlReport(runs=list(reversed(archive.runs(limit=len(sources) * workers))),
                             seconds=time.monotonic() - started)
    if stopped_by:
        raise CrawlInterrupted(stopped_by[0], report)
    failed = [str(c.exitcode) for c in children if c.exitcode != 0]
    if failed:
        raise RefreshError(f"{len(failed)} of {workers} crawler processes failed "
                           f"(exit codes {', '.join(failed)})")
    return report


def _browser(config: Config, sources: list[dict]) -> str:
    """The Chromium for the sources that render in a browser, or "" if none does."""
    if not any(s.get("render") == "browser" for s in sources):
        return ""
    from crawler.browser import BrowserMissing, find_browser

    try:
        return find_browser(config["crawl.browser"])
    except BrowserMissing as exc:
        names = ", ".join(s["name"] for s in sources if s.get("render") == "browser")
        raise RefreshError(f"source(s) {names} render in a browser (render = \"browser\"), "
                           f"but {exc}") from None


@contextmanager
def _passing_signals(children: list):
    """While the crawler children run, SIGTERM and SIGINT to this process go on to each of
    them as SIGTERM (they run in process groups of their own, so a terminal's Ctrl-C reaches
    them only so, once): the first stops their crawl cleanly, a second at once. Yields the
    list of the signals' names received."""
    received: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        yield received  # signals go to the main thread only
        return

    def pass_on(signum, _frame):
        received.append(signal.Signals(signum).name)
        for child in children:
            if child.pid is not None and child.exitcode is None:
                child.terminate()

    previous = {s: signal.signal(s, pass_on) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield received
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _join_shared_crawl(redis_url: str, archive_id: str, start_seq: int, lease: float) -> dict:
    """Join (or start) the archive's shared crawl: the settings of its workers."""
    import redis

    from archive.db import redacted
    from crawler import frontier

    try:
        prefix, crawl_start = frontier.join(redis_url, archive_id, start_seq)
    except redis.RedisError as error:
        raise RefreshError(f"cannot reach Redis at [crawl] redis_url {redacted(redis_url)}: "
                           f"{error}") from None
    log.info("joined shared crawl %s (archive seq %d at its start)", prefix, crawl_start)
    return frontier.frontier_settings(redis_url, prefix, crawl_start, int(lease * 1000))


def ocr(config: Config, progress=None):
    """Read the scans the crawl kept (ocr/stage.py), within `[ocr]` max_pages and seconds;
    `progress(done, expected)` after each document."""
    from ocr.stage import run

    with Archive(config.archive) as archive:
        return run(archive, max_pages=config["ocr.max_pages"], seconds=config["ocr.seconds"],
                   progress=progress)


def index(config: Config, full: bool = False, progress=None) -> BuildReport:
    """Update the index from the archive (full: rebuild into a new generation) with the
    configured engine; `progress(done, expected)` is called as documents are written."""
    return build_index(config.archive, config.index_root, full=full,
                       engine=config["index.engine"], progress=progress)


def stats(config: Config, rebuild: bool = False):
    """Bring the annual reports' statistics up to date with the archive (rebuild: parse every
    report again, as after a parser improvement; nothing is fetched)."""
    from reports.stats import update

    with Archive(config.archive) as archive:
        return update(archive, rebuild=rebuild)


@contextmanager
def refresh_lock(config: Config):
    """Hold the refresh lock of a data directory, or raise RefreshError if a refresh is running."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    with open(config.data_dir / "refresh.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshBusy("another refresh is running on this data directory") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass
class RefreshReport:
    """What one refresh did: its crawl, index update and statistics, and its row in the
    archive's refresh_runs (status, counts, times)."""

    crawl: CrawlReport
    index: BuildReport
    stats: object
    run: dict
    ocr: object = None


def refresh(config: Config, log_level: str = "WARNING", full: bool = False,
            progress: bool = False, index=index, trigger: str = "manual") -> RefreshReport:
    """Crawl every source, then update the index (with `index(config)`: the CLI passes one
    showing progress) and the report statistics; never two at once on one data directory.
    Each refresh is recorded in the archive (refresh_runs), a failed one with its reason."""
    with refresh_lock(config):
        with Archive(config.archive) as archive:
            run_id = archive.start_refresh(trigger)
        counts: dict[str, int] = {}
        try:
            crawled = crawl(config, log_level=log_level, full=full, progress=progress)
            for run in crawled.runs:
                for key in ("pages", "new", "updated", "gone"):
                    counts[key] = counts.get(key, 0) + run[key]
            read = ocr(config)
            built = index(config)
            counts.update(indexed=built.added + built.withdrawn, documents=built.documents)
            computed = stats(config)
        except CrawlInterrupted as exc:  # stopped on purpose: no index update, not a failure
            exc.run = _finish_refresh(config, run_id, "interrupted", counts, str(exc))
            raise
        except Exception as exc:
            reason = failure_reason(exc)
            raise RefreshFailed(reason, _finish_refresh(config, run_id, "failed", counts,
                                                        reason)) from exc
        return RefreshReport(crawled, built, computed,
                             _finish_refresh(config, run_id, "ok", counts), read)


def failure_reason(exc: BaseException) -> str:
    """One line saying why a refresh failed."""
    text = " ".join(str(exc).split())
    return text if isinstance(exc, RefreshError) else f"{type(exc).__name__}: {text}"


def _finish_refresh(config: Config, run_id: int, status: str, counts: dict,
                    error: str = "") -> dict:
    with Archive(config.archive) as archive:
        archive.finish_refresh(run_id, status, counts, error)
        return next(r for r in archive.refresh_runs(limit=5) if r["id"] == run_id)
