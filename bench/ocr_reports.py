"""Scanned annual reports: how many of their table cells OCR gives back (issue #18).

    .venv/bin/python bench/ocr_reports.py [--reports 3] [--narrow]

For each template (2019, 2021), `--reports` generated reports are made as WPS exports them (ruled
tables; `--narrow`: labels wrapping in narrow cells), then printed, sealed and scanned back
(gongkai.samplesite.scans.scanned_copy), OCR'd (reading/ocr.py) and parsed from the words'
places (reports.stats.parse_document). Reported: cells exact, cells unreadable (a number OCR
doubted, or missing: said so by the checks), cells wrong (a value that is not the true one:
the count that must stay 0), and seconds per report.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import Archive, Document  # noqa: E402
from gongkai.samplesite import report_tables as sample  # noqa: E402
from gongkai.samplesite.scans import scanned_copy  # noqa: E402
from ocr.stage import run  # noqa: E402
from reports.stats import parse_document  # noqa: E402
from tests.test_ocr import _cells  # noqa: E402
from tests.test_reports import _values  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=3, help="reports per template")
    parser.add_argument("--narrow", action="store_true", help="labels wrap in narrow cells")
    parser.add_argument("-v", action="store_true", help="print every wrong cell")
    args = parser.parse_args()
    for template in ("2019", "2021"):
        exact = doubtful = wrong = total = 0
        seconds = 0.0
        for n in range(args.reports):
            report = sample.numbers(random.Random(f"bench{template}{n}"), template,
                                    [1, 0, 0, 0, 0, 2])
            grids = [sample.active_grid(report, set()),
                     [*sum(sample.applications_grid(report, set()), [])],
                     sample.cases_grid(report, set())]
            scan = scanned_copy(sample.pdf_tables_file(grids, ["统计表"], narrow=args.narrow),
                                seed=n)
            with tempfile.TemporaryDirectory() as tmp, Archive(Path(tmp) / "a.sqlite3") as db:
                url = "http://x.gov.cn/nb.pdf"
                db.upsert(Document(url=url, source="s", site="x.gov.cn", title="年度报告",
                                   body="", doc_type="annual_report",
                                   report_year=int(template), report_template=template,
                                   raw=scan, raw_type="application/pdf"))
                started = time.perf_counter()
                run(db)
                row = next(db.annual_reports())
                data = parse_document(row, db.raw(url), db.ocr_layout(url))
                seconds += time.perf_counter() - started
            expected, read = _cells(_values(report.expected())), _cells(_values(data))
            total += len(expected)
            exact += sum(1 for k, v in expected.items() if read.get(k) == v)
            doubtful += sum(1 for k in expected if read.get(k) is None)
            wrong += sum(1 for k, v in expected.items() if read.get(k) not in (None, v))
            if args.v:
                from reports.checks import check_report

                print({k: (read[k], v) for k, v in expected.items()
                       if read.get(k) not in (None, v)},
                      "failed checks:", [c.rule for c in check_report(data) if c.ok is False])
        print(f"{template}{' narrow' if args.narrow else ''}: {args.reports} reports, "
              f"{total} cells: exact {exact / total:.1%}, unreadable {doubtful / total:.1%}, "
              f"wrong {wrong} ({wrong / total:.2%}); {seconds / args.reports:.1f} s/report")


if __name__ == "__main__":
    main()
