"""Pages that scripts build, crawled in the browser mode (render = "browser") (crawler/browser.py) through Debian's
Chromium, against a portal that fills its lists and articles from JSON (tests/script_site.py)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from gongkai import refresh
from gongkai.config import load_config
from tests import script_site
from tests.sites import FixtureServer, assert_polite, crawl_sources

HOST, TRACKER = "127.0.0.41", "127.0.0.42"


def challenge(handler):
    """A 瑞数-style wall: 412 and a script that sets a cookie and reloads; with the cookie,
    the page. A browser runs the script: the crawl must not let it."""
    if "passed=1" in handler.headers.get("Cookie", ""):
        return 200, {"Content-Type": "text/html; charset=utf-8"}, script_site.detail_shell(1, "")
    return 412, {"Content-Type": "text/html"}, (
        b'<html><head><meta charset="utf-8"><script>var $_ts = {};'
        b'document.cookie = "passed=1; path=/"; location.reload();</script></head>'
        b'<body></body></html>')


AGENTS: list[str] = []


def agent_noted(route):
    """The route, noting the User-Agent of each request."""
    def noted(handler):
        AGENTS.append(handler.headers.get("User-Agent", ""))
        return route(handler)
    return noted


@pytest.fixture(scope="module")
def portal():
    tracker = FixtureServer(script_site.tracker_routes(), TRACKER)
    routes = script_site.routes(tracker.base)
    routes = {**routes, "/check/walled.html": challenge,
              **{path: agent_noted(routes[path]) for path in ("/detail.html", "/api/article")}}
    site = FixtureServer(routes, HOST)
    yield site, tracker
    site.close()
    tracker.close()


def source(site, render: str) -> dict:
    return {"name": "portal", "start_urls": [site.base + "/", site.base + "/check/walled.html"],
            "allowed_domains": [HOST], "render": render}


@pytest.fixture(scope="module")
def rendered(portal, tmp_path_factory):
    site, tracker = portal
    asked_before = len(site.requests)
    rows, runs = crawl_sources(tmp_path_factory.mktemp("browser"), [source(site, "browser")],
                               delay=0.05)
    return rows, runs["portal"], site.requests[asked_before:], list(site.spans), tracker


def test_every_script_built_article_has_its_body(rendered, portal):
    rows, run, _, _, _ = rendered
    base = portal[0].base
    for n, title, date, publisher, paragraphs in script_site.ARTICLES:
        row = rows[f"{base}/detail.html?id={n}"]
        assert row["title"] == title  # not the shell's 详情页, nor with the site's name
        assert row["pub_date"] == date and row["publisher"] == publisher
        for paragraph in paragraphs:
            assert paragraph in row["body"]
        assert "主办单位" not in row["body"] and "下一页" not in row["body"]
    assert run["errors"] == 0


def test_files_linked_from_rendered_pages_are_fetched_as_files(rendered, portal):
    rows, _, asked, _, _ = rendered
    pdf = rows[portal[0].base + "/upload/mingdan.pdf"]
    assert "示例计量检测有限公司" in pdf["body"]
    assert pdf["parent_url"] == f"{portal[0].base}/detail.html?id={script_site.ATTACHED}"
    assert [path for _, path, _ in asked].count("/upload/mingdan.pdf") == 1


def test_the_browser_asks_one_thing_at_a_time_and_only_what_text_needs(rendered):
    _, run, asked, spans, tracker = rendered
    paths = [path for _, path, _ in asked]
    assert_polite(spans, 0.0)  # never two requests to the origin at once, sub-requests too
    assert "/api/article?id=1" in paths and "/js/common.js" in paths
    assert not any(p.startswith(("/img/", "/css/")) for p in paths)  # no images or styles
    assert tracker.requests == []  # nor a script from a host the source does not allow
    assert not any(p.startswith("/stats/") for p in paths)  # nor what robots.txt forbids
    assert json.loads(run["limits"])["robots_txt"] == len(script_site.ARTICLES)
    # pages and their data calls are asked for as the crawler, not as a desktop browser
    assert AGENTS and set(AGENTS) == {load_config(None, env={})["crawl.user_agent"]}


def test_the_browser_never_passes_a_bot_wall(rendered):
    rows, run, asked, _, _ = rendered
    assert [p for _, p, _ in asked].count("/check/walled.html") == 1  # the reload was stopped
    assert not any("walled" in url for url in rows)
    walled = json.loads(run["walls"])["walled"]
    assert [scope["reason"] for scopes in walled.values() for scope in scopes.values()] == \
        ["ruishu_js_challenge"]


def test_plain_mode_says_which_pages_need_the_browser(portal, tmp_path):
    site, _ = portal
    articles = [f"{site.base}/detail.html?id={n}" for n, *_ in script_site.ARTICLES]
    plain = {**source(site, "html"), "start_urls": [site.base + "/list.html", *articles]}
    rows, runs = crawl_sources(tmp_path, [plain])
    assert rows == {}  # read as sent, the shells hold no text
    assert json.loads(runs["portal"]["error_detail"]) == {"js_only_page": len(articles)}


def test_a_missing_browser_is_a_clear_error(portal, tmp_path):
    env = {"GONGKAI_DATA_DIR": str(tmp_path), "GONGKAI_CRAWL_BROWSER": str(tmp_path / "none")}
    config = dataclasses.replace(load_config(None, env=env),
                                 sources=[source(portal[0], "browser")])
    with pytest.raises(refresh.RefreshError, match='portal render in a browser.*not an exec'):
        refresh.crawl(config)
