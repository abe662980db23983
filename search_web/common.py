"""What both blueprints share: the index reader of the current app."""

from __future__ import annotations

from flask import current_app

from indexer.querylog import QueryLog
from indexer.search import IndexReader, SearchRequest, SearchResult

TYPE_LABELS = {"annual_report": "年度报告", "guide": "公开指南", "budget": "预决算",
               "notice": "通知公告", "other": "其他"}


def reader() -> IndexReader:
    """Return the app's index reader."""
    return current_app.extensions["gongkai.reader"]


def run_search(params) -> tuple[SearchRequest, SearchResult]:
    """Validate the parameters, search, and count the query (first pages only) in the log."""
    req = SearchRequest.from_params(params)
    result = reader().search(req)
    if req.page == 1 and req.q:  # as typed: a query shown its suggestion's hits found nothing
        querylog().record(req.q, 0 if result.replaced else result.total)
    return req, result


def querylog() -> QueryLog:
    """Return the app's query log."""
    return current_app.extensions["gongkai.querylog"]
