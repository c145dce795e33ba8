"""The content-table reader: shifted Area/Country (n)/Institution/Department/Year rows."""

from __future__ import annotations

import pytest

from exchange_kg.normalise import country as country_module
from exchange_kg.readers import REGISTRY
from exchange_kg.readers import outline as outline_reader
from exchange_kg.readers.content_table import LabelAt, label_key, place_groups, read, split_cells
from exchange_kg.records import LineStatus
from reader_helpers import TOHOKU, by_line, flag_codes, source_lines

OPTIONS = {"start_marker": r"^Department Level Agreements\s*$"}
OUTLINE_OPTIONS = {
    "start_marker": r"^University Level Agreements\s*$",
    "end_marker": r"^Department Level Agreements\s*$",
    "owns_preamble": True,
}


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return source_lines(TOHOKU)


@pytest.fixture(scope="module")
def result(lines: list[str]):
    return read(lines, "tohoku", OPTIONS)


def check(result, name: str):
    return next(c for c in result.checks if c.name == name)


# --- the real table ---------------------------------------------------------------------------


def test_registered_under_its_mapping_name() -> None:
    assert REGISTRY["content-table"].read_fn is read


def test_every_self_check_on_the_real_table_passes(result) -> None:
    failing = [c for c in result.checks if not c.passed]
    assert failing == []
    counts = [c for c in result.checks if c.name.startswith("department-level count: ")]
    assert len(counts) == 52
    assert check(result, "department-level count: China").found == 75
    assert check(result, "department-level count: China").lines == (348, 413)
    countries = check(result, "department-level countries and regions")
    assert (countries.expected, countries.found) == (52, 52)
    rows = check(result, "department-level agreements (rows; stated as 'institutions')")
    assert (rows.expected, rows.found) == (411, 411)
    assert len(result.records) == 411


def test_every_line_of_the_section_has_one_disposition(lines, result) -> None:
    non_blank = {n for n in range(342, len(lines) + 1) if lines[n - 1].strip()}
    assert set(result.dispositions) == non_blank
    record_lines = [n for rec in result.records for n in rec.lines]
    assert len(record_lines) == len(set(record_lines))
    statuses = {d.status for d in result.dispositions.values()}
    assert LineStatus.UNREADABLE not in statuses


def test_both_readers_together_cover_the_file_without_overlap(lines, result) -> None:
    outline = outline_reader.read(lines, "tohoku", OUTLINE_OPTIONS)
    assert not set(outline.dispositions) & set(result.dispositions)
    covered = set(outline.dispositions) | set(result.dispositions)
    assert covered == {n for n, text in enumerate(lines, 1) if text.strip()}


def test_layout_lines_of_the_table(result) -> None:
    kinds = {n: result.dispositions[n].kind for n in (342, 344, 346, 410, 475, 477, 479, 481)}
    assert kinds == {
        342: "title",
        344: "total",
        346: "header",
        410: "page-break",
        475: "legend",
        477: "title",
        479: "title",
        481: "header",
    }


def test_row_read_in_its_own_columns(result) -> None:
    rec = by_line(result, 347)
    assert rec.fields == {
        "area": "Asia",
        "country": "Bangladesh",
        "partner": "University of Dhaka, Faculty of Biological Science",
        "waiver": "",
        "home_unit": "Graduate School of Agricultural Science / Faculty of Agriculture",
        "start": "2014/04/27",
    }
    assert rec.flags == []


@pytest.mark.parametrize("n", [521, 524, 526, 538])
def test_shifted_taiwan_rows_read_by_content(result, n: int) -> None:
    rec = by_line(result, n)
    assert rec.fields["country"] == "Taiwan"
    assert rec.fields["area"] == "Asia"
    assert rec.fields["start"][:4].isdigit()
    assert not rec.fields["home_unit"].startswith("*")
    assert rec.flags == []


def test_shifted_row_keeps_waiver_and_department(result) -> None:
    rec = by_line(result, 524)
    assert rec.fields["partner"] == "National Sun Yat-sen University, College of Liberal Arts"
    assert rec.fields["waiver"] == "*"
    assert rec.fields["home_unit"] == "Graduate School / Faculty of Arts and Letters"
    assert rec.fields["start"] == "1999/04/03"
    thai = by_line(result, 539)
    assert thai.fields["country"] == "Thailand"
    assert thai.fields["partner"] == "Chiang Mai University, Faculty of Science"


