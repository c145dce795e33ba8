"""What an entity page shows, read from the store.

Pages are about things people look up: an institution (or one of its units, or a consortium)
with its agreements, and an agreement with the source lines it was read from. Everything else
(a source record, a document, a concept, an ontology term) gets a generic page listing its
statements and what links to it. Values are returned as plain data; the templates lay them out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph

from exchange_kg.serve.dataset import number, select, value
from exchange_kg.vocab import ONTOLOGY_IRI, PREFIXES, XKG

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = str(PREFIXES["skos"])
RDFS = str(PREFIXES["rdfs"])
OWL = "http://www.w3.org/2002/07/owl#"
OWL_SAME_AS = OWL + "sameAs"
LABEL_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", "http://purl.org/dc/terms/title")
ORGANISATION_CLASSES = {str(XKG.Institution), str(XKG.UnidentifiedInstitution),
                        str(XKG.Unit), str(XKG.Consortium)}
SCHEMA_ADDRESS = "https://schema.org/address"
# what an organisation's page lists first, in this order (country and city are on its address)
ORGANISATION_FACTS = (
    (SKOS + "altLabel", "Also known as"),
    (str(XKG.knownAs), "Known as"),
    ("https://schema.org/addressCountry", "Country"),
    ("https://schema.org/addressLocality", "City"),
    ("https://schema.org/url", "Website"),
    ("http://www.w3.org/ns/org#unitOf", "Part of"),
    ("http://www.w3.org/ns/org#hasUnit", "Units"),
    ("http://www.w3.org/ns/org#hasMember", "Members"),
    ("http://www.w3.org/ns/org#memberOf", "Member of"),
)
# how many links to a resource a generic page lists per property
INCOMING_PER_PROPERTY = 50

Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal


@dataclass
class Value:
    """One object of a statement, ready to show: text, and an IRI if it is a resource."""

    text: str
    iri: str | None = None
    language: str = ""
    datatype: str = ""


@dataclass
class Statement:
    property: str
    values: list[Value]


@dataclass
class Agreement:
    iri: str
    label: str
    home: list[Value] = field(default_factory=list)
    home_institution: list[Value] = field(default_factory=list)
    partner: list[Value] = field(default_factory=list)
    partner_institution: list[Value] = field(default_factory=list)
    kinds: list[Value] = field(default_factory=list)
    level: list[Value] = field(default_factory=list)
    status: list[Value] = field(default_factory=list)
    start: str = ""
    end: str = ""
    open_ended: bool = False
    duration: str = ""
    auto_renewal: str = ""
    tuition_waiver: str = ""
    quotas: list[tuple[Value, str]] = field(default_factory=list)
    listed_in: list[Value] = field(default_factory=list)
    records: list[SourceLine] = field(default_factory=list)
    # ISO 3166-1 codes of the partner and home institutions, where stated
    partner_country: str = ""
    home_country: str = ""
    # whether the partner and home institutions are linked to ROR
    partner_linked: bool = False
    home_linked: bool = False
    # the side the organisation of the page is on ("home" or "partner"), on its table
    role: str = ""
    # every name of both sides, folded, for search (filled by the lists)
    names: str = ""

    # the other side and the page organisation's own side (partner and home on a list)
    @property
    def other(self) -> list[Value]:
        return (self.home or self.home_institution) if self.role == "partner" \
            else (self.partner or self.partner_institution)

    @property
    def other_institution(self) -> list[Value]:
        return self.home_institution if self.role == "partner" else self.partner_institution

    @property
    def other_country(self) -> str:
        return self.home_country if self.role == "partner" else self.partner_country

    @property
    def other_linked(self) -> bool:
        return self.home_linked if self.role == "partner" else self.partner_linked

    @property
    def own(self) -> list[Value]:
        return self.partner if self.role == "partner" else self.home

    @property
    def own_institution(self) -> list[Value]:
        return self.partner_institution if self.role == "partner" else self.home_institution

    @property
    def sources(self) -> tuple[str, ...]:
        """Identifiers of the documents listing it (the last segment of their IRIs)."""
        return tuple(sorted({v.iri.rstrip("/").rsplit("/", 1)[-1] for v in self.listed_in
                             if v.iri}))


@dataclass
class SourceLine:
    iri: str
    document: Value
    lines: list[int]
    raw_text: str
    # where the row stands in a spreadsheet, PDF or web page ("Partners!A12:D12")
    locations: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        if self.locations:
            return f"{self.document.text}, {'; '.join(self.locations)}"
        numbers = ", ".join(str(n) for n in self.lines)
        return f"{self.document.text}, line{'s' if len(self.lines) > 1 else ''} {numbers}"

    @property
    def place(self) -> str:
        """Lines of a text file, or the rows' locations in any other document."""
        return "; ".join(self.locations) or ", ".join(str(n) for n in self.lines)


