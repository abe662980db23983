"""Move an archive between back ends (SQLite ⇄ PostgreSQL) without loss: every table is copied
row by row, then each table's row count and a digest of its rows are compared on both sides."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .base import Archive
from .schema import TABLES

BATCH = 500


class CopyError(Exception):
    """A copy that cannot start (the destination holds data) or did not arrive whole."""


def table_digest(archive: Archive, table: str) -> tuple[int, str]:
    """(rows, digest) of one table: the digest is the sum of the rows' SHA-256 (each row's
    values by column name), so it does not depend on the order rows come back in."""
    total = count = 0
    columns: list[str] | None = None
    for row in archive.db.stream(f"SELECT * FROM {table}"):
        if columns is None:
            columns = sorted(row.keys())
        values = repr(tuple(_plain(row[c]) for c in columns)).encode()
        total = (total + int.from_bytes(hashlib.sha256(values).digest(), "big")) % (1 << 256)
        count += 1
    return count, f"{total:064x}"


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def copy_archive(source: str | Path, destination: str | Path) -> dict[str, tuple[int, str]]:
    """Copy every table of one archive into an empty one; return {table: (rows, digest)}
    as verified on both sides, or raise CopyError."""
    with Archive(source) as src, Archive(destination) as dst:
        for table, _ in TABLES:
            if dst.db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                raise CopyError(f"{dst.location} already holds data (table {table}); "
                                "copy into an empty archive")
        for table, key in TABLES:
            _copy_table(src, dst, table, key)
        report = {}
        for table, _ in TABLES:
            before, after = table_digest(src, table), table_digest(dst, table)
            if before != after:
                raise CopyError(f"table {table}: {before[0]} rows in {src.location}, "
                                f"{after[0]} arrived, or their contents differ")
            report[table] = before
        return report


def _copy_table(src: Archive, dst: Archive, table: str, key: str) -> None:
    columns = sorted(src.db.columns(table) & dst.db.columns(table))
    insert = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
              f"({', '.join('?' for _ in columns)})")
    batch: list[tuple] = []
    with dst.db.write():
        for row in src.db.stream(f"SELECT {', '.join(columns)} FROM {table}"):
            batch.append(tuple(_plain(v) for v in row))
            if len(batch) == BATCH:
                dst.db.executemany(insert, batch)
                batch.clear()
        if batch:
            dst.db.executemany(insert, batch)
        if key == "id":
            dst.db.restart_ids(table)
