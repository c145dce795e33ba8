"""Match one institution against a ROR index: candidates with scores, and a link only when sure.

Precision comes first, as in ROR's own affiliation matcher, which marks a result ``chosen`` only
when it alone is highly probable. Here a candidate is *chosen* when

* its score reaches ``CHOSEN_MIN`` — in practice only an exact name, alias or other-language
  label (possibly after dropping a qualifier the record itself explains: its city, country,
  acronym or parent), the same words in another order or with other particles, the same words
  in another language once both names are read through the translation tables, or a weaker
  name match corroborated by the website's domain or the acronym;
* no other record comes within ``MARGIN`` of it;
* its record stands for an organisation: an active one, or an inactive one (a university that
  merged into another stays itself, with its successor recorded); a withdrawn record (a
  duplicate) is replaced by its single successor, and one without a successor, or with
  several, is never linked;
* it lies in the query's country: the same name in two countries is two institutions;
* the query's website does not belong to another ROR record.

An acronym alone, a typo-tolerant or partial name match, or a candidate found only in another
country is a *candidate* for the review file, never a link.
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from exchange_kg import pool
from exchange_kg.link import sharing
from exchange_kg.link.decision import (
    CHOSEN_MIN,
    MARGIN,
    MAX_SUCCESSOR_HOPS,
    decide,
    link_blocker,
    resolve_candidates,
)
from exchange_kg.link.model import DECISIONS, METHODS, Candidate, InstitutionQuery, MatchResult
from exchange_kg.link.names import (
    acronym_key,
    distinctive_words,
    looks_like_acronym,
    normalise,
    read_suffix_list,
    registered_domain,
)
from exchange_kg.link.near import near_keys, near_words, prefetch
from exchange_kg.link.ror_dump import RorRecord
from exchange_kg.link.ror_index import RorIndex
from exchange_kg.link.scoring import (
    WORD_OVERLAP_MIN,
    Hit,
    QueryForms,
    close_pairs,
    descriptor_words,
    named_after,
    query_forms,
    same_city_as,
    score_record,
    score_records,
    spells_out,
    word_overlap,
    words_within_record,
)
from exchange_kg.resolve.names import canonical_key

__all__ = ["CHOSEN_MIN", "DECISIONS", "MAX_SUCCESSOR_HOPS", "METHODS", "Candidate",
           "InstitutionQuery", "MatchResult", "countries_of", "link_blocker", "match",
           "match_all", "match_unit"]

ACRONYM = 0.85
ACRONYM_NAMED = 0.95  # our name is an acronym the record has and spells out: a link
ACRONYM_NAMED_MIN = 4  # ... if it has this many letters (short ones collide too often)
CITY_CONFIRMS = 0.03
MAX_WORD_RECORDS = 20  # records per near-miss word worth scoring
MAX_WORD_CANDIDATES = 200  # records sharing words with a query worth scoring
CITY_CONFIRMS_FROM = 0.9
CORROBORATED_BY_ACRONYM = 0.05
DOMAIN_CONFIRMS = 0.96
DOMAIN_AND_ACRONYM = 0.96
DOMAIN_ONLY = 0.70
OTHER_COUNTRY = 0.50
NO_COUNTRY_FACTOR = 0.96
REGIONS = {"CN": ("HK", "MO")}
REGION_FACTOR = 0.98  # a record in a region of the query's country, not the country itself
PARALLEL_QUERIES = 300  # a batch this large is matched in worker processes (see match_all)


def countries_of(country: str | None) -> tuple[str, ...]:
    """The ROR country codes a source's country covers: itself, and for China the special
    administrative regions, which partner lists often file under China while ROR (like ISO)
    gives them codes of their own. Taiwan is never folded in: its namesakes of mainland
    universities ("Soochow University") are other institutions."""
    if country is None:
        return ()
    return (country, *REGIONS.get(country, ()))


def _in_country(rec: RorRecord, query: InstitutionQuery) -> bool:
    return rec.country in countries_of(query.country)


def _query_acronyms(query: InstitutionQuery) -> list[str]:
    out = list(query.acronyms)
    out += [label for label in query.labels if looks_like_acronym(label)]
    return list(dict.fromkeys(a for a in out if acronym_key(a)))


def _candidate_records(index: RorIndex, query: InstitutionQuery,
                       qforms: QueryForms) -> set[int]:
    """Records worth scoring: equal keys (as written or translated), shared rare words in the
    country."""
    country = query.country
    found: set[int] = set()
    for _label, key, _dropped in qforms:
        found.update(index.by_key(key))
    for label in query.labels:
        found.update(index.by_canonical(canonical_key(label)))
    if country is None:
        return found
    word_hits: Counter[int] = Counter()
    for _label, key, dropped in qforms:
        if dropped:
            continue
        for word in set(distinctive_words(key)):
            for code in countries_of(country):
                word_hits.update(index.by_word(code, word))
    if len(word_hits) > MAX_WORD_CANDIDATES:  # the records sharing the most words
        word_hits = dict.fromkeys(sorted(word_hits, key=lambda i: (-word_hits[i], i))[
            :MAX_WORD_CANDIDATES])
    found.update(word_hits)
    return found


def _near_questions(query: InstitutionQuery, qforms: QueryForms
                    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The typo-tolerant look-ups (``near``) a query needs: (country, word) for its rare words
    (a misspelt or transliterated word: "Afaisal" for "Alfaisal", "Serikbajewa" (Polish) for
    "Serikbayev", "Pristina" for "Prishtina"), and (country, key) for its whole names."""
    country = query.country
    if country is None:
        return [], []
    rare = {w for _label, key, dropped in qforms if not dropped
            for w in distinctive_words(key) if len(w) >= 6}
    rare |= {named[0] for label in query.labels for named in [named_after(label)] if named}
    words = [(code, word) for code in countries_of(country) for word in sorted(rare)]
    keys = [(country, key) for _label, key, dropped in qforms if not dropped]
    return words, keys


