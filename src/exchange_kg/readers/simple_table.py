"""Reader "simple-table": one delimited row per record under a header row.

The plainest layout a partner list comes in (a spreadsheet saved as text): a header row, then
one agreement per row, cells in a fixed order. What makes it worth a reader is accounting for
every line: a row whose cell count does not match the header is reported as unreadable with the
counts, never silently padded or cut. The row loop (:func:`read_rows`) and its helpers are
shared with "numbered-table".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from rapidfuzz import fuzz

from exchange_kg.formats.grid import OPEN_ENDS
from exchange_kg.normalise.country import parse_country
from exchange_kg.normalise.fit import parse_continent
from exchange_kg.normalise.header_words import restates_header
from exchange_kg.normalise.kinds import parse_kinds
from exchange_kg.readers import check_columns, register, table_columns
from exchange_kg.readers.cells import (
    fold,
    is_rule,
    is_total,
    is_total_line,
    upper_header_rows,
)
from exchange_kg.readers.details import DETAILS_COLUMN, expand_details
from exchange_kg.readers.realign import realign
from exchange_kg.records import (
    FIELDS,
    Flag,
    LineDisposition,
    LineStatus,
    RawRecord,
    ReadContext,
    ReaderResult,
    SourceError,
)

IGNORED_COLUMN = "-"  # a column the mapping chooses not to read

# "details": a cell of several details, each read by what it holds (see readers.details)
COLUMN_NAMES = {"type": "string", "enum": [*sorted(FIELDS), DETAILS_COLUMN, IGNORED_COLUMN]}

COMMON_OPTIONS: dict[str, Any] = {
    "columns": {
        "type": "array",
        "minItems": 1,
        "items": COLUMN_NAMES,
        "description": "field name of each cell, in order; '-' skips a column",
    },
    "header": {
        "type": "array",
        "items": {"type": "string"},
        "description": "the header row's cells as written (compared by their letters and "
        "digits: case, accents, spaces and punctuation do not count); a table whose header "
        "is not found is an error, naming the closest line",
    },
    "delimiter": {"type": "string", "minLength": 1, "default": "\t"},
    "min_cells": {
        "type": "integer",
        "minimum": 1,
        "description": "rows may omit trailing cells down to this many (default: all columns)",
    },
    "footer_patterns": {
        "type": "array",
        "items": {"type": "string", "format": "regex"},
        "description": "regexes for footer lines (e.g. an update date); searched in the line",
    },
    "title_patterns": {
        "type": "array",
        "items": {"type": "string", "format": "regex"},
        "description": "regexes for title / section lines anywhere in the document",
    },
    "end_marker": {
        "type": "string",
        "format": "regex",
        "description": "regex; the table ends before the first line after its header that it "
        "matches (the title or header of a second table on the same sheet); the lines from "
        "there on are left to the mapping's other sections",
    },
    "country_headings": {
        "type": "boolean",
        "description": "the table has no country column: a row holding only a country's "
        "name is a heading, and the rows under it take that country (field 'country')",
    },
}

OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["columns"],
    "properties": COMMON_OPTIONS,
}


def split_cells(line: str, delimiter: str = "\t") -> list[str]:
    """Cells of a line, stripped, without trailing empty cells (exports pad rows with tabs)."""
    cells = [cell.strip() for cell in line.split(delimiter)]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def header_key(cell: str) -> str:
    """A header cell as compared: letters and digits only, case and accents folded.

    "LP." and "LP", "Nazwa  uczelni" and "NAZWA UCZELNI" are one heading; what a heading
    says is in its letters, and exports differ in punctuation, case and spacing. A renamed
    heading ("MIASTO" for "CITY") is another heading: the column may mean something else.
    """
    return "".join(c for c in fold(cell) if c.isalnum())


def _header_keys(cells: Sequence[str]) -> list[str]:
    keys = [header_key(c) for c in cells]
    while keys and not keys[-1]:
        keys.pop()
    return keys


def is_header(cells: Sequence[str], header: Sequence[str]) -> bool:
    """Whether a row is (or repeats) the header; exports repeat it on every page."""
    return header_offset(cells, header) is not None


def header_offset(cells: Sequence[str], header: Sequence[str]) -> int | None:
    """How many cells right of the mapping's header a line repeats it (negative: left), or
    None when the line is not the header.

    A PDF's text layer may start a page's table one empty cell further left or right than
    the last page's (another margin): the header is the same, and the rows under it are
    shifted as it is."""
    if not header:
        return None
    found, wanted = _header_keys(cells), _header_keys(header)
    lead_found, lead_wanted = _leading_empty(found), _leading_empty(wanted)
    if found[lead_found:] != wanted[lead_wanted:] or len(found) == lead_found:
        return None
    return lead_found - lead_wanted


def _leading_empty(keys: Sequence[str]) -> int:
    n = 0
    while n < len(keys) and not keys[n]:
        n += 1
    return n


def aligned(cells: list[str], shift: int) -> list[str]:
    """A row's cells moved as its page's header is (see :func:`header_offset`); a row whose
    first cells are not empty where the shift drops them is left as it is, for the cell count
    to judge."""
    if shift < 0:
        return [""] * -shift + cells
    if shift > 0 and not any(cells[:shift]):
        return cells[shift:]
    return cells


def find_header(lines: Sequence[str], header: Sequence[str], delimiter: str = "\t") -> int | None:
    """Line number of the first line that is the header, or None."""
    for number, line in enumerate(lines, start=1):
        if line.strip() and is_header(split_cells(line, delimiter), header):
            return number
    return None


# How many non-blank lines are searched for the line closest to a missing header, and how
# much of each: a header is near the top and short.
_CLOSEST_SEARCH_LINES = 200
_CLOSEST_SEARCH_CHARS = 400


def missing_header(
    lines: Sequence[str], source_id: str, options: dict[str, Any]
) -> SourceError:
    """The error for a table whose header is nowhere: where it was expected, what came closest.

    A renamed, added or removed column changes what the cells mean, so the reader stops
    rather than guess; the message shows the nearest line cell by cell, so the fix (in the
    document or in the mapping's ``header``) is obvious.
    """
    header = options["header"]
    delimiter = options.get("delimiter", "\t")
    wanted = " | ".join(header)
    candidates: list[tuple[int, list[str]]] = []
    expected: int | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = split_cells(line[:_CLOSEST_SEARCH_CHARS], delimiter)
        if expected is None and classify_layout(line, cells, {**options, "header": []},
                                                True) is None:
            expected = number
        candidates.append((number, cells))
        if len(candidates) >= _CLOSEST_SEARCH_LINES:
            break
    if not candidates:
        return SourceError(source_id, None, f"no table header ({wanted}): the document is empty")
    target = " ".join(header_key(c) for c in header)
    scored = [(fuzz.ratio(" ".join(header_key(c) for c in cells), target), -n, n, cells)
              for n, cells in candidates]
    score, _, closest, cells = max(scored)
    message = (f"no table header: the mapping expects {wanted!r}; the closest line is "
               f"{closest} ({score:.0f} % alike): {_header_difference(cells, header)}")
    return SourceError(source_id, expected or closest, message)


def _header_difference(cells: Sequence[str], header: Sequence[str]) -> str:
    """How a line differs from the header, cell by cell, in words a person can act on."""
    found, wanted = _header_keys(cells), _header_keys(header)
    parts = []
    if len(found) != len(wanted):
        parts.append(f"{len(found)} cells where the header has {len(wanted)}")
    for i, (a, b) in enumerate(zip(found, wanted, strict=False), start=1):
        if a != b:
            parts.append(f"cell {i} is {_short(cells[i - 1])!r}, not {header[i - 1]!r}")
    if len(found) > len(wanted):
        parts.append("extra " + ", ".join(repr(_short(c)) for c in cells[len(wanted):]))
    return "; ".join(parts[:6]) or "it differs only in cells the header leaves empty"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def upper_header_lines(lines: Sequence[str], header: Sequence[str], delimiter: str = "\t"
                       ) -> set[int]:
    """Line numbers of the upper rows of a header in two rows or more, wherever the header
    stands."""
    out: set[int] = set()
    if not header:
        return out
    for n in range(2, len(lines) + 1):
        line = lines[n - 1]
        if line.strip() and is_header(split_cells(line, delimiter), header):
            above = [split_cells(lines[k], delimiter) for k in range(max(0, n - 4), n - 1)]
            out.update(range(n - upper_header_rows(above, header), n))
    return out


_BEFORE_HEADER = "before the table header"


def search_any(patterns: Sequence[str], text: str) -> bool:
    return any(re.search(p, text) for p in patterns)


def classify_layout(
    line: str, cells: Sequence[str], options: dict[str, Any], seen_header: bool
) -> tuple[str, str] | None:
    """(kind, reason) when a line is layout rather than data, else None.

    Before the header, a line that is not itself the header is preamble (a title): the table has
    not begun, so it cannot be a row.
    """
    text = " ".join(cells)
    if is_header(cells, options.get("header", [])):
        return "header", "column headings"
    if search_any(options.get("footer_patterns", []), line):
        return "footer", f"footer: {text}"
    if search_any(options.get("title_patterns", []), line):
        return "title", f"title: {text}"
    if options.get("header") and not seen_header:
        return "title", f"{_BEFORE_HEADER}: {text}"
    return None


# Fields several columns may name: a list that ticks each agreement type in a column of its
# own ("Student exchange | Staff exchange | Research" over x marks) names one field thrice.
REPEATABLE = ("kind",)
# Cells that only tick a row; under a repeatable field's column they stand for its header.
MARKS = frozenset({"x", "\u2713", "\u2714", "\u2611", "\u25cf", "\u2022", "+", "*", "yes",
                   "y", "ja", "j", "si", "s\u00ed", "oui", "o", "tak", "t", "sim", "ano",
                   "igen", "evet", "kyll\u00e4", "da"})


# Cells of a tick column that say its type does not apply to the row.
NO_MARKS = frozenset({"no", "n", "-", "\u2013", "\u2014", "\u2717", "\u2718", "nein", "non",
                      "nie", "nee", "nej", "ei", "nem", "hay\u0131r"})


def cells_to_fields(cells: Sequence[str], columns: Sequence[str],
                    header: Sequence[str] = ()) -> dict[str, str]:
    """Field dict of a row; empty cells are left out so "absent" has one spelling.

    The cells of a field several columns name are joined with "; "; a tick in such a column
    stands for the column's header (the agreement type it ticks), and a "no" there is no
    tick."""
    fields: dict[str, str] = {}
    for i, (name, cell) in enumerate(zip(columns, cells, strict=False)):
        if name == IGNORED_COLUMN or not cell:
            continue
        if name in REPEATABLE and len(header) > 1 and cell.strip().casefold() in NO_MARKS:
            continue
        if name in REPEATABLE and cell.strip().casefold() in MARKS and i < len(header):
            cell = header[i]
        fields[name] = f"{fields[name]}; {cell}" if name in fields else cell
    return fields


def cell_count_problem(
    cells: Sequence[str], columns: Sequence[str], min_cells: int | None, written: int = 0
) -> str | None:
    """Why a row's cell count cannot be trusted, or None when it is fine.

    ``written`` counts the cells the line writes, empty ones included: a spreadsheet or CSV
    row whose last cells are empty still has them ("...;2027-05-31;"), so it is whole; only
    a line that stops short (an extract that dropped them) may be missing cells."""
    if written >= len(columns) >= len(cells):
        return None
    least = min_cells if min_cells is not None else len(columns)
    found = f"{len(cells)} cell{'s' if len(cells) != 1 else ''}"
    if len(cells) > len(columns):
        # where the extra cell stands, the row does not say: a name split in two, a cell
        # added anywhere; naming the last one(s) sent users to the wrong cell
        more = len(cells) - len(columns)
        return (f"{found} where the table has {len(columns)}: {more} more than its header "
                "names, so no cell can be put in its column with certainty")
    if len(cells) < least:
        return f"{found} where the table has {len(columns)} (at least {least} needed)"
    return None


# A reader's own reason to refuse a row, given its cells; None lets the row be read.
RowCheck = Callable[[Sequence[str]], str | None]
# Whether a row continues the record above it (numbered-table: a row without a number).
Continues = Callable[[Sequence[str]], bool]

# Columns whose text alone on a continuation row is the rest of the row above's cell (a
# wrapped name), not a second agreement.
WRAPPING_COLUMNS = frozenset({"partner", "city"})


def heading(cells: Sequence[str], columns: Sequence[str]) -> tuple[str, str | None] | None:
    """(reason, country text) when a row is a heading inside the table, else None.

    A heading is a row with one filled cell that names a continent or world region
    ("EUROPA", "Amérique du Nord") or a country; a country heading's name is returned so rows
    without a country of their own can take it. In the partner column a region word may
    start an institution's name ("Europa-Universität Viadrina"), so there only a whole cell
    that names a country or a region is a heading ("ALLEMAGNE", "Asia-Pacific").
    """
    filled = [(i, cell) for i, cell in enumerate(cells) if cell]
    if len(filled) != 1:
        return None
    index, text = filled[0]
    if index < len(columns) and columns[index] == "partner":
        found = parse_country(text, fuzzy=False)
        if found is None and parse_continent(text) is not None:
            return f"heading: {text} (a continent or region)", None
        if found is not None:
            return f"heading: {text} (a country)", text
        return _counted_heading(text)
    if parse_continent(text) is not None:
        return f"heading: {text} (a continent or region)", None
    if parse_country(text, fuzzy=False) is not None:
        return f"heading: {text} (a country)", text
    return _counted_heading(text)


# "Spain – 1 partner", "Germany (2 partners)", "USA / Canada": parts of a heading
_HEADING_PARTS = re.compile(r"\s+[–—-]\s+|\s*[/(),:;|]\s*")
# "USA & Canada", "Australia and New Zealand": a part naming two countries (split only where
# the whole part names none: "Trinidad and Tobago", "Bosnia and Herzegovina" are one)
_JOINED = re.compile(r"\s*&\s*|\s+(?:and|und|et|y|e|i|en|og|och|и|та|ve|és)\s+", re.IGNORECASE)


def heading_countries(text: str) -> list[str] | None:
    """The countries a heading names among counts and other words ("Spain – 1 partner",
    "Germany (2 partners)", "USA / Canada", "USA & Canada (2)"), each as written; None where
    a part names no country and holds no number: "University of Georgia" is no heading."""
    parts = [p.strip() for p in _HEADING_PARTS.split(text) if p and p.strip()]
    countries: list[str] = []
    for part in parts:
        if parse_country(part, fuzzy=False) is not None:
            countries.append(part)
            continue
        if re.search(r"\d", part):
            continue  # a count: "1 partner", "2"
        joined = [j.strip() for j in _JOINED.split(part) if j and j.strip()]
        if len(joined) < 2 or any(parse_country(j, fuzzy=False) is None for j in joined):
            return None
        countries.extend(joined)
    return countries or None


def _counted_heading(text: str) -> tuple[str, str | None] | None:
    """A heading that names its country among other words ("Spain – 1 partner", "Germany
    (2 partners)"), or several countries ("USA / Canada": its rows' country is not one of
    them for sure)."""
    countries = heading_countries(text)
    if countries is None or (len(countries) == 1 and countries[0] == text.strip()):
        return None
    if len(countries) == 1:
        return f"heading: {text} (a country)", countries[0]
    return f"heading: {text} (several countries: the rows under it take none of them)", None


def read_rows(
    lines: list[str],
    source_id: str,
    options: dict[str, Any],
    row_check: RowCheck | None = None,
    continues: Continues | None = None,
    wraps: bool = True,
) -> ReaderResult:
    """Account for every line of a delimited table: layout, unreadable row or one record.

    Shared by "simple-table" and "numbered-table" so both treat blank lines, headers, footers,
    titles, headings inside the table and cell counts identically. ``row_check`` lets a reader
    refuse a row for a reason of its own (numbered-table: no row number) before the cell
    count is judged; it returns the reason, or None when the row may be read. A row
    ``continues`` accepts belongs to the record above (see :func:`_continuation`). Where a
    cell's text may have ``wraps`` onto the lines below (a printed page's text), a line that
    holds only the rest of the row above is joined to it (see :func:`_join_wrapped`).
    """
    result = ReaderResult()
    columns = options["columns"]
    delimiter = options.get("delimiter", "\t")
    header_at = 1
    if options.get("header"):
        found = find_header(lines, options["header"], delimiter)
        if found is None:
            raise missing_header(lines, source_id, options)
        header_at = found
    heading_country: str | None = None
    anchor: RawRecord | None = None  # the last record that does not continue another
    short: dict[int, dict[str, str]] = {}  # rows too short to read: wrapped cells, maybe
    shift = 0  # cells the current page's header stands right of the mapping's
    upper = upper_header_lines(lines, options.get("header", []), delimiter)
    titles = _running_titles(lines[:header_at - 1], delimiter)
    end = re.compile(options["end_marker"]) if options.get("end_marker") else None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if end is not None and number > header_at and end.search(line):
            break  # the next table's: the other sections account for its lines
        cells = split_cells(line, delimiter)
        if number in upper:
            result.mark(number, LineStatus.LAYOUT, "header", "column groups above the header")
            continue
        if is_rule(cells):
            result.mark(number, LineStatus.LAYOUT, "separator", "a ruled line")
            continue
        if number > header_at and _title_key(cells) in titles:
            result.mark(number, LineStatus.LAYOUT, "title",
                        "the title above the header, repeated on a later page")
            continue
        layout = classify_layout(line, cells, options, number >= header_at)
        if (layout is None or layout[1].startswith(_BEFORE_HEADER)) \
                and _next_to_header(lines, number, header_at, result) \
                and restates_header(aligned(cells, shift), columns):
            result.mark(number, LineStatus.LAYOUT, "header",
                        "the column headings in the list's other language")
            continue
        if layout is not None and layout[1].startswith(_BEFORE_HEADER) and len(cells) > 1:
            # cells before the header: a row out of place, not a title to skip over
            result.mark(number, LineStatus.UNREADABLE, "row",
                        f"a row above the table header (line {header_at}): not read")
            continue
        if layout is not None and layout[1].startswith(_BEFORE_HEADER) and (
                found := heading(cells, ["partner"])) is not None:
            heading_country = found[1]  # "Germany" over the table of German partners
            result.mark(number, LineStatus.LAYOUT, "heading", found[0])
            continue
        if layout is not None:
            if layout[0] == "header":
                shift = header_offset(cells, options.get("header", ())) or 0
            elif not wraps and number > header_at and sum(1 for c in cells if c) == 1:
                heading_country = None  # a title inside a web or spreadsheet table: as below
            result.mark(number, LineStatus.LAYOUT, *layout)
            continue
        moved = aligned(cells, shift)
        written = line.count(delimiter) + 1 + len(moved) - len(cells)
        cells = moved
        found = heading(cells, columns)
        if found is not None:
            heading_country = found[1]
            result.mark(number, LineStatus.LAYOUT, "heading", found[0])
            continue
        if not wraps and sum(1 for c in cells if c) == 1:
            # one cell alone in a spreadsheet or web table (no wrapped rest of a name): a
            # heading in words no table knows ("BENELUX", "Nordic countries") as likely as a
            # partner without details; the rows below may be in another country
            heading_country = None
        if continues is not None and anchor is not None and continues(cells):
            _continuation(result, anchor, number, line, cells, columns,
                          options.get("number_field", "row_number"), options.get("header", ()),
                          wraps)
            continue
        problem = row_check(cells) if row_check is not None else None
        if problem is None:
            problem = cell_count_problem(cells, columns, options.get("min_cells"), written)
        if problem is not None and is_total_line(cells):
            result.mark(number, LineStatus.LAYOUT, "total", "the list's own total")
            continue
        if problem is not None:
            result.mark(number, LineStatus.UNREADABLE, "row", problem)
            if row_check is None and len(cells) <= len(columns):
                short[number] = cells_to_fields(cells, columns, options.get("header", ()))
            continue
        left_out: list[str] = []
        if (found := realign(cells, columns)) is not None:
            cells, left_out = found
        fields = cells_to_fields(cells, columns, options.get("header", ()))
        if _total_row(fields) or "partner" in columns and "partner" not in fields \
                and is_total_line(cells):
            result.mark(number, LineStatus.LAYOUT, "total", "the list's own total")
            continue
        record = RawRecord(source_id, (number,), line, fields, expand_details(fields))
        for name in left_out:
            record.flags.append(Flag(name, "cells-realigned",
                                     f"the row has no {name} cell: its other cells are read in "
                                     "the columns their contents fit", ""))
        if heading_country and ("country" in columns or options.get("country_headings")) \
                and "country" not in record.fields:
            record.fields["country"] = heading_country
            record.flags.append(Flag("country", "country-from-heading",
                                     f"no country on the row; taken from the heading "
                                     f"{heading_country!r} above it", heading_country))
        result.records.append(record)
        result.mark(number, LineStatus.RECORD, "row")
        anchor = record
    if row_check is None and wraps:
        _join_wrapped(result, short, lines)
    if row_check is None:
        _lone_names(result)
    return result


def _next_to_header(lines: Sequence[str], number: int, header_at: int,
                    result: ReaderResult) -> bool:
    """Whether line ``number`` stands right above the table's header or right under a line
    read as a header (blank lines between do not count): where a bilingual list repeats its
    column headings in its other language."""
    if number < header_at:
        return not any(ln.strip() for ln in lines[number:header_at - 1])
    above = next((n for n in range(number - 1, 0, -1) if lines[n - 1].strip()), None)
    disp = result.dispositions.get(above) if above is not None else None
    return disp is not None and disp.kind == "header"


def _title_key(cells: Sequence[str]) -> str:
    """A title line as it repeats on every page: its words, page number and date aside."""
    return re.sub(r"\d+", "#", " ".join(" ".join(c.split()) for c in cells if c).casefold())


def _running_titles(above: Sequence[str], delimiter: str) -> frozenset[str]:
    """The lines above the header that say enough to be told from a row (a report's running
    title: "SISR0417  EXCHANGE PARTNER AGREEMENTS  RUN DATE ...  PAGE 1"), as they would
    repeat above the header of every later page."""
    keys = (_title_key(split_cells(line, delimiter)) for line in above if line.strip())
    return frozenset(k for k in keys if len(re.sub(r"[\W#_]", "", k)) >= 12)


LONE_SHARE = 0.1  # rows filling their partner cell alone, at most, among rows filling 3+


def _lone_names(result: ReaderResult) -> None:
    """Rows that fill their partner cell alone, in a table whose rows fill three cells and
    more: a heading ("Faculty of Social Sciences" over its faculty's partners), or a note,
    as often as a partner without any detail. Neither an agreement to publish nor a line to
    lose: each is reported, for the mapping to name (a title or footer pattern) or keep."""
    lone = [r for r in result.records if set(r.fields) == {"partner"}]
    full = sum(1 for r in result.records if len(r.fields) >= 3)
    if not lone or full < len(result.records) / 2 or len(lone) > LONE_SHARE * len(
            result.records):
        return
    for record in lone:
        for n in record.lines:
            result.dispositions[n] = LineDisposition(
                n, LineStatus.UNREADABLE, "row", "only the partner cell is filled, where the "
                "table's rows fill three cells and more: a heading or a note? not read")
    result.records = [r for r in result.records if set(r.fields) != {"partner"}]


def _total_row(fields: dict[str, str]) -> bool:
    """A row of the list's own totals ("Summe | | 26", "Total outbound places | 31"): its
    first words say so, and its other cells hold numbers only."""
    label = fields.get("partner", "")
    # a label cell spanning the name columns repeats in each of them ("Subtotal Europe")
    return is_total(label) and all(not re.search(r"[^\W\d_]", text)
                                   for text in fields.values() if text != label)


# Columns whose text a narrow cell wraps onto the lines below it in a printed table.
TEXT_FIELDS = frozenset({"partner", "city", "unit", "kind", "level", "home_unit"})


def _join_wrapped(result: ReaderResult, short: dict[int, dict[str, str]],
                  lines: Sequence[str]) -> None:
    """Join the lines a printed table's narrow cells wrapped onto ("Technische" over
    "Universität" over "Dresden") to the row they belong to.

    The evidence is the table's own: the cells every row has (its dates, its country) are
    the row's; a line right under a row that holds none of them, only text in columns that
    row fills, is the rest of that row's cells, not an agreement (it would publish
    "Dresden" as an institution) and not a line to give up on. A line as wide as the table
    (a spreadsheet's row, whose empty cells are written) is a row of its own unless the name
    above it is evidently cut ("University of")."""
    keyed = [own for r in result.records if (own := set(r.fields) - TEXT_FIELDS)]
    key = set.intersection(*keyed) if keyed else set()
    if not key:
        return
    by_line = {r.first_line: r for r in result.records}
    anchor: RawRecord | None = None
    dropped: set[int] = set()  # ids of the records joined to the row above
    for n in sorted({*by_line, *short}):
        record = by_line.get(n)
        fields = record.fields if record is not None else short[n]
        last = anchor.lines[-1] if anchor is not None else 0
        if anchor is not None and fields and set(fields) <= set(anchor.fields) \
                and _wraps(anchor.fields, fields) and (record is None or _cut(anchor.fields)) \
                and not any(line.strip() for line in lines[last:n - 1]):
            for name, text in fields.items():
                anchor.fields[name] = joined(anchor.fields[name], text)
            anchor.lines = (*anchor.lines, n)
            anchor.raw = f"{anchor.raw}\n{lines[n - 1]}"
            result.dispositions[n] = LineDisposition(n, LineStatus.RECORD, "continuation")
            if record is not None:
                dropped.add(id(record))
            continue
        anchor = record if record is not None and key <= set(record.fields) else None
    result.records = [r for r in result.records if id(r) not in dropped]



def _cut(row: dict[str, str]) -> bool:
    """Whether a row's name reads as cut at the edge of its cell: one word ("Technische",
    "Georgia", "The"), or ending in a hyphen or a word no name ends in ("University of")
    — a whole row of the table may follow a whole name, never the rest of a cut one."""
    words = row.get("partner", "").split()
    return len(words) == 1 or bool(words) and (
        words[-1].endswith("-") or words[-1].casefold() in OPEN_ENDS)


def _wraps(row: dict[str, str], below: dict[str, str]) -> bool:
    """Whether the cells of a line below a row can be the rest of its cells: text only, or a
    country the row's own cell begins ("New" over "Zealand": neither alone is the country
    the two make, so a line naming a country of its own is never taken for a wrap)."""
    if set(below) <= TEXT_FIELDS:
        return True
    if set(below) - TEXT_FIELDS != {"country"}:
        return False
    return parse_country(row["country"]) is None and \
        parse_country(joined(row["country"], below["country"])) is not None


def joined(text: str, rest: str) -> str:
    """A cell's text and the part that wrapped onto the next line ("Aalto-" "yliopisto")."""
    return f"{text}{rest}" if text.endswith("-") and rest[:1].isalpha() else f"{text} {rest}"


