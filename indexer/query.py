"""User query → an engine-free query tree (indexer/engines/base.py). A small syntax, read
leniently, never an engine's query parser.

    words separated by spaces   all must match (jieba words, in title or body); a chunk in
                                the synonym table (data/synonyms.txt) also matches its synonyms
    "exact phrase"              exactly that substring of the (normalized) title or text
    -word / -"phrase"           documents containing it are left out
    国办发〔2019〕60号           a 文号/索引号 also matches the normalized ID fields

Unbalanced quotes, stray operators and punctuation are tolerated, not rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer import synonyms
from indexer.analysis import normalize_id, query_words
from indexer.engines.base import (
    WORD_FIELDS,
    All,
    AnyOf,
    Everything,
    Maybe,
    Node,
    Phrase,
    Substring,
    Term,
    Without,
)

MAX_QUERY_CHARS = 500
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "＂": '"', "－": "-"})
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_ID_LIKE = re.compile(r"[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d+\s*号|^\w[\w.-]*/\d{4}-\d+$")


class QueryError(ValueError):
    """A query that cannot be run (too long)."""


@dataclass
class ParsedQuery:
    """The parts of a user query."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    excluded_phrases: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.excluded or self.excluded_phrases)


def parse(text: str) -> ParsedQuery:
    """Split a user query into words, phrases and exclusions."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query is too long ({len(text)} characters, at most {MAX_QUERY_CHARS})")
    text = text.translate(_QUOTES)
    if text.count('"') % 2:  # an unbalanced quote is read as a plain character
        text = text[::-1].replace('"', " ", 1)[::-1]
    parsed = ParsedQuery()
    for m in _TOKEN.finditer(text):
        negative, phrase, word = m.groups()
        if phrase is not None:
            if query_words(phrase):
                (parsed.excluded_phrases if negative else parsed.phrases).append(phrase.strip())
            continue
        if word.startswith("-") and len(word) > 1:
            target = parsed.excluded
            word = word.lstrip("-")
        else:
            target = parsed.words
        if query_words(word):
            target.append(word)
    return parsed


SUBSTRING_SCORE = 0.1  # a word found only as a substring ranks below a word match
ADJACENT_SCORE = 4.0  # words typed apart found side by side; MRR plateau 2-8 on the test set
ID_BOOST = 10.0


def _in_text(term: str) -> Node:
    return AnyOf(tuple(Term(f, term) for f in WORD_FIELDS))


def _one_word(term: str) -> Node:
    """A query word in the title or body; or as an exact substring, when the documents'
    segmentation differs (新媒体 inside 政务新媒体); or as its synonyms (区政府 → 区人民政府)."""
    options: list[Node] = [Term("title", term), Term("body", term)]
    if len(term) > 1:  # a lone character as a substring would match nearly every document
        options.append(Substring(term, SUBSTRING_SCORE))
    for alternative in synonyms.alternatives(term):
        words = query_words(alternative)
        if words:
            options.append(All(tuple(_in_text(w) for w in words), boost=0.5))
    return AnyOf(tuple(options))


def _all_words(chunk: str, boost: float = 1.0) -> Node | None:
    """Every word of the chunk (each as in `_one_word`), or the whole chunk as a substring."""
    terms = query_words(chunk)
    if not terms:
        return None
    words = All(tuple(_one_word(t) for t in terms), boost=boost)
    return AnyOf((words, Substring(chunk, SUBSTRING_SCORE))) if len(terms) > 1 else words


def _word_query(chunk: str) -> Node | None:
    """All jieba words of a chunk, each in the title or the body; or a synonym of the chunk
    (ranked lower); plus the ID fields for 文号/索引号."""
    text = _all_words(chunk)
    if text is None:
        return None
    others = [q for q in (_all_words(alt, boost=0.5) for alt in synonyms.alternatives(chunk))
              if q is not None]
    if others:
        text = AnyOf((text, *others))
    if _ID_LIKE.search(chunk):
        ident = normalize_id(chunk)
        return AnyOf((Term("doc_number", ident, ID_BOOST), Term("index_number", ident, ID_BOOST),
                      text))
    return text


def plan(parsed: ParsedQuery) -> Node:
    """Build the query tree of a parsed user query (Everything when nothing positive is asked)."""
    parts = [q for q in map(_word_query, parsed.words) if q is not None]
    parts += [Phrase(p) for p in parsed.phrases]
    positive: Node = All(tuple(parts)) if parts else Everything()
    pairs = [a + b for a, b in zip(parsed.words, parsed.words[1:], strict=False)]
    if pairs:  # words typed apart but standing side by side in a document rank higher
        positive = Maybe(positive, AnyOf(tuple(Substring(p, ADJACENT_SCORE) for p in pairs)))
    negative = [q for q in map(_word_query, parsed.excluded) if q is not None]
    negative += [Phrase(p) for p in parsed.excluded_phrases]
    return Without(positive, AnyOf(tuple(negative))) if negative else positive


def highlight_terms(parsed: ParsedQuery) -> list[str]:
    """Return the words whose occurrences a snippet should mark (phrases are marked whole),
    synonyms included."""
    terms = []
    for chunk in parsed.words:
        words = query_words(chunk)
        terms.extend(words)
        for alternative in [a for w in [chunk, *words] for a in synonyms.alternatives(w)]:
            terms.extend(query_words(alternative))
    return list(dict.fromkeys(terms))
