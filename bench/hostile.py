"""The crawler against the hostile sites of tests/hostile_sites.py at full size.

    .venv/bin/python bench/hostile.py [--big-mb 50] [--links 20000] [--delay 0] [--budget 900]

A 50 MB page (under the 50 MiB download cap: fetched, read in its first 2 MiB), a 60 MB page
(over it), a gzip bomb inflating to 60 MB, a page of 20,000 links into a search that finds
nothing, an endless calendar, paging without end, session ids in every link, a dripping
server, a port that never answers, resets, 500/503/429, redirect loops and chains, a lying
charset and robots.txt Crawl-delay, all crawled by one `gongkai crawl` (timeout 5 s, one retry,
the default trap limit). Reported: wall time, the crawler process's peak RSS (sampled every
0.2 s), requests per trap, documents stored against the real ones served, and each source's
errors and limits. A crawl still running after `--budget` seconds is killed and reported so.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.hostile_sites import Sizes, hostile_sites  # noqa: E402
from tests.sites import crawl_sources  # noqa: E402

MB = 1_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--big-mb", type=float, default=50, help="the big page, MB")
    parser.add_argument("--links", type=int, default=20_000, help="links into the search trap")
    parser.add_argument("--delay", type=float, default=0.0, help="crawl delay per origin")
    parser.add_argument("--budget", type=float, default=900, help="seconds before giving up")
    args = parser.parse_args()
    sizes = Sizes(big_page=int(args.big_mb * MB), bomb=60 * MB, search_links=args.links,
                  huge_page=60 * MB, drip_seconds=60)
    print(f"building sites: {args.big_mb:g} MB page, 60 MB page, 60 MB bomb, "
          f"{args.links} links", file=sys.stderr)
    sites = hostile_sites(sizes)
    result: dict = {}
    peak = [0]
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory() as data:
            crawl = threading.Thread(target=_crawl, args=(data, sites, args, result), daemon=True)
            crawl.start()
            while crawl.is_alive() and time.monotonic() - started < args.budget:
                peak[0] = max(peak[0], sum(rss(pid) for pid in descendants(os.getpid())))
                crawl.join(0.2)
            seconds = time.monotonic() - started
            if crawl.is_alive():
                for pid in descendants(os.getpid()):
                    os.kill(pid, signal.SIGKILL)
                crawl.join(30)
    finally:
        sites.close()
    asked = Counter(urlsplit(p).path.split(";")[0] for _, p, _ in sites.portal.requests)
    print(f"wall time: {seconds:.1f} s{' (killed: over the budget)' if 'runs' not in result else ''}"
          f"; crawler peak RSS: {peak[0] / 2**20:.0f} MB")
    print("requests per trap: " + ", ".join(f"{path} {asked[path]}" for path in (
        "/list.jsp", "/cal.jsp", "/search.jsp")) + f"; all requests to the portal: "
          f"{sum(asked.values())}")
    if "runs" not in result:
        return
    rows, runs = result["rows"], result["runs"]
    stored = set(rows) & set(sites.expected)
    print(f"documents: {len(stored)} of {len(sites.expected)} real ones stored; "
          f"{len(set(rows) - set(sites.expected))} other rows")
    for name, run in runs.items():
        print(f"{name}: {run['status']}, {run['pages']} pages; errors "
              f"{json.loads(run['error_detail'])}; limits {json.loads(run.get('limits', '{}'))}")


def _crawl(data: str, sites, args, result: dict) -> None:
    result["rows"], result["runs"] = crawl_sources(data, sites.sources(), delay=args.delay,
                                                   timeout=5, retries=1)


def descendants(root: int) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def rss(pid: int) -> int:
    """Resident bytes of a process (0 if it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


if __name__ == "__main__":
    main()
