"""Guangdong 政府信息公开目录 gkmlpt: a Vue shell whose `window._CONFIG` names the site id and the
category tree; lists come from `/gkmlpt/api/all/{category}?page=N&sid=SID` as JSON."""

from __future__ import annotations

import json
import math
import re
from urllib.parse import parse_qs, urlsplit

import scrapy

from crawler.adapters.base import page_request
from crawler.dates import parse_date

_SID = re.compile(r"[\"']?SID[\"']?\s*:\s*[\"']?(\w+)")
_TREE = re.compile(r"[\"']?TREE[\"']?\s*:\s*(?=\[)")
_ID = re.compile(r"[\"']?id[\"']?\s*:\s*[\"']?(\d+)")
_PAIRS = {"[": "]", "{": "}"}
_API = re.compile(r"/gkmlpt/api/all/(\d+)")


def matches(response) -> bool:
    """gkmlpt shells carry `window._CONFIG`; their API answers JSON under /gkmlpt/api/."""
    return "/gkmlpt/" in response.url or "window._CONFIG" in response.text


def requests(response) -> list:
    """From the shell, one API request per category; from an API page, its articles, their
    attachments (carrying the article's title, date and publisher) and the next pages."""
    if _API.search(response.url):
        return _from_api(response)
    sid, tree = _SID.search(response.text), _TREE.search(response.text)
    if not (sid and tree):
        return []
    return [response.urljoin(f"/gkmlpt/api/all/{cat}?page=1&sid={sid.group(1)}")
            for cat in category_ids(balanced(response.text, tree.end()))]


def balanced(text: str, start: int) -> str:
    """Return the bracketed value starting at text[start] (`[` or `{`), nesting and quoted
    strings respected; up to the end of the text if it never closes."""
    stack: list[str] = []
    quote = ""
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in _PAIRS:
            stack.append(_PAIRS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                return text[start:i + 1]
        i += 1
    return text[start:]


def category_ids(tree: str) -> list[str]:
    """Every category id of the tree, nested `children` at any depth included: walked as JSON,
    or (JavaScript object syntax: unquoted keys, single quotes) read by its `id` keys."""
    try:
        nodes = json.loads(tree)
    except ValueError:
        return list(dict.fromkeys(_ID.findall(tree)))
    found: list[str] = []
    stack = nodes if isinstance(nodes, list) else [nodes]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            if node.get("id") is not None:
                found.append(str(node["id"]))
            stack.extend(node.get("children") or [])
    return list(dict.fromkeys(found))


def _from_api(response) -> list:
    try:
        data = json.loads(response.text)
    except ValueError:
        return []
    articles = data.get("articles") or []
    urls: list = [response.urljoin(a["url"]) for a in articles if a.get("url")]
    for article in articles:
        parent = {"url": response.urljoin(article.get("url") or ""),
                  "title": article.get("title") or "", "publisher": article.get("publisher") or "",
                  "pub_date": parse_date(str(article.get("date") or "")),
                  "index_number": article.get("identifier") or "",
                  "doc_number": article.get("document_number") or ""}
        urls += [scrapy.Request(response.urljoin(f["url"]),
                                meta={"parent": parent, "link_text": f.get("name") or ""})
                 for f in article.get("attachment") or [] if f.get("url")]
    page = int(parse_qs(urlsplit(response.url).query).get("page", ["1"])[0])
    total = int((data.get("classify") or {}).get("post_count") or 0)
    if page == 1 and articles and total > len(articles):
        pages = math.ceil(total / len(articles))
        urls += [page_request(response.url.replace("page=1", f"page={n}", 1))
                 for n in range(2, pages + 1)]
    return urls
