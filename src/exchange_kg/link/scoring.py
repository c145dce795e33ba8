"""How well one of our names fits one ROR record: the name comparisons and their scores.

A score says how the names relate, not how similar their letters are: an equal key (1.0, an
alias 0.96), the same words with other particles (0.97) or in another order (0.95), the same
words once translated (0.97, reordered 0.96), a qualifier dropped that the record explains (its
city, parent, acronym: minus 0.01) or does not (0.90), a spelling slip in a long word
(0.90-0.94), and otherwise a plain fuzzy ratio scaled below 0.85. Only the first kinds can
reach the matcher's threshold for a link (0.95) on their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain, repeat
from operator import itemgetter
from typing import NamedTuple, TypeVar

from rapidfuzz import fuzz, process

from exchange_kg.link.model import InstitutionQuery
from exchange_kg.link.names import (
    STOPWORDS,
    content_words,
    country_name_keys,
    distinctive_words,
    forms,
    key_shape,
    normalise,
    word_variant_key,
)
from exchange_kg.link.ror_dump import RorRecord
from exchange_kg.link.ror_index import IndexedName, RorIndex, ScreenedName
from exchange_kg.resolve.names import (
    TYPE,
    canonical_words,
    vocabulary,
    word_class,
)
from exchange_kg.resolve.names import place_tokens as _place_tokens

# Our cities are read as place tokens (a full name parse) once each; the records' come with the
# index (``RorIndex.place_of``).
place_tokens = lru_cache(maxsize=1 << 12)(_place_tokens)

# Score of an equal key, by the kind of ROR name it equals.
# An alias is a weaker claim than a record's own name: ROR lists a parent's or predecessor's name
# as an alias of a school that shares it ("Jožef Stefan Institute" is an alias of its graduate
# school), and such an alias must not tie with the record whose name it is.
KIND_SCORE = {"display": 1.0, "label": 1.0, "alias": 0.96}
KIND_METHOD = {"display": "exact", "label": "label", "alias": "alias"}
EXPLAINED_DROP = 0.01  # subtracted when a dropped qualifier is the record's city, parent, ...
UNEXPLAINED_DROP = 0.90
SAME_WORDS_OTHER_PARTICLES = 0.97
SAME_WORDS_SPELLING = 0.96
SAME_WORDS_REORDERED = 0.95
SAME_WORDS_REORDERED_PARTICLES = 0.90
CITY_WORDS = 0.96
CITY_WORDS_WEAK = 0.88
TYPO_MAX = 0.94
FUZZY_MAX = 0.85
WORD_OVERLAP_MIN = 0.75
PARTLY_EXPLAINED_DROP = 0.95
PLACE_IN_OTHER_NAME = 0.90
NAMED_AFTER = 0.96
SURNAME_MIN = 80  # a declined, transliterated surname: "Franki" / "Franko", "Puszkina" / "Pushkin"
DESCRIPTORS_ADDED = 0.95
RANK_WORDS = frozenset(("national", "higher", "advanced"))
TRANSLATED = 0.97
TRANSLATED_REORDERED = 0.96
ALIAS_PENALTY = 0.01

QueryForms = list[tuple[str, str, tuple[str, ...]]]  # (our label, key, dropped qualifiers)


@lru_cache(maxsize=1 << 16, typed=True)
def round3(score: float) -> float:
    """``round(score, 3)``, remembered: rounding a float to decimals goes through its decimal
    digits (thousands of instructions), and linking rounds each of a query's ~20 hits and
    ~30 name pairs, nearly always to values seen before."""
    return round(score, 3)


@lru_cache(maxsize=1 << 16, typed=True)
def plain_fuzzy(ratio: float) -> float:
    """The score of a plain fuzzy ratio (0-100), scaled below ``FUZZY_MAX``: a pure function
    of a ratio, asked for every name pair of every query, so remembered like ``round3``."""
    return round(ratio / 100 * FUZZY_MAX, 3)
CLOSE = 50  # token_sort_ratio below which a whole-name pair is not compared at all


@dataclass
class Hit:
    """The best match of our names with one record, before successors are followed."""

    index: int  # record
    score: float
    method: str
    name: str
    label: str
    evidence: set[str] = field(default_factory=set)


class _PlainHit(Hit):
    """A hit by a plain fuzzy ratio (``Close.plain``) whose ROR name is read from the
    record's names only when asked for: most hits never become a candidate."""

    def __init__(self, index: RorIndex, i: int, score: float, position: int, label: str):
        # the fields set here, not by ``Hit.__init__``: its ``name`` would go through the setter
        self.index, self.score, self.method, self.label = i, score, "fuzzy", label
        self.evidence: set[str] = set()
        self._names, self._position = index.names, position
        self._name: str | None = None

    @property  # type: ignore[override]
    def name(self) -> str:
        if self._name is None:
            self._name = self._names[self.index][self._position][0]
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value


