"""Lines a page layout wrapped (PDF text, old Word) joined again, real breaks kept."""

from __future__ import annotations

import re
import unicodedata

_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_ENDS_SENTENCE = "。！？；：!?;:…"
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|"
                      r"第[一二三四五六七八九十百]+[章节条部分]|\d{1,2}[.、．](?!\d))")
_JOINS = (  # (end of a line, start of the next): the break between them was a wrap
    (re.compile(f"[{_HAN}，、（《“‘]$"), re.compile(f"^[{_HAN}0-9，。、；：）》”’]")),
    (re.compile(r"[0-9]$"), re.compile(f"^[0-9{_HAN}.,%]")),
)
_LATIN = (re.compile(r"[A-Za-z,]$"), re.compile(r"^[A-Za-z]"))
# a line ending in two or more table values: numbers, or the dashes and 无 tables write for 0
_TABLE_ROW = re.compile(r"(?:(?:^|\s+)(?:[-+—]?[\d,.]*\d[\d,.]*(?:%|万元|元|件|个|项)?|"
                        r"[—–―/\\无-]+)){2,}\s*$")  # numbers, with a unit as some print them
SHORT_LINE = 0.7  # of the usual full line: a line this short ended its paragraph


def join_wrapped(text: str) -> str:
    """Join the lines a page layout wrapped (PDF text): `机\n构设置` → `机构设置`.

    A break between two Han characters, inside a number or after a mid-sentence mark is a
    wrap; a break after 。；：, before a heading (`二、`, `（三）`), after a short line, at a
    table row (`a | b`, or a label followed by numbers: `规章 3 0 12`) or at a blank line is a
    real one.
    """
    lines = [line.strip() for line in text.splitlines()]
    lengths = sorted(len(line) for line in lines if line)
    full = lengths[int(0.9 * (len(lengths) - 1))] if len(lengths) >= 8 else 0
    out: list[str] = []
    for line in lines:
        if not line:
            out.append("")
            continue
        glue = _glue(out[-1], line, full) if out and out[-1] else None
        if glue is None:
            out.append(line)
        else:
            out[-1] += glue + line
    return "\n".join(line for line in out if line)


def _table_row(line: str) -> bool:
    """Whether a line ends in two or more numbers (any width: ２４，５４８, －２)."""
    return bool(_TABLE_ROW.search(unicodedata.normalize("NFKC", line)))


def _glue(previous: str, line: str, full: int) -> str | None:
    """What joins two lines ("" or " "), or None when the break between them is real."""
    short = len(previous) < SHORT_LINE * full if full else \
        bool(_HEADING.match(previous)) and len(previous) <= 15
    if previous[-1] in _ENDS_SENTENCE or _HEADING.match(line) or short or \
            " | " in previous or " | " in line or _table_row(previous) or _table_row(line):
        return None
    if any(end.search(previous) and start.match(line) for end, start in _JOINS):
        return ""
    if _LATIN[0].search(previous) and _LATIN[1].match(line):
        return " "
    return None


