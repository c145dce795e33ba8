"""One linking run: institutions -> results -> curated results -> the files a run leaves behind.

The pipeline decides what an institution is (entity resolution clusters spellings); this module
only needs ``InstitutionQuery`` objects. ``queries_from_agreements`` is the plain fallback that
treats every distinct (name key, country) of the partner parties as one institution, so linking
works on a build before and without resolution.
"""

from __future__ import annotations

import csv
import io
import json
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from exchange_kg.agreements import Agreement
from exchange_kg.dumps import write_atomic
from exchange_kg.link.curation import Curation, apply_curation
from exchange_kg.link.matcher import Candidate, InstitutionQuery, MatchResult, match_all
from exchange_kg.link.names import normalise
from exchange_kg.link.online import RorApiClient, match_online
from exchange_kg.link.review import review_csv
from exchange_kg.link.ror_index import DumpInfo, RorIndex
from exchange_kg.link.summary import summarise
from exchange_kg.resolve import Cluster, Mention, mention_key

LINKS_FILE = "ror-links.csv"
REVIEW_FILE = "ror-review.csv"
SUMMARY_FILE = "ror-link-summary.json"
LINK_COLUMNS = ("our_label", "country", "institution", "decision", "ror_id", "ror_name",
                "wikidata", "ror_country", "score", "method", "matched_name", "matched_label",
                "followed_successor_from", "successors", "evidence", "curation", "source_rows",
                "dump", "dump_sha256")


