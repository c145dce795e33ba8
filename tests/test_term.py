"""Polish term cells: every value of "ROK ZAWARCIA I OKRES TRWANIA", plus synthetic cases."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from exchange_kg.normalise.dates import DateValue
from exchange_kg.normalise.term import Term, parse_terms, term_phrases
from exchange_kg.normalise.vocabulary import BUILTIN, Entry, Vocabulary, using

SOURCES = Path(__file__).resolve().parents[1] / "sources"
POLISH = SOURCES / "pl-partner-universities-2026.tsv"

MOU = "memorandum-of-understanding"
LOI = "letter-of-intent"


def T(start: int | None, end: int | None = None, *, open_ended: bool | None = None,
      duration: int | None = None, auto: bool | None = None, kinds: tuple[str, ...] = (),
      text: str) -> Term:
    """A term as the cell states it: a range or a duration states a fixed term (open_ended
    False); without one, and without an indefinite phrase, open-endedness is unstated."""
    if open_ended is None and (end or duration):
        open_ended = False
    return Term(DateValue(start) if start else None, DateValue(end) if end else None,
                open_ended, duration, auto, kinds, text)


# Cells that are not "YYYY na czas nieokreślony" or a plain "YYYY-YYYY" range
# -> (terms, flag codes).
EXPECTED: dict[str, tuple[list[Term], list[str]]] = {
    "2025-na czas nieokreślony (automatycznie)": (
        [T(2025, open_ended=True, auto=True, text="2025-na czas nieokreślony (automatycznie)")],
        []),
    "2024 - czas nieokreślony": (
        [T(2024, open_ended=True, text="2024 - czas nieokreślony")], []),
    "2025- czas nieokreślony": (
        [T(2025, open_ended=True, text="2025- czas nieokreślony")], []),
    "2015 - na czas nieokreślony": (
        [T(2015, open_ended=True, text="2015 - na czas nieokreślony")], []),
    "2008 - na 5 lat automatycznie przedłużana": (
        [T(2008, duration=5, auto=True, text="2008 - na 5 lat automatycznie przedłużana")], []),
    "2012 na czas nieokreślony 2015 na 5 lat z automatycznym przedłużeniem": (
        [T(2012, open_ended=True, text="2012 na czas nieokreślony"),
         T(2015, duration=5, auto=True, text="2015 na 5 lat z automatycznym przedłużeniem")],
        []),
    "2016 na czas nieokreślony oraz 2025 na czas nieokreślony (okres obowiązywania "
    "przedłużony co 4 lata)": (
        [T(2016, open_ended=True, text="2016 na czas nieokreślony"),
         T(2025, open_ended=True, duration=4, auto=True,
           text="2025 na czas nieokreślony (okres obowiązywania przedłużony co 4 lata)")],
        []),
    "MoU - 2026 -2031; umowa dotycząca wymian 2026 - na czas nieokreślony": (
        [T(2026, 2031, kinds=(MOU,), text="MoU - 2026 -2031"),
         T(2026, open_ended=True, kinds=("student-exchange",),
           text="umowa dotycząca wymian 2026 - na czas nieokreślony")],
        []),
    "2003 na czas nieokreślony (umowa o współpracy); 2024 na czas nieokreślony (M&U)": (
        [T(2003, open_ended=True, kinds=("cooperation-agreement",),
           text="2003 na czas nieokreślony (umowa o współpracy)"),
         T(2024, open_ended=True, kinds=(MOU,), text="2024 na czas nieokreślony (M&U)")],
        ["ocr-repaired"]),
    "2015 na czas nieokreślony; 2025-2030 - umowa o współpracy naukowej, kulturalnej i "
    "edukacyjnej": (
        [T(2015, open_ended=True, text="2015 na czas nieokreślony"),
         T(2025, 2030, kinds=("cooperation-agreement",),
           text="2025-2030 - umowa o współpracy naukowej, kulturalnej i edukacyjnej")],
        []),
    "2026 - na czas nieokreślony (MoU oraz umowa dot. wymian)": (
        [T(2026, open_ended=True, kinds=(MOU, "student-exchange"),
           text="2026 - na czas nieokreślony (MoU oraz umowa dot. wymian)")],
        []),
    "2014 List Intencyjny": ([T(2014, kinds=(LOI,), text="2014 List Intencyjny")], []),
    "2014 List intencyjny": ([T(2014, kinds=(LOI,), text="2014 List intencyjny")], []),
    "2011 list intencyjny": ([T(2011, kinds=(LOI,), text="2011 list intencyjny")], []),
    "2009 - list intencyjny": ([T(2009, kinds=(LOI,), text="2009 - list intencyjny")], []),
    "2001 - List intencyjny": ([T(2001, kinds=(LOI,), text="2001 - List intencyjny")], []),
    "2025 - 2030; student exchange agreement": (
        [T(2025, 2030, kinds=("student-exchange",),
           text="2025 - 2030; student exchange agreement")],
        []),
    "2025 - 2030 (automatycznie przedłużona)": (
        [T(2025, 2030, auto=True, text="2025 - 2030 (automatycznie przedłużona)")], []),
    "2017 na czas nieokreślony; 2025 na czas nieokreślony": (
        [T(2017, open_ended=True, text="2017 na czas nieokreślony"),
         T(2025, open_ended=True, text="2025 na czas nieokreślony")], []),
    "2025 na czas nieokreślony; 2007 na czas nieokreślony": (
        [T(2025, open_ended=True, text="2025 na czas nieokreślony"),
         T(2007, open_ended=True, text="2007 na czas nieokreślony")], []),
    "2019 na czas nieokreślony; 2025 - 2030": (
        [T(2019, open_ended=True, text="2019 na czas nieokreślony"),
         T(2025, 2030, text="2025 - 2030")], []),
    # garbled years are not repaired into 2015/2014; "na czas" is cut-off "nieokreślony"
    "ZV15 List Intencyjny; ZV14 na czas": (
        [T(None, kinds=(LOI,), text="ZV15 List Intencyjny"),
         T(None, open_ended=True, text="ZV14 na czas")],
        ["date-garbled", "date-garbled", "truncated"]),
    "2005 na czas nieokreślony; ZV25-na czas": (
        [T(2005, open_ended=True, text="2005 na czas nieokreślony"),
         T(None, open_ended=True, text="ZV25-na czas")],
        ["date-garbled", "truncated"]),
}

_INDEFINITE = re.compile(r"(\d{4}) na czas nieokreślony")
_RANGE = re.compile(r"(\d{4}) ?- ?(\d{4})")


def _term_cells() -> set[str]:
    cells: set[str] = set()
    for line in POLISH.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) > 4 and parts[0].strip().isdigit() and parts[4].strip():
            cells.add(parts[4].strip())
    return cells


def _expected(cell: str) -> tuple[list[Term], list[str]]:
    if cell in EXPECTED:
        return EXPECTED[cell]
    m = _INDEFINITE.fullmatch(cell)
    if m:
        return [T(int(m.group(1)), open_ended=True, text=cell)], []
    m = _RANGE.fullmatch(cell)
    if m:
        return [T(int(m.group(1)), int(m.group(2)), text=cell)], []
    raise KeyError(cell)


def test_every_term_cell_in_the_polish_list_has_an_expectation() -> None:
    cells = _term_cells()
    assert len(cells) >= 80
    missing = []
    for cell in sorted(cells):
        try:
            _expected(cell)
        except KeyError:
            missing.append(cell)
    assert not missing, f"new term spellings in the Polish list: {missing}"
    assert set(EXPECTED) <= cells  # the table is about real values, not stale ones


@pytest.mark.parametrize("cell", sorted(_term_cells()))
def test_every_term_cell_in_the_polish_list(cell: str) -> None:
    terms, flags = parse_terms(cell)
    expected_terms, codes = _expected(cell)
    assert terms == expected_terms
    assert [f.code for f in flags] == codes
    assert all(f.field == "term" for f in flags)


def test_garbled_year_flag_carries_the_raw_text_and_is_withheld() -> None:
    _, flags = parse_terms("ZV15 List Intencyjny; ZV14 na czas")
    garbled = [f for f in flags if f.code == "date-garbled"]
    assert [f.value for f in garbled] == ["ZV15", "ZV14"]
    assert all(f.withheld for f in garbled)
    truncated = next(f for f in flags if f.code == "truncated")
    assert not truncated.withheld  # published as open-ended, with the doubt shown


def _summary(terms: list[Term]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in vars(t).items() if k != "text" and v not in (None, False, ())}
        for t in terms
    ]


@pytest.mark.parametrize(
    ("text", "expected", "codes"),
    [
        ("", [], []),
        ("2017", [{"start": DateValue(2017)}], []),
        ("na czas nieokreślony", [{"open_ended": True}], []),
        ("2024 do 2029", [{"start": DateValue(2024), "end": DateValue(2029)}], []),
        ("2024 – 2029", [{"start": DateValue(2024), "end": DateValue(2029)}], []),
        ("2020 na 3 lata", [{"start": DateValue(2020), "duration_years": 3}], []),
        ("2020 for 3 years, renewed automatically",
         [{"start": DateValue(2020), "duration_years": 3, "auto_renewal": True}], []),
        ("2018 indefinitely", [{"start": DateValue(2018), "open_ended": True}], []),
        ("2030-2025", [{"start": DateValue(2030), "end": DateValue(2025)}],
         ["inconsistent-term"]),
        ("2019 na czas nieokreślony (umowa ramowa)",  # a framework agreement (pl)
         [{"start": DateValue(2019), "open_ended": True, "kinds": ("framework",)}], []),
        ("2019 na czas nieokreślony (umowa o czymś)",
         [{"start": DateValue(2019), "open_ended": True}], ["unknown-term-text"]),
        ("hasta 2025", [{"end": DateValue(2025)}], []),
        ("bis 31.05.2021", [{"end": DateValue(2021, 5, 31)}], []),
        ("5 años, renovación automática",
         [{"duration_years": 5, "auto_renewal": True}], []),
        ("4 años prorrogables", [{"duration_years": 4}], []),
        ("durée indéterminée", [{"open_ended": True}], []),
        ("unbefristet", [{"open_ended": True}], []),
        ("tempo indeterminato", [{"open_ended": True}], []),
        ("2019 bis auf Weiteres", [{"start": DateValue(2019), "open_ended": True}], []),
        ("2020 hasta nuevo aviso", [{"start": DateValue(2020), "open_ended": True}], []),
        ("prazo indeterminado", [{"open_ended": True}], []),
        ("student exchange agreement", [{"kinds": ("student-exchange",)}], []),
        ("2019 - 20X9", [{"start": DateValue(2019)}], ["date-garbled"]),
        ("2019 GE3 na czas nieokreślony",  # a kind with a digit is not a garbled year
         [{"start": DateValue(2019), "open_ended": True, "kinds": ("ge3",)}], []),
        ("Bilateral & Erasmus+ 2019-2024",
         [{"start": DateValue(2019), "end": DateValue(2024),
           "kinds": ("bilateral", "erasmus-plus")}], []),
    ],
)
def test_parse_terms_synthetic(text: str, expected: list[dict[str, Any]], codes: list[str]
                               ) -> None:
    terms, flags = parse_terms(text)
    assert _summary(terms) == expected
    assert [f.code for f in flags] == codes


def test_field_name_is_configurable() -> None:
    _, flags = parse_terms("ZV15", field="start")
    assert [f.field for f in flags] == ["start"]


def test_term_vocabulary_comes_from_the_data_file() -> None:
    meanings = {p.value for p in term_phrases().phrases}
    assert {"open-ended", "duration", "auto-renewal", "range"} <= meanings


@pytest.mark.parametrize(
    ("text", "role", "expected", "codes"),
    [
        # an academic year in an end column ends in its second year: "a.a. 2027/28" runs
        # into 2028 (read word by word it was an end in 2027 and two words nobody knew)
        ("a.a. 2027/28", "end", [{"end": DateValue(2028), "open_ended": False}], []),
        ("2027/2028 akademik yılı", "end", [{"end": DateValue(2028), "open_ended": False}],
         []),
        ("WiSe 2025/26", "term", [{"start": DateValue(2025)}], []),
        # two years joined by a slash are one academic year, never two agreements
        ("2019/2020", "term", [{"start": DateValue(2019)}], []),
        # a whole date with its month, in any layout the date reader knows
        ("30 Jun 2026", "end", [{"end": DateValue(2026, 6, 30), "open_ended": False}], []),
        ("31-07-2025", "end", [{"end": DateValue(2025, 7, 31), "open_ended": False}], []),
        ("2028. augusztus 31.", "end", [{"end": DateValue(2028, 8, 31), "open_ended": False}],
         []),
        ("Şubat 2027", "end", [{"end": DateValue(2027, 2), "open_ended": False}], []),
        # term phrases of further languages
        ("na dobu neurčitou", "end", [{"open_ended": True}], []),
        ("határozatlan idejű", "end", [{"open_ended": True}], []),
        ("süresiz", "end", [{"open_ended": True}], []),
        ("onbepaalde tijd", "end", [{"open_ended": True}], []),
        ("tills vidare", "end", [{"open_ended": True}], []),
        ("toistaiseksi", "end", [{"open_ended": True}], []),
        ("αορίστου χρόνου", "end", [{"open_ended": True}], []),
        ("nedeterminată", "end", [{"open_ended": True}], []),
        ("neterminuota", "end", [{"open_ended": True}], []),
        ("indeterminato", "end", [{"open_ended": True}], []),
        ("5 let", "end", [{"duration_years": 5, "open_ended": False}], []),
        ("5 év", "end", [{"duration_years": 5, "open_ended": False}], []),
        ("5 yıl", "end", [{"duration_years": 5, "open_ended": False}], []),
        ("5 ani", "end", [{"duration_years": 5, "open_ended": False}], []),
        ("5 metai", "end", [{"duration_years": 5, "open_ended": False}], []),
        ("2020 tacito rinnovo", "term", [{"start": DateValue(2020), "auto_renewal": True}], []),
        ("2021 - 2026, stilzwijgend verlengd", "term",
         [{"start": DateValue(2021), "end": DateValue(2026), "open_ended": False,
           "auto_renewal": True}], []),
    ],
)
def test_term_cells_of_further_languages(text: str, role: str, expected: list[dict[str, Any]],
                                         codes: list[str]) -> None:
    terms, flags = parse_terms(text, role=role)
    summary = [{k: v for k, v in vars(t).items() if k != "text" and v is not None and v != ()}
               for t in terms]
    assert summary == expected
    assert [f.code for f in flags] == codes


def _read(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    terms, flags = parse_terms(text)
    return ([{k: v for k, v in vars(t).items() if k != "text" and v is not None and v != ()}
             for t in terms], [f.code for f in flags])


def _range(start: DateValue, end: DateValue) -> list[dict[str, Any]]:
    return [{"start": start, "end": end, "open_ended": False}]


@pytest.mark.parametrize("text", [
    "15/03/2021 a 14/03/2026", "de 15/03/2021 a 14/03/2026",  # pt, es
    "dal 15/03/2021 al 14/03/2026", "del 15/03/2021 al 14/03/2026",  # it, es
    "du 15/03/2021 au 14/03/2026", "de 15/03/2021 à 14/03/2026",  # fr
    "vom 15.03.2021 bis 14.03.2026", "van 15-03-2021 t/m 14-03-2026",  # de, nl
    "från 15.03.2021 till 14.03.2026", "fra 15.03.2021 til 14.03.2026",  # sv, no/da
    "od 15.03.2021 až 14.03.2026", "с 15.03.2021 по 14.03.2026",  # cs, ru
    "από 15.03.2021 έως 14.03.2026",  # el
])
def test_a_validity_written_with_a_range_word_is_one_agreement(text: str) -> None:
    assert _read(text) == (_range(DateValue(2021, 3, 15), DateValue(2026, 3, 14)), [])


@pytest.mark.parametrize(("text", "expected"), [
    # academic years: the first year starts, the last one ends; a pair is one period
    ("2021/2022 - 2027/2028", _range(DateValue(2021), DateValue(2028))),
    ("2021/22 – 2027/28", _range(DateValue(2021), DateValue(2028))),
    ("a.a. 2021/22 - 2026/27", _range(DateValue(2021), DateValue(2027))),
    ("2027/2028", [{"start": DateValue(2027)}]),
    # a range word before any date is an end, not a start
    ("do 2026", [{"end": DateValue(2026), "open_ended": False}]),
])
def test_academic_years_and_leading_range_words(text: str, expected: list[dict[str, Any]]
                                                ) -> None:
    assert _read(text) == (expected, [])


@pytest.mark.parametrize(("text", "unknown"), [
    ("15/03/2021 xq 14/03/2026", True),  # a range word no table holds
    ("2021 bla bla 2026", True),
    ("2019 2020", False),  # a bare start right before: end or second agreement?
])
def test_a_date_after_words_nobody_understood_is_not_a_second_agreement(
        text: str, unknown: bool) -> None:
    terms, codes = _read(text)
    assert len(terms) == 1 and "end" not in terms[0]
    assert "unplaced-date" in codes and ("unknown-term-text" in codes) == unknown
    _, flags = parse_terms(text)
    unplaced = next(f for f in flags if f.code == "unplaced-date")
    assert unplaced.withheld and unplaced.value in text


@pytest.mark.parametrize(("text", "starts"), [
    ("2019 Erasmus+ 2021 MoU", [2019, 2021]),  # a kind names the second agreement
    ("2016 na czas nieokreślony oraz 2025 na czas nieokreślony", [2016, 2025]),  # "and"
    ("2012-2017 2019-2024", [2012, 2019]),  # the first term is whole
])
def test_a_cell_that_names_several_agreements_still_splits(text: str, starts: list[int]
                                                          ) -> None:
    terms, codes = _read(text)
    assert [t["start"].year for t in terms] == starts and codes == []


@pytest.mark.parametrize(("text", "expected"), [
    # "until" before the date, in the languages that write it so
    ("do 30.09.2026", {"end": DateValue(2026, 9, 30)}),  # pl, cs, sk, hr: no start
    ("do 31. 8. 2027", {"end": DateValue(2027, 8, 31)}),
    ("t.o.m. 2026-12-31", {"end": DateValue(2026, 12, 31)}),
    ("frem til 31.12.2026", {"end": DateValue(2026, 12, 31)}),
    ("έως 31/12/2026", {"end": DateValue(2026, 12, 31)}),
    ("ΕΩΣ 31/12/2026", {"end": DateValue(2026, 12, 31)}),
    ("至2026年1月11日", {"end": DateValue(2026, 1, 11)}),
    # "until" after the date
    ("31.12.2026 tarihine kadar", {"end": DateValue(2026, 12, 31)}),
    ("2026. 12. 31-ig", {"end": DateValue(2026, 12, 31)}),
    ("31.12.2026 asti", {"end": DateValue(2026, 12, 31)}),
    ("2026年3月31日まで", {"end": DateValue(2026, 3, 31)}),
    ("2026년 3월 31일까지", {"end": DateValue(2026, 3, 31)}),
    # ranges with month names, spaced dots, CJK dates and Turkish "between"
    ("1 September 2021 – 31 August 2026",
     {"start": DateValue(2021, 9, 1), "end": DateValue(2026, 8, 31)}),
    ("Sep 2021 - Aug 2026", {"start": DateValue(2021, 9), "end": DateValue(2026, 8)}),
    ("de septembre 2021 à août 2026", {"start": DateValue(2021, 9), "end": DateValue(2026, 8)}),
    ("2021. 09. 01. – 2026. 08. 31.",
     {"start": DateValue(2021, 9, 1), "end": DateValue(2026, 8, 31)}),
    ("01.09.2021 ile 31.08.2026 arası",
     {"start": DateValue(2021, 9, 1), "end": DateValue(2026, 8, 31)}),
    ("2021年3月15日至2026年3月14日",
     {"start": DateValue(2021, 3, 15), "end": DateValue(2026, 3, 14)}),
    ("2021年4月1日～2026年3月31日",
     {"start": DateValue(2021, 4, 1), "end": DateValue(2026, 3, 31)}),
    # Chinese, Japanese, Korean term phrases
    ("5年", {"duration_years": 5}),
    ("长期有效", {"open_ended": True}),
    ("5年（自动续签）", {"duration_years": 5, "auto_renewal": True}),
    ("5年間（自動更新）", {"duration_years": 5, "auto_renewal": True}),
    ("무기한", {"open_ended": True}),
])
def test_until_ranges_and_cjk_terms(text: str, expected: dict[str, Any]) -> None:
    terms, codes = _read(text)
    if "open_ended" not in expected:
        expected = {**expected, "open_ended": False}
    assert (terms, codes) == ([expected], [])


@pytest.mark.parametrize("text", ["xyz 31.12.2026", "31.12.2026 qwerty"])
def test_a_lone_date_next_to_unknown_words_is_withheld(text: str) -> None:
    terms, codes = _read(text)
    assert terms == [{}] and codes.count("unplaced-date") == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("з 01.09.2021 по 31.08.2026",
     {"start": DateValue(2021, 9, 1), "end": DateValue(2026, 8, 31), "open_ended": False}),
    ("до 31.12.2026", {"end": DateValue(2026, 12, 31), "open_ended": False}),
    ("безстроково", {"open_ended": True}), ("бессрочно", {"open_ended": True}),
    ("5 років", {"duration_years": 5, "open_ended": False}),
    ("на 5 лет, автоматическое продление",
     {"duration_years": 5, "open_ended": False, "auto_renewal": True}),
])
def test_russian_and_ukrainian_terms(text: str, expected: dict[str, Any]) -> None:
    assert _read(text) == ([expected], [])


@pytest.mark.parametrize("cell", ["2021/2022 - 2027/2028", "2021/22 – 2027/28",
                                  "2021/22-2027/28", "2021/2022 to 2027/2028"])
def test_a_run_from_one_academic_year_to_another_is_one_term(cell: str) -> None:
    terms, flags = parse_terms(cell)
    assert [(t.start, t.end) for t in terms] == [(DateValue(2021), DateValue(2028))]
    assert flags == []


def test_academic_years_that_run_backwards_are_flagged() -> None:
    # one term (not three agreements cut at each year), flagged as running backwards
    terms, flags = parse_terms("2021/2022 - 2019/2020")
    assert len(terms) == 1
    assert "inconsistent-term" in [f.code for f in flags]


@pytest.mark.parametrize(("text", "expected"), [
    # a date after a term that had none is its start, not a second agreement
    ("5 years from 2021", {"start": DateValue(2021), "duration_years": 5, "open_ended": False}),
    ("5 anos a contar de 2021",
     {"start": DateValue(2021), "duration_years": 5, "open_ended": False}),
    ("unbefristet ab 2020", {"start": DateValue(2020), "open_ended": True}),
    ("na czas nieokreślony od 2019", {"start": DateValue(2019), "open_ended": True}),
])
def test_a_date_after_an_undated_term_is_its_start(text: str, expected: dict[str, Any]) -> None:
    assert _read(text) == ([expected], [])


@pytest.mark.parametrize(("text", "start", "end"), [
    # a range in an end column is the whole validity, not an end and a second agreement
    ("2021-2027", DateValue(2021), DateValue(2027)),
    ("01.10.2021 - 30.09.2026", DateValue(2021, 10, 1), DateValue(2026, 9, 30)),
    ("od 2021 do 2027", DateValue(2021), DateValue(2027)),
    ("2021 bis 2026", DateValue(2021), DateValue(2026)),
    ("2021/2022 - 2027/2028", DateValue(2021), DateValue(2028)),
])
def test_a_range_in_an_end_column_is_one_term(text: str, start: DateValue, end: DateValue
                                             ) -> None:
    terms, flags = parse_terms(text, field="end", role="end")
    assert [(t.start, t.end, t.open_ended) for t in terms] == [(start, end, False)]
    assert flags == []


def test_two_dates_in_an_end_column_without_a_range_word_are_withheld() -> None:
    terms, flags = parse_terms("2021 2026", field="end", role="end")
    assert [(t.start, t.end) for t in terms] == [(None, None)]
    assert [f.code for f in flags] == ["unplaced-date", "unplaced-date"]
    assert all(f.withheld for f in flags)


@pytest.mark.parametrize(("text", "expected"), [
    ("tähtajatu", {"open_ended": True}),
    ("5 aastat", {"duration_years": 5, "open_ended": False}),
    ("01.09.2021 kuni 31.08.2027",
     {"start": DateValue(2021, 9, 1), "end": DateValue(2027, 8, 31), "open_ended": False}),
])
def test_estonian_terms(text: str, expected: dict[str, Any]) -> None:
    assert _read(text) == ([expected], [])


@pytest.mark.parametrize(("text", "role"), [("2028-ig", "term"), ("2028'e kadar", "term"),
                                            ("2028-ig", "end"), ("t.o.m. 2028", "term")])
def test_until_written_after_the_year_ends_the_term_there(text: str, role: str) -> None:
    terms, flags = parse_terms(text, role=role)
    assert [(t.start, t.end) for t in terms] == [(None, DateValue(2028))] and flags == []


def test_until_after_a_range_keeps_the_range() -> None:
    terms, _ = parse_terms("2024-2028-ig")
    assert [(t.start, t.end) for t in terms] == [(DateValue(2024), DateValue(2028))]


@pytest.mark.parametrize(("cell", "role", "start", "end"), [
    # the era's year and 年 are a date, not "9 years"
    ("令和9年2月28日", "end", None, DateValue(2027, 2, 28)),
    ("R10.7.11", "end", None, DateValue(2028, 7, 11)),
    ("令和3年4月1日～令和9年3月31日", "term", DateValue(2021, 4, 1), DateValue(2027, 3, 31)),
])
def test_an_era_date_in_a_term_cell_is_a_date(
        cell: str, role: str, start: DateValue | None, end: DateValue) -> None:
    terms, _ = parse_terms(cell, role=role)
    assert [(t.start, t.end, t.duration_years) for t in terms] == [(start, end, None)]


@pytest.mark.parametrize(("cell", "open_ended", "years", "renewal"), [
    ("٥ سنوات", False, 5, None),  # Arabic-Indic digits
    ("مفتوحة", True, None, None),
    ("تجدد تلقائيا", None, None, True),
    ("ללא הגבלת זמן", True, None, None),
    ("løpende", True, None, None),
])
def test_terms_in_arabic_hebrew_and_norwegian(
        cell: str, open_ended: bool | None, years: int | None, renewal: bool | None) -> None:
    terms, flags = parse_terms(cell, role="end")
    assert [(t.open_ended, t.duration_years, t.auto_renewal) for t in terms] == [
        (open_ended, years, renewal)]
    assert flags == []


@pytest.mark.parametrize(("cell", "start", "end"), [
    ("Rahmenvertrag 2018–2023, verlängert bis 2028", DateValue(2018), DateValue(2028)),
    ("2018-2023, extended until 2026", DateValue(2018), DateValue(2026)),
])
def test_an_extended_term_is_one_agreement_until_the_later_end(
        cell: str, start: DateValue, end: DateValue) -> None:
    terms, flags = parse_terms(cell)
    assert [(t.start, t.end) for t in terms] == [(start, end)]
    assert "term-extended" in [f.code for f in flags]


@pytest.mark.parametrize(("cell", "end"), [
    ("115年2月28日", DateValue(2026, 2, 28)),  # a year of the Republic of China, 民國 left out
    ("民國114年12月31日", DateValue(2025, 12, 31)),
])
def test_a_taiwanese_year_before_a_month_is_a_date_never_a_duration(
        cell: str, end: DateValue) -> None:
    terms, _ = parse_terms(cell, role="end")
    assert [(t.end, t.duration_years) for t in terms] == [(end, None)]


def test_a_year_of_no_known_calendar_before_a_month_is_not_read_as_years() -> None:
    terms, flags = parse_terms("9年2月28日", role="end")
    assert terms == [] and [f.code for f in flags] == ["unknown-term-text"]


@pytest.mark.parametrize(("cell", "end"), [
    ("113/6/30", DateValue(2024, 6, 30)),  # a year of the Republic of China, numbers only
    ("118.8.31", DateValue(2029, 8, 31)),
    ("31-Aug-27", DateValue(2027, 8, 31)),
    ("พ.ศ. 2572", DateValue(2029)),
])
def test_an_end_column_reads_further_calendars_and_notations(cell: str, end: DateValue) -> None:
    terms, flags = parse_terms(cell, field="end", role="end")
    assert [(t.start, t.end, t.open_ended) for t in terms] == [(None, end, False)]
    assert not flags


def test_a_spreadsheet_day_number_in_an_end_column_is_its_date_flagged() -> None:
    terms, flags = parse_terms("47269", field="end", role="end")
    assert [(t.start, t.end) for t in terms] == [(None, DateValue(2029, 5, 31))]
    assert [f.code for f in flags] == ["date-serial"]


@pytest.mark.parametrize("cell", ["31.05.2029", "30 Jun 2026", "2029-05-31"])
def test_a_date_alone_in_a_term_cell_is_neither_start_nor_end(cell: str) -> None:
    # a "valid until" column read as a term column: its date published as the start would be
    # a false fact, as its end would be in a column of signing dates
    terms, flags = parse_terms(cell)
    assert [(t.start, t.end, t.open_ended) for t in terms] == [(None, None, None)]
    assert terms[0].unplaced is not None  # the row's start column may place it
    assert [(f.code, f.withheld) for f in flags] == [("unplaced-date", True)]
    terms, flags = parse_terms(cell, field="end", role="end")
    assert [t.end is not None and t.start is None for t in terms] == [True] and not flags


@pytest.mark.parametrize(("cell", "expected"), [
    ("tacitly renewed", {"auto_renewal": True}),
    ("2019-2024, tacitly renewed",
     {"start": DateValue(2019), "end": DateValue(2024), "open_ended": False,
      "auto_renewal": True}),
    ("for a period of 5 years", {"duration_years": 5, "open_ended": False}),
    ("5 academic years", {"duration_years": 5, "open_ended": False}),
    ("stilzwijgende verlenging", {"auto_renewal": True}),
    ("tacitamente rinnovato", {"auto_renewal": True}),
    ("tacite reconduction", {"auto_renewal": True}),
    ("på ubestemt tid", {"open_ended": True}),
    ("pe perioadă nedeterminată", {"open_ended": True}),
    ("5 rokov", {"duration_years": 5, "open_ended": False}),
    ("do odvolania", {"open_ended": True}),
    ("기한 없음", {"open_ended": True}),
    ("Không thời hạn", {"open_ended": True}),
    ("5 năm", {"duration_years": 5, "open_ended": False}),
    ("Tự động gia hạn", {"auto_renewal": True}),
    ("Đến 31/08/2025", {"end": DateValue(2025, 8, 31), "open_ended": False}),
    ("tanpa batas waktu", {"open_ended": True}),
    ("5 tahun", {"duration_years": 5, "open_ended": False}),
    ("diperpanjang otomatis", {"auto_renewal": True}),
    ("Tiada tempoh tamat", {"open_ended": True}),
    ("безсрочен", {"open_ended": True}),
    ("5 години", {"duration_years": 5, "open_ended": False}),
    ("на неодређено време", {"open_ended": True}),
    ("5 година", {"duration_years": 5, "open_ended": False}),
    ("аутоматски се продужава", {"auto_renewal": True}),
    ("نامحدود", {"open_ended": True}),
    ("۵ سال", {"duration_years": 5, "open_ended": False}),
    ("تمدید خودکار", {"auto_renewal": True}),
])
def test_term_phrases_of_further_languages(cell: str, expected: dict[str, Any]) -> None:
    terms, flags = parse_terms(cell)
    got = [{k: v for k, v in vars(t).items() if k != "text" and v not in (None, ())}
           for t in terms]
    assert got == [expected] and not flags, (got, flags)


@pytest.mark.parametrize(("cell", "years"), [
    ("for a period of five years", 5), ("cinco años", 5), ("für drei Jahre", 3),
    ("un an", 1), ("renewed every two years", 2), ("na pięć lat", 5), ("per tre anni", 3),
])
def test_a_duration_with_its_number_written_out(cell: str, years: int) -> None:
    terms, flags = parse_terms(cell)
    assert [t.duration_years for t in terms] == [years] and not flags


def test_a_number_word_alone_is_no_term() -> None:
    terms, _ = parse_terms("five")
    assert all(t.duration_years is None for t in terms)


@pytest.mark.parametrize(("cell", "end"), [
    # a dash or tilde opening the cell leaves the start blank: the date is the end
    ("~2024.3.14", DateValue(2024, 3, 14)), ("- 31.08.2027", DateValue(2027, 8, 31)),
    ("– 2027", DateValue(2027)),
])
def test_a_dash_before_the_only_date_makes_it_the_end(cell: str, end: DateValue) -> None:
    terms, _ = parse_terms(cell)
    assert [(t.start, t.end, t.open_ended) for t in terms] == [(None, end, False)]


def test_a_dash_before_a_range_is_a_bullet() -> None:
    terms, _ = parse_terms("- 2019 - 2024")
    assert [(t.start, t.end) for t in terms] == [(DateValue(2019), DateValue(2024))]


@pytest.mark.parametrize(("cell", "years"), [
    ("3+2 years", 3), ("3 + 2 lata", 3), ("3 roky, s možnosťou predĺženia o 2 roky", 3),
    ("2023.04.10 ~ 3년 (2년 연장 가능)", 3),
])
def test_an_extension_is_no_duration(cell: str, years: int) -> None:
    terms, _ = parse_terms(cell)
    assert [(t.duration_years, t.auto_renewal) for t in terms] == [(years, None)]


def test_an_extension_in_bulgarian_is_one_agreement() -> None:
    terms, flags = parse_terms("2021–2026 (продължен до 2028)")
    assert [(t.start, t.end) for t in terms] == [(DateValue(2021), DateValue(2028))]
    assert [f.code for f in flags] == ["term-extended"]


def test_academic_years_written_with_ordinal_dots() -> None:
    terms, _ = parse_terms("2021./2022. – 2027./2028.")
    assert [(t.start, t.end) for t in terms] == [(DateValue(2021), DateValue(2028))]


@pytest.mark.parametrize(("cell", "expected"), [
    ("03/2022 - 02/2027",
     {"start": DateValue(2022, 3), "end": DateValue(2027, 2), "open_ended": False}),
    ("2029/05/31 arte", {"end": DateValue(2029, 5, 31), "open_ended": False}),  # Basque
    ("do opoziva", {"open_ended": True}),
    ("ثلاث سنوات", {"duration_years": 3, "open_ended": False}),
    ("15/03/2019 s/d 14/03/2024",
     {"start": DateValue(2019, 3, 15), "end": DateValue(2024, 3, 14), "open_ended": False}),
])
def test_further_term_notations(cell: str, expected: dict[str, Any]) -> None:
    terms, flags = parse_terms(cell)
    got = [{k: v for k, v in vars(t).items() if k != "text" and v not in (None, ())}
           for t in terms]
    assert got == [expected] and not flags, (got, flags)


def test_a_dash_before_a_date_and_a_term_phrase_is_a_bullet() -> None:
    terms, _ = parse_terms("- 2017 na czas nieokreślony")
    assert [(t.start, t.end, t.open_ended) for t in terms] == [(DateValue(2017), None, True)]


def test_a_vietnamese_date_in_a_term_cell_is_no_duration() -> None:
    # "tháng 8 năm 2025" is August 2025, not "8 năm" (eight years)
    terms, _ = parse_terms("Đến ngày 31 tháng 8 năm 2025")
    assert [(t.end, t.duration_years) for t in terms] == [(DateValue(2025, 8, 31), None)]


@pytest.mark.parametrize(("cell", "start", "end"), [
    # a Latvian "until" before a long date: the whole date ends the term, not its year
    ("līdz 2029. gada 31. maijam", None, DateValue(2029, 5, 31)),
    ("2019. gada 15. martā - 2024. gada 14. martā", DateValue(2019, 3, 15),
     DateValue(2024, 3, 14)),
    ("2027 m. rugpjūčio 31 d.", None, DateValue(2027, 8, 31)),
])
def test_year_first_long_dates_in_term_cells(cell: str, start: DateValue | None,
                                             end: DateValue | None) -> None:
    terms, _ = parse_terms(cell, role="end")
    assert [(t.start, t.end) for t in terms] == [(start, end)]


@pytest.mark.parametrize("cell", [
    "2021 may 5 years",   # no ordinal dot nor year word: "may" names no month here
    "2019 31 May 2024",   # a day and month that belong to the year after them
])
def test_a_year_is_not_joined_to_a_month_word_after_it_without_a_sign(cell: str) -> None:
    terms, _ = parse_terms(cell)
    assert all(t.start is None or t.start.month is None for t in terms)


@pytest.mark.parametrize(("cell", "years"), [
    ("سنتان", 2),           # the Arabic dual: two years, with no numeral
    ("لمدة سنتين", 2),
    ("عامان", 2),
    ("سنة واحدة", 1),
    ("שנתיים", 2),          # Hebrew dual
])
def test_a_duration_said_by_a_dual(cell: str, years: int) -> None:
    terms, flags = parse_terms(cell)
    assert [t.duration_years for t in terms] == [years] and not flags


@pytest.mark.parametrize(("cell", "check"), [
    ("ไม่มีกำหนด", lambda t: t.open_ended is True),
    ("5 ปี", lambda t: t.duration_years == 5),
    ("ต่ออายุอัตโนมัติ", lambda t: t.auto_renewal is True),
    ("จนถึง 30 ก.ย. 2570", lambda t: t.end == DateValue(2027, 9, 30)),
    ("1 ต.ค. 2565 ถึง 30 ก.ย. 2570",
     lambda t: (t.start, t.end) == (DateValue(2022, 10, 1), DateValue(2027, 9, 30))),
])
def test_thai_terms(cell: str, check: Any) -> None:
    terms, _ = parse_terms(cell)
    assert len(terms) == 1 and check(terms[0])


@pytest.mark.parametrize("cell", ["from 1 May 2016", "from 01.05.2016", "seit 01.05.2016"])
def test_a_date_after_from_is_a_start_even_in_an_end_column(cell: str) -> None:
    """"from" says the date starts the agreement: published as the end of an end column,
    it was a false fact."""
    for role in ("term", "end"):
        terms, _ = parse_terms(cell, role=role)
        assert [(t.start, t.end) for t in terms] == [(DateValue(2016, 5, 1), None)], role


@pytest.mark.parametrize(("cell", "check"), [
    ("ótímabundinn", lambda t: t.open_ended is True),       # is
    ("pa afat", lambda t: t.open_ended is True),            # sq
    ("უვადო", lambda t: t.open_ended is True),              # ka
    ("müddətsiz", lambda t: t.open_ended is True),          # az
    ("अनिश्चित काल", lambda t: t.open_ended is True),        # hi
    ("walang takdang panahon", lambda t: t.open_ended is True),  # tl
    ("miaka 5", lambda t: t.duration_years == 5),           # sw: the number after the word
    ("৫ বছর", lambda t: t.duration_years == 5),             # bn
    ("5 ஆண்டுகள்", lambda t: t.duration_years == 5),        # ta
    ("5 mlynedd", lambda t: t.duration_years == 5),         # cy
    ("avtomatik uzadılır", lambda t: t.auto_renewal is True),  # az
    ("awtomatikong nare-renew", lambda t: t.auto_renewal is True),  # tl
    ("deri më 31.05.2029", lambda t: t.end == DateValue(2029, 5, 31)),  # sq
    ("31 अगस्त 2026 तक", lambda t: t.end == DateValue(2026, 8, 31)),  # hi: 'until' after
    ("31.08.2027-dək", lambda t: t.end == DateValue(2027, 8, 31)),  # az: 'until' after
])
def test_terms_of_further_languages(cell: str, check: Any) -> None:
    terms, _ = parse_terms(cell)
    assert len(terms) == 1 and check(terms[0])


@pytest.mark.parametrize("cell", ["2022年9月1日から", "2022년 9월 1일부터",
                                  "01.09.2022'den itibaren", "2022年9月1日から5年間"])
def test_a_from_word_after_the_date_makes_it_a_start_in_an_end_column(cell: str) -> None:
    """Published as the end of an end column, the date was a false fact."""
    terms, _ = parse_terms(cell, role="end")
    assert [(t.start, t.end) for t in terms] == [(DateValue(2022, 9, 1), None)]


@pytest.mark.parametrize(("cell", "start", "end"), [
    ("01.09.2022-dən", DateValue(2022, 9, 1), None),   # az 'from', joined by a hyphen
    ("від 01.09.2022", DateValue(2022, 9, 1), None),   # uk 'from'
    ("01.09.2022-xyz", None, None),   # an unread word joined to it may say 'from': withheld
    ("2027 xyz", None, DateValue(2027)),   # a word apart from the date leaves the end
])
def test_a_word_joined_to_an_end_columns_date(cell: str, start: DateValue | None,
                                              end: DateValue | None) -> None:
    terms, _ = parse_terms(cell, role="end")
    assert [(t.start, t.end) for t in terms] == [(start, end)]


@pytest.mark.parametrize("cell", [
    "2022.09.01-től",                 # hu: the from-suffix joined to the date
    "2022. szeptember 1-jétől",       # hu: the suffix on the day
    "01.09.2022'den",                 # tr: the ablative suffix alone
    "01.09.2022-დან",                 # ka
    "2022:sta",                       # fi
])
def test_a_from_suffix_alone_is_a_start_never_an_end(cell: str) -> None:
    """In an end column the date was published as the END (a false fact)."""
    for role in ("term", "end"):
        terms, _ = parse_terms(cell, role=role)
        assert [t.end for t in terms] == [None], role
        assert terms[0].start is not None and terms[0].start.year == 2022, role


@pytest.mark.parametrize("cell", [
    "2021-től 2026-ig",
    "2021.09.01-től 2026.08.31-ig",
    "2021. szeptember 1-jétől 2026. augusztus 31-éig",
    "2021年9月1日から2026年8月31日まで",
    "2021.9.1부터 2026.8.31까지",
    "01.09.2021'den 31.08.2026'ya kadar",
    "2021'den 2026'ya",
    "01.09.2021-dən 31.08.2026-dək",
    "2021:stä 2026:een",
    "01.09.2021-დან 31.08.2026-მდე",
    "2021 წლიდან 2026 წლამდე",
    "alates 01.09.2021 kuni 31.08.2026",
    "1 सितंबर 2021 से 31 अगस्त 2026 तक",
])
def test_a_from_suffix_and_an_until_suffix_make_a_range(cell: str) -> None:
    """Both dates of the range are read, in a term column and in an end column alike (the
    second date was withheld, or the first published as the end)."""
    for role in ("term", "end"):
        terms, _ = parse_terms(cell, role=role)
        assert [(t.start and t.start.year, t.end and t.end.year) for t in terms] \
            == [(2021, 2026)], role


def test_a_from_suffix_with_an_open_end_or_a_duration() -> None:
    terms, _ = parse_terms("2022.09.01-től határozatlan ideig", role="end")
    assert [(t.start, t.end, t.open_ended) for t in terms] == [
        (DateValue(2022, 9, 1), None, True)]
    terms, _ = parse_terms("2022年9月1日から5年間", role="end")
    assert [(t.start, t.end, t.duration_years) for t in terms] == [
        (DateValue(2022, 9, 1), None, 5)]


def test_a_suffix_is_read_only_joined_to_its_date() -> None:
    """Vietnamese "đến" (until) before a date and Turkish "'den" (from) after one fold to the
    same word; a word apart from a number is read as a word."""
    terms, _ = parse_terms("Đến 31/08/2025", role="end")
    assert [(t.start, t.end) for t in terms] == [(None, DateValue(2025, 8, 31))]
    terms, _ = parse_terms("31.08.2025'den", role="end")
    assert [(t.start, t.end) for t in terms] == [(DateValue(2025, 8, 31), None)]
    terms, _ = parse_terms("2026'ya")
    assert [(t.start, t.end) for t in terms] == [(None, DateValue(2026))]


@pytest.mark.parametrize("cell", [
    "firmado el 15/3/2021; vence el 14/3/2026",
    "signé le 15/03/2021 ; échéance 14/03/2026",
    "unterzeichnet 15.03.2021; läuft bis 14.03.2026",
    "assinado em 15/03/2021; termina em 14/03/2026",
    "firmato il 15/03/2021; scade il 14/03/2026",
    "подписан 15.03.2021; действует до 14.03.2026",
    "imza: 15.03.2021; bitiş: 14.03.2026",
])
def test_signed_and_expires_in_one_cell_is_one_agreement(cell: str) -> None:
    """Read as two agreements, one ending on the signing day (a false fact and a spurious
    agreement)."""
    for role in ("term", "end"):
        terms, _ = parse_terms(cell, role=role)
        assert [(t.start, t.end) for t in terms] == [
            (DateValue(2021, 3, 15), DateValue(2026, 3, 14))], role


def test_a_clause_naming_its_own_kind_stays_apart() -> None:
    terms, _ = parse_terms("MoU 2015; umowa dot. wymian do 2026")
    assert len(terms) == 2


@pytest.mark.parametrize(("cell", "start", "duration"), [
    ("Effective Fall 2024", DateValue(2024), None),
    ("Starting Spring 2026", DateValue(2026), None),
    ("podpisana 15.03.2021 r.", DateValue(2021, 3, 15), None),
    ("zawarta 15.03.2021 r. na 5 lat", DateValue(2021, 3, 15), 5),
    ("firmato nel 2019", DateValue(2019), None),
    ("in vigore da marzo 2022", DateValue(2022, 3), None),
    ("01.09.2024 tarihinden itibaren", DateValue(2024, 9, 1), None),
    ("2024 yılından itibaren", DateValue(2024), None),
    ("imza tarihi 15.03.2021", DateValue(2021, 3, 15), None),
    ("2024.3.1. 체결", DateValue(2024, 3, 1), None),
    ("2019年締結（5年間）", DateValue(2019), 5),
    ("celebrado em 15/03/2021, válido por 5 anos", DateValue(2021, 3, 15), 5),
])
def test_a_signing_or_effective_date_is_the_start_never_the_end(
        cell: str, start: DateValue, duration: int | None) -> None:
    """In an end column these dates were published as the end (false facts)."""
    for role in ("term", "end"):
        terms, _ = parse_terms(cell, role=role)
        assert [(t.start, t.end, t.duration_years) for t in terms] == [
            (start, None, duration)], role


@pytest.mark.parametrize(("cell", "open_ended", "duration"), [
    ("Signed 2019; renewed 2024", None, None),
    ("renovado en 2024", None, None),
    ("renouvelé en 2024", None, None),
    ("verlängert 2024", None, None),
    ("rinnovato nel 2024", None, None),
    ("продлён в 2024 г.", None, None),
    ("przedłużona w 2024 r.", None, None),
    ("2024년 갱신", None, None),
    ("Renewed on 12.01.2024 for five years", False, 5),
    ("Indefinite (review in 2026)", True, None),
    ("Indefinida (revisión en 2026)", True, None),
    ("indéterminée (révision en 2026)", True, None),
    ("unbefristet (Überprüfung 2026)", True, None),
    ("Open-ended, reviewed every 3 years", True, None),
])
def test_a_renewal_or_review_date_is_no_end(cell: str, open_ended: bool | None,
                                            duration: int | None) -> None:
    """Published as the end, or as a second agreement ending then (false facts)."""
    for role in ("term", "end"):
        terms, _ = parse_terms(cell, role=role)
        assert all(t.end is None for t in terms), role
        assert len(terms) <= 1, role
        if open_ended or duration:
            assert [(t.open_ended, t.duration_years) for t in terms] == [
                (open_ended, duration)], role


def test_a_number_with_a_fraction_is_no_duration_of_its_last_digits() -> None:
    """'2,5' (two and a half years, a decimal comma) was published as five years."""
    source = Vocabulary(extra=(("terms", Entry("{n}", "duration", "")),))
    with using(source):
        for cell, years in (("2,5", None), ("5,0", 5), ("7", 7)):
            terms, _ = parse_terms(cell)
            # a fixed term all the same
            assert [(t.duration_years, t.open_ended) for t in terms] == [(years, False)], cell
    terms, flags = parse_terms("1.5 years")
    assert [(t.duration_years, t.open_ended) for t in terms] == [(None, False)]
    assert [f.code for f in flags] == ["duration-fraction"]


@pytest.mark.parametrize(("cell", "check"), [
    ("bis auf Widerruf", lambda t: t.open_ended is True),
    ("Perpetual", lambda t: t.open_ended is True),
    ("Renews automatically", lambda t: t.auto_renewal is True),
    ("пролонгируется автоматически", lambda t: t.auto_renewal is True),
    ("五年", lambda t: t.duration_years == 5),
    ("Vertrag bis 31.05.2028", lambda t: t.end == DateValue(2028, 5, 31)),
])
def test_terms_of_untuned_lists(cell: str, check: Any) -> None:
    terms, flags = parse_terms(cell)
    assert len(terms) == 1 and check(terms[0]) and not flags


@pytest.mark.parametrize(("cell", "start", "end"), [
    ("2021-09-01 - 2099-12-31", DateValue(2021, 9, 1), None),
    ("01.09.2021 bis 31.12.9999", DateValue(2021, 9, 1), None),
    ("from 01.09.2021 until 31.12.2099", DateValue(2021, 9, 1), None),
    ("01/01/1900 - 31/08/2026", None, DateValue(2026, 8, 31)),
    ("31.12.2099", None, None),
])
def test_an_exports_stand_in_for_an_empty_date_ends_no_term(
        cell: str, start: DateValue | None, end: DateValue | None) -> None:
    """An end column's '01.09.2021 bis 31.12.9999' was published as ending on its start
    day once the stand-in was no end; before, 2099-12-31 was published as the end."""
    for role in ("end", "term"):
        terms, flags = parse_terms(cell, field="end", role=role)
        assert [(t.start, t.end) for t in terms] == ([(start, end)] if start or end else [])
        assert all(t.open_ended is (False if end else None) for t in terms), (cell, role)
        assert "date-placeholder" in [f.code for f in flags]


@pytest.mark.parametrize(("cell", "start"), [
    ("suscrito en 2019", DateValue(2019)),
    ("entrada en vigor: 15/3/2021", DateValue(2021, 3, 15)),
    ("entrada en vigor el 15/3/2021", DateValue(2021, 3, 15)),
    ("fecha de firma: 15/3/2021", DateValue(2021, 3, 15)),
    ("firmada el 15/3/2021", DateValue(2021, 3, 15)),
    ("assinada em 15/03/2021", DateValue(2021, 3, 15)),
    ("entrada em vigor em 15/03/2021", DateValue(2021, 3, 15)),
    ("entrée en vigueur le 15/03/2021", DateValue(2021, 3, 15)),
    ("signée le 15/03/2021", DateValue(2021, 3, 15)),
    ("entrata in vigore il 15/03/2021", DateValue(2021, 3, 15)),
    ("Inkrafttreten 15.03.2021", DateValue(2021, 3, 15)),
    ("in Kraft getreten am 15.03.2021", DateValue(2021, 3, 15)),
    ("entered into force on 15 March 2021", DateValue(2021, 3, 15)),
    ("entry into force: 15/03/2021", DateValue(2021, 3, 15)),
    ("signed: 15.03.2021", DateValue(2021, 3, 15)),
    ("ondertekend op 15-03-2021", DateValue(2021, 3, 15)),
    ("підписано 15.03.2021", DateValue(2021, 3, 15)),
    ("набрала чинності 15.03.2021", DateValue(2021, 3, 15)),
    ("вступило в силу 15.03.2021", DateValue(2021, 3, 15)),
    ("дата подписания 15.03.2021", DateValue(2021, 3, 15)),
    ("weszła w życie 15.03.2021", DateValue(2021, 3, 15)),
    ("podepsáno 15. 3. 2021", DateValue(2021, 3, 15)),
    ("undertecknat 2021-03-15", DateValue(2021, 3, 15)),
    ("semnat la 15.03.2021", DateValue(2021, 3, 15)),
    ("aláírva: 2021.03.15.", DateValue(2021, 3, 15)),
    ("yürürlük tarihi 15.03.2021", DateValue(2021, 3, 15)),
    ("签订于2019年", DateValue(2019)),
    ("2019年3月15日签订", DateValue(2019, 3, 15)),
    ("2024年4月1日発効", DateValue(2024, 4, 1)),
    ("2024.3.1. 발효", DateValue(2024, 3, 1)),
])
def test_a_signing_or_entry_into_force_date_is_the_start(cell: str, start: DateValue) -> None:
    """Untuned Spanish, Ukrainian and other lists' signing and entry-into-force dates were
    published as the END of the agreement (in an end column and in a term column)."""
    for role in ("end", "term"):
        terms, _ = parse_terms(cell, field=role, role=role)
        assert [(t.start, t.end) for t in terms] == [(start, None)], (cell, role)


@pytest.mark.parametrize("cell", ["Fecha de terminación: 31/08/2026", "Valid until: 31.08.2026",
                                  "31/08/2026"])
def test_a_label_that_names_no_other_event_leaves_an_end_column_s_end(cell: str) -> None:
    terms, _ = parse_terms(cell, field="end", role="end")
    assert [(t.start, t.end) for t in terms] == [(None, DateValue(2026, 8, 31))]


@pytest.mark.parametrize(("language", "cell", "start", "end", "duration"), [
    ("ja", "令和6年度から5年間", DateValue(2024), None, 5),
    ("ja", "2024年度から5年間", DateValue(2024), None, 5),
    ("ja", "2024年度～2028年度", DateValue(2024), DateValue(2029), None),
    ("ja", "2028年度まで", None, DateValue(2029), None),
    (None, "2028학년도까지", None, DateValue(2029), None),
    (None, "2024학년도부터", DateValue(2024), None, None),
    (None, "2024学年度起", DateValue(2024), None, None),
    ("zh", "2024年度起", DateValue(2024), None, None),  # zh 年度: as often the calendar year
    ("zh", "2028年度止", None, DateValue(2028), None),
    ("ko", "2028년도까지", None, DateValue(2028), None),
])
def test_a_japanese_or_korean_school_year_runs_into_the_next_calendar_year(
        language: str | None, cell: str, start: DateValue | None, end: DateValue | None,
        duration: int | None) -> None:
    """'令和6年度から5年間' (from school year 2024, five years) was published as ENDING in
    2024; a term 'until school year 2028' ends in March 2029 (Korea: February)."""
    with using(BUILTIN.with_language(language)):
        for role in ("term", "end"):
            terms, _ = parse_terms(cell, field=role, role=role)
            assert [(t.start, t.end, t.duration_years) for t in terms] == [
                (start, end, duration)], (cell, role)


@pytest.mark.parametrize(("cell", "open_ended", "duration"), [
    ("5 years (no automatic renewal)", False, 5),
    ("5 años sin renovación automática", False, 5),
    ("5 Jahre, keine automatische Verlängerung", False, 5),
    ("5 ans sans tacite reconduction", False, 5),
    ("5 anos, sem renovação automática", False, 5),
    ("5 jaar, niet stilzwijgend verlengd", False, 5),
    ("5 anni, senza rinnovo tacito", False, 5),
    ("5 años. Renovación automática: No", False, 5),
    ("Not open-ended: 3 years", False, 3),
    ("Open-ended: No", False, None),
    ("Unbefristet: nein", False, None),
])
def test_a_denied_renewal_or_open_end_is_not_published_as_true(
        cell: str, open_ended: bool, duration: int | None) -> None:
    """Untuned lists' 'no automatic renewal' (7 languages) was published as renewing
    automatically, 'Not open-ended: 3 years' and 'Open-ended: No' as open-ended."""
    terms, flags = parse_terms(cell)
    assert [(t.open_ended, t.duration_years, t.auto_renewal) for t in terms] == [
        (open_ended, duration, None)], cell
    assert "negated" in [f.code for f in flags]
    assert parse_terms("Automatic renewal - No")[0] == []
    assert [t.auto_renewal for t in parse_terms("5 years - automatic renewal")[0]] == [True]


@pytest.mark.parametrize(("cell", "check"), [
    ("onbegrenzt", lambda t: t.open_ended is True),                    # lb
    ("5 Joer", lambda t: t.duration_years == 5),
    ("verlängert sech automatesch", lambda t: t.auto_renewal is True),
    ("мөөнөтсүз", lambda t: t.open_ended is True),                     # ky
    ("ਅਣਮਿੱਥੇ ਸਮੇਂ ਲਈ", lambda t: t.open_ended is True),                 # pa
    ("5 ਸਾਲ", lambda t: t.duration_years == 5),
    ("aan xaddidnayn", lambda t: t.open_ended is True),                # so
    ("5 sano", lambda t: t.duration_years == 5),
    ("onbepaalde duur", lambda t: t.open_ended is True),               # nl-BE
])
def test_terms_of_the_lists_of_session_27(cell: str, check: Any) -> None:
    terms, _ = parse_terms(cell)
    assert len(terms) == 1 and check(terms[0]), cell


@pytest.mark.parametrize(("cell", "expected"), [
    ("15. Mäerz 2019", DateValue(2019, 3, 15)),     # lb
    ("31. Mee 2029", DateValue(2029, 5, 31)),
    ("15 Maarso 2021", DateValue(2021, 3, 15)),     # so
    ("੧੫ ਮਾਰਚ ੨੦੨੧", DateValue(2021, 3, 15)),       # pa, Gurmukhi digits
    ("۱۵ حمل ۱۴۰۰", DateValue(2021, 4, 4)),         # Dari: Hamal = Farvardin
])
def test_dates_of_the_lists_of_session_27(cell: str, expected: DateValue) -> None:
    from exchange_kg.normalise.dates import parse_date

    assert parse_date(cell)[0] == expected, cell


@pytest.mark.parametrize("cell", ["onbepaalde duur (evaluatie in 2026)",
                                  "Indefinite (evaluation in 2026)",
                                  "indéterminée (évaluation en 2026)"])
def test_an_evaluation_year_is_no_second_agreement(cell: str) -> None:
    """A Flemish list's 'onbepaalde duur (evaluatie in 2026)' gave a second agreement ending
    in 2026 once 'onbepaalde duur' was read."""
    terms, flags = parse_terms(cell)
    assert [(t.open_ended, t.end) for t in terms] == [(True, None)]
    assert "unplaced-date" in [f.code for f in flags]


@pytest.mark.parametrize("cell", [
    "at least 3 years", "not more than 5 years", "up to 5 years", "min. 3 years",
    "3 years or more", "5 years (minimum)", "3 to 5 years", "3-5 years", "3 or 5 years",
    "mínimo 3 años", "entre 3 y 5 años", "hasta 5 años", "No mínimo 3 anos", "au moins 3 ans",
    "3 ou 5 ans", "mindestens 3 Jahre", "bis zu 5 Jahre", "3–5 Jahre", "almeno 3 anni",
    "co najmniej 3 lata", "od 3 do 5 lat", "minst 3 år", "最低3年", "3年以上", "3~5年",
    "5년 이상"])
def test_a_bound_or_a_range_of_lengths_is_no_duration(cell: str) -> None:
    """'at least 3 years' was published as a fixed term of exactly three years, '3 to 5
    years' as five: neither states the term."""
    terms, flags = parse_terms(cell)
    assert all(t.duration_years is None and t.open_ended is None for t in terms), cell
    assert [f.withheld for f in flags if f.code == "duration-bound"] == [True], cell


