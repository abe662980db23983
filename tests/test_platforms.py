"""Crawl one fixture site per CMS family over real HTTP and check the archive exactly."""

from __future__ import annotations

import dataclasses
import json

import pytest

from archive import Archive
from crawler.urls import origin
from gongkai import refresh
from gongkai.config import load_config
from tests.sites import (
    FixtureServer,
    form,
    gkmlpt_detail,
    hanweb_detail,
    json_route,
    make_docx,
    make_pdf,
    make_xlsx,
    para,
    query,
    trs_detail,
    vsb_detail,
)

PUBLISHER = "示例市人民政府办公室"


def crawl(tmp_path, base: str, start: str, domains=("127.0.0.1",), full=False):
    config = load_config(None, env={"GONGKAI_DATA_DIR": str(tmp_path / "data"),
                                    "GONGKAI_CRAWL_DELAY": "0", "GONGKAI_CRAWL_RETRIES": "2"})
    source = {"name": "site", "start_urls": [base + start], "allowed_domains": list(domains)}
    report = refresh.crawl(dataclasses.replace(config, sources=[source]), full=full)
    with Archive(config.archive) as archive:
        rows = {r["url"].removeprefix(base): r for r in archive.changes_since(0)
                if r["status"] == "live"}
    return rows, report.runs[0]


@pytest.fixture
def serve():
    servers = []

    def start(routes, host="127.0.0.1"):
        servers.append(FixtureServer(routes, host))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


# ------------------------------------------------------------------ Hanweb

def hanweb_art(n: int) -> str:
    return f"/art/2024/1/{n}/art_{100 if n < 10 else 101}_{n}.html"


def record(n: int) -> str:
    return (f"<record><![CDATA[<li><a href='{hanweb_art(n)}' title='第{n}号'>第{n}号文件</a>"
            f"<span>2024-01-{n:02d}</span></li>]]></record>")


def hanweb_routes() -> dict:
    get_list = f"""<html><head><meta charset="utf-8"><meta name="SiteName" content="示例市"></head><body>
<div id="200"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=100&unitid=200&webname=%25E7%25A4%25BA&permissiontype=0"></a>]]></nextgroup>
<recordset>{record(1)}{record(2)}</recordset></datastore></script></div>
<a href="http://www.hanweb.com" style="display:none">Produced By 大汉网络 大汉版通发布系统</a></body></html>"""
    post_list = f"""<html><head><meta charset="utf-8"></head><body>
<div id="div300"><script type="text/xml"><datastore><recordset>{record(11)}{record(12)}</recordset>
</datastore></script></div><script src="/module/jslib/jquery/jquery.js"></script>
<script>$('#div300').jpage({{dataStore: [], proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage:'2',
totalRecord:'9', ajaxParam: {{col:1, appid:1, webid:1, path:'/', columnid:'101', unitid:'300',
webname:'示例市', permissiontype:0}}}});</script></body></html>"""

    def dataproxy(handler):
        if handler.command == "GET":
            page = int(query(handler)["page"])
            numbers = {1: [3, 4], 2: [5, 6]}[page]
            body = ("<datastore><totalrecord>6</totalrecord><totalpage>2</totalpage><recordset>"
                    + "".join(record(n) for n in numbers) + "</recordset></datastore>")
        else:
            fields, q = form(handler), query(handler)
            assert fields["columnid"] == "101" and fields["unitid"] == "300"
            start, end = int(q["startrecord"]), int(q["endrecord"])
            numbers = [n for n in range(11, 20)][start - 1:end]
            body = ("<datastore><totalrecord>9</totalrecord><recordset>"
                    + "".join(record(n) for n in numbers) + "</recordset></datastore>")
        return 200, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()

    routes = {
        "/": '<html><body><a href="/col/col100/index.html">政策文件</a>'
             '<a href="/col/col101/index.html">通知公告</a></body></html>'.encode(),
        "/col/col100/index.html": get_list.encode(),
        "/col/col101/index.html": post_list.encode(),
        "/module/web/jpage/dataproxy.jsp": dataproxy,
    }
    for n in [*range(1, 7), *range(11, 20)]:
        routes[hanweb_art(n)] = hanweb_detail(
            f"示例市关于第{n}号事项的通知", f"2024-01-{n:02d}", PUBLISHER, f"示政发〔2024〕{n}号",
            f"11350000MB0000001X/2024-{n:05d}", para(f"第{n}号文件正文。依申请公开办理情况良好。"))
    return routes


