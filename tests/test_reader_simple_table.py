"""The simple-table reader: the agreement-types list and synthetic tables."""

from __future__ import annotations

import jsonschema
import pytest

from exchange_kg.readers import REGISTRY
from exchange_kg.readers.simple_table import OPTIONS_SCHEMA, is_header, read, split_cells
from exchange_kg.records import LineStatus, ReadContext, ReaderResult, SourceError
from reader_helpers import source_lines

TYPES = "partners-agreement-types.tsv"
OPTIONS = {"columns": ["country", "partner", "kind"],
           "header": ["Country", "University name", "Agreement type"]}


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return source_lines(TYPES)


@pytest.fixture(scope="module")
def result(lines: list[str]) -> ReaderResult:
    return read(lines, "types", OPTIONS)


def test_registered_with_a_schema_that_accepts_the_mapping_options() -> None:
    assert REGISTRY["simple-table"].read_fn is read
    jsonschema.validate(OPTIONS, OPTIONS_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"columns": ["country", "no-such-field"]}, OPTIONS_SCHEMA)


# ------------------------------------------------------------------------ the real list


def test_every_non_blank_line_is_accounted_for(lines: list[str], result: ReaderResult) -> None:
    non_blank = {n for n, line in enumerate(lines, start=1) if line.strip()}
    assert set(result.dispositions) == non_blank
    recorded = {n for n, d in result.dispositions.items() if d.status is LineStatus.RECORD}
    assert recorded == {n for r in result.records for n in r.lines}


def test_one_record_per_data_row(result: ReaderResult) -> None:
    assert len(result.records) == 108
    assert not [d for d in result.dispositions.values() if d.status is LineStatus.UNREADABLE]


def test_header_is_layout_and_blank_lines_need_nothing(result: ReaderResult) -> None:
    assert (result.dispositions[3].status, result.dispositions[3].kind) == (
        LineStatus.LAYOUT, "header")
    for blank in (1, 2, 43, 83):
        assert blank not in result.dispositions


def test_rows_around_blank_lines_are_read(result: ReaderResult) -> None:
    by_line = {r.lines[0]: r for r in result.records}
    assert by_line[42].fields["partner"] == "HEC School of Management"
    assert by_line[44].fields == {"country": "France", "partner": "PSL Dauphine",
                                  "kind": "Bilateral"}
    assert by_line[84].fields["partner"] == "Pohang University"


def test_last_line_without_newline_is_a_record(result: ReaderResult) -> None:
    last = result.records[-1]
    assert last.fields == {"country": "Vietnam", "partner": "VinUniversity", "kind": "Bilateral"}
    assert last.raw == "Vietnam\tVinUniversity\tBilateral"


def test_cells_are_kept_as_written(result: ReaderResult) -> None:
    kinds = {r.fields["kind"] for r in result.records}
    assert {"Bilateral & Erasmus+", "in process", "Bilateral/Erasmus+/GE3"} <= kinds


# ------------------------------------------------------------------------ synthetic tables


def test_split_cells_drops_trailing_empties_only() -> None:
    assert split_cells("a\t\tb\t \t") == ["a", "", "b"]
    assert split_cells("a;b", ";") == ["a", "b"]


def test_header_comparison_ignores_case_and_spacing() -> None:
    assert is_header(["country", " University  name", "AGREEMENT TYPE"], OPTIONS["header"])
    assert not is_header(["Country", "University name"], OPTIONS["header"])


def test_wrong_cell_counts_are_unreadable_with_the_counts() -> None:
    text = ["Country\tUniversity name\tAgreement type",
            "Chile\tUniversidad de Chile\tBilateral\t\t",  # trailing empties: fine
            "Chile\tUniversidad de Chile",  # a cell missing
            "Chile\tUniversidad\tde Chile\tBilateral"]  # a cell too many
    result = read(text, "t", OPTIONS)
    assert [r.lines for r in result.records] == [(2,)]
    assert result.dispositions[3].status is LineStatus.UNREADABLE
    assert "2 cells where the table has 3" in result.dispositions[3].reason
    assert result.dispositions[4].status is LineStatus.UNREADABLE
    # the cell out of place is 'de Chile', not the last: the reason must not name one
    assert "4 cells where the table has 3: 1 more" in result.dispositions[4].reason
    assert "Bilateral" not in result.dispositions[4].reason


