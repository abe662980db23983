"""Fetched bytes into text and tables: page encodings (`encoding`), files of every type
(`files`, with wrapped lines joined by `wraps`) and rows of cells from any table (`tables`).
The ground floor: the crawler and the report statistics both read through it."""
