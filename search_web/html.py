"""The HTML pages: home, search results, document."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, render_template, request, url_for

from indexer.query import MAX_QUERY_CHARS
from indexer.request import StatsRequest
from indexer.search import mark_document
from reports.export import rate
from reports.model import (
    ACTIVE_COLUMN_LABELS,
    ACTIVE_ROWS,
    APPLICANT_LABELS,
    APPLICANTS,
    APPLICATION_ROWS,
    CASE_LABELS,
    CASES,
    OUTCOME_LABELS,
    OUTCOMES,
)
from search_web.api import doc_json, ocr_of, stats_page
from search_web.common import TYPE_LABELS, querylog, reader, run_search
from search_web.stats import NoArchive, archive, chart, key_figures
from search_web.status import check_allowed, status_data
from search_web.versions import (
    CHANGE_LABELS,
    field_changes,
    summary,
    text_diff,
    versions_of,
)

bp = Blueprint("html", __name__)
PARAMS = ("q", "sort", "publisher", "year", "type", "status", "changed", "from", "to", "when",
          "size", "as_typed")
STATUS_LABELS = {"live": "现行", "withdrawn": "已撤下"}


@bp.app_context_processor
def helpers():
    def search_url(**changes):
        """URL of the search page with the current parameters, some changed (None drops one)."""
        params = {k: request.args.get(k) for k in PARAMS if request.args.get(k)}
        params.update(changes)
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return url_for("html.search", **params)

    def feed_url():
        """The Atom feed of the current search: its query and filters, not its paging."""
        params = {k: request.args.get(k) for k in PARAMS
                  if request.args.get(k) and k not in ("sort", "size", "as_typed")}
        return url_for("feeds.search_feed", **params)

    return {"search_url": search_url, "feed_url": feed_url, "many": many, "type_labels": TYPE_LABELS, "rate": rate,
            "status_labels": STATUS_LABELS,
            "model": {"rows": APPLICATION_ROWS, "applicants": APPLICANTS,
                      "applicant_labels": APPLICANT_LABELS, "cases": CASES,
                      "case_labels": CASE_LABELS, "outcomes": OUTCOMES,
                      "outcome_labels": OUTCOME_LABELS, "active_rows": ACTIVE_ROWS,
                      "active_labels": ACTIVE_COLUMN_LABELS}}


def many(n: int) -> str:
    """A count as a page says it: 10000 → "1 万", 250000 → "25 万", 50 → "50"."""
    return f"{n // 10_000} 万" if n >= 10_000 and n % 10_000 == 0 else str(n)


@bp.get("/")
def home():
    """The search box."""
    return render_template("index.html", documents=reader().doc_count(), hot=querylog().hot())


@bp.get("/search")
def search():
    """Search results with facets, sort and paging; the same result as /api/search."""
    req, result = run_search(request.args)
    return render_template("search.html", req=req, result=result,
                           figures=key_figures(result.hits))


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    """One document: metadata and full text, the words of `q` (the search that led here)
    marked, with next/previous between them."""
    doc = reader().document(doc_id)
    if doc is None:
        abort(404, description="没有找到这份文件")
    doc = doc_json(doc)
    q = (request.args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    return render_template("doc.html", doc=doc, report=_report_of(doc), q=q,
                           marked=mark_document(doc["title"], doc["body"], q),
                           host=urlsplit(doc["url"]).netloc, ocr=ocr_of(doc["id"]),
                           versions=summary(versions_of(doc["url"])),
                           change_labels=CHANGE_LABELS)


@bp.get("/doc/<doc_id>/diff")
def diff(doc_id: str):
    """Two versions of a document side by side: what changed in its title and metadata, and
    its text paragraph by paragraph (`old`, `new`: version numbers; default the last two)."""
    doc = reader().document(doc_id)
    if doc is None:
        abort(404, description="没有找到这份文件")
    versions = {v["version"]: v for v in versions_of(doc["url"])}
    numbers = list(versions)
    try:
        old = int(request.args.get("old") or (numbers[-2] if len(numbers) > 1 else 0))
        new = int(request.args.get("new") or (numbers[-1] if numbers else 0))
    except ValueError:
        abort(400, description="版本号应为数字（old、new）")
    if old not in versions or new not in versions:
        abort(404, description=f"这份文件没有第 {old} 版或第 {new} 版"
              if numbers else "这份文件没有保存过其他版本")
    pair = versions[old], versions[new]
    return render_template("diff.html", doc=doc_json(doc), old=pair[0], new=pair[1],
                           fields=field_changes(*pair), paragraphs=text_diff(
                               pair[0]["body"], pair[1]["body"]))


def _report_of(doc: dict) -> dict | None:
    """The statistics of the annual report a document is (or belongs to), if any."""
    if doc["doc_type"] != "annual_report" or not doc["report_year"]:
        return None
    try:
        keys = archive().report_keys([(doc["publisher"], doc["report_year"])])
    except NoArchive:
        return None
    found = keys.get((doc["publisher"], doc["report_year"]))
    return archive().report_stat(found["doc_id"]) if found else None


@bp.get("/stats")
def stats():
    """年报数据: one row per agency and year, filterable and sortable; CSV alongside."""
    req = StatsRequest.from_params(request.args)
    total, rows = stats_page(req)
    return render_template("stats.html", req=req, total=total, reports=rows,
                           pages=max(1, -(-total // req.size)))


@bp.get("/stats/<path:agency>")
def agency(agency: str):
    """One agency's reports by year: a trend chart, the tables, the failed checks."""
    _, rows = archive().report_stats(publisher=agency, sort="year", limit=1000)
    if not rows:
        abort(404, description=f"没有「{agency}」的年度报告数据")
    return render_template("stats_agency.html", agency=agency, reports=rows, chart=chart(rows))


@bp.get("/status")
def status():
    """The operator's view: crawl runs, walls, the index, refreshes and the schedule, disk."""
    check_allowed()
    return render_template("status.html", status=status_data())