class _RecordContext:
    """What can explain a qualifier dropped from a name: the record's city, country, acronyms,
    parents and other names, or the query's city and acronyms (worked out only when needed)."""

    def __init__(self, index: RorIndex, i: int, query: InstitutionQuery, extra: Iterable[str]):
        self.index, self.i, self.query, self.extra = index, i, query, extra
        self.city, self.city_words = _city_key(index.city_of(i))

    @cached_property
    def record(self) -> RorRecord:
        return self.index.records[self.i]

    @cached_property
    def query_dropped_ok(self) -> frozenset[str]:
        rec = self.record
        keys = {normalise(a) for a in rec.acronyms}
        keys |= country_name_keys(rec.country) if rec.country else set()
        if self.city:
            keys.add(self.city)
        for rel in rec.relationships:
            if rel.type == "parent" and rel.label:
                keys.update(f.key for f in forms(rel.label))
        for _value, _kind, name_forms in self.index.names[self.i]:
            keys.update(key for key, _ in name_forms)
        return frozenset(keys.union(self.extra))

    @cached_property
    def name_words(self) -> frozenset[str]:
        """Every content word of the record's names and its city."""
        words: set[str] = set(self.city.split())
        for value, _kind, _forms in self.index.names[self.i]:
            words.update(content_words(normalise(value)))
        return frozenset(words)

    def partly_explains(self, dropped: str) -> bool:
        """A part we add names at least one thing the record is known by (city, a name)."""
        return any(w in self.name_words for w in distinctive_words(dropped))

    @cached_property
    def record_dropped_ok(self) -> frozenset[str]:
        rec, query = self.record, self.query
        keys = {normalise(a) for a in query.acronyms} | {normalise(a) for a in rec.acronyms}
        if query.city:
            keys.add(normalise(query.city))
        if rec.country:
            keys |= country_name_keys(rec.country)
        return frozenset(keys.union(self.extra))


@lru_cache(maxsize=1 << 14)
def _city_key(city: str | None) -> tuple[str, tuple[str, ...]]:
    """A record's city as a key and as the words of that key ("" and () without a city)."""
    key = normalise(city) if city else ""
    return key, tuple(key.split())


def _compare(qkey: str, qdropped: tuple[str, ...], rkey: str, rdropped: tuple[str, ...],
             kind: str, ctx: _RecordContext, qcity: str,
             sort_ratio: float | None = None) -> tuple[float, str] | None:
    """Score one reading of our label against one reading of a ROR name (``sort_ratio``:
    their ``fuzz.token_sort_ratio`` when already known)."""
    if qkey == rkey:
        if not qdropped and not rdropped:
            return KIND_SCORE[kind], KIND_METHOD[kind]
        explained = (all(d in ctx.query_dropped_ok for d in qdropped)
                     and all(d in ctx.record_dropped_ok for d in rdropped))
        if explained:
            return KIND_SCORE[kind] - EXPLAINED_DROP, KIND_METHOD[kind]
        if not rdropped and kind != "alias" and all(ctx.partly_explains(d) for d in qdropped):
            # "SKEMA (CERAM + ESC Lille School of Management) Business School": the part we
            # add names the record's city (or another of its names) among other things
            return PARTLY_EXPLAINED_DROP, "fuzzy"
        return UNEXPLAINED_DROP, "fuzzy"
    if qdropped or rdropped:
        return None  # word-level comparison is done on the whole names only
    qw, rw = content_words(qkey), content_words(rkey)
    if not qw or not rw:
        return None
    if len(qw) == len(rw):
        # the same words, respelt, reordered or with slips: only names of as many words
        if qw == rw:
            return SAME_WORDS_OTHER_PARTICLES, "fuzzy"
        qs, rs = _variant_words(qkey), _variant_words(rkey)
        if qs == rs:  # "Science"/"Sciences", "Universitaet"/"Universität"
            return SAME_WORDS_SPELLING, "fuzzy"
        if sorted(qs) == sorted(rs):
            particles = len(qkey.split()) != len(qw) or len(rkey.split()) != len(rw)
            if not particles:
                return SAME_WORDS_REORDERED, "fuzzy"
            # "Heidelberg University" = "University of Heidelberg" when the moved word is the
            # record's city; otherwise it may be "Washington University" vs "University of
            # Washington", two institutions
            if ctx.city and set(distinctive_words(" ".join(qw))) == set(ctx.city.split()):
                return SAME_WORDS_REORDERED, "fuzzy"
            return SAME_WORDS_REORDERED_PARTICLES, "fuzzy"
        typo = _typo_score(qw, rw)
        if typo is not None:
            return typo, "fuzzy"
    else:
        # the record's city or a place on one side only: names of as many more words
        cw = ctx.city_words
        if cw and abs(len(qw) - len(rw)) == len(cw):
            city_score = _city_difference(qw, rw, ctx.city, qcity)
            if city_score is not None:
                return city_score, "fuzzy"
        if len(qw) == len(rw) + 1 and _place_in_other_name(qw, rw, ctx):
            return PLACE_IN_OTHER_NAME, "fuzzy"
        if cw and len(qw) - len(cw) == len(rw) and qw[-len(cw):] == cw:
            # "Afaisal University of Riyadh": a slip in the name, plus the record's city
            typo = _typo_score(qw[:-len(cw)], rw)
            if typo is not None:
                return typo, "fuzzy"
    if sort_ratio is None:
        sort_ratio = fuzz.token_sort_ratio(qkey, rkey)
    return plain_fuzzy(sort_ratio), "fuzzy"


