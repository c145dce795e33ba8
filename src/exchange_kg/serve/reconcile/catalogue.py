"""What the graph says about the things a reconciliation service offers, read once from the store.

The service answers from the built graph, not from a second copy of the build's inputs: an
institution's names are its ``skos:prefLabel`` and every ``skos:altLabel`` (each spelling the
sources used, acronyms included), its country and cities are those of its ``schema:address``,
its websites its ``schema:url``, its ROR ID and Wikidata QID the ``xkg:rorId`` and
``xkg:wikidataId`` the linker wrote. So a name reconciles to the resource the graph has for it,
and ``extend`` returns exactly the values a SPARQL query would.

An entity's identifier is its IRI's path under the data's base (``institution/x``): the base
(the service's identifier space) followed by the identifier is the IRI again, and the same
path on this server is its page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode

LEVEL_SCHEME = "https://w3id.org/exchange-kg/vocab/level/"
# replacements followed at most (a chain longer than this would be a cycle)
MAX_REPLACEMENTS = 8


@dataclass(frozen=True)
class Institution:
    iri: str
    id: str
    name: str  # the preferred label
    labels: tuple[str, ...]  # every spelling, preferred label first
    country: str | None  # ISO 3166-1 alpha-2
    cities: tuple[str, ...]
    websites: tuple[str, ...]
    ror_id: str | None  # as xkg:rorId states it: the nine characters after https://ror.org/
    wikidata: str | None
    units: tuple[tuple[str, str], ...]  # (id, label), sorted by label
    agreements: tuple[tuple[str, int], ...]  # (source id, agreements it lists), by source id
    named: bool  # False for an xkg:UnidentifiedInstitution: its label is a description

    @property
    def agreement_count(self) -> int:
        return sum(n for _, n in self.agreements)


@dataclass(frozen=True)
class Agreement:
    iri: str
    id: str
    name: str  # rdfs:label
    partners: tuple[str, ...]  # ids of its partner institutions
    home: str | None  # id of its home institution
    start_year: int | None
    level: str | None  # local name of the xkg:level concept ("university", "department")
    sources: tuple[str, ...]  # ids of the source lists it is listed in


@dataclass(frozen=True)
class Source:
    id: str  # dcterms:identifier, as in the source's IRI
    label: str


class Catalogue:
    """Institutions, agreements and source lists of one built graph, with look-up tables."""

    def __init__(self, base: str, institutions: Iterable[Institution],
                 agreements: Iterable[Agreement], sources: Iterable[Source],
                 replaced: dict[str, str] | None = None) -> None:
        self.base = base
        # identifier an institution or unit had before -> the one that replaced it
        self.replaced = dict(replaced or {})
        self.institutions = sorted(institutions, key=lambda i: i.id)
        self.agreements = sorted(agreements, key=lambda a: a.id)
        self.sources = sorted(sources, key=lambda s: s.id)
        self.institution = {i.id: i for i in self.institutions}
        self.agreement = {a.id: a for a in self.agreements}
        self.by_ror: dict[str, list[Institution]] = defaultdict(list)
        self.by_wikidata: dict[str, list[Institution]] = defaultdict(list)
        for inst in self.institutions:
            if inst.ror_id:
                self.by_ror[inst.ror_id.lower()].append(inst)
            if inst.wikidata:
                self.by_wikidata[inst.wikidata.upper()].append(inst)
        self.agreements_with: dict[str, list[Agreement]] = defaultdict(list)
        for a in self.agreements:
            for p in dict.fromkeys(a.partners):
                self.agreements_with[p].append(a)
        for table in (self.by_ror, self.by_wikidata, self.agreements_with):
            table.default_factory = None  # look-ups must not grow the tables

    def local_id(self, iri_or_id: str) -> str:
        """The current entity identifier for an identifier or a full IRI under the base: an
        identifier the graph says is replaced (``dcterms:isReplacedBy``: an institution merged
        into another, a host that became the institution its list names) leads to the one
        that replaced it, so a column reconciled against an older build still works."""
        text = iri_or_id.strip()
        entity_id = text[len(self.base):] if text.startswith(self.base) else text.lstrip("/")
        for _ in range(MAX_REPLACEMENTS):
            if entity_id not in self.replaced:
                break
            entity_id = self.replaced[entity_id]
        return entity_id

    def iri(self, entity_id: str) -> str:
        return self.base + entity_id


def _local(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base) else iri


XKG = "https://w3id.org/exchange-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCTERMS_IDENTIFIER = "http://purl.org/dc/terms/identifier"
ORG_HAS_UNIT = "http://www.w3.org/ns/org#hasUnit"
DCTERMS_IS_REPLACED_BY = "http://purl.org/dc/terms/isReplacedBy"


class _Reader:
    """Triples of the store's default graph (the merge of every source's graph) by
    predicate: index look-ups, several times faster than the same joins in SPARQL."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    def pairs(self, predicate: str) -> dict[str, list[str]]:
        """subject -> objects (lexical values), each list sorted."""
        out: dict[str, list[str]] = defaultdict(list)
        for quad in self.store.quads_for_pattern(None, NamedNode(predicate), None,
                                                 DefaultGraph()):
            out[quad.subject.value].append(quad.object.value)
        for values in out.values():
            values.sort()
        return out

    def of_type(self, cls: str) -> set[str]:
        return {q.subject.value for q in self.store.quads_for_pattern(
            None, NamedNode(RDF_TYPE), NamedNode(cls), DefaultGraph())}


