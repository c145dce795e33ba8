"""Recent answers replayed to identical requests: only successes of deterministic queries,
within the byte budget, least recently used first out."""

from __future__ import annotations

import pytest

from exchange_kg.serve.result_cache import ResultCache, cacheable
from exchange_kg.serve.results import QueryJob, QueryOutcome

SELECT = "SELECT ?x WHERE { ?x a ?t }"


def _ok(size: int) -> QueryOutcome:
    return QueryOutcome(200, b"x" * size, "application/sparql-results+json", "select")


def test_a_success_is_replayed_to_the_same_request_only() -> None:
    cache = ResultCache(1000)
    cache.put(QueryJob(SELECT), _ok(10))
    assert cache.get(QueryJob(SELECT)) == _ok(10) and cache.hits == 1
    for other in (QueryJob(SELECT + " "), QueryJob(SELECT, accept="text/csv"),
                  QueryJob(SELECT, format="xml"), QueryJob(SELECT, max_rows=5),
                  QueryJob(SELECT, default_graphs=("http://x/g",))):
        assert cache.get(other) is None
    assert cache.hits == 1


@pytest.mark.parametrize("outcome", [
    QueryOutcome.error(504, "the query ran longer than this endpoint's limit"),
    QueryOutcome.error(503, "all query workers are busy"),
    QueryOutcome.error(400, "malformed query"),
])
def test_failures_are_not_kept(outcome: QueryOutcome) -> None:
    cache = ResultCache(1000)
    cache.put(QueryJob(SELECT), outcome)
    assert cache.get(QueryJob(SELECT)) is None and len(cache) == 0


@pytest.mark.parametrize("query", [
    "SELECT (NOW() AS ?t) {}",
    "SELECT (rand ( ) AS ?r) {}",
    "SELECT (UUID() AS ?u) {}",
    "SELECT (STRUUID() AS ?u) {}",
])
def test_volatile_functions_are_not_kept(query: str) -> None:
    assert not cacheable(QueryJob(query))
    cache = ResultCache(1000)
    cache.put(QueryJob(query), _ok(10))
    assert cache.get(QueryJob(query)) is None


def test_words_that_only_contain_a_function_name_are_kept() -> None:
    assert cacheable(QueryJob("PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>\n"
                              "SELECT ?k WHERE { ?x xkg:knownAs ?k } # brand new"))


def test_the_least_recently_used_go_first_past_the_budget() -> None:
    cache = ResultCache(800)
    jobs = [QueryJob(f"{SELECT} LIMIT {n}") for n in range(9)]
    for job in jobs[:8]:
        cache.put(job, _ok(100))
    assert len(cache) == 8
    assert cache.get(jobs[0]) is not None  # now the most recently used
    cache.put(jobs[8], _ok(100))
    assert cache.get(jobs[1]) is None, "the least recently used went"
    assert cache.get(jobs[0]) is not None and cache.get(jobs[8]) is not None


def test_large_answers_and_a_zero_budget_keep_nothing() -> None:
    cache = ResultCache(800)
    cache.put(QueryJob(SELECT), _ok(101))  # over an eighth of the budget
    assert len(cache) == 0
    off = ResultCache(0)
    off.put(QueryJob(SELECT), _ok(0))
    assert len(off) == 0 and off.get(QueryJob(SELECT)) is None
