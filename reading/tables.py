"""Rows of cells from whatever a report was published as: HTML tables (rowspan and colspan
expanded), DOCX tables (merged cells), XLSX sheets (merged ranges) and text laid out in lines
(PDF, old Word, an archived body), where a row is a label followed by its numbers.

A `Cell` knows whether it is the cell's own place (`own`) or a copy of a label spanning rows
down to it (`carried`): a carried cell adds to the row's label and is never one of its values.
A cell spanning columns appears once.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

from bs4 import BeautifulSoup

_DASHES = {"—", "－", "-", "–", "―", "─", "/", "／", "\\", "无", "——", "--", "×", "x", "X"}
_DIGITS = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMBER = re.compile(f"^{_DIGITS}$")
# a number printed with a unit or a note beside it: 251000元, 3（件）, 约5万, 共12件
_NOTED = re.compile(f"^(?:约|共|合计|计)?({_DIGITS})(?:[(（]?(?:万元|亿元|元|万|件|个|项|条|人次|次|人|%)"
                    "[)）]?)$")


@dataclass(frozen=True)
class Cell:
    text: str
    carried: bool = False
    loose: bool = False  # a word of a text line, not a cell: `21件` there is prose, not a value


Row = list[Cell]


def parse_value(text: str, noted: bool = True) -> tuple[str, float | int | None] | None:
    """Read a value cell: ("number", n), ("noted", n) for a number printed with a unit or a
    note (`251000元`, `3（件）`, `约5万`: the number as printed; not with `noted=False`),
    ("blank", None), ("dash", None), ("unreadable", None) for a spreadsheet error or a formula
    without its result; None if the cell is text (a label). Full-width digits, thousands
    separators and decimals are read."""
    raw = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not raw:
        return "blank", None
    if raw in _DASHES:
        return "dash", None
    if raw.startswith("#"):  # a spreadsheet's #公式 (no saved result), #VALUE!, #REF!
        return "unreadable", None
    if _NUMBER.match(raw):
        return "number", _number(raw)
    found = _NOTED.match(raw) if noted else None
    if found:
        return "noted", _number(found.group(1))
    return None


def _number(digits: str) -> float | int:
    number = float(digits.replace(",", ""))
    return int(number) if number.is_integer() and "." not in digits else number


def html_rows(html: str) -> list[Row]:
    """Every table row of a page, tables in document order, spans expanded."""
    soup = BeautifulSoup(html, "lxml")
    rows: list[Row] = []
    for table in soup.find_all("table"):
        if table.find("table"):  # a layout table around the real ones: read those
            continue
        rows.extend(_table_rows(table))
    return rows


def _table_rows(table) -> list[Row]:
    pending: dict[int, tuple[str, int]] = {}  # column → (text, rows still to cover)
    out: list[Row] = []
    for tr in table.find_all("tr"):
        row: Row = []
        column = 0
        cells = iter(tr.find_all(["td", "th"], recursive=False))
        cell = next(cells, None)
        while cell is not None or column in pending:
            if column in pending:
                text, left = pending[column]
                row.append(Cell(text, carried=True))
                if left > 1:
                    pending[column] = (text, left - 1)
                else:
                    del pending[column]
                column += 1
                continue
            text = " ".join(cell.get_text(" ").split())
            span = _span(cell, "colspan")
            down = _span(cell, "rowspan")
            row.append(Cell(text))
            if down > 1:
                for c in range(column, column + span):
                    pending[c] = (text, down - 1)
            column += span
            cell = next(cells, None)
        out.append(row)
    return out


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, 1)), 50))
    except (TypeError, ValueError):
        return 1


def docx_rows(body: bytes) -> list[Row]:
    """Every table row of a DOCX file. Word repeats a merged cell in each row and column it
    covers: across a row it is kept once, down rows it is carried."""
    import docx

    rows: list[Row] = []
    for table in docx.Document(io.BytesIO(body)).tables:
        above: list = []
        for tr in table.rows:
            row: Row = []
            seen = []
            for index, cell in enumerate(tr.cells):
                if seen and cell._tc is seen[-1]:
                    continue
                seen.append(cell._tc)
                carried = index < len(above) and above[index] is cell._tc
                row.append(Cell(" ".join(cell.text.split()), carried))
            above = [c._tc for c in tr.cells]
            rows.append(row)
    return rows


def xlsx_rows(body: bytes) -> list[Row]:
    """Every row of every sheet of an XLSX file, merged ranges expanded like HTML spans, as a
    reader sees the sheet: hidden rows and columns left out, the empty columns a sheet's used
    range may hold beyond its table cut off (else a row's last seven cells are blanks), and a
    formula whose result was never saved read as `#公式`, not as a blank (a 0)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body), data_only=True)
    formulas = openpyxl.load_workbook(io.BytesIO(body))
    rows: list[Row] = []
    for sheet, written in zip(book.worksheets, formulas.worksheets, strict=True):
        rows.extend(_sheet_rows(sheet, written))
    return rows


