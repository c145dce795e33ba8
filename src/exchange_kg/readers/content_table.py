"""Reader for tables whose columns drifted: cells are recognised by what they contain.

The model is Tohoku University's department-level table (Area / Country (n) / Institution /
Department / Year). In its text extraction whole rows are shifted left or right by stray or
missing tabs, so a column position says little. What does hold is content: a date looks like a
date, a country cell looks like ``Name (n)``, an area is one of a handful of region names, and
what is left is the institution followed by the host's own department.

The country label is a merged cell: it stands on one row of its group and the stated count
``(n)`` says how many rows the group has. Labels sometimes stand a few rows too low or on a row
of the previous group, so rows are assigned to countries by :func:`place_groups`, which uses the
counts to move boundaries only where the counts explain the labels better than the labels
explain themselves; every such move is flagged on the records it affects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from exchange_kg.normalise import country as country_module
from exchange_kg.normalise.country import parse_country
from exchange_kg.normalise.numbers import bounded_int
from exchange_kg.readers import check_columns, register
from exchange_kg.readers.sections import SECTION_SCHEMA, LayoutPatterns, open_section
from exchange_kg.records import Flag, LineStatus, RawRecord, ReaderResult, SelfCheck

DEFAULT_AREAS = [
    "Asia",
    "Europe",
    "Africa",
    "Oceania",
    "North America",
    "Central and South America",
    "South and Central America",
    "Latin America",
    "Middle and Near East",
    "Middle East",
    "Near East",
]
DEFAULT_HEADER_CELLS = [
    "Area",
    "Country / Region",
    "Country",
    "Region",
    "Institution",
    "Department",
    "Year",
]
DEFAULT_TOTAL = (
    r"(?i)^(?P<countries>\d+)\s+countries(?:\s+and\s+regions)?\s*,\s*(?P<rows>\d+)\s+"
    r"(?:institutions?|agreements?)$"
)
DEFAULT_LABEL = r"^(?P<name>\S(?:.*\S)?)\s*\(\s*(?P<count>\d+)\s*\)$"  # greedy: linear
DEFAULT_DATE = r"^\d{4}(?:/(?:\d{1,2}(?:/(?:\d{1,2})?)?)?)?$"
FIELD_ORDER = ("area", "country", "partner", "waiver", "home_unit", "start")
_FULL_DATE = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$")

OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["start_marker"],
    "properties": {
        **SECTION_SCHEMA,
        "areas": {
            "type": "array",
            "items": {"type": "string"},
            "description": "world-region names that may stand in the Area column",
        },
        "header_cells": {
            "type": "array",
            "items": {"type": "string"},
            "description": "column titles; a line made only of these is a repeated header",
        },
        "total_pattern": {
            "type": "string",
            "format": "regex",
            "x-groups": ["countries", "rows"],
            "description": "regex of the stated totals; groups 'countries' and 'rows'",
        },
        "label_pattern": {
            "type": "string",
            "format": "regex",
            "x-groups": ["name", "count"],
            "description": "regex of a country cell; groups 'name' and 'count'",
        },
        "date_pattern": {
            "type": "string",
            "format": "regex",
            "description": "regex of a date cell (full or truncated)",
        },
        "ignore_name_countries": {
            "type": "array",
            "items": {"type": "string"},
            "description": "ISO codes not worth flagging when an institution name mentions "
            "them (e.g. the host's own country in 'Egypt-Japan University')",
        },
    },
}


# --- placing rows in country groups -----------------------------------------------------------


@dataclass(frozen=True)
class LabelAt:
    """A country label as it stands in the table: on data row ``row`` (0-based)."""

    row: int
    key: str  # normalised name: labels with the same key belong to one group
    name: str
    count: int
    line: int


@dataclass
class _Run:
    """Consecutive rows that the labels alone would give to one country."""

    key: str | None
    start: int
    labels: list[LabelAt]
    expected: int
    size: int = 0
    final: int = 0
    by_count: bool = False
    unresolved: bool = False


@dataclass
class Placement:
    """Which group each data row belongs to, and how that was decided."""

    by_row: list[str | None]  # group key per row, after the counts were applied
    by_label: list[str | None]  # group key per row if every label applied from its row on
    misplaced: list[LabelAt]  # labels that the counts put inside another group
    unresolved: list[str]  # keys whose labels and counts could not be reconciled
    names: dict[str, str]  # key -> label name as first written
    stated: dict[str, list[int]]  # key -> every count stated for it, in order
    label_lines: dict[str, list[int]] = field(default_factory=dict)


def label_key(name: str) -> str:
    """Group identity of a label: repeated labels (new page) differ at most in spacing/case."""
    return " ".join(name.split()).casefold()


def place_groups(n_rows: int, labels: Sequence[LabelAt]) -> Placement:
    """Assign ``n_rows`` data rows to country groups from labels and their stated counts.

    Labels are read as "applies from this row on" first, giving runs of rows per label. Where
    a run's size disagrees with its count, the smallest stretch of following runs whose sizes
    and counts have equal sums is re-cut by the counts — but only if that reading needs no more
    exceptions (group starts without a label of their own, labels left outside their group)
    than the label reading has failed counts; a tie goes to the counts. Otherwise the labels
    stand for that run and its count check fails visibly.
    """
    ordered = sorted(labels, key=lambda lab: (lab.row, lab.line))
    runs = _runs(n_rows, ordered)
    _resolve(runs)
    by_row: list[str | None] = []
    by_label: list[str | None] = []
    for run in runs:
        by_row.extend([run.key] * run.final)
        by_label.extend([run.key] * run.size)
    misplaced = _misplaced(runs)
    names: dict[str, str] = {}
    stated: dict[str, list[int]] = {}
    label_lines: dict[str, list[int]] = {}
    for lab in ordered:
        names.setdefault(lab.key, lab.name)
        stated.setdefault(lab.key, []).append(lab.count)
        label_lines.setdefault(lab.key, []).append(lab.line)
    unresolved = sorted({run.key for run in runs if run.unresolved and run.key is not None})
    return Placement(by_row, by_label, misplaced, unresolved, names, stated, label_lines)


def _runs(n_rows: int, labels: Sequence[LabelAt]) -> list[_Run]:
    runs: list[_Run] = []
    if not labels or labels[0].row > 0:
        runs.append(_Run(None, 0, [], expected=0))
    seen: set[str] = set()
    for lab in labels:
        if runs and runs[-1].key == lab.key:
            runs[-1].labels.append(lab)
            continue
        # a group that already had its run is complete by its count: a later, separate run
        # of the same label is expected to hold no rows of its own
        expected = 0 if lab.key in seen else lab.count
        seen.add(lab.key)
        runs.append(_Run(lab.key, min(lab.row, n_rows), [lab], expected))
    for run, nxt in zip(runs, runs[1:] + [None], strict=True):
        run.size = (nxt.start if nxt else n_rows) - run.start
    return runs


def _resolve(runs: list[_Run]) -> None:
    i = 0
    while i < len(runs):
        run = runs[i]
        if run.size == run.expected:
            run.final = run.size
            i += 1
            continue
        j = _closing(runs, i)
        if j is not None and _counts_explain(runs, i, j):
            for k in range(i, j + 1):
                runs[k].final, runs[k].by_count = runs[k].expected, True
            i = j + 1
        else:
            run.final, run.unresolved = run.size, True
            i += 1


def _closing(runs: list[_Run], i: int) -> int | None:
    """First run j > i such that runs i..j hold exactly as many rows as their counts say."""
    balance = 0
    for j in range(i, len(runs)):
        balance += runs[j].size - runs[j].expected
        if j > i and balance == 0:
            return j
    return None


def _counts_explain(runs: list[_Run], i: int, j: int) -> bool:
    start = runs[i].start
    exceptions = 0
    for k in range(i, j + 1):
        run = runs[k]
        end = start + run.expected
        inside = [lab for lab in run.labels if start <= lab.row < end]
        exceptions += len(run.labels) - len(inside)
        if k > i and run.expected > 0 and all(lab.row != start for lab in run.labels):
            exceptions += 1
        start = end
    failures = sum(1 for k in range(i, j + 1) if runs[k].size != runs[k].expected)
    return exceptions <= failures


def _misplaced(runs: list[_Run]) -> list[LabelAt]:
    out: list[LabelAt] = []
    start = 0
    for run in runs:
        end = start + run.final
        out.extend(lab for lab in run.labels if not start <= lab.row < end)
        start = end
    return sorted(out, key=lambda lab: lab.line)


# --- reading cells by content -----------------------------------------------------------------


@dataclass
class _Patterns:
    layout: LayoutPatterns
    total: re.Pattern[str]
    label: re.Pattern[str]
    date: re.Pattern[str]
    areas: dict[str, str]  # casefolded -> as configured
    headers: set[str]

    @classmethod
    def from_options(cls, lines: list[str], options: dict[str, Any], start: int) -> _Patterns:
        return cls(
            layout=LayoutPatterns.from_options(lines, options, start),
            total=re.compile(options.get("total_pattern", DEFAULT_TOTAL)),
            label=re.compile(options.get("label_pattern", DEFAULT_LABEL)),
            date=re.compile(options.get("date_pattern", DEFAULT_DATE)),
            areas={a.casefold(): a for a in options.get("areas", DEFAULT_AREAS)},
            headers={h.casefold() for h in options.get("header_cells", DEFAULT_HEADER_CELLS)},
        )


@dataclass
class _Cells:
    """The non-empty cells of one line, sorted into kinds by their content."""

    line: int
    area: str | None = None
    label: tuple[str, int] | None = None  # name as written, stated count
    dates: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    rejoined: list[str] = field(default_factory=list)  # texts rebuilt from split cells
    problems: list[str] = field(default_factory=list)


def split_cells(text: str) -> tuple[list[str], list[str]]:
    """Return the non-empty cells of a tab-separated line and those rebuilt from split pieces.

    Extraction sometimes puts an accented capital in a cell of its own ("É" | "cole des Mines")
    or a waiver star apart from its name; a one-letter non-ASCII cell followed by a cell that
    starts in lower case, and a lone "*" followed by text, are joined back.
    """
    cells = [c.strip() for c in text.split("\t") if c.strip()]
    out: list[str] = []
    rejoined: list[str] = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        nxt = cells[i + 1] if i + 1 < len(cells) else ""
        if _is_split_letter(cell, nxt):
            out.append(cell + nxt)
            rejoined.append(cell + nxt)
            i += 2
        elif cell == "*" and nxt and nxt[0].isalpha():
            out.append("* " + nxt)
            rejoined.append("* " + nxt)
            i += 2
        else:
            out.append(cell)
            i += 1
    return out, rejoined


def _is_split_letter(cell: str, nxt: str) -> bool:
    return len(cell) == 1 and cell.isalpha() and not cell.isascii() and nxt[:1].islower()


def _sort_cells(number: int, text: str, pats: _Patterns) -> _Cells:
    cells, rejoined = split_cells(text)
    out = _Cells(number, rejoined=rejoined)
    for index, cell in enumerate(cells):
        label = pats.label.search(cell)
        count = bounded_int(label.group("count")) if label is not None else None
        if pats.date.search(cell):
            out.dates.append(cell)
        elif label is not None and count is not None and _is_label(label.group("name"), index):
            if out.label is not None:
                out.problems.append(f"two country cells ({out.label[0]!r}, {cell!r})")
            name = label.group("name").strip()
            out.label = (name, count)
        elif cell.casefold() in pats.areas and out.area is None:
            out.area = pats.areas[cell.casefold()]
        else:
            out.texts.append(cell)
    if len(out.dates) > 1:
        out.problems.append(f"{len(out.dates)} date cells ({', '.join(out.dates)})")
    return out


def _is_label(name: str, index: int) -> bool:
    """A "Name (n)" cell is a country label if it names a country, or stands where labels do.

    Country-list coverage is never complete ("U. S. A."), so an unrecognised name in one of the
    first two cells is still taken as a label (and flagged); further right it is text.
    """
    return parse_country(name) is not None or index <= 1


# --- the reader -------------------------------------------------------------------------------


@dataclass
class _Row:
    """A data row: one record to be."""

    line: int
    raw: str
    fields: dict[str, str]
    flags: list[Flag]


@register("content-table", OPTIONS_SCHEMA, lambda options: frozenset(FIELD_ORDER),
          lambda options: check_columns(options))
def read(lines: list[str], source_id: str, options: dict[str, Any]) -> ReaderResult:
    """Read a shifted Area/Country (n)/Institution/Department/Year table by cell content."""
    start, end, result = open_section(lines, options, source_id)
    pats = _Patterns.from_options(lines, options, start)
    cells, totals = _read_lines(lines, start, end, pats, result)
    known_units = _known_units(cells)
    rows: list[_Row] = []
    labels: list[LabelAt] = []
    areas: dict[int, str] = {}
    for item in cells:
        _take_line(item, lines[item.line - 1], known_units, rows, labels, areas, result)
    placement = place_groups(len(rows), labels)
    _assign_countries(rows, placement, labels, _running_areas(len(rows), areas), options)
    for row in rows:
        fields = {name: row.fields[name] for name in FIELD_ORDER if name in row.fields}
        result.records.append(RawRecord(source_id, (row.line,), row.raw, fields, row.flags))
        result.mark(row.line, LineStatus.RECORD, "row")
    result.checks.extend(_count_checks(placement, labels))
    result.checks.extend(_total_checks(totals, placement, result.records))
    return result


def _read_lines(
    lines: list[str], start: int, end: int, pats: _Patterns, result: ReaderResult
) -> tuple[list[_Cells], list[tuple[int, int, int]]]:
    """Mark page furniture; return the other lines as sorted cells, and the stated totals."""
    cells: list[_Cells] = []
    totals: list[tuple[int, int, int]] = []
    for n in range(start, end + 1):
        text = lines[n - 1]
        stripped = text.strip()
        if not stripped:
            continue
        furniture = pats.layout.classify(stripped)
        total = pats.total.search(stripped)
        if furniture is not None:
            result.mark(n, LineStatus.LAYOUT, *furniture)
        elif total is not None:
            stated = (bounded_int(total.group("countries")), bounded_int(total.group("rows")))
            if stated[0] is not None and stated[1] is not None:
                totals.append((n, stated[0], stated[1]))
                result.mark(n, LineStatus.LAYOUT, "total", "the table's own stated totals")
            else:
                result.mark(n, LineStatus.UNREADABLE, "total",
                            "stated totals, but a number too long to be a count: not checked")
        elif _is_header(stripped, pats.headers):
            result.mark(n, LineStatus.LAYOUT, "header", "column titles repeated on each page")
        else:
            cells.append(_sort_cells(n, text, pats))
    return cells, totals


def _is_header(text: str, headers: set[str]) -> bool:
    parts = [c.strip().casefold() for c in text.split("\t") if c.strip()]
    return len(parts) >= 2 and all(p in headers for p in parts)


def _known_units(cells: Iterable[_Cells]) -> set[str]:
    """Department names as this document writes them, learnt from its unambiguous rows.

    A row with a single text cell is ambiguous; if that text is one of these, it is the
    department and the institution is what is missing.
    """
    return {c.texts[1] for c in cells if len(c.texts) == 2 and c.dates and not c.problems}


def _take_line(
    item: _Cells,
    raw: str,
    known_units: set[str],
    rows: list[_Row],
    labels: list[LabelAt],
    areas: dict[int, str],
    result: ReaderResult,
) -> None:
    """Turn one non-layout line into a row, a label-only line, or an unreadable line."""
    if item.problems:
        reason = "; ".join(item.problems) + ": cannot tell which cell is which"
        result.mark(item.line, LineStatus.UNREADABLE, "row", reason)
        return
    if item.label is not None:
        name, count = item.label
        labels.append(LabelAt(len(rows), label_key(name), name, count, item.line))
    if item.area is not None:
        areas[len(rows)] = item.area
    if not item.texts:
        _mark_textless(item, result)
        return
    if not item.dates and item.label is None and item.area is None:
        # every row of this layout carries a date; text without one is most likely a wrapped
        # piece of a neighbouring row, and guessing which row and cell would invent data
        reason = "text with no date and no country/area cell: looks like a wrapped piece of a "
        reason += "neighbouring row; not merged because which row and cell it continues is unsure"
        result.mark(item.line, LineStatus.UNREADABLE, "continuation", reason)
        return
    fields, flags = _row_fields(item, known_units)
    if fields is None:
        reason = f"{len(item.texts)} text cells where institution and department are expected"
        if item.label is not None or item.area is not None:
            reason += " (its country/area label was still applied to the rows below)"
        result.mark(item.line, LineStatus.UNREADABLE, "row", reason)
        return
    rows.append(_Row(item.line, raw, fields, flags))


def _mark_textless(item: _Cells, result: ReaderResult) -> None:
    if item.dates:
        reason = "a date with no institution or department"
        if item.label is not None or item.area is not None:
            reason += " (its country/area label was still applied to the rows below)"
        result.mark(item.line, LineStatus.UNREADABLE, "row", reason)
    else:
        result.mark(item.line, LineStatus.LAYOUT, "group-label", "country/area label alone")


def _row_fields(item: _Cells, known_units: set[str]) -> tuple[dict[str, str] | None, list[Flag]]:
    flags: list[Flag] = []
    texts = item.texts
    partner: str | None
    unit: str | None
    if len(texts) == 2:
        partner, unit = texts
    elif len(texts) == 1:
        partner, unit = (None, texts[0]) if texts[0] in known_units else (texts[0], None)
    elif texts[-1] in known_units:
        partner, unit = ", ".join(texts[:-1]), texts[-1]
        flags.append(
            Flag(
                "partner",
                "joined-cells",
                f"institution spread over {len(texts) - 1} cells, joined with ', '",
                value=partner,
            )
        )
    else:
        return None, flags
    fields: dict[str, str] = {"waiver": ""}
    if partner is not None:
        mark, name = _waiver(partner)
        fields["partner"], fields["waiver"] = name, mark
    else:
        flags.append(Flag("partner", "missing-cell", "row has no institution cell"))
    if unit is not None:
        fields["home_unit"] = unit
    else:
        flags.append(Flag("home_unit", "missing-cell", "row has no department cell"))
    flags.extend(_date_flags(item, fields))
    flags.extend(_rejoin_flags(item, partner, unit))
    return fields, flags


def _waiver(text: str) -> tuple[str, str]:
    if text.startswith("*"):
        return "*", text[1:].strip()
    return "", text


def _date_flags(item: _Cells, fields: dict[str, str]) -> list[Flag]:
    if not item.dates:
        return [Flag("start", "missing-cell", "row has no date cell")]
    fields["start"] = item.dates[0]
    if _FULL_DATE.search(item.dates[0]):
        return []
    return [Flag("start", "truncated", "date is incomplete", value=item.dates[0])]


def _rejoin_flags(item: _Cells, partner: str | None, unit: str | None) -> list[Flag]:
    flags = []
    for text in item.rejoined:
        target = "home_unit" if unit is not None and text == unit else "partner"
        flags.append(
            Flag(target, "rejoined-cell", "rebuilt from a cell the extraction split", value=text)
        )
    return flags


def _running_areas(n_rows: int, areas: dict[int, str]) -> list[str | None]:
    """The area in force at each row: an area cell applies from its row on."""
    out: list[str | None] = []
    current: str | None = None
    for i in range(n_rows):
        current = areas.get(i, current)
        out.append(current)
    return out


def _assign_countries(
    rows: list[_Row],
    placement: Placement,
    labels: Sequence[LabelAt],
    running: list[str | None],
    options: dict[str, Any],
) -> None:
    group_area = _group_areas(placement, labels, running)
    misplaced_at = {lab.row: lab for lab in placement.misplaced}
    ignore = set(options.get("ignore_name_countries", []))
    for i, row in enumerate(rows):
        key = placement.by_row[i]
        area = group_area.get(key, running[i]) if key is not None else running[i]
        if area is not None:
            row.fields["area"] = area
            if running[i] is not None and running[i] != area:
                msg = f"area column says {running[i]!r} here; the row's country group is in "
                row.flags.append(Flag("area", "area-from-group", msg + repr(area), value=area))
        if key is None:
            row.flags.append(Flag("country", "country-missing", "no country label above row"))
        else:
            name = placement.names[key]
            row.fields["country"] = name
            row.flags.extend(_country_flags(key, name, placement, i, row, ignore))
        if i in misplaced_at:
            lab = misplaced_at[i]
            msg = f"the label '{lab.name} ({lab.count})' stands on this row, but the stated "
            msg += f"counts put the row under {row.fields.get('country', 'no country')}; "
            msg += "the label was not applied here"
            row.flags.append(Flag("country", "misplaced-country-label", msg, value=lab.name))


def _group_areas(
    placement: Placement, labels: Sequence[LabelAt], running: list[str | None]
) -> dict[str, str | None]:
    """Each group's area: the one in force on the first row where its own label stands.

    Area cells are printed beside country labels, so that row speaks for the whole group even
    when the counts moved the group's first rows above it.
    """
    misplaced = set(placement.misplaced)
    out: dict[str, str | None] = {}
    for lab in sorted(labels, key=lambda lab: (lab.row, lab.line)):
        if lab not in misplaced and lab.row < len(running):
            out.setdefault(lab.key, running[lab.row])
    for i, key in enumerate(placement.by_row):
        if key is not None:
            out.setdefault(key, running[i])
    return out


def _country_flags(
    key: str, name: str, placement: Placement, i: int, row: _Row, ignore: set[str]
) -> list[Flag]:
    flags: list[Flag] = []
    label_key_here = placement.by_label[i]
    if label_key_here != key:
        keys = [k for k in (label_key_here, key) if k is not None]
        was = placement.names[label_key_here] if label_key_here else "no country"
        stated = ", ".join(f"{placement.names[k]} {placement.stated[k][0]}" for k in keys)
        msg = f"the labels alone would put this row under {was}; the stated counts ({stated}) "
        msg += f"put it under {name}"
        flags.append(Flag("country", "country-from-count", msg, value=name))
    if parse_country(name) is None:
        msg = f"label {name!r} is not a recognised country name"
        flags.append(Flag("country", "country-unrecognised", msg, value=name))
    flags.extend(_name_country_flags(name, row.fields.get("partner"), ignore))
    return flags


def _name_country_flags(label: str, partner: str | None, ignore: set[str]) -> list[Flag]:
    """Flag an institution whose own name (before the first comma) names another country."""
    finder = getattr(country_module, "countries_in_name", None)
    listed = parse_country(label)
    if finder is None or partner is None or listed is None:
        return []
    institution = partner.split(",")[0]
    named = sorted({_code(hit) for hit in finder(institution)} - ignore)
    if not named or listed.code in named:
        return []
    msg = f"the institution's name points to {', '.join(named)} but it is listed under {label}"
    return [Flag("country", "country-name-conflict", msg, value=", ".join(named))]


def _code(hit: Any) -> str:
    return str(getattr(hit, "code", hit))


# --- self-checks ------------------------------------------------------------------------------


def _count_checks(placement: Placement, labels: Sequence[LabelAt]) -> list[SelfCheck]:
    found: dict[str, int] = {}
    for key in placement.by_row:
        if key is not None:
            found[key] = found.get(key, 0) + 1
    checks = []
    for key, name in placement.names.items():
        counts = placement.stated[key]
        detail = _count_detail(key, placement, labels)
        if len(set(counts)) > 1:
            detail += f"; the labels state different counts: {counts}"
        checks.append(
            SelfCheck(
                f"department-level count: {name}",
                expected=counts[0],
                found=found.get(key, 0),
                lines=tuple(placement.label_lines[key]),
                detail=detail,
            )
        )
    return checks


def _count_detail(key: str, placement: Placement, labels: Sequence[LabelAt]) -> str:
    if key in placement.unresolved:
        return "labels and stated counts disagree; rows assigned from each label's row on"
    moved = sum(
        1
        for by_row, by_label in zip(placement.by_row, placement.by_label, strict=True)
        if by_row != by_label and key in (by_row, by_label)
    )
    if moved:
        return f"{moved} row(s) moved across a label by the stated counts (flagged)"
    return "rows between this label and the next"


def _total_checks(
    totals: list[tuple[int, int, int]], placement: Placement, records: list[RawRecord]
) -> list[SelfCheck]:
    groups = {key for key in placement.by_row if key is not None}
    partners = {r.fields["partner"] for r in records if "partner" in r.fields}
    stated_sum = sum(counts[0] for counts in placement.stated.values())
    checks = []
    for line, countries, rows in totals:
        checks.append(
            SelfCheck(
                "department-level countries and regions",
                expected=countries,
                found=len(groups),
                lines=(line,),
                detail="stated number of countries vs distinct country labels with rows",
            )
        )
        checks.append(
            SelfCheck(
                "department-level agreements (rows; stated as 'institutions')",
                expected=rows,
                found=len(records),
                lines=(line,),
                detail=f"the stated figure counts table rows (one agreement each), not distinct "
                f"partners: {len(partners)} distinct partner strings were read",
            )
        )
        checks.append(
            SelfCheck(
                "department-level stated per-country counts add up",
                expected=rows,
                found=stated_sum,
                lines=(line,),
                detail="the document's total vs the sum of its own per-country counts",
            )
        )
    return checks
