"""``exchange-kg new-mapping``: look at a new partner list and propose its mapping file.

A user with a sixth list should not have to read the code to map it. This module reads the
document the way the readers will, and proposes what a mapping file says: which layout (a
table with its own row numbers, a table whose country is a merged cell, a plain table, an
outline of headings and entries, a table whose columns drifted), the header cells and the
field each names (from the header vocabulary, ``data/header-words.tsv``, and from what the
cells hold when a header says nothing), the partner notation, the date order, the title and
footer lines, where merged-cell labels stand. It then reads the document with the proposal,
so it can say how the first rows will be read and which cells no vocabulary understood.

Everything proposed is evidence from the document; where the document cannot decide (the
date order of a list whose every date has day <= 12, labels that fit the first and the last
row of their group alike) the proposal says so in a comment to check, never silently.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from exchange_kg.formats import detect_format, text_outside_tables
from exchange_kg.normalise.country import parse_country, text_key
from exchange_kg.normalise.dates import as_of_phrases, parse_date
from exchange_kg.normalise.erasmus import parse_erasmus_code
from exchange_kg.normalise.fit import UNSPACED_SCRIPT, looks_like_institution, parse_continent
from exchange_kg.normalise.kinds import parse_kinds
from exchange_kg.normalise.level import parse_level
from exchange_kg.normalise.partner import names_unit
from exchange_kg.normalise.vocabulary import active, builtin_entries, using
from exchange_kg.readers.cells import fold, is_upper_header
from exchange_kg.readers.simple_table import MARKS, REPEATABLE

# Languages whose lists write numeric dates day first; proposed when the dates cannot say.
DAY_FIRST_LANGUAGES = frozenset({"de", "es", "fr", "it", "pl", "pt", "nl", "cs", "sk", "hu"})
DELIMITERS = ("\t", ";", "|", ",")
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
_NUMBER = re.compile(r"^\d{1,4}\.?$")
_YEAR = re.compile(r"^(?:19[5-9]\d|20\d\d)$")
_COUNTED = re.compile(r"^\S.*\(\s*\d+\s*\)$")  # "China (75)": a country with its count
_BULLET = re.compile(r"^\s*(?:[-\u2013\u2022]\s*\*?|\*)\s*\S")
_TOTAL_WORDS = ("total", "gesamt", "insgesamt", "razem", "ogółem", "ogolem")

# Fields whose cells may be dates: any other column of dates is read as the start.
DATED = frozenset({"start", "end", "term", "row_number"})

# The normaliser each field goes through, and why a field is read but not published.
NORMALISERS = {"country": "country", "city": "text", "unit": "text", "start": "date",
               "end": "term", "term": "term", "quota": "quota", "kind": "kinds",
               "waiver": "mark", "website": "url", "home_unit": "text",
               "erasmus_code": "erasmus-code", "level": "level"}
NOT_PUBLISHED = {
    "row_number": "the document's own numbering, used for a self-check",
    "continent": "checked against the country; derivable, not published",
    "area": "world region; the country is what we publish",
}


@dataclass
class Proposal:
    """A proposed mapping file, and what the user should check in it."""

    source_id: str
    language: str | None
    mapping: dict[str, Any]
    comments: dict[str, str] = field(default_factory=dict)  # option/field -> why, to check
    notes: list[str] = field(default_factory=list)
    date_order: str | None = None  # "dmy" / "mdy" as the document's own dates decide it

    def yaml(self) -> str:
        return _to_yaml(self)


# --------------------------------------------------------------------------------- lines


def document_lines(path: Path) -> tuple[list[str], dict[str, Any]]:
    """The document as the readers see it (a text extract's lines, or the rows of an
    original's tables with their cells tab-separated), and the document options the format
    layer asked for to read it (the sheet or HTML table with a header, an encoding or a
    delimiter it could not detect), each chosen by trying the candidates in turn."""
    found = _open(path, {}, depth=0)
    if found is not None and not found[1] and _no_table(found[0]):
        # a text extract without tabs: its columns may be aligned with spaces
        found = _open(path, {"format": "aligned"}, depth=3) or found
    if found is None:
        raise ValueError(f"{path}: no sheet, table, encoding or delimiter gives a table with a "
                         "header; say which with the reader options (see the README)")
    return found


def _no_table(lines: Sequence[str]) -> bool:
    delimiter = _delimiter(lines)
    return delimiter is None or _header_line(lines, delimiter) is None


_CANDIDATES: dict[str, Sequence[Any]] = {"delimiter": (";", ",", "\t", "|"),
                                         "encoding": ("utf-8", "cp1252", "latin-1")}


def _open(path: Path, options: dict[str, Any], depth: int
          ) -> tuple[list[str], dict[str, Any]] | None:
    from exchange_kg import formats
    from exchange_kg.records import SourceError

    try:
        view = formats.open_view(path, [options])
    except SourceError as exc:
        asked = re.search(r"reader option `(\w+):`", exc.message)
        if asked is None or depth > 3 or asked.group(1) in options:
            return None
        key = asked.group(1)
        for candidate in _CANDIDATES.get(key, range(1, 21)):
            found = _open(path, {**options, key: candidate}, depth + 1)
            if found is not None:
                return found
        return None
    # rows of sheets the options do not read are the build's to report, not this table's
    lines = [("" if (d := view.dispositions.get(n)) and d.kind == "table-not-read" else text)
             for n, text in enumerate(view.lines, start=1)]
    delimiter = _delimiter(lines)
    if not delimiter or (view.locations is not None and delimiter != "\t"):
        return (lines, options) if not options else None  # an outline: no table to choose
    return (lines, options) if _header_line(lines, delimiter) is not None else None


def _cells(line: str, delimiter: str) -> list[str]:
    cells = [c.strip() for c in line.split(delimiter)]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _delimiter(lines: Sequence[str]) -> str | None:
    """The delimiter that splits most lines into three or more cells; else, for a list of
    two columns (country and partner), one that splits most into two, but never a comma,
    which partner names hold ("University of X, Faculty of Y")."""
    for cells, delimiters in ((3, DELIMITERS), (2, DELIMITERS[:-1])):
        counts = {d: sum(1 for ln in lines if len(_cells(ln, d)) >= cells) for d in delimiters}
        best = max(delimiters, key=lambda d: (counts[d], -delimiters.index(d)))
        if counts[best] >= 3:
            return best
    return None


@lru_cache(maxsize=1)
def _header_table() -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The header vocabulary: each text as compared exactly and as compared tolerantly,
    and the (field, language) it names."""
    entries = [(text_key(e.text), e.value, e.language) for e in builtin_entries("headers")]
    return (tuple(t for t, _, _ in entries), tuple(fold(t) for t, _, _ in entries),
            tuple((f, lang) for _, f, lang in entries))


@lru_cache(maxsize=65536)
def header_field(cell: str) -> tuple[str | None, str | None]:
    """The field a header cell names, and the language of the wording (None: unknown).

    Asked for every cell of every line while the header is looked for, so the comparison
    with the whole vocabulary runs in rapidfuzz, and each distinct cell is compared once."""
    key = text_key(cell)
    if not key:
        return None, None
    texts, folded_texts, meanings = _header_table()
    if key in texts:
        return meanings[texts.index(key)]
    if len(key) < 3:
        return None, None
    # a header cut short ("Quot") or slightly misread: the first entry it may stand for
    folded = fold(key)
    near = [i for i, t in enumerate(folded_texts) if len(t) >= 3 and (
        folded.startswith(t) or t.startswith(folded))]
    near += [i for _, _, i in process.extract(folded, folded_texts, scorer=fuzz.ratio,
                                              score_cutoff=90.0, limit=None)]
    return meanings[min(near)] if near else (None, None)


def _header_line(lines: Sequence[str], delimiter: str) -> tuple[int, int] | None:
    """(index, leading cells) of the table's header line: one that names its columns in
    words of the header vocabulary, else one whose shape and the rows under it show it is a
    header in words the vocabulary does not know (a list in another language)."""
    return _worded_header(lines, delimiter) or _shaped_header(lines, delimiter)


def _worded_header(lines: Sequence[str], delimiter: str) -> tuple[int, int] | None:
    """The first line whose cells are header words (two at least).

    The header may stand at the end of a line whose first cells are something else (OCR
    passes glued in front of each row): those leading cells are counted, not read."""
    for i, line in enumerate(lines):
        cells = _cells(line, delimiter)
        if len(cells) < 2:
            continue
        known = [header_field(c)[0] is not None for c in cells]
        if sum(known) < 2:
            continue
        lead = 0
        while lead < len(cells) and not known[lead]:
            lead += 1
        if sum(known[lead:]) * 2 > len(cells) - lead:
            return i, lead
    return None


SHAPED_MIN_ROWS = 3  # rows under a header the vocabulary does not know, at least
SHAPED_SEARCH_LINES = 60  # such a header stands near the top: lines searched for one


def _shaped_header(lines: Sequence[str], delimiter: str) -> tuple[int, int] | None:
    """The first line of three or more word cells above rows whose content names at least
    two fields, partners among them: the header of a list whose words no vocabulary holds.

    Only the rows' content decides, so the same evidence that names each column then (a
    column of country names, of institution names, of dates) is what found the header."""
    for i, line in enumerate(lines[:SHAPED_SEARCH_LINES]):
        cells = _cells(line, delimiter)
        filled = [c for c in cells if c]
        if len(filled) < 3 or any(_data_like(c) for c in filled):
            continue
        rows = _rows_under(lines, delimiter, i, len(cells))
        if len(rows) < SHAPED_MIN_ROWS:
            continue
        columns, _ = _columns(cells, rows)
        if "partner" in columns and sum(1 for c in columns if c != "-") >= 2:
            return i, 0
    return None


def _data_like(cell: str) -> bool:
    """A cell that reads as a value (a number, date, code, country), not as a column name."""
    return bool(re.search(r"\d", cell)) or _column_by_content([cell]) is not None


def _rows_under(lines: Sequence[str], delimiter: str, at: int, width: int
                ) -> list[list[str]]:
    """The rows of cells under line ``at`` that could belong to its table (two cells at
    least, no more than the header has), up to the first line that does not."""
    rows: list[list[str]] = []
    for line in lines[at + 1:at + 201]:
        if not line.strip():
            continue
        cells = _cells(line, delimiter)
        if len(cells) < 2 or len(cells) > width:
            break
        rows.append(cells)
    return rows


def _header_rows(lines: Sequence[str], delimiter: str, at: int, lead: int
                 ) -> tuple[int, list[str], list[str]]:
    """The header row to read by, the name of each column, and the group label above it.

    A header may take two rows (see :func:`is_upper_header`): cells merged across a group of
    columns ("Exchange places", "Validity") over one cell per column ("Incoming",
    "Outgoing"; "From", "To"), and the other columns' names merged down both rows. The
    lower row is the header the reader matches; a column's name is its lower cell, or the
    upper one where the lower is empty; the group label names a column whose own cell says
    too little."""
    for top in (at, at - 1):
        if top < 0 or top + 1 >= len(lines):
            continue
        upper = _cells(lines[top], delimiter)[lead:]
        lower = _cells(lines[top + 1], delimiter)[lead:]
        if not is_upper_header(upper, lower) or any(
                _data_like(c) for j, c in enumerate(lower)
                if c and (j >= len(upper) or c != upper[j])):
            continue
        upper += [""] * (len(lower) - len(upper))
        names, groups, label = [], [], ""
        for j, cell in enumerate(lower):
            if upper[j] and cell and cell != upper[j]:
                label = upper[j]
            elif upper[j]:
                label = ""
            names.append(cell or upper[j])
            groups.append(label if cell and cell != upper[j] else "")
        return top + 1, names, groups
    return at, _cells(lines[at], delimiter)[lead:], []


# --------------------------------------------------------------------------------- columns


def _column_by_content(values: Sequence[str]) -> str | None:
    """The field a column's cells look like when its header says nothing ("Kolumna1")."""
    filled = [v for v in values if v]
    if not filled:
        return None

    def share(test: Any) -> float:
        return sum(1 for v in filled if test(v)) / len(filled)

    if share(lambda v: bool(_URL.match(v)) or "." in v and " " not in v and "/" in v) > 0.6:
        return "website"
    if share(lambda v: parse_erasmus_code(v)[0] is not None) > 0.6:
        return "erasmus_code"
    if share(lambda v: parse_continent(v) is not None) > 0.6:
        return "continent"
    if share(lambda v: parse_date(v)[0] is not None and not v.isdigit()) > 0.6:
        return "start"
    if share(lambda v: parse_country(v, fuzzy=False) is not None) > 0.6:
        return "country"
    if len(filled) >= 3 and [v.rstrip(".") for v in filled] == [
            str(n) for n in range(1, len(filled) + 1)]:
        return "row_number"  # 1, 2, 3, ...: the document's own numbering
    if share(lambda v: bool(_YEAR.match(v))) > 0.8:
        return "start"  # "2021": a year, not 2,021 places
    if share(lambda v: bool(_NUMBER.match(v)) and not v.startswith("0")) > 0.8:
        return "quota"  # "0413" is a code (an ISCED field), not 413 places
    return None


def _columns(header: Sequence[str], rows: Sequence[Sequence[str]],
             groups: Sequence[str] = (), unread: dict[str, str] | None = None,
             by_content: set[int] | None = None) -> tuple[list[str], Counter]:
    """The field of each column, and the languages of the header words that named them.

    ``unread`` receives, per header cell, why a column that looked like a field is left
    unread ("-"), and ``by_content`` the columns named by their cells alone, for the
    proposal to say so rather than decide unseen."""
    columns: list[str] = []
    languages: Counter[str] = Counter()
    why = unread if unread is not None else {}
    grouped = _grouped_fields(header, groups)
    for i, cell in enumerate(header):
        name, language = header_field(cell)
        values = [r[i] if i < len(r) else "" for r in rows]
        if i in grouped:
            name, language = grouped[i]
        elif name is None:
            name = _column_by_content(values)
            if by_content is not None and name is not None:
                by_content.add(i)
        elif name not in DATED and _column_by_content(values) == "start":
            name = "start"  # "Agreement Date" is no agreement type: its cells are dates
        elif name == "kind" and _share_of_levels(values) > 0.8:
            name = "level"  # "Type: University / Department" says the agreement's level
        elif name == "term" and any(values) and all(
                _NUMBER.match(v) for v in values if v):
            why[cell] = (f"its cells are bare numbers ({next(v for v in values if v)!r}): a "
                         "length whose unit only the header gives, of each stay or of the "
                         "agreement; map it if it is the agreement's")
            name = None
        elif name == "level" and any(values) and _share_of_levels(values) < 0.5:
            example = next(v for v in values if v)
            why[cell] = (f"its cells ({example!r}) are no agreement levels (university or "
                         "department); a study cycle has no property in the ontology")
            name = None
        if name == "start" and columns[-1:] == ["start"] and not {"end", "term"} & set(columns):
            name = "end"  # two columns of dates side by side: when it began, when it ends
        if _ticks(values) and name != "waiver":  # ticks say no country, date, code...
            kinds, flags = parse_kinds(cell)
            if kinds.kinds and not flags:
                name = "kind"  # a column ticking the rows of the agreement type it names
            else:
                why[cell] = (f"its cells tick rows, but no agreement type vocabulary knows "
                             f"{cell!r} as one type")
                name = None
        # several columns may say the type: ticked types, a type and a status column
        if name is not None and name in columns and name not in REPEATABLE:
            why[cell] = f"a second {name} column"
            _second_quota(columns, header, rows, i, name, why)
            name = None
        if language not in (None, "mul"):
            languages[language] += 1
        columns.append(name or "-")
    if "partner" not in columns:
        _partner_by_content(columns, header, rows)
    return columns, languages


def _ticks(values: Sequence[str]) -> bool:
    """A column whose filled cells only tick their rows (x, ✓, yes)."""
    filled = [v.strip().casefold() for v in values if v.strip()]
    return bool(filled) and all(v in MARKS for v in filled)


def _second_quota(columns: list[str], header: Sequence[str], rows: Sequence[Sequence[str]],
                  at: int, name: str, why: dict[str, str]) -> None:
    """A second column of places ("Incoming" beside "Outgoing"): a quota counts the places
    each way, so the first column stands for both only where the two agree on every row."""
    if name != "quota":
        return
    first = columns.index("quota")
    for row in rows:
        one, two = (row[k].strip() if k < len(row) else "" for k in (first, at))
        if one != two:
            why[header[first]] = (f"places differ from {header[at]!r} ({one!r} and {two!r}): "
                                  "a quota counts the places each way")
            columns[first] = "-"
            return
    why[header[at]] += f"; it repeats {header[first]!r} on every row"


DATE_SIDE_SHARE = 0.8  # dates on one side of the document's own date, at least


def _date_meaning(columns: list[str], names: Sequence[str], rows: Sequence[Sequence[str]],
                  as_of: tuple[str, str] | None) -> list[str]:
    """Whether a lone column of dates under a header no vocabulary knows ("Sopimus
    voimassa") says when agreements began or when they end, from the date the document
    says it is current as of: a list's agreements are running then, so dates after it are
    ends and dates before it starts. Without that evidence the column is left unread for
    the user to name: a guess would publish false dates. Returns what to check."""
    if {"end", "term"} & set(columns) or columns.count("start") != 1:
        return []
    i = columns.index("start")
    if header_field(names[i])[0] is not None:
        return []
    dates = [d for r in rows if i < len(r) and r[i] and (d := parse_date(r[i])[0]) is not None]
    if not dates:
        return []
    if as_of is None:
        columns[i] = "-"
        return [f"{names[i]!r} not read ('-'): its cells are dates, and neither its header nor "
                "a date of the document tells whether they are starts or ends: map it as "
                "start or end"]
    later = sum(1 for d in dates if d.isoformat() > as_of[0]) / len(dates)
    if later >= DATE_SIDE_SHARE:
        columns[i] = "end"
        side = "after"
    elif later <= 1 - DATE_SIDE_SHARE:
        side = "before"
    else:
        columns[i] = "-"
        return [f"{names[i]!r} not read ('-'): its dates fall both before and after the "
                f"document's date ({as_of[0]}): map it as start or end"]
    return [f"{names[i]!r} read as {columns[i]}: {later if side == 'after' else 1 - later:.0%} "
            f"of its dates are {side} the document's date ({as_of[0]})"]


def _grouped_fields(header: Sequence[str], groups: Sequence[str]
                    ) -> dict[int, tuple[str, str | None]]:
    """Fields of columns under a group label whose own cells name no field: the two
    columns under a period ("Validity: From | To") are its start and end; the first under a
    group of places ("Exchange places: Incoming | Outgoing") is the quota."""
    out: dict[int, tuple[str, str | None]] = {}
    for label in dict.fromkeys(g for g in groups if g):
        members = [j for j, g in enumerate(groups) if g == label]
        if any(header_field(header[j])[0] is not None for j in members):
            continue
        name, language = header_field(label)
        if name in ("term", "start", "end") and len(members) == 2:
            out[members[0]], out[members[1]] = ("start", language), ("end", language)
        elif name is not None:
            out[members[0]] = (name, language)
    return out


PARTNER_MIN_SHARE = 0.5  # cells with an institution word in a column of partners, at least


def _partner_by_content(columns: list[str], header: Sequence[str],
                        rows: Sequence[Sequence[str]]) -> None:
    """Name as partners the unnamed column whose cells most often hold an institution word
    ("Universiteit", "Hochschule", "Institute"), when no header named one."""
    best, share = None, PARTNER_MIN_SHARE
    for i, name in enumerate(columns):
        if name != "-":
            continue
        filled = [r[i] for r in rows if i < len(r) and r[i]]
        if filled:
            found = sum(1 for v in filled if looks_like_institution(v)) / len(filled)
            if found >= share:
                best, share = i, found
    if best is not None:
        columns[best] = "partner"


def _share_of_levels(values: Sequence[str]) -> float:
    filled = [v for v in values if v.strip()]
    return sum(1 for v in filled if parse_level(v)[0]) / len(filled) if filled else 0.0


def _notation(partners: Sequence[str]) -> str:
    """How the partner cells attach units: the separator followed by a unit most often."""
    counts: Counter[str] = Counter()
    for cell in partners:
        for m in re.finditer(r"\(([^()]+)\)", cell):
            if names_unit(m.group(1)):
                counts["parentheses"] += 1
        for m in re.finditer(r"\s[-–—]\s+(.+)$", cell):
            if names_unit(m.group(1)) or m.group(1).split()[0].isupper():
                counts["dash"] += 1
        for piece in cell.split(", ")[1:]:
            if names_unit(piece):
                counts["comma"] += 1
    ranked = counts.most_common(2) + [("auto", 0), ("auto", 0)]
    (notation, count), (_, runner_up) = ranked[0], ranked[1]
    if count >= max(2, len(partners) / 60) and count >= 2 * runner_up:
        return notation
    return "auto"


# --------------------------------------------------------------------------------- layouts


def _table_section(lines: Sequence[str], delimiter: str, header_at: int, lead: int,
                   language_votes: Counter) -> dict[str, Any]:
    header_at, names, groups = _header_rows(lines, delimiter, header_at, lead)
    header = _cells(lines[header_at], delimiter)[lead:]
    rows = [_cells(ln, delimiter) for ln in lines[header_at + 1:] if ln.strip()]
    rows = [r[len(r) - len(header):] if len(r) > len(header) else r for r in rows if len(r) >= 2]
    unread: dict[str, str] = {}
    by_content: set[int] = set()
    columns, languages = _columns(names, rows, groups, unread, by_content)
    checks = [f"{cell!r} not read ('-'): {why}" for cell, why in unread.items()]
    checks += [f"{names[i]!r} not read ('-'): no header word or content names its field"
               for i, c in enumerate(columns) if c == "-" and names[i] not in unread
               and any(i < len(r) and r[i] for r in rows)]
    dated = _date_meaning(columns, names, rows, stated_as_of(lines))
    checks += dated or []
    checks += [f"{names[i]!r} read as {columns[i]} from its cells: no header word names it"
               for i in sorted(by_content) if columns[i] not in ("-", "partner", "country")
               and not any(c.startswith(repr(names[i])) for c in dated)]
    language_votes.update(languages)
    options: dict[str, Any] = {"columns": columns, "header": header}
    if delimiter != "\t":
        options["delimiter"] = delimiter
    index = {c: i for i, c in enumerate(columns)}

    def column(name: str) -> list[str]:
        return [r[index[name]] if index[name] < len(r) else "" for r in rows]

    alone = [c for ln in lines if len(c := [x for x in _cells(ln, delimiter) if x]) == 1]
    if "country" not in index and any(parse_country(c[0], fuzzy=False) for c in alone):
        options["country_headings"] = True  # "ALLEMAGNE" over the German partners
    if "country" in index and sum(1 for v in column("country") if _COUNTED.match(v)) >= 3:
        reader = "content-table"
        options = {"start_marker": _marker(lines[_title_before(lines, header_at)])}
    elif "row_number" in index:
        reader = "numbered-table"
        checks = [c for c in ("website", "continent") if c in index]
        if checks:
            options["fit_checks"] = checks
    elif "country" in index and _merged(column("country")):
        reader = "merged-cell-table"
        options["merged"] = ["country"]
        if lead:  # text in front of the header: OCR passes glued onto the rows
            options["ocr_passes"] = True
    else:
        reader = "simple-table"
    if reader not in ("simple-table", "numbered-table"):
        for name in REPEATABLE:  # the other readers take one column a field
            for i in [i for i, c in enumerate(columns) if c == name][1:]:
                columns[i] = "-"
                checks.append(f"{header[i]!r} not read ('-'): a second {name} column, which "
                              f"the {reader} reader does not join with the first")
    if reader in ("simple-table", "numbered-table"):
        least = min((len(r) for r in rows if len(r) >= 2), default=len(columns))
        if least < len(columns):
            options["min_cells"] = max(least, index.get("partner", 0) + 1)
    return {"reader": reader, "options": options, "columns": columns, "checks": checks,
            "partners": column("partner") if "partner" in index else []}


def _merged(values: Sequence[str]) -> bool:
    """A country column most of whose cells are empty: a merged cell labelling a group."""
    return bool(values) and sum(1 for v in values if not v) >= len(values) / 3


def _title_before(lines: Sequence[str], at: int) -> int:
    """The nearest non-blank line before ``at`` that is a title (no delimiter, no digits)."""
    for i in range(at - 1, -1, -1):
        text = lines[i].strip()
        if text and "\t" not in text and not re.search(r"\d", text):
            return i
    return 0


def _marker(text: str) -> str:
    return "^" + re.escape(text.strip()).replace("\\ ", " ") + "\\s*$"


def _outline_sections(lines: Sequence[str]) -> tuple[int, int] | None:
    """(first, last) index of a run of bulleted entries under headings, if the document has
    one: the outline layout."""
    bullets = [i for i, ln in enumerate(lines) if _bulleted(ln)]
    if len(bullets) < 3:
        return None
    return bullets[0], bullets[-1]


def _pattern_for(line: str) -> str:
    """A title or footer pattern: the line's first words, numbers generalised."""
    words = line.strip().split()[:3]
    pattern = re.escape(" ".join(words))
    return "^" + re.sub(r"\d+", r"\\d+", pattern.replace("\\ ", " "))


# --------------------------------------------------------------------------------- propose


def propose(path: Path, source_id: str) -> Proposal:
    """Propose a mapping for the document at ``path`` and check it by reading with it."""
    lines, document_options = document_lines(path)
    languages: Counter[str] = Counter()
    sections: list[dict[str, Any]] = []
    delimiter = _delimiter(lines)
    found = _header_line(lines, delimiter) if delimiter else None
    header_at, lead = found if found is not None else (None, 0)
    outline = _outline_sections(lines)
    notes: list[str] = []
    comments: dict[str, str] = {}
    if outline is not None and (header_at is None or outline[0] < header_at):
        sections.append(_outline(lines, outline, header_at, languages, comments))
    if header_at is not None and delimiter is not None:
        table = _table_section(lines, delimiter, header_at, lead, languages)
        if table["checks"]:
            comments["columns"] = "CHECK: " + "; ".join(table["checks"])
        if sections and table["reader"] == "content-table":
            sections[0]["reader"]["options"]["end_marker"] = table["options"]["start_marker"]
        sections.append(_section(table, languages))
    if not sections:
        raise ValueError(f"{path}: no table header and no outline of entries found; "
                         "start from the mapping of a list with a similar layout")
    for key, value in document_options.items():
        sections[-1]["reader"]["options"][key] = value
        comments[key] = f"CHECK: the {key} that gives a table with a header"
    for key in ("sheet", "table"):
        if key in document_options:
            sections += _other_tables(path, sections[-1], key, document_options[key],
                                      languages, comments)
    language = languages.most_common(1)[0][0] if languages else None
    mapping: dict[str, Any] = {"source": source_id, "list": source_id, "sections": sections}
    proposal = Proposal(source_id, language, mapping, comments, notes)
    _refine(proposal, path)
    return proposal


def _other_tables(path: Path, first: dict[str, Any], key: str, chosen: int | str,
                  languages: Counter, comments: dict[str, str]) -> list[dict[str, Any]]:
    """Sections for the further sheets of a workbook, or tables of a page, that hold a table
    with a header ("Europe", "Asia", ...): a list split over sheets or tables is one list.
    A page's tables with the first one's header join its section (``table: [2, 3]``); every
    other table gets a section of its own. Those without a header are left to the build,
    which reports their rows as not read."""
    from exchange_kg.formats import table_count
    from exchange_kg.formats.spreadsheet import sheet_names, sheets_with_content

    options = first["reader"]["options"]
    if key == "sheet":
        names = sheet_names(path)
        chosen = names[chosen - 1] if isinstance(chosen, int) else chosen
        candidates: list[int | str] = [n for n in sheets_with_content(path) if n != chosen]
    else:
        count = table_count(path, detect_format(path), options.get("encoding"))
        candidates = [n for n in range(1, count + 1) if n != chosen]
    out: list[dict[str, Any]] = []
    for candidate in candidates:
        if key == "table" and _repeats_header(path, candidate, options):
            options["table"] = [*_as_list(options["table"]), candidate]  # however short
            continue
        found = _open(path, {key: candidate}, depth=3)
        delimiter = _delimiter(found[0]) if found is not None else None
        header = _header_line(found[0], delimiter) if found and delimiter else None
        if found is None or delimiter is None or header is None:
            continue
        section = _section(_table_section(found[0], delimiter, *header, languages), languages)
        same = section["reader"]["options"].get("header") == options.get("header")
        if key == "table" and same:
            options["table"] = [*_as_list(options["table"]), candidate]
            continue
        section["reader"]["options"][key] = candidate
        out.append(section)
    if key == "sheet" and out:
        options["sheet"] = chosen
    for n, section in enumerate((first, *out) if out else (), start=1):
        label = section["reader"]["options"][key]
        slug = re.sub(r"[^a-z0-9]+", "-", str(label).casefold()).strip("-")
        section["name"] = f"{key}-{slug or n}"
        if key == "sheet" and names_unit(str(label)) and "home_unit" not in section["fields"]:
            # a workbook with a sheet per faculty: each sheet lists that unit's partners
            section["constants"]["home_unit"] = str(label)
            comments["home_unit"] = ("CHECK: the sheet's name names one of your units; its "
                                     "rows are read as that unit's agreements")
    return out


def _repeats_header(path: Path, table: int, options: dict[str, Any]) -> bool:
    """Whether a further table of the page has the first one's header: one list split into
    tables (one a country), however few rows a table holds."""
    from exchange_kg import formats
    from exchange_kg.records import SourceError

    header = options.get("header")
    asked = {k: options[k] for k in ("encoding",) if k in options}
    try:
        view = formats.open_view(path, [{"table": table, **asked}])
    except SourceError:
        return False
    own = view.section_lines[0]  # the view holds the tables the option leaves unread too
    return bool(header) and any(_cells(view.lines[n - 1], "\t") == list(header) for n in own)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _section(table: dict[str, Any], languages: Counter) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    reader, options = table["reader"], table["options"]
    provided = (["area", "country", "partner", "waiver", "home_unit", "start"]
                if reader == "content-table" else [c for c in table["columns"] if c != "-"])
    if options.get("country_headings"):
        provided.insert(0, "country")
    for name in provided:
        if name == "partner":
            notation = "comma" if reader == "content-table" else _notation(table["partners"])
            fields[name] = {"normalise": "partner", "notation": notation}
        elif name in NOT_PUBLISHED:
            fields[name] = {"normalise": "none", "why": NOT_PUBLISHED[name]}
        else:
            fields[name] = NORMALISERS.get(name, "text")
    constants: dict[str, Any] = {}
    if "city" in provided and languages:
        constants["city_language"] = languages.most_common(1)[0][0]
    return {"name": "partners" if reader != "content-table" else "table",
            "reader": {"name": reader, "options": options}, "fields": fields,
            "constants": constants}


def _outline(lines: Sequence[str], bullets: tuple[int, int], header_at: int | None,
             languages: Counter, comments: dict[str, str]) -> dict[str, Any]:
    first = bullets[0]
    # the headings above the first entry, then the title the section starts with
    i = first - 1
    while i > 0 and (not lines[i].strip() or _heading(lines[i])
                     or lines[i].strip().lower().startswith(_TOTAL_WORDS)):
        i -= 1
    title = lines[i].strip()
    options: dict[str, Any] = {"start_marker": _marker(title), "owns_preamble": True}
    for line in lines[bullets[1] + 1:]:
        text = line.strip()
        # after the last entry, a line that heads no entries is the page's footer
        if text and not _heading(line) and not text.lower().startswith(_TOTAL_WORDS):
            options.setdefault("title_patterns", []).append(_pattern_for(text))
    for line in lines[bullets[1]:]:
        text = line.strip()
        if re.search(r"\d", text) and text.lower().startswith(_TOTAL_WORDS):
            number = re.search(r"\d+", text)
            assert number is not None
            options["total_pattern"] = "(?i)^" + re.escape(text[: number.start()]).replace(
                "\\ ", r"\s*") + r"(?P<n>\d+)"
    constants: dict[str, Any] = {}
    kinds, _ = parse_kinds(title)
    if kinds.kinds:
        constants["kinds"] = list(kinds.kinds)
        comments["kinds"] = f"the section title {title!r} names the kind of its agreements"
    for line in lines[first:bullets[1] + 1]:
        for entry in builtin_entries("continents"):
            if text_key(entry.text) == text_key(line) and entry.language != "mul":
                languages[entry.language] += 1
    entries = [re.sub(r"^\s*[-\u2013\u2022]?\s*\*?\s*", "", ln)
               for ln in lines[first:bullets[1] + 1] if _bulleted(ln)]
    return {"name": "partners", "reader": {"name": "outline-list", "options": options},
            "fields": {"country": "country",
                       "area": {"normalise": "none", "why": NOT_PUBLISHED["area"]},
                       "partner": {"normalise": "partner", "notation": _notation(entries)},
                       "waiver": "mark"},
            "constants": constants}


def _bulleted(line: str) -> bool:
    """An outline entry: a bullet (or the waiver mark) at the start of a line of one cell."""
    return "\t" not in line.strip() and bool(_BULLET.match(line))


def _heading(line: str) -> bool:
    text = line.strip()
    return bool(text) and not _bulleted(line) and (
        parse_country(text, fuzzy=False) is not None or parse_continent(text) is not None
        or bool(re.match(r"^<[^<>]+>", text)))


# --------------------------------------------------------------------------------- refining


def _refine(proposal: Proposal, path: Path) -> None:
    """Read the document with the proposal; learn title/footer lines, the date order and
    where labels stand from how it reads, and read again."""
    for _ in range(3):
        src = read_with(proposal, path)
        if not _learn(proposal, src):
            break
    _whose_unit(proposal, read_with(proposal, path))
    src = read_with(proposal, path)
    order = src.date_order
    proposal.date_order = proposal.mapping.get("date_order") or (order and order.order)
    if order is not None and order.order is None and not order.month_first:
        if _has_ambiguous_dates(src) and proposal.language in DAY_FIRST_LANGUAGES:
            proposal.mapping["date_order"] = proposal.date_order = "dmy"
            proposal.comments["date_order"] = (
                f"CHECK: no date in the document decides the order; {proposal.language} lists "
                "write the day first")
    elif order is not None and order.order is None and order.day_first and order.month_first:
        proposal.notes.append(f"numeric dates: {order.reason}")


# A column of the host's own units names a few departments over and over, for partners in
# many countries; a column of the partners' units names each partner's own.
HOME_UNIT_MAX_SHARE = 0.2  # distinct values per row, at most
HOME_UNIT_MIN_SHARED = 0.6  # rows whose value partners in another country share, at least


def _whose_unit(proposal: Proposal, src: Any) -> bool:
    """Decide whether a unit column ("Department", "Fachbereich") names the partner's unit
    or the host's own, from the document: True when it was turned into ``home_unit``.

    A header rarely says whose department it means. The column's values do: the host's
    departments are few and recur with partners in many countries. Either way the proposal
    says what it read and why, for the user to check."""
    for section in proposal.mapping["sections"]:
        columns = section["reader"]["options"].get("columns")
        if not columns or "unit" not in columns or "home_unit" in columns:
            continue
        header = section["reader"]["options"].get("header", columns)
        name = header[columns.index("unit")] if len(header) == len(columns) else "unit"
        countries: dict[str, set[str]] = {}
        rows = 0
        for rec in src.result.records:
            unit = text_key(rec.fields.get("unit") or "")
            if unit:
                rows += 1
                countries.setdefault(unit, set()).add(text_key(rec.fields.get("country") or ""))
        if not rows:
            continue
        shared = sum(1 for rec in src.result.records
                     if len(countries.get(text_key(rec.fields.get("unit") or ""), ())) > 1)
        evidence = (f"{len(countries)} distinct values in {rows} rows; {shared} rows share "
                    "theirs with partners in other countries")
        if (len(countries) <= max(3, HOME_UNIT_MAX_SHARE * rows)
                and shared >= HOME_UNIT_MIN_SHARED * rows):
            columns[columns.index("unit")] = "home_unit"
            section["fields"]["home_unit"] = section["fields"].pop("unit")
            proposal.comments["field:home_unit"] = (
                f"CHECK: {name!r} read as your own unit, not the partner's ({evidence})")
            return True
        proposal.comments["field:unit"] = (
            f"CHECK: {name!r} read as the partner's unit ({evidence}); if it names your own "
            "department, map the column as home_unit")
    return False


def _has_ambiguous_dates(src: Any) -> bool:
    return any(flag.code == "date-ambiguous" for rec in src.result.records for flag in rec.flags
               ) or any(re.search(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b", raw)
                        for rec in src.result.records for raw in rec.fields.values())


def _learn(proposal: Proposal, src: Any) -> bool:
    """Add what one reading taught; True when the proposal changed."""
    changed = False
    for section in proposal.mapping["sections"]:
        reader, options = section["reader"]["name"], section["reader"]["options"]
        if reader == "merged-cell-table":
            for note in src.result.notes:
                if "declare label_position" in note and "label_position" not in options:
                    options["label_position"] = "first"
                    proposal.comments["label_position"] = (
                        "CHECK: the layout fits labels on the first and the last row of a "
                        "group alike; first is the more common")
                    changed = True
        if reader not in ("merged-cell-table", "simple-table", "numbered-table"):
            continue
        last_record = max((n for r in src.result.records for n in r.lines), default=0)
        furniture = [n for n, d in sorted(src.result.dispositions.items())
                     if d.status.value == "unreadable" and d.kind != "table-not-read"]
        furniture += [r.first_line for r in src.result.records if _page_furniture(r, src)]
        for n in sorted(furniture):
            text = src.lines[n - 1].strip()
            if len([c for c in re.split(r"[\t;|]", text) if c.strip()]) != 1:
                continue
            key = ("footer_patterns" if n > last_record and reader != "merged-cell-table"
                   else "title_patterns")
            pattern = _pattern_for(text)
            if pattern not in options.get(key, []):
                options.setdefault(key, []).append(pattern)
                changed = True
    return changed


def _page_furniture(record: Any, src: Any) -> bool:
    """A name on a line of its own with no values that stands just before a repeated
    header or at the end of the document: a title or footer printed on the page."""
    if len(record.lines) != 1 or not any(f.code == "values-missing" for f in record.flags):
        return False
    for n in range(record.first_line + 1, len(src.lines) + 1):
        if src.lines[n - 1].strip():
            disp = src.result.dispositions.get(n)
            return disp is not None and disp.kind == "header"
    return True


def read_with(proposal: Proposal, path: Path) -> Any:
    """Read the document with the proposed mapping, as the build would."""
    from exchange_kg.manifest import Document, Publisher
    from exchange_kg.mapping_spec import load_mapping
    from exchange_kg.pipeline import read_source

    with tempfile.TemporaryDirectory() as tmp:
        mapping_path = Path(tmp) / f"{proposal.source_id}.yaml"
        mapping_path.write_text(proposal.yaml(), encoding="utf-8")
        mapping = load_mapping(mapping_path)
    doc = Document(proposal.source_id, path, None, "proposal", proposal.language or "und",
                   Publisher(None, "the publisher", "proposal"), None, path.name)
    return read_source(doc, mapping)


# --------------------------------------------------------------------------------- YAML


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if re.fullmatch(r"[A-Za-z_][\w.-]*", text) and text.lower() not in (
            "true", "false", "yes", "no", "null", "on", "off"):
        return text
    return "'" + text.replace("'", "''") + "'"


def _flow(values: Sequence[Any]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _to_yaml(p: Proposal) -> str:
    m = p.mapping
    out = [f"# Proposed by exchange-kg new-mapping for {p.source_id}"
           + (f" (language: {p.language})" if p.language else "") + ".",
           "# Check the lines marked CHECK, the constants (level, home_unit) the document",
           "# implies, and then run exchange-kg build; the report lists what was not read.",
           f"source: {m['source']}", f"list: {m['list']}"]
    if "date_order" in m:
        out.append(f"date_order: {m['date_order']}  # {p.comments.get('date_order', '')}")
    out.append("sections:")
    for sec in m["sections"]:
        out += [f"  - name: {sec['name']}", "    reader:", f"      name: {sec['reader']['name']}",
                "      options:"]
        for key, value in sec["reader"]["options"].items():
            text = _flow(value) if isinstance(value, list) else _scalar(value)
            comment = f"  # {p.comments[key]}" if key in p.comments else ""
            out.append(f"        {key}: {text}{comment}")
        out.append("    fields:")
        for name, rule in sec["fields"].items():
            comment = f"  # {p.comments['field:' + name]}" if "field:" + name in p.comments else ""
            if isinstance(rule, str):
                out.append(f"      {name}: {rule}{comment}")
            else:
                inner = ", ".join(f"{k}: {_scalar(v)}" for k, v in rule.items())
                out.append(f"      {name}: {{{inner}}}{comment}")
        constants = sec["constants"]
        if not constants:
            out.append("    constants: {}  # level: university | department; home_unit: ...")
            continue
        out.append("    constants:")
        for key, value in constants.items():
            text = _flow(value) if isinstance(value, list) else _scalar(value)
            comment = f"  # {p.comments[key]}" if key in p.comments else ""
            out.append(f"      {key}: {text}{comment}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------- preview


def preview(proposal: Proposal, path: Path, rows: int = 10) -> str:
    """How the first rows read with the proposal, what no vocabulary understood, what was
    not read and what to check: the user's next step without opening the code."""
    from exchange_kg.pipeline import source_agreements
    from exchange_kg.records import NOT_UNDERSTOOD

    src = read_with(proposal, path)
    agreements = source_agreements(src)
    out = [f"How the first {min(rows, len(agreements))} of {len(agreements)} agreements read:",
           ""]
    table = [("line", "country", "partner", "unit", "start", "end / term", "kinds", "quota")]
    for a in agreements[:rows]:
        party = a.parties[0]
        term = (str(a.end) if a.end else "open-ended" if a.open_ended else
                f"{a.duration_years} years" if a.duration_years else "")
        if a.auto_renewal:
            term = f"{term}, renewed".strip(", ")
        quota = "" if a.quota is None else ("×" if a.quota.no_student_quota else ",".join(
            f"{n}" if k == "unspecified" else f"{k} {n}" for k, n in a.quota.places))
        table.append((str(a.records[0].first_line), a.country or "-", a.consortium or party.name,
                      "; ".join(party.units), str(a.start or ""), term, ",".join(a.kinds),
                      quota))
    widths = [min(40, max(len(r[i]) for r in table)) for i in range(len(table[0]))]
    out += ["  " + "  ".join(c[:40].ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in table]
    unknown: dict[str, Counter[str]] = {}
    for rec, section in zip(src.result.records, src.sections, strict=True):
        for flag in rec.flags:
            rule = section.fields.get(flag.field)
            if flag.code in NOT_UNDERSTOOD and flag.value and rule is not None and \
                    rule.normaliser in ("country", "date", "term", "quota", "kinds", "mark"):
                unknown.setdefault(flag.field, Counter())[flag.value] += 1
    out += ["", "Cells no vocabulary understood (add them to the mapping's vocabulary: if they "
            "mean something):" if unknown else "Every cell was understood."]
    for name, values in sorted(unknown.items()):
        listed = ", ".join(f"{v!r} ×{n}" for v, n in values.most_common(12))
        out.append(f"  {name}: {listed}")
    unread_sheets = sorted({d.reason for d in src.result.dispositions.values()
                            if d.kind == "table-not-read"})
    out += [f"Not read: {reason}" for reason in unread_sheets]
    unreadable = sorted(n for n, d in src.result.dispositions.items()
                        if d.status.value == "unreadable" and d.kind != "table-not-read")
    if unreadable:
        out += ["", f"{len(unreadable)} line(s) not read (lines "
                f"{', '.join(map(str, unreadable[:10]))}{' ...' if len(unreadable) > 10 else ''})"
                ": a title or footer pattern, or another layout, may be missing."]
    checks = [c for c in proposal.comments.values() if c.startswith("CHECK")]
    checks += [*proposal.notes, *src.result.notes]
    if checks:
        out += ["", "To check:", *(f"  - {c}" for c in checks)]
    return "\n".join(out) + "\n"


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


def manifest_entry(proposal: Proposal, path: Path) -> str:
    """The entry to add to sources/manifest.yaml for the document."""
    lines = document_lines(path)[0]
    # a stamp "05/09/2025" reads in the order the document's own dates are written in
    with using(active().with_date_order(proposal.date_order)):
        as_of = stated_as_of(lines)
        outside = text_outside_tables(path)  # a page or Word document states its title and
        if outside is not None:  # date outside its tables
            lines = outside
            as_of = stated_as_of(lines, "heading or paragraph") or as_of
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    title = first if first and "\t" not in first and len(first) < 150 else None
    stamp = ([f"    as_of: {_scalar(as_of[0])}  # CHECK: the document's own date stamp",
              f"    as_of_evidence: {_scalar(as_of[1])}"] if as_of else
             ["    as_of: null  # the date the document states it is current as of"])
    return "\n".join([
        f"  - id: {proposal.source_id}",
        f"    file: {path.name}",
        f"    title: {_scalar(title) if title else 'null'}  # the document's own title, if any",
        f"    label: {_scalar('partner list ' + proposal.source_id)}  # your short description",
        f"    language: {proposal.language or 'und'}",
        "    publisher:",
        "      # if the document names its publisher, write instead name: \"...\" and "
        "evidence: \"where it says so\"",
        "      known_as: \"the institution that publishes this partner list\"",
        f"      key: {proposal.source_id}-publisher",
        *stamp,
        f"    original_file_name: {path.name}",
    ]) + "\n"
