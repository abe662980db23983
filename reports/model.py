"""What the statistics tables of a 政府信息公开工作年度报告 hold (国办公开办函〔2019〕60号 and
〔2021〕30号; DOMAIN.md §2.3, §2.4, §2.7): rows, columns, and the label patterns that find them.

A row is found by its label, never by its position. Patterns are searched in a label with all
whitespace removed and full-width characters made half-width (`label_key`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# 表三: who applied (the last seven cells of every row)
APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services",
              "other_org", "total")
APPLICANT_LABELS = {"natural_person": "自然人", "commercial": "商业企业", "research": "科研机构",
                    "social_welfare": "社会公益组织", "legal_services": "法律服务机构",
                    "other_org": "其他组织", "total": "总计"}
# 表四: one row of fifteen numbers, three groups of five
OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
OUTCOME_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果",
                  "pending": "尚未审结", "total": "总计"}
CASES = ("review", "litigation_direct", "litigation_after_review")
CASE_LABELS = {"review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
               "litigation_after_review": "行政诉讼（复议后起诉）"}


@dataclass(frozen=True)
class Item:
    """A numbered item inside a group row (（三）不予公开 1.属于国家秘密 …)."""

    number: int
    label: str
    pattern: str


@dataclass(frozen=True)
class Row:
    """A row of 表三: its key, its label as the template writes it, its pattern, its items."""

    key: str
    label: str
    pattern: str
    items: tuple[Item, ...] = ()
    items_2021: tuple[Item, ...] | None = None  # a row whose items changed in 2021

    def items_for(self, template: str) -> tuple[Item, ...]:
        return self.items_2021 if self.items_2021 is not None and template == "2021" \
            else self.items


def _items(*specs: tuple[str, str]) -> tuple[Item, ...]:
    return tuple(Item(n, label, pattern) for n, (label, pattern) in enumerate(specs, start=1))


APPLICATION_ROWS = (
    Row("new", "一、本年新收政府信息公开申请数量", "本年新收"),
    Row("carried_over", "二、上年结转政府信息公开申请数量", "上年结转"),
    Row("granted", "（一）予以公开", "予以公开"),
    Row("partial", "（二）部分公开", "部分公开"),
    Row("denied", "（三）不予公开", "不予公开", _items(
        ("属于国家秘密", "国家秘密"), ("其他法律行政法规禁止公开", "禁止公开"),
        ("危及“三安全一稳定”", "三安全一稳定"), ("保护第三方合法权益", "第三方合法权益"),
        ("属于三类内部事务信息", "内部事务"), ("属于四类过程性信息", "过程性信息"),
        ("属于行政执法案卷", "行政执法案卷"), ("属于行政查询事项", "行政查询事项"))),
    Row("unable", "（四）无法提供", "无法提供", _items(
        ("本机关不掌握相关政府信息", "不掌握"), ("没有现成信息需要另行制作", "另行制作"),
        ("补正后申请内容仍不明确", "仍不明确"))),
    Row("not_processed", "（五）不予处理", "不予处理", _items(
        ("信访举报投诉类申请", "信访举报投诉"), ("重复申请", "重复申请"),
        ("要求提供公开出版物", "公开出版物"), ("无正当理由大量反复申请", "大量反复"),
        ("要求行政机关确认或重新出具已获取信息", "重新出具"))),
    Row("other", "（六）其他处理", "其他处理", (), _items(
        ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "逾期不补正"),
        ("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "缴纳费用"),
        ("其他", "其他"))),
    Row("total_processed", "（七）总计", "总计"),
    Row("carried_forward", "四、结转下年度继续办理", "结转下年"),
)
APPLICATION_KEYS = tuple(r.key for r in APPLICATION_ROWS)
RESULT_KEYS = ("granted", "partial", "denied", "unable", "not_processed", "other")


@dataclass(frozen=True)
class ActiveRow:
    """A row of 表二: its key, label, pattern, and the keys of its numbers by template."""

    key: str
    label: str
    pattern: str
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)


_DOCUMENTS_2019 = ("made", "published", "total_published")
_DOCUMENTS_2021 = ("issued", "repealed", "in_force")
_MATTERS_2019 = ("items_last_year", "change", "decisions")
ACTIVE_ROWS = (
    ActiveRow("regulations", "规章", "^规章$", {"2019": _DOCUMENTS_2019, "2021": _DOCUMENTS_2021}),
    ActiveRow("normative_documents", "行政规范性文件", "^(行政)?规范性文件$",
              {"2019": _DOCUMENTS_2019, "2021": _DOCUMENTS_2021}),
    ActiveRow("licensing", "行政许可", "^行政许可$", {"2019": _MATTERS_2019, "2021": ("decisions",)}),
    ActiveRow("other_services", "其他对外管理服务事项", "其他对外管理服务", {"2019": _MATTERS_2019}),
    ActiveRow("punishment", "行政处罚", "^行政处罚$", {"2019": _MATTERS_2019, "2021": ("decisions",)}),
    ActiveRow("enforcement", "行政强制", "^行政强制$", {"2019": _MATTERS_2019, "2021": ("decisions",)}),
    ActiveRow("fees", "行政事业性收费", "^行政事业性收费$",
              {"2019": ("items_last_year", "change"), "2021": ("amount_10k_yuan",)}),
    ActiveRow("procurement", "政府集中采购", "^政府集中采购$", {"2019": ("items", "amount")}),
)
ACTIVE_COLUMN_LABELS = {
    "made": "本年新制作数量", "published": "本年新公开数量", "total_published": "对外公开总数量",
    "issued": "本年制发件数",
    "repealed": "本年废止件数", "in_force": "现行有效件数", "items_last_year": "上一年项目数量",
    "change": "本年增/减", "decisions": "处理决定数量", "amount_10k_yuan": "本年收费金额（万元）",
    "items": "采购项目数量", "amount": "采购总金额"}
SIGNED_COLUMNS = {"change"}  # 本年增/减 may be negative


_SPACES = re.compile(r"\s+")


def label_key(label: str) -> str:
    """A label as patterns see it: NFKC (half-width), no whitespace."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", label))
