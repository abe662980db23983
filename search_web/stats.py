"""What the statistics pages and endpoints share: the archive connection, the JSON shape of a
report, key figures for search hits, and the trend chart (SVG drawn here, nothing fetched)."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app

from archive import Archive
from archive.db import ArchiveUnavailable, is_postgres
from reports.checks import key_figure

KEY_FIELDS = ("new", "granted_rate", "review_corrected", "litigation_corrected")
REPORT_FIELDS = ("applications", "review", "litigation_direct", "litigation_after_review",
                 "active", "figures", "notes", "missing", "checks")
SERIES = (("applications.new", "新收申请", "#b22"), ("applications.granted", "予以公开", "#2a6"),
          ("review", "行政复议", "#36c"), ("litigation", "行政诉讼", "#c80"))


class NoArchive(Exception):
    """The app has no archive to read report statistics from."""


_local = threading.local()


def archive() -> Archive:
    """This thread's connection to the app's archive (NoArchive, a 503, when there is none)."""
    path = current_app.config.get("ARCHIVE")
    if not path or not (is_postgres(path) or Path(path).exists()):
        raise NoArchive("no archive to read report statistics from; run `gongkai crawl`")
    if getattr(_local, "path", None) != path or not _local.archive.db.alive():
        try:
            _local.archive, _local.path = Archive(path), path
        except ArchiveUnavailable as error:
            raise NoArchive(str(error)) from None
    return _local.archive


def report_json(row: dict) -> dict:
    """The public JSON of one report's statistics (GET /api/stats)."""
    return {"doc_id": row["doc_id"], "url": row["url"], "title": row["title"],
            "publisher": row["publisher"], "report_year": row["report_year"],
            "template": row["template"], "source": row["source"], "failed": row["failed"],
            "key": {k: row[k] for k in KEY_FIELDS},
            "unreadable": row.get("unreadable"),
            **{k: row.get(k, {} if k not in ("notes", "missing", "checks") else [])
               for k in REPORT_FIELDS}}


def key_figures(hits) -> dict[str, dict]:
    """{hit id: key figures} for the annual reports among search hits (their agency and year)."""
    wanted = {(h.publisher, h.report_year) for h in hits
              if h.doc_type == "annual_report" and h.report_year and h.publisher}
    if not wanted or not current_app.config.get("ARCHIVE"):
        return {}
    try:
        found = archive().report_keys(list(wanted))
    except NoArchive:
        return {}
    return {h.id: found[(h.publisher, h.report_year)] for h in hits
            if (h.publisher, h.report_year) in found}


def chart(reports: list[dict], width: int = 640, height: int = 240) -> dict:
    """The geometry of a line chart of the key figures by year: {years, lines, ticks}."""
    years = sorted({r["report_year"] for r in reports})
    by_year = {r["report_year"]: r for r in reports}
    values = {name: [key_figure(by_year[y], name) for y in years] for name, _, _ in SERIES}
    top = max([v for vs in values.values() for v in vs if v is not None] + [1])
    left, bottom, right, top_margin = 44, height - 34, width - 24, 14  # room for the labels
    step = (right - left) / max(1, len(years) - 1)

    def point(i: int, value: float) -> tuple[float, float]:
        return (round(left + i * step, 1),
                round(bottom - (bottom - top_margin) * value / top, 1))

    lines = []
    for name, label, color in SERIES:
        points = [point(i, v) for i, v in enumerate(values[name]) if v is not None]
        lines.append({"label": label, "color": color, "points": points,
                      "path": " ".join(f"{x},{y}" for x, y in points)})
    return {"width": width, "height": height, "years": [
        {"year": y, "x": round(left + i * step, 1)} for i, y in enumerate(years)],
        "lines": lines, "top": top, "bottom": bottom, "left": left, "right": right,
        "ticks": [{"value": round(top * f), "y": point(0, top * f)[1]} for f in (0, 0.5, 1)]}
