"""The build's graph: triples as N-Triples terms, grouped by subject.

The mapper writes a quarter of a million triples at 10x scale and twenty million at 1000x;
going through an rdflib ``Graph`` (three indexes of Python objects per triple) made mapping
the slowest stage after validation and held most of the build's memory. Every consumer wants
either sorted N-Triples lines (the dumps, byte-identical across builds) or a pyoxigraph store
(validation, serving), and both are made fastest from terms already written as N-Triples text.
Grouping by subject gives the per-source views (whole subject blocks) for free.
"""

from __future__ import annotations

import io
import itertools
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
    """A set of triples, each term in its N-Triples form, indexed by subject."""

    def __init__(self) -> None:
        self._by_subject: dict[str, dict[tuple[str, str], None]] = {}
        self._count = 0

    def add(self, s: str, p: str, o: str) -> None:
        block = self._by_subject.get(s)
        if block is None:
            block = self._by_subject[s] = {}
        if (p, o) not in block:
            block[(p, o)] = None
            self._count += 1

    def blocks(self) -> dict[str, dict[tuple[str, str], None]]:
        """The subject index itself, for a writer that adds many pairs per subject (the
        compiled graph rules, ``exchange_kg.rules``) without a call per triple; such a writer
        calls :meth:`recount` when it is done."""
        return self._by_subject

    def recount(self) -> None:
        """Count the triples again, and forget subjects left without any."""
        for s in [s for s, block in self._by_subject.items() if not block]:
            del self._by_subject[s]
        self._count = sum(map(len, self._by_subject.values()))

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[str, str, str]]:
        for s, block in self._by_subject.items():
            for p, o in block:
                yield s, p, o

    @classmethod
    def of_store(cls, store: pyoxigraph.Store) -> TripleGraph:
        """The default graph of a store (a user's file to validate, say)."""
        graph = cls()
        for q in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()):
            graph.add(str(q.subject), str(q.predicate), str(q.object))
        return graph

    def block(self, s: str) -> Iterable[tuple[str, str]]:
        """The (predicate, object) pairs of subject ``s`` (none if it is not a subject)."""
        return self._by_subject.get(s, ())

    def subjects(self) -> Iterable[str]:
        return self._by_subject.keys()

    def objects(self, s: str, p: str) -> list[str]:
        return [o for p2, o in self._by_subject.get(s, ()) if p2 == p]

    def subjects_with(self, p: str, o: str) -> list[str]:
        return [s for s, block in self._by_subject.items() if (p, o) in block]

    def lines(self, subjects: Iterable[str] | None = None) -> list[str]:
        """Sorted N-Triples lines (without newlines) of all subjects or the ones given."""
        chosen = self._by_subject.keys() if subjects is None else subjects
        out = [f"{s} {p} {o} ." for s in chosen for p, o in self._by_subject[s]]
        out.sort()
        return out

    def sorted_lines(self) -> Iterator[str]:
        """Every line in sorted order, one subject's block at a time, so a dump of twenty
        million triples never holds all its lines at once.

        Sorting subjects and then each block equals sorting all lines: terms are compared up
        to the space after them, and no subject term is a proper prefix of another (an IRI
        term ends at its only ">").
        """
        for s in sorted(self._by_subject):
            yield from sorted([f"{s} {p} {o} ." for p, o in self._by_subject[s]])

    def reachable(self, roots: Iterable[str], no_follow: frozenset[str]) -> set[str]:
        """The roots and every subject their IRI objects lead to, except along ``no_follow``."""
        seen: set[str] = set()
        todo = list(roots)
        by_subject = self._by_subject
        while todo:
            s = todo.pop()
            if s in seen:
                continue
            seen.add(s)
            for p, o in by_subject.get(s, ()):
                if o[0] == "<" and p not in no_follow and o in by_subject and o not in seen:
                    todo.append(o)
        return seen


class LineReader(io.RawIOBase):
    """A binary file over an iterator of lines, for parsers that read files (pyoxigraph's
    bulk loader): the text is encoded as it is read, never materialised."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._buffer = b""
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray) -> int:  # type: ignore[override]
        if self._pos >= len(self._buffer):
            chunk = list(itertools.islice(self._lines, 10_000))
            if not chunk:
                return 0
            self._buffer, self._pos = ("\n".join(chunk) + "\n").encode("utf-8"), 0
        n = min(len(target), len(self._buffer) - self._pos)
        target[:n] = self._buffer[self._pos:self._pos + n]
        self._pos += n
        return n
