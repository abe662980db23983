"""Extraction accuracy on pages whose truth is known, and the cost of an incremental re-crawl.

    .venv/bin/python bench/extraction.py

1. Extraction: every detail page of the generated sample site (two markup families) is run
   through `crawler.extract.extract` and compared with the document it was rendered from:
   title, publish date and publisher must be equal; the body must equal the rendered text.
2. Re-crawl: the sample site is served on localhost and crawled twice with `gongkai crawl`;
   the HTTP requests of each crawl are counted by status.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import tempfile
from collections import Counter
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.extract import clean_text, extract  # noqa: E402
from gongkai import refresh  # noqa: E402
from gongkai.config import load_config  # noqa: E402
from gongkai.samplesite import build_sample_site  # noqa: E402
from gongkai.samplesite.serve import serve_directory  # noqa: E402

TAGS = re.compile(r"<[^>]+>")


def expected_body(body_html: str) -> str:
    text = body_html.replace("</p>", "\n").replace("</tr>", "\n").replace("</td>", " | ")
    text = re.sub(r" \| \n", "\n", TAGS.sub("", text))
    return clean_text(text)


def extraction(root: Path, pages: dict) -> Counter:
    right = Counter()
    for path, doc in pages.items():
        got = extract((root / path.lstrip("/")).read_text("utf-8"), "http://127.0.0.1" + path)
        right["pages"] += 1
        right["title"] += got.title == doc.title
        right["date"] += got.pub_date == doc.pub_date.isoformat()
        right["publisher"] += got.publisher == doc.publisher
        right["body"] += got.body.replace(" | ", "|") == expected_body(doc.body_html).replace(
            " | ", "|").rstrip("|")
    return right


class CountingHandler(SimpleHTTPRequestHandler):
    statuses: Counter = Counter()

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        pass

    def send_response(self, code, message=None):
        CountingHandler.statuses[int(code)] += 1
        super().send_response(code, message)


def recrawl(root: Path, work: Path) -> list[Counter]:
    server = serve_directory(root, handler=CountingHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    config = load_config(None, env={"GONGKAI_DATA_DIR": str(work), "GONGKAI_CRAWL_DELAY": "0"})
    config = dataclasses.replace(config, sources=[{"name": "sample", "start_urls": [base + "/"],
                                                   "allowed_domains": ["127.0.0.1"]}])
    rounds = []
    for _ in range(2):
        CountingHandler.statuses = Counter()
        refresh.crawl(config)
        rounds.append(Counter(CountingHandler.statuses))
    server.shutdown()
    return rounds


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="gongkai-extraction-"))
    pages = build_sample_site(work / "site")
    right = extraction(work / "site", pages)
    n = right.pop("pages")
    print(f"extraction on {n} generated detail pages (Hanweb and TRS markup):")
    for field, count in right.items():
        print(f"  {field:10} {count}/{n} = {count / n:.1%}")
    first, second = recrawl(work / "site", work / "data")
    print("requests by status, first crawl: ", dict(sorted(first.items())),
          f"total {sum(first.values())}")
    print("requests by status, second crawl:", dict(sorted(second.items())),
          f"total {sum(second.values())}")


if __name__ == "__main__":
    main()
