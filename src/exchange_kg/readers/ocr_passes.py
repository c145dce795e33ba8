"""Several garbled OCR passes over a page, used as extra readings of the clean rows.

Some OCR extractions glue several passes over the same page into the first cell of each line
(spaces lost, HTML ``<td>`` fragments, misread letters, phantom rows), followed by the clean
cells of one row. The clean cells define the agreement; the passes are only *readings*: they
fill a cell the clean row left empty, confirm or repair a garbled value, and are kept as
alternatives. A pass never creates a record of its own, because its phantom variants ("South
Onina University") are misreadings of rows that exist.

The work is: segment each pass into entries at its date+quota boundaries, align the entries of
each pass to the clean rows in order (a pass reads the page top to bottom), then take per field
the reading most passes agree on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from exchange_kg.readers.cells import DATE_PATTERN, fold, has_letters, paren_balance

# Quota as it appears glued behind a date inside a pass: a cross (×, x, xx), a count of at
# most two digits not followed by more digits or a slash, OCR's "$" for 5, or ST/LT pairs.
_PASS_QUOTA = r"×|✕|[xX]{1,2}(?![a-z])|\\?\$|(?:ST|LT)\d+(?:,(?:ST|LT)\d*)?|\d{1,2}(?![\d/])"
_ENTRY_END = re.compile(rf"({DATE_PATTERN})(?:\s*({_PASS_QUOTA}))?")
_HTML = re.compile(r"<[^<>]*>|</?t[dr]\b|td=\"\"|[<>]")

# Letters OCR reads in place of digits inside a number, mapped back to the digit.
_DIGIT_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})

# Weights of the evidence that an entry reads a row: the name dominates; the date separates
# rows with similar names (two faculties of one university); the quota breaks the rest.
_W_NAME, _W_DATE, _W_QUOTA = 0.7, 0.2, 0.1
MATCH_THRESHOLD = 70.0
# Below this the names differ too much for values to make up for it (another institution).
MIN_NAME_SIMILARITY = 65.0


@dataclass(frozen=True)
class PassEntry:
    """One row as one OCR pass read it."""

    line: int  # source line the pass is on
    index: int  # position within its pass
    name: str  # text before the date: the partner, possibly led by a country label or garbage
    date: str | None
    quota: str | None
    cut_front: bool  # first entry of its pass: the name may start mid-way
    cut_back: bool  # trailing text without a date: the name may stop mid-way


@dataclass(frozen=True)
class TargetRow:
    """A clean row the passes are aligned to; empty strings where the clean cell is empty."""

    name: str
    date: str
    quota: str


def clean_pass_text(text: str) -> str:
    """Undo the glue a pass suffered: HTML fragments out, spaces back at case changes."""
    text = _HTML.sub(" ", text).replace("\\$", "$")
    out: list[str] = []
    for i, ch in enumerate(text):
        if i and ch.isupper() and text[i - 1].islower():
            out.append(" ")  # "BelgiumUniversity" -> "Belgium University"
        out.append(ch)
    return " ".join("".join(out).split())


def _strip_junk(name: str) -> str:
    """Drop leading tokens that cannot start a name (stray digits, single letters, slashes)."""
    tokens = name.split()
    while tokens and (not has_letters(tokens[0]) or len(tokens[0]) == 1):
        tokens.pop(0)
    return " ".join(tokens)


def segment_pass(text: str, line: int) -> list[PassEntry]:
    """Cut one pass into entries, each ending at a date (and the quota glued behind it)."""
    text = clean_pass_text(text)
    entries: list[PassEntry] = []
    pos = 0
    for match in _ENTRY_END.finditer(text):
        name = _strip_junk(text[pos : match.start()])
        entries.append(
            PassEntry(line, len(entries), name, match.group(1), match.group(2), not entries, False)
        )
        pos = match.end()
    rest = _strip_junk(text[pos:])
    if sum(c.isalpha() for c in rest) >= 3:
        entries.append(PassEntry(line, len(entries), rest, None, None, not entries, True))
    return entries


def norm_value(value: str | None) -> str:
    """A value with OCR's usual confusions undone ("xx" for "×", "$" for "5", "O" for "0").

    Used to compare readings and to vote; a voted value is only published through a flag.
    """
    if not value:
        return ""
    value = value.replace(" ", "")
    if re.fullmatch(r"[×✕xX]{1,2}", value):
        return "×"
    if re.fullmatch(r"\\?[$S]", value):
        return "5"
    if re.fullmatch(r"[\dOolI/]+", value) and any(c.isdigit() for c in value):
        return value.translate(_DIGIT_CONFUSIONS)
    return value


def name_similarity(entry: PassEntry, name: str) -> tuple[float, int]:
    """How well an entry's name reads a row's name, and how many leading tokens to drop.

    Up to two leading tokens may be a country label or OCR garbage ("Brunel", "Fence"), so
    they are tried off. A name cut at the pass edge is compared with the matching end of
    the row's name, and counts less the less of the name it covers: the end "Materials
    Science and Engineering)" fits many rows.
    """
    tokens = entry.name.split()
    target = fold(name)
    best, best_drop = 0.0, 0
    for drop in range(min(3, len(tokens))):
        candidate = fold(" ".join(tokens[drop:]))
        if not candidate:
            break
        score = fuzz.ratio(candidate, target)
        if (entry.cut_front or entry.cut_back) and len(candidate) < len(target):
            part = target[-len(candidate) :] if entry.cut_front else target[: len(candidate)]
            cover = (len(candidate) / len(target)) ** 0.5
            score = max(score, fuzz.ratio(candidate, part) * cover)
        score -= 2.0 * drop
        if score > best:
            best, best_drop = score, drop
    return best, best_drop


def entry_score(entry: PassEntry, row: TargetRow) -> float:
    """0..100: how likely the entry is this row's reading (0 for a row without a name).

    A row whose clean name cell is empty is not scored here: values alone would let any
    entry with a similar date claim it; :func:`read_empty_rows` places those by position.
    """
    if not row.name:
        return 0.0
    date = fuzz.ratio(entry.date, row.date) if entry.date and row.date else 50.0
    quota = 100.0 if norm_value(entry.quota) == norm_value(row.quota) and row.quota else 0.0
    name, _ = name_similarity(entry, row.name)
    if name < MIN_NAME_SIMILARITY:
        return 0.0
    return _W_NAME * name + _W_DATE * date + _W_QUOTA * quota


# Entry-row pairs one alignment may score: the dynamic programme is entries x rows. The
# bundled OCR list needs at most 500 (17 entries, 29 rows); a pass longer than this bound
# allows is aligned by its first entries only (see ``align``).
MAX_ALIGN_PAIRS = 20_000


def aligned_prefix(entries: Sequence[PassEntry], rows: int,
                   budget: int = MAX_ALIGN_PAIRS) -> Sequence[PassEntry]:
    """The entries of a pass the alignment bound lets it compare with ``rows`` rows."""
    if not rows or len(entries) * rows <= budget:
        return entries
    return entries[: budget // rows]


def align(entries: Sequence[PassEntry], rows: Sequence[TargetRow]) -> dict[int, int]:
    """Monotone alignment of one pass to the rows: entry index -> row index.

    A pass reads the page in order, so entries may be skipped (phantoms, garbage) and rows
    may be missed, but two entries never cross. Maximises the summed excess of the matches'
    scores over the threshold (dynamic programming). Rows with an empty name are then read
    by :func:`read_empty_rows`. The work is bounded (``MAX_ALIGN_PAIRS``): entries of a pass
    beyond the bound are left unaligned, being readings only.
    """
    entries = aligned_prefix(entries, len(rows))
    n, m = len(entries), len(rows)
    gain = [[entry_score(e, r) - MATCH_THRESHOLD for r in rows] for e in entries]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = [best[i - 1][j], best[i][j - 1]]
            if gain[i - 1][j - 1] > 0:
                options.append(best[i - 1][j - 1] + gain[i - 1][j - 1])
            best[i][j] = max(options)
    pairs: dict[int, int] = {}
    i, j = n, m
    while i and j:
        if best[i][j] == best[i - 1][j]:
            i -= 1
        elif best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            pairs[i - 1] = j - 1
            i, j = i - 1, j - 1
    return read_empty_rows(entries, dict(sorted(pairs.items())), rows)


def _same_values(entry: PassEntry, row: TargetRow) -> bool:
    """The entry carries the row's date (one misread digit allowed) and quota."""
    if not entry.date or not row.date:
        return False
    date, wanted = norm_value(entry.date), norm_value(row.date)
    if date != wanted and not (len(date) == len(wanted) and fuzz.ratio(date, wanted) >= 90):
        return False
    return not row.quota or norm_value(entry.quota) == norm_value(row.quota)


