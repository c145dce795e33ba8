"""Units hang under the right parent: the institution a row's chain of names ends at, a
partner ROR has beside the row's institution, one unit for a name and its aliases.

Each test builds a tiny list (and, where ROR is the evidence, a synthetic ROR dump) and asks
the graph what a researcher would ask: which organisation is whose unit, and which are the
agreement's partners.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from exchange_kg import pipeline
from exchange_kg.link.loading import load_dump
from exchange_kg.link.synthetic import ror_id, v2_record, write_jsonl
from exchange_kg.resolve.units import unit_aliases
from tiny_project import PARTNER_TABLE, write_project

ORG = "http://www.w3.org/ns/org#"
XKG = "https://w3id.org/exchange-kg/ontology#"


def build(root: Path, rows: list[str], records: list[dict] | None = None) -> Graph:
    write_project(root, "".join(f"{r}\n" for r in rows), PARTNER_TABLE)
    index = None
    if records is not None:
        index = load_dump(write_jsonl(root / "ror.jsonl", records), cache_dir=False)
    result = pipeline.build(root / "sources", root / "mappings", ror_index=index)
    return Graph().parse(data="\n".join(result.graph.lines()), format="nt")


def named(g: Graph, label: str) -> URIRef:
    found = {s for s in g.subjects(SKOS.prefLabel, Literal(label))}
    assert len(found) == 1, (label, found)
    return next(iter(found))  # type: ignore[return-value]


def units_of(g: Graph, parent: URIRef) -> set[str]:
    return {str(g.value(u, SKOS.prefLabel)) for u in g.subjects(URIRef(ORG + "unitOf"), parent)}


def partners(g: Graph) -> set[frozenset[str]]:
    return {frozenset(str(g.value(p, SKOS.prefLabel))
                      for p in g.objects(a, URIRef(XKG + "partnerInstitution")))
            for a in g.subjects(URIRef(XKG + "partnerInstitution"), None)}


def test_units_after_an_institution_named_as_a_unit_meet_its_own_units(tmp_path: Path) -> None:
    """One row names the branch as a unit of the academy, then an institute; another names
    the branch as the institution and the institute (with its eponym) as its unit: one
    institute, a unit of the branch."""
    g = build(tmp_path, [
        "Russia\tAcademy of Rurals (Siberian Branch, Institute of Geology and Rocks)",
        "Russia\tSiberian Branch of the Academy of Rurals, V.S. Petrov Institute of Geology "
        "and Rocks",
        "Russia\tAcademy of Rurals",
    ])
    branch = named(g, "Siberian Branch of the Academy of Rurals")
    assert units_of(g, branch) == {"V.S. Petrov Institute of Geology and Rocks"}
    assert units_of(g, named(g, "Academy of Rurals")) == set()


def test_a_pair_named_as_one_unit_takes_a_row_naming_one_of_its_parts(tmp_path: Path) -> None:
    g = build(tmp_path, [
        "Japan\tRuritania University, College/Graduate School of Engineering",
        "Japan\tRuritania University, College/Graduate School of Engineering",
        "Japan\tRuritania University, Graduate School of Engineering",
        "Japan\tRuritania University, Faculty of Law",
    ])
    assert units_of(g, named(g, "Ruritania University")) == {
        "College/Graduate School of Engineering", "Faculty of Law"}


def test_aliases_are_only_the_eponym_dropped_and_the_parts_of_a_pair() -> None:
    assert unit_aliases("V.S. Petrov Institute of Geology and Rocks") == {
        "institute geology rock"}
    assert unit_aliases("Graduate School / Faculty of Science") == {
        "graduate school science", "faculty science"}
    assert unit_aliases("Petrov Institute of Geology") == set()  # no initials: maybe a place
    assert unit_aliases("School of Engineering") == set()


def test_two_units_one_alias_stay_apart(tmp_path: Path) -> None:
    """ "Graduate School of Engineering" could be a part of either pair: left as written."""
    g = build(tmp_path, [
        "Japan\tRuritania University, College/Graduate School of Engineering",
        "Japan\tRuritania University, Graduate School / School of Engineering",
        "Japan\tRuritania University, Graduate School of Engineering",
    ])
    assert units_of(g, named(g, "Ruritania University")) == {
        "College/Graduate School of Engineering", "Graduate School / School of Engineering",
        "Graduate School of Engineering"}


SOCIETY = [
    v2_record(801, "Brandt Society", "DE", relationships=[
        ("child", 802, "Brandt Institute for Algorithms and Computing"),
        ("child", 803, "Brandt Institute for Mechanics of Fluids"),
        ("child", 804, "Department of Earth Sciences")]),
    v2_record(802, "Brandt Institute for Algorithms and Computing", "DE", acronyms=["BIAC"],
              relationships=[("parent", 801, "Brandt Society")]),
    v2_record(803, "Brandt Institute for Mechanics of Fluids", "DE", acronyms=["IMF"],
              aliases=["Brandt IMF"], relationships=[("parent", 801, "Brandt Society")]),
    v2_record(804, "Department of Earth Sciences", "DE",
              relationships=[("parent", 801, "Brandt Society")]),
]


def test_a_unit_ror_has_beside_the_institution_is_a_partner_of_its_own(tmp_path: Path) -> None:
    g = build(tmp_path, [
        "Germany\tBrandt Institute for Algorithms and Computing BIAC, Institute for Mechanics "
        "of Fluids IMF, Department of Turbulence",
    ], SOCIETY)
    algorithms = named(g, "Brandt Institute for Algorithms and Computing BIAC")
    fluids = named(g, "Institute for Mechanics of Fluids IMF")
    assert (fluids, URIRef(XKG + "rorId"), Literal(ror_id(803).rsplit("/", 1)[1])) in g
    assert units_of(g, algorithms) == set()
    assert units_of(g, fluids) == {"Department of Turbulence"}
    assert (fluids, URIRef(ORG + "subOrganizationOf"), algorithms) not in g
    assert partners(g) == {frozenset({"Brandt Institute for Algorithms and Computing BIAC",
                                      "Institute for Mechanics of Fluids IMF"})}


def test_a_unit_ror_does_not_have_beside_the_institution_stays_its_unit(tmp_path: Path) -> None:
    """Not beside it in ROR, or only by a generic name its parent record also has."""
    g = build(tmp_path, [
        "Germany\tBrandt Institute for Algorithms and Computing BIAC, Institute for Mechanics "
        "of Solids",
        "Germany\tBrandt Institute for Algorithms and Computing BIAC, Department of Earth "
        "Sciences",
    ], SOCIETY)
    algorithms = named(g, "Brandt Institute for Algorithms and Computing BIAC")
    assert units_of(g, algorithms) == {"Institute for Mechanics of Solids",
                                       "Department of Earth Sciences"}
