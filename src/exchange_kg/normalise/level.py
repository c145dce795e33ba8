"""Level cells ("University", "Department", "部局間") -> the agreement's level.

Most lists hold one level per section, a constant of the mapping; some give it per row, in a
column of its own ("Type: University / Department"). The words are reviewed data
(``data/level-words.tsv``); a cell they do not know is flagged and nothing is published.
"""

from __future__ import annotations

from functools import cache

from exchange_kg.normalise.country import text_key
from exchange_kg.normalise.vocabulary import data_rows
from exchange_kg.records import Flag


@cache
def level_words() -> dict[str, str]:
    """Folded word -> level (``university`` or ``department``)."""
    return {text_key(row[0]): row[1] for row in data_rows("level-words.tsv")}


def parse_level(raw: str, *, field: str = "level") -> tuple[str | None, list[Flag]]:
    text = raw.strip()
    if not text:
        return None, []
    level = level_words().get(text_key(text))
    if level is None:
        return None, [Flag(field, "unknown-level", f"{text!r} is not an agreement level we know "
                           "(university or department)", raw, withheld=True)]
    return level, []
