"""What reading one HTML page costs by its size: the basis of crawler.spiders.gov.PARSE_LIMIT.

    .venv/bin/python bench/big_pages.py [--sizes 0.5,1,2,4,8]

For each size (MB), a detail page whose body is a table of that many bytes (rows of cells with
a link each, as a runaway 统计 table or a dump would be) is read as the spider reads a page:
its links found (crawler.adapters.generic) and its document extracted (crawler.extract), in a
fresh process each so that the peak RSS is that page's. Reported: seconds and peak RSS per size.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def read_once(megabytes: float) -> dict:
    sys.path.insert(0, str(ROOT))
    from scrapy.http import HtmlResponse

    from crawler.adapters import generic
    from crawler.extract import extract

    row = "<tr><td>第1行</td><td>数据</td><td><a href='/a/{n}.html'>链接{n}</a></td></tr>"
    rows, size, n = [], 0, 0
    while size < megabytes * 1_000_000:
        rows.append(row.format(n=n))
        size += len(rows[-1].encode())
        n += 1
    page = (f"<html><head><title>大页面</title></head><body><div id='zoom'><table>"
            f"{''.join(rows)}</table></div></body></html>").encode()
    started = time.perf_counter()
    response = HtmlResponse("http://x.gov.cn/p.html", body=page, encoding="utf-8")
    links = generic.links(response)
    extract(response.text, response.url)
    return {"mb": round(len(page) / 1e6, 2), "links": len(links),
            "seconds": round(time.perf_counter() - started, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="0.5,1,2,4,8", help="page sizes, MB")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(read_once(args.one)))
        return
    for size in (float(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(size)], check=True,
                             capture_output=True, text=True).stdout
        result = json.loads(out)
        print(f"{result['mb']:6.2f} MB  {result['links']:7d} links  "
              f"{result['seconds']:6.2f} s  peak RSS {result['peak_mb']:5d} MB")


if __name__ == "__main__":
    main()
