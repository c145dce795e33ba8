"""Dates as partner lists write them -> :class:`DateValue` of year, month or day precision.

The lists write ``2016/11/18``, ``2016-11-18``, ``02.04.2026`` (Polish footer), a bare year,
or ``as of May 2016``. OCR adds dates that look like dates but are not: ``2018/00/31``,
``2011/01/12/15``, ``2011/1/145`` (a quota digit glued on and a separator moved). Those are
never turned into a confident wrong day: the value degrades to the precision that is still
trustworthy and a ``date-garbled`` flag says what was dropped. Month names and lead-in words
("as of", "stan na") live in ``data/date-words.tsv``.

European lists also date agreements by academic year or semester: "a.a. 2025/26",
"WiSe 2025/26", "SS 2026", "2025/2026 akademik yılı". Such a cell states a year, not a day:
as a start it is the year the period begins, as an end the year it ends (an agreement valid
"until a.a. 2027/28" runs into 2028), read by :func:`academic_period`.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from exchange_kg.normalise import calendars, solar_hijri
from exchange_kg.normalise.country import MARKS, fold_accents
from exchange_kg.normalise.vocabulary import Vocabulary, active, entries
from exchange_kg.records import Flag

SOLAR_HIJRI = "solar-hijri:"  # a month of the Solar Hijri calendar: "مهر	solar-hijri:7"
# Thai writes a date with its month named in the Buddhist era ("15 มีนาคม 2564" is 2021):
# a year past any agreement's (2400-2643) with a Thai month is one, 543 years ahead
BUDDHIST_ERA_LANGUAGES = frozenset({"th"})
BUDDHIST_OFFSET = 543
MIN_YEAR = 1800  # older "agreements" are OCR misreads of the year, not history
MAX_YEAR = 2100


@dataclass(frozen=True)
class DateValue:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if self.day is not None and not _valid_day(self.year, self.month or 1, self.day):
            raise ValueError(f"day out of range: {self.year}-{self.month}-{self.day}")

    @property
    def precision(self) -> str:
        """"day", "month" or "year": what the source actually stated."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def isoformat(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.isoformat()


def _valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= day <= calendar.monthrange(year, month)[1]


@dataclass(frozen=True)
class _Words:
    months: dict[str, int]
    prefixes: tuple[tuple[str, ...], ...]  # longest first
    fillers: frozenset[str]  # words between a date's parts ("de", the "er" of "1er")
    periods: tuple[tuple[str, ...], ...]  # academic year and semester words, longest first
    eras: dict[str, int]  # an era's name -> the year before its first ("令和" -> 2018)
    month_markers: frozenset[str] = frozenset()  # "thang" of "tháng 5": the number is a month
    solar_months: dict[str, int] = field(default_factory=dict)  # "مهر" -> 7 (Solar Hijri)
    # month names as written (not folded) of the languages that count years in the Buddhist
    # era ("มีนาคม", "ต.ค."): a date with one is rewritten whole, see _buddhist_written
    buddhist_months: dict[str, int] = field(default_factory=dict)
    calendars: dict[str, str] = field(default_factory=dict)  # a mark -> the calendar it names
    # a word that names different months in different languages ("listopad": October in
    # Croatian, November in Polish and Czech) -> each language's month; read by the source's
    # language only
    ambiguous_months: dict[str, dict[str, int]] = field(default_factory=dict)
    suffixes: frozenset[str] = frozenset()  # the "eko" of "2021eko": inflects the number


def _words() -> _Words:
    return _words_of(active())


@lru_cache(maxsize=64)
def _words_of(vocabulary: Vocabulary) -> _Words:
    months: dict[str, int] = {}
    prefixes: list[tuple[str, ...]] = []
    fillers: set[str] = set()
    periods: list[tuple[str, ...]] = []
    eras: dict[str, int] = {}
    markers: set[str] = set()
    solar: dict[str, int] = {}
    suffixes: set[str] = set()
    buddhist: dict[str, int] = {}
    calendars: dict[str, str] = {}
    by_language: dict[str, dict[str, int]] = {}
    for entry in entries("dates", vocabulary):
        tokens = tuple(_tokens(entry.text))
        if entry.value.startswith("era:"):
            eras.setdefault(entry.text, int(entry.value[4:]))
        elif entry.value in ("prefix", "as-of"):  # "as of" also says whose date it is
            prefixes.append(tokens)
        elif entry.value == "period":
            periods.append(tokens)
        elif entry.value in ("filler", "as-of-after"):
            fillers.update(tokens)
        elif entry.value == "month-marker":
            markers.update(tokens)
        elif entry.value == "suffix":
            suffixes.update(tokens)
        elif entry.value.startswith(CALENDAR) and entry.value[len(CALENDAR):] in CALENDAR_NAMES:
            calendars.setdefault(entry.text, entry.value[len(CALENDAR):])
        elif entry.value.startswith(SOLAR_HIJRI):
            solar.setdefault(entry.text, int(entry.value.removeprefix(SOLAR_HIJRI)))
        elif entry.value.isdigit() and 1 <= int(entry.value) <= 12:
            months.setdefault(" ".join(tokens), int(entry.value))
            by_language.setdefault(" ".join(tokens), {}).setdefault(
                entry.language, int(entry.value))
            if entry.language in BUDDHIST_ERA_LANGUAGES:
                buddhist.setdefault(entry.text.removesuffix("."), int(entry.value))
        else:
            raise ValueError(f"date-words.tsv: unknown meaning {entry.value!r} for "
                             f"{entry.text!r}")
    own = {" ".join(_tokens(e.text)) for e in vocabulary.entries("dates")}  # the source's
    ambiguous = {word: found for word, found in by_language.items()
                 if len(set(found.values())) > 1 and word not in own}
    for word in ambiguous:
        del months[word]
    prefixes.sort(key=lambda p: (-len(p), p))
    periods.sort(key=lambda p: (-len(p), p))
    return _Words(months, tuple(prefixes), frozenset(fillers), tuple(periods), eras,
                  frozenset(markers), solar_months=solar, suffixes=frozenset(suffixes),
                  buddhist_months=buddhist, calendars=calendars,
                  ambiguous_months=ambiguous)