@dataclass
class Resource:
    iri: str
    label: str
    types: list[Value]
    statements: list[Statement]
    incoming: list[tuple[str, list[Value], int]]
    same_as: list[Value] = field(default_factory=list)

    def values(self, prop: str) -> list[Value]:
        return next((st.values for st in self.statements if st.property == prop), [])


def _value(term: Term, labels: dict[str, str]) -> Value:
    if isinstance(term, pyoxigraph.NamedNode):
        return Value(labels.get(term.value, term.value), term.value)
    if isinstance(term, pyoxigraph.BlankNode):  # named by its name where it has one
        return Value(labels.get(f"_:{term.value}", f"_:{term.value}"))
    datatype = term.datatype.value if term.datatype else ""
    return Value(term.value, None, term.language or "", datatype)


def _iri_list(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in sorted(set(iris)))


def labels(store: pyoxigraph.Store, iris: Iterable[str]) -> dict[str, str]:
    """A readable label for each IRI that has one (English or untagged preferred)."""
    wanted = {i for i in iris if i}
    if not wanted:
        return {}
    rows = select(store, f"""
        SELECT ?x ?p ?l WHERE {{
          VALUES ?x {{ {_iri_list(wanted)} }}
          VALUES ?p {{ skos:prefLabel rdfs:label dcterms:title dcterms:identifier }}
          ?x ?p ?l }}""")
    ranked: dict[str, tuple[tuple[int, int], str]] = {}
    order = {p: i for i, p in enumerate(
        (*LABEL_PROPERTIES, "http://purl.org/dc/terms/identifier"))}
    for r in rows:
        lit = r["l"]
        lang = getattr(lit, "language", None) or ""
        rank = (order.get(value(r["p"]), 9), 0 if lang in ("", "en") else 1)
        key = value(r["x"])
        if key not in ranked or rank < ranked[key][0]:
            ranked[key] = (rank, value(lit))
    found = {k: v for k, (_, v) in ranked.items()}
    unnamed = wanted - set(found)
    if unnamed:  # source records have no label: name them by document and line
        for r in select(store, f"""
            SELECT ?x ?doc (GROUP_CONCAT(STR(?n); separator=", ") AS ?lines) WHERE {{
              VALUES ?x {{ {_iri_list(unnamed)} }}
              ?x xkg:inDocument/dcterms:identifier ?doc ; xkg:lineNumber ?n .
            }} GROUP BY ?x ?doc"""):
            found[value(r["x"])] = f"{value(r['doc'])}, line {value(r['lines'])}"
    return found


def names_of(store: pyoxigraph.Store, iris: Iterable[str]) -> dict[str, set[str]]:
    """Every name each resource goes by (preferred, alternative, hidden, as documents spell
    it)."""
    wanted = {i for i in iris if i}
    found: dict[str, set[str]] = defaultdict(set)
    if wanted:
        for r in select(store, f"""
                SELECT ?x ?l WHERE {{ VALUES ?x {{ {_iri_list(wanted)} }}
                  ?x skos:prefLabel|skos:altLabel|skos:hiddenLabel|xkg:knownAs ?l }}"""):
            found[value(r["x"])].add(value(r["l"]))
    return found


