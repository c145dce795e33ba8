"""Dereferencing: every IRI the build mints answers when its request reaches the server.

The IRIs name things (agreements, institutions, source lines), not documents, so the server
follows the W3C "Cool URIs for the Semantic Web" recipe for slash IRIs (section 4.3, the one
the W3C's best-practice recipes for vocabularies use too): ``GET /institution/x`` answers
``303 See Other`` to a document *about* it, chosen by the Accept header --
``/institution/x.html`` for browsers, ``.ttl``, ``.jsonld``, ``.nt`` or ``.rdf`` for RDF
clients -- and each document has its own stable address that can be linked, bookmarked and
cached without ``Vary``. A 200 on the thing's IRI would say the institution *is* a web page.
The ontology's hash IRIs (``/ontology#Agreement``) resolve the same way through ``/ontology``.
"""

from __future__ import annotations

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode

from exchange_kg.serve import negotiate
from exchange_kg.serve.negotiate import Format
from exchange_kg.serve.paths import Paths

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
IS_REPLACED_BY = NamedNode("http://purl.org/dc/terms/isReplacedBy")
OWL_ONTOLOGY = NamedNode("http://www.w3.org/2002/07/owl#Ontology")
DOCUMENT_FORMATS = (negotiate.HTML, *negotiate.GRAPH_FORMATS)
# every document about a thing has an address; these are also its page's data
ADDRESSABLE = (*DOCUMENT_FORMATS, *negotiate.PAGE_DATA)


class LinkedData:
    """Which paths name a resource, and what the server says about each."""

    def __init__(self, store: pyoxigraph.Store, paths: Paths) -> None:
        self.store = store
        self.paths = paths

    def known(self, iri: str) -> bool:
        """True if the graph says anything about ``iri`` or it names a graph (never for a
        path that makes no IRI: a space, ``<``, ``"``, ``{``, a control character)."""
        try:
            node = NamedNode(iri)
        except ValueError:
            return False
        for _ in self.store.quads_for_pattern(node, None, None, DefaultGraph()):
            return True
        for _ in self.store.quads_for_pattern(None, None, node, DefaultGraph()):
            return True
        return self.is_graph(iri)

    def is_graph(self, iri: str) -> bool:
        try:
            return self.store.contains_named_graph(NamedNode(iri))
        except ValueError:
            return False

    def replacement(self, path: str) -> str | None:
        """Where a retired IRI (an institution merged into another) now points: the local path
        of its ``dcterms:isReplacedBy``, with the document extension the request had."""
        stem, dot, extension = path.rpartition(".")
        candidates = [(path, "")]
        if dot and negotiate.by_extension(extension, ADDRESSABLE) is not None:
            candidates.append((stem, "." + extension))
        for thing_path, suffix in candidates:
            for iri in self.paths.iris_for(thing_path):
                try:
                    node = NamedNode(iri)
                except ValueError:  # a path that makes no IRI
                    continue
                for quad in self.store.quads_for_pattern(node, IS_REPLACED_BY, None,
                                                         DefaultGraph()):
                    local = self.paths.local(quad.object.value)
                    if local is not None:
                        return local + suffix
        return None

    def thing(self, path: str) -> str | None:
        """The IRI a request path names, if the graph knows it."""
        return next((iri for iri in self.paths.iris_for(path) if self.known(iri)), None)

    def document(self, path: str) -> tuple[str, Format] | None:
        """(IRI, format) if ``path`` is a document about a known thing (``x.ttl``, ...)."""
        stem, dot, extension = path.rpartition(".")
        if not dot or not stem:
            return None
        fmt = negotiate.by_extension(extension, ADDRESSABLE)
        if fmt is None:
            return None
        iri = self.thing(stem)
        return (iri, fmt) if iri else None

    def _graph_triples(self, graph: NamedNode) -> list[pyoxigraph.Triple]:
        return [q.triple for q in self.store.quads_for_pattern(None, None, None, graph)]

    def _about(self, node: NamedNode | pyoxigraph.BlankNode, seen: set[str],
               out: set[pyoxigraph.Triple], prefix: str) -> None:
        """Statements about ``node``, following blank nodes and the IRIs minted beneath it
        (an agreement's quotas), which have no description of their own elsewhere."""
        for quad in self.store.quads_for_pattern(node, None, None, DefaultGraph()):
            out.add(quad.triple)
            obj = quad.object
            key = str(obj)
            if key in seen:
                continue
            if isinstance(obj, pyoxigraph.BlankNode) or (
                    isinstance(obj, NamedNode) and obj.value.startswith(prefix)):
                seen.add(key)
                self._about(obj, seen, out, prefix)

    def description(self, iri: str) -> list[pyoxigraph.Triple]:
        """What the server says about ``iri``: a named graph's content; the whole ontology for
        the ontology; otherwise its statements (with its blank nodes and sub-resources) and
        the statements that point to it. Sorted, so the same graph gives the same document."""
        node = NamedNode(iri)
        if self.is_graph(iri):
            triples = set(self._graph_triples(node))
        else:
            triples = set()
            for quad in self.store.quads_for_pattern(node, RDF_TYPE, OWL_ONTOLOGY, None):
                if isinstance(quad.graph_name, NamedNode):
                    triples.update(self._graph_triples(quad.graph_name))
            if not triples:
                self._about(node, {str(node)}, triples, iri + "/")
                for quad in self.store.quads_for_pattern(None, None, node, DefaultGraph()):
                    triples.add(quad.triple)
        return sorted(triples, key=lambda t: (t.subject != node, str(t.subject),
                                              str(t.predicate), str(t.object)))

    @staticmethod
    def choose(accept: str | None, format_param: str | None) -> Format | None:
        """The document format for a request: HTML for browsers, else the best RDF format
        (Turtle when the client does not mind)."""
        if format_param:
            return negotiate.from_param(format_param, DOCUMENT_FORMATS)
        if negotiate.html_preferred(accept):
            return negotiate.HTML
        return negotiate.negotiate(accept, (*negotiate.GRAPH_FORMATS, negotiate.HTML))
