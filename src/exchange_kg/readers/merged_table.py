"""Reader for tables whose country column is a merged cell ("merged-cell-table").

In such a PDF table the country is one cell spanning a group of rows; text extraction puts its
label on ONE row of the group, usually the row holding the cell's vertical middle, and leaves
the others empty. A blank country cell is therefore not "same as the row above": the reader
rebuilds the groups from where the labels sit, how tall each row is (long names wrap), where
institution names themselves name a country, and page breaks, and flags every inferred value.

The same layout comes as clean TSV and as OCR text. OCR adds cells split onto lines of their
own and, on its first page, garbled passes glued in front of the clean cells; those are read
by :mod:`exchange_kg.readers.ocr_passes`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import pycountry
from rapidfuzz import fuzz

from exchange_kg.normalise import country as country_module
from exchange_kg.normalise.partner import institution_key, parse_partner
from exchange_kg.readers import check_columns, register, table_columns
from exchange_kg.readers.cells import (
    QUOTA_PATTERN,
    VALUE_PATTERNS,
    fold,
    has_letters,
    header_at_end,
    is_blank,
    is_total_line,
    paren_balance,
    row_from_cells,
    split_cells,
    upper_header_rows,
    value_columns_of,
)
from exchange_kg.readers.ocr_passes import (
    PassEntry,
    TargetRow,
    Vocabulary,
    align,
    aligned_prefix,
    clean_pass_text,
    consensus_name,
    consensus_value,
    norm_value,
    reading_of,
    repair_words,
    segment_pass,
)
from exchange_kg.readers.simple_table import IGNORED_COLUMN
from exchange_kg.records import (
    FIELDS,
    Flag,
    LineStatus,
    RawRecord,
    ReadContext,
    ReaderResult,
    SelfCheck,
)

# Where a merged cell prints its label: vertically centred (the default of PDF tables), at the
# top or at the bottom of the cell. "auto" decides per document (see choose_alignment).
ALIGNMENTS = ("auto", "first", "middle", "last")

OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "columns": {
            "type": "array",
            "items": {"type": "string", "enum": [*sorted(FIELDS), IGNORED_COLUMN]},
            "minItems": 2,
            "description": "field names of the table columns, in order; '-' skips a column",
        },
        "header": {
            "type": "array",
            "items": {"type": "string"},
            "description": "header cells; matched tolerantly to spot repeated page headers",
        },
        "merged": {
            "type": "array",
            "items": {"type": "string", "enum": sorted(FIELDS)},
            "description": "columns whose values are merged cells spanning a group of rows",
        },
        "ocr_passes": {
            "type": "boolean",
            "description": "cells in front of a row's cells are OCR passes (extra readings)",
        },
        "title_patterns": {
            "type": "array",
            "items": {"type": "string", "format": "regex"},
            "description": "regexes for stray title lines",
        },
        "separator_patterns": {
            "type": "array",
            "items": {"type": "string", "format": "regex"},
            "description": "regexes for separator lines (default: lines of dashes)",
        },
        "wrap_width": {
            "type": "integer",
            "minimum": 10,
            "description": "characters per printed line of the name column (row heights)",
        },
        "page_break_cost": {
            "type": "number",
            "minimum": 0,
            "description": "cost, in printed lines, of a merged group straddling a page",
        },
        "ambiguity_margin": {
            "type": "number",
            "minimum": 0,
            "description": "cost gap (printed lines) under which a boundary is ambiguous",
        },
        "top_label_cost": {
            "type": "number",
            "minimum": 0,
            "description": "cost (printed lines) of a label on its group's first row",
        },
        "label_position": {
            "enum": list(ALIGNMENTS),
            "description": "where a merged cell's label stands in its group: first, middle or "
            "last row; auto (default) decides per document from the layout",
        },
    },
    "required": ["columns"],
    "additionalProperties": False,
}

# Why 60: the partner column of these A4 tables holds about 55-65 characters a printed line.
# On the older edition every group whose extent is certain has its label row holding the
# group's vertical centre for any width from 55 to 80, except three groups starting a page
# and one beside tall rows (Germany).
DEFAULT_WRAP_WIDTH = 60
# Group boundaries coincided with every page break in both editions, so straddling a page is
# allowed (evidence may demand it) but costs about one printed line.
DEFAULT_PAGE_BREAK_COST = 1.0
DEFAULT_AMBIGUITY_MARGIN = 0.5
# A label on its group's first row instead of its middle: 9 of the 39 groups of two or more
# rows in the two editions (5 of them at page tops), so allowed, at a small cost.
DEFAULT_TOP_LABEL_COST = 0.5
# A group split by a page break is measured on its label's page; each of its rows printed on
# another page costs this much (printed lines), so a group does not reach across a page
# break for rows a centred neighbour fits as well.
OFF_PAGE_ROW_COST = Fraction(1, 5)
DEFAULT_SEPARATORS = (r"^[\s\-=_–—]{3,}$",)
_DATE_OK = re.compile(r"(\d{4})/(\d{2})/(\d{2})")


@dataclass(frozen=True)
class _Options:
    columns: tuple[str, ...]
    header: tuple[str, ...]
    merged: tuple[str, ...]
    ocr_passes: bool
    titles: tuple[re.Pattern[str], ...]
    separators: tuple[re.Pattern[str], ...]
    wrap_width: int
    page_break_cost: float
    ambiguity_margin: float
    top_label_cost: float
    alignment: str

    @classmethod
    def of(cls, options: dict[str, Any]) -> _Options:
        columns, header = list(options["columns"]), list(options.get("header", ()))
        while len(header) == len(columns) > 1 and not header[0].strip() and \
                columns[0] == IGNORED_COLUMN:
            # empty cells before the table (a PDF's margin), as many on no two pages alike:
            # rows and headers are matched from their right end
            del header[0], columns[0]
        return cls(
            columns=tuple(columns),
            header=tuple(header),
            merged=tuple(options.get("merged", ())),
            ocr_passes=bool(options.get("ocr_passes", False)),
            titles=tuple(re.compile(p) for p in options.get("title_patterns", ())),
            separators=tuple(
                re.compile(p) for p in options.get("separator_patterns", DEFAULT_SEPARATORS)
            ),
            wrap_width=int(options.get("wrap_width", DEFAULT_WRAP_WIDTH)),
            page_break_cost=float(options.get("page_break_cost", DEFAULT_PAGE_BREAK_COST)),
            ambiguity_margin=float(options.get("ambiguity_margin", DEFAULT_AMBIGUITY_MARGIN)),
            top_label_cost=float(options.get("top_label_cost", DEFAULT_TOP_LABEL_COST)),
            alignment=options.get("label_position", "auto"),
        )

    @property
    def value_columns(self) -> list[str]:
        return value_columns_of(self.columns)

    @property
    def name_column(self) -> str:
        """The long text column: it decides row heights and carries country evidence."""
        if "partner" in self.columns:
            return "partner"
        texts = [c for c in self.columns if c not in self.merged and c not in VALUE_PATTERNS
                 and c != IGNORED_COLUMN]
        return texts[0] if texts else self.columns[-1]


# --------------------------------------------------------------------------------------------
# Scanning lines


@dataclass
class _Item:
    """A non-layout line: a full row (``row``) or part of one (``fragment``)."""

    line: int
    page: int
    kind: str
    cells: dict[str, str]
    lead: str = ""  # text in cells before the row's own cells (OCR passes)


@dataclass
class _Scan:
    items: list[_Item] = field(default_factory=list)
    passes: list[tuple[int, int, str]] = field(default_factory=list)  # (line, page, text)


def _scan(lines: Sequence[str], opts: _Options, result: ReaderResult) -> _Scan:
    """Sort lines into layout (marked at once), rows and fragments, tracking pages."""
    scan = _Scan()
    page = 0
    width = len(opts.columns)
    upper = {k for n in range(2, len(lines) + 1)
             if header_at_end(split_cells(lines[n - 1]), opts.header)
             for k in range(n - upper_header_rows(
                 [split_cells(lines[j]) for j in range(max(0, n - 4), n - 1)], opts.header), n)}
    for number, line in enumerate(lines, start=1):
        if is_blank(line):
            continue
        stripped = line.strip()
        cells = split_cells(line)
        if len(cells) < width <= line.count("\t") + 1:
            cells += [""] * (width - len(cells))  # a row that writes its last cells empty
        filled = [c for c in cells if c]
        if number in upper:
            result.mark(number, LineStatus.LAYOUT, "header", "column groups above the header")
        elif any(p.search(stripped) for p in opts.separators):
            result.mark(number, LineStatus.LAYOUT, "separator")
        elif header_at_end(cells, opts.header):
            page += 1
            lead = " ".join(cells[: len(cells) - len(opts.header)]).strip()
            _mark_header(result, number, lead, opts)
            if lead and opts.ocr_passes:
                scan.passes.append((number, page, lead))
        elif len(filled) <= 1 and any(p.search(stripped) for p in opts.titles):
            result.mark(number, LineStatus.LAYOUT, "title")
        elif is_total_line(cells):
            result.mark(number, LineStatus.LAYOUT, "total", "the list's own total")
        elif (label := _label_only(cells, opts)) is not None:
            scan.items.append(_Item(number, page, "label", {label[0]: label[1]}))
        elif len(cells) >= width:
            tail = cells[len(cells) - width :]
            lead = " ".join(cells[: len(cells) - width]).strip()
            scan.items.append(
                _Item(number, page, "row", dict(zip(opts.columns, tail, strict=True)), lead)
            )
            if lead and opts.ocr_passes:
                scan.passes.append((number, page, lead))
        else:
            scan.items.append(_Item(number, page, "fragment", row_from_cells(cells, opts.columns)))
    return scan


def _label_only(cells: Sequence[str], opts: _Options) -> tuple[str, str] | None:
    """(column, text) of a line that holds only a merged cell's label.

    PDF extraction puts the label of a merged cell on a line of its own when it does not
    line up with a row's text (centred in a group with an even number of rows, or printed
    above its group). Such a line is the group's label, never a row: one filled cell, in a
    merged column's position (or alone on the line), that reads as a label of that column
    (for the country column: a country name).
    """
    filled = [(i, c) for i, c in enumerate(cells) if c]
    if len(filled) != 1 or not opts.merged:
        return None
    index, text = filled[0]
    for column in opts.merged:
        position = opts.columns.index(column) if column in opts.columns else -1
        if index != position and not (len(cells) == 1 and position == 0):
            continue
        if column != "country" or country_resolver(text)[1]:
            return column, text
    return None


def _mark_header(result: ReaderResult, number: int, lead: str, opts: _Options) -> None:
    reason = "repeated table header (page break)"
    if lead and opts.ocr_passes:
        reason += "; the OCR passes in front of it were read as alternative readings"
    elif lead:
        reason += f"; text in front of it not read: {lead[:60]!r}"
    result.mark(number, LineStatus.LAYOUT, "header", reason)


# --------------------------------------------------------------------------------------------
# Drafts: rows being assembled


@dataclass
class _Draft:
    lines: list[int]
    page: int
    cells: dict[str, str]
    flags: list[Flag] = field(default_factory=list)
    alternatives: dict[str, list[str]] = field(default_factory=dict)
    continuation: list[str] = field(default_factory=list)
    read_by_passes: bool = False  # on a page the OCR passes read
    label_only: bool = False  # a merged cell's label on a line of its own: layout, no row


def _name_of(draft: _Draft, opts: _Options) -> str:
    parts = [draft.cells.get(opts.name_column, "")] + draft.continuation
    return " ".join(p for p in parts if p).strip()


def _continues(prev: _Draft, text: str, values: dict[str, str], opts: _Options) -> bool:
    """Whether a fragment is the rest of the previous row's name cell.

    It is when it closes a bracket the row left open, starts like the inside of a name
    (lower case, an opening bracket), or the row's name is still open and the fragment
    brings no values of its own. Values that contradict the row's values rule it out.
    """
    for column, value in values.items():
        if prev.cells.get(column) and norm_value(prev.cells[column]) != norm_value(value):
            return False
    if paren_balance(text) < 0:
        return True
    if text[:1].islower() or text[:1] in "([":
        return True
    return paren_balance(_name_of(prev, opts)) > 0 and not values


@dataclass
class _Orphans:
    """Name lines and value lines of split cells, waiting to be paired."""

    names: list[_Draft] = field(default_factory=list)
    values: list[_Item] = field(default_factory=list)
    page: int = -1


def _build_drafts(scan: _Scan, opts: _Options) -> tuple[list[_Draft], list[_Item]]:
    """Rows become drafts; split cells are joined. Returns drafts and unpaired value lines."""
    drafts: list[_Draft] = []
    unpaired: list[_Item] = []
    orphans = _Orphans()
    value_cols = opts.value_columns
    for item in scan.items:
        if item.page != orphans.page:
            unpaired += _pair_orphans(orphans, opts)
            orphans = _Orphans(page=item.page)
        if item.kind == "label":
            drafts.append(_Draft([item.line], item.page, dict(item.cells), label_only=True))
            continue
        if item.kind == "row":
            unpaired += _pair_orphans(orphans, opts)
            orphans = _Orphans(page=item.page)
            drafts.append(_Draft([item.line], item.page, dict(item.cells)))
            if item.lead and not opts.ocr_passes:
                drafts[-1].flags.append(
                    Flag(
                        opts.columns[0],
                        "extra-cells",
                        "cells before the row's own cells were not read",
                        item.lead,
                    )
                )
            continue
        text = item.cells.get(opts.name_column, "")
        values = {c: item.cells[c] for c in value_cols if item.cells.get(c)}
        labelled = any(item.cells.get(c) for c in opts.merged)
        prev = drafts[-1] if drafts and drafts[-1].page == item.page else None
        prev = prev if prev is not None and not prev.label_only else None
        if text and not labelled and prev is not None and _continues(prev, text, values, opts):
            prev.lines.append(item.line)
            prev.continuation.append(text)
            continue
        if text and values:
            unpaired += _pair_orphans(orphans, opts)
            orphans = _Orphans(page=item.page)
            drafts.append(_Draft([item.line], item.page, dict(item.cells)))
        elif text:
            draft = _Draft([item.line], item.page, dict(item.cells))
            drafts.append(draft)
            orphans.names.append(draft)
        else:
            orphans.values.append(item)
    unpaired += _pair_orphans(orphans, opts)
    return drafts, unpaired


def _pair_orphans(orphans: _Orphans, opts: _Options) -> list[_Item]:
    """Pair name lines with value lines in order; several at once are flagged as such.

    In order is the only reading the text supports, but when more than one name waits, the
    extraction may have reordered the values, so a later stage can re-pair them using other
    evidence (another edition of the list) from the ``group:<line>`` value of the flag.
    """
    names, values = orphans.names, orphans.values
    if not names and not values:
        return []
    first_value_col = opts.value_columns[0] if opts.value_columns else opts.columns[-1]
    several = max(len(names), len(values)) > 1
    group = f"group:{min([d.lines[0] for d in names] + [v.line for v in values])}"
    for draft, item in zip(names, values, strict=False):
        draft.lines.append(item.line)
        for column in opts.value_columns:
            if item.cells.get(column):
                draft.cells[column] = item.cells[column]
        if several:
            draft.flags.append(
                Flag(
                    first_value_col,
                    "paired-by-order",
                    f"{len(names)} names and {len(values)} value lines were split from their "
                    "rows; paired in the order they appear",
                    group,
                )
            )
    for draft in names[len(values) :]:
        draft.flags.append(
            Flag(
                first_value_col,
                "values-missing",
                "name on a line of its own; no value line found for it",
            )
        )
    return values[len(names) :]


# --------------------------------------------------------------------------------------------
# OCR passes


def _valid_date(value: str) -> bool:
    match = _DATE_OK.fullmatch(value)
    if not match:
        return False
    year, month, day = (int(g) for g in match.groups())
    return 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def _valid_quota(value: str) -> bool:
    return re.fullmatch(QUOTA_PATTERN, value) is not None


_VALIDATORS: dict[str, Callable[[str], bool]] = {"start": _valid_date, "quota": _valid_quota}
_ENTRY_VALUES = {"start": "date", "quota": "quota"}  # value column -> PassEntry attribute


def _apply_passes(
    drafts: list[_Draft], scan: _Scan, opts: _Options, labels: list[str],
    result: ReaderResult,
) -> list[PassEntry]:
    """Align every pass to the rows of its pages and use the readings per field."""
    pages = {page for _, page, _ in scan.passes}
    targets = [d for d in drafts if d.page in pages and not d.label_only]
    rows = [
        TargetRow(
            d.cells.get(opts.name_column, ""), d.cells.get("start", ""), d.cells.get("quota", "")
        )
        for d in targets
    ]
    for draft in targets:
        draft.read_by_passes = True
    readings: list[list[tuple[PassEntry, str]]] = [[] for _ in targets]
    entries_all: list[PassEntry] = []
    budget = MAX_PASS_PAIRS
    unused: list[int] = []
    for line, _, text in scan.passes:
        entries = segment_pass(text, line)
        entries_all += entries
        if budget < len(rows) or not entries:
            unused += [line] if entries else []
            continue
        budget -= len(aligned_prefix(entries, len(rows))) * len(rows)
        for e_index, r_index in align(entries, rows).items():
            entry = entries[e_index]
            readings[r_index].append((entry, reading_of(entry, rows[r_index], labels)))
    for draft, row, found in zip(targets, rows, readings, strict=True):
        if found:
            _use_readings(draft, row, found, opts)
    if unused:
        result.checks.append(SelfCheck(
            "OCR passes read", len(scan.passes), len(scan.passes) - len(unused),
            tuple(unused[:20]),
            f"{len(unused)} passes beyond the bound of {MAX_PASS_PAIRS} entry-row comparisons "
            "per document were not used as readings"))
    return entries_all


# Entry-row comparisons all OCR passes of a document may make together (each pass is also
# bounded alone: ocr_passes.MAX_ALIGN_PAIRS). The bundled OCR list makes about 9,000.
MAX_PASS_PAIRS = 200_000


def _use_readings(
    draft: _Draft, row: TargetRow, found: list[tuple[PassEntry, str]], opts: _Options
) -> None:
    name_col = opts.name_column
    names = [text for _, text in found]
    where = ", ".join(str(n) for n in sorted({e.line for e, _ in found}))
    consensus = consensus_name(names)
    if not row.name and consensus.value:
        draft.cells[name_col] = consensus.value
        draft.flags.append(
            Flag(
                name_col,
                "ocr-recovered",
                f"cell empty in the clean row; read from the OCR passes (lines {where}): "
                f"{consensus.support} of {consensus.total} readings agree",
                consensus.value,
            )
        )
    others = [r for r in consensus.ranked if r != draft.cells.get(name_col)]
    if others:
        draft.alternatives[name_col] = others
    for column in opts.value_columns:
        attribute = _ENTRY_VALUES.get(column)
        if attribute is None:
            continue
        values = [getattr(e, attribute) for e, _ in found]
        _use_value_readings(draft, column, values, where)


def _use_value_readings(draft: _Draft, column: str, values: list[str | None], where: str) -> None:
    """Keep the clean value unless empty or malformed; then take what the passes agree on."""
    is_valid = _VALIDATORS.get(column)
    if is_valid is None:
        return
    current = draft.cells.get(column, "")
    distinct = sorted({v for v in values if v and norm_value(v) != norm_value(current)})
    if distinct:
        draft.alternatives[column] = distinct
    if current and is_valid(current):
        return
    agreed = consensus_value(values, is_valid)
    if agreed is None:
        return
    draft.cells[column] = agreed
    code = "ocr-repaired" if current else "ocr-recovered"
    what = f"clean cell {current!r} is malformed" if current else "clean cell empty"
    draft.flags.append(
        Flag(
            column,
            code,
            f"{what}; value agreed by the OCR passes (lines {where})",
            current or agreed,
        )
    )


def _repair_continuations(drafts: list[_Draft], opts: _Options, scan: _Scan) -> None:
    """Correct OCR-misread words in continuation lines, using the document's own wording."""
    continuation_lines = {n for d in drafts for n in d.lines[1:] if d.continuation}
    texts = [clean_pass_text(text) for _, _, text in scan.passes]
    texts += [
        " ".join(item.cells.values()) for item in scan.items if item.line not in continuation_lines
    ]
    vocab = Vocabulary(texts)
    for draft in drafts:
        if not draft.continuation:
            continue
        before = draft.cells.get(opts.name_column, "")
        repaired = []
        for text in draft.continuation:
            fixed, fixes = repair_words(text, before, vocab)
            for old, new in fixes:
                draft.flags.append(
                    Flag(
                        opts.name_column,
                        "ocr-repaired",
                        f"{old!r} read as {new!r}: the document writes {new!r} in this context",
                        old,
                    )
                )
            repaired.append(fixed)
            before = fixed
        draft.continuation = repaired


