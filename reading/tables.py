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
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


@dataclass(frozen=True)
class Cell:
    text: str
    carried: bool = False


Row = list[Cell]


def parse_value(text: str) -> tuple[str, float | int | None] | None:
    """Read a value cell: ("number", n), ("blank", None), ("dash", None); None if the cell is
    text (a label). Full-width digits, thousands separators and decimals are read."""
    raw = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not raw:
        return "blank", None
    if raw in _DASHES:
        return "dash", None
    if _NUMBER.match(raw):
        number = float(raw.replace(",", ""))
        return "number", int(number) if number.is_integer() and "." not in raw else number
    return None


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
    """Every row of every sheet of an XLSX file, merged ranges expanded like HTML spans."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body), data_only=True)
    rows: list[Row] = []
    for sheet in book.worksheets:
        covered: dict[tuple[int, int], tuple[str, bool]] = {}
        for merged in sheet.merged_cells.ranges:
            top = sheet.cell(merged.min_row, merged.min_col).value
            text = "" if top is None else str(top)
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if (r, c) != (merged.min_row, merged.min_col):
                        covered[(r, c)] = (text, c == merged.min_col)  # carried, or skipped
        for r, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            row: Row = []
            for c, value in enumerate(values, start=1):
                if (r, c) in covered:
                    text, first_column = covered[(r, c)]
                    if first_column:
                        row.append(Cell(text, carried=True))
                    continue
                row.append(Cell("" if value is None else _cell_text(value)))
            rows.append(row)
    return rows


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def text_rows(text: str) -> list[Row]:
    """Rows from text laid out in lines: cells split at ` | ` (an archived table row) or at
    spaces (PDF text). A line of numbers only continues the label line before it."""
    rows: list[Row] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")] if "|" in line else line.split()
        row = [Cell(p) for p in parts]
        if rows and row and all(parse_value(c.text) for c in row) and \
                not any(parse_value(c.text) for c in rows[-1][-1:]):
            rows[-1] = rows[-1] + row  # 本年新收政府信息公开申请数量 ⏎ 12 0 0 0 0 0 12
        else:
            rows.append(row)
    return rows
