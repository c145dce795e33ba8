"""Units: one organisation, one class, one spelling, the right parent.

A row names a partner as an institution and, often, units of it ("State University of New
York (University at Albany)", "Russian Academy of Sciences (Siberian Branch, Institute of
Geology and Mineralogy)"). Three rules keep the graph's organisations straight:

* **An institution is never also a unit.** A unit that is an institution some row names in its
  own right — the same ROR record, or its name (alone or with its parent's: "Siberian Branch"
  of the Russian Academy of Sciences) read as that institution's — is that institution: the
  row's partner is the institution, which ``org:subOrganizationOf`` the row's parent, and the
  units the row names after it belong to it.
* **A unit is named once per institution.** Spellings that differ only by case, accents,
  articles, punctuation or a plural ("Advanced Institute for Material(s) Research", "(The)
  Institute of Solid State Physics") are one unit, named by its most frequent spelling.
* Everything else stays as the row says.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from exchange_kg.normalise.partner import institution_key
from exchange_kg.resolve.model import Cluster
from exchange_kg.resolve.names import is_distinctive, parse_name, word_class
from exchange_kg.resolve.score import MERGE, relate

STOP = "stop"


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


@dataclass
class UnitPlan:
    """How the mapper writes the units rows name (see the module docstring)."""

    # (parent cluster id, unit_key) -> the cluster id of the institution the "unit" is
    institution: dict[tuple[str, str], str] = field(default_factory=dict)
    # (parent cluster id or host key, unit_key) -> the spelling that names the unit
    spelling: dict[tuple[str, str], str] = field(default_factory=dict)
    # (parent, unit_key) -> spellings merged into it, for the record of replaced IRIs
    merged: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def name(self, parent: str, unit: str) -> str:
        return self.spelling.get((parent, unit_key(unit)), unit)

    def promoted(self, parent: str, unit: str) -> str | None:
        return self.institution.get((parent, unit_key(unit)))


def plan_units(units: Iterable[tuple[str, str]], clusters: Sequence[Cluster],
               ror_of: Mapping[str, str] | None = None,
               unit_ror: Mapping[tuple[str, str], str] | None = None) -> UnitPlan:
    """The plan for ``units``: (parent, unit name) as rows give them, ``parent`` a cluster id
    (or any key of a host that is no cluster); ``ror_of``: cluster id -> its ROR ID;
    ``unit_ror``: (parent cluster id, ``institution_key`` of the unit's name) -> the ROR ID
    the unit is linked to."""
    ror_of = ror_of or {}
    unit_ror = unit_ror or {}
    units = list(units)
    by_id = {c.id: c for c in clusters}
    plan = UnitPlan()
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for parent, name in units:
        counts[(parent, unit_key(name))][name] += 1
    for key, spellings in counts.items():
        ranked = sorted(spellings, key=lambda s: (-spellings[s], s))
        plan.spelling[key] = ranked[0]
        if len(ranked) > 1:
            plan.merged[key] = tuple(ranked[1:])
    by_ror = {ror: cid for cid, ror in ror_of.items()}
    index = _TokenIndex(clusters)
    for (parent, key), spellings in sorted(counts.items()):
        home = by_id.get(parent)
        if home is None:
            continue
        name = plan.spelling[(parent, key)]
        target = None
        for spelling in spellings:
            ror = unit_ror.get((parent, institution_key(spelling)))
            if ror and by_ror.get(ror) not in (None, parent):
                target = by_ror[ror]
        if target is None:
            target = _named_institution(name, home, index)
        if target is not None:
            plan.institution[(parent, key)] = target
    return plan


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

__all__ = ["UnitPlan", "host_parent", "plan_units", "unit_key"]
