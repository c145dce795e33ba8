"""The layout a new list is proposed with: the reader (numbered, merged-cell, content or
simple table; an outline of headings and entries) and its options, and the mapping section
that names each field's normaliser."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from exchange_kg.normalise.country import parse_country, text_key
from exchange_kg.normalise.dates import stated_calendar
from exchange_kg.normalise.fit import looks_like_institution, parse_continent
from exchange_kg.normalise.header_words import restates_header
from exchange_kg.normalise.kinds import parse_kinds
from exchange_kg.normalise.partner import names_unit
from exchange_kg.normalise.vocabulary import builtin_entries
from exchange_kg.propose.columns import (
    column_fields,
    date_meaning,
    field_by_content,
    header_field,
    partner_notation,
)
from exchange_kg.propose.document import stated_as_of
from exchange_kg.propose.header import header_rows, rows_by_page, split_cells
from exchange_kg.readers.cells import is_rule
from exchange_kg.readers.details import DETAIL_FIELDS, DETAILS_COLUMN, field_of
from exchange_kg.readers.outline import split_details, uncounted, unnumbered
from exchange_kg.readers.simple_table import REPEATABLE

_COUNTED = re.compile(r"^\S.*\(\s*\d+\s*\)$")  # "China (75)": a country with its count
# a length in years ("5", "7,0"), under a header saying so
_BARE = re.compile(r"^\d{1,2}(?:[.,]\d{1,2})?$")
_BULLET = re.compile(r"^\s*(?:[-\u2013\u2022]\s*\*?|\*)\s*\S")
_TOTAL_WORDS = ("total", "gesamt", "insgesamt", "razem", "ogółem", "ogolem")


TITLE_WORDS = 12  # words of a title, at most: a longer line is a paragraph about the list
# types any list of partners is titled by ("exchange agreements", 国際交流協定, "acordos de
# cooperação"): they name the list, not the type of each of its agreements
GENERIC_KINDS = frozenset({"student-exchange", "cooperation-agreement"})


def names_a_list(line: str) -> bool:
    """A line that may be a title: short, and no sentence ("Acordos de mobilidade em vigor
    para estudantes. Última atualização: ...")."""
    text = line.strip()
    return len(text.split()) <= TITLE_WORDS and not re.search(r"[.!?]\s+\S|[.!?]$", text)


# The normaliser each field goes through, and why a field is read but not published.
NORMALISERS = {"country": "country", "city": "text", "unit": "text", "start": "date",
               "end": "term", "term": "term", "quota": "quota", "kind": "kinds",
               "waiver": "mark", "website": "url", "home_unit": "text",
               "erasmus_code": "erasmus-code", "level": "level", "other_name": "text"}


# the fields of a details cell, in the order a mapping lists them
DETAIL_ORDER = tuple(sorted(DETAIL_FIELDS))


NOT_PUBLISHED = {
    "row_number": "the document's own numbering, used for a self-check",
    "continent": "checked against the country; derivable, not published",
    "area": "world region; the country is what we publish",
    "mobility": "the mobility type of the row's places, read with the quota",
}


def table_section(lines: Sequence[str], delimiter: str, header_at: int, lead: int,
                   language_votes: Counter) -> dict[str, Any]:
    header_at, names, groups = header_rows(lines, delimiter, header_at, lead)
    header = split_cells(lines[header_at], delimiter)[lead:]
    rows = rows_by_page(lines, delimiter, header_at, lead)
    rows = [r[len(r) - len(header):] if len(r) > len(header) else r for r in rows if len(r) >= 2]
    if rows and restates_header(rows[0]):
        # the header again in the list's other language: its words name the columns whose
        # first header cell no vocabulary knows ("Valable jusqu'au" over "Gültig bis")
        other, rows = rows[0], rows[1:]
        names = [o if i < len(other) and (o := other[i]) and header_field(n)[0] is None else n
                 for i, n in enumerate(names)]
    unread: dict[str, str] = {}
    by_content: set[int] = set()
    columns, languages = column_fields(names, rows, groups, unread, by_content)
    if "mobility" in columns and "quota" not in columns:
        at = columns.index("mobility")  # the type of places no column counts
        columns[at] = "-"
        unread[names[at]] = "mobility types are read with the places, and no column was read " \
            "as the places"
    checks = [f"{cell!r} not read ('-'): {why}" for cell, why in unread.items()]
    checks += [f"{names[i]!r} not read ('-'): no header word or content names its field"
               for i, c in enumerate(columns) if c == "-" and names[i] not in unread
               and any(i < len(r) and r[i] for r in rows)]
    dated = date_meaning(columns, names, rows, stated_as_of(lines))
    checks += dated or []
    checks += [f"{names[i]!r} read as {columns[i]} from its cells: no header word names it"
               for i in sorted(by_content) if columns[i] not in ("-", "partner", "country")
               and not any(c.startswith(repr(names[i])) for c in dated)]
    checks += [f"{names[i]!r} read as other_name: its cells name each row's partner again, in "
               "another script (an alternative label); map it '-' if it names a second "
               "institution" for i, c in enumerate(columns) if c == "other_name"]
    language_votes.update(languages)
    # a term column of bare numbers under a header saying they are years
    years = "term" in columns and all(
        _BARE.match(r[columns.index("term")]) for r in rows
        if columns.index("term") < len(r) and r[columns.index("term")])
    if years:
        checks.append(f"{names[columns.index('term')]!r} read as the agreement's duration in "
                      "years, as its header says ('{n}': duration in the vocabulary)")
    # a date column's header naming its calendar ("Signed (ዓ.ም)"): its dates are of it
    calendars = {c: calendar for c, name in zip(columns, names, strict=False)
                 if c in ("start", "end", "term") and (calendar := stated_calendar(name))}
    options: dict[str, Any] = {"columns": columns, "header": header}
    if delimiter != "\t":
        options["delimiter"] = delimiter
    index = {c: i for i, c in enumerate(columns)}

    def column(name: str) -> list[str]:
        return [r[index[name]] if index[name] < len(r) else "" for r in rows]

    alone = [c for ln in lines if len(c := [x for x in split_cells(ln, delimiter) if x]) == 1]
    if "country" not in index and any(parse_country(c[0], fuzzy=False) for c in alone):
        options["country_headings"] = True  # "ALLEMAGNE" over the German partners
    if "country" in index and sum(1 for v in column("country") if _COUNTED.match(v)) >= 3:
        reader = "content-table"
        options = {"start_marker": marker_for(lines[_title_before(lines, header_at)])}
    elif "row_number" in index:
        reader = "numbered-table"
        fit = [c for c in ("website", "continent") if c in index]
        if fit:
            options["fit_checks"] = fit
    elif "country" in index and _merged(rows, index["country"]) and not (
            "partner" in index and _merged(rows, index["partner"])):
        # (a partner merged down too: its rows are a subject area or type each, which the
        # simple-table reader reads as rows of the partner above)
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
        # the shortest row written whole (a spreadsheet leaves its last empty cells
        # unwritten); the lines of a name wrapped in its cell are no rows
        least = min((len(r) for r in rows if len(r) >= 2 and sum(1 for c in r if c) >= min(
            WHOLE_ROW_CELLS + 1, len(columns))), default=len(columns))
        if least < len(columns):
            options["min_cells"] = max(least, index.get("partner", 0) + 1)
    return {"reader": reader, "options": options, "columns": columns, "checks": checks,
            "partners": column("partner") if "partner" in index else [], "term_years": years,
            "calendars": calendars}


def _merged(rows: Sequence[Sequence[str]], at: int) -> bool:
    """A country column whose cells are empty on a third of the rows that are whole but for
    it: a merged cell labelling a group. The lines of a name wrapped in its cell fill one or
    two cells, and say nothing about the country column."""
    filled = [sum(1 for j, c in enumerate(r) if c and j != at) for r in rows]
    whole = min(WHOLE_ROW_CELLS, max(filled, default=0))
    values = [r[at] if at < len(r) else "" for r, n in zip(rows, filled, strict=True)
              if n >= whole]
    return bool(values) and sum(1 for v in values if not v) >= len(values) / 3


WHOLE_ROW_CELLS = 3  # filled cells besides the country of a row that is no wrapped line


def _title_before(lines: Sequence[str], at: int) -> int:
    """The nearest non-blank line before ``at`` that is a title (no delimiter, no digits)."""
    for i in range(at - 1, -1, -1):
        text = lines[i].strip()
        if text and "\t" not in text and not re.search(r"\d", text):
            return i
    return 0


def marker_for(text: str) -> str:
    """A start or end marker that matches the line exactly as written (its spaces loosely)."""
    return "^" + re.escape(text.strip()).replace("\\ ", " ") + "\\s*$"


def outline_span(lines: Sequence[str]) -> tuple[int, int] | None:
    """(first, last) index of a run of bulleted entries under headings, if the document has
    one: the outline layout."""
    bullets = [i for i, ln in enumerate(lines) if _bulleted(ln)]
    if len(bullets) < 3:
        return None
    # a run of entries ends where prose does (a closing, a signature), not at the last bullet
    # of the document (a quoted message's "-----Original message-----")
    runs: list[list[int]] = [[bullets[0]]]
    for a, b in zip(bullets, bullets[1:], strict=False):
        prose = sum(1 for ln in lines[a + 1:b] if ln.strip() and not _heading(ln))
        if prose >= PROSE_BETWEEN_RUNS:
            runs.append([])
        runs[-1].append(b)
    run = max(runs, key=len)
    # bullets before the first that names an institution, parted from it by prose (a title,
    # an introduction), are a page's navigation (a breadcrumb: "Home", "Study abroad")
    named = [i for i in run if looks_like_institution(_entry_text(lines[i]))]
    if named and named[0] != run[0]:
        before = run[run.index(named[0]) - 1]
        if any(ln.strip() and not _heading(ln) for ln in lines[before + 1:named[0]]):
            run = run[run.index(named[0]):]
    if len(run) < 3:
        return None
    return run[0], run[-1]


# Lines of prose (not entries, not headings) between two bullets that end a run of entries.
PROSE_BETWEEN_RUNS = 3


def _entry_text(line: str) -> str:
    return re.sub(r"^\s*[-\u2013\u2022]?\s*\*?\s*", "", unnumbered(line.strip()))


def pattern_for(line: str) -> str:
    """A title or footer pattern: the line's first words, numbers generalised."""
    words = line.strip().split()[:3]
    pattern = re.escape(" ".join(words))
    return "^" + re.sub(r"\d+", r"\\d+", pattern.replace("\\ ", " "))


def headerless_section(lines: Sequence[str], delimiter: str, span: tuple[int, int],
                       languages: Counter) -> dict[str, Any]:
    """A table without a header (see :func:`header.headerless_rows`): each column named by
    what its cells hold, every one of them a CHECK; the lines around it are learnt as titles
    and footers when the proposal is read."""
    rows = [split_cells(ln, delimiter) for ln in lines[span[0]:span[1] + 1]]
    names = [f"column {i}" for i in range(1, len(rows[0]) + 1)]
    columns, found = column_fields([""] * len(names), rows)
    languages.update(found)
    dated = date_meaning(columns, names, rows, stated_as_of(lines))  # starts, or ends?
    checks = [*dated, *(f"{names[i]} read as {c} from its cells: the table has no header"
                        for i, c in enumerate(columns) if c != "-")]
    options: dict[str, Any] = {"columns": columns}
    if delimiter != "\t":
        options["delimiter"] = delimiter
    at = columns.index("partner")
    return {"reader": "simple-table", "options": options, "columns": columns,
            "checks": checks, "partners": [r[at] for r in rows if at < len(r)],
            "term_years": False}


def section_of(table: dict[str, Any], languages: Counter) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    reader, options = table["reader"], table["options"]
    provided = (["area", "country", "partner", "waiver", "home_unit", "start"]
                if reader == "content-table" else [c for c in table["columns"] if c != "-"])
    if DETAILS_COLUMN in provided:  # a cell of details: each field it may give
        at = provided.index(DETAILS_COLUMN)
        provided[at:at + 1] = [f for f in DETAIL_ORDER if f not in provided]
    if options.get("country_headings"):
        provided.insert(0, "country")
    for name in provided:
        if name == "partner":
            notation = "comma" if reader == "content-table" else partner_notation(table["partners"])
            fields[name] = {"normalise": "partner", "notation": notation}
        elif name in NOT_PUBLISHED:
            fields[name] = {"normalise": "none", "why": NOT_PUBLISHED[name]}
        elif name in table.get("calendars", {}):
            fields[name] = {"normalise": NORMALISERS[name], "calendar": table["calendars"][name]}
        else:
            fields[name] = NORMALISERS.get(name, "text")
    constants: dict[str, Any] = {}
    if "city" in provided and languages:
        constants["city_language"] = languages.most_common(1)[0][0]
    return {"name": "partners" if reader != "content-table" else "table",
            "reader": {"name": reader, "options": options}, "fields": fields,
            "constants": constants, "term_years": table.get("term_years", False)}


def outline_section(lines: Sequence[str], bullets: tuple[int, int], header_at: int | None,
             languages: Counter, comments: dict[str, str]) -> dict[str, Any]:
    first = bullets[0]
    # the headings above the first entry, then the title the section starts with
    i = first - 1
    while i > 0 and (not lines[i].strip() or _heading(lines[i])
                     or lines[i].strip().lower().startswith(_TOTAL_WORDS)):
        i -= 1
    title = lines[i].strip()
    options: dict[str, Any] = {"start_marker": marker_for(title), "owns_preamble": True}
    for line in lines[bullets[1] + 1:]:
        text = line.strip()
        # after the last entry, a line that heads no entries is the page's footer
        if text and not _heading(line) and not text.lower().startswith(_TOTAL_WORDS):
            options.setdefault("title_patterns", []).append(pattern_for(text))
    for line in lines[bullets[1]:]:
        text = line.strip()
        if re.search(r"\d", text) and text.lower().startswith(_TOTAL_WORDS):
            number = re.search(r"\d+", text)
            assert number is not None
            options["total_pattern"] = "(?i)^" + re.escape(text[: number.start()]).replace(
                "\\ ", r"\s*") + r"(?P<n>\d+)"
    constants: dict[str, Any] = {}
    kinds = [k for k in parse_kinds(title)[0].kinds if k not in GENERIC_KINDS] \
        if names_a_list(title) else []
    # a title inside the list names the kind of the entries under it, not the first title's
    inner = [ln.strip() for ln in lines[first:bullets[1] + 1] if ln.strip() and not _bulleted(
        ln) and not _heading(ln) and not looks_like_institution(ln.strip())]
    if kinds and not inner:
        constants["kinds"] = kinds
        comments["kinds"] = f"the section title {title!r} names the kind of its agreements"
    elif kinds:
        comments["kinds"] = (f"CHECK: the section title {title!r} names a kind, but further "
                             f"titles ({inner[0]!r}) head other entries: no kind is proposed")
    for line in lines[first:bullets[1] + 1]:
        for entry in builtin_entries("continents"):
            if text_key(entry.text) == text_key(line) and entry.language != "mul":
                languages[entry.language] += 1
    entries = [_entry_text(ln) for ln in lines[first:bullets[1] + 1] if _bulleted(ln)]
    fields: dict[str, Any] = {
        "country": "country", "area": {"normalise": "none", "why": NOT_PUBLISHED["area"]},
        "partner": {"normalise": "partner", "notation": partner_notation(
            [found[0] if (found := split_details(e)) else e for e in entries])},
        "waiver": "mark"}
    span = [ln for ln in lines[first - 1:bullets[1] + 1] if ln.strip()]
    if any(names_unit(a.strip()) and not _bulleted(a) and not _heading(a) and _bulleted(b)
           for a, b in zip(span, span[1:], strict=False)):
        options["unit_headings"] = True  # "School of Law" over its partners
        fields["home_unit"] = "text"
        comments["unit_headings"] = ("CHECK: headings that name a unit head entries: read as "
                                     "your own unit that holds their agreements")
    details = _details(entries)
    if details:
        options["details"] = details
        fields.update({d: NORMALISERS[d] for d in details if d != "-"})
        comments["details"] = ("CHECK: the entries end in details after a dash, read by what "
                               "they hold; an entry with another number of them keeps them "
                               "in its name")
    return {"name": "partners", "reader": {"name": "outline-list", "options": options},
            "fields": fields, "constants": constants}


DETAILS_MIN_SHARE = 0.6  # entries whose details after a dash count alike, at least


def _details(entries: Sequence[str]) -> list[str] | None:
    """The fields of the details that end most entries ("Name – Erasmus+, 2 places"), by what
    each position holds: agreement types, places, periods; None when they say nothing."""
    split = [found[1] for e in entries if (found := split_details(e)) is not None]
    if not split:
        return None
    width, count = Counter(len(d) for d in split).most_common(1)[0]
    if count < max(3, DETAILS_MIN_SHARE * len(entries)) or width > 4:
        return None
    names: list[str] = []
    for j in range(width):
        values = [d[j] for d in split if len(d) == width]
        name = field_by_content(values)
        read = Counter(field_of(v) for v in values).most_common(1)[0]
        if name is None and read[0] == "term" and read[1] >= DETAILS_MIN_SHARE * len(values):
            name = "term"  # "bis 31.05.2029", "unbefristet": how long each agreement runs
        if name is None and not any(re.search(r"\d", v) for v in values) and \
                sum(1 for v in values if parse_kinds(v)[0].kinds) * 3 >= len(values):
            name = "kind"  # types the vocabulary knows, among others it will report
        names.append(name if name in NORMALISERS and name not in names else "-")
    return names if any(n != "-" for n in names) else None


def _bulleted(line: str) -> bool:
    """An outline entry: a bullet (or the waiver mark) or a list number at the start of a
    line of one cell, whose text is no country or region (a numbered heading)."""
    text = unnumbered(line.strip())
    if text != line.strip():
        return "\t" not in text and not _heading(text)
    return "\t" not in text and bool(_BULLET.match(line)) and not is_rule([text])


def _heading(line: str) -> bool:
    text = uncounted(unnumbered(line.strip()))
    return bool(text) and not _bulleted(line) and (
        parse_country(text, fuzzy=False) is not None or parse_continent(text) is not None
        or bool(re.match(r"^<[^<>]+>", text)))
