"""Archive → index: incremental updates by URL, or a full rebuild into a new generation, with
whichever engine is configured (indexer/engines/)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archive import Archive
from indexer import engines, querylog, store, suggest
from indexer.analysis import ANALYZER_VERSION, normalize_id
from indexer.engines.base import IndexDoc

log = logging.getLogger(__name__)
PROGRESS_EVERY = 500  # documents between two progress callbacks
COLUMNS = ("doc_id", "url", "title", "body", "publisher", "source", "site", "doc_type",
           "pub_date", "report_year", "report_template", "doc_number", "index_number",
           "parent_url", "site_name", "section", "gone_at", "version", "first_seen")
# (what an index needs of an archive row)
Progress = Callable[[int, int], None]  # (documents written, documents to write)


@dataclass
class BuildReport:
    """What one `gongkai index` run did."""

    full: bool
    added: int
    withdrawn: int  # documents marked withdrawn (kept, and found as such)
    documents: int
    seconds: float
    generation: str
    engine: str


def index_version(engine) -> str:
    """The version an index must carry to be updated in place: analyzer, engine, schema."""
    return f"{ANALYZER_VERSION}/{engine.NAME}-{engine.VERSION}"


def index_doc(row: dict) -> IndexDoc:
    """Map an archive row to the document every engine indexes."""
    date = row.get("pub_date") or ""
    return IndexDoc(
        id=row["doc_id"], url=row["url"], title=row["title"], body=row["body"],
        publisher=row.get("publisher") or "", source=row.get("source") or "",
        site=row.get("site") or "", doc_type=row.get("doc_type") or "other",
        pub_date=dt.date.fromisoformat(date) if date else None,
        report_year=int(row["report_year"]) if row.get("report_year") else None,
        report_template=row.get("report_template") or "",
        doc_number=normalize_id(row.get("doc_number") or ""),
        doc_number_text=row.get("doc_number") or "",
        index_number=normalize_id(row.get("index_number") or ""),
        index_number_text=row.get("index_number") or "",
        parent_url=row.get("parent_url") or "", site_name=row.get("site_name") or "",
        section=row.get("section") or "",
        status="live" if row.get("status", "live") == "live" else "withdrawn",
        withdrawn=_day(row["gone_at"]) if row.get("status") == "gone" and row.get("gone_at")
        else "",
        changed=_day(row["first_seen"]) if (row.get("version") or 1) > 1 and
        row.get("first_seen") else "")


def _day(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds).date().isoformat()


def _asked(index_root: Path, archive: str | Path) -> dict[str, int]:
    """Chunks of frequently asked queries that found something (from the web app's log)."""
    log_file = querylog.QueryLog(querylog.default_target(index_root, archive))
    if not log_file.exists():
        return {}
    try:
        return log_file.frequent_chunks()
    finally:
        log_file.close()


def check_engine(generation: Path, engine) -> None:
    """Raise IndexMismatch unless a generation was built by this engine."""
    built_by = store.read_meta(generation).get("engine", "whoosh")
    if built_by != engine.NAME:
        raise store.IndexMismatch(
            f"the index in {generation.parent} was built by the {built_by} engine and this "
            f"configuration uses {engine.NAME}: run `gongkai index --full` to rebuild it")


def check_version(generation: Path, engine) -> None:
    """Raise IndexMismatch unless a generation has this engine's current index version."""
    if store.read_meta(generation).get("index_version") != index_version(engine):
        raise store.IndexMismatch(
            f"the index in {generation.parent} was built by another version of Gongkai: "
            "run `gongkai index` to rebuild it")


def build_index(archive_path: str | Path, index_root: str | Path, full: bool = False,
                engine: str = engines.DEFAULT, progress: Progress | None = None) -> BuildReport:
    """Bring the index up to date with the archive; rebuild fully when asked or when the index
    version changed. An index of another engine is only replaced by a full rebuild."""
    started = time.monotonic()
    index_root = Path(index_root)
    chosen = engines.get(engine)
    with store.write_lock(index_root), Archive(archive_path) as archive:
        generation = store.current_generation(index_root)
        if generation is not None and not full:
            check_engine(generation, chosen)
            full = store.read_meta(generation).get("index_version") != index_version(chosen)
        full = full or generation is None
        since = 0 if full else store.read_meta(generation).get("archive_seq", 0)
        if full:
            generation = store.new_generation(index_root)
            chosen.create(generation)
        expected = archive.count_since(since)
        added, withdrawn, last_seq = _apply_changes(
            chosen.writer(generation, full, expected), archive, since, full, expected, progress)
        searcher = chosen.searcher(generation)
        try:
            documents = searcher.doc_count()
            store.write_meta(generation, {"engine": chosen.NAME, "archive_seq": last_seq,
                                          "index_version": index_version(chosen),
                                          "documents": documents, "built_at": time.time()})
            suggest.write_vocabulary(generation, searcher, _asked(index_root, archive_path))
        finally:
            searcher.close()
        if full:
            store.publish(index_root, generation)
    return BuildReport(full, added, withdrawn, documents, time.monotonic() - started,
                       generation.name, chosen.NAME)


def _apply_changes(writer, archive: Archive, since: int, full: bool, expected: int,
                   progress: Progress | None) -> tuple[int, int, int]:
    """Write every archive change after seq `since`; return (added or changed, withdrawn,
    last seq). A withdrawn document stays in the index, marked so (status, its date)."""
    added = withdrawn = done = 0
    last_seq = since
    try:
        for row in archive.changes_since(since, COLUMNS):
            last_seq = row["seq"]
            done += 1
            if row["status"] != "live":
                withdrawn += 1
            else:
                added += 1
            if full:
                writer.add(index_doc(row))
            else:
                writer.update(index_doc(row))
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, expected)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    if progress is not None:
        progress(done, expected)
    return added, withdrawn, last_seq
