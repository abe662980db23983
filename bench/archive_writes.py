"""Archive writes per second on SQLite and on PostgreSQL, from one writer and from several.

    .venv/bin/python bench/archive_writes.py --docs 5000 [--writers 1 4] \\
        [--postgres postgresql://postgres@127.0.0.1:5432/test]

Each writer process upserts its share of the bench corpus (bench/index_bench.py, about 7 KB of
text per document) as the crawler does: one transaction per document, duplicate check
included. Every run writes into a new, empty archive (a file, or a new PostgreSQL schema).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index_bench import iter_corpus  # noqa: E402

from archive import Archive  # noqa: E402
from tests.services import scratch_schema  # noqa: E402


def write(target: str, docs: int, writer: int, writers: int, barrier, times) -> None:
    mine = [doc for i, doc in enumerate(iter_corpus(docs, 5)) if i % writers == writer]
    with Archive(target) as archive:
        barrier.wait()  # the corpus is generated before the clock starts
        started = time.time()
        for doc in mine:
            archive.upsert(doc)
        times.put((started, time.time()))


def run(target: str, docs: int, writers: int) -> tuple[float, float]:
    """Documents per second of `writers` processes writing `docs` documents together, and
    the archive's size over the documents' text."""
    Archive(target).close()
    context = multiprocessing.get_context("spawn")
    barrier, times = context.Barrier(writers), context.Queue()
    procs = [context.Process(target=write, args=(target, docs, w, writers, barrier, times))
             for w in range(writers)]
    for proc in procs:
        proc.start()
    spans = [times.get() for _ in procs]
    for proc in procs:
        proc.join()
        if proc.exitcode:
            raise SystemExit(f"a writer failed (exit code {proc.exitcode})")
    seconds = max(end for _, end in spans) - min(start for start, _ in spans)
    with Archive(target) as archive:
        assert archive.count() == docs and archive.max_seq() == docs
        size = archive.size_bytes()
    text = sum(len((d.title + d.body).encode()) for d in iter_corpus(docs, 5))
    return docs / seconds, size / text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    for writers in args.writers:
        with tempfile.TemporaryDirectory() as tmp:
            rate, size = run(str(Path(tmp) / "archive.sqlite3"), args.docs, writers)
        print(f"SQLite, {writers} writer(s): {rate:.0f} documents/s; size {size:.2f}× the text",
              flush=True)
        with scratch_schema(args.postgres, prefix="bench_") as url:
            rate, size = run(url, args.docs, writers)
        print(f"PostgreSQL, {writers} writer(s): {rate:.0f} documents/s; size {size:.2f}× "
              "the text", flush=True)


if __name__ == "__main__":
    main()
