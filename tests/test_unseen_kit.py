"""The generalisation kit: every list builds through its mapping file alone, and no field of
any list scores worse than ``tests/fixtures/unseen/results.tsv`` records (see unseen_kit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from unseen_kit import FIELDS, PENALTIES, kit_lists, read_results, score


@pytest.mark.parametrize("folder", kit_lists(), ids=lambda p: p.name)
def test_kit_list_scores_at_least_what_it_records(folder: Path) -> None:
    recorded = read_results()
    result = score(folder, validate=True)
    worse = []
    for name in (*FIELDS, *PENALTIES):
        total, _before, now = recorded.get((folder.name, name), (result.expected, 0, 0))
        if (folder.name, name) not in recorded:
            now = total  # a list without recorded scores must be right throughout
        got = result.count(name)
        if (got > now) if name in PENALTIES else (got < now):
            worse.append(f"{name}: {got} (recorded {now})")
    assert not worse, "\n".join(worse + result.misses)
    if result.error == "":
        assert result.conforms is not False, f"{folder.name}: the graph does not conform"


def test_the_kit_has_lists_in_the_main_languages() -> None:
    languages = set()
    for folder in kit_lists():
        text = (folder / "sources" / "manifest.yaml").read_text("utf-8")
        languages.update(line.split(":", 1)[1].strip() for line in text.splitlines()
                         if line.strip().startswith("language:"))
    assert {"es", "de", "fr", "pt"} <= languages
    assert len(kit_lists()) >= 6