def test_hanweb_datastore_and_dataproxy_get_and_post(tmp_path, serve):
    server = serve(hanweb_routes())
    rows, run = crawl(tmp_path, server.base, "/")
    assert set(rows) == {hanweb_art(n) for n in [*range(1, 7), *range(11, 20)]}
    row = rows[hanweb_art(12)]
    assert (row["title"], row["pub_date"], row["publisher"]) == (
        "示例市关于第12号事项的通知", "2024-01-12", PUBLISHER)
    assert (row["doc_number"], row["index_number"]) == ("示政发〔2024〕12号",
                                                        "11350000MB0000001X/2024-00012")
    assert row["body"] == "第12号文件正文。依申请公开办理情况良好。"
    posts = [r for r in server.requests if r[0] == "POST"]
    assert [p[1].split("?")[1] for p in posts] == [
        "startrecord=1&endrecord=6&perpage=2", "startrecord=7&endrecord=12&perpage=2"]
    assert run["new"] == 15 and run["errors"] == 0


def test_second_crawl_fetches_only_what_changed(tmp_path, serve):
    routes = hanweb_routes()
    server = serve(routes)
    crawl(tmp_path, server.base, "/")
    first = len(server.requests)
    _, run = crawl(tmp_path, server.base, "/")
    # list pages are read again (that is where new items appear); their records are all known,
    # so no dataproxy page is asked for; the listed documents answer 304, and so do the 11
    # behind the paging stop, asked again once the crawl is done (crawler/withdrawals.py)
    assert not [p for p in server.fetched(first) if p.startswith("/art/")]
    assert not [p for p in server.fetched(first) if "dataproxy" in p]
    assert (run["new"], run["updated"], run["unchanged"]) == (0, 0, 15)

    # a new record appears on the GET-paged list: that list, its dataproxy pages and the new
    # document are fetched; everything else answers 304
    routes[hanweb_art(7)] = hanweb_detail("示例市关于第7号事项的通知", "2024-01-07", PUBLISHER,
                                          "示政发〔2024〕7号", "11350000MB0000001X/2024-00007",
                                          para("第7号文件正文。"))
    server.change("/col/col100/index.html", routes["/col/col100/index.html"].replace(
        record(1).encode(), record(7).encode() + record(1).encode()))
    second = len(server.requests)
    rows, run = crawl(tmp_path, server.base, "/")
    fetched = server.fetched(second)
    assert [p for p in fetched if p.startswith("/art/")] == [hanweb_art(7)]
    # the list showed a new item, so paging went on to dataproxy page 1, which showed only
    # known items: page 2 was not asked for
    assert [p.split("?")[1][:6] for p in fetched if "dataproxy.jsp?" in p] == ["page=1"]
    assert (run["new"], run["updated"]) == (1, 0) and hanweb_art(7) in rows


def test_a_full_recrawl_walks_every_page_again(tmp_path, serve):
    server = serve(hanweb_routes())
    crawl(tmp_path, server.base, "/")
    start = len(server.requests)
    _, run = crawl(tmp_path, server.base, "/", full=True)  # no conditional GETs, no paging stop
    assert len([p for p in server.fetched(start) if "dataproxy.jsp?page=" in p]) == 2
    assert len([p for p in server.fetched(start) if p.startswith("/art/")]) == 15
    assert (run["new"], run["updated"], run["unchanged"]) == (0, 0, 15)


