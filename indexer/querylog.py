"""The query log: how often each normalized query was asked per day, and whether it found
anything. No addresses, agents or times of day: nothing about who asked. The web app writes it
(`querylog.sqlite3` next to the index directory); it feeds 热门搜索, and each index update adds
the chunks of frequently asked queries to the suggestion vocabulary."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from pathlib import Path

from indexer.analysis import normalize

MAX_QUERY = 100
FILE = "querylog.sqlite3"


def default_path(index_root: str | Path) -> Path:
    """The query log's place: next to the index directory, in the data directory."""
    return Path(index_root).parent / FILE


class QueryLog:
    """A small SQLite file of (day, query) → asked, found. It connects on first use in each
    process: web workers are forked from a master that made the app, and a SQLite connection
    must not cross a fork."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS queries (day TEXT NOT NULL, "
                             "query TEXT NOT NULL, asked INTEGER NOT NULL, "
                             "found INTEGER NOT NULL, PRIMARY KEY (day, query))")
            self._pid = os.getpid()
        return self._db

    def record(self, query: str, total: int) -> None:
        """Count one search (only its normalized text and whether it found anything)."""
        text = " ".join(normalize(query).split())[:MAX_QUERY]
        if not text:
            return
        with self.lock:
            self.db.execute(
                "INSERT INTO queries VALUES (?, ?, 1, ?) ON CONFLICT(day, query) DO UPDATE SET "
                "asked = asked + 1, found = max(found, excluded.found)",
                (dt.date.today().isoformat(), text, int(total > 0)))

    def hot(self, days: int = 30, limit: int = 8) -> list[str]:
        """The most asked queries of the last days that found something."""
        since = (dt.date.today() - dt.timedelta(days=days)).isoformat()
        with self.lock:
            rows = self.db.execute(
                "SELECT query FROM queries WHERE day >= ? GROUP BY query HAVING max(found) = 1 "
                "ORDER BY sum(asked) DESC, query LIMIT ?", (since, limit)).fetchall()
        return [r[0] for r in rows]

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
        """Close the file."""
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None
