"""The one tokenizer/analyzer of Gongkai: normalization, jieba segmentation, character n-grams.

Whoosh pickles the analyzers attached to the schema into every index, so this module's path
(`indexer.analysis`) and the class names below must never move. Changing how text is segmented
(the code or `data/userdict.txt`) changes ANALYZER_VERSION, which makes `gongkai index` rebuild.

Normalization is length-preserving (one character in, one character out), so character offsets
computed on normalized text point into the original stored text: highlighting never re-segments.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import rjieba
from whoosh.analysis import Token, Tokenizer

_USERDICT = resources.files("indexer").joinpath("data/userdict.txt").read_text("utf-8")
ANALYZER_VERSION = "1:" + hashlib.sha1(_USERDICT.encode()).hexdigest()[:12]
MAX_SUBWORD_PARENT = 16  # longer "words" (runs of digits/letters) are not split into sub-words


def _load_userdict() -> None:
    """Add the domain vocabulary to rjieba's process-wide dictionary."""
    for line in _USERDICT.splitlines():
        parts = line.split()
        if parts:
            rjieba.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, None)


def _t2s_pairs() -> dict[str, str]:
    """Return zhconv's single-character traditional→simplified mappings."""
    data = json.loads(resources.files("zhconv").joinpath("zhcdict.json").read_text("utf-8"))
    return {k: v for k, v in data["zh2Hans"].items() if len(k) == 1 and len(v) == 1}


def _build_table() -> dict[int, str]:
    """Build the 1:1 normalization table: NFKC where it yields one character, t2s, lowercase."""
    table: dict[int, str] = {}
    for cp in range(0x20, 0x10000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        norm = unicodedata.normalize("NFKC", ch)
        if len(norm) != 1:
            norm = ch
        norm = norm.lower() if len(norm.lower()) == 1 else norm
        if norm.isspace():
            norm = " "
        if norm != ch:
            table[cp] = norm
    for trad, simp in _t2s_pairs().items():
        table[ord(trad)] = table.get(ord(simp), simp)
    return table


_load_userdict()
_TABLE = _build_table()


def normalize(text: str) -> str:
    """Return text with the same length: half-width, simplified, lower-case, plain spaces."""
    return text.translate(_TABLE)


def _is_word(tok: str) -> bool:
    return any(ch.isalnum() for ch in tok)


@lru_cache(maxsize=200_000)
def _subwords(word: str) -> tuple[tuple[str, int, int], ...]:
    """Return the dictionary words strictly inside word, as (text, start, end) within it."""
    n = len(word)
    if n < 3 or n > MAX_SUBWORD_PARENT or not word.isalpha():
        return ()
    found = []
    for size in range(2, n):
        for start in range(0, n - size + 1):
            sub = word[start : start + size]
            if rjieba.has_word(sub):
                found.append((sub, start, start + size))
    return tuple(found)


def word_tokens(text: str) -> list[tuple[str, int, int, int]]:
    """Segment text for indexing: (term, position, startchar, endchar).

    Precise-mode words get consecutive ordinal positions; dictionary sub-words of a longer word
    share their parent's position, so both `中华人民共和国` and `共和国` match inside
    `中华人民共和国政府` and phrase positions stay consecutive.
    """
    out = []
    pos = 0
    for tok, start, end in rjieba.tokenize(normalize(text), "default", False):
        if not _is_word(tok):
            continue
        out.append((tok, pos, start, end))
        for sub, s, e in _subwords(tok):
            out.append((sub, pos, start + s, start + e))
        pos += 1
    return out


def query_words(text: str) -> list[str]:
    """Segment a query chunk in precise mode (no sub-words): the terms that must all match."""
    return [tok for tok in rjieba.cut(normalize(text), False) if _is_word(tok)]


_NON_WORD = re.compile(r"[\W_]+")


def ngrams(text: str) -> set[str]:
    """Return the distinct character unigrams and bigrams of the word runs of normalized text.

    Punctuation and spaces split runs, so no n-gram holds one; phrase verification on the text
    makes phrases with punctuation exact.
    """
    grams: set[str] = set()
    for run in _NON_WORD.split(normalize(text)):
        grams.update(run)
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def phrase_ngrams(phrase: str) -> list[str]:
    """Return the n-gram terms a document must hold to contain the normalized phrase."""
    runs = [run for run in _NON_WORD.split(normalize(phrase)) if run]
    grams = {run[i : i + 2] for run in runs for i in range(len(run) - 1)}
    return sorted(grams or {ch for run in runs for ch in run})


def normalize_id(value: str) -> str:
    """Normalize a 文号 or 索引号: half-width, one bracket style, no spaces."""
    text = unicodedata.normalize("NFKC", value or "")
    for opening in "〔[［【(（":
        text = text.replace(opening, "〔")
    for closing in "〕]］】)）":
        text = text.replace(closing, "〕")
    return "".join(text.split()).lower()


class _TermTokenizer(Tokenizer):
    """A Whoosh tokenizer over a function returning (term, position, startchar, endchar)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def terms(self, value: str, mode: str) -> list[tuple[str, int, int, int]]:
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, pos, start, end in self.terms(value, mode):
            t.original = t.text = term
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class WordTokenizer(_TermTokenizer):
    """Words: ordinal positions and character offsets (`word_tokens`; precise mode for queries)."""

    def terms(self, value, mode):
        if mode == "query":
            return [(w, i, 0, 0) for i, w in enumerate(query_words(value))]
        return word_tokens(value)


class NgramTokenizer(_TermTokenizer):
    """Character n-grams (`ngrams`): the exact-substring candidate field."""

    def terms(self, value, mode):
        return [(gram, i, 0, 0) for i, gram in enumerate(sorted(ngrams(value)))]
