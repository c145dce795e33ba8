"""Two names across a slash that translate alike: two institutions, when evidence says so.

The partner parser reads "Université de Fribourg / Universität Freiburg" as one university
named in two languages, and rightly so; but "Université libre de Bruxelles / Vrije
Universiteit Brussel" and "Katholieke Universiteit Leuven / Université catholique de Louvain"
translate alike too and are two universities each (split in 1970 and 1968). Read as one, the
second's agreement is lost and every row naming either half joins one institution. One cell
cannot tell; the registry and the list's own rows can. The same holds for a second half the
parser took for a unit ("Università di Pisa / Scuola Normale Superiore": the Scuola is an
institution of its own, not a school of the university). The party is split into two parties
of the one agreement (as a slash between two unlike names is) when

* ROR has a record of the party's country by each name exactly, and no record by both; or
* the same list names each half alone, on other rows, in the party's country (not for a
  half read as a unit: only a record of its own says it is no unit).

Anything else stays one institution in two languages, as read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from exchange_kg.agreements import Agreement, Party
from exchange_kg.link.names import normalise
from exchange_kg.normalise.partner import institution_key, parse_partner, slash_halves
from exchange_kg.records import Flag

if TYPE_CHECKING:
    from exchange_kg.link.ror_index import RorIndex

# (name, country) -> the ROR records of that country named exactly so
RorRecords = Callable[[str, "str | None"], "frozenset[int]"]


def ror_records(index: RorIndex) -> RorRecords:
    """The records of ``index`` in the country that have the name (any of its readings)."""
    def records(name: str, country: str | None) -> frozenset[int]:
        return frozenset(i for i in index.by_key(normalise(name))
                         if index.country_of(i) == country)
    return records


def split_slashed_parties(agreements: Sequence[Agreement],
                          ror_records: RorRecords | None = None) -> int:
    """Split the parties that are two institutions named across a slash (see the module
    docstring), in place; returns how many were split. Run before merging, so that the row
    of both and a row of either stay two agreements."""
    found = {(id(a), i): other for a in agreements for i, p in enumerate(a.parties)
             if (other := _other_name(a, p)) is not None}
    if not found:
        return 0
    alone: dict[tuple[str, str | None], set[str]] = defaultdict(set)  # (list, country) -> keys
    for a in agreements:
        for i, p in enumerate(a.parties):
            if (id(a), i) not in found:
                alone[(a.list_id, p.country)].add(institution_key(p.name))
    records = ror_records or (lambda name, country: frozenset())
    changed = 0
    for a in agreements:
        parties: list[Party] = []
        for i, party in enumerate(a.parties):
            other = found.get((id(a), i))
            if other is None or not _two(party, other, alone[(a.list_id, party.country)],
                                         records):
                parties.append(party)
                continue
            changed += 1
            kept = tuple(n for n in party.alt_names
                         if institution_key(n) != institution_key(other.name))
            units = tuple(u for u in party.units
                          if institution_key(u) != institution_key(other.name))
            parties += [replace(party, alt_names=kept, units=units), other]
            if a.records:
                a.records[0].flags.append(Flag(
                    "partner", "slash-two-institutions",
                    f"{party.name!r} and {other.name!r} read as two parties: each is an "
                    "institution of its own (the registry or the list's other rows)",
                    party.name))
        a.parties = tuple(parties)
    return changed


def _other_name(a: Agreement, party: Party) -> Party | None:
    """The party the second half of the row's slash names, when the parser took it for the
    party's other name."""
    if not (party.alt_names or party.units) or len(a.parties) != 1:
        return None
    # "Università di Pisa / Scuola Normale Superiore": the second half read as a unit
    alts = {institution_key(n) for n in (*party.alt_names, *party.units)}
    for rec in a.records:
        halves = slash_halves(rec.fields.get("partner", ""))
        if halves is None:
            continue
        left, right = (parse_partner(h)[0].parties for h in halves)
        if len(left) != 1 or len(right) != 1 or left[0].institution != party.name:
            continue
        r = right[0]
        if r.units and institution_key(r.institution) not in alts:
            continue  # "… / Faculty of Law, Other University": not this reading
        if institution_key(r.institution) in alts or institution_key(halves[1]) in alts:
            return Party(name=r.institution, units=r.units, acronym=r.acronym,
                         alt_names=r.alt_names, country=party.country, city=party.city)
    return None


def _two(party: Party, other: Party, alone: set[str], records: RorRecords) -> bool:
    mine, theirs = records(party.name, party.country), records(other.name, party.country)
    if other.name in party.units:  # read as its unit: ROR must hold it as a record apart
        return bool(theirs) and not mine & theirs
    if mine and theirs and not mine & theirs:
        return True
    own, their = institution_key(party.name), institution_key(other.name)
    return own != their and own in alone and their in alone


__all__ = ["RorRecords", "ror_records", "split_slashed_parties"]
