"""Documents as universities publish them, turned into the lines the layout readers read.

The layout readers (merged-cell table, numbered table, ...) know how a partner list is laid
out; this package knows how a file stores it. A text extract (``.txt``, ``.tsv``) is read as
its lines, as it always was. A spreadsheet, CSV file, HTML page, PDF or word-processor
document (DOCX, ODT: :mod:`.textdoc`) is read as tables of cells with their merged ranges
(:mod:`.grid`), and each table row becomes one tab-separated line, so the same mapping file —
same reader, same fields, normalisers and constants — reads a list's extract and its
original. What only the original knows is kept: a merged cell is a group known exactly (every
row it spans gets its value), and every line carries its place in the original
(``Partners!A12:D12``, a page and box, a table and row, a paragraph, a CSV record).

The document options below live among each section's reader options: which sheet, table or
pages the section reads, and how to decode the file. Sections reading the same table share its
lines; each reader sees only its own tables' lines (the others are blank to it), so line
numbers are one numbering for the whole document and every line is accounted for once.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exchange_kg.formats.grid import Table, render
from exchange_kg.records import LineDisposition, LineStatus, Location, SourceError

FORMATS = ("text", "aligned", "csv", "xlsx", "xls", "ods", "html", "pdf", "docx", "odt")
# Formats whose rows are cells the file itself delimits: no cell's text wraps onto the next
# row there, as it does in the text of a printed page (pdf) or a text export of one.
GRID_FORMATS = frozenset({"csv", "xlsx", "xls", "ods", "html", "docx", "odt"})
WORD_PROCESSOR = ("docx", "odt")

MARKDOWN = (".md", ".markdown")
_SUFFIXES = {
    ".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf",
    ".txt": "text", ".tsv": "text", ".tab": "text",
    ".docx": "docx", ".docm": "docx", ".odt": "odt",
}
_ZIPPED = ("xlsx", "ods", "docx", "odt")

_CHOICE = {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "minLength": 1}]}

DOCUMENT_OPTIONS: dict[str, Any] = {
    "format": {
        "enum": list(FORMATS),
        "description": "how the file stores the list (default: from its name and content); "
        "text = a text extract read line by line, its cells tab-separated; aligned = a text "
        "extract whose columns are aligned with spaces (pdftotext -layout)",
    },
    "sheet": {**_CHOICE, "description": "spreadsheets: the sheet to read, by name or 1-based "
              "position (default: the only sheet with content)"},
    "table": {
        "oneOf": [_CHOICE, {"type": "array", "minItems": 1, "items": _CHOICE}],
        "description": "HTML: the table(s) to read, by 1-based number, id or caption "
        "(default: the page's only table); DOCX/ODT: by number, caption or the heading "
        "just above the table (default: the whole document, paragraphs included, when it "
        "has at most one table); XLSX/XLS/ODS: of the tables a sheet places side by side, "
        "by number from the left or the one-cell line over the table's header (default: "
        "all, one after the other)",
    },
    "pages": {
        "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "minLength": 1},
                  {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 1}}],
        "description": "PDF: the pages to read, e.g. 3, '2-5', '1,3,7-' (default: all)",
    },
    "pdf_tables": {
        "enum": ["lines", "text"],
        "description": "PDF: read tables cell by cell from their ruling lines, other text by "
        "position (default; merged cells of ruled tables known), or all text by position "
        "only, ignoring rules (merged cells then inferred by the reader)",
    },
    "encoding": {
        "type": "string",
        "minLength": 1,
        "description": "CSV, HTML and text: the file's encoding when it is not UTF-8 and "
        "detection is not certain (e.g. cp1252, cp1250, iso-8859-2)",
    },
    "delimiter": {
        "type": "string",
        "minLength": 1,
        "maxLength": 1,
        "description": "CSV: the delimiter (default: detected from the first rows)",
    },
    "transposed": {
        "type": "boolean",
        "description": "spreadsheets, CSV, HTML, DOCX/ODT: the table lists one partner per "
        "column, its fields' labels down the first column; read each column as a line "
        "(located by its range, 'Partners!B4:B10'); lines of one cell above and below stay "
        "lines (default: false)",
    },
}
DOCUMENT_KEYS = frozenset(DOCUMENT_OPTIONS)
# The formats each document option means something for: elsewhere it would be ignored without
# a word, so it is an error. (A text extract's ``delimiter`` belongs to readers that split
# cells on it; see ``open_view``.)
APPLIES_TO = {
    "sheet": ("xlsx", "xls", "ods"),
    "table": ("html", *WORD_PROCESSOR, "xlsx", "xls", "ods"),
    "pages": ("pdf",),
    "pdf_tables": ("pdf",),
    "encoding": ("csv", "html", "text", "aligned"),
    "delimiter": ("csv",),
    "transposed": ("xlsx", "xls", "ods", "csv", "html", *WORD_PROCESSOR),
}
_DOCUMENT_WIDE = ("format", "encoding")  # must be the same in every section


def with_document_options(schema: dict[str, Any]) -> dict[str, Any]:
    """A reader's options schema with the document options added (its own definitions win)."""
    props = schema.get("properties")
    if props is None:
        return schema
    return {**schema, "properties": {**DOCUMENT_OPTIONS, **props}}


