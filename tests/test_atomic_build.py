"""Atomic builds: whatever moment a build dies at, the output folder is one whole build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build
from exchange_kg import output_folder
from exchange_kg.outputs import KNOWN
from kill_builds import copy_project, run

KILLS = int(os.environ.get("EXCHANGE_KG_KILLS", "20"))


def test_killed_builds_leave_the_old_or_the_new_build_never_a_mix(tmp_path: Path) -> None:
    seed = int(os.environ.get("EXCHANGE_KG_KILL_SEED", "20240611"))
    figures = run(copy_project(tmp_path / "project"), tmp_path, KILLS, seed)
    assert figures.kills == KILLS
    assert set(figures.states) <= {"old", "new"}, f"seed {seed}: {figures.line()}"
    assert not figures.leftovers_after_next_build, figures.line()


def test_a_failed_build_leaves_the_previous_build(project_copy: Path) -> None:
    out = project_copy / "dist"
    assert run_build(out, cwd=project_copy).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (project_copy / "shapes" / "broken.ttl").write_text("this is not turtle\n")
    proc = run_build(out, cwd=project_copy)
    assert proc.returncode == 3, proc.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert [p.name for p in project_copy.iterdir() if p.name.startswith(".dist.")] == \
        [".dist.lock"]


def test_a_folder_holding_other_files_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    proc = run_build(out)
    assert proc.returncode == 2
    assert "notes.txt" in proc.stderr and "Traceback" not in proc.stderr
    assert (out / "notes.txt").read_text() == "keep me"


def test_the_current_folder_is_refused_as_output(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "exchange_kg.cli", "build", "-o", ".",
                           "--sources", str(ROOT / "sources"), "--mappings",
                           str(ROOT / "mappings")], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 2
    assert "current folder" in proc.stderr


def test_stale_temporaries_of_a_killed_build_are_removed_and_a_gap_repaired(
        tmp_path: Path) -> None:
    folder = tmp_path / "dist"
    # a build killed while writing, and one killed between the fallback's two renames
    (tmp_path / ".dist.new-abc").mkdir()
    (tmp_path / ".dist.new-abc" / "exchange-kg.nt").write_text("half")
    previous = tmp_path / ".dist.old-def"
    previous.mkdir()
    (previous / "report.json").write_text("{}")
    touched = output_folder.recover(folder)
    assert (folder / "report.json").read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
    assert touched == [".dist.old-def restored", ".dist.new-abc"]


@pytest.mark.parametrize("exchange", [True, False])
def test_switch_replaces_the_folder_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          exchange: bool) -> None:
    if not exchange:  # the two-rename fallback of systems without an atomic exchange
        monkeypatch.setattr(output_folder, "_exchange", lambda a, b: False)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "report.json").write_text("old")
    (out / "report.md").write_text("old only")
    with output_folder.staged(out, KNOWN) as folder:
        (folder / "report.json").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["report.json"]
    assert (out / "report.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.lock", "dist"]


def test_an_error_while_writing_keeps_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "report.json").write_text("old")
    with pytest.raises(RuntimeError), output_folder.staged(out, KNOWN) as folder:
        (folder / "report.json").write_text("new")
        raise RuntimeError("disk full")
    assert (out / "report.json").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.lock", "dist"]


def test_a_link_to_a_folder_is_followed(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere" / "dist"
    real.mkdir(parents=True)
    (tmp_path / "dist").symlink_to(real)
    with output_folder.staged(tmp_path / "dist", KNOWN) as folder:
        (folder / "report.json").write_text("new")
    assert (tmp_path / "dist").is_symlink()
    assert (real / "report.json").read_text() == "new"


def test_the_store_is_stale_when_either_dump_changed(tmp_path: Path) -> None:
    from exchange_kg.serve.store import store_is_current
    from test_serve_support import write_synthetic_dist

    dist = write_synthetic_dist(tmp_path / "dist")
    (dist / "exchange-kg.nt").write_text('<http://x/s> <http://x/p> "o" .\n')
    assert not store_is_current(dist)  # the N-Quads did not change; the N-Triples did


def test_serving_removes_what_a_killed_store_build_left(tmp_path: Path) -> None:
    from exchange_kg.serve.cli import ensure_store
    from test_serve_support import write_synthetic_dist

    dist = write_synthetic_dist(tmp_path / "dist")
    (dist / ".store-new-abcd1234").mkdir()
    (dist / ".store-new-abcd1234" / "half").write_text("x")
    ensure_store(dist)
    assert not (dist / ".store-new-abcd1234").exists()
    assert (dist / "store" / "stamp.json").is_file()
