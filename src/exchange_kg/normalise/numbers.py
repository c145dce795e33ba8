"""Whole numbers read from documents, bounded before they are parsed.

A row number, a quota or a stated total is a handful of digits. A cell of thousands of digits
is damage, and turning it into a Python ``int`` costs time quadratic in its length (CPython
refuses beyond 4,300 digits with a message meant for programmers) or makes code that counts
up to it allocate without end. So digits become a number only when there are few enough.
"""

from __future__ import annotations

# Nothing a partner list counts (rows, places, partners, years) needs more digits than this.
MAX_DIGITS = 9


def bounded_int(text: str, max_digits: int = MAX_DIGITS) -> int | None:
    """The number written as ``text`` (decimal digits of any script, leading zeros allowed),
    or None when it is not one or has more than ``max_digits`` significant digits."""
    text = text.strip()
    if not text or not text.isdecimal():  # isdecimal, not isdigit: "²" is no number
        return None
    significant = text.lstrip("0") or "0"
    if len(significant) > max_digits:
        return None
    return int(significant)


def is_number(text: str, max_digits: int = MAX_DIGITS) -> bool:
    return bounded_int(text, max_digits) is not None
