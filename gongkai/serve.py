"""`gongkai serve`: the web app under gunicorn, worker processes × threads.

Workers are forked from a master that built the app once (`preload_app`), so the analyzer's
dictionary and tables are shared; each worker opens its own searchers and follows a newly
published index generation on its next request.

gunicorn's request limits stand above the app's (`search_web.limits`), so an address or a
header too large reaches the app, which answers it in its own shape; what gunicorn still
refuses itself (a request line past its bound of 8190 bytes, a request that is not HTTP)
gets the API's JSON error shape from `Worker`, never gunicorn's HTML page.
"""

from __future__ import annotations

import json
import os

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import ThreadWorker

from gongkai.config import Config
from search_web import limits

# above the app's limits, so that the app sees and answers an oversized request itself
SERVER_LIMITS = {"limit_request_line": 8190,  # gunicorn's largest (the app's: MAX_TARGET)
                 "limit_request_fields": 2 * limits.MAX_FIELDS,
                 "limit_request_field_size": 2 * limits.MAX_FIELD}


def _write_error(sock, status: int, reason: str, message: str) -> None:
    """gunicorn's own refusals in the API's error shape (`{"ok", "error", "status"}`)."""
    body = json.dumps({"ok": False, "error": f"{reason}: {message}" if message else reason,
                       "status": status}).encode("utf-8")
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            "Content-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


class Worker(ThreadWorker):
    """gunicorn's threaded worker, whose refusals of requests the app never saw come in the
    API's error shape (gunicorn writes them through `util.write_error`)."""

    def init_process(self) -> None:
        util.write_error = _write_error
        super().init_process()


class _Server(BaseApplication):
    def __init__(self, config: Config, options: dict):
        self.config = config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from search_web import create_app

        return create_app(app_config(self.config))


def app_config(config: Config) -> dict:
    """The web app's settings from the configuration (what `create_app` reads)."""
    return {"INDEX_ROOT": str(config.index_root), "INDEX_ENGINE": config["index.engine"],
            "ARCHIVE": str(config.archive), "RATE_LIMIT": config["web.rate_limit"],
            "RATE_LIMIT_STORAGE": config["web.rate_limit_storage"],
            "CORS_ORIGINS": config["web.cors_origins"], "PROXIES": config["web.proxies"],
            "STATUS": config["web.status"], "SCHEDULE_CRON": config["schedule.cron"],
            "TOTAL_BOUND": config["search.total_bound"],
            "SEARCH_CACHE": config["search.cache_entries"],
            "SOURCES": config.source_names()}


def workers(config: Config) -> int:
    """Worker processes: [web] workers, or one per core when 0."""
    return config["web.workers"] or os.cpu_count() or 1


def serve(config: Config, host: str, port: int) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM stop the workers gracefully)."""
    binds = [f"{host}:{port}"]
    if config["web.status"] not in ("on", "off"):  # the operator's address, for /status only
        binds.append(config["web.status"])
    _Server(config, {
        "bind": binds, "workers": workers(config), "threads": config["web.threads"],
        "worker_class": "gongkai.serve.Worker", "preload_app": True, "proc_name": "gongkai",
        "timeout": 60, "graceful_timeout": 10, "errorlog": "-", "loglevel": "warning",
        **SERVER_LIMITS,
    }).run()
