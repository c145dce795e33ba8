"""Level cells ("University", "Department", "部局間") -> the agreement's level.

Most lists hold one level per section, a constant of the mapping; some give it per row, in a
column of its own ("Type: University / Department"). The words are reviewed data
(``data/level-words.tsv``); a cell they do not know is flagged and nothing is published.

A "Level" column often gives the level of *study* instead ("Bachelor, Master", "Laurea
magistrale", "ISCED 7", "UG/PG"): the same table knows those words (level ``study``), so such
a cell is recognised and flagged as what it is, not published as an agreement level (the
ontology has no property for study levels) and not reported as a word nobody understood.
"""

from __future__ import annotations

import re
from functools import cache

from exchange_kg.normalise.country import text_key
from exchange_kg.normalise.vocabulary import data_rows
from exchange_kg.records import Flag


@cache
def level_words() -> dict[str, str]:
    """Folded word -> level (``university`` or ``department``)."""
    return {text_key(row[0]): row[1] for row in data_rows("level-words.tsv")}


# "ISCED 7", "ISCED level 6", "EQF 7": a study level by its number in the two European scales
_NUMBERED_STUDY = re.compile(r"(?:isced|eqf)(?: level)? [5-8]")


def _study_level(text: str) -> bool:
    """Does every part of the cell name a level of study ("Bachelor, Master", "BA/MA",
    "Triennale e Magistrale")? Parts are split at punctuation and at the words that join
    two levels (level ``-``)."""
    words = level_words()
    joins = sorted((w for w, level in words.items() if level == "-"), key=len, reverse=True)
    pattern = r"[,;/+&]" + "".join(rf"|\s{re.escape(w)}\s" for w in joins)
    parts = [text_key(p) for p in re.split(pattern, " ".join(text.casefold().split()))]
    return all(p and (words.get(p) == "study" or _NUMBERED_STUDY.fullmatch(p))
               for p in parts)


def parse_level(raw: str, *, field: str = "level") -> tuple[str | None, list[Flag]]:
    text = raw.strip()
    if not text:
        return None, []
    level = level_words().get(text_key(text))
    if level == "-":
        level = None
    if level == "study" or (level is None and _study_level(text)):
        return None, [Flag(field, "study-level", f"{text!r} names a level of study, not whether "
                           "the agreement binds the institution or a unit; not published (the "
                           "ontology has no property for it)", raw)]
    if level is None:
        return None, [Flag(field, "unknown-level", f"{text!r} is not an agreement level we know "
                           "(university or department)", raw, withheld=True)]
    return level, []
