"""Rows that left a cell out: which one, told by what the other cells hold.

A CSV row written by hand or exported from a form with an empty field dropped has fewer cells
than the header, and read left to right everything after the gap lands one column early: an
Erasmus code in the partner column (published as an institution), a date in the places. The
cells themselves say which column is missing, where they are of a kind that cannot be wrong
for long: a code, a date, a web address, a small number, an institution's name. A row is
realigned only when reading it as written puts such a cell under a column that cannot hold it,
and one choice of the columns left out makes every cell fit and puts more cells where they
belong than any other; otherwise it is read as before, and its normalisers refuse what does
not fit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import combinations

from exchange_kg.normalise.country import parse_country
from exchange_kg.normalise.dates import parse_date
from exchange_kg.normalise.erasmus import parse_erasmus_code
from exchange_kg.normalise.fit import looks_like_institution

_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
_SMALL_NUMBER = re.compile(r"^\d{1,3}$")
MAX_MISSING = 2  # columns a row may leave out and still be realigned

# What each column may hold, of the kinds a cell is told by; a column not listed holds text,
# and a code, a date or a web address there is out of place.
_HOLDS: dict[str, frozenset[str | None]] = {
    "partner": frozenset({None, "institution", "country"}),
    "other_name": frozenset({None, "institution", "country"}),
    "unit": frozenset({None, "institution"}),
    "city": frozenset({None, "country"}),
    "country": frozenset({None, "country"}),
    "erasmus_code": frozenset({"code"}),
    "website": frozenset({"url"}),
    "quota": frozenset({None, "number"}),
    "row_number": frozenset({"number"}),
    "start": frozenset({"date"}),
    "end": frozenset({"date", None}),
    "term": frozenset({"date", None, "number"}),
}
_TEXT = frozenset({None, "institution", "country", "number"})
# the kind of cell a column is for: where several readings fit, the one that puts most cells
# where they belong is taken (a country in the country column, not in the city's)
_FOR = {"country": "country", "partner": "institution", "erasmus_code": "code",
        "website": "url", "quota": "number", "row_number": "number", "start": "date",
        "end": "date", "term": "date"}


def _kind(cell: str) -> str | None:
    """What a cell unmistakably is, or None for text."""
    text = cell.strip()
    if not text:
        return None
    if _URL.match(text):
        return "url"
    if _SMALL_NUMBER.match(text):
        return "number"
    if parse_erasmus_code(text)[0] is not None:
        return "code"
    if any(c.isdigit() for c in text) and parse_date(text)[0] is not None:
        return "date"
    if looks_like_institution(text):
        return "institution"
    if parse_country(text, fuzzy=False) is not None:
        return "country"
    return None


def _misfits(kinds: Sequence[str | None], columns: Sequence[str]) -> int:
    return sum(1 for kind, column in zip(kinds, columns, strict=False)
               if kind not in _HOLDS.get(column, _TEXT))


def _placed(kinds: Sequence[str | None], columns: Sequence[str]) -> int:
    return sum(1 for kind, column in zip(kinds, columns, strict=False)
               if kind is not None and _FOR.get(column) == kind)


def realign(cells: Sequence[str], columns: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """The row's cells with empty ones put in for the columns it left out, and those
    columns' names; None when the row is read as written."""
    missing = len(columns) - len(cells)
    if not 0 < missing <= MAX_MISSING or not any(c.strip() for c in cells):
        return None
    kinds = [_kind(c) for c in cells]
    if not _misfits(kinds, columns):
        return None
    fits: list[tuple[int, tuple[int, ...]]] = []
    for gaps in combinations(range(len(columns)), missing):
        it = iter(kinds)
        placed = [None if i in gaps else next(it) for i in range(len(columns))]
        if not _misfits(placed, columns):
            fits.append((_placed(placed, columns), gaps))
    fits.sort(reverse=True)
    if not fits or len(fits) > 1 and fits[0][0] == fits[1][0]:
        return None  # no way, or several ways alike, to read it: the cells do not tell
    it = iter(cells)
    out = ["" if i in fits[0][1] else next(it) for i in range(len(columns))]
    return out, [columns[i] for i in fits[0][1]]
