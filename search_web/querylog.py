"""The query log: how often each normalized query was asked per day, and whether it found
anything. No addresses, agents or times of day: nothing about who asked. It feeds 热门搜索."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

from indexer.analysis import normalize

MAX_QUERY = 100


class QueryLog:
    """A small SQLite file of (day, query) → asked, found."""

    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS queries (day TEXT NOT NULL, "
                        "query TEXT NOT NULL, asked INTEGER NOT NULL, found INTEGER NOT NULL, "
                        "PRIMARY KEY (day, query))")
        self.lock = threading.Lock()

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
