from pathlib import Path

import pytest

from crawler.classify import classify
from crawler.dates import date_from_url, parse_date
from crawler.extract import extract

PAGES = Path(__file__).parent / "fixtures" / "pages"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_hanweb_detail_uses_metas_and_the_body_fence():
    doc = extract(page("hanweb_detail.html"), "http://swt.example.gov.cn/art/2013/2/28/art_1_1.html")
    assert doc.title == "云江省商务厅2012年政府信息公开工作年度报告"
    assert doc.pub_date == "2013-02-28"  # PubDate meta, not the Maketime meta
    assert doc.publisher == "云江省商务厅办公室"
    assert doc.body.startswith("2012年，在政务公开工作领导小组的指导下")
    assert "主动公开 | 64" in doc.body  # table cells kept apart
    for noise in ("不应出现", "分享到", "打印", "关闭", "上一篇", "Produced By", "color:red"):
        assert noise not in doc.body


def test_trs_detail_reads_the_metadata_table_by_labels():
    doc = extract(page("trs_detail.html"), "http://www.example.gov.cn/zwgk/201909/t20190918_1.html")
    assert doc.title == "关于做好2019年度政府信息公开工作年度报告编制工作的通知"
    assert doc.pub_date == "2019-09-18"
    assert doc.written_date == "2019-09-12"
    assert doc.publisher == "云江省人民政府办公厅"
    assert doc.doc_number == "云政办函〔2019〕60号"
    assert doc.index_number == "000014349/2019-00222"
    assert doc.category == "综合政务\\政务公开"
    assert "TRS_Editor" not in doc.body and "宋体" not in doc.body
    assert "年度报告按照新格式编写" in doc.body
    assert "2023" not in doc.pub_date  # not the 页面生成时间 meta


def test_list_pages_are_not_documents():
    assert extract(page("list_page.html"), "http://www.example.gov.cn/tzgg/index.html") is None


def test_generic_fallback_for_pages_without_cms_markers():
    doc = extract(page("plain_detail.html"), "http://bhx.example.gov.cn/zwgk/2011/0315/1.html")
    assert doc is not None
    assert doc.title == "白河县城关镇2010年政府信息公开工作年度报告"
    assert doc.pub_date == "2011-03-15"
    assert doc.publisher == "城关镇人民政府"
    assert "主动公开政府信息86条" in doc.body
    assert "关于我们" not in doc.body and "办事服务" not in doc.body


def test_broken_html_does_not_raise():
    assert extract("<html><body><div id='zoom'><p>残缺的页面<table><tr><td>1", "http://x/1.html") \
        is not None
    assert extract("", "http://x/2.html") is None
    assert extract("\x00\xff垃圾", "http://x/3.html") is None