def queries_from_agreements(agreements: Iterable[Agreement]) -> list[InstitutionQuery]:
    """One query per distinct partner (name key + country), in first-seen order."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for agreement in agreements:
        rows = [f"{rec.source_id}:{rec.first_line}" for rec in agreement.records]
        for party in agreement.parties:
            key = (normalise(party.name), party.country or "")
            g = groups.setdefault(key, {"labels": [], "acronyms": [], "sites": [], "city": None,
                                        "rows": set()})
            for label in (party.name, *party.alt_names):
                if label not in g["labels"]:
                    g["labels"].append(label)
            if party.acronym and party.acronym not in g["acronyms"]:
                g["acronyms"].append(party.acronym)
            if party.website and party.website not in g["sites"]:
                g["sites"].append(party.website)
            g["city"] = g["city"] or party.city
            g["rows"].update(rows)
    return [
        InstitutionQuery(labels=tuple(g["labels"]), country=country or None,
                         acronyms=tuple(g["acronyms"]), domains=tuple(g["sites"]),
                         city=g["city"], source_rows=tuple(sorted(g["rows"])))
        for (_name, country), g in groups.items()
    ]


def queries_from_clusters(clusters: Iterable[Cluster],
                          agreements: Iterable[Agreement]) -> list[InstitutionQuery]:
    """One query per resolved institution: every spelling, acronym and website of its cluster,
    its cluster id as ``key`` and the source rows of all its mentions."""
    rows: dict[str, list[str]] = {}
    for agreement in agreements:
        where = [f"{rec.source_id}:{rec.first_line}" for rec in agreement.records]
        for i in range(len(agreement.parties)):
            rows[mention_key(agreement, i)] = where
    out = []
    for c in clusters:
        labels = (c.pref_label, *(label for label in c.labels if label != c.pref_label))
        source_rows = sorted({r for k in c.mention_keys for r in rows.get(k, ())})
        out.append(InstitutionQuery(
            labels=labels, country=c.country, acronyms=c.acronyms, domains=c.websites,
            # a city only helps to tell namesakes apart when the sources agree on one
            city=c.cities[0] if len(set(c.cities)) == 1 else None,
            key=c.id, source_rows=tuple(source_rows)))
    return out


def link_mentions(mentions: Iterable[Mention], curation: Curation,
                  index: RorIndex | None = None, client: RorApiClient | None = None
                  ) -> tuple[dict[str, Candidate], dict[str, str]]:
    """(mention key -> the chosen candidate of every mention that links on its own, curation
    applied; mention key -> the one other country where ROR has its exact name while no
    record of its own country comes close).

    Meant as evidence for entity resolution ("same ROR record" joins two spellings that share
    no words, "Free University of Berlin" and "Freie Universität Berlin"; a mention without a
    country takes its record's; a row filed under the wrong country is found); mentions that
    read the same are matched once.
    """
    groups: dict[InstitutionQuery, list[str]] = {}
    for m in mentions:
        query = InstitutionQuery(
            labels=(m.name, *m.alt_names), country=m.country,
            acronyms=(m.acronym,) if m.acronym else (), domains=(m.website,) if m.website else (),
            city=m.city)
        groups.setdefault(query, []).append(m.key)
    queries = list(groups)
    run = link(queries, curation, index=index, client=client)
    chosen: dict[str, Candidate] = {}
    elsewhere: dict[str, str] = {}
    for q, r in zip(queries, run.results, strict=True):
        if r.chosen is not None:
            chosen.update((key, r.chosen) for key in groups[q])
            continue
        countries = {c.country for c in r.candidates}
        if (q.country and r.candidates and len(countries) == 1
                and all("other-country" in c.evidence for c in r.candidates)):
            elsewhere.update((key, next(iter(countries))) for key in groups[q]
                             if next(iter(countries)))
    return chosen, elsewhere


@dataclass
class LinkRun:
    results: list[MatchResult]
    dump: DumpInfo | None
    summary: dict[str, Any] = field(default_factory=dict)
    # (institution cluster id, unit key) -> link, for units ROR has as records of their own
    unit_links: dict[tuple[str, str], MatchResult] = field(default_factory=dict)


# One build asks about the same names more than once (each mention, then each institution,
# most of which are one mention): answers are kept per index for the questions that matter.
_answers: weakref.WeakKeyDictionary[RorIndex, dict[tuple[object, ...], MatchResult]] = \
    weakref.WeakKeyDictionary()


def _question(query: InstitutionQuery) -> tuple[object, ...]:
    return (query.labels, query.country, query.acronyms, query.domains, query.city)


def _cached_matches(index: RorIndex, queries: Sequence[InstitutionQuery]) -> list[MatchResult]:
    """``match`` for each query; questions not answered before are matched together
    (``match_all`` runs their typo-tolerant scans as one batch)."""
    answers = _answers.setdefault(index, {})
    questions = [_question(q) for q in queries]
    todo: dict[tuple[object, ...], InstitutionQuery] = {}
    for query, question in zip(queries, questions, strict=True):
        if question not in answers:
            todo.setdefault(question, query)
    answers.update(zip(todo, match_all(index, list(todo.values())), strict=True))
    out = []
    for query, question in zip(queries, questions, strict=True):
        found = answers[question]
        out.append(replace(found, query=query) if found.query is not query else found)
    return out


def asked(index: RorIndex) -> list[InstitutionQuery]:
    """The distinct questions linking has answered against ``index`` in this process, first
    asked first: what the benchmark replays to measure names per second."""
    return [result.query for result in _answers.get(index, {}).values()]


def link(queries: Sequence[InstitutionQuery], curation: Curation, index: RorIndex | None = None,
         client: RorApiClient | None = None) -> LinkRun:
    """Match every query against a dump index (or, with ``client``, the ROR API) and apply the
    curator's decisions."""
    if (index is None) == (client is None):
        raise ValueError("link against exactly one of a dump index or an API client")
    if index is not None:
        results = _cached_matches(index, queries)
        dump = index.info
    else:
        assert client is not None
        results = [match_online(client, q) for q in queries]
        dump = DumpInfo(client.base_url, "", 0, 0)
    results = apply_curation(results, curation, index)
    return LinkRun(results, dump, summarise(results))


def links_csv(run: LinkRun) -> bytes:
    """Every linked institution with its ROR ID, QID and the link's provenance."""
    rows = []
    for r in run.results:
        c = r.chosen
        if c is None:
            continue
        rows.append({
            "our_label": r.query.label, "country": r.query.country or "",
            "institution": r.query.key, "decision": r.decision, "ror_id": c.ror_id,
            "ror_name": c.display_name, "wikidata": c.wikidata or "",
            "ror_country": c.country or "", "score": f"{c.score:.3f}", "method": c.method,
            "matched_name": c.name, "matched_label": c.matched_label,
            "followed_successor_from": c.followed_successor_from or "",
            "successors": " ".join(c.successors), "evidence": " ".join(c.evidence),
            "curation": r.curation_note, "source_rows": " ".join(r.query.source_rows),
            "dump": run.dump.name if run.dump else "",
            "dump_sha256": run.dump.sha256 if run.dump else "",
        })
    rows.sort(key=lambda x: (x["country"], x["our_label"].casefold(), x["our_label"],
                             x["institution"]))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=LINK_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_run(run: LinkRun, out_dir: Path) -> dict[str, Path]:
    """The run's three files (links, review, summary), written atomically; same input, same
    bytes."""
    out_dir = Path(out_dir)
    summary = dict(run.summary)
    if run.dump is not None:
        summary["dump"] = {"name": run.dump.name, "sha256": run.dump.sha256,
                           "records": run.dump.records}
    files = {
        LINKS_FILE: links_csv(run),
        REVIEW_FILE: review_csv(run.results),
        SUMMARY_FILE: (json.dumps(summary, indent=2, sort_keys=True) + "\n").encode("utf-8"),
    }
    for name, data in files.items():
        write_atomic(out_dir / name, data)
    return {name: out_dir / name for name in files}