# ------------------------------------------------------------------ TRS (+ a PDF-only report)

def trs_routes() -> dict:
    def listing(items, script):
        links = "".join(f'<li><a href="./202401/t202401{n:02d}_{n}.shtml">第{n}条</a></li>'
                        for n in items)
        return f'<html><body><ul>{links}</ul><script>{script}</script></body></html>'.encode()

    create = 'createPageHTML(3, 0, "index", "shtml");'
    routes = {"/xxgk/index.shtml": listing([1, 2], create),
              "/xxgk/index_1.shtml": listing([3, 4], create.replace(", 0,", ", 1,")),
              "/xxgk/index_2.shtml": listing([5], create.replace(", 0,", ", 2,"))}
    for n in range(1, 5):
        routes[f"/xxgk/202401/t202401{n:02d}_{n}.shtml"] = trs_detail(
            f"示例县2024年第{n}期政务动态", f"2024-01-{n:02d}", "示例县人民政府",
            para(f"第{n}期动态。行政许可事项办理情况。"))
    routes["/xxgk/202401/t20240105_5.shtml"] = trs_detail(
        "示例县2023年政府信息公开工作年度报告", "2024-01-05", "示例县人民政府",
        '<p><a href="./P020240105123456.pdf">示例县2023年政府信息公开工作年度报告.pdf</a></p>')
    routes["/xxgk/202401/P020240105123456.pdf"] = (make_pdf([
        "示例县2023年政府信息公开工作年度报告", "一、总体情况",
        "全年收到政府信息公开申请42件，其中予以公开30件。", "本年制发件数 | 3 | 5 | 156"]),
        "application/pdf")
    return routes


def test_trs_create_page_html_paging_and_a_pdf_only_report(tmp_path, serve):
    server = serve(trs_routes())
    rows, run = crawl(tmp_path, server.base, "/xxgk/index.shtml")
    pdf = "/xxgk/202401/P020240105123456.pdf"
    assert set(rows) == {f"/xxgk/202401/t202401{n:02d}_{n}.shtml" for n in range(1, 6)} | {pdf}
    report = rows[pdf]
    # the file's machine name never goes into a title; its link text repeats the page's title
    assert report["title"] == "示例县2023年政府信息公开工作年度报告"
    assert report["pub_date"] == "2024-01-05" and report["publisher"] == "示例县人民政府"
    assert report["parent_url"] == server.base + "/xxgk/202401/t20240105_5.shtml"
    assert report["doc_type"] == "annual_report" and report["report_year"] == 2023
    assert "全年收到政府信息公开申请42件" in report["body"]
    assert "本年制发件数 | 3 | 5 | 156" in report["body"]
    parent = rows["/xxgk/202401/t20240105_5.shtml"]
    assert parent["attachments"] == [{"name": "示例县2023年政府信息公开工作年度报告.pdf",
                                      "url": server.base + pdf, "type": "pdf"}]
    assert run["attachments"] == 1


# ------------------------------------------------------------------ VSB

def vsb_routes() -> dict:
    def listing(items, next_page):
        links = "".join(f'<li><a href="/info/1006/{500 + n}.htm">第{n}条</a></li>' for n in items)
        pager = (f'<span class="p_next p_fun"><a href="{next_page}">下页</a></span>'
                 if next_page else "")
        return (f'<html><head><script src="/system/resource/js/page.js"></script></head><body>'
                f'<ul>{links}</ul>{pager}<span class="p_t">1/3</span></body></html>').encode()

    routes = {"/zbgg.htm": listing([1, 2], "zbgg/2.htm"),
              "/zbgg/2.htm": listing([3, 4], "1.htm"), "/zbgg/1.htm": listing([5], "")}
    for n in range(1, 6):
        routes[f"/info/1006/{500 + n}.htm"] = vsb_detail(
            f"示例镇第{n}号公告", f"2023-05-{n:02d}", "示例镇人民政府",
            para(f"第{n}号公告。政府集中采购项目公示。"))
    return routes


