"""SHACL Core verdicts kept between builds: reused only where nothing a check read changed."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

from exchange_kg import build_cache, dumps, shacl, verdicts
from exchange_kg.build_cache import DocumentCache
from exchange_kg.serve.store_update import contents_of
from exchange_kg.triples import TripleGraph
from exchange_kg.validate import _core, validate

X = "http://x.test/"
SHAPES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix x: <{X}> .
x:AgreementShape a sh:NodeShape ; sh:targetClass x:Agreement ;
    sh:property [ sh:path x:partner ; sh:class x:Institution ; sh:minCount 1 ] ,
                [ sh:path x:label ; sh:datatype xsd:string ; sh:maxLength 12 ] ,
                [ sh:path x:kind ; sh:in ( x:Bilateral x:Consortium ) ] .
x:QuotaShape a sh:NodeShape ; sh:targetClass x:Quota ;
    sh:property [ sh:path [ sh:inversePath x:quota ] ; sh:minCount 1 ; sh:class x:Agreement ] .
x:InstitutionShape a sh:NodeShape ; sh:targetClass x:Institution ;
    sh:property [ sh:path x:name ; sh:minCount 1 ; sh:node x:NameShape ] .
x:NameShape a sh:NodeShape ; sh:datatype xsd:string ; sh:minLength 2 .
"""
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"


def t(name: str) -> str:
    return f"<{X}{name}>"


def lit(text: str) -> str:
    return f'"{text}"'


def base_triples(n: int = 30) -> list[tuple[str, str, str]]:
    out = []
    for i in range(n):
        a, inst, q = t(f"a{i}"), t(f"i{i % 7}"), t(f"q{i}")
        out += [(a, TYPE, t("Agreement")), (a, t("partner"), inst),
                (a, t("label"), lit(f"agreement {i}")),  # 11-12 characters
                (a, t("kind"), t("Bilateral" if i % 3 else "Consortium")),
                (a, t("quota"), q), (q, TYPE, t("Quota")),
                (inst, TYPE, t("Institution")), (inst, t("name"), lit(f"Institution {i % 7}"))]
    return out


def graph_of(triples: list[tuple[str, str, str]]) -> TripleGraph:
    g = TripleGraph()
    for s, p, o in triples:
        g.add(s, p, o)
    return g


def results(found: list[shacl.Result]) -> list[tuple[str, str, str | None, str]]:
    return sorted((r.focus, str(r.shape.path_node) if r.shape.path_node is not None
                   and not str(r.shape.path_node).startswith("N") else str(r.shape.path),
                   r.value, str(r.component)) for r in found)


def fresh(shapes: shacl.Shapes, g: TripleGraph) -> list[shacl.Result]:
    return shacl.check_all(shapes, shacl.Data(g.block, g.subjects))


def run(shapes_graph: Graph, cache: DocumentCache, out: Path, before: TripleGraph | None,
        after: TripleGraph, seal: bytes = b"s" * 32) -> tuple[verdicts.Reuse,
                                                               list[shacl.Result]]:
    """Validate ``after`` reusing the verdicts a validation of ``before`` kept (itself
    first, when given), as two builds into ``out`` do."""
    old = None
    if before is not None:
        reuse0 = verdicts.Reuse.load(cache, out, shapes_graph, None, contents_of(before, {}, []))
        compiled = shacl.Shapes(_core(shapes_graph))
        verdicts.check_all(compiled, shacl.Data(before.block, before.subjects,
                                                before.subjects_stating), reuse0)
        reuse0.save(seal)
        old = contents_of(before, {}, [])
        old.seal = seal
    reuse = verdicts.Reuse.load(cache, out, shapes_graph, old, contents_of(after, {}, []))
    compiled = shacl.Shapes(_core(shapes_graph))
    found = verdicts.check_all(compiled, shacl.Data(after.block, after.subjects,
                                                    after.subjects_stating), reuse)
    return reuse, found


@pytest.fixture()
def shapes_graph() -> Graph:
    return Graph().parse(data=SHAPES, format="turtle")


def edited(triples: list[tuple[str, str, str]], remove: list[tuple[str, str, str]],
           add: list[tuple[str, str, str]]) -> TripleGraph:
    kept = [tr for tr in triples if tr not in remove]
    return graph_of(kept + add)


EDITS = {
    # a subject's own value breaks a rule
    "own value": ([(t("a4"), t("label"), lit("agreement 4"))],
                  [(t("a4"), t("label"), lit("a label much too long"))]),
    # a node pointed to loses its class: every agreement naming it fails sh:class
    "class of a partner": ([(t("i3"), TYPE, t("Institution"))], []),
    # a nested shape (sh:node on a name) fails for one institution
    "nested shape": ([(t("i2"), t("name"), lit("Institution 2"))], [(t("i2"), t("name"),
                                                                       lit("I"))]),
    # a quota no agreement points to any more (an inverse path), the agreement unchanged
    # otherwise
    "incoming edge": ([(t("a5"), t("quota"), t("q5"))], [(t("a5"), t("quota"), t("q6"))]),
    # the data states a subclass: every class closure changes
    "subclass": ([], [(t("Institution"), SUBCLASS, t("Organisation"))]),
    # a new subject and a removed one
    "subjects come and go": ([tr for tr in base_triples() if tr[0] == t("a7")],
                             [(t("a99"), TYPE, t("Agreement"))]),
    "nothing": ([], []),
}
BREAKING = {"own value", "class of a partner", "nested shape", "incoming edge",
            "subjects come and go"}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_kept_verdicts_give_the_results_of_a_full_check(
        shapes_graph: Graph, tmp_path: Path, edit: str) -> None:
    triples = base_triples()
    remove, add = EDITS[edit]
    after = edited(triples, remove, add)
    reuse, found = run(shapes_graph, DocumentCache(tmp_path / "c"), tmp_path / "out",
                       graph_of(triples), after)
    assert reuse.kept is not None
    expected = fresh(shacl.Shapes(_core(shapes_graph)), after)
    assert results(found) == results(expected)
    # the edit mattered where it should
    assert (results(expected) != results(fresh(shacl.Shapes(_core(shapes_graph)),
                                               graph_of(triples)))) is (edit in BREAKING)
    if edit == "subclass":  # every class may have changed: everything checked again
        assert (reuse.reused, reuse.checked) == (0, len(list(after.subjects())))
    elif edit == "nothing":
        assert reuse.checked == 0
    else:
        assert reuse.reused > 0 and reuse.checked > 0


