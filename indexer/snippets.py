"""Snippets: pick the fragments with the best matches; escape, then mark, then hand out as HTML.

Match spans come from stored character offsets (whole jieba words) and from exact phrase
positions in the normalized text, so no document is re-segmented per hit, and there is no
length cut-off.
"""

from __future__ import annotations

from html import escape

FRAGMENT_CHARS = 120
CONTEXT_BEFORE = 24


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge overlapping or touching ones."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _best_windows(text: str, spans: list[tuple[int, int]], count: int) -> list[tuple[int, int]]:
    """Choose up to `count` non-overlapping windows holding the most distinct matched strings."""
    scored = []
    for i, (start, _) in enumerate(spans):
        lo = max(0, start - CONTEXT_BEFORE)
        hi = min(len(text), lo + FRAGMENT_CHARS)
        inside = [text[s:e] for s, e in spans[i:] if e <= hi]
        scored.append((len(set(inside)) * 10 + len(inside), -lo, lo, hi))
    scored.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for *_, lo, hi in scored:
        if all(hi <= c_lo or lo >= c_hi for c_lo, c_hi in chosen):
            chosen.append((lo, hi))
        if len(chosen) == count:
            break
    return sorted(chosen)


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    """Return the whole text as HTML, escaped, with every span wrapped in <mark>."""
    return mark_numbered(text, spans)[0]


def mark_numbered(text: str, spans: list[tuple[int, int]],
                  first: int | None = None) -> tuple[str, int]:
    """Return (the whole text as HTML, escaped, every span in <mark>; the number of marks).
    With `first`, the marks get ids `m-<first>`, `m-<first + 1>`, … to jump between."""
    parts, cursor, count = [], 0, 0
    for s, e in merge_spans([(s, e) for s, e in spans if 0 <= s < e <= len(text)]):
        ident = f' id="m-{first + count}"' if first is not None else ""
        parts += [escape(text[cursor:s]), f"<mark{ident}>{escape(text[s:e])}</mark>"]
        cursor = e
        count += 1
    parts.append(escape(text[cursor:]))
    return "".join(parts), count


def render(text: str, spans: list[tuple[int, int]], fragments: int = 1) -> str:
    """Return snippet HTML: every character escaped, matches wrapped in <mark>."""
    spans = merge_spans([(s, e) for s, e in spans if 0 <= s < e <= len(text)])
    if not spans:
        piece = text[:FRAGMENT_CHARS]
        return escape(piece.replace("\n", " ")) + ("…" if len(text) > len(piece) else "")
    out = []
    for lo, hi in _best_windows(text, spans, fragments):
        parts = ["…" if lo > 0 else ""]
        cursor = lo
        for s, e in spans:
            if e <= lo or s >= hi:
                continue
            s, e = max(s, lo), min(e, hi)
            parts.append(escape(text[cursor:s]))
            parts.append(f"<mark>{escape(text[s:e])}</mark>")
            cursor = e
        parts.append(escape(text[cursor:hi]))
        parts.append("…" if hi < len(text) else "")
        out.append("".join(parts).replace("\n", " "))
    return " ".join(out)


def find_all(haystack: str, needle: str) -> list[tuple[int, int]]:
    """Return the spans of every occurrence of needle in haystack."""
    spans, start = [], haystack.find(needle)
    while needle and start != -1:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + 1)
    return spans
