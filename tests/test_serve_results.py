"""Result serialisation in every format, read back by independent parsers, and the limits."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph
import pytest
from pyoxigraph import Literal, NamedNode, Quad

from exchange_kg.serve import results
from exchange_kg.serve.results import QueryJob, run_query

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SELECT = f"""SELECT ?s ?label ?n ?missing WHERE {{
  ?s <{EX}label> ?label . OPTIONAL {{ ?s <{EX}n> ?n }} OPTIONAL {{ ?s <{EX}none> ?missing }}
}} ORDER BY ?s"""


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    s = pyoxigraph.Store()
    g1, g2 = NamedNode(EX + "g1"), NamedNode(EX + "g2")
    s.add(Quad(NamedNode(EX + "a"), NamedNode(EX + "label"),
               Literal('quote " comma, tab\tnewline\nend', language="en"), g1))
    s.add(Quad(NamedNode(EX + "a"), NamedNode(EX + "n"),
               Literal("5", datatype=NamedNode(XSD + "integer")), g1))
    s.add(Quad(NamedNode(EX + "b"), NamedNode(EX + "label"), Literal("<b> & Ünïcödé"), g2))
    s.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return s


# the rows of SELECT, terms in N-Triples syntax, unbound variables left out
EXPECTED = [
    {"s": f"<{EX}a>", "label": '"quote \\" comma, tab\\tnewline\\nend"@en',
     "n": f'"5"^^<{XSD}integer>'},
    {"s": f"<{EX}b>", "label": '"<b> & Ünïcödé"'},
]


@pytest.mark.parametrize(("fmt", "parser"), [
    ("json", pyoxigraph.QueryResultsFormat.JSON),
    ("xml", pyoxigraph.QueryResultsFormat.XML),
    ("tsv", pyoxigraph.QueryResultsFormat.TSV),
])
def test_select_round_trips(store: pyoxigraph.Store, fmt: str,
                            parser: pyoxigraph.QueryResultsFormat) -> None:
    outcome = run_query(store, QueryJob(SELECT, format=fmt))
    assert outcome.status == 200 and outcome.kind == "select"
    parsed = pyoxigraph.parse_query_results(outcome.body, format=parser)
    names = [v.value for v in parsed.variables]
    assert names == ["s", "label", "n", "missing"]
    rows = [{n: str(row[n]) for n in names if row[n] is not None} for row in parsed]
    assert rows == EXPECTED


def test_select_json_is_the_w3c_shape(store: pyoxigraph.Store) -> None:
    data = json.loads(run_query(store, QueryJob(SELECT, accept="application/json")).body)
    first = data["results"]["bindings"][0]
    assert data["head"]["vars"] == ["s", "label", "n", "missing"]
    assert first["label"] == {"type": "literal", "value": 'quote " comma, tab\tnewline\nend',
                              "xml:lang": "en"}
    assert first["n"] == {"type": "literal", "value": "5", "datatype": XSD + "integer"}
    assert "missing" not in first


def test_select_csv_quotes_what_needs_quoting(store: pyoxigraph.Store) -> None:
    outcome = run_query(store, QueryJob(SELECT, accept="text/csv"))
    assert outcome.content_type == "text/csv; charset=utf-8"
    assert b"\r\n" in outcome.body
    rows = list(csv.reader(io.StringIO(outcome.body.decode("utf-8"), newline="")))
    assert rows[0] == ["s", "label", "n", "missing"]
    assert rows[1] == [EX + "a", 'quote " comma, tab\tnewline\nend', "5", ""]
    assert rows[2] == [EX + "b", "<b> & Ünïcödé", "", ""]


@pytest.mark.parametrize(("fmt", "marker"), [
    ("json", b'"boolean":true'), ("xml", b"<boolean>true</boolean>"),
])
def test_ask_in_the_formats_that_define_a_boolean(store: pyoxigraph.Store, fmt: str,
                                                   marker: bytes) -> None:
    outcome = run_query(store, QueryJob(f"ASK {{ <{EX}a> ?p ?o }}", format=fmt))
    assert outcome.status == 200 and outcome.kind == "ask" and marker in outcome.body
    assert b"false" in run_query(store, QueryJob(f"ASK {{ <{EX}zz> ?p ?o }}", format=fmt)).body


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_ask_is_not_answered_in_csv_or_tsv(store: pyoxigraph.Store, fmt: str) -> None:
    """The CSV and TSV results formats define no boolean: 406, naming JSON and XML."""
    outcome = run_query(store, QueryJob(f"ASK {{ <{EX}a> ?p ?o }}", format=fmt))
    assert outcome.status == 406
    assert "application/sparql-results+json" in outcome.message and "csv" not in outcome.message


def test_relative_iris_resolve_against_the_base(store: pyoxigraph.Store) -> None:
    job = QueryJob("CONSTRUCT { <s> <p> 1 } WHERE {}", format="ntriples", base_iri=EX)
    outcome = run_query(store, job)
    assert outcome.status == 200 and f"<{EX}s> <{EX}p> ".encode() in outcome.body


@pytest.mark.parametrize(("fmt", "rdf_format", "media"), [
    ("turtle", pyoxigraph.RdfFormat.TURTLE, "text/turtle"),
    ("ntriples", pyoxigraph.RdfFormat.N_TRIPLES, "application/n-triples"),
    ("jsonld", pyoxigraph.RdfFormat.JSON_LD, "application/ld+json"),
    ("rdfxml", pyoxigraph.RdfFormat.RDF_XML, "application/rdf+xml"),
])
def test_graph_results_round_trip(store: pyoxigraph.Store, fmt: str,
                                  rdf_format: pyoxigraph.RdfFormat, media: str) -> None:
    outcome = run_query(store, QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", format=fmt))
    assert outcome.status == 200 and outcome.kind == "graph"
    assert outcome.content_type.startswith(media)
    back = {(str(t.subject), str(t.predicate), str(t.object))
            for t in pyoxigraph.parse(outcome.body, format=rdf_format)}
    direct = {(str(t.subject), str(t.predicate), str(t.object))
              for t in store.query("CONSTRUCT WHERE { ?s ?p ?o }")}
    assert back == direct and len(back) == 3


def test_default_graph_is_the_merge_and_dataset_parameters_narrow_it(
        store: pyoxigraph.Store) -> None:
    def count(job: QueryJob) -> int:
        return int(json.loads(run_query(store, job).body)["results"]["bindings"][0]["n"]
                   ["value"])

    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(QueryJob(q)) == 3
    assert count(QueryJob(q, default_graphs=(EX + "g2",))) == 1
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(QueryJob(named, named_graphs=(EX + "g1",))) == 2


def test_json_is_the_same_from_either_writer(store: pyoxigraph.Store,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """pyoxigraph writes JSON when the body shows it has at most ``max_rows`` rows; the
    counting writer, which runs otherwise, writes the same bytes."""
    with monkeypatch.context() as patched:
        patched.setattr(results, "_native_json", lambda result, job: None)
        counted = run_query(store, QueryJob(SELECT, format="json", max_rows=2))
    assert counted.status == 200
    assert len(json.loads(counted.body)["results"]["bindings"]) == 2

    def no_counting_writer(*args: object) -> None:
        raise AssertionError("the counting writer ran for a JSON result within the limits")

    monkeypatch.setattr(results, "_write_solutions", no_counting_writer)
    native = run_query(store, QueryJob(SELECT, format="json", max_rows=2))
    assert native.status == 200 and native.body == counted.body


@pytest.mark.parametrize("values, rows", [
    ('"a" "b" "c"', 3),
    ('"{" "}{{" "\\"type\\":\\"uri\\"{"', 3),  # braces and look-alike keys in strings
    ("<http://example.org/x> UNDEF", 2),  # a row with nothing bound
])
def test_json_row_bound_never_undercounts(values: str, rows: int) -> None:
    s = pyoxigraph.Store()
    for query in (f"SELECT ?type WHERE {{ VALUES ?type {{ {values} }} }}",
                  f"SELECT ?x ?type WHERE {{ VALUES ?x {{ {values} }} BIND(?x AS ?type) }}"):
        body = run_query(s, QueryJob(query, format="json", max_rows=rows)).body
        assert len(json.loads(body)["results"]["bindings"]) == rows
        assert results._json_rows_at_most(body) >= rows
    exact = f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"
    assert run_query(s, QueryJob(exact, format="json", max_rows=rows - 1)).status == 403


def test_limits(store: pyoxigraph.Store) -> None:
    too_many = run_query(store, QueryJob(SELECT, max_rows=1))
    assert too_many.status == 403 and "more than 1 rows" in too_many.message
    too_big = run_query(store, QueryJob(SELECT, max_bytes=50))
    assert too_big.status == 403 and "50 bytes" in too_big.message
    graph = run_query(store, QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=2))
    assert graph.status == 403 and "triples" in graph.message


def test_errors_carry_the_parser_message(store: pyoxigraph.Store) -> None:
    bad = run_query(store, QueryJob("SELECT * WHERE { ?s ?p ?o "))
    assert bad.status == 400 and "error at 1:" in bad.message
    refused = run_query(store, QueryJob("ASK {}", accept="text/html"))
    assert refused.status == 406 and "application/sparql-results+json" in refused.message
