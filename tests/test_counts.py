"""Totals above the bound are a lower bound (total_relation "gte"), as the API and the page say;
the totals, facets and marks of repeated searches come from a cache that never answers for an
index that changed, even while searches run during the change (issue #20)."""

from __future__ import annotations

import threading

from archive import Archive
from indexer.build import build_index
from indexer.search import IndexReader, SearchRequest
from search_web import create_app
from search_web.html import many
from tests.conftest import make_doc

PUBLISHERS = ("云江省商务厅", "云江省教育厅", "云江省财政厅")


def notices(first: int, count: int) -> list:
    return [make_doc(f"http://example.gov.cn/n{n}.html", f"关于第{n}批防汛物资调拨的通知",
                     f"各有关单位：现将第{n}批防汛物资调拨安排通知如下。",
                     publisher=PUBLISHERS[n % 3], pub_date=f"2024-05-{1 + n % 28:02d}")
            for n in range(first, first + count)]


def indexed(tmp_path, engine, docs) -> tuple:
    archive = tmp_path / "archive.sqlite3"
    with Archive(archive) as db:
        for doc in docs:
            db.upsert(doc)
    build_index(archive, tmp_path / "index", engine=engine)
    return archive, tmp_path / "index"


def test_a_total_above_the_bound_is_given_as_at_least_the_bound(tmp_path, engine):
    _, root = indexed(tmp_path, engine, notices(0, 12) + [make_doc(
        "http://example.gov.cn/r.html", "云江省商务厅2023年政府信息公开工作年度报告", "年度报告正文。")])
    client = create_app({"INDEX_ROOT": str(root), "INDEX_ENGINE": engine, "TESTING": True,
                         "TOTAL_BOUND": 5}).test_client()
    many_hits = client.get("/api/search?q=防汛物资&size=3").get_json()
    assert (many_hits["total"], many_hits["total_relation"]) == (5, "gte")
    # the hits, their order and paging stay exact: twelve notices, three a page
    seen = [h["id"] for p in (1, 2, 3, 4)
            for h in client.get(f"/api/search?q=防汛物资&size=3&page={p}").get_json()["hits"]]
    assert len(seen) == len(set(seen)) == 12
    # facets still count every match
    assert sum(v["count"] for v in many_hits["facets"]["publisher"]) == 12
    few = client.get("/api/search?q=年度报告").get_json()
    assert (few["total"], few["total_relation"]) == (1, "eq")
    page = client.get("/search?q=防汛物资").get_data(as_text=True)
    assert "超过 <strong class=\"total\">5</strong> 条结果" in page
    assert "共 <strong class=\"total\">1</strong> 条结果" in \
        client.get("/search?q=年度报告").get_data(as_text=True)
    exact = create_app({"INDEX_ROOT": str(root), "INDEX_ENGINE": engine, "TESTING": True,
                        "TOTAL_BOUND": 0}).test_client()  # 0: always exact
    assert exact.get("/api/search?q=防汛物资").get_json()["total_relation"] == "eq"
    assert (many(10_000), many(250_000), many(50), many(12_345)) == (
        "1 万", "25 万", "50", "12345")


