"""Report statistics for the archive: every annual report parsed, checked and stored.

Each annual-report document (a page or an attachment) is read from the bytes the crawler kept
(`Archive.raw`), or from its archived text when there are none; the document whose tables give
the most is an agency's report for its year. Parses are kept per document and redone only for
documents that changed, or all of them with `rebuild`; checks across years and the copied-text
share are recomputed for all reports each time (they depend on the neighbours).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from archive import Archive
from reading import files, pdf_tables
from reading import tables as rows_from
from reading.encoding import decode_html
from reading.ocr import ocr_rows
from reports.checks import check_history, check_report, copied_share, key_figure, sentences
from reports.model import APPLICANTS, APPLICATION_ROWS, CASES, OUTCOMES
from reports.parse import Tables, read_tables
from reports.prose import prose_figures

PARSER_VERSION = 2  # bump when parsing changes: `gongkai stats` then reparses everything
BOILERPLATE_AGENCIES = 3  # a sentence in the reports of this many agencies is template wording


@dataclass
class StatsReport:
    reports: int
    parsed: int
    failed: int
    seconds: float


SCANNED = "扫描件：PDF 没有文字层，表格无法读取（待文字识别）"


def _readings(kind: str, body: bytes, content_type: str) -> Iterator[list]:
    """The ways to read a file's rows of cells, the most faithful first (made when asked)."""
    if kind == "html":
        yield rows_from.html_rows(decode_html(body, content_type))
    elif kind == "docx":
        yield rows_from.docx_rows(body)
    elif kind == "xlsx":
        yield rows_from.xlsx_rows(body)
    elif kind == "pdf":  # tables by their ruling lines; text lines for a PDF that draws none
        yield pdf_tables.pdf_rows(body)
        yield rows_from.text_rows(files.extract_text(body, kind))
    else:
        yield rows_from.text_rows(files.extract_text(body, kind))


def document_readings(doc: dict, raw: tuple[bytes, str] | None) -> Iterator[list]:
    """The rows of cells of a document, each way it can be read, made when asked for: from
    its kept bytes, else its archived text. Raises pdf_tables.NoTextLayer for a scan."""
    if raw is not None:
        body, content_type = raw
        kind = files.detect(body, doc["url"], content_type) or "html"
        try:
            yield from _readings(kind, body, content_type)
            return
        except (files.UnreadableFile, ValueError, KeyError, OSError):
            pass  # an unreadable file: its text is all there is
    yield rows_from.text_rows(doc["body"])


def _cells(row: dict[str, object]) -> dict:
    """A row as stored: the value per column and the kind of each cell."""
    out = {column: value.value for column, value in row.items()}
    out["kinds"] = {column: value.kind for column, value in row.items()}
    return out


def report_data(doc: dict, found: Tables | None, figures: dict[str, int]) -> dict:
    """The stored (and served) data of a report: 表三, 表四, 表二, prose figures."""
    template = found.template if found is not None else doc.get("report_template") or "prose"
    source = "table" if found is not None and found.found() else ("text" if figures else "none")
    applications: dict = {}
    for row in APPLICATION_ROWS:
        values = found.applications[row.key] if found else {}
        data = _cells(values) if values else {c: None for c in APPLICANTS}
        items = (found.items.get(row.key) or {}) if found else {}
        if row.items_for(template):
            labels = {i.number: i.label for i in row.items_for(template)}
            data["items"] = [{"item": n, "label": labels.get(n, ""), **_cells(items[n])}
                             for n in sorted(items)]
        applications[row.key] = data
    data = {"template": template, "source": source, "applications": applications,
            "active": {k: _cells(v) for k, v in (found.active.items() if found else ())},
            "figures": figures, "notes": found.notes if found and source == "table" else [],
            "missing": found.missing if found and source == "table" else []}
    for case in CASES:
        data[case] = _cells(found.cases[case]) if found and source == "table" \
            else {o: None for o in OUTCOMES}
    if source == "text":  # what the sentences state, in the table's places
        for key, figure in (("new", "applications"), ("granted", "granted"),
                            ("partial", "partial"), ("denied", "denied")):
            if figure in figures:
                applications[key]["total"] = figures[figure]
        if "review" in figures:
            data["review"]["total"] = figures["review"]
    return data


def parse_document(doc: dict, raw: tuple[bytes, str] | None,
                   layout: dict | None = None) -> dict:
    """Parse one annual-report document into its report data: the reading whose tables give
    the most, or the figures its sentences state. A scan is read from where OCR found its
    words (`layout`, archive/ocr.py): numbers read with low confidence are unreadable cells,
    never trusted values; a scan not yet OCR'd is unreadable."""
    template = doc.get("report_template") or "prose"
    found = None
    try:
        for rows in document_readings(doc, raw):
            tables = read_tables(rows, template)
            if found is None or tables.found() > found.found():
                found = tables
            if found.found() and not found.missing:
                break  # complete: no need to read it another way
    except pdf_tables.NoTextLayer:
        if layout is None:
            return {**report_data(doc, None, {}), "unreadable": SCANNED}
        found = read_tables(ocr_rows(layout["lines"], layout["rules"]), template)
    figures = {} if found.found() else prose_figures(doc["body"])
    return report_data(doc, found if found.found() else None, figures)


