"""Solar Hijri dates (the calendar of Iran and Afghanistan) as the Gregorian days they are.

Persian lists date agreements so ("۱۴۰۰/۰۶/۳۱" is 22 September 2021). Unlike the lunar Hijri
calendar, whose Gregorian day depends on the reckoning, the Solar Hijri year is fixed by the
March equinox and its days convert exactly: the leap years follow the astronomical rule
that the 33-year cycles of the arithmetic below reproduce (Borkowski's breaks), and the
first six months have 31 days, the next five 30, the last 29 or, in a leap year, 30.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

# years the 33-year cycles restart at, where the astronomical calendar shifts them
_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192,
           2262, 2324, 2394, 2456, 3178)
# the years read, 1340-1430 (March 1961 to March 2052): an agreement's. A lunar Hijri year
# written without its mark is most often one of 1431-1460 (2009-2039), which stay unread
FIRST_YEAR, LAST_YEAR = 1340, 1430


def _div(a: int, b: int) -> int:
    """Division truncated towards zero, as the published arithmetic is written."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _mod(a: int, b: int) -> int:
    return a - _div(a, b) * b


def _year(year: int) -> tuple[bool, datetime.date]:
    """Whether ``year`` is a leap year, and the Gregorian day of its first (Nowruz)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"Solar Hijri year {year} is outside {FIRST_YEAR}-{LAST_YEAR}")
    gregorian_year = year + 621
    leaps = -14
    previous = _BREAKS[0]
    jump = 0
    for brk in _BREAKS[1:]:
        jump = brk - previous
        if year < brk:
            break
        leaps += _div(jump, 33) * 8 + _div(_mod(jump, 33), 4)
        previous = brk
    n = year - previous
    leaps += _div(n, 33) * 8 + _div(_mod(n, 33) + 3, 4)
    if _mod(jump, 33) == 4 and jump - n == 4:
        leaps += 1
    gregorian_leaps = (_div(gregorian_year, 4)
                       - _div((_div(gregorian_year, 100) + 1) * 3, 4) - 150)
    march_day = 20 + leaps - gregorian_leaps
    if jump - n < 6:
        n = n - jump + _div(jump + 4, 33) * 33
    leap = _mod(_mod(n + 1, 33) - 1, 4)
    return leap == 0, datetime.date(gregorian_year, 3, march_day)


def month_days(year: int, month: int) -> int:
    """The days of a month of a Solar Hijri year."""
    if not 1 <= month <= 12:
        raise ValueError(f"Solar Hijri month {month} does not exist")
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if _year(year)[0] else 29


def to_gregorian(year: int, month: int, day: int) -> datetime.date:
    """The Gregorian day of a Solar Hijri date; ValueError when the date does not exist."""
    if not 1 <= day <= month_days(year, month):
        raise ValueError(f"day {day} does not exist in Solar Hijri {year}-{month:02d}")
    days = (month - 1) * 31 if month <= 7 else 6 * 31 + (month - 7) * 30
    return _year(year)[1] + datetime.timedelta(days=days + day - 1)


# Persian digits ("۱۴۰۰"): Persian and Dari write them, and date by this calendar
_PERSIAN_DIGIT = re.compile("[\u06f0-\u06f9]")
# "۱۴۰۰/۰۶/۳۱ ه.ش", "1401/07/01 ش": a date marked Solar Hijri (هجری شمسی); the words too
_SOLAR_MARK = re.compile(r"\d\s*(?:هـ?\s*\.?\s*)?ش(?![^\W\d_])|(?<![^\W\d_])(?:شمسی|شمسي|خورشیدی)"
                         r"(?![^\W\d_])")
# a lunar Hijri date ("1445/08/20 هـ", "ه.ق", "قمری"; Urdu "ھ"): not this calendar
_LUNAR_MARK = re.compile(r"\d\s*[هھ]ـ?(?!\s*\.?\s*ش)(?![^\W\d_])"
                         r"|(?<![^\W\d_])(?:ق|قمری|قمري)(?![^\W\d_])")
_MARK_AFTER = r"(?:\s*(?:(?:هـ?\s*\.?\s*)?ش|هجری\s+شمسی)(?![^\W\d_]))?"
_YMD = re.compile(rf"(?<![\d/.\-])(\d{{4}})([/.\-])(\d{{1,2}})\2(\d{{1,2}})(?![\d/.\-])"
                  rf"{_MARK_AFTER}")
_DMY = re.compile(rf"(?<![\d/.\-])(\d{{1,2}})([/.\-])(\d{{1,2}})\2(\d{{4}})(?![\d/.\-])"
                  rf"{_MARK_AFTER}")


def written_gregorian(text: str, month_names: dict[str, int]) -> str:
    """The text with each Solar Hijri date written as the Gregorian day it is, in the
    year-month-day notation the date readers know ("۱۴۰۰/۰۶/۳۱" -> "2021年9月22日").

    Only a cell that says it dates so is read so: Persian digits, a Solar Hijri mark, or a
    Solar Hijri month's name ("۲۲ مهر ۱۴۰۴"). A year of 1340-1430 in ASCII digits alone may
    be a lunar Hijri year as well, and a lunar mark anywhere in the cell leaves it as it is;
    a year, or a month without its day, is no one Gregorian day and is left unread too.
    """
    named = _named_pattern(tuple(sorted(month_names, key=lambda n: (-len(n), n))))
    if _LUNAR_MARK.search(text) or not (_PERSIAN_DIGIT.search(text) or _SOLAR_MARK.search(text)
                                        or (named is not None and named.search(text))):
        return text
    text = _YMD.sub(lambda m: _written(m, m.group(1), m.group(3), m.group(4)), text)
    text = _DMY.sub(lambda m: _written(m, m.group(4), m.group(3), m.group(1)), text)
    if named is not None:
        text = named.sub(lambda m: _written(
            m, m.group(3), str(month_names[m.group(2)]), m.group(1)), text)
    return text


def _written(m: re.Match[str], year: str, month: str, day: str) -> str:
    try:
        day_ = to_gregorian(int(year), int(month), int(day))
    except ValueError:  # not a Solar Hijri date (a Gregorian year, a month 13): as it is
        return m.group()
    return f"{day_.year}年{day_.month}月{day_.day}日"


@lru_cache(maxsize=16)
def _named_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """"۲۲ مهر ۱۴۰۴": day, month name and year."""
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\d/.\-])(\d{{1,2}})\s+({alternatives})\s+(\d{{4}})(?![\d/.\-])"
                      rf"{_MARK_AFTER}")
