"""The query worker pool: hard timeouts, replacement, parallel answers, dead workers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from exchange_kg.serve.results import QueryJob
from exchange_kg.serve.store import database_path
from exchange_kg.serve.workers import WorkerPool
from test_serve_support import synthetic_dist  # noqa: F401  (fixture)

# a cartesian product with a running count: minutes of work on any store, little memory
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
CHEAP = "ASK { ?s ?p ?o }"


@pytest.fixture()
def pool(synthetic_dist: Path) -> WorkerPool:  # noqa: F811
    p = WorkerPool(database_path(synthetic_dist), size=2, timeout=1.5)
    p.start()
    yield p
    p.close()


def test_a_slow_query_is_stopped_while_another_is_answered(pool: WorkerPool) -> None:
    slow: dict[str, object] = {}

    def run_slow() -> None:
        started = time.monotonic()
        outcome = pool.run(QueryJob(SLOW))
        slow.update(status=outcome.status, message=outcome.message,
                    seconds=time.monotonic() - started)

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    cheap = pool.run(QueryJob(CHEAP))
    cheap_seconds = time.monotonic() - started
    thread.join(timeout=30)
    assert cheap.status == 200 and b"true" in cheap.body
    assert cheap_seconds < 1.0, "the cheap query waited for the slow one"
    assert slow["status"] == 504 and "1.5 s" in str(slow["message"])
    assert 1.4 < float(slow["seconds"]) < 5.0  # type: ignore[arg-type]
    assert pool.killed == 1


def test_the_pool_recovers_its_size_after_a_kill(pool: WorkerPool) -> None:
    assert pool.run(QueryJob(SLOW)).status == 504
    deadline = time.monotonic() + 30
    while pool._idle.qsize() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pool._idle.qsize() == 2
    answers = [pool.run(QueryJob(CHEAP)).status for _ in range(4)]
    assert answers == [200] * 4


def test_under_light_load_one_warm_worker_answers(pool: WorkerPool) -> None:
    used: list[int] = []
    for worker in list(pool._workers):
        def send(job: object, worker: object = worker, original=worker.conn.send) -> None:
            used.append(id(worker))
            original(job)
        worker.conn.send = send  # type: ignore[method-assign]
    answers = [pool.run(QueryJob(CHEAP)).status for _ in range(4)]
    assert answers == [200] * 4
    assert len(used) == 4 and len(set(used)) == 1, "the idle workers took turns"


def test_busy_pool_says_so(synthetic_dist: Path) -> None:  # noqa: F811
    p = WorkerPool(database_path(synthetic_dist), size=1, timeout=2.0)
    p.start()
    try:
        thread = threading.Thread(target=p.run, args=(QueryJob(SLOW),))
        thread.start()
        time.sleep(0.3)
        busy = p.run(QueryJob(CHEAP), wait=0.2)
        assert busy.status == 503 and busy.headers.get("Retry-After")
        thread.join(timeout=30)
    finally:
        p.close()


def test_a_worker_that_dies_is_replaced(synthetic_dist: Path) -> None:  # noqa: F811
    p = WorkerPool(database_path(synthetic_dist), size=1, timeout=5.0)
    p.start()
    try:
        worker = p._idle.get()
        p._idle.put(worker)
        worker.process.kill()
        worker.process.join(timeout=5)
        outcome = p.run(QueryJob(CHEAP))
        assert outcome.status == 503 and "worker stopped" in outcome.message
        assert p.run(QueryJob(CHEAP), wait=30).status == 200
    finally:
        p.close()


def test_pool_refuses_a_missing_store(tmp_path: Path) -> None:
    p = WorkerPool(tmp_path / "nothing-here", size=1)
    with pytest.raises(RuntimeError, match="could not open the store"):
        p.start()
    p.close()
