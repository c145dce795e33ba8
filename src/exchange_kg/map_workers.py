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
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from exchange_kg.rules import Rules
from exchange_kg.tables import Row
from exchange_kg.triples import Blocks, TripleGraph, frozen_blocks


class MappingWorkerError(RuntimeError):
    """A batch of rows could not be mapped in a worker process."""


class MapWorkers:
    """A pool mapping batches of rows into ``graph`` in the background: :meth:`submit` hands
    a batch over (and unites the batches already done), :meth:`close` waits for the rest,
    :meth:`abort` stops the workers when the build fails on the way."""

    def __init__(self, rules: Rules, graph: TripleGraph, workers: int) -> None:
        self._graph = graph
        # compiled triples maps are functions made by exec: each worker compiles its own
        self._pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start, initargs=(replace(rules, _emitters={}), graph.codes))
        self._pending: deque[Future[dict[str, bytes] | str]] = deque()
        # batches handed over and not yet united: each holds its rows until a worker takes it
        self._limit = 2 * workers
        self.batches = 0

    def submit(self, tables: dict[str, list[Row]]) -> None:
        """Map ``tables`` (no longer touched by the caller) in a worker."""
        self._pending.append(self._pool.submit(_map_batch, tables))
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

    def _unite(self, future: Future[dict[str, bytes] | str]) -> None:
        try:
            result = future.result()
        except BrokenProcessPool:
            raise MappingWorkerError(
                "a mapping worker process stopped before it had mapped its batch of rows "
                "(killed, or out of memory?); the graph is incomplete, so the build stops"
            ) from None
        if isinstance(result, str):
            raise MappingWorkerError(result)
        self._graph.absorb_frozen(result)

    def abort(self) -> None:
        """Stop the workers without waiting for their batches (the build has failed)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


# In a worker process: the rules and the graph's namespace codes, set once when it starts.
_rules: Rules | None = None
_codes: list[tuple[bytes, bytes]] = []


def _start(rules: Rules, codes: list[tuple[bytes, bytes]]) -> None:
    global _rules, _codes
    _rules, _codes = rules, codes


def _map_batch(tables: dict[str, list[Row]]) -> dict[str, bytes] | str:
    """The frozen blocks of a batch, or what went wrong, naming the table (an exception
    raised here would reach the parent without the worker's traceback)."""
    assert _rules is not None
    blocks: Blocks = {}
    for name, rows in tables.items():
        try:
            _rules.blocks_of({name: rows}, into=blocks)
        except Exception as exc:  # any: the parent reports it and stops the build
            return (f"the rows of table {name!r} could not be mapped in a worker process: "
                    f"{type(exc).__name__}: {exc}")
    return frozen_blocks(blocks, _codes)