def test_min_cells_allows_a_missing_trailing_cell() -> None:
    text = ["Country\tUniversity name\tAgreement type", "Chile\tUniversidad de Chile"]
    result = read(text, "t", {**OPTIONS, "min_cells": 2})
    assert result.records[0].fields == {"country": "Chile", "partner": "Universidad de Chile"}


def test_a_row_whose_last_cells_are_written_empty_is_whole() -> None:
    # a spreadsheet or CSV row with an empty last cell writes it ("Chile;Universidad de
    # Chile;"): it misses nothing; a line that stops short may have lost cells
    text = ["Country\tUniversity name\tAgreement type", "Chile\tUniversidad de Chile\t",
            "Peru\tPUCP"]
    result = read(text, "t", OPTIONS)
    assert [r.fields for r in result.records] == [
        {"country": "Chile", "partner": "Universidad de Chile"}]
    assert result.dispositions[3].status is LineStatus.UNREADABLE


def test_a_page_whose_table_starts_a_cell_further_left_is_read_as_its_header_shows() -> None:
    # a PDF's text layer: page 1 leaves two empty cells before the table, page 2 one
    header = ["", "", "Country", "University name", "Agreement type"]
    text = ["\t\tCountry\tUniversity name\tAgreement type",
            "\t\tChile\tUniversidad de Chile\tBilateral",
            "\tCountry\tUniversity name\tAgreement type",
            "\tUSA\tGeorgia Institute of Technology\tBilateral",
            "\tJapan\tKyoto University\tErasmus+"]
    result = read(text, "t", {"columns": ["-", "-", "country", "partner", "kind"],
                              "header": header})
    assert [(r.fields["country"], r.fields["partner"]) for r in result.records] == [
        ("Chile", "Universidad de Chile"), ("USA", "Georgia Institute of Technology"),
        ("Japan", "Kyoto University")]
    assert result.dispositions[3].kind == "header"


def test_cells_a_printed_table_wrapped_onto_the_lines_below_join_their_row() -> None:
    columns = ["country", "partner", "kind", "start", "end"]
    text = ["Country\tInstitution\tType\tFrom\tTo",
            "Germany\tTechnische\tErasmus+\t01.01.2022\t31.05.2028",
            "\tUniversität",
            "\tDresden",
            "Finland\tAalto-\tBilateral\t01.08.2019\t31.07.2026",
            "\tyliopisto\tagreement\t\t",
            "New\tUniversity of\tBilateral\t01.01.2020\t31.12.2025",
            "Zealand\tCanterbury\tagreement\t\t",
            "Chile\tUniversidad de Chile\tBilateral\t01.01.2020\t31.12.2025",
            "Peru\tPUCP"]
    result = read(text, "t", {"columns": columns, "header": ["Country", "Institution", "Type",
                                                             "From", "To"]})
    assert [(r.fields["country"], r.fields["partner"], r.fields["kind"]) for r in result.records
            ] == [("Germany", "Technische Universität Dresden", "Erasmus+"),
                  ("Finland", "Aalto-yliopisto", "Bilateral agreement"),
                  ("New Zealand", "University of Canterbury", "Bilateral agreement"),
                  ("Chile", "Universidad de Chile", "Bilateral")]
    assert [result.dispositions[n].kind for n in (3, 4, 6, 8)] == ["continuation"] * 4
    # a row naming a country of its own is no wrap: it stays a row the count refuses
    assert result.dispositions[10].status is LineStatus.UNREADABLE


FACULTIES = ["Partner institution\tCountry\tType\tStart\tPlaces",
             "Faculty of Arts and Humanities",
             "Universität Wien\tAustria\tStudent exchange\t2024\t3",
             "Universidad de Buenos Aires\tArgentina\tMemorandum\t2021\t",
             "Faculty of Social Sciences",
             "University of Waterloo\tCanada\tStudent exchange\t2021\t2",
             "Universiteit van Amsterdam\tNetherlands\tStudent exchange\t2022\t3",
             "University of Melbourne\tAustralia\tStudent exchange\t2020\t2",
             "Total outbound places\t\t\t\t10"]
FACULTY_OPTIONS = {"columns": ["partner", "country", "kind", "start", "quota"],
                   "header": ["Partner institution", "Country", "Type", "Start", "Places"]}


