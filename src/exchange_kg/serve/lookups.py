"""Lookups answered in the web process: queries whose whole cost one index read bounds.

A query goes to a worker process because nothing else can stop it: pyoxigraph cannot
interrupt a query, and only a sandboxed process may run one that could name a SERVICE. That
hand-off (two sockets, two wake-ups, Python on both sides) costs about five times the
engine's own work on a point lookup. So the one shape of query that provably needs neither
guarantee is answered where the request arrived:

- one triple pattern (``SELECT``, ``ASK``, ``CONSTRUCT WHERE``) with an IRI as its subject or
  object, or ``DESCRIBE`` of one IRI;
- written in a strict subset of SPARQL that a regular expression recognises whole: keywords,
  variables, absolute IRIs without escapes or delimiters, whitespace, an optional ``LIMIT``;
  no comments, prefixes, strings, functions, ``GRAPH``, ``FROM`` or ``SERVICE`` (and none of
  the letters ``service`` anywhere, the conservative check of ``guard``), no dataset
  parameters;
- and bounded before it runs: the triples matching the pattern (for ``DESCRIBE``, the
  subject's triples, none of them with a blank node object, which oxigraph's description
  would follow) are counted from the store's index, stopping at ``MAX_MATCHES``; more, and
  the query goes to a worker like any other.

The engine then runs the query exactly as a worker would (``results.answer_job``) on a store
that answers in the same order as the workers' (the same in-memory copy of the default graph
they make, or the database itself when they query it on disk), so the status, headers and
body are the same bytes whichever way a request goes (tested). Anything the grammar does not
recognise takes the worker: a query this module misreads can only be answered by a worker,
never run here unbounded. The store is opened read-only and ``Store.query`` cannot update.
"""

from __future__ import annotations

import re

import pyoxigraph

from exchange_kg.serve import guard
from exchange_kg.serve.results import QueryJob, QueryOutcome, answer_job
from exchange_kg.serve.worker_store import (
    WorkerStores,
    copies_fit,
    default_graph_copy,
    reads_default_graph_only,
)

# the most triples a lookup answered here may read: a thousand rows are written in about a
# millisecond, which the event loop can spare
MAX_MATCHES = 1_000
# longer queries are not lookups (and need not be matched against the grammar)
MAX_LENGTH = 2_000

_WS = r"[ \t\r\n]"
# an absolute IRI as written, without escapes (\u), spaces or the characters that end one,
# and without dot segments (``/../``), which resolving it against a base could remove: the
# engine must read the very IRI whose triples were counted
_IRI = r"<(?![^>]*/\.\.?(?:/|>))[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*>"
# possessive, as the engine reads a variable's name: ``?sa ?o`` is never ``?s a ?o``
_VAR = r"[?$][A-Za-z_][A-Za-z0-9_]*+"
_PATTERN = (rf"\{{{_WS}*(?P<s>{_IRI}|{_VAR}){_WS}*(?P<p>{_IRI}|{_VAR}|a{_WS}){_WS}*"
            rf"(?P<o>{_IRI}|{_VAR}){_WS}*(?:\.{_WS}*)?\}}")
_LIMIT = rf"(?:{_WS}*(?i:limit){_WS}+[0-9]{{1,7}})?{_WS}*"
# one expression per form, by its first keyword
_FORMS = {
    "select": re.compile(rf"{_WS}*(?i:select){_WS}+(?:\*|{_VAR}(?:{_WS}*{_VAR})*){_WS}*"
                         rf"(?:(?i:where){_WS}*)?{_PATTERN}{_LIMIT}"),
    "ask": re.compile(rf"{_WS}*(?i:ask){_WS}*(?:(?i:where){_WS}*)?{_PATTERN}{_WS}*"),
    "construct": re.compile(rf"{_WS}*(?i:construct){_WS}+(?i:where){_WS}*{_PATTERN}{_LIMIT}"),
    "describe": re.compile(rf"{_WS}*(?i:describe){_WS}+(?P<s>{_IRI}){_WS}*"),
}
_FIRST_WORD = re.compile(rf"{_WS}*([A-Za-z]+)")
_RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _term(text: str) -> pyoxigraph.NamedNode | None:
    """The IRI a pattern position names, or None for a variable."""
    text = text.strip()
    if text == "a":
        return _RDF_TYPE
    if text.startswith("<"):
        return pyoxigraph.NamedNode(text[1:-1])
    return None


class Lookups:
    """Answers the lookups of the module notes from ``stores`` (the workers' layout)."""

    def __init__(self, stores: WorkerStores, in_memory: bool) -> None:
        self.stores = stores
        # whether the workers query in-memory copies (then so must this, for the same order)
        self.in_memory = in_memory
        self.answered = 0

    @classmethod
    def over(cls, store: pyoxigraph.Store, memory_quads: int,
             memory_limit_mb: int | None) -> Lookups:
        """Lookups on the database ``store`` (read-only), laid out as the workers lay it out
        with the same settings (``worker_store.open_worker_stores``): a copy of its default
        graph in memory if theirs are, else the database itself."""
        if copies_fit(len(store), memory_quads, memory_limit_mb):
            return cls(WorkerStores(store, default_graph_copy(store)), in_memory=True)
        return cls(WorkerStores(store), in_memory=False)

    def _store(self, job: QueryJob) -> pyoxigraph.Store | None:
        """The store a worker would answer ``job`` from, if this process holds it."""
        if not self.in_memory:
            return self.stores.full
        if self.stores.default_graph is not None and reads_default_graph_only(job):
            return self.stores.default_graph
        return None

    def _bounded(self, store: pyoxigraph.Store, found: re.Match[str]) -> bool:
        """True if the query of ``found`` reads at most ``MAX_MATCHES`` triples (and, for a
        DESCRIBE, no blank node's description besides)."""
        describe = "o" not in found.re.groupindex
        try:
            s, p, o = ((_term(found.group("s")), None, None) if describe
                       else (_term(found.group(k)) for k in "spo"))
        except ValueError:  # not an IRI oxigraph accepts: the engine says why, in a worker
            return False
        if s is None and o is None:
            return False
        quads = store.quads_for_pattern(s, p, o, pyoxigraph.DefaultGraph())
        for count, quad in enumerate(quads, 1):
            if count > MAX_MATCHES or (describe and isinstance(quad.object,
                                                               pyoxigraph.BlankNode)):
                return False
        return True

    def answer(self, job: QueryJob) -> QueryOutcome | None:
        """``job`` answered here, or None if it must go to a worker."""
        query = job.query
        if (len(query) > MAX_LENGTH or job.default_graphs or job.named_graphs
                or guard.service_suspected(query)):
            return None
        word = _FIRST_WORD.match(query)
        form = _FORMS.get(word.group(1).lower()) if word else None
        found = form.fullmatch(query) if form else None
        if found is None:
            return None
        store = self._store(job)
        if store is None or not self._bounded(store, found):
            return None
        self.answered += 1
        return answer_job(store, job)
