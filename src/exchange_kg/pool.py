"""Worker processes for independent pieces of the build (documents to read, countries to
resolve).

Workers are forked where the platform allows it: a forked worker starts at once and shares
what the parent has already loaded (word lists, the country-name index) instead of importing
and building it again, and what the parent hands its initializer reaches it without pickling.
Elsewhere the platform's default start method is used, which gives the same results, slower.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any


def cpu_count() -> int:
    """CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextmanager
def executor(workers: int, initializer: Callable[..., None] | None = None,
             initargs: tuple[Any, ...] = ()) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes, forked on Linux.

    While it runs, the parent's objects are frozen out of garbage collection (see
    :func:`collection_paused`): a forked worker would otherwise walk (and so copy) the
    parent's whole heap at each full collection, which made workers slower the larger the
    build. The parent meanwhile only gathers results, so it does not collect at all until the
    pool is done.
    """
    method = "fork" if sys.platform.startswith("linux") else None
    with collection_paused(), ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context(method),
            initializer=_start_worker, initargs=(initializer, initargs)) as pool:
        yield pool


@contextmanager
def collection_paused() -> Iterator[None]:
    """No garbage collection, and the objects that exist now frozen out of it, while large
    results are unpickled: they are acyclic trees, and collections triggered by their
    allocations made unpickling them two to three times slower. Inside a
    :func:`long_lived` block what is made here stays frozen with the rest until its end."""
    enabled = gc.isenabled()
    frozen = gc.get_freeze_count()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen:
            gc.unfreeze()
        if enabled:
            gc.enable()


@contextmanager
def long_lived() -> Iterator[Callable[[], None]]:
    """The objects alive now kept out of the cycle collector's sight until the block ends,
    and, each time the function it gives is called, those alive then.

    A build's later stages make and drop small objects by the million; each full collection
    they trigger walks every object alive, the documents' records, the agreements, the
    clusters and the graph (millions at 100x), though none of them is garbage: with the
    collector off the 100x rebuild took a tenth less CPU. Frozen objects are still freed by
    their reference counts as they are let go; only a reference cycle among them waits for the
    end of the block. The collector keeps collecting what is made after the last call."""
    frozen = gc.get_freeze_count()
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        if not frozen:
            gc.unfreeze()


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    gc.enable()  # a worker makes garbage of its own
    if initializer is not None:
        initializer(*initargs)
