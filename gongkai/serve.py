"""`gongkai serve`: the web app under gunicorn, worker processes × threads.

Workers are forked from a master that built the app once (`preload_app`), so the analyzer's
dictionary and tables are shared; each worker opens its own searchers and follows a newly
published index generation on its next request.
"""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication

from gongkai.config import Config


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
        "worker_class": "gthread", "preload_app": True, "proc_name": "gongkai",
        "timeout": 60, "graceful_timeout": 10, "errorlog": "-", "loglevel": "warning",
    }).run()
