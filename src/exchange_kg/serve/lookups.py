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

The answer comes from a store that answers in the same order as the workers' (the same
in-memory copy of the default graph they make, or the database itself when they query it on
disk), so the status, headers and body are the same bytes whichever way a request goes
(tested). The triples read to bound the query are its answer: when the subject is given (the
engine reads those triples in the same order), a ``DESCRIBE``, a ``CONSTRUCT WHERE``, an
``ASK`` and a ``SELECT`` asking for JSON are written from them directly (``_direct``), as the
engine writes them, which saves parsing and planning the query (half of a lookup's work in
the web process). Any other format, a pattern on its object, a pattern repeating a variable,
a blank node in the answer or an answer over a limit is left to the engine, which runs the
query exactly as a worker would (``results.answer_job``). Anything the grammar does not
recognise takes the worker: a query this module misreads can only be answered by a worker,
never run here unbounded. The store is opened read-only and ``Store.query`` cannot update.
"""

from __future__ import annotations

import re
from itertools import islice
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from operator import attrgetter

import pyoxigraph

from exchange_kg.serve import guard, negotiate
from exchange_kg.serve.results import (
    QueryJob,
    QueryOutcome,
    answer_job,
    choose_format,
    serialise_graph,
    write_boolean,
)
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
_LIMIT = rf"(?:{_WS}*(?i:limit){_WS}+(?P<limit>[0-9]{{1,7}}))?{_WS}*"
# one expression per form, by its first keyword
_FORMS = {
    "select": re.compile(rf"{_WS}*(?i:select){_WS}+(?P<vars>\*|{_VAR}(?:{_WS}*{_VAR})*)"
                         rf"{_WS}*(?:(?i:where){_WS}*)?{_PATTERN}{_LIMIT}"),
    "ask": re.compile(rf"{_WS}*(?i:ask){_WS}*(?:(?i:where){_WS}*)?{_PATTERN}{_WS}*"),
    "construct": re.compile(rf"{_WS}*(?i:construct){_WS}+(?i:where){_WS}*{_PATTERN}{_LIMIT}"),
    "describe": re.compile(rf"{_WS}*(?i:describe){_WS}+(?P<s>{_IRI}){_WS}*"),
}
_FIRST_WORD = re.compile(rf"{_WS}*([A-Za-z]+)")
_VAR_NAME = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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

    def _matches(self, store: pyoxigraph.Store,
                 found: re.Match[str]) -> list[pyoxigraph.Quad] | None:
        """The triples the query of ``found`` reads, if at most ``MAX_MATCHES`` (and, for a
        DESCRIBE, no blank node's description besides), else None."""
        describe = "o" not in found.re.groupindex
        try:
            s, p, o = ((_term(found.group("s")), None, None) if describe
                       else (_term(found.group(k)) for k in "spo"))
        except ValueError:  # not an IRI oxigraph accepts: the engine says why, in a worker
            return None
        if s is None and o is None:
            return None
        quads = list(islice(store.quads_for_pattern(s, p, o, pyoxigraph.DefaultGraph()),
                            MAX_MATCHES + 1))
        if len(quads) > MAX_MATCHES or (describe and any(
                type(quad.object) is pyoxigraph.BlankNode for quad in quads)):
            return None
        return quads

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
        if store is None:
            return None
        quads = self._matches(store, found)
        if quads is None:
            return None
        self.answered += 1
        return _direct(word.group(1).lower(), found, quads, job) or answer_job(store, job)


def _direct(form: str, found: re.Match[str], quads: list[pyoxigraph.Quad],
            job: QueryJob) -> QueryOutcome | None:
    """The answer written from ``quads`` (the pattern's matches, in the engine's order) as the
    engine would write it, or None where the engine must (see the module notes)."""
    if form == "describe":
        return _graph([q.triple for q in quads], job)
    if not found.group("s").startswith("<"):
        # the engine reads a pattern on its object in an order of its own
        return None
    # each variable of the pattern, and the part of a triple it stands for
    variables = {}
    for key, part in (("s", "subject"), ("p", "predicate"), ("o", "object")):
        named = _VAR_NAME.fullmatch(found.group(key).strip())
        if named is not None:
            if named.group(1) in variables:  # ?x ?p ?x: the engine joins
                return None
            variables[named.group(1)] = part
    limit = found.group("limit") if form != "ask" else None
    if limit is not None:
        quads = quads[:int(limit)]
    if form == "ask":
        fmt = choose_format(job, negotiate.BOOLEAN_FORMATS)
        return None if fmt is None else QueryOutcome(
            200, write_boolean(fmt, bool(quads)), fmt.content_type, "ask")
    if form == "construct":
        return _graph([q.triple for q in quads], job)
    return _select_json(found.group("vars"), variables, quads, job)


def _graph(triples: list[pyoxigraph.Triple], job: QueryJob) -> QueryOutcome | None:
    fmt = choose_format(job, negotiate.GRAPH_FORMATS)
    if fmt is None or len(triples) > job.max_rows:
        return None
    body = serialise_graph(triples, fmt, job.base_iri)
    return (QueryOutcome(200, body, fmt.content_type, "graph") if len(body) <= job.max_bytes
            else None)


def _select_json(projection: str, variables: dict[str, str], quads: list[pyoxigraph.Quad],
                 job: QueryJob) -> QueryOutcome | None:
    """A SELECT's answer as SPARQL JSON, byte for byte as pyoxigraph writes it."""
    if choose_format(job, negotiate.RESULT_FORMATS) is not negotiate.JSON:
        return None
    # the engine lists the variables of ``*`` sorted (by code point; names here are ASCII)
    chosen = sorted(variables) if projection == "*" else _VAR_NAME.findall(projection)
    if len(set(chosen)) < len(chosen) or not set(chosen) <= variables.keys() \
            or len(quads) > job.max_rows:
        return None
    keys = [(encode_basestring(name) + ":", attrgetter(variables[name])) for name in chosen]
    rows = []
    for quad in quads:
        fields = []
        for key, term_of in keys:
            value = _json_term(term_of(quad))
            if value is None:
                return None
            fields.append(key + value)
        rows.append("{" + ",".join(fields) + "}")
    body = ('{"head":{"vars":[' + ",".join(map(encode_basestring, chosen))
            + ']},"results":{"bindings":[' + ",".join(rows) + "]}}\n").encode("utf-8")
    return (QueryOutcome(200, body, negotiate.JSON.content_type, "select")
            if len(body) <= job.max_bytes else None)


def _json_term(term: object) -> str | None:
    """A term as SPARQL JSON writes it (as ``results._json_term`` with compact separators);
    None for a blank node, whose label only the engine writes."""
    kind = type(term)
    if kind is pyoxigraph.NamedNode:
        return '{"type":"uri","value":' + encode_basestring(term.value) + "}"  # type: ignore[attr-defined]
    if kind is not pyoxigraph.Literal:
        return None
    value = '{"type":"literal","value":' + encode_basestring(term.value)  # type: ignore[attr-defined]
    if term.language:  # type: ignore[attr-defined]
        return value + ',"xml:lang":' + encode_basestring(term.language) + "}"  # type: ignore[attr-defined]
    datatype = term.datatype.value  # type: ignore[attr-defined]
    if datatype == _XSD_STRING:
        return value + "}"
    return value + ',"datatype":' + encode_basestring(datatype) + "}"
