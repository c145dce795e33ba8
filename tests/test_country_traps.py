"""Country cells a repair or a split used to read wrong: an abbreviated word that tells two
countries apart ('N. Korea'), a name one letter from another country's ('Guyane'), a name
written in two scripts side by side, a flag emoji."""

from __future__ import annotations

import pytest

from exchange_kg.normalise.country import parse_country


@pytest.mark.parametrize(("cell", "code"), [
    ("N. Korea", "KP"), ("S. Korea", "KR"), ("S. Sudan", "SS"), ("Eq. Guinea", "GQ"),
    ("S. Africa", "ZA"), ("C. African Rep.", "CF"), ("N. Mariana Islands", "MP"),
    ("W. Sahara", "EH"), ("Papua N. Guinea", "PG"), ("N. Zealand", "NZ"), ("Guyane", "GF"),
])
def test_an_abbreviated_word_is_spelt_out_not_repaired_away(cell: str, code: str) -> None:
    match = parse_country(cell)
    assert match is not None and match.code == code


def test_an_abbreviation_that_spells_out_to_no_country_is_not_repaired() -> None:
    assert parse_country("Eq. Korea") is None  # a repair would drop 'Eq.' and read Korea


@pytest.mark.parametrize(("cell", "code"), [
    ("中國內地 Mainland China", "CN"), ("澳洲 Australia", "AU"), ("美國 USA", "US"),
    ("南韓 South Korea", "KR"), ("日本 Japan", "JP"),
])
def test_one_country_named_in_two_scripts_side_by_side(cell: str, code: str) -> None:
    match = parse_country(cell)
    assert match is not None and match.code == code


def test_two_countries_in_two_scripts_stay_unread() -> None:
    assert parse_country("日本 Australia") is None


@pytest.mark.parametrize(("cell", "code"), [("🇯🇵", "JP"), ("🇪🇸", "ES"), (" 🇳🇱 ", "NL")])
def test_a_flag_emoji_alone_is_its_country(cell: str, code: str) -> None:
    match = parse_country(cell)
    assert match is not None and match.code == code


def test_english_sa_and_sl_are_reported_not_read() -> None:
    from exchange_kg.normalise.registry import normalise
    from exchange_kg.normalise.vocabulary import BUILTIN, using

    with using(BUILTIN.with_language("en-NG")):
        for cell in ("SA", "SL"):
            code, flags = normalise("country", cell, "country", {})
            assert code is None and flags, cell
        assert normalise("country", "ZA", "country", {})[0] == "ZA"
