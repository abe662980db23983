"""Hostile requests against `gongkai serve` over HTTP: every page and endpoint with malformed,
huge, negative, out-of-range, wrongly encoded and injected parameters, unknown paths and
methods. The product's promise: a clear 4xx, never a 5xx, never a dropped connection, and
under /api always JSON in the error shape (never a page the WSGI server wrote itself).

    .venv/bin/python bench/fuzz.py --calls 10000 [--engine tantivy] [--docs 2000]

Builds the bench corpus (bench/index_bench.py) with its annual reports' statistics into a
fresh data directory, serves it (no rate limit), sends `--calls` requests from `--clients`
threads and reports the answers by status, the latency, every 5xx or dropped connection and
every /api answer that is not JSON.
"""

from __future__ import annotations

import argparse
import http.client
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index_bench import fill_archive  # noqa: E402
from load import serving  # noqa: E402

from archive import Archive  # noqa: E402
from indexer.build import build_index  # noqa: E402
from reports.stats import update  # noqa: E402

PATHS = ["/", "/search", "/api/search", "/api/complete", "/api/doc/{id}", "/doc/{id}", "/stats",
         "/api/stats", "/api/stats.csv", "/stats/{text}", "/status", "/api/status",
         "/api/openapi.json", "/healthz", "/static/{text}", "/{text}", "/api/{text}"]
PARAMS = ["q", "page", "size", "sort", "type", "publisher", "year", "from", "to", "as_typed",
          "order", "utm_source", "q[]", ""]
WORDS = ["政府信息公开", "年度报告", "行政复议", "nianbao", "三公经费", "青政发〔2020〕12号"]


def hostile(rng: random.Random) -> str:
    """One parameter value, percent-encoded as a client would send it (or not)."""
    kind = rng.randrange(16)
    if kind == 0:
        return str(rng.choice([-1, 0, 10**30, -10**30, 2**63, 1001, 101]))
    if kind == 1:
        return quote(rng.choice(["1e9", "NaN", "inf", "0x10", "1.5", " 2 ", "٣", "２"]))
    if kind == 2:  # long
        return quote(rng.choice(WORDS) * rng.randrange(10, 150))
    if kind == 3:  # query syntax at its edges
        return quote(rng.choice(['"', '""', '"政府', "-", "--预算", "- -", '"-"', "-\"a\" b",
                                 "* ? ~ ^", "AND OR NOT", "(", ")", "〔", "/"]))
    if kind == 4:  # invalid UTF-8, NUL, control characters
        return rng.choice(["%ff%fe", "%ED%A0%80", "%C0%AF", "%00", "a%00b", "%0d%0aX:%20y",
                           "%e4%b8", "%1b[31m"])
    if kind == 5:  # injection attempts
        return quote(rng.choice(["' OR 1=1 --", "<script>alert(1)</script>", "{{7*7}}",
                                 "../../etc/passwd", "${jndi:ldap://x}", "%s%s%n", "\\x00"]))
    if kind == 6:
        return quote(rng.choice(["2020-02-30", "2020-13-01", "0001-01-01", "9999-12-31",
                                 "20200101", "yesterday", "2020-1-1"]))
    if kind == 7:  # astral and combining characters, RTL marks, emoji
        return quote("".join(rng.choice(["𠀋", "👍🏽", "\u202e", "e\u0301", "\ufeff", "ﾃ"])
                             for _ in range(rng.randrange(1, 20))))
    if kind == 8:
        return ""
    if kind == 9:  # random bytes, percent-encoded
        return "".join(f"%{rng.randrange(256):02x}" for _ in range(rng.randrange(1, 40)))
    return quote(" ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 4))))


def request_line(rng: random.Random, doc_ids: list[str]) -> tuple[str, str]:
    """(method, target) of one hostile request."""
    path = rng.choice(PATHS).format(id=rng.choice(doc_ids + ["0", "x" * 300, "%2e%2e"]),
                                    text=hostile(rng) or "x")
    params = "&".join(f"{rng.choice(PARAMS)}={hostile(rng)}" for _ in range(rng.randrange(0, 6)))
    method = "GET" if rng.random() < 0.9 else rng.choice(["POST", "PUT", "DELETE", "OPTIONS",
                                                          "HEAD", "PATCH"])
    return method, path + ("?" + params if params else "")


def worker(port: int, lines: list[tuple[str, str]], out: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for method, target in lines:
        started = time.perf_counter()
        try:
            conn.request(method, target, body=b"{}" if method in ("POST", "PUT", "PATCH")
                         else None)
            response = conn.getresponse()
            response.read()
            status = response.status
            ctype = response.getheader("Content-Type", "")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        except (OSError, http.client.HTTPException):
            status, ctype = 0, ""  # a dropped connection
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        out.append((status, (time.perf_counter() - started) * 1000, method, target, ctype))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--docs", type=int, default=2_000)
    parser.add_argument("--engine", default="whoosh", choices=["whoosh", "tantivy"])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="gongkai-fuzz-"))
    fill_archive(data / "archive.sqlite3", args.docs, 2)
    build_index(data / "archive.sqlite3", data / "index", full=True, engine=args.engine)
    with Archive(data / "archive.sqlite3") as archive:
        update(archive)
        doc_ids = [row["doc_id"] for row in archive.changes_since(0, ("doc_id",))][:200]
    rng = random.Random(args.seed)
    lines = [request_line(rng, doc_ids) for _ in range(args.calls)]
    results: list = []
    with serving(data, args.engine) as (port, _):
        started = time.monotonic()
        threads = [threading.Thread(target=worker, args=(port, lines[n::args.clients], results))
                   for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.monotonic() - started
    statuses = Counter(status for status, *_ in results)
    bad = [r for r in results if r[0] >= 500 or r[0] == 0]
    # every refusal under /api is JSON in the error shape, whoever refused the request
    not_json = [r for r in results if r[0] >= 400 and r[3].startswith("/api/")
                and r[2] != "HEAD" and not r[4].startswith("application/json")]
    q = statistics.quantiles([ms for _, ms, *_ in results], n=100)
    print(f"{len(results)} requests ({args.engine}, {args.docs} documents, {args.clients} "
          f"clients) in {seconds:.0f}s; p50 {q[49]:.1f} / p95 {q[94]:.1f} / p99 {q[98]:.1f} ms")
    print("answers: " + ", ".join(f"{s or 'dropped'} × {n}" for s, n in sorted(statuses.items())))
    print(f"5xx or dropped: {len(bad)}")
    for status, _, method, target, _ in bad[:20]:
        print(f"  {status} {method} {target[:200]}")
    print(f"/api refusals that are not JSON: {len(not_json)}")
    for status, _, method, target, ctype in not_json[:20]:
        print(f"  {status} {ctype} {method} {target[:200]}")
    sys.exit(1 if bad or not_json else 0)


if __name__ == "__main__":
    main()
