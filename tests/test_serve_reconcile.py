"""The reconciliation service of a real ``exchange-kg serve`` process, driven as OpenRefine
drives it, every response checked against the specification's own JSON Schemas (0.2 and the
1.0 draft, in ``../shared/standards/reconciliation``; the schema tests skip when that folder
is absent).

OpenRefine's requests, as its code sends them: the manifest fetched with CORS and, failing
that, JSONP (``callback=``); type guessing and reconciliation as a form-encoded ``queries=``
batch (``q0``..``q9``, ``type_strict: should``, properties from other columns, a reconciled
column's value as ``{"id", "name"}``); suggest with ``prefix`` (and ``cursor``); previews in a
frame; property proposals with ``type=``; "add columns from reconciled values" as a
form-encoded ``extend=``.

Then the bundled graph itself: every spelling of every institution, sent back through the
service with what its row said (country, city, website), must come back as that institution
with ``match: true`` when no other institution has that spelling, and nothing may ever be
matched to a wrong institution.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from standards import find_standard
from test_serve_support import running_server, serve_dist  # noqa: F401  (fixture)

# The bundled build links institutions to ROR only with a snapshot to link against.
NEEDS_ROR = pytest.mark.skipif(not os.environ.get("EXCHANGE_KG_ROR_DUMP"),
                               reason="EXCHANGE_KG_ROR_DUMP is not set: the build has no ROR links")

ROOT = Path(__file__).resolve().parents[1]
FORM = "application/x-www-form-urlencoded"


# --------------------------------------------------------------------------- helpers


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_reconcile",
                                                  ROOT / "bench" / "reconcile.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _load_bench()
call, get_json, post_form, local = bench.call, bench.get_json, bench.post_form, bench.local


def reconcile_v02(server: str, queries: dict[str, Any]) -> dict[str, Any]:
    return bench.reconcile(f"{server}/reconcile", queries)


@pytest.fixture(scope="module")
def server(serve_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    log = tmp_path_factory.mktemp("logs") / "reconcile.log"
    with running_server(serve_dist, log) as url:
        yield url


def post_json(url: str, payload: Any) -> Any:
    status, _, body = call(url, json.dumps(payload).encode(),
                           {"Content-Type": "application/json"})
    assert status == 200, body
    return json.loads(body)


@cache
def _schemas(version: str) -> tuple[Path, Registry] | None:
    folder = find_standard("reconciliation")
    if folder is None or not (folder / version).is_dir():
        return None
    resources = []
    for path in sorted((folder / version).glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        uri = contents.get("$id", "").rstrip("#")
        resources.append((uri, Resource.from_contents(contents, default_specification=DRAFT7)))
    return folder / version, Registry().with_resources(resources)


@cache
def _validator(version: str, name: str) -> Draft7Validator | None:
    found = _schemas(version)
    if found is None:
        return None
    folder, registry = found
    schema = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema, registry=registry)


def conforms(instance: Any, version: str, name: str) -> None:
    """Validate against the spec's schema ``{version}/{name}.json`` (nothing to check when the
    official material is absent: the tests that need it are ``schema`` tests, which skip)."""
    validator = _validator(version, name)
    if validator is None:
        return
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, f"{version}/{name}: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5])


_bench_reconcile = bench.reconcile


def _checked_reconcile(endpoint: str, queries: dict[str, Any]) -> dict[str, Any]:
    """The benchmark's 0.2 batch, its query and its answer checked against the schemas."""
    conforms(queries, "0.2", "reconciliation-query-batch")
    result = _bench_reconcile(endpoint, queries)
    conforms(result, "0.2", "reconciliation-result-batch")
    return result


# every batch sent here, the benchmark's measurements included, is checked
bench.reconcile = _checked_reconcile


@pytest.fixture(scope="module")
def schemas() -> None:
    for version in ("0.2", "1.0-draft"):
        if _schemas(version) is None:
            pytest.skip("../shared/standards/reconciliation is not beside the checkout: the "
                        "specification's JSON Schemas are not part of the project")


@pytest.fixture(scope="module")
def graph(server: str) -> dict[str, dict[str, Any]]:
    return bench.institutions(server)


# --------------------------------------------------------------------------- OpenRefine


def test_openrefine_registers_the_service_with_cors(server: str, schemas: None) -> None:
    status, headers, body = call(f"{server}/reconcile", headers={
        "Origin": "http://127.0.0.1:3333", "Accept": "application/json"})
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    manifest = json.loads(body)
    conforms(manifest, "0.2", "manifest")
    assert manifest["identifierSpace"] == "https://w3id.org/exchange-kg/"
    assert manifest["view"]["url"] == f"{server}/{{{{id}}}}"
    assert manifest["defaultTypes"] == [{"id": "Institution", "name": "institution"}]


