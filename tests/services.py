"""The real PostgreSQL and Redis the scale-out tests use (127.0.0.1, see the README). On a
machine without them those tests skip with a one-line reason; under CI=true a missing service
fails them instead, so CI cannot pass by skipping."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest

POSTGRES_URL = os.environ.get("GONGKAI_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def unavailable(what: str, error: Exception) -> None:
    """Skip (or, under CI, fail) a test whose service is not running."""
    reason = f"{what} not reachable ({type(error).__name__}: {str(error).strip()[:120]})"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def scratch_schema(url: str, prefix: str = "gongkai_test_"):
    """A URL of the PostgreSQL database `url` whose connections use a new, empty schema,
    dropped afterwards (tests and benches)."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=3) as admin:
        schema = prefix + uuid.uuid4().hex[:12]
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            sep = "&" if "?" in url else "?"
            yield f"{url}{sep}options=-csearch_path%3D{schema}"
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def postgres_schema():
    """A new, empty schema on the test PostgreSQL (skip or fail when it is not running)."""
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL at {POSTGRES_URL}", error)
    with scratch_schema(POSTGRES_URL) as url:
        yield url


REDIS_URL = os.environ.get("GONGKAI_TEST_REDIS", "redis://127.0.0.1:6379/0")


def redis_url() -> str:
    """The test Redis's URL, once it answers (skip or fail otherwise). Crawls keep their keys
    under a prefix derived from their archive, so tests with their own archives never meet."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        unavailable(f"Redis at {REDIS_URL}", error)
    return REDIS_URL
