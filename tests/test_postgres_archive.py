"""The whole single-machine pipeline with the archive on PostgreSQL: crawl, index, report
statistics and the web app (its query log shared in the same database)."""

from __future__ import annotations

import pytest

from crawler.archive import Archive
from gongkai import refresh as pipeline
from gongkai.config import load_config
from gongkai.serve import app_config
from search_web import create_app
from tests.services import postgres_schema


@pytest.fixture
def pg_config(tmp_path, site_server):
    with postgres_schema() as url:
        config = load_config(None, env={"GONGKAI_DATA_DIR": str(tmp_path / "data"),
                                        "GONGKAI_CRAWL_DELAY": "0", "GONGKAI_ARCHIVE_URL": url})
        config.sources = [{"name": "sample", "start_urls": [site_server + "/"],
                           "allowed_domains": ["127.0.0.1"]}]
        yield config


def _documents(target) -> dict[str, tuple]:
    with Archive(target) as archive:
        return {r["url"]: (r["content_hash"], r["status"], r["text_hash"], r["doc_id"])
                for r in archive.changes_since(0)}


def test_crawl_index_and_serve_from_postgres(pg_config, tmp_path):
    sqlite_config = load_config(None, env={"GONGKAI_DATA_DIR": str(tmp_path / "lite"),
                                           "GONGKAI_CRAWL_DELAY": "0"})
    sqlite_config.sources = pg_config.sources
    pipeline.refresh(sqlite_config)
    expected = _documents(sqlite_config.archive)

    report = pipeline.refresh(pg_config)
    assert report.run["status"] == "ok" and report.run["new"] == len(expected) > 50
    assert not (pg_config.data_dir / "archive.sqlite3").exists()  # nothing went to SQLite
    assert _documents(pg_config.archive) == expected  # the same documents, byte for byte
    with Archive(pg_config.archive) as archive:
        assert archive.report_stats()[0] > 0  # annual reports parsed into report_stats
        (run,) = archive.runs()
        assert run["status"] == "finished" and run["new"] == len(expected)
    again = pipeline.refresh(pg_config)  # incremental: nothing new, nothing re-indexed
    assert (again.run["new"], again.run["updated"], again.run["indexed"]) == (0, 0, 0)

    app = create_app(app_config(pg_config))
    client = app.test_client()
    hits = client.get("/api/search?q=政府信息公开工作年度报告").get_json()
    assert hits["total"] > 0
    client.get("/api/search?q=年度报告")
    status = client.get("/api/status").get_json()
    assert status["archive"]["available"] and status["archive"]["bytes"] > 0
    assert client.get("/api/stats").get_json()["total"] > 0
    # the query log lives in the archive's database, where every web node sees it
    with Archive(pg_config.archive) as archive:
        asked = archive.db.execute("SELECT query, asked FROM queries ORDER BY query").fetchall()
    assert [tuple(r) for r in asked] == [("年度报告", 1), ("政府信息公开工作年度报告", 1)]
    assert create_app(app_config(pg_config)).extensions["gongkai.querylog"].hot() == \
        ["年度报告", "政府信息公开工作年度报告"]
