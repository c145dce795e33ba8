"""The reconciliation service's one door into the build's matcher (``resolve`` and ``link``).

A name someone reconciles should land on the institution the build would have put it in, so
it is read exactly as the build reads a partner list's cell: ``resolve``'s name forms
(translations of native words, acronyms kept apart, misspelt head words corrected), blocking
by country, and ``relate_groups``' scores with their evidence (website domain, city, acronym).
Each institution of the graph becomes resolver groups again -- one per normalised spelling,
each knowing the institution's cities, websites, acronyms and ROR ID -- and a query is one
more mention, scored against them as the build scores a new mention against a cluster.

Whether a candidate is *the* match follows the ROR linker's precision-first rule, with its
constants: only a reading strong enough for the build to merge on (``MERGE``), no other
candidate within ``MARGIN`` of it, an acronym never alone, no country never as sure as one.

Everything this package takes from ``resolve``, ``link`` and ``normalise`` is imported here and
nowhere else, so that their changes are followed in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from exchange_kg.link.decision import MARGIN
from exchange_kg.link.matcher import NO_COUNTRY_FACTOR, OTHER_COUNTRY
from exchange_kg.link.ror_dump import canonical_ror_id
from exchange_kg.normalise.country import country_codes, parse_country
from exchange_kg.resolve.cluster import SKELETON_BUCKET
from exchange_kg.resolve.model import Mention
from exchange_kg.resolve.names import (
    acronym_of,
    fold,
    initials,
    is_distinctive,
    parse_name,
    place_tokens,
)
from exchange_kg.resolve.score import (
    CONFLICT,
    MERGE,
    BlockContext,
    Group,
    Relation,
    block_context,
    relate_groups,
    site_of,
)

__all__ = ["CONFLICT", "MARGIN", "MERGE", "NO_COUNTRY_FACTOR", "OTHER_COUNTRY",
           "SKELETON_BUCKET", "BlockContext", "Group", "Relation", "Side", "block_context",
           "country_code", "filing_keys", "fold", "institution_groups", "is_acronym",
           "lookup_keys", "name_key", "query_group", "relate", "ror_id", "same_city",
           "wikidata_id", "website_domain"]

_QID = re.compile(r"^(?:https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/)?(Q[1-9][0-9]*)$",
                  re.IGNORECASE)


@dataclass(frozen=True)
class Side:
    """What a query or an institution gives besides its names."""

    country: str | None = None
    cities: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    ror_id: str | None = None  # full ROR IRI


def _mentions(key: str, names: Sequence[str], side: Side) -> list[Mention]:
    """Mentions that carry ``names`` and, between them, every city, website and acronym (a
    resolver group reads those from its mentions)."""
    extras = max(len(side.cities), len(side.websites), len(side.acronyms), 1)
    out = [Mention(key=f"{key}#{i}", name=n, country=side.country, ror_id=side.ror_id)
           for i, n in enumerate(names)]
    for j in range(extras):
        out.append(Mention(
            key=f"{key}#e{j}", name=names[0], country=side.country, ror_id=side.ror_id,
            city=side.cities[j] if j < len(side.cities) else None,
            website=side.websites[j] if j < len(side.websites) else None,
            acronym=side.acronyms[j] if j < len(side.acronyms) else None))
    return out


def name_key(name: str, country: str | None) -> str:
    """The normalised form the resolver groups spellings by (equal keys: one name)."""
    return parse_name(name, country).key


def institution_groups(key: str, labels: Sequence[str], side: Side) -> list[Group]:
    """An institution's spellings as the resolver's groups: one per normalised name.

    Spellings that are acronyms ("KTH") are also given to every group as the institution's
    acronym, as a partner list's acronym column would be."""
    acronyms = tuple(dict.fromkeys(a for a in labels if is_acronym(a)))
    side = Side(side.country, side.cities, side.websites, acronyms + side.acronyms,
                side.ror_id)
    by_key: dict[str, list[str]] = {}
    for label in labels:
        by_key.setdefault(name_key(label, side.country) or f"#{label}", []).append(label)
    return [Group.of(f"{key}/{k}", side.country, _mentions(f"{key}/{k}", names, side))
            for k, names in sorted(by_key.items())]


def query_group(names: Sequence[str], side: Side) -> Group:
    """A reconciliation query as one more mention (its other names as alternative names)."""
    mentions = _mentions("query", names[:1], side)
    first = mentions[0]
    mentions[0] = Mention(key=first.key, name=first.name, alt_names=tuple(names[1:]),
                          country=first.country, ror_id=first.ror_id)
    return Group.of("query", side.country, mentions)


