"""The OpenAPI 3.1 description of the JSON API (GET /api/openapi.json). Limits and choices come
from the code that enforces them; tests/test_openapi.py runs schemathesis against the running
app to keep every documented status, parameter and response shape true."""

from __future__ import annotations

from archive import DOC_TYPES
from indexer.engines.base import DATE_FIELDS
from indexer.query import MAX_QUERY_CHARS
from indexer.request import (
    MAX_CURSOR,
    MAX_PAGE,
    MAX_PREFIX,
    MAX_SIZE,
    MAX_STATS_TEXT,
    SORTS,
    STATS_SORTS,
)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, schema: dict, description: str) -> dict:
    """A query parameter; an empty value means the same as none (as an HTML form sends it)."""
    if schema.get("type") != "string" or "format" in schema:
        schema = {"anyOf": [schema, {"const": ""}]}
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    """Error responses by status code, and any other in the same shape."""
    return {str(code): {"$ref": f"#/components/responses/E{code}"} for code in codes} | {
        "default": {"$ref": "#/components/responses/Error"}}


_CHANGED = {"type": "string", "description": "YYYY-MM-DD its current version was first seen, "
                                            "if it was edited since first seen; or empty."}


def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


_COUNTS = {"type": "object", "additionalProperties": True,
           "description": "Numbers by column key; `kinds` says how each value was read "
                          "(number, noted: printed with a unit or note, dash, blank, sum, absent, "
                          "unreadable)."}
