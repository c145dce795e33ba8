"""Agreements and documents -> mentions: every partner party of every agreement, and every
host a manifest names, ready for ``resolve``.

Kept apart from the pipeline so that resolution can be run (and tested) on any list of
agreements. A party's mention key is ``mention_key(agreement, index)``: the agreement's own
identity (unique after merging, see ``merge``) and the party's position in it, so the caller
can find the cluster of each party without relying on list order. A named host's key is
``publisher_key(publisher.key)``: the host is resolved like every partner, so that a
university that publishes one list and is a partner in another is one institution.
"""

from __future__ import annotations

from collections.abc import Iterable

from exchange_kg.agreements import Agreement
from exchange_kg.manifest import Document
from exchange_kg.records import INFERRED_COUNTRY
from exchange_kg.resolve.model import Mention

_SEP = "\x1f"


def mention_key(agreement: Agreement, index: int) -> str:
    """The key of the ``index``-th party of ``agreement`` (after merging)."""
    return f"{_SEP.join(agreement.key)}#{index}"




def _country_inferred(a: Agreement) -> bool:
    return bool(a.records) and all(
        any(f.field == "country" and f.code in INFERRED_COUNTRY for f in rec.flags)
        for rec in a.records)


def mentions_from_agreements(agreements: Iterable[Agreement]) -> list[Mention]:
    """One mention per party; provenance is the agreement's first record."""
    out: list[Mention] = []
    for a in agreements:
        first = a.records[0] if a.records else None
        inferred = _country_inferred(a)
        for i, p in enumerate(a.parties):
            out.append(Mention(
                key=mention_key(a, i),
                name=p.name,
                alt_names=p.alt_names,
                acronym=p.acronym,
                country=p.country,
                city=p.city,
                website=p.website,
                erasmus_code=p.erasmus_code,
                source_id=first.source_id if first else a.list_id,
                line=first.first_line if first else 0,
                country_inferred=inferred,
            ))
    return out


def publisher_key(key: str) -> str:
    """The mention key of the host whose manifest key (``Publisher.key``) is ``key``."""
    return f"publisher{_SEP}{key}"


def publisher_mentions(documents: Iterable[Document]) -> list[Mention]:
    """One mention per host a manifest names (with its evidence); documents sharing a host
    share its mention. An unnamed host is no mention: it stays honestly unidentified."""
    out: dict[str, Mention] = {}
    for doc in documents:
        pub = doc.publisher
        if not pub.name:
            continue
        key = publisher_key(pub.key)
        out.setdefault(key, Mention(key=key, name=pub.name, source_id=doc.id, line=0,
                                    country=pub.country))
    return list(out.values())