def month_number(word: str) -> int | None:
    """The month a folded word names ("september", "wrzesnia", "sept"), else None."""
    words = _words()
    month = words.months.get(word)
    if month is None and word in words.ambiguous_months:
        language = (active().language or "").split("-")[0]
        return words.ambiguous_months[word].get(language)
    return month


def is_month_marker(word: str) -> bool:
    """Whether a folded word makes the number after it a month ("thang" of "tháng 5")."""
    return word in _words().month_markers


def is_filler(word: str) -> bool:
    """Whether a folded word only joins a date's parts ("de", "of", the "th" of "5th")."""
    return word in _words().fillers


def as_of_phrases(after: bool = False) -> tuple[str, ...]:
    """The phrases that say a date is the one a document is current as of ("Stand", "as
    of", "stan na"; with ``after``, those that follow the date: "2025年4月1日現在"), longest
    first: a new mapping proposes its ``as_of`` from them."""
    meaning = "as-of-after" if after else "as-of"
    found = {e.text for e in entries("dates", active()) if e.value == meaning}
    return tuple(sorted(found, key=lambda t: (-len(t), t)))


def _tokens(text: str, suffixes: frozenset[str] = frozenset()) -> list[str]:
    """Words and numbers; a suffix glued to a number ("2021eko", "1a") goes with it."""
    out: list[str] = []
    for number, glued, word in _TOKEN.findall(fold_accents(text)):
        if number:
            out.append(number)
            if glued and glued not in suffixes:
                out.append(glued)
        else:
            out.append(word)
    return out


_WORD = rf"[^\W\d_](?:[^\W\d_]|[{MARKS}])*"  # with its vowel signs: Thai "มีนาคม" is one word
_TOKEN = re.compile(rf"(\d+)((?:{_WORD})?)|({_WORD})")


_NUMERIC_YMD = re.compile(r"(\d{4})((?:[/.\-]\d*)*)")
# "20260831": ISO 8601's basic format, as database exports write dates
_BASIC_YMD = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
# "2005年10月1日" (ja, zh), "2005년 10월 1일" (ko): year, month and day each marked by its sign
_MARKED_YMD = re.compile(r"(\d{4})\s*[年년](?:\s*(\d{1,2})\s*[月월](?:\s*(\d{1,2})\s*[日일])?)?")


@lru_cache(maxsize=64)
def _era_pattern(vocabulary: Vocabulary) -> re.Pattern[str] | None:
    """A date counted in an era: "令和9年2月28日", "平成31年3月", "R10.7.11", "民國110年"."""
    eras = _words_of(vocabulary).eras
    if not eras:
        return None
    names = "|".join(re.escape(e) for e in sorted(eras, key=lambda e: (-len(e), e)))
    return re.compile(
        rf"(?<![^\W\d_])({names})\s*(\d{{1,4}}|元)\s*"
        r"(?:年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?|[./](\d{1,2})[./](\d{1,2})(?![\d.]))")


@lru_cache(maxsize=64)
def _era_year_pattern(vocabulary: Vocabulary) -> re.Pattern[str] | None:
    """A year named by an era's name of more than one letter, before or after it, with no
    month or day joined to it: "พ.ศ. 2567", "B.E. 2567", "2567 B.E.". A single letter before
    a number ("R10", "S 2026") names an era only in a whole date."""
    eras = [e for e in _words_of(vocabulary).eras if len(e) > 1]
    if not eras:
        return None
    names = "|".join(re.escape(e) for e in sorted(eras, key=lambda e: (-len(e), e)))
    return re.compile(rf"(?<![^\W\d_])({names})\s*(\d{{1,4}})(?![\d年./\-])"
                      rf"|(?<![\d./\-])(\d{{1,4}})\s*({names})(?![^\W\d_])")


# "115年2月28日": a three-digit year before 年 and a month is a year of the Republic of China
# (Taiwanese lists often leave out 民國): no other calendar in use counts years so, and a
# Gregorian year 115 is no agreement's
_ROC_MARKED = re.compile(r"(?<![\d民国國])(1\d\d)\s*年(?=\s*\d{1,2}\s*月)")
_ROC_OFFSET = 1911
# "108/7/1", "113.9.1": the same years written with numbers only. A year of 2011-2060 is
# read so; a three-digit year beyond is more likely a Gregorian one that lost a digit
# ("188/7/1" of 1988) than an agreement's date
_ROC_NUMERIC = re.compile(r"(?<![\d/.\-])(1[0-4]\d)([/.\-])(\d{1,2})\2(\d{1,2})(?!\d|[/\-]\d|\.\d)")


def _roc_written(m: re.Match[str]) -> str:
    return f"{_ROC_OFFSET + int(m.group(1))}年"


def _roc_numeric_written(m: re.Match[str]) -> str:
    year, month, day = _ROC_OFFSET + int(m.group(1)), int(m.group(3)), int(m.group(4))
    if not 1 <= month <= 12 or not _valid_day(year, month, day):
        return m.group()
    return f"{year}年{month}月{day}日"


