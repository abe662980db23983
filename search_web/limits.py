"""Request sizes the app refuses itself: a request target or headers too large for it answer
414 or 431 in the app's own shape (JSON under /api, the site's error page elsewhere).

The WSGI server's limits are set above these (gongkai/serve.py), so the app sees such a
request first and answers it; only what no well-formed client sends (a request line past
the server's own bound, a request that is not HTTP) is refused by the server, and
`gongkai serve` answers that in the JSON error shape too.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import request
from werkzeug.exceptions import RequestHeaderFieldsTooLarge, RequestURITooLarge

MAX_TARGET = 8000  # bytes of the request target (path and query): q ≤ 500 characters fits
MAX_FIELDS = 100  # header fields
MAX_FIELD = 8190  # bytes of one header field, name and value


def _target_bytes(environ: dict) -> int:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is None:
        query = environ.get("QUERY_STRING", "")
        raw = quote(environ.get("PATH_INFO", "")) + ("?" + query if query else "")
    return len(raw.encode("latin-1", "replace"))


def _fields(environ: dict) -> list[int]:
    """The size of each header field (name, ': ' and value)."""
    named = {"CONTENT_TYPE", "CONTENT_LENGTH"}
    return [len(key) - 5 * key.startswith("HTTP_") + 2 + len(str(value).encode("latin-1",
                                                                                "replace"))
            for key, value in environ.items() if key.startswith("HTTP_") or key in named]


def check_request() -> None:
    """Refuse a request whose target or headers exceed the app's limits (414, 431)."""
    environ = request.environ
    if _target_bytes(environ) > MAX_TARGET:
        raise RequestURITooLarge(
            f"the address is longer than {MAX_TARGET} bytes; shorten the query")
    fields = _fields(environ)
    if len(fields) > MAX_FIELDS or max(fields, default=0) > MAX_FIELD:
        raise RequestHeaderFieldsTooLarge(
            f"more than {MAX_FIELDS} header fields, or one longer than {MAX_FIELD} bytes")


def install(app) -> None:
    """Check every request's size before anything else looks at it."""
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
