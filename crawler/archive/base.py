"""The archive the crawler writes and the indexer reads, on SQLite or PostgreSQL (db.py).

One row per document keyed by canonical URL holds its current version; every insert, change or
removal gives the row a new `seq` from a counter, so the indexer can ask "what changed since seq N".
Each write is its own transaction: a crash loses at most the page in flight. Writers are
serialized (one write transaction at a time), so sequence numbers become visible in order.
"""

from __future__ import annotations

import json
import secrets
import time
import zlib
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from . import db as backends
from .model import REFRESH_COUNTS, Document, doc_id_for
from .schema import migrate


class Archive:
    """A connection to one archive: a SQLite file path or a `postgresql://` URL."""

    def __init__(self, target: str | Path):
        self.target = target
        self.db = backends.connect(target)
        migrate(self.db)

    @property
    def location(self) -> str:
        """Where the archive is, fit for logs and pages (no password)."""
        return backends.redacted(self.target)

    def size_bytes(self) -> int:
        """Bytes the archive takes (its files, or its tables and indexes)."""
        return self.db.size_bytes()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def identity(self) -> str:
        """A random id the archive gets when it is created: what ties the processes that
        write it together (a shared crawl's keys in Redis), however they name it."""
        with self.db.write():
            self.db.execute("INSERT INTO counters VALUES ('archive_id', ?) "
                            "ON CONFLICT(name) DO NOTHING", (secrets.randbits(62),))
            value = self.db.execute("SELECT value FROM counters WHERE name = 'archive_id'"
                                    ).fetchone()[0]
        return f"{value:016x}"

    def _next_seq(self) -> int:
        return self.db.execute("INSERT INTO counters VALUES ('seq', 1) ON CONFLICT(name) DO "
                               "UPDATE SET value = counters.value + 1 RETURNING value"
                               ).fetchone()[0]

    def _duplicate_of(self, doc: Document) -> str | None:
        """Return the URL of another live document with the same text, or (pages only: files
        inherit their page's) the same 索引号, if any."""
        row = self.db.execute(
            "SELECT url FROM documents WHERE url != ? AND source = ? AND status = 'live' AND "
            "(text_hash = ? OR (? = '' AND parent_url = '' AND index_number != '' AND "
            "index_number = ?)) LIMIT 1",
            (doc.url, doc.source, doc.text_hash(), doc.parent_url, doc.index_number)).fetchone()
        return row[0] if row else None

    def upsert(self, doc: Document) -> str:
        """Store a fetched document; return 'new', 'updated', 'unchanged' or 'duplicate'.

        A URL not seen before whose text or 索引号 a live document of the same source already
        has is a duplicate (a mirror, another column listing it): it is not stored.
        """
        digest = doc.content_hash()
        now = time.time()
        with self.db.write():
            row = self.db.execute("SELECT content_hash, status FROM documents WHERE url = ?",
                                  (doc.url,)).fetchone()
            if row is None and self._duplicate_of(doc):
                outcome = "duplicate"
            elif row and row["content_hash"] == digest and row["status"] == "live":
                self.db.execute("UPDATE documents SET fetched_at = ?, etag = ?, last_modified = ? "
                                "WHERE url = ?", (now, doc.etag, doc.last_modified, doc.url))
                outcome = "unchanged"
            else:
                values = asdict(doc)
                del values["raw"], values["raw_type"]
                values["attachments"] = json.dumps(doc.attachments, ensure_ascii=False)
                values.update(doc_id=doc_id_for(doc.url), content_hash=digest, fetched_at=now,
                              status="live", seq=self._next_seq(), text_hash=doc.text_hash())
                self.db.execute(_upsert("documents", tuple(values), "url"),
                                tuple(values.values()))
                outcome = "updated" if row else "new"
            if doc.raw and outcome != "duplicate":
                self._store_raw(doc.url, doc.raw, doc.raw_type)
        return outcome

    def _store_raw(self, url: str, body: bytes, content_type: str) -> None:
        self.db.execute(_upsert("raw_documents", ("url", "content_type", "body", "stored_at"),
                                "url"), (url, content_type, zlib.compress(body, 6), time.time()))

    def raw(self, url: str) -> tuple[bytes, str] | None:
        """The fetched bytes kept for a document and their Content-Type, or None."""
        row = self.db.execute("SELECT body, content_type FROM raw_documents WHERE url = ?",
                              (url,)).fetchone()
        return (zlib.decompress(row[0]), row[1]) if row else None

    def mark_gone(self, url: str) -> bool:
        """Mark a known live document as gone; return whether anything changed."""
        with self.db.write():
            if not self.db.execute("SELECT 1 FROM documents WHERE url = ? AND status = 'live'",
                                   (url,)).fetchone():
                return False
            self.db.execute("UPDATE documents SET status = 'gone', seq = ? WHERE url = ?",
                            (self._next_seq(), url))
        return True

    def touch(self, url: str) -> bool:
        """Record that a known live document was confirmed unchanged (HTTP 304)."""
        cur = self.db.execute("UPDATE documents SET fetched_at = ? WHERE url = ? AND "
                              "status = 'live'", (time.time(), url))
        return bool(cur.rowcount)

    def lookup(self, urls: list[str]) -> dict[str, tuple[str, str, int]]:
        """Return {url: (etag, last_modified, seq)} of the live documents among the URLs."""
        found: dict[str, tuple[str, str, int]] = {}
        unique = list(dict.fromkeys(urls))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            rows = self.db.execute(
                "SELECT url, etag, last_modified, seq FROM documents WHERE status = 'live' AND "
                f"url IN ({', '.join('?' for _ in chunk)})", chunk)
            found.update((url, (etag, modified, seq)) for url, etag, modified, seq in rows)
        return found

    def get(self, doc_id: str) -> dict | None:
        """Return one document by its public id, or None."""
        row = self.db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return _row_dict(row) if row else None

    def changes_since(self, seq: int, columns: tuple[str, ...] = ()) -> Iterator[dict]:
        """Yield every document row whose seq is above the given one, in seq order: all
        columns, or only the named ones (faster; `seq` and `status` always come along)."""
        if not columns:
            for row in self.db.stream("SELECT * FROM documents WHERE seq > ? ORDER BY seq",
                                      (seq,)):
                yield _row_dict(row)
            return
        wanted = ", ".join(dict.fromkeys(("seq", "status", *columns)))
        for row in self.db.stream(f"SELECT {wanted} FROM documents WHERE seq > ? ORDER BY seq",
                                  (seq,)):
            yield dict(row)

    def count_since(self, seq: int) -> int:
        """Count the document rows whose seq is above the given one."""
        return self.db.execute("SELECT COUNT(*) FROM documents WHERE seq > ?", (seq,)).fetchone()[0]

    def max_seq(self) -> int:
        """Return the highest seq handed out so far (0 for an empty archive)."""
        row = self.db.execute("SELECT value FROM counters WHERE name = 'seq'").fetchone()
        return row[0] if row else 0

    def count(self, status: str = "live") -> int:
        """Count documents with a status."""
        return self.db.execute("SELECT COUNT(*) FROM documents WHERE status = ?",
                               (status,)).fetchone()[0]

    def start_run(self, source: str) -> int:
        """Record the start of a crawl run; return its id."""
        return self.db.execute("INSERT INTO crawl_runs (source, started_at) VALUES (?, ?) "
                               "RETURNING id", (source, time.time())).fetchone()[0]

    def finish_run(self, run_id: int, counts: dict, errors: dict, status: str,
                   walls: dict | None = None) -> None:
        """Record the end of a crawl run: counts, errors by kind, and bot walls met
        (`{"blocked": {origin: …}, "walled": {origin: {path: …}}}`, see crawler/walls.py)."""
        self.db.execute(
            "UPDATE crawl_runs SET finished_at = ?, pages = ?, new = ?, updated = ?, "
            "unchanged = ?, gone = ?, attachments = ?, duplicates = ?, errors = ?, "
            "error_detail = ?, walls = ?, status = ? WHERE id = ?",
            (time.time(), counts.get("pages", 0), counts.get("new", 0), counts.get("updated", 0),
             counts.get("unchanged", 0), counts.get("gone", 0), counts.get("attachments", 0),
             counts.get("duplicate", 0),
             sum(errors.values()), json.dumps(errors, ensure_ascii=False),
             json.dumps(walls or {}, ensure_ascii=False), status, run_id))

    # ------------------------------------------------------------ report statistics

    def annual_reports(self) -> Iterator[dict]:
        """The live annual-report documents (pages and attachments)."""
        cur = self.db.stream(
            "SELECT doc_id, url, title, body, publisher, report_year, report_template, seq, "
            "parent_url FROM documents WHERE status = 'live' AND doc_type = 'annual_report' "
            "ORDER BY seq")
        for row in cur:
            yield dict(row)

    def report_parses(self, version: int) -> dict[str, tuple[int, dict]]:
        """{doc_id: (seq parsed, data)} of the parses a parser version made."""
        rows = self.db.execute("SELECT doc_id, seq, data FROM report_parses WHERE version = ?",
                               (version,))
        return {doc_id: (seq, json.loads(data)) for doc_id, seq, data in rows}

    def save_report_parses(self, parses: list[tuple[str, int, dict]], version: int,
                           replace: bool = False) -> None:
        """Keep document parses (doc_id, seq, data); `replace` drops all others first."""
        with self.db.write():
            if replace:
                self.db.execute("DELETE FROM report_parses")
            self.db.executemany(
                _upsert("report_parses", ("doc_id", "seq", "version", "data"), "doc_id"),
                [(doc_id, seq, version, json.dumps(data, ensure_ascii=False))
                 for doc_id, seq, data in parses])

    def replace_report_stats(self, reports: list[dict]) -> None:
        """Replace every report's statistics in one transaction."""
        columns = ("doc_id", "url", "title", "publisher", "report_year", "template", "source",
                   "data", "failed", "new", "granted_rate", "review_corrected",
                   "litigation_corrected")
        with self.db.write():
            self.db.execute("DELETE FROM report_stats")
            self.db.executemany(
                f"INSERT INTO report_stats ({', '.join(columns)}) VALUES "
                f"({', '.join('?' for _ in columns)})",
                [tuple(r[c] for c in columns) for r in reports])

    REPORT_SORTS = {"publisher": "publisher, report_year", "year": "report_year, publisher",
                    "new": "new", "granted_rate": "granted_rate",
                    "review_corrected": "review_corrected",
                    "litigation_corrected": "litigation_corrected", "failed": "failed"}

    def report_stats(self, publisher: str = "", year: int | None = None, q: str = "",
                     sort: str = "publisher", descending: bool = False, offset: int = 0,
                     limit: int = 20) -> tuple[int, list[dict]]:
        """(total, page) of the report statistics: `publisher` exactly, `q` within publisher
        or title, sorted by a REPORT_SORTS key (missing values last)."""
        where, params = ["1 = 1"], []
        if publisher:
            where.append("publisher = ?")
            params.append(publisher)
        if year is not None:
            where.append("report_year = ?")
            params.append(year)
        if q:
            where.append(f"({self.db.contains.format(column='publisher')} OR "
                         f"{self.db.contains.format(column='title')})")
            params += [q, q]
        condition = " AND ".join(where)
        total = self.db.execute(f"SELECT COUNT(*) FROM report_stats WHERE {condition}",
                                params).fetchone()[0]
        order = ", ".join(
            f"{col} IS NULL, {col} {'DESC' if descending else 'ASC'}"
            for col in self.REPORT_SORTS[sort].split(", "))
        rows = self.db.execute(
            f"SELECT * FROM report_stats WHERE {condition} ORDER BY {order}, doc_id "
            "LIMIT ? OFFSET ?", [*params, limit, offset])
        return total, [_stats_dict(r) for r in rows]

    def report_keys(self, reports: list[tuple[str, int]]) -> dict[tuple[str, int], dict]:
        """{(publisher, year): key figures and doc_id} of the given agencies' reports."""
        found = {}
        for publisher, year in reports:
            row = self.db.execute(
                "SELECT doc_id, new, granted_rate, review_corrected, litigation_corrected, "
                "failed FROM report_stats WHERE publisher = ? AND report_year = ?",
                (publisher, year)).fetchone()
            if row:
                found[(publisher, year)] = dict(row)
        return found

    def report_stat(self, doc_id: str) -> dict | None:
        """One report's statistics by the id of its document, or None."""
        row = self.db.execute("SELECT * FROM report_stats WHERE doc_id = ?",
                              (doc_id,)).fetchone()
        return _stats_dict(row) if row else None

    def runs(self, limit: int = 20, source: str | None = None) -> list[dict]:
        """Return the most recent crawl runs (of one source), newest first."""
        if source is None:
            rows = self.db.execute("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self.db.execute("SELECT * FROM crawl_runs WHERE source = ? ORDER BY id DESC "
                                   "LIMIT ?", (source, limit))
        return [dict(r) for r in rows]

    def run_sources(self) -> list[str]:
        """The sources that have crawl runs, by name."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT source FROM crawl_runs "
                                              "ORDER BY source")]

    def document_counts(self) -> list[dict]:
        """Live documents by source and type: [{source, doc_type, documents}]."""
        rows = self.db.execute("SELECT source, doc_type, COUNT(*) AS documents FROM documents "
                               "WHERE status = 'live' GROUP BY source, doc_type "
                               "ORDER BY source, doc_type")
        return [dict(r) for r in rows]

    def start_refresh(self, trigger: str) -> int:
        """Record the start of a refresh (crawl + index + stats); runs left 'running' by a
        killed process become 'interrupted' (one refresh at a time holds the lock)."""
        self.db.execute("UPDATE refresh_runs SET status = 'interrupted' WHERE status = 'running'")
        return self.db.execute("INSERT INTO refresh_runs (trigger, started_at) VALUES (?, ?) "
                               "RETURNING id", (trigger, time.time())).fetchone()[0]

    def finish_refresh(self, run_id: int, status: str, counts: dict, error: str = "") -> None:
        """Record the end of a refresh: 'ok' with its counts, or 'failed' and why."""
        self.db.execute(
            "UPDATE refresh_runs SET finished_at = ?, status = ?, pages = ?, new = ?, "
            "updated = ?, gone = ?, indexed = ?, documents = ?, error = ? WHERE id = ?",
            (time.time(), status, *(counts.get(k, 0) for k in REFRESH_COUNTS), error, run_id))

    def refresh_runs(self, limit: int = 10) -> list[dict]:
        """The most recent refreshes, newest first."""
        rows = self.db.execute("SELECT * FROM refresh_runs ORDER BY id DESC LIMIT ?", (limit,))
        return [dict(r) for r in rows]


def _upsert(table: str, columns: tuple[str, ...], key: str) -> str:
    """INSERT that replaces the row with the same key (both back ends)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
            f"({', '.join('?' for _ in columns)}) ON CONFLICT({key}) DO UPDATE SET {updates}")


def _stats_dict(row) -> dict:
    data = dict(row)
    data.update(json.loads(data.pop("data")))
    return data


def _row_dict(row) -> dict:
    data = dict(row)
    data["attachments"] = json.loads(data["attachments"])
    return data
