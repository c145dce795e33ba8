"""The build's objects kept out of the cycle collector (``pool.long_lived``): frozen while
the block runs, given back at its end, and not thawed early by a pause inside it."""

from __future__ import annotations

import gc

from exchange_kg import pool


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_what_lives_is_frozen_until_the_block_ends_and_garbage_is_still_collected() -> None:
    assert gc.get_freeze_count() == 0
    kept = [_Node() for _ in range(100)]
    with pool.long_lived() as freeze:
        assert gc.get_freeze_count() >= len(kept)
        before = gc.get_freeze_count()
        more = [_Node() for _ in range(100)]
        freeze()
        assert gc.get_freeze_count() >= before + len(more)
        with pool.collection_paused():  # a pause inside does not thaw the block's objects
            pass
        assert gc.get_freeze_count() >= before + len(more)
        # a cycle made and dropped after the last freeze is collected as before
        _Node()
        assert gc.collect() >= 1
    assert gc.get_freeze_count() == 0
    assert kept and more


def test_a_pause_outside_any_block_gives_everything_back() -> None:
    with pool.collection_paused():
        assert gc.get_freeze_count() > 0
        assert not gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
