"""A site that mints a session id in every link of every page it renders (as Java CMSs put
`;jsessionid=` in links, and others `?sid=`): crawled, every document is asked for once and
stored once, under its URL without the session."""

from __future__ import annotations

import collections
import itertools
import json
from urllib.parse import urlsplit

from tests.sites import FixtureServer, crawl_sources, hanweb_detail, html, para

DOCUMENTS = 6
_minted = itertools.count(1)


def _session() -> str:
    return f";jsessionid={next(_minted):08X}?sid={next(_minted)}"


def _list_page(page: int):
    def render(handler):
        links = "".join(f'<li><a href="/art/{n}.html{_session()}">通知{n}</a></li>'
                        for n in range(page * 3 + 1, page * 3 + 4))
        more = f'<a href="/list/{page + 1}.html{_session()}">下一页</a>' if page == 0 else ""
        return 200, {"Content-Type": "text/html; charset=utf-8"}, html(
            f"<html><head><title>通知公告</title></head><body><ul>{links}</ul>{more}"
            f'<a href="/list/0.html{_session()}">首页</a></body></html>')
    return render


def _detail(n: int):
    def render(handler):
        body = hanweb_detail(f"关于第{n}项工作的通知", "2024-03-0" + str(n % 9 + 1), "示例市人民政府",
                             f"示政发〔2024〕{n}号", f"11000000/2024-0000{n}",
                             para(f"第{n}项工作的通知正文，请各单位认真落实。"),
                             extra=f'<a href="/list/0.html{_session()}">返回列表</a>'
                                   f'<a href="/art/{n % DOCUMENTS + 1}.html{_session()}">下一篇</a>')
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body
    return render


def test_session_ids_in_links_neither_multiply_requests_nor_documents(tmp_path):
    routes = {f"/list/{p}.html": _list_page(p) for p in range(2)}
    routes.update({f"/art/{n}.html": _detail(n) for n in range(1, DOCUMENTS + 1)})
    server = FixtureServer(routes, "127.0.0.31")
    try:
        rows, runs = crawl_sources(tmp_path, [{
            "name": "java", "start_urls": [server.base + "/list/0.html" + _session()],
            "allowed_domains": ["127.0.0.31"]}])
    finally:
        server.close()
    assert sorted(rows) == sorted(f"{server.base}/art/{n}.html"
                                  for n in range(1, DOCUMENTS + 1))
    asked = collections.Counter(urlsplit(path).path.split(";")[0]
                                for _, path, _ in server.requests if path != "/robots.txt")
    assert asked == {**{f"/list/{p}.html": 1 for p in range(2)},
                     **{f"/art/{n}.html": 1 for n in range(1, DOCUMENTS + 1)}}
    assert runs["java"]["new"] == DOCUMENTS


def test_a_redirect_off_the_configured_sites_is_not_followed_but_one_to_a_file_is(tmp_path):
    from tests.sites import make_pdf

    other = FixtureServer({"/elsewhere.html": hanweb_detail(
        "别处的文章", "2024-01-02", "别的网站", "", "", para("不属于配置的网站。")),
        "/files/report.pdf": (make_pdf(["附件正文"]), "application/pdf")}, "127.0.0.33")
    moved = lambda target: lambda handler: (302, {"Location": target}, b"")  # noqa: E731
    home = FixtureServer({
        "/list.html": html('<html><head><title>列表</title></head><body>'
                           '<a href="/art/1.html">通知</a><a href="/go/away.html">外链</a>'
                           '<a href="/download/2.pdf">附件</a></body></html>'),
        "/art/1.html": hanweb_detail("本站的通知", "2024-01-03", "示例市人民政府", "", "",
                                     para("本站的正文。")),
        "/go/away.html": moved(other.base + "/elsewhere.html"),
        "/download/2.pdf": moved(other.base + "/files/report.pdf")}, "127.0.0.32")
    try:
        rows, runs = crawl_sources(tmp_path, [{
            "name": "home", "start_urls": [home.base + "/list.html"],
            "allowed_domains": ["127.0.0.32"]}])
    finally:
        home.close()
        other.close()
    asked_elsewhere = [path for _, path, _ in other.requests if path != "/robots.txt"]
    assert asked_elsewhere == ["/files/report.pdf"]  # a file may sit on another host
    assert json.loads(runs["home"]["error_detail"]) == {"redirected_offsite": 1}
    assert f"{home.base}/art/1.html" in rows
    assert not any("elsewhere" in url for url in rows)
