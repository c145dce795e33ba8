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

import copy
import re
from collections import Counter
from pathlib import Path
from typing import Any

from exchange_kg.formats import GRID_FORMATS, detect_format, text_outside_tables
from exchange_kg.normalise.country import parse_country, text_key
from exchange_kg.normalise.header_words import is_header_word, restates_header
from exchange_kg.normalise.kinds import ENDED, EXPIRED, parse_kinds
from exchange_kg.normalise.partner import names_unit
from exchange_kg.propose.columns import header_field
from exchange_kg.propose.document import document_lines, open_table, stated_as_of
from exchange_kg.propose.header import (
    data_like,
    find_delimiter,
    header_line,
    headerless_rows,
    split_cells,
)
from exchange_kg.propose.language import document_language
from exchange_kg.propose.layouts import (
    GENERIC_KINDS,
    headerless_section,
    marker_for,
    names_a_list,
    outline_section,
    outline_span,
    section_of,
    table_section,
)
from exchange_kg.propose.preview import manifest_entry, preview
from exchange_kg.propose.proposal import Proposal
from exchange_kg.propose.refine import read_with, refine
from exchange_kg.readers.cells import fold

__all__ = ["Proposal", "document_lines", "header_field", "manifest_entry", "preview", "propose",
           "read_with", "stated_as_of"]


def propose(path: Path, source_id: str) -> Proposal:
    """Propose a mapping for the document at ``path`` and check it by reading with it."""
    lines, document_options = document_lines(path)
    languages: Counter[str] = Counter()
    sections: list[dict[str, Any]] = []
    stacked: list[dict[str, Any]] = []
    delimiter = find_delimiter(lines)
    if delimiter != "\t" and detect_format(path) in GRID_FORMATS - {"csv"}:
        delimiter = None  # a table's cells come tab-separated; commas there are prose
    found = header_line(lines, delimiter) if delimiter else None
    header_at, lead = found if found is not None else (None, 0)
    outline = outline_span(lines)
    notes: list[str] = []
    comments: dict[str, str] = {}
    if outline is not None and (header_at is None or outline[0] < header_at):
        sections.append(outline_section(lines, outline, header_at, languages, comments))
    headerless = headerless_rows(lines, delimiter) \
        if header_at is None and delimiter is not None and outline is None else None
    if headerless is not None:
        table = headerless_section(lines, delimiter, headerless, languages)
        comments["columns"] = "CHECK: " + "; ".join(table["checks"])
        sections.append(section_of(table, languages))
    if header_at is not None and delimiter is not None:
        table = table_section(lines, delimiter, header_at, lead, languages)
        if table["checks"]:
            comments["columns"] = "CHECK: " + "; ".join(table["checks"])
        if sections and table["reader"] == "content-table":
            sections[0]["reader"]["options"]["end_marker"] = table["options"]["start_marker"]
        sections.append(section_of(table, languages))
        stacked = _stacked_tables(lines, delimiter, header_at, sections[-1], languages)
        sections += stacked
    if not sections:
        raise ValueError(f"{path}: no table header and no outline of entries found; "
                         "start from the mapping of a list with a similar layout")
    for key, value in document_options.items():
        sections[-1]["reader"]["options"][key] = value
        comments[key] = _undecided(path) if key == "encoding" else \
            "CHECK: one partner per column, the fields' labels down the first" \
            if key == "transposed" else f"CHECK: the {key} that gives a table with a header"
    # the constants the heading above each table of a page implies (type, your unit)
    headed = table_contexts(path, document_options.get("encoding")) \
        if "table" in document_options else {}
    for key in ("sheet", "table"):
        if key in document_options:
            sections += _other_tables(path, sections[-1], key, document_options[key],
                                      languages, comments, headed)
    # the title above the first table is not the title of the tables under titles of their
    # own, nor of another sheet's table (a workbook with a sheet per type of agreement)
    sheet = sections[0]["reader"]["options"].get("sheet")
    _title_kind(path, lines, header_at, [s for s in sections if not any(
        s is t for t in stacked) and s["reader"]["options"].get("sheet") == sheet], comments,
        headed)
    seen: Counter[str] = Counter()
    for section in sections:  # an outline above a table: two sections, two names
        seen[section["name"]] += 1
        if seen[section["name"]] > 1:
            section["name"] = f"{section['name']}-{seen[section['name']]}"
    language, language_check = document_language(path, lines, header_at, delimiter)
    for section in sections:  # city names are tagged in the list's language, when it is known
        if "city_language" in section["constants"]:
            if language:
                section["constants"]["city_language"] = language
            else:
                del section["constants"]["city_language"]
    mapping: dict[str, Any] = {"source": source_id, "list": source_id, "sections": sections}
    if any([s.pop("term_years", False) for s in sections]):
        # 'Duration (years)' over '5': the list's bare numbers in term cells are years
        mapping["vocabulary"] = {"terms": {"{n}": "duration"}}
        comments["vocabulary"] = "CHECK: the duration column's header says its numbers are years"
    proposal = Proposal(source_id, language, mapping, comments, notes,
                        language_check=language_check)
    refine(proposal, path)
    return proposal


