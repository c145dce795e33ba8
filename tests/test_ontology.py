"""The ontology file declares every term the mapper writes, documented and with its schemes.

``src/exchange_kg/vocab.py`` is the mapper's list of terms; if it and the ontology drift apart,
the published graph uses undocumented terms. These tests keep the two in step both ways.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from exchange_kg import vocab
from exchange_kg.vocab import KIND, LEVEL, MOBILITY, ONTOLOGY_IRI, ORG, STATUS, XKG

ONTOLOGY_FILE = Path(__file__).resolve().parents[1] / "ontology" / "exchange-kg.ttl"
VOCABULARIES_FILE = ONTOLOGY_FILE.with_name("vocabularies.ttl")
VANN = Namespace("http://purl.org/vocab/vann/")
ONTOLOGY = URIRef(ONTOLOGY_IRI)

SCHEMES: dict[str, tuple[Namespace, tuple[str, ...]]] = {
    "level": (LEVEL, vocab.LEVELS),
    "agreement-kind": (KIND, vocab.KINDS),
    "status": (STATUS, vocab.STATUSES),
    "mobility": (MOBILITY, vocab.MOBILITY_KINDS),
}

TERMS: list[tuple[str, URIRef]] = (
    [(name, OWL.Class) for name in vocab.CLASSES]
    + [(name, OWL.ObjectProperty) for name in vocab.OBJECT_PROPERTIES]
    + [(name, OWL.DatatypeProperty) for name in vocab.DATATYPE_PROPERTIES]
    + [(name, OWL.AnnotationProperty) for name in vocab.ANNOTATION_PROPERTIES]
)


@pytest.fixture(scope="module")
def onto() -> Graph:
    """The ontology with its concept schemes."""
    return Graph().parse(ONTOLOGY_FILE, format="turtle").parse(VOCABULARIES_FILE,
                                                               format="turtle")


def scheme_iri(namespace: Namespace) -> URIRef:
    """Scheme IRIs are the concept namespace without its trailing slash."""
    return URIRef(str(namespace).rstrip("/"))


def english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[Literal]:
    values = graph.objects(subject, predicate)
    return [o for o in values if isinstance(o, Literal) and o.language == "en"]


# --- the ontology header -------------------------------------------------------------------


def test_ontology_header_has_version_and_metadata(onto: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY, OWL.versionIRI) == URIRef(ONTOLOGY_IRI + "/0.1.0")
    assert str(onto.value(ONTOLOGY, OWL.versionInfo)) == "0.1.0"
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert english(onto, ONTOLOGY, predicate), predicate
    assert isinstance(onto.value(ONTOLOGY, DCTERMS.license), URIRef)
    assert onto.value(ONTOLOGY, DCTERMS.created).datatype == XSD.date
    assert str(onto.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "xkg"
    assert str(onto.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(XKG)


def test_version_iri_matches_package_version(onto: Graph) -> None:
    """A release that bumps the package must bump the ontology's versionIRI too."""
    from importlib.metadata import version

    assert str(onto.value(ONTOLOGY, OWL.versionIRI)).endswith("/" + version("exchange-kg"))


# --- every vocab.py term is declared and documented -----------------------------------------


@pytest.mark.parametrize(("name", "owl_type"), TERMS, ids=[name for name, _ in TERMS])
def test_term_is_declared_with_label_comment_and_definedby(
    onto: Graph, name: str, owl_type: URIRef
) -> None:
    term = XKG[name]
    assert (term, RDF.type, owl_type) in onto
    assert len(english(onto, term, RDFS.label)) == 1
    comments = english(onto, term, RDFS.comment)
    assert len(comments) == 1 and len(comments[0]) > 40, "comments must explain, not restate"
    assert onto.value(term, RDFS.isDefinedBy) == ONTOLOGY


def test_ontology_declares_no_xkg_term_missing_from_vocab(onto: Graph) -> None:
    """The mapper's list is the single list of terms: nothing undocumented on either side."""
    declared = {
        str(s).removeprefix(str(XKG))
        for s in onto.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(XKG))
    }
    assert declared == set(vocab.CLASSES + vocab.OBJECT_PROPERTIES + vocab.DATATYPE_PROPERTIES
                           + vocab.ANNOTATION_PROPERTIES)


