"""`gongkai schedule`: run refresh on the configured cron expression, one run at a time, and
log one line per run (logfmt: `key=value`, read well by journalctl and by grep on a file)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from croniter import croniter

from gongkai.config import Config
from gongkai.refresh import CrawlInterrupted, RefreshFailed, failure_reason, refresh

log = logging.getLogger(__name__)
LINE_COUNTS = ("pages", "new", "updated", "gone", "indexed", "documents")


def next_run(cron: str, after: dt.datetime) -> dt.datetime:
    """Return the first time after `after` that the cron expression names."""
    return croniter(cron, after).get_next(dt.datetime)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_line(run: dict) -> str:
    """One line for a recorded refresh run: `refresh ok started=… pages=… … seconds=…`, or
    `refresh failed started=… seconds=… error="…"`."""
    started = dt.datetime.fromtimestamp(run["started_at"]).astimezone()
    seconds = (run["finished_at"] or time.time()) - run["started_at"]
    parts = [f"refresh {run['status']}", f"started={started.isoformat(timespec='seconds')}"]
    parts += [f"{key}={run[key]}" for key in LINE_COUNTS if run["status"] == "ok" or run[key]]
    parts.append(f"seconds={seconds:.1f}")
    if run["error"]:
        parts.append(f"error={_quoted(run['error'])}")
    return " ".join(parts)


def run_schedule(config: Config, runs: int | None = None,
                 on_done: Callable[[object], None] = lambda result: None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
    """Wait for each cron time and refresh; every run logs one line (INFO when it worked,
    ERROR when it failed or could not start); a failure never stops the schedule."""
    done = 0
    while runs is None or done < runs:
        now = dt.datetime.now()
        due = next_run(config["schedule.cron"], now)
        log.info("next refresh at %s", due.astimezone().isoformat(timespec="seconds"))
        sleep(max(0.0, (due - now).total_seconds()))
        try:
            report = refresh(config, trigger="schedule")
            log.info(run_line(report.run))
            on_done(report)
        except CrawlInterrupted as exc:  # the scheduler itself was told to stop
            log.error(run_line(exc.run))
            raise
        except RefreshFailed as exc:
            log.error(run_line(exc.run))
            on_done(exc)
        except Exception as exc:  # it did not start (busy, no archive): the schedule goes on
            log.error("refresh skipped started=%s error=%s",
                      dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                      _quoted(failure_reason(exc)))
            on_done(exc)
        done += 1
