"""A real ``exchange-kg serve`` process on 127.0.0.1, used by client libraries nobody here
wrote: SPARQLWrapper, rdflib's SPARQLStore and pyld; and the timeout under load."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from test_serve_support import running_server, serve_dist  # noqa: F401  (fixture)

XKG = "https://w3id.org/exchange-kg/ontology#"
COUNT = f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a <{XKG}Agreement> }}"
CONSTRUCT = (f"CONSTRUCT {{ ?a a <{XKG}Agreement> ; <{XKG}startYear> ?y }} "
             f"WHERE {{ ?a a <{XKG}Agreement> ; <{XKG}startYear> ?y }} ORDER BY ?a LIMIT 20")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def fresh_dist(serve_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """The build without its store, so that the server has to build it."""
    out = tmp_path_factory.mktemp("fresh-dist")
    for item in serve_dist.iterdir():
        if item.is_file():
            shutil.copy2(item, out / item.name)
    return out


@pytest.fixture(scope="module")
def server(fresh_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("logs") / "server.log"
    with running_server(fresh_dist, log, "--workers", "2", "--timeout", "2") as url:
        yield url


@pytest.fixture(scope="module")
def agreements(serve_dist: Path) -> int:  # noqa: F811
    return int(json.loads((serve_dist / "report.json").read_text())["totals"]["agreements"])


def test_serve_built_the_missing_store(server: str, fresh_dist: Path) -> None:
    assert (fresh_dist / "store" / "stamp.json").is_file()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_in_json_xml_csv(server: str, agreements: int,
                                              method: str) -> None:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setMethod(method)
    client.setQuery(COUNT)
    client.setReturnFormat(JSON)
    data = client.queryAndConvert()
    assert int(data["results"]["bindings"][0]["n"]["value"]) == agreements
    client.setReturnFormat(XML)
    doc = client.queryAndConvert()
    assert int(doc.getElementsByTagName("literal")[0].firstChild.data) == agreements
    client.setReturnFormat(CSV)
    assert client.queryAndConvert().decode().splitlines()[1] == str(agreements)


def test_sparqlwrapper_ask_and_construct(server: str) -> None:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery("ASK { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    g = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert len(g) == 40
    client.setReturnFormat(XML)  # RDF/XML for a graph result
    assert len(client.queryAndConvert()) == 40


def test_rdflib_sparqlstore(server: str, agreements: int) -> None:
    graph = Graph(store=SPARQLStore(f"{server}/sparql"))
    rows = list(graph.query(COUNT))
    assert int(rows[0][0]) == agreements
    labelled = list(graph.query(
        'SELECT ?i WHERE { ?i <http://www.w3.org/2004/02/skos/core#prefLabel> '
        '"Tohoku University" }'))
    assert labelled and all(isinstance(row[0], URIRef) for row in labelled)
    assert len(list(graph.query(CONSTRUCT))) == 40


def _get(url: str, accept: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def _context_from(server: str) -> Callable[..., dict[str, Any]]:
    """A pyld document loader that fetches the context from this server, where its IRI under
    the (unregistered, offline) base would be redirected to."""
    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        assert url.startswith("https://w3id.org/exchange-kg/context/"), url
        local = server + "/" + url.removeprefix("https://w3id.org/exchange-kg/")
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": json.loads(_get(local, "application/ld+json"))}
    return load


def test_jsonld_is_read_back_by_pyld(server: str) -> None:
    query = urllib.parse.quote(CONSTRUCT)
    doc = json.loads(_get(f"{server}/sparql?query={query}", "application/ld+json"))
    dataset = jsonld.to_rdf(doc, {"format": "application/n-quads",
                                  "documentLoader": _context_from(server)})
    from_pyld = {line for line in dataset.splitlines() if line.strip()}
    ntriples = _get(f"{server}/sparql?query={query}", "application/n-triples").decode()
    assert from_pyld == {line for line in ntriples.splitlines() if line.strip()}
    assert len(from_pyld) == 40
    # a dereferenced IRI, through the 303, in JSON-LD
    iri = next(iter(json.loads(_get(
        f"{server}/sparql?query=" + urllib.parse.quote(
            'SELECT ?i WHERE { ?i <http://www.w3.org/2004/02/skos/core#prefLabel> '
            '"Tohoku University" }'), "application/json"))["results"]["bindings"]))["i"]["value"]
    path = iri.removeprefix("https://w3id.org/exchange-kg/")
    described = json.loads(_get(f"{server}/{path}", "application/ld+json"))
    expanded = jsonld.expand(described, {"documentLoader": _context_from(server)})
    assert any(node.get("@id") == iri for node in expanded)


def test_slow_query_is_stopped_while_others_are_answered(server: str) -> None:
    slow: dict[str, float] = {}

    def run_slow() -> None:
        started = time.monotonic()
        request = urllib.request.Request(
            f"{server}/sparql", data=SLOW.encode(),
            headers={"Content-Type": "application/sparql-query"})
        try:
            urllib.request.urlopen(request, timeout=30)
            slow["status"] = 200
        except urllib.error.HTTPError as exc:
            slow["status"] = exc.code
            slow["body"] = exc.read().decode()  # type: ignore[assignment]
        slow["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.4)
    cheap_times = []
    for n in range(3):  # three different texts, so none is answered from the cache
        started = time.monotonic()
        body = _get(f"{server}/sparql?query=" + urllib.parse.quote(f"{COUNT} # {n}"),
                    "text/csv")
        cheap_times.append(time.monotonic() - started)
        assert body.decode().splitlines()[0] == "n"
    thread.join(timeout=60)
    assert max(cheap_times) < 1.5, cheap_times
    assert slow["status"] == 504 and "2 s" in str(slow["body"])
    assert 1.9 < slow["seconds"] < 8
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        health = json.loads(_get(f"{server}/health", "application/json"))
        if health["workers_replaced"] >= 1:
            break
        time.sleep(0.2)
    assert health["workers_replaced"] == 1
    # the replacement worker answers too: two new queries at once both succeed
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda n=n: results.append(
        _get(f"{server}/sparql?query=" + urllib.parse.quote(f"{COUNT} # again {n}"),
             "text/csv")))
        for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 2
