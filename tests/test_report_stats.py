"""年报数据 end to end: the sample site crawled over HTTP, its annual reports' numbers and checks
through `gongkai stats`, /api/stats, /api/stats.csv and the pages, against what the generator
wrote (tables inline, in DOCX/XLSX/PDF attachments, with quirks and with deliberate errors)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from gongkai.samplesite.corpus import AGENCIES, COPIER, failing_checks
from gongkai.samplesite.report_tables import ReportNumbers
from tests.test_reports import _values


def reports_by_key(client) -> dict[tuple[str, int], dict]:
    data = client.get("/api/stats?size=100").get_json()
    return {(r["publisher"], r["report_year"]): r for r in data["reports"]}


def expected_reports(pages) -> dict[tuple[str, int], object]:
    """{(agency, year): what the generator wrote} of the sample site's annual reports."""
    return {(d.publisher, int(re.search(r"(\d{4})年", d.title).group(1))): d.stats
            for d in pages.values() if d.doc_type == "annual_report"}


def expected_failures(publisher: str, year: int, stats) -> set[str]:
    return failing_checks([a[0] for a in AGENCIES].index(publisher), year, stats)


def test_every_report_is_found_with_every_value(crawled):
    _, pages, client, _ = crawled
    found, expected = reports_by_key(client), expected_reports(pages)
    assert set(found) == set(expected) and len(found) == 24
    formats = set()
    for key, stats in expected.items():
        report = found[key]
        if isinstance(stats, ReportNumbers):
            assert report["source"] == "table" and report["template"] == stats.template, key
            assert _values(report) == _values(stats.expected()), key
            formats.add(report["url"].rsplit(".", 1)[-1])
        else:  # before 2019: what the sentences state
            assert report["source"] == "text" and report["figures"] == stats, key
    assert formats >= {"html", "docx", "xlsx", "pdf"}  # tables read from every kind of file


def test_every_check_of_every_report(crawled):
    _, pages, client, _ = crawled
    found = reports_by_key(client)
    for key, stats in expected_reports(pages).items():
        report = found[key]
        failed = {c["rule"] for c in report["checks"] if c["ok"] is False}
        assert failed == expected_failures(*key, stats), (key, report["checks"])
        assert report["failed"] == len(failed)
    # a report whose arithmetic is wrong says what is wrong, in Chinese
    wrong = found[(AGENCIES[1][0], 2022)]
    message = next(c["message"] for c in wrong["checks"] if c["rule"] == "review.sum")
    assert message.startswith("行政复议：维持、纠正、其他、尚未审结之和为")
    copied = next(c for c in found[(AGENCIES[COPIER][0], 2022)]["checks"]
                  if c["rule"] == "history.copied_text")
    assert "的句子与上一年度报告逐字相同" in copied["message"]


def test_values_a_report_does_not_give_are_null_not_zero(crawled):
    _, _, client, _ = crawled
    found = reports_by_key(client)
    prose = found[(AGENCIES[0][0], 2017)]
    assert prose["applications"]["new"]["natural_person"] is None
    assert prose["applications"]["carried_forward"]["total"] is None
    trial = found[(AGENCIES[0][0], 2019)]
    assert "items" not in trial["applications"]["other"]  # one row in the 2019 format
    assert trial["active"]["regulations"].keys() >= {"made", "published", "total_published"}


def test_the_api_pages_filters_and_rejects_bad_parameters(crawled):
    _, _, client, _ = crawled
    page = client.get("/api/stats?size=5&page=2&sort=year&order=desc").get_json()
    assert (page["total"], page["page"], page["size"], len(page["reports"])) == (24, 2, 5, 5)
    assert [r["report_year"] for r in page["reports"]] == sorted(
        [r["report_year"] for r in page["reports"]], reverse=True)
    one = client.get("/api/stats", query_string={"publisher": AGENCIES[2][0], "year": 2022})
    assert [r["report_year"] for r in one.get_json()["reports"]] == [2022]
    assert client.get("/api/stats?q=商务厅").get_json()["total"] == 8
    for bad in ("size=101", "page=-1", "year=abc", "sort=nope", "order=up"):
        response = client.get(f"/api/stats?{bad}")
        assert response.status_code == 400 and response.get_json()["ok"] is False, bad


def test_csv_has_chinese_headers_a_bom_and_every_report(crawled):
    _, pages, client, _ = crawled
    response = client.get("/api/stats.csv?year=2021")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 3
    row = next(r for r in rows if r["发布机构"] == AGENCIES[0][0])
    stats = expected_reports(pages)[(AGENCIES[0][0], 2021)]
    assert row["一、本年新收政府信息公开申请数量-总计"] == str(stats.applications["new"][6])
    assert row["行政复议-结果纠正"] == str(stats.cases["review"][1])
    assert "办理结果（一）至（六）之和不等于（七）总计" in row["未通过的检查"]