def test_in_a_table_of_real_cells_no_row_is_a_wrapped_cell_of_the_row_above() -> None:
    # a Word table's faculty heading under a row: in a printed page's text it would be the
    # rest of that row's name; where the file delimits its cells it cannot be
    result = read(FACULTIES, "t", FACULTY_OPTIONS, context=ReadContext(grid=True))
    assert [r.fields["partner"] for r in result.records] == [
        "Universität Wien", "Universidad de Buenos Aires", "University of Waterloo",
        "Universiteit van Amsterdam", "University of Melbourne"]
    assert [result.dispositions[n].status for n in (2, 5)] == [LineStatus.UNREADABLE] * 2
    printed = read(FACULTIES, "t", FACULTY_OPTIONS)
    assert printed.records[1].fields["partner"] == (
        "Universidad de Buenos Aires Faculty of Social Sciences")


def test_the_lists_own_total_is_layout_not_an_agreement() -> None:
    result = read(FACULTIES, "t", FACULTY_OPTIONS, context=ReadContext(grid=True))
    assert (result.dispositions[9].status, result.dispositions[9].kind) == (
        LineStatus.LAYOUT, "total")
    named = read(["Partner\tCountry\tPlaces", "Sumy State University\tUkraine\t2",
                  "Summe\t\t2"], "t", {"columns": ["partner", "country", "quota"],
                                        "header": ["Partner", "Country", "Places"]})
    assert [r.fields["partner"] for r in named.records] == ["Sumy State University"]


def test_a_row_filling_its_partner_cell_alone_among_whole_rows_is_reported() -> None:
    # a spreadsheet writes a heading row's empty cells: as wide as the table, yet no partner
    rows = [FACULTIES[0], "Faculty of Arts and Humanities\t\t\t\t", *[
        f"Universität {city}\tGermany\tErasmus+\t2021\t2" for city in (
            "Wien", "Graz", "Linz", "Bonn", "Jena", "Kiel", "Köln", "Trier", "Ulm", "Halle")]]
    result = read(rows, "t", FACULTY_OPTIONS, context=ReadContext(grid=True))
    assert len(result.records) == 10
    assert result.dispositions[2].status is LineStatus.UNREADABLE
    assert "heading" in result.dispositions[2].reason


def test_a_spreadsheet_row_without_a_country_or_dates_is_a_row_of_its_own() -> None:
    # its empty cells are written: only under a name evidently cut is it read as a wrap
    text = ["Institution\tCity\tCountry", "University of Ghent\tGhent\tBelgium",
            "Georgetown University\tWashington, DC\t", "University of\tVienna\tAustria",
            "Vienna\t\t"]
    result = read(text, "t", {"columns": ["partner", "city", "country"],
                              "header": ["Institution", "City", "Country"]})
    assert [r.fields["partner"] for r in result.records] == [
        "University of Ghent", "Georgetown University", "University of Vienna"]


def test_repeated_header_title_and_footer_are_layout() -> None:
    text = ["Partner universities 2024", "Country\tUniversity name\tAgreement type",
            "Chile\tUniversidad de Chile\tBilateral", "Country\tUniversity name\tAgreement type",
            "Peru\tPUCP\tErasmus+", "Updated: 2024-05-01"]
    result = read(text, "t", {**OPTIONS, "footer_patterns": ["^Updated:"]})
    kinds = [(n, d.status, d.kind) for n, d in sorted(result.dispositions.items())]
    assert kinds == [
        (1, LineStatus.LAYOUT, "title"), (2, LineStatus.LAYOUT, "header"),
        (3, LineStatus.RECORD, "row"), (4, LineStatus.LAYOUT, "header"),
        (5, LineStatus.RECORD, "row"), (6, LineStatus.LAYOUT, "footer"),
    ]
    assert "2024-05-01" in result.dispositions[6].reason


