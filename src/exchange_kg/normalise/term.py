"""Free-text term cells ("ROK ZAWARCIA I OKRES TRWANIA") -> one :class:`Term` per agreement.

A Polish partner list writes the year an agreement was concluded and how long it runs in
one free-text cell, sometimes several agreements in one cell::

    2017 na czas nieokreślony                       open-ended from 2017
    2024-2029                                       a range
    2008 - na 5 lat automatycznie przedłużana       five years, renewed automatically
    MoU - 2026 -2031; umowa dotycząca wymian 2026 - na czas nieokreślony   two agreements

The cell is tokenised and read left to right against two phrase tables: the term vocabulary
(``data/term-phrases.tsv``: indefinite, n years, automatic renewal, range dashes, "and") and
the agreement kinds (``data/agreement-kinds.tsv`` via :mod:`.kinds`). A date after a range
word ("2024 do 2029", "15/03/2021 a 14/03/2026") or an "until" ("bis", "至") ends the term;
one followed by an "until" written after it ("2026-ig", "2026年まで") too. Otherwise a new
date starts a second term only where the cell says there are several: a kind or an "and"
between the two, or a term already whole before it. After words no table holds, the date is
withheld and flagged (``unplaced-date``), never published as a second agreement's start;
so is a lone date right next to such words, which may say "until" as well as "from". Two
years joined by a slash ("2027/28") are one academic year. ``;`` separates clauses, and a
clause that names only kinds ("2025 - 2030; student exchange agreement") qualifies the term
before it. A status
("in negotiation", from the same kind table) is the term's: alone in a cell it is an agreement
not yet concluded, with no dates. Adding a language
means adding rows to the data files, not code. Garbled years ("ZV15") are never repaired into
a guess: the start stays unknown and a ``date-garbled`` flag carries the raw text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from exchange_kg.normalise.dates import (
    MAX_YEAR,
    MIN_YEAR,
    DateValue,
    academic_period,
    gregorian,
    in_gregorian,
    is_filler,
    is_month_marker,
    month_number,
    parse_date,
    placeholder_date,
    starts_with_from,
    without_footnote_marks,
)
from exchange_kg.normalise.kinds import (
    CONNECTOR,
    FRACTION,
    NUMBER,
    Phrase,
    PhraseMatch,
    PhraseTable,
    Token,
    apply_kind_phrase,
    deny_kind,
    kind_phrases,
    negated,
    phrase_tokens,
    tokenize,
)
from exchange_kg.normalise.vocabulary import Vocabulary, active, entries
from exchange_kg.records import Flag
from exchange_kg.vocab import KINDS

MEANINGS = (
    "open-ended",
    "open-ended-truncated",
    "fixed-term",
    "duration",
    "auto-renewal",
    "renewal-every",
    "range",
    "until",
    "until-after",
    "extended-until",
    "from",
    "from-after",
    "other-date",
    "other-date-after",
    "earlier-date",
    "renewable",
    "bound",
    "alternative",
    "connector",
    "filler",
)
PERIOD = "period"  # academic-year and semester words of data/date-words.tsv
# a phrase written with a leading apostrophe ("'den", "'ya") is a case suffix: read only where
# it is joined to a number ("2021'den", "2026'ya", "1-jétől"), never as a word of its own
# (Vietnamese "đến" is "until", Turkish "2021'den" "from")
SUFFIX = "'"
# the meanings a word written after its date carries: "2021-től", "2026-ig"
_AFTER = ("from-after", "until-after")
# what may join a case suffix to its number: nothing, a hyphen, an apostrophe, a colon
_JOINERS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212'\u2019\u02bc:")
# a number written out, where a phrase has one: "five	number:5" reads "for five years"
NUMBER_WORD = "number:"


@dataclass(frozen=True)
class Term:
    """One agreement's term as the cell states it; None wherever the cell says nothing.

    ``open_ended`` is True only for an indefinite-period phrase and False only where the cell
    states a fixed term (a range, an end, a duration); ``auto_renewal`` is True or None: a
    term that does not mention renewal says nothing about it.
    """

    start: DateValue | None
    end: DateValue | None
    open_ended: bool | None
    duration_years: int | None
    auto_renewal: bool | None
    kinds: tuple[str, ...]
    text: str  # the clause of the cell this term was read from
    # a status the clause states ("in negotiation"): a term still being agreed
    status: str | None = None
    # a date alone, which the cell does not say starts or ends the agreement ("31.05.2029"
    # under "Validity"): withheld, unless the row's start column places it (an end after it)
    unplaced: DateValue | None = None


def term_phrases() -> PhraseTable:
    """The term vocabulary in force (built-in, plus the active source's own phrases)."""
    return _term_phrases(active())[0]


def suffix_phrases() -> PhraseTable:
    """The "from" and "until" words written after a date, case suffixes included: tried
    first on a word joined to a number."""
    return _term_phrases(active())[1]


def bound_phrases() -> PhraseTable:
    """The words that bound a length ("at least", "bis zu", "or more") or join two lengths
    ("or"): read only beside a length, so that elsewhere they shadow no other phrase ("bis zu"
    of "bis")."""
    return _term_phrases(active())[2]


# the meanings that bound a length ("at least", "or") and say nothing of the term by themselves
_BOUNDING = ("bound", "alternative")


@lru_cache(maxsize=64)
def _term_phrases(vocabulary: Vocabulary) -> tuple[PhraseTable, PhraseTable, PhraseTable]:
    phrases = []
    suffixes = []
    bounds = []
    numbers: dict[str, int] = {}
    for entry in entries("terms", vocabulary):
        if entry.value.startswith(NUMBER_WORD):  # "five	number:5": a number written out
            numbers.setdefault(" ".join(phrase_tokens(entry.text)),
                               int(entry.value.removeprefix(NUMBER_WORD)))
            continue
        meaning, _, number = entry.value.partition(":")  # "duration:2": a dual's number
        if meaning not in MEANINGS or (number and not (meaning == "duration"
                                                         and number.isdecimal())):
            raise ValueError(f"term-phrases.tsv: unknown meaning {entry.value!r} for "
                             f"{entry.text!r}")
        tokens = phrase_tokens(entry.text)
        if meaning == "duration" and (NUMBER in tokens) == bool(number):
            raise ValueError(f"term-phrases.tsv: {entry.text!r} must have a number: "
                             "'{n}' in the phrase or one after 'duration:', not both")
        phrase = Phrase(tokens, meaning, "", entry.note, (int(number),) if number else ())
        if entry.text.startswith(SUFFIX) and meaning not in _AFTER:
            raise ValueError(f"term-phrases.tsv: {entry.text!r}: only a 'from' or 'until' "
                             "written after the date can be a suffix")
        if meaning in _AFTER:
            suffixes.append(phrase)
        if meaning in _BOUNDING:
            bounds.append(phrase)
        elif not entry.text.startswith(SUFFIX):
            phrases.append(phrase)
    # an academic-year word ("a.a. 2021/22 - 2026/27") is understood and changes nothing:
    # read as a word of its own, "a.a." is not the range word "a" twice
    phrases.extend(Phrase(phrase_tokens(e.text), PERIOD, "", e.note)
                   for e in entries("dates", vocabulary) if e.value == "period")
    return PhraseTable(phrases, numbers), PhraseTable(suffixes), PhraseTable(bounds)


@dataclass
class _Draft:
    """A term being read; ``first``/``last`` are token indexes bounding its text."""

    first: int
    last: int
    start: DateValue | None = None
    end: DateValue | None = None
    open_ended: bool = False
    fixed: bool = False  # states a fixed term: a range (even with a garbled end), a duration
    duration_years: int | None = None
    auto_renewal: bool = False
    kinds: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    dated: bool = False  # has a start, end, duration or open-endedness (even a garbled one)
    start_at: tuple[int, int] | None = None  # the tokens of the date that started it
    period_end: DateValue | None = None  # where the period that started it ends ("2028年度")
    # the tokens of a date an end column made the end (no word of the cell said so)
    ended_at: tuple[int, int] | None = None

    def closes_range(self) -> bool:
        return (self.dated and self.end is None and not self.open_ended
                and self.duration_years is None)


@dataclass
class _ClauseState:
    """Reading position inside one ";"-separated clause."""

    current: _Draft | None = None
    pending: list[str] = field(default_factory=list)  # kinds named before the first year
    pending_statuses: list[str] = field(default_factory=list)  # statuses named before it
    pending_from: int | None = None
    after_range: bool = False  # the last meaningful token was a range dash
    # what was read since the last date ("unknown", "kind", "and", ...): whether a new date
    # starts a second agreement depends on what stands between it and the term before
    since_date: set[str] = field(default_factory=set)
    last_started: _Draft | None = None  # the term the last date started, if it did
    # in an end column, the term its first date ended and that date read as a start: a
    # range there ("2021-2027") is the whole validity, its first date the start
    ended_by_role: tuple[_Draft, DateValue | None] | None = None
    until: bool = False  # the next date ends a term ("bis", "hasta"; any date of an end cell)
    extended: bool = False  # the next date is the new end of the term before ("verlängert bis")
    another_ends: int = -1  # the token after a type that names another agreement ("the MoU")
    other: bool = False  # the next date is another event's ("renewed 2024", "review in 2026")
    unknown: list[int] = field(default_factory=list)
    drafts: list[_Draft] = field(default_factory=list)


@dataclass
class _Reader:
    text: str
    tokens: list[Token]
    field_name: str
    role: str = "term"  # "end": the cell is an end column, so its dates are ends
    flags: list[Flag] = field(default_factory=list)
    terms: list[_Draft] = field(default_factory=list)
    unknown_at: set[int] = field(default_factory=set)  # tokens no vocabulary understood

    def read(self) -> None:
        clause: list[int] = []
        for i, tok in enumerate(self.tokens):
            if tok.text == ";":
                self._clause(clause)
                clause = []
            else:
                clause.append(i)
        self._clause(clause)

    # -- one clause ----------------------------------------------------------------------

    def _clause(self, indexes: list[int]) -> None:
        if not indexes:
            return
        state = _ClauseState(until=self.role == "end")
        pos = 0
        while pos < len(indexes):  # a clause's indexes are consecutive: phrases never span ";"
            i = indexes[pos]
            step, what = self._step(state, i)
            if what == "unknown":
                state.unknown.append(i)
                self.unknown_at.add(i)
            else:
                self._flush_unknown(state.unknown)
            # "WS 2021/22 – SS 2027": a semester word after the dash names the end's period
            state.after_range = what in ("range", "from-after") or (
                state.after_range and what in ("connector", "filler", PERIOD))
            state.since_date = set() if what == "year" else state.since_date | {what}
            pos += step
        self._flush_unknown(state.unknown)
        self._close_clause(state, indexes)

    def _step(self, state: _ClauseState, i: int) -> tuple[int, str]:
        """Read the token(s) at ``i``; return how many were consumed and what they were.

        Order matters: known phrases win over the garbled-year guess, so "GE3" is a kind.
        """
        tok = self.tokens[i]
        named = _month_date(self.text, self.tokens, i)
        if named is not None:
            value, length = named
            self._year_token(state, tok, value, i, last=i + length - 1)
            return length, "year"
        placeholder = placeholder_date(tok.text, self.field_name) if tok.is_date else None
        if placeholder is not None:  # "2021-09-01 - 2099-12-31": the export's "no end"
            self.flags.append(replace(placeholder, value=self._written(i, i)))
            self._placeholder(state)
            return 1, "placeholder"
        value = _date_value(tok)
        after, runs_on = (self._school_year(i) if value is not None and value.month is None
                          else (0, False))
        if value is not None and after:  # "2024年度", "2028학년도": April/March to March/Feb
            self._year_token(state, tok, value, i, last=i + after,
                             period_end=DateValue(value.year + 1) if runs_on else None)
            return 1 + after, "year"
        if value is not None:
            second = _academic_second_year(self.text, self.tokens, i)
            if second is None:
                self._year_token(state, tok, value, i)
                return 1, "year"
            self._year_token(state, tok, value, i, period_end=second)
            return 2, "year"
        bound = bound_phrases().match(self.tokens, i)
        if bound is not None and self._bounds_a_length(i, bound.length, bound.phrase.value):
            return bound.length, "bound"  # "at least" (5 years): read with the length
        hit = suffix_phrases().match(self.tokens, i) if self._joined(i) else None
        hit = hit or term_phrases().match(self.tokens, i)
        if hit is not None and hit.phrase.value == "open-ended-truncated" \
                and self._word_follows(i + hit.length):
            return 1, "unknown"  # "na czas określony": no cut-off, another phrase
        if hit is not None:
            meaning = hit.phrase.value
            if meaning == "until-after":
                self._until_after(state)
            elif meaning == "extended-until":
                state.extended = state.current is not None and state.current.end is not None
                state.until = not state.extended
            elif meaning == "until" or (meaning == "range" and state.current is None
                                      and (hit.phrase.tokens != ("-",)
                                           or self._opens_with_one_date(state, i))):
                # a range word before any date ("do 2026", "to 2026"): the date ends a term;
                # so does a dash or tilde opening a clause of one date ("~2024.3.14",
                # "– 2027": the start left blank). "MoU - 2026 - 2031" keeps its dash: a dash
                # after a kind only sets it off
                state.until = True
            elif meaning == "other-date":
                state.other, state.until = True, False
            elif meaning == "earlier-date":  # "31/05/2029 (previously 31/05/2026)"
                if self.role != "end":
                    self._replaced(state)
                state.other, state.until = True, False
            elif meaning == "other-date-after":
                self._other_after(state)
            elif meaning in ("from", "from-after"):
                state.until = False  # "from 01.05.2016" in an end column: a start all the same
                if self._from_after(state) and meaning == "from-after":
                    # "2021-től 2026-ig", "2022年9月1日から2027年8月31日まで": the date
                    # before starts the term, a date after ends it
                    return hit.length, meaning
                return hit.length, "from"
            elif meaning not in ("range", "connector", "renewable", "until-after",
                                 "extended-until", "other-date-after", "filler", PERIOD):
                self._apply_term(self._current(state, i), hit, i)
            return hit.length, meaning
        hit = kind_phrases().match(self.tokens, i)
        if hit is not None:
            if hit.phrase.value == CONNECTOR:  # "&", "valid": joins or fills, says no "and"
                return hit.length, "filler"
            if hit.phrase.value in KINDS and i > 0 and (
                    self.tokens[i - 1].text in _ARTICLES or i == state.another_ends):
                self._another_agreement(state, i, hit.length)  # "the framework MoU" too
                state.another_ends = i + hit.length
                return hit.length, "other"
            if state.current is not None:
                self._apply_kind(state.current.kinds, state.current.statuses, hit, i)
                state.current.last = max(state.current.last, i + hit.length - 1)
            else:
                state.pending_from = i if state.pending_from is None else state.pending_from
                self._apply_kind(state.pending, state.pending_statuses, hit, i)
            return hit.length, "kind"
        if _garbled_year(tok):
            self._year_token(state, tok, None, i)
            return 1, "year"
        return 1, "unknown"

    def _school_year(self, i: int) -> tuple[int, bool]:
        """How many tokens after the year at ``i`` write it as a school or fiscal year, joined
        to it (0 if none), and whether that year runs into the next calendar year, where a
        term written in them ends: ja "2024年度" (April to March), zh "2024学年度", ko
        "2028학년도" (March to February). zh "2024年度" and ko "2024년도" are as often the
        calendar year: the year alone."""
        japanese = (active().language or "").split("-")[0] == "ja"
        for suffix, school in _SCHOOL_YEAR:
            j = i + 1
            for part in suffix:
                if (j >= len(self.tokens) or self.tokens[j].text != part
                        or self.tokens[j - 1].end != self.tokens[j].start):
                    break
                j += 1
            else:
                return len(suffix), school or (japanese and "度" in suffix)
        return 0, False

    def _opens_with_one_date(self, state: _ClauseState, i: int) -> bool:
        """Whether the dash at ``i`` opens its clause and one date follows it, nothing else:
        a bullet before a range ("- 2019 - 2024") or before a term ("- 2017 na czas
        nieokreślony") is no "until"."""
        if state.since_date - {"placeholder"} or state.pending or state.pending_statuses:
            return False  # ("01/01/1900 - 31/08/2026": an export's empty start before it)
        dates = 0
        for tok in self.tokens[i + 1:]:
            if tok.text == ";":
                break
            if _date_value(tok) is not None:
                dates += 1
            elif not (month_number(tok.text) is not None or is_filler(tok.text)
                      or (tok.text.isdecimal() and len(tok.text) <= 2)):
                return False
        return dates == 1
    def _year_token(self, state: _ClauseState, tok: Token, value: DateValue | None, i: int,
                    period_end: DateValue | None = None, last: int | None = None) -> None:
        """A date (or year) after "until" ends a term; else it closes an open range or
        starts a new term, where the clause says it is a new one.

        ``period_end`` is the second year of an academic year ("2027/28"): the period
        starts a term in its first year and ends one in its second.
        """
        if last is None:
            last = i if period_end is None else i + 1
        as_end = period_end or value
        current = state.current
        state.last_started = None
        if state.other:  # "renewed 2024", "review in 2026": neither start nor end
            state.other = False
            self._other_date(current, i, last)
            return
        if state.extended and current is not None:
            state.extended = False
            self._extend(current, tok, as_end, last)
            return
        if state.until:
            by_role = self.role == "end" and state.current is None
            state.until = False
            if not by_role and self._role_range(state, current, tok, as_end, last):
                return  # "2021 bis 2026" in an end column
            if current is None or current.end is not None or current.open_ended:
                current = self._new_draft(state, i)
            self._end(current, tok, as_end, last)
            state.ended_by_role = (current, value) if by_role else None
            current.ended_at = (i, last) if by_role else None
            return
        if current is not None and state.after_range and current.closes_range():
            self._end(current, tok, as_end, last)
            return
        if state.after_range and self._role_range(state, current, tok, as_end, last):
            return  # "2021-2027" in an end column
        if (current is not None and state.ended_by_role is not None
                and state.ended_by_role[0] is current
                and not state.since_date & {"kind", "connector"}):
            self._withhold_role_end(state, current, i, last)
            return
        between = state.since_date
        if (current is not None and current.start is None and current.end is None
                and not between & {"kind", "connector", "unknown"}):
            # "5 years from 2021", "unbefristet ab 2020": the term read so far had no date
            self._start(current, tok, value, last)
            current.period_end = period_end
            current.start_at = (i, last)
            state.last_started = current
            return
        if current is not None and not self._starts_another(state, current):
            self._unplaced(current, i, last)
            return
        draft = self._new_draft(state, i)
        self._start(draft, tok, value, last)
        draft.period_end = period_end
        draft.start_at = (i, last)
        state.last_started = draft

    @staticmethod
    def _placeholder(state: _ClauseState) -> None:
        """An export's stand-in for an empty date where a range ends ("01.09.2021 bis
        31.12.9999" in an end column): the range's first date is its start, and the term
        has no end the cell states (neither a fixed one nor an open one)."""
        ended, current = state.ended_by_role, state.current
        if (ended is None or current is None or ended[0] is not current or current.start
                or current.duration_years is not None or current.open_ended
                or not (state.after_range or state.until)
                or state.since_date & {"kind", "connector", "unknown"}):
            return
        current.start, current.end, current.fixed = ended[1], None, False
        current.start_at, current.ended_at = current.ended_at, None
        state.ended_by_role = None

    def _withhold_role_end(self, state: _ClauseState, current: _Draft, i: int, last: int
                           ) -> None:
        """"2021 2026" in an end column: the first date may be the start as well as the end,
        so neither is published."""
        first = self._written(current.first, current.last)
        current.end, current.fixed, state.ended_by_role = None, False, None
        self.flags.append(Flag(self.field_name, "unplaced-date", f"{first!r} is followed by "
                               "another date: it may be the start as well as the end; not "
                               "published", first, withheld=True))
        self._unplaced(current, i, last)

    def _role_range(self, state: _ClauseState, current: _Draft | None, tok: Token,
                    value: DateValue | None, last: int) -> bool:
        """A range in an end column ("2021-2027", "01.10.2021 bis 30.09.2026") is the whole
        validity: the date the column made an end is the range's start, this one its end."""
        ended = state.ended_by_role
        if ended is None or ended[0] is not current or current is None or current.start:
            return False
        if state.since_date & {"kind", "connector", "unknown"}:
            return False
        current.start, current.end = ended[1], None
        state.ended_by_role = None
        self._end(current, tok, value, last)
        return True

    @staticmethod
    def _until_after(state: _ClauseState) -> None:
        """"2026-ig", "2026'ya kadar", "2026年まで": the date just read ends the term it
        started (the word says so only after it)."""
        draft = state.last_started
        # "31.08.2027-dək", "2026-ig": a hyphen may join the word to the date
        if draft is None or state.since_date - {"range"} or draft is not state.current:
            return
        if draft.closes_range():  # "2028年度まで": until the period's end
            draft.start, draft.end, draft.fixed = None, draft.period_end or draft.start, True
            draft.start_at = None

    def _other_date(self, current: _Draft | None, first: int, last: int) -> None:
        """A date of another event than the agreement's start or end (a renewal, a review, the
        end before an extension: "extended from 2026 to 2029", "(previously 31/05/2026)"):
        reported, not published; it starts no agreement of its own."""
        written = self._written(first, last)
        if current is not None:
            current.last = max(current.last, last)
        self.flags.append(Flag(self.field_name, "unplaced-date", f"{written!r} dates a "
                               "renewal, a review or an earlier end, neither the start nor "
                               "the end; not published", written, withheld=True))

    def _replaced(self, state: _ClauseState) -> None:
        """"31/05/2029 (previously 31/05/2026)" in a term cell: the date before the word
        replaced an earlier one, which may be an end as well as a start; so may it. Not
        published as the start a date opening a term cell otherwise is."""
        draft = state.last_started
        if draft is None or draft is not state.current or state.since_date - {"range"} \
                or draft.start_at is None or draft.end is not None:
            return
        at = draft.start_at
        draft.start, draft.start_at, draft.dated = None, None, draft.open_ended
        state.last_started = None
        written = self._written(*at)
        self.flags.append(Flag(self.field_name, "unplaced-date", f"{written!r} replaced an "
                               "earlier date: it may be the end as well as the start; not "
                               "published", written, withheld=True))

    def _other_after(self, state: _ClauseState) -> None:
        """"2024년 갱신", "2024年更新" (renewed in 2024): the word after the date says it dates
        another event; the date just read is no start or end."""
        draft = state.current
        if draft is None or state.since_date - {"range"}:
            return
        if state.last_started is draft and draft.start is not None \
                and draft.start_at is not None and draft.end is None:
            at = draft.start_at
            draft.start, draft.start_at, draft.dated = None, None, False
        elif state.ended_by_role is not None and state.ended_by_role[0] is draft \
                and draft.ended_at is not None and draft.start is None:
            at = draft.ended_at
            draft.end, draft.ended_at, draft.fixed, draft.dated = None, None, False, False
            state.ended_by_role = None
        else:
            return
        state.last_started = None
        self._other_date(None, *at)

    def _joined(self, i: int) -> bool:
        """Whether the word at ``i`` is joined to the number before it ("2021-től",
        "2021'den", "1-jétől", "2022年9月1日から"): a case suffix of that date."""
        j = i - 1
        while j >= 0 and self.tokens[j].text == "-":
            j -= 1
        if j < 0 or not any(c.isdigit() for c in self.tokens[j].text):
            return False
        between = self.text[self.tokens[j].end : self.tokens[i].start]
        return all(c in _JOINERS for c in between)

    @staticmethod
    def _from_after(state: _ClauseState) -> bool:
        """"2022年9月1日から", "01.09.2022'den itibaren": the word after the date says it
        starts the agreement, so the date an end column made an end is the start. Whether
        the date just read is now a start."""
        draft = state.current
        if draft is None or state.since_date - {"range"}:
            return False
        if state.last_started is draft and draft.start is not None:
            return True  # a term cell: the date started the term already
        ended = state.ended_by_role
        if ended is None or ended[0] is not draft or draft.start is not None \
                or draft.end is None:
            return False
        # the date read, not the end of its period: "2024年度から" starts in 2024
        draft.start, draft.end, draft.fixed = ended[1] or draft.end, None, False
        draft.start_at, draft.ended_at = draft.ended_at, None
        state.ended_by_role, state.last_started = None, draft
        return True

    @staticmethod
    def _starts_another(state: _ClauseState, current: _Draft) -> bool:
        """Whether a date after a term of the same clause starts a second agreement.

        A kind or an "and" between the two says so ("2019 Erasmus+ 2021 MoU", "2016 na czas
        nieokreślony oraz 2025 ..."); so does a term that is already whole ("2012 na czas
        nieokreślony 2015 na 5 lat"). Words nobody understood between the two ("15/03/2021
        a 14/03/2026" before "a" was known), or a bare start right before ("2019 2020"),
        leave it open what the date is: most often the end of the range, written with a word
        the vocabulary lacks. A second agreement read from a date alone would be a false fact.
        """
        between = state.since_date
        if between & {"kind", "connector"}:
            return True
        if "unknown" in between:
            return False
        return not current.closes_range()

    def _unplaced(self, current: _Draft, first: int, last: int) -> None:
        """A date the clause does not place: flagged and withheld, the term before kept."""
        written = self._written(first, last)
        current.last = max(current.last, last)
        self.flags.append(Flag(
            self.field_name, "unplaced-date",
            f"{written!r} follows a term without a word saying whether it ends it or starts "
            "another agreement; not published", written, withheld=True))

    def _current(self, state: _ClauseState, i: int) -> _Draft:
        """The term being read, or a new one ("na czas nieokreślony" with no year before)."""
        return state.current if state.current is not None else self._new_draft(state, i)

    def _new_draft(self, state: _ClauseState, i: int) -> _Draft:
        """A new term; kinds named before it in the clause ("MoU - 2026") are its own."""
        first = i if state.pending_from is None else state.pending_from
        draft = _Draft(first, i, kinds=list(state.pending),
                       statuses=list(state.pending_statuses))
        state.pending, state.pending_statuses, state.pending_from = [], [], None
        state.current = draft
        state.drafts.append(draft)
        return draft

    def _close_clause(self, state: _ClauseState, indexes: list[int]) -> None:
        """A clause of kinds (or a status) only qualifies the term before it; otherwise it
        stands alone: "in negotiation" alone is an agreement not yet concluded."""
        if state.drafts:
            for draft in state.drafts:
                self._doubtful_start(draft)
                self._doubtful_end(draft)
            drafts = [d for d in state.drafts if d.dated or d.kinds or d.statuses
                      or d.auto_renewal]
            if self._ends_the_term_before(drafts):
                return
            self.terms.extend(drafts)
            return
        if not (state.pending or state.pending_statuses):
            return
        if self.terms:
            prev = self.terms[-1]
            prev.kinds.extend(k for k in state.pending if k not in prev.kinds)
            prev.statuses.extend(s for s in state.pending_statuses if s not in prev.statuses)
            prev.last = indexes[-1]
            return
        assert state.pending_from is not None
        self.terms.append(_Draft(state.pending_from, indexes[-1], kinds=list(state.pending),
                                 statuses=list(state.pending_statuses)))

    def _ends_the_term_before(self, drafts: list[_Draft]) -> bool:
        """"signed 15/3/2021; expires 14/3/2026", "Effective 9/1/2024; expires 6/30/2029": a
        clause that is only an end, after a clause that is only a start, ends that term; it
        is no second agreement (one ending on the signing day was a false fact). A clause
        naming a kind of its own ("MoU 2015; umowa dot. wymian do 2026") stays apart."""
        if len(drafts) != 1 or not self.terms:
            return False
        this, before = drafts[0], self.terms[-1]
        if this.end is None or this.start is not None or this.kinds or this.statuses \
                or this.open_ended or this.duration_years is not None:
            return False
        if before.start is None or before.end is not None or before.open_ended \
                or before.duration_years is not None:
            return False
        before.end, before.fixed, before.dated, before.last = this.end, True, True, this.last
        before.auto_renewal = before.auto_renewal or this.auto_renewal
        if this.end.year < before.start.year:
            self.flags.append(Flag(self.field_name, "inconsistent-term",
                                   f"ends ({this.end.year}) before it starts "
                                   f"({before.start.year})", self._span(before)))
        return True

    def _doubtful_start(self, draft: _Draft) -> None:
        """A term that is only a date, next to words nobody understood ("31.12.2026 asti",
        "umowa ważna do 2027" with "ważna do" unknown, "31.08.2027-dək"): those words may say
        "until" as well as "from", so the date is withheld and flagged, not published as the
        start."""
        if draft.start_at is None or not draft.closes_range() or draft.start is None:
            return
        first, last = draft.start_at
        # past a dash: "31.08.2027-dək" writes its "until" after a hyphen, as "2026-ig" does
        before, after = first - 1, last + 1
        while before >= 0 and self.tokens[before].text == "-":
            before -= 1
        while after < len(self.tokens) and self.tokens[after].text == "-":
            after += 1
        if not {before, after} & self.unknown_at:
            return
        written = self._written(first, last)
        draft.start = None
        self.flags.append(Flag(
            self.field_name, "unplaced-date",
            f"{written!r} stands next to words that were not understood: it may be the end "
            "as well as the start; not published", written, withheld=True))

    def _doubtful_end(self, draft: _Draft) -> None:
        """An end column's date with a word nobody understood joined to it ("01.09.2022-dən",
        from): the word may say "from" as well as "until", so the date is withheld and
        flagged, not published as the end."""
        if draft.ended_at is None or draft.end is None or draft.start is not None \
                or draft.duration_years is not None or draft.open_ended:
            return
        last = draft.ended_at[1]
        after = last + 1
        while after < len(self.tokens) and self.tokens[after].text == "-":
            after += 1
        # only a word joined to the date (by a hyphen or nothing): a suffix of the date's
        # case, as Turkic languages write "from" and "until"; "2027 оны ..." keeps its year
        joined = after < len(self.tokens) and not any(
            c.isspace() for c in self.text[self.tokens[last].end:self.tokens[after].start])
        if after not in self.unknown_at or not joined:
            return
        written = self._written(*draft.ended_at)
        draft.end, draft.fixed = None, False
        self.flags.append(Flag(
            self.field_name, "unplaced-date",
            f"{written!r} stands next to words that were not understood: they may say it "
            "starts the agreement as well as ends it; not published", written, withheld=True))

    # -- pieces ----------------------------------------------------------------------

    def _start(self, draft: _Draft, tok: Token, value: DateValue | None, last: int) -> None:
        draft.dated, draft.last = True, last
        if value is not None:
            draft.start = value
        else:
            self.flags.append(Flag(self.field_name, "date-garbled",
                                   f"year {tok.text.upper()!r} is garbled; start left unknown",
                                   self.text[tok.start:tok.end], withheld=True))

    def _extend(self, draft: _Draft, tok: Token, value: DateValue | None, last: int) -> None:
        """"2018–2023, verlängert bis 2028": the term was extended, and runs until the later
        date; one agreement, not a second one with only an end. The first end is reported."""
        before = draft.end
        self._end(draft, tok, value, last)
        if value is not None and before is not None:
            self.flags.append(Flag(self.field_name, "term-extended", f"ended {before}, "
                                   f"extended until {value}: the later end is published",
                                   self._span(draft)))

    def _end(self, draft: _Draft, tok: Token, value: DateValue | None, last: int) -> None:
        draft.last, draft.fixed, draft.dated = last, True, True
        if value is None:
            self.flags.append(Flag(self.field_name, "date-garbled",
                                   f"end year {tok.text.upper()!r} is garbled; end left unknown",
                                   self.text[tok.start:tok.end], withheld=True))
            return
        draft.end = value
        if draft.start is not None and value.year < draft.start.year:
            self.flags.append(Flag(self.field_name, "inconsistent-term",
                                   f"ends ({value.year}) before it starts ({draft.start.year})",
                                   self._span(draft)))

    def _apply_term(self, draft: _Draft, hit: PhraseMatch, i: int) -> None:
        meaning = hit.phrase.value
        draft.last = max(draft.last, i + hit.length - 1)
        if meaning in ("open-ended", "auto-renewal", "fixed-term") and negated(
                self.text, self.tokens, i, hit.length):
            # "Not open-ended: 3 years" is a fixed term; "no automatic renewal" says no
            # renewal, which the graph has no value for: neither is published as true
            written = self._written(i, i + hit.length - 1)
            self.flags.append(Flag(self.field_name, "negated", f"the cell denies {written!r}",
                                   " ".join(self.text.split())))
            if meaning == "open-ended":
                draft.dated = draft.fixed = True
            return
        bound = self._bound(i, hit.length) if meaning == "duration" else None
        if bound is not None:  # "at least 3 years", "3 to 5 years", "bis zu 5 Jahre"
            written = self._written(*bound)
            self.flags.append(Flag(self.field_name, "duration-bound", f"{written!r} bounds the "
                                   "term or gives a range of lengths; it states no duration: "
                                   "none published", written, withheld=True))
            return
        if meaning == "fixed-term":  # "na czas określony", "befristet", "fixed-term"
            draft.dated = draft.fixed = True
        elif meaning in ("open-ended", "open-ended-truncated"):
            draft.open_ended = draft.dated = True
            if meaning == "open-ended-truncated":
                written = self._written(i, i + hit.length - 1)
                self.flags.append(Flag(self.field_name, "truncated",
                                       f"{written!r} is cut off; read as an indefinite term",
                                       written))
        elif meaning in ("duration", "renewal-every") and hit.numbers[0] == FRACTION:
            # "2,5" years: a fixed term, but no whole number of years to publish
            written = self._written(i, i + hit.length - 1)
            draft.dated = draft.fixed = True
            self.flags.append(Flag(self.field_name, "duration-fraction", f"{written!r} is no "
                                   "whole number of years; only a fixed term is published",
                                   written, withheld=True))
        elif meaning in ("duration", "renewal-every"):
            years = hit.numbers[0]
            if draft.duration_years not in (None, years):
                self.flags.append(Flag(self.field_name, "inconsistent-term",
                                       f"two durations: {draft.duration_years} and {years} "
                                       "years", self._written(i, i + hit.length - 1)))
            draft.duration_years, draft.dated, draft.fixed = years, True, True
            draft.auto_renewal = draft.auto_renewal or meaning == "renewal-every"
        elif meaning == "auto-renewal":
            draft.auto_renewal = True

    def _apply_kind(self, kinds: list[str], statuses: list[str], hit: PhraseMatch, i: int
                    ) -> None:
        if deny_kind(hit, self.text, self.tokens, i, self.flags, self.field_name):
            return
        apply_kind_phrase(hit, self.text, self.tokens[i : i + hit.length], kinds, statuses,
                          self.flags, self.field_name)

    def _bound(self, i: int, length: int) -> tuple[int, int] | None:
        """The tokens of a bound on the length at ``i`` (a duration phrase), if the cell
        bounds it: a bound word before or after it ("at least 3 years", "mindestens 3 Jahre",
        "3 years minimum", "3年以上"), a second length before it ("3 to 5 years", "3-5 Jahre",
        "entre 3 y 5 años", "3 or 5 years"), or an "until" opening a clause that ends with the
        length ("hasta 5 años", "do 5 lat": up to). "valid until 5 years after signature" is
        read as before."""
        last = i + length - 1
        after = bound_phrases().match(self.tokens, last + 1)
        if after is not None and after.phrase.value == "bound" \
                and self._gap(last, last + 1) <= set("("):
            return i, last + after.length
        before = self._phrase_ending_at(i - 1)
        if before is None or not self._gap(i - 1, i) <= set(".:"):
            return None
        k, meaning = before
        if meaning == "bound":
            return k, last
        number = k - 1
        if meaning in ("range", "until", "connector", "alternative") and number >= 0 \
                and _small(self.tokens, number, 99) and not self._gap(number, k):
            if self.flags and self.flags[-1].code == \
                    "unknown-term-text" and self.flags[-1].value == self.tokens[number].text:
                self.flags.pop()  # "3" of "3 to 5 years" is understood now
            return number, last
        clause_ends = last + 1 >= len(self.tokens) or self.tokens[last + 1].text == ";"
        opens = k == 0 or self.tokens[k - 1].text == ";"
        if meaning in ("until", "range") and opens and clause_ends \
                and self.tokens[k].text not in ("-", "\u2013"):
            return k, last
        return None

    def _bounds_a_length(self, i: int, length: int, meaning: str) -> bool:
        """Whether the bound word at ``i`` stands right before or after a duration phrase
        (an "or" only between two lengths): elsewhere it says nothing of the term."""
        nxt = term_phrases().match(self.tokens, i + length)
        if nxt is not None and nxt.phrase.value == "duration" \
                and self._gap(i + length - 1, i + length) <= set(".:"):
            return meaning == "bound" or _small(self.tokens, i - 1, 99)
        before = self._phrase_ending_at(i - 1)
        return (meaning == "bound" and before is not None and before[1] == "duration"
                and self._gap(i - 1, i) <= set("("))

    def _phrase_ending_at(self, j: int) -> tuple[int, str] | None:
        """Where the term phrase or bound that ends at token ``j`` starts, and its meaning."""
        for table in (bound_phrases(), term_phrases()):
            for k in range(max(0, j - 4), j + 1):
                hit = table.match(self.tokens, k)
                if hit is not None and k + hit.length - 1 == j:
                    return k, hit.phrase.value
        return None

    def _gap(self, first: int, second: int) -> set[str]:
        """The signs between two tokens, spaces left out."""
        return set("".join(self.text[self.tokens[first].end : self.tokens[second].start]
                           .split()))

    def _word_follows(self, j: int) -> bool:
        """Whether a word follows in the clause at token ``j``: a phrase cut off at the end of
        a cell ("na czas") is not cut off when the cell goes on ("na czas określony")."""
        return j < len(self.tokens) and self.tokens[j].text[:1].isalpha()

    def _another_agreement(self, state: _ClauseState, i: int, length: int) -> None:
        """"mientras dure el convenio marco", "jusqu'à l'échéance de l'accord-cadre (2027)",
        "co-terminous with the framework MoU": a type after an article names another
        agreement (the one this row's depends on), not this row's; the date after it is that
        agreement's, neither this row's start nor its end."""
        written = self._written(i, i + length - 1)
        self.flags.append(Flag(self.field_name, "other-agreement", f"{written!r} names "
                               "another agreement: its type and dates are not this row's",
                               " ".join(self.text.split())))
        state.other, state.until = True, False

    def _flush_unknown(self, unknown: list[int]) -> None:
        if not unknown:
            return
        written = self._written(unknown[0], unknown[-1])
        self.flags.append(Flag(self.field_name, "unknown-term-text",
                               f"{written!r} was not understood", written))
        unknown.clear()

    def _written(self, first: int, last: int) -> str:
        return self.text[self.tokens[first].start : self.tokens[last].end]

    def _span(self, draft: _Draft) -> str:
        """The draft's text, widened to close a bracket it opened."""
        start = self.tokens[draft.first].start
        end = self.tokens[draft.last].end
        opened = self.text.count("(", start, end) - self.text.count(")", start, end)
        while opened > 0:
            close = self.text.find(")", end)
            if close < 0:
                break
            end, opened = close + 1, opened - 1
        return self.text[start:end].strip()

    def result(self) -> list[Term]:
        out = []
        for d in self.terms:
            if len(d.statuses) > 1:
                self.flags.append(Flag(self.field_name, "conflicting-status",
                                       f"several statuses: {d.statuses}", self._span(d)))
            out.append(Term(
                start=d.start,
                end=d.end,
                open_ended=True if d.open_ended else (False if d.fixed else None),
                duration_years=d.duration_years,
                auto_renewal=True if d.auto_renewal else None,
                kinds=tuple(d.kinds),
                text=self._span(d),
                status=d.statuses[0] if d.statuses else None,
            ))
        return out


# the articles before a type that make it another agreement's, named in a term cell ("el
# convenio marco", "the framework MoU", "l'accord-cadre", "der Rahmenvereinbarung")
_ARTICLES = frozenset({"el", "del", "al", "los", "las", "la", "le", "l", "du", "des", "au",
                       "aux", "the", "o", "do", "ao", "da", "dos", "das", "il", "lo", "della",
                       "dello", "dell", "der", "dem", "den", "het"})
# the signs after a year ("2024年" is one token) that make it a school or fiscal year
_SCHOOL_YEAR = ((("学", "年", "度"), True), (("學", "年", "度"), True), (("학", "년", "도"), True),
                (("년", "도"), False), (("年", "度"), False), (("度",), False), (("도",), False))


def _date_value(tok: Token) -> DateValue | None:
    """A year ("2024") or a whole date ("31.08.2027", read in the source's date order)."""
    year = _year(tok)
    if year is not None:
        return DateValue(year)
    if not tok.is_date:
        return None
    value, _ = parse_date(tok.text, part=True)  # the cell's calendars are converted
    return value


def _year(tok: Token) -> int | None:
    if len(tok.text) == 4 and tok.text.isdecimal() and MIN_YEAR <= int(tok.text) <= MAX_YEAR:
        return int(tok.text)
    return None


def _month_date(text: str, tokens: list[Token], i: int) -> tuple[DateValue, int] | None:
    """A date with its month named, at token ``i``: "1 September 2021", "Sep 2021",
    "de septembre 2021", "August 31, 2026", "2029. gada 31. maijam"; the date and how many
    tokens it takes."""
    first = _year_first_date(text, tokens, i)
    if first is not None:
        return first
    j, day = i, None
    if _small(tokens, j, 31):
        day, j = int(tokens[j].text), j + 1
        j = _past_fillers(tokens, j)
    month = month_number(tokens[j].text) if j < len(tokens) else None
    step = 1
    if month is None and j < len(tokens) and is_month_marker(tokens[j].text) \
            and _small(tokens, j + 1, 12):
        month, step = int(tokens[j + 1].text), 2  # "tháng 8": the month as a number
    if month is None:
        return None
    j = _past_fillers(tokens, j + step)
    if day is None and _small(tokens, j, 31):
        day, j = int(tokens[j].text), _past_fillers(tokens, j + 1)
    year = _year(tokens[j]) if j < len(tokens) else None
    if year is None:
        return None
    try:
        return DateValue(year, month, day), j - i + 1
    except ValueError:  # "31 September": the month is still stated
        return DateValue(year, month), j - i + 1


def _year_first_date(text: str, tokens: list[Token], i: int) -> tuple[DateValue, int] | None:
    """A date written year first with its month named and its day: "2029. gada 31. maijam"
    (lv), "2028. augusztus 31." (hu), "2027 m. rugpjūčio 31 d." (lt).

    Only where the year is written as one (an ordinal dot or a word for "year" after it):
    "2021 may 5 years" has a year, a word that names a month elsewhere and a number, and no
    date. Nor where a year follows the day and month: "2019 31 May 2024" is a date after a
    year, read by the day-first reading."""
    year = _year(tokens[i])
    if year is None or i + 1 >= len(tokens):
        return None
    j = _past_fillers(tokens, i + 1)
    if j == i + 1 and not text[tokens[i].end:].startswith("."):
        return None
    month = day = None
    if _small(tokens, j, 31) and j + 1 < len(tokens):
        month = month_number(tokens[_past_fillers(tokens, j + 1)].text)
        if month is not None:
            day, j = int(tokens[j].text), _past_fillers(tokens, j + 1)
    elif j < len(tokens):
        month = month_number(tokens[j].text)
        if month is not None and _small(tokens, _past_fillers(tokens, j + 1), 31):
            j = _past_fillers(tokens, j + 1)
            day = int(tokens[j].text)
    if month is None or day is None:
        return None
    after = _past_fillers(tokens, j + 1)
    if after < len(tokens) and _year(tokens[after]) is not None:
        return None
    try:
        return DateValue(year, month, day), j - i + 1
    except ValueError:  # "2021. gada 31. septembrī": the month is still stated
        return DateValue(year, month), j - i + 1


def _small(tokens: list[Token], j: int, most: int) -> bool:
    return (j < len(tokens) and tokens[j].text.isdecimal() and len(tokens[j].text) <= 2
            and 1 <= int(tokens[j].text) <= most)


def _past_fillers(tokens: list[Token], j: int) -> int:
    """Past the words a date writes between its parts ("gada", "жылдын"), and a hyphen that
    joins a number to the word after it ("2019-жылдын 12-апрели": Kyrgyz writes its case
    endings so); "2019-2024" keeps its dash."""
    while j < len(tokens):
        if not (is_filler(tokens[j].text) or _joins_a_word(tokens, j)):
            break
        j += 1
    return j


def _joins_a_word(tokens: list[Token], j: int) -> bool:
    return (tokens[j].text == "-" and 0 < j < len(tokens) - 1
            and tokens[j - 1].end == tokens[j].start and tokens[j].end == tokens[j + 1].start
            and tokens[j - 1].text.isdecimal() and tokens[j + 1].text.isalpha())


def _academic_second_year(text: str, tokens: list[Token], i: int) -> DateValue | None:
    """The second year of an academic year written at token ``i`` ("2027/2028", "2027/28"):
    one period, not two agreements nor a range. Only a slash joins the two: "2027-2028" is
    a range."""
    first = _year(tokens[i])
    if first is None or i + 1 >= len(tokens):
        return None
    nxt = tokens[i + 1]
    # "2027/28", and "2027./2028." as Croatian, Serbian and Slovak write years (ordinals)
    between = text[tokens[i].end : nxt.start].strip()
    if between not in ("/", "./") or not nxt.text.isdecimal():
        return None
    if len(nxt.text) == 4 and int(nxt.text) == first + 1:
        return DateValue(first + 1)
    if len(nxt.text) == 2 and int(nxt.text) == (first + 1) % 100:
        return DateValue(first + 1)
    return None


def _garbled_year(tok: Token) -> bool:
    """A token standing where a year stands but not one: "ZV15", "20l5", "215"."""
    has_digit = any(c.isdigit() for c in tok.text)
    decimal = tok.text.replace(",", "").replace(".", "").isdecimal()  # "2,5": a fraction
    return has_digit and 3 <= len(tok.text) <= 6 and _year(tok) is None and not decimal


# flags that say how a whole-cell date was read, not that it is in doubt
_READ_AS = frozenset({"date-serial"})


def _whole_date(text: str, role: str, field: str) -> tuple[DateValue | None, list[Flag]]:
    """The date a whole cell states, when it is one academic year or one date to the month
    or day (a spreadsheet's day number too); a bare year is left to the word-by-word
    reading."""
    if starts_with_from(text) or _label_dates_another_event(text):
        return None, []  # "from 1 May 2016", "signed: 15.03.2021": the reader places it
    period = academic_period(text, end=role == "end", marked=role != "end")
    if period is not None:
        return period, []
    value, flags = parse_date(text, field=field, calendar="gregorian")
    if value is None or any(f.code not in _READ_AS for f in flags) or value.month is None:
        return None, []
    return value, flags


# what a label before a colon may say of the date after it other than "ends": it starts the
# agreement ("entrada en vigor: 15/3/2021", "signed: 15.03.2021"), or dates a renewal
_NOT_THE_END = frozenset({"from", "from-after", "other-date", "other-date-after",
                          "earlier-date"})


def _label_dates_another_event(text: str) -> bool:
    """Whether a cell's "label:" lead-in names the signing, the entry into force or a renewal:
    the date after it is then no end, even in an end column (the date reader drops labels)."""
    label, colon, _ = text.rpartition(":")
    if not colon or any(c.isdigit() for c in label):
        return False
    tokens = tokenize(label)
    for i in range(len(tokens)):
        hit = term_phrases().match(tokens, i)
        # past the label's first word, a short "de", "du", "od" joins its words ("Fecha de
        # terminación"): not "from"
        if hit is not None and hit.phrase.value in _NOT_THE_END and (
                i == 0 or len(" ".join(hit.phrase.tokens)) > 3):
            return True
    return False


def parse_terms(text: str, *, field: str = "term", role: str = "term",
                calendar: str | None = None) -> tuple[list[Term], list[Flag]]:
    """Read a term cell into terms in order of mention, with flags for anything doubtful.

    ``role="end"`` reads an end column ("Término", "Expiry"): a date there is an end, and a
    phrase (indefinite, n years) means what it means in a term cell. A cell that is one
    academic year or semester ("a.a. 2027/28") is read whole: its two years are one period,
    not a range of two; so is a cell that is one date with its month ("30 Jun 2026",
    "31-07-2025", "2028. augusztus 31."), which the word-by-word reading would cut into a
    year and words it does not know. Such a date is an end column's end; in a term cell it
    says no more than a day, and is withheld (:func:`_lone_date`). ``calendar``: the one
    the mapping says the column dates by; its dates are converted (:func:`in_gregorian`).
    """
    text, marked = without_footnote_marks(text, field)
    if marked:
        terms, flags = parse_terms(text, field=field, role=role, calendar=calendar)
        return terms, [*flags, *marked]
    converted, reported = in_gregorian(text, field, calendar)
    if converted is not None:
        return _parse_terms(converted, field, role)
    assert reported is not None
    terms, flags = _parse_terms(text, field, role)
    dated = [t for t in terms if t.start or t.end or t.unplaced]
    if not dated:
        return terms, flags
    flags = [f for f in flags if f.code != "unplaced-date"]
    return ([replace(t, start=None, end=None, unplaced=None) for t in terms],
            [*flags, replace(reported, value=" ".join(text.split()))])


def _parse_terms(text: str, field: str, role: str) -> tuple[list[Term], list[Flag]]:
    """``text`` dates by the Gregorian calendar (or by none): its marks are only words."""
    written, text = text, gregorian(text)  # "令和9年2月28日" is 2027年2月28日, not "9 years"
    whole, read_as = _whole_date(text, role, field)
    if whole is not None and role != "end" and whole.month is not None:
        lone = Term(start=None, end=None, open_ended=None, duration_years=None,
                    auto_renewal=None, kinds=(), text=" ".join(written.split()), unplaced=whole)
        return [lone], [*read_as, _lone_date(written, field)]
    if whole is not None:
        end = whole if role == "end" else None
        return [Term(start=None if end else whole, end=end, open_ended=False if end else None,
                     duration_years=None, auto_renewal=None, kinds=(),
                     text=" ".join(written.split()))], read_as
    reader = _Reader(text, tokenize(text), field, role)
    reader.read()
    return reader.result(), reader.flags


def _lone_date(written: str, field: str) -> Flag:
    """A term cell that is one date and nothing else ("31.05.2029") does not say whether the
    agreement starts or ends that day: a column headed "valid until" holds ends, one headed
    "signed" starts. Only an end column (role ``end``) or words in the cell ("od ...",
    "bis ...") say which. (A year alone stays the year the agreement was concluded, as the
    lists that write a year and a duration in one column mean it.)"""
    return Flag(field, "unplaced-date", "a date alone in a term cell does not say whether the "
                "agreement starts or ends that day; not published (map the column as `end` "
                "if it holds ends)", " ".join(written.split()), withheld=True)
