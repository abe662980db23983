"""Index generations on disk: `index/CURRENT` names the live generation directory.

    index/CURRENT          "gen-000003" (replaced atomically)
    index/gen-000003/      the engine's files + gongkai.json (engine, index version, archive seq)
    index/gen-000002/      the previous generation, kept to roll back to
    index/WRITE.lock       held by the one process allowed to write

A full rebuild writes a new generation and swaps CURRENT; readers notice on their next request.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

META_FILE = "gongkai.json"


class IndexBusy(Exception):
    """Another process holds the index write lock."""


class NoIndex(Exception):
    """There is no index yet (run `gongkai index`)."""


class IndexMismatch(Exception):
    """The live index was built by another engine or version (run `gongkai index --full`)."""


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def current_generation(root: Path) -> Path | None:
    """Return the live generation directory, or None if there is none."""
    try:
        name = (root / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = root / name
    return path if name and path.is_dir() else None


def new_generation(root: Path) -> Path:
    """Create and return an empty directory for the next generation."""
    root.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[4:]) for p in root.glob("gen-*") if p.name[4:].isdigit()]
    path = root / f"gen-{max(numbers, default=0) + 1:06d}"
    path.mkdir()
    return path


def publish(root: Path, generation: Path) -> None:
    """Make a generation the live one, keep the previous one, delete older and unfinished ones."""
    previous = current_generation(root)
    _write_atomic(root / "CURRENT", generation.name + "\n")
    keep = {generation.name, previous.name if previous else ""}
    for path in root.glob("gen-*"):
        if path.is_dir() and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def read_meta(generation: Path) -> dict:
    """Return a generation's bookkeeping (engine, index version, archive seq indexed)."""
    try:
        return json.loads((generation / META_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def write_meta(generation: Path, meta: dict) -> None:
    """Replace a generation's bookkeeping atomically."""
    _write_atomic(generation / META_FILE, json.dumps(meta, ensure_ascii=False, indent=1))


@contextmanager
def write_lock(root: Path):
    """Hold the index write lock, or raise IndexBusy at once.

    A POSIX record lock (lockf), not flock: it belongs to this process only, so the writer
    processes a full rebuild forks do not keep holding it if this process is killed.
    """
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "WRITE.lock", "w") as fh:
        try:
            fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise IndexBusy(f"another process is writing the index in {root}") from exc
        try:
            yield
        finally:
            fcntl.lockf(fh, fcntl.LOCK_UN)


def _die_with_parent() -> None:
    """In a forked child: ask Linux to kill this process when its parent dies."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: children may outlive a killed parent
        pass


_PR_SET_PDEATHSIG = 1
# Writers fork workers (Whoosh's writer processes, tantivy's tokenizing pool); a killed indexer
# takes them along.
os.register_at_fork(after_in_child=_die_with_parent)
