"""The query page: an editor, the result as a sortable, paged table of labelled links, a chart
when the result is a label and a number, and what the editor completes.

Everything is rendered on the server, so the page works without script: the form sends the
query, the column headings and the pager are buttons of a form that sends it again with the
order and page (the answer comes from the result cache, so a new page does not run the query
again). The page's script (``static/query.js``) adds the editor (CodeMirror, vendored) and swaps
in the results part (``/query/results``) instead of reloading the page.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

import anyio.to_thread
import pyoxigraph
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from exchange_kg.serve import browse, charts, entities, negotiate, syntax
from exchange_kg.serve.charts import Bar
from exchange_kg.serve.pages import EXTRA_PREFIXES, render, short
from exchange_kg.serve.results import QueryJob
from exchange_kg.serve.runtime import Runtime, runtime
from exchange_kg.vocab import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in (
    "integer", "decimal", "double", "float", "long", "int", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
# rows of a result on one page
PAGE_SIZE = 100
# a result with at most this many distinct IRIs gets all of them labelled, so a column of
# IRIs sorts by what it shows; a bigger one sorts them by IRI and labels the page shown
LABEL_ALL = 3000
# bars of a result's chart
CHART_BARS = 25
# queries longer than this are sent again by POST, not in the address (which servers cap)
GET_LIMIT = 2000


@dataclass
class Cell:
    text: str
    href: str | None = None
    note: str = ""
    kind: str = "literal"  # literal, number, iri, bnode, triple, unbound
    iri: str = ""
    label: str = ""  # an IRI's label, where the graph gives one

    def sort_key(self) -> tuple[int, Any]:
        """Numbers by value, then everything else by what the cell shows; empty cells last
        (the caller keeps them last in either direction)."""
        if self.kind == "number":
            try:
                return (0, float(self.text))
            except ValueError:
                return (1, browse.fold(self.text))
        return (1, browse.fold(self.label or self.text))


@dataclass
class ResultView:
    status: int = 200
    error: str = ""
    syntax: syntax.SyntaxProblem | None = None  # where a syntax error is, in words
    kind: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)  # the page shown
    total: int = 0
    boolean: bool | None = None
    elapsed_ms: float = 0.0
    page: int = 1
    pages: int = 1
    order: str = ""  # the column sorted by, "-" in front for descending; "" the query's order
    chart: str = ""  # an SVG bar chart, when the result is a label and a number
    chart_note: str = ""
    numeric: set[str] = field(default_factory=set)  # the columns of numbers

    @property
    def first(self) -> int:
        """The number of the page's first row."""
        return (self.page - 1) * PAGE_SIZE + 1



def _cell(term: dict[str, Any] | None) -> Cell:
    if term is None:
        return Cell("", kind="unbound")
    kind = term.get("type")
    val = str(term.get("value", ""))
    if kind == "uri":
        return Cell(short(val), kind="iri", iri=val)
    if kind == "bnode":
        return Cell(f"_:{val}", kind="bnode")
    if kind == "triple":
        inner = term["value"]
        return Cell(" ".join(_cell(inner[k]).text for k in ("subject", "predicate", "object")),
                    kind="triple")
    datatype = term.get("datatype", "")
    if datatype in NUMERIC:
        return Cell(val, note=short(datatype), kind="number")
    note = f"@{term['xml:lang']}" if "xml:lang" in term else (short(datatype) if datatype
                                                                 else "")
    return Cell(val, note=note)


def _term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def _label(rt: Runtime, cells: list[Cell], names: dict[str, str]) -> None:
    for cell in cells:
        if cell.kind == "iri":
            cell.href = rt.paths.href(cell.iri)
            cell.label = names.get(cell.iri, "")


def _chart(view: ResultView, ordered: list[list[Cell]]) -> None:
    """A bar chart of the first rows in the order shown, when one column is numbers (the
    last such) and another can name the bars (the first other one)."""
    if len(ordered) < 2 or len(view.columns) < 2:
        return
    numbers = [i for i in range(len(view.columns))
               if all(r[i].kind in ("number", "unbound") for r in ordered)
               and sum(r[i].kind == "number" for r in ordered) >= 2]
    if not numbers:
        return
    value = numbers[-1]
    label = next(i for i in range(len(view.columns)) if i != value)
    bars = []
    for row in ordered[:CHART_BARS]:
        if row[value].kind != "number" or row[label].kind == "unbound":
            continue
        number = float(row[value].text)
        if not math.isfinite(number):
            continue
        name = row[label].label or row[label].text
        bars.append(Bar(name, round(number) if number.is_integer() else number,
                        row[label].href, row[label].iri))
    if len(bars) < 2:
        return
    title = f"?{view.columns[value]} by ?{view.columns[label]}"
    view.chart = charts.horizontal_bars(bars, title, width=760, max_label_chars=48)
    view.chart_note = (f"the first {len(bars)} rows of {len(ordered):,}"
                       if len(ordered) > len(bars) else f"all {len(bars)} rows")


