"""Date normaliser: every date cell in the sources, OCR garble, and the other layouts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exchange_kg.normalise.dates import DateValue, gregorian, parse_date
from exchange_kg.normalise.term import parse_terms

SOURCES = Path(__file__).resolve().parents[1] / "sources"

# Garbled dates found in the sources -> (expected ISO value or None, expected flag code).
GARBLED: dict[str, tuple[str | None, str]] = {
    "2023/03/2": ("2023-03", "date-garbled"),  # day cut to one digit by a line break
}

# Garbled dates inside the squashed OCR passes (no tab around them, so listed by hand).
OCR_SQUASHED: dict[str, tuple[str | None, str]] = {
    "2018/00/31": ("2018", "date-garbled"),  # month 00
    "2017/02/00": ("2017-02", "date-garbled"),  # day 00
    "2011/01/12/15": ("2011-01", "date-garbled"),  # four parts: which is the day?
    "2011/1/145": ("2011", "date-garbled"),  # a digit moved: month and day both suspect
    "2016/11/185": ("2016-11", "date-garbled"),  # quota 5 glued to the day
    "2012/04/0": ("2012-04", "date-garbled"),
}


def _date_cells() -> set[str]:
    cells: set[str] = set()
    for name in ("gse-partners.tsv", "gse-partners-newer-ocr.txt", "tohoku-agreements-2016.txt"):
        for line in (SOURCES / name).read_text(encoding="utf-8").splitlines():
            stripped = (c.strip() for c in line.split("\t"))
            cells |= {c for c in stripped if re.fullmatch(r"\d{4}/[\d/]*", c)}
    return cells


def test_sources_have_date_cells_including_the_known_garbles() -> None:
    cells = _date_cells()
    assert len(cells) > 300
    assert set(GARBLED) <= cells


@pytest.mark.parametrize("cell", sorted(_date_cells()))
def test_every_date_cell_in_the_sources(cell: str) -> None:
    value, flags = parse_date(cell)
    if cell in GARBLED:
        iso, code = GARBLED[cell]
        assert (value.isoformat() if value else None) == iso
        assert [f.code for f in flags] == [code]
        return
    assert value is not None and value.precision == "day", cell
    assert value.isoformat() == cell.replace("/", "-")
    assert flags == []


@pytest.mark.parametrize(("cell", "expected"), sorted(OCR_SQUASHED.items()))
def test_ocr_garbled_dates_degrade_with_a_flag(cell: str, expected: tuple[str | None, str]
                                               ) -> None:
    iso, code = expected
    value, flags = parse_date(cell)
    assert (value.isoformat() if value else None) == iso
    assert [f.code for f in flags] == [code]
    assert flags[0].value == cell and flags[0].field == "start"


def test_polish_footer_date_is_day_first() -> None:
    footer = (SOURCES / "pl-partner-universities-2026.tsv").read_text(encoding="utf-8")
    last = [line for line in footer.splitlines() if line.strip()][-1].split("\t")[0]
    assert last.startswith("Data aktualizacji")
    value, flags = parse_date(last)
    assert value == DateValue(2026, 4, 2) and flags == []


def test_tohoku_as_of_line_is_month_precision() -> None:
    text = (SOURCES / "tohoku-agreements-2016.txt").read_text(encoding="utf-8")
    as_of = next(line for line in text.splitlines() if "as of" in line)
    value, flags = parse_date(as_of)
    assert value == DateValue(2016, 5) and value.precision == "month" and flags == []


@pytest.mark.parametrize(
    ("text", "iso", "codes"),
    [
        ("2016/11/18", "2016-11-18", []),
        ("2016-11-18", "2016-11-18", []),
        ("2016.11.18", "2016-11-18", []),
        ("2016 / 11 / 18", "2016-11-18", []),
        ("2016/5/3", "2016-05-03", []),  # unpadded throughout: consistent, so trusted
        ("2016/05", "2016-05", []),
        ("2016", "2016", []),
        ("02.04.2026", "2026-04-02", []),
        ("2.4.2026", "2026-04-02", []),
        ("13/05/2016", "2016-05-13", []),  # day-first is the only reading
        ("05/13/2016", "2016-05-13", []),  # month-first is the only reading
        ("05/06/2016", "2016", ["date-ambiguous"]),
        ("May 2016", "2016-05", []),
        ("as of May 2016", "2016-05", []),
        ("(as of May 2016)", "2016-05", []),
        ("Sept 2019", "2019-09", []),
        ("18 November 2016", "2016-11-18", []),
        ("November 18, 2016", "2016-11-18", []),
        ("2 kwietnia 2026", "2026-04-02", []),
        ("stan na 2 kwietnia 2026", "2026-04-02", []),
        ("1998/", "1998", ["truncated"]),
        ("1998/05/", "1998-05", ["truncated"]),
        ("2019/02/29", "2019-02", ["date-garbled"]),  # not a leap year
        ("2020/02/29", "2020-02-29", []),
        ("2019/13/01", "2019", ["date-garbled"]),
        ("31.02.2020", "2020-02", ["date-garbled"]),
        ("0140/", None, ["date-garbled"]),  # year 140
        ("hello", None, ["unreadable"]),
        ("May", None, ["unreadable"]),
        ("", None, []),
        ("   ", None, []),
    ],
)
def test_parse_date_layouts(text: str, iso: str | None, codes: list[str]) -> None:
    value, flags = parse_date(text)
    assert (value.isoformat() if value else None) == iso
    assert [f.code for f in flags] == codes


def test_unreadable_and_implausible_dates_are_withheld() -> None:
    for text in ("hello", "0140/"):
        _, flags = parse_date(text)
        assert flags and all(f.withheld for f in flags)


def test_field_name_is_configurable() -> None:
    _, flags = parse_date("2018/00/31", field="end")
    assert flags[0].field == "end"


def test_date_value_precision_and_isoformat() -> None:
    assert DateValue(2016, 11, 18).precision == "day"
    assert DateValue(2016, 5).precision == "month"
    assert DateValue(2016).precision == "year"
    assert DateValue(2016, 5).isoformat() == "2016-05" == str(DateValue(2016, 5))
    assert DateValue(987).isoformat() == "0987"


@pytest.mark.parametrize(("year", "month", "day"), [(2016, 13, None), (2016, 2, 30),
                                                    (2016, None, 1), (2016, 0, None)])
def test_date_value_rejects_impossible_dates(year: int, month: int | None, day: int | None
                                             ) -> None:
    with pytest.raises(ValueError):
        DateValue(year, month, day)


# ------------------------------------------------------------------- date order per document


@pytest.mark.parametrize(("cells", "order"), [
    (["25/09/2015", "04/07/2019"], "dmy"),          # 25 cannot be a month
    (["03/15/2018", "7/4/2019", "11/02/2019"], "mdy"),
    (["04/07/2019", "01/03/2016"], None),          # nothing decides
    (["25/09/2015", "03/15/2018"], None),           # contradictory: must be declared
    (["2016/11/18", "2017"], None),                 # year-first dates say nothing about D/M
    (["bis 31.05.2021", "2019–2024"], "dmy"),       # dates inside term cells count too
])
def test_the_date_order_is_decided_per_document(cells: list[str], order: str | None) -> None:
    from exchange_kg.normalise.dates import decide_date_order

    decided = decide_date_order(cells)
    assert decided.order == order
    if order is None and decided.day_first and decided.month_first:
        assert "declare date_order" in decided.reason


@pytest.mark.parametrize(("order", "cell", "expected"), [
    ("dmy", "04/07/2019", DateValue(2019, 7, 4)),
    ("mdy", "04/07/2019", DateValue(2019, 4, 7)),
    (None, "04/07/2019", DateValue(2019)),          # undecided: only the year, flagged
    ("dmy", "03/15/2018", DateValue(2018)),         # contradicts the order: garbled, flagged
])
def test_an_ambiguous_date_follows_the_document_order(order: str | None, cell: str,
                                                      expected: DateValue) -> None:
    from exchange_kg.normalise.vocabulary import BUILTIN, using

    with using(BUILTIN.with_date_order(order)):
        value, flags = parse_date(cell)
    assert value == expected
    assert bool(flags) == (expected.day is None)


@pytest.mark.parametrize(("cell", "start", "end"), [
    ("a.a. 2025/26", 2025, 2026),
    ("A.A. 2027/2028", 2027, 2028),
    ("WiSe 2025/26", 2025, 2026),
    ("WS 2025/26", 2025, 2026),
    ("SS 2026", 2026, 2026),
    ("SoSe 2026", 2026, 2026),
    ("2025/2026 akademik yılı", 2025, 2026),
    ("2025/2026. tanév", 2025, 2026),
    ("akademický rok 2022/2023", 2022, 2023),
    ("ZS 2021/22", 2021, 2022),
    ("ano letivo 2023/2024", 2023, 2024),
    ("academiejaar 2022-2023", 2022, 2023),
    ("läsåret 2021/22", 2021, 2022),
    ("HT 2021", 2021, 2021),
    ("lukuvuonna 2025–2026", 2025, 2026),
    ("ακαδημαϊκό έτος 2021-2022", 2021, 2022),
    ("anul universitar 2021/2022", 2021, 2022),
    ("2021–2022 mokslo metai", 2021, 2022),
    ("AY 2024-25", 2024, 2025),
    ("Fall 2025", 2025, 2025),
    ("Semester 1 2022", 2022, 2022),
    ("2025/2026", 2025, 2026),  # two consecutive years with a slash: an academic year
    ("2025/26", 2025, 2026),
])
def test_an_academic_year_or_semester_is_its_first_year_as_a_start_and_last_as_an_end(
        cell: str, start: int, end: int) -> None:
    assert parse_date(cell, field="start") == (DateValue(start), [])
    assert parse_date(cell, field="end") == (DateValue(end), [])


@pytest.mark.parametrize("cell", [
    "2011/12",      # December 2011 in a year/month list, not an academic year
    "2011-12",      # December 2011 as ISO writes it
    "a.a. 2025/27",  # the years do not follow each other
    "WS 2025/26/27",
])
def test_what_is_no_academic_year_is_not_read_as_one(cell: str) -> None:
    from exchange_kg.normalise.dates import academic_period

    assert academic_period(cell) is None


@pytest.mark.parametrize(("cell", "expected"), [
    ("31 srpna 2027", DateValue(2027, 8, 31)),
    ("15. března 2020", DateValue(2020, 3, 15)),
    ("2028. augusztus 31.", DateValue(2028, 8, 31)),
    ("15 Mart 2019", DateValue(2019, 3, 15)),
    ("31 augustus 2028", DateValue(2028, 8, 31)),
    ("augusti 2027", DateValue(2027, 8)),
    ("31.7.2028", DateValue(2028, 7, 31)),
    ("syyskuu 2021", DateValue(2021, 9)),
    ("1. september 2021", DateValue(2021, 9, 1)),
    ("15 Μαρτίου 2019", DateValue(2019, 3, 15)),
    ("Σεπτ 2021", DateValue(2021, 9)),
    ("15 martie 2019", DateValue(2019, 3, 15)),
    ("2025 m. liepos 31 d.", DateValue(2025, 7, 31)),
    ("2028.08.31.", DateValue(2028, 8, 31)),  # the day's dot (hu, lt): complete, not cut off
    ("2028. 08. 31.", DateValue(2028, 8, 31)),
])
def test_dates_in_further_languages(cell: str, expected: DateValue) -> None:
    assert parse_date(cell) == (expected, [])


def test_a_date_cut_off_after_a_slash_is_still_flagged() -> None:
    value, flags = parse_date("2016/11/")
    assert value == DateValue(2016, 11) and [f.code for f in flags] == ["truncated"]


@pytest.mark.parametrize(("cell", "start", "end"), [
    ("1º semestre de 2022", 2022, 2022),
    ("Term 1 2025", 2025, 2025),
    ("Sem 2, 2022", 2022, 2022),
    ("2026-2027 Bahar Dönemi", 2026, 2027),
    ("2021-2022", 2021, 2022),  # four-digit years joined by a dash cannot be a year and month
    ("2021-22", 2021, 2022),  # nor can 22: no month has that number
])
def test_further_semester_and_year_forms(cell: str, start: int, end: int) -> None:
    assert parse_date(cell, field="start") == (DateValue(start), [])
    assert parse_date(cell, field="end") == (DateValue(end), [])


@pytest.mark.parametrize(("cell", "expected", "flagged"), [
    ("2005年10月1日", "2005-10-01", False),  # ja, zh
    ("2005년 10월 1일", "2005-10-01", False),  # ko
    ("2005年10月", "2005-10", False),
    ("2005年", "2005", False),
    ("2005年13月1日", "2005", True),  # no month 13: the year is kept, with a flag
    ("2005年2月30日", "2005-02", True),
])
def test_dates_with_year_month_and_day_signs(cell: str, expected: str, flagged: bool) -> None:
    value, flags = parse_date(cell)
    assert value is not None and value.isoformat() == expected
    assert bool(flags) is flagged


def test_a_polish_semester_and_a_two_digit_second_year() -> None:
    assert parse_date("semestr zimowy 2022/23") == (DateValue(2022), [])
    assert parse_date("2027-28", field="end") == (DateValue(2028), [])


@pytest.mark.parametrize(("cell", "expected"), [
    # a date closed with a dot (hr, lv, sk), and words after a date that only say it is one
    ("01.10.2021.", DateValue(2021, 10, 1)),
    ("1. 10. 2021.", DateValue(2021, 10, 1)),
    ("1.10.2021 r.", DateValue(2021, 10, 1)),
    ("2021. gada 1. septembris", DateValue(2021, 9, 1)),
    ("2020 m. kovo mėn.", DateValue(2020, 3)),
    ("ožujak 2019.", DateValue(2019, 3)),
    ("2021.", DateValue(2021)),  # a year with its dot is whole, not cut off
    ("2022/23-as tanév", DateValue(2022)),
    ("høst 2023", DateValue(2023)),
])
def test_dates_closed_with_a_dot_or_a_word(cell: str, expected: DateValue) -> None:
    assert parse_date(cell) == (expected, [])


def test_a_slash_date_closed_with_a_dot_is_not_read() -> None:
    assert parse_date("01/10/2021.")[0] is None


@pytest.mark.parametrize(("cell", "expected"), [
    ("令和9年2月28日", DateValue(2027, 2, 28)),
    ("令和元年5月1日", DateValue(2019, 5, 1)),
    ("平成31年3月", DateValue(2019, 3)),
    ("R10.7.11", DateValue(2028, 7, 11)),
    ("H31.3.31", DateValue(2019, 3, 31)),
    ("民國110年", DateValue(2021)),
])
def test_a_date_counted_in_an_era_is_the_gregorian_date_it_is(
        cell: str, expected: DateValue) -> None:
    assert parse_date(cell) == (expected, [])


def test_a_letter_before_a_year_is_no_era_without_month_and_day() -> None:
    assert gregorian("S 2026") == "S 2026"
    assert gregorian("R10") == "R10"


@pytest.mark.parametrize(("cell", "expected"), [
    ("20260831", DateValue(2026, 8, 31)),  # ISO 8601 basic format, as exports write it
    ("1 de febrer de 2022", DateValue(2022, 2, 1)),  # Catalan
    ("31 d'agost de 2029", DateValue(2029, 8, 31)),
])
def test_basic_iso_and_catalan_dates(cell: str, expected: DateValue) -> None:
    assert parse_date(cell) == (expected, [])


@pytest.mark.parametrize("cell", ["20261331", "12345678"])
def test_eight_digits_that_are_no_date_are_not_read(cell: str) -> None:
    assert parse_date(cell)[0] is None


@pytest.mark.parametrize(("cell", "expected"), [
    # a three-digit year of the Republic of China, as Taiwanese offices write it without 民國
    ("108/7/1", DateValue(2019, 7, 1)),
    ("113.9.1", DateValue(2024, 9, 1)),
    ("113/06/30", DateValue(2024, 6, 30)),
    # a Buddhist-era year named as one
    ("พ.ศ. 2567", DateValue(2024)),
    ("B.E. 2567", DateValue(2024)),
    ("2567 B.E.", DateValue(2024)),
])
def test_years_of_further_calendars_named_or_unmistakable(cell: str, expected: DateValue
                                                         ) -> None:
    assert parse_date(cell) == (expected, [])


@pytest.mark.parametrize("cell", [
    "188/7/1",   # year 2099: more likely 1988 with a digit lost than a date of the Republic
    "018/7/1",
    "2567",      # a bare year beyond 2100 names no era: not read
    "2567-01-15",
    "1445/08/20 هـ",  # a Hijri date: its Gregorian day depends on the reckoning; not read
])
def test_years_no_calendar_makes_plausible_are_not_read(cell: str) -> None:
    assert parse_date(cell)[0] is None


def test_a_hijri_date_with_its_gregorian_date_is_the_gregorian_one() -> None:
    assert parse_date("1445/08/20هـ الموافق 2024/03/01م")[0] == DateValue(2024, 3, 1)


@pytest.mark.parametrize(("order", "cell", "expected"), [
    ("mdy", "04/01/23", DateValue(2023, 4, 1)),
    ("mdy", "03/31/28", DateValue(2028, 3, 31)),
    ("dmy", "31/08/27", DateValue(2027, 8, 31)),
    ("dmy", "01.10.21", DateValue(2021, 10, 1)),
    (None, "04/01/23", None),  # without the document's order it may be yy/mm/dd as well
    ("mdy", "31/08/27", None),  # contradicts the order
])
def test_two_digit_years_follow_the_document_order(order: str | None, cell: str,
                                                   expected: DateValue | None) -> None:
    from exchange_kg.normalise.vocabulary import BUILTIN, using

    with using(BUILTIN.with_date_order(order)):
        assert parse_date(cell)[0] == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("1-Sep-22", DateValue(2022, 9, 1)),  # a spreadsheet's day-month-year with the month named
    ("31-Aug-27", DateValue(2027, 8, 31)),
    ("15 Mar 21", DateValue(2021, 3, 15)),
])
def test_a_named_month_between_day_and_two_digit_year(cell: str, expected: DateValue) -> None:
    assert parse_date(cell)[0] == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("44593", DateValue(2022, 2, 1)),  # a spreadsheet's day number, pasted as a value
    ("47269", DateValue(2029, 5, 31)),
    ("45170", DateValue(2023, 9, 1)),
])
def test_a_spreadsheet_day_number_is_its_date_flagged(cell: str, expected: DateValue) -> None:
    value, flags = parse_date(cell)
    assert value == expected
    assert [f.code for f in flags] == ["date-serial"] and not flags[0].withheld


@pytest.mark.parametrize("cell", ["12345", "99999", "2024", "445931"])
def test_numbers_no_spreadsheet_day_of_an_agreement_are_not_read(cell: str) -> None:
    assert parse_date(cell)[0] in (None, DateValue(2024))


@pytest.mark.parametrize(("cell", "expected"), [
    # year first, unpadded, as Korean, Chinese and Hungarian offices type dates
    ("2019. 3. 15.", DateValue(2019, 3, 15)),
    ("2019.3.15", DateValue(2019, 3, 15)),
    ("2016. 11. 1.", DateValue(2016, 11, 1)),
    ("2016/11/1", DateValue(2016, 11, 1)),
])
def test_a_year_first_date_that_does_not_pad(cell: str, expected: DateValue) -> None:
    assert parse_date(cell) == (expected, [])


def test_a_day_equal_to_its_month_needs_no_order() -> None:
    assert parse_date("12/12/2019") == (DateValue(2019, 12, 12), [])
    assert parse_date("04/04/2021") == (DateValue(2021, 4, 4), [])


@pytest.mark.parametrize(("cell", "expected"), [
    ("01.02.2022 г.", DateValue(2022, 2, 1)),  # Bulgarian, Russian: 'year' after the date
    ("15 Mac 2021", DateValue(2021, 3, 15)),  # Malay
    ("3 Ogos 2022", DateValue(2022, 8, 3)),
    ("1 Agustus 2020", DateValue(2020, 8, 1)),  # Indonesian
    ("1 Maret 2023", DateValue(2023, 3, 1)),
    ("15 مارس 2024", DateValue(2024, 3, 15)),  # Arabic
])
def test_dates_of_further_languages_named_months(cell: str, expected: DateValue) -> None:
    assert parse_date(cell) == (expected, [])


@pytest.mark.parametrize(("cell", "expected"), [
    ("03/2022", DateValue(2022, 3)), ("3.2022", DateValue(2022, 3)),  # a month and its year
    ("15.III.2021", DateValue(2021, 3, 15)), ("15. III 2021", DateValue(2021, 3, 15)),
    ("III/2021", DateValue(2021, 3)), ("XII.2020", DateValue(2020, 12)),
    ("15 марта 2021", DateValue(2021, 3, 15)), ("15 березня 2021", DateValue(2021, 3, 15)),
    ("15 март 2021 г.", DateValue(2021, 3, 15)),
])
def test_months_by_number_alone_roman_numeral_or_cyrillic_name(cell: str, expected: DateValue
                                                               ) -> None:
    assert parse_date(cell) == (expected, [])


@pytest.mark.parametrize("cell", ["13/2022", "31.II.2021", "XIII.2020"])
def test_no_month_that_does_not_exist(cell: str) -> None:
    assert parse_date(cell)[0] is None


@pytest.mark.parametrize(("cell", "expected"), [
    ("ngày 20 tháng 5 năm 2019", DateValue(2019, 5, 20)),  # Vietnamese: day, month, year words
    ("tháng 5 năm 2019", DateValue(2019, 5)),
    ("15 tháng 3, 2021", DateValue(2021, 3, 15)),
])
def test_a_month_written_as_a_number_after_its_word(cell: str, expected: DateValue) -> None:
    assert parse_date(cell) == (expected, [])


@pytest.mark.parametrize(("normaliser", "cell"), [
    ("date", "\u200f2021/09/22\u200f"), ("date", "2021-09-22\u200b"), ("quota", "\u200e3\u200e"),
    ("quota", "3\u00ad")])
def test_marks_that_only_steer_display_do_not_stop_a_value_being_read(normaliser: str,
                                                                       cell: str) -> None:
    # a right-to-left page's direction marks, a zero-width space, a soft hyphen
    from exchange_kg.normalise import registry

    value, flags = registry.normalise(normaliser, cell, normaliser, {})
    assert value is not None and not flags


@pytest.mark.parametrize(("cell", "expected"), [
    # Latvian long dates: the month declined (locative, dative, genitive)
    ("2019. gada 15. martā", DateValue(2019, 3, 15)),
    ("2029. gada 31. maijam", DateValue(2029, 5, 31)),
    ("2021. gada 1. septembra", DateValue(2021, 9, 1)),
    # Basque: the year and the day carry a suffix, the month is in the genitive
    ("2021eko irailaren 1a", DateValue(2021, 9, 1)),
    ("Eguneratua: 2025eko urriaren 1a", DateValue(2025, 10, 1)),
    ("2029ko maiatzaren 31", DateValue(2029, 5, 31)),
    # a Gregorian date marked so (م, ميلادي), as Arabic lists write it without a Hijri one
    ("2021/12/16م", DateValue(2021, 12, 16)),
    ("2021/12/16 م", DateValue(2021, 12, 16)),
])
def test_long_dates_of_further_languages(cell: str, expected: DateValue) -> None:
    assert parse_date(cell) == (expected, [])


def test_a_basque_suffix_is_dropped_only_where_it_is_glued_to_a_number() -> None:
    """'a' is the day's suffix in '1a'; alone it is a word ("1 a 2021" is no date)."""
    assert parse_date("1 a irailaren 2021")[0] is None


