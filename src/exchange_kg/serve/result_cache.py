"""Answers to recent queries, kept because the store never changes while the server runs.

The same request (query text, Accept header, ``format``, dataset parameters, limits: the whole
``QueryJob``) always gets the same bytes from an immutable store, so a successful answer can be
replayed without a worker. Two kinds are never kept: failures (a timeout or a busy pool says
nothing about the next try) and queries calling a function whose value changes from one
evaluation to the next (``RAND``, ``NOW``, ``UUID``, ``STRUUID``), found by name with a regular
expression, so a mere mention (even ``ex:now(``) also skips the cache.

Least recently used answers go first once the bodies pass the byte budget; an answer larger
than an eighth of the budget is not kept, so one huge result cannot flush the rest. The cache
is used from the event loop only, so it needs no lock.
"""

from __future__ import annotations

import re
from collections import OrderedDict

from exchange_kg.serve.results import QueryJob, QueryOutcome

_VOLATILE = re.compile(r"\b(?:rand|now|uuid|struuid)\s*\(", re.IGNORECASE)


def cacheable(job: QueryJob) -> bool:
    """False for a query whose answer may differ between two evaluations on the same data."""
    return _VOLATILE.search(job.query) is None


class ResultCache:
    """Successful answers by request, up to ``max_bytes`` of bodies (0: keep nothing)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.hits = 0
        self._entries: OrderedDict[QueryJob, QueryOutcome] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, job: QueryJob) -> QueryOutcome | None:
        """The kept answer to ``job``, or None."""
        if not self.max_bytes:  # kept nothing: not even worth hashing the job
            return None
        outcome = self._entries.get(job)
        if outcome is not None:
            self._entries.move_to_end(job)
            self.hits += 1
        return outcome

    def put(self, job: QueryJob, outcome: QueryOutcome) -> None:
        """Keep ``outcome`` if it is a success, fits and ``job`` is deterministic."""
        size = len(outcome.body)
        if (not self.max_bytes or outcome.status != 200 or size > self.max_bytes // 8
                or job in self._entries or not cacheable(job)):
            return
        self._entries[job] = outcome
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, oldest = self._entries.popitem(last=False)
            self._bytes -= len(oldest.body)
