"""Where a search's time goes: the bench query set run under cProfile on an existing index.

    .venv/bin/python bench/search_profile.py --data-dir D --engine tantivy [--rounds 5]
                                             [--cache-entries 0] [--top 20]

Each of the bench's queries (bench/index_bench.py), alone and on page 2, is asked `--rounds`
times through `IndexReader.search` (what the web app calls, without HTTP), after one warm-up
round. Printed: the time per search, and the profile's functions by own time and by
cumulative time. `--cache-entries 0` (the default) counts every search afresh, as distinct
queries would; more lets repeated searches reuse their totals and facets (indexer/counts.py).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index_bench import QUERIES  # noqa: E402

from indexer.search import IndexReader, SearchRequest  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--engine", default="tantivy", choices=["whoosh", "tantivy"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cache-entries", type=int, default=0)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    reader = IndexReader(args.data_dir / "index", args.engine,
                         cache_entries=args.cache_entries)
    requests = [SearchRequest(q=q, page=page) for q in QUERIES for page in (1, 2)]
    for req in requests:  # warm: searcher, suggester, caches of the OS
        reader.search(req)
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.rounds):
        for req in requests:
            reader.search(req)
    profile.disable()
    seconds = time.perf_counter() - started
    count = args.rounds * len(requests)
    print(f"{args.engine}, {reader.doc_count()} documents, cache {args.cache_entries}: "
          f"{count} searches, {seconds / count * 1000:.1f} ms each (under the profiler)")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
        print(f"--- by {order}")
        print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


if __name__ == "__main__":
    main()
