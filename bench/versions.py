"""What keeping versions costs: archive growth per re-crawl when a share of documents change.

    .venv/bin/python bench/versions.py [--docs 100000] [--changed 0.01] [--archive PATH]
                                       [--engine tantivy|whoosh]

An archive of `--docs` notices (about 1,200 characters each, from the sample generator's
vocabulary, a tenth of them with kept bytes of 30 KB as scans and reports have) is written,
then re-crawled as the archive sees it: every document upserted again, a `--changed` share
of them with one paragraph edited (and, for those with kept bytes, new bytes). Reported: the
archive's size before and after (SQLite file, after a checkpoint; or the PostgreSQL tables),
bytes added per changed document, and the time the re-crawl's upserts took.

Then a share of documents is withdrawn, the archive indexed (`--engine`), and the web app
asked, through Flask's test client, what a poller and a feed reader ask: /api/changes from the
start and at the end of the cursor, /changes.atom, and /search.atom for a common and a rare
word; reported: the median and the slowest of 20 answers each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import Archive, Document  # noqa: E402

WORDS = ("政府信息公开", "依申请公开", "行政复议", "年度报告", "主动公开", "办事指南", "防汛",
         "民生实事", "财政预算", "决算", "行政许可", "统计数据", "政策解读", "征求意见",
         "安全生产", "生态环境", "乡村振兴", "营商环境", "招生入学", "医疗保障")


def notice(rng: random.Random, n: int, edit: int = 0) -> Document:
    paragraphs = ["".join(rng.choice(WORDS) + "工作，" for _ in range(18)) + "特此通知。"
                  for _ in range(4)]
    if edit:
        paragraphs[1] = f"（第{edit}次修改）" + paragraphs[1]
    raw = rng.randbytes(30_000) if n % 10 == 0 else b""
    return Document(url=f"http://bench.example.gov.cn/art/{n}.html", source="bench",
                    site="bench.example.gov.cn", title=f"关于{rng.choice(WORDS)}的通知（{n}）",
                    body="\n".join(paragraphs), publisher="示例市人民政府办公室",
                    pub_date="2024-05-06", doc_number=f"示政发〔2024〕{n}号",
                    raw=raw, raw_type="application/pdf" if raw else "")


def size(archive: Archive) -> int:
    if archive.db.__class__.__name__ == "SQLite":
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return archive.size_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--changed", type=float, default=0.01, help="share that changes")
    parser.add_argument("--archive", default="", help="an empty archive (default: SQLite in "
                                                      "a temporary directory)")
    parser.add_argument("--engine", default="tantivy", choices=("tantivy", "whoosh"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        target = args.archive or str(Path(tmp) / "archive.sqlite3")
        with Archive(target) as archive:
            started = time.monotonic()
            for n in range(args.docs):
                archive.upsert(notice(random.Random(n), n))
            written = time.monotonic() - started
            before = size(archive)
            changed = set(random.Random(0).sample(range(args.docs),
                                                  int(args.docs * args.changed)))
            started = time.monotonic()
            outcomes: dict[str, int] = {}
            for n in range(args.docs):
                rng = random.Random(n)
                doc = notice(rng, n, edit=1 if n in changed else 0)
                if n in changed and doc.raw:
                    doc.raw = random.Random(-n).randbytes(30_000)
                outcome = archive.upsert(doc)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            recrawl = time.monotonic() - started
            after = size(archive)
            versions = archive.db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
            for n in random.Random(1).sample(range(args.docs), args.docs // 1000):
                archive.mark_gone(notice(random.Random(n), n).url)
            last = archive.max_seq()
        answers = serve(target, Path(tmp) / "index", args.engine, last)
    print(f"documents: {args.docs}, written in {written:.1f}s; re-crawl: {outcomes} "
          f"in {recrawl:.1f}s ({args.docs / recrawl:.0f} upserts/s)")
    print(f"archive: {before / 1e6:.1f} MB before, {after / 1e6:.1f} MB after the re-crawl; "
          f"{versions} versions kept, {(after - before) / max(1, len(changed)):,.0f} bytes "
          f"per changed document")
    for path, (median, slowest, size_) in answers.items():
        print(f"{path}: median {median:.1f} ms, slowest {slowest:.1f} ms ({size_:,} bytes)")


def serve(target: str, root: Path, engine: str, last: int) -> dict:
    """Index the archive; time 20 answers to each of what pollers and feed readers ask."""
    from indexer.build import build_index
    from search_web import create_app

    started = time.monotonic()
    build_index(target, root, engine=engine)
    print(f"indexed with {engine} in {time.monotonic() - started:.0f}s")
    client = create_app({"INDEX_ROOT": str(root), "INDEX_ENGINE": engine,
                         "ARCHIVE": target}).test_client()
    found = {}
    for path in ("/api/changes?since=0&size=100", f"/api/changes?since={last - 100}",
                 "/changes.atom", "/search.atom?q=防汛", "/search.atom?q=关于民生实事的通知"):
        times, size_ = [], 0
        for _ in range(20):
            began = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - began) * 1000)
            assert answer.status_code == 200, (path, answer.status_code)
            size_ = len(answer.data)
        found[path] = (statistics.median(times), max(times), size_)
    return found


if __name__ == "__main__":
    main()
