"""Shared fixtures: one real build of the bundled sources per test session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_build(out: Path, *extra: str, cwd: Path = ROOT,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "exchange_kg.cli", "build", "-o", str(out), *extra],
        cwd=cwd, capture_output=True, text=True, timeout=900, env=env,
    )


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = run_build(out)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    """A scratch copy of the inputs a build needs, safe to edit."""
    for name in ("sources", "mappings", "shapes", "ontology"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path
