"""Two institutions joined by "and" in one cell are two partners when the other rows (or ROR)
know the first as an institution on its own; otherwise the name stays whole."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from exchange_kg import pipeline
from tiny_project import PARTNER_TABLE, write_project

XKG = "https://w3id.org/exchange-kg/ontology#"

def partner_sets(root: Path, rows: list[str]) -> set[frozenset[str]]:
    write_project(root, "".join(f"{r}\n" for r in rows), PARTNER_TABLE)
    result = pipeline.build(root / "sources", root / "mappings")
    g = Graph().parse(data="\n".join(result.graph.lines()), format="nt")
    has = URIRef(XKG + "partnerInstitution")
    return {frozenset(str(g.value(p, SKOS.prefLabel)) for p in g.objects(a, has))
            for a in set(g.subjects(has, None))}


def test_two_institutions_joined_by_and_are_two_partners(tmp_path: Path) -> None:
    found = partner_sets(tmp_path, [
        "China\tKorlu Medical University and Vexa International Heart Hospital",
        "China\tKorlu Medical University, Dental College",
    ])
    assert frozenset({"Korlu Medical University", "Vexa International Heart Hospital"}) in found
    assert frozenset({"Korlu Medical University"}) in found


def test_a_name_that_joins_a_generic_body_stays_whole(tmp_path: Path) -> None:
    found = partner_sets(tmp_path, [
        "Netherlands\tKorlu University and Research Centre",
        "Netherlands\tKorlu University",
    ])
    assert frozenset({"Korlu University and Research Centre"}) in found


def test_without_the_first_named_on_its_own_the_name_stays_whole(tmp_path: Path) -> None:
    found = partner_sets(tmp_path, [
        "China\tKorlu Medical University and Vexa International Heart Hospital",
    ])
    assert found == {frozenset({"Korlu Medical University and Vexa International Heart "
                                "Hospital"})}
