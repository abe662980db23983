"""`gongkai crawl` stopped by a signal: SIGTERM while a server drips or while a page of many MB
is read stops it within seconds, its runs recorded as interrupted with what they did; a crawl
killed outright is marked killed at the next start."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.hostile_sites import Sizes, portal_routes
from tests.sites import ROOT, FixtureServer, hanweb_detail, html, para

# Far from both what a stop takes (about a second) and what the server would hold the crawl
# without one (the drip lasts DRIP seconds and the request timeout is longer still).
STOPPED_WITHIN = 20
DRIP = 120


def _site(drip: dict):
    routes = portal_routes(Sizes())
    routes["/index.html"] = html('<html><head><title>示例</title></head><body>'
                                 '<a href="/art/a.html">一</a><a href="/big.html">大</a>'
                                 '<a href="/drip.html">慢</a></body></html>')
    routes["/art/a.html"] = hanweb_detail("关于春季防火的通知", "2024-03-01", "示例市应急管理局",
                                          "", "11000000/2024-1", para("春季防火正文。"))

    def dripping(handler):
        if not drip["on"]:
            return 200, {"Content-Type": "text/html"}, b"<html><body>ok</body></html>"
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        deadline = time.monotonic() + DRIP
        try:
            while time.monotonic() < deadline and drip["on"]:
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass
        handler.close_connection = True
    routes["/drip.html"] = dripping
    return FixtureServer(routes, "127.0.0.45")


def _start(tmp_path, server) -> subprocess.Popen:
    config = tmp_path / "gongkai.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[crawl]\ndelay = 0.0\ntimeout = 300\n'
                      f'[[sources]]\nname = "site"\nstart_urls = ["{server.base}/index.html"]\n',
                      encoding="utf-8")
    return subprocess.Popen([sys.executable, "-m", "gongkai", "--config", str(config), "crawl"],
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(server, path: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while path not in server.arrived:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} was never asked for"
        time.sleep(0.05)


def _runs(tmp_path) -> list[dict]:
    with sqlite3.connect(tmp_path / "data" / "archive.sqlite3") as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM crawl_runs ORDER BY id")]


@pytest.mark.parametrize("during, group", [("/drip.html", False), ("/big.html", False),
                                           ("/drip.html", True)])
def test_sigterm_stops_a_crawl_within_seconds_and_records_it_interrupted(tmp_path, during,
                                                                          group):
    """`group`: the crawler process gets SIGTERM too, as systemd sends it to every process
    of a service: one stop all the same, recorded."""
    drip = {"on": during == "/drip.html"}  # a dripping server holds its origin: one at a time
    server = _site(drip)
    try:
        process = _start(tmp_path, server)
        _wait_for(server, during, process)
        if during == "/big.html":
            time.sleep(0.5)  # the page is in: reading its first MB takes seconds
        process.send_signal(signal.SIGTERM)
        if group:
            os.kill(_runs(tmp_path)[0]["pid"], signal.SIGTERM)
        out, err = process.communicate(timeout=STOPPED_WITHIN)
    finally:
        drip["on"] = False
        if process.poll() is None:
            process.kill()
        server.close()
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "crawl interrupted by SIGTERM" in err and "(interrupted)" in out
    [run] = _runs(tmp_path)
    assert run["status"] == "interrupted" and run["finished_at"] is not None
    assert json.loads(run["limits"])["interrupted_by"] == "SIGTERM"
    assert run["pages"] >= 1  # what it did before is kept


def test_a_killed_crawl_is_marked_killed_at_the_next_start(tmp_path):
    drip = {"on": True}
    server = _site(drip)
    try:
        process = _start(tmp_path, server)
        _wait_for(server, "/drip.html", process)
        [running] = _runs(tmp_path)
        assert running["status"] == "running" and running["pid"] != process.pid
        os.kill(running["pid"], signal.SIGKILL)  # the crawler child, as the OOM killer would
        _, err = process.communicate(timeout=STOPPED_WITHIN)
        assert process.returncode == 1 and "crawler processes failed" in err
        drip["on"] = False
        again = _start(tmp_path, server)
        out, err = again.communicate(timeout=300)
    finally:
        drip["on"] = False
        server.close()
    assert again.returncode == 0, err
    first, second = _runs(tmp_path)
    assert first["status"] == "killed" and first["finished_at"] is None
    assert second["status"] == "finished"
