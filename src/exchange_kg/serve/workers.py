"""Query worker processes with hard timeouts.

pyoxigraph cannot interrupt a running query, and a thread cannot be killed, so every client
query runs in a worker *process* that opens the store read-only. A query that outlives the
timeout has its worker killed (SIGKILL: the work really stops) and a fresh worker started in
the background; the other workers keep answering meanwhile. A worker also exits on its own if
the server dies, and can be given a memory ceiling so one query cannot exhaust the machine.

Before it does anything else a worker shuts itself off the network (``sandbox``), so no query
can make the server fetch a URL, and a query whose client has gone is stopped the same way as
one that ran out of time.

The event loop talks to the workers itself: each worker's end of the pipe is an asyncio
transport (``_Channel``), so handing a job over and taking the answer costs no thread, no
lock and no polling (on the bundled graph that hand-off was a third of a point lookup's time
in the server process). Waiting requests get a freed worker in arrival order; an idle worker
is reused warm-first.

A job goes over as a pickled ``QueryJob`` (a few hundred bytes). An answer comes back as
bytes, not as a pickled object: a fixed header (``_ANSWER_HEADER``: the lengths of what
follows), the status, media type, kind and headers as a small pickled tuple, and the body
exactly as the client gets it, written without being copied into a pickle and read into one
``bytes`` object, which goes to the client as it is.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import multiprocessing
import os
import pickle
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from exchange_kg.serve.results import QueryJob, QueryOutcome

log = logging.getLogger("exchange_kg.serve")

# a spawned interpreter imports pyoxigraph and opens the store in well under this
START_TIMEOUT = 60.0
# an answer's frame starts with the lengths of its pickled metadata and of its body
_ANSWER_HEADER = struct.Struct("!IQ")
# bodies up to this size go out in one write with their header; larger ones are not copied
_ONE_WRITE = 65_536
# how long a query whose client has gone may still finish before its worker is killed: a new
# worker takes seconds of CPU to start and load the store (and more on a busy machine, while
# the pool is a worker short), and a client that wants to hold a worker can as well stay
LEFT_GRACE = 1.0
# how long an answer is awaited before the client's connection is watched: most answers come
# well within it, and watching costs a task per request (a tenth of the server process's
# work on a point lookup); a client that leaves is noticed this much later at most
WATCH_AFTER = 0.05


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

    from exchange_kg.serve.results import answer_job
    from exchange_kg.serve.worker_store import open_worker_stores

    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    _limit_memory(memory_limit_mb)
    try:
        stores = open_worker_stores(database, memory_quads, memory_limit_mb)
    except OSError as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready", unsandboxed))
    # the same pipe, for writing answers without Connection's pickling
    out = socket.socket(fileno=os.dup(conn.fileno()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        outcome = answer_job(stores.for_job(job), job, network_denied=unsandboxed is None)
        try:
            send_answer(out, outcome)
        except OSError:
            return


def send_answer(sock: socket.socket, outcome: QueryOutcome) -> None:
    """Write ``outcome`` as one answer frame (see the module notes)."""
    meta = pickle.dumps((outcome.status, outcome.content_type, outcome.kind, outcome.headers),
                        protocol=pickle.HIGHEST_PROTOCOL)
    head = _ANSWER_HEADER.pack(len(meta), len(outcome.body)) + meta
    if len(outcome.body) <= _ONE_WRITE:
        sock.sendall(head + outcome.body)
    else:
        sock.sendall(head)
        sock.sendall(outcome.body)


def read_answer(buffer: bytearray) -> tuple[QueryOutcome, int] | None:
    """The first answer frame in ``buffer`` and its length, or None if it is not all there."""
    if len(buffer) < _ANSWER_HEADER.size:
        return None
    meta_size, body_size = _ANSWER_HEADER.unpack_from(buffer)
    start = _ANSWER_HEADER.size + meta_size
    end = start + body_size
    if len(buffer) < end:
        return None
    with memoryview(buffer) as view:
        status, content_type, kind, headers = pickle.loads(view[_ANSWER_HEADER.size:start])
        body = view[start:end].tobytes()
    return QueryOutcome(status, body, content_type, kind, headers), end


# the client's disconnection: a future done once it has gone, or a function starting one
Disconnected = asyncio.Future[object] | Callable[[], asyncio.Future[object]]


class _Channel(asyncio.Protocol):
    """The event loop's end of a worker's pipe: pickled jobs out, framed as
    ``multiprocessing.Connection`` frames them (the worker reads a plain ``Connection``),
    answer frames in (``read_answer``)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.answer: asyncio.Future[QueryOutcome] | None = None
        self.lost = False
        self._buffer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  (uvloop's is no subclass)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        found = read_answer(self._buffer)
        if found is None:
            return
        outcome, size = found
        del self._buffer[:size]
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(outcome)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(EOFError("the query worker closed its pipe"))

    def send(self, job: QueryJob) -> None:
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        assert self.transport is not None
        self.transport.write(struct.pack("!i", len(data)) + data)


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    channel: _Channel = field(default_factory=_Channel)
    sock: socket.socket | None = None

    def stop(self) -> None:
        """SIGKILL, and close the pipe; the exit is collected by ``reap``."""
        if self.process.is_alive():
            self.process.kill()
        if self.channel.transport is not None:
            self.channel.transport.abort()
        else:
            self.conn.close()

    def reap(self) -> None:
        self.stop()
        self.process.join(timeout=5)


class WorkerPool:
    """``size`` query workers over the store at ``database``; ``run`` gives each job one.

    Each worker copies the store into its own memory when it has at most ``memory_quads``
    quads (see ``worker_store``); 0 keeps every worker on the database. ``start`` and ``run``
    belong to one event loop; ``close`` may be called from any thread.
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
        self._loop: asyncio.AbstractEventLoop | None = None
        # last in, first out: under light load the worker that just answered takes the next
        # query too, with its caches still warm (a fifth less CPU a query at one client)
        self._idle: list[_Worker] = []
        # requests waiting for a worker, first come first served
        self._waiting: collections.deque[asyncio.Future[_Worker | None]] = collections.deque()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    # --- lifecycle --------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        """A started worker that has opened the store (blocks: run it in a thread)."""
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=worker_main, name="exchange-kg-query", daemon=True,
            args=(str(self.database), child, os.getpid(), self.memory_limit_mb,
                  self.memory_quads))
        process.start()
        child.close()
        worker = _Worker(process, parent)
        if not parent.poll(START_TIMEOUT):
            worker.reap()
            raise RuntimeError("a query worker did not start in time")
        try:
            status, detail = parent.recv()
        except EOFError:
            status, detail = "failed", "the worker exited while starting"
        if status != "ready":
            worker.reap()
            raise RuntimeError(f"a query worker could not open the store: {detail}")
        if detail is not None and self.unsandboxed is None:
            self.unsandboxed = detail
            log.warning("query workers cannot be kept off the network here (%s): every query "
                        "mentioning 'service' is refused instead", detail)
        with self._lock:
            self._workers.add(worker)
        return worker

    async def _adopt(self, worker: _Worker) -> None:
        """Connect ``worker``'s pipe to this event loop and make it available."""
        assert self._loop is not None
        # kept with the worker (uvloop's transport need not hold the socket object, whose
        # collection closes it); uvloop may also call connection_made only later
        worker.sock = socket.socket(fileno=os.dup(worker.conn.fileno()))
        worker.conn.close()
        transport, _ = await self._loop.connect_accepted_socket(lambda: worker.channel,
                                                                worker.sock)
        worker.channel.transport = transport  # type: ignore[assignment]
        if self._closed:
            worker.stop()
        else:
            self._release(worker)

    async def start(self) -> None:
        """Start every worker and wait until each has opened the store."""
        self._loop = asyncio.get_running_loop()
        for _ in range(self.size):
            await self._adopt(await asyncio.to_thread(self._spawn))

    def close(self) -> None:
        """Stop every worker (they only ever read, so by force)."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.process.kill()
        for worker in workers:
            worker.process.join(timeout=5)

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` now and start its successor in the background."""
        with self._lock:
            self._workers.discard(worker)
        worker.stop()
        self.killed += 1
        threading.Thread(target=self._replace, args=(worker,), name="exchange-kg-respawn",
                         daemon=True).start()

    def _replace(self, old: _Worker) -> None:
        old.process.join(timeout=5)
        delay = 1.0
        while not self._closed:
            try:
                worker = self._spawn()
            except (RuntimeError, OSError) as exc:
                log.error("could not replace a query worker (%s); retrying in %.0fs", exc, delay)
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            assert self._loop is not None
            try:
                asyncio.run_coroutine_threadsafe(self._adopt(worker), self._loop)
            except RuntimeError:  # the event loop has ended: so has the server
                worker.reap()
            return

    # --- queries ----------------------------------------------------------------------------

    def _release(self, worker: _Worker) -> None:
        """Give ``worker`` to the longest-waiting request, else keep it idle."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    async def _acquire(self, wait: float) -> _Worker | None:
        """A free worker, or None after ``wait`` seconds without one."""
        if self._idle:
            return self._idle.pop()
        assert self._loop is not None
        waiter: asyncio.Future[_Worker | None] = self._loop.create_future()
        self._waiting.append(waiter)
        timer = self._loop.call_later(wait, lambda: waiter.done() or waiter.set_result(None))
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                self._release(waiter.result())  # handed over as this request was cancelled
            raise
        finally:
            timer.cancel()

    async def _answered_within(self, answer: asyncio.Future[QueryOutcome],
                               seconds: float) -> bool:
        """Wait up to ``seconds`` for ``answer``; True if it has come (or failed). A timer
        and a callback: no task, unlike ``asyncio.wait``."""
        if answer.done():
            return True
        assert self._loop is not None
        woken: asyncio.Future[None] = self._loop.create_future()

        def wake(_: object = None) -> None:
            if not woken.done():
                woken.set_result(None)

        timer = self._loop.call_later(seconds, wake)
        answer.add_done_callback(wake)
        try:
            await woken
        finally:
            timer.cancel()
            answer.remove_done_callback(wake)
        return answer.done()

    async def run(self, job: QueryJob, wait: float | None = None,
                  disconnected: Disconnected | None = None) -> QueryOutcome:
        """Answer ``job`` on the next free worker.

        Waits up to ``wait`` seconds (default: the timeout) for a free worker (503 if none
        frees up), then up to the timeout for the answer (504, and the worker is killed).
        Once ``disconnected`` is done (the client has gone), the worker is killed too unless it
        answers within ``LEFT_GRACE``: its work would be thrown away. ``disconnected`` may be
        a function that starts watching the client: it is called only for an answer that
        takes longer than ``WATCH_AFTER``.
        """
        worker = await self._acquire(self.timeout if wait is None else wait)
        if worker is None:
            return QueryOutcome(503, b"all query workers are busy; try again shortly\n",
                                headers={"Retry-After": "5"})
        channel = worker.channel
        if channel.lost:
            return self._died(worker)
        assert self._loop is not None
        answer: asyncio.Future[QueryOutcome] = self._loop.create_future()
        channel.answer = answer
        channel.send(job)
        started = self._loop.time()
        watching: asyncio.Future[object] | None = None
        try:
            if not await self._answered_within(answer, min(WATCH_AFTER, self.timeout)):
                if disconnected is not None:
                    watching = (disconnected if isinstance(disconnected, asyncio.Future)
                                else disconnected())
                await asyncio.wait({answer} if watching is None else {answer, watching},
                                   timeout=self.timeout - (self._loop.time() - started),
                                   return_when=asyncio.FIRST_COMPLETED)
            if not answer.done() and watching is not None and watching.done():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(answer), LEFT_GRACE)
                if not answer.done() or answer.exception() is not None:
                    self._retire(worker)
                else:
                    self._release(worker)
                return QueryOutcome.error(499, "the client closed the connection")
        except asyncio.CancelledError:
            self._retire(worker)
            raise
        finally:
            channel.answer = None
            if watching is not None and watching is not disconnected:
                watching.cancel()
        if not answer.done():
            self._retire(worker)
            log.warning("query stopped after %.1fs: %.200r", self.timeout, job.query)
            return QueryOutcome.error(504, f"the query ran longer than this endpoint's limit "
                                           f"of {self.timeout:g} s and was stopped")
        if answer.exception() is not None:
            return self._died(worker)
        self._release(worker)
        if isinstance(disconnected, asyncio.Future) and disconnected.done():
            return QueryOutcome.error(499, "the client closed the connection")
        return answer.result()

    def _died(self, worker: _Worker) -> QueryOutcome:
        log.error("a query worker died")
        self._retire(worker)
        return QueryOutcome.error(503, "the query worker stopped (the query may have needed "
                                       "more memory than allowed)")
