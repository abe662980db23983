"""The versioned synonym table for plain-language queries (`data/synonyms.txt`)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from indexer.analysis import normalize


@lru_cache(maxsize=1)
def table() -> dict[str, list[str]]:
    """Return {normalized query chunk: [alternative chunks]}."""
    text = resources.files("indexer").joinpath("data/synonyms.txt").read_text("utf-8")
    entries: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" not in line:
            continue
        key, alternatives = line.split("=", 1)
        entries[normalize(key.strip())] = [a.strip() for a in alternatives.split("|") if a.strip()]
    return entries


def alternatives(chunk: str) -> list[str]:
    """Return what else a query chunk may match (empty when it has no synonyms)."""
    return table().get(normalize(chunk.strip()), [])
