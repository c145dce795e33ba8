"""The normalisers that read free text, fuzzed together for one reader's budget.

Real cells with a mutation, fragments repeated to 60,000 characters, and odd text go to
every normaliser (``fuzzing.NORMALISERS``); none may raise or run past the hang limit. The
build never hands a normaliser more than 5,000 characters (``agreements.MAX_FIELD_CHARS``);
these are public functions, so they are held to linear time on any length.
"""

from __future__ import annotations

import pytest

import fuzzing
from test_fuzz_readers import fuzz_for


@pytest.mark.parametrize("name", sorted(fuzzing.NORMALISERS))
def test_normaliser_survives_free_text(name: str, record_property) -> None:  # noqa: ANN001
    def check(text: str) -> None:
        outcome = fuzzing.run_text(name, text)
        assert not outcome.bad, f"{name}: {outcome.kind}: {outcome.detail} on {text[:80]!r}"

    ran = fuzz_for(fuzzing.BUDGET_SECONDS / len(fuzzing.NORMALISERS), fuzzing.free_text(),
                   check)
    record_property("inputs", ran)
    print(f"{name}: {ran} inputs fuzzed")
    assert ran >= 5, "the fuzzer hardly ran"
