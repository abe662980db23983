"""What every response carries and what every client is allowed: security headers, CORS on the
read-only API, the rate limit on searching, and the client address behind trusted proxies."""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

# Pages show text from thousands of third-party sites: nothing inline runs, nothing is framed.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "strict-origin-when-cross-origin",
           "Cross-Origin-Opener-Policy": "same-origin"}
CORS_METHODS = "GET, HEAD, OPTIONS"
UNLIMITED = ("/api/status", "/api/openapi.json")  # cheap, and the operator's own view


def limited() -> bool:
    """Whether the current request counts against the client's search budget."""
    path = request.path
    return path in ("/search", "/search.atom", "/changes.atom") or (
        path.startswith("/api/") and path not in UNLIMITED)


def client_address() -> str:
    """The client's address (the proxies' X-Forwarded-For, when [web] proxies trusts them)."""
    return request.remote_addr or "unknown"


def cors_origin(allowed: str, origin: str | None) -> str | None:
    """The Access-Control-Allow-Origin value for a request from `origin`: `*` when every
    origin is allowed, the origin itself when it is listed, else none."""
    allowed = allowed.strip()
    if not allowed:
        return None
    if allowed == "*":
        return "*"
    listed = {o.strip().rstrip("/") for o in allowed.split(",") if o.strip()}
    return origin if origin and origin.rstrip("/") in listed else None


def install(app: Flask) -> None:
    """Add the headers, CORS, rate limit and proxy handling the app's config asks for:
    CORS_ORIGINS ("*", "" or a comma-separated list), RATE_LIMIT (e.g. "300/minute"; "" for
    none), RATE_LIMIT_STORAGE ("memory://" or a redis:// URL shared by all nodes) and PROXIES
    (how many reverse proxies in front set X-Forwarded-For)."""
    proxies = int(app.config.get("PROXIES", 0))
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    rate = app.config.get("RATE_LIMIT", "")
    limiter = Limiter(client_address, app=app, enabled=bool(rate),
                      application_limits=[rate] if rate else [],
                      application_limits_exempt_when=lambda: not limited(),
                      storage_uri=app.config.get("RATE_LIMIT_STORAGE") or "memory://",
                      headers_enabled=True, key_prefix="gongkai")
    app.extensions["gongkai.limiter"] = limiter

    @app.after_request
    def headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        html = response.mimetype == "text/html"
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY if html else DATA_POLICY)
        if request.path.startswith("/api/") and request.method in ("GET", "HEAD", "OPTIONS"):
            origin = cors_origin(app.config.get("CORS_ORIGINS", "*"), request.headers.get("Origin"))
            if origin:
                response.headers["Access-Control-Allow-Origin"] = origin
                response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
                response.headers["Access-Control-Max-Age"] = "86400"
                response.headers["Access-Control-Expose-Headers"] = \
                    "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
                if origin != "*":
                    response.vary.add("Origin")
        return response
