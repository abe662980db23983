"""The query log: how often each normalized query was asked per day, and whether it found
anything. No addresses, agents or times of day: nothing about who asked. The web app writes it
(`querylog.sqlite3` next to the index directory, or the archive's PostgreSQL database, which
every web node shares); it feeds 热门搜索, and each index update adds the chunks of frequently
asked queries to the suggestion vocabulary."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from archive import db as backends
from indexer.analysis import normalize

log = logging.getLogger(__name__)
MAX_QUERY = 100
FILE = "querylog.sqlite3"


def default_target(index_root: str | Path, archive: str | Path | None = None) -> str | Path:
    """The query log's place: the archive's database when that is PostgreSQL, else a file
    next to the index directory, in the data directory."""
    if archive is not None and backends.is_postgres(archive):
        return archive
    return Path(index_root).parent / FILE


class QueryLog:
    """A table of (day, query) → asked, found, in a SQLite file or a PostgreSQL database. It
    connects on first use in each process: web workers are forked from a master that made the
    app, and a connection must not cross a fork."""

    def __init__(self, target: str | Path):
        self.target = target
        self.lock = threading.Lock()
        self._db: backends.SQLite | backends.Postgres | None = None
        self._pid = 0

    @property
    def target_name(self) -> str:
        return backends.redacted(self.target)

    def exists(self) -> bool:
        """Whether there is a log to read (a file not yet written is none)."""
        return backends.is_postgres(self.target) or Path(self.target).exists()

    @property
    def db(self) -> backends.SQLite | backends.Postgres:
        if self._db is None or self._pid != os.getpid():
            self._db = backends.connect(self.target)
            self._db.script("CREATE TABLE IF NOT EXISTS queries (day TEXT NOT NULL, "
                            "query TEXT NOT NULL, asked INTEGER NOT NULL, "
                            "found INTEGER NOT NULL, PRIMARY KEY (day, query))")
            self._pid = os.getpid()
        return self._db

    def record(self, query: str, total: int) -> None:
        """Count one search (only its normalized text and whether it found anything)."""
        text = " ".join(normalize(query).split())[:MAX_QUERY]
        if not text:
            return
        with self._guarded():  # found: 0 or 1, so | keeps "ever found" on both back ends
            self.db.execute(
                "INSERT INTO queries VALUES (?, ?, 1, ?) ON CONFLICT(day, query) DO UPDATE SET "
                "asked = queries.asked + 1, found = queries.found | excluded.found",
                (dt.date.today().isoformat(), text, int(total > 0)))

    def hot(self, days: int = 30, limit: int = 8) -> list[str]:
        """The most asked queries of the last days that found something."""
        since = (dt.date.today() - dt.timedelta(days=days)).isoformat()
        rows = []
        with self._guarded():
            rows = self.db.execute(
                "SELECT query FROM queries WHERE day >= ? GROUP BY query HAVING max(found) = 1 "
                "ORDER BY sum(asked) DESC, query LIMIT ?", (since, limit)).fetchall()
        return [r[0] for r in rows]

    @contextmanager
    def _guarded(self):
        """Serialize use of the connection; a database that fails (a PostgreSQL restart, a
        full disk) costs the log one entry, never the search, and the next use reconnects."""
        with self.lock:
            try:
                yield
            except backends.database_errors() as error:
                log.warning("query log unavailable (%s): %s", self.target_name,
                            " ".join(str(error).split()))
                self.close()

    def frequent_chunks(self, days: int = 90, limit: int = 2000) -> dict[str, int]:
        """Space-separated chunks of the queries that found something, with how often asked."""
        since = (dt.date.today() - dt.timedelta(days=days)).isoformat()
        with self.lock:
            rows = self.db.execute(
                "SELECT query, sum(asked) FROM queries WHERE day >= ? GROUP BY query "
                "HAVING max(found) = 1 ORDER BY sum(asked) DESC LIMIT ?", (since, limit))
            chunks: dict[str, int] = {}
            for query, asked in rows:
                for chunk in query.split():
                    chunks[chunk] = chunks.get(chunk, 0) + asked
        return chunks

    def close(self) -> None:
        """Close the connection."""
        if self._db is not None and self._pid == os.getpid():
            try:
                self._db.close()
            except backends.database_errors():
                pass  # a connection already broken
        self._db = None
