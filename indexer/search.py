"""Run a search → plain dataclasses (hits, snippets, facets, paging). HTML and JSON render these.

Engine-free: the query tree comes from indexer.query, an engine's Searcher runs it
(indexer/engines/), and snippets, suggestions and related searches are computed here.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from indexer import engines, snippets, store, suggest
from indexer import query as uq
from indexer.analysis import normalize, term_spans, word_tokens
from indexer.build import check_engine, check_version
from indexer.counts import ENTRIES, RESULTS_SHARE, SPANS_PER_SEARCH, CommitCache
from indexer.engines.base import FACETS, Everything, Filters, Match, Searcher
from indexer.request import SearchError, SearchRequest

__all__ = ["IndexReader", "SearchError", "SearchRequest", "SearchResult", "run_search"]

SUGGEST_BELOW = 3
RELATED_FROM = 10  # top hits whose titles give related searches
RELATED_COUNT = 6
FACET_LIMIT = 100  # values per facet
NEWEST_FIRST = {"year"}  # facets people read in order (years); the others by count
# Matches counted exactly; above, a total is given as at least this many (total_relation
# "gte"), as Elasticsearch's track_total_hits does: [search] total_bound
TOTAL_BOUND = 10_000


@dataclass
class Hit:
    id: str
    url: str
    title: str
    publisher: str
    pub_date: str
    doc_type: str
    report_year: int | None
    score: float | None  # None when the hits are sorted by date, not ranked
    snippet: str
    title_html: str  # the title, escaped, matches in <mark>
    status: str = "live"  # or "withdrawn"
    withdrawn: str = ""  # YYYY-MM-DD it was first found withdrawn
    changed: str = ""  # YYYY-MM-DD its current version was first seen, if edited since


@dataclass
class FacetValue:
    value: str | int
    count: int


@dataclass
class SearchResult:
    query: str
    total: int  # exact, or a lower bound when total_relation is "gte"
    page: int
    size: int
    took_ms: float
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None  # a corrected query, offered when this one finds little
    related: list[str] = field(default_factory=list)  # key words of the top hits' titles
    # the query the hits, total and facets are for: `query`, or the suggestion when `query`
    # found nothing and the suggestion did (unless the request asked for `as_typed`)
    results_for: str = ""
    total_relation: str = "eq"  # "gte": at least `total` (more than the bound matched)
    # "approx": the facet counts are estimated from a sample of the matches (only ever when
    # total_relation is "gte")
    facets_relation: str = "eq"

    def __post_init__(self):
        self.results_for = self.results_for or self.query

    @property
    def replaced(self) -> bool:
        """Whether the hits are the suggestion's, shown because the query found nothing."""
        return self.results_for != self.query

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def to_dict(self) -> dict:
        """Return the JSON shape of /api/search (what dataclasses.asdict gives, built
        without its deep copies: a tenth of the time)."""
        data = dict(vars(self))
        data["hits"] = [dict(vars(hit)) for hit in self.hits]
        data["facets"] = {name: [{"value": v.value, "count": v.count} for v in values]
                          for name, values in self.facets.items()}
        data["related"] = list(self.related)
        return data


