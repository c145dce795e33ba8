"""PDF tables with a text layer, read with their cell geometry (pdfplumber).

pdfplumber finds a table from its ruling lines and gives every cell its bounding box, so a cell
spanning several rows (a merged country cell) is known from the page: its box reaches over the
rows below, where no cell of that column starts. Text outside the tables (titles, page numbers,
footers) comes as one-cell rows in reading order, for the readers to account for as they do in
a text extract. Tables of consecutive pages follow each other, repeated headers included (the
readers know a repeated header). A document without any text is a scan: it needs a text layer
first, which OCRmyPDF adds.
"""

from __future__ import annotations

import bisect
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from exchange_kg.formats.grid import LINE_BREAK, Merge, Table, in_cell, one_line
from exchange_kg.formats.textdoc import BULLET
from exchange_kg.records import Location, SourceError

TABLE_SETTINGS: dict[str, dict[str, Any]] = {
    "lines": {"vertical_strategy": "lines", "horizontal_strategy": "lines"},
}
_EPS = 0.5  # points: coordinates closer than this are the same ruling line

NO_TEXT_LAYER = (
    "has no text layer (a scanned document?): nothing to read. Add one with OCRmyPDF "
    "(`ocrmypdf --skip-text IN.pdf OUT.pdf`; packages `ocrmypdf` and `tesseract-ocr`) and "
    "point the manifest at the result, or build with `--ocr` where OCRmyPDF is installed"
)


def ocr_engine() -> str | None:
    """The OCRmyPDF command when it is installed, else None."""
    return shutil.which("ocrmypdf")


def read_pages(path: Path, pages: Any, strategy: str, ocr: bool = False) -> list[Table]:
    """One table per chosen page: its table rows and the text lines around them, top down."""
    import pdfplumber

    if ocr:
        return _with_ocr(path, pages, strategy)
    try:
        document = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises several types for damaged files
        raise SourceError(str(path), None, f"cannot read the PDF: {exc}") from None
    with document:
        count = len(document.pages)
        numbers = page_numbers(path, pages, count)
        shown = [_upright(document, document.pages[n - 1]) for n in numbers]
        read = [_page(page, n, strategy) for page, n in zip(shown, numbers, strict=True)]
        heights = [float(page.height) for page in shown]
    tables = [page.table for page in read]
    if all(t.unreadable for t in tables):
        raise SourceError(str(path), None, NO_TEXT_LAYER)
    _mark_margins(tables, heights)
    for (a, b), (m, n) in zip(pairwise(read), pairwise(numbers), strict=False):
        if n == m + 1:
            _join_cut_row(a, b, m)
            _join_columns_over(a, b, m)
    for page in read:
        if page.sizes:
            page.table.notes = _notes(page)
    return tables


def _upright(document: Any, page: Any) -> Any:
    """The page turned so that most of its text reads left to right: a table drawn sideways
    on a portrait page (a landscape table in a portrait document, a print driver's landscape
    page without a page rotation) runs bottom to top, and read as it lies each line is a
    column of letters. A page whose text already reads so is the page itself."""
    import pdfplumber.page

    turns = Counter(_turn(c["matrix"]) for c in page.chars if c["text"].strip())
    if not turns:
        return page
    turn, count = turns.most_common(1)[0]
    if turn == 0 or 2 * count <= sum(turns.values()):
        return page
    obj = page.page_obj
    obj.rotate = (obj.rotate + turn) % 360
    obj.attrs["Rotate"] = obj.rotate
    return pdfplumber.page.Page(document, obj, page_number=page.page_number,
                                initial_doctop=page.initial_doctop)


def _turn(matrix: tuple[float, ...]) -> int:
    """The clockwise turn (0, 90, 180, 270 degrees) that makes a character with this text
    matrix read left to right."""
    a, b = matrix[0], matrix[1]
    if abs(a) >= abs(b):
        return 0 if a > 0 else 180
    return 90 if b > 0 else 270


# The share of a page's height at its top and at its bottom where a browser or a word
# processor prints its running header and footer (a table starts below, ends above).
_MARGIN = 0.05
_RUNNING_MARGIN = 0.1
_BOX = re.compile(r", box ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)$")


def _mark_margins(tables: list[Table], heights: list[float]) -> None:
    """Mark the lines every page prints at the same place in its top or bottom margin: the
    date, title, address and page number a browser prints around a page ("12/7/26, 5:38 AM",
    "file:///.../page.html 1/2"), a word processor's running header and footer. They are the
    printout's, not the list's: layout, reported as such, never a row of the table. Their
    text may differ only in its numbers (the page number)."""
    if len(tables) < 2:
        return
    found: list[dict[tuple[str, int], int]] = []  # per page: (text, top) -> row
    for table, height in zip(tables, heights, strict=True):
        lines: dict[tuple[str, int], int] = {}
        for r, (row, where) in enumerate(zip(table.cells, table.locations, strict=True)):
            box = _BOX.search(where.text)
            if box is None:
                continue
            top, bottom = float(box.group(2)), float(box.group(4))
            # a running header of a cell or two (a title left, a date right) may stand
            # lower, on a landscape page most (its 5 % are 30 points)
            margin = _MARGIN if sum(1 for c in row if c.strip()) > 2 else _RUNNING_MARGIN
            if top < margin * height or bottom > (1 - margin) * height:
                text = re.sub(r"\d+", "0", " ".join(" ".join(row).split()))
                lines.setdefault((text, round(top)), r)
        found.append(lines)
    for text, top in found[0]:
        at = [_near(lines, text, top) for lines in found]
        if all(r is not None for r in at):
            for table, r in zip(tables, at, strict=True):
                assert r is not None
                table.margin[r] = ("printed at the same place in the margin of every page "
                                   "(a running header or footer of the printout)")


def _near(lines: dict[tuple[str, int], int], text: str, top: int) -> int | None:
    """The row of a page with the text at about that height (two points either way)."""
    return next((lines[(text, t)] for t in range(top - 2, top + 3) if (text, t) in lines), None)