SCHEMAS = {
    "Error": {"type": "object", "required": ["ok", "error", "status"],
              "properties": {"ok": {"const": False}, "error": {"type": "string"},
                             "status": {"type": "integer"}}},
    "Hit": {"type": "object", "required": ["id", "url", "title", "title_html", "snippet",
                                           "publisher", "pub_date", "doc_type", "report_year",
                                           "score"],
            "properties": {
                "id": {"type": "string", "description": "Stable document id (/api/doc/{id})."},
                "url": {"type": "string", "description": "The page or file as published."},
                "title": {"type": "string"},
                "title_html": {"type": "string", "description": "Title, HTML-escaped, "
                                                                "matches in <mark>."},
                "snippet": {"type": "string", "description": "Best passages, HTML-escaped, "
                                                             "matches in <mark>."},
                "publisher": {"type": "string"},
                "pub_date": {"type": "string", "description": "YYYY-MM-DD or empty."},
                "doc_type": {"enum": list(DOC_TYPES)},
                "report_year": _nullable("integer", description="Annual reports: the year "
                                                                "reported on."),
                "score": _nullable("number", description="Relevance; null when sorted by "
                                                         "date."),
                "status": {"enum": ["live", "withdrawn"],
                           "description": "withdrawn: the agency took it down (it answered "
                                          "404/410 or says it is gone); kept and found."},
                "withdrawn": {"type": "string",
                              "description": "YYYY-MM-DD it was first found withdrawn, or "
                                             "empty."},
                "changed": _CHANGED}},
    "FacetValue": {"type": "object", "required": ["value", "count"],
                   "properties": {"value": {"type": ["string", "integer"]},
                                  "count": {"type": "integer", "minimum": 1}}},
    "SearchResult": {
        "type": "object",
        "required": ["query", "results_for", "total", "total_relation", "facets_relation",
                     "page", "size", "took_ms", "hits", "facets", "suggestion", "related"],
        "properties": {
            "query": {"type": "string", "description": "The query as asked."},
            "results_for": {"type": "string", "description":
                            "The query the hits, total and facets are for: `query`, or "
                            "`suggestion` when `query` found nothing and the suggestion did "
                            "(not with as_typed=1)."},
            "total": {"type": "integer", "minimum": 0, "description": "Number of matching "
                                                                      "documents: exact, or "
                                                                      "at least this many."},
            "total_relation": {"enum": ["eq", "gte"], "description":
                               "eq: `total` is exact; gte: more documents matched than the "
                               "server counts exactly ([search] total_bound, 10,000 by "
                               "default), and `total` is that bound. Hits, order and paging "
                               "stay exact."},
            "facets_relation": {"enum": ["eq", "approx"], "description":
                                "eq: facet counts are exact; approx: more documents matched "
                                "than the bound and the counts are estimated from an even "
                                "sample of them (tantivy; only ever with total_relation gte). "
                                "A rare value may then be missing."},
            "page": {"type": "integer", "minimum": 1},
            "size": {"type": "integer", "minimum": 1, "maximum": MAX_SIZE},
            "took_ms": {"type": "number"},
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": {"type": "object", "required": ["publisher", "year", "doc_type"],
                       "properties": {k: {"type": "array", "items": _ref("FacetValue")}
                                      for k in ("publisher", "year", "doc_type")}},
            "suggestion": _nullable("string", description="A corrected query (typos, "
                                                          "pinyin)."),
            "related": {"type": "array", "items": {"type": "string"}}}},
    "Document": {
        "type": "object",
        "required": ["id", "url", "title", "body", "publisher", "pub_date", "doc_type",
                     "report_year", "report_template", "doc_number", "index_number", "source",
                     "site", "site_name", "section", "parent_url"],
        "properties": {
            "id": {"type": "string"}, "url": {"type": "string"}, "title": {"type": "string"},
            "body": {"type": "string", "description": "Plain text, paragraphs on lines."},
            "publisher": {"type": "string"}, "pub_date": {"type": "string"},
            "doc_type": {"enum": list(DOC_TYPES)}, "report_year": _nullable("integer"),
            "report_template": {"enum": ["", "prose", "2019", "2021"]},
            "doc_number": {"type": "string", "description": "文号 as published."},
            "index_number": {"type": "string", "description": "索引号 as published."},
            "source": {"type": "string", "description": "The configured source's name."},
            "site": {"type": "string", "description": "Host name it was fetched from."},
            "site_name": {"type": "string", "description": "The site's own name."},
            "section": {"type": "string", "description": "The column (栏目) it is filed in."},
            "parent_url": {"type": "string", "description": "Attachments: the page linking "
                                                            "the file."},
            "status": {"enum": ["live", "withdrawn"],
                       "description": "withdrawn: the agency took it down; kept."},
            "withdrawn": {"type": "string", "description": "YYYY-MM-DD it was first found "
                                                           "withdrawn, or empty."},
            "changed": _CHANGED,
            "ocr": {"description": "When the text was read from an image (a scan) by OCR: "
                                   "its mean line confidence (0–1); null otherwise.",
                    "oneOf": [{"type": "null"}, {
                        "type": "object", "required": ["confidence"],
                        "properties": {"confidence": {"type": "number"}}}]},
            "versions": {
                "description": "Every version the archive kept of it, oldest first, the "
                               "current one last; empty without an archive.",
                "type": "array", "items": {
                    "type": "object",
                    "required": ["version", "first_seen", "last_seen", "changed", "current"],
                    "properties": {
                        "version": {"type": "integer"},
                        "first_seen": {"type": "string", "description": "YYYY-MM-DD"},
                        "last_seen": {"type": "string", "description": "YYYY-MM-DD"},
                        "changed": {"type": "array", "items": {"type": "string"},
                                    "description": "What differs from the version before: "
                                                   "title, body, or a field's name."},
                        "current": {"type": "boolean"}}}}}},
    "Change": {"type": "object",
               "required": ["id", "url", "title", "publisher", "source", "kind", "at",
                            "version", "changed"],
               "properties": {
                   "id": {"type": "string"}, "url": {"type": "string"},
                   "title": {"type": "string"}, "publisher": {"type": "string"},
                   "source": {"type": "string"},
                   "kind": {"enum": ["new", "changed", "withdrawn", "restored"],
                            "description": "new: first seen; changed: a new version; "
                                           "withdrawn: taken down; restored: back after it "
                                           "was withdrawn (changed or not)."},
                   "at": {"type": "string", "description": "When it was seen so (UTC)."},
                   "version": {"type": "integer"},
                   "changed": {"type": "array", "items": {"type": "string"},
                               "description": "What differs from the version before."}}},
    "Check": {"type": "object", "required": ["rule", "ok", "message"],
              "properties": {"rule": {"type": "string"}, "ok": _nullable("boolean"),
                             "message": {"type": "string"}}},
    "Report": {
        "type": "object",
        "required": ["doc_id", "url", "title", "publisher", "report_year", "template", "source",
                     "failed", "key", "applications", "review", "litigation_direct",
                     "litigation_after_review", "active", "figures", "notes", "missing",
                     "unreadable", "checks"],
        "properties": {
            "doc_id": {"type": "string"}, "url": {"type": "string"},
            "title": {"type": "string"}, "publisher": {"type": "string"},
            "report_year": {"type": "integer"},
            "template": {"enum": ["prose", "2019", "2021"]},
            "source": {"enum": ["table", "text", "none"],
                       "description": "Where the numbers were read: the statistics tables, "
                                      "the text (older reports), or nowhere."},
            "failed": {"type": "integer", "minimum": 0, "description": "Checks not passed."},
            "key": {"type": "object", "properties": {
                "new": _nullable("integer"), "granted_rate": _nullable("number"),
                "review_corrected": _nullable("integer"),
                "litigation_corrected": _nullable("integer")}},
            "applications": {**_COUNTS, "description": "表三: rows by key, columns by "
                                                       "applicant."},
            "review": _COUNTS, "litigation_direct": _COUNTS, "litigation_after_review": _COUNTS,
            "active": {**_COUNTS, "description": "表二: 主动公开 by row."},
            "figures": {**_COUNTS, "description": "Numbers read from the text."},
            "notes": {"type": "array", "items": {"type": "string"}},
            "missing": {"type": "array", "items": {"type": "string"},
                        "description": "Rows of the report's template its tables do not give "
                                       "(the report is incomplete: `tables.incomplete`)."},
            "unreadable": {**_nullable("string"),
                           "description": "Why the report could not be read at all (a scan "
                                          "without a text layer), or null."},
            "checks": {"type": "array", "items": _ref("Check")}}},
    "Status": {"type": "object",
               "required": ["generated_at", "index", "documents", "sources", "schedule",
                            "archive", "disk"],
               "properties": {
                   "generated_at": {"type": "string"},
                   "index": {"type": "object", "required": ["engine", "generation",
                                                            "documents", "updated_at"]},
                   "documents": {"type": "array", "items": {
                       "type": "object", "required": ["source", "doc_type", "documents"]}},
                   "sources": {"type": "array", "items": {
                       "type": "object", "required": ["name", "configured", "runs"]}},
                   "schedule": {"type": "object", "required": ["cron", "next_run", "runs"]},
                   "archive": {"type": "object", "required": ["available", "bytes"]},
                   "disk": {"type": "object", "required": ["free_bytes", "total_bytes"]}}},
}
_PAGE = _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
               "Page number.")
