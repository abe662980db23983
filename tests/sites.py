"""Fixture sites for the crawler tests, one per CMS family, written by this project.

`FixtureServer` serves a dict of routes on a real localhost port: path (with query) → bytes, or
a callable(handler) for dynamic answers (dataproxy POST, JSON APIs, flaky pages). It honours
If-Modified-Since on static routes (304), like a real web server, and logs every request.
"""

from __future__ import annotations

import email.utils
import http.client
import io
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

LAST_MODIFIED = email.utils.formatdate(1_700_000_000, usegmt=True)
LATER = email.utils.formatdate(1_750_000_000, usegmt=True)
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(settings: dict, cwd: Path | None = None, stdout=subprocess.DEVNULL,
                timeout: float = 60) -> tuple[subprocess.Popen, int]:
    """Start `gongkai serve` on a free port with GONGKAI_* `settings`; return the process and
    its port once /healthz answers (RuntimeError if it does not in `timeout` seconds)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), **settings}
    server = subprocess.Popen([sys.executable, "-m", "gongkai", "serve", "--port", str(port)],
                              env=env, cwd=cwd, stdout=stdout, text=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"gongkai serve did not answer /healthz within {timeout:.0f}s")


CLOCK = 0.005  # seconds: how early a timer may fire, and what one reading of the clock misses


def assert_polite(spans: list[tuple[float, float, str]], quiet: float) -> None:
    """One request at a time on an origin, and at least `quiet` seconds from each answer to
    the next request (spans as FixtureServer stamps them, so load cannot shrink a gap)."""
    spans = sorted(spans)
    for (_, end, path), (start, _, following) in itertools.pairwise(spans):
        assert start >= end, f"{path} and {following} overlapped"
        assert start - end >= quiet - CLOCK, f"only {start - end:.3f}s between {path} and " \
                                             f"{following}"


class FixtureServer:
    """A threaded HTTP server on 127.0.0.x serving routes; `requests` lists what was asked,
    `spans` when each request was in flight (monotonic start, end, path). The start is
    stamped once the request has arrived, the end once the answer is ready and before any of
    it is sent: so the gap between one request's end and the next one's start is never
    shorter than the quiet time the client kept between having the answer and asking again,
    however late a busy machine runs the server's threads (`assert_polite`).

    `latency`: seconds each answer takes; `headers`: sent with every answer (a session
    cookie, as real sites set one). A route callable returns (status, headers, body), or
    None when it wrote its answer itself (logged with status 0)."""

    def __init__(self, routes: dict, host: str = "127.0.0.1", latency: float = 0.0,
                 headers: dict | None = None, port: int = 0):
        self.routes = routes
        # paths edited since LAST_MODIFIED: {path: their edit's date}, LATER on, a day apart
        self.changed: dict[str, str] = {}
        self.requests: list[tuple[str, str, int]] = []
        self.arrived: list[str] = []  # paths as their requests come in, before any answer
        self.spans: list[tuple[float, float, str]] = []
        self.latency = latency
        self.extra_headers = headers or {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def handle(self):
                # a TLS hello to this plain-HTTP server is refused at once, as nginx does
                if self.connection.recv(1, socket.MSG_PEEK) == b"\x16":
                    return
                super().handle()

            def do_GET(self):
                server.answer(self)

            def do_POST(self):
                server.answer(self)

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, handler) -> None:
        started = time.monotonic()
        self.arrived.append(urlsplit(handler.path).path)
        if self.latency:
            time.sleep(self.latency)
        path = urlsplit(handler.path).path
        route = self.routes.get(handler.path) or self.routes.get(path) or \
            self.routes.get(path.split(";")[0])  # `;jsessionid=…` is not routed on, as in Java
        if callable(route):
            answer = route(handler)
            if answer is None:  # the route wrote its own answer (a stall, a broken connection)
                self.requests.append((handler.command, handler.path, 0))
                return
            status, headers, body = answer
        elif route is None:
            status, headers, body = 404, {}, b"<html><body>404 Not Found</body></html>"
        elif handler.headers.get("If-Modified-Since") == self.last_modified(handler.path):
            status, headers, body = 304, {}, b""
        else:
            ctype = route[1] if isinstance(route, tuple) else "text/html; charset=utf-8"
            body = route[0] if isinstance(route, tuple) else route
            status = 200
            headers = {"Content-Type": ctype, "Last-Modified": self.last_modified(handler.path)}
        self.requests.append((handler.command, handler.path, status))
        answered = time.monotonic()
        handler.send_response(status)
        for key, value in {**self.extra_headers, **headers}.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        self.spans.append((started, answered, handler.path))

    def last_modified(self, path: str) -> str:
        return self.changed.get(path, LAST_MODIFIED)

    def change(self, path: str, body: bytes) -> None:
        """Replace a static route's content, as an editor publishing would: its
        Last-Modified becomes LATER, or a day after the site's last edit."""
        self.routes[path] = body
        self.changed[path] = email.utils.formatdate(1_750_000_000 + 86_400 * len(self.changed),
                                                    usegmt=True)

    def paths(self) -> list[str]:
        """Every path asked for, in order."""
        return [path for _, path, _ in self.requests]

    def fetched(self, since: int = 0) -> list[str]:
        """The paths answered with content (not 304) from request number `since` on."""
        return [path for _, path, status in self.requests[since:] if status != 304]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def form(handler) -> dict[str, str]:
    """Return the POST form of a request."""
    length = int(handler.headers.get("Content-Length", 0))
    data = handler.rfile.read(length).decode()
    return {k: v[0] for k, v in parse_qs(data).items()}


