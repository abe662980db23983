"""The relevance test set (tests/relevance/, written by bench/relevance_set.py), evaluated by
bench/relevance.py on Gongkai and on the stock jieba + Whoosh pipeline."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import relevance  # noqa: E402


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    docs, queries = relevance.load()
    work = tmp_path_factory.mktemp("relevance")
    return {"gongkai": relevance.evaluate(relevance.gongkai_engine(docs, work), queries),
            "stock": relevance.evaluate(relevance.stock_engine(docs, work), queries)}


def test_the_set_is_big_enough():
    docs, queries = relevance.load()
    assert len(docs) >= 300 and len(queries) >= 150
    kinds = {q["kind"] for q in queries}
    assert kinds == {"known_item", "topic", "phrase", "subword", "traditional", "typo", "pinyin",
                     "plain", "proximity"}


def test_targets_of_issue_4(results):
    ours = results["gongkai"]
    assert ours["phrase"]["phrase_p"] == 1.0 and ours["phrase"]["phrase_r"] == 1.0
    assert ours["known_item"]["mrr"] >= 0.9
    assert ours["traditional"]["mrr"] >= 0.9
    assert ours["typo"]["suggestion"] == 1.0 and ours["pinyin"]["suggestion"] == 1.0


def test_ahead_of_the_stock_pipeline_on_every_metric(results):
    ours, stock = results["gongkai"]["all"], results["stock"]["all"]
    for metric in ("mrr", "ndcg", "recall", "phrase_p", "phrase_r"):
        assert ours[metric] > stock[metric], metric


def test_never_behind_the_stock_pipeline_on_any_kind_of_query(results):
    for kind, ours in results["gongkai"].items():
        for metric in ("mrr", "ndcg", "recall"):
            assert ours[metric] >= results["stock"][kind][metric], (kind, metric)
    assert results["gongkai"]["proximity"]["mrr"] > results["stock"]["proximity"]["mrr"]
