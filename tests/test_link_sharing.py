"""A batch shared among this process and forked ones: every query answered once, in order,
whole countries per process, and nothing lost when a process fails."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import pytest

from exchange_kg.link import InstitutionQuery
from exchange_kg.link.model import MatchResult
from exchange_kg.link.sharing import can_fork, country_groups, match_shared

pytestmark = pytest.mark.skipif(not can_fork(), reason="processes are forked on Linux only")

_COUNTRIES = ["DE", "FR", "PL", "CN", "US", "UA", "IT", None]
_QUERIES = [InstitutionQuery((f"Institution {n}",), _COUNTRIES[(n * 7) % 11 % 8])
            for n in range(60)]


def _answered_by_pid(batch: Sequence[InstitutionQuery]) -> list[MatchResult]:
    time.sleep(0.02)  # a group takes a while: every process gets some
    return [MatchResult(q, None, [], "no-match", str(os.getpid())) for q in batch]


def test_country_groups_are_whole_countries_the_largest_first() -> None:
    groups = country_groups(_QUERIES)
    assert sorted(p for g in groups for p in g) == list(range(len(_QUERIES)))
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
    assert all(len({_QUERIES[p].country for p in g}) == 1 for g in groups)


@pytest.mark.parametrize("processes", [2, 3])
def test_every_query_is_answered_once_in_order_a_country_by_one_process(
        processes: int, monkeypatch: pytest.MonkeyPatch) -> None:
    forked: list[int] = []
    real_fork = os.fork

    def recording_fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    results = match_shared(_QUERIES, processes, _answered_by_pid)
    assert all(r.query is q for r, q in zip(results, _QUERIES, strict=True))
    pids = {r.reason for r in results}
    assert str(os.getpid()) in pids and 1 < len(pids) <= processes
    for group in country_groups(_QUERIES):
        assert len({results[p].reason for p in group}) == 1
    assert len(forked) == processes - 1
    for pid in forked:  # every forked process was waited for
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_what_a_failed_process_took_is_matched_by_the_caller() -> None:
    caller = os.getpid()

    def failing_in_forks(batch: Sequence[InstitutionQuery]) -> list[MatchResult]:
        if os.getpid() != caller:
            raise RuntimeError("a process that fails")
        return _answered_by_pid(batch)

    results = match_shared(_QUERIES, 2, failing_in_forks)
    assert all(r.query is q for r, q in zip(results, _QUERIES, strict=True))
    assert {r.reason for r in results} == {str(caller)}


def test_without_processes_to_fork_the_caller_matches_everything(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(os, "fork", no_fork)
    results = match_shared(_QUERIES, 3, _answered_by_pid)
    assert all(r.query is q for r, q in zip(results, _QUERIES, strict=True))
    assert {r.reason for r in results} == {str(os.getpid())}
