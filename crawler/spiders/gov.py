"""The one spider: walks a configured source, hands detail pages to extraction and the archive."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from crawler import attachments
from crawler.adapters import adapter_for, generic
from crawler.archive import Archive, Document
from crawler.classify import classify, report_template
from crawler.extract import clean_text, extract
from crawler.urls import canonical_url

# Single-page-app shells (Vue/Angular/React mount points) whose content comes from scripts
_JS_SHELL = re.compile(r"ng-app|ng-bind-html|<div id=[\"'](?:app|root)[\"']>\s*</div>", re.I)
# Images, styles, scripts, media and archives are never fetched; attachments are.
_SKIP_EXTENSIONS = {f".{e}" for e in IGNORED_EXTENSIONS if e not in attachments.EXTENSIONS}


class GovSpider(scrapy.Spider):
    """Crawl one source: start URLs, in-domain links, detail pages become documents."""

    name = "gov"
    custom_settings = {"HTTPERROR_ALLOWED_CODES": [304, 404, 410]}

    def __init__(self, source: dict, **kwargs):
        super().__init__(name=f"gov:{source['name']}", **kwargs)
        self.source = source
        self.start_urls = list(source["start_urls"])
        self.allowed = tuple(source.get("allowed_domains") or
                             sorted({urlsplit(u).hostname for u in self.start_urls}))
        self.platform = source.get("platform", "")
        self.known: set[str] = set()
        self.validators: dict[str, tuple[str, str]] = {}

    async def start(self):
        settings = self.crawler.settings
        if not settings.getbool("GONGKAI_FULL"):  # incremental: what the archive already has
            with Archive(settings.get("GONGKAI_ARCHIVE")) as archive:
                self.known = archive.known_urls(self.source["name"])
                self.validators = archive.validators(self.source["name"])
        for url in self.start_urls:
            yield self.follow(url, None)

    def parse(self, response):
        if response.status in (404, 410):
            yield {"gone": canonical_url(response.url)}
            return
        if response.status == 304:  # a known document, asked conditionally, has not changed
            yield {"unchanged": canonical_url(response.url)}
            return
        kind = attachments.detect(response.body, response.url,
                                  response.headers.get("Content-Type", b"").decode("latin-1"))
        if kind:
            yield from self.attachment(response, kind)
            return
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("gongkai/skipped/not_text")
            return
        links = generic.links(response)
        page = self.document(response, links) if isinstance(response, HtmlResponse) else None
        if page is not None and page.body:  # a page that only links a PDF is not a document,
            yield page                       # but its title and date go to the attachment
        adapter = adapter_for(response, self.platform)
        targets = [*links, *self.list_requests(adapter, response)]
        if page is None and not targets and _JS_SHELL.search(response.text):
            # content only a browser would render: say so instead of reading nothing silently
            self.crawler.stats.inc_value("gongkai/errors/js_only_page")
            self.logger.warning("JS-only page, nothing to read without a browser: %s",
                                response.url)
        for target in targets:
            request = self.follow(target, page)
            if request is not None:
                yield request

    def list_requests(self, adapter, response) -> list:
        """The adapter's requests; its paging is dropped when a list shows only known items."""
        targets = list(adapter.requests(response))
        items = [t for t in targets if not _is_paging(t)]
        if self.known and items and all(canonical_url(_url(t)) in self.known for t in items):
            self.crawler.stats.inc_value("gongkai/paging_stopped")
            return items
        return targets

    def follow(self, target, parent: Document | None) -> scrapy.Request | None:
        """Turn a URL or adapter request into a crawl request, or None if it is not followed."""
        request = scrapy.Request(target) if isinstance(target, str) else target
        url = request.url
        if not url.startswith(("http://", "https://")):
            return None
        is_attachment = bool(attachments.url_extension(url))
        path = urlsplit(url).path.lower()
        if not is_attachment and ("." + path.rsplit(".", 1)[-1]) in _SKIP_EXTENSIONS:
            return None
        if not is_attachment and not generic.in_domains(url, self.allowed):
            return None  # attachments may sit on another host (DOMAIN.md §1.8)
        meta = dict(request.meta)
        if is_attachment and parent is not None:  # the page linking it beats a list's summary
            meta["parent"] = _parent_meta(parent)
        # conditional GETs for known documents only: list pages are where new items appear
        headers = dict(request.headers)
        etag, modified = self.validators.get(canonical_url(url), ("", ""))
        if request.method == "GET" and etag:
            headers["If-None-Match"] = etag
        if request.method == "GET" and modified:
            headers["If-Modified-Since"] = modified
        return request.replace(callback=self.parse, errback=self.on_error, meta=meta,
                               headers=headers)

    def document(self, response: TextResponse, links: list[str]) -> Document | None:
        """Extract a detail page (its body may be empty), or None for list and navigation pages;
        `links` are the page's links, of which the attachments are recorded."""
        extracted = extract(response.text, response.url)
        if extracted is None or not extracted.title:
            return None
        doc_type, report_year = classify(extracted.title, extracted.body)
        template = report_template(extracted.body) if doc_type == "annual_report" else ""
        files = [{"name": attachments.file_name(u), "url": u, "type": attachments.url_extension(u)}
                 for u in links if attachments.url_extension(u)]
        return Document(
            url=canonical_url(response.url),
            source=self.source["name"],
            site=urlsplit(response.url).hostname or "",
            doc_type=doc_type,
            report_year=report_year,
            report_template=template,
            attachments=files,
            etag=_validators(response)[0],
            last_modified=_validators(response)[1],
            **vars(extracted),
        )

    def attachment(self, response, kind: str):
        """Yield an attachment as a document carrying its parent page's title, date, publisher."""
        try:
            text = clean_text(attachments.extract_text(response.body, kind))
        except attachments.AttachmentError as exc:
            self.crawler.stats.inc_value("gongkai/errors/bad_attachment")
            self.logger.warning("unreadable attachment %s: %s", response.url, exc)
            return
        self.crawler.stats.inc_value("gongkai/attachments")
        parent = response.meta.get("parent") or {}
        title = attachments.title_for(text, response.url, parent.get("title", ""))
        doc_type, report_year = classify(parent.get("title") or title, text)
        yield Document(
            url=canonical_url(response.url), source=self.source["name"],
            site=urlsplit(response.url).hostname or "",
            title=title, body=text, publisher=parent.get("publisher", ""),
            pub_date=parent.get("pub_date", ""), doc_type=doc_type, report_year=report_year,
            report_template=report_template(text) if doc_type == "annual_report" else "",
            parent_url=parent.get("url", ""), etag=_validators(response)[0],
            last_modified=_validators(response)[1])

    def on_error(self, failure):
        """Count a failed request by kind; the crawl goes on."""
        if failure.check(HttpError):  # before IgnoreRequest, its base class
            kind = f"http_{failure.value.response.status}"
        elif failure.check(IgnoreRequest):  # robots.txt or a bot wall: policy, not a failure
            self.crawler.stats.inc_value("gongkai/skipped/ignored")
            self.logger.info("skipped: %s (%s)", failure.request.url, failure.value)
            return
        elif failure.check(DNSLookupError):
            kind = "dns"
        elif failure.check(TimeoutError, TCPTimedOutError):
            kind = "timeout"
        else:
            kind = failure.type.__name__
        retry = _other_scheme(failure.request) if kind not in ("dns",) and not kind.startswith(
            "http_") else None
        if retry is not None:  # many sites answer on one scheme only (DOMAIN.md §3.2)
            self.crawler.stats.inc_value("gongkai/scheme_fallback")
            self.logger.info("%s failed (%s); trying %s", failure.request.url, kind, retry.url)
            return retry
        self.crawler.stats.inc_value(f"gongkai/errors/{kind}")
        self.logger.warning("request failed (%s): %s", kind, failure.request.url)
        return None


def _parent_meta(doc: Document) -> dict:
    return {"url": doc.url, "title": doc.title, "pub_date": doc.pub_date,
            "publisher": doc.publisher}


def _validators(response) -> tuple[str, str]:
    """Return the response's (ETag, Last-Modified) for the next conditional GET."""
    return (response.headers.get("ETag", b"").decode("latin-1"),
            response.headers.get("Last-Modified", b"").decode("latin-1"))


def _is_paging(target) -> bool:
    return not isinstance(target, str) and target.meta.get("paging", False)


def _url(target) -> str:
    return target if isinstance(target, str) else target.url


def _other_scheme(request) -> scrapy.Request | None:
    """The same request over the other scheme (http↔https), once per request."""
    if request.meta.get("scheme_fallback"):
        return None
    url = request.url
    swapped = ("http://" + url[8:] if url.startswith("https://") else
               "https://" + url[7:] if url.startswith("http://") else "")
    if not swapped:
        return None
    return request.replace(url=swapped, dont_filter=True,
                           meta={**request.meta, "scheme_fallback": True})
