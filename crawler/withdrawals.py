"""How a crawl finds that an agency withdrew a document (issue #19).

A known document is withdrawn when its URL answers 404 or 410, shows a "page not found" in the
site's template (a soft 404, crawler/walls.py), or redirects to the site's home page or to an
error page (`WithdrawnRedirects`). A document that is merely unreachable (timeouts, 5xx, a bot
wall) is not withdrawn.

Withdrawn documents usually leave the list pages first, and an incremental crawl stops paging
once a list shows only known items; so when a crawl has nothing left to do, it asks again, with
the validators it has, for up to `[crawl] recheck` documents of each source that it has not
asked this time, the longest unasked first (GovSpider.idle, Archive.unasked): over successive
crawls every known document is asked. A 304 from a withdrawn one means it is back.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from crawler.urls import canonical_url

# A site's home page: its root, or an index/default page at the root
_HOME = re.compile(r"^/?(?:(?:index|default|main|home)\.(?:s?html?|jsp|php|aspx?))?$", re.I)
# An error page, by its name: /error.jsp, /notfound.aspx, /common/nopage.html, /err/tip.html;
# or a page named for a status: /404.html, /error/500 (not an article numbered 404 elsewhere)
_ERROR = re.compile(r"(?:^|[/_.\-])(?:error|err|notfound|not_found|nofound|pagenotfound|"
                    r"page_not_found|nopage|no_page)(?:[/_.\-]|$)|/(?:40[0-9]|50[0-9])"
                    r"(?:\.[a-z]+)?$", re.I)
REDIRECTS = (301, 302, 303, 307, 308)


def redirect_withdrawal(url: str, location: str, starts: tuple[str, ...]) -> str:
    """Why a redirect of a known document from `url` to `location` withdraws it:
    'redirect_home' (the site's home page or a start URL of its source), 'redirect_error'
    (an error page), or '' (a page that moved: it is followed)."""
    target = urljoin(url, location)
    there, here = urlsplit(target), urlsplit(url)
    if there.hostname != here.hostname or _HOME.match(here.path or "/"):
        return ""
    if _HOME.match(there.path or "/") and not there.query or \
            canonical_url(target) in {canonical_url(s) for s in starts}:
        return "redirect_home"
    return "redirect_error" if _ERROR.search(there.path) else ""


class WithdrawnRedirects:
    """A downloader middleware seeing answers before Scrapy's redirects (600): a known
    document (`meta["known"]`) redirected home or to an error page answers as withdrawn (a 404
    whose `meta["missing"]` says why); any other redirect of a known document is followed even
    to a page this crawl has seen, so the spider reads where it went (a "not found" there
    withdraws it too)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        if response.status not in REDIRECTS or not request.meta.get("known") or \
                b"Location" not in response.headers:
            return response
        location = response.headers[b"Location"].decode("latin-1")
        sources = getattr(self.crawler.spider, "sources", {})
        source = sources.get(request.meta.get("source", ""))
        why = redirect_withdrawal(request.url, location,
                                  source.start_urls if source is not None else ())
        if why:
            request.meta["missing"] = why
            return response.replace(status=404)
        request.dont_filter = True  # its redirect goes on even to a page seen already
        return response

