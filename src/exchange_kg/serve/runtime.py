"""What the running server shares between requests, opened once at start-up.

The main process keeps its own read-only handle on the store for the server's own bounded
queries (pages, dereferencing, counts); client queries go to the worker pool, where a runaway
one can be killed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from exchange_kg.serve import browse, dataset, entities
from exchange_kg.serve.config import ServeConfig
from exchange_kg.serve.downloads import DumpFiles
from exchange_kg.serve.linked_data import LinkedData
from exchange_kg.serve.lookups import Lookups
from exchange_kg.serve.paths import Paths
from exchange_kg.serve.result_cache import ResultCache
from exchange_kg.serve.store import NQUADS, database_path
from exchange_kg.serve.workers import WorkerPool

log = logging.getLogger("exchange_kg.serve")

HERE = Path(__file__).parent
# entity pages kept in memory
CACHE_SIZE = 256
T = TypeVar("T")


@dataclass(frozen=True)
class Example:
    """An example query: its file name, the question it answers and its text."""

    name: str
    title: str
    text: str


def load_examples() -> list[Example]:
    """The project's example queries (``exchange_kg/queries/*.rq``), then the server's own
    (``serve/examples/*.rq``); the title is the query's leading comment."""
    found = []
    for package in ("exchange_kg.queries", "exchange_kg.serve.examples"):
        try:
            folder = resources.files(package)
        except ModuleNotFoundError:
            continue
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".rq"):
                continue
            text = entry.read_text(encoding="utf-8")
            comment = []
            for line in text.splitlines():
                if not line.startswith("#"):
                    break
                comment.append(line.lstrip("#").strip())
            title = " ".join(comment) or entry.name.removesuffix(".rq").replace("-", " ")
            found.append(Example(entry.name.removesuffix(".rq"), title, text))
    return found


class Runtime:
    """The server's shared state: settings, store, workers, answers, counts, templates."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.paths = Paths(config.base)
        self.store = pyoxigraph.Store.read_only(str(database_path(config.dist_dir)))
        self.linked = LinkedData(self.store, self.paths)
        self.files = DumpFiles(config.dist_dir)
        # when the served build was written: the Last-Modified of everything said about it
        self.built = (config.dist_dir / NQUADS).stat().st_mtime
        self.summary = dataset.summarise(self.store, config.base)
        self.examples = load_examples()
        self.property_labels = entities.property_labels(self.store)
        self.institutions = browse.institutions(self.store)
        self.pool = WorkerPool(database_path(config.dist_dir), size=config.workers,
                               timeout=config.timeout, memory_limit_mb=config.worker_memory_mb,
                               memory_quads=config.memory_quads)
        self.lookups = (Lookups.over(self.store, config.memory_quads, config.worker_memory_mb)
                        if config.inline_lookups else None)
        self.answers = ResultCache(config.cache_mb * 1024 * 1024)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self._cache: dict[str, Any] = {}
        self._cache_lock = threading.Lock()
        self._agreements: list[entities.Agreement] | None = None
        self._agreements_lock = threading.Lock()
        from exchange_kg.serve import pages

        pages.install_filters(self.templates.env, self)

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per key: the store does not change while the server runs, so
        page data can be kept (the oldest entries go first past ``CACHE_SIZE``)."""
        with self._cache_lock:
            if key in self._cache:
                return self._cache[key]
        result = compute()
        with self._cache_lock:
            self._cache[key] = result
            while len(self._cache) > CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)))
        return result

    def agreements(self) -> list[entities.Agreement]:
        """Every agreement with its search text, read when first asked for: a second's work
        a server nobody browses should not pay at start-up."""
        with self._agreements_lock:
            if self._agreements is None:
                self._agreements = browse.with_names(entities.all_agreements(self.store),
                                                     self.institutions)
            return self._agreements

    async def start(self) -> None:
        await self.pool.start()
        log.info("serving %d triples from %s with %d query workers",
                 self.summary.triples, self.config.dist_dir, self.config.workers)

    def close(self) -> None:
        self.pool.close()


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime
