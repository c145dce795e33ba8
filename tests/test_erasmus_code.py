"""Erasmus institution codes: read into the programme's normal form, published on the
institution, and used as identity evidence (one code, one institution; two codes, two)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from exchange_kg import pipeline
from exchange_kg.normalise.erasmus import city_fits, parse_erasmus_code
from exchange_kg.propose import propose
from tiny_project import write_project

XKG = Namespace("https://w3id.org/exchange-kg/ontology#")
SCHEMA = Namespace("https://schema.org/")


@pytest.mark.parametrize(("cell", "code", "country"), [
    ("F PARIS468", "F  PARIS468", "FR"),          # one-letter country: padded to three
    ("pl krakow01", "PL KRAKOW01", "PL"),         # lower case
    ("D   KASSEL01", "D  KASSEL01", "DE"),        # spaces collapsed or doubled
    ("SF HELSINK01.", "SF HELSINK01", "FI"),      # a stray full stop
    ("IRLDUBLIN01", "IRLDUBLIN01", "IE"),         # three letters fill their three characters
    ("LUX LUX-VIL01", "LUXLUX-VIL01", "LU"),      # a hyphen in the city component
    ("UK LONDON001", "UK LONDON001", "GB"),       # three-digit number; not ISO's letters
    ("XY NOWHERE01", "XY NOWHERE01", None),       # well formed, prefix unknown: no country
])
def test_a_code_is_read_into_its_normal_form(cell: str, code: str, country: str | None
                                             ) -> None:
    value, flags = parse_erasmus_code(cell)
    assert value is not None and (value.code, value.country) == (code, country)
    assert flags == []


@pytest.mark.parametrize("cell", [
    "DKASSEL01",        # no space: Denmark's "DK" or Germany's "D"? not guessed
    "F PARIS",          # no number
    "F PARIS1",         # one digit
    "University of Paris",
    "12345",
])
def test_what_is_not_a_code_is_refused_and_withheld(cell: str) -> None:
    value, flags = parse_erasmus_code(cell)
    assert value is None
    assert [(f.code, f.withheld) for f in flags] == [("unreadable", True)]


@pytest.mark.parametrize("cell", ["", "  ", "-", "—", "n/a"])
def test_an_empty_code_cell_says_nothing(cell: str) -> None:
    assert parse_erasmus_code(cell) == (None, [])


@pytest.mark.parametrize(("code", "city", "fits"), [
    ("PL WARSZAW01", "Warszawa", True),
    ("PL WARSZAW01", "Warsaw", True),       # the list's own language
    ("D  MUNCHEN01", "München", True),
    ("PL KRAKOW01", "Warszawa", False),     # a code slipped from another row
    ("F  PARIS468", "", True),              # no city: nothing to contradict
])
def test_a_code_names_its_city(code: str, city: str, fits: bool) -> None:
    assert city_fits(code, city) is fits


MAPPING = """source: tiny-list
list: tiny-list
sections:
  - name: partners
    reader:
      name: simple-table
      options:
        columns: [country, city, partner, erasmus_code]
        header: [Country, City, Partner, Erasmus code]
    fields:
      country: country
      city: text
      partner: {normalise: partner, notation: auto}
      erasmus_code: erasmus-code
    constants: {}
