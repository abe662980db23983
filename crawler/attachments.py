"""Attachments named for people: a file takes its linking page's title, with the link text
or file name only when that says something (never a machine name). Reading the files is
`reading.files`."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from reading.files import EXTENSIONS, url_extension


def file_name(url: str) -> str:
    """Return the file name a URL names (its filename parameter or last path part)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    for key in ("filename", "pathfile", "file", "fileName"):
        if query.get(key):
            return query[key][0].rsplit("/", 1)[-1]
    return unquote(parts.path.rsplit("/", 1)[-1])


_EXT = re.compile(r"\.(?:" + "|".join(EXTENSIONS) + r")$", re.I)
_SIZE = re.compile(r"[(（\[]\s*\d+(?:\.\d+)?\s*[KMG]?B?\s*[)）\]]", re.I)  # （356KB）
_STAMP = re.compile(r"\d{8,}")  # upload timestamps and ids glued to names
_GENERIC = re.compile(r"附件|下载|点击|点此|查看|原文|全文|文件|链接|打开|pdf|docx?|xlsx?|wps|版", re.I)
_CJK = re.compile(r"[\u3400-\u9fff]")


def descriptive(name: str) -> str:
    """Return a link text or file name without its extension if it says something, else "".

    Machine names (`P020240105123456.pdf`, `4804801.docx`, hashes, `WKgZu66N.pdf`) and bare
    `下载`/`附件`/`点击查看` say nothing; `附件1：依申请公开情况统计表.xls` does.
    """
    text = _SIZE.sub("", " ".join((name or "").split()))
    text = _EXT.sub("", text.strip())
    text = _STAMP.sub("", text).strip(" _-.")
    if not _CJK.search(_GENERIC.sub("", text)):
        return ""
    return text


def display_name(link_text: str, url: str) -> str:
    """The name a page's list of attachments shows: the link text, else the file name."""
    return " ".join((link_text or "").split()) or file_name(url)


def title_for(text: str, url: str, parent_title: str = "", link_text: str = "") -> str:
    """Title an attachment: its linking page's title, with the link text (or file name) only
    when that says more; without a page, that text, else the file's first short line."""
    own = descriptive(link_text) or descriptive(file_name(url))
    if parent_title:
        squeezed = "".join(parent_title.split())
        if not own or "".join(own.split()) in squeezed:
            return parent_title
        return f"{parent_title}（{own if own.startswith('附件') else '附件：' + own}）"
    if own:
        return own
    first = text.strip().split("\n", 1)[0].strip() if text.strip() else ""
    return first if 0 < len(first) <= 80 else f"{url_extension(url).upper() or '附件'}附件"


