"""The report statistics' tables (年报数据): each annual report's parse, kept per document and
parser version, and one row per agency and year with its key figures for listing and sorting."""

from __future__ import annotations

import json
from collections.abc import Iterator

from .db import upsert


class ReportTables:
    """What `Archive` keeps for the report statistics (uses the archive's `db`)."""

    def annual_reports(self) -> Iterator[dict]:
        """The live annual-report documents (pages and attachments)."""
        cur = self.db.stream(
            "SELECT doc_id, url, title, body, publisher, report_year, report_template, seq, "
            "parent_url, text_source FROM documents WHERE status = 'live' AND "
            "doc_type = 'annual_report' "
            "ORDER BY seq")
        for row in cur:
            yield dict(row)

    def report_parses(self, version: int) -> dict[str, tuple[int, dict]]:
        """{doc_id: (seq parsed, data)} of the parses a parser version made."""
        rows = self.db.execute("SELECT doc_id, seq, data FROM report_parses WHERE version = ?",
                               (version,))
        return {doc_id: (seq, json.loads(data)) for doc_id, seq, data in rows}

    def save_report_parses(self, parses: list[tuple[str, int, dict]], version: int,
                           replace: bool = False) -> None:
        """Keep document parses (doc_id, seq, data); `replace` drops all others first."""
        with self.db.write():
            if replace:
                self.db.execute("DELETE FROM report_parses")
            self.db.executemany(
                upsert("report_parses", ("doc_id", "seq", "version", "data"), "doc_id"),
                [(doc_id, seq, version, json.dumps(data, ensure_ascii=False))
                 for doc_id, seq, data in parses])

    def replace_report_stats(self, reports: list[dict]) -> None:
        """Replace every report's statistics in one transaction."""
        columns = ("doc_id", "url", "title", "publisher", "report_year", "template", "source",
                   "data", "failed", "missing_rows", "new", "granted_rate", "review_corrected",
                   "litigation_corrected")
        with self.db.write():
            self.db.execute("DELETE FROM report_stats")
            self.db.executemany(
                f"INSERT INTO report_stats ({', '.join(columns)}) VALUES "
                f"({', '.join('?' for _ in columns)})",
                [tuple(r[c] for c in columns) for r in reports])

    REPORT_SORTS = {"publisher": "publisher, report_year", "year": "report_year, publisher",
                    "new": "new", "granted_rate": "granted_rate",
                    "review_corrected": "review_corrected",
                    "litigation_corrected": "litigation_corrected", "failed": "failed"}

    def report_stats(self, publisher: str = "", year: int | None = None, q: str = "",
                     sort: str = "publisher", descending: bool = False, offset: int = 0,
                     limit: int = 20) -> tuple[int, list[dict]]:
        """(total, page) of the report statistics: `publisher` exactly, `q` within publisher
        or title, sorted by a REPORT_SORTS key (missing values last)."""
        where, params = ["1 = 1"], []
        if publisher:
            where.append("publisher = ?")
            params.append(publisher)
        if year is not None:
            where.append("report_year = ?")
            params.append(year)
        if q:
            where.append(f"({self.db.contains.format(column='publisher')} OR "
                         f"{self.db.contains.format(column='title')})")
            params += [q, q]
        condition = " AND ".join(where)
        total = self.db.execute(f"SELECT COUNT(*) FROM report_stats WHERE {condition}",
                                params).fetchone()[0]
        order = ", ".join(
            f"{col} IS NULL, {col} {'DESC' if descending else 'ASC'}"
            for col in self.REPORT_SORTS[sort].split(", "))
        rows = self.db.execute(
            f"SELECT * FROM report_stats WHERE {condition} ORDER BY {order}, doc_id "
            "LIMIT ? OFFSET ?", [*params, limit, offset])
        return total, [_stats_dict(r) for r in rows]

    def report_keys(self, reports: list[tuple[str, int]]) -> dict[tuple[str, int], dict]:
        """{(publisher, year): key figures and doc_id} of the given agencies' reports."""
        found = {}
        for publisher, year in reports:
            row = self.db.execute(
                "SELECT doc_id, new, granted_rate, review_corrected, litigation_corrected, "
                "failed, missing_rows FROM report_stats WHERE publisher = ? AND report_year = ?",
                (publisher, year)).fetchone()
            if row:
                found[(publisher, year)] = dict(row)
        return found

    def report_stat(self, doc_id: str) -> dict | None:
        """One report's statistics by the id of its document, or None."""
        row = self.db.execute("SELECT * FROM report_stats WHERE doc_id = ?",
                              (doc_id,)).fetchone()
        return _stats_dict(row) if row else None


def _stats_dict(row) -> dict:
    data = dict(row)
    data.update(json.loads(data.pop("data")))
    return data
