"""Atom feeds of what agencies publish, change and withdraw (issue #19), written by
feedgenerator (Django's feed writer as a library, kept by the Pelican project).

- `/changes.atom`: the archive's newest changes, newest first; `source=` or `publisher=` keep
  one source's or one publisher's.
- `/search.atom?q=…` (with any search filter): the newest changes among the documents a search
  finds, linked from the results page as 订阅.

Each entry is one change of one document: new, changed (what changed: title, body, fields),
withdrawn or restored, with the date it was seen so; its id names the document and the change,
so a reader shows a later change as a new entry. Feeds are rate-limited like searches
(search_web/security.py). The JSON equivalent for programs is /api/changes.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from feedgenerator import Atom1Feed
from flask import Blueprint, Response, request, url_for

from indexer.request import SearchError, SearchRequest
from search_web.common import reader
from search_web.stats import archive
from search_web.versions import CHANGE_LABELS

bp = Blueprint("feeds", __name__)
ENTRIES = 50  # entries in a feed
WINDOW = 1000  # the newest changes a search feed looks among for documents it finds
KIND_LABELS = {"new": "新发布", "changed": "已修改", "withdrawn": "已撤下", "restored": "恢复发布"}
ATOM = "application/atom+xml; charset=utf-8"


@bp.get("/changes.atom")
def changes_feed():
    """The newest changes in the archive, of one source or publisher if asked."""
    source = (request.args.get("source") or "").strip()
    publisher = (request.args.get("publisher") or "").strip()
    for name, value in (("source", source), ("publisher", publisher)):
        if len(value) > 100:
            raise SearchError(f"{name} is too long (at most 100 characters)")
    changes = archive().latest(ENTRIES, source=source, publisher=publisher)
    scope = "，".join(v for v in (source and f"来源 {source}", publisher) if v) or "全部文件"
    return _atom(f"公开 · 新发布、修改和撤下的文件（{scope}）", changes,
                 url_for("html.search", _external=True))


@bp.get("/search.atom")
def search_feed():
    """The newest changes among the documents a search finds (its filters included)."""
    req = SearchRequest.from_params(request.args)
    window = archive().latest_ids(WINDOW)
    found: set[str] = set()
    for start in range(0, len(window), 100):  # a search may return 100 hits at a time
        ids = tuple(window[start:start + 100])
        hits = reader().search(SearchRequest(**{**vars(req), "ids": ids, "page": 1,
                                                "size": 100, "sort": "date",
                                                "as_typed": True})).hits
        found.update(h.id for h in hits)
        if len(found) >= ENTRIES:
            break
    changes = archive().latest(ENTRIES, ids=tuple(found)) if found else []
    args = {k: v for k, v in request.args.items() if v}
    return _atom(f"公开 · 检索「{req.q or '全部'}」的新发布、修改和撤下", changes,
                 url_for("html.search", _external=True, **args))


class _ChangesFeed(Atom1Feed):
    """Atom with each entry's other links (the original page, the diff) as rel="related"."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for href, title in item["related"]:
            handler.addQuickElement("link", "", {"rel": "related", "href": href,
                                                 "title": title})


def _atom(title: str, changes: list[dict], alternate: str) -> Response:
    feed = _ChangesFeed(title=title, link=alternate, description="", language="zh-CN",
                        feed_url=request.url, feed_guid=request.url,
                        author_name="公开（Gongkai）")
    for change in changes:
        _entry(feed, change)
    if not changes:  # the feed's <updated>: its newest entry's, or now when it has none
        feed.latest_post_date = lambda: dt.datetime.now(dt.UTC)
    return Response(feed.writeString("utf-8"), content_type=ATOM)


def _entry(feed: Atom1Feed, change: dict) -> None:
    kind = change["kind"]
    page = url_for("html.document", doc_id=change["doc_id"], _external=True)
    related = [(change["url"], "原网址")]
    if kind in ("changed", "restored") and change["version"] > 1:
        related.append((url_for("html.diff", doc_id=change["doc_id"], _external=True),
                        "与上一版对照"))
    feed.add_item(title=f"【{KIND_LABELS[kind]}】{change['title']}", link=page,
                  description=escape(_summary(change)),
                  unique_id=f"{page}#{kind}-{change['version']}-{int(change['at'])}",
                  updateddate=_moment(change["at"]),
                  author_name=change["publisher"] or "未注明发布机构",
                  categories=[kind], related=related)


def _summary(change: dict) -> str:
    day = _moment(change["at"]).date().isoformat()
    said = {"new": f"{day} 首次收录", "withdrawn": f"{day} 发现已撤下，原网址已无法访问",
            "restored": f"{day} 恢复发布", "changed": f"{day} 发现修改"}[change["kind"]]
    if change["changed"]:
        said += "：" + "、".join(CHANGE_LABELS.get(c, c) for c in change["changed"])
    facts = [f for f in (change["publisher"], change["doc_number"] and f"文号 {change['doc_number']}",
                         change["pub_date"] and f"发布日期 {change['pub_date']}") if f]
    return "。".join([said, *(["；".join(facts)] if facts else [])]) + "。"


def _moment(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)