# How a pair of unequal whole names is scored (``_pair_test``): by its plain fuzzy ratio
# (None), by ``_compare``'s rules (True), or by the rules only when the record's city is the
# difference: (how many words the names differ by, how many characters their joined words
# differ by, our joined words when ours has more words).
PairTest = None | bool | tuple[int, int, str | None]


def _pair_test(ours: QueryName, theirs: ScreenedName) -> PairTest:
    """Whether a word-level rule of ``_compare`` can fit two unequal whole names (no
    qualifier dropped), worked out once per pair of keys from their ``key_shape``: when none
    can, the pair scores its plain fuzzy ratio, as nearly all of a query's ~20 records a
    question do.

    Each test is implied by the rule it stands for: the same words (respelt, reordered, with
    other particles) have the same sorted variants; slips of 85 or more in each differing word
    make the joined words at least 85 alike (the word-by-word alignment is one alignment of
    the joined strings; 84 leaves room for rounding); a trailing place of another name leaves
    the record's words in front of ours; the record's city on one side only makes the names
    differ by its words and its length plus a space, or ends our words (``_city_rules``)."""
    qj, qn, qv = ours[2:5]
    rj, rn, rv = theirs[2:5]
    if qn == rn:
        return qv == rv or fuzz.ratio(qj, rj, score_cutoff=84) > 0 or None
    if qn == rn + 1 and qj.startswith(rj + " "):
        return True
    return abs(qn - rn), abs(len(qj) - len(rj)), qj if qn > rn else None


# One of our keys with its ``key_shape``, as ``ScreenedName`` begins.
QueryName = tuple[str, str, str, int, str]


@lru_cache(maxsize=1 << 16)
def _screened(key: str) -> QueryName:
    """One of our keys with its ``key_shape``, as the index stores a ROR name's
    (``ror_index.screened_names``)."""
    return (key, *key_shape(key))


@lru_cache(maxsize=1 << 14)
def _city_probe(city: str | None) -> tuple[int, int, str] | None:
    """A record's city as ``_city_rules`` reads it: its key's words, its length plus a space,
    and the key after a space (None without a city)."""
    key = _city_key(city)[0]
    return (key.count(" ") + 1, len(key) + 1, " " + key) if key else None


def _city_rules(test: tuple[int, int, str | None], probe: tuple[int, int, str] | None) -> bool:
    """Whether the city rules of ``_compare`` can fit a pair (``_pair_test``) for a record in
    the city of ``probe``."""
    if probe is None or test[0] != probe[0]:
        return False
    return test[1] == probe[1] or (test[2] is not None and test[2].endswith(probe[2]))


@lru_cache(maxsize=1 << 18)
def _variant_words(key: str) -> tuple[str, ...]:
    """The content words of a key with spelling variants folded (``word_variant_key``)."""
    return tuple(map(word_variant_key, content_words(key)))


def _city_difference(qw: tuple[str, ...], rw: tuple[str, ...], city: str,
                     qcity: str) -> float | None:
    """The names differ only by the record's city on one side.

    Our name adding the city ("Babes-Bolyai University of Cluj-Napoca") is as good as a name; the
    record adding a city our name lacks ("... University (Guangzhou)") may be one campus of
    several, so it is only a strong match when our city says the same.
    """
    if not city:
        return None
    cw = tuple(city.split())
    n = len(cw)
    if abs(len(qw) - len(rw)) != n:
        return None
    ours = len(qw) > len(rw)  # only the longer name can be the shorter plus the city
    longer, shorter = (qw, rw) if ours else (rw, qw)
    if cw[0] not in longer:
        return None
    for start in range(len(longer) - n + 1):
        if longer[start:start + n] == cw and longer[:start] + longer[start + n:] == shorter:
            if qcity == city:
                return CITY_WORDS
            if ours and distinctive_words(" ".join(shorter)):
                return CITY_WORDS
            return CITY_WORDS_WEAK
    return None


def _place_in_other_name(qw: tuple[str, ...], rw: tuple[str, ...], ctx: _RecordContext) -> bool:
    """Our name is the record's plus one trailing proper name that another of the record's
    names carries ("École Nationale Supérieure des Télécommunications de Paris" for the record
    also named "Télécom Paris")."""
    if len(qw) != len(rw) + 1 or qw[:-1] != rw:
        return False
    extra = qw[-1]
    return extra in ctx.name_words and bool(distinctive_words(extra))


def _typo_score(qw: tuple[str, ...], rw: tuple[str, ...]) -> float | None:
    """Same words in the same order but for spelling slips in long words ("Univeristy")."""
    if len(qw) != len(rw):
        return None
    worst = 1.0
    for a, b in zip(qw, rw, strict=True):
        if a == b:
            continue
        if min(len(a), len(b)) < 5:
            return None
        r = fuzz.ratio(a, b) / 100
        if r < 0.85:
            return None
        worst = min(worst, r)
    return round(0.90 + (worst - 0.85) / 0.15 * (TYPO_MAX - 0.90), 3)