def _blank_names(store: pyoxigraph.Store, iri: str) -> dict[str, str]:
    """Names of the blank nodes ``iri`` points to (the ontology's creator is an agent with a
    name, not a node id), keyed ``_:id``."""
    return {f"_:{value(r['b'])}": value(r["n"]) for r in select(store, f"""
        SELECT ?b (SAMPLE(?name) AS ?n) WHERE {{ <{iri}> ?p ?b FILTER(isBlank(?b))
          ?b foaf:name|rdfs:label|skos:prefLabel|schema:name ?name }} GROUP BY ?b""")}


def describe_properties(store: pyoxigraph.Store, iris: Iterable[str]
                        ) -> dict[str, dict[str, list[Term]]]:
    """``{subject: {property: [objects]}}`` for the given subjects."""
    wanted = set(iris)
    out: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    if not wanted:
        return out
    # sorted here: ORDER BY in the query made a list's worth of agreements five times slower
    for r in select(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {_iri_list(wanted)} }} "
                           f"?s ?p ?o }}"):
        out[value(r["s"])][value(r["p"])].append(r["o"])
    for props in out.values():
        for objs in props.values():
            objs.sort(key=lambda o: (type(o).__name__, str(o)))
    return out


def types_of(store: pyoxigraph.Store, iri: str) -> set[str]:
    return {value(r["t"]) for r in select(store, f"SELECT ?t WHERE {{ <{iri}> a ?t }}")}


def _first(props: dict[str, list[Term]], prop: str) -> str:
    found = props.get(prop, [])
    return value(found[0]) if found else ""


def agreements(store: pyoxigraph.Store, iris: list[str]) -> list[Agreement]:
    """Full rows for the given agreements, with their quotas and source lines."""
    props = describe_properties(store, iris)
    linked: set[str] = set()
    for p in props.values():
        for objs in p.values():
            linked.update(o.value for o in objs if isinstance(o, pyoxigraph.NamedNode))
    linked_props = describe_properties(
        store, {i for i in linked if "/quota/" in i or "/record/" in i})
    second = {o.value for lp in linked_props.values() for objs in lp.values() for o in objs
              if isinstance(o, pyoxigraph.NamedNode)}
    names = labels(store, linked | second)
    countries: dict[str, str] = {}
    with_ror: set[str] = set()
    for r in select(store, f"""
            SELECT ?x ?c ?ror WHERE {{ VALUES ?x {{ {_iri_list(linked)} }}
              OPTIONAL {{ ?x schema:address/schema:addressCountry ?c }}
              OPTIONAL {{ ?x xkg:rorId ?ror }} FILTER(BOUND(?c) || BOUND(?ror)) }}
            """) if linked else []:
        if r["c"] is not None:
            countries[value(r["x"])] = value(r["c"])
        if r["ror"] is not None:
            with_ror.add(value(r["x"]))
    x = str(XKG)
    out = []
    for iri in iris:
        p = props.get(iri, {})

        def vals(local: str, p: dict[str, list[Term]] = p) -> list[Value]:
            return [_value(o, names) for o in p.get(x + local, [])]

        a = Agreement(iri=iri, label=_first(p, RDFS + "label") or iri.rsplit("/", 1)[-1],
                      home=vals("home"), home_institution=vals("homeInstitution"),
                      partner=vals("partner"), partner_institution=vals("partnerInstitution"),
                      kinds=vals("kind"), level=vals("level"), status=vals("status"),
                      start=_first(p, x + "startDate") or _first(p, x + "startYear"),
                      end=_first(p, x + "endDate"),
                      open_ended=_first(p, x + "openEnded") == "true",
                      duration=_first(p, x + "duration"),
                      auto_renewal=_first(p, x + "autoRenewal"),
                      tuition_waiver=_first(p, x + "tuitionWaiver"),
                      listed_in=vals("listedIn"))
        a.partner_country = next((countries[v.iri] for v in a.partner_institution
                                  if v.iri in countries), "")
        a.home_country = next((countries[v.iri] for v in a.home_institution
                               if v.iri in countries), "")
        a.partner_linked = any(v.iri in with_ror for v in a.partner_institution)
        a.home_linked = any(v.iri in with_ror for v in a.home_institution)
        for quota in p.get(x + "quota", []):
            q = linked_props.get(quota.value, {})
            mobility = [_value(o, names) for o in q.get(x + "mobilityKind", [])]
            places = _first(q, x + "places")
            a.quotas.append((mobility[0] if mobility else Value("places"), places or "—"))
        for rec in p.get("http://www.w3.org/ns/prov#wasDerivedFrom", []):
            r = linked_props.get(rec.value, {})
            docs = [_value(o, names) for o in r.get(x + "inDocument", [])]
            a.records.append(SourceLine(
                iri=rec.value, document=docs[0] if docs else Value("?"),
                lines=sorted(number(n) for n in r.get(x + "lineNumber", [])),
                raw_text=_first(r, x + "rawText"),
                locations=sorted(o.value for o in r.get(x + "location", []))))
        a.records.sort(key=lambda s: (s.document.text, s.lines))
        out.append(a)
    return out


