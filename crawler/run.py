"""Run a crawl of every given source in this process (one Twisted reactor per process)."""

from __future__ import annotations

from scrapy.crawler import CrawlerProcess
from tldextract import TLDExtract

from crawler.spiders.gov import GovSpider


def offline_suffix_list() -> None:
    """Make Scrapy's cookie middleware use the public suffix list bundled with tldextract.

    By default tldextract downloads the list from publicsuffix.org (or GitHub) at first use: a
    crawler must contact nothing but the configured sites. The middleware looks its extractor
    up as a module global at each call, so replacing that global is enough.
    """
    from scrapy.downloadermiddlewares import cookies

    cookies._split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None,
                                       include_psl_private_domains=True)


def crawl(sources: list[dict], settings: dict) -> None:
    """Crawl every source to completion in one engine, writing to the archive named in the
    settings: politeness is per origin across all sources (crawler/settings.py)."""
    offline_suffix_list()
    process = CrawlerProcess(settings)
    process.crawl(GovSpider, sources=sources)
    process.start()
