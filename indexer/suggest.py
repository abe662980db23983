"""'Did you mean': corrections for mistyped and pinyin queries.

Levenshtein distance does not correct Chinese (信总公开 is one character from 信息公开, and so
are hundreds of other words); pinyin does (SEARCH_NOTES.md). The vocabulary is the words of the
titles and their adjacent word pairs, the body words found in two documents or more, the
publishers and the chunks of frequently asked queries that found something, with document
frequencies, read from the engine's term dictionaries and written next to each index generation
(`suggest.json`) whenever the index changes. A query chunk gets a correction when:

- it is pinyin (`zhengfuxinxigongkai`): split into the fewest known words' pinyin;
- it is Chinese and unknown: a known word of the same length that sounds the same
  (行政付议 → 行政复议), else one that differs by one character (信总公开 → 信息公开),
  the most frequent first; in a longer chunk, the same for its first unknown 4- or
  3-character window (营样环境优化 → 营商环境优化).
"""

from __future__ import annotations

import json
import re
from functools import cached_property
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from indexer.analysis import normalize

FILE = "suggest.json"
_PINYIN_INPUT = re.compile(r"^[a-z]{4,60}$")
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]{2,12}$")
MAX_WORDS = 50_000  # the most frequent: pinyin costs ~30 µs a word at every index update


def pinyin(text: str) -> str:
    """Return the toneless pinyin of text, run together (信息 → xinxi)."""
    return "".join(lazy_pinyin(text, style=Style.NORMAL))


def write_vocabulary(generation: Path, searcher, asked: dict[str, int] | None = None) -> int:
    """Write the suggestion vocabulary of an index generation from its searcher's term
    dictionaries; return its size.

    `asked`: chunks of frequently asked queries with their counts (from the query log)."""
    words: dict[str, int] = {}
    for field, min_df in (("title", 1), ("body", 2), ("pairs", 1)):  # 营商 + 环境: typos sit
        for word, df in searcher.terms(field):                        # in phrases too
            if df >= min_df and _HAN_WORD.match(word):
                words[word] = max(words.get(word, 0), df)
    for publisher, count in searcher.terms("publisher"):
        words[publisher] = words.get(publisher, 0) + count
    for chunk, count in (asked or {}).items():  # what people search for and find
        if _HAN_WORD.match(chunk):
            words[chunk] = words.get(chunk, 0) + count
    top = sorted(words.items(), key=lambda item: -item[1])[:MAX_WORDS]
    entries = [[word, df, pinyin(word)] for word, df in top]
    tmp = generation / (FILE + ".tmp")
    tmp.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    tmp.replace(generation / FILE)
    return len(entries)


class Suggester:
    """Corrections from one generation's vocabulary (loaded on first use)."""

    def __init__(self, generation: Path):
        self.path = generation / FILE

    @cached_property
    def _entries(self) -> list[list]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []

    @cached_property
    def _df(self) -> dict[str, int]:
        return {word: df for word, df, _ in self._entries}

    @cached_property
    def _by_pinyin(self) -> dict[str, str]:
        best: dict[str, str] = {}
        for word, _, sound in self._entries:  # entries are most frequent first
            best.setdefault(sound, word)
        return best

    @cached_property
    def _by_pattern(self) -> dict[str, list[str]]:
        patterns: dict[str, list[str]] = {}
        for word, _, _ in self._entries:
            for i in range(len(word)):
                patterns.setdefault(word[:i] + "?" + word[i + 1:], []).append(word)
        return patterns

    def correct(self, chunk: str) -> str | None:
        """Return a correction of one query chunk, or None if it looks right or nothing fits."""
        text = normalize(chunk.strip())
        if _PINYIN_INPUT.match(text):
            return self._from_pinyin(text)
        if not _HAN_WORD.match(text) or text in self._df:
            return None
        return self._fix(text) or self._fix_window(text)

    def _fix(self, text: str) -> str | None:
        """A known word of the same length that sounds the same, else one character away."""
        same_sound = self._by_pinyin.get(pinyin(text))
        if same_sound and len(same_sound) == len(text):
            return same_sound
        near = {w for i in range(len(text))
                for w in self._by_pattern.get(text[:i] + "?" + text[i + 1:], [])}
        return max(near, key=lambda w: self._df[w]) if near else None

    def _fix_window(self, text: str) -> str | None:
        """In a long chunk, correct the first unknown 4- or 3-character window that can be."""
        for size in (4, 3):
            for start in range(len(text) - size + 1 if len(text) > size else 0):
                window = text[start:start + size]
                fixed = None if window in self._df else self._fix(window)
                if fixed:
                    return text[:start] + fixed + text[start + size:]
        return None

    def _from_pinyin(self, text: str) -> str | None:
        """Split pinyin into the fewest known words' pinyin (ties: the more frequent words)."""
        best: list[tuple[int, int, list[str]] | None] = [None] * (len(text) + 1)
        best[0] = (0, 0, [])
        for end in range(1, len(text) + 1):
            for start in range(max(0, end - 36), end):
                word = self._by_pinyin.get(text[start:end])
                if best[start] is None or word is None:
                    continue
                count, freq, words = best[start]
                candidate = (count + 1, freq - self._df[word], [*words, word])
                if best[end] is None or candidate[:2] < best[end][:2]:
                    best[end] = candidate
        return "".join(best[-1][2]) if best[-1] else None

    def complete(self, prefix: str, limit: int = 10) -> list[str]:
        """Known words, phrases and publishers starting with the prefix (or its pinyin),
        most frequent first."""
        text = normalize(prefix.strip())
        if not text:
            return []
        if text.isascii():
            key = text.lower().replace(" ", "")
            found = [w for w, _, sound in self._entries if sound.startswith(key)]
        else:
            found = [w for w, _, _ in self._entries if w.startswith(text) and w != text]
        return found[:limit]

    def suggest(self, chunks: list[str]) -> str | None:
        """Return the whole query with its chunks corrected, or None if nothing changed."""
        corrected = [self.correct(chunk) or chunk for chunk in chunks]
        return " ".join(corrected) if corrected != chunks else None