def gregorian(text: str) -> str:
    """The text with each date counted in an era written as the Gregorian date it is
    ("令和9年2月28日" -> "2027年2月28日", "R10.7.11" -> "2028年7月11日", "115年2月28日" ->
    "2026年2月28日"; "۱۴۰۰/۰۶/۳۱" -> "2021年9月22日", see :mod:`.solar_hijri`): the same
    date, so the readers of "2027年2月28日" read it. An era year beyond the era's end is left
    as it is (a misreading is not turned into a confident date)."""
    if not text.isascii():
        text = _MONGOLIAN_YMD.sub(_mongolian_written, text)
        text = solar_hijri.written_gregorian(text, _words().solar_months)
        text = _buddhist_written(text, active())
        if "م" in text and "هـ" not in text and not _HIJRI_MARK.search(text):
            text = _GREGORIAN_MARKED.sub(r"\1", text)  # "2021/12/16م": marked Gregorian
    if "年" in text:
        text = _ROC_MARKED.sub(_roc_written, text)
    if "1" in text:
        text = _ROC_NUMERIC.sub(_roc_numeric_written, text)
    eras = _words().eras
    named = _era_year_pattern(active())
    if named is not None:
        text = named.sub(lambda m: _era_year_written(m, eras), text)
    pattern = _era_pattern(active())
    if pattern is None or not any(c in text for c in "年./"):
        return text

    def written(m: re.Match[str]) -> str:
        number = 1 if m.group(2) == "元" else int(m.group(2))
        year = eras[m.group(1)] + number
        if number < 1 or not MIN_YEAR <= year <= MAX_YEAR:
            return m.group()
        month, day = m.group(3) or m.group(5), m.group(4) or m.group(6)
        return f"{year}年" + (f"{int(month)}月" if month else "") + (f"{int(day)}日" if day else "")

    return pattern.sub(written, text)


# "2018 оны 5 дугаар сарын 14" (Mongolian: year, "the 5th month", day; "5-р сарын 14-ний"):
# months are counted, not named, with an ordinal mark after the number
_MONGOLIAN_YMD = re.compile(
    r"(?<!\d)(\d{4})\s*(?:-?\s*(?:оны|онд|он))?\s+(\d{1,2})\s*-?\s*(?:дугаар|дүгээр|р)\s+"
    r"сар(?:ын|д)?(?:\s+(\d{1,2})(?!\d)(?:\s*-?\s*(?:ний|ны|нд|нээс|ноос|ий|ы))?)?")


def _mongolian_written(m: re.Match[str]) -> str:
    day = f"{int(m.group(3))}日" if m.group(3) else ""
    return f"{m.group(1)}年{int(m.group(2))}月{day}"


def _buddhist_written(text: str, vocabulary: Vocabulary) -> str:
    """ "15 มีนาคม 2564", "1 ต.ค. 2565", "๑ มิ.ย. ๒๕๖๖" (Thai digits): a date with a Thai month
    written as the Gregorian date it is ("2021年3月15日"); a Gregorian year beside a Thai month
    ("15 มีนาคม 2021") stays what it is. A day that does not exist leaves the text as it is."""
    pattern = _buddhist_pattern(vocabulary)
    if pattern is None:
        return text
    months = _words_of(vocabulary).buddhist_months

    def written(m: re.Match[str]) -> str:
        year, month = int(m.group(3)), months[m.group(2)]
        if year > MAX_YEAR:
            year -= BUDDHIST_OFFSET
        if not MIN_YEAR <= year <= MAX_YEAR:
            return m.group()
        if m.group(1) is None:
            return f"{year}年{month}月"
        day = int(m.group(1))
        return f"{year}年{month}月{day}日" if _valid_day(year, month, day) else m.group()

    return pattern.sub(written, text)


@lru_cache(maxsize=64)
def _buddhist_pattern(vocabulary: Vocabulary) -> re.Pattern[str] | None:
    names = sorted(_words_of(vocabulary).buddhist_months, key=lambda n: (-len(n), n))
    if not names:
        return None
    # an abbreviation's closing dot is often left out: "30 ก.ย 2568"
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\d/.\-])(?:(\d{{1,2}})\s*)?({alternatives})\.?\s*"
                      rf"(?:พ\.\s?ศ\.\s*)?(\d{{4}})(?!\d)")


def _era_year_written(m: re.Match[str], eras: dict[str, int]) -> str:
    name, number = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    year = eras[name] + int(number)
    return str(year) if MIN_YEAR <= year <= MAX_YEAR else m.group()


# A Hijri date ("1445/08/20 هـ") and the Gregorian date a cell gives with it ("2024/03/01 م")
_HIJRI_MARK = re.compile(r"\d\s*هـ?(?![^\W\d_])|\d\s*هـ")
_GREGORIAN_MARKED = re.compile(r"(\d[\d/.\-]*\d)\s*م(?![^\W\d_])")


def _hijri(text: str, field: str) -> tuple[str | None, list[Flag]] | None:
    """The Gregorian date of a cell that dates by the Hijri calendar, or None when it does
    not. A Hijri date alone is not converted: its Gregorian day depends on the reckoning
    (Umm al-Qura, tabular, sighting), a day either way, so it is reported, not published."""
    if "هـ" not in text and not _HIJRI_MARK.search(text):
        return None
    marked = _GREGORIAN_MARKED.findall(text)
    if len(marked) == 1:
        return marked[0], []
    return None, [Flag(field, "unreadable", "a Hijri date: its Gregorian day depends on "
                       "the reckoning and is not guessed; not read", text, withheld=True)]


# a spreadsheet's day number pasted as a value ("44593" = 1 February 2022): days since
# 30 December 1899, as every spreadsheet counts them; only days of 1990-2100 are read
_SERIAL_EPOCH = datetime.date(1899, 12, 30)
_SERIAL_FIRST, _SERIAL_LAST = 32874, 73415


def _serial(compact: str, raw: str, field: str) -> tuple[DateValue, list[Flag]] | None:
    if len(compact) != 5 or not compact.isascii() or not compact.isdecimal():
        return None
    number = int(compact)
    if not _SERIAL_FIRST <= number <= _SERIAL_LAST:
        return None
    day = _SERIAL_EPOCH + datetime.timedelta(days=number)
    return DateValue(day.year, day.month, day.day), [Flag(
        field, "date-serial", f"read as a spreadsheet's day number: {day.isoformat()}", raw)]


