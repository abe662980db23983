"""The checks evaluators run on a report's numbers (勾稽关系, DOMAIN.md §2.7), each with a rule id
and a Chinese message. A check is `ok` True or False, or None when the report lacks what it needs.

Checks of one report read its data (`reports.stats.report_data`); checks across years
compare it with the same agency's report of the year before.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from reports.model import (
    APPLICANT_LABELS,
    APPLICANTS,
    APPLICATION_ROWS,
    CASE_LABELS,
    CASES,
    OUTCOMES,
    RESULT_KEYS,
    SIGNED_COLUMNS,
)

JUMP_FACTOR = 5  # a key figure more than 5x or less than 1/5 of last year's …
JUMP_BASE = 10  # … on a base of at least 10
COPIED_SHARE = 0.5  # more than half of the sentences as in last year's report
_LABELS = {r.key: r.label for r in APPLICATION_ROWS}


@dataclass
class Check:
    rule: str
    ok: bool | None
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


def _value(row: dict | None, column: str):
    return (row or {}).get(column)


def _fmt(n) -> str:
    return f"{n:g}" if isinstance(n, float) else str(n)


def check_report(data: dict) -> list[Check]:
    """The checks of one report's own numbers."""
    if data.get("unreadable"):
        return [Check("tables.found", False, data["unreadable"])]
    if data["source"] != "table":
        reason = "按年度报告格式的统计表才能核对" if data["source"] == "text" else "未读到统计数据"
        return [Check("tables.found", None if data["source"] == "text" else False,
                      f"本报告未使用统一表格（{reason}）")]
    checks = [_found(data), _complete(data)]
    unreadable = [f"{label}（{'、'.join(cells)}）" for label, cells in _unreadable(data)]
    if data.get("notes") or unreadable:
        checks.append(Check("tables.readable", False, "以下行的数字无法逐列读出：" +
                            "；".join([*data.get("notes", []), *unreadable])))
    checks += [_balance(data), _columns(data), _results(data)]
    checks += [_case_sum(data, case) for case in CASES]
    checks.append(_non_negative(data))
    return checks


def _found(data: dict) -> Check:
    missing = [name for name, present in (
        ("表三（收到和处理政府信息公开申请）", any(_value(r, c) is not None for c in APPLICANTS
                                  for r in data["applications"].values())),
        ("表四（行政复议、行政诉讼）", any(_value(data[c], o) is not None for c in CASES
                                for o in OUTCOMES)))
        if not present]
    if missing:
        return Check("tables.found", False, "未找到" + "、".join(missing))
    return Check("tables.found", True, "找到表三、表四")


def _unreadable(data: dict) -> list[tuple[str, list[str]]]:
    """Rows with cells read but not as numbers (a spreadsheet error, a formula without its
    result), and those cells' columns; rows wholly unreadable are in the notes already."""
    found = []
    for label, row in _rows(data):
        cells = [APPLICANT_LABELS[c] for c in APPLICANTS
                 if row.get("kinds", {}).get(c) == "unreadable"]
        if cells and len(cells) < len(APPLICANTS):
            found.append((label, cells))
    return found


def _complete(data: dict) -> Check:
    """Every row the template has, found: a row not read is said, never taken as clean."""
    missing = data.get("missing") or []
    if missing:
        return Check("tables.incomplete", False,
                     f"表格不完整，以下 {len(missing)} 行未读到：" + "；".join(missing))
    return Check("tables.incomplete", True, "模板各行均已读到")


def _unfilled(row: dict | None, column: str) -> bool:
    """A cell left blank where its parts are filled in (a 总计 not filled in)."""
    return (row or {}).get(column) is None and \
        (row or {}).get("kinds", {}).get(column) == "blank"


