"""The scale-out tests' services: absent, they skip with one line on a laptop and fail on CI."""

from __future__ import annotations

import pytest

from tests import services


@pytest.mark.parametrize("ci, outcome", [("", pytest.skip.Exception),
                                         ("true", pytest.fail.Exception)])
def test_a_missing_service_skips_on_a_laptop_and_fails_on_ci(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(services, "POSTGRES_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setattr(services, "REDIS_URL", "redis://127.0.0.1:1/0")
    with pytest.raises(outcome, match="PostgreSQL at postgresql://nobody@127.0.0.1:1/none "
                                      "not reachable"):
        with services.postgres_schema():
            pass
    with pytest.raises(outcome, match="Redis at redis://127.0.0.1:1/0 not reachable"):
        services.redis_url()
