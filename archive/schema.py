"""The archive's tables, and the migrations that bring an archive written by an earlier
version up to them: one place for both back ends (`{id}`, `{blob}` and `{real}` are the column
types that differ, see db.py)."""

from __future__ import annotations

from .db import Postgres, SQLite

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    url TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    site TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    publisher TEXT NOT NULL DEFAULT '',
    pub_date TEXT NOT NULL DEFAULT '',
    written_date TEXT NOT NULL DEFAULT '',
    doc_number TEXT NOT NULL DEFAULT '',
    index_number TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    site_name TEXT NOT NULL DEFAULT '',
    section TEXT NOT NULL DEFAULT '',
    doc_type TEXT NOT NULL DEFAULT 'other',
    report_year INTEGER,
    report_template TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]',
    parent_url TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL,
    fetched_at {real} NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'live',
    seq BIGINT NOT NULL,
    text_hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS documents_seq ON documents(seq);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS raw_documents (
    url TEXT PRIMARY KEY,
    content_type TEXT NOT NULL DEFAULT '',
    body {blob} NOT NULL,
    stored_at {real} NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    url TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    fields TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text_source TEXT NOT NULL DEFAULT '',
    first_seen {real} NOT NULL,
    last_seen {real} NOT NULL,
    raw {blob},
    raw_type TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (url, version)
);
CREATE TABLE IF NOT EXISTS ocr_layouts (
    url TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS report_parses (
    doc_id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS report_stats (
    doc_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    publisher TEXT NOT NULL,
    report_year INTEGER NOT NULL,
    template TEXT NOT NULL,
    source TEXT NOT NULL,
    data TEXT NOT NULL,
    failed INTEGER NOT NULL DEFAULT 0,
    new INTEGER,
    granted_rate {real},
    review_corrected INTEGER,
    litigation_corrected INTEGER
);
CREATE INDEX IF NOT EXISTS report_stats_agency ON report_stats(publisher, report_year);
CREATE TABLE IF NOT EXISTS crawl_runs (
    id {id},
    source TEXT NOT NULL,
    started_at {real} NOT NULL,
    finished_at {real},
    pages INTEGER NOT NULL DEFAULT 0,
    new INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    gone INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    error_detail TEXT NOT NULL DEFAULT '{{}}',
    status TEXT NOT NULL DEFAULT 'running',
    attachments INTEGER NOT NULL DEFAULT 0,
    walls TEXT NOT NULL DEFAULT '{{}}'
);
CREATE TABLE IF NOT EXISTS refresh_runs (
    id {id},
    trigger TEXT NOT NULL,
    started_at {real} NOT NULL,
    finished_at {real},
    status TEXT NOT NULL DEFAULT 'running',
    pages INTEGER NOT NULL DEFAULT 0,
    new INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    gone INTEGER NOT NULL DEFAULT 0,
    indexed INTEGER NOT NULL DEFAULT 0,
    documents INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT ''
);
"""

ADDED_COLUMNS = (
    ("crawl_runs", "attachments", "INTEGER NOT NULL DEFAULT 0"),
    ("crawl_runs", "walls", "TEXT NOT NULL DEFAULT '{}'"),
    ("crawl_runs", "duplicates", "INTEGER NOT NULL DEFAULT 0"),
    ("documents", "text_hash", "TEXT NOT NULL DEFAULT ''"),
    ("documents", "report_template", "TEXT NOT NULL DEFAULT ''"),
    ("documents", "site_name", "TEXT NOT NULL DEFAULT ''"),
    ("documents", "section", "TEXT NOT NULL DEFAULT ''"),
    ("report_stats", "missing_rows", "INTEGER NOT NULL DEFAULT 0"),
    ("crawl_runs", "limits", "TEXT NOT NULL DEFAULT '{}'"),
    ("crawl_runs", "pid", "INTEGER NOT NULL DEFAULT 0"),
    ("crawl_runs", "host", "TEXT NOT NULL DEFAULT ''"),
    ("documents", "text_source", "TEXT NOT NULL DEFAULT ''"),
    ("documents", "ocr_confidence", "REAL"),
    ("documents", "ocr_of", "TEXT NOT NULL DEFAULT ''"),
    # the current version's number and when it was first seen (archive/versions.py)
    ("documents", "version", "INTEGER NOT NULL DEFAULT 1"),
    ("documents", "first_seen", "DOUBLE PRECISION"),
    # when a document was first found withdrawn (status 'gone'); NULL while it is live
    ("documents", "gone_at", "DOUBLE PRECISION"),
    # when a withdrawn document was found back (NULL unless it came back), and when its URL
    # was last asked, whatever the answer (crawler/withdrawals.py re-asks the least recent)
    ("documents", "restored_at", "DOUBLE PRECISION"),
    ("documents", "checked_at", "DOUBLE PRECISION"),
    ("crawl_runs", "restored", "INTEGER NOT NULL DEFAULT 0"),
)
INDEXES = (
    "CREATE INDEX IF NOT EXISTS documents_text ON documents(text_hash)",
    "CREATE INDEX IF NOT EXISTS documents_index_number ON documents(index_number)",
)
# the tables in the order a copy writes them, with the columns that identify a row
TABLES = (("counters", "name"), ("documents", "url"), ("raw_documents", "url"),
          ("versions", "url"), ("ocr_layouts", "url"),
          ("report_parses", "doc_id"), ("report_stats", "doc_id"), ("crawl_runs", "id"),
          ("refresh_runs", "id"))


def migrate(db: SQLite | Postgres) -> None:
    """Create the tables an archive lacks and add the columns and indexes that archives
    written by earlier versions lack."""
    db.script(SCHEMA.format(**db.types))
    with db.write():
        for table in {t for t, _, _ in ADDED_COLUMNS}:
            have = db.columns(table)
            for name, column, ddl in ADDED_COLUMNS:
                if name == table and column not in have:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}")
        for ddl in INDEXES:
            db.execute(ddl)
