"""The JSON API: /api/search and /api/doc/<id>. Errors use one shape (see errors.py)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from search_web.common import reader, run_search

bp = Blueprint("api", __name__)
MAX_PREFIX = 50


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
    return jsonify(doc_json(doc))


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
            "site": doc.get("site", ""), "parent_url": doc.get("parent_url", "")}