def test_canada_count_hands_later_rows_to_the_usa(result) -> None:
    canada = [by_line(result, n) for n in range(574, 581)]
    assert {r.fields["country"] for r in canada} == {"Canada"}
    assert all("country-from-count" not in flag_codes(r) for r in canada)
    assert by_line(result, 575).fields["partner"] == (
        "McGill University, Montreal Neurological Institute"
    )
    for n in (581, 582, 583):
        rec = by_line(result, n)
        assert rec.fields["country"] == "U. S. A."
        assert "country-from-count" in flag_codes(rec)
        assert rec.fields["area"] == "North America"
    assert "country-from-count" not in flag_codes(by_line(result, 584))
    assert check(result, "department-level count: U. S. A.").found == 30


def test_misplaced_ukraine_label_stays_in_the_uk_group(result) -> None:
    assert by_line(result, 791).fields["country"] == "UK"
    york = by_line(result, 792)
    assert york.fields["country"] == "UK"
    assert {"country-from-count", "misplaced-country-label"} <= set(flag_codes(york))
    misplaced = next(f for f in york.flags if f.code == "misplaced-country-label")
    assert misplaced.value == "Ukraine"
    assert by_line(result, 793).fields["country"] == "UK"
    assert "misplaced-country-label" not in flag_codes(by_line(result, 793))
    ukraine = by_line(result, 794)
    assert ukraine.fields["country"] == "Ukraine"
    assert "country-from-count" not in flag_codes(ukraine)
    assert by_line(result, 795).fields["country"] == "Uzbekistan"
    assert check(result, "department-level count: UK").found == 12
    assert check(result, "department-level count: Ukraine").found == 1


def test_french_rows_with_accents(result) -> None:
    rec = by_line(result, 648)
    partner = "École des Mines de Saint-Etienne, Centre Matériaux et Structures"
    assert rec.fields["partner"] == partner
    assert rec.fields["country"] == "France"
    assert rec.fields["home_unit"] == "Institute for Materials Research"


# --- cells ------------------------------------------------------------------------------------


def test_split_accented_capital_is_rejoined() -> None:
    cells, rejoined = split_cells("\tÉ\tcole des Mines d'Albi\t\tInstitute X\t1999/10/04")
    assert cells == ["École des Mines d'Albi", "Institute X", "1999/10/04"]
    assert rejoined == ["École des Mines d'Albi"]


def test_single_letter_cells_that_are_not_split_words_stay_apart() -> None:
    assert split_cells("É\tCole\tA\tb")[0] == ["É", "Cole", "A", "b"]


SYNTHETIC = """\
Department Level
Area\tCountry / Region\tInstitution\tDepartment\tYear
Europe\tFrance (3)\tÉ\tcole Centrale, Lab\tSchool of Engineering\t1998/
\t\t*\tUniversité de Lyon\tSchool of Science\t2002
\tInstitut Curie\tSchool of Medicine\t2001/03/04\t
\t\tSchool of Engineering\t2005/01/01
\t\ta wrapped tail of the row above
Asia\tChina (2)\t\t
\tPeking University\tInstitute Y\tExtra Z\t2000/01/01
\tTsinghua University\tSchool of Engineering\t2003/02/01
\tFudan University\tSchool of Science\t2004/02/01
2 countries and regions, 6 institutions
"""


@pytest.fixture()
def synthetic():
    return read(SYNTHETIC.split("\n"), "syn", {"start_marker": "^Department Level$"})


def test_synthetic_cells_by_content(synthetic) -> None:
    first = by_line(synthetic, 3)
    assert first.fields["partner"] == "École Centrale, Lab"
    assert first.fields["start"] == "1998/"
    assert {"rejoined-cell", "truncated"} <= set(flag_codes(first))
    second = by_line(synthetic, 4)
    assert (second.fields["partner"], second.fields["waiver"]) == ("Université de Lyon", "*")
    assert second.fields["start"] == "2002"
    assert "truncated" in flag_codes(second)
    assert by_line(synthetic, 5).fields["country"] == "France"


def test_lone_known_department_means_the_institution_is_missing(synthetic) -> None:
    rec = by_line(synthetic, 6)
    assert "partner" not in rec.fields
    assert rec.fields["home_unit"] == "School of Engineering"
    assert ("partner", "missing-cell") in [(f.field, f.code) for f in rec.flags]
    # a fourth row in a group of three: the check fails instead of hiding it
    france = check(synthetic, "department-level count: France")
    assert (france.expected, france.found, france.passed) == (3, 4, False)


