"""Originals of bundled lists (XLSX, ODS, HTML, PDF, CSV) build to the same agreements as the
text extracts, through mapping files alone.

The originals are written by :mod:`originals` from the rows the extract's reader reads, so the
only difference between a build of the extract and of an original is the file: same source id,
same mapping except the reader options that say where the table is. Agreements, institutions
and quotas must come out identical; records differ only in how they locate their rows.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import originals
from conftest import ROOT, run_build
from exchange_kg.pipeline import BuildResult, build

PROV_DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
LOCATION = "<https://w3id.org/exchange-kg/ontology#location>"
LINE_NUMBER = "<https://w3id.org/exchange-kg/ontology#lineNumber>"

needs_font = pytest.mark.skipif(originals.font_path() is None, reason=originals.FONT_MISSING)


def make_project(folder: Path, source_id: str, document: Path,
                 options: dict[str, object] | None = None, mapping_edit: str = "") -> Path:
    """A project with one bundled source whose file is ``document``; ``options`` are added to
    its reader options (same id, fields and constants as the extract's mapping)."""
    sources, mappings = folder / "sources", folder / "mappings"
    sources.mkdir(parents=True)
    mappings.mkdir()
    shutil.copy(document, sources / document.name)
    head, rest = (ROOT / "sources" / "manifest.yaml").read_text(encoding="utf-8").split(
        "documents:\n")
    entry = next(e for e in re.split(r"\n(?=  - id: )", rest)
                 if e.startswith(f"  - id: {source_id}\n"))
    entry = re.sub(r"(?m)^    file: .*$", f"    file: {document.name}", entry)
    (sources / "manifest.yaml").write_text(head + "documents:\n" + entry.rstrip() + "\n",
                                           encoding="utf-8")
    mapping = (ROOT / "mappings" / f"{source_id}.yaml").read_text(encoding="utf-8")
    extra = "".join(f"        {key}: {value!r}\n" for key, value in (options or {}).items())
    mapping = mapping.replace("      options:\n", "      options:\n" + extra, 1) + mapping_edit
    (mappings / f"{source_id}.yaml").write_text(mapping, encoding="utf-8")
    return folder


def cli_build(folder: Path, out: Path, *extra: str) -> tuple[int, str]:
    """Build the project with the real CLI; exit code and everything it printed."""
    proc = run_build(out, "--sources", str(folder / "sources"),
                     "--mappings", str(folder / "mappings"), *extra)
    return proc.returncode, proc.stdout + proc.stderr


def build_project(folder: Path) -> BuildResult:
    return build(folder / "sources", folder / "mappings")


def substance(result: BuildResult, source_id: str) -> set[tuple[str, str, str]]:
    """The graph without provenance: no records, no document node, no links to records."""
    records = {o for _, p, o in result.graph if p == PROV_DERIVED}
    document = f"<https://w3id.org/exchange-kg/source/{source_id}>"
    return {t for t in result.graph
            if t[0] not in records and t[0] != document and t[1] != PROV_DERIVED}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("originals")
    written = originals.write_all(out, "gse-partners")
    extract = originals.extract_rows("partners-agreement-types")
    written["csv-cp1252"] = out / "partners-agreement-types.csv"
    originals.write_csv(extract, written["csv-cp1252"], encoding="cp1252", delimiter=";")
    return written


@pytest.fixture(scope="module")
def gse_text(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    folder = make_project(tmp_path_factory.mktemp("text"), "gse-partners",
                          ROOT / "sources" / "gse-partners.tsv")
    return build_project(folder)


CASES = [
    pytest.param("xlsx", {"sheet": "Partners"}, id="xlsx"),
    pytest.param("ods", {"sheet": "Partners"}, id="ods"),
    pytest.param("html", {"table": "partners"}, id="html"),
    pytest.param("csv", {}, id="csv"),
    pytest.param("pdf", {}, id="pdf", marks=needs_font),
]


@pytest.mark.parametrize(("fmt", "options"), CASES)
def test_original_builds_the_same_agreements_as_the_extract(
    fmt: str, options: dict[str, object], files: dict[str, Path], gse_text: BuildResult,
    tmp_path: Path,
) -> None:
    result = build_project(make_project(tmp_path, "gse-partners", files[fmt], options))
    assert len(result.agreements) == len(gse_text.agreements) > 100
    assert substance(result, "gse-partners") == substance(gse_text, "gse-partners")
    src = result.sources[0]
    # merged cells known from the file: no country inferred, none flagged
    inferred = {"country-from-merged-cell", "country-ambiguous", "country-from-evidence"}
    text_flags = {f.code for r in gse_text.sources[0].result.records for f in r.flags}
    assert inferred & text_flags, "the extract's reader had to infer countries"
    assert not inferred & {f.code for r in src.result.records for f in r.flags}
    # every non-empty row accounted for; label-only rows of merged groups are layout
    disp = src.result.dispositions
    assert all(n in disp for n in src.non_blank)
    if fmt != "csv":
        assert sum(d.kind == "group-label" for d in disp.values()) >= 3


LOCATION_SHAPES = {
    "xlsx": r"Partners!A\d+:D\d+",
    "ods": r"Partners!A\d+:D\d+",
    "html": r"table 2, row \d+",
    "csv": r"row \d+",
    "pdf": r"page \d, box [\d.]+ [\d.]+ [\d.]+ [\d.]+",
}


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "html", "csv",
                                 pytest.param("pdf", marks=needs_font)])