def _near_records(index: RorIndex, query: InstitutionQuery, qforms: QueryForms) -> set[int]:
    """Records a misspelt or transliterated word or name hides. Slower than
    ``_candidate_records`` (a fuzzy scan of the country), so only asked when that found
    nothing sure."""
    found: set[int] = set()
    words, keys = _near_questions(query, qforms)
    for code, word in words:
        for other in near_words(index, code, word):
            found.update(index.with_word(code, other)[:MAX_WORD_RECORDS])
    for country, key in keys:
        found.update(near_keys(index, country, key))
    return found


def match(index: RorIndex, query: InstitutionQuery) -> MatchResult:
    """Candidates for one institution and, when one alone is highly probable, the chosen one."""
    return match_all(index, [query])[0]


def match_all(index: RorIndex, queries: Sequence[InstitutionQuery],
              workers: int | None = None) -> list[MatchResult]:
    """``match`` for every query, in the given order.

    Queries are independent, so a large batch is shared out among ``workers`` processes
    (default: one per idle CPU from ``PARALLEL_QUERIES`` queries on): this one and processes
    forked from it, whole countries each (``sharing``); the answers are the same as one
    process gives, in the same order."""
    if workers is None:
        workers = idle_cpus() if len(queries) >= PARALLEL_QUERIES else 1
    if workers <= 1 or len({q.country for q in queries}) < 2 or not sharing.can_fork():
        return _match_batch(index, queries)
    if any(query.domains for query in queries):
        # the suffix list is read once, here, not again in every worker; the queries' own
        # domains are each worker's business (here, they would keep the workers waiting)
        read_suffix_list()
    return sharing.match_shared(queries, workers, lambda batch: _match_batch(index, batch))


