"""Score a build against the hand-checked gold set in ``tests/gold/`` (see its README).

    exchange-kg build -o dist && python tests/gold_scoring.py dist

reads the built graph (``dist/exchange-kg.nt``), finds the institution each gold row names
(through the source record of that line, the agreement derived from it and the partner with
that label; ``publisher`` rows through the document's publisher) and prints link precision
and recall, country accuracy and pair accuracy, then every row the build got wrong.
``tests/test_gold.py`` asserts the targets on the session build.
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

GOLD = Path(__file__).resolve().parent / "gold"
BASE = "https://w3id.org/exchange-kg/"
STATUSES = ("linked", "absent", "optional")

_PREFIXES = """
PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""


@dataclass(frozen=True)
class GoldInstitution:
    source: str
    line: str  # a line number, or "publisher" for the document's host
    name: str
    country: str
    ror_ids: tuple[str, ...]
    status: str  # linked | absent | optional
    note: str

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass(frozen=True)
class GoldPair:
    a: tuple[str, str, str]  # source, line, name
    b: tuple[str, str, str]
    same: bool
    note: str


@dataclass
class Organisation:
    iri: str
    labels: set[str] = field(default_factory=set)
    ror_ids: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)


def read_gold(folder: Path = GOLD) -> tuple[list[GoldInstitution], list[GoldPair]]:
    with open(folder / "institutions.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    institutions = [GoldInstitution(r["source"], r["line"], r["name"], r["country"],
                                    tuple(r["ror_id"].split()), r["status"], r["note"])
                    for r in rows]
    with open(folder / "pairs.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    pairs = [GoldPair((r["a_source"], r["a_line"], r["a_name"]),
                      (r["b_source"], r["b_line"], r["b_name"]), r["same"] == "yes", r["note"])
             for r in rows]
    return institutions, pairs


def _key(text: str) -> str:
    """Labels compare without case, accents, quotes and spacing differences."""
    text = unicodedata.normalize("NFKD", text.replace('""', '"'))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


