"""The one spider: walks every configured source in one engine, hands detail pages to extraction
and the archive. Each request carries the name of its source (`meta["source"]`)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.spidermiddlewares.httperror import HttpError

from archive import Archive, Document, doc_id_for
from crawler import attachments, reader
from crawler.adapters import adapter_for, generic
from crawler.classify import classify, report_template
from crawler.extract import Extracted
from crawler.middlewares import redirect_loop
from crawler.outcomes import NO_CONTACT, Interrupted, failure_kind, held, reported
from crawler.traps import TrapGuard, canonical_pattern, pattern
from crawler.urls import SESSION_PARAMETERS, canonical_url, origin, session_parameters
from crawler.walls import missing_page
from reading import files

# Single-page-app shells (Vue/Angular/React mount points) whose content comes from scripts
_JS_SHELL = re.compile(r"ng-app|ng-bind-html|<div id=[\"'](?:app|root)[\"']>\s*</div>", re.I)
# A script that asks the server for data (jQuery, fetch, XMLHttpRequest, axios)
_FETCHES = re.compile(r"\$\.(?:ajax|get|getJSON|post)\s*\(|\bfetch\s*\(|XMLHttpRequest|"
                      r"\baxios\.", re.I)
# An article's container left empty for a script to fill: <div id="content"></div>
_EMPTY_CONTAINER = re.compile(r"<(div|section|article)\b[^>]*\b(?:id|class)=[\"'][^\"']*"
                              r"(?:content|article|detail|zoom|text)[^\"']*[\"'][^>]*>\s*</\1>",
                              re.I)
# Images, styles, scripts, media and archives are never fetched; attachments are.
_SKIP_EXTENSIONS = {f".{e}" for e in IGNORED_EXTENSIONS if e not in files.EXTENSIONS}
# Pages are read (extracted, their links found) in their first PARSE_LIMIT bytes only: reading
# takes about 1.8 s and 90 MB per MB of HTML (bench/big_pages.py), and a page of many MB (a
# runaway table, a dump) would take minutes and gigabytes. Real pages are well under it; files
# are read whole, within [crawl] read_timeout (crawler/reader.py).
PARSE_LIMIT = 2 * 1024 * 1024
# What a page hands to the files it links: their title and metadata come from it.
PARENT_FIELDS = ("title", "pub_date", "publisher", "index_number", "doc_number", "written_date",
                 "category", "site_name", "section")


@dataclass(frozen=True)
class Source:
    """A configured source: its name, start URLs, allowed domains, forced platform, and
    whether its pages are opened in a browser (crawler/browser.py)."""

    name: str
    start_urls: tuple[str, ...]
    allowed: tuple[str, ...]
    platform: str = ""
    browser: bool = False

    @classmethod
    def from_config(cls, entry: dict) -> Source:
        starts = tuple(entry["start_urls"])
        allowed = tuple(entry.get("allowed_domains") or
                        sorted({urlsplit(u).hostname or "" for u in starts}))
        return cls(entry["name"], starts, allowed, entry.get("platform", ""),
                   entry.get("render") == "browser")


class GovSpider(scrapy.Spider):
    """Crawl sources: start URLs, in-domain links, adapter requests; detail pages and
    attachments become documents."""

    name = "gov"
    custom_settings = {"HTTPERROR_ALLOWED_CODES": [304, 404, 410]}

    def __init__(self, sources: list[dict], **kwargs):
        super().__init__(**kwargs)
        self.sources = {s["name"]: Source.from_config(s) for s in sources}
        self.archive: Archive | None = None
        self.start_seq = 0
        self.session = SESSION_PARAMETERS
        self.seen: set[int] = set()  # hashes of the canonical URLs linked so far
        self.traps: TrapGuard | None = None
        self.reader = reader.Reader()
        self.started = time.time()
        self.rechecked = False  # whether this crawl asked again for unlinked known documents

    async def start(self):
        settings = self.crawler.settings
        self.session = session_parameters(settings.getlist("GONGKAI_SESSION_PARAMETERS"))
        self.traps = TrapGuard.of(self.crawler)
        self.reader.seconds = settings.getfloat("GONGKAI_READ_TIMEOUT", reader.READ_SECONDS)
        self.crawler.signals.connect(self.dropped, signal=signals.request_dropped)
        self.crawler.signals.connect(self.idle, signal=signals.spider_idle)
        if not settings.getbool("GONGKAI_FULL"):  # incremental: ask what the archive has
            self.archive = Archive(settings.get("GONGKAI_ARCHIVE"))
            # a shared crawl's workers compare with the archive as it was when the crawl began
            self.start_seq = settings.getint("GONGKAI_START_SEQ", self.archive.max_seq())
        for source in self.sources.values():
            for url in source.start_urls:
                yield self.follow(url, source, {})

    def dropped(self, request, spider=None):
        """A request the scheduler dropped as seen before: a redirect back into its own chain
        ends there, and is counted as the loop it is."""
        source = request.meta.get("source", "")
        if source and redirect_loop(request):
            self.crawler.stats.inc_value(f"gongkai/{source}/errors/redirect_loop")
            self.logger.warning("redirect loop: %s", " -> ".join(
                [*request.meta["redirect_urls"], request.url]))

    def idle(self, spider=None):
        """When the crawl has nothing left to do, once: ask again for the known documents
        it did not ask (crawler/withdrawals.py), and go on until they answered."""
        if self.rechecked or self.archive is None:
            return
        self.rechecked = True
        limit = self.crawler.settings.getint("GONGKAI_RECHECK")
        requests = [r for source in self.sources.values() if limit > 0
                    for r in self._rechecks(source, limit)]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            self.logger.info("asking again for %d known documents no page linked",
                             len(requests))
            raise DontCloseSpider

    def _rechecks(self, source: Source, limit: int) -> list[scrapy.Request]:
        requests = []
        for row in self.archive.unasked(source.name, self.started, limit):
            parent = self._parent_of(row["parent_url"]) if row["parent_url"] else {}
            known = {row["url"]: (row["etag"], row["last_modified"], 0)}
            request = self.follow(scrapy.Request(row["url"], meta={"recheck": True}),
                                  source, parent, known)
            if request is not None:
                requests.append(request)
        return requests

    def _parent_of(self, url: str) -> dict:
        """What a page of the archive hands to the files it links: its title and metadata,
        as when they were first linked ({} for a page the archive lacks)."""
        row = self.archive.get(doc_id_for(url))
        return {"url": row["url"], **{k: row[k] for k in PARENT_FIELDS}} if row else {}

    def closed(self, reason):
        self.reader.close()
        if self.archive is not None:
            self.archive.close()

    def _known(self, targets: list) -> dict[str, tuple[str, str, int]]:
        """The archive's live documents among the targets: {canonical url: (etag,
        last_modified, seq)}; nothing on a full crawl."""
        if self.archive is None:
            return {}
        return self.archive.lookup([canonical_url(_url(t), self.session) for t in targets])

    async def parse(self, response):
        source = self.sources[response.meta["source"]]
        if response.status in (404, 410):  # or a redirect home (crawler/withdrawals.py)
            yield self._missing(response, source, response.meta.get("missing") or (
                "soft_404" if response.meta.get("soft_404") else f"http_{response.status}"))
            return
        if response.status == 304:  # a known document, asked conditionally, has not changed
            self._answered(response, True)
            yield {"unchanged": canonical_url(response.url, self.session), "source": source.name}
            for request in self._files_of(response.url, source):
                yield request
            return
        kind = files.detect(response.body, response.url,
                            response.headers.get("Content-Type", b"").decode("latin-1"))
        if not kind and response.meta.get("scan"):  # a picture a page posted as its text
            kind = files.image_kind(response.body)
            if kind and len(response.body) < MIN_SCAN_BYTES:
                self.crawler.stats.inc_value(f"gongkai/{source.name}/skipped/small_image")
                return
        if kind:
            self._answered(response, True)
            document = await self.attachment(response, source, kind)
            if document is not None:
                yield document
            return
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value(f"gongkai/{source.name}/skipped/not_text")
            return
        response = self._bounded(response, source)
        links, extracted = [], None
        if isinstance(response, HtmlResponse):
            try:
                links, extracted = await self.reader.run(
                    reader.read_page, response.url, response.body, response.encoding)
            except reader.ReadTimeout as exc:
                self._unread(response, source, exc)
                return
            except Interrupted:
                return
        page = self.document(response, source, links, extracted)
        if page is not None and missing_page(page):  # "page not found" in the article template
            yield self._missing(response, source, "soft_404")
            return
        if page is not None and page.body:  # a page that only links a PDF is not a document,
            yield page                       # but its title and metadata go to the file
        listed = list(adapter_for(response, source.platform).requests(response))
        known = self._known([*(link.url for link in links), *listed])
        targets = [*(link.url for link in links), *self._stop_paging(listed, known, source)]
        self._answered(response, page is not None or self._fresh(targets, response.url))
        if not (extracted is not None and extracted.scans) and \
                _script_built(response, page, targets):
            # content only a browser would render: say so instead of reading nothing silently
            self.crawler.stats.inc_value(f"gongkai/{source.name}/errors/js_only_page")
            self.logger.warning(
                "page built by scripts, nothing to read %s: %s", "even in the browser"
                if source.browser else "(render = \"browser\" would open it in Chromium)",
                response.url)
        parent = _parent_meta(page) if page is not None else {}
        texts = {link.url: link.text for link in links}
        if extracted is not None and extracted.scans:  # a body posted as pictures
            scans = [scrapy.Request(url, meta={"scan": True}) for url in extracted.scans]
            targets = [t for t in targets if _url(t) not in extracted.scans] + scans
        for target in targets:
            request = self.follow(target, source, parent, known, texts.get(_url(target), ""))
            if request is not None:
                yield request

    def _files_of(self, url: str, source: Source) -> list[scrapy.Request]:
        """The requests for the files an unchanged page links, as the archive has them: an
        agency may replace a file under the same URL without touching its page. Known
        files are asked conditionally; each gets its page's metadata, as when first linked."""
        row = self.archive.get(doc_id_for(canonical_url(url, self.session))) \
            if self.archive is not None else None
        if not row or not row["attachments"]:
            return []
        parent = self._parent_of(row["url"])
        files_ = [a for a in row["attachments"] if a.get("url")]
        known = self._known([a["url"] for a in files_])
        requests = (self.follow(a["url"], source, parent, known, a.get("name", ""))
                    for a in files_)
        return [r for r in requests if r is not None]

    def _unread(self, response, source: Source, exc: Exception) -> None:
        self.crawler.stats.inc_value(f"gongkai/{source.name}/errors/read_timeout")
        self.logger.warning("gave up reading %s: %s", response.url, exc)

    def _missing(self, response, source: Source, kind: str) -> dict:
        """A URL that answers "not found" (the URL asked, where a redirect led elsewhere): a
        known document is gone, any other an error of `kind` (the pipeline asks the archive
        which)."""
        self._answered(response, False)
        asked = (response.meta.get("redirect_urls") or [response.url])[0]
        return {"gone": canonical_url(asked, self.session), "source": source.name,
                "missing": kind}

    def _bounded(self, response: TextResponse, source: Source) -> TextResponse:
        """The page cut to PARSE_LIMIT bytes (counted as `truncated`), or the page."""
        if len(response.body) <= PARSE_LIMIT:
            return response
        limits = held(self.crawler.stats, source.name)
        limits["truncated"] = limits.get("truncated", 0) + 1
        self.logger.warning("%s is %.1f MB: reading its first %d MB only", response.url,
                            len(response.body) / 1e6, PARSE_LIMIT // 2**20)
        return response.replace(body=response.body[:PARSE_LIMIT], encoding=response.encoding)

    def _fresh(self, targets: list, url: str) -> bool:
        """Record the targets as linked; return whether one is new to this crawl and outside
        the page's own URL pattern (crawler/traps.py)."""
        own, fresh = pattern(url, self.session), False
        for target in targets:
            key = canonical_url(_url(target), self.session)
            if hash(key) not in self.seen:
                self.seen.add(hash(key))
                fresh = fresh or canonical_pattern(key) != own
        return fresh

    def _answered(self, response, productive: bool) -> None:
        """Tell the trap guard whether a page gave anything (not for rechecks of known
        documents: many withdrawn ones in a row are no trap)."""
        if response.meta.get("recheck"):
            return
        url = response.url
        if self.traps is not None and self.traps.answered(url, productive):
            self.logger.warning("%s: %d pages in a row with nothing new; not following that "
                                "URL pattern further (a crawler trap)", self.traps.pattern(url),
                                self.traps.limit)

    def _stop_paging(self, listed: list, known: dict, source: Source) -> list:
        """Drop an adapter's further list pages when its list shows only items the archive
        held before this crawl began (new items appear at the top of lists)."""
        items = [t for t in listed if not _is_paging(t)]
        before = self.start_seq + 1  # not in the archive: newer than anything known
        if not items or len(items) == len(listed) or not all(
                known.get(canonical_url(_url(t), self.session), ("", "", before))[2]
                <= self.start_seq for t in items):
            return listed
        self.crawler.stats.inc_value(f"gongkai/{source.name}/paging_stopped")
        return items

    def follow(self, target, source: Source, parent: dict, known: dict | None = None,
               link_text: str = "") -> scrapy.Request | None:
        """Turn a URL or adapter request into a crawl request, or None if it is not followed.

        Every request from a document page carries that page's metadata (`parent`): a file
        behind a download endpoint without an extension is only recognised once fetched."""
        request = scrapy.Request(target) if isinstance(target, str) else target
        url = request.url
        if not url.startswith(("http://", "https://")):
            return None
        is_attachment = bool(files.url_extension(url)) or request.meta.get("scan", False)
        path = urlsplit(url).path.lower()
        if not is_attachment and ("." + path.rsplit(".", 1)[-1]) in _SKIP_EXTENSIONS:
            return None
        if not is_attachment and not generic.in_domains(url, source.allowed):
            return None  # attachments may sit on another host (DOMAIN.md §1.8)
        meta = {**request.meta, "source": source.name, "download_slot": origin(url)}
        if source.browser and not is_attachment:
            from crawler.browser import render_meta

            meta.update(render_meta(source.allowed))
        if parent:  # the page linking a file beats a list's summary of it
            meta["parent"] = parent
        if canonical_url(url, self.session) in (known or {}):
            meta["known"] = True  # its redirect home withdraws it (crawler/withdrawals.py)
        if link_text and "link_text" not in meta:
            meta["link_text"] = link_text
        # conditional GETs for known documents only: list pages are where new items appear;
        # not in a browser, where the shell page stays the same while its content changes
        headers = dict(request.headers)
        etag, modified, _ = (known or {}).get(canonical_url(url, self.session), ("", "", 0)) \
            if not meta.get("playwright") else ("", "", 0)
        if request.method == "GET" and etag:
            headers["If-None-Match"] = etag
        if request.method == "GET" and modified:
            headers["If-Modified-Since"] = modified
        return request.replace(callback=self.parse, errback=self.on_error, meta=meta,
                               headers=headers)

    def document(self, response: TextResponse, source: Source, links: list,
                 extracted: Extracted | None) -> Document | None:
        """A detail page as a document (its body may be empty), or None for list and
        navigation pages; of its `links`, the attachments are recorded."""
        if extracted is None or not extracted.title:
            return None
        doc_type, report_year = classify(extracted.title, extracted.body)
        template = report_template(extracted.body, report_year) \
            if doc_type == "annual_report" else ""
        linked = [{"name": attachments.display_name(link.text, link.url), "url": link.url,
                   "type": files.url_extension(link.url)}
                  for link in links if files.url_extension(link.url)]
        etag, modified = _validators(response)
        return Document(url=canonical_url(response.url, self.session), source=source.name,
                        site=urlsplit(response.url).hostname or "", doc_type=doc_type,
                        report_year=report_year, report_template=template, attachments=linked,
                        etag=etag, last_modified=modified, **_kept(response, doc_type),
                        **{k: v for k, v in vars(extracted).items() if k != "scans"})

    async def attachment(self, response, source: Source, kind: str) -> Document | None:
        """An attachment (or a scan posted as a picture, whose text OCR reads later) as a
        document with its linking page's title and metadata, or None."""
        try:
            text = "" if kind in files.IMAGES else \
                await self.reader.run(reader.read_file, response.body, kind)
        except files.UnreadableFile as exc:
            self.crawler.stats.inc_value(f"gongkai/{source.name}/errors/bad_attachment")
            self.logger.warning("unreadable attachment %s: %s", response.url, exc)
            return None
        except reader.ReadTimeout as exc:
            self._unread(response, source, exc)
            return None
        except Interrupted:
            return None
        self.crawler.stats.inc_value(f"gongkai/{source.name}/attachments")
        parent = response.meta.get("parent") or {}
        title = attachments.title_for(text, response.url, parent.get("title", ""),
                                      response.meta.get("link_text", ""))
        doc_type, report_year = classify(parent.get("title") or title, text)
        inherited = {k: parent.get(k, "") for k in PARENT_FIELDS if k != "title"}
        etag, modified = _validators(response)
        return Document(
            url=canonical_url(response.url, self.session), source=source.name,
            site=urlsplit(response.url).hostname or "", title=title, body=text,
            doc_type=doc_type, report_year=report_year,
            report_template=report_template(text, report_year)
            if doc_type == "annual_report" else "",
            parent_url=parent.get("url", ""), etag=etag, last_modified=modified,
            **_kept(response, doc_type, text), **inherited)

    def on_error(self, failure):
        """Count a failed request by kind (crawler/outcomes.py); the crawl goes on."""
        request = failure.request
        source = request.meta.get("source", "")
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # a bot wall, a trap, a page limit, a redirect: policy, counted where decided;
            # robots.txt, Scrapy's, here (its one refusal says so in its message)
            if str(failure.value).startswith("Forbidden by robots.txt"):
                limits = held(self.crawler.stats, source)
                limits["robots_txt"] = limits.get("robots_txt", 0) + 1
            self.crawler.stats.inc_value(f"gongkai/{source}/skipped/ignored")
            self.logger.info("skipped: %s (%s)", request.url, failure.value)
            return None
        kind = failure_kind(failure)
        if kind == "interrupted":
            return None
        retry = _other_scheme(request, kind) if kind in NO_CONTACT else None
        if retry is not None:  # many sites answer on one scheme only (DOMAIN.md §3.2)
            self.crawler.stats.inc_value(f"gongkai/{source}/scheme_fallback")
            self.logger.info("%s failed (%s); trying %s", request.url, kind, retry.url)
            return retry
        # the URL as configured or linked failed as it did, whatever its other scheme did
        kind = reported(request.meta.get("first_failure") or kind)
        self.crawler.stats.inc_value(f"gongkai/{source}/errors/{kind}")
        self.logger.warning("request failed (%s): %s", kind, request.url)
        return None


def _script_built(response, page: Document | None, targets: list) -> bool:
    """Whether a page's content is left to scripts: an app shell with nothing else on it, or
    a page with a script that asks the server for data and either a document's title and
    metadata but no body and no files, or an article container left empty."""
    text = response.text
    if page is None:
        return (not targets and bool(_JS_SHELL.search(text))) or bool(
            _FETCHES.search(text) and _EMPTY_CONTAINER.search(text))
    return not page.body and not page.attachments and bool(
        _JS_SHELL.search(text) or _FETCHES.search(text))


def _parent_meta(doc: Document) -> dict:
    return {"url": doc.url, **{k: getattr(doc, k) for k in PARENT_FIELDS}}


KEEP_RAW_BYTES = 20 * 1024 * 1024
# A picture smaller than this in a body is an icon, a seal or a signature, not a scanned page
# (a page scanned at 150 dpi takes 100 KB and more)
MIN_SCAN_BYTES = 20 * 1024


def _kept(response, doc_type: str, text: str | None = None) -> dict:
    """The fetched bytes of an annual report (`reports/` parses its tables from them, again
    offline when the parser improves) or of a file with no `text` (a scan, for `gongkai ocr`);
    nothing for other documents."""
    scan = text is not None and not text.strip()
    if (doc_type != "annual_report" and not scan) or len(response.body) > KEEP_RAW_BYTES:
        return {}
    return {"raw": response.body,
            "raw_type": response.headers.get("Content-Type", b"").decode("latin-1")}


def _validators(response) -> tuple[str, str]:
    """Return the response's (ETag, Last-Modified) for the next conditional GET."""
    return (response.headers.get("ETag", b"").decode("latin-1"),
            response.headers.get("Last-Modified", b"").decode("latin-1"))


def _is_paging(target) -> bool:
    return not isinstance(target, str) and target.meta.get("paging", False)


def _url(target) -> str:
    return target if isinstance(target, str) else target.url


def _other_scheme(request, kind: str) -> scrapy.Request | None:
    """The same request over the other scheme (http↔https), once per request."""
    if request.meta.get("scheme_fallback"):
        return None
    url = request.url
    swapped = ("http://" + url[8:] if url.startswith("https://") else
               "https://" + url[7:] if url.startswith("http://") else "")
    if not swapped:
        return None
    return request.replace(url=swapped, dont_filter=True,
                           meta={**request.meta, "scheme_fallback": True,
                                 "first_failure": kind,
                                 "download_slot": origin(swapped)})
