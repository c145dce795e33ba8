"""Against the real ROR snapshot (when ``EXCHANGE_KG_ROR_DUMP`` points at it): partners of the
bundled sources, spelt as the sources spell them, resolve to plausible records.

Nothing here names an identifier from the registry: the assertions are on what a person would
check (the country, the name, that several spellings agree, that a merged institution keeps
its own record and names its successor).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from exchange_kg.link import InstitutionQuery, RorIndex, load_dump, match
from exchange_kg.link.names import normalise

DUMP = os.environ.get("EXCHANGE_KG_ROR_DUMP")

pytestmark = pytest.mark.skipif(
    not DUMP, reason="EXCHANGE_KG_ROR_DUMP is not set: no ROR dump to test against")


@pytest.fixture(scope="module")
def index() -> RorIndex:
    started = time.perf_counter()
    idx = load_dump(Path(DUMP or ""), cache_dir=False)
    assert time.perf_counter() - started < 120
    return idx


def linked(index: RorIndex, label: str, country: str, status: str = "active",
           **kw: object):  # type: ignore[no-untyped-def]
    res = match(index, InstitutionQuery((label,), country, **kw))  # type: ignore[arg-type]
    assert res.chosen is not None, (label, res.decision, res.reason, res.candidates[:2])
    assert res.chosen.country == country
    assert res.chosen.status == status
    return res.chosen


def test_the_snapshot_loads_with_both_schemas(index: RorIndex) -> None:
    assert index.info is not None
    assert len(index) > 10_000
    assert set(index.info.schema_counts) == {1, 2}


def test_spellings_of_one_university_agree(index: RorIndex) -> None:
    spellings = ["Rheinisch-Westfälische Technische Hochschule Aachen", "RWTH Aachen",
                 "Aachen University RWTH", "RWTH Aachen University"]
    chosen = [linked(index, s, "DE") for s in spellings]
    assert len({c.ror_id for c in chosen}) == 1
    assert "aachen" in normalise(chosen[0].display_name)
    assert re.fullmatch(r"Q[1-9][0-9]*", chosen[0].wikidata or "")


def test_same_name_different_country(index: RorIndex) -> None:
    us = linked(index, "Northeastern University", "US")
    cn = linked(index, "Northeastern University", "CN")
    assert us.ror_id != cn.ror_id
    assert normalise(us.display_name) == normalise(cn.display_name) == "northeastern university"
    tw = match(index, InstitutionQuery(("Soochow University",), "TW"))
    assert tw.chosen is None or tw.chosen.country == "TW"
    assert linked(index, "Soochow University", "CN").country == "CN"


@pytest.mark.parametrize("label, country, word", [
    ("Tohoku University", "JP", "tohoku"),
    ("Eidgenössische Technische Hochschule Zürich", "CH", "eth"),
    ("Université de Genève", "CH", "geneva"),
    ("Universität Wien", "AT", "vienna"),
    ("Karlsruher Institut für Technologie", "DE", "karlsruhe"),
    ("Technische Universität München", "DE", "munich"),
])
def test_native_and_english_names(index: RorIndex, label: str, country: str, word: str) -> None:
    chosen = linked(index, label, country)
    assert word in normalise(chosen.display_name)


def test_a_merged_institution_keeps_its_record_and_names_its_successor(index: RorIndex) -> None:
    # the list names the university as it was: its own (inactive) record, not its successor's
    chosen = linked(index, "University of Glamorgan", "GB", status="inactive")
    assert normalise(chosen.display_name) == "university of glamorgan"
    assert chosen.successors and chosen.ror_id not in chosen.successors
    successor = index.get(chosen.successors[0])
    assert successor is not None and successor.status == "active"


def test_an_institution_missing_from_the_partial_registry_is_not_forced(index: RorIndex) -> None:
    res = match(index, InstitutionQuery(("Kookmin University",), "KR"))
    assert res.chosen is None