def query_forms(query: InstitutionQuery) -> QueryForms:
    """(label, key, dropped) of the readings of our labels.

    The preferred label is always read whole, even when all its words are generic ("National
    University of Sciences and Technology" is a name); alternatives and partial readings made of
    generic words only ("University of Applied Sciences" given as a translation) name nobody.
    """
    out = []
    for n, label in enumerate(query.labels):
        for m, f in enumerate(forms(label)):
            if (n == 0 and m == 0) or distinctive_words(f.key):
                out.append((label, f.key, f.dropped))
    return out


class Close(NamedTuple):
    """Which of a query's candidate records ``score_record`` has to look at, and how."""

    pairs: dict[tuple[str, str], float]  # (our key, ROR full-name key) at ``CLOSE`` or
    # above -> their token_sort_ratio
    records: set[int]  # records with such a pair or a name reading equal to one of ours
    others: set[int] | None  # records another reading may fit (None: any record)
    equal: dict[int, set[str]]  # record -> our keys equal to a reading of one of its names
    fulls: frozenset[str]  # the ROR full-name keys of ``pairs``
    dropped: bool  # some reading of ours has a qualifier dropped (compared with every name)
    by_full: dict[str, list[Pairing]]  # ROR full-name key -> our readings paired with it
    plain: dict[int, PlainBest]  # record -> its best plain reading, or ``_RULES``


# One of our readings paired with a ROR full-name key (``close_pairs``): (label, key, the
# plain fuzzy score or None when either key has no content words, ``_pair_test``).
Pairing = tuple[str, str, float | None, PairTest]
# A record's best pairing by plain ratio so far (``close_pairs``): (the plain fuzzy score,
# minus the length of its shortest name of that key, minus that name's position, our label),
# ordered as ``_best_paired_reading`` prefers them; or ``_RULES`` when a pair needs the rules
# or the record has readings that are compared one by one.
PlainBest = tuple[float, int, int, str] | object
_RULES = object()


def close_pairs(index: RorIndex, query: InstitutionQuery, qforms: QueryForms,
                records: Iterable[int]) -> Close:
    """Which of the records can fit the query at all, worked out for all of them at once.

    A name pair is compared only if its ``fuzz.token_sort_ratio`` reaches ``CLOSE`` or two
    readings are equal: the ratios come from one C++ pass per key of ours
    (``process.extract`` of ``fuzz.ratio`` over the words sorted, which the index stores with
    each name: the same scores as the scorer, which sorts them in every call; values within a
    point of ``CLOSE`` are worked out again pair by pair, so the set is exactly the one the
    pairwise test gives). A pair's ``_pair_test`` is worked out here, once. The other
    readings (``_translated``, ``_named_after``, ``_descriptors_added``) can only fit records
    that the index lists under the canonical words of our labels; a label with a patron may
    fit any record."""
    equal: dict[int, set[str]] = {}
    for _label, key, _dropped in qforms:
        for i in index.by_key(key):
            equal.setdefault(i, set()).add(key)
    plain = [(label, key) for label, key, dropped in qforms if not dropped]
    qkeys = [_screened(key) for key in dict.fromkeys(key for _label, key in plain)]
    first_label = {key: label for label, key in reversed(plain)}
    in_order = len(qkeys) == len(plain)  # no key of ours twice: pairings come in qforms order
    records = list(records)
    screened = index.screened_many(records)
    # every whole name of every record, repeats included, with the record it is a name of
    names = list(chain.from_iterable(screened))
    owners = list(chain.from_iterable(map(repeat, records, map(len, screened))))
    choices = list(map(itemgetter(1), names))  # token_sort_ratio is the ratio of the words sorted
    pairs: dict[tuple[str, str], float] = {}
    paired: set[str] = set()
    by_full: dict[str, list[Pairing]] = {}
    found: dict[str, dict[str, Pairing]] = {}  # when not in order: ROR key -> our key -> ...
    fit = set(equal)
    best: dict[int, PlainBest] = {}
    probes: dict[int, tuple[int, int, str] | None] = {}
    for ours in qkeys if names else ():
        q = ours[0]
        label = first_label[q]
        seen: dict[str, Pairing | bool] = {}  # ROR key -> its pairing with ``q``, or whether
        # it pairs (an equal key)
        for _choice, score, col in process.extract(ours[1], choices, scorer=fuzz.ratio,
                                                   score_cutoff=CLOSE - 1, limit=None):
            theirs = names[col]
            f = theirs[0]
            ok = seen.get(f)
            if ok is None:
                if score < CLOSE + 1:
                    score = fuzz.token_sort_ratio(q, f)
                ok = seen[f] = score >= CLOSE
                if ok:
                    pairs[(q, f)] = score
                    paired.add(f)
                    if q != f:  # an equal key's records are scored by ``_best_close_reading``
                        # the plain fuzzy score (None when either key has no content words:
                        # ``_compare`` gives none) and the pair's ``_pair_test``
                        ok = seen[f] = ((label, q, plain_fuzzy(score), _pair_test(ours, theirs))
                                        if ours[3] and theirs[3] else (label, q, None, None))
                        if in_order:
                            by_full.setdefault(f, []).append(ok)
                        else:
                            found.setdefault(f, {})[q] = ok
            if not ok:
                continue
            i = owners[col]
            fit.add(i)
            if ok is True or (was := best.get(i)) is _RULES:
                continue
            # the record's best plain reading (``_best_paired_reading`` without the rules):
            # the best plain score, then the shortest name, then the first name, then the
            # first of our readings; any pair a rule may fit leaves it to the rules
            fuzzy, test = ok[2], ok[3]
            if test is not None and test is not True and fuzzy is not None:
                probe = probes.get(i, False)
                if probe is False:  # the record's city, read once for all its pairs
                    probe = probes[i] = _city_probe(index.city_of(i))
                test = _city_rules(test, probe)  # type: ignore[arg-type]
            if theirs[6] < 0 or test is True:
                best[i] = _RULES
            elif fuzzy is not None:
                mine = (fuzzy, -theirs[5], -theirs[6])
                if was is None or mine > was[:3]:  # type: ignore[index]
                    best[i] = (*mine, label)
    for f, ours_of in found.items():
        by_full[f] = [(label, *ours_of[q][1:]) for label, q in plain if q in ours_of]
    others: set[int] | None = set()
    for label in query.labels:
        patron = named_after(label)
        if patron is not None and patron[1]:
            others = None
            break
        translation = _translation_plan(label)
        if translation is not None:
            others.update(index.by_canonical(translation[2]))
        descriptors = _descriptor_plan(label)
        if descriptors is not None:
            others |= index.with_canonical_words(descriptors[1])
    return Close(pairs, fit, others, equal, frozenset(paired),
                 any(dropped for _label, _key, dropped in qforms), by_full, best)


