"""A cell that holds several details of an agreement, each read by what it holds.

Web pages and brochures often give a partner one cell of details instead of a column each:
a description list's ``<dd>Cergy, Frankreich</dd><dd>Erasmus+ · 3 Plätze · Vertrag bis
31.05.2028</dd>``, a card's "Erasmus+ · 2 places · until 2027". A mapping names such a column
``details``; each part (the cell's lines, then its parts between spaced middle dots, bars or
semicolons, then between commas) goes to the field it reads as by itself: an agreement type
the vocabulary knows, a term (a date, a duration, open-ended), a number of places, a
country. A part beside a country in "City, Country" is the city. What reads as none of them
is kept out of every field and reported, never guessed.
"""

from __future__ import annotations

import re

from exchange_kg.normalise.country import parse_country
from exchange_kg.normalise.fit import looks_like_institution
from exchange_kg.normalise.kinds import parse_kinds
from exchange_kg.normalise.quota import parse_quota
from exchange_kg.normalise.term import parse_terms
from exchange_kg.records import Flag

DETAILS_COLUMN = "details"
# the fields a details cell may give, each as a column of its own would
DETAIL_FIELDS = frozenset({"country", "city", "kind", "quota", "term"})

_LINES = re.compile(r"[\n\u2028\u2029]")
_PARTS = re.compile(r"\s[\u00b7\u2022|\u2013\u2014]\s|;\s*")
_CITY_WORDS = 4  # a city's name is short


def read_details(text: str) -> tuple[dict[str, str], list[str]]:
    """The fields a details cell gives, and the parts that read as none."""
    fields: dict[str, str] = {}
    unread: list[str] = []
    for line in _LINES.split(text):
        for segment in (s.strip() for s in _PARTS.split(line)):
            if segment:
                for part, field in _segment_fields(segment):
                    if field is None:
                        unread.append(part)
                    else:
                        fields[field] = f"{fields[field]}; {part}" if field in fields else part
    return fields, unread


def _segment_fields(segment: str) -> list[tuple[str, str | None]]:
    """A segment's parts and their fields: its parts between commas where each reads as a
    field of its own ("Erasmus+, 2 places, until 2027"; "Cergy, Frankreich"), else the whole
    segment where it reads as one ("until May 31, 2027"), else the parts, some unread."""
    parts = [p.strip() for p in segment.split(",") if p.strip()]
    read = [field_of(p) for p in parts]
    if len(parts) == 2 and read == ["country", "country"] \
            and parts[0].casefold() == parts[1].casefold():
        read[0] = "city"  # "Singapur, Singapur": a city-state
    elif len(parts) == 2 and read.count("country") == 1 and read.count(None) == 1 \
            and _may_be_city(parts[read.index(None)]):
        read[read.index(None)] = "city"
    named = [f for f in read if f is not None]
    if len(parts) > 1 and len(named) == len(parts) and len(set(named)) == len(named):
        return list(zip(parts, read, strict=True))
    whole = field_of(segment)
    if whole is not None:
        return [(segment, whole)]
    return list(zip(parts, read, strict=True))


def expand_details(fields: dict[str, str]) -> list[Flag]:
    """Replace a row's details cell by the fields it gives (a field the row has a column
    of its own for keeps that column's value); flags for the parts read as nothing."""
    text = fields.pop(DETAILS_COLUMN, None)
    if text is None:
        return []
    found, unread = read_details(text)
    for field, value in found.items():
        fields.setdefault(field, value)
    if not unread:
        return []
    return [Flag(DETAILS_COLUMN, "details-unread",
                 "details that read as no field (type, term, places, country, city): not read",
                 "; ".join(unread))]


def field_of(part: str) -> str | None:
    """The field one detail reads as by itself, or None."""
    if not part or looks_like_institution(part):
        return None
    kinds, kind_flags = parse_kinds(part)
    if kinds.kinds and not kind_flags:
        return "kind"
    terms, _ = parse_terms(part)
    if any(t.start or t.end or t.open_ended or t.duration_years for t in terms):
        return "term"
    if part[:1].isdigit():
        quota, quota_flags = parse_quota(part)
        if quota is not None and quota.places and not any(f.withheld for f in quota_flags):
            return "quota"
    if parse_country(part, fuzzy=False) is not None:
        return "country"
    return None


def _may_be_city(text: str) -> bool:
    """A short name without digits that names no institution ("Universiteit Gent, Belgium"
    is a partner and its country, not a city and a country)."""
    return bool(text) and len(text.split()) <= _CITY_WORDS and not any(
        c.isdigit() for c in text) and not looks_like_institution(text)
