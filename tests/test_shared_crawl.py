"""A crawl shared by several worker processes through Redis (crawler/frontier.py), against the
whole-site fixtures on their own origins: the same documents as one process, every page asked
once, one request at a time per origin with the delay kept (from the servers' own logs), and a
worker killed mid-crawl whose requests the others finish."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import Archive
from tests.services import postgres_schema, redis_url
from tests.sites import FixtureServer, assert_polite, crawl_sources
from tests.walled_sites import FAMILIES, SESSION, WALLED

ROOT = Path(__file__).resolve().parent.parent
DELAY = 0.3
JITTER = 0.5  # each delay is DELAY × (1 ± JITTER)
LATENCY = 0.02


def _sites(first_host: int, pages: int):
    servers, sites = {}, {}
    for n, (family, build) in enumerate(FAMILIES.items(), start=first_host):
        sites[family] = build(n, pages)
        servers[family] = FixtureServer(sites[family].routes, f"127.0.0.{n}", latency=LATENCY,
                                        headers=SESSION)
    sources = [{"name": name, "allowed_domains": [servers[name].base.split("//")[1].split(":")[0]],
                "start_urls": [servers[name].base + sites[name].start]} for name in sites]
    return sites, servers, sources


def _documents(rows: dict) -> dict[str, str]:
    return {url: row["content_hash"] for url, row in rows.items()}


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """The fixture sites crawled once by one process, then by three workers of a shared
    crawl into another archive: {sites, servers, single, rows, runs, spans (per family, the
    shared crawl's requests), data, sources}."""
    url = redis_url()
    sites, servers, sources = _sites(20, 10)
    single, _ = crawl_sources(tmp_path_factory.mktemp("single"), sources, delay=DELAY)
    before = {family: len(server.spans) for family, server in servers.items()}
    data = tmp_path_factory.mktemp("shared")
    rows, runs = crawl_sources(data, sources, delay=DELAY, workers=3, redis_url=url)
    spans = {family: server.spans[before[family]:] for family, server in servers.items()}
    yield {"sites": sites, "servers": servers, "single": single, "rows": rows, "runs": runs,
           "spans": spans, "data": data, "sources": sources, "redis": url}
    for server in servers.values():
        server.close()


def test_three_workers_keep_the_same_documents_as_one_process(shared):
    assert _documents(shared["rows"]) == _documents(shared["single"])
    assert len(shared["rows"]) == sum(len(site.documents) for site in shared["sites"].values())
    assert {run["status"] for run in shared["runs"]} == {"finished"}
    assert len(shared["runs"]) == 3 * len(shared["sources"])  # one run per worker and source


def test_three_workers_ask_every_page_once_and_robots_once_per_origin(shared):
    for family, spans in shared["spans"].items():
        asked = collections.Counter(path for _, _, path in spans)
        assert asked["/robots.txt"] == 1, family
        assert [p for p, n in asked.items() if n > 1] == [], family
        for scope in WALLED:  # one wall tells every worker: the directory is asked once
            assert len([p for p in asked if p.startswith(scope)]) == 1, (family, scope)


def test_three_workers_keep_one_request_at_a_time_and_the_delay_per_origin(shared):
    for spans in shared["spans"].values():
        assert_polite(spans, DELAY * (1 - JITTER))


def test_a_second_shared_crawl_is_incremental(shared):
    servers = shared["servers"]
    before = {family: len(server.requests) for family, server in servers.items()}
    rows, runs = crawl_sources(shared["data"], shared["sources"], delay=DELAY, workers=3,
                               redis_url=shared["redis"])
    assert _documents(rows) == _documents(shared["rows"])
    assert sum(run["new"] + run["updated"] for run in runs) == 0
    for family, server in servers.items():
        details = [(path, status) for _, path, status in server.requests[before[family]:]
                   if path in shared["sites"][family].documents]
        assert details and all(status == 304 for _, status in details), family


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_workers_on_several_machines_join_one_crawl_and_survive_a_killed_one(tmp_path):
    """Three `gongkai crawl` commands, as on three machines (archive on PostgreSQL); one is
    killed with SIGKILL mid-crawl; the other two fetch everything, its lost request too."""
    url = redis_url()
    sites, servers, sources = _sites(30, 24)
    try:
        with postgres_schema() as archive:
            config = tmp_path / "gongkai.toml"
            config.write_text(_config_text(tmp_path / "data", archive, url, sources),
                              encoding="utf-8")
            workers = [subprocess.Popen(
                [sys.executable, "-m", "gongkai", "--config", str(config), "crawl"],
                cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True) for _ in range(3)]
            total = sum(len(s.routes) for s in sites.values())
            deadline = time.monotonic() + 60
            while sum(len(s.spans) for s in servers.values()) < total // 3:
                assert time.monotonic() < deadline, "the crawl did not get going"
                time.sleep(0.05)
            for child in _children(workers[0].pid):  # the crawler process, in its own group
                os.kill(child, signal.SIGKILL)
            os.killpg(workers[0].pid, signal.SIGKILL)  # and the command that started it
            for worker in workers[1:]:
                output = worker.communicate(timeout=240)[0]
                assert worker.returncode == 0, output
            with Archive(archive) as db:
                stored = {row["url"] for row in db.changes_since(0) if row["status"] == "live"}
            expected = {servers[f].base + path for f, site in sites.items()
                        for path in site.documents}
            assert stored == expected
            for server in servers.values():
                assert_polite(server.spans, DELAY * (1 - JITTER))
    finally:
        for server in servers.values():
            server.close()


def _config_text(data_dir: Path, archive: str, redis: str, sources: list[dict]) -> str:
    lines = [f'data_dir = "{data_dir}"', "[archive]", f'url = "{archive}"', "[crawl]",
             f"delay = {DELAY}", f'redis_url = "{redis}"', "lease = 3.0"]
    for source in sources:
        lines += ["[[sources]]", f'name = "{source["name"]}"',
                  "start_urls = [" + ", ".join(f'"{u}"' for u in source["start_urls"]) + "]",
                  "allowed_domains = [" + ", ".join(f'"{d}"' for d in
                                                    source["allowed_domains"]) + "]"]
    return "\n".join(lines) + "\n"


def test_workers_need_redis_and_say_so(tmp_path):
    from click.testing import CliRunner

    from gongkai.cli import cli

    config = tmp_path / "g.toml"
    source = ('[[sources]]\nname = "a"\nstart_urls = ["http://127.0.0.1:9/"]\n')
    config.write_text(f'data_dir = "{tmp_path}"\n' + source, encoding="utf-8")
    alone = CliRunner().invoke(cli, ["--config", str(config), "crawl", "--workers", "2"])
    assert alone.exit_code == 1 and "needs [crawl] redis_url" in alone.output
    config.write_text(f'data_dir = "{tmp_path}"\n[crawl]\nredis_url = "redis://127.0.0.1:1/0"\n'
                      + source, encoding="utf-8")
    down = CliRunner().invoke(cli, ["--config", str(config), "crawl", "--workers", "2"])
    assert down.exit_code == 1 and "cannot reach Redis" in down.output, down.output
