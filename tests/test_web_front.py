"""The web front as a client meets it: security headers, CORS, the rate limit, size limits,
the document view with the query marked, the status page and the API description."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from archive import Archive, doc_id_for
from search_web import create_app
from search_web.security import DATA_POLICY, PAGE_POLICY
from tests.conftest import DOCS

REPORT = doc_id_for(DOCS[0].url)
BUDGET = doc_id_for(DOCS[3].url)
PAGES = ["/", "/search?q=公开", f"/doc/{REPORT}?q=信息公开", "/stats", "/status", "/nope",
         "/search?page=-1"]
DATA = ["/api/search?q=公开", "/api/nope", "/api/search?size=1000", "/healthz",
        "/api/openapi.json", "/api/status", f"/api/doc/{REPORT}"]


def make_app(index_root, engine, **config):
    return create_app({"INDEX_ROOT": str(index_root), "INDEX_ENGINE": engine, **config})


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_security_headers(client, path):
    response = client.get(path)
    assert response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == PAGE_POLICY
    assert "unsafe-inline" not in PAGE_POLICY and "frame-ancestors 'none'" in PAGE_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", [*DATA, "/static/style.css", "/static/marks.js"])
def test_data_and_files_send_nosniff_and_a_closed_policy(client, path):
    response = client.get(path)
    assert response.mimetype != "text/html"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == DATA_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", PAGES)
def test_pages_hold_no_inline_script_style_or_handler(client, path):
    soup = BeautifulSoup(client.get(path).get_data(as_text=True), "lxml")
    assert soup.find("style") is None
    assert all(tag.get("src") for tag in soup.find_all("script"))
    for tag in soup.find_all(True):
        assert "style" not in tag.attrs, tag
        assert not [a for a in tag.attrs if a.startswith("on")], tag
        assert not str(tag.get("href", "")).startswith("javascript:")


def test_cors_lets_any_origin_read_the_api_by_default(client):
    response = client.get("/api/search?q=公开", headers={"Origin": "https://news.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in client.get("/search?q=公开").headers


def test_cors_can_be_limited_to_listed_origins_or_switched_off(index_root, engine):
    listed = make_app(index_root, engine,
                      CORS_ORIGINS="https://a.example, https://b.example/").test_client()
    ok = listed.get("/api/search?q=公开", headers={"Origin": "https://b.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Origin" in ok.headers["Vary"]
    other = listed.get("/api/search?q=公开", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    off = make_app(index_root, engine, CORS_ORIGINS="").test_client()
    assert "Access-Control-Allow-Origin" not in off.get(
        "/api/search", headers={"Origin": "https://a.example"}).headers


def test_the_rate_limit_answers_429_in_the_error_shape(index_root, engine):
    client = make_app(index_root, engine, RATE_LIMIT="3/minute").test_client()
    for _ in range(3):
        assert client.get("/api/search?q=公开").status_code == 200
    response = client.get("/api/search?q=公开")
    assert response.status_code == 429
    body = response.get_json()
    assert body["ok"] is False and body["status"] == 429 and body["error"]
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = client.get("/search?q=公开")  # one budget for the page and the API
    assert page.status_code == 429 and page.mimetype == "text/html"
    assert "请求过于频繁" in page.get_data(as_text=True)
    for feed in ("/search.atom?q=公开", "/changes.atom"):  # feeds draw on it too
        assert client.get(feed).status_code == 429
    for free in ("/", "/healthz", "/static/style.css", f"/doc/{REPORT}"):
        assert client.get(free).status_code == 200, free
    other = client.get("/api/search?q=公开", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200  # each client address has its own budget


def test_behind_a_trusted_proxy_the_limit_counts_forwarded_clients(index_root, engine):
    proxied = make_app(index_root, engine, RATE_LIMIT="1/minute", PROXIES=1).test_client()
    assert proxied.get("/api/search", headers={"X-Forwarded-For": "10.0.0.1"}).status_code == 200
    assert proxied.get("/api/search", headers={"X-Forwarded-For": "10.0.0.2"}).status_code == 200
    assert proxied.get("/api/search", headers={"X-Forwarded-For": "10.0.0.1"}).status_code == 429
    direct = make_app(index_root, engine, RATE_LIMIT="1/minute").test_client()
    assert direct.get("/api/search", headers={"X-Forwarded-For": "10.0.0.1"}).status_code == 200
    assert direct.get("/api/search", headers={"X-Forwarded-For": "10.0.0.2"}).status_code == 429


@pytest.mark.parametrize("query", ["size=101", "size=100000000", "page=1001", "page=-1",
                                   "q=" + "公" * 501, "year=99999999999999999999"])
def test_requests_that_would_cost_unbounded_memory_are_400s(client, query):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400 and response.get_json()["ok"] is False


def test_the_document_view_marks_the_searched_words(client):
    html = client.get(f"/doc/{REPORT}?q=信息公开 行政复议").get_data(as_text=True)
    soup = BeautifulSoup(html, "lxml")
    marks = soup.select(".document .body mark")
    assert [m["id"] for m in marks] == [f"m-{n}" for n in range(1, len(marks) + 1)]
    assert {m.get_text() for m in marks} == {"信息公开", "行政复议"}
    assert soup.select_one("nav.marks")["data-count"] == str(len(marks))
    assert soup.select_one("nav.marks .next")["href"] == "#m-1"
    assert soup.select_one("h1 mark").get_text() == "信息公开"  # the title too, not numbered
    assert "信息公开" in soup.select_one("nav.marks").get_text()


def test_the_document_view_escapes_text_and_marks_phrases(client):
    html = client.get(f'/doc/{BUDGET}?q="公务接待费" <x>').get_data(as_text=True)
    soup = BeautifulSoup(html, "lxml")
    assert [m.get_text() for m in soup.select(".body mark")] == ["公务接待费"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; A&amp;B" in html
    assert soup.find("script", string=re.compile("alert")) is None
    assert "&lt;x&gt;" in html.split('class="marks"')[1].split("</nav>")[0]


def test_the_document_view_without_a_query_or_with_nothing_found(client):
    plain = BeautifulSoup(client.get(f"/doc/{REPORT}").get_data(as_text=True), "lxml")
    assert plain.select_one("nav.marks") is None and not plain.select("mark")
    absent = BeautifulSoup(client.get(f"/doc/{REPORT}?q=湿地").get_data(as_text=True), "lxml")
    assert absent.select_one("nav.marks")["data-count"] == "0"
    assert "没有「湿地」" in absent.select_one("nav.marks").get_text()
    assert client.get(f'/doc/{REPORT}?q="').status_code == 200  # any text is fine here


def test_search_hits_link_to_the_document_view_with_the_query(client):
    soup = BeautifulSoup(client.get("/search?q=行政复议").get_data(as_text=True), "lxml")
    href = soup.select_one("li.hit h2 a")["href"]
    assert href.startswith(f"/doc/{REPORT}?q=") and "%E8%A1%8C%E6%94%BF" in href


def test_the_source_link_shows_the_host_site_and_section(tmp_path, engine):
    from archive import Document
    from indexer.build import build_index

    archive = tmp_path / "archive.sqlite3"
    with Archive(archive) as db:
        db.upsert(Document(url="https://www.bt.example.gov.cn:8443/xxgk/tzgg/1.html",
                           source="bt", site="www.bt.example.gov.cn", title="关于培训的通知",
                           body="定于三月举办培训。", site_name="北塘县人民政府",
                           section="通知公告"))
    build_index(archive, tmp_path / "index", engine=engine)
    client = create_app({"INDEX_ROOT": str(tmp_path / "index"), "INDEX_ENGINE": engine})\
        .test_client()
    doc_id = doc_id_for("https://www.bt.example.gov.cn:8443/xxgk/tzgg/1.html")
    origin = BeautifulSoup(client.get(f"/doc/{doc_id}").get_data(as_text=True), "lxml")\
        .select_one("td.origin")
    assert origin.a.get_text() == "www.bt.example.gov.cn:8443"
    assert origin.select_one(".where").get_text() == "北塘县人民政府 › 通知公告"
    data = client.get(f"/api/doc/{doc_id}").get_json()
    assert (data["site_name"], data["section"]) == ("北塘县人民政府", "通知公告")


@pytest.fixture
def operated(tmp_path, archive_path, index_root, engine):
    """An app over an archive with crawl runs (errors, walls) and refreshes recorded."""
    with Archive(archive_path) as db:
        run = db.start_run("swt")
        db.finish_run(run, {"pages": 40, "new": 3, "updated": 1, "gone": 2},
                      {"http_404": 2, "timeout": 1}, "finished",
                      {"blocked": {"https://search.example.gov.cn": {
                          "reason": "412 $_ts", "walls": 3, "skipped": 17}},
                       "walled": {"http://swt.example.gov.cn": {"/jsearch/": {
                           "reason": "非法请求", "walls": 1, "skipped": 4}}}},
                      {"traps": {"http://swt.example.gov.cn:80/cal.jsp?date": 120},
                       "retry_after": {"http://swt.example.gov.cn:80": {"waits": 2,
                                                                        "seconds": 60.0}},
                       "truncated": 1})
        killed = db.start_run("old")  # a crawl whose process died, as the next start finds it
        db.db.execute("UPDATE crawl_runs SET status = 'killed' WHERE id = ?", (killed,))
        ok = db.start_refresh("schedule")
        db.finish_refresh(ok, "ok", {"pages": 40, "new": 3, "updated": 1, "gone": 2,
                                     "indexed": 6, "documents": 5})
        failed = db.start_refresh("manual")
        db.finish_refresh(failed, "failed", {}, "IndexBusy: another process is writing")
    return make_app(index_root, engine, ARCHIVE=str(archive_path), SCHEDULE_CRON="0 3 * * *",
                    SOURCES=["swt", "never"])


def test_the_status_api_shows_runs_walls_index_schedule_and_disk(operated, engine, tmp_path):
    response = operated.test_client().get("/api/status")
    data = response.get_json()
    assert data["index"]["engine"] == engine and data["index"]["documents"] == len(DOCS)
    assert data["index"]["generation"].startswith("gen-") and data["index"]["updated_at"]
    sources = {s["name"]: s for s in data["sources"]}
    assert sources["never"]["runs"] == [] and sources["never"]["configured"]
    assert not sources["test"]["configured"] if "test" in sources else True
    run = sources["swt"]["runs"][0]
    assert (run["pages"], run["new"], run["updated"], run["gone"]) == (40, 3, 1, 2)
    assert run["errors"] == {"http_404": 2, "timeout": 1}
    assert run["blocked_origins"]["https://search.example.gov.cn"]["skipped"] == 17
    assert run["walled_paths"]["http://swt.example.gov.cn"]["/jsearch/"]["walls"] == 1
    assert run["limits"]["traps"] == {"http://swt.example.gov.cn:80/cal.jsp?date": 120}
    assert sources["old"]["runs"][0]["status"] == "killed"
    assert sources["old"]["runs"][0]["seconds"] is None  # not "until now": it ended unseen
    counts = {(c["source"], c["doc_type"]): c["documents"] for c in data["documents"]}
    assert counts == {("test", "annual_report"): 3, ("test", "notice"): 1,
                      ("test", "budget"): 1}
    schedule = data["schedule"]
    assert schedule["cron"] == "0 3 * * *" and "T03:00:00" in schedule["next_run"]
    assert [r["status"] for r in schedule["runs"]] == ["failed", "ok"]
    assert schedule["runs"][0]["error"].startswith("IndexBusy")
    assert schedule["runs"][1]["indexed"] == 6
    assert data["archive"]["bytes"] > 0 and data["index"]["bytes"] > 0
    assert data["disk"]["free_bytes"] > 0
    assert str(tmp_path) not in response.get_data(as_text=True)  # no paths


def test_the_status_page_shows_the_same(operated):
    soup = BeautifulSoup(operated.test_client().get("/status").get_data(as_text=True), "lxml")
    text = " ".join(soup.get_text(" ").split())
    assert "整站被拦截：https://search.example.gov.cn" in text
    assert "路径被拦截：http://swt.example.gov.cn/jsearch/" in text
    assert "链接失效 2" in text and "超时 1" in text and "下次运行" in text and "IndexBusy" in text
    assert soup.select_one("abbr[title=http_404]").get_text() == "链接失效"
    assert "爬虫陷阱：http://swt.example.gov.cn:80/cal.jsp?date（连续无新内容，120 个请求未发出）" \
        in text
    assert "按 Retry-After 等待：http://swt.example.gov.cn:80（2 次，共 60.0 秒）" in text
    assert "1 个页面过大，只读取了开头部分。" in text
    assert "进程被终止" in soup.select_one("section[data-source=old]").get_text()
    assert soup.select_one("section[data-source=never]").get_text().count("还没有抓取过") == 1
    assert soup.select_one("footer a[href='/status']") is not None


def test_the_status_can_be_switched_off(index_root, engine):
    client = make_app(index_root, engine, STATUS="off").test_client()
    assert client.get("/status").status_code == 404
    assert client.get("/api/status").get_json()["status"] == 404
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "lxml")
    assert page.select_one("footer a[href='/status']") is None


def test_a_status_address_hides_it_from_other_listeners(index_root, engine):
    client = make_app(index_root, engine, STATUS="127.0.0.1:8099").test_client()
    assert client.get("/api/status", base_url="http://127.0.0.1:8000").status_code == 404
    assert client.get("/api/status", base_url="http://127.0.0.1:8099").status_code == 200


def test_the_status_works_without_an_archive(index_root, engine, tmp_path):
    client = make_app(index_root, engine, ARCHIVE=str(tmp_path / "none.sqlite3")).test_client()
    data = client.get("/api/status").get_json()
    assert data["archive"] == {"available": False, "bytes": 0} and data["sources"] == []
    assert "没有归档库" in client.get("/status").get_data(as_text=True)


def test_the_api_description_lists_every_api_route(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    documented = {re.sub(r"\{(\w+)\}", r"<\1>", path) for path in spec["paths"]}
    routes = {rule.rule for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") or rule.rule == "/healthz"}
    assert routes == documented
    assert json.dumps(spec["components"]["schemas"]["Error"]["required"]) == \
        '["ok", "error", "status"]'
    footer = BeautifulSoup(client.get("/").get_data(as_text=True), "lxml").select_one("footer")
    assert footer.select_one("a[href='/api/openapi.json']") is not None
