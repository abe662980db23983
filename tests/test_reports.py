"""年报数据: reading the statistics tables of annual reports, quirk by quirk, and checking them."""

from __future__ import annotations

import pytest

from gongkai.samplesite import report_tables as sample
from gongkai.samplesite.corpus import AGENCIES, ERRORS, generate
from gongkai.samplesite.render import render_detail
from reading import tables
from reports.checks import check_history, check_report, copied_share, sentences
from reports.parse import Value, read_tables
from reports.prose import chinese_number, prose_figures
from reports.stats import report_data

SEVEN = ["3", "1", "0", "0", "0", "1", "5"]


@pytest.mark.parametrize("cell,expected", [
    ("12", ("number", 12)), ("１２", ("number", 12)), ("1,234", ("number", 1234)),
    ("１，２３４", ("number", 1234)), ("12.5", ("number", 12.5)), ("-3", ("number", -3)),
    ("—", ("dash", None)), ("/", ("dash", None)), ("无", ("dash", None)), ("-", ("dash", None)),
    ("", ("blank", None)), ("\xa0", ("blank", None)), ("自然人", None), ("元", None),
    ("第2项", None), ("2021年", None),
    # a number printed with its unit or a note keeps the number, and says so
    ("12件", ("noted", 12)), ("251000元", ("noted", 251000)), ("3（件）", ("noted", 3)),
    ("约5万", ("noted", 5)), ("７７３０．２８万元", ("noted", 7730.28)),
])
def test_cells_read_as_numbers_dashes_blanks_or_labels(cell, expected):
    assert tables.parse_value(cell) == expected


def test_a_sentence_ending_in_a_number_with_a_unit_is_not_a_table_row():
    assert tables.parse_value("21件", noted=False) is None
    text = "（二）部分公开的申请，全年共受理 21件\n（二）部分公开 4 0 0 0 0 0 4\n行政处罚 ９，２１９件"
    found = read_tables(tables.text_rows(text), "2021")
    assert [v.value for v in found.applications["partial"].values()] == [4, 0, 0, 0, 0, 0, 4]
    assert found.notes == []  # the sentence was not taken for a row it could not read
    assert found.active["punishment"]["decisions"] == Value(9219, "noted")


def _row(*texts: str) -> str:
    return "<tr>" + "".join(f"<td>{t}</td>" for t in texts) + "</tr>"


def test_rowspan_and_colspan_give_every_row_its_full_label():
    html = ("<table>" + "<tr><td colspan=3>一、本年新收政府信息公开申请数量</td>"
            + "".join(f"<td>{v}</td>" for v in SEVEN) + "</tr>"
            "<tr><td rowspan=3>三、本年度办理结果</td><td rowspan=2>（三）不予公开</td>"
            "<td>1.属于国家秘密</td>" + "".join("<td>0</td>" for _ in range(7)) + "</tr>"
            "<tr><td>2.其他法律行政法规禁止公开</td>" + "".join("<td>1</td>" for _ in range(6))
            + "<td>6</td></tr>"
            "<tr><td colspan=2>（七）总计</td>" + "".join(f"<td>{v}</td>" for v in SEVEN)
            + "</tr></table>")
    rows = tables.html_rows(html)
    assert [c.text for c in rows[2]][:3] == ["三、本年度办理结果", "（三）不予公开",
                                             "2.其他法律行政法规禁止公开"]
    assert [c.carried for c in rows[2]][:3] == [True, True, False]
    found = read_tables(rows, "2021")
    assert found.items["denied"][2]["total"].value == 6
    # two of its eight items: the group has no sum to tell, and the report says what is missing
    assert found.applications["denied"]["total"].kind == "absent"
    assert "表三 （三）不予公开 3.危及“三安全一稳定”" in found.missing
    assert found.applications["new"]["natural_person"].value == 3
    assert found.applications["total_processed"]["total"].value == 5


