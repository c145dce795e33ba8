"""Run one query on a store and serialise its result, within the limits.

This runs inside a query worker process. SELECT results are written by our own serialisers
(SPARQL 1.1 Query Results JSON, XML, CSV and TSV), which count rows and bytes while streaming
and stop at either limit instead of after materialising the whole answer.

JSON, the format nearly every client asks for, is first written by pyoxigraph's serialiser,
which produces the same bytes without a Python object per term (a tenth of a SELECT's cost on
the example queries, and two thirds of a 500-row one's). It cannot count rows, but the body
bounds them (``_json_rows_at_most``); only a result that may be over a limit is evaluated
again and written by the counting serialiser, which then enforces the limits exactly.

Graph results (CONSTRUCT, DESCRIBE) are collected up to the row limit and written by
pyoxigraph.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph

from exchange_kg import jsonld
from exchange_kg.serve import guard, negotiate
from exchange_kg.serve.negotiate import Format
from exchange_kg.vocab import PREFIXES

PREFIX_MAP = {name: str(ns) for name, ns in PREFIXES.items()}


@dataclass(frozen=True)
class QueryJob:
    """Everything a worker needs to answer one request (picklable)."""

    query: str
    accept: str | None = None
    format: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10_000
    max_bytes: int = 32 * 1024 * 1024
    # what relative IRIs in the query resolve against (the query's own BASE wins)
    base_iri: str | None = None


@dataclass(frozen=True)
class QueryOutcome:
    """A worker's answer: an HTTP status, a body and what the result was."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    # "select", "ask" or "graph" once the query ran
    kind: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, message: str) -> QueryOutcome:
        return cls(status, (message.rstrip() + "\n").encode("utf-8"))

    @property
    def message(self) -> str:
        return self.body.decode("utf-8", "replace").strip() if self.status != 200 else ""


class LimitExceeded(Exception):
    """The result grew past a limit; the message says which and how to stay within it."""


class _Sink:
    """A byte buffer that refuses to grow past ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.buffer = io.BytesIO()
        self.max_bytes = max_bytes

    def write(self, text: str) -> None:
        self.write_bytes(text.encode("utf-8"))

    def write_bytes(self, data: bytes) -> int:
        if self.buffer.tell() + len(data) > self.max_bytes:
            raise LimitExceeded(f"the result is larger than this endpoint's limit of "
                                f"{self.max_bytes} bytes; add a LIMIT or select fewer columns")
        return self.buffer.write(data)


# --- SELECT / ASK serialisers -------------------------------------------------------------

Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Triple):
        return {"type": "triple", "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        }}
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term: Term) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, pyoxigraph.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, pyoxigraph.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject>"
                f"<predicate>{_xml_term(term.predicate)}</predicate>"
                f"<object>{_xml_term(term.object)}</object></triple>")
    if term.language:
        attr = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        attr = f" datatype={quoteattr(term.datatype.value)}"
    else:
        attr = ""
    return f"<literal{attr}>{escape(term.value)}</literal>"


def _csv_field(text: str) -> str:
    if any(c in text for c in '",\r\n') or text != text.strip():
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.BlankNode):
        return _csv_field(f"_:{term.value}")
    if isinstance(term, pyoxigraph.Triple):
        return _csv_field(str(term))
    return _csv_field(term.value)


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.Triple):
        return f"<< {term.subject} {term.predicate} {term.object} >>"
    return str(term)  # N-Triples form, which escapes tabs and line breaks


def _write_solutions(fmt: Format, variables: list[str], rows: Iterable[pyoxigraph.QuerySolution],
                     sink: _Sink, max_rows: int) -> None:
    """Stream ``rows`` into ``sink`` in ``fmt``, refusing more than ``max_rows``."""
    count = 0

    def limited() -> Iterator[pyoxigraph.QuerySolution]:
        nonlocal count
        for row in rows:
            count += 1
            if count > max_rows:
                raise LimitExceeded(
                    f"the result has more than {max_rows} rows, this endpoint's limit; add a "
                    f"LIMIT (and ORDER BY with OFFSET to page), or download the dumps")
            yield row

    if fmt is negotiate.JSON:
        head = json.dumps(variables, separators=(",", ":"))
        sink.write('{"head":{"vars":' + head + '},"results":{"bindings":[')
        for i, row in enumerate(limited()):
            binding = {v: _json_term(row[v]) for v in variables if row[v] is not None}
            sink.write(("," if i else "")
                       + json.dumps(binding, ensure_ascii=False, separators=(",", ":")))
        sink.write("]}}\n")
    elif fmt is negotiate.XML:
        sink.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                   '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
        sink.write("".join(f"<variable name={quoteattr(v)}/>" for v in variables))
        sink.write("</head><results>")
        for row in limited():
            sink.write("<result>" + "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>"
                for v in variables if row[v] is not None) + "</result>")
        sink.write("</results></sparql>\n")
    elif fmt is negotiate.CSV:
        sink.write(",".join(_csv_field(v) for v in variables) + "\r\n")
        for row in limited():
            sink.write(",".join(_csv_term(row[v]) for v in variables) + "\r\n")
    else:  # TSV
        sink.write("\t".join(f"?{v}" for v in variables) + "\n")
        for row in limited():
            sink.write("\t".join(_tsv_term(row[v]) for v in variables) + "\n")


def write_boolean(fmt: Format, value: bool) -> bytes:
    """An ASK result in JSON or XML, the only results formats that define a boolean."""
    text = "true" if value else "false"
    if fmt is negotiate.JSON:
        return ('{"head":{},"boolean":' + text + "}\n").encode()
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{text}</boolean></sparql>\n").encode()


class _NativeOutput:
    """The file pyoxigraph's serialiser writes into: a ``_Sink`` seen as a binary stream."""

    def __init__(self, sink: _Sink) -> None:
        self.sink = sink

    def write(self, data: bytes) -> int:
        return self.sink.write_bytes(data)

    def flush(self) -> None:
        """Nothing to flush: the sink is a buffer (pyoxigraph calls this when done)."""


