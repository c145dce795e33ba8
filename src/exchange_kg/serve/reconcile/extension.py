"""Data extension: the values of properties of reconciled entities, as the graph states them.

"Add columns from reconciled values" in OpenRefine asks for these: an institution's ROR ID
(``owl:sameAs``/``xkg:rorId``), Wikidata QID, country, cities, websites, every spelling, its
units, and how many agreements it has in all and in each source list; an agreement's partners,
home institution, start year, level and lists. Values that are things of the graph (units,
partners, lists) are entities of this service, so OpenRefine keeps them reconciled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exchange_kg.serve.reconcile.catalogue import Agreement, Catalogue, Institution
from exchange_kg.serve.reconcile.matching import AGREEMENT, INSTITUTION
from exchange_kg.serve.reconcile.protocol import V02, ExtendQuery, RequestError, Term

PER_LIST = "agreements:"  # prefix of the per-list count properties: "agreements:{source id}"

Value = dict[str, Any]


def _str(values: Any) -> list[Value]:
    return [{"str": str(v)} for v in values if v]


def _entities(pairs: Any) -> list[Value]:
    return [{"id": i, "name": n or i} for i, n in pairs]


INSTITUTION_PROPERTIES: dict[str, tuple[Term, Callable[[Institution, Catalogue], list[Value]]]]
INSTITUTION_PROPERTIES = {
    "ror": (Term("ror", "ROR ID", "the ROR record the build linked the institution to, as "
                 "https://ror.org/..."),
            lambda i, c: _str([f"https://ror.org/{i.ror_id}"] if i.ror_id else [])),
    "wikidata": (Term("wikidata", "Wikidata QID", "the Wikidata item of that ROR record"),
                 lambda i, c: _str([i.wikidata])),
    "country": (Term("country", "country", "ISO 3166-1 alpha-2 code"),
                lambda i, c: _str([i.country])),
    "city": (Term("city", "city", "city as the sources write it"), lambda i, c: _str(i.cities)),
    "website": (Term("website", "website", "web address the sources give"),
                lambda i, c: _str(i.websites)),
    "names": (Term("names", "names", "every spelling of the institution in the sources"),
              lambda i, c: _str(i.labels)),
    "units": (Term("units", "units", "faculties, schools and departments party to agreements"),
              lambda i, c: _entities(i.units)),
    "agreements": (Term("agreements", "agreements", "number of agreements, all lists"),
                   lambda i, c: [{"int": i.agreement_count}]),
    "lists": (Term("lists", "source lists", "the partner lists that name the institution"),
              lambda i, c: _entities((f"source/{s}", _source_label(c, s))
                                     for s, _ in i.agreements)),
}

AGREEMENT_PROPERTIES: dict[str, tuple[Term, Callable[[Agreement, Catalogue], list[Value]]]]
AGREEMENT_PROPERTIES = {
    "partner": (Term("partner", "partner institution", "", (AGREEMENT,)),
                lambda a, c: _entities((p, _name(c, p)) for p in a.partners)),
    "home": (Term("home", "home institution", "", (AGREEMENT,)),
             lambda a, c: _entities([(a.home, _name(c, a.home))] if a.home else [])),
    "startYear": (Term("startYear", "start year", "", (AGREEMENT,)),
                  lambda a, c: [{"int": a.start_year}] if a.start_year is not None else []),
    "level": (Term("level", "level", "university or department", (AGREEMENT,)),
              lambda a, c: _str([a.level])),
    "lists": (Term("lists", "source lists", "the partner lists that list the agreement",
                   (AGREEMENT,)),
              lambda a, c: _entities((f"source/{s}", _source_label(c, s)) for s in a.sources)),
}

ENTITY_TYPED = {"partner": INSTITUTION, "home": INSTITUTION}


def _name(c: Catalogue, entity_id: str) -> str:
    inst = c.institution.get(entity_id)
    return inst.name if inst is not None else entity_id


def _source_label(c: Catalogue, source_id: str) -> str:
    return next((s.label for s in c.sources if s.id == source_id), source_id)


def properties_for(type_id: str | None, catalogue: Catalogue) -> list[Term]:
    """The properties ``extend`` can fetch for a type (no type: an institution's)."""
    if type_id == AGREEMENT:
        return [t for t, _ in AGREEMENT_PROPERTIES.values()]
    if type_id not in (None, INSTITUTION):
        return []
    terms = [t for t, _ in INSTITUTION_PROPERTIES.values()]
    terms += [Term(f"{PER_LIST}{s.id}", f"agreements in {s.label}",
                   f"number of agreements the list {s.id} holds with the institution")
              for s in catalogue.sources]
    return terms


@dataclass(frozen=True)
class Extension:
    meta: list[dict[str, Any]]
    rows: dict[str, dict[str, list[Value]]]  # entity id -> property id -> values


def extend(query: ExtendQuery, catalogue: Catalogue) -> Extension:
    """Each requested property of each entity; an unknown entity gets no values."""
    known = {t.id: t for t in properties_for(INSTITUTION, catalogue)}
    known.update({t.id: t for t in properties_for(AGREEMENT, catalogue)})
    unknown = [p for p in query.properties if p not in known]
    if unknown:
        raise RequestError(f"no such property: {', '.join(unknown)} (see /extend/propose)")
    meta = []
    for pid in dict.fromkeys(query.properties):
        entry: dict[str, Any] = {"id": pid, "name": known[pid].name}
        if pid in ENTITY_TYPED:
            entry["type"] = {"id": ENTITY_TYPED[pid], "name": ENTITY_TYPED[pid].lower()}
        meta.append(entry)
    rows: dict[str, dict[str, list[Value]]] = {}
    for raw in query.ids:
        local = catalogue.local_id(raw)
        inst, agr = catalogue.institution.get(local), catalogue.agreement.get(local)
        row: dict[str, list[Value]] = {}
        for pid in dict.fromkeys(query.properties):
            if inst is not None and pid.startswith(PER_LIST):
                n = dict(inst.agreements).get(pid[len(PER_LIST):], 0)
                row[pid] = [{"int": n}]
            elif inst is not None and pid in INSTITUTION_PROPERTIES:
                row[pid] = INSTITUTION_PROPERTIES[pid][1](inst, catalogue)
            elif agr is not None and pid in AGREEMENT_PROPERTIES:
                row[pid] = AGREEMENT_PROPERTIES[pid][1](agr, catalogue)
            else:
                row[pid] = []
        rows[raw] = row
    return Extension(meta, rows)


def response(ext: Extension, version: str) -> dict[str, Any]:
    """0.2: rows keyed by entity; 1.0-draft: rows in order, properties in order."""
    if version == V02:
        return {"meta": ext.meta, "rows": ext.rows}
    return {"meta": ext.meta,
            "rows": [{"id": eid, "properties": [{"id": pid, "values": values}
                                                for pid, values in row.items()]}
                     for eid, row in ext.rows.items()]}
