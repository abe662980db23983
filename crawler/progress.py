"""Crawl progress per source on stderr (on when GONGKAI_PROGRESS is set).

On a terminal, a table updated in place (rich): the most recently active sources and a total.
Otherwise (a log file, systemd's journal), plain lines every PLAIN_EVERY seconds for the sources
whose counts moved.
"""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

COLUMNS = ("pages", "new", "updated", "errors")
PLAIN_EVERY = 30.0
LIVE_EVERY = 0.5
LIVE_ROWS = 12


class Progress:
    """A Scrapy extension reading the per-source counters (`gongkai/<source>/…`)."""

    def __init__(self, crawler, tty: bool):
        self.crawler = crawler
        self.tty = tty
        self.shown: dict[str, tuple[int, ...]] = {}
        self.active: dict[str, float] = {}  # source -> when its counts last moved
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self.live = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("GONGKAI_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler, sys.stderr.isatty())
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def counts(self) -> dict[str, tuple[int, ...]]:
        """Return {source: (pages, new, updated, errors)}."""
        stats = self.crawler.stats.get_stats()
        found = {}
        for name in self.crawler.spider.sources:
            prefix = f"gongkai/{name}/"
            errors = sum(v for k, v in stats.items() if k.startswith(prefix + "errors/"))
            found[name] = (stats.get(prefix + "pages", 0), stats.get(prefix + "new", 0),
                           stats.get(prefix + "updated", 0), errors)
        return found

    def opened(self, spider=None):
        if self.tty:
            from rich.console import Console
            from rich.live import Live

            self.live = Live(self.table(), console=Console(stderr=True), auto_refresh=False,
                             transient=False)
            self.live.start()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(LIVE_EVERY if self.tty else PLAIN_EVERY, now=False)

    def tick(self) -> None:
        now = time.monotonic()
        counts = self.counts()
        moved = {name: c for name, c in counts.items() if self.shown.get(name) != c}
        self.active.update((name, now) for name in moved)
        self.shown.update(moved)
        if self.live is not None:
            self.live.update(self.table(), refresh=True)
        elif moved:
            for name, (pages, new, updated, errors) in sorted(moved.items()):
                print(f"crawl {name}: {pages} pages, {new} new, {updated} updated, "
                      f"{errors} errors", file=sys.stderr, flush=True)

    def table(self):
        from rich.table import Table

        counts = self.shown
        elapsed = time.monotonic() - self.started
        table = Table(title=f"crawling {len(self.crawler.spider.sources)} sources, "
                            f"{elapsed:.0f}s", title_justify="left")
        table.add_column("source")
        for column in COLUMNS:
            table.add_column(column, justify="right")
        recent = sorted(counts, key=lambda name: -self.active.get(name, 0))[:LIVE_ROWS]
        for name in recent:
            table.add_row(name, *map(str, counts[name]))
        if len(counts) > len(recent):
            table.add_row(f"… {len(counts) - len(recent)} more", *[""] * len(COLUMNS))
        totals = [sum(c[i] for c in counts.values()) for i in range(len(COLUMNS))]
        table.add_row("total", *map(str, totals), style="bold")
        return table

    def closed(self, spider=None):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.tick()
        if self.live is not None:
            self.live.stop()
