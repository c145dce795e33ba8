"""OpenDocument text (ODT, LibreOffice Writer): the body's paragraphs and tables, merged cells
known.

Parsed with lxml from the package's ``content.xml`` (and ``styles.xml`` for list styles), as
:mod:`.spreadsheet` reads an ODS file's merged ranges: odfpy, the one maintained ODF library,
builds its own element objects and knows no more of the table grid or list numbering than the
XML says. Here:

* ``table:number-columns-spanned`` / ``number-rows-spanned`` are the merged ranges, covered
  cells take their places on the grid, repeated rows and cells are counted;
* text as Writer shows it: ``text:s`` spaces, tabs, line breaks; text boxes after the
  paragraph they are anchored to; notes, annotations and the record of tracked changes
  (deleted text) are not read;
* a list item's label comes from its list style: a bullet, or its number with prefix, suffix
  and upper levels as the style displays them;
* a table of one row holding a table in a cell is a frame around the list, no table: its
  cells' paragraphs and tables are read as the body's (as in :mod:`.word`).

A damaged file is an error naming the file and where its XML broke (table, row, paragraph).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

from exchange_kg.formats.grid import Merge
from exchange_kg.formats.textdoc import (
    Block,
    DocTable,
    Paragraph,
    collapse_spaces,
    labelled,
    list_number,
    parse_part,
)
from exchange_kg.records import SourceError

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TB = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_PARAGRAPHS = (T + "p", T + "h")
# containers whose children are body blocks (sections, tables of contents, indexes)
_CONTAINERS = frozenset({T + "section", T + "index-body", T + "table-of-content",
                         T + "alphabetical-index", T + "illustration-index", T + "table-index",
                         T + "object-index", T + "user-index", T + "bibliography"})
# inline content not shown as the paragraph's text: notes, comments, frames, change marks
_HIDDEN = frozenset({T + "note", _OFFICE + "annotation", T + "tracked-changes",
                     _DRAW + "frame", _DRAW + "custom-shape",
                     T + "bookmark-ref"})
# elements whose style may strike their text through
_STYLED = frozenset({T + "p", T + "h", T + "span"})
_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman",
            "I": "upperRoman"}
# repeated rows or cells beyond this many are a table's unused tail (empty) or damage
_MAX_REPEAT = 1000


def odt_blocks(path: Path) -> tuple[list[Block], list[str]]:
    """The body of the document at ``path`` as paragraphs and tables, in order, and the
    non-blank paragraphs of its page headers and footers."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "content.xml" not in names:
                raise SourceError(str(path), None, "not an OpenDocument text: the archive has "
                                  "no content.xml")
            root = parse_part(path, "odt", "content.xml", archive.read("content.xml"),
                              (TB + "table", TB + "table-row", _PARAGRAPHS))
            styles = None
            if "styles.xml" in names:
                styles = parse_part(path, "odt", "styles.xml", archive.read("styles.xml"))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise SourceError(str(path), None, "cannot read the OpenDocument text (damaged or not "
                          f"an .odt): {exc}") from None
    text = root.find(f"{_OFFICE}body/{_OFFICE}text")
    if text is None:
        raise SourceError(str(path), None, "not an OpenDocument text: content.xml has no "
                          "office:text body (a spreadsheet or drawing?)")
    furniture = [] if styles is None else [
        " ".join(_text(p).split()) for page in styles.iter(_STYLE + "master-page")
        for part in page if part.tag.startswith(_STYLE) and ("header" in part.tag
                                                              or "footer" in part.tag)
        for p in part.iter(*_PARAGRAPHS) if _text(p).strip()]
    return _Body(_ListStyles(root, styles)).blocks(text), furniture


