"""Indexing throughput, index size, memory and query latency: Gongkai on each search engine
and the stock jieba + Whoosh pipeline, on the same generated corpus in one run.

    .venv/bin/python bench/index_bench.py --docs 10000                        # all three
    .venv/bin/python bench/index_bench.py --docs 100000 --engines whoosh tantivy
    .venv/bin/python bench/index_bench.py --docs 1000000 --engines tantivy

The archive is filled once; each engine builds its index (`build_index`, full) and answers the
query set (with snippets, facets and exact totals) in a child process of its own, whose peak
RSS is reported. The stock pipeline is jieba's `ChineseAnalyzer` on title and body (stored)
with Whoosh's `MultifieldParser`. Results are printed and written to bench/out/index_bench.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import Archive, Document  # noqa: E402
from gongkai.samplesite.corpus import generate  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.search import IndexReader, SearchRequest  # noqa: E402

CITIES = ["青州", "白河", "临江", "安澜", "丰谷", "石门", "长宁", "云溪", "北塘", "南屏", "清源", "东陵"]
DEPTS = [("人民政府", "政"), ("发展和改革委员会", "发改"), ("教育局", "教"), ("生态环境局", "环"),
         ("人力资源和社会保障局", "人社"), ("市场监督管理局", "市监"), ("财政局", "财"),
         ("交通运输局", "交"), ("卫生健康委员会", "卫健"), ("住房和城乡建设局", "住建"),
         ("农业农村局", "农"), ("应急管理局", "应急")]
QUERIES = ["政府信息公开", "依申请公开 行政复议", "行政许可", "三公经费", "公务接待费",
           '"中华人民共和国政府信息公开条例"', '"予以公开"', "营商环境优化 通知", "年度报告 2019",
           "行政诉讼 结果纠正", '"危及“三安全一稳定”"', "规范性文件 -预算", "政务新媒体",
           "食品安全监管", "保密审查", "青州市教育局", "口岸通关便利化", '"公开指南"',
           "安全生产专项整治 责任分工", "行政事业性收费"]


def iter_corpus(n: int, merge: int = 1):
    """Yield n documents from many synthetic agencies; each body joins `merge` generated ones."""
    agencies = [(f"{c}市{d}", f"{c[0]}{s}", f"1153{i:04d}MB{i:06d}X", f"a{i}")
                for i, (c, (d, s)) in enumerate((c, d) for c in CITIES for d in DEPTS)]
    samples: list = []
    seed = i = 0
    while i < n:
        if len(samples) < merge:
            samples += generate(seed=seed, agencies=agencies)
            seed += 1
            continue
        group, samples = samples[:merge], samples[merge:]
        first = group[0]
        body = "\n".join(s.body_text() for s in group)
        yield Document(url=f"http://{first.slug}.example.gov.cn/{i}.html", source="bench",
                       site="example.gov.cn", title=first.title, body=body,
                       publisher=first.publisher, pub_date=first.pub_date.isoformat(),
                       doc_type=first.doc_type, doc_number=first.doc_number,
                       index_number=f"{first.index_number}-{i}")  # unique: no duplicates
        i += 1


def corpus(n: int, merge: int = 1) -> list[Document]:
    """The first n documents of `iter_corpus`, as a list."""
    return list(iter_corpus(n, merge))


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build(archive: Path, root: Path, engine: str) -> dict:
    """Child process: a full build; its time, size and peak RSS."""
    started = time.perf_counter()
    report = build_index(archive, root, full=True, engine=engine)
    return {"index_seconds": time.perf_counter() - started, "documents": report.documents,
            "index_bytes": dir_size(root), "index_peak_mb": _peak_mb()}


def _query(root: Path, engine: str, repeat: int) -> dict:
    """Child process: the query set with snippets, facets and exact totals; latency and RSS."""
    reader = IndexReader(root, engine)
    reader.search(SearchRequest(q="预热"))
    samples = []
    for _ in range(repeat):
        for q in QUERIES:
            t = time.perf_counter()
            reader.search(SearchRequest(q=q, size=10))
            samples.append((time.perf_counter() - t) * 1000)
    return {"query_ms": percentiles(samples), "serve_peak_mb": _peak_mb()}


def _run(conn, function, args) -> None:
    conn.send(function(*args))
    conn.close()


def _in_child(function, *args):
    """Run function(*args) in a fresh (non-daemonic: it may fork writers) process."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_run, args=(child, function, args))
    process.start()
    result = parent.recv()
    process.join()
    return result


