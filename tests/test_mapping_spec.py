"""Mapping files are data: schema-checked, with errors that point at file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from exchange_kg.mapping_spec import load_mapping, load_mappings
from exchange_kg.yamlfile import DataFileError

GOOD = """\
source: example
list: example
sections:
  - name: partners
    reader:
      name: simple-table
      options:
        columns: [country, partner, kind]
        header: ["Country", "University name", "Agreement type"]
    fields:
      country: country
      partner: {normalise: partner, notation: auto}
      kind: kinds
    constants:
      level: university
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "example.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_mappings_load_and_cover_every_source() -> None:
    mappings = load_mappings(ROOT / "mappings")
    assert set(mappings) == {
        "gse-partners", "gse-partners-newer-ocr", "tohoku-agreements-2016",
        "pl-partner-universities-2026", "partners-agreement-types",
    }
    assert mappings["tohoku-agreements-2016"].sections[1].level == "department"


def test_a_good_mapping_loads(tmp_path: Path) -> None:
    m = load_mapping(write(tmp_path, GOOD))
    assert m.sections[0].fields["partner"].options == {"notation": "auto"}


def test_unknown_normaliser_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("kind: kinds", "kind: kindz"))
    with pytest.raises(DataFileError) as err:
        load_mapping(path)
    assert str(err.value).startswith(f"{path}:13:")
    assert "kind" in str(err.value)


def test_unknown_field_name_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("      kind: kinds", "      colour: text"))
    with pytest.raises(DataFileError, match=r"example\.yaml:\d+:\d+: .*colour"):
        load_mapping(path)


def test_unknown_reader_is_reported_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("name: simple-table", "name: pdf-magic"))
    with pytest.raises(DataFileError) as err:
        load_mapping(path)
    assert f"{path}:6:" in str(err.value) and "pdf-magic" in str(err.value)


def test_bad_reader_option_is_reported_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("columns: [country, partner, kind]", "columns: 7"))
    with pytest.raises(DataFileError) as err:
        load_mapping(path)
    assert f"{path}:8:" in str(err.value)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("level: university", "level: [university"))
    with pytest.raises(DataFileError, match=rf"{path.name}:\d+:\d+"):
        load_mapping(path)