@pytest.mark.parametrize(("cell", "start"), [
    ("5 years", None), ("2021 - 5 years", DateValue(2021)), ("Phase 1: 5 years", None),
    ("max 2 students, 5 years", None), ("valid until 5 years after signature", None),
    ("2021, 5 years or until terminated", DateValue(2021))])
def test_a_bound_word_away_from_a_length_changes_nothing(cell: str, start: Any) -> None:
    terms, flags = parse_terms(cell)
    assert [(t.start, t.duration_years) for t in terms] == [(start, 5)], cell
    assert "duration-bound" not in [f.code for f in flags]


@pytest.mark.parametrize(("cell", "expected"), [
    ("na czas określony", (False, None)),
    ("umowa na czas określony (5 lat)", (False, 5)),
    ("czas określony", (False, None)),
    ("befristet", (False, None)),
    ("a tempo determinato", (False, None)),
    ("bepaalde duur", (False, None)),
    ("na czas nieokreślony", (True, None)),
    ("na czas", (True, None)),  # cut off at the cell's end: read, flagged
])
def test_a_fixed_term_in_words_is_no_open_end(cell: str, expected: tuple[Any, Any]) -> None:
    """'na czas określony' (for a fixed period) was read as a cut-off 'na czas
    nieokreślony' (indefinite): published as open-ended."""
    terms, _ = parse_terms(cell)
    assert [(t.open_ended, t.duration_years) for t in terms] == [expected], cell


