"""Namespaces and the ontology terms the mapper writes.

The ontology namespace is fixed (it names the model, not the data); data IRIs are minted under
a configurable base (see :mod:`exchange_kg.iris`). ``tests/test_ontology.py`` checks that every
term listed here is declared in ``ontology/exchange-kg.ttl`` with a label and a comment.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

XKG = Namespace("https://w3id.org/exchange-kg/ontology#")
VOCAB = "https://w3id.org/exchange-kg/vocab/"
LEVEL = Namespace(VOCAB + "level/")
KIND = Namespace(VOCAB + "agreement-kind/")
STATUS = Namespace(VOCAB + "status/")
MOBILITY = Namespace(VOCAB + "mobility/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")

ONTOLOGY_IRI = "https://w3id.org/exchange-kg/ontology"

PREFIXES: dict[str, Namespace] = {
    "xkg": XKG,
    "level": LEVEL,
    "kind": KIND,
    "status": STATUS,
    "mobility": MOBILITY,
    "org": ORG,
    "schema": SCHEMA,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "foaf": FOAF,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}

# Controlled values: (scheme namespace, local names). Labels live in the ontology file.
LEVELS = ("university", "department")
KINDS = (
    "bilateral",
    "erasmus-plus",
    "ge3",
    "memorandum-of-understanding",
    "letter-of-intent",
    "consortium",
    "cooperation-agreement",
    "student-exchange",
    "framework",
    "specific",
    "double-degree",
)
STATUSES = ("in-process",)
MOBILITY_KINDS = ("short-term", "long-term", "unspecified")

# Every xkg: term the mapper may write.
CLASSES = (
    "Agreement",
    "Institution",
    "UnidentifiedInstitution",
    "Unit",
    "Consortium",
    "SourceDocument",
    "SourceRecord",
    "Quota",
    "Link",
)
OBJECT_PROPERTIES = (
    "home",
    "homeInstitution",
    "partner",
    "partnerInstitution",
    "level",
    "kind",
    "status",
    "quota",
    "mobilityKind",
    "listedIn",
    "inDocument",
    "link",
    "succeededBy",
    "linkTarget",
)
# annotations: free text, documented as a note, with no meaning a reasoner could use
ANNOTATION_PROPERTIES = ("remark",)
DATATYPE_PROPERTIES = (
    "startDate",
    "startYear",
    "endDate",
    "openEnded",
    "duration",
    "autoRenewal",
    "tuitionWaiver",
    "studentExchangeQuota",
    "places",
    "lineNumber",
    "location",
    "rawText",
    "asOf",
    "originalFileName",
    "fileName",
    "sha256",
    "knownAs",
    "erasmusCode",
    "rorId",
    "wikidataId",
    "matchMethod",
    "matchScore",
    "matchedName",
    "linkSource",
    "curated",
)
