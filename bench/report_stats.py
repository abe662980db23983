"""年报数据: extraction accuracy over generated annual reports, and the time a rebuild takes.

    .venv/bin/python bench/report_stats.py [--agencies 144] [--years 2012 2024]

Generates the sample corpus for many agencies (the bench corpus's 144 by default), stores each
annual report in an archive as the crawler would (its page, and its DOCX/XLSX/PDF attachment,
with the fetched bytes kept), runs `reports.stats.update(rebuild=True)` (what
`gongkai stats --rebuild` does) and compares every cell and every check with what the
generator wrote. Reported: cells exact, reports with every cell exact, checks right, and the
rebuild's seconds per 1,000 reports.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index_bench import CITIES, DEPTS  # noqa: E402

from archive import Archive, Document  # noqa: E402
from crawler.classify import classify, report_template  # noqa: E402
from crawler.extract import extract  # noqa: E402
from gongkai.samplesite.corpus import failing_checks, generate  # noqa: E402
from gongkai.samplesite.render import doc_path, render_detail  # noqa: E402
from gongkai.samplesite.report_tables import ReportNumbers  # noqa: E402
from reading import files  # noqa: E402
from reports.stats import update  # noqa: E402


def agencies(count: int) -> list[tuple[str, str, str, str]]:
    found = [(f"{c}市{d}", f"{c[0]}{s}", f"1153{i:04d}MB{i:06d}X", f"a{i}")
             for i, (c, (d, s)) in enumerate((c, d) for c in CITIES for d in DEPTS)]
    return found[:count]


def archive_reports(path: Path, docs) -> dict:
    """Store each annual report (page and attachment, bytes kept); return {(agency, year):
    (stats, index)}."""
    truth = {}
    names = list(dict.fromkeys(d.publisher for d in docs))
    with Archive(path) as archive:
        for number, doc in enumerate(docs):
            if doc.doc_type != "annual_report":
                continue
            url = "http://example.gov.cn" + doc_path(doc, number)
            html = render_detail(doc)
            page = extract(html, url)
            year = int(re.search(r"(\d{4})年", doc.title).group(1))
            truth[(doc.publisher, year)] = (doc.stats, names.index(doc.publisher))
            archive.upsert(Document(url=url, source="bench", site="example.gov.cn",
                                    doc_type="annual_report", report_year=year,
                                    report_template=report_template(page.body), raw=html.encode(),
                                    raw_type="text/html; charset=utf-8", **vars(page)))
            for file in doc.files:
                kind = file.name.rsplit(".", 1)[1]
                text = files.extract_text(file.data, kind)
                doc_type, _ = classify(doc.title)
                archive.upsert(Document(
                    url=url.rsplit("/", 1)[0] + "/" + file.name, source="bench",
                    site="example.gov.cn", title=doc.title, body=text, publisher=doc.publisher,
                    doc_type=doc_type, report_year=year, report_template=report_template(text),
                    parent_url=url, raw=file.data))
    return truth


def _values(data: dict) -> list:
    """Every value of a report's tables, in a fixed order."""
    out = []
    for row in data["applications"].values():
        out += [row.get(c) for c in sorted(k for k in row if k not in ("kinds", "items"))]
        for item in row.get("items", []):
            out += [item.get(c) for c in sorted(k for k in item if k not in ("kinds", "label"))]
    for case in ("review", "litigation_direct", "litigation_after_review"):
        out += [data[case].get(k) for k in sorted(k for k in data[case] if k != "kinds")]
    for row in sorted(data.get("active", {})):
        out += [v for k, v in sorted(data["active"][row].items()) if k != "kinds"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agencies", type=int, default=144)
    parser.add_argument("--years", type=int, nargs=2, default=[2012, 2024])
    args = parser.parse_args()
    docs = generate(seed=11, years=range(args.years[0], args.years[1] + 1),
                    notices_per_agency=0, agencies=agencies(args.agencies))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.sqlite3"
        truth = archive_reports(path, docs)
        with Archive(path) as archive:
            result = update(archive, rebuild=True)
            _, rows = archive.report_stats(limit=1_000_000)
    found = {(r["publisher"], r["report_year"]): r for r in rows}
    cells = exact_cells = exact_reports = checks_right = tables = 0
    for key, (stats, index) in truth.items():
        report = found.get(key)
        failed = {c["rule"] for c in report["checks"] if c["ok"] is False} if report else None
        checks_right += failed == failing_checks(index, key[1], stats)
        if isinstance(stats, ReportNumbers):
            tables += 1
            want = _values(json.loads(json.dumps(stats.expected())))
            got = _values(report) if report else [None] * len(want)
            cells += len(want)
            exact_cells += sum(a == b for a, b in zip(want, got, strict=False))
            exact_reports += want == got
        else:
            exact_reports += bool(report) and report["figures"] == stats
    print(f"{len(truth)} reports ({tables} with tables) of {args.agencies} agencies, "
          f"{args.years[0]}-{args.years[1]}")
    print(f"cells exact: {exact_cells}/{cells} = {exact_cells / max(1, cells):.4f}; reports with "
          f"every value exact: {exact_reports}/{len(truth)}; checks right (failed rule sets): "
          f"{checks_right}/{len(truth)}")
    print(f"stats rebuild: {result.reports} reports from {result.parsed} documents in "
          f"{result.seconds:.1f}s = {result.seconds / result.reports * 1000:.1f}s per 1,000 reports")


if __name__ == "__main__":
    main()
