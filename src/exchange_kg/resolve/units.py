"""Units: one organisation, one class, one spelling, the right parent.

A row names a partner as an institution and, often, units of it ("State University of New
York (University at Albany)", "Russian Academy of Sciences (Siberian Branch, Institute of
Geology and Mineralogy)"). These rules keep the graph's organisations straight:

* **An institution is never also a unit.** A unit that is an institution some row names in its
  own right — the same ROR record, or its name (alone or with its parent's: "Siberian Branch"
  of the Russian Academy of Sciences) read as that institution's — is that institution: the
  row's partner is the institution, which ``org:subOrganizationOf`` the row's parent, and the
  units the row names after it belong to it.
* **A unit ROR has beside its institution is a partner of its own.** When ROR has the unit's
  name, read with the brand the row's institution spells out, as a record under the same
  parent as the row's institution's ("Fraunhofer Institute for Algorithms and Scientific
  Computing SCAI, Institute for Mechanics of Materials IWM": two institutes of the
  Fraunhofer-Gesellschaft), the row names two institutions, neither a part of the other; the
  units named after it are its units.
* **Units hang under the institution the row's chain ends at.** The units after such an
  institution are planned (spellings, ROR links) under it, not under the row's first name, so
  they meet the same units other rows name under that institution directly.
* **A unit is named once per institution.** Spellings that differ only by case, accents,
  articles, punctuation or a plural ("Advanced Institute for Material(s) Research", "(The)
  Institute of Solid State Physics") are one unit, named by its most frequent spelling. So is a
  unit named with and without its eponym's initials and name ("V.S. Sobolev Institute of
  Geology and Mineralogy" / "Institute of Geology and Mineralogy"), and one part of a unit the
  lists name as a pair ("School of Engineering" of "Graduate School / School of Engineering"),
  each only when exactly one unit of the institution reads so.
* Everything else stays as the row says.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from exchange_kg.normalise.partner import institution_key
from exchange_kg.resolve.model import Cluster
from exchange_kg.resolve.names import is_distinctive, parse_name, word_class
from exchange_kg.resolve.score import MERGE, relate

STOP = "stop"
# Where a unit with no cluster of its own, found in ROR, is the parent of the units after it.
ROR_PARENT = "ror:"


def host_parent(publisher_key: str) -> str:
    """The parent key of a host's units when the host is no resolved institution."""
    return f"host:{publisher_key}"


def unit_key(name: str) -> str:
    """A unit's name without what never tells two units of one institution apart: case,
    accents, articles and prepositions, punctuation, native head words, a plural "s"."""
    form = parse_name(name)
    words = []
    for t in form.flat:
        if word_class(t) == STOP:
            continue
        if len(t) > 4 and t.endswith("s") and not t.endswith("ss"):
            t = t[:-1]
        words.append(t)
    return " ".join(words)


@dataclass(frozen=True)
class UnitEvidence:
    """What ROR says of a unit's name under its parent: ``relation`` is "child" (a record
    under the parent's own record) or "sibling" (a record under the same parent record as the
    parent's); ``link`` is the linker's result, written as the organisation's link."""

    ror_id: str
    relation: str
    link: Any = None


# (parent key, unit name) -> evidence, or None
Evidence = Callable[[str, str], "UnitEvidence | None"]


@dataclass(frozen=True)
class Promotion:
    """A "unit" that is an institution: a cluster's (``cluster``) or, when no row names it as
    an institution, one ROR has (``ror_id``, with its ``link``). ``beside``: a partner next
    to the row's institution, not a part of it."""

    cluster: str | None = None
    ror_id: str | None = None
    link: Any = None
    beside: bool = False

    @property
    def key(self) -> str:
        """The parent key of the units named after it."""
        return self.cluster if self.cluster is not None else f"{ROR_PARENT}{self.ror_id}"


@dataclass
class UnitPlan:
    """How the mapper writes the units rows name (see the module docstring)."""

    # (parent key, unit_key) -> the institution the "unit" is
    institution: dict[tuple[str, str], Promotion] = field(default_factory=dict)
    # (parent cluster id or host key, unit_key) -> the spelling that names the unit
    spelling: dict[tuple[str, str], str] = field(default_factory=dict)
    # (parent, institution_key of a unit's spelling) -> its ROR link (a child record)
    links: dict[tuple[str, str], Any] = field(default_factory=dict)

    def name(self, parent: str, unit: str) -> str:
        return self.spelling.get((parent, unit_key(unit)), unit)

    def promoted(self, parent: str, unit: str) -> Promotion | None:
        return self.institution.get((parent, unit_key(unit)))

    def link(self, parent: str, unit: str) -> Any:
        return self.links.get((parent, institution_key(unit)))


