"""A portal whose pages scripts build (for the browser mode, crawler/browser.py).

Its structure follows what real script-built government portals send: a shell page (the site's
header and navigation, empty containers, a `<title>` that is only the column's name) and a
script that reads `?id=` from the URL, asks a JSON endpoint for the article and writes the
title, date, source and body into the containers (jQuery's $.ajax in most; plain
XMLHttpRequest or fetch here, as no CDN may be reached). Lists are built the same way from a
paged list endpoint. Some portals fill the article metas on the server (`ArticleTitle`,
`PubDate`) and leave only the body to the script: half the articles here do.

Each shell also asks for what a browser would but a crawler needs not: a banner image, a
stylesheet, a statistics script on another host (`tracker`), and a visit counter that
robots.txt forbids.
"""

from __future__ import annotations

from tests.sites import json_route, make_pdf, query

SITE = "示例市市场监督管理局"
ARTICLES = [
    (1, "关于开展2024年食品安全抽检工作的通知", "2024-03-05", "食品安全抽检处",
     ["各区市场监督管理局：", "为做好2024年食品安全监督抽检工作，现将有关事项通知如下。",
      "一、抽检范围覆盖全市所有农贸市场和大型商超。"]),
    (2, "示例市市场监督管理局2023年政府信息公开工作年度报告", "2024-01-26", "办公室",
     ["本报告依据《中华人民共和国政府信息公开条例》编制。",
      "2023年，本局主动公开政府信息共计三百一十二条，依申请公开办理四十七件。"]),
    (3, "关于公布第二批诚信计量示范单位名单的公告", "2024-04-18", "计量处",
     ["经单位自愿申报、区局推荐和专家评审，确定第二批诚信计量示范单位。",
      "名单见附件。"]),
    (4, "示例市电梯安全管理办法（征求意见稿）公开征求意见", "2024-05-09", "特种设备安全监察处",
     ["为加强电梯安全管理，本局起草了《示例市电梯安全管理办法（征求意见稿）》。",
      "意见反馈截止日期为2024年6月9日。"]),
    (5, "市场监管领域轻微违法行为不予处罚清单", "2024-06-21", "法规处",
     ["为推进包容审慎监管，制定本清单。",
      "清单所列行为，首次违法且危害后果轻微并及时改正的，不予行政处罚。"]),
]
PER_PAGE = 3
ATTACHED = 3  # the article whose body links a PDF


def article(n: int) -> tuple:
    """Article `n` (from 1): ARTICLES, and past them the same texts again, numbered."""
    number, title, date, source, paragraphs = ARTICLES[(n - 1) % len(ARTICLES)]
    if n == number:
        return ARTICLES[n - 1]
    return n, f"{title}（之{n}）", date, source, paragraphs


