"""A unit written with its university in the genitive is split only on another list's evidence."""

from __future__ import annotations

from exchange_kg.agreements import Agreement, Party
from exchange_kg.resolve.parents import split_parents


def _agreement(name: str, country: str) -> Agreement:
    return Agreement(list_id="l", level=None, publisher_key="p", home_unit=None,
                     parties=(Party(name=name, country=country),))


def test_a_genitive_university_named_alone_elsewhere_takes_that_name() -> None:
    cell = _agreement("Wydział Prawa i Administracji Uniwersytetu Warszawskiego", "PL")
    alone = _agreement("Uniwersytet Warszawski", "PL")
    assert split_parents([cell, alone]) == 1
    (party,) = cell.parties
    assert (party.name, party.units) == ("Uniwersytet Warszawski",
                                          ("Wydział Prawa i Administracji",))


def test_without_evidence_or_in_another_country_the_name_stays_whole() -> None:
    cell = _agreement("Fakulta sociálních věd Univerzity Karlovy", "CZ")
    elsewhere = _agreement("Univerzita Karlova", "SK")
    assert split_parents([cell, elsewhere]) == 0
    assert cell.parties[0].name == "Fakulta sociálních věd Univerzity Karlovy"
