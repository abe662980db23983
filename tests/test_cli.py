import datetime as dt
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gongkai import refresh as pipeline
from gongkai.cli import cli
from gongkai.config import load_config
from gongkai.schedule import next_run, run_schedule


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
