"""SHACL-SPARQL constraints run only for the focus nodes a change reaches: on random
graphs and random edits of a few subjects, the results are those of running every
constraint over every focus node."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from conftest import ROOT
from exchange_kg import validate, verdicts
from exchange_kg.build_cache import DocumentCache
from exchange_kg.sparql_reach import THIS, Reach

XKG = "https://w3id.org/exchange-kg/ontology#"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL_SAME = "http://www.w3.org/2002/07/owl#sameAs"
LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
# each kind of node with the classes it may have and its edges: (predicate, kind of object)
KINDS = {
    "agreement": (["Agreement"], [
        (XKG + "home", "org"), (XKG + "homeInstitution", "org"), (XKG + "partner", "org"),
        (XKG + "partnerInstitution", "org"), (XKG + "quota", "quota"),
        (XKG + "startDate", "date"), (XKG + "endDate", "date"), (XKG + "startYear", "year"),
        (XKG + "openEnded", "bool"), (XKG + "studentExchangeQuota", "bool"),
        ("http://www.w3.org/ns/prov#wasDerivedFrom", "record"), (XKG + "listedIn", "doc")]),
    "org": (["Institution", "Unit", "Consortium", "UnidentifiedInstitution"], [
        (ORG + "unitOf", "org"), (ORG + "hasUnit", "org"), (ORG + "hasMember", "org"),
        (OWL_SAME, "ror"), (LABEL, "label"), ("https://schema.org/address", "address"),
        (XKG + "rorId", "id"), (XKG + "wikidataId", "id"), (XKG + "link", "link")]),
    "quota": ([], [(XKG + "mobilityKind", "mobility")]),
    "record": ([], [(XKG + "inDocument", "doc")]),
    "address": ([], [("https://schema.org/addressCountry", "country")]),
    "link": ([], [(XKG + "curated", "bool")]),
    "doc": ([], []),
}
COUNTS = {"agreement": 5, "org": 8, "quota": 3, "record": 3, "address": 3, "link": 2, "doc": 2}
NODES = {kind: [pyoxigraph.NamedNode(f"http://x.test/{kind}{i}") for i in range(n)]
         for kind, n in COUNTS.items()}
SUBJECTS = [(kind, n) for kind, nodes in NODES.items() for n in nodes]


def typed(value: str, datatype: str) -> pyoxigraph.Literal:
    return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(XSD + datatype))


VALUES = {
    "date": [typed("2020-05-01", "date"), typed("2019-01-01", "date")],
    "year": [typed("2020", "integer"), typed("2019", "integer")],
    "bool": [typed("true", "boolean"), typed("false", "boolean")],
    "ror": [pyoxigraph.NamedNode(f"https://ror.org/0{i}") for i in range(3)],
    "label": [pyoxigraph.Literal("a"), pyoxigraph.Literal("b"),
              pyoxigraph.Literal("b", language="en")],
    "id": [pyoxigraph.Literal("01"), pyoxigraph.Literal("02")],
    "mobility": [pyoxigraph.NamedNode(f"http://x.test/mobility{i}") for i in range(2)],
    "country": [pyoxigraph.NamedNode("http://x.test/JP"), pyoxigraph.Literal("JP")],
}


def block(rng: random.Random, kind: str, s: pyoxigraph.NamedNode) -> set[pyoxigraph.Triple]:
    """A random block of triples about ``s``, a node of ``kind``: a class or two (now and
    then one of another kind) and some of its kind's edges."""
    classes, edges = KINDS[kind]
    out = set()
    for c in rng.sample(classes, min(len(classes), 2)) + ["Agreement", "Unit"]:
        if rng.random() < (0.6 if c in classes else 0.05):
            out.add(pyoxigraph.Triple(s, pyoxigraph.NamedNode(str(RDF.type)),
                                      pyoxigraph.NamedNode(XKG + c)))
    for _ in range(rng.randint(0, 2 * len(edges))):
        p, of = rng.choice(edges)
        o = rng.choice(NODES[of] if of in NODES else VALUES[of])
        out.add(pyoxigraph.Triple(s, pyoxigraph.NamedNode(p), o))
    return out


def store_of(blocks: dict[pyoxigraph.NamedNode, set[pyoxigraph.Triple]]) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.extend([pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.DefaultGraph())
                  for b in blocks.values() for t in b])
    return store


