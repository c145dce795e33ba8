"""The benchmark's synthetic partner lists: deterministic, in the real layouts, and readable by
the real build with every line accounted for."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


gen = load_generator()


@pytest.fixture(scope="module")
def one_x(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("gen1")
    return out, gen.generate(1, out, seed=7)


def doc_lines(out: Path, suffix: str) -> list[str]:
    [path] = (out / "sources").glob(f"*{suffix}")
    return path.read_text(encoding="utf-8").split("\n")


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    gen.generate(0.3, a, seed=3)
    gen.generate(0.3, b, seed=3)
    gen.generate(0.3, c, seed=4)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert len(files) == 1 + 2 * 5 + 1  # manifest, five documents and mappings, summary
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert any((a / rel).read_bytes() != (c / rel).read_bytes() for rel in files)


def test_scale_grows_documents_then_publishers() -> None:
    assert gen.plan(1) == (1, 1.0)
    assert gen.plan(10) == (1, 10.0)
    assert gen.plan(100) == (10, 10.0)
    assert gen.plan(1000) == (100, 10.0)


def test_rows_scale_with_the_factor(tmp_path: Path, one_x: tuple[Path, dict]) -> None:
    small = gen.generate(0.5, tmp_path, seed=7)
    assert one_x[1]["rows"] == pytest.approx(sum(gen.BASE_ROWS.values()) * 1.05, rel=0.1)
    assert small["rows"] == pytest.approx(one_x[1]["rows"] / 2, rel=0.1)


def test_merged_country_labels_sit_mid_group(one_x: tuple[Path, dict]) -> None:
    lines = [ln for ln in doc_lines(one_x[0], "eng-partners.tsv") if "\t" in ln]
    rows = [ln.split("\t") for ln in lines if not ln.startswith("Country/Area")]
    # a row without a label directly followed by a labelled row: the label is not on top
    assert any(a[0] == "" and b[0] != "" for a, b in zip(rows, rows[1:], strict=False))
    assert sum(1 for r in rows if r[0]) < len(rows) * 0.7  # most rows leave the cell empty


def test_ocr_edition_is_a_newer_garbled_edition_of_the_same_list(
        one_x: tuple[Path, dict]) -> None:
    lines = doc_lines(one_x[0], "newer-ocr.txt")
    first_page = [ln for ln in lines[:31] if ln.count("\t") >= 4]
    assert len(first_page) >= 25  # a garbled pass in front of the four clean cells
    older = {ln.split("\t")[1] for ln in doc_lines(one_x[0], "eng-partners.tsv")
             if ln.count("\t") == 3}
    newer = {ln.split("\t")[-3] for ln in lines if ln.count("\t") >= 3}
    assert len(older & newer) > 0.8 * len(older)  # mostly the same agreements
    assert newer - older and older - newer  # some added, some dropped


def test_polish_list_has_polish_names_terms_and_row_numbers(one_x: tuple[Path, dict]) -> None:
    rows = [ln.split("\t") for ln in doc_lines(one_x[0], "pl-partner-universities.tsv")
            if ln[:1].isdigit()]
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    countries = {r[1] for r in rows}
    assert {"Niemcy", "Chiny"} <= countries
    terms = " ".join(r[4] for r in rows)
    for phrase in ("na czas nieokreślony", "List Intencyjny", "automatycznie"):
        assert phrase in terms
    assert re.search(r"\b\d{4}-\d{4}\b", terms)
    assert {r[6] for r in rows} <= {"Europa", "Azja", "Afryka", "Ameryka Północna",
                                     "Ameryka Południowa", "Australia i Oceania"}


def test_tohoku_like_table_states_counts_and_has_shifted_rows(one_x: tuple[Path, dict]) -> None:
    lines = doc_lines(one_x[0], "agreements.txt")
    start = lines.index("Department Level Agreements")
    assert any(ln.startswith("\t\t\t") or (ln.endswith("\t") and not ln.startswith("\t"))
               for ln in lines[start:])
    assert any(re.fullmatch(r"Total of \d+ institutions", ln) for ln in lines[:start])
    assert any(re.fullmatch(r"- \* .+", ln) for ln in lines[:start])


def test_institutions_are_spelled_several_ways() -> None:
    import random

    world = gen.World(200, seed=1)
    rng = random.Random(0)
    inst = world.by_country["DE"][0]
    spellings = {gen.spell(rng, inst) for _ in range(300)}
    assert len(spellings) >= 5
    assert inst.english in spellings


def test_the_real_build_reads_every_generated_row(tmp_path: Path) -> None:
    summary = gen.generate(0.25, tmp_path / "gen", seed=11)
    proc = subprocess.run(
        [sys.executable, "-m", "exchange_kg.cli", "build", "-q", "--no-validate",
         "--sources", str(tmp_path / "gen/sources"), "--mappings", str(tmp_path / "gen/mappings"),
         "-o", str(tmp_path / "dist")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "dist/report.json").read_text())
    totals = report["totals"]
    assert totals["records"] == summary["rows"]
    assert totals["unreadable_lines"] == 0
    assert totals["checks_failed"] == 0
    # name reuse: fewer institutions than partner rows, as resolution merges spellings
    assert totals["institutions"] < summary["rows"] * 0.9


def test_a_consortium_never_names_the_same_member_twice() -> None:
    """Drawing members with replacement from a small country's skewed pool once gave a
    100x "consortium" listing one member twice, which the build rightly refused (exit 1)."""
    import random

    world = gen.World(200, seed=1)
    country = min((c for c in gen.COUNTRIES if world.by_country.get(c.code)),
                  key=lambda c: len(world.by_country[c.code]))
    rng = random.Random(5)
    draws = [gen.consortium_members(world, rng, country, 3) for _ in range(200)]
    assert all(len(set(d)) == len(d) for d in draws)
    assert all(len(d) >= 2 for d in draws)
