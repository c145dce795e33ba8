"""Two names across a slash that translate alike are one institution in two languages unless
evidence says two: two different acronyms, ROR records of each, or the list's own rows naming
each half alone."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from exchange_kg import pipeline
from exchange_kg.agreements import Agreement, Party
from exchange_kg.normalise.partner import parse_partner
from exchange_kg.records import RawRecord
from exchange_kg.resolve.slashed import split_slashed_parties
from tiny_project import PARTNER_TABLE, write_project

XKG = "https://w3id.org/exchange-kg/ontology#"


def _agreement(cell: str, line: int) -> Agreement:
    value, _ = parse_partner(cell)
    parties = tuple(Party(name=p.institution, units=p.units, acronym=p.acronym,
                          alt_names=p.alt_names, country="BE") for p in value.parties)
    rec = RawRecord(source_id="s", lines=(line,), raw=cell, fields={"partner": cell})
    return Agreement(list_id="l", level=None, publisher_key="h", home_unit=None,
                     parties=parties, records=[rec])


def _read(cells: list[str], ror: dict[str, frozenset[int]] | None = None
          ) -> list[list[tuple[str, tuple[str, ...]]]]:
    agreements = [_agreement(c, i) for i, c in enumerate(cells, 2)]
    records = (lambda name, country: (ror or {}).get(name, frozenset())) if ror else None
    split_slashed_parties(agreements, records)
    return [[(p.name, p.alt_names) for p in a.parties] for a in agreements]


def test_two_different_acronyms_across_a_slash_are_two_parties() -> None:
    parties = parse_partner("Université libre de Korlu (ULK) / Vrije Universiteit Korlu "
                            "(VUK)")[0].parties
    assert [(p.institution, p.acronym) for p in parties] == [
        ("Université libre de Korlu", "ULK"), ("Vrije Universiteit Korlu", "VUK")]
    one = parse_partner("Technische Universität Korlu (TUK) / Technical University of Korlu "
                        "(TUK)")[0].parties
    assert len(one) == 1


def test_ror_records_of_each_half_make_two_parties() -> None:
    cell = "Université libre de Korlu / Vrije Universiteit Korlu"
    assert _read([cell], {"Université libre de Korlu": frozenset({1}),
                          "Vrije Universiteit Korlu": frozenset({2})}) == [[
        ("Université libre de Korlu", ()), ("Vrije Universiteit Korlu", ())]]
    # one record holds both names: one university in two languages
    assert _read([cell], {"Université libre de Korlu": frozenset({1}),
                          "Vrije Universiteit Korlu": frozenset({1})}) == [[
        ("Université libre de Korlu", ("Vrije Universiteit Korlu",))]]


def test_without_evidence_the_slash_names_one_institution() -> None:
    assert _read(["Université de Korlu / Universiteit Korlu"]) == [[
        ("Université de Korlu", ("Universiteit Korlu",))]]
    # one half named alone elsewhere is no evidence of two
    assert _read(["Université de Korlu / Universiteit Korlu", "Université de Korlu"])[0] == [
        ("Université de Korlu", ("Universiteit Korlu",))]


def test_the_list_naming_each_half_alone_keeps_the_three_rows_apart(tmp_path: Path) -> None:
    write_project(tmp_path, "Belgium\tKatholieke Universiteit Korlu / Université catholique "
                  "de Korlu\nBelgium\tKatholieke Universiteit Korlu\nBelgium\tUniversité "
                  "catholique de Korlu\n", PARTNER_TABLE)
    result = pipeline.build(tmp_path / "sources", tmp_path / "mappings")
    g = Graph().parse(data="\n".join(result.graph.lines()), format="nt")
    has = URIRef(XKG + "partnerInstitution")
    agreements = {frozenset(str(g.value(p, SKOS.prefLabel)) for p in g.objects(a, has))
                  for a in set(g.subjects(has, None))}
    assert agreements == {
        frozenset({"Katholieke Universiteit Korlu", "Université catholique de Korlu"}),
        frozenset({"Katholieke Universiteit Korlu"}),
        frozenset({"Université catholique de Korlu"})}
    institutions = set(g.subjects(SKOS.prefLabel, None)) & set(g.objects(None, has))
    assert len(institutions) == 2


def test_a_second_half_read_as_a_unit_is_a_party_when_ror_holds_it_apart() -> None:
    cell = "Università di Korlu / Scuola Normale di Korlu"
    assert _read([cell], {"Università di Korlu": frozenset({1}),
                          "Scuola Normale di Korlu": frozenset({2})}) == [[
        ("Università di Korlu", ()), ("Scuola Normale di Korlu", ())]]
    # without a record of its own the second half stays the unit the parser read
    agreements = [_agreement(cell, 2)]
    split_slashed_parties(agreements, lambda name, country: frozenset({1}) if "Univ" in name
                          else frozenset())
    assert [(p.name, p.units) for p in agreements[0].parties] == [
        ("Università di Korlu", ("Scuola Normale di Korlu",))]