def results(store: pyoxigraph.Store, shapes: Graph,
            reuse: verdicts.Reuse | None = None) -> list[str]:
    return sorted(" ".join(map(str, validate._found(*row)))
                  for row in validate._sparql_results(store, shapes, reuse))


def kept(tmp_path: Path, sparql: dict | None = None) -> verdicts.Reuse:
    reuse = verdicts.Reuse(DocumentCache(tmp_path), "k", "shapes")
    reuse.made = verdicts.Kept(b"", "shapes", "classes", [], {}, {})
    if sparql is not None:
        reuse.kept = verdicts.Kept(b"", "shapes", "classes", [], {}, {}, sparql=sparql)
    return reuse


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return validate.load_shapes(ROOT / "shapes")


@pytest.mark.parametrize("seed", range(40))
def test_results_for_the_reached_focus_nodes_equal_a_whole_run(
        shapes: Graph, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    graph = {n: block(rng, kind, n) for kind, n in SUBJECTS if rng.random() < 0.9}
    old = store_of(graph)
    made = kept(tmp_path)
    assert results(old, shapes, made) == results(old, shapes)
    limited = 0
    for _ in range(3):  # three rebuilds in a row, each from what the one before kept
        after = dict(graph)
        for kind, n in rng.sample(SUBJECTS, rng.randint(1, 3)):  # edited, added or gone
            if n in after and rng.random() < 0.2:
                del after[n]
            else:
                after[n] = block(rng, kind, n)
        new = store_of(after)
        reuse = kept(tmp_path, made.made.sparql)
        reuse.changed = {str(n) for n in set(graph) | set(after)
                         if graph.get(n) != after.get(n)}
        reuse._old_store = old
        assert results(new, shapes, reuse) == results(new, shapes)
        assert reuse.made.sparql.keys() == made.made.sparql.keys()
        limited += reuse.sparql_limited
        graph, old, made = after, new, reuse
    assert limited > 0


def test_without_kept_results_or_another_subclass_closure_every_constraint_runs_whole(
        shapes: Graph, tmp_path: Path) -> None:
    store = store_of({n: block(random.Random(1), kind, n) for kind, n in SUBJECTS})
    reuse = kept(tmp_path)
    results(store, shapes, reuse)
    assert reuse.sparql_limited == 0 and reuse.sparql_whole > 0
    again = kept(tmp_path, reuse.made.sparql)
    again.made.classes = "another closure"
    again._old_store = store
    results(store, shapes, again)
    assert again.sparql_limited == 0


@pytest.mark.parametrize("query", [
    "SELECT ?this WHERE { ?this <p> ?x . ?y <q> <c> }",  # ?y: any node
    "SELECT ?this WHERE { ?this <p>* ?x }",
    "SELECT ?this WHERE { ?this <p>|<q> ?x }",
    "SELECT ?this WHERE { ?this ?p ?x }",
    "SELECT ?this WHERE { <a> <p> ?this }",
    "SELECT ?this WHERE { ?this <p> ?x } LIMIT 3",
    "SELECT ?this (COUNT(?x) AS ?n) WHERE { ?this <p> ?x } GROUP BY ?this",
    "SELECT ?this WHERE { ?this <p> ?x { SELECT ?x WHERE { ?x <q> ?y } } }",
    "SELECT ?this WHERE { ?this <p> ?x . BIND (IRI(STR(?x)) AS ?z) ?z <q> ?w }",
    "SELECT ?this WHERE { { ?this <p> ?x } UNION { ?x <q> ?z } }",  # tied in one branch only
    "SELECT ?this WHERE { ?this <p> ?x . OPTIONAL { ?y <q> ?z } }",
    "SELECT ?this WHERE { ?this <p> ?x VALUES ?x { <a> } }",
    "SELECT ?this WHERE { GRAPH ?g { ?this <p> ?x } }",
])
def test_a_query_whose_reach_cannot_be_bounded_has_none(query: str) -> None:
    assert Reach.of(query) is None


def test_the_reach_follows_the_patterns_to_this() -> None:
    reach = Reach.of("SELECT ?this WHERE { ?this <h> ?home . ?home <u> ?v . "
                     "FILTER NOT EXISTS { ?v ^<k>/<m> ?this } }", [(THIS, RDF.type, RDF.Property)])
    assert reach is not None
    paths = reach.paths()
    assert paths[THIS] == [()]
    assert (("in", "h"),) in paths[next(v for v in paths if str(v) == "home")]
