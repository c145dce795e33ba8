"""Reconciliation queries -> ranked candidates, each with a score, features and a decision.

Institutions are matched by the build's own reading of names (``adapter``): a query is scored
against every institution that shares a blocking key with it in its country, and the best
reading of its names against the institution's spellings is the score (times 100). A query
that names an identifier -- one of ours, a ROR ID or a Wikidata QID -- resolves directly.

``match`` is true for the top candidate only when it is unambiguous, by the ROR linker's
precision-first rule:

* its score reaches the resolver's merge threshold (a spelling the build would have put in
  this institution);
* no other candidate comes within ``MARGIN`` of it, unless the query's city or website singles
  one out (as the linker breaks ties);
* nothing in it conflicts (different numbers in the names, a different ROR ID);
* the query's website does not belong to another institution of the graph;
* a query without a country is scored down as the linker does (``NO_COUNTRY_FACTOR``), and an
  acronym alone without a country is never a match: too many institutions share one.

A name found only in another country than the query's is a candidate (at the linker's
``OTHER_COUNTRY`` score), never a match: the same name in two countries is two institutions.

Agreements are found through their partner: the query's name is reconciled as an institution,
and the agreements with the candidates are scored by the properties the query gives (home
institution, start year, level, list). One is a match only when its partner is, the query names
a home institution that is its home, and no other agreement fits as well.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from exchange_kg.serve.reconcile import adapter
from exchange_kg.serve.reconcile.catalogue import Agreement, Catalogue, Institution

INSTITUTION = "Institution"
AGREEMENT = "Agreement"
DEFAULT_LIMIT = 5
MAX_LIMIT = 50
# institutions scored per query at most (the ones sharing most blocking keys with it)
MAX_SCORED = 200
# a query without a country is looked for in every country; without a name key in common,
# the partial keys of a large graph would reach too many institutions to be worth scoring
NO_COUNTRY_MIN_HITS = 2


@dataclass(frozen=True)
class Query:
    """One reconciliation query, whichever version of the protocol it came in."""

    names: tuple[str, ...] = ()
    type: str | None = None
    limit: int = DEFAULT_LIMIT
    country: str | None = None  # ISO code
    cities: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()  # our entity identifiers (or IRIs)
    ror_ids: tuple[str, ...] = ()  # full ROR IRIs
    wikidata: tuple[str, ...] = ()  # QIDs
    # agreements only
    home: tuple[str, ...] = ()  # home institution: names or identifiers
    start_year: int | None = None
    level: str | None = None
    source: str | None = None  # a source list's identifier
    # properties whose match is required (1.0 ``required`` conditions)
    required: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Feature:
    id: str
    name: str
    value: bool | float


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    description: str
    type: str
    score: float  # 0..100
    match: bool = False
    features: tuple[Feature, ...] = ()


FEATURES = {
    "name": "how the build reads the query's name against the candidate's spellings (0-1)",
    "exact_name": "the query's name is one of the candidate's spellings (normalised)",
    "country": "the candidate lies in the query's country",
    "city": "the candidate's city is the query's",
    "website": "the candidate's website is on the query's domain",
    "ror": "the candidate has the query's ROR ID",
    "wikidata": "the candidate has the query's Wikidata QID",
    "identifier": "the query names the candidate by an identifier",
    "partner": "the agreement's partner is the query's institution (its reconciliation score)",
    "home": "the agreement's home institution is the query's",
    "start_year": "the agreement starts in the query's year",
    "level": "the agreement has the query's level",
    "source": "the agreement is listed in the query's list",
}


def _feature(fid: str, value: bool | float) -> Feature:
    return Feature(fid, FEATURES[fid], value)


@dataclass
class _Scored:
    inst: Institution
    score: float
    relation: adapter.Relation
    conflict: bool = False
    other_country: bool = False
    features: list[Feature] = field(default_factory=list)


class Matcher:
    """The catalogue's institutions as resolver groups, filed under the resolver's blocking
    keys, built once (about a second for a thousand institutions)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.named = [i for i in catalogue.institutions if i.named and i.labels]
        self.groups: list[list[adapter.Group]] = []
        self.keys: dict[str, list[int]] = defaultdict(list)
        self.spellings: dict[str, list[int]] = defaultdict(list)
        self.domains: dict[str, set[str]] = defaultdict(set)
        by_country: dict[str | None, list[adapter.Group]] = defaultdict(list)
        for k, inst in enumerate(self.named):
            groups = adapter.institution_groups(inst.id, inst.labels, _side(inst))
            self.groups.append(groups)
            by_country[inst.country].extend(groups)
            filed: set[str] = set()
            for g in groups:
                filed |= adapter.filing_keys(g)
            for key in filed:
                self.keys[key].append(k)
            for key in dict.fromkeys(adapter.name_key(x, inst.country) for x in inst.labels):
                self.spellings[key].append(k)
            for site in inst.websites:
                domain = adapter.website_domain(site)
                if domain:
                    self.domains[domain].add(inst.id)
        self.context = {c: adapter.block_context(gs) for c, gs in by_country.items()}
        for table in (self.keys, self.spellings, self.domains):
            table.default_factory = None  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ institutions

    def institutions(self, query: Query) -> list[Candidate]:
        direct = self._direct_institutions(query)
        if direct is not None:
            return _ranked(direct, query.limit)
        names = tuple(n for n in (n.strip() for n in query.names) if n)
        if not names:
            return []
        side = adapter.Side(query.country, query.cities, query.websites, query.acronyms,
                            query.ror_ids[0] if len(query.ror_ids) == 1 else None)
        scored = self._score(names, side, query.country)
        if query.country and not any(s.score >= adapter.MERGE for s in scored):
            scored += self._elsewhere(names, side, query.country)
        cands = self._decide(scored, query, names)
        return _ranked(_required(cands, query), query.limit)

    def _direct_institutions(self, query: Query) -> list[Candidate] | None:
        """Candidates named by an identifier (ours, ROR, Wikidata), or None if none is given;
        a query's name that reads as one counts too."""
        found: dict[str, tuple[Institution, str]] = {}
        ids, rors, qids = list(query.ids), list(query.ror_ids), list(query.wikidata)
        for name in query.names:
            ror, qid = adapter.ror_id(name), adapter.wikidata_id(name)
            local = self.catalogue.local_id(name)
            if ror:
                rors.append(ror)
            elif qid:
                qids.append(qid)
            elif local in self.catalogue.institution:
                ids.append(local)
        if not (ids or rors or qids):
            return None
        for entity_id in ids:
            inst = self.catalogue.institution.get(self.catalogue.local_id(entity_id))
            if inst is not None:
                found.setdefault(inst.id, (inst, "identifier"))
        for ror in rors:
            for inst in self.catalogue.by_ror.get(ror.rsplit("/", 1)[-1], ()):
                found.setdefault(inst.id, (inst, "ror"))
        for qid in qids:
            for inst in self.catalogue.by_wikidata.get(qid, ()):
                found.setdefault(inst.id, (inst, "wikidata"))
        unique = len(found) == 1
        return [Candidate(inst.id, inst.name, describe(inst), INSTITUTION, 100.0, unique,
                          (_feature(how, True),))
                for inst, how in found.values()]

    def _look_up(self, query: adapter.Group, country: str | None) -> list[int]:
        hits: Counter[int] = Counter()
        for key in adapter.lookup_keys(query):
            found = self.keys.get(key, ())
            if key.startswith("s:") and len(found) > adapter.SKELETON_BUCKET:
                continue
            for k in found:
                if country is None or self.named[k].country == country:
                    hits[k] += 1
        spelt = {k for form in query.forms for k in self.spellings.get(form.key, ())
                 if country is None or self.named[k].country == country}
        floor = NO_COUNTRY_MIN_HITS if country is None else 1
        ranked = sorted((k for k, n in hits.items() if n >= floor), key=lambda k: (-hits[k], k))
        return sorted(spelt | set(ranked[:MAX_SCORED]))

    def _score(self, names: tuple[str, ...], side: adapter.Side,
               country: str | None) -> list[_Scored]:
        queries: dict[str | None, adapter.Group] = {}

        def query_in(c: str | None) -> adapter.Group:
            if c not in queries:
                queries[c] = adapter.query_group(names, adapter.Side(
                    c, side.cities, side.websites, side.acronyms, side.ror_id))
            return queries[c]

        out = []
        for k in self._look_up(query_in(country), country):
            inst = self.named[k]
            rel, conflict = adapter.relate(query_in(inst.country), self.groups[k],
                                           self.context[inst.country])
            if rel.score <= 0 and not conflict:
                continue
            score = rel.score if country else rel.score * adapter.NO_COUNTRY_FACTOR
            out.append(_Scored(inst, round(score, 3), rel, conflict))
        return out

    def _elsewhere(self, names: tuple[str, ...], side: adapter.Side,
                   country: str) -> list[_Scored]:
        """The same name in other countries: a hint that the query's country may be wrong."""
        out = []
        for s in self._score(names, dataclasses.replace(side, country=None), None):
            if s.inst.country != country and s.relation.score >= 1.0 and not s.conflict:
                out.append(_Scored(s.inst, adapter.OTHER_COUNTRY, s.relation, False, True))
        return out

    def _decide(self, scored: list[_Scored], query: Query,
                names: tuple[str, ...]) -> list[Candidate]:
        if not scored:
            return []
        for s in scored:
            s.features = self._features(s, query, names)
        scored.sort(key=lambda s: (-s.score, s.inst.name.casefold(), s.inst.id))
        top = scored[0]
        close = [s for s in scored if top.score - s.score < adapter.MARGIN]
        if len(close) > 1:
            top = _break_tie(close, query)
        chosen = None
        if (top is not None and top.score >= adapter.MERGE and not top.conflict
                and not top.other_country and self._site_allows(top.inst, query)
                and (query.country or not all(adapter.is_acronym(n) for n in names))):
            chosen = top.inst.id
        return [Candidate(s.inst.id, s.inst.name, describe(s.inst), INSTITUTION,
                          round(100 * max(s.score, 0.0), 1), s.inst.id == chosen,
                          tuple(s.features))
                for s in scored]

    def _features(self, s: _Scored, query: Query, names: tuple[str, ...]) -> list[Feature]:
        inst = s.inst
        out = [_feature("name", round(max(s.relation.score, 0.0), 3)),
               _feature("exact_name", any(adapter.name_key(n, inst.country) in
                                          {adapter.name_key(x, inst.country) for x in inst.labels}
                                          for n in names))]
        if query.country:
            out.append(_feature("country", inst.country == query.country))
        if query.cities and inst.cities:
            out.append(_feature("city", any(adapter.same_city(a, b) for a in query.cities
                                            for b in inst.cities)))
        domains = {d for d in map(adapter.website_domain, query.websites) if d}
        if domains:
            out.append(_feature("website", any(inst.id in self.domains.get(d, ())
                                               for d in domains)))
        if query.ror_ids:
            out.append(_feature("ror", any(r.endswith("/" + (inst.ror_id or "-"))
                                           for r in query.ror_ids)))
        return out

    def _site_allows(self, inst: Institution, query: Query) -> bool:
        """False if the query's website belongs to other institutions of the graph only."""
        owners = set()
        for site in query.websites:
            domain = adapter.website_domain(site)
            if domain:
                owners |= self.domains.get(domain, set())
        return not owners or inst.id in owners

    # ------------------------------------------------------------------ agreements

    def agreements(self, query: Query) -> list[Candidate]:
        cat = self.catalogue
        direct = [cat.agreement[cat.local_id(i)] for i in query.ids
                  if cat.local_id(i) in cat.agreement]
        direct += [cat.agreement[cat.local_id(n)] for n in query.names
                   if cat.local_id(n) in cat.agreement]
        if direct:
            unique = len({a.id for a in direct}) == 1
            return _ranked([Candidate(a.id, a.name, self._describe_agreement(a), AGREEMENT,
                                      100.0, unique, (_feature("identifier", True),))
                            for a in dict.fromkeys(direct)], query.limit)
        partners = self.institutions(Query(
            names=query.names, type=INSTITUTION, limit=MAX_LIMIT, country=query.country,
            cities=query.cities, websites=query.websites, acronyms=query.acronyms,
            ror_ids=query.ror_ids, wikidata=query.wikidata))
        homes = self._homes(query.home, query.country)
        scored: list[tuple[float, Agreement, list[Feature], bool]] = []
        for p in partners:
            for a in cat.agreements_with.get(p.id, ()):
                features, fits = [_feature("partner", round(p.score / 100, 3))], []
                if query.home:
                    fits.append(("home", a.home in homes))
                if query.start_year is not None:
                    fits.append(("start_year", a.start_year == query.start_year))
                if query.level:
                    fits.append(("level", a.level == query.level))
                if query.source:
                    fits.append(("source", query.source in a.sources))
                features += [_feature(fid, ok) for fid, ok in fits]
                if any(not ok and fid in query.required for fid, ok in fits):
                    continue
                share = (sum(ok for _, ok in fits) + 1) / (len(fits) + 1)
                whole = all(ok for _, ok in fits) and bool(query.home)
                scored.append((p.score * share, a, features, p.match and whole))
        scored.sort(key=lambda x: (-x[0], x[1].name.casefold(), x[1].id))
        sure = [x for x in scored if x[3]]
        chosen = sure[0][1].id if len(sure) == 1 and sure[0] is scored[0] else None
        return _ranked([Candidate(a.id, a.name, self._describe_agreement(a), AGREEMENT,
                                  round(score, 1), a.id == chosen, tuple(features))
                        for score, a, features, _ in scored], query.limit)

    def _homes(self, homes: Sequence[str], country: str | None) -> set[str]:
        """The institutions a query's home values name: identifiers, or names matched."""
        out = set()
        for home in homes:
            local = self.catalogue.local_id(home)
            if local in self.catalogue.institution:
                out.add(local)
                continue
            found = self.institutions(Query(names=(home,), type=INSTITUTION, limit=1))
            out.update(c.id for c in found if c.match)
        return out

    def _describe_agreement(self, a: Agreement) -> str:
        home = self.catalogue.institution.get(a.home or "")
        parts = [f"home: {home.name}" if home is not None else "",
                 f"from {a.start_year}" if a.start_year else "",
                 f"{a.level} level" if a.level else "",
                 "listed in " + ", ".join(a.sources) if a.sources else ""]
        return "; ".join(p for p in parts if p)