# --------------------------------------------------------------------------------------------
# Merged cells: which group each row belongs to


@dataclass(frozen=True)
class Slot:
    """One table row as the merged-cell assignment sees it."""

    line: int
    label: str  # the merged cell's text on this row ("" when empty)
    name: str  # the row's long text: its height and its evidence
    page: int
    label_only: bool = False  # a label on a line of its own: no height, no row


@dataclass(frozen=True)
class Choice:
    """The merged-cell value decided for one row, and how."""

    text: str | None  # the value to publish (None: undetermined)
    code: str | None  # what the group resolved to (e.g. ISO code), if known
    own: bool  # the row carries the label itself
    recognised: bool = True  # ``text`` resolves by itself (else the note says how it was read)
    label_line: int | None = None  # a line of the group's label
    evidence: tuple[str, ...] = ()  # codes the row's own name points to
    alternative: str | None = None  # the other group's label text when the choice is close
    alternative_line: int | None = None
    gap: float | None = None  # cost difference to that alternative, in printed lines
    conflict: bool = False  # the row's name points elsewhere
    note: str = ""  # how the group's label was understood, when not plainly
    group_text: str | None = None  # what rows inferred into this group are given


@dataclass
class _Block:
    first: int  # slot index of the first label row
    last: int  # slot index of the last label row
    rows: list[int]  # slot indices of the label rows
    code: str | None
    source: str  # how the code was found: "label" | "fuzzy" | "evidence" | "unknown"
    note: str = ""
    guess: str | None = None  # a fuzzy reading of an unrecognised label


