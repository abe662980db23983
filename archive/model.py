"""What the archive stores: a crawled document, its public id, the values its columns take."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

DOC_TYPES = ("annual_report", "guide", "budget", "notice", "other")
HASHED_FIELDS = ("title", "body", "publisher", "pub_date", "written_date", "doc_number",
                 "index_number", "category", "doc_type", "report_year", "attachments",
                 "site_name", "section")
REFRESH_COUNTS = ("pages", "new", "updated", "gone", "indexed", "documents")


def doc_id_for(url: str) -> str:
    """Return the stable public id of a document: a short hash of its canonical URL."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


@dataclass
class Document:
    """One extracted document, as the crawler hands it to the archive."""

    url: str
    source: str
    site: str
    title: str
    body: str
    publisher: str = ""
    pub_date: str = ""  # YYYY-MM-DD or ""
    written_date: str = ""
    doc_number: str = ""
    index_number: str = ""
    category: str = ""
    site_name: str = ""  # the site's own name (SiteName), not its host
    section: str = ""  # the column (栏目) the document is filed in
    doc_type: str = "other"
    report_year: int | None = None
    report_template: str = ""  # annual reports: "prose" (before 2019), "2019" or "2021"
    attachments: list[dict] = field(default_factory=list)
    parent_url: str = ""
    etag: str = ""
    last_modified: str = ""
    # the fetched bytes of an annual report, kept so its tables can be parsed again offline,
    # or of a file without text (a scan), kept for OCR (archive/ocr.py)
    raw: bytes = field(default=b"", repr=False)
    raw_type: str = ""

    def content_hash(self) -> str:
        """Hash the fields that make a new version when they change."""
        data = {k: getattr(self, k) for k in HASHED_FIELDS}
        return hashlib.sha1(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def text_hash(self) -> str:
        """Hash the text alone: the same text at another URL is the same document."""
        return hashlib.sha1(f"{self.title}\n{self.body}".encode()).hexdigest()