# The cells that make a row an agreement of its own: its type or its dates.
_AGREEMENT_OWN = frozenset({"kind", "start", "end", "term"})


def _shared(name: str, own: dict[str, str], wraps: bool) -> bool:
    """Whether a row continuing the row above takes that row's cell of this field when its
    own is empty. It takes who the partner is, whose cells were merged down. A row that
    says only more of the agreement above (a subject area and its places) takes the rest
    too: it is part of that agreement. A row of its own type or dates is another agreement
    of the partner: where the file keeps its merged ranges (a spreadsheet, a Word or web
    table: they fill every row they span), its empty cells state nothing; an export that
    lost them leaves merged cells blank, but even there the places are each agreement's own
    count (a framework agreement under an exchange agreement does not share its places)."""
    if name in _NAMING or not own.keys() & _AGREEMENT_OWN:
        return True
    return wraps and name != "quota"


def _continuation(result: ReaderResult, anchor: RawRecord, number: int, line: str,
                  cells: Sequence[str], columns: Sequence[str], number_field: str,
                  header: Sequence[str] = (), wraps: bool = True) -> None:
    """A row that continues the record above it.

    Spreadsheets export cells merged down several rows as a value and blanks: a row whose
    own cells are only the wrapped rest of a name extends the record above; a row with cells
    of its own (another agreement type, date, term, quota, unit) is a further agreement that
    shares the blank cells of the row above, each taken value flagged.

    Where cells do not wrap (a spreadsheet, a CSV, a Word or web table: each cell holds its
    whole text), a text alone under a whole name is no rest of it: a heading or a remark in
    words no vocabulary knows ("Ulaya", Swahili for Europe), reported rather than glued on.
    """
    own = cells_to_fields(cells, columns, header)
    if set(own) <= WRAPPING_COLUMNS and all(k in anchor.fields for k in own) \
            and not wraps and not _cut(anchor.fields):
        text = " ".join(own.values())
        result.mark(number, LineStatus.UNREADABLE, "row",
                    f"{text!r} alone on a row without a number, under a whole name (line "
                    f"{anchor.first_line}): a heading or a remark, not part of the name; "
                    "not read")
        return
    if set(own) <= WRAPPING_COLUMNS and all(k in anchor.fields for k in own):
        for name, text in own.items():
            anchor.fields[name] = f"{anchor.fields[name]} {text}"
        anchor.lines = (*anchor.lines, number)
        anchor.raw = f"{anchor.raw}\n{line}"
        result.mark(number, LineStatus.RECORD, "continuation")
        return
    fields = dict(own)
    flags = expand_details(fields)
    read = table_columns({"columns": columns})
    for name, text in anchor.fields.items():
        if name not in fields and name != number_field and name in read \
                and _shared(name, own, wraps):
            fields[name] = text
            flags.append(Flag(name, "merged-cell-inherited",
                              f"cell empty on a row that continues line {anchor.first_line}; "
                              f"taken from that row", text))
    record = RawRecord(anchor.source_id, (number,), line, fields, flags)
    result.records.append(record)
    result.mark(number, LineStatus.RECORD, "row")


