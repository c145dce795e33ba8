"""Query worker processes with hard timeouts.

pyoxigraph cannot interrupt a running query, and a thread cannot be killed, so every client
query runs in a worker *process* that opens the store read-only. A query that outlives the
timeout has its worker killed (SIGKILL: the work really stops) and a fresh worker started in
the background; the other workers keep answering meanwhile. A worker also exits on its own if
the server dies, and can be given a memory ceiling so one query cannot exhaust the machine.

Before it does anything else a worker shuts itself off the network (``sandbox``), so no query
can make the server fetch a URL, and a query whose client has gone is stopped the same way as
one that ran out of time.

``WorkerPool.run`` blocks; the web app calls it from a thread.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from exchange_kg.serve.results import QueryJob, QueryOutcome

log = logging.getLogger("exchange_kg.serve")

# a spawned interpreter imports pyoxigraph and opens the store in well under this
START_TIMEOUT = 60.0
# how often a waiting request looks whether its client has gone (an answer is taken as soon
# as it arrives, whatever this is)
CANCEL_CHECK = 0.25


def _watch_parent(parent_pid: int) -> None:
    """Exit when the server that started this worker is gone (even mid-query)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent_pid:
            os._exit(0)


def _limit_memory(megabytes: int | None) -> None:
    if not megabytes:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform: run without a ceiling
        log.warning("could not set a memory limit for query workers")


def worker_main(database: str, conn: Connection, parent_pid: int,
                memory_limit_mb: int | None, memory_quads: int) -> None:
    """A worker's life: leave the network, open the store read-only (copied into memory if
    it has at most ``memory_quads`` quads), say ready, answer jobs until told to stop."""
    from exchange_kg.serve.sandbox import deny_network

    # first, while this is the only thread: everything the worker does from here on is
    # under the filter
    unsandboxed = deny_network()

    from exchange_kg.serve.results import run_query
    from exchange_kg.serve.worker_store import open_worker_stores

    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    _limit_memory(memory_limit_mb)
    try:
        stores = open_worker_stores(database, memory_quads, memory_limit_mb)
    except OSError as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready", unsandboxed))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            outcome = run_query(stores.for_job(job), job, network_denied=unsandboxed is None)
        except MemoryError:
            outcome = QueryOutcome.error(503, "the query needed more memory than a query "
                                              "worker may use")
        except Exception as exc:  # never let one query end the worker silently
            outcome = QueryOutcome.error(500, f"query failed: {type(exc).__name__}")
        conn.send(outcome)


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """``size`` query workers over the store at ``database``; ``run`` gives each job one.

    Each worker copies the store into its own memory when it has at most ``memory_quads``
    quads (see ``worker_store``); 0 keeps every worker on the database.
    """

    def __init__(self, database: Path, size: int = 2, timeout: float = 10.0,
                 memory_limit_mb: int | None = 2048, memory_quads: int = 0) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.database = database
        self.size = size
        self.timeout = timeout
        self.memory_limit_mb = memory_limit_mb
        self.memory_quads = memory_quads
        self.killed = 0
        # why the workers could not be kept off the network (None: they are)
        self.unsandboxed: str | None = None
        self._ctx = multiprocessing.get_context("spawn")
        # last in, first out: under light load the worker that just answered takes the next
        # query too, with its caches still warm (a fifth less CPU a query at one client)
        self._idle: queue.Queue[_Worker] = queue.LifoQueue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    # --- lifecycle --------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=worker_main, name="exchange-kg-query", daemon=True,
            args=(str(self.database), child, os.getpid(), self.memory_limit_mb,
                  self.memory_quads))
        process.start()
        child.close()
        worker = _Worker(process, parent)
        if not parent.poll(START_TIMEOUT):
            worker.kill()
            raise RuntimeError("a query worker did not start in time")
        try:
            status, detail = parent.recv()
        except EOFError:
            status, detail = "failed", "the worker exited while starting"
        if status != "ready":
            worker.kill()
            raise RuntimeError(f"a query worker could not open the store: {detail}")
        if detail is not None and self.unsandboxed is None:
            self.unsandboxed = detail
            log.warning("query workers cannot be kept off the network here (%s): every query "
                        "mentioning 'service' is refused instead", detail)
        with self._lock:
            self._workers.add(worker)
        return worker

    def start(self) -> None:
        """Start every worker and wait until each has opened the store."""
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def close(self) -> None:
        """Stop every worker (idle ones politely, busy ones by force)."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            worker.process.join(timeout=1)
            worker.kill()

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` now and start its successor in the background."""
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        self.killed += 1
        threading.Thread(target=self._replace, name="exchange-kg-respawn", daemon=True).start()

    def _replace(self) -> None:
        delay = 1.0
        while not self._closed:
            try:
                worker = self._spawn()
            except (RuntimeError, OSError) as exc:
                log.error("could not replace a query worker (%s); retrying in %.0fs", exc, delay)
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            if self._closed:
                worker.kill()
            else:
                self._idle.put(worker)
            return

    # --- queries ----------------------------------------------------------------------------

    def run(self, job: QueryJob, wait: float | None = None,
            cancelled: threading.Event | None = None) -> QueryOutcome:
        """Answer ``job`` on the next free worker.

        Waits up to ``wait`` seconds (default: the timeout) for a free worker (503 if none
        frees up), then up to the timeout for the answer (504, and the worker is killed).
        Once ``cancelled`` is set (the client has gone), the worker is killed too: its work
        would be thrown away.
        """
        try:
            worker = self._idle.get(timeout=self.timeout if wait is None else wait)
        except queue.Empty:
            return QueryOutcome(503, b"all query workers are busy; try again shortly\n",
                                headers={"Retry-After": "5"})
        deadline = time.monotonic() + self.timeout
        try:
            worker.conn.send(job)
            while not worker.conn.poll(min(CANCEL_CHECK, max(deadline - time.monotonic(), 0))):
                if cancelled is not None and cancelled.is_set():
                    self._retire(worker)
                    return QueryOutcome.error(499, "the client closed the connection")
                if time.monotonic() >= deadline:
                    log.warning("query stopped after %.1fs: %.200r", self.timeout, job.query)
                    self._retire(worker)
                    return QueryOutcome.error(504, f"the query ran longer than this "
                                                   f"endpoint's limit of {self.timeout:g} s "
                                                   f"and was stopped")
            outcome = worker.conn.recv()
        except (EOFError, OSError) as exc:
            log.error("a query worker died: %s", exc)
            self._retire(worker)
            return QueryOutcome.error(503, "the query worker stopped (the query may have "
                                           "needed more memory than allowed)")
        self._idle.put(worker)
        return outcome
