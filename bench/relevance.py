"""Relevance of Gongkai (on each search engine) vs the stock jieba + Whoosh pipeline on
tests/relevance/.

    .venv/bin/python bench/relevance.py

All index the same documents; every query runs on each. Metrics per query kind and overall:
MRR@10 (rank of the first best-graded document), nDCG@10 (gain 2^grade - 1), recall@100,
and for quoted phrases precision and recall over the whole result set. Typo and pinyin queries
are also judged by the suggestion (the stock pipeline has none). `evaluate` is also run by
tests/test_relevance.py.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import Archive, Document  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.engines import ENGINES  # noqa: E402
from indexer.search import IndexReader, SearchRequest  # noqa: E402

SET = Path(__file__).resolve().parent.parent / "tests" / "relevance"


def load() -> tuple[list[dict], list[dict]]:
    """Return the documents and the queries of the test set."""
    def read(name):
        with open(SET / name, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh]
    return read("documents.jsonl"), read("queries.jsonl")


def gongkai_engine(docs: list[dict], work: Path, engine: str = "whoosh"):
    """Index the documents through the archive, as a crawl would, with a search engine;
    return a search function."""
    archive_path = work / "archive.sqlite3"
    if not archive_path.exists():
        with Archive(archive_path) as archive:
            for d in docs:
                fields = {k: v for k, v in d.items() if k != "id"}
                archive.upsert(Document(source="relevance", site="example.gov.cn", **fields))
    report = build_index(archive_path, work / f"index-{engine}", full=True, engine=engine)
    if report.documents != len(docs):
        raise SystemExit(f"indexed {report.documents} of {len(docs)} documents: duplicates?")
    reader = IndexReader(work / f"index-{engine}", engine)
    ids = {d["url"]: d["id"] for d in docs}

    def search(q: str, limit: int) -> tuple[list[str], str | None]:
        found, suggestion, page = [], None, 1
        while len(found) < limit:
            result = reader.search(SearchRequest(q=q, size=100, page=page))
            suggestion = suggestion or result.suggestion
            found += [ids[h.url] for h in result.hits]
            if page * 100 >= result.total:
                break
            page += 1
        return found[:limit], suggestion

    return search


def stock_engine(docs: list[dict], work: Path):
    """jieba's ChineseAnalyzer on title and body, Whoosh's MultifieldParser."""
    import warnings

    warnings.filterwarnings("ignore")
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index
    from whoosh.qparser import MultifieldParser

    analyzer = ChineseAnalyzer()
    schema = fields.Schema(id=fields.ID(stored=True), title=fields.TEXT(analyzer=analyzer),
                           body=fields.TEXT(analyzer=analyzer))
    (work / "stock").mkdir()
    ix = index.create_in(work / "stock", schema)
    with ix.writer() as writer:
        for d in docs:
            writer.add_document(id=d["id"], title=d["title"], body=d["body"])
    parser = MultifieldParser(["title", "body"], schema)
    searcher = ix.searcher()

    def search(q: str, limit: int) -> tuple[list[str], str | None]:
        try:
            return [hit["id"] for hit in searcher.search(parser.parse(q), limit=limit)], None
        except Exception:  # the stock parser raises on some inputs: count as no results
            return [], None

    return search


def _dcg(gains: list[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def score_query(query: dict, found: list[str]) -> dict:
    """Return the metrics of one query's ranked results."""
    grades = query["grades"]
    best = max(grades.values())
    rank = next((i + 1 for i, d in enumerate(found[:10]) if grades.get(d, 0) == best), None)
    ideal = _dcg(sorted((2 ** g - 1 for g in grades.values()), reverse=True)[:10])
    metrics = {"mrr": 1 / rank if rank else 0.0,
               "ndcg": _dcg([2 ** grades.get(d, 0) - 1 for d in found[:10]]) / ideal,
               "recall": len(set(found[:100]) & set(grades)) / len(grades)}
    if query["kind"] == "phrase":
        hits = set(found) & set(grades)
        metrics["phrase_p"] = len(hits) / len(found) if found else 0.0
        metrics["phrase_r"] = len(hits) / len(grades)
    return metrics


def evaluate(search, queries: list[dict]) -> dict[str, dict[str, float]]:
    """Run every query; return {kind: {metric: mean}} plus 'all'."""
    per_kind: dict[str, list[dict]] = defaultdict(list)
    for query in queries:
        limit = 10_000 if query["kind"] == "phrase" else 100
        found, suggestion = search(query["q"], limit)
        metrics = score_query(query, found)
        if "expect_suggestion" in query:
            metrics["suggestion"] = float(suggestion == query["expect_suggestion"])
        per_kind[query["kind"]].append(metrics)
        per_kind["all"].append(metrics)
    return {kind: {m: sum(r[m] for r in rows if m in r) / sum(1 for r in rows if m in r)
                   for m in sorted({m for r in rows for m in r})}
            for kind, rows in per_kind.items()}


def main() -> None:
    docs, queries = load()
    work = Path(tempfile.mkdtemp(prefix="gongkai-relevance-"))
    results = {name: evaluate(gongkai_engine(docs, work, name), queries) for name in ENGINES}
    results["stock"] = evaluate(stock_engine(docs, work), queries)
    print(f"{len(docs)} documents, {len(queries)} queries")
    metrics = ["mrr", "ndcg", "recall", "phrase_p", "phrase_r", "suggestion"]
    print(f"{'kind':12} {'engine':8} " + " ".join(f"{m:>10}" for m in metrics))
    for kind in sorted(results["whoosh"], key=lambda k: (k == "all", k)):
        for engine in results:
            row = results[engine].get(kind, {})
            cells = " ".join(f"{row[m]:10.3f}" if m in row else f"{'':10}" for m in metrics)
            print(f"{kind:12} {engine:8} {cells}")


if __name__ == "__main__":
    main()