def query(handler) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(handler.path).query).items()}


def html(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


# ---------------------------------------------------------------- detail pages

def hanweb_detail(title: str, date: str, publisher: str, number: str, index: str, body: str,
                  extra: str = "") -> bytes:
    return html(f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date} 10:00">
<meta name="ContentSource" content="{publisher}"><meta name='Generator' content='大汉版通'>
<meta name="Maketime" content="2026-01-01 01:01:01"><title>{title}_示例网站</title></head><body>
<table class="xxgk_table"><tr><td>索 引 号：</td><td>{index}</td><td>发布机构：</td><td>{publisher}</td></tr>
<tr><td>发文字号：</td><td>{number}</td><td>发布日期：</td><td>{date}</td></tr></table>
<div class="main-txt" id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">{body}
<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>{extra}
<div>【打印】【关闭】</div><a href="http://www.hanweb.com" style="display:none">Produced By 大汉网络 大汉版通发布系统</a>
</body></html>""")


def trs_detail(title: str, date: str, publisher: str, body: str, extra: str = "") -> bytes:
    return html(f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date} 08:00">
<meta name="ContentSource" content="{publisher}"><title>{title}</title></head><body>
<div class="title">{title}</div><div class="pubDate">发布日期: <span>{date}</span></div>
<div class="TRS_Editor"><style>.TRS_Editor P{{font-family:宋体;}}</style>{body}</div>{extra}
</body></html>""")


def vsb_detail(title: str, date: str, publisher: str, body: str) -> bytes:
    return html(f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}-示例县</title>
<script src="/system/resource/js/news/newscontent.js"></script></head><body>
<form name="_newscontent_fromname"><h1>{title}</h1>
<div>发布时间: {date} | 信息来源：{publisher} | 浏览次数: <script>_showDynClicks("wbnews", 1, 2)</script></div>
<div id="vsb_content"><div class="v_news_content">{body}</div></div></form></body></html>""")


def gkmlpt_detail(title: str, date: str, publisher: str, number: str, index: str,
                  body: str) -> bytes:
    return html(f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<script>window._CONFIG = {{SID: '755041', DETAIL: {{}}}};</script></head><body>
<table><tr><td>索引号：</td><td>{index}</td><td>分类：</td><td>综合政务</td></tr>
<tr><td>发布机构：</td><td>{publisher}</td><td>成文日期：</td><td>{date}</td></tr>
<tr><td>名称：</td><td>{title}</td></tr><tr><td>文号：</td><td>{number}</td>
<td>发布日期：</td><td>{date}</td></tr></table>
<div class="article-content">{body}</div></body></html>""")


def para(*texts: str) -> str:
    return "".join(f"<p>　　{t}</p>" for t in texts)


# ---------------------------------------------------------------- attachments

def make_pdf(lines: list[str]) -> bytes:
    """A PDF with Chinese text (reportlab's built-in CID font, nothing downloaded)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.setFont("STSong-Light", 12)
    for i, line in enumerate(lines):
        pdf.drawString(60, 760 - 18 * i, line)
    pdf.save()
    return buf.getvalue()


def make_docx(paragraphs: list[str], table: list[list[str]]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    grid = document.add_table(rows=len(table), cols=len(table[0]))
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def json_route(data) -> tuple[bytes, str]:
    return json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8"


def crawl_sources(data_dir, sources: list[dict], delay: float = 0.0, full: bool = False,
                  workers: int = 1, **settings) -> tuple[dict[str, dict], dict | list]:
    """Crawl sources with `gongkai.refresh.crawl` into data_dir; return (live archive rows by
    URL, the crawl runs by source name, or a list of them with several workers).
    `settings`: more GONGKAI_CRAWL_* values."""
    import dataclasses

    from archive import Archive
    from gongkai import refresh
    from gongkai.config import load_config

    env = {"GONGKAI_DATA_DIR": str(data_dir), "GONGKAI_CRAWL_DELAY": str(delay),
           **{f"GONGKAI_CRAWL_{k.upper()}": str(v) for k, v in settings.items()}}
    config = dataclasses.replace(load_config(None, env=env), sources=sources)
    report = refresh.crawl(config, full=full, workers=workers)
    with Archive(config.archive) as archive:
        rows = {r["url"]: r for r in archive.changes_since(0) if r["status"] == "live"}
    if workers > 1:
        return rows, report.runs
    return rows, {run["source"]: run for run in report.runs}
