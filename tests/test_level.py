"""Level cells: a row's own agreement level, from reviewed words in several languages."""

from __future__ import annotations

import pytest

from exchange_kg.normalise.level import parse_level


@pytest.mark.parametrize(("cell", "level"), [
    ("University", "university"), ("university-level", "university"),
    ("Department", "department"), ("Faculty level", "department"),
    ("Fakultät", "department"), ("Wydziałowa", "department"), ("部局間", "department"),
    ("大学間", "university"), ("", None),
])
def test_level_words(cell: str, level: str | None) -> None:
    value, flags = parse_level(cell)
    assert (value, flags) == (level, [])


def test_an_unknown_level_is_flagged_and_withheld() -> None:
    value, flags = parse_level("Consortium")
    assert value is None
    assert [(f.code, f.withheld) for f in flags] == [("unknown-level", True)]


@pytest.mark.parametrize("cell", [
    "Bachelor", "Master's", "PhD", "UG/PG", "HDR", "Bachelor, Master", "ISCED 7",
    "ISCED 6, ISCED 7", "EQF level 7", "Laurea triennale, Laurea magistrale", "II ciclo",
    "Graduação, Pós-graduação", "Doutorado", "Bakalářský, Magisterský", "Mesterképzés",
    "Yüksek lisans", "Grundnivå, Avancerad nivå", "Kandidaatti, Maisteri", "Μεταπτυχιακό",
    "Licență, Masterat", "Bakalauras, Magistrantūra",
])
def test_a_level_of_study_is_recognised_and_not_published_as_the_agreement_level(
        cell: str) -> None:
    value, flags = parse_level(cell)
    assert value is None
    assert [(f.code, f.withheld) for f in flags] == [("study-level", False)]


@pytest.mark.parametrize("cell", ["Department, Master", "ISCED 0413", "Master of Disaster"])
def test_a_cell_only_partly_a_study_level_stays_unknown(cell: str) -> None:
    value, flags = parse_level(cell)
    assert value is None and [f.code for f in flags] == ["unknown-level"]


@pytest.mark.parametrize("cell", ["Triennale e Magistrale", "Graduação e Pós-Graduação",
                                  "Bachelor en Master", "Bachelor and Master", "Bc./Mgr.",
                                  "Ph.D."])
def test_study_levels_joined_by_a_word_or_abbreviated(cell: str) -> None:
    assert [f.code for f in parse_level(cell)[1]] == ["study-level"]


@pytest.mark.parametrize("cell", ["and", "e", "Bachelor and Department"])
def test_a_joining_word_is_no_level(cell: str) -> None:
    value, flags = parse_level(cell)
    assert value is None and [f.code for f in flags] == ["unknown-level"]


@pytest.mark.parametrize("cell", ["I stopień", "I i II stopień", "2° ciclo", "1° e 2° ciclo",
                                  "Postgraduate Research"])
def test_numbered_cycles(cell: str) -> None:
    assert [f.code for f in parse_level(cell)[1]] == ["study-level"]
