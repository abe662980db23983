"""Run a search → plain dataclasses (hits, snippets, facets, paging). HTML and JSON render these."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh.reading import TermNotFound

from indexer import query as uq
from indexer import snippets, store, suggest
from indexer.analysis import normalize
from indexer.request import SearchError, SearchRequest
from indexer.schema import build_schema

__all__ = ["IndexReader", "SearchError", "SearchRequest", "SearchResult", "run_search"]

FACETS = ("publisher", "year", "doc_type")
SUGGEST_BELOW = 3
RELATED_FROM = 10  # top hits whose titles give related searches
RELATED_COUNT = 6


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


@dataclass
class FacetValue:
    value: str | int
    count: int


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    size: int
    took_ms: float
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None  # a corrected query, offered when this one finds little
    related: list[str] = field(default_factory=list)  # key words of the top hits' titles

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def to_dict(self) -> dict:
        """Return the JSON shape of /api/search."""
        return asdict(self)


class IndexReader:
    """Read access to the live index generation; reopens when a new one is published.

    Whoosh searchers are not safe to share between threads, so each thread keeps its own and
    refreshes it per request (cheap when nothing changed).
    """

    def __init__(self, index_root: str | Path):
        self.root = Path(index_root)
        self._local = threading.local()

    def searcher(self):
        """Return this thread's up-to-date searcher, or raise store.NoIndex."""
        generation = store.current_generation(self.root)
        if generation is None:
            raise store.NoIndex(f"no index in {self.root}; run `gongkai index`")
        local = self._local
        if getattr(local, "generation", None) != generation:
            if getattr(local, "searcher", None) is not None:
                local.searcher.close()
            local.index = whoosh_index.open_dir(generation, schema=build_schema())
            local.generation = generation
            local.searcher = None
        latest = local.index.latest_generation()
        if local.searcher is None or local.searcher.reader().generation() != latest:
            # Not Searcher.refresh(): it reuses segment readers whose deletions changed,
            # so documents deleted by an incremental update would still be found.
            if local.searcher is not None:
                local.searcher.close()
            local.searcher = local.index.searcher()
            local.suggester = suggest.Suggester(generation)  # its vocabulary changed too
        return local.searcher

    def doc_count(self) -> int:
        """Return the number of documents in the live index."""
        return self.searcher().doc_count()

    def document(self, doc_id: str) -> dict | None:
        """Return a document's stored fields by its id, or None."""
        return self.searcher().document(id=doc_id)

    def complete(self, prefix: str) -> list[str]:
        """Return completions of a query prefix from the live index's vocabulary."""
        self.searcher()  # follow a newly published generation
        return self._local.suggester.complete(prefix)

    def search(self, req: SearchRequest) -> SearchResult:
        """Run a search request against the live index."""
        searcher = self.searcher()
        return run_search(searcher, req, self._local.suggester)


def _filters(req: SearchRequest) -> wq.Query | None:
    parts: list[wq.Query] = []
    if req.publisher:
        parts.append(wq.Term("publisher", req.publisher))
    if req.doc_type:
        parts.append(wq.Term("doc_type", req.doc_type))
    if req.year is not None:
        parts.append(wq.NumericRange("year", req.year, req.year))
    if req.date_from or req.date_to:
        start = dt.datetime.combine(req.date_from, dt.time.min) if req.date_from else None
        end = dt.datetime.combine(req.date_to, dt.time.max) if req.date_to else None
        parts.append(wq.DateRange("pub_date", start, end))
    return wq.And(parts) if parts else None


def _verified(searcher, parsed: uq.ParsedQuery, q: wq.Query, filt):
    """Narrow the filter to the documents whose text really holds the quoted phrases."""
    if not parsed.needs_verification():
        return filt
    accepts = parsed.acceptor()
    texts = searcher.reader().column_reader("exact_text")
    candidates = searcher.docs_for_query(wq.And([q, filt]) if filt is not None else q)
    allowed = {docnum for docnum in candidates if accepts(texts[docnum])}
    return allowed or {-1}  # Whoosh reads an empty filter as "no filter"; -1 matches nothing


