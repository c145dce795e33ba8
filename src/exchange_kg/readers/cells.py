"""Generic helpers for tab-separated table text: cells, headers, trailing values.

Extracted tables lose their grid in predictable ways: a header is repeated on every page and
sometimes truncated ("Quot"), a cell spills onto a line of its own, and the value columns at
the end of a row (a date, a quota) end up glued to the text before them. These helpers read
such lines without knowing which document they come from; the column names and patterns come
from the caller.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

# A date as partner lists write it, tolerant of OCR truncation ("2023/03/2") and one-digit
# months/days. The day takes at most two digits so a glued quota ("2016/11/185") stays apart.
DATE_PATTERN = r"\d{4}/\d{1,2}/\d{1,2}"
# A quota: a count, a cross (also as OCR reads it: x, xx), or short/long-term pairs
# ("ST10,LT5", truncated "ST10,LT"). Kept strict so ordinary words are never taken as one.
QUOTA_PATTERN = r"(?:[×✕xX]{1,2}|\d{1,3}|(?:ST|LT)\d*(?:,\s?(?:ST|LT)\d*)*)"

# A date in any numeric order lists use: year first as above, or day/month first with "/"
# or "." ("21/06/2019", "06/21/2019", "21.06.2019"); which of day and month comes first is
# the normaliser's business (decided per document), here it only marks a value.
VALUE_DATE_PATTERN = rf"(?:{DATE_PATTERN}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}})"

# Patterns of the value columns a trailing-value parser can recognise, by field name.
VALUE_PATTERNS: dict[str, str] = {"start": VALUE_DATE_PATTERN, "quota": QUOTA_PATTERN}


def split_cells(line: str) -> list[str]:
    """Tab-separated cells, each stripped; a line without tabs is one cell."""
    return [cell.strip() for cell in line.split("\t")]


def is_blank(line: str) -> bool:
    return not line.strip()


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form for tolerant comparisons."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def cell_matches(cell: str, expected: str, min_ratio: float = 85.0) -> bool:
    """Whether a header cell reads as the expected text.

    Accepts truncation (an extraction that cut "Quota" to "Quot") and small misreadings, so a
    repeated page header is recognised however the page was extracted.
    """
    a, b = fold(cell), fold(expected)
    if not a or not b:
        return a == b
    if a == b:
        return True
    if min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)):
        return True
    return fuzz.ratio(a, b) >= min_ratio


def header_at_end(cells: Sequence[str], header: Sequence[str]) -> bool:
    """Whether the last ``len(header)`` cells are the header (cells before it may be noise)."""
    if not header or len(cells) < len(header):
        return False
    tail = cells[len(cells) - len(header) :]
    return all(cell_matches(c, h) for c, h in zip(tail, header, strict=True))


def is_upper_header(cells: Sequence[str], header: Sequence[str]) -> bool:
    """Whether a row standing right above the header is the header's upper row.

    A two-row header labels groups of columns above one name per column ("Places" over
    "Incoming | Outgoing", "Validity" over "From | To"), with the other columns' names merged
    down both rows. Formats give such a row a signature no data row has: a label merged
    across leaves empty cells above header cells right of it, and a name merged down stands
    again (or alone) over its column's header cell.
    """
    if not header or len(cells) < 2 or len(cells) > len(header):
        return False
    upper = [fold(c) for c in cells] + [""] * (len(header) - len(cells))
    lower = [fold(h) for h in header]
    down = any(u and (u == low or not low) for u, low in zip(upper, lower, strict=True))
    across = any(not upper[j] and lower[j] and any(upper[:j]) for j in range(1, len(lower)))
    return down and across


# a header takes at most this many rows above its lowest one
_UPPER_ROWS = 3


def upper_header_rows(above: Sequence[Sequence[str]], header: Sequence[str]) -> int:
    """How many of the rows right above a header's lowest row (nearest last) are its upper
    rows: a header in three rows ('Places per year' over 'Students | Staff' over 'out | in
    | out | in') has two, each grouping the columns under it (see :func:`is_upper_header`);
    its top row was reported as a row out of place."""
    count = 0
    for cells in reversed(above[-_UPPER_ROWS:]):
        if not is_upper_header(cells, header):
            break
        count += 1
    return count


def paren_balance(text: str) -> int:
    """Opening minus closing brackets: >0 means the text stops inside a bracket."""
    return sum(text.count(c) for c in "([") - sum(text.count(c) for c in ")]")


_RULE = re.compile(r"^[-=_~.*+#:|\u2500-\u257f\u2014\u2013\s]+$")


def is_rule(cells: Sequence[str]) -> bool:
    """A line drawn with characters ("----  --------", "=====", box drawing, a Markdown
    table's ":----|:---:") under a header or between rows: a ruling, holding no value."""
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(_RULE.match(c) and len(c.strip()) >= 3 or c.strip() in "-=_"
                                for c in filled) and any(len(c.strip()) >= 3 for c in filled)


def has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


@dataclass(frozen=True)
class SplitText:
    """A text cell with the value tokens that were glued to its end peeled off."""

    text: str  # what is left: usually a name, possibly empty
    values: dict[str, str] = field(default_factory=dict)  # field name -> value as written


def peel_values(
    text: str,
    value_columns: Sequence[str],
    patterns: Mapping[str, str] = VALUE_PATTERNS,
) -> SplitText:
    """Split trailing value tokens (e.g. "... 2021/11/04 5") off a text, last column first.

    A value column may be missing at the end (a row without a quota) but the order is kept:
    the quota is only looked for after the date, never before it. Values glued behind text
    must include the first value column, so a name ending in a number ("Paris 8") keeps it.
    """
    rest = text.strip()
    values: dict[str, str] = {}
    for column in reversed(value_columns):
        pattern = patterns.get(column)
        if pattern is None:
            break
        found = _trailing(pattern, rest)
        if found is None:
            continue
        values[column] = rest[found:]
        rest = rest[:found].rstrip()
    if rest and value_columns and value_columns[0] not in values:
        return SplitText(text.strip(), {})
    ordered = {c: values[c] for c in value_columns if c in values}
    return SplitText(rest, ordered)


# A value column holds a short token (a date, a quota); looking for one only this far from
# the end of a cell keeps the search linear however long the text before it is.
_VALUE_WINDOW = 64


def _trailing(pattern: str, text: str) -> int | None:
    """Where a token of ``pattern`` that ends ``text`` and follows a space (or starts it)
    begins, or None."""
    window = text[-(_VALUE_WINDOW + 1):]
    offset = len(text) - len(window)
    match = re.search(rf"(?:^|\s)({pattern})$", window)
    if match is None or (offset and match.start(1) == 0):
        return None  # the window's start is not the text's: a token that long is no value
    return offset + match.start(1)


def value_columns_of(
    columns: Sequence[str], patterns: Mapping[str, str] = VALUE_PATTERNS
) -> list[str]:
    """The trailing columns whose values have a recognisable shape (date, quota)."""
    tail: list[str] = []
    for column in reversed(columns):
        if column not in patterns:
            break
        tail.insert(0, column)
    return tail


def row_from_cells(
    cells: Sequence[str],
    columns: Sequence[str],
    patterns: Mapping[str, str] = VALUE_PATTERNS,
) -> dict[str, str]:
    """Map the cells of a short line (fewer cells than columns) onto columns.

    Trailing cells that have the shape of the trailing value columns are taken as those values
    (a single cell may also carry glued values); the remaining cells are right-aligned onto the
    text columns, because extractions drop empty leading cells far more often than inner ones.
    """
    value_cols = value_columns_of(columns, patterns)
    text_cols = list(columns[: len(columns) - len(value_cols)])
    remaining = [c for c in cells]
    values: dict[str, str] = {}
    cols_left = list(value_cols)
    while remaining and cols_left:
        last = remaining[-1]
        split = peel_values(last, cols_left, patterns)
        if not split.values:
            break
        values.update(split.values)
        taken = list(split.values)
        cols_left = cols_left[: cols_left.index(taken[0])]
        if split.text:
            remaining[-1] = split.text
            break
        remaining.pop()
    out: dict[str, str] = {}
    texts = [c for c in remaining if c]
    for column, cell in zip(reversed(text_cols), reversed(texts), strict=False):
        out[column] = cell
    if len(texts) > len(text_cols) and text_cols:
        # more text cells than text columns: keep everything, glued into the first text column
        extra = texts[: len(texts) - len(text_cols) + 1]
        out[text_cols[0]] = " ".join(extra)
    out.update(values)
    return {c: out[c] for c in columns if c in out}


# Words a list's totals row starts with, in the languages of its lists.
TOTAL_WORDS = frozenset({
    "total", "totals", "subtotal", "sub-total", "grand total", "total parcial", "zwischensumme",
    "subtotale", "subtotaal", "sous-total",
    "sum", "summe", "gesamt", "insgesamt", "razem", "ogółem", "ogolem",
    "suma", "celkem", "spolu", "totale", "totaal", "summa", "totalt", "i alt", "yhteensä",
    "összesen", "toplam", "σύνολο", "итого", "всего", "разом", "усього", "soma", "totais",
    "sumă", "合計", "合计", "总计", "합계"})


def is_total(text: str) -> bool:
    """Whether a cell starts with a totals word ("Total outbound places", "Summe", "合計"):
    the word whole, not the start of a name ("Sumy State University")."""
    folded = text.strip().casefold()
    return any(folded.startswith(word) and (
        len(folded) == len(word) or not folded[len(word)].isalpha() or word[0] >= "\u2e80")
        for word in TOTAL_WORDS)


def is_total_line(cells: Sequence[str]) -> bool:
    """A line of the list's own totals, whatever column its label stands in ("Subtotal
    Europe | | | 5 | 5", "TOTAL AGREEMENTS:   14" under a report's first column): its first
    cell says so and the others hold numbers only. Never an agreement, nor the rest of the
    row above."""
    filled = [c for c in cells if c.strip()]
    return bool(filled) and is_total(filled[0]) and all(
        not re.search(r"[^\W\d_]", c) for c in filled[1:])
