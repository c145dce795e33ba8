"""The SHACL shapes accept a well-formed graph and reject each kind of broken one.

Every case runs through both engines the project offers (pyshacl-turbo, the build's; pySHACL,
the reference), so the shapes mean the same under each.

The valid graph below is hand-written in the layout the mapper produces (IRIs under an arbitrary
base), covering a unit's list with an unnamed host, a consortium partner, a "×" quota and a
Polish term with years only. Each broken graph is that graph with one SPARQL Update applied, and
must fail with exactly the rule named next to it: a test that only checked "does not conform"
would pass for the wrong reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from exchange_kg import vocab
from exchange_kg.normalise.country import country_codes
from exchange_kg.validate import ENGINES, Validation, store_of, validate
from exchange_kg.vocab import KIND, LEVEL, MOBILITY, PREFIXES, SH, STATUS

SHAPES_DIR = Path(__file__).resolve().parents[1] / "shapes"
XKGSH = Namespace("https://w3id.org/exchange-kg/shapes#")
SHAPES_GRAPH = URIRef("https://w3id.org/exchange-kg/shapes")
KG = "https://example.org/kg/"

TURTLE_PREFIXES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

VALID = """
@base <https://example.org/kg/> .

# A unit's list whose host institution is not named; partner given as a unit; "ST10,LT5";
# listed in two editions.
<agreement/gse-kul-1a2b3c> a xkg:Agreement ;
    xkg:home <unit/gse-0a1b2c> ;
    xkg:homeInstitution <institution/publisher-of-gse-3c4d5e> ;
    xkg:partner <unit/kul-engineering-9f8e7d> ;
    xkg:partnerInstitution <institution/ku-leuven-6a5b4c> ;
    xkg:level level:department ;
    xkg:kind kind:bilateral , kind:erasmus-plus ;
    xkg:startDate "2007-09-23"^^xsd:date ;
    xkg:startYear 2007 ;
    xkg:tuitionWaiver true ;
    xkg:studentExchangeQuota true ;
    xkg:quota <agreement/gse-kul-1a2b3c/quota/short-term> ,
        <agreement/gse-kul-1a2b3c/quota/long-term> ;
    xkg:listedIn <source/gse-partners> , <source/gse-partners-newer-ocr> ;
    prov:wasDerivedFrom <record/gse-partners/4> , <record/gse-partners-newer-ocr/7> .

<agreement/gse-kul-1a2b3c/quota/short-term> a xkg:Quota ;
    xkg:mobilityKind mobility:short-term ;
    xkg:places "10"^^xsd:nonNegativeInteger .

<agreement/gse-kul-1a2b3c/quota/long-term> a xkg:Quota ;
    xkg:mobilityKind mobility:long-term ;
    xkg:places "5"^^xsd:nonNegativeInteger .

# A consortium partner, no student-exchange quota ("×"), open-ended, in process.
<agreement/gse-thai-4d5e6f> a xkg:Agreement ;
    xkg:home <unit/gse-0a1b2c> ;
    xkg:homeInstitution <institution/publisher-of-gse-3c4d5e> ;
    xkg:partner <consortium/thai-academic-consortium-7a8b9c> ;
    xkg:partnerInstitution <institution/mahidol-university-1f2e3d> ,
        <institution/chulalongkorn-university-4c5b6a> ;
    xkg:level level:department ;
    xkg:kind kind:consortium ;
    xkg:status status:in-process ;
    xkg:startDate "2013-07"^^xsd:gYearMonth ;
    xkg:startYear 2013 ;
    xkg:openEnded true ;
    xkg:studentExchangeQuota false ;
    xkg:listedIn <source/gse-partners> ;
    prov:wasDerivedFrom <record/gse-partners/99> .

# A university-level agreement with years only and a duration; one quota as a blank node.
<agreement/pl-lviv-7e8f9a> a xkg:Agreement ;
    xkg:home <institution/polish-university-2b3c4d> ;
    xkg:homeInstitution <institution/polish-university-2b3c4d> ;
    xkg:partner <institution/lviv-university-5d6e7f> ;
    xkg:partnerInstitution <institution/lviv-university-5d6e7f> ;
    xkg:level level:university ;
    xkg:kind kind:cooperation-agreement ;
    xkg:startDate "2025"^^xsd:gYear ;
    xkg:startYear 2025 ;
    xkg:endDate "2030"^^xsd:gYear ;
    xkg:duration "P5Y"^^xsd:duration ;
    xkg:autoRenewal false ;
    xkg:quota [ a xkg:Quota ; xkg:mobilityKind mobility:unspecified ;
                xkg:places "3"^^xsd:nonNegativeInteger ] ;
    xkg:listedIn <source/pl-partners> ;
    prov:wasDerivedFrom <record/pl-partners/327> .

