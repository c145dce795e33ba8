"""Agreements -> RDF, using the exchange-kg ontology.

The union graph is the product; per-source named graphs are views of it (every triple about a
source's documents, records and the agreements and organisations it lists), so a researcher
can ask what one document says, and the union equals the union of the views.
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph
from rdflib.namespace import DCTERMS, PROV

from exchange_kg.agreements import Agreement, Party
from exchange_kg.iris import Minter, identity_key, published_replacements
from exchange_kg.languages import language_iri, written_in
from exchange_kg.link.matcher import MatchResult
from exchange_kg.link.runner import LinkRun
from exchange_kg.manifest import Document
from exchange_kg.map_workers import MapWorkers
from exchange_kg.normalise.dates import DateValue
from exchange_kg.normalise.partner import institution_key
from exchange_kg.pool import collection_paused
from exchange_kg.records import RawRecord
from exchange_kg.resolve import Cluster, mention_key, publisher_key
from exchange_kg.resolve.units import Promotion, UnitPlan, host_parent, unit_key
from exchange_kg.rules import Rules
from exchange_kg.tables import TABLES, empty_tables
from exchange_kg.triples import TripleGraph
from exchange_kg.vocab import ORG, XKG

_TRUE, _FALSE = "true", "false"
# the classes of organisations, looked up once (each lookup on the namespace makes a term)
_INSTITUTION, _UNIDENTIFIED = XKG.Institution, XKG.UnidentifiedInstitution
_UNIT, _CONSORTIUM = XKG.Unit, XKG.Consortium

# Agreements (or organisations) whose rows are turned into triples at once: about 400,000
# triples in the build form (some 90 MB), against 21 million for the whole 1000x graph.
MAP_BATCH = 20_000


def _dated(value: DateValue) -> tuple[str, str, str]:
    """A date as the table's three columns, one per precision (day, month, year): each column
    has its own datatype (xsd:date, xsd:gYearMonth, xsd:gYear)."""
    text = value.isoformat()
    return (text, "", "") if value.precision == "day" else \
        ("", text, "") if value.precision == "month" else ("", "", text)


def _flag(value: bool | None) -> str:
    return "" if value is None else _TRUE if value else _FALSE


def _n(value: str) -> str:
    """A minted (uncached: each is used a few times) IRI as an N-Triples term."""
    return f"<{value}>"


def _subject(value: str) -> str:
    """The IRI of a subject a source states, as the N-Triples term the graph keys it by:
    interned, as the graph interns its subjects, so the sources' subject sets and views and
    the graph hold one string (about 100 bytes for each agreement and record)."""
    return sys.intern(f"<{value}>")


@dataclass
class _Org:
    """What the sources say about one organisation, gathered before writing it.

    IRIs here and in the builder's methods are plain strings; the graph holds N-Triples terms.
    """

    iri: str
    rdf_type: str
    labels: list[str] = field(default_factory=list)  # first = preferred
    country: str | None = None
    cities: list[tuple[str, str | None]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    erasmus_codes: set[str] = field(default_factory=set)
    pref_label: str | None = None  # when set, wins over the first label seen
    unit_of: str | None = None
    members: list[str] = field(default_factory=list)
    known_as: str | None = None
    link: MatchResult | None = None  # the institution's ROR linking result, when linked

    def add_label(self, label: str | None) -> None:
        if label and label not in self.labels:
            self.labels.append(label)


class GraphBuilder:
    def __init__(
        self,
        minter: Minter,
        documents: list[Document],
        clusters: Iterable[Cluster] = (),
        links: LinkRun | None = None,
        units: UnitPlan | None = None,
    ) -> None:
        self.minter = minter
        self.units = units or UnitPlan()
        # cluster id -> its linking result; the dump named in every link's provenance
        self.link_of = {r.query.key: r for r in links.results} if links else {}
        self.cluster_id_of: dict[str, str] = {}  # institution IRI -> its cluster id
        self.link_source = _link_source(links)
        # mention key -> the resolved institution it belongs to
        self.cluster_of = {k: c for c in clusters for k in c.mention_keys}
        self.documents = {d.id: d for d in documents}
        self.cluster_by_id = {c.id: c for c in clusters}
        self.host_key_of: dict[str, str] = {}  # IRI of a host that is no cluster -> its key
        # IRI of an institution only ROR names (``resolve.units``) <-> its parent key
        self.ror_org_key: dict[str, str] = {}
        self.ror_org_iri: dict[str, str] = {}
        self.sub_of: dict[str, set[str]] = defaultdict(set)  # org:subOrganizationOf
        # unit IRI -> IRIs of spellings merged into it (see resolve.units)
        self.unit_replaced: dict[str, set[str]] = defaultdict(set)
        # cluster id -> the named host whose institution it is (see _cluster_iri)
        self.host_of = {c.id: d.publisher for d in documents if d.publisher.name
                        for c in [self.cluster_of.get(publisher_key(d.publisher.key))] if c}
        self.clusters_used: dict[str, Cluster] = {}  # institution IRI -> its cluster
        # retired IRI -> the one that replaces it (N-Triples terms), see _write_replacements
        self.replacements: dict[str, str] = {}
        self.graph = TripleGraph()
        self.tables = empty_tables()  # what the graph rules turn into triples (finish)
        self.orgs: dict[str, _Org] = {}
        self._org_of_cluster: dict[str, _Org] = {}  # cluster id -> its organisation
        self.record_iris: dict[int, str] = {}
        self.records: list[tuple[str, RawRecord]] = []  # (IRI, record), for record_fields
        # a digest of (source id, raw text) -> the occurrences numbered so far: not the text
        # itself, which would keep every record's text alive once the record is mapped
        self._record_seen: dict[bytes, int] = defaultdict(int)
        # source id -> the subjects (N-Triples terms) it states directly
        self.subjects_by_source: dict[str, set[str]] = defaultdict(set)
        # worker processes mapping batches of rows beside this one (0: all mapped here).
        # They are spawned, so the program's main module must be importable without
        # running a build (as ``exchange-kg``'s is): the CLI asks for them, a library
        # caller may (``pipeline.build(map_workers=...)``)
        self.map_workers = 0
        self._workers: MapWorkers | None = None
        self._batches = 0

    # -- organisations -------------------------------------------------------------------
    def _org(self, iri: str, rdf_type: str) -> _Org:
        org = self.orgs.get(iri)
        if org is None:
            org = self.orgs[iri] = _Org(iri, rdf_type)
        return org

    def publisher(self, doc: Document) -> str:
        pub = doc.publisher
        cluster = self.cluster_of.get(publisher_key(pub.key)) if pub.name else None
        if cluster is not None:
            # the host resolved like every partner: one institution with its partner side
            iri = self._cluster_org(cluster).iri
        elif pub.name:
            iri = self._host_iri(pub.name, pub.country)
            self._org(iri, _INSTITUTION).add_label(pub.name)
            self.host_key_of[iri] = host_parent(pub.key)
        else:
            iri = self.minter.named("institution", f"unidentified-{pub.key}")
            self.host_key_of[iri] = host_parent(pub.key)
            org = self._org(iri, _UNIDENTIFIED)
            org.known_as = pub.known_as
            org.add_label(pub.known_as)
        return iri

    def _host_iri(self, name: str, country: str | None = None) -> str:
        """A named host's IRI: its name's, and the country its manifest states, where it
        does (two hosts of one name in two countries are two institutions)."""
        return self.minter.iri("institution", name, (country or "").lower(), identity_key(name))

    def _cluster_iri(self, cluster: Cluster) -> str:
        """One institution, one IRI: minted from the resolved cluster, not a spelling. A named
        host keeps the IRI it has as the host (it is the largest side of its lists)."""
        host = self.host_of.get(cluster.id)
        if host is not None and host.name:
            return self._host_iri(host.name, host.country)
        return self.minter.institution(cluster.id)

    def _cluster_org(self, cluster: Cluster) -> _Org:
        org = self._org_of_cluster.get(cluster.id)
        if org is not None:  # minting its IRI again took a third of mapping an agreement
            return org
        iri = self._cluster_iri(cluster)
        org = self.orgs.get(iri)
        if org is not None:
            self._org_of_cluster[cluster.id] = org
            return org
        org = self._org(iri, _INSTITUTION)
        org.pref_label = cluster.pref_label
        org.link = self.link_of.get(cluster.id)
        org.country = cluster.country
        self.cluster_id_of[iri] = cluster.id
        self.clusters_used[iri] = cluster
        for label in (*cluster.labels, *cluster.acronyms):
            org.add_label(label)
        self._org_of_cluster[cluster.id] = org
        return org

    def institution(self, party: Party, cluster: Cluster | None = None) -> str:
        if cluster is not None:
            org = self._cluster_org(cluster)
        else:
            iri = self.minter.iri(
                "institution", party.name, party.country or "", identity_key(party.name)
            )
            org = self._org(iri, _INSTITUTION)
            org.country = org.country or party.country
        org.add_label(party.name)
        for alt in (*party.alt_names, party.acronym):
            org.add_label(alt)
        return org.iri

    def parent_key(self, institution: str) -> str:
        """How ``resolve.units`` names an institution: its cluster id, or its host's key."""
        return (self.cluster_id_of.get(institution) or self.host_key_of.get(institution)
                or self.ror_org_key.get(institution, institution))

    def unit(self, institution: str, name: str) -> str:
        parent = self.parent_key(institution)
        original = name
        spelling = self.units.name(parent, name)
        if spelling != name:
            # one unit, named by its most frequent spelling; the other IRI is replaced
            self.unit_replaced[self._unit_iri(institution, spelling)].add(
                self._unit_iri(institution, name))
            name = spelling
        iri = self._unit_iri(institution, name)
        org = self._org(iri, _UNIT)
        org.add_label(name)
        if original != name and unit_key(original) != unit_key(name):
            org.add_label(original)  # an alias ("School of Engineering" of a pair): kept
        org.unit_of = institution
        org.link = org.link or self.units.link(parent, name) or self.units.link(parent, original)
        return iri

    def _party_nodes(self, inst: str, units: tuple[str, ...], institutions: list[str]
                     ) -> list[str]:
        """The partner nodes of a party: its units, or itself. A "unit" that is an institution
        of its own (``resolve.units``) is that institution, part of the row's institution (or
        a partner beside it); the units named after it are its units. ``institutions`` gets
        the institutions behind the nodes (the row's own is replaced when no node is left
        under it)."""
        if not units:
            return [inst]
        nodes: list[str] = []
        behind: list[str] = []
        parent = inst
        for k, u in enumerate(units):
            found = self.units.promoted(self.parent_key(parent), u)
            org = self._promoted_org(found, u, parent) if found is not None else None
            if found is None or org is None:
                nodes.append(self.unit(parent, u))
                behind.append(parent)
                continue
            if not found.beside:
                self.sub_of[org.iri].add(parent)
            elif parent not in behind:
                nodes.append(parent)  # a partner in its own right, beside the next one
                behind.append(parent)
            org.add_label(u)
            parent = org.iri
            if k == len(units) - 1:
                nodes.append(org.iri)
                behind.append(org.iri)
        if inst not in behind:
            institutions.remove(inst)
        institutions.extend(b for b in behind if b not in institutions)
        return nodes

    def _promoted_org(self, found: Promotion, name: str, parent: str) -> _Org | None:
        """The institution a promoted "unit" is: its cluster's, or one only ROR names, with
        the parent's country and the ROR link (one resource per ROR record)."""
        if found.cluster is not None:
            cluster = self.cluster_by_id.get(found.cluster)
            return self._cluster_org(cluster) if cluster is not None else None
        if found.ror_id is None:
            return None
        iri = self.ror_org_iri.get(found.ror_id)
        if iri is not None:
            return self.orgs[iri]
        country = self.orgs[parent].country if parent in self.orgs else None
        spelling = self.units.name(found.key, name)
        iri = self.minter.iri("institution", spelling, country or "", institution_key(spelling))
        org = self._org(iri, _INSTITUTION)
        org.country, org.link = country, found.link
        self.ror_org_iri[found.ror_id], self.ror_org_key[iri] = iri, found.key
        return org

    def _unit_iri(self, institution: str, name: str) -> str:
        return self.minter.iri("unit", name, str(institution), identity_key(name))

    def consortium(self, a: Agreement, members: list[str]) -> str:
        name = a.consortium or ""
        # keyed by its members too: one list may name two different consortia alike
        iri = self.minter.iri("consortium", name, a.list_id, identity_key(name),
                              *sorted(map(str, members)))
        org = self._org(iri, _CONSORTIUM)
        org.add_label(name)
        countries = {p.country for p in a.parties}
        if len(countries) == 1:
            org.country = next(iter(countries))
        for m in members:
            if m not in org.members:
                org.members.append(m)
        return iri

    def build(self, documents: Iterable[Document], agreements: Iterable[Agreement],
              rules: Rules, keep_tables: bool = False) -> None:
        """The graph of the documents and agreements, by ``rules``; the tables are emptied
        as they are mapped unless ``keep_tables`` (for an RML export of them). The cycle
        collector is paused meanwhile: mapping makes rows and triples (acyclic tuples and
        strings) by the hundred thousand, and each collection they triggered walked the
        whole heap again, the ROR index included."""
        with collection_paused():
            try:
                for doc in documents:
                    self.document(doc)
                for n, a in enumerate(agreements, start=1):
                    self.agreement(a)
                    if not keep_tables and n % MAP_BATCH == 0:
                        self._map_rows(rules, full=True)
                self.finish(rules, keep_tables)
            except BaseException:
                if self._workers is not None:
                    self._workers.abort()
                raise
            if self._workers is not None:
                self._workers.close()

    def _map_rows(self, rules: Rules, full: bool = False) -> None:
        """Turn the rows made so far into triples and empty the tables: one batch's rows and
        its triples in the build form are all the mapping holds besides the frozen graph.
        From the second full batch on (a build of more than ``2 * MAP_BATCH`` agreements),
        batches are mapped in a worker process while this one makes the next
        (:mod:`exchange_kg.map_workers`); the first is mapped here, and chooses the graph's
        namespace codes."""
        self._record_field_rows(rules)
        self.records = []
        if self._workers is None and full and self._batches and self.map_workers > 0:
            self._workers = MapWorkers(rules, self.graph, self.map_workers)
        self._batches += 1
        if self._workers is None:
            rules.apply(self.tables, self.graph, consume=True)
            return
        batch = {name: rows for name, rows in self.tables.items() if rows}
        for name in batch:
            self.tables[name] = []
        self._workers.submit(batch)

    def _record_field_rows(self, rules: Rules) -> None:
        if rules.uses("record_fields"):
            names = TABLES["record_fields"][1:]
            self.tables["record_fields"].extend((s, *(rec.fields.get(n) or "" for n in names))
                                                for s, rec in self.records)

    # -- records and documents ------------------------------------------------------------
    def document(self, doc: Document) -> str:
        iri_ = self.minter.named("source", doc.id)
        language = language_iri(doc.language) or ""  # the manifest refuses unknown ones
        if language:
            self.tables["languages"].append((language,))
        as_of = _dated(doc.as_of_date) if doc.as_of_date else ("", "", "")
        self.tables["documents"].append((
            iri_, doc.id, doc.title or "", doc.label, language, self.publisher(doc), *as_of,
            doc.original_file_name, doc.file_name, doc.sha256(), doc.notes or ""))
        self.subjects_by_source[doc.id].add(_subject(iri_))
        return iri_

    def record(self, rec: RawRecord) -> str:
        s = self.record_iris.get(id(rec))
        if s is not None:
            return s
        # Identical raw text twice in one document: number the occurrences (content order,
        # not line numbers, so unrelated insertions leave the IRI alone).
        seen = hashlib.blake2b(f"{rec.source_id}\x1f{rec.raw}".encode(), digest_size=16
                               ).digest()
        n = self._record_seen[seen]
        self._record_seen[seen] += 1
        digest = self.minter.iri("record", "", rec.source_id, rec.raw, str(n)).rsplit("/", 1)[1]
        s = self.minter.named("record", f"{rec.source_id}/{digest}")
        self.tables["records"].append((s, self.minter.named("source", rec.source_id), rec.raw))
        # A text extract's lines are the file's lines; any other document's rows are located
        # in the original instead, with the file's own line numbers where it has lines (CSV).
        lines = sorted({n for loc in rec.locations for n in loc.lines}) if rec.locations \
            else rec.lines
        self.tables["record_lines"].extend((s, str(line)) for line in lines)
        self.tables["record_locations"].extend(
            (s, where) for where in dict.fromkeys(loc.text for loc in rec.locations))
        self.record_iris[id(rec)] = s
        self.records.append((s, rec))
        self.subjects_by_source[rec.source_id].add(_subject(s))
        return s

    # -- agreements ------------------------------------------------------------------------
    def agreement(self, a: Agreement) -> str:
        t = self.tables
        iri_ = self.minter.iri("agreement", a.consortium or a.parties[0].name, *a.key)

        host_doc = self.documents[a.records[0].source_id]
        home_inst = self.publisher(host_doc)
        home = self.unit(home_inst, a.home_unit) if a.home_unit else home_inst

        member_nodes, institutions = [], []
        for i, party in enumerate(a.parties):
            inst = self.institution(party, self.cluster_of.get(mention_key(a, i)))
            institutions.append(inst)
            if party.city:
                city = (party.city, written_in(party.city, a.city_language))
                if city not in self.orgs[inst].cities:
                    self.orgs[inst].cities.append(city)
            if party.website:
                self.orgs[inst].urls.append(party.website)
            if party.erasmus_code:
                self.orgs[inst].erasmus_codes.add(party.erasmus_code)
            nodes = self._party_nodes(inst, party.units, institutions)
            member_nodes.extend(nodes)
        partners = [self.consortium(a, member_nodes)] if a.consortium else member_nodes
        t["agreement_partners"].extend((iri_, node) for node in partners)
        t["agreement_institutions"].extend((iri_, inst) for inst in dict.fromkeys(institutions))
        t["agreement_kinds"].extend((iri_, kind) for kind in a.kinds)

        student_quota = ""
        if a.quota is not None:
            student_quota = _FALSE if a.quota.no_student_quota else ""
            t["quotas"].extend((f"{iri_}/quota/{kind}", iri_, kind, str(places))
                               for kind, places in a.quota.places)
        t["agreements"].append((
            iri_, home_inst, home, _agreement_label(a), a.level or "", a.status or "",
            *(_dated(a.start) if a.start else ("", "", "")),
            str(a.start.year) if a.start else "",
            *(_dated(a.end) if a.end else ("", "", "")),
            _flag(a.open_ended), f"P{a.duration_years}Y" if a.duration_years else "",
            _flag(a.auto_renewal), _flag(a.waiver), student_quota))
        s = _subject(iri_)
        for sid in a.source_ids:
            t["agreement_sources"].append((iri_, self.minter.named("source", sid)))
            self.subjects_by_source[sid].add(s)
        t["agreement_records"].extend((iri_, self.record(rec)) for rec in a.records)
        t["agreement_remarks"].extend((iri_, text, self.documents[sid].language)
                                      for text, sid in a.remarks)
        return iri_

    def finish(self, rules: Rules, keep_tables: bool = True) -> None:
        """Decide the gathered organisations (one preferred label, the rest alternatives),
        their links and the replaced IRIs, then write every table's triples by ``rules``."""
        t = self.tables
        for n, org in enumerate(self.orgs.values(), start=1):
            if not keep_tables and n % MAP_BATCH == 0:
                self._map_rows(rules, full=True)
            iri_ = org.iri
            t["org_types"].append((iri_, str(org.rdf_type)))
            if org.rdf_type == _UNIDENTIFIED:
                # explicit, so consumers without RDFS inference still see an institution
                t["org_types"].append((iri_, str(_INSTITUTION)))
            pref = ""
            if org.labels:
                pref = org.pref_label or org.labels[0]
                t["org_alt_labels"].extend((iri_, alt) for alt in org.labels if alt != pref)
            # schema.org states country and city on the organisation's PostalAddress
            address = f"{iri_}/address" if org.country or org.cities else ""
            t["organisations"].append((iri_, pref, org.known_as or "", address,
                                       org.country or "", org.unit_of or ""))
            t["org_cities"].extend((address, "", city, lang) if lang else (address, city, "", "")
                                   for city, lang in org.cities)
            t["org_urls"].extend((iri_, web_iri(url)) for url in org.urls)
            t["org_erasmus_codes"].extend((iri_, code) for code in sorted(org.erasmus_codes))
            t["org_members"].extend((iri_, m) for m in org.members)
            t["org_parents"].extend((iri_, p) for p in sorted(self.sub_of.get(iri_, ())))
            if org.link is not None and org.link.chosen is not None:
                self._link_row(iri_, org.link)
        self._replacement_rows()
        if keep_tables:
            self._record_field_rows(rules)
            rules.apply(t, self.graph)
        else:
            self._map_rows(rules)

    def _replacement_rows(self) -> None:
        """``old dcterms:isReplacedBy new`` for every IRI an institution had before evidence
        merged it into another (``Cluster.replaced``), or before a host became the institution
        a partner list names, for unit spellings merged into one, and for the IRIs earlier
        builds published (``iris.published_replacements``) whose replacement this build
        makes: old links keep working (``serve`` redirects them)."""
        replaced: dict[str, str] = {}
        for iri_, cluster in sorted(self.clusters_used.items()):
            old = {self.minter.institution(cid) for _, cid in cluster.replaced}
            if cluster.id in self.host_of and any(
                    not k.startswith("publisher") for k in cluster.mention_keys):
                old.add(self.minter.institution(cluster.id))
            replaced.update((o, iri_) for o in old if o != iri_)
        for unit, olds in sorted(self.unit_replaced.items()):
            replaced.update((o, unit) for o in olds if o != unit)
        for row in published_replacements():
            old, new = self.minter.named(*row.old.split("/", 1)), \
                self.minter.named(*row.new.split("/", 1))
            new = replaced.get(new, new)  # merged since: straight to the survivor
            minted = (new in self.orgs or self._stated(new)) and not (
                old in self.orgs or self._stated(old))
            if minted and old not in replaced:
                replaced[old] = new
        for old, new in sorted(replaced.items()):
            self.tables["replacements"].append((old, new))
            self.replacements[_n(old)] = _n(new)

    def _stated(self, iri_: str) -> bool:
        """Whether a source states ``iri_`` as an agreement, record or document of its own
        (a published replacement names agreements and organisations only)."""
        term = _n(iri_)
        return any(term in subjects for subjects in self.subjects_by_source.values())

    def _link_row(self, org: str, result: MatchResult) -> None:
        """owl:sameAs the ROR record and its Wikidata entity, the identifiers as plain
        literals, and the link's provenance."""
        c = result.chosen
        assert c is not None
        curated = result.decision.startswith("curated")
        wikidata = f"http://www.wikidata.org/entity/{c.wikidata}" if c.wikidata else ""
        self.tables["links"].append((
            org, f"{org}/link/ror", c.ror_id, c.ror_id.rsplit("/", 1)[1], wikidata,
            c.wikidata or "", "curated" if curated else c.method, f"{c.score:.3f}",
            c.name or "", self.link_source, _TRUE if curated else _FALSE,
            (result.curation_note or "") if curated else ""))
        # ROR records the institution as inactive: the organisations that continue it
        self.tables["link_successors"].extend((org, s) for s in c.successors)

    def source_views(self) -> dict[str, tuple[str, ...]]:
        """Each source's view, as the subjects whose triples it holds: its own subjects and
        what they point to (so an agreement's view carries its partners and their labels).
        Tuples, not the sets they are found as: the writers only walk them, and a set took
        four times the bytes (8 MB at 10x, for subjects the graph holds anyway)."""
        views = {}
        edges: dict[str, tuple[str, ...]] = {}  # each block read once for all the views
        for sid, subjects in sorted(self.subjects_by_source.items()):
            view = self.graph.reachable(subjects, _NO_FOLLOW, edges)
            # a retired IRI goes with the thing that replaced it
            view.update(old for old, new in self.replacements.items() if new in view)
            views[sid] = tuple(view)
        return views


# Do not pull other documents' records into a view by following these links.
_NO_FOLLOW = frozenset(_n(str(term)) for term in (
    XKG.inDocument, XKG.listedIn, PROV.wasDerivedFrom, ORG.hasUnit, DCTERMS.publisher))


def web_iri(url: str) -> str:
    """A web address as an IRI: characters an IRI may not hold (spaces, quotes, braces, a
    backslash) percent-encoded; everything else, non-ASCII letters included, kept."""
    try:
        return pyoxigraph.NamedNode(url).value
    except ValueError:
        return quote(url, safe="".join(chr(c) for c in range(0x21, 0x7F)
                                       if chr(c) not in '<>"{}|\\^`') + "%",
                     encoding="utf-8")


def _link_source(links: LinkRun | None) -> str:
    if links is None or links.dump is None:
        return ""
    d = links.dump
    return f"{d.name} (sha256 {d.sha256})" if d.sha256 else d.name


def _agreement_label(a: Agreement) -> str:
    partner = a.consortium or " / ".join(
        f"{p.name} ({', '.join(p.units)})" if p.units else p.name for p in a.parties
    )
    when = f", {a.start.isoformat()}" if a.start else ""
    return f"{partner}{when}"

