"""A campus abroad written as its home university and a country ('Texas A&M University, Qatar')
keeps that name when other rows or ROR put the bare name in another country; otherwise the
country word is the party's place ('Kyoto University, Japan')."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from exchange_kg import pipeline
from exchange_kg.agreements import Agreement, Party
from exchange_kg.normalise.partner import parse_partner
from exchange_kg.resolve.campus import name_campuses
from tiny_project import PARTNER_TABLE, write_project

XKG = "https://w3id.org/exchange-kg/ontology#"


def _party(cell: str, country: str) -> Party:
    value, _ = parse_partner(cell)
    p = value.parties[0]
    return Party(name=p.institution, campus=p.campus, country=country,
                 with_country=p.with_country)


def _names(rows: list[tuple[str, str]], ror: dict[str, set[str]] | None = None
           ) -> list[tuple[str, str | None]]:
    agreements = [Agreement(list_id="l", level=None, publisher_key="h", home_unit=None,
                            parties=(_party(cell, country),)) for cell, country in rows]
    name_campuses(agreements, (lambda name: (ror or {}).get(name, set())) if ror else None)
    return [(a.parties[0].name, a.parties[0].country) for a in agreements]


def test_the_parser_keeps_the_written_name_beside_the_place() -> None:
    for cell, written in [("Korlu University, Qatar", "Korlu University, Qatar"),
                          ("Korlu University - Qatar", "Korlu University - Qatar"),
                          ("Korlu University (Malaysia)", "Korlu University (Malaysia)"),
                          ("Korlu University – Malaysia Campus",
                           "Korlu University – Malaysia Campus")]:
        p = parse_partner(cell)[0].parties[0]
        assert (p.institution, p.with_country) == ("Korlu University", written)
    p = parse_partner("Korlu University, Santiago, Chile")[0].parties[0]
    assert p.with_country is None  # a city: the place, no campus by country


def test_a_name_other_rows_place_in_another_country_keeps_its_country_word() -> None:
    assert _names([("Korlu University, Qatar", "QA"), ("Korlu University", "US")]) == [
        ("Korlu University, Qatar", "QA"), ("Korlu University", "US")]
    assert _names([("Korlu University – Malaysia Campus", "MY"),
                   ("Korlu University", "AU")])[0] == ("Korlu University – Malaysia Campus",
                                                      "MY")


def test_without_evidence_the_country_word_is_the_place() -> None:
    assert _names([("Korlu University, Japan", "JP")]) == [("Korlu University", "JP")]
    # another list names it in its own country too: no campus abroad
    assert _names([("Korlu University, Japan", "JP"), ("Korlu University", "JP"),
                   ("Korlu University", "US")])[0] == ("Korlu University", "JP")


def test_ror_records_in_other_countries_only_are_evidence() -> None:
    assert _names([("Korlu University, Malaysia", "MY")], {"Korlu University": {"AU"}}) == [
        ("Korlu University, Malaysia", "MY")]
    assert _names([("Korlu University, Malaysia", "MY")],
                  {"Korlu University": {"AU", "MY"}}) == [("Korlu University", "MY")]


def test_the_build_publishes_the_campus_under_its_written_name(tmp_path: Path) -> None:
    write_project(tmp_path, "Qatar\tKorlu University, Qatar\nUSA\tKorlu University\n",
                  PARTNER_TABLE)
    result = pipeline.build(tmp_path / "sources", tmp_path / "mappings")
    g = Graph().parse(data="\n".join(result.graph.lines()), format="nt")
    has = URIRef(XKG + "partnerInstitution")
    labels = {str(g.value(p, SKOS.prefLabel)) for p in g.objects(None, has)}
    assert labels == {"Korlu University, Qatar", "Korlu University"}
