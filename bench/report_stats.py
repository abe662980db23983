"""年报数据: extraction accuracy over generated annual reports, and the time a rebuild takes.

    .venv/bin/python bench/report_stats.py [--agencies 144] [--years 2012 2024]
    .venv/bin/python bench/report_stats.py --real DIR    # real reports you collected

Generates the sample corpus for many agencies (the bench corpus's 144 by default), stores each
annual report in an archive as the crawler would (its page, and its DOCX/XLSX/PDF attachment,
with the fetched bytes kept), runs `reports.stats.update(rebuild=True)` (what
`gongkai stats --rebuild` does) and compares every cell and every check with what the
generator wrote. Reported: cells exact, reports with every cell exact, checks right, reports
flagged incomplete, false alarms, and the rebuild's seconds per 1,000 reports.

`--real DIR` reads real report files instead (never committed: their text is not ours):
DIR/manifest.json lists each file with where it came from and every value as read off its
rendered pages: [{"file", "source", "publisher", "year", "template", "expected": {applications,
review, litigation_direct, litigation_after_review, active}}]. Each file is parsed as
`gongkai stats` parses a kept attachment, and, for comparison, by its text lines alone (how
PDFs were read before their tables were read by geometry).
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


ARITHMETIC = ("applications.balance", "applications.columns", "applications.results",
              "review.sum", "litigation_direct.sum", "litigation_after_review.sum")


def _failed(checks) -> set[str]:
    return {c["rule"] if isinstance(c, dict) else c.rule for c in checks
            if (c["ok"] if isinstance(c, dict) else c.ok) is False}


def real(folder: Path) -> None:
    """Figures on real report files: each parsed as `gongkai stats` does, and by lines."""
    from reading import tables as rows_from
    from reports.checks import check_report
    from reports.parse import read_tables
    from reports.stats import parse_document, report_data

    entries = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for name, parse in (("as gongkai stats reads them", None), ("by text lines", "lines")):
        cells = exact = complete = flagged = silent = alarms = consistent = 0
        for entry in entries:
            body = (folder / entry["file"]).read_bytes()
            doc = {"url": entry["file"], "body": "", "report_template": entry["template"]}
            if parse == "lines":
                found = read_tables(rows_from.text_rows(files.extract_text(body, "pdf")),
                                    entry["template"])
                data = report_data(doc, found if found.found() else None, {})
            else:
                data = parse_document(doc, (body, "application/pdf"))
            want = _values(entry["expected"])
            got = _values(data) if data["source"] == "table" else [None] * len(want)
            cells += len(want)
            right = sum(a == b for a, b in zip(want, got, strict=False))
            exact += right
            complete += want == got
            says_incomplete = bool(data.get("missing")) or data["source"] != "table"
            flagged += says_incomplete
            silent += want != got and not says_incomplete and not (_failed(check_report(data))
                                                                   & set(ARITHMETIC))
            truth = {**entry["expected"], "source": "table", "missing": []}
            clean = not (_failed(check_report(_with_kinds(truth))) & set(ARITHMETIC))
            consistent += clean
            alarms += clean and bool(_failed(check_report(data)) - {"tables.incomplete"})
            print(f"  {entry['file']}: {right}/{len(want)} cells, missing rows "
                  f"{len(data.get('missing') or [])}, failed {sorted(_failed(check_report(data)))}")
        print(f"{len(entries)} real reports, {name}: cells exact {exact}/{cells} = "
              f"{exact / max(1, cells):.4f}; reports with every cell exact {complete}; flagged "
              f"incomplete {flagged}; silent misses {silent}; false alarms {alarms} of "
              f"{consistent} consistent reports")


def _with_kinds(data: dict) -> dict:
    """Expected values as report data (kinds of plain numbers), for the checks."""
    def kinds(row: dict) -> dict:
        out = {**row, "kinds": {k: "number" for k in row if k not in ("items", "label", "item")}}
        if "items" in row:
            out["items"] = [kinds(i) for i in row["items"]]
        return out
    return {**data, "applications": {k: kinds(v) for k, v in data["applications"].items()},
            **{c: kinds(data[c]) for c in ("review", "litigation_direct",
                                           "litigation_after_review")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agencies", type=int, default=144)
    parser.add_argument("--years", type=int, nargs=2, default=[2012, 2024])
    parser.add_argument("--real", type=Path, help="a folder of real reports and manifest.json")
    args = parser.parse_args()
    if args.real:
        real(args.real)
        return
    docs = generate(seed=11, years=range(args.years[0], args.years[1] + 1),
                    notices_per_agency=0, agencies=agencies(args.agencies))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.sqlite3"
        truth = archive_reports(path, docs)
        with Archive(path) as archive:
            result = update(archive, rebuild=True)
            _, rows = archive.report_stats(limit=1_000_000)
    found = {(r["publisher"], r["report_year"]): r for r in rows}
    cells = exact_cells = exact_reports = checks_right = tables = flagged = alarms = 0
    for key, (stats, index) in truth.items():
        report = found.get(key)
        failed = {c["rule"] for c in report["checks"] if c["ok"] is False} if report else None
        expected_failures = failing_checks(index, key[1], stats)
        checks_right += failed == expected_failures
        flagged += bool(report and report["missing"])
        alarms += bool(failed and failed - expected_failures)
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
          f"{checks_right}/{len(truth)}; flagged incomplete: {flagged}; false alarms: {alarms}")
    print(f"stats rebuild: {result.reports} reports from {result.parsed} documents in "
          f"{result.seconds:.1f}s = {result.seconds / result.reports * 1000:.1f}s per 1,000 reports")


if __name__ == "__main__":
    main()