@pytest.mark.parametrize(("cell", "role", "expected"), [
    ("extended from 2026 to 2029", "end", (None, DateValue(2029))),
    ("extended from 2026 to 2029", "term", (None, DateValue(2029))),
    ("prolongé du 31/05/2026 au 31/05/2029", "end", (None, DateValue(2029, 5, 31))),
    ("prorrogado del 2026 al 2029", "end", (None, DateValue(2029))),
    ("31/05/2029 (previously 31/05/2026)", "end", (None, DateValue(2029, 5, 31))),
    ("31.05.2029 (ursprünglich 31.05.2026)", "end", (None, DateValue(2029, 5, 31))),
    ("31/05/2029 (antes 31/05/2026)", "term", None),
])
def test_the_end_before_an_extension_starts_nothing(cell: str, role: str,
                                                    expected: Any) -> None:
    """'extended from 2026 to 2029' was read as a validity from 2026: the old end became a
    start the cell does not state."""
    terms, flags = parse_terms(cell, role=role)
    dated = [(t.start, t.end) for t in terms if t.start or t.end]
    assert dated == ([] if expected is None else [expected]), cell
    assert "unplaced-date" in [f.code for f in flags]


@pytest.mark.parametrize(("cell", "role", "expected"), [
    ("2019-жылдын 12-апрели", "end", (None, DateValue(2019, 4, 12))),      # ky
    ("2016-жылдын 22-сентябры", "end", (None, DateValue(2016, 9, 22))),
    ("2025-жылдын 31-августуна чейин", "term", (None, DateValue(2025, 8, 31))),
    ("၂၀၂၁ ခုနှစ် ဇန်နဝါရီလ ၂၀ ရက်", "end", (None, DateValue(2021, 1, 20))),  # my
    ("2019-2024", "term", (DateValue(2019), DateValue(2024))),             # a range still
])
def test_kyrgyz_and_burmese_dates_with_their_case_endings(cell: str, role: str,
                                                          expected: Any) -> None:
    """Kyrgyz joins case endings to numbers with a hyphen ('2019-жылдын 12-апрели': of the
    year 2019, 12 April); Burmese marks year, month and day ('ခုနှစ်', 'လ', 'ရက်'). Both
    were left unread."""
    terms, _ = parse_terms(cell, role=role)
    assert [(t.start, t.end) for t in terms] == [expected], cell