def _with_ocr(path: Path, pages: Any, strategy: str) -> list[Table]:
    engine = ocr_engine()
    if engine is None:
        raise SourceError(str(path), None, "--ocr asks for OCRmyPDF, which is not installed "
                          "(packages `ocrmypdf` and `tesseract-ocr`)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / path.name
        run = subprocess.run([engine, "--skip-text", "--quiet", str(path), str(out)],
                             capture_output=True, text=True, check=False)
        if run.returncode != 0:
            raise SourceError(str(path), None,
                              f"OCRmyPDF failed: {run.stderr.strip()[-300:]}")
        return read_pages(out, pages, strategy)


def page_numbers(path: Path, pages: Any, count: int) -> list[int]:
    """The 1-based page numbers a ``pages`` option names: 3, "2-5", "1,3,7-", [1, 2]."""
    if pages is None:
        return list(range(1, count + 1))
    parts = pages if isinstance(pages, list) else str(pages).split(",")
    numbers: list[int] = []
    for part in parts:
        text = str(part).strip()
        first, _, last = text.partition("-")
        try:
            a = int(first)
            b = (int(last) if last.strip() else count) if "-" in text else a
        except ValueError:
            raise SourceError(str(path), None, f"pages: cannot read {text!r} "
                              "(write 3, '2-5', '1,3,7-')") from None
        if not 1 <= a <= b <= count:
            raise SourceError(str(path), None,
                              f"pages: {text!r} is outside the document's {count} pages")
        numbers.extend(n for n in range(a, b + 1) if n not in numbers)
    return numbers


def _box(x0: float, top: float, x1: float, bottom: float) -> str:
    return " ".join(f"{v:.1f}" for v in (x0, top, x1, bottom))


_Row = tuple[float, list[str], Location, list[Merge]]


@dataclass
class _Page:
    """A page's rows, with where its ruled tables meet the page break: the rows of its first
    ruled table (a table the page before may continue) and its last row, when the page's
    foot cut it (its rest is on the next page)."""

    table: Table
    first_table: list[int] = field(default_factory=list)
    cut: int | None = None
    sizes: list[float | None] = field(default_factory=list)  # per row: its type size


def _page(page: Any, number: int, strategy: str) -> _Page:
    """The page's rows top down: ruled tables cell by cell, other text split at wide gaps."""
    if not page.chars:
        # a scanned page among pages with text: listed as unreadable, never skipped quietly
        return _Page(Table(f"page {number}", [["[no text on this page]"]],
                           [Location(f"page {number}")],
                           unreadable={0: "the page has no text layer (a scanned page?); "
                                       "OCRmyPDF can add one"}))
    found = page.find_tables(TABLE_SETTINGS["lines"]) if strategy == "lines" else []
    found.sort(key=lambda t: t.bbox[1])
    rows: list[_Row] = []
    boxes: list[tuple[float, float, float, float]] = []
    first: list[_Row] = []
    cut: _Row | None = None
    per_table: list[list[_Row]] = []
    for table in found:
        end = _cut_at_foot(table, page)
        these = _table_rows(table, number, end)
        rows.extend(these)
        per_table.append(these)
        first = first or these
        if end is not None:
            cut = these[-1]
        boxes.append(table.bbox if end is None else (*table.bbox[:3], end))
    rows.extend(_text_rows(page, number, boxes))
    order = _one_after_another(boxes, per_table)
    rows.sort(key=lambda r: order.get(id(r), (r[0], -1, 0.0)))
    cells: list[list[str]] = []
    locations: list[Location] = []
    merges: list[Merge] = []
    for _, row, where, spans in rows:
        # a table's merges are stated on its first row, relative to it
        base = len(cells)
        merges.extend((r0 + base, c0, r1 + base, c1) for r0, c0, r1, c1 in spans)
        cells.append(row)
        locations.append(where)
    if any(_SHAPED.search(c) for row in cells for c in row):
        cells, merges = _right_to_left(cells, merges)
    at = {id(r): k for k, r in enumerate(rows)}
    return _Page(Table(f"page {number}", cells, locations, merges),
                 [at[id(r)] for r in first], None if cut is None else at[id(cut)],
                 [_size(page, where) for where in locations])


def _one_after_another(boxes: list[tuple[float, float, float, float]],
                       per_table: list[list[_Row]]) -> dict[int, tuple[float, int, float]]:
    """Where the rows of ruled tables printed side by side go: tables with different
    headers (the Erasmus+ partners left, the bilateral ones right, each its own columns) are
    read one after the other, left first, from where the first of them starts; line by line
    across the page, each row came between two rows of the other table under another
    header, and no row was read. Tables under one header stay line by line (the readers
    know a repeated header). Keyed by ``id`` of each row moved."""
    groups: list[list[int]] = []
    for k, (x0, top, x1, bottom) in enumerate(boxes):
        beside = [g for g in groups if any(
            max(top, boxes[j][1]) < min(bottom, boxes[j][3])
            and (x1 <= boxes[j][0] or boxes[j][2] <= x0) for j in g)]
        merged = [k] + [j for g in beside for j in g]
        groups = [g for g in groups if g not in beside] + [merged]
    order: dict[int, tuple[float, int, float]] = {}
    for group in groups:
        heads = {tuple(one_line(c).casefold() for c in per_table[k][0][1])
                 for k in group if per_table[k]}
        if len(group) < 2 or len(heads) < 2:
            continue
        start = min(boxes[k][1] for k in group)
        for place, k in enumerate(sorted(group, key=lambda k: boxes[k][0])):
            for row in per_table[k]:
                order[id(row)] = (start, place, row[0])
    return order


# Arabic letters in their shaped presentation forms, as a PDF stores text it laid out itself:
# in visual order, left to right as printed.
_SHAPED = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]")
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
# a run written left to right inside right-to-left text: a date, a number, a Latin word
_LTR_RUN = re.compile(r"[0-9A-Za-z\u00c0-\u024f][0-9A-Za-z\u00c0-\u024f./:,\-]*")


