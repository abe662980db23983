"""The OCR stage: every document the crawler kept the bytes of for want of text (a scanned PDF
or image) is read by OCR (reading/ocr.py) and gets its text, its source ("ocr") and the mean
confidence of the lines read; a new seq hands it to the indexer.

It is resumable: each document is done once (until its bytes change), a run stops at its time
budget between documents and the next run goes on with the rest. A file OCR cannot open is done
with no text, counted as failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from archive import Archive
from reading.files import UnreadableFile
from reading.ocr import ocr_file

BATCH = 20


@dataclass
class OcrReport:
    """What one run did: documents read, pages read, documents that could not be read,
    documents left for the next run, and how long it took."""

    documents: int = 0
    pages: int = 0
    failed: int = 0
    left: int = 0
    seconds: float = 0.0


def run(archive: Archive, max_pages: int = 30, seconds: float = 0,
        progress: Callable[[int, int], None] | None = None) -> OcrReport:
    """OCR the documents waiting for it: at most `max_pages` pages of each (0: all), until
    `seconds` have passed (0: no limit); `progress(done, expected)` after each document."""
    report, started = OcrReport(), time.monotonic()
    expected = archive.ocr_counts()["pending"]
    while True:
        waiting = archive.ocr_pending(BATCH)
        if not waiting or (seconds and time.monotonic() - started >= seconds):
            break
        for doc in waiting:
            if seconds and time.monotonic() - started >= seconds:
                break
            kept = archive.raw(doc["url"])
            try:
                read = ocr_file(kept[0], kept[1], max_pages) if kept else None
            except UnreadableFile:
                read = None
            if read is None:
                report.failed += 1
                archive.set_ocr_text(doc["url"], "", 0.0)
            else:
                report.pages += read.pages
                archive.set_ocr_text(doc["url"], read.text, read.confidence,
                                     {"lines": read.lines, "rules": read.rules})
            report.documents += 1
            if progress is not None:
                progress(report.documents, expected)
    report.left = archive.ocr_counts()["pending"]
    report.seconds = time.monotonic() - started
    return report
