"""A campus abroad named by its home university and a country: the campus, when evidence says so.

"Texas A&M University, Qatar", "Monash University (Malaysia)", "University of Nottingham –
Malaysia": the partner parser reads the country word after the name as the party's place, as
it must for "Kyoto University, Japan". For a branch campus that leaves the HOME university's
name in the campus's country, a false fact (an institution named Texas A&M University in
Qatar) that also takes the home university's identity. One cell cannot tell the two apart;
the other rows and ROR can. The party keeps the name as written, country word and all, when
the bare name is an institution of other countries and of none in the party's own:

* another party names it alone (without a country word) in another country, in any list;
* ROR has records by exactly that name, none of them in the party's country;
* the name itself names another country ("American University ..., Bulgaria").

Without such evidence the country word stays the place. Keeping the written name is never a
false fact: at worst a split of one institution into two spellings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from exchange_kg.agreements import Agreement, Party
from exchange_kg.link.names import normalise
from exchange_kg.normalise.country import countries_in_name, parse_country
from exchange_kg.normalise.partner import institution_key
from exchange_kg.records import Flag
from exchange_kg.resolve.reread import reread_parties

if TYPE_CHECKING:
    from exchange_kg.link.ror_index import RorIndex

# name -> the countries of the ROR records named exactly so
RorCountries = Callable[[str], "set[str]"]


def ror_countries(index: RorIndex) -> RorCountries:
    """The countries of ``index``'s records that have the name (any of its readings)."""
    def countries(name: str) -> set[str]:
        return {c for i in index.by_key(normalise(name)) if (c := index.country_of(i))}
    return countries


def name_campuses(agreements: Sequence[Agreement],
                  ror_countries: RorCountries | None = None) -> int:
    """Give the parties that are a campus abroad their written name (see the module
    docstring), in place; returns how many were renamed."""
    plain: dict[str, set[str]] = defaultdict(set)  # name key -> countries named alone
    for a in agreements:
        for p in a.parties:
            if p.country and not p.with_country:
                plain[institution_key(p.name)].add(p.country)
    ror = ror_countries or (lambda name: set())

    def read(party: Party) -> tuple[tuple[Party, ...], Flag] | None:
        written = party.with_country
        if not written or not party.country or _place_country(party) != party.country:
            return None
        seen = plain.get(institution_key(party.name), set()) | ror(party.name) \
            | {m.code for m in countries_in_name(party.name)}
        if not seen or party.country in seen:
            return None
        return (replace(party, name=written, with_country=None),), Flag(
            "partner", "campus-abroad",
            f"{written!r} kept whole: {party.name!r} is an institution of "
            f"{', '.join(sorted(seen))}, so the country word names its campus in "
            f"{party.country}", party.name)

    return reread_parties(agreements, read)


def _place_country(party: Party) -> str | None:
    written = party.with_country or ""
    if not written.startswith(party.name):
        return None
    word = written[len(party.name):].strip(" ,()-–—")
    match = parse_country(word, fuzzy=False) if word else None
    if match is not None:
        return match.code
    named = {m.code for m in countries_in_name(word)}  # "Malaysia Campus"
    return next(iter(named)) if len(named) == 1 else None


__all__ = ["RorCountries", "name_campuses", "ror_countries"]
