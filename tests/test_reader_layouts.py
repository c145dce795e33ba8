"""Layouts as lists really come: labels on first, middle, last rows or on a line of their own,
groups of one, groups split by a page break, headings inside tables, rows without a number
that continue the row above. Each case is a small document written for the test."""

from __future__ import annotations

import pytest

from exchange_kg import readers
from exchange_kg.records import LineStatus, ReaderResult

MERGED = {"columns": ["country", "partner", "start", "quota"],
          "header": ["Country", "Partner", "Start", "Quota"], "merged": ["country"]}


def read(reader: str, text: str, **options: object) -> ReaderResult:
    lines = text.strip("\n").split("\n")
    return readers.get(reader).read(lines, "test", dict(options))


def countries(result: ReaderResult) -> dict[int, str]:
    """First line of each record -> its country cell (after the merged-cell assignment)."""
    return {r.first_line: r.fields.get("country", "") for r in result.records}


def status(result: ReaderResult, line: int) -> tuple[str, str]:
    d = result.dispositions[line]
    return d.status.value, d.kind


def table(*rows: str) -> str:
    return "\n".join(["Country\tPartner\tStart\tQuota", *rows])


# -------------------------------------------------------------------- merged-cell tables


def test_a_label_on_a_line_of_its_own_labels_its_group_and_is_no_partner() -> None:
    result = read("merged-cell-table", table(
        "Chile\tUniversidad de Chile\t2015/01/01\t2",          # 2: a group of one
        "\tUniversidad de los Andes\t2016/11/22\t2",           # 3
        "Colombia",                                            # 4: label-only, no tabs
        "\tUniversidad EAFIT\t2018/05/09\t1",                  # 5
        "\tMassachusetts Institute of Technology\t2014/07/15\t1",  # 6
        "USA\t\t\t",                                           # 7: label-only, with tabs
        "\tPurdue University\t2018/10/02\t2",                  # 8
    ), **MERGED)
    assert countries(result) == {2: "Chile", 3: "Colombia", 5: "Colombia", 6: "USA", 8: "USA"}
    for line in (4, 7):
        assert status(result, line) == ("layout", "label")
    assert not [r for r in result.records if not r.fields.get("partner")]


