"""A cell of several details (a description list's <dd>s, a card's 'Erasmus+ · 2 places'),
read part by part into the fields each part reads as, and nothing guessed."""

from __future__ import annotations

import pytest

from exchange_kg.readers import table_columns
from exchange_kg.readers.details import read_details
from exchange_kg.readers.simple_table import read
from exchange_kg.records import LineStatus


@pytest.mark.parametrize(("text", "fields", "unread"), [
    ("Cergy, Frankreich\u2028Erasmus+ · 3 Plätze · Vertrag bis 31.05.2028",
     {"city": "Cergy", "country": "Frankreich", "kind": "Erasmus+", "quota": "3 Plätze",
      "term": "Vertrag bis 31.05.2028"}, []),
    ("Erasmus+, 2 places, until 2027",
     {"kind": "Erasmus+", "quota": "2 places", "term": "until 2027"}, []),
    # a date written with a comma is one term, not a term and a year
    ("until May 31, 2027", {"term": "until May 31, 2027"}, []),
    # a city-state: the city and the country are named alike
    ("Singapur, Singapur", {"city": "Singapur", "country": "Singapur"}, []),
    # what reads as no field is reported, never taken for a city or a type
    ("Plätze nach Absprache", {}, ["Plätze nach Absprache"]),
    ("Fudan University, School of Management", {},
     ["Fudan University", "School of Management"]),
    # a partner's name beside its country is no city
    ("Universiteit Gent, Belgium", {"country": "Belgium"}, ["Universiteit Gent"]),
])
def test_each_part_goes_to_the_field_it_reads_as(text: str, fields: dict[str, str],
                                                 unread: list[str]) -> None:
    assert read_details(text) == (fields, unread)


def test_a_details_column_gives_fields_and_a_column_of_its_own_wins() -> None:
    lines = ["ESSEC Business School\tCergy, Frankreich\u2028Erasmus+ · 3 Plätze · unbefristet\t",
             "HEC Paris\tJouy-en-Josas, Frankreich\u2028Sommerkurs · 2 Plätze\t4"]
    options = {"columns": ["partner", "details", "quota"]}
    result = read(lines, "dl", options)
    first, second = result.records
    assert first.fields == {"partner": "ESSEC Business School", "city": "Cergy",
                            "country": "Frankreich", "kind": "Erasmus+", "quota": "3 Plätze",
                            "term": "unbefristet"}
    assert second.fields["quota"] == "4"  # the places column, not the details' '2 Plätze'
    assert [(f.code, f.value) for f in second.flags] == [("details-unread", "Sommerkurs")]
    assert all(d.status is LineStatus.RECORD for d in result.dispositions.values())
    assert table_columns(options) == {"partner", "quota", "country", "city", "kind", "term"}
