"""Lookups answered in the web process (``serve.lookups``): which queries qualify, that every
other one still goes to a worker, and that the answer is the same bytes either way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from starlette.testclient import TestClient

from exchange_kg.serve import lookups
from exchange_kg.serve.app import create_app
from exchange_kg.serve.config import ServeConfig
from exchange_kg.serve.lookups import Lookups
from exchange_kg.serve.results import QueryJob, answer_job
from exchange_kg.serve.store import database_path
from exchange_kg.serve.worker_store import WorkerStores, default_graph_copy
from test_serve_support import serve_dist  # noqa: F401  (fixture)

BASE = "https://w3id.org/exchange-kg/"
XKG = "https://w3id.org/exchange-kg/ontology#"
A = "http://example.org/a"


def _tiny() -> Lookups:
    """Lookups over a store whose default graph holds ``A`` with three properties, one of
    them a blank node, and ``<http://example.org/b>`` with 30."""
    store = pyoxigraph.Store()
    store.update(f"INSERT DATA {{ <{A}> <http://example.org/p> <http://example.org/b>, 'x' . "
                 f"<http://example.org/c> <http://example.org/p> [ <http://example.org/q> 1 ] }}")
    store.update("INSERT DATA { " + " ".join(
        f"<http://example.org/b> <http://example.org/n> {i} ." for i in range(30)) + " }")
    return Lookups(WorkerStores(store, default_graph_copy(store)), in_memory=True)


@pytest.mark.parametrize("query", [
    f"SELECT ?p ?o WHERE {{ <{A}> ?p ?o }}",
    f"select * {{<{A}>?p?o.}} limit 5",
    f"  SELECT ?o\nWHERE\t{{ <{A}> <http://example.org/p> ?o }}  ",
    f"ASK {{ <{A}> ?p ?o }}",
    f"CONSTRUCT WHERE {{ <{A}> ?p ?o }}",
    f"SELECT ?s ?p WHERE {{ ?s ?p <{A}> }}",
    f"SELECT ?s WHERE {{ ?s a <{A}> }}",
    f"DESCRIBE <{A}>",
])
def test_a_bounded_lookup_is_answered_here(query: str) -> None:
    found = _tiny()
    outcome = found.answer(QueryJob(query))
    assert outcome is not None and outcome.status == 200 and found.answered == 1


@pytest.mark.parametrize("query", [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",  # no IRI: the whole graph
    f"SELECT ?p ?o WHERE {{ <{A}> ?p ?o . ?o ?q ?r }}",  # a join
    f"SELECT ?p ?o WHERE {{ <{A}> ?p ?o }} # a comment",
    f"PREFIX ex: <http://example.org/> SELECT ?p ?o WHERE {{ <{A}> ?p ?o }}",
    "SELECT ?p ?o WHERE { <a> ?p ?o }",  # relative: resolved against the base elsewhere
    "SELECT ?p ?o WHERE { <http://example.org/\\u0061> ?p ?o }",  # an escape
    "SELECT ?p ?o WHERE { <http://example.org/x/../a> ?p ?o }",  # a dot segment
    "SELECT ?s ?p WHERE { ?s ?p <http://example.org/./a> }",
    "DESCRIBE <http://example.org/x/..>",
    f"SELECT ?p WHERE {{ <{A}> ?p 'x' }}",  # a literal
    f"SELECT ?p ?o WHERE {{ GRAPH ?g {{ <{A}> ?p ?o }} }}",
    f"SELECT ?p ?o FROM <{A}> WHERE {{ <{A}> ?p ?o }}",
    f"SELECT ?p ?o WHERE {{ SERVICE <{A}> {{ <{A}> ?p ?o }} }}",
    "SELECT ?p ?o WHERE { <http://service.example/x> ?p ?o }",  # the word, anywhere
    "SELECT ?sa ?o WHERE { ?sa ?o }",  # one variable ?sa, not ?s a ?o
    f"SELECT (COUNT(*) AS ?n) WHERE {{ <{A}> ?p ?o }}",
    f"SELECT ?p ?o WHERE {{ <{A}> ?p ?o }} ORDER BY ?o",
    f"DESCRIBE <{A}> <http://example.org/b>",
    "DESCRIBE <http://example.org/c>",  # its description follows a blank node
    f"INSERT DATA {{ <{A}> <{A}> <{A}> }}",
])
def test_anything_else_goes_to_a_worker(query: str) -> None:
    assert _tiny().answer(QueryJob(query)) is None


