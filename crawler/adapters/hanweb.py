"""Hanweb 大汉 jcms: list records live as CDATA inside `<script type="text/xml"><datastore>`,
further pages come from `dataproxy.jsp`, as GET (`page=`) or POST (`startrecord/endrecord`)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import scrapy
from scrapy.http import FormRequest

from crawler.adapters.base import page_request

_MARKERS = ("<datastore>", "大汉版通", "大汉网络", "/jcms_files/", "/module/jslib/")
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']+)[\"']", re.S)
_HREF = re.compile(r"href\s*=\s*[\"']([^\"']+)[\"']", re.I)
_PARAMS = {
    "columnid": re.compile(r"columnid[\"']?\s*[=:]\s*[\"']?(\d+)", re.I),
    "unitid": re.compile(r"unitid[\"']?\s*[=:]\s*[\"']?(\d+)", re.I),
    "webid": re.compile(r"webid[\"']?\s*[=:]\s*[\"']?(\d+)", re.I),
    "webname": re.compile(r"webname[\"']?\s*[=:]\s*[\"']([^\"'&]*)", re.I),
    "proxy": re.compile(r"proxyUrl[\"']?\s*[=:]\s*[\"']([^\"']+)", re.I),
    "total": re.compile(r"totalRecord[\"']?\s*[=:]\s*[\"']?(\d+)", re.I),
    "perpage": re.compile(r"perPage[\"']?\s*[=:]\s*[\"']?(\d+)", re.I),
}
_TOTAL_PAGES = re.compile(r"<totalpage>\s*(\d+)\s*</totalpage>")
_TOTAL_RECORDS = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")
PAGES_PER_POST = 3  # one POST asks for three pages of records, as the site's own script does


def matches(response) -> bool:
    """Hanweb pages carry the datastore block or the vendor's marks; dataproxy answers too."""
    return "dataproxy.jsp" in response.url or any(m in response.text for m in _MARKERS)


def record_links(text: str) -> list[str]:
    """Return the hrefs inside every `<record><![CDATA[...]]></record>`."""
    return [m for record in _RECORD.findall(text) for m in _HREF.findall(record)]


def _param(name: str, text: str) -> str:
    m = _PARAMS[name].search(text)
    return m.group(1) if m else ""


def requests(response):
    """Yield the records' links and the dataproxy requests for the remaining pages."""
    text = response.text
    for href in record_links(text):
        yield response.urljoin(href)
    if "dataproxy.jsp" in response.url:
        yield from _more_pages(response)
        return
    nextgroup = _NEXTGROUP.search(text)
    if nextgroup:  # GET form: page=1 first; its answer names the page count
        yield page_request(response.urljoin(nextgroup.group(1).replace("&amp;", "&")))
    elif "<datastore>" in text and _param("columnid", text) and _param("unitid", text):
        yield _post(response, _param("proxy", text) or "/module/web/jpage/dataproxy.jsp", 1,
                    int(_param("perpage", text) or 15), _post_form(text))


def _post_form(text: str) -> dict[str, str]:
    return {"col": "1", "appid": "1", "webid": _param("webid", text) or "1", "path": "/",
            "columnid": _param("columnid", text), "sourceContentType": "1",
            "unitid": _param("unitid", text), "webname": _param("webname", text),
            "permissiontype": "0"}


def _post(response, proxy: str, start: int, perpage: int, form: dict) -> scrapy.Request:
    end = start + perpage * PAGES_PER_POST - 1
    query = urlencode({"startrecord": start, "endrecord": end, "perpage": perpage})
    return FormRequest(response.urljoin(f"{proxy}?{query}"), formdata=form,
                       meta={"hanweb_form": form, "hanweb_proxy": proxy, "paging": True})


def _more_pages(response):
    """From the first dataproxy answer, request every further page or record batch."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(response.url).query).items()}
    text = response.text
    if query.get("page") == "1" and _TOTAL_PAGES.search(text):
        for page in range(2, int(_TOTAL_PAGES.search(text).group(1)) + 1):
            yield page_request(response.url.replace("page=1", f"page={page}", 1))
    elif query.get("startrecord") == "1" and "hanweb_form" in response.meta:
        total = int(_TOTAL_RECORDS.search(text).group(1)) if _TOTAL_RECORDS.search(text) else 0
        perpage = int(query.get("perpage", 15))
        step = perpage * PAGES_PER_POST
        for start in range(1 + step, total + 1, step):
            yield _post(response, response.meta["hanweb_proxy"], start, perpage,
                        response.meta["hanweb_form"])