# Database exports fill a date nobody entered with a fixed day: the first day a system
# counts (1899-12-30/31 and 1900-01-01 in spreadsheets and SAP/MoveOn-style exports,
# 1970-01-01 in Unix ones, 1753-01-01, 0001-01-01) or a last day no term reaches
# (2099-12-31, 2100-01-01, 2100-12-31, 2999-12-31, 9999-12-31). Written in digits, such a
# day says "no date": no exchange agreement was signed on New Year's Day 1900 or 1970, and
# none is set to end at the turn of the next century. The same day written with its month
# named ("31 December 2099") is a person's statement and stays a date.
_PLACEHOLDER_DAYS = frozenset({
    (1, 1, 1), (1753, 1, 1), (1899, 12, 30), (1899, 12, 31), (1900, 1, 1), (1970, 1, 1),
    (2099, 12, 31), (2100, 1, 1), (2100, 12, 31), (2999, 12, 31), (3000, 1, 1),
    (9999, 12, 31)})
_DIGITS_YMD = re.compile(r"(\d{4})([/.\-]?)(\d{1,2})\2(\d{1,2})\.?")
_DIGITS_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})\.?")


def placeholder_date(text: str, field: str) -> Flag | None:
    """The report line for a date written in digits that is an export's stand-in for an
    empty cell (see ``_PLACEHOLDER_DAYS``; also a day or month 00 in the years 0 and 1900:
    "1900-01-00", "00.00.0000"); None for any other text."""
    compact = re.sub(r"\s*([/.\-])\s*", r"\1", " ".join(text.split()))
    compact = re.sub(r"[T ]00:00(?::00(?:\.0+)?)?Z?$", "", compact)  # "2099-12-31 00:00:00"
    days: list[tuple[int, int, int]] = []
    m = _DIGITS_YMD.fullmatch(compact)
    if m and (m.group(2) or len(compact) == 8):
        days.append((int(m.group(1)), int(m.group(3)), int(m.group(4))))
    m = _DIGITS_DMY.fullmatch(compact)
    if m:  # either order: "31/12/2099" and "12/31/2099" are the same stand-in
        year, a, b = int(m.group(4)), int(m.group(1)), int(m.group(3))
        days += [(year, b, a), (year, a, b)]
    serial = _serial(compact, text, field)
    if serial is not None and serial[0] is not None:
        value = serial[0]
        days.append((value.year, value.month or 0, value.day or 0))
    if not any(d in _PLACEHOLDER_DAYS or (d[0] in (0, 1900) and 0 in d[1:]) for d in days):
        return None
    return Flag(field, "date-placeholder", "a day database exports write for an empty date, "
                "not a date the agreement has; not published", " ".join(text.split()),
                withheld=True)


# Lists in these languages date by a calendar of their own unless a cell marks a date
# Gregorian: an Amharic list's "22/01/2014" is 2 October 2021 (Ethiopian calendar), a Nepali
# list's "२०७८/०५/१५" a day of 2021 (Bikram Sambat). Read as Gregorian, each is a false date.
CALENDAR_OF_LANGUAGE = {"am": "ethiopian", "ne": "bikram-sambat"}
CALENDAR_NAMES = {"ethiopian": "the Ethiopian calendar", "bikram-sambat": "Bikram Sambat",
                  "gregorian": "the Gregorian calendar"}
CALENDAR = "calendar:"


def other_calendar(text: str, declared: str | None = None) -> str | None:
    """The calendar other than the Gregorian that a cell's dates are counted in, or None.

    A mark in the cell says it ("ዓ.ም", "वि.सं.", "E.C."; "እ.ኤ.አ", "A.D." say Gregorian), else the
    column's calendar as its mapping ``declared`` it, else the language of the source does
    (:data:`CALENDAR_OF_LANGUAGE`)."""
    vocabulary = active()
    named = _named_calendars(text)
    if named - {"gregorian"}:
        return min(named - {"gregorian"})
    if named:
        return None
    if _DEVANAGARI_DIGIT.search(text) and any(
            int(y) >= _BIKRAM_SAMBAT_FROM for y in _YEAR_DIGITS.findall(text)):
        return "bikram-sambat"  # whatever the mapping says: no Gregorian date is so late
    if declared is not None:
        return None if declared == "gregorian" else declared
    calendar = CALENDAR_OF_LANGUAGE.get((vocabulary.language or "").split("-")[0])
    if calendar and any(c.isdigit() for c in text):
        return calendar
    return LATE_YEARS if _only_late_years(text) else None


def stated_calendar(text: str) -> str | None:
    """The one calendar the marks of a text name ("Signed (ዓ.ም)", "Valid to (A.D.)"), else
    None: a header that says so states the calendar of its column's dates."""
    named = _named_calendars(text)
    return next(iter(named)) if len(named) == 1 else None


def _named_calendars(text: str) -> set[str]:
    """The calendars the marks of a cell name."""
    vocabulary = active()
    pattern = _calendar_marks(vocabulary)
    if pattern is None:
        return set()
    return {_words_of(vocabulary).calendars[m.group()] for m in pattern.finditer(text)}


def in_gregorian(text: str, field: str, declared: str | None = None
                 ) -> tuple[str | None, Flag | None]:
    """The cell with its dates of another calendar written as the Gregorian days they are, or
    None and the flag that reports the cell.

    A date is converted only where its calendar is stated: by a mark in the cell or by the
    column's ``calendar`` in the mapping. A calendar guessed from the source's language or
    its digits is reported, not converted: an Amharic list may date by the Gregorian calendar
    as well. A year or a month alone, or a day the tables do not hold, is reported too."""
    calendar = other_calendar(text, declared)
    if calendar is None:
        return text, None
    if calendar in calendars.CONVERTED and (calendar == declared
                                            or calendar in _named_calendars(text)):
        converted = calendars.written_gregorian(_without_calendar_marks(text), calendar,
                                                day_first=active().date_order != "mdy")
        if converted is not None:
            return converted, None
        return None, Flag(field, "unreadable", f"dated by {CALENDAR_NAMES[calendar]}: only a "
                          "whole day of a year its table holds is converted; not read", text,
                          withheld=True)
    if calendar == LATE_YEARS:
        return None, Flag(field, "date-implausible", "a year from 2060 to 2090 in digits: no "
                          "agreement is dated so late, and Bikram Sambat years are these (map "
                          "the column with `calendar: bikram-sambat` if it counts them); not "
                          "read", text, withheld=True)
    return None, calendar_flag(field, calendar, text)


