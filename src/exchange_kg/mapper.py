"""Agreements -> RDF, using the exchange-kg ontology.

The union graph is the product; per-source named graphs are views of it (every triple about a
source's documents, records and the agreements and organisations it lists), so a researcher
can ask what one document says, and the union equals the union of the views.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from exchange_kg.agreements import Agreement, Party
from exchange_kg.iris import Minter
from exchange_kg.link.matcher import MatchResult
from exchange_kg.link.runner import LinkRun
from exchange_kg.manifest import Document
from exchange_kg.normalise.dates import DateValue
from exchange_kg.normalise.partner import institution_key
from exchange_kg.records import RawRecord
from exchange_kg.resolve import Cluster, mention_key
from exchange_kg.vocab import KIND, LEVEL, MOBILITY, ORG, PREFIXES, SCHEMA, STATUS, XKG

_DATATYPE = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}


def date_literal(value: DateValue) -> Literal:
    return Literal(value.isoformat(), datatype=_DATATYPE[value.precision])


@dataclass
class _Org:
    """What the sources say about one organisation, gathered before writing it."""

    iri: URIRef
    rdf_type: URIRef
    labels: list[str] = field(default_factory=list)  # first = preferred
    country: str | None = None
    cities: list[tuple[str, str | None]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    pref_label: str | None = None  # when set, wins over the first label seen
    unit_of: URIRef | None = None
    members: list[URIRef] = field(default_factory=list)
    known_as: str | None = None
    link: MatchResult | None = None  # the institution's ROR linking result, when linked

    def add_label(self, label: str | None) -> None:
        if label and label not in self.labels:
            self.labels.append(label)


class GraphBuilder:
    def __init__(
        self,
        minter: Minter,
        documents: list[Document],
        clusters: Iterable[Cluster] = (),
        links: LinkRun | None = None,
    ) -> None:
        self.minter = minter
        # cluster id -> its linking result; the dump named in every link's provenance
        self.link_of = {r.query.key: r for r in links.results} if links else {}
        self.unit_link_of = links.unit_links if links else {}
        self.cluster_id_of: dict[URIRef, str] = {}  # institution IRI -> its cluster id
        self.link_source = _link_source(links)
        # mention key -> the resolved institution it belongs to
        self.cluster_of = {k: c for c in clusters for k in c.mention_keys}
        self.documents = {d.id: d for d in documents}
        self.graph = new_graph()
        self.orgs: dict[URIRef, _Org] = {}
        self.record_iris: dict[int, URIRef] = {}
        self._record_seen: dict[tuple[str, str], int] = defaultdict(int)
        self.subjects_by_source: dict[str, set[URIRef]] = defaultdict(set)

    # -- organisations -------------------------------------------------------------------
    def _org(self, iri: URIRef, rdf_type: URIRef) -> _Org:
        org = self.orgs.get(iri)
        if org is None:
            org = self.orgs[iri] = _Org(iri, rdf_type)
        return org

    def publisher(self, doc: Document) -> URIRef:
        pub = doc.publisher
        if pub.name:
            iri = self.minter.iri("institution", pub.name, "", institution_key(pub.name))
            self._org(iri, XKG.Institution).add_label(pub.name)
        else:
            iri = self.minter.named("institution", f"unidentified-{pub.key}")
            org = self._org(iri, XKG.UnidentifiedInstitution)
            org.known_as = pub.known_as
            org.add_label(pub.known_as)
        return iri

    def institution(self, party: Party, cluster: Cluster | None = None) -> URIRef:
        if cluster is not None:
            # one institution, one IRI: minted from the resolved cluster, not the spelling
            iri = self.minter.iri("institution", cluster.pref_label, cluster.id)
            org = self._org(iri, XKG.Institution)
            org.pref_label = cluster.pref_label
            org.link = self.link_of.get(cluster.id)
            self.cluster_id_of[iri] = cluster.id
            for label in (*cluster.labels, *cluster.acronyms):
                org.add_label(label)
        else:
            iri = self.minter.iri(
                "institution", party.name, party.country or "", institution_key(party.name)
            )
            org = self._org(iri, XKG.Institution)
        org.add_label(party.name)
        for alt in (*party.alt_names, party.acronym):
            org.add_label(alt)
        org.country = org.country or party.country
        return iri

    def unit(self, institution: URIRef, name: str) -> URIRef:
        iri = self.minter.iri("unit", name, str(institution), institution_key(name))
        org = self._org(iri, XKG.Unit)
        org.add_label(name)
        org.unit_of = institution
        cluster_id = self.cluster_id_of.get(institution)
        if cluster_id is not None:
            org.link = self.unit_link_of.get((cluster_id, institution_key(name)))
        return iri

    def consortium(self, a: Agreement, members: list[URIRef]) -> URIRef:
        name = a.consortium or ""
        # keyed by its members too: one list may name two different consortia alike
        iri = self.minter.iri("consortium", name, a.list_id, institution_key(name),
                              *sorted(map(str, members)))
        org = self._org(iri, XKG.Consortium)
        org.add_label(name)
        countries = {p.country for p in a.parties}
        if len(countries) == 1:
            org.country = next(iter(countries))
        for m in members:
            if m not in org.members:
                org.members.append(m)
        return iri

    # -- records and documents ------------------------------------------------------------
    def document(self, doc: Document) -> URIRef:
        g = self.graph
        iri = self.minter.named("source", doc.id)
        g.add((iri, RDF.type, XKG.SourceDocument))
        g.add((iri, DCTERMS.identifier, Literal(doc.id)))
        if doc.title:
            g.add((iri, DCTERMS.title, Literal(doc.title)))
        g.add((iri, RDFS.label, Literal(doc.label, lang="en")))
        g.add((iri, DCTERMS.language, Literal(doc.language)))
        g.add((iri, DCTERMS.publisher, self.publisher(doc)))
        if doc.as_of:
            g.add((iri, XKG.asOf, date_literal(_as_of(doc.as_of))))
        g.add((iri, XKG.originalFileName, Literal(doc.original_file_name)))
        g.add((iri, XKG.fileName, Literal(doc.file_name)))
        g.add((iri, XKG.sha256, Literal(doc.sha256())))
        if doc.notes:
            g.add((iri, RDFS.comment, Literal(doc.notes, lang="en")))
        self.subjects_by_source[doc.id].add(iri)
        return iri

    def record(self, rec: RawRecord) -> URIRef:
        iri = self.record_iris.get(id(rec))
        if iri is not None:
            return iri
        # Identical raw text twice in one document: number the occurrences (content order,
        # not line numbers, so unrelated insertions leave the IRI alone).
        n = self._record_seen[(rec.source_id, rec.raw)]
        self._record_seen[(rec.source_id, rec.raw)] += 1
        digest = self.minter.iri("record", "", rec.source_id, rec.raw, str(n)).rsplit("/", 1)[1]
        iri = self.minter.named("record", f"{rec.source_id}/{digest}")
        g = self.graph
        g.add((iri, RDF.type, XKG.SourceRecord))
        g.add((iri, XKG.inDocument, self.minter.named("source", rec.source_id)))
        for line in rec.lines:
            g.add((iri, XKG.lineNumber, Literal(line, datatype=XSD.positiveInteger)))
        g.add((iri, XKG.rawText, Literal(rec.raw)))
        self.record_iris[id(rec)] = iri
        self.subjects_by_source[rec.source_id].add(iri)
        return iri

    # -- agreements ------------------------------------------------------------------------
    def agreement(self, a: Agreement) -> URIRef:
        g = self.graph
        iri = self.minter.iri("agreement", a.consortium or a.parties[0].name, *a.key)
        g.add((iri, RDF.type, XKG.Agreement))

        host_doc = self.documents[a.records[0].source_id]
        home_inst = self.publisher(host_doc)
        home = self.unit(home_inst, a.home_unit) if a.home_unit else home_inst
        g.add((iri, XKG.homeInstitution, home_inst))
        g.add((iri, XKG.home, home))

        member_nodes, institutions = [], []
        for i, party in enumerate(a.parties):
            inst = self.institution(party, self.cluster_of.get(mention_key(a, i)))
            institutions.append(inst)
            if party.city:
                self.orgs[inst].cities.append((party.city, a.city_language))
            if party.website:
                self.orgs[inst].urls.append(party.website)
            nodes = [self.unit(inst, u) for u in party.units] or [inst]
            member_nodes.extend(nodes)
        partners = [self.consortium(a, member_nodes)] if a.consortium else member_nodes
        for node in partners:
            g.add((iri, XKG.partner, node))
        for inst in institutions:
            g.add((iri, XKG.partnerInstitution, inst))

        g.add((iri, RDFS.label, Literal(_agreement_label(a), lang="en")))
        if a.level:
            g.add((iri, XKG.level, LEVEL[a.level]))
        for kind in a.kinds:
            g.add((iri, XKG.kind, KIND[kind]))
        if a.status:
            g.add((iri, XKG.status, STATUS[a.status]))
        if a.start:
            g.add((iri, XKG.startDate, date_literal(a.start)))
            g.add((iri, XKG.startYear, Literal(a.start.year, datatype=XSD.integer)))
        if a.end:
            g.add((iri, XKG.endDate, date_literal(a.end)))
        if a.open_ended is not None:
            g.add((iri, XKG.openEnded, Literal(a.open_ended)))
        if a.duration_years:
            g.add((iri, XKG.duration, Literal(f"P{a.duration_years}Y", datatype=XSD.duration)))
        if a.auto_renewal is not None:
            g.add((iri, XKG.autoRenewal, Literal(a.auto_renewal)))
        if a.waiver is not None:
            g.add((iri, XKG.tuitionWaiver, Literal(a.waiver)))
        if a.quota is not None:
            if a.quota.no_student_quota:
                g.add((iri, XKG.studentExchangeQuota, Literal(False)))
            for kind, places in a.quota.places:
                q = URIRef(f"{iri}/quota/{kind}")
                g.add((iri, XKG.quota, q))
                g.add((q, RDF.type, XKG.Quota))
                g.add((q, XKG.mobilityKind, MOBILITY[kind]))
                g.add((q, XKG.places, Literal(places, datatype=XSD.nonNegativeInteger)))
        for sid in a.source_ids:
            g.add((iri, XKG.listedIn, self.minter.named("source", sid)))
            self.subjects_by_source[sid].add(iri)
        for rec in a.records:
            g.add((iri, PROV.wasDerivedFrom, self.record(rec)))
        return iri

    def finish(self) -> None:
        """Write the gathered organisations: one preferred label, the rest alternatives."""
        g = self.graph
        for org in self.orgs.values():
            g.add((org.iri, RDF.type, org.rdf_type))
            if org.rdf_type == XKG.UnidentifiedInstitution:
                # explicit, so consumers without RDFS inference still see an institution
                g.add((org.iri, RDF.type, XKG.Institution))
            if org.labels:
                pref = org.pref_label or org.labels[0]
                g.add((org.iri, SKOS.prefLabel, Literal(pref)))
                for alt in org.labels:
                    if alt != pref:
                        g.add((org.iri, SKOS.altLabel, Literal(alt)))
            if org.known_as:
                g.add((org.iri, XKG.knownAs, Literal(org.known_as)))
            if org.country:
                g.add((org.iri, SCHEMA.addressCountry, Literal(org.country)))
            for city, lang in org.cities:
                g.add((org.iri, SCHEMA.addressLocality, Literal(city, lang=lang)))
            for url in org.urls:
                g.add((org.iri, SCHEMA.url, Literal(url, datatype=XSD.anyURI)))
            if org.unit_of is not None:
                g.add((org.iri, ORG.unitOf, org.unit_of))
                g.add((org.unit_of, ORG.hasUnit, org.iri))
            for m in org.members:
                g.add((org.iri, ORG.hasMember, m))
            if org.link is not None and org.link.chosen is not None:
                self._write_link(org.iri, org.link)

    def _write_link(self, iri: URIRef, result: MatchResult) -> None:
        """owl:sameAs the ROR record and its Wikidata entity, the identifiers as plain
        literals, and the link's provenance."""
        g, c = self.graph, result.chosen
        assert c is not None
        ror = URIRef(c.ror_id)
        g.add((iri, OWL.sameAs, ror))
        g.add((iri, XKG.rorId, Literal(c.ror_id.rsplit("/", 1)[1])))
        if c.wikidata:
            g.add((iri, OWL.sameAs, URIRef(f"http://www.wikidata.org/entity/{c.wikidata}")))
            g.add((iri, XKG.wikidataId, Literal(c.wikidata)))
        node = URIRef(f"{iri}/link/ror")
        curated = result.decision.startswith("curated")
        g.add((iri, XKG.link, node))
        g.add((node, RDF.type, XKG.Link))
        g.add((node, XKG.linkTarget, ror))
        g.add((node, XKG.matchMethod, Literal("curated" if curated else c.method)))
        g.add((node, XKG.matchScore, Literal(f"{c.score:.3f}", datatype=XSD.decimal)))
        if c.name:
            g.add((node, XKG.matchedName, Literal(c.name)))
        g.add((node, XKG.linkSource, Literal(self.link_source)))
        g.add((node, XKG.curated, Literal(curated)))

    def source_graphs(self) -> dict[str, Graph]:
        """Each source's view: triples about its subjects and what they point to."""
        out = {}
        for sid, subjects in self.subjects_by_source.items():
            view = new_graph()
            todo, seen = list(subjects), set()
            while todo:
                s = todo.pop()
                if s in seen:
                    continue
                seen.add(s)
                for _, p, o in self.graph.triples((s, None, None)):
                    view.add((s, p, o))
                    if isinstance(o, URIRef) and p not in _NO_FOLLOW and o in self._subjects():
                        todo.append(o)
            out[sid] = view
        return out

    def _subjects(self) -> set[URIRef]:
        if not hasattr(self, "_subject_cache"):
            self._subject_cache = set(self.graph.subjects())
        return self._subject_cache


# Do not pull other documents' records into a view by following these links.
_NO_FOLLOW = {XKG.inDocument, XKG.listedIn, PROV.wasDerivedFrom, ORG.hasUnit, DCTERMS.publisher}


def _link_source(links: LinkRun | None) -> str:
    if links is None or links.dump is None:
        return ""
    d = links.dump
    return f"{d.name} (sha256 {d.sha256})" if d.sha256 else d.name


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def _as_of(text: str) -> DateValue:
    parts = [int(p) for p in text.split("-")]
    return DateValue(parts[0], parts[1] if len(parts) > 1 else None,
                     parts[2] if len(parts) > 2 else None)


def _agreement_label(a: Agreement) -> str:
    partner = a.consortium or " / ".join(
        f"{p.name} ({', '.join(p.units)})" if p.units else p.name for p in a.parties
    )
    when = f", {a.start.isoformat()}" if a.start else ""
    return f"{partner}{when}"

