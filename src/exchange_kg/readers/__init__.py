"""Readers split one document layout into raw records.

Each reader is a function ``read(lines, source_id, options) -> ReaderResult`` registered under
the name a mapping file uses. ``lines`` is the document split into lines (no line endings), so
line ``n`` of the file is ``lines[n - 1]``. Options come from the mapping file, already checked
against the reader's own JSON schema (``OPTIONS_SCHEMA`` beside the function).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exchange_kg.records import ReaderResult

ReadFn = Callable[[list[str], str, dict[str, Any]], ReaderResult]


@dataclass(frozen=True)
class Reader:
    name: str
    read: ReadFn
    options_schema: dict[str, Any]
    doc: str


REGISTRY: dict[str, Reader] = {}


def register(name: str, options_schema: dict[str, Any]) -> Callable[[ReadFn], ReadFn]:
    def deco(fn: ReadFn) -> ReadFn:
        REGISTRY[name] = Reader(name, fn, options_schema, (fn.__doc__ or "").strip())
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
