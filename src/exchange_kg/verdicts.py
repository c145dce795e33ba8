"""SHACL Core verdicts kept between builds: a rebuild checks again only the subjects whose
inputs changed.

Checking a subject against the Core shapes (:func:`shacl.check_subject`) reads its own block
of triples, the blocks or classes of some nodes it points to (``sh:class``, ``sh:node``,
paths of several steps) and, for inverse paths, which subjects point to it. A verdict (the
subject's results, possibly none) is kept with the nodes whose blocks it read and the
incoming edges it read, as they were. In the next build into the same output folder, a
subject whose own block and every block it read are unchanged, and whose incoming edges read
are the same, has the same results: its verdict is reused and it is not checked again.

Which blocks changed is known from the query store's record of its contents
(:class:`exchange_kg.serve.store_update.Contents`: a digest of every subject's block), of the
previous build (in the output folder) and of this one. The verdicts are therefore kept with
the seal of the contents they were made with, and used only against those same contents: the
output folder's store must be the one the verdicts were made beside. They are also kept with
a digest of the shapes (every shape's structure) and of what the data says about classes
(``rdfs:subClassOf``, which changes every subject's classes); the code version is in the
entry's key. Anything else, and the verdicts are not used: every subject is checked.

Verdicts live in the build cache (:class:`exchange_kg.build_cache.DocumentCache`), one entry
per output folder, written atomically and checked by a digest like every entry: a missing,
damaged or stale entry only means a full check, never another result.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

from exchange_kg import build_cache, shacl, sparql_reach
from exchange_kg.build_cache import DocumentCache
from exchange_kg.serve.store_update import Contents

FORMAT = 1
_MAX_DEPTH = 40  # a blank-node structure deeper than this in the shapes is not keyed


class Unkeyable(Exception):
    """The shapes graph has blank nodes no structural key can tell apart."""


def canon(graph: Graph, node: object, depth: int = 0) -> str:
    """A blank node of the shapes graph as the text of the tree below it (other terms as
    N-Triples): equal for equal structures in any parse, where blank node labels are not."""
    if not isinstance(node, BNode):
        return shacl.n3(node)
    if depth > _MAX_DEPTH:
        raise Unkeyable("a cycle of blank nodes")
    if (node, RDF.first, None) in graph:  # a list (sh:in of 250 countries): its items
        return "(" + " ".join(canon(graph, item, depth + 1)
                              for item in Collection(graph, node)) + ")"
    parts = sorted(f"{shacl.n3(p)} {canon(graph, o, depth + 1)}"
                   for p, o in graph.predicate_objects(node))
    return "[" + " ; ".join(parts) + "]"


def shape_keys(shapes: shacl.Shapes) -> dict[str, shacl.Shape] | None:
    """Every shape a result can name (the target shapes and their property shapes) by a key
    that does not depend on blank node labels: its IRI, or its parent's key and a digest of
    its structure. None if two shapes would share a key."""
    out: dict[str, shacl.Shape] = {}

    def walk(shape: shacl.Shape, parent: str) -> bool:
        node = shape.node
        key = (str(node) if isinstance(node, URIRef) else parent + " " + hashlib.sha256(
            canon(shapes.graph, node).encode()).hexdigest()[:24])
        if out.setdefault(key, shape) is not shape:
            return False
        return all(walk(prop, key) for prop in shape.properties)

    roots = {id(s): s for table in (shapes.by_class, shapes.by_subject_of, shapes.by_node)
             for found in table.values() for s in found}
    try:
        if all(walk(root, "") for root in roots.values()):
            return out
    except Unkeyable:
        pass
    return None


def shapes_digest(graph: Graph) -> str:
    """A digest of the shapes graph, blank node labels aside: its IRI subjects' statements
    and the trees of blank nodes no triple points to."""
    objects = {o for o in graph.objects() if isinstance(o, BNode)}
    tops = sorted({s for s in graph.subjects() if not isinstance(s, BNode) or s not in objects},
                  key=lambda n: (isinstance(n, BNode), str(n) if isinstance(n, URIRef) else ""))
    digest = hashlib.sha256()
    lines = []
    try:
        for node in tops:
            head = shacl.n3(node) if isinstance(node, URIRef) else ""
            lines.append(canon(graph, node) if isinstance(node, BNode) else
                         "\n".join(sorted(f"{head} {shacl.n3(p)} {canon(graph, o)}"
                                          for p, o in graph.predicate_objects(node))))
    except Unkeyable:  # no digest says these shapes are those of another build
        return ""
    for line in sorted(lines):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


# a subject's verdict: the indexes (in ``Kept.terms``) of the nodes whose blocks its check
# read and of those whose classes it read, the incoming edges it read with the subjects they
# came from, and its results as (shape key, value, component IRI)
Verdict = tuple[tuple[int, ...], tuple[int, ...], tuple[tuple[str, str, tuple[str, ...]], ...],
                tuple[tuple[str, str | None, str], ...]]


@dataclass
class Kept:
    """One build's verdicts, with the classes of each node a check read the classes of."""

    seal: bytes  # of the store contents they were made with
    shapes: str  # :func:`shapes_digest`
    classes: str  # digest of the data's rdfs:subClassOf closure
    terms: list[str]
    types: dict[int, frozenset[str]]  # term index -> its classes, as read
    subjects: dict[str, Verdict]
    # a digest of every result (Core and SHACL-SPARQL) and the SHA-256 of the report's
    # Turtle written for them: the same results, the same file
    report: tuple[str, bytes] = ("", b"")
    # each SHACL-SPARQL constraint's results, per target (``validate._sparql_key``): its
    # variables' names and values
    sparql: dict[str, list[tuple[tuple[str, ...], tuple[object, ...]]]] = field(
        default_factory=dict)
    # what the validation says of those results (conforms, violations, warnings and the
    # summary of ``validate.Validation``): a function of them, as the report is
    summary: tuple[bool, int, int, list[tuple[int, str]]] | None = None


