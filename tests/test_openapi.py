"""The API description stays true: schemathesis generates requests from /api/openapi.json (valid
and invalid parameters) and sends them over HTTP to the running app; every answer must be
documented (status, content type, body schema, headers) and none may be a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from archive import Archive
from reports.stats import update
from search_web import create_app
from tests.conftest import serve_app

EXAMPLES = 25  # per operation and mode


def crosses_dates(case) -> bool:
    """`from` after `to`: each is valid, together a documented 400 that JSON Schema cannot
    express (a constraint between two parameters)."""
    query = case.query or {}
    return bool(query.get("from") and query.get("to") and str(query["from"]) > str(query["to"]))


@pytest.fixture
def api_schema(archive_path, index_root, engine):
    with Archive(archive_path) as archive:
        update(archive)  # /api/stats has reports to return
    url, server = serve_app(create_app({"INDEX_ROOT": str(index_root), "INDEX_ENGINE": engine,
                                        "ARCHIVE": str(archive_path),
                                        "SCHEDULE_CRON": "0 3 * * *"}))
    yield schemathesis.openapi.from_url(f"{url}/api/openapi.json")
    server.close()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_answers_as_documented(api_schema, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    documented = {f"GET {path}" for path in api_schema.raw_schema["paths"]}
    # schemathesis leaves out the operation that serves the description itself
    assert {o.label for o in operations} == documented - {"GET /api/openapi.json"}
    for operation in operations:
        if mode == GenerationMode.NEGATIVE and not len(operation.query):
            continue  # nothing to get wrong that can be sent (a path segment is any string)
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(
                excluded_checks=[positive_data_acceptance] if crosses_dates(case) else None)

        check()
