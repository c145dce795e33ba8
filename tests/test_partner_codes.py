"""An Erasmus code written in the partner cell ('D  KORLU01 – Universität Korlu') is the
partner's code, not a part of its name; its issuing country is evidence for the row."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from exchange_kg import pipeline
from exchange_kg.normalise.partner import parse_partner
from tiny_project import PARTNER_TABLE, write_project

XKG = "https://w3id.org/exchange-kg/ontology#"
SCHEMA = "https://schema.org/"


def _read(cell: str) -> tuple[list[str], str | None]:
    value, _ = parse_partner(cell)
    return [p.institution for p in value.parties], value.erasmus_code


def test_a_code_before_or_after_the_name_is_the_partners_code() -> None:
    assert _read("D  KORLU01 – Universität Korlu") == (["Universität Korlu"], "D  KORLU01")
    assert _read("F KORLU004 Université de Korlu") == (["Université de Korlu"], "F  KORLU004")
    assert _read("SF KORLU01, Korlun yliopisto") == (["Korlun yliopisto"], "SF KORLU01")
    assert _read("Universität Korlu (A  KORLU01)") == (["Universität Korlu"], "A  KORLU01")


def test_capitals_and_digits_of_no_known_country_stay_in_the_name() -> None:
    assert _read("QQ KORLU01 University")[1] is None
    assert _read("Universität Korlu")[1] is None
    assert _read("D  KORLU01")[1] is None  # a code alone names no institution here


def test_the_build_publishes_the_code_and_takes_its_country(tmp_path: Path) -> None:
    write_project(tmp_path, "\tD  KORLU01 – Universität Korlu\n", PARTNER_TABLE)
    result = pipeline.build(tmp_path / "sources", tmp_path / "mappings")
    g = Graph().parse(data="\n".join(result.graph.lines()), format="nt")
    institutions = set(g.subjects(URIRef(XKG + "erasmusCode"), Literal("D  KORLU01")))
    assert len(institutions) == 1
    inst = next(iter(institutions))
    assert str(g.value(inst, SKOS.prefLabel)) == "Universität Korlu"
    address = g.value(inst, URIRef(SCHEMA + "address"))
    assert str(g.value(address, URIRef(SCHEMA + "addressCountry"))) == "DE"
