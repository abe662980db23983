import pytest

from indexer import query
from indexer.engines.base import Everything, Phrase, Term, Without, phrases


def terms(node) -> set:
    """Every (field, text) Term of a query tree."""
    if isinstance(node, Term):
        return {(node.field, node.text)}
    children = getattr(node, "children", None) or [
        getattr(node, n) for n in ("required", "optional", "positive", "negative")
        if hasattr(node, n)]
    return set().union(*(terms(c) for c in children)) if children else set()


def test_words_phrases_and_exclusions():
    parsed = query.parse('行政复议 "政府信息公开条例" -预算 -"公务接待"')
    assert parsed.words == ["行政复议"]
    assert parsed.phrases == ["政府信息公开条例"]
    assert parsed.excluded == ["预算"]
    assert parsed.excluded_phrases == ["公务接待"]


def test_chinese_quotes_count_as_quotes():
    assert query.parse("“信息公开”").phrases == ["信息公开"]


def test_unbalanced_quote_is_read_as_plain_text():
    parsed = query.parse('"政府 信息')
    assert parsed.phrases == []
    assert parsed.words == ["政府", "信息"]


@pytest.mark.parametrize("text", ["", "   ", "-", '""', "，。！？", "- - -", '"，"'])
def test_empty_and_punctuation_only_queries_browse(text):
    parsed = query.parse(text)
    assert parsed.empty
    assert isinstance(query.plan(parsed), Everything)


def test_only_exclusions_search_everything_else():
    tree = query.plan(query.parse("-预算"))
    assert isinstance(tree, Without) and isinstance(tree.positive, Everything)


def test_too_long_query_is_an_error():
    with pytest.raises(query.QueryError):
        query.parse("政" * (query.MAX_QUERY_CHARS + 1))


def test_document_number_query_also_searches_id_fields():
    tree = query.plan(query.parse("国办发[2019]60号"))
    assert ("doc_number", "国办发〔2019〕60号") in terms(tree)


def test_phrases_to_keep_and_to_exclude():
    tree = query.plan(query.parse('"信息公开" -"预算" 条例'))
    assert list(phrases(tree)) == [("信息公开", False), ("预算", True)]
    assert isinstance(tree.negative.children[0], Phrase)


def test_synonym_table_is_read_and_normalized():
    from indexer import synonyms

    assert "年度报告" in synonyms.alternatives("年报")
    assert synonyms.alternatives("年報") == synonyms.alternatives("年报")
    assert synonyms.alternatives("没有同义词的词") == []
    assert ("body", "公务接待") in terms(query.plan(query.parse("三公经费")))
