"""The web front end: `create_app` is the only place the Flask app is built."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from indexer import engines, querylog
from indexer.counts import ENTRIES
from indexer.search import TOTAL_BOUND, IndexReader

log = logging.getLogger(__name__)


def create_app(config: dict | None = None) -> Flask:
    """Build the app. config: INDEX_ROOT (the index directory), INDEX_ENGINE (whoosh or
    tantivy), TOTAL_BOUND and SEARCH_CACHE (indexer/search.py, indexer/counts.py), ARCHIVE
    (the archive's file or PostgreSQL URL, for report statistics and the status page;
    default: archive.sqlite3 next to the index directory), QUERY_LOG (default: the archive's
    PostgreSQL database, or a file next to the index directory), STATUS, SCHEDULE_CRON and
    SOURCES (the status page), RATE_LIMIT, RATE_LIMIT_STORAGE, CORS_ORIGINS and PROXIES (see
    security.install; gongkai.serve.app_config maps the settings to these) and any Flask
    settings."""
    app = Flask(__name__)
    app.config.update(INDEX_ROOT="index_data/index", INDEX_ENGINE=engines.DEFAULT,
                      JSON_AS_ASCII=False, STATUS="on", SCHEDULE_CRON=None, SOURCES=[],
                      RATE_LIMIT="", CORS_ORIGINS="*", PROXIES=0,
                      MAX_CONTENT_LENGTH=64 * 1024)
    app.config.update(config or {})
    app.config.setdefault("ARCHIVE", str(Path(app.config["INDEX_ROOT"]).parent
                                         / "archive.sqlite3"))
    app.json.ensure_ascii = False
    app.extensions["gongkai.reader"] = IndexReader(
        Path(app.config["INDEX_ROOT"]), app.config["INDEX_ENGINE"],
        total_bound=app.config.get("TOTAL_BOUND", TOTAL_BOUND),
        cache_entries=app.config.get("SEARCH_CACHE", ENTRIES))
    log_target = app.config.get("QUERY_LOG") or querylog.default_target(
        app.config["INDEX_ROOT"], app.config["ARCHIVE"])
    app.extensions["gongkai.querylog"] = querylog.QueryLog(log_target)

    from search_web import api, errors, feeds, html, limits, security

    security.install(app)
    limits.install(app)
    app.register_blueprint(html.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    app.register_blueprint(feeds.bp)
    app.add_url_rule("/healthz", "healthz", api.healthz)
    errors.register(app)
    return app
