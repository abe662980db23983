"""A site that edits what it published between crawls: each edit keeps the version it
replaces, with what changed and when, on SQLite and on PostgreSQL; an unchanged document
(a 304, or the same content) adds nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from archive import Archive, doc_id_for
from gongkai import refresh
from gongkai.config import load_config
from tests.services import postgres_schema
from tests.sites import FixtureServer, hanweb_detail, html, make_pdf, para

FIXTURES = Path(__file__).parent / "fixtures"

PUBLISHER = "示例市人民政府办公室"


def notice(number: str, body: str) -> bytes:
    return hanweb_detail("关于做好2024年防汛工作的通知", "2024-05-06", PUBLISHER, number,
                         "11000000/2024-00009", body)


def routes() -> dict:
    links = "".join(f'<a href="/art/{n}.html">{n}</a>' for n in (1, 2, 3, 4))
    return {
        "/index.html": html(f"<html><body>{links}</body></html>"),
        "/art/1.html": notice("示政办发〔2024〕9号", para("请各区做好防汛准备。")),
        "/art/2.html": hanweb_detail("关于公布办事指南的公告", "2024-05-07", PUBLISHER, "",
                                     "11000000/2024-00010", para("办事指南请见附件。") +
                                     '<p><a href="/files/guide.pdf">办事指南</a></p>'),
        "/art/3.html": hanweb_detail("政府信息公开指南", "2024-01-02", PUBLISHER, "",
                                     "11000000/2024-00001", para("本指南每年更新。")),
        "/art/4.html": hanweb_detail("关于调整办公时间的通知", "2024-05-08", PUBLISHER, "",
                                     "11000000/2024-00011", para("自六月起调整办公时间。")),
        "/files/guide.pdf": (make_pdf(["办事指南（第一版）", "窗口受理时间为工作日上午"]),
                             "application/pdf"),
    }


def watching(tmp_path, host: str, **env: str) -> tuple[FixtureServer, object]:
    """The site served on `host`, and the configuration of a crawl of it into tmp_path (more
    GONGKAI_* settings in `env`)."""
    server = FixtureServer(routes(), host)
    env = {"GONGKAI_DATA_DIR": str(tmp_path), "GONGKAI_CRAWL_DELAY": "0", **env}
    return server, dataclasses.replace(load_config(None, env=env), sources=[
        {"name": "site", "start_urls": [server.base + "/index.html"]}])


def edited_once(tmp_path, host: str, body: str):
    """The site crawled, its notice given the 文号 〔2024〕10号 and `body`, and crawled again;
    return the configuration."""
    server, config = watching(tmp_path, host)
    try:
        refresh.crawl(config)
        server.change("/art/1.html", notice("示政办发〔2024〕10号", body))
        refresh.crawl(config)
    finally:
        server.close()
    return config


@pytest.fixture(params=["sqlite", "postgres"])
def target(request, tmp_path):
    if request.param == "sqlite":
        yield ""
        return
    with postgres_schema() as url:
        yield url


def test_edits_keep_the_versions_they_replace(tmp_path, target):
    server, config = watching(tmp_path, "127.0.0.61", GONGKAI_ARCHIVE_URL=target)
    try:
        refresh.crawl(config)
        # the editors: a body rewritten, a 文号 corrected, the attachment replaced; one
        # page is served anew with the same content (a CMS republishing it)
        server.change("/art/1.html", notice("示政办发〔2024〕9号",
                                            para("请各区做好防汛准备，汛期实行二十四小时值班。")))
        server.change("/art/4.html", routes()["/art/4.html"])
        first = refresh.crawl(config).runs[0]
        server.change("/art/1.html", notice("示政办发〔2024〕10号",
                                            para("请各区做好防汛准备，汛期实行二十四小时值班。")))
        server.change("/files/guide.pdf", (make_pdf(["办事指南（第二版）", "窗口受理时间延长至晚上"]),
                                            "application/pdf"))
        second = refresh.crawl(config).runs[0]
    finally:
        server.close()
    assert (first["updated"], second["updated"]) == (1, 2)
    with Archive(config.archive) as archive:
        edited = archive.versions(server.base + "/art/1.html")
        assert [(v["version"], v["changed"], v["current"]) for v in edited] == [
            (1, [], False), (2, ["body"], False), (3, ["doc_number"], True)]
        assert "二十四小时值班" not in edited[0]["body"] and \
            "二十四小时值班" in edited[1]["body"]
        assert edited[1]["fields"]["doc_number"] == "示政办发〔2024〕9号"
        assert edited[0]["last_seen"] < edited[1]["first_seen"] <= edited[1]["last_seen"] < \
            edited[2]["first_seen"]
        guide = archive.versions(server.base + "/files/guide.pdf")
        assert [v["changed"] for v in guide] == [[], ["body"]]
        assert "第一版" in guide[0]["body"] and "第二版" in guide[1]["body"]
        # the same content served again, and pages asked conditionally (304): no version
        for n in (2, 3, 4):
            assert [v["version"] for v in archive.versions(f"{server.base}/art/{n}.html")] == [1]


def test_versions_are_listed_and_compared_on_the_document(tmp_path, engine):
    from indexer.build import build_index
    from search_web import create_app

    config = edited_once(tmp_path, "127.0.0.62", para("请各区做好防汛准备，汛期实行二十四小时值班。"))
    build_index(config.archive, tmp_path / "index", engine=engine)
    client = create_app({"INDEX_ROOT": str(tmp_path / "index"), "INDEX_ENGINE": engine,
                         "TESTING": True, "ARCHIVE": str(config.archive)}).test_client()
    hit = client.get('/api/search?q="二十四小时值班"').get_json()["hits"][0]
    doc = client.get(f"/api/doc/{hit['id']}").get_json()
    assert [(v["version"], v["changed"], v["current"]) for v in doc["versions"]] == [
        (1, [], False), (2, ["body", "doc_number"], True)]
    page = client.get(f"/doc/{hit['id']}").get_data(as_text=True)
    assert "版本记录" in page and "正文、文号" in page and "与上一版对照" in page
    diff = client.get(f"/doc/{hit['id']}/diff?old=1&new=2").get_data(as_text=True)
    assert "<del>示政办发〔2024〕9号</del>" in diff and "<ins>示政办发〔2024〕10号</ins>" in diff
    assert "<ins>，汛期实行二十四小时值班</ins>" in diff  # the characters added, in place
    assert client.get(f"/doc/{hit['id']}/diff").get_data(as_text=True) == diff  # the last two
    assert client.get(f"/doc/{hit['id']}/diff?old=1&new=9").status_code == 404
    assert client.get(f"/doc/{hit['id']}/diff?old=x").status_code == 400
    other = client.get("/api/search?q=办事指南").get_json()["hits"][0]
    assert len(client.get(f"/api/doc/{other['id']}").get_json()["versions"]) == 1
    # a program polling /api/changes: everything once, oldest first, then only what changed
    first = client.get("/api/changes?size=2").get_json()
    assert len(first["changes"]) == 2 and first["more"]
    rest = client.get(f"/api/changes?since={first['next']}").get_json()
    seen = first["changes"] + rest["changes"]
    assert not rest["more"] and len({c["id"] for c in seen}) == len(seen) == 5
    edited = next(c for c in seen if c["id"] == hit["id"])
    assert (edited["kind"], edited["version"], edited["changed"]) == (
        "changed", 2, ["body", "doc_number"])
    assert {c["kind"] for c in seen if c["id"] != hit["id"]} == {"new"}
    assert client.get(f"/api/changes?since={rest['next']}").get_json() == {
        "changes": [], "next": rest["next"], "more": False}
    assert client.get("/api/changes?since=-1").status_code == 400
    assert "版本记录" not in client.get(f"/doc/{other['id']}").get_data(as_text=True)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_versions_and_the_diff_look_right_under_gongkai_serve(tmp_path, page, width):
    """Served by `gongkai serve`: the document with its versions and the diff, at both
    widths, pass the reader's checks of tests/test_looks.py (screenshots kept)."""
    from indexer.build import build_index
    from tests.conftest import screenshot_dir
    from tests.sites import start_serve
    from tests.test_looks import LOOKS, WIDTHS

    config = edited_once(tmp_path, "127.0.0.64", para(
        "请各区做好防汛准备，汛期实行二十四小时值班。") + para("各单位要落实防汛物资储备。"))
    build_index(config.archive, tmp_path / "index")
    web, port = start_serve({"GONGKAI_DATA_DIR": str(tmp_path), "GONGKAI_WEB_WORKERS": "1"},
                            cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        with Archive(config.archive) as archive:
            doc_id = next(r["doc_id"] for r in archive.changes_since(0)
                          if r["url"].endswith("/art/1.html"))
        page.set_viewport_size(WIDTHS[width])
        found = {}
        for name, path in (("versions", f"/doc/{doc_id}"), ("diff", f"/doc/{doc_id}/diff")):
            page.goto(base + path)
            page.screenshot(path=str(screenshot_dir() / f"{name}-{width}.png"), full_page=True)
            found[name] = page.evaluate(LOOKS)
        assert page.locator("ins").count() >= 2 and page.locator("del").count() >= 1
    finally:
        web.terminate()
        web.wait(30)
    assert found == {"versions": [], "diff": []}


def test_withdrawn_documents_stay_found_marked_and_come_back(tmp_path):
    """Taken down (404), replaced by a "页面不存在" page (a soft 404), unreachable for a crawl
    (500s: not withdrawn), then published again: the archive, the index and the pages follow."""
    from indexer.build import build_index
    from search_web import create_app

    server, config = watching(tmp_path, "127.0.0.65", GONGKAI_CRAWL_RETRIES="0")
    original = dict(server.routes)
    try:
        refresh.crawl(config)
        del server.routes["/art/2.html"]  # taken down: 404
        server.change("/art/3.html", html("<html><head><title>提示</title></head><body>"
                                          "<p>对不起，您访问的页面不存在！</p></body></html>"))
        server.routes["/art/4.html"] = lambda handler: (500, {}, b"busy")
        refresh.crawl(config)
    finally:
        server.close()
    urls = {n: f"{server.base}/art/{n}.html" for n in (1, 2, 3, 4)}
    with Archive(config.archive) as archive:
        status = {n: archive.get(doc_id_for(u))["status"] for n, u in urls.items()}
        assert status == {1: "live", 2: "gone", 3: "gone", 4: "live"}
    build_index(config.archive, tmp_path / "index")
    client = create_app({"INDEX_ROOT": str(tmp_path / "index"), "TESTING": True,
                         "ARCHIVE": str(config.archive)}).test_client()
    hits = {h["url"]: h for h in client.get("/api/search?q=办事指南").get_json()["hits"]}
    assert hits[urls[2]]["status"] == "withdrawn" and hits[urls[2]]["withdrawn"]
    withdrawn = client.get("/api/search?q=*&status=withdrawn&size=50").get_json()["hits"]
    assert {h["url"] for h in withdrawn} == {urls[2], urls[3]}
    assert client.get("/api/search?q=x&status=gone").status_code == 400
    page = client.get("/search?q=办事指南").get_data(as_text=True)
    assert "已撤下（" in page and "发布状态" in page
    doc = client.get(f"/doc/{doc_id_for(urls[2])}").get_data(as_text=True)
    assert "已撤下：发布机构已撤下这份文件" in doc

    server = FixtureServer(original, "127.0.0.65", port=int(server.base.rsplit(":", 1)[1]))
    try:  # published again as it was: live, the same version
        refresh.crawl(config)
    finally:
        server.close()
    with Archive(config.archive) as archive:
        assert archive.get(doc_id_for(urls[2]))["status"] == "live"
        assert [v["version"] for v in archive.versions(urls[2])] == [1]
        assert archive.get(doc_id_for(urls[2]))["gone_at"] is None


def _linking(*numbers: int) -> bytes:
    return html("<html><body>" + "".join(f'<a href="/art/{n}.html">{n}</a>' for n in numbers)
                + "</body></html>")


def changing_site() -> dict:
    """The site of `watching`, with four more notices: one to be redirected to the home page,
    one to be replaced by a "page not found", one to be unreachable for a crawl."""
    found = routes()
    for n, title, number in ((5, "关于开展安全生产检查的通知", "11000000/2024-00012"),
                             (6, "关于征集防汛志愿者的公告", "11000000/2024-00013"),
                             (7, "关于防汛物资采购的公示", "11000000/2024-00014")):
        found[f"/art/{n}.html"] = hanweb_detail(title, "2024-05-09", PUBLISHER, "", number,
                                                para(f"{title}，详见正文。"))
    found["/index.html"] = _linking(1, 2, 3, 4, 5, 6, 7)
    return found


def test_a_site_that_edits_withdraws_and_restores_is_followed(tmp_path, target, engine):
    """Crawl, then the site changes: a notice added, a body edited, a 文号 corrected, a file
    replaced, one notice taken down (404) and one replaced by "页面不存在" — both gone from
    the list, found by asking again — one redirected to the home page, one unreachable (500s)
    for a crawl; crawl again; then the taken-down notice is back as it was (a 304); crawl
    again. The archive, the index, the pages, /api/changes and the feeds agree with what the
    site did, on SQLite and PostgreSQL and with both engines."""
    import feedparser
    from click.testing import CliRunner
    from lxml import etree

    from gongkai.cli import cli
    from indexer.build import build_index
    from search_web import create_app

    site = changing_site()
    server = FixtureServer(dict(site), "127.0.0.66")
    env = {"GONGKAI_DATA_DIR": str(tmp_path), "GONGKAI_CRAWL_DELAY": "0",
           "GONGKAI_CRAWL_RETRIES": "0", "GONGKAI_ARCHIVE_URL": target}
    config = dataclasses.replace(load_config(None, env=env), sources=[
        {"name": "site", "start_urls": [server.base + "/index.html"]}])
    url = {n: f"{server.base}/art/{n}.html" for n in range(1, 9)}
    pdf = server.base + "/files/guide.pdf"
    try:
        first = refresh.crawl(config).runs[0]
        server.change("/index.html", _linking(1, 2, 3, 5, 7, 8))
        server.change("/art/8.html", hanweb_detail("关于防汛值班安排的通知", "2024-05-10",
                                                   PUBLISHER, "", "11000000/2024-00015",
                                                   para("防汛值班安排如下。")))
        server.change("/art/1.html", notice("示政办发〔2024〕9号",
                                            para("请各区做好防汛准备，汛期实行二十四小时值班。")))
        server.change("/art/2.html", hanweb_detail(
            "关于公布办事指南的公告", "2024-05-07", PUBLISHER, "示政办发〔2024〕11号",
            "11000000/2024-00010", para("办事指南请见附件。") +
            '<p><a href="/files/guide.pdf">办事指南</a></p>'))
        server.change("/files/guide.pdf", (make_pdf(["办事指南（第二版）", "窗口受理时间延长至晚上"]),
                                            "application/pdf"))
        del server.routes["/art/4.html"]
        server.change("/art/6.html", html("<html><head><title>提示</title></head><body>"
                                          "<p>对不起，您访问的页面不存在！</p></body></html>"))
        server.routes["/art/5.html"] = lambda handler: (302, {"Location": "/index.html"}, b"")
        server.routes["/art/7.html"] = lambda handler: (500, {}, b"busy")
        second = refresh.crawl(config).runs[0]
        server.routes["/art/4.html"] = site["/art/4.html"]  # back, as it was
        server.routes["/art/7.html"] = site["/art/7.html"]
        third = refresh.crawl(config).runs[0]
    finally:
        server.close()
    assert (first["new"], first["gone"]) == (8, 0)  # seven notices and the guide
    assert (second["new"], second["updated"], second["gone"], second["restored"]) == (1, 3, 3, 0)
    assert json.loads(second["error_detail"]) == {"http_500": 1}  # unreachable: not withdrawn
    assert (third["new"], third["updated"], third["gone"], third["restored"]) == (0, 0, 0, 1)
    # /art/4 and /art/6 left the list: only asking again found them gone, and /art/4 back
    assert server.paths().count("/art/4.html") == 3 and server.paths().count("/art/6.html") == 3

    with Archive(config.archive) as archive:
        status = {n: archive.get(doc_id_for(u))["status"] for n, u in url.items()}
        assert status == {1: "live", 2: "live", 3: "live", 4: "live", 5: "gone", 6: "gone",
                          7: "live", 8: "live"}
        assert [v["changed"] for v in archive.versions(url[1])] == [[], ["body"]]
        assert [v["changed"] for v in archive.versions(url[2])] == [[], ["doc_number"]]
        # the file replaced, and its page's 文号 given it anew
        assert [v["changed"] for v in archive.versions(pdf)] == [[], ["body", "doc_number"]]
        assert [v["version"] for v in archive.versions(url[4])] == [1]  # the same version
        kinds = {c["url"]: c["kind"] for c in archive.changes(0, 100)}
        assert kinds == {url[1]: "changed", url[2]: "changed", pdf: "changed", url[3]: "new",
                         url[4]: "restored", url[5]: "withdrawn", url[6]: "withdrawn",
                         url[7]: "new", url[8]: "new"}

    build_index(config.archive, tmp_path / "index", engine=engine)
    client = create_app({"INDEX_ROOT": str(tmp_path / "index"), "INDEX_ENGINE": engine,
                         "TESTING": True, "ARCHIVE": str(config.archive)}).test_client()

    def found(query: str) -> set[int | str]:
        hits = client.get(f"/api/search?size=50&q={query}").get_json()["hits"]
        return {next((n for n, u in url.items() if u == h["url"]), "pdf") for h in hits}

    today = dt.date.today().isoformat()
    assert found("*&status=withdrawn") == {5, 6}
    assert found("*&changed=1") == {1, 2, "pdf"}
    assert found(f"*&when=changed&from={today}&to={today}") == {1, 2, "pdf"}
    assert found(f"*&when=withdrawn&from={today}") == {5, 6}
    assert found("*&when=withdrawn&to=2024-12-31") == set()
    assert found("防汛&changed=1") == {1}
    assert client.get("/api/search?q=x&when=edited").status_code == 400
    assert client.get("/api/search?q=x&changed=yes").status_code == 400
    page = client.get("/search?q=防汛").get_data(as_text=True)
    assert f"已修改（{today}）" in page and "订阅" in page
    assert "/search.atom?q=" in page
    diff = client.get(f"/doc/{doc_id_for(url[2])}/diff").get_data(as_text=True)
    assert "<ins>示政办发〔2024〕11号</ins>" in diff

    polled = client.get("/api/changes?size=100").get_json()["changes"]
    assert {c["url"]: c["kind"] for c in polled} == kinds
    # the operator's view: each crawl's new, changed, withdrawn and restored, and the feed
    runs = next(s for s in client.get("/api/status").get_json()["sources"]
                if s["name"] == "site")["runs"]
    assert [(r["new"], r["updated"], r["gone"], r["restored"]) for r in runs] == [
        (0, 0, 0, 1), (1, 3, 3, 0), (8, 0, 0, 0)]
    assert "/changes.atom?source=site" in client.get("/status").get_data(as_text=True)
    # the command line: the same changes, newest first
    cli_env = {"GONGKAI_DATA_DIR": str(tmp_path), "GONGKAI_ARCHIVE_URL": target}
    listed = json.loads(CliRunner().invoke(cli, ["changes", "--since", today, "--json"],
                                           env=cli_env).output)
    assert {c["url"]: c["kind"] for c in listed} == kinds and listed[0]["url"] == url[4]
    printed = CliRunner().invoke(cli, ["changes", "--since", today], env=cli_env).output
    assert "withdrawn" in printed and "\n9 documents changed since" in printed
    assert CliRunner().invoke(cli, ["changes", "--since", "soon"], env=cli_env).exit_code == 2

    schema = etree.RelaxNG(etree.parse(str(FIXTURES / "atom.rng")))
    feeds = {}
    for path in ("/changes.atom", "/changes.atom?source=site",
                 f"/changes.atom?publisher={PUBLISHER}", "/search.atom?q=防汛",
                 "/search.atom?q=防汛&status=withdrawn", "/changes.atom?source=other"):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        tree = etree.fromstring(answer.data)
        assert schema.validate(tree), (path, schema.error_log.last_error)
        atom = "{http://www.w3.org/2005/Atom}"
        for entry in tree.iter(f"{atom}entry"):  # the RFC's rules beyond its grammar
            assert entry.find(f"{atom}author") is not None
            assert entry.find(f"{atom}link[@rel='alternate']") is not None
        parsed = feedparser.parse(answer.data)
        assert not parsed.bozo, parsed.get("bozo_exception")
        feeds[path] = parsed
    whole = feeds["/changes.atom"]
    assert len(whole.entries) == 9 and feeds["/changes.atom?source=other"].entries == []
    assert [e.link for e in whole.entries] == [e.link for e in feeds["/changes.atom?source=site"].entries]
    newest = whole.entries[0]  # the last change: /art/4 back
    assert newest.title.startswith("【恢复发布】") and newest.tags[0].term == "restored"
    assert any(link.href == url[4] for link in newest.links)
    edited = next(e for e in whole.entries if e.title.startswith("【已修改】关于公布办事指南"))
    assert "文号" in edited.summary and any("/diff" in link.href for link in edited.links)
    gone = [e for e in whole.entries if e.tags[0].term == "withdrawn"]
    assert len(gone) == 2 and all("已撤下" in e.title for e in gone)
    times = [e.updated_parsed for e in whole.entries]
    assert times == sorted(times, reverse=True)  # newest first
    # a search's feed: the changes among what the search finds, with its filters
    flood = {e.title for e in feeds["/search.atom?q=防汛"].entries}
    assert flood == {"【已修改】关于做好2024年防汛工作的通知", "【已撤下】关于征集防汛志愿者的公告",
                     "【新发布】关于防汛值班安排的通知", "【新发布】关于防汛物资采购的公示"}
    assert {e.title for e in feeds["/search.atom?q=防汛&status=withdrawn"].entries} == {
        "【已撤下】关于征集防汛志愿者的公告"}
    assert client.get("/search.atom?q=x&page=-1").status_code == 400
