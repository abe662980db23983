"""The tantivy engine (a Rust search library, PyPI `tantivy`): for archives past some 20,000
documents (docs/search-engines.md).

Fields, all fed by indexer.analysis so both engines see the same words:

    title, body     words and their dictionary sub-words, space-joined, split by tantivy's
                    whitespace tokenizer; frequencies, no positions (BM25; title words 3×)
    grams           overlapping character bigrams of the normalized title + body at their
                    character positions, written out space-separated (ABCD → "AB BC CD", the
                    text's own spaces as U+001F) for the whitespace tokenizer, so a quoted
                    phrase is an exact phrase query of its bigrams. (tantivy's regex
                    tokenizer costs some five times the whole rest of the indexing.)
    publisher, doc_type, year, pub_date   fast fields: filters, facets, date order
    sample          a fast field: the document's slice (0-63) by a hash of its id; facets of
                    a phrase search that matches more than the bound are counted over a run
                    of slices (an even sample) and scaled up
    stored          the displayed fields as JSON (one stored value per document)

Tokenizing runs in Python; a large build spreads it over a pool of processes while tantivy's
own threads index.
"""

from __future__ import annotations

import array
import datetime as dt
import json
import math
import multiprocessing
import os
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from indexer.analysis import (
    index_terms,
    normalize,
    phrase_ngrams,
    query_words,
    term_spans,
    title_pairs,
)
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

NAME = "tantivy"
VERSION = 5  # bump when fields change: `gongkai index` then rebuilds fully
__all__ = ["NAME", "VERSION", "create", "searcher", "writer"]
# A title word counts three times, written three times into the title field: within BM25 a
# triple term frequency saturates (and the field's average length scales alike), as Whoosh's
# field boost does, rather than tripling the score.
TITLE_WEIGHT = 3
PHRASE_SCORE = 0.01
FACET_SIZE = 100
COUNT = "matched"  # the aggregation that counts matches (every document has a sample value)
TERMS_LIMIT = 200_000  # most frequent terms a field gives the suggestion vocabulary
FULL_HEAP = 512_000_000  # bytes of indexing memory for a full build (split among threads)
UPDATE_HEAP = 64_000_000
POOL_MIN = 2_000  # documents to write before tokenizing in worker processes pays off
POOL_CHUNK = 256
POOL_AHEAD = 3  # batches handed to the pool before the oldest one is added
_TOKENIZERS = {"words": tantivy.Tokenizer.whitespace()}
SPACE = "\x1f"  # a space inside a bigram; normalized text has no other control characters
SLICES = 64  # a document's `sample` value: which of as many even slices of the index
SAMPLE_MARGIN = 1.5  # a sample is sized to hold this many times the bound, by an estimate


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in ("id", "url", "doc_number", "index_number"):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in ("publisher", "doc_type", "status"):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    for name in WORD_FIELDS:
        sb.add_text_field(name, tokenizer_name="words", index_option="freq")
    sb.add_text_field("pairs", tokenizer_name="words", index_option="basic")
    sb.add_text_field("grams", tokenizer_name="words", index_option="position")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("sample", indexed=True, fast=True)
    sb.add_date_field("pub_date", indexed=True, fast=True)
    for name in ("changed_date", "withdrawn_date"):
        sb.add_date_field(name, indexed=True)
    sb.add_bytes_field("stored", stored=True, indexed=False)
    return sb.build()


SCHEMA = _schema()


def _open(path: Path, create: bool = False) -> tantivy.Index:
    index = tantivy.Index(SCHEMA, path=str(path)) if create else tantivy.Index.open(str(path))
    for name, tokenizer in _TOKENIZERS.items():
        index.register_tokenizer(name, tantivy.TextAnalyzerBuilder(tokenizer).build())
    return index


def create(path: Path) -> None:
    """Create an empty index in a new generation directory."""
    _open(path, create=True)


def bigrams(normalized: str) -> str:
    """The overlapping bigrams of normalized text, space-separated (ABCD → "AB BC CD"), built
    as arrays of code points (UTF-32): some seven times faster than joining slices."""
    if len(normalized) < 2:
        return ""
    points = array.array("I", normalized.replace(" ", SPACE).encode("utf-32-le"))
    out = array.array("I", b" \0\0\0" * (3 * (len(points) - 1)))
    out[0::3] = points[:-1]
    out[1::3] = points[1:]
    return out.tobytes().decode("utf-32-le")


