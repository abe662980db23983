"""Tables drawn in a PDF, read by their geometry: the ruling lines that Word and WPS keep when
they export a table give each cell's box, and a cell's text is the words inside its box however
many lines it wraps to (pdfplumber's table finder). A label that wraps inside a narrow cell
(`（三）不` / `予公开`) stays one label, and its row's numbers stay beside it.

Cells spanning rows and columns are expanded as HTML spans are (`tables.Cell`): a cell spanning
rows is carried down as a label, a cell spanning columns counts once. A table that goes on over
a page break goes on in the rows that follow.
"""

from __future__ import annotations

import io
import itertools
import re
from contextlib import contextmanager

from reading.files import UnreadableFile
from reading.tables import Cell, Row

_TOLERANCE = 2.0  # points: lines drawn a little apart are one line
_CJK_BREAK = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])\n|\n(?=[\u3000-\u303f"
                        r"\u3400-\u9fff\uff00-\uffef])")


class NoTextLayer(Exception):
    """A PDF whose pages are only images (a scan): nothing to read until it is OCR'd."""


def pdf_rows(body: bytes) -> list[Row]:
    """Every row of every table a PDF draws, in page order; [] when it draws none. Raises
    NoTextLayer for a scan, UnreadableFile for a broken PDF."""
    with _opened(body) as pdf:
        if not any(page.chars for page in pdf.pages):
            raise NoTextLayer("no page of the PDF has a text layer")
        return [row for page in pdf.pages for table in page.find_tables()
                for row in _rows(table)]


@contextmanager
def _opened(body: bytes):
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            yield pdf
    except (UnreadableFile, NoTextLayer):
        raise
    except Exception as exc:  # pdfminer raises its own errors for broken files
        raise UnreadableFile(f"unreadable pdf: {exc}") from exc


def _cell_text(text: str | None) -> str:
    """A cell's lines as one text: a break beside a Chinese character was a wrap."""
    text = _CJK_BREAK.sub("", text or "")
    return " ".join(text.split())


def _rows(table) -> list[Row]:
    """A table's rows on the grid its cell edges draw: each cell's box covers grid slots; the
    slot where it starts holds its text, the slots below in its first column carry it."""
    texts = {box: text for row, line in zip(table.rows, table.extract(), strict=True)
             for box, text in zip(row.cells, line, strict=True) if box is not None}
    xs = _edges([x for box in texts for x in (box[0], box[2])])
    ys = _edges([y for box in texts for y in (box[1], box[3])])
    out: list[Row] = []
    for top, bottom in itertools.pairwise(ys):
        cells: Row = []
        for left, right in itertools.pairwise(xs):
            x, y = (left + right) / 2, (top + bottom) / 2
            box = next((b for b in texts if b[0] <= x <= b[2] and b[1] <= y <= b[3]), None)
            if box is None or box[0] < left - _TOLERANCE:
                continue  # no cell here, or one spanning columns from the left: counted once
            text = _cell_text(texts[box])
            cells.append(Cell(text, carried=box[1] < top - _TOLERANCE))
        if any(c.text for c in cells):
            out.append(cells)
    return out


def _edges(values: list[float]) -> list[float]:
    """Distinct positions of cell edges, those closer than the tolerance taken as one."""
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > _TOLERANCE:
            edges.append(value)
    return edges
