"""Crawl a generated site over real HTTP on localhost, index it, query the app."""

import json
import re
import shutil
from http.server import SimpleHTTPRequestHandler

import pytest
from click.testing import CliRunner

from archive import Archive
from gongkai.cli import cli
from gongkai.samplesite.serve import serve_directory
from indexer.analysis import normalize
from search_web import create_app

BROKEN = "/swt/tzgg/index.html"  # a list page that always answers 500


class FlakyHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == BROKEN:
            self.send_error(500, "server error")
            return
        super().do_GET()


@pytest.fixture
def site(tmp_path, sample_site):
    root = tmp_path / "site"
    shutil.copytree(sample_site[0], root)
    server = serve_directory(root, handler=FlakyHandler)
    yield root, sample_site[1], f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def config_file(tmp_path, site, engine):
    path = tmp_path / "gongkai.toml"
    path.write_text(f'data_dir = "data"\n[crawl]\ndelay = 0\nretries = 1\n'
                    f'[index]\nengine = "{engine}"\n'
                    f'[[sources]]\nname = "sample"\nstart_urls = ["{site[2]}/"]\n'
                    f'allowed_domains = ["127.0.0.1"]\n', encoding="utf-8")
    return path


def gongkai(config_file, *args):
    result = CliRunner().invoke(cli, ["--config", str(config_file), *args])
    assert result.exit_code == 0, result.output
    return result.output


def archive_rows(tmp_path):
    with Archive(tmp_path / "data" / "archive.sqlite3") as archive:
        return {row["url"]: row for row in archive.changes_since(0)}


def test_crawl_index_search_recrawl(tmp_path, site, config_file, engine):
    root, pages, base = site
    out = gongkai(config_file, "crawl")
    rows = archive_rows(tmp_path)
    # exactly the detail pages and the reports' attachments: list, navigation and
    # robots-disallowed (/admin/) pages are not documents, and the 上一篇 links reach the
    # notices behind the list page that answers 500
    files = {base + path.rsplit("/", 1)[0] + "/" + file.name: (base + path, doc)
             for path, doc in pages.items() for file in doc.files}
    assert files and set(rows) == {base + path for path in pages} | set(files)
    assert "errors: http_500 1 " in out  # the robots.txt-forbidden page is not an error
    assert "robots.txt: 1 requests forbidden, not sent" in out  # but it is told

    for url, (parent, doc) in files.items():  # a report's statistics table, as a file
        row = rows[url]
        assert row["title"].startswith(doc.title) and row["parent_url"] == parent
        assert (row["publisher"], row["index_number"]) == (doc.publisher, doc.index_number)
        assert row["doc_type"] == "annual_report" and row["report_template"] == doc.stats.template
    for url, row in rows.items():
        if url in files:
            continue
        doc = pages[url[len(base):]]
        assert row["title"] == doc.title
        assert row["pub_date"] == doc.pub_date.isoformat()
        assert row["publisher"] == doc.publisher
        assert row["index_number"] == doc.index_number
        assert row["doc_number"] == doc.doc_number
        assert row["doc_type"] == doc.doc_type
        if doc.doc_type == "annual_report":  # the year reported on, and the report's format
            year = int(re.search(r"(\d{4})年", doc.title).group(1))
            assert row["report_year"] == year
            assert row["report_template"] == ("prose" if year < 2019 else
                                              "2019" if year < 2021 else "2021")

    assert "full rebuild" in gongkai(config_file, "index")
    client = create_app({"INDEX_ROOT": str(tmp_path / "data" / "index"), "INDEX_ENGINE": engine}).test_client()
    data = client.get("/api/search?q=依申请公开&size=5").get_json()
    assert data["total"] > 0 and "<mark>依申请公开</mark>" in data["hits"][0]["snippet"]

    phrase = "4.保护第三方合法权益"
    want = {u for u, r in rows.items()
            if normalize(phrase) in normalize(r["title"] + "\n" + r["body"])}
    got = client.get("/api/search", query_string={"q": f'"{phrase}"', "size": 100}).get_json()
    assert want and {h["url"] for h in got["hits"]} == want

    # an incremental crawl asks for known documents conditionally: they answer 304, so their
    # 上一篇 links are not followed again; the files of the pages that answered 304 are asked
    # again, conditionally (a file may be replaced in place); the notices behind the list
    # page answering 500 are not reached through it, but asked again once the crawl is done,
    # as every known document no page led to (crawler/withdrawals.py): all answer 304
    out = gongkai(config_file, "crawl")
    assert f"0 new, 0 updated, {len(rows)} unchanged, 0 withdrawn, 0 restored" in out
    assert len(archive_rows(tmp_path)) == len(rows)

    # one page changes, one disappears
    changed_url, gone_url = sorted(rows)[:2]
    changed = root / changed_url[len(base) + 1:]
    changed.write_text(changed.read_text(encoding="utf-8").replace(
        "<meta name=\"ContentEnd\">", "<p>补充说明：湿地保护专项行动。</p><meta name=\"ContentEnd\">"),
        encoding="utf-8")
    (root / gone_url[len(base) + 1:]).unlink()
    out = gongkai(config_file, "refresh")
    assert "0 new, 1 updated" in out and "1 withdrawn" in out
    data = client.get("/api/search?q=湿地保护").get_json()
    assert [h["url"] for h in data["hits"]] == [changed_url]
    # the page that disappeared is kept and found, marked withdrawn; a search for what is
    # still published leaves it out
    title = {"q": rows[gone_url]["title"], "size": 100}
    found = {h["url"]: h for h in client.get("/api/search", query_string=title).get_json()["hits"]}
    assert found[gone_url]["status"] == "withdrawn" and found[gone_url]["withdrawn"]
    assert gone_url not in {h["url"] for h in client.get(
        "/api/search", query_string={**title, "status": "live"}).get_json()["hits"]}


def test_search_command_json_matches_the_api(tmp_path, site, config_file, engine):
    gongkai(config_file, "crawl")
    gongkai(config_file, "index")
    printed = json.loads(gongkai(config_file, "search", "行政复议", "--json", "--size", "3"))
    client = create_app({"INDEX_ROOT": str(tmp_path / "data" / "index"), "INDEX_ENGINE": engine}).test_client()
    api = client.get("/api/search?q=行政复议&size=3").get_json()
    printed.pop("took_ms"), api.pop("took_ms")
    assert printed == api