def test_stats_pages_agency_chart_and_report_tables(crawled):
    _, _, client, _ = crawled
    listing = client.get("/stats?sort=failed&order=desc").get_data(as_text=True)
    assert "年报数据" in listing and listing.count('<tr data-doc="') == 20
    agency = AGENCIES[1][0]
    page = client.get(f"/stats/{agency}").get_data(as_text=True)
    assert page.count("<polyline") == 4 and "2023" in page
    assert 'data-rule="review.sum"' in page  # the failed check, explained
    assert client.get("/stats/没有这个机关").status_code == 404
    report = reports_by_key(client)[(agency, 2021)]
    doc = client.get(f"/doc/{report['doc_id']}").get_data(as_text=True)
    assert "收到和处理政府信息公开申请情况" in doc and "（三）不予公开" in doc


def test_search_hits_of_annual_reports_show_key_figures(crawled):
    _, _, client, _ = crawled
    html = client.get("/search?q=年度报告 2021&type=annual_report").get_data(as_text=True)
    assert "新收申请 <strong>" in html and "予以公开率" in html


def test_the_command_prints_lines_csv_and_rebuilds_offline(crawled):
    config, _, _, printed = crawled
    assert "stats: 24 annual reports (" in printed and "未通过: review.sum" in printed
    rebuilt = CliRunner().invoke(cli, ["--config", str(config), "stats", "--rebuild",
                                       "--publisher", AGENCIES[0][0], "--year", "2021"])
    assert rebuilt.exit_code == 0 and "applications.results" in rebuilt.output
    assert "parsed)" in rebuilt.output
    as_csv = CliRunner().invoke(cli, ["--config", str(config), "stats", "--csv", "--year",
                                      "2019"])
    assert as_csv.output.startswith("\ufeff发布机构,报告年度") and as_csv.output.count("\n") == 4


@pytest.mark.browser
def test_a_reader_goes_from_the_list_to_an_agency_chart_and_a_reports_tables(crawled, page):
    from tests.conftest import serve_app

    config, pages, client, _ = crawled
    given = [year for (agency, year), stats in expected_reports(pages).items()
             if agency == AGENCIES[1][0] and not getattr(stats, "blank_totals", False)]
    url, server = serve_app(client.application)
    try:
        page.goto(url + "/stats")
        assert page.locator("table.stats-table tbody tr").count() == 20
        page.click(f"text={AGENCIES[1][0]} >> nth=0")
        page.wait_for_selector("figure.chart svg polyline")
        assert page.locator("figure.chart svg polyline").count() == 4
        points = page.eval_on_selector("figure.chart svg polyline", "e => e.points.length")
        # one per year, 2016 to 2023, but for a report that left its 总计 blank: no figure
        assert points == len(given) >= 6
        failed = page.locator("section#y2022 ul.failed li")
        assert failed.count() == 1 and "行政复议" in failed.first.inner_text()
        page.click("section#y2021 h2 a")
        page.wait_for_selector("table.report-table.applications")
        assert page.locator("table.report-table.applications tbody tr").count() >= 22
        assert "年报数据" in page.inner_text("section.report-stats h2")
    finally:
        server.close()


def test_an_incomplete_report_is_shown_as_such_everywhere(crawled):
    """The report an editor cut rows from (INCOMPLETE): the API names the rows, and the list,
    the CSV, the command, the agency page and a search hit say it is incomplete."""
    from gongkai.samplesite.corpus import INCOMPLETE

    _, _, client, command_output = crawled
    (index, year), dropped = next(iter(INCOMPLETE.items()))
    agency = AGENCIES[index][0]
    report = reports_by_key(client)[(agency, year)]
    assert len(report["missing"]) == len(dropped)
    assert "表三 （五）不予处理 4.无正当理由大量反复申请" in report["missing"]
    assert any(c["rule"] == "tables.incomplete" and c["ok"] is False for c in report["checks"])
    listing = client.get(f"/stats?publisher={agency}&year={year}").get_data(as_text=True)
    assert "表格不完整" in listing
    csv_text = client.get(f"/api/stats.csv?publisher={agency}").get_data(as_text=True)
    rows = {r["报告年度"]: r for r in csv.DictReader(io.StringIO(csv_text[1:]))}
    assert "无正当理由大量反复申请" in rows[str(year)]["未读到的行"]
    assert all(r["未读到的行"] == "" for y, r in rows.items() if y != str(year))
    assert f"{agency} {year} " in command_output and "表格不完整: 2 行未读到" in command_output
    page = client.get(f"/stats/{agency}").get_data(as_text=True)
    assert "表格不完整，以下 2 行未读到" in page
    # the cut rows stand in their places, said to be not read
    assert re.search(r"4\.无正当理由大量反复申请</th>(<td [^>]*>未读到</td>){7}", page)
    assert re.search(r"行政强制</th>\s*<td class=\"kind-absent\">未读到</td>", page)
    hits = client.get(f"/search?q={year}年政府信息公开工作年度报告&publisher={agency}")
    assert "表格不完整（2 行未读到）" in hits.get_data(as_text=True)