def test_the_engine_reads_an_absolute_iri_as_written() -> None:
    """What the bound counts is what the engine reads: it neither resolves an absolute IRI
    against the base (dot segments are refused anyway) nor changes its case or escapes."""
    store = pyoxigraph.Store()
    for iri in ("HTTP://Example.org/A", "http://example.org/%7Ea", "urn:x:/.y"):
        found = store.query(f"SELECT ?x WHERE {{ BIND(<{iri}> AS ?x) }}",
                            base_iri="https://example.org/base/")
        assert [row["x"] for row in found] == [pyoxigraph.NamedNode(iri)]


def test_dataset_parameters_go_to_a_worker() -> None:
    query = f"SELECT ?p ?o WHERE {{ <{A}> ?p ?o }}"
    assert _tiny().answer(QueryJob(query, default_graphs=(A,))) is None
    assert _tiny().answer(QueryJob(query, named_graphs=(A,))) is None


def test_a_lookup_reading_more_than_the_bound_goes_to_a_worker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    query = "SELECT ?p ?o WHERE { <http://example.org/b> ?p ?o }"
    monkeypatch.setattr(lookups, "MAX_MATCHES", 30)
    assert _tiny().answer(QueryJob(query)) is not None
    monkeypatch.setattr(lookups, "MAX_MATCHES", 29)
    assert _tiny().answer(QueryJob(query)) is None
    assert _tiny().answer(QueryJob("DESCRIBE <http://example.org/b>")) is None


def test_a_lookup_is_answered_from_the_store_a_worker_would_use() -> None:
    """With in-memory workers, a query naming 'graph' in an IRI reads the full copy there,
    which this process does not hold; on disk, both read the database."""
    query = "SELECT ?p ?o WHERE { <http://example.org/graph> ?p ?o }"
    assert _tiny().answer(QueryJob(query)) is None
    store = pyoxigraph.Store()
    assert Lookups(WorkerStores(store), in_memory=False).answer(QueryJob(query)) is not None


def _server(dist: Path, inline: bool, **settings: object) -> TestClient:
    return TestClient(create_app(ServeConfig(dist_dir=dist, base=BASE, workers=1,
                                             cache_mb=0, inline_lookups=inline,
                                             **settings)))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def both(serve_dist: Path) -> Iterator[tuple[TestClient, TestClient]]:  # noqa: F811
    with _server(serve_dist, True, max_rows=5) as here, \
            _server(serve_dist, False, max_rows=5) as workers:
        yield here, workers


@pytest.fixture(scope="module")
def subject(both: tuple[TestClient, TestClient]) -> str:
    query = (f"PREFIX xkg: <{XKG}> SELECT ?a WHERE {{ ?a a xkg:Agreement }} ORDER BY ?a "
             "LIMIT 1")
    r = both[1].get("/sparql", params={"query": query})
    return str(json.loads(r.content)["results"]["bindings"][0]["a"]["value"])


