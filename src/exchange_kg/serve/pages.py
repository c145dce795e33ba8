"""Pages for people: home, institutions, entity pages, query editor, statistics, downloads.

Every page is rendered on the server and works without script or network (the query page's
small script only saves a round trip). Data comes from the runtime's read-only store through
:mod:`exchange_kg.serve.entities` and the start-up summary.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
import jinja2
import pyoxigraph
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from exchange_kg.normalise.country import country_name as normalised_country_name
from exchange_kg.serve import browse, charts, conditional, entities, negotiate, syntax
from exchange_kg.serve.charts import Bar
from exchange_kg.serve.results import QueryJob
from exchange_kg.serve.runtime import Runtime, runtime
from exchange_kg.vocab import PREFIXES, XKG

# rows of a query result shown on the page (downloads have them all)
DISPLAY_ROWS = 1000
XSD = "http://www.w3.org/2001/XMLSchema#"
EXTRA_PREFIXES = {
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}
SHORT_PREFIXES = sorted([*((name, str(ns)) for name, ns in PREFIXES.items()),
                         *EXTRA_PREFIXES.items()], key=lambda p: -len(p[1]))


def country_name(code: str) -> str:
    """The English short name of a country code (the code if unknown)."""
    try:
        return normalised_country_name(code, common=True)
    except KeyError:
        return code


def short(iri: str) -> str:
    """A prefixed name for ``iri`` if a project prefix covers it."""
    for name, ns in SHORT_PREFIXES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{name}:{iri[len(ns):]}"
    return iri


def install_filters(env: jinja2.Environment, rt: Runtime) -> None:
    """Template helpers bound to this server (links go to its own paths)."""
    env.filters["href"] = rt.paths.href
    env.filters["short"] = short
    env.filters["country"] = country_name
    env.filters["num"] = lambda n: f"{n:,}"
    env.filters["plabel"] = lambda iri: rt.property_labels.get(iri) or short(iri)
    env.globals["summary"] = rt.summary
    env.globals["config"] = rt.config


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    return runtime(request).templates.TemplateResponse(
        request, name, {"request": request, **context}, status_code=status)


# --- home, institutions, statistics, downloads --------------------------------------------

async def home(request: Request) -> Response:
    rt = runtime(request)
    return render(request, "home.html", examples=rt.examples, sources=rt.summary.sources)


INSTITUTION_FACETS = (
    browse.Facet("country", "Country", lambda r: (r.country,) if r.country else (),
                 country_name),
    browse.Facet("source", "Source document", lambda r: r.sources),
    browse.Facet("linked", "ROR", lambda r: (r.linked,)),
    browse.Facet("level", "Agreement level", lambda r: r.levels),
    browse.Facet("kind", "Agreement kind", lambda r: r.kinds),
    browse.Facet("type", "Type", lambda r: (r.kind,)),
)
INSTITUTION_COLUMNS = (
    browse.Column("name", "Name", lambda r: browse.fold(r.label)),
    browse.Column("country", "Country", lambda r: country_name(r.country) if r.country else ""),
    browse.Column("agreements", "Agreements", lambda r: r.agreements, numeric=True),
)
INSTITUTION_FIELDS = (
    ("iri", lambda r: r.iri), ("label", lambda r: r.label), ("type", lambda r: r.kind),
    ("country", lambda r: r.country), ("agreements", lambda r: r.agreements),
    ("ror_id", lambda r: r.ror), ("sources", lambda r: r.sources),
    ("levels", lambda r: r.levels), ("kinds", lambda r: r.kinds),
)


def _institution_page(request: Request) -> browse.Page:
    rt = runtime(request)
    params = dict(request.query_params)
    if "country" in params:
        params["country"] = params["country"].upper()
    return browse.browse(rt.institutions, params, INSTITUTION_FACETS, INSTITUTION_COLUMNS,
                         search=lambda r: r.names, default_sort="name")


async def institutions(request: Request) -> Response:
    page = _institution_page(request)
    return render(request, "institutions.html", page=page, columns=INSTITUTION_COLUMNS)


async def institutions_export(request: Request) -> Response:
    """``/institutions.json`` (one page, with the next page's address and the facets) and
    ``/institutions.csv`` (every matching row)."""
    page = _institution_page(request)
    if request.path_params["ext"] == "csv":
        return Response(browse.as_csv(page.matching, INSTITUTION_FIELDS),
                        media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'inline; filename="institutions.csv"'})
    data = {
        "total": page.total, "page": page.page, "pages": page.pages, "size": page.size,
        "next": page.url("/institutions.json", page=page.page + 1)
        if page.page < page.pages else None,
        "rows": [{name: get(r) for name, get in INSTITUTION_FIELDS} for r in page.rows],
        "facets": {v.facet.name: [{"value": value, "label": v.facet.label(value), "count": n}
                                  for value, n in v.counts] for v in page.facets},
    }
    return JSONResponse(data)


async def stats(request: Request) -> Response:
    s = runtime(request).summary
    country_bars = [Bar(f"{country_name(c)}", n, f"/institutions?country={c}", c)
                    for c, n in s.per_country[:30]]
    years = charts.year_bars(s.per_year)
    source_bars = [Bar(src.identifier, n, runtime(request).paths.href(src.iri), src.label)
                   for src, n in s.per_source]
    kind_bars = [Bar(label or short(iri), n, runtime(request).paths.href(iri))
                 for iri, label, n in s.per_kind]
    level_bars = [Bar(label or short(iri), n, runtime(request).paths.href(iri))
                  for iri, label, n in s.per_level]
    return render(
        request, "stats.html",
        country_chart=charts.horizontal_bars(
            country_bars, "Agreements per partner country (30 most frequent)", width=1060),
        year_chart=charts.columns(years, "Agreements per start year", width=1060,
                                  ticks=charts.year_ticks(years)),
        source_chart=charts.horizontal_bars(source_bars, "Agreements per source document",
                                            width=1060),
        kind_chart=charts.horizontal_bars(kind_bars, "Agreements per kind", width=500,
                                          max_label_chars=30),
        level_chart=charts.horizontal_bars(level_bars, "Agreements per level", width=500,
                                           max_label_chars=30),
        undated=s.agreements - sum(n for _, n in s.per_year))


async def dumps(request: Request) -> Response:
    rt = runtime(request)
    return render(request, "dumps.html", files=rt.files.available())


# --- entity pages -----------------------------------------------------------------------

def _entity_context(rt: Runtime, iri: str) -> tuple[str, dict[str, Any]]:
    """Template and data for the page about ``iri`` (runs in a thread)."""
    store = rt.store
    if rt.linked.is_graph(iri):
        triples = len(rt.linked.description(iri))
        source = next((s for s in rt.summary.sources
                       if iri.rstrip("/").endswith("/" + s.identifier)), None)
        return "graph.html", {"triples": triples, "source": source}
    types = entities.types_of(store, iri)
    res = entities.resource(store, iri)
    if "http://www.w3.org/2002/07/owl#Ontology" in types:
        return "ontology.html", {"res": res, "terms": entities.ontology_terms(store)}
    if str(XKG.Agreement) in types:
        return "agreement.html", {"res": res, "a": entities.agreements(store, [iri])[0]}
    if types & entities.ORGANISATION_CLASSES:
        facts = entities.organisation_facts(store, res)
        return "organisation.html", {"res": res, "facts": facts,
                                     "agreements": entities.agreements_of(store, iri)}
    return "resource.html", {"res": res}


async def entity(request: Request, iri: str) -> Response:
    rt = runtime(request)
    template, context = await anyio.to_thread.run_sync(
        rt.cached, f"entity {iri}", lambda: _entity_context(rt, iri))
    path = rt.paths.local(iri) or request.url.path
    alternates = [(f.label, f"{path}.{f.extension}", f.media_type)
                  for f in negotiate.GRAPH_FORMATS]
    response = render(request, template, iri=iri, alternates=alternates, **context)
    return conditional.respond(request, response, rt.built)


# --- the query page -----------------------------------------------------------------------

@dataclass
class Cell:
    text: str
    href: str | None = None
    note: str = ""
    kind: str = "literal"


@dataclass
class ResultView:
    status: int = 200
    error: str = ""
    syntax: syntax.SyntaxProblem | None = None  # where a syntax error is, in words
    kind: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    total: int = 0
    boolean: bool | None = None
    elapsed_ms: float = 0.0

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def _cell(rt: Runtime, term: dict[str, Any] | None) -> Cell:
    if term is None:
        return Cell("", kind="unbound")
    kind = term.get("type")
    val = str(term.get("value", ""))
    if kind == "uri":
        return Cell(short(val), rt.paths.href(val), kind="iri")
    if kind == "bnode":
        return Cell(f"_:{val}", kind="bnode")
    if kind == "triple":
        inner = term["value"]
        return Cell(" ".join(_cell(rt, inner[k]).text for k in ("subject", "predicate",
                                                                 "object")), kind="triple")
    note = f"@{term['xml:lang']}" if "xml:lang" in term else (
        short(term["datatype"]) if "datatype" in term else "")
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


def _view(rt: Runtime, outcome: Any, elapsed: float, query: str = "") -> ResultView:
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
        bindings = data["results"]["bindings"]
        view.total = len(bindings)
        view.rows = [[_cell(rt, b.get(v)) for v in view.columns]
                     for b in bindings[:DISPLAY_ROWS]]
        return view
    triples = list(pyoxigraph.parse(outcome.body, format=pyoxigraph.RdfFormat.N_TRIPLES))
    view.columns = ["subject", "predicate", "object"]
    view.total = len(triples)
    view.rows = [[_cell(rt, _term_json(t.subject)), _cell(rt, _term_json(t.predicate)),
                  _cell(rt, _term_json(t.object))] for t in triples[:DISPLAY_ROWS]]
    return view


async def _query_text(request: Request) -> str | None:
    """The query a GET (``?query=``) or form POST carries; ProtocolError if it is too big."""
    from exchange_kg.serve.sparql import _read_body

    if request.method != "POST":
        return request.query_params.get("query")
    limit = runtime(request).config.max_query_length * 4 + 16_384
    body = await _read_body(request, limit)
    values = parse_qs(body.decode("utf-8", "replace")).get("query", [])
    return values[0] if values else None


async def _run(request: Request, query: str) -> ResultView:
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
    outcome = await execute(rt, job, request)
    return _view(rt, outcome, time.perf_counter() - started, query)


async def _query_and_result(request: Request) -> tuple[str | None, ResultView | None]:
    from exchange_kg.serve.sparql import ProtocolError

    try:
        query = await _query_text(request)
    except ProtocolError as exc:
        return None, ResultView(status=exc.status, error=exc.message)
    if not query or not query.strip():
        return query, None
    return query, await _run(request, query)


async def query_page(request: Request) -> Response:
    rt = runtime(request)
    query, result = await _query_and_result(request)
    default = rt.examples[0].text if rt.examples else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    return render(request, "query.html", query=query if query is not None else default,
                  examples=rt.examples, result=result,
                  status=result.status if result is not None else 200)


async def query_results(request: Request) -> Response:
    """Only the results part of the query page (what its script fetches)."""
    query, result = await _query_and_result(request)
    if result is None:
        return HTMLResponse('<p class="notice">Type a query first.</p>')
    return render(request, "_results.html", query=query or "", result=result)
