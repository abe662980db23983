"""The Whoosh engine (the default): pure Python, one directory of segment files per generation.

Substrings match by a positions-free character n-gram field (a superset of the documents that
hold the substring); quoted phrases longer than two characters are then checked on a column of
the normalized text, and the survivors become the search filter, so hits, totals and facets are
exact. Snippet spans come from the character offsets stored in the word postings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh.reading import TermNotFound

from indexer.analysis import normalize, phrase_ngrams, query_words, title_pairs
from indexer.engines.base import (
    DATE_FIELDS,
    FACETS,
    WORD_FIELDS,
    All,
    AnyOf,
    Everything,
    Filters,
    IndexDoc,
    Match,
    Matches,
    Maybe,
    Node,
    Phrase,
    Substring,
    Term,
    Without,
    phrases,
)
from indexer.engines.whoosh_schema import VERSION, build_schema

NAME = "whoosh"
__all__ = ["NAME", "VERSION", "create", "searcher", "writer"]
WRITER_MB = 2048  # per writer process: a smaller pool spills to disk and merges in Python (-40 %)
FULL_BUILD_PROCS = 2
PHRASE_SCORE = 0.01


def create(path: Path) -> None:
    """Create an empty index in a new generation directory."""
    whoosh_index.create_in(path, build_schema())


def writer(path: Path, full: bool, expected: int = 0) -> WhooshWriter:
    """A writer; a full rebuild tokenizes and writes in FULL_BUILD_PROCS processes, one
    segment each (about 1.9x on 2 cores); incremental runs write from this process."""
    ix = whoosh_index.open_dir(path, schema=build_schema())
    options = {"procs": FULL_BUILD_PROCS, "multisegment": True} if full else {}
    return WhooshWriter(ix, ix.writer(limitmb=WRITER_MB, **options))


def searcher(path: Path) -> WhooshSearcher:
    """A point-in-time searcher of a generation."""
    return WhooshSearcher(path)


# the bounds of an open date range (DATETIME fields take no open end as a range of all dates)
EARLIEST, LATEST = dt.datetime(1000, 1, 1), dt.datetime(9999, 12, 31)

def _fields(doc: IndexDoc) -> dict:
    text = f"{doc.title}\n{doc.body}"
    fields = {**doc.stored(), "exact": text, "exact_text": normalize(text).encode("utf-8"),
              "doc_number": doc.doc_number, "index_number": doc.index_number,
              "pairs": " ".join(title_pairs(doc.title))}
    fields.update(doc.dates())
    return {k: v for k, v in fields.items() if v not in ("", None)}


class WhooshWriter:
    def __init__(self, ix, w):
        self.ix, self.w = ix, w

    def add(self, doc: IndexDoc) -> None:
        self.w.add_document(**_fields(doc))

    def update(self, doc: IndexDoc) -> None:
        self.w.update_document(**_fields(doc))

    def commit(self) -> None:
        self.w.commit()
        self.ix.close()

    def cancel(self) -> None:
        self.w.cancel()
        self.ix.close()


def compile_query(node: Node, negative: bool = False) -> wq.Query:
    """The Whoosh query of a query tree. A phrase to exclude compiles to nothing here: n-grams
    would exclude too much; the exact check does it (WhooshSearcher._verified)."""
    if isinstance(node, Term):
        return wq.Term(node.field, node.text, boost=node.boost)
    if isinstance(node, Substring):
        return _substring(node.text, node.score)
    if isinstance(node, Phrase):
        if negative:
            return wq.NullQuery
        words = [wq.Term(f, t) for t in query_words(node.text) for f in WORD_FIELDS]
        return wq.AndMaybe(_substring(node.text, PHRASE_SCORE), wq.Or(words))
    if isinstance(node, All):
        return wq.And([compile_query(c, negative) for c in node.children], boost=node.boost)
    if isinstance(node, AnyOf):
        return wq.Or([compile_query(c, negative) for c in node.children], boost=node.boost)
    if isinstance(node, Maybe):
        return wq.AndMaybe(compile_query(node.required, negative),
                           compile_query(node.optional, negative))
    if isinstance(node, Without):
        return wq.AndNot(compile_query(node.positive, negative),
                         compile_query(node.negative, not negative))
    if isinstance(node, Everything):
        return wq.Every()
    raise TypeError(f"not a query node: {node!r}")


def _substring(text: str, score: float) -> wq.Query:
    return wq.ConstantScoreQuery(wq.And([wq.Term("exact", g) for g in phrase_ngrams(text)]),
                                 score)


def _filters(filters: Filters) -> wq.Query | None:
    parts: list[wq.Query] = []
    if filters.publisher:
        parts.append(wq.Term("publisher", filters.publisher))
    if filters.doc_type:
        parts.append(wq.Term("doc_type", filters.doc_type))
    if filters.status:
        parts.append(wq.Term("status", filters.status))
    if filters.year is not None:
        parts.append(wq.NumericRange("year", filters.year, filters.year))
    if filters.ids:
        parts.append(wq.Or([wq.Term("id", i) for i in filters.ids]))
    if filters.changed:  # any date at all: the field is there
        parts.append(wq.DateRange("changed_date", EARLIEST, LATEST))
    if filters.date_from or filters.date_to:
        start = dt.datetime.combine(filters.date_from, dt.time.min) if filters.date_from \
            else EARLIEST
        end = dt.datetime.combine(filters.date_to, dt.time.max) if filters.date_to else LATEST
        parts.append(wq.DateRange(DATE_FIELDS[filters.when], start, end))
    return wq.And(parts) if parts else None


class WhooshSearcher:
    """Whoosh searchers are not safe to share between threads: one per thread."""

    def __init__(self, path: Path):
        self.ix = whoosh_index.open_dir(path, schema=build_schema())
        self.s = self.ix.searcher()

    def stale(self) -> bool:
        # not Searcher.refresh(): it reuses segment readers whose deletions changed, so
        # documents deleted by an incremental update would still be found
        return self.s.reader().generation() != self.ix.latest_generation()

    def version(self) -> object:
        return self.s.reader().generation()

    def close(self) -> None:
        self.s.close()
        self.ix.close()

    def doc_count(self) -> int:
        return self.s.doc_count()

    def document(self, doc_id: str) -> dict | None:
        return self.s.document(id=doc_id)

    def search(self, query: Node, filters: Filters, *, by_date: bool, offset: int, limit: int,
               facets: Iterable[str] = FACETS, count: bool = True,
               bound: int = 0) -> Matches:
        """Whoosh collects every match to rank them, so its total and facets are always
        exact, whatever the bound; facets are left out when not counted."""
        facets = facets if count else ()
        q = compile_query(query)
        filt = self._verified(query, q, _filters(filters))
        sortedby = sorting.FieldFacet("pub_date", reverse=True) if by_date else None
        groupedby = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in facets}
        results = self.s.search(q, limit=offset + limit, filter=filt, sortedby=sortedby,
                                groupedby=groupedby)
        hits = [Match(h.fields(), None if by_date else float(h.score or 0.0), h.docnum)
                for h in results[offset:offset + limit]]
        return Matches(len(results), hits, {name: list(results.groups(name).items())
                                            for name in facets})

    def _verified(self, tree: Node, q: wq.Query, filt):
        """Narrow the filter to the documents whose text really holds the quoted phrases (and
        none of the excluded ones); n-grams alone are exact up to two characters."""
        found = list(phrases(tree))
        if not any(negative or len(text) > 2 for text, negative in found):
            return filt
        wanted = [normalize(t).encode("utf-8") for t, negative in found if not negative]
        unwanted = [normalize(t).encode("utf-8") for t, negative in found if negative]
        texts = self.s.reader().column_reader("exact_text")
        candidates = self.s.docs_for_query(wq.And([q, filt]) if filt is not None else q)
        allowed = {n for n in candidates
                   if all(w in texts[n] for w in wanted) and not any(u in texts[n]
                                                                     for u in unwanted)}
        return allowed or {-1}  # Whoosh reads an empty filter as "no filter"; -1 matches nothing

    def word_spans(self, hits: list[Match], field: str,
                   terms: list[str]) -> list[list[tuple[int, int]]]:
        """Spans of the words in each hit's field, from the postings' stored offsets; one pass
        per term over the sorted documents: postings cursors only move forward."""
        spans: dict[int, list[tuple[int, int]]] = {h.ref: [] for h in hits}
        for term in terms:
            try:
                matcher = self.s.postings(field, term)
            except TermNotFound:
                continue
            for docnum in sorted(spans):
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if matcher.is_active() and matcher.id() == docnum:
                    spans[docnum].extend((s, e) for _, s, e in matcher.value_as("characters"))
        return [spans[h.ref] for h in hits]

    def doc_frequency(self, field: str, term: str) -> int:
        return self.s.doc_frequency(field, term)

    def terms(self, field: str) -> Iterator[tuple[str, int]]:
        for raw in self.s.lexicon(field):
            yield raw.decode("utf-8"), self.s.doc_frequency(field, raw)
