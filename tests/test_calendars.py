"""Dates of the Ethiopian and Bikram Sambat calendars: converted exactly where the cell or the
mapping states the calendar, else reported; never published as the Gregorian day with the
same digits."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from exchange_kg.mapping_spec import load_mapping
from exchange_kg.normalise import registry
from exchange_kg.normalise.calendars import bikram_sambat_to_gregorian, ethiopian_to_gregorian
from exchange_kg.normalise.dates import DateValue, parse_date
from exchange_kg.normalise.term import parse_terms
from exchange_kg.normalise.vocabulary import BUILTIN, using


@pytest.mark.parametrize(("language", "cell"), [
    ("am", "22/01/2014"),          # an Amharic list: Ethiopian, 2 October 2021
    ("am", "2019"),
    ("ne", "2078/05/15"),          # a Nepali list: Bikram Sambat
    ("ne", "till Chaitra 2085"),
    (None, "२०७८/०५/१५"),          # Devanagari digits and a year from 2060: Bikram Sambat
    (None, "2014 ዓ.ም"),            # marked, but a year alone is no one Gregorian year
    (None, "२०८५/०३/३१ वि.सं."),    # marked, but a year whose calendar is not settled yet
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


@pytest.mark.parametrize(("date", "expected"), [
    ((2014, 1, 22), datetime.date(2021, 10, 2)),
    ((2014, 1, 1), datetime.date(2021, 9, 11)),     # New Year (Enkutatash)
    ((2016, 1, 1), datetime.date(2023, 9, 12)),     # the year after a leap year: 12 September
    ((2015, 13, 6), datetime.date(2023, 9, 11)),    # Pagume 6 of a leap year
    ((2016, 5, 11), datetime.date(2024, 1, 20)),    # Tir 11 in a Gregorian leap year
    ((2016, 4, 29), datetime.date(2024, 1, 8)),     # Tahsas 29 after Pagume 6
    ((2017, 4, 29), datetime.date(2025, 1, 7)),
])
def test_ethiopian_days(date: tuple[int, int, int], expected: datetime.date) -> None:
    assert ethiopian_to_gregorian(*date) == expected


@pytest.mark.parametrize("date", [(2016, 13, 6), (2014, 14, 1), (2014, 1, 31), (2014, 0, 1)])
def test_days_the_ethiopian_calendar_lacks(date: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError):
        ethiopian_to_gregorian(*date)


@pytest.mark.parametrize(("date", "expected"), [
    ((2000, 1, 1), datetime.date(1943, 4, 14)),
    ((2078, 1, 1), datetime.date(2021, 4, 14)),
    ((2078, 5, 15), datetime.date(2021, 8, 31)),
    ((2081, 12, 31), datetime.date(2025, 4, 13)),
    ((2080, 1, 1), datetime.date(2023, 4, 14)),
])
def test_bikram_sambat_days(date: tuple[int, int, int], expected: datetime.date) -> None:
    assert bikram_sambat_to_gregorian(*date) == expected


@pytest.mark.parametrize("date", [(2085, 3, 31), (2078, 1, 32), (2078, 13, 1)])
def test_bikram_sambat_days_not_held(date: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError):
        bikram_sambat_to_gregorian(*date)


@pytest.mark.parametrize(("language", "calendar", "cell", "expected"), [
    ("am", "ethiopian", "22/01/2014", DateValue(2021, 10, 2)),
    (None, "ethiopian", "2014-01-22", DateValue(2021, 10, 2)),
    ("ne", "bikram-sambat", "2078/05/15", DateValue(2021, 8, 31)),
    (None, "bikram-sambat", "२०७८/०५/१५", DateValue(2021, 8, 31)),
    ("am", "gregorian", "22/01/2014", DateValue(2014, 1, 22)),   # the mapping says Gregorian
    ("am", "ethiopian", "2021-10-02 እ.ኤ.አ", DateValue(2021, 10, 2)),  # the cell's mark wins
    (None, None, "22/01/2014 ዓ.ም", DateValue(2021, 10, 2)),       # marked: stated by the cell
    (None, None, "2078/05/15 वि.सं.", DateValue(2021, 8, 31)),
])
def test_a_stated_calendar_is_converted(language: str | None, calendar: str | None,
                                        cell: str, expected: DateValue) -> None:
    with using(BUILTIN.with_language(language)):
        assert parse_date(cell, calendar=calendar)[0] == expected
        value, _ = registry.normalise("date", cell, "start",
                                      {"calendar": calendar} if calendar else {})
        assert value == expected
        terms, _ = parse_terms(cell, role="end", calendar=calendar)
        assert [t.end for t in terms] == [expected]


def test_a_range_of_a_stated_calendar() -> None:
    terms, flags = parse_terms("ከ22/01/2014 እስከ 21/01/2019", calendar="ethiopian")
    assert [(t.start, t.end) for t in terms] == [(DateValue(2021, 10, 2),
                                                  DateValue(2026, 10, 1))], flags
    # years alone: each spans two Gregorian years; reported, not read
    terms, flags = parse_terms("2014 - 2019", calendar="ethiopian")
    assert all(t.start is None and t.end is None for t in terms)
    assert any(f.code == "unreadable" and f.withheld for f in flags)


def test_a_mapping_states_a_columns_calendar(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("""source: x
list: x
sections:
- name: main
  reader: {name: simple-table, options: {columns: [partner, start]}}
  fields:
    partner: partner
    start: {normalise: date, calendar: ethiopian}
  constants: {}