<institution/publisher-of-gse-3c4d5e> a xkg:Institution , xkg:UnidentifiedInstitution ;
    xkg:knownAs "the publisher of the Graduate School of Engineering partner list"@en ;
    skos:prefLabel "the publisher of the Graduate School of Engineering partner list" ;
    schema:address <institution/publisher-of-gse-3c4d5e/address> .

<institution/publisher-of-gse-3c4d5e/address> a schema:PostalAddress ;
    schema:addressCountry "JP" .

<unit/gse-0a1b2c> a xkg:Unit ;
    skos:prefLabel "Graduate School of Engineering"@en ;
    org:unitOf <institution/publisher-of-gse-3c4d5e> .

<institution/ku-leuven-6a5b4c> a xkg:Institution ;
    skos:prefLabel "KU Leuven"@en , "Katholieke Universiteit Leuven"@nl ;
    skos:altLabel "KUL" ;
    schema:address <institution/ku-leuven-6a5b4c/address> ;
    schema:url <https://www.kuleuven.be/> ;
    org:hasUnit <unit/kul-engineering-9f8e7d> ;
    owl:sameAs <https://ror.org/05f950310> , <http://www.wikidata.org/entity/Q1000> ;
    xkg:rorId "05f950310" ;
    xkg:wikidataId "Q1000" ;
    xkg:link <institution/ku-leuven-6a5b4c/link/ror> .

<institution/ku-leuven-6a5b4c/link/ror> a xkg:Link ;
    xkg:linkTarget <https://ror.org/05f950310> ;
    xkg:matchMethod "exact" ;
    xkg:matchScore 1.0 ;
    xkg:matchedName "KU Leuven" ;
    xkg:linkSource "synthetic test dump" .

<institution/ku-leuven-6a5b4c/address> a schema:PostalAddress ;
    schema:addressCountry "BE" ;
    schema:addressLocality "Leuven" .

<unit/kul-engineering-9f8e7d> a xkg:Unit ;
    skos:prefLabel "Faculty of Engineering Science"@en ;
    org:unitOf <institution/ku-leuven-6a5b4c> .

<consortium/thai-academic-consortium-7a8b9c> a xkg:Consortium ;
    skos:prefLabel "Thai Academic Consortium"@en ;
    org:hasMember <unit/mahidol-science-8d9e0f> , <institution/chulalongkorn-university-4c5b6a> ;
    schema:address <consortium/thai-academic-consortium-7a8b9c/address> .

<consortium/thai-academic-consortium-7a8b9c/address> a schema:PostalAddress ;
    schema:addressCountry "TH" .

<unit/mahidol-science-8d9e0f> a xkg:Unit ;
    skos:prefLabel "Faculty of Science"@en ;
    org:unitOf <institution/mahidol-university-1f2e3d> .

<institution/mahidol-university-1f2e3d> a xkg:Institution ;
    skos:prefLabel "Mahidol University"@en ;
    schema:address <institution/mahidol-university-1f2e3d/address> .

<institution/mahidol-university-1f2e3d/address> a schema:PostalAddress ;
    schema:addressCountry "TH" .

<institution/chulalongkorn-university-4c5b6a> a xkg:Institution ;
    skos:prefLabel "Chulalongkorn University" ;
    schema:address <institution/chulalongkorn-university-4c5b6a/address> .

<institution/chulalongkorn-university-4c5b6a/address> a schema:PostalAddress ;
    schema:addressCountry "TH" .

<institution/polish-university-2b3c4d> a xkg:Institution ;
    skos:prefLabel "Example University of Technology"@en ;
    schema:address <institution/polish-university-2b3c4d/address> .

<institution/polish-university-2b3c4d/address> a schema:PostalAddress ;
    schema:addressCountry "PL" .

<institution/lviv-university-5d6e7f> a xkg:Institution ;
    skos:prefLabel "Narodowy Uniwersytet Lwowski im. Iwana Franka"@pl ;
    schema:address <institution/lviv-university-5d6e7f/address> ;
    schema:url <http://lnu.edu.ua/> .

<institution/lviv-university-5d6e7f/address> a schema:PostalAddress ;
    schema:addressCountry "UA" ;
    schema:addressLocality "Lwów"@pl .

<source/gse-partners> a xkg:SourceDocument ;
    dcterms:identifier "gse-partners" ;
    dcterms:title "Academic Exchange Agreement (Graduate School of Engineering)"@en ;
    dcterms:language <http://publications.europa.eu/resource/authority/language/ENG> ;
    dcterms:publisher <institution/publisher-of-gse-3c4d5e> ;
    xkg:originalFileName "001_d8c7a84d7ea26628.txt" ;
    xkg:fileName "gse-partners.tsv" ;
    xkg:sha256 "00000000000000000000000000000000000000000000000000000000000000a1" .

