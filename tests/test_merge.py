"""Merging agreements read from several records: across editions, and re-pairing split cells."""

from __future__ import annotations

from exchange_kg.agreements import Agreement, Party
from exchange_kg.merge import merge_agreements, repair_pairings
from exchange_kg.normalise.dates import DateValue
from exchange_kg.records import Flag, RawRecord

_lines = iter(range(1, 10**6))


def agreement(name: str, source: str, start: int | None = None,
              flags: tuple[Flag, ...] = ()) -> Agreement:
    record = RawRecord(source, (next(_lines),), name, {"partner": name}, list(flags))
    return Agreement("list", None, "pub", None, (Party(name, country="EE"),),
                     start=DateValue(start) if start else None, records=[record])


def sources_of(merged: list[Agreement]) -> list[list[str]]:
    return sorted(a.source_ids for a in merged)


def test_near_identical_agreements_of_two_editions_merge() -> None:
    clean = agreement("University of Tartu", "clean")
    typo = agreement("Universtiy of Tartu", "ocr")
    other = agreement("Tallinn University", "ocr")
    merged = merge_agreements([clean, typo, other], ["clean", "ocr"])
    assert sources_of(merged) == [["clean", "ocr"], ["ocr"]]
    assert [f.code for f in typo.records[0].flags] == ["matched-across-editions"]


def test_rows_of_one_document_are_never_fuzzy_matched() -> None:
    rows = [agreement("University of Tartu", "ocr"), agreement("Universtiy of Tartu", "ocr")]
    assert len(merge_agreements(rows, ["ocr"])) == 2


def test_values_paired_by_order_are_re_paired_as_another_edition_pairs_them() -> None:
    order = Flag("start", "paired-by-order", "paired in order", "group:7")
    first = agreement("University of Tartu", "ocr", 2011, (order,))
    second = agreement("Tallinn University", "ocr", 2015, (order,))
    witnesses = [agreement("University of Tartu", "clean", 2015),
                 agreement("Tallinn University", "clean", 2011)]
    repair_pairings([first, second, *witnesses])
    assert (first.start, second.start) == (DateValue(2015), DateValue(2011))
    assert "re-paired" in [f.code for f in first.records[0].flags]
    assert [w.start for w in witnesses] == [DateValue(2015), DateValue(2011)]


def test_a_witness_from_the_same_document_does_not_count() -> None:
    order = Flag("start", "paired-by-order", "paired in order", "group:7")
    first = agreement("University of Tartu", "ocr", 2011, (order,))
    second = agreement("Tallinn University", "ocr", 2015, (order,))
    same_document = [agreement("University of Tartu", "ocr", 2015),
                     agreement("Tallinn University", "ocr", 2011)]
    repair_pairings([first, second, *same_document])
    assert (first.start, second.start) == (DateValue(2011), DateValue(2015))
