"""One real institution, one IRI, on the bundled build linked to the development snapshot.

What a researcher counting partners or joining with ROR relies on, asked as they would ask it
(SPARQL on the published N-Triples): the host of a list is the same resource as that
university where another list names it as a partner, and a ROR ID finds every agreement of its
institution; no ROR ID names two resources of one country, whatever their class; and no
organisation is an institution and a unit at once.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph
import pytest

pytestmark = pytest.mark.skipif(not os.environ.get("EXCHANGE_KG_ROR_DUMP"),
                                reason="needs the ROR dump (EXCHANGE_KG_ROR_DUMP)")

PREFIXES = """
PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
TOHOKU_ROR = "01dq60k83"  # Tohoku University: the host of one list, a partner in another
HOST_LIST = "tohoku-agreements-2016"


@pytest.fixture(scope="module")
def store(dist: Path) -> pyoxigraph.Store:
    s = pyoxigraph.Store()
    s.bulk_load(path=str(dist / "exchange-kg.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return s


def rows(store: pyoxigraph.Store, query: str) -> list[tuple[str | None, ...]]:
    return [tuple(t.value if t is not None else None for t in row)
            for row in store.query(PREFIXES + query)]


def count(store: pyoxigraph.Store, query: str) -> int:
    return int(rows(store, query)[0][0])


def test_the_host_is_one_resource_with_its_country_and_ror_link(store: pyoxigraph.Store) -> None:
    found = rows(store, f"""
        SELECT DISTINCT ?inst ?country WHERE {{
          ?inst xkg:rorId "{TOHOKU_ROR}" .
          OPTIONAL {{ ?inst schema:address/schema:addressCountry ?country }}
        }}""")
    assert len(found) == 1, found
    inst, country = found[0]
    assert country == "JP"
    # the publisher of the host's list is that resource, and so is the partner another list names
    publisher = rows(store, f"""
        SELECT ?pub WHERE {{ ?doc a xkg:SourceDocument ; dcterms:publisher ?pub .
                            FILTER(STRENDS(STR(?doc), "/{HOST_LIST}")) }}""")
    assert publisher == [(inst,)]
    assert count(store, f"SELECT (COUNT(*) AS ?n) {{ ?a xkg:partnerInstitution <{inst}> }}") >= 1
    # no second resource anywhere carries the host's name
    assert count(store, """
        SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {
          ?i a xkg:Institution ; skos:prefLabel|skos:altLabel ?label .
          FILTER(LCASE(STR(?label)) = "tohoku university")
        }""") == 1


def test_a_ror_id_finds_every_agreement_of_its_institution(store: pyoxigraph.Store) -> None:
    by_ror = count(store, f"""
        SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
          ?a xkg:homeInstitution|xkg:partnerInstitution ?i . ?i xkg:rorId "{TOHOKU_ROR}" }}""")
    # every agreement of the host's own list, plus those where another list names it a partner
    own = count(store, f"""
        SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
          ?a a xkg:Agreement ; xkg:listedIn ?doc . FILTER(STRENDS(STR(?doc), "/{HOST_LIST}")) }}""")
    as_partner = count(store, """
        SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
          ?a xkg:partnerInstitution ?i . ?i skos:prefLabel|skos:altLabel ?label .
          FILTER(LCASE(STR(?label)) = "tohoku university") }""")
    assert own > 600 and as_partner >= 1
    assert by_ror == own + as_partner


def test_no_ror_id_names_two_resources_of_one_country(store: pyoxigraph.Store) -> None:
    # institutions, hosts and units alike: a unit never carries its institution's ID either
    shared = rows(store, """
        SELECT ?ror ?country (COUNT(DISTINCT ?org) AS ?n) WHERE {
          ?org xkg:rorId ?ror .
          OPTIONAL { ?org schema:address/schema:addressCountry ?c }
          OPTIONAL { ?org <http://www.w3.org/ns/org#unitOf>/schema:address/schema:addressCountry
                     ?parentCountry }
          BIND(COALESCE(?c, ?parentCountry, "") AS ?country)
        } GROUP BY ?ror ?country HAVING (COUNT(DISTINCT ?org) > 1)""")
    assert shared == []
    assert count(store, "SELECT (COUNT(DISTINCT ?r) AS ?n) { ?i xkg:rorId ?r }") > 500


def test_no_organisation_is_an_institution_and_a_unit(store: pyoxigraph.Store) -> None:
    both = rows(store, """
        SELECT DISTINCT ?org WHERE {
          { ?org a xkg:Institution, xkg:Unit }
          UNION
          { ?org a xkg:Unit ; owl:sameAs ?same . ?inst a xkg:Institution ; owl:sameAs ?same }
        }""")
    assert both == []
    assert count(store, "SELECT (COUNT(*) AS ?n) { ?u a xkg:Unit ; owl:sameAs ?s }") > 0