def test_openrefine_falls_back_to_jsonp(server: str, schemas: None) -> None:
    status, headers, body = call(f"{server}/reconcile?callback=jQuery3600_17&_=1700000000")
    assert status == 200 and headers["content-type"].startswith("application/javascript")
    text = body.decode()
    assert text.startswith("/**/jQuery3600_17(") and text.endswith(");")
    conforms(json.loads(text[len("/**/jQuery3600_17("):-2]), "0.2", "manifest")
    status, _, _ = call(f"{server}/reconcile?callback=alert(1)//")
    assert status == 400


def test_openrefine_guesses_the_type_of_a_column(server: str, schemas: None) -> None:
    names = ["RWTH Aachen University", "Tsinghua University", "Aalto University",
             "University of Tokyo", "Universität Wien", "Monash University",
             "Politecnico di Milano", "KAIST", "University of Toronto", "Nobody At All"]
    queries = {f"q{i}": {"query": n, "limit": 3} for i, n in enumerate(names)}
    conforms(queries, "0.2", "reconciliation-query-batch")
    result = reconcile_v02(server, queries)
    conforms(result, "0.2", "reconciliation-result-batch")
    types = Counter(t["id"] for r in result.values() for c in r["result"] for t in c["type"])
    assert types.most_common(1)[0][0] == "Institution"
    assert result["q9"]["result"] == []
    assert all(len(r["result"]) <= 3 for r in result.values())


@NEEDS_ROR
def test_openrefine_reconciles_a_column_with_other_columns(server: str, schemas: None,
                                                           graph: dict[str, Any]) -> None:
    rwth = next(x for x, g in graph.items() if "RWTH Aachen University" in g["l"])
    queries = {
        "q0": {"query": "RWTH Aachen University", "type": "Institution", "type_strict": "should",
               "properties": [{"pid": "country", "v": "Germany"}]},
        "q1": {"query": "Rheinisch-Westfälische Technische Hochschule Aachen",
               "type": "Institution", "type_strict": "should",
               "properties": [{"pid": "country", "v": {"id": "Q183", "name": "DE"}}]},
        "q2": {"query": "https://ror.org/" + next(iter(graph[rwth]["ror"])),
               "type": "Institution", "type_strict": "should"},
        "q3": {"query": "Northeastern University", "type": "Institution",
               "type_strict": "should"},
        "q4": {"query": "Anything", "type": "Person", "type_strict": "should"},
    }
    conforms(queries, "0.2", "reconciliation-query-batch")
    result = reconcile_v02(server, queries)
    conforms(result, "0.2", "reconciliation-result-batch")
    for key in ("q0", "q2"):
        first = result[key]["result"][0]
        assert (first["id"], first["match"]) == (local(rwth), True)
    # a reconciled country cell gives its id, here not an ISO code: no country, still found
    assert result["q1"]["result"][0]["id"] == local(rwth)
    # two universities of that name in two countries, no country given: none is the match
    assert len(result["q3"]["result"]) >= 2 and not any(
        c["match"] for c in result["q3"]["result"])
    assert result["q4"]["result"] == []
    scores = [c["score"] for r in result.values() for c in r["result"]]
    assert all(0 <= s <= 100 for s in scores)


def test_openrefine_suggests_entities_types_and_properties(server: str, schemas: None) -> None:
    found = get_json(f"{server}/reconcile/suggest/entity", prefix="rwth")
    conforms(found, "0.2", "suggest-entities-response")
    assert found["result"][0]["name"] == "RWTH Aachen University"
    more = get_json(f"{server}/reconcile/suggest/entity", prefix="univ", cursor=5)
    conforms(more, "0.2", "suggest-entities-response")
    first = get_json(f"{server}/reconcile/suggest/entity", prefix="univ")
    assert first["result"] and first["result"][0] not in more["result"]
    by_word = get_json(f"{server}/reconcile/suggest/entity", prefix="aachen")
    assert "RWTH Aachen University" in [r["name"] for r in by_word["result"]]
    types = get_json(f"{server}/reconcile/suggest/type", prefix="inst")
    conforms(types, "0.2", "suggest-types-response")
    assert [t["id"] for t in types["result"]] == ["Institution"]
    props = get_json(f"{server}/reconcile/suggest/property", prefix="co")
    conforms(props, "0.2", "suggest-properties-response")
    assert "country" in [p["id"] for p in props["result"]]
    status, headers, body = call(f"{server}/reconcile/suggest/entity?prefix=rwth&callback=cb")
    assert status == 200 and body.startswith(b"/**/cb(") and body.endswith(b");")
    conforms(json.loads(body[len(b"/**/cb("):-2]), "0.2", "suggest-entities-response")


