"""The persistent store: built from the N-Quads, default graph = merge, atomic replacement."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest

from exchange_kg.serve import store as store_module
from exchange_kg.serve.store import build_store, open_read_only, store_is_current
from test_serve_support import (
    ALPHA,
    SYNTHETIC_QUADS,
    serve_dist,  # noqa: F401  (fixture)
    write_synthetic_dist,
)


def _leftovers(dist: Path) -> list[str]:
    return sorted(p.name for p in dist.iterdir() if p.name.startswith(".store"))


def test_store_holds_graphs_and_their_merge(tmp_path: Path) -> None:
    dist = write_synthetic_dist(tmp_path / "dist")
    assert store_is_current(dist)
    stamp = json.loads((dist / "store" / "stamp.json").read_text())
    distinct = {(s, p, o) for s, p, o, _ in SYNTHETIC_QUADS}
    assert stamp["quads"] == len(SYNTHETIC_QUADS) + len(distinct)
    s = open_read_only(dist)
    rows = list(s.query(f"SELECT ?l WHERE {{ <{ALPHA}> "
                        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"))
    assert len(rows) == 1, "a triple stated by two documents is one triple of the default graph"
    graphs = {g.value for g in s.named_graphs()}
    assert {q[3] for q in SYNTHETIC_QUADS} == graphs


def test_stale_store_is_detected_and_replaced_atomically(tmp_path: Path) -> None:
    dist = write_synthetic_dist(tmp_path / "dist")
    nq = dist / "exchange-kg.nq"
    nq.write_text(nq.read_text() + '<http://x/s> <http://x/p> "new" <http://x/g> .\n')
    assert not store_is_current(dist)
    build_store(dist)
    assert store_is_current(dist)
    assert _leftovers(dist) == []
    s = open_read_only(dist)
    assert s.contains_named_graph(pyoxigraph.NamedNode("http://x/g"))


def test_failed_build_keeps_the_old_store_and_leaves_nothing(tmp_path: Path) -> None:
    dist = write_synthetic_dist(tmp_path / "dist")
    before = (dist / "store" / "stamp.json").read_text()
    (dist / "exchange-kg.nq").write_text("<http://x/s> this is not N-Quads .\n")
    with pytest.raises(SyntaxError):
        build_store(dist)
    assert (dist / "store" / "stamp.json").read_text() == before
    assert _leftovers(dist) == []


def test_missing_nquads_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="exchange-kg build"):
        build_store(tmp_path)
    assert not store_is_current(tmp_path)


def test_store_layout_constants_match_paths(tmp_path: Path) -> None:
    assert store_module.database_path(tmp_path) == tmp_path / "store" / "oxigraph"


def _blank_free(store: pyoxigraph.Store) -> tuple[Counter[tuple[str, ...]], int]:
    """The store's quads with every blank node written as ``_``, and how many blank nodes."""
    blanks: set[str] = set()
    quads: Counter[tuple[str, ...]] = Counter()
    for q in store:
        terms = []
        for t in q:
            if isinstance(t, pyoxigraph.BlankNode):
                blanks.add(t.value)
                terms.append("_")
            else:
                terms.append(str(t))
        quads[tuple(terms)] += 1
    return quads, len(blanks)


def test_the_builds_store_equals_the_store_loaded_from_its_dumps(
        dist: Path, serve_dist: Path) -> None:  # noqa: F811
    """The build loads its store in place (the graph, then the N-Quads, then the ontology's
    graphs copied into the default graph); ``build_store`` loads the N-Quads and N-Triples
    dumps. Both must hold the same quads, the ontology's blank nodes each one node."""
    built, loaded = open_read_only(dist), open_read_only(serve_dist)
    built_quads, built_blanks = _blank_free(built)
    loaded_quads, loaded_blanks = _blank_free(loaded)
    assert built_blanks == loaded_blanks > 0
    assert built_quads == loaded_quads
    stamps = [json.loads((d / "store" / "stamp.json").read_text()) for d in (dist, serve_dist)]
    assert stamps[0] == stamps[1]


def test_loading_in_pieces_keeps_every_quad_and_each_blank_node_one_node(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The dumps load in pieces of bounded size (pyoxigraph's loader would hold a million
    quads a thread); lines that share a blank node must still land in one load, wherever
    they fall in the file. Each piece is bytes, which pyoxigraph parses without the GIL (a
    file-like object would be read through Python, starving a loading thread)."""
    lines = [f"<http://example.org/s{i:03d}> <http://example.org/p> \"{i}\" <http://g> ."
             for i in range(300)]
    lines.insert(10, "<http://example.org/a> <http://example.org/range> _:u <http://g> .")
    lines.append("_:u <http://example.org/unionOf> <http://example.org/B> <http://g> .")
    lines.append('<http://example.org/b> <http://example.org/note> "_: is not a node" .')
    monkeypatch.setattr(store_module, "PIECE_BYTES", 1000)
    loads: list[int] = []
    pieces, whole = pyoxigraph.Store(), pyoxigraph.Store()
    real = pyoxigraph.Store.bulk_load

    class Counting:
        def bulk_load(self, data: object, **kw: object) -> None:
            assert type(data) is bytes
            loads.append(len(data))
            real(pieces, data, **kw)

    chunks = [("".join(f"{line}\n" for line in lines[i:i + 5])).encode()
              for i in range(0, len(lines), 5)]
    store_module.bulk_load_lines(Counting(), chunks, pyoxigraph.RdfFormat.N_QUADS)
    whole.bulk_load(("\n".join(lines) + "\n").encode(), format=pyoxigraph.RdfFormat.N_QUADS)
    assert len([n for n in loads if n]) > 5 and max(loads) < 3000
    assert _blank_free(pieces) == _blank_free(whole)
    assert _blank_free(pieces)[1] == 1