def load(store: pyoxigraph.Store, base: str) -> Catalogue:
    """Everything the service needs from the store (about half a second on the bundled
    graph, in proportion to its size beyond)."""
    read = _Reader(store)
    institutions = read.of_type(XKG + "Institution")
    unidentified = read.of_type(XKG + "UnidentifiedInstitution")
    pref, alt = read.pairs(SKOS + "prefLabel"), read.pairs(SKOS + "altLabel")
    address = read.pairs(SCHEMA + "address")
    country, city = read.pairs(SCHEMA + "addressCountry"), read.pairs(SCHEMA + "addressLocality")
    url = read.pairs(SCHEMA + "url")
    ror, qid = read.pairs(XKG + "rorId"), read.pairs(XKG + "wikidataId")
    has_unit = read.pairs(ORG_HAS_UNIT)
    identifier = {s: v[0] for s, v in read.pairs(DCTERMS_IDENTIFIER).items()}
    agreements = _agreements(read, base, identifier)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for a in agreements:
        for party in dict.fromkeys((*a.partners, *([a.home] if a.home else []))):
            for source in a.sources:
                counts[party][source] += 1
    out = []
    for iri in sorted(institutions):
        entity_id = _local(iri, base)
        named = iri not in unidentified
        first = (pref.get(iri) or [""])[0]
        labels = tuple(dict.fromkeys(x for x in (first, *alt.get(iri, ())) if x))
        places = address.get(iri, [])
        units = [(_local(u, base), (pref.get(u) or [""])[0]) for u in has_unit.get(iri, ())]
        out.append(Institution(
            iri=iri, id=entity_id, name=first or (labels[0] if labels else entity_id),
            labels=labels if named else (),
            country=next((c for p in places for c in country.get(p, ())), None),
            cities=tuple(sorted({c for p in places for c in city.get(p, ())})),
            websites=tuple(url.get(iri, ())),
            ror_id=(ror.get(iri) or [None])[0], wikidata=(qid.get(iri) or [None])[0],
            units=tuple(sorted(units, key=lambda u: (u[1].casefold(), u[0]))),
            agreements=tuple(sorted(counts[entity_id].items())), named=named))
    sources = [Source(identifier[s], (read_label(store, s) or identifier[s]))
               for s in sorted(read.of_type(XKG + "SourceDocument")) if s in identifier]
    replaced = {_local(old, base): _local(new[0], base)
                for old, new in read.pairs(DCTERMS_IS_REPLACED_BY).items()}
    return Catalogue(base, out, agreements, sources, replaced)


def read_label(store: pyoxigraph.Store, iri: str) -> str:
    for quad in store.quads_for_pattern(NamedNode(iri), NamedNode(RDFS_LABEL), None,
                                        DefaultGraph()):
        return quad.object.value
    return ""


def _agreements(read: _Reader, base: str, identifier: dict[str, str]) -> list[Agreement]:
    label, partner = read.pairs(RDFS_LABEL), read.pairs(XKG + "partnerInstitution")
    home, year = read.pairs(XKG + "homeInstitution"), read.pairs(XKG + "startYear")
    level, listed = read.pairs(XKG + "level"), read.pairs(XKG + "listedIn")
    out = []
    for iri in sorted(read.of_type(XKG + "Agreement")):
        start = (year.get(iri) or [""])[0]
        kind = (level.get(iri) or [None])[0]
        out.append(Agreement(
            iri=iri, id=_local(iri, base), name=(label.get(iri) or [_local(iri, base)])[0],
            partners=tuple(_local(x, base) for x in partner.get(iri, ())),
            home=_local(home[iri][0], base) if iri in home else None,
            start_year=int(start) if start.lstrip("-").isdigit() else None,
            level=kind.removeprefix(LEVEL_SCHEME) if kind else None,
            sources=tuple(sorted({identifier[d] for d in listed.get(iri, ()) if d in identifier}))))
    return out
