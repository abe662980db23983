import pytest
from whoosh import query as wq

from indexer import query


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
    assert isinstance(query.to_whoosh(parsed), wq.Every)


def test_only_exclusions_search_everything_else():
    q = query.to_whoosh(query.parse("-预算"))
    assert isinstance(q, wq.AndNot)


def test_too_long_query_is_an_error():
    with pytest.raises(query.QueryError):
        query.parse("政" * (query.MAX_QUERY_CHARS + 1))


def test_document_number_query_also_searches_id_fields():
    q = query.to_whoosh(query.parse("国办发[2019]60号"))
    assert ("doc_number", "国办发〔2019〕60号") in set(q.iter_all_terms())


def test_phrase_verification_rules():
    parsed = query.parse('"信息公开" -"预算"')
    assert parsed.needs_verification()
    accepts = parsed.acceptor()
    assert accepts("政府信息公开条例".encode())
    assert not accepts("信息公开 预算".encode())
    assert not query.parse('"公开"').needs_verification()


def test_synonym_table_is_read_and_normalized():
    from indexer import synonyms

    assert "年度报告" in synonyms.alternatives("年报")
    assert synonyms.alternatives("年報") == synonyms.alternatives("年报")
    assert synonyms.alternatives("没有同义词的词") == []
    q = query.to_whoosh(query.parse("三公经费"))
    assert ("body", "公务接待") in set(q.iter_all_terms())
