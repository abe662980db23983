"""The search UI in headless Chromium (Debian's /usr/bin/chromium) driven by Playwright."""

import os
import shutil
import threading

import pytest
from waitress.server import create_server  # a test server; `gongkai serve` runs gunicorn

from indexer.analysis import normalize
from search_web import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture
def server_url(index_root, engine):
    app = create_app({"INDEX_ROOT": str(index_root), "INDEX_ENGINE": engine})
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run should have installed it")
        pytest.skip("chromium is not installed (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser.new_page()
        browser.close()


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
