"""Labels typed into a column's cells: 'Country: Germany' is the value 'Germany'.

A list laid out for reading on paper or a narrow screen, or exported from a form, repeats the
field's name before each value ('Partner: Universität Hamburg', 'Country: Germany'). Read as
written, the label is published as part of the value (an institution called 'Partner:
Universität Hamburg', a country nobody can read). A label is told by the column, not by one
cell: every value of the column, from its first labelled row on, starts with the same words
and a colon, and those words are the column's own header above them or a word lists use as
a column's name (the header vocabulary, any language). One cell that merely holds a colon
('Erasmus+: KA131' among other programmes) keeps its text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from exchange_kg.formats.grid import Table

# a label: a letter first, at most 40 characters before the colon; then the value
_LABELLED = re.compile(r"^\s*([^\W\d_][^:：\n\u2028]{0,39}?)\s*[:：]\s*(?!//)(\S.*)$", re.DOTALL)
# at least this many of a column's cells carry the label before it counts as one
MIN_LABELLED = 2


def without_typed_labels(table: Table) -> Table:
    """The table with each column's typed label taken off its values (see the module)."""
    rows = [r for r, row in enumerate(table.cells) if sum(1 for c in row if c.strip()) >= 2]
    width = max((len(row) for row in table.cells), default=0)
    if width < 2:
        return table
    cells = [list(row) for row in table.cells]
    changed = False
    for col in range(width):
        label = _column_label(table, rows, col)
        if label is None:
            continue
        for r in rows:
            found = _LABELLED.match(_cell(table, r, col))
            if found and _key(found.group(1)) == label:
                cells[r][col] = found.group(2).strip()
                changed = True
    return replace(table, cells=cells) if changed else table


def _cell(table: Table, row: int, col: int) -> str:
    cells = table.cells[row]
    return cells[col] if col < len(cells) else ""


def _column_label(table: Table, rows: list[int], col: int) -> str | None:
    """The label every value of the column starts with, if it is a column's name."""
    values = [(r, _cell(table, r, col)) for r in rows if _cell(table, r, col).strip()]
    first = next((k for k, (_, text) in enumerate(values) if _LABELLED.match(text)), None)
    if first is None:
        return None
    labels = {_key(m.group(1)) if (m := _LABELLED.match(text)) else None
              for _, text in values[first:]}
    if len(labels) != 1 or len(values) - first < MIN_LABELLED:
        return None
    label = labels.pop()
    if label is None:
        return None
    above = {_key(text) for _, text in values[:first]}
    return label if label in above or label in _column_names() else None


def _key(text: str) -> str:
    from exchange_kg.normalise.country import text_key

    return text_key(text)


@lru_cache(maxsize=1)
def _column_names() -> frozenset[str]:
    """Words lists use as a column's name, any field (partner included), any language."""
    from exchange_kg.normalise.vocabulary import builtin_entries

    return frozenset(_key(e.text) for e in builtin_entries("headers"))
