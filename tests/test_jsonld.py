"""Compact JSON-LD with the published context: what it says is exactly what the Turtle says.

pyld (a JSON-LD processor nobody here wrote) expands our documents, resolving the context as a
client would; the result must be the same RDF as the N-Triples of the same graph.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from pyld import jsonld as pyld
from starlette.testclient import TestClient

from conftest import ROOT
from exchange_kg import jsonld
from exchange_kg.serve.app import create_app
from exchange_kg.serve.config import ServeConfig
from test_serve_support import serve_dist  # noqa: F401  (fixture)

BASE = "https://w3id.org/exchange-kg/"
EX = "https://example.org/kg/"
XSD = "http://www.w3.org/2001/XMLSchema#"
XKG = "https://w3id.org/exchange-kg/ontology#"


def loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader, answering for the published context only (no network)."""
    assert url == jsonld.context_url(BASE) or url == jsonld.context_url(EX), url
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": jsonld.context_document()}


def to_nquads(doc: dict[str, Any]) -> set[str]:
    text = pyld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader})
    return {line for line in text.splitlines() if line.strip()}


def ntriples(triples: list[pyoxigraph.Triple]) -> set[str]:
    return {f"{t.subject} {t.predicate} {t.object} ." for t in triples}


def _n(iri: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(iri)


def _lit(value: str, datatype: str | None = None, lang: str | None = None) -> pyoxigraph.Literal:
    if lang:
        return pyoxigraph.Literal(value, language=lang)
    return pyoxigraph.Literal(value, datatype=_n(datatype) if datatype else None)


TRICKY = [
    (_n(EX + "a"), _n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), _n(XKG + "Agreement")),
    (_n(EX + "a"), _n(XKG + "startYear"), _lit("2016", XSD + "integer")),
    (_n(EX + "a"), _n(XKG + "startDate"), _lit("2016-05", XSD + "gYearMonth")),
    (_n(EX + "a"), _n(XKG + "openEnded"), _lit("true", XSD + "boolean")),
    (_n(EX + "a"), _n(XKG + "kind"), _n("https://w3id.org/exchange-kg/vocab/agreement-kind/ge3")),
    (_n(EX + "a"), _n(XKG + "kind"), _lit("not an IRI")),  # a literal where IRIs are coerced
    (_n(EX + "a"), _n(XKG + "quota"), pyoxigraph.BlankNode("q1")),
    (pyoxigraph.BlankNode("q1"), _n(XKG + "places"), _lit("05", XSD + "nonNegativeInteger")),
    (pyoxigraph.BlankNode("q1"), _n(XKG + "places"), _lit("3", XSD + "integer")),
    (_n(EX + "a"), _n(EX + "unknownProperty"), _lit("Lwów", lang="pl")),
    (_n(EX + "a"), _n("http://www.w3.org/2000/01/rdf-schema#label"), _lit('"quoted" \\ text')),
    (_n(EX + "a"), _n("https://schema.org/url"), _n("https://zażółć.pl/a b".replace(" ", "%20"))),
    (_n(EX + "a"), _n(XKG + "matchScore"), _lit("0.950", XSD + "decimal")),
    (_n(EX + "a"), _n(XKG + "startYear"), _lit("007", XSD + "integer")),  # not canonical
]


def test_compact_json_ld_expands_to_the_same_rdf() -> None:
    triples = [pyoxigraph.Triple(*t) for t in TRICKY]
    doc = json.loads(jsonld.compact(triples, EX))
    assert doc["@context"] == jsonld.context_url(EX)
    node = next(n for n in doc["@graph"] if n["@id"] == EX + "a")
    assert node["@type"] == "Agreement" and node["openEnded"] is True
    assert "kinds:ge3" in node["kind"]  # a compact IRI under an @id-coerced term
    expanded = {line.replace("_:b0", "_:q1") for line in to_nquads(doc)}
    assert expanded == ntriples(triples)