def read_empty_rows(
    entries: Sequence[PassEntry], pairs: dict[int, int], rows: Sequence[TargetRow]
) -> dict[int, int]:
    """Add, for each row with an empty name, the entry that reads it, if one clearly does.

    The entry must lie between the entries read as the row's neighbours (the pass keeps the
    page order), carry the row's date and quota, and have a name; when several qualify the
    one with the exact date wins, and a remaining tie reads nothing.
    """
    result = dict(pairs)
    for r, row in enumerate(rows):
        if row.name:
            continue
        before = [e for e, rr in pairs.items() if rr < r]
        after = [e for e, rr in pairs.items() if rr > r]
        low = max(before) + 1 if before else 0
        high = min(after) if after else len(entries)
        fits = [
            k
            for k in range(low, high)
            if k not in result
            and sum(c.isalpha() for c in entries[k].name) >= 3
            and _same_values(entries[k], row)
        ]
        exact = [k for k in fits if norm_value(entries[k].date) == norm_value(row.date)]
        chosen = exact or fits
        if len(chosen) == 1:
            result[chosen[0]] = r
    return dict(sorted(result.items()))


def strip_labels(name: str, labels: Iterable[str]) -> str:
    """Remove leading words that are country labels of the document ("Hungary The ...")."""
    known = {fold(label) for label in labels if label}
    tokens = name.split()
    while len(tokens) > 1 and fold(tokens[0]) in known:
        tokens.pop(0)
    return " ".join(tokens)


