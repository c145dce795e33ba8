"""An Erasmus+ agreement export: a row per partner, subject area and mobility type (SMS, STA
...), its places in a column of their own. The mobility type says whose places they are:
staff places are no quota, and the columns of months or days beside them are no places."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_kg import pipeline
from exchange_kg.propose import propose, read_with
from exchange_kg.yamlfile import DataFileError

HEADER = ("Erasmus code", "Partner institution", "Mobility type", "Mobilities per year",
          "Total months/days per year", "From (academic year)", "To (academic year)")
ROWS = [("E  MADRID03", "Universidad Complutense de Madrid", "SMS", "2", "10", "2021", "2027"),
        ("E  MADRID03", "Universidad Complutense de Madrid", "STA", "2", "10", "2021", "2027"),
        ("A  WIEN01", "Universität Wien", "STA", "1", "5", "2021", "2027"),
        ("F  LYON02", "Université Lumière Lyon 2", "SMS", "3", "15", "2021", "2027")]


def _export(path: Path) -> Path:
    path.write_text("\n".join(";".join(r) for r in [HEADER, *ROWS]) + "\n", "utf-8")
    return path


def test_the_mobility_type_decides_whose_places_a_row_counts(tmp_path: Path) -> None:
    doc = _export(tmp_path / "iia.csv")
    proposal = propose(doc, "iia")
    columns = proposal.mapping["sections"][0]["reader"]["options"]["columns"]
    # the months beside the places are no second quota that would leave both unread
    assert columns[2:5] == ["mobility", "quota", "-"]
    quotas = [(a.parties[0].name, a.quota and a.quota.places) for a in
              pipeline.source_agreements(read_with(proposal, doc))]
    assert quotas == [("Universidad Complutense de Madrid", (("unspecified", 2),)),
                      ("Universidad Complutense de Madrid", None),  # two teachers' places
                      ("Universität Wien", None),
                      ("Université Lumière Lyon 2", (("unspecified", 3),))]


def test_a_mobility_type_read_without_a_quota_is_a_mapping_error(tmp_path: Path) -> None:
    from exchange_kg.mapping_spec import load_mapping

    path = tmp_path / "iia.yaml"
    path.write_text("source: iia\nlist: iia\nsections:\n  - name: rows\n    reader:\n"
                    "      name: simple-table\n      options:\n        delimiter: ';'\n"
                    "        columns: [erasmus_code, partner, mobility]\n    fields:\n"
                    "      erasmus_code: erasmus-code\n      partner: partner\n"
                    "      mobility: none\n    constants: {}\n", "utf-8")
    with pytest.raises(DataFileError, match="mobility is read with the quota"):
        load_mapping(path)
