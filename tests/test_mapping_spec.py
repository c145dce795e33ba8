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


# ------------------------------------------------- mapping files that cannot go wrong silently

NUMBERED = """\
source: example
list: example
sections:
  - name: partners
    reader:
      name: numbered-table
      options:
        columns: [row_number, country, city, partner, term]
        header: ["No.", "Country", "City", "University", "Term"]
        title_patterns: ['^Partner universities']
    fields:
      row_number: none
      country: country
      city: text
      partner: {normalise: partner, notation: dash}
      term: term
    constants:
      level: university
      city_language: pl
"""


def _error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(DataFileError) as err:
        load_mapping(path)
    message = str(err.value)
    assert message.startswith(f"{path}:"), message
    return message.removeprefix(f"{path}:")


@pytest.mark.parametrize(("mistake", "replace", "by", "where", "says"), [
    ("misspelt top-level key", "list: example", "lsit: example", "2:1",
     "unknown key 'lsit'; did you mean 'list'?"),
    ("misspelt reader option", "        columns:", "        colums:", "8:9",
     "unknown key 'colums'; did you mean 'columns'?"),
    ("unknown field", "      term: term", "      trem: term", "16:7",
     "unknown key 'trem'; did you mean 'term'?"),
    ("misspelt constant", "      level: university", "      levle: university", "18:7",
     "did you mean 'level'?"),
    ("a column removed while fields still maps it",
     'columns: [row_number, country, city, partner, term]\n        header: ["No.", "Country", '
     '"City", "University", "Term"]',
     'columns: [row_number, country, city, partner]\n        header: ["No.", "Country", '
     '"City", "University"]', "16:7", "field 'term' is mapped but"),
    ("a column no field reads", "      term: term\n", "", "8:55",
     "the reader gives field 'term' but fields: has no rule"),
    ("header and columns of different lengths", '"Term"]', '"Term", "Website"]', "9:9",
     "6 header cells for 5 columns"),
    ("more cells required than there are columns", "        title_patterns",
     "        min_cells: 9\n        title_patterns", "10:9", "min_cells 9 is more than the 5"),
    ("a regex that does not compile", "'^Partner universities'", "'^Partner (universities'",
     "10:26", "not a regular expression"),
    ("a normaliser the field cannot take", "      term: term", "      term: date", "16:7",
     "field 'term' cannot be read with the 'date' normaliser"),
    ("a notation on a field that is no partner", "      city: text",
     "      city: {normalise: text, notation: dash}", "14:31",
     "notation applies to the partner normaliser only"),
    ("a constant about a column that is not there",
     "columns: [row_number, country, city, partner, term]", "columns: [row_number, country, -, "
     "partner, term]", "18:7", "city_language is the language of the city column"),
])
def test_every_mapping_mistake_is_an_error_at_its_key(tmp_path: Path, mistake: str,
                                                      replace: str, by: str, where: str,
                                                      says: str) -> None:
    text = NUMBERED
    if mistake == "a constant about a column that is not there":
        text = text.replace("      city: text\n", "")
    assert replace in text, mistake
    message = _error(tmp_path, text.replace(replace, by, 1))
    assert message.startswith(where + ":"), (mistake, message)
    assert says in message, (mistake, message)


def test_the_numbered_example_itself_loads(tmp_path: Path) -> None:
    load_mapping(write(tmp_path, NUMBERED))


def test_a_mapping_mistake_stops_the_build_with_exit_3(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tiny_project import write_project

    mapping = NUMBERED.replace(
        "source: example\nlist: example", "source: tiny-list\nlist: tiny-list").replace(
        "      term: term", "      trem: term")
    root = write_project(tmp_path, "No.\tCountry\tCity\tUniversity\tTerm\n", mapping)
    proc = subprocess.run(
        [sys.executable, "-m", "exchange_kg.cli", "build", "-o", str(tmp_path / "dist"),
         "--no-validate", "--sources", str(root / "sources"), "--mappings",
         str(root / "mappings")], capture_output=True, text=True, timeout=300,
        env={**__import__("os").environ, "EXCHANGE_KG_ROR_DUMP": ""})
    assert proc.returncode == 3, proc.stderr
    assert "tiny-list.yaml:16:7" in proc.stderr and "did you mean 'term'?" in proc.stderr


def test_a_section_named_twice_is_an_error(tmp_path: Path) -> None:
    section = NUMBERED[NUMBERED.index("  - name: partners"):]
    message = _error(tmp_path, NUMBERED + section)
    assert message.startswith("20:5:") and "named twice" in message, message
