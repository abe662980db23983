import multiprocessing
import sqlite3

import psycopg
import pytest

from archive import Archive, doc_id_for
from tests.conftest import make_doc


def test_upsert_new_unchanged_updated(archive_target):
    with Archive(archive_target) as archive:
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


def test_unchanged_documents_do_not_appear_as_changes(archive_target):
    with Archive(archive_target) as archive:
        archive.upsert(make_doc("http://x.gov.cn/1.html", "一", "正文"))
        archive.upsert(make_doc("http://x.gov.cn/2.html", "二", "正文"))
        seq = archive.max_seq()
        archive.upsert(make_doc("http://x.gov.cn/1.html", "一", "正文"))
        assert list(archive.changes_since(seq)) == []
        archive.upsert(make_doc("http://x.gov.cn/2.html", "二", "新正文"))
        assert [r["url"] for r in archive.changes_since(seq)] == ["http://x.gov.cn/2.html"]


def test_mark_gone_and_come_back(archive_target):
    with Archive(archive_target) as archive:
        doc = make_doc("http://x.gov.cn/1.html", "标题", "正文")
        archive.upsert(doc)
        assert archive.mark_gone(doc.url) == "gone"
        assert archive.mark_gone(doc.url) == "still_gone"
        assert archive.mark_gone("http://x.gov.cn/unknown.html") == ""
        assert archive.count("gone") == 1
        assert archive.touch(doc.url) == "restored"  # a 304: back as it was
        assert archive.count() == 1 and archive.get(doc_id_for(doc.url))["restored_at"]
        assert archive.mark_gone(doc.url) == "gone"
        assert archive.upsert(doc) == "restored"  # served again in full
        assert archive.upsert(doc) == "unchanged" and archive.count() == 1


def test_a_failed_write_leaves_the_archive_as_it_was(archive_target):
    with Archive(archive_target) as archive:
        archive.upsert(make_doc("http://x.gov.cn/1.html", "标题", "正文"))
        bad = make_doc("http://x.gov.cn/2.html", "标题", "正文")
        bad.report_year = object()  # not storable
        with pytest.raises((sqlite3.Error, psycopg.Error, TypeError)):
            archive.upsert(bad)
        assert archive.count() == 1
        assert archive.upsert(make_doc("http://x.gov.cn/3.html", "标题三", "正文")) == "new"


def test_crawl_runs_are_recorded(archive_target):
    with Archive(archive_target) as archive:
        run = archive.start_run("demo")
        archive.finish_run(run, {"pages": 5, "new": 2}, {"http_500": 1}, "finished")
        (row,) = archive.runs()
        assert (row["pages"], row["new"], row["errors"], row["status"]) == (5, 2, 1, "finished")


def test_same_text_or_index_number_at_another_url_is_a_duplicate(archive_target):
    with Archive(archive_target) as archive:
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


def test_lookup_touch_and_kept_bytes(archive_target):
    with Archive(archive_target) as archive:
        doc = make_doc("http://x.gov.cn/r.html", "年度报告", "正文", etag='"v1"',
                       raw=b"<html>\x00\xff</html>", raw_type="text/html; charset=gbk")
        archive.upsert(doc)
        (url, (etag, modified, seq)), = archive.lookup([doc.url, doc.url, "http://x.gov.cn/no"]).items()
        assert (url, etag, modified, seq) == (doc.url, '"v1"', "", archive.max_seq())
        assert (archive.touch(doc.url), archive.touch("http://x.gov.cn/no")) == ("unchanged", "")
        assert archive.raw(doc.url) == (b"<html>\x00\xff</html>", "text/html; charset=gbk")
        assert archive.raw("http://x.gov.cn/no") is None
        assert archive.size_bytes() > 0


