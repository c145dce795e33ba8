"""Pages for people: home, institutions, entity pages, statistics, downloads (the query page
is :mod:`exchange_kg.serve.query_page`).

Every page is rendered on the server and works without script or network. Data comes from the
runtime's read-only store through :mod:`exchange_kg.serve.entities` and the start-up summary.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from exchange_kg.serve import (
    agreement_list,
    browse,
    charts,
    conditional,
    entities,
    highlight,
    negotiate,
    page_data,
)
from exchange_kg.serve.browse import country_name
from exchange_kg.serve.charts import Bar
from exchange_kg.serve.runtime import Runtime, runtime
from exchange_kg.vocab import PREFIXES, XKG

EXTRA_PREFIXES = {
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}
SHORT_PREFIXES = sorted([*((name, str(ns)) for name, ns in PREFIXES.items()),
                         *EXTRA_PREFIXES.items()], key=lambda p: -len(p[1]))


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
    # where the agreements linking to a concept or document are browsed: /agreements?facet=
    env.globals["agreement_facets"] = {str(XKG.level): "level", str(XKG.kind): "kind",
                                       str(XKG.listedIn): "source"}
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
    browse.Column("name", "Name", lambda r: browse.name_key(r.label)),
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
    return _export(request, _institution_page(request), "/institutions", INSTITUTION_FIELDS)


def _export(request: Request, page: browse.Page, path: str,
            fields: browse.Fields) -> Response:
    """A list as ``.csv`` (every matching row) or ``.json`` (the page, with the next page's
    address and the facet counts)."""
    ext = request.path_params["ext"]
    if ext == "csv":
        name = path.rstrip("/").rsplit("/", 1)[-1] or "list"
        return Response(browse.as_csv(page.matching, fields),
                        media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{name}.csv"'})
    if ext == "json":
        return JSONResponse(page.json(path + ".json", fields))
    raise HTTPException(404, f"lists are available as .json and .csv, not .{ext}")


async def agreements(request: Request) -> Response:
    rt = runtime(request)
    rows = await anyio.to_thread.run_sync(rt.agreements)
    page = agreement_list.page(request, rows)
    return render(request, "agreements.html", page=page, columns=agreement_list.COLUMNS)


async def agreements_export(request: Request) -> Response:
    """``/agreements.json`` and ``/agreements.csv``, as for institutions."""
    rt = runtime(request)
    rows = await anyio.to_thread.run_sync(rt.agreements)
    return _export(request, agreement_list.page(request, rows), "/agreements",
                   agreement_list.FIELDS)


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
        a = entities.agreements(store, [iri])[0]
        return "agreement.html", {"res": res, "a": a, "marked": _marked(store, a)}
    if types & entities.ORGANISATION_CLASSES:
        facts = entities.organisation_facts(store, res)
        agreements = browse.with_names(entities.agreements_of(store, iri), rt.institutions)
        return "organisation.html", {"res": res, "facts": facts, "agreements": agreements}
    return "resource.html", {"res": res}


def _marked(store: Any, a: entities.Agreement) -> dict[str, list[tuple[str, str]]]:
    """Each source line of ``a`` cut into the parts its values were read from and the rest."""
    partner = (*a.partner, *a.partner_institution)
    home = (*a.home, *a.home_institution)
    names = entities.names_of(store, (v.iri or "" for v in (*partner, *home)))
    needles = [highlight.Needle(kind, name) for kind, side in (("partner", partner),
                                                               ("home", home))
               for v in side for name in {v.text, *names.get(v.iri or "", ())}]
    needles += [highlight.Needle("date", d) for d in (a.start, a.end) if d]
    if a.partner_country:
        needles.append(highlight.Needle("country", a.partner_country))
    return {r.iri: highlight.segments(r.raw_text, needles) for r in a.records}


async def entity(request: Request, iri: str, fmt: negotiate.Format = negotiate.HTML
                 ) -> Response:
    """The page about ``iri``, or its data (``fmt`` JSON or CSV)."""
    rt = runtime(request)
    template, context = await anyio.to_thread.run_sync(
        rt.cached, f"entity {iri}", lambda: _entity_context(rt, iri))
    path = rt.paths.local(iri) or request.url.path
    if template == "organisation.html":
        context = {**context, "columns": agreement_list.ORGANISATION_COLUMNS,
                   "page": agreement_list.page(request, context["agreements"], iri)}
    if fmt is not negotiate.HTML:
        response = page_data.document(fmt, iri, path, template, context, rt.property_labels)
    else:
        alternates = [(f.label, f"{path}.{f.extension}", f.media_type)
                      for f in (*negotiate.GRAPH_FORMATS, *negotiate.PAGE_DATA)]
        response = render(request, template, iri=iri, path=path, alternates=alternates,
                          kinds=highlight.KINDS, **context)
    return conditional.respond(request, response, rt.built)
