"""Agreement lists: every agreement at ``/agreements``, and an organisation's on its page.

Both are one :mod:`exchange_kg.serve.browse` list over the same rows; on an organisation's page
the facets are about the other side and about which of the organisation's units holds each
agreement, so a host with hundreds is read unit by unit, a page at a time.
"""

from __future__ import annotations

from starlette.requests import Request

from exchange_kg.serve import browse, entities
from exchange_kg.serve.browse import country_name
from exchange_kg.serve.runtime import Runtime, runtime


def _places(a: entities.Agreement) -> str:
    return "; ".join(f"{places} {mobility.text}" if mobility.text != "places" else places
                     for mobility, places in a.quotas)


def _texts(values: list[entities.Value]) -> tuple[str, ...]:
    return tuple(v.text for v in values)


FIELDS: browse.Fields = (
    ("iri", lambda a: a.iri), ("label", lambda a: a.label),
    ("partner", lambda a: _texts(a.partner)),
    ("partner_iri", lambda a: tuple(v.iri for v in a.partner if v.iri)),
    ("partner_institution", lambda a: _texts(a.partner_institution)),
    ("partner_country", lambda a: a.partner_country),
    ("partner_linked_to_ror", lambda a: a.partner_linked),
    ("home", lambda a: _texts(a.home)),
    ("home_iri", lambda a: tuple(v.iri for v in a.home if v.iri)),
    ("home_institution", lambda a: _texts(a.home_institution)),
    ("level", lambda a: _texts(a.level)), ("kinds", lambda a: _texts(a.kinds)),
    ("status", lambda a: _texts(a.status)),
    ("start", lambda a: a.start), ("end", lambda a: a.end),
    ("open_ended", lambda a: a.open_ended), ("places", _places),
    ("sources", lambda a: a.sources),
    ("source_lines", lambda a: tuple(r.where for r in a.records)),
)
ORGANISATION_FIELDS: browse.Fields = (("side", lambda a: a.role), *FIELDS)


def facets(rt: Runtime, rows: list[entities.Agreement],
                      on_page_of: str = "") -> list[browse.Facet]:
    """Facets of an agreement list; on an organisation's page, ``on_page_of`` is its IRI and
    the facets are about the other side, and which of the organisation's units holds it."""
    sources = {s.identifier: s.label or s.identifier for s in rt.summary.sources}
    names = {v.iri: v.text for a in rows for v in (*a.own, *a.own_institution) if v.iri}
    other = "Other side" if on_page_of else "Partner"
    facets = [
        browse.Facet("country", f"{other}'s country",
                     lambda a: (a.other_country,) if a.other_country else (), country_name),
        browse.Facet("source", "Source document", lambda a: a.sources,
                     lambda v: sources.get(v, v)),
        browse.Facet("level", "Level", lambda a: _texts(a.level)),
        browse.Facet("kind", "Kind", lambda a: _texts(a.kinds)),
        browse.Facet("linked", f"{other} in ROR",
                     lambda a: ("linked to ROR" if a.other_linked else "not linked",)),
        browse.Facet("unit", "Held by" if not on_page_of else "Unit",
                     lambda a: tuple(v.iri for v in a.own if v.iri),
                     lambda v: names.get(v, v)),
    ]
    if on_page_of:
        facets.insert(0, browse.Facet("side", "Side", lambda a: (a.role,)))
    else:
        facets.append(browse.Facet("host", "Home institution",
                                   lambda a: tuple(v.iri for v in a.home_institution if v.iri),
                                   lambda v: names.get(v, v)))
    return facets


def _side_name(values: list[entities.Value]) -> str:
    return browse.name_key(" ".join(v.text for v in values))


COLUMNS = (
    browse.Column("partner", "Partner", lambda a: _side_name(a.other)),
    browse.Column("country", "Country",
                  lambda a: country_name(a.other_country) if a.other_country else ""),
    browse.Column("unit", "Held by", lambda a: _side_name(a.own)),
    browse.Column("start", "Start", lambda a: a.start, desc_first=True),
    browse.Column("end", "End", lambda a: a.end, desc_first=True),
    browse.Column("source", "Source", lambda a: " ".join(a.sources)),
)
ORGANISATION_COLUMNS = (
    browse.Column("partner", "With", lambda a: _side_name(a.other)),
    browse.Column("country", "Country",
                  lambda a: country_name(a.other_country) if a.other_country else ""),
    browse.Column("side", "Side", lambda a: a.role),
    browse.Column("start", "Start", lambda a: a.start, desc_first=True),
    browse.Column("end", "End", lambda a: a.end, desc_first=True),
    browse.Column("source", "Source", lambda a: " ".join(a.sources)),
)


def page(request: Request, rows: list[entities.Agreement],
                    on_page_of: str = "") -> browse.Page:
    rt = runtime(request)
    params = dict(request.query_params)
    if "country" in params:
        params["country"] = params["country"].upper()
    if on_page_of:
        return browse.browse(rows, params, facets(rt, rows, on_page_of),
                             ORGANISATION_COLUMNS, search=lambda a: a.names,
                             default_sort="start", default_desc=True)
    return browse.browse(rows, params, facets(rt, rows), COLUMNS,
                         search=lambda a: a.names, default_sort="partner")