def test_a_check_is_redone_only_where_its_inputs_changed(shapes_graph: Graph,
                                                         tmp_path: Path) -> None:
    triples = base_triples()
    remove, add = EDITS["class of a partner"]
    reuse, _ = run(shapes_graph, DocumentCache(tmp_path / "c"), tmp_path / "out",
                   graph_of(triples), edited(triples, remove, add))
    # i3 itself and the agreements naming it (a3, a10, a17, a24): nothing else
    assert reuse.checked == 5


def test_verdicts_are_used_only_beside_the_contents_they_were_made_with(
        shapes_graph: Graph, tmp_path: Path) -> None:
    cache, out = DocumentCache(tmp_path / "c"), tmp_path / "out"
    g = graph_of(base_triples())
    reuse, _ = run(shapes_graph, cache, out, g, g)
    assert reuse.kept is not None
    reuse.save(b"n" * 32)
    old = contents_of(g, {}, [])
    for seal, out_dir in [(b"other" * 6, out), (b"", out), (b"n" * 32, tmp_path / "elsewhere")]:
        old.seal = seal
        assert verdicts.Reuse.load(cache, out_dir, shapes_graph, old,
                                   contents_of(g, {}, [])).kept is None
    assert verdicts.Reuse.load(cache, out, shapes_graph, None, old).kept is None
    old.seal = b"n" * 32
    assert verdicts.Reuse.load(cache, out, shapes_graph, old, old).kept is not None


def test_other_shapes_or_code_or_a_damaged_entry_mean_a_full_check(
        shapes_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache, out = DocumentCache(tmp_path / "c"), tmp_path / "out"
    g = graph_of(base_triples())
    run(shapes_graph, cache, out, g, g)
    old = contents_of(g, {}, [])
    old.seal = b"s" * 32

    def load(shapes: Graph) -> verdicts.Reuse:
        return verdicts.Reuse.load(cache, out, shapes, old, old)

    assert load(shapes_graph).kept is not None
    # the same shapes parsed again (other blank node labels): the same digest
    assert load(Graph().parse(data=SHAPES, format="turtle")).kept is not None
    stricter = Graph().parse(data=SHAPES.replace("sh:maxLength 12", "sh:maxLength 11"),
                             format="turtle")
    assert load(stricter).kept is None
    # another code version is another entry
    monkeypatch.setattr(build_cache, "code_version", lambda: "another version")
    assert load(shapes_graph).kept is None
    monkeypatch.undo()
    entry = cache.folder / f"{load(shapes_graph).key}{build_cache.SUFFIX}"
    data = entry.read_bytes()
    entry.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    assert load(shapes_graph).kept is None
    entry.write_bytes(b"")
    assert load(shapes_graph).kept is None


def test_shapes_keys_do_not_depend_on_blank_node_labels(shapes_graph: Graph) -> None:
    a = verdicts.shape_keys(shacl.Shapes(_core(shapes_graph)))
    b = verdicts.shape_keys(shacl.Shapes(_core(Graph().parse(data=SHAPES, format="turtle"))))
    assert a is not None and b is not None and sorted(a) == sorted(b)
    assert verdicts.shapes_digest(shapes_graph) == verdicts.shapes_digest(
        Graph().parse(data=SHAPES, format="turtle"))


def test_the_previous_results_give_their_summary_without_a_report_graph(
        shapes_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild whose results are the previous build's (its report then copied) takes the
    summary kept with them: the report's graph (a node and seven triples a result, 10,873
    results at 100x) is made only if its Turtle is asked for, and is then the same."""
    g = edited(base_triples(), *EDITS["own value"])
    store = pyoxigraph.Store()
    store.bulk_load(b"".join(g.chunks()), format=pyoxigraph.RdfFormat.N_TRIPLES)
    cache, out, seal = DocumentCache(tmp_path / "cache"), tmp_path / "out", b"s" * 32
    first = verdicts.Reuse.load(cache, out, shapes_graph, None, contents_of(g, {}, []))
    before = validate(store, shapes_graph, graph=g, reuse=first)
    turtle = dumps.graph_turtle(before.report)
    first.note_report(turtle)
    first.save(seal)
    assert before.violations == 1 and not before.conforms

    old = contents_of(g, {}, [])
    old.seal = seal
    again = verdicts.Reuse.load(cache, out, shapes_graph, old, contents_of(g, {}, []))

    def no_graph(*args: object) -> None:
        raise AssertionError("the report's graph was made")

    monkeypatch.setattr(shacl, "add_results", no_graph)
    after = validate(store, shapes_graph, graph=g, reuse=again)
    assert (after.conforms, after.violations, after.warnings, after.summary) == (
        before.conforms, before.violations, before.warnings, before.summary)
    monkeypatch.undo()
    assert dumps.graph_turtle(after.report) == turtle
