"""The in-memory copies a query worker answers from: same answers as the database, and only
queries that cannot see a named graph go to the default-graph copy."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pytest

from exchange_kg.serve.results import QueryJob, run_query
from exchange_kg.serve.runtime import load_examples
from exchange_kg.serve.store import database_path
from exchange_kg.serve.worker_store import (
    WorkerStores,
    open_worker_stores,
    reads_default_graph_only,
)
from test_serve_support import DOC_A, serve_dist, synthetic_dist  # noqa: F401  (fixtures)

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.mark.parametrize("query", [
    COUNT,
    "ASK { ?s a ?t }",
    "PREFIX ex: <http://example.org/serviced#> SELECT ?x WHERE { ?x ex:p ?y }",
])
def test_queries_without_dataset_words_read_the_default_graph(query: str) -> None:
    assert reads_default_graph_only(QueryJob(query))


@pytest.mark.parametrize("query", [
    "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    "select ?g where { graph ?g { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://example.org/g> WHERE { GrApH ?g { ?s ?p ?o } }",
    "# counts everything from all lists\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?x WHERE { ?x <http://example.org/graph/doc> ?y }",
])
def test_any_mention_of_graph_or_from_gets_the_full_copy(query: str) -> None:
    assert not reads_default_graph_only(QueryJob(query))


def test_dataset_parameters_get_the_full_copy() -> None:
    assert not reads_default_graph_only(QueryJob(COUNT, default_graphs=("http://x/g",)))
    assert not reads_default_graph_only(QueryJob(COUNT, named_graphs=("http://x/g",)))


def test_a_small_store_is_copied_whole_and_as_its_default_graph(
        synthetic_dist: Path) -> None:  # noqa: F811
    database = database_path(synthetic_dist)
    disk = pyoxigraph.Store.read_only(str(database))
    stores = open_worker_stores(database, max_memory_quads=len(disk))
    assert stores.default_graph is not None
    assert stores.full is not disk and len(stores.full) == len(disk)
    default = set(disk.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    assert set(stores.default_graph) == default and len(default) < len(disk)
    assert stores.for_job(QueryJob(COUNT)) is stores.default_graph
    assert stores.for_job(QueryJob("SELECT * { GRAPH ?g { ?s ?p ?o } }")) is stores.full
    assert stores.for_job(QueryJob(COUNT, default_graphs=(DOC_A,))) is stores.full


def test_a_store_over_the_budget_stays_on_disk(synthetic_dist: Path) -> None:  # noqa: F811
    database = database_path(synthetic_dist)
    disk_quads = len(pyoxigraph.Store.read_only(str(database)))
    stores = open_worker_stores(database, max_memory_quads=disk_quads - 1)
    assert stores.default_graph is None
    assert stores.for_job(QueryJob(COUNT)) is stores.full
    with pytest.raises(RuntimeError, match="read-write"):  # the database, not a copy
        stores.full.update("INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }")


def test_copies_must_fit_in_half_the_memory_ceiling(serve_dist: Path) -> None:  # noqa: F811
    database = database_path(serve_dist)
    megabytes = len(pyoxigraph.Store.read_only(str(database))) // 1024 + 1  # ~1 KB a quad
    assert open_worker_stores(database, 10**9, memory_limit_mb=megabytes).default_graph is None
    roomy = open_worker_stores(database, 10**9, memory_limit_mb=2 * megabytes + 2)
    assert roomy.default_graph is not None
    assert open_worker_stores(database, 10**9, memory_limit_mb=None).default_graph is not None


def _answer(stores: WorkerStores, job: QueryJob) -> object:
    """What ``job`` answers, up to what SPARQL leaves open: the order of rows that tie under
    ORDER BY (or have none) and of the values GROUP_CONCAT joins."""
    outcome = run_query(stores.for_job(job), job)
    assert outcome.status == 200, outcome.message
    if outcome.kind != "select":
        return outcome.body  # N-Triples, sorted by the server
    data = json.loads(outcome.body)
    return data["head"]["vars"], sorted(
        sorted((var, term["type"], " ".join(sorted(term["value"].split())),
                term.get("datatype", ""), term.get("xml:lang", ""))
               for var, term in binding.items())
        for binding in data["results"]["bindings"])


def test_the_copies_answer_as_the_database(serve_dist: Path) -> None:  # noqa: F811
    """Every example query (some use GRAPH), plus dataset parameters."""
    database = database_path(serve_dist)
    accept = "application/sparql-results+json, application/n-triples"
    jobs = [QueryJob(example.text, accept=accept) for example in load_examples()]
    graph = next(iter(pyoxigraph.Store.read_only(str(database)).named_graphs())).value
    jobs.append(QueryJob(COUNT, default_graphs=(graph,)))
    jobs.append(QueryJob("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                         "GROUP BY ?g"))
    in_memory = open_worker_stores(database, max_memory_quads=10**9)
    on_disk = open_worker_stores(database, max_memory_quads=0)
    assert in_memory.default_graph is not None and on_disk.default_graph is None
    assert any(in_memory.for_job(job) is in_memory.default_graph for job in jobs)
    assert any(in_memory.for_job(job) is in_memory.full for job in jobs)
    for job in jobs:
        assert _answer(in_memory, job) == _answer(on_disk, job), job.query
