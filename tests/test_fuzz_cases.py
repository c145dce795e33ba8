"""Minimal cases the fuzzer found, kept as unit tests (see tests/README.md).

Each was a crash, a hang (quadratic or worse in the input's length) or a silent loss before
it was fixed. The hang cases run under ``fuzzing.time_limit``: a generous guard (the fixed
code takes a fraction of a second; the old code took from 6 s to minutes), not a speed target.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_kg.agreements import MAX_FIELD_CHARS, build_agreements
from exchange_kg.manifest import Document, Publisher
from exchange_kg.mapping_spec import load_mapping
from exchange_kg.normalise.dates import parse_date
from exchange_kg.normalise.fit import name_match, parse_site
from exchange_kg.normalise.kinds import parse_kinds
from exchange_kg.normalise.numbers import bounded_int
from exchange_kg.normalise.partner import parse_partner
from exchange_kg.normalise.quota import parse_quota
from exchange_kg.normalise.term import parse_terms
from exchange_kg.pipeline import MAX_LINE_CHARS, read_source
from exchange_kg.readers.cells import peel_values
from exchange_kg.readers.numbered_table import read as read_numbered
from exchange_kg.readers.numbered_table import row_number_check
from exchange_kg.records import LineStatus, RawRecord, SourceError
from fuzzing import ROOT, time_limit

GUARD = 5.0  # CPU seconds


@pytest.mark.parametrize("text", [
    "x" * 60_000,  # one long word: the final-period regex retried from every letter
    "Ab" * 20_000 + ".",
    "1) " * 20_000,  # a list-number look-back per ")": quadratic
    "])\xa0(* >*ł" * 6_000,
    "2013/09/1" + "“" * 60_000,  # quotes become a long run of spaces before "of"/"and"
    "Faculty of " * 5_455,  # every unit word compared with all the words before it
    "- * University of Maryland, College Park/" + "É&\\>*,²ÉZ$\x0b/" * 4_000,
    "(" * 20_000 + ")" * 20_000,  # brackets removed one nesting level per pass
    "A)" * 20_000,
])
@pytest.mark.parametrize("notation", ["auto", "parentheses", "comma", "dash"])
def test_partner_cells_are_read_in_linear_time(text: str, notation: str) -> None:
    with time_limit(GUARD):
        value, flags = parse_partner(text, notation)
    assert value.parties or any(f.code == "empty" for f in flags)


def test_unbalanced_brackets_are_flagged_once_per_kind() -> None:
    _, flags = parse_partner("University X)]" + ")" * 500, "parentheses")
    assert sum(f.code == "unbalanced-brackets" for f in flags) == 2


@pytest.mark.parametrize(("text", "expected"), [
    ("Uniwersytet Warszawski.", "Uniwersytet Warszawski"),
    ("Siemens CO.", "Siemens CO."),  # an abbreviation keeps its period
    ("Fraunhofer e.V.", "Fraunhofer e.V."),
    ("Zeta .", "Zeta ."),
])
def test_a_final_period_is_dropped_after_a_word_only(text: str, expected: str) -> None:
    assert parse_partner(text, "auto")[0].parties[0].institution == expected


@pytest.mark.parametrize("text", ["Faculty of " * 6_000, "#\u03011\x00[\u0301\x0b" * 8_000])
def test_kinds_and_terms_are_read_in_linear_time(text: str) -> None:
    with time_limit(GUARD):
        parse_kinds(text)
        parse_terms(text)


def test_a_long_run_of_letters_between_numbers_is_read_in_linear_time() -> None:
    """Found by the fuzzer: the two word groups of "2 studenti per 5 mesi" split a long run
    of letters in every possible way."""
    with time_limit(GUARD):
        parse_quota("1" + "Poland" * 10_000 + "980/09/09")


def test_a_quota_of_thousands_of_digits_is_a_flag() -> None:
    value, flags = parse_quota("9" * 5_000)  # int() refused it with a programmer's message
    assert value is None and flags[0].withheld and "5000 digits" in flags[0].message
    value, flags = parse_quota("ST" + "9" * 5_000)
    assert value is None and flags[0].withheld


@pytest.mark.parametrize("text", ["²", "²²²²", "٣", "ST²"])
def test_digits_that_are_not_decimal_do_not_crash(text: str) -> None:
    parse_quota(text)
    parse_date(text)
    parse_kinds(f"{text} lat")
    assert bounded_int("²") is None and bounded_int("٣") == 3


def test_a_long_web_address_is_not_a_host_and_abbreviations_are_bounded() -> None:
    assert parse_site("http://" + "a" * 64 + ".pl") is None  # longer than a DNS label
    assert parse_site("http://" + "a.b" * 200 + ".pl") is None
    words = " ".join("a" + chr(97 + i % 26) * 3 for i in range(30))
    text = "RMIT Vietn" + "LP." * 500
    with time_limit(GUARD):
        name_match("http://" + "a" * 24 + ".pl", "Academia " + words)
        name_match(text, text)


def test_trailing_values_are_found_in_linear_time() -> None:
    with time_limit(GUARD):
        split = peel_values("ST1, " * 20_000 + "!", ["start", "quota"])
    assert split.values == {}
    assert peel_values("Some University 2021/04/01 ST10,LT5", ["start", "quota"]).values == {
        "start": "2021/04/01", "quota": "ST10,LT5"}


def _records(numbers: list[str]) -> list[RawRecord]:
    return [RawRecord("t", (i + 2,), "", {"row_number": n}) for i, n in enumerate(numbers)]


@pytest.mark.parametrize("huge", ["100000000", "999999999"])
def test_a_huge_row_number_is_a_range_of_missing_numbers(huge: str) -> None:
    with time_limit(GUARD):  # listing every missing number took 35 s and 11.7 GB at 1e8
        check = row_number_check(_records(["1", "2", huge, "4"]))
    assert not check.passed
    assert f"missing 3, 5-{int(huge) - 1}" in check.detail
    assert len(check.found) < 500


@pytest.mark.parametrize("digits", [10, 5_000])
def test_a_row_number_of_more_than_nine_digits_is_reported_not_counted(digits: int) -> None:
    check = row_number_check(_records(["1", "9" * digits, "2"]))
    assert f"not row numbers a number of {digits} digits (line 3)" in check.detail
    assert check.lines == (3,)


def test_many_gaps_are_listed_up_to_a_limit() -> None:
    check = row_number_check(_records([str(n) for n in range(1, 2_000, 2)]))
    assert "... and" in check.detail and len(check.detail) < 1_000


def test_a_row_whose_number_has_spaces_inside_is_refused_in_linear_time() -> None:
    text = ["LP\tKRAJ\tNAZWA", "1" + " " * 50_000 + "x\tPolska\tA", "2\tPolska\tB"]
    with time_limit(GUARD):
        result = read_numbered(text, "t", {"columns": ["row_number", "country", "partner"],
                                           "header": ["LP", "KRAJ", "NAZWA"]})
    assert result.dispositions[2].status is LineStatus.UNREADABLE


def _document(tmp_path: Path, name: str, text: str) -> tuple[Document, object]:
    mapping = load_mapping(ROOT / "mappings" / f"{name}.yaml")
    path = tmp_path / f"{name}.tsv"
    path.write_text(text, encoding="utf-8")
    doc = Document(mapping.source, path, None, "test", "en", Publisher(None, "x", "x"), None,
                   path.name)
    return doc, mapping


def test_a_table_with_a_header_and_no_row_is_an_error(tmp_path: Path) -> None:
    doc, mapping = _document(tmp_path, "partners-agreement-types",
                             "Partners\nCountry\tUniversity name\tAgreement type\n")
    with pytest.raises(SourceError, match="no row found") as raised:
        read_source(doc, mapping)
    assert raised.value.path == str(doc.path)


def test_a_line_too_long_is_unreadable_and_a_long_cell_is_withheld(tmp_path: Path) -> None:
    rows = ["Country\tUniversity name\tAgreement type", "Chile\tUniversidad de Chile\tBilateral",
            "Peru\t" + "P" * (MAX_LINE_CHARS + 1) + "\tBilateral",
            "Peru\t" + "Universidad " * (MAX_FIELD_CHARS // 10) + "\tBilateral"]
    doc, mapping = _document(tmp_path, "partners-agreement-types", "\n".join(rows))
    with time_limit(GUARD):
        src = read_source(doc, mapping)
        agreements = [a for rec, sec in zip(src.result.records, src.sections, strict=True)
                      for a in build_agreements(rec, sec, "l", "p")]
    assert src.result.dispositions[3].status is LineStatus.UNREADABLE
    assert "the limit is 20000" in src.result.dispositions[3].reason
    long_cell = next(r for r in src.result.records if r.lines == (4,))
    assert [f.code for f in long_cell.flags] == ["too-long"] and long_cell.flags[0].withheld
    assert len(agreements) == 1
