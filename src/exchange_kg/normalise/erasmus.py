"""Erasmus institution codes ("F  PARIS468", "PL KRAKOW01") -> the code in its normal form.

European partner lists often give each partner's Erasmus code beside its name. It is an
identifier the source states: two rows with one code are one institution however they spell
it, two codes are two institutions however alike their names. Lists write the code with
its spaces collapsed ("D KASSEL01") or doubled, in lower case, with a stray dot; the normal
form is the programme's own: a country component of one to three letters padded to three
characters, a city component of letters and hyphens, a number of two or three digits
("D  KASSEL01", "PL WARSZAW01", "IRLDUBLIN01").

A code written without the space after its country ("DKASSEL01") is refused: "DK" (Denmark)
and "D" (Germany) would both read it, and what the cell does not say is not guessed (only
"IRL" and "LUX", which fill their three characters, are written without one). The
country component names the issuing country (``data/erasmus-code-countries.tsv``), evidence
for the partner's country, never a value published in its place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from exchange_kg.normalise.country import fold_accents
from exchange_kg.normalise.vocabulary import data_rows
from exchange_kg.records import Flag

_CITY = r"([A-Z](?:[A-Z-]*[A-Z])?)\s*(\d{2,3})"
_CODE = re.compile(r"([A-Z]{1,3})\s+" + _CITY)
# the two three-letter components fill their three characters: no space follows them
_FULL = re.compile(r"(IRL|LUX)" + _CITY)
# what a list writes in the cell of a partner without a code
_NONE = frozenset({"-", "\u2013", "\u2014", "N/A", "NA", "N.A", "?"})


@dataclass(frozen=True)
class ErasmusCode:
    code: str  # the normal form: "D  KASSEL01"
    country: str | None  # ISO 3166-1 alpha-2 of the issuing country, if the prefix is known


@cache
def _countries() -> dict[str, str]:
    return {row[0]: row[1] for row in data_rows("erasmus-code-countries.tsv")}


def parse_erasmus_code(raw: str, *, field: str = "erasmus_code"
                       ) -> tuple[ErasmusCode | None, list[Flag]]:
    """Read an Erasmus code cell; anything that is not one is refused with a flag."""
    text = unicodedata.normalize("NFKC", raw).strip().rstrip(".").upper()
    if not text or text in _NONE:
        return None, []
    m = _CODE.fullmatch(text) or _FULL.fullmatch(text)
    if m is None:
        return None, [Flag(field, "unreadable", "not an Erasmus code: expected a country "
                           "component, a space, a city and a number ('D  KASSEL01')", raw,
                           withheld=True)]
    prefix, city, number = m.groups()
    return ErasmusCode(prefix.ljust(3) + city + number, _countries().get(prefix)), []


# Letters a city cell and a code's city component must share at their start: the component
# is the city's name in its own language, cut to at most seven letters ("WARSZAW", "MUNCHEN"),
# and lists write the city in theirs ("Warsaw", "München", "Munich").
CITY_PREFIX = 3


def city_fits(code: str, city: str) -> bool:
    """May a code in its normal form belong to a row whose city cell says ``city``? A code
    slipped from another row of the same country names another city."""
    component = re.sub(r"[^A-Z]", "", code[3:].split("-")[0])[:CITY_PREFIX]
    words = re.findall(r"[a-z]+", fold_accents(city).replace("ß", "ss"))
    return not words or any(w.upper().startswith(component) for w in words)


def code_country(code: str) -> str | None:
    """The issuing country of a code in its normal form."""
    return _countries().get(code[:3].strip())
