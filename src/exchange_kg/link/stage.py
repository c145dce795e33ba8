"""The build's identity stage: mentions -> institutions, linked to ROR when a dump is given.

1. Every mention that links to ROR on its own gets that link as evidence (a ROR match says
   that two spellings with no words in common are one institution), and a mention without a
   country takes its record's (see ``resolve.countries``).
2. Resolution clusters mentions by name and merges clusters that share a ROR record, a website
   or a curator's ``same`` (``resolve``).
3. Each institution is linked as a whole (all its spellings, acronyms, websites); clusters of
   one country that now link to one record are merged too, so no two resources of a country
   share a ROR ID. Where a curator's ``different`` forbids the merge, only the surer link is
   kept and the other goes to review with the reason.

Without a dump (or API client) steps 1 and 3 are skipped; curation's ``same`` and
``different`` still apply.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from exchange_kg.agreements import Agreement
from exchange_kg.link.curation import Curation, CurationRow
from exchange_kg.link.matcher import InstitutionQuery, MatchResult, match_unit
from exchange_kg.link.online import RorApiClient
from exchange_kg.link.ror_index import RorIndex
from exchange_kg.link.runner import LinkRun, link, link_mentions, queries_from_clusters
from exchange_kg.link.summary import summarise
from exchange_kg.manifest import Document
from exchange_kg.resolve import Cluster, Mention, mention_key, merge_clusters, resolve
from exchange_kg.resolve.countries import CountryNote, settle_countries
from exchange_kg.resolve.identity import survivor_rank
from exchange_kg.resolve.mentions import publisher_key
from exchange_kg.resolve.units import (
    ROR_PARENT,
    UnitEvidence,
    UnitPlan,
    host_parent,
    plan_units,
)

CURATION_FILE = "ror-curation.tsv"


@dataclass
class Identity:
    """What the identity stage found: institutions, their links, and what to report."""

    clusters: list[Cluster]
    links: LinkRun | None  # None when linking was not asked for
    country_notes: list[CountryNote] = field(default_factory=list)
    stale_curation: list[CurationRow] = field(default_factory=list)


def resolve_and_link(
    mentions: Sequence[Mention],
    agreements: Sequence[Agreement],
    curation: Curation,
    index: RorIndex | None = None,
    client: RorApiClient | None = None,
    progress: Callable[[str], None] = lambda m: None,
) -> Identity:
    decisions = curation.decisions()
    linking = index is not None or client is not None
    ror_country: dict[str, str] = {}
    elsewhere: dict[str, str] = {}
    if linking:
        chosen, elsewhere = link_mentions(mentions, curation, index=index, client=client)
        mentions = [replace(m, ror_id=chosen[m.key].ror_id) if m.key in chosen else m
                    for m in mentions]
        ror_country = {k: c.country for k, c in chosen.items() if c.country}
    cities = index.city_countries() if index is not None else {}
    mentions, notes = settle_countries(mentions, ror_country, elsewhere, cities)
    if any(n.source_country for n in notes) and linking:
        # a revised country is a new question for the linker
        moved = {n.mention_key for n in notes if n.source_country}
        again, _ = link_mentions([m for m in mentions if m.key in moved], curation,
                                 index=index, client=client)
        mentions = [replace(m, ror_id=again[m.key].ror_id) if m.key in again else m
                    for m in mentions]
    clusters = resolve(mentions, decisions=decisions)
    if not linking:
        stale = [row for row in curation.unused(_label_only_results(clusters))
                 if row.decision in ("same", "different")]
        return Identity(clusters, None, notes, stale)
    run = link(queries_from_clusters(clusters, agreements), curation, index=index, client=client)
    clusters, run = merge_linked(clusters, run, agreements, curation)
    kept = keep_one_per_ror_id(run)
    progress(f"linked {run.summary['linked']} of {len(clusters)} institutions to ROR"
             + (f" ({kept} sent to review: they share a ROR ID)" if kept else ""))
    return Identity(clusters, run, notes, curation.unused(run.results))


def merge_linked(clusters: list[Cluster], run: LinkRun, agreements: Sequence[Agreement],
                 curation: Curation) -> tuple[list[Cluster], LinkRun]:
    """Merge institutions of one country that link to the same ROR record; each merged
    institution keeps the surest link of its parts, now describing all its spellings."""
    ror_of = {r.query.key: r.chosen.ror_id for r in run.results if r.chosen is not None}
    merged, new_id = merge_clusters(clusters, ror_of, curation.decisions())
    if len(merged) == len(clusters):
        return clusters, run
    parts: dict[str, list[MatchResult]] = defaultdict(list)
    for r in run.results:
        parts[new_id[r.query.key]].append(r)
    queries = {q.key: q for q in queries_from_clusters(
        [c for c in merged if len(parts[c.id]) > 1], agreements)}
    results = []
    for c in merged:
        rs = parts[c.id]
        if len(rs) == 1:
            results.append(rs[0])
            continue
        best = min(rs, key=lambda r: (r.chosen is None,
                                      -(r.chosen.score if r.chosen else 0.0),
                                      survivor_rank(_cluster(clusters, r.query.key),
                                                    r.chosen is not None)))
        results.append(replace(best, query=queries[c.id]))
    return merged, LinkRun(results, run.dump, summarise(results), run.unit_links)


def _cluster(clusters: list[Cluster], cid: str) -> Cluster:
    return next(c for c in clusters if c.id == cid)


def _label_only_results(clusters: list[Cluster]) -> list[MatchResult]:
    """Unlinked results for clusters, so that curation can say which rows name nobody."""
    return [MatchResult(InstitutionQuery(labels=(c.pref_label, *c.labels), country=c.country,
                                         key=c.id), None) for c in clusters]


def keep_one_per_ror_id(run: LinkRun) -> int:
    """Within a country, one institution per ROR record; returns how many links were undone.

    Institutions that link to one record are merged before this (``merge_linked``); what is
    left are those a curator said are different: the surer link stays."""
    by_target: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(run.results):
        if r.chosen is not None:
            by_target[(r.query.country or "", r.chosen.ror_id)].append(i)
    undone = 0
    for (_, ror_id), idx in sorted(by_target.items()):
        if len(idx) < 2:
            continue

        def strength(i: int) -> tuple[bool, bool, float, int, str]:
            r = run.results[i]
            c = r.chosen
            assert c is not None
            return (r.decision.startswith("curated"), c.followed_successor_from is None,
                    c.score, len(r.query.source_rows), r.query.key)

        best = max(idx, key=strength)
        winner = run.results[best].query.label
        for i in idx:
            if i == best:
                continue
            r = run.results[i]
            run.results[i] = replace(
                r, chosen=None, decision="ambiguous",
                reason=f"shares ROR ID {ror_id} with {winner!r}, which a curator keeps apart "
                       "from it (different); one ROR ID names one organisation, so only the "
                       "surer link is kept")
            undone += 1
    if undone:
        run.summary = summarise(run.results)
    return undone



# (the facts a result is a function of, besides the code; how to compute it) -> the result
PlanMemo = Callable[[object, Callable[[], UnitPlan]], UnitPlan]


def plan_agreement_units(agreements: Sequence[Agreement], documents: Sequence[Document],
                         clusters: Sequence[Cluster], links: LinkRun | None,
                         index: RorIndex | None = None, memo: PlanMemo | None = None
                         ) -> UnitPlan:
    """The unit plan (``resolve.units``) for every unit the agreements name, partner and
    host side, with ROR (when a dump is given) as evidence of which "units" are institutions
    and which are ROR records of their own. ``memo`` (the build cache's) may give the plan an
    earlier build made of the same chains, clusters, links and ROR dump: planning compares
    every unit with the institutions of its country, a tenth of a rebuild."""
    cluster_of = {k: c for c in clusters for k in c.mention_keys}
    docs = {d.id: d for d in documents}
    chains: list[tuple[str, tuple[str, ...], bool]] = []
    for a in agreements:
        for i, party in enumerate(a.parties):
            cluster = cluster_of.get(mention_key(a, i))
            if cluster is not None and party.units:
                chains.append((cluster.id, party.units, True))
        if a.home_unit and a.records:
            pub = docs[a.records[0].source_id].publisher
            host = cluster_of.get(publisher_key(pub.key)) if pub.name else None
            chains.append((host.id if host else host_parent(pub.key), (a.home_unit,), False))
    ror_of: dict[str, str] = {}
    if links is not None:
        ror_of = {r.query.key: r.chosen.ror_id for r in links.results if r.chosen is not None}

    def plan() -> UnitPlan:
        evidence = None
        if index is not None and links is not None:
            evidence = UnitLookup(index, {c.id: c for c in clusters}, ror_of)
        return plan_units(chains, clusters, ror_of, evidence)

    dump = None
    if index is not None and links is not None:
        if index.info is None:  # an index of no known dump: nothing to key the plan by
            return plan()
        dump = (index.info.name, index.info.sha256, index.info.size)
    if memo is None:
        return plan()
    return memo((chains, list(clusters), sorted(ror_of.items()), dump), plan)


class UnitLookup:
    """What ROR says of a unit's name under its parent (``resolve.units.UnitEvidence``).

    A unit is linked only to a child record of its parent's ROR record, so a faculty never
    takes the identifier of its university (or of a namesake elsewhere). Failing that, a record
    under one of the parent record's own parents is a *sibling*: an organisation beside the
    row's institution. Lists name such siblings with the brand their first one spells out
    ("Fraunhofer Institute for X, Institute for Y"), and only that reading of the unit (with
    the words the parent's name has before the unit's first word) is looked for there: a name
    and the document's structure agree, where a generic name alone ("Department of Earth
    Sciences", which the parent record may also have) would not.
    """

    def __init__(self, index: RorIndex, clusters: dict[str, Cluster],
                 ror_of: dict[str, str]) -> None:
        self.index, self.clusters, self.ror_of = index, clusters, ror_of
        self.country: dict[str, str | None] = {}  # a ROR-found parent's key -> its country

    def __call__(self, parent: str, name: str) -> UnitEvidence | None:
        cluster = self.clusters.get(parent)
        if cluster is not None:
            parent_ror, country = self.ror_of.get(parent), cluster.country
            label = cluster.pref_label
        elif parent.startswith(ROR_PARENT):
            parent_ror, country = parent[len(ROR_PARENT):], self.country.get(parent)
            record = self.index.get(parent_ror)
            label = record.display_name if record is not None else ""
        else:
            return None
        if parent_ror is None:
            return None
        query = InstitutionQuery(labels=(name,), country=country, key=f"{parent} / {name}")
        child = match_unit(self.index, query, parent_ror)
        if child.chosen is not None:
            return UnitEvidence(child.chosen.ror_id, "child", child)
        record = self.index.get(parent_ror)
        if record is None:
            return None
        branded = _with_brand(name, label)
        if branded is None:
            return None
        query = InstitutionQuery(labels=(branded,), country=country, key=query.key)
        found = [r for r in (match_unit(self.index, query, rel.id)
                             for rel in record.related("parent"))
                 if r.chosen is not None and r.chosen.ror_id != parent_ror]
        if len({r.chosen.ror_id for r in found if r.chosen is not None}) != 1:
            return None
        sibling = found[0]
        assert sibling.chosen is not None
        self.country[f"{ROR_PARENT}{sibling.chosen.ror_id}"] = country
        return UnitEvidence(sibling.chosen.ror_id, "sibling", sibling)


def _with_brand(unit: str, parent: str) -> str | None:
    """``unit`` after the words ``parent`` has before the unit's first word ("Institute for Y"
    after "Fraunhofer Institute for X": "Fraunhofer Institute for Y"), if it has any."""
    words, first = parent.split(), unit.split()[:1]
    if first and first[0] in words[1:]:
        return " ".join(words[:words.index(first[0])] + [unit])
    return None
