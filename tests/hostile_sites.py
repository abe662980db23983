"""Three sites that behave as parts of the real web do, for tests/test_hostile.py and
bench/hostile.py (which runs them at full size).

- `portal` (127.0.0.41), a Java CMS: session ids in every link, paging that never ends, an
  endless calendar, a page of many links to a search that finds nothing, a page of many MB,
  a gzip bomb, a "not found" page in the article template, a page whose charset lies, a broken
  PDF and an HTML page served as one.
- `faults` (127.0.0.42): a page that always answers 500, 503 and 429 with Retry-After once, a
  connection reset mid-body, a server that drips, a port that accepts and never answers,
  a redirect loop, a redirect chain without end, a redirect to another origin.
- `slow` (127.0.0.43): robots.txt asking for a Crawl-delay.

`Hostile.expected` lists every real document (by URL) the crawl must store.
"""

from __future__ import annotations

import gzip
import itertools
import socket
import time
from dataclasses import dataclass, field

from tests.sites import FixtureServer, hanweb_detail, html, para

_sessions = itertools.count(1)
HTML = {"Content-Type": "text/html; charset=utf-8"}


@dataclass
class Sizes:
    """How big the hostile parts are: the test's defaults keep the suite fast."""

    big_page: int = 3 * 1024 * 1024  # over crawler.spiders.gov.PARSE_LIMIT
    bomb: int = 60 * 1024 * 1024  # inflated, over the 50 MiB download cap
    search_links: int = 300  # links to a search that finds nothing
    huge_page: int = 0  # a page over the download cap itself (0: none)
    drip_seconds: float = 30.0  # how long the dripping server keeps dripping
    retry_after: int = 2


@dataclass
class Hostile:
    portal: FixtureServer
    faults: FixtureServer
    slow: FixtureServer
    silent: socket.socket  # listens, never answers
    expected: list[str] = field(default_factory=list)

    def sources(self) -> list[dict]:
        return [{"name": "portal", "start_urls": [self.portal.base + _sid("/index.html")],
                 "allowed_domains": ["127.0.0.41"]},
                {"name": "faults", "start_urls": [self.faults.base + "/index.html"],
                 "allowed_domains": ["127.0.0.42", "127.0.0.44"]},
                {"name": "slow", "start_urls": [self.slow.base + "/index.html"],
                 "allowed_domains": ["127.0.0.43"]}]

    def close(self) -> None:
        for server in (self.portal, self.faults, self.slow):
            server.close()
        self.silent.close()


def _sid(href: str = "") -> str:
    """The href with a fresh session id, as a Java CMS writes it (`a.jsp;jsessionid=…?q=1`)."""
    path, mark, query = href.partition("?")
    return f"{path};jsessionid={next(_sessions):012X}{mark}{query}"


def _page(title: str, body: str) -> bytes:
    return html(f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
                f"<body>{body}</body></html>")


def _doc(n: str, title: str) -> bytes:
    return hanweb_detail(title, "2024-05-06", "示例市人民政府办公室", f"示政办〔2024〕{n}号",
                         f"11000000/2024-{n}", para(f"{title}的正文，请认真贯彻执行。"))


def _chrome(main: str) -> bytes:
    """A page in the portal's article template: navigation, footer and all (over 4 KB)."""
    nav = "".join(f'<li><a href="/index.html">栏目{i}</a></li>' for i in range(40))
    foot = "".join(f"<p>主办单位：示例市人民政府办公室 备案号：示ICP备{i}号</p>" for i in range(30))
    return html(f"<html><head><meta charset='utf-8'><title>示例市人民政府</title></head><body>"
                f"<div class='header'><ul>{nav}</ul></div><div id='zoom'>{main}</div>"
                f"<div class='footer'>{foot}</div></body></html>")