def idle_cpus() -> int:
    """The CPUs this process may run on less those other programs keep busy (the last
    minute's load average, which counts this process too), at least one. On a busy machine a
    second worker gains no time, the scheduler shares the cores out among the busy programs
    anyway, and costs the work the workers repeat (a tenth more CPU time)."""
    try:
        others = max(0.0, os.getloadavg()[0] - 1.0)
    except (AttributeError, OSError):  # no load average on this platform
        others = 0.0
    return max(1, min(pool.cpu_count(), int(pool.cpu_count() - others + 0.5)))


def _match_batch(index: RorIndex, queries: Sequence[InstitutionQuery]) -> list[MatchResult]:
    """``match`` for every query, in one process.

    In three passes, so that the typo-tolerant scans of all queries that need them run as one
    batch per country (see ``near``): exact look-ups first; then, for every query where they
    found nothing so sure that a near miss could not compete, the near misses; then evidence
    and the decision."""
    with _collector_paused():
        return _match_passes(index, queries)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a batch runs: the batch decodes thousands of index
    rows that live as long as the index (in its caches), and a full collection walks all of
    them again each time, a sixth of the batch's time; matching itself makes no reference
    cycles to collect.

    Switching the collector back on would still cost one sweep over everything the batch
    made (it is all in the youngest generation, and the first allocation collects that), a
    twentieth of the batch: instead the batch's objects go straight to the oldest generation
    (``gc.freeze`` then ``gc.unfreeze``, two list splices). Where objects are already frozen
    (a forked worker: the parent froze its heap so that no collection copies it), unfreezing
    would thaw the parent's heap as well, so the batch's objects join the frozen ones."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            frozen = gc.get_freeze_count()
            gc.freeze()
            if not frozen:
                gc.unfreeze()
            gc.enable()


def _match_passes(index: RorIndex, queries: Sequence[InstitutionQuery]) -> list[MatchResult]:
    read = [(query, query_forms(query)) for query in queries]
    _ask_at_once(index, read)
    found = [_candidate_records(index, query, qforms) for query, qforms in read]
    index.preload(set().union(*found))
    started = []
    for (query, qforms), records in zip(read, found, strict=True):
        qcity = normalise(query.city) if query.city else ""
        hits: dict[int, Hit] = {}
        _score_records(index, query, qforms, qcity, records, hits)
        started.append((query, qforms, qcity, hits))
    unsure = [s for s in started
              if max((h.score for h in s[3].values()), default=0) < CHOSEN_MIN + MARGIN]
    asked = [_near_questions(query, qforms) for query, qforms, _qcity, _hits in unsure]
    prefetch(index, [w for words, _keys in asked for w in words],
             [k for _words, keys in asked for k in keys])
    index.prefetch(words=[(code, other) for words, _keys in asked for code, word in words
                          for other in near_words(index, code, word)])
    near = [_near_records(index, query, qforms) - set(hits)
            for query, qforms, _qcity, hits in unsure]
    index.preload(set().union(*near))
    for (query, qforms, qcity, hits), records in zip(unsure, near, strict=True):
        _score_records(index, query, qforms, qcity, records, hits)
    return [_finish(index, query, qforms, qcity, hits)
            for query, qforms, qcity, hits in started]


def _ask_at_once(index: RorIndex, read: Sequence[tuple[InstitutionQuery, QueryForms]]) -> None:
    """The index look-ups that the queries' exact passes and evidence will ask, fetched in
    a few statements (``RorIndex.prefetch``) rather than one each."""
    keys: list[str] = []
    canonical: list[str] = []
    words: list[tuple[str, str]] = []
    acronyms: list[str] = []
    domains: list[str] = []
    described: list[str] = []
    for query, qforms in read:
        keys += [key for _label, key, _dropped in qforms]
        canonical += [canonical_key(label) for label in query.labels]
        described += [word for label in query.labels for word in descriptor_words(label)]
        domains += [d for d in map(registered_domain, query.domains) if d]
        if query.country is None:
            continue
        codes = countries_of(query.country)
        words += [(code, word) for _label, key, dropped in qforms if not dropped
                  for word in distinctive_words(key) for code in codes]
        acronyms += _query_acronyms(query)
    index.prefetch(keys, canonical, words, acronyms, domains, described)