def test_labels_broken_by_spaces_and_line_breaks_and_a_split_header():
    header = "<table><tr><td>自然人</td><td>商业企业</td><td>总计</td></tr></table>"
    body = ("<table><tr><td>一、本年新收<br>政府信息公开 申请数量</td>"
            + "".join(f"<td>{v}</td>" for v in SEVEN) + "</tr>"
            "<tr><td>四、结转下年度<br/>继续办理</td>" + "<td>—</td>" * 6 + "<td></td></tr></table>")
    found = read_tables(tables.html_rows(header + body), "2021")
    assert found.applications["new"]["total"].value == 5
    forward = found.applications["carried_forward"]
    assert forward["total"].value == 0 and forward["total"].kind == "blank"
    assert forward["natural_person"].kind == "dash"


def test_the_2021_other_handling_items_are_read_in_their_group():
    rows = tables.text_rows("\n".join([
        "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 1 0 0 0 0 0 1",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0",
        "3.其他 2 0 0 0 0 0 2", "（七）总计 9 0 0 0 0 0 9"]))
    found = read_tables(rows, "2021")
    assert {n: row["total"].value for n, row in found.items["other"].items()} == {1: 1, 2: 0,
                                                                                   3: 2}
    assert found.applications["other"]["total"].value == 3
    assert found.applications["total_processed"]["total"].value == 9


def test_pdf_rows_a_label_line_then_its_numbers_and_a_short_row():
    rows = tables.text_rows("一、本年新收政府信息公开申请数量\n12 0 0 0 0 0 12\n二、上年结转政府信息公开申请数量 1 0")
    found = read_tables(rows, "2021")
    assert found.applications["new"]["total"].value == 12
    assert found.applications["carried_over"]["total"].kind == "unreadable"
    assert found.notes and "只读到 2 个数" in found.notes[0]


def test_table_four_and_table_two_with_decimals_and_separators():
    rows = tables.text_rows("\n".join([
        "行政复议 行政诉讼", "1 1 0 0 2 0 0 0 1 1 0 1 0 0 1",
        "规章 | 3 | 0 | 12", "行政许可 | 12,345", "行政事业性收费 | 23.75"]))
    found = read_tables(rows, "2021")
    assert {k: v.value for k, v in found.cases["review"].items()} == {
        "upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 2}
    assert found.cases["litigation_after_review"]["total"].value == 1
    assert found.active["regulations"]["in_force"].value == 12
    assert found.active["licensing"]["decisions"].value == 12345
    assert found.active["fees"]["amount_10k_yuan"].value == 23.75


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx", "xlsx_wide", "pdf", "pdf_narrow",
                                 "pdf_lines"])
@pytest.mark.parametrize("template", ["2019", "2021"])
def test_every_format_with_every_quirk_reads_exactly(fmt, template):
    import random

    from reading.files import extract_text
    from reading.pdf_tables import pdf_rows

    report = sample.numbers(random.Random(fmt + template), template, [1, 0, 0, 0, 0, 2])
    quirks = set(sample.QUIRKS) - ({"blank_totals"} if fmt == "pdf_lines" else set())
    report.blank_totals = "blank_totals" in quirks
    grids = [sample.active_grid(report, quirks),
             [*sum(sample.applications_grid(report, quirks), [])],
             sample.cases_grid(report, quirks)]
    if fmt == "html":
        rows = tables.html_rows("".join(sample.html_tables(report, quirks).values()))
    elif fmt == "docx":
        rows = tables.docx_rows(sample.docx_file(grids, ["统计表"]))
    elif fmt.startswith("xlsx"):
        rows = tables.xlsx_rows(sample.xlsx_file(grids, wide=fmt == "xlsx_wide"))
    elif fmt == "pdf_lines":  # no ruling lines: text lines, labels wrapped as in a narrow cell
        text = extract_text(sample.pdf_file(sample.text_lines(grids, wrap=8)), "pdf")
        assert "（二）部 分公开" in text.splitlines()  # a label's first line, its numbers below
        rows = tables.text_rows(text)
    else:  # as WPS/Word export it: ruling lines, labels wrapping inside narrow cells
        rows = pdf_rows(sample.pdf_tables_file(grids, ["统计表"], narrow=fmt == "pdf_narrow"))
    found = read_tables(rows, template)
    assert found.missing == [] and found.notes == []
    data = report_data({"report_template": template}, found, {})
    assert _values(data) == _values(report.expected())


