import dataclasses
import re

import pytest

from indexer.analysis import normalize
from indexer.search import IndexReader, SearchError, SearchRequest
from tests.conftest import DOCS


@pytest.fixture
def reader(index_root, engine):
    return IndexReader(index_root, engine)


def run(reader, q="", **kw):
    return reader.search(SearchRequest(q=q, size=kw.pop("size", 100), **kw))


def urls(result):
    return {h.url for h in result.hits}


def test_words_are_anded(reader):
    assert urls(run(reader, "依申请公开 行政复议")) == {DOCS[0].url}
    assert run(reader, "依申请公开 不存在的词语组合").total == 0


def test_phrase_returns_exactly_the_documents_containing_it(reader):
    for phrase in ["中华人民共和国政府信息公开条例", "人民共和国", "主动公开", "信息公开", "公开信息",
                   "营商环境优化", "公务接待费12.5万元", "A&B 公司", "号", "署"]:
        expected = {d.url for d in DOCS if normalize(phrase) in normalize(f"{d.title}\n{d.body}")}
        got = urls(run(reader, f'"{phrase}"'))
        assert got == expected, phrase


def test_phrase_across_word_boundaries_that_words_alone_miss(reader):
    # "公开信息" spans two jieba words in "…及时。公开信息要…"; the n-gram path still finds it.
    assert urls(run(reader, '"公开信息要"')) == {DOCS[2].url}


def test_exclusion(reader):
    everything = run(reader, "")
    assert run(reader, "-预算").total == everything.total - 1
    assert DOCS[3].url not in urls(run(reader, '年度 -"部门预算"'))


def test_traditional_and_simplified_match_each_other(reader):
    assert DOCS[4].url in urls(run(reader, "信息公开"))
    assert DOCS[4].url in urls(run(reader, '"政府信息公開申請"'))
    assert urls(run(reader, "辦理")) == {DOCS[4].url}


def test_document_numbers_in_any_bracket_style_come_first(reader):
    for form in ["青政发〔2020〕12号", "青政发[2020]12号", "青政发（2020）12号"]:
        result = run(reader, form)
        assert result.hits[0].url == DOCS[2].url, form


def test_index_number_search(reader):
    assert run(reader, "11530000MB0002345Y/2023-00001").hits[0].url == DOCS[0].url


def test_title_matches_rank_above_body_matches(reader):
    hits = run(reader, "营商环境").hits
    assert hits[0].url == DOCS[2].url


def test_filters_and_facets(reader):
    result = run(reader, "", doc_type="annual_report")
    assert result.total == 3
    assert {f.value: f.count for f in result.facets["doc_type"]} == {"annual_report": 3}
    assert run(reader, "", publisher="云江省商务厅").total == 2
    assert run(reader, "", year=2023).total == 2
    import datetime as dt
    ranged = run(reader, "", date_from=dt.date(2020, 1, 1), date_to=dt.date(2022, 12, 31))
    assert urls(ranged) == {DOCS[1].url, DOCS[2].url}
    # dates far outside any engine's range are bounds, not errors (tantivy: 1677-2262)
    assert run(reader, "", date_from=dt.date(1, 1, 1)).total == len(DOCS)
    assert run(reader, "", date_to=dt.date(9999, 12, 31), date_from=dt.date(2023, 1, 1))\
        .total == 2
    assert run(reader, "", date_to=dt.date(1177, 10, 7)).total == 0
    facets = run(reader, "").facets
    # years read in order, newest first (2023 has the most documents, 2011 sorts first by name);
    # other facets most frequent first
    assert [(f.value, f.count) for f in facets["year"]] == [(2023, 2), (2022, 1), (2020, 1),
                                                             (2011, 1)]
    counts = [f.count for f in facets["publisher"]]
    assert counts == sorted(counts, reverse=True) and counts[0] == 2
    assert facets["publisher"][0].value == "云江省商务厅"


def test_browse_is_newest_first_and_date_sort(reader):
    dates = [h.pub_date for h in run(reader, "").hits]
    assert dates == sorted(dates, reverse=True)
    dates = [h.pub_date for h in run(reader, "公开", sort="date").hits]
    assert dates == sorted(dates, reverse=True)


def test_paging(reader):
    first = run(reader, "", size=2, page=1)
    second = run(reader, "", size=2, page=2)
    third = run(reader, "", size=2, page=3)
    assert first.total == len(DOCS) and first.pages == 3
    assert len(first.hits) == 2 and len(third.hits) == 1
    assert not urls(first) & urls(second)
    assert run(reader, "", size=2, page=50).hits == []


def test_snippets_are_escaped_and_marked(reader):
    hit = run(reader, "公务接待费").hits[0]
    assert "<mark>公务接待费</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "A&amp;B" in hit.snippet


def test_snippet_marks_whole_words(reader):
    snippet = run(reader, "公开").hits[0].snippet
    assert "<mark>公开</mark>" in snippet


