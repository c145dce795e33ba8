"""A remark that says what happened to the agreement since the list's dates were written."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from exchange_kg.agreements import build_agreements
from exchange_kg.mapping_spec import Section, load_mapping
from exchange_kg.normalise.dates import DateValue
from exchange_kg.normalise.remark_status import remark_status
from exchange_kg.records import RawRecord


def _section(tmp_path: Path, **fields: str) -> Section:
    """A table of a partner column and ``fields`` (column -> normaliser)."""
    path = tmp_path / "r.yaml"
    rules = "".join(f"      {name}: {rule}\n" for name, rule in fields.items())
    path.write_text("source: r\nlist: r\nsections:\n  - name: rows\n    reader:\n"
                    "      name: simple-table\n      options:\n"
                    f"        columns: [partner, {', '.join(fields)}]\n"
                    f"    fields:\n      partner: partner\n{rules}"
                    "    constants:\n      level: university\n", "utf-8")
    return load_mapping(path).sections[0]


def _build(tmp_path: Path, remark: str, end: str = "31/05/2029") -> tuple[list, RawRecord]:
    record = RawRecord("r", (4,), "", {"partner": "University of Vienna", "end": end,
                                       "remark": remark})
    return build_agreements(record, _section(tmp_path, end="term", remark="text"), "r",
                            "p"), record


@pytest.mark.parametrize("remark", [
    "Suspended until further notice",
    "Replaced by the university-wide agreement (see central list)",
    "terminated in 2024",
    "gekündigt",
    "Suspendido",
    "suspended since 01/09/2025",
    # the day notice was given: a notice period may run on after it
    "Dénoncée par l'UCAD le 15/09/2024",
    "gekündigt am 15.09.2024",
])
def test_a_remark_saying_the_agreement_ended_withholds_it(tmp_path: Path, remark: str) -> None:
    """An untuned English Word list's Remarks column ('Suspended until further notice',
    'Replaced by the university-wide agreement') was read as a bare remark: the rows were
    published as agreements in force until their contract's end."""
    agreements, record = _build(tmp_path, remark)
    assert agreements == []
    assert any(f.code == "agreement-ended" and f.withheld for f in record.flags)


@pytest.mark.parametrize(("remark", "day"), [
    ("Ended by the partner on 31/08/2025 – no nominations", (2025, 8, 31)),
    ("ausgelaufen 31.08.2025", (2025, 8, 31)),
    ("Terminated on 15 March 2025", (2025, 3, 15)),
    ("gekündigt zum 31.08.2025", (2025, 8, 31)),  # notice with the day it takes effect
])
def test_a_remark_giving_the_day_the_agreement_ended_gives_its_end(
        tmp_path: Path, remark: str, day: tuple[int, int, int]) -> None:
    """'Ended by the partner on 31/08/2025' beside an Expires cell of 31/05/2029 was published
    with the 2029 end: an agreement in force for four more years."""
    (agreement,), record = _build(tmp_path, remark)
    assert (agreement.end.year, agreement.end.month, agreement.end.day) == day
    assert agreement.open_ended is False
    assert any(f.code == "remark-ended" for f in record.flags)


@pytest.mark.parametrize("remark", [
    "ruht 2025/26",  # one academic year: the agreement goes on after it
    "2024/25 ausgesetzt",
    "may be terminated with 6 months notice",  # how it may end
    "not suspended",
    "Not renewed: last intake spring 2026",  # it runs to its end, then lapses
    "Expired; replaced by the agreement below",  # its end says when it ran out
    "Renewal under discussion",
    "Nur Master",
    "Places reduced to 1 from 2026/27",
])
def test_a_remark_that_states_no_end_keeps_the_row(tmp_path: Path, remark: str) -> None:
    (agreement,), _ = _build(tmp_path, remark)
    assert (agreement.end.year, agreement.end.month) == (2029, 5)


def test_a_remark_that_is_only_a_negotiation_status_gives_it(tmp_path: Path) -> None:
    (agreement,), _ = _build(tmp_path, "Under negotiation", end="")
    assert agreement.status == "in-process"
    # a remark about another agreement's signing says nothing of the row's
    (agreement,), _ = _build(tmp_path, "En trámite la firma del convenio marco", end="")
    assert agreement.status is None


def test_an_expired_remark_beside_an_open_end_withholds_the_row(tmp_path: Path) -> None:
    agreements, record = _build(tmp_path, "Vencido", end="indefinite")
    assert agreements == []


@pytest.mark.parametrize("text", ["", "   ", "open-ended", "Master only", "2 places"])
def test_remarks_without_a_status(text: str) -> None:
    assert remark_status(text) is None



@pytest.mark.parametrize(("status", "as_of", "published"), [
    ("Expired", DateValue(2025, 10, 1), False),  # it ran out before the end it states
    ("Inactive", DateValue(2025, 10), False),
    ("Abgelaufen", DateValue(2025), False),
    ("Expired", DateValue(2028, 1, 1), True),  # the end had passed: it says when
    ("Expired", DateValue(2027, 5), True),  # the month of the end: not certainly before it
    ("Expired", None, True),  # no date of the list: nothing contradicts the end
    ("Not renewed", DateValue(2025, 10, 1), True),  # runs to its end, then lapses
    ("nicht verlängert", DateValue(2025, 10, 1), True),
    ("Active", DateValue(2025, 10, 1), True),
])
def test_an_expired_row_whose_end_is_still_to_come_is_not_in_force(
        tmp_path: Path, status: str, as_of: DateValue | None, published: bool) -> None:
    """'Expired' and 'Inactive' rows of lists dated 2025 whose stated ends were in 2027-2029
    were published as agreements in force until then."""
    record = RawRecord("s", (4,), "", {"partner": "University of Edinburgh",
                                       "end": "31/05/2027", "kind": status})
    agreements = build_agreements(record, _section(tmp_path, end="term", kind="kinds"), "s", "p",
                                  as_of=as_of)
    assert bool(agreements) is published
    assert published or any(f.code == "agreement-ended" and f.withheld for f in record.flags)



@pytest.mark.parametrize(("remark", "published"), [
    ("Places reduced to 1 from 2026/27", False),
    ("ab 2026 nur noch 1 Platz", False),
    ("2 places", True), ("Law students only", True), ("Semester 1 only", True)])
def test_a_remark_stating_other_places_withholds_the_places(
        tmp_path: Path, remark: str, published: bool) -> None:
    """'Places reduced to 1 from 2026/27' beside a places cell of 2 was published as 2."""
    record = RawRecord("q", (4,), "", {"partner": "Stellenbosch University", "quota": "2",
                                       "remark": remark})
    (agreement,) = build_agreements(record, _section(tmp_path, quota="quota", remark="text"),
                                    "q", "p")
    assert (agreement.quota is not None) is published


@pytest.mark.parametrize(("status", "end", "published"), [
    ("ended", "31/01/2028", False), ("ended", "Perpetual", False),
    ("expired", "Open-ended", False), ("expired", "31/05/2020", True), (None, "Perpetual", True)])
def test_a_section_of_agreements_no_longer_in_force(tmp_path: Path, status: str | None,
                                                    end: str, published: bool) -> None:
    """A workbook's 'Terminated' sheet: its rows were published as in force until 2028 or
    open-ended."""
    section = replace(_section(tmp_path, end="term"), status=status)
    record = RawRecord("r", (4,), "", {"partner": "University of Oslo", "end": end})
    assert bool(build_agreements(record, section, "r", "p")) is published
