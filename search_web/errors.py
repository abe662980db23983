"""Errors: JSON `{"ok": false, "error": ..., "status": N}` under /api and /healthz, pages elsewhere."""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, ServiceUnavailable

from archive.db import database_errors
from indexer.search import SearchError
from indexer.store import IndexMismatch, NoIndex
from search_web.stats import NoArchive

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _respond(exc: HTTPException):
    status = exc.code or 500
    message = exc.description or exc.name
    if status == 429:
        message = f"too many requests from this address (limit: {message}); retry later"
    if _wants_json():
        return jsonify({"ok": False, "error": message, "status": status}), status
    return render_template("errors/error.html", status=status, message=message), status


def register(app) -> None:
    """Install the error handlers on the app."""

    @app.errorhandler(SearchError)
    def bad_search(exc):
        return _respond(BadRequest(description=str(exc)))

    @app.errorhandler(NoIndex)
    @app.errorhandler(IndexMismatch)
    @app.errorhandler(NoArchive)
    def no_index(exc):
        return _respond(ServiceUnavailable(description=str(exc)))

    def database_down(exc):
        log.warning("archive database error on %s: %s", request.path,
                    " ".join(str(exc).split()))
        return _respond(ServiceUnavailable(
            description="the archive's database is not answering; try again shortly"))

    for kind in database_errors():  # the next request opens a new connection (stats.py)
        app.register_error_handler(kind, database_down)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return _respond(exc)

    @app.errorhandler(Exception)
    def unexpected(exc):
        log.exception("unhandled error on %s", request.path)
        return _respond(InternalServerError(description="internal error"))