@dataclass
class Reuse:
    """What a validation may reuse (``kept``, and which subjects' blocks ``changed`` since)
    and where this build's verdicts go (``cache``, under ``key``)."""

    cache: DocumentCache
    key: str
    shapes: str
    kept: Kept | None = None
    changed: set[str] = field(default_factory=set)
    made: Kept | None = None  # this build's, once validated
    checked: int = 0  # subjects checked in this build (the others' verdicts were reused)
    reused: int = 0
    previous: Path | None = None  # the output folder of the build that made ``kept``
    # SHACL-SPARQL runs limited to the focus nodes a change reaches, and those run whole
    sparql_limited: int = 0
    sparql_whole: int = 0
    _old_store: pyoxigraph.Store | None = None

    @classmethod
    def load(cls, cache: DocumentCache, out_dir: Path, shapes: Graph,
             old: Contents | None, new: Contents) -> Reuse:
        """The verdicts of the build in ``out_dir`` when they were made beside its store's
        contents ``old`` (None: no usable record) under the same shapes; none otherwise."""
        digest = shapes_digest(shapes)
        reuse = cls(cache, build_cache.key_of("shacl-verdicts", str(out_dir.resolve())),
                    digest)
        if old is None or not old.seal:
            return reuse
        body = cache.get(reuse.key)
        if body is None:
            return reuse
        try:
            kept = pickle.loads(body)
        except Exception:  # any damage an unpickler can meet: no verdicts
            return reuse
        if (not isinstance(kept, Kept) or not digest or kept.seal != old.seal
                or kept.shapes != digest):
            return reuse
        reuse.kept, reuse.previous = kept, out_dir
        reuse.changed = {s for s, d in new.subjects.items() if old.subjects.get(s) != d}
        reuse.changed.update(s for s in old.subjects if s not in new.subjects)
        return reuse

    def sparql_rows(self, key: str, store: pyoxigraph.Store, select: str,
                    patterns: list[tuple[object, ...]], run: Callable[[str], list[Row]]
                    ) -> list[Row] | None:
        """A SHACL-SPARQL constraint's results (see :mod:`exchange_kg.sparql_reach`): the
        previous build's for the focus nodes no changed subject reaches, by the patterns of
        the query ``select`` and its target's ``patterns``, in the previous store or this
        one (``store``), and ``run`` (given a
        ``VALUES`` clause of the others) for the rest; None when they cannot be kept: no
        results kept for ``key``, another ``rdfs:subClassOf`` closure, a query the patterns
        do not bound, a blank node among the changed subjects, no previous store, or so
        many focus nodes reached that running the query whole is as quick."""
        kept, made = self.kept, self.made
        if kept is None or made is None or kept.classes != made.classes:
            return self._whole()
        rows = getattr(kept, "sparql", {}).get(key)
        if rows is None or any(s.startswith("_:") for s in self.changed):
            return self._whole()
        query = sparql_reach.Reach.of(select, patterns)  # type: ignore[arg-type]
        old = self._previous_store()
        if query is None or old is None:
            return self._whole()
        changed = [pyoxigraph.NamedNode(s[1:-1]) for s in sorted(self.changed)]
        focus = query.focus_nodes(changed, [old, store])
        if len(focus) > MAX_SPARQL_FOCUS:
            return self._whole()
        out = [row for row in rows if _focus(row) not in focus]
        if focus:
            out.extend(run("VALUES ?this { " + " ".join(sorted(map(str, focus))) + " } "))
        self.sparql_limited += 1
        return out

    def _whole(self) -> None:
        self.sparql_whole += 1
        return None

    def release(self) -> None:
        """Close the previous build's store (opened for :meth:`sparql_rows`)."""
        self._old_store = None

    def _previous_store(self) -> pyoxigraph.Store | None:
        if self._old_store is None and self.previous is not None:
            from exchange_kg.serve.store import open_read_only

            try:
                self._old_store = open_read_only(self.previous)
            except OSError:
                self.previous = None
        return self._old_store

    def key_report(self, sparql: list[str]) -> None:
        """Key the report by every result: this build's Core results (kept in
        :attr:`made`) and the SHACL-SPARQL ones (as text, from the validation)."""
        if self.made is None:
            return
        digest = hashlib.sha256(self.shapes.encode() + b"\n")
        core = sorted(f"{s} {k} {value} {c}" for s, (_, _, _, results) in
                      self.made.subjects.items() for k, value, c in results)
        for line in [*core, "--", *sorted(sparql)]:
            digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
        self.made.report = (digest.hexdigest(), b"")

    def kept_summary(self) -> tuple[bool, int, int, list[tuple[int, str]]] | None:
        """The previous build's summary of its results, when they are this build's (keyed
        by :meth:`key_report`): the report's graph need not be made to count them again."""
        if self.kept is None or self.made is None or not self.made.report[0] or \
                self.kept.report[0] != self.made.report[0]:
            return None
        return getattr(self.kept, "summary", None)

    def note_summary(self, summary: tuple[bool, int, int, list[tuple[int, str]]]) -> None:
        """This build's summary of its results, for the next build."""
        if self.made is not None and self.made.report[0]:
            self.made.summary = summary

    def previous_report(self, out_dir: Path) -> bytes | None:
        """The Turtle of the report the previous build wrote into ``out_dir``, when its
        results were this build's (and the file is the one it wrote)."""
        if self.kept is None or self.made is None or not self.made.report[0] or \
                self.kept.report[0] != self.made.report[0]:
            return None
        try:
            data = (out_dir / "validation.ttl").read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).digest() == self.kept.report[1] else None

    def note_report(self, turtle: bytes) -> None:
        """The report's Turtle as this build wrote it, for the next build."""
        if self.made is not None and self.made.report[0]:
            self.made.report = (self.made.report[0], hashlib.sha256(turtle).digest())

    def save(self, seal: bytes) -> None:
        """This build's verdicts, for the next build, beside contents sealed ``seal``."""
        if self.made is not None and seal:
            self.made.seal = seal
            self.cache.put(self.key, pickle.dumps(self.made, protocol=5))


