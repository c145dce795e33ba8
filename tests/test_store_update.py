"""The query store of the previous build, updated to a new build: the same quads as loaded anew."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from exchange_kg import dumps
from exchange_kg.serve import store_update
from exchange_kg.serve.store import NewStore, database_path
from exchange_kg.triples import TripleGraph
from test_serve_store import _blank_free

X = "http://x.test/"
EXTRA = [(f"{X}graph/ontology", sorted([
    f"<{X}Thing> <http://www.w3.org/2000/01/rdf-schema#label> \"Thing\" .",
    f"<{X}Thing> <http://www.w3.org/2002/07/owl#unionOf> _:u .",
    f"_:u <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <{X}A> ."]))]


def graph(n: int = 500, edits: dict[int, str] | None = None, blank: bool = False) -> TripleGraph:
    """``n`` subjects with two triples each; ``edits`` replace a subject's label."""
    g = TripleGraph()
    for i in range(n):
        g.add(f"<{X}s{i}>", f"<{X}label>", f'"{(edits or {}).get(i, f"subject {i}")}"')
        g.add(f"<{X}s{i}>", f"<{X}next>", f"<{X}s{(i + 1) % n}>")
    if blank:
        g.add(f"<{X}s3>", f"<{X}note>", "_:b1")
        g.add("_:b1", f"<{X}label>", '"a blank node"')
    return g


def views(spec: dict[str, range | list[int]]) -> dict[str, tuple[str, ...]]:
    """Graph IRI -> its subjects, as tuples (as the mapper gives them)."""
    return {f"{X}graph/{name}": tuple(f"<{X}s{i}>" for i in members)
            for name, members in spec.items()}


BEFORE = {"a": range(0, 300), "b": range(200, 500), "d": [7, 8, 9]}


def load(folder: Path, g: TripleGraph, v: dict[str, tuple[str, ...]],
         extra: store_update.Extra = EXTRA, previous: Path | None = None) -> bool:
    """A build's store, as ``outputs.write_build`` makes it; True if it was updated."""
    folder.mkdir()
    (folder / "exchange-kg.nq").write_bytes(b"".join(dumps.nquads_chunks(g, v, extra)))
    store = NewStore(folder)
    store.load_data(g, v, extra, previous=previous)
    store.start_named_graphs()
    store.finish()
    return store.updated


def quads(folder: Path) -> tuple[object, int]:
    return _blank_free(pyoxigraph.Store.read_only(str(database_path(folder))))


def test_an_update_holds_the_quads_of_a_fresh_load(tmp_path: Path) -> None:
    assert not load(tmp_path / "old", graph(), views(BEFORE))
    # s5 relabelled, s499 gone (s498 now points to s0 instead), a new s500 (via n=501 it
    # would be all new links: add it by hand), s250 leaves graph a, s10 joins graph b,
    # graph d goes, graph c comes
    g = graph(499, {5: "subject five"})
    g2 = TripleGraph()
    for s, p, o in g:
        g2.add(s, p, o)
    g2.add(f"<{X}s500>", f"<{X}label>", '"new"')
    after = views({"a": [i for i in range(0, 300) if i != 250] + [500],
                   "b": list(range(200, 499)) + [10], "c": [1, 2]})
    assert load(tmp_path / "new", g2, after, previous=tmp_path / "old")
    assert not load(tmp_path / "fresh", g2, after)
    assert quads(tmp_path / "new") == quads(tmp_path / "fresh")
    assert quads(tmp_path / "new")[1] == 1  # the ontology's blank node, one node
    # the previous store is untouched (a server may be reading it)
    assert quads(tmp_path / "old") != quads(tmp_path / "new")
    assert not load(tmp_path / "again", graph(), views(BEFORE))
    assert quads(tmp_path / "old") == quads(tmp_path / "again")
    # and the updated store's record serves the next update
    assert load(tmp_path / "next", graph(), views(BEFORE), previous=tmp_path / "new")
    assert quads(tmp_path / "next") == quads(tmp_path / "old")


@pytest.mark.parametrize("case", ["ontology", "too many", "blank node", "no record",
                                  "damaged record", "no previous store"])
def test_an_update_declines_and_the_store_is_loaded_anew(tmp_path: Path, case: str) -> None:
    assert not load(tmp_path / "old", graph(), views(BEFORE))
    g, extra = graph(500, {5: "subject five"}), EXTRA
    record = tmp_path / "old" / "store" / store_update.CONTENTS
    if case == "ontology":
        extra = [(EXTRA[0][0], EXTRA[0][1][:-1])]
    elif case == "too many":
        g = graph(500, {i: "changed" for i in range(0, 500, 40)})  # 13 of 500: over 2 %
    elif case == "blank node":
        g = graph(500, {5: "subject five"}, blank=True)
    elif case == "no record":
        record.unlink()
    elif case == "damaged record":
        data = record.read_bytes()
        record.write_bytes(data[:-40] + bytes([data[-40] ^ 1]) + data[-39:])
    else:
        (tmp_path / "old" / "store").rename(tmp_path / "elsewhere")
    assert not load(tmp_path / "new", g, views(BEFORE), extra, previous=tmp_path / "old")
    assert not load(tmp_path / "fresh", g, views(BEFORE), extra)
    assert quads(tmp_path / "new") == quads(tmp_path / "fresh")
