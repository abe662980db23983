"""Settings: declared once (name, default, type, help), read from a TOML file, then `GONGKAI_*` env.

`SETTINGS` is the whole list; docs/configuration.md documents each one (a test checks that).
Errors name the file and the key: `gongkai.toml: [crawl] delay: expected a number, got "soon"`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from croniter import croniter

from crawler.adapters import ADAPTERS
from indexer.engines import ENGINES


class ConfigError(Exception):
    """A configuration file or environment value that cannot be used."""


@dataclass(frozen=True)
class Setting:
    """One scalar setting: its dotted name, default, type and help text."""

    name: str
    default: Any
    type: type
    help: str

    @property
    def env(self) -> str:
        return "GONGKAI_" + self.name.replace(".", "_").upper()


SETTINGS = [
    Setting("data_dir", "index_data", str,
            "Directory for the archive (archive.sqlite3), the index (index/) and logs."),
    Setting("archive.url", "", str,
            "PostgreSQL URL of the archive (postgresql://user@host/db); empty: the SQLite file "
            "archive.sqlite3 in the data directory."),
    Setting("crawl.delay", 1.0, float,
            "Seconds between two requests to the same origin (scheme, host and port)."),
    Setting("crawl.user_agent", "GongkaiBot/0.1 (+https://example.org/gongkai)", str,
            "User-Agent header sent with every request."),
    Setting("crawl.timeout", 20.0, float, "Seconds before a request times out."),
    Setting("crawl.retries", 2, int, "Retries of a request after a 5xx answer or a timeout."),
    Setting("crawl.max_pages", 0, int, "Stop a source after this many pages (0: no limit)."),
    Setting("crawl.concurrency", 16, int,
            "Requests in flight at once across all origins (each origin gets one at a time)."),
    Setting("crawl.max_delay", 30.0, float,
            "Most seconds between two requests to one origin that a robots.txt Crawl-delay or "
            "the backoff after 5xx answers and timeouts may ask for."),
    Setting("crawl.max_retry_after", 300.0, float,
            "Most seconds an origin is left alone when it answers 429 or 503 with Retry-After."),
    Setting("crawl.read_timeout", 120.0, float,
            "Seconds reading one fetched page or file (its text, links and tables) may take "
            "before it is given up as the error read_timeout; the crawl goes on meanwhile."),
    Setting("crawl.recheck", 200, int,
            "Known documents per source that an incremental crawl asks again (conditionally) "
            "when it is done, the longest unasked first, to find the ones withdrawn after "
            "leaving the lists (0: none)."),
    Setting("crawl.trap_limit", 50, int,
            "Pages in a row of one URL pattern (a path's query variants, or paths that differ "
            "in numbers only) that hold neither a document nor a new link: after so many, the "
            "pattern is a trap (an endless calendar, paging past the end) and is not followed."),
    Setting("crawl.query_variants", 1000, int,
            "Query strings of one path that may hold neither a document nor a new link, in a "
            "row or not, before its other query strings are not followed (0: no limit)."),
    Setting("crawl.session_parameters", "", str,
            "More names of URL parameters that carry a visitor's session (comma-separated), "
            "dropped from every URL like jsessionid, sid, PHPSESSID and ASP.NET_SessionId."),
    Setting("crawl.browser", "", str,
            "Chromium for the sources with render = \"browser\": a path or a command name; "
            "empty: the first of chromium, chromium-browser, google-chrome on the PATH."),
    Setting("crawl.redis_url", "", str,
            "Redis URL (redis://host:6379/0) of a crawl frontier shared by several crawler "
            "processes and machines; empty: each crawl runs alone in one process."),
    Setting("crawl.lease", 30.0, float,
            "Seconds a worker of a shared crawl holds an origin without renewing its claim: "
            "after a worker dies, its requests in flight are asked again this much later."),
    Setting("ocr.max_pages", 30, int,
            "Pages of one scanned document that `gongkai ocr` reads (0: all of them)."),
    Setting("ocr.seconds", 1800.0, float,
            "Seconds one OCR run may take (0: no limit); what is left waits for the next run."),
    Setting("index.engine", "whoosh", str,
            "Search engine: whoosh (pure Python, the default) or tantivy (large archives)."),
    Setting("search.total_bound", 10_000, int,
            "Matches a search counts exactly; when more match, the total is given as at least "
            "this many (total_relation \"gte\" in the API, 「超过 1 万条结果」 on the page). 0: "
            "always exact."),
    Setting("search.cache_entries", 2_000, int,
            "Searches whose total and facet counts each web process keeps for the index as it "
            "is (repeated searches then count nothing again; a new index commit starts afresh). "
            "0: none. Ten times as many hits keep the spans of the words they matched, which "
            "their snippets are cut from."),
    Setting("web.host", "127.0.0.1", str, "Address the web UI and JSON API listen on."),
    Setting("web.port", 8000, int, "Port the web UI and JSON API listen on."),
    Setting("web.workers", 0, int, "Worker processes of `gongkai serve` (0: one per CPU core)."),
    Setting("web.threads", 8, int, "Threads per worker process of `gongkai serve`."),
    Setting("web.rate_limit", "300/minute", str,
            "Requests to /search and /api/* one client address may make, in the notation "
            "\"300/minute\" or \"10/second;600/hour\"; empty: no limit. Over it: 429."),
    Setting("web.rate_limit_storage", "memory://", str,
            "Where the rate limit counts: memory:// (each worker process on its own) or a "
            "redis:// URL that every worker and web node shares."),
    Setting("web.cors_origins", "*", str,
            "Origins whose browser pages may read /api/*: * (any), empty (none) or a "
            "comma-separated list such as \"https://a.example, https://b.example\"."),
    Setting("web.proxies", 0, int,
            "Reverse proxies in front of `gongkai serve` that set X-Forwarded-For: their "
            "number, so rate limits see the client's address, not the proxy's."),
    Setting("web.status", "on", str,
            "The operator's page /status and /api/status: on, off, or an address host:port "
            "that `gongkai serve` also listens on and that alone answers them."),
    Setting("schedule.cron", "0 3 * * *", str,
            "When `gongkai schedule` runs a refresh (cron expression, local time)."),
]
SOURCE_KEYS = {
    "name": (str, "Short unique name of the source, stored with every document."),
    "start_urls": (list, "URLs the crawl starts from."),
    "allowed_domains": (list, "Host names the crawl may follow links to (default: the start hosts)."),
    "platform": (str, "Force a list-page adapter instead of detecting one (e.g. \"generic\")."),
    "render": (str, "How pages are read: \"html\" (the default: as the server sends them) or "
                    "\"browser\" (opened in headless Chromium, for portals whose pages scripts "
                    "fill in; files are always fetched as they are)."),
}
RENDERS = ("html", "browser")
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass
class Config:
    """Validated settings plus the list of sources."""

    values: dict[str, Any]
    sources: list[dict] = field(default_factory=list)
    path: Path | None = None

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def section(self, name: str) -> dict[str, Any]:
        """The settings of one section (`crawl` → {"delay": 1.0, …})."""
        return {k.removeprefix(name + "."): v for k, v in self.values.items()
                if k.startswith(name + ".")}

    @property
    def data_dir(self) -> Path:
        return Path(self.values["data_dir"])

    @property
    def archive(self) -> str | Path:
        """The archive's target: its PostgreSQL URL, or its SQLite file."""
        return self.values["archive.url"] or self.data_dir / "archive.sqlite3"

    @property
    def index_root(self) -> Path:
        return self.data_dir / "index"

    def source_names(self) -> list[str]:
        return [s["name"] for s in self.sources]