def test_changes_stream_in_sequence_order_while_writes_go_on(archive_target):
    with Archive(archive_target) as archive:
        for i in range(1500):  # more than one fetch of a server-side cursor
            archive.upsert(make_doc(f"http://x.gov.cn/{i}.html", f"标题{i}", f"正文{i}"))
        seen = []
        for row in archive.changes_since(100, columns=("url",)):
            seen.append(row["seq"])
            if len(seen) == 10:  # a write in the middle of reading does not break it
                archive.upsert(make_doc("http://x.gov.cn/late.html", "迟到", "迟到的正文"))
        # everything committed before the read began, in order; SQLite's reader on the same
        # connection also sees the late row, PostgreSQL's snapshot does not
        assert seen[:1400] == list(range(101, 1501)) and seen[1400:] in ([], [1501])
        assert archive.count_since(1500) == 1 and archive.max_seq() == 1501
        (late,) = archive.changes_since(1500)
        assert late["url"] == "http://x.gov.cn/late.html" and late["attachments"] == []


def test_report_statistics_query_and_sort(archive_target):
    rows = [{"doc_id": f"d{i}", "url": f"http://x.gov.cn/{i}", "title": f"{p}{y}年年度报告",
             "publisher": p, "report_year": y, "template": "2021", "source": "test",
             "data": '{"applications": {"new": ' + str(new or 0) + "}}", "failed": 0,
             "missing_rows": 0, "new": new, "granted_rate": rate, "review_corrected": None,
             "litigation_corrected": 0}
            for i, (p, y, new, rate) in enumerate([("甲市人民政府", 2022, 30, 0.5),
                                                   ("乙县人民政府", 2022, None, None),
                                                   ("甲市人民政府", 2023, 12, 0.25)])]
    with Archive(archive_target) as archive:
        archive.replace_report_stats(rows)
        total, page = archive.report_stats(q="甲市", sort="new", descending=True)
        assert total == 2 and [r["doc_id"] for r in page] == ["d0", "d2"]
        total, page = archive.report_stats(sort="granted_rate")
        assert [r["doc_id"] for r in page] == ["d2", "d0", "d1"]  # missing values last
        assert page[0]["applications"] == {"new": 12} and page[0]["granted_rate"] == 0.25
        assert archive.report_stats(year=2023)[0] == 1
        assert archive.report_keys([("甲市人民政府", 2022)])[("甲市人民政府", 2022)]["new"] == 30
        archive.save_report_parses([("d0", 1, {"x": [1, 2]})], version=3)
        archive.save_report_parses([("d0", 2, {"x": [3]})], version=3)
        assert archive.report_parses(3) == {"d0": (2, {"x": [3]})}


def test_refresh_runs_left_running_become_interrupted(archive_target):
    with Archive(archive_target) as archive:
        first = archive.start_refresh("cron")
        second = archive.start_refresh("manual")  # the first one's process was killed
        archive.finish_refresh(second, "ok", {"pages": 3, "indexed": 2})
        runs = archive.refresh_runs()
        assert [(r["id"], r["status"]) for r in runs] == [(second, "ok"), (first, "interrupted")]
        assert (runs[0]["pages"], runs[0]["indexed"], runs[0]["trigger"]) == (3, 2, "manual")


def _write_documents(target, prefix: str, n: int) -> None:
    with Archive(target) as archive:
        for i in range(n):
            archive.upsert(make_doc(f"http://x.gov.cn/{prefix}/{i}.html", f"{prefix}{i}",
                                    f"{prefix}的正文{i}"))


def test_writers_in_several_processes_get_distinct_sequence_numbers(archive_target):
    Archive(archive_target).close()
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_write_documents, args=(str(archive_target), p, 150))
               for p in ("a", "b", "c")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    with Archive(archive_target) as archive:
        seqs = [row["seq"] for row in archive.changes_since(0, columns=("url",))]
        assert seqs == list(range(1, 451)) and archive.count() == 450


