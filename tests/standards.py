"""Where the standards' own test material is: ``shared/standards`` beside the checkout (CI) or
beside the folder of worktrees; tests that need it skip, saying why, when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def find_standard(name: str) -> Path | None:
    """The folder of one standard's material, or None if it is not there."""
    for parent in (ROOT.parent, ROOT.parent.parent):
        folder = parent / "shared" / "standards" / name
        if folder.is_dir():
            return folder
    return None


def standard(name: str) -> Path:
    """The folder of one standard's material, or skip the calling test."""
    folder = find_standard(name)
    if folder is not None:
        return folder
    pytest.skip(f"../shared/standards/{name} is not beside the checkout: the official test "
                "material is not part of the project")