def all_agreements(store: pyoxigraph.Store) -> list[Agreement]:
    """Every agreement, by label (the agreement list's rows)."""
    iris = [value(r["a"]) for r in select(store, "SELECT ?a WHERE { ?a a xkg:Agreement }")]
    return sorted(agreements(store, iris), key=lambda a: (a.label, a.iri))


def agreements_of(store: pyoxigraph.Store, org: str) -> list[Agreement]:
    """The agreements an institution, unit or consortium is a party to, newest first."""
    rows = select(store, f"""
        SELECT DISTINCT ?a ?role WHERE {{
          {{ ?a xkg:partnerInstitution <{org}> BIND("partner" AS ?role) }}
          UNION {{ ?a xkg:partner <{org}> BIND("partner" AS ?role) }}
          UNION {{ ?a xkg:homeInstitution <{org}> BIND("home" AS ?role) }}
          UNION {{ ?a xkg:home <{org}> BIND("home" AS ?role) }}
          ?a a xkg:Agreement .
        }}""")
    roles: dict[str, str] = {}
    for r in rows:
        roles.setdefault(value(r["a"]), value(r["role"]))
    found = agreements(store, sorted(roles))
    for a in found:
        a.role = roles[a.iri]
    found.sort(key=lambda a: (a.start or "0000", a.label), reverse=True)
    return found


def resource(store: pyoxigraph.Store, iri: str) -> Resource:
    """The statements about ``iri`` and the resources that link to it (a sample of each
    property, with its count)."""
    props = describe_properties(store, [iri]).get(iri, {})
    incoming_rows = select(store, f"""
        SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p <{iri}> }} GROUP BY ?p ORDER BY ?p""")
    samples: dict[str, list[str]] = {}
    for r in incoming_rows:
        p = value(r["p"])
        samples[p] = [value(s["s"]) for s in select(store, f"""
            SELECT DISTINCT ?s WHERE {{ ?s <{p}> <{iri}> }} ORDER BY ?s
            LIMIT {INCOMING_PER_PROPERTY}""")]
    mentioned = {o.value for objs in props.values() for o in objs
                 if isinstance(o, pyoxigraph.NamedNode)}
    mentioned |= set(props) | set(samples) | {s for ss in samples.values() for s in ss}
    names = labels(store, mentioned | {iri})
    names.update(_blank_names(store, iri))
    statements = [Statement(p, [_value(o, names) for o in objs])
                  for p, objs in sorted(props.items()) if p != RDF_TYPE]
    incoming = [(value(r["p"]), [Value(names.get(s, s), s) for s in samples[value(r["p"])]],
                 number(r["n"])) for r in incoming_rows]
    return Resource(
        iri=iri, label=names.get(iri, "") or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1],
        types=[_value(o, names) for o in props.get(RDF_TYPE, [])],
        statements=statements, incoming=incoming,
        same_as=[_value(o, names) for o in props.get(OWL_SAME_AS, [])])