Resolver = Callable[[str], tuple[str | None, bool]]  # text -> (code, confident)


def country_resolver(text: str) -> tuple[str | None, bool]:
    """ISO code of a country label, and whether the match is more than a fuzzy guess."""
    match = country_module.parse_country(text)
    if match is None:
        return None, False
    return match.code, match.method != "fuzzy" and match.score >= 90


def country_evidence(name: str) -> tuple[str, ...]:
    """Countries an institution's own name states ("Indian Institute ..." -> IN)."""
    find = getattr(country_module, "countries_in_name", None)
    if find is None or not name:
        return ()
    codes: list[str] = []
    for item in find(name) or ():
        code = item if isinstance(item, str) else getattr(item, "code", None)
        if code and code not in codes:
            codes.append(code)
    return tuple(codes)


def _evidence_with(context: ReadContext | None) -> Callable[[str], tuple[str, ...]]:
    """The name's own evidence, plus where other documents list the same institution."""
    known = context.known_countries if context else {}
    if not known:
        return country_evidence

    def evidence(name: str) -> tuple[str, ...]:
        codes = list(country_evidence(name))
        value, _ = parse_partner(name, "auto")
        for party in value.parties:
            for code in known.get(institution_key(party.institution), ()):
                if code not in codes:
                    codes.append(code)
        return tuple(codes)

    return evidence


