"""Where a new list's table header stands: the delimiter that splits its lines into cells,
the line whose cells are header words (or, in words no vocabulary holds, whose shape and the
rows under it show it is a header), and a header that takes two rows."""

from __future__ import annotations

import re
from collections.abc import Sequence

from exchange_kg.propose.columns import (
    column_fields,
    field_by_content,
    header_field,
    names_a_year,
    names_kinds,
)
from exchange_kg.readers.cells import is_rule, is_upper_header

DELIMITERS = ("\t", ";", "|", ",")


def split_cells(line: str, delimiter: str) -> list[str]:
    cells = [c.strip() for c in line.split(delimiter)]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def find_delimiter(lines: Sequence[str]) -> str | None:
    """The delimiter that splits most lines into three or more cells; else, for a list of
    two columns (country and partner), one that splits most into two, but never a comma,
    which partner names hold ("University of X, Faculty of Y")."""
    for cells, delimiters in ((3, DELIMITERS), (2, DELIMITERS[:-1])):
        counts = {d: sum(1 for ln in lines if len(split_cells(ln, d)) >= cells) for d in delimiters}
        best = max(delimiters, key=lambda d: (counts[d], -delimiters.index(d)))
        if counts[best] >= 3:
            return best
    return None


def header_line(lines: Sequence[str], delimiter: str) -> tuple[int, int] | None:
    """(index, leading cells) of the table's header line: one that names its columns in
    words of the header vocabulary, else one whose shape and the rows under it show it is a
    header in words the vocabulary does not know (a list in another language)."""
    return _worded_header(lines, delimiter) or _shaped_header(lines, delimiter)


def _worded_header(lines: Sequence[str], delimiter: str) -> tuple[int, int] | None:
    """The first line whose cells are header words (two at least).

    The header may stand at the end of a line whose first cells are something else (OCR
    passes glued in front of each row): those leading cells are counted, not read."""
    for i, line in enumerate(lines):
        cells = split_cells(line, delimiter)
        if len(cells) < 2:
            continue
        known = [header_field(c)[0] is not None for c in cells]
        if sum(known) < 2:
            continue
        # columns ticking the agreement type they name ("Erasmus+ | Double degree" over x
        # marks) are headed by the type's name; a column per year by the year ("2024/25")
        known = [k or names_kinds(c) or names_a_year(c) for k, c in zip(known, cells, strict=True)]
        lead = 0
        while lead < len(cells) and not known[lead]:
            lead += 1
        if sum(known[lead:]) * 2 > len(cells) - lead:
            return i, _passes(lines, delimiter, i, cells, lead)
    return None


def _passes(lines: Sequence[str], delimiter: str, at: int, cells: Sequence[str], lead: int
            ) -> int:
    """How many of the header line's first cells, in words no vocabulary knows, are passes
    glued in front of every row rather than columns: none when the cells under one of them
    show its field ("Sıra No" over 1, 2, 3: the list's own numbering)."""
    above = _first_cells(lines[:at], delimiter)
    # the rows of data: not a ruling, the header repeated or the title over a later page
    rows = [r for r in _rows_under(lines, delimiter, at, len(cells))
            if not is_rule(r) and r != list(cells) and r[0] not in above]
    for j in range(lead):
        values = [r[j] if j < len(r) else "" for r in rows]
        # a page's margin (a browser's date and address lines) fills a few rows, a column most
        if sum(1 for v in values if v) * 2 >= len(values) and field_by_content(
                values) is not None:
            return 0
    return lead


def rows_by_page(lines: Sequence[str], delimiter: str, at: int, lead: int
                 ) -> list[list[str]]:
    """The rows under the header at ``at``, each without the ``lead`` empty cells in front of
    the table, where the header repeated on a later page sets how many cells that is there (a
    page's margin may leave another number of empty cells before the table). Cells with
    text in front of the header (OCR passes glued onto each row) are left to the caller."""
    cells = split_cells(lines[at], delimiter)
    empties = _leading_empty(cells)
    named = cells[empties:]
    offset = lead if empties >= lead else 0  # passes glued in front: as many as each row has
    above = _first_cells(lines[:at], delimiter)
    rows = []
    for line in lines[at + 1:]:
        if not line.strip():
            continue
        row = split_cells(line, delimiter)
        if is_rule(row) or row[0] in above:
            continue  # a ruling, or the title over the table repeated on a later page
        here = _leading_empty(row)
        if row[here:] == named and empties >= lead:
            offset = lead + here - empties
            continue
        rows.append(row[offset:] if offset >= 0 else [""] * -offset + row)
    return rows


