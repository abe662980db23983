"""Serve a directory over HTTP on localhost in a background thread (demo and tests)."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


def serve_directory(root: str | Path, host: str = "127.0.0.1", port: int = 0,
                    handler: type[SimpleHTTPRequestHandler] = _QuietHandler) -> ThreadingHTTPServer:
    """Start serving root; return the running server (its port is server.server_address[1])."""
    factory = functools.partial(handler, directory=str(root))
    server = ThreadingHTTPServer((host, port), factory)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="sample-site").start()
    return server