def test_a_reports_ruling_and_its_title_repeated_on_the_next_page_are_layout() -> None:
    # a fixed-width report: ruled under each header, its title over each page's header
    title = "SISR0417\tEXCHANGE PARTNER AGREEMENTS\tRUN DATE 2025-10-02\tPAGE 1"
    ruling = "-----\t------------------\t--------"
    text = [title, "Country\tUniversity name\tAgreement type", ruling,
            "Chile\tUniversidad de Chile\tBilateral", title.replace("PAGE 1", "PAGE 2"),
            "Country\tUniversity name\tAgreement type", ruling, "Peru\tPUCP\tErasmus+"]
    result = read(text, "t", {**OPTIONS, "title_patterns": ["^SISR"]})
    assert [r.fields["partner"] for r in result.records] == ["Universidad de Chile", "PUCP"]
    kinds = {n: d.kind for n, d in result.dispositions.items()}
    assert (kinds[3], kinds[5], kinds[7]) == ("separator", "title", "separator")
    # without the mapping's pattern, the title is still known as the one above the header
    bare = read(text[1:], "t", OPTIONS)
    assert [r.fields["partner"] for r in bare.records] == ["Universidad de Chile", "PUCP"]
    assert bare.dispositions[4].status is LineStatus.UNREADABLE  # no title above: a row


def test_ignored_and_empty_columns_are_left_out() -> None:
    result = read(["7\tChile\t\tBilateral"], "t", {"columns": ["-", "country", "partner",
                                                              "kind"]})
    assert result.records[0].fields == {"country": "Chile", "kind": "Bilateral"}


def test_a_title_before_the_header_is_layout_a_row_there_is_unreadable() -> None:
    text = ["Partners 2024", "Chile\tUniversidad de Chile\tBilateral",
            "Country\tUniversity name\tAgreement type", "Peru\tPUCP\tErasmus+"]
    result = read(text, "t", OPTIONS)
    assert [r.lines for r in result.records] == [(4,)]
    assert (result.dispositions[1].status, result.dispositions[1].kind) == (
        LineStatus.LAYOUT, "title")
    assert result.dispositions[2].status is LineStatus.UNREADABLE
    assert "above the table header (line 3)" in result.dispositions[2].reason


@pytest.mark.parametrize("header", [
    "COUNTRY\tUniversity Name\tAgreement type",
    "Country.\tUniversity-name\tAgreement type:",
    "Country\tUniversity  name\tAgreement type\t\t",
])
def test_the_header_is_matched_by_its_letters_and_digits(header: str) -> None:
    result = read(["Title", header, "Chile\tUniversidad de Chile\tBilateral"], "t", OPTIONS)
    assert result.dispositions[2].kind == "header"
    assert len(result.records) == 1


@pytest.mark.parametrize(("header", "difference"), [
    ("Country\tUniversity\tAgreement type", "cell 2 is 'University', not 'University name'"),
    ("Country\tUniversity name", "2 cells where the header has 3"),
    ("Country\tUniversity name\tAgreement type\tCity",
     "4 cells where the header has 3; extra 'City'"),
    ("Chile\tUniversidad de Chile\tBilateral", "cell 1 is 'Chile', not 'Country'"),
])
def test_a_header_not_found_is_an_error_naming_the_closest_line(header: str,
                                                                difference: str) -> None:
    text = ["Partner universities", "", header, "Chile\tUniversidad de Chile\tBilateral",
            "Peru\tPUCP\tErasmus+"]
    with pytest.raises(SourceError) as caught:
        read(text, "t", {**OPTIONS, "title_patterns": ["^Partner universities$"]})
    assert caught.value.line == 3  # the first line that is not a title: where the table starts
    assert "the closest line is 3" in caught.value.message
    assert difference in caught.value.message


def test_without_a_header_option_every_row_is_data() -> None:
    result = read(["Chile\tUniversidad de Chile\tBilateral"], "t",
                  {"columns": ["country", "partner", "kind"]})
    assert len(result.records) == 1


def test_a_region_row_in_the_partner_column_is_a_heading() -> None:
    # a web table's region rows ("<th colspan=3>Asia-Pacific</th>") over its partners
    text = ["Partner\tCountry\tPlaces", "Europe", "Universität Wien\tAustria\t2", "Asia-Pacific",
            "Kyoto University\tJapan\t1", "Europa-Universität Viadrina\tGermany\t1"]
    result = read(text, "t", {"columns": ["partner", "country", "quota"],
                              "header": ["Partner", "Country", "Places"]})
    assert [r.fields["partner"] for r in result.records] == [
        "Universität Wien", "Kyoto University", "Europa-Universität Viadrina"]
    assert (result.dispositions[2].kind, result.dispositions[4].kind) == ("heading", "heading")