def _first_cells(lines: Sequence[str], delimiter: str) -> set[str]:
    """The first cells of the lines above a header: a title that repeats over each page."""
    return {cells[0] for ln in lines if (cells := split_cells(ln, delimiter)) and cells[0]}


def _leading_empty(cells: Sequence[str]) -> int:
    return next((i for i, c in enumerate(cells) if c), len(cells))


SHAPED_MIN_ROWS = 3  # rows under a header the vocabulary does not know, at least
SHAPED_SEARCH_LINES = 60  # such a header stands near the top: lines searched for one


def _shaped_header(lines: Sequence[str], delimiter: str) -> tuple[int, int] | None:
    """The first line of three or more word cells above rows whose content names at least
    two fields, partners among them: the header of a list whose words no vocabulary holds.

    Only the rows' content decides, so the same evidence that names each column then (a
    column of country names, of institution names, of dates) is what found the header."""
    for i, line in enumerate(lines[:SHAPED_SEARCH_LINES]):
        cells = split_cells(line, delimiter)
        filled = [c for c in cells if c]
        if len(filled) < 3 or any(data_like(c) for c in filled):
            continue
        rows = _rows_under(lines, delimiter, i, len(cells))
        if len(rows) < SHAPED_MIN_ROWS:
            continue
        columns, _ = column_fields(cells, rows)
        if "partner" in columns and sum(1 for c in columns if c != "-") >= 2:
            return i, 0
    return None


def data_like(cell: str) -> bool:
    """A cell that reads as a value (a number, date, code, country), not as a column name."""
    return bool(re.search(r"\d", cell)) or field_by_content([cell]) is not None


def _rows_under(lines: Sequence[str], delimiter: str, at: int, width: int
                ) -> list[list[str]]:
    """The rows of cells under line ``at`` that could belong to its table (two cells at
    least, no more than the header has), up to the first line that does not; a line of one
    cell among them is a heading in the table ("Europe" over its rows), not its end."""
    rows: list[list[str]] = []
    for line in lines[at + 1:at + 201]:
        if not line.strip():
            continue
        cells = split_cells(line, delimiter)
        if len(cells) == 1 and rows or len(cells) == 1 and len(cells[0]) <= 40:
            continue
        if len(cells) < 2 or len(cells) > width:
            break
        rows.append(cells)
    return rows


def header_rows(lines: Sequence[str], delimiter: str, at: int, lead: int
                 ) -> tuple[int, list[str], list[str]]:
    """The header row to read by, the name of each column, and the group label above it.

    A header may take two rows (see :func:`is_upper_header`): cells merged across a group of
    columns ("Exchange places", "Validity") over one cell per column ("Incoming",
    "Outgoing"; "From", "To"), and the other columns' names merged down both rows. The
    lower row is the header the reader matches; a column's name is its lower cell, or the
    upper one where the lower is empty; the group label names a column whose own cell says
    too little."""
    for top in (at, at - 1):
        if top < 0 or top + 1 >= len(lines):
            continue
        upper = split_cells(lines[top], delimiter)[lead:]
        lower = split_cells(lines[top + 1], delimiter)[lead:]
        if not is_upper_header(upper, lower) or any(
                data_like(c) for j, c in enumerate(lower)
                if c and (j >= len(upper) or c != upper[j])):
            continue
        upper += [""] * (len(lower) - len(upper))
        names, groups, label = [], [], ""
        for j, cell in enumerate(lower):
            if upper[j] and cell and cell != upper[j]:
                label = upper[j]
            elif upper[j]:
                label = ""
            names.append(cell or upper[j])
            groups.append(label if cell and cell != upper[j] else "")
        return top + 1, names, groups
    return at, split_cells(lines[at], delimiter)[lead:], []


def headerless_rows(lines: Sequence[str], delimiter: str) -> tuple[int, int] | None:
    """(first line, last line) of a table without a header: three rows or more of the same
    two cells or more, one after another, whose content names the partners and one field
    more (a description list: the name, then its details). Its columns are named by what
    their cells hold, as those of a header in words no vocabulary knows are."""
    start = None
    for i in range(len(lines) + 1):
        cells = split_cells(lines[i], delimiter) if i < len(lines) else []
        # a line of header words is a header the vocabulary could not take whole: no row
        width = len(cells) if sum(1 for c in cells if header_field(c)[0]) < 2 else 0
        if start is not None and width == len(split_cells(lines[start], delimiter)):
            continue
        if start is not None and i - start >= SHAPED_MIN_ROWS:
            rows = [split_cells(ln, delimiter) for ln in lines[start:i]]
            columns, _ = column_fields([""] * len(rows[0]), rows)
            if "partner" in columns and sum(1 for c in columns if c != "-") >= 2:
                return start, i - 1
        start = i if width >= 2 else None
    return None
