"""Every page as a person sees it, at 1280 and 390 px, served by `gongkai serve` on the crawled
sample site: a screenshot of each is kept (test-output/screenshots/, or $GONGKAI_TEST_OUTPUT),
and what a reader would notice is asserted: nothing wider than the window, icons at icon size,
charts inside their box and not stretched, no text drawn over other text."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import quote

import pytest

from tests.conftest import screenshot_dir
from tests.sites import start_serve

pytestmark = pytest.mark.browser

WIDTHS = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}

# What a reader would notice, measured in the page: a list of [problem, where, numbers].
LOOKS = r"""() => {
  const width = document.documentElement.clientWidth, problems = [];
  const shown = e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && e.checkVisibility(
      {contentVisibilityAuto: true, visibilityProperty: true, opacityProperty: true}); };
  const aside = e => !!e.closest('.visually-hidden, .skip, title, datalist, script, style');
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.classList.length ? '.' + [...e.classList].join('.') : '');
  const scrolls = e => { for (let p = e.parentElement; p && p !== document.body;
      p = p.parentElement) { if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX))
        return true; } return false; };
  if (document.documentElement.scrollWidth > width)
    problems.push(['the page scrolls sideways', 'html', document.documentElement.scrollWidth]);
  for (const e of document.body.querySelectorAll('*')) {
    if (!shown(e) || aside(e) || scrolls(e)) continue;  // a scrolling box is checked itself
    const r = e.getBoundingClientRect();
    if (r.left < -1 || r.right > width + 1)
      problems.push(['wider than the window', name(e), Math.round(r.left), Math.round(r.right)]);
  }
  for (const e of document.querySelectorAll('svg[width][height], img[width][height]')) {
    const w = +e.getAttribute('width'), h = +e.getAttribute('height');
    if (w > 32 || h > 32 || !shown(e)) continue;  // an icon is what says it is small
    const r = e.getBoundingClientRect();
    if (r.width > w + 1 || r.height > h + 1)
      problems.push(['an icon larger than its size', name(e), Math.round(r.width),
                     Math.round(r.height)]);
  }
  for (const svg of document.querySelectorAll('svg[viewBox]')) {
    if (!shown(svg)) continue;
    const r = svg.getBoundingClientRect(), box = svg.parentElement.getBoundingClientRect();
    const [, , vw, vh] = svg.getAttribute('viewBox').trim().split(/[\s,]+/).map(Number);
    if (r.left < box.left - 1 || r.right > box.right + 1 || r.right > width + 1)
      problems.push(['a chart outside its box', name(svg), Math.round(r.width)]);
    if (Math.abs(r.height / r.width - vh / vw) > 0.02)
      problems.push(['a stretched chart', name(svg), r.width, r.height]);
    for (const part of svg.querySelectorAll('text, circle, polyline, line, rect')) {
      const b = part.getBoundingClientRect();
      if (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 ||
          b.bottom > r.bottom + 1)
        problems.push(['a chart part outside the chart', name(part), part.textContent]);
    }
  }
  // a line hidden under something opaque drawn above it (a sticky bar) is not on show
  const opaque = e => { const c = getComputedStyle(e).backgroundColor;
    return c !== 'transparent' && !/rgba\(.*, 0\)$/.test(c); };
  const covered = (parent, r) => {
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x >= width || y >= window.innerHeight) return false;
    for (let e = document.elementFromPoint(x, y); e && !e.contains(parent); e = e.parentElement)
      if (opaque(e)) return true;
    return false; };
  const lines = [];  // every line of every visible text, as drawn
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = 0; walk.nextNode(); n++) {
    const text = walk.currentNode, parent = text.parentElement;
    if (!text.textContent.trim() || !shown(parent) || aside(parent)) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    for (const r of range.getClientRects())
      if (r.width > 1 && r.height > 1 && !covered(parent, r))
        lines.push([n, r, text.textContent.trim().slice(0, 20)]);
  }
  for (let i = 0; i < lines.length; i++) for (let j = i + 1; j < lines.length; j++) {
    const [n, a, t] = lines[i], [m, b, u] = lines[j];
    if (n === m) continue;
    const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (x > 2 && y > 0.4 * Math.min(a.height, b.height))  // lines may touch, not cover
      problems.push(['text over text', t, u]);
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def site(crawled, tmp_path_factory):
    """`gongkai serve` over the crawled sample site: (base URL, {page name: path})."""
    config = crawled[0]
    server, port = start_serve({"GONGKAI_DATA_DIR": str(config.parent / "data"),
                                "GONGKAI_WEB_WORKERS": "1"}, cwd=tmp_path_factory.mktemp("web"))
    base = f"http://127.0.0.1:{port}"
    reports = _json(base + "/api/stats?size=100")["reports"]
    with_tables = next(r for r in reports if r["source"] == "table" and r["failed"])
    agency = with_tables["publisher"]
    pages = {"home": "/", "results": "/search?q=" + quote("公开"),
             "document": f"/doc/{with_tables['doc_id']}?q=" + quote("行政复议"),
             "stats": "/stats", "agency": "/stats/" + quote(agency), "status": "/status",
             "error": "/search?page=-1"}
    yield base, pages
    server.terminate()
    server.wait(30)


def _json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_looks_right(site, page, width):
    base, pages = site
    page.set_viewport_size(WIDTHS[width])
    found = {}
    for name, path in pages.items():
        page.goto(base + path)
        page.screenshot(path=str(screenshot_dir() / f"{name}-{width}.png"), full_page=True)
        found[name] = page.evaluate(LOOKS)
    assert found == {name: [] for name in pages}


def test_the_looks_check_sees_what_a_reader_would(site, page):
    """The check itself: a legend icon drawn at the chart's width, a table wider than a phone
    and a line written over another are each reported."""
    base, pages = site
    page.set_viewport_size(WIDTHS[390])
    page.goto(base + pages["agency"])
    assert page.evaluate(LOOKS) == []
    page.evaluate("""() => {
        const icon = document.querySelector('.legend svg');
        icon.style.width = '100%'; icon.style.height = 'auto';
        const wide = document.createElement('div');
        wide.style.width = '600px'; wide.textContent = '很宽的一行';
        document.querySelector('main').append(wide);
        const over = document.createElement('p');
        over.textContent = '压在上面的字';
        over.style.cssText = 'position: absolute; margin: 0; top: ' +
            (document.querySelector('h1').getBoundingClientRect().top + window.scrollY) +
            'px; left: ' + document.querySelector('h1').getBoundingClientRect().left + 'px';
        document.body.append(over);
    }""")
    kinds = {problem[0] for problem in page.evaluate(LOOKS)}
    assert {"an icon larger than its size", "wider than the window", "the page scrolls sideways",
            "text over text"} <= kinds