def _archive_with_every_table(target) -> None:
    with Archive(target) as archive:
        run = archive.start_run("test")
        for i in range(30):
            archive.upsert(make_doc(f"http://x.gov.cn/{i}.html", f"标题{i}", f"正文{i}" * 20,
                                    attachments=[{"url": f"http://x.gov.cn/{i}.pdf"}],
                                    raw=bytes(range(256)) * 3, raw_type="application/pdf",
                                    report_year=2020 + i % 3))
        archive.mark_gone("http://x.gov.cn/3.html")
        assert archive.upsert(make_doc("http://x.gov.cn/5.html", "标题5", "改过的正文" * 20,
                                       attachments=[{"url": "http://x.gov.cn/5.pdf"}],
                                       raw=b"edited bytes", raw_type="application/pdf",
                                       report_year=2022)) == "updated"  # keeps version 1
        archive.upsert(make_doc("http://x.gov.cn/scan.pdf", "扫描件", "", raw=b"%PDF-1.4 scan",
                                raw_type="application/pdf"))
        assert archive.set_ocr_text("http://x.gov.cn/scan.pdf", "识别的文字", 0.97,
                                    {"lines": [[0, 1.0, 2.0, 3.0, 4.0, "识别的文字", 0.97]],
                                     "rules": [[0, 5.5]]})
        archive.finish_run(run, {"pages": 30, "new": 30}, {"http_500": 2}, "finished",
                           walls={"blocked": {"https://w.gov.cn": "412"}})
        archive.finish_refresh(archive.start_refresh("cron"), "ok", {"pages": 30})
        archive.save_report_parses([("d1", 4, {"表二": [1, 2.5, None]})], version=1)
        archive.replace_report_stats([{
            "doc_id": "d1", "url": "http://x.gov.cn/1.html", "title": "年报", "publisher": "甲",
            "report_year": 2022, "template": "2021", "source": "test", "data": "{}",
            "failed": 1, "missing_rows": 0, "new": 7, "granted_rate": 1 / 3, "review_corrected": None,
            "litigation_corrected": 0}])


def test_copy_between_back_ends_loses_nothing(tmp_path):
    from archive.copy import CopyError, copy_archive, table_digest
    from archive.schema import TABLES
    from tests.services import postgres_schema

    original, back = tmp_path / "a.sqlite3", tmp_path / "back.sqlite3"
    _archive_with_every_table(original)
    with postgres_schema() as url:
        there = copy_archive(original, url)
        assert there["documents"][0] == 31 and there["raw_documents"][0] == 31
        assert all(rows for rows, _ in there.values())
        assert copy_archive(url, back) == there
        with pytest.raises(CopyError, match="already holds data"):
            copy_archive(original, url)
        with Archive(url) as archive:
            # 30 documents, one gone, one edited, a scan and its OCR: 34 sequence numbers
            assert archive.count("gone") == 1 and archive.max_seq() == 34
            assert archive.raw("http://x.gov.cn/5.html")[0] == b"edited bytes"
            edited = archive.versions("http://x.gov.cn/5.html")
            assert [(v["version"], v["changed"]) for v in edited] == [(1, []), (2, ["body"])]
            assert archive.version_raw("http://x.gov.cn/5.html", 1)[0] == bytes(range(256)) * 3
            assert archive.start_run("test") == 2  # ids go on after the copied ones
            assert archive.report_stat("d1")["granted_rate"] == 1 / 3
    with Archive(original) as a, Archive(back) as b:
        for table, _ in TABLES:
            assert table_digest(a, table) == table_digest(b, table)
        assert a.get(doc_id_for("http://x.gov.cn/7.html")) == b.get(doc_id_for("http://x.gov.cn/7.html"))


def test_archive_copy_command(tmp_path):
    from click.testing import CliRunner

    from gongkai.cli import cli
    from tests.services import postgres_schema

    _archive_with_every_table(tmp_path / "a.sqlite3")
    with postgres_schema() as url:
        result = CliRunner().invoke(cli, ["archive", "copy", str(tmp_path / "a.sqlite3"), url])
        assert result.exit_code == 0, result.output
        assert "documents" in result.output and "every table verified" in result.output
        again = CliRunner().invoke(cli, ["archive", "copy", str(tmp_path / "a.sqlite3"), url])
        assert again.exit_code == 1 and "already holds data" in again.output
    missing = CliRunner().invoke(cli, ["archive", "copy", str(tmp_path / "a.sqlite3"),
                                       "postgresql://nobody:secret@127.0.0.1:1/none"])
    assert missing.exit_code == 1 and "cannot open the archive" in missing.output
    assert "secret" not in missing.output


def test_an_archive_keeps_one_identity_however_it_is_named(archive_target, tmp_path):
    with Archive(archive_target) as archive:
        first = archive.identity()
    with Archive(archive_target) as archive:
        assert archive.identity() == first  # stable, and the same for every writer
    with Archive(tmp_path / "other.sqlite3") as other:
        assert other.identity() != first