@register("simple-table", OPTIONS_SCHEMA, table_columns,
          lambda options: check_columns(options, (), REPEATABLE))
def read(lines: list[str], source_id: str, options: dict[str, Any],
         context: ReadContext | None = None) -> ReaderResult:
    """One record per delimited row under a header; layout: blank lines, header, footer, title."""
    grid = bool(context and context.grid)
    columns = options["columns"]
    return read_rows(lines, source_id, options, wraps=not grid,
                     continues=(lambda cells: _partner_merged_down(cells, columns)) if grid
                     else None)


# The columns that say who the partner is: merged down with its name, never another's.
_NAMING = frozenset({"partner", "country", "city", "other_name", "erasmus_code", "website"})


def _partner_merged_down(cells: Sequence[str], columns: Sequence[str]) -> bool:
    """A row of a spreadsheet or web table whose partner cell is empty but that says more of
    its own (a subject area and its places, another mobility type): the partner's cells were
    merged down over several rows, which exports them blank below the first. It continues
    the row above (see :func:`_continuation`); a note or a total does not, nor a row that
    names a country, a city or another name of its own (a partner named elsewhere)."""
    if "partner" not in columns:
        return False
    named = [i for i, c in enumerate(columns) if c in _NAMING]  # merged with the partner
    if any(i < len(cells) and cells[i].strip() for i in named):
        return False  # a country or another name of its own: not the partner above
    own = [c for c in cells if c.strip()]
    if len(own) == 1:  # "Accord-cadre" alone: a further agreement of the partner above
        return any(c == "kind" and i < len(cells) and cells[i].strip() and _only_kinds(cells[i])
                   for i, c in enumerate(columns))
    return len(own) >= 2 and not is_total_line(cells)


def _only_kinds(text: str) -> bool:
    """Whether a cell names agreement types and nothing else."""
    value, flags = parse_kinds(text)
    return bool(value.kinds) and not flags
