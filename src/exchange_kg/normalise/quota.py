"""Mobility quota cells -> :class:`QuotaValue`.

A quota cell says how many students may go each way: a bare number (``5``), places per
mobility kind (``ST10,LT5``: short-term and long-term) or ``×``, the mark for "no student
exchange quota" (OCR also gives ``x``, ``xx``). A cell cut off at the column edge
(``ST10,LT``) keeps what is legible and flags the rest: the long-term places are *unknown*,
which is not the same as zero. Labels such as ST/LT live in ``data/quota-words.tsv``, with the
words that say what a number counts ("2 plazas", "je 2") and that a quota is not stated ("N/A").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from exchange_kg.normalise.country import MARKS, fold_accents
from exchange_kg.normalise.dates import without_footnote_marks
from exchange_kg.normalise.numbers import bounded_int
from exchange_kg.normalise.vocabulary import Vocabulary, active, entries
from exchange_kg.records import Flag
from exchange_kg.vocab import MOBILITY_KINDS

# Characters that print as a cross: the list's own mark and what OCR made of it.
CROSS_MARKS = frozenset("×xX✕✖✗✘╳ⅹｘＸ")
CANONICAL_CROSS = "×"
_MAX_MARK_LENGTH = 3  # "xx" is a doubled mark; a longer run of x's is not a mark


@dataclass(frozen=True)
class QuotaValue:
    no_student_quota: bool
    places: tuple[tuple[str, int], ...] = ()  # (mobility kind, number of places)
    # the cell says its places are each named party's ("je 1", "1 each"): a row naming
    # several partners then states one agreement per partner with these places
    apiece: bool = False

    def places_for(self, mobility: str) -> int | None:
        """Places stated for one mobility kind; None when the cell does not say."""
        for kind, number in self.places:
            if kind == mobility:
                return number
        return None


# Meanings of words in quota cells besides the mobility-kind labels (ST, LT): "student" and
# "staff" are the Erasmus+ mobility types ("2 SMS, 1 STA": two students, one teacher).
# "times" joins places to the time each lasts ("2 studenti per 5 mesi").
# "yearly" says the places are a year's, as every quota's are ("3 per year").
# "incoming" and "outgoing" name the direction of places each way ("2 in, 2 out").
# "none" says there are no student places at all ("no exchange places"): the mark's meaning.
WORD_MEANINGS = ("places", "each", "apiece", "unstated", "duration", "student", "staff", "times",
                 "yearly", "none", "incoming", "outgoing")


@dataclass(frozen=True)
class _Words:
    labels: dict[str, str]  # upper-case label -> mobility kind ("ST" -> "short-term")
    counting: frozenset[str]  # folded words that say what a number counts ("plazas", "je")
    unstated: frozenset[str]  # cells that say the quota is not stated ("N/A", "—")
    duration: frozenset[str]  # folded words of "2 x 5 months" ("Monate", "mois")
    mobility: dict[str, str]  # upper-case Erasmus+ mobility type -> "student" | "staff"
    times: frozenset[str]  # folded words of "2 studenti per 5 mesi" ("per", "por", "na")
    yearly: tuple[str, ...]  # folded phrases of "3 per year", longest first
    none: frozenset[str]  # cells that say there are no student places ("no places")
    ways: dict[str, str]  # folded word -> "incoming" | "outgoing" ("uit 2 / in 2")
    joins: frozenset[str]  # "and" of "2 in and 2 out" (the term table's connectors)
    apiece: frozenset[str]  # folded words that give each named party the number ("je")
    both_ways: frozenset[str]  # folded phrases of the number counting each way ("each way")


def _words() -> _Words:
    return _words_of(active())


@lru_cache(maxsize=64)
def _words_of(vocabulary: Vocabulary) -> _Words:
    labels: dict[str, str] = {}
    counting: set[str] = set()
    unstated: set[str] = set()
    duration: set[str] = set()
    mobility: dict[str, str] = {}
    times: set[str] = set()
    yearly: set[str] = set()
    none: set[str] = set()
    ways: dict[str, str] = {}
    apiece: set[str] = set()
    both_ways: set[str] = set()
    for entry in entries("quota", vocabulary):
        if entry.value in MOBILITY_KINDS:
            labels.setdefault(entry.text.upper(), entry.value)
        elif entry.value in ("student", "staff"):
            mobility.setdefault(entry.text.upper(), entry.value)
        elif entry.value == "unstated":
            unstated.add(_cell_key(entry.text))
        elif entry.value == "duration":
            duration.add(fold_accents(entry.text))
        elif entry.value == "times":
            times.add(fold_accents(entry.text))
        elif entry.value == "yearly":
            yearly.add(fold_accents(entry.text))
        elif entry.value == "none":
            none.add(_cell_key(entry.text))
        elif entry.value in ("incoming", "outgoing"):
            ways.setdefault(fold_accents(entry.text), entry.value)
        elif entry.value in WORD_MEANINGS:
            phrase = " ".join(_COUNTED_TOKEN.findall(fold_accents(entry.text)))
            if entry.value == "apiece":
                apiece.add(phrase)
            elif entry.value == "each":
                both_ways.add(phrase)
            counting.update(fold_accents(w) for w in entry.text.split())
        else:
            raise ValueError(f"quota-words.tsv: unknown meaning {entry.value!r} for "
                             f"{entry.text!r}")
    return _Words(labels, frozenset(counting), frozenset(unstated), frozenset(duration),
                  mobility, frozenset(times), tuple(sorted(yearly, key=len, reverse=True)),
                  frozenset(none), ways,
                  frozenset(fold_accents(e.text) for e in entries("terms", vocabulary)
                            if e.value == "connector" and " " not in e.text),
                  frozenset(apiece), frozenset(both_ways))


def counting_words() -> frozenset[str]:
    """Folded words that say what a number counts ("places", "plazas", "Plätze", "je")."""
    return _words().counting


def _cell_key(text: str) -> str:
    """A whole cell compared ignoring case, accents and spacing ("n/a" = "N/A")."""
    return "".join(fold_accents(text).split())


def says_unstated(text: str) -> bool:
    """Whether a whole cell only says its value is not stated ("N/A", "TBD", "k.A.", "—"):
    words any column may hold in place of a value, a partner's included."""
    return _cell_key(text) in _words().unstated


