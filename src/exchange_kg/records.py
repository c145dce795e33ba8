"""The data that flows between stages: what readers emit and what the mapper consumes.

Readers turn a document into :class:`RawRecord` objects (strings, exactly as read, with the
line numbers they came from) and account for every other line with a :class:`LineDisposition`.
Normalisers turn raw strings into typed values and :class:`Flag` objects; nothing in this module
knows about RDF, so readers can be tested without building a graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class LineStatus(StrEnum):
    """What became of one source line. Every non-blank line gets exactly one."""

    RECORD = "record"  # contributed to at least one record
    LAYOUT = "layout"  # header, title, footer, legend, page marker, separator
    UNREADABLE = "unreadable"  # could not be read; the reason says why


@dataclass(frozen=True)
class LineDisposition:
    line: int  # 1-based line number in the source file
    status: LineStatus
    kind: str  # e.g. "row", "continuation", "header", "title", "footer", "legend", "page-break"
    reason: str = ""  # required for UNREADABLE; free text explanation otherwise


@dataclass(frozen=True)
class Flag:
    """A doubt about one field of one record, shown in the report.

    ``withheld`` means the value was *not* published as fact (e.g. a website that belongs to
    another row); otherwise the value was published and the flag only explains how it was read.
    """

    field: str
    code: str  # machine-readable, kebab-case: "ocr-repaired", "shifted-cell", "truncated", ...
    message: str
    value: str | None = None
    withheld: bool = False


@dataclass(frozen=True)
class Location:
    """Where a row stands in the original document, for documents that are not text extracts.

    ``text`` says it as the format's users say it: ``Partners!A12:D12`` (sheet and cell range),
    ``page 2, box 56.7 120.3 538.6 134.9`` (PDF points from the page's top-left corner),
    ``table 2, row 5`` (HTML; ``page line 7 (<li>)`` on a page without tables), ``row 12`` (CSV
    record, the header counted, as RFC 7111 counts).
    ``lines`` are the file's own line numbers where it has lines (CSV), else empty.
    """

    text: str
    lines: tuple[int, ...] = ()


# Flag codes a normaliser raises when no vocabulary understood (part of) a cell: the report
# lists their values per field, so a user sees which words to add to the mapping's vocabulary.
NOT_UNDERSTOOD = frozenset({"country-unknown", "unknown-kind", "unknown-term-text",
                            "unknown-level", "unreadable"})


@dataclass
class RawRecord:
    """One row of a source as read: raw strings keyed by field name.

    Field names are the shared vocabulary below (``FIELDS``); a reader fills those it can and
    the mapping file decides which normaliser each one goes through.
    """

    source_id: str
    lines: tuple[int, ...]  # every line that contributed, ascending
    raw: str  # the raw text of those lines, joined by "\n"
    fields: dict[str, str] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    # other readings of a field (e.g. further OCR passes), best first; informative only
    alternatives: dict[str, list[str]] = field(default_factory=dict)
    # where each of ``lines`` stands in the original, when the document is not a text extract
    # (``lines`` then number the rows as read: see :mod:`exchange_kg.formats`)
    locations: tuple[Location, ...] = ()

    @property
    def first_line(self) -> int:
        return self.lines[0]


# Flags by which a reader says a row's country came from the layout, not from the row.
INFERRED_COUNTRY = frozenset(("country-from-merged-cell", "country-from-count",
                              "country-ambiguous", "country-from-evidence"))

# The raw field vocabulary shared by readers and mapping files.
FIELDS: dict[str, str] = {
    "country": "partner's country as written (any language, possibly garbled)",
    "city": "partner's city as written",
    "partner": "partner as written: institution, optional unit(s), or a consortium in brackets",
    "unit": "the partner's unit (faculty, school, department) in a column of its own",
    "other_name": "another name of the partner in a column of its own, a translation "
                  "('Peking University' beside '北京大学'), published as an alternative label",
    "start": "start / effective date as written (any date layout, or a year)",
    "end": "end date as written, or a phrase in its place ('indefinido', '5 anos')",
    "term": "free-text term: year concluded, duration, end, renewal, kinds",
    "quota": "mobility quota as written: '5', '×', 'ST10,LT5'",
    "mobility": "the mobility type the row's places count, in a column of its own ('SMS', "
                "'STA', 'students'): read with the quota, so staff places are no quota",
    "kind": "agreement type(s) as written: 'Bilateral/GE3', 'in process'",
    "waiver": "'*' when the row carries the tuition-waiver mark, else empty",
    "home_unit": "the host's own unit that holds the agreement (Tohoku department)",
    "area": "world region heading as written",
    "continent": "continent as written (Polish list)",
    "website": "partner's website as written",
    "erasmus_code": "partner's Erasmus institution code as written ('F PARIS468')",
    "level": "the agreement's level as written: 'University', 'Department', '部局間'",
    "row_number": "the document's own row number (Polish LP), for self-checks only",
    "remark": "a free-text remark on the row ('durée indéterminée', 'nur Master'), published "
              "as written",
}


@dataclass(frozen=True)
class SelfCheck:
    """A figure the document states about itself, compared with what was read."""

    name: str
    expected: int | str
    found: int | str
    lines: tuple[int, ...] = ()
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.expected == self.found


@dataclass
class ReaderResult:
    records: list[RawRecord] = field(default_factory=list)
    dispositions: dict[int, LineDisposition] = field(default_factory=dict)
    checks: list[SelfCheck] = field(default_factory=list)
    # decisions a reader took for the whole document (where labels stand, ...), for the report
    notes: list[str] = field(default_factory=list)

    def mark(self, line: int, status: LineStatus, kind: str, reason: str = "") -> None:
        """Record what became of a line; a line already used in a record stays a record line."""
        current = self.dispositions.get(line)
        if current is not None and current.status is LineStatus.RECORD:
            return
        self.dispositions[line] = LineDisposition(line, status, kind, reason)


@dataclass(frozen=True)
class ReadContext:
    """What the rest of the build knows that a reader may use as evidence.

    ``known_countries`` maps an institution key (``normalise.partner.institution_key``) to the
    countries under which some document lists that institution with an explicit country label
    of its own row: a strong hint where a reader must infer a country from layout alone.
    ``grid`` says what the document's format is, for the evidence a layout gives.
    """

    known_countries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # each line is a row of real cells (a spreadsheet, a Word or web table): a cell's text
    # never wraps onto the next line there, as it does in a printed page's text
    grid: bool = False


class OptionError(Exception):
    """A reader option that does not fit the document (a start marker that matches no line).

    Readers do not know where their options were written; the pipeline turns this into an
    error naming the mapping file and the line of ``option`` (a path below the options).
    """

    def __init__(self, option: list[str | int], message: str) -> None:
        self.option, self.message = option, message
        super().__init__(message)


class SourceError(Exception):
    """Bad input that stops a build: always names the file and the line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
