"""A place written into a partner's name ("Universidad de Chile, Santiago, Chile", "Kyoto
University (Japan)", "University of Toronto – Canada"): its city is the partner's city, its
country the row's country when the row has no country cell, and never a city itself."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SKOS

from exchange_kg import pipeline
from exchange_kg.normalise.partner import parse_partner
from tiny_project import PARTNER_TABLE, write_project

SCHEMA = Namespace("https://schema.org/")
XKG = Namespace("https://w3id.org/exchange-kg/ontology#")


@pytest.mark.parametrize(("cell", "name", "place"), [
    ("Kyoto University (Japan)", "Kyoto University", "Japan"),
    ("Kyoto University (KU)", "Kyoto University", None),  # an acronym, not a place
    ("University of Toronto – Canada", "University of Toronto", "Canada"),
    ("Universidad de Chile, Santiago, Chile", "Universidad de Chile", "Santiago, Chile"),
])
def test_a_country_after_the_name_is_its_place(cell: str, name: str, place: str | None
                                               ) -> None:
    value, _ = parse_partner(cell)
    assert [(p.institution, p.place) for p in value.parties] == [(name, place)]


MAPPING = PARTNER_TABLE.replace("notation: comma", "notation: auto")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, pipeline.BuildResult]:
    rows = ["\tUniversidad de Chile, Santiago, Chile", "\tUniversity of Toronto – Canada",
            "Japan\tKyoto University (Japan)", "France\tUniversity of Ghent, Belgium"]
    root = write_project(tmp_path_factory.mktemp("places"), "\n".join(rows) + "\n", MAPPING)
    result = pipeline.build(root / "sources", root / "mappings")
    return Graph().parse(data="\n".join(result.graph.lines()), format="nt"), result


def _address(graph: Graph, label: str) -> tuple[set[str], set[str]]:
    (inst,) = {s for s in graph.subjects(SKOS.prefLabel, None)
               if str(graph.value(s, SKOS.prefLabel)) == label
               and (s, RDF.type, XKG.Institution) in graph}
    address = graph.value(inst, SCHEMA.address)
    return ({str(x) for x in graph.objects(address, SCHEMA.addressLocality)},
            {str(x) for x in graph.objects(address, SCHEMA.addressCountry)})


def test_the_place_gives_a_city_and_the_row_without_a_country_its_country(
        built: tuple[Graph, object]) -> None:
    graph, _ = built
    assert _address(graph, "Universidad de Chile") == ({"Santiago"}, {"CL"})
    # a country alone is no city
    assert _address(graph, "University of Toronto") == (set(), {"CA"})
    assert _address(graph, "Kyoto University") == (set(), {"JP"})


def test_a_name_stating_another_country_than_the_cell_is_flagged_and_the_cell_kept(
        built: tuple[Graph, pipeline.BuildResult]) -> None:
    graph, result = built
    assert _address(graph, "University of Ghent")[1] == {"FR"}
    flags = [f.code for src in result.sources for rec in src.result.records
             if "Ghent" in rec.fields["partner"] for f in rec.flags]
    assert "country-in-name-differs" in flags
    assert Literal("Belgium") not in set(graph.objects(None, SCHEMA.addressLocality))


CITY_MAPPING = """source: tiny-list
list: tiny-list
sections:
  - name: partners
    reader: {name: simple-table, options: {columns: [partner, city, country], min_cells: 2}}
    fields:
      partner: {normalise: partner, notation: auto}
      city: text
      country: country
    constants: {city_language: en}
"""


def test_a_city_cell_naming_its_country_gives_the_city_and_the_country(tmp_path) -> None:  # noqa: ANN001
    rows = ["University of Melbourne\tMelbourne, Australia\t",
            "National University of Singapore\tSingapore\t",  # a city-state: both
            "Universidad de los Andes\tBogotá, Colombia\tColombia",
            "University of Ghent\tGhent, Belgium\tFrance",  # the cell says otherwise: kept
            "Georgetown University\tWashington, DC\t",  # no country in it: none published
            # a territory of the row's country, with its own ISO 3166-1 code: the code to join on
            "Lingnan University\tHong Kong\tChina"]
    root = write_project(tmp_path, "\n".join(rows) + "\n", CITY_MAPPING)
    result = pipeline.build(root / "sources", root / "mappings")
    graph = Graph().parse(data="\n".join(result.graph.lines()), format="nt")
    assert _address(graph, "University of Melbourne") == ({"Melbourne"}, {"AU"})
    assert _address(graph, "National University of Singapore") == ({"Singapore"}, {"SG"})
    assert _address(graph, "Universidad de los Andes") == ({"Bogotá"}, {"CO"})
    assert _address(graph, "University of Ghent") == ({"Ghent"}, {"FR"})
    assert _address(graph, "Georgetown University") == ({"Washington, DC"}, set())
    flags = {f.code for src in result.sources for rec in src.result.records
             if "Ghent" in rec.fields["partner"] for f in rec.flags}
    assert "country-in-name-differs" in flags
    assert _address(graph, "Lingnan University") == ({"Hong Kong"}, {"HK"})
    flags = {f.code for src in result.sources for rec in src.result.records
             if "Lingnan" in rec.fields["partner"] for f in rec.flags}
    assert flags == {"country-refined"}
