"""Reader "numbered-table": a delimited table whose rows carry the document's own row numbers.

The numbers are the document's statement about itself: rows 1..N, each once. Checking them
catches rows lost or duplicated anywhere between the original spreadsheet and our records.
A row without a number continues the numbered row above it (a wrapped name, or a further
agreement sharing the cells merged down from that row); a one-cell row naming a continent
or a country is a heading.

Two kinds of damage are repaired or flagged by content, never by position:

* swapped cells — the institution typed into the city column and the city into the institution
  column; spotted because one cell reads like an institution ("University", "Instytut", ...)
  and the other does not;
* shifted columns — for a stretch of rows the website/continent columns slide against the rest
  of the row; :mod:`exchange_kg.normalise.fit` finds values that fit another row better and the
  reader flags them as withheld (option ``fit_checks``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from exchange_kg.normalise.country import parse_country
from exchange_kg.normalise.fit import Row, looks_like_institution, shifted_cells
from exchange_kg.normalise.numbers import bounded_int
from exchange_kg.readers import check_columns, register, table_columns
from exchange_kg.readers.simple_table import COLUMN_NAMES, COMMON_OPTIONS, REPEATABLE, read_rows
from exchange_kg.records import Flag, RawRecord, ReadContext, ReaderResult, SelfCheck

CHECK_NAME = "row numbers consecutive"

OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["columns"],
    "properties": {
        **COMMON_OPTIONS,
        "number_field": {
            "type": "string",
            "default": "row_number",
            "description": "the column holding the document's own row number",
        },
        "swapped_cells": {
            "type": "array",
            "items": {"type": "array", "items": COLUMN_NAMES, "minItems": 2, "maxItems": 2},
            "description": "pairs [place field, institution field] to check for swapped content;"
            " default [[city, partner]] when both columns exist",
        },
        "fit_checks": {
            "type": "array",
            "items": {"enum": ["website", "continent"]},
            "description": "fields checked against the rest of their row (shifted columns)",
        },
        "fit_window": {
            "type": "integer",
            "minimum": 1,
            "default": 12,
            "description": "how many rows away a shifted value's owner may be",
        },
    },
}

# "12", "12.", and a row inserted later under a number of its own: "12 bis", "12ter", "14a",
# "14 b", "14.1" (one way to match: linear)
_ROW_NUMBER = re.compile(r"^\s*(\d+)(?:(?P<inserted>\s?(?:bis|ter|quater|[a-z])\.?|\.\d{1,2}\.?)"
                         r"|\s*\.)?\s*$", re.IGNORECASE)


def _check(options: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    problems = check_columns(options, ("fit_checks",), REPEATABLE)
    columns = options.get("columns", [])
    number_field = options.get("number_field", "row_number")
    if number_field not in columns:
        where = ("number_field",) if "number_field" in options else ("columns",)
        problems.append((where, f"the row-number column {number_field!r} is not one of the "
                                "columns"))
    for i, pair in enumerate(options.get("swapped_cells", ())):
        for k, name in enumerate(pair):
            if name not in columns:
                problems.append((("swapped_cells", i, k), f"{name!r} is not one of the columns"))
    return problems


@register("numbered-table", OPTIONS_SCHEMA, table_columns, _check)
def read(lines: list[str], source_id: str, options: dict[str, Any],
         context: ReadContext | None = None) -> ReaderResult:
    """Rows numbered 1..N under a header; checks the numbering, swapped and shifted cells."""
    columns = options["columns"]
    number_field = options.get("number_field", "row_number")
    result = read_rows(
        lines, source_id, options,
        row_check=lambda cells: _row_number_problem(cells, columns, number_field),
        continues=lambda cells: _continues(cells, columns, number_field),
        wraps=not (context and context.grid),
    )
    for place, institution in _swap_pairs(options, columns):
        for record in result.records:
            swap_if_crossed(record, place, institution)
    if options.get("fit_checks"):
        flag_shifted_cells(result.records, options["fit_checks"], options.get("fit_window", 12))
    result.checks.append(row_number_check(result.records, number_field))
    return result


def _row_number_problem(cells: Sequence[str], columns: list[str], number_field: str) -> str | None:
    """Why a line is not a numbered row (its number cell holds no number), or None."""
    if number_field in columns:
        position = columns.index(number_field)
        value = cells[position] if position < len(cells) else ""
        if not _ROW_NUMBER.match(value):
            return f"no row number in column {position + 1} (found {value!r}): not a table row"
    return None


def _continues(cells: Sequence[str], columns: list[str], number_field: str) -> bool:
    """A row with an empty number cell and cells of its own continues the numbered row above
    (a spreadsheet's cells merged down several rows)."""
    if number_field not in columns:
        return False
    position = columns.index(number_field)
    value = cells[position] if position < len(cells) else ""
    own = [c for i, c in enumerate(cells) if c and i != position]
    return not value and bool(own) and not (len(own) == 1 and is_note(own[0]))


_SENTENCE_END = re.compile(r"[.!?。।؟]\s*$")
_NOTE_MARKS = frozenset("※＊*†‡§")  # marks a note starts with; no name does


def is_note(text: str) -> bool:
    """A sentence alone on a row without a number ("Note: data updated to 30/09/2025."), or
    a text starting with a note mark ("※ recruitment suspended in 2025"): a note under or
    inside the table, not the rest of a name wrapped from the row above nor a further
    agreement of that row's partner."""
    if text.lstrip()[:1] in _NOTE_MARKS:
        return True  # "※2025年度は募集停止", "* suspended": a note by its mark
    words = text.split()
    return (len(words) >= 3 and bool(_SENTENCE_END.search(text))
            and (len(words) >= 5 or ":" in text or any(c.isdigit() for c in text))
            and not looks_like_institution(text))


def _swap_pairs(options: dict[str, Any], columns: list[str]) -> list[tuple[str, str]]:
    if "swapped_cells" in options:
        return [(a, b) for a, b in options["swapped_cells"]]
    if "city" in columns and "partner" in columns:
        return [("city", "partner")]
    return []


def _has_acronym(text: str) -> bool:
    """An all-capitals word such as "ENSTA" or "TECUP" marks an institution, not a place."""
    return any(len(w) >= 3 and w.isupper() and w.isalpha() for w in re.findall(r"\w+", text))


def swap_if_crossed(record: RawRecord, place: str, institution: str) -> bool:
    """Swap back a place cell holding the institution and an institution cell holding a place.

    Both conditions are required: "University Park" is a real town, and next to "Pennsylvania
    State University" it stays where it is.
    """
    place_text = record.fields.get(place, "")
    inst_text = record.fields.get(institution, "")
    if not place_text or not inst_text:
        return False
    if not looks_like_institution(place_text):
        return False
    if looks_like_institution(inst_text) or _has_acronym(inst_text):
        return False
    record.fields[place], record.fields[institution] = inst_text, place_text
    record.flags.append(
        Flag(
            institution,
            "cells-swapped",
            f"the {place} cell held the institution {place_text!r} and the {institution} cell the "
            f"place {inst_text!r}; swapped back",
            place_text,
        )
    )
    return True


def _row_name(record: RawRecord, number_field: str = "row_number") -> str:
    number = record.fields.get(number_field)
    if number:
        return f"row {number.rstrip('.').strip()} (line {record.first_line})"
    return f"line {record.first_line}"


def _country_code(text: str) -> str | None:
    if not text:
        return None
    match = parse_country(text)
    return match.code if match is not None else None


def flag_shifted_cells(records: list[RawRecord], fields: list[str], window: int = 12) -> int:
    """Attach withheld flags to website/continent cells that belong to another row.

    Returns the number of flags added. Rows whose country cannot be resolved are still compared
    by name; their continent is simply not judged.
    """
    rows = [
        Row(
            name=_row_name(record),
            institution=record.fields.get("partner", ""),
            country_code=_country_code(record.fields.get("country", "")),
            city=record.fields.get("city"),
            website=record.fields.get("website"),
            continent=record.fields.get("continent"),
        )
        for record in records
    ]
    found = shifted_cells(rows, fields, window)
    for index in sorted(found):
        records[index].flags.extend(found[index])
    return sum(len(flags) for flags in found.values())


# Items each part of the check's message lists before it summarises the rest.
_LISTED = 20


def row_number_check(records: list[RawRecord], number_field: str = "row_number") -> SelfCheck:
    """The document numbers its rows 1..N: compare with the numbers actually read.

    Work and message are bounded by the number of rows, never by the numbers' size: missing
    numbers are reported as ranges ("missing 5-99999999"), and a "number" too long to be a
    row number (``numbers.MAX_DIGITS``) is reported as such rather than counted up to.
    """
    numbered: list[tuple[int, int]] = []
    oversized: list[tuple[int, int]] = []  # (digits, line)
    inserted: dict[int, int] = {}  # "12 bis", "14a": number -> the first such row's line
    for r in records:
        match = _ROW_NUMBER.match(r.fields.get(number_field, ""))
        if match is None:
            continue
        value = bounded_int(match.group(1))
        if match.group("inserted") and value is not None:
            inserted.setdefault(value, r.first_line)  # a row inserted after it, or "14a"
            continue  # and "14b" split from a row 14: outside the numbering 1..N
        if value is None:
            oversized.append((len(match.group(1).lstrip("0")), r.first_line))
        else:
            numbered.append((value, r.first_line))
    plain = {n for n, _ in numbered}
    numbered = sorted([*numbered, *((n, line) for n, line in inserted.items() if n not in plain)],
                      key=lambda item: item[1])
    expected = f"1..{len(numbered) + len(oversized)}"
    values = [n for n, _ in numbered]
    counts = Counter(values)
    top = max(values, default=0)
    gaps = _missing_ranges(sorted(counts))
    duplicates = sorted(n for n, c in counts.items() if c > 1)
    repeated = set(duplicates)
    disorder = [
        (n, line)
        for (prev, _), (n, line) in zip(numbered, numbered[1:], strict=False)
        if n < prev and n not in repeated
    ]
    problems = []
    if gaps:
        missing = sum(b - a + 1 for a, b in gaps)
        problems.append("missing " + _listed([f"{a}" if a == b else f"{a}-{b}" for a, b in gaps],
                                             f"{missing} numbers in all"))
    if duplicates:
        lines_of: dict[int, list[int]] = {}
        for v, line in numbered:
            if v in repeated:
                lines_of.setdefault(v, []).append(line)
        problems.append("repeated " + _listed(
            [f"{n} (lines {', '.join(map(str, lines_of[n][:_LISTED]))})" for n in duplicates],
            sep="; "))
    if disorder:
        problems.append("out of sequence "
                        + _listed([f"{n} (line {line})" for n, line in disorder]))
    if oversized:
        problems.append("not row numbers " + _listed(
            [f"a number of {digits} digits (line {line})" for digits, line in oversized]))
    found = expected if not problems else f"1..{top}: " + "; ".join(problems)
    lines = tuple(sorted(
        {line for v, line in numbered if v in repeated} | {line for _, line in disorder}
        | {line for _, line in oversized}))
    detail = "; ".join(problems) if problems else f"{len(numbered)} rows numbered 1..{top}"
    return SelfCheck(CHECK_NAME, expected, found, lines, detail)


def _missing_ranges(present: list[int]) -> list[tuple[int, int]]:
    """The runs of numbers from 1 to the largest that ``present`` (sorted, distinct) lacks."""
    gaps = []
    previous = 0
    for n in present:
        if n > previous + 1:
            gaps.append((previous + 1, n - 1))
        previous = max(previous, n)
    return gaps


def _listed(items: list[str], total: str = "", sep: str = ", ") -> str:
    """The first ``_LISTED`` items, then how many more (a self-check is read by people)."""
    shown = sep.join(items[:_LISTED])
    rest = len(items) - _LISTED
    more = f"{sep}... and {rest} more" if rest > 0 else ""
    return shown + more + (f" ({total})" if total and (rest > 0 or "-" in shown) else "")