class IndexReader:
    """Read access to the live index generation of one engine; follows newly published
    generations and commits. Each thread keeps its own searcher (Whoosh's are not shared)."""

    def __init__(self, index_root: str | Path, engine: str = engines.DEFAULT,
                 total_bound: int = TOTAL_BOUND, cache_entries: int = ENTRIES):
        self.root = Path(index_root)
        self.engine = engines.get(engine)
        self.total_bound = total_bound
        self.counts = CommitCache(cache_entries)  # totals and facets of repeated searches
        self.spans = CommitCache(cache_entries * SPANS_PER_SEARCH)  # and their hits' marks
        self.results = CommitCache(cache_entries // RESULTS_SHARE)  # requests asked again
        self._local = threading.local()

    def searcher(self) -> Searcher:
        """Return this thread's up-to-date searcher; raise store.NoIndex or IndexMismatch."""
        generation = store.current_generation(self.root)
        if generation is None:
            raise store.NoIndex(f"no index in {self.root}; run `gongkai index`")
        local = self._local
        if getattr(local, "generation", None) != generation:
            check_engine(generation, self.engine)
            check_version(generation, self.engine)
            self._close()
            local.generation = generation
        if getattr(local, "searcher", None) is None or local.searcher.stale():
            self._close()
            local.searcher = self.engine.searcher(generation)
            local.suggester = suggest.Suggester(generation)  # its vocabulary changed too
            local.commit = (str(generation), local.searcher.version())
        return local.searcher

    def _close(self) -> None:
        if getattr(self._local, "searcher", None) is not None:
            for cache in (self.counts, self.spans, self.results):  # what a commit gave
                cache.drop(self._local.commit)
            self._local.searcher.close()
        self._local.searcher = None

    def doc_count(self) -> int:
        """Return the number of documents in the live index."""
        return self.searcher().doc_count()

    def document(self, doc_id: str) -> dict | None:
        """Return a document's stored fields by its id, or None."""
        return self.searcher().document(doc_id)

    def complete(self, prefix: str) -> list[str]:
        """Return completions of a query prefix from the live index's vocabulary."""
        self.searcher()  # follow a newly published generation
        return self._local.suggester.complete(prefix)

    def search(self, req: SearchRequest) -> SearchResult:
        """Run a search request against the live index; a request asked before on the same
        index commit is answered from the results cache."""
        started = time.perf_counter()
        searcher = self.searcher()
        key = (self._local.commit, *vars(req).values())
        known = self.results.get(key)
        if known is not None:
            return dataclasses.replace(known, took_ms=round(
                (time.perf_counter() - started) * 1000, 1))
        result = run_search(searcher, req, self._local.suggester,
                            Counting(self.total_bound, self.counts, self._local.commit,
                                     self.spans))
        self.results.put(key, result)
        return dataclasses.replace(result)


def _no_cache() -> CommitCache:
    return CommitCache(0)


@dataclass
class Counting:
    """How a search counts: the bound of exact totals, and the caches of the index commit
    being read (indexer/counts.py): totals and facets, and the match spans of hits shown
    before (none by default)."""

    bound: int = TOTAL_BOUND  # 0: every total exact
    cache: CommitCache = field(default_factory=_no_cache)
    commit: object = None
    spans: CommitCache = field(default_factory=_no_cache)


def run_search(searcher: Searcher, req: SearchRequest,
               suggester: suggest.Suggester | None = None,
               counting: Counting | None = None) -> SearchResult:
    """Search: parse, plan, let the engine match, filter, rank or sort, page and facet; then
    snippets, suggestions and related searches. A corrected query is offered when this one
    finds fewer than SUGGEST_BELOW documents or holds characters jieba could not join into
    words (信总公开 → 信 总 公开). When the query finds nothing and its suggestion finds
    something, the result holds the suggestion's hits (`results_for`), unless `as_typed`."""
    counting = counting or Counting()
    result = _run(searcher, req, suggester, counting)
    if result.total or not result.suggestion or req.as_typed:
        return result
    instead = _run(searcher, dataclasses.replace(req, q=result.suggestion, as_typed=True), None,
                   counting)
    if not instead.total:
        return result
    instead.took_ms = round(instead.took_ms + result.took_ms, 1)
    instead.query, instead.results_for, instead.suggestion = req.q, result.suggestion, \
        result.suggestion
    return instead


def _run(searcher: Searcher, req: SearchRequest, suggester: suggest.Suggester | None,
         counting: Counting) -> SearchResult:
    started = time.perf_counter()
    try:
        parsed = uq.parse(req.q)
    except uq.QueryError as exc:
        raise SearchError(str(exc)) from None
    tree = uq.plan(parsed)
    by_date = isinstance(tree, Everything) or req.sort == "date"
    filters = Filters(req.publisher, req.doc_type, req.year, req.date_from, req.date_to,
                      req.status, req.changed, req.when, req.ids)
    key = (counting.commit, tree, filters)
    counted = counting.cache.get(key)
    matches = searcher.search(tree, filters, by_date=by_date, offset=(req.page - 1) * req.size,
                              limit=req.size, facets=FACETS, count=counted is None,
                              bound=counting.bound)
    if counted is None:
        counted = (matches.total, matches.facets, matches.exact)
        counting.cache.put(key, counted)
    matches.total, matches.facets, matches.exact = counted
    page = matches.hits
    if not by_date:  # equal scores: newest first (a full sort key would cost 2-3x)
        page = sorted(sorted(page, key=lambda m: m.doc.get("pub_date_text", ""), reverse=True),
                      key=lambda m: -round(m.score, 6))
    terms = uq.highlight_terms(parsed)
    body_spans = _word_spans(searcher, page, "body", terms, counting)
    title_spans = _word_spans(searcher, page, "title", terms, counting)
    hits = [_hit(m, b, t, parsed) for m, b, t in zip(page, body_spans, title_spans, strict=True)]
    unsure = matches.total < SUGGEST_BELOW or any(len(w) == 1 for c in parsed.words
                                                  for w in uq.query_words(c))
    suggestion = (suggester.suggest(parsed.words)
                  if suggester is not None and unsure and parsed.words else None)
    related = related_words(searcher, [h.title for h in hits[:RELATED_FROM]], terms) \
        if req.page == 1 and parsed.words else []
    bounded = bool(counting.bound) and matches.total > counting.bound
    return SearchResult(query=req.q, total=counting.bound if bounded else matches.total,
                        total_relation="gte" if bounded else "eq", page=req.page, size=req.size,
                        took_ms=round((time.perf_counter() - started) * 1000, 1), hits=hits,
                        facets={name: _facet(name, matches.facets.get(name, [])) for name in FACETS},
                        facets_relation="eq" if matches.exact else "approx",
                        suggestion=suggestion, related=related)


def _word_spans(searcher: Searcher, hits: list[Match], field: str, terms: list[str],
                counting: Counting) -> list[list[tuple[int, int]]]:
    """The spans of the words in each hit's field (Searcher.word_spans), those of hits shown
    before for the same words from the cache."""
    cache = counting.spans
    if not cache.limit:
        return searcher.word_spans(hits, field, terms)
    keys = [(counting.commit, field, hit.doc["id"], tuple(terms)) for hit in hits]
    found = [cache.get(key) for key in keys]
    fresh = iter(searcher.word_spans([h for h, f in zip(hits, found, strict=True) if f is None],
                                     field, terms))
    spans = []
    for key, known in zip(keys, found, strict=True):
        if known is None:
            known = next(fresh)
            cache.put(key, known)
        spans.append(known)
    return spans


def related_words(searcher: Searcher, titles: list[str], asked_terms: list[str]) -> list[str]:
    """Words that set the top hits' titles apart from the collection (Bo1: frequent in these
    titles, rare in all titles), not the query's own."""
    weights = Counter(term for title in titles for term, *_ in word_tokens(title))
    total = searcher.doc_count()
    asked = set(asked_terms)
    scored = []
    for term, weight in weights.items():
        if len(term) < 2 or term.isdigit() or any(term in a or a in term for a in asked):
            continue
        frequency = searcher.doc_frequency("title", term) / max(1, total)
        if frequency:
            scored.append((weight * math.log2((1 + frequency) / frequency)
                           + math.log2(1 + frequency), term))
    return [term for _, term in sorted(scored, key=lambda s: (-s[0], s[1]))[:RELATED_COUNT]]


def _facet(name: str, values: list[tuple]) -> list[FacetValue]:
    """A facet's values: the most frequent first, years newest first."""
    found = [FacetValue(v, c) for v, c in values if v not in (None, "", b"")]
    top = sorted(found, key=lambda f: (-f.count, str(f.value)))[:FACET_LIMIT]
    if name in NEWEST_FIRST:
        return sorted(top, key=lambda f: f.value, reverse=True)
    return top


def _phrase_spans(text: str, parsed: uq.ParsedQuery) -> list[tuple[int, int]]:
    if not parsed.phrases:  # most queries: no need to normalize the whole text
        return []
    norm = normalize(text)
    return [span for phrase in parsed.phrases for span in snippets.find_all(norm, normalize(phrase))]


def _hit(match: Match, spans: list, title_spans: list, parsed: uq.ParsedQuery) -> Hit:
    stored = match.doc
    body, title = stored.get("body", ""), stored.get("title", "")
    spans = spans + _phrase_spans(body, parsed)
    title_html = snippets.mark(title, title_spans + _phrase_spans(title, parsed))
    return Hit(id=stored["id"], url=stored["url"], title=title, title_html=title_html,
               publisher=stored.get("publisher", ""), pub_date=stored.get("pub_date_text", ""),
               doc_type=stored.get("doc_type", "other"), report_year=stored.get("report_year"),
               score=None if match.score is None else round(match.score, 4),
               snippet=snippets.render(body, spans, fragments=1 + (len(body) > 1500)
                                       + (len(body) > 4000)),
               status=stored.get("status", "live"), withdrawn=stored.get("withdrawn", ""),
               changed=stored.get("changed", ""))


@dataclass
class MarkedDocument:
    """A document's title and paragraphs as HTML (escaped) with the query's words and phrases
    in <mark>; body marks are numbered `m-1`, `m-2`, … in reading order."""

    title_html: str
    paragraphs: list[str]
    marks: int


def mark_document(title: str, body: str, q: str) -> MarkedDocument:
    """Mark what a query matches in a document, with the analyzer snippets use: its words and
    sub-words where segmentation yields them, and its exact phrases. A query that does not
    parse marks nothing."""
    try:
        parsed = uq.parse(q)
    except uq.QueryError:
        parsed = None
    terms = uq.highlight_terms(parsed) if parsed else []

    def spans(text: str) -> list[tuple[int, int]]:
        if not parsed:
            return []
        return term_spans(text, terms) + _phrase_spans(text, parsed)

    title_html = snippets.mark(title, spans(title))
    paragraphs, count = [], 0
    for line in body.split("\n"):
        html, found = snippets.mark_numbered(line, spans(line), first=count + 1)
        paragraphs.append(html)
        count += found
    return MarkedDocument(title_html, paragraphs, count)
