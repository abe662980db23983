"""Whole sites behind partial walls: five CMS families on their own origins, crawled together
over real HTTP, each with a walled search page, a walled directory and a soft block; a site that
walls everything; two origins on one host name. See tests/walled_sites.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.urls import origin
from tests.sites import FixtureServer, assert_polite, crawl_sources, hanweb_detail, para
from tests.walled_sites import FAMILIES, SESSION, WALLED, walls_everything

DELAY = 0.4
FIELDS = ("title", "pub_date", "publisher", "index_number", "doc_number", "body")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Every family on 127.0.0.2 … 127.0.0.6 and a walled site on 127.0.0.7, one crawl."""
    servers, sites = {}, {}
    for n, (family, build) in enumerate(FAMILIES.items(), start=2):
        sites[family] = build(n, 12)
        servers[family] = FixtureServer(sites[family].routes, f"127.0.0.{n}", latency=0.02,
                                        headers=SESSION)
    sites["walled"] = walls_everything()
    servers["walled"] = FixtureServer(sites["walled"].routes, "127.0.0.7", headers=SESSION)
    sources = [{"name": name, "allowed_domains": [servers[name].base.split("//")[1].split(":")[0]],
                "start_urls": [servers[name].base + sites[name].start]} for name in sites]
    sources[-1]["start_urls"] += [servers["walled"].base + p
                                  for p in ("/col/col1/index.html", "/xxgk/index.html")]
    rows, runs = crawl_sources(tmp_path_factory.mktemp("whole"), sources, delay=DELAY)
    yield sites, servers, rows, runs
    for server in servers.values():
        server.close()


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_ordinary_document_is_crawled_with_its_fields(crawled, family):
    sites, servers, rows, _ = crawled
    base = servers[family].base
    kept = {url.removeprefix(base): row for url, row in rows.items() if url.startswith(base)}
    assert set(kept) == set(sites[family].documents)
    for path, expected in sites[family].documents.items():
        row = kept[path]
        assert {k: row[k] for k in FIELDS} == {k: expected[k] for k in FIELDS}, path
        if "parent_url" in expected:
            assert row["parent_url"] == base + expected["parent_url"]
        if "category" in expected:
            assert row["category"] == expected["category"]


@pytest.mark.parametrize("family", list(FAMILIES))
def test_walled_paths_are_asked_once_and_reported(crawled, family):
    _, servers, _, runs = crawled
    paths = servers[family].paths()
    for scope in WALLED:  # one answer tells: the rest of the directory is not asked for
        assert len([p for p in paths if p.startswith(scope)]) == 1, scope
    walls = json.loads(runs[family]["walls"])
    assert walls["blocked"] == {}
    scopes = walls["walled"][origin(servers[family].base)]
    assert {scope: wall["reason"] for scope, wall in scopes.items()} == {
        "/search/": "ruishu_js_challenge", "/interface/": "jiasule_js_challenge",
        "/ysqgk/": "illegal_request_page"}
    assert scopes["/interface/"]["walls"] == 1 and scopes["/interface/"]["skipped"] >= 1
    assert runs[family]["status"] == "finished" and runs[family]["errors"] == 0, runs[family]["error_detail"]


def test_a_site_that_walls_everything_is_closed_after_three_answers(crawled):
    _, servers, rows, runs = crawled
    assert len(servers["walled"].requests) == 3  # robots.txt and two pages, all walls
    assert not [u for u in rows if u.startswith(servers["walled"].base)]
    blocked = json.loads(runs["walled"]["walls"])["blocked"]
    assert blocked == {origin(servers["walled"].base): {
        "reason": "ruishu_js_challenge", "walls": 3, "skipped": 1}}


def test_one_request_at_a_time_per_origin_many_origins_at_once(crawled):
    _, servers, _, _ = crawled
    spans = {name: sorted(server.spans) for name, server in servers.items()}
    for own in spans.values():  # the delay (±50 % jitter) runs from each answer
        assert_polite(own, 0.5 * DELAY)
    everything = sorted((start, end, name) for name, own in spans.items()
                        for start, end, _ in own)
    overlapping = {(a[2], b[2]) for a, b in zip(everything, everything[1:], strict=False)
                   if b[0] < a[1]}
    assert len(overlapping) >= 3  # the sources ran side by side, not one after another