def detect_format(path: Path, declared: str | None = None) -> str:
    """The declared format, else the one the file's content shows, else its suffix says.

    Content first for binary formats, because lists are often saved under the wrong name
    (an "Excel" export that is an HTML table, an .xls that is really XLSX).
    """
    if declared:
        return declared
    by_name = _SUFFIXES.get(path.suffix.lower())
    if by_name == "text":
        return "text"
    if path.suffix.lower() in MARKDOWN:
        from exchange_kg.formats.delimited import MARKDOWN_RULE

        # a pipe table is read as '|'-separated text; any other Markdown as the page it makes
        text = path.read_bytes().decode("utf-8", errors="replace")
        return "text" if MARKDOWN_RULE.search(text) else "html"
    with path.open("rb") as f:
        head = f.read(2048)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"PK\x03\x04"):
        return _zipped_format(path, head, by_name)
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or re.search(rb"<table[\s>]", lowered):
        return "html"
    return by_name or "text"


def _zipped_format(path: Path, head: bytes, by_name: str | None) -> str:
    """Which zip-packaged format a file is: an OpenDocument file names its type in its first,
    stored entry; an Office Open XML package by its main part (``word/document.xml``). A
    package too damaged to list goes by its name, so the error names the right reader."""
    if b"opendocument.spreadsheet" in head:
        return "ods"
    if b"opendocument.text" in head:
        return "odt"
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return by_name if by_name in _ZIPPED else "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return "xlsx"


@dataclass
class View:
    """A document as numbered lines for the readers, with what the format layer knows.

    ``locations`` is None for a text extract (its lines are the file's lines); otherwise
    ``locations[n - 1]`` places line ``n`` in the original.
    """

    format: str
    lines: list[str]
    locations: list[Location] | None
    section_lines: list[frozenset[int] | None]  # per section: its lines (None: all)
    section_options: list[dict[str, Any]]  # per section: the options its reader takes
    dispositions: dict[int, LineDisposition] = field(default_factory=dict)

    def lines_for(self, section: int) -> list[str]:
        """The lines as section ``section``'s reader sees them: others' and accounted ones
        blank, numbering unchanged."""
        own = self.section_lines[section]
        if own is None and not self.dispositions:
            return self.lines
        return [text if (own is None or n in own) and n not in self.dispositions else ""
                for n, text in enumerate(self.lines, start=1)]


# Views of the last documents opened, so that the second reading pass (with evidence from the
# other lists) does not parse a PDF or workbook again. Keyed by the file's content and the
# options, so an edited file or mapping is read anew.
_CACHE: dict[tuple[Any, ...], View] = {}
_CACHE_SIZE = 8


def clear_cache() -> None:
    from exchange_kg.formats import textdoc

    _CACHE.clear()
    textdoc.clear_cache()


