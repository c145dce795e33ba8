"""Each way a name can fit a record scores as documented, whichever words the names differ by
(``scoring._compare`` tests the word counts first and skips the rules that cannot apply)."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz

from exchange_kg.link import InstitutionQuery, RorIndex, build_index
from exchange_kg.link.ror_dump import parse_record
from exchange_kg.link.scoring import (
    CITY_WORDS,
    CITY_WORDS_WEAK,
    FUZZY_MAX,
    PLACE_IN_OTHER_NAME,
    SAME_WORDS_OTHER_PARTICLES,
    SAME_WORDS_REORDERED,
    SAME_WORDS_SPELLING,
    Hit,
    close_pairs,
    query_forms,
    score_record,
    score_records,
)
from exchange_kg.link.synthetic import v2_record


@pytest.fixture(scope="module")
def index() -> RorIndex:
    records = [
        v2_record(1, "Alvarsund University", "SE", city="Kvarnby"),
        v2_record(2, "Brevik Ocean Academy", "NO", city="Tromsdal Vika"),
        v2_record(3, "Higher School of Telecommunication Studies", "FR",
                  aliases=["Telecom Lunaville"], city="Marenford"),
        v2_record(4, "Ostrava Mining Sciences Institute", "CZ", city="Ostrava"),
        v2_record(5, "Kessler Applied Arts Conservatory Foundation", "AT", city="Graz"),
    ]
    return build_index(parse_record(r) for r in records)


def _score(index: RorIndex, label: str, country: str, record: int, *, city: str = "",
           screened: bool = False) -> float:
    query = InstitutionQuery((label,), country, city=city or None)
    qforms = query_forms(query)
    close = close_pairs(index, query, qforms, range(len(index))) if screened else None
    hit = score_record(index, record, query, qforms, city.lower(), close=close)
    assert hit is not None
    return hit.score


def _fields(hit: Hit | None) -> tuple[object, ...] | None:
    return None if hit is None else (hit.index, hit.score, hit.method, hit.name, hit.label,
                                     hit.evidence)


def _typo(a: str, b: str) -> float:
    return round(0.90 + (fuzz.ratio(a, b) / 100 - 0.85) / 0.15 * 0.04, 3)


@pytest.mark.parametrize("screened", [False, True])
def test_each_rule_scores_as_documented(index: RorIndex, screened: bool) -> None:
    def score(label: str, country: str, record: int, city: str = "") -> float:
        return _score(index, label, country, record, city=city, screened=screened)

    # as many words: other particles, spellings, order, slips
    assert score("Alvarsund University of", "SE", 0) == SAME_WORDS_OTHER_PARTICLES
    assert score("Alvarsunds University", "SE", 0) == SAME_WORDS_SPELLING
    assert score("Ocean Brevik Academy", "NO", 1) == SAME_WORDS_REORDERED
    assert score("Alvarsund Univeristy", "SE", 0) == _typo("univeristy", "university")
    # the record's city added on our side, or on the record's with or without our city
    assert score("Alvarsund University Kvarnby", "SE", 0) == CITY_WORDS
    assert score("Brevik Ocean Academy of Tromsdal Vika", "NO", 1) == CITY_WORDS
    assert score("Ostrava Mining Sciences Institute", "CZ", 3) == 1.0
    assert score("Mining Sciences Institute", "CZ", 3) == CITY_WORDS_WEAK
    assert score("Mining Sciences Institute", "CZ", 3, city="Ostrava") == CITY_WORDS
    # a trailing place that another of the record's names carries
    assert score("Higher School of Telecommunication Studies Lunaville", "FR", 2) \
        == PLACE_IN_OTHER_NAME
    # a slip in the name plus the record's city
    assert score("Alvarsud University Kvarnby", "SE", 0) == _typo("alvarsud", "alvarsund")
    # a city that is not the record's, and a word more or fewer: the plain ratio
    for label, record, full in (
            ("Alvarsund University Lindholm", 0, "alvarsund university"),
            ("Kessler Applied Arts Conservatory", 4,
             "kessler applied arts conservatory foundation"),
            ("Kessler Arts Conservatory Foundation of Music and Drama", 4,
             "kessler applied arts conservatory foundation")):
        ours = label.lower()
        expected = round(fuzz.token_sort_ratio(ours, full) / 100 * FUZZY_MAX, 3)
        assert score(label, "SE" if record == 0 else "AT", record) == expected < 0.85


def test_screened_scores_are_the_pairwise_ones_on_random_names() -> None:
    """The screen's shortcut (a pair no rule can fit scores its plain ratio, ``_pair_test``)
    gives the very hit of comparing every pair by the rules, on names built to hit the rules:
    the record's city added or dropped (one or two words), respelt and slipped words,
    particles, words reordered, a word more or fewer; some queries read one key twice."""
    rng = random.Random(11)
    words = ["Alvar", "Sund", "Ocean", "Mining", "Kessler", "Telecommunication", "Sciences",
             "Science", "Universitaet", "Universitat", "Brevik", "Marenford", "Arts"]
    kinds = ["University", "Institute", "Academy"]
    particles = ["of", "the", "and", "de"]
    cities = ["Kvarnby", "Tromsdal Vika", "Ostrava", "Graz", "Sankt Lunaville Nord"]

    def name() -> list[str]:
        return rng.sample(words, rng.randint(1, 3)) + [rng.choice(kinds)]

    def variant(parts: list[str], city: str) -> str:
        parts = list(parts)
        roll = rng.random()
        if roll < 0.2:
            parts += city.split()
        elif roll < 0.3:
            parts = city.split() + parts
        elif roll < 0.45:
            rng.shuffle(parts)
        elif roll < 0.6:
            k = rng.randrange(len(parts))
            w = parts[k]
            if len(w) > 4:
                j = rng.randrange(1, len(w) - 1)
                parts[k] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        elif roll < 0.7:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(particles))
        elif roll < 0.8:
            parts.append(rng.choice(words))
        elif roll < 0.9 and len(parts) > 1:
            parts.pop(rng.randrange(len(parts)))
        return " ".join(parts)

    bases = [(name(), rng.choice(cities)) for _ in range(60)]
    records = [v2_record(n + 1, variant(parts, city), "SE", city=city,
                         aliases=[variant(parts, city)] if n % 3 == 0 else [])
               for n, (parts, city) in enumerate(bases)]
    index = build_index(parse_record(r) for r in records)
    compared = ruled = 0
    for parts, city in bases:
        for _ in range(3):
            ours = variant(parts, city)
            qcity = rng.choice([city, ""])
            labels = [ours, variant(parts, city)]
            if rng.random() < 0.5:  # a key of ours twice, a reading apart
                labels.append(ours.lower())
            query = InstitutionQuery(tuple(labels), "SE", city=qcity or None)
            qforms = query_forms(query)
            close = close_pairs(index, query, qforms, range(len(index)))
            for i in close.records:
                screened = score_record(index, i, query, qforms, qcity.lower(), close=close)
                pairwise = score_record(index, i, query, qforms, qcity.lower())
                assert _fields(screened) == _fields(pairwise), (ours, index.names[i])
                compared += 1
                ruled += screened is not None and screened.score > FUZZY_MAX
            # the batch gives every record's hit as ``score_record`` does, in record order
            batch = list(score_records(index, range(len(index)), query, qforms, qcity.lower(),
                                       close))
            assert [i for i, _hit in batch] == sorted(i for i, _hit in batch)
            one_by_one = {i: score_record(index, i, query, qforms, qcity.lower(), close=close)
                          for i in range(len(index))}
            assert {i: _fields(hit) for i, hit in batch} == {
                i: _fields(hit) for i, hit in one_by_one.items() if hit is not None}
    assert compared > 1000 and ruled > 100