def test_records_locate_their_rows_in_the_original(
    fmt: str, files: dict[str, Path], tmp_path: Path,
) -> None:
    options = {"xlsx": {"sheet": "Partners"}, "ods": {"sheet": 2}, "html": {"table": 2}}
    result = build_project(make_project(tmp_path, "gse-partners", files[fmt],
                                        options.get(fmt, {})))
    located = {}
    for s, p, o in result.graph:
        if p == LOCATION:
            located.setdefault(s, []).append(o.strip('"'))
    records = {o for _, p, o in result.graph if p == PROV_DERIVED}
    assert records and set(located) == records
    for places in located.values():
        assert all(re.fullmatch(LOCATION_SHAPES[fmt], w) for w in places), places
    lines = {s for s, p, _ in result.graph if p == LINE_NUMBER}
    # only a file with lines has line numbers: a CSV file's own (a quoted cell may span two)
    assert (lines == records) if fmt == "csv" else not lines
    # the record of KU Leuven sits where the original has it
    rec = next(r for r in result.sources[0].result.records
               if r.fields["partner"].startswith("KU Leuven"))
    (where,) = rec.locations
    expected = {"xlsx": "Partners!A4:D4", "ods": "Partners!A4:D4", "html": "table 2, row 4",
                "csv": "row 4"}
    if fmt in expected:
        assert where.text == expected[fmt]
    if fmt == "csv":
        assert where.lines == (5,)  # row 2 (Argentina) is quoted over lines 2-3
    if fmt == "pdf":
        assert where.text.startswith("page 1, box ")


@needs_font
def test_pdf_table_without_ruling_lines_reads_like_an_extract(
    files: dict[str, Path], gse_text: BuildResult, tmp_path: Path,
) -> None:
    """Read by text position alone (as a table without rules must be), merged cells are not
    known: the reader infers them as it does for an extract, and flags what it inferred."""
    result = build_project(make_project(tmp_path, "gse-partners", files["pdf"],
                                        {"pdf_tables": "text"}))
    same = {a.key for a in result.agreements} & {a.key for a in gse_text.agreements}
    assert len(same) >= 0.9 * len(gse_text.agreements)
    flags = {f.code for r in result.sources[0].result.records for f in r.flags}
    assert "country-from-merged-cell" in flags
    disp = result.sources[0].result.dispositions
    assert all(n in disp for n in result.sources[0].non_blank)


