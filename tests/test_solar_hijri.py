"""Solar Hijri dates: converted exactly, and only where the cell says it dates so."""

from __future__ import annotations

import datetime

import pytest

from exchange_kg.normalise.dates import DateValue, parse_date
from exchange_kg.normalise.solar_hijri import to_gregorian
from exchange_kg.normalise.term import parse_terms


@pytest.mark.parametrize(("solar", "expected"), [
    # Nowruz, the first day of the year, falls on the March equinox
    ((1398, 1, 1), datetime.date(2019, 3, 21)),
    ((1399, 1, 1), datetime.date(2020, 3, 20)),
    ((1400, 1, 1), datetime.date(2021, 3, 21)),
    ((1403, 1, 1), datetime.date(2024, 3, 20)),
    ((1404, 1, 1), datetime.date(2025, 3, 21)),
    # the last day of leap years (1399, 1403): Esfand has 30 days
    ((1399, 12, 30), datetime.date(2021, 3, 20)),
    ((1403, 12, 30), datetime.date(2025, 3, 20)),
    ((1375, 12, 30), datetime.date(1997, 3, 20)),
    # months of 31 days (1-6), then of 30
    ((1400, 6, 31), datetime.date(2021, 9, 22)),
    ((1400, 7, 1), datetime.date(2021, 9, 23)),
    ((1357, 11, 22), datetime.date(1979, 2, 11)),
    ((1404, 7, 22), datetime.date(2025, 10, 14)),
])
def test_solar_hijri_days_convert_exactly(solar: tuple[int, int, int],
                                          expected: datetime.date) -> None:
    assert to_gregorian(*solar) == expected


@pytest.mark.parametrize("solar", [(1402, 12, 30), (1400, 7, 31), (1400, 13, 1), (1500, 1, 1)])
def test_days_the_calendar_lacks_are_refused(solar: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError):
        to_gregorian(*solar)


@pytest.mark.parametrize(("cell", "expected"), [
    ("۱۴۰۰/۰۶/۳۱", DateValue(2021, 9, 22)),  # Persian digits: a Persian list's calendar
    ("۱۳۹۸/۰۸/۱۵", DateValue(2019, 11, 6)),
    ("1401/07/01 ه.ش", DateValue(2022, 9, 23)),  # marked Solar Hijri (هجری شمسی)
    ("1401/07/01ش", DateValue(2022, 9, 23)),
    ("۲۲ مهر ۱۴۰۴", DateValue(2025, 10, 14)),  # a Solar Hijri month's name
    ("آخرین به‌روزرسانی: ۱۴۰۴/۰۷/۲۲", DateValue(2025, 10, 14)),
    ("۲۰۲۱/۰۹/۲۲", DateValue(2021, 9, 22)),  # a Gregorian date in Persian digits stays one
])
def test_solar_hijri_dates_are_read_as_their_gregorian_day(cell: str, expected: DateValue
                                                           ) -> None:
    assert parse_date(cell) == (expected, [])


@pytest.mark.parametrize("cell", [
    "1401/07/01",        # ASCII digits and no mark: a lunar Hijri year as well
    "۱۴۴۵/۰۸/۲۰",        # 1445 would be 2066: a lunar Hijri year written without its mark
    "۱۴۴۵/۰۸/۲۰ ه.ق",    # marked lunar Hijri (هجری قمری)
    "۱۴۰۰/۰۸/۲۰ هـ",
    "۱۴۰۲/۱۲/۳۰",        # 1402 is no leap year
    "۱۴۰۰",              # a Solar year spans two Gregorian ones
])
def test_what_is_not_plainly_a_solar_hijri_day_is_not_read(cell: str) -> None:
    assert parse_date(cell)[0] is None


def test_a_lunar_mark_in_a_term_cell_keeps_its_date_unconverted() -> None:
    """The term reader reads a cell's dates one by one: the mark that says a date is lunar
    is not in the date's own token, so it must not be converted there either."""
    for role in ("term", "end"):
        terms, _ = parse_terms("۱۴۴۵/۰۸/۲۰ ه.ق", role=role)
        assert all(t.end is None and t.start is None for t in terms)


def test_a_solar_hijri_end_column() -> None:
    terms, _ = parse_terms("۱۴۰۶/۰۶/۳۱", role="end")
    assert [t.end for t in terms] == [DateValue(2027, 9, 22)]
