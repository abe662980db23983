"""Unit tests of the crawler's defences against the open web that need no server: error kinds,
Retry-After, URL patterns and the trap guard, soft 404s in the article template, bounded
inflation of what might be a wall page."""

from __future__ import annotations

import gzip
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from twisted.web.client import ResponseNeverReceived

from crawler.middlewares import _WALL_SIZE, _decoded
from crawler.outcomes import NO_CONTACT, TooLarge, failure_kind, reported
from crawler.politeness import retry_after
from crawler.traps import TrapGuard, pattern
from crawler.walls import missing_page


def _failure(exc: Exception, **meta) -> Failure:
    failure = Failure(exc)
    failure.request = Request("http://x.gov.cn/a.html", meta=meta)
    return failure


def _caused(exc: Exception, cause: Exception) -> Exception:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize("exc,meta,kind", [
    (HttpError(Response("http://x.gov.cn/a.html", status=503), "503"), {}, "http_503"),
    (CannotResolveHostError("x.gov.cn"), {}, "dns"),
    (DownloadConnectionRefusedError("111"), {}, "refused"),
    (DownloadTimeoutError("slow"), {"download_latency": 0.2}, "timeout"),  # began, stalled
    (DownloadTimeoutError("slow"), {}, "connect_timeout"),  # never answered at all
    (_caused(DownloadFailedError("lost"), ResponseNeverReceived([])), {}, "no_answer"),
    (DownloadFailedError("lost"), {}, "reset"),
    (ResponseDataLossError(), {}, "reset"),
    (TooLarge("60000000 bytes"), {}, "too_large"),
])
def test_a_failure_has_one_kind(exc, meta, kind):
    assert failure_kind(_failure(exc, **meta)) == kind


def test_only_urls_never_reached_are_tried_over_the_other_scheme():
    assert NO_CONTACT == {"refused", "no_answer", "tls", "connect_timeout"}
    assert reported("connect_timeout") == "timeout" and reported("reset") == "reset"


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after(b"120") == 120.0
    assert retry_after(b"Wed, 02 Dec 2026 10:00:30 GMT", now=1796205600.0) == 30.0
    assert retry_after(b"Wed, 02 Dec 2026 09:00:00 GMT", now=1796205600.0) == 0.0
    assert retry_after(b"soon") is None and retry_after(None) is None and retry_after(b"") is None


@pytest.mark.parametrize("url,expected", [
    ("http://x.gov.cn/cal.jsp?date=2024-03-01", "http://x.gov.cn:80/cal.jsp?date"),
    ("http://x.gov.cn/list.jsp;jsessionid=7F?page=3&col=2", "http://x.gov.cn:80/list.jsp?col&page"),
    ("http://x.gov.cn/art/2024/3/16/art_6864_74580.html", "http://x.gov.cn:80/art/#/#/#/art_#_#.html"),
    ("https://x.gov.cn/index_12.html?utm_source=wx", "https://x.gov.cn:443/index_#.html"),
])
def test_a_url_pattern_blanks_numbers_and_keeps_only_query_names(url, expected):
    assert pattern(url) == expected


def test_a_pattern_is_cut_after_the_limit_in_a_row_and_a_productive_page_resets_it():
    guard = TrapGuard(limit=3, variants=0)
    day = "http://x.gov.cn/cal.jsp?date=2024-03-0{}".format
    assert not guard.answered(day(1), False) and not guard.answered(day(2), False)
    assert not guard.answered(day(3), True)  # a day with an event: the count starts again
    assert [guard.answered(day(n), False) for n in (4, 5, 6)] == [False, False, True]
    assert guard.refusal(day(7)) == "http://x.gov.cn:80/cal.jsp?date"
    assert guard.refusal("http://x.gov.cn/cal.jsp?month=3") is None  # another pattern


def test_a_path_whose_query_strings_give_nothing_is_cut_however_they_interleave():
    guard = TrapGuard(limit=0, variants=3)
    url = "http://x.gov.cn/search.jsp?kw={}&sort={}".format
    for n in range(3):
        guard.answered(url(n, "a"), False)
        guard.answered(url(n, "d") + "&x=1", True)  # useful variants do not count
    assert guard.refusal(url(9, "a")) == "http://x.gov.cn:80/search.jsp?…"
    assert guard.refusal("http://x.gov.cn/search.jsp") is None  # the path itself is not cut


def _page(title="", body="", **metadata):
    fields = dict.fromkeys(("publisher", "index_number", "doc_number", "written_date"), "")
    return SimpleNamespace(title=title, body=body, **{**fields, **metadata})


def test_a_not_found_page_in_the_article_template_is_a_soft_404():
    assert missing_page(_page("示例市人民政府", "对不起，您访问的页面不存在或已被删除。"))
    assert missing_page(_page("404", "返回首页"))
    assert missing_page(_page("信息已删除", ""))
    # a document saying so has metadata around it, or more to say
    assert not missing_page(_page("关于页面不存在问题的说明", "已删除。", publisher="示例市政府"))
    assert not missing_page(_page("通知", "该页面不存在的原因如下：" + "说明。" * 200))
    assert not missing_page(_page("关于公布404项目的通知", "项目名单如下。"))


def test_a_compressed_answer_is_inflated_no_further_than_a_wall_page():
    bomb = gzip.compress(b" " * 50_000_000)
    assert len(bomb) < _WALL_SIZE
    wall = gzip.compress("非法请求".encode())
    headers = {"Content-Encoding": "gzip"}
    assert _decoded(Response("http://x/", body=bomb, headers=headers)) == b""
    assert _decoded(Response("http://x/", body=wall, headers=headers)) == "非法请求".encode()
    assert _decoded(Response("http://x/", body=b"not gzip", headers=headers)) is None