def plan_units(chains: Iterable[tuple[str, Sequence[str], bool]], clusters: Sequence[Cluster],
               ror_of: Mapping[str, str] | None = None,
               evidence: Evidence | None = None) -> UnitPlan:
    """The plan for ``chains``: (parent, the unit names a row gives after it in order,
    whether they are a partner's: a host's own unit is never another institution), ``parent``
    a cluster id (or any key of a host that is no cluster); ``ror_of``: cluster id -> its ROR
    ID; ``evidence``: what ROR says of a unit name under a parent key."""
    ror_of = ror_of or {}
    by_id = {c.id: c for c in clusters}
    by_ror = {ror: cid for cid, ror in ror_of.items()}
    index = _TokenIndex(clusters)
    plan = UnitPlan()
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    decided: dict[tuple[str, str], Promotion | None] = {}

    def promote(parent: str, name: str) -> Promotion | None:
        memo = (parent, institution_key(name))
        if memo in decided:
            return decided[memo]
        found = None
        ev = evidence(parent, name) if evidence is not None else None
        if ev is not None:
            other = by_ror.get(ev.ror_id)
            if other is not None and other != parent:
                found = Promotion(cluster=other, beside=ev.relation == "sibling")
            elif ev.relation == "sibling" and other is None:
                found = Promotion(ror_id=ev.ror_id, link=ev.link, beside=True)
            elif ev.relation == "child":
                plan.links[memo] = ev.link
        home = by_id.get(parent)
        if found is None and home is not None:
            target = _named_institution(name, home, index)
            if target is not None:
                found = Promotion(cluster=target)
        decided[memo] = found
        return found

    for parent, units, partner in chains:
        for unit in units:
            found = promote(parent, unit)
            if found is not None and partner:
                plan.institution[(parent, unit_key(unit))] = found
                parent = found.key
            else:
                counts[(parent, unit_key(unit))][unit] += 1
    for key, spellings in counts.items():
        plan.spelling[key] = min(spellings, key=lambda s: (-spellings[s], s))
    _merge_aliases(plan, counts)
    return plan


def _merge_aliases(plan: UnitPlan, counts: Mapping[tuple[str, str], Counter[str]]) -> None:
    """One unit for a name and its aliases (the eponym dropped, one part of a pair) where
    exactly one unit of the parent has the alias: the one named most often names them all (on
    a tie, the fuller name)."""
    by_parent: dict[str, set[str]] = defaultdict(set)
    for parent, key in counts:
        by_parent[parent].add(key)
    for parent, keys in sorted(by_parent.items()):
        owners: dict[str, set[str]] = defaultdict(set)
        for key in sorted(keys):
            for spelling in counts[(parent, key)]:
                owners.update({a: owners[a] | {key} for a in unit_aliases(spelling) if a != key})
        group = {key: key for key in keys}
        for alias, found in sorted(owners.items()):
            if alias in keys and len(found) == 1 and group[alias] == alias:
                group[alias] = next(iter(found))
        members: dict[str, list[str]] = defaultdict(list)
        for key in sorted(keys):
            root, hops = key, 0
            while group[root] != root and hops < len(keys):  # hops: a cycle cannot loop
                root, hops = group[root], hops + 1
            members[root].append(key)
        for same in members.values():
            if len(same) < 2:
                continue
            total = {k: sum(counts[(parent, k)].values()) for k in same}
            keep = min(same, key=lambda k: (-total[k], -len(plan.spelling[(parent, k)]), k))
            for k in same:
                plan.spelling[(parent, k)] = plan.spelling[(parent, keep)]


# "V.S. Sobolev ", "P.N.Lebedev ": initials and a surname before the unit's own name
_EPONYM = re.compile(r"^(?:[A-Z]\.\s*){1,3}[A-Z][\w'’-]+\s+(?=\S)")
_COMPLEMENT = re.compile(r"\s(?:of|for|in)\s.+$")


def unit_aliases(name: str) -> set[str]:
    """Other keys the unit ``name`` may go by: without a leading eponym, and each part of a
    pair of units named as one ("Graduate School / School of Engineering": "Graduate School of
    Engineering", "School of Engineering"; a bare part shares the complement after it)."""
    out: set[str] = set()
    stripped = _EPONYM.sub("", name.strip())
    if stripped != name.strip() and unit_key(stripped):
        out.add(unit_key(stripped))
    parts = [p.strip() for p in name.split("/")]
    if len(parts) == 2 and all(parts):
        complement = _COMPLEMENT.search(parts[1])
        first = parts[0]
        if not _COMPLEMENT.search(first) and complement is not None:
            first += complement.group()
        out.update(k for k in (unit_key(first), unit_key(parts[1])) if k)
    return out


class _TokenIndex:
    """Institution clusters by country and proper name, for comparing units with them."""

    def __init__(self, clusters: Sequence[Cluster]) -> None:
        self.by_token: dict[tuple[str | None, str], set[int]] = defaultdict(set)
        self.clusters = list(clusters)
        self.forms = [[parse_name(label, c.country) for label in (c.pref_label, *c.labels)]
                      for c in self.clusters]
        for k, forms in enumerate(self.forms):
            for f in forms:
                for t in f.distinctive:
                    self.by_token[(self.clusters[k].country, t)].add(k)


def _named_institution(unit: str, parent: Cluster, index: _TokenIndex) -> str | None:
    """The institution cluster (of the parent's country) a unit's name names, if exactly one
    reads as it: the unit alone or followed by its parent's name."""
    readings = [parse_name(unit, parent.country),
                parse_name(f"{unit}, {parent.pref_label}", parent.country)]
    tokens = {t for f in readings[:1] for t in f.distinctive if is_distinctive(t)}
    if not tokens:
        return None  # "Faculty of Engineering" names a kind of unit, not an institution
    found: set[str] = set()
    for k in set().union(*(index.by_token.get((parent.country, t), set()) for t in tokens)):
        other = index.clusters[k]
        if other.id == parent.id:
            continue
        best = max(relate(r, f).score for r in readings for f in index.forms[k])
        if best >= STRICT:
            found.add(other.id)
    return next(iter(found)) if len(found) == 1 else None


# A unit becomes an institution only on names that read as one without doubt.
STRICT = max(MERGE, 0.9)

__all__ = ["Promotion", "UnitEvidence", "UnitPlan", "host_parent", "plan_units", "unit_aliases",
           "unit_key"]