# focus nodes reached beyond which a SHACL-SPARQL constraint runs whole: a VALUES clause of
# this many nodes costs about what the whole run does at 100x scale
MAX_SPARQL_FOCUS = 20_000

Row = tuple[tuple[str, ...], tuple[object, ...]]  # a SHACL-SPARQL result: names, values


def _focus(row: Row) -> object:
    names, values = row
    return values[names.index("this")] if "this" in names else None


def check_all(shapes: shacl.Shapes, data: shacl.Data, reuse: Reuse | None
              ) -> list[shacl.Result]:
    """:func:`shacl.check_all`, reusing the verdicts ``reuse`` holds for subjects whose
    inputs did not change and keeping every subject's verdict in ``reuse.made``."""
    keys = shape_keys(shapes) if reuse is not None else None
    if reuse is None or keys is None:
        return shacl.check_all(shapes, data)
    data.prepare(shapes.inverse_predicates)
    classes = hashlib.sha256(repr(sorted((c, sorted(s)) for c, s in
                                         data.superclasses.items())).encode()).hexdigest()
    kept = reuse.kept if reuse.kept is not None and reuse.kept.classes == classes else None
    holds = _Holds(kept, reuse.changed, data) if kept is not None else None
    key_of = {id(shape): key for key, shape in keys.items()}
    components: dict[str, URIRef] = {}
    index: dict[str, int] = {}
    made: dict[str, Verdict] = {}
    out: list[shacl.Result] = []
    for subject in data.subjects():
        verdict = kept.subjects.get(subject) if kept is not None else None
        if verdict is not None and holds is not None and holds(subject, verdict):
            assert kept is not None
            reads, type_reads, incoming, results = verdict
            try:
                out.extend(shacl.Result(subject, keys[k], value,
                                        components.get(c) or components.setdefault(c, URIRef(c)))
                           for k, value, c in results)
            except KeyError:  # a shape gone: cannot be under the same shapes digest
                return shacl.check_all(shapes, data)
            terms = kept.terms
            made[subject] = (tuple(index.setdefault(terms[i], len(index)) for i in reads),
                             tuple(index.setdefault(terms[i], len(index)) for i in type_reads),
                             incoming, results)
            reuse.reused += 1
            continue
        read, typed, inverse = data.recording()
        found = shacl.check_subject(shapes, subject, data)
        data.stop_recording()
        read.discard(subject)
        out.extend(found)
        shape_key = [key_of.get(id(r.shape)) for r in found]
        if None in shape_key:  # a result of a shape no key names: nothing kept
            reuse.made = None
            return shacl.check_all(shapes, data)
        made[subject] = (
            tuple(index.setdefault(t, len(index)) for t in sorted(read)),
            tuple(index.setdefault(t, len(index)) for t in sorted(typed)),
            tuple((p, o, tuple(sorted(data.inverse.get(p, {}).get(o, ()))))
                  for p, o in sorted(inverse)),
            tuple((k, r.value, str(r.component))  # type: ignore[misc]
                  for k, r in zip(shape_key, found, strict=True)))
        reuse.checked += 1
    for node in shapes.by_node:  # a target node need not be a subject: checked every time
        if not any(True for _ in data.block(node)):
            out.extend(shacl.check_subject(shapes, node, data))
    terms = list(index)
    reuse.made = Kept(b"", reuse.shapes, classes, terms,
                      _types_read(made, terms, kept, reuse.changed, data), made)
    return out


