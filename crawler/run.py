"""Run a crawl of several sources in this process (one Twisted reactor per process)."""

from __future__ import annotations

from scrapy.crawler import CrawlerProcess

from crawler.spiders.gov import GovSpider


def crawl(sources: list[dict], settings: dict) -> None:
    """Crawl every source to completion, writing to the archive named in the settings."""
    process = CrawlerProcess(settings)
    for source in sources:
        process.crawl(GovSpider, source=source)
    process.start()
