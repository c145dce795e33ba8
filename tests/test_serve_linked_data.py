"""Dereferencing minted IRIs: 303 to a document chosen by Accept, the documents in every RDF
format, the ontology at its namespace, and another base."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from starlette.testclient import TestClient

from exchange_kg.serve.app import create_app
from exchange_kg.serve.config import ServeConfig
from exchange_kg.serve.linked_data import LinkedData
from exchange_kg.serve.paths import Paths
from exchange_kg.serve.store import open_read_only
from test_serve_support import (  # noqa: F401  (fixtures)
    AGREEMENT,
    QUOTA,
    RECORD,
    SYNTHETIC_BASE,
    parse_rdf,
    serve_dist,
    synthetic_dist,
)

BASE = "https://w3id.org/exchange-kg/"
XKG = Namespace("https://w3id.org/exchange-kg/ontology#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# the institution that is home to the most agreements (the publisher of the largest list)
TOHOKU_QUERY = """PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>
SELECT ?i WHERE { ?a xkg:homeInstitution ?i ; a xkg:Agreement . ?i a xkg:Institution }
GROUP BY ?i ORDER BY DESC(COUNT(?a)) ?i LIMIT 1"""


@pytest.fixture(scope="module")
def client(serve_dist: Path) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(ServeConfig(dist_dir=serve_dist, base=BASE, workers=1))) as c:
        yield c


@pytest.fixture(scope="module")
def store(serve_dist: Path) -> pyoxigraph.Store:  # noqa: F811
    return open_read_only(serve_dist)


def _one(store: pyoxigraph.Store, query: str) -> str:
    return next(iter(store.query(query)))[0].value


@pytest.mark.parametrize(("accept", "extension"), [
    (BROWSER, "html"),
    ("text/html", "html"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "rdf"),
    ("*/*", "ttl"),
    (None, "ttl"),
])
def test_iri_redirects_to_the_document_the_client_wants(
        client: TestClient, store: pyoxigraph.Store, accept: str | None,
        extension: str) -> None:
    iri = _one(store, TOHOKU_QUERY)
    path = iri.removeprefix(BASE)
    headers = {"Accept": accept} if accept else {}
    r = client.get(f"/{path}", headers=headers, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/{path}.{extension}"
    assert "Accept" in r.headers["vary"]


def test_unacceptable_iri_request(client: TestClient, store: pyoxigraph.Store) -> None:
    path = _one(store, TOHOKU_QUERY).removeprefix(BASE)
    assert client.get(f"/{path}", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(("extension", "media", "rdflib_format"), [
    ("ttl", "text/turtle", "turtle"),
    ("jsonld", "application/ld+json", "json-ld"),
    ("nt", "application/n-triples", "nt"),
    ("rdf", "application/rdf+xml", "xml"),
])
def test_documents_describe_the_thing_and_what_links_to_it(
        client: TestClient, store: pyoxigraph.Store, extension: str, media: str,
        rdflib_format: str) -> None:
    iri = _one(store, TOHOKU_QUERY)
    r = client.get(f"/{iri.removeprefix(BASE)}.{extension}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    g = parse_rdf(r.content, rdflib_format)
    thing = URIRef(iri)
    assert (thing, RDF.type, XKG.Institution) in g
    incoming = set(g.subjects(XKG.homeInstitution, thing))
    expected = int(_one(store, f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
        ?a <{XKG}homeInstitution> <{iri}> }}"""))
    assert len(incoming) == expected > 100


def test_agreement_document_carries_its_quotas(client: TestClient,
                                               store: pyoxigraph.Store) -> None:
    iri = _one(store, f"SELECT ?a WHERE {{ ?a <{XKG}quota> ?q }} ORDER BY ?a LIMIT 1")
    g = Graph().parse(data=client.get(f"/{iri.removeprefix(BASE)}.ttl").text, format="turtle")
    quota = next(g.objects(URIRef(iri), XKG.quota))
    assert next(g.objects(quota, XKG.places), None) is not None


