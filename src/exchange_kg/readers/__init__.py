"""Readers split one document layout into raw records.

Each reader is a function ``read(lines, source_id, options) -> ReaderResult`` registered under
the name a mapping file uses. ``lines`` is the document split into lines (no line endings), so
line ``n`` of the file is ``lines[n - 1]``. A reader that can use evidence from other documents
takes a fourth parameter ``context`` (:class:`~exchange_kg.records.ReadContext`). Options come
from the mapping file, already checked against the reader's own JSON schema.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exchange_kg.formats import DOCUMENT_OPTIONS, with_document_options
from exchange_kg.records import ReadContext, ReaderResult

ReadFn = Callable[..., ReaderResult]
# The fields a reader gives its records under some options (a table: its columns).
Provides = Callable[[dict[str, Any]], frozenset[str]]
# Inconsistencies between a reader's options: (path inside the options, message) each.
OptionsCheck = Callable[[dict[str, Any]], list[tuple[tuple[Any, ...], str]]]


def _no_problems(options: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    return []


@dataclass(frozen=True)
class Reader:
    name: str
    read_fn: ReadFn
    options_schema: dict[str, Any]
    doc: str
    provides: Provides
    check: OptionsCheck = _no_problems

    @property
    def splits_cells(self) -> bool:
        """Whether the reader takes a ``delimiter`` of its own (for a text extract's cells),
        rather than only the document option that a CSV file's delimiter is."""
        return self.options_schema["properties"].get("delimiter") \
            is not DOCUMENT_OPTIONS["delimiter"]

    @property
    def uses_context(self) -> bool:
        return "context" in inspect.signature(self.read_fn).parameters

    def read(self, lines: list[str], source_id: str, options: dict[str, Any],
             context: ReadContext | None = None) -> ReaderResult:
        if self.uses_context:
            return self.read_fn(lines, source_id, options, context=context)
        return self.read_fn(lines, source_id, options)


REGISTRY: dict[str, Reader] = {}


def register(name: str, options_schema: dict[str, Any], provides: Provides,
             check: OptionsCheck = _no_problems) -> Callable[[ReadFn], ReadFn]:
    """Register a reader under the name mapping files use, with what the mapping checker
    needs: the options' schema, the fields it gives (so a mapped field no column provides
    is an error) and a check of the options against each other."""
    def deco(fn: ReadFn) -> ReadFn:
        # Every reader also takes the document options (sheet, table, pages, encoding, ...):
        # they say where in the file its table is, whatever the layout.
        schema = with_document_options(options_schema)
        REGISTRY[name] = Reader(name, fn, schema, (fn.__doc__ or "").strip(), provides, check)
        return fn

    return deco


def table_columns(options: dict[str, Any]) -> frozenset[str]:
    """What a table reader provides: its named columns ("-" skips one; "details" gives the
    fields a cell of details may hold), and the country of the headings above the rows where
    the table has country headings instead of a column."""
    from exchange_kg.readers.details import DETAIL_FIELDS, DETAILS_COLUMN

    named = frozenset(c for c in options.get("columns", ()) if c != "-")
    if DETAILS_COLUMN in named:  # a cell of details gives each field it may hold
        named = (named - {DETAILS_COLUMN}) | DETAIL_FIELDS
    return named | {"country"} if options.get("country_headings") else named


def check_columns(options: dict[str, Any], listed: tuple[str, ...] = (),
                  repeatable: tuple[str, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """Problems shared by the table readers: a column named twice (but for the fields the
    reader lets several columns name, ``repeatable``), a header whose length is not the
    columns', and options (``listed``) naming fields that are not columns."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    columns = list(options.get("columns", ()))
    seen: set[str] = set()
    for i, column in enumerate(columns):
        if column != "-" and column in seen and column not in repeatable:
            problems.append((("columns", i), f"column {column!r} is named twice"))
        seen.add(column)
    least = options.get("min_cells")
    if isinstance(least, int) and least > len(columns):
        problems.append((("min_cells",), f"min_cells {least} is more than the "
                                         f"{len(columns)} columns"))
    header = options.get("header")
    if header is not None and len(header) != len(columns):
        problems.append((("header",), f"{len(header)} header cells for {len(columns)} "
                                      f"columns: they must pair up one to one"))
    for option in listed:
        for i, name in enumerate(options.get(option, ())):
            if name not in seen:
                problems.append(((option, i), f"{name!r} is not one of the columns "
                                              f"({', '.join(columns)})"))
    for option, value in options.items():
        if option.endswith(("_patterns", "_pattern", "_marker")):
            for i, pattern in enumerate(value if isinstance(value, list) else [value]):
                problem = _regex_problem(pattern)
                if problem:
                    where = (option, i) if isinstance(value, list) else (option,)
                    problems.append((where, problem))
    return problems


def _regex_problem(pattern: object) -> str | None:
    import re

    if not isinstance(pattern, str):
        return None
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"not a regular expression: {exc}"
    return None


def get(name: str) -> Reader:
    _load_all()
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(f"unknown reader {name!r} (known: {known})") from None


def _load_all() -> None:
    # Imported for their @register side effect; kept here so the registry is complete.
    from exchange_kg.readers import (  # noqa: F401
        content_table,
        merged_table,
        numbered_table,
        outline,
        simple_table,
    )
