import datetime as dt
import json
import os
import signal
import subprocess
import sys

import pytest

from archive import Archive
from indexer import store
from indexer.build import build_index
from indexer.search import IndexReader, SearchRequest
from tests.conftest import DOCS, fill_archive, make_doc


def titles(root, q, engine):
    return {h.title for h in IndexReader(root, engine).search(SearchRequest(q=q, size=100)).hits}


def test_full_build_indexes_every_live_document(archive_path, tmp_path, engine):
    calls = []
    report = build_index(archive_path, tmp_path / "ix", engine=engine,
                         progress=lambda done, expected: calls.append((done, expected)))
    assert report.full and report.added == len(DOCS) and report.documents == len(DOCS)
    assert calls[-1] == (len(DOCS), len(DOCS))  # progress: documents written of expected
    meta = store.read_meta(store.current_generation(tmp_path / "ix"))
    assert meta["archive_seq"] == Archive(archive_path).max_seq()


def test_incremental_update_adds_changes_and_marks_the_withdrawn(archive_path, tmp_path, engine):
    root = tmp_path / "ix"
    build_index(archive_path, root, engine=engine)
    generation = store.current_generation(root)
    with Archive(archive_path) as archive:
        archive.upsert(make_doc("http://example.gov.cn/new.html", "新增的生态环境通知", "内容全新"))
        changed = DOCS[2]
        changed.body = changed.body + "补充说明：湿地保护。"
        archive.upsert(changed)
        archive.mark_gone(DOCS[3].url)
    report = build_index(archive_path, root, engine=engine)
    assert not report.full
    assert (report.added, report.withdrawn, report.documents) == (2, 1, len(DOCS) + 1)
    assert store.current_generation(root) == generation  # updated in place
    assert titles(root, "生态环境", engine) == {"新增的生态环境通知"}
    assert titles(root, "湿地保护", engine) == {DOCS[2].title}
    assert titles(root, "部门预算", engine) == {DOCS[3].title}  # withdrawn, still found
    assert build_index(archive_path, root, engine=engine).added == 0  # nothing new


def test_a_running_reader_sees_a_document_withdrawn_and_back(archive_path, tmp_path, engine):
    root = tmp_path / "ix"
    build_index(archive_path, root, engine=engine)
    reader = IndexReader(root, engine)
    live = SearchRequest(q="部门预算", status="live")
    withdrawn = SearchRequest(q="部门预算", status="withdrawn")
    assert (reader.search(live).total, reader.search(withdrawn).total) == (1, 0)
    with Archive(archive_path) as archive:
        archive.mark_gone(DOCS[3].url)
    build_index(archive_path, root, engine=engine)
    assert (reader.search(live).total, reader.search(withdrawn).total) == (0, 1)
    hit = reader.search(SearchRequest(q="部门预算")).hits[0]
    assert hit.status == "withdrawn" and hit.withdrawn == dt.date.today().isoformat()
    assert reader.doc_count() == len(DOCS)
    with Archive(archive_path) as archive:  # it is published again, as it was
        assert archive.upsert(DOCS[3]) == "restored"
    build_index(archive_path, root, engine=engine)
    assert (reader.search(live).total, reader.search(withdrawn).total) == (1, 0)
    assert reader.search(SearchRequest(q="部门预算")).hits[0].withdrawn == ""


def test_full_rebuild_swaps_generations_and_keeps_the_previous(archive_path, tmp_path, engine):
    root = tmp_path / "ix"
    first = build_index(archive_path, root, engine=engine).generation
    reader = IndexReader(root, engine)
    assert reader.doc_count() == len(DOCS)
    second = build_index(archive_path, root, full=True, engine=engine).generation
    third = build_index(archive_path, root, full=True, engine=engine).generation
    assert len({first, second, third}) == 3
    assert sorted(p.name for p in root.glob("gen-*")) == [second, third]
    assert reader.doc_count() == len(DOCS)  # the reader follows CURRENT without a restart


def test_a_changed_analyzer_or_schema_version_forces_a_full_rebuild(archive_path, tmp_path, engine):
    root = tmp_path / "ix"
    build_index(archive_path, root, engine=engine)
    generation = store.current_generation(root)
    meta = store.read_meta(generation)
    store.write_meta(generation, dict(meta, index_version="old"))
    assert build_index(archive_path, root, engine=engine).full