def open_view(path: Path, sections: Sequence[dict[str, Any]], *, ocr: bool = False,
              splits_cells: Sequence[bool] = ()) -> View:
    """Read the document once for all sections of its mapping (see module doc).

    ``splits_cells[k]`` says that section ``k``'s reader takes a ``delimiter`` of its own
    for a text extract's cells; without it, a ``delimiter`` for a text extract is an error.
    """
    digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    key = (str(path.resolve()), digest, ocr,
           json.dumps(list(sections), sort_keys=True, default=str))
    view = _CACHE.get(key)
    if view is None:
        view = _open(path, sections, ocr, splits_cells)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = view
    return view


def _open(path: Path, sections: Sequence[dict[str, Any]], ocr: bool,
          splits_cells: Sequence[bool]) -> View:
    fmt = _one(path, sections, "format")
    declared = fmt
    fmt = detect_format(path, fmt)
    if not declared:
        _refuse_unread(path, fmt)
    encoding = _one(path, sections, "encoding")
    for k, opts in enumerate(sections):
        for key, formats in APPLIES_TO.items():
            own = key == "delimiter" and fmt == "text" and k < len(splits_cells) \
                and splits_cells[k]
            if key in opts and fmt not in formats and not own:
                raise SourceError(str(path), None,
                                  f"reader option `{key}:` is for {', '.join(formats)} files; "
                                  f"this document is read as {fmt} (set `format:` if that "
                                  "is wrong)")
    if fmt in ("text", "aligned"):
        lines = read_text_lines(path, encoding)
        if fmt == "text":
            from exchange_kg.formats.delimited import joined_quoted_cells

            lines = joined_quoted_cells(lines)
        if fmt == "aligned":
            from exchange_kg.formats.aligned import aligned_lines

            lines = aligned_lines(lines)
        elif any(s.get("delimiter") == "|" for s in sections):
            from exchange_kg.formats.delimited import markdown_rows

            lines = markdown_rows(lines)
        options = [{k: v for k, v in s.items() if k not in DOCUMENT_KEYS or k == "delimiter"}
                   for s in sections]
        return View(fmt, lines, None, [None] * len(sections), options,
                    _other_pipe_tables(lines, sections) if path.suffix.lower() in MARKDOWN
                    else {})
    options = [{k: v for k, v in s.items() if k not in DOCUMENT_KEYS} for s in sections]
    view = View(fmt, [], [], [], options)
    placed: dict[str, range] = {}
    for opts in sections:
        own: set[int] = set()
        for table in _tables(path, fmt, opts, encoding, ocr):
            if table.name not in placed:
                placed[table.name] = _append(view, table, fmt in GRID_FORMATS)
            own.update(placed[table.name])
        view.section_lines.append(frozenset(own))
    if fmt != "csv":
        _account_unread_tables(view, path, fmt, encoding, placed)
    return view


def _refuse_unread(path: Path, fmt: str) -> None:
    """A Word 97-2003 ``.doc`` (an OLE file, like ``.xls``), an RTF document or a JSON or
    XML data file would be read as a workbook or as text and fail or read as garbage: say
    what to do instead."""
    what = None
    if fmt == "xlsx" and _iwork(path):
        if path.suffix.lower() in (".pages", ".key"):
            what = f"an Apple iWork document ({path.suffix.lower()})"
        else:
            raise SourceError(str(path), None, "an Apple Numbers spreadsheet (.numbers) is not "
                              "read: export it as .xlsx (Numbers: File, Export To, Excel) and "
                              "map that file")
    if fmt == "xls" and path.suffix.lower() in (".doc", ".dot"):
        what = "a Word 97-2003 document (.doc)"
    elif fmt == "text" and path.suffix.lower() not in _SUFFIXES:
        with path.open("rb") as f:
            head = f.read(2048)
        if head.startswith(b"{\\rtf"):
            what = "an RTF document"
        elif b"<office:document" in head and b"opendocument.spreadsheet" in head:
            raise SourceError(str(path), None, "a flat OpenDocument spreadsheet (.fods) is not "
                              "read: save it as .ods or .xlsx (LibreOffice: File, Save As) and "
                              "map that file")
        elif b"<office:document" in head:
            what = "a flat OpenDocument document (.fodt)"
    if what:
        raise SourceError(str(path), None, f"{what} is not read: save it as .docx or .odt "
                          "(Word, LibreOffice) and map that file")
    if fmt == "text" and path.suffix.lower() not in _SUFFIXES:
        data = _data_file(path)
        if data:
            raise SourceError(str(path), None, f"{data} is data, not a document: it is not "
                              "read. Save its records as a table, a row each and a column per "
                              "field (a CSV or XLSX file: open it in a spreadsheet program, "
                              "or export it so), and map that file")


