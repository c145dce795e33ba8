"""Which candidate pairs of groups can score ``MERGE`` at all, decided for a whole block.

Reading a pair of groups (``score.relate_groups``: alignment, containment, acronyms) costs a
third of a millisecond in Python, and most candidate pairs of a country are two names that
merely share a word ("Beijing Normal University" / "Beijing Jiaotong University"). Each of
them has a word the other lacks, and ``relate`` scores such names at most 0.5; evidence adds at
most 0.25, so they stay below ``MERGE``. A reading above 0.5 needs one name's tokens to be all
paired with the other's: equal, a misspelling (``token_match``: at most two edits, or the same
first six letters) or a run of two or three names written as one word. This module checks that
for every pair at once, with the block's misspellings found in one C++ ``process.cdist`` call
per word length instead of pair by pair, so that only pairs that may merge are read in full.

It is a bound, not a score: a pair it lets through may still score low, and a pair it stops
scores below ``MERGE`` for certain (``tests/test_resolve_reach.py`` checks it against
``relate_groups``). Clustering reads the exact score of a stopped pair only if it must (see
``cluster._resolve_block``), so clusters are the same as when every pair is read in full.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from exchange_kg.resolve.names import NameForm, is_distinctive
from exchange_kg.resolve.score import (
    LONGEST_RUN,
    NONE,
    SAME_START,
    TWO_EDITS_FROM,
    Group,
    token_match,
)


class _Form:
    """What the bound reads of one name: its tokens, and the runs that may be one word."""

    __slots__ = ("runs", "tokens")

    def __init__(self, form: NameForm) -> None:
        self.tokens = frozenset(form.flat)
        # token -> the runs of adjacent names (two or three) it is part of, joined
        runs: dict[str, list[str]] = defaultdict(list)
        for at, joined in _runs(form.flat):
            for k in at:
                runs[form.flat[k]].append(joined)
        self.runs = dict(runs)

    def items(self) -> Iterable[str]:
        yield from self.tokens
        for joined in self.runs.values():
            yield from joined


class _Side:
    """One group as the bound reads it: its forms, and every string a token of another name
    may pair with (``near``) or share its first six letters with (``prefixes``)."""

    __slots__ = ("concats", "forms", "near", "prefixes")

    def __init__(self, g: Group) -> None:
        self.forms = tuple(_Form(f) for f in g.forms)
        self.concats = frozenset(f.concat for f in g.forms)
        self.near: frozenset[str] = frozenset()
        self.prefixes: frozenset[str] = frozenset()

    def items(self) -> set[str]:
        return {x for f in self.forms for x in f.items()}


def misspellings(words: Iterable[str]) -> dict[str, set[str]]:
    """word -> the words ``token_match`` may pair it with by edits (itself included): at most
    one edit, or two in words of eleven letters or more. One ``cdist`` per word length, in
    C++, against the words up to two letters longer."""
    by_length: dict[int, list[str]] = defaultdict(list)
    for w in sorted(set(words)):
        by_length[len(w)].append(w)
    out: dict[str, set[str]] = {w: {w} for ws in by_length.values() for w in ws}
    for length, queries in by_length.items():
        choices = [w for n in range(length, length + 3) for w in by_length.get(n, ())]
        dist = process.cdist(queries, choices, scorer=OSA.distance, score_cutoff=2,
                             dtype=np.uint8, workers=1)
        for qi, ci in zip(*np.nonzero(dist <= 2), strict=True):
            q, c = queries[qi], choices[ci]
            if dist[qi, ci] <= 1 or length >= TWO_EDITS_FROM:  # the shorter one's length
                out[q].add(c)
                out[c].add(q)
    return out


def _sides(groups: Sequence[Group]) -> list[_Side]:
    sides = [_Side(g) for g in groups]
    items = [s.items() for s in sides]
    near = misspellings(x for xs in items for x in xs)
    for s, xs in zip(sides, items, strict=True):
        s.near = frozenset(y for x in xs for y in near[x])
        s.prefixes = frozenset(x[:SAME_START] for x in xs
                               if len(x) >= SAME_START and is_distinctive(x))
    return sides


def _covered(form: _Form, other: _Side) -> bool:
    """May every token of ``form`` pair with a token (or run) of ``other``'s names?"""
    missing = form.tokens - other.near
    for t in missing:
        if not is_distinctive(t):
            return False  # a common word pairs only with itself
        if len(t) >= SAME_START and t[:SAME_START] in other.prefixes:
            continue
        if not any(j in other.near or (len(j) >= SAME_START and j[:SAME_START] in other.prefixes)
                   for j in form.runs.get(t, ())):
            return False
    return True


def _runs(tokens: tuple[str, ...]) -> Iterable[tuple[range, str]]:
    """(positions, joined) of every run of two or three adjacent names."""
    for start in range(len(tokens)):
        for n in range(2, LONGEST_RUN + 1):
            run = tokens[start:start + n]
            if len(run) == n and all(is_distinctive(t) for t in run):
                yield range(start, start + n), "".join(run)


def _pairable(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    """May ``score.align`` pair every token of ``x`` with tokens of ``y``? (Equal, a
    misspelling, or a run of names written as one word on either side.)"""
    present = set(y)
    names = [u for u in y if is_distinctive(u)]
    for k, t in enumerate(x):
        if t in present:
            continue
        if not is_distinctive(t):
            return False
        if any(token_match(t, u) != NONE for u in names):
            continue
        if any(token_match(t, joined) != NONE for _, joined in _runs(y)):
            continue
        if not any(token_match(joined, u) != NONE for at, joined in _runs(x) if k in at
                   for u in names):
            return False
    return True


def _by_acronym(g: Group, h: Group) -> bool:
    """May an acronym of ``g`` abbreviating words of ``h`` give a reading ``_by_acronym``
    keeps? Each needs one of the two names it compares paired whole, or equal ones."""
    for acr in g.side.acronyms:
        found = h.contractions(acr)
        if not found:
            continue
        for fa in g.with_acronym(acr):
            for _, c, _ in found:
                if (fa.concat == c.form.concat or _pairable(fa.flat, c.form.flat)
                        or _pairable(c.form.flat, fa.flat)):
                    return True
    return False


def may_merge(groups: Sequence[Group], pairs: Iterable[tuple[int, int]]
              ) -> set[tuple[int, int]]:
    """The pairs among ``pairs`` (indices into ``groups``) that may score ``MERGE`` or more;
    every other one scores below it."""
    sides = _sides(groups)
    out: set[tuple[int, int]] = set()
    for i, j in pairs:
        a, b = sides[i], sides[j]
        if (a.concats & b.concats
                or any(_covered(f, b) for f in a.forms)
                or any(_covered(f, a) for f in b.forms)
                or _by_acronym(groups[i], groups[j]) or _by_acronym(groups[j], groups[i])):
            out.add((i, j))
    return out


__all__ = ["may_merge", "misspellings"]
