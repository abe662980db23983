"""Earlier versions of documents (issue #19): an agency that edits a published document does not
erase what it said.

When a re-crawl brings a document whose text, title or metadata changed (or, for a scan, new
bytes), the row it replaces is kept in `versions` with its number, its kept bytes and when it
was first and last seen; the document row holds the current version and its number. An
unchanged answer (304, or the same content) adds nothing.
"""

from __future__ import annotations

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
        fields = {k: row[k] for k in FIELDS}
        fields["attachments"] = json.loads(row["attachments"])
        self.db.execute(
            "INSERT INTO versions (url, version, title, body, fields, content_hash, "
            "text_source, first_seen, last_seen, raw, raw_type) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (url, row["version"], row["title"], row["body"],
             json.dumps(fields, ensure_ascii=False, sort_keys=True), row["content_hash"],
             row["text_source"], row["first_seen"] or row["fetched_at"], row["fetched_at"],
             raw[0] if raw else None, raw[1] if raw else ""))
        return row["version"] + 1

    def versions(self, url: str) -> list[dict]:
        """Every version of a document, oldest first, the current one last (`current`):
        {version, title, body, fields, first_seen, last_seen, current, changed}, where
        `changed` names what differs from the version before ("title", "body", a field)."""
        rows = [dict(r) for r in self.db.execute(
            "SELECT version, title, body, fields, first_seen, last_seen FROM versions "
            "WHERE url = ? ORDER BY version", (url,))]
        for row in rows:
            row["fields"], row["current"] = json.loads(row["fields"]), False
        current = self.db.execute("SELECT * FROM documents WHERE url = ?", (url,)).fetchone()
        if current is None:
            return []
        fields = {k: current[k] for k in FIELDS}
        fields["attachments"] = json.loads(current["attachments"])
        rows.append({"version": current["version"], "title": current["title"],
                     "body": current["body"], "fields": fields,
                     "first_seen": current["first_seen"] or current["fetched_at"],
                     "last_seen": current["fetched_at"], "current": True})
        before = None
        for row in rows:
            row["changed"] = [] if before is None else [
                name for name in ("title", "body") if row[name] != before[name]] + [
                name for name in FIELDS if row["fields"][name] != before["fields"][name]]
            before = row
        return rows

    def changes(self, after: int, limit: int) -> list[dict]:
        """The documents that appeared, changed, were withdrawn or came back since the
        archive's sequence number `after`, oldest change first, at most `limit`: {doc_id,
        url, title, publisher, source, seq, status, version, first_seen, gone_at, changed}
        (`changed`: what differs from the version before, for a document past version 1)."""
        rows = [dict(r) for r in self.db.execute(
            "SELECT doc_id, url, title, publisher, source, seq, status, version, first_seen, "
            "fetched_at, gone_at FROM documents WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, limit))]
        for row in rows:
            row["first_seen"] = row["first_seen"] or row.pop("fetched_at")
            row.pop("fetched_at", None)
            row["changed"] = self.versions(row["url"])[-1]["changed"] \
                if row["version"] > 1 else []
        return rows

    def version_raw(self, url: str, version: int) -> tuple[bytes, str] | None:
        """The bytes kept with an earlier version of a document and their Content-Type, or
        None."""
        row = self.db.execute("SELECT raw, raw_type FROM versions WHERE url = ? AND "
                              "version = ?", (url, version)).fetchone()
        return (zlib.decompress(row[0]), row[1]) if row and row[0] is not None else None