SHIFTED = ["Land;Stadt;Partnerhochschule;Erasmus-Code;Plätze;Gültig bis",
           "Frankreich;Lyon;Université Claude Bernard Lyon 1;F LYON01;2;31.05.2029",
           "Frankreich;Université de Lille;F LILLE103;2;31.05.2029",
           "Portugal;Lisboa;Universidade de Lisboa;P LISBOA109;31.05.2029",
           "Polen;Kraków;Uniwersytet Jagielloński;PL KRAKOW01;2"]
SHIFTED_OPTIONS = {"columns": ["country", "city", "partner", "erasmus_code", "quota", "end"],
                   "header": SHIFTED[0].split(";"), "delimiter": ";", "min_cells": 3}


def test_a_row_that_left_a_cell_out_is_read_by_what_its_cells_hold() -> None:
    """Read left to right, the row without its city put the Erasmus code in the partner
    column (an institution named 'F LILLE103') and the date in the places."""
    records = read(SHIFTED, "shifted", SHIFTED_OPTIONS).records
    lille, lisboa, krakow = records[1:]
    assert lille.fields == {"country": "Frankreich", "partner": "Université de Lille",
                            "erasmus_code": "F LILLE103", "quota": "2", "end": "31.05.2029"}
    assert [(f.field, f.code) for f in lille.flags] == [("city", "cells-realigned")]
    assert lisboa.fields["end"] == "31.05.2029" and "quota" not in lisboa.fields
    # a row whose last cell is missing reads as written, unflagged
    assert krakow.fields["quota"] == "2" and "end" not in krakow.fields and not krakow.flags


def test_a_short_row_the_cells_do_not_place_is_read_as_written() -> None:
    # two cells of text: either could be the city or the partner; nothing tells
    lines = [SHIFTED[0], "Frankreich;Lille;Université de Lille"]
    record = read(lines, "short", SHIFTED_OPTIONS).records[0]
    assert record.fields == {"country": "Frankreich", "city": "Lille",
                             "partner": "Université de Lille"}
    assert not record.flags


# ------------------------------------------------------------------ a bilingual header

BILINGUAL = ["Pays\tUniversité partenaire\tPlaces\tValable jusqu'au",
             "Land\tPartneruniversität\tPlätze\tGültig bis",
             "Allemagne\tUniversität Konstanz\t2\t31.05.2029",
             "Italie\tUniversità di Trento\t1\t31.05.2028"]
BILINGUAL_COLUMNS = ["country", "partner", "quota", "end"]


@pytest.mark.parametrize("named", [0, 1])
def test_the_header_in_the_lists_other_language_is_layout_above_or_below(named: int) -> None:
    # the mapping names either row; the other, made of header words naming the same
    # columns' fields, was published as a partner "Partneruniversität" (or reported)
    options = {"columns": BILINGUAL_COLUMNS, "header": BILINGUAL[named].split("\t")}
    result = read(["Partner universities", ""] + BILINGUAL, "bi", options)
    assert [r.fields["partner"] for r in result.records] == ["Universität Konstanz",
                                                             "Università di Trento"]
    assert result.dispositions[3].kind == result.dispositions[4].kind == "header"
    assert not [d for d in result.dispositions.values() if d.status is LineStatus.UNREADABLE]


def test_header_words_in_other_columns_or_among_data_are_not_the_header_again() -> None:
    # a row under the header whose words name other fields than its columns, or a row with
    # a value among header words, is no restated header: it stays a row (or is reported)
    options = {"columns": BILINGUAL_COLUMNS, "header": BILINGUAL[0].split("\t")}
    other = read([BILINGUAL[0], "Partner\tCountry\tType\tFrom", BILINGUAL[2]], "bi", options)
    assert other.dispositions[2].kind != "header"
    valued = read([BILINGUAL[0], "Land\tUniversität Bern\t2\tGültig bis", BILINGUAL[2]],
                  "bi", options)
    assert valued.dispositions[2].status is LineStatus.RECORD


AREAS = ["Land\tPartnerhochschule\tFachgebiet\tPlätze",
         "Frankreich\tUniversité Grenoble Alpes\tWirtschaft\t2",
         "\t\tBetriebswirtschaft\t2",
         "Hinweis: Plätze je Fachgebiet",
         "Summe\t\t\t4"]
AREA_OPTIONS = {"columns": ["country", "partner", "-", "quota"],
                "header": ["Land", "Partnerhochschule", "Fachgebiet", "Plätze"]}


