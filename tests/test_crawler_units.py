"""Unit tests of the crawler's pieces that need no server: URLs, encodings, walls, attachments."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy.http import HtmlResponse, Response

from crawler import attachments
from crawler.adapters.gkmlpt import balanced, category_ids
from crawler.extract import extract
from crawler.urls import canonical_url, origin
from crawler.walls import FIRST_WALLS, WALLS_IN_A_ROW, WallPolicy, bot_wall, soft_404, wall_scope
from gongkai.cli import cli
from reading import files
from reading.encoding import decode_html, detect_encoding
from tests.sites import make_docx, make_pdf, make_xlsx

PAGES = Path(__file__).parent / "fixtures" / "pages"


@pytest.mark.parametrize("url,expected", [
    ("http://X.gov.cn:80/a/index.html#top", "http://x.gov.cn/a/"),
    ("https://x.gov.cn/a/", "https://x.gov.cn/a/"),
    ("http://x.gov.cn", "http://x.gov.cn/"),
    ("http://x.gov.cn/a.html?utm_source=wx&id=3&spm=1.2", "http://x.gov.cn/a.html?id=3"),
    ("http://x.gov.cn/col/index.html?uid=5&pageNum=2", "http://x.gov.cn/col/?uid=5&pageNum=2"),
    ("http://127.0.0.1:8001/default.htm", "http://127.0.0.1:8001/"),
    # session ids, minted anew on every page a server renders, are not part of a document
    ("http://x.gov.cn/art/1.html;jsessionid=1F3A9C?id=3", "http://x.gov.cn/art/1.html?id=3"),
    ("http://x.gov.cn/col;JSESSIONID=X/index.jsp?sid=77&page=2", "http://x.gov.cn/col/?page=2"),
    ("http://x.gov.cn/a.php?PHPSESSID=ab12&id=9", "http://x.gov.cn/a.php?id=9"),
    ("http://x.gov.cn/a.asp?ASPSESSIONIDQATRCRTD=KLM&id=1", "http://x.gov.cn/a.asp?id=1"),
    ("http://x.gov.cn/a.aspx?ASP.NET_SessionId=q1&id=1", "http://x.gov.cn/a.aspx?id=1"),
    ("http://x.gov.cn/a;type=doc/b.html", "http://x.gov.cn/a;type=doc/b.html"),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_more_session_parameters_come_from_the_configuration():
    from crawler.urls import session_parameters

    assert canonical_url("http://x.gov.cn/a?token=1&id=2") == "http://x.gov.cn/a?token=1&id=2"
    assert canonical_url("http://x.gov.cn/a?Token=1&id=2", session_parameters("token, visit")) \
        == "http://x.gov.cn/a?id=2"


def test_undeclared_gbk_is_detected_and_declared_charsets_win():
    text = "<html><body><p>各乡镇人民政府：请做好防汛准备工作。</p></body></html>"
    assert detect_encoding(text.encode("gbk")) == "gb18030"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert "防汛" in decode_html(text.encode("gbk"))
    declared = '<meta charset="gb2312">' + text
    assert "防汛" in decode_html(declared.encode("gbk"))
    assert "防汛" in decode_html(text.encode("gbk"), "text/html; charset=GBK")


@pytest.mark.parametrize("declared", ['<meta charset="utf-8">', '<meta charset="iso-8859-1">',
                                      '<meta http-equiv="Content-Type" '
                                      'content="text/html; charset=windows-1252">'])
def test_a_charset_that_lies_is_not_believed(declared):
    """Templates that say utf-8 (or a Western charset) around GBK text, as old CMSs do."""
    page = f"<html><head>{declared}</head><body><p>各乡镇人民政府：请做好防汛准备工作。</p></body></html>"
    assert "防汛准备" in decode_html(page.encode("gbk"))
    assert "防汛准备" in decode_html(page.encode("gbk"), "text/html; charset=utf-8")
    assert "防汛准备" in decode_html(page.encode("utf-8"))  # a true declaration still wins


def response(status=200, body=b"", headers=None, url="http://x.gov.cn/a.html"):
    return Response(url, status=status, body=body, headers=headers or {})


@pytest.mark.parametrize("kwargs,reason", [
    ({"status": 412, "body": b'<script>$_ts=window["$_ts"];</script>'}, "ruishu_js_challenge"),
    ({"status": 202, "body": b'<script>$_ts.cd="x";</script>'}, "ruishu_js_challenge"),
    ({"status": 521, "body": b"<script>document.cookie='__jsl_clearance_s=1'</script>"},
     "jiasule_js_challenge"),
    ({"status": 200, "headers": {"Set-Cookie": "wzws_sessionid=abc; path=/"}}, "wzws_waf"),
    ({"status": 200, "body": "非法请求 404！".encode()}, "illegal_request_page"),
    ({"status": 200, "body": b"<html>" + "正常页面".encode() * 10 + b"</html>"}, ""),
    ({"status": 412, "body": b"precondition failed"}, ""),
])
def test_bot_walls(kwargs, reason):
    assert bot_wall(response(**kwargs)) == reason


@pytest.mark.parametrize("url,expected", [
    ("http://x.gov.cn/a.html", "http://x.gov.cn:80"),
    ("https://X.gov.cn/a.html", "https://x.gov.cn:443"),
    ("http://x.gov.cn:8080/", "http://x.gov.cn:8080"),
    ("https://x.gov.cn:80/", "https://x.gov.cn:80"),
])
def test_origins_keep_scheme_and_port(url, expected):
    assert origin(url) == expected


@pytest.mark.parametrize("url,scope", [
    ("http://x.gov.cn/search/index.jsp?q=1", "/search/"),
    ("http://x.gov.cn/interface/api/list.do", "/interface/api/"),
    ("http://x.gov.cn/robots.txt", "/robots.txt"),
    ("http://x.gov.cn/search?q=2", "/search"),
    ("http://x.gov.cn/", "/"),
])
def test_a_wall_closes_its_directory_or_a_root_path(url, scope):
    assert wall_scope(url) == scope


def test_wall_policy_scopes_and_closing_rules():
    policy = WallPolicy()
    policy.page("http://x.gov.cn/")
    policy.wall("http://x.gov.cn/search/index.jsp?q=1", "ruishu_js_challenge")
    policy.wall("http://x.gov.cn/", "ruishu_js_challenge")
    assert policy.refusal("http://x.gov.cn/search/other.jsp")[1] == "/search/"
    assert policy.refusal("http://x.gov.cn/")[1] == "/"
    assert policy.refusal("http://x.gov.cn/xxgk/a.html") is None  # `/` is only the home page
    assert policy.refusal("https://x.gov.cn/search/a.jsp") is None  # another origin
    # a site that keeps serving pages stays open however many directories it walls
    for n in range(10):
        policy.wall(f"http://x.gov.cn/d{n}/a.html", "wzws_waf")
        policy.page(f"http://x.gov.cn/ok{n}.html")
    assert policy.origins["http://x.gov.cn:80"].closed is None
    # WALLS_IN_A_ROW walls without a real page close it
    closed = [policy.wall(f"http://x.gov.cn/e{n}/a.html", "wzws_waf")[2]
              for n in range(WALLS_IN_A_ROW)]
    assert closed == [False] * (WALLS_IN_A_ROW - 1) + [True]
    assert policy.refusal("http://x.gov.cn/ok1.html")[1] == ""
    # an origin that never served a real page is closed after FIRST_WALLS walls
    fresh = WallPolicy()
    closed = [fresh.wall(f"http://y.gov.cn/p{n}.html", "ruishu_js_challenge")[2]
              for n in range(FIRST_WALLS)]
    assert closed == [False] * (FIRST_WALLS - 1) + [True]


def test_soft_404():
    assert soft_404(response(body="<h1>对不起，您访问的页面不存在</h1>".encode()))
    assert not soft_404(response(body="<p>页面不存在的情况说明</p>".encode() * 400))
    assert not soft_404(response(status=404, body="页面不存在".encode()))


@pytest.mark.parametrize("url,ext,name", [
    ("http://x.gov.cn/zytz/P020180929128235812982.pdf", "pdf", "P020180929128235812982.pdf"),
    ("http://x.gov.cn/module/download/downfile.jsp?filename=%E5%B9%B4%E6%8A%A5.docx&classid=0",
     "docx", "年报.docx"),
    ("http://x.gov.cn/download.jsp?pathfile=/atm/7/20230131173706156.docx", "docx",
     "20230131173706156.docx"),
    ("http://x.gov.cn/a.html", "", "a.html"),
])
def test_attachment_urls(url, ext, name):
    assert files.url_extension(url) == ext
    assert attachments.file_name(url) == name


@pytest.mark.parametrize("link_text,url,parent,title", [
    ("示例县2023年政府信息公开工作年度报告.pdf", "http://x/P020250122003083634268.pdf",
     "示例县2023年政府信息公开工作年度报告", "示例县2023年政府信息公开工作年度报告"),
    ("下载", "http://x/P020250122003083634268.pdf", "示例县年报", "示例县年报"),
    ("附件1：依申请公开情况统计表.xls", "http://x/4804801.xls", "示例县年报",
     "示例县年报（附件1：依申请公开情况统计表）"),
    ("点击下载（356KB）", "http://x/download.jsp?filename=行政处罚裁量基准.docx", "关于印发的通知",
     "关于印发的通知（附件：行政处罚裁量基准）"),
    ("", "http://x/a1b2c3d4e5f6a7b8c9d0e1f2.pdf", "", "示例文件首行"),
    ("", "http://x/WKgZu66N.pdf", "", "示例文件首行"),
    ("关于印发《办法》的通知1754038819428.pdf", "http://x/WKgZu66N.pdf", "", "关于印发《办法》的通知"),
])
def test_attachment_titles_never_show_machine_file_names(link_text, url, parent, title):
    assert attachments.title_for("示例文件首行\n正文", url, parent, link_text) == title


def test_pdf_line_wraps_are_joined_and_real_breaks_kept():
    text = "\n".join(["一、总体情况", "本机关坚持以公开为常态、不公开为例外，优化机",
                      "构设置，全年收到申请1", "2件。", "本年制发件数 | 3 | 5", "二、主动公开情况",
                      "（一）规章。本年度未制发规章，继续做好规范性文", "件清理工作。",
                      "Open government data is", "published monthly."])
    assert files.join_wrapped(text).split("\n") == [
        "一、总体情况", "本机关坚持以公开为常态、不公开为例外，优化机构设置，全年收到申请12件。",
        "本年制发件数 | 3 | 5", "二、主动公开情况", "（一）规章。本年度未制发规章，继续做好规范性文件清理工作。",
        "Open government data is published monthly."]


def test_an_empty_metadata_cell_does_not_take_the_next_label():
    page = ("<html><body><table><tr><td>索引号：</td><td></td><td>主题分类：</td><td>综合政务</td></tr>"
            "<tr><td>文号：</td><td>有效性：</td><td>发布日期：</td><td>2024-01-02</td></tr></table>"
            "<div class='x'><p>短通知。</p></div></body></html>")
    doc = extract(page, "http://x.gov.cn/a.html")
    assert (doc.index_number, doc.doc_number, doc.category) == ("", "", "综合政务")
    assert doc.body == "短通知。" and doc.pub_date == "2024-01-02"


def test_gkmlpt_category_trees_are_walked_at_every_depth():
    text = ("window._CONFIG = {SID: '1', TREE: [{\"id\": 1, \"children\": [{\"id\": 2, "
            "\"name\": \"a]b\", \"children\": [{\"id\": 3}]}]}, {\"id\": 4}], X: [9]};")
    tree = balanced(text, text.index("["))
    assert tree.endswith('{"id": 4}]') and sorted(category_ids(tree)) == ["1", "2", "3", "4"]
    assert category_ids(balanced("[{id: 5, children: [{id: 6}]}, {id: 7}]", 0)) == ["5", "6", "7"]


def test_attachment_types_by_content():
    pdf, docx, xlsx = make_pdf(["测试"]), make_docx(["测试"], [["a", "b"]]), make_xlsx([["a"]])
    assert files.detect(pdf, "http://x/download?id=1") == "pdf"
    assert files.detect(docx, "http://x/file?id=2") == "docx"
    assert files.detect(xlsx, "http://x/file?id=3") == "xlsx"
    assert files.detect(b"<html></html>", "http://x/a.html") == ""
    with pytest.raises(files.UnreadableFile):
        files.extract_text(b"%PDF-1.4 broken", "pdf")
    with pytest.raises(files.UnreadableFile):
        files.extract_text(b"PK\x03\x04 not a zip", "docx")


def test_old_word_documents_yield_their_text_runs():
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "政府信息公开工作年度报告".encode(
        "utf-16-le") + b"\x00" * 8
    assert files.detect(body, "http://x/a.doc") == "doc"
    assert "政府信息公开工作年度报告" in files.extract_text(body, "doc")


def test_extract_command_on_a_page_and_a_pdf(tmp_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["extract", str(PAGES / "trs_detail.html"), "--url",
                              "http://www.example.gov.cn/zwgk/201909/t20190918_1.html"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["platform"] == "trs" and data["doc_number"] == "云政办函〔2019〕60号"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(make_pdf(["白河县2023年政府信息公开工作年度报告", "全年收到申请12件。"]))
    data = json.loads(runner.invoke(cli, ["extract", str(pdf)]).output)
    assert data["attachment"] == "pdf" and data["report_year"] == 2023
    listing = json.loads(runner.invoke(cli, ["extract", str(PAGES / "list_page.html")]).output)
    assert listing["document"] is None
    missing = runner.invoke(cli, ["extract", str(tmp_path / "none.html")])
    assert missing.exit_code == 1 and "cannot read" in missing.output


def test_html_response_for_platform_detection():
    page = HtmlResponse("http://x.gov.cn/", body=b"<script>createPageHTML(3, 0, 'index', 'html');"
                        b"</script>", encoding="utf-8")
    from crawler.adapters import adapter_for, trs

    assert adapter_for(page) is trs
    assert [r.url for r in trs.requests(page)] == ["http://x.gov.cn/index_1.html",
                                                   "http://x.gov.cn/index_2.html"]


@pytest.mark.parametrize("location,why", [
    ("/", "redirect_home"), ("http://x.gov.cn/index.html", "redirect_home"),
    ("/default.aspx", "redirect_home"), ("/col/col1/index.html", "redirect_home"),  # a start URL
    ("/404.html", "redirect_error"), ("/error.jsp?code=404", "redirect_error"),
    ("/common/notfound.htm", "redirect_error"), ("/err/tip.html", "redirect_error"),
    ("/error/500", "redirect_error"),
    ("/art/2024/5/6/art_1_404.html", ""),  # an article numbered 404: a page that moved
    ("/art/2024/5/6/new.html", ""), ("https://x.gov.cn/art/1.html", ""),  # moved, or https
    ("http://other.gov.cn/", ""),  # another host's home: not this site's
    ("/index.html?id=5", ""),  # a dynamic page behind an index script
])
def test_a_redirect_withdraws_a_known_document_when_it_leads_home_or_to_an_error(location, why):
    from crawler.withdrawals import redirect_withdrawal

    starts = ("http://x.gov.cn/col/col1/index.html",)
    assert redirect_withdrawal("http://x.gov.cn/art/1.html", location, starts) == why
    assert redirect_withdrawal("http://x.gov.cn/", location, starts) == ""  # home moving on
