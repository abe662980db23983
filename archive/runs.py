"""The log of crawl runs (per source: counts, errors by kind, bot walls) and of refreshes."""

from __future__ import annotations

import json
import os
import socket
import time

from .model import REFRESH_COUNTS


class RunLog:
    """What `Archive` knows of the runs that filled it (uses the archive's `db`)."""

    def start_run(self, source: str) -> int:
        """Record the start of a crawl run by this process; return its id. A run of the
        source left 'running' by a process of this host that is gone is marked 'killed'."""
        host = socket.gethostname()
        for run_id, pid in self.db.execute(
                "SELECT id, pid FROM crawl_runs WHERE source = ? AND status = 'running' "
                "AND host = ?", (source, host)).fetchall():
            if not _alive(pid):
                self.db.execute("UPDATE crawl_runs SET status = 'killed' WHERE id = ?",
                                (run_id,))
        return self.db.execute("INSERT INTO crawl_runs (source, started_at, pid, host) "
                               "VALUES (?, ?, ?, ?) RETURNING id",
                               (source, time.time(), os.getpid(), host)).fetchone()[0]

    def finish_run(self, run_id: int, counts: dict, errors: dict, status: str,
                   walls: dict | None = None, limits: dict | None = None) -> None:
        """Record the end of a crawl run: counts, errors by kind, bot walls met
        (`{"blocked": {origin: …}, "walled": {origin: {path: …}}}`, see crawler/walls.py) and
        what the crawl held back (crawler/outcomes.py). `status`: finished, stopped (a page
        limit) or interrupted (a signal)."""
        self.db.execute(
            "UPDATE crawl_runs SET finished_at = ?, pages = ?, new = ?, updated = ?, "
            "unchanged = ?, gone = ?, restored = ?, attachments = ?, duplicates = ?, errors = ?, "
            "error_detail = ?, walls = ?, limits = ?, status = ? WHERE id = ?",
            (time.time(), counts.get("pages", 0), counts.get("new", 0), counts.get("updated", 0),
             counts.get("unchanged", 0), counts.get("gone", 0), counts.get("restored", 0),
             counts.get("attachments", 0),
             counts.get("duplicate", 0),
             sum(errors.values()), json.dumps(errors, ensure_ascii=False),
             json.dumps(walls or {}, ensure_ascii=False),
             json.dumps(limits or {}, ensure_ascii=False), status, run_id))

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


def _alive(pid: int) -> bool:
    """Whether a process of this host is running (a pid of 0: not recorded, not known)."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
