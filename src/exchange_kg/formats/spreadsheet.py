"""Spreadsheets (XLSX, XLSM, XLS, ODS): cell values, merged ranges and sheet names.

Values come from python-calamine (calamine, in Rust): one fast reader for all four formats that
returns typed values (dates as dates, numbers as numbers) and the merged ranges of XLSX and XLS.
It does not report the merged ranges of ODS files, so those are read from the file's
``content.xml`` (``table:number-rows-spanned`` / ``number-columns-spanned``) in one streaming
pass; so is the text of an ODS cell with a line break or a tab in a paragraph, which calamine
drops, gluing the words around it ("GranadaFacultad").

A row hidden in the workbook (hidden by hand, by a filter or in a collapsed group) is not what
the list shows: offices hide the agreements that ended rather than delete them. Such a row is
not read and not dropped: it is reported as unreadable, saying it is hidden (XLSX and ODS;
calamine does not say which rows of an XLS file are hidden, so those are read). Hidden columns
are read (a mapping names the columns it reads, and a hidden helper column may hold the only
country code), but not a hidden column under the same header as a visible one: offices hide the
old values when they type new ones in a copy of the column, and the hidden copy's old ends were
read as the agreements' ends. Its cells under the header are empty to the readers; the column
keeps its place and its header, so a mapping's columns and header are the sheet's.
"""

from __future__ import annotations

import copy
import io
import posixpath
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from exchange_kg.formats.grid import (
    Merge,
    Table,
    cell_text,
    column_letters,
    empty_old_copies,
    in_cell,
    sheet_reference,
)
from exchange_kg.records import Location, SourceError

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def read_sheet(path: Path, sheet: str | int | None, ods: bool) -> list[Table]:
    """The chosen sheet (by name or 1-based position) as its tables, merged ranges included:
    one, or one per table the sheet places side by side (see :func:`_side_by_side`).

    Without a choice the workbook must have one sheet with content: guessing among several
    could read the wrong one without a word.
    """
    workbook = _workbook(path)
    names = list(workbook.sheet_names)
    name = _choose(path, workbook, names, sheet)
    data = workbook.get_sheet_by_name(name)
    rows = data.to_python(skip_empty_area=False)
    cells = [[cell_text(v) for v in row] for row in rows]
    hidden: set[int] = set()
    struck: set[int] = set()
    filled: dict[int, str] = {}
    inked: dict[int, str] = {}  # rows whose every value is written in one colour not the default
    notes: dict[tuple[int, int], str] = {}
    if ods:
        merges, texts, hidden, looks, notes = _ods_layout(path, name)
        for (r, c), text in texts.items():
            if r < len(cells) and c < len(cells[r]) and cells[r][c]:
                cells[r][c] = in_cell(text)
        filled = _one_fill({r: [fill for fill, _ in found] for r, found in looks.items()})
        struck = {r for r, found in looks.items() if found and all(s for _, s in found)}
    else:
        merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (data.merged_cell_ranges or [])]
        if _is_xlsx(path):
            hidden = _xlsx_hidden_rows(path, name)
            hidden -= _rows_a_view_filters(path, name, cells, hidden)
            struck = _xlsx_struck_rows(path, name)
            notes = _xlsx_cell_notes(path, name)
            for (r, c), text in _xlsx_unstruck_texts(path, name).items():
                if r < len(cells) and c < len(cells[r]) and cells[r][c]:
                    cells[r][c] = in_cell(text)
            _fill_uncached(path, workbook, name, cells)
            filled = _one_fill(_row_styles(path, name, _fill_colours))
            inked = _one_fill(_row_styles(path, name, _font_colours))
    empty_old_copies(cells, _ods_hidden_columns(path, name) if ods else
                     _xlsx_hidden_columns(path, name) if _is_xlsx(path) else set())
    legended = {**_legended_rows(cells, inked, "written in"), **_legended_rows(cells, filled)}
    blocks = _side_by_side(cells)
    tables: list[Table] = []
    ref = sheet_reference(name)
    for n, (b0, b1) in enumerate(blocks):
        rows = [r for r, row in enumerate(cells) if any(row[b0:b1])]
        if not rows:
            continue
        first_row = 0 if n == 0 else rows[0]  # the first table keeps the sheet's numbering
        if len(blocks) == 1:
            rows = list(range(len(cells)))  # every row, blank ones too, as the sheet has them
        inside = [(r0, c0, r1, c1) for r0, c0, r1, c1 in merges if b0 <= c0 < b1]
        # A table placed further right (from column B or C) reads as if it started in its
        # first column, so the mapping's columns are the table's; its cell references stay
        # those of the sheet.
        skip = min((next(c for c in range(b0, b1) if r[c:c + 1] and r[c]) for r in cells
                    if any(r[b0:b1])), default=b0)
        skip = min([skip, *(c0 for _, c0, _, _ in inside)])
        last_column = min(b1, max((len(r) for r in cells), default=0)) - 1
        out_cells: list[list[str]] = []
        locations: list[Location] = []
        unreadable: dict[int, str] = {}
        for r in range(first_row, rows[-1] + 1):
            out_cells.append(cells[r][skip:b1])
            letters = f"{column_letters(skip)}{r + 1}:{column_letters(max(last_column, skip))}"
            locations.append(Location(f"{ref}!{letters}{r + 1}"))
            if r in legended and any(cells[r][b0:b1]):
                unreadable[r - first_row] = legended[r]
            elif r in hidden and any(cells[r][b0:b1]):
                unreadable[r - first_row] = (f"row {r + 1} is hidden in the workbook: "
                                             "not read (unhide it to read it)")
            elif r in struck and any(cells[r][b0:b1]):
                unreadable[r - first_row] = (f"row {r + 1} is struck through in the workbook "
                                             "(as an ended agreement is marked): not read")
        for (r, c), note in sorted(notes.items()):
            if first_row <= r <= rows[-1] and b0 <= c < b1:
                where = f"{column_letters(c)}{r + 1}"
                unreadable[len(out_cells)] = (
                    f"the note on cell {where} (row {r + 1}) is not read: a note can say the "
                    "row's agreement ended or changed; check the row")
                out_cells.append([in_cell(note)])
                locations.append(Location(f"{ref}!{where} (note)"))
        last = rows[-1] - first_row
        out_merges = [(max(r0, first_row) - first_row, c0 - skip,
                       min(r1 - first_row, last), min(c1, b1 - 1) - skip)
                      for r0, c0, r1, c1 in inside if r1 >= first_row]
        own = name if not tables else f"{name} (table {len(tables) + 1})"
        tables.append(Table(own, out_cells, locations, out_merges, unreadable))
    return tables or [Table(name, [], [])]


