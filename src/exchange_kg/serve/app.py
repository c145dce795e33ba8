"""The ASGI application: routes, CORS, security headers, errors without stack traces.

Starlette on uvicorn: the app is a handful of routes over a read-only store, so a small
toolkit with first-class streaming file responses (Range, If-Range) and Jinja templates fits
better than a framework built around JSON APIs and request models.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from exchange_kg import jsonld
from exchange_kg.serve import conditional, negotiate, pages, query_page, reconcile, sparql
from exchange_kg.serve.config import ServeConfig
from exchange_kg.serve.connections import RejectAmbiguousLength
from exchange_kg.serve.downloads import file_response
from exchange_kg.serve.results import serialise_graph
from exchange_kg.serve.runtime import HERE, Runtime, runtime
from exchange_kg.serve.void import void_description

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
ROBOTS = "User-agent: *\nDisallow: /sparql\nDisallow: /query\n"


class SecurityHeaders:
    """Headers every response gets; pages also get a Content-Security-Policy that allows
    nothing from other sites (the pages need nothing from the network)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"strict-origin-when-cross-origin"))
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html") and b"content-security-policy" \
                        not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def void(request: Request) -> Response:
    rt = runtime(request)
    fmt_param = request.query_params.get("format")
    fmt = (negotiate.from_param(fmt_param, negotiate.GRAPH_FORMATS) if fmt_param
           else negotiate.negotiate(request.headers.get("accept"), negotiate.GRAPH_FORMATS))
    if fmt is None:
        # a browser asking for HTML gets Turtle, which it shows as text
        fmt = negotiate.TURTLE
    triples = void_description(rt.summary, rt.config.base, rt.files.available(),
                               rt.config.publication)
    response = Response(serialise_graph(triples, fmt, rt.config.base),
                        media_type=fmt.content_type, headers={"Vary": "Accept"})
    return conditional.respond(request, response, rt.built)


async def jsonld_context(request: Request) -> Response:
    """The published JSON-LD context of this version: its address never changes meaning."""
    rt = runtime(request)
    body = json.dumps(jsonld.context_document(), ensure_ascii=False, indent=1).encode("utf-8")
    response = Response(body, media_type="application/ld+json")
    return conditional.respond(request, response, rt.built, max_age=86400)


async def dump_file(request: Request) -> Response:
    info = runtime(request).files.info(request.path_params["name"])
    if info is None:
        raise HTTPException(404, "no such download")
    return file_response(request, info)


async def linked_data(request: Request) -> Response:
    """Any other path: a minted IRI (303 to a document about it) or such a document."""
    rt = runtime(request)
    path = request.path_params["path"]
    moved = await anyio.to_thread.run_sync(rt.linked.replacement, path)
    if moved is not None:  # merged into another resource: links to the old IRI keep working
        return RedirectResponse(request.scope.get("root_path", "") + moved, status_code=301)
    iri = await anyio.to_thread.run_sync(rt.linked.thing, path)
    if iri is not None:
        fmt = rt.linked.choose(request.headers.get("accept"), request.query_params.get("format"))
        if fmt is None:
            return sparql.text(406, "descriptions are available as " + ", ".join(
                f.media_type for f in (negotiate.HTML, *negotiate.GRAPH_FORMATS)))
        root = request.scope.get("root_path", "")
        return RedirectResponse(f"{root}/{path}.{fmt.extension}", status_code=303,
                                headers={"Vary": "Accept"})
    found = await anyio.to_thread.run_sync(rt.linked.document, path)
    if found is None:
        raise HTTPException(404, f"Nothing in the graph is known as /{path}.")
    iri, fmt = found
    if fmt is negotiate.HTML or fmt in negotiate.PAGE_DATA:
        return await pages.entity(request, iri, fmt)
    triples = await anyio.to_thread.run_sync(rt.linked.description, iri)
    body = serialise_graph(triples, fmt, rt.config.base)
    response = Response(body, media_type=fmt.content_type,
                        headers={"Link": f'<{iri}>; rel="describes"'})
    return conditional.respond(request, response, rt.built)


async def health(request: Request) -> Response:
    rt = runtime(request)
    return JSONResponse({"status": "ok", "triples": rt.summary.triples,
                         "workers": rt.config.workers, "workers_replaced": rt.pool.killed,
                         "network_sandbox": rt.pool.unsandboxed is None})


