"""Where a command finds ``sources/``, ``mappings/``, ``shapes/`` and ``ontology/`` by default."""

from __future__ import annotations

from pathlib import Path


def project_dir() -> Path:
    """The current directory if it holds a project, else the checkout this package was
    installed from (so `exchange-kg build` works from anywhere after `pip install -e .`)."""
    cwd = Path.cwd()
    if (cwd / "mappings").is_dir() and (cwd / "sources").is_dir():
        return cwd
    return Path(__file__).resolve().parents[2]
