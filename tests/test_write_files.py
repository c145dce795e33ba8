"""The build's files written at once by worker processes: the same bytes as one after the
other, and a failing writer leaves the output folder as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from exchange_kg import dump_parts, jsonld, outputs, pipeline, pool
from exchange_kg.iris import DEFAULT_BASE
from exchange_kg.validate import load_shapes, parse_turtle
from tiny_project import PARTNER_TABLE, write_project

ROWS = ["Country\tPartner"] + [
    f"{country}\tUniversity of {town}, Faculty of {faculty}"
    for country, town in [("France", "Lyon"), ("Germany", "Bonn"), ("Japan", "Sendai"),
                          ("Poland", "Łódź"), ("Italy", "Pisa"), ("Spain", "León")]
    for faculty in ("Law", "Arts", "Science")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> pipeline.BuildResult:
    root = write_project(tmp_path_factory.mktemp("project"), "".join(f"{r}\n" for r in ROWS),
                         PARTNER_TABLE)
    return pipeline.build(root / "sources", root / "mappings")


def _write(result: pipeline.BuildResult, out: Path) -> None:
    ontology, vocabularies = (ROOT / "ontology" / f for f in ("exchange-kg.ttl",
                                                              "vocabularies.ttl"))
    outputs.write_build(result, load_shapes(ROOT / "shapes"), out,
                        outputs.Ontology(parse_turtle(ontology), ontology),
                        outputs.Ontology(parse_turtle(vocabularies), vocabularies), DEFAULT_BASE)


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


@pytest.mark.skipif(pool.cpu_count() < 2, reason="writing in workers needs two CPUs")
def test_workers_write_the_same_bytes_as_one_process(
        built: pipeline.BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a part every 4 subjects or so, in both runs: the gzip twins hold one member per part
    monkeypatch.setattr(dump_parts, "_CRC_MASK", 3)
    _write(built, tmp_path / "one")
    monkeypatch.setattr(outputs, "PARALLEL_TRIPLES", 0)
    parts: list[int] = []
    real = dump_parts.jobs_of

    def jobs_of(all_parts: list[dump_parts.Part], todo: list[int], n: int) -> list[list[int]]:
        runs = real(all_parts, todo, n)
        parts.append(len(runs))
        return runs

    monkeypatch.setattr(dump_parts, "jobs_of", jobs_of)
    _write(built, tmp_path / "workers")
    assert parts and parts[0] > 1, "the dump was written in one part"
    one, workers = _files(tmp_path / "one"), _files(tmp_path / "workers")
    assert set(one) == set(workers) >= set(outputs.FILES)
    assert [n for n in one if one[n] != workers[n]] == []


@pytest.mark.parametrize("parallel", [True, False])
def test_a_failing_writer_leaves_the_previous_build_and_no_temporaries(
        built: pipeline.BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        parallel: bool) -> None:
    out = tmp_path / "dist"
    _write(built, out)
    before = _files(out)
    if parallel:
        monkeypatch.setattr(outputs, "PARALLEL_TRIPLES", 0)

    def broken(source: object) -> list[str]:
        raise OSError("no space left on device")

    monkeypatch.setattr(jsonld, "node_lines", broken)  # in the worker, which forks after
    with pytest.raises(OSError, match="no space left"):
        _write(built, out)
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.lock", "dist"]
    assert not any(p.name.startswith(".") for p in out.iterdir())
