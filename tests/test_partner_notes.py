"""What a partner cell writes after the name that is no part of it: a link's text or address is
dropped, a note on the agreement (a status, 'NEW', a restriction, places) is kept as the row's
remark; names that end in brackets of their own keep them."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from exchange_kg import pipeline
from exchange_kg.normalise.partner import parse_partner
from tiny_project import PARTNER_TABLE, write_project

XKG = "https://w3id.org/exchange-kg/ontology#"


def _read(cell: str) -> tuple[list[str], tuple[str, ...]]:
    value, _ = parse_partner(cell)
    return [p.institution for p in value.parties], value.notes


def test_link_text_and_addresses_are_no_part_of_the_name() -> None:
    for cell in ["Korlu University (website)", "Korlu University [Link]",
                 "Korlu University – website", "Korlu University (www.korlu.edu)",
                 "Korlu University https://www.korlu.edu", "Korlu University (korlu.edu)",
                 "Korlu University - Webseite"]:
        assert _read(cell) == (["Korlu University"], ()), cell


def test_notes_after_the_name_are_notes_not_names() -> None:
    for cell, note in [("Korlu University (suspended)", "suspended"),
                       ("Korlu University (NEW!)", "NEW!"),
                       ("Korlu University (Master only)", "Master only"),
                       ("Korlu University (under negotiation)", "under negotiation"),
                       ("Korlu University (2 x 5 months)", "2 x 5 months"),
                       ("Korlu University [terminated]", "terminated"),
                       ("Universidad de Korlu – suspendido", "suspendido"),
                       ("KU Korlu (under negotiation)", "under negotiation")]:
        names, notes = _read(cell)
        assert (names, notes) == ([cell.split(" (")[0].split(" [")[0].split(" –")[0]],
                                  (note,)), cell


def test_brackets_that_belong_to_the_name_stay() -> None:
    assert _read("Korlu University (KU)")[1] == ()
    assert _read("Korlu University (Kun Shan)")[1] == ()
    assert _read("Korlu University (Campus 2)")[1] == ()
    assert _read("Universidad de Korlu – Sede Norte")[1] == ()


def test_a_note_is_published_as_the_agreement_remark(tmp_path: Path) -> None:
    write_project(tmp_path, "Estonia\tUniversity of Korlu (Master only)\n"
                  "Estonia\tUniversity of Korlu\n", PARTNER_TABLE)
    result = pipeline.build(tmp_path / "sources", tmp_path / "mappings")
    g = Graph().parse(data="\n".join(result.graph.lines()), format="nt")
    has = URIRef(XKG + "partnerInstitution")
    institutions = set(g.objects(None, has))
    assert {str(g.value(i, SKOS.prefLabel)) for i in institutions} == {"University of Korlu"}
    assert len(institutions) == 1
    comments = {str(c) for a in g.subjects(has, None) for c in g.objects(a, URIRef(XKG + "remark"))}
    assert "Master only" in comments


def _published(tmp_path: Path, rows: str) -> list[str]:
    write_project(tmp_path, rows, """source: tiny-list
list: tiny-list
sections:
  - name: partners
    reader: {name: simple-table, options: {columns: [country, partner, end]}}
    fields:
      country: country
      partner: partner
      end: term
    constants: {}
""")
    result = pipeline.build(tmp_path / "sources", tmp_path / "mappings")
    g = Graph().parse(data="\n".join(result.graph.lines()), format="nt")
    has = URIRef(XKG + "partnerInstitution")
    return sorted(str(g.value(p, SKOS.prefLabel)) for p in g.objects(None, has))


def test_a_status_note_after_the_name_is_read_as_the_rows_status(tmp_path: Path) -> None:
    found = _published(tmp_path, "Estonia\tUniversity of Korlu (suspended)\t31/05/2029\n"
                       "Finland\tKorlu University (Master only)\t31/05/2029\n")
    assert found == ["Korlu University"]  # the suspended agreement is not published
