"""The archive the crawler writes and the indexer and web read: SQLite by default, PostgreSQL
when `[archive] url` names one. All archive SQL lives in this package."""

from .base import Archive
from .model import DOC_TYPES, HASHED_FIELDS, REFRESH_COUNTS, Document, doc_id_for

__all__ = ["DOC_TYPES", "HASHED_FIELDS", "REFRESH_COUNTS", "Archive", "Document", "doc_id_for"]
