"""Never invent a fact: a field the source does not state is absent from the graph.

For every field a mapping can publish, a row whose cell is empty or holds text no vocabulary
understands must give no triple for it, and a value the row does state must not drag in
values it does not (a year alone is not an indefinite term; a list that never marks a waiver
says nothing about waivers).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from exchange_kg.normalise import registry
from exchange_kg.normalise.term import parse_terms
from tiny_project import build_graph, write_project

XKG = Namespace("https://w3id.org/exchange-kg/ontology#")
SCHEMA = Namespace("https://schema.org/")

MAPPING = """source: tiny-list
list: tiny-list
sections:
  - name: partners
    reader:
      name: simple-table
      options:
        columns: [country, city, partner, kind, start, term, quota, waiver, website]
        header: [Country, City, Partner, Kind, Start, Term, Quota, Waiver, Website]
        min_cells: 3
    fields:
      country: country
      city: text
      partner: {normalise: partner, notation: auto}
      kind: kinds
      start: date
      term: term
      quota: quota
      waiver: mark
      website: url
    constants: {}
"""
HEADER = "Country\tCity\tPartner\tKind\tStart\tTerm\tQuota\tWaiver\tWebsite\n"

# what an agreement and its partner institution may say, and the field each comes from
AGREEMENT_FIELDS = {
    "kind": (XKG.kind, XKG.status),
    "start": (XKG.startDate, XKG.startYear),
    "term": (XKG.endDate, XKG.openEnded, XKG.duration, XKG.autoRenewal),
    "quota": (XKG.quota, XKG.studentExchangeQuota),
    "waiver": (XKG.tuitionWaiver,),
    "constants": (XKG.level,),
}
PARTNER_FIELDS = {
    "country": (SCHEMA.addressCountry,),
    "city": (SCHEMA.addressLocality,),
    "website": (SCHEMA.url,),
}


def _agreement(graph: Graph, partner: str) -> URIRef:
    for a in graph.subjects(RDF.type, XKG.Agreement):
        if any(partner in str(label) for label in graph.objects(a, RDFS.label)):
            return a
    raise AssertionError(f"no agreement with {partner!r}")


def _stated(graph: Graph, a: URIRef) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, predicates in AGREEMENT_FIELDS.items():
        found[name] = [str(p) for p in predicates if (a, p, None) in graph]
    partner = graph.value(a, XKG.partnerInstitution)
    for name, predicates in PARTNER_FIELDS.items():
        found[name] = [str(p) for p in predicates if (partner, p, None) in graph]
    return found


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    rows = [
        "\t\tEmpty Cells University",
        # a city cell is free text: whatever it says is what the list states, so it is empty
        "Atlantis\t\tUnknown Cells University\tsome deal\tsoon\tfor a while\tmany\t"
        "?\tnot a web address",
        "\t\tYear Only University\t\t\t2017",
        "\t\tKind Only University\t\t\tstudent exchange agreement",
        "\t\tMarked University\t\t\t\t\t*",
        "\t\tNegotiating University\t\t\tunder negotiation",
        "\t\tRunning Then Negotiating University\t\t\t2019-2024; under negotiation",
    ]
    root = write_project(tmp_path_factory.mktemp("tiny"), HEADER + "\n".join(rows) + "\n",
                         MAPPING)
    return build_graph(root)


@pytest.mark.parametrize("partner", ["Empty Cells University", "Unknown Cells University"])
@pytest.mark.parametrize("field", [*AGREEMENT_FIELDS, *PARTNER_FIELDS])
def test_an_empty_or_unknown_cell_gives_no_triple(graph: Graph, partner: str, field: str
                                                  ) -> None:
    a = _agreement(graph, partner)
    if field == "waiver" and partner == "Empty Cells University":
        # this list marks waivers ("*" on another row), so an unmarked row states "no"
        assert (a, XKG.tuitionWaiver, Literal(False)) in graph
        return
    assert _stated(graph, a)[field] == []


def test_a_year_alone_states_a_start_and_nothing_about_the_term(graph: Graph) -> None:
    a = _agreement(graph, "Year Only University")
    assert (a, XKG.startYear, Literal("2017", datatype=XSD.integer)) in graph
    assert _stated(graph, a)["term"] == []


def test_a_kind_in_the_term_cell_states_no_term(graph: Graph) -> None:
    a = _agreement(graph, "Kind Only University")
    assert _stated(graph, a)["term"] == []
    assert (a, XKG.kind, URIRef("https://w3id.org/exchange-kg/vocab/agreement-kind/"
                                "student-exchange")) in graph


STATUS = Namespace("https://w3id.org/exchange-kg/vocab/status/")


def test_a_status_in_the_term_cell_is_the_agreements_status(graph: Graph) -> None:
    """"Under negotiation" where the dates would stand: an agreement not yet concluded, not
    one in force with its term unstated."""
    a = _agreement(graph, "Negotiating University")
    assert list(graph.objects(a, XKG.status)) == [STATUS["in-process"]]
    assert _stated(graph, a)["term"] == []
    # a clause of its own qualifies the term before it, as a clause of kinds does
    b = _agreement(graph, "Running Then Negotiating University")
    assert list(graph.objects(b, XKG.status)) == [STATUS["in-process"]]
    assert (b, XKG.startYear, Literal("2019", datatype=XSD.integer)) in graph


def test_no_status_where_no_cell_states_one(graph: Graph) -> None:
    for partner in ("Year Only University", "Kind Only University", "Marked University"):
        assert list(graph.objects(_agreement(graph, partner), XKG.status)) == []


def test_the_mark_is_published_where_a_row_carries_it(graph: Graph) -> None:
    a = _agreement(graph, "Marked University")
    assert (a, XKG.tuitionWaiver, Literal(True)) in graph


def test_a_list_that_never_marks_says_nothing_about_waivers(tmp_path: Path) -> None:
    root = write_project(tmp_path, HEADER + "Chile\tSantiago\tUniversidad de Chile\n", MAPPING)
    graph = build_graph(root)
    assert list(graph.triples((None, XKG.tuitionWaiver, None))) == []


def test_a_column_of_words_says_nothing_of_its_blank_cells(tmp_path: Path) -> None:
    # "相互不徴収" (mutually not charged) is a word, no '*': the column does not use the bare
    # mark, so a blank cell in it is not "no waiver"
    rows = ("Japan\tKyoto\tKyoto University\t\t\t\t\t相互不徴収\t\n"
            "Japan\tTokyo\tTokyo University\t\t\t\t\t\t\n")
    graph = build_graph(write_project(tmp_path, HEADER + rows, MAPPING))
    assert list(graph.triples((None, XKG.tuitionWaiver, None))) == [
        (_agreement(graph, "Kyoto University"), XKG.tuitionWaiver, Literal(True))]


@pytest.mark.parametrize(
    ("cell", "open_ended"),
    [
        ("2017", None),                     # the year concluded, nothing about the term
        ("2017 automatic renewal", None),   # renewal says nothing about a fixed term
        ("2017-2022", False),               # a range states a fixed term
        ("2017 - 20X2", False),             # ... even when its end is garbled
        ("2017 for 5 years", False),        # so does a duration
        ("2017 indefinitely", True),
        ("2017 whatever this means", None),  # unknown text: flagged, never guessed
    ],
)
def test_open_ended_only_where_the_cell_says_so(cell: str, open_ended: bool | None) -> None:
    terms, _ = parse_terms(cell)
    assert [t.open_ended for t in terms] == [open_ended]
    assert all(t.auto_renewal in (True, None) for t in terms)


@pytest.mark.parametrize("normaliser", ["country", "text", "partner", "date", "term", "quota",
                                        "kinds", "mark", "url", "erasmus-code", "level"])
@pytest.mark.parametrize("cell", ["", "   "])
def test_every_normaliser_reads_an_empty_cell_as_nothing(normaliser: str, cell: str) -> None:
    value, _ = registry.normalise(normaliser, cell, "x", {})
    if normaliser == "kinds":
        assert not value.kinds and value.status is None
    elif normaliser == "partner":
        assert value.parties == () and value.consortium is None
    else:
        assert value in (None, ())


@pytest.mark.parametrize("cell", ["???", "-", "TBD", "N/A", "Fecha de inicio", "Places"])
def test_a_partner_cell_that_names_no_one_gives_no_agreement(tmp_path: Path, cell: str) -> None:
    # a placeholder is no institution: neither an agreement without a partner (the build
    # once stopped on one) nor an institution called "TBD"; nor is a column's name (a sheet
    # with a partner in each column, read across its grain)
    rows = ["Chile\t\tUniversidad de Chile\t\t2020", f"Peru\t\t{cell}\t\t2021"]
    graph = build_graph(write_project(tmp_path, HEADER + "\n".join(rows) + "\n", MAPPING))
    agreements = list(graph.subjects(RDF.type, XKG.Agreement))
    assert len(agreements) == 1
    assert not any(cell in str(o) for o in graph.objects(None, RDFS.label))


def test_a_date_alone_in_a_term_cell_is_the_end_only_after_the_rows_start(
        tmp_path: Path) -> None:
    # "Valid until" read as a term column: the date is no start; the start column's earlier
    # date says it is the end, and without one nothing is published of it
    rows = ("Germany\t\tStarted University\t\t01.02.2022\t31.05.2029\n"
            "Germany\t\tUnstarted University\t\t\t31.05.2029\n"
            "Germany\t\tLater Start University\t\t01.09.2029\t31.05.2029\n")
    graph = build_graph(write_project(tmp_path, HEADER + rows, MAPPING))
    started = _agreement(graph, "Started University")
    assert (started, XKG.endDate, Literal("2029-05-31", datatype=XSD.date)) in graph
    assert (started, XKG.openEnded, Literal(False)) in graph
    assert (started, XKG.startDate, Literal("2022-02-01", datatype=XSD.date)) in graph
    for partner in ("Unstarted University", "Later Start University"):
        a = _agreement(graph, partner)
        assert _stated(graph, a)["term"] == []
        assert (a, XKG.startDate, Literal("2029-05-31", datatype=XSD.date)) not in graph


def test_a_waiver_column_of_words_says_yes_and_no_and_nothing_of_its_blanks(
        tmp_path: Path) -> None:
    rows = ("Japan\t\tMutual University\t\t\t\t\t相互不徴収\n"
            "Japan\t\tCharging University\t\t\t\t\t徴収\n"
            "Japan\t\tBlank University\n")
    graph = build_graph(write_project(tmp_path, HEADER + rows, MAPPING))
    assert (_agreement(graph, "Mutual University"), XKG.tuitionWaiver, Literal(True)) in graph
    assert (_agreement(graph, "Charging University"), XKG.tuitionWaiver,
            Literal(False)) in graph
    assert _stated(graph, _agreement(graph, "Blank University"))["waiver"] == []


def test_erasmus_without_the_plus_is_erasmus_plus_only_from_2014(tmp_path: Path) -> None:
    rows = ("Germany\t\tDated University\tERASMUS\t01.02.2022\t2022-2029\n"
            "Germany\t\tOld University\tErasmus\t01.09.2010\t2010-2013\n"
            "Germany\t\tUndated University\tErasmus\n")
    graph = build_graph(write_project(tmp_path, HEADER + rows, MAPPING))
    plus = URIRef("https://w3id.org/exchange-kg/vocab/agreement-kind/erasmus-plus")
    assert (_agreement(graph, "Dated University"), XKG.kind, plus) in graph
    assert (_agreement(graph, "Old University"), XKG.kind, plus) not in graph
    assert (_agreement(graph, "Undated University"), XKG.kind, plus) not in graph
