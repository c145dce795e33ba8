"""Text extracts whose columns are aligned with spaces, as ``pdftotext -layout`` and printed
reports lay them out: each line becomes the tab-separated cells the table readers take.

A column starts where many lines start a cell: a cell is text whose words are one space
apart, and two spaces or more end it. The starts shared by at least a
:data:`SHARE_OF_LINES` of the lines holding two cells or more are the columns; a right-aligned
number starting a character or two later than its neighbours belongs to the same column.
Every cell of every line goes to the last column starting at or before it (or to the next
one, when it ends where that column's right-aligned cells end: the header word over them),
so a line with empty cells keeps its cells in their columns, and a wrapped name
(``Technology (KAIST)`` alone under the partner column) is a line with one cell, where the
readers look for a continuation. Line numbers are the file's: one line in, one line out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

# A column start must be shared by this share of the lines that hold two cells or more.
SHARE_OF_LINES = 0.3
# Starts this close together are one column (right-aligned numbers, a cell nudged by OCR).
NUDGE = 2

_CELL = re.compile(r"\S+(?: \S+)*")


def cells_of(line: str) -> list[tuple[int, str]]:
    """(start, text) of each cell of a line: text whose words are one space apart."""
    return [(m.start(), m.group()) for m in _CELL.finditer(line.expandtabs(8))]


def column_starts(lines: Sequence[str]) -> list[int]:
    """Where the columns start, from the lines that hold two cells or more."""
    rows = [cells for cells in map(cells_of, lines) if len(cells) >= 2]
    if not rows:
        return []
    counts = Counter(start for cells in rows for start, _ in cells)
    # a right-aligned column's starts spread over a few characters: count them together
    columns: list[int] = []
    for start in sorted(counts):
        near = sum(n for s, n in counts.items() if start <= s <= start + NUDGE)
        if near < SHARE_OF_LINES * len(rows):
            continue
        if columns and start - columns[-1] <= NUDGE:
            continue
        columns.append(start)
    return columns


def aligned_lines(lines: Sequence[str]) -> list[str]:
    """Each line as tab-separated cells in the document's columns (blank lines stay blank)."""
    columns = column_starts(lines)
    if len(columns) < 2:
        return list(lines)
    edges = right_edges(lines, columns)
    ends = _ends(lines, columns)
    # a column whose every cell ends where the right-aligned column after it ends holds
    # that column's header ("PLACES" and "------" over "     2", in a short list)
    for k in range(len(columns) - 2, -1, -1):
        if k + 1 in edges and ends.get(k) and all(abs(e - edges[k + 1]) <= NUDGE
                                                 for e in ends[k]):
            del columns[k + 1]
            edges, ends = right_edges(lines, columns), _ends(lines, columns)
    out = []
    for line in lines:
        found = cells_of(line)
        if len(found) == 1 and _not_a_cell(*found[0], columns):
            out.append(found[0][1])
            continue
        cells = [""] * len(columns)
        for start, text in found:
            k = _column(start, columns)
            if start > columns[k] + NUDGE and k + 1 in edges \
                    and abs(start + len(text) - edges[k + 1]) <= NUDGE:
                k += 1  # a header word over right-aligned numbers ends where they end
            cells[k] = f"{cells[k]} {text}".strip()
        out.append("\t".join(cells).rstrip("\t") if any(cells) else "")
    return out


def right_edges(lines: Sequence[str], columns: list[int]) -> dict[int, int]:
    """The columns whose cells end at one place (right-aligned numbers), with that place:
    their header word ("PLACES" over "     2") may start before the column's cells do."""
    out: dict[int, int] = {}
    for k, counted in _ends(lines, columns).items():
        end, n = counted.most_common(1)[0]
        near = sum(m for e, m in counted.items() if abs(e - end) <= NUDGE)
        if n >= 3 and near >= 0.5 * sum(counted.values()):
            out[k] = end
    return out


def _ends(lines: Sequence[str], columns: list[int]) -> dict[int, Counter[int]]:
    """Where the cells of each column end, on the lines that hold two cells or more."""
    ends: dict[int, Counter[int]] = {}
    for cells in map(cells_of, lines):
        if len(cells) < 2:
            continue
        for start, text in cells:
            ends.setdefault(_column(start, columns), Counter())[start + len(text)] += 1
    return ends


# "- 3 -", "12", "Page 3 of 7", "3/7": a page number printed on its own line
_PAGE_NUMBER = re.compile(r"(?i)^(?:page|seite|página|page|strona|pagina)?\s*[-–—]?\s*\d{1,4}"
                          r"\s*(?:(?:/|of|von|de|z|di)\s*\d{1,4})?\s*[-–—]?$")


def _column(start: int, columns: list[int]) -> int:
    return max((i for i, c in enumerate(columns) if c <= start + NUDGE), default=0)


def _not_a_cell(start: int, text: str, columns: list[int]) -> bool:
    """A line's only text is no cell of the table when it spans several columns (a centred
    title, a note) or is a page number: it goes out on its own, for the readers to take as
    a title or footer, never as the continuation of the cell above it."""
    k = _column(start, columns)
    wider = k + 1 < len(columns) and start + len(text) > columns[k + 1] + NUDGE
    return wider or bool(_PAGE_NUMBER.match(text))