def _logical(text: str) -> str:
    """A cell of shaped Arabic in visual order as it is written: its characters turned
    around (a date or a Latin word kept as it reads) and its presentation forms folded to
    the letters ('ﺓﺮﻫﺎﻘﻟﺍ ﺔﻌﻣﺎﺟ' is جامعة القاهرة): published as printed, the names were
    other words, reversed, and no country or kind was understood."""
    if not _RTL.search(text):
        return text
    pieces: list[str] = []
    at = 0
    for run in _LTR_RUN.finditer(text):
        pieces.extend(text[at:run.start()])
        pieces.append(run.group(0))
        at = run.end()
    pieces.extend(text[at:])
    turned = "".join(reversed(pieces))
    return "".join(unicodedata.normalize("NFKC", ch) if _SHAPED.match(ch) else ch
                   for ch in turned)


def _right_to_left(rows: list[list[str]], merges: list[Merge]
                   ) -> tuple[list[list[str]], list[Merge]]:
    """A page printed right to left in shaped letters (see :func:`_logical`): each cell as
    written, and, where most cells are right-to-left text, each row's cells from the right
    (the first column is the rightmost, as the page is read), its merged ranges with them."""
    filled = [c for row in rows if len(row) > 1 for c in row if c.strip()]
    turn = 2 * sum(1 for c in filled if _RTL.search(c)) > len(filled)
    width = max((len(row) for row in rows), default=0)
    out = []
    for row in rows:
        row = [_logical(c) for c in row]
        out.append(list(reversed(row + [""] * (width - len(row)))) if turn and len(row) > 1
                   else row)
    if turn:
        merges = [(r0, width - 1 - c1, r1, width - 1 - c0) if len(rows[r0]) > 1
                  else (r0, c0, r1, c1) for r0, c0, r1, c1 in merges]
    return out, merges


# A line in type this much smaller than the table's is no part of its rows.
_NOTE_SIZE = 0.9


