"""Totals, facet counts and match spans of repeated searches, kept per index commit (#20).

Query logs are skewed: a few queries make most of the traffic. Counting every match of a
common word and its facets is most of what such a search costs on a large index; the hits of
one page are not. So an `IndexReader` keeps, per process, the total and facet counts of the
searches it answered, keyed by the index commit that answered them (generation and the
engine's commit token), the query tree and the filters: a later search with the same key asks
the engine for its page of hits only. A new commit or generation gives new keys (no answer
from an older index is ever reused), and the entries of the commit a reader leaves are dropped
then. The cache is bounded by its number of entries (least recently used go first).

The same holds for the spans of the words a search matched in each hit's title and body,
which snippets are cut from: finding them segments text around every occurrence (the largest
share of a search's Python, bench/search_profile.py), and a repeated search shows the same
hits. They are kept by (commit, field, document id, words), ten per counted search.

And a request asked again (the same query text, filters, sort, page and size on the same
commit: most of a skewed log) is answered whole from a results cache, a quarter as large
(a result holds its page's hits and snippets, some 20 KB), as search engines keep a request
cache; nothing is searched, counted or marked for it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

ENTRIES = 2_000  # a total and three facets of at most 100 values: some KB each
SPANS_PER_SEARCH = 10  # hits on a page: spans entries per counts entry
RESULTS_SHARE = 4  # counts entries per results entry (a result holds its page's snippets)


@dataclass
class CacheInfo:
    hits: int
    misses: int
    entries: int


class CommitCache:
    """A thread-safe LRU whose keys start with the index commit their values were read from:
    (total, facets) by (commit, query tree, filters); spans by (commit, field, id, words)."""

    def __init__(self, entries: int = ENTRIES):
        self.limit = entries
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key) -> tuple | None:
        if not self.limit:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key, value: tuple) -> None:
        if not self.limit:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)

    def drop(self, commit) -> None:
        """Forget what an index commit no reader uses any more gave."""
        with self._lock:
            for key in [k for k in self._entries if k[0] == commit]:
                del self._entries[key]

    def info(self) -> CacheInfo:
        with self._lock:
            return CacheInfo(self.hits, self.misses, len(self._entries))
