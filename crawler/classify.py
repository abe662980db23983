"""Document type and reporting year from a title (and the start of the body)."""

from __future__ import annotations

import re

_ANNUAL = re.compile(r"政府信息公[开開](?:工作)?(?:年度)?(?:报告|報告|年报|年報)|信息公开年报")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_LOOKALIKES = re.compile(r"网站工作年度报表|网站工作年报|网站年度报表|统计年报|预算|决算|法治政府建设")
_BUDGET = re.compile(r"预算|决算|三公经费")
_GUIDE = re.compile(r"指南")
_NOTICE = re.compile(r"通知|公告|通告|公示|意见|办法|决定")

# Table labels that only one template has (DOMAIN.md §2.3, §2.4)
_TEMPLATE_2021 = ("本年制发件数", "现行有效件数", "本年废止件数", "本年收费金额")
_TEMPLATE_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量")
_NEW_HEADINGS = ("收到和处理政府信息公开申请情况", "主动公开政府信息情况")


def classify(title: str, body: str = "") -> tuple[str, int | None]:
    """Return (doc_type, report_year); report_year is the year reported on, for annual reports."""
    title = title or ""
    if _ANNUAL.search(title) and not _LOOKALIKES.search(title):
        m = _YEAR.search(title) or _YEAR.search(body[:300])
        return "annual_report", int(m.group(1)) if m else None
    if _BUDGET.search(title):
        return "budget", None
    if _GUIDE.search(title):
        return "guide", None
    if _NOTICE.search(title):
        return "notice", None
    return "other", None


def report_template(body: str, year: int | None = None) -> str:
    """Return an annual report's format: "2021", "2019" (trial) or "prose" (before 2019), by
    its tables' labels; a report with the new format's headings but no tables (they are in an
    attachment) by the year it reports on."""
    if any(label in body for label in _TEMPLATE_2021):
        return "2021"
    if any(label in body for label in _TEMPLATE_2019):
        return "2019"
    if any(h in body for h in _NEW_HEADINGS):
        if year is not None and year >= 2019:
            return "2021" if year >= 2021 else "2019"
        if "第二十条第" in body:
            return "2019"
    return "prose"
