"""Header words as written: the cells a table's header is made of, in every language the
header vocabulary (``data/header-words.tsv``) holds.

Readers need them as much as new-mapping does: a bilingual list heads its table twice, once
per language ("Pays | Université partenaire" over "Land | Partneruniversität"), and the
second row must be read as the header it is, not as an agreement with a partner named
"Partneruniversität"."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from exchange_kg.normalise.country import text_key
from exchange_kg.normalise.vocabulary import builtin_entries


@lru_cache(maxsize=1)
def _fields() -> dict[str, str]:
    """Header text as compared -> the field it names ('-': a column naming none); the first
    entry of a text wins, as in new-mapping's reading of a header."""
    out: dict[str, str] = {}
    for entry in builtin_entries("headers"):
        out.setdefault(text_key(entry.text), entry.value)
    return out


def header_word_field(cell: str) -> str | None:
    """The field a cell names when it is, as written, a header word (no near reading: a
    partner's name starts like "University", an agreement type like "Erasmus code")."""
    return _fields().get(text_key(cell))


def is_header_word(cell: str) -> bool:
    return header_word_field(cell) is not None


def restates_header(cells: Sequence[str], columns: Sequence[str] = ()) -> bool:
    """Whether a row next to a table's header is that header again in another language.

    Two header words at least and most of its cells, no digit anywhere (a value), and where
    the reader's columns are known, at least one word naming the field its column is read
    as: no row of data is made of column names, and another table's header (other columns)
    is told apart by its fields. A heading no vocabulary knows ("Valable jusqu'au") may
    stand among the words."""
    filled = [(i, c) for i, c in enumerate(cells) if c.strip()]
    if any(ch.isdigit() for _, c in filled for ch in c):
        return False
    fields = [(i, f) for i, c in filled if (f := header_word_field(c)) is not None]
    if len(fields) < 2 or len(fields) * 2 <= len(filled):
        return False
    return not columns or any(i < len(columns) and f == columns[i] for i, f in fields)
