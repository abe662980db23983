"""Many sources in one crawl: throughput and the crawl process's peak memory.

    .venv/bin/python bench/many_sources.py --sources 200 --pages 50 [--delay 0.2]
    .venv/bin/python bench/many_sources.py --sources 100 --pages 50 --workers 4 \
        --redis-url redis://127.0.0.1:6379/0

Serves N generated sites of P pages each (a paged list and detail pages) on N localhost ports
(N origins) from a separate process, crawls them with one `gongkai crawl` (all sources in one
engine, one request at a time per origin) and reports pages/s and the peak RSS of the crawl
process (`ru_maxrss` of the finished child). Run it at several N to see whether memory grows
with the number of sources. With `--workers W` (and a Redis) W crawler processes share one
frontier (crawler/frontier.py), still one request at a time per origin.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PER_LIST = 10


def site_routes(n: int, pages: int) -> dict[str, bytes]:
    """One site: list pages `list_k.html` (PER_LIST links each, 下一页 paging) and details."""
    from tests.sites import hanweb_detail, para

    details = max(1, pages - -(-pages // (PER_LIST + 1)))
    lists = -(-details // PER_LIST)
    routes = {}
    for k in range(lists):
        links = "".join(f'<li><a href="/art/{i}.html">第{i}号</a></li>'
                        for i in range(k * PER_LIST, min(details, (k + 1) * PER_LIST)))
        more = f'<a href="/list_{k + 1}.html">下一页</a>' if k + 1 < lists else ""
        routes[f"/list_{k}.html"] = f"<html><body><ul>{links}</ul>{more}</body></html>".encode()
    for i in range(details):
        routes[f"/art/{i}.html"] = hanweb_detail(
            f"示例{n}局关于第{i}号事项的通知", "2024-01-02", f"示例{n}局", "", f"X{n}/2024-{i:05d}",
            para(f"第{i}号通知正文，依申请公开办理情况良好。" * 20))
    return routes


def serve(count: int, pages: int, ports, ready) -> None:
    """Child process: serve `count` sites on free ports; report the ports; serve forever."""
    from tests.sites import FixtureServer

    servers = [FixtureServer(site_routes(n, pages)) for n in range(count)]
    ports.extend([int(s.base.rsplit(":", 1)[1]) for s in servers])
    ready.set()
    while True:
        time.sleep(3600)


def redis_memory(url: str, archive: str) -> str:
    """What the finished crawl's keys take in Redis (they expire a week after the crawl)."""
    from archive import Archive
    from crawler import frontier

    with Archive(archive) as db:
        ns = frontier.namespace(db.identity())
    server = frontier.connect(url)
    keys = list(server.scan_iter(match=ns + "*"))
    total = sum(server.memory_usage(k) or 0 for k in keys)
    seen = [k for k in keys if k.endswith(b":seen")]
    urls = sum(server.scard(k) for k in seen)
    per_url = sum(server.memory_usage(k) or 0 for k in seen) / max(urls, 1)
    return (f"Redis: {len(keys)} keys, {total / 1e6:.1f} MB after the crawl; seen-set "
            f"{urls} requests, {per_url:.0f} bytes each")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--pages", type=int, default=50, help="pages per site")
    parser.add_argument("--delay", type=float, default=0.2, help="seconds between requests "
                        "to one origin")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="crawler processes")
    parser.add_argument("--redis-url", default="", help="the shared frontier (--workers > 1)")
    args = parser.parse_args()
    manager = multiprocessing.Manager()
    ports, ready = manager.list(), manager.Event()
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(args.sources, args.pages, ports, ready), daemon=True)
    server.start()
    ready.wait()
    from tests.sites import crawl_sources

    sources = [{"name": f"s{n:03d}", "start_urls": [f"http://127.0.0.1:{port}/list_0.html"]}
               for n, port in enumerate(list(ports))]
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        shared = {"redis_url": args.redis_url} if args.redis_url else {}
        rows, runs = crawl_sources(Path(tmp), sources, delay=args.delay,
                                   concurrency=args.concurrency, workers=args.workers, **shared)
        if args.redis_url:
            print(redis_memory(args.redis_url, str(Path(tmp) / "archive.sqlite3")))
    runs = list(runs.values()) if isinstance(runs, dict) else runs
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB → MiB
    server.terminate()
    pages = sum(run["pages"] for run in runs)
    print(f"{args.sources} sources × {args.pages} pages, delay {args.delay}s per origin, "
          f"{args.workers} worker(s), concurrency {args.concurrency}: {pages} pages, {len(rows)} documents in "
          f"{seconds:.1f}s = {pages / seconds:.0f} pages/s; crawl process peak RSS "
          f"{peak:.0f} MiB; runs not finished: "
          f"{sum(run['status'] != 'finished' for run in runs)}")


if __name__ == "__main__":
    main()
