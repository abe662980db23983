"""Crawl coverage and extraction accuracy on sites built like real ones, with walls.

    .venv/bin/python bench/coverage.py [--docs 40] [--delay 0.05]

Each CMS family of tests/walled_sites.py (Hanweb, TRS, VSB, gkmlpt and a hand-made long-tail
CMS) is served on its own address (127.0.0.2 …), every site with a walled search page, a walled
directory and a soft block, plus one site that walls everything. All are crawled in one
`gongkai crawl`. Reported per family: coverage (ordinary documents in the archive / documents
served), and for the documents kept, how many have each field exactly as served.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sites import FixtureServer, crawl_sources  # noqa: E402
from tests.walled_sites import FAMILIES, SESSION, walls_everything  # noqa: E402

FIELDS = ("title", "pub_date", "publisher", "index_number", "doc_number", "body")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=40, help="documents per site")
    parser.add_argument("--delay", type=float, default=0.05, help="crawl delay per origin")
    args = parser.parse_args()
    servers, sites = {}, {}
    for n, (family, build) in enumerate(FAMILIES.items(), start=2):
        sites[family] = build(n, args.docs)
        servers[family] = FixtureServer(sites[family].routes, f"127.0.0.{n}", headers=SESSION)
    walled = walls_everything()
    servers["walled"] = FixtureServer(walled.routes, "127.0.0.9")
    sources = [{"name": name, "start_urls": [servers[name].base + sites[name].start]}
               for name in sites]
    sources.append({"name": "walled", "start_urls": [servers["walled"].base + p for p in
                                                     ("/", "/col/col1/index.html", "/xxgk/")]})
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        rows, runs = crawl_sources(Path(tmp), sources, delay=args.delay)
    seconds = time.monotonic() - started
    print(f"{len(sources)} sources, {sum(len(s.documents) for s in sites.values())} documents, "
          f"crawled in {seconds:.1f}s (delay {args.delay}s per origin)\n")
    print(f"{'family':8} {'coverage':>9} " + " ".join(f"{f:>12}" for f in FIELDS))
    totals: Counter = Counter()
    for family, site in sites.items():
        base = servers[family].base
        right: Counter = Counter()
        for path, expected in site.documents.items():
            row = rows.get(base + path)
            if row is None:
                continue
            right["kept"] += 1
            right.update(f for f in FIELDS if row[f] == expected[f])
        totals.update(right)
        totals["served"] += len(site.documents)
        print(f"{family:8} {right['kept']:4}/{len(site.documents):<4} " + " ".join(
            f"{right[f] / max(1, right['kept']):12.3f}" for f in FIELDS))
    print(f"{'all':8} {totals['kept'] / totals['served']:9.3f} " + " ".join(
        f"{totals[f] / max(1, totals['kept']):12.3f}" for f in FIELDS))
    walled_requests = len(servers["walled"].requests)
    print(f"\nsite that walls everything: {walled_requests} requests, then closed "
          f"({runs['walled']['walls']})")
    wall_asks = {family: sum(1 for p in servers[family].paths()
                             if p.startswith(("/search/", "/interface/", "/ysqgk/")))
                 for family in sites}
    print(f"requests to walled paths per site (3 walled scopes each): {wall_asks}")
    for server in servers.values():
        server.close()


if __name__ == "__main__":
    main()