def score_record(index: RorIndex, i: int, query: InstitutionQuery, qforms: QueryForms,
                 qcity: str, extra: Iterable[str] = (), close: Close | None = None
                 ) -> Hit | None:
    """The best pairing of our readings with record ``i``'s names (None if none compares);
    ``extra`` are further keys that explain a dropped qualifier (a unit's parent's names);
    ``close``: the query's ``close_pairs`` when worked out in advance."""
    best: Hit | None = None
    if close is None or i in close.records:
        best = _best_reading(index, i, query, qforms, qcity, extra, close)
    if (best is None or best.score < TRANSLATED) and (
            close is None or close.others is None or i in close.others):
        for other in (_translated(index, i, query), _named_after(index, i, query),
                      _descriptors_added(index, i, query)):
            if other is not None and (best is None or other.score > best.score):
                best = other
    return best


def score_records(index: RorIndex, records: Iterable[int], query: InstitutionQuery,
                  qforms: QueryForms, qcity: str, close: Close) -> Iterator[tuple[int, Hit]]:
    """``score_record`` of each record ``close`` was worked out for, with a hit: the same
    hits, but a record that only its best plain pairing can fit (nearly all of a query's
    ~20) becomes its hit here, without the two calls ``score_record`` makes for it."""
    others, fits, equal, plain = close.others, close.records, close.equal, close.plain
    for i in records:
        if others is not None and i not in others:
            if i not in fits:
                continue  # nothing of it can fit
            if i not in equal:
                best = plain.get(i)
                if best is None:
                    continue  # no pairing, and no other reading can fit
                if best is not _RULES:
                    fuzzy, _shortest, position, label = best  # type: ignore[misc]
                    yield i, _PlainHit(index, i, fuzzy, -position, label)
                    continue
        hit = score_record(index, i, query, qforms, qcity, close=close)
        if hit is not None:
            yield i, hit


def _best_reading(index: RorIndex, i: int, query: InstitutionQuery, qforms: QueryForms,
                  qcity: str, extra: Iterable[str], close: Close | None) -> Hit | None:
    """The best of our readings against each of the record's names (ties: the shorter ROR
    name, then the first pairing); without the query's ``close_pairs``, the pairs of this
    record are worked out one by one."""
    if close is None:
        names = index.names[i]
        return _best_close_reading(index, i, query, qforms, qcity, extra,
                                   _record_pairs(i, qforms, names), names)
    if i in close.equal:
        return _best_close_reading(index, i, query, qforms, qcity, extra, close, index.names[i])
    plain = close.plain.get(i)
    if plain is None:
        return None
    if plain is _RULES:
        return _best_paired_reading(index, i, query, qcity, extra, close, index.names[i])
    fuzzy, shortest, position, label = plain  # type: ignore[misc]
    return _PlainHit(index, i, fuzzy, -position, label)