def test_csv_in_an_uncertain_legacy_encoding_asks_for_it(
    files: dict[str, Path], tmp_path: Path,
) -> None:
    """cp1252 and cp1250 both decode the file; they disagree on "València": say which."""
    folder = make_project(tmp_path, "partners-agreement-types", files["csv-cp1252"])
    code, message = cli_build(folder, tmp_path / "dist", "--no-validate")
    assert code == 3, message
    assert "partners-agreement-types.csv:" in message
    assert "encoding is not certain" in message and "encoding:" in message


def test_csv_with_declared_encoding_builds_the_same_agreements(
    files: dict[str, Path], tmp_path: Path,
) -> None:
    source = "partners-agreement-types"
    text = build_project(make_project(tmp_path / "text", source,
                                      ROOT / "sources" / f"{source}.tsv"))
    csv_build = build_project(make_project(tmp_path / "csv", source, files["csv-cp1252"],
                                           {"encoding": "cp1252"}))
    assert substance(csv_build, source) == substance(text, source)
    # a quoted cell over two lines is one cell; its record names both lines of the file
    wrapped = [r for r in csv_build.sources[0].result.records
               if len(r.locations[0].lines) == 2]
    assert wrapped and all("\n" not in r.fields.get("partner", "") for r in wrapped)


def test_cli_builds_a_workbook_through_its_mapping_file(
    files: dict[str, Path], tmp_path: Path,
) -> None:
    folder = make_project(tmp_path, "gse-partners", files["xlsx"], {"sheet": "Partners"})
    out = tmp_path / "dist"
    code, message = cli_build(folder, out)
    assert code == 0, message
    nt = (out / "exchange-kg.nt").read_text(encoding="utf-8")
    assert f'{LOCATION} "Partners!A4:D4"' in nt
    report = (out / "report.json").read_text(encoding="utf-8")
    assert '"group-label"' in report
    # the agreement page shows where its row stands in the workbook
    from starlette.testclient import TestClient

    from exchange_kg.iris import DEFAULT_BASE
    from exchange_kg.serve.app import create_app
    from exchange_kg.serve.config import ServeConfig

    record = next(s for s, p, o in (line.split(" ", 2) for line in nt.splitlines())
                  if p == LOCATION and o.startswith('"Partners!A4:D4"'))
    agreement = next(s for s, p, o in (line.split(" ", 2) for line in nt.splitlines())
                     if p == PROV_DERIVED and o.startswith(record))
    path = agreement.strip("<>").removeprefix(DEFAULT_BASE)
    with TestClient(create_app(ServeConfig(dist_dir=out, base=DEFAULT_BASE, workers=1))) as c:
        page = c.get(f"/{path}.html")
    assert page.status_code == 200
    assert "Partners!A4:D4" in page.text and "KU Leuven" in page.text


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_sheet_the_mapping_does_not_read_is_reported_not_dropped(
    fmt: str, files: dict[str, Path], tmp_path: Path,
) -> None:
    """A workbook's other sheets may hold partners too ("Europe", "Asia"): their rows are
    listed as not read, with the option that would read them, never silently left out."""
    result = build_project(make_project(tmp_path, "gse-partners", files[fmt],
                                        {"sheet": "Partners"}))
    src = result.sources[0]
    unread = [(src.locations[n - 1].text, d.status.value, d.reason)
              for n, d in src.result.dispositions.items() if d.kind == "table-not-read"]
    assert unread == [("About!A1:A1", "layout", "sheet 'About' is not read by the mapping (a "
                       "section with `sheet: About` would read it): a note, no table")]
    assert all(n in src.result.dispositions for n in src.non_blank)


def test_workbook_with_several_sheets_needs_the_sheet_named(
    files: dict[str, Path], tmp_path: Path,
) -> None:
    folder = make_project(tmp_path, "gse-partners", files["xlsx"])
    code, message = cli_build(folder, tmp_path / "dist", "--no-validate")
    assert code == 3
    assert "'About', 'Partners'" in message and "sheet:" in message