def reading_of(entry: PassEntry, row: TargetRow, labels: Iterable[str]) -> str:
    """The entry's name without the leading label/garbage the alignment identified."""
    if row.name:
        _, drop = name_similarity(entry, row.name)
        return " ".join(entry.name.split()[drop:])
    return strip_labels(entry.name, labels)


@dataclass(frozen=True)
class Consensus:
    value: str | None  # the reading most passes support, or None
    support: int  # how many readings vote for it (identical, or a cut beginning of it)
    total: int  # how many readings there were
    ranked: tuple[str, ...]  # distinct readings, best first


def consensus_name(readings: Sequence[str]) -> Consensus:
    """The reading most passes vote for, preferring complete ones.

    Complete means brackets balanced: a pass often stops mid-name, and a cut reading must not
    win over a whole one just because cuts are frequent; instead a cut reading votes for the
    whole readings it is the beginning of. Remaining ties go to the reading most similar to
    all others (one misread letter costs little, a phantom row a lot), then alphabetically.
    """
    readings = [r for r in readings if has_letters(r)]
    if not readings:
        return Consensus(None, 0, 0, ())
    counts = Counter(readings)
    distinct = sorted(counts)
    folded = {r: fold(r) for r in distinct}

    def votes(candidate: str) -> int:
        return sum(
            counts[other]
            for other in distinct
            if other == candidate
            or (paren_balance(other) > 0 and folded[candidate].startswith(folded[other]))
        )

    def support(candidate: str) -> float:
        return sum(
            counts[other] * fuzz.ratio(folded[candidate], folded[other]) / 100.0
            for other in distinct
        )

    ranked = sorted(
        distinct,
        key=lambda r: (paren_balance(r) != 0, -votes(r), -support(r), r),
    )
    best = ranked[0]
    return Consensus(best, votes(best), len(readings), tuple(ranked))


def consensus_value(readings: Sequence[str | None], is_valid: Callable[[str], bool]) -> str | None:
    """A valid value at least two readings agree on and no other value ties (else None)."""
    votes = Counter(norm_value(r) for r in readings if r and is_valid(norm_value(r)))
    if not votes:
        return None
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    value, count = ranked[0]
    if count < 2 or (len(ranked) > 1 and ranked[1][1] == count):
        return None
    return value


_WORD = re.compile(r"[^\W\d_]+")


class Vocabulary:
    """Words and word pairs of a document, to check a suspicious word against its context."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._sorted: list[str] | None = None
        self.words: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()
        for text in texts:
            tokens = [t.casefold() for t in _WORD.findall(text)]
            self.words.update(tokens)
            self.pairs.update(zip(tokens, tokens[1:], strict=False))

    def correction(self, word: str, before: str | None, after: str | None) -> str | None:
        """A clean word the document uses in the same context, if exactly one fits.

        Only words the document never uses elsewhere are candidates, and the replacement
        must both look alike (OCR misreads letters) and occur next to the same neighbour
        ("Materials Science and"), so a rare but correct word is left alone.
        """
        key = word.casefold()
        if len(key) < 4 or self.words[key] > 0:
            return None
        scored: list[tuple[int, str]] = []
        if self._sorted is None or len(self._sorted) != len(self.words):
            self._sorted = sorted(self.words)
        # the look-alikes, found in C: a Python loop over the vocabulary for every odd word
        # was quadratic in the document
        alike = process.extract(key, self._sorted, scorer=fuzz.ratio, score_cutoff=75,
                                limit=None)
        for candidate in sorted(c for c, _, _ in alike):
            context = 0
            if before:
                context += self.pairs[(before.casefold(), candidate)]
            if after:
                context += self.pairs[(candidate, after.casefold())]
            if context:
                scored.append((context, candidate))
        if not scored:
            return None
        scored.sort(key=lambda t: (-t[0], t[1]))
        if len(scored) > 1 and scored[1][0] == scored[0][0]:
            return None
        best = scored[0][1]
        return best[:1].upper() + best[1:] if word[:1].isupper() else best


def repair_words(text: str, before: str, vocab: Vocabulary) -> tuple[str, list[tuple[str, str]]]:
    """Correct misread words of a text that continues ``before``; returns (text, [(old, new)])."""
    tokens = list(_WORD.finditer(text))
    previous = _WORD.findall(before)
    out, last, fixes = [], 0, []
    for k, match in enumerate(tokens):
        word = match.group(0)
        left = tokens[k - 1].group(0) if k else (previous[-1] if previous else None)
        right = tokens[k + 1].group(0) if k + 1 < len(tokens) else None
        fixed = vocab.correction(word, left, right)
        out.append(text[last : match.start()])
        out.append(fixed or word)
        last = match.end()
        if fixed:
            fixes.append((word, fixed))
    out.append(text[last:])
    return "".join(out), fixes