def _numeric(columns: list[str], rows: list[list[Cell]]) -> set[str]:
    """The columns holding numbers (and nothing else but unbound cells)."""
    return {c for i, c in enumerate(columns)
            if all(r[i].kind in ("number", "unbound") for r in rows)
            and any(r[i].kind == "number" for r in rows)}


def _order(params: dict[str, str], columns: list[str], numeric: set[str]) -> str:
    """The order asked for: ``sort`` (a heading clicked) toggles ``order`` (the current one);
    a number column starts descending (the biggest first), others ascending."""
    current = params.get("order", "")
    if current.lstrip("-") not in columns:
        current = ""
    clicked = params.get("sort", "")
    if clicked not in columns:
        return current
    if current.lstrip("-") == clicked:
        return clicked if current.startswith("-") else "-" + clicked
    return "-" + clicked if clicked in numeric else clicked


def _page_of(rt: Runtime, view: ResultView, all_rows: list[list[Cell]], key: str,
             params: dict[str, str]) -> None:
    """Label, sort, page and chart the rows of a result (runs in a thread)."""
    iris = {c.iri for row in all_rows for c in row if c.kind == "iri"}
    if len(iris) <= LABEL_ALL:
        names = rt.cached(f"result labels {key}", lambda: entities.labels(rt.store, iris))
        for row in all_rows:
            _label(rt, row, names)
    view.numeric = _numeric(view.columns, all_rows)
    view.order = _order(params, view.columns, view.numeric)
    ordered = all_rows
    if view.order:
        i = view.columns.index(view.order.lstrip("-"))
        present = [r for r in all_rows if r[i].kind != "unbound"]
        present.sort(key=lambda r: r[i].sort_key(), reverse=view.order.startswith("-"))
        ordered = present + [r for r in all_rows if r[i].kind == "unbound"]
    view.pages = max(1, -(-len(ordered) // PAGE_SIZE))
    view.page = min(max(browse.int_param(params.get("page"), 1), 1), view.pages)
    view.rows = ordered[(view.page - 1) * PAGE_SIZE: view.page * PAGE_SIZE]
    if len(iris) > LABEL_ALL:
        shown = {c.iri for row in view.rows + ordered[:CHART_BARS] for c in row
                 if c.kind == "iri"}
        names = entities.labels(rt.store, shown)
        for row in view.rows + ordered[:CHART_BARS]:
            _label(rt, row, names)
    _chart(view, ordered)


def _view(rt: Runtime, outcome: Any, elapsed: float, query: str,
          params: dict[str, str]) -> ResultView:
    view = ResultView(status=outcome.status, kind=outcome.kind or "", elapsed_ms=elapsed * 1000)
    if outcome.status != 200:
        view.error = outcome.message
        if outcome.status == 400:
            view.syntax = syntax.explain(outcome.message, query)
        return view
    if outcome.kind == "ask":
        view.boolean = json.loads(outcome.body)["boolean"]
        return view
    if outcome.kind == "select":
        data = json.loads(outcome.body)
        view.columns = data["head"]["vars"]
        rows = [[_cell(b.get(v)) for v in view.columns] for b in data["results"]["bindings"]]
    else:
        triples = pyoxigraph.parse(outcome.body, format=pyoxigraph.RdfFormat.N_TRIPLES)
        view.columns = ["subject", "predicate", "object"]
        rows = [[_cell(_term_json(t.subject)), _cell(_term_json(t.predicate)),
                 _cell(_term_json(t.object))] for t in triples]
    view.total = len(rows)
    key = hashlib.sha256(query.encode("utf-8")).hexdigest()
    _page_of(rt, view, rows, key, params)
    return view


async def _params(request: Request) -> dict[str, str]:
    """The query and the result's order and page, from the address or a posted form
    (ProtocolError if the form is too big)."""
    from exchange_kg.serve.sparql import _read_body, body_limit

    params = dict(request.query_params)
    if request.method == "POST":
        body = await _read_body(request, body_limit(runtime(request).config.max_query_length))
        for name, values in parse_qs(body.decode("utf-8", "replace")).items():
            params[name] = values[0]
    return params


async def _run(request: Request, query: str, params: dict[str, str]) -> ResultView:
    from exchange_kg.serve.sparql import execute

    rt = runtime(request)
    if len(query) > rt.config.max_query_length:
        return ResultView(status=413, error=f"the query has {len(query)} characters; this "
                                            f"endpoint accepts at most "
                                            f"{rt.config.max_query_length}")
    job = QueryJob(query=query,
                   accept=f"{negotiate.JSON.media_type}, {negotiate.NTRIPLES.media_type}",
                   max_rows=rt.config.max_rows, max_bytes=rt.config.max_bytes,
                   base_iri=rt.config.base)
    started = time.perf_counter()
    outcome = await execute(rt, job, request.receive)
    elapsed = time.perf_counter() - started
    return await anyio.to_thread.run_sync(_view, rt, outcome, elapsed, query, params)


async def _query_and_result(request: Request
                            ) -> tuple[str | None, ResultView | None, dict[str, str]]:
    from exchange_kg.serve.sparql import ProtocolError

    try:
        params = await _params(request)
    except ProtocolError as exc:
        return None, ResultView(status=exc.status, error=exc.message), {}
    query = params.get("query")
    if not query or not query.strip():
        return query, None, params
    return query, await _run(request, query, params), params


def _context(query: str, result: ResultView | None) -> dict[str, Any]:
    return {"query": query, "result": result, "send_by": "get" if len(query) <= GET_LIMIT
            else "post"}


async def query_page(request: Request) -> Response:
    rt = runtime(request)
    query, result, _ = await _query_and_result(request)
    default = rt.examples[0].text if rt.examples else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    return render(request, "query.html", examples=rt.examples,
                  status=result.status if result is not None else 200,
                  **_context(query if query is not None else default, result))


async def query_results(request: Request) -> Response:
    """Only the results part of the query page (what its script fetches)."""
    query, result, params = await _query_and_result(request)
    if result is None:
        return HTMLResponse('<p class="notice">Type a query first.</p>')
    response = render(request, "_results.html", **_context(query or "", result))
    # the address the page shows for this result (the script puts it in the address bar)
    shown = {k: v for k, v in (("query", query or ""), ("order", result.order),
                               ("page", str(result.page) if result.page > 1 else ""))
             if v}
    response.headers["X-Query-Page"] = "/query?" + urlencode(shown)
    return response


def completions(rt: Runtime) -> dict[str, Any]:
    """What the editor completes: prefixes, and the classes, properties and concepts the
    dataset uses or its ontology defines, with labels, descriptions and how often each
    occurs. Institution names are completed from ``/institutions.json?q=``."""
    terms: dict[str, dict[str, Any]] = {}
    for kind, counted in (("class", rt.summary.classes), ("property", rt.summary.properties)):
        for iri, n in counted:
            terms[iri] = {"iri": iri, "kind": kind, "count": n}
    for t in entities.ontology_terms(rt.store):
        kind = ("class" if t.kind == "class" else "concept" if t.kind == "concept"
                else "scheme" if t.kind == "concept scheme" else "property")
        entry = terms.setdefault(t.iri, {"iri": t.iri, "kind": kind, "count": 0})
        entry.update(label=t.label, comment=t.comment)
    names = entities.labels(rt.store, [t for t, e in terms.items() if "label" not in e])
    for iri, entry in terms.items():
        entry.setdefault("label", names.get(iri, ""))
        entry.setdefault("comment", "")
    prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    prefixes.update(EXTRA_PREFIXES)
    return {"prefixes": dict(sorted(prefixes.items())),
            "terms": sorted(terms.values(), key=lambda e: (e["kind"], e["iri"]))}


async def query_completions(request: Request) -> Response:
    rt = runtime(request)
    data = await anyio.to_thread.run_sync(rt.cached, "completions", lambda: completions(rt))
    return JSONResponse(data, headers={"Cache-Control": "public, max-age=3600"})