@pytest.mark.parametrize(("cell", "expected"), [
    # a Thai month's name: the year is of the Buddhist era, 543 years ahead
    ("15 มีนาคม 2564", DateValue(2021, 3, 15)),
    ("1 ต.ค. 2565", DateValue(2022, 10, 1)),
    ("๑ มิ.ย. ๒๕๖๖", DateValue(2023, 6, 1)),  # Thai digits
    ("30 ก.ย 2568", DateValue(2025, 9, 30)),  # the abbreviation's closing dot left out
    ("มีนาคม 2564", DateValue(2021, 3)),
    ("15 มีนาคม 2021", DateValue(2021, 3, 15)),  # a Gregorian year stays one
    ("ข้อมูล ณ วันที่ 1 ตุลาคม 2568", DateValue(2025, 10, 1)),
])
def test_thai_dates_count_buddhist_era_years(cell: str, expected: DateValue) -> None:
    assert parse_date(cell) == (expected, [])


@pytest.mark.parametrize("cell", ["31 ก.พ. 2564", "2564", "15 March 2564"])
def test_a_buddhist_era_year_needs_a_thai_month_and_a_real_day(cell: str) -> None:
    assert parse_date(cell)[0] is None


@pytest.mark.parametrize(("cell", "expected"), [
    ("as of 01.10.2025", DateValue(2025, 10, 1)),
    ("stan na 02.04.2026", DateValue(2026, 4, 2)),
    ("Stand 2025-10-01", DateValue(2025, 10, 1)),
])
def test_a_numeric_date_after_an_as_of_phrase(cell: str, expected: DateValue) -> None:
    assert parse_date(cell) == (expected, [])


