"""How well one of our names fits one ROR record: the name comparisons and their scores.

A score says how the names relate, not how similar their letters are: an equal key (1.0, an
alias 0.96), the same words with other particles (0.97) or in another order (0.95), a qualifier
dropped that the record explains (its city, parent, acronym: minus 0.01) or does not (0.90), a
spelling slip in a long word (0.90-0.94), and otherwise a plain fuzzy ratio scaled below 0.85.
Only the first kinds can reach the matcher's threshold for a link (0.95) on their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz

from exchange_kg.link.model import InstitutionQuery
from exchange_kg.link.names import (
    content_words,
    country_name_keys,
    distinctive_words,
    forms,
    normalise,
    word_variant_key,
)
from exchange_kg.link.ror_index import RorIndex

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

QueryForms = list[tuple[str, str, tuple[str, ...]]]  # (our label, key, dropped qualifiers)


@dataclass
class Hit:
    """The best match of our names with one record, before successors are followed."""

    index: int  # record
    score: float
    method: str
    name: str
    label: str
    evidence: set[str] = field(default_factory=set)


class _RecordContext:
    """What can explain a qualifier dropped from a name: the record's city, country, acronyms,
    parents and other names, or the query's city and acronyms (worked out only when needed)."""

    def __init__(self, index: RorIndex, i: int, query: InstitutionQuery, extra: Iterable[str]):
        self.index, self.i, self.query, self.extra = index, i, query, frozenset(extra)
        self.record = index.records[i]
        self.city = normalise(self.record.city) if self.record.city else ""

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
        return frozenset(keys | self.extra)

    @cached_property
    def record_dropped_ok(self) -> frozenset[str]:
        rec, query = self.record, self.query
        keys = {normalise(a) for a in query.acronyms} | {normalise(a) for a in rec.acronyms}
        if query.city:
            keys.add(normalise(query.city))
        if rec.country:
            keys |= country_name_keys(rec.country)
        return frozenset(keys | self.extra)


def _compare(qkey: str, qdropped: tuple[str, ...], rkey: str, rdropped: tuple[str, ...],
             kind: str, ctx: _RecordContext, qcity: str) -> tuple[float, str] | None:
    """Score one reading of our label against one reading of a ROR name."""
    if qkey == rkey:
        if not qdropped and not rdropped:
            return KIND_SCORE[kind], KIND_METHOD[kind]
        explained = (all(d in ctx.query_dropped_ok for d in qdropped)
                     and all(d in ctx.record_dropped_ok for d in rdropped))
        if explained:
            return KIND_SCORE[kind] - EXPLAINED_DROP, KIND_METHOD[kind]
        return UNEXPLAINED_DROP, "fuzzy"
    if qdropped or rdropped:
        return None  # word-level comparison is done on the whole names only
    qw, rw = content_words(qkey), content_words(rkey)
    if not qw or not rw:
        return None
    if qw == rw:
        return SAME_WORDS_OTHER_PARTICLES, "fuzzy"
    qs, rs = tuple(map(word_variant_key, qw)), tuple(map(word_variant_key, rw))
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
    city_score = _city_difference(qw, rw, ctx.city, qcity)
    if city_score is not None:
        return city_score, "fuzzy"
    typo = _typo_score(qw, rw)
    if typo is not None:
        return typo, "fuzzy"
    ratio = fuzz.token_sort_ratio(qkey, rkey) / 100
    return round(ratio * FUZZY_MAX, 3), "fuzzy"


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
    for longer, shorter, ours in ((qw, rw, True), (rw, qw, False)):
        for start in range(len(longer) - n + 1):
            if longer[start:start + n] == cw and longer[:start] + longer[start + n:] == shorter:
                if qcity == city:
                    return CITY_WORDS
                if ours and distinctive_words(" ".join(shorter)):
                    return CITY_WORDS
                return CITY_WORDS_WEAK
    return None


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


def score_record(index: RorIndex, i: int, query: InstitutionQuery, qforms: QueryForms,
                 qcity: str, extra: Iterable[str] = ()) -> Hit | None:
    """The best pairing of our readings with record ``i``'s names (None if none compares);
    ``extra`` are further keys that explain a dropped qualifier (a unit's parent's names)."""
    ctx = _RecordContext(index, i, query, extra)
    best: Hit | None = None
    for value, kind, name_forms in index.names[i]:
        full_key = name_forms[0][0]
        for label, qkey, qdropped in qforms:
            if not qdropped and fuzz.token_sort_ratio(qkey, full_key) < 50 and not any(
                    qkey == k for k, _ in name_forms):
                continue
            for rkey, rdropped in name_forms:
                res = _compare(qkey, qdropped, rkey, rdropped, kind, ctx, qcity)
                if res is None:
                    continue
                score, method = res
                if best is None or (score, -len(value)) > (best.score, -len(best.name)):
                    best = Hit(i, score, method, value, label)
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