def test_oddities_are_unreadable_with_a_reason(synthetic) -> None:
    wrapped = synthetic.dispositions[7]
    assert (wrapped.status, wrapped.kind) == (LineStatus.UNREADABLE, "continuation")
    too_many = synthetic.dispositions[9]
    assert too_many.status is LineStatus.UNREADABLE
    assert "3 text cells" in too_many.reason


def test_label_alone_on_a_line_applies_to_the_rows_below(synthetic) -> None:
    assert synthetic.dispositions[8].kind == "group-label"
    rec = by_line(synthetic, 10)
    assert (rec.fields["country"], rec.fields["area"]) == ("China", "Asia")


def test_stated_totals_that_disagree_fail_honestly(synthetic) -> None:
    rows = check(synthetic, "department-level agreements (rows; stated as 'institutions')")
    assert (rows.expected, rows.found, rows.passed) == (6, 6, True)
    summed = check(synthetic, "department-level stated per-country counts add up")
    assert (summed.expected, summed.found, summed.passed) == (6, 5, False)


# --- placing rows in groups -------------------------------------------------------------------


def lab(row: int, name: str, count: int) -> LabelAt:
    return LabelAt(row, label_key(name), name, count, line=100 + row)


def test_labels_that_agree_with_counts_are_kept() -> None:
    placement = place_groups(5, [lab(0, "Chile", 2), lab(2, "Peru", 3)])
    assert placement.by_row == ["chile"] * 2 + ["peru"] * 3
    assert placement.by_row == placement.by_label
    assert placement.misplaced == [] and placement.unresolved == []


def test_label_standing_low_is_moved_up_by_the_counts() -> None:
    placement = place_groups(5, [lab(0, "Chile", 2), lab(3, "Peru", 3)])
    assert placement.by_label == ["chile"] * 3 + ["peru"] * 2
    assert placement.by_row == ["chile"] * 2 + ["peru"] * 3


def test_label_on_a_row_of_the_previous_group_is_misplaced() -> None:
    labels = [lab(0, "UK", 4), lab(2, "Ukraine", 1), lab(4, "Ukraine", 1), lab(5, "Malta", 1)]
    placement = place_groups(6, labels)
    assert placement.by_row == ["uk"] * 4 + ["ukraine", "malta"]
    assert placement.misplaced == [labels[1]]


def test_repeated_label_on_a_new_page_continues_its_group() -> None:
    labels = [lab(0, "China", 4), lab(2, "China", 4), lab(4, "India", 1)]
    placement = place_groups(5, labels)
    assert placement.by_row == ["china"] * 4 + ["india"]
    assert placement.stated["china"] == [4, 4]


def test_counts_that_cannot_be_satisfied_fall_back_to_labels() -> None:
    placement = place_groups(4, [lab(0, "Chile", 3), lab(2, "Peru", 3)])
    assert placement.by_row == ["chile"] * 2 + ["peru"] * 2
    assert placement.unresolved == ["chile", "peru"]


def test_counts_that_only_balance_by_shifting_many_labels_are_not_trusted() -> None:
    # Chile really has 3 rows and Peru 3 (labels on each group's first row); the document
    # says 2 and 4. Re-cutting by counts would leave three groups without a label on their
    # first row to fix two failed counts, so the labels stand and the checks fail.
    labels = [lab(0, "Chile", 2), lab(3, "Cuba", 3), lab(6, "Haiti", 3), lab(9, "Peru", 4)]
    placement = place_groups(12, labels)
    assert placement.by_row == placement.by_label
    assert placement.unresolved == ["chile", "peru"]


def test_rows_before_the_first_label_join_the_first_group_by_count() -> None:
    placement = place_groups(3, [lab(1, "Chile", 3)])
    assert placement.by_label == [None, "chile", "chile"]
    assert placement.by_row == ["chile"] * 3


CONTRADICTION = """\
Dept
North America\tCanada (2)\tMcGill University\tSchool of Medicine\t2010/06/08
\t\tUniversity of Toronto\tSchool of Engineering\t1994/06/20
\t\tColumbia University\tSchool of Science\t1995/11/22
USA (2)\t\tHarvard University\tSchool of Science\t2002/05/31
Europe\tUK (2)\tUniversity of Leeds\tSchool of Science\t2001/01/01
Ukraine (1)\tUniversity of York\tSchool of Education\t2005/02/04
\tKyiv Polytechnic\tSchool of Engineering\t2006/09/20
"""


