"""A table as a grid of cells with its merged ranges, and how it becomes lines for the readers.

Every format adapter (spreadsheet, CSV, HTML, PDF) produces :class:`Table` objects: rows of cell
texts, the merged ranges exactly as the file states them, and where each row stands in the
original. The layout readers read lines of tab-separated cells (as a text extract has them), so
a table is rendered into such lines here, in one place for all formats:

* a merged range spanning several rows gives its value to every row it spans: a merged country
  cell is a group known exactly, so the reader sees every row's own label and infers nothing;
* a row whose only content is merged cells that other rows of the group carry (a group label
  on a row of its own) is layout, accounted for here and not shown to the readers;
* a line break inside a cell (typed with Alt+Enter, a ``<br>``, a cell's second paragraph, a
  quoted CSV cell over two lines, a PDF cell's line ended before the cell's edge) reaches the
  readers as :data:`LINE_BREAK` (U+2028 LINE SEPARATOR) between the cell's lines, the same for
  every format (:func:`in_cell`): a line is one row, so a cell's break cannot be a newline, and
  a space would lose where the institution's name ends and its unit's begins ("Universität
  Stuttgart" over "Fakultät Chemie"). ``str.split``, ``str.strip`` and a regular expression's
  white space take U+2028 for white space: code that collapses white space reads such a cell
  as before, its lines joined by a space. A line a PDF cell's width wrapped is joined by a
  space (nothing tells it from the text).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from exchange_kg.records import Location

# A merged range (first row, first column, last row, last column), 0-based and inclusive,
# in the table's own row and column numbering.
Merge = tuple[int, int, int, int]

_BREAKS = re.compile(r"\s*[\r\n\t\v\f\u2028\u2029]+\s*")
# A line break in a cell's text, with the white space around it: one LINE_BREAK for a run.
_LINE_ENDS = re.compile(r"\s*[\r\n\v\f\u2028\u2029]\s*")
_TABS = re.compile(r"[^\S\u2028]*\t[^\S\u2028]*")
LINE_BREAK = "\u2028"


@dataclass
class Table:
    """One table of a document: cell texts, merged ranges and each row's place in the original.

    ``cells`` may be ragged (rows shorter than the widest); ``locations[i]`` locates row ``i``.
    """

    name: str
    cells: list[list[str]]
    locations: list[Location]
    merges: list[Merge] = field(default_factory=list)
    unreadable: dict[int, str] = field(default_factory=dict)  # row -> why it cannot be read
    margin: dict[int, str] = field(default_factory=dict)  # row -> why it is a page's margin
    joined: dict[int, str] = field(default_factory=dict)  # row -> why it is read with another
    notes: dict[int, str] = field(default_factory=dict)  # row -> why it is a note on the table


def cell_text(value: object) -> str:
    """A cell's value as text: spreadsheet dates as ISO dates, whole numbers without ".0".

    ISO 8601 because a date stored as a date has no order to guess; the date normaliser reads
    it like any other date a list writes.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return in_cell(str(value))


def one_line(text: str) -> str:
    """A text on one line: line breaks and tabs become single spaces (a heading, a title)."""
    return _BREAKS.sub(" ", text).strip()


def in_cell(text: str) -> str:
    """A cell's text as the readers get it: its line breaks (with the white space around
    them, blank lines too) one :data:`LINE_BREAK` each, none at either end; a tab, which
    would end the cell, a space (see module doc)."""
    if text.isprintable():  # no break, tab or other control character: most cells
        return text.strip()
    return _TABS.sub(" ", _LINE_ENDS.sub(LINE_BREAK, text)).strip()


@dataclass(frozen=True)
class RenderedRow:
    """One row as a reader sees it, or the reason it is layout without being shown."""

    text: str
    location: Location
    layout: str = ""  # non-empty: the row is layout (group label on its own row), with why
    unreadable: str = ""  # non-empty: the format cannot read the row, with why
    margin: str = ""  # non-empty: printed in every page's margin (a running header), with why
    joined: str = ""  # non-empty: the row is the rest of a cell above, joined to it, with why
    note: str = ""  # non-empty: the row is a note on the table (a footnote), with why


# Words a name does not end in: what follows them was wrapped onto the next line.
OPEN_ENDS = frozenset({"of", "the", "for", "and", "de", "del", "des", "du", "da", "do", "dos",
                       "das", "di", "della", "degli", "la", "le", "der", "für", "und", "en",
                       "i", "y", "e", "et", "a", "zu", "an", "am", "im", "in", "na", "w", "v"})