def _json_rows_at_most(body: bytes) -> int:
    """An upper bound on the rows of a SPARQL JSON results document, in C-speed byte counts.

    Every row is an object, so it adds a ``{``, as do the document, ``head`` and ``results``
    (3) and each bound term, which alone writes ``"type":"`` (its type is a string; a variable
    named ``type`` is followed by an object). JSON escapes every quote inside a string, so no
    string can contain ``"type":"``, while a ``{`` inside one only raises the bound.
    """
    return body.count(b"{") - body.count(b'"type":"') - 3


def _native_json(result: pyoxigraph.QuerySolutions, job: QueryJob) -> bytes | None:
    """``result`` as SPARQL JSON written by pyoxigraph, or None if it may hold more rows than
    ``job.max_rows`` or is larger than ``job.max_bytes``: the caller then writes it with the
    counting serialiser."""
    sink = _Sink(job.max_bytes)
    try:
        result.serialize(_NativeOutput(sink), format=pyoxigraph.QueryResultsFormat.JSON)
        sink.write_bytes(b"\n")  # as the counting serialiser ends it
    except LimitExceeded:
        return None
    body = sink.buffer.getvalue()
    return body if _json_rows_at_most(body) <= job.max_rows else None


_RDF_FORMATS = {
    negotiate.TURTLE.key: pyoxigraph.RdfFormat.TURTLE,
    negotiate.NTRIPLES.key: pyoxigraph.RdfFormat.N_TRIPLES,
    negotiate.JSONLD.key: pyoxigraph.RdfFormat.JSON_LD,
    negotiate.RDFXML.key: pyoxigraph.RdfFormat.RDF_XML,
}


def _used_prefixes(triples: list[pyoxigraph.Triple]) -> dict[str, str]:
    """The project prefixes some IRI of ``triples`` starts with (no unused declarations)."""
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            kind = type(term)
            if kind is pyoxigraph.NamedNode:
                iris.add(term.value)
            elif kind is pyoxigraph.Literal:
                iris.add(term.datatype.value)
    namespaces = {_namespace(iri) for iri in iris}
    return {name: ns for name, ns in PREFIX_MAP.items() if ns in namespaces}


def _namespace(iri: str) -> str:
    """What a prefix for ``iri`` would name: up to its last ``#``, else its last ``/``."""
    cut = iri.rfind("#")
    if cut >= 0:
        return iri[:cut + 1]
    cut = iri.rfind("/")
    return iri[:cut + 1] if cut >= 0 else iri + "/"


def serialise_graph(triples: Iterable[pyoxigraph.Triple], fmt: Format,
                    base: str | None = None) -> bytes:
    """Triples in one of the graph formats, with the project's prefixes where the format has
    them; N-Triples lines sorted so the same graph gives the same bytes; JSON-LD compacted
    with the context published under ``base`` when it is given."""
    if fmt is negotiate.NTRIPLES:
        lines = sorted({f"{t.subject} {t.predicate} {t.object} .\n" for t in triples})
        return "".join(lines).encode("utf-8")
    triples = list(triples)
    if fmt is negotiate.JSONLD and base is not None:
        try:
            return jsonld.compact(triples, base)
        except ValueError:  # an RDF-star triple term, which compact JSON-LD cannot hold
            pass
    prefixes = _used_prefixes(triples) if fmt in (negotiate.TURTLE, negotiate.RDFXML) else None
    data = pyoxigraph.serialize(triples, format=_RDF_FORMATS[fmt.key], prefixes=prefixes)
    return data if data is not None else b""


# --- running a query ----------------------------------------------------------------------

def _dataset(job: QueryJob) -> dict[str, object]:
    """pyoxigraph's dataset arguments for the protocol's default-graph-uri / named-graph-uri
    (which override the query's FROM / FROM NAMED, as the protocol says), and its base IRI.

    Without either, the default graph is the store's default graph (the merge of all named
    graphs) and every named graph is available to GRAPH.
    """
    options: dict[str, object] = {"base_iri": job.base_iri} if job.base_iri else {}
    if job.default_graphs or job.named_graphs:
        options["default_graph"] = [pyoxigraph.NamedNode(g) for g in job.default_graphs]
        options["named_graphs"] = [pyoxigraph.NamedNode(g) for g in job.named_graphs]
    return options


