"""This checkout against an earlier commit, in one run on the same archive: indexing, sequential
search latency and load, each measured through what users run (`gongkai index --full`,
`gongkai serve`, /api/search).

    .venv/bin/python bench/compare.py --archive A.sqlite3 --baseline 58a4a7e --engine tantivy
    .venv/bin/python bench/compare.py --archive A.sqlite3 --baseline HEAD~3 --seconds 30

The baseline is checked out into a temporary git worktree and run with this virtualenv. For
each side (baseline first, then this checkout): a data directory holding a link to the
archive, a full `gongkai index` (docs/s), then `gongkai serve` answering the bench's request
mix (bench/load.py: words, phrases, exclusions, filters, date order, pages 2-3) once,
sequentially (p50/p95), then under `--clients` closed-loop clients for `--seconds` twice: a
cold mix (uniform draws, [search] cache_entries 0: nothing counted is reused) and a Zipf mix
(s = 1, as query logs are skewed; the default cache).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import client, get, query_mix, run_clients, serving  # noqa: E402

from archive import Archive  # noqa: E402

HERE = Path(__file__).resolve().parent.parent


def index(code: Path, data: Path, engine: str) -> float:
    """Seconds a full `gongkai index` of the data directory takes with the code of `code`."""
    env = {**os.environ, "PYTHONPATH": str(code), "GONGKAI_DATA_DIR": str(data),
           "GONGKAI_INDEX_ENGINE": engine}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "gongkai", "index", "--full"], env=env, cwd=code,
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def sequential(port: int, paths: list[str]) -> tuple[float, float]:
    """p50 and p95 (ms) of each request of the mix asked once, one after another."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    samples = []
    for path in paths:
        started = time.perf_counter()
        status, _ = get(conn, path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        samples.append((time.perf_counter() - started) * 1000)
    q = statistics.quantiles(samples, n=100)
    return q[49], q[94]


def load(port: int, paths: list[str], clients: int, seconds: float,
         weights: list[float] | None) -> dict:
    results = run_clients([port], paths, clients, seconds, weights)
    q = statistics.quantiles(sorted(ms for ms, _ in results), n=100)
    return {"rps": len(results) / seconds, "p50": q[49], "p95": q[94],
            "failed": sum(1 for _, status in results if status != 200)}


def measure(code: Path, data: Path, engine: str, clients: int, seconds: float) -> dict:
    row = {"index_s": index(code, data, engine)}
    with serving(data, engine, cache_entries=0, code=code) as (port, _):
        paths = query_mix(port)
        client(port, paths, time.monotonic() + 3, 0, [])  # warm up
        row["sequential"] = sequential(port, paths)
        row["cold"] = load(port, paths, clients, seconds, None)
    with serving(data, engine, code=code) as (port, _):
        client(port, paths, time.monotonic() + 3, 0, [])
        row["zipf"] = load(port, paths, clients, seconds,
                           [1 / rank for rank in range(1, len(paths) + 1)])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archive", type=Path, required=True,
                        help="an archive (bench/index_bench.fill_archive writes the bench's)")
    parser.add_argument("--baseline", required=True, help="the commit to compare with")
    parser.add_argument("--engine", default="tantivy", choices=["whoosh", "tantivy"])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gongkai-compare-"))
    worktree = work / "baseline"
    subprocess.run(["git", "-C", str(HERE), "worktree", "add", "--detach", str(worktree),
                    args.baseline], check=True, stdout=subprocess.DEVNULL)
    with Archive(args.archive) as archive:
        docs = archive.count_since(0)  # every row a full index writes, withdrawn ones too
    rows = {}
    try:
        for name, code in ((f"{args.baseline}", worktree), ("this checkout", HERE)):
            data = work / f"data-{len(rows)}"
            data.mkdir()
            (data / "archive.sqlite3").symlink_to(args.archive.resolve())
            rows[name] = measure(code, data, args.engine, args.clients, args.seconds)
            print(name, rows[name], flush=True)
            shutil.rmtree(data / "index", ignore_errors=True)
    finally:
        subprocess.run(["git", "-C", str(HERE), "worktree", "remove", "--force", str(worktree)],
                       check=False)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.engine}, {docs} documents, {args.clients} clients, {args.seconds:.0f}s each")
    print(f"{'code':16} {'index docs/s':>12} {'seq p50':>8} {'seq p95':>8} "
          f"{'cold req/s':>10} {'cold p95':>9} {'zipf req/s':>10} {'zipf p95':>9} {'not 200':>7}")
    for name, r in rows.items():
        print(f"{name:16} {docs / r['index_s']:12.0f} {r['sequential'][0]:8.1f} "
              f"{r['sequential'][1]:8.1f} {r['cold']['rps']:10.0f} {r['cold']['p95']:9.1f} "
              f"{r['zipf']['rps']:10.0f} {r['zipf']['p95']:9.1f} "
              f"{r['cold']['failed'] + r['zipf']['failed']:7d}")


if __name__ == "__main__":
    main()
