"""Merging agreements read from several records: across editions, and re-pairing split cells."""

from __future__ import annotations

from dataclasses import replace

import pytest

from exchange_kg import merge
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


def test_only_lists_with_values_paired_by_order_are_described(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-pairing looks for witnesses in the list of the group only: a register's other
    lists are not described (it took a second of every build at 100x scale)."""
    order = Flag("start", "paired-by-order", "paired in order", "group:7")
    first = agreement("University of Tartu", "ocr", 2011, (order,))
    second = agreement("Tallinn University", "ocr", 2015, (order,))
    witnesses = [agreement("University of Tartu", "clean", 2015),
                 agreement("Tallinn University", "clean", 2011)]
    elsewhere = [replace(agreement(f"University {n}", "other", 2011), list_id="other")
                 for n in range(5)]
    described: list[str] = []
    real = merge._describe

    def describe(a: Agreement) -> str:
        described.append(a.list_id)
        return real(a)

    monkeypatch.setattr(merge, "_describe", describe)
    repair_pairings([first, *elsewhere, second, *witnesses])
    assert (first.start, second.start) == (DateValue(2015), DateValue(2011))
    assert "other" not in described


def test_a_witness_from_the_same_document_does_not_count() -> None:
    order = Flag("start", "paired-by-order", "paired in order", "group:7")
    first = agreement("University of Tartu", "ocr", 2011, (order,))
    second = agreement("Tallinn University", "ocr", 2015, (order,))
    same_document = [agreement("University of Tartu", "ocr", 2015),
                     agreement("Tallinn University", "ocr", 2011)]
    repair_pairings([first, second, *same_document])
    assert (first.start, second.start) == (DateValue(2011), DateValue(2015))


def _with_quota(source: str, places: int) -> Agreement:
    from exchange_kg.normalise.quota import QuotaValue

    a = agreement("Universidad Complutense de Madrid", source, 2021)
    a.quota = QuotaValue(False, (("unspecified", places),))
    return a


def test_rows_of_one_document_that_disagree_publish_no_value_of_theirs() -> None:
    # one agreement over three rows (a row per subject area): 2, 1 and 3 places
    rows = [_with_quota("iia", n) for n in (2, 1, 3)]
    merged = merge_agreements(rows, ["iia"])
    assert len(merged) == 1 and merged[0].quota is None
    assert [[f.code for f in r.flags] for r in merged[0].records] == [["rows-disagree"]] * 3


def test_editions_that_disagree_keep_the_earlier_documents_reading() -> None:
    merged = merge_agreements([_with_quota("old", 2), _with_quota("new", 3)], ["old", "new"])
    assert merged[0].quota.places == (("unspecified", 2),)
    assert [f.code for r in merged[0].records for f in r.flags] == ["editions-disagree"]


def _in(name: str, city: str) -> Agreement:
    a = agreement(name, "de", 2023)
    a.parties = (Party(name, country="DE", city=city),)
    return a


def test_a_name_of_common_words_in_other_cities_is_other_agreements() -> None:
    """'Technische Universität' in München, Berlin and Dresden on rows with one start were
    one agreement (two 'duplicate rows'): two agreements lost, three universities merged."""
    rows = [_in("Technische Universität", c) for c in ("München", "Berlin", "Dresden")]
    merged = merge_agreements(rows, ["de"])
    assert len(merged) == 3 and len({a.key for a in merged}) == 3
    assert not any(f.code == "duplicate-row" for a in rows for f in a.records[0].flags)
    # a proper name twice is one agreement twice, whatever the city cells say
    twice = [_in("Universität Wien", "Wien"), _in("Universität Wien", "Vienna")]
    assert len(merge_agreements(twice, ["de"])) == 1


def test_two_campuses_of_one_university_on_rows_alike_are_two_agreements() -> None:
    """'Universidade Estadual Paulista, campus de Bauru' / '..., campus de Marília' on rows
    alike but for the campus were one agreement: the second was lost."""
    rows = [agreement("Universidade Estadual Paulista", "br", 2023) for _ in range(2)]
    for a, campus in zip(rows, ("campus de Bauru", "campus de Marília"), strict=True):
        a.parties = (Party(a.parties[0].name, country="BR", campus=campus),)
    assert len(merge_agreements(rows, ["br"])) == 2


def test_rows_alike_but_for_two_acronyms_in_brackets_are_two_agreements() -> None:
    """'Universidad de Guadalajara (CUCEA)' / '(CUCSH)' (two of its university centres) on
    rows alike but for the bracket were one agreement: the second was lost."""
    rows = [agreement("Universidad de Guadalajara", "mx", 2023) for _ in range(3)]
    for a, acronym in zip(rows, ("CUCEA", "CUCSH", "CUCEA"), strict=True):
        a.parties = (Party(a.parties[0].name, country="MX", acronym=acronym),)
    assert len(merge_agreements(rows, ["mx"])) == 2


def test_rows_of_a_partner_merged_down_give_places_per_row_not_the_agreements() -> None:
    # a partner's cell merged over its subject areas, 2 places each: 2 is no agreement's
    # number (4 a sum the list does not state); one row alone keeps its places
    inherited = Flag("partner", "merged-cell-inherited", "taken from the row above", "x")
    first, second = _with_quota("iia", 2), _with_quota("iia", 2)
    second.records[0].flags.append(inherited)
    merged = merge_agreements([first, second], ["iia"])
    assert len(merged) == 1 and merged[0].quota is None
    assert "places-per-row" in {f.code for r in merged[0].records for f in r.flags}
    # the same row twice (no merged cell) is a duplicate, its places kept
    merged = merge_agreements([_with_quota("iia", 2), _with_quota("iia", 2)], ["iia"])
    assert merged[0].quota.places == (("unspecified", 2),)


def test_an_agreement_alone_under_its_key_is_not_parsed_for_cities(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Only agreements that share a key are told apart by city: one alone (most of a
    register) costs no name parsing (it took 6 % of a rebuild at 100x scale)."""
    parsed: list[str] = []
    real = merge._generic_cities

    def generic_cities(a: Agreement) -> str:
        parsed.append(a.parties[0].name)
        return real(a)

    monkeypatch.setattr(merge, "_generic_cities", generic_cities)
    merged = merge_agreements([_in("Technische Universität", "Berlin"),
                               _in("Technische Universität", "Dresden"),
                               agreement("University of Tartu", "clean")], ["doc", "clean"])
    assert len(merged) == 3
    assert "University of Tartu" not in parsed
