"""The numbered-table reader: the Polish partner list and synthetic numbered tables."""

from __future__ import annotations

import jsonschema
import pytest

from exchange_kg.readers import REGISTRY
from exchange_kg.readers.numbered_table import OPTIONS_SCHEMA, read, row_number_check
from exchange_kg.records import LineStatus, RawRecord, ReadContext, ReaderResult
from reader_helpers import source_lines

POLISH = "pl-partner-universities-2026.tsv"
COLUMNS = ["row_number", "country", "city", "partner", "term", "website", "continent"]
OPTIONS = {
    "columns": COLUMNS,
    "header": ["LP.", "KRAJ", "MIASTO", "NAZWA UCZELNI", "ROK ZAWARCIA I OKRES TRWANIA",
               "Kolumna1", "Kontynent"],
    "footer_patterns": ["^Data aktualizacji:"],
    "fit_checks": ["website", "continent"],
}


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return source_lines(POLISH)


@pytest.fixture(scope="module")
def result(lines: list[str]) -> ReaderResult:
    return read(lines, "pl", OPTIONS)


def row(result: ReaderResult, number: int) -> RawRecord:
    return next(r for r in result.records if r.fields["row_number"] == str(number))


def codes(record: RawRecord, field: str) -> list[str]:
    return [f.code for f in record.flags if f.field == field]


def test_registered_with_a_schema_that_accepts_the_mapping_options() -> None:
    assert REGISTRY["numbered-table"].read_fn is read
    jsonschema.validate(OPTIONS, OPTIONS_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**OPTIONS, "fit_checks": ["city"]}, OPTIONS_SCHEMA)


# ------------------------------------------------------------------------ the Polish list


def test_every_non_blank_line_is_accounted_for(lines: list[str], result: ReaderResult) -> None:
    non_blank = {n for n, line in enumerate(lines, start=1) if line.strip()}
    assert set(result.dispositions) == non_blank
    record_lines = {n for r in result.records for n in r.lines}
    recorded = {n for n, d in result.dispositions.items() if d.status is LineStatus.RECORD}
    assert record_lines == recorded


def test_one_record_per_numbered_row(result: ReaderResult) -> None:
    assert len(result.records) == 401
    statuses = [d.status for d in result.dispositions.values()]
    assert statuses.count(LineStatus.UNREADABLE) == 0


def test_header_and_footer_are_layout(result: ReaderResult) -> None:
    header = result.dispositions[3]
    assert (header.status, header.kind) == (LineStatus.LAYOUT, "header")
    footer = result.dispositions[409]
    assert (footer.status, footer.kind) == (LineStatus.LAYOUT, "footer")
    assert "02.04.2026" in footer.reason  # the as-of date stays traceable


def test_blank_lines_inside_the_table_need_no_disposition(result: ReaderResult) -> None:
    for blank in (1, 2, 98, 179, 261, 345):
        assert blank not in result.dispositions
    assert row(result, 175).lines == (180,)  # the row after a mid-table blank line


def test_cells_are_read_into_fields(result: ReaderResult) -> None:
    first = row(result, 1)
    assert first.fields == {
        "row_number": "1", "country": "Albania", "city": "Tirana",
        "partner": "Polytechnic University of Tirana", "term": "2017 na czas nieokreślony",
        "website": "http://www.upi.al/en/", "continent": "Europa",
    }
    assert first.lines == (4,) and first.raw.startswith("1\tAlbania")


def test_row_numbers_check_passes_on_the_real_list(result: ReaderResult) -> None:
    [check] = [c for c in result.checks if c.name == "row numbers consecutive"]
    assert check.passed
    assert check.expected == "1..401"


def test_swapped_city_and_institution_are_swapped_back(result: ReaderResult) -> None:
    loyola = row(result, 346)
    assert loyola.fields["partner"] == "Loyola Marymont University"
    assert loyola.fields["city"] == "Los Angeles"
    assert codes(loyola, "partner") == ["cells-swapped"]


def test_a_town_named_like_an_institution_is_not_swapped(result: ReaderResult) -> None:
    penn = row(result, 360)  # "University Park" is Penn State's town
    assert penn.fields["city"] == "University Park (Pensylwania)"
    assert penn.fields["partner"] == "Pennsylvania State University"
    assert not penn.flags


def test_shifted_block_starts_after_row_180(result: ReaderResult) -> None:
    assert not row(result, 180).flags
    first = row(result, 181)
    assert codes(first, "website") and codes(first, "continent")
    assert all(f.withheld for f in first.flags)


def test_shifted_website_names_the_row_it_belongs_to(result: ReaderResult) -> None:
    hanbat_site = row(result, 184)  # a Colombian row carrying Hanbat's address
    [flag] = [f for f in hanbat_site.flags if f.field == "website"]
    assert flag.code == "shifted-cell"
    assert "row 185" in flag.message and flag.value == "http://www.hanbat.ac.kr/html/en/"
    pristina_site = row(result, 190)  # Soongsil carrying the University of Priština's address
    [flag] = [f for f in pristina_site.flags if f.field == "website"]
    assert "row 192" in flag.message


