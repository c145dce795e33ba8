"""Pages for people, downloads and the dataset description, over the real build (and a small
synthetic one for what the bundled data lacks, such as ROR and Wikidata links)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pyoxigraph
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from starlette.testclient import TestClient

from exchange_kg.serve.app import create_app
from exchange_kg.serve.config import ServeConfig
from exchange_kg.serve.store import open_read_only
from test_serve_support import (  # noqa: F401  (fixtures)
    ALPHA,
    SYNTHETIC_BASE,
    parse_rdf,
    serve_dist,
    synthetic_dist,
)

BASE = "https://w3id.org/exchange-kg/"
XKG = "https://w3id.org/exchange-kg/ontology#"
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")


@pytest.fixture(scope="module")
def client(serve_dist: Path) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(ServeConfig(dist_dir=serve_dist, base=BASE, workers=1))) as c:
        yield c


@pytest.fixture(scope="module")
def store(serve_dist: Path) -> pyoxigraph.Store:  # noqa: F811
    return open_read_only(serve_dist)


@pytest.fixture(scope="module")
def report(serve_dist: Path) -> dict:  # noqa: F811
    return json.loads((serve_dist / "report.json").read_text())


def _count(store: pyoxigraph.Store, query: str) -> int:
    return int(next(iter(store.query(query)))[0].value)


def test_home_page(client: TestClient, report: dict) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert f"{report['totals']['agreements']:,}" in r.text
    for source in report["sources"]:
        assert source["file"] in r.text
    assert 'href="/.well-known/void"' in r.text
    assert "How many agreements are there with partners in each country?" in r.text
    assert "/query?query=" in r.text


def test_pages_load_nothing_from_the_network(client: TestClient) -> None:
    for path in ("/", "/query", "/stats", "/institutions", "/dumps", "/ontology.html"):
        text = client.get(path).text
        for ref in re.findall(r'(?:src|href)="([^"]+)"', text):
            if ref.startswith(("http://", "https://")):
                # outbound links are fine; stylesheets, scripts and images must be local
                assert not re.search(rf'<(script|link|img)[^>]+"{re.escape(ref)}"', text), ref


def test_institution_search(client: TestClient) -> None:
    r = client.get("/institutions", params={"q": "tohoku"})
    assert "Tohoku University" in r.text
    cz = client.get("/institutions", params={"country": "CZ"})
    rows = re.findall(r"<tr>\s*<td><a href=\"/institution/", cz.text)
    assert rows and "Czechia" in cz.text and "Thailand</a>" not in cz.text
    assert "No institution matches" in client.get("/institutions", params={"q": "zzzz"}).text


@pytest.mark.skipif(not os.environ.get("EXCHANGE_KG_ROR_DUMP"),
                    reason="EXCHANGE_KG_ROR_DUMP is not set: no institution is linked to ROR")
def test_institutions_sort_page_facet_and_export(client: TestClient) -> None:
    top = client.get("/institutions.json", params={"sort": "agreements", "desc": "1"}).json()
    counts = [r["agreements"] for r in top["rows"]]
    assert counts == sorted(counts, reverse=True) and len(counts) == 50
    assert top["rows"][0]["label"] == "Tohoku University" and top["pages"] > 10
    assert top["next"] and "page=2" in top["next"]
    second = client.get(top["next"].replace("/institutions.json", "/institutions.json")).json()
    assert second["page"] == 2 and second["rows"][0]["agreements"] <= counts[-1]
    facets = top["facets"]
    assert {"country", "source", "linked", "level", "kind", "type"} <= set(facets)
    linked = next(f["count"] for f in facets["linked"] if f["value"] == "linked to ROR")
    only = client.get("/institutions.json", params={"linked": "linked to ROR",
                                                     "size": "1000"}).json()
    assert only["total"] == linked and all(r["ror_id"] for r in only["rows"])
    japan = client.get("/institutions.csv", params={"country": "jp"})
    assert japan.headers["content-type"].startswith("text/csv")
    lines = japan.text.strip().splitlines()
    assert lines[0].startswith("iri,label,type,country") and len(lines) > 10
    assert all(",JP," in line for line in lines[1:])
    # search finds every spelling, without accents
    assert client.get("/institutions.json", params={"q": "TOHOKU"}).json()["total"] >= 1
    page = client.get("/institutions", params={"sort": "country"})
    assert 'aria-sort="ascending"' in page.text and 'rel="next"' in page.text


def test_institution_page_lists_its_agreements_with_source_lines(
        client: TestClient, store: pyoxigraph.Store) -> None:
    iri = next(iter(store.query(
        'SELECT ?i WHERE { ?i <http://www.w3.org/2004/02/skos/core#prefLabel> '
        '"Masaryk University" }')))[0].value
    expected = _count(store, f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
        {{ ?a <{XKG}partnerInstitution> <{iri}> }} UNION {{ ?a <{XKG}partner> <{iri}> }} }}""")
    r = client.get(iri.removeprefix(BASE).join(["/", ".html"]))
    assert r.status_code == 200 and "<h1>Masaryk University</h1>" in r.text
    body = r.text.split("<tbody>", 2)[2] if r.text.count("<tbody>") > 1 else r.text
    assert body.count('class="tag partner"') == expected
    raw = next(iter(store.query(f"""SELECT ?t WHERE {{ ?a <{XKG}partnerInstitution> <{iri}> ;
        <http://www.w3.org/ns/prov#wasDerivedFrom>/<{XKG}rawText> ?t }} LIMIT 1""")))[0].value
    assert raw.replace("&", "&amp;").replace('"', "&#34;") in r.text
    assert "Czechia" in r.text