def test_an_as_of_phrase_is_a_whole_word() -> None:
    assert parse_date("Standard 01.10.2025")[0] is None


@pytest.mark.parametrize(("cell", "expected"), [
    ("15 mart 2021", DateValue(2021, 3, 15)),              # az
    ("2 de xullo de 2021", DateValue(2021, 7, 2)),         # gl
    ("15 במרץ 2019", DateValue(2019, 3, 15)),              # he: the month with its prefix
    ("15 मार्च 2021", DateValue(2021, 3, 15)),             # hi
    ("১৭ জানুয়ারি ২০২৪", DateValue(2024, 1, 17)),         # bn, Bengali digits
    ("15 மார்ச் 2021", DateValue(2021, 3, 15)),            # ta
    ("20 جون 2019", DateValue(2019, 6, 20)),               # ur
    ("1. ágúst 2023", DateValue(2023, 8, 1)),              # is
    ("2019 წლის 12 აპრილი", DateValue(2019, 4, 12)),       # ka, year first
    ("2019 жылғы 10 қазан", DateValue(2019, 10, 10)),      # kk, year first
    ("15.03.2016 ж.", DateValue(2016, 3, 15)),             # kk: 'year' after the date
    ("01.02.2022 год.", DateValue(2022, 2, 1)),            # mk
    ("15.03.2016թ.", DateValue(2016, 3, 15)),              # hy: 'year' written onto it
    ("12 ta' Diċembru 2022", DateValue(2022, 12, 12)),     # mt
    ("tarehe 15 Machi 2021", DateValue(2021, 3, 15)),      # sw
    ("Hunyo 14, 2019", DateValue(2019, 6, 14)),            # tl, month first
    ("1 Medi 2021", DateValue(2021, 9, 1)),                # cy
])
def test_month_names_and_year_words_of_further_languages(cell: str, expected: DateValue
                                                         ) -> None:
    assert parse_date(cell) == (expected, [])


