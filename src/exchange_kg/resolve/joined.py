"""Two institutions joined by "and" in one partner cell: a party each, when evidence says so.

The partner parser reads "Tianjin Medical University and TEDA International Cardiovascular
Hospital" as one name and can only flag it (``possibly-several-parties``): many real names
join two body words ("Wageningen University and Research Centre", "University and State
Library"). The other rows and ROR hold the evidence one cell lacks. A party is split in two at
an "and" that joins two body names (``normalise.partner.joined_bodies``) when

* the part before it is an institution in its own right: another party of the same country
  names it alone (in any list), or ROR has a record of that country by that exact name;
* the part after it starts with a proper name of its own ("TEDA International ..."; not
  "Research Centre", "State Library");
* the whole is no name of its own: no ROR record of the country has it;
* the party names nothing the two would have to share out (units, an acronym, a campus,
  other names, a website, a city).

Anything else stays one name, with the parser's flag: precision first. The agreement keeps its
identity (its key, so its IRI); its first record gets a flag saying how the cell was read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from exchange_kg.agreements import Agreement, Party
from exchange_kg.link.names import normalise
from exchange_kg.normalise.partner import institution_key, joined_bodies
from exchange_kg.records import Flag
from exchange_kg.resolve.names import is_distinctive, parse_name
from exchange_kg.resolve.reread import reread_parties

if TYPE_CHECKING:
    from exchange_kg.link.ror_index import RorIndex

# (name, country) -> whether ROR has a record of that country by exactly that name
RorNamed = Callable[[str, "str | None"], bool]


def ror_named(index: RorIndex) -> RorNamed:
    """Whether ``index`` has a record of the country by the name (any of its readings)."""
    def named(name: str, country: str | None) -> bool:
        return any(index.country_of(i) == country for i in index.by_key(normalise(name)))
    return named


def split_joined_parties(agreements: Sequence[Agreement],
                         ror_named: RorNamed | None = None) -> int:
    """Split the parties that are two institutions (see the module docstring), in place;
    returns how many were split."""
    alone = {(p.country, institution_key(p.name)) for a in agreements for p in a.parties}
    named = ror_named or (lambda name, country: False)

    def read(party: Party) -> tuple[tuple[Party, ...], Flag] | None:
        parts = _parts(party, alone, named)
        if parts is None:
            return None
        return tuple(replace(party, name=name) for name in parts), Flag(
            "partner", "several-parties-split",
            f"{party.name!r} read as two parties, {parts[0]!r} and {parts[1]!r}: "
            f"{parts[0]!r} is an institution named on its own elsewhere", party.name)

    return reread_parties(agreements, read)


def _parts(party: Party, alone: set[tuple[str | None, str]],
           ror_named: RorNamed) -> tuple[str, str] | None:
    if (party.units or party.acronym or party.campus or party.alt_names or party.website
            or party.city or any(c in party.name for c in '()[]"')):
        return None
    found = []
    for left, right in joined_bodies(party.name):
        known = ((party.country, institution_key(left)) in alone
                 or ror_named(left, party.country))
        form = parse_name(right, party.country)
        own = bool(form.flat) and form.flat[0] in form.distinctive and is_distinctive(
            form.flat[0])
        if known and own:
            found.append((left, right))
    if len(found) != 1 or ror_named(party.name, party.country):
        return None
    return found[0]


__all__ = ["ror_named", "split_joined_parties"]
