"""Dump file -> ``RorIndex``, with the index file kept in the user's cache keyed by the dump's
bytes.

Parsing a full ROR dump and indexing it takes tens of seconds; a build that links on every run
should not pay that each time. The index file (see ``ror_index``) is keyed by the dump's size
and SHA-256 and by a digest of the code that builds it, so a changed or replaced dump is never
served from a stale file; a cache that cannot be read or written is silently rebuilt or
skipped, because it is only ever an optimisation.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path

from exchange_kg.link import names, ror_dump, ror_index
from exchange_kg.link.ror_dump import DumpError, read_records
from exchange_kg.link.ror_index import (
    FORMAT,
    DumpInfo,
    IndexFileError,
    RorIndex,
    build_index,
    open_index,
    write_index,
)
from exchange_kg.resolve import countries as resolve_countries
from exchange_kg.resolve import names as resolve_names

CACHE_ENV = "EXCHANGE_KG_CACHE_DIR"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the modules and word lists an index is built by: editing them invalidates
    cached indexes."""
    digest = hashlib.sha256()
    for module in (names, ror_dump, ror_index, resolve_names, resolve_countries):
        digest.update(Path(module.__file__ or "").read_bytes())
    data = resources.files("exchange_kg.resolve").joinpath("data")
    for item in sorted(data.iterdir(), key=lambda f: f.name):
        if item.is_file():
            digest.update(item.name.encode() + b"\0" + item.read_bytes())
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

    ``cache_dir``: None for the default cache folder, a folder, or False for no cache at all
    (the index is then built in memory). Raises ``DumpError`` for a file that is missing or
    not a ROR dump.
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
            f"ror-index-v{FORMAT}-{code_fingerprint()}-{size}-{sha[:32]}.sqlite")
        cached = _read_cache(cache_file, sha)
        if cached is not None:
            return cached
    records = list(read_records(path))
    if not records:
        raise DumpError(f"{path}: the dump holds no records")
    info = DumpInfo(path.name, sha, size, len(records),
                    dict(sorted(Counter(r.schema for r in records).items())))
    if cache_file is not None:
        index = _write_cache(cache_file, records, info)
        if index is not None:
            return index
    return build_index(records, info)


def _read_cache(cache_file: Path, sha: str) -> RorIndex | None:
    if not cache_file.is_file():
        return None
    try:
        index = open_index(cache_file)
    except IndexFileError:
        return None
    if index.info is None or index.info.sha256 != sha:
        return None
    return index


def _write_cache(cache_file: Path, records: list[ror_dump.RorRecord],
                 info: DumpInfo) -> RorIndex | None:
    """Write the index file (atomically: a temporary file renamed) and open it; None when the
    folder is not writable."""
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_file.parent, prefix=".ror-index-", suffix=".tmp")
        os.close(fd)
        try:
            write_index(records, info, Path(tmp))
            os.replace(tmp, cache_file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # indexes of the same dump built by older code (or in older formats) are dead weight
        dump_part = f"-{info.size}-{info.sha256[:32]}."
        for old in cache_file.parent.glob(f"ror-index-*{dump_part}*"):
            if old != cache_file:
                old.unlink(missing_ok=True)
        return open_index(cache_file)
    except (OSError, sqlite3.Error, IndexFileError):
        return None
