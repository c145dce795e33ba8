"""A unit named with its institution in the genitive: a unit of that institution, when
another list names the institution in its own form.

The partner parser splits "Faculdade de Direito da Universidade de São Paulo" itself (the
institution is spelt as it spells itself), but keeps "Wydział Prawa i Administracji
Uniwersytetu Warszawskiego" whole, flagged ``parent-in-name``: "Uniwersytetu Warszawskiego" is
the genitive, a name nobody gives the university, and publishing it would make an institution
no other list shares. Another party of the same country named alone ("Uniwersytet Warszawski",
in any list) is the evidence of the university's own name. A party is read as that
institution with the unit before it when

* exactly one institution of its country named alone in the build is the party's candidate
  institution in another grammatical case (``normalise.partner.parents_in_name`` gives the
  candidates, ``inflected_same`` compares);
* the party names no acronym, campus or other names of its own (they could be the unit's).

The institution's name is then the other party's spelling (a value a source states), the
unit the cell's words; the agreement keeps its identity, and its first record is flagged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from exchange_kg.agreements import Agreement, Party
from exchange_kg.normalise.partner import inflected_same, institution_key, parents_in_name
from exchange_kg.records import Flag
from exchange_kg.resolve.reread import reread_parties


def split_parents(agreements: Sequence[Agreement]) -> int:
    """Read the parties that are a unit of an institution named alone elsewhere (see the
    module docstring), in place; returns how many were read so."""
    alone: dict[str | None, dict[str, str]] = defaultdict(dict)  # country -> key -> name
    for a in agreements:
        for p in a.parties:
            if not p.units and not parents_in_name(p.name):
                alone[p.country].setdefault(institution_key(p.name), p.name)

    def read(party: Party) -> tuple[tuple[Party, ...], Flag] | None:
        found = _parent(party, alone.get(party.country, {}))
        if found is None:
            return None
        unit, name, written = found
        return (replace(party, name=name, units=(unit, *party.units)),), Flag(
            "partner", "parent-read-by-evidence",
            f"{party.name!r} read as the unit {unit!r} of {name!r}: {written!r} is "
            f"{name!r} in another case, named so in a list", party.name)

    return reread_parties(agreements, read)


def _parent(party: Party, names: dict[str, str]) -> tuple[str, str, str] | None:
    if party.acronym or party.campus or party.alt_names:
        return None
    matches = {(unit, key, written) for unit, written in parents_in_name(party.name)
               for key, name in names.items() if inflected_same(written, name)}
    if len({(unit, key) for unit, key, _ in matches}) != 1:
        return None
    unit, key, written = next(iter(matches))
    return unit, names[key], written


__all__ = ["split_parents"]