def test_properties_have_domain_and_range(onto: Graph) -> None:
    for name in vocab.OBJECT_PROPERTIES + vocab.DATATYPE_PROPERTIES + vocab.ANNOTATION_PROPERTIES:
        assert onto.value(XKG[name], RDFS.domain) is not None, name
        assert onto.value(XKG[name], RDFS.range) is not None, name


# --- modelling decisions the mapper and the shapes rely on -----------------------------------


@pytest.mark.parametrize(
    ("cls", "parent"),
    [
        (XKG.Agreement, PROV.Entity),
        (XKG.Institution, ORG.FormalOrganization),
        (XKG.UnidentifiedInstitution, XKG.Institution),
        (XKG.Unit, ORG.OrganizationalUnit),
        (XKG.Consortium, ORG.OrganizationalCollaboration),
        (XKG.SourceDocument, PROV.Entity),
        (XKG.SourceDocument, FOAF.Document),
        (XKG.SourceRecord, PROV.Entity),
    ],
)
def test_classes_reuse_standard_parents(onto: Graph, cls: URIRef, parent: URIRef) -> None:
    assert (cls, RDFS.subClassOf, parent) in onto


@pytest.mark.parametrize(
    ("prop", "rng"),
    [
        (XKG.home, ORG.Organization),
        (XKG.homeInstitution, XKG.Institution),
        (XKG.partner, ORG.Organization),
        (XKG.partnerInstitution, XKG.Institution),
        (XKG.quota, XKG.Quota),
        (XKG.listedIn, XKG.SourceDocument),
        (XKG.inDocument, XKG.SourceDocument),
        (XKG.level, SKOS.Concept),
        (XKG.startYear, XSD.integer),
        (XKG.places, XSD.nonNegativeInteger),
        (XKG.lineNumber, XSD.positiveInteger),
        (XKG.duration, XSD.duration),
        (XKG.studentExchangeQuota, XSD.boolean),
    ],
)
def test_property_ranges(onto: Graph, prop: URIRef, rng: URIRef) -> None:
    assert onto.value(prop, RDFS.range) == rng


@pytest.mark.parametrize("name", ["startDate", "endDate", "asOf"])
def test_date_properties_range_over_three_precisions(onto: Graph, name: str) -> None:
    union = onto.value(onto.value(XKG[name], RDFS.range), OWL.unionOf)
    assert set(onto.items(union)) == {XSD.date, XSD.gYearMonth, XSD.gYear}


def test_a_remark_is_a_note_in_its_language(onto: Graph) -> None:
    assert (XKG.remark, RDFS.subPropertyOf, SKOS.note) in onto
    assert onto.value(XKG.remark, RDFS.range) == RDF.langString


def test_listed_in_is_not_a_derivation_subproperty(onto: Graph) -> None:
    """With RDFS inference a sub-property would put documents among an agreement's records."""
    assert (XKG.listedIn, RDFS.subPropertyOf, PROV.wasDerivedFrom) not in onto


def test_terms_have_one_label_per_language(onto: Graph) -> None:
    for subject in set(onto.subjects(RDFS.label, None)) | set(onto.subjects(SKOS.prefLabel, None)):
        for predicate in (RDFS.label, SKOS.prefLabel):
            langs = [o.language for o in onto.objects(subject, predicate)]
            assert len(langs) == len(set(langs)), subject


# --- SKOS concept schemes --------------------------------------------------------------------


@pytest.mark.parametrize("scheme_name", sorted(SCHEMES))
def test_scheme_contains_exactly_the_vocab_concepts(onto: Graph, scheme_name: str) -> None:
    namespace, names = SCHEMES[scheme_name]
    scheme = scheme_iri(namespace)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in onto
    assert english(onto, scheme, SKOS.prefLabel)
    expected = {namespace[name] for name in names}
    assert set(onto.objects(scheme, SKOS.hasTopConcept)) == expected
    assert set(onto.subjects(SKOS.inScheme, scheme)) == expected


