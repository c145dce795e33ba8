"""Bring the previous build's query store up to a new build instead of loading it anew.

A build's store holds, for every subject of the graph, its block of triples in the default
graph and in the named graph of each document whose view holds it, plus the ontology's and
the concept schemes' lines in their graphs and in the default graph. So the quads are fixed
by three things, which :class:`Contents` keeps as digests in a file beside the database: each
subject's N-Triples block, each named graph's set of subjects, and the ontology's and schemes'
lines. A rebuild after one document changed differs from its previous build in a few subjects
(the document's own, its agreements, institutions whose names it gives) and in the views of
the graphs that name them.

:func:`update` makes a copy of the previous store (a RocksDB checkpoint: hard links to its
immutable files, so it costs no copying and leaves the previous store untouched for a server
reading it), then, for each changed subject, removes its quads in every graph and adds its
new block to the default graph and to each graph that now holds it; a graph whose set of
subjects changed loses and gains the blocks of the subjects that left or joined it. The
result holds the same quads as loading the dumps anew (the tests compare them).

It declines (and the build loads the store anew) when it cannot be sure or would not be
faster: no digests beside the previous store or a different format or pyoxigraph version,
a changed ontology or scheme, a blank node among the quads it would touch (blank nodes of two
loads are different nodes), a data subject that the ontology or schemes describe too, or
more changed subjects than :data:`MAX_CHANGED` of them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from exchange_kg.triples import TripleGraph

CONTENTS = "contents.bin"
_MAGIC = b"exchange-kg store contents 1\n"
_DIGEST = 16
# the share of subjects that may change for an update to be worth it (removing and adding a
# quad costs about a hundred times what the bulk loader spends on one)
MAX_CHANGED = 0.02

Views = Mapping[str, Collection[str]]  # named graph IRI -> the subjects whose blocks it holds
Extra = list[tuple[str, list[str]]]  # (graph IRI, its sorted N-Triples lines): ontology, schemes


@dataclass
class Contents:
    """What a store holds, as digests: each subject's block (subject in its N-Triples form),
    each named graph's set of subjects (count and sum of the subjects' own digests), and the
    ontology's and schemes' graphs."""

    subjects: dict[str, bytes]
    graphs: dict[str, tuple[int, int]]
    extra: str
    # the SHA-256 closing the file, once written or read: what names these contents for
    # what is kept beside them (:mod:`exchange_kg.verdicts`)
    seal: bytes = b""

    def write(self, path: Path) -> None:
        """Into ``path``, closed by a SHA-256 of what precedes it (see :func:`read`)."""
        names = sorted(self.subjects)
        head = json.dumps({"pyoxigraph": pyoxigraph.__version__, "extra": self.extra,
                           "graphs": self.graphs, "subjects": len(names)}, sort_keys=True)
        body = b"".join([_MAGIC, head.encode(), b"\n",
                         b"".join(self.subjects[s] for s in names),
                         "\n".join(names).encode("utf-8")])
        self.seal = hashlib.sha256(body).digest()
        path.write_bytes(body + self.seal)


def read(path: Path) -> Contents | None:
    """The contents a store's file records; None if it is missing, damaged, or of another
    format or pyoxigraph version."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    body, check = data[:-32], data[-32:]
    if not body.startswith(_MAGIC) or hashlib.sha256(body).digest() != check:
        return None
    try:
        line_end = body.index(b"\n", len(_MAGIC))
        head = json.loads(body[len(_MAGIC):line_end])
        if head["pyoxigraph"] != pyoxigraph.__version__:
            return None
        n = head["subjects"]
        start = line_end + 1
        digests = body[start:start + n * _DIGEST]
        names = body[start + n * _DIGEST:].decode("utf-8").split("\n") if n else []
        if len(names) != n or len(digests) != n * _DIGEST:
            return None
        subjects = dict(zip(names, (digests[i:i + _DIGEST]
                                    for i in range(0, len(digests), _DIGEST)), strict=True))
        graphs = {g: (int(c), int(d)) for g, (c, d) in head["graphs"].items()}
        return Contents(subjects, graphs, str(head["extra"]), check)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