@pytest.mark.parametrize(("cell", "expected"), [
    ("WS 2021/22 – SS 2027", (DateValue(2021), DateValue(2027))),
    ("WiSe 2021/22 – SoSe 2028", (DateValue(2021), DateValue(2028))),
    ("SoSe 2023 – WiSe 2027/28", (DateValue(2023), DateValue(2028))),
    ("HS 2022 – FS 2027", (DateValue(2022), DateValue(2027))),      # Swiss semesters
    ("WS 2022/23 bis SS 2025", (DateValue(2022), DateValue(2025))),
])
def test_a_range_of_semesters_ends_in_the_last_semester(cell: str, expected: Any) -> None:
    """'WS 2021/22 – SS 2027' gave the start only: the semester word after the dash ended the
    range, and 2027 was withheld."""
    terms, _ = parse_terms(cell)
    assert [(t.start, t.end) for t in terms] == [expected], cell


@pytest.mark.parametrize(("cell", "start"), [
    ("mientras dure el convenio marco", None),
    ("vigente mientras lo esté el Convenio Marco de 2019", None),
    ("jusqu'à l'échéance de l'accord-cadre (2027)", None),
    ("co-terminous with the framework MoU", None),
])
def test_a_term_naming_another_agreement_lends_no_type_or_year(cell: str, start: Any) -> None:
    """'vigente mientras lo esté el Convenio Marco de 2019' gave the row the framework's type
    and its year 2019 as a start."""
    terms, flags = parse_terms(cell)
    assert all(not t.kinds and t.start is None and t.end is None for t in terms), cell
    assert "other-agreement" in [f.code for f in flags]


