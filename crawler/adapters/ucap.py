"""UCAP-style 集约化 platform: the list is an inline `var listData = {...}` JSON object."""

from __future__ import annotations

import json
import re

import scrapy

from crawler.dates import parse_date

_START = re.compile(r"var\s+listData\s*=\s*")
_MARKERS = ("var listData", "loadPageData(", "/doc/ucap/")


def matches(response) -> bool:
    """UCAP list pages carry `var listData` or `loadPageData(`."""
    return any(m in response.text for m in _MARKERS)


def list_data(text: str) -> dict:
    """Return the `listData` object of a page, or {}."""
    m = _START.search(text)
    if not m:
        return {}
    try:
        data, _ = json.JSONDecoder().raw_decode(text, m.end())
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def requests(response) -> list:
    """Return the articles' PC URLs and their files (carrying the article's title and date)."""
    urls: list = []
    for article in list_data(response.text).get("articleList") or []:
        links = article.get("urls")
        if isinstance(links, str):
            try:
                links = json.loads(links)
            except ValueError:
                links = {}
        page = response.urljoin(links["pc"]) if isinstance(links, dict) and links.get("pc") else ""
        if page:
            urls.append(page)
        parent = {"url": page, "title": article.get("title") or "",
                  "publisher": article.get("contentSource") or "",
                  "pub_date": parse_date(article.get("pubDate") or "")}
        urls += [scrapy.Request(response.urljoin(f["url"]),
                                meta={"parent": parent, "link_text": f.get("fileName") or ""})
                 for f in article.get("articleFiles") or [] if f.get("url")]
    return urls
