import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai import refresh as pipeline
from gongkai.cli import cli
from gongkai.config import load_config
from gongkai.schedule import next_run, run_schedule

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path, monkeypatch):
    """Run from an empty directory, so the repository's gongkai.toml is not picked up."""
    monkeypatch.chdir(tmp_path)


def invoke(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def test_every_command_and_option_has_help():
    for name, command in cli.commands.items():
        assert command.help, name
        for param in command.params:
            if param.param_type_name == "option":
                assert param.help, f"{name} {param.name}"


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "gongkai", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "crawl" in out and "serve" in out


def test_config_errors_are_one_line_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[crawl]\ndelay = \"soon\"\n", encoding="utf-8")
    result = invoke("--config", str(bad), "index")
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {bad}: [crawl] delay: expected a number, got 'soon'"


def test_search_without_an_index_fails_cleanly(tmp_path):
    result = invoke("search", "公开", env={"GONGKAI_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1 and "no index" in result.output


def test_bad_search_parameters_fail_cleanly(tmp_path, index_root, engine):
    env = {"GONGKAI_DATA_DIR": str(index_root.parent), "GONGKAI_INDEX_ENGINE": engine}
    result = invoke("search", "公开", "--size", "100000", env=env)
    assert result.exit_code == 1 and "size must be between" in result.output
    ok = invoke("search", "公开", "--size", "2", env=env)
    assert ok.exit_code == 0 and ok.output.startswith("4 results")


def test_crawl_needs_sources_and_known_names(tmp_path):
    result = invoke("crawl", env={"GONGKAI_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1 and "no [[sources]] configured" in result.output
    config = tmp_path / "g.toml"
    config.write_text('[[sources]]\nname = "a"\nstart_urls = ["http://127.0.0.1:9/"]\n')
    result = invoke("--config", str(config), "crawl", "--source", "b")
    assert result.exit_code == 1 and "unknown source(s): b" in result.output


def test_next_run_follows_the_cron_expression():
    assert next_run("0 3 * * *", dt.datetime(2026, 1, 1, 3, 0)) == dt.datetime(2026, 1, 2, 3, 0)
    assert next_run("*/15 * * * *", dt.datetime(2026, 1, 1, 3, 1)) == dt.datetime(2026, 1, 1, 3, 15)


def test_two_refreshes_never_run_at_once(tmp_path):
    config = load_config(None, env={"GONGKAI_DATA_DIR": str(tmp_path)})
    with pipeline.refresh_lock(config):
        with pytest.raises(pipeline.RefreshError, match="another refresh is running"):
            pipeline.refresh(config)


def test_schedule_waits_for_the_cron_time_and_survives_a_busy_refresh(tmp_path):
    config = load_config(None, env={"GONGKAI_DATA_DIR": str(tmp_path),
                                    "GONGKAI_SCHEDULE_CRON": "*/5 * * * *"})
    waits, outcomes = [], []
    with pipeline.refresh_lock(config):  # a manual refresh is running the whole time
        run_schedule(config, runs=2, on_done=outcomes.append, sleep=waits.append)
    assert len(waits) == 2 and all(0 <= w <= 300 for w in waits)
    assert all(isinstance(o, pipeline.RefreshError) for o in outcomes)


def test_a_large_whoosh_index_recommends_tantivy(capsys):
    from gongkai.cli import WHOOSH_ADVICE, _print_index
    from indexer.build import BuildReport

    big = WHOOSH_ADVICE + 1
    _print_index(BuildReport(True, big, 0, big, 1.0, "gen-000001", "whoosh"))
    out = capsys.readouterr().out
    assert f"note: {big} documents on the Whoosh engine" in out
    assert 'engine = "tantivy"' in out and "gongkai index --full" in out
    _print_index(BuildReport(True, big, 0, big, 1.0, "gen-000001", "tantivy"))
    _print_index(BuildReport(True, 10, 0, 10, 1.0, "gen-000001", "whoosh"))
    assert "note:" not in capsys.readouterr().out


@pytest.fixture
def site_config(tmp_path, site_server):
    config = load_config(None, env={"GONGKAI_DATA_DIR": str(tmp_path / "data"),
                                    "GONGKAI_CRAWL_DELAY": "0"})
    config.sources = [{"name": "sample", "start_urls": [site_server + "/"],
                       "allowed_domains": ["127.0.0.1"]}]
    return config


def test_each_scheduled_run_logs_one_line_and_is_recorded(site_config, caplog):
    from archive import Archive

    outcomes = []
    with caplog.at_level("INFO", logger="gongkai.schedule"):
        run_schedule(site_config, runs=1, on_done=outcomes.append, sleep=lambda s: None)
        holder = subprocess.Popen(  # another process writes the index: this run fails
            [sys.executable, "-c", "import sys; from indexer import store\n"
             f"with store.write_lock(store.Path({str(site_config.index_root)!r})):\n"
             "    print('held', flush=True); sys.stdin.read()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert holder.stdout.readline() == "held\n"
        run_schedule(site_config, runs=1, on_done=outcomes.append, sleep=lambda s: None)
        holder.communicate("")
    lines = [r for r in caplog.records if r.message.startswith("refresh ")]
    assert [r.levelname for r in lines] == ["INFO", "ERROR"]
    ok, failed = lines[0].message, lines[1].message
    assert "\n" not in ok + failed
    assert re.fullmatch(r"refresh ok started=\S+ pages=\d+ new=(\d+) updated=0 gone=0 "
                        r"indexed=\1 documents=\1 seconds=\d+\.\d", ok), ok
    assert int(re.search(r"new=(\d+)", ok).group(1)) > 0
    assert re.fullmatch(r'refresh failed started=\S+ pages=\d+ seconds=\d+\.\d '
                        r'error="IndexBusy: another process is writing the index in \S+"',
                        failed), failed
    assert isinstance(outcomes[0], pipeline.RefreshReport)
    assert isinstance(outcomes[1], pipeline.RefreshFailed)
    with Archive(site_config.archive) as archive:
        runs = archive.refresh_runs()
    assert [(r["status"], r["trigger"]) for r in runs] == [("failed", "schedule"),
                                                            ("ok", "schedule")]
    assert runs[1]["documents"] == runs[1]["new"] and runs[0]["error"].startswith("IndexBusy")


def test_a_refresh_killed_mid_run_is_shown_as_interrupted(tmp_path):
    from archive import Archive

    with Archive(tmp_path / "a.sqlite3") as archive:
        archive.start_refresh("schedule")  # its process died: never finished
        archive.start_refresh("manual")
        assert [r["status"] for r in archive.refresh_runs()] == ["running", "interrupted"]


def test_run_lines_quote_errors_and_journal_lines_carry_a_priority():
    import logging

    from gongkai.cli import _JournalFormatter
    from gongkai.schedule import run_line

    run = {"status": "failed", "started_at": 1_700_000_000.0, "finished_at": 1_700_000_003.25,
           "pages": 0, "new": 0, "updated": 0, "gone": 0, "indexed": 0, "documents": 0,
           "error": 'the crawler process failed (exit code 1) "x"'}
    line = run_line(run)
    assert line.startswith("refresh failed started=2023-11-14T")
    assert line.endswith(r'seconds=3.2 error="the crawler process failed (exit code 1) \"x\""')
    record = logging.LogRecord("gongkai.schedule", logging.ERROR, "", 0, line, None, None)
    assert _JournalFormatter().format(record) == "<3>" + line
    record.levelno = logging.INFO
    assert _JournalFormatter().format(record).startswith("<6>refresh")
