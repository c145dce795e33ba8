"""Lists people browse, as datasette lays out a table: filter, facet, sort, page, export.

A list is rows read once from the store at start-up (the store does not change while it is
served); a request's parameters pick rows (full-text search over every name a row has, one value
per facet), order them and cut one page. Facet counts are over the rows the other filters
leave, so they say how many a click would keep. The same request with ``.json`` or ``.csv``
gives the rows as data: JSON one page with the link to the next, CSV every matching row.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pyoxigraph

from exchange_kg.normalise.country import country_name as normalised_country_name
from exchange_kg.serve import dataset
from exchange_kg.serve.entities import Agreement

PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def country_name(code: str) -> str:
    """The English short name of a country code (the code if unknown)."""
    try:
        return normalised_country_name(code, common=True)
    except KeyError:
        return code


def fold(text: str) -> str:
    """Case- and accent-insensitive form for search ("Łódź" matches "lodz")."""
    text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def name_key(text: str) -> str:
    """Sort key of a name: folded, leading quotes and brackets ignored ('"Lviv Polytechnic"
    National University' among the L's)."""
    folded = fold(text)
    return folded.lstrip("".join(c for c in set(folded) if not c.isalnum())) or folded


@dataclass(frozen=True)
class InstitutionRow:
    iri: str
    label: str
    country: str
    agreements: int
    kind: str  # "institution" or "consortium"
    names: str = ""  # every label, folded, for search
    sources: tuple[str, ...] = ()  # ids of the documents listing its agreements
    ror: str = ""
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    @property
    def linked(self) -> str:
        return "linked to ROR" if self.ror else "not linked"


def institutions(store: pyoxigraph.Store) -> list[InstitutionRow]:
    """Every institution and consortium, with what its list facets need, by name."""
    rows = dataset.select(store, """
        SELECT ?x ?kind (SAMPLE(COALESCE(?l, ?known)) AS ?label) (SAMPLE(?c) AS ?country)
               (COUNT(DISTINCT ?a) AS ?n) (SAMPLE(?r) AS ?ror)
               (GROUP_CONCAT(DISTINCT ?name; separator="\\u001f") AS ?names)
               (GROUP_CONCAT(DISTINCT ?doc; separator="\\u001f") AS ?docs)
               (GROUP_CONCAT(DISTINCT ?lv; separator="\\u001f") AS ?levels)
               (GROUP_CONCAT(DISTINCT ?kd; separator="\\u001f") AS ?kinds) WHERE {
          VALUES (?t ?kind) { (xkg:Institution "institution") (xkg:Consortium "consortium") }
          ?x a ?t .
          OPTIONAL { ?x skos:prefLabel ?l }
          OPTIONAL { ?x xkg:knownAs ?known }
          OPTIONAL { ?x skos:prefLabel|skos:altLabel|xkg:knownAs ?name }
          OPTIONAL { ?x schema:address/schema:addressCountry ?c }
          OPTIONAL { ?x xkg:rorId ?r }
          OPTIONAL { { ?a xkg:partnerInstitution ?x } UNION { ?a xkg:homeInstitution ?x }
                     UNION { ?a xkg:partner ?x }
                     OPTIONAL { ?a xkg:listedIn/dcterms:identifier ?doc }
                     OPTIONAL { ?a xkg:level/skos:prefLabel ?lv
                                FILTER(LANGMATCHES(LANG(?lv), "en")) }
                     OPTIONAL { ?a xkg:kind/skos:prefLabel ?kd
                                FILTER(LANGMATCHES(LANG(?kd), "en")) } }
        } GROUP BY ?x ?kind""")

    def split(term: object) -> tuple[str, ...]:
        return tuple(sorted(v for v in dataset.value(term).split("\u001f") if v))

    out = [InstitutionRow(
        iri=dataset.value(r["x"]), label=dataset.value(r["label"]),
        country=dataset.value(r["country"]), agreements=dataset.number(r["n"]),
        kind=dataset.value(r["kind"]), names=fold(" ".join(split(r["names"]))),
        sources=split(r["docs"]), ror=dataset.value(r["ror"]), levels=split(r["levels"]),
        kinds=split(r["kinds"])) for r in rows]
    return sorted(out, key=lambda r: (name_key(r.label) or "~", r.iri))


def with_names(agreements: list[Agreement], institutions: Sequence[InstitutionRow]
               ) -> list[Agreement]:
    """Fill each agreement's search text: the names of both sides in every spelling the
    documents use (so a search finds an agreement by any name the institution list knows),
    and their countries."""
    spellings = {r.iri: r.names for r in institutions}
    for a in agreements:
        sides = (*a.partner, *a.partner_institution, *a.home, *a.home_institution)
        countries = [country_name(c) for c in (a.partner_country, a.home_country) if c]
        a.names = fold(" ".join([a.label, *(v.text for v in sides), *countries,
                                 *(spellings.get(v.iri or "", "") for v in sides)]))
    return agreements


# a list's export: (column name, value of a row)
Fields = Sequence[tuple[str, Callable[[Any], Any]]]


@dataclass(frozen=True)
class Facet:
    """A parameter that keeps the rows having one value of it."""

    name: str  # the query parameter
    title: str
    values: Callable[[Any], Sequence[str]]
    label: Callable[[str], str] = str


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    key: Callable[[Any], Any]
    numeric: bool = False
    desc_first: bool = False  # a first click sorts descending (counts, dates: most first)


@dataclass
class FacetView:
    facet: Facet
    selected: str
    counts: list[tuple[str, int]]


@dataclass
class Page:
    """One page of a list, with everything its template and its exports show."""

    rows: list[Any]
    total: int  # rows matching the filters
    all_rows: int  # rows in the list
    page: int
    pages: int
    size: int
    sort: str
    desc: bool
    q: str
    filters: dict[str, str]
    facets: list[FacetView] = field(default_factory=list)
    matching: list[Any] = field(default_factory=list)  # every matching row (CSV)
    default_sort: str = ""
    default_desc: bool = False  # the default sort runs descending (newest first)

    def desc_default(self, sort: object) -> bool:
        """Whether a list sorted by ``sort`` runs descending when the request does not say."""
        return self.default_desc and sort == self.default_sort

    @property
    def desc_is_default(self) -> bool:
        return self.desc == self.desc_default(self.sort)

    def url(self, path: str, **changes: object) -> str:
        """``path`` with this page's parameters, some changed (None drops one; ``desc`` is
        "1" or "0", and left out where it is the default for the sort)."""
        params: dict[str, object] = {"q": self.q, **self.filters, "sort": self.sort,
                                     "desc": "1" if self.desc else "0", "page": self.page,
                                     "size": self.size if self.size != PAGE_SIZE else ""}
        params.update(changes)
        default = "1" if self.desc_default(params["sort"]) else "0"
        kept = {k: v for k, v in params.items()
                if v not in (None, "") and not (k == "page" and v == 1)
                and not (k == "desc" and v in (default, ""))}
        return path + ("?" + urlencode(kept) if kept else "")

    def json(self, path: str, fields: Fields) -> dict[str, Any]:
        """The page as data: its rows, the next page's address and the facet counts."""
        return {
            "total": self.total, "page": self.page, "pages": self.pages, "size": self.size,
            "next": self.url(path, page=self.page + 1) if self.page < self.pages else None,
            "rows": [{name: json_value(get(r)) for name, get in fields} for r in self.rows],
            "facets": {v.facet.name: [{"value": value, "label": v.facet.label(value),
                                       "count": n} for value, n in v.counts]
                       for v in self.facets},
        }