def _types_read(made: dict[str, Verdict], terms: list[str], kept: Kept | None,
                changed: set[str], data: shacl.Data) -> dict[int, frozenset[str]]:
    """The classes of every node a verdict read the classes of: those of an unchanged node
    as the kept verdicts have them (the same block under the same rdfs:subClassOf
    closure), the others as the data gives them."""
    before = ({kept.terms[i]: types for i, types in kept.types.items()}
              if kept is not None else {})
    out: dict[int, frozenset[str]] = {}
    for verdict in made.values():
        for i in verdict[1]:
            if i not in out:
                term = terms[i]
                was = before.get(term) if term not in changed else None
                out[i] = was if was is not None else data.types(term)
    return out


class _Holds:
    """Whether a kept verdict still holds: the subject's block, every block it read, the
    classes of every node whose classes it read, and every incoming edge it read, as they
    were. Each node's answer is worked out once."""

    def __init__(self, kept: Kept, changed: set[str], data: shacl.Data) -> None:
        self.kept, self.changed, self.data = kept, changed, data
        self._block_same: dict[int, bool] = {}
        self._types_same: dict[int, bool] = {}

    def __call__(self, subject: str, verdict: Verdict) -> bool:
        if subject in self.changed:
            return False
        reads, type_reads, incoming, _ = verdict
        terms, changed = self.kept.terms, self.changed
        for i in reads:
            if terms[i] in changed:
                return False
        for i in type_reads:
            same = self._types_same.get(i)
            if same is None:
                same = self._types_same[i] = (
                    terms[i] not in changed or
                    self.data.types(terms[i]) == self.kept.types.get(i))
            if not same:
                return False
        inverse = self.data.inverse
        return all(tuple(sorted(inverse.get(p, {}).get(o, ()))) == was
                   for p, o, was in incoming)
