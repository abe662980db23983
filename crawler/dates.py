"""Chinese government page dates: `YYYY-MM-DD`, `YYYY年M月D日`, `YYYY.MM.DD`, `YYYY/MM/DD`, URL tokens."""

from __future__ import annotations

import datetime as dt
import re

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")
_URL_TOKENS = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),  # TRS t20190918_693227
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # Hanweb /art/2016/11/22/
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/"),  # /2018-12/29/
)


def _valid(year: str, month: str, day: str) -> str:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return ""


def parse_date(text: str) -> str:
    """Return the first valid date in text as YYYY-MM-DD, or ""."""
    for m in _DATE.finditer(text or ""):
        found = _valid(*m.groups())
        if found:
            return found
    return ""


def date_from_url(url: str) -> str:
    """Return the publish date encoded in a CMS URL, or ""."""
    for pattern in _URL_TOKENS:
        m = pattern.search(url)
        if m:
            found = _valid(*m.groups())
            if found:
                return found
    return ""
