"""Dump file -> ``RorIndex``, with a pickled copy in the user's cache keyed by the dump's bytes.

Parsing a full ROR dump takes seconds; a build that links on every run should not pay that each
time. The cached index is keyed by the dump's size and SHA-256 (and this code's index version),
so a changed or replaced dump is never served from a stale cache; a cache that cannot be read or
written is silently rebuilt or skipped, because it is only ever an optimisation.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path

from exchange_kg.link import names, ror_dump, ror_index
from exchange_kg.link.ror_dump import DumpError, read_records
from exchange_kg.link.ror_index import DumpInfo, RorIndex, build_index
from exchange_kg.resolve import names as resolve_names

# Bump when the pickle's layout changes; the code fingerprint below catches everything else.
INDEX_VERSION = 1
CACHE_ENV = "EXCHANGE_KG_CACHE_DIR"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the modules and word lists an index is built by: editing them invalidates
    cached indexes."""
    digest = hashlib.sha256()
    for module in (names, ror_dump, ror_index, resolve_names):
        digest.update(Path(module.__file__ or "").read_bytes())
    data = resources.files("exchange_kg.resolve").joinpath("data")
    for filename in (*resolve_names.equivalence_files(), "word-classes.tsv"):
        digest.update(data.joinpath(filename).read_bytes())
    return digest.hexdigest()[:12]


def default_cache_dir() -> Path:
    """``$EXCHANGE_KG_CACHE_DIR``, else the XDG cache folder, else ``~/.cache``/exchange-kg."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "exchange-kg"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_dump(path: Path | str, cache_dir: Path | None | bool = None) -> RorIndex:
    """The index of a ROR dump (zip, JSON array, JSONL, optionally gzipped).

    ``cache_dir``: None for the default cache folder, a folder, or False for no cache at all.
    Raises ``DumpError`` for a file that is missing or not a ROR dump.
    """
    path = Path(path)
    if not path.is_file():
        raise DumpError(f"{path}: no such ROR dump file")
    size = path.stat().st_size
    sha = file_sha256(path)
    cache_file = None
    if cache_dir is not False:
        folder = default_cache_dir() if cache_dir is None or cache_dir is True else cache_dir
        cache_file = Path(folder) / (
            f"ror-index-v{INDEX_VERSION}-{code_fingerprint()}-{size}-{sha[:32]}.pickle")
        cached = _read_cache(cache_file, sha)
        if cached is not None:
            return cached
    records = list(read_records(path))
    if not records:
        raise DumpError(f"{path}: the dump holds no records")
    info = DumpInfo(path.name, sha, size, len(records),
                    dict(sorted(Counter(r.schema for r in records).items())))
    index = build_index(records, info)
    if cache_file is not None:
        _write_cache(cache_file, index)
    return index


def _read_cache(cache_file: Path, sha: str) -> RorIndex | None:
    try:
        with open(cache_file, "rb") as fh:
            index = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            TypeError, ValueError):
        return None
    if not isinstance(index, RorIndex) or index.info is None or index.info.sha256 != sha:
        return None
    return index


def _write_cache(cache_file: Path, index: RorIndex) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_file.parent, prefix=".ror-index-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cache_file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # indexes of the same dump built by older code are dead weight
        dump_part = cache_file.name.split("-", 4)[4]  # "{size}-{sha}.pickle"
        for old in cache_file.parent.glob(f"ror-index-*-{dump_part}"):
            if old != cache_file:
                old.unlink(missing_ok=True)
    except OSError:
        return
