"""Unit tests of the crawler's pieces that need no server: URLs, encodings, walls, attachments."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy.http import HtmlResponse, Response

from crawler import attachments
from crawler.encoding import decode_html, detect_encoding
from crawler.middlewares import bot_wall, soft_404
from crawler.urls import canonical_url
from gongkai.cli import cli
from tests.sites import make_docx, make_pdf, make_xlsx

PAGES = Path(__file__).parent / "fixtures" / "pages"


@pytest.mark.parametrize("url,expected", [
    ("http://X.gov.cn:80/a/index.html#top", "http://x.gov.cn/a/"),
    ("https://x.gov.cn/a/", "https://x.gov.cn/a/"),
    ("http://x.gov.cn", "http://x.gov.cn/"),
    ("http://x.gov.cn/a.html?utm_source=wx&id=3&spm=1.2", "http://x.gov.cn/a.html?id=3"),
    ("http://x.gov.cn/col/index.html?uid=5&pageNum=2", "http://x.gov.cn/col/?uid=5&pageNum=2"),
    ("http://127.0.0.1:8001/default.htm", "http://127.0.0.1:8001/"),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_undeclared_gbk_is_detected_and_declared_charsets_win():
    text = "<html><body><p>各乡镇人民政府：请做好防汛准备工作。</p></body></html>"
    assert detect_encoding(text.encode("gbk")) == "gb18030"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert "防汛" in decode_html(text.encode("gbk"))
    declared = '<meta charset="gb2312">' + text
    assert "防汛" in decode_html(declared.encode("gbk"))
    assert "防汛" in decode_html(text.encode("gbk"), "text/html; charset=GBK")


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
    assert attachments.url_extension(url) == ext
    assert attachments.file_name(url) == name


def test_attachment_types_by_content():
    pdf, docx, xlsx = make_pdf(["测试"]), make_docx(["测试"], [["a", "b"]]), make_xlsx([["a"]])
    assert attachments.detect(pdf, "http://x/download?id=1") == "pdf"
    assert attachments.detect(docx, "http://x/file?id=2") == "docx"
    assert attachments.detect(xlsx, "http://x/file?id=3") == "xlsx"
    assert attachments.detect(b"<html></html>", "http://x/a.html") == ""
    with pytest.raises(attachments.AttachmentError):
        attachments.extract_text(b"%PDF-1.4 broken", "pdf")
    with pytest.raises(attachments.AttachmentError):
        attachments.extract_text(b"PK\x03\x04 not a zip", "docx")


def test_old_word_documents_yield_their_text_runs():
    body = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "政府信息公开工作年度报告".encode(
        "utf-16-le") + b"\x00" * 8
    assert attachments.detect(body, "http://x/a.doc") == "doc"
    assert "政府信息公开工作年度报告" in attachments.extract_text(body, "doc")


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
