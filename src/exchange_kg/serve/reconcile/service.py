"""``/reconcile``: the HTTP side of the reconciliation service.

Two service endpoints over one matcher:

* ``/reconcile`` speaks version 0.2 (what OpenRefine speaks): ``GET`` for the manifest,
  ``queries=`` (form body or URL) for a batch, ``extend=`` for data extension, JSONP through a
  ``callback`` parameter on ``GET`` requests;
* ``/reconcile/1.0-draft`` speaks the 1.0 draft: ``GET`` for its manifest, ``POST /match`` and
  ``POST /extend`` with JSON bodies.

Both offer ``/suggest/entity``, ``/suggest/type``, ``/suggest/property``, ``/preview?id=`` and
``/extend/propose?type=`` under their endpoint. CORS is the application's, the same for every
route (the spec requires it on all endpoints). Like the SPARQL endpoint, a request is bounded:
its body, its batch (``MAX_BATCH`` queries, announced as ``batchSize``), each query's work
(``matching.MAX_SCORED``) and the batch's time (the server's ``--timeout``: 504 past it).

The graph is read and indexed in the background from the first request to the service (its
manifest, usually), not when the server starts, so starting stays as fast as it was; requests
that need the index wait for it (a few seconds on the bundled graph).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from exchange_kg import __version__
from exchange_kg.serve.reconcile import extension, protocol, suggest
from exchange_kg.serve.reconcile.catalogue import Catalogue, load
from exchange_kg.serve.reconcile.matching import AGREEMENT, Candidate, Matcher, Query
from exchange_kg.serve.reconcile.protocol import (
    MAX_BATCH,
    ONTOLOGY,
    TYPES,
    V02,
    V1,
    RequestError,
    type_json,
)
from exchange_kg.serve.runtime import Runtime, runtime
from exchange_kg.serve.sparql import ProtocolError, _read_body

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
BODY_LIMIT = 1 << 20
# matching runs in threads of the main process: at most this many batches at once
BATCHES_AT_ONCE = 2
PREVIEW_WIDTH, PREVIEW_HEIGHT = 420, 220
# a preview is embedded by clients on any origin, so it may be framed anywhere; it needs
# nothing from the network but its own style
PREVIEW_CSP = ("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *; "
               "base-uri 'none'; form-action 'none'")
_CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.]{0,127}$")


@dataclass
class Service:
    catalogue: Catalogue
    matcher: Matcher
    suggester: suggest.Suggester
    limiter: anyio.CapacityLimiter
    timeout: float

    def match(self, query: Query) -> list[Candidate]:
        if query.type == "":
            return []  # a type this service does not have: no entity bears it
        if query.type == AGREEMENT:
            return self.matcher.agreements(query)
        return self.matcher.institutions(query)

    def match_all(self, queries: list[Query]) -> list[list[Candidate]]:
        deadline = time.monotonic() + self.timeout
        out = []
        for q in queries:
            if time.monotonic() > deadline:
                raise RequestError(f"the batch took longer than {self.timeout:g} s: send "
                                   "fewer queries at once", 504)
            out.append(self.match(q))
        return out


_build_lock = threading.Lock()


def _build(rt: Runtime, state: Any) -> Service:
    """The service of this application, built on first use (concurrent callers wait)."""
    with _build_lock:
        found = getattr(state, "reconcile", None)
        if found is not None:
            return found
        catalogue = load(rt.store, rt.config.base)
        svc = Service(catalogue, Matcher(catalogue), suggest.Suggester(catalogue),
                      limiter=state.reconcile_limiter, timeout=rt.config.timeout)
        state.reconcile = svc
        return svc


def _prepare(request: Request) -> None:
    """Start building the service in the background unless it is built or being built: a
    client reads the manifest first, and should not wait for the index to get it."""
    state = request.app.state
    if getattr(state, "reconcile_limiter", None) is None:
        state.reconcile_limiter = anyio.CapacityLimiter(BATCHES_AT_ONCE)
        threading.Thread(target=_build, args=(runtime(request), state), daemon=True,
                         name="reconcile-index").start()


async def _service(request: Request) -> Service:
    svc = getattr(request.app.state, "reconcile", None)
    if svc is not None:
        return svc
    _prepare(request)
    return await anyio.to_thread.run_sync(_build, runtime(request), request.app.state)


# --------------------------------------------------------------------------- responses


def _server(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _json(data: Any, callback: str | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if callback:
        # the comment keeps a callback name from being read as the start of another format
        return Response(f"/**/{callback}({body});", media_type="application/javascript")
    return Response(body, media_type=JSON)


def _error(exc: RequestError) -> Response:
    return PlainTextResponse(exc.message.rstrip() + "\n", status_code=exc.status)


def _callback(request: Request, params: dict[str, list[str]]) -> str | None:
    """A JSONP callback (``GET`` only, as a script tag sends), checked to be a name."""
    values = params.get("callback", [])
    if not values or request.method not in ("GET", "HEAD"):
        return None
    if not _CALLBACK.match(values[0]):
        raise RequestError("callback must be a JavaScript name")
    return values[0]


async def _params(request: Request) -> dict[str, list[str]]:
    """URL parameters, and the form fields of a form-encoded ``POST``."""
    params: dict[str, list[str]] = {}
    for key, val in request.query_params.multi_items():
        params.setdefault(key, []).append(val)
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != FORM:
            raise RequestError(f"POST the batch as {FORM} (queries=... or extend=...), not "
                               f"{media or 'no content type'}", 415)
        body = await _body(request)
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise RequestError("the form is not UTF-8") from None
        for key, values in form.items():
            params.setdefault(key, []).extend(values)
    return params


async def _body(request: Request) -> bytes:
    try:
        return await _read_body(request, BODY_LIMIT)
    except ProtocolError as exc:
        raise RequestError(exc.message, exc.status) from None


async def _json_body(request: Request) -> Any:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != JSON:
        raise RequestError(f"POST a JSON body ({JSON}), not {media or 'no content type'}", 415)
    try:
        return json.loads((await _body(request)).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RequestError(f"the body is not JSON: {exc}") from None


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise RequestError(f"more than one {name!r} parameter")
    return values[0] if values else None


def _number(params: dict[str, list[str]], name: str, default: int) -> int:
    text = _one(params, name)
    if text is None or text == "":
        return default
    if not text.isdigit():
        raise RequestError(f"{name} must be a whole number")
    return int(text)


# --------------------------------------------------------------------------- manifests


def _common(rt: Runtime) -> dict[str, Any]:
    return {"name": rt.summary.title, "identifierSpace": rt.config.base, "schemaSpace": ONTOLOGY,
            "serviceVersion": __version__, "defaultTypes": [type_json(TYPES[0])],
            "batchSize": MAX_BATCH}


def manifest_v02(rt: Runtime, server: str) -> dict[str, Any]:
    root = f"{server}/reconcile"
    return {
        "versions": [V02], **_common(rt),
        "view": {"url": f"{server}/{{{{id}}}}"},
        "preview": {"url": f"{root}/preview?id={{{{id}}}}", "width": PREVIEW_WIDTH,
                    "height": PREVIEW_HEIGHT},
        "suggest": {kind: {"service_url": root, "service_path": f"/suggest/{kind}"}
                    for kind in ("entity", "property", "type")},
        "extend": {"propose_properties": {"service_url": root,
                                          "service_path": "/extend/propose"},
                   "property_settings": []},
    }


def manifest_v1(rt: Runtime, server: str) -> dict[str, Any]:
    return {
        "versions": [V1], **_common(rt),
        "view": {"url": f"{server}/{{+id}}"},
        "preview": {"width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
        "suggest": {"entity": True, "property": True, "type": True},
        "extend": {"proposeProperties": True, "propertySettings": []},
        "standardizedScore": True,
    }


# --------------------------------------------------------------------------- endpoints


async def endpoint_v02(request: Request) -> Response:
    """The 0.2 endpoint: manifest, ``queries=`` or ``extend=``."""
    try:
        params = await _params(request)
        callback = _callback(request, params)
        queries, extend_text = _one(params, "queries"), _one(params, "extend")
        if queries is not None:
            batch = protocol.parse_batch_v02(queries)
            svc = await _service(request)
            results = await anyio.to_thread.run_sync(svc.match_all, list(batch.values()),
                                                      limiter=svc.limiter)
            return _json(protocol.results_v02(list(batch), results), callback)
        if extend_text is not None:
            query = protocol.parse_extend_text(extend_text)
            svc = await _service(request)
            return _json(extension.response(extension.extend(query, svc.catalogue), V02),
                         callback)
        _prepare(request)
        return _json(manifest_v02(runtime(request), _server(request)), callback)
    except RequestError as exc:
        return _error(exc)


async def manifest_1(request: Request) -> Response:
    _prepare(request)
    return _json(manifest_v1(runtime(request), _server(request)))


async def match_v1(request: Request) -> Response:
    try:
        batch = protocol.parse_batch_v1(await _json_body(request))
        svc = await _service(request)
        results = await anyio.to_thread.run_sync(svc.match_all, batch, limiter=svc.limiter)
        return _json(protocol.results_v1(results))
    except RequestError as exc:
        return _error(exc)


async def extend_v1(request: Request) -> Response:
    try:
        query = protocol.parse_extend(await _json_body(request))
        svc = await _service(request)
        return _json(extension.response(extension.extend(query, svc.catalogue), V1))
    except RequestError as exc:
        return _error(exc)


async def propose(request: Request) -> Response:
    """``/extend/propose?type=...&limit=...`` (no type: an institution's properties)."""
    try:
        params = await _params(request)
        callback = _callback(request, params)
        svc = await _service(request)
        given = _one(params, "type") or ""
        type_id = protocol.find_type(given)
        terms = extension.properties_for(type_id, svc.catalogue)
        out: dict[str, Any] = {"type": given or TYPES[0].id}
        limit = _one(params, "limit")
        if limit is not None:
            out["limit"] = _number(params, "limit", len(terms))
            terms = terms[:out["limit"]]
        out["properties"] = [{"id": t.id, "name": t.name, **(
            {"description": t.description} if t.description else {})} for t in terms]
        return _json(out, callback)
    except RequestError as exc:
        return _error(exc)


async def suggest_endpoint(request: Request) -> Response:
    """``/suggest/{entity,type,property}?prefix=...``; ``cursor`` (0.2) or ``offset`` (1.0)
    skips, ``limit`` caps."""
    try:
        params = await _params(request)
        callback = _callback(request, params)
        svc = await _service(request)
        prefix = _one(params, "prefix") or ""
        if len(prefix) > protocol.MAX_TEXT:
            raise RequestError(f"prefix is longer than {protocol.MAX_TEXT} characters", 413)
        offset = _number(params, "offset", _number(params, "cursor", 0))
        limit = _number(params, "limit", suggest.DEFAULT_LIMIT)
        kind = request.path_params["kind"]
        if kind == "entity":
            type_id = protocol.find_type(_one(params, "type"))
            result = ([] if type_id == "" else
                      svc.suggester.entities(prefix, type_id, offset, limit))
        elif kind == "type":
            result = suggest.types(prefix, offset, limit)
        elif kind == "property":
            result = suggest.properties(svc.catalogue, prefix, offset, limit)
        else:
            raise RequestError("suggest services: entity, type, property", 404)
        return _json({"result": result}, callback)
    except RequestError as exc:
        return _error(exc)


_TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    resources.files("exchange_kg.serve.reconcile").joinpath("preview.html").read_text("utf-8"))