# ... and words a name's rest starts with when it was wrapped before them ("di Padova").
_RESUMING = frozenset(OPEN_ENDS - {"a", "e", "i", "w", "v", "y", "en", "an", "in", "am", "im"}
                      | {"dei", "dello", "delle", "van", "von", "zur", "pour", "sur"})


def render(table: Table, join_wrapped: bool = False) -> list[RenderedRow]:
    """The table's rows as tab-separated lines, merged ranges filled in (see module doc);
    with ``join_wrapped``, a cell's text typed on into the row below joined back to it
    (see :func:`_wrapped`)."""
    width = max((len(r) for r in table.cells), default=0)
    cells = [list(r) + [""] * (width - len(r)) for r in table.cells]
    carried: dict[tuple[int, int], Merge] = {}  # cell -> the multi-row merge that fills it
    for merge in table.merges:
        r0, c0, r1, c1 = merge
        if r0 >= len(cells) or c0 >= width:
            continue
        r1, c1 = min(r1, len(cells) - 1), min(c1, width - 1)
        value = cells[r0][c0]
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                cells[r][c] = ""
            cells[r][c0] = value
            if r1 > r0:
                carried[(r, c0)] = merge
    own = [any(v and (r, c) not in carried for c, v in enumerate(row))
           for r, row in enumerate(cells)]
    joined: dict[int, str] = dict(table.joined)
    if join_wrapped:
        for r in range(1, len(cells)):
            if r - 1 in joined or r in joined or r in table.unreadable \
                    or r - 1 in table.unreadable:
                continue
            c = _wrapped(cells[r - 1], cells[r], [(r, k) in carried for k in range(width)])
            if c is not None:
                above, rest = cells[r - 1][c], cells[r][c]
                cells[r - 1][c] = f"{above}{rest}" if above.endswith("-") else f"{above} {rest}"
                joined[r] = (f"{rest!r} goes on with the cell above ({above!r}) on a row of "
                             "its own, as a long name typed on: read as part of the row above")
    out = []
    for r, row in enumerate(cells):
        layout = "" if own[r] else _label_row(r, row, carried, own)
        out.append(RenderedRow(_line(row), table.locations[r], layout,
                               table.unreadable.get(r, ""), table.margin.get(r, ""),
                               joined.get(r, ""), table.notes.get(r, "")))
    return out


def _wrapped(above: Sequence[str], row: Sequence[str], carried: Sequence[bool]) -> int | None:
    """The column whose cell above ``row`` goes on in it, or None.

    A file that delimits its cells wraps no text, but people type a long name on into the
    row below ("Università degli Studi" over "di Padova"), leaving the row's other cells
    empty. Joining a row that is not such a rest would make a false name, so all of this is
    asked: the row has text in one cell only, of its own (beside a merged cell that the row
    above shares, a country over both); the row above
    fills that cell and at least one more; and the text is evidently the rest, not a name of
    its own: the cell above ends in a hyphen or a word no name ends in ("University of"),
    leaves a bracket open ("(TU") that the text closes, or the text starts with a word, in
    lower case, that a name's rest starts with ("di Padova", "of Technology"; "De Montfort
    University" is a name of its own)."""
    filled = [c for c, v in enumerate(row) if v and not carried[c]]
    if len(filled) != 1 or any(v and carried[k] and (k >= len(above) or above[k] != v)
                               for k, v in enumerate(row)):
        return None
    c = filled[0]
    if c >= len(above) or not above[c] or sum(1 for v in above if v) < 2:
        return None
    before, rest = above[c], row[c]
    words = before.split()
    first = rest.split()[0]
    cut = before.endswith("-") and before[-2:-1].isalpha() or words[-1].casefold() in OPEN_ENDS \
        or before.count("(") > before.count(")") and ")" in rest
    return c if cut or first in _RESUMING else None


def _label_row(r: int, row: Sequence[str], carried: dict[tuple[int, int], Merge],
               own: Sequence[bool]) -> str:
    """Why row ``r`` is a group label on a row of its own, or "" when it is not one.

    It is when all its text comes from merged ranges spanning several rows and each of those
    ranges also spans a row with content of its own: the label belongs to those rows.
    """
    merges = {carried[(r, c)] for c, v in enumerate(row) if v}
    if not merges or not all(any(own[k] for k in range(m[0], m[2] + 1)) for m in merges):
        return ""
    labels = ", ".join(repr(row[m[1]]) for m in sorted(merges, key=lambda m: m[1]))
    return f"label {labels} of a merged cell on a row of its own; the rows it spans carry it"


