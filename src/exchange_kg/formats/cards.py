"""Cards on a web page without tables: one partner per ``<div>``, ``<article>``, list item or
description list, its fields labelled ("Country: Germany", ``<dt>Places</dt><dd>2</dd>``).

A browser shows such a page as a list of boxes; read as its lines (:mod:`.html`), each field
would be a line of its own and no reader could tell which partner it belongs to. So sibling
elements that carry the same labels are read as a table: a header row of the labels, then
"Name" over the cards' titles (their first line without a label, before the labels; a
further such line, a city or a unit, in a column of its own), and one row per card, each
value under its label. Only what the cards state is placed; a card without a label leaves
its cell empty, and its unlabelled lines after the labels stand in a last column, "Other
text", never read as its name or unit.

The evidence asked for is strict, because a false card would put one partner's field on
another's row: at least two sibling blocks of the same tag and class, each with two fields or
more, each field on a line of its own; some label on more than half of them; no label twice
in one card (a box holding two partners); and no card holding cards (the innermost repeated
blocks are the records).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from exchange_kg.formats.grid import LINE_BREAK
from exchange_kg.formats.textdoc import BULLET

# "Country: Germany", "Places : 2": a short label (a few words, no digits first) and a colon
# followed by a space (not "http://", not "10:30").
_LABELLED = re.compile(r"^(?P<label>[^\W\d_][^:]{0,39}?)\s*:\s+(?P<value>\S.*)$")
_LABEL_WORDS = 4
# More unlabelled lines than this in a box and it is a section of text, not a card.
_TITLE_LINES = 3

# The header of the cards' titles, which no label names: what a box's heading is.
TITLE = "Name"
# The header of the lines after a card's labels ("Read more"): said to be other text, so a
# mapping can read the cards and leave it ("-").
OTHER = "Other text"

Lines = list[tuple[list[str], str]]  # (cells, the element that holds them), as html lays out
LayOut = Callable[[Any], Lines]


@dataclass
class Cards:
    """The cards found on a page: each card element's row, the header before each group."""

    header: list[str]
    rows: dict[Any, list[str]] = field(default_factory=dict)
    firsts: set[Any] = field(default_factory=set)  # the first card of each group


def _fields(lines: Lines) -> list[tuple[str | None, str]]:
    """A box's lines as (label, value) pairs, None for a line without a label."""
    out: list[tuple[str | None, str]] = []
    for cells, tag in lines:
        if tag == "dl":  # a description list's term and description(s)
            out.append((cells[0] or None, cells[1] if len(cells) > 1 else ""))
            continue
        text = " ".join(cells).removeprefix(BULLET).strip()
        # several fields on one line, apart by a middle dot, bullet or bar ('Avtal: Erasmus+ ·
        # Platser: 2 · Giltigt till: 2029-05-31'): each a field, when each is labelled
        parts = [_labelled(p) for p in _BETWEEN.split(text)]
        if len(parts) > 1 and all(p is not None for p in parts):
            out.extend(p for p in parts if p is not None)
        elif (one := _labelled(text)) is not None:
            out.append(one)
        elif text:
            out.append((None, text))
    return out


_BETWEEN = re.compile(r"\s+[·•|]\s+")


def _labelled(text: str) -> tuple[str, str] | None:
    found = _LABELLED.match(text)
    if found and len(found["label"].split()) <= _LABEL_WORDS:
        return found["label"].strip(), found["value"].strip()
    return None


def _unlabelled(box: list[tuple[str | None, str]]) -> tuple[list[str], list[str]]:
    """A box's lines without a label before its first label (its title: a name, perhaps a
    unit under it, as a table cell's lines) and after it (a "Read more" link, a remark):
    the latter stand in a column of their own, never taken for the title."""
    first = next((i for i, (label, _) in enumerate(box) if label is not None), len(box))
    return ([v for label, v in box[:first] if label is None],
            [v for label, v in box[first:] if label is None])


def _key(label: str) -> str:
    return " ".join(label.split()).casefold()


def _is_group(boxes: list[list[tuple[str | None, str]]]) -> bool:
    """Whether sibling boxes' fields are cards (see module doc)."""
    if len(boxes) < 2:
        return False
    seen: dict[str, int] = {}
    for box in boxes:
        labels = [_key(label) for label, _ in box if label is not None]
        if len(box) < 2 or not labels or len(labels) != len(set(labels)):
            return False
        if sum(1 for label, _ in box if label is None) > _TITLE_LINES:
            return False
        for label in labels:
            seen[label] = seen.get(label, 0) + 1
    return any(count * 2 > len(boxes) for count in seen.values())


def find_cards(body: Any, lay_out: LayOut, blocks: frozenset[str]) -> Cards | None:
    """The cards of a page (see module doc), or None when it has none. ``lay_out`` gives an
    element's lines as the page's are laid out; ``blocks`` are the tags a card can be."""
    groups: list[tuple[int, list[Any]]] = []
    for parent in body.iter():
        if not isinstance(parent.tag, str):
            continue
        kin: dict[tuple[str, str], list[Any]] = {}
        for child in parent:
            if isinstance(child.tag, str) and child.tag in blocks:
                kin.setdefault((child.tag, child.get("class", "")), []).append(child)
        depth = sum(1 for _ in parent.iterancestors())
        groups += [(depth, members) for members in kin.values() if len(members) >= 2]
    holding: set[Any] = set()  # elements a card found is inside
    found: list[tuple[list[Any], list[list[tuple[str | None, str]]]]] = []
    for _, members in sorted(groups, key=lambda g: -g[0]):  # the innermost first
        if any(m in holding for m in members):
            continue
        boxes = [_fields(lay_out(m)) for m in members]
        if not _is_group(boxes):
            continue
        found.append((members, boxes))
        for m in members:
            holding.update(m.iterancestors())
            holding.add(m)
    if not found:
        return None
    found.sort(key=lambda g: g[0][0].sourceline or 0)
    labels: dict[str, str] = {}  # key -> the label as first written
    heads = trailing = 0  # the most title lines of a card; whether any has lines after
    for _, boxes in found:
        for box in boxes:
            head, tail = _unlabelled(box)
            heads, trailing = max(heads, len(head)), trailing or bool(tail)
            for label, _ in box:
                if label is not None:
                    labels.setdefault(_key(label), label)
    columns = list(labels)
    # The titles' column: named as what a card's title is, unless a label says so already;
    # a line under the title (a city, a unit) a column of its own, without a header
    title = TITLE if _key(TITLE) not in labels else ""
    cards = Cards([labels[k] for k in columns] + [title] * bool(heads) + [""] * (heads - 1)
                  + [OTHER] * trailing)
    for members, boxes in found:
        cards.firsts.add(members[0])
        for member, box in zip(members, boxes, strict=True):
            row = [""] * len(cards.header)
            head, tail = _unlabelled(box)
            row[len(columns):len(columns) + len(head)] = head
            if tail:
                row[-1] = LINE_BREAK.join(tail)
            for label, value in box:
                if label is not None:
                    row[columns.index(_key(label))] = value
            cards.rows[member] = row
    return cards