@pytest.mark.parametrize(
    ("namespace", "name"),
    [(ns, name) for ns, names in SCHEMES.values() for name in names],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_concept_is_documented_in_its_scheme(onto: Graph, namespace: Namespace, name: str) -> None:
    concept = namespace[name]
    scheme = scheme_iri(namespace)
    assert (concept, RDF.type, SKOS.Concept) in onto
    assert (concept, SKOS.inScheme, scheme) in onto
    assert (concept, SKOS.topConceptOf, scheme) in onto
    assert len(english(onto, concept, SKOS.prefLabel)) == 1
    assert english(onto, concept, SKOS.definition)
    assert onto.value(concept, RDFS.isDefinedBy) == ONTOLOGY


@pytest.mark.parametrize(
    ("concept", "label"),
    [
        (KIND["erasmus-plus"], Literal("Erasmus+", lang="en")),
        (KIND.ge3, Literal("GE3 — Global Engineering Education Exchange", lang="en")),
        (STATUS["in-process"], Literal("in process", lang="en")),
    ],
)
def test_concept_preferred_labels_read_as_the_lists_write_them(
    onto: Graph, concept: URIRef, label: Literal
) -> None:
    assert (concept, SKOS.prefLabel, label) in onto


@pytest.mark.parametrize(
    ("concept", "label"),
    [
        (KIND["letter-of-intent"], Literal("List intencyjny", lang="pl")),
        (KIND["memorandum-of-understanding"], Literal("MoU", lang="pl")),
        (KIND["student-exchange"], Literal("umowa dotycząca wymian", lang="pl")),
        (KIND["cooperation-agreement"], Literal("umowa o współpracy", lang="pl")),
        (KIND.bilateral, Literal("Bilateral", lang="en")),
        (MOBILITY["short-term"], Literal("ST", lang="en")),
        (MOBILITY["long-term"], Literal("LT", lang="en")),
    ],
)
def test_concepts_carry_the_spellings_the_sources_use(
    onto: Graph, concept: URIRef, label: Literal
) -> None:
    assert (concept, SKOS.altLabel, label) in onto


def test_source_spellings_of_kinds_are_reviewed_vocabulary() -> None:
    """The other-language alternative labels of kinds are not made up: each is an entry of
    the reviewed vocabulary (data/agreement-kinds.tsv) in that language, for that kind."""
    from exchange_kg.normalise.vocabulary import builtin_entries

    reviewed = {(e.text.lower(), e.language, e.value) for e in builtin_entries("kinds")}
    onto = Graph().parse(VOCABULARIES_FILE, format="turtle")
    labels = [
        (str(o).lower(), o.language, str(s).rsplit("/", 1)[1])
        for s in onto.subjects(SKOS.inScheme, scheme_iri(KIND))
        for p in (SKOS.altLabel, SKOS.hiddenLabel)
        for o in onto.objects(s, p)
        if o.language not in (None, "en")
    ]
    assert len({lang for _, lang, _ in labels}) >= 6  # pl, de, es, pt, fr, it
    for text, lang, kind in labels:
        assert (text, lang, kind) in reviewed or (text, "mul", kind) in reviewed, (text, lang)


# --- documentation tools ---------------------------------------------------------------------


def test_the_ontology_file_has_one_header_and_the_schemes_their_own_file() -> None:
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    schemes = Graph().parse(VOCABULARIES_FILE, format="turtle")
    assert list(ontology.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY]
    assert not list(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    assert not list(ontology.subjects(RDF.type, SKOS.Concept))
    assert len(list(schemes.subjects(RDF.type, SKOS.ConceptScheme))) == len(SCHEMES)
    assert not list(schemes.subjects(RDF.type, OWL.Ontology))


def test_pylode_documents_one_ontology_with_its_creator_by_name() -> None:
    """pyLODE takes every concept scheme in the file it reads for an ontology and merges them
    into its header (five titles, the IRI of the last scheme); the ontology file alone gives
    it one ontology."""
    pylode = pytest.importorskip("pylode")
    html = pylode.OntPub(ontology=str(ONTOLOGY_FILE)).make_html()
    header = html.split('id="metadata"', 1)[1].split('id="classes"', 1)[0]
    assert ONTOLOGY_IRI in header and "exchange-kg ontology" in header
    assert "exchange-kg/vocab/" not in header and "agreement levels" not in header
    assert "exchange-kg contributors" in header
