"""The build's linking stage: ROR evidence for resolution, then one link per institution.

Linking runs twice over different units: first per mention (a ROR match on its own is evidence
that two spellings with no words in common are one institution), then per resolved
institution, which is what gets published. If two institutions of one country still end up on
one ROR record, only the surer link is kept and the other goes to review: two resources sharing
an identifier would make researchers count one partner twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from exchange_kg.agreements import Agreement
from exchange_kg.link.curation import load_curation
from exchange_kg.link.matcher import InstitutionQuery, MatchResult, match_unit
from exchange_kg.link.online import RorApiClient
from exchange_kg.link.ror_index import RorIndex
from exchange_kg.link.runner import LinkRun, link, link_mentions, queries_from_clusters
from exchange_kg.link.summary import summarise
from exchange_kg.normalise.partner import institution_key
from exchange_kg.resolve import Cluster, Mention, mention_key, resolve

CURATION_FILE = "ror-curation.tsv"


def resolve_and_link(
    mentions: Sequence[Mention],
    agreements: Sequence[Agreement],
    curation_path: Path,
    index: RorIndex | None = None,
    client: RorApiClient | None = None,
    progress: Callable[[str], None] = lambda m: None,
) -> tuple[list[Cluster], LinkRun]:
    curation = load_curation(curation_path)
    ids = link_mentions(mentions, curation, index=index, client=client)
    clusters = resolve([replace(m, ror_id=ids.get(m.key)) for m in mentions])
    run = link(queries_from_clusters(clusters, agreements), curation, index=index, client=client)
    kept = keep_one_per_ror_id(run)
    if index is not None:
        run.unit_links = link_units(index, agreements, clusters, run)
    progress(f"linked {run.summary['linked']} of {len(clusters)} institutions to ROR"
             + (f" ({kept} sent to review: they share a ROR ID)" if kept else ""))
    return clusters, run


UnitLinks = dict[tuple[str, str], MatchResult]


def link_units(index: RorIndex, agreements: Sequence[Agreement], clusters: Sequence[Cluster],
               run: LinkRun) -> UnitLinks:
    """(institution cluster id, unit key) -> link, for units ROR has as records of their own.

    A unit is only ever linked to a child record of its own institution's ROR record, so a
    faculty never takes the identifier of its university (or of a namesake elsewhere).
    """
    cluster_of = {k: c for c in clusters for k in c.mention_keys}
    parent = {r.query.key: r.chosen.ror_id for r in run.results if r.chosen is not None}
    found: UnitLinks = {}
    seen: set[tuple[str, str]] = set()
    for a in agreements:
        for i, party in enumerate(a.parties):
            cluster = cluster_of.get(mention_key(a, i))
            if cluster is None or cluster.id not in parent:
                continue
            for unit in party.units:
                key = (cluster.id, institution_key(unit))
                if key in seen:
                    continue
                seen.add(key)
                query = InstitutionQuery(labels=(unit,), country=cluster.country,
                                         key=f"{cluster.id} / {unit}")
                result = match_unit(index, query, parent[cluster.id])
                if result.chosen is not None:
                    found[key] = result
    return found


def keep_one_per_ror_id(run: LinkRun) -> int:
    """Within a country, one institution per ROR record; returns how many links were undone."""
    by_target: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(run.results):
        if r.chosen is not None and not r.decision.startswith("curated"):
            by_target[(r.query.country or "", r.chosen.ror_id)].append(i)
    undone = 0
    for (_, ror_id), idx in sorted(by_target.items()):
        if len(idx) < 2:
            continue

        def strength(i: int) -> tuple[bool, float, int, str]:
            c = run.results[i].chosen
            assert c is not None
            return (c.followed_successor_from is None, c.score,
                    len(run.results[i].query.source_rows), run.results[i].query.key)

        best = max(idx, key=strength)
        winner = run.results[best].query.label
        for i in idx:
            if i == best:
                continue
            r = run.results[i]
            run.results[i] = replace(
                r, chosen=None, decision="ambiguous",
                reason=f"shares ROR ID {ror_id} with {winner!r}, which matched it better; "
                       "one of the two is probably a spelling the resolver did not merge")
            undone += 1
    if undone:
        run.summary = summarise(run.results)
    return undone