_UNSAVED = "#公式"  # a formula cell without its saved value: not a number, not a blank


def _sheet_rows(sheet, written) -> list[Row]:
    """One sheet's rows (`written`: the same sheet with its formulas, not their results)."""
    from openpyxl.utils import get_column_letter

    hidden = {c for c in range(1, sheet.max_column + 1)
              if sheet.column_dimensions[get_column_letter(c)].hidden}
    covered = _merged(sheet)
    grid = list(sheet.iter_rows(values_only=True))
    last = max((c for row in written.iter_rows(values_only=True)
                for c, value in enumerate(row, start=1)
                if value is not None and c not in hidden), default=0)  # the table's width
    rows: list[Row] = []
    for r, values in enumerate(grid, start=1):
        if sheet.row_dimensions[r].hidden:
            continue
        row: Row = []
        for c, value in enumerate(values[:last], start=1):
            if c in hidden:
                continue
            if (r, c) in covered:
                text, first_column = covered[(r, c)]
                if first_column:
                    row.append(Cell(text, carried=True))
                continue
            if value is None and str(written.cell(r, c).value or "").startswith("="):
                value = _UNSAVED
            row.append(Cell("" if value is None else _cell_text(value)))
        rows.append(row)
    return rows


def _merged(sheet) -> dict[tuple[int, int], tuple[str, bool]]:
    """(row, column) of every cell a merged range covers besides its own → (the range's text,
    whether the cell is in the range's first column: carried down, else skipped)."""
    covered: dict[tuple[int, int], tuple[str, bool]] = {}
    for merged in sheet.merged_cells.ranges:
        top = sheet.cell(merged.min_row, merged.min_col).value
        text = "" if top is None else str(top)
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if (r, c) != (merged.min_row, merged.min_col):
                    covered[(r, c)] = (text, c == merged.min_col)
    return covered


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# where a row of a statistics table starts: 一、 （三） 3.
_ROW_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、])")


_FRAGMENT = 20  # characters: what one line of a narrow label cell holds at the most


def _wrapping(label: str) -> bool:
    """Whether a line may be a table label that wrapped in its cell: it starts a row, is not
    longer than a cell's few lines, and holds no sentence (a paragraph of the report) and no
    number."""
    return bool(_ROW_START.match(label)) and len(label) <= 2 * _FRAGMENT and \
        not any(mark in label for mark in "。；！？") and parse_value(label, False) is None


def text_rows(text: str) -> list[Row]:
    """Rows from text laid out in lines (a PDF without ruling lines, old Word, an archived
    body): cells split at ` | ` (an archived table row) or at spaces (PDF text). A label that
    wrapped in its cell comes back in pieces: a line of numbers only, or a line that starts no
    row of its own, continues a row label before it that has no numbers yet
    (`（三）不` ⏎ `予公开`; `5.要求行政机关确认或重` ⏎ `新出具` ⏎ `已获取信息 0 … 0`)."""
    rows: list[Row] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")] if "|" in line else line.split()
        if "|" not in line and not any(parse_value(p) for p in parts):
            parts = [" ".join(parts)]  # a line of words only: one label, spaces and all
        row = [Cell(p, loose="|" not in line) for p in parts]
        open_label = rows and len(rows[-1]) == 1 and \
            _wrapping(unicodedata.normalize("NFKC", rows[-1][0].text))
        if rows and row and all(parse_value(c.text, False) for c in row) and \
                not any(parse_value(c.text, False) for c in rows[-1][-1:]):
            rows[-1] = rows[-1] + row  # 本年新收政府信息公开申请数量 ⏎ 12 0 0 0 0 0 12
        elif open_label and "|" not in line and len(parts[0]) <= _FRAGMENT and \
                not _ROW_START.match(unicodedata.normalize("NFKC", parts[0])):
            rows[-1] = [Cell(rows[-1][0].text + parts[0], loose=True), *row[1:]]
        else:
            rows.append(row)
    return rows