def country_name(code: str) -> str:
    """A readable English name for an ISO code ("Taiwan" rather than the formal name)."""
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return code
    return getattr(found, "common_name", None) or found.name


def _label_blocks(
    slots: Sequence[Slot],
    resolve: Resolver,
    evidence: Sequence[tuple[str, ...]],
    code_name: Callable[[str], str],
) -> list[_Block]:
    """Group label rows into one block per merged cell.

    Consecutive labels naming the same country are one cell read twice. A label that names
    no country (OCR garbage), or only by a fuzzy guess, joins the directly adjacent block it
    resembles most, since a garbled second reading of a cell sits right next to the first.
    Alone, it keeps its fuzzy guess, or the country its row's name states, or stays unknown.
    """
    blocks: list[_Block] = []
    for i, slot in enumerate(slots):
        if not slot.label:
            continue
        code, confident = resolve(slot.label)
        if code is not None and confident:
            blocks.append(_Block(i, i, [i], code, "label"))
        else:
            blocks.append(_Block(i, i, [i], None, "unknown", guess=code))
    blocks = _attach_unknown(_merge_same(blocks), slots, code_name)
    for block in blocks:
        if block.code is not None:
            continue
        named = sorted({c for i in block.rows for c in evidence[i]})
        text = " / ".join(slots[i].label for i in block.rows)
        if block.guess is not None:
            block.code, block.source = block.guess, "fuzzy"
            block.note = f"label {text!r} read as {code_name(block.guess)} by a fuzzy match"
        elif len(named) == 1:
            block.code, block.source = named[0], "evidence"
            block.note = (
                f"label {text!r} not recognised; its row's name points to {code_name(named[0])}"
            )
        else:
            block.note = f"label {text!r} not recognised as a country"
    return _merge_same(blocks)