def _line(row: Sequence[str]) -> str:
    """Tab-joined cells. A row with one filled cell keeps only the cells up to it (a title,
    a note, a page number), as an extract has it; fuller rows keep the table's width, so a
    reader can tell a whole row from a fragment."""
    filled = [c for c, v in enumerate(row) if v]
    if not filled:
        return ""
    if len(filled) == 1:
        return "\t".join(row[: filled[0] + 1])
    return "\t".join(row)


def column_letters(index: int) -> str:
    """Spreadsheet column name of a 0-based index: 0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(ord("A") + rem) + name
    return name


def sheet_reference(sheet: str) -> str:
    """A sheet name as a cell reference writes it: quoted when it is not a plain word."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


_REFERENCE = re.compile(r"^(?P<sheet>.*!)?(?P<col>[A-Z]{1,3})(?P<row>\d+)(?::[A-Z]{1,3}\d+)?$")


def transposed(table: Table) -> Table:
    """The table turned a quarter: a sheet that lists one partner per column (its fields'
    labels down the first column) read as one line per column, each located by the column's
    range ('Partners!B4:B10'). Lines of one cell above and below the grid (the title, a date
    stamp, a note) stay lines of their own, in place."""
    rows = table.cells
    filled = [sum(1 for c in row if c.strip()) for row in rows]
    b0 = next((r for r, n in enumerate(filled) if n > 1), len(rows))
    b1 = max((r + 1 for r, n in enumerate(filled) if n > 1), default=b0)
    width = max((len(rows[r]) for r in range(b0, b1)), default=0)
    grid = [[rows[r][c] if c < len(rows[r]) else "" for r in range(b0, b1)]
            for c in range(width)]
    first, last = _REFERENCE.match(table.locations[b0].text) if b0 < b1 else None, \
        _REFERENCE.match(table.locations[b1 - 1].text) if b0 < b1 else None
    places: list[Location] = []
    for c in range(width):
        if first is not None and last is not None:
            letters = column_letters(_column_index(first["col"]) + c)
            places.append(Location(f"{first['sheet'] or ''}{letters}{first['row']}:"
                                   f"{letters}{last['row']}"))
        else:
            places.append(Location(f"{table.locations[b0].text} to "
                                   f"{table.locations[b1 - 1].text}, column {c + 1}"))
    shift = width - (b1 - b0)  # rows after the grid move by this many lines

    def moved(r: int) -> int:
        return r if r < b0 else r + shift

    merges = [(c0 + b0, r0 - b0, c1 + b0, r1 - b0) if b0 <= r0 and r1 < b1
              else (moved(r0), c0, moved(r1), c1) for r0, c0, r1, c1 in table.merges
              if not (r0 < b1 and r1 >= b0) or (b0 <= r0 and r1 < b1)]
    outside = [r for r in range(len(rows)) if not b0 <= r < b1]
    return Table(
        table.name, rows[:b0] + grid + rows[b1:],
        table.locations[:b0] + places + table.locations[b1:], merges,
        *({moved(r): why for r, why in marks.items() if r in outside}
          for marks in (table.unreadable, table.margin, table.joined, table.notes)))


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - ord("A") + 1
    return index - 1


def empty_old_copies(cells: list[list[str]], hidden: set[int]) -> None:
    """Empty the cells of each hidden column below the row where its header stands beside
    the same header in a shown column: offices hide the old values when they type new ones
    in a copy of the column (a workbook's hidden column, a page's column the page does not
    show), and the hidden copy's old ends were read as the agreements' ends. The column
    keeps its place and its header, so a mapping's columns and header are the file's. A
    hidden column without a shown twin is read (a helper column may hold the only code)."""
    from exchange_kg.normalise.country import text_key

    for c in sorted(hidden):
        for r, row in enumerate(cells):
            key = text_key(row[c]) if c < len(row) else ""
            if any(ch.isalpha() for ch in key) and any(
                    k != c and k not in hidden and text_key(text) == key
                    for k, text in enumerate(row)):
                for below in cells[r + 1:]:
                    if c < len(below):
                        below[c] = ""
                break
