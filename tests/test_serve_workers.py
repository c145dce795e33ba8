"""The query worker pool: hard timeouts, replacement, parallel answers, dead workers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from exchange_kg.serve import workers
from exchange_kg.serve.results import QueryJob
from exchange_kg.serve.store import database_path
from exchange_kg.serve.workers import WorkerPool
from test_serve_support import synthetic_dist  # noqa: F401  (fixture)

# a cartesian product with a running count: minutes of work on any store, little memory
# Seven patterns over the synthetic graph: about 8e9 combinations, far past every timeout here
# on any machine (five, 1.2e7, finished within 2 s on an idle one).
SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
        "?m ?n2 ?o . ?p ?q ?r . ?t ?u ?v }")
CHEAP = "ASK { ?s ?p ?o }"


def in_pool(synthetic_dist: Path, scenario: Callable[[WorkerPool], Awaitable[None]],  # noqa: F811
            size: int = 2, timeout: float = 1.5,
            run: Callable[[Awaitable[None]], None] = asyncio.run) -> WorkerPool:
    """``scenario`` on a started pool, in an event loop of its own (the pool belongs to it)."""
    p = WorkerPool(database_path(synthetic_dist), size=size, timeout=timeout)

    async def main() -> None:
        await p.start()
        try:
            await scenario(p)
        finally:
            p.close()

    run(main())
    return p


async def settle(pool: WorkerPool, idle: int) -> None:
    deadline = time.monotonic() + 30
    while len(pool._idle) < idle and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


def test_a_slow_query_is_stopped_while_another_is_answered(synthetic_dist: Path) -> None:  # noqa: F811
    async def scenario(pool: WorkerPool) -> None:
        started = time.monotonic()
        slow_task = asyncio.create_task(pool.run(QueryJob(SLOW)))
        await asyncio.sleep(0.3)
        cheap_started = time.monotonic()
        cheap = await pool.run(QueryJob(CHEAP))
        cheap_seconds = time.monotonic() - cheap_started
        slow = await slow_task
        slow_seconds = time.monotonic() - started
        assert cheap.status == 200 and b"true" in cheap.body
        assert cheap_seconds < 1.0, "the cheap query waited for the slow one"
        assert slow.status == 504 and "1.5 s" in slow.message
        assert 1.4 < slow_seconds < 5.0
        assert pool.killed == 1

    in_pool(synthetic_dist, scenario)


def test_the_pool_recovers_its_size_after_a_kill(synthetic_dist: Path) -> None:  # noqa: F811
    async def scenario(pool: WorkerPool) -> None:
        assert (await pool.run(QueryJob(SLOW))).status == 504
        await settle(pool, 2)
        assert len(pool._idle) == 2
        answers = [(await pool.run(QueryJob(CHEAP))).status for _ in range(4)]
        assert answers == [200] * 4

    in_pool(synthetic_dist, scenario)


def test_under_light_load_one_warm_worker_answers(synthetic_dist: Path) -> None:  # noqa: F811
    async def scenario(pool: WorkerPool) -> None:
        used: list[int] = []
        for worker in list(pool._workers):
            def send(job: object, worker: object = worker,
                     original: Callable[[object], None] = worker.channel.send) -> None:
                used.append(id(worker))
                original(job)
            worker.channel.send = send  # type: ignore[method-assign]
        answers = [(await pool.run(QueryJob(CHEAP))).status for _ in range(4)]
        assert answers == [200] * 4
        assert len(used) == 4 and len(set(used)) == 1, "the idle workers took turns"

    in_pool(synthetic_dist, scenario)


def test_the_pool_runs_on_uvloop(synthetic_dist: Path) -> None:  # noqa: F811
    """uvicorn runs the server on uvloop when it is installed, as it is with exchange-kg."""
    uvloop = pytest.importorskip("uvloop")

    async def scenario(pool: WorkerPool) -> None:
        assert (await pool.run(QueryJob(CHEAP))).status == 200
        assert (await pool.run(QueryJob(SLOW))).status == 504
        await settle(pool, 1)
        assert (await pool.run(QueryJob(CHEAP))).status == 200

    in_pool(synthetic_dist, scenario, size=1, run=uvloop.run)


def test_waiting_queries_get_a_worker_in_arrival_order(synthetic_dist: Path) -> None:  # noqa: F811
    """A freed worker goes to the longest waiter, never to a newcomer (at 16 clients racing
    for freed workers made the p99 latency half as long again)."""
    async def scenario(pool: WorkerPool) -> None:
        finished: list[int] = []

        async def query(n: int) -> None:
            assert (await pool.run(QueryJob(f"ASK {{ ?s ?p {n} }}"))).status == 200
            finished.append(n)

        tasks = []
        for n in range(8):
            tasks.append(asyncio.create_task(query(n)))
            await asyncio.sleep(0)  # each asks for its worker before the next arrives
        await asyncio.gather(*tasks)
        assert finished == sorted(finished)

    in_pool(synthetic_dist, scenario, size=1, timeout=5.0)


def test_a_client_that_leaves_stops_its_query(synthetic_dist: Path) -> None:  # noqa: F811
    async def scenario(pool: WorkerPool) -> None:
        gone: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_later(0.3, gone.set_result, None)
        started = time.monotonic()
        outcome = await pool.run(QueryJob(SLOW), disconnected=gone)
        assert outcome.status == 499
        assert time.monotonic() - started < 0.3 + workers.LEFT_GRACE + 0.7
        assert pool.killed == 1
        await settle(pool, 1)
        assert (await pool.run(QueryJob(CHEAP))).status == 200
        # a query that finishes anyway keeps its worker: a new one takes seconds to start
        left: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        left.set_result(None)
        assert (await pool.run(QueryJob(CHEAP), disconnected=left)).status == 499
        assert pool.killed == 1 and len(pool._idle) == 1

    in_pool(synthetic_dist, scenario, size=1, timeout=5.0)


def test_busy_pool_says_so(synthetic_dist: Path) -> None:  # noqa: F811
    async def scenario(pool: WorkerPool) -> None:
        slow = asyncio.create_task(pool.run(QueryJob(SLOW)))
        await asyncio.sleep(0.3)
        busy = await pool.run(QueryJob(CHEAP), wait=0.2)
        assert busy.status == 503 and busy.headers.get("Retry-After")
        assert (await slow).status == 504

    in_pool(synthetic_dist, scenario, size=1, timeout=2.0)


def test_a_worker_that_dies_is_replaced(synthetic_dist: Path) -> None:  # noqa: F811
    async def scenario(pool: WorkerPool) -> None:
        worker = pool._idle[-1]
        worker.process.kill()
        worker.process.join(timeout=5)
        outcome = await pool.run(QueryJob(CHEAP))
        assert outcome.status == 503 and "worker stopped" in outcome.message
        assert (await pool.run(QueryJob(CHEAP), wait=30)).status == 200

    in_pool(synthetic_dist, scenario, size=1, timeout=5.0)


def test_pool_refuses_a_missing_store(tmp_path: Path) -> None:
    p = WorkerPool(tmp_path / "nothing-here", size=1)
    with pytest.raises(RuntimeError, match="could not open the store"):
        asyncio.run(p.start())
    p.close()


@pytest.mark.parametrize("size", [0, 100, workers._ONE_WRITE + 1, 3_000_000])
def test_an_answer_crosses_the_pipe_as_bytes(size: int) -> None:
    """An answer frame read back in pieces of any size gives the worker's outcome exactly,
    and nothing before it is whole; a second frame behind it is left in the buffer."""
    import socket
    import threading

    from exchange_kg.serve.results import QueryOutcome

    body = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    sent = QueryOutcome(200, body, "text/turtle; charset=utf-8", "graph", {"Retry-After": "5"})
    ours, theirs = socket.socketpair()
    writer = threading.Thread(target=lambda: [workers.send_answer(theirs, o) for o in
                                              (sent, QueryOutcome.error(504, "late"))])
    writer.start()
    buffer = bytearray()
    found = None
    while found is None:
        chunk = ours.recv(7919)  # a prime: frames split anywhere
        assert chunk, "the pipe closed before a whole answer"
        buffer += chunk
        found = workers.read_answer(buffer)
    writer.join()
    outcome, used = found
    assert outcome == sent
    del buffer[:used]
    while (second := workers.read_answer(buffer)) is None:
        buffer += ours.recv(7919)
    assert second[0] == QueryOutcome.error(504, "late") and second[1] == len(buffer)
    ours.close()
    theirs.close()


def test_the_client_is_watched_only_while_an_answer_is_slow(
        synthetic_dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Watching a client's connection costs a task, so it starts only once an answer takes
    longer than WATCH_AFTER; a client that leaves a slow query still stops it."""
    monkeypatch.setattr(workers, "WATCH_AFTER", 0.5)  # ample for CHEAP on a busy machine

    async def scenario(pool: WorkerPool) -> None:
        loop = asyncio.get_running_loop()
        watched: list[asyncio.Future[object]] = []

        def watch() -> asyncio.Future[object]:
            gone: asyncio.Future[object] = loop.create_future()
            loop.call_later(0.3, lambda: gone.done() or gone.set_result(None))
            watched.append(gone)
            return gone

        assert (await pool.run(QueryJob(CHEAP), disconnected=watch)).status == 200
        assert watched == [] and pool.killed == 0
        started = time.monotonic()
        outcome = await pool.run(QueryJob(SLOW), disconnected=watch)
        assert outcome.status == 499 and len(watched) == 1
        assert time.monotonic() - started < 0.5 + 0.3 + workers.LEFT_GRACE + 0.7
        assert pool.killed == 1

    in_pool(synthetic_dist, scenario, size=1, timeout=5.0)