def _coerce(setting: Setting, value: Any, where: str) -> Any:
    """Check a value against a setting's type; convert strings from the environment."""
    if setting.type is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if isinstance(value, str) and setting.type is not str:
        try:
            value = setting.type(value)
        except ValueError:
            pass
    wanted = {float: "a number", int: "an integer", str: "a string"}[setting.type]
    if not isinstance(value, setting.type) or isinstance(value, bool):
        raise ConfigError(f"{where}: expected {wanted}, got {value!r}")
    if setting.type in (int, float) and value < 0:
        raise ConfigError(f"{where}: must not be negative, got {value!r}")
    if setting.name == "schedule.cron" and not croniter.is_valid(value):
        raise ConfigError(f"{where}: not a valid cron expression: {value!r}")
    if setting.name == "index.engine" and value not in ENGINES:
        raise ConfigError(f"{where}: must be one of {', '.join(ENGINES)}, got {value!r}")
    if setting.name == "web.rate_limit" and value.strip():
        _check_rate(value, where)
    if setting.name == "web.status" and value not in ("on", "off"):
        _check_address(value, where)
    return value


def _check_rate(value: str, where: str) -> None:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ConfigError(f"{where}: not a rate such as \"300/minute\" or "
                          f"\"10/second;600/hour\": {value!r}") from None