def _completeness(data: dict) -> tuple[int, int]:
    values = sum(1 for row in data["applications"].values() for c in APPLICANTS
                 if row.get(c) is not None)
    values += sum(1 for case in CASES for o in OUTCOMES if data[case].get(o) is not None)
    return ({"table": 2, "text": 1}.get(data["source"], 0), values)


def update(archive: Archive, rebuild: bool = False) -> StatsReport:
    """Bring the report statistics up to date with the archive (rebuild: reparse all)."""
    started = time.monotonic()
    cached = {} if rebuild else archive.report_parses(PARSER_VERSION)
    parsed: dict[str, dict] = {}
    changed = []
    docs = {}
    for doc in archive.annual_reports():
        docs[doc["doc_id"]] = doc
        hit = cached.get(doc["doc_id"])
        if hit is not None and hit[0] == doc["seq"]:
            parsed[doc["doc_id"]] = hit[1]
            continue
        layout = archive.ocr_layout(doc["url"]) if doc.get("text_source") == "ocr" else None
        parsed[doc["doc_id"]] = parse_document(doc, archive.raw(doc["url"]), layout)
        changed.append((doc["doc_id"], doc["seq"], parsed[doc["doc_id"]]))
    archive.save_report_parses(changed, PARSER_VERSION, replace=rebuild)
    chosen = _choose(docs, parsed)
    stats = _checked(chosen, docs)
    archive.replace_report_stats(stats)
    failed = sum(1 for s in stats if s["failed"])
    return StatsReport(len(stats), len(changed), failed, time.monotonic() - started)


def _choose(docs: dict, parsed: dict) -> dict[tuple[str, int], tuple[str, dict, list[str]]]:
    """Per (agency, year): the document giving the most, its data, and all the report's
    documents (a page and its attachments)."""
    groups: dict[tuple[str, int], list[str]] = defaultdict(list)
    for doc_id, doc in docs.items():
        if doc["report_year"] and doc["publisher"]:
            groups[(doc["publisher"], int(doc["report_year"]))].append(doc_id)
    chosen = {}
    for key, ids in groups.items():
        best = max(ids, key=lambda i: (_completeness(parsed[i]), docs[i]["parent_url"] == ""))
        chosen[key] = (best, parsed[best], ids)
    return chosen


def _checked(chosen: dict, docs: dict) -> list[dict]:
    """Every chosen report with its own checks and those against the year before; its text
    is that of all its documents (the page's sentences, the attachment's tables)."""
    texts = {key: set().union(*(sentences(docs[i]["body"]) for i in ids))
             for key, (_, _, ids) in chosen.items()}
    agencies: dict[str, set[str]] = defaultdict(set)
    for (publisher, _), found in texts.items():
        for sentence in found:
            agencies[sentence].add(publisher)
    boilerplate = {s for s, who in agencies.items() if len(who) >= BOILERPLATE_AGENCIES}
    out = []
    for (publisher, year), (doc_id, data, _) in sorted(chosen.items()):
        before = chosen.get((publisher, year - 1))
        copied = copied_share(texts[(publisher, year)], texts[(publisher, year - 1)],
                              boilerplate) if before else None
        checks = check_report(data) + check_history(data, before[1] if before else None,
                                                    copied)
        doc = docs[doc_id]
        out.append({"doc_id": doc_id, "url": doc["url"], "title": doc["title"],
                    "publisher": publisher, "report_year": year, "template": data["template"],
                    "source": data["source"],
                    "data": json.dumps({**data, "checks": [c.to_dict() for c in checks]},
                                       ensure_ascii=False),
                    "failed": sum(1 for c in checks if c.ok is False),
                    "missing_rows": len(data.get("missing") or []), **_keys(data)})
    return out


def _keys(data: dict) -> dict:
    """The key figures kept as columns, for listing and sorting."""
    new = key_figure(data, "applications.new")
    granted = key_figure(data, "applications.granted")
    processed = data["applications"]["total_processed"].get("total")
    corrected = [data[c].get("corrected") for c in ("litigation_direct",
                                                   "litigation_after_review")]
    return {"new": new, "granted_rate": round(granted / processed, 4)
            if granted is not None and processed else None,
            "review_corrected": data["review"].get("corrected"),
            "litigation_corrected": None if None in corrected else sum(corrected)}
