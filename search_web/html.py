"""The HTML pages: home, search results, document."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from search_web.api import doc_json
from search_web.common import TYPE_LABELS, querylog, reader, run_search

bp = Blueprint("html", __name__)
PARAMS = ("q", "sort", "publisher", "year", "type", "from", "to", "size")


@bp.app_context_processor
def helpers():
    def search_url(**changes):
        """URL of the search page with the current parameters, some changed (None drops one)."""
        params = {k: request.args.get(k) for k in PARAMS if request.args.get(k)}
        params.update(changes)
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return url_for("html.search", **params)

    return {"search_url": search_url, "type_labels": TYPE_LABELS}


@bp.get("/")
def home():
    """The search box."""
    return render_template("index.html", documents=reader().doc_count(), hot=querylog().hot())


@bp.get("/search")
def search():
    """Search results with facets, sort and paging; the same result as /api/search."""
    req, result = run_search(request.args)
    return render_template("search.html", req=req, result=result)


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    """One document: metadata and full text."""
    doc = reader().document(doc_id)
    if doc is None:
        abort(404, description="没有找到这份文件")
    return render_template("doc.html", doc=doc_json(doc))