def pick_tables(path: Path, sheet: str, tables: list[Table], choice: Any) -> list[Table]:
    """The tables of a sheet that ``table:`` names (a 1-based number, the caption over the
    table's header, or a list of them); all of them without a choice."""
    if choice is None:
        return tables
    out: list[Table] = []
    for wanted in choice if isinstance(choice, list) else [choice]:
        if isinstance(wanted, int) and 1 <= wanted <= len(tables):
            found = [tables[wanted - 1]]
        else:
            key = " ".join(str(wanted).split()).casefold()
            found = [t for t in tables if not isinstance(wanted, int) and caption(t)
                     and caption(t).casefold() == key]
        if not found:
            listing = "; ".join(f"{n}: " + (repr(caption(t)) if caption(t) else "no caption")
                                for n, t in enumerate(tables, start=1))
            raise SourceError(str(path), None, f"no table {wanted!r} on sheet {sheet!r}; its "
                              f"tables side by side are {listing}")
        if all(t is not found[0] for t in out):  # each once, in the order named
            out.append(found[0])
    return out


def caption(table: Table) -> str:
    """What names a table of a sheet: the one-cell row just above its header (the first row
    of two cells or more) — 'EUROPE (Erasmus+)' over 'Country | University' — else ""."""
    above = ""
    for row in table.cells:
        filled = [v for v in row if v]
        if len(filled) >= 2:
            return above
        if filled:
            above = " ".join(filled[0].split())
    return ""


def _side_by_side(cells: list[list[str]]) -> list[tuple[int, int]]:
    """The column ranges of the tables a sheet places side by side, else the whole sheet.

    A designed sheet puts two tables next to each other ("Europe" in A-E, "Outside Europe"
    in H-L), an empty column between: a row holding both would read as one agreement with two
    partners. An empty column is taken for such a border only when a row repeats, right of
    it, the cells left of it at the same places (the same header over both tables), or when
    the two sides' headers stand on different rows; an empty column inside one table (a
    spacer) has one header over both sides."""
    width = max((len(r) for r in cells), default=0)
    filled = [any(c < len(r) and r[c] for r in cells) for c in range(width)]
    blocks: list[tuple[int, int]] = []
    start = 0
    c = 0
    while c < width:
        if filled[c]:
            c += 1
            continue
        gap = c
        while c < width and not filled[c]:
            c += 1
        if gap > start and c < width and (_repeats(cells, start, gap, c)
                                          or _headers_apart(cells, start, gap, c, width)):
            blocks.append((start, gap))
            start = c
    blocks.append((start, width))
    return blocks


def _headers_apart(cells: list[list[str]], left: int, gap: int, right: int, end: int
                   ) -> bool:
    """Whether the first row holding two cells or more left of the gap (a header) is
    another row than the first such row right of it: a table's header names all its columns
    on one row, so two headers on different rows are two tables ('EUROPE' from row 4, 'REST
    OF THE WORLD' from row 6, beside the first table's rows)."""
    def header(a: int, b: int) -> int | None:
        return next((r for r, row in enumerate(cells) if sum(1 for v in row[a:b] if v) >= 2),
                    None)

    mine, theirs = header(left, gap), header(right, end)
    return mine is not None and theirs is not None and mine != theirs


def _repeats(cells: list[list[str]], left: int, gap: int, right: int) -> bool:
    """Whether a row holds, from column ``right`` on, at least two of the cells it holds
    from ``left`` on, at the same places (a header repeated), and nothing else there."""
    span = gap - left
    for row in cells:
        ours = [row[left + j] if left + j < len(row) else "" for j in range(span)]
        theirs = [row[right + j] if right + j < len(row) else "" for j in range(span)]
        same = sum(1 for a, b in zip(ours, theirs, strict=True) if a and a == b)
        if same >= 2 and same == sum(1 for b in theirs if b):
            return True
    return False


