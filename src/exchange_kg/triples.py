"""The build's graph: triples as N-Triples terms, grouped by subject.

The mapper writes a quarter of a million triples at 10x scale and twenty million at 1000x;
going through an rdflib ``Graph`` (three indexes of Python objects per triple) made mapping
the slowest stage after validation and held most of the build's memory. Every consumer wants
either sorted N-Triples lines (the dumps, byte-identical across builds) or a pyoxigraph store
(validation, serving), and both are made fastest from terms already written as N-Triples text.
Grouping by subject gives the per-source views (whole subject blocks) for free.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache

import pyoxigraph

XSD = "http://www.w3.org/2001/XMLSchema#"


@lru_cache(maxsize=4096)
def iri(value: str) -> str:
    """An IRI as an N-Triples term (cached: predicates, classes and concepts repeat)."""
    return f"<{value}>"


def literal(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    """A literal as an N-Triples term, escaped by pyoxigraph (canonical N-Triples)."""
    if lang:
        return str(pyoxigraph.Literal(value, language=lang))
    if datatype and datatype != XSD + "string":
        return str(pyoxigraph.Literal(value, datatype=_named(datatype)))
    return str(pyoxigraph.Literal(value))


@lru_cache(maxsize=64)
def _named(value: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(value)


def boolean(value: bool) -> str:
    return f'"{"true" if value else "false"}"^^<{XSD}boolean>'


class TripleGraph:
    """A set of triples, each term in its N-Triples form, indexed by subject.

    Built by :meth:`add` or in batches by :meth:`absorb`, then read: the first read, or
    :meth:`freeze`, turns each subject's triples into one bytes object, its sorted lines
    without the subject (``p o\\n``), in which the IRI namespaces the graph uses most are
    each written as one control character (canonical N-Triples escapes every control
    character but the newline that ends a line, so none is ambiguous). A dict of (predicate,
    object) tuples took 233 bytes a triple at 100x scale, more than any other part of the
    build; the frozen form is also what the writers want: a subject's N-Triples lines,
    sorted, are its block, the namespaces put back, with the subject in front of each line
    (a few ``bytes.replace`` calls, no Python work per line).
    """

    def __init__(self) -> None:
        self._by_subject: dict[str, dict[tuple[str, str], None]] | None = {}
        self._frozen: dict[str, bytes] = {}
        self._codes: list[tuple[bytes, bytes]] = []  # (namespace, its code), longest first
        self._count = 0

    def add(self, s: str, p: str, o: str) -> None:
        block = self._building().get(s)
        if block is None:
            block = self._building()[s] = {}
        if (p, o) not in block:
            block[(p, o)] = None
            self._count += 1

    def _building(self) -> dict[str, dict[tuple[str, str], None]]:
        if self._by_subject is None:
            raise RuntimeError("the graph has been read (frozen): no triple can be added")
        return self._by_subject

    def freeze(self) -> None:
        """Make each subject's block its sorted lines in one bytes object, freeing the
        tuples as it goes (so the two forms are never held whole at once). Lines of one
        subject sort as ``p o`` does: they share the prefix ``s ``."""
        by_subject = self._by_subject
        if by_subject is None:
            return
        self._codes = _codes_for(by_subject)
        frozen = self._frozen
        for s in list(by_subject):
            lines = sorted([f"{p} {o}" for p, o in by_subject.pop(s)])
            # interned, so that the subjects :meth:`reachable` returns are these strings
            frozen[sys.intern(s)] = self._encode("\n".join(lines) + "\n")
        self._by_subject = None

    def absorb(self, blocks: Blocks) -> None:
        """Freeze a batch of blocks in the build form (``{s: {(p, o): None}}``, emptied as
        it goes) into the graph, uniting each with the subject's frozen block if it has one.

        The mapper writes its triples a batch of agreements or organisations at a time, so
        the build form of the whole graph (233 bytes a triple at 100x, three times the frozen
        form) is never held: only a batch's. The namespace codes are chosen on the first
        batch (they change only how small the blocks are, never what they say).
        """
        if self._by_subject:  # triples added one by one before: frozen first
            self.freeze()
        elif self._by_subject is not None:
            self._codes = _codes_for(blocks)
            self._by_subject = None
        self.absorb_frozen(frozen_blocks(blocks, self._codes))

    @property
    def codes(self) -> list[tuple[bytes, bytes]]:
        """The namespace codes of the frozen blocks, for :func:`frozen_blocks` elsewhere
        (a worker process freezing a batch for :meth:`absorb_frozen`)."""
        return self._codes

    def absorb_frozen(self, frozen: dict[str, bytes]) -> None:
        """Take blocks frozen by :func:`frozen_blocks` with this graph's :attr:`codes`
        (emptied as it goes). A subject met in two batches (an institution whose units come
        in another batch) has its lines united and sorted again, so the graph is the one a
        single batch would give, whichever batch comes first."""
        if self._by_subject is not None:
            raise RuntimeError("the graph is not frozen: absorb a batch first")
        held, count = self._frozen, self._count
        for s in list(frozen):
            block = frozen.pop(s)
            old = held.get(s)
            if old is None:
                held[sys.intern(s)] = block
                count += block.count(b"\n")
                continue
            lines = self._decode(old).decode("utf-8").split("\n")[:-1]
            count -= len(lines)
            merged = sorted(set(lines).union(
                self._decode(block).decode("utf-8").split("\n")[:-1]))
            count += len(merged)
            held[s] = self._encode("\n".join(merged) + "\n")
        self._count = count

    def _encode(self, text: str) -> bytes:
        return _encode(text, self._codes)

    def _decode(self, block: bytes) -> bytes:
        # each code replaced without looking for it first: ``code in block`` takes as long
        # as the replace, which gives the block itself back when the code is absent (the
        # decoding was 5 % of the samples of a 100x build, half of it in those looks)
        if block[0] == 0:
            return block[1:]
        for namespace, code in self._codes:
            block = block.replace(code, namespace)
        return block

    def _blocks(self) -> dict[str, bytes]:
        if self._by_subject is not None:
            self.freeze()
        return self._frozen

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[str, str, str]]:
        for s, block in self._blocks().items():
            for p, o in _pairs(self._decode(block)):
                yield s, p, o

    @classmethod
    def of_store(cls, store: pyoxigraph.Store) -> TripleGraph:
        """The default graph of a store (a user's file to validate, say)."""
        graph = cls()
        for q in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()):
            graph.add(str(q.subject), str(q.predicate), str(q.object))
        return graph

    def block(self, s: str) -> list[tuple[str, str]]:
        """The (predicate, object) pairs of subject ``s`` (none if it is not a subject)."""
        block = self._blocks().get(s)
        return _pairs(self._decode(block)) if block is not None else []

    def subjects(self) -> Iterable[str]:
        return self._blocks().keys()

    def objects(self, s: str, p: str) -> list[str]:
        return [o for p2, o in self.block(s) if p2 == p]

    def subjects_with(self, p: str, o: str) -> list[str]:
        blocks = self._blocks()
        coded = self._encode(f"{p} {o}\n")
        raw = f"{p} {o}\n".encode()
        found = []
        for s, block in blocks.items():
            line = raw if block[0] == 0 else coded
            if block.startswith(line, 1 if block[0] == 0 else 0) or b"\n" + line in block:
                found.append(s)
        return found

    def subjects_stating(self, p: str) -> list[str]:
        """The subjects with a triple of predicate ``p``, found in the blocks' bytes (no
        block is decoded): validation's look for ``rdfs:subClassOf`` and inverse paths."""
        coded, raw = self._encode(f"{p} "), f"{p} ".encode()
        found = []
        for s, block in self._blocks().items():
            line = raw if block[0] == 0 else coded
            if block.startswith(line, 1 if block[0] == 0 else 0) or b"\n" + line in block:
                found.append(s)
        return found

    def lines(self, subjects: Iterable[str] | None = None) -> list[str]:
        """Sorted N-Triples lines (without newlines) of all subjects or the ones given."""
        blocks = self._blocks()
        chosen = blocks.keys() if subjects is None else subjects
        out = [f"{s} {line} ." for s in chosen
               for line in self._decode(blocks[s]).decode("utf-8").split("\n") if line]
        out.sort()
        return out

    def sorted_lines(self) -> Iterator[str]:
        """Every line in sorted order, one subject's block at a time (see :meth:`chunks`)."""
        for chunk in self.chunks():
            yield from chunk.decode("utf-8").split("\n")[:-1]

    def chunks(self, subjects: Iterable[str] | None = None) -> Iterator[bytes]:
        """The N-Triples text of each subject (all, or those given), subjects in sorted
        order: the whole graph's lines sorted, a subject's block at a time, so a dump of
        twenty million triples never holds all its lines at once.

        Sorting subjects and then each block equals sorting all lines: terms are compared up
        to the space after them, a space sorts before any character of a term, so a subject
        that is a proper prefix of another (``_:b1``, ``_:b10``) sorts first either way.
        """
        blocks = self._blocks()
        for s in sorted(blocks if subjects is None else subjects):
            yield subject_chunk(s.encode("utf-8"), self._decode(blocks[s]))

    def reachable(self, roots: Iterable[str], no_follow: frozenset[str],
                  edges: dict[str, tuple[str, ...]] | None = None) -> set[str]:
        """The roots and every subject their IRI objects lead to, except along ``no_follow``.

        ``edges`` (subject -> the subjects it leads to) is filled as blocks are read and
        read before them: calls that share it (the fifty source views of a build, which
        reach the same institutions again and again) decode and scan each block once."""
        seen: set[str] = set()
        blocks = self._blocks()
        skip = {p.encode("utf-8") for p in no_follow}
        if edges is None:
            edges = {}
        todo = list(roots)
        while todo:
            s = todo.pop()
            if s in seen:
                continue
            seen.add(sys.intern(s))  # the graph's own string (see freeze), not a copy
            out = edges.get(s)
            if out is None:
                block = blocks.get(s)
                if block is None:
                    continue
                # interned: the graph's own strings, so the tuples add no copies of them
                out = edges[s] = tuple(
                    sys.intern(o) for o in (o.decode("utf-8") for p, o in
                                            _IRI_OBJECT.findall(self._decode(block))
                                            if p not in skip) if o in blocks)
            todo.extend(o for o in out if o not in seen)
        return seen


