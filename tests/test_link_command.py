"""``exchange-kg link`` on the bundled sources with a small synthetic dump (no ROR data)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exchange_kg.link.command import link_command
from exchange_kg.link.curation import COLUMNS
from exchange_kg.link.synthetic import qid, ror_id, v1_record, v2_record, write_release_zip

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("link")
    dump = write_release_zip(tmp / "ror.zip", [
        v2_record(401, "Northeastern University", "US", wikidata=qid(401)),
        v2_record(402, "Northeastern University", "CN", wikidata=qid(402)),
        v2_record(403, "RWTH Aachen University", "DE", wikidata=qid(403),
                  labels=[("Rheinisch-Westfälische Technische Hochschule Aachen", "de")],
                  aliases=["RWTH Aachen"]),
        v2_record(404, "Masaryk University", "CZ", wikidata=qid(404)),
    ], [v1_record(405, "Ignored V1 University", "CZ")])
    curation = tmp / "curation.tsv"
    curation.write_text("\t".join(COLUMNS) + "\n"
                        + "Masaryk University\tCZ\treject\t\tnot this one\tA. Curator\t\n"
                        + "No Such Partner\tFR\treject\t\t\t\t\n", encoding="utf-8")
    out = tmp / "out"
    result = CliRunner().invoke(link_command, [
        "--sources", str(ROOT / "sources"), "--mappings", str(ROOT / "mappings"),
        "--ror-dump", str(dump), "--cache-dir", str(tmp / "cache"),
        "--curation", str(curation), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.output


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_links_file(run: tuple[Path, str]) -> None:
    out, _ = run
    links = rows(out / "ror-links.csv")
    by = {(r["our_label"], r["country"]): r for r in links}
    assert by[("Northeastern University", "US")]["ror_id"] == ror_id(401)
    assert by[("Northeastern University", "CN")]["wikidata"] == qid(402)
    aachen = {r["ror_id"] for r in links if "aachen" in r["our_label"].lower()}
    assert aachen == {ror_id(403)}
    assert all(r["dump"] == "ror.zip" and len(r["dump_sha256"]) == 64 for r in links)
    assert not any(r["country"] == "CZ" for r in links)  # rejected by the curator


def test_review_and_summary_files(run: tuple[Path, str]) -> None:
    out, output = run
    review = rows(out / "ror-review.csv")
    assert any(r["our_label"] == "Masaryk University" and r["decision"] == "curated-reject"
               for r in review)
    summary = json.loads((out / "ror-link-summary.json").read_text(encoding="utf-8"))
    assert set(summary["per_source"]) == {
        "gse-partners", "gse-partners-newer-ocr", "partners-agreement-types",
        "pl-partner-universities-2026", "tohoku-agreements-2016"}
    assert summary["linked"] + summary["ambiguous"] + summary["no-match"] == \
        summary["institutions"]
    assert summary["dump"]["records"] == 4
    assert "all" in output and "linked" in output


def test_without_a_dump_it_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXCHANGE_KG_ROR_DUMP", raising=False)
    result = CliRunner().invoke(link_command, [])
    assert result.exit_code == 2
    assert "--ror-dump" in result.output


def test_a_broken_curation_file_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "c.tsv"
    bad.write_text("\t".join(COLUMNS) + "\nX\tFR\tperhaps\t\t\t\t\n", encoding="utf-8")
    result = CliRunner().invoke(link_command, [
        "--ror-dump", str(tmp_path / "whatever.zip"), "--curation", str(bad),
        "-o", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert "c.tsv:2:" in result.output
