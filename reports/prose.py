"""Figures that reports before 2019 state in sentences (DOMAIN.md §2.2, §2.7):
全年共收到政府信息公开申请12件 … 予以公开8件 … 行政复议0件, 未发生…行政复议 (= 0)."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUM = r"(\d+|[零〇一二两三四五六七八九十百千万]+)"
_COUNT = r"\s*(?:件|份|条|宗|起|个)"
_GAP = r"[^。；;，,\d零〇一二两三四五六七八九十百千万]{0,12}?"
# (key, patterns with one number group); the first that matches gives the figure
FIGURES = (
    ("applications", (rf"(?:收到|受理|接到)[^。；;]{{0,24}}?申请{_GAP}{NUM}{_COUNT}",
                      rf"申请{_GAP}共{NUM}{_COUNT}")),
    ("granted", (rf"(?<!不)(?<!部分)予以公开{_GAP}{NUM}{_COUNT}", rf"同意公开{_GAP}{NUM}{_COUNT}")),
    ("partial", (rf"部分公开{_GAP}{NUM}{_COUNT}",)),
    ("denied", (rf"不予公开{_GAP}{NUM}{_COUNT}",)),
    ("not_exist", (rf"信息不存在{_GAP}{NUM}{_COUNT}",)),
    ("review", (rf"行政复议(?:案件|申请)?{_GAP}{NUM}{_COUNT}",)),
    ("litigation", (rf"行政诉讼(?:案件)?{_GAP}{NUM}{_COUNT}",)),
)
# "no case": 未发生/没有/未收到/无 … 行政复议
_NONE = {"review": r"(?:未|没有|无)(?:发生|收到|接到|出现)?[^。；;]{0,16}?行政复议",
         "litigation": r"(?:未|没有|无)(?:发生|收到|接到|出现)?[^。；;]{0,16}?行政诉讼",
         "applications": r"(?:未|没有)(?:收到|接到|受理)[^。；;]{0,12}?申请"}


def chinese_number(text: str) -> int | None:
    """Read 12, 十二, 两, 一百零五, 二十 as an integer (None if it is not a number)."""
    if text.isdigit():
        return int(text)
    total = current = 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def prose_figures(text: str) -> dict[str, int]:
    """The figures a report states in its sentences, by key (those it does not state are left
    out, never guessed)."""
    text = unicodedata.normalize("NFKC", text)
    found: dict[str, int] = {}
    for key, patterns in FIGURES:
        for pattern in patterns:
            m = re.search(pattern, text)
            if m and (value := chinese_number(m.group(1))) is not None:
                found[key] = value
                break
        if key not in found and key in _NONE and re.search(_NONE[key], text):
            found[key] = 0
    return found