Blocks = dict[str, dict[tuple[str, str], None]]  # the build form: s -> {(p, o): None}


def frozen_blocks(blocks: Blocks, codes: list[tuple[bytes, bytes]]) -> dict[str, bytes]:
    """Each subject's sorted ``p o`` lines as one bytes object, namespaces coded by
    ``codes`` (:attr:`TripleGraph.codes`); ``blocks`` is emptied as it goes, so the two
    forms of a batch are never held whole at once."""
    out: dict[str, bytes] = {}
    for s in list(blocks):
        lines = [f"{p} {o}" for p, o in blocks.pop(s)]
        if lines:
            lines.sort()
            out[s] = _encode("\n".join(lines) + "\n", codes)
    return out


def _encode(text: str, codes: list[tuple[bytes, bytes]]) -> bytes:
    """A block's text with its namespaces coded; a text holding a control character of its
    own (not canonical N-Triples, but possible) is kept as it is, behind a NUL."""
    data = text.encode("utf-8")
    if _CONTROL.search(text):
        return b"\0" + data
    for namespace, code in codes:
        data = data.replace(namespace, code)
    return data


# a line of a block whose object is an IRI: ``<p> <o>`` (a literal's line has a quote after
# the predicate, a blank node's an underscore); an IRI holds no ``>``, space or newline.
# Finding these in the block's bytes is what lets :meth:`TripleGraph.reachable` walk the
# graph without making a string of every line (the per-source views: 2.6 s of 10x mapping).
_IRI_OBJECT = re.compile(rb"^(<[^>\n]*>) (<[^>\n]*>)$", re.MULTILINE)
# a control character other than the newline: never in canonical N-Triples
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")
# the codes of namespaces in a frozen block: control characters but NUL and the newline.
# Eight: on the 10x graph they hold a triple in 55 bytes (113 without, 46 with thirty),
# and each code costs a look at every block read, so more cost more than they save.
_CODES = [bytes([c]) for c in range(1, 9)]


