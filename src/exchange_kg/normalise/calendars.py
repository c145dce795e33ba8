"""Ethiopian and Bikram Sambat dates as the Gregorian days they are.

Amharic lists date agreements by the Ethiopian calendar ("22/01/2014" is 2 October 2021),
Nepali ones by Bikram Sambat ("२०७८/०५/१५" is 31 August 2021). Read as Gregorian, each is a
false date. The Ethiopian calendar is arithmetic: twelve months of 30 days and a thirteenth of
5 (6 before a year divisible by 4), its years 7 or 8 behind. Bikram Sambat months follow the
sun and their lengths are a published table (``data/bikram-sambat-months.tsv``); a date of a
year the table does not settle is not converted.

Only a day converts: a year or a month alone spans two Gregorian years or months.
"""

from __future__ import annotations

import datetime
import re
from functools import cache

from exchange_kg.normalise.vocabulary import data_rows

ETHIOPIAN = "ethiopian"
BIKRAM_SAMBAT = "bikram-sambat"
CONVERTED = (ETHIOPIAN, BIKRAM_SAMBAT)

# Julian day number of the day before 1 Mäskäräm of year 1 (Amete Mihret), and the ordinal
# offset of Python's proleptic Gregorian days
_ETHIOPIAN_EPOCH = 1723856
_ORDINAL_OFFSET = 1721425
_BIKRAM_SAMBAT_FIRST_DAY = datetime.date(1943, 4, 14)  # 1 Baisakh 2000


def ethiopian_to_gregorian(year: int, month: int, day: int) -> datetime.date:
    """The Gregorian day of an Ethiopian date; ValueError when the date does not exist."""
    last = (6 if year % 4 == 3 else 5) if month == 13 else 30
    if year < 1 or not 1 <= month <= 13 or not 1 <= day <= last:
        raise ValueError(f"no Ethiopian date {year}-{month:02d}-{day:02d}")
    jdn = _ETHIOPIAN_EPOCH + 365 + 365 * (year - 1) + year // 4 + 30 * month + day - 31
    return datetime.date.fromordinal(jdn - _ORDINAL_OFFSET)


@cache
def _bikram_sambat_months() -> dict[int, tuple[int, ...]]:
    return {int(row[0]): tuple(int(n) for n in row[1].split())
            for row in data_rows("bikram-sambat-months.tsv")}


def bikram_sambat_to_gregorian(year: int, month: int, day: int) -> datetime.date:
    """The Gregorian day of a Bikram Sambat date; ValueError when the date does not exist or
    its year is not in the table."""
    table = _bikram_sambat_months()
    if year not in table:
        raise ValueError(f"Bikram Sambat {year} is not a year whose calendar we hold")
    if not 1 <= month <= 12 or not 1 <= day <= table[year][month - 1]:
        raise ValueError(f"no Bikram Sambat date {year}-{month:02d}-{day:02d}")
    days = sum(sum(table[y]) for y in range(min(table), year)) + sum(table[year][:month - 1])
    return _BIKRAM_SAMBAT_FIRST_DAY + datetime.timedelta(days=days + day - 1)


_CONVERT = {ETHIOPIAN: ethiopian_to_gregorian, BIKRAM_SAMBAT: bikram_sambat_to_gregorian}
# a numeric date, year first or last, in any digits ("२०७८/०५/१५", "22/01/2014", "2014-01-22")
_YMD = re.compile(r"(?<![\d/.\-])(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})(?![\d/\-]|\.\d)")
_DMY = re.compile(r"(?<![\d/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})(?![\d/\-]|\.\d)")


def written_gregorian(text: str, calendar: str, day_first: bool = True) -> str | None:
    """The text with each date of ``calendar`` written as the Gregorian day it is, in the
    year-month-day notation the date readers know ("22/01/2014" -> "2021年10月2日"); None when
    a number of the text is left that may be a date of that calendar (a year alone, a date
    that does not exist in it or whose year the table does not hold): such a cell is reported,
    not read. ``day_first``: "05/03/2014" is 5 March (day, month), as both calendars' lists
    write it, unless the source writes month first."""
    convert = _CONVERT[calendar]
    failed = False

    def written(m: re.Match[str], year: str, month: str, day: str) -> str:
        nonlocal failed
        try:
            day_ = convert(int(year), int(month), int(day))
        except ValueError:
            failed = True
            return m.group()
        # "ከ22/01/2014" (from ...): a word glued to the date stays a word of its own
        glued = m.start() > 0 and m.string[m.start() - 1].isalpha()
        return f"{' ' if glued else ''}{day_.year}年{day_.month}月{day_.day}日"

    text = _YMD.sub(lambda m: written(m, m.group(1), m.group(3), m.group(4)), text)
    text = _DMY.sub(lambda m: written(m, m.group(4), *((m.group(3), m.group(1)) if day_first
                                                         else (m.group(1), m.group(3)))), text)
    left = re.sub(r"\d{4}年\d{1,2}月\d{1,2}日", "", text)
    if failed or re.search(r"\d", left):
        return None
    return text
