"""The document as the readers see it, opened with the options (sheet, table, encoding,
delimiter) that give a table with a header, each found by trying the candidates in turn."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from exchange_kg.normalise.dates import as_of_phrases, parse_date
from exchange_kg.normalise.fit import UNSPACED_SCRIPT
from exchange_kg.propose.columns import header_field
from exchange_kg.propose.header import (
    find_delimiter,
    header_line,
    headerless_rows,
    split_cells,
)


def document_lines(path: Path) -> tuple[list[str], dict[str, Any]]:
    """The document as the readers see it (a text extract's lines, or the rows of an
    original's tables with their cells tab-separated), and the document options the format
    layer asked for to read it (the sheet or HTML table with a header, an encoding or a
    delimiter it could not detect), each chosen by trying the candidates in turn."""
    if not path.read_bytes().strip(b" \t\r\n\xef\xbb\xbf"):
        raise ValueError(f"{path}: the file is empty")
    found = open_table(path, {}, depth=0)
    if found is not None and not found[1] and _no_table(found[0]):
        # a text extract without tabs: its columns may be aligned with spaces
        found = open_table(path, {"format": "aligned"}, depth=3) or found
    if found is not None and _labels_down(found[0]):
        # one partner per column, the fields' labels down the first: read each column as a row
        found = open_table(path, {**found[1], "transposed": True}, depth=3) or found
    if found is None:
        raise ValueError(f"{path}: no sheet, table, encoding or delimiter gives a table with a "
                         "header; say which with the reader options (see the README)")
    return found


LABELS_DOWN_MIN = 3  # labels of different fields down the first column, at least


def _labels_down(lines: Sequence[str]) -> bool:
    """Whether a table lists one partner per column: the first cells of consecutive rows
    label more fields than any row's cells do, and every such row holds values right of
    its label. A table read as it lies then has the labels for partners."""
    delimiter = find_delimiter(lines)
    if delimiter != "\t":
        return False
    rows = [split_cells(line, delimiter) for line in lines]
    across = max((sum(header_field(c)[0] is not None for c in cells) for cells in rows),
                 default=0)
    run: set[str] = set()
    best = 0
    for cells in rows:
        labelled = len(cells) > 2 and sum(1 for c in cells[1:] if c) >= 2
        field = header_field(cells[0])[0] if labelled else None
        if field is None or field in run:
            run = set()
        if field is not None:
            run.add(field)
            best = max(best, len(run))
    return best >= LABELS_DOWN_MIN and best > across


def _no_table(lines: Sequence[str]) -> bool:
    delimiter = find_delimiter(lines)
    return delimiter is None or header_line(lines, delimiter) is None


_CANDIDATES: dict[str, Sequence[Any]] = {"delimiter": (";", ",", "\t", "|"),
                                         "encoding": ("utf-8", "cp1252", "latin-1")}


def open_table(path: Path, options: dict[str, Any], depth: int
          ) -> tuple[list[str], dict[str, Any]] | None:
    from exchange_kg import formats
    from exchange_kg.formats.delimited import LostLetters
    from exchange_kg.records import SourceError

    try:
        view = formats.open_view(path, [options])
    except SourceError as exc:
        asked = re.search(r"reader option `(\w+):`", exc.message)
        if asked is None and (not options or isinstance(exc, LostLetters)):
            raise  # the file itself cannot be read (no text layer, a .doc, damaged): say why
        if asked is None or depth > 3 or asked.group(1) in options:
            return None
        key = asked.group(1)
        # the encodings the error names (the likelier first), else the common ones
        named = re.findall(r"`encoding: ([\w-]+)`", exc.message) if key == "encoding" else []
        for candidate in named or _CANDIDATES.get(key, range(1, 21)):
            found = open_table(path, {**options, key: candidate}, depth + 1)
            if found is not None:
                return found
        return None
    # rows of sheets the options do not read are the build's to report, not this table's;
    # a page's margin (its navigation menu) the format layer knows is no entry either
    lines = [("" if (d := view.dispositions.get(n)) and d.kind in ("table-not-read",
                                                                  "page-margin") else text)
             for n, text in enumerate(view.lines, start=1)]
    delimiter = find_delimiter(lines)
    if not delimiter or (view.locations is not None and delimiter != "\t"):
        return (lines, options) if not options else None  # an outline: no table to choose
    if header_line(lines, delimiter) is not None:
        return lines, options
    from exchange_kg.propose.layouts import outline_span  # (it reads this module's dates)

    # numbered entries ("1.<tab>Name") split like cells but are an outline, not a table;
    # rows of a name and its details without a header (a description list) are a table
    return (lines, options) if not options and (
        outline_span(lines) is not None or headerless_rows(lines, delimiter) is not None) \
        else None


# How far from either end of a document its date stamp is looked for (titles, footers).
AS_OF_LINES = 10


def stated_as_of(lines: Sequence[str], where: str = "line") -> tuple[str, str] | None:
    """(ISO date, where) of the date a document says it is current as of ("Stand:
    01.10.2026" in its title, "Data aktualizacji: 02.04.2026" in its footer), if one line
    near its start or end says so and no other gives another date."""
    numbered = [(n, ln.strip()) for n, ln in enumerate(lines, 1) if ln.strip()]
    near = numbered[:AS_OF_LINES] + numbered[max(AS_OF_LINES, len(numbered) - AS_OF_LINES):]
    found: dict[str, str] = {}
    for n, text in near:
        for phrase in as_of_phrases():
            # a phrase in a script without spaces ("截至") stands against its date
            left = "" if UNSPACED_SCRIPT.match(phrase[0]) else r"(?<!\w)"
            right = "" if UNSPACED_SCRIPT.match(phrase[-1]) else r"(?!\w)"
            m = re.search(rf"{left}{re.escape(phrase)}{right}", text, re.IGNORECASE)
            if m is None:
                continue
            rest = re.split(r"[()\[\]（）【】|\t;]", text[m.end():], maxsplit=1)[0]
            value, flags = parse_date(rest.strip(" :.,-\u2013"))
            if value is not None and not flags:
                found.setdefault(value.isoformat(), f'{where} {n}: "{text}"')
            break
        for phrase in as_of_phrases(after=True):  # "（2025年4月1日現在）"
            at = text.find(phrase)
            if at > 0:
                before = re.split(r"[()\[\]（）【】|\t;]", text[:at])[-1]
                value, flags = parse_date(before.strip(" :.,-\u2013"))
                if value is not None and not flags:
                    found.setdefault(value.isoformat(), f'{where} {n}: "{text}"')
    if len(found) != 1:
        return None
    return next(iter(found.items()))
