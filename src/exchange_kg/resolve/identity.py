"""Identity evidence beyond names: clusters of one country that are one institution.

Name resolution (``cluster``) only compares names that share words, so "German Aerospace
Center" and "Deutsches Zentrum für Luft- und Raumfahrt" stay two clusters. Four kinds of
evidence join such clusters when they are in the same country:

* **the same ROR record**: a confident link of a mention or of a whole cluster (an ID names
  one organisation; the linker only links when it is sure);
* **the same website**: both clusters give an address on one registered domain, the domain is
  not a hosting platform and no more than ``MAX_DOMAIN_CLUSTERS`` clusters use it, neither
  address is a deep link into someone else's site (a portal that lists many universities), and
  nothing says they differ: neither different cities nor names that share a proper name but
  each have another of their own ("Odessa National Mechnikov University" / "Odessa National
  Polytechnic University"; a website cell shifted from another row gives itself away so);
* **the same Erasmus code**: the programme gives each institution one, and the lists state it
  ("Uniwersytet Jagielloński" and "Jagiellonian University", both "PL KRAKOW01");
* **a curator's ``same``** decision.

Two clusters never merge when that would put two ROR IDs or two Erasmus codes in one
institution or undo a curator's ``different``.

A merge keeps the identity of one side, the *survivor*: the one linked to ROR, else the one
with more mentions, else the smaller id. Its id, preferred label (so its IRI) stay; the other
sides' ``(label, id)`` go to ``Cluster.replaced``, so that their IRIs are recorded as replaced
by the survivor's. Clusters no evidence touches come out unchanged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

from exchange_kg.link.names import normalise
from exchange_kg.resolve.model import Cluster, Decision
from exchange_kg.resolve.names import parse_name, place_tokens
from exchange_kg.resolve.score import EXACT, STRONG, other_place, token_match

# A domain more clusters of the build use than this is a portal or a shared site, not one
# institution's.
MAX_DOMAIN_CLUSTERS = 2
# An address this many path segments deep is a page on a site, possibly someone else's (an
# admissions portal's page about the university), not the institution's own home page.
DEEP_LINK_SEGMENTS = 3
_PRIORITY = {"same": 0, "ror": 1, "erasmus": 2, "domain": 3}


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # The bundled suffix list (no network), with its private section: "blogspot.com",
    # "github.io" and the like are suffixes, so two blogs are two domains.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                 include_psl_private_domains=True)


@lru_cache(maxsize=8192)
def home_domain(url: str) -> str | None:
    """The registered domain of an institution's own web address, or None for a deep link
    (see ``DEEP_LINK_SEGMENTS``) or an address without one."""
    text = url.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        text = "http://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= DEEP_LINK_SEGMENTS:
        return None
    ext = _extractor()(parts.hostname or "")
    if not ext.domain or not ext.suffix:
        return None
    return f"{ext.domain}.{ext.suffix}".lower()


@dataclass(frozen=True)
class _Edge:
    kind: str  # same | ror | domain
    a: int
    b: int
    reason: str


def label_keys(cluster: Cluster) -> set[str]:
    """Keys of every spelling of a cluster, as curation rows are matched (``normalise``)."""
    return {normalise(label) for label in (cluster.pref_label, *cluster.labels)}


def merge_clusters(clusters: Sequence[Cluster], ror_of: Mapping[str, str] | None = None,
                   decisions: Iterable[Decision] = ()) -> tuple[list[Cluster], dict[str, str]]:
    """Merge clusters that are one institution (see the module docstring).

    ``ror_of`` adds a ROR ID per cluster id (a cluster-level link) to those its mentions carry.
    Returns the clusters, sorted by id, and for every input id the id of the cluster it is
    now part of.
    """
    ror_of = ror_of or {}
    decisions = list(decisions)
    by_country: dict[str | None, list[int]] = defaultdict(list)
    for i, c in enumerate(clusters):
        by_country[c.country].append(i)
    rors = [set(c.ror_ids) | ({ror_of[c.id]} if c.id in ror_of else set()) for c in clusters]
    domains = [{d for d in map(home_domain, c.websites) if d} for c in clusters]
    users: dict[str, set[int]] = defaultdict(set)
    for i, ds in enumerate(domains):
        for d in ds:
            users[d].add(i)
    keys = [label_keys(c) for c in clusters]

    parent = list(range(len(clusters)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    members: dict[int, set[int]] = {i: {i} for i in range(len(clusters))}
    apart = _apart_pairs(clusters, keys, decisions)
    reasons: dict[int, list[str]] = defaultdict(list)
    for country in sorted(by_country, key=lambda c: c or ""):
        idx = by_country[country]
        edges = _edges(clusters, idx, rors, domains, users, keys, decisions, country)
        for edge in sorted(edges, key=lambda e: (_PRIORITY[e.kind], clusters[e.a].id,
                                                 clusters[e.b].id, e.reason)):
            ra, rb = find(edge.a), find(edge.b)
            if ra == rb:
                continue
            joined = members[ra] | members[rb]
            if len(set().union(*(rors[k] for k in joined))) > 1:
                continue
            if len({e for k in joined for e in clusters[k].erasmus_codes}) > 1:
                continue
            if any(frozenset((x, y)) in apart for x in members[ra] for y in members[rb]):
                continue
            parent[rb] = ra
            members[ra] = joined
            del members[rb]
            reasons[ra] += reasons.pop(rb, []) + [edge.reason]
    out: list[Cluster] = []
    new_id: dict[str, str] = {}
    for root, group in members.items():
        parts = [clusters[k] for k in sorted(group)]
        if len(parts) == 1:
            out.append(parts[0])
            new_id[parts[0].id] = parts[0].id
            continue
        merged = _merge([(clusters[k], bool(rors[k])) for k in sorted(group)], reasons[root])
        out.append(merged)
        for p in parts:
            new_id[p.id] = merged.id
    return sorted(out, key=lambda c: c.id), new_id


def _edges(clusters: Sequence[Cluster], idx: list[int], rors: list[set[str]],
           domains: list[set[str]], users: Mapping[str, set[int]], keys: list[set[str]],
           decisions: list[Decision], country: str | None) -> list[_Edge]:
    edges: list[_Edge] = []
    by_ror: dict[str, list[int]] = defaultdict(list)
    by_domain: dict[str, list[int]] = defaultdict(list)
    for i in idx:
        for r in rors[i]:
            by_ror[r].append(i)
        for d in domains[i]:
            if len(users[d]) <= MAX_DOMAIN_CLUSTERS:
                by_domain[d].append(i)
    for r, ks in by_ror.items():
        edges += [_Edge("ror", a, b, f"same ROR ID {r}") for a, b in _pairs(ks)]
    by_code: dict[str, list[int]] = defaultdict(list)
    for i in idx:
        for e in clusters[i].erasmus_codes:
            by_code[e].append(i)
    for e, ks in by_code.items():
        edges += [_Edge("erasmus", a, b, f"same Erasmus code {e}") for a, b in _pairs(ks)]
    for d, ks in by_domain.items():
        edges += [_Edge("domain", a, b, f"same website domain {d}") for a, b in _pairs(ks)
                  if _same_city_or_unknown(clusters[a], clusters[b])
                  and not _names_differ(clusters[a], clusters[b])]
    for dec in decisions:
        if dec.kind != "same" or (dec.country or None) != country:
            continue
        left = [i for i in idx if normalise(dec.label) in keys[i]]
        right = [i for i in idx if normalise(dec.other_label) in keys[i]]
        edges += [_Edge("same", a, b, f"a curator says they are one ({dec.where})")
                  for a in left for b in right if a != b]
    return edges


def _same_city_or_unknown(a: Cluster, b: Cluster) -> bool:
    pa = {p for p in map(place_tokens, a.cities) if p}
    pb = {p for p in map(place_tokens, b.cities) if p}
    return not pa or not pb or not all(other_place(x, y) for x in pa for y in pb)


def _names_differ(a: Cluster, b: Cluster) -> bool:
    """Every spelling of ``a`` and every one of ``b`` share a proper name, yet one has a
    proper name the other lacks: two institutions of one place, not one in two languages."""
    return all(_differ(x, y) for x in _proper(a) for y in _proper(b))


def _proper(c: Cluster) -> list[tuple[str, ...]]:
    return [parse_name(label, c.country).distinctive for label in (c.pref_label, *c.labels)]


def _differ(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    def found(t: str, other: tuple[str, ...]) -> bool:
        return any(token_match(t, o) in (EXACT, STRONG) for o in other)

    shared = any(found(t, y) for t in x)
    return shared and (not all(found(t, y) for t in x) or not all(found(t, x) for t in y))


def _pairs(ks: list[int]) -> list[tuple[int, int]]:
    ks = sorted(set(ks))
    return [(a, b) for n, a in enumerate(ks) for b in ks[n + 1:]]


def _apart_pairs(clusters: Sequence[Cluster], keys: list[set[str]],
                 decisions: list[Decision]) -> set[frozenset[int]]:
    out: set[frozenset[int]] = set()
    for dec in decisions:
        if dec.kind != "different":
            continue
        left = [i for i, c in enumerate(clusters)
                if c.country == (dec.country or None) and normalise(dec.label) in keys[i]]
        right = [i for i, c in enumerate(clusters)
                 if c.country == (dec.country or None) and normalise(dec.other_label) in keys[i]]
        out.update(frozenset((a, b)) for a in left for b in right if a != b)
    return out


def survivor_rank(c: Cluster, linked: bool) -> tuple[int, int, str]:
    """Smaller is better: the linked side, then the one with more mentions, then the id."""
    return (0 if linked else 1, -len(c.mention_keys), c.id)


def _merge(sides: list[tuple[Cluster, bool]], reasons: list[str]) -> Cluster:
    """One cluster of ``sides`` ((cluster, linked) pairs): the survivor's identity, every
    side's mentions and spellings."""
    ordered = [c for c, linked in sorted(sides, key=lambda s: survivor_rank(*s))]
    parts = ordered
    keep, rest = ordered[0], ordered[1:]
    replaced = set(keep.replaced)
    for c in rest:
        replaced.add((c.pref_label, c.id))
        replaced.update(c.replaced)
    return Cluster(
        id=keep.id,
        pref_label=keep.pref_label,
        labels=tuple(sorted({label for c in parts for label in c.labels})),
        country=keep.country,
        mention_keys=tuple(sorted({k for c in parts for k in c.mention_keys})),
        evidence=[e for c in ordered for e in c.evidence] + reasons,
        acronyms=tuple(sorted({a for c in parts for a in c.acronyms})),
        websites=tuple(sorted({w for c in parts for w in c.websites})),
        cities=tuple(sorted({x for c in parts for x in c.cities})),
        ror_ids=tuple(sorted({r for c in parts for r in c.ror_ids})),
        erasmus_codes=tuple(sorted({e for c in parts for e in c.erasmus_codes})),
        replaced=tuple(sorted(replaced)),
    )


__all__ = ["MAX_DOMAIN_CLUSTERS", "home_domain", "label_keys", "merge_clusters",
           "survivor_rank"]
