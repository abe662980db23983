from indexer import snippets


def test_everything_is_escaped_except_our_marks():
    html = snippets.render("<b>A&B</b> 信息公开 <script>", [(11, 15)])
    assert "<mark>信息公开</mark>" in html
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_overlapping_spans_merge():
    assert snippets.merge_spans([(5, 8), (0, 3), (2, 4), (8, 9)]) == [(0, 4), (5, 9)]


def test_window_prefers_more_distinct_matches():
    text = "甲" * 300 + "公开" + "乙" * 300 + "公开 复议" + "丙" * 300
    spans = snippets.find_all(text, "公开") + snippets.find_all(text, "复议")
    html = snippets.render(text, spans)
    assert "<mark>公开</mark> <mark>复议</mark>" in html
    assert html.startswith("…") and html.endswith("…")


def test_matches_far_into_long_documents_are_found():
    text = "无关内容。" * 20000 + "关键发现"
    html = snippets.render(text, snippets.find_all(text, "关键发现"))
    assert "<mark>关键发现</mark>" in html


def test_no_match_gives_the_start_of_the_text():
    assert snippets.render("第一行\n第二行", []) == "第一行 第二行"


def test_several_fragments_for_long_documents():
    text = "公开" + "中" * 500 + "复议" + "中" * 500
    spans = snippets.find_all(text, "公开") + snippets.find_all(text, "复议")
    html = snippets.render(text, spans, fragments=2)
    assert html.count("<mark>") == 2


def test_mark_escapes_the_whole_text():
    assert snippets.mark("<i>年度报告</i>", [(3, 7)]) == "&lt;i&gt;<mark>年度报告</mark>&lt;/i&gt;"
    assert snippets.mark("标题", []) == "标题"