def _iwork(path: Path) -> bool:
    """Whether a zip package is an Apple iWork file (Numbers, Pages, Keynote: its parts in
    ``Index/*.iwa``), which the spreadsheet library could only call of unknown format."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.startswith("Index/") and n.endswith(".iwa") for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def _data_file(path: Path) -> str:
    """What a JSON or XML data file is ("a JSON file (records with the fields partner,
    country)"), or "" for any other file: read as text, its brackets and tags are no table
    and no outline, and the reader's 'no header' would not say why."""
    import json

    with path.open("rb") as f:
        head = f.read(2048).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"[", b"{")):
        try:
            value = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError, RecursionError):
            return ""
        records = value if isinstance(value, list) else next(
            (v for v in value.values() if isinstance(v, list)), []) \
            if isinstance(value, dict) else []
        fields = list(dict.fromkeys(k for r in records[:50] if isinstance(r, dict) for k in r))
        return "a JSON file" + (f" (records with the fields {', '.join(fields[:8])})"
                                if fields else "")
    if head.startswith(b"<?xml") or head.startswith(b"<") and not head.startswith(b"<!--"):
        from lxml import etree

        try:
            root = etree.fromstring(path.read_bytes(), etree.XMLParser(
                resolve_entities=False, no_network=True, huge_tree=True))
        except etree.XMLSyntaxError:
            return ""
        if not isinstance(root.tag, str):
            return ""
        name = etree.QName(root).localname
        child = next((etree.QName(c).localname for c in root if isinstance(c.tag, str)), "")
        return f"an XML file (<{name}>" + (f" of <{child}> elements)" if child else ")")
    return ""


def _account_unread_tables(view: View, path: Path, fmt: str, encoding: str | None,
                           placed: dict[str, range]) -> None:
    """Every sheet (HTML table, PDF page, DOCX/ODT table or run of paragraphs) with content
    that no section reads joins the document's lines as unreadable, each row with the reason:
    a workbook's second sheet of partners ("Asia" after "Europe"), a page's table per region,
    a PDF's pages that `pages:` leaves out, must not vanish from the build while the report
    says all was read."""
    unread: list[tuple[Table, str]] = []  # (table, why it is not read)
    navigation: set[str] = set()  # HTML tables of links only
    if fmt == "pdf":
        unread = _unread_pages(path, placed)
    elif fmt in WORD_PROCESSOR:
        from exchange_kg.formats.textdoc import other_parts

        unread = other_parts(path, fmt, set(placed))
    elif fmt == "html":
        from exchange_kg.formats.html import other_tables

        read = {int(name.removeprefix("table ")) for name in placed
                if name.startswith("table ")}
        for table, links in other_tables(path, encoding, read):
            if links:
                navigation.add(table.name)
            number = table.name.removeprefix("table ")
            unread.append((table, _not_read(table.name, f"table: {number}")))
    else:
        from exchange_kg.formats.spreadsheet import (
            caption,
            hidden_sheets,
            read_sheet,
            sheets_with_content,
        )

        hidden = hidden_sheets(path)
        for name in sheets_with_content(path, hidden=True):
            tables = read_sheet(path, name, ods=fmt == "ods")
            if not any(t.name in placed for t in tables):
                what = f"sheet {name!r}" + (" (hidden in the workbook)" if name in hidden else "")
                unread += [(t, _not_read(what, f"sheet: {name}")) for t in tables]
                continue
            for n, table in enumerate(tables, start=1):  # one of a sheet's tables side by side
                named = f" ({caption(table)!r})" if caption(table) else ""
                unread.append((table, _not_read(f"table {n}{named} of sheet {name!r}",
                                                f"sheet: {name}`, `table: {n}")))
    headings = _headings_read(view)
    read_text = " ".join(view.lines).casefold()  # the text of the tables the sections read
    for table, reason in unread:
        if table.name in placed:
            continue
        placed[table.name] = lines = _append(view, table)
        status = LineStatus.UNREADABLE
        # a country heading a read table took is no part of the note ('Francia' under the
        # document's title, its date and a sentence of introduction)
        taken = {r for r, where in enumerate(table.locations)
                 if where.text.partition(", line ")[0] in headings}
        if _is_note(table, taken):
            status, reason = LineStatus.LAYOUT, f"{reason}: a note, no table"
        elif _is_legend(table, read_text):
            status, reason = LineStatus.LAYOUT, (f"{reason}: a legend of the terms the list "
                                                 "uses, no partners")
        elif table.name in navigation:
            status, reason = LineStatus.LAYOUT, f"{reason}: links only, a navigation bar"
        for n in lines:
            if not view.lines[n - 1].strip():
                continue
            read = headings.get(view.locations[n - 1].text.partition(", line ")[0])
            if read is not None:  # "Germany" over a table: read as its first row
                view.dispositions[n] = LineDisposition(
                    n, LineStatus.LAYOUT, "heading", f"read as line {read}, the country of "
                    "the table below it")
            else:
                view.dispositions[n] = LineDisposition(n, status, "table-not-read", reason)