REQUESTS = [
    # (query template, parameters beyond the query, headers)
    ("SELECT ?p ?o WHERE {{ <{s}> ?p ?o }} LIMIT 4", {}, {}),
    ("SELECT ?p ?o WHERE {{ <{s}> ?p ?o }} LIMIT 4", {"format": "xml"}, {}),
    ("SELECT ?p ?o WHERE {{ <{s}> ?p ?o }} LIMIT 4", {}, {"Accept": "text/csv"}),
    ("SELECT ?p ?o WHERE {{ <{s}> ?p ?o }} LIMIT 4", {"format": "tsv", "download": "1"}, {}),
    ("SELECT ?p ?o WHERE {{ <{s}> ?p ?o }}", {}, {}),  # over max_rows: 403
    ("SELECT ?p ?o WHERE {{ <{s}> ?p ?o }} LIMIT 4", {},
     {"Accept": "image/png"}),  # 406
    ("SELECT ?s ?p WHERE {{ ?s ?p <{s}> }} LIMIT 3", {}, {"Origin": "https://a.example"}),
    ("ASK {{ <{s}> ?p ?o }}", {}, {}),
    ("ASK {{ <{s}> ?p ?o }}", {"format": "csv"}, {}),  # 406: no boolean in CSV
    ("CONSTRUCT WHERE {{ <{s}> ?p ?o }} LIMIT 4", {}, {"Accept": "text/turtle"}),
    ("DESCRIBE <{s}>", {}, {"Accept": "text/turtle"}),  # over max_rows: 403
    ("DESCRIBE <{s}x>", {}, {"Accept": "text/turtle"}),  # nothing known: empty
    ("DESCRIBE <{s}x>", {"format": "jsonld"}, {}),
    ("DESCRIBE <{s}x>", {}, {"Accept": "application/n-triples"}),
    ("DESCRIBE <{s}x>", {}, {"Accept": "application/rdf+xml"}),
    ("SELECT ?p ?o WHERE {{ <{s}:x:> ?p ?o }}", {}, {}),
]


