"""Describing the dataset and the service, for machines.

``/.well-known/void`` (RFC 8615 registers it for VoID) says what the dataset is in VoID and
DCAT: size, classes and properties, licence, the source documents, one subset per named
graph, the dumps and the SPARQL endpoint. ``GET /sparql`` without a query returns a SPARQL 1.1
Service Description. Both are built from the dataset summary; endpoint and dump addresses are
under the base, because the server answers for the base's paths.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from exchange_kg.serve import negotiate
from exchange_kg.serve.dataset import DatasetSummary
from exchange_kg.serve.downloads import DUMPS
from exchange_kg.vocab import ONTOLOGY_IRI, PREFIXES

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"

DESCRIPTION_PREFIXES = {
    **{name: str(ns) for name, ns in PREFIXES.items()},
    "void": VOID, "sd": SD, "formats": FORMATS,
}

# W3C format IRIs (https://www.w3.org/ns/formats/) of what the endpoint can return
RESULT_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF_XML",
}


def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=_n(XSD + "integer"))


class _Graph:
    """A list of triples with terse adders."""

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def add(self, s: str | NamedNode, p: str, o: str | NamedNode | Literal) -> None:
        subject = s if isinstance(s, NamedNode) else _n(s)
        obj = o if isinstance(o, (NamedNode, Literal)) else _n(o)
        self.triples.append(Triple(subject, _n(p), obj))

    def text(self, s: str, p: str, text: str, language: str | None = "en") -> None:
        self.add(s, p, Literal(text, language=language) if language else Literal(text))


def void_iri(base: str) -> str:
    """The VoID document; the dataset and its parts are fragments of it, so they
    dereference to their description."""
    return f"{base}.well-known/void"


def dataset_iri(base: str) -> str:
    return f"{void_iri(base)}#dataset"


def void_description(summary: DatasetSummary, base: str, dist_dir: Path) -> list[Triple]:
    """VoID + DCAT for the dataset, its per-source subsets, dumps and endpoint."""
    g = _Graph()
    ds = dataset_iri(base)
    doc = void_iri(base)
    endpoint = f"{base}sparql"
    g.add(doc, RDF + "type", VOID + "DatasetDescription")
    g.text(doc, DCT + "title", f"VoID description of {summary.title}")
    g.add(doc, FOAF + "primaryTopic", ds)
    for cls in (VOID + "Dataset", DCAT + "Dataset"):
        g.add(ds, RDF + "type", cls)
    g.text(ds, DCT + "title", summary.title)
    g.text(ds, DCT + "description", summary.description)
    if summary.license:
        g.add(ds, DCT + "license", summary.license)
    g.add(ds, VOID + "triples", _int(summary.triples))
    g.add(ds, VOID + "entities", _int(summary.agreements + summary.institutions
                                      + summary.units + summary.consortia))
    g.add(ds, VOID + "classes", _int(len(summary.classes)))
    g.add(ds, VOID + "properties", _int(len(summary.properties)))
    g.add(ds, VOID + "uriSpace", Literal(base))
    g.add(ds, VOID + "sparqlEndpoint", endpoint)
    g.add(ds, VOID + "rootResource", ds)
    g.add(ds, VOID + "vocabulary", ONTOLOGY_IRI.rsplit("/", 1)[0] + "/ontology#")
    for vocabulary in ("http://www.w3.org/ns/org#", "https://schema.org/",
                       "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#",
                       "http://purl.org/dc/terms/"):
        g.add(ds, VOID + "vocabulary", vocabulary)
    for example in summary.examples:
        g.add(ds, VOID + "exampleResource", example)
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
    for source in summary.sources:
        g.add(ds, DCT + "source", source.iri)
        g.add(ds, PROV + "wasDerivedFrom", source.iri)
        g.text(source.iri, RDFS + "label", source.label)
    for graph, count in summary.graphs:
        g.add(ds, VOID + "subset", graph)
        g.add(graph, RDF + "type", VOID + "Dataset")
        g.add(graph, VOID + "triples", _int(count))
        g.add(graph, VOID + "sparqlEndpoint", endpoint)
    service = _n(f"{base}sparql#service")
    g.add(ds, DCAT + "distribution", service)
    g.add(service, RDF + "type", DCAT + "DataService")
    g.add(service, DCAT + "endpointURL", endpoint)
    g.add(service, DCAT + "endpointDescription", endpoint)
    g.add(service, DCT + "conformsTo", "https://www.w3.org/TR/sparql11-protocol/")
    g.add(service, DCAT + "servesDataset", ds)
    for name, (fmt, description) in DUMPS.items():
        path = dist_dir / name
        if not path.is_file():
            continue
        url = f"{base}dumps/{name}"
        g.add(ds, VOID + "dataDump", url)
        dist = _n(f"{doc}#dump-{name}")
        g.add(ds, DCAT + "distribution", dist)
        g.add(dist, RDF + "type", DCAT + "Distribution")
        g.text(dist, DCT + "title", name, language=None)
        g.text(dist, DCT + "description", description)
        g.add(dist, DCAT + "downloadURL", url)
        g.add(dist, DCAT + "accessURL", f"{base}dumps")
        g.add(dist, DCAT + "mediaType", f"https://www.iana.org/assignments/media-types/{fmt}")
        if name.endswith(".gz"):
            g.add(dist, DCAT + "compressFormat",
                  "https://www.iana.org/assignments/media-types/application/gzip")
        g.add(dist, DCAT + "byteSize",
              Literal(str(path.stat().st_size), datatype=_n(XSD + "nonNegativeInteger")))
        if summary.license:
            g.add(dist, DCT + "license", summary.license)
    return g.triples


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
           "time limit and results are limited in rows and bytes.")
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
