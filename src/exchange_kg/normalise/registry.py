"""The normalisers a mapping file can name, behind one calling convention.

``normalise(name, raw, field, options) -> (value, flags)``; ``value`` is None when nothing
trustworthy could be read (a flag then says why).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from exchange_kg.normalise.country import fold_accents
from exchange_kg.normalise.vocabulary import Vocabulary, active, entries
from exchange_kg.records import Flag

# Characters that only steer how text is shown: direction marks around a date on a
# right-to-left page, a zero-width space between Thai words, a soft hyphen, a word joiner, a
# byte-order mark. They say nothing, yet a date or a number holding one would not be read.
# (The zero-width non-joiner stays: Persian spells words with it.)
_INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def normalise(name: str, raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    raw = _INVISIBLE.sub("", raw).strip()
    if name in _CELL_ONLY:
        value, flags = _normalise_cell(name, raw, field, active(), options.get("calendar"))
        return value, list(flags)
    return _FUNCS[name](raw, field, options)


# Normalisers whose reading depends on the cell alone (and a date column's calendar), not on
# other options. Their cells repeat (dates, term phrases, agreement types), so each distinct
# cell is read once; every caller gets its own flag list, and values are immutable.
_CELL_ONLY = frozenset({"date", "term", "quota", "kinds"})


@lru_cache(maxsize=65536)
def _normalise_cell(name: str, raw: str, field: str, vocabulary: Vocabulary,
                    calendar: str | None = None) -> tuple[Any, tuple[Flag, ...]]:
    """One cell under one vocabulary (the source's words and date order)."""
    value, flags = _FUNCS[name](raw, field, {"calendar": calendar} if calendar else {})
    return value, tuple(flags)


def _country(raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    from exchange_kg.normalise.country import parse_country, unmatched_reason

    match = iso_code(raw)
    clash = _code_clash(raw.strip(), active().language) if match is not None else None
    if clash is not None:
        return None, [Flag(field, "country-unknown", clash, raw, withheld=True)]
    match = match or parse_country(raw)
    if match is None:
        reason = unmatched_reason(raw) or "names no country we recognise"
        return None, [Flag(field, "country-unknown", reason, raw, withheld=True)]
    flags = []
    if match.method in ("fuzzy", "homoglyph"):
        flags.append(Flag(field, "country-repaired",
                          f"read as {match.name} ({match.method}, score {match.score:.0f})", raw))
    return match.code, flags


def _code_clash(code: str, language: str | None) -> str | None:
    """Why an ISO code is no country in a list of ``language`` ("RU" is Reino Unido in a
    Spanish list as often as Russia), or None."""
    if not language:
        return None
    other = _clashes().get((code, language.split("-")[0].casefold()))
    if other is None:
        return None
    from exchange_kg.normalise.country import country_name

    return (f"{code!r} is the ISO code of {country_name(code)}, but lists in this language "
            f"write it for {country_name(other)}: give the country's name")


@lru_cache(maxsize=1)
def _clashes() -> dict[tuple[str, str], str]:
    from exchange_kg.normalise.vocabulary import data_rows

    return {(code, lang): other for code, lang, other, *_ in data_rows("country-code-clashes.tsv")}


# Codes that are also what an empty cell says: "NA" is Namibia's code and "not available".
_NOT_CODES = frozenset({"NA"})


def iso_code(raw: str) -> Any:
    """ "DE", "CAN", "JPN": a country cell that is an ISO 3166-1 alpha-2 or alpha-3 code, in
    capitals as codes are written. Only for a country cell: inside a partner's name capitals
    are an acronym ("Instituto Tecnológico de Aeronáutica (ITA)" is no Italian body)."""
    import pycountry

    from exchange_kg.normalise.country import CountryMatch

    text = raw.strip()
    if len(text) not in (2, 3) or not text.isascii() or not text.isalpha() \
            or not text.isupper() or text in _NOT_CODES:
        return None
    found = pycountry.countries.get(**{f"alpha_{len(text)}": text})
    if found is None:
        return None
    return CountryMatch(found.alpha_2, found.name, f"alpha-{len(text)}", 100.0)


def _text(raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    return " ".join(raw.split()) or None, []


def _partner(raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    from exchange_kg.normalise.partner import parse_partner

    return parse_partner(raw, options.get("notation", "auto"),
                         by_line=bool(options.get("by_line")))


def _date(raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    from exchange_kg.normalise.dates import parse_date

    return parse_date(raw, field=field, calendar=options.get("calendar"))


def _term(raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    from exchange_kg.normalise.term import parse_terms

    terms, flags = parse_terms(raw, field=field, role="end" if field == "end" else "term",
                               calendar=options.get("calendar"))
    return tuple(terms), flags


def _quota(raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    from exchange_kg.normalise.quota import parse_quota

    return parse_quota(raw, field=field)


def _kinds(raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    from exchange_kg.normalise.kinds import parse_kinds

    return parse_kinds(raw, field=field)


MARK_SYMBOLS = ("*", "＊")


def is_mark_symbol(raw: str) -> bool:
    """Whether a cell holds the bare mark: only in a column of bare marks does a blank cell
    say "no" (a column of words says no in words, "徴収", and its blank cells say nothing)."""
    return raw.strip() in MARK_SYMBOLS


def _mark(raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    """A cell that is either a marker (``*``) or empty: the marker means true. Some lists write
    words instead, yes or no ("相互不徴収": waived both ways; "徴収": charged), from the marks
    vocabulary."""
    if is_mark_symbol(raw):
        return True, []
    said = _mark_words(active()).get(_mark_key(raw))
    if said is not None:
        return said, []
    return None, [Flag(field, "unreadable", "expected a '*' mark or a word that says yes or "
                       "no", raw)]


def _mark_key(text: str) -> str:
    return " ".join(fold_accents(text).split())


@lru_cache(maxsize=64)
def _mark_words(vocabulary: Vocabulary) -> dict[str, bool]:
    words: dict[str, bool] = {}
    for entry in entries("marks", vocabulary):
        if entry.value not in ("yes", "no"):
            raise ValueError(f"mark-words.tsv: unknown meaning {entry.value!r} for "
                             f"{entry.text!r}")
        words.setdefault(_mark_key(entry.text), entry.value == "yes")
    return words


_URL = re.compile(r"^(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)


def _url(raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    value = raw.strip()
    if " " in value or not _URL.match(value):
        return None, [Flag(field, "unreadable", "not a well-formed web address", raw,
                           withheld=True)]
    if not value.lower().startswith(("http://", "https://")):
        value = "http://" + value
    return value, []


def _level(raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    from exchange_kg.normalise.level import parse_level

    return parse_level(raw, field=field)


def _erasmus_code(raw: str, field: str, options: dict[str, Any]) -> tuple[Any, list[Flag]]:
    from exchange_kg.normalise.erasmus import parse_erasmus_code

    return parse_erasmus_code(raw, field=field)


_FUNCS = {
    "country": _country,
    "text": _text,
    "partner": _partner,
    "date": _date,
    "term": _term,
    "quota": _quota,
    "kinds": _kinds,
    "mark": _mark,
    "url": _url,
    "erasmus-code": _erasmus_code,
    "level": _level,
}