def _is_xlsx(path: Path) -> bool:
    return zipfile.is_zipfile(path)  # XLS is an OLE file; XLSX and XLSM are zip packages


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _xlsx_hidden_rows(path: Path, sheet: str) -> set[int]:
    """The 0-based rows of an XLSX sheet that are hidden (``<row hidden="1">``), read in one
    streaming pass over the sheet's part; a package too odd to find it in hides nothing."""
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            hidden: set[int] = set()
            row = 0
            data = archive.read(_sheet_part(archive, sheet))
            if b"hidden" not in data:  # most sheets: no XML to walk
                return hidden
            with io.BytesIO(data) as stream:
                for _, el in etree.iterparse(stream, tag=_MAIN + "row"):
                    number = el.get("r")
                    row = int(number) - 1 if number and number.isdigit() else row
                    if el.get("hidden") in ("1", "true"):
                        hidden.add(row)
                    row += 1
                    el.clear()
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return set()
    return hidden


_COL = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'(\w+)="([^"]*)"')


def _xlsx_hidden_columns(path: Path, sheet: str) -> set[int]:
    """The 0-based columns of an XLSX sheet that are hidden (``<col min max hidden="1">``,
    declared before the sheet's rows)."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(_sheet_part(archive, sheet))
    except (KeyError, zipfile.BadZipFile, ValueError):
        return set()
    head = data.split(b"sheetData", 1)[0]
    hidden: set[int] = set()
    for found in _COL.finditer(head):
        attributes = {k.decode(): v.decode() for k, v in _ATTRIBUTE.findall(found.group(1))}
        first, last = attributes.get("min", ""), attributes.get("max", "")
        if attributes.get("hidden") in ("1", "true") and first.isdigit() and last.isdigit():
            hidden.update(range(int(first) - 1, min(int(last), int(first) + _MAX_REPEATED)))
    return hidden


def _ods_hidden_columns(path: Path, sheet: str) -> set[int]:
    """The 0-based columns of an ODS sheet that are hidden (``table:visibility`` collapse),
    declared before the sheet's rows."""
    from lxml import etree

    hidden: set[int] = set()
    col = 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            inside = False
            for event, el in etree.iterparse(stream, events=("start", "end")):
                if event == "end":
                    if el.tag == _T + "table-row":  # another sheet's row, done with
                        el.clear()
                    continue
                if el.tag == _T + "table":
                    if inside:
                        break
                    inside = el.get(_T + "name") == sheet
                elif inside and el.tag == _T + "table-row":
                    break
                elif inside and el.tag == _T + "table-column":
                    repeated = min(int(el.get(_T + "number-columns-repeated", "1")),
                                   _MAX_REPEATED)
                    if el.get(_T + "visibility", "visible") != "visible":
                        hidden.update(range(col, col + repeated))
                    col += repeated
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return set()
    return hidden


# The fields a column may name where a filter on it shows one part of the list (one
# college's partners, one country's), not its agreements in force: rows it hides are read.
_VIEW_FIELDS = frozenset({"unit", "home_unit", "country", "city", "continent", "area", "level",
                          "partner", "erasmus_code"})


def _rows_a_view_filters(path: Path, sheet: str, cells: list[list[str]],
                         hidden: set[int]) -> set[int]:
    """The hidden rows of an XLSX sheet that its saved filter hides by the value of a column
    naming whose or where the partner is ('College' = Engineering, 'Country' = Spain): a
    view of one part of the list, the rows it hides as current as those it shows (4 of 8
    agreements were reported hidden). A row hidden by a filter on any other column (a
    status, an end, a programme) or by hand stays hidden."""
    from lxml import etree

    from exchange_kg.normalise.header_words import header_word_field

    if not hidden:
        return set()
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(_sheet_part(archive, sheet))
    except (KeyError, zipfile.BadZipFile, ValueError):
        return set()
    if b"autoFilter" not in data:
        return set()
    try:
        spec = next((el for _, el in etree.iterparse(io.BytesIO(data), tag=_MAIN + "autoFilter")),
                    None)
    except etree.XMLSyntaxError:
        return set()
    if spec is None:
        return set()
    first = _CELL.match(spec.get("ref", "").split(":")[0])
    if first is None:
        return set()
    top, left = int(first.group(2)) - 1, _column_number(first.group(1)) - 1
    kept: dict[int, set[str]] = {}
    for column in spec.iter(_MAIN + "filterColumn"):
        number = column.get("colId", "")
        c = left + int(number) if number.isdigit() else -1
        values = column.find(_MAIN + "filters")
        header = cells[top][c] if top < len(cells) and 0 <= c < len(cells[top]) else ""
        if values is None or len(column) != 1 or header_word_field(header) not in _VIEW_FIELDS:
            return set()  # a filter that may pick the agreements in force: rows stay hidden
        kept[c] = {" ".join((f.get("val") or "").split()).casefold()
                   for f in values.iter(_MAIN + "filter")}
        if values.get("blank") in ("1", "true"):
            kept[c].add("")
        if not kept[c] or len(values) != sum(1 for f in values.iter(_MAIN + "filter")):
            return set()  # dates or other criteria than values
    return {r for r in hidden if r > top and r < len(cells) and any(
        " ".join((cells[r][c] if c < len(cells[r]) else "").split()).casefold() not in values
        for c, values in kept.items())}