def test_vsb_numbered_pages(tmp_path, serve):
    server = serve(vsb_routes())
    rows, _ = crawl(tmp_path, server.base, "/zbgg.htm")
    assert set(rows) == {f"/info/1006/{500 + n}.htm" for n in range(1, 6)}
    assert rows["/info/1006/503.htm"]["pub_date"] == "2023-05-03"
    assert rows["/info/1006/503.htm"]["publisher"] == "示例镇人民政府"


# ------------------------------------------------------------------ gkmlpt and UCAP (JSON lists)

def gkmlpt_routes() -> dict:
    def article(n, files=()):
        return {"id": n, "title": f"示例区第{n}号文件", "url": f"/gkmlpt/content/0/1/post_{n}.html",
                "publisher": "示例区人民政府", "date": f"2023-03-{n:02d} 09:00:00",
                "identifier": f"114403006955506492/2023-{n:05d}",
                "document_number": f"示区府〔2023〕{n}号",
                "attachment": [{"name": f, "url": f"/attachment/0/1/{n}/{f}"} for f in files]}

    pages = {("2001", "1"): [article(1), article(2)], ("2001", "2"): [article(3)],
             ("2002", "1"): [article(4, ["12541123.docx"])]}
    counts = {"2001": 3, "2002": 1}

    def api(handler):
        category = handler.path.split("/")[-1].split("?")[0]
        articles = pages.get((category, query(handler).get("page")), [])
        body, ctype = json_route({"classify": {"post_count": counts[category]},
                                  "articles": articles})
        return 200, {"Content-Type": ctype}, body

    routes = {"/gkmlpt/index": b"""<html><body><div id="app"></div><script>
window._CONFIG = {SID: '755041', TREE: [{"id": 2001, "name": "\xe5\xb9\xb4\xe6\x8a\xa5"},
 {"id": 2002, "name": "\xe9\x80\x9a\xe7\x9f\xa5", "children": []}]};</script></body></html>""",
              "/gkmlpt/api/all/2001": api, "/gkmlpt/api/all/2002": api,
              "/attachment/0/1/4/12541123.docx": (make_docx(
                  ["示例区2022年政府信息公开工作年度报告", "本年度行政复议结果纠正1件。"],
                  [["信息内容", "本年制发件数"], ["规章", "3"]]),
                  "application/octet-stream")}
    for n in range(1, 5):
        routes[f"/gkmlpt/content/0/1/post_{n}.html"] = gkmlpt_detail(
            f"示例区第{n}号文件", f"2023-03-{n:02d}", "示例区人民政府", f"示区府〔2023〕{n}号",
            f"114403006955506492/2023-{n:05d}", para(f"第{n}号文件正文。"))
    return routes


def test_gkmlpt_json_api(tmp_path, serve):
    server = serve(gkmlpt_routes())
    rows, _ = crawl(tmp_path, server.base, "/gkmlpt/index")
    docx = "/attachment/0/1/4/12541123.docx"
    assert set(rows) == {f"/gkmlpt/content/0/1/post_{n}.html" for n in range(1, 5)} | {docx}
    row = rows["/gkmlpt/content/0/1/post_2.html"]
    assert (row["index_number"], row["doc_number"]) == ("114403006955506492/2023-00002",
                                                        "示区府〔2023〕2号")
    assert row["written_date"] == "2023-03-02"
    assert "规章 | 3" in rows[docx]["body"]
    assert rows[docx]["title"] == "示例区第4号文件"  # the API's file name is 12541123.docx
    assert (rows[docx]["index_number"], rows[docx]["doc_number"]) == (
        "114403006955506492/2023-00004", "示区府〔2023〕4号")
    assert (rows[docx]["pub_date"], rows[docx]["publisher"]) == ("2023-03-04", "示例区人民政府")
    assert rows[docx]["parent_url"] == server.base + "/gkmlpt/content/0/1/post_4.html"