def _notes(page: _Page) -> dict[int, str]:
    """The lines under a page's last table row that are notes on the table: one cell in
    smaller type than the rows' ('— sem vagas definidas no acordo.', '¹ Nur für Master',
    '* Accord signé au niveau de la Faculté'). A reader would take such a line, right under
    the last partner, for the rest of its name; the type says it is not."""
    table, sizes = page.table, page.sizes
    rows = [r for r, row in enumerate(table.cells) if r not in table.margin
            and sum(1 for c in row if c.strip()) > 1]
    if not rows:
        return {}
    body = sorted(s for r in rows if (s := sizes[r]) is not None)
    if not body:
        return {}
    usual = body[len(body) // 2]
    return {r: "a note under the table, in smaller type than its rows"
            for r in range(rows[-1] + 1, len(table.cells))
            if r not in table.margin and sum(1 for c in table.cells[r] if c.strip()) == 1
            and (size := sizes[r]) is not None and size < _NOTE_SIZE * usual}


def _size(page: Any, where: Location) -> float | None:
    """The median type size of the characters in a row's box."""
    box = _BOX.search(where.text)
    if box is None:
        return None
    x0, top, x1, bottom = (float(v) for v in box.groups())
    found = sorted(c["size"] for c in page.chars
                   if x0 - _EPS <= (c["x0"] + c["x1"]) / 2 <= x1 + _EPS
                   and top - _EPS <= (c["top"] + c["bottom"]) / 2 <= bottom + _EPS)
    return found[len(found) // 2] if found else None


def _cut_at_foot(table: Any, page: Any) -> float | None:
    """Where a ruled table's last row ends when the page's foot cut it, else None.

    A browser or word processor that breaks a tall row over two pages prints the row's top
    part at the page's foot without a bottom rule (the rule closes the rest, on the next
    page): the table's vertical rules go on below its last closed row, down to the foot, with
    text between them. pdfplumber finds no cell there; read as loose lines, the row's words
    would be cut apart by position and lost. It is a row of the table: evidence asked is
    the table's outer rules both going on below its last row, no rule across closing them,
    text between them, and nothing below them but the page's margin."""
    x0, _, x1, bottom = table.bbox
    down = [e for e in page.vertical_edges if e["top"] <= bottom + 1.0
            and e["bottom"] >= bottom + 3.0]
    sides = [[e["bottom"] for e in down if abs(e["x0"] - x) <= 1.5] for x in (x0, x1)]
    if not all(sides):
        return None
    end = min(max(side) for side in sides)
    if any(e["x1"] - e["x0"] > (x1 - x0) / 2 and abs(e["top"] - end) <= 1.5
           and e["top"] > bottom + 1.0 for e in page.horizontal_edges):
        return None  # closed: a row pdfplumber would have found, or a box drawn under it
    foot = (1 - _RUNNING_MARGIN) * float(page.height)
    inside = below = False
    for char in page.chars:
        v_mid, h_mid = (char["top"] + char["bottom"]) / 2, (char["x0"] + char["x1"]) / 2
        inside = inside or x0 <= h_mid < x1 and bottom <= v_mid < end
        below = below or end <= v_mid < foot
    return end if inside and not below else None


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(b[0] - _EPS <= x <= b[2] + _EPS and b[1] - _EPS <= y <= b[3] + _EPS
               for b in boxes)


_RULING_TEXT = frozenset({"|", "¦", "‖", "│", "┃"})


# A gap between words wider than this share of the line's height separates cells: a space is
# about 0.3 of the font size, the padding between two columns of a table more than 0.6.
CELL_GAP = 0.6
_ANCHOR_TOLERANCE = 3.0  # points: cells starting this close start in one column


def _text_rows(page: Any, number: int, boxes: list[tuple[float, float, float, float]]
               ) -> list[_Row]:
    """Text outside ruled tables, as rows of cells: a table without ruling lines, or the
    titles and page numbers around a ruled one.

    Words far apart are in different cells; cells go into columns by where they start (the
    starting positions several lines share), so an empty first cell stays empty, as a text
    extract has it. Lines whose boxes overlap vertically are one row (a value centred beside a
    name wrapped over two lines joins both), unless both have several cells in a column both
    use: those are two rows, whatever lies between them. Merged cells are not known here.
    """
    from pdfplumber.utils import extract_words

    chars = [c for c in page.chars if not _inside(c, boxes)] if boxes else page.chars
    words = sorted(extract_words(chars, x_tolerance=1.5, y_tolerance=2.0),
                   key=lambda w: (w["top"], w["x0"]))
    parts = [words] if boxes else _newspaper_columns(_lines_of(words))
    bullets = _drawn_bullets(page, boxes)
    out: list[_Row] = []
    for part in parts:  # in reading order: a page's columns one after the other
        rows = _rows_of(_items(_lines_of(part), bullets), number, around=bool(boxes))
        out += [(float(len(out) + k), row, where, spans) if len(parts) > 1 else
                (top, row, where, spans) for k, (top, row, where, spans) in enumerate(rows)]
    return out


# A list's bullet drawn as a shape rather than typed (as browsers print a <ul>): a dot no
# larger than this (points), left of a line's first word and level with it.
_BULLET_SIZE = 6.0


def _drawn_bullets(page: Any, boxes: list[tuple[float, float, float, float]]
                   ) -> list[tuple[float, float, float, float]]:
    """The page's bullets drawn as dots, outside its ruled tables (two at least: one dot is
    no list)."""
    dots = [(o["x0"], o["top"], o["x1"], o["bottom"]) for o in (*page.curves, *page.rects)
            if 0 < o["x1"] - o["x0"] <= _BULLET_SIZE and 0 < o["bottom"] - o["top"]
            <= _BULLET_SIZE and not _inside(o, boxes)]
    return dots if len(dots) >= 2 else []


def _items(lines: list[list[dict[str, Any]]], bullets: list[tuple[float, float, float, float]]
           ) -> list[list[dict[str, Any]]]:
    """Lines of a list whose bullets are drawn: a line with a dot left of it starts with
    the bullet the page shows ("• Universität zu Köln"), and the lines under it that start
    where its text starts, a line apart, without a dot of their own, are the rest of that
    item, which the column's width wrapped: joined to it (a hyphen at the wrap kept, with no
    space after it). Without drawn bullets the lines are as they are."""
    if not bullets:
        return lines
    out: list[list[dict[str, Any]]] = []
    start: float | None = None  # where the open item's text starts
    bottom = 0.0  # the bottom of the open item's last line
    for line in lines:
        line = sorted(line, key=lambda w: w["x0"])
        first = line[0]
        height = first["bottom"] - first["top"]
        dot = next((b for b in bullets if b[2] <= first["x0"] <= b[2] + 3 * height
                    and first["top"] <= (b[1] + b[3]) / 2 <= first["bottom"]), None)
        if dot is not None:
            out.append([{**first, "text": BULLET, "x0": dot[0], "x1": first["x0"] - 1.0},
                        *line])
            start, bottom = first["x0"], first["bottom"]
            continue
        if start is not None and abs(first["x0"] - start) <= _ANCHOR_TOLERANCE \
                and 0 <= first["top"] - bottom <= height:
            item = out[-1]
            last = max(item, key=lambda w: w["x1"])
            rest = [dict(w) for w in line]
            if last["text"].endswith("-") and rest and _same_kind(last["text"][-2:-1],
                                                                   rest[0]["text"][:1]):
                glued = {**last, "text": last["text"] + rest[0]["text"]}
                item[item.index(last)] = glued
                last, rest = glued, rest[1:]
            shift = last["x1"] + 0.25 * height - first["x0"]
            item += [{**w, "x0": w["x0"] + shift, "x1": w["x1"] + shift, "top": item[0]["top"],
                      "right": w["x1"]} for w in rest]
            bottom = first["bottom"]
            continue
        start = None
        out.append(line)
    return out


def _same_kind(before: str, after: str) -> bool:
    """Whether the characters either side of a hyphen at a wrap are both letters ('Aix-'
    'Marseille') or both digits ('2021-' '2027'): one word or range, no space between."""
    return before.isalpha() and after.isalpha() or before.isdigit() and after.isdigit()


def _lines_of(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words (sorted top down) as lines: a word starting in the upper half of a line's
    first word is on that line."""
    lines: list[list[dict[str, Any]]] = []
    for word in words:
        if lines:
            last = lines[-1]
            height = last[0]["bottom"] - last[0]["top"]
            if word["top"] <= last[0]["top"] + height / 2:
                last.append(word)
                continue
        lines.append([word])
    return lines


# A gutter between two columns of text is at least this wide (points), each column at least
# this share of the text's width, and holds at least this many lines.
_GUTTER = 12.0
_COLUMN_SHARE = 0.3
_COLUMN_LINES = 5


def _newspaper_columns(lines: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """The page's words in reading order when it is set in two columns, as a newspaper is:
    the lines above them, the left column's, the right column's, the lines below; else all
    the words as they are.

    Read across, each line would join a line of the left column to one of the right (a
    partner of Germany and one of Italy in one name, the right column's country heading over
    the left's partners). A table without ruling lines has gutters too, so the evidence asked
    is that of running text: one gutter, at least a few points wide and free of text down a
    run of lines, with a column of text on either side as wide as a third of the text or
    more, and the two columns' lines not side by side: fewer than half of the right column's
    lines stand level with a line of the left, where a table's cells stand on their rows."""
    words = [w for line in lines for w in line]
    if not words:
        return [words]
    left_edge = min(w["x0"] for w in words)
    width = max(w["x1"] for w in words) - left_edge
    low, high = left_edge + _COLUMN_SHARE * width, left_edge + (1 - _COLUMN_SHARE) * width
    best: tuple[int, int, float, float] | None = None  # first line, last line, gutter
    for first in range(len(lines)):
        free = [(low, high)]
        last = first - 1
        for k in range(first, len(lines)):
            free = _minus(free, lines[k])
            free = [(a, b) for a, b in free if b - a >= _GUTTER]
            if not free:
                break
            last = k
        if last - first + 1 >= 2 * _COLUMN_LINES and (
                best is None or last - first > best[1] - best[0]):
            a, b = max(free or _free_of(lines[first:last + 1], low, high),
                       key=lambda g: g[1] - g[0])
            best = (first, last, a, b)
    if best is None:
        return [words]
    first, last, a, b = best
    run = [w for line in lines[first:last + 1] for w in line]
    left = [w for w in run if w["x1"] <= a]
    right = [w for w in run if w["x0"] >= b]
    left_tops = sorted({round(line[0]["top"]) for line in _lines_of(left)})
    right_lines = _lines_of(right)
    level = sum(1 for line in right_lines
                if any(abs(line[0]["top"] - t) <= 1.0 for t in left_tops))
    if len(left_tops) < _COLUMN_LINES or len(right_lines) < _COLUMN_LINES \
            or 2 * level >= len(right_lines):
        return [words]
    before = [w for line in lines[:first] for w in line]
    after = [w for line in lines[last + 1:] for w in line]
    return [part for part in (before, left, right, after) if part]


def _minus(free: list[tuple[float, float]], line: list[dict[str, Any]]
           ) -> list[tuple[float, float]]:
    """The intervals of ``free`` that no word of ``line`` covers."""
    for word in line:
        cut: list[tuple[float, float]] = []
        for a, b in free:
            if word["x1"] <= a or word["x0"] >= b:
                cut.append((a, b))
                continue
            if word["x0"] > a:
                cut.append((a, word["x0"]))
            if word["x1"] < b:
                cut.append((word["x1"], b))
        free = cut
    return free


def _free_of(lines: list[list[dict[str, Any]]], low: float, high: float
             ) -> list[tuple[float, float]]:
    free = [(low, high)]
    for line in lines:
        free = _minus(free, line)
    return [(a, b) for a, b in free if b - a >= _GUTTER]


def _rows_of(lines: list[list[dict[str, Any]]], number: int, around: bool = False
             ) -> list[_Row]:
    """Lines of words as rows of cells (see :func:`_text_rows`). ``around``: the lines stand
    around ruled tables (titles, notes, page numbers), so where a line of one cell starts
    says nothing of a column: it is that one cell, with no empty cell before it (a title a
    hair left of the page's margin line would otherwise start in a second column)."""
    if not lines:
        return []
    split = [_cells_of(sorted(line, key=lambda w: w["x0"])) for line in lines]
    anchors = _anchors([c[0] for cells in split for c in cells])

    def column(x0: float) -> int:
        return max(0, sum(1 for a in anchors if a <= x0 + _ANCHOR_TOLERANCE) - 1)

    columns_of = [{column(x0) for x0, _ in cells} for cells in split]
    groups: list[list[int]] = []  # lines of one row: each overlaps the row's lines above it
    bottom = float("-inf")
    full = False  # the row has a line of several cells: another such line is another row
    centred = False  # some row's cells are centred beside others (the table is so laid out)
    for k, line in enumerate(lines):
        top = min(w["top"] for w in line)
        several = len(split[k]) > 1
        # Two lines of several cells that overlap, in columns neither shares, are one row:
        # its short cells centred beside its long ones wrapped (text in one column never
        # overlaps its next line). A single cell may be a merged one centred over two rows.
        beside = several and k > 0 and len(split[k - 1]) > 1 \
            and not columns_of[k] & columns_of[k - 1]
        if groups and top < bottom - _EPS and (beside or not (several and full)):
            groups[-1].append(k)
            centred = centred or beside
        else:
            groups.append([k])
            bottom, full = float("-inf"), False
        bottom = max(bottom, max(w["bottom"] for w in line))
        full = full or several
    if centred:
        groups = _odd_centred(groups, lines, split, columns_of)
        groups = _own_column(groups, lines, columns_of)
    elif not around:
        groups = _top_aligned(groups, lines, split, columns_of)
    out = []
    for group in groups:
        columns: dict[int, list[str]] = {}
        for k in group:
            for x0, text in split[k]:
                columns.setdefault(column(x0), []).append(text)
        row = [" ".join(columns.get(c, [])) for c in range(max(columns) + 1)]
        if around and len(columns) == 1:
            row = row[-1:]
        found = [w for k in group for w in lines[k]]
        box = _box(min(w["x0"] for w in found), min(w["top"] for w in found),
                   max(w.get("right", w["x1"]) for w in found), max(w["bottom"] for w in found))
        out.append((found[0]["top"], row, Location(f"page {number}, box {box}"), []))
    return out


# A line this close under the line above (of a line's height) is the next line of its
# paragraph or cell: single spacing, with a little leading.
_ONE_LINE = 1.5
# Rows stand apart by at least this much more (of a line's height) than the lines of a cell
# wrapped: the cells' padding, as a browser or Word prints a table.
_PADDING = 0.4


def _top_aligned(groups: list[list[int]], lines: list[list[dict[str, Any]]],
                 split: list[list[tuple[float, str]]], columns_of: list[set[int]]
                 ) -> list[list[int]]:
    """In a table without rulings whose rows stand apart by their cells' padding, the lines
    right under a row's first line, one line's height apart, are its cells wrapped (cells
    aligned at their top, as Word and browsers print them: 'Pontificia Universidad Católica
    de' over 'Chile', 'Bilateral student' over 'exchange', 'United' over 'States'). Read as
    rows of their own, 'Chile' and 'and Technology' were published as partners and every
    name was cut at its first line. A row joins the one above only when that row began
    farther below its own row above than one line, and begins with cells side by side where
    two other rows begin theirs (a row of a table, not a justified paragraph), and the
    table's rows that name their first column usually stand that far apart too: a table
    printed without padding (every line a row, one line apart) keeps each line a row."""
    def top(k: int) -> float:
        return min(w["top"] for w in lines[k])

    def height(k: int) -> float:
        return max(w["bottom"] - w["top"] for w in lines[k])

    starts = Counter(min(columns_of[g[0]]) for g in groups if len(split[g[0]]) > 1)
    first_column = min(starts, default=0)
    # how far below the line above the rows that name their first column begin, usually
    gaps = sorted(top(g[0]) - top(p[-1]) for p, g in pairwise(groups)
                  if len(split[g[0]]) > 1 and first_column in columns_of[g[0]])
    usual = gaps[len(gaps) // 2] if gaps else 0.0
    out: list[list[int]] = []
    entered = 0.0  # how far below the row above the current row begins
    for group in groups:
        if out:
            first = group[0]
            # the row's line above it in its own columns (not a short cell centred beside)
            last = next((k for k in reversed(out[-1]) if columns_of[k] & columns_of[first]),
                        out[-1][-1])
            step = top(first) - top(last)
            h = max(height(first), height(last))
            start = top(out[-1][0])
            if 0 < step <= _ONE_LINE * h and min(entered, usual) >= step + _PADDING * h \
                    and len(split[out[-1][0]]) > 1 and starts[min(columns_of[out[-1][0]])] >= 3 \
                    and top(last) - start < 4 * _ONE_LINE * h:
                out[-1] = out[-1] + group
                continue
            entered = step if step > 0 else 0.0
        out.append(group)
    return out


def _odd_centred(groups: list[list[int]], lines: list[list[dict[str, Any]]],
                 split: list[list[tuple[float, str]]], columns_of: list[set[int]]
                 ) -> list[list[int]]:
    """In a table whose cells are centred, a cell wrapped over three lines has its middle line
    beside the row's one-line cells and a line above and below them, with nothing else: such
    a line of several cells between two lines of the cells wrapped (one or more, in the same
    columns above and below, fewer than the middle line's), each a line's height away, is one
    row with them ('Places' / 'Pays ... (étudiants' / 'sortants)'; a name and a note both
    wrapped over three lines)."""
    out: list[list[int]] = []
    i = 0
    while i < len(groups):
        if 0 < i < len(groups) - 1 and out and out[-1] == groups[i - 1] \
                and _wraps_around(groups[i - 1], groups[i], groups[i + 1], lines, split,
                                  columns_of):
            out[-1] = groups[i - 1] + groups[i] + groups[i + 1]
            i += 2
            continue
        out.append(groups[i])
        i += 1
    return out


def _wraps_around(above: list[int], middle: list[int], below: list[int],
                  lines: list[list[dict[str, Any]]], split: list[list[tuple[float, str]]],
                  columns_of: list[set[int]]) -> bool:
    if len(above) != 1 or len(middle) != 1 or len(below) != 1:
        return False
    a, m, b = above[0], middle[0], below[0]
    if len(split[m]) < 2 or columns_of[a] != columns_of[b] or not columns_of[a] < columns_of[m]:
        return False
    if len(split[a]) > 1 and any(ch.isdigit() for k in (a, b) for _, text in split[k]
                                 for ch in text):
        # several cells wrapped are words; lines above and below holding dates or numbers
        # are rows of their own, under a country cell merged over them
        return False
    tops = [min(w["top"] for w in lines[k]) for k in (a, m, b)]
    height = max(w["bottom"] - w["top"] for w in lines[m])
    return all(0 < y - x < _LINE_STEP * height for x, y in pairwise(tops))


def _own_column(groups: list[list[int]], lines: list[list[dict[str, Any]]],
                columns_of: list[set[int]]) -> list[list[int]]:
    """In a table whose cells are centred and whose every row has its own cell in a column
    (each row its country, none merged over several), a row's only short cell centred
    between its long cells' halves ('Japon' between 'Tokyo University of Foreign' and
    'Studies') overlaps both halves: the lower half, without a cell in that column, is the
    same row, not the next one (as it would be below a cell merged over two rows)."""
    rows = [g for g in groups if len(set().union(*(columns_of[k] for k in g))) > 1]
    out: list[list[int]] = []
    for group in groups:
        if out and len(out[-1]) > 1:
            last = out[-1]
            single = [k for k in last[1:] if len(columns_of[k]) == 1]
            first = group[0]
            if single and len(columns_of[first]) > 1:
                column = next(iter(columns_of[single[-1]]))
                bottom = max(w["bottom"] for w in lines[single[-1]])
                others = [g for g in rows if g is not group]
                if min(w["top"] for w in lines[first]) < bottom - _EPS \
                        and not any(column in columns_of[k] for k in group) \
                        and len(others) >= 3 \
                        and all(any(column in columns_of[k] for k in g) for g in others):
                    out[-1] = last + group
                    continue
        out.append(group)
    return out


_LINE_STEP = 2.0  # of a line's height: no farther apart are two lines of one paragraph


def _cells_of(line: list[dict[str, Any]]) -> list[tuple[float, str]]:
    """(x0, text) of each cell of a line: words joined until a gap wider than CELL_GAP."""
    height = max(w["bottom"] - w["top"] for w in line)
    cells: list[tuple[float, list[str]]] = []
    right = None
    for word in line:
        if right is None or word["x0"] - right > CELL_GAP * height:
            cells.append((word["x0"], []))
        cells[-1][1].append(word["text"])
        right = word["x1"]
    # a bar alone at a cell's edge is a ruling an OCR pass read as text ('Germany |',
    # '| Technische Universiteit Eindhoven'), no word of the cell; inside a cell it stays
    out = []
    for x0, texts in cells:
        while texts and texts[0] in _RULING_TEXT:
            texts = texts[1:]
        while texts and texts[-1] in _RULING_TEXT:
            texts = texts[:-1]
        if texts:
            out.append((x0, " ".join(texts)))
    return out or [(x0, " ".join(texts)) for x0, texts in cells[:1]]


def _anchors(starts: list[float]) -> list[float]:
    """Column starts: positions where cells of at least two lines start."""
    clusters: list[list[float]] = []
    for x in sorted(starts):
        if clusters and x - clusters[-1][-1] <= _ANCHOR_TOLERANCE:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return [min(c) for c in clusters if len(c) >= 2]


def _table_rows(table: Any, number: int, end: float | None = None
                ) -> list[tuple[float, list[str], Location, list[Merge]]]:
    """The rows of one table; the first carries the table's merged ranges (rows relative to
    the table's first row), so they stay right when text lines are sorted in between. With
    ``end``, the page's foot cut the table's last row there (:func:`_cut_at_foot`): that
    part is one more row, in the table's columns.

    Each character goes to the cell its centre falls in, as pdfplumber's own extraction
    decides, but in one pass over the characters rather than one per row.
    """
    plumbed = table.rows
    tops = [r.bbox[1] for r in plumbed]
    width = max((len(r.cells) for r in plumbed), default=0)
    lefts = [min((r.cells[j][0] for r in plumbed if j < len(r.cells) and r.cells[j]),
                 default=float("inf")) for j in range(width)]
    x0, _, x1, bottom = table.bbox
    merges: list[Merge] = []
    boxes: dict[tuple[int, int], tuple[float, float, float, float]] = {}
    owner: dict[tuple[int, int], tuple[int, int]] = {}  # grid position -> cell that covers it
    for i, row in enumerate(plumbed):
        for j, cell in enumerate(row.cells):
            if cell is None:
                continue
            last_row = max(k for k in range(i, len(tops)) if tops[k] < cell[3] - _EPS)
            last_col = max(k for k in range(j, width) if lefts[k] < cell[2] - _EPS)
            if last_row > i or last_col > j:
                merges.append((i, j, last_row, last_col))
            boxes[(i, j)] = cell
            for r in range(i, last_row + 1):
                for c in range(j, last_col + 1):
                    owner.setdefault((r, c), (i, j))
    chars: dict[tuple[int, int], list[dict[str, Any]]] = {}
    # Text in no cell the rulings close (a merged cell cut at the page's foot, its bottom
    # rule on the next page: 'Schweden' beside the last row) stays in its row and column:
    # dropped, it would leave the row without its country, and the reader would give it the
    # group's above.
    loose: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for char in table.page.chars:
        v_mid = (char["top"] + char["bottom"]) / 2
        h_mid = (char["x0"] + char["x1"]) / 2
        if not (x0 <= h_mid < x1 and tops[0] <= v_mid < bottom):
            continue
        slot = (bisect.bisect_right(tops, v_mid) - 1, bisect.bisect_right(lefts, h_mid) - 1)
        at = owner.get(slot)
        box = boxes[at] if at is not None else None
        if at is not None and box is not None and box[0] <= h_mid < box[2] \
                and box[1] <= v_mid < box[3]:
            chars.setdefault(at, []).append(char)
        elif slot[1] >= 0 and at is None:
            loose.setdefault(slot, []).append(char)
    out = []
    for i in range(len(plumbed)):
        row_bottom = tops[i + 1] if i + 1 < len(tops) else bottom
        texts = [_cell_text(chars[(i, j)], boxes[(i, j)]) if (i, j) in chars else
                 _cell_text(loose[(i, j)], (lefts[j], tops[i], lefts[j + 1] if j + 1 < width
                                            else x1, row_bottom)) if (i, j) in loose else ""
                 for j in range(width)]
        where = Location(f"page {number}, box {_box(x0, tops[i], x1, row_bottom)}")
        out.append((tops[i], texts, where, []))
    if end is not None and out:
        out.append(_cut_row(table, number, lefts, end, out, merges))
    if out:
        out[0] = (*out[0][:3], merges)
    return out


def _cut_row(table: Any, number: int, lefts: list[float], end: float,
             rows: list[tuple[float, list[str], Location, list[Merge]]], merges: list[Merge]
             ) -> tuple[float, list[str], Location, list[Merge]]:
    """The part of a row the page's foot cut, between the table's last rule and ``end``,
    cell by cell in the table's columns. A column with no rule over the part is a cell of
    the row above going on (a merged country cut by the page break): the part is in its
    range (``merges`` grows), its text the cell's."""
    x0, _, x1, bottom = table.bbox
    width = len(lefts)
    rights = [*lefts[1:], x1]
    found: dict[int, list[dict[str, Any]]] = {}
    for char in table.page.chars:
        v_mid, h_mid = (char["top"] + char["bottom"]) / 2, (char["x0"] + char["x1"]) / 2
        if x0 <= h_mid < x1 and bottom <= v_mid < end:
            found.setdefault(max(0, bisect.bisect_right(lefts, h_mid) - 1), []).append(char)
    texts = [_cell_text(found[j], (lefts[j], bottom, rights[j], end)) if j in found else ""
             for j in range(width)]
    last = len(rows) - 1
    for j in range(width):
        middle = (lefts[j] + rights[j]) / 2
        if any(abs(e["top"] - bottom) <= 1.5 and e["x0"] <= middle <= e["x1"]
               for e in table.page.horizontal_edges):
            continue
        k = next((k for k, m in enumerate(merges) if m[0] <= last <= m[2] and m[1] <= j <= m[3]),
                 None)
        r0, c0 = (last, j) if k is None else merges[k][:2]
        if k is None:
            merges.append((last, j, last + 1, j))
        elif merges[k][2] == last:
            merges[k] = (*merges[k][:2], last + 1, merges[k][3])
        if texts[j]:
            above = rows[r0][1]
            above[c0] = f"{above[c0]} {texts[j]}".strip()
            texts[j] = ""
    where = Location(f"page {number}, box {_box(x0, bottom, x1, end)}")
    return (bottom, texts, where, [])


def _join_cut_row(page: _Page, after: _Page, number: int) -> None:
    """Join a row the foot of page ``number`` cut to its rest at the top of the next page.

    The rest is the next page's first ruled table's first row, under the header repeated (a
    row as the cut table's first): the cut row's cells take its text, it is layout
    ("continuation"), and a merged cell of the rest with no text of its own (the cut
    country's range going on over the next rows) gives those rows the cut row's value, where
    they had none and a reader would have given them another group's. The rest must not be a
    row of its own: it lacks a cell that most of the table's rows and the cut row fill."""
    if page.cut is None or not after.first_table:
        return
    top, bottom = page.table, after.table
    head = next((r for r in page.first_table if r not in top.margin), None) \
        if page.first_table and page.cut in page.first_table else None
    rows = [r for r in after.first_table if r not in bottom.margin]
    if rows and head is not None and _plain(bottom.cells[rows[0]]) == _plain(top.cells[head]):
        rows = rows[1:]
    if not rows or any(r not in bottom.margin and (head is None or _plain(bottom.cells[r])
                                                   != _plain(top.cells[head]))
                       for r in range(rows[0])):
        return  # the next page starts with something else: a title, another table
    rest = rows[0]
    cut_values = _values(top, page.cut)
    rest_values = _values(bottom, rest)
    if len(cut_values) != len(rest_values):
        return
    body = [r for r in page.first_table if r != head and r not in top.margin]
    covered = {(r, c) for r0, c0, r1, c1 in bottom.merges for r in range(r0, r1 + 1)
               for c in range(c0, c1 + 1)}
    usual = [j for j in range(len(cut_values))
             if 2 * sum(1 for r in body if _values(top, r)[j]) > len(body)]
    if not any(cut_values[j] and not rest_values[j] and (rest, j) not in covered for j in usual):
        return
    for j, text in enumerate(bottom.cells[rest]):
        if text and j < len(top.cells[page.cut]) and not _covered_above(top, page.cut, j):
            before = top.cells[page.cut][j]
            glue = "" if before.endswith("-") and _same_kind(before[-2:-1], text[:1]) else " "
            top.cells[page.cut][j] = f"{before}{glue}{text}".strip() if before else text
    for r0, c0, r1, c1 in list(bottom.merges):
        if r0 == rest and r1 > rest and not rest_values[c0] and cut_values[c0]:
            bottom.merges.remove((r0, c0, r1, c1))
            if r1 > rest + 1:
                bottom.merges.append((rest + 1, c0, r1, c1))
            bottom.cells[rest + 1][c0] = cut_values[c0]
    bottom.joined[rest] = (f"the rest of the row the foot of page {number} cut, under the "
                           "header repeated: read with that row")


_BOX = re.compile(r"box ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)$")


def _join_columns_over(page: _Page, after: _Page, number: int) -> None:
    """Read a table's right-hand columns printed on the next page with its rows: a sheet too
    wide for the paper, printed 'down, then over' (a spreadsheet's default page order),
    puts the same rows' other columns ('Valid from | Valid until | Remarks') on the next
    page, each row at the height it has on the first. Read alone, that page's rows of dates
    were taken for a footer and lost. The next page's first ruled table joins the page's
    own when both have as many rows, each at the same height as its twin, under another
    header and in other columns (a table going on down the next page has the same columns,
    under its header repeated)."""
    if page.cut is not None or not page.first_table \
            or len(page.first_table) != len(after.first_table) or len(page.first_table) < 2:
        return
    top, bottom = page.table, after.table
    left, right = page.first_table, after.first_table
    boxes = [[_BOX.search(t.locations[r].text) for r in rows]
             for t, rows in ((top, left), (bottom, right))]
    if not all(all(found) for found in boxes):
        return
    spans = [[tuple(float(v) for v in b.groups()) for b in found if b] for found in boxes]
    same_rows = all(abs(a[1] - b[1]) <= 1.0 and abs(a[3] - b[3]) <= 1.0
                    for a, b in zip(*spans, strict=True))
    other_columns = abs(spans[0][0][2] - spans[1][0][2]) > 2.0 \
        or len(top.cells[left[0]]) != len(bottom.cells[right[0]])
    if not same_rows or not other_columns \
            or _plain(top.cells[left[0]]) == _plain(bottom.cells[right[0]]) \
            or any(r0 in right for r0, _, _, _ in bottom.merges):
        return
    width = max(len(top.cells[r]) for r in left)
    for r, twin in zip(left, right, strict=True):
        top.cells[r] = [*top.cells[r], *[""] * (width - len(top.cells[r])),
                        *bottom.cells[twin]]
        bottom.joined[twin] = (f"the same row's columns printed on page {number + 1}, right of "
                               f"page {number}'s: read with that row")


def _plain(row: list[str]) -> str:
    return " ".join(" ".join(row).split())


def _values(table: Table, r: int) -> list[str]:
    """Row ``r``'s cells with the values of the merged ranges over them."""
    row = list(table.cells[r])
    for r0, c0, r1, c1 in table.merges:
        if r0 <= r <= r1:
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = table.cells[r0][c0]
    return row


def _covered_above(table: Table, r: int, c: int) -> bool:
    return any(r0 < r <= r1 and c0 <= c <= c1 for r0, c0, r1, c1 in table.merges)


# A line of a cell ends with a line break typed there when the next line's first word would
# have fitted after it with this much room to spare (in font sizes): a writer wraps a line
# only when the next word does not fit.
_ROOM_TO_SPARE = 0.5


def _cell_text(chars: list[dict[str, Any]], box: tuple[float, float, float, float]) -> str:
    """A ruled cell's text: its lines as pdfplumber's ``extract_text`` reads them, joined by
    LINE_BREAK where the writer broke the line (see :mod:`.grid`), else by a space (the
    cell's width wrapped it).

    The room for a line is the cell's width less its padding, taken as the smallest gap
    between a line and the cell's edges on either side (for centred text, an overestimate,
    so a break is taken for a wrap, as before, rather than the other way round)."""
    from statistics import median

    from pdfplumber.utils.text import (
        DEFAULT_Y_TOLERANCE,
        WordExtractor,
        cluster_objects,
        get_line_cluster_key,
    )

    extractor = WordExtractor()
    words = extractor.extract_words(chars)
    lines = cluster_objects(words, get_line_cluster_key(extractor.line_dir),
                            DEFAULT_Y_TOLERANCE)
    texts = [one_line(" ".join(w["text"] for w in line)) for line in lines]
    if len(lines) < 2 or not all(c.get("upright", True) for c in chars):
        return one_line(" ".join(texts))
    spans = [(min(w["x0"] for w in line), max(w["x1"] for w in line)) for line in lines]
    pad = max(0.0, min(min(x0 - box[0], box[2] - x1) for x0, x1 in spans))
    room = box[2] - box[0] - 2 * pad
    size = median(c["size"] for c in chars)
    ordered = [sorted(line, key=lambda w: w["x0"]) for line in lines]
    gaps = [b["x0"] - a["x1"] for line in ordered for a, b in pairwise(line)]
    space = median(gaps) if gaps else 0.3 * size
    out = texts[0]
    for k in range(1, len(lines)):
        first = ordered[k][0]
        needed = spans[k - 1][1] - spans[k - 1][0] + space + first["x1"] - first["x0"]
        typed = needed <= room - _ROOM_TO_SPARE * size and not texts[k - 1].endswith("-")
        hyphen = not typed and texts[k - 1].endswith("-") and _same_kind(
            texts[k - 1][-2:-1], texts[k][:1])  # 'teknisk-' 'naturvitenskapelige': one word
        out += (LINE_BREAK if typed else "" if hyphen else " ") + texts[k]
    return in_cell(out)