def relate(query: Group, groups: Iterable[Group], ctx: BlockContext) -> tuple[Relation, bool]:
    """The best reading of the query against an institution's groups, and whether any of them
    conflicts with it (different numbers in the names, different ROR IDs): the resolver never
    puts such names in one institution."""
    best, conflict = Relation(0.0, "no shared name"), False
    for g in groups:
        if _grouped(query, g):
            return Relation(1.0, "the same normalised name", "same"), False
        rel = relate_groups(query, g, ctx)
        if rel.score == CONFLICT:
            conflict = True
        elif rel.score > best.score:
            best = rel
    return best, conflict


def _grouped(query: Group, g: Group) -> bool:
    """Would the resolver have put the query in this group (``cluster.group_mentions``): the
    same normalised name, no different ROR IDs, and for a name of common words only
    ("National Central University") the same city, or no city on either side."""
    if query.ror_ids and g.ror_ids and not query.ror_ids & g.ror_ids:
        return False
    keys = {f.key for f in g.names}
    for f in query.names:
        if not f.key or f.key not in keys:
            continue
        if f.distinctive or f.acronyms:
            return True
        ours, theirs = set(query.side.cities), set(g.side.cities)
        if ours & theirs or not (ours or theirs):
            return True
    return False


def _initials_runs(group: Group) -> set[str]:
    """Every run of two letters or more in the initials of a group's names."""
    runs: set[str] = set()
    for f in group.forms:
        for s in initials(f):
            runs.update(s[i:j] for i in range(len(s)) for j in range(i + 2, len(s) + 1))
    return runs


def _name_keys(group: Group) -> set[str]:
    keys: set[str] = set()
    for f in group.forms:
        for t in f.distinctive:
            keys.add(f"t:{t}")
            keys.add(f"p:{t[:4]}")
        skeleton = tuple(t for t in f.flat if not is_distinctive(t))
        if len(skeleton) >= 2 and len(f.distinctive) <= 2:
            keys.add("s:" + " ".join(skeleton))
    keys.update(f"d:{label}" for label in group.domain_labels)
    return keys


def filing_keys(group: Group) -> set[str]:
    """The keys an institution's group is filed under, those by which the resolver finds
    merge candidates (``cluster.candidate_pairs``): each proper-name token and its first four
    letters, a long skeleton of common words, its websites' names ("t:", "p:", "s:", "d:");
    its acronyms ("a:"), and every run of its initials an acronym may abbreviate ("i:")."""
    return (_name_keys(group) | {f"a:{acr}" for acr in group.side.acronyms}
            | {f"i:{run}" for run in _initials_runs(group)})


def lookup_keys(group: Group) -> set[str]:
    """The keys a query looks institutions up by: its name keys, its initials' runs as
    acronyms an institution may have, its acronyms as runs of an institution's initials."""
    return (_name_keys(group) | {f"a:{run}" for run in _initials_runs(group)}
            | {f"i:{acr}" for acr in group.side.acronyms})


def is_acronym(text: str) -> bool:
    """A single word written as an acronym ("KTH", "E-JUST"): a name that can stand for many
    institutions, which the linker never links on alone."""
    return len(text.split()) == 1 and acronym_of(text) is not None


def country_code(text: str) -> str | None:
    """An ISO 3166-1 alpha-2 code from a code or a country's name in any language the build
    reads ("DE", "Germany", "Deutschland")."""
    text = text.strip()
    if text.upper() in country_codes():
        return text.upper()
    found = parse_country(text, fuzzy=False) if text else None
    return found.code if found is not None else None


def ror_id(text: str) -> str | None:
    """The full ROR IRI of "https://ror.org/04xfq0f34", "ror.org/04xfq0f34" or "04xfq0f34"."""
    return canonical_ror_id(text)


def wikidata_id(text: str) -> str | None:
    """"Q1234" from "Q1234", "wd:Q1234" and the entity's IRI or page."""
    match = _QID.match(text.strip().removeprefix("wd:"))
    return match.group(1).upper() if match else None


def website_domain(url: str) -> str | None:
    found = site_of(url)
    return found[0] if found else None


@lru_cache(maxsize=4096)
def _place(city: str) -> tuple[str, ...]:
    return place_tokens(city)


def same_city(a: str, b: str) -> bool:
    """Two city cells naming one place, as the resolver reads them ("Kijów" = "Kyiv")."""
    x, y = _place(a), _place(b)
    return bool(x) and (x == y or "".join(x) == "".join(y))