# A quota counts students a year: four digits are plenty; more is damage, not a count.
MAX_QUOTA_DIGITS = 4


_WHOLE_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3})[.,]0{1,2}(?![.,]?\d)")


def parse_quota(text: str, *, field: str = "quota") -> tuple[QuotaValue | None, list[Flag]]:
    """Read a quota cell; anything not clearly a quota is refused with a flag.

    Places said to be each party's ("je 1") are marked :attr:`QuotaValue.apiece`.
    """
    value, flags = _parse_quota(text, field)
    if value is not None and value.places and _says_apiece(text):
        value = QuotaValue(value.no_student_quota, value.places, apiece=True)
    return value, flags


_STAY = re.compile(r"\s*(\d+(?:[.,]\d+)?)\s*([^\W\d_]+)\.?\s*")


def names_a_stay(cell: str) -> bool:
    """Whether a cell is the length of a stay: a number of months, days or semesters ("5
    months", "2 Semester"). An agreement's term is counted in years; a column of such cells
    says how long each student stays."""
    m = _STAY.fullmatch(cell)
    return m is not None and fold_accents(m.group(2)) in _words().duration


def _says_apiece(text: str) -> bool:
    """Whether words of the cell give each named party its one number ("je 2", "1 each").

    Beside a second number the word may share out something else: the time each place lasts
    ("2 (1 semester each)", Lithuanian "2 studentai po 5 mėn.")."""
    words = _words()
    tokens = _COUNTED_TOKEN.findall(fold_accents(text))
    if sum(t.isdecimal() for t in tokens) != 1:
        return False
    spaced = f" {' '.join(tokens)} "
    for phrase in words.both_ways:  # "2 each way": each direction's, not each party's
        spaced = spaced.replace(f" {phrase} ", " ")
    return any(f" {phrase} " in spaced for phrase in words.apiece)


