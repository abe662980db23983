"""The crawler on sites that behave as parts of the real web do (tests/hostile_sites.py): it ends
by itself, stores every real document once under its clean URL and nothing else, keeps
Retry-After and Crawl-delay, and reports each fault by kind."""

from __future__ import annotations

import collections
import itertools
import json
from urllib.parse import urlsplit

import pytest

from tests.hostile_sites import Sizes, hostile_sites, portal_routes
from tests.sites import CLOCK, FixtureServer, crawl_sources, html

TRAP_LIMIT = 8
# A pattern is cut when the spider has read TRAP_LIMIT of its pages; meanwhile the downloader
# may have fetched more of them: the requests it holds at once ([crawl] concurrency), and the
# answers waiting to be read. A delay between requests to an origin, however short, keeps
# reading (milliseconds a page) ahead of fetching, as real delays of a second do.
IN_FLIGHT = 16
DELAY = 0.03


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    sites = hostile_sites()
    try:
        rows, runs = crawl_sources(tmp_path_factory.mktemp("hostile"), sites.sources(),
                                   delay=DELAY, timeout=2, retries=1, max_delay=2,
                                   trap_limit=TRAP_LIMIT)
        yield sites, rows, runs
    finally:
        sites.close()


def _asked(server) -> collections.Counter:
    """Requests per path (without session ids or queries)."""
    return collections.Counter(urlsplit(path).path.split(";")[0] for _, path, _ in
                               server.requests)


def test_every_real_document_is_stored_once_under_its_clean_url(crawled):
    sites, rows, _ = crawled
    assert sorted(rows) == sorted(sites.expected)
    assert "关于调整办事时间的公告" == rows[sites.portal.base + "/gbk.html"]["title"]
    assert "周六上午照常办公" in rows[sites.portal.base + "/gbk.html"]["body"]
    big = rows[sites.portal.base + "/big.html"]
    assert big["title"] == "示例市统计数据汇编" and "统计数据如下" in big["body"]


def test_traps_are_cut_after_the_limit_and_reported(crawled):
    sites, _, runs = crawled
    asked = _asked(sites.portal)
    # paging: 3 real pages, then pages without items until the limit
    assert TRAP_LIMIT + 3 <= asked["/list.jsp"] <= TRAP_LIMIT + 3 + IN_FLIGHT
    assert TRAP_LIMIT <= asked["/cal.jsp"] <= TRAP_LIMIT + IN_FLIGHT
    assert TRAP_LIMIT <= asked["/search.jsp"] <= TRAP_LIMIT + IN_FLIGHT
    traps = json.loads(runs["portal"]["limits"])["traps"]
    base = sites.portal.base
    assert set(traps) == {f"{base}/list.jsp?page", f"{base}/cal.jsp?date",
                          f"{base}/search.jsp?kw"}
    assert traps[f"{base}/search.jsp?kw"] == 300 - asked["/search.jsp"]
    # every document was asked for once, whatever session ids its links carried
    assert all(n == 1 for path, n in asked.items() if path.startswith("/art/"))


def test_each_fault_is_reported_by_kind(crawled):
    _, _, runs = crawled
    assert json.loads(runs["portal"]["error_detail"]) == {
        "soft_404": 1, "too_large": 1, "bad_attachment": 2}
    assert json.loads(runs["faults"]["error_detail"]) == {
        "http_500": 1, "reset": 1, "timeout": 2, "redirect_loop": 1, "redirect_chain": 1,
        "redirected_offsite": 1}
    assert json.loads(runs["slow"]["error_detail"]) == {}
    assert json.loads(runs["portal"]["limits"])["truncated"] == 1
    assert {run["status"] for run in runs.values()} == {"finished"}


def test_retry_after_and_crawl_delay_are_kept(crawled):
    sites, _, runs = crawled
    for path in ("/busy.html", "/limit.html"):  # asked again after the wait, and only then
        spans = sorted(sites.faults.spans)
        refused = next(end for _, end, p in spans if p == path)
        following = [start for start, _, _ in spans if start > refused]
        assert following and min(following) - refused >= 2 - CLOCK
    assert json.loads(runs["faults"]["limits"])["retry_after"] == {
        sites.faults.base: {"waits": 2, "seconds": 4.0}}
    spans = sorted(sites.slow.spans)
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(spans)]
    assert len(spans) == 4 and min(gaps) >= 1 - CLOCK  # robots.txt, index, two documents
    assert json.loads(runs["slow"]["limits"])["crawl_delay"] == {sites.slow.base: 1.0}


def test_a_read_over_the_time_limit_is_given_up_and_the_crawl_goes_on(tmp_path):
    """The big page takes seconds to read (bench/big_pages.py); with a second and a half
    allowed, it is given up as a read_timeout, and the documents after it are still read."""
    sizes = Sizes(search_links=0)
    routes = portal_routes(sizes)
    routes["/index.html"] = html('<html><head><title>示例</title></head><body>'
                                 '<a href="/art/1_1.html">一</a><a href="/big.html">大</a>'
                                 '<a href="/art/1_2.html">二</a></body></html>')
    server = FixtureServer(routes, "127.0.0.46")
    try:
        rows, runs = crawl_sources(tmp_path, [{"name": "site",
                                               "start_urls": [server.base + "/index.html"]}],
                                   read_timeout=1.5)
    finally:
        server.close()
    assert sorted(rows) == [server.base + "/art/1_1.html", server.base + "/art/1_2.html"]
    assert json.loads(runs["site"]["error_detail"]) == {"read_timeout": 1}