def _aligned(position: str) -> str:
    """Three groups of three and one of one; labels on the given row of each group."""
    groups = [("Germany", ["Universität Stuttgart", "Freie Universität Berlin",
                           "RWTH Aachen University"]),
              ("Japan", ["Tohoku University", "Kyoto University", "Osaka University"]),
              ("Chile", ["Universidad de Chile"]),
              ("Spain", ["Universidad de Salamanca", "Universitat de Barcelona",
                         "Universidad de Granada"])]
    rows = []
    for label, names in groups:
        at = {"first": 0, "middle": len(names) // 2, "last": len(names) - 1}[position]
        rows += [f"{label if i == at else ''}\t{name}\t2019/01/01\t2"
                 for i, name in enumerate(names)]
    return table(*rows)


EXPECTED_GROUPS = {2: "Germany", 3: "Germany", 4: "Germany", 5: "Japan", 6: "Japan",
                   7: "Japan", 8: "Chile", 9: "Spain", 10: "Spain", 11: "Spain"}


@pytest.mark.parametrize("position", ["first", "middle", "last"])
def test_labels_on_first_middle_or_last_rows_are_decided_per_document(position: str) -> None:
    result = read("merged-cell-table", _aligned(position), **MERGED)
    assert countries(result) == EXPECTED_GROUPS
    if position != "middle":
        assert any(f"the {position} row" in note for note in result.notes), result.notes


@pytest.mark.parametrize("position", ["first", "last"])
def test_a_declared_label_position_is_followed(position: str) -> None:
    result = read("merged-cell-table", _aligned(position), label_position=position, **MERGED)
    assert countries(result) == EXPECTED_GROUPS
    assert result.notes == []  # declared, not decided


def test_a_document_that_fits_first_and_last_alike_asks_for_a_declaration() -> None:
    # labels on the first and on the last row of the table, one unlabelled row between
    # each two: the rows fit the label above (first) or below (last) equally well
    result = read("merged-cell-table", table(
        "Germany\tUniversität Stuttgart\t2019/01/01\t2",
        "\tFreie Universität Berlin\t2019/01/01\t2",
        "Japan\tTohoku University\t2019/01/01\t2",
        "\tKyoto University\t2019/01/01\t2",
        "Spain\tUniversidad de Salamanca\t2019/01/01\t2",
    ), **MERGED)
    assert any("declare label_position" in note for note in result.notes), result.notes


def test_a_group_split_by_a_page_break_keeps_its_rows_on_the_next_page() -> None:
    # France's label is centred on its rows of page 1; the rows at the top of page 2 would
    # put Italy's label 1.5 printed lines off its group's middle, more than the page break
    # (1 line) and the two rows across it (0.2 each) cost
    header = "Country\tPartner\tStart\tQuota"
    insa = "Institut National des Sciences Appliquées de Lyon (Département Génie Civil)"
    result = read("merged-cell-table", "\n".join([
        header,
        "\tUniversité de Technologie de Compiègne\t2012/12/06\t2",   # 2
        "France\tÉcole Centrale de Lyon\t2013/01/25\t2",             # 3
        "\tUniversité Paris-Saclay\t2018/06/13\t1",                  # 4
        "Page 1 of 2",
        header,                                                      # 6: a new page
        f"\t{insa}\t2011/10/18\t3",                                  # 7: two printed lines
        "\tUniversité Grenoble Alpes\t2020/05/29\t1",                # 8
        "\tPolitecnico di Milano\t2015/09/16\t2",                    # 9
        "Italy\tPolitecnico di Torino\t2017/07/07\t2",               # 10
        "\tUniversità di Bologna\t2019/10/10\t1",                    # 11
    ]), title_patterns=[r"^Page \d"], **MERGED)
    assert countries(result) == {2: "France", 3: "France", 4: "France", 7: "France",
                                 8: "France", 9: "Italy", 10: "Italy", 11: "Italy"}


# -------------------------------------------------------------- simple and numbered tables


SIMPLE = {"columns": ["country", "partner", "kind"], "header": ["Country", "Partner", "Type"],
          "min_cells": 2}


def test_continent_and_country_headings_inside_a_table_are_layout() -> None:
    result = read("simple-table", "\n".join([
        "Country\tPartner\tType",
        "EUROPE",                                   # 2: continent heading, no tabs
        "Germany\tUniversität Stuttgart\tErasmus+",
        "Amérique du Nord\t\t",                     # 4: continent heading in French
        "Canada",                                   # 5: country heading
        "\tMcGill University\tBilateral",           # 6: no country of its own
        "\tUniversity of Toronto",                  # 7: a lone partner cell is a row
    ]), **SIMPLE)
    assert [status(result, n) for n in (2, 4, 5)] == [("layout", "heading")] * 3
    assert countries(result) == {3: "Germany", 6: "Canada", 7: "Canada"}
    mcgill = result.records[1]
    assert [f.code for f in mcgill.flags] == ["country-from-heading"]


NUMBERED = {"columns": ["row_number", "country", "partner", "kind", "start"],
            "header": ["No.", "Country", "Partner", "Type", "Signed"], "min_cells": 3}


def test_a_row_without_a_number_continues_the_numbered_row_above() -> None:
    result = read("numbered-table", "\n".join([
        "No.\tCountry\tPartner\tType\tSigned",
        "ASIA",                                                            # 2
        "1\tJapan\tTohoku University\tFramework agreement\t01.04.2015",    # 3
        "\t\t\tStudent exchange\t01.04.2015",                              # 4: 2nd agreement
        "2\tSpain\tUniversitat Politècnica",                               # 5
        "\t\tde Catalunya",                                                # 6: wrapped name
        "3\tChile\tUniversidad de Chile\tBilateral\t2019",                 # 7
    ]), **NUMBERED)
    assert status(result, 2) == ("layout", "heading")
    tohoku = [r for r in result.records if r.fields.get("partner") == "Tohoku University"]
    assert [r.fields.get("kind") for r in tohoku] == ["Framework agreement", "Student exchange"]
    assert tohoku[1].fields["country"] == "Japan" and "row_number" not in tohoku[1].fields
    assert {f.code for f in tohoku[1].flags} == {"merged-cell-inherited"}
    upc = next(r for r in result.records if r.first_line == 5)
    assert upc.fields["partner"] == "Universitat Politècnica de Catalunya"
    assert upc.lines == (5, 6) and status(result, 6) == ("record", "continuation")
    assert result.checks[0].passed  # the numbering 1..3 is intact
    assert all(d.status is not LineStatus.UNREADABLE for d in result.dispositions.values())


def test_continent_headings_in_an_outline_are_regions() -> None:
    result = read("outline-list", "\n".join([
        "Accordi quadro",
        "EUROPA", "Francia", "- Université Paris Cité",
        "AMERICHE", "Messico", "- Universidad Nacional Autónoma de México",
    ]), start_marker="^Accordi quadro$")
    assert [r.fields["partner"] for r in result.records] == [
        "Université Paris Cité", "Universidad Nacional Autónoma de México"]
    assert [r.fields.get("area") for r in result.records] == ["EUROPA", "AMERICHE"]
    assert status(result, 2) == ("layout", "heading")


def test_split_cells_pair_up_with_dates_in_any_numeric_order() -> None:
    # OCR put a row's values on a line of their own; the date is day-first
    result = read("merged-cell-table", table(
        "Chile\tUniversidad de Chile\t21/06/2019\t2",
        "\tPontificia Universidad Católica de Chile",
        "21.06.2019 3",
    ), **MERGED)
    catolica = next(r for r in result.records if r.first_line == 3)
    assert catolica.lines == (3, 4)
    assert (catolica.fields["start"], catolica.fields["quota"]) == ("21.06.2019", "3")


HEADED = {"columns": ["partner", "quota", "end"],
          "header": ["Partner university", "Places", "Valid until"], "country_headings": True}


def test_a_heading_with_words_around_its_country_or_naming_several_sets_the_rows_country(
        ) -> None:
    """Heading rows across a web table: 'Spain – 1 partner' was no heading, so Salamanca
    took the German heading above it; 'USA / Canada' and 'BENELUX' were none either, so the
    University of Georgia and McGill were published in Georgia, KU Leuven in France."""
    from exchange_kg.records import ReadContext

    lines = ["Partner university\tPlaces\tValid until",
             "Germany (2 partners)",                                # 2
             "Universität Konstanz\t2\t31/05/2029",                 # 3
             "Spain – 1 partner",                                   # 4
             "Universidad de Salamanca\t2\t31/05/2029",             # 5
             "Georgia",                                             # 6
             "Ilia State University\t1\t31/05/2029",                # 7
             "USA & Canada (2)",                                    # 8
             "University of Georgia\t2\t30/06/2028",                # 9
             "FRANCE",                                              # 10
             "Sciences Po\t2\t31/05/2029",                          # 11
             "BENELUX",                                             # 12
             "KU Leuven\t1\t31/05/2029"]                            # 13
    result = readers.get("simple-table").read(lines, "test", dict(HEADED),
                                              ReadContext(grid=True))
    assert countries(result) == {3: "Germany (2 partners)", 5: "Spain", 7: "Georgia", 9: "",
                                 11: "FRANCE", 13: ""}
    assert [status(result, n) for n in (2, 4, 8, 12)] == [("layout", "heading")] * 4
    # a heading the mapping calls a title ends the group above it all the same
    lines[11] = "OUR ALLIANCE"
    options = {**HEADED, "title_patterns": ["^OUR ALLIANCE"]}
    result = readers.get("simple-table").read(lines, "test", options, ReadContext(grid=True))
    assert countries(result)[13] == ""