def _values(data: dict) -> dict:
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in ("kinds", "label")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return {k: strip(data[k]) for k in ("applications", "active", "review", "litigation_direct",
                                        "litigation_after_review")}


def test_every_generated_report_reads_exactly():
    """The sample archive's reports (inline HTML with quirks, DOCX, XLSX, PDF) against the
    numbers the generator knows."""
    from reports.stats import parse_document

    docs = generate(seed=7, years=range(2016, 2024), notices_per_agency=0, agencies=AGENCIES[:3])
    checked = 0
    for doc in docs:
        if not isinstance(doc.stats, sample.ReportNumbers):
            continue
        raw = (doc.files[0].data, "") if doc.files else \
            (render_detail(doc).encode("utf-8"), "text/html; charset=utf-8")
        url = doc.files[0].name if doc.files else "report.html"
        data = parse_document({"url": url, "body": "", "report_template": doc.stats.template},
                              raw)
        assert _values(data) == _values(doc.stats.expected()), doc.title
        assert len(data["missing"]) == len(doc.stats.dropped), doc.title  # what an editor cut
        checked += 1
    assert checked == 15


@pytest.mark.parametrize("text,value", [("12", 12), ("两", 2), ("十二", 12), ("二十", 20),
                                        ("一百零五", 105), ("三千二百", 3200), ("许多", None)])
def test_chinese_numerals(text, value):
    assert chinese_number(text) == value


def test_reports_before_2019_state_their_figures_in_sentences():
    text = ("2017年，全年共收到政府信息公开申请十二件，其中予以公开8件，部分公开两件，"
            "不予公开1件，信息不存在1件。未发生因政府信息公开申请引起的行政复议。行政诉讼案件1件。")
    assert prose_figures(text) == {"applications": 12, "granted": 8, "partial": 2, "denied": 1,
                                   "not_exist": 1, "review": 0, "litigation": 1}
    assert prose_figures("本年度工作稳步推进。") == {}  # not stated: left out, never 0


# ------------------------------------------------------------------ checks

def _report(**changes) -> dict:
    import random

    report = sample.numbers(random.Random(1), "2021", [1, 0, 0, 0, 0, 0])
    for rule in changes.get("broken", ()):
        sample.break_arithmetic(report, rule)
    data = {"source": "table", "template": "2021", "notes": [], "active": report.active,
            "applications": {k: dict(v) for k, v in report.expected()["applications"].items()}}
    data.update({c: report.expected()[c] for c in ("review", "litigation_direct",
                                                     "litigation_after_review")})
    return data


def _outcomes(checks) -> dict:
    return {c.rule: c.ok for c in checks}


def test_a_consistent_report_passes_every_check():
    assert set(_outcomes(check_report(_report())).values()) == {True}


@pytest.mark.parametrize("rule", sorted(set(ERRORS.values())))
def test_each_arithmetic_error_fails_its_checks_with_a_chinese_message(rule):
    import random

    report = sample.numbers(random.Random(1), "2021", [1, 0, 0, 0, 0, 0])
    sample.break_arithmetic(report, rule)
    data = _report(broken=[rule])
    checks = check_report(data)
    failed = {c.rule for c in checks if c.ok is False}
    assert failed == report.failing
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c.message) for c in checks)


def test_missing_values_make_a_check_unknown_not_failed():
    data = _report()
    data["applications"]["carried_forward"] = {c: None for c in data["applications"]["new"]}
    outcome = _outcomes(check_report(data))
    assert outcome["applications.balance"] is None


