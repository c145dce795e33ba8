"""Entity resolution on the bundled sources: the merges a person makes, and the ones they
would refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_kg.pipeline import build
from exchange_kg.resolve import Cluster, Mention, mentions_from_agreements, resolve

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def resolved() -> tuple[list[Mention], list[Cluster]]:
    result = build(ROOT / "sources", ROOT / "mappings")
    mentions = mentions_from_agreements(result.agreements)
    return mentions, resolve(mentions)


def _clusters_named(resolved: tuple[list[Mention], list[Cluster]], country: str, name: str
                    ) -> set[str]:
    mentions, clusters = resolved
    keys = {m.key for m in mentions if m.country == country and m.name == name}
    assert keys, f"no mention of {name!r} in {country}"
    return {c.id for c in clusters if keys & set(c.mention_keys)}


def _one(resolved: tuple[list[Mention], list[Cluster]], country: str, *names: str) -> str:
    ids = set().union(*(_clusters_named(resolved, country, n) for n in names))
    assert len(ids) == 1, f"{names} are in {sorted(ids)}"
    return ids.pop()


def test_rwth_resolves_to_one_institution(resolved) -> None:
    cid = _one(resolved, "DE", "RWTH Aachen University",
               "Rheinisch-Westfälische Technische Hochschule Aachen", "Aachen University RWTH",
               "RWTH Aachen")
    cluster = next(c for c in resolved[1] if c.id == cid)
    assert cluster.pref_label == "RWTH Aachen University"


@pytest.mark.parametrize(("country", "names"), [
    ("DE", ("Technical University of Munich", "Technische Universität München")),
    ("DE", ("Karlsruhe Institute of Technology", "Karlsruher Institut für Technologie")),
    ("DE", ("University of Erlangen-Nuremberg",
            "Friedrich-Alexander-Universität Erlangen-Nurnberg")),
    ("SE", ("KTH Royal Institute of Technology", "The Royal Institute of Technology")),
    ("FR", ("Ecole Centrale de Paris", "École Centrale de Paris")),
    ("ID", ("Institut Teknologi Bandung", "Bandung Institute of Technology",
            "Institute of Technology Bandung")),
    ("IT", ('University of Rome "La Sapienza"', "SAPIENZA University of Rome",
            "Sapienza - University of Rome")),
    ("VN", ("Viet Nam National University Ho Chi Minh City",
            "Vietnam National University - Ho Chi Minh City")),
    ("CZ", ("Technical University Ostrava", "VŠB Technical University of Ostrava")),
])
def test_true_merges_in_the_sources(resolved, country: str, names: tuple[str, ...]) -> None:
    _one(resolved, country, *names)


@pytest.mark.parametrize(("country", "a", "b"), [
    ("CN", "Tianjin University", "Tianjin University of Technology"),
    ("CN", "Beijing Institute of Technology", "Beijing University of Technology"),
    ("KR", "Chonnam National University", "Chungnam National University"),
    ("US", "University of California", "University of California, Berkeley"),
    ("US", "University of California, Davis", "University of California, Berkeley"),
    ("FR", "Université Lumière Lyon 2", "Université Claude Bernard Lyon 1"),
    ("GB", "University College London", "University of London"),
    ("VN", "Vietnam National University, Hanoi", "Vietnam National University, Ho Chi Minh City"),
])
def test_non_merges_in_the_sources(resolved, country: str, a: str, b: str) -> None:
    assert not _clusters_named(resolved, country, a) & _clusters_named(resolved, country, b)


def test_same_name_in_two_countries_stays_two(resolved) -> None:
    assert _clusters_named(resolved, "CN", "Northeastern University") != _clusters_named(
        resolved, "US", "Northeastern University")
    assert _clusters_named(resolved, "CN", "Soochow University") != _clusters_named(
        resolved, "TW", "Soochow University")


def test_resolution_reduces_institutions_and_covers_every_mention(resolved) -> None:
    mentions, clusters = resolved
    covered = [k for c in clusters for k in c.mention_keys]
    assert sorted(covered) == sorted(m.key for m in mentions)
    distinct = {(m.country, m.name) for m in mentions}
    assert len(clusters) < len(distinct)
    assert len({c.id for c in clusters}) == len(clusters)
