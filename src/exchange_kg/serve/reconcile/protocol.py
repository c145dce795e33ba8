"""The two versions of the Reconciliation Service API this service speaks, and the vocabulary
(types and properties) it offers in both.

* **0.2**, the current final version, which OpenRefine speaks: a batch of queries keyed by
  strings (``{"q0": {"query": ..., "type": ..., "properties": [{"pid", "v"}]}}``) sent as the
  form field or URL parameter ``queries``; results keyed the same way
  (``{"q0": {"result": [...]}}``); data extension as ``extend=`` on the same endpoint, its rows
  an object keyed by entity.
* **1.0-draft**: ``{"queries": [{"type", "limit", "conditions": [...]}]}`` posted as JSON to
  ``/match``, results in order (``{"results": [{"candidates": [...]}]}``); data extension
  posted to ``/extend``, its rows an array.

Both parse into the same ``matching.Query`` and render the same ``matching.Candidate``; a
request that does not follow the protocol is a ``RequestError`` (400, or 413 past a limit)
saying what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from exchange_kg.serve.reconcile import adapter
from exchange_kg.serve.reconcile.matching import (
    AGREEMENT,
    DEFAULT_LIMIT,
    INSTITUTION,
    Candidate,
    Query,
)

V02 = "0.2"
V1 = "1.0-draft"
ONTOLOGY = "https://w3id.org/exchange-kg/ontology#"
# queries in one batch at most (announced as the manifest's batchSize)
MAX_BATCH = 50
# characters in one name, one property value
MAX_TEXT = 500
# names, values of a property, conditions in one query
MAX_VALUES = 20
# entities and properties in one data extension query
MAX_EXTEND_IDS = 200
MAX_EXTEND_PROPERTIES = 20


class RequestError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Term:
    """A type or a property: its identifier, name and description."""

    id: str
    name: str
    description: str
    types: tuple[str, ...] = (INSTITUTION,)  # the types it applies to


TYPES = (
    Term(INSTITUTION, "institution", "A university, institute or other organisation that is "
         "party to exchange agreements (xkg:Institution).", ()),
    Term(AGREEMENT, "agreement", "An academic exchange agreement, found through its partner "
         "institution (xkg:Agreement).", ()),
)

# properties a reconciliation query may give, and the Query field each fills
MATCH_PROPERTIES = (
    Term("country", "country", "ISO 3166-1 alpha-2 code or the country's name, in English or "
         "its own language", (INSTITUTION, AGREEMENT)),
    Term("city", "city", "city the institution is in", (INSTITUTION, AGREEMENT)),
    Term("website", "website", "web address of the institution", (INSTITUTION, AGREEMENT)),
    Term("acronym", "acronym", "acronym of the institution", (INSTITUTION, AGREEMENT)),
    Term("ror", "ROR ID", "ROR ID, bare or as https://ror.org/... (resolves directly)",
         (INSTITUTION, AGREEMENT)),
    Term("wikidata", "Wikidata QID", "Wikidata item (Q...), resolves directly",
         (INSTITUTION, AGREEMENT)),
    Term("home", "home institution", "the institution whose list holds the agreement: a name "
         "or a reconciled institution", (AGREEMENT,)),
    Term("startYear", "start year", "year the agreement started", (AGREEMENT,)),
    Term("level", "level", "university or department", (AGREEMENT,)),
    Term("source", "source list", "identifier of the partner list that lists the agreement",
         (AGREEMENT,)),
)
# the feature a property's match is read from (``required`` conditions, 1.0)
_FEATURE_OF = {"country": "country", "city": "city", "website": "website", "ror": "ror",
               "wikidata": "wikidata", "home": "home", "startYear": "start_year",
               "level": "level", "source": "source"}


def type_json(term: Term) -> dict[str, Any]:
    return {"id": term.id, "name": term.name}


def find_type(value: str | None) -> str | None:
    """Our type identifier for ``Institution``, ``xkg:Institution`` or its IRI; None for no
    type; "" for a type this service does not have."""
    if value is None or not value.strip():
        return None
    text = value.strip().removeprefix(ONTOLOGY).removeprefix("xkg:")
    return next((t.id for t in TYPES if t.id.lower() == text.lower()), "")


# --------------------------------------------------------------------------- queries


def _text(value: Any, what: str) -> str:
    if isinstance(value, Mapping):  # a reconciled value: {"id": ..., "name": ...}
        value = value.get("id") or value.get("name")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RequestError(f"{what} must be a string, a number or an entity")
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise RequestError(f"{what} is longer than {MAX_TEXT} characters", 413)
    return text


def _values(value: Any, what: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_VALUES:
        raise RequestError(f"{what} has more than {MAX_VALUES} values", 413)
    return [t for t in (_text(v, what) for v in items) if t]


def _entity_values(value: Any, what: str) -> tuple[list[str], list[str]]:
    """(identifiers of reconciled values, texts) among the values of a property."""
    items = value if isinstance(value, list) else [value]
    ids = [_text(v["id"], what) for v in items if isinstance(v, Mapping) and v.get("id")]
    texts = [_text(v, what) for v in items if not (isinstance(v, Mapping) and v.get("id"))]
    return ids, [t for t in texts if t]


def _limit(value: Any) -> int:
    if value is None:
        return DEFAULT_LIMIT
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
        raise RequestError("limit must be a positive number")
    return int(value)


class _Builder:
    """Fields of a Query gathered from names, identifiers and property values."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids: list[str] = []
        self.fields: dict[str, list[str]] = {}
        self.required: set[str] = set()

    def prop(self, pid: str, value: Any, required: bool = False) -> None:
        what = f"property {pid!r}"
        ids, texts = _entity_values(value, what)
        if pid == "home":
            self.fields.setdefault("home", []).extend(ids + texts)
        else:
            self.fields.setdefault(pid, []).extend(texts + ids)
        if required and pid in _FEATURE_OF:
            self.required.add(_FEATURE_OF[pid])

    def query(self, type_id: str | None, limit: int) -> Query:
        f = self.fields
        countries = [c for c in map(adapter.country_code, f.get("country", [])) if c]
        years = [int(y) for y in f.get("startYear", []) if y.lstrip("-").isdigit()]
        level = next(iter(f.get("level", [])), None)
        return Query(
            names=tuple(dict.fromkeys(self.names)), type=type_id, limit=limit,
            country=countries[0] if countries else None,
            cities=tuple(f.get("city", ())), websites=tuple(f.get("website", ())),
            acronyms=tuple(f.get("acronym", ())), ids=tuple(self.ids),
            ror_ids=tuple(r for r in map(adapter.ror_id, f.get("ror", ())) if r),
            wikidata=tuple(q for q in map(adapter.wikidata_id, f.get("wikidata", ())) if q),
            home=tuple(f.get("home", ())), start_year=years[0] if years else None,
            level=level.lower() if level else None, source=next(iter(f.get("source", [])), None),
            required=frozenset(self.required))