def test_ontology_at_its_namespace(client: TestClient) -> None:
    r = client.get("/ontology", headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ontology.ttl"
    g = Graph().parse(data=client.get("/ontology.ttl").text, format="turtle")
    assert (URIRef("https://w3id.org/exchange-kg/ontology"), RDF.type,
            URIRef("http://www.w3.org/2002/07/owl#Ontology")) in g
    assert (XKG.Agreement, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in g
    html = client.get("/ontology", headers={"Accept": BROWSER})
    assert html.status_code == 200 and 'id="Agreement"' in html.text
    concept = client.get("/vocab/level/university.ttl")
    assert concept.status_code == 200 and "university" in concept.text


def test_every_minted_iri_resolves(store: pyoxigraph.Store) -> None:
    linked = LinkedData(store, Paths(BASE))
    iris = {q.subject.value for q in store.quads_for_pattern(None, None, None,
                                                               pyoxigraph.DefaultGraph())
            if isinstance(q.subject, pyoxigraph.NamedNode) and q.subject.value.startswith(BASE)}
    iris |= {g.value for g in store.named_graphs()}
    kinds = {iri.removeprefix(BASE).split("/")[0] for iri in iris}
    assert {"agreement", "institution", "unit", "record", "source", "graph"} <= kinds
    unresolved = [iri for iri in iris if linked.thing(iri.removeprefix(BASE)) != iri]
    assert unresolved == []
    assert all(linked.document(iri.removeprefix(BASE) + ".ttl") for iri in sorted(iris)[:200])


def test_one_iri_of_each_kind_over_http(client: TestClient, store: pyoxigraph.Store) -> None:
    for kind in ("agreement", "institution", "unit", "consortium", "record", "source",
                 "graph", "vocab"):
        # a retired IRI redirects (see test_a_replaced_iri_redirects_to_its_successor)
        iri = _one(store, f"""SELECT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ GRAPH ?x {{ }} }}
            FILTER(STRSTARTS(STR(?x), "{BASE}{kind}/"))
            FILTER NOT EXISTS {{ ?x <http://purl.org/dc/terms/isReplacedBy> ?new }}
            }} ORDER BY ?x LIMIT 1""")
        path = iri.removeprefix(BASE)
        r = client.get(f"/{path}", headers={"Accept": BROWSER})
        assert r.status_code == 200, (kind, r.status_code)
        assert str(r.url).endswith(f"/{path}.html")
        assert client.get(f"/{path}.nt").status_code == 200


def test_a_replaced_iri_redirects_to_its_successor(client: TestClient,
                                                   store: pyoxigraph.Store) -> None:
    # the host of one list merged with its entry in another: the partner's old IRI moved
    old = _one(store, """PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?old WHERE { ?old dcterms:isReplacedBy ?new } ORDER BY ?old LIMIT 1""")
    new = _one(store, f"""PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?new WHERE {{ <{old}> dcterms:isReplacedBy ?new }}""")
    path, new_path = old.removeprefix(BASE), new.removeprefix(BASE)
    r = client.get(f"/{path}", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"/{new_path}"
    r = client.get(f"/{path}.ttl", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"/{new_path}.ttl"
    assert client.get(f"/{path}", headers={"Accept": "text/turtle"}).status_code == 200


def test_unknown_paths_are_404(client: TestClient) -> None:
    assert client.get("/institution/no-such-thing").status_code == 404
    assert client.get("/institution/no-such-thing.ttl").status_code == 404
    page = client.get("/no/such/page", headers={"Accept": BROWSER})
    assert page.status_code == 404 and "Not found" in page.text
    assert client.post("/institution/anything").status_code == 405


def test_another_base_maps_paths_to_its_iris(synthetic_dist: Path) -> None:  # noqa: F811
    config = ServeConfig(dist_dir=synthetic_dist, base=SYNTHETIC_BASE, workers=1)
    with TestClient(create_app(config)) as c:
        doc = c.get("/agreement/a-1", headers={"Accept": "text/turtle"})
        g = Graph().parse(data=doc.text, format="turtle")
        assert (URIRef(AGREEMENT), XKG.quota, URIRef(QUOTA)) in g
        assert (URIRef(QUOTA), XKG.places, None) in g
        assert c.get("/record/doc-a/r1.nt").text.count(RECORD) >= 3
        # the vocabulary keeps its own namespace under any data base
        assert c.get("/vocab/level/university.ttl").status_code == 200


def test_paths_map_iris_both_ways() -> None:
    paths = Paths(SYNTHETIC_BASE)
    assert paths.iris_for("agreement/a-1")[0] == f"{SYNTHETIC_BASE}agreement/a-1"
    assert paths.local(f"{SYNTHETIC_BASE}agreement/a-1") == "/agreement/a-1"
    assert paths.local("https://w3id.org/exchange-kg/ontology#Agreement") == \
        "/ontology#Agreement"
    assert paths.local("https://ror.org/000000000") is None
    assert paths.href("https://ror.org/000000000") == "https://ror.org/000000000"
    assert paths.href("javascript:alert(1)") == "#"
    assert paths.href("data:text/html,<script>") == "#"


@pytest.mark.parametrize("extension", ["html", "ttl", "jsonld", "nt", "rdf"])
def test_documents_have_validators_and_answer_conditional_requests(
        client: TestClient, store: pyoxigraph.Store, extension: str) -> None:
    path = _one(store, TOHOKU_QUERY).removeprefix(BASE)
    first = client.get(f"/{path}.{extension}")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.status_code == 200 and etag.startswith('"')
    assert "max-age" in first.headers["cache-control"]
    same = client.get(f"/{path}.{extension}")
    assert same.headers["etag"] == etag  # the store does not change while it is served
    by_tag = client.get(f"/{path}.{extension}", headers={"If-None-Match": f'"x", {etag}'})
    assert by_tag.status_code == 304 and not by_tag.content and by_tag.headers["etag"] == etag
    by_date = client.get(f"/{path}.{extension}", headers={"If-Modified-Since": modified})
    assert by_date.status_code == 304
    changed = client.get(f"/{path}.{extension}", headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200 and changed.content == first.content
