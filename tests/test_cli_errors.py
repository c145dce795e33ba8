"""Bad input as README promises: exit 3 naming the file and line, never a traceback.

Exit 1 means only "the graph does not conform"; an internal error is exit 5 with one line
(the traceback only with --debug or EXCHANGE_KG_DEBUG=1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_build
from exchange_kg import cli as cli_module

TYPES = "partners-agreement-types"


def build_fails(project: Path, *wanted: str, code: int = 3) -> str:
    proc = run_build(project / "dist", cwd=project)
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    for text in wanted:
        assert text in proc.stderr, proc.stderr
    return proc.stderr


def test_a_bad_regular_expression_in_a_mapping_names_its_line(project_copy: Path) -> None:
    path = project_copy / "mappings" / "pl-partner-universities-2026.yaml"
    path.write_text(path.read_text().replace("'^Data aktualizacji:'", "'^Data (aktualizacji:'"))
    build_fails(project_copy, "pl-partner-universities-2026.yaml:12:",
                "not a regular expression")


@pytest.mark.parametrize(("pattern", "message"), [
    ("^Total of (\\d+)", "named group(s) n"),  # compiles, lacks the group the reader reads
    ("^Total of (?P<n>\\d+", "not a regular expression"),  # does not compile
])
def test_a_bad_total_pattern_is_an_error_naming_its_file_not_a_traceback(
        project_copy: Path, pattern: str, message: str) -> None:
    path = project_copy / "mappings" / "tohoku-agreements-2016.yaml"
    text = path.read_text().replace(
        "        no_country_headings:",
        f"        total_pattern: '{pattern}'\n        no_country_headings:")
    path.write_text(text)
    build_fails(project_copy, "tohoku-agreements-2016.yaml:", message)


@pytest.mark.parametrize(("marker", "line"), [("start_marker", 25), ("end_marker", 11)])
def test_a_section_marker_that_matches_nothing_names_the_mapping_line(
        project_copy: Path, marker: str, line: int) -> None:
    path = project_copy / "mappings" / "tohoku-agreements-2016.yaml"
    text = path.read_text()
    path.write_text(text.replace(f"{marker}: '^Department Level Agreements\\s*$'",
                                 f"{marker}: '^Department Level Agreementz'"))
    build_fails(project_copy, f"tohoku-agreements-2016.yaml:{line}:",
                f"{marker} '^Department Level Agreementz' matches no line")


@pytest.mark.parametrize("folder", ["shapes", "ontology"])
def test_a_broken_turtle_file_names_its_line(project_copy: Path, folder: str) -> None:
    path = next((project_copy / folder).glob("*.ttl"))
    lines = path.read_text().split("\n")
    lines.insert(9, "this is not turtle .")
    path.write_text("\n".join(lines))
    build_fails(project_copy, f"{path.name}:10:", "not valid Turtle")


def test_a_shape_with_broken_sparql_names_its_file(project_copy: Path) -> None:
    path = next(p for p in (project_copy / "shapes").glob("*.ttl") if "sh:select" in
                p.read_text())
    text = path.read_text()
    path.write_text(text.replace("SELECT", "SELEKT", 1))
    build_fails(project_copy, f"{path.name}:", "not valid SPARQL")


def test_a_manifest_that_is_not_utf8_names_file_and_line(project_copy: Path) -> None:
    path = project_copy / "sources" / "manifest.yaml"
    data = path.read_bytes().replace(b"Graduate School", b"Graduate Sch\xf6ol", 1)
    path.write_bytes(data)
    line = data[: data.index(b"\xf6")].count(b"\n") + 1
    build_fails(project_copy, f"manifest.yaml:{line}:", "not valid UTF-8")


def test_an_unquoted_date_in_the_manifest_is_read_as_written(project_copy: Path) -> None:
    """YAML reads ``as_of: 2026-10-01`` as a date object; a person means the text."""
    from exchange_kg.manifest import load_manifest

    path = project_copy / "sources" / "manifest.yaml"
    text = path.read_text()
    assert "as_of: null" in text
    path.write_text(text.replace("as_of: null", "as_of: 2026-10-01", 1))
    assert "2026-10-01" in [d.as_of for d in load_manifest(path)]
    # a date the schema's pattern does not allow still names its line
    path.write_text(text.replace("as_of: null", "as_of: 2026-10-01T10:00:00", 1))
    line = text.split("\n").index(next(x for x in text.split("\n") if "as_of: null" in x)) + 1
    build_fails(project_copy, f"manifest.yaml:{line}:", "does not match")


def test_a_duplicate_document_id_names_its_line(project_copy: Path) -> None:
    path = project_copy / "sources" / "manifest.yaml"
    text = path.read_text()
    path.write_text(text.replace("id: gse-partners-newer-ocr", "id: gse-partners", 1))
    line = text.split("\n").index("  - id: gse-partners-newer-ocr") + 1
    build_fails(project_copy, f"manifest.yaml:{line}:", "duplicate id 'gse-partners'")


def test_a_renamed_header_names_file_line_and_the_closest_header(project_copy: Path) -> None:
    path = project_copy / "sources" / "pl-partner-universities-2026.tsv"
    lines = path.read_text().split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith("LP."))
    lines[at] = lines[at].replace("MIASTO", "CITY")
    path.write_text("\n".join(lines))
    build_fails(project_copy, f"pl-partner-universities-2026.tsv:{at + 1}:",
                "no table header", "cell 3 is 'CITY', not 'MIASTO'")


def test_a_header_differing_in_punctuation_and_case_is_still_the_header(
        project_copy: Path) -> None:
    path = project_copy / "sources" / "pl-partner-universities-2026.tsv"
    text = path.read_text()
    path.write_text(text.replace("LP.\tKRAJ", "Lp\tKraj", 1))
    proc = run_build(project_copy / "dist", cwd=project_copy)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((project_copy / "dist" / "report.json").read_text())
    pl = next(s for s in report["sources"] if s["id"] == "pl-partner-universities-2026")
    assert pl["records"] > 390


def test_an_empty_source_is_an_error(project_copy: Path) -> None:
    (project_copy / "sources" / f"{TYPES}.tsv").write_text("\n \n")
    build_fails(project_copy, f"{TYPES}.tsv:", "the document is empty")


def test_a_table_whose_rows_cannot_be_read_is_an_error(project_copy: Path) -> None:
    path = project_copy / "sources" / f"{TYPES}.tsv"
    lines = path.read_text().split("\n")
    header = next(i for i, ln in enumerate(lines) if ln.startswith("Country"))
    rows = [ln.replace("\t", ";") if i > header else ln for i, ln in enumerate(lines)]
    path.write_text("\n".join(rows))  # the export changed its delimiter after the header
    build_fails(project_copy, f"{TYPES}.tsv:{header + 2}:", "no row could be read")


def test_a_huge_quota_is_a_flag_not_an_error(project_copy: Path) -> None:
    path = project_copy / "sources" / "gse-partners.tsv"
    lines = path.read_text().split("\n")
    row = next(i for i, ln in enumerate(lines) if ln.rstrip().endswith("\t5"))
    lines[row] = lines[row].rstrip()[:-1] + "9" * 5000
    path.write_text("\n".join(lines))
    proc = run_build(project_copy / "dist", cwd=project_copy)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((project_copy / "dist" / "report.json").read_text())
    gse = next(s for s in report["sources"] if s["id"] == "gse-partners")
    flag = next(f for f in gse["flags"] if row + 1 in f["lines"] and f["field"] == "quota")
    assert flag["withheld"] and "5000 digits" in flag["message"]


def test_fewer_records_than_the_previous_build_are_called_out(project_copy: Path) -> None:
    out = project_copy / "dist"
    assert run_build(out, cwd=project_copy).returncode == 0
    path = project_copy / "sources" / f"{TYPES}.tsv"
    lines = path.read_text().split("\n")
    path.write_text("\n".join(lines[:40]))  # two thirds of the rows gone
    proc = run_build(out, cwd=project_copy)
    assert proc.returncode == 0, proc.stderr
    assert f"warning: {TYPES}.tsv:" in proc.stderr and "fewer" in proc.stderr
    report = json.loads((out / "report.json").read_text())
    assert [d["source"] for d in report["record_drops"]] == [TYPES]
    assert "fewer records than the previous build" in (out / "report.md").read_text()


def test_an_internal_error_is_one_line_and_exit_5(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    from exchange_kg import pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(pipeline, "build", broken)
    monkeypatch.delenv("EXCHANGE_KG_DEBUG", raising=False)
    runner = CliRunner()
    result = runner.invoke(cli_module.main, ["build", "-q", "-o", str(tmp_path / "d")])
    assert result.exit_code == 5
    assert "internal error (ZeroDivisionError: a bug)" in result.output
    assert "Traceback" not in result.output
    debug = runner.invoke(cli_module.main, ["--debug", "build", "-q", "-o", str(tmp_path / "d")])
    assert debug.exit_code == 5 and "Traceback" in debug.output


def test_a_publisher_mixing_its_two_forms_says_which_keys_go_together(
        project_copy: Path) -> None:
    """The manifest's publisher is either named (with evidence) or only known as something
    (with a key): an entry mixing them is pointed at the key that does not belong."""
    from exchange_kg.manifest import load_manifest
    from exchange_kg.yamlfile import DataFileError

    path = project_copy / "sources" / "manifest.yaml"
    text = path.read_text()
    known = next(x for x in text.split("\n") if x.strip().startswith("known_as:"))
    path.write_text(text.replace(known, known.split("known_as:")[0] + 'name: "A University"', 1))
    line = text.split("\n").index(known) + 2  # the key: line after it
    with pytest.raises(DataFileError) as err:
        load_manifest(path)
    assert f"manifest.yaml:{line}:" in str(err.value)
    assert "unknown key 'key'" in str(err.value)
    assert "give name and evidence or known_as and key" in str(err.value)