def _side(inst: Institution) -> adapter.Side:
    ror = adapter.ror_id(inst.ror_id) if inst.ror_id else None
    return adapter.Side(inst.country, inst.cities, inst.websites, (), ror)


def _break_tie(close: list[_Scored], query: Query) -> _Scored | None:
    """Among candidates as good as each other, the one the query's city or website singles
    out (as the linker breaks ties), else none."""
    if query.cities:
        in_city = [s for s in close if any(adapter.same_city(a, b) for a in query.cities
                                           for b in s.inst.cities)]
        if len(in_city) == 1:
            return in_city[0]
    domains = {d for d in map(adapter.website_domain, query.websites) if d}
    if domains:
        owning = [s for s in close
                  if any(adapter.website_domain(w) in domains for w in s.inst.websites)]
        if len(owning) == 1:
            return owning[0]
    return None


def _required(cands: list[Candidate], query: Query) -> list[Candidate]:
    """Without the candidates that fail a condition the query requires."""
    if not query.required:
        return cands
    out = []
    for c in cands:
        values = {f.id: f.value for f in c.features}
        if all(values.get(fid, True) is not False for fid in query.required):
            out.append(c)
    return out


def _ranked(cands: list[Candidate], limit: int) -> list[Candidate]:
    return sorted(cands, key=lambda c: (-c.score, not c.match, c.name.casefold(),
                                        c.id))[:max(1, min(limit, MAX_LIMIT))]


def describe(inst: Institution) -> str:
    """Country, city, ROR ID and agreements: what tells namesakes apart at a glance."""
    parts = [inst.country or "", ", ".join(inst.cities[:2]),
             f"ROR {inst.ror_id}" if inst.ror_id else "",
             f"{inst.agreement_count} agreement{'s' if inst.agreement_count != 1 else ''}"]
    return " · ".join(p for p in parts if p)