def _legended_rows(cells: list[list[str]], filled: dict[int, str],
                   how: str = "filled in") -> dict[int, str]:
    """The rows filled in a colour a legend on the sheet explains, each with why it is not
    read: a legend is a line of one cell in that fill that explains ('Rot hinterlegt =
    Vertrag gekündigt', 'red: terminated'). Offices mark ended agreements so as often as by
    striking them through; read, they were published as current. What the colour means is
    the legend's, in any language: the rows are reported with it, not read. A colour on
    most of the table's rows marks the table, not some of its rows (a note under a table
    filled all over is no legend)."""
    legends: dict[str, tuple[int, str]] = {}
    rows = [r for r, row in enumerate(cells) if sum(1 for c in row if c.strip()) > 1]
    for r, colour in filled.items():
        texts = [c for c in cells[r] if c.strip()] if r < len(cells) else []
        marked = sum(1 for k in rows if filled.get(k) == colour)
        if len(texts) == 1 and re.search(r"[=:：]", texts[0]) and 2 * marked < len(rows):
            legends.setdefault(colour, (r, texts[0]))
    return {r: f"row {r + 1} is {how} the colour the legend in row {legends[colour][0] + 1} "
            f"explains ({legends[colour][1]!r}): not read" for r, colour in filled.items()
            if colour in legends and r != legends[colour][0]}