def test_context_version_is_the_ontologys() -> None:
    onto = pyoxigraph.Store()
    onto.load(path=str(ROOT / "ontology" / "exchange-kg.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    versions = [r["v"].value for r in onto.query(
        "SELECT ?v WHERE { ?o a <http://www.w3.org/2002/07/owl#Ontology> ; "
        "<http://www.w3.org/2002/07/owl#versionInfo> ?v }")]
    assert versions == [jsonld.CONTEXT_VERSION]


def test_the_dump_is_the_whole_graph(serve_dist: Path) -> None:  # noqa: F811
    """Parsed by pyoxigraph (the context is inline: no network needed), the JSON-LD dump is
    the N-Triples dump, triple for triple."""
    from_jsonld = list(pyoxigraph.parse(path=str(serve_dist / "exchange-kg.jsonld"),
                                        format=pyoxigraph.RdfFormat.JSON_LD))
    from_nt = list(pyoxigraph.parse(path=str(serve_dist / "exchange-kg.nt"),
                                    format=pyoxigraph.RdfFormat.N_TRIPLES))

    def named(ts: list[pyoxigraph.Triple]) -> set[str]:
        return {line for line in ntriples(ts) if "_:" not in line}

    assert len(from_jsonld) == len(from_nt) > 10_000
    assert named(from_jsonld) == named(from_nt)
    head = (serve_dist / "exchange-kg.jsonld").read_text(encoding="utf-8")[:200]
    assert head.startswith('{"@context": {"xkg":')


def test_the_dump_carries_the_ontology_and_concept_schemes(serve_dist: Path) -> None:  # noqa: F811
    nt = (serve_dist / "exchange-kg.nt").read_text(encoding="utf-8")
    assert (f"<{XKG}Agreement> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<http://www.w3.org/2002/07/owl#Class> .") in nt
    assert ("<https://w3id.org/exchange-kg/vocab/level/university> "
            "<http://www.w3.org/2004/02/skos/core#prefLabel>") in nt


@pytest.fixture(scope="module")
def client(serve_dist: Path):  # noqa: F811, ANN201
    with TestClient(create_app(ServeConfig(dist_dir=serve_dist, base=BASE, workers=1))) as c:
        yield c


def test_entity_documents_are_compacted_and_mean_what_the_turtle_says(client: TestClient
                                                                       ) -> None:
    rows = client.get("/sparql", params={"query": (
        f"SELECT ?a WHERE {{ ?a a <{XKG}Agreement> ; <{XKG}quota> ?q }} ORDER BY ?a LIMIT 1")})
    iri = rows.json()["results"]["bindings"][0]["a"]["value"]
    path = iri.removeprefix(BASE)
    doc = client.get(f"/{path}.jsonld")
    assert doc.headers["content-type"].startswith("application/ld+json")
    data = doc.json()
    assert data["@context"] == jsonld.context_url(BASE)
    nt = client.get(f"/{path}.nt").text
    assert to_nquads(data) == {line for line in nt.splitlines() if line.strip()}


def test_the_context_is_served_at_its_versioned_address(client: TestClient) -> None:
    r = client.get(f"/{jsonld.CONTEXT_PATH}", headers={"Origin": "https://notebook.example"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/ld+json"
    assert r.json() == jsonld.context_document()
    assert r.headers["access-control-allow-origin"] == "*"  # scripts elsewhere may load it
    assert "max-age" in r.headers["cache-control"]


def test_construct_results_in_json_ld_are_compacted(client: TestClient) -> None:
    query = (f"CONSTRUCT {{ ?a a <{XKG}Agreement> ; <{XKG}startYear> ?y }} "
             f"WHERE {{ ?a a <{XKG}Agreement> ; <{XKG}startYear> ?y }} ORDER BY ?a LIMIT 5")
    doc = client.get("/sparql", params={"query": query},
                     headers={"Accept": "application/ld+json"}).json()
    assert doc["@context"] == jsonld.context_url(BASE)
    assert all(node["@type"] == "Agreement" for node in doc["@graph"])
    nt = client.get("/sparql", params={"query": query},
                    headers={"Accept": "application/n-triples"}).text
    assert to_nquads(doc) == {line for line in nt.splitlines() if line.strip()}