# Devanagari digits and a year from 2060: Bikram Sambat (2060 began in 2003), as Nepali
# writes it; no Gregorian agreement is dated so late
_DEVANAGARI_DIGIT = re.compile("[\u0966-\u096f]")
_YEAR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")
_BIKRAM_SAMBAT_FROM = 2060
# the Bikram Sambat years of lists written in this century (2090 begins in 2033); a cell of
# ASCII digits whose years all fall here and that names no Gregorian month is no Gregorian
# date ("2079/05/16" in an English list of a Nepali university), whatever its language
_BIKRAM_SAMBAT_UNTIL = 2090
LATE_YEARS = "late-years"  # what :func:`other_calendar` answers for such a cell: reported


def _only_late_years(text: str) -> bool:
    years = [int(y) for y in _YEAR_DIGITS.findall(text)]
    if not years or not all(_BIKRAM_SAMBAT_FROM <= y <= _BIKRAM_SAMBAT_UNTIL for y in years):
        return False
    return not any(month_number(fold_accents(w)) is not None
                   for w in re.findall(rf"{_WORD}", text))


def _without_gregorian_marks(text: str) -> str:
    """ "2021-10-02 እ.ኤ.አ": the date without the mark that says it is Gregorian."""
    return _without_calendar_marks(text, only="gregorian")


def _without_calendar_marks(text: str, only: str | None = None) -> str:
    """The cell without the marks that name calendars (those of ``only``, if given)."""
    vocabulary = active()
    pattern = _calendar_marks(vocabulary)
    if pattern is None:
        return text
    calendars = _words_of(vocabulary).calendars
    return pattern.sub(lambda m: "" if only in (None, calendars[m.group()]) else m.group(),
                       text).strip()


@lru_cache(maxsize=64)
def _calendar_marks(vocabulary: Vocabulary) -> re.Pattern[str] | None:
    marks = sorted(_words_of(vocabulary).calendars, key=lambda m: (-len(m), m))
    if not marks:
        return None
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(re.escape(m) for m in marks)
                      + r")(?![^\W\d_])")


def calendar_flag(field: str, calendar: str, raw: str) -> Flag:
    return Flag(field, "unreadable", f"dated by {CALENDAR_NAMES[calendar]}, which is converted "
                "only where a mark in the cell or the column's `calendar` in the mapping states "
                "it: the date is not read", raw, withheld=True)


# a footnote mark glued after a value ("31/05/2029²", "3*", "2027†"): the value is stated,
# and the mark points to a note under the table (which the readers keep as lines of their own)
_FOOTNOTE_MARK = re.compile("(?<=\\d)[\u00b9\u00b2\u00b3\u2070\u2074-\u2079*\u2020\u2021]+"
                            r"(?=[\s;,.)\]]|$)")
# a time of day after a date, as database and spreadsheet exports write one ("2021-03-15
# 00:00:00", "2021-03-15T09:30:00Z"): the day is the date
_TIME_OF_DAY = re.compile(r"(?<=\d)(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                          r"(?:\s*(?:Z|UTC|[+-]\d{2}:?\d{2}))?\s*$")
_NUMERIC_START = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}")


def without_footnote_marks(text: str, field: str) -> tuple[str, list[Flag]]:
    """The cell without the footnote marks glued to its values, and the flag that says so."""
    stripped = _FOOTNOTE_MARK.sub("", text)
    if stripped == text:
        return text, []
    return stripped, [Flag(field, "footnote-mark", "a footnote mark after the value points to "
                           "a note under the table; the value is read without it",
                           " ".join(text.split()))]