def test_agreement_page_shows_provenance(client: TestClient, store: pyoxigraph.Store) -> None:
    row = next(iter(store.query(f"""SELECT ?a ?line ?raw WHERE {{
        ?a a <{XKG}Agreement> ; <{XKG}quota> ?q ;
           <http://www.w3.org/ns/prov#wasDerivedFrom> ?r .
        ?r <{XKG}lineNumber> ?line ; <{XKG}rawText> ?raw }} ORDER BY ?a LIMIT 1""")))
    r = client.get("/" + row["a"].value.removeprefix(BASE) + ".html")
    assert r.status_code == 200
    provenance = r.text.split("<h2>Provenance</h2>")[1]
    assert f">{row['line'].value}</a>" in provenance
    assert row["raw"].value.split("\t")[1 if row["raw"].value.startswith("\t") else 0][:20] \
        in provenance
    assert "Places" in r.text and "Home side" in r.text


def test_same_as_links_are_shown(synthetic_dist: Path) -> None:  # noqa: F811
    config = ServeConfig(dist_dir=synthetic_dist, base=SYNTHETIC_BASE, workers=1)
    with TestClient(create_app(config)) as c:
        page = c.get("/" + ALPHA.removeprefix(SYNTHETIC_BASE) + ".html").text
        assert 'href="https://ror.org/000000000"' in page and "ROR 000000000" in page
        assert "Wikidata Q1" in page
        assert ">doc-a:7</a>" in page and "Alpha University\t2020" in page
        record = c.get("/record/doc-a/r1.html").text
        assert "<h1>doc-a, line 7</h1>" in record  # a source line is named by its place
        home = c.get("/").text
        assert "Document A" in home


def test_query_page_runs_a_query_on_the_server(client: TestClient) -> None:
    q = ("PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>\n"
         "SELECT ?a WHERE { ?a a xkg:Agreement } ORDER BY ?a LIMIT 7")
    r = client.get("/query", params={"query": q})
    assert r.status_code == 200
    assert r.text.count('<td class="rownum">') == 7
    assert 'name="format" value="csv"' in r.text
    fragment = client.post("/query/results", data={"query": q})
    assert fragment.text.count('<td class="rownum">') == 7 and "<html" not in fragment.text
    graph = client.get("/query", params={"query": q.replace("SELECT ?a", "CONSTRUCT { ?a a "
                                                             "xkg:Agreement }")})
    assert graph.text.count('<td class="rownum">') == 7 and 'value="turtle"' in graph.text


def test_query_page_shows_errors(client: TestClient) -> None:
    r = client.get("/query", params={"query": "SELECT * WHERE {"})
    assert r.status_code == 400 and 'class="error"' in r.text and "error at" in r.text
    refused = client.get("/query", params={"query": "SELECT * WHERE { SERVICE <x:y> {} }"})
    assert refused.status_code == 403 and "SERVICE is not allowed" in refused.text
    empty = client.get("/query")
    assert empty.status_code == 200 and "<textarea" in empty.text


def test_statistics_page_has_server_side_charts(client: TestClient, report: dict) -> None:
    r = client.get("/stats")
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", r.text, flags=re.S)
    assert len(svgs) >= 3
    titles = [re.search(r"<title>(.*?)</title>", s).group(1) for s in svgs]
    assert any("country" in t for t in titles) and any("year" in t for t in titles)
    assert any("source" in t for t in titles)
    per_source = next(s for s in svgs if "source document" in s)
    for source in report["sources"]:
        assert f">{source['id']}<" in per_source
    assert "<script" not in "".join(svgs)