def _xlsx_unstruck_texts(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """The text of each XLSX cell whose rich text strikes part of it through beside text
    that is not ('~~2~~ 1', '~~31.07.2025~~ 31.07.2028'), without the struck part, by 0-based
    row and column: the struck value is void, as in a Word cell; read whole, '2 1' was
    published as 21 places and the old and new end together as no date."""
    from lxml import etree

    def unstruck(rich: Any) -> str | None:
        runs = rich.findall(_MAIN + "r")
        struck = [any(m.get("val", "1").lower() not in ("0", "false")
                      for m in run.iterfind(f"{_MAIN}rPr/{_MAIN}strike")) for run in runs]
        if not any(struck):
            return None
        kept = "".join(t.text or "" for run, gone in zip(runs, struck, strict=True)
                       if not gone for t in run.iter(_MAIN + "t"))
        return kept.strip() or None

    found: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(_sheet_part(archive, sheet))
            names = archive.namelist()
            shared_data = archive.read("xl/sharedStrings.xml") \
                if "xl/sharedStrings.xml" in names else b""
            if b"strike" not in data and b"strike" not in shared_data:
                return found
            shared = [unstruck(si) for si in etree.fromstring(shared_data).iter(_MAIN + "si")] \
                if b"strike" in shared_data else []
            for _, el in etree.iterparse(io.BytesIO(data), tag=_MAIN + "c"):
                place = _CELL.fullmatch(el.get("r") or "")
                rich = el.find(_MAIN + "is")
                value = el.find(_MAIN + "v")
                text = unstruck(rich) if rich is not None else None
                if text is None and el.get("t") == "s" and value is not None \
                        and (value.text or "").strip().isdigit() \
                        and int(value.text) < len(shared):
                    text = shared[int(value.text)]
                if place is not None and text is not None:
                    found[(int(place.group(2)) - 1, _column_number(place.group(1)) - 1)] = text
                el.clear()
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return {}
    return found


def _xlsx_cell_notes(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """The notes (comments) on an XLSX sheet's cells, by 0-based row and column: offices
    note on a row that its agreement was terminated, suspended or extended, where the cells
    still show the contract's end. Nothing reads them yet; each is reported on a line of
    its own after the table, so the report shows them (they were lost without a word)."""
    from lxml import etree

    found: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            folder, _, base = part.rpartition("/")
            rels = f"{folder}/_rels/{base}.rels"
            if rels not in archive.namelist():
                return found
            for rel in etree.fromstring(archive.read(rels)).iter(_PACKAGE_REL + "Relationship"):
                if not rel.get("Type", "").endswith("/comments"):
                    continue
                target = rel.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else \
                    posixpath.normpath(f"{folder}/{target}")
                for comment in etree.fromstring(archive.read(target)).iter(_MAIN + "comment"):
                    place = _CELL.fullmatch(comment.get("ref") or "")
                    text = "".join(t.text or "" for t in comment.iter(_MAIN + "t")).strip()
                    if place is not None and text:
                        found[(int(place.group(2)) - 1,
                               _column_number(place.group(1)) - 1)] = text
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return {}
    return found


def _one_fill(rows: dict[int, list[Any]]) -> dict[int, str]:
    """The 0-based rows whose every cell with a value has one fill, each with that fill's
    colour, from each row's cells' fills (None: no fill)."""
    return {r: found[0] for r, found in rows.items()
            if found and found[0] and len(set(found)) == 1}


def _fill_colours(styles: Any) -> list[Any]:
    """Each cell style's solid fill colour (its attributes as text), or None."""
    fills, xfs = styles.find(_MAIN + "fills"), styles.find(_MAIN + "cellXfs")
    if fills is None or xfs is None:
        return []
    colours: list[str | None] = []
    for fill in fills.iter(_MAIN + "fill"):
        pattern = fill.find(_MAIN + "patternFill")
        colour = pattern.find(_MAIN + "fgColor") if pattern is not None else None
        colours.append(" ".join(f"{k}={v}" for k, v in sorted(colour.attrib.items()))
                       if colour is not None and pattern is not None
                       and pattern.get("patternType") == "solid" else None)
    return [colours[n] if (n := int(xf.get("fillId") or 0)) < len(colours) else None
            for xf in xfs.iter(_MAIN + "xf")]


def _xlsx_struck_rows(path: Path, sheet: str) -> set[int]:
    """The 0-based rows of an XLSX sheet whose every cell with a value is in struck-through
    type: how many offices mark an agreement that ended, as others hide its row. Read as
    current, it would be published as valid."""
    return {r for r, marks in _row_styles(path, sheet, _struck_styles).items()
            if marks and all(marks)}


def _font_colours(styles: Any) -> list[Any]:
    """Each cell style's font colour (its attributes as text), or None for the workbook's
    default font's (the colour of text nobody coloured)."""
    fonts, xfs = styles.find(_MAIN + "fonts"), styles.find(_MAIN + "cellXfs")
    if fonts is None or xfs is None:
        return []
    colours = [" ".join(f"{k}={v}" for k, v in sorted(colour.attrib.items()))
               if (colour := font.find(_MAIN + "color")) is not None else None
               for font in fonts.iter(_MAIN + "font")]
    default = colours[0] if colours else None
    return [colour if (n := int(xf.get("fontId") or 0)) < len(colours)
            and (colour := colours[n]) != default else None for xf in xfs.iter(_MAIN + "xf")]


def _struck_styles(styles: Any) -> list[Any]:
    """Whether each cell style's font is struck through."""
    fonts, xfs = styles.find(_MAIN + "fonts"), styles.find(_MAIN + "cellXfs")
    if fonts is None or xfs is None:
        return []
    struck = {i for i, font in enumerate(fonts.iter(_MAIN + "font"))
              if (mark := font.find(_MAIN + "strike")) is not None
              and mark.get("val", "1") not in ("0", "false")}
    return [int(xf.get("fontId") or 0) in struck for xf in xfs.iter(_MAIN + "xf")]


def _row_styles(path: Path, sheet: str, what: Any) -> dict[int, list[Any]]:
    """What ``what`` says of each cell style (from the workbook's styles), for each cell with
    a value of an XLSX sheet, by 0-based row; nothing when no style has it."""
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            per_style = what(etree.fromstring(archive.read("xl/styles.xml")))
            if not any(per_style):
                return {}
            return {r: [per_style[k] if k < len(per_style) else None for k in found]
                    for r, found in _value_styles(archive, sheet).items()}
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return {}


def _value_styles(archive: zipfile.ZipFile, sheet: str) -> dict[int, list[int]]:
    """The style of each cell with a value of an XLSX sheet, by 0-based row, read in one
    streaming pass over the sheet's part."""
    from lxml import etree

    rows: dict[int, list[int]] = {}
    with io.BytesIO(archive.read(_sheet_part(archive, sheet))) as stream:
        for _, el in etree.iterparse(stream, tag=_MAIN + "c"):
            value = el.find(_MAIN + "v")
            place = _CELL.fullmatch(el.get("r") or "")
            if place is not None and (el.find(_MAIN + "is") is not None or (
                    value is not None and (value.text or "").strip())):
                rows.setdefault(int(place.group(2)) - 1, []).append(int(el.get("s") or 0))
            el.clear()
    return rows


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The name of an XLSX sheet's part in its package."""
    from lxml import etree

    book = etree.fromstring(archive.read("xl/workbook.xml"))
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    rid = next((el.get(_REL + "id") for el in book.iter(_MAIN + "sheet")
                if el.get("name") == sheet), None)
    target = next((el.get("Target", "") for el in rels.iter(_PACKAGE_REL + "Relationship")
                   if el.get("Id") == rid), "")
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


_RANGE = re.compile(r"\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+|\b[A-Z]{1,3}:[A-Z]{1,3}\b")
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_REFERENCE = re.compile(r"(?:(?:'((?:[^']|'')+)'|([^'!=()\s,;]+))!)?\$?([A-Z]{1,3})\$?(\d+)")

# =HYPERLINK(address, shown): a cell showing ``shown`` (a quoted text or a cell's value),
# the address its link; "," or ";" between them as the workbook's locale writes it
_HYPERLINK = re.compile(r'(?i:HYPERLINK)\(\s*(?:"(?:[^"]|"")*"|[^,;()]+)\s*[,;]\s*'
                        r'(?:"((?:[^"]|"")*)"|([^,;()"]+))\s*\)')


def _uncached_formulas(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """The formulas of an XLSX sheet saved without their value (0-based row, column ->
    formula): a workbook a program wrote and no spreadsheet program ever opened, where a
    reader of the file finds an empty cell."""
    from lxml import etree

    found: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(_sheet_part(archive, sheet))
            if b"<f" not in data:  # most sheets: no formula at all
                return found
            with io.BytesIO(data) as stream:
                for _, el in etree.iterparse(stream, tag=_MAIN + "c"):
                    formula = el.find(_MAIN + "f")
                    value = el.find(_MAIN + "v")
                    place = _CELL.fullmatch(el.get("r") or "")
                    if formula is not None and formula.text and place is not None \
                            and (value is None or not (value.text or "").strip()) \
                            and el.find(_MAIN + "is") is None:
                        found[(int(place.group(2)) - 1,
                               _column_number(place.group(1)) - 1)] = formula.text
                    el.clear()
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        return {}
    return found


def _fill_uncached(path: Path, workbook: Any, sheet: str, cells: list[list[str]]) -> None:
    """Give the cells whose formula was saved without its value what can be known of it.

    A formula that only points at another cell ('=Países!A2', '=$B$3') has that cell's value,
    read from the file; a link ('=HYPERLINK("https://www.ugent.be","Ghent University")') has
    the text it shows (its second argument, a text or a cell's value: read as written, the
    formula was published as the institution's name); any other ('=EDATE(D4,E4*12)-1')
    stays as written, '=' and all, so
    the normaliser reports a value it cannot read, where the cell read as empty and the
    field was lost without a word; a total over a range stays empty."""
    formulas = _uncached_formulas(path, sheet)
    if not formulas:
        return
    sheets: dict[str, tuple[list[list[str]], dict[tuple[int, int], str]]] = {
        sheet: (cells, formulas)}

    def value(name: str, r: int, c: int, depth: int = 0) -> str:
        if name not in sheets:
            if name not in workbook.sheet_names:
                return ""
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets[name] = ([[cell_text(v) for v in row] for row in rows],
                            _uncached_formulas(path, name))
        grid, uncached = sheets[name]
        formula = uncached.get((r, c))
        if formula is None:
            return grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
        link = _HYPERLINK.fullmatch(formula.strip().removeprefix("="))
        if link is not None:  # the cell shows its second argument, a text or a cell's
            if link.group(1) is not None:
                return link.group(1).replace('""', '"')
            formula = link.group(2)
        ref = _REFERENCE.fullmatch(formula.strip().removeprefix("="))
        if ref is None or depth > 8:
            # a formula over a range ('=SUM(C4:C9)') is a total of other rows, no value of
            # its own row's: as empty as before, never text a row would be read by
            return "" if _RANGE.search(formula) else "=" + formula
        target = (ref.group(1) or "").replace("''", "'") or ref.group(2) or name
        column = _column_number(ref.group(3))
        return value(target, int(ref.group(4)) - 1, column - 1, depth + 1)

    for (r, c) in sorted(formulas):
        if r < len(cells):
            cells[r] += [""] * (c + 1 - len(cells[r]))
            cells[r][c] = value(sheet, r, c)


def _workbook(path: Path) -> Any:
    import python_calamine

    if _is_xlsx(path):
        stat = path.stat()
        _refuse_far_cells(str(path), stat.st_size, stat.st_mtime_ns)
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types per format
        raise SourceError(str(path), None, f"cannot read the spreadsheet: {exc}") from None


# A sheet spans at most this many cells (rows x columns up to its farthest filled cell): a
# partner list has thousands; one stray cell at XFD1048576 makes seventeen billion, which the
# spreadsheet library tries to hold at once (the process aborts, or runs on for hours).
MAX_SHEET_CELLS = 5_000_000
_FILLED_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?(?<!/)>\s*'
                          rb'<(?:\w+:)?(?:v|is|f)\b')


@lru_cache(maxsize=16)
def _refuse_far_cells(path: str, size: int, mtime: int) -> None:
    """Stop with the cell to delete when an XLSX sheet's filled cells reach so far that
    reading it would take more than MAX_SHEET_CELLS cells (``size`` and ``mtime`` key the
    check to the file's version)."""
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as archive:
            book = etree.fromstring(archive.read("xl/workbook.xml"))
            for name in [el.get("name") or "" for el in book.iter(_MAIN + "sheet")]:
                far = (0, 0, "")
                for found in _FILLED_CELL.finditer(archive.read(_sheet_part(archive, name))):
                    letters, row = found.group(1).decode(), int(found.group(2))
                    column = _column_number(letters)
                    far = (max(far[0], row), max(far[1], column),
                           f"{letters}{row}" if row * column > _area(far[2]) else far[2])
                if far[0] * far[1] > MAX_SHEET_CELLS:
                    raise SourceError(
                        path, None, f"sheet {name!r} has a filled cell as "
                        f"far as {far[2]}, which would make it {far[0]:,} rows by {far[1]:,} "
                        "columns to read: a stray cell far from the table (a space typed "
                        "there, a keystroke). Delete it (or clear everything right of and "
                        "below the table) and save the workbook again")
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return


def _area(cell: str) -> int:
    found = _CELL.fullmatch(cell)
    return int(found.group(2)) * _column_number(found.group(1)) if found else 0


def _column_number(letters: str) -> int:
    """A column's 1-based number from its letters ('A' 1, 'AA' 27, 'XFD' 16384)."""
    return sum((ord(ch) - 64) * 26 ** k for k, ch in enumerate(reversed(letters)))


def sheet_names(path: Path) -> list[str]:
    """The names of the workbook's sheets, in workbook order (``sheet: 2`` is the second)."""
    return list(_workbook(path).sheet_names)


def sheets_with_content(path: Path, hidden: bool = False) -> list[str]:
    """The names of the workbook's sheets that have a cell filled, in workbook order; those
    hidden in the workbook only with ``hidden`` (a sheet the list does not show is read only
    when the mapping names it)."""
    workbook = _workbook(path)
    shown = set(workbook.sheet_names) if hidden else visible_sheets(workbook)
    return [n for n in workbook.sheet_names
            if n in shown and workbook.get_sheet_by_name(n).to_python()]


def hidden_sheets(path: Path) -> set[str]:
    """The names of the workbook's sheets hidden in it."""
    workbook = _workbook(path)
    return set(workbook.sheet_names) - visible_sheets(workbook)


def visible_sheets(workbook: Any) -> set[str]:
    """The names of the sheets a workbook shows (all, when it does not say)."""
    try:
        return {m.name for m in workbook.sheets_metadata
                if str(m.visible).rsplit(".", 1)[-1].lower() == "visible"}
    except AttributeError:
        return set(workbook.sheet_names)


def _choose(path: Path, workbook: Any, names: list[str], sheet: str | int | None) -> str:
    if isinstance(sheet, int):
        if not 1 <= sheet <= len(names):
            raise SourceError(str(path), None,
                              f"sheet {sheet} asked for; the workbook has {len(names)}: "
                              f"{_listing(names)}")
        return names[sheet - 1]
    if isinstance(sheet, str):
        if sheet in names:
            return sheet
        folded = [n for n in names if n.casefold().strip() == sheet.casefold().strip()]
        if len(folded) == 1:
            return folded[0]
        raise SourceError(str(path), None,
                          f"no sheet named {sheet!r}; the workbook has {_listing(names)}")
    filled = [n for n in names if workbook.get_sheet_by_name(n).to_python()]
    shown = [n for n in filled if n in visible_sheets(workbook)]
    if len(shown) == 1:  # a hidden sheet beside it is reported, not read
        return shown[0]
    if len(filled) == 1:
        return filled[0]
    if not filled:
        raise SourceError(str(path), None, "the workbook has no sheet with any cell filled")
    raise SourceError(str(path), None,
                      f"the workbook has {len(filled)} sheets with content ({_listing(filled)}); "
                      "say which to read with the reader option `sheet:` (name or position)")


def _listing(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _ods_layout(path: Path, sheet: str
                ) -> tuple[list[Merge], dict[tuple[int, int], str], set[int],
                           dict[int, list[tuple[str | None, bool]]], dict[tuple[int, int], str]]:
    """Merged ranges of one sheet of an ODS file, in the sheet's 0-based row/column numbers,
    the text of its cells whose paragraphs hold a line break or a tab (a note left out), its
    hidden rows (``table:visibility`` collapse or filter; see module doc), and the look of
    each cell with a value, by row: its fill colour (None: none) and whether its type is
    struck through (see :func:`_legended_rows`, :func:`_xlsx_struck_rows`), and the notes on
    its cells (``office:annotation``, see :func:`_xlsx_cell_notes`)."""
    from lxml import etree

    from exchange_kg.formats.odt import TEXT_BREAKS, cell_lines

    merges: list[Merge] = []
    texts: dict[tuple[int, int], str] = {}
    hidden: set[int] = set()
    starts: list[tuple[int, str | None]] = []  # each open cell's first column and style
    styles: dict[str, tuple[str | None, str | None, bool | None]] = {}
    used: dict[int, list[str | None]] = {}  # the style of each cell with a value, by row
    notes: dict[tuple[int, int], str] = {}
    column_styles: list[str | None] = []
    row_style: str | None = None
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            inside = False
            depth = 0  # nesting of tables inside the chosen one (sub-tables are not rows)
            row = col = 0
            for event, el in etree.iterparse(stream, events=("start", "end")):
                tag = el.tag
                if tag == _ODS_STYLE + "style" and event == "end":
                    styles[el.get(_ODS_STYLE + "name", "")] = _ods_look(el)
                if tag == _T + "table":
                    if event == "start":
                        if inside:
                            depth += 1
                        elif el.get(_T + "name") == sheet:
                            inside = True
                    elif inside:
                        if depth:
                            depth -= 1
                        else:
                            break
                    continue
                if not inside or depth:
                    if event == "end" and not inside and not tag.startswith(_ODS_STYLE):
                        el.clear()
                    continue
                if tag == _T + "table-column" and event == "start":
                    column_styles += [el.get(_T + "default-cell-style-name")] * min(
                        int(el.get(_T + "number-columns-repeated", "1")), _MAX_REPEATED)
                elif tag == _T + "table-row":
                    if event == "start":
                        col = 0
                        row_style = el.get(_T + "default-cell-style-name")
                    else:
                        repeated = int(el.get(_T + "number-rows-repeated", "1"))
                        if el.get(_T + "visibility", "visible") != "visible":
                            hidden.update(range(row, row + min(repeated, _MAX_REPEATED)))
                        row += repeated
                        el.clear()
                elif tag in (_T + "table-cell", _T + "covered-table-cell") and event == "start":
                    rows = int(el.get(_T + "number-rows-spanned", "1"))
                    cols = int(el.get(_T + "number-columns-spanned", "1"))
                    if rows > 1 or cols > 1:
                        merges.append((row, col, row + rows - 1, col + cols - 1))
                    starts.append((col, el.get(_T + "style-name") or row_style or (
                        column_styles[col] if col < len(column_styles) else None)))
                    col += int(el.get(_T + "number-columns-repeated", "1"))
                elif tag in (_T + "table-cell", _T + "covered-table-cell"):
                    first, style = starts.pop()
                    note = el.find(_ODS_NOTE)
                    if note is not None:
                        text = " ".join(" ".join(p.itertext()) for p in note.iter(_ODS_TEXT_P))
                        if text.strip():
                            notes[(row, first)] = " ".join(text.split())
                        el.remove(note)
                    if el.get(_OFFICE_VALUE_TYPE) or "".join(el.itertext()).strip():
                        used.setdefault(row, []).append(style)
                    kept = _unstruck_cell(el, styles)
                    if kept is not None or next(el.iter(*TEXT_BREAKS), None) is not None:
                        text = cell_lines(kept if kept is not None else el)
                        for k in range(min(col - first, _MAX_REPEATED)):
                            texts[(row, first + k)] = text
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise SourceError(str(path), None, f"cannot read the ODS merged cells: {exc}") from None
    looks = _ods_looks(path, styles, {style for found in used.values() for style in found})
    return merges, texts, hidden, {r: [looks.get(style or "", (None, False)) for style in found]
                                   for r, found in used.items()}, notes


_ODS_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_ODS_FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
_OFFICE_VALUE_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"
_ODS_NOTE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}annotation"
_ODS_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
_ODS_SPAN = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}span"
_ODS_TEXT_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}style-name"


