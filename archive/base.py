"""The archive every stage reads and writes, on SQLite or PostgreSQL (db.py): the documents.

One row per document keyed by canonical URL holds its current version (the ones it replaced are
kept in `versions`, versions.py); every insert, change or removal gives the row a new `seq` from
a counter, so the indexer can ask "what changed since seq N".
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
from .db import upsert
from .model import Document, doc_id_for
from .ocr import OcrQueue, raw_digest
from .reports import ReportTables
from .runs import RunLog
from .schema import migrate
from .versions import VersionLog


class Archive(RunLog, ReportTables, OcrQueue, VersionLog):
    """A connection to one archive: a SQLite file path or a `postgresql://` URL. Documents
    here; the crawl and refresh runs (`runs.py`), the report statistics (`reports.py`), the
    OCR of scans (`ocr.py`) and earlier versions of documents (`versions.py`) in their own
    modules."""

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
        inherit their page's) the same 索引号, if any. Files without text (scans, to be OCR'd)
        are never the same by their text: it is only their linking page's title. Only the
        branches that apply are asked: an empty 索引号 looked up in its index would walk every
        document without one."""
        same, params = [], []
        if doc.body:
            same.append("text_hash = ?")
            params.append(doc.text_hash())
        if not doc.parent_url and doc.index_number:
            same.append("(index_number = ? AND parent_url = '')")
            params.append(doc.index_number)
        if not same:
            return None
        row = self.db.execute(
            f"SELECT url FROM documents WHERE ({' OR '.join(same)}) AND url != ? AND "
            "source = ? AND status = 'live' LIMIT 1", (*params, doc.url, doc.source)).fetchone()
        return row[0] if row else None

    def upsert(self, doc: Document) -> str:
        """Store a fetched document; return 'new', 'updated', 'unchanged', 'restored' (a
        withdrawn document is back, changed or not) or 'duplicate'.

        A URL not seen before whose text or 索引号 a live document of the same source already
        has is a duplicate (a mirror, another column listing it): it is not stored.
        """
        digest = doc.content_hash()
        now = time.time()
        with self.db.write():
            row = self.db.execute("SELECT content_hash, status, text_source, ocr_of, version, "
                                  "first_seen, fetched_at FROM documents WHERE url = ?",
                                  (doc.url,)).fetchone()
            same = row is not None and (
                row["ocr_of"] == raw_digest(doc.raw) if _read_by_ocr(row, doc)
                else row["content_hash"] == digest)
            back = row is not None and row["status"] != "live"
            if row is None and self._duplicate_of(doc):
                outcome = "duplicate"
            elif same and row["status"] == "live":
                self.db.execute("UPDATE documents SET fetched_at = ?, checked_at = ?, etag = ?, "
                                "last_modified = ? WHERE url = ?",
                                (now, now, doc.etag, doc.last_modified, doc.url))
                outcome = "unchanged"
            else:
                # a changed document keeps the version it replaces; one back as it was is
                # the same version again
                version, first_seen = (1, now) if row is None else \
                    (row["version"], row["first_seen"] or row["fetched_at"]) if same else \
                    (self._keep(doc.url), now)
                values = asdict(doc)
                del values["raw"], values["raw_type"]
                values["attachments"] = json.dumps(doc.attachments, ensure_ascii=False)
                values.update(doc_id=doc_id_for(doc.url), content_hash=digest, fetched_at=now,
                              status="live", seq=self._next_seq(), text_hash=doc.text_hash(),
                              text_source="", ocr_confidence=None, ocr_of="",
                              version=version, first_seen=first_seen, gone_at=None,
                              restored_at=now if back else None, checked_at=now)
                self.db.execute(upsert("documents", tuple(values), "url"),
                                tuple(values.values()))
                outcome = "restored" if back else "updated" if row else "new"
            if doc.raw and outcome != "duplicate":
                self._store_raw(doc.url, doc.raw, doc.raw_type)
        return outcome

    def _store_raw(self, url: str, body: bytes, content_type: str) -> None:
        self.db.execute(upsert("raw_documents", ("url", "content_type", "body", "stored_at"),
                                "url"), (url, content_type, zlib.compress(body, 6), time.time()))

    def raw(self, url: str) -> tuple[bytes, str] | None:
        """The fetched bytes kept for a document and their Content-Type, or None."""
        row = self.db.execute("SELECT body, content_type FROM raw_documents WHERE url = ?",
                              (url,)).fetchone()
        return (zlib.decompress(row[0]), row[1]) if row else None

    def mark_gone(self, url: str) -> str:
        """Record that a known document answers "not there": a live one is withdrawn (status
        'gone', `gone_at` now), kept with its versions, and comes back live if it reappears.
        Return 'gone', 'still_gone' (it was already), or '' for a URL the archive lacks."""
        now = time.time()
        with self.db.write():
            status = self._status(url)
            if status is None:
                return ""
            if status != "live":
                self.db.execute("UPDATE documents SET checked_at = ? WHERE url = ?", (now, url))
                return "still_gone"
            self.db.execute("UPDATE documents SET status = 'gone', gone_at = ?, checked_at = ?, "
                            "seq = ? WHERE url = ?", (now, now, self._next_seq(), url))
        return "gone"

    def touch(self, url: str) -> str:
        """Record that a known document answered "not modified" (HTTP 304): a live one was
        confirmed ('unchanged'); a withdrawn one is back as it was ('restored'); '' for a URL
        the archive lacks."""
        now = time.time()
        with self.db.write():
            status = self._status(url)
            if status is None:
                return ""
            if status == "live":
                self.db.execute("UPDATE documents SET fetched_at = ?, checked_at = ? "
                                "WHERE url = ?", (now, now, url))
                return "unchanged"
            self.db.execute("UPDATE documents SET status = 'live', gone_at = NULL, "
                            "restored_at = ?, fetched_at = ?, checked_at = ?, seq = ? "
                            "WHERE url = ?", (now, now, now, self._next_seq(), url))
        return "restored"

    def _status(self, url: str) -> str | None:
        """A document's status ('live', 'gone'), or None for a URL the archive lacks."""
        row = self.db.execute("SELECT status FROM documents WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def unasked(self, source: str, before: float, limit: int) -> list[dict]:
        """Up to `limit` documents of a source (live or withdrawn) not asked since `before`,
        the longest unasked first: {url, etag, last_modified, status, parent_url}. Both are
        asked conditionally: a 304 from a withdrawn one means it is back as it was."""
        rows = self.db.execute(
            "SELECT url, etag, last_modified, status, parent_url FROM documents "
            "WHERE source = ? AND coalesce(checked_at, fetched_at) < ? "
            "ORDER BY coalesce(checked_at, fetched_at), url LIMIT ?",
            (source, before, limit))
        return [dict(r) for r in rows]

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

    def document_counts(self) -> list[dict]:
        """Live documents by source and type: [{source, doc_type, documents}]."""
        rows = self.db.execute("SELECT source, doc_type, COUNT(*) AS documents FROM documents "
                               "WHERE status = 'live' GROUP BY source, doc_type "
                               "ORDER BY source, doc_type")
        return [dict(r) for r in rows]


def _read_by_ocr(row, doc: Document) -> bool:
    """Whether a stored document's text came from OCR of the bytes the fetched one, still
    without text, brings again or anew: then those bytes decide whether it changed."""
    return row["text_source"] == "ocr" and not doc.body and bool(doc.raw)


def _row_dict(row) -> dict:
    data = dict(row)
    data["attachments"] = json.loads(data["attachments"])
    return data
