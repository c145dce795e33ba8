"""Batches of the mapper's rows turned into frozen triples in worker processes.

The mapper decides IRIs and organisations one agreement after the other (which labels an
organisation has, and which is preferred, depends on the agreements before it), but the
triples a batch of its rows yields depend on those rows and the graph rules alone: running
the compiled rules and freezing their output (sorting and encoding each subject's lines) was
a third of the map stage. Here it runs in another process while the mapper fills the next
batch; the mapper's process only unites the frozen blocks with its graph, which gives the
graph a single batch would (see :meth:`TripleGraph.absorb_frozen`).

Workers are spawned, not forked: by the time the mapper has a second batch its process holds
every agreement and cluster of the build, and a forked child would count all of that again
in the process tree's resident memory (its pages are shared, but each process's RSS counts
them). A spawned worker holds the rules and one batch.

With a build cache (:func:`caching`), each batch's frozen blocks are kept in it, keyed by the
batch's rows (their pickle without a memo, so equal rows give equal bytes whatever objects
hold them), the rules file, the graph's namespace codes and the code version: a rebuild maps
again only the batches whose rows changed and takes the others' blocks from the cache
(before: every batch was mapped again, about a tenth of a 100x rebuild's CPU).
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import pickle
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from exchange_kg.rules import Rules
from exchange_kg.tables import Row
from exchange_kg.triples import Blocks, TripleGraph, frozen_blocks

if TYPE_CHECKING:  # the build cache imports linking, which imports the mapper
    from exchange_kg.build_cache import DocumentCache



@dataclass
class MapCache:
    """The build cache as the mapping workers use it; ``reused`` and ``mapped`` count the
    batches taken from it and those mapped (and kept)."""

    store: DocumentCache
    reused: int = 0
    mapped: int = 0


_cache: ContextVar[MapCache | None] = ContextVar("map_cache", default=None)


@contextmanager
def caching(cache: DocumentCache | None) -> Iterator[MapCache | None]:
    """Keep and reuse batches' frozen blocks in ``cache`` within the block (see the module
    docstring): the build names its cache here, the mapper need not know."""
    token = _cache.set(MapCache(cache) if cache is not None else None)
    try:
        yield _cache.get()
    finally:
        _cache.reset(token)


class MappingWorkerError(RuntimeError):
    """A batch of rows could not be mapped in a worker process."""


class MapWorkers:
    """A pool mapping batches of rows into ``graph`` in the background: :meth:`submit` hands
    a batch over (and unites the batches already done), :meth:`close` waits for the rest,
    :meth:`abort` stops the workers when the build fails on the way."""

    def __init__(self, rules: Rules, graph: TripleGraph, workers: int) -> None:
        self._graph = graph
        self._counts = _cache.get()
        self._cache = self._counts.store if self._counts is not None else None
        # compiled triples maps are functions made by exec: each worker compiles its own
        self._pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(replace(rules, _emitters={}), graph.codes, self._cache))
        self._salt = ""
        if self._cache is not None:  # what a batch's blocks depend on besides its rows
            self._salt = hashlib.sha256(rules.path.read_bytes() + b"\0"
                                        + repr(graph.codes).encode()).hexdigest()
        self._pending: deque[Future[bytes | str]] = deque()
        # batches handed over and not yet united: each holds its rows until a worker takes it
        self._limit = 2 * workers
        self.batches = 0
        self.reused = 0  # batches whose blocks came from the cache

    def submit(self, tables: dict[str, list[Row]]) -> None:
        """Map ``tables`` (no longer touched by the caller) in a worker, or take its blocks
        from the cache."""
        body = _rows_pickle(tables)
        key = kept = None
        if self._cache is not None:
            from exchange_kg.build_cache import key_of  # see the imports

            key = key_of("map-batch", self._salt,
                         hashlib.blake2b(body, digest_size=32).hexdigest())
            self._cache.used.add(key)  # a worker writes it: pruning must keep it
            kept = self._cache.get(key)
        if kept is not None:
            done: Future[bytes | str] = Future()
            done.set_result(kept)
            self._pending.append(done)
            self.reused += 1
        else:
            self._pending.append(self._pool.submit(_map_batch, body, key))
        if self._counts is not None:
            self._counts.reused += kept is not None
            self._counts.mapped += kept is None
        self.batches += 1
        while self._pending and (self._pending[0].done() or len(self._pending) > self._limit):
            self._unite(self._pending.popleft())

    def close(self) -> None:
        """Wait for every batch and unite it with the graph; then stop the workers."""
        try:
            while self._pending:
                self._unite(self._pending.popleft())
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _unite(self, future: Future[bytes | str]) -> None:
        try:
            result = future.result()
        except BrokenProcessPool:
            raise MappingWorkerError(
                "a mapping worker process stopped before it had mapped its batch of rows "
                "(killed, or out of memory?); the graph is incomplete, so the build stops"
            ) from None
        if isinstance(result, str):
            raise MappingWorkerError(result)
        try:
            frozen = pickle.loads(result)
        except Exception:  # a damaged cache entry: none passes its digest, but be sure
            frozen = None
        if not isinstance(frozen, dict):
            raise MappingWorkerError("a batch's blocks could not be read back")
        self._graph.absorb_frozen(frozen)

    def abort(self) -> None:
        """Stop the workers without waiting for their batches (the build has failed)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _rows_pickle(tables: dict[str, list[Row]]) -> bytes:
    """The batch pickled without a memo: its bytes are a function of the rows' values alone
    (with one, a string held twice by one object is written once, so equal rows held
    differently would pickle differently and miss the cache). Rows are flat tuples."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, PICKLE_PROTOCOL)
    pickler.fast = True
    pickler.dump(tables)
    return buf.getvalue()


PICKLE_PROTOCOL = 5

# In a worker process: the rules, the graph's namespace codes and the build cache, set once
# when it starts.
_rules: Rules | None = None
_codes: list[tuple[bytes, bytes]] = []
_worker_cache: DocumentCache | None = None


def _start(rules: Rules, codes: list[tuple[bytes, bytes]], cache: DocumentCache | None
           ) -> None:
    global _rules, _codes, _worker_cache
    _rules, _codes, _worker_cache = rules, codes, cache


def _map_batch(body: bytes, key: str | None) -> bytes | str:
    """The frozen blocks of a batch, pickled (and kept in the cache under ``key``), or what
    went wrong, naming the table (an exception raised here would reach the parent without
    the worker's traceback)."""
    assert _rules is not None
    tables: dict[str, list[Row]] = pickle.loads(body)
    del body
    blocks: Blocks = {}
    for name, rows in tables.items():
        try:
            _rules.blocks_of({name: rows}, into=blocks)
        except Exception as exc:  # any: the parent reports it and stops the build
            return (f"the rows of table {name!r} could not be mapped in a worker process: "
                    f"{type(exc).__name__}: {exc}")
    done = pickle.dumps(frozen_blocks(blocks, _codes), PICKLE_PROTOCOL)
    if _worker_cache is not None and key is not None:
        _worker_cache.put(key, done)
    return done