def test_contradicting_labels_resolved_by_counts_in_a_table() -> None:
    result = read(CONTRADICTION.split("\n"), "syn", {"start_marker": "^Dept$"})
    countries = {r.first_line: r.fields["country"] for r in result.records}
    assert countries == {
        2: "Canada",
        3: "Canada",
        4: "USA",
        5: "USA",
        6: "UK",
        7: "UK",
        8: "Ukraine",
    }
    assert "country-from-count" in flag_codes(by_line(result, 4))
    assert by_line(result, 4).fields["area"] == "North America"
    assert "misplaced-country-label" in flag_codes(by_line(result, 7))
    assert all(c.passed for c in result.checks)


def test_unsatisfiable_counts_leave_labels_and_fail_the_check() -> None:
    text = "Dept\nAsia\tChina (3)\tA Univ\tUnit\t2000/01/01\n\tIndia (1)\tB Univ\tUnit\t2001/01/01"
    result = read(text.split("\n"), "syn", {"start_marker": "^Dept$"})
    assert [r.fields["country"] for r in result.records] == ["China", "India"]
    china = check(result, "department-level count: China")
    assert (china.expected, china.found, china.passed) == (3, 1, False)
    assert "disagree" in china.detail


def test_institution_naming_another_country_is_flagged(monkeypatch) -> None:
    def countries_in_name(text: str) -> list[str]:
        return [code for word, code in (("Hong Kong", "HK"), ("Egypt", "EG")) if word in text]

    monkeypatch.setattr(country_module, "countries_in_name", countries_in_name, raising=False)
    text = (
        "Dept\nAsia\tChina (2)\tThe University of Hong Kong, Faculty\tUnit\t2000/01/01\n"
        "\t\tPeking University, Hong Kong Centre\tUnit\t2000/01/01\n"
        "Africa\tEgypt (1)\tEgypt-Japan University\tUnit\t2013/05/12"
    )
    result = read(text.split("\n"), "syn", {"start_marker": "^Dept$"})
    hk, peking, ejust = result.records
    assert "country-name-conflict" in flag_codes(hk)
    # only the institution's name before the comma counts
    assert "country-name-conflict" not in flag_codes(peking)
    assert "country-name-conflict" not in flag_codes(ejust)
    ignored = read(
        text.split("\n"), "syn", {"start_marker": "^Dept$", "ignore_name_countries": ["HK"]}
    )
    assert "country-name-conflict" not in flag_codes(ignored.records[0])


def test_reading_is_deterministic(lines) -> None:
    first = read(lines, "tohoku", OPTIONS)
    second = read(lines, "tohoku", OPTIONS)
    assert first.records == second.records and first.checks == second.checks


def test_real_hong_kong_rows_under_china_are_flagged_not_moved(result) -> None:
    hku = by_line(result, 413)
    assert hku.fields["country"] == "China"
    conflict = next(f for f in hku.flags if f.code == "country-name-conflict")
    assert conflict.value == "HK" and not conflict.withheld
    assert "country-name-conflict" not in flag_codes(by_line(result, 348))


def test_institution_spread_over_cells_is_joined_when_the_department_is_known() -> None:
    text = (
        "Dept\nAsia\tChina (2)\tPeking University\tGraduate School\t2000/01/01\n"
        "\t\tFudan University\tSchool of Physics\tGraduate School\t2001/01/01"
    )
    result = read(text.split("\n"), "syn", {"start_marker": "^Dept$"})
    fudan = by_line(result, 3)
    assert fudan.fields["partner"] == "Fudan University, School of Physics"
    assert fudan.fields["home_unit"] == "Graduate School"
    assert "joined-cells" in flag_codes(fudan)


def test_two_country_cells_on_one_line_are_unreadable() -> None:
    text = "Dept\nAsia\tChina (1)\tIndia (1)\tPeking University\tUnit\t2000/01/01"
    result = read(text.split("\n"), "syn", {"start_marker": "^Dept$"})
    assert result.records == []
    assert result.dispositions[2].status is LineStatus.UNREADABLE
    assert "two country cells" in result.dispositions[2].reason


def test_dateless_text_is_a_continuation_unless_it_starts_a_group() -> None:
    text = (
        "Dept\nAsia\tChina (2)\tPeking University\tUnit\t2000/01/01\n"
        "\t\tof Physics\tand Chemistry\n"
        "\tIndia (1)\tIIT Madras\tUnit"
    )
    result = read(text.split("\n"), "syn", {"start_marker": "^Dept$"})
    assert result.dispositions[3].kind == "continuation"
    assert result.dispositions[3].status is LineStatus.UNREADABLE
    india = by_line(result, 4)
    assert india.fields["country"] == "India" and "start" not in india.fields
    assert ("start", "missing-cell") in [(f.field, f.code) for f in india.flags]