def test_shifted_block_ends_before_row_256(result: ReaderResult) -> None:
    assert codes(row(result, 254), "website") == ["shifted-cell"]
    for number in range(256, 270):
        assert not codes(row(result, number), "website"), number


def test_most_of_the_shifted_block_is_flagged(result: ReaderResult) -> None:
    flagged = [n for n in range(181, 255) if codes(row(result, n), "website")]
    assert len(flagged) >= 60


def test_rows_outside_the_shifted_block_are_nearly_all_unflagged(result: ReaderResult) -> None:
    outside = [r for r in result.records
               if not 181 <= int(r.fields["row_number"]) <= 255
               and any(f.code in ("shifted-cell", "cell-misfit") for f in r.flags)]
    assert len(outside) <= 15, [r.fields["row_number"] for r in outside]


def test_a_website_that_fits_inside_the_block_is_kept(result: ReaderResult) -> None:
    furtwangen = row(result, 218)  # its own address, although row 214 carries it too
    assert not codes(furtwangen, "website")


def test_fit_checks_are_off_unless_asked_for(lines: list[str]) -> None:
    plain = read(lines, "pl", {k: v for k, v in OPTIONS.items() if k != "fit_checks"})
    assert not any(f.code in ("shifted-cell", "cell-misfit") for r in plain.records
                   for f in r.flags)


# ------------------------------------------------------------------------ synthetic tables


HEADER = "LP\tKRAJ\tNAZWA"
SMALL = {"columns": ["row_number", "country", "partner"], "header": ["LP", "KRAJ", "NAZWA"],
         "footer_patterns": [r"^Stan na:"]}


def test_gap_and_duplicate_fail_the_row_number_check() -> None:
    text = [HEADER, "1\tPolska\tA University", "2\tPolska\tB University",
            "2\tPolska\tC University", "4\tPolska\tD University"]
    check = read(text, "t", SMALL).checks[0]
    assert not check.passed
    assert "missing 3" in check.detail
    assert "repeated 2 (lines 3, 4)" in check.detail
    assert check.lines == (3, 4)


def test_rows_out_of_order_fail_the_row_number_check() -> None:
    text = [HEADER, "1\tPolska\tA", "3\tPolska\tC", "2\tPolska\tB"]
    check = read(text, "t", SMALL).checks[0]
    assert not check.passed and "out of sequence 2 (line 4)" in check.detail


def test_row_number_check_counts_numbers_written_with_a_dot() -> None:
    text = [HEADER, "1.\tPolska\tA", "2.\tPolska\tB"]
    result = read(text, "t", SMALL)
    assert result.checks[0].passed
    assert row_number_check(result.records).found == "1..2"


def test_layout_and_unreadable_lines_in_a_small_table() -> None:
    text = ["Umowy partnerskie", "", HEADER, "1\tPolska\tA University\t\t",
            "uwaga: lista niepełna", "2\tPolska\tB University\tnadmiar", HEADER,
            "3\tPolska", "Stan na: 01.01.2025\t\t"]
    result = read(text, "t", SMALL)
    kinds = {n: (d.status, d.kind) for n, d in result.dispositions.items()}
    assert kinds[1] == (LineStatus.LAYOUT, "title")  # before the header
    assert kinds[3] == kinds[7] == (LineStatus.LAYOUT, "header")  # repeated header
    assert kinds[4] == (LineStatus.RECORD, "row")  # trailing empty cells tolerated
    assert kinds[5][0] is LineStatus.UNREADABLE
    assert "no row number" in result.dispositions[5].reason
    assert kinds[6][0] is LineStatus.UNREADABLE
    assert "4 cells" in result.dispositions[6].reason
    assert kinds[8][0] is LineStatus.UNREADABLE  # too few cells
    assert kinds[9] == (LineStatus.LAYOUT, "footer")
    assert 2 not in result.dispositions


def test_short_rows_allowed_by_min_cells() -> None:
    result = read([HEADER, "1\tPolska"], "t", {**SMALL, "min_cells": 2})
    assert result.records[0].fields == {"row_number": "1", "country": "Polska"}


def test_swap_check_can_be_configured_and_disabled() -> None:
    options = {"columns": ["row_number", "city", "partner"]}
    text = ["1\tUniversidad de Chile\tSantiago"]
    swapped = read(text, "t", options).records[0]
    assert swapped.fields["partner"] == "Universidad de Chile"
    kept = read(text, "t", {**options, "swapped_cells": []}).records[0]
    assert kept.fields["partner"] == "Santiago"


def test_an_acronym_keeps_the_partner_cell_in_place() -> None:
    text = ["1\tCampus University Park\tENSTA Bretagne"]
    record = read(text, "t", {"columns": ["row_number", "city", "partner"]}).records[0]
    assert record.fields["partner"] == "ENSTA Bretagne" and not record.flags


