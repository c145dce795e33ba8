"""The command line as scripts use it: help, exit codes, errors naming file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_build


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exchange_kg.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_help_explains_each_command() -> None:
    out = cli("--help").stdout
    for command in ("build", "validate", "readers"):
        assert command in out
    assert "--base" in cli("build", "--help").stdout


def test_readers_lists_the_registered_readers() -> None:
    out = cli("readers").stdout
    for name in ("merged-cell-table", "content-table", "outline-list", "numbered-table",
                 "simple-table"):
        assert name in out


def test_bad_source_bytes_fail_with_file_and_line(project_copy: Path) -> None:
    path = project_copy / "sources" / "partners-agreement-types.tsv"
    lines = path.read_bytes().split(b"\n")
    lines[6] = b"Austria\tUniversit\xe4t Wien\tBilateral"  # latin-1 byte in a UTF-8 file
    path.write_bytes(b"\n".join(lines))
    proc = run_build(project_copy / "dist", cwd=project_copy)
    assert proc.returncode == 3
    assert "partners-agreement-types.tsv:7" in proc.stderr


def test_broken_mapping_fails_with_file_and_line(project_copy: Path) -> None:
    path = project_copy / "mappings" / "partners-agreement-types.yaml"
    path.write_text(path.read_text().replace("kind: kinds", "kind: kindz"))
    proc = run_build(project_copy / "dist", cwd=project_copy)
    assert proc.returncode == 3
    assert "partners-agreement-types.yaml:" in proc.stderr


def test_validate_accepts_the_build_and_rejects_a_broken_graph(dist: Path, tmp_path: Path) -> None:
    assert cli("validate", str(dist / "exchange-kg.ttl")).returncode == 0
    text = (dist / "exchange-kg.nt").read_text(encoding="utf-8").splitlines()
    partner = "<https://w3id.org/exchange-kg/ontology#partner>"
    country = "<https://schema.org/addressCountry>"
    broken = [ln for ln in text if partner not in ln]  # no agreement has a partner any more
    broken += [ln.rsplit('"', 1)[0].rsplit('"', 1)[0] + '"XX" .'
               for ln in text if f"> {country} " in ln][:1]  # and one bad country code
    path = tmp_path / "broken.nt"
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")
    proc = cli("validate", str(path), "--report", str(tmp_path / "report.ttl"))
    assert proc.returncode == 1, proc.stdout
    assert "DOES NOT CONFORM" in proc.stdout
    assert (tmp_path / "report.ttl").stat().st_size > 0


def test_build_without_a_ror_dump_says_linking_was_skipped(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "EXCHANGE_KG_ROR_DUMP"}
    proc = run_build(tmp_path / "dist", "--no-validate", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "linking to ROR skipped" in proc.stderr
    assert not (tmp_path / "dist" / "ror-links.csv").exists()


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_validate_engines_agree_on_a_small_file(tmp_path: Path, engine: str) -> None:
    """`--engine pyshacl` is the reference a user cross-checks with: same verdict, same rule."""
    path = tmp_path / "one.ttl"
    path.write_text(
        "@prefix xkg: <https://w3id.org/exchange-kg/ontology#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/exchange-kg/institution/x-0a1b2c3d4e> a xkg:Institution ;\n"
        '    skos:prefLabel "X" ; schema:address <https://w3id.org/exchange-kg/institution/'
        'x-0a1b2c3d4e/address> .\n<https://w3id.org/exchange-kg/institution/x-0a1b2c3d4e/address>'
        ' a schema:PostalAddress ; schema:addressCountry "Japan" .\n', encoding="utf-8")
    proc = cli("validate", str(path), "--engine", engine)
    assert proc.returncode == 1, proc.stdout
    assert "1 violation(s)" in proc.stdout and "addressCountry" in proc.stdout


def test_a_folder_of_ones_own_lists_uses_the_bundled_shapes_and_ontology(
        project_copy: Path, dist: Path) -> None:
    """A user's folder holds its lists and mappings, not a copy of the ontology and shapes."""
    for name in ("shapes", "ontology"):
        subprocess.run(["rm", "-r", str(project_copy / name)], check=True)
    (project_copy / "mappings" / "graph.yarrrml.yaml").unlink()
    out = project_copy / "dist"
    proc = run_build(out, "--no-cache", cwd=project_copy)
    assert proc.returncode == 0, proc.stderr
    assert "SHACL: conforms" in proc.stderr
    for name in ("exchange-kg.nt", "ontology.ttl", "validation.ttl"):
        assert (out / name).read_bytes() == (dist / name).read_bytes(), name
    # a folder that has its own shapes is validated by them, not the bundled ones
    (project_copy / "shapes").mkdir()
    (project_copy / "shapes" / "broken.ttl").write_text("this is not turtle\n")
    proc = run_build(project_copy / "dist2", "--no-cache", cwd=project_copy)
    assert proc.returncode == 3 and "broken.ttl" in proc.stderr
