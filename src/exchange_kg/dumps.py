"""Deterministic, atomic output files.

Same graph, same bytes: N-Triples and N-Quads are written as sorted lines, Turtle from those
sorted lines; gzip files carry no timestamp.
Every file is written next to its destination and renamed into place, so a reader (or a
server) never sees half a dump.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import IO

import pyoxigraph
from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from exchange_kg.triples import TripleGraph


def write_atomic(path: Path, data: bytes) -> None:
    with _atomic(path) as fh:
        fh.write(data)


def write_lines_atomic(path: Path, lines: Iterable[str], gzip_path: Path | None = None) -> None:
    """Write lines (without newlines) to ``path``, and gzipped to ``gzip_path``, streaming:
    a dump is never held in memory whole. Each file appears complete or not at all."""
    with _atomic(path) as fh, (_atomic(gzip_path) if gzip_path else nullcontext()) as gz_fh:
        gz = (gzip.GzipFile(fileobj=gz_fh, mode="wb", mtime=0, filename="", compresslevel=6)
              if gz_fh is not None else None)
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 10_000:
                _write_chunk(chunk, fh, gz)
        _write_chunk(chunk, fh, gz)
        if gz is not None:
            gz.close()


def _write_chunk(chunk: list[str], fh: IO[bytes], gz: gzip.GzipFile | None) -> None:
    if chunk:
        data = ("\n".join(chunk) + "\n").encode("utf-8")
        fh.write(data)
        if gz is not None:
            gz.write(data)
        chunk.clear()


@contextmanager
def _atomic(path: Path) -> Iterator[IO[bytes]]:
    """A file handle whose content replaces ``path`` only when the block ends normally."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # mkstemp makes the file private; outputs are for publishing, so honour the umask
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def nquads_lines(graph: TripleGraph, views: dict[str, set[str]],
                 extra: Iterable[tuple[str, list[str]]] = ()) -> Iterator[str]:
    """Sorted N-Quads: each view (graph IRI -> its subjects) as a named graph, plus ``extra``
    (graph IRI, sorted N-Triples lines) graphs; streamed subject by subject."""
    graphs_of: dict[str, list[str]] = {}
    for name in sorted(f"<{n}>" for n in views):
        for s in views[name[1:-1]]:
            graphs_of.setdefault(s, []).append(name)
    main = (f"{line[:-2]} {g} ." for s in sorted(graphs_of)
            for line in graph.lines([s]) for g in graphs_of[s])
    others = sorted(f"{line[:-2]} <{name}> ." for name, lines in extra for line in lines)
    return heapq.merge(main, others)


def merge_sorted(*sorted_lines: Iterable[str]) -> Iterator[str]:
    """The union of sorted line streams, sorted, each line once."""
    previous = None
    for line in heapq.merge(*sorted_lines):
        if line != previous:
            yield line
            previous = line


def turtle_file(nt_path: Path, path: Path, prefixes: dict[str, str]) -> None:
    """Prefixed Turtle from a sorted N-Triples file, grouped by subject, deterministic; the
    streaming form of :func:`turtle` for dumps too big to hold in memory."""
    used: dict[str, str] = {}
    with nt_path.open("rb") as fh:
        tail = b""
        while chunk := fh.read(1 << 24):
            used.update(_used_prefixes(prefixes, tail + chunk))
            tail = chunk[-4096:]  # a namespace split across two chunks
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        raw = Path(tmp) / "raw.ttl"
        pyoxigraph.serialize(pyoxigraph.parse(path=str(nt_path),
                                              format=pyoxigraph.RdfFormat.N_TRIPLES),
                             output=str(raw), format=pyoxigraph.RdfFormat.TURTLE, prefixes=used)
        with raw.open(encoding="utf-8") as lines:
            write_lines_atomic(path, _turtle_layout(lines, used))


def _used_prefixes(prefixes: dict[str, str], nt: bytes) -> dict[str, str]:
    return {p: ns for p, ns in prefixes.items() if f"<{ns}".encode() in nt}