def portal_routes(sizes: Sizes) -> dict:
    routes: dict = {}
    routes["/index.html"] = lambda h: (200, HTML, _page("示例市人民政府", "".join(
        f'<a href="{_sid(href)}">{text}</a>' for href, text in [
            ("/list.jsp?page=1", "通知公告"), ("/cal.jsp?date=2024-03-01", "活动日历"),
            ("/search.html", "热词"), ("/big.html", "统计数据"), ("/gone.html", "旧通知"),
            ("/gbk.html", "公告"), ("/bomb.html", "下载"), ("/files/broken.pdf", "附件一"),
            ("/files/fake.pdf", "附件二"), *([("/huge.html", "档案")] if sizes.huge_page
                                            else [])])))

    def listing(h):
        page = int(h.path.split("page=")[1].split("&")[0])
        items = "".join(f'<li><a href="{_sid(f"/art/{page}_{k}.html")}">第{page}页第{k}条</a></li>'
                        for k in (1, 2)) if page <= 3 else "<li>暂无信息</li>"
        return 200, HTML, _page("通知公告", f"<ul>{items}</ul>"
                                f'<a href="{_sid(f"/list.jsp?page={page + 1}")}">下一页</a>')
    routes["/list.jsp"] = listing
    for page, k in itertools.product((1, 2, 3), (1, 2)):
        routes[f"/art/{page}_{k}.html"] = _doc(f"{page}{k}", f"关于第{page}批第{k}项工作的通知")

    def calendar(h):
        day = time.mktime(time.strptime(h.path.split("date=")[1][:10], "%Y-%m-%d"))
        near = [time.strftime("%Y-%m-%d", time.localtime(day + d * 86400 + 3600))
                for d in (-1, 1)]
        return 200, HTML, _page("活动日历", "本日无活动。" + "".join(
            f'<a href="/cal.jsp?date={d}">{d}</a>' for d in near)
            + '<a href="/index.html">首页</a>')
    routes["/cal.jsp"] = calendar
    routes["/search.html"] = _page("热词", "".join(
        f'<a href="/search.jsp?kw={n}">热词{n}</a>' for n in range(sizes.search_links)))
    routes["/search.jsp"] = lambda h: (200, HTML, _page("搜索结果", "没有找到相关结果。"
                                                        '<a href="/index.html">首页</a>'))
    row = "<tr><td>统计项目</td><td>12345</td><td>67890</td></tr>"
    rows = row * (sizes.big_page // len(row.encode()) + 1)
    routes["/big.html"] = hanweb_detail("示例市统计数据汇编", "2024-04-01", "示例市统计局",
                                        "", "11000000/2024-99", para("统计数据如下。")
                                        + f"<table>{rows}</table>")
    if sizes.huge_page:
        routes["/huge.html"] = _page("档案", "<p>档案内容</p>" * (sizes.huge_page // 20 + 1))
    routes["/gone.html"] = _chrome("<h1>页面不存在</h1><p>对不起，您访问的页面不存在或已被删除。</p>")
    routes["/gbk.html"] = lambda h: (200, HTML, hanweb_detail(
        "关于调整办事时间的公告", "2024-02-02", "示例市政务服务中心", "", "11000000/2024-77",
        para("自即日起，政务服务中心周六上午照常办公。")).decode().encode("gbk"))
    bomb = gzip.compress(b" " * sizes.bomb, compresslevel=1)
    routes["/bomb.html"] = lambda h: (200, {**HTML, "Content-Encoding": "gzip"}, bomb)
    routes["/files/broken.pdf"] = (b"%PDF-1.4\n% this file ends here", "application/pdf")
    routes["/files/fake.pdf"] = (_page("错误", "下载失败"), "application/pdf")
    return routes


def _once(first, then):
    """A route answering `first` the first time, `then` after."""
    asked = itertools.count()
    return lambda h: first if next(asked) == 0 else then


def faults_routes(sizes: Sizes, silent: str) -> dict:
    wait = {"Retry-After": str(sizes.retry_after), "Content-Type": "text/html"}
    moved = lambda target: lambda h: (302, {"Location": target}, b"")  # noqa: E731
    routes = {
        "/index.html": _page("示例县人民政府", "".join(
            f'<a href="{href}">{text}</a>' for href, text in [
                ("/art/1.html", "通知一"), ("/art/2.html", "通知二"), ("/e500.html", "坏页"),
                ("/busy.html", "繁忙"), ("/limit.html", "限流"), ("/reset.html", "断开"),
                ("/drip.html", "慢"), ("/loop/a.html", "循环"), ("/chain/1.html", "长链"),
                ("/away.html", "外链"), (silent + "/x.html", "无应答")])),
        "/art/1.html": _doc("1", "关于做好防汛工作的通知"),
        "/art/2.html": _doc("2", "关于公布办事指南的通知"),
        "/e500.html": lambda h: (500, HTML, b"<h1>Internal Server Error</h1>"),
        "/busy.html": _once((503, wait, b"busy"), (200, HTML, _doc("3", "关于延长申报期限的通知"))),
        "/limit.html": _once((429, wait, b"slow down"),
                             (200, HTML, _doc("4", "关于征集意见的公告"))),
        "/reset.html": _reset,
        "/drip.html": lambda h: _drip(h, sizes.drip_seconds),
        "/loop/a.html": moved("/loop/b.html"),
        "/loop/b.html": moved("/loop/a.html"),
        "/away.html": moved("http://127.0.0.43:1/elsewhere.html"),
    }
    routes.update({f"/chain/{n}.html": moved(f"/chain/{n + 1}.html") for n in range(1, 40)})
    return routes


def _reset(handler):
    """Promise 20,000 bytes, send 100 and hang up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", "20000")
    handler.end_headers()
    handler.wfile.write(b"<html><body>" + b"x" * 88)
    handler.wfile.flush()
    handler.connection.shutdown(socket.SHUT_RDWR)
    handler.close_connection = True


def _drip(handler, seconds: float):
    """Answer at once, then a byte every half second for `seconds`."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(int(seconds * 2) + 100))
    handler.end_headers()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.5)
    except OSError:  # the crawler hung up: as it should
        pass
    handler.close_connection = True


def slow_routes() -> dict:
    return {
        "/robots.txt": (b"User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n", "text/plain"),
        "/index.html": _page("示例镇人民政府", '<a href="/art/1.html">通知</a>'
                             '<a href="/art/2.html">公告</a>'),
        "/art/1.html": _doc("5", "关于开展安全检查的通知"),
        "/art/2.html": _doc("6", "关于公布低保名单的公告"),
    }


def hostile_sites(sizes: Sizes | None = None) -> Hostile:
    sizes = sizes or Sizes()
    silent = socket.socket()
    silent.bind(("127.0.0.44", 0))
    silent.listen(64)  # the kernel completes connections; nobody ever reads or answers them
    silent_base = f"http://127.0.0.44:{silent.getsockname()[1]}"
    portal = FixtureServer(portal_routes(sizes), "127.0.0.41")
    faults = FixtureServer(faults_routes(sizes, silent_base), "127.0.0.42")
    slow = FixtureServer(slow_routes(), "127.0.0.43")
    expected = [*(f"{portal.base}/art/{p}_{k}.html" for p, k in itertools.product((1, 2, 3),
                                                                                  (1, 2))),
                portal.base + "/big.html", portal.base + "/gbk.html",
                faults.base + "/art/1.html", faults.base + "/art/2.html",
                faults.base + "/busy.html", faults.base + "/limit.html",
                slow.base + "/art/1.html", slow.base + "/art/2.html"]
    return Hostile(portal, faults, slow, silent, expected)