class Digester:
    """Digests of the subject blocks of a stream of N-Triples chunks (one subject each, as
    :meth:`TripleGraph.chunks` gives them), taken as they pass (:meth:`passing`)."""

    def __init__(self) -> None:
        self.subjects: dict[str, bytes] = {}

    def passing(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        subjects = self.subjects
        for chunk in chunks:
            subjects[chunk[:chunk.index(b" ")].decode("utf-8")] = hashlib.blake2b(
                chunk, digest_size=_DIGEST).digest()
            yield chunk

    def contents(self, views: Views, extra: Extra) -> Contents:
        """The store's contents once the chunks have all passed."""
        return Contents(self.subjects, _graph_digests(views), _extra_digest(extra))


def _subject_key(subject: str) -> int:
    return int.from_bytes(hashlib.blake2b(subject.encode("utf-8"), digest_size=8).digest())


def _graph_digests(views: Views) -> dict[str, tuple[int, int]]:
    """Each graph's subjects as (count, sum of their keys modulo 2**64): equal sets, equal
    digests, in time linear in the memberships and without sorting them."""
    keys: dict[str, int] = {}
    out = {}
    for g, subjects in views.items():
        total = 0
        for s in subjects:
            key = keys.get(s)
            if key is None:
                key = keys[s] = _subject_key(s)
            total += key
        out[g] = (len(subjects), total & 0xFFFF_FFFF_FFFF_FFFF)
    return out


def _extra_digest(extra: Extra) -> str:
    digest = hashlib.sha256()
    for name, lines in extra:
        digest.update(f"{name}\n{len(lines)}\n".encode())
        for line in lines:
            digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def contents_of(graph: TripleGraph, views: Views, extra: Extra) -> Contents:
    """What a store of this build holds, as :class:`Contents`."""
    digester = Digester()
    for _ in digester.passing(graph.chunks()):
        pass
    return digester.contents(views, extra)


def update(previous: Path, target: Path, old: Contents, new: Contents, graph: TripleGraph,
           views: Views, extra: Extra) -> pyoxigraph.Store | None:
    """The store of the previous build (folder ``previous``, holding the database, which
    holds ``old``) brought to ``new`` (``graph``, ``views`` and ``extra``) in a new database
    at ``target``, with everything but the ontology's and schemes' lines in the default graph
    (as a store whose data was just loaded: the caller copies them in at the end); None (and
    nothing at ``target``) if it cannot or should not be done (see the module's docstring).
    """
    if new.extra != old.extra or not (previous / "oxigraph").is_dir():
        return None
    extra_subjects = {line[:line.index(" ")] for _, lines in extra for line in lines}
    if not extra_subjects.isdisjoint(new.subjects):
        return None
    changed = {s for s, d in new.subjects.items() if old.subjects.get(s) != d}
    changed.update(s for s in old.subjects if s not in new.subjects)
    if len(changed) > MAX_CHANGED * max(len(new.subjects), 1) or \
            any(s.startswith("_:") for s in changed):
        return None
    try:
        pyoxigraph.Store.read_only(str(previous / "oxigraph")).backup(str(target))
        store = pyoxigraph.Store(str(target))
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        return None
    try:
        if _apply(store, old, new, changed, graph, views, extra):
            return store
    except BaseException:
        del store
        shutil.rmtree(target, ignore_errors=True)
        raise
    del store
    shutil.rmtree(target, ignore_errors=True)
    return None


def _apply(store: pyoxigraph.Store, old: Contents, new: Contents, changed: set[str],
           graph: TripleGraph, views: Views, extra: Extra) -> bool:
    """Remove and add the quads that differ; False, before changing anything, if a blank
    node is among them."""
    remove: list[pyoxigraph.Quad] = []
    for s in sorted(changed):
        remove.extend(store.quads_for_pattern(pyoxigraph.NamedNode(s[1:-1]), None, None, None))
    moved: dict[str, tuple[set[str], set[str]]] = {}  # graph -> (subjects leaving, joining)
    for g in sorted(set(new.graphs) | set(old.graphs)):
        if new.graphs.get(g) == old.graphs.get(g):
            continue
        name = pyoxigraph.NamedNode(g)
        held = {str(q.subject) for q in store.quads_for_pattern(None, None, None, name)}
        now = set(views.get(g, ()))
        leaving, joining = held - now - changed, now - held - changed
        moved[g] = (leaving, joining)
        for s in sorted(leaving):
            remove.extend(store.quads_for_pattern(pyoxigraph.NamedNode(s[1:-1]), None, None,
                                                  name))
    if any(isinstance(q.subject, pyoxigraph.BlankNode) or
           isinstance(q.object, pyoxigraph.BlankNode) for q in remove):
        return False
    add = _added(graph, views, changed & new.subjects.keys(), moved)
    if b"_:" in add:
        return False
    # the ontology's and schemes' lines leave the default graph until the build's end
    default = pyoxigraph.DefaultGraph()
    for name, _ in extra:
        remove.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object, default)
                      for q in store.quads_for_pattern(None, None, None,
                                                       pyoxigraph.NamedNode(name)))
    for q in remove:
        store.remove(q)
    if add:
        store.bulk_load(add, format=pyoxigraph.RdfFormat.N_QUADS)
    return True


def _added(graph: TripleGraph, views: Views, changed: set[str],
           moved: dict[str, tuple[set[str], set[str]]]) -> bytes:
    """N-Quads of the changed subjects' blocks, in the default graph and each graph holding
    them, and of the blocks joining a graph."""
    graphs_of: dict[str, list[str]] = {s: [] for s in changed}
    for g, subjects in views.items():
        for s in changed.intersection(subjects):
            graphs_of[s].append(g)
    for g, (_, joining) in moved.items():
        for s in joining:
            graphs_of.setdefault(s, []).append(g)
    out = []
    for chunk in graph.chunks(sorted(graphs_of)):
        s = chunk[:chunk.index(b" ")].decode("utf-8")
        if s in changed:
            out.append(chunk)
        for g in graphs_of[s]:
            out.append(chunk.replace(b" .\n", b" <" + g.encode("utf-8") + b"> .\n"))
    return b"".join(out)