def test_negative_numbers_fail_except_a_change_from_last_year():
    data = _report()
    data["applications"]["granted"]["natural_person"] = -1
    assert _outcomes(check_report(data))["values.non_negative"] is False
    data = _report()
    data["active"] = {"licensing": {"items_last_year": 3, "change": -2, "decisions": 1}}
    assert _outcomes(check_report(data))["values.non_negative"] is True


def test_checks_against_last_year():
    this, before = _report(), _report()
    before["applications"]["carried_forward"]["total"] = this["applications"]["carried_over"][
        "total"]
    outcome = _outcomes(check_history(this, before, copied=0.1))
    assert outcome == {"history.carried_over": True, "history.jump": True,
                       "history.copied_text": True}
    before["applications"]["carried_forward"]["total"] += 4
    before["applications"]["new"]["total"] = 8 * (this["applications"]["new"]["total"] or 1) + 10
    checks = check_history(this, before, copied=0.8)
    assert _outcomes(checks) == {"history.carried_over": False, "history.jump": False,
                                 "history.copied_text": False}
    assert "80% 的句子与上一年度报告逐字相同" in checks[-1].message
    assert _outcomes(check_history(this, None, None)) == {"history.previous": None}


def test_copied_sentences_exclude_template_wording():
    last = sentences("本报告根据条例编制。今年我们重点推进了营商环境优化工作。全年召开专题会议五次。")
    now = sentences("本报告根据条例编制。今年我们重点推进了营商环境优化工作。全年开展培训十二次。")
    assert copied_share(now, last, set()) == pytest.approx(2 / 3)
    assert copied_share(now, last, {"本报告根据条例编制"}) == pytest.approx(1 / 2)


def _generated(template: str = "2021", **changes) -> tuple[sample.ReportNumbers, list]:
    import random

    report = sample.numbers(random.Random("layout" + template), template, [1, 0, 0, 0, 0, 2])
    for name, value in changes.items():
        setattr(report, name, value)
    return report, [sample.active_grid(report, set()),
                    [*sum(sample.applications_grid(report, set()), [])],
                    sample.cases_grid(report, set())]


def test_the_wps_like_pdf_holds_the_failure_of_reading_it_by_lines():
    """What broke on real WPS/Word reports: read as text lines, a label wrapped in its narrow
    cell loses its row; read by the cells' boxes, every value is there."""
    from reading.files import extract_text
    from reading.pdf_tables import pdf_rows

    report, grids = _generated()
    pdf = sample.pdf_tables_file(grids, ["统计表"], narrow=True)
    by_lines = read_tables(tables.text_rows(extract_text(pdf, "pdf")), "2021")
    by_boxes = read_tables(pdf_rows(pdf), "2021")
    assert by_boxes.missing == [] and by_boxes.found() == 200
    assert by_lines.found() < by_boxes.found() * 0.7 or by_lines.missing  # it lost rows


def test_a_report_missing_rows_says_so_and_is_never_clean():
    report, grids = _generated(dropped={("item", "unable", 3), ("active", "licensing")})
    found = read_tables(tables.html_rows("".join(sample.html_table(g) for g in grids)), "2021")
    assert found.missing == ["表三 （四）无法提供 3.补正后申请内容仍不明确", "表二 行政许可"]
    data = report_data({"report_template": "2021"}, found, {})
    assert data["applications"]["unable"]["kinds"]["total"] == "absent"  # no partial sum
    checks = {c.rule: c for c in check_report(data)}
    assert checks["tables.incomplete"].ok is False
    assert "2 行未读到" in checks["tables.incomplete"].message
    assert "补正后申请内容仍不明确" in checks["tables.incomplete"].message
    assert [c.rule for c in checks.values() if c.ok is False] == ["tables.incomplete"]