def test_a_partner_merged_down_over_its_rows_continues_in_a_spreadsheet() -> None:
    from exchange_kg.records import ReadContext

    result = read(AREAS, "areas", AREA_OPTIONS, ReadContext(grid=True))
    assert [r.fields.get("partner") for r in result.records] == [
        "Université Grenoble Alpes", "Université Grenoble Alpes"]
    assert "merged-cell-inherited" in {f.code for f in result.records[1].flags}
    # a note or a total under the table continues no partner
    assert result.dispositions[4].status is not LineStatus.RECORD
    assert result.dispositions[5].kind == "total"
    # a row naming a country of its own is another partner's, never the one above
    other = read([*AREAS[:2], "Spanien\t\tRecht\t1"], "areas", AREA_OPTIONS,
                 ReadContext(grid=True))
    assert other.records[1].fields == {"country": "Spanien", "quota": "1"}


SUBROWS = ["Country\tPartner\tType\tPlaces\tEnd",
           "Switzerland\tUniversité de Genève\tExchange agreement\t2\t31/05/2027",
           "\t\tFramework agreement\t\t31/12/2028",
           "Japan\tKeio University\tExchange agreement\t3\t31/03/2027"]
SUBROW_OPTIONS = {"columns": ["country", "partner", "kind", "quota", "end"],
                  "header": ["Country", "Partner", "Type", "Places", "End"]}


@pytest.mark.parametrize(("cell", "read_as_agreement"), [
    ("Framework agreement", True), ("Accord-cadre", True),
    ("see the note below", False), ("Law only", False)])
def test_a_row_naming_only_a_further_agreement_type_continues_the_partner(
        cell: str, read_as_agreement: bool) -> None:
    """An untuned French workbook's row ';;Accord-cadre;;;' (the partner's framework
    agreement, without places or an end) was reported as '3 cells where the table has 6'."""
    rows = [*SUBROWS[:2], f"\t\t{cell}\t\t", SUBROWS[3]]
    result = read(rows, "subrows", SUBROW_OPTIONS, ReadContext(grid=True))
    continuing = [r for r in result.records if r.first_line == 3
                  and r.fields.get("partner") == "Université de Genève"]
    assert bool(continuing) is read_as_agreement
    if read_as_agreement:
        assert continuing[0].fields["partner"] == "Université de Genève"
        assert continuing[0].fields["kind"] == cell
        assert {"quota", "end"}.isdisjoint(continuing[0].fields)


def test_a_row_continuing_a_partner_takes_its_name_never_its_places() -> None:
    """A partner's framework agreement on a row under its exchange agreement, its places
    cell empty (a spreadsheet or CSV), was published with the exchange agreement's 2
    places."""
    result = read(SUBROWS, "subrows", SUBROW_OPTIONS, ReadContext(grid=True))
    framework = result.records[1]
    assert (framework.fields["partner"], framework.fields["country"]) == (
        "Université de Genève", "Switzerland")
    assert "quota" not in framework.fields
    assert framework.fields["end"] == "31/12/2028"


@pytest.mark.parametrize("name", ["simple-table", "merged-cell-table"])
def test_a_header_in_three_rows_is_layout_every_row_of_it(name: str) -> None:
    """A header in three rows ('Places per year' over 'Students | Staff' over 'out | in |
    out | in', 'Term' over 'from | to'): the mapping names the lowest row; the rows above
    group its columns and are layout, where the top one was reported as a row out of place."""
    lines = ["Partner\tCountry\tPlaces per year\t\t\t\tTerm\t",
             "Partner\tCountry\tStudents\t\tStaff\t\tfrom\tto",
             "Partner\tCountry\tout\tin\tout\tin\tfrom\tto",
             "Universität Luzern\tSwitzerland\t2\t2\t1\t1\t01.02.2023\t31.01.2028"]
    options = {"columns": ["partner", "country", "quota", "-", "-", "-", "start", "end"],
               "header": ["Partner", "Country", "out", "in", "out", "in", "from", "to"]}
    from exchange_kg.readers import merged_table

    reader = merged_table.read if name == "merged-cell-table" else read
    result = reader(lines, "three", options)
    assert {n: (d.status, d.kind) for n, d in result.dispositions.items() if n < 4} == {
        n: (LineStatus.LAYOUT, "header") for n in (1, 2, 3)}
    assert [r.fields["partner"] for r in result.records] == ["Universität Luzern"]