def parse_date(text: str, *, field: str = "start", part: bool = False,
               calendar: str | None = None) -> tuple[DateValue | None, list[Flag]]:
    """Read a date cell; garbled parts are dropped with a flag, never guessed.

    ``part``: the text is a piece of a cell whose dates of other calendars were already
    written as Gregorian ones (:func:`gregorian`): the marks that told the calendar
    ("۱۴۴۵/۰۸/۲۰ ه.ق" is lunar) are not in the piece, so it is not converted again.
    ``calendar``: the calendar the mapping says the column dates by (:func:`in_gregorian`)."""
    raw = text
    if not part:
        text, marked = without_footnote_marks(text, field)
        if marked:
            value, flags = parse_date(text, field=field, calendar=calendar)
            return value, [*flags, *marked] if value is not None else flags
        if _NUMERIC_START.match(text.strip()):
            text = _TIME_OF_DAY.sub("", text.strip())
        converted, reported = in_gregorian(text, field, calendar)
        if converted is None:
            return None, [reported] if reported else []
        text = gregorian(_without_gregorian_marks(converted))
    hijri = _hijri(text, field)
    if hijri is not None:
        if hijri[0] is None:
            return None, hijri[1]
        text = hijri[0]
    text = _without_trailing_fillers(_strip_wrapping(text))
    if not text:
        return None, []
    period = academic_period(text, end=field == "end")
    if period is not None:
        return period, []
    placeholder = placeholder_date(text, field)
    if placeholder is not None:
        return None, [dataclasses.replace(placeholder, value=" ".join(raw.split()))]
    # spaces around separators go; runs collapsed first keep the regex linear
    compact = re.sub(r"\s*([/.\-])\s*", r"\1", " ".join(text.split()))
    serial = _serial(compact, raw, field)
    if serial is not None:
        return serial
    m = _NUMERIC_YMD.fullmatch(compact)
    if m:
        return _year_first(raw, int(m.group(1)), m.group(2), field)
    m = _BASIC_YMD.fullmatch(compact)
    if m and MIN_YEAR <= int(m.group(1)) <= MAX_YEAR and 1 <= int(m.group(2)) <= 12 \
            and _valid_day(int(m.group(1)), int(m.group(2)), int(m.group(3))):
        return DateValue(int(m.group(1)), int(m.group(2)), int(m.group(3))), []
    # "01.10.2021.", "1. 10. 2021.": Croatian, Serbian, Latvian and Slovak close a date with a dot
    m = _NUMERIC_DMY.fullmatch(compact) or _NUMERIC_DMY.fullmatch(compact.removesuffix("."))
    if m and (m.group(2) == "." or not compact.endswith(".")):
        return _day_first(raw, m, field)
    m = _MARKED_YMD.fullmatch(text)
    if m:
        rest = "".join(f"-{int(g):02d}" for g in m.groups()[1:] if g)
        return _year_first(raw, int(m.group(1)), rest, field)
    short = _two_digit_year(compact, raw, field)
    if short is not None:
        return short
    month = _month_and_year(compact)
    if month is not None:
        return month, []
    value = _with_month_name(text)
    if value is not None:
        return value
    rest = _after_prefix(text)
    if rest:  # "as of 01.10.2025", "stan na 02.04.2026", "ณ วันที่ 2025年10月1日"
        value, flags = parse_date(rest, field=field, part=True)
        if value is not None:
            return value, [dataclasses.replace(f, value=raw) for f in flags]
    return None, [Flag(field, "unreadable", "not a date in any layout we know", raw,
                       withheld=True)]


def _after_prefix(text: str, phrases: tuple[str, ...] | None = None) -> str:
    """The text after a phrase that says whose date follows ("as of", "Stand"), or "".
    ("from", "since" say it is a start: a cell so written is no end, see
    :func:`starts_with_from`.)"""
    folded = fold_accents(text)
    for prefix in as_of_phrases() if phrases is None else phrases:
        key = fold_accents(prefix)
        after = folded[len(key):len(key) + 1]
        if folded.startswith(key) and after and not (
                after.isalnum() or unicodedata.category(after).startswith("M")):
            return text[len(key):].strip(" :.,")
    return ""


def starts_with_from(text: str) -> bool:
    """Whether a cell opens with a word that makes its date a start ("from", "seit", "od")."""
    return bool(_after_prefix(text, _plain_prefixes(active())))


@lru_cache(maxsize=64)
def _plain_prefixes(vocabulary: Vocabulary) -> tuple[str, ...]:
    found = {e.text for e in entries("dates", vocabulary) if e.value == "prefix"}
    return tuple(sorted(found, key=lambda t: (-len(t), t)))


# "2025/26", "2025/2026", "2025-26": an academic year written as its two calendar years
_YEAR_PAIR = re.compile(r"(?<!\d)(\d{4})\s*([/\-\u2013])\s*(\d{4}|\d{2})(?!\d)")


def academic_period(text: str, *, end: bool = False, marked: bool = False
                    ) -> DateValue | None:
    """The year of an academic year or semester cell, or None when the cell is not one.

    "a.a. 2025/26", "WiSe 2025/26", "2025/2026 akademik yılı": the first year as a start, the
    second as an end (``end``); "SS 2026" is 2026 either way. The two years must follow each
    other. Without an academic-year word only two years count ("2025/2026", "2025-26"), and
    not when the second number could be a month ("2011/12" is December 2011 in a list of
    year/month dates); ``marked`` asks for the word always (free-text term cells, where
    "2019/2020" may be two agreements).
    """
    words = _words()
    tokens = _without_prefix(_tokens(text), words)
    rest: list[str] = []
    named = 0
    i = 0
    while i < len(tokens):
        hit = next((p for p in words.periods if tuple(tokens[i : i + len(p)]) == p), None)
        if hit is not None:
            named += 1
            i += len(hit)
            continue
        if tokens[i] not in words.fillers:  # "1º semestre de 2022"
            rest.append(tokens[i])
        i += 1
    if not all(t.isdecimal() for t in rest) or not rest or len(rest) > 2:
        return None
    if len(rest[0]) != 4 or not MIN_YEAR <= int(rest[0]) <= MAX_YEAR - 1:
        return None
    first = int(rest[0])
    if len(rest) == 1:
        return DateValue(first) if named else None
    pair = _YEAR_PAIR.search(text)
    if pair is None or (pair.group(1), pair.group(3)) != (rest[0], rest[1]):
        return None
    second = rest[1]
    if int(second) != (first + 1 if len(second) == 4 else (first + 1) % 100):
        return None
    # unmarked, "2011-12" and "2011/12" may be a year and its month; "2025-26", "2025/26"
    # and "2025-2026" may not
    if not named and (marked or (len(second) == 2 and int(second) <= 12)):
        return None
    return DateValue(first + 1 if end else first)


def _without_trailing_fillers(text: str) -> str:
    """ "1.10.2021 r." (pl rok), "2021. godine" (hr): words after a date that only say it is
    one are dropped, so the numbers before them read as a date."""
    fillers = _words().fillers
    words = text.split()
    while len(words) > 1 and all(t in fillers for t in _tokens(words[-1])) and _tokens(words[-1]):
        words.pop()
    text = " ".join(words)
    glued = _GLUED_WORD.fullmatch(text)  # "15.03.2016թ.": the word written onto the date
    if glued and fold_accents(glued.group(2)) in fillers:
        return glued.group(1)
    return text


_GLUED_WORD = re.compile(rf"(.*\d\.?)({_WORD})\.?")


