"""The Whoosh schema. Its module path (`indexer.schema`) is pickled into every index: never move it.

The two text field types below index straight from `indexer.analysis` without building Whoosh
Token objects per token: that per-token Python loop, not segmentation, is the indexing cost once
the segmenter is fast.
"""

from __future__ import annotations

from collections import defaultdict

from whoosh import columns, fields, formats

from indexer import analysis

TITLE_BOOST = 3.0
SCHEMA_VERSION = 2  # bump when fields change: `gongkai index` then rebuilds fully


class WordField(fields.TEXT):
    """jieba words with ordinal positions and character offsets (ranking and highlighting)."""

    def __init__(self, field_boost: float = 1.0, stored: bool = True):
        super().__init__(analyzer=analysis.WordTokenizer(), chars=True, stored=stored,
                         field_boost=field_boost)

    def index(self, value, **kwargs):
        """Yield (term bytes, frequency, weight, encoded postings) per distinct word."""
        seen: dict[str, list] = defaultdict(list)
        for term, pos, start, end in analysis.word_tokens(value):
            seen[term].append((pos, start, end))
        boost = self.format.field_boost
        encode = self.format.encode
        for term, poslist in seen.items():
            yield term.encode("utf-8"), len(poslist), len(poslist) * boost, encode(poslist)


class NgramField(fields.FieldType):
    """Distinct character unigrams and bigrams, no positions: candidates for exact substrings."""

    def __init__(self):
        # scorable only so Whoosh keeps a length column: for a field without one, its codec
        # stats the disk once per posting while writing a segment (whoosh3 _cached_reader).
        super().__init__(format=formats.Existence(), analyzer=analysis.NgramTokenizer(),
                         scorable=True, stored=False)

    def index(self, value, **kwargs):
        """Yield one posting per distinct n-gram."""
        for gram in analysis.ngrams(value):
            yield gram.encode("utf-8"), 1, 1.0, b""


def build_schema() -> fields.Schema:
    """Return the schema every Gongkai index uses."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        url=fields.ID(stored=True, unique=True),
        title=WordField(field_boost=TITLE_BOOST),
        body=WordField(),
        exact=NgramField(),
        # normalized title + body as UTF-8: exact phrase checks read it by offset, no unpickling
        exact_text=fields.COLUMN(columns.VarBytesColumn()),
        publisher=fields.ID(stored=True, sortable=True),
        source=fields.ID(stored=True),
        site=fields.ID(stored=True),
        doc_type=fields.ID(stored=True, sortable=True),
        year=fields.NUMERIC(stored=True, sortable=True, bits=32),
        report_year=fields.NUMERIC(stored=True, bits=32),
        report_template=fields.ID(stored=True),
        pub_date=fields.DATETIME(sortable=True),
        pub_date_text=fields.STORED(),
        doc_number=fields.ID(),
        doc_number_text=fields.STORED(),
        index_number=fields.ID(),
        index_number_text=fields.STORED(),
        parent_url=fields.STORED(),
    )
