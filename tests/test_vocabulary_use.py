"""Reused vocabularies are used as their specifications define them.

schema.org puts ``addressCountry`` / ``addressLocality`` on a ``PostalAddress`` and gives
``url`` the range URL (an IRI); DCTERMS gives ``language`` the range ``LinguisticSystem`` and
``creator`` the range ``Agent`` (resources, not strings). A language tag claims the text is in
that language, so a city is tagged only where its spelling shows it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from conftest import ROOT
from exchange_kg.languages import EU_LANGUAGE, language_iri, written_in
from exchange_kg.mapper import web_iri

SCHEMA = "https://schema.org/"
DCT = "http://purl.org/dc/terms/"


@pytest.mark.parametrize(("name", "expected"), [
    ("Brześć", "pl"), ("Łuck", "pl"), ("Zaporozże", "pl"), ("Chersoń", "pl"),
    # the same in several languages, or only shared letters: unknown
    ("Pekin", None), ("Yerevan", None), ("Tirana", None), ("Kijów", None),
    ("Concepción", None),
    # a letter Polish does not have: not Polish, whatever else it is
    ("Bañska Bystrzyca", None), ("Priştina", None),
])
def test_a_city_is_tagged_only_where_its_spelling_shows_the_language(
        name: str, expected: str | None) -> None:
    assert written_in(name, "pl") == expected


def test_no_language_no_tag() -> None:
    assert written_in("Łuck", None) is None
    assert written_in("Łuck", "en") is None  # English has no letter of its own to prove it


def test_language_iris_come_from_the_eu_authority() -> None:
    assert language_iri("pl") == EU_LANGUAGE + "POL"
    assert language_iri("en-GB") == EU_LANGUAGE + "ENG"
    assert language_iri("ja") == EU_LANGUAGE + "JPN"
    assert language_iri("qq") is None


def test_web_addresses_become_valid_iris() -> None:
    assert web_iri("https://www.kuleuven.be/en") == "https://www.kuleuven.be/en"
    assert web_iri("https://zażółć.pl/ą") == "https://zażółć.pl/ą"  # IRIs may hold Unicode
    fixed = web_iri('http://x.edu/a b{c}"')
    assert fixed == "http://x.edu/a%20b%7Bc%7D%22"
    pyoxigraph.NamedNode(fixed)


@pytest.fixture(scope="module")
def graph(dist: Path) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.bulk_load(path=str(dist / "exchange-kg.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _ask(store: pyoxigraph.Store, query: str) -> bool:
    return bool(store.query("PREFIX schema: <https://schema.org/> "
                            "PREFIX dcterms: <http://purl.org/dc/terms/> " + query))


def test_country_and_city_are_on_a_postal_address(graph: pyoxigraph.Store) -> None:
    assert _ask(graph, "ASK { ?org schema:address ?a . ?a a schema:PostalAddress ; "
                       "schema:addressCountry ?c }")
    assert not _ask(graph, "ASK { ?x schema:addressCountry|schema:addressLocality ?v "
                           "FILTER NOT EXISTS { ?x a schema:PostalAddress } }")


def test_websites_are_iris(graph: pyoxigraph.Store) -> None:
    assert _ask(graph, "ASK { ?x schema:url ?u FILTER(isIRI(?u)) }")
    assert not _ask(graph, "ASK { ?x schema:url ?u FILTER(!isIRI(?u)) }")


def test_cities_carry_a_language_only_where_it_is_shown(graph: pyoxigraph.Store) -> None:
    rows = list(graph.query("SELECT ?c WHERE { ?a <https://schema.org/addressLocality> ?c }"))
    tagged = {r["c"].value: r["c"].language for r in rows if r["c"].language}
    untagged = {r["c"].value for r in rows if not r["c"].language}
    assert tagged and untagged  # the Polish list names cities both ways
    for name, language in tagged.items():
        assert written_in(name, language) == language, name
    assert "Pekin" in untagged and "Pekin" not in tagged


def test_dcterms_language_and_creator_are_resources(graph: pyoxigraph.Store) -> None:
    assert not _ask(graph, "ASK { ?d dcterms:language ?l FILTER(!isIRI(?l)) }")
    assert _ask(graph, "ASK { ?d dcterms:language ?l . ?l a dcterms:LinguisticSystem }")
    onto = pyoxigraph.Store()
    onto.load(path=str(ROOT / "ontology" / "exchange-kg.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert _ask(onto, "ASK { ?o dcterms:creator ?c }")
    assert not _ask(onto, "ASK { ?o dcterms:creator|dcterms:language ?c FILTER(isLiteral(?c)) }")
