"""An entity page as data: ``x.json`` and ``x.csv`` beside ``x.html``, as datasette offers
every table and row.

The JSON is what the page shows, in plain names (a program reading it needs no RDF); the CSV
is the page's table: an organisation's agreements (with the page's filters), an agreement's
row as ``/agreements.csv`` has it, the ontology's terms, or any other resource's statements.
The RDF itself stays at ``x.ttl``, ``x.jsonld`` and the rest.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from exchange_kg.serve import agreement_list, browse, entities, negotiate
from exchange_kg.serve.negotiate import Format


def _value(v: entities.Value) -> dict[str, str]:
    out = {"value": v.text}
    if v.iri:
        out["iri"] = v.iri
    if v.language:
        out["language"] = v.language
    if v.datatype:
        out["datatype"] = v.datatype
    return out


def _statements(res: entities.Resource, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "statements": [{"property": st.property, "label": labels.get(st.property, ""),
                        "values": [_value(v) for v in st.values]} for st in res.statements],
        "linked_from": [{"property": prop, "label": labels.get(prop, ""), "count": count,
                         "sample": [_value(v) for v in links]}
                        for prop, links, count in res.incoming],
    }


def _statement_rows(res: entities.Resource, labels: dict[str, str]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        ("statement", st.property, labels.get(st.property, ""), v.text, v.iri or "",
         v.language, v.datatype) for st in res.statements for v in st.values]
    rows += [("linked from", prop, labels.get(prop, ""), v.text, v.iri or "", "", "")
             for prop, links, _ in res.incoming for v in links]
    return rows


STATEMENT_FIELDS: browse.Fields = tuple(
    (name, lambda r, i=i: r[i]) for i, name in enumerate(
        ("direction", "property", "property_label", "value", "iri", "language", "datatype")))
TERM_FIELDS: browse.Fields = tuple(
    (name, lambda t, name=name: getattr(t, name)) for name in
    ("iri", "label", "kind", "comment", "scheme", "domain", "range", "parents"))


def document(fmt: Format, iri: str, path: str, template: str, context: dict[str, Any],
             labels: dict[str, str]) -> Response:
    """The ``fmt`` (JSON or CSV) rendering of the page ``template`` would show."""
    res: entities.Resource | None = context.get("res")
    data: dict[str, Any] = {"iri": iri}
    if res is not None:
        data.update(label=res.label, types=[_value(t) for t in res.types],
                    same_as=[v.iri for v in res.same_as])
    rows: list[Any]
    if template == "organisation.html":
        page: browse.Page = context["page"]
        data["facts"] = {label: [_value(v) for v in vals] for label, _, vals in context["facts"]}
        data["agreements"] = page.json(path + ".json", agreement_list.ORGANISATION_FIELDS)
        rows, fields = page.matching, agreement_list.ORGANISATION_FIELDS
    elif template == "agreement.html":
        a: entities.Agreement = context["a"]
        data.update({name: browse.json_value(get(a)) for name, get in agreement_list.FIELDS})
        data["records"] = [{"iri": r.iri, "document": _value(r.document), "where": r.place,
                            "text": r.raw_text} for r in a.records]
        rows, fields = [a], agreement_list.FIELDS
    elif template == "ontology.html":
        data["terms"] = [{name: get(t) for name, get in TERM_FIELDS} for t in context["terms"]]
        rows, fields = context["terms"], TERM_FIELDS
    elif template == "graph.html":
        source = context["source"]
        data.update(triples=context["triples"],
                    document=source.identifier if source is not None else None)
        rows, fields = [data], (("iri", lambda d: d["iri"]), ("triples", lambda d: d["triples"]),
                                ("document", lambda d: d["document"] or ""))
    else:
        rows, fields = [], STATEMENT_FIELDS
    if res is not None and template in ("resource.html", "organisation.html", "agreement.html"):
        data.update(_statements(res, labels))
        if template == "resource.html":
            rows = _statement_rows(res, labels)
    if fmt is negotiate.PAGE_CSV:
        return Response(browse.as_csv(rows, fields), media_type=fmt.content_type)
    body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    return Response(body, media_type=fmt.content_type)