@NEEDS_ROR
def test_openrefine_previews_an_entity_in_a_frame(server: str) -> None:
    found = get_json(f"{server}/reconcile/suggest/entity", prefix="RWTH Aachen University")
    entity = found["result"][0]["id"]
    status, headers, body = call(f"{server}/reconcile/preview?id={entity}")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "frame-ancestors *" in headers["content-security-policy"]
    assert "x-frame-options" not in headers
    html = body.decode()
    assert "RWTH Aachen University" in html and "https://ror.org/" in html
    status, _, _ = call(f"{server}/reconcile/preview?id=institution/none")
    assert status == 404


def test_the_view_template_leads_to_the_entity_page(server: str) -> None:
    manifest = get_json(f"{server}/reconcile")
    found = reconcile_v02(server, {"q0": {"query": "Aalto University"}})
    entity = found["q0"]["result"][0]["id"]
    # OpenRefine fills the template and runs encodeURI over it: the slash stays
    status, headers, body = call(manifest["view"]["url"].replace("{{id}}", entity),
                                 headers={"Accept": "text/html"})
    assert status == 200 and b"Aalto University" in body


def test_openrefine_adds_columns_from_reconciled_values(server: str, schemas: None,
                                                        graph: dict[str, Any]) -> None:
    proposed = get_json(f"{server}/reconcile/extend/propose", type="Institution")
    conforms(proposed, "0.2", "data-extension-property-proposal")
    ids = {p["id"] for p in proposed["properties"]}
    assert {"ror", "wikidata", "country", "units", "agreements"} <= ids
    assert any(i.startswith("agreements:") for i in ids)
    # an unreconciled column has no type: OpenRefine asks with an empty one
    assert get_json(f"{server}/reconcile/extend/propose", type="")["properties"]
    linked = sorted((x for x, g in graph.items() if g["ror"] and g["qid"]))[:20]
    query = {"ids": [local(x) for x in linked] + ["institution/none"],
             "properties": [{"id": "ror"}, {"id": "wikidata"}, {"id": "country"},
                            {"id": "agreements"}]}
    conforms(query, "0.2", "data-extension-query")
    status, body = post_form(f"{server}/reconcile", extend=query)
    assert status == 200, body
    ext = json.loads(body)
    conforms(ext, "0.2", "data-extension-response")
    assert [m["id"] for m in ext["meta"]] == ["ror", "wikidata", "country", "agreements"]
    for x in linked:
        row = ext["rows"][local(x)]
        assert row["ror"] == [{"str": f"https://ror.org/{r}"} for r in graph[x]["ror"]]
        assert row["wikidata"] == [{"str": q} for q in graph[x]["qid"]]
        assert row["country"] == [{"str": c} for c in graph[x]["c"]]
        assert row["agreements"][0]["int"] >= 1
    assert ext["rows"]["institution/none"]["ror"] == []


def test_an_identifier_the_graph_replaced_still_answers(server: str) -> None:
    """A column reconciled against an older build keeps working: an institution's IRI that
    evidence merged into another (``dcterms:isReplacedBy``) resolves to its replacement."""
    rows = bench.sparql(server, """
        SELECT ?old ?new WHERE {
          ?old <http://purl.org/dc/terms/isReplacedBy> ?new .
          ?new a <https://w3id.org/exchange-kg/ontology#Institution> .
        } ORDER BY ?old LIMIT 3""")
    assert rows, "the bundled build records replaced institution IRIs"
    for row in rows:
        old, new = local(row["old"]), local(row["new"])
        found = reconcile_v02(server, {"q0": {"query": old}})["q0"]["result"]
        assert [(c["id"], c["match"]) for c in found] == [(new, True)]
        status, body = post_form(f"{server}/reconcile",
                                 extend={"ids": [old], "properties": [{"id": "names"}]})
        assert status == 200 and json.loads(body)["rows"][old]["names"]
        conforms(json.loads(body), "0.2", "data-extension-response")


# --------------------------------------------------------------------------- 1.0 draft