class _ListStyles:
    """List styles by name (the document's automatic ones, then its common ones), and the
    paragraph styles that carry a list style."""

    def __init__(self, content: Any, styles: Any) -> None:
        self.lists: dict[str, Any] = {}
        self.paragraph: dict[str, tuple[str, str]] = {}  # name -> (parent, list style)
        # text and paragraph styles -> (parent, struck through: True, False or unsaid)
        self.strike: dict[str, tuple[str, bool | None]] = {}
        for root in (styles, content):  # the document's own definitions win
            if root is None:
                continue
            for el in root.iter(T + "list-style"):
                self.lists[el.get(_STYLE + "name", "")] = el
            for el in root.iter(_STYLE + "style"):
                if el.get(_STYLE + "family") in ("paragraph", "text"):
                    self.strike[el.get(_STYLE + "name", "")] = (
                        el.get(_STYLE + "parent-style-name", ""), _line_through(el))
                if el.get(_STYLE + "family") == "paragraph":
                    self.paragraph[el.get(_STYLE + "name", "")] = (
                        el.get(_STYLE + "parent-style-name", ""),
                        el.get(_STYLE + "list-style-name", ""))

    def struck(self, name: str) -> bool | None:
        """Whether text in style ``name`` is struck through (its own or its parent's
        setting); None if no style in the chain says."""
        seen: set[str] = set()
        while name and name not in seen:
            seen.add(name)
            parent, own = self.strike.get(name, ("", None))
            if own is not None:
                return own
            name = parent
        return None

    def of_paragraph(self, name: str) -> str:
        seen: set[str] = set()
        while name and name not in seen:
            seen.add(name)
            parent, listed = self.paragraph.get(name, ("", ""))
            if listed:
                return listed
            name = parent
        return ""

    def level(self, style: str, level: int) -> Any:
        """The level style (1-based level) of list style ``style``, or None."""
        found = self.lists.get(style)
        if found is None:
            return None
        return next((el for el in found if el.get(T + "level") == str(level)), None)


class _Body:
    """The body's blocks, numbered as :mod:`.textdoc` describes."""

    def __init__(self, styles: _ListStyles) -> None:
        self.styles = styles
        self.out: list[Block] = []
        self.paragraphs = 0
        self.tables = 0
        self.counters: list[int] = []  # of the current (or continued) list, per level

    def blocks(self, body: Any) -> list[Block]:
        self._walk(body)
        return self.out

    def _walk(self, parent: Any) -> None:
        for el in parent:
            if el.tag in _PARAGRAPHS:
                self._paragraph(el, "", False)
            elif el.tag == T + "list":
                if el.get(T + "continue-numbering") != "true" and not el.get(
                        T + "continue-list"):
                    self.counters = []
                self._list(el, el.get(T + "style-name", ""), 1)
            elif el.tag == TB + "table" and (frame := _frame(el)) is not None:
                for cell in frame:
                    self._walk(cell)
            elif el.tag == TB + "table":
                self.tables += 1
                self.out.append(_table(el, self.tables, self.styles))
            elif el.tag in _CONTAINERS:
                self._walk(el)
            elif el.tag == _DRAW + "frame":  # anchored to the page, outside any paragraph
                self._boxes(el)

    def _paragraph(self, el: Any, label: str, bullet: bool) -> None:
        self.paragraphs += 1
        text = _text(el)
        self.out.append(Paragraph(self.paragraphs,
                                  labelled(label, text, bullet) if text.strip() else text))
        self._boxes(el)

    def _boxes(self, el: Any) -> None:
        """The paragraphs of the text boxes in ``el``, after the paragraph they are anchored
        to (a box inside a box with it)."""
        for box in el.iter(_DRAW + "text-box"):
            if any(a.tag == _DRAW + "text-box" for a in box.iterancestors()):
                continue
            for p in box.iter(*_PARAGRAPHS):
                if _text(p).strip():
                    self.out.append(Paragraph(max(self.paragraphs, 1), _text(p), box=True))

    def _list(self, el: Any, style: str, level: int) -> None:
        for item in el:
            if item.tag not in (T + "list-item", T + "list-header"):
                continue
            labelled_yet = item.tag == T + "list-header"  # a header carries no label
            for child in item:
                if child.tag in _PARAGRAPHS:
                    label, bullet = ("", False)
                    if not labelled_yet:
                        own = style or self.styles.of_paragraph(
                            child.get(T + "style-name", ""))
                        label, bullet = self._label(item, own, level)
                        labelled_yet = True
                    self._paragraph(child, label, bullet)
                elif child.tag == T + "list":
                    self._list(child, child.get(T + "style-name", "") or style, level + 1)
                elif child.tag == TB + "table":
                    self.tables += 1
                    self.out.append(_table(child, self.tables, self.styles))

    def _label(self, item: Any, style: str, level: int) -> tuple[str, bool]:
        spec = self.styles.level(style, level) if style else None
        if spec is None or spec.tag != T + "list-level-style-number":
            return "\u2022", True  # a list item whose style says no number: an entry
        while len(self.counters) < level:
            self.counters.append(_start(self.styles.level(style, len(self.counters) + 1)) - 1)
        start = item.get(T + "start-value")
        self.counters[level - 1] = (int(start) if start and start.isdigit()
                                    else self.counters[level - 1] + 1)
        del self.counters[level:]
        fmt = spec.get(_STYLE + "num-format", "1")
        if not fmt:
            number = ""
        else:
            shown = max(1, min(int(spec.get(T + "display-levels", "1") or 1), level))
            number = ".".join(list_number(self.counters[k], self._format(style, k + 1, spec))
                              for k in range(level - shown, level))
        label = spec.get(_STYLE + "num-prefix", "") + number + spec.get(_STYLE + "num-suffix", "")
        return label.strip(), False


    def _format(self, style: str, level: int, fallback: Any) -> str:
        spec = self.styles.level(style, level)
        spec = fallback if spec is None else spec
        return _FORMATS.get(spec.get(_STYLE + "num-format", "1"), "decimal")


