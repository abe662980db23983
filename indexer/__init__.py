"""Gongkai's indexer: jieba analysis, the Whoosh schema, building, querying and searching."""
