"""The relevance test set (tests/relevance/, written by bench/relevance_set.py), evaluated by
bench/relevance.py on Gongkai (each search engine) and on the stock jieba + Whoosh pipeline."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import relevance  # noqa: E402

from indexer.engines import ENGINES  # noqa: E402


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    docs, queries = relevance.load()
    work = tmp_path_factory.mktemp("relevance")
    found = {engine: relevance.evaluate(relevance.gongkai_engine(docs, work, engine), queries)
             for engine in ENGINES}
    found["stock"] = relevance.evaluate(relevance.stock_engine(docs, work), queries)
    return found


def test_the_set_is_big_enough():
    docs, queries = relevance.load()
    assert len(docs) >= 300 and len(queries) >= 150
    kinds = {q["kind"] for q in queries}
    assert kinds == {"known_item", "topic", "phrase", "subword", "traditional", "typo", "pinyin",
                     "plain", "proximity"}


@pytest.mark.parametrize("engine", ENGINES)
def test_targets_of_issue_4(results, engine):
    ours = results[engine]
    assert ours["phrase"]["phrase_p"] == 1.0 and ours["phrase"]["phrase_r"] == 1.0
    assert ours["known_item"]["mrr"] >= 0.9
    assert ours["traditional"]["mrr"] >= 0.9
    assert ours["typo"]["suggestion"] == 1.0 and ours["pinyin"]["suggestion"] == 1.0


@pytest.mark.parametrize("engine", ENGINES)
def test_ahead_of_the_stock_pipeline_on_every_metric(results, engine):
    ours, stock = results[engine]["all"], results["stock"]["all"]
    for metric in ("mrr", "ndcg", "recall", "phrase_p", "phrase_r"):
        assert ours[metric] > stock[metric], metric


@pytest.mark.parametrize("engine", ENGINES)
def test_never_behind_the_stock_pipeline_on_any_kind_of_query(results, engine):
    for kind, ours in results[engine].items():
        for metric in ("mrr", "ndcg", "recall"):
            assert ours[metric] >= results["stock"][kind][metric], (kind, metric)
    assert results[engine]["proximity"]["mrr"] > results["stock"]["proximity"]["mrr"]


def test_tantivy_ranks_at_least_as_well_as_whoosh(results):
    for kind, whoosh in results["whoosh"].items():
        for metric, value in whoosh.items():
            assert results["tantivy"][kind][metric] >= value - 1e-9, (kind, metric)
