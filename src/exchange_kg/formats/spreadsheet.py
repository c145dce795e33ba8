"""Spreadsheets (XLSX, XLSM, XLS, ODS): cell values, merged ranges and sheet names.

Values come from python-calamine (calamine, in Rust): one fast reader for all four formats that
returns typed values (dates as dates, numbers as numbers) and the merged ranges of XLSX and XLS.
It does not report the merged ranges of ODS files, so those are read from the file's
``content.xml`` (``table:number-rows-spanned`` / ``number-columns-spanned``) in one streaming
pass; so is the text of an ODS cell with a line break or a tab in a paragraph, which calamine
drops, gluing the words around it ("GranadaFacultad").
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from exchange_kg.formats.grid import (
    Merge,
    Table,
    cell_text,
    column_letters,
    in_cell,
    sheet_reference,
)
from exchange_kg.records import Location, SourceError

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def read_sheet(path: Path, sheet: str | int | None, ods: bool) -> Table:
    """The chosen sheet (by name or 1-based position) as a table, merged ranges included.

    Without a choice the workbook must have one sheet with content: guessing among several
    could read the wrong one without a word.
    """
    workbook = _workbook(path)
    names = list(workbook.sheet_names)
    name = _choose(path, workbook, names, sheet)
    data = workbook.get_sheet_by_name(name)
    rows = data.to_python(skip_empty_area=False)
    cells = [[cell_text(v) for v in row] for row in rows]
    if ods:
        merges, texts = _ods_layout(path, name)
        for (r, c), text in texts.items():
            if r < len(cells) and c < len(cells[r]) and cells[r][c]:
                cells[r][c] = in_cell(text)
    else:
        merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (data.merged_cell_ranges or [])]
    # A table placed further right (from column B or C) reads as if it started in column A, so
    # the mapping's columns are the table's; its cell references stay those of the sheet.
    width = max((len(r) for r in cells), default=0)
    skip = min((next(c for c, v in enumerate(r) if v) for r in cells if any(r)), default=0)
    skip = min([skip, *(c0 for _, c0, _, _ in merges)])
    cells = [r[skip:] for r in cells]
    merges = [(r0, c0 - skip, r1, c1 - skip) for r0, c0, r1, c1 in merges]
    first, last = column_letters(skip), column_letters(max(width - 1, skip))
    ref = sheet_reference(name)
    locations = [Location(f"{ref}!{first}{i}:{last}{i}") for i in range(1, len(cells) + 1)]
    return Table(name, cells, locations, merges)


def _workbook(path: Path) -> Any:
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types per format
        raise SourceError(str(path), None, f"cannot read the spreadsheet: {exc}") from None


def sheet_names(path: Path) -> list[str]:
    """The names of the workbook's sheets, in workbook order (``sheet: 2`` is the second)."""
    return list(_workbook(path).sheet_names)


def sheets_with_content(path: Path) -> list[str]:
    """The names of the workbook's sheets that have a cell filled, in workbook order."""
    workbook = _workbook(path)
    return [n for n in workbook.sheet_names if workbook.get_sheet_by_name(n).to_python()]


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
    if len(filled) == 1:
        return filled[0]
    if not filled:
        raise SourceError(str(path), None, "the workbook has no sheet with any cell filled")
    raise SourceError(str(path), None,
                      f"the workbook has {len(filled)} sheets with content ({_listing(filled)}); "
                      "say which to read with the reader option `sheet:` (name or position)")


def _listing(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _ods_layout(path: Path, sheet: str) -> tuple[list[Merge], dict[tuple[int, int], str]]:
    """Merged ranges of one sheet of an ODS file, in the sheet's 0-based row/column numbers,
    and the text of its cells whose paragraphs hold a line break or a tab (see module doc)."""
    from lxml import etree

    from exchange_kg.formats.odt import TEXT_BREAKS, cell_lines

    merges: list[Merge] = []
    texts: dict[tuple[int, int], str] = {}
    starts: list[int] = []  # the column each open cell starts in
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            inside = False
            depth = 0  # nesting of tables inside the chosen one (sub-tables are not rows)
            row = col = 0
            for event, el in etree.iterparse(stream, events=("start", "end")):
                tag = el.tag
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
                    if event == "end" and not inside:
                        el.clear()
                    continue
                if tag == _T + "table-row":
                    if event == "start":
                        col = 0
                    else:
                        row += int(el.get(_T + "number-rows-repeated", "1"))
                        el.clear()
                elif tag in (_T + "table-cell", _T + "covered-table-cell") and event == "start":
                    rows = int(el.get(_T + "number-rows-spanned", "1"))
                    cols = int(el.get(_T + "number-columns-spanned", "1"))
                    if rows > 1 or cols > 1:
                        merges.append((row, col, row + rows - 1, col + cols - 1))
                    starts.append(col)
                    col += int(el.get(_T + "number-columns-repeated", "1"))
                elif tag in (_T + "table-cell", _T + "covered-table-cell"):
                    first = starts.pop()
                    if next(el.iter(*TEXT_BREAKS), None) is not None:
                        text = cell_lines(el)
                        for k in range(min(col - first, _MAX_REPEATED)):
                            texts[(row, first + k)] = text
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise SourceError(str(path), None, f"cannot read the ODS merged cells: {exc}") from None
    return merges, texts


# A cell with text repeated over more columns than this is damage, not a table.
_MAX_REPEATED = 1000
