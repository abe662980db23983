"""Search engines behind one seam (base.py): `whoosh` (the default: pure Python, what
`make demo` uses) and `tantivy` (a Rust engine, for archives past some 20,000 documents;
docs/search-engines.md has the measurements)."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

ENGINES = ("whoosh", "tantivy")
DEFAULT = "whoosh"


def get(name: str) -> ModuleType:
    """Return an engine module by name (imported on first use)."""
    if name not in ENGINES:
        raise ValueError(f"unknown search engine {name!r}: one of {', '.join(ENGINES)}")
    return import_module(f"indexer.engines.{name}_engine")
