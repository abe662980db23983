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
def postgres_schema():
    """A PostgreSQL URL whose connections use a new, empty schema, dropped afterwards."""
    import psycopg

    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL at {POSTGRES_URL}", error)
    schema = "gongkai_test_" + uuid.uuid4().hex[:12]
    admin.execute(f"CREATE SCHEMA {schema}")
    try:
        sep = "&" if "?" in POSTGRES_URL else "?"
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")
        admin.close()


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