@pytest.mark.parametrize(("language", "expected"), [
    ("hr", DateValue(2021, 10, 1)),   # Croatian 'listopad' is October
    ("pl", DateValue(2021, 11, 1)),   # Polish 'listopad' is November
    (None, None),                     # without the language the month is not told
])
def test_a_month_name_of_two_meanings_is_read_by_the_language(language: str | None,
                                                              expected: DateValue | None
                                                              ) -> None:
    from exchange_kg.normalise.vocabulary import BUILTIN, using

    with using(BUILTIN.with_language(language)):
        assert parse_date("1. listopada 2021.")[0] == expected


def test_a_label_before_a_colon_is_dropped_a_date_is_not() -> None:
    """Everything before the last colon was dropped: a start cell 'signed: 15.03.2021; ends:
    14.03.2026' was published as starting 2026-03-14 (a false fact)."""
    assert parse_date("signed: 15.03.2021; ends: 14.03.2026")[0] is None
    assert parse_date("Data aktualizacji: 02.04.2026")[0] == DateValue(2026, 4, 2)


@pytest.mark.parametrize("cell", [
    "01/01/1900", "1900-01-01", "1900-01-00", "00.00.0000", "30.12.1899", "1899-12-31",
    "1970-01-01", "01.01.1970", "31/12/2099", "12/31/2099", "2099-12-31", "20991231",
    "01.01.2100", "2100-12-31", "31.12.9999", "9999-12-31", "2099-12-31 00:00:00",
    "2099-12-31T00:00:00Z", "73050",  # a spreadsheet's day number of 2099-12-31
])
def test_an_exports_stand_in_for_an_empty_date_is_reported_not_published(cell: str) -> None:
    """Exports write "no date" as 1900-01-01 or 2099-12-31: published, each was a false
    start in 1900 or a false end 75 years ahead."""
    for field in ("start", "end"):
        value, flags = parse_date(cell, field=field)
        assert value is None, cell
        assert [(f.code, f.withheld) for f in flags] == [("date-placeholder", True)], cell