_YEAR = {"type": "integer", "minimum": 1900, "maximum": 2100}
_RATE_HEADERS = {name: {"schema": {"type": "integer"}, "description": text} for name, text in (
    ("X-RateLimit-Limit", "Requests allowed in the window (when a rate limit is set)."),
    ("X-RateLimit-Remaining", "Requests left in the window."),
    ("X-RateLimit-Reset", "Unix time the window ends."))}


def _get(summary: str, parameters: list, ok: dict, *errors: int, tag: str = "search") -> dict:
    return {"get": {"summary": summary, "tags": [tag], "parameters": parameters,
                    "responses": {"200": ok, **_errors(*errors)}}}


def spec(version: str) -> dict:
    """The OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gongkai (公开) search API", "version": version,
                 "description": "Read-only search over Chinese government information-"
                                "disclosure documents and the numbers of their annual "
                                "reports. Every error has the shape `Error`. Searches "
                                "(/api/*) share one rate limit per client address."},
        "paths": {
            "/api/search": _get("Search documents", [
                _query("q", {"type": "string", "maxLength": MAX_QUERY_CHARS},
                       "Words (all must match), \"exact phrases\", -excluded words, or a "
                       "文号/索引号. Empty: every document, newest first."),
                _PAGE,
                _query("size", {"type": "integer", "minimum": 1, "maximum": MAX_SIZE,
                                "default": 10}, "Hits per page."),
                _query("sort", {"enum": list(SORTS), "default": "relevance"}, "Order."),
                _query("type", {"enum": list(DOC_TYPES)}, "Only this document type."),
                _query("publisher", {"type": "string"}, "Only this publisher (exact)."),
                _query("status", {"enum": ["live", "withdrawn"]},
                       "Only documents still published (live) or taken down (withdrawn)."),
                _query("year", _YEAR, "Only documents published in this year."),
                _query("changed", {"enum": ["0", "1", "true", "false"]},
                       "1: only documents edited since first seen."),
                _query("from", {"type": "string", "format": "date"},
                       "On or after (YYYY-MM-DD): published, or as `when` says."),
                _query("to", {"type": "string", "format": "date"},
                       "On or before (YYYY-MM-DD), not before `from`."),
                _query("when", {"enum": list(DATE_FIELDS), "default": "published"},
                       "Which date `from` and `to` bound: when published, when last "
                       "changed, or when withdrawn."),
                _query("as_typed", {"enum": ["0", "1", "true", "false"]},
                       "1: never replace a query that finds nothing by its suggestion."),
            ], {**_json(_ref("SearchResult"), "One page of hits with facets and total."),
                "headers": _RATE_HEADERS}, 400, 429, 503),
            "/api/complete": _get("Complete a query being typed", [
                _query("q", {"type": "string", "maxLength": MAX_PREFIX},
                       "The last word typed (characters or pinyin).")],
                _json({"type": "object", "required": ["query", "completions"],
                       "properties": {"query": {"type": "string"},
                                      "completions": {"type": "array",
                                                      "items": {"type": "string"}}}},
                      "Known words, phrases and publishers."), 400, 429, 503),
            "/api/doc/{doc_id}": {
                "parameters": [{"name": "doc_id", "in": "path", "required": True,
                                "schema": {"type": "string", "minLength": 1}}],
                **_get("One document", [], _json(_ref("Document"), "The stored document."),
                       404, 429, 503)},
            "/api/changes": _get("What changed since a cursor", [
                _query("since", {"type": "integer", "minimum": 0, "maximum": MAX_CURSOR,
                                 "default": 0},
                       "The `next` of the previous answer (0: from the beginning)."),
                _query("size", {"type": "integer", "minimum": 1, "maximum": MAX_SIZE,
                                "default": MAX_SIZE}, "Changes per answer.")],
                _json({"type": "object", "required": ["changes", "next", "more"],
                       "properties": {
                           "changes": {"type": "array", "items": _ref("Change")},
                           "next": {"type": "integer", "description": "Cursor for the "
                                                                      "next poll."},
                           "more": {"type": "boolean", "description": "More changes wait: "
                                                                      "ask again now."}}},
                      "Documents that appeared, changed, were withdrawn or came back, "
                      "oldest first; each once, as it is now."), 400, 429, 503),
            "/api/stats": _get("Numbers of annual reports", [
                _query("publisher", {"type": "string", "maxLength": MAX_STATS_TEXT},
                       "Only this agency (exact)."),
                _query("year", _YEAR, "Only reports on this year."),
                _query("q", {"type": "string", "maxLength": MAX_STATS_TEXT},
                       "Text within the agency's name or the title."),
                _query("sort", {"enum": list(STATS_SORTS), "default": "publisher"}, "Order."),
                _query("order", {"enum": ["asc", "desc"], "default": "asc"}, "Direction."),
                _PAGE,
                _query("size", {"type": "integer", "minimum": 1, "maximum": MAX_SIZE,
                                "default": 20}, "Reports per page.")],
                _json({"type": "object", "required": ["total", "page", "size", "reports"],
                       "properties": {"total": {"type": "integer", "minimum": 0},
                                      "page": {"type": "integer"},
                                      "size": {"type": "integer"},
                                      "reports": {"type": "array", "items": _ref("Report")}}},
                      "One page of reports with their checks."), 400, 429, 503, tag="stats"),
            "/api/stats.csv": _get("Every selected report as CSV", [
                _query("publisher", {"type": "string", "maxLength": MAX_STATS_TEXT},
                       "Only this agency (exact)."),
                _query("year", _YEAR, "Only reports on this year."),
                _query("q", {"type": "string", "maxLength": MAX_STATS_TEXT},
                       "Text within the agency's name or the title.")],
                {"description": "UTF-8 with BOM, Chinese headers, one row per report.",
                 "content": {"text/csv": {"schema": {"type": "string"}}}},
                400, 429, 503, tag="stats"),
            "/api/status": _get("The operator's view", [], _json(
                _ref("Status"), "Crawl runs per source, the index, refreshes, disk."),
                404, 429, tag="operations"),
            "/api/openapi.json": _get("This document", [], _json(
                {"type": "object"}, "OpenAPI 3.1."), 429, tag="operations"),
            "/healthz": _get("Liveness", [], _json(
                {"type": "object", "required": ["ok", "documents"],
                 "properties": {"ok": {"const": True}, "documents": {"type": "integer"}}},
                "The index answers."), 503, tag="operations"),
        },
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                **{f"E{code}": _json(_ref("Error"), text) for code, text in (
                    (400, "A parameter that cannot be used; `error` says which and why."),
                    (404, "Not found (or the status page is switched off here)."),
                    (429, "Too many requests from this address: retry after `Retry-After` "
                          "seconds."),
                    (503, "No index or archive yet: run `gongkai crawl` and `gongkai index`."))},
                "Error": _json(_ref("Error"), "Any other error, in the same shape.")},
        },
    }