@pytest.mark.parametrize(("template", "params", "headers"), REQUESTS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_lookup_gets_the_same_answer_here_as_from_a_worker(
        both: tuple[TestClient, TestClient], subject: str, template: str,
        params: dict[str, str], headers: dict[str, str], method: str) -> None:
    here, workers = both
    fields = {"query": template.format(s=subject), **params}
    answered = here.app.state.runtime.lookups.answered  # type: ignore[attr-defined]
    if method == "GET":
        mine = here.get("/sparql", params=fields, headers=headers)
        theirs = workers.get("/sparql", params=fields, headers=headers)
    else:
        mine = here.post("/sparql", data=fields, headers=headers)
        theirs = workers.post("/sparql", data=fields, headers=headers)
    assert here.app.state.runtime.lookups.answered == answered + 1  # type: ignore[attr-defined]
    assert workers.app.state.runtime.lookups is None  # type: ignore[attr-defined]
    assert (mine.status_code, mine.content) == (theirs.status_code, theirs.content)
    assert sorted(mine.headers.multi_items()) == sorted(theirs.headers.multi_items())


def test_every_lookup_of_the_build_is_the_same_here(serve_dist: Path) -> None:  # noqa: F811
    """Each subject's properties, inbound links and description, for a spread of the real
    graph's subjects, byte for byte as the workers give them (answer order included)."""
    store = pyoxigraph.Store.read_only(str(database_path(serve_dist)))
    subjects = sorted({q.subject.value for q in store.quads_for_pattern(
        None, None, None, pyoxigraph.DefaultGraph()) if isinstance(q.subject,
                                                                    pyoxigraph.NamedNode)})
    del store
    with _server(serve_dist, True) as here, _server(serve_dist, False) as workers:
        for s in subjects[::max(1, len(subjects) // 40)]:
            for query, accept in ((f"SELECT * WHERE {{ <{s}> ?p ?o }}", "text/csv"),
                                  (f"SELECT ?o ?p WHERE {{ <{s}> ?p ?o }}",
                                   "application/sparql-results+json"),
                                  (f"SELECT * WHERE {{ ?x ?p <{s}> }}", "application/json"),
                                  (f"DESCRIBE <{s}>", "text/turtle"),
                                  (f"CONSTRUCT WHERE {{ <{s}> ?p ?o }} LIMIT 3",
                                   "application/n-triples"),
                                  (f"ASK {{ <{s}> ?p ?o }}", "application/json")):
                mine = here.post("/sparql", data={"query": query}, headers={"Accept": accept})
                theirs = workers.post("/sparql", data={"query": query},
                                      headers={"Accept": accept})
                assert (mine.status_code, mine.content) == (theirs.status_code,
                                                            theirs.content), query
        assert here.app.state.runtime.lookups.answered > 60  # type: ignore[attr-defined]


def test_a_slow_query_is_still_stopped_with_lookups_on(serve_dist: Path) -> None:  # noqa: F811
    """Every query that is not a bounded lookup keeps the worker's time limit."""
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    with _server(serve_dist, True, timeout=0.5) as here:
        r = here.post("/sparql", data={"query": slow})
        assert r.status_code == 504
        assert here.app.state.runtime.lookups.answered == 0  # type: ignore[attr-defined]


TRICKY = ['"plain"', '"a \\" quote and a \\\\ backslash"', '"line\\nbreak\\ttab\\u0001 \\u007f"',
          '"ünïcødé ✓ 𝄞"@fr', '"42"^^<http://www.w3.org/2001/XMLSchema#integer>',
          '"x"^^<http://example.org/dt>', '"</script>&amp;"', '""@en-GB',
          '<http://example.org/o?a=1&b=%22#é>']


@pytest.mark.parametrize(("query", "accept"), [
    (f"SELECT ?p ?o WHERE {{ <{A}> ?p ?o }}", "application/sparql-results+json"),
    (f"select * {{ <{A}> ?p ?o }} LIMIT 4", "application/json"),
    (f"SELECT $o ?p WHERE {{ <{A}> ?p ?o }}", None),
    (f"SELECT * WHERE {{ <{A}> ?z ?a }}", None),
    (f"SELECT ?o WHERE {{ <{A}> <http://example.org/p3> ?o }}", "*/*"),
    (f"SELECT ?o WHERE {{ <{A}> ?p ?o }} limit 0", "application/sparql-results+json"),
    (f"ASK {{ <{A}> ?p ?o }}", "application/sparql-results+xml"),
    (f"ASK {{ <{A}> <http://example.org/none> ?o }}", None),
    (f"CONSTRUCT WHERE {{ <{A}> ?p ?o }} LIMIT 5", "text/turtle"),
    (f"DESCRIBE <{A}>", "application/n-triples"),
    (f"DESCRIBE <{A}>", "application/ld+json"),
])
def test_a_lookup_written_directly_is_what_the_engine_writes(
        query: str, accept: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Escapes, language tags, datatypes, projections, LIMIT and the forms written from the
    matched triples without the engine (``lookups._direct``): the same bytes as the engine's
    answer on the same store."""
    store = pyoxigraph.Store()
    store.update("INSERT DATA { " + " ".join(
        f"<{A}> <http://example.org/p{i}> {term} ." for i, term in enumerate(TRICKY)) + " }")
    found = Lookups(WorkerStores(store, default_graph_copy(store)), in_memory=True)
    job = QueryJob(query, accept, base_iri=BASE)
    expected = answer_job(found.stores.default_graph, job)  # type: ignore[arg-type]

    def engine(*args: object) -> None:
        raise AssertionError("the engine ran")

    monkeypatch.setattr(lookups, "answer_job", engine)
    outcome = found.answer(job)
    assert outcome is not None and expected.status == 200
    assert (outcome.status, outcome.body, outcome.content_type) == (
        expected.status, expected.body, expected.content_type)


@pytest.mark.parametrize("query", [
    f"SELECT ?p ?o WHERE {{ <{A}> ?p ?o }}",  # XML: the engine writes it
    f"SELECT ?x WHERE {{ <{A}> ?x ?x }}",  # a repeated variable: the engine joins
    f"SELECT ?p ?q WHERE {{ <{A}> ?p ?o }}",  # an unbound variable
    "SELECT ?s ?p WHERE { ?s ?p <http://example.org/b> }",  # on its object
    f"SELECT ?p ?o WHERE {{ <{A}> ?p ?o }} LIMIT 100",  # over max_rows: the engine's 403
])
def test_what_the_engine_must_write_is_left_to_it(query: str) -> None:
    job = QueryJob(query, "application/sparql-results+xml" if "LIMIT" not in query
                   and "?x" not in query and "?q" not in query and "?s" not in query
                   else None, max_rows=1)
    found = _tiny()
    quads = found._matches(found.stores.default_graph, lookups._FORMS["select"].fullmatch(
        query))  # type: ignore[arg-type]
    assert quads is not None
    assert lookups._direct("select", lookups._FORMS["select"].fullmatch(query),  # type: ignore[arg-type]
                           quads, job) is None
    outcome = found.answer(job)
    assert outcome is not None
    assert outcome.body == answer_job(found.stores.default_graph, job).body  # type: ignore[arg-type]
