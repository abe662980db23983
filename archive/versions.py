"""Earlier versions of documents (issue #19): an agency that edits a published document does not
erase what it said.

When a re-crawl brings a document whose text, title or metadata changed (or, for a scan, new
bytes), the row it replaces is kept in `versions` with its number, its kept bytes and when it
was first and last seen; the document row holds the current version and its number. An
unchanged answer (304, or the same content) adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib

# What a version records besides its title and body: the metadata an edit may correct
FIELDS = ("publisher", "pub_date", "written_date", "doc_number", "index_number", "category",
          "site_name", "section", "doc_type", "report_year", "attachments")


class VersionLog:
    """The versions of documents; mixed into Archive (base.py), whose upsert calls `_keep`."""

    def _keep(self, url: str) -> int:
        """Copy the current row of a document (and its kept bytes) into `versions`; return
        the number the new version gets."""
        row = self.db.execute("SELECT * FROM documents WHERE url = ?", (url,)).fetchone()
        raw = self.db.execute("SELECT body, content_type FROM raw_documents WHERE url = ?",
                              (url,)).fetchone()
        kept = as_version(row)
        self.db.execute(
            "INSERT INTO versions (url, version, title, body, fields, content_hash, "
            "text_source, first_seen, last_seen, raw, raw_type) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (url, kept["version"], kept["title"], kept["body"],
             json.dumps(kept["fields"], ensure_ascii=False, sort_keys=True),
             row["content_hash"], row["text_source"], kept["first_seen"], kept["last_seen"],
             raw[0] if raw else None, raw[1] if raw else ""))
        return row["version"] + 1

    def _kept(self, url: str, newest_only: bool = False) -> list[dict]:
        """The kept (earlier) versions of a document, oldest first, or the newest alone."""
        order = "DESC LIMIT 1" if newest_only else ""
        rows = [dict(r) for r in self.db.execute(
            "SELECT version, title, body, fields, first_seen, last_seen FROM versions "
            f"WHERE url = ? ORDER BY version {order}", (url,))]
        for row in rows:
            row["fields"], row["current"] = json.loads(row["fields"]), False
        return rows

    def versions(self, url: str) -> list[dict]:
        """Every version of a document, oldest first, the current one last (`current`):
        {version, title, body, fields, first_seen, last_seen, current, changed}, where
        `changed` names what differs from the version before ("title", "body", a field)."""
        current = self.db.execute("SELECT * FROM documents WHERE url = ?", (url,)).fetchone()
        if current is None:
            return []
        rows = [*self._kept(url), as_version(current)]
        for before, row in zip([None, *rows[:-1]], rows, strict=True):
            row["changed"] = [] if before is None else differences(before, row)
        return rows

    def changes(self, after: int, limit: int) -> list[dict]:
        """The documents that appeared, changed, were withdrawn or came back since the
        archive's sequence number `after`, oldest change first, at most `limit`: {doc_id,
        url, title, publisher, source, seq, status, version, pub_date, doc_number, kind, at,
        first_seen, changed} (`kind`, `at`: see `event`; `changed`: what differs from the
        version before, for a document past version 1)."""
        rows = self.db.execute("SELECT * FROM documents WHERE seq > ? ORDER BY seq LIMIT ?",
                               (after, limit)).fetchall()
        return [self._change(row) for row in rows]

    def _change(self, row) -> dict:
        """A document row as the change that gave it its `seq` (see `event`)."""
        now = as_version(row)
        before = self._kept(row["url"], newest_only=True) if row["version"] > 1 else []
        kind, at = event(row)
        return {**{k: row[k] for k in ("doc_id", "url", "title", "publisher", "source", "seq",
                                       "status", "version", "pub_date", "doc_number")},
                "kind": kind, "at": at, "first_seen": now["first_seen"],
                "changed": differences(before[0], now) if before else []}

    def latest(self, limit: int, source: str = "", publisher: str = "",
               ids: tuple[str, ...] = ()) -> list[dict]:
        """The documents whose latest change is newest, newest first, at most `limit`, of one
        source or publisher, or among some documents (`ids`), if named: the changes (see
        `changes`) a feed shows."""
        rows = self._latest("*", limit, source, publisher, ids)
        return [self._change(row) for row in rows]

    def latest_ids(self, limit: int) -> list[str]:
        """The public ids of the `limit` documents whose latest change is newest, newest
        first (what `latest` would list, without reading their versions)."""
        return [row[0] for row in self._latest("doc_id", limit)]

    def _latest(self, columns: str, limit: int, source: str = "", publisher: str = "",
                ids: tuple[str, ...] = ()) -> list:
        where = [(c, (v,)) for c, v in (("source = ?", source), ("publisher = ?", publisher)) if v]
        if ids:
            where.append((f"doc_id IN ({', '.join('?' for _ in ids)})", ids))
        clause = " AND ".join(c for c, _ in where)
        return self.db.execute(
            f"SELECT {columns} FROM documents {'WHERE ' + clause if clause else ''} "
            "ORDER BY seq DESC LIMIT ?", (*(v for _, vs in where for v in vs), limit)).fetchall()

    def changes_between(self, start: float, end: float, sources: tuple[str, ...] = (),
                        limit: int = 10_000) -> list[dict]:
        """The changes (see `changes`) whose moment falls in [start, end), of the named
        sources (all: ()), newest first, at most `limit`. A document counts once, by its
        latest change."""
        among = f" AND source IN ({', '.join('?' for _ in sources)})" if sources else ""
        rows = self.db.execute(
            f"SELECT * FROM documents WHERE {EVENT_AT} >= ? AND {EVENT_AT} < ?{among} "
            f"ORDER BY {EVENT_AT} DESC, seq DESC LIMIT ?", (start, end, *sources, limit))
        return [self._change(row) for row in rows.fetchall()]

    def version_raw(self, url: str, version: int) -> tuple[bytes, str] | None:
        """The bytes kept with an earlier version of a document and their Content-Type, or
        None."""
        row = self.db.execute("SELECT raw, raw_type FROM versions WHERE url = ? AND "
                              "version = ?", (url, version)).fetchone()
        return (zlib.decompress(row[0]), row[1]) if row and row[0] is not None else None


def as_version(row) -> dict:
    """A document row as the version it holds (`current`)."""
    fields = {k: row[k] for k in FIELDS}
    fields["attachments"] = json.loads(row["attachments"])
    return {"version": row["version"], "title": row["title"], "body": row["body"],
            "fields": fields, "first_seen": row["first_seen"] or row["fetched_at"],
            "last_seen": row["fetched_at"], "current": True}


# `event`'s moment in SQL, to select and order by it (the two say the same)
EVENT_AT = ("CASE WHEN status != 'live' THEN coalesce(gone_at, fetched_at) "
            "WHEN restored_at IS NOT NULL THEN restored_at "
            "ELSE coalesce(first_seen, fetched_at) END")


def event(row) -> tuple[str, float]:
    """What last happened to a document, and when (epoch seconds): 'withdrawn', 'restored'
    (back after it was withdrawn, changed or not), 'changed' (a version after the first) or
    'new'. EVENT_AT is the same moment in SQL."""
    if row["status"] != "live":
        return "withdrawn", row["gone_at"] or row["fetched_at"]
    if row["restored_at"] is not None:
        return "restored", row["restored_at"]
    return ("changed" if row["version"] > 1 else "new"), row["first_seen"] or row["fetched_at"]


def public(change: dict) -> dict:
    """A change (see `VersionLog.changes`) as /api/changes and `gongkai changes --json` give
    it: {id, url, title, publisher, source, kind, at (UTC, ISO 8601), version, changed}."""
    return {"id": change["doc_id"], "url": change["url"], "title": change["title"],
            "publisher": change["publisher"], "source": change["source"],
            "kind": change["kind"],
            "at": dt.datetime.fromtimestamp(change["at"], dt.UTC).isoformat(timespec="seconds"),
            "version": change["version"], "changed": change["changed"]}


def differences(before: dict, after: dict) -> list[str]:
    """What differs between two versions: "title", "body", then the fields' names."""
    return [name for name in ("title", "body") if after[name] != before[name]] + [
        name for name in FIELDS if after["fields"][name] != before["fields"][name]]
