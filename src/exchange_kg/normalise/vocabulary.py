"""The words partner lists use, as reviewed data: built in, and extended per source.

Every table the normalisers and readers look words up in (country names and abbreviations,
continent names, term phrases, agreement kinds, quota words, month names, unit words, header
wordings) is a data file in ``exchange_kg/data/``, each entry with the language it belongs to,
checked by ``tests/test_vocabulary.py``. Adding a language means adding rows, not code.

A mapping file may add or override entries for its own source (its ``vocabulary:`` key, in the
same tables). While a source is read and normalised its vocabulary is the *active* one
(:func:`using`); lookups go through :func:`active`, and every cache of a derived index is keyed
by the vocabulary, so one source's words never leak into another's. Passing the vocabulary
through every reader and normaliser signature instead would thread one argument through a
hundred call sites that only forward it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Table:
    """One vocabulary table: its data file and what its values may be."""

    file: str
    value: str  # what the value column holds, for messages and the mapping schema
    description: str


# The tables a mapping file's ``vocabulary:`` may extend, by the name it uses for them.
TABLES: dict[str, Table] = {
    "countries": Table("country-aliases.tsv", "ISO 3166-1 alpha-2 code",
                       "country names and abbreviations beyond pycountry's translations"),
    "continents": Table("continent-names.tsv", "continent(s), '|'-separated",
                        "continent and world-region names (headings, continent columns)"),
    "terms": Table("term-phrases.tsv", "term meaning",
                   "term and duration phrases (indefinite, n years, renewal, until)"),
    "kinds": Table("agreement-kinds.tsv", "agreement kind, 'status:...' or '-'",
                   "agreement kinds and statuses"),
    "quota": Table("quota-words.tsv", "quota meaning",
                   "words in quota cells (places, each, labels, not stated)"),
    "dates": Table("date-words.tsv",
                   "month number, 'prefix', 'as-of', 'as-of-after', 'period', 'filler', "
                   "'month-marker', 'suffix', 'era:' and the year before the era's first, "
                   "'solar-hijri:' and the month's number in that calendar, or 'calendar:' "
                   "and the calendar a mark names",
                   "month names and the words around dates"),
    "units": Table("unit-words.tsv", "unit | institution | campus | place, optionally ':type'",
                   "words that head units and institutions in partner names"),
    "headers": Table("header-words.tsv", "field name, or '-' for a column that names none",
                     "header cells and the field each names (for new-mapping)"),
    "marks": Table("mark-words.tsv", "'yes' or 'no'",
                   "words a mark column writes for yes and no (a tuition waiver's '相互不徴収', "
                   "'徴収')"),
}

DATE_ORDERS = ("dmy", "mdy", "ymd")


@dataclass(frozen=True)
class Entry:
    text: str
    value: str
    language: str
    note: str = ""
    flag: str = ""  # agreement kinds: a flag to raise when the phrase is read ("ocr-repaired")


@dataclass(frozen=True)
class Vocabulary:
    """A source's additions to the built-in tables, and how it writes numeric dates.

    Frozen and made of tuples, so it is hashable and serves as the key of every cache
    derived from it; the built-in vocabulary is the empty one.
    """

    extra: tuple[tuple[str, Entry], ...] = ()  # (table name, entry), in the mapping's order
    date_order: str | None = None  # "dmy" | "mdy" | "ymd" when declared or decided
    origin: str = ""  # the mapping file that declared the additions, for messages
    # the language the source is written in (its manifest entry's): Amharic and Nepali lists
    # date by calendars of their own, see dates.other_calendar
    language: str | None = None

    def entries(self, table: str) -> list[Entry]:
        """This vocabulary's own entries of ``table`` (the built-in ones not included)."""
        return [e for name, e in self.extra if name == table]

    def with_date_order(self, order: str | None) -> Vocabulary:
        return Vocabulary(self.extra, order, self.origin, self.language)

    def with_language(self, language: str | None) -> Vocabulary:
        return Vocabulary(self.extra, self.date_order, self.origin, language)

    @property
    def builtin(self) -> bool:
        return not self.extra


BUILTIN = Vocabulary()
_ACTIVE: ContextVar[Vocabulary] = ContextVar("exchange_kg_vocabulary", default=BUILTIN)


def active() -> Vocabulary:
    """The vocabulary in force: a source's while it is read and normalised, else built-in."""
    return _ACTIVE.get()


@contextmanager
def using(vocabulary: Vocabulary) -> Iterator[Vocabulary]:
    token = _ACTIVE.set(vocabulary)
    try:
        yield vocabulary
    finally:
        _ACTIVE.reset(token)


# ------------------------------------------------------------------------------ data files


def data_rows(filename: str) -> list[list[str]]:
    """Rows of a data file: tab-separated, the first non-comment line a header (skipped),
    lines starting with ``#`` comments, cells stripped."""
    text = resources.files("exchange_kg").joinpath("data", filename).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return [[cell.strip() for cell in line.split("\t")] for line in lines[1:]]


@cache
def builtin_entries(table: str) -> tuple[Entry, ...]:
    """The reviewed entries of a table (text, value, language, note)."""
    file = TABLES[table].file
    out = []
    for row in data_rows(file):
        if table == "units":  # term, kind, type, language
            text, kind, type_, language = row[:4]
            out.append(Entry(text, f"{kind}:{type_}", language))
        elif table == "kinds":  # phrase, value, language, flag, note
            text, value, language, flag = (row + [""] * 4)[:4]
            out.append(Entry(text, value, language, row[4] if len(row) > 4 else "", flag))
        else:
            text, value, language = row[:3]
            out.append(Entry(text, value, language, row[-1] if len(row) > 3 else ""))
    return tuple(out)


def entries(table: str, vocabulary: Vocabulary | None = None) -> list[Entry]:
    """The entries of a table in force for ``vocabulary`` (default: the active one).

    A source's own entries come first: tables keep the first entry of a phrase, so an
    addition with the same text overrides the built-in one.
    """
    vocabulary = active() if vocabulary is None else vocabulary
    return [*vocabulary.entries(table), *builtin_entries(table)]
