"""Agreements -> mentions: every partner party of every agreement, ready for ``resolve``.

Kept apart from the pipeline so that resolution can be run (and tested) on any list of
agreements. A party's mention key is ``mention_key(agreement, index)``: the agreement's own
identity (unique after merging, see ``merge``) and the party's position in it, so the caller
can find the cluster of each party without relying on list order.
"""

from __future__ import annotations

from collections.abc import Iterable

from exchange_kg.agreements import Agreement
from exchange_kg.resolve.model import Mention

_SEP = "\x1f"


def mention_key(agreement: Agreement, index: int) -> str:
    """The key of the ``index``-th party of ``agreement`` (after merging)."""
    return f"{_SEP.join(agreement.key)}#{index}"


def mentions_from_agreements(agreements: Iterable[Agreement]) -> list[Mention]:
    """One mention per party; provenance is the agreement's first record."""
    out: list[Mention] = []
    for a in agreements:
        first = a.records[0] if a.records else None
        for i, p in enumerate(a.parties):
            out.append(Mention(
                key=mention_key(a, i),
                name=p.name,
                alt_names=p.alt_names,
                acronym=p.acronym,
                country=p.country,
                city=p.city,
                website=p.website,
                source_id=first.source_id if first else a.list_id,
                line=first.first_line if first else 0,
            ))
    return out