TITLE_LINES = 5  # lines above the table (or outside it) that may title the list
def _title_kind(path: Path, lines: list[str], header_at: int | None,
                sections: list[dict[str, Any]], comments: dict[str, str],
                headed: dict[int, dict[str, Any]]) -> None:
    """The agreement type the list's title names ("Erasmus+ İkili Anlaşmalar Listesi"), for
    the sections whose rows do not say theirs: a constant to check. Only one type named in
    the title counts ("Erasmus+ and bilateral" says neither of a row), and never the bare
    word "exchange", which titles offices as often as agreements. A heading that names one
    table's type (``headed``: see :func:`table_contexts`) titles that table, not the list."""
    above = [ln.strip() for ln in lines[:header_at] if ln.strip()][:TITLE_LINES] \
        if header_at is not None else []
    outside = text_outside_tables(path) or []
    titles = above + [ln.strip() for ln in outside if ln.strip()][:TITLE_LINES]
    if headed:
        from exchange_kg.formats import table_headings

        headings = table_headings(path)
        own = {" ".join(headings[n - 1].split()) for n in headed}
        titles = [t for t in titles if " ".join(t.split()) not in own]
    named = {(kind, title) for title in titles if "\t" not in title and names_a_list(title)
             and not _LEGEND.search(title)
             for kind in parse_kinds(title)[0].kinds if kind not in GENERIC_KINDS}
    if len({kind for kind, _ in named}) != 1 or _joins_types(sorted(named)[0][1]) \
            or _captions(sorted(named)[0][1]):
        return
    kind, title = sorted(named)[0]
    for section in sections:
        if "kinds" not in section["constants"] and (
                "kind" not in section["fields"] or not _types_in_column(lines, header_at,
                                                                        section)):
            section["constants"]["kinds"] = [kind]
            comments["kinds"] = f"CHECK: the title {title!r} names the type of every agreement"


# a legend that spells out an abbreviation ("Note: MoU = Memorandum of Understanding"): it
# names the type the rows' cells abbreviate, not the type of every row
_LEGEND = re.compile(r"\S\s*[=＝]\s*\S")


# "and" in the languages of the lists: a title joining a type with another ("umowy
# bilateralne i Erasmus+") names two, even where the vocabulary knows only one of them
_AND = frozenset({"and", "&", "und", "et", "i", "y", "e", "oraz", "och", "og", "ja", "ve", "és",
                  "sowie", "и", "і", "та"})


def _joins_types(title: str) -> bool:
    return any(w.casefold() in _AND for w in title.split())


_BRACKETED = re.compile(r"\(([^()]*)\)")


def _captions(title: str) -> bool:
    """Whether a line holds the captions of tables side by side, each with its type in
    brackets ("Europe (Erasmus+) Outside Europe (bilateral exchange)"): brackets that name
    different types, or a type and something else, title one table each."""
    groups = _BRACKETED.findall(title)
    return len(groups) > 1 and len({parse_kinds(g)[0].kinds for g in groups}) > 1


def _types_in_column(lines: list[str], header_at: int | None, section: dict[str, Any]
                     ) -> bool:
    """Whether a section's kind column names a type on some row: a column of statuses
    alone ("Signed by all", "Approved by partner") says no row's type."""
    options = section["reader"]["options"]
    columns = options.get("columns", [])
    if header_at is None or "kind" not in columns:
        return True  # an outline's details, a content table: the rows may say it
    at, delimiter = columns.index("kind"), find_delimiter(lines) or "\t"  # as the view has it
    for line in lines[header_at + 1:]:
        cells = split_cells(line, delimiter)
        cells = cells[len(cells) - len(columns):] if len(cells) > len(columns) else cells
        if at < len(cells) and cells[at] and parse_kinds(cells[at])[0].kinds:
            return True
    return False


# Readers that take an end_marker: a table that ends where the next one's title stands.
ENDED_READERS = ("simple-table", "numbered-table")


