"""A workbook with a sheet per country names each sheet's country only in its name: the
mapping gives each section its country (``constants: country``), and new-mapping proposes it
from the sheet's name. A row's own country cell still wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_kg import pipeline
from exchange_kg.mapping_spec import load_mapping
from exchange_kg.propose import propose, read_with
from exchange_kg.yamlfile import DataFileError

SHEETS = {"Frankreich": [("Université de Lille", "2"), ("Sorbonne Université", "3"),
                         ("Université de Strasbourg", "1")],
          "Japan": [("Kyoto University", "1"), ("Tohoku University", "2"),
                    ("Keio University", "2")]}


def _workbook(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in SHEETS.items():
        ws = wb.create_sheet(name)
        ws.append(["Hochschule", "Plätze"])
        for partner, places in rows:
            ws.append([partner, int(places)])
    wb.save(path)
    return path


def test_a_sheet_named_after_a_country_gives_its_rows_that_country(tmp_path: Path) -> None:
    doc = _workbook(tmp_path / "partner.xlsx")
    proposal = propose(doc, "partner")
    assert [s["constants"].get("country") for s in proposal.mapping["sections"]] == [
        "Frankreich", "Japan"]
    read = read_with(proposal, doc)
    got = [(a.parties[0].name, a.country, [f.code for f in a.records[0].flags])
           for a in pipeline.source_agreements(read)]
    assert got == [(name, code, ["country-from-section"])
                   for sheet, code in (("Frankreich", "FR"), ("Japan", "JP"))
                   for name, _ in SHEETS[sheet]]


def _mapping(path: Path, country: str) -> Path:
    path.write_text("source: s\nlist: s\nsections:\n  - name: rows\n    reader:\n"
                    "      name: simple-table\n      options:\n        columns: [partner]\n"
                    "    fields:\n      partner: partner\n    constants:\n"
                    f"      country: {country}\n", "utf-8")
    return path


@pytest.mark.parametrize(("written", "code"), [("Frankreich", "FR"), ("FR", "FR"),
                                               ("JPN", "JP"), ("Japonia", "JP")])
def test_the_country_constant_is_a_name_or_an_iso_code(tmp_path: Path, written: str,
                                                       code: str) -> None:
    mapping = load_mapping(_mapping(tmp_path / "s.yaml", written))
    assert mapping.sections[0].country == code


def test_a_country_constant_no_vocabulary_knows_is_an_error_naming_its_line(
        tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"s\.yaml:12:\d+: country 'Atlantis'"):
        load_mapping(_mapping(tmp_path / "s.yaml", "Atlantis"))