def _finish(index: RorIndex, query: InstitutionQuery, qforms: QueryForms, qcity: str,
            hits: dict[int, Hit]) -> MatchResult:
    country = query.country
    _add_city_evidence(index, query, qcity, hits)
    _add_acronym_hits(index, query, hits)
    query_domains = {d for d in (registered_domain(x) for x in query.domains) if d}
    domain_records = _add_domain_hits(index, query, qforms, query_domains, hits)
    if country is None:
        for hit in hits.values():
            hit.score = round(hit.score * NO_COUNTRY_FACTOR, 3)
            hit.evidence.add("no-country")
    elif max((h.score for h in hits.values()), default=0) < CHOSEN_MIN:
        _add_other_country_hits(index, query, qforms, hits)
    candidates = resolve_candidates(index, hits.values())
    return decide(index, query, candidates, domain_records)


def _score_records(index: RorIndex, query: InstitutionQuery, qforms: QueryForms, qcity: str,
                   records: set[int], hits: dict[int, Hit]) -> None:
    country = query.country
    codes = countries_of(country)
    countries = index.countries_of(records)
    ordered = [i for i, code in countries.items() if country is None or code in codes]
    close = close_pairs(index, query, qforms, ordered)
    for i, hit in score_records(index, ordered, query, qforms, qcity, close):
        if country is not None and countries[i] != country:
            hit.score = round(hit.score * REGION_FACTOR, 3)
            hit.evidence.add("region")
        hits[i] = hit


def _add_city_evidence(index: RorIndex, query: InstitutionQuery, qcity: str,
                       hits: dict[int, Hit]) -> None:
    """A near match (a spelling slip, a qualifier too many) of a record in our city: the city
    is independent evidence for it."""
    if not qcity:
        return
    ours = same_city_as(qcity)
    verdicts: dict[str, bool] = {}  # a record's city -> whether it is ours (by its name only)
    for i, hit in hits.items():
        city = index.city_of(i)
        if not city:
            continue
        same = verdicts.get(city)
        if same is None:
            same = verdicts[city] = ours(city, lambda i=i: index.place_of(i))
        if not same:
            continue
        hit.evidence.add("city")
        if hit.method == "fuzzy" and CITY_CONFIRMS_FROM <= hit.score < CHOSEN_MIN:
            hit.score = round(min(hit.score + CITY_CONFIRMS, CHOSEN_MIN + 0.01), 3)


def _add_acronym_hits(index: RorIndex, query: InstitutionQuery, hits: dict[int, Hit]) -> None:
    """An acronym in the country alone is a candidate; next to a name match it corroborates.

    When our name *is* an acronym ("ESSCA", "UDLAP"), the country's only record with that
    acronym is a link if the record's own name spells it out: as one of its words ("ESSCA
    School of Management") or as its initials ("Universidad de las Américas Puebla"). The
    registry's acronym and its name then agree with ours, two pieces of evidence.
    """
    if query.country is None:
        return
    bare = {acronym_key(label) for label in query.labels if looks_like_acronym(label)}
    for acronym in _query_acronyms(query):
        codes = countries_of(query.country)
        in_country = [i for i, code in index.countries_of(index.by_acronym(acronym)).items()
                      if code in codes]
        for i in in_country:
            rec = index.records[i]
            hit = hits.get(i)
            if hit is None:
                evidence = {"acronym"}
                score = ACRONYM
                key = acronym_key(acronym)
                if (key in bare and len(key) >= ACRONYM_NAMED_MIN and len(in_country) == 1
                        and spells_out(rec, key)):
                    evidence.add("acronym-spelled-out")
                    score = ACRONYM_NAMED
                hits[i] = Hit(i, score, "acronym", _acronym_of(rec, acronym), acronym,
                               evidence)
            elif "acronym" not in hit.evidence:
                hit.evidence.add("acronym")
                if hit.score >= ACRONYM and hit.score < CHOSEN_MIN:
                    hit.score = round(min(hit.score + CORROBORATED_BY_ACRONYM, 0.97), 3)