def test_the_1_0_draft_endpoint(server: str, schemas: None) -> None:
    root = f"{server}/reconcile/1.0-draft"
    manifest = get_json(root)
    conforms(manifest, "1.0-draft", "manifest")
    assert manifest["view"]["url"] == f"{server}/{{+id}}"
    batch = {"queries": [
        {"type": "Institution", "limit": 5, "conditions": [
            {"matchType": "name", "propertyValue": "Aalto University"},
            {"matchType": "property", "propertyId": "country", "propertyValue": "FI",
             "required": True}]},
        {"conditions": [{"matchType": "name", "propertyValue": "Nobody At All"}]},
    ]}
    conforms(batch, "1.0-draft", "reconciliation-query-batch")
    result = post_json(f"{root}/match", batch)
    conforms(result, "1.0-draft", "reconciliation-result-batch")
    first = result["results"][0]["candidates"][0]
    assert first["name"] == "Aalto University" and first["match"] is True
    assert result["results"][1]["candidates"] == []
    for kind, name in (("entity", "entities"), ("type", "types"), ("property", "properties")):
        conforms(get_json(f"{root}/suggest/{kind}", prefix="a", limit=3, offset=1),
                 "1.0-draft", f"suggest-{name}-response")
    conforms(get_json(f"{root}/extend/propose", type="Institution", limit=4), "1.0-draft",
             "data-extension-property-proposal")
    query = {"ids": [first["id"]], "properties": [{"id": "ror"}, {"id": "units"}]}
    conforms(query, "1.0-draft", "data-extension-query")
    ext = post_json(f"{root}/extend", query)
    conforms(ext, "1.0-draft", "data-extension-response")
    assert ext["rows"][0]["id"] == first["id"]
    status, headers, _ = call(f"{root}/preview?id={first['id']}")
    assert status == 200 and headers["content-type"].startswith("text/html")


def test_cors_preflight_for_json_posts(server: str) -> None:
    status, headers, _ = call(f"{server}/reconcile/1.0-draft/match", method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]


# --------------------------------------------------------------------------- bounds


def test_requests_are_bounded_and_refusals_explained(server: str) -> None:
    too_many = {f"q{i}": {"query": "x"} for i in range(51)}
    assert post_form(f"{server}/reconcile", queries=too_many)[0] == 413
    assert post_form(f"{server}/reconcile", queries="{not json")[0] == 400
    status, _, body = call(f"{server}/reconcile", b"queries={}", {"Content-Type": "text/plain"})
    assert status == 415 and b"x-www-form-urlencoded" in body
    # a body past the limit is refused on its declared length, before it is read
    host, port = server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("POST", "/reconcile")
    conn.putheader("Content-Type", FORM)
    conn.putheader("Content-Length", str(2 << 20))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()
    status, _, _ = call(f"{server}/reconcile/1.0-draft/match", b"{}",
                        {"Content-Type": "application/json"})
    assert status == 400
    assert call(f"{server}/reconcile/suggest/nothing?prefix=a")[0] == 404
    assert call(f"{server}/reconcile/suggest/entity?prefix=a&limit=-1")[0] == 400


# --------------------------------------------------------------------------- the graph


def test_every_bundled_spelling_reconciles_to_its_institution(
        server: str, graph: dict[str, Any]) -> None:
    """With what its row said, every spelling no other institution shares comes back as its
    institution with ``match: true``; the shared ones come back as candidates, unmatched."""
    fig = bench.bundled(f"{server}/reconcile", graph, "row")
    assert not fig.wrong, fig.wrong[:10]
    assert not fig.missed, fig.missed[:10]
    assert fig.right >= 0.95 * fig.queries
    # with less to go on, fewer matches, but never a wrong one
    for context in ("country", "name"):
        less = bench.bundled(f"{server}/reconcile", graph, context)
        assert not less.wrong, (context, less.wrong[:10])
        assert less.right >= 0.9 * less.queries


@NEEDS_ROR
def test_hand_written_variants_never_match_the_wrong_institution(
        server: str, graph: dict[str, Any]) -> None:
    kinds = bench.variants(f"{server}/reconcile", graph)
    assert not [w for fig in kinds.values() for w in fig.wrong]
    assert kinds["absent"].matches == 0 and kinds["absent"].not_matched > 0
    # most variants of institutions the graph holds are found (the rest are candidates)
    for kind in ("typo", "language", "acronym", "namesake"):
        fig = kinds[kind]
        assert fig.right >= 0.6 * (fig.right + len(fig.missed)), (kind, fig.missed)
