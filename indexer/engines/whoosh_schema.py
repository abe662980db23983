"""The Whoosh engine's schema and tokenizers.

Whoosh pickles the schema, field types and analyzers included, into every index: this module's
path (`indexer.engines.whoosh_schema`) and its class names must never move. The field types index
straight from `indexer.analysis` without building Whoosh Token objects per token: that per-token
Python loop, not segmentation, is the indexing cost once the segmenter is fast.
"""

from __future__ import annotations

from collections import defaultdict

from whoosh import columns, fields, formats
from whoosh.analysis import Token, Tokenizer

from indexer import analysis

TITLE_BOOST = 3.0
VERSION = 6  # bump when fields change: `gongkai index` then rebuilds fully


class _TermTokenizer(Tokenizer):
    """A Whoosh tokenizer over a function returning (term, position, startchar, endchar)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def terms(self, value: str, mode: str) -> list[tuple[str, int, int, int]]:
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, pos, start, end in self.terms(value, mode):
            t.original = t.text = term
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class WordTokenizer(_TermTokenizer):
    """Words: ordinal positions and character offsets (`word_tokens`; precise mode for queries)."""

    def terms(self, value, mode):
        if mode == "query":
            return [(w, i, 0, 0) for i, w in enumerate(analysis.query_words(value))]
        return analysis.word_tokens(value)


class NgramTokenizer(_TermTokenizer):
    """Character n-grams (`ngrams`): the exact-substring candidate field."""

    def terms(self, value, mode):
        return [(gram, i, 0, 0) for i, gram in enumerate(sorted(analysis.ngrams(value)))]


class WordField(fields.TEXT):
    """jieba words with ordinal positions and character offsets (ranking and highlighting)."""

    def __init__(self, field_boost: float = 1.0, stored: bool = True):
        super().__init__(analyzer=WordTokenizer(), chars=True, stored=stored,
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
        super().__init__(format=formats.Existence(), analyzer=NgramTokenizer(),
                         scorable=True, stored=False)

    def index(self, value, **kwargs):
        """Yield one posting per distinct n-gram."""
        for gram in analysis.ngrams(value):
            yield gram.encode("utf-8"), 1, 1.0, b""


def build_schema() -> fields.Schema:
    """Return the schema every Whoosh index of Gongkai uses."""
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
        site_name=fields.STORED(),
        section=fields.STORED(),
        status=fields.ID(stored=True),
        withdrawn=fields.STORED(),
        withdrawn_date=fields.DATETIME(),
        changed=fields.STORED(),
        changed_date=fields.DATETIME(),
        pairs=fields.KEYWORD(),  # adjacent title words (suggestion vocabulary)
    )