def _line_through(style: Any) -> bool | None:
    """What a style's text properties say of striking its text through, None if nothing."""
    props = style.find(_STYLE + "text-properties")
    if props is None:
        return None
    marks = [props.get(_STYLE + f"text-line-through-{k}") for k in ("style", "type")]
    if all(m is None for m in marks):
        return None
    return any(m not in (None, "none") for m in marks)


def _start(spec: Any) -> int:
    value = spec.get(T + "start-value", "1") if spec is not None else "1"
    return int(value) if value.isdigit() else 1


def _frame(el: Any) -> list[Any] | None:
    """The cells of a table of one row that holds a table in a cell: a frame laid around
    the list, no table of its own (see :mod:`.word`). None for any other table."""
    rows = _rows(el)
    if len(rows) != 1 or _count(rows[0], "number-rows-repeated") != 1:
        return None
    cells = [c for c in rows[0] if c.tag == TB + "table-cell"]
    return cells if any(c.find(TB + "table") is not None for c in cells) else None


def _rows(el: Any) -> list[Any]:
    """A table's rows in order, through header rows and row groups (not nested tables)."""
    out = []
    for child in el:
        if child.tag == TB + "table-row":
            out.append(child)
        elif child.tag in (TB + "table-header-rows", TB + "table-rows", TB + "table-row-group"):
            out.extend(_rows(child))
    return out