def _type_of(value: Any) -> str | None:
    """The one type of a query (0.2 allows a list: the first one this service has)."""
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in items):
        raise RequestError("type must be a string or a list of strings")
    found = [find_type(v) for v in items]
    return next((t for t in found if t), "" if any(t == "" for t in found) else None)


def parse_batch_v02(text: str) -> dict[str, Query]:
    """A 0.2 query batch (the ``queries`` parameter)."""
    batch = _json(text, "queries")
    if not isinstance(batch, dict):
        raise RequestError("queries must be a JSON object of queries keyed by strings")
    if len(batch) > MAX_BATCH:
        raise RequestError(f"a batch holds at most {MAX_BATCH} queries", 413)
    out = {}
    for key, q in batch.items():
        if not isinstance(q, dict):
            raise RequestError(f"query {key!r} is not an object")
        b = _Builder()
        if q.get("query") is not None:
            b.names.append(_text(q["query"], f"query {key!r}"))
        props = q.get("properties") or []
        if not isinstance(props, list) or len(props) > MAX_VALUES:
            raise RequestError(f"properties of query {key!r} must be a list of at most "
                               f"{MAX_VALUES}")
        for p in props:
            if not isinstance(p, dict) or not isinstance(p.get("pid"), str) or "v" not in p:
                raise RequestError(f"a property of query {key!r} needs 'pid' and 'v'")
            b.prop(p["pid"], p["v"])
        if not b.names and not b.fields:
            raise RequestError(f"query {key!r} has neither 'query' nor 'properties'")
        out[str(key)] = b.query(_type_of(q.get("type")), _limit(q.get("limit")))
    return out