def browse(rows: list[Any], params: dict[str, str], facets: Sequence[Facet],
           columns: Sequence[Column], search: Callable[[Any], str],
           default_sort: str, default_desc: bool = False) -> Page:
    """Filter, facet, sort and page ``rows`` by the request's ``params``."""
    q = params.get("q", "").strip()
    filters = {f.name: params[f.name].strip() for f in facets if params.get(f.name, "").strip()}
    needle = fold(q)

    def keeps(row: Any, skip: str | None = None) -> bool:
        if needle and needle not in search(row):
            return False
        return all(value in f.values(row) for f in facets
                   if f.name != skip and (value := filters.get(f.name)))

    matching = [r for r in rows if keeps(r)]
    views = []
    for f in facets:
        counts: Counter[str] = Counter()
        for r in rows:
            if keeps(r, skip=f.name):
                counts.update(set(f.values(r)))
        views.append(FacetView(f, filters.get(f.name, ""),
                               sorted(counts.items(), key=lambda kv: (-kv[1], f.label(kv[0])))))
    by_name = {c.name: c for c in columns}
    sort = params.get("sort", "") if params.get("sort", "") in by_name else default_sort
    desc = params["desc"] not in ("", "0") if params.get("desc") \
        else default_desc and sort == default_sort
    column = by_name[sort]
    present = [r for r in matching if column.key(r) not in ("", None)]
    absent = [r for r in matching if column.key(r) in ("", None)]
    present.sort(key=column.key, reverse=desc)  # stable: ties keep the list's name order
    ordered = present + absent  # rows without a value last, either way
    size = min(max(int_param(params.get("size"), PAGE_SIZE), 1), MAX_PAGE_SIZE)
    pages = max(1, -(-len(ordered) // size))
    page = min(max(int_param(params.get("page"), 1), 1), pages)
    return Page(rows=ordered[(page - 1) * size: page * size], total=len(ordered),
                all_rows=len(rows), page=page, pages=pages, size=size, sort=sort, desc=desc,
                q=q, filters=filters, facets=views, matching=ordered,
                default_sort=default_sort, default_desc=default_desc)


def int_param(text: str | None, default: int) -> int:
    """A whole-number request parameter, ``default`` if absent or not a number."""
    try:
        return int(text) if text else default
    except ValueError:
        return default


def as_csv(rows: Sequence[Any], fields: Fields) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in fields])
    for r in rows:
        writer.writerow([_cell(get(r)) for _, get in fields])
    return out.getvalue().encode("utf-8")


def json_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)