def _table(el: Any, number: int, styles: _ListStyles) -> DocTable:
    cells: list[list[str]] = []
    merges: list[Merge] = []
    unreadable: dict[int, str] = {}
    for tr in _rows(el):
        row: list[str] = []
        marks = [_strikes(cell, styles, None) for cell in tr if cell.tag == TB + "table-cell"]
        if any(struck for struck, _ in marks) and not any(plain for _, plain in marks):
            unreadable[len(cells)] = (f"row {len(cells) + 1} of table {number} is struck "
                                      "through (as an ended agreement is marked): not read")
        for cell in tr:
            if cell.tag not in (TB + "table-cell", TB + "covered-table-cell"):
                continue
            text = ""
            if cell.tag == TB + "table-cell":  # struck text beside new text is void
                text = cell_lines(cell, styles if all(_strikes(cell, styles, None)) else None)
            repeat = _count(cell, "number-columns-repeated")
            if repeat > _MAX_REPEAT:  # an unused tail; with text, a damaged file
                repeat = 1 if not text else _MAX_REPEAT
            for _ in range(repeat):
                rows = _count(cell, "number-rows-spanned")
                cols = _count(cell, "number-columns-spanned")
                if cell.tag == TB + "table-cell" and (rows > 1 or cols > 1):
                    merges.append((len(cells), len(row), len(cells) + rows - 1,
                                   len(row) + cols - 1))
                row.append(text)
        repeat = _count(tr, "number-rows-repeated")
        if repeat > _MAX_REPEAT:
            repeat = 1 if not any(row) else _MAX_REPEAT
        if repeat > 1:
            unreadable.pop(len(cells), None)  # repeated rows: empty ones, never struck
        cells.extend(list(row) for _ in range(repeat))
    return DocTable(number, cells, merges, " ".join(el.get(TB + "name", "").split()),
                    unreadable=unreadable)


def _strikes(el: Any, styles: _ListStyles, inherited: bool | None) -> tuple[bool, bool]:
    """Whether ``el`` shows text struck through (by its paragraph's or span's style), and
    text that is not: a row struck in every cell marks an ended agreement (see
    :mod:`.word`)."""
    own = styles.struck(el.get(T + "style-name", "")) if el.tag in _STYLED else None
    state = bool(inherited if own is None else own)
    struck = plain = False
    pieces = [(el.text, state)] if el.tag in _STYLED else []
    for child in el:
        if not isinstance(child.tag, str) or child.tag in _HIDDEN:
            pieces.append((child.tail, state))
            continue
        inner = _strikes(child, styles, state)
        struck, plain = struck or inner[0], plain or inner[1]
        pieces.append((child.tail, state))
    for text, mark in pieces:
        if text and text.strip():
            struck, plain = struck or mark, plain or not mark
    return struck, plain


def _count(el: Any, name: str) -> int:
    value = el.get(TB + name, "1")
    return max(1, int(value)) if value.isdigit() else 1


# what calamine, reading an ODS workbook's values, drops from a paragraph
TEXT_BREAKS = (T + "line-break", T + "tab")


def cell_lines(cell: Any, unstruck: _ListStyles | None = None) -> str:
    """A cell's paragraphs (and those of lists and tables nested in it), one line each, as
    Writer and Calc show them: its line breaks "\n", its tabs "\t"; with ``unstruck``,
    the styles, without the text they strike through."""
    lines: list[str] = []
    _cell_lines(cell, lines, unstruck)
    return "\n".join(line for line in lines if line.strip())


def _cell_lines(el: Any, lines: list[str], unstruck: _ListStyles | None) -> None:
    for child in el:
        if child.tag in _PARAGRAPHS:
            lines.append(_text(child, unstruck))
        elif isinstance(child.tag, str) and child.tag not in _HIDDEN:
            _cell_lines(child, lines, unstruck)


def _text(el: Any, unstruck: _ListStyles | None = None, struck: bool = False) -> str:
    """What a paragraph shows (see module doc); runs of white space in the XML are one
    space, as ODF says. With ``unstruck`` (the styles), text struck through is left out."""
    if unstruck is not None and el.tag in _STYLED:
        own = unstruck.struck(el.get(T + "style-name", ""))
        struck = struck if own is None else own
    parts = ["" if struck else collapse_spaces(el.text)]
    for child in el:
        tag = child.tag
        if tag == T + "s":
            parts.append(" " * _count_spaces(child))
        elif tag == T + "tab":
            parts.append("\t")
        elif tag == T + "line-break":
            parts.append("\n")
        elif isinstance(tag, str) and tag not in _HIDDEN:
            parts.append(_text(child, unstruck, struck))
        parts.append("" if struck else collapse_spaces(child.tail))
    return "".join(parts)


def _count_spaces(el: Any) -> int:
    value = el.get(T + "c", "1")
    return max(1, min(int(value), 100)) if value.isdigit() else 1