def _check_address(value: str, where: str) -> None:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"{where}: must be on, off or an address host:port, got {value!r}")


def _flatten(data: dict, fname: str) -> dict[str, Any]:
    flat = {}
    for key, value in data.items():
        if key == "sources":
            continue
        if isinstance(value, dict):
            for sub, subvalue in value.items():
                flat[f"{key}.{sub}"] = (subvalue, f"{fname}: [{key}] {sub}")
        else:
            flat[key] = (value, f"{fname}: {key}")
    return flat


def _sources(raw: Any, fname: str) -> list[dict]:
    if not isinstance(raw, list):
        raise ConfigError(f"{fname}: sources: expected [[sources]] tables")
    sources, names = [], set()
    for i, src in enumerate(raw, start=1):
        where = f"{fname}: [[sources]] #{i}"
        for key, value in src.items():
            if key not in SOURCE_KEYS:
                raise ConfigError(f"{where}: unknown key {key!r}")
            kind = SOURCE_KEYS[key][0]
            if not isinstance(value, kind) or (kind is list and
                                               not all(isinstance(v, str) for v in value)):
                raise ConfigError(f"{where}: {key}: expected "
                                  f"{'a list of strings' if kind is list else 'a string'}")
        if src.get("platform", "generic") not in ADAPTERS:
            raise ConfigError(f"{where}: platform: must be one of {', '.join(ADAPTERS)}")
        if src.get("render", "html") not in RENDERS:
            raise ConfigError(f"{where}: render: must be one of {', '.join(RENDERS)}")
        if not src.get("name") or not src.get("start_urls"):
            raise ConfigError(f"{where}: needs a name and at least one start_urls entry")
        if src["name"] in names:
            raise ConfigError(f"{where}: duplicate source name {src['name']!r}")
        names.add(src["name"])
        sources.append(dict(src))
    return sources


def load_config(path: str | Path | None = None, env: dict[str, str] | None = None) -> Config:
    """Read settings from a TOML file (optional) and GONGKAI_* environment overrides."""
    env = os.environ if env is None else env
    values = {s.name: s.default for s in SETTINGS}
    sources: list[dict] = []
    fname = str(path) if path else ""
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"{fname}: no such file") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{fname}: not valid TOML: {exc}") from exc
        for name, (value, where) in _flatten(data, fname).items():
            if name not in _BY_NAME:
                raise ConfigError(f"{where}: unknown setting")
            values[name] = _coerce(_BY_NAME[name], value, where)
        sources = _sources(data.get("sources", []), fname)
        if not Path(values["data_dir"]).is_absolute():  # relative to the file that names it
            values["data_dir"] = str(Path(path).resolve().parent / values["data_dir"])
    for setting in SETTINGS:
        if setting.env in env:
            values[setting.name] = _coerce(setting, env[setting.env],
                                           f"environment {setting.env}")
    return Config(values=values, sources=sources, path=Path(path) if path else None)
