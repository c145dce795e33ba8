"""The server's settings, with the defaults a public deployment should start from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from exchange_kg.iris import DEFAULT_BASE
from exchange_kg.serve.publication import Publication


@dataclass(frozen=True)
class ServeConfig:
    """What ``exchange-kg serve`` serves and how much it lets one query do."""

    dist_dir: Path
    base: str = DEFAULT_BASE
    # query worker processes (parallel queries); each opens the store read-only
    workers: int = 2
    # seconds a query may run before its worker is killed
    timeout: float = 10.0
    # characters in a query
    max_query_length: int = 20_000
    # rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in one result
    max_rows: int = 10_000
    # bytes in one serialised result
    max_bytes: int = 32 * 1024 * 1024
    # memory ceiling of one worker process (MiB); None for none
    worker_memory_mb: int | None = 2048
    # a store of at most this many quads is copied into each worker's memory (about 0.75 KB
    # a quad), where oxigraph answers two to three times as fast as on disk; 0: never
    memory_quads: int = 1_000_000
    # answer lookups one index read bounds in the web process, without a worker (``lookups``)
    inline_lookups: bool = True
    # MiB of recent successful answers replayed to identical requests; 0: none
    cache_mb: int = 64
    # licence, rights, publisher and contact point the operator gives (none by default)
    publication: Publication = field(default_factory=Publication)

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            object.__setattr__(self, "base", self.base + "/")


def base_of_build(dist_dir: Path) -> str | None:
    """The base IRI the build in ``dist_dir`` minted its IRIs under (from report.json)."""
    try:
        report = json.loads((dist_dir / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    base = report.get("base")
    return base if isinstance(base, str) and base else None
