"""The one analyzer of Gongkai, for every engine: normalization, jieba segmentation, n-grams.

Changing how text is segmented (the code or `data/userdict.txt`) changes ANALYZER_VERSION, which
makes `gongkai index` rebuild. Engines wrap these functions in their own tokenizer types
(indexer/engines/); nothing here knows an engine.

Normalization is length-preserving (one character in, one character out), so character offsets
computed on normalized text point into the original stored text: highlighting never re-segments.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import rjieba

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
# str.translate reads a list faster than a dict; a character past its end raises IndexError,
# a LookupError, and stays as it is. The few mapped characters past the BMP use the dict.
_BMP = [_TABLE.get(cp, chr(cp)) for cp in range(0x10000)]
_ASTRAL = {cp: v for cp, v in _TABLE.items() if cp >= 0x10000}


_ASTRAL_CHAR = re.compile("[\U00010000-\U0010ffff]")


def normalize(text: str) -> str:
    """Return text with the same length: half-width, simplified, lower-case, plain spaces."""
    if not text.isascii() and _ASTRAL_CHAR.search(text):  # one pass per character: astral first
        text = text.translate(_ASTRAL)
    return text.translate(_BMP)


_WORD_CHAR = re.compile(r"[^\W_]")


def _is_word(tok: str) -> bool:
    return _WORD_CHAR.search(tok) is not None


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


def word_tokens(text: str, normalized: bool = False) -> list[tuple[str, int, int, int]]:
    """Segment text for indexing: (term, position, startchar, endchar); `normalized`: the
    text is already normalized.

    Precise-mode words get consecutive ordinal positions; dictionary sub-words of a longer word
    share their parent's position, so both `中华人民共和国` and `共和国` match inside
    `中华人民共和国政府` and phrase positions stay consecutive.
    """
    out = []
    pos = 0
    for tok, start, end in rjieba.tokenize(text if normalized else normalize(text), "default",
                                           False):
        if not _is_word(tok):
            continue
        out.append((tok, pos, start, end))
        for sub, s, e in _subwords(tok):
            out.append((sub, pos, start + s, start + e))
        pos += 1
    return out


_SUBWORD_TERMS: dict[str, tuple[str, ...]] = {}


def index_terms(text: str, normalized: bool = False) -> list[str]:
    """The terms of `word_tokens` without positions or offsets: precise-mode words, each
    followed by its dictionary sub-words (`normalized`: text is already normalized). The
    indexing hot loop, written for speed."""
    out: list[str] = []
    append, extend, search = out.append, out.extend, _WORD_CHAR.search
    cached = _SUBWORD_TERMS.get
    for tok in rjieba.cut(text if normalized else normalize(text), False):
        if tok[0].isalnum() or search(tok):
            append(tok)
            if len(tok) > 2:
                subs = cached(tok)
                if subs is None:
                    if len(_SUBWORD_TERMS) > 500_000:
                        _SUBWORD_TERMS.clear()
                    subs = _SUBWORD_TERMS[tok] = tuple(sub for sub, _, _ in _subwords(tok))
                extend(subs)
    return out


_HAN_PAIR = re.compile(r"^[\u4e00-\u9fff]{2,12}$")


def title_pairs(title: str) -> list[str]:
    """Adjacent Chinese words of a title, run together (营商 + 环境 → 营商环境): the suggestion
    vocabulary's phrases."""
    words = query_words(title)
    return sorted({a + b for a, b in zip(words, words[1:], strict=False)
                   if _HAN_PAIR.match(a + b)})


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


SPAN_CONTEXT = 24  # characters segmented on each side of an occurrence to confirm it


def term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Character spans in text of the given terms where segmentation yields them as words or
    sub-words, as indexed. Occurrences are found as substrings, then confirmed by segmenting
    a window around them: the result of segmenting the whole text, at a fraction of the cost
    on long texts."""
    norm = normalize(text)
    found: list[tuple[int, int]] = []
    for term in set(terms):
        at = norm.find(term)
        while at != -1:
            found.append((at, at + len(term)))
            at = norm.find(term, at + 1)
    if not found:
        return []
    found.sort()
    confirmed: list[tuple[int, int]] = []
    lo = hi = -1
    tokens: set[tuple[int, int]] = set()
    for span in found:
        start, end = span
        if start - SPAN_CONTEXT // 2 < lo or end + SPAN_CONTEXT // 2 > hi:  # a new window
            lo, hi = max(0, start - SPAN_CONTEXT), min(len(norm), end + 4 * SPAN_CONTEXT)
            inside = found[bisect.bisect_left(found, (lo, lo)):bisect.bisect_left(found, (hi, hi))]
            tokens = _window_tokens(norm, lo, hi, inside)
        if span in tokens:
            confirmed.append(span)
    return confirmed


def _window_tokens(norm: str, lo: int, hi: int,
                   wanted: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of the wanted spans segmenting norm[lo:hi] yields as words or sub-words (what
    `word_tokens` would give there), looked up in the token that holds each span's start:
    precise-mode tokens cover the text without gaps or overlaps."""
    tokens = rjieba.tokenize(norm[lo:hi], "default", False)
    starts = [start for _, start, _ in tokens]
    out: set[tuple[int, int]] = set()
    for span in wanted:
        start, end = span[0] - lo, span[1] - lo
        tok, s, e = tokens[bisect.bisect_right(starts, start) - 1]
        if (s, e) == (start, end) or (end <= e and (tok[start - s:end - s], start - s, end - s)
                                      in _subwords(tok)):
            out.add(span)
    return out