def _stacked_tables(lines: list[str], delimiter: str, header_at: int, first: dict[str, Any],
                    languages: Counter) -> list[dict[str, Any]]:
    """Sections for the tables under the first one on the same sheet or page, each under a
    header of its own in other columns ("A) Erasmus+: University | Country | Places" over
    "B) Bilateral: Country | University | Type | From | To"); the table above each ends at
    the title (or header) of the next, so no table reads another's rows by its columns."""
    out: list[dict[str, Any]] = []
    current, at = first, header_at
    while current["reader"]["name"] in ENDED_READERS and (
            nxt := _next_header(lines, delimiter, at)) is not None:
        lead = 0
        header = split_cells(lines[nxt], delimiter)
        right_under = not any(ln.strip() for ln in lines[at + 1:nxt])
        at = nxt
        if [c for c in header if c] == [c for c in current["reader"]["options"].get(
                "header", []) if c]:
            continue  # the same table's header again, on the next page (in its margin)
        if right_under and restates_header(header, current["reader"]["options"]["columns"]):
            continue  # the header in the list's other language, under the first
        section = section_of(table_section(lines, delimiter, nxt, lead, languages), languages)
        if "partner" not in section["fields"]:
            continue
        end = nxt  # the next table's title, if a line of its own stands right above it
        while end > 0 and not lines[end - 1].strip():
            end -= 1
        if end > 0 and len([c for c in split_cells(lines[end - 1], delimiter) if c]) == 1:
            end -= 1
        current["reader"]["options"]["end_marker"] = marker_for(lines[end])
        out.append(section)
        current = section
    return out


def _next_header(lines: list[str], delimiter: str, at: int) -> int | None:
    """The next line under ``at`` whose cells are header words as written, two at least and
    most of them, and none a value: another table's header, never a row of this one."""
    for n in range(at + 1, len(lines)):
        cells = [c for c in split_cells(lines[n], delimiter) if c]
        known = sum(1 for c in cells if is_header_word(c))
        if known >= 2 and known * 2 > len(cells) and not any(data_like(c) for c in cells):
            return n
    return None


def _undecided(path: Path) -> str:
    """What the build says about the file's encoding, for the user to check the proposal's."""
    from exchange_kg import formats
    from exchange_kg.records import SourceError

    try:
        formats.open_view(path, [{}])
    except SourceError as exc:
        found = re.search(r"the encoding is not certain: (.*?); declare", exc.message)
        if found is not None:
            return (f"CHECK: the file's words read two ways, {found.group(1)}; the first "
                    "is proposed")
    return "CHECK: the encoding that gives a table with a header"