def _best_paired_reading(index: RorIndex, i: int, query: InstitutionQuery, qcity: str,
                         extra: Iterable[str], close: Close,
                         names: tuple[IndexedName, ...]) -> Hit | None:
    """``_best_close_reading`` of a record none of whose readings equals one of ours: only
    the whole names the screen paired are compared, and each pair by its plain fuzzy score
    unless ``_pair_test`` says a rule may fit (the same comparisons in the same order, so the
    same best reading and ties)."""
    ctx = None
    probe: tuple[int, int, str] | None | bool = False  # the record's city, read when needed
    best: tuple[float, int, str, str, str] | None = None  # score, -len(name), method, name, label
    by_full, pairs = close.by_full, close.pairs
    for value, kind, name_forms in names:
        full_key = name_forms[0][0]
        paired = by_full.get(full_key)
        if paired is None:
            continue
        for label, qkey, fuzzy, test in paired:
            if fuzzy is not None:
                rules = test is True
                if isinstance(test, tuple):
                    if probe is False:
                        probe = _city_probe(index.city_of(i))
                    rules = _city_rules(test, probe)
                if rules:
                    if ctx is None:
                        ctx = _RecordContext(index, i, query, extra)
                    res = _compare(qkey, (), full_key, (), kind, ctx, qcity,
                                   pairs[(qkey, full_key)])
                    if res is not None and (best is None or (res[0], -len(value)) > best[:2]):
                        best = (res[0], -len(value), res[1], value, label)
                elif best is None or (fuzzy, -len(value)) > best[:2]:
                    best = (fuzzy, -len(value), "fuzzy", value, label)
            for rkey, rdropped in name_forms[1:]:
                if not rdropped:  # a reading without a qualifier (one that left nothing)
                    if ctx is None:
                        ctx = _RecordContext(index, i, query, extra)
                    res = _compare(qkey, (), rkey, (), kind, ctx, qcity, pairs.get((qkey, rkey)))
                    if res is not None and (best is None or (res[0], -len(value)) > best[:2]):
                        best = (res[0], -len(value), res[1], value, label)
    if best is None:
        return None
    return Hit(i, best[0], best[2], best[3], best[4])


def _record_pairs(i: int, qforms: QueryForms, names: tuple[IndexedName, ...]) -> Close:
    """``close_pairs`` of one record, pair by pair (the reference the batched screen is tested
    against)."""
    pairs: dict[tuple[str, str], float] = {}
    equal: set[str] = set()
    for _value, _kind, name_forms in names:
        full_key = name_forms[0][0]
        for _label, qkey, qdropped in qforms:
            if any(qkey == k for k, _ in name_forms):
                equal.add(qkey)
            if not qdropped and (ratio := fuzz.token_sort_ratio(qkey, full_key)) >= CLOSE:
                pairs[(qkey, full_key)] = ratio
    return Close(pairs, {i}, None, {i: equal} if equal else {}, frozenset(f for _q, f in pairs),
                 any(dropped for _label, _key, dropped in qforms), {}, {})


def _best_close_reading(index: RorIndex, i: int, query: InstitutionQuery, qforms: QueryForms,
                        qcity: str, extra: Iterable[str], close: Close,
                        names: tuple[IndexedName, ...]) -> Hit | None:
    """``_best_reading`` with the pairs that can fit known: only those are compared, with the
    ratios worked out for them."""
    ctx = None
    best: tuple[float, int, str, str, str] | None = None  # score, -len(name), method, name, label
    equal = close.equal.get(i, ())
    pairs, fulls = close.pairs, close.fulls
    every_name = bool(equal) or close.dropped
    for value, kind, name_forms in names:
        full_key = name_forms[0][0]
        if not every_name and full_key not in fulls:
            continue  # none of our readings can pair with this name
        for label, qkey, qdropped in qforms:
            if not qdropped and (qkey, full_key) not in pairs and (
                    qkey not in equal or not any(qkey == k for k, _ in name_forms)):
                continue
            for rkey, rdropped in name_forms:
                if qkey != rkey and (qdropped or rdropped):
                    continue  # a reading without a qualifier is only compared when equal
                if ctx is None:
                    ctx = _RecordContext(index, i, query, extra)
                res = _compare(qkey, qdropped, rkey, rdropped, kind, ctx, qcity,
                               pairs.get((qkey, rkey)))
                if res is None:
                    continue
                score, method = res
                if best is None or (score, -len(value)) > best[:2]:
                    best = (score, -len(value), method, value, label)
    if best is None:
        return None
    return Hit(i, best[0], best[2], best[3], best[4])


_PATRON_MARKERS = ("im", "imienia", "imeni", "named after")
_PATRON_END = frozenset(("w", "we", "in", "v", "of", "at"))
_TRANSLIT = (("szcz", "shch"), ("sz", "sh"), ("cz", "ch"), ("rz", "zh"), ("w", "v"), ("j", "y"))


def _translit(word: str) -> str:
    """Polish spelling of a Slavic name in English letters ("Puszkina" -> "pushkina")."""
    for a, b in _TRANSLIT:
        word = word.replace(a, b)
    return word


