import re

import pytest

from archive import Archive
from indexer.build import build_index
from search_web import create_app
from tests.conftest import DOCS, make_doc

HIT_KEYS = {"id", "url", "title", "publisher", "pub_date", "doc_type", "report_year", "score",
            "snippet", "title_html", "status", "withdrawn", "changed"}


def test_api_search_shape(client):
    data = client.get("/api/search?q=政府信息公开&size=2").get_json()
    assert set(data) == {"query", "total", "total_relation", "page", "size", "took_ms", "hits",
                         "facets", "facets_relation", "suggestion", "related", "results_for"}
    assert data["total_relation"] == data["facets_relation"] == "eq"
    assert (data["query"], data["page"], data["size"]) == ("政府信息公开", 1, 2)
    assert data["total"] >= 2 and len(data["hits"]) == 2
    assert all(set(hit) == HIT_KEYS for hit in data["hits"])
    assert set(data["facets"]) == {"publisher", "year", "doc_type"}
    assert all(set(v) == {"value", "count"} for f in data["facets"].values() for v in f)
    assert "<mark>" in data["hits"][0]["snippet"]


def test_api_filters(client):
    data = client.get("/api/search?q=&type=annual_report&year=2022&publisher=云江省教育厅").get_json()
    assert [h["url"] for h in data["hits"]] == [DOCS[1].url]


@pytest.mark.parametrize("query", [
    "page=-1", "page=0", "size=100000", "from=yesterday", "to=2020-02-30", "sort=best",
    "type=x", "year=abc", "q=" + "长" * 2000, "page=1e3",
])
def test_api_bad_parameters_give_400_json(client, query):
    response = client.get("/api/search?" + query)
    assert response.status_code == 400
    data = response.get_json()
    assert data["ok"] is False and data["status"] == 400 and data["error"]


@pytest.mark.parametrize("q", ['"unbalanced', "- -", "？？？", "()[]{}", "*:*", "title:x", "AND OR"])
def test_api_odd_queries_are_not_errors(client, q):
    assert client.get("/api/search", query_string={"q": q}).status_code == 200


def test_api_doc_and_not_found(client):
    hit = client.get("/api/search?q=营商环境").get_json()["hits"][0]
    doc = client.get(f"/api/doc/{hit['id']}").get_json()
    assert doc["title"] == hit["title"] and doc["doc_number"] == "青政发〔2020〕12号"
    assert "营商环境优化" in doc["body"]
    missing = client.get("/api/doc/nope")
    assert missing.status_code == 404
    assert missing.get_json() == {"ok": False, "error": "no document with id 'nope'", "status": 404}
    unknown = client.get("/api/nothing")
    assert unknown.status_code == 404 and unknown.get_json()["ok"] is False


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"ok": True, "documents": len(DOCS)}


def test_no_index_is_a_503_not_a_500(tmp_path):
    client = create_app({"INDEX_ROOT": str(tmp_path / "none")}).test_client()
    response = client.get("/api/search?q=公开")
    assert response.status_code == 503 and response.get_json()["status"] == 503
    assert client.get("/").status_code == 503


def test_html_pages(client):
    home = client.get("/").get_data(as_text=True)
    assert "政府信息公开检索" in home and f"共收录 {len(DOCS)} 份文件" in home
    page = client.get("/search?q=公务接待费").get_data(as_text=True)
    assert "<mark>公务接待费</mark>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'data-facet="publisher"' in page


def test_html_and_json_agree(client):
    for q in ("政府信息公开", '"人民共和国"', "年度报告 -预算"):
        data = client.get("/api/search", query_string={"q": q}).get_json()
        page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
        total = re.search(r'class="total">(\d+)<', page).group(1)
        assert int(total) == data["total"], q
        for hit in data["hits"]:
            assert f'/doc/{hit["id"]}' in page


def test_html_bad_parameter_is_a_400_page(client):
    response = client.get("/search?page=-1")
    assert response.status_code == 400
    assert "检索参数有误" in response.get_data(as_text=True)


def test_doc_page(client):
    hit = client.get("/api/search?q=营商环境").get_json()["hits"][0]
    page = client.get(f"/doc/{hit['id']}").get_data(as_text=True)
    assert hit["title"] in page and "青政发〔2020〕12号" in page
    assert client.get("/doc/none").status_code == 404


def test_app_picks_up_a_new_index_without_restart(client, archive_path, index_root, engine):
    assert client.get("/api/search?q=湿地保护").get_json()["total"] == 0
    with Archive(archive_path) as archive:
        archive.upsert(make_doc("http://example.gov.cn/w.html", "湿地保护条例解读", "湿地保护"))
    build_index(archive_path, index_root, engine=engine)
    assert client.get("/api/search?q=湿地保护").get_json()["total"] == 1
    assert client.get("/api/search?q=湿地保扩").get_json()["suggestion"] == "湿地保护"
    build_index(archive_path, index_root, full=True, engine=engine)
    assert client.get("/api/search?q=湿地保护").get_json()["total"] == 1
    assert client.get("/healthz").get_json()["documents"] == len(DOCS) + 1