@pytest.mark.parametrize("params,message", [
    ({"page": "-1"}, "page"), ({"page": "abc"}, "page"), ({"size": "100000"}, "size"),
    ({"size": "0"}, "size"), ({"from": "yesterday"}, "from"), ({"to": "2020-13-01"}, "to"),
    ({"sort": "random"}, "sort"), ({"type": "poem"}, "type"), ({"year": "二〇二〇"}, "year"),
    ({"q": "字" * 2000}, "too long"), ({"from": "2021-01-01", "to": "2020-01-01"}, "after"),
])
def test_bad_parameters_are_rejected_with_a_reason(params, message):
    with pytest.raises(SearchError, match=message):
        SearchRequest.from_params(params)


@pytest.mark.parametrize("q", ['"未闭合的引号', "---", "+++ ???", "！@#￥%", '"" -""', "a:b*c?"])
def test_odd_queries_are_read_leniently(reader, q):
    result = run(reader, q)
    assert result.total >= 0


def test_plain_language_synonyms(reader):
    # the budget writes “三公”经费 and 公务接待费, never 三公经费
    assert DOCS[3].url in urls(run(reader, "三公经费"))
    assert urls(run(reader, "年報")) == {d.url for d in DOCS if "年度报告" in d.title + d.body
                                         or "年度報告" in d.title}
    hit = run(reader, "三公经费").hits[0]
    assert "<mark>三公</mark>" in hit.snippet or "<mark>公务接待</mark>" in hit.snippet


def test_titles_are_highlighted_and_escaped(reader):
    hit = run(reader, "营商环境").hits[0]
    assert hit.title == DOCS[2].title
    assert "<mark>" in hit.title_html and hit.title_html.replace("<mark>", "").replace(
        "</mark>", "") == hit.title
    for hit in run(reader, '"年度报告"').hits:  # marked in the title's own script
        marked = re.findall(r"<mark>(.*?)</mark>", hit.title_html)
        assert [normalize(m) for m in marked] == ["年度报告"], hit.title_html


@pytest.mark.parametrize("q,suggestion", [
    ("营商坏境", "营商环境"),          # one character wrong
    ("营商还境", "营商环境"),          # a homophone typed by pinyin input
    ("yingshanghuanjing", "营商环境"),  # pinyin
    ("云江省商物厅", "云江省商务厅"),  # a publisher
    ("营商坏境 通知", "营商环境 通知"),  # only the unknown chunk changes
])
def test_did_you_mean(reader, q, suggestion):
    result = run(reader, q)
    assert result.suggestion == suggestion
    assert run(reader, suggestion).total > 0


@pytest.mark.parametrize("q", ["营商环境", "公开", "", '"营商坏境"', "完全无关的词语"])
def test_no_suggestion_for_good_or_uncorrectable_queries(reader, q):
    assert run(reader, q).suggestion is None


def test_long_documents_get_up_to_three_fragments(tmp_path, engine):
    from indexer.build import build_index
    from tests.conftest import fill_archive, make_doc

    body = "。".join(["无关的填充内容" * 200, "第一处行政复议", "无关的填充内容" * 200,
                     "第二处行政复议", "无关的填充内容" * 200, "第三处行政复议", "结尾"])
    archive = fill_archive(tmp_path / "a.sqlite3", [make_doc("http://x.gov.cn/l.html", "长文", body)])
    build_index(archive, tmp_path / "ix", engine=engine)
    snippet = IndexReader(tmp_path / "ix", engine).search(
        SearchRequest(q="行政复议")).hits[0].snippet
    assert snippet.count("<mark>行政复议</mark>") == 3 and snippet.count("…") >= 3


def test_recency_breaks_ties(tmp_path, engine):
    from indexer.build import build_index
    from tests.conftest import fill_archive, make_doc

    docs = [make_doc(f"http://x.gov.cn/{y}.html", "同样的标题", "同样的正文内容" + "。" * i,
                     pub_date=f"{y}-01-01") for i, y in enumerate([2021, 2023, 2020, 2022])]
    build_index(fill_archive(tmp_path / "a.sqlite3", docs), tmp_path / "ix", engine=engine)
    hits = IndexReader(tmp_path / "ix", engine).search(SearchRequest(q="正文")).hits
    assert len({h.score for h in hits}) == 1
    assert [h.pub_date for h in hits] == ["2023-01-01", "2022-01-01", "2021-01-01", "2020-01-01"]


def test_the_json_shape_is_the_result_as_data(reader):
    """to_dict is built by hand for speed: it must stay what dataclasses.asdict gives."""
    result = reader.search(SearchRequest(q="政府信息公开", size=3))
    assert result.hits and result.facets["publisher"]
    assert result.to_dict() == dataclasses.asdict(result)
    assert list(result.to_dict()) == list(dataclasses.asdict(result))