@pytest.mark.parametrize(("cell", "expected"), [
    ("31 December 2099", DateValue(2099, 12, 31)),  # a person wrote it: a date all the same
    ("2100", DateValue(2100)),
    ("30.12.2099", DateValue(2099, 12, 30)),
    ("02.01.1970", DateValue(1970, 1, 2)),
    ("31.12.2029", DateValue(2029, 12, 31)),
])
def test_a_day_near_an_exports_stand_in_is_a_date(cell: str, expected: DateValue) -> None:
    assert parse_date(cell, field="end") == (expected, [])


@pytest.mark.parametrize(("cell", "expected"), [
    ("31/05/2029²", DateValue(2029, 5, 31)),
    ("31.05.2029*", DateValue(2029, 5, 31)),
    ("2027†", DateValue(2027)),
])
def test_a_footnote_mark_after_a_date_is_no_part_of_it(cell: str, expected: DateValue) -> None:
    """An untuned French list's end '31/05/2029²' (a note under the table) was unreadable."""
    value, flags = parse_date(cell, field="end")
    assert value == expected and [(f.code, f.withheld) for f in flags] == [
        ("footnote-mark", False)]
    terms, flags = parse_terms(cell, field="end", role="end")
    assert [t.end for t in terms] == [expected] and "footnote-mark" in [f.code for f in flags]


