"""Text extracts whose columns are aligned with spaces (``pdftotext -layout``, printed
reports): cut into the tab-separated cells the table readers take, and proposed by
``new-mapping`` as ``format: aligned`` when a text has no tab-separated table."""

from __future__ import annotations

from pathlib import Path

from exchange_kg import pipeline
from exchange_kg.formats.aligned import aligned_lines, column_starts
from exchange_kg.propose import propose, read_with

FIXTURE = Path(__file__).parent / "fixtures" / "aligned-columns.txt"


def test_columns_start_where_most_rows_start_a_cell() -> None:
    lines = FIXTURE.read_text(encoding="utf-8").split("\n")
    assert column_starts(lines) == [1, 7, 24, 75, 92]


def test_each_line_keeps_its_cells_in_their_columns() -> None:
    out = aligned_lines(FIXTURE.read_text(encoding="utf-8").split("\n"))
    assert out[2] == "No.\tCountry\tPartner University\tAgreement Date\tType"
    assert out[3] == "1\tAustralia\tThe University of Queensland\t2012/03/15\tUniversity"
    # a wrapped name stays under its column, a continuation for the reader
    assert out[12] == "\t\tTechnology (KAIST)"
    # a centred title and a page number are lines of their own, no cell of the table
    assert out[0] == "List of Partner Universities (as of April 2025)"
    assert out[-2] == "- 1 -"
    assert len(out) == len(FIXTURE.read_text(encoding="utf-8").split("\n"))  # line numbers kept


def test_a_right_aligned_number_is_in_its_column() -> None:
    lines = ["   No.  Name          Since", "     9  Alpha Univ    2001",
             "    10  Beta Univ     2002", "   100  Gamma Univ    2003"]
    assert aligned_lines(lines)[1:] == ["9\tAlpha Univ\t2001", "10\tBeta Univ\t2002",
                                        "100\tGamma Univ\t2003"]


def test_new_mapping_proposes_aligned_columns_and_reads_every_row(tmp_path: Path) -> None:
    path = tmp_path / "partners.txt"
    path.write_bytes(FIXTURE.read_bytes())
    proposal = propose(path, "aligned")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options["format"] == "aligned"
    assert options["columns"][:4] == ["row_number", "country", "partner", "start"]
    agreements = pipeline.source_agreements(read_with(proposal, path))
    names = [p.name for a in agreements for p in a.parties]
    assert len(agreements) == 12
    assert "Korea Advanced Institute of Science and Technology" in names
    assert "University of California, San Diego" in names  # no page number glued on
    assert {str(a.start) for a in agreements} >= {"2012-03-15", "2013-08-08"}


def test_a_type_column_of_levels_gives_each_agreement_its_level(tmp_path: Path) -> None:
    """"Type: University / Department" is the agreement's level, row by row."""
    path = tmp_path / "partners.txt"
    path.write_bytes(FIXTURE.read_bytes())
    proposal = propose(path, "aligned")
    section = proposal.mapping["sections"][0]
    assert section["reader"]["options"]["columns"][-1] == "level"
    levels = {a.parties[0].name: a.level
              for a in pipeline.source_agreements(read_with(proposal, path))}
    assert levels["KU Leuven"] == "department"
    assert levels["The University of Queensland"] == "university"
