"""Where in a source line the values of a record stand, to highlight them on its page.

A source record keeps the whole text it was read from; an OCR'd PDF can glue many rows into
one line, so the page marks the parts this agreement was read from: the names its parties go
by, and its dates in the layouts documents write them. Matching ignores case, accents and
runs of spaces, as the readers do; a value the line does not contain is simply not marked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from exchange_kg.normalise.country import parse_country

# what separates a date's parts in the documents' layouts (2017/06/28, 28.06.2017, 2017年6月28日)
DATE_SEPARATOR = r"\s*[-/.年月]\s*"


# what a marked part is, by the kind of value found there
KINDS = {"partner": "the partner's name", "home": "the name of the home side",
         "date": "a date of the agreement", "country": "the partner's country"}
# a cell longer than this is not a country's name
COUNTRY_CELL = 60


@dataclass(frozen=True)
class Needle:
    """A value to find, of one of ``KINDS``: a name as text, a date as ``YYYY``, ``YYYY-MM``
    or ``YYYY-MM-DD``, a country as its ISO code (found as a cell naming it, in any language
    the country reader knows)."""

    kind: str
    text: str


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded for matching, with the index in ``text`` of each folded character."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            piece = " "
        else:
            decomposed = unicodedata.normalize("NFKD", ch.replace("ł", "l").replace("Ł", "L"))
            piece = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        out.append(piece)
        index.extend([i] * len(piece))
    return "".join(out), index


def _pattern(needle: Needle) -> str | None:
    if needle.kind == "date":
        parts = needle.text.split("-")
        if not all(p.isdigit() for p in parts):
            return None
        year, *rest = parts
        numbers = [rf"0?{int(p)}" for p in rest]
        forwards = DATE_SEPARATOR.join([year, *numbers])
        backwards = DATE_SEPARATOR.join([*reversed(numbers), year])
        alternatives = [forwards] if not rest else [forwards, backwards]
        return r"(?<!\d)(?:" + "|".join(alternatives) + r")(?!\d)"
    folded, _ = _folded(needle.text.strip())
    if len(folded) < 3:  # too short to say where it stands
        return None
    return r"(?<!\w)" + r"\s*".join(re.escape(w) for w in folded.split(" ")) + r"(?!\w)"


def _cells(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each tab-separated cell of ``text``, without surrounding spaces."""
    for m in re.finditer(r"[^\t\n]+", text):
        piece = m.group()
        start = m.start() + len(piece) - len(piece.lstrip())
        end = m.end() - (len(piece) - len(piece.rstrip()))
        if start < end:
            yield start, end


def _names_country(cell: str, code: str) -> bool:
    if len(cell) > COUNTRY_CELL or not any(c.isalpha() for c in cell):
        return False
    match = parse_country(cell, fuzzy=False)
    return match is not None and match.code == code


def segments(text: str, needles: Iterable[Needle]) -> list[tuple[str, str]]:
    """``text`` cut into ``(piece, kind)``: ``kind`` (of ``KINDS``) says what value a piece
    is, "" between.

    Longer matches win where two overlap (a unit's full name over the institution's name
    inside it); every occurrence is marked, as a glued line may repeat a row.
    """
    folded, index = _folded(text)
    found: list[tuple[int, int, str]] = []
    for needle in needles:
        if needle.kind == "country":
            found.extend((start, end, "country") for start, end in _cells(text)
                         if _names_country(text[start:end], needle.text))
            continue
        pattern = _pattern(needle)
        if pattern is None:
            continue
        for m in re.finditer(pattern, folded):
            if m.end() > m.start():
                found.append((index[m.start()], index[m.end() - 1] + 1, needle.kind))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    kept: list[tuple[int, int, str]] = []
    for start, end, what in found:
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, what))
    out: list[tuple[str, str]] = []
    at = 0
    for start, end, what in sorted(kept):
        if start > at:
            out.append((text[at:start], ""))
        out.append((text[start:end], what))
        at = end
    if at < len(text) or not out:
        out.append((text[at:], ""))
    return out