@pytest.mark.parametrize(("cell", "expected"), [
    ("2021-03-15 00:00:00", DateValue(2021, 3, 15)),  # pandas / spreadsheet CSV exports
    ("2021-03-15T09:30:00Z", DateValue(2021, 3, 15)),
    ("15.03.2021 00:00", DateValue(2021, 3, 15)),
])
def test_a_time_of_day_after_a_date_leaves_the_date(cell: str, expected: DateValue) -> None:
    assert parse_date(cell) == (expected, [])


@pytest.mark.parametrize(("cell", "expected"), [
    ("2018 оны 5 дугаар сарын 14", DateValue(2018, 5, 14)),
    ("2018 оны 5-р сарын 14", DateValue(2018, 5, 14)),
    ("2019 оны 1 дүгээр сарын 5-ний", DateValue(2019, 1, 5)),
    ("2018 оны 12 дугаар сар", DateValue(2018, 12)),
])
def test_mongolian_dates_count_their_months(cell: str, expected: DateValue) -> None:
    """Mongolian counts months ('5 дугаар сар': the 5th month) after the year ('2018 оны'):
    such dates were unreadable."""
    assert parse_date(cell)[0] == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("2024-1", DateValue(2024)), ("2028-2", DateValue(2028)),   # semesters: no month
    ("2024-01", DateValue(2024, 1)), ("2024/1", DateValue(2024, 1)), ("2024-3", DateValue(2024, 3)),
])
def test_a_year_and_its_semester_is_no_month(cell: str, expected: DateValue) -> None:
    """'2024-1' / '2028-2' (first, second semester: Peruvian, Colombian, Chilean offices)
    were published as January 2024 and February 2028."""
    assert parse_date(cell)[0] == expected
