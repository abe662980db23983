"""`gongkai schedule`: run refresh on the configured cron expression, one run at a time."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from croniter import croniter

from gongkai.config import Config
from gongkai.refresh import RefreshError, refresh

log = logging.getLogger(__name__)


def next_run(cron: str, after: dt.datetime) -> dt.datetime:
    """Return the first time after `after` that the cron expression names."""
    return croniter(cron, after).get_next(dt.datetime)


def run_schedule(config: Config, runs: int | None = None,
                 on_done: Callable[[object], None] = lambda result: None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
    """Wait for each cron time and refresh; a failed or overlapping run is logged, not fatal."""
    done = 0
    while runs is None or done < runs:
        now = dt.datetime.now()
        due = next_run(config["schedule.cron"], now)
        log.info("next refresh at %s", due.isoformat(timespec="seconds"))
        sleep(max(0.0, (due - now).total_seconds()))
        try:
            on_done(refresh(config))
        except RefreshError as exc:
            log.error("refresh skipped: %s", exc)
            on_done(exc)
        done += 1
