"""The search UI in headless Chromium (Debian's /usr/bin/chromium) driven by Playwright."""

import pytest

from indexer.analysis import normalize
from search_web import create_app
from tests.conftest import serve_app

pytestmark = pytest.mark.browser


@pytest.fixture
def server_url(index_root, engine):
    url, server = serve_app(create_app({"INDEX_ROOT": str(index_root), "INDEX_ENGINE": engine}))
    yield url
    server.close()


def test_search_facet_and_document(server_url, page):
    page.goto(server_url + "/")
    assert "政府信息公开检索" in page.title()
    page.type("input[name=q]", "云江")  # completions arrive as the user types
    page.wait_for_function("document.querySelectorAll('#completions option').length > 0")
    assert "云江省商务厅" in page.eval_on_selector_all("#completions option",
                                                   "els => els.map(e => e.value)")
    page.fill("input[name=q]", "公开")
    page.click("form.search button")
    page.wait_for_selector("li.hit")
    total = int(page.text_content(".summary .total"))
    assert total == 4
    marks = page.locator("li.hit .snippet mark")
    assert marks.count() > 0
    assert {normalize(m) for m in marks.all_text_contents()} == {"公开"}

    page.click("section[data-facet=doc_type] a:has-text('年度报告')")
    page.wait_for_url("**type=annual_report**")
    filtered = int(page.text_content(".summary .total"))
    assert 0 < filtered < total
    assert all(t.startswith("年度报告") for t in page.locator("li.hit .type").all_text_contents())

    first_title = page.text_content("li.hit h3 a")
    page.click("li.hit h3 a")
    page.wait_for_selector("article.document h1")
    assert page.text_content("article.document h1") == first_title
    assert page.locator(".docmeta").count() == 1
