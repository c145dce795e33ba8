"""What the endpoint refuses before a query runs: SERVICE (really used, not mentioned) and
SPARQL Update."""

from __future__ import annotations

import pytest

from exchange_kg.serve import guard


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { sErViCe SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://x/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "ASK { FILTER EXISTS { SERVICE <http://x/> { ?a ?b ?c } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "DESCRIBE ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT * WHERE { OPTIONAL { GRAPH ?g { SERVICE <x:y> {} } } } } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <x:y> { ?s ?p ?o } } }",
    # a comment on the same line must not hide what follows on the next
    "SELECT * WHERE { # a comment\n SERVICE <http://x/> { ?s ?p ?o } }",
    # a naive lexer reads <'> as an IRI and the rest as a string; a parser does not
    "SELECT * WHERE { ?s ?p ?o FILTER(?o<'>') SERVICE <http://x/> { ?a ?b ?c } FILTER('x') }",
])
def test_service_is_refused(query: str) -> None:
    assert guard.service_refusal(query) == guard.SERVICE_REFUSED


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { ?a ?b ?c }" }',
    "SELECT * WHERE { ?s ?p '''multi\nline SERVICE <http://x/> {}''' }",
    "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>\n"
    "SELECT ?s WHERE { ?s a sd:Service }",
    "PREFIX service: <http://example.org/>\nSELECT * WHERE { ?s service:p ?o }",
    "SELECT ?service WHERE { ?service ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o }",
])
def test_mentioning_service_is_not_using_it(query: str) -> None:
    assert guard.service_refusal(query) is None


def test_unverifiable_query_mentioning_service_is_refused() -> None:
    refusal = guard.service_refusal("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o }")
    assert refusal is not None and "could not be parsed" in refusal


@pytest.mark.parametrize(("text", "expected"), [
    ("INSERT DATA { <http://a> <http://b> <http://c> }", True),
    ("PREFIX x: <http://x/>\nDELETE WHERE { ?s x:p ?o }", True),
    ("LOAD <http://example.org/data.ttl>", True),
    ("CLEAR ALL", True),
    ("SELECT * WHERE { ?s ?p ?o }", False),
    ("SELECT * WHERE { ?insert ?p ?o", False),
])
def test_update_is_recognised(text: str, expected: bool) -> None:
    assert guard.is_update(text) is expected