def test_a_query_that_finds_nothing_shows_its_suggestions_hits(client):
    data = client.get("/api/search?q=营商坏境").get_json()
    assert (data["query"], data["results_for"], data["suggestion"]) == ("营商坏境", "营商环境",
                                                                        "营商环境")
    assert data["total"] == 1 and "营商环境" in data["hits"][0]["title"]
    assert "<mark>营商环境</mark>" in data["hits"][0]["title_html"]
    as_typed = client.get("/api/search?q=营商坏境&as_typed=1").get_json()
    assert (as_typed["total"], as_typed["results_for"], as_typed["suggestion"]) == (
        0, "营商坏境", "营商环境")
    pinyin = client.get("/api/search?q=yingshang huanjing").get_json()
    assert pinyin["results_for"] == "营商 环境" and pinyin["total"] == 1
    found = client.get("/api/search?q=营商环境").get_json()
    assert (found["results_for"], found["suggestion"]) == ("营商环境", None)
    assert client.get("/api/search?q=营商坏境&as_typed=maybe").status_code == 400

    page = client.get("/search?q=营商坏境").get_data(as_text=True)
    assert "已显示“<a" in page and ">营商环境</a>”的结果。仍然搜索：" in page
    assert "q=%E8%90%A5%E5%95%86%E5%9D%8F%E5%A2%83&amp;as_typed=1" in page
    assert page.count('class="hit"') == 1 and "您是不是要找" not in page
    page = client.get("/search?q=营商坏境&as_typed=1").get_data(as_text=True)
    assert "您是不是要找" in page and "已显示" not in page and 'class="hit"' not in page


def test_a_replaced_query_is_logged_as_finding_nothing(client):
    client.get("/api/search?q=营商坏境")
    log = client.application.extensions["gongkai.querylog"]
    rows = log.db.execute("SELECT found FROM queries WHERE query = '营商坏境'").fetchall()
    assert [tuple(r) for r in rows] == [(0,)]
    assert "营商坏境" not in log.hot()


def test_related_searches(client):
    data = client.get("/api/search?q=年度报告").get_json()
    assert data["related"] and all(len(w) > 1 for w in data["related"])
    assert "年度报告" not in data["related"]
    page = client.get("/search?q=年度报告").get_data(as_text=True)
    assert "相关搜索" in page and data["related"][0] in page
    assert client.get("/api/search?q=年度报告&page=2").get_json()["related"] == []


def test_completions(client):
    data = client.get("/api/complete?q=云江").get_json()
    assert data["query"] == "云江" and "云江省商务厅" in data["completions"]
    assert all(c.startswith("云江") for c in data["completions"])
    assert "营商环境" in client.get("/api/complete?q=yingshang").get_json()["completions"]
    assert client.get("/api/complete?q=").get_json()["completions"] == []
    too_long = client.get("/api/complete?q=" + "长" * 51)
    assert too_long.status_code == 400 and too_long.get_json()["ok"] is False


def test_query_log_feeds_hot_searches_and_keeps_no_personal_data(client, app):
    for q in ["营商环境", "营商环境", "年度报告", "不存在的词语", "营商环境"]:
        client.get("/api/search", query_string={"q": q}, headers={"User-Agent": "tester"})
    client.get("/search?q=年度报告&page=2")  # later pages are not counted again
    home = client.get("/").get_data(as_text=True)
    assert "热门搜索" in home
    hot = app.extensions["gongkai.querylog"].hot()
    assert hot == ["营商环境", "年度报告"]  # most asked first; queries finding nothing are left out
    db = app.extensions["gongkai.querylog"].db
    assert sorted(db.columns("queries")) == ["asked", "day", "found", "query"]
    assert db.execute("SELECT sum(asked) FROM queries").fetchone()[0] == 5


def test_empty_facets_are_not_shown(client):
    page = client.get("/search?q=完全无关的词语组合").get_data(as_text=True)
    assert "没有找到相关文件" in page and 'data-facet="publisher"' not in page
    filtered = client.get("/search?q=完全无关的词语组合&type=notice").get_data(as_text=True)
    assert 'data-facet="doc_type"' in filtered and "取消" in filtered  # a filter can be undone


def test_frequent_queries_join_the_suggestion_vocabulary(client, archive_path, index_root,
                                                        engine):
    assert client.get("/api/search?q=公开申清").get_json()["suggestion"] is None
    for _ in range(3):  # people search for it and find it (依申请公开申请12件)
        assert client.get("/api/search?q=公开申请").get_json()["total"] > 0
    build_index(archive_path, index_root, engine=engine)  # the next index update reads the query log
    assert client.get("/api/search?q=公开申清").get_json()["suggestion"] == "公开申请"
