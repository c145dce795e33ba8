"""What the dataset holds, counted once when the server starts.

The store does not change while the server runs, so the home page, the statistics page and the
VoID description share one ``DatasetSummary`` computed from the store at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pycountry
import pyoxigraph

PREFIXES = """PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""

Row = dict[str, pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | None]


def select(store: pyoxigraph.Store, query: str) -> list[Row]:
    """Run one of the server's own SELECT queries (the prefixes above are declared)."""
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    return [{n: row[n] for n in names} for row in solutions]


def value(term: object) -> str:
    """A term's lexical value (empty for an unbound variable)."""
    return getattr(term, "value", "") if term is not None else ""


def number(term: object) -> int:
    try:
        return int(value(term))
    except ValueError:
        return 0


@dataclass(frozen=True)
class Source:
    iri: str
    identifier: str
    label: str
    title: str
    language: str
    publisher: str
    publisher_iri: str
    as_of: str
    file_name: str
    agreements: int
    records: int
    graph_triples: int

    @property
    def language_name(self) -> str:
        """The English name of the document's language (its IRI ends in an ISO 639 code)."""
        code = self.language.rsplit("/", 1)[-1].lower()
        found = pycountry.languages.get(alpha_3=code) if len(code) == 3 else None
        return found.name if found is not None else code


@dataclass(frozen=True)
class DatasetSummary:
    triples: int
    agreements: int
    institutions: int
    units: int
    consortia: int
    countries: int
    records: int
    sources: list[Source]
    graphs: list[tuple[str, int]]
    classes: list[tuple[str, int]]
    properties: list[tuple[str, int]]
    per_country: list[tuple[str, int]]
    per_year: list[tuple[int, int]]
    per_kind: list[tuple[str, str, int]]
    per_level: list[tuple[str, str, int]]
    title: str
    description: str
    # VoID: resources named under the base, distinct subjects of the default graph (distinct
    # objects are not counted: the store keeps "5"^^xsd:nonNegativeInteger as
    # "5"^^xsd:integer, so it would count fewer than the dumps hold)
    entities: int = 0
    distinct_subjects: int = 0
    # owl:sameAs links by the IRI space they point into
    links: dict[str, int] = field(default_factory=dict)
    # first start year and last end year any agreement states
    period: tuple[int, int] | None = None
    # the languages of the source documents (EU language authority IRIs)
    languages: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    @property
    def per_source(self) -> list[tuple[Source, int]]:
        return [(s, s.agreements) for s in self.sources]


def _count(store: pyoxigraph.Store, cls: str) -> int:
    rows = select(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}")
    return number(rows[0]["n"])


def _sources(store: pyoxigraph.Store, graph_sizes: dict[str, int], base: str) -> list[Source]:
    rows = select(store, """
        SELECT ?doc ?id ?label ?title ?lang ?pub ?pubLabel ?known ?asOf ?file
               (COUNT(DISTINCT ?agreement) AS ?agreements)
        WHERE {
          ?doc a xkg:SourceDocument ; dcterms:identifier ?id .
          OPTIONAL { ?doc rdfs:label ?label }
          OPTIONAL { ?doc dcterms:title ?title }
          OPTIONAL { ?doc dcterms:language ?lang }
          OPTIONAL { ?doc dcterms:publisher ?pub .
                     OPTIONAL { ?pub skos:prefLabel ?pubLabel }
                     OPTIONAL { ?pub xkg:knownAs ?known } }
          OPTIONAL { ?doc xkg:asOf ?asOf }
          OPTIONAL { ?doc xkg:fileName ?file }
          OPTIONAL { ?agreement xkg:listedIn ?doc }
        }
        GROUP BY ?doc ?id ?label ?title ?lang ?pub ?pubLabel ?known ?asOf ?file
        ORDER BY ?id""")
    records = {value(r["doc"]): number(r["n"]) for r in select(store, """
        SELECT ?doc (COUNT(?r) AS ?n) WHERE { ?r xkg:inDocument ?doc } GROUP BY ?doc""")}
    out = []
    for r in rows:
        ident = value(r["id"])
        out.append(Source(
            iri=value(r["doc"]), identifier=ident, label=value(r["label"]),
            title=value(r["title"]), language=value(r["lang"]),
            publisher=value(r["pubLabel"]) or value(r["known"]),
            publisher_iri=value(r["pub"]), as_of=value(r["asOf"]), file_name=value(r["file"]),
            agreements=number(r["agreements"]), records=records.get(value(r["doc"]), 0),
            graph_triples=graph_sizes.get(f"{base}graph/{ident}", 0)))
    return out