def test_dump_downloads(client: TestClient, serve_dist: Path) -> None:  # noqa: F811
    listing = client.get("/dumps")
    for name in ("exchange-kg.ttl", "exchange-kg.nt.gz", "exchange-kg.nq"):
        assert f'href="/dumps/{name}"' in listing.text
    data = (serve_dist / "exchange-kg.ttl").read_bytes()
    r = client.get("/dumps/exchange-kg.ttl")
    assert r.status_code == 200 and r.content == data
    assert r.headers["content-length"] == str(len(data))
    assert r.headers["content-type"].startswith("text/turtle")
    assert r.headers["etag"] == f'"{hashlib.sha256(data).hexdigest()[:32]}"'
    assert r.headers["accept-ranges"] == "bytes" and r.headers["last-modified"]
    part = client.get("/dumps/exchange-kg.ttl", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(data)}"
    stale = client.get("/dumps/exchange-kg.ttl", headers={"Range": "bytes=0-9",
                                                          "If-Range": '"other"'})
    assert stale.status_code == 200 and len(stale.content) == len(data)
    assert client.get("/dumps/exchange-kg.ttl",
                      headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    assert client.get("/dumps/exchange-kg.ttl",
                      headers={"If-Modified-Since": r.headers["last-modified"]}
                      ).status_code == 304
    gz = client.get("/dumps/exchange-kg.nt.gz")
    assert gz.headers["content-type"] == "application/gzip"
    assert gzip.decompress(gz.content) == (serve_dist / "exchange-kg.nt").read_bytes()
    assert client.head("/dumps/exchange-kg.nq").headers["content-length"] == str(
        (serve_dist / "exchange-kg.nq").stat().st_size)
    for bad in ("store", "..%2Freport.json", "stamp.json", quote("../exchange-kg.ttl")):
        assert client.get(f"/dumps/{bad}").status_code == 404


def test_void_and_dcat_description(client: TestClient, store: pyoxigraph.Store,
                                   serve_dist: Path, report: dict) -> None:  # noqa: F811
    r = client.get("/.well-known/void")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    ds = next(g.subjects(RDF.type, VOID.Dataset))
    for s in g.subjects(RDF.type, VOID.Dataset):
        if (s, VOID.subset, None) in g:
            ds = s
    triples = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert (ds, VOID.triples, Literal(triples)) in g
    assert (ds, RDF.type, DCAT.Dataset) in g
    # the sources state no licence, so the dataset claims none unless `serve --license` says
    assert (ds, DCT.license, None) not in g
    assert (ds, VOID.sparqlEndpoint, URIRef(f"{BASE}sparql")) in g
    dumps = {str(o) for o in g.objects(ds, VOID.dataDump)}
    assert f"{BASE}dumps/exchange-kg.nt.gz" in dumps and f"{BASE}dumps/exchange-kg.ttl" in dumps
    sizes = {str(g.value(d, DCAT.downloadURL)): int(g.value(d, DCAT.byteSize))
             for d in g.objects(ds, DCAT.distribution) if g.value(d, DCAT.downloadURL)}
    assert sizes[f"{BASE}dumps/exchange-kg.nq"] == (serve_dist / "exchange-kg.nq").stat().st_size
    sources = set(g.objects(ds, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))
    assert len(sources) == len(report["sources"])
    partitions = {g.value(p, VOID["class"]): int(g.value(p, VOID.entities))
                  for p in g.objects(ds, VOID.classPartition)}
    assert partitions[URIRef(XKG + "Agreement")] == report["totals"]["agreements"]
    linksets = set(g.subjects(RDF.type, VOID.Linkset))
    # a subset per source document, the ontology and its concept schemes
    assert len(set(g.objects(ds, VOID.subset)) - linksets) == len(report["sources"]) + 2
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(parse_rdf(jsonld.text, "json-ld")) == len(g)


def test_health_and_robots(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    assert "Disallow: /sparql" in client.get("/robots.txt").text


def test_ontology_page_lists_classes_properties_and_every_scheme_with_its_concepts(
        client: TestClient, store: pyoxigraph.Store) -> None:
    page = client.get("/ontology.html").text
    schemes = {r["s"].value: r["n"].value for r in store.query(
        "SELECT ?s (COUNT(?c) AS ?n) WHERE { ?s a <http://www.w3.org/2004/02/skos/core#"
        "ConceptScheme> . ?c <http://www.w3.org/2004/02/skos/core#inScheme> ?s } GROUP BY ?s")}
    assert len(schemes) >= 4
    section = page.split('id="concept-schemes"', 1)[1]
    for scheme in schemes:
        assert scheme in section
    assert section.count("<dt>") == sum(int(n) for n in schemes.values())
    assert "xkg:Agreement" in page and "Domain" in page and "Range" in page
    assert "Object properties" in page and "Datatype properties" in page


def test_a_syntax_error_says_where_and_what_was_expected_in_words(client: TestClient) -> None:
    r = client.get("/query", params={"query": "SELECT ?x WHERE {\n  ?x ?p ?o\n} LIMIT x"})
    assert r.status_code == 400
    assert "Line 3, column 9: expected" in r.text and "a digit" in r.text
    assert "&#39;0&#39;..=&#39;9&#39;" not in r.text.split("<details>")[0]  # no raw ranges
    assert "} LIMIT x\n        ^" in r.text  # the line, with a marker under the spot