def _strip_wrapping(text: str) -> str:
    """Drop brackets and a "label:" lead-in ("Data aktualizacji: 02.04.2026"), which carry no
    part of the date."""
    text = text.strip().strip("()[]").strip()
    label, colon, after = text.rpartition(":")
    # only a label: "signed: 15.03.2021; ends: 14.03.2026" is no date 14.03.2026
    if colon and not any(c.isdigit() for c in label):
        text = after.strip()
    return text


def _year_first(raw: str, year: int, rest: str, field: str
                ) -> tuple[DateValue | None, list[Flag]]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None, [_garbled(field, raw, f"year {year} is not plausible", withheld=True)]
    parts = re.split(r"[/.\-]", rest)[1:] if rest else []
    flags: list[Flag] = []
    if parts and parts[-1] == "":
        parts = parts[:-1]
        # "2028.08.31.", "2021.": Hungarian, Croatian and Latvian write a dot after each part;
        # a date written with dots only and ending in one is complete, not cut off
        if not (rest.endswith(".") and set(re.sub(r"\d", "", rest)) == {"."}):
            flags.append(Flag(field, "truncated", "the date is cut off after a separator", raw))
    if "" in parts:
        return DateValue(year), flags + [_garbled(field, raw, "empty date component")]
    if len(parts) > 2:
        flags.append(_garbled(field, raw, "more components than year/month/day; the day is "
                                          "not trusted"))
        parts = parts[:1]
    if parts in (["1"], ["2"]) and rest.strip().startswith("-"):
        # "2024-1", "2028-2": the first or second semester of the year, as offices in Peru,
        # Colombia and Chile write an academic period; no January or February
        return DateValue(year), flags + [Flag(field, "semester", f"{raw!r} names a semester "
                                              "of the year, not a month: the year only",
                                              raw)]
    value, problem = _trusted_prefix(year, parts)
    if problem:
        flags.append(_garbled(field, raw, f"{problem}; kept {value.isoformat()}"))
    return value, flags


def _trusted_prefix(year: int, parts: list[str]) -> tuple[DateValue, str]:
    """Keep month and day while each is well formed; stop at the first that is not.

    In a date that pads to two digits (a part written with a leading zero: "2023/03/2"), a
    one- or three-digit part means digits were lost or moved, and so does a three-digit part
    anywhere ("2011/1/145"): neither that part nor anything after it can be trusted. A date
    that does not pad writes a month or day of two digits only from 10 on ("2019.3.15",
    "2016. 11. 1.", as Korean and Hungarian offices type them).
    """
    padded = any(len(p) > 2 or (len(p) == 2 and p.startswith("0")) for p in parts)

    def well_formed(part: str) -> bool:
        return len(part) == 2 if padded else len(part) == 1 or (len(part) == 2
                                                                and not part.startswith("0"))

    if not parts:
        return DateValue(year), ""
    month_s = parts[0]
    if not well_formed(month_s):
        return DateValue(year), f"month {month_s!r} has the wrong number of digits"
    if not 1 <= int(month_s) <= 12:
        return DateValue(year), f"month {month_s!r} does not exist"
    month = int(month_s)
    if len(parts) == 1:
        return DateValue(year, month), ""
    day_s = parts[1]
    if not well_formed(day_s):
        return DateValue(year, month), f"day {day_s!r} has the wrong number of digits"
    if not _valid_day(year, month, int(day_s)):
        return DateValue(year, month), f"day {day_s!r} does not exist in {year}-{month:02d}"
    return DateValue(year, month, int(day_s)), ""


# "03/2022", "3.2022": a month and its year, as exports write a month (no order question: a
# day-first and a month-first list write it alike)
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.](\d{4})\.?")
# "15.III.2021", "15. III 2021", "III/2021", "XII.2020": the month in Roman numerals, as
# Polish, Czech, Romanian and Balkan official style writes it
_ROMAN_DATE = re.compile(r"(?:(\d{1,2})[./\- ])?([IVX]{1,4})[./\- ](\d{4})\.?")
_ROMAN_MONTHS = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8,
                 "IX": 9, "X": 10, "XI": 11, "XII": 12}


def _month_and_year(compact: str) -> DateValue | None:
    """A month and year ("03/2022"), or a date whose month is a Roman numeral; None when the
    cell is neither or names no month or day that exists."""
    m = _MONTH_YEAR.fullmatch(compact)
    if m is not None:
        month, year = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR:
            return DateValue(year, month)
        return None
    m = _ROMAN_DATE.fullmatch(compact)
    if m is None or m.group(2) not in _ROMAN_MONTHS:
        return None
    year, month = int(m.group(3)), _ROMAN_MONTHS[m.group(2)]
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if m.group(1) is None:
        return DateValue(year, month)
    day = int(m.group(1))
    return DateValue(year, month, day) if _valid_day(year, month, day) else None


# "04/01/23", "31.08.27": day, month and a two-digit year; "1-Sep-22", "15 Mar 21": the month
# named between day and a two-digit year
_NUMERIC_SHORT = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{2})")
_NAMED_SHORT = re.compile(r"(\d{1,2})[\s\-/.]([^\W\d_]+)\.?[\s\-/.](\d{2})")
# two-digit years 00-68 are this century's, 69-99 the last's (as POSIX reads them)
_CENTURY_PIVOT = 69


def _full_year(two_digits: str) -> int:
    number = int(two_digits)
    return (2000 if number < _CENTURY_PIVOT else 1900) + number