def organisation_facts(store: pyoxigraph.Store, res: Resource
                       ) -> list[tuple[str, str, list[Value]]]:
    """(label, property, values) of ``ORGANISATION_FACTS`` that the organisation or its
    postal address states."""
    addresses = [v.iri for v in res.values(SCHEMA_ADDRESS) if v.iri]
    on_address: dict[str, list[Value]] = defaultdict(list)
    for props in describe_properties(store, addresses).values():
        for prop, objs in props.items():
            on_address[prop].extend(_value(o, {}) for o in objs)
    facts = []
    for prop, label in ORGANISATION_FACTS:
        found = res.values(prop) or on_address.get(prop, [])
        if found:
            facts.append((label, prop, found))
    return facts


# the labels RDF, RDFS and OWL give their own properties, which no ontology declares
BUILT_IN_LABELS = {
    RDF_TYPE: "type", RDFS + "label": "label", RDFS + "comment": "comment",
    RDFS + "seeAlso": "see also", RDFS + "isDefinedBy": "is defined by",
    RDFS + "domain": "domain", RDFS + "range": "range", RDFS + "subClassOf": "subclass of",
    RDFS + "subPropertyOf": "subproperty of", OWL_SAME_AS: "same as",
    OWL + "versionIRI": "version IRI", OWL + "versionInfo": "version info",
    OWL + "imports": "imports", OWL + "members": "members", OWL + "unionOf": "union of",
    OWL + "inverseOf": "inverse of", OWL + "equivalentClass": "equivalent class",
}


def property_labels(store: pyoxigraph.Store) -> dict[str, str]:
    """Labels of the properties the ontology declares (used as row headings), and of the
    RDF, RDFS and OWL built-ins."""
    rows = select(store, """
        SELECT ?p ?l WHERE { ?p a ?t ; rdfs:label ?l .
          VALUES ?t { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
          FILTER(LANGMATCHES(LANG(?l), "en") || LANG(?l) = "") }""")
    return {**BUILT_IN_LABELS, **{value(r["p"]): value(r["l"]) for r in rows}}


@dataclass
class OntologyTerm:
    iri: str
    label: str
    comment: str
    kind: str
    scheme: str = ""  # a concept's scheme
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)


def ontology_terms(store: pyoxigraph.Store) -> list[OntologyTerm]:
    """Classes, properties, concept schemes and their concepts the ontology defines, with
    domains, ranges, superclasses and schemes, for its page."""
    root = ONTOLOGY_IRI.rsplit("/", 1)[0] + "/"
    rows = select(store, f"""
        SELECT ?x ?kind (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?comment) (SAMPLE(?s) AS ?scheme)
               (GROUP_CONCAT(DISTINCT STR(?d); separator=" ") AS ?domains)
               (GROUP_CONCAT(DISTINCT STR(?r); separator=" ") AS ?ranges)
               (GROUP_CONCAT(DISTINCT STR(?p); separator=" ") AS ?parents) WHERE {{
          ?x a ?t .
          VALUES (?t ?kind) {{
            (owl:Class "class") (owl:ObjectProperty "object property")
            (owl:DatatypeProperty "datatype property") (skos:ConceptScheme "concept scheme")
            (skos:Concept "concept") }}
          FILTER(STRSTARTS(STR(?x), "{root}"))
          OPTIONAL {{ ?x rdfs:label|skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), "en")) }}
          OPTIONAL {{ ?x rdfs:comment|skos:definition ?c }}
          OPTIONAL {{ ?x skos:inScheme ?s }}
          OPTIONAL {{ ?x rdfs:domain ?d FILTER(isIRI(?d)) }}
          OPTIONAL {{ ?x rdfs:range ?r FILTER(isIRI(?r)) }}
          OPTIONAL {{ ?x rdfs:subClassOf ?p FILTER(isIRI(?p)) }}
        }} GROUP BY ?x ?kind ORDER BY ?kind ?x""")
    return [OntologyTerm(value(r["x"]), value(r["label"]), value(r["comment"]),
                         value(r["kind"]), value(r["scheme"]),
                         value(r["domains"]).split(), value(r["ranges"]).split(),
                         value(r["parents"]).split())
            for r in rows]