def run_search(searcher, req: SearchRequest,
               suggester: suggest.Suggester | None = None) -> SearchResult:
    """Search with a searcher: parse, filter, verify phrases, rank or sort, page, facet, snip;
    offer a corrected query when this one finds fewer than SUGGEST_BELOW documents or holds
    characters jieba could not join into words (信总公开 → 信 总 公开)."""
    started = time.perf_counter()
    try:
        parsed = uq.parse(req.q)
    except uq.QueryError as exc:
        raise SearchError(str(exc)) from None
    q = uq.to_whoosh(parsed)
    filt = _verified(searcher, parsed, q, _filters(req))
    browse = isinstance(q, wq.Every)
    sortedby = (sorting.FieldFacet("pub_date", reverse=True)
                if browse or req.sort == "date" else None)
    groupedby = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS}
    results = searcher.search(q, limit=req.page * req.size, filter=filt, sortedby=sortedby,
                              groupedby=groupedby)
    page_hits = results[(req.page - 1) * req.size:req.page * req.size]
    if sortedby is None:  # equal scores: newest first (a full sort key would cost 2-3x)
        page_hits = sorted(sorted(page_hits, key=lambda h: h.get("pub_date_text", ""),
                                  reverse=True), key=lambda h: -round(h.score, 6))
    docnums, terms = [h.docnum for h in page_hits], uq.highlight_terms(parsed)
    body_spans = _word_spans(searcher, "body", docnums, terms)
    title_spans = _word_spans(searcher, "title", docnums, terms)
    hits = [_hit(h, body_spans[h.docnum], title_spans[h.docnum], parsed,
                 ranked=sortedby is None) for h in page_hits]
    facets = {name: _facet(results.groups(name)) for name in FACETS}
    total = len(results)
    unsure = total < SUGGEST_BELOW or any(len(w) == 1 for c in parsed.words
                                          for w in uq.query_words(c))
    suggestion = (suggester.suggest(parsed.words)
                  if suggester is not None and unsure and parsed.words else None)
    related = _related(searcher, [h.docnum for h in results[:RELATED_FROM]], terms) \
        if req.page == 1 and parsed.words else []
    return SearchResult(query=req.q, total=total, page=req.page, size=req.size,
                        took_ms=round((time.perf_counter() - started) * 1000, 1),
                        hits=hits, facets=facets, suggestion=suggestion, related=related)


def _related(searcher, docnums: list[int], asked_terms: list[str]) -> list[str]:
    """Words that set the top hits' titles apart from the collection (Bo1), not the query's."""
    if not docnums:
        return []
    asked = set(asked_terms)
    terms = searcher.key_terms(docnums, "title", numterms=RELATED_COUNT * 3)
    words = [t for t, _ in terms if len(t) > 1 and not t.isdigit() and t not in asked
             and not any(t in a or a in t for a in asked)]
    return words[:RELATED_COUNT]


def _facet(groups: dict) -> list[FacetValue]:
    values = [FacetValue(v, c) for v, c in groups.items() if v not in (None, "", b"")]
    return sorted(values, key=lambda f: (-f.count, str(f.value)))


def _word_spans(searcher, field: str, docnums: list[int], terms: list[str]) -> dict[int, list]:
    """Character spans of the words in each document's field, from stored postings offsets.

    One pass per term over the sorted documents: postings cursors only move forward.
    """
    spans: dict[int, list[tuple[int, int]]] = {d: [] for d in docnums}
    for term in terms:
        try:
            matcher = searcher.postings(field, term)
        except TermNotFound:
            continue
        for docnum in sorted(docnums):
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                spans[docnum].extend((s, e) for _, s, e in matcher.value_as("characters"))
    return spans


def _phrase_spans(text: str, parsed: uq.ParsedQuery) -> list[tuple[int, int]]:
    if not parsed.phrases:  # most queries: no need to normalize the whole text
        return []
    norm = normalize(text)
    return [span for phrase in parsed.phrases for span in snippets.find_all(norm, normalize(phrase))]


def _hit(hit, spans: list, title_spans: list, parsed: uq.ParsedQuery, ranked: bool) -> Hit:
    stored = hit.fields()
    body, title = stored.get("body", ""), stored.get("title", "")
    spans = spans + _phrase_spans(body, parsed)
    title_html = snippets.mark(title, title_spans + _phrase_spans(title, parsed))
    return Hit(id=stored["id"], url=stored["url"], title=title, title_html=title_html,
               publisher=stored.get("publisher", ""), pub_date=stored.get("pub_date_text", ""),
               doc_type=stored.get("doc_type", "other"), report_year=stored.get("report_year"),
               score=round(float(hit.score or 0.0), 4) if ranked else None,
               snippet=snippets.render(body, spans, fragments=1 + (len(body) > 1500)
                                       + (len(body) > 4000)))
