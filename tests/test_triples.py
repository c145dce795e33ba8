"""The mapper's graph: N-Triples terms that any parser reads back as the intended RDF."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest

from exchange_kg import dumps
from exchange_kg.triples import XSD, TripleGraph, boolean, iri, literal

EX = "http://example.org/"


def parse(lines: list[str]) -> set[pyoxigraph.Triple]:
    return set(pyoxigraph.parse("\n".join(lines).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES))


@pytest.mark.parametrize("text", ['say "hi"', "back\\slash", "two\nlines", "tab\there",
                                  "cr\rhere", "bell\x07", "Łódź 東北大学 👍"])
def test_literals_round_trip_through_a_real_parser(text: str) -> None:
    g = TripleGraph()
    g.add(iri(EX + "s"), iri(EX + "p"), literal(text))
    g.add(iri(EX + "s"), iri(EX + "q"), literal(text, lang="pl"))
    (plain,), (tagged,) = (
        [t.object for t in parse(g.lines()) if t.predicate.value == EX + p] for p in "pq")
    assert plain == pyoxigraph.Literal(text)
    assert tagged == pyoxigraph.Literal(text, language="pl")


def test_typed_literals_keep_their_datatype_and_xsd_string_is_plain() -> None:
    assert literal("2007", XSD + "gYear") == f'"2007"^^<{XSD}gYear>'
    assert literal("JP", XSD + "string") == literal("JP") == '"JP"'
    assert boolean(False) == f'"false"^^<{XSD}boolean>'


def test_a_triple_added_twice_is_one_triple() -> None:
    g = TripleGraph()
    for _ in range(2):
        g.add(iri(EX + "s"), iri(EX + "p"), literal("x"))
    g.add(iri(EX + "s"), iri(EX + "p"), literal("y"))
    assert len(g) == 2 == len(list(g))
    assert (iri(EX + "s"), iri(EX + "p"), literal("y")) in set(g)


def test_lines_are_sorted_whatever_the_insertion_order() -> None:
    triples = [(iri(EX + s), iri(EX + p), literal(o)) for s, p, o in
               [("b", "p", "1"), ("a", "q", "2"), ("a", "p", "3"), ("ab", "p", "4")]]
    one, other = TripleGraph(), TripleGraph()
    for t in triples:
        one.add(*t)
    for t in reversed(triples):
        other.add(*t)
    assert one.lines() == other.lines() == sorted(one.lines())
    assert dumps.ntriples(one) == dumps.ntriples(other)


def test_reachable_follows_iri_objects_but_not_the_excluded_predicates() -> None:
    g = TripleGraph()
    a, b, c, d = (iri(EX + n) for n in "abcd")
    g.add(a, iri(EX + "partner"), b)
    g.add(b, iri(EX + "unitOf"), c)
    g.add(a, iri(EX + "listedIn"), d)
    g.add(d, iri(EX + "title"), literal("other document"))
    g.add(c, iri(EX + "label"), literal("c"))
    assert g.reachable([a], frozenset({iri(EX + "listedIn")})) == {a, b, c}
    assert g.reachable([a], frozenset()) == {a, b, c, d}


def test_reachable_calls_sharing_their_edges_read_each_block_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's source views reach the same institutions from fifty documents: with the
    edges shared, each block is decoded once, and every view is what it is alone."""
    g = TripleGraph()
    a, b, c, d, e = (iri(EX + n) for n in "abcde")
    g.add(a, iri(EX + "partner"), b)
    g.add(d, iri(EX + "partner"), b)
    g.add(b, iri(EX + "unitOf"), c)
    g.add(c, iri(EX + "unitOf"), b)  # a cycle
    g.add(d, iri(EX + "listedIn"), e)
    g.add(e, iri(EX + "title"), literal("other document"))
    g.add(c, iri(EX + "label"), literal("c"))
    skip = frozenset({iri(EX + "listedIn")})
    alone = [g.reachable(roots, skip) for roots in ([a], [d], [e, b])]
    decoded: list[bytes] = []
    original = TripleGraph._decode
    monkeypatch.setattr(TripleGraph, "_decode",
                        lambda self, block: decoded.append(block) or original(self, block))
    edges: dict[str, tuple[str, ...]] = {}
    shared = [g.reachable(roots, skip, edges) for roots in ([a], [d], [e, b])]
    assert shared == alone == [{a, b, c}, {d, b, c}, {e, b, c}]
    assert [tuple(x) for x in shared] == [tuple(x) for x in alone]  # the same order too
    assert len(decoded) == len(set(decoded)) == 5  # a, b, c, d, e: each once


