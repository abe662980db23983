import pickle

from indexer import analysis
from indexer.engines.whoosh_schema import build_schema


def terms_at(tokens, pos):
    return {t for t, p, _, _ in tokens if p == pos}


def test_positions_are_ordinal_and_subwords_share_the_parent_position():
    tokens = analysis.word_tokens("中华人民共和国政府信息公开条例")
    assert [p for _, p, _, _ in tokens] == sorted(p for _, p, _, _ in tokens)
    assert max(p for _, p, _, _ in tokens) == 2  # three precise words
    assert {"中华人民共和国", "人民共和国", "共和国", "人民"} <= terms_at(tokens, 0)
    assert {"政府信息公开", "政府", "信息", "公开"} <= terms_at(tokens, 1)
    assert terms_at(tokens, 2) == {"条例"}


def test_offsets_point_into_the_original_text():
    text = "各單位：信息公開　ＡＢＣ１２３ 第3条"
    for term, _, start, end in analysis.word_tokens(text):
        assert analysis.normalize(text[start:end]) == term


def test_normalization_is_length_preserving_and_simplifies():
    text = "信息公開　ＡＢＣ１２３，條例"
    norm = analysis.normalize(text)
    assert len(norm) == len(text)
    assert norm == "信息公开 abc123,条例"


def test_digits_and_single_letters_are_kept():
    terms = [t for t, *_ in analysis.word_tokens("粤府办〔2023〕5号 第3条 a b")]
    assert "2023" in terms and "5" in terms and "3" in terms
    assert "a" in terms and "b" in terms
    assert "〔" not in terms


def test_query_words_use_precise_mode_and_normalize():
    assert analysis.query_words("中华人民共和国") == ["中华人民共和国"]
    assert analysis.query_words("信息公開") == analysis.query_words("信息公开")
    assert analysis.query_words("，。！") == []


def test_ngrams_and_phrase_ngrams():
    grams = analysis.ngrams("政府信息 公开")
    assert {"政", "政府", "府信", "信息", "公开"} <= grams
    assert "息 " not in grams and " 公" not in grams
    assert analysis.phrase_ngrams("信息公開") == ["信息", "公开", "息公"]
    assert analysis.phrase_ngrams("号") == ["号"]


def test_document_numbers_normalize_across_bracket_styles():
    forms = ["国办发〔2019〕60号", "国办发[2019]60号", "国办发（2019）60号", "国办发 (2019) 60 号",
             "国办发［２０１９］６０号"]
    assert len({analysis.normalize_id(f) for f in forms}) == 1


def test_fast_index_terms_are_the_word_tokens():
    text = "中华人民共和国政府信息公开条例规定，ＡＢＣ１２３"
    assert analysis.index_terms(text) == [t for t, *_ in analysis.word_tokens(text)]
    assert analysis.term_spans("信息公开条例", ["条例", "信息"]) == [(0, 2), (4, 6)]


def test_whoosh_schema_and_analyzers_pickle():
    schema = pickle.loads(pickle.dumps(build_schema()))
    assert set(schema.names()) >= {"title", "body", "exact", "doc_number", "pub_date"}
    analyzer = schema["body"].analyzer
    texts = [(t.text, t.pos, t.startchar) for t in analyzer("信息公开条例", positions=True, chars=True)]
    assert texts[0] == ("信息公开", 0, 0)
    assert ("条例", 1, 4) in texts
