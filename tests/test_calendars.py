"""Dates of calendars that are not converted (Ethiopian, Bikram Sambat): reported, never
published as the Gregorian day with the same digits."""

from __future__ import annotations

import pytest

from exchange_kg.normalise.dates import DateValue, parse_date
from exchange_kg.normalise.term import parse_terms
from exchange_kg.normalise.vocabulary import BUILTIN, using


@pytest.mark.parametrize(("language", "cell"), [
    ("am", "22/01/2014"),          # an Amharic list: Ethiopian, 2 October 2021
    ("am", "2019"),
    ("ne", "2078/05/15"),          # a Nepali list: Bikram Sambat
    ("ne", "till Chaitra 2085"),
    (None, "22/01/2014 ዓ.ም"),       # marked Ethiopian, whatever the language
    (None, "२०७८/०५/१५"),          # Devanagari digits and a year from 2060: Bikram Sambat
    (None, "२०७८/०५/१५ वि.सं."),
])
def test_dates_of_other_calendars_are_not_published(language: str | None, cell: str) -> None:
    with using(BUILTIN.with_language(language)):
        value, flags = parse_date(cell)
        assert value is None and flags and flags[0].withheld
        for role in ("term", "end"):
            terms, _ = parse_terms(cell, role=role)
            assert all(t.start is None and t.end is None and t.unplaced is None
                       for t in terms), role


@pytest.mark.parametrize(("language", "cell", "expected"), [
    ("am", "2021-10-02 እ.ኤ.አ", DateValue(2021, 10, 2)),  # marked Gregorian
    ("en", "22/01/2014", DateValue(2014, 1, 22)),
    (None, "२०२१/१०/०२", DateValue(2021, 10, 2)),  # Devanagari digits, a Gregorian year
])
def test_gregorian_dates_stay_read(language: str | None, cell: str, expected: DateValue
                                   ) -> None:
    with using(BUILTIN.with_language(language)):
        assert parse_date(cell)[0] == expected


def test_a_duration_needs_no_calendar() -> None:
    with using(BUILTIN.with_language("am")):
        terms, _ = parse_terms("5 years")
        assert [t.duration_years for t in terms] == [5]