def _headings_read(view: View) -> dict[str, int]:
    """The paragraphs a table read took as its country heading (see :mod:`.headings`),
    each with the line that reads it."""
    from exchange_kg.formats.headings import heading_source

    assert view.locations is not None
    return {source: n for n, where in enumerate(view.locations, start=1)
            if (source := heading_source(where))}


_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")


def _other_pipe_tables(lines: list[str], sections: Sequence[dict[str, Any]]
                       ) -> dict[int, LineDisposition]:
    """The lines of a Markdown document's pipe tables other than the one the mapping reads
    (another header: the contacts' 'Name | Role | Email' under the partners), each with the
    heading right above it: read as rows of
    the list, the contacts were published as partners and the next table's heading was
    glued to the last partner's name. Only when a section names the header it reads (the
    tables under that header are read, whatever headings stand between them)."""
    from exchange_kg.formats.delimited import pipe_tables
    from exchange_kg.readers.cells import fold

    wanted = [[fold(str(c)) for c in s["header"]] for s in sections
              if s.get("delimiter") == "|" and s.get("header")]
    tables = pipe_tables(lines)
    if not wanted or not any([fold(c) for c in cells] in wanted for _, _, cells in tables):
        return {}
    out: dict[int, LineDisposition] = {}
    for first, last, cells in tables:
        if [fold(c) for c in cells] in wanted:
            continue
        reason = _not_read(f"the table under the header {' | '.join(cells)!r}", "header:")
        above = first - 1
        while above > 0 and not lines[above - 1].strip():
            above -= 1
        if above > 0 and _ATX_HEADING.match(lines[above - 1]):
            out[above] = LineDisposition(above, LineStatus.LAYOUT, "heading",
                                         f"the heading of a table not read: {reason}")
        for n in range(first, last + 1):
            out[n] = LineDisposition(n, LineStatus.UNREADABLE, "table-not-read", reason)
    return out


def _not_read(what: str, option: str) -> str:
    return f"{what} is not read by the mapping (a section with `{option}` would read it)"


# A sheet, table or page of at most this many lines of one cell each is a note (a cover
# sheet's "the table is on the next sheet", a page's navigation link), not a list.
NOTE_LINES = 3


def _is_note(table: Table, skip: set[int] | frozenset[int] = frozenset()) -> bool:
    """A few lines of one cell each naming no institution after the first (the owner's),
    or written notes of any length (see :mod:`.notes`)."""
    from exchange_kg.formats.notes import is_written_note, names_institution

    rows = [[c for c in row if c.strip()] for r, row in enumerate(table.cells) if r not in skip]
    lines = [row[0] for row in rows if row]
    if any(len(row) > 1 for row in rows):
        return False
    if len(lines) <= NOTE_LINES:
        return not any(names_institution(line) for line in lines[1:])
    return is_written_note(lines)