HOLD_LOCK = """
import sys, time
from pathlib import Path
from indexer import store
with store.write_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_one_writer_at_a_time(archive_path, tmp_path, engine):
    root = tmp_path / "ix"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(root)], text=True,
                              stdout=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=os.getcwd()))
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(store.IndexBusy):
            build_index(archive_path, root, engine=engine)
    finally:
        holder.kill()
        holder.wait()
    assert build_index(archive_path, root, engine=engine).documents == len(DOCS)  # free once the holder died


def test_large_tantivy_batches_are_tokenized_in_worker_processes(tmp_path, monkeypatch):
    from indexer.engines import tantivy_engine

    docs = [make_doc(f"http://example.gov.cn/w{i}.html", f"第{i}号行政复议决定书", f"正文{i}：依申请公开。")
            for i in range(300)]
    archive = fill_archive(tmp_path / "a.sqlite3", docs)
    build_index(archive, tmp_path / "single", engine="tantivy")
    monkeypatch.setattr(tantivy_engine, "POOL_MIN", 10)
    monkeypatch.setattr(tantivy_engine, "POOL_CHUNK", 16)  # many batches, several in flight
    built = []
    original = tantivy_engine.TantivyWriter.__init__

    def spy(self, w, pool):
        built.append(pool)
        original(self, w, pool)

    monkeypatch.setattr(tantivy_engine.TantivyWriter, "__init__", spy)
    assert build_index(archive, tmp_path / "pooled", engine="tantivy").documents == 300
    assert built and built[0] is not None  # the pool did the work
    for q in ("正文29", '"第17号"', "依申请公开 正文299"):  # fewer hits than a page
        single, pooled = (IndexReader(tmp_path / name, "tantivy").search(
            SearchRequest(q=q, size=100)) for name in ("single", "pooled"))
        assert pooled.total == single.total > 0
        # the same hits with the same scores (equal scores may come in another order)
        assert sorted((h.score, h.url) for h in pooled.hits) == sorted(
            (h.score, h.url) for h in single.hits)


def test_reader_without_index_raises_no_index(tmp_path, engine):
    with pytest.raises(store.NoIndex):
        IndexReader(tmp_path / "none", engine).doc_count()


def test_an_index_of_the_other_engine_is_named_and_rebuilt_by_full(archive_path, tmp_path,
                                                                     engine):
    other = next(e for e in ("whoosh", "tantivy") if e != engine)
    root = tmp_path / "ix"
    build_index(archive_path, root, engine=other)
    with pytest.raises(store.IndexMismatch, match=f"built by the {other} engine.*--full"):
        IndexReader(root, engine).doc_count()
    with pytest.raises(store.IndexMismatch, match="--full"):
        build_index(archive_path, root, engine=engine)  # an update does not switch engines
    assert build_index(archive_path, root, full=True, engine=engine).documents == len(DOCS)
    assert IndexReader(root, engine).doc_count() == len(DOCS)


KILL_SCRIPT = """
import sys, time
from indexer import build

def written(done, expected):  # mid-rebuild, some documents written: say so, and stay there
    print("writing", flush=True)
    time.sleep(60)

build.PROGRESS_EVERY = 100
build.build_index(sys.argv[1], sys.argv[2], full=True, engine=sys.argv[3], progress=written)
"""


def test_a_killed_full_rebuild_leaves_the_live_index_intact(tmp_path, engine):
    docs = [make_doc(f"http://example.gov.cn/{i}.html", f"文件{i}", "政府信息公开。" * 400)
            for i in range(400)]
    archive = fill_archive(tmp_path / "a.sqlite3", docs)
    root = tmp_path / "ix"
    build_index(archive, root, engine=engine)
    live = store.current_generation(root)
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(archive), str(root), engine],
                            env=dict(os.environ, PYTHONPATH=os.getcwd()), stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "writing"  # killed mid-rebuild, whatever the load
    assert len(list(root.glob("gen-*"))) == 2
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    assert store.current_generation(root) == live
    assert IndexReader(root, engine).doc_count() == 400
    report = build_index(archive, root, full=True, engine=engine)  # the lock died with it
    assert report.documents == 400
    assert json.loads((store.current_generation(root) / store.META_FILE).read_text())[
        "engine"] == engine