def _concept_counts(store: pyoxigraph.Store, prop: str) -> list[tuple[str, str, int]]:
    rows = select(store, f"""
        SELECT ?c (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?a) AS ?n) WHERE {{
          ?a a xkg:Agreement ; {prop} ?c .
          OPTIONAL {{ ?c skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), "en")) }}
        }} GROUP BY ?c ORDER BY DESC(?n) ?c""")
    return [(value(r["c"]), value(r["label"]), number(r["n"])) for r in rows]


# The IRI spaces whose owl:sameAs links the dataset description counts as VoID linksets
LINK_TARGETS = {"ror": "https://ror.org/", "wikidata": "http://www.wikidata.org/entity/"}


def _void_counts(store: pyoxigraph.Store, base: str) -> dict[str, int]:
    row = select(store, f"""
        SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?e) AS ?entities) WHERE {{
          ?s ?p ?o .
          # an error (the unbound ?none) leaves ?e unbound: only IRIs under the base count
          BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "{base}"), ?s, ?none) AS ?e)
        }}""")[0]
    return {k: number(v) for k, v in row.items()}


def _links(store: pyoxigraph.Store) -> dict[str, int]:
    return {key: number(select(store, f"""
        SELECT (COUNT(*) AS ?n) WHERE {{
          ?s owl:sameAs ?o FILTER(STRSTARTS(STR(?o), "{space}")) }}""")[0]["n"])
        for key, space in LINK_TARGETS.items()}


def _period(store: pyoxigraph.Store) -> tuple[int, int] | None:
    first = number(select(store, """
        SELECT (MIN(?start) AS ?n) WHERE { ?a xkg:startYear ?start }""")[0]["n"])
    # the last year an agreement is stated to run: its end, or the date a list is current as of
    last = number(select(store, """
        SELECT (MAX(xsd:integer(SUBSTR(STR(?date), 1, 4))) AS ?n) WHERE {
          { ?a xkg:endDate ?date } UNION { ?d xkg:asOf ?date } }""")[0]["n"])
    if not first:
        return None
    return first, max(first, last)


def summarise(store: pyoxigraph.Store, base: str) -> DatasetSummary:
    """Count what the store holds (a second or so on the bundled graph)."""
    graph_sizes = {value(r["g"]): number(r["n"]) for r in select(store, """
        SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g""")}
    triples = number(select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
    classes = [(value(r["c"]), number(r["n"])) for r in select(store, """
        SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c ORDER BY ?c""")]
    properties = [(value(r["p"]), number(r["n"])) for r in select(store, """
        SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p""")]
    per_country = [(value(r["country"]), number(r["n"])) for r in select(store, """
        SELECT ?country (COUNT(DISTINCT ?a) AS ?n) WHERE {
          ?a a xkg:Agreement ; xkg:partnerInstitution ?p .
          ?p schema:address/schema:addressCountry ?country .
        } GROUP BY ?country ORDER BY DESC(?n) ?country""")]
    per_year = [(number(r["year"]), number(r["n"])) for r in select(store, """
        SELECT ?year (COUNT(DISTINCT ?a) AS ?n) WHERE {
          ?a a xkg:Agreement ; xkg:startYear ?year .
        } GROUP BY ?year ORDER BY ?year""")]
    examples = [value(r["x"]) for r in select(store, """
        SELECT ?x WHERE {
          { SELECT ?x WHERE { ?x a xkg:Agreement ; xkg:quota ?q ; xkg:startDate ?d } LIMIT 1 }
          UNION { SELECT ?x WHERE { ?x a xkg:Institution ; skos:prefLabel ?l } LIMIT 1 }
        }""")]
    sources = _sources(store, graph_sizes, base)
    counts = _void_counts(store, base)
    return DatasetSummary(
        triples=triples,
        agreements=_count(store, "xkg:Agreement"),
        institutions=_count(store, "xkg:Institution"),
        units=_count(store, "xkg:Unit"),
        consortia=_count(store, "xkg:Consortium"),
        countries=len(per_country),
        records=_count(store, "xkg:SourceRecord"),
        sources=sources,
        graphs=sorted(graph_sizes.items()),
        classes=classes,
        properties=properties,
        per_country=per_country,
        per_year=[(y, n) for y, n in per_year if y],
        per_kind=_concept_counts(store, "xkg:kind"),
        per_level=_concept_counts(store, "xkg:level"),
        title="exchange-kg: academic exchange agreements",
        description=("Universities' published partner lists of academic exchange agreements, "
                     f"read from {len(sources)} documents, normalised, merged and linked back "
                     "to the source lines they came from."),
        entities=counts["entities"],
        distinct_subjects=counts["subjects"],
        links=_links(store),
        period=_period(store),
        languages=sorted({s.language for s in sources if s.language}),
        examples=examples,
    )
