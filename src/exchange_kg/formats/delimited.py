"""CSV and other delimited files in any encoding, with quoted cells over several lines.

The encoding is the one the mapping declares, else UTF-8 when the bytes are valid UTF-8 (a
legacy single-byte file almost never is), else the legacy encoding the file's words show
(:mod:`.encodings`); when they do not, the build stops and asks for ``encoding:`` rather than
publish misread names. The delimiter is declared or sniffed from the first
rows (under a title line or two, the one most rows split alike on); quoting follows RFC 4180
(``csv`` module), so a quoted cell may hold the delimiter and line breaks. A Markdown pipe
table (the rule under its header says so) is read as '|'-separated text, its cells' inline
markup as a reader sees it (:func:`_inline`).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from exchange_kg.formats.encodings import detect
from exchange_kg.formats.grid import LINE_BREAK, Table, in_cell
from exchange_kg.records import Location, SourceError

DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64_000


def decode(path: Path, data: bytes, encoding: str | None) -> str:
    """The file's text in its declared or detected encoding (see module doc)."""
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except LookupError:
            raise SourceError(str(path), None, f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise SourceError(str(path), line,
                              f"not valid {encoding} ({exc.reason}); check `encoding:`") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    return data.decode(detect(path, data)).removeprefix("\ufeff")


def read_csv(path: Path, encoding: str | None, delimiter: str | None) -> Table:
    """Every record of the file as a row, located by record number and physical lines."""
    text = decode(path, path.read_bytes(), encoding)
    if not text.strip():
        raise SourceError(str(path), None, "the file is empty: no row to read")
    if delimiter is None:
        delimiter = _sniff(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    markdown = delimiter == "|" and MARKDOWN_RULE.search(text) is not None
    cells: list[list[str]] = []
    locations: list[Location] = []
    line = 0
    try:
        for row in reader:
            first, line = line + 1, reader.line_num
            # the table's cells, not the text around it (a title, '**Notas**' as written)
            inline = markdown and len(row) > 1
            cells.append([in_cell(_inline(c) if inline else _unguarded(c)) for c in row])
            lines = tuple(range(first, line + 1))
            locations.append(Location(f"row {len(cells)}", lines))
    except csv.Error as exc:
        raise SourceError(str(path), reader.line_num, f"cannot read the CSV: {exc}") from None
    _refuse_lost_letters(path, cells, locations)
    return Table(path.name, cells, locations)


# ="01/09/2021": a text formula exporters write so that a spreadsheet keeps the cell as text
# (no date or number conversion, leading zeros kept)
_GUARDED = re.compile(r'="((?:[^"]|"")*)"', re.DOTALL)


def _unguarded(cell: str) -> str:
    """The text a cell written as Excel's text guard (``="EE TARTU02"``) shows: read as
    written, '="01/09/2021"' and '="2"' were no date and no places."""
    found = _GUARDED.fullmatch(cell.strip())
    return found.group(1).replace('""', '"') if found else cell


# '?' inside a word ('Bo?aziçi', 'u?ení') or starting one ('?ódzki'): what a program writes
# for a letter the code page it saves in cannot hold (Excel's "CSV (Macintosh)", "CSV" in a
# Windows code page); no language writes it so. An address's query ('index.php?id=3') is no
# word.
_LOST = re.compile(r"[^\W\d_]\?+[^\W\d_]|(?<![^\s(\"'])\?+[^\W\d_]{2}")


class LostLetters(SourceError):
    """Letters the file lost as it was saved: no reader option reads them back."""


def _refuse_lost_letters(path: Path, cells: list[list[str]], locations: list[Location]) -> None:
    """Stop when the file lost letters as it was saved: read, 'Bo?aziçi Üniversitesi' would be
    published as the name, and no encoding gives the letter back."""
    found: list[tuple[int, str]] = []
    for row, where in zip(cells, locations, strict=True):
        for cell in row:
            for word in cell.split():
                if "/" not in word and "=" not in word and "@" not in word \
                        and _LOST.search(word):
                    found.append((where.lines[0] if where.lines else 0, word))
    if found:
        lines = sorted({n for n, _ in found})
        words = ", ".join(repr(w) for w in dict.fromkeys(w for _, w in found[:6]))
        raise LostLetters(
            str(path), lines[0],
            f"letters were lost when the file was saved: '?' stands where a letter was "
            f"({words}; line(s) {', '.join(map(str, lines[:10]))}"
            f"{' ...' if len(lines) > 10 else ''}). Save it again as UTF-8 (Excel: 'CSV UTF-8') "
            "from the original, or put the letters back, and map that file")


# A Markdown pipe table's rule under its header ('|:-----|:----:|'): the text is Markdown.
MARKDOWN_RULE = re.compile(r"(?m)^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")
_LINK = re.compile(r"\[([^\[\]]+)\]\(\s*<?[^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*>?"
                   r"(?:\s+\"[^\"]*\")?\s*\)")
_STRUCK = re.compile(r"~~.+?~~")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


_BR = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)


def _inline(cell: str) -> str:
    """A Markdown table cell's text as a reader shows it: a link its text
    ('[Universidade de Brasília](https://www.unb.br)' is the name), strong emphasis its
    words, struck-through text gone ('~~2~~ 1': the places are 1 now, the 2 deleted), a
    ``<br>`` a line break in the cell (the only way to break a line in a pipe table: kept
    as written, it was published in the name)."""
    if "<" in cell:
        cell = _BR.sub(LINE_BREAK, cell)
    if not any(mark in cell for mark in "[~*_"):
        return cell
    cell = _LINK.sub(r"\1", cell)
    cell = _STRONG.sub(r"\2", cell)
    return re.sub(r"[ \t]{2,}", " ", _STRUCK.sub(" ", cell)) if "~~" in cell else cell


def markdown_rows(lines: list[str]) -> list[str]:
    """A text's lines with the cells of its Markdown pipe table read as :func:`_inline`
    reads them, when it has one (the rule under a header); other lines as written."""
    if not any(MARKDOWN_RULE.fullmatch(line.rstrip("\r")) for line in lines):
        return lines
    return ["|".join(_inline(c) for c in line.split("|")) if line.count("|") > 1 else line
            for line in lines]


def pipe_tables(lines: Sequence[str]) -> list[tuple[int, int, list[str]]]:
    """The Markdown pipe tables of a text: each one's first and last 1-based line (header
    to last row) and its header's cells."""
    found: list[tuple[int, int, list[str]]] = []
    n = 1
    while n < len(lines):
        head, rule = lines[n - 1], lines[n]
        if "|" in head and MARKDOWN_RULE.fullmatch(rule.rstrip("\r")):
            last = n + 1
            while last < len(lines) and "|" in lines[last] and lines[last].strip():
                last += 1
            cells = [c.strip() for c in head.strip().strip("|").split("|")]
            found.append((n, last, cells))
            n = last + 1
        else:
            n += 1
    return found


def _sniff(path: Path, text: str) -> str:
    sample = text[:_SNIFF_BYTES]
    if len(text) > _SNIFF_BYTES:
        sample = sample[: sample.rfind("\n") + 1] or sample
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    found = _by_rows(sample)
    if found is None:
        raise SourceError(str(path), None, "cannot tell the delimiter; declare it with the "
                          "reader option `delimiter:`")
    return found


# The share of a file's rows that must have one number of cells (two or more) under a
# delimiter for it to be the file's, when the sniffer cannot tell.
ROW_SHARE = 0.6


def _by_rows(sample: str) -> str | None:
    """The delimiter under which most rows have the same number of cells, two or more, when
    that is most of the rows and no other delimiter does as well: a table under a title and a
    date stamp of one cell each ('Partner agreements', 'Updated 01.10.2025'), which the
    sniffer, looking for the same count on every line, gives up on."""
    shares: dict[str, float] = {}
    for delimiter in DELIMITERS:
        try:
            rows = [len(r) for r in csv.reader(io.StringIO(sample, newline=""),
                                               delimiter=delimiter) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        counts = Counter(n for n in rows if n >= 2)
        if rows and counts:
            shares[delimiter] = counts.most_common(1)[0][1] / len(rows)
    ranked = sorted(shares.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < ROW_SHARE or len(ranked) > 1 and ranked[1][1] >= ranked[0][1]:
        return None
    return ranked[0][0]


# a quoted cell of a tab-separated export goes on over at most this many lines
QUOTED_LINES = 20


def joined_quoted_cells(lines: list[str]) -> list[str]:
    """A tab-separated text's lines with each quoted cell over several lines (a cell with a
    line break, as a spreadsheet's 'Text (tab-delimited)' or 'Unicode Text' export writes it:
    ``"Universität Wien`` on one line, ``Institut für Geschichte"<tab>Austria`` on the next)
    made one cell, its lines apart by a line break in the cell, on the line the row starts;
    the lines it took stay, blank, so every other line keeps its number. Read line by line,
    the row's first line was glued to the row above as a wrapped name and its second read as
    a partner of its own. Only a cell that opens with a quote at a cell's start and closes
    with one at a cell's end, with no tab between, is joined."""
    out = list(lines)
    if not any("\t" in line for line in lines):
        return out
    k = 0
    while k < len(out):
        cells = out[k].split("\t")
        end = _closing_line(out, k, cells[-1])
        if end is not None:
            rest = out[end].split("\t")
            parts = [cells[-1][1:], *out[k + 1:end], rest[0][:-1]]
            joined = in_cell("\n".join(parts).replace('""', '"'))
            out[k] = "\t".join([*cells[:-1], joined, *rest[1:]])
            for n in range(k + 1, end + 1):
                out[n] = ""
            k = end
        k += 1
    return out


def _closing_line(lines: list[str], start: int, cell: str) -> int | None:
    """The line a quoted cell opened at the end of line ``start`` closes on, if it does."""
    if not cell.startswith('"') or '"' in cell[1:].replace('""', ""):
        return None
    for n in range(start + 1, min(start + 1 + QUOTED_LINES, len(lines))):
        first = lines[n].split("\t")[0]
        quotes = first.replace('""', "")
        if '"' in quotes:
            return n if quotes.endswith('"') and quotes.count('"') == 1 and \
                first.endswith('"') else None
        if "\t" in lines[n]:
            return None
    return None
