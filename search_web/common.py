"""What both blueprints share: the index reader of the current app."""

from __future__ import annotations

from flask import current_app

from indexer.search import IndexReader

TYPE_LABELS = {"annual_report": "年度报告", "guide": "公开指南", "budget": "预决算",
               "notice": "通知公告", "other": "其他"}


def reader() -> IndexReader:
    """Return the app's index reader."""
    return current_app.extensions["gongkai.reader"]
