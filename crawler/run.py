"""Run a crawl of every given source in this process (one Twisted reactor per process), and stop
it cleanly on SIGTERM or SIGINT."""

from __future__ import annotations

import os
import signal
import time

from scrapy.crawler import CrawlerProcess
from scrapy.utils.ossignal import install_shutdown_handlers, signal_names
from tldextract import TLDExtract

from crawler.outcomes import in_flight
from crawler.reader import die_with_parent
from crawler.spiders.gov import GovSpider

# A second signal this soon after the first is the same one arriving twice (systemd signals
# every process of the service, and `gongkai crawl` passes its own on), not a second request.
SAME_SIGNAL = 2.0


def offline_suffix_list() -> None:
    """Make Scrapy's cookie middleware use the public suffix list bundled with tldextract.

    By default tldextract downloads the list from publicsuffix.org (or GitHub) at first use: a
    crawler must contact nothing but the configured sites. The middleware looks its extractor
    up as a module global at each call, so replacing that global is enough.
    """
    from scrapy.downloadermiddlewares import cookies

    cookies._split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None,
                                       include_psl_private_domains=True)


def interrupt(process: CrawlerProcess, crawler, signame: str) -> None:
    """Stop the crawl now: transfers and the read under way are dropped (a stalling server
    would hold a graceful stop for its whole timeout, a long read for its own), queued
    requests are not sent, and the pipelines close, recording every source's run as
    interrupted."""
    crawler.stats.set_value("gongkai/interrupted", signame)
    for transfer in list(in_flight(crawler)):
        transfer.cancel()
    crawler.spider.reader.stop()  # a read under way would hold the stop as long
    process.stop()


def crawl(sources: list[dict], settings: dict, *, own_group: bool = False) -> None:
    """Crawl every source to completion in one engine, writing to the archive named in the
    settings: politeness is per origin across all sources (crawler/settings.py).

    SIGTERM or SIGINT stops the crawl within seconds, its runs recorded as interrupted; a
    second one, SAME_SIGNAL seconds or more later, stops it at once. `own_group`: run in a
    process group of its own, dying with the parent (gongkai/refresh.py starts crawls so and
    passes its signals on)."""
    if own_group:
        os.setpgrp()  # a terminal's Ctrl-C goes to the parent, which tells each child once
        die_with_parent(signal.SIGTERM)
    offline_suffix_list()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(GovSpider)
    process.crawl(crawler, sources=sources)

    first: list[float] = []

    def stop(signum, frame):
        from twisted.internet import reactor

        if first:  # the same signal sent to the whole group, or a second request
            if time.monotonic() - first[0] >= SAME_SIGNAL:
                process._signal_kill(signum, frame)
            return
        first.append(time.monotonic())
        reactor.callFromThread(interrupt, process, crawler, signal_names.get(signum, signum))

    install_shutdown_handlers(stop)
    process.start(install_signal_handlers=False)