def test_nquads_put_each_graphs_lines_in_it_and_sort_the_whole_file() -> None:
    g = TripleGraph()
    g.add(iri(EX + "z"), iri(EX + "p"), literal("1"))
    g.add(iri(EX + "a"), iri(EX + "p"), literal("2"))
    ontology = [f'<{EX}o> <{EX}p> "3" .']
    lines = list(dumps.nquads_lines(g, {EX + "g2": {iri(EX + "z")},
                                        EX + "g1": {iri(EX + "z"), iri(EX + "a")}},
                                    [(EX + "g0", ontology)]))
    nq = "\n".join(lines).encode()
    assert lines == sorted(lines) and len(lines) == 4
    quads = set(pyoxigraph.parse(nq, format=pyoxigraph.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads if q.subject.value == EX + "z"} == {EX + "g1",
                                                                                EX + "g2"}


REPORT = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
[] a sh:ValidationReport ; sh:conforms false ;
   sh:result [ sh:focusNode <http://example.org/a> ; sh:resultPath [ sh:inversePath
                <http://example.org/p> ] ; sh:resultMessage "one" ] ,
             [ sh:focusNode <http://example.org/b> ; sh:resultMessage "two" ] .
"""


def test_blank_node_trees_get_the_same_labels_on_every_parse() -> None:
    from rdflib import Graph

    first = dumps.ntriples(Graph().parse(data=REPORT, format="turtle"))
    second = dumps.ntriples(Graph().parse(data=REPORT, format="turtle"))
    assert first == second
    labels = set(re.findall(r"_:(\w+)", first.decode()))
    assert len(labels) == 4 and all(re.fullmatch("[0-9a-f]{24}", x) for x in labels)
    assert len(parse(first.decode().splitlines())) == 10


def test_blank_nodes_that_are_not_trees_are_still_labelled_deterministically() -> None:
    from rdflib import Graph

    shared = ("[] <http://example.org/p> _:x . [] <http://example.org/q> _:x . "
              "_:x <http://example.org/r> 1 .")
    assert (dumps.ntriples(Graph().parse(data=shared, format="turtle"))
            == dumps.ntriples(Graph().parse(data=shared, format="turtle")))


def test_streamed_dumps_are_in_the_order_of_sorting_whole_lines() -> None:
    """Subject by subject equals line by line, even where one IRI extends another
    ("x" < "x-1" but "<x>" > "<x-1>", since "-" sorts before ">")."""
    g = TripleGraph()
    for s in ("x", "x-1", "x/1", "y"):
        for p, o in (("p", "b"), ("p", "a"), ("p-1", "a"), ("q", "a b"), ("q", "a")):
            g.add(iri(EX + s), iri(EX + p), literal(o))
    assert list(g.sorted_lines()) == sorted(g.lines()) == g.lines()
    views = {EX + "g": {iri(EX + "x"), iri(EX + "y")}, EX + "g-1": {iri(EX + "x"), iri(EX + "x-1")}}
    quads = list(dumps.nquads_lines(g, views))
    assert quads == sorted(quads) and len(quads) == 20  # x twice, x-1 and y once


# terms that could break a line-based form: escapes, language tags, datatypes, blank nodes
# whose labels extend each other, IRIs that extend each other, non-ASCII text
TRICKY = [
    ("_:b1", "<http://example.org/p>", "_:b10"),
    ("_:b10", "<http://example.org/p>", literal("x")),
    ("_:b1", "<http://example.org/p>", literal('say "hi" \\ back')),
    (iri(EX + "x"), iri(EX + "p"), literal("two\nlines\r\tand a tab")),
    (iri(EX + "x"), iri(EX + "p"), literal("two")),
    (iri(EX + "x"), iri(EX + "p"), literal("two", lang="en")),
    (iri(EX + "x"), iri(EX + "p"), literal("two", lang="en-GB")),
    (iri(EX + "x"), iri(EX + "p"), literal("2", XSD + "integer")),
    (iri(EX + "x"), iri(EX + "p-1"), iri(EX + "x-1")),
    (iri(EX + "x"), iri(EX + "p"), iri(EX + "x-1")),
    (iri(EX + "x-1"), iri(EX + "p"), literal("Łódź 東北大学 👍 .\n x")),
    (iri(EX + "x/1"), iri(EX + "p"), literal(" . ")),
    (iri(EX + "y"), iri(EX + "q"), literal("")),
    # a namespace's text inside a literal, a datatype's namespace, and a control character
    # that a non-canonical term holds raw
    (iri(EX + "y"), iri(EX + "q"), literal(f"see <{EX}x> and <{EX}") + "@en"),
    (iri(EX + "y"), iri(EX + "q"), literal("2024-01-01", XSD + "date")),
    (iri(EX + "z"), iri(EX + "q"), '"bell\x07 raw"'),
]


def test_a_read_graph_gives_the_lines_blocks_and_objects_of_its_triples() -> None:
    """The frozen form (one bytes block per subject) answers as the triples do."""
    g = TripleGraph()
    for t in reversed(TRICKY):
        g.add(*t)
    want = sorted(f"{s} {p} {o} ." for s, p, o in TRICKY)
    assert g.lines() == want == list(g.sorted_lines())
    assert b"".join(g.chunks()).decode() == "".join(f"{line}\n" for line in want)
    assert parse(want) == parse(g.lines())
    assert set(g) == set(TRICKY) and len(g) == len(TRICKY)
    for s in {t[0] for t in TRICKY}:
        assert sorted(g.block(s)) == sorted((p, o) for s2, p, o in TRICKY if s2 == s)
    assert g.objects(iri(EX + "x"), iri(EX + "p-1")) == [iri(EX + "x-1")]
    assert g.block(iri(EX + "nobody")) == []
    assert g.subjects_with(iri(EX + "p"), iri(EX + "x-1")) == [iri(EX + "x")]
    assert g.subjects_with(iri(EX + "p"), literal("two")) == [iri(EX + "x")]
    assert g.subjects_with(iri(EX + "p"), literal("tw")) == []
    assert g.lines([iri(EX + "x-1")]) == [f"{t[0]} {t[1]} {t[2]} ." for t in TRICKY[10:11]]
    assert g.subjects_with(iri(EX + "q"), '"bell\x07 raw"') == [iri(EX + "z")]
    # the namespace is held as one character
    assert sum(map(len, g._frozen.values())) < len("".join(want).encode()) - 200
    with pytest.raises(RuntimeError):
        g.add(iri(EX + "z"), iri(EX + "p"), literal("too late"))


def test_dumps_merge_other_lines_by_subject_as_a_merge_of_all_lines_would() -> None:
    g = TripleGraph()
    for t in TRICKY:
        g.add(*t)
    # the ontology's lines: one shares a subject and a whole line with the graph
    others = sorted({f"{iri(EX + 'x')} {iri(EX + 'p')} {literal('two')} .",
                     f"{iri(EX + 'x')} {iri(EX + 'a')} {literal('o')} .",
                     f"{iri(EX + 'a')} {iri(EX + 'p')} {literal('o')} .",
                     f"{iri(EX + 'zz')} {iri(EX + 'p')} {literal('o')} .",
                     f"_:b2 {iri(EX + 'p')} {literal('o')} ."})
    merged = b"".join(dumps.merge_by_subject(g.chunks(), others)).decode()
    assert merged.splitlines() == sorted(set(g.lines()) | set(others))
    views = {EX + "g": {t[0] for t in TRICKY}, EX + "g-1": {iri(EX + "x"), "_:b1"}}
    quads = list(dumps.nquads_lines(g, views, [(EX + "o", others)]))
    want = sorted([f"{line[:-2]} <{EX}g> ." for line in g.lines()]
                  + [f"{line[:-2]} <{EX}g-1> ." for line in g.lines([iri(EX + "x"), "_:b1"])]
                  + [f"{line[:-2]} <{EX}o> ." for line in others])
    assert quads == want


def test_dump_files_stream_with_a_gzip_twin(tmp_path: Path) -> None:
    import gzip

    lines = [f"line {i}" for i in range(25_001)]
    dumps.write_lines_atomic(tmp_path / "x.nt", iter(lines), tmp_path / "x.nt.gz")
    data = (tmp_path / "x.nt").read_bytes()
    assert data == ("\n".join(lines) + "\n").encode()
    assert gzip.decompress((tmp_path / "x.nt.gz").read_bytes()) == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.nt", "x.nt.gz"]  # no temp files


def test_streamed_turtle_is_byte_for_byte_pyoxigraphs(tmp_path: Path) -> None:
    """``turtle_file`` writes Turtle from the N-Triples text without parsing it; it must give
    exactly what pyoxigraph's writer gives (``dumps.turtle``), edge cases of prefixed names
    and bare literals included."""
    ex, xsd = "http://example.org/ns#", "http://www.w3.org/2001/XMLSchema#"
    g = TripleGraph()
    s = "<http://example.org/ns#s>"
    locals_ = ["a.b", "a.", ".a", "-a", "a-b", "1a", "a/b", "a%20b", "a b", "a:b", "é", "_a",
               "a~b", "a(b)", "", "a?b", "a\u00b7b", "a\u0301"]
    for i, local in enumerate(locals_):
        g.add(s, f"<{ex}p{i}>", f"<{ex}{local}>" if " " not in local else f"<{ex}x{i}>")
    for value, datatype in [("true", "boolean"), ("1", "boolean"), ("01", "integer"),
                            ("-5", "integer"), ("+5", "integer"), ("1.50", "decimal"),
                            ("1.", "decimal"), ("1e5", "double"), ("1.5E-3", "double"),
                            ("INF", "double"), ("x", "integer"), ("2024", "gYear")]:
        g.add(s, f"<{ex}lit>", literal(value, xsd + datatype))
    g.add(s, f"<{ex}lit>", literal('quote " tab \t newline \n back \\ é'))
    g.add(s, f"<{ex}lit>", literal("hallo", lang="de"))
    g.add(s, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", f"<{ex}C>")
    g.add("_:b1", f"<{ex}p0>", "_:b2")
    g.add("<http://other.example/x>", f"<{ex}p0>", "<http://other.example/y>")
    prefixes = {"ex": ex, "xsd": xsd, "exl": ex + "l", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
    nt = tmp_path / "g.nt"
    nt.write_bytes(dumps.ntriples(g))
    dumps.turtle_file(nt, tmp_path / "g.ttl", prefixes)
    assert (tmp_path / "g.ttl").read_bytes() == dumps.turtle(nt.read_bytes(), prefixes)


@pytest.mark.parametrize("workers", [2, 3, 7])
def test_turtle_written_in_parts_is_the_same_file(tmp_path: Path, workers: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A large dump is turned into Turtle by several processes, each a range of whole
    subject blocks; the file must be the one a single process writes."""
    g = TripleGraph()
    for i in range(300):
        s = f"<{EX}s/{i % 97}>"
        g.add(s, f"<{EX}p{i % 5}>", literal(f"v{i}"))
        g.add(s, f"<{EX}p{i % 3}>", f"<{EX}o{i % 11}>")
    nt = tmp_path / "g.nt"
    nt.write_bytes(dumps.ntriples(g))
    prefixes = {"ex": EX}
    dumps.turtle_file(nt, tmp_path / "one.ttl", prefixes)
    monkeypatch.setattr(dumps, "PARALLEL_TURTLE_BYTES", 0)
    monkeypatch.setattr(dumps.pool, "cpu_count", lambda: workers)
    dumps.turtle_file(nt, tmp_path / "parts.ttl", prefixes)
    assert (tmp_path / "parts.ttl").read_bytes() == (tmp_path / "one.ttl").read_bytes()
    assert (tmp_path / "one.ttl").read_bytes() == dumps.turtle(nt.read_bytes(), prefixes)


def test_gzip_twin_compressed_in_a_thread_is_the_same_bytes(tmp_path: Path) -> None:
    """The .gz twin is compressed in a thread while the lines are made; its bytes must be
    those of compressing the file in one go (level 6, no timestamp, no name)."""
    import gzip
    import io

    lines = [f"<{EX}s{i}> <{EX}p> \"{'x' * (i % 50)}\" ." for i in range(60_000)]
    dumps.write_lines_atomic(tmp_path / "a.nt", lines, tmp_path / "a.nt.gz")
    raw = (tmp_path / "a.nt").read_bytes()
    assert raw == ("\n".join(lines) + "\n").encode()
    expected = io.BytesIO()
    with gzip.GzipFile(fileobj=expected, mode="wb", mtime=0, filename="", compresslevel=6) as gz:
        gz.write(raw)
    assert (tmp_path / "a.nt.gz").read_bytes() == expected.getvalue()


def test_batches_absorbed_give_the_graph_of_one_batch() -> None:
    """A subject met in several batches (an institution whose units come later), the same
    triple in two batches, a literal with a control character of its own, and a first
    batch with nothing in it (the namespace codes are chosen on it): the same lines and count
    as adding every triple to one graph."""
    s, t = iri(EX + "s"), iri(EX + "t")
    batches = [
        [],
        [(s, iri(EX + "p"), literal("1")), (t, iri(EX + "p"), iri(EX + "s"))],
        [(s, iri(EX + "p"), literal("1")), (s, iri(EX + "a"), literal("bell\x07"))],
        [(s, iri(EX + "z"), iri(EX + "t")), (iri(EX + "u"), iri(EX + "p"), literal("x"))],
    ]
    one, batched = TripleGraph(), TripleGraph()
    for batch in batches:
        blocks: dict[str, dict[tuple[str, str], None]] = {}
        for subject, p, o in batch:
            one.add(subject, p, o)
            blocks.setdefault(subject, {})[(p, o)] = None
        batched.absorb(blocks)
        assert not blocks  # emptied as it is frozen
    assert batched.lines() == one.lines() and len(batched) == len(one) == 5
    assert batched.reachable([t], frozenset()) == {s, t}
    assert b"".join(batched.chunks()) == b"".join(one.chunks())


def test_a_graph_built_by_add_takes_batches_after_it() -> None:
    g = TripleGraph()
    g.add(iri(EX + "s"), iri(EX + "p"), literal("1"))
    g.absorb({iri(EX + "s"): {(iri(EX + "q"), literal("2")): None}})
    assert g.objects(iri(EX + "s"), iri(EX + "q")) == [literal("2")] and len(g) == 2
    with pytest.raises(RuntimeError):
        g.add(iri(EX + "s"), iri(EX + "r"), literal("3"))
