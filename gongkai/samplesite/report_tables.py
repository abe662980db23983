"""The statistics tables of the sample annual reports (表二, 表三, 表四), with numbers this module
knows, laid out as real reports lay them out (DOMAIN.md §2.7): Word-exported HTML with rowspan
and colspan, DOCX and XLSX tables with merged cells, or PDF text rows. Quirks seen on real
sites can be switched on: labels broken by spaces and <br>, full-width digits, dashes or blank
cells for zero, the header rows in a table of their own, thousands separators.

A table is laid out as a grid of (text, colspan, rowspan) cells, and every format is written
from that grid.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from functools import lru_cache

from reports.model import (
    ACTIVE_ROWS,
    APPLICANTS,
    APPLICATION_ROWS,
    CASES,
    OUTCOMES,
)

Grid = list[list[tuple[str, int, int]]]  # rows of (text, colspan, rowspan)
QUIRKS = ("spaces", "fullwidth", "dashes", "split_header", "thousands")
_ROWS = {r.key: r for r in APPLICATION_ROWS}
_FULLWIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


@dataclass
class ReportNumbers:
    """One report's numbers; `failing` names the checks its errors make fail."""

    template: str
    applications: dict[str, list[int]] = field(default_factory=dict)  # row → 7 values
    items: dict[str, dict[int, list[int]]] = field(default_factory=dict)
    cases: dict[str, list[int]] = field(default_factory=dict)  # case → 5 values
    active: dict[str, dict[str, int | float]] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)

    def expected(self) -> dict:
        """What a parser must read: the data shape of reports.stats (values only)."""
        apps = {}
        for row in APPLICATION_ROWS:
            values = dict(zip(APPLICANTS, self.applications[row.key], strict=True))
            if row.items_for(self.template):
                labels = {i.number: i.label for i in row.items_for(self.template)}
                values["items"] = [dict(zip(APPLICANTS, v, strict=True), item=n, label=labels[n])
                                   for n, v in sorted(self.items.get(row.key, {}).items())]
            apps[row.key] = values
        return {"applications": apps, "active": self.active,
                **{c: dict(zip(OUTCOMES, v, strict=True)) for c, v in self.cases.items()}}


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def numbers(rng: random.Random, template: str, carried_over: list[int],
            scale: int = 20) -> ReportNumbers:
    """Consistent numbers for one report: this year's 上年结转 is `carried_over` (last year's
    结转下年度, six applicant columns), and every 勾稽关系 holds. New applications stay within a
    band around `scale` (no jump from year to year unless a report asks for one), and court
    cases stay below the base the jump check looks at."""
    report = ReportNumbers(template)
    new = [rng.randint(scale, 2 * scale), rng.randint(scale // 4, scale // 2), rng.randint(0, 2),
           rng.randint(0, 1), rng.randint(0, 1), rng.randint(0, 3)]
    forward = [rng.randint(0, min(2, n + c)) for n, c in zip(new, carried_over, strict=True)]
    processed = [n + c - f for n, c, f in zip(new, carried_over, forward, strict=True)]
    results: dict[str, list[int]] = {key: [0] * 6 for key in ("granted", "partial")}
    group_items = {key: len(_ROWS[key].items_for(template)) or 1
                   for key in ("denied", "unable", "not_processed", "other")}
    items = {key: [[0] * 6 for _ in range(n)] for key, n in group_items.items()}
    for column, total in enumerate(processed):
        # most are granted (as at real agencies), some partly; the rest spread over the other
        # results and their items
        granted = round(total * rng.uniform(0.5, 0.7))
        partial = rng.randint(0, (total - granted) // 3)
        results["granted"][column], results["partial"][column] = granted, partial
        rest = iter(_split(rng, total - granted - partial, sum(group_items.values())))
        for key, n in group_items.items():
            for i in range(n):
                items[key][i][column] = next(rest)
    with_total = lambda six: [*six, sum(six)]  # noqa: E731
    report.applications = {"new": with_total(new), "carried_over": with_total(carried_over),
                           "granted": with_total(results["granted"]),
                           "partial": with_total(results["partial"]),
                           "total_processed": with_total(processed),
                           "carried_forward": with_total(forward)}
    for key, rows in items.items():
        if _ROWS[key].items_for(template):
            report.items[key] = {n + 1: with_total(r) for n, r in enumerate(rows)}
        report.applications[key] = with_total([sum(r[c] for r in rows) for c in range(6)])
    for case in CASES:
        four = [rng.randint(0, 2), rng.randint(0, 1), 0, rng.randint(0, 1)]
        report.cases[case] = [*four, sum(four)]
    report.active = _active(rng, template)
    return report


def _active(rng: random.Random, template: str) -> dict[str, dict[str, int | float]]:
    values: dict[str, dict[str, int | float]] = {}
    for row in ACTIVE_ROWS:
        columns = row.columns.get(template)
        if not columns:
            continue
        values[row.key] = {}
        for column in columns:
            if column == "amount_10k_yuan" or column == "amount":
                value: int | float = round(rng.uniform(0.5, 900), 2)
            elif column == "decisions":
                value = rng.randint(0, 25_000)
            elif column == "change":
                value = rng.randint(-5, 5)
            else:
                value = rng.randint(0, 60)
            values[row.key][column] = value
    return values


def break_arithmetic(report: ReportNumbers, rule: str) -> None:
    """Make one check fail, as a report with a typo in its tables does."""
    if rule == "applications.results":  # (七)总计 one more than (一)…(六): also off balance
        report.applications["total_processed"][0] += 1
        report.applications["total_processed"][6] += 1
        report.failing |= {"applications.results", "applications.balance"}
    elif rule == "review.sum":
        report.cases["review"][4] += 2
        report.failing.add("review.sum")
    elif rule == "applications.columns":
        report.applications["new"][6] += 1  # 总计 column no longer the sum of the six
        report.failing |= {"applications.columns", "applications.balance"}


# ---------------------------------------------------------------- grids

@lru_cache(maxsize=64)
def _dash(quirks: frozenset[str]) -> str:
    """How a report with these quirks writes 0 (the same way throughout)."""
    return random.Random(",".join(sorted(quirks))).choice(["—", "/", "", "无"])


def _cell(value, quirks: set[str]) -> str:
    if value == 0 and "dashes" in quirks:
        return _dash(frozenset(quirks))
    text = f"{value:,}" if isinstance(value, int) and value >= 1000 and "thousands" in quirks \
        else (f"{value:g}" if isinstance(value, float) else str(value))
    return text.translate(_FULLWIDTH) if "fullwidth" in quirks else text


def _label(text: str, quirks: set[str]) -> str:
    if "spaces" in quirks and len(text) > 6:
        return text[:4] + " " + text[4:]
    return text


def applications_grid(report: ReportNumbers, quirks: set[str]) -> tuple[Grid, Grid]:
    """表三 as (header rows, body rows)."""
    header: Grid = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
         ("申请人情况", 7, 1)],
        [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
        [("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1),
         ("其他", 1, 1)]]
    values = lambda v: [(_cell(x, quirks), 1, 1) for x in v]  # noqa: E731
    body: Grid = []
    for key in ("new", "carried_over"):
        body.append([(_label(_ROWS[key].label, quirks), 3, 1),
                     *values(report.applications[key])])
    result_rows = 2 + sum(len(report.items.get(k, {})) or 1
                          for k in ("denied", "unable", "not_processed", "other")) + 1
    first = [("三、本年度办理结果", 1, result_rows)]
    for key in ("granted", "partial"):
        label = _ROWS[key].label + ("（区分处理的，只计这一情形，不计其他情形）" if key == "partial"
                                     else "")
        body.append([*first, (_label(label, quirks), 2, 1), *values(report.applications[key])])
        first = []
    for key in ("denied", "unable", "not_processed", "other"):
        row = _ROWS[key]
        items = report.items.get(key)
        if not items:
            body.append([(_label(row.label, quirks), 2, 1), *values(report.applications[key])])
            continue
        for n, item in enumerate(row.items_for(report.template), start=1):
            group = [(row.label, 1, len(items))] if n == 1 else []
            body.append([*group, (_label(f"{n}.{item.label}", quirks), 1, 1),
                         *values(items[n])])
    body.append([(_ROWS["total_processed"].label, 2, 1),
                 *values(report.applications["total_processed"])])
    body.append([(_label(_ROWS["carried_forward"].label, quirks), 3, 1),
                 *values(report.applications["carried_forward"])])
    return header, body


def cases_grid(report: ReportNumbers, quirks: set[str]) -> Grid:
    """表四: three header rows and one row of fifteen numbers."""
    outcomes = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return [[("行政复议", 5, 1), ("行政诉讼", 10, 1)],
            [*[(o, 1, 2) for o in outcomes], ("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)],
            [(o, 1, 1) for o in outcomes * 2],
            [(_cell(v, quirks), 1, 1) for case in CASES for v in report.cases[case]]]


_ACTIVE_SECTIONS = {
    "2021": [("（一）", ("regulations", "normative_documents")), ("（五）", ("licensing",)),
             ("（六）", ("punishment", "enforcement")), ("（八）", ("fees",))],
    "2019": [("（一）", ("regulations", "normative_documents")),
             ("（五）", ("licensing", "other_services")), ("（六）", ("punishment", "enforcement")),
             ("（八）", ("fees",)), ("（九）", ("procurement",))]}


def active_grid(report: ReportNumbers, quirks: set[str]) -> Grid:
    """表二: a sub-header row per 第二十条 item, its column labels, its rows (four columns)."""
    from reports.model import ACTIVE_COLUMN_LABELS

    rows = {r.key: r for r in ACTIVE_ROWS}
    grid: Grid = []
    for item, keys in _ACTIVE_SECTIONS[report.template]:
        columns = rows[keys[0]].columns[report.template]
        grid.append([(f"第二十条第{item}项", 4, 1)])
        grid.append([("信息内容", 1, 1), *_spread([ACTIVE_COLUMN_LABELS[c] for c in columns])])
        for key in keys:
            label = rows[key].label if not (key == "normative_documents" and
                                            report.template == "2019") else "规范性文件"
            grid.append([(label, 1, 1), *_spread([_cell(report.active[key][c], quirks)
                                                  for c in columns])])
    return grid


def _spread(texts: list[str]) -> list[tuple[str, int, int]]:
    """Cells filling three columns: the last one spans what is left."""
    return [(t, 1 if i < len(texts) - 1 else 4 - len(texts), 1) for i, t in enumerate(texts)]


# ---------------------------------------------------------------- formats

def html_table(grid: Grid) -> str:
    """A grid as Word exports it: MsoNormalTable, <p><span> in every cell, &nbsp; padding."""
    rows = []
    for row in grid:
        cells = "".join(
            f"<td{f' colspan={c}' if c > 1 else ''}{f' rowspan={r}' if r > 1 else ''}>"
            f"<p class=MsoNormal><span>{text.replace(' ', '<br>') if '<br>' not in text else text}"
            "&nbsp;</span></p></td>" for text, c, r in row)
        rows.append(f"<tr>{cells}</tr>")
    return ('<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0">'
            + "".join(rows) + "</table>")


def html_tables(report: ReportNumbers, quirks: set[str]) -> dict[str, str]:
    """The HTML of 表二, 表三, 表四 (表三's header in a table of its own with split_header)."""
    header, body = applications_grid(report, quirks)
    applications = (html_table(header) + html_table(body) if "split_header" in quirks
                    else html_table(header + body))
    return {"active": html_table(active_grid(report, quirks)), "applications": applications,
            "cases": html_table(cases_grid(report, quirks))}


def _layout(grid: Grid) -> tuple[list[tuple[int, int, str, int, int]], int]:
    """Place grid cells: (row, column, text, colspan, rowspan), and the column count."""
    taken: set[tuple[int, int]] = set()
    placed = []
    width = 0
    for r, row in enumerate(grid):
        c = 0
        for text, colspan, rowspan in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, text, colspan, rowspan))
            taken |= {(r + i, c + j) for i in range(rowspan) for j in range(colspan)}
            c += colspan
            width = max(width, c)
    return placed, width


def docx_file(grids: list[Grid], paragraphs: list[str]) -> bytes:
    """A DOCX with the paragraphs and a Word table (merged cells) per grid."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for grid in grids:
        placed, width = _layout(grid)
        table = document.add_table(rows=len(grid), cols=width)
        for r, c, text, colspan, rowspan in placed:
            cell = table.cell(r, c)
            if colspan > 1 or rowspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            cell.text = text
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def xlsx_file(grids: list[Grid]) -> bytes:
    """An XLSX with one sheet per grid, merged ranges for spans."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for n, grid in enumerate(grids, start=1):
        sheet = book.create_sheet(f"表{n}")
        placed, _ = _layout(grid)
        for r, c, text, colspan, rowspan in placed:
            sheet.cell(r + 1, c + 1, value=text)
            if colspan > 1 or rowspan > 1:
                sheet.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + rowspan,
                                  end_column=c + colspan)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def text_lines(grids: list[Grid]) -> list[str]:
    """Each grid row as a PDF's text shows it: the cells' texts separated by spaces (a row's
    labels spanning rows above appear only where they start)."""
    return [" ".join(text if text else "0" for text, _, _ in row) for grid in grids
            for row in grid]


def pdf_file(lines: list[str]) -> bytes:
    """A PDF of text lines in a built-in Chinese font (nothing embedded or downloaded)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    y = 800
    for line in lines:
        if y < 40:
            pdf.showPage()
            y = 800
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(30, y, line)
        y -= 14
    pdf.save()
    return buf.getvalue()
