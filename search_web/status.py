"""The operator's view (/status, /api/status): crawl runs per source with walls met, the live
index, document counts, refreshes and the schedule, disk use. Nothing secret: no paths, no
service URLs, no settings beyond the schedule."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import time
from pathlib import Path

from croniter import croniter
from flask import abort, current_app, request

from indexer import store
from search_web.common import reader
from search_web.stats import NoArchive, archive

RUNS_PER_SOURCE = 5
REFRESH_RUNS = 10


def check_allowed() -> None:
    """404 unless [web] status lets this request see the status: `on`, or `host:port` and the
    request came in on that listening address."""
    mode = current_app.config.get("STATUS", "on")
    if mode == "on":
        return
    if mode != "off" and _arrived_on(mode):
        return
    abort(404)


def _arrived_on(address: str) -> bool:
    host, _, port = address.rpartition(":")
    environ = request.environ
    if environ.get("SERVER_PORT") != port:
        return False
    server = environ.get("SERVER_NAME", "")
    if host in ("0.0.0.0", "::", "[::]", server):
        return True
    try:
        return server in {info[4][0] for info in socket.getaddrinfo(host.strip("[]"), None)}
    except OSError:
        return False


def when(timestamp: float | None) -> str | None:
    """A Unix time as ISO 8601 in the server's time zone, to the second."""
    if not timestamp:
        return None
    return dt.datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds")


def dir_bytes(path: Path) -> int:
    """Bytes of the files under a directory (or of one file and its SQLite companions)."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal"),
                                          path.with_name(path.name + "-shm")) if p.exists())


def crawl_run(row: dict) -> dict:
    """One crawl run as the status shows it."""
    walls = json.loads(row.get("walls") or "{}")
    ended = row["finished_at"] or (time.time() if row["status"] == "running" else None)
    return {"started_at": when(row["started_at"]), "finished_at": when(row["finished_at"]),
            "seconds": round(ended - row["started_at"], 1) if ended else None,
            "status": row["status"],
            **{k: row.get(k, 0) for k in ("pages", "new", "updated", "unchanged", "gone",
                                          "restored", "attachments", "duplicates")},
            "errors": json.loads(row.get("error_detail") or "{}"),
            "blocked_origins": walls.get("blocked", {}), "walled_paths": walls.get("walled", {}),
            "limits": json.loads(row.get("limits") or "{}")}


def refresh_run(row: dict) -> dict:
    """One refresh as the status shows it."""
    return {"trigger": row["trigger"], "started_at": when(row["started_at"]),
            "finished_at": when(row["finished_at"]), "status": row["status"],
            "seconds": round((row["finished_at"] or time.time()) - row["started_at"], 1),
            **{k: row[k] for k in ("pages", "new", "updated", "gone", "indexed", "documents")},
            "error": row["error"]}


def _index_part() -> dict:
    root = reader().root
    generation = store.current_generation(root)
    meta = store.read_meta(generation) if generation else {}
    return {"engine": reader().engine.NAME, "generation": generation.name if generation else None,
            "documents": meta.get("documents"), "updated_at": when(meta.get("built_at")),
            "archive_seq": meta.get("archive_seq"),
            "bytes": dir_bytes(root) if root.exists() else 0}


def _archive_part() -> dict:
    try:
        db = archive()
    except NoArchive:
        return {"available": False, "sources": [], "documents": [], "refreshes": [], "bytes": 0}
    configured = current_app.config.get("SOURCES") or []
    names = list(dict.fromkeys([*configured, *db.run_sources()]))
    return {"available": True, "documents": db.document_counts(),
            "sources": [{"name": name, "configured": name in configured,
                         "runs": [crawl_run(r) for r in db.runs(RUNS_PER_SOURCE, source=name)]}
                        for name in names],
            "refreshes": [refresh_run(r) for r in db.refresh_runs(REFRESH_RUNS)],
            "bytes": db.size_bytes()}


def _schedule_part() -> dict:
    cron = current_app.config.get("SCHEDULE_CRON")
    if not cron:
        return {"cron": None, "next_run": None}
    due = croniter(cron, dt.datetime.now()).get_next(dt.datetime)
    return {"cron": cron, "next_run": due.astimezone().isoformat(timespec="seconds")}


def status_data() -> dict:
    """Everything /status shows, as /api/status returns it."""
    parts = _archive_part()
    root = reader().root
    disk = shutil.disk_usage(root if root.exists() else root.parent if root.parent.exists()
                             else Path.cwd())
    return {"generated_at": when(time.time()), "index": _index_part(),
            "documents": parts.pop("documents"), "sources": parts.pop("sources"),
            "schedule": {**_schedule_part(), "runs": parts.pop("refreshes")},
            "archive": {"available": parts["available"], "bytes": parts["bytes"]},
            "disk": {"free_bytes": disk.free, "total_bytes": disk.total}}