# A legend has at most this many rows, its terms at most this many characters.
LEGEND_ROWS = 12
LEGEND_TERM = 15


def _is_legend(table: Table, read: str) -> bool:
    """Whether an unread table is the legend of the terms the read tables use ('MoU' |
    'Memorandum of Understanding: no places', 'uit / in' | 'outgoing / incoming students',
    '—' | 'not applicable'), as a text list's legend lines are: two cells a row, a short
    term and what it means, naming no institution, and most of its terms (each word of
    them) or their meanings (up to a colon) standing in the read tables' text."""
    from exchange_kg.normalise.fit import looks_like_institution

    rows = [[c.strip() for c in row if c.strip()] for row in table.cells]
    rows = [row for row in rows if row]
    if not 2 <= len(rows) <= LEGEND_ROWS or any(len(row) != 2 for row in rows) \
            or any(looks_like_institution(c) for row in rows for c in row):
        return False
    words = set(read.split())

    def explains(term: str, meaning: str) -> bool:
        parts = [p.casefold() for p in re.split(r"[\s/,;]+", term) if p]
        head = meaning.split(":")[0].strip().casefold()
        return len(term) <= LEGEND_TERM and (bool(parts) and all(p in words for p in parts)
                                             or len(head) > 3 and head in read)

    return 2 * sum(explains(term, meaning) for term, meaning in rows) > len(rows)


def _unread_pages(path: Path, placed: dict[str, range]) -> list[tuple[Table, str]]:
    import pdfplumber

    from exchange_kg.formats.pdf import read_pages

    read = {int(m.group(1)) for name in placed if (m := re.match(r"page (\d+)", name))}
    with pdfplumber.open(path) as document:
        count = len(document.pages)
    left = [n for n in range(1, count + 1) if n not in read]
    if not left:
        return []
    try:
        tables = read_pages(path, left, "text")
    except SourceError:  # no text on any of them: nothing to account for
        return []
    return [(t, f"{t.name} is not read by the mapping (its `pages:` leave it out)")
            for t in tables]


def _one(path: Path, sections: Sequence[dict[str, Any]], key: str) -> Any:
    values = {json.dumps(s.get(key)) for s in sections if key in s}
    if len(values) > 1:
        raise SourceError(str(path), None, f"the mapping's sections disagree on `{key}:` "
                          "(one document has one)")
    return next((s[key] for s in sections if key in s), None)


def _tables(path: Path, fmt: str, opts: dict[str, Any], encoding: str | None,
            ocr: bool) -> list[Table]:
    from exchange_kg.formats.labels import without_typed_labels

    tables = _own_tables(path, fmt, opts, encoding, ocr)
    if opts.get("transposed"):
        from exchange_kg.formats.grid import transposed

        tables = [transposed(t) for t in tables]
    return [without_typed_labels(t) for t in tables]


def _own_tables(path: Path, fmt: str, opts: dict[str, Any], encoding: str | None,
                ocr: bool) -> list[Table]:
    if fmt == "csv":
        from exchange_kg.formats.delimited import read_csv

        return [read_csv(path, encoding, opts.get("delimiter"))]
    if fmt in ("xlsx", "xls", "ods"):
        from exchange_kg.formats.spreadsheet import pick_tables, read_sheet

        tables = read_sheet(path, opts.get("sheet"), ods=fmt == "ods")
        return pick_tables(path, opts.get("sheet") or tables[0].name, tables, opts.get("table"))
    if fmt == "html":
        from exchange_kg.formats.html import read_tables

        return read_tables(path, opts.get("table"), encoding)
    if fmt in WORD_PROCESSOR:
        from exchange_kg.formats import textdoc

        return textdoc.read_tables(path, fmt, opts.get("table"))
    from exchange_kg.formats.pdf import read_pages

    strategy = opts.get("pdf_tables", "lines")
    tables = read_pages(path, opts.get("pages"), strategy, ocr)
    for t in tables:
        t.name = f"{t.name} ({strategy})"
    return tables


