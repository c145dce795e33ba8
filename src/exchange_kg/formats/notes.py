"""A sheet, page or run of paragraphs of written notes: what a list says about itself, no
partners.

A workbook's cover sheet (its title, 'Updated: 03/11/2025', sentences on what each sheet
holds and what 'Places' means, a contact line) is no table any section could read; reported
line by line as unread, it reads as if partners had been lost. It is told by its shape, in
any language: one cell a line; after at most a few title lines, lines that are sentences
(they end as a sentence ends) or a short label with its value ('Contact: ...'); and none of
those naming an institution. A sheet of partner names fails on the names (no sentence ends
them, or they name an institution), so it stays reported.
"""

from __future__ import annotations

import re

from exchange_kg.normalise.fit import looks_like_institution

# Title lines a note may open with (an owner's name, the list's title, a subtitle) ...
TITLE_LINES = 3
# ... of which at most this many, the first, may name an institution: the list's owner.
OWNER_TITLES = 1
# A sentence has at least this many words (or, in a script written without spaces, this
# many characters).
SENTENCE_WORDS = 3
UNSPACED_SENTENCE = 10
# A label before its value has at most this many words.
LABEL_WORDS = 3

# what ends a sentence: full stops, question and exclamation marks of the world's scripts
_SENTENCE_END = re.compile(r"[.!?…。．！？।॥۔؟።။]['\"”’»)\]]*$")
_LABEL = re.compile(r"^([^:：]{1,40})[:：]\s*(\S.*)$")


def is_written_note(lines: list[str]) -> bool:
    """Whether the non-empty ``lines`` (one cell each) are a note: a few titles, then at
    least two lines that are sentences or labelled values, one a sentence at least, and no
    institution named after the first line."""
    lines = [line.strip() for line in lines if line.strip()]
    start = next((k for k, line in enumerate(lines) if _kind(line)), len(lines))
    titles, body = lines[:start], lines[start:]
    if len(titles) > TITLE_LINES or len(body) < 2:
        return False
    kinds = [_kind(line) for line in body]
    if not all(kinds) or "sentence" not in kinds:
        return False
    return sum(names_institution(t) for t in titles[OWNER_TITLES:]) == 0


def _kind(line: str) -> str:
    """'sentence', 'label' (a short label and its value) or '' (anything else: a title, a
    name); a line naming an institution is '' whatever its shape."""
    if names_institution(line):
        return ""
    if _is_sentence(line):
        return "sentence"
    label = _LABEL.match(line)
    if label and len(label.group(1).split()) <= LABEL_WORDS:
        return "label"
    return ""


def _is_sentence(line: str) -> bool:
    if not _SENTENCE_END.search(line):
        return False
    words = line.split()
    return len(words) >= SENTENCE_WORDS or len(words) == 1 and len(line) >= UNSPACED_SENTENCE


def names_institution(line: str) -> bool:
    """Whether a line names an institution: a word of an institution's name that is not
    written in lower case ('Kyoto University' does; 'agreements with the universities of
    each country' does not: a common noun in a sentence)."""
    named = " ".join(w for w in line.split() if not w[:1].islower())
    return bool(named) and looks_like_institution(named)