def body_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _shell(title: str, main: str, script: str, tracker: str, metas: str = "") -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{metas}
<title>{title}</title><link rel="stylesheet" href="/css/main.css"></head><body>
<div class="header"><img src="/img/banner.png" alt="{SITE}"><ul class="nav">
<li><a href="/">首页</a></li><li><a href="/list.html">政府信息公开</a></li>
<li><a href="/about.html">机构概况</a></li></ul></div>
<div class="container">{main}</div>
<div class="footer">主办单位：{SITE}　网站标识码：3300000001</div>
<script src="{tracker}/stat.js"></script>
<script src="/js/common.js"></script><script>{script}</script></body></html>""".encode()


COMMON_JS = """function getUrlParam(name) {
  var m = new RegExp("(^|&)" + name + "=([^&]*)(&|$)").exec(window.location.search.substr(1));
  return m ? decodeURIComponent(m[2]) : null;
}
function getJSON(url, done) {
  var xhr = new XMLHttpRequest();
  xhr.open("GET", url);
  xhr.onload = function () { if (xhr.status === 200) done(JSON.parse(xhr.responseText)); };
  xhr.send();
}"""

LIST_JS = """var page = parseInt(getUrlParam("page") || "1", 10);
getJSON("/api/list?page=" + page, function (res) {
  var html = "";
  res.items.forEach(function (it) {
    html += '<li><a href="/detail.html?id=' + it.id + '">' + it.title + '</a><span>' +
      it.date + '</span></li>';
  });
  document.getElementById("list").innerHTML = html;
  if (res.next) {
    document.getElementById("pager").innerHTML =
      '<a href="/list.html?page=' + res.next + '">下一页</a>';
  }
});"""

DETAIL_JS = """fetch("/stats/hit?id=" + getUrlParam("id"));  // the visit counter
fetch("/api/article?id=" + getUrlParam("id"))
  .then(function (r) { return r.json(); })
  .then(function (data) {
    document.title = data.title + "_" + data.site;
    document.querySelector(".article h1").textContent = data.title;
    document.querySelector(".article .info").innerHTML =
      "发布日期：" + data.date + "　来源：" + data.source;
    document.getElementById("content").innerHTML = data.content;
  });"""


def detail_shell(n: int, tracker: str) -> bytes:
    """The shell of article `n`: odd articles carry their title and date in server-filled
    metas (the script fills only the body), even ones carry nothing."""
    _, title, date, _, _ = article(n)
    metas = (f'\n<meta name="ArticleTitle" content="{title}">'
             f'<meta name="PubDate" content="{date} 09:30">') if n % 2 else ""
    main = ('<div class="article"><h1></h1><div class="info"></div>'
            '<div class="news_content" id="content"></div></div>')
    return _shell("详情页", main, DETAIL_JS, tracker, metas)


def article_json(n: int) -> dict:
    _, title, date, source, paragraphs = article(n)
    content = body_html(paragraphs)
    if n == ATTACHED:
        content += '<p>附件：<a href="/upload/mingdan.pdf">第二批诚信计量示范单位名单.pdf</a></p>'
    return {"id": n, "title": title, "date": date, "source": source, "site": SITE,
            "content": content}


def _number(handler, count: int) -> int:
    """The article an `?id=` names, or 0 for none of the `count`."""
    n = query(handler).get("id", "")
    return int(n) if n.isdigit() and 1 <= int(n) <= count else 0


def _list_api(count: int):
    def route(handler):
        page = query(handler).get("page", "1")
        page = int(page) if page.isdigit() else 1
        numbers = range((page - 1) * PER_PAGE + 1, min(page * PER_PAGE, count) + 1)
        items = [{"id": n, "title": article(n)[1], "date": article(n)[2]} for n in numbers]
        more = page * PER_PAGE < count
        body, ctype = json_route({"items": items, "next": page + 1 if more else None})
        return 200, {"Content-Type": ctype}, body
    return route


def _article_api(count: int):
    def route(handler):
        n = _number(handler, count)
        if not n:
            return 404, {"Content-Type": "application/json"}, b'{"error": "not found"}'
        body, ctype = json_route(article_json(n))
        return 200, {"Content-Type": ctype}, body
    return route


def _detail(tracker: str, count: int):
    def route(handler):
        n = _number(handler, count)
        if not n:
            return 404, {}, b"<html><body>404</body></html>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, detail_shell(n, tracker)
    return route


def routes(tracker: str, count: int = len(ARTICLES)) -> dict:
    """The portal's routes with `count` articles; `tracker`: the base URL of the other host
    its shells name."""
    main = '<div class="home"><h2>通知公告</h2><a href="/list.html">更多</a></div>'
    listing = '<ul id="list"></ul><div id="pager"></div>'
    return {
        "/": _shell(SITE, main, "", tracker),
        "/list.html": _shell("政府信息公开", listing, LIST_JS, tracker),
        "/about.html": _shell("机构概况", "<p>机构职能。</p>", "", tracker),
        "/detail.html": _detail(tracker, count),
        "/api/list": _list_api(count),
        "/api/article": _article_api(count),
        "/js/common.js": (COMMON_JS.encode(), "application/javascript"),
        "/robots.txt": (b"User-agent: *\nDisallow: /stats/\n", "text/plain"),
        "/stats/hit": (b'{"count": 1}', "application/json"),
        "/css/main.css": (b"body{font-family:sans-serif}", "text/css"),
        "/img/banner.png": (b"\x89PNG\r\n\x1a\n", "image/png"),
        "/upload/mingdan.pdf": (make_pdf(["第二批诚信计量示范单位名单", "示例计量检测有限公司"]),
                                "application/pdf"),
    }


def tracker_routes() -> dict:
    return {"/stat.js": (b"window._stat = 1;", "application/javascript")}
