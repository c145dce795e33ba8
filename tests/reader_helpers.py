"""Helpers shared by the reader tests: bundled sources as a reader gets them, record lookups.

Kept as plain functions rather than fixtures so each test module still decides its own fixture
scope and options; only the way a source is loaded and a record is found is written once.
"""

from __future__ import annotations

from pathlib import Path

from exchange_kg.records import RawRecord, ReaderResult

SOURCES = Path(__file__).resolve().parents[1] / "sources"
TOHOKU = "tohoku-agreements-2016.txt"  # outline list and content table in one document


def source_lines(name: str) -> list[str]:
    """The lines of a bundled source, without line endings (line ``n`` is ``lines[n - 1]``)."""
    return (SOURCES / name).read_text(encoding="utf-8").split("\n")


def by_line(result: ReaderResult, n: int) -> RawRecord:
    """The record read from line ``n`` alone (readers that emit one record per line)."""
    return next(r for r in result.records if r.lines == (n,))


def flag_codes(record: RawRecord) -> list[str]:
    """The codes of a record's flags, in order, for compact assertions."""
    return [f.code for f in record.flags]
