"""Describing the dataset and the service, for machines: VoID, DCAT-AP 3 and SPARQL SD.

``/.well-known/void`` (RFC 8615 registers it for VoID) describes the dataset twice over, once
for linked-data crawlers (VoID: size, classes, properties, one subset per named graph, the
linksets into ROR and Wikidata, dumps, endpoint) and once for data catalogues (DCAT-AP 3.0.1:
the dataset, one distribution per dump and one for the endpoint, the endpoint as a data
service). Every number is counted from the served store; every controlled value is the IRI of
the vocabulary DCAT-AP prescribes (EU file types, languages, countries, data themes, planned
availability; IANA media types), typed as the DCAT-AP range shapes require, since a catalogue
validates without inference. Licence, rights, publisher and contact point are the operator's
(:mod:`exchange_kg.serve.publication`); without a licence the description says that none has
been given. ``GET /sparql`` without a query returns a SPARQL 1.1 Service Description.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import UTC, datetime

import pycountry
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from exchange_kg.serve import negotiate
from exchange_kg.serve.dataset import LINK_TARGETS, DatasetSummary
from exchange_kg.serve.downloads import FileInfo
from exchange_kg.serve.publication import LICENCE_TYPES, PUBLISHER_TYPES, Publication
from exchange_kg.vocab import ONTOLOGY_IRI, PREFIXES

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
DCATAP = "http://data.europa.eu/r5r/"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"

DESCRIPTION_PREFIXES = {
    **{name: str(ns) for name, ns in PREFIXES.items()},
    "void": VOID, "sd": SD, "formats": FORMATS, "dcatap": DCATAP, "vcard": VCARD,
    "spdx": SPDX,
}

# W3C format IRIs (https://www.w3.org/ns/formats/) of what the endpoint can return
RESULT_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF_XML",
}
KEYWORDS = ("academic exchange", "exchange agreements", "partner universities",
            "student mobility", "higher education", "linked data")
# what the owl:sameAs links point into, for the VoID linksets
LINK_DATASETS = {
    "ror": ("Research Organization Registry (ROR)", "https://ror.org/"),
    "wikidata": ("Wikidata", "https://www.wikidata.org/"),
}
THEME_LABEL = "Education, culture and sport"
NO_LICENCE = ("No licence has been given for this dataset: the source documents state none and "
              "the operator of this service has not named one. Ask the publishers of the "
              "source documents before reusing their lists.")


def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=_n(XSD + "integer"))


def _date_time(timestamp: float) -> Literal:
    moment = datetime.fromtimestamp(int(timestamp), UTC).isoformat().replace("+00:00", "Z")
    return Literal(moment, datatype=_n(XSD + "dateTime"))


Subject = str | NamedNode | BlankNode


class _Graph:
    """A list of triples with terse adders."""

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def add(self, s: Subject, p: str, o: str | NamedNode | BlankNode | Literal) -> None:
        subject = _n(s) if isinstance(s, str) else s
        obj = o if isinstance(o, (NamedNode, BlankNode, Literal)) else _n(o)
        self.triples.append(Triple(subject, _n(p), obj))

    def text(self, s: Subject, p: str, text: str, language: str | None = "en") -> None:
        self.add(s, p, Literal(text, language=language) if language else Literal(text))

    def concept(self, s: Subject, p: str, o: str, label: str) -> None:
        """``s p o`` for a concept of a controlled vocabulary, typed and labelled as DCAT-AP
        requires of a skos:Concept."""
        self.typed(s, p, o, SKOS + "Concept")
        self.text(o, SKOS + "prefLabel", label)

    def typed(self, s: Subject, p: str, o: str, *classes: str) -> None:
        """``s p o`` and ``o``'s classes, which DCAT-AP's range shapes check without
        inference."""
        self.add(s, p, o)
        for cls in classes:
            self.add(o, RDF + "type", cls)


def void_iri(base: str) -> str:
    """The VoID document; the dataset and its parts are fragments of it, so they
    dereference to their description."""
    return f"{base}.well-known/void"


def dataset_iri(base: str) -> str:
    return f"{void_iri(base)}#dataset"


def void_description(summary: DatasetSummary, base: str, files: list[FileInfo],
                     publication: Publication) -> list[Triple]:
    """VoID + DCAT-AP for the dataset, its subsets, linksets, dumps and endpoint."""
    g = _Graph()
    doc, ds = void_iri(base), dataset_iri(base)
    endpoint = f"{base}sparql"
    built = max((f.mtime for f in files if f.download.part), default=None)

    g.add(doc, RDF + "type", VOID + "DatasetDescription")
    g.text(doc, DCT + "title", f"VoID and DCAT-AP description of {summary.title}")
    g.add(doc, FOAF + "primaryTopic", ds)

    for cls in (VOID + "Dataset", DCAT + "Dataset"):
        g.add(ds, RDF + "type", cls)
    g.text(ds, DCT + "title", summary.title)
    g.text(ds, DCT + "description", summary.description)
    g.text(ds, DCT + "identifier", ds, language=None)
    for keyword in KEYWORDS:
        g.text(ds, DCAT + "keyword", keyword)
    g.concept(ds, DCAT + "theme", EU + "data-theme/EDUC", THEME_LABEL)
    g.typed(ds, DCAT + "landingPage", base, FOAF + "Document")
    g.typed(ds, DCT + "accessRights", EU + "access-right/PUBLIC", DCT + "RightsStatement")
    for standard in (ONTOLOGY_IRI, ONTOLOGY_IRI.rsplit("/", 1)[0] + "/shapes"):
        g.typed(ds, DCT + "conformsTo", standard, DCT + "Standard")
    for language in sorted({*summary.languages, EU + "language/ENG"}):
        g.typed(ds, DCT + "language", language, DCT + "LinguisticSystem")
    _coverage(g, ds, summary)
    _terms(g, ds, publication, base)
    if built is not None:
        g.add(ds, DCT + "issued", _date_time(built))
        g.add(ds, DCT + "modified", _date_time(built))
    _provenance(g, ds, doc, summary, built)

    _void_statistics(g, ds, doc, summary, base, endpoint)
    _linksets(g, ds, doc, summary)
    for info in files:
        if info.download.part == "dataset":
            _dump(g, ds, doc, info, base, publication)
        elif info.download.part in ("ontology", "vocabularies"):
            g.add(f"{base}graph/{info.download.part}", VOID + "dataDump",
                  f"{base}dumps/{info.download.name}")
    _service(g, ds, doc, endpoint, publication, base)
    return g.triples


def _coverage(g: _Graph, ds: str, summary: DatasetSummary) -> None:
    """Where and when: the partners' countries (EU country authority) and the years from the
    first start to the last end or as-of date any list states."""
    for code, _ in sorted(summary.per_country):
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:  # e.g. XK (Kosovo) has no ISO 3166-1 alpha-3 code
            place = f"{EU}country/{country.alpha_3}"
            g.typed(ds, DCT + "spatial", place, DCT + "Location")
            g.text(place, SKOS + "prefLabel", country.name)
    if summary.period:
        period = _n(f"{ds}-period")
        g.add(ds, DCT + "temporal", period)
        g.add(period, RDF + "type", DCT + "PeriodOfTime")
        first, last = summary.period
        g.add(period, DCAT + "startDate", Literal(str(first), datatype=_n(XSD + "gYear")))
        g.add(period, DCAT + "endDate", Literal(str(last), datatype=_n(XSD + "gYear")))


def _terms(g: _Graph, subject: Subject, publication: Publication, base: str,
           contact: bool = True) -> None:
    """Licence (or the honest statement that there is none), rights, publisher, contact."""
    if publication.license:
        g.typed(subject, DCT + "license", publication.license, DCT + "LicenseDocument")
        for kind in publication.license_types:
            local, label = LICENCE_TYPES[kind]
            g.concept(publication.license, DCT + "type",
                      f"http://purl.org/adms/licencetype/{local}", label)
    rights = _n(f"{dataset_iri(base)}-rights")
    g.add(subject, DCT + "rights", rights)
    g.add(rights, RDF + "type", DCT + "RightsStatement")
    g.text(rights, RDFS + "label", publication.rights or (
        f"Licence: {publication.license}" if publication.license else NO_LICENCE))
    pub = publication.publisher
    if pub is not None:
        agent = _n(pub.iri or f"{dataset_iri(base)}-publisher")
        g.add(subject, DCT + "publisher", agent)
        for cls in (FOAF + "Agent", FOAF + "Organization"):
            g.add(agent, RDF + "type", cls)
        g.text(agent, FOAF + "name", pub.name, language=None)
        if pub.type:
            local, label = PUBLISHER_TYPES[pub.type]
            g.concept(agent, DCT + "type", f"http://purl.org/adms/publishertype/{local}", label)
        if pub.homepage:
            g.typed(agent, FOAF + "homepage", pub.homepage, FOAF + "Document")
    if contact and publication.contact is not None:
        c = publication.contact
        kind = _n(f"{dataset_iri(base)}-contact")
        g.add(subject, DCAT + "contactPoint", kind)
        for cls in (VCARD + "Kind", VCARD + "Organization"):
            g.add(kind, RDF + "type", cls)
        g.text(kind, VCARD + "fn", c.name or (pub.name if pub else "Contact point"),
               language=None)
        if c.email:
            g.add(kind, VCARD + "hasEmail", f"mailto:{c.email}")
        if c.url:
            g.add(kind, VCARD + "hasURL", c.url)


def _provenance(g: _Graph, ds: str, doc: str, summary: DatasetSummary,
                built: float | None) -> None:
    statement = _n(f"{doc}#provenance")
    g.add(ds, DCT + "provenance", statement)
    g.add(statement, RDF + "type", DCT + "ProvenanceStatement")
    g.text(statement, RDFS + "label", (
        f"Read by exchange-kg from {len(summary.sources)} published partner lists "
        f"({summary.records:,} source records); every agreement links to the source lines it "
        "was read from (prov:wasDerivedFrom), and institutions link to ROR and Wikidata only "
        "where the match is unambiguous."))
    build = _n(f"{doc}#build")
    g.add(ds, PROV + "wasGeneratedBy", build)
    g.add(build, RDF + "type", PROV + "Activity")
    g.text(build, RDFS + "label", "exchange-kg build")
    if built is not None:
        g.add(build, PROV + "endedAtTime", _date_time(built))
    for source in summary.sources:
        g.add(build, PROV + "used", source.iri)
        g.add(ds, PROV + "wasDerivedFrom", source.iri)
        g.text(source.iri, RDFS + "label", source.label)


def _void_statistics(g: _Graph, ds: str, doc: str, summary: DatasetSummary, base: str,
                     endpoint: str) -> None:
    """VoID's counts of the default graph, its class and property partitions and one subset
    per named graph (each source document, the ontology, its concept schemes)."""
    g.add(ds, VOID + "triples", _int(summary.triples))
    g.add(ds, VOID + "entities", _int(summary.entities))
    g.add(ds, VOID + "distinctSubjects", _int(summary.distinct_subjects))
    g.add(ds, VOID + "classes", _int(len(summary.classes)))
    g.add(ds, VOID + "properties", _int(len(summary.properties)))
    g.add(ds, VOID + "uriSpace", Literal(base))
    g.add(ds, VOID + "sparqlEndpoint", endpoint)
    for vocabulary in _vocabularies(summary):
        g.add(ds, VOID + "vocabulary", vocabulary)
    for example in summary.examples:
        g.add(ds, VOID + "exampleResource", example)
    for fmt in negotiate.GRAPH_FORMATS:
        g.add(ds, VOID + "feature", FORMATS + RESULT_FORMAT_IRIS[fmt.key])
    for cls, count in summary.classes:
        part = _n(f"{doc}#class-{_short_hash(cls)}")
        g.add(ds, VOID + "classPartition", part)
        g.add(part, VOID + "class", cls)
        g.add(part, VOID + "entities", _int(count))
    for prop, count in summary.properties:
        part = _n(f"{doc}#property-{_short_hash(prop)}")
        g.add(ds, VOID + "propertyPartition", part)
        g.add(part, VOID + "property", prop)
        g.add(part, VOID + "triples", _int(count))
    labels = {f"{base}graph/{s.identifier}": s.label for s in summary.sources}
    labels[f"{base}graph/ontology"] = "the ontology"
    labels[f"{base}graph/vocabularies"] = "the ontology's concept schemes"
    for graph, count in summary.graphs:
        g.add(ds, VOID + "subset", graph)
        g.add(graph, RDF + "type", VOID + "Dataset")
        if graph in labels:
            g.text(graph, DCT + "title", labels[graph])
        g.add(graph, VOID + "triples", _int(count))
        g.add(graph, VOID + "sparqlEndpoint", endpoint)


def _vocabularies(summary: DatasetSummary) -> list[str]:
    """The namespaces of the classes and properties the data uses."""
    found = set()
    for iri, _ in (*summary.classes, *summary.properties):
        cut = max(iri.rfind("#"), iri.rfind("/"))
        found.add(iri[:cut + 1])
    return sorted(found)


def _linksets(g: _Graph, ds: str, doc: str, summary: DatasetSummary) -> None:
    """One void:Linkset per target the owl:sameAs links point into, with its count."""
    for key, count in summary.links.items():
        if not count:
            continue
        title, homepage = LINK_DATASETS[key]
        target = _n(f"{doc}#{key}")
        g.add(target, RDF + "type", VOID + "Dataset")
        g.text(target, DCT + "title", title)
        g.add(target, FOAF + "homepage", homepage)
        g.add(target, VOID + "uriSpace", Literal(LINK_TARGETS[key]))
        linkset = _n(f"{doc}#linkset-{key}")
        g.add(ds, VOID + "subset", linkset)
        g.add(linkset, RDF + "type", VOID + "Linkset")
        g.text(linkset, DCT + "title", f"owl:sameAs links to {title}")
        g.add(linkset, VOID + "subjectsTarget", ds)
        g.add(linkset, VOID + "objectsTarget", target)
        g.add(linkset, VOID + "linkPredicate", OWL + "sameAs")
        g.add(linkset, VOID + "triples", _int(count))


def _dump(g: _Graph, ds: str, doc: str, info: FileInfo, base: str,
          publication: Publication) -> None:
    d = info.download
    url = f"{base}dumps/{d.name}"
    g.add(ds, VOID + "dataDump", url)
    dist = _n(f"{doc}#dump-{d.name}")
    g.add(ds, DCAT + "distribution", dist)
    g.add(dist, RDF + "type", DCAT + "Distribution")
    g.text(dist, DCT + "title", d.name, language=None)
    g.text(dist, DCT + "description", d.title)
    g.add(dist, DCAT + "downloadURL", url)
    g.add(dist, DCAT + "accessURL", f"{base}dumps")
    g.typed(dist, DCAT + "mediaType", IANA + d.media_type, DCT + "MediaType")
    if d.eu_format:
        g.typed(dist, DCT + "format", f"{EU}file-type/{d.eu_format}",
                DCT + "MediaTypeOrExtent")
    if d.spec:
        g.typed(dist, DCT + "conformsTo", d.spec, DCT + "Standard")
    if d.gzip:
        g.typed(dist, DCAT + "compressFormat", IANA + "application/gzip", DCT + "MediaType")
    g.add(dist, DCAT + "byteSize", Literal(str(info.size), datatype=_n(XSD + "nonNegativeInteger")))
    checksum = _n(f"{doc}#sha256-{d.name}")
    g.add(dist, SPDX + "checksum", checksum)
    g.add(checksum, RDF + "type", SPDX + "Checksum")
    g.add(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
    g.add(checksum, SPDX + "checksumValue", Literal(info.sha256, datatype=_n(XSD + "hexBinary")))
    g.add(dist, DCT + "issued", _date_time(info.mtime))
    g.add(dist, DCT + "modified", _date_time(info.mtime))
    _availability(g, dist, publication)
    _terms(g, dist, publication, base, contact=False)


def _availability(g: _Graph, subject: Subject, publication: Publication) -> None:
    if publication.availability:
        g.concept(subject, DCATAP + "availability",
                  f"{EU}planned-availability/{publication.availability.upper()}",
                  publication.availability.capitalize())


def _service(g: _Graph, ds: str, doc: str, endpoint: str, publication: Publication,
             base: str) -> None:
    """The SPARQL endpoint as a dcat:DataService, and a distribution of the dataset that is
    accessed through it."""
    service = _n(f"{endpoint}#service")
    g.add(service, RDF + "type", DCAT + "DataService")
    g.text(service, DCT + "title", "SPARQL endpoint of exchange-kg")
    g.text(service, DCT + "description",
           "Read-only SPARQL 1.1 endpoint over the whole dataset (each source document also "
           "as a named graph); queries are bounded in time and result size.")
    g.add(service, DCAT + "endpointURL", endpoint)
    g.add(service, DCAT + "endpointDescription", endpoint)
    g.typed(service, DCT + "conformsTo", "https://www.w3.org/TR/sparql11-protocol/",
            DCT + "Standard")
    g.add(service, DCAT + "servesDataset", ds)
    for keyword in ("SPARQL", *KEYWORDS):
        g.text(service, DCAT + "keyword", keyword)
    g.concept(service, DCAT + "theme", EU + "data-theme/EDUC", THEME_LABEL)
    g.typed(service, DCT + "accessRights", EU + "access-right/PUBLIC", DCT + "RightsStatement")
    _terms(g, service, publication, base)

    dist = _n(f"{doc}#sparql")
    g.add(ds, DCAT + "distribution", dist)
    g.add(dist, RDF + "type", DCAT + "Distribution")
    g.text(dist, DCT + "title", "SPARQL endpoint")
    g.text(dist, DCT + "description",
           "The dataset through its SPARQL endpoint; results as SPARQL JSON, XML, CSV or TSV, "
           "graphs as Turtle, N-Triples, JSON-LD or RDF/XML.")
    g.add(dist, DCAT + "accessURL", endpoint)
    g.add(dist, DCAT + "accessService", service)
    g.typed(dist, DCT + "format", f"{EU}file-type/SPARQLQRES", DCT + "MediaTypeOrExtent")
    _availability(g, dist, publication)
    _terms(g, dist, publication, base, contact=False)


def _short_hash(text: str) -> str:
    """A stable short name for ``text`` (partition IRIs must not change between runs)."""
    return f"{zlib.crc32(text.encode('utf-8')):08x}"


def service_description(summary: DatasetSummary, base: str,
                        formats: Iterable[negotiate.Format] = (
                            *negotiate.RESULT_FORMATS, *negotiate.GRAPH_FORMATS),
                        ) -> list[Triple]:
    """A SPARQL 1.1 Service Description of the endpoint and its default dataset."""
    g = _Graph()
    endpoint = f"{base}sparql"
    service = _n(f"{endpoint}#service")
    g.add(service, RDF + "type", SD + "Service")
    g.add(service, SD + "endpoint", endpoint)
    g.add(service, SD + "supportedLanguage", SD + "SPARQL11Query")
    g.add(service, SD + "feature", SD + "UnionDefaultGraph")
    for fmt in formats:
        g.add(service, SD + "resultFormat", FORMATS + RESULT_FORMAT_IRIS[fmt.key])
    g.text(service, RDFS + "comment",
           "Read-only: SPARQL Update and SERVICE are refused; queries are stopped after a "
           "time limit and results are limited in rows and bytes. Relative IRIs in a query "
           f"resolve against {base}.")
    dataset = _n(f"{endpoint}#dataset")
    g.add(service, SD + "defaultDataset", dataset)
    g.add(dataset, RDF + "type", SD + "Dataset")
    g.add(dataset, DCT + "source", dataset_iri(base))
    default = _n(f"{endpoint}#default-graph")
    g.add(dataset, SD + "defaultGraph", default)
    g.add(default, RDF + "type", SD + "Graph")
    g.add(default, VOID + "triples", _int(summary.triples))
    for graph, count in summary.graphs:
        local = graph.rstrip("/").rsplit("/", 1)[-1]
        named = _n(f"{endpoint}#named-graph-{local}")
        described = _n(f"{endpoint}#graph-{local}")
        g.add(dataset, SD + "namedGraph", named)
        g.add(named, RDF + "type", SD + "NamedGraph")
        g.add(named, SD + "name", graph)
        g.add(named, SD + "graph", described)
        g.add(described, RDF + "type", SD + "Graph")
        g.add(described, VOID + "triples", _int(count))
    return g.triples