""", encoding="utf-8")
    rule = load_mapping(path).sections[0].fields["start"]
    assert rule.options == {"calendar": "ethiopian"}
    path.write_text(path.read_text().replace("partner: partner",
                                              "partner: {normalise: partner, calendar: ethiopian}"))
    with pytest.raises(Exception, match="calendar applies to the date and term"):
        load_mapping(path)


@pytest.mark.parametrize(("cell", "expected"), [
    ("2080-03-05 BS", DateValue(2023, 6, 20)),   # the mark without its dots
    ("2084 Falgun 3", None),                      # a Bikram Sambat month: never Gregorian 2084
    ("22 መስከረም 2014", None),                      # an Ethiopian month
])
def test_marks_and_month_names_of_other_calendars(cell: str, expected: DateValue | None
                                                  ) -> None:
    """In an English list's end column these were published as Gregorian ends in 2080-2084."""
    assert parse_date(cell)[0] == expected
    terms, _ = parse_terms(cell, role="end")
    assert [t.end for t in terms] == [expected]


@pytest.mark.parametrize("cell", ["2079/05/16", "2084-05-15", "16.05.2079", "till 2084/05/15"])
def test_unmarked_years_of_2060_to_2090_in_digits_are_reported_not_gregorian(cell: str) -> None:
    """An English list of a Nepali university published its unmarked Bikram Sambat dates
    '2079/05/16' (signed) and '2084/05/15' (valid until) as Gregorian days 54 years ahead."""
    with using(BUILTIN.with_language("en")):
        value, flags = parse_date(cell)
        assert value is None and [(f.code, f.withheld) for f in flags] == [
            ("date-implausible", True)]
        for role in ("term", "end"):
            terms, _ = parse_terms(cell, role=role)
            assert all(t.start is None and t.end is None for t in terms), role


@pytest.mark.parametrize(("cell", "calendar", "expected"), [
    ("15 May 2079", None, DateValue(2079, 5, 15)),  # a Gregorian month named: a date
    ("2059/01/01", None, DateValue(2059, 1, 1)),
    ("2079/05/16", "gregorian", DateValue(2079, 5, 16)),  # the mapping says so
    ("2079/05/16", "bikram-sambat", DateValue(2022, 9, 1)),
])
def test_a_late_year_stays_a_date_where_the_cell_or_the_mapping_says_gregorian(
        cell: str, calendar: str | None, expected: DateValue) -> None:
    with using(BUILTIN.with_language("en")):
        assert parse_date(cell, calendar=calendar) == (expected, [])