@pytest.mark.parametrize("cell", [
    "خمس سنوات لا تتجدد تلقائياً", "5 ani, fără prelungire automată",
    "5 ani, fara prelungire automata", "5 tahun, tidak diperpanjang otomatis",
    "5 năm, không tự động gia hạn"])
def test_a_denied_renewal_in_further_languages_is_no_renewal(cell: str) -> None:
    terms, _ = parse_terms(cell)
    assert [(t.duration_years, t.auto_renewal) for t in terms] == [(5, None)], cell


@pytest.mark.parametrize(("cell", "check"), [
    ("бемӯҳлат", lambda t: t.open_ended is True),                       # tg
    ("5 сол", lambda t: t.duration_years == 5),
    ("бо тамдиди худкор", lambda t: t.auto_renewal is True),
    ("möhletsiz", lambda t: t.open_ended is True),                      # tk
    ("2025-nji ýylyň 31-nji awgusty çenli", lambda t: t.end == DateValue(2025, 8, 31)),
    ("ເຖິງ 31 ສິງຫາ 2026", lambda t: t.end == DateValue(2026, 8, 31)),   # lo
    ("ບໍ່ມີກຳນົດ", lambda t: t.open_ended is True),
    ("تر 2026 پورې", lambda t: t.end == DateValue(2026)),                # ps
    ("5 کاله", lambda t: t.duration_years == 5),
])
def test_terms_of_the_lists_of_session_28(cell: str, check: Any) -> None:
    terms, _ = parse_terms(cell)
    assert len(terms) == 1 and check(terms[0]), cell


@pytest.mark.parametrize(("cell", "expected"), [
    ("15 марти 2021", DateValue(2021, 3, 15)),                 # tg
    ("2021-nji ýylyň 15-nji marty", DateValue(2021, 3, 15)),   # tk
    ("15 ມີນາ ໒໐໒໑", DateValue(2021, 3, 15)),                  # lo, Lao digits
    ("۱۵ وری ۱۴۰۰", DateValue(2021, 4, 4)),                    # ps: Solar Hijri
])
def test_dates_of_the_lists_of_session_28(cell: str, expected: DateValue) -> None:
    from exchange_kg.normalise.dates import parse_date

    assert parse_date(cell)[0] == expected, cell