def _balance(data: dict) -> Check:
    apps = data["applications"]
    a, b, c, d = (_value(apps.get(k), "total") for k in
                  ("new", "carried_over", "total_processed", "carried_forward"))
    if None in (a, b, c, d):
        unfilled = [_LABELS[k] for k in ("new", "carried_over", "total_processed",
                                         "carried_forward") if _unfilled(apps.get(k), "total")]
        if unfilled:
            return Check("applications.balance", None,
                         f"总计未填（{'、'.join(unfilled)}），无法核对")
        return Check("applications.balance", None, "新收、上年结转、办理结果总计或结转下年度缺失，无法核对")
    if a + b == c + d:
        return Check("applications.balance", True,
                     f"新收（{_fmt(a)}）加上年结转（{_fmt(b)}）等于办理结果总计（{_fmt(c)}）加结转下年度（{_fmt(d)}）")
    return Check("applications.balance", False,
                 f"新收（{_fmt(a)}）加上年结转（{_fmt(b)}）为 {_fmt(a + b)}，办理结果总计（{_fmt(c)}）"
                 f"加结转下年度（{_fmt(d)}）为 {_fmt(c + d)}，两者应相等")


def _rows(data: dict):
    """(label, row) of every 表三 row and numbered item."""
    for key, row in data["applications"].items():
        yield _LABELS[key], row
        for item in row.get("items", []):
            yield f"{_LABELS[key]}{item['item']}.{item['label']}", item


def _columns(data: dict) -> Check:
    wrong, unfilled, checked = [], [], 0
    for label, row in _rows(data):
        parts = [_value(row, c) for c in APPLICANTS]
        if _unfilled(row, "total") and None not in parts[:-1]:
            unfilled.append(label)
            continue
        if None in parts:
            continue
        checked += 1
        if sum(parts[:-1]) != parts[-1]:
            wrong.append(f"{label}（各类申请人合计 {_fmt(sum(parts[:-1]))}，总计列为 {_fmt(parts[-1])}）")
    blank = f"总计未填，无法核对：{'、'.join(unfilled)}" if unfilled else ""
    if wrong:
        return Check("applications.columns", False, "以下行各类申请人之和不等于总计：" +
                     "；".join(wrong) + (f"。{blank}" if blank else ""))
    if not checked:
        return Check("applications.columns", None, blank or "表三没有可核对的行")
    return Check("applications.columns", True, f"表三 {checked} 行各类申请人之和均等于总计" +
                 (f"；{blank}" if blank else ""))


def _results(data: dict) -> Check:
    apps = data["applications"]
    wrong, checked = [], 0
    unfilled = any(_unfilled(apps.get(k), "total") for k in (*RESULT_KEYS, "total_processed"))
    blank = "；总计列未填，未核对" if unfilled else ""
    for column in APPLICANTS:
        parts = [_value(apps.get(k), column) for k in RESULT_KEYS]
        total = _value(apps.get("total_processed"), column)
        if None in parts or total is None:
            continue
        checked += 1
        if sum(parts) != total:
            wrong.append(f"{APPLICANT_LABELS[column]}列（（一）至（六）合计 {_fmt(sum(parts))}，"
                         f"（七）总计为 {_fmt(total)}）")
    if not checked:
        return Check("applications.results", None, "总计未填，无法核对" if unfilled
                     else "办理结果各项缺失，无法核对")
    if wrong:
        return Check("applications.results", False, "办理结果（一）至（六）之和不等于（七）总计：" +
                     "；".join(wrong) + blank)
    return Check("applications.results", True, "办理结果（一）至（六）之和等于（七）总计" + blank)


def _case_sum(data: dict, case: str) -> Check:
    row = data[case]
    parts = [_value(row, o) for o in OUTCOMES[:-1]]
    total = _value(row, "total")
    rule = f"{case}.sum"
    if None in parts or total is None:
        if _unfilled(row, "total") and None not in parts:
            return Check(rule, None, f"{CASE_LABELS[case]}：总计未填，无法核对")
        return Check(rule, None, f"{CASE_LABELS[case]}数据缺失，无法核对")
    if sum(parts) == total:
        return Check(rule, True, f"{CASE_LABELS[case]}：维持、纠正、其他、尚未审结之和等于总计（{_fmt(total)}）")
    return Check(rule, False, f"{CASE_LABELS[case]}：维持、纠正、其他、尚未审结之和为 {_fmt(sum(parts))}，"
                              f"总计为 {_fmt(total)}")