def test_facets_above_the_bound_are_estimated_from_a_sample_and_say_so(tmp_path, engine):
    """tantivy counts the facets of a phrase search matching far more than the bound over an
    even sample of the index and scales them up: the API says "approx", the page 约. Whoosh
    counts everything anyway and says so, as tantivy does for words (sampling a union of
    postings saves nothing). Near the bound, or below it, counts are exact."""
    _, root = indexed(tmp_path, engine, notices(0, 600))
    client = create_app({"INDEX_ROOT": str(root), "INDEX_ENGINE": engine, "TESTING": True,
                         "TOTAL_BOUND": 50}).test_client()
    words = client.get("/api/search?q=防汛物资").get_json()
    assert (words["total"], words["total_relation"], words["facets_relation"]) == (50, "gte", "eq")
    assert sum(v["count"] for v in words["facets"]["publisher"]) == 600
    data = client.get('/api/search?q="防汛物资调拨"').get_json()
    assert (data["total"], data["total_relation"]) == (50, "gte")
    counts = {v["value"]: v["count"] for v in data["facets"]["publisher"]}
    assert set(counts) == set(PUBLISHERS)
    page = client.get('/search?q="防汛物资调拨"').get_data(as_text=True)
    if engine == "whoosh":
        assert data["facets_relation"] == "eq" and sum(counts.values()) == 600
        assert "约" not in page
    else:
        assert data["facets_relation"] == "approx"
        assert sum(counts.values()) != 600  # an estimate, scaled from a sample of slices
        assert all(100 <= n <= 300 for n in counts.values())  # of 200 each
        assert "抽样估计" in page and '<span class="count">约 ' in page
    narrow = client.get('/api/search?q="第17批防汛物资"').get_json()  # one notice: exact
    assert (narrow["total"], narrow["total_relation"], narrow["facets_relation"]) == (
        1, "eq", "eq")
    exact = create_app({"INDEX_ROOT": str(root), "INDEX_ENGINE": engine, "TESTING": True,
                        "TOTAL_BOUND": 0}).test_client().get("/api/search?q=防汛物资").get_json()
    assert exact["facets_relation"] == "eq" and exact["total"] == 600
    assert sorted(v["count"] for v in exact["facets"]["publisher"]) == [200, 200, 200]


def uncached_search(root, engine, req):
    return IndexReader(root, engine, cache_entries=0).search(req)


def test_repeated_searches_reuse_their_counts_until_the_index_changes(tmp_path, engine):
    archive, root = indexed(tmp_path, engine, notices(0, 6))
    reader = IndexReader(root, engine)
    asked = SearchRequest(q="防汛物资", size=2)
    first = reader.search(asked)
    again = reader.search(SearchRequest(q="防汛物资", size=2, page=2))  # another page: counted
    assert reader.counts.info().hits == 1 and again.total == first.total == 6
    assert again.facets == first.facets and {h.id for h in again.hits}.isdisjoint(
        h.id for h in first.hits)
    uncached = uncached_search(root, engine, asked)
    assert (uncached.total, uncached.facets) == (first.total, first.facets)
    other_size = reader.search(SearchRequest(q="防汛物资", size=3))  # the marks are reused
    assert reader.spans.info().hits == 2 * len(other_size.hits)  # all shown before: 1-2, 3
    repeat = reader.search(asked)  # the same request: its whole result
    assert reader.results.info().hits == 1 and repeat is not first
    for shown in (repeat, uncached):
        assert [(h.id, h.snippet, h.title_html) for h in shown.hits] == [
            (h.id, h.snippet, h.title_html) for h in first.hits]
    assert "<mark>" in first.hits[0].snippet
    with Archive(archive) as db:  # three more notices, indexed in place (a new commit)
        for doc in notices(6, 3):
            db.upsert(doc)
    build_index(archive, root, engine=engine)
    after = reader.search(asked)
    assert after.total == 9 and sum(v.count for v in after.facets["publisher"]) == 9
    assert [h.id for h in after.hits] == [h.id for h in uncached_search(root, engine, asked).hits]
    assert reader.counts.info().entries == reader.results.info().entries == 1  # old dropped


def test_no_stale_count_is_served_while_the_index_changes_under_searches(tmp_path, engine):
    """Four threads search the same words without pause while a new generation is built and
    published: every answer asked after it went live counts the new documents."""
    archive, root = indexed(tmp_path, engine, notices(0, 6))
    reader = IndexReader(root, engine)
    published = threading.Event()
    stop = threading.Event()
    answers: list[tuple[bool, int, int]] = []
    errors: list[BaseException] = []

    def search() -> None:
        try:
            while not stop.is_set():
                live = published.is_set()  # read before asking: an answer may only be newer
                found = reader.search(SearchRequest(q="防汛物资"))
                answers.append((live, found.total, len(found.hits)))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    with Archive(archive) as db:
        for doc in notices(6, 4):
            db.upsert(doc)
    build_index(archive, root, engine=engine, full=True)  # a new generation swapped in
    published.set()
    while sum(live for live, *_ in answers) < 40 and not errors:
        threading.Event().wait(0.01)
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors
    assert {(total, shown) for live, total, shown in answers if live} == {(10, 10)}
    assert {(total, shown) for live, total, shown in answers if not live} <= {(6, 6), (10, 10)}