def _unstruck_cell(cell: Any, styles: dict[str, tuple[str | None, str | None, bool | None]]
                   ) -> Any:
    """An ODS cell without its struck-through spans, when it shows other text beside them
    ('~~2~~ 1': the struck value is void, see :func:`_xlsx_unstruck_texts`); None when it
    has none, or nothing else."""
    def struck(name: str | None) -> bool:
        seen: set[str] = set()
        while name and name in styles and name not in seen:
            seen.add(name)
            parent, _, own = styles[name]
            if own is not None:
                return own
            name = parent
        return False

    if not any(struck(span.get(_ODS_TEXT_STYLE)) for span in cell.iter(_ODS_SPAN)):
        return None
    kept = copy.deepcopy(cell)
    for span in [s for s in kept.iter(_ODS_SPAN) if struck(s.get(_ODS_TEXT_STYLE))]:
        parent, before = span.getparent(), span.getprevious()
        if span.tail:  # the text after the span stays
            if before is not None:
                before.tail = (before.tail or "") + span.tail
            else:
                parent.text = (parent.text or "") + span.tail
        parent.remove(span)
    return kept if "".join(kept.itertext()).strip() else None


def _ods_look(style: Any) -> tuple[str | None, str | None, bool | None]:
    """A cell style's parent style, its own fill colour ("" for none) and whether its type
    is struck through (None where the style does not say)."""
    fill: str | None = None
    struck: bool | None = None
    cell = style.find(_ODS_STYLE + "table-cell-properties")
    if cell is not None and cell.get(_ODS_FO + "background-color"):
        colour = cell.get(_ODS_FO + "background-color", "").strip().lower()
        fill = "" if colour in ("transparent", "none") else colour
    text = style.find(_ODS_STYLE + "text-properties")
    if text is not None and text.get(_ODS_STYLE + "text-line-through-style"):
        struck = text.get(_ODS_STYLE + "text-line-through-style") != "none"
    return style.get(_ODS_STYLE + "parent-style-name"), fill, struck


def _ods_looks(path: Path, styles: dict[str, tuple[str | None, str | None, bool | None]],
               wanted: set[str | None]) -> dict[str, tuple[str | None, bool]]:
    """Each wanted cell style's fill colour and struck type, with what it inherits from its
    parent styles (the named styles of ``styles.xml``: LibreOffice's 'Bad' is filled red)."""
    from lxml import etree

    if not any(wanted):
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            named = etree.fromstring(archive.read("styles.xml"))
        for el in named.iter(_ODS_STYLE + "style"):
            styles.setdefault(el.get(_ODS_STYLE + "name", ""), _ods_look(el))
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        pass
    looks: dict[str, tuple[str | None, bool]] = {}
    for own in wanted:
        fill: str | None = None
        struck: bool | None = None
        seen: set[str] = set()
        name = own
        while name and name in styles and name not in seen:
            seen.add(name)
            parent, own_fill, own_struck = styles[name]
            fill = own_fill if fill is None else fill
            struck = own_struck if struck is None else struck
            name = parent
        if own and (fill or struck):
            looks[own] = (fill or None, bool(struck))
    return looks


# A cell with text repeated over more columns than this is damage, not a table.
_MAX_REPEATED = 1000
