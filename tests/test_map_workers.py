"""Batches of rows mapped in worker processes: the same graph, and a failure said clearly."""

from __future__ import annotations

import os
from typing import Any

import pytest

from exchange_kg.map_workers import MappingWorkerError, MapWorkers
from exchange_kg.rules import BUNDLED_RULES, load_rules
from exchange_kg.tables import TABLES, empty_tables
from exchange_kg.triples import TripleGraph

EX = "http://example.org/"


def _row(table: str, **values: str) -> tuple[str, ...]:
    return tuple(values.get(column, "") for column in TABLES[table])


def _graph() -> TripleGraph:
    g = TripleGraph()
    g.absorb({})  # frozen, codes chosen: as the mapper's first batch leaves it
    return g


def test_batches_mapped_in_a_worker_equal_the_batches_mapped_here() -> None:
    """The same institution in two batches (its types, then its alternative labels and its
    members), a label needing escapes: the graph the mapper's own process would make."""
    rules = load_rules(BUNDLED_RULES)
    org = EX + "institution/a"
    batches = [
        {"org_types": [_row("org_types", org=org, type=EX + "Institution")],
         "org_alt_labels": [_row("org_alt_labels", org=org, label='say "hi"\\')]},
        {"org_alt_labels": [_row("org_alt_labels", org=org, label="Ünï A")],
         "org_members": [_row("org_members", org=org, member=EX + "institution/b")]},
    ]
    here, there = _graph(), _graph()
    for batch in batches:
        tables = empty_tables()
        tables.update({name: list(rows) for name, rows in batch.items()})
        rules.apply(tables, here, consume=True)
    workers = MapWorkers(rules, there, 1)
    for batch in batches:
        workers.submit({name: list(rows) for name, rows in batch.items()})
    workers.close()
    assert workers.batches == 2
    assert there.lines() == here.lines() and len(there) == len(here) == 4


def test_a_batch_that_cannot_be_mapped_names_its_table() -> None:
    workers = MapWorkers(load_rules(BUNDLED_RULES), _graph(), 1)
    workers.submit({"org_members": [("only one column",)]})
    with pytest.raises(MappingWorkerError, match="table 'org_members'.*IndexError"):
        workers.close()


class _Dies:
    """Unpickled in the worker, it ends the worker's process there and then."""

    def __reduce__(self) -> tuple[Any, ...]:
        return os._exit, (3,)


def test_a_worker_that_dies_stops_the_mapping_with_a_clear_error() -> None:
    workers = MapWorkers(load_rules(BUNDLED_RULES), _graph(), 1)
    workers.submit({"org_members": [_Dies()]})  # type: ignore[list-item]
    with pytest.raises(MappingWorkerError, match="stopped before it had mapped"):
        workers.close()


def test_a_rebuild_takes_unchanged_batches_from_the_cache(tmp_path: Any) -> None:
    """With the build cache, a batch whose rows are the same (held by other objects, as a
    rebuild holds them) is not mapped again, and the graph is the one mapping every batch
    gives; a changed batch is mapped anew; a damaged entry is mapped anew."""
    from exchange_kg.build_cache import DocumentCache
    from exchange_kg.map_workers import caching

    rules = load_rules(BUNDLED_RULES)
    org = EX + "institution/a"

    def batches(label: str) -> list[dict[str, list[tuple[str, ...]]]]:
        return [
            {"org_types": [_row("org_types", org=org, type=EX + "Institution")],
             "org_alt_labels": [_row("org_alt_labels", org=org, label="".join(["A", "b"])),
                                _row("org_alt_labels", org=org, label="Ab")]},
            {"org_alt_labels": [_row("org_alt_labels", org=org, label=label)]},
        ]

    def mapped(label: str, cache: DocumentCache | None) -> tuple[TripleGraph, MapWorkers]:
        graph = _graph()
        with caching(cache):
            workers = MapWorkers(rules, graph, 1)
        for batch in batches(label):
            workers.submit(batch)
        workers.close()
        return graph, workers

    cache = DocumentCache(tmp_path / "cache")
    plain, _ = mapped("Ünï", None)
    first, workers = mapped("Ünï", cache)
    assert workers.reused == 0 and first.lines() == plain.lines()
    again, workers = mapped("Ünï", cache)
    assert workers.reused == 2 and again.lines() == plain.lines()
    changed, workers = mapped("Other", cache)
    assert workers.reused == 1
    assert changed.lines() == mapped("Other", None)[0].lines() != plain.lines()
    for entry in (tmp_path / "cache").iterdir():
        entry.write_bytes(entry.read_bytes()[:-1] + b"x")
    damaged, workers = mapped("Ünï", cache)
    assert workers.reused == 0 and damaged.lines() == plain.lines()
