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
QUIRKS = ("spaces", "fullwidth", "dashes", "split_header", "thousands", "units",
          "blank_totals")
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
    blank_totals: bool = False  # 总计 left blank wherever the applicant cells are filled in
    dropped: set[tuple] = field(default_factory=set)  # rows an editor left out of the tables:
    # ("item", group key, number) or ("active", row key)

    def expected(self) -> dict:
        """What a parser must read: the data shape of reports.stats (values only)."""
        apps = {}
        for row in APPLICATION_ROWS:
            values = dict(zip(APPLICANTS, self.shown(self.applications[row.key]), strict=True))
            if row.items_for(self.template):
                labels = {i.number: i.label for i in row.items_for(self.template)}
                values["items"] = [dict(zip(APPLICANTS, self.shown(v), strict=True), item=n,
                                        label=labels[n])
                                   for n, v in sorted(self.items.get(row.key, {}).items())
                                   if ("item", row.key, n) not in self.dropped]
                if len(values["items"]) < len(self.items.get(row.key, {})):
                    values.update(dict.fromkeys(APPLICANTS))  # a sum of items not all given
            apps[row.key] = values
        active = {k: v for k, v in self.active.items() if ("active", k) not in self.dropped}
        return {"applications": apps, "active": active,
                **{c: dict(zip(OUTCOMES, v, strict=True)) for c, v in self.cases.items()}}

    def shown(self, row: list) -> list:
        """A 表三 row as the report prints it: its 总计 blank when totals are left out."""
        return [*row[:-1], None] if self.blank_totals and any(row[:-1]) else row


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


def _cell(value, quirks: set[str], unit: str = "") -> str:
    if value is None:
        return ""  # left blank
    if value == 0 and "dashes" in quirks:
        return _dash(frozenset(quirks))
    text = f"{value:,}" if isinstance(value, int) and value >= 1000 and "thousands" in quirks \
        else (f"{value:g}" if isinstance(value, float) else str(value))
    text = text + unit if "units" in quirks else text  # 251000元, as some agencies print it
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
    values = lambda v: [(_cell(x, quirks), 1, 1) for x in report.shown(v)]  # noqa: E731
    body: Grid = []
    for key in ("new", "carried_over"):
        body.append([(_label(_ROWS[key].label, quirks), 3, 1),
                     *values(report.applications[key])])
    result_rows = 2 + sum(len([n for n in report.items.get(k, {})
                               if ("item", k, n) not in report.dropped]) or 1
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
        shown = [n for n in items if ("item", key, n) not in report.dropped]
        for n, item in enumerate(row.items_for(report.template), start=1):
            if n not in shown:
                continue
            group = [(row.label, 1, len(shown))] if n == shown[0] else []
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
        for key in (k for k in keys if ("active", k) not in report.dropped):
            label = rows[key].label if not (key == "normative_documents" and
                                            report.template == "2019") else "规范性文件"
            grid.append([(label, 1, 1), *_spread([_cell(report.active[key][c], quirks,
                                                        ACTIVE_UNITS.get(c, ""))
                                                  for c in columns])])
    return grid


ACTIVE_UNITS = {"amount": "万元", "amount_10k_yuan": "万元", "decisions": "件"}  # the "units" quirk


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


def xlsx_file(grids: list[Grid], wide: bool = False) -> bytes:
    """An XLSX with one sheet per grid, merged ranges for spans. `wide`: as sheets filled in by
    hand often are, bordered empty cells beyond the table and a hidden working column in it,
    so the sheet's used range is wider than its table."""
    import openpyxl
    from openpyxl.styles import Border, Side

    book = openpyxl.Workbook()
    book.remove(book.active)
    for n, grid in enumerate(grids, start=1):
        sheet = book.create_sheet(f"表{n}")
        placed, width = _layout(grid)
        if wide:
            line = Side(style="thin")
            for r in range(1, len(grid) + 1):
                for c in range(width + 2, width + 4):
                    sheet.cell(r, c).border = Border(left=line, right=line, top=line, bottom=line)
                sheet.cell(r, width + 1, value=r)  # a working column, hidden
            sheet.column_dimensions[openpyxl.utils.get_column_letter(width + 1)].hidden = True
        for r, c, text, colspan, rowspan in placed:
            sheet.cell(r + 1, c + 1, value=text)
            if colspan > 1 or rowspan > 1:
                sheet.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + rowspan,
                                  end_column=c + colspan)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def text_lines(grids: list[Grid], wrap: int = 0) -> list[str]:
    """Each grid row as a PDF's text shows it: the cells' texts separated by spaces (a row's
    labels spanning rows above appear only where they start). With `wrap`, a 表三 label longer
    than that many characters breaks over lines as in a narrow cell, its numbers beside the
    last piece (`（二）部分公开（区分处理的，只计这一情` ⏎ `形，不计其他情形） 4 0 0 0 0 0 4`)."""
    lines = []
    for grid in grids:
        narrow = _layout(grid)[1] == 10  # 表三's label columns; 表二's and 表四's are wide
        for row in grid:
            texts = [text if text else "0" for text, _, _ in row]
            if wrap and narrow and len(row) > 1 and len(texts[0]) > wrap:
                pieces = [texts[0][i:i + wrap] for i in range(0, len(texts[0]), wrap)]
                lines += pieces[:-1]
                texts[0] = pieces[-1]
            lines.append(" ".join(texts))
    return lines


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


# Column widths (points) of the tables as WPS/Word export them to PDF from the official
# templates (docs/report-layouts.md): 表三's three label columns are narrow, so labels wrap
# inside their cells; `narrow` squeezes the group column until `（三）不予公开` breaks in two.
_PDF_WIDTHS = {3: [28, 76, 130], "narrow": [22, 40, 100]}


def _pdf_widths(width: int, narrow: bool) -> list[float]:
    if width == 10:  # 表三: three label columns and seven numbers
        return [*_PDF_WIDTHS["narrow" if narrow else 3], *[31] * 7]
    if width == 15:  # 表四
        return [29.3] * 15
    return [130, 103, 103, 104]  # 表二


def pdf_tables_file(grids: list[Grid], paragraphs: list[str], narrow: bool = False) -> bytes:
    """A PDF as WPS or Word exports a report's tables: ruling lines around every cell, spans
    as merged cells, text wrapping inside narrow cells, tables going on over page breaks."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=11,
                           wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=style, fontSize=12, leading=18)
    story = [Paragraph(text, heading) for text in paragraphs]
    for grid in grids:
        placed, width = _layout(grid)
        cells = [["" for _ in range(width)] for _ in grid]
        spans = []
        for r, c, text, colspan, rowspan in placed:
            cells[r][c] = Paragraph(text, style)
            if colspan > 1 or rowspan > 1:
                spans.append(("SPAN", (c, r), (c + colspan - 1, r + rowspan - 1)))
        table = Table(cells, colWidths=_pdf_widths(width, narrow), splitByRow=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *spans]))
        story += [table, Spacer(1, 12)]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()
