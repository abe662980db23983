"""`gongkai extract`: what the crawler would make of one page or attachment, for checking a site."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import asdict
from pathlib import Path

from scrapy.http import HtmlResponse

from crawler import attachments
from crawler.adapters import adapter_for
from crawler.classify import classify
from crawler.extract import clean_text, extract
from reading import files
from reading.encoding import decode_html

USER_AGENT = "GongkaiBot/0.1 (+https://example.org/gongkai) extract"
MAX_BYTES = 50 * 1024 * 1024


class InspectError(Exception):
    """A page that could not be read."""


def _fetch(url: str) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.read(MAX_BYTES), response.headers.get("Content-Type", "")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise InspectError(f"cannot fetch {url}: {exc}") from exc


def inspect_target(target: str, url: str = "") -> dict:
    """Extract a file path or URL the way the crawler would; return a JSON-ready dict."""
    if target.startswith(("http://", "https://")):
        body, content_type = _fetch(target)
        url = url or target
    else:
        try:
            body, content_type = Path(target).read_bytes(), ""
        except OSError as exc:
            raise InspectError(f"cannot read {target}: {exc.strerror}") from exc
        url = url or Path(target).resolve().as_uri()
    kind = files.detect(body, url, content_type)
    if kind:
        try:
            text = clean_text(files.extract_text(body, kind))
        except files.UnreadableFile as exc:
            raise InspectError(str(exc)) from exc
        title = attachments.title_for(text, url)
        doc_type, year = classify(title, text)
        return {"url": url, "attachment": kind, "title": title, "body": text,
                "doc_type": doc_type, "report_year": year}
    html = decode_html(body, content_type)
    page = HtmlResponse(url=url, body=html.encode("utf-8"), encoding="utf-8")
    platform = adapter_for(page).__name__.rsplit(".", 1)[-1]
    extracted = extract(html, url)
    if extracted is None:
        return {"url": url, "platform": platform, "document": None,
                "reason": "no document signals: a list or navigation page"}
    doc_type, year = classify(extracted.title, extracted.body)
    return {"url": url, "platform": platform, **asdict(extracted), "doc_type": doc_type,
            "report_year": year}
