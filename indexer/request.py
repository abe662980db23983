"""Request parameters: strings from a URL or the CLI → a validated SearchRequest (or
StatsRequest), or SearchError."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from archive import DOC_TYPES
from indexer.engines.base import DATE_FIELDS
from indexer.query import MAX_QUERY_CHARS

MAX_PAGE = 1000
MAX_PREFIX = 50  # characters of a query being completed
MAX_SIZE = 100
SORTS = ("relevance", "date")


class SearchError(ValueError):
    """A search parameter that cannot be used; the message says which and why."""


STATUSES = ("", "live", "withdrawn")


@dataclass
class SearchRequest:
    """A validated search: the query text, paging, sort and filters."""

    q: str = ""
    page: int = 1
    size: int = 10
    sort: str = "relevance"
    publisher: str = ""
    year: int | None = None
    doc_type: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""  # "live", "withdrawn" (taken down by the agency, kept), "": both
    changed: bool = False  # only documents edited since first seen
    when: str = "published"  # the date from/to bound: published, changed or withdrawn
    ids: tuple[str, ...] = ()  # only these documents (not a parameter: search_web/feeds.py)
    as_typed: bool = False  # never show a suggestion's results instead of nothing

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SearchRequest:
        """Validate request parameters (strings) into a SearchRequest, or raise SearchError."""
        req = cls(q=(params.get("q") or "").strip(), publisher=(params.get("publisher") or ""),
                  doc_type=params.get("type") or "", sort=params.get("sort") or "relevance",
                  status=(params.get("status") or "").strip(),
                  when=(params.get("when") or "published").strip())
        req.as_typed = _flag(params, "as_typed")
        req.changed = _flag(params, "changed")
        req.page = _int_param(params, "page", 1, 1, MAX_PAGE)
        req.size = _int_param(params, "size", 10, 1, MAX_SIZE)
        if params.get("year"):
            req.year = _int_param(params, "year", None, 1900, 2100)
        if req.sort not in SORTS:
            raise SearchError(f"sort must be one of {', '.join(SORTS)}")
        if req.doc_type and req.doc_type not in DOC_TYPES:
            raise SearchError(f"type must be one of {', '.join(DOC_TYPES)}")
        if req.status not in STATUSES:
            raise SearchError(f"status must be one of {', '.join(filter(None, STATUSES))}")
        if req.when not in DATE_FIELDS:
            raise SearchError(f"when must be one of {', '.join(DATE_FIELDS)}")
        req.date_from = _date_param(params, "from")
        req.date_to = _date_param(params, "to")
        if req.date_from and req.date_to and req.date_from > req.date_to:
            raise SearchError("from must not be after to")
        if len(req.q) > MAX_QUERY_CHARS:
            raise SearchError(f"q is too long ({len(req.q)} characters, "
                              f"at most {MAX_QUERY_CHARS})")
        return req


def _flag(params, name) -> bool:
    raw = (params.get(name) or "0").strip().lower()
    if raw not in ("0", "1", "true", "false"):
        raise SearchError(f"{name} must be 0 or 1, got {params.get(name)!r}")
    return raw in ("1", "true")


def _int_param(params, name, default, low, high):
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise SearchError(f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise SearchError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _date_param(params, name) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise SearchError(f"{name} must be a date as YYYY-MM-DD, got {raw!r}") from None


STATS_SORTS = ("publisher", "year", "new", "granted_rate", "review_corrected",
               "litigation_corrected", "failed")
MAX_STATS_TEXT = 100


MAX_CURSOR = 2**62  # archive sequence numbers are BIGINT


@dataclass
class ChangesRequest:
    """A validated poll of /api/changes: the cursor (an archive sequence number) and how many
    changes to return."""

    since: int = 0
    size: int = 100

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> ChangesRequest:
        """Validate request parameters (strings), or raise SearchError."""
        return cls(since=_int_param(params, "since", 0, 0, MAX_CURSOR),
                   size=_int_param(params, "size", MAX_SIZE, 1, MAX_SIZE))


@dataclass
class StatsRequest:
    """A validated query of the annual reports' statistics, paged like a search."""

    publisher: str = ""
    year: int | None = None
    q: str = ""
    sort: str = "publisher"
    descending: bool = False
    page: int = 1
    size: int = 20

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> StatsRequest:
        """Validate request parameters (strings) into a StatsRequest, or raise SearchError."""
        req = cls(publisher=(params.get("publisher") or "").strip(),
                  q=(params.get("q") or "").strip(), sort=params.get("sort") or "publisher")
        for name in ("publisher", "q"):
            if len(getattr(req, name)) > MAX_STATS_TEXT:
                raise SearchError(f"{name} is too long (at most {MAX_STATS_TEXT} characters)")
        if params.get("year"):
            req.year = _int_param(params, "year", None, 1900, 2100)
        if req.sort not in STATS_SORTS:
            raise SearchError(f"sort must be one of {', '.join(STATS_SORTS)}")
        order = params.get("order") or "asc"
        if order not in ("asc", "desc"):
            raise SearchError("order must be asc or desc")
        req.descending = order == "desc"
        req.page = _int_param(params, "page", 1, 1, MAX_PAGE)
        req.size = _int_param(params, "size", 20, 1, MAX_SIZE)
        return req