def _not_acceptable(kind: str, formats: tuple[Format, ...]) -> QueryOutcome:
    offered = ", ".join(f"{f.media_type} (format={f.key})" for f in formats)
    return QueryOutcome.error(406, f"no acceptable format for a {kind} result; this endpoint "
                                   f"offers {offered}")


def choose_format(job: QueryJob, formats: tuple[Format, ...]) -> Format | None:
    if job.format:
        return negotiate.from_param(job.format, formats)
    return negotiate.negotiate(job.accept, formats)


def _select(store: pyoxigraph.Store, job: QueryJob, result: pyoxigraph.QuerySolutions,
            fmt: Format) -> QueryOutcome:
    """A SELECT result in ``fmt``: JSON by pyoxigraph when it is surely within the limits,
    else (and in every other format) by the counting serialiser."""
    if fmt is negotiate.JSON:
        body = _native_json(result, job)
        if body is not None:
            return QueryOutcome(200, body, fmt.content_type, "select")
        again = store.query(job.query, **_dataset(job))
        assert isinstance(again, pyoxigraph.QuerySolutions)
        result = again
    sink = _Sink(job.max_bytes)
    variables = [v.value for v in result.variables]
    _write_solutions(fmt, variables, result, sink, job.max_rows)
    return QueryOutcome(200, sink.buffer.getvalue(), fmt.content_type, "select")


def run_query(store: pyoxigraph.Store, job: QueryJob, *,
              network_denied: bool = False) -> QueryOutcome:
    """Evaluate ``job`` on ``store``: 200 with the serialised result, 400 for a query the
    parser rejects (with its message), 403 for an update or a SERVICE call (see ``guard``)
    or a result over a limit, 406 when no offered format is acceptable.

    ``network_denied`` says that this process cannot open network connections (``sandbox``),
    so the engine may run any query; otherwise a query that might use SERVICE is refused
    before it runs.
    """
    if not network_denied and guard.service_suspected(job.query):
        return QueryOutcome.error(403, guard.SERVICE_REFUSED)
    try:
        return _evaluate(store, job)
    except SyntaxError as exc:
        if guard.is_update(job.query):
            return QueryOutcome.error(403, guard.UPDATE_REFUSED)
        return QueryOutcome.error(400, f"malformed query: {exc}")
    except LimitExceeded as exc:
        return QueryOutcome.error(403, f"result too large: {exc}")
    except (ValueError, OSError, RuntimeError) as exc:  # evaluation errors, also mid-result
        refusal = guard.engine_refusal(exc, job.query) if network_denied else None
        if refusal:
            return QueryOutcome.error(403, refusal)
        return QueryOutcome.error(400, f"query failed: {exc}")


def answer_job(store: pyoxigraph.Store, job: QueryJob, *,
               network_denied: bool = False) -> QueryOutcome:
    """``run_query``, with any other failure as the answer: a worker must never end silently
    over one query, and the web process's own lookups (``lookups``) answer as a worker does."""
    try:
        return run_query(store, job, network_denied=network_denied)
    except MemoryError:
        return QueryOutcome.error(503, "the query needed more memory than a query worker may "
                                       "use")
    except Exception as exc:
        return QueryOutcome.error(500, f"query failed: {type(exc).__name__}")


def _evaluate(store: pyoxigraph.Store, job: QueryJob) -> QueryOutcome:
    result = store.query(job.query, **_dataset(job))
    if isinstance(result, pyoxigraph.QueryBoolean):
        fmt = choose_format(job, negotiate.BOOLEAN_FORMATS)
        if fmt is None:
            return _not_acceptable("ASK", negotiate.BOOLEAN_FORMATS)
        sink = _Sink(job.max_bytes)
        sink.write_bytes(write_boolean(fmt, bool(result)))
        return QueryOutcome(200, sink.buffer.getvalue(), fmt.content_type, "ask")
    if isinstance(result, pyoxigraph.QuerySolutions):
        fmt = choose_format(job, negotiate.RESULT_FORMATS)
        if fmt is None:
            return _not_acceptable("SELECT", negotiate.RESULT_FORMATS)
        return _select(store, job, result, fmt)
    fmt = choose_format(job, negotiate.GRAPH_FORMATS)
    if fmt is None:
        return _not_acceptable("CONSTRUCT/DESCRIBE", negotiate.GRAPH_FORMATS)
    triples = []
    for triple in result:
        triples.append(triple)
        if len(triples) > job.max_rows:
            raise LimitExceeded(f"the result has more than {job.max_rows} triples, this "
                                f"endpoint's limit; add a LIMIT or download the dumps")
    body = serialise_graph(triples, fmt, job.base_iri)
    if len(body) > job.max_bytes:
        raise LimitExceeded(f"the result is larger than this endpoint's limit of "
                            f"{job.max_bytes} bytes; add a LIMIT or download the dumps")
    return QueryOutcome(200, body, fmt.content_type, "graph")
