"""Reader for outline lists: ``<Region>`` headings, country headings, one institution a line.

The layout (Tohoku University's university-level list is the model) is a printed outline, so
structure comes from the text of each line, not from columns: a ``<Region>`` marker, a line that
names a country, entries that start with a bullet (``- * Name``: the star marks a tuition
waiver) and, now and then, an entry whose bullet was lost in extraction. A document may hold
several layouts one after another, so the reader only accounts for the lines of its own section
(``start_marker`` .. line before ``end_marker``).

The section and page-furniture helpers (:mod:`exchange_kg.readers.sections`) are shared with
the content-table reader, which reads the other section of the same kind of document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exchange_kg.normalise.country import parse_country
from exchange_kg.normalise.fit import looks_like_institution, parse_continent
from exchange_kg.normalise.kinds import parse_kinds
from exchange_kg.normalise.numbers import bounded_int
from exchange_kg.normalise.partner import names_unit
from exchange_kg.normalise.quota import parse_quota
from exchange_kg.readers import check_columns, register
from exchange_kg.readers.details import field_of
from exchange_kg.readers.sections import SECTION_SCHEMA, LayoutPatterns, open_section
from exchange_kg.readers.simple_table import heading_countries
from exchange_kg.records import FIELDS, Flag, LineStatus, RawRecord, ReaderResult, SelfCheck

DEFAULT_TOTAL = r"(?i)^total\s+of\s+(?P<n>\d+)\s+(?:institutions?|partners?|universities)\b.*$"
DEFAULT_REGION = r"^<(?P<region>[^<>]+)>\s*(?P<rest>.*)$"
DEFAULT_NO_COUNTRY = ["International Organization", "International Organizations"]

# the name runs from its first to its last non-space: greedy, so one pass (a lazy name
# followed by \s*$ would retry every space of a long gap)
_BULLET = re.compile(r"^(?:[-\u2013\u2022]\s*)?(?P<mark>\*)?\s*(?P<name>\S(?:.*\S)?)\s*$")
_BOLD = re.compile(r"^\*\*(?P<text>.+?)\*\*$")
# a list number: Word's label and a tab ("1.\tName", "2)\tName"), or typed ("3. Name")
_NUMBER = re.compile(r"^\d{1,3}(?:[.)]?\t|[.)]\s+)(?=\S)")

OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["start_marker"],
    "properties": {
        **SECTION_SCHEMA,
        "no_country_headings": {
            "type": "array",
            "items": {"type": "string"},
            "description": "headings that group entries without naming a country",
        },
        "total_pattern": {
            "type": "string",
            "format": "regex",
            "x-groups": ["n"],
            "description": "regex of the stated total; named group 'n' is the number",
        },
        "details": {
            "type": "array",
            "items": {"type": "string", "enum": [*sorted(FIELDS), "-"]},
            "minItems": 1,
            "description": "the fields of the details after a dash that ends an entry, "
            "separated by commas, in order ('Name – Erasmus+, 2 places': [kind, quota]); '-' "
            "skips one. An entry with another number of details has them read by what they hold, "
            "or keeps them in its name when one of them is neither a kind nor a number of "
            "places",
        },
        "unit_headings": {
            "type": "boolean",
            "description": "headings that name one of the host's units ('School of Law', "
            "'Fakultät für Physik') give the entries under them that home_unit (without it, "
            "such a heading is read as a heading and its unit left out)",
        },
        "region_pattern": {
            "type": "string",
            "format": "regex",
            "x-groups": ["region", "rest"],
            "description": "regex of region headings; groups 'region' and 'rest' (a country "
            "heading glued to the region)",
        },
    },
}


# The fields an outline gives its records: the headings above an entry, the entry, its mark.
FIELDS_GIVEN = frozenset({"area", "country", "partner", "waiver"})


@dataclass
class _Line:
    """One non-blank line of the section, classified before headings are resolved."""

    number: int
    text: str  # stripped, for matching; the record keeps the line as written
    role: str  # "layout" | "total" | "region" | "entry" | "plain" | "note"
    kind: str = ""
    reason: str = ""
    region: str | None = None
    heading: str | None = None  # country heading text (glued to a region, bold or plain)
    unit: str | None = None  # a heading naming one of the host's units ("School of Law")
    name: str | None = None
    mark: str = ""
    total: int | None = None


@dataclass
class _Context:
    """What the headings above the current line say."""

    area: str | None = None
    country: str | None = None
    heading_flag: Flag | None = None
    unit: str | None = None


def _provides(options: dict[str, Any]) -> frozenset[str]:
    units = {"home_unit"} if options.get("unit_headings") else set()
    return FIELDS_GIVEN | units | {d for d in options.get("details", ()) if d != "-"}


@register("outline-list", OPTIONS_SCHEMA, _provides,
          lambda options: check_columns(options))
def read(lines: list[str], source_id: str, options: dict[str, Any]) -> ReaderResult:
    """Read a region/country outline with one institution a line (university-level list)."""
    start, end, result = open_section(lines, options, source_id)
    items = _classify(lines, start, end, options)
    _resolve_plain_lines(items, options)
    _emit(items, lines, source_id, options, result)
    return result


def _classify(lines: list[str], start: int, end: int, options: dict[str, Any]) -> list[_Line]:
    layout = LayoutPatterns.from_options(lines, options, start)
    total_re = re.compile(options.get("total_pattern", DEFAULT_TOTAL))
    region_re = re.compile(options.get("region_pattern", DEFAULT_REGION))
    items: list[_Line] = []
    for n in range(start, end + 1):
        text = lines[n - 1].strip()
        if text:
            items.append(_classify_line(n, text, layout, total_re, region_re))
    return items


def _classify_line(
    n: int,
    text: str,
    layout: LayoutPatterns,
    total_re: re.Pattern[str],
    region_re: re.Pattern[str],
) -> _Line:
    furniture = layout.classify(text)
    if furniture is not None:
        return _Line(n, text, "layout", kind=furniture[0], reason=furniture[1])
    total = total_re.search(text)
    if total is not None and bounded_int(total.group("n")) is not None:
        return _Line(n, text, "total", total=bounded_int(total.group("n")))
    region = region_re.search(text)
    if region is not None:
        rest = _unbold(region.group("rest").strip()) or None
        return _Line(n, text, "region", region=region.group("region").strip(), heading=rest)
    bold = _BOLD.search(text)
    if bold is not None:
        return _Line(n, text, "region", heading=bold.group("text").strip())
    numbered = unnumbered(text)
    if numbered != text:
        # a numbered entry; a numbered country or region ("1. France") heads entries
        if parse_country(numbered, fuzzy=False) is None and parse_continent(numbered) is None:
            bullet = _BULLET.search(numbered)
            if bullet is not None:
                return _Line(n, text, "entry", name=bullet.group("name"),
                             mark=bullet.group("mark") or "")
        return _Line(n, text, "plain", name=numbered)
    if text[0] in "-\u2013\u2022*":
        bullet = _BULLET.search(text)
        if bullet is not None:
            mark = bullet.group("mark") or ""
            return _Line(n, text, "entry", name=bullet.group("name"), mark=mark)
    return _Line(n, text, "plain", name=text)


def unnumbered(text: str) -> str:
    """The line without its list number, if it has one: the number orders the list, it is no
    part of the name (and numbering may restart under each heading)."""
    return _NUMBER.sub("", text, count=1)


# A heading's count of the entries under it: "Australia 2", "Canada (3)", an accordion's badge.
_COUNT = re.compile(r"\s*(?:\(\d{1,3}\)|\[\d{1,3}\]|\d{1,3})$")


def uncounted(text: str) -> str:
    """A heading without the count of its entries, where what is left names a country or
    region ("Australia 2" over two Australian partners); else the text as it is."""
    bare = _COUNT.sub("", text)
    if bare != text and bare and (parse_country(bare, fuzzy=False) is not None
                                  or parse_continent(bare) is not None):
        return bare
    return text


def _unbold(text: str) -> str:
    bold = _BOLD.search(text)
    return bold.group("text").strip() if bold else text


def _resolve_plain_lines(items: list[_Line], options: dict[str, Any]) -> None:
    """Decide for each unbulleted line whether it is a country heading or an institution.

    A recognised country name (or a configured no-country heading) is a heading, a continent
    or world-region name a region heading. An unrecognised
    line is still a heading when bulleted entries follow it and it does not stand directly under
    another heading (a heading with no entries is implausible; an institution whose bullet was
    lost is not). Everything else is an institution listed without a bullet.
    """
    no_country = {h.casefold() for h in options.get("no_country_headings", DEFAULT_NO_COUNTRY)}
    content = [item for item in items if item.role not in ("layout", "total")]
    for i, item in enumerate(content):
        if item.role != "plain":
            continue
        assert item.name is not None
        item.name = uncounted(item.name)
        if item.name.casefold() in no_country or parse_country(item.name) is not None:
            item.role, item.heading = "region", item.name
            continue
        if _note(item.name):
            item.role = "note"  # "Contact: international@example.ie" after the entries
            continue
        if parse_continent(item.name) is not None:  # "EUROPA", "Americhe": a region heading
            item.role, item.region = "region", item.name
            continue
        prev = content[i - 1] if i > 0 else None
        nxt = content[i + 1] if i + 1 < len(content) else None
        under_heading = prev is not None and prev.role == "region" and prev.heading is not None
        if names_unit(item.name) and not under_heading and (
                nxt is not None and nxt.role == "entry" or _heads_a_country(content, i + 1)):
            # "School of Law" over its partners, not under a country heading (where it would
            # be an institution whose bullet was lost): one of the host's units, no country
            item.role, item.unit = "region", item.name
            continue
        if not under_heading and nxt is not None and nxt.role == "entry":
            item.role, item.heading = "region", item.name
        elif not under_heading and _heads_a_country(content, i + 1) and \
                not looks_like_institution(item.name):
            # a heading over a country heading ("Noord-Amerika" over "Canada"), in words no
            # vocabulary knows: a region, not an institution whose bullet was lost (which
            # would not stand right under a country heading of its own either)
            item.role, item.region = "region", item.name


_ADDRESS = re.compile(r"@|https?://|www\.|^[^\W\d_][^:]{0,30}:\s+\S")


def _note(text: str) -> bool:
    """A line no institution is named by: an e-mail or web address, or a label and a colon
    ("Contact: ...", "Lisätietoja: ..."), with no institution word."""
    return bool(_ADDRESS.search(text)) and not looks_like_institution(text)


def _heads_a_country(content: list[_Line], at: int) -> bool:
    """Whether the line at ``at`` is a country heading with entries under it."""
    if at + 1 >= len(content) or content[at + 1].role != "entry":
        return False
    line = content[at]
    name = line.heading if line.role == "region" else line.name
    return line.role in ("plain", "region") and name is not None and \
        parse_country(name) is not None


def _emit(
    items: list[_Line],
    lines: list[str],
    source_id: str,
    options: dict[str, Any],
    result: ReaderResult,
) -> None:
    no_country = {h.casefold() for h in options.get("no_country_headings", DEFAULT_NO_COUNTRY)}
    ctx = _Context()
    totals: list[_Line] = []
    for item in items:
        if item.role == "layout":
            result.mark(item.number, LineStatus.LAYOUT, item.kind, item.reason)
        elif item.role == "total":
            totals.append(item)
            result.mark(item.number, LineStatus.LAYOUT, "total", "the list's own stated total")
        elif item.role == "note":
            result.mark(item.number, LineStatus.UNREADABLE, "note",
                        "a sentence or an address among the entries, naming no institution: "
                        "not read (a title or footer pattern may name it)")
        elif item.role == "region":
            _enter_heading(item, ctx, no_country)
            result.mark(item.number, LineStatus.LAYOUT, "heading", _heading_reason(item))
        else:
            record = _record(item, ctx, source_id, lines[item.number - 1])
            if ctx.unit is not None and options.get("unit_headings"):
                record.fields["home_unit"] = ctx.unit
            _details(record, options.get("details", ()))
            result.records.append(record)
            result.mark(item.number, LineStatus.RECORD, "entry")
    for total in totals:
        result.checks.append(
            SelfCheck(
                "university-level total",
                expected=total.total if total.total is not None else "",
                found=len(result.records),
                lines=(total.number,),
                detail="stated total vs entries read (one entry a line)",
            )
        )


# the last dash with spaces around it: what follows is the entry's details
_DETAILS = re.compile(r"^(?P<name>.+\S)\s+[-\u2013\u2014]\s+(?P<tail>\S.*)$")
# a web page's details after spaced middle dots: "Universität zu Köln · 2 places · 2021-2027"
_DOTTED = re.compile(r"^(?P<name>.+?\S)\s+[\u00b7\u2022]\s+(?P<tail>\S.*)$")
# a colon after the whole name: "University of Bath: MoU, valid until 31/12/2026"
_COLON = re.compile(r"^(?P<name>[^:\uff1a]+?\S)\s*[:\uff1a]\s+(?P<tail>\S.*)$")
_DETAIL_SEPARATOR = re.compile(r",|\s[\u00b7\u2022]\s")
_SPACED_DASH = re.compile(r"\s+[-\u2013\u2014]\s+")


def split_details(entry: str) -> tuple[str, list[str]] | None:
    """An entry's name and the details after a colon that ends a whole institution name,
    else after its last spaced dash (or its first spaced middle dot), split at commas and
    spaced middle dots."""
    colon = _COLON.match(entry)
    if colon is not None and looks_like_institution(colon.group("name")):
        found: re.Match[str] | None = colon
    else:
        # "Kyoto University, Japan – Student Exchange – valid until 31/03/2027": the details
        # start at the first spaced dash after a whole name, not the last
        dashes = _SPACED_DASH.split(entry)
        if len(dashes) > 2 and looks_like_institution(dashes[0]):
            return dashes[0].strip(), [p.strip() for d in dashes[1:]
                                       for p in _DETAIL_SEPARATOR.split(d)]
        found = _DETAILS.match(entry) or _DOTTED.match(entry)
    if found is None:
        return None
    return found.group("name"), [p.strip() for p in _DETAIL_SEPARATOR.split(found.group("tail"))]


def _details(record: RawRecord, details: Sequence[str]) -> None:
    """Move the details after an entry's dash into the fields the mapping names for them.

    As many details as the mapping names are taken in its order. Another number of them are
    taken only where each reads as one of the named fields by itself ("– acord de cooperare"
    is a kind, "– 2 places" a quota), and with no ``details`` option at all such a tail is
    still no part of the name: it is cut off and reported unread, for a mapping to name.
    "Grenoble INP – UGA" holds no detail, so it stays the name."""
    found = split_details(record.fields["partner"])
    if found is None:
        return
    name, parts = found
    if details and len(parts) == len(details) and not any(map(_names_a_party, parts)):
        record.fields["partner"] = name
        for field, value in zip(details, parts, strict=True):
            if field != "-" and value:
                record.fields[field] = value
        return
    by_content = _read_by_content(parts)
    if by_content is None:
        if details:
            record.flags.append(Flag(
                "partner", "details-not-split", f"{len(parts)} detail(s) after the dash "
                f"where the mapping names {len(details)}; kept in the name", parts[0]))
        return
    record.fields["partner"] = name
    unread = [value for field, value in zip(by_content, parts, strict=True)
              if field not in details]
    for field, value in zip(by_content, parts, strict=True):
        if field is not None and field in details:
            record.fields[field] = value
    if unread:
        record.flags.append(Flag(
            "partner", "details-unread", "details after the dash are no part of the name, "
            "and the mapping reads no field from them (the outline-list option details: "
            "names them)", ", ".join(unread)))


def _names_a_party(text: str) -> bool:
    """An institution or one of its units ("Faculté de Droit"): a name, never a detail."""
    return looks_like_institution(text) or names_unit(text)


def _read_by_content(parts: Sequence[str]) -> list[str | None] | None:
    """The field each detail reads as by itself (a kind the vocabulary knows, a number of
    places; None: neither), or None when the tail is no list of details: nothing in it reads
    as one, a part names an institution or unit, or two read as the same field."""
    fields: list[str | None] = []
    for part in parts:
        kinds, kind_flags = parse_kinds(part)
        quota, quota_flags = parse_quota(part)
        if kinds.kinds and not kind_flags:
            fields.append("kind")
        elif part[:1].isdigit() and quota is not None and quota.places and not any(
                f.withheld for f in quota_flags):
            fields.append("quota")
        elif _names_a_party(part) or not part:
            return None
        elif field_of(part) == "term":
            fields.append("term")  # "unbefristet", "bis 31.05.2029"
        else:
            fields.append(None)
    named = [f for f in fields if f is not None]
    return fields if named and len(set(named)) == len(named) else None


def _heading_reason(item: _Line) -> str:
    parts = [f"unit heading {item.unit!r}"] if item.unit else []
    if item.region:
        parts.append(f"region {item.region!r}")
    if item.heading:
        parts.append(f"country heading {item.heading!r}")
    return ", ".join(parts)


def _enter_heading(item: _Line, ctx: _Context, no_country: set[str]) -> None:
    if item.unit is not None:
        ctx.unit, ctx.country, ctx.heading_flag = item.unit, None, None
        return
    if item.region is not None:
        ctx.area, ctx.country, ctx.heading_flag = item.region, None, None
    if item.heading is None:
        return
    heading = item.heading
    named = heading_countries(heading)
    if named is not None and len(named) > 1:
        ctx.country = None  # "USA & Canada (2)": its entries' country is not one of them for sure
        ctx.heading_flag = Flag("country", "no-country", f"listed under {heading!r}, a heading "
                                f"that names several countries ({', '.join(named)})",
                                value=heading)
    elif heading.casefold() in no_country:
        ctx.country = None
        ctx.heading_flag = Flag(
            "country",
            "no-country",
            f"listed under {heading!r}, a heading that names no country",
            value=heading,
        )
    else:
        ctx.country = heading
        ctx.heading_flag = None
        if parse_country(heading) is None:
            ctx.heading_flag = Flag(
                "country",
                "country-unrecognised",
                f"heading {heading!r} is not a recognised country name; read as a heading "
                "because entries follow it",
                value=heading,
            )


def _record(item: _Line, ctx: _Context, source_id: str, raw: str) -> RawRecord:
    assert item.name is not None
    fields: dict[str, str] = {}
    if ctx.area is not None:
        fields["area"] = ctx.area
    if ctx.country is not None:
        fields["country"] = ctx.country
    fields["partner"], fields["waiver"] = item.name, item.mark
    flags: list[Flag] = []
    if ctx.heading_flag is not None:
        flags.append(ctx.heading_flag)
    elif ctx.country is None:
        flags.append(Flag("country", "country-missing", "entry stands before any country heading"))
    if item.role == "plain":
        flags.append(
            Flag(
                "partner",
                "bare-entry",
                "line has no bullet and no waiver mark; read as an institution because it "
                "is not a country heading",
                value=item.name,
            )
        )
    return RawRecord(source_id, (item.number,), raw, fields, flags)
