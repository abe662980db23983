"""The seam between Gongkai's search code and a search engine: what flows across it.

Above the seam (indexer.query, indexer.search, indexer.build, the web app and the CLI), nothing
imports an engine: queries are trees of the nodes below, documents are `IndexDoc`s, results are
`Matches`. An engine module (`whoosh_engine`, `tantivy_engine`) provides:

    NAME, VERSION            its name and schema version (part of the index version)
    create(path)             an empty index in a new generation directory
    writer(path, full)       a `Writer` (full: a fresh index is being filled)
    searcher(path)           a `Searcher`: a point-in-time view, refreshed when `stale()`

Query semantics, the same for every engine:

    Term(field, text)        the term in a word field (title, body) or an exact-value field
                             (doc_number, index_number); ranked by the engine's BM25
    Substring(text, score)   the normalized title + body holds every character bigram of
                             text's word runs (`analysis.phrase_ngrams`), anywhere: a cheap
                             superset of holding text, at a constant score
    Phrase(text)             exactly that normalized substring, ranked by its words; under
                             Without it excludes exactly that substring
    All / AnyOf / Maybe / Without / Everything: and, or, and-maybe, and-not, all documents
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Term:
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Substring:
    text: str
    score: float


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class All:
    children: tuple
    boost: float = 1.0


@dataclass(frozen=True)
class AnyOf:
    children: tuple
    boost: float = 1.0


@dataclass(frozen=True)
class Maybe:
    required: Any
    optional: Any


@dataclass(frozen=True)
class Without:
    positive: Any
    negative: Any


@dataclass(frozen=True)
class Everything:
    pass


Node = Term | Substring | Phrase | All | AnyOf | Maybe | Without | Everything
WORD_FIELDS = ("title", "body")
FACETS = ("publisher", "year", "doc_type")


def phrases(node: Node, negative: bool = False) -> Iterator[tuple[str, bool]]:
    """Yield (phrase text, under a Without's negative side) for every Phrase in a tree."""
    if isinstance(node, Phrase):
        yield node.text, negative
    elif isinstance(node, All | AnyOf):
        for child in node.children:
            yield from phrases(child, negative)
    elif isinstance(node, Maybe):
        yield from phrases(node.required, negative)
    elif isinstance(node, Without):
        yield from phrases(node.positive, negative)
        yield from phrases(node.negative, not negative)


@dataclass(frozen=True)
class Filters:
    """Restrictions that do not rank: publisher, document type, publication year, status,
    edited or not, and a range of dates: when published, changed or withdrawn (`when`)."""

    publisher: str = ""
    doc_type: str = ""
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""  # "live" or "withdrawn"; "": both
    changed: bool = False  # only documents edited since first seen (a version after the first)
    when: str = "published"  # which date date_from/date_to bound (a key of DATE_FIELDS)
    ids: tuple[str, ...] = ()  # only these documents (a feed of recent changes); (): all


# The dates a search may be bounded by, and the index field of each
DATE_FIELDS = {"published": "pub_date", "changed": "changed_date", "withdrawn": "withdrawn_date"}


@dataclass
class IndexDoc:
    """One document as every engine indexes it (built from an archive row by indexer.build).
    `doc_number`/`index_number` are normalized IDs; the `_text` fields are shown as written."""

    id: str
    url: str
    title: str
    body: str
    publisher: str = ""
    source: str = ""
    site: str = ""
    doc_type: str = "other"
    pub_date: dt.date | None = None
    report_year: int | None = None
    report_template: str = ""
    doc_number: str = ""
    doc_number_text: str = ""
    index_number: str = ""
    index_number_text: str = ""
    parent_url: str = ""
    site_name: str = ""
    section: str = ""
    status: str = "live"  # or "withdrawn": the agency took it down; it is kept and found
    withdrawn: str = ""  # YYYY-MM-DD it was first found withdrawn
    changed: str = ""  # YYYY-MM-DD its current version was first seen, if not its first

    STORED = ("id", "url", "title", "body", "publisher", "source", "site", "doc_type",
              "report_year", "report_template", "doc_number_text", "index_number_text",
              "parent_url", "site_name", "section", "status", "withdrawn", "changed")

    def stored(self) -> dict:
        """The stored fields as a searcher returns them (`pub_date_text`, `year` included)."""
        data = {name: getattr(self, name) for name in self.STORED}
        data["pub_date_text"] = self.pub_date.isoformat() if self.pub_date else ""
        data["year"] = self.pub_date.year if self.pub_date else None
        return data

    def dates(self) -> dict[str, dt.datetime]:
        """The dates it has, by index field (DATE_FIELDS), as midnight datetimes."""
        days = {"pub_date": self.pub_date, "changed_date": self.changed or None,
                "withdrawn_date": self.withdrawn or None}
        return {name: dt.datetime.combine(
                    day if isinstance(day, dt.date) else dt.date.fromisoformat(day), dt.time.min)
                for name, day in days.items() if day}


@dataclass
class Match:
    """One hit: its stored fields, its score (None when sorted by date), an engine handle."""

    doc: dict
    score: float | None
    ref: Any = None


@dataclass
class Matches:
    total: int  # -1 when not counted (search(count=False))
    hits: list[Match] = field(default_factory=list)
    facets: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)
    # False: more than the bound matched, `total` is how many a sample of the index held
    # (a lower bound) and the facet counts are estimated from that sample
    exact: bool = True


class Writer(Protocol):
    def add(self, doc: IndexDoc) -> None: ...  # into a fresh index (full rebuild)
    def update(self, doc: IndexDoc) -> None: ...  # replace the document with this url
    def commit(self) -> None: ...
    def cancel(self) -> None: ...


class Searcher(Protocol):
    def stale(self) -> bool: ...  # a newer commit of this generation exists
    def version(self) -> object: ...  # names the commit it reads (a cache key)
    def close(self) -> None: ...
    def doc_count(self) -> int: ...
    def document(self, doc_id: str) -> dict | None: ...

    # count=False: the caller knows the total and facets (a cache): total -1, no facets.
    # bound > 0: when more than `bound` documents match, an engine may count a share of them
    # only (Matches.exact False); the hits and their order are exact either way
    def search(self, query: Node, filters: Filters, *, by_date: bool, offset: int, limit: int,
               facets: Iterable[str] = FACETS, count: bool = True,
               bound: int = 0) -> Matches: ...

    def word_spans(self, hits: list[Match], field: str,
                   terms: list[str]) -> list[list[tuple[int, int]]]: ...  # per hit
    def doc_frequency(self, field: str, term: str) -> int: ...
    # (term, document frequency) of a word field, "publisher" or "pairs"
    def terms(self, field: str) -> Iterator[tuple[str, int]]: ...