def test_totals_left_blank_are_blank_and_the_sums_say_so():
    report, grids = _generated(blank_totals=True)
    found = read_tables(tables.html_rows("".join(sample.html_table(g) for g in grids)), "2021")
    assert found.applications["new"]["total"] == Value(None, "blank")
    assert found.applications["new"]["natural_person"].value == report.applications["new"][0]
    checks = {c.rule: c for c in check_report(report_data({"report_template": "2021"}, found,
                                                          {}))}
    assert [c.rule for c in checks.values() if c.ok is False] == []  # not as if 总计 were 0
    assert "总计未填" in checks["applications.balance"].message
    assert "总计未填" in checks["applications.columns"].message


def test_a_scanned_report_is_unreadable_with_its_reason_and_never_clean():
    import io

    from reportlab.pdfgen import canvas

    from reports.stats import SCANNED, parse_document

    buf = io.BytesIO()
    page = canvas.Canvas(buf)  # a page with lines and a filled seal, and no text layer
    for y in range(200, 700, 20):
        page.line(60, y, 540, y)
    page.circle(400, 300, 50, fill=1)
    page.save()
    data = parse_document({"url": "http://x.gov.cn/a.pdf", "body": "",
                           "report_template": "2021"}, (buf.getvalue(), "application/pdf"))
    assert data["unreadable"] == SCANNED and data["source"] == "none"
    assert [(c.rule, c.ok, c.message) for c in check_report(data)] == [
        ("tables.found", False, SCANNED)]


def test_a_formula_whose_result_was_never_saved_is_not_read_as_zero():
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["一、本年新收政府信息公开申请数量", 3, 1, 0, 0, 0, 1, "=SUM(B1:G1)"])
    sheet.append(["二、上年结转政府信息公开申请数量", 0, 0, 0, 0, 0, 0, 0])
    buf = io.BytesIO()
    book.save(buf)  # openpyxl saves formulas without their results, as some systems do
    rows = tables.xlsx_rows(buf.getvalue())
    assert rows[0][-1].text == "#公式"
    found = read_tables(rows, "2021")
    assert found.applications["new"]["total"] == Value(None, "unreadable")  # not a silent 0
    assert found.applications["new"]["natural_person"] == Value(3, "number")
    checks = {c.rule: c for c in check_report(report_data({"report_template": "2021"}, found,
                                                          {}))}
    assert checks["tables.readable"].ok is False
    assert "一、本年新收政府信息公开申请数量（总计）" in checks["tables.readable"].message
    assert found.applications["carried_over"]["total"] == Value(0, "number")


@pytest.mark.parametrize("body", [b"%PDF-1.4 broken", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF"])
def test_a_broken_pdf_is_read_from_its_archived_text_not_a_crash(body):
    from reports.stats import parse_document

    text = "一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3"
    data = parse_document({"url": "http://x.gov.cn/a.pdf", "body": text,
                           "report_template": "2021"}, (body, "application/pdf"))
    assert data["applications"]["new"]["total"] == 3 and data["missing"]


def test_a_group_label_cut_by_a_page_break_keeps_its_items():
    """Seen on a real WPS report: the page break cut （四）无法提供 into `（四）无` at the foot
    of one page and `法提供` at the top of the next; each item's own words tell its group."""
    seven = lambda n: [tables.Cell(str(n)), *[tables.Cell("0")] * 5, tables.Cell(str(n))]  # noqa: E731
    rows = [[tables.Cell("（三）不予公开"), tables.Cell("8.属于行政查询事项"), *seven(1)],
            [tables.Cell("（四）无"), tables.Cell("1.本机关不掌握相关政府信息"), *seven(5)],
            [tables.Cell("法提供"), tables.Cell("2.没有现成信息需要另行制作"), *seven(2)],
            [tables.Cell("法提供", carried=True), tables.Cell("3.补正后申请内容仍不明确"), *seven(3)],
            [tables.Cell("（五）不予处理"), tables.Cell("2.重复申请"), *seven(4)]]
    found = read_tables(rows, "2021")
    assert {n: v["total"].value for n, v in found.items["unable"].items()} == {1: 5, 2: 2, 3: 3}
    assert found.items["denied"] == {8: found.items["denied"][8]}  # nothing misfiled there
    assert found.items["not_processed"][2]["total"].value == 4