def _merge_same(blocks: list[_Block]) -> list[_Block]:
    merged: list[_Block] = []
    for block in blocks:
        if merged and block.code is not None and merged[-1].code == block.code:
            prev = merged[-1]
            prev.last, prev.rows = block.last, prev.rows + block.rows
            prev.note = prev.note or block.note
        else:
            merged.append(block)
    return merged


def _attach_unknown(
    blocks: list[_Block], slots: Sequence[Slot], code_name: Callable[[str], str]
) -> list[_Block]:
    out: list[_Block] = []
    k = 0
    while k < len(blocks):
        block = blocks[k]
        if block.code is not None:
            out.append(block)
            k += 1
            continue
        # a run of directly adjacent unrecognised labels is one cell
        while (
            k + 1 < len(blocks)
            and blocks[k + 1].code is None
            and blocks[k + 1].first == block.last + 1
        ):
            nxt = blocks[k + 1]
            block = _Block(
                block.first,
                nxt.last,
                block.rows + nxt.rows,
                None,
                "unknown",
                guess=block.guess or nxt.guess,
            )
            k += 1
        prev = (
            out[-1]
            if out and out[-1].code is not None and out[-1].last + 1 == block.first
            else None
        )
        nxt = blocks[k + 1] if k + 1 < len(blocks) else None
        nxt = (
            nxt
            if nxt is not None and nxt.code is not None and nxt.first == block.last + 1
            else None
        )
        target = _closest(block, prev, nxt, slots, code_name)
        text = " / ".join(slots[i].label for i in block.rows)
        if target is not None:
            where = "above" if target is prev else "below"
            target.first, target.last = min(target.first, block.first), max(target.last, block.last)
            target.rows = sorted(target.rows + block.rows)
            note = f"label {text!r} not recognised; read with the adjacent label {where}"
            target.note = f"{target.note}; {note}" if target.note else note
        else:
            out.append(block)
        k += 1
    return out


def _closest(
    block: _Block,
    prev: _Block | None,
    nxt: _Block | None,
    slots: Sequence[Slot],
    code_name: Callable[[str], str],
) -> _Block | None:
    """The directly adjacent block an unrecognised label most resembles (None on a tie)."""
    if prev is None or nxt is None:
        return prev or nxt
    text = fold(" ".join(slots[i].label for i in block.rows))

    def likeness(other: _Block) -> float:
        names = [slots[i].label for i in other.rows] + [code_name(other.code or "")]
        return max(fuzz.ratio(text, fold(n)) for n in names)

    a, b = likeness(prev), likeness(nxt)
    if a == b:
        return None
    return prev if a > b else nxt


# (evidence violations, geometry in units of 1/scale printed line: exact integers, so sums
# and ties are exact, and cheap where the planner adds up thousands of candidate groups)
Cost = tuple[int, int]


def _add(a: Cost, b: Cost) -> Cost:
    return (a[0] + b[0], a[1] + b[1])


