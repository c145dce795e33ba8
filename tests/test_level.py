"""Level cells: a row's own agreement level, from reviewed words in several languages."""

from __future__ import annotations

import pytest

from exchange_kg.normalise.level import parse_level


@pytest.mark.parametrize(("cell", "level"), [
    ("University", "university"), ("university-level", "university"),
    ("Department", "department"), ("Faculty level", "department"),
    ("Fakultät", "department"), ("Wydziałowa", "department"), ("部局間", "department"),
    ("大学間", "university"), ("", None),
])
def test_level_words(cell: str, level: str | None) -> None:
    value, flags = parse_level(cell)
    assert (value, flags) == (level, [])


def test_an_unknown_level_is_flagged_and_withheld() -> None:
    value, flags = parse_level("Consortium")
    assert value is None
    assert [(f.code, f.withheld) for f in flags] == [("unknown-level", True)]
