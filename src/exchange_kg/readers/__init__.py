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


@dataclass(frozen=True)
class Reader:
    name: str
    read_fn: ReadFn
    options_schema: dict[str, Any]
    doc: str

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


def register(name: str, options_schema: dict[str, Any]) -> Callable[[ReadFn], ReadFn]:
    def deco(fn: ReadFn) -> ReadFn:
        # Every reader also takes the document options (sheet, table, pages, encoding, ...):
        # they say where in the file its table is, whatever the layout.
        schema = with_document_options(options_schema)
        REGISTRY[name] = Reader(name, fn, schema, (fn.__doc__ or "").strip())
        return fn

    return deco


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
