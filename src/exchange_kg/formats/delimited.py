"""CSV and other delimited files in any encoding, with quoted cells over several lines.

The encoding is the one the mapping declares, else UTF-8 when the bytes are valid UTF-8 (a
legacy single-byte file almost never is), else what charset-normalizer detects — but only when
every encoding it finds plausible reads the file the same way; otherwise the build stops and
asks for ``encoding:`` rather than publish misread names. The delimiter is declared or sniffed
from the first rows; quoting follows RFC 4180 (``csv`` module), so a quoted cell may hold the
delimiter and line breaks.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from exchange_kg.formats.grid import Table, in_cell
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
    return _detect(path, data)


def _detect(path: Path, data: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise SourceError(str(path), None, "cannot tell the text encoding; declare it with the "
                          "reader option `encoding:` (e.g. cp1252, cp1250, iso-8859-2)")
    best = matches[0]
    text = str(best)
    # Encodings about as plausible as the best one must agree on every character.
    rivals = [m for m in matches[1:] if m.chaos <= best.chaos + 0.01 and str(m) != text]
    if rivals:
        other = rivals[0]
        line, mine, theirs = _first_difference(text, str(other))
        raise SourceError(str(path), line,
                          f"the encoding is not certain: {best.encoding} reads {mine!r}, "
                          f"{other.encoding} reads {theirs!r}; declare the right one with the "
                          "reader option `encoding:`")
    return text.removeprefix("\ufeff")


def _first_difference(a: str, b: str) -> tuple[int, str, str]:
    for number, (x, y) in enumerate(zip(a.split("\n"), b.split("\n"), strict=False), start=1):
        if x != y:
            return number, x.strip()[:80], y.strip()[:80]
    return 1, a[:80], b[:80]


def read_csv(path: Path, encoding: str | None, delimiter: str | None) -> Table:
    """Every record of the file as a row, located by record number and physical lines."""
    text = decode(path, path.read_bytes(), encoding)
    if not text.strip():
        raise SourceError(str(path), None, "the file is empty: no row to read")
    if delimiter is None:
        delimiter = _sniff(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    cells: list[list[str]] = []
    locations: list[Location] = []
    line = 0
    try:
        for row in reader:
            first, line = line + 1, reader.line_num
            cells.append([in_cell(c) for c in row])
            lines = tuple(range(first, line + 1))
            locations.append(Location(f"row {len(cells)}", lines))
    except csv.Error as exc:
        raise SourceError(str(path), reader.line_num, f"cannot read the CSV: {exc}") from None
    return Table(path.name, cells, locations)


def _sniff(path: Path, text: str) -> str:
    sample = text[:_SNIFF_BYTES]
    if len(text) > _SNIFF_BYTES:
        sample = sample[: sample.rfind("\n") + 1] or sample
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        raise SourceError(str(path), None, "cannot tell the delimiter; declare it with the "
                          "reader option `delimiter:`") from None
