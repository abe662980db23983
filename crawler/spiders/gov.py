"""The one spider: walks a configured source, hands detail pages to extraction and the archive."""

from __future__ import annotations

from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from crawler.adapters import adapter_for
from crawler.archive import Document
from crawler.classify import classify
from crawler.extract import extract


class GovSpider(scrapy.Spider):
    """Crawl one source: start URLs, in-domain links, detail pages become documents."""

    name = "gov"
    custom_settings = {"HTTPERROR_ALLOWED_CODES": [404, 410]}

    def __init__(self, source: dict, **kwargs):
        super().__init__(name=f"gov:{source['name']}", **kwargs)
        self.source = source
        self.start_urls = list(source["start_urls"])
        self.allowed_domains = list(source.get("allowed_domains") or
                                    sorted({urlsplit(u).hostname for u in self.start_urls}))
        self.platform = source.get("platform", "")

    async def start(self):
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error)

    def parse(self, response):
        if response.status in (404, 410):
            yield {"gone": response.url}
            return
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("gongkai/skipped/not_html")
            return
        doc = self.document(response)
        if doc is not None:
            yield doc
        adapter = adapter_for(response, self.platform)
        for url in adapter.links(response, tuple(self.allowed_domains)):
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error)

    def document(self, response: TextResponse) -> Document | None:
        """Extract a Document from a detail page, or None for list and navigation pages."""
        extracted = extract(response.text, response.url)
        if extracted is None or not extracted.title or not extracted.body:
            return None
        doc_type, report_year = classify(extracted.title, extracted.body)
        return Document(
            url=response.url,
            source=self.source["name"],
            site=urlsplit(response.url).hostname or "",
            doc_type=doc_type,
            report_year=report_year,
            etag=response.headers.get("ETag", b"").decode("latin-1"),
            last_modified=response.headers.get("Last-Modified", b"").decode("latin-1"),
            **vars(extracted),
        )

    def on_error(self, failure):
        """Count a failed request by kind; the crawl goes on."""
        if failure.check(HttpError):  # before IgnoreRequest, its base class
            kind = f"http_{failure.value.response.status}"
        elif failure.check(IgnoreRequest):  # robots.txt forbids it: policy, not a failure
            self.crawler.stats.inc_value("gongkai/skipped/robots")
            self.logger.info("skipped (robots.txt): %s", failure.request.url)
            return
        elif failure.check(DNSLookupError):
            kind = "dns"
        elif failure.check(TimeoutError, TCPTimedOutError):
            kind = "timeout"
        else:
            kind = failure.type.__name__
        self.crawler.stats.inc_value(f"gongkai/errors/{kind}")
        self.logger.warning("request failed (%s): %s", kind, failure.request.url)
