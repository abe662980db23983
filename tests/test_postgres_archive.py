"""The whole single-machine pipeline with the archive on PostgreSQL: crawl, index, report
statistics and the web app (its query log shared in the same database)."""

from __future__ import annotations

import pytest

from archive import Archive
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


def test_the_web_app_outlives_a_database_restart(tmp_path):
    """Every connection of the app is cut (as by a PostgreSQL restart): searches go on, the
    query log and the statistics reconnect, and nothing answers 500."""
    import psycopg

    from indexer.build import build_index
    from tests.conftest import DOCS
    from tests.services import POSTGRES_URL

    with postgres_schema() as schema_url:
        url = schema_url + "&application_name=gongkai_restart_test"  # the connections to cut
        with Archive(url) as archive:
            for doc in DOCS:
                archive.upsert(doc)
        build_index(url, tmp_path / "data" / "index")
        app = create_app({"INDEX_ROOT": str(tmp_path / "data" / "index"), "ARCHIVE": url})
        client = app.test_client()
        assert client.get("/api/search?q=年度报告").status_code == 200
        assert client.get("/api/stats").status_code == 200
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            (cut,) = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'gongkai_restart_test'").fetchone()
        assert cut >= 2  # the query log's and the statistics' connections
        statuses = [client.get("/api/search?q=年度报告").status_code for _ in range(3)]
        assert statuses == [200, 200, 200]  # the log's failed write never fails a search
        stats = [client.get("/api/stats").status_code for _ in range(2)]
        assert stats in ([503, 200], [200, 200])  # at most one 503, then a new connection
        with Archive(url) as archive:
            (asked,) = archive.db.execute("SELECT asked FROM queries").fetchone()
        assert 3 <= asked <= 4  # one entry may be lost with the cut connection