"""

ROWS = [
    # one institution, in its own language and in English, tied by its code only
    ("Poland", "Kraków", "Uniwersytet Jagielloński", "PL KRAKOW01"),
    ("Poland", "Krakow", "Jagiellonian University", "PL  KRAKOW01"),
    ("Poland", "Kraków", "Collegium Maius Cracoviensis", "PL KRAKOW01"),  # no word shared
    # two institutions of one name, told apart by their codes
    ("Germany", "Kassel", "Hochschule für Technik", "D  KASSEL01"),
    ("Germany", "Kassel", "Hochschule für Technik", "D  KASSEL02"),
    # a code issued in another country than the row's, and one naming another city
    ("Spain", "Madrid", "Universidad Complutense de Madrid", "PL WARSZAW01"),
    ("Poland", "Wrocław", "Uniwersytet Wrocławski", "PL KRAKOW01"),
    # a row without a country: the code says where it was issued
    ("", "Brno", "Masarykova univerzita", "CZ BRNO05"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, pipeline.BuildResult]:
    document = "Country\tCity\tPartner\tErasmus code\n" + "".join(
        "\t".join(row) + "\n" for row in ROWS)
    root = write_project(tmp_path_factory.mktemp("erasmus"), document, MAPPING)
    result = pipeline.build(root / "sources", root / "mappings")
    graph = Graph().parse(data="\n".join(result.graph.lines()), format="nt")
    return graph, result


def _institutions(graph: Graph, label: str) -> list[URIRef]:
    return sorted({s for s in graph.subjects(RDF.type, XKG.Institution)
                   if any(label == str(x) for p in (SKOS.prefLabel, SKOS.altLabel)
                          for x in graph.objects(s, p))})


def _code(graph: Graph, inst: URIRef) -> list[str]:
    return [str(x) for x in graph.objects(inst, XKG.erasmusCode)]


def test_two_names_with_one_code_are_one_institution(built: tuple[Graph, object]) -> None:
    graph, _ = built
    native = _institutions(graph, "Uniwersytet Jagielloński")
    assert native == _institutions(graph, "Jagiellonian University") and len(native) == 1
    assert _institutions(graph, "Collegium Maius Cracoviensis") == native
    assert _code(graph, native[0]) == ["PL KRAKOW01"]


def test_one_name_with_two_codes_is_two_institutions(built: tuple[Graph, object]) -> None:
    graph, _ = built
    namesakes = _institutions(graph, "Hochschule für Technik")
    assert len(namesakes) == 2
    assert sorted(c for i in namesakes for c in _code(graph, i)) == ["D  KASSEL01",
                                                                     "D  KASSEL02"]


@pytest.mark.parametrize(("partner", "why"), [
    ("Universidad Complutense de Madrid", "issued in PL"),
    ("Uniwersytet Wrocławski", "names another city"),
])
def test_a_code_that_does_not_fit_its_row_is_flagged_not_published(
        built: tuple[Graph, pipeline.BuildResult], partner: str, why: str) -> None:
    graph, result = built
    (inst,) = _institutions(graph, partner)
    assert _code(graph, inst) == []
    flags = [f for src in result.sources for rec in src.result.records
             if rec.fields.get("partner") == partner for f in rec.flags
             if f.field == "erasmus_code"]
    assert [(f.code, f.withheld) for f in flags] == [("cell-misfit", True)]
    assert why in flags[0].message


def test_a_row_without_a_country_takes_the_one_that_issued_its_code(
        built: tuple[Graph, object]) -> None:
    graph, _ = built
    (inst,) = _institutions(graph, "Masarykova univerzita")
    address = graph.value(inst, SCHEMA.address)
    assert graph.value(address, SCHEMA.addressCountry) == Literal("CZ")


def test_the_graph_with_codes_conforms(built: tuple[Graph, object]) -> None:
    from conftest import ROOT
    from exchange_kg import validate

    graph, _ = built
    report = validate.validate(validate.store_of(graph), validate.load_shapes(ROOT / "shapes"))
    assert report.conforms, report


def test_new_mapping_names_the_code_column_by_its_header_or_its_cells(tmp_path: Path) -> None:
    rows = "".join("\t".join(r) + "\n" for r in ROWS[:4])
    named = tmp_path / "named.tsv"
    named.write_text("Land\tOrt\tPartnerhochschule\tErasmus-Code\n" + rows, encoding="utf-8")
    unnamed = tmp_path / "unnamed.tsv"
    unnamed.write_text("Land\tOrt\tPartnerhochschule\tKolumna1\n" + rows, encoding="utf-8")
    for document in (named, unnamed):
        section = propose(document, "codes").mapping["sections"][0]
        assert section["reader"]["options"]["columns"][3] == "erasmus_code"
        assert section["fields"]["erasmus_code"] == "erasmus-code"
