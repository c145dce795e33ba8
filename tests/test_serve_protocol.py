"""The SPARQL 1.1 Protocol at /sparql over the real build: every method and format, content
negotiation, the service description, refusals and limits, CORS, no stack traces."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from starlette.testclient import TestClient

from exchange_kg.serve.app import create_app
from exchange_kg.serve.config import ServeConfig
from test_serve_support import parse_rdf, serve_dist  # noqa: F401  (fixture)

BASE = "https://w3id.org/exchange-kg/"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
COUNT_AGREEMENTS = ("PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>\n"
                    "SELECT (COUNT(?a) AS ?n) WHERE { ?a a xkg:Agreement }")
CONSTRUCT = ("PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>\n"
             "CONSTRUCT { ?a a xkg:Agreement } WHERE { ?a a xkg:Agreement } LIMIT 3")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(serve_dist: Path) -> Iterator[TestClient]:  # noqa: F811
    config = ServeConfig(dist_dir=serve_dist, base=BASE, workers=2, timeout=5,
                         max_query_length=3000, max_rows=2000)
    with TestClient(create_app(config), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def agreements(serve_dist: Path) -> int:  # noqa: F811
    report = json.loads((serve_dist / "report.json").read_text())
    return int(report["totals"]["agreements"])


def _count_json(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_get_defaults_to_sparql_json(client: TestClient, agreements: int) -> None:
    r = client.get("/sparql", params={"query": COUNT_AGREEMENTS})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert "Accept" in r.headers["vary"]
    assert _count_json(r.content) == agreements


def test_post_form_and_post_direct(client: TestClient, agreements: int) -> None:
    form = client.post("/sparql", data={"query": COUNT_AGREEMENTS})
    assert form.status_code == 200 and _count_json(form.content) == agreements
    direct = client.post("/sparql", content=COUNT_AGREEMENTS.encode(),
                         headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    assert direct.status_code == 200 and _count_json(direct.content) == agreements


@pytest.mark.parametrize("method", ["GET", "POST-form", "POST-direct"])
@pytest.mark.parametrize(("accept", "fmt", "media"), [
    ("application/sparql-results+json", "json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "xml", "application/sparql-results+xml"),
    ("text/csv", "csv", "text/csv"),
    ("text/tab-separated-values", "tsv", "text/tab-separated-values"),
])
def test_select_formats_by_accept_and_by_parameter(client: TestClient, agreements: int,
                                                   method: str, accept: str, fmt: str,
                                                   media: str) -> None:
    for headers, params in (({"Accept": accept}, {}), ({"Accept": "*/*"}, {"format": fmt})):
        if method == "GET":
            r = client.get("/sparql", params={"query": COUNT_AGREEMENTS, **params},
                           headers=headers)
        elif method == "POST-form":
            r = client.post("/sparql", data={"query": COUNT_AGREEMENTS, **params},
                            headers=headers)
        else:
            r = client.post("/sparql", params=params, content=COUNT_AGREEMENTS.encode(),
                            headers={**headers, "Content-Type": "application/sparql-query"})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].split(";")[0] == media
        if fmt == "json":
            value = _count_json(r.content)
        elif fmt == "xml":
            ns = "{http://www.w3.org/2005/sparql-results#}"
            value = int(ET.fromstring(r.content).find(f".//{ns}literal").text)
        elif fmt == "csv":
            value = int(list(csv.reader(io.StringIO(r.text)))[1][0])
        else:
            value = int(r.text.splitlines()[1].split('"')[1])
        assert value == agreements


@pytest.mark.parametrize(("accept", "fmt", "rdflib_format"), [
    ("text/turtle", "turtle", "turtle"),
    ("application/n-triples", "ntriples", "nt"),
    ("application/ld+json", "jsonld", "json-ld"),
    ("application/rdf+xml", "rdfxml", "xml"),
])
def test_construct_and_describe_formats(client: TestClient, accept: str, fmt: str,
                                        rdflib_format: str) -> None:
    by_accept = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    by_param = client.post("/sparql", data={"query": CONSTRUCT, "format": fmt})
    for r in (by_accept, by_param):
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
        g = parse_rdf(r.content, rdflib_format)
        assert len(g) == 3
    describe = client.get("/sparql", params={
        "query": f"DESCRIBE <{BASE}source/gse-partners>"}, headers={"Accept": accept})
    g = parse_rdf(describe.content, rdflib_format)
    assert (URIRef(f"{BASE}source/gse-partners"), None, None) in g


def test_ask(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert r.json() == {"head": {}, "boolean": True}


def test_dataset_parameters(client: TestClient, serve_dist: Path) -> None:  # noqa: F811
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    whole = _count_json(client.get("/sparql", params={"query": q}).content)
    ontology = _count_json(client.get("/sparql", params={
        "query": q, "default-graph-uri": f"{BASE}graph/ontology"}).content)
    assert 0 < ontology < whole
    named = client.get("/sparql", params={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        "named-graph-uri": [f"{BASE}graph/ontology", f"{BASE}graph/gse-partners"]})
    graphs = {b["g"]["value"] for b in named.json()["results"]["bindings"]}
    assert graphs == {f"{BASE}graph/ontology", f"{BASE}graph/gse-partners"}


def test_service_description(client: TestClient) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    service = next(g.subjects(None, SD.Service))
    assert (service, SD.endpoint, URIRef(f"{BASE}sparql")) in g
    formats = set(g.objects(service, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert URIRef("http://www.w3.org/ns/formats/Turtle") in formats
    names = {str(o) for o in g.objects(None, SD.name)}
    assert f"{BASE}graph/gse-partners" in names
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert len(parse_rdf(jsonld.text, "json-ld")) == len(g)


def test_browsers_are_sent_to_the_query_page(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": BROWSER},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/query?query=ASK")
    r = client.get("/sparql", headers={"Accept": BROWSER}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/query"


def test_not_acceptable(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "application/sparql-results+json" in r.text
    r = client.get("/sparql", params={"query": CONSTRUCT, "format": "csv"})
    assert r.status_code == 406


@pytest.mark.parametrize("request_kwargs", [
    {"method": "POST", "url": "/sparql",
     "data": {"update": "INSERT DATA { <http://a> <http://b> <http://c> }"}},
    {"method": "POST", "url": "/sparql",
     "content": b"INSERT DATA { <http://a> <http://b> <http://c> }",
     "headers": {"Content-Type": "application/sparql-update"}},
    {"method": "GET", "url": "/sparql",
     "params": {"update": "CLEAR ALL"}},
    {"method": "POST", "url": "/sparql",
     "data": {"query": "INSERT DATA { <http://a> <http://b> <http://c> }"}},
    {"method": "GET", "url": "/sparql",
     "params": {"query": "DROP ALL"}},
])
def test_update_is_refused(client: TestClient, request_kwargs: dict) -> None:
    r = client.request(**request_kwargs)
    assert r.status_code == 403 and "read-only" in r.text
    ask = client.get("/sparql", params={"query": "ASK { <http://a> <http://b> <http://c> }"})
    assert ask.json()["boolean"] is False


def test_service_is_refused_but_a_comment_about_it_is_not(client: TestClient) -> None:
    federated = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert client.get("/sparql", params={"query": federated}).status_code == 403
    r = client.post("/sparql", content=federated.lower().encode(),
                    headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 403 and "SERVICE is not allowed" in r.text
    harmless = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # no SERVICE <http://x/> {} here"
    assert client.get("/sparql", params={"query": harmless}).status_code == 200


def test_malformed_query_gets_the_parser_message_and_no_trace(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert r.status_code == 400
    assert "error at 1:" in r.text and "Traceback" not in r.text
    assert r.headers["content-type"].startswith("text/plain")


def test_length_and_result_limits(client: TestClient) -> None:
    long_query = "SELECT * WHERE { ?s ?p ?o }" + " " * 3000
    assert client.get("/sparql", params={"query": long_query}).status_code == 414
    assert client.post("/sparql", data={"query": long_query}).status_code == 413
    big = client.post("/sparql", content=b"x" * 50_000,
                      headers={"Content-Type": "application/sparql-query"})
    assert big.status_code == 413
    too_many = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert too_many.status_code == 403 and "2000" in too_many.text and "LIMIT" in too_many.text


def test_protocol_errors(client: TestClient) -> None:
    two = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert two.status_code == 400
    assert client.post("/sparql", content=b"ASK {}",
                       headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.post("/sparql", data={"format": "json"}).status_code == 400
    assert client.put("/sparql", content=b"ASK {}").status_code == 405


def test_download_parameter_makes_an_attachment(client: TestClient) -> None:
    r = client.post("/sparql", data={"query": "SELECT * {}", "format": "csv", "download": "1"})
    assert r.headers["content-disposition"] == 'attachment; filename="query-result.csv"'


def test_cors(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"},
                   headers={"Origin": "https://notebook.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["vary"] == "Accept, Origin"  # a cache must not mix up answers
    assert r.headers["x-content-type-options"] == "nosniff"
    preflight = client.options("/sparql", headers={
        "Origin": "https://notebook.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()


def test_internal_errors_show_no_stack_trace(client: TestClient,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from exchange_kg.serve import pages

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals at /srv/private/path.py")

    monkeypatch.setattr(pages, "_entity_context", broken)
    r = client.get("/institution/does-not-matter.html")
    assert r.status_code in (404, 500)
    r = client.get("/graph/gse-partners.html")
    assert r.status_code == 500
    assert "secret" not in r.text and "Traceback" not in r.text and "/srv" not in r.text
    from exchange_kg.serve import sparql

    monkeypatch.setattr(sparql, "parse_request", broken)  # the endpoint's own path
    r = client.post("/sparql", data={"query": "ASK {}"})
    assert r.status_code == 500 and r.text == "internal server error\n"


def test_an_identical_request_is_answered_from_the_kept_answers(client: TestClient) -> None:
    answers = client.app.state.runtime.answers  # type: ignore[attr-defined]
    query = COUNT_AGREEMENTS + " # kept"
    hits = answers.hits
    first = client.get("/sparql", params={"query": query})
    again = client.get("/sparql", params={"query": query})
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and answers.hits == hits + 1
    as_csv = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert as_csv.text.splitlines()[0] == "n" and answers.hits == hits + 1


def test_without_a_cache_every_request_runs(serve_dist: Path) -> None:  # noqa: F811
    config = ServeConfig(dist_dir=serve_dist, base=BASE, workers=1, cache_mb=0)
    with TestClient(create_app(config)) as c:
        for _ in range(2):
            assert c.get("/sparql", params={"query": COUNT_AGREEMENTS}).status_code == 200
        assert c.app.state.runtime.answers.hits == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("request_kwargs", [
    {"method": "GET", "params": {"query": COUNT_AGREEMENTS}},
    {"method": "POST", "data": {"query": COUNT_AGREEMENTS, "download": "1"},
     "headers": {"Accept": "text/csv", "Origin": "https://notebook.example"}},
    {"method": "POST", "content": CONSTRUCT.encode(),
     "headers": {"Content-Type": "application/sparql-query", "Accept": "text/turtle"}},
    {"method": "POST", "data": {"query": "SELECT * WHERE {"}},  # 400 from the engine
    {"method": "POST", "content": b"query=ASK{}",
     "headers": {"Content-Type": "text/plain", "Origin": "https://notebook.example"}},
    {"method": "POST", "data": {"update": "INSERT DATA { <a> <b> <c> }"}},
    {"method": "POST", "data": {"format": "json"}},  # no query
    {"method": "GET", "params": {"query": "ASK {}", "format": "csv"}},  # 406
])
def test_the_query_fast_path_answers_as_the_full_stack_does(
        client: TestClient, request_kwargs: dict[str, object],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GET and POST /sparql skip the router and middleware (app.EndpointFirst); the same
    request sent through the CORS, security-header and length middleware to the Starlette
    endpoint gets the same status, headers and body."""
    from exchange_kg.serve.app import EndpointFirst

    fast = client.request(url="/sparql", **request_kwargs)  # type: ignore[arg-type]

    async def declined(*args: object) -> bool:
        return False

    monkeypatch.setattr(EndpointFirst, "_answer", declined)
    full = client.request(url="/sparql", **request_kwargs)  # type: ignore[arg-type]
    assert (fast.status_code, fast.content) == (full.status_code, full.content)
    assert sorted(fast.headers.multi_items()) == sorted(full.headers.multi_items())
