"""JSON-LD that people can read: compacted with the project's published, versioned @context.

A JSON-LD processor's compaction algorithm is general and slow (pyld needs seconds for one
entity, minutes for the dump); the graphs here are flat and their vocabulary is known, so the
compact form is written directly: one node object per subject, each property under its term
from ``data/context.jsonld`` (or as a compact IRI when the context has no term for it), IRIs
compacted with the context's prefixes, and every value in the form that expands back to exactly
the same RDF term -- a bare string where the term's type coercion gives the literal's
datatype, a value object (``@value`` with ``@type`` or ``@language``) or node object
(``@id``) otherwise. The tests expand the output with pyld and compare it with the Turtle.

The context is published by ``exchange-kg serve`` at ``{base}context/{CONTEXT_VERSION}.jsonld``
and versioned with the ontology: a change of terms is a new version at a new address, so
documents that name an older context keep meaning what they meant. The dump embeds a copy so
that it loads offline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

import pyoxigraph

# the ontology version the context belongs to (a test checks that they agree)
CONTEXT_VERSION = "0.1.0"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple


# the path under the base where the server publishes the context
CONTEXT_PATH = f"context/{CONTEXT_VERSION}.jsonld"


def context_url(base: str) -> str:
    return base + CONTEXT_PATH


@cache
def context_document() -> dict[str, Any]:
    """The published context document (``{"@context": {...}}``)."""
    text = resources.files("exchange_kg").joinpath("data", "context.jsonld").read_text(
        encoding="utf-8")
    return json.loads(text)


class Compactor:
    """Writes triples as compact JSON-LD node objects under the context."""

    def __init__(self, context: dict[str, Any]) -> None:
        definitions = context["@context"]
        self.prefixes = sorted(
            ((iri, name) for name, iri in definitions.items()
             if isinstance(iri, str) and iri.endswith(("/", "#"))),
            key=lambda p: -len(p[0]))
        # property IRI -> (term, its type coercion); class IRI -> term
        self.properties: dict[str, tuple[str, str | None]] = {}
        self.classes: dict[str, str] = {}
        for name, value in definitions.items():
            if isinstance(value, dict):
                coercion = value.get("@type")
                self.properties[self._expand(value["@id"])] = (
                    name, self._expand(coercion) if coercion and coercion != "@id" else coercion)
            elif isinstance(value, str) and not value.endswith(("/", "#")):
                self.classes[self._expand(value)] = name

    def _expand(self, compact: str) -> str:
        prefix, colon, rest = compact.partition(":")
        if colon:
            for iri, name in self.prefixes:
                if name == prefix:
                    return iri + rest
        return compact

    def iri(self, iri: str) -> str:
        """``iri`` as a compact IRI if a prefix covers it, else whole."""
        for namespace, name in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace) \
                    and not iri[len(namespace):].startswith("//"):
                return f"{name}:{iri[len(namespace):]}"
        return iri

    def _id(self, term: Term) -> str:
        if isinstance(term, pyoxigraph.BlankNode):
            return f"_:{term.value}"
        return self.iri(term.value)

    def _value(self, term: Term, coercion: str | None) -> Any:
        if isinstance(term, (pyoxigraph.NamedNode, pyoxigraph.BlankNode)):
            ref = self._id(term)
            return ref if coercion == "@id" else {"@id": ref}
        if isinstance(term, pyoxigraph.Triple):
            raise ValueError("RDF-star triple terms have no JSON-LD 1.1 form")
        if term.language:
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        # JSON booleans and integers expand to the same literals, unless the term's coercion
        # would give them another datatype
        if datatype == XSD_BOOLEAN and term.value in ("true", "false") \
                and coercion in (None, XSD_BOOLEAN):
            return term.value == "true"
        if datatype == XSD_INTEGER and term.value == str(_integer(term.value)) \
                and coercion in (None, XSD_INTEGER):
            return int(term.value)
        if datatype == coercion or (datatype == XSD_STRING and coercion is None):
            return term.value
        if datatype == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": self.iri(datatype)}

    def node(self, subject: Term, pairs: Iterable[tuple[Term, Term]]) -> dict[str, Any]:
        """The node object of ``subject`` with its (predicate, object) pairs, in order."""
        node: dict[str, Any] = {"@id": self._id(subject)}
        for predicate, obj in pairs:
            p = predicate.value
            if p == RDF_TYPE and not isinstance(obj, pyoxigraph.Literal):
                key = "@type"
                value: Any = self.classes.get(obj.value) if isinstance(
                    obj, pyoxigraph.NamedNode) else None
                value = value or self._id(obj)
            else:
                key, coercion = self.properties.get(p, (self.iri(p), None))
                value = self._value(obj, coercion)
            if key in node:
                if not isinstance(node[key], list):
                    node[key] = [node[key]]
                node[key].append(value)
            else:
                node[key] = value
        return node

    def nodes(self, triples: Iterable[pyoxigraph.Triple]) -> Iterator[dict[str, Any]]:
        """Node objects of triples grouped by subject (consecutive triples of a subject form
        one node, as in sorted N-Triples)."""
        subject: Term | None = None
        pairs: list[tuple[Term, Term]] = []
        for t in triples:
            if subject is not None and t.subject != subject:
                yield self.node(subject, pairs)
                pairs = []
            subject = t.subject
            pairs.append((t.predicate, t.object))
        if subject is not None:
            yield self.node(subject, pairs)


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


@cache
def compactor() -> Compactor:
    return Compactor(context_document())


def _subject_key(t: pyoxigraph.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


def compact(triples: Iterable[pyoxigraph.Triple], base: str) -> bytes:
    """A document of ``triples``, compacted, naming the published context by its URL."""
    ordered = sorted(triples, key=_subject_key)
    doc = {"@context": context_url(base), "@graph": list(compactor().nodes(ordered))}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def dump_lines(nt_path: Path) -> Iterator[str]:
    """The JSON-LD dump of a sorted N-Triples file, line by line (one node a line), with the
    context inline so that the file loads without a network; streamed, as the dump is large."""
    yield from DUMP_HEAD
    previous: str | None = None
    for line in node_lines(str(nt_path)):
        if previous is not None:
            yield previous + ","
        previous = line
    if previous is not None:
        yield previous
    yield DUMP_TAIL


def node_lines(source: str | IO[bytes]) -> Iterator[str]:
    """The dump's line of each subject of sorted N-Triples (a file's path, or a binary file
    such as one range of subjects of the dump, which gives the lines of those subjects)."""
    triples = (pyoxigraph.parse(path=source, format=pyoxigraph.RdfFormat.N_TRIPLES)
               if isinstance(source, str)
               else pyoxigraph.parse(source, format=pyoxigraph.RdfFormat.N_TRIPLES))
    for node in compactor().nodes(triples):
        yield "  " + json.dumps(node, ensure_ascii=False, separators=(",", ":"))


# the dump's lines before its nodes, and after them
DUMP_HEAD = ('{"@context": ' + json.dumps(context_document()["@context"], ensure_ascii=False)
             + ",", ' "@graph": [')
DUMP_TAIL = " ]}"
