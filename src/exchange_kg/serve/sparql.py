"""``/sparql``: the SPARQL 1.1 Protocol (query operation only).

- ``GET /sparql?query=...``; ``POST`` with ``application/x-www-form-urlencoded`` (``query=``)
  or with the query as an ``application/sparql-query`` body; ``default-graph-uri`` and
  ``named-graph-uri`` as the protocol defines them.
- The result format follows the Accept header, or a ``format`` parameter (``json``, ``xml``,
  ``csv``, ``tsv`` for SELECT, ``json``, ``xml`` for ASK; ``turtle``, ``ntriples``,
  ``jsonld``, ``rdfxml`` for CONSTRUCT/DESCRIBE, or any of their media types);
  ``download=1`` asks for an attachment.
- ``GET /sparql`` without a query returns the Service Description (or, to a browser, the
  query page). ``/sparql/`` is the same endpoint (the W3C protocol tests address it so).
- Relative IRIs in a query resolve against the data's base IRI (``--base``), so
  ``<institution/x>`` names a resource of this dataset; a query's own ``BASE`` wins.
- ASK results come as JSON or XML only: the CSV and TSV results formats define no boolean.
- Refused: SPARQL Update (``update=`` or ``application/sparql-update``: 403), SERVICE (403),
  queries over the length limit (413/414); a malformed query gets 400 with the parser's
  message; a query over the time limit 504; a result over the row or byte limit 403.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote_plus, urlencode

from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import Receive

from exchange_kg.serve import guard, negotiate
from exchange_kg.serve.results import QueryJob, QueryOutcome, serialise_graph
from exchange_kg.serve.runtime import Runtime, runtime
from exchange_kg.serve.void import service_description

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


class ProtocolError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    format: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    download: bool


def text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


def body_limit(max_query_length: int) -> int:
    """The largest request body read: room for percent-encoding and other form fields."""
    return max_query_length * 4 + 16_384


async def read_body(receive: Receive, declared: bytes | str | None, limit: int) -> bytes:
    """The request body from the ASGI ``receive``, refusing (413) past ``limit`` bytes before
    reading it all (``declared``: the Content-Length header, if any)."""
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"request body larger than {limit} bytes")
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        body.extend(message.get("body", b""))
        if len(body) > limit:
            raise ProtocolError(413, f"request body larger than {limit} bytes")
        if not message.get("more_body", False):
            return bytes(body)


async def _read_body(request: Request, limit: int) -> bytes:
    """The body of a Starlette request (see ``read_body``)."""
    return await read_body(request.receive, request.headers.get("content-length"), limit)


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise ProtocolError(400, f"more than one '{name}' parameter")
    return values[0] if values else None


def check_post(content_type: str) -> None:
    """Refuse a POST by its content type alone, before its body is read: an update (403), a
    charset other than UTF-8 (415)."""
    if content_type.split(";")[0].strip().lower() == SPARQL_UPDATE:
        raise ProtocolError(403, guard.UPDATE_REFUSED)
    charset = _charset(content_type)
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"the protocol sends queries in UTF-8, not {charset}")


def fields(text: str) -> dict[str, list[str]]:
    """The fields of a query string or form, as ``parse_qs(text, keep_blank_values=True)``
    reads them; a lone ``name=value`` (nearly every query request) without its generality."""
    if "&" not in text and "=" in text:
        name, _, value = text.partition("=")
        return {unquote_plus(name): [unquote_plus(value)]}
    return parse_qs(text, keep_blank_values=True)


def parse_request(method: str, query_string: bytes, content_type: str, body: bytes,
                  max_query_length: int) -> ProtocolRequest:
    """The protocol parameters of a GET or POST request (a POST already passed
    ``check_post``, and its body was read), or a ProtocolError."""
    # as Starlette reads a query string
    params = fields(query_string.decode("latin-1")) if query_string else {}
    query: str | None = None
    if method == "POST":
        media = content_type.split(";")[0].strip().lower()
        if media == FORM:
            try:
                form = fields(body.decode("utf-8"))
            except UnicodeDecodeError:
                raise ProtocolError(400, "the form is not UTF-8") from None
            for key, values in form.items():
                params[key] = values
        elif media == SPARQL_QUERY:
            if "query" in params:
                raise ProtocolError(400, "a query both in the body and in the URL")
            try:
                query = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query is not UTF-8") from None
        else:
            raise ProtocolError(415, f"POST a query as {FORM} (query=...) or as "
                                     f"{SPARQL_QUERY}, not {media or 'no content type'}")
    if "update" in params:
        raise ProtocolError(403, guard.UPDATE_REFUSED)
    if query is None:
        query = _single(params, "query")
    if query is not None and len(query) > max_query_length:
        status = 414 if method == "GET" else 413
        raise ProtocolError(status, f"the query has {len(query)} characters; this endpoint "
                                    f"accepts at most {max_query_length}")
    return ProtocolRequest(
        query=query,
        format=_single(params, "format"),
        default_graphs=tuple(params.get("default-graph-uri", [])),
        named_graphs=tuple(params.get("named-graph-uri", [])),
        download=(_single(params, "download") or "") not in ("", "0", "false"),
    )


async def read_request(request: Request, max_query_length: int) -> ProtocolRequest:
    """The protocol parameters of a Starlette request, or a ProtocolError."""
    content_type = request.headers.get("content-type", "")
    body = b""
    if request.method == "POST":
        check_post(content_type)
        body = await _read_body(request, body_limit(max_query_length))
    return parse_request(request.method, request.scope["query_string"], content_type, body,
                         max_query_length)


NO_QUERY = f"no query: send one as 'query' (form) or as an {SPARQL_QUERY} body"


def query_job(rt: Runtime, req: ProtocolRequest, accept: str | None) -> QueryJob:
    """What the worker is asked to do for ``req`` (which has a query)."""
    assert req.query is not None
    return QueryJob(query=req.query, accept=accept, format=req.format,
                    default_graphs=req.default_graphs, named_graphs=req.named_graphs,
                    max_rows=rt.config.max_rows, max_bytes=rt.config.max_bytes,
                    base_iri=rt.config.base)


def answer_headers(outcome: QueryOutcome, download: bool) -> dict[str, str]:
    """The headers of an answer besides its length and type."""
    headers = {"Vary": "Accept", **outcome.headers}
    if outcome.status == 200 and download:
        ext = next((f.extension for f in (*negotiate.RESULT_FORMATS, *negotiate.GRAPH_FORMATS)
                    if outcome.content_type.startswith(f.media_type + ";")
                    or outcome.content_type == f.media_type), "txt")
        headers["Content-Disposition"] = f'attachment; filename="query-result.{ext}"'
    return headers


async def execute(rt: Runtime, job: QueryJob, receive: Receive | None = None) -> QueryOutcome:
    """The kept answer to the same request, or ``job`` answered here if it is a lookup one index
    read bounds (``lookups``), else run on a worker (a success is kept).

    Everything that decides about any other query -- SERVICE, Update, the limits -- happens in
    the worker, under the time limit (``results.run_query``): the event loop only hands it
    over.
    With ``receive`` (the request's, body read), the worker's work is stopped if the client
    disconnects meanwhile.
    """
    outcome = answer_now(rt, job)
    if outcome is not None:
        return outcome
    if receive is None:
        outcome = await rt.pool.run(job)
    else:
        outcome = await rt.pool.run(
            job, disconnected=lambda: asyncio.ensure_future(_disconnect(receive)))
    rt.answers.put(job, outcome)
    return outcome


def answer_now(rt: Runtime, job: QueryJob) -> QueryOutcome | None:
    """The kept answer to ``job``, or ``job`` answered here if it is a lookup (``lookups``);
    None if it must go to a worker."""
    kept = rt.answers.get(job)
    if kept is not None:
        return kept
    outcome = rt.lookups.answer(job) if rt.lookups is not None else None
    if outcome is not None:
        rt.answers.put(job, outcome)
    return outcome


async def _disconnect(receive: Receive) -> None:
    """Returns when the client has gone (the body, if any, has been read: the next message
    is the disconnect)."""
    while (await receive())["type"] != "http.disconnect":
        pass


def _service_description(request: Request, rt: Runtime, fmt_param: str | None) -> Response:
    accept = request.headers.get("accept")
    if fmt_param is None and negotiate.html_preferred(accept):
        return RedirectResponse("/query", status_code=303)
    fmt = (negotiate.from_param(fmt_param, negotiate.GRAPH_FORMATS) if fmt_param
           else negotiate.negotiate(accept, negotiate.GRAPH_FORMATS))
    if fmt is None:
        return text(406, "the service description is available as " + ", ".join(
            f.media_type for f in negotiate.GRAPH_FORMATS))
    body = serialise_graph(service_description(rt.summary, rt.config.base), fmt,
                           rt.config.base)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


async def endpoint(request: Request) -> Response:
    rt = runtime(request)
    try:
        req = await read_request(request, rt.config.max_query_length)
    except ProtocolError as exc:
        return text(exc.status, exc.message)
    if req.query is None:
        if request.method == "POST":
            return text(400, NO_QUERY)
        return _service_description(request, rt, req.format)
    accept = request.headers.get("accept")
    if request.method == "GET" and req.format is None and negotiate.html_preferred(accept):
        return RedirectResponse("/query?" + urlencode({"query": req.query}), status_code=303)
    outcome = await execute(rt, query_job(rt, req, accept), request.receive)
    return Response(outcome.body, status_code=outcome.status, media_type=outcome.content_type,
                    headers=answer_headers(outcome, req.download))
