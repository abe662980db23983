"""List-page adapters: what a page leads to beyond its plain `<a href>` links.

The spider always follows a page's in-site links (the generic adapter: navigation, 下一页/尾页
paging). A platform adapter, chosen by fingerprinting the page (DOMAIN.md §1.9), not its URL,
adds the requests a link extractor cannot see: Hanweb datastore records and `dataproxy.jsp`
paging, TRS `createPageHTML` pages, VSB numbered pages, gkmlpt and UCAP JSON lists.

Each platform module has `matches(response) -> bool` and `requests(response) -> iterable of
URLs or scrapy Requests` (a Request without callback goes to the spider's parse).
"""

from __future__ import annotations

from crawler.adapters import generic, gkmlpt, hanweb, trs, ucap, vsb

PLATFORMS = {"hanweb": hanweb, "trs": trs, "vsb": vsb, "gkmlpt": gkmlpt, "ucap": ucap}
ADAPTERS = {"generic": generic, **PLATFORMS}


def adapter_for(response, platform: str = ""):
    """Return the adapter for a response: the configured platform, or the first that matches."""
    if platform:
        return ADAPTERS[platform]
    for adapter in PLATFORMS.values():
        if adapter.matches(response):
            return adapter
    return generic