async def preview(request: Request) -> Response:
    """A small page about one entity, for a client to show in a frame of its own."""
    try:
        params = await _params(request)
        svc = await _service(request)
        entity_id = svc.catalogue.local_id(_one(params, "id") or "")
    except RequestError as exc:
        return _error(exc)
    cat, server = svc.catalogue, _server(request)
    inst, agr = cat.institution.get(entity_id), cat.agreement.get(entity_id)
    facts: list[tuple[str, str, str | None]] = []
    if inst is not None:
        name = inst.name
        others = [x for x in inst.labels if x != inst.name]
        facts += [("country", inst.country or "", None), ("city", ", ".join(inst.cities), None)]
        facts += [("ROR ID", inst.ror_id, f"https://ror.org/{inst.ror_id}")] if inst.ror_id \
            else []
        facts += [("Wikidata", inst.wikidata,
                   f"https://www.wikidata.org/wiki/{inst.wikidata}")] if inst.wikidata else []
        facts += [("website", w, w if w.startswith(("http://", "https://")) else None)
                  for w in inst.websites[:2]]
        facts += [("also written", "; ".join(others[:6]), None)] if others else []
        facts += [(f"agreements in {source}", str(n), f"{server}/source/{source}")
                  for source, n in inst.agreements]
    elif agr is not None:
        name = agr.name
        for label, ids in (("partner", agr.partners), ("home", [agr.home] if agr.home else [])):
            facts += [(label, cat.institution[i].name if i in cat.institution else i,
                       f"{server}/{i}") for i in ids]
        facts += [("start year", str(agr.start_year), None)] if agr.start_year else []
        facts += [("level", agr.level, None)] if agr.level else []
        facts += [("listed in", s, f"{server}/source/{s}") for s in agr.sources]
    else:
        return PlainTextResponse(f"no entity {entity_id!r} in this graph\n", status_code=404)
    html = _TEMPLATE.render(name=name, page=f"{server}/{entity_id}",
                            facts=[f for f in facts if f[1]])
    return HTMLResponse(html, headers={"Content-Security-Policy": PREVIEW_CSP})


def routes() -> list[BaseRoute]:
    """The service's routes, to be placed before the application's catch-all route."""
    out: list[BaseRoute] = [
        Route("/reconcile", endpoint_v02, methods=["GET", "POST"]),
        Route("/reconcile/1.0-draft", manifest_1, methods=["GET"]),
        Route("/reconcile/1.0-draft/match", match_v1, methods=["POST"]),
        Route("/reconcile/1.0-draft/extend", extend_v1, methods=["POST"]),
    ]
    for root in ("/reconcile", "/reconcile/1.0-draft"):
        out += [Route(f"{root}/suggest/{{kind}}", suggest_endpoint, methods=["GET"]),
                Route(f"{root}/preview", preview, methods=["GET"]),
                Route(f"{root}/extend/propose", propose, methods=["GET"])]
    return out
