"""Load test of `gongkai serve` over HTTP: a closed loop of clients on a mixed query set.

    .venv/bin/python bench/load.py --docs 100000 --engine tantivy [--clients 8] [--seconds 30]
    .venv/bin/python bench/load.py --data-dir index_data --engine whoosh   # an existing index
    .venv/bin/python bench/load.py --docs 100000 --engine tantivy --workers 1 --nodes 2
    .venv/bin/python bench/load.py --data-dir D --engine tantivy --mix zipf [--cache-entries 0]

Builds the bench corpus (bench/index_bench.py) into a fresh data directory unless one is given,
starts `gongkai serve` ([web] workers and threads as given), and runs `--clients` threads that
each send the next request as soon as the last one answered, for `--seconds`. The query set
mixes words, quoted phrases, exclusions, publisher/type/year filters, date order and pages 2
and 3, as /api/search requests. `--mix uniform` draws them evenly; `--mix zipf` as query logs
are skewed (the k-th most frequent request k times rarer than the first, s = 1).
`--cache-entries` is [search] cache_entries: 0 serves every request cold (nothing counted
is reused), as an index would see all-distinct queries. Reported: requests/s, latency percentiles, non-200 answers, and
the serving processes' resident memory (master + workers, from /proc). `--nodes N` starts N
`gongkai serve` processes on the same index (stateless web nodes, as behind a load balancer)
and spreads the clients over them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index_bench import QUERIES, fill_archive  # noqa: E402

from indexer.build import build_index  # noqa: E402
from tests.sites import start_serve  # noqa: E402


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def query_mix(port: int, count: int = 400) -> list[str]:
    """The request paths: each query of the bench set, alone and with filters, date order and
    later pages (publishers and years taken from the index's own facets)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    _, body = get(conn, "/api/search?" + urlencode({"q": "", "size": 1}))
    facets = json.loads(body)["facets"]
    publishers = [f["value"] for f in facets["publisher"][:20]]
    years = [f["value"] for f in facets["year"][:8]]
    rng = random.Random(7)
    paths = []
    for _ in range(count):
        params = {"q": rng.choice(QUERIES)}
        variant = rng.random()
        if variant < 0.15:
            params["publisher"] = rng.choice(publishers)
        elif variant < 0.25:
            params["year"] = rng.choice(years)
        elif variant < 0.35:
            params["type"] = rng.choice(["annual_report", "notice", "budget"])
        elif variant < 0.5:
            params["sort"] = "date"
        elif variant < 0.65:
            params["page"] = rng.choice([2, 3])
        paths.append("/api/search?" + urlencode(params))
    return paths


def client(port: int, paths: list[str], stop: float, seed: int, out: list,
           weights: list[float] | None = None) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    rng = random.Random(seed)
    while time.monotonic() < stop:
        path = rng.choices(paths, weights)[0]
        started = time.perf_counter()
        try:
            status, _ = get(conn, path)
        except (OSError, http.client.HTTPException):
            status = 0
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        out.append(((time.perf_counter() - started) * 1000, status))


def run_clients(ports: list[int], paths: list[str], clients: int, seconds: float,
                weights: list[float] | None = None) -> list[tuple[float, int]]:
    """Run `clients` closed-loop clients, spread over the ports, for `seconds`; return each
    request's (milliseconds, status)."""
    results: list = []
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(ports[n % len(ports)], paths, stop, n,
                                                     results, weights))
               for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory (MB) of a process and its children."""
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    now = peak = 0.0
    for p in pids:
        status = dict(line.split(":", 1) for line in
                      Path(f"/proc/{p}/status").read_text().splitlines() if ":" in line)
        now += int(status["VmRSS"].split()[0]) / 1024
        peak += int(status["VmHWM"].split()[0]) / 1024
    return now, peak


@contextmanager
def serving(data: Path, engine: str, workers: int = 0, threads: int = 8,
            cache_entries: int = 2000, code: Path | None = None):
    """Run `gongkai serve` on a data directory (no rate limit: a bench is one client address),
    with the code of another checkout if given; yield (port, process)."""
    other = {"PYTHONPATH": str(code)} if code else {}
    server, port = start_serve({"GONGKAI_DATA_DIR": str(data), "GONGKAI_INDEX_ENGINE": engine,
                                "GONGKAI_WEB_WORKERS": str(workers),
                                "GONGKAI_WEB_THREADS": str(threads),
                                "GONGKAI_SEARCH_CACHE_ENTRIES": str(cache_entries),
                                "GONGKAI_WEB_RATE_LIMIT": "", **other}, cwd=code, timeout=120)
    try:
        yield port, server
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--data-dir", type=Path, help="serve this data directory's index")
    parser.add_argument("--engine", default="whoosh", choices=["whoosh", "tantivy"])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=0, help="[web] workers (0: per core)")
    parser.add_argument("--threads", type=int, default=8, help="[web] threads per worker")
    parser.add_argument("--nodes", type=int, default=1, help="web nodes on the same index")
    parser.add_argument("--mix", default="uniform", choices=["uniform", "zipf"])
    parser.add_argument("--cache-entries", type=int, default=2000,
                        help="[search] cache_entries (0: every request cold)")
    args = parser.parse_args()
    data = args.data_dir or Path(tempfile.mkdtemp(prefix="gongkai-load-"))
    if args.data_dir is None:
        fill_archive(data / "archive.sqlite3", args.docs, 5)
        build_index(data / "archive.sqlite3", data / "index", full=True, engine=args.engine)
    with ExitStack() as stack:
        nodes = [stack.enter_context(serving(data, args.engine, args.workers, args.threads,
                                             args.cache_entries))
                 for _ in range(args.nodes)]
        ports = [port for port, _ in nodes]
        paths = query_mix(ports[0])
        weights = [1 / rank for rank in range(1, len(paths) + 1)] if args.mix == "zipf" \
            else None
        for port in ports:
            client(port, paths, time.monotonic() + 3, 0, [], weights)  # warm each node
        results = run_clients(ports, paths, args.clients, args.seconds, weights)
        memory = [rss_mb(server.pid) for _, server in nodes]
        now, peak = sum(m[0] for m in memory), sum(m[1] for m in memory)
    latencies = sorted(ms for ms, _ in results)
    failed = sum(1 for _, status in results if status != 200)
    q = statistics.quantiles(latencies, n=100)
    print(f"{args.engine}, {args.docs if args.data_dir is None else 'existing'} documents, "
          f"{args.nodes} node(s), {args.clients} clients, {args.mix} mix, cache "
          f"{args.cache_entries}, {args.seconds:.0f}s: {len(results)} requests, "
          f"{len(results) / args.seconds:.0f} req/s, p50 {q[49]:.1f} / p95 {q[94]:.1f} / "
          f"p99 {q[98]:.1f} ms, {failed} not 200; serving RSS {now:.0f} MB "
          f"(peak {peak:.0f} MB, master + workers)")


if __name__ == "__main__":
    main()
