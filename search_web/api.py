"""The JSON API: /api/search and /api/doc/<id>. Errors use one shape (see errors.py)."""

from __future__ import annotations

from importlib import metadata

from flask import Blueprint, Response, abort, jsonify, request

from archive.versions import public
from indexer.request import MAX_PREFIX, ChangesRequest, StatsRequest
from reports.export import csv_text
from search_web.common import reader, run_search
from search_web.openapi import spec
from search_web.stats import NoArchive, archive, report_json
from search_web.status import check_allowed, status_data
from search_web.versions import summary, versions_of

bp = Blueprint("api", __name__)


@bp.get("/search")
def search():
    """Search: the same result object the HTML page renders, as JSON."""
    _, result = run_search(request.args)
    return jsonify(result.to_dict())


@bp.get("/complete")
def complete():
    """Completions of a query being typed: known words, phrases and publishers (or pinyin)."""
    prefix = request.args.get("q", "")
    if len(prefix) > MAX_PREFIX:
        abort(400, description=f"q is too long (at most {MAX_PREFIX} characters)")
    return jsonify({"query": prefix, "completions": reader().complete(prefix)})


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    """Return one stored document."""
    doc = reader().document(doc_id)
    if doc is None:
        abort(404, description=f"no document with id {doc_id!r}")
    return jsonify({**doc_json(doc), "ocr": ocr_of(doc_id),
                    "versions": summary(versions_of(doc["url"]))})


def ocr_of(doc_id: str) -> dict | None:
    """{"confidence": mean line confidence} when a document's text was read from an image (a
    scan, by `gongkai ocr`), else None (also without an archive)."""
    try:
        row = archive().get(doc_id)
    except NoArchive:
        return None
    if not row or row.get("text_source") != "ocr":
        return None
    return {"confidence": row.get("ocr_confidence") or 0.0}


def stats_page(req: StatsRequest, limit: int | None = None) -> tuple[int, list[dict]]:
    """The reports a statistics request selects (a page of them, or up to `limit`)."""
    return archive().report_stats(
        publisher=req.publisher, year=req.year, q=req.q, sort=req.sort,
        descending=req.descending, offset=0 if limit else (req.page - 1) * req.size,
        limit=limit or req.size)


@bp.get("/stats")
def stats():
    """The annual reports' numbers and checks, paged: {total, page, size, reports}."""
    req = StatsRequest.from_params(request.args)
    total, rows = stats_page(req)
    return jsonify({"total": total, "page": req.page, "size": req.size,
                    "reports": [report_json(r) for r in rows]})


@bp.get("/stats.csv")
def stats_csv():
    """Every selected report as a CSV row (UTF-8 with BOM, Chinese headers)."""
    _, rows = stats_page(StatsRequest.from_params(request.args), limit=1_000_000)
    return Response(csv_text(rows), mimetype="text/csv",  # Flask adds "; charset=utf-8"
                    headers={"Content-Disposition": 'attachment; filename="gongkai-stats.csv"'})


@bp.get("/changes")
def changes():
    """What appeared, changed, was withdrawn or came back since a cursor, oldest first:
    {changes, next, more}. Poll with `since` = the last answer's `next`."""
    req = ChangesRequest.from_params(request.args)
    rows = archive().changes(req.since, req.size + 1)
    more, rows = len(rows) > req.size, rows[:req.size]
    return jsonify({"changes": [public(r) for r in rows],
                    "next": rows[-1]["seq"] if rows else req.since, "more": more})


@bp.get("/openapi.json")
def openapi():
    """This API's OpenAPI 3.1 description."""
    return jsonify(spec(_version()))


def _version() -> str:
    try:
        return metadata.version("gongkai")
    except metadata.PackageNotFoundError:
        return "0"


@bp.get("/status")
def status():
    """The operator's view as JSON (see search_web/status.py); 404 when [web] status hides it."""
    check_allowed()
    return jsonify(status_data())


def healthz():
    """Liveness and size: {"ok": true, "documents": N}."""
    return jsonify({"ok": True, "documents": reader().doc_count()})


def doc_json(doc: dict) -> dict:
    """Return the public JSON shape of a stored document."""
    return {"id": doc["id"], "url": doc["url"], "title": doc.get("title", ""),
            "body": doc.get("body", ""), "publisher": doc.get("publisher", ""),
            "pub_date": doc.get("pub_date_text", ""), "doc_type": doc.get("doc_type", "other"),
            "report_year": doc.get("report_year"),
            "report_template": doc.get("report_template", ""), "doc_number": doc.get("doc_number_text", ""),
            "index_number": doc.get("index_number_text", ""), "source": doc.get("source", ""),
            "site": doc.get("site", ""), "site_name": doc.get("site_name", ""),
            "section": doc.get("section", ""), "parent_url": doc.get("parent_url", ""),
            "status": doc.get("status", "live"), "withdrawn": doc.get("withdrawn", ""),
            "changed": doc.get("changed", "")}
