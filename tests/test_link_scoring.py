"""Each way a name can fit a record scores as documented, whichever words the names differ by
(``scoring._compare`` tests the word counts first and skips the rules that cannot apply)."""

from __future__ import annotations

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
    close_pairs,
    query_forms,
    score_record,
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
