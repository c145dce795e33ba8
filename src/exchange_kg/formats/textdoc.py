"""Word-processor documents (DOCX, ODT) as the grid tables the layout readers read.

A partner list written in Word or LibreOffice Writer is a flow of paragraphs (a title, an "as
of" stamp, headings, a list typed as bullets) and tables (often with merged country cells).
The two formats store that flow differently (:mod:`.word`, :mod:`.odt` parse it into
:class:`Paragraph` and :class:`DocTable` blocks); this module turns the blocks into the
:class:`~exchange_kg.formats.grid.Table` objects every other format produces, so merged cells,
group labels and locations work as they do for spreadsheets and web pages:

* each table is ``table N`` (top-level tables numbered in document order; a table nested in a
  cell is that cell's text), its rows located as ``table N, row R``, its merged cells known;
* each run of paragraphs between tables is one table of one-row-a-line, located as
  ``paragraph N`` (the body's paragraphs outside tables, blank ones counted, numbered from 1);
  a paragraph's tabs separate its cells, as a text extract's do, and its line breaks start new
  lines (``paragraph N, line L``); a list paragraph starts with its label as the document
  shows it: ``•`` for a bullet, the number and a tab for a numbered item; the paragraphs of a
  text box follow the paragraph it is anchored to (``text box at paragraph N``), so a stamp
  or note placed in a box is read or reported like any other line;
* a table read by ``table:`` whose heading (the paragraph right above it) or caption names a
  country gets it as its first row, when every table read with it has one (:mod:`.headings`):
  a list split into a table per country under headings naming them.

Without a ``table:`` option a document with at most one table is read whole, in order:
paragraphs and table together, as an extract of it reads, so titles, stamps and bulleted
lists reach the reader. With several tables the mapping must say which to read, as for an
HTML page; the parts it does not read are reported (a short run of paragraphs as a note).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exchange_kg.formats.grid import Merge, Table, in_cell, one_line
from exchange_kg.formats.headings import above, with_country_headings
from exchange_kg.records import Location, SourceError

KINDS = {"docx": "Word document", "odt": "OpenDocument text"}


@dataclass
class Paragraph:
    """A paragraph of the body outside tables: its text, list label included."""

    number: int  # 1-based among the body's paragraphs outside tables
    text: str  # tabs kept (cell separators), line breaks as "\n"
    box: bool = False  # a text box's paragraph, anchored to paragraph ``number``


@dataclass
class DocTable:
    """A top-level table: cell texts on the grid, merged ranges, and what names it."""

    number: int
    cells: list[list[str]]  # a cell's lines (paragraphs, line breaks) joined by "\n"
    merges: list[Merge] = field(default_factory=list)
    caption: str = ""  # the table's own title (Word's alt-text title, ODT's table name)
    heading: str = ""  # the nearest non-blank paragraph just before it ("Europe")
    heading_at: str = ""  # where that paragraph stands ("paragraph 7")
    unreadable: dict[int, str] = field(default_factory=dict)  # row -> why it is not read


Block = Paragraph | DocTable


def parse_part(path: Path, fmt: str, name: str, data: bytes,
               body: tuple[str, str, tuple[str, ...]] | None = None) -> Any:
    """An XML part of the document parsed; if it is damaged, an error naming the file and,
    for the part holding the body, where in it the XML broke ("in table 2, row 14", "after
    paragraph 9").

    ``body`` is the format's tag names of a table, a row and paragraphs."""
    from lxml import etree

    try:
        return etree.fromstring(data, etree.XMLParser(huge_tree=True, resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        if body is None:
            raise SourceError(str(path), None, f"the {kind(fmt)}'s {name} is damaged: "
                              f"{exc.msg}") from None
        where = _where_broken(data, exc.position, *body)
        raise SourceError(str(path), None, f"the {kind(fmt)} is damaged {where} ({name}: "
                          f"{exc.msg})") from None


def _where_broken(data: bytes, position: tuple[int, int], table: str, row: str,
                  paragraph: tuple[str, ...]) -> str:
    """Replay the XML up to the error's line and column, counting the body's paragraphs (the
    outermost ones outside tables), top-level tables and their rows, as the readers number
    them."""
    from lxml import etree

    line, column = position
    starts = [0, *(m.end() for m in re.finditer(rb"\n", data))]
    at = starts[min(max(line, 1), len(starts)) - 1]
    text = data[at:at + 4 * max(column, 1)].decode("utf-8", "replace")
    at += len(text[: max(column - 1, 0)].encode("utf-8", "replace"))
    parser = etree.XMLPullParser(events=("start", "end"), huge_tree=True,
                                 resolve_entities=False)
    tables = rows = paragraphs = depth = open_paragraphs = 0
    for k in range(0, at, 1 << 16):
        with contextlib.suppress(etree.XMLSyntaxError):  # the error itself: counted to it
            parser.feed(data[k:min(k + (1 << 16), at)])
        for event, el in parser.read_events():
            tag = el.tag
            if tag == table:
                if event == "start":
                    tables, rows = (tables + 1, 0) if not depth else (tables, rows)
                    depth += 1
                else:
                    depth -= 1
            elif tag == row and event == "start" and depth == 1:
                rows += 1
            elif tag in paragraph:
                open_paragraphs += 1 if event == "start" else -1
                if event == "end" and not open_paragraphs and not depth:
                    paragraphs += 1
    if depth:
        return f"in table {tables}, row {max(rows, 1)}"
    return f"after paragraph {paragraphs}" if paragraphs else "before its first paragraph"


def kind(fmt: str) -> str:
    return KINDS[fmt]


@dataclass
class Parsed:
    """A document's blocks, and the grid tables they make (runs of paragraphs joined)."""

    blocks: list[Block]
    parts: list[tuple[Table, DocTable | None]]  # in document order
    furniture: list[str]  # the non-blank paragraphs of page headers and footers


_CACHE: dict[tuple[str, str, str], Parsed] = {}


def clear_cache() -> None:
    _CACHE.clear()


def parse(path: Path, fmt: str) -> Parsed:
    """The document parsed once per file version (reading, then accounting for the parts
    not read, and proposing a mapping all ask for it)."""
    key = (str(path.resolve()), hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest(),
           fmt)
    found = _CACHE.get(key)
    if found is None:
        if fmt == "docx":
            from exchange_kg.formats.word import docx_blocks

            body, furniture = docx_blocks(path)
        else:
            from exchange_kg.formats.odt import odt_blocks

            body, furniture = odt_blocks(path)
        found = Parsed(_with_headings(body), _parts(body), furniture)
        _CACHE.clear()
        _CACHE[key] = found
    return found


def _with_headings(found: list[Block]) -> list[Block]:
    """The blocks, each table knowing the non-blank paragraph right before it."""
    last, at = "", ""
    for block in found:
        if isinstance(block, Paragraph):
            if block.text.strip():
                last = one_line(block.text)
                at = (f"text box at paragraph {block.number}" if block.box
                      else f"paragraph {block.number}")
        else:
            block.heading, block.heading_at = last, at
            last, at = "", ""
    return found


def table_names(path: Path, fmt: str) -> list[str]:
    """Each table's heading (the paragraph right above it), else its caption ("" if none)."""
    return [t.heading or t.caption or "" for t in parse(path, fmt).blocks
            if isinstance(t, DocTable)]


def read_tables(path: Path, fmt: str, choice: Any) -> list[Table]:
    """The parts of the document a section reads: all of it in order (no choice, at most
    one table), or the chosen tables (number, caption or the heading above, or a list)."""
    found = parse(path, fmt)
    tables = [b for b in found.blocks if isinstance(b, DocTable)]
    if choice is None:
        if len(tables) > 1:
            raise SourceError(str(path), None,
                              f"the {kind(fmt)} has {len(tables)} tables; say which to read "
                              f"with the reader option `table:` (number, caption or the "
                              f"heading above it): {_listing(tables)}")
        if not any(_filled(b) for b in found.blocks):
            raise SourceError(str(path), None, f"the {kind(fmt)} has no text")
        return [table for table, _ in found.parts]
    picks = choice if isinstance(choice, list) else [choice]
    by_number = {t.number: table for table, t in found.parts if t is not None}
    numbers = [_pick(path, fmt, tables, p) for p in picks]
    # "Germany" over each table: the rows' country (see .headings); the heading a reader
    # sees, else the caption (Word's alt-text title, ODT's table name)
    return with_country_headings(
        [by_number[n] for n in numbers],
        [None if k and numbers[k - 1] == n - 1 and continues(path, fmt, n) else
         [(t.heading, above(n, t.heading_at)), (t.caption, f"caption of table {n}")]
         for k, n in enumerate(numbers) for t in [tables[n - 1]]])


def other_parts(path: Path, fmt: str, placed: set[str]) -> list[tuple[Table, str]]:
    """The parts no section reads, each with why: the tables and the runs of paragraphs
    around the tables the mapping chose."""
    out = []
    for table, block in parse(path, fmt).parts:
        if table.name in placed:
            continue
        if block is not None:
            why = (f"{table.name} is not read by the mapping (a section with "
                   f"`table: {block.number}` would read it)")
        else:
            verb = "are" if table.name.startswith("paragraphs") else "is"
            why = (f"{table.name} (text outside the tables) {verb} not read by the mapping, "
                   "which reads only the tables it names")
        out.append((table, why))
    return out


def table_count(path: Path, fmt: str) -> int:
    return sum(1 for b in parse(path, fmt).blocks if isinstance(b, DocTable))


def continues(path: Path, fmt: str, number: int) -> bool:
    """Whether table ``number`` goes on with the table before it: nothing but blank
    paragraphs (a page break, an empty line) stands between them and both have as many
    columns. A table broken across pages by hand, the rows after the break a table of their
    own, without the header."""
    blocks = parse(path, fmt).blocks
    at = next((k for k, b in enumerate(blocks)
               if isinstance(b, DocTable) and b.number == number), None)
    if at is None:
        return False
    before = next((b for b in reversed(blocks[:at]) if not (
        isinstance(b, Paragraph) and not b.text.strip())), None)
    table = blocks[at]
    assert isinstance(table, DocTable)
    return isinstance(before, DocTable) and _width(before) == _width(table) > 1


def _width(table: DocTable) -> int:
    return max((len(row) for row in table.cells), default=0)


def document_text(path: Path, fmt: str) -> list[str]:
    """The non-blank paragraphs outside tables, in order, then those of the page headers and
    footers: where a document states its title and the date it is current as of ("Stand:
    01.10.2026" is often a footer). Headers and footers are page furniture, no lines."""
    found = parse(path, fmt)
    return [one_line(b.text) for b in found.blocks
            if isinstance(b, Paragraph) and b.text.strip()] + found.furniture


def _parts(found: list[Block]) -> list[tuple[Table, DocTable | None]]:
    out: list[tuple[Table, DocTable | None]] = []
    run: list[Paragraph] = []
    for block in [*found, None]:
        if isinstance(block, Paragraph):
            run.append(block)
            continue
        if run:
            out.append((_run_table(run), None))
            run = []
        if block is not None:
            name = f"table {block.number}"
            locations = [Location(f"{name}, row {r}") for r in range(1, len(block.cells) + 1)]
            out.append((Table(name, [[in_cell(c) for c in row] for row in block.cells],
                              locations, list(block.merges), dict(block.unreadable)), block))
    return out


def _run_table(run: list[Paragraph]) -> Table:
    """Consecutive paragraphs as one table of one row a line, cells split on tabs."""
    cells: list[list[str]] = []
    locations: list[Location] = []
    for p in run:
        lines = p.text.split("\n")
        for k, line in enumerate(lines, start=1):
            cells.append([c.strip(" ") for c in line.split("\t")] if line.strip() else [])
            where = (f"text box at paragraph {p.number}" if p.box else
                     f"paragraph {p.number}") + (f", line {k}" if len(lines) > 1 else "")
            locations.append(Location(where))
    a, b = run[0].number, run[-1].number
    return Table(f"paragraph {a}" if a == b else f"paragraphs {a}-{b}", cells, locations)


def _filled(block: Block) -> bool:
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(c.strip() for row in block.cells for c in row)


def _pick(path: Path, fmt: str, tables: list[DocTable], choice: Any) -> int:
    """The 1-based number of the table a choice names: its number, caption or heading."""
    if isinstance(choice, int):
        if 1 <= choice <= len(tables):
            return choice
        raise SourceError(str(path), None, f"table {choice} asked for; the {kind(fmt)} has "
                          f"{len(tables)}: {_listing(tables)}")
    wanted = " ".join(str(choice).split()).casefold()
    for names in ("caption", "heading"):
        hits = [t.number for t in tables if getattr(t, names).casefold() == wanted]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise SourceError(str(path), None, f"{len(hits)} tables have the {names} "
                              f"{choice!r}; name one by number: {_listing(tables)}")
    raise SourceError(str(path), None, f"no table with caption or heading {choice!r}; the "
                      f"{kind(fmt)} has {_listing(tables) or 'no table'}")


def _listing(tables: list[DocTable]) -> str:
    parts = []
    for t in tables:
        first = " | ".join(one_line(c) for c in (t.cells[0] if t.cells else []) if c)[:60]
        caption = f"caption {t.caption!r}, " if t.caption else ""
        heading = f"heading {t.heading[:60]!r}, " if t.heading else ""
        parts.append(f"{t.number}: {caption}{heading}{len(t.cells)} rows, first {first!r}")
    return "; ".join(parts)


# --------------------------------------------------------------------------------- lists

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def list_number(value: int, style: str) -> str:
    """A list item's number as the document shows it: ``style`` is decimal, lowerLetter,
    upperLetter, lowerRoman or upperRoman (Word's names; ODT's "1", "a", "A", "i", "I" are
    mapped to them by the caller)."""
    if style in ("lowerLetter", "upperLetter") and value > 0:
        text = ""
        n = value
        while n:
            n, rem = divmod(n - 1, 26)
            text = chr(ord("a") + rem) + text
        return text.upper() if style == "upperLetter" else text
    if style in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        text = ""
        n = value
        for amount, letters in _ROMAN:
            while n >= amount:
                text, n = text + letters, n - amount
        return text.upper() if style == "upperRoman" else text
    return str(value)


BULLET = "\u2022"


def labelled(label: str, text: str, bullet: bool) -> str:
    """A list paragraph's text with its label: ``• Name`` (a bullet marks an entry, as an
    outline's extract has it) or ``3.<tab>Name`` (a number is a value of its own, the cell
    the word processor's own text export gives it)."""
    if not label:
        return text
    return f"{BULLET} {text}" if bullet else f"{label}\t{text}"


def collapse_spaces(text: str | None) -> str:
    """XML text as a word processor shows it where white space is not significant."""
    return re.sub(r"[ \t\r\n]+", " ", text or "")
