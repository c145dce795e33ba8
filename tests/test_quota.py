"""Quota normaliser: every quota cell in the GSE lists, OCR variants and junk."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_kg.normalise.quota import QuotaValue, parse_quota

SOURCES = Path(__file__).resolve().parents[1] / "sources"

NO_QUOTA = QuotaValue(True, ())

# Every non-numeric quota cell in the sources -> (value, flag codes). Plain numbers are
# checked generically below.
EXPECTED: dict[str, tuple[QuotaValue | None, list[str]]] = {
    "×": (NO_QUOTA, []),
    "ST10,LT": (QuotaValue(False, (("short-term", 10),)), ["truncated"]),
    "ST10,L": (QuotaValue(False, (("short-term", 10),)), ["truncated"]),
    "ST30,LT": (QuotaValue(False, (("short-term", 30),)), ["truncated"]),
    "ST10,LT5": (QuotaValue(False, (("short-term", 10), ("long-term", 5))), []),
    "ST30,LT10": (QuotaValue(False, (("short-term", 30), ("long-term", 10))), []),
    # headers sharing the column
    "Quota": (None, ["unreadable"]),
    "Quot": (None, ["unreadable"]),
}

# Quota tokens from the squashed OCR passes (no tab around them).
OCR_SQUASHED: dict[str, tuple[QuotaValue | None, list[str]]] = {
    "x": (NO_QUOTA, []),
    "xx": (NO_QUOTA, ["ocr-repaired"]),
    "\\$": (None, ["unreadable"]),
}


def _quota_cells() -> set[str]:
    cells: set[str] = set()
    for name in ("gse-partners.tsv", "gse-partners-newer-ocr.txt"):
        for line in (SOURCES / name).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 4 and parts[-1].strip():
                cells.add(parts[-1].strip())
    return cells


def test_every_non_numeric_quota_cell_has_an_expectation() -> None:
    cells = _quota_cells()
    assert {"5", "×", "ST10,LT"} <= cells
    missing = sorted(c for c in cells if not c.isdigit() and c not in EXPECTED)
    assert not missing, f"new quota spellings in the sources: {missing}"


@pytest.mark.parametrize("cell", sorted(_quota_cells()))
def test_every_quota_cell_in_the_sources(cell: str) -> None:
    value, flags = parse_quota(cell)
    if cell.isdigit():
        assert value == QuotaValue(False, (("unspecified", int(cell)),)) and flags == []
        return
    expected, codes = EXPECTED[cell]
    assert value == expected
    assert [f.code for f in flags] == codes


@pytest.mark.parametrize(("cell", "expected"), sorted(OCR_SQUASHED.items()))
def test_ocr_quota_tokens(cell: str, expected: tuple[QuotaValue | None, list[str]]) -> None:
    value, flags = parse_quota(cell)
    assert value == expected[0]
    assert [f.code for f in flags] == expected[1]


@pytest.mark.parametrize("mark", ["×", "x", "X", "✕", "✖", "xx", " × "])
def test_cross_marks_mean_no_quota_never_a_number(mark: str) -> None:
    value, _ = parse_quota(mark)
    assert value is not None and value.no_student_quota and value.places == ()


def test_truncated_long_term_is_unknown_not_zero() -> None:
    value, flags = parse_quota("ST10,LT")
    assert value is not None and value.places_for("long-term") is None
    assert value.places_for("short-term") == 10
    assert flags[0].withheld and flags[0].field == "quota" and "long-term" in flags[0].message


@pytest.mark.parametrize(
    ("cell", "expected", "codes"),
    [
        ("", None, []),
        ("  ", None, []),
        ("0", QuotaValue(False, (("unspecified", 0),)), []),
        ("12", QuotaValue(False, (("unspecified", 12),)), []),
        ("ST 10, LT 5", QuotaValue(False, (("short-term", 10), ("long-term", 5))), []),
        ("st10;lt5", QuotaValue(False, (("short-term", 10), ("long-term", 5))), []),
        ("LT", None, ["truncated"]),
        ("$", None, ["unreadable"]),
        ("xxxx", None, ["unreadable"]),  # too long to be a doubled mark
        ("L5", None, ["unreadable"]),  # a cut label with a number is not a cut-off cell
        ("ST10,ST5", None, ["unreadable"]),  # the same kind twice
        ("5 students", QuotaValue(False, (("unspecified", 5),)), []),  # a word that counts
        ("je 2", QuotaValue(False, (("unspecified", 2),), apiece=True), []),  # each party's
        ("2 plazas", QuotaValue(False, (("unspecified", 2),)), []),
        ("5 apples", None, ["unreadable"]),  # a word that counts nothing we know
        ("2 x 5", None, ["unreadable"]),  # two numbers, no unit: which counts what?
        # places times the time each lasts: the places, the time flagged, not published
        ("2 x 5 Monate", QuotaValue(False, (("unspecified", 2),)), ["quota-duration"]),
        ("4×10 months", QuotaValue(False, (("unspecified", 4),)), ["quota-duration"]),
        ("1 x 1 semestre", QuotaValue(False, (("unspecified", 1),)), ["quota-duration"]),
        ("2 x 5 apples", None, ["unreadable"]),
        # the places each way, written twice: one number when they agree
        ("2 in, 2 out", QuotaValue(False, (("unspecified", 2),)), []),
        ("3 incoming / 3 outgoing", QuotaValue(False, (("unspecified", 3),)), []),
        ("3 in, 2 out", None, ["unreadable"]),
        # the direction before its number, as a Dutch Word cell's nested table writes it
        ("uit 2 / in 2", QuotaValue(False, (("unspecified", 2),)), []),
        ("uit\u20282\u2028in\u20282", QuotaValue(False, (("unspecified", 2),)), []),
        ("uit\u20282\u2028in\u20281", None, ["unreadable"]),
        ("in: 2, out: 2", QuotaValue(False, (("unspecified", 2),)), []),
        ("2 in and 2 out", QuotaValue(False, (("unspecified", 2),)), []),
        ("in 2", None, ["unreadable"]),  # one direction: the other is not stated
        ("2 in, 2 in", None, ["unreadable"]),
        ("2 x 5 x 3 months", None, ["unreadable"]),
        ("N/A", None, []),  # says the quota is not stated
        ("—", None, []),
    ],
)
def test_parse_quota_synthetic(cell: str, expected: QuotaValue | None, codes: list[str]) -> None:
    value, flags = parse_quota(cell)
    assert value == expected
    assert [f.code for f in flags] == codes


def test_unreadable_quota_is_withheld() -> None:
    _, flags = parse_quota("$")
    assert flags[0].withheld and flags[0].value == "$"


@pytest.mark.parametrize(
    ("cell", "expected", "codes"),
    [
        # what the places count, between the number and the "x"
        ("2 studenti x 5 mesi", QuotaValue(False, (("unspecified", 2),)), ["quota-duration"]),
        ("2 students x 5 months", QuotaValue(False, (("unspecified", 2),)), ["quota-duration"]),
        ("2 apples x 5 months", None, ["unreadable"]),
        # a total with its parts: the total, when the parts add up to it
        ("4 (2+2)", QuotaValue(False, (("unspecified", 4),)), ["quota-parts"]),
        ("3 (1 + 2)", QuotaValue(False, (("unspecified", 3),)), ["quota-parts"]),
        ("4 (2+3)", None, ["unreadable"]),
        ("2+2", None, ["unreadable"]),  # the sum, or two each way? not said
        # two counts by a slash (out/in, students/staff): equal, the places whichever is which
        ("2/2", QuotaValue(False, (("unspecified", 2),)), ["quota-pair"]),
        ("3 / 3", QuotaValue(False, (("unspecified", 3),)), ["quota-pair"]),
        ("2/1", None, ["unreadable"]),  # which one counts the students is not said
        # Erasmus+ mobility types: student places are the quota, staff places are not
        ("2 SMS, 1 STA", QuotaValue(False, (("unspecified", 2),)), ["quota-staff"]),
        ("mobility: 2 SMS, 1 STA", QuotaValue(False, (("unspecified", 2),)), ["quota-staff"]),
        ("mobilità: 2 SMS / 1 STA", QuotaValue(False, (("unspecified", 2),)), ["quota-staff"]),
        ("SMS: 3", QuotaValue(False, (("unspecified", 3),)), []),
        ("1 STA", None, ["quota-staff"]),
        ("2 SMS, 1 SMP", None, ["unreadable"]),  # two kinds of student places: not merged
        ("2 SMS, 1 XYZ", None, ["unreadable"]),
        # a number with leading zeros is a code (an ISCED field), not a count
        ("0413", None, ["unreadable"]),
        ("05", QuotaValue(False, (("unspecified", 5),)), []),
        # counting words and "not stated" in further languages
        ("3 studentů", QuotaValue(False, (("unspecified", 3),)), []),
        ("2 hallgató", QuotaValue(False, (("unspecified", 2),)), []),
        ("2 öğrenci", QuotaValue(False, (("unspecified", 2),)), []),
        ("2 plaatsen", QuotaValue(False, (("unspecified", 2),)), []),
        ("2 platser", QuotaValue(False, (("unspecified", 2),)), []),
        ("2 paikkaa", QuotaValue(False, (("unspecified", 2),)), []),
        ("2 φοιτητές", QuotaValue(False, (("unspecified", 2),)), []),
        ("2 locuri", QuotaValue(False, (("unspecified", 2),)), []),
        ("2 vietos", QuotaValue(False, (("unspecified", 2),)), []),
        ("2 x 5 měsíců", QuotaValue(False, (("unspecified", 2),)), ["quota-duration"]),
        ("TBC", None, []),
    ],
)
def test_quota_cells_of_further_conventions(cell: str, expected: QuotaValue | None,
                                            codes: list[str]) -> None:
    value, flags = parse_quota(cell)
    assert value == expected
    assert [f.code for f in flags] == codes
    assert all(f.withheld for f in flags if f.code == "unreadable")


@pytest.mark.parametrize(("cell", "expected", "codes"), [
    # a sign or word between the places and the time each lasts
    ("2 studenti per 5 mesi", QuotaValue(False, (("unspecified", 2),)), ["quota-duration"]),
    ("2 fő / 5 hónap", QuotaValue(False, (("unspecified", 2),)), ["quota-duration"]),
    ("2 studenten, 5 maanden", QuotaValue(False, (("unspecified", 2),)), ["quota-duration"]),
    ("2 studentai po 5 mėn.", QuotaValue(False, (("unspecified", 2),)), ["quota-duration"]),
    ("2 studenti na 1 semestr", QuotaValue(False, (("unspecified", 2),)), ["quota-duration"]),
    ("2 studenti oder 5 mesi", None, ["unreadable"]),  # a word that joins nothing we know
    # places per semester: a rate, not the time each place lasts; not read
    ("2 vagas por semestre", None, ["unreadable"]),
    ("2 per semester", None, ["unreadable"]),
    # a maximum is the number of places; a balanced exchange states none
    ("up to 4", QuotaValue(False, (("unspecified", 4),)), []),
    ("max. 2", QuotaValue(False, (("unspecified", 2),)), []),
    ("até 2 alunos", QuotaValue(False, (("unspecified", 2),)), []),
    ("Balanced exchange", None, []),
])
def test_quota_joined_to_its_time_or_bounded(cell: str, expected: QuotaValue | None,
                                             codes: list[str]) -> None:
    value, flags = parse_quota(cell)
    assert value == expected
    assert [f.code for f in flags] == codes


@pytest.mark.parametrize(("cell", "expected"), [
    # a quota counts a year's places: saying so changes nothing
    ("3 per year", QuotaValue(False, (("unspecified", 3),))),
    ("2 studenti all'anno", QuotaValue(False, (("unspecified", 2),))),
    ("2 estudantes por ano", QuotaValue(False, (("unspecified", 2),))),
    ("× per year", QuotaValue(True, ())),
    ("2/year", QuotaValue(False, (("unspecified", 2),))),  # the year glued on with a slash
    ("1 miejsce/rok", QuotaValue(False, (("unspecified", 1),))),
    ("2/3", None),  # two numbers: no quota
    ("per year", None),
    ("2 FTE per year", None),  # full-time equivalents are no count of students
    ("scambio bilanciato", None),
])
def test_a_years_places(cell: str, expected: QuotaValue | None) -> None:
    assert parse_quota(cell)[0] == expected


@pytest.mark.parametrize(("cell", "places"), [
    ("2 cupos", 2), ("1 cupo", 1), ("2 helår", 2), ("2 места", 2), ("2 місця", 2),
    ("2名", 2), ("2人", 2), ("2명", 2), ("2 studenti á 5 měsíců", 2),
])
def test_counting_words_of_further_languages(cell: str, places: int) -> None:
    value, _ = parse_quota(cell)
    assert value is not None and value.places == (("unspecified", places),)


def _places(n: int) -> QuotaValue:
    return QuotaValue(False, (("unspecified", n),))


@pytest.mark.parametrize(("cell", "expected", "codes"), [
    # "2+2": two each way, or the sum of two groups? the cell does not say
    ("2+2", None, ["unreadable"]),
    ("3 + 3", None, ["unreadable"]),
    # a number and a word in brackets that only says the places go both ways
    ("2 (reciprocal)", _places(2), []),
    # a number and how long each place lasts, in brackets: the places
    ("2 (1 semester each)", _places(2), ["quota-duration"]),
    ("2 (1 sem.)", _places(2), ["quota-duration"]),
    ("3 (5 Monate)", _places(3), ["quota-duration"]),
    ("2 (10 months each)", _places(2), ["quota-duration"]),
    # a year's places and how the two semesters share them
    ("4 (2 per semester)", _places(4), ["quota-parts"]),
    ("3 (2 per semester)", None, ["unreadable"]),  # does not add up: not read
    # places of a semester each
    ("5 semester places", _places(5), []),
    # the cell says there are no student places: the no-quota mark's meaning
    ("no exchange places (research only)", QuotaValue(True, ()), []),
    ("no places", QuotaValue(True, ()), []),
    ("keine Plätze", QuotaValue(True, ()), []),
    # what the cell does not settle stays unread
    ("10 months", None, ["unreadable"]),
    ("2 semesters", None, ["unreadable"]),
    ("1 year", None, ["unreadable"]),
    ("3 (1 PhD)", None, ["unreadable"]),
    ("3 (AY 2026/27: 4)", None, ["unreadable"]),
    ("2 UG / 1 PG", None, ["unreadable"]),
    ("no places (2 from 2026)", None, ["unreadable"]),
    ("1 (2 semesters each)", _places(1), ["quota-duration"]),
])
def test_notations_of_real_lists(cell: str, expected: QuotaValue | None,
                                 codes: list[str]) -> None:
    value, flags = parse_quota(cell)
    assert value == expected
    assert [f.code for f in flags] == codes


@pytest.mark.parametrize(("cell", "places"), [
    ("2 sinh viên", 2), ("3 mahasiswa", 3), ("2 orang", 2), ("2 студенти", 2),
    ("2 студента", 2), ("۲ نفر", 2), ("2 คน", 2),
])
def test_counting_words_of_asian_and_balkan_lists(cell: str, places: int) -> None:
    value, _ = parse_quota(cell)
    assert value is not None and value.places == (("unspecified", places),)


@pytest.mark.parametrize("cell", ["2 sinh viên/năm", "2 mahasiswa per tahun", "2 места в год",
                                  "۲ نفر در سال"])
def test_a_years_places_in_further_languages(cell: str) -> None:
    assert parse_quota(cell)[0] == QuotaValue(False, (("unspecified", 2),))


@pytest.mark.parametrize("cell", ["2 nemar", "2 studentë", "2 fyfyriwr", "2 คน"])
def test_places_counted_in_further_languages(cell: str) -> None:
    assert parse_quota(cell) == (QuotaValue(False, (("unspecified", 2),)), [])


@pytest.mark.parametrize(("cell", "places"), [
    ("2 student-studies", 2),                      # the EWP codes of cooperation conditions
    ("2 student-studies, 1 staff-teaching", 2),    # staff places are no student quota
    ("1 staff-teaching", None),
])
def test_ewp_mobility_codes(cell: str, places: int | None) -> None:
    value, _ = parse_quota(cell)
    assert (value.places[0][1] if value else None) == places


@pytest.mark.parametrize(("cell", "apiece"), [("各2名", True), ("每年2名", False)])
def test_places_each_and_a_year_written_before_the_number(cell: str, apiece: bool) -> None:
    assert parse_quota(cell) == (QuotaValue(False, (("unspecified", 2),), apiece=apiece), [])


@pytest.mark.parametrize(("cell", "places", "flagged"), [
    ("2,0", 2, False), ("3.0", 3, False), ("2,00", 2, False),  # a float column's whole numbers
    ("3*", 3, True), ("2¹", 2, True),
])
def test_whole_numbers_and_footnote_marks_of_quota_cells(cell: str, places: int,
                                                        flagged: bool) -> None:
    """An untuned Dutch export's '2,0' places and a French list's '3*' were unreadable."""
    value, flags = parse_quota(cell)
    assert value == QuotaValue(False, (("unspecified", places),))
    assert [f.code for f in flags] == (["footnote-mark"] if flagged else [])


@pytest.mark.parametrize("cell", ["2,5", "2,05"])
def test_a_fraction_of_places_stays_unreadable(cell: str) -> None:
    assert parse_quota(cell)[0] is None


@pytest.mark.parametrize("cell", ["2 1", "3 2", "12 4"])
def test_numbers_apart_by_a_space_are_no_quota(cell: str) -> None:
    """'2 1' (out and in) was published as 21 places."""
    value, flags = parse_quota(cell)
    assert value is None and [f.code for f in flags] == ["unreadable"]


def test_a_space_still_groups_thousands() -> None:
    assert parse_quota("1 250")[0].places == (("unspecified", 1250),)  # type: ignore[union-attr]