def ucap_routes() -> dict:
    data = {"articleList": [
        {"title": "示例厅统计表", "pubDate": "2025-07-29 16:59", "contentSource": "示例厅",
         "urls": '{"pc":"/jx/col/col42150/content/content_1.html"}',
         "articleFiles": [{"fileName": "统计表.xlsx",
                           "url": "/doc/ucap/1/document/20250801/WKgZu66N.xlsx"}]},
        {"title": "第2条", "urls": '{"pc":"/jx/col/col42150/content/content_2.html"}',
         "articleFiles": []}]}
    import json

    page = ("<html><body><div id='list'></div><script>var listData = "
            + json.dumps(data, ensure_ascii=False)
            + "; loadPageData({current: 1, unitid:'380055'});</script></body></html>")
    routes = {"/jx/col/col42150/index.html": page.encode(),
              "/doc/ucap/1/document/20250801/WKgZu66N.xlsx": (make_xlsx(
                  [["项目", "数量"], ["行政处罚", "12"]]), "application/octet-stream")}
    for n in (1, 2):
        routes[f"/jx/col/col42150/content/content_{n}.html"] = trs_detail(
            f"示例厅第{n}号政策解读", f"2025-07-{n:02d}", "示例厅", para(f"政策解读第{n}篇。"))
    return routes


def test_ucap_inline_list_data(tmp_path, serve):
    server = serve(ucap_routes())
    rows, _ = crawl(tmp_path, server.base, "/jx/col/col42150/index.html")
    xlsx = "/doc/ucap/1/document/20250801/WKgZu66N.xlsx"
    assert set(rows) == {"/jx/col/col42150/content/content_1.html",
                         "/jx/col/col42150/content/content_2.html", xlsx}
    assert "行政处罚 | 12" in rows[xlsx]["body"]
    # its file name, 统计表.xlsx, says nothing the title does not
    assert (rows[xlsx]["title"], rows[xlsx]["pub_date"]) == ("示例厅统计表", "2025-07-29")


# ------------------------------------------------------------------ encodings

def test_gbk_pages_declared_and_undeclared(tmp_path, serve):
    declared = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                '<meta name="ArticleTitle" content="关于做好防汛工作的通知"><meta name="PubDate" '
                'content="2018-06-01"></head><body><div id="zoom"><p>各乡镇：请做好防汛准备。'
                '</p></div></body></html>')
    undeclared = ('<html><head><meta name="ArticleTitle" content="镕基路改造工程公示">'
                  '<meta name="PubDate" content="2018-06-02"></head><body><div id="zoom">'
                  '<p>该工程位于镕基路。全角ＡＢＣ１２３。</p></div></body></html>')
    index = ('<html><head><meta charset="gbk"></head><body><a href="/a.html">一</a>'
             '<a href="/b.html">二</a></body></html>')
    plain = "text/html"
    server = serve({"/": (index.encode("gbk"), plain), "/a.html": (declared.encode("gbk"), plain),
                    "/b.html": (undeclared.encode("gb18030"), plain)})
    rows, _ = crawl(tmp_path, server.base, "/")
    assert rows["/a.html"]["title"] == "关于做好防汛工作的通知"
    assert rows["/a.html"]["body"] == "各乡镇：请做好防汛准备。"
    assert rows["/b.html"]["title"] == "镕基路改造工程公示"
    assert "镕基路" in rows["/b.html"]["body"]


# ------------------------------------------------------------------ robustness