def parse_batch_v1(body: Any) -> list[Query]:
    """A 1.0-draft query batch (the JSON body posted to ``/match``)."""
    if not isinstance(body, dict) or not isinstance(body.get("queries"), list):
        raise RequestError('the body must be a JSON object with a "queries" array')
    queries = body["queries"]
    if len(queries) > MAX_BATCH:
        raise RequestError(f"a batch holds at most {MAX_BATCH} queries", 413)
    out = []
    for n, q in enumerate(queries):
        conditions = q.get("conditions") if isinstance(q, dict) else None
        if not isinstance(conditions, list) or not conditions:
            raise RequestError(f"query {n} needs a non-empty 'conditions' array")
        if len(conditions) > MAX_VALUES:
            raise RequestError(f"query {n} has more than {MAX_VALUES} conditions", 413)
        if q.get("type") is not None and not isinstance(q.get("type"), str):
            raise RequestError(f"the type of query {n} must be one string")
        b = _Builder()
        for c in conditions:
            kind = c.get("matchType") if isinstance(c, dict) else None
            if kind not in ("name", "id", "property") or "propertyValue" not in c:
                raise RequestError(f"a condition of query {n} needs 'matchType' (name, id or "
                                   "property) and 'propertyValue'")
            quantifier = c.get("matchQuantifier", "any")
            if quantifier not in ("any", "all"):
                raise RequestError(f"matchQuantifier {quantifier!r} is not supported "
                                   "(any, all)")
            value = c["propertyValue"]
            if kind == "name":
                b.names.extend(_values(value, f"a name of query {n}"))
            elif kind == "id":
                b.ids.extend(_values(value, f"an id of query {n}"))
            else:
                pid = c.get("propertyId")
                if not isinstance(pid, str):
                    raise RequestError(f"a property condition of query {n} needs 'propertyId'")
                b.prop(pid, value, bool(c.get("required")))
        out.append(b.query(_type_of(q.get("type")), _limit(q.get("limit"))))
    return out


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise RequestError(f"{what} is not valid JSON: {exc}") from None


# --------------------------------------------------------------------------- results


def candidate_json(c: Candidate) -> dict[str, Any]:
    type_name = next(t.name for t in TYPES if t.id == c.type)
    out: dict[str, Any] = {"id": c.id, "name": c.name, "score": c.score, "match": c.match,
                           "type": [{"id": c.type, "name": type_name}],
                           "features": [{"id": f.id, "name": f.name, "value": f.value}
                                        for f in c.features]}
    if c.description:
        out["description"] = c.description
    return out


def results_v02(keys: Sequence[str], results: Iterable[list[Candidate]]) -> dict[str, Any]:
    return {k: {"result": [candidate_json(c) for c in cands]}
            for k, cands in zip(keys, results, strict=True)}


def results_v1(results: Iterable[list[Candidate]]) -> dict[str, Any]:
    return {"results": [{"candidates": [candidate_json(c) for c in cands]} for cands in results]}


# --------------------------------------------------------------------------- extension


@dataclass(frozen=True)
class ExtendQuery:
    ids: tuple[str, ...]
    properties: tuple[str, ...]


def parse_extend(body: Any) -> ExtendQuery:
    """A data extension query (same shape in both versions)."""
    if not isinstance(body, dict) or not isinstance(body.get("ids"), list) \
            or not isinstance(body.get("properties"), list):
        raise RequestError('a data extension query needs "ids" and "properties" arrays')
    ids, props = body["ids"], body["properties"]
    if len(ids) > MAX_EXTEND_IDS or len(props) > MAX_EXTEND_PROPERTIES:
        raise RequestError(f"a data extension query takes at most {MAX_EXTEND_IDS} ids and "
                           f"{MAX_EXTEND_PROPERTIES} properties", 413)
    if not all(isinstance(i, str) for i in ids):
        raise RequestError("ids must be strings")
    if not all(isinstance(p, dict) and isinstance(p.get("id"), str) for p in props):
        raise RequestError('each property needs an "id"')
    return ExtendQuery(tuple(ids), tuple(p["id"] for p in props))


def parse_extend_text(text: str) -> ExtendQuery:
    return parse_extend(_json(text, "extend"))
