"""`gongkai serve` as a user runs it: gunicorn workers over the live index, which they swap for
each newly published generation without a restart and without failing a query."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote

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


def raw(port: int, request: bytes) -> tuple[int, str, bytes]:
    """Send bytes as they are; return the answer's status, Content-Type and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers.get("Content-Type", ""), body


def get_line(target: str, headers: dict | None = None) -> bytes:
    fields = {"Host": "127.0.0.1", "Connection": "close", **(headers or {})}
    head = "".join(f"{key}: {value}\r\n" for key, value in fields.items())
    return f"GET {target} HTTP/1.1\r\n{head}\r\n".encode("latin-1")


PASTED = quote(("信息公开" * 125)[:490])  # a pasted paragraph: 490 characters, 4,410 bytes


@pytest.mark.parametrize("settings", [{"GONGKAI_WEB_WORKERS": "1"}])
def test_long_addresses_and_headers_are_answered_in_the_apps_shape(served):
    _, port = served
    # a long query the server used to refuse (request line > 4,094 bytes) reaches the app
    status, ctype, body = raw(port, get_line(f"/api/search?q={PASTED}"))
    assert status == 200 and ctype.startswith("application/json"), body[:200]
    status, ctype, body = raw(port, get_line(f"/api/search?q={PASTED}{PASTED[:270]}"))
    assert (status, ctype) == (400, "application/json")  # q is longer than 500 characters
    assert "500" in json.loads(body)["error"]
    padding = "&x=" + "a" * 8000  # past the app's 8,000 bytes, within the server's 8,190
    for path in ("/api/search?q=1", "/search?q=1"):
        status, ctype, body = raw(port, get_line(path + padding[:8000 - len(path) + 10]))
        assert status == 414, path
        if path.startswith("/api"):
            assert ctype == "application/json" and json.loads(body)["status"] == 414
        else:  # the site's own error page
            assert ctype.startswith("text/html") and b'class="top"' in body
    big = {"X-Big": "v" * 9000}
    many = {f"X-Field-{n}": "v" for n in range(150)}
    for headers in (big, many):
        status, ctype, body = raw(port, get_line("/api/search?q=1", headers))
        assert (status, ctype) == (431, "application/json")
        assert json.loads(body) == {"ok": False, "status": 431,
                                    "error": json.loads(body)["error"]}
    # what gunicorn refuses itself, before the app: still the JSON error shape, never HTML
    for request, expected in [
            (get_line("/api/search?q=" + "a" * 9000), 414),
            (get_line("/api/search?q=1", {"X-Big": "v" * 20000}), 431),
            (get_line("/api/search?q=1", {f"X-F-{n}": "v" for n in range(250)}), 431),
            (b"NOT HTTP AT ALL\r\n\r\n", 400)]:
        status, ctype, body = raw(port, request)
        assert (status, ctype) == (expected, "application/json"), body[:200]
        data = json.loads(body)
        assert data["ok"] is False and data["status"] == expected and data["error"]
    assert get(port, "/healthz")[0] == 200  # the worker is none the worse for it