def test_synthetic_shift_is_flagged_through_the_reader() -> None:
    text = [
        "1\tChorwacja\tZagrzeb\tUniversity of Zagreb\thttp://www.unizg.hr/\tEuropa",
        "2\tBułgaria\tWarna\tTechnical University of Varna\thttp://www.uctm.edu/\tEuropa",
        "3\tBułgaria\tSofia\tUniversity of Chemical Technology and Metallurgy"
        "\thttps://www.unileoben.ac.at/\tEuropa",
        "4\tAustria\tLeoben\tMontanuniversität Leoben\thttps://www.unizg.hr/\tEuropa",
    ]
    options = {"columns": ["row_number", "country", "city", "partner", "website", "continent"],
               "fit_checks": ["website"]}
    result = read(text, "t", options)
    assert [codes(r, "website") for r in result.records] == [
        [], ["shifted-cell"], ["shifted-cell"], ["shifted-cell"]]
    assert "row 3 (line 3)" in result.records[1].flags[0].message
    assert "row 4 (line 4)" in result.records[2].flags[0].message
    assert "row 1 (line 1)" in result.records[3].flags[0].message


@pytest.mark.parametrize("text", ["Note: data updated to 30/09/2025.", "※2025年度は募集停止"])
@pytest.mark.parametrize("column", [1, 2, 3])
def test_a_note_alone_on_a_row_without_a_number_continues_no_row(column: int, text: str
                                                                 ) -> None:
    """A note exported from a merged cell under the table lands in whichever column the merge
    began: in the partner column it was glued to the last partner's name, in another it made
    a second agreement of that partner with the note for its country or type."""
    note = ["", "", "", ""]
    note[column] = text
    lines = ["No;Country;University;Type", "1;Germany;Universität Heidelberg;MoU",
             "2;Nepal;Kathmandu University;MoU", ";".join(note)]
    options = {"columns": ["row_number", "country", "partner", "kind"],
               "header": ["No", "Country", "University", "Type"], "delimiter": ";"}
    result = read(lines, "notes", options)
    assert [r.fields["partner"] for r in result.records] == ["Universität Heidelberg",
                                                            "Kathmandu University"]
    assert result.records[-1].lines == (3,)
    assert result.dispositions[4].status != LineStatus.RECORD


def test_a_second_agreement_on_a_row_without_a_number_still_continues_the_row() -> None:
    lines = ["No;Country;University;Type", "1;Nepal;Kathmandu University;MoU",
             ";;;Student exchange agreement."]
    options = {"columns": ["row_number", "country", "partner", "kind"],
               "header": ["No", "Country", "University", "Type"], "delimiter": ";"}
    result = read(lines, "second", options)
    assert [(r.fields["partner"], r.fields["kind"]) for r in result.records] == [
        ("Kathmandu University", "MoU"), ("Kathmandu University", "Student exchange agreement.")]


REGION_LINES = ["No;Country;University;Type", "1;Nepal;Kathmandu University;MoU",
                "2;United Kingdom;University of Manchester;MoU", ";;Ulaya;",
                "3;Germany;Technische;MoU", ";;Universität Berlin;"]
REGION_OPTIONS = {"columns": ["row_number", "country", "partner", "kind"],
                  "header": ["No", "Country", "University", "Type"], "delimiter": ";"}


def test_a_word_alone_under_a_whole_name_of_a_spreadsheet_is_reported_not_glued() -> None:
    # a region heading in a language no vocabulary knows ("Ulaya": Swahili for Europe) was
    # glued on: 'University of Manchester Ulaya'. A spreadsheet's cell holds its whole text,
    # so only a name visibly cut at its cell's edge takes the row below
    result = read(REGION_LINES, "regions", REGION_OPTIONS, ReadContext(grid=True))
    assert [r.fields["partner"] for r in result.records] == [
        "Kathmandu University", "University of Manchester", "Technische Universität Berlin"]
    assert result.dispositions[4].status is LineStatus.UNREADABLE
    assert "'Ulaya'" in result.dispositions[4].reason


def test_a_printed_tables_name_still_wraps_onto_the_row_below() -> None:
    lines = [*REGION_LINES[:2], "2;United Kingdom;Manchester Metropolitan;MoU", ";;University;"]
    result = read(lines, "wrapped", REGION_OPTIONS)
    assert result.records[1].fields["partner"] == "Manchester Metropolitan University"


def test_a_row_inserted_under_a_number_of_its_own_is_a_row() -> None:
    """An untuned French list numbered '12', '12 bis', '13', '14a', '14b', '15': the rows
    '12 bis', '14a' and '14b' were reported as 'no row number' and their agreements lost."""
    text = [HEADER, "1\tBénin\tUniversité de Parakou", "1 bis\tTogo\tUniversité de Lomé",
            "2\tTogo\tUniversité de Kara", "3a\tBelgique\tUniversité de Mons",
            "3b\tBelgique\tUniversité de Namur", "4.\tCanada\tUniversité Laval"]
    result = read(text, "t", SMALL)
    assert [r.fields["partner"] for r in result.records] == [
        "Université de Parakou", "Université de Lomé", "Université de Kara",
        "Université de Mons", "Université de Namur", "Université Laval"]
    assert result.checks[0].passed, result.checks[0].detail  # 1..4: 3a stands for 3