def _other_tables(path: Path, first: dict[str, Any], key: str, chosen: int | str,
                  languages: Counter, comments: dict[str, str],
                  headed: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Sections for the further sheets of a workbook, or tables of a page, that hold a table
    with a header ("Europe", "Asia", ...): a list split over sheets or tables is one list.
    A page's tables with the first one's header join its section (``table: [2, 3]``); every
    other table gets a section of its own. Those without a header are left to the build,
    which reports their rows as not read."""
    from exchange_kg.formats import continues_table, table_count
    from exchange_kg.formats.spreadsheet import sheet_names, sheets_with_content

    options = first["reader"]["options"]
    if key == "sheet":
        names = sheet_names(path)
        chosen = names[chosen - 1] if isinstance(chosen, int) else chosen
        candidates: list[int | str] = [n for n in sheets_with_content(path) if n != chosen]
    else:
        count = table_count(path, detect_format(path), options.get("encoding"))
        candidates = [n for n in range(1, count + 1) if n != chosen]
    if key != "table":
        headed = {}
    first["constants"].update(headed.get(chosen, {}))
    out: list[dict[str, Any]] = []
    for candidate in candidates:
        if key == "table" and headed.get(candidate, {}) == headed.get(chosen, {}) \
                and _repeats_header(path, key, candidate, options):
            options["table"] = [*_as_list(options["table"]), candidate]  # however short
            continue
        found = open_table(path, {key: candidate}, depth=3)
        delimiter = find_delimiter(found[0]) if found is not None else None
        header = header_line(found[0], delimiter) if found and delimiter else None
        if (found is None or delimiter is None or header is None) and key == "sheet" \
                and _repeats_header(path, key, candidate, options):
            # a sheet of one or two rows under the first sheet's header ('Active': one
            # agreement): too short to find a table in, the same table all the same
            section = copy.deepcopy(first)
            section["reader"]["options"][key] = candidate
            out.append(section)
            continue
        if found is None or delimiter is None or header is None:
            if key == "table" and candidate - 1 in _as_list(options["table"]) \
                    and continues_table(path, detect_format(path), candidate):
                options["table"] = [*_as_list(options["table"]), candidate]  # the next page's
            continue
        section = section_of(table_section(found[0], delimiter, *header, languages), languages)
        same = section["reader"]["options"].get("header") == options.get("header")
        own = headed.get(candidate, {})
        if key == "table" and same and own == headed.get(chosen, {}):
            options["table"] = [*_as_list(options["table"]), candidate]
            continue
        if own:  # under a heading naming its type or your unit: a section of its own
            section["constants"].update(own)
            comments[next(iter(own))] = ("CHECK: the heading above each table names the type "
                                         "of its agreements or your unit that holds them")
        if "partner" not in section["fields"]:
            continue  # no partners ("Type | Count"): the build reports its rows as not read
        section["reader"]["options"][key] = candidate
        out.append(section)
    if key == "sheet" and out:
        options["sheet"] = chosen
    for n, section in enumerate((first, *out) if out else (), start=1):
        label = section["reader"]["options"][key]
        slug = re.sub(r"[^a-z0-9]+", "-", str(label).casefold()).strip("-")
        section["name"] = f"{key}-{slug or n}"
        if key == "sheet" and "country" not in section["fields"] and parse_country(
                str(label), fuzzy=False) is not None:
            # a workbook with a sheet per country: each sheet lists that country's partners
            section["constants"]["country"] = str(label)
            comments["country"] = ("CHECK: the sheet's name names a country; its rows without "
                                   "a country of their own are read as there")
        elif key == "sheet" and (status := names_a_status(str(label))) is not None:
            # 'Expired', 'Terminated', 'Convenios no vigentes': a sheet of agreements no
            # longer in force; read as in force, each would be a false fact
            section["constants"]["status"] = status
            comments["status"] = ("CHECK: the sheet's name says its agreements are no longer "
                                  "in force; its rows are read with that status")
        elif key == "sheet" and names_unit(str(label)) and "home_unit" not in section["fields"]:
            # a workbook with a sheet per faculty: each sheet lists that unit's partners
            section["constants"]["home_unit"] = str(label)
            comments["home_unit"] = ("CHECK: the sheet's name names one of your units; its "
                                     "rows are read as that unit's agreements")
    return out


def names_a_status(label: str) -> str | None:
    """"ended" or "expired" where a sheet's or table's name says its agreements are no
    longer in force ('Terminated', 'Expired', 'Convenios no vigentes', 'Archiv'), else None."""
    words = fold(text_key(label)).split()
    for text in (label, " ".join(w[:-1] if w.endswith("s") else w for w in words)):
        status = parse_kinds(text)[0].status  # 'no vigentes', 'vencidos': plural words
        if status in (ENDED, EXPIRED):
            return status
    return EXPIRED if any(w.startswith(_ARCHIVE_WORDS) for w in words) else None


# Names of a sheet of former agreements ('Archive', 'Former partners', 'Ehemalige')
_ARCHIVE_WORDS = ("archiv", "former", "ehemalig", "anciens", "antiguo", "antigos", "vroeger",
                  "tidigare", "previous")


def table_contexts(path: Path, encoding: str | None = None) -> dict[int, dict[str, Any]]:
    """The constants the heading above each table implies, by table number: the agreement
    type it names ("Program Erasmus+", "Double degree agreements") or your unit that holds
    the agreements ("Faculteit der Geneeskunde"). A page split into a table per programme or
    per faculty says so only there: read as one table, a partner of two faculties would be
    one agreement, and the first heading's type would be given to every table. A heading
    naming a country is left to the format layer, which gives its table's rows the country."""
    from exchange_kg.formats import table_headings

    out: dict[int, dict[str, Any]] = {}
    for number, heading in enumerate(table_headings(path, encoding), start=1):
        if not heading or not names_a_list(heading) or parse_country(heading, fuzzy=False):
            continue
        kinds = [k for k in parse_kinds(heading)[0].kinds if k not in GENERIC_KINDS]
        if len(kinds) == 1:
            out[number] = {"kinds": kinds}
        elif not kinds and names_unit(heading):
            out[number] = {"home_unit": heading}
    return out


def _repeats_header(path: Path, key: str, table: int | str, options: dict[str, Any]) -> bool:
    """Whether a further table of the page, or sheet of the workbook, has the first one's
    header: one list split into tables or sheets, however few rows each holds."""
    from exchange_kg import formats
    from exchange_kg.records import SourceError

    header = options.get("header")
    asked = {k: options[k] for k in ("encoding",) if k in options}
    try:
        view = formats.open_view(path, [{key: table, **asked}])
    except SourceError:
        return False
    own = view.section_lines[0]  # the view holds the tables the option leaves unread too
    return bool(header) and any(split_cells(view.lines[n - 1], "\t") == list(header) for n in own)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