def test_bot_walls_flaky_pages_mirrors_and_robots(tmp_path, serve):
    def challenge(handler):
        return 412, {"Content-Type": "text/html"}, (
            b'<html><head><meta content="x9f2"><script>$_ts=window["$_ts"];</script>'
            b'<script src="/abc.js"></script></head></html>')

    wall = serve({p: challenge for p in ("/robots.txt", "/a.html", "/b.html")}, host="127.0.0.2")
    attempts = []

    def flaky(handler):
        attempts.append(1)
        if len(attempts) <= 2:
            return 500, {}, b"busy"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, hanweb_detail(
            "第三次才打开的通知", "2024-02-02", PUBLISHER, "", "", para("重试后取得的正文。"))

    links = "".join(f'<a href="{u}">x</a>' for u in [
        wall.base + "/a.html", wall.base + "/b.html", "/flaky.html", "/private/secret.html",
        "/gate/big5/www.example.gov.cn/flaky.html"])
    server = serve({"/": f"<html><body>{links}</body></html>".encode(), "/flaky.html": flaky,
                    "/robots.txt": (b"User-agent: *\nDisallow: /private/\n", "text/plain"),
                    "/private/secret.html": hanweb_detail("不应抓取", "2024-01-01", "x", "", "",
                                                          para("robots.txt 禁止。"))})
    rows, run = crawl(tmp_path, server.base, "/", domains=("127.0.0.1", "127.0.0.2"))
    assert set(rows) == {"/flaky.html"}
    assert rows["/flaky.html"]["title"] == "第三次才打开的通知" and len(attempts) == 3
    # robots.txt and two pages, all walls: the origin is closed (tests/test_whole_sites.py)
    assert json.loads(run["walls"])["blocked"] == {
        origin(wall.base): {"reason": "ruishu_js_challenge", "walls": 3, "skipped": 0}}
    assert len(wall.requests) == 3
    assert not [p for _, p, _ in server.requests if "big5" in p or "/private/" in p]
    assert run["errors"] == 0


def test_one_document_however_it_is_linked_or_mirrored(tmp_path, serve):
    page = hanweb_detail("示例市信息公开指南", "2024-03-01", PUBLISHER, "", "IDX/2024-00001",
                         para("指南正文。"))
    other = hanweb_detail("示例市信息公开指南（栏目转载）", "2024-03-01", PUBLISHER, "",
                          "IDX/2024-00001", para("转载时改了标题。"))
    links = "".join(f'<a href="{u}">x</a>' for u in [
        "/doc/index.html", "/doc/", "/doc/#top", "/doc/index.html?utm_source=wx",
        "/copy/doc.html", "/other/doc.html"])
    server = serve({"/": f"<html><body>{links}</body></html>".encode(), "/doc/index.html": page,
                    "/doc/": page, "/copy/doc.html": page, "/other/doc.html": other})
    rows, run = crawl(tmp_path, server.base, "/")
    # one document: /doc/index.html, /doc/, /doc/#top and ?utm_source are one canonical URL
    # (/doc/), /copy/ has the same text, /other/ the same 索引号; whichever arrives first stays
    assert len(rows) == 1 and set(rows) <= {"/doc/", "/copy/doc.html", "/other/doc.html"}
    assert run["duplicates"] == 2
    assert len([p for _, p, _ in server.requests if p.startswith("/doc/")]) == 1


def test_https_start_url_falls_back_to_http(tmp_path, serve):
    server = serve({"/": b'<html><body><a href="/a.html">a</a></body></html>',
                    "/a.html": hanweb_detail("只开放HTTP的网站", "2024-04-01", PUBLISHER, "",
                                             "", para("正文。"))})
    https_base = server.base.replace("http://", "https://")
    rows, run = crawl(tmp_path, https_base, "/")
    assert [r["url"] for r in rows.values()] == [server.base + "/a.html"]
    assert run["errors"] == 0


def test_js_only_pages_are_reported_not_read(tmp_path, serve):
    shell = (b'<html><body ng-app="gov"><div ng-bind-html="article.content"></div>'
             b'<script src="/app.js"></script></body></html>')
    server = serve({"/": b'<html><body><a href="/view.html">x</a></body></html>',
                    "/view.html": shell})
    rows, run = crawl(tmp_path, server.base, "/")
    assert rows == {} and json.loads(run["error_detail"]) == {"js_only_page": 1}