def _codes_for(by_subject: Blocks) -> list[tuple[bytes, bytes]]:
    """The namespaces that save the most bytes, each with its code, longest first (so that
    a namespace inside a longer one is coded after it: decoding gives the text back).
    Counted on a sample of subjects: the choice changes only how small the blocks are."""
    saved: Counter[str] = Counter()
    for block in itertools.islice(by_subject.values(), 0, None, 8):
        for p, o in block:
            saved[_namespace(p)] += 1
            if o[0] == "<":
                saved[_namespace(o)] += 1
            elif o[-1] == ">":  # a typed literal: its datatype's
                saved[_namespace(o[o.rindex("^^<") + 2:])] += 1
    best = sorted(((n * (len(ns) - 1), ns) for ns, n in saved.items() if len(ns) > 4),
                  reverse=True)[:len(_CODES)]
    chosen = sorted((ns.encode("utf-8") for _, ns in best), key=lambda ns: (-len(ns), ns))
    return list(zip(chosen, _CODES, strict=False))


def _namespace(iri: str) -> str:
    """``<http://example.org/ns#`` of ``<http://example.org/ns#name>``."""
    return iri[:max(iri.rfind("/"), iri.rfind("#")) + 1]


def _pairs(block: bytes) -> list[tuple[str, str]]:
    """The (predicate, object) pairs of a frozen block: a predicate is an IRI, so the first
    space of a line ends it."""
    return [(p, o) for p, _, o in (line.partition(" ")
                                   for line in block.decode("utf-8").split("\n")) if o]


def subject_chunk(subject: bytes, block: bytes) -> bytes:
    """The N-Triples lines of a frozen block: ``s p o .`` for each ``p o``."""
    return subject + b" " + block[:-1].replace(b"\n", b" .\n" + subject + b" ") + b" .\n"
