"""Typo-tolerant look-ups in one country: the words and name keys within a spelling slip of ours.

A misspelt or transliterated word ("Afaisal", "Serikbajewa") or name hides its record from the
exact look-ups, so the matcher scans a country's vocabulary and name keys for near spellings.
That scan compares one string with thousands, which is the slowest thing linking does; here it
is done for many strings at once by rapidfuzz's ``process.cdist`` in C++, and each answer is
kept per index, because a build asks about the same words and names many times.

The answers are exactly those of ``process.extract(text, choices, scorer=fuzz.ratio,
score_cutoff=cutoff, limit=limit)``: ``cdist`` only proposes (at one point below the cutoff, as
whole numbers), and every proposal is scored again by ``fuzz.ratio`` with the cutoff, best first
and, at equal scores, in the order of the choices.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

import numpy as np
from rapidfuzz import fuzz, process

from exchange_kg.link.ror_index import RorIndex
from exchange_kg.link.scoring import SURNAME_MIN

WORD_CUTOFF = SURNAME_MIN  # a declined, transliterated word: "Puszkina" / "Pushkin"
WORD_LIMIT = 5
KEY_CUTOFF = 85
KEY_LIMIT = 20
_CELLS = 1 << 23  # cdist matrix cells (bytes) per call: bounds the memory a batch takes

# index -> (kind, country, text) -> positions in the country's words ("w") or keys ("k")
_answers: weakref.WeakKeyDictionary[RorIndex, dict[tuple[str, str, str], tuple[int, ...]]] = \
    weakref.WeakKeyDictionary()


def similar(texts: list[str], choices: list[str], cutoff: int,
            limit: int) -> list[tuple[int, ...]]:
    """For each text, the positions of the choices whose ``fuzz.ratio`` with it reaches
    ``cutoff``: best first, ties in choice order, at most ``limit``."""
    out: list[tuple[int, ...]] = []
    if not choices:
        return [() for _ in texts]
    step = max(1, _CELLS // len(choices))
    for start in range(0, len(texts), step):
        block = texts[start:start + step]
        scores = process.cdist(block, choices, scorer=fuzz.ratio, score_cutoff=cutoff - 1,
                               dtype=np.uint8)
        proposed: list[list[int]] = [[] for _ in block]
        for row, col in zip(*np.nonzero(scores), strict=True):
            proposed[int(row)].append(int(col))
        for text, cols in zip(block, proposed, strict=True):
            scored = [(-s, c) for c in cols
                      if (s := fuzz.ratio(text, choices[c], score_cutoff=cutoff)) >= cutoff]
            scored.sort()
            out.append(tuple(c for _s, c in scored[:limit]))
    return out


def _store(index: RorIndex) -> dict[tuple[str, str, str], tuple[int, ...]]:
    return _answers.setdefault(index, {})


def prefetch(index: RorIndex, words: Iterable[tuple[str, str]],
             keys: Iterable[tuple[str, str]]) -> None:
    """Answer many ``near_words`` / ``near_keys`` questions, (country, text) each, in one pass
    per country."""
    store = _store(index)
    for kind, asked in (("w", words), ("k", keys)):
        todo: dict[str, list[str]] = {}
        for country, text in asked:
            if (kind, country, text) not in store:
                todo.setdefault(country, [])
                if text not in todo[country]:
                    todo[country].append(text)
        for country, texts in sorted(todo.items()):
            if kind == "w":
                choices, cutoff, limit = index.country_words(country), WORD_CUTOFF, WORD_LIMIT
            else:
                choices, cutoff, limit = index.country_keys(country)[0], KEY_CUTOFF, KEY_LIMIT
            for text, found in zip(texts, similar(texts, choices, cutoff, limit), strict=True):
                store[(kind, country, text)] = found


def near_words(index: RorIndex, country: str, word: str) -> list[str]:
    """The country's words within ``WORD_CUTOFF`` of ``word``, best first (at most
    ``WORD_LIMIT``)."""
    found = _store(index).get(("w", country, word))
    if found is None:
        prefetch(index, [(country, word)], ())
        found = _store(index)[("w", country, word)]
    vocab = index.country_words(country)
    return [vocab[i] for i in found]


def near_keys(index: RorIndex, country: str, key: str) -> list[int]:
    """The records of the country's name keys within ``KEY_CUTOFF`` of ``key``, best first
    (at most ``KEY_LIMIT`` keys)."""
    found = _store(index).get(("k", country, key))
    if found is None:
        prefetch(index, (), [(country, key)])
        found = _store(index)[("k", country, key)]
    owners = index.country_keys(country)[1]
    return [owners[i] for i in found]