def prepare(doc: IndexDoc) -> dict:
    """The fields of a document as tantivy indexes them: the Python half of indexing, run in
    worker processes for large builds."""
    title, body = normalize(doc.title), normalize(doc.body)
    fields = {"id": doc.id, "url": doc.url,
              "title": " ".join(index_terms(title, normalized=True) * TITLE_WEIGHT),
              "body": " ".join(index_terms(body, normalized=True)),
              "grams": bigrams(f"{title} {body}"),
              "publisher": doc.publisher, "doc_type": doc.doc_type, "status": doc.status,
              "doc_number": doc.doc_number, "index_number": doc.index_number,
              "pairs": " ".join(title_pairs(doc.title)),
              "stored": json.dumps(doc.stored(), ensure_ascii=False).encode("utf-8")}
    fields.update(doc.dates(), year=doc.pub_date.year if doc.pub_date else None,
                  sample=zlib.crc32(doc.id.encode()) % SLICES)
    return {k: v for k, v in fields.items() if v not in ("", None)}


def writer(path: Path, full: bool, expected: int = 0) -> TantivyWriter:
    """A writer; a large batch is tokenized by a pool of processes, made before tantivy's
    indexing threads start (a fork server: no threads are forked)."""
    pool = None
    if expected >= POOL_MIN:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["indexer.engines.tantivy_engine"])
        pool = context.Pool(processes=os.cpu_count() or 2)
    index = _open(path)
    threads = min(2, os.cpu_count() or 1) if full else 1
    return TantivyWriter(index.writer(heap_size=FULL_HEAP if full else UPDATE_HEAP,
                                      num_threads=threads), pool)


