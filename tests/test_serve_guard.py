"""The textual checks of the endpoint: the SERVICE check used where the query workers cannot
be sandboxed, the explanation of an update sent as a query, and the reading of engine errors.
Where the sandbox works, the engine itself decides (tests/test_serve_sandbox.py)."""

from __future__ import annotations

import time

import pytest

from exchange_kg.serve import guard


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { sErViCe SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://x/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    # the bypass of the rdflib guard: rdflib decoded the escape and saw the comment end
    # and a string begin; the engine sees a comment up to the real line end
    'SELECT * WHERE { # \\u000A """\nSERVICE <http://x/> { ?s ?p ?o } } # """',
    'SELECT * WHERE { # \\U0000000A """\nSERVICE <http://x/> { ?s ?p ?o } } # """',
    # Oxigraph matches the keyword without a word boundary
    "SELECT * WHERE { ?s ?p trueSERVICE<http://x/>{} }",
    "PREFIX : <http://x/> SELECT * WHERE { SERVICE:y {} }",
    # the keyword spelt with escapes, should an engine decode them everywhere
    "SELECT * WHERE { \\u0053ERVICE <http://x/> {} }",
    "SELECT * WHERE { \\U00000053\\U00000045RVICE <http://x/> {} }",
])
def test_fallback_refuses_every_spelling_of_service(query: str) -> None:
    assert guard.service_suspected(query)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT ?x WHERE { ?x a <http://www.w3.org/2002/07/owl#Class> } # a comment",
    "SELECT * WHERE { ?s ?p '\\u0073erv' }",  # an escape that spells only part of the word
])
def test_fallback_lets_other_queries_through(query: str) -> None:
    assert not guard.service_suspected(query)


def test_fallback_is_linear() -> None:
    query = "SELECT * WHERE { ?s ?p ?o } # " + "\\u0073" * 200_000
    started = time.perf_counter()
    guard.service_suspected(query)
    guard.is_update(query)
    assert time.perf_counter() - started < 2.0  # a backtracking check took minutes


@pytest.mark.parametrize(("text", "expected"), [
    ("INSERT DATA { <http://a> <http://b> <http://c> }", True),
    ("PREFIX x: <http://x/>\nDELETE WHERE { ?s x:p ?o }", True),
    ("# a comment\nBASE <http://x/> PREFIX : <http://y/> LOAD <http://example.org/d.ttl>",
     True),
    ("LOAD <http://example.org/data.ttl>", True),
    ("CLEAR ALL", True),
    ("with <http://g> delete { ?s ?p ?o } where { ?s ?p ?o }", True),
    ("SELECT * WHERE { ?s ?p ?o }", False),
    ("SELECT * WHERE { ?insert ?p ?o", False),
    ("PREFIX insert: <http://x/> SELECT * WHERE { ?s insert:p ?o }", False),
    ("", False),
])
def test_update_is_recognised(text: str, expected: bool) -> None:
    assert guard.is_update(text) is expected


SERVICE_CALL = "SELECT * WHERE { SERVICE <http://127.0.0.1:8/> { ?s ?p ?o } }"


@pytest.mark.parametrize(("error", "query", "refused"), [
    (PermissionError("Permission denied (os error 13)"), SERVICE_CALL, True),
    (OSError("failed to lookup address information"), SERVICE_CALL, True),
    (OSError("Not supported URL scheme: ftp"), SERVICE_CALL, True),
    (OSError("I/O error reading the store"), "SELECT * WHERE { ?s ?p ?o }", False),
    (RuntimeError("The variable encoding the service name is unbound"), SERVICE_CALL, False),
])
def test_engine_errors_of_a_service_call(error: Exception, query: str, refused: bool) -> None:
    refusal = guard.engine_refusal(error, query)
    assert (refusal is not None) is refused
    if refused:
        assert refusal.startswith(guard.SERVICE_REFUSED) and str(error) in refusal
