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
_TREE = re.compile(r"[\"']?TREE[\"']?\s*:\s*(\[.*?\])\s*[,}]", re.S)
_ID = re.compile(r"[\"']?id[\"']?\s*:\s*[\"']?(\d+)")
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
            for cat in dict.fromkeys(_ID.findall(tree.group(1)))]


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
                  "pub_date": parse_date(str(article.get("date") or ""))}
        urls += [scrapy.Request(response.urljoin(f["url"]), meta={"parent": parent})
                 for f in article.get("attachment") or [] if f.get("url")]
    page = int(parse_qs(urlsplit(response.url).query).get("page", ["1"])[0])
    total = int((data.get("classify") or {}).get("post_count") or 0)
    if page == 1 and articles and total > len(articles):
        pages = math.ceil(total / len(articles))
        urls += [page_request(response.url.replace("page=1", f"page={n}", 1))
                 for n in range(2, pages + 1)]
    return urls