def _turtle_layout(lines: Iterable[str], prefixes: dict[str, str]) -> Iterator[str]:
    """Our header (sorted prefixes) instead of pyoxigraph's, and a blank line before each
    subject's block, as people write Turtle."""
    yield from (f"@prefix {p}: <{ns}> ." for p, ns in sorted(prefixes.items()))
    for line in lines:
        line = line.rstrip("\n")
        if line.startswith("@prefix") or not line:
            continue
        if not line[0].isspace():
            yield ""
        yield line


def ntriples_lines(graph: Graph | TripleGraph) -> list[str]:
    """Sorted N-Triples lines without their newline."""
    if isinstance(graph, TripleGraph):
        return graph.lines()
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        # blank node labels are random per parse: name them by content
        graph = _tree_labelled(graph) or to_canonical_graph(graph)
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted({ln for ln in text.splitlines() if ln.strip()})


def _tree_labelled(graph: Graph) -> Graph | None:
    """The graph with each blank node named by a hash of the tree below it, or None if its
    blank nodes do not form trees (then full RDF canonicalisation is needed).

    A SHACL report is such a tree (report -> results -> details, paths): labelling it this way
    is linear, where rdflib's canonicalisation took 29 s for the 1,067 results of a 10x build.
    Two blank nodes with identical trees get the same label, which merges them: harmless for
    the trees this is used on, whose twins say the same thing, but checked so it cannot happen
    silently elsewhere.
    """
    out_edges: dict[BNode, list[tuple[object, object]]] = {}
    parents: dict[BNode, int] = {}
    for s, p, o in graph:
        if isinstance(s, BNode):
            out_edges.setdefault(s, []).append((p, o))
        if isinstance(o, BNode):
            parents[o] = parents.get(o, 0) + 1
    if any(n > 1 for n in parents.values()):
        return None
    labels: dict[BNode, str] = {}

    def label(node: BNode, depth: int = 0) -> str | None:
        if node in labels:
            return labels[node]
        if depth > 50:  # a cycle
            return None
        parts = []
        for p, o in out_edges.get(node, []):
            if isinstance(o, BNode):
                inner = label(o, depth + 1)
                if inner is None:
                    return None
                parts.append(f"{p.n3()} _:{inner}")
            else:
                parts.append(f"{p.n3()} {o.n3()}")
        labels[node] = hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:24]
        return labels[node]

    nodes = set(out_edges) | set(parents)
    if any(label(n) is None for n in nodes) or len(set(labels.values())) < len(nodes):
        return None
    renamed = Graph()
    for s, p, o in graph:
        renamed.add((BNode(labels[s]) if isinstance(s, BNode) else s, p,
                     BNode(labels[o]) if isinstance(o, BNode) else o))
    return renamed


def ntriples(graph: Graph | TripleGraph) -> bytes:
    return _join(ntriples_lines(graph))


def _join(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def turtle(nt: bytes, prefixes: dict[str, str]) -> bytes:
    """Prefixed Turtle, grouped by subject, deterministic, from sorted N-Triples.

    Written by pyoxigraph: sorted lines keep each subject's triples consecutive (one block
    each) and the order fixed. rdflib's serializer computes a qname per term by scanning every
    namespace and was 85x slower at 10x scale. Only the prefixes the data uses are declared.
    """
    used = _used_prefixes(prefixes, nt)
    triples = pyoxigraph.parse(nt, format=pyoxigraph.RdfFormat.N_TRIPLES)
    body = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=used)
    return _join(list(_turtle_layout(body.decode("utf-8").split("\n"), used)))


def graph_turtle(graph: Graph) -> bytes:
    """An rdflib graph (a validation report, say) as deterministic Turtle."""
    prefixes = {p: str(ns) for p, ns in graph.namespace_manager.namespaces()
                if p and str(ns) not in _NOT_PREFIXED}
    return turtle(ntriples(graph), prefixes)


# rdflib binds these by default; they would only clutter the header
_NOT_PREFIXED = {"http://www.w3.org/XML/1998/namespace"}
