"""The documents whose text must come from OCR (scans: files fetched with no text layer, their
bytes kept), and the text OCR gave them."""

from __future__ import annotations

import hashlib
import json
import zlib

from .db import upsert


def raw_digest(body: bytes) -> str:
    """What identifies the bytes a text was read from."""
    return hashlib.sha1(body).hexdigest()


# the documents waiting for OCR: live, bytes kept, no text, not read yet
_PENDING = ("FROM documents d JOIN raw_documents r ON r.url = d.url WHERE d.status = 'live' "
            "AND d.body = '' AND d.text_source = ''")


class OcrQueue:
    """What `Archive` knows of OCR (uses the archive's `db`)."""

    def ocr_pending(self, limit: int = 100) -> list[dict]:
        """Live documents with kept bytes, no text and no OCR yet, oldest first: {url, doc_id,
        content_type}."""
        rows = self.db.execute(f"SELECT d.url, d.doc_id, r.content_type {_PENDING} "
                               "ORDER BY d.seq LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    def ocr_counts(self) -> dict[str, int]:
        """{"pending": documents waiting for OCR, "done": documents whose text is OCR's}."""
        pending = self.db.execute(f"SELECT COUNT(*) {_PENDING}").fetchone()[0]
        done = self.db.execute("SELECT COUNT(*) FROM documents WHERE status = 'live' AND "
                               "text_source = 'ocr'").fetchone()[0]
        return {"pending": pending, "done": done}

    def set_ocr_text(self, url: str, text: str, confidence: float,
                     layout: dict | None = None) -> bool:
        """Give a document the text OCR read from its kept bytes (a new seq, so the index takes
        it up), and where on the pages it read what (`layout`: {"lines": [(page, x0, y0, x1,
        y1, text, confidence)], "rules": [(page, y)]}, for the tables of scanned reports);
        False if it is gone or has text meanwhile. An empty text is kept too: the document is
        not read again until its bytes change."""
        with self.db.write():
            row = self.db.execute("SELECT body FROM raw_documents WHERE url = ?",
                                  (url,)).fetchone()
            if row is None:
                return False
            digest = raw_digest(zlib.decompress(row[0]))
            cur = self.db.execute(
                "UPDATE documents SET body = ?, text_source = 'ocr', ocr_confidence = ?, "
                "ocr_of = ?, seq = ? WHERE url = ? AND status = 'live' AND body = '' AND "
                "text_source = ''", (text, confidence, digest, self._next_seq(), url))
            if cur.rowcount and layout is not None:
                self.db.execute(upsert("ocr_layouts", ("url", "data"), "url"),
                                (url, json.dumps(layout, ensure_ascii=False)))
            return bool(cur.rowcount)

    def ocr_layout(self, url: str) -> dict | None:
        """Where OCR read what on a document's pages (see `set_ocr_text`), or None."""
        row = self.db.execute("SELECT data FROM ocr_layouts WHERE url = ?", (url,)).fetchone()
        return json.loads(row[0]) if row else None