class BuiltGraph:
    """What the gold needs of a built graph: organisations by source line and by publisher."""

    def __init__(self, dist: Path) -> None:
        store = pyoxigraph.Store()
        store.bulk_load(path=str(dist / "exchange-kg.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
        self.orgs: dict[str, Organisation] = {}
        for row in store.query(_PREFIXES + """
            SELECT ?org ?label ?ror ?country WHERE {
              { ?org a xkg:Institution } UNION { ?org a xkg:Unit }
              { ?org skos:prefLabel ?label } UNION { ?org skos:altLabel ?label }
              OPTIONAL { ?org xkg:rorId ?ror }
              OPTIONAL { ?org schema:address/schema:addressCountry ?country }
            }"""):
            org = self.orgs.setdefault(row["org"].value, Organisation(row["org"].value))
            org.labels.add(_key(row["label"].value))
            if row["ror"] is not None:
                org.ror_ids.add(row["ror"].value)
            if row["country"] is not None:
                org.countries.add(row["country"].value)
        # (source id, line) -> institutions a row from that line names: the partner
        # institutions of its agreement and what they are part of ("State University of New
        # York (University at Albany)" names both)
        self.by_line: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in store.query(_PREFIXES + """
            PREFIX org: <http://www.w3.org/ns/org#>
            SELECT ?doc ?line ?inst WHERE {
              ?agreement prov:wasDerivedFrom ?rec ; xkg:partnerInstitution ?partner .
              ?rec xkg:inDocument ?doc ; xkg:lineNumber ?line .
              ?partner org:subOrganizationOf? ?inst .
            }"""):
            doc = row["doc"].value.rsplit("/", 1)[1]
            self.by_line[(doc, row["line"].value)].add(row["inst"].value)
        self.publisher: dict[str, str] = {}
        for row in store.query(_PREFIXES + """
            SELECT ?doc ?pub WHERE { ?doc a xkg:SourceDocument ; dcterms:publisher ?pub }"""):
            self.publisher[row["doc"].value.rsplit("/", 1)[1]] = row["pub"].value

    def find(self, source: str, line: str, name: str) -> Organisation | None:
        """The institution a gold row names, or None when the build has no such partner."""
        if line == "publisher":
            iri = self.publisher.get(source)
            return self.orgs.get(iri) if iri else None
        key = _key(name)
        found = [self.orgs[i] for i in sorted(self.by_line.get((source, line), ()))
                 if i in self.orgs and key in self.orgs[i].labels]
        return found[0] if len(found) == 1 else None


@dataclass
class Scores:
    links_made: int = 0
    links_right: int = 0
    to_link: int = 0
    linked_right: int = 0
    countries: int = 0
    countries_right: int = 0
    pairs: int = 0
    pairs_right: int = 0
    missing: list[str] = field(default_factory=list)
    wrong_links: list[str] = field(default_factory=list)
    missed_links: list[str] = field(default_factory=list)
    wrong_countries: list[str] = field(default_factory=list)
    wrong_pairs: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.links_right / self.links_made if self.links_made else 1.0

    @property
    def recall(self) -> float:
        return self.linked_right / self.to_link if self.to_link else 1.0

    @property
    def country_accuracy(self) -> float:
        return self.countries_right / self.countries if self.countries else 1.0

    @property
    def pair_accuracy(self) -> float:
        return self.pairs_right / self.pairs if self.pairs else 1.0


def score(graph: BuiltGraph, institutions: list[GoldInstitution],
          pairs: list[GoldPair]) -> Scores:
    s = Scores()
    for g in institutions:
        org = graph.find(g.source, g.line, g.name)
        if org is None:
            s.missing.append(f"{g.where} {g.name!r}: no such partner in the graph")
            if g.status == "linked":
                s.to_link += 1
                s.missed_links.append(f"{g.where} {g.name!r}: not found")
            continue
        got = sorted(org.ror_ids)
        if got:
            s.links_made += 1
            if len(got) == 1 and got[0] in g.ror_ids:
                s.links_right += 1
            else:
                s.wrong_links.append(f"{g.where} {g.name!r}: linked to {' '.join(got)}, "
                                     f"gold {' '.join(g.ror_ids) or 'none'} ({g.status})")
        if g.status == "linked":
            s.to_link += 1
            if len(got) == 1 and got[0] in g.ror_ids:
                s.linked_right += 1
            elif not got:
                s.missed_links.append(f"{g.where} {g.name!r}: gold {' '.join(g.ror_ids)}")
        s.countries += 1
        if org.countries == {g.country}:
            s.countries_right += 1
        else:
            s.wrong_countries.append(f"{g.where} {g.name!r}: {sorted(org.countries)}, "
                                     f"gold {g.country}")
    for p in pairs:
        a, b = graph.find(*p.a), graph.find(*p.b)
        s.pairs += 1
        if a is None or b is None:
            s.wrong_pairs.append(f"{p.a[0]}:{p.a[1]} ~ {p.b[0]}:{p.b[1]}: not found")
            continue
        if (a.iri == b.iri) == p.same:
            s.pairs_right += 1
        else:
            verb = "apart" if p.same else "merged"
            s.wrong_pairs.append(f"{p.a[2]!r} ({p.a[0]}:{p.a[1]}) and {p.b[2]!r} "
                                 f"({p.b[0]}:{p.b[1]}) are {verb}")
    return s


def report(s: Scores) -> str:
    lines = [
        f"link precision  {s.precision:.3f}  ({s.links_right} of {s.links_made} links right)",
        f"link recall     {s.recall:.3f}  ({s.linked_right} of {s.to_link} linkable rows)",
        f"country         {s.country_accuracy:.3f}  ({s.countries_right} of {s.countries})",
        f"pair accuracy   {s.pair_accuracy:.3f}  ({s.pairs_right} of {s.pairs})",
    ]
    for title, items in (("rows not found", s.missing), ("wrong links", s.wrong_links),
                         ("missed links", s.missed_links), ("wrong countries", s.wrong_countries),
                         ("wrong pairs", s.wrong_pairs)):
        if items:
            lines += ["", f"{title} ({len(items)}):", *(f"  {i}" for i in items)]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    institutions, pairs = read_gold()
    print(report(score(BuiltGraph(Path(argv[0])), institutions, pairs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