def _non_negative(data: dict) -> Check:
    negative = [label for label, row in _rows(data)
                if any((_value(row, c) or 0) < 0 for c in APPLICANTS)]
    negative += [CASE_LABELS[c] for c in CASES if any((_value(data[c], o) or 0) < 0
                                                      for o in OUTCOMES)]
    negative += [key for key, row in data.get("active", {}).items()
                 if any(isinstance(v, int | float) and v < 0 for c, v in row.items()
                        if c not in SIGNED_COLUMNS and c != "kinds")]
    if negative:
        return Check("values.non_negative", False, "出现负数：" + "、".join(negative))
    return Check("values.non_negative", True, "没有负数")


# ---------------------------------------------------------------- across years

KEY_FIGURES = (("applications.new", "本年新收申请"), ("applications.granted", "予以公开"),
               ("review", "行政复议"), ("litigation", "行政诉讼"))


def key_figure(data: dict, name: str):
    """A key figure of a report (its 总计 column), or None."""
    if name == "review":
        return _value(data["review"], "total")
    if name == "litigation":
        parts = [_value(data[c], "total") for c in ("litigation_direct",
                                                     "litigation_after_review")]
        return None if None in parts else sum(parts)
    return _value(data["applications"].get(name.split(".")[1]), "total")


def check_history(data: dict, previous: dict | None, copied: float | None) -> list[Check]:
    """Checks against the same agency's report of the year before (None: there is none)."""
    if previous is None:
        return [Check("history.previous", None, "没有上一年度的报告可比较")]
    checks = []
    carried = _value(data["applications"].get("carried_over"), "total")
    forward = _value(previous["applications"].get("carried_forward"), "total")
    if carried is None or forward is None:
        checks.append(Check("history.carried_over", None, "上年结转或上一年度结转下年度缺失，无法核对"))
    elif carried == forward:
        checks.append(Check("history.carried_over", True,
                            f"上年结转（{_fmt(carried)}）等于上一年度报告的结转下年度"))
    else:
        checks.append(Check("history.carried_over", False,
                            f"上年结转为 {_fmt(carried)}，上一年度报告的结转下年度为 {_fmt(forward)}"))
    jumps = []
    for name, label in KEY_FIGURES:
        now, before = key_figure(data, name), key_figure(previous, name)
        if now is None or before is None or max(now, before) < JUMP_BASE:
            continue
        if min(now, before) == 0 or max(now, before) / min(now, before) > JUMP_FACTOR:
            jumps.append(f"{label}由 {_fmt(before)} 变为 {_fmt(now)}")
    checks.append(Check("history.jump", not jumps, "与上年相比变化超过5倍：" + "；".join(jumps)
                        if jumps else "主要数字与上年相比没有超过5倍的变化"))
    if copied is not None:
        checks.append(Check("history.copied_text", copied <= COPIED_SHARE,
                            f"{copied:.0%} 的句子与上一年度报告逐字相同"))
    return checks


_SENTENCE = re.compile(r"([^。！？!?；;\n]{8,})[。！？!?；;]")


def sentences(text: str) -> set[str]:
    """The sentences of a report's text: runs of 8 characters or more that end in 。！？； (a
    table's cells and rows, labels and numbers, end in none), spaces removed."""
    return {"".join(s.split()) for s in _SENTENCE.findall(text) if "|" not in s}


def copied_share(current: set[str], previous: set[str], boilerplate: set[str]) -> float | None:
    """Share of a report's own sentences (template wording excluded) found word for word in
    the previous report."""
    own = current - boilerplate
    return len(own & previous) / len(own) if own else None
