"""Where a command finds ``sources/``, ``mappings/``, ``shapes/`` and ``ontology/`` by default."""

from __future__ import annotations

from pathlib import Path

# the checkout this package was installed from (``pip install -e .``)
CHECKOUT = Path(__file__).resolve().parents[2]


def project_dir() -> Path:
    """The current directory if it holds a project, else the checkout this package was
    installed from (so `exchange-kg build` works from anywhere after `pip install -e .`)."""
    cwd = Path.cwd()
    if (cwd / "mappings").is_dir() and (cwd / "sources").is_dir():
        return cwd
    return CHECKOUT


def project_path(relative: str) -> Path:
    """``relative`` in the project, else the checkout's: a folder of one's own lists (just
    ``sources/`` and ``mappings/``) is validated against the bundled shapes and ontology, as it
    is mapped by the bundled graph rules, instead of failing on a file it never had."""
    own = project_dir() / relative
    return own if own.exists() else CHECKOUT / relative