class _Geometry:
    """Costs of candidate groups: how far the label sits from where the layout puts it.

    A merged cell's label is printed at the cell's vertical middle, so the row that carries
    it is the one at the group's middle, rows being as tall as their wrapped name. Sometimes
    it is the group's first row instead (seen at page tops and beside tall rows); that costs
    a fixed ``top_cost`` however large the group, so such a group ends wherever its neighbour
    is best centred. Other documents print labels at the top or the bottom of the cell
    (``alignment`` "first" or "last"): the label's line then starts or ends its group. A
    label on a line of its own has no height: it sits between two rows. A group split by a
    page break prints its label in the part on the label's page, so only that part is
    measured (the break itself costs ``page_cost``).

    The planner asks for the cost of every candidate span of every group, so page breaks and
    evidence violations are prefix sums: each cost is a constant-time lookup.
    """

    def __init__(
        self,
        slots: Sequence[Slot],
        blocks: list[_Block],
        evidence: Sequence[tuple[str, ...]],
        width: int,
        page_cost: float,
        top_cost: float,
        alignment: str = "middle",
    ) -> None:
        self.blocks, self.evidence, self.alignment = blocks, evidence, alignment
        heights = [0 if s.label_only else max(1, math.ceil(len(s.name) / width))
                   for s in slots]
        self.top = [0]
        for h in heights:
            self.top.append(self.top[-1] + h)
        page, top = Fraction(str(page_cost)), Fraction(str(top_cost))
        self.scale = math.lcm(2, page.denominator, top.denominator, OFF_PAGE_ROW_COST.denominator)
        self.page_cost = int(page * self.scale)
        self.top_cost = int(top * self.scale)
        self.off_page_cost = int(OFF_PAGE_ROW_COST * self.scale)
        # breaks[i]: page breaks between slots 0..i; each slot's page spans page_span[i]
        self.breaks = [0]
        for i in range(1, len(slots)):
            self.breaks.append(self.breaks[-1] + (slots[i].page != slots[i - 1].page))
        self.page_span: list[tuple[int, int]] = []
        first = 0
        for i in range(len(slots) + 1):
            if i == len(slots) or (i and slots[i].page != slots[i - 1].page):
                self.page_span += [(first, i - 1)] * (i - first)
                first = i
        # violations[j][i - lowest[j]]: rows lowest[j]..i-1 that group j's evidence rules out;
        # group j can only span rows between its neighbouring blocks
        self.lowest = [blocks[j - 1].last + 1 if j else 0 for j in range(len(blocks))]
        self.violations = []
        for j in range(len(blocks)):
            highest = blocks[j + 1].first if j + 1 < len(blocks) else len(slots)
            counts = [0]
            for i in range(self.lowest[j], highest):
                counts.append(counts[-1] + self._violates(i, j))
            self.violations.append(counts)
        bases = [_institution(s.name) for s in slots]
        # linked[i]: slots i-1 and i name the same institution, so no boundary between them
        self.linked = [False] + [
            bool(bases[i]) and bases[i] == bases[i - 1] for i in range(1, len(slots))
        ]

    def cost(self, j: int, start: int, end: int) -> Cost:
        """Cost of group ``j`` spanning slots ``start..end`` (inclusive)."""
        block = self.blocks[j]
        counts, lowest = self.violations[j], self.lowest[j]
        violations = counts[end + 1 - lowest] - counts[start - lowest]
        violations += int(j > 0 and self.linked[start])
        breaks = self.breaks[end] - self.breaks[start]
        off_page = 0
        if breaks:  # the geometry is measured on the label's page only
            off_page = self.off_page(j, start, end)
            on_page = self.page_span[block.first]
            start, end = max(start, on_page[0]), min(end, on_page[1])
        top = self.top
        # A label printed at the top (bottom) of its cell stands exactly on the group's first
        # (last) line, unlike a centred one whose row depends on estimated row heights: each
        # line it is off counts double.
        if self.alignment == "first":
            geometry = abs(top[block.first] - top[start]) * 2 * self.scale
        elif self.alignment == "last":
            geometry = abs(top[block.last + 1] - top[end + 1]) * 2 * self.scale
        else:
            label_middle = top[block.first] + top[block.last + 1]
            geometry = abs(label_middle - top[start] - top[end + 1]) * (self.scale // 2)
            if block.first == start:
                geometry = min(geometry, self.top_cost)
        return (violations, geometry + self.page_cost * breaks + self.off_page_cost * off_page)

    def off_page(self, j: int, start: int, end: int) -> int:
        """Rows of group ``j`` (``start..end``) printed on another page than its label."""
        first, last = self.page_span[self.blocks[j].first]
        return max(0, first - start) + max(0, end - last)

    def lines(self, geometry: int) -> float:
        """A geometry cost in printed lines."""
        return geometry / self.scale

    def _violates(self, i: int, j: int) -> int:
        """1 when row ``i``'s name names the neighbouring group's country but not group ``j``'s."""
        named = self.evidence[i]
        if not named or self.blocks[j].code in named:
            return 0
        for k in (j - 1, j + 1):
            if 0 <= k < len(self.blocks) and self.blocks[k].code in named:
                return 1
        return 0


def _institution(name: str) -> str:
    """The institution part of a partner name (before its unit in brackets or after a comma).

    Two adjacent agreements with one institution ("Chulalongkorn University (Faculty of
    Engineering)", "... (Faculty of Science)") are in one country, hence in one group.
    """
    base = fold(re.split(r"[(\[,]", name, maxsplit=1)[0])
    return base if len(base) >= 8 else ""


@dataclass
class _Plan:
    boundaries: list[int]  # boundaries[j]: first slot of group j+1
    optimum: Cost
    prefix: list[dict[int, Cost]]  # best cost of groups 0..j when group j ends before b
    suffix: list[dict[int, Cost]]  # best cost of groups j..m-1 when group j starts at s


def _plan(geo: _Geometry, n: int) -> _Plan:
    """Choose all boundaries jointly (dynamic programming over boundary positions).

    Ties go to the boundary that leaves fewer rows on another page than their label, then to
    the later one: a row between two labels then stays with the label above it, the
    direction labels were seen to drift (top rows of pages, tall rows).
    """
    blocks = geo.blocks
    m = len(blocks)
    options = [range(blocks[j].last + 1, blocks[j + 1].first + 1) for j in range(m - 1)]
    starts = [[0]] + [list(o) for o in options]
    suffix: list[dict[int, Cost]] = [{} for _ in range(m)]
    for s in starts[m - 1]:
        suffix[m - 1][s] = geo.cost(m - 1, s, n - 1)
    for j in range(m - 2, -1, -1):
        for s in starts[j]:
            suffix[j][s] = min(_add(geo.cost(j, s, b - 1), suffix[j + 1][b]) for b in options[j])
    prefix: list[dict[int, Cost]] = [{} for _ in range(m - 1)]
    for j in range(m - 1):
        for b in options[j]:
            if j == 0:
                prefix[j][b] = geo.cost(0, 0, b - 1)
            else:
                prefix[j][b] = min(
                    _add(prefix[j - 1][s], geo.cost(j, s, b - 1)) for s in options[j - 1]
                )
    boundaries: list[int] = []
    s = 0
    for j in range(m - 1):
        target = suffix[j][s]
        tied = [b for b in options[j] if _add(geo.cost(j, s, b - 1), suffix[j + 1][b]) == target]
        b = min(tied, key=lambda b: (geo.off_page(j, s, b - 1)
                                      + geo.off_page(j + 1, b, blocks[j + 1].first), -b))
        boundaries.append(b)
        s = b
    return _Plan(boundaries, suffix[0][0], prefix, suffix)


def assign_merged(
    slots: Sequence[Slot],
    *,
    resolve: Resolver = country_resolver,
    evidence: Callable[[str], tuple[str, ...]] = country_evidence,
    code_name: Callable[[str], str] = country_name,
    wrap_width: int = DEFAULT_WRAP_WIDTH,
    page_break_cost: float = DEFAULT_PAGE_BREAK_COST,
    ambiguity_margin: float = DEFAULT_AMBIGUITY_MARGIN,
    top_label_cost: float = DEFAULT_TOP_LABEL_COST,
    alignment: str = "middle",
    notes: list[str] | None = None,
) -> list[Choice]:
    """Decide the merged-cell value of every row.

    Each label block owns a contiguous group of rows. Between two blocks, the boundary is
    where (a) no row lands in a group its own name contradicts, and no two adjacent rows of
    one institution are parted; (b) each label sits, as nearly as possible, at its group's
    vertical centre (rows are as tall as their wrapped name; a label on the group's first
    row costs ``top_label_cost``); (c) groups do not straddle pages. All boundaries are
    chosen jointly. A row whose best placement on the other side costs at most
    ``ambiguity_margin`` printed lines more is reported as ambiguous, with that side.
    """
    n = len(slots)
    named = [evidence(s.name) for s in slots]
    blocks = _label_blocks(slots, resolve, named, code_name)
    if not blocks:
        return [Choice(None, None, False, False, evidence=named[i]) for i in range(n)]
    if alignment == "auto":
        alignment, note = choose_alignment(slots, blocks, named, wrap_width, page_break_cost,
                                           top_label_cost)
        if note and notes is not None:
            notes.append(note)
    geo = _Geometry(slots, blocks, named, wrap_width, page_break_cost, top_label_cost,
                    alignment)
    plan = _plan(geo, n)
    bounds = [0, *plan.boundaries, n]
    texts = [_block_text(b, slots, resolve, code_name) for b in blocks]
    choices: list[Choice] = []
    for j in range(len(blocks)):
        for i in range(bounds[j], bounds[j + 1]):
            choices.append(_choice(i, j, texts, slots, named, geo, plan, resolve, ambiguity_margin))
    return choices


def choose_alignment(
    slots: Sequence[Slot],
    blocks: list[_Block],
    named: Sequence[tuple[str, ...]],
    wrap_width: int = DEFAULT_WRAP_WIDTH,
    page_break_cost: float = DEFAULT_PAGE_BREAK_COST,
    top_label_cost: float = DEFAULT_TOP_LABEL_COST,
) -> tuple[str, str]:
    """Where this document prints merged-cell labels: the alignment under which its labels
    and the rows whose names state their country fit best, decided once per document.

    Each alignment is tried on its own (middle without the first-row allowance); first or
    last is chosen when it explains the layout better than both others by at least one
    printed line per ten groups: a document consistently aligned at the top or bottom fits
    that alignment almost exactly and the others badly. Otherwise middle, the common case,
    with labels on a first row allowed at a small cost (as PDF tables do at page tops). A
    document another alignment fits about as well, grouping its rows differently, cannot
    say: its mapping must declare ``label_position`` (the report says so). Returns the
    alignment and a note for the report ("" when there is nothing to say).
    """
    costs, bounds = {}, {}
    for alignment in ("middle", "first", "last"):
        top = top_label_cost if alignment != "middle" else float(len(slots) + 1)
        geo = _Geometry(slots, blocks, named, wrap_width, page_break_cost, top, alignment)
        plan = _plan(geo, len(slots))
        costs[alignment] = (plan.optimum[0], geo.lines(plan.optimum[1]))
        bounds[alignment] = plan.boundaries
    margin = max(1.0, len(blocks) / 10)

    def better(a: str, b: str) -> bool:
        return costs[a][0] < costs[b][0] or (costs[a][0] == costs[b][0]
                                             and costs[a][1] + margin <= costs[b][1])

    chosen = next((edge for edge, other in (("first", "last"), ("last", "first"))
                   if better(edge, "middle") and better(edge, other)), "middle")
    fits = ", ".join(f"{a} {c[1]:g}" for a, c in costs.items())
    rivals = [a for a in costs if a != chosen and bounds[a] != bounds[chosen]
              and not better(chosen, a)]
    if rivals:
        return chosen, (f"merged-cell labels on the {' or '.join(rivals)} row of their group "
                        f"fit the layout about as well as on the {chosen} row (printed lines "
                        f"off: {fits}) but group the rows differently; read as {chosen}: "
                        "declare label_position in the mapping")
    if chosen != "middle":
        return chosen, (f"merged-cell labels read as standing on the {chosen} row of their "
                        f"group: that fits the layout best (printed lines off: {fits})")
    return "middle", ""


def _block_text(
    block: _Block, slots: Sequence[Slot], resolve: Resolver, code_name: Callable[[str], str]
) -> str:
    """The text published for rows inferred into a group.

    The group's recognised label as written (so "Могоссо" reaches the normaliser as the
    document wrote it); when no label of the group is recognised but the names in it state
    the country, that country's name.
    """
    for i in block.rows:
        code, confident = resolve(slots[i].label)
        if confident and code == block.code:
            return slots[i].label
    if block.source == "evidence" and block.code is not None:
        return code_name(block.code)
    return slots[block.rows[0]].label


def _choice(
    i: int,
    j: int,
    texts: list[str],
    slots: Sequence[Slot],
    named: Sequence[tuple[str, ...]],
    geo: _Geometry,
    plan: _Plan,
    resolve: Resolver,
    margin: float,
) -> Choice:
    block = geo.blocks[j]
    own = bool(slots[i].label)
    text = slots[i].label if own else texts[j]
    code, confident = resolve(text)
    base = Choice(
        text,
        block.code,
        own,
        recognised=confident and code == block.code,
        label_line=slots[block.rows[0]].line,
        evidence=named[i],
        conflict=bool(named[i]) and block.code is not None and block.code not in named[i],
        note=block.note,
        group_text=texts[j],
    )
    if own or block.first <= i <= block.last:
        return base
    other = j + 1 if i > block.last else j - 1
    if not 0 <= other < len(geo.blocks):
        return base
    boundary = min(j, other)
    # the best plan in which row i lands on the other side of this boundary
    if other > j:
        sides = [b for b in plan.prefix[boundary] if b <= i]
    else:
        sides = [b for b in plan.prefix[boundary] if b > i]
    if not sides:
        return base
    alt = min(_add(plan.prefix[boundary][b], plan.suffix[boundary + 1][b]) for b in sides)
    gap = geo.lines(alt[1] - plan.optimum[1])
    if alt[0] != plan.optimum[0] or gap > margin:
        return base
    return replace(
        base,
        alternative=texts[other],
        alternative_line=slots[geo.blocks[other].rows[0]].line,
        gap=gap,
    )


# --------------------------------------------------------------------------------------------
# The reader


@register("merged-cell-table", OPTIONS_SCHEMA, table_columns,
          lambda options: check_columns(options, ("merged",)))
def read(lines: list[str], source_id: str, options: dict[str, Any],
         context: ReadContext | None = None) -> ReaderResult:
    """A table with a merged (group-spanning) first column, clean or OCR'd.

    Rows become records; repeated headers, titles and separators are layout; cells split over
    lines are joined (several at once: paired in order and flagged); OCR passes give other
    readings and fill empty cells; the merged column is inferred per row and flagged.
    """
    opts = _Options.of(options)
    result = ReaderResult()
    scan = _scan(lines, opts, result)
    drafts, unpaired = _build_drafts(scan, opts)
    merged = [c for c in opts.merged if c in opts.columns]
    for draft in drafts:
        for column in merged:
            _clean_label(draft, column)
    if opts.ocr_passes and scan.passes:
        labels = sorted({d.cells.get(c, "") for d in drafts for c in merged} - {""})
        entries = _apply_passes(drafts, scan, opts, labels, result)
        _repair_continuations(drafts, opts, scan)
    else:
        entries = []
    for column in merged:
        _assign_column(drafts, column, opts, context, result.notes)
    for draft in drafts:
        if draft.label_only:
            result.mark(draft.lines[0], LineStatus.LAYOUT, "label",
                        "a merged cell's label on a line of its own: the label of its group")
            continue
        _emit(draft, lines, source_id, opts, result)
    for item in unpaired:
        result.mark(item.line, LineStatus.UNREADABLE, "row", _unpaired_reason(item, entries, opts))
    return result


def _clean_label(draft: _Draft, column: str) -> None:
    """A merged cell holding no letters ("_", ".") is extraction noise, not a label."""
    text = draft.cells.get(column, "")
    if text and not has_letters(text):
        draft.flags.append(
            Flag(column, "ocr-noise", f"cell holds {text!r}, no letters; read as empty", text)
        )
        draft.cells[column] = ""


def _assign_column(
    drafts: list[_Draft], column: str, opts: _Options, context: ReadContext | None = None,
    notes: list[str] | None = None,
) -> None:
    slots = [Slot(d.lines[0], d.cells.get(column, ""), _name_of(d, opts), d.page, d.label_only)
             for d in drafts]
    if column == "country":
        choices = assign_merged(
            slots,
            evidence=_evidence_with(context),
            wrap_width=opts.wrap_width,
            page_break_cost=opts.page_break_cost,
            ambiguity_margin=opts.ambiguity_margin,
            top_label_cost=opts.top_label_cost,
            alignment=opts.alignment,
            notes=notes,
        )
    else:
        choices = assign_merged(
            slots,
            resolve=lambda t: (fold(t), True),
            evidence=lambda _: (),
            code_name=str,
            wrap_width=opts.wrap_width,
            page_break_cost=opts.page_break_cost,
            ambiguity_margin=opts.ambiguity_margin,
            top_label_cost=opts.top_label_cost,
            alignment=opts.alignment,
            notes=notes,
        )
    for draft, choice in zip(drafts, choices, strict=True):
        if not draft.label_only:
            _apply_choice(draft, column, choice)


def _apply_choice(draft: _Draft, column: str, choice: Choice) -> None:
    if choice.own:
        if not choice.recognised and choice.note:
            if choice.code is not None and choice.group_text not in (None, choice.text):
                # The row's own label is garbage; its group's recognised label is the reading.
                # The garbled text stays in the flag (and in the record's raw line).
                draft.cells[column] = choice.group_text
                note = f"{choice.note}; read as the group's label {choice.group_text!r}"
                draft.flags.append(Flag(column, "label-unrecognised", note, choice.text))
            else:
                draft.flags.append(Flag(column, "label-unrecognised", choice.note, choice.text))
        if choice.conflict:
            draft.flags.append(_conflict_flag(column, choice))
        return
    if choice.text is None:
        draft.cells.pop(column, None)
        draft.flags.append(
            Flag(column, "country-unknown", "cell empty and the table has no label at all")
        )
        return
    draft.cells[column] = choice.text
    message = (
        f"cell empty on this row; taken from the merged cell labelled {choice.text!r} "
        f"(line {choice.label_line})"
    )
    if choice.code and choice.code in choice.evidence:
        message += f"; the name itself points to {choice.code}"
    if choice.alternative is not None:
        draft.flags.append(
            Flag(
                column,
                "country-ambiguous",
                f"{message}; could also belong to the group labelled {choice.alternative!r} "
                f"(line {choice.alternative_line}): {_closeness(choice.gap)}",
                choice.text,
            )
        )
        draft.alternatives.setdefault(column, []).append(choice.alternative)
    else:
        draft.flags.append(Flag(column, "country-from-merged-cell", message, choice.text))
    if not choice.recognised and choice.note:
        draft.flags.append(Flag(column, "label-unrecognised", choice.note, choice.text))
    if choice.conflict and len(choice.evidence) == 1 and column == "country":
        # Layout put an unlabelled row in a group its own name (or another document's explicit
        # label for the same institution) contradicts: the evidence is the better reading.
        draft.cells[column] = country_name(choice.evidence[0])
        draft.flags.append(Flag(
            column, "country-from-evidence",
            f"the row sits in the group of {choice.code}, but the institution name or another "
            f"document's explicit label says {choice.evidence[0]}; read as {choice.evidence[0]}",
            choice.text))
    elif choice.conflict:
        draft.flags.append(_conflict_flag(column, choice))


def _closeness(gap: float | None) -> str:
    if not gap:
        return "the layout fits both equally well"
    return f"that fits the layout only {gap:g} printed line(s) worse"


def _conflict_flag(column: str, choice: Choice) -> Flag:
    return Flag(
        column,
        "country-evidence-conflict",
        f"the institution name points to {', '.join(choice.evidence)}, "
        f"but the row sits in the group of {choice.code}",
        choice.text,
    )


def _emit(
    draft: _Draft, lines: Sequence[str], source_id: str, opts: _Options, result: ReaderResult
) -> None:
    name = _name_of(draft, opts)
    numbers = tuple(sorted(draft.lines))
    if not name:
        reason = "no partner name in any reading"
        if draft.read_by_passes:
            reason += " (clean cell empty and no OCR pass reads this row)"
        for number in numbers:
            result.mark(number, LineStatus.UNREADABLE, "row", reason)
        return
    fields = {c: draft.cells[c] for c in opts.columns
              if draft.cells.get(c) and c != IGNORED_COLUMN}
    fields[opts.name_column] = name
    record = RawRecord(
        source_id,
        numbers,
        "\n".join(lines[n - 1] for n in numbers),
        {c: fields[c] for c in opts.columns if c in fields},
        draft.flags,
        draft.alternatives,
    )
    result.records.append(record)
    for k, number in enumerate(numbers):
        result.mark(number, LineStatus.RECORD, "row" if k == 0 else "continuation")


def _unpaired_reason(item: _Item, entries: list[PassEntry], opts: _Options) -> str:
    values = " ".join(item.cells.get(c, "") for c in opts.value_columns).strip()
    reason = f"values {values!r} without a partner name on this line or the lines around it"
    date = item.cells.get("start", "")
    if entries:
        same = [e for e in entries if date and e.date and e.date.startswith(date)]
        reason += (
            "; no OCR pass reads a row with this date"
            if not same
            else f"; OCR passes on lines {sorted({e.line for e in same})} carry this date"
        )
    return "no partner name in any reading: " + reason
