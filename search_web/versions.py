"""What changed in a document: its versions as the archive keeps them (archive/versions.py),
and a readable diff between two of them (paragraphs first, then the characters within a
changed paragraph: Chinese has no words to diff by)."""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher
from html import escape

from archive.versions import differences
from search_web.stats import NoArchive, archive

# What an edit can change, as the pages name it
CHANGE_LABELS = {"title": "标题", "body": "正文", "publisher": "发布机构", "pub_date": "发布日期",
                 "written_date": "成文日期", "doc_number": "文号", "index_number": "索引号",
                 "category": "主题分类", "site_name": "网站", "section": "栏目",
                 "doc_type": "类型", "report_year": "年度", "attachments": "附件"}


def versions_of(url: str) -> list[dict]:
    """The versions of a document, oldest first, with their text and metadata and dates as
    YYYY-MM-DD (archive.versions); [] without an archive."""
    try:
        found = archive().versions(url)
    except NoArchive:
        return []
    return [{**v, "first_seen": _day(v["first_seen"]), "last_seen": _day(v["last_seen"])}
            for v in found]


def summary(versions: list[dict]) -> list[dict]:
    """The versions without their text: {version, first_seen, last_seen, changed, current}."""
    return [{k: v[k] for k in ("version", "first_seen", "last_seen", "changed", "current")}
            for v in versions]


def _day(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d")


def field_changes(old: dict, new: dict) -> list[tuple[str, str, str]]:
    """(label, before, after) for the title and each metadata field that differs."""
    return [(CHANGE_LABELS[name], old["title"], new["title"]) if name == "title" else
            (CHANGE_LABELS[name], _shown(name, old["fields"].get(name)),
             _shown(name, new["fields"].get(name)))
            for name in differences(old, new) if name != "body"]


def _shown(name: str, value) -> str:
    if name == "attachments":
        return "、".join(a.get("name") or a.get("url", "") for a in value or []) or "—"
    return "—" if value in (None, "") else str(value)


def text_diff(old: str, new: str) -> list[dict]:
    """The paragraphs of two texts aligned: each {"kind": same|changed|added|removed, "html"},
    a changed paragraph with its removed characters in <del> and added ones in <ins>."""
    before, after = old.splitlines(), new.splitlines()
    out: list[dict] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            out += [{"kind": "same", "html": escape(p)} for p in before[i1:i2]]
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            out.append({"kind": "changed", "html": _char_diff(before[i1 + k], after[j1 + k])})
        out += [{"kind": "removed", "html": f"<del>{escape(p)}</del>"}
                for p in before[i1 + pairs:i2]]
        out += [{"kind": "added", "html": f"<ins>{escape(p)}</ins>"}
                for p in after[j1 + pairs:j2]]
    return out


def _char_diff(old: str, new: str) -> str:
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(old[i1:i2])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(new[j1:j2])}</ins>")
        if op == "equal":
            parts.append(escape(old[i1:i2]))
    return "".join(parts)