def table_count(path: Path, fmt: str, encoding: str | None = None) -> int:
    """How many tables a page or word-processor document has (``table: N`` picks one)."""
    if fmt in WORD_PROCESSOR:
        from exchange_kg.formats.textdoc import table_count as count

        return count(path, fmt)
    from exchange_kg.formats.html import table_count as count_html

    return count_html(path, encoding)


def continues_table(path: Path, fmt: str, number: int) -> bool:
    """Whether table ``number`` of a word-processor document goes on with the one before it
    (the rows after a page break typed into the list, without its header)."""
    if fmt not in WORD_PROCESSOR:
        return False
    from exchange_kg.formats.textdoc import continues

    return continues(path, fmt, number)


def table_headings(path: Path, encoding: str | None = None) -> list[str]:
    """What names each table of a page or word-processor document, by number from 1: the
    heading or paragraph right above it, else its caption ("" where nothing does); empty for
    other formats. A document split into a table per programme or per faculty says under
    which heading each table stands, and new-mapping reads each under its own."""
    fmt = detect_format(path)
    if fmt == "html":
        from exchange_kg.formats.html import table_names

        return table_names(path, encoding)
    if fmt in WORD_PROCESSOR:
        from exchange_kg.formats.textdoc import table_names as doc_table_names

        return doc_table_names(path, fmt)
    return []


def text_outside_tables(path: Path, encoding: str | None = None) -> list[str] | None:
    """The headings and paragraphs of a page or word-processor document outside its tables
    (where it states its title and date), or None for formats that have none."""
    fmt = detect_format(path)
    if fmt == "html":
        from exchange_kg.formats.html import page_text

        return page_text(path, encoding)
    if fmt in WORD_PROCESSOR:
        from exchange_kg.formats.textdoc import document_text

        return document_text(path, fmt)
    return None


def _append(view: View, table: Table, join_wrapped: bool = False) -> range:
    assert view.locations is not None
    first = len(view.lines) + 1
    for row in render(table, join_wrapped):
        view.lines.append(row.text)
        view.locations.append(row.location)
        n = len(view.lines)
        if row.joined:
            view.dispositions[n] = LineDisposition(n, LineStatus.LAYOUT, "continuation",
                                                   row.joined)
        elif row.unreadable:
            view.dispositions[n] = LineDisposition(n, LineStatus.UNREADABLE, "row",
                                                   row.unreadable)
        elif row.layout and row.text:
            view.dispositions[n] = LineDisposition(n, LineStatus.LAYOUT, "group-label",
                                                   row.layout)
        elif row.margin and row.text:
            view.dispositions[n] = LineDisposition(n, LineStatus.LAYOUT, "page-margin",
                                                   row.margin)
        elif row.note and row.text:
            view.dispositions[n] = LineDisposition(n, LineStatus.LAYOUT, "note", row.note)
    return range(first, len(view.lines) + 1)


def read_text_lines(path: Path, encoding: str | None = None) -> list[str]:
    """A text extract's lines, numbered as an editor numbers them (only "\\n" ends a line).

    The encoding the mapping declares, else UTF-16 after a byte-order mark (Excel's "Unicode
    Text"), else UTF-8, else — a tab-separated export Excel saved in the Windows code page,
    a report a legacy system printed — the one the file's words show, as for a CSV file
    (:mod:`.encodings`): when two readings both hold up, the build asks for ``encoding:``.
    """
    data = path.read_bytes()
    bom = encoding is None and data.startswith((b"\xff\xfe", b"\xfe\xff"))
    name = encoding or ("utf-16" if bom else "utf-8")
    if name == "utf-8" and encoding is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            from exchange_kg.formats.encodings import detect

            name = detect(path, data)
    try:
        text = data.decode(name)
    except LookupError:
        raise SourceError(str(path), None, f"unknown encoding {name!r}") from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(str(path), line, f"not valid {'UTF-8' if name == 'utf-8' else name} "
                          f"({exc.reason})") from None
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln.removesuffix("\r") for ln in lines]