@pytest.mark.parametrize("text,expected", [
    ("发布日期：2013-02-28 14:02", "2013-02-28"),
    ("2018年12月21日", "2018-12-21"),
    ("2019.09.18", "2019-09-18"),
    ("2007-08-20-23:59:59", "2007-08-20"),
    ("2019年2月30日 然后 2019年3月1日", "2019-03-01"),
    ("没有日期", ""),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("url,expected", [
    ("http://x.gov.cn/xxgk/201909/t20190918_693227.shtml", "2019-09-18"),
    ("http://x.gov.cn/art/2016/11/22/art_1621004_30332664.html", "2016-11-22"),
    ("http://x.gov.cn/zhengce/2018-12/29/content_1.htm", "2018-12-29"),
    ("http://x.gov.cn/info/1006/527700.htm", ""),
])
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


@pytest.mark.parametrize("title,expected", [
    ("云江省教育厅2023年政府信息公开工作年度报告", ("annual_report", 2023)),
    ("云江省教育厅2018年度政府信息公开工作年度报告", ("annual_report", 2018)),
    ("2010年度政府信息公開年度報告", ("annual_report", 2010)),
    ("云江省教育厅2023年度政府网站工作年度报表", ("other", None)),
    ("《2021年云江省人力资源和社会保障事业发展统计年报》", ("other", None)),
    ("云江省商务厅2023年部门预算", ("budget", None)),
    ("云江省商务厅政府信息公开指南", ("guide", None)),
    ("关于做好营商环境优化工作的通知", ("notice", None)),
])
def test_classify(title, expected):
    assert classify(title) == expected


def test_report_templates():
    from crawler.classify import report_template

    assert report_template("信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数") == "2021"
    assert report_template("信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量") == "2019"
    assert report_template("一、概述 二、主动公开政府信息情况 三、依申请公开情况") == "prose"


def test_full_width_letters_and_ideographic_spaces_are_normalized():
    from crawler.extract import clean_text

    assert clean_text("ＡＢＣ　１２３，（一）") == "ABC 123，（一）"


def test_site_name_and_section_come_from_metas():
    doc = extract(page("hanweb_detail.html"), "http://swt.example.gov.cn/art/2013/2/28/art_1_1.html")
    assert (doc.site_name, doc.section) == ("云江省商务厅", "年度报告")


@pytest.mark.parametrize("crumb", [
    '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; '
    '<a href="/xxgk/tzgg/">通知公告</a> &gt; 正文</div>',
    '<p id="dqwz">您现在的位置：首页 » 信息公开 » 通知公告 » 关于开展政务公开培训的通知</p>',
    '<nav class="breadcrumb"><ol><li>首页</li><li>/</li><li>信息公开</li><li>/</li>'
    '<li>通知公告</li></ol></nav>',
])
def test_section_falls_back_to_the_breadcrumb_and_site_to_the_title_suffix(crumb):
    html = (f"<html><head><title>关于开展政务公开培训的通知_北塘县人民政府</title></head><body>"
            f"{crumb}<h1>关于开展政务公开培训的通知</h1><p>发布日期：2024-03-02</p>"
            "<div class='x'><p>各乡镇人民政府：定于三月举办培训。</p></div></body></html>")
    doc = extract(html, "http://bt.example.gov.cn/xxgk/tzgg/1.html")
    assert doc.site_name == "北塘县人民政府"
    assert doc.section == "通知公告"
    assert "当前位置" not in doc.body and "培训" in doc.body


def test_a_page_without_site_or_section_signals_leaves_them_empty():
    html = ("<html><head><title>关于开展政务公开培训的通知</title></head><body><h1>关于开展政务公开"
            "培训的通知</h1><p>发布日期：2024-03-02</p><div><p>定于三月举办培训。</p></div></body></html>")
    doc = extract(html, "http://bt.example.gov.cn/1.html")
    assert (doc.site_name, doc.section) == ("", "")


# Layouts of real pages, reproduced in structure (tests/fixtures/pages, written here): VSB's
# table template (`td.titlestyleNNNN`, `span.timestyleNNNN`, `div#vsb_content_2`) and its
# form template (`.main_contit h2`, 作者/时间 line, `div#vsb_content_501`), both with a
# column heading before the article and a `标题-站名` <title>; a TRS 信息公开 page whose text
# sits in `.TRS_PreAppend` with no editor wrapper, Word paragraphs in every table cell, and
# metadata as `<span>label</span>value`; a UCAP page whose text runs between <br>s.
LAYOUTS = {
    "vsb_table_detail.html": {
        "title": "示例县村务监督工作规则（试行）", "pub_date": "2024-04-12",
        "publisher": "示例县纪委监委", "doc_number": "示纪发〔2024〕5号",
        "index_number": "1135xxxx00000000XX/2024-00031", "site_name": "纪检",
        "section": "法规制度",
        "first": "第一条 为规范村务监督委员会工作", "last": "第三条 本规则自印发之日起施行。"},
    "vsb_form_detail.html": {
        "title": "关于2024年上半年行政许可事项办理情况的公示", "pub_date": "2024-07-08",
        "publisher": "审批一科", "site_name": "示例市行政审批服务局", "section": "通知公告",
        "first": "根据有关规定", "last": "二、公示期为2024年7月8日至7月15日。"},
    "trs_preappend_detail.html": {
        "title": "示例省2023年规模以上工业企业利润增长4.1%", "pub_date": "2024-01-27",
        "written_date": "2024-01-27", "publisher": "示例省统计局",
        "index_number": "11000000XX/2024-00012", "section": "数据发布",
        "first": "——数据来源", "last": "注：规模以上工业企业指年主营业务收入二千万元及以上的工业企业。"},
    "ucap_text_detail.html": {
        "title": "示例市人民政府办公室关于进一步做好稳就业工作的通知", "pub_date": "2024-03-15",
        "publisher": "示例市人民政府办公室", "site_name": "示例市人民政府", "section": "政策文件",
        "first": "各区县人民政府，市直各单位：", "last": "2024年3月14日"},
}
CHROME = ("上一篇", "下一篇", "点击", "已下载", "版权所有", "技术支持", "首页", "分享到", "打印",
          "字体", "当前位置", "您的位置", "索引号", "通知公告\n", "信息公开\n")


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_real_layouts_give_title_date_publisher_numbers_and_a_clean_body(name):
    expected = LAYOUTS[name]
    doc = extract(page(name), "http://www.example.gov.cn/info/1043/1888.htm")
    fields = {k: v for k, v in expected.items() if k not in ("first", "last")}
    assert {k: getattr(doc, k) for k in fields} == fields
    lines = doc.body.splitlines()
    assert lines[0].startswith(expected["first"]) and lines[-1] == expected["last"]
    assert not [noise for noise in CHROME if noise in doc.body + "\n"]


def test_word_paragraphs_in_table_cells_stay_one_row():
    doc = extract(page("trs_preappend_detail.html"), "http://www.example.gov.cn/a.html")
    assert "行业 | 利润总额（亿元） | 比上年增长（%）" in doc.body.splitlines()
    assert "电力、热力、燃气及水生产和供应业 | 139.4 | 2.7" in doc.body.splitlines()


@pytest.mark.parametrize("head, shown, title", [
    ("中华人民共和国监察法-纪检", "<h3>中华人民共和国监察法</h3>", "中华人民共和国监察法"),
    ("2021-2025年发展规划——示例区", "<div class='bt'>2021-2025年发展规划</div>",
     "2021-2025年发展规划"),
    ("关于开展安全检查的通知_政策文件_示例市",
     "<table><tr><td>关于开展安全检查的通知</td></tr></table>", "关于开展安全检查的通知"),
    # a <title> that is the site's name alone, shown in the header: not the page's title
    ("示例市人民政府", "<div class='head'>示例市人民政府</div><h1>关于春节放假的通知</h1>",
     "关于春节放假的通知"),
])
def test_the_title_is_the_part_of_the_head_the_page_shows(head, shown, title):
    html = (f"<html><head><title>{head}</title></head><body><h2>工作动态</h2>{shown}"
            f"<div id='zoom'><p>正文。</p></div></body></html>")
    assert extract(html, "http://www.example.gov.cn/a.html").title == title
