"""Report statistics as CSV (one row per report, Chinese headers named after the template rows,
UTF-8 with a BOM so Excel opens it) and as the short lines `gongkai stats` prints."""

from __future__ import annotations

import csv
import io

from reports.model import (
    ACTIVE_COLUMN_LABELS,
    ACTIVE_ROWS,
    APPLICANT_LABELS,
    APPLICANTS,
    APPLICATION_ROWS,
    CASE_LABELS,
    CASES,
    OUTCOME_LABELS,
    OUTCOMES,
)

BOM = "\ufeff"


def _columns() -> list[tuple[str, object]]:
    """(header, how to read the value from a report) for every CSV column."""
    columns: list[tuple[str, object]] = [
        ("发布机构", "publisher"), ("报告年度", "report_year"), ("报告格式", "template"),
        ("数据来源", "source"), ("文件标题", "title"), ("链接", "url")]
    for row in APPLICATION_ROWS:
        for column in APPLICANTS:
            columns.append((f"{row.label}-{APPLICANT_LABELS[column]}",
                            ("applications", row.key, column)))
        for item in dict.fromkeys([*row.items, *(row.items_2021 or ())]):
            for column in APPLICANTS:
                columns.append((f"{row.label}{item.number}.{item.label}-{APPLICANT_LABELS[column]}",
                                ("item", row.key, item.number, item.label, column)))
    for case in CASES:
        for outcome in OUTCOMES:
            columns.append((f"{CASE_LABELS[case]}-{OUTCOME_LABELS[outcome]}", (case, outcome)))
    for row in ACTIVE_ROWS:
        for column in dict.fromkeys(c for cs in row.columns.values() for c in cs):
            columns.append((f"{row.label}-{ACTIVE_COLUMN_LABELS[column]}",
                            ("active", row.key, column)))
    columns.append(("未读到的行", "missing"))
    columns.append(("未通过的检查", "failed_checks"))
    return columns


COLUMNS = _columns()


def _cell(report: dict, how) -> object:
    if how == "failed_checks":
        return "；".join(c["message"] for c in report["checks"] if c["ok"] is False)
    if how == "missing":
        return "；".join(report.get("missing") or [])
    if isinstance(how, str):
        return report.get(how)
    if how[0] == "applications":
        return report["applications"].get(how[1], {}).get(how[2])
    if how[0] == "item":
        _, key, number, label, column = how
        for item in report["applications"].get(key, {}).get("items", []):
            if item["item"] == number and item["label"] == label:
                return item.get(column)
        return None
    if how[0] == "active":
        return report.get("active", {}).get(how[1], {}).get(how[2])
    return report.get(how[0], {}).get(how[1])


def csv_text(reports: list[dict]) -> str:
    """Every report as a CSV row (a value the report does not give is an empty cell)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([header for header, _ in COLUMNS])
    for report in reports:
        writer.writerow(["" if (v := _cell(report, how)) is None else v for _, how in COLUMNS])
    return out.getvalue()


def rate(value: float | None) -> str:
    """A share as a percentage, or — ."""
    return "—" if value is None else f"{value:.1%}"


def summary_lines(reports: list[dict]) -> list[str]:
    """One line per report: agency, year, key figures and failed checks."""
    lines = []
    for r in reports:
        failed = [c["rule"] for c in r["checks"] if c["ok"] is False]
        lines.append(f"{r['publisher']} {r['report_year']} ({r['template']}, {r['source']}): "
                     f"新收 {_show(r['new'])}, 予以公开率 {rate(r['granted_rate'])}, "
                     f"复议纠正 {_show(r['review_corrected'])}, "
                     f"诉讼纠正 {_show(r['litigation_corrected'])}"
                     + (f"; 未通过: {', '.join(failed)}" if failed else "")
                     + (f"; 表格不完整: {len(r['missing'])} 行未读到" if r.get("missing") else ""))
    return lines


def _show(value) -> str:
    return "—" if value is None else str(value)