def _two_digit_year(compact: str, raw: str, field: str
                    ) -> tuple[DateValue | None, list[Flag]] | None:
    """A date whose year has two digits. With the month named its order is plain; with
    numbers only it follows the document's order, declared or decided from its other dates
    ("04/01/23" may be yy/mm/dd as well as mm/dd/yy), and one that contradicts the order is
    not read at all: a year of two digits is no evidence left to keep."""
    m = _NAMED_SHORT.fullmatch(compact)
    if m is not None:
        month = month_number(fold_accents(m.group(2)))
        year, day = _full_year(m.group(3)), int(m.group(1))
        if month is None or not _valid_day(year, month, day):
            return None
        return DateValue(year, month, day), []
    m = _NUMERIC_SHORT.fullmatch(compact)
    if m is None or active().date_order not in ("dmy", "mdy"):
        return None
    full = _NUMERIC_DMY.fullmatch(f"{m.group(1)}{m.group(2)}{m.group(3)}{m.group(2)}"
                                  f"{_full_year(m.group(4))}")
    assert full is not None
    value, flags = _day_first(raw, full, field)
    if value is None or value.day is None:
        return None, [Flag(field, "date-garbled", "day and month do not fit the document's "
                           "date order; a two-digit year alone is not kept", raw,
                           withheld=True)]
    return value, flags


def _day_first(raw: str, m: re.Match[str], field: str) -> tuple[DateValue | None, list[Flag]]:
    """Day and month of "02.04.2026", "04/07/2019", "7/4/2019".

    The source's date order (declared in its mapping, or decided from the dates of the whole
    document: see :func:`decide_date_order`) says which comes first. Without one, "." is
    day-first (no list writes month-first with dots) and "/" or "-" is certain only when one
    of the two numbers cannot be a month; otherwise only the year is kept, never guessed."""
    first, sep, second, year = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None, [_garbled(field, raw, f"year {year} is not plausible", withheld=True)]
    order = active().date_order
    if order == "mdy":
        day, month = second, first
    elif order == "dmy" or sep == "." or first > 12 >= second or first == second:
        day, month = first, second  # "12/12/2019" is the same date in either order
    elif second > 12 >= first:
        day, month = second, first
    elif first > 12 and second > 12:
        return DateValue(year), [_garbled(field, raw, "neither number can be a month")]
    else:
        msg = "day and month order is ambiguous; kept the year"
        return DateValue(year), [Flag(field, "date-ambiguous", msg, raw)]
    if not 1 <= month <= 12:
        return DateValue(year), [_garbled(field, raw, f"month {month} is not valid")]
    if not _valid_day(year, month, day):
        return DateValue(year, month), [_garbled(field, raw, f"day {day} is not valid")]
    return DateValue(year, month, day), []


def _without_prefix(tokens: list[str], words: _Words) -> list[str]:
    """The tokens after the longest word that only introduces a date ("as of", "Stand")."""
    for prefix in words.prefixes:
        if tuple(tokens[: len(prefix)]) == prefix:
            return tokens[len(prefix):]
    return tokens


def _with_month_name(text: str) -> tuple[DateValue | None, list[Flag]] | None:
    """"May 2016", "as of May 2016", "18 November 2016", "November 18, 2016", and a month
    written as a number after a word that says so ("ngày 20 tháng 5 năm 2019")."""
    words = _words()
    tokens = [t for t in _without_prefix(_tokens(text, words.suffixes), words)
              if t not in words.fillers]
    tokens, marked = _marked_month(tokens, words)
    months = [m for m in map(month_number, tokens) if m is not None] + marked
    years = [t for t in tokens if len(t) == 4 and t.isdecimal()]
    days = [t for t in tokens if t.isdecimal() and len(t) <= 2]
    named = len(months) - len(marked)  # month tokens still among the tokens
    if len(months) != 1 or len(years) != 1 or len(days) > 1 or \
            len(tokens) != named + 1 + len(days):
        return None
    year, month = int(years[0]), months[0]
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if days:
        if not _valid_day(year, month, int(days[0])):
            return None
        return DateValue(year, month, int(days[0])), []
    return DateValue(year, month), []


def _marked_month(tokens: list[str], words: _Words) -> tuple[list[str], list[int]]:
    """The tokens without a month marker and its number ("thang", "5"), and that month."""
    for i, token in enumerate(tokens[:-1]):
        number = tokens[i + 1]
        if token in words.month_markers and number.isdecimal() and 1 <= int(number) <= 12:
            return tokens[:i] + tokens[i + 2:], [int(number)]
    return tokens, []


_NUMERIC_ORDER = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")


@dataclass(frozen=True)
class DateOrder:
    """How a document writes numeric dates, and the evidence for it."""

    order: str | None  # "dmy", "mdy", or None when the document does not say
    day_first: int  # dates only day-first can read ("25/09/2015")
    month_first: int  # dates only month-first can read ("03/15/2018")

    @property
    def reason(self) -> str:
        if self.order is None and self.day_first and self.month_first:
            return (f"{self.day_first} date(s) read only day-first and {self.month_first} "
                    "only month-first: declare date_order in the mapping")
        if self.order is None:
            return "no date decides between day-first and month-first"
        count = self.day_first if self.order == "dmy" else self.month_first
        return f"{count} date(s) can only be read {self.order}, none the other way"


def decide_date_order(cells: Iterable[str]) -> DateOrder:
    """Decide a document's numeric date order from the dates that only one order can read.

    Decided for the whole document, never row by row: "04/07/2019" in a list whose other
    dates include "25/09/2015" is the 4th of July. A document with both kinds, or none, is
    undecided (its mapping must declare the order).
    """
    day_first = month_first = 0
    for cell in cells:
        for m in _NUMERIC_ORDER.finditer(cell):
            first, second = int(m.group(1)), int(m.group(2))
            if first > 12 >= second >= 1:
                day_first += 1
            elif second > 12 >= first >= 1:
                month_first += 1
    order = None
    if day_first and not month_first:
        order = "dmy"
    elif month_first and not day_first:
        order = "mdy"
    return DateOrder(order, day_first, month_first)


def _garbled(field: str, raw: str, message: str, *, withheld: bool = False) -> Flag:
    return Flag(field, "date-garbled", message, raw, withheld=withheld)
