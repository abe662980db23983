"""The crawler against the hostile sites of tests/hostile_sites.py at full size.

    .venv/bin/python bench/hostile.py [--big-mb 50] [--links 20000] [--delay 0]

A 50 MB page (under the 50 MiB download cap: fetched, read in its first 2 MiB), a 60 MB page
(over it), a gzip bomb inflating to 60 MB, a page of 20,000 links into a search that finds
nothing, an endless calendar, paging without end, session ids in every link, a dripping
server, a port that never answers, resets, 500/503/429, redirect loops and chains, a lying
charset and robots.txt Crawl-delay, all crawled by one `gongkai crawl` (timeout 5 s, one retry,
the default trap limit). Reported: wall time, the crawler process's peak RSS, requests per
trap, documents stored against the real ones served, and each source's errors and limits.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
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
    args = parser.parse_args()
    sizes = Sizes(big_page=int(args.big_mb * MB), bomb=60 * MB, search_links=args.links,
                  huge_page=60 * MB, drip_seconds=60)
    print(f"building sites: {args.big_mb:g} MB page, 60 MB page, 60 MB bomb, "
          f"{args.links} links", file=sys.stderr)
    sites = hostile_sites(sizes)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory() as data:
            rows, runs = crawl_sources(data, sites.sources(), delay=args.delay, timeout=5,
                                       retries=1)
    finally:
        sites.close()
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    asked = Counter(urlsplit(p).path.split(";")[0] for _, p, _ in sites.portal.requests)
    stored = set(rows) & set(sites.expected)
    print(f"wall time: {seconds:.1f} s; crawler peak RSS: {peak_mb:.0f} MB")
    print(f"documents: {len(stored)} of {len(sites.expected)} real ones stored; "
          f"{len(set(rows) - set(sites.expected))} other rows")
    print("requests per trap: " + ", ".join(f"{path} {asked[path]}" for path in (
        "/list.jsp", "/cal.jsp", "/search.jsp")) + f"; all requests to the portal: "
          f"{sum(asked.values())}")
    for name, run in runs.items():
        print(f"{name}: {run['status']}, {run['pages']} pages; errors "
              f"{json.loads(run['error_detail'])}; limits {json.loads(run['limits'])}")


if __name__ == "__main__":
    main()