def bench_gongkai(archive: Path, work: Path, engine: str, repeat: int, expected: int) -> dict:
    root = work / f"index-{engine}"
    result = _in_child(_build, archive, root, engine)
    if result["documents"] != expected:
        raise SystemExit(f"{engine} indexed {result['documents']} of {expected} documents")
    result.update(_in_child(_query, root, engine, repeat))
    shutil.rmtree(root, ignore_errors=True)
    return result


def bench_stock(docs: list[Document], work: Path, repeat: int) -> dict:
    import warnings

    warnings.filterwarnings("ignore")
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index
    from whoosh.qparser import MultifieldParser

    analyzer = ChineseAnalyzer()
    schema = fields.Schema(url=fields.ID(stored=True, unique=True),
                           title=fields.TEXT(stored=True, analyzer=analyzer),
                           body=fields.TEXT(stored=True, analyzer=analyzer))
    path = work / "stock"
    path.mkdir()
    ix = index.create_in(path, schema)
    started = time.perf_counter()
    writer = ix.writer(limitmb=256)
    for doc in docs:
        writer.add_document(url=doc.url, title=doc.title, body=doc.body)
    writer.commit()
    seconds = time.perf_counter() - started
    parser = MultifieldParser(["title", "body"], schema)
    plain, highlighted = [], []
    with ix.searcher() as searcher:
        for _ in range(repeat):
            for q in QUERIES:
                t = time.perf_counter()
                results = searcher.search(parser.parse(q), limit=10)
                len(results)
                plain.append((time.perf_counter() - t) * 1000)
                for hit in results:
                    hit.highlights("body")
                highlighted.append((time.perf_counter() - t) * 1000)
    return {"index_seconds": seconds, "index_bytes": dir_size(path),
            "query_ms": percentiles(plain), "query_with_snippets_ms": percentiles(highlighted)}


def fill_archive(path: Path, n: int, merge: int) -> float:
    """Write the corpus into an archive; return its size in MB of UTF-8 text."""
    text = 0
    with Archive(path) as archive:
        for doc in iter_corpus(n, merge):
            archive.upsert(doc)
            text += len((doc.title + doc.body).encode())
    return text / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="corpus size")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the query set")
    parser.add_argument("--merge", type=int, default=5,
                        help="generated bodies per document (5 gives about 7 KB of UTF-8 text)")
    parser.add_argument("--engines", nargs="+", default=["whoosh", "tantivy", "stock"],
                        choices=["whoosh", "tantivy", "stock"], help="what to measure")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    rows = {}
    try:
        started = time.perf_counter()
        text_mb = fill_archive(work / "archive.sqlite3", args.docs, args.merge)
        print(f"archive of {args.docs} documents written in {time.perf_counter() - started:.0f}s",
              flush=True)
        for engine in args.engines:
            if engine == "stock":
                rows[engine] = bench_stock(corpus(args.docs, args.merge), work, args.repeat)
            else:
                rows[engine] = bench_gongkai(work / "archive.sqlite3", work, engine,
                                             args.repeat, args.docs)
            print(f"{engine}: {rows[engine]}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.docs} documents, {text_mb:.1f} MB of UTF-8 text, "
          f"{len(QUERIES)} queries x {args.repeat}")
    print(f"{'pipeline':10} {'docs/s':>8} {'MB/s':>6} {'size/text':>9} {'index RSS':>10} "
          f"{'serve RSS':>10} {'p50 ms':>7} {'p95 ms':>7}")
    for name, r in rows.items():
        p50, p95 = r.get("query_with_snippets_ms", r["query_ms"])
        print(f"{name:10} {args.docs / r['index_seconds']:8.1f} "
              f"{text_mb / r['index_seconds']:6.2f} {r['index_bytes'] / 1e6 / text_mb:9.2f} "
              f"{r.get('index_peak_mb', 0):8.0f}MB {r.get('serve_peak_mb', 0):8.0f}MB "
              f"{p50:7.1f} {p95:7.1f}")
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "index_bench.json").write_text(json.dumps(
        {"docs": args.docs, "text_mb": text_mb, "results": rows}, indent=1))


if __name__ == "__main__":
    main()
