import sqlite3

import pytest

from crawler.archive import Archive, doc_id_for
from tests.conftest import make_doc


def test_upsert_new_unchanged_updated(tmp_path):
    with Archive(tmp_path / "a.sqlite3") as archive:
        doc = make_doc("http://x.gov.cn/1.html", "标题", "正文")
        assert archive.upsert(doc) == "new"
        assert archive.upsert(doc) == "unchanged"
        seq = archive.max_seq()
        doc.body = "正文已修改"
        assert archive.upsert(doc) == "updated"
        assert archive.max_seq() == seq + 1
        assert archive.count() == 1
        stored = archive.get(doc_id_for(doc.url))
        assert stored["body"] == "正文已修改" and stored["status"] == "live"


def test_unchanged_documents_do_not_appear_as_changes(tmp_path):
    with Archive(tmp_path / "a.sqlite3") as archive:
        archive.upsert(make_doc("http://x.gov.cn/1.html", "一", "正文"))
        archive.upsert(make_doc("http://x.gov.cn/2.html", "二", "正文"))
        seq = archive.max_seq()
        archive.upsert(make_doc("http://x.gov.cn/1.html", "一", "正文"))
        assert list(archive.changes_since(seq)) == []
        archive.upsert(make_doc("http://x.gov.cn/2.html", "二", "新正文"))
        assert [r["url"] for r in archive.changes_since(seq)] == ["http://x.gov.cn/2.html"]


def test_mark_gone_and_come_back(tmp_path):
    with Archive(tmp_path / "a.sqlite3") as archive:
        doc = make_doc("http://x.gov.cn/1.html", "标题", "正文")
        archive.upsert(doc)
        assert archive.mark_gone(doc.url)
        assert not archive.mark_gone(doc.url)  # already gone
        assert not archive.mark_gone("http://x.gov.cn/unknown.html")
        assert archive.count("gone") == 1
        assert archive.upsert(doc) == "updated"  # it came back
        assert archive.count() == 1


def test_a_failed_write_leaves_the_archive_as_it_was(tmp_path):
    with Archive(tmp_path / "a.sqlite3") as archive:
        archive.upsert(make_doc("http://x.gov.cn/1.html", "标题", "正文"))
        bad = make_doc("http://x.gov.cn/2.html", "标题", "正文")
        bad.report_year = object()  # not storable
        with pytest.raises((sqlite3.Error, TypeError)):
            archive.upsert(bad)
        assert archive.count() == 1
        assert archive.upsert(make_doc("http://x.gov.cn/3.html", "标题三", "正文")) == "new"


def test_crawl_runs_are_recorded(tmp_path):
    with Archive(tmp_path / "a.sqlite3") as archive:
        run = archive.start_run("demo")
        archive.finish_run(run, {"pages": 5, "new": 2}, {"http_500": 1}, "finished")
        (row,) = archive.runs()
        assert (row["pages"], row["new"], row["errors"], row["status"]) == (5, 2, 1, "finished")


def test_same_text_or_index_number_at_another_url_is_a_duplicate(tmp_path):
    with Archive(tmp_path / "a.sqlite3") as archive:
        first = make_doc("http://x.gov.cn/a.html", "年度报告", "正文", index_number="ABC/2023-1")
        assert archive.upsert(first) == "new"
        assert archive.upsert(make_doc("http://x.gov.cn/col2/a.html", "年度报告", "正文")) \
            == "duplicate"
        assert archive.upsert(make_doc("http://x.gov.cn/b.html", "另一标题", "另一正文",
                                       index_number="ABC/2023-1")) == "duplicate"
        assert archive.upsert(make_doc("http://x.gov.cn/c.html", "新文件", "新正文")) == "new"
        assert archive.count() == 2
        first.body = "正文已修改"
        assert archive.upsert(first) == "updated"  # its own URL is never a duplicate of itself