class TantivyWriter:
    def __init__(self, w: tantivy.IndexWriter, pool):
        self.w = w
        self.pool = pool
        self.batch: list[IndexDoc] = []
        self.pending: deque = deque()  # AsyncResults of the batches being tokenized

    def add(self, doc: IndexDoc) -> None:
        if self.pool is None:
            self.w.add_document(tantivy.Document(**prepare(doc)))
            return
        self.batch.append(doc)
        if len(self.batch) >= POOL_CHUNK:
            self._flush()

    def _flush(self, ahead: int = POOL_AHEAD) -> None:
        """Hand the batch to the pool; add the oldest batches, tokenized meanwhile, until at
        most `ahead` are in the pool."""
        if self.batch:
            self.pending.append(self.pool.map_async(prepare, self.batch))
            self.batch = []
        while len(self.pending) > ahead:
            for fields in self.pending.popleft().get():
                self.w.add_document(tantivy.Document(**fields))

    def update(self, doc: IndexDoc) -> None:
        self.w.delete_documents_by_term("url", doc.url)
        self.add(doc)

    def commit(self) -> None:
        try:
            if self.pool is not None:
                self._flush(ahead=0)
            self.w.commit()
            self.w.wait_merging_threads()
        finally:
            self._stop_pool()

    def cancel(self) -> None:
        try:
            self.w.rollback()
        finally:
            self._stop_pool()

    def _stop_pool(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def _one_character(ch: str) -> Query:
    """Documents holding a character: a bigram that starts or ends with it."""
    code = f"\\x{{{ord(ch):X}}}"
    return Query.regex_query(SCHEMA, "grams", f"{code}.|.{code}")


def _exact(text: str) -> Query:
    """Documents whose normalized title + body hold the normalized text exactly: its bigrams
    at consecutive positions (every other one suffices, plus the last)."""
    n = normalize(text).replace(" ", SPACE)
    if len(n) == 1:
        return _one_character(n)
    if len(n) == 2:
        return Query.term_query(SCHEMA, "grams", n, index_option="basic")
    starts = list(range(0, len(n) - 1, 2))
    if starts[-1] != len(n) - 2:
        starts.append(len(n) - 2)
    return Query.phrase_query(SCHEMA, "grams", [(k, n[k:k + 2]) for k in starts])


def _grams(text: str) -> Query:
    """Documents holding every character bigram of the text's word runs, anywhere."""
    grams = [Query.term_query(SCHEMA, "grams", g, index_option="basic") if len(g) == 2
             else _one_character(g) for g in phrase_ngrams(text)]
    return grams[0] if len(grams) == 1 else Query.boolean_query([(Occur.Must, g) for g in grams])


def _boolean(clauses: list[tuple[Occur, Query]], boost: float = 1.0) -> Query:
    query = Query.boolean_query(clauses)
    return Query.boost_query(query, boost) if boost != 1.0 else query


def idf_ratio(df: int, total: int) -> float:
    """Whoosh's idf over tantivy's for a term in df of total documents: as a term's boost it
    makes tantivy's BM25 score the term as Whoosh's BM25F does (ln(N/(df+1)) + 1, which keeps
    words found almost everywhere, 政府, worth something)."""
    if df <= 0 or total <= 0:
        return 1.0
    return (math.log(total / (df + 1)) + 1) / math.log(1 + (total - df + 0.5) / (df + 0.5))


def compile_query(node: Node, negative: bool = False,
                  weight: Callable[[str, str], float] = lambda field, text: 1.0) -> Query:
    """The tantivy query of a query tree (exact substrings and phrases included); `weight`
    gives a word's boost (see idf_ratio)."""
    if isinstance(node, Term):
        word = node.field in WORD_FIELDS
        query = Query.term_query(SCHEMA, node.field, node.text,
                                 index_option="freq" if word else "basic")
        boost = node.boost * (weight(node.field, node.text) if word else 1.0)
        return Query.boost_query(query, boost) if boost != 1.0 else query
    if isinstance(node, Substring):
        return Query.const_score_query(_grams(node.text), node.score)
    if isinstance(node, Phrase):
        if negative:
            return _exact(node.text)
        words = [(Occur.Should, compile_query(Term(f, t), weight=weight))
                 for t in query_words(node.text) for f in WORD_FIELDS]
        clauses = [(Occur.Must, Query.const_score_query(_exact(node.text), PHRASE_SCORE))]
        return _boolean(clauses + ([(Occur.Should, _boolean(words))] if words else []))
    if isinstance(node, All):
        return _boolean([(Occur.Must, compile_query(c, negative, weight))
                         for c in node.children], node.boost)
    if isinstance(node, AnyOf):
        return _boolean([(Occur.Should, compile_query(c, negative, weight))
                         for c in node.children], node.boost)
    if isinstance(node, Maybe):
        return _boolean([(Occur.Must, compile_query(node.required, negative, weight)),
                         (Occur.Should, compile_query(node.optional, negative, weight))])
    if isinstance(node, Without):
        return _boolean([(Occur.Must, compile_query(node.positive, negative, weight)),
                         (Occur.MustNot, compile_query(node.negative, not negative, weight))])
    if isinstance(node, Everything):
        return Query.all_query()
    raise TypeError(f"not a query node: {node!r}")


def _filtered(query: Query, filters: Filters) -> Query:
    """The query restricted by the filters, which add nothing to scores."""
    parts = []
    for field in ("publisher", "doc_type", "status"):
        if getattr(filters, field):
            parts.append(Query.term_query(SCHEMA, field, getattr(filters, field),
                                          index_option="basic"))
    if filters.year is not None:
        parts.append(Query.term_query(SCHEMA, "year", filters.year))
    if filters.ids:
        parts.append(Query.term_set_query(SCHEMA, "id", list(filters.ids)))
    if filters.changed:  # any date at all: the field is there
        parts.append(Query.range_query(SCHEMA, "changed_date", tantivy.FieldType.Date,
                                       _moment(None, dt.time.min), _moment(None, dt.time.max)))
    if filters.date_from or filters.date_to:
        parts.append(Query.range_query(
            SCHEMA, DATE_FIELDS[filters.when], tantivy.FieldType.Date,
            _moment(filters.date_from, dt.time.min), _moment(filters.date_to, dt.time.max)))
    if not parts:
        return query
    return Query.boolean_query([(Occur.Must, query)] + [
        (Occur.Must, Query.const_score_query(p, 0.0)) for p in parts])


def _moment(day: dt.date | None, at: dt.time) -> dt.datetime:
    """A date bound as tantivy takes it: open or beyond its range (1677-2262) is its limit."""
    if day is None:
        return tantivy.MIN_DATETIME if at == dt.time.min else tantivy.MAX_DATETIME
    moment = dt.datetime.combine(day, at)
    aware = moment.replace(tzinfo=dt.UTC)
    if aware < tantivy.MIN_DATETIME:
        return tantivy.MIN_DATETIME
    return tantivy.MAX_DATETIME if aware > tantivy.MAX_DATETIME else moment


def _slices(q: Query, share: int) -> Query:
    """The query's matches among the documents of the first `share` slices."""
    sample = Query.range_query(SCHEMA, "sample", tantivy.FieldType.Integer, 0, share - 1)
    return Query.boolean_query([(Occur.Must, q), (Occur.Must, Query.const_score_query(sample,
                                                                                       0.0))])


_pool: tuple[int, ThreadPoolExecutor] | None = None


def _facet_pool() -> ThreadPoolExecutor:
    """This process's threads for facet counting (made after a fork, never inherited)."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(max_workers=os.cpu_count() or 2,
                                                 thread_name_prefix="facets"))
    return _pool[1]


def searcher(path: Path) -> TantivySearcher:
    """A point-in-time searcher of a generation."""
    return TantivySearcher(path)


class TantivySearcher:
    def __init__(self, path: Path):
        self.meta = Path(path) / "meta.json"
        self.seen = self._signature()
        self.index = _open(path)
        self.s = self.index.searcher()

    def _signature(self) -> tuple[int, int]:
        stat = self.meta.stat()
        return stat.st_mtime_ns, stat.st_size

    def stale(self) -> bool:
        return self._signature() != self.seen

    def version(self) -> object:
        return self.seen

    def close(self) -> None:
        self.s = self.index = None

    def doc_count(self) -> int:
        return self.s.num_docs

    def _stored(self, address) -> dict:
        return json.loads(self.s.doc(address).get_first("stored"))

    def document(self, doc_id: str) -> dict | None:
        hits = self.s.search(Query.term_query(SCHEMA, "id", doc_id, index_option="basic"), 1,
                             count=False).hits
        return self._stored(hits[0][1]) if hits else None

    def search(self, query: Node, filters: Filters, *, by_date: bool, offset: int, limit: int,
               facets: Iterable[str] = FACETS, count: bool = True, bound: int = 0) -> Matches:
        """The page of hits; the total and facets (when `count`) are aggregated meanwhile on
        another thread (tantivy lets go of the GIL). The total comes from the aggregation,
        which can sample (`_count`), so the hits are collected without counting."""
        total = self.s.num_docs
        q = _filtered(compile_query(query, weight=lambda field, text: idf_ratio(
            self.s.doc_freq(field, text), total)), filters)
        # Sampling saves work where each match costs its positions: quoted phrases. A query
        # of words is a union of postings that tantivy walks whole even to meet a sample
        # (measured: a slice of 1/64 costs as much as counting all), so it is counted.
        sample = bound if any(not negative for _, negative in phrases(query)) else 0
        counted = _facet_pool().submit(self._count, q, tuple(facets), sample) if count else None
        if by_date:
            result = self.s.search(q, limit, count=False, order_by_field="pub_date",
                                   offset=offset)
        else:
            result = self.s.search(q, limit, count=False, offset=offset)
        hits = [Match(self._stored(address), None if by_date else float(key), address)
                for key, address in result.hits]
        if counted is None:
            return Matches(-1, hits)
        matched, found, exact = counted.result()
        return Matches(matched, hits, found, exact)

    def _count(self, q: Query, facets: tuple[str, ...],
               bound: int) -> tuple[int, dict[str, list[tuple]], bool]:
        """(matches, facet counts, exact). Above the bound, the facets are counted over the
        slices estimated to hold SAMPLE_MARGIN times the bound (the first slice's count
        gives the estimate) and scaled up; the total is then what those slices held, a lower
        bound. Whenever the sample holds no more than the bound, everything is counted."""
        aggregations = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in facets}
        aggregations[COUNT] = {"value_count": {"field": "sample"}}
        if bound:
            estimate = SLICES * self._aggregate(_slices(q, 1), {COUNT: aggregations[COUNT]})[0]
            share = math.ceil(SLICES * bound * SAMPLE_MARGIN / estimate) if estimate else SLICES
            if share < SLICES:
                matched, found = self._aggregate(_slices(q, share), aggregations)
                if matched > bound:
                    scale = SLICES / share
                    return matched, {name: [(key, round(n * scale)) for key, n in values]
                                     for name, values in found.items()}, False
        matched, found = self._aggregate(q, aggregations)
        return matched, found, True

    def _aggregate(self, q: Query, aggregations: dict) -> tuple[int, dict[str, list[tuple]]]:
        found = self.s.aggregate(q, aggregations)
        return int(found[COUNT]["value"] or 0), {
            name: [(b["key"], b["doc_count"]) for b in found.get(name, {}).get("buckets", [])]
            for name in aggregations if name != COUNT}

    def word_spans(self, hits: list[Match], field: str,
                   terms: list[str]) -> list[list[tuple[int, int]]]:
        """Spans of the words in each hit's field: its stored text segmented again."""
        return [term_spans(h.doc.get(field, ""), terms) for h in hits]

    def doc_frequency(self, field: str, term: str) -> int:
        return self.s.doc_freq(field, term)

    def terms(self, field: str) -> Iterator[tuple[str, int]]:
        yield from self.s.terms_with_prefix(field, "", limit=TERMS_LIMIT)
