"""A partner cell naming several institutions on lines of its own, beside a country cell with
a country on each line: each line is a party in its line's country, never one institution
with the other's name as its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_kg.agreements import build_agreements
from exchange_kg.mapping_spec import load_mapping
from exchange_kg.records import RawRecord

BREAK = "\u2028"  # how the readers hand on a line break inside a cell


def _section(tmp_path: Path):  # noqa: ANN202
    path = tmp_path / "s.yaml"
    path.write_text("source: s\nlist: s\nsections:\n  - name: rows\n    reader:\n"
                    "      name: simple-table\n      options:\n"
                    "        columns: [country, partner, city]\n"
                    "    fields:\n      country: country\n      partner: partner\n"
                    "      city: text\n    constants:\n      level: department\n", "utf-8")
    return load_mapping(path).sections[0]


def _parties(tmp_path: Path, country: str, partner: str, city: str
             ) -> tuple[list[tuple[str, tuple[str, ...], str | None, str | None]], set[str]]:
    record = RawRecord("s", (4,), "", {"country": country, "partner": partner, "city": city})
    (agreement,) = build_agreements(record, _section(tmp_path), "s", "p")
    return ([(p.name, p.alt_names, p.country, p.city) for p in agreement.parties],
            {f.code for f in record.flags})


def test_a_country_on_each_line_makes_each_line_a_party(tmp_path: Path) -> None:
    """A consortium cell 'Universität des Saarlandes<br>Universidad de Zaragoza' beside
    'Allemagne<br>Espagne' published Zaragoza's name as Saarbrücken's other name."""
    parties, codes = _parties(
        tmp_path, f"Allemagne{BREAK}Espagne",
        f"Universität des Saarlandes{BREAK}Universidad de Zaragoza",
        f"Sarrebruck{BREAK}Saragosse")
    assert parties == [("Universität des Saarlandes", (), "DE", "Sarrebruck"),
                       ("Universidad de Zaragoza", (), "ES", "Saragosse")]
    assert "country-unknown" not in codes


@pytest.mark.parametrize(("country", "partner"), [
    # one country on both lines: a name and its translation, as before
    (f"Polska{BREAK}Poland", f"Uniwersytet Warszawski{BREAK}University of Warsaw"),
    # a unit on the second line is no party
    (f"Allemagne{BREAK}Espagne", f"Universität des Saarlandes{BREAK}Fakultät Chemie"),
])
def test_lines_that_say_nothing_of_several_parties_are_read_as_before(
        tmp_path: Path, country: str, partner: str) -> None:
    parties, _ = _parties(tmp_path, country, partner, "")
    assert len(parties) == 1


def _agreements(tmp_path: Path, partner: str, quota: str, kind: str = "bilateral"
                ) -> list[tuple[tuple[str, ...], int | None]]:
    path = tmp_path / "q.yaml"
    path.write_text("source: s\nlist: s\nsections:\n  - name: rows\n    reader:\n"
                    "      name: simple-table\n      options:\n"
                    "        columns: [country, partner, quota, kind]\n"
                    "    fields:\n      country: country\n      partner: partner\n"
                    "      quota: quota\n      kind: kinds\n    constants:\n"
                    "      level: department\n", "utf-8")
    section = load_mapping(path).sections[0]
    record = RawRecord("s", (4,), "", {"country": "Schweiz", "partner": partner,
                                       "quota": quota, "kind": kind})
    return [(tuple(p.name for p in a.parties), a.quota.places_for("unspecified"))
            for a in build_agreements(record, section, "s", "p")]


@pytest.mark.parametrize("quota", ["je 1", "1 each", "1 cada uno", "po 1", "各1名"])
def test_places_for_each_party_make_one_agreement_each(tmp_path: Path, quota: str) -> None:
    """'Universität Bern<br>Universität Basel | je 1' (one place each) was one agreement of
    two parties with one place between them: the row lists two agreements."""
    got = _agreements(tmp_path, f"Universität Bern{BREAK}Universität Basel", quota)
    assert got == [(("Universität Bern",), 1), (("Universität Basel",), 1)]


@pytest.mark.parametrize(("quota", "kind"), [
    ("2", "bilateral"),  # no word shares the places out: one agreement, as the row says
    ("2 each way", "bilateral"),  # each direction's places, not each party's
    ("2 (1 semester each)", "bilateral"),  # the time each place lasts
    ("je 1", "consortium"),  # a consortium's members share one agreement
])
def test_several_parties_stay_one_agreement_without_places_for_each(
        tmp_path: Path, quota: str, kind: str) -> None:
    got = _agreements(tmp_path, f"Universität Bern{BREAK}Universität Basel", quota, kind)
    assert [parties for parties, _ in got] == [("Universität Bern", "Universität Basel")]