@lru_cache(maxsize=65536)
def named_after(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(the surname a name is "named after", the name's own words without the patron) for
    "Państwowy Uniwersytet im. A. S. Puszkina w Brześciu" -> ("pushkina", canonical words of
    "Państwowy Uniwersytet w Brześciu"); None without such a part."""
    words = normalise(text).split()
    for k, w in enumerate(words):
        marker = 2 if w == "named" and words[k + 1:k + 2] == ["after"] else (
            1 if w in _PATRON_MARKERS else 0)
        if not marker:
            continue
        end = k + marker
        while end < len(words) and words[end] not in _PATRON_END:
            end += 1
        patron = [x for x in words[k + marker:end] if len(x) > 1]
        if not patron or len(patron[-1]) < 4:
            return None
        rest = " ".join(words[:k] + words[end:])
        return _translit(patron[-1]), canonical_words(rest)[0]
    return None


_Plan = TypeVar("_Plan")


def _planned(query: InstitutionQuery,
             plan_of: Callable[[str], _Plan | None]) -> Iterator[tuple[str, _Plan]]:
    """Our labels with what ``plan_of`` reads in them, those it reads nothing in left out:
    the other readings (patron, descriptors, translation) each need a label of one shape."""
    for label in query.labels:
        plan = plan_of(label)
        if plan is not None:
            yield label, plan


def _worded_names(index: RorIndex, i: int) -> Iterator[tuple[str, str, tuple[str, ...], bool]]:
    """(value, kind, canonical words, whether a word was translated) of record ``i``'s
    names."""
    for (value, kind, _forms), (words, native) in zip(index.names[i], index.canonical(i),
                                                      strict=True):
        yield value, kind, words, native


def _patron_plan(label: str) -> tuple[str, tuple[str, ...]] | None:
    """``named_after`` of a label that has words besides its patron."""
    ours = named_after(label)
    return ours if ours is not None and ours[1] else None


def _named_after(index: RorIndex, i: int, query: InstitutionQuery) -> Hit | None:
    """Our name says whom the institution is named after ("im. A. S. Puszkina"); a ROR name
    has the same surname (as "named after ..." or in front, "Brest State A.S. Pushkin
    University") and otherwise the same words once translated. Polish declines and spells
    the surname its own way, so surnames are compared in English letters, loosely."""
    best: Hit | None = None
    for label, (surname, rest) in _planned(query, _patron_plan):
        for value, kind, cwords, _native in _worded_names(index, i):
            theirs = named_after(value)
            if theirs is not None:
                their_surname, their_rest = theirs
            else:
                words = list(cwords)
                hits = [k for k, w in enumerate(words)
                        if fuzz.ratio(_translit(w), surname) >= SURNAME_MIN]
                if len(hits) != 1:
                    continue
                k = hits[0]
                their_surname = _translit(words[k])
                # the first name or initials in front of the surname go with it
                start = k
                while start > 0 and (len(words[start - 1]) == 1 or (
                        word_class(words[start - 1]) is None and words[start - 1] not in rest)):
                    start -= 1
                their_rest = tuple(words[:start] + words[k + 1:])
            if fuzz.ratio(their_surname, surname) < SURNAME_MIN:
                continue
            # our name may add the record's city ("... w Łucku")
            city = set(index.place_of(i)) - set(their_rest)
            mine = sorted(t for t in rest if len(t) > 1 and t not in city)
            if mine != sorted(t for t in their_rest if len(t) > 1):
                continue
            score = round(NAMED_AFTER - (ALIAS_PENALTY if kind == "alias" else 0.0), 3)
            if best is None or score > best.score:
                best = Hit(i, score, "translation", value, label)
    return best


def _descriptors_added(index: RorIndex, i: int, query: InstitutionQuery) -> Hit | None:
    """A ROR name is ours with words of rank added ("École *Nationale Supérieure* des Mines
    d'Albi-Carmaux", "Moroccan Foundation for *Advanced* Science ..."): only when our name has
    two proper names or more, and the added words are ``RANK_WORDS`` with "higher" or
    "advanced" among them. A subject added is another institution ("Chang Gung University"
    and "Chang Gung University *of Science and Technology*"; a university and its "University
    of Economics and Law"). A bare name without a head word ("PSL Dauphine") may sit inside a
    registry name that adds a head word (and its city: "Université Paris Dauphine-PSL")."""
    best: Hit | None = None
    for label, (qw, qset, bare) in _planned(query, _descriptor_plan):
        for value, _kind, rw, _native in _worded_names(index, i):
            if not qset < set(rw):
                continue
            extra = [t for t in rw if t not in qw]
            if bare:
                # a head word, descriptors and the record's place, nothing else
                city = set(index.place_of(i))
                ok = any(word_class(t) == TYPE for t in extra) and all(
                    word_class(t) is not None or t in city or t in vocabulary().places
                    for t in extra)
            else:
                ok = set(extra) <= RANK_WORDS and bool(set(extra) & {"higher", "advanced"})
            if not ok:
                continue
            if best is None or best.score < DESCRIPTORS_ADDED:
                best = Hit(i, DESCRIPTORS_ADDED, "fuzzy", value, label)
    return best


def descriptor_words(label: str) -> frozenset[str]:
    """The canonical words whose records ``close_pairs`` looks up for a label's reading
    with descriptors added (``_descriptors_added``; none for most labels)."""
    plan = _descriptor_plan(label)
    return frozenset() if plan is None else plan[1]


@lru_cache(maxsize=1 << 16)
def _descriptor_plan(label: str) -> tuple[tuple[str, ...], frozenset[str], bool] | None:
    """(canonical words, as a set, whether there is no head word) of a label that has two
    proper names or more and no word twice; None for others (``_descriptors_added``)."""
    qw = canonical_words(label)[0]
    proper = [t for t in qw if word_class(t) is None and not t.isdigit()]
    if len(proper) < 2 or len(set(qw)) != len(qw):
        return None
    return qw, frozenset(qw), not any(word_class(t) == TYPE for t in qw)


@lru_cache(maxsize=1 << 16)
def _translation_plan(label: str) -> tuple[tuple[str, ...], bool, str] | None:
    """(canonical words, whether a word was translated, the words sorted) of a label with a
    proper name; None for a label of descriptors only (``_translated``)."""
    qw, qnative = canonical_words(label)
    if not any(word_class(t) is None for t in qw):
        return None
    return qw, qnative, " ".join(sorted(qw))


def _translated(index: RorIndex, i: int, query: InstitutionQuery) -> Hit | None:
    """Our name and a ROR name in any language say the same words once both are read through
    the equivalence tables (``resolve.names.canonical_words``): "Rosyjska Akademia Nauk" and
    "Russian Academy of Sciences". The same words in the same order score ``TRANSLATED``;
    in another order only when a word was translated ("Uniwersytet Europejski" / "European
    University"), because in one language "Washington University" and "University of
    Washington" are two universities. A name of descriptors only names nobody, and our name
    in the record's own words but in another order ("Washington University" for a record
    named "University of Washington") matches none of its translations either."""
    best: Hit | None = None
    for label, (qw, qnative, qkey) in _planned(query, _translation_plan):
        if i not in index.by_canonical(qkey):
            continue  # no name of the record has these words (the index says so at once)
        names = list(_worded_names(index, i))
        if not qnative and any(not rnative and rw != qw and " ".join(sorted(rw)) == qkey
                               for _, _, rw, rnative in names):
            continue  # the record writes these words in another order: another name
        for value, kind, rw, rnative in names:
            if " ".join(sorted(rw)) != qkey:
                continue
            if qw == rw:
                score = TRANSLATED
            elif qnative or rnative:
                score = TRANSLATED_REORDERED
            else:
                continue
            if kind == "alias":
                score -= ALIAS_PENALTY
            score = round(score, 3)
            if best is None or score > best.score:
                best = Hit(i, score, "translation", value, label)
    return best


def word_overlap(index: RorIndex, i: int, qforms: QueryForms,
                 country: str | None) -> tuple[str, float]:
    """How far our name's and a ROR name's distinctive words cover each other (the smaller of
    the two shares, country names left out), with the ROR name that covers best."""
    ignore: set[str] = set()
    for key in country_name_keys(country) if country else ():
        ignore.update(key.split())
    best = ("", 0.0)
    for _label, qkey, qdropped in qforms:
        if qdropped:
            continue
        qw = [w for w in distinctive_words(qkey) if w not in ignore]
        for value, _kind, name_forms in index.names[i]:
            rw = [w for w in distinctive_words(name_forms[0][0]) if w not in ignore]
            if not qw or not rw:
                continue
            share = min(_covered(qw, rw), _covered(rw, qw))
            if share > best[1]:
                best = (value, share)
    return best


def _covered(words: list[str], other: list[str]) -> float:
    """Share of ``words`` found in ``other``, a long word also with a small spelling slip."""
    found = 0
    for w in words:
        if w in other or (len(w) >= 5 and any(
                len(o) >= 5 and fuzz.ratio(w, o) >= 80 for o in other)):
            found += 1
    return found / len(words)


def same_city_as(a: str) -> Callable[[str, Callable[[], tuple[str, ...]]], bool]:
    """A test of whether a city name ``b`` names the same place as ``a`` ("Kijów" / "Kyiv",
    "Priştina" / "Pristina"), ``a`` read once for comparing one query's city with many
    records' (``b_place`` gives ``b`` as place tokens, asked only when ``a`` has any)."""
    key, place = normalise(a), place_tokens(a)

    def test(b: str, b_place: Callable[[], tuple[str, ...]]) -> bool:
        return normalise(b) == key or (bool(place) and place == b_place())

    return test


def spells_out(rec: RorRecord, acronym: str) -> bool:
    """One of the record's names spells out ``acronym`` (folded, no dots): as one of its words
    ("ESSCA School of Management") or as its initials, with or without the small words
    ("Universidad de las Américas Puebla" = UDLAP)."""
    key = acronym.lower()
    for name in rec.names:
        if name.kind == "acronym":
            continue
        # "l'Exemple" is a word of its own here: acronyms skip the article
        words = normalise(re.sub(r"['’]", " ", name.value)).split()
        if key in words:
            return True
        every = "".join(w[0] for w in words)
        content = "".join(w[0] for w in words if w not in STOPWORDS and len(w) > 1)
        if key in (every, content):
            return True
    return False


def words_within_record(index: RorIndex, i: int, query: InstitutionQuery) -> bool:
    """Every word of one of our names (read through the translation tables) is a word of some
    name of the record: not a similarity, but no contradiction either. Enough when the
    record owns our website ("Uniwersytet Zarządzania i Prawa w Chmielnicku" on the site of
    Khmelnytskyi University of Management and Law)."""
    record_words: set[str] = set()
    for words, _native in index.canonical(i):
        record_words.update(words)
    # a record of another kind on the same site (the university's hospital) is not ours
    kinds = {t for t in record_words if word_class(t) == TYPE}
    for label in query.labels:
        words = canonical_words(label)[0]
        if len(words) >= 2 and any(word_class(t) is None for t in words) \
                and set(words) <= record_words and kinds <= set(words):
            return True
    return False
