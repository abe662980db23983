"""User query → Whoosh query. A small syntax, read leniently, never Whoosh's QueryParser.

    words separated by spaces   all must match (jieba words, in title or body); a chunk in
                                the synonym table (data/synonyms.txt) also matches its synonyms
    "exact phrase"              exact substring (character n-grams, then verified on the text)
    -word / -"phrase"           documents containing it are left out
    国办发〔2019〕60号           a 文号/索引号 also matches the normalized ID fields

Unbalanced quotes, stray operators and punctuation are tolerated, not rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from indexer import synonyms
from indexer.analysis import normalize, normalize_id, phrase_ngrams, query_words

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

    def needs_verification(self) -> bool:
        """Whether n-gram matches must be confirmed on the stored text (phrases over 2 chars)."""
        return bool(self.excluded_phrases) or any(len(p) > 2 for p in self.phrases)

    def acceptor(self):
        """Return a test on normalized UTF-8 text: every phrase in it and no excluded phrase."""
        wanted = [normalize(p).encode("utf-8") for p in self.phrases]
        unwanted = [normalize(p).encode("utf-8") for p in self.excluded_phrases]
        return lambda text: (all(w in text for w in wanted)
                             and not any(u in text for u in unwanted))


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


def _one_word(term: str) -> wq.Query:
    """A query word in the title or body; or as an exact substring, when the documents'
    segmentation differs (新媒体 inside 政务新媒体); or as its synonyms (区政府 → 区人民政府)."""
    options: list[wq.Query] = [wq.Term("title", term), wq.Term("body", term)]
    if len(term) > 1:  # a lone character as a substring would match nearly every document
        options.append(_substring(term))
    for alternative in synonyms.alternatives(term):
        words = query_words(alternative)
        if words:
            options.append(wq.And([wq.Or([wq.Term("title", w), wq.Term("body", w)])
                                   for w in words], boost=0.5))
    return wq.Or(options)


def _substring(text: str, score: float = SUBSTRING_SCORE) -> wq.Query:
    return wq.ConstantScoreQuery(wq.And([wq.Term("exact", g) for g in phrase_ngrams(text)]),
                                 score)


def _all_words(chunk: str, boost: float = 1.0) -> wq.Query | None:
    """Every word of the chunk (each as in `_one_word`), or the whole chunk as a substring."""
    terms = query_words(chunk)
    if not terms:
        return None
    words = wq.And([_one_word(t) for t in terms], boost=boost)
    return wq.Or([words, _substring(chunk)]) if len(terms) > 1 else words


def _word_query(chunk: str) -> wq.Query | None:
    """All jieba words of a chunk, each in the title or the body; or a synonym of the chunk
    (ranked lower); plus the ID fields for 文号/索引号."""
    text = _all_words(chunk)
    if text is None:
        return None
    others = [q for q in (_all_words(alt, boost=0.5) for alt in synonyms.alternatives(chunk))
              if q is not None]
    if others:
        text = wq.Or([text, *others])
    if _ID_LIKE.search(chunk):
        ident = normalize_id(chunk)
        return wq.Or([wq.Term("doc_number", ident, boost=10.0),
                      wq.Term("index_number", ident, boost=10.0), text])
    return text


def _phrase_query(phrase: str) -> wq.Query:
    """Documents holding every n-gram of the phrase (a superset, verified later), scored by words."""
    terms = query_words(phrase)
    scoring = wq.Or([wq.Term(f, t) for t in terms for f in ("title", "body")])
    return wq.AndMaybe(_substring(phrase, 0.01), scoring)


def to_whoosh(parsed: ParsedQuery) -> wq.Query:
    """Build the Whoosh query for a parsed user query (Every() when nothing positive is asked).

    Phrases match here by n-grams only; `ParsedQuery.acceptor` on the text makes them exact.
    """
    parts = [q for q in map(_word_query, parsed.words) if q is not None]
    parts += [_phrase_query(p) for p in parsed.phrases]
    positive = wq.And(parts) if parts else wq.Every()
    pairs = [a + b for a, b in zip(parsed.words, parsed.words[1:], strict=False)]
    if pairs:  # words typed apart but standing side by side in a document rank higher
        positive = wq.AndMaybe(positive, wq.Or([_substring(p, ADJACENT_SCORE) for p in pairs]))
    negative = [q for q in map(_word_query, parsed.excluded) if q is not None]
    return wq.AndNot(positive, wq.Or(negative)) if negative else positive


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