def _parse_quota(text: str, field: str) -> tuple[QuotaValue | None, list[Flag]]:
    """Read a quota cell; anything not clearly a quota is refused with a flag.

    A number with words that only say what it counts ("2 plazas", "je 2", "3 students") is
    that many places; a cell that says the quota is not stated ("N/A", "—") gives nothing.
    """
    raw = text
    text, marked = without_footnote_marks(text, field)
    if marked:
        value, flags = parse_quota(text, field=field)
        return value, [*flags, *marked] if value is not None else flags
    text = _WHOLE_NUMBER.sub(r"\1", text)  # "2,0", "3.0": a float column's whole number
    text = _without_yearly(text.strip(), _words())
    if not text:
        return None, []
    compact = "".join(text.split())
    if len(compact) <= _MAX_MARK_LENGTH and all(ch in CROSS_MARKS for ch in compact):
        return _no_quota(raw, compact, field)
    if compact.isdecimal() and len(compact) > 2 and compact.startswith("0"):
        return None, [Flag(field, "unreadable", "not a quota: a number written with leading "
                           "zeros is a code (an ISCED field such as '0413'), not a count", raw,
                           withheld=True)]
    groups = text.split()
    if compact.isdecimal() and len(groups) > 1 and not (
            len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        # "2 1": two numbers (out and in, old and new), not 21; a space groups thousands
        # only before three digits ("1 250")
        return None, [Flag(field, "unreadable", "not a quota: numbers apart by a space are "
                           "several numbers, not one", raw, withheld=True)]
    if compact.isdecimal():
        count = bounded_int(compact, MAX_QUOTA_DIGITS)
        if count is None:
            return None, [_implausible(raw, compact, field)]
        return QuotaValue(False, (("unspecified", count),)), []
    words = _words()
    if says_unstated(text):
        return None, []
    if _says_none(text, words):
        return QuotaValue(True, ()), []
    counted = _counted(text, words)
    if counted is not None:
        return QuotaValue(False, (("unspecified", counted),)), []
    bracketed = _bracketed(raw, text, field, words)
    if bracketed is not None:
        return bracketed
    ways = _each_way(text)
    if ways is not None:
        inbound, outbound = ways
        if inbound == outbound:
            return QuotaValue(False, (("unspecified", inbound),)), []
        return None, [Flag(field, "unreadable", f"{inbound} places in and {outbound} out: a "
                           "quota counts the places each way, and the two differ", raw,
                           withheld=True)]
    pair = _PAIR.fullmatch(text.strip())
    if pair is not None:
        return _pair(raw, pair, field)
    total = _with_parts(text)
    if total is not None:
        places, parts = total
        return QuotaValue(False, (("unspecified", places),)), [Flag(
            field, "quota-parts", f"read as {places} place(s); how they divide ({parts}) is "
            "not published", raw)]
    if set(_LABEL.findall(text.upper())) & set(words.mobility):
        return _mobility_types(raw, text, field, words)
    times = _times(text, words)
    if times is not None:
        places, each = times
        return QuotaValue(False, (("unspecified", places),)), [Flag(
            field, "quota-duration", f"read as {places} place(s); the time each lasts "
            f"({each}) is not published: the ontology has no property for it", raw)]
    return _labelled(raw, text, field)


# "2 in, 2 out", "3 incoming / 3 outgoing", "uit 2 / in 2" (a Word cell's nested table of
# direction and places): the places each way, each direction named once, before or after
# its number
_WAY = re.compile(r"(\d+)\s*([^\W\d_]+)|([^\W\d_]+)\s*:?\s*(\d+)")
_WAY_JOINS = re.compile(r"[\s,;/+&|:]*")
_WORD = re.compile(r"[^\W\d_]+")


def _each_way(text: str) -> tuple[int, int] | None:
    """(places in, places out) of a cell that states both directions and nothing else."""
    words = _words()
    text, pos, found = fold_accents(text).strip(), 0, {}
    while pos < len(text):
        m = _WAY.match(text, pos)
        if m is None:
            return None
        number, word = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        way = words.ways.get(word)
        if way is None or way in found:
            return None
        found[way] = bounded_int(number, MAX_QUOTA_DIGITS)
        pos = _past_joins(text, m.end(), words.joins)
    inbound, outbound = found.get("incoming"), found.get("outgoing")
    return (inbound, outbound) if inbound is not None and outbound is not None else None


def _past_joins(text: str, pos: int, joins: frozenset[str]) -> int:
    """The position after the separators, and an "and", at ``pos``."""
    pos = _WAY_JOINS.match(text, pos).end()  # type: ignore[union-attr]
    word = _WORD.match(text, pos)
    if word is not None and word.group() in joins:
        pos = _WAY_JOINS.match(text, word.end()).end()  # type: ignore[union-attr]
    return pos


def _without_yearly(text: str, words: _Words) -> str:
    """The cell without a phrase that says its places are a year's ("3 per year",
    "2 studenti all'anno", "1 miejsce/rok", "每年2名"): a quota counts a year's places
    anyway."""
    folded = fold_accents(text).rstrip(". ")
    for phrase in words.yearly:
        after = phrase if phrase.startswith("/") else " " + phrase  # "/year" follows directly
        if folded.endswith(after) and len(folded) > len(after):
            return text.rstrip(". ")[: len(folded) - len(phrase)].strip()
        # "每年2名": the phrase before the number (a number right after it, or a space)
        if folded.startswith(phrase) and folded[len(phrase):len(phrase) + 1].isdigit():
            return text[len(phrase):].strip()
    return text


# "2/2", "3 / 3": two counts in one cell, what each counts said by the header if at all
# (out/in, students/staff, students/months)
_PAIR = re.compile(r"(\d{1,4})\s*/\s*(\d{1,4})")


def _pair(raw: str, m: re.Match[str], field: str) -> tuple[QuotaValue | None, list[Flag]]:
    """Two counts joined by a slash. When they are equal the students' places are that
    number whichever of them counts the students (places out and in, students and staff): "2/2"
    is 2 places, flagged as read so. When they differ the cell does not say which one counts
    the students' places, so it is not read ("2/1")."""
    first, second = int(m.group(1)), int(m.group(2))
    if first == second:
        return QuotaValue(False, (("unspecified", first),)), [Flag(
            field, "quota-pair", f"read as {first} place(s): the cell gives {first} twice "
            "and does not say what each counts (out and in, students and staff)", raw)]
    return None, [Flag(field, "unreadable", f"two different counts ({first} and {second}): "
                       "the cell does not say which one is the students' places", raw,
                       withheld=True)]


# "4 (2+2)": a total with the parts it is made of
_PARTS = re.compile(r"(\d+)\s*\(\s*(\d+(?:\s*\+\s*\d+)+)\s*\)")


def _with_parts(text: str) -> tuple[int, str] | None:
    """(total, "2+2") of a cell that states a total and its parts; the parts must add up to
    it, or the cell contradicts itself and is not read."""
    m = _PARTS.fullmatch(text.strip())
    if m is None:
        return None
    total = bounded_int(m.group(1), MAX_QUOTA_DIGITS)
    parts = [bounded_int(p, MAX_QUOTA_DIGITS) for p in m.group(2).split("+")]
    if total is None or None in parts or sum(p for p in parts if p is not None) != total:
        return None
    return total, "".join(m.group(2).split())


# "2 SMS, 1 STA", "SMS: 2 / STA: 1": places per Erasmus+ mobility type
# "2 SMS", "SMS: 2", and the EWP codes "2 student-studies", "1 staff-teaching"
_LABEL = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_TYPED = re.compile(rf"(?:(\d+)\s*({_LABEL.pattern})|({_LABEL.pattern})\s*:?\s*(\d+))")


def _mobility_types(raw: str, text: str, field: str, words: _Words
                    ) -> tuple[QuotaValue | None, list[Flag]]:
    """Student places of a cell that counts places per Erasmus+ mobility type.

    Students studying (SMS) or on a traineeship (SMP) are the students a quota counts; staff
    places (STA, STT) are not, so they are named in a flag and not published. A lead-in
    word that only says what the cell counts ("mobility:") is read past."""
    rest = text.strip()
    lead = re.match(r"([^\W\d_]+)\s*:\s*", rest)
    if lead and fold_accents(lead.group(1)) in words.counting:
        rest = rest[lead.end():]
    counts: dict[str, int] = {}
    for part in (p for p in re.split(r"\s*(?:[,;/+]|\band\b)\s*", rest) if p):
        m = _TYPED.fullmatch(part)
        label = (m.group(2) or m.group(3)).upper() if m else None
        number = bounded_int(m.group(1) or m.group(4), MAX_QUOTA_DIGITS) if m else None
        if label not in words.mobility or number is None or label in counts:
            return None, [_unreadable(raw, field)]
        counts[label] = number
    students = {k: v for k, v in counts.items() if words.mobility[k] == "student"}
    staff = {k: v for k, v in counts.items() if words.mobility[k] == "staff"}
    flags = []
    if staff:
        named = ", ".join(f"{v} {k}" for k, v in staff.items())
        flags.append(Flag(field, "quota-staff", f"staff places ({named}) are not published: "
                          "a quota counts students", raw))
    if len(students) > 1:
        named = ", ".join(f"{v} {k}" for k, v in students.items())
        return None, flags + [Flag(field, "unreadable", f"student places of several mobility "
                                   f"types ({named}): one quota cannot hold them apart", raw,
                                   withheld=True)]
    if not students:
        return None, flags
    return QuotaValue(False, (("unspecified", next(iter(students.values()))),)), flags


# "2 x 5 Monate", "2×10 months", "1 x 1 semester", "2 studenti x 5 mesi", "2 fő / 5 hónap",
# "2 studenti per 5 mesi": places (and what they count), a sign or word, the time each lasts
# The letter runs are possessive: a long run of letters is one word, never split between the
# two word groups in every possible way (that was quadratic on a long cell).
_TIMES = re.compile(r"(\d++)\s*(?:([^\W\d_]++)\s*)?(?:([x×X*/,])|([^\W\d_]++))\s*(\d++)\s*"
                    r"([^\W\d_]++)\.?", re.UNICODE)


def _times(text: str, words: _Words) -> tuple[int, str] | None:
    """(places, "5 Monate") of a cell that multiplies places by a time each place lasts.

    The unit must be written: a bare "2 x 5" may as well be five places twice over, and
    what the cell does not say is not guessed."""
    m = _TIMES.fullmatch(text.strip())
    if m is None or fold_accents(m.group(6)) not in words.duration:
        return None
    if m.group(2) and fold_accents(m.group(2)) not in words.counting:
        return None
    if m.group(4) and fold_accents(m.group(4)) not in words.times:
        return None
    places = bounded_int(m.group(1), MAX_QUOTA_DIGITS)
    if places is None or bounded_int(m.group(5), MAX_QUOTA_DIGITS) is None:
        return None
    return places, f"{m.group(5)} {m.group(6)}"


def _counted(text: str, words: _Words) -> int | None:
    """The number of "2 plazas" / "je 2": one number, every other word a counting word.

    A time word right before a counting word says how long each place lasts ("5 semester
    places"); alone it is what the number counts ("2 semesters"), and that is no quota."""
    tokens = _COUNTED_TOKEN.findall(text)
    numbers = [t for t in tokens if t.isdecimal()]
    others = [t for t in tokens if not t.isdecimal()]
    if len(numbers) != 1 or not others or bounded_int(numbers[0], MAX_QUOTA_DIGITS) is None:
        return None
    for i, token in enumerate(tokens):
        if token.isdecimal():
            continue
        folded = fold_accents(token)
        if token[0].isalpha() and folded not in words.counting:
            following = fold_accents(tokens[i + 1]) if i + 1 < len(tokens) else ""
            if folded not in words.duration or following not in words.counting:
                return None
        if not token[0].isalpha() and token not in "().,:/":
            return None
    return bounded_int(numbers[0], MAX_QUOTA_DIGITS)


# a word with its vowel signs ("2 คน", Thai), a number, or a sign
_COUNTED_TOKEN = re.compile(rf"[^\W\d_](?:[^\W\d_]|[{MARKS}])*|\d+|[^\w\s]")


# "no exchange places (research only)": a cell saying there are none, with a reason after it
_REMARK = re.compile(r"\s*\(([^()\d]*)\)\s*$")


def _says_none(text: str, words: _Words) -> bool:
    """Whether the cell says there are no student places ("no places", "keine Plätze"),
    perhaps with a bracketed reason; a bracket with a number ("no places (2 from 2026)")
    says more than that, and the cell is not read."""
    return _cell_key(_REMARK.sub("", text)) in words.none


# "2 (1 semester each)", "4 (2 per semester)", "2 (reciprocal)": places and a bracket about them
# (each word ends in a space or the bracket: a word cannot be split into many, which would
# take exponential time on a long cell that is no quota)
_BRACKETED = re.compile(r"(\d{1,4})\s*((?:[^\W\d_]+(?:\s+|(?=\()))*)\(\s*([^()]*?)\s*\)")
# "1 semester each", "je 5 Monate", "1 sem.": the time each place lasts
_EACH_LASTS = re.compile(r"((?:[^\W\d_]+\s+)*)(\d{1,4})\s*([^\W\d_]+)\.?((?:\s+[^\W\d_]+)*)")
# "2 per semester": how a year's places are shared by its two semesters
_PER_SEMESTER = re.compile(r"(\d{1,4})\s+([^\W\d_]+)\s+([^\W\d_]+)\.?")
SEMESTERS_A_YEAR = 2


def _bracketed(raw: str, text: str, field: str, words: _Words
               ) -> tuple[QuotaValue | None, list[Flag]] | None:
    """A number of places with a bracket that says how long each lasts ("2 (1 sem.)") or
    how the year's places fall on its semesters ("4 (2 per semester)", read only when the
    two add up). Any other bracket ("3 (1 PhD)") may change what the number means, and the
    cell is left to the readings after this one."""
    m = _BRACKETED.fullmatch(text.strip())
    if m is None or any(fold_accents(w) not in words.counting for w in m.group(2).split()):
        return None
    places = bounded_int(m.group(1), MAX_QUOTA_DIGITS)
    inner = m.group(3)
    if places is None:
        return None
    lasts = _EACH_LASTS.fullmatch(inner)
    if lasts is not None and fold_accents(lasts.group(3)) in words.duration and all(
            fold_accents(w) in words.counting
            for w in (lasts.group(1) + " " + lasts.group(4)).split()):
        return QuotaValue(False, (("unspecified", places),)), [Flag(
            field, "quota-duration", f"read as {places} place(s); the time each lasts "
            f"({inner}) is not published: the ontology has no property for it", raw)]
    shared = _PER_SEMESTER.fullmatch(inner)
    if (shared is not None and fold_accents(shared.group(2)) in words.times
            and fold_accents(shared.group(3)).startswith("sem")
            and fold_accents(shared.group(3)) in words.duration):
        each = bounded_int(shared.group(1), MAX_QUOTA_DIGITS)
        if each is None or each * SEMESTERS_A_YEAR != places:
            return None, [Flag(field, "unreadable", f"{places} place(s) a year and {inner}: "
                               "the two do not add up", raw, withheld=True)]
        return QuotaValue(False, (("unspecified", places),)), [Flag(
            field, "quota-parts", f"read as {places} place(s); how they divide ({inner}) is "
            "not published", raw)]
    return None


def _no_quota(raw: str, compact: str, field: str) -> tuple[QuotaValue, list[Flag]]:
    flags = []
    if len(compact) > 1:
        flags.append(Flag(field, "ocr-repaired",
                          f"read {compact!r} as the no-quota mark {CANONICAL_CROSS}", raw))
    return QuotaValue(True, ()), flags


_TOKEN = re.compile(r"([A-Za-z]+)(\d*)")


def _labelled(raw: str, text: str, field: str) -> tuple[QuotaValue | None, list[Flag]]:
    """"ST10,LT5" and its truncated forms "ST10,LT" / "ST10,L"."""
    labels = _words().labels
    places: list[tuple[str, int]] = []
    flags: list[Flag] = []
    text = re.sub(r"([A-Za-z])\s+(\d)", r"\1\2", text)  # "ST 10" -> "ST10"
    for token in (t for t in re.split(r"[\s,;/]+", text) if t):
        m = _TOKEN.fullmatch(token)
        kind = _kind_of(m.group(1).upper(), labels, cut_off=not m.group(2)) if m else None
        if m is None or kind is None or any(k == kind for k, _ in places):
            return None, [_unreadable(raw, field)]
        if m.group(2):
            count = bounded_int(m.group(2), MAX_QUOTA_DIGITS)
            if count is None:
                return None, [_implausible(raw, m.group(2), field)]
            places.append((kind, count))
        else:
            flags.append(Flag(field, "truncated",
                              f"{kind} places cut off ({token!r}): unknown, not zero",
                              raw, withheld=True))
    if not places:
        return None, flags or [_unreadable(raw, field)]
    return QuotaValue(False, tuple(places)), flags


def _kind_of(label: str, labels: dict[str, str], *, cut_off: bool) -> str | None:
    """The mobility kind of a label, or (at a cut-off cell end) of a label cut short: "L" of
    "LT", when only one label starts that way."""
    if label in labels:
        return labels[label]
    if not cut_off:
        return None
    starts = [kind for full, kind in labels.items() if full.startswith(label)]
    return starts[0] if len(starts) == 1 else None


def _implausible(raw: str, digits: str, field: str) -> Flag:
    return Flag(field, "unreadable", f"not a quota: a number of {len(digits)} digits is no "
                "count of places", raw[:200], withheld=True)


def _unreadable(raw: str, field: str) -> Flag:
    return Flag(field, "unreadable", "not a quota: expected a number, × or ST/LT places", raw,
                withheld=True)
