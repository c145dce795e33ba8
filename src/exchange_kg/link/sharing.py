"""A large batch of queries matched by this process and processes forked from it.

Queries are independent, and a query only reads the records and typo-tolerant vocabularies of
its own country, so the batch is cut into one group per country and each process takes whole
countries: no two decode the same records. Groups are handed out as processes become free,
the largest first, from a queue that is a pipe filled before the fork (a read of one group
number is atomic, and the pipe's end is the queue's end), so a process that meets a busy core
or slow countries takes fewer of them and the processes finish together.

A forked process starts with the open index and everything decoded so far, at no cost. It
sends its answers back as one pickled bytes object (without the queries, which the caller
has) and ends at once with ``os._exit``: a normal interpreter exit would walk, and so copy,
the whole heap it shares with this process. It reads the index through this process's SQLite
connection: SQLite warns against using a connection on both sides of a fork because of file
locks and writes, and an index file is opened immutable (no locks, no writes, pages read
through the mapping). Opening the file again would fail when another build has meanwhile
replaced it in the cache (the open file lives on until closed).

A process that fails, or cannot be forked, costs time, not answers: whatever it took is
matched here afterwards.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import struct
import sys
from collections.abc import Callable, Sequence

from exchange_kg.link.model import InstitutionQuery, MatchResult

MatchBatch = Callable[[Sequence[InstitutionQuery]], list[MatchResult]]
_GROUP = struct.Struct("<I")  # a group's number in the queue


def can_fork() -> bool:
    return (sys.platform.startswith("linux") and hasattr(os, "fork")
            and not multiprocessing.current_process().daemon)


def country_groups(queries: Sequence[InstitutionQuery]) -> list[list[int]]:
    """Positions of the queries, one group per country, the largest group first."""
    by_country: dict[str, list[int]] = {}
    for position, query in enumerate(queries):
        by_country.setdefault(query.country or "", []).append(position)
    return [positions for _country, positions in
            sorted(by_country.items(), key=lambda kv: (-len(kv[1]), kv[0]))]


def match_shared(queries: Sequence[InstitutionQuery], processes: int,
                 match_batch: MatchBatch) -> list[MatchResult]:
    """``match_batch`` of every query, in the given order, by this process and
    ``processes - 1`` forked ones (see the module docstring)."""
    groups = country_groups(queries)
    queue, filler = os.pipe()
    try:
        # a few bytes a country: the pipe holds them all, so it is filled before the fork
        os.write(filler, b"".join(_GROUP.pack(n) for n in range(len(groups))))
    finally:
        os.close(filler)
    out: list[MatchResult | None] = [None] * len(queries)
    forked: list[tuple[int, int]] = []
    try:
        for _ in range(min(processes, len(groups)) - 1):
            try:
                forked.append(_fork(queue, groups, queries, match_batch))
            except OSError:  # no more processes to be had: the others take what is left
                break
        _place(out, queries, _take(queue, groups, queries, match_batch))
    finally:
        os.close(queue)
        returned = [_answers_of(child) for child in forked]
    for answers in returned:
        if answers is not None:
            _place(out, queries, answers)
    missing = [p for p, result in enumerate(out) if result is None]
    if missing:  # what a failed process took
        _place(out, queries, zip(missing, match_batch([queries[p] for p in missing]),
                                 strict=True))
    return out  # type: ignore[return-value]


def _take(queue: int, groups: list[list[int]], queries: Sequence[InstitutionQuery],
          match_batch: MatchBatch) -> list[tuple[int, MatchResult]]:
    """(position, answer) of every group this process takes from the queue until it is
    empty."""
    out: list[tuple[int, MatchResult]] = []
    while data := os.read(queue, _GROUP.size):
        positions = groups[_GROUP.unpack(data)[0]]
        out += zip(positions, match_batch([queries[p] for p in positions]), strict=True)
    return out


def _place(out: list[MatchResult | None], queries: Sequence[InstitutionQuery],
           answers: object) -> None:
    for position, result in answers:  # type: ignore[attr-defined]
        result.query = queries[position]  # the caller's object, not a copy
        out[position] = result


def _fork(queue: int, groups: list[list[int]], queries: Sequence[InstitutionQuery],
          match_batch: MatchBatch) -> tuple[int, int]:
    """(process ID, read end of its pipe) of a forked process that takes groups from the
    queue and writes back its answers."""
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        raise
    if pid:
        os.close(write)
        return pid, read
    status = 1
    try:
        gc.disable()  # it lives for one batch: a collection would only copy shared pages
        os.close(read)
        answers = _take(queue, groups, queries, match_batch)
        for _position, result in answers:
            result.query = None  # type: ignore[assignment]
        data = pickle.dumps(answers, pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)


def _answers_of(child: tuple[int, int]) -> list[tuple[int, MatchResult]] | None:
    """The (position, answer) pairs a forked process wrote, once it has exited (None if it
    failed)."""
    pid, read = child
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    answers: list[tuple[int, MatchResult]] = pickle.loads(data)
    return answers
