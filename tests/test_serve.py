"""`gongkai serve` as a user runs it: gunicorn workers over the live index, which they swap for
each newly published generation without a restart and without failing a query."""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
from pathlib import Path

import pytest

from archive import Archive
from indexer.build import build_index
from tests.conftest import DOCS, make_doc
from tests.sites import free_port, start_serve

ROOT = Path(__file__).resolve().parent.parent


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict]:
    return fetch(port, path, headers)[:2]


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        data = {"body": body[:300]}
    return response.status, data, dict(response.getheaders())


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.fixture
def settings() -> dict:
    """Extra GONGKAI_* settings of the served instance."""
    return {}


@pytest.fixture
def served(tmp_path, archive_path, index_root, engine, settings):
    """`gongkai serve` with two workers on the index of the conftest documents."""
    server, port = start_serve({"GONGKAI_DATA_DIR": str(index_root.parent),
                                "GONGKAI_INDEX_ENGINE": engine, "GONGKAI_WEB_WORKERS": "2",
                                "GONGKAI_WEB_THREADS": "4", **settings},
                               cwd=tmp_path, stdout=subprocess.PIPE)
    yield server, port
    server.terminate()
    assert server.wait(30) == 0  # a graceful stop


@pytest.mark.parametrize("settings", [{"GONGKAI_WEB_RATE_LIMIT": ""}])  # load, not limits
def test_two_workers_swap_generations_under_load_without_a_failed_query(
        served, archive_path, index_root, engine):
    server, port = served
    assert "2 workers × 4 threads" in server.stdout.readline()
    deadline = time.monotonic() + 30
    while len(children(server.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # gunicorn starts its workers one after the other
    assert len(children(server.pid)) == 2
    query = "/api/search?q=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A&size=5"  # 年度报告
    before = get(port, query)[1]["total"]
    answers: list[tuple[int, int]] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            status, data = get(port, query)
            answers.append((status, data.get("total", -1)))

    clients = [threading.Thread(target=load) for _ in range(4)]
    for client in clients:
        client.start()
    with Archive(archive_path) as archive:  # a new annual report, then two full rebuilds
        archive.upsert(make_doc("http://example.gov.cn/a9.html", "云江省财政厅2023年政府信息公开工作年度报告",
                                "年度报告正文。", doc_type="annual_report", report_year=2023))
    build_index(archive_path, index_root, engine=engine)
    for _ in range(2):
        build_index(archive_path, index_root, full=True, engine=engine)
        time.sleep(0.3)
    stop.set()
    for client in clients:
        client.join()
    assert answers and [a for a in answers if a[0] != 200] == []
    assert {total for _, total in answers} <= {before, before + 1}
    assert answers[-1][1] == before + 1  # every worker follows the newest generation
    assert get(port, "/healthz")[1] == {"ok": True, "documents": len(DOCS) + 1}


STATUS_PORT = free_port()


@pytest.mark.parametrize("settings", [{"GONGKAI_WEB_STATUS": f"127.0.0.1:{STATUS_PORT}",
                                       "GONGKAI_WEB_RATE_LIMIT": "5/minute",
                                       "GONGKAI_WEB_WORKERS": "1"}])  # memory:// per worker
def test_serve_keeps_the_status_on_its_own_address_and_limits_searches(served):
    _, port = served
    assert get(port, "/api/status")[0] == 404
    status, data = get(STATUS_PORT, "/api/status")
    assert status == 200 and data["index"]["documents"] == len(DOCS)
    answers = [fetch(port, "/api/search?q=%E5%85%AC%E5%BC%80") for _ in range(6)]
    assert [a[0] for a in answers] == [200] * 5 + [429]
    assert answers[-1][1]["status"] == 429 and int(answers[-1][2]["Retry-After"]) > 0
    assert answers[0][2]["X-Content-Type-Options"] == "nosniff"
    assert answers[0][2]["X-RateLimit-Limit"] == "5"
    assert get(STATUS_PORT, "/api/status")[0] == 200  # the operator's view is not limited
