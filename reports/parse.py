"""Rows of cells → the numbers of 表二, 表三 and 表四, found by their labels.

A row's values are the cells at its end that read as numbers, blanks or dashes (`tables.
parse_value`); the cells before them, and those carried down from rows above, are its label.
表三 rows take their last seven values, 表四 is the row of fifteen, a 表二 row as many as its
template gives it. Numbered items (1.属于国家秘密 …) belong to the group row above them, so a
row that only says `3.其他` is read in its group's context.

Every value keeps its kind: `number`, `blank` or `dash` (both read as 0: the templates mean
"none"), `sum` (a group row the report gives only as items), or `absent`/`unreadable` (None:
the report does not give it, or the row's cells could not be told apart).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reading.tables import Cell, parse_value
from reports.model import (
    ACTIVE_ROWS,
    APPLICANTS,
    APPLICATION_KEYS,
    APPLICATION_ROWS,
    CASES,
    OUTCOMES,
    Row,
    label_key,
)

_LABEL_CHARS = 15  # a 表二 label is short: 行政事业性收费, 其他对外管理服务事项
_ITEM_NUMBER = re.compile(r"^\(?(\d{1,2})\)?[.．、]")
TOP_ROWS = ("new", "carried_over", "carried_forward", "granted", "partial")
GROUPS = ("denied", "unable", "not_processed", "other")
_ROWS = {r.key: r for r in APPLICATION_ROWS}
_2021_MARKS = ("本年制发", "本年废止", "现行有效", "本年收费金额")
_2019_MARKS = ("本年新制作", "本年新公开", "对外公开总数", "上一年项目数量")


@dataclass
class Value:
    value: int | float | None
    kind: str  # number, blank, dash, sum, absent, unreadable, text

    @classmethod
    def read(cls, cell: str) -> Value:
        kind, number = parse_value(cell) or ("unreadable", None)
        return cls(0 if kind in ("blank", "dash") else number, kind)


ABSENT = Value(None, "absent")


@dataclass
class Tables:
    """What a report's tables give. Rows not found stay absent."""

    template: str
    applications: dict[str, dict[str, Value]] = field(default_factory=dict)
    items: dict[str, dict[int, dict[str, Value]]] = field(default_factory=dict)
    cases: dict[str, dict[str, Value]] = field(default_factory=dict)
    active: dict[str, dict[str, Value]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # rows found but not readable
    missing: list[str] = field(default_factory=list)  # template rows the report does not give

    def found(self) -> int:
        """How many values were read from cells (a measure of how complete the tables are)."""
        groups = [*self.applications.values(), *self.cases.values(), *self.active.values(),
                  *(item for items in self.items.values() for item in items.values())]
        return sum(1 for g in groups for v in g.values()
                   if v.kind in ("number", "noted", "blank", "dash"))


def _unfilled_total(row: dict[str, Value]) -> dict[str, Value]:
    """A blank 总计 beside parts that are filled in was not filled in, not 0: it stays blank
    with no value, and the sum checks say so."""
    total = row["total"]
    if total.kind == "blank" and any(v.value for k, v in row.items() if k != "total"):
        row["total"] = Value(None, "blank")
    return row


def detect_template(rows: list[list[Cell]], fallback: str) -> str:
    """2021 or 2019 by the column labels of 表二, else the fallback (the document's)."""
    text = label_key("".join(c.text for row in rows for c in row))
    if any(m in text for m in _2021_MARKS):
        return "2021"
    if any(m in text for m in _2019_MARKS):
        return "2019"
    return fallback


def _split(row: list[Cell]) -> tuple[str, list[str]]:
    """(label, trailing value cells) of a row: a cell is a value if it reads as one and is the
    cell's own place, not a label carried down from above. A number with a unit among the
    words of a text line counts only beside plain numbers, or after a label as short as a
    table's (a sentence ending in `21件` is prose)."""
    cells: list[Cell] = []
    for cell in reversed(row):
        if cell.carried or parse_value(cell.text) is None:
            break
        cells.append(cell)
    label = " ".join(c.text for c in row[: len(row) - len(cells)])
    if any(c.loose for c in cells) and all(parse_value(c.text, False) is None for c in cells) \
            and (len(label_key(label)) > _LABEL_CHARS or any(m in label for m in "。，；：！？")):
        return " ".join(c.text for c in row), []  # a sentence of text: `受理申请 21件`
    return label, [c.text for c in reversed(cells)]


class _Reader:
    def __init__(self, template: str):
        self.tables = Tables(template)
        self.group: Row | None = None

    def row(self, cells: list[Cell]) -> None:
        label, values = _split(cells)
        key = label_key(label)
        if len(values) >= 15 and not key or len(values) == 15:
            self._cases(values[-15:])
            return
        active = next((r for r in ACTIVE_ROWS if re.search(r.pattern, key)), None)
        if active is not None:
            self._active(active, key, values)
            return
        found = self._application(key)
        if found is None:
            return
        row_key, item = found
        if not values and (item is None or row_key in GROUPS):
            return  # a group heading spanning its items, or a label without numbers
        self._applicants(row_key, item, label, values)

    def _application(self, key: str) -> tuple[str, int | None] | None:
        for row_key in TOP_ROWS:
            if _ROWS[row_key].pattern in key:
                self.group = None
                return row_key, None
        for row_key in GROUPS:
            at = key.find(_ROWS[row_key].pattern)
            if at >= 0:
                self.group = _ROWS[row_key]
                return row_key, self._item(key[at + len(self.group.pattern):])
        named = self._named_item(key)
        if named is not None:  # an item's own words tell its group, whatever the label kept
            self.group = _ROWS[named[0]]
            return named
        if self.group is not None:
            item = self._item(key)
            if item is not None:
                return self.group.key, item
        if "总计" in key and "本列" not in key:
            self.group = None
            return "total_processed", None
        return None

    def _named_item(self, key: str) -> tuple[str, int] | None:
        """(group, item) whose words a label holds (`本机关不掌握相关政府信息` is （四）'s first
        item): a row keeps its group when the group's own label was lost, as when a page break
        cuts it in two (`（四）无` / `法提供`). The current group is asked first; words any
        group could use (`其他`) name nothing."""
        keys = [self.group.key] if self.group else []
        for row_key in [*keys, *(k for k in GROUPS if k not in keys)]:
            for item in _ROWS[row_key].items_for(self.tables.template):
                if len(item.pattern) > 2 and item.pattern in key:
                    return row_key, item.number
        return None

    def _item(self, rest: str) -> int | None:
        """The numbered item of the current group a label names (by its words, or number)."""
        items = self.group.items_for(self.tables.template) if self.group else ()
        for item in items:
            if item.pattern in rest:
                return item.number
        m = _ITEM_NUMBER.match(rest)
        return int(m.group(1)) if m and items and int(m.group(1)) <= len(items) else None

    def _applicants(self, row_key: str, item: int | None, label: str, values: list[str]) -> None:
        target = (self.tables.items.setdefault(row_key, {}) if item is not None
                  else self.tables.applications)
        slot = item if item is not None else row_key
        if slot in target:
            return  # the first table that gives a row wins (a copy may follow)
        if len(values) < len(APPLICANTS):
            target[slot] = {c: Value(None, "unreadable") for c in APPLICANTS}
            self.tables.notes.append(f"{label.strip()}：只读到 {len(values)} 个数，应为 7 个")
            return
        target[slot] = _unfilled_total(
            {c: Value.read(v) for c, v in zip(APPLICANTS, values[-7:], strict=True)})

    def _cases(self, values: list[str]) -> None:
        if self.tables.cases:
            return
        for n, case in enumerate(CASES):
            self.tables.cases[case] = _unfilled_total(
                {o: Value.read(v) for o, v in zip(OUTCOMES, values[5 * n:5 * n + 5], strict=True)})

    def _active(self, row, key: str, values: list[str]) -> None:
        columns = row.columns.get(self.tables.template) or row.columns.get("2021", ())
        if row.key in self.tables.active or not columns:
            return
        if len(values) < len(columns):
            if values:
                self.tables.notes.append(f"{row.label}：只读到 {len(values)} 个数，应为 "
                                         f"{len(columns)} 个")
            return
        self.tables.active[row.key] = {c: Value.read(v) for c, v in
                                       zip(columns, values[-len(columns):], strict=True)}


def read_tables(rows: list[list[Cell]], template: str) -> Tables:
    """The statistics tables in a report's rows (template: the document's, "2019"/"2021")."""
    reader = _Reader(detect_template(rows, template))
    for cells in rows:
        if cells:
            reader.row(cells)
    _complete(reader.tables)
    return reader.tables


def _complete(tables: Tables) -> None:
    """Give group rows given only as items the sums of their items; mark rows not found, and
    name every row the template expects that the report does not give (`missing`)."""
    tables.missing = missing_rows(tables)
    for key in APPLICATION_KEYS:
        items = tables.items.get(key)
        complete = items and len(items) >= len(_ROWS[key].items_for(tables.template))
        if key not in tables.applications and complete:  # else no sum to tell: absent
            tables.applications[key] = {c: _sum([item[c] for item in items.values()])
                                        for c in APPLICANTS}
        tables.applications.setdefault(key, {c: ABSENT for c in APPLICANTS})
    for case in CASES:
        tables.cases.setdefault(case, {o: ABSENT for o in OUTCOMES})


def missing_rows(tables: Tables) -> list[str]:
    """The rows of the report's template that its tables do not give, as the template names
    them, in table order. A group row may be given whole (`（六）其他处理` as one row) or by its
    items; given by items, every item must be there."""
    missing = []
    for row in APPLICATION_ROWS:
        items = row.items_for(tables.template)
        given = tables.items.get(row.key, {})
        if items and given:
            missing += [f"表三 {row.label} {i.number}.{i.label}" for i in items
                        if i.number not in given]
        elif row.key not in tables.applications:
            missing.append(f"表三 {row.label}")
    if not tables.cases:
        missing.append("表四 行政复议、行政诉讼")
    missing += [f"表二 {r.label}" for r in ACTIVE_ROWS
                if r.columns.get(tables.template) and r.key not in tables.active]
    return missing


def _sum(values: list[Value]) -> Value:
    missing = {v.kind for v in values if v.value is None}
    if missing:  # a sum of totals left blank is blank; of cells not read, not readable
        return Value(None, "blank" if missing == {"blank"} else "unreadable")
    return Value(sum(v.value for v in values), "sum")
