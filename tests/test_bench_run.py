"""The benchmark measures the real build and fails loudly when that build fails."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load(name: str) -> object:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_build_that_exits_non_zero_is_a_failure_not_a_figure(tmp_path: Path) -> None:
    pytest.importorskip("psutil")
    run, gen = load("run"), load("generate")
    gen.generate(0.1, tmp_path / "gen", seed=3)  # type: ignore[attr-defined]
    mapping = next((tmp_path / "gen" / "mappings").glob("*eng-partners.yaml"))
    mapping.write_text(mapping.read_text().replace("columns:", "colums:"))
    with pytest.raises(run.BuildFailed, match=r"(?s)exited 3.*colums"):  # type: ignore[attr-defined]
        run.real_build(tmp_path / "gen", tmp_path / "dist", tmp_path / "build.log")  # type: ignore[attr-defined]


def test_the_incremental_figure_is_a_rebuild_that_reads_one_document(tmp_path: Path) -> None:
    pytest.importorskip("psutil")
    run, gen = load("run"), load("generate")
    gen.generate(0.1, tmp_path / "gen", seed=3)  # type: ignore[attr-defined]
    cache, out = tmp_path / "cache", tmp_path / "dist"
    clean = run.real_build(tmp_path / "gen", out, tmp_path / "build.log", cache)  # type: ignore[attr-defined]
    inc = run.incremental_build(tmp_path / "gen", out, tmp_path, 0.1, cache, clean)  # type: ignore[attr-defined]
    assert inc["documents"] >= 2
    assert inc["from_cache"] == inc["documents"] - 1
    assert inc["clean_seconds"] == clean["seconds"] and inc["cpu_seconds"] > 0
    log = (tmp_path / "rebuild-0.1.log").read_text()
    assert log.count("] reading ") == 1 and f"reading {inc['changed_document']}" in log


def test_the_mapping_comparison_maps_the_build_tables_and_their_copies(tmp_path: Path) -> None:
    """Our side of the comparison, on the bundled build's tables grown to twice the agreements:
    the copies are new triples (distinct IRIs), not the same ones again."""
    pytest.importorskip("psutil")
    import argparse

    from exchange_kg import pipeline

    run = load("run")
    result = pipeline.build(ROOT / "sources", ROOT / "mappings", keep_tables=True)
    tables = result.builder.tables
    agreements = len(tables["agreements"])
    args = argparse.Namespace(map_rows=2 * agreements, repeat=1, morph_python=None)
    report = run.mapping_comparison(tables, tmp_path / "rml", args)  # type: ignore[attr-defined]
    assert report["agreements"] == 2 * agreements
    assert report["rows"] == 2 * sum(len(rows) for rows in tables.values())
    # shared terms (a document's language) are the same in both copies; nothing else is
    assert 2 * len(result.graph) - 20 < report["ours"]["triples"] <= 2 * len(result.graph)
    assert "morph-kgc" in report["note"]
