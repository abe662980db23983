"""The search UI in headless Chromium (Debian's /usr/bin/chromium) driven by Playwright."""


import pytest

from indexer.analysis import normalize
from search_web import create_app
from tests.conftest import screenshot_dir, serve_app

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
    page.wait_for_selector("#completions option", state="attached")  # (no eval under the CSP)
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

    first_title = page.text_content("li.hit h2 a")
    page.click("li.hit h2 a")
    page.wait_for_selector("article.document h1")
    assert page.text_content("article.document h1") == first_title
    assert page.locator(".docmeta").count() == 1


WIDE, NARROW = {"width": 1280, "height": 800}, {"width": 390, "height": 844}


def layout(page) -> dict:
    """The structure of a results page as a reader sees it: which parts are visible, in what
    order down the page, whether the header is one line, whether anything overflows."""
    return page.evaluate("""() => {
        const box = s => { const e = document.querySelector(s);
            if (!e) return null; const r = e.getBoundingClientRect();
            const shown = r.width > 0 && r.height > 0 && e.checkVisibility(
                {contentVisibilityAuto: true, visibilityProperty: true, opacityProperty: true});
            return shown ? r : null; };
        const parts = {header: 'header.top', filters: '#facets > summary',
                       facet: 'section.facet[data-facet=doc_type]', hit: 'li.hit',
                       footer: 'footer'};
        const boxes = Object.fromEntries(Object.entries(parts).map(([k, s]) => [k, box(s)]));
        const brand = box('header .brand'), input = box('header input[name=q]');
        return {
            visible: Object.fromEntries(Object.entries(boxes).map(([k, b]) => [k, !!b])),
            order: Object.entries(boxes).filter(([k, b]) => b).sort((a, b) => a[1].top - b[1].top)
                .map(([k]) => k),
            header_one_line: brand.height < 40 && Math.abs(brand.top + brand.height / 2
                - input.top - input.height / 2) < 12 && boxes.header.height < 80,
            first_hit_on_screen: !!boxes.hit && boxes.hit.top < window.innerHeight * 0.5,
            facets_beside_hits: !!boxes.facet && boxes.facet.right <= boxes.hit.left,
            overflows: document.documentElement.scrollWidth > window.innerWidth,
        };
    }""")


@pytest.mark.parametrize("viewport, expected", [
    (WIDE, {"visible": {"header": True, "filters": False, "facet": True, "hit": True,
                        "footer": True},
            "order": ["header", "facet", "hit", "footer"], "header_one_line": True,
            "first_hit_on_screen": True, "facets_beside_hits": True, "overflows": False}),
    (NARROW, {"visible": {"header": True, "filters": True, "facet": False, "hit": True,
                          "footer": True},
              "order": ["header", "filters", "hit", "footer"], "header_one_line": True,
              "first_hit_on_screen": True, "facets_beside_hits": False, "overflows": False}),
], ids=["1280", "390"])
def test_results_layout_on_desktops_and_phones(server_url, page, viewport, expected):
    page.set_viewport_size(viewport)
    page.goto(server_url + "/search?q=%E5%85%AC%E5%BC%80")  # 公开
    page.screenshot(path=str(screenshot_dir() / f"layout-{viewport['width']}.png"),
                    full_page=True)
    assert layout(page) == expected
    if viewport is NARROW:  # the filters open under their summary line, above the hits
        page.click("#facets > summary")
        opened = layout(page)
        assert opened["visible"]["facet"] and opened["order"].index("facet") < \
            opened["order"].index("hit")


def test_document_view_jumps_between_marked_words(server_url, page):
    page.set_viewport_size(NARROW)
    page.goto(server_url + "/search?q=%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80")  # 信息公开
    page.click("li.hit h2 a")
    page.wait_for_selector(".document .body mark.current")
    count = page.locator(".document .body mark").count()
    assert count >= 2
    assert page.text_content("nav.marks .where-am-i") == f"第 1 / {count} 处"
    assert page.evaluate("location.hash") == "#m-1"
    page.click("nav.marks .next")
    assert page.get_attribute(".body mark.current", "id") == "m-2"
    assert page.text_content("nav.marks .where-am-i") == f"第 2 / {count} 处"
    page.keyboard.press("p")
    page.keyboard.press("p")  # before the first: the last
    assert page.get_attribute(".body mark.current", "id") == f"m-{count}"
    top = page.evaluate("document.querySelector('.body mark.current').getBoundingClientRect()"
                        ".top")
    assert 0 <= top <= NARROW["height"]  # scrolled into view


PAGES = {"home": "/", "results": "/search?q=%E5%85%AC%E5%BC%80&type=annual_report",
         "document": "/doc/{doc}?q=%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE", "status": "/status",
         "stats": "/stats", "error": "/search?page=-1"}


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280", "390"])
def test_pages_pass_axe_and_break_no_content_policy(server_url, page, viewport):
    from axe_playwright_python.sync_playwright import Axe

    from archive import doc_id_for
    from tests.conftest import DOCS

    refused = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    page.set_viewport_size(viewport)
    found = {}
    for name, path in PAGES.items():
        page.goto(server_url + path.format(doc=doc_id_for(DOCS[0].url)))
        violations = Axe().run(page).response["violations"]
        found[name] = [(v["id"], v["impact"], len(v["nodes"])) for v in violations
                       if v["impact"] in ("serious", "critical")]
    assert found == {name: [] for name in PAGES}
    assert [r for r in refused if "Content Security Policy" in r or "Refused" in r] == []
