"""Crawl speed with pages opened in Chromium (render = "browser") against pages read as sent.

    .venv/bin/python bench/browser.py [--articles 200] [--delay 0]

The script-built portal of tests/script_site.py with `--articles` articles, crawled twice by
`gongkai.refresh.crawl` from its list page and every article's URL: once as sent ("html",
which finds the shells and nothing in them) and once in the browser. Reported per mode: wall
time, pages per second, documents with a body, and the peak RSS of the crawler and its
children (Chromium included) as proportional set size, sampled every 0.2 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.hostile import descendants  # noqa: E402
from tests import script_site  # noqa: E402
from tests.sites import FixtureServer, crawl_sources  # noqa: E402

HOST, TRACKER = "127.0.0.51", "127.0.0.52"


def run(site: FixtureServer, articles: int, render: str, delay: float) -> dict:
    starts = [site.base + "/list.html",
              *(f"{site.base}/detail.html?id={n}" for n in range(1, articles + 1))]
    source = {"name": "portal", "start_urls": starts, "allowed_domains": [HOST],
              "render": render}
    result: dict = {}
    peak = 0
    with tempfile.TemporaryDirectory() as data:
        def crawl():
            result["rows"], result["runs"] = crawl_sources(data, [source], delay=delay)

        started = time.monotonic()
        worker = threading.Thread(target=crawl, daemon=True)
        worker.start()
        while worker.is_alive():
            peak = max(peak, sum(pss(pid) for pid in descendants(os.getpid())))
            worker.join(0.2)
        seconds = time.monotonic() - started
    pages = result["runs"]["portal"]["pages"]
    bodies = sum(1 for r in result["rows"].values() if "detail.html" in r["url"] and r["body"])
    return {"mode": render, "seconds": seconds, "pages": pages, "pages_per_s": pages / seconds,
            "bodies": bodies, "peak_mb": peak / 2**20}


def pss(pid: int) -> int:
    """A process's proportional set size in bytes: Chromium's processes share much of their
    memory, and their RSS summed would count it once per process."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.0, help="crawl delay per origin")
    args = parser.parse_args()
    tracker = FixtureServer(script_site.tracker_routes(), TRACKER)
    site = FixtureServer(script_site.routes(tracker.base, args.articles), HOST)
    try:
        print("| mode | wall time | pages | pages/s | articles with a body | peak PSS |")
        print("|---|---|---|---|---|---|")
        for render in ("html", "browser"):
            r = run(site, args.articles, render, args.delay)
            print(f"| {r['mode']} | {r['seconds']:.1f} s | {r['pages']} | "
                  f"{r['pages_per_s']:.1f} | {r['bodies']} of {args.articles} | "
                  f"{r['peak_mb']:.0f} MB |", flush=True)
    finally:
        site.close()
        tracker.close()


if __name__ == "__main__":
    main()
