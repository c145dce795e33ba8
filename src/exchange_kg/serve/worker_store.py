"""The stores a query worker answers from: in-memory copies of the database when it is small.

Oxigraph evaluates queries on its in-memory store two to three times as fast as through
RocksDB (the example queries on the bundled graph: 2-6 ms instead of 7-11 ms), and the data
never changes while the server runs, so a copy taken when the worker starts is exact.

The default graph is the merge of the named graphs, so every triple is held at least twice;
the in-memory store keeps one quad list per term across all graphs, and a pattern on the
default graph walks the named graphs' quads too. A second copy holding only the default graph
answers the queries that read nothing else about a third faster again. Which queries those are
is decided without parsing, as ``guard`` decides SERVICE: a query can only name a graph with
the keywords ``GRAPH``, ``FROM`` (``FROM NAMED``) or through the protocol's
``default-graph-uri`` / ``named-graph-uri``, and oxigraph reads keywords only as written (no
``\\u`` escapes outside strings and IRIs), so a query in which neither word occurs anywhere,
sent without dataset parameters, reads the default graph only. Any other query, including one
that merely mentions "graph" in a comment, gets the full copy.

Workers only ever call ``Store.query``, which cannot update, so the copies stay as read-only in
practice as the database. A store over the size budget is queried on disk as before, and so is
one whose copies would take more than half the worker's memory ceiling: a failed allocation in
oxigraph aborts the process rather than raising ``MemoryError``, so the copy must fit with room
to spare for the queries themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from exchange_kg.serve.results import QueryJob

_DATASET_WORDS = re.compile("graph|from", re.IGNORECASE)
# memory both copies take per quad of the database, generously (about 750 bytes measured)
_BYTES_PER_QUAD = 1024


def reads_default_graph_only(job: QueryJob) -> bool:
    """True if ``job`` cannot see anything but the default graph (see the module notes)."""
    return (not job.default_graphs and not job.named_graphs
            and _DATASET_WORDS.search(job.query) is None)


@dataclass(frozen=True)
class WorkerStores:
    """Every graph (``full``) and, when it is in memory, the default graph alone."""

    full: pyoxigraph.Store
    default_graph: pyoxigraph.Store | None = None

    def for_job(self, job: QueryJob) -> pyoxigraph.Store:
        """The smallest store that answers ``job`` exactly as the full one would."""
        if self.default_graph is not None and reads_default_graph_only(job):
            return self.default_graph
        return self.full


def copies_fit(quads: int, max_memory_quads: int, memory_limit_mb: int | None) -> bool:
    """True if a store of ``quads`` quads is copied into memory: at most ``max_memory_quads``,
    and the copies take at most half of ``memory_limit_mb``."""
    return quads <= max_memory_quads and not (
        memory_limit_mb and quads * _BYTES_PER_QUAD > memory_limit_mb * 1024 * 1024 // 2)


def default_graph_copy(store: pyoxigraph.Store) -> pyoxigraph.Store:
    """An in-memory store holding ``store``'s default graph."""
    copy = pyoxigraph.Store()
    copy.extend(store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))
    return copy


def open_worker_stores(database: Path | str, max_memory_quads: int,
                       memory_limit_mb: int | None = None) -> WorkerStores:
    """The database opened read-only, copied into memory (whole, and its default graph alone)
    when ``copies_fit``."""
    disk = pyoxigraph.Store.read_only(str(database))
    if not copies_fit(len(disk), max_memory_quads, memory_limit_mb):
        return WorkerStores(disk)
    try:
        full = pyoxigraph.Store()
        full.extend(disk.quads_for_pattern(None, None, None, None))
        default_graph = default_graph_copy(disk)
    except MemoryError:
        return WorkerStores(disk)
    return WorkerStores(full, default_graph)