<source/gse-partners-newer-ocr> a xkg:SourceDocument ;
    dcterms:identifier "gse-partners-newer-ocr" ;
    dcterms:title "Academic Exchange Agreement (Graduate School of Engineering)"@en ;
    dcterms:language <http://publications.europa.eu/resource/authority/language/ENG> ;
    dcterms:publisher <institution/publisher-of-gse-3c4d5e> ;
    xkg:asOf "2023"^^xsd:gYear ;
    xkg:originalFileName "000_f1a72038fed3489a.txt" ;
    xkg:fileName "gse-partners-newer-ocr.txt" ;
    xkg:sha256 "00000000000000000000000000000000000000000000000000000000000000a2" .

<source/pl-partners> a xkg:SourceDocument ;
    dcterms:identifier "pl-partners" ;
    dcterms:title "Uczelnie partnerskie"@pl ;
    dcterms:language <http://publications.europa.eu/resource/authority/language/POL> ;
    dcterms:publisher <institution/polish-university-2b3c4d> ;
    xkg:asOf "2026-01-15"^^xsd:date ;
    xkg:originalFileName "003_ed64fcf3a3d14cb7.txt" ;
    xkg:fileName "pl-partner-universities-2026.tsv" ;
    xkg:sha256 "00000000000000000000000000000000000000000000000000000000000000a3" .

<http://publications.europa.eu/resource/authority/language/ENG> a dcterms:LinguisticSystem .
<http://publications.europa.eu/resource/authority/language/POL> a dcterms:LinguisticSystem .

<record/gse-partners/4> a xkg:SourceRecord ;
    xkg:inDocument <source/gse-partners> ;
    xkg:lineNumber "4"^^xsd:positiveInteger ;
    xkg:rawText "Belgium\\tKU Leuven (Faculty of Engineering Science)\\t2007/09/23\\tST10,LT5" .

<record/gse-partners-newer-ocr/7> a xkg:SourceRecord ;
    xkg:inDocument <source/gse-partners-newer-ocr> ;
    xkg:lineNumber "7"^^xsd:positiveInteger , "8"^^xsd:positiveInteger ;
    xkg:rawText "Belgium\\tKU Leuven (Faculty of Engineering Science)\\n2007/09/23\\tST10,LT5" .

<record/gse-partners/99> a xkg:SourceRecord ;
    xkg:inDocument <source/gse-partners> ;
    xkg:location "Partners!A99:D99" ;
    xkg:rawText "\\tThai Academic Consortium [Mahidol University (Faculty of Science), ...]\\t×" .

<record/pl-partners/327> a xkg:SourceRecord ;
    xkg:inDocument <source/pl-partners> ;
    xkg:lineNumber "327"^^xsd:positiveInteger ;
    xkg:rawText "321\\tUkraina\\tLwów\\tNarodowy Uniwersytet Lwowski im. Iwana Franka\\t2025-2030" .
"""


def node(path: str) -> str:
    """A node of the valid graph, written for SPARQL."""
    return f"<{KG}{path}>"


AGREEMENT = node("agreement/gse-kul-1a2b3c")
THAI_AGREEMENT = node("agreement/gse-thai-4d5e6f")
PL_AGREEMENT = node("agreement/pl-lviv-7e8f9a")
SHORT_TERM_QUOTA = node("agreement/gse-kul-1a2b3c/quota/short-term")
LONG_TERM_QUOTA = node("agreement/gse-kul-1a2b3c/quota/long-term")
HOST = node("institution/publisher-of-gse-3c4d5e")
HOST_UNIT = node("unit/gse-0a1b2c")
KUL = node("institution/ku-leuven-6a5b4c")
KUL_ADDRESS = node("institution/ku-leuven-6a5b4c/address")
KUL_UNIT = node("unit/kul-engineering-9f8e7d")
THAI = node("consortium/thai-academic-consortium-7a8b9c")
THAI_ADDRESS = node("consortium/thai-academic-consortium-7a8b9c/address")
MAHIDOL = node("institution/mahidol-university-1f2e3d")
MAHIDOL_UNIT = node("unit/mahidol-science-8d9e0f")
CHULA = node("institution/chulalongkorn-university-4c5b6a")
PL_HOST = node("institution/polish-university-2b3c4d")
LVIV = node("institution/lviv-university-5d6e7f")
DOC = node("source/gse-partners")
OCR_DOC = node("source/gse-partners-newer-ocr")
PL_DOC = node("source/pl-partners")
RECORD = node("record/gse-partners/4")


def replace(subject: str, predicate: str, new_object: str) -> str:
    """SPARQL Update that replaces every value of ``predicate`` on ``subject``."""
    return (
        f"DELETE WHERE {{ {subject} {predicate} ?old }} ;"
        f" INSERT DATA {{ {subject} {predicate} {new_object} }}"
    )


def rename(old: str, new_iri: str) -> str:
    """SPARQL Update that moves every triple of ``old`` (as subject or object) to ``new_iri``."""
    return (
        f"DELETE {{ {old} ?p ?o }} INSERT {{ <{new_iri}> ?p ?o }} WHERE {{ {old} ?p ?o }} ;"
        f" DELETE {{ ?s ?p {old} }} INSERT {{ ?s ?p <{new_iri}> }} WHERE {{ ?s ?p {old} }}"
    )


def add(*triples: str) -> str:
    return "INSERT DATA { " + " . ".join(triples) + " }"


def remove(*triples: str) -> str:
    return "DELETE DATA { " + " . ".join(triples) + " }"


def drop(subject: str, predicate: str) -> str:
    return f"DELETE WHERE {{ {subject} {predicate} ?any }}"


# (id, SPARQL Update that breaks the valid graph, the one rule that must then be violated, or
# the exact set where one break necessarily breaks several). A rule is named by its SPARQL
# constraint, else by its (property or IRI) shape.
Rules = URIRef | frozenset[URIRef]
BROKEN: list[tuple[str, str, Rules]] = [
    # agreement: parties
    ("missing-partner", drop(AGREEMENT, "xkg:partner"), XKGSH["Agreement-partner"]),
    ("missing-home", drop(AGREEMENT, "xkg:home"), XKGSH["Agreement-home"]),
    (
        "missing-home-institution",
        drop(AGREEMENT, "xkg:homeInstitution"),
        XKGSH["Agreement-homeInstitution"],
    ),
    (
        "partner-institution-is-a-unit",
        add(f"{AGREEMENT} xkg:partnerInstitution {KUL_UNIT}"),
        XKGSH["Agreement-partnerInstitution"],
    ),
    (
        "home-institution-is-not-the-home-units",
        replace(AGREEMENT, "xkg:homeInstitution", KUL),
        XKGSH["Agreement-homeInstitutionMatchesHome"],
    ),
    (
        "consortium-member-institution-not-a-partner-institution",
        remove(f"{THAI_AGREEMENT} xkg:partnerInstitution {MAHIDOL}"),
        XKGSH["Agreement-partnerInstitutionsCoverPartners"],
    ),
    # agreement: controlled values
    (
        "level-outside-scheme",
        replace(AGREEMENT, "xkg:level", "kind:bilateral"),
        XKGSH["Agreement-level"],
    ),
    (
        "kind-outside-scheme",
        add(f"{AGREEMENT} xkg:kind level:university"),
        XKGSH["Agreement-kind"],
    ),
    (
        "status-outside-scheme",
        add(f"{AGREEMENT} xkg:status kind:bilateral"),
        XKGSH["Agreement-status"],
    ),
    # agreement: dates and term
    (
        "start-date-as-plain-string",
        replace(AGREEMENT, "xkg:startDate", '"2007/09/23"'),
        XKGSH["Agreement-startDate"],
    ),
    (
        "start-year-as-string",
        replace(AGREEMENT, "xkg:startYear", '"2007"'),
        XKGSH["Agreement-startYear"],
    ),
    (
        "start-year-disagrees-with-date",
        replace(AGREEMENT, "xkg:startYear", "2008"),
        XKGSH["Agreement-startYearMatchesStartDate"],
    ),
    (
        "end-date-as-plain-string",
        replace(PL_AGREEMENT, "xkg:endDate", '"2030"'),
        XKGSH["Agreement-endDate"],
    ),
    (
        "end-date-with-open-ended",
        add(f"{PL_AGREEMENT} xkg:openEnded true"),
        XKGSH["Agreement-openEndedHasNoEnd"],
    ),
    (
        "open-ended-as-source-text",
        add(f'{AGREEMENT} xkg:openEnded "na czas nieokreślony"'),
        XKGSH["Agreement-openEnded"],
    ),
    (
        "negative-duration",
        replace(PL_AGREEMENT, "xkg:duration", '"-P5Y"^^xsd:duration'),
        XKGSH["Agreement-duration"],
    ),
    (
        "auto-renewal-both-ways",
        add(f"{PL_AGREEMENT} xkg:autoRenewal true"),
        XKGSH["Agreement-autoRenewal"],
    ),
    # agreement: conditions
    (
        "tuition-waiver-as-source-mark",
        replace(AGREEMENT, "xkg:tuitionWaiver", '"*"'),
        XKGSH["Agreement-tuitionWaiver"],
    ),
    (
        "student-exchange-quota-as-number",
        replace(AGREEMENT, "xkg:studentExchangeQuota", "1"),
        XKGSH["Agreement-studentExchangeQuota"],
    ),
    (
        "no-quota-mark-with-places",
        replace(AGREEMENT, "xkg:studentExchangeQuota", "false"),
        XKGSH["Agreement-noQuotaMeansNoQuota"],
    ),
    (
        "remark-without-its-language",
        add(f'{AGREEMENT} xkg:remark "nur Master"'),
        XKGSH["Agreement-remark"],
    ),
    (
        "remark-empty",
        add(f'{AGREEMENT} xkg:remark ""@de'),
        XKGSH["Agreement-remark"],
    ),
    (
        "quota-is-not-a-quota-node",
        add(f"{AGREEMENT} xkg:quota {RECORD}"),
        XKGSH["Agreement-quota"],
    ),
    # agreement: provenance
    (
        "listed-in-a-record",
        add(f"{AGREEMENT} xkg:listedIn {RECORD}"),
        XKGSH["Agreement-listedIn"],
    ),
    (
        "agreement-without-records",
        drop(PL_AGREEMENT, "prov:wasDerivedFrom"),
        XKGSH["Agreement-wasDerivedFrom"],
    ),
    (
        "record-from-unlisted-document",
        remove(f"{AGREEMENT} xkg:listedIn {OCR_DOC}"),
        XKGSH["Agreement-recordsAreInListedDocuments"],
    ),
    (
        "agreement-iri-outside-layout",
        rename(AGREEMENT, f"{KG}deal/gse-kul-1a2b3c"),
        XKGSH.AgreementIriShape,
    ),
    # quota
    ("quota-without-places", drop(SHORT_TERM_QUOTA, "xkg:places"), XKGSH["Quota-places"]),
    (
        "quota-places-negative",
        replace(SHORT_TERM_QUOTA, "xkg:places", "-1"),
        XKGSH["Quota-places"],
    ),
    (
        "quota-places-as-decimal",
        replace(SHORT_TERM_QUOTA, "xkg:places", "10.0"),
        XKGSH["Quota-places"],
    ),
    (
        "quota-mobility-kind-outside-scheme",
        replace(SHORT_TERM_QUOTA, "xkg:mobilityKind", "status:in-process"),
        XKGSH["Quota-mobilityKind"],
    ),
    (
        "quota-shared-by-two-agreements",
        add(f"{PL_AGREEMENT} xkg:quota {SHORT_TERM_QUOTA}"),
        XKGSH["Quota-ofAgreement"],
    ),
    # institution
    (
        "bad-country-code",
        replace(KUL_ADDRESS, "schema:addressCountry", '"XX"'),
        XKGSH["Institution-addressCountry"],
    ),
    (
        "lower-case-country-code",
        replace(KUL_ADDRESS, "schema:addressCountry", '"be"'),
        XKGSH["Institution-addressCountry"],
    ),
    (
        "two-preflabels-in-one-language",
        add(f'{KUL} skos:prefLabel "Catholic University of Leuven"@en'),
        XKGSH["Institution-prefLabel"],
    ),
    (
        "two-untagged-preflabels",
        add(f'{CHULA} skos:prefLabel "Chula"'),
        XKGSH.OneUntaggedPrefLabel,
    ),
    (
        "named-institution-without-name",
        drop(KUL, "skos:prefLabel"),
        XKGSH["Institution-namedUnlessUnidentified"],
    ),
    (
        "alt-label-as-iri",
        add(f"{KUL} skos:altLabel {KUL_UNIT}"),
        XKGSH["Institution-altLabel"],
    ),
    (
        "city-as-number",
        add(f"{KUL_ADDRESS} schema:addressLocality 3000"),
        XKGSH["Institution-addressLocality"],
    ),
    (
        "website-as-plain-string",
        add(f'{KUL} schema:url "https://www.kuleuven.be/en"'),
        XKGSH["Institution-url"],
    ),
    (
        "website-as-anyuri-literal",
        replace(KUL, "schema:url", '"https://www.kuleuven.be/"^^xsd:anyURI'),
        XKGSH["Institution-url"],
    ),
    (
        "two-erasmus-codes",
        add(f'{KUL} xkg:erasmusCode "B  LEUVEN01"', f'{KUL} xkg:erasmusCode "B  LEUVEN02"'),
        XKGSH["Institution-erasmusCode"],
    ),
    (
        "erasmus-code-not-in-normal-form",  # one space after a one-letter country
        add(f'{KUL} xkg:erasmusCode "B LEUVEN01"'),
        XKGSH["Institution-erasmusCode"],
    ),
    (
        "address-not-a-postal-address",
        remove(f"{KUL_ADDRESS} a schema:PostalAddress"),
        XKGSH["Institution-address"],
    ),
    (
        "two-addresses",
        add(f'{KUL} schema:address {node("institution/ku-leuven-6a5b4c/address-2")}',
            f'{node("institution/ku-leuven-6a5b4c/address-2")} a schema:PostalAddress'),
        XKGSH["Institution-address"],
    ),
    (
        "institution-iri-outside-layout",
        rename(LVIV, f"{KG}institution/"),
        XKGSH.InstitutionIriShape,
    ),
    (
        "unidentified-institution-not-typed-institution",
        remove(f"{HOST} a xkg:Institution"),
        # every sh:class xkg:Institution check on the host fails too: that is the point
        frozenset(
            {
                XKGSH["UnidentifiedInstitution-type"],
                XKGSH["Agreement-homeInstitution"],
                XKGSH["Unit-unitOf"],
                XKGSH["SourceDocument-publisher"],
            }
        ),
    ),
    (
        "unidentified-institution-without-known-as",
        drop(HOST, "xkg:knownAs"),
        XKGSH["UnidentifiedInstitution-knownAs"],
    ),
    # unit
    ("unit-without-unit-of", drop(MAHIDOL_UNIT, "org:unitOf"), XKGSH["Unit-unitOf"]),
    (
        "unit-of-two-institutions",
        add(f"{HOST_UNIT} org:unitOf {KUL}"),
        XKGSH["Unit-unitOf"],
    ),
    ("unit-without-name", drop(KUL_UNIT, "skos:prefLabel"), XKGSH["Unit-prefLabel"]),
    (
        "has-unit-without-unit-of",
        add(f"{KUL} org:hasUnit {HOST_UNIT}"),
        XKGSH["Unit-hasUnitIsInverse"],
    ),
    (
        "unit-iri-outside-layout",
        rename(KUL_UNIT, f"{KG}faculty/kul-engineering-9f8e7d"),
        XKGSH.UnitIriShape,
    ),
    # consortium
    (
        "consortium-with-one-member",
        remove(
            f"{THAI} org:hasMember {MAHIDOL_UNIT}",
            f"{THAI_AGREEMENT} xkg:partnerInstitution {MAHIDOL}",
        ),
        XKGSH["Consortium-hasMember"],
    ),
    (
        "consortium-country-name-not-code",
        replace(THAI_ADDRESS, "schema:addressCountry", '"Thailand"'),
        XKGSH["Consortium-addressCountry"],
    ),
    ("consortium-without-name", drop(THAI, "skos:prefLabel"), XKGSH["Consortium-prefLabel"]),
    (
        "consortium-iri-outside-layout",
        rename(THAI, f"{KG}consortium/"),
        XKGSH.ConsortiumIriShape,
    ),
    # source document
    (
        "document-without-identifier",
        drop(DOC, "dcterms:identifier"),
        XKGSH["SourceDocument-identifier"],
    ),
    (
        "document-with-two-english-titles",
        add(f'{DOC} dcterms:title "Partner list"@en'),
        XKGSH["SourceDocument-title"],
    ),
    (
        "document-language-as-a-tag",
        replace(PL_DOC, "dcterms:language", '"pl"'),
        XKGSH["SourceDocument-language"],
    ),
    (
        "document-without-publisher",
        drop(PL_DOC, "dcterms:publisher"),
        XKGSH["SourceDocument-publisher"],
    ),
    (
        "as-of-as-source-text",
        add(f'{DOC} xkg:asOf "as of May 2016"'),
        XKGSH["SourceDocument-asOf"],
    ),
    (
        "document-without-original-file-name",
        drop(DOC, "xkg:originalFileName"),
        XKGSH["SourceDocument-originalFileName"],
    ),
    ("document-without-file-name", drop(DOC, "xkg:fileName"), XKGSH["SourceDocument-fileName"]),
    (
        "sha256-upper-case",
        replace(DOC, "xkg:sha256", '"' + "A" * 64 + '"'),
        XKGSH["SourceDocument-sha256"],
    ),
    (
        "document-iri-outside-layout",
        rename(DOC, f"{KG}source-gse-partners"),
        XKGSH.SourceDocumentIriShape,
    ),
    # source record
    (
        "record-without-line",
        drop(RECORD, "xkg:lineNumber"),
        XKGSH.SourceRecordPlaceShape,
    ),
    (
        "location-empty",
        add(f'{RECORD} xkg:location ""'),
        XKGSH["SourceRecord-location"],
    ),
    ("line-number-zero", replace(RECORD, "xkg:lineNumber", "0"), XKGSH["SourceRecord-lineNumber"]),
    (
        "record-without-document",
        drop(RECORD, "xkg:inDocument"),
        XKGSH["SourceRecord-inDocument"],
    ),
    ("record-without-raw-text", drop(RECORD, "xkg:rawText"), XKGSH["SourceRecord-rawText"]),
    (
        "record-iri-outside-layout",
        rename(RECORD, f"{KG}records/gse-partners/4"),
        XKGSH.SourceRecordIriShape,
    ),
]

# (id, update, rule) for values that are legal but unusual: warnings only, graph still usable.
UNUSUAL: list[tuple[str, str, Rules]] = [
    ("no-level", drop(AGREEMENT, "xkg:level"), XKGSH["Agreement-levelStated"]),
    (
        "start-year-1850",
        replace(PL_AGREEMENT, "xkg:startYear", "1850")
        + " ; "
        + replace(PL_AGREEMENT, "xkg:startDate", '"1850"^^xsd:gYear'),
        XKGSH["Agreement-startYearPlausible"],
    ),
    (
        "ends-before-it-starts",
        replace(PL_AGREEMENT, "xkg:endDate", '"2020"^^xsd:gYear'),
        XKGSH["Agreement-endNotBeforeStart"],
    ),
    (
        "home-is-also-partner",
        add(
            f"{PL_AGREEMENT} xkg:partner {PL_HOST}",
            f"{PL_AGREEMENT} xkg:partnerInstitution {PL_HOST}",
        ),
        XKGSH["Agreement-homeIsNotPartner"],
    ),
    (
        "two-short-term-quotas",
        replace(LONG_TERM_QUOTA, "xkg:mobilityKind", "mobility:short-term"),
        XKGSH["Agreement-oneQuotaPerMobilityKind"],
    ),
    (
        "quota-of-400",
        replace(SHORT_TERM_QUOTA, "xkg:places", '"400"^^xsd:nonNegativeInteger'),
        XKGSH["Quota-placesPlausible"],
    ),
    (
        "named-institution-without-country",
        drop(KUL_ADDRESS, "schema:addressCountry"),
        XKGSH["Institution-countryKnown"],
    ),
    (
        "website-without-scheme",
        replace(KUL, "schema:url", "<ftp://www.kuleuven.be/>"),
        XKGSH["Institution-urlIsWeb"],
    ),
    ("document-without-title", drop(PL_DOC, "dcterms:title"), XKGSH["SourceDocument-titleStated"]),
]

# Links to ROR and Wikidata (shapes/links.shapes.ttl). The identifiers are made up.
OTHER_ROR = "0abcdef12"
BROKEN += [
    ("ror-id-malformed", replace(KUL, "xkg:rorId", '"ror-12345"'),
     {XKGSH["Linked-rorId"], XKGSH["Linked-sameAsMatchesIds"]}),
    ("two-qids", f"INSERT DATA {{ {KUL} xkg:wikidataId 'Q2' ; owl:sameAs "
     "<http://www.wikidata.org/entity/Q2> }", XKGSH["Linked-wikidataId"]),
    ("same-as-elsewhere", f"INSERT DATA {{ {KUL} owl:sameAs <http://dbpedia.org/resource/X> }}",
     XKGSH["Linked-sameAs"]),
    ("two-ror-ids", f"INSERT DATA {{ {KUL} xkg:rorId '{OTHER_ROR}' ; owl:sameAs "
     f"<https://ror.org/{OTHER_ROR}> }}", XKGSH["Linked-oneRorUnlessCurated"]),
    ("ror-shared-in-country", f"INSERT DATA {{ {node('institution/leuven-other-1a1a1a')} "
     "a xkg:Institution ; skos:prefLabel 'Leuven (other)' ; schema:address "
     f"{node('institution/leuven-other-1a1a1a/address')} ; xkg:rorId '05f950310' ; "
     f"owl:sameAs <https://ror.org/05f950310> . {node('institution/leuven-other-1a1a1a/address')}"
     " a schema:PostalAddress ; schema:addressCountry 'BE' }",
     XKGSH["Linked-rorUniqueInCountry"]),
    ("id-without-same-as", drop(KUL, "owl:sameAs"), XKGSH["Linked-sameAsMatchesIds"]),
    ("unit-is-an-institution", add(f"{KUL_UNIT} a xkg:Institution"),
     {XKGSH["Unit-notAnInstitution"], XKGSH.InstitutionIriShape,
      XKGSH["Agreement-partnerInstitutionsCoverPartners"]}),
    ("unit-same-as-an-institution", add(f"{KUL_UNIT} owl:sameAs <https://ror.org/05f950310>"),
     XKGSH["Unit-notAnInstitution"]),
]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def valid_graph() -> Graph:
    return Graph().parse(data=TURTLE_PREFIXES + VALID, format="turtle")


def broken_graph(update: str) -> Graph:
    data = valid_graph()
    data.update(SPARQL_PREFIXES + update)
    assert not data.isomorphic(valid_graph()), "the update changed nothing"
    return data


def as_set(rule: Rules) -> set[URIRef]:
    return {rule} if isinstance(rule, URIRef) else set(rule)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


def check(data: Graph, shapes: Graph, engine: str) -> Validation:
    return validate(store_of(data), shapes, engine)


def failed_rules(data: Graph, shapes: Graph, engine: str) -> dict[URIRef, set[URIRef]]:
    """Failed rules by severity: each named by its SPARQL constraint, else by its shape."""
    report = check(data, shapes, engine).report
    out: dict[URIRef, set[URIRef]] = {}
    for result in report.objects(None, SH.result):
        rule = report.value(result, SH.sourceConstraint) or report.value(result, SH.sourceShape)
        out.setdefault(report.value(result, SH.resultSeverity), set()).add(rule)
    return out


# --- the valid graph ---------------------------------------------------------------------------


def test_valid_graph_conforms_without_warnings(shapes: Graph, engine: str) -> None:
    data = valid_graph()
    assert any(isinstance(q, BNode) for q in data.subjects(RDF.type, vocab.XKG.Quota))
    result = check(data, shapes, engine)
    assert result.conforms and result.warnings == 0, result.text()


def test_valid_graph_conforms_when_read_back_from_oxigraph(shapes: Graph, engine: str) -> None:
    """An Oxigraph store hands strings back as "JP"^^xsd:string and every integer subtype as
    xsd:integer; a graph built or loaded there must still validate."""
    store = Graph(store="Oxigraph")
    for triple in valid_graph():
        store.add(triple)
    data = Graph()
    for triple in store:
        data.add(triple)
    objects = set(data.objects())
    assert Literal("JP", datatype=XSD.string) in objects
    assert Literal("4", datatype=XSD.integer) in objects
    result = check(data, shapes, engine)
    assert result.conforms and result.warnings == 0, result.text()


@pytest.mark.parametrize("base", ["http://data.example.net/exchange#", "https://kg.example.com/v2/"])
def test_valid_graph_conforms_under_another_base(shapes: Graph, base: str, engine: str) -> None:
    """IRI patterns check the layout after the base, whatever the base is."""
    text = (TURTLE_PREFIXES + VALID).replace(KG, base)
    result = check(Graph().parse(data=text, format="turtle"), shapes, engine)
    assert result.conforms and result.warnings == 0, result.text()


# --- broken graphs fail with the rule they break -----------------------------------------------


@pytest.mark.parametrize(
    ("update", "rule"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
)
def test_broken_graph_violates_exactly_the_expected_rule(
    shapes: Graph, update: str, rule: Rules, engine: str
) -> None:
    failed = failed_rules(broken_graph(update), shapes, engine)
    assert failed.get(SH.Violation) == as_set(rule)


@pytest.mark.parametrize(
    ("update", "rule"), [case[1:] for case in UNUSUAL], ids=[case[0] for case in UNUSUAL]
)
def test_unusual_graph_only_warns(shapes: Graph, update: str, rule: Rules, engine: str) -> None:
    assert failed_rules(broken_graph(update), shapes, engine) == {SH.Warning: as_set(rule)}


def test_every_rule_is_exercised_by_a_test(shapes: Graph) -> None:
    """A rule that no broken graph triggers may be silently dead (a typo in a path, say)."""
    property_shapes = {s for s in shapes.subjects(SH.path, None) if isinstance(s, URIRef)}
    iri_shapes = {
        s for s in shapes.subjects(SH.pattern, None) if (s, SH.targetClass, None) in shapes
    }
    rules = set(shapes.subjects(RDF.type, SH.SPARQLConstraint)) | property_shapes | iri_shapes
    tested = set().union(*(as_set(rule) for _, _, rule in BROKEN + UNUSUAL))
    assert sorted(rules - tested) == []


# --- the shapes file itself --------------------------------------------------------------------


def test_every_shape_is_named_and_explained(shapes: Graph) -> None:
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | {
        s for s in shapes.subjects(SH.path, None) if isinstance(s, URIRef)
    }
    for shape in named:
        assert shapes.value(shape, SH.name) is not None, shape
        assert shapes.value(shape, RDFS.comment) is not None, shape
    for constraint in shapes.subjects(RDF.type, SH.SPARQLConstraint):
        assert shapes.value(constraint, RDFS.comment) is not None, constraint
        assert shapes.value(constraint, SH.message) is not None, constraint
        assert shapes.value(constraint, SH.prefixes) == SHAPES_GRAPH, constraint


def test_every_class_has_a_shape_targeting_it(shapes: Graph) -> None:
    targeted = set(shapes.objects(None, SH.targetClass))
    assert {vocab.XKG[name] for name in vocab.CLASSES} <= targeted


def test_class_shapes_state_their_severity(shapes: Graph) -> None:
    for shape in shapes.subjects(SH.targetClass, None):
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning), shape


@pytest.mark.parametrize(
    ("shape", "namespace", "names"),
    [
        (XKGSH["Agreement-level"], LEVEL, vocab.LEVELS),
        (XKGSH["Agreement-kind"], KIND, vocab.KINDS),
        (XKGSH["Agreement-status"], STATUS, vocab.STATUSES),
        (XKGSH["Quota-mobilityKind"], MOBILITY, vocab.MOBILITY_KINDS),
    ],
)
def test_concept_lists_match_vocab(
    shapes: Graph, shape: URIRef, namespace: Namespace, names: tuple[str, ...]
) -> None:
    listed = list(shapes.items(shapes.value(shape, SH["in"])))
    assert listed == [namespace[name] for name in names]


def test_country_code_list_matches_pycountry_and_the_user_assigned(shapes: Graph) -> None:
    expected = sorted(country_codes())
    assert "XK" in expected
    alternatives = list(shapes.items(shapes.value(XKGSH.CountryCodeShape, SH["or"])))
    plain, typed = (list(shapes.items(shapes.value(alt, SH["in"]))) for alt in alternatives)
    assert [str(code) for code in plain] == expected
    assert [str(code) for code in typed] == expected
    assert all(code.datatype is None for code in plain)
    assert all(code.datatype == XSD.string for code in typed)