def test_pdf_line_wraps_are_joined_so_phrases_and_snippets_match(crawled, tmp_path):
    from archive import Archive
    from indexer.build import build_index
    from indexer.search import IndexReader, SearchRequest
    from tests.conftest import fill_archive

    _, servers, rows, _ = crawled
    pdf = next(row for url, row in rows.items() if url.endswith(".pdf"))
    assert "优化机构设置" in pdf["body"] and "政府信息1234条" in pdf["body"]
    with Archive(tmp_path / "a.sqlite3"):
        pass
    from archive import Document

    doc = Document(**{k: pdf[k] for k in ("url", "source", "site", "title", "body", "publisher",
                                          "pub_date", "doc_type", "parent_url")})
    fill_archive(tmp_path / "a.sqlite3", [doc])
    build_index(tmp_path / "a.sqlite3", tmp_path / "index")
    reader = IndexReader(tmp_path / "index")
    for q, marked in (("机构设置", "<mark>机构设置</mark>"),
                      ('"不公开为例外"', "<mark>不公开为例外</mark>")):
        result = reader.search(SearchRequest.from_params({"q": q}))
        assert result.total == 1, q
        assert marked in result.hits[0].snippet, result.hits[0].snippet


def test_another_port_on_the_same_host_is_another_origin(tmp_path):
    wall = walls_everything()
    walled = FixtureServer(wall.routes, "127.0.0.8")
    good = FixtureServer({"/": b'<html><body><a href="/a.html">a</a><a href="/b.html">b</a>'
                               b'</body></html>',
                          "/a.html": hanweb_detail("同一主机另一端口的文件甲", "2024-05-01", "示例局", "",
                                                   "", para("甲。")),
                          "/b.html": hanweb_detail("同一主机另一端口的文件乙", "2024-05-02", "示例局", "",
                                                   "", para("乙。"))}, "127.0.0.8")
    sources = [{"name": "walled", "start_urls": [walled.base + p for p in
                                                 ("/", "/col/col1/index.html", "/xxgk/index.html")]},
               {"name": "good", "start_urls": [good.base + "/"]}]
    try:
        rows, runs = crawl_sources(tmp_path, sources)
    finally:
        walled.close()
        good.close()
    assert set(rows) == {good.base + "/a.html", good.base + "/b.html"}
    assert list(json.loads(runs["walled"]["walls"])["blocked"]) == [origin(walled.base)]
    assert json.loads(runs["good"]["walls"]) == {}
    assert len(good.requests) == 4  # robots.txt, the home page and two documents


def test_a_crawl_contacts_nothing_but_the_configured_sites(tmp_path):
    """The real CLI, with a guard that logs any DNS lookup or connection off the loopback
    network in every process it starts (tests/netguard). The sites set session cookies, which
    is when Scrapy's cookie handling consults the public suffix list."""
    site = FAMILIES["plain"](9, 3)
    server = FixtureServer(site.routes, "127.0.0.9", headers=SESSION)
    config = tmp_path / "gongkai.toml"
    config.write_text(f'data_dir = "data"\n[crawl]\ndelay = 0.0\n[[sources]]\nname = "plain"\n'
                      f'start_urls = ["{server.base}/list.html"]\n', encoding="utf-8")
    log = tmp_path / "net.log"
    env = {**os.environ, "GONGKAI_NETGUARD_LOG": str(log),
           # an empty cache, as on a new machine: a cached list would hide a download attempt
           "TLDEXTRACT_CACHE": str(tmp_path / "tldextract"), "XDG_CACHE_HOME": str(tmp_path),
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent / "netguard"),
                                          str(Path(__file__).parent.parent)])}
    try:
        out = subprocess.run([sys.executable, "-m", "gongkai", "--config", str(config), "crawl"],
                             env=env, capture_output=True, text=True, timeout=120)
    finally:
        server.close()
    assert out.returncode == 0, out.stderr
    assert "crawl plain: " in out.stdout and " 5 new" in out.stdout
    assert f"walled path: {origin(server.base)}/interface/ (jiasule_js_challenge)" in out.stdout
    assert "crawl plain: " in out.stderr  # the progress line (stderr is not a terminal)
    assert not log.exists(), log.read_text()
