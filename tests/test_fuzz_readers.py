"""Every reader, fuzzed on its own layout for a fixed time (``tests/fuzzing.py``).

Each reader gets ``EXCHANGE_KG_FUZZ_SECONDS`` (default 60) of mutated documents: lines
deleted, duplicated, swapped, cells merged, headers re-cased or stripped of punctuation,
numbers made huge, fragments repeated to 60,000 characters, the file emptied or re-encoded.
An input fails the test when reading and normalising it crashes, runs past
``EXCHANGE_KG_FUZZ_HANG`` seconds, leaves a line unaccounted for, or reads a document with
text into nothing without an error; Hypothesis then shrinks it to a minimal case, which
belongs in ``test_fuzz_cases.py``. ``EXCHANGE_KG_FUZZ_SEED`` picks another sequence (the
default is fixed, so a CI run is reproducible); tests/README.md gives the release run.
"""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

import fuzzing

SEED = int(os.environ.get("EXCHANGE_KG_FUZZ_SEED", "20260611"))
CHUNK = 10  # examples per Hypothesis run; the budget is checked between runs


def fuzz_for(budget: float, strategy, check) -> int:  # noqa: ANN001
    """Run ``check`` on examples of ``strategy`` for ``budget`` seconds; return how many."""
    stop = time.monotonic() + budget
    ran = 0
    chunk = 0
    while time.monotonic() < stop:

        @settings(max_examples=CHUNK, deadline=None, database=None,
                  phases=[Phase.generate, Phase.shrink],
                  suppress_health_check=list(HealthCheck))
        @seed(SEED + chunk)
        @given(strategy)
        def run(value) -> None:  # noqa: ANN001
            nonlocal ran
            if time.monotonic() < stop:
                ran += 1
                check(value)

        run()
        chunk += 1
    return ran


@pytest.mark.parametrize("name", sorted(fuzzing.TARGETS))
def test_reader_survives_mutated_documents(name: str, record_property) -> None:  # noqa: ANN001
    target = fuzzing.TARGETS[name]

    def check(data: bytes) -> None:
        outcome = fuzzing.run_document(target, data)
        assert not outcome.bad, f"{name}: {outcome.kind}: {outcome.detail}"

    ran = fuzz_for(fuzzing.BUDGET_SECONDS, fuzzing.documents(target), check)
    record_property("inputs", ran)
    print(f"{name}: {ran} inputs fuzzed")
    assert ran >= min(20, fuzzing.BUDGET_SECONDS), "the fuzzer hardly ran"