async def robots(request: Request) -> Response:
    return PlainTextResponse(ROBOTS)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = getattr(exc, "headers", None)
    if negotiate.html_preferred(request.headers.get("accept")) and hasattr(
            request.app.state, "runtime"):
        return pages.render(request, "error.html", status=exc.status_code,
                            code=exc.status_code, message=exc.detail)
    return PlainTextResponse(f"{exc.detail}\n", status_code=exc.status_code, headers=headers)


async def server_error(request: Request, exc: Exception) -> Response:
    """The client learns only that something failed; the server (uvicorn) logs the traceback,
    as Starlette re-raises the exception after this response."""
    return PlainTextResponse("internal server error\n", status_code=500)


class EndpointFirst:
    """The app the server runs: ``GET``/``POST /sparql`` go straight to ``_answer``, which
    speaks ASGI itself; everything else, other methods included, goes through Starlette's
    router and the whole middleware stack.

    A query answer needs no routing, no Request or Response object and no middleware
    wrapping every message: its headers are the same every time (the security headers, and
    CORS's, which are static as every origin is allowed). The rare requests that are not a
    query (the service description, a browser's redirect to the query page) and those the
    CORS and length middleware must see whole (a preflight, two ways of giving a length) take
    the full stack.
    """

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.state = app.state
        self._cors = _with_headers(RejectAmbiguousLength(self._full))
        # what CORS adds to an answer to a request that names its origin
        self._cross_origin = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                              for k, v in self._cors.simple_headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["path"] in SPARQL_PATHS
                and scope["method"] in ("GET", "POST")):
            scope["app"] = self.app
            try:
                if not await self._answer(scope, receive, send):
                    await self._cors(scope, receive, send)
            except Exception:
                # as Starlette's ServerErrorMiddleware does: the client learns only that it
                # failed; the re-raised exception is logged (with its traceback) by uvicorn
                await send_answer(send, 500, b"internal server error\n",
                                  "text/plain; charset=utf-8", {})
                raise
        else:
            await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer a query request; False (having read nothing) if the full stack must."""
        names: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            names.setdefault(name, value)
        if b"transfer-encoding" in names and b"content-length" in names:
            return False
        rt: Runtime = self.state.runtime
        method = scope["method"]
        content_type = names.get(b"content-type", b"").decode("latin-1")
        accept_raw = names.get(b"accept")
        accept = accept_raw.decode("latin-1") if accept_raw is not None else None
        extra = self._cross_origin if b"origin" in names else []
        try:
            body = b""
            if method == "POST":
                sparql.check_post(content_type)
                body = await sparql.read_body(receive, names.get(b"content-length"),
                                              sparql.body_limit(rt.config.max_query_length))
            req = sparql.parse_request(method, scope["query_string"], content_type, body,
                                       rt.config.max_query_length)
        except sparql.ProtocolError as exc:
            await send_answer(send, exc.status, (exc.message.rstrip() + "\n").encode("utf-8"),
                              "text/plain; charset=utf-8", {}, extra)
            return True
        except ClientDisconnect:
            return True
        if req.query is None:
            if method == "GET":
                return False  # the service description
            await send_answer(send, 400, (sparql.NO_QUERY + "\n").encode("utf-8"),
                              "text/plain; charset=utf-8", {}, extra)
            return True
        if method == "GET" and req.format is None and negotiate.html_preferred(accept):
            return False  # a browser: to the query page
        outcome = await sparql.execute(rt, sparql.query_job(rt, req, accept), receive)
        await send_answer(send, outcome.status, outcome.body, outcome.content_type,
                          sparql.answer_headers(outcome, req.download), extra)
        return True

    def quick(self, method: str, query_string: bytes, headers: list[tuple[bytes, bytes]],
              body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        """The answer to a ``GET``/``POST /sparql`` that needs no waiting (a lookup, or a kept
        answer), with the same status, headers and body ``_answer`` would send; None for any
        other request (a worker's query, a protocol error, a browser), which then takes the
        ASGI path from the start. Called by the HTTP protocol (``connections``) once the
        whole request is in, without a task or an ASGI cycle."""
        rt: Runtime | None = getattr(self.state, "runtime", None)
        if rt is None:
            return None
        names: dict[bytes, bytes] = {}
        for name, value in headers:
            names.setdefault(name, value)
        if b"transfer-encoding" in names:
            return None
        content_type = names.get(b"content-type", b"").decode("latin-1")
        accept_raw = names.get(b"accept")
        accept = accept_raw.decode("latin-1") if accept_raw is not None else None
        try:
            if method == "POST":
                sparql.check_post(content_type)
            req = sparql.parse_request(method, query_string, content_type, body,
                                       rt.config.max_query_length)
        except sparql.ProtocolError:
            return None
        if req.query is None or (method == "GET" and req.format is None
                                 and negotiate.html_preferred(accept)):
            return None
        job = sparql.query_job(rt, req, accept)
        outcome = sparql.answer_now(rt, job)
        if outcome is None:
            return None
        extra = self._cross_origin if b"origin" in names else []
        return outcome.status, answer_head(
            outcome.body, outcome.content_type, sparql.answer_headers(outcome, req.download),
            extra), outcome.body

    async def _full(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await sparql.endpoint(Request(scope, receive))
        await response(scope, receive, send)


SPARQL_PATHS = frozenset({"/sparql", "/sparql/"})
# what SecurityHeaders adds to a response that is not a page
_SECURITY = [(b"x-content-type-options", b"nosniff"),
             (b"referrer-policy", b"strict-origin-when-cross-origin")]


async def send_answer(send: Send, status: int, body: bytes, content_type: str,
                      headers: dict[str, str],
                      extra: list[tuple[bytes, bytes]] | None = None) -> None:
    """A whole response with the headers the full stack would give it; never a page."""
    await send({"type": "http.response.start", "status": status,
                "headers": answer_head(body, content_type, headers, extra)})
    await send({"type": "http.response.body", "body": body})


def answer_head(body: bytes, content_type: str, headers: dict[str, str],
                extra: list[tuple[bytes, bytes]] | None = None) -> list[tuple[bytes, bytes]]:
    """The headers the full stack gives an answer: Starlette's length and type, CORS's
    ``extra`` and ``Vary``, the security headers."""
    if content_type.startswith("text/") and "charset=" not in content_type.lower():
        content_type += "; charset=utf-8"  # as Starlette completes a text type
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()
           if k.lower() != "vary"]
    vary = headers.get("Vary")
    raw += [(b"content-length", str(len(body)).encode("latin-1")),
            (b"content-type", content_type.encode("latin-1")), *(extra or ()),
            (b"vary", f"{vary}, Origin".encode("latin-1") if vary else b"Origin"), *_SECURITY]
    return raw


def _with_headers(app: ASGIApp) -> CORSMiddleware:
    """``app`` with the CORS and security headers every response gets."""
    return CORSMiddleware(SecurityHeaders(app), allow_origins=["*"],
                          allow_methods=["GET", "POST", "HEAD"],
                          allow_headers=["Accept", "Content-Type", "Range", "If-None-Match",
                                         "If-Modified-Since", "If-Range"],
                          expose_headers=["Content-Length", "Content-Range", "ETag",
                                          "Last-Modified", "Location", "Link", "Vary"],
                          max_age=86400)


def create_app(config: ServeConfig) -> EndpointFirst:
    """The web app over the store in ``config.dist_dir/store`` (built beforehand)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        rt = await anyio.to_thread.run_sync(Runtime, config)
        await rt.start()
        app.state.runtime = rt
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(rt.close)

    routes = [
        Route("/", pages.home),
        Route("/institutions", pages.institutions),
        Route("/institutions.{ext:str}", pages.institutions_export),
        Route("/agreements", pages.agreements),
        Route("/agreements.{ext:str}", pages.agreements_export),
        Route("/query", query_page.query_page, methods=["GET", "POST"]),
        Route("/query/results", query_page.query_results, methods=["GET", "POST"]),
        Route("/query/completions.json", query_page.query_completions),
        Route("/stats", pages.stats),
        Route("/sparql", sparql.endpoint, methods=["GET", "POST"]),
        Route("/sparql/", sparql.endpoint, methods=["GET", "POST"]),
        Route("/dumps", pages.dumps),
        Route("/dumps/", lambda request: RedirectResponse("/dumps", status_code=301)),
        Route("/dumps/{name}", dump_file),
        Route("/.well-known/void", void),
        Route(f"/{jsonld.CONTEXT_PATH}", jsonld_context),
        Route("/health", health),
        Route("/robots.txt", robots),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        *reconcile.routes(),
        Route("/{path:path}", linked_data),
    ]
    middleware = [Middleware(RejectAmbiguousLength), Middleware(_with_headers)]
    return EndpointFirst(Starlette(
        routes=routes, middleware=middleware, lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: server_error}))