def _acronym_of(rec: RorRecord, acronym: str) -> str:
    key = acronym_key(acronym)
    return next((a for a in rec.acronyms if acronym_key(a) == key), acronym)


def _add_domain_hits(index: RorIndex, query: InstitutionQuery,
                     qforms: QueryForms, domains: set[str],
                     hits: dict[int, Hit]) -> set[int]:
    """The website's domain confirms a name match, or proposes a candidate of its own.

    A confirmed match needs more than the domain: the same distinctive words (give or take a
    spelling slip), a name match already in the review range, or the acronym. A site shared by
    an institution and its institutes would otherwise link a faculty to the whole university.
    """
    owners: set[int] = set()
    for domain in sorted(domains):
        for i in index.by_domain(domain):
            rec = index.records[i]
            if query.country is not None and not _in_country(rec, query):
                continue
            owners.add(i)
            hit = hits.get(i)
            if hit is None:
                hit = hits[i] = Hit(i, DOMAIN_ONLY, "domain", rec.display_name, query.label)
            if "domain" in hit.evidence:
                continue
            hit.evidence.add("domain")
            if hit.score >= CHOSEN_MIN:
                continue
            if "acronym" in hit.evidence:
                hit.score, hit.method = max(hit.score, DOMAIN_AND_ACRONYM), "domain"
            elif hit.score >= ACRONYM:
                hit.score, hit.method = DOMAIN_CONFIRMS, "domain"
            else:
                name, overlap = word_overlap(index, i, qforms, query.country)
                if overlap >= WORD_OVERLAP_MIN:
                    hit.score, hit.method, hit.name = DOMAIN_CONFIRMS, "domain", name
                elif words_within_record(index, i, query):
                    hit.score, hit.method = DOMAIN_CONFIRMS, "domain"
    return owners


def _add_other_country_hits(index: RorIndex, query: InstitutionQuery,
                            qforms: QueryForms,
                            hits: dict[int, Hit]) -> None:
    """Exact names elsewhere: a hint for the curator (a wrong country in the source), no link."""
    for label, key, dropped in qforms:
        if dropped:
            continue
        for i in index.by_key(key):
            rec = index.records[i]
            if i in hits or _in_country(rec, query):
                continue
            name = next((v for v, _k, fs in index.names[i] if any(k == key for k, _ in fs)),
                        rec.display_name)
            hits[i] = Hit(i, OTHER_COUNTRY, "exact", name, label, {"other-country"})


def match_unit(index: RorIndex, query: InstitutionQuery, parent_id: str) -> MatchResult:
    """A unit (faculty, institute) against the ROR records that are children of its institution.

    A unit is linked only when ROR has it as its own record under that parent; the parent's name
    may be dropped from a child's name ("Institute of Physics, Chinese Academy of Sciences").
    """
    parent = index.get(parent_id)
    extra: set[str] = set()
    if parent is not None:
        for _value, _kind, name_forms in index.names[index.position(parent.id)]:
            extra.update(key for key, _ in name_forms)
        extra.update(normalise(a) for a in parent.acronyms)
    qforms = query_forms(query)
    qcity = normalise(query.city) if query.city else ""
    hits: dict[int, Hit] = {}
    for i in index.children_of(parent_id):
        hit = score_record(index, i, query, qforms, qcity, extra)
        if hit is not None:
            hits[i] = hit
    return decide(index, query, resolve_candidates(index, hits.values()), set())
