"""Re-reading parties with evidence from other rows: the loop both re-readings share.

A party that evidence shows to be something else (a unit of an institution named in the
genitive, two institutions joined by "and") is replaced by what it is; the agreement keeps
its identity (its key, so its IRI) and its first record says how the cell was read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from exchange_kg.agreements import Agreement, Party
from exchange_kg.records import Flag

# a party -> (the parties it is, the flag saying why), or None to keep it as it is
Reading = Callable[[Party], "tuple[tuple[Party, ...], Flag] | None"]


def reread_parties(agreements: Sequence[Agreement], read: Reading) -> int:
    """Replace every party ``read`` reads otherwise, in place; returns how many were."""
    changed = 0
    for a in agreements:
        parties: list[Party] = []
        for party in a.parties:
            found = read(party)
            if found is None:
                parties.append(party)
                continue
            changed += 1
            parties += found[0]
            if a.records:
                a.records[0].flags.append(found[1])
        a.parties = tuple(parties)
    return changed


__all__ = ["Reading", "reread_parties"]
