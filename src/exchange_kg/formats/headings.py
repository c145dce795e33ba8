"""A table per country, the country standing only in the heading above each table.

Web pages and word-processor documents often split a partner list into one table per
country under a heading naming it ("Germany", then its table; "Italy", then its table), the
rows themselves naming no country. The format adapters know each table's heading (or
caption); here it becomes the table's first row, a row of one cell, which the table readers
take as a country heading (also before the table's header), so every row below it gets that
country.

A heading is used only when it names a country (exactly: no fuzzy match) and only when every
table read together has such a heading: a country must never run on from one table into the
next one headed otherwise ("Exchange places per year").
"""

from __future__ import annotations

from collections.abc import Sequence

from exchange_kg.formats.grid import Table
from exchange_kg.records import Location

_ABOVE = "heading above "


def with_country_headings(tables: Sequence[Table],
                          headings: Sequence[Sequence[tuple[str, str]] | None]) -> list[Table]:
    """``tables`` with the country of the heading above each as its first row.

    ``headings[k]`` lists table ``k``'s candidate texts, best first, each with the location
    its row gets (:func:`above` for a heading); the first naming a country is taken. None:
    table ``k`` goes on with table ``k - 1`` (the rows after a page break), whose heading
    holds for it too. When some table has none, the tables are returned as they are."""
    countries = [None if candidates is None else _country_of(candidates)
                 for candidates in headings]
    if not tables or not all(found is not None or (candidates is None and k > 0)
                             for k, (found, candidates) in enumerate(zip(countries, headings,
                                                                         strict=True))):
        return list(tables)
    return [table if found is None else _headed(table, *found)
            for table, found in zip(tables, countries, strict=True)]


def _country_of(candidates: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    from exchange_kg.normalise.country import parse_country

    for text, where in candidates:
        text = " ".join(text.split())
        if text and parse_country(text, fuzzy=False) is not None:
            return text, where
    return None


def above(number: int, source: str = "") -> str:
    """The location of the heading above table ``number``, standing at ``source`` in the
    document ("paragraph 7") when it has a place of its own there."""
    return f"{source}, {_ABOVE}table {number}" if source else f"{_ABOVE}table {number}"


def heading_source(location: Location) -> str:
    """Where in the document the heading a row of :func:`with_country_headings` repeats
    stands ("paragraph 7"), or "" when the row is no such heading: that paragraph, left
    unread by a mapping that reads only tables, was read all the same."""
    before, _, after = location.text.partition(", " + _ABOVE)
    return before if after else ""


def _headed(table: Table, text: str, where: str) -> Table:
    """A copy of ``table`` with ``text`` as a row of its own above its rows (the adapters
    cache their tables: the original is left as it is)."""
    width = max((len(row) for row in table.cells), default=1) or 1
    return Table(table.name, [[text] + [""] * (width - 1), *(list(r) for r in table.cells)],
                 [Location(where), *table.locations],
                 [(r0 + 1, c0, r1 + 1, c1) for r0, c0, r1, c1 in table.merges],
                 {r + 1: why for r, why in table.unreadable.items()})
