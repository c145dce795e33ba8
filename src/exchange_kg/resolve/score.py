"""How likely two names (and the rows behind them) mean one institution: a score in [0, 1].

Scores are fixed steps, not a learned model, so that each merge can be explained and the
threshold means something: at or above ``MERGE`` (0.8) two groups may be merged.

=====  ==================================================================================
1.0    the same normalised name (word order of its parts, spacing, accents, articles,
       native vs English words aside), or the same ROR ID
0.9    the same name but for a misspelt proper name (one letter in seven, two in eleven,
       or another ending of the same stem in a translated name or of a place's adjective:
       "Karlsruher"/"Karlsruhe", "Vietnamese"/"Vietnam"; never another point of the
       compass: "Northeastern"/"Northwestern"); or an acronym of one
       is the initials of words in the other and the rest agrees ("RWTH Aachen" /
       "Rheinisch-Westfälische Technische Hochschule Aachen"); or the other gives the
       acronym one has in its name ("KTH Royal Institute of Technology" / "The Royal ...
       (KTH)")
0.85   one is a translation of the other with words moved ("Universitas Airlangga" /
       "Airlangga University"); one is the other without any head word ("RWTH Aachen");
       one is the other plus the city its own row gives; an acronym abbreviates the other
       name and the rest of one name is words of that expansion ("ITESM Monterrey")
0.8    one is the other plus a trailing place qualifier (", Beijing", " in Prague") that no
       other name in the country adds to the same base (else it is a university system:
       "University of California, Davis" is not "University of California"); one is the
       other after two or more patron's names joined to the head word or in the native
       name ("Georg-August-Universität Göttingen"); one is the other plus its initials as
       an acronym, and the other's rows give no acronym
0.75   the same, but the qualifier follows a dash or "at" (a campus that is an institution
       of its own as often as not: "Brigham Young University - Idaho", "University of
       Alabama at Birmingham") or the name is a state's or a province's ("University of
       California, Berkeley": the system's name, ISO 3166-2), or the acronym is not the
       name's initials ("WSPIA University of Rzeszow"): evidence must decide
0.7    two English names with words moved ("Miami University" / "University of Miami"),
       also where one adds a qualifier ("University of Washington" / "Washington
       University in St. Louis"),
       or names one letter apart in a short proper name ("Hunan"/"Henan"), a syllable apart
       in a romanised name ("Jianghan"/"Jiangnan"), one letter for another in the only
       name of both ("Atlantic"/"Atlantis"), another ending in English names
       ("Concord"/"Concordia"): different institutions often enough that evidence must
       decide (a shared website domain does; so does the same city where the names differ
       in nothing but that letter: +0.1 instead of +0.05)
0.6    the same words with proper names in another order
<=0.5  related but different names ("Tianjin University" / "Tianjin University of
       Technology", a bare system name / one of its members, a name of common words only);
       used only to stop chaining when groups are merged
=====  ==================================================================================

Evidence shifts a score that is below 1.0: the same website domain (+0.1), the same city
(+0.05), the same acronym given (+0.1); different domains (-0.05), cities plainly different
(-0.1: not an exonym the place list does not know, "Ciudad de México"/"Mexico City", nor a
city in another script), different acronyms (-0.05). An acronym written alone ("UNAM") is read
against the names whose initials it spells, unless it spells several in the country.
Different numbers ("Lyon 1" / "Lyon 2") or different ROR IDs
make a pair a conflict: never in one cluster, however the others connect them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

import tldextract
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from exchange_kg.normalise.country import parse_country
from exchange_kg.resolve.model import Mention
from exchange_kg.resolve.names import (
    TYPE,
    Contraction,
    NameForm,
    acronym_of,
    contractions,
    initials,
    is_distinctive,
    parse_name,
    place_tokens,
    vocabulary,
    with_acronym,
    word_class,
)

MERGE = 0.8
CONFLICT = -1.0

EXACT, STRONG, WEAK, NONE = 0, 1, 2, 3

# What makes two tokens one misspelt word (``token_match``) or a run of names one word
# (``_align_rest``). ``reach``'s bound reads the same constants: it must never stop a pair
# these rules would pair.
SAME_START = 6  # letters two tokens share at their start
TWO_EDITS_FROM = 11  # letters of the shorter token from which two edits are a misspelling
LONGEST_RUN = 3  # names a run written as one word may span


@dataclass(frozen=True)
class Relation:
    score: float
    reason: str
    kind: str = ""  # "same" | "contained" | "other"
    extras: tuple[str, ...] = ()  # tokens only the longer name has
    longer: str = ""  # "a" | "b" when one name contains the other
    misspelt: bool = False  # read through a weak misspelling: the same city confirms it
    moved: bool = False  # two names of one language, the same words in another order
    # the difference may name another body of the same place ("WSPIA University of Rzeszow"):
    # the same city is no evidence then
    local: bool = False

    def __lt__(self, other: Relation) -> bool:
        return (self.score, self.reason) < (other.score, other.reason)


NO_RELATION = Relation(0.0, "no shared name")


# --------------------------------------------------------------------------- tokens


@lru_cache(maxsize=1 << 18)
def token_match(a: str, b: str) -> int:
    """EXACT, STRONG (a misspelling a reader would not notice), WEAK (one letter in a short
    word: "Hunan"/"Henan" are different provinces) or NONE. Cached: names of one country
    share their tokens, so the same pairs come up again and again."""
    if a == b:
        return EXACT
    if a.isdigit() or b.isdigit() or not (is_distinctive(a) and is_distinctive(b)):
        return NONE
    if _other_direction(a, b):
        return NONE  # "Northeastern"/"Northwestern": another word, not a misspelling
    short = min(len(a), len(b))
    dist = OSA.distance(a, b, score_cutoff=3)
    if a[0] != b[0]:  # "Jinzhou"/"Binzhou": another first letter makes another name
        return WEAK if short >= 4 and dist <= 1 else NONE
    if (short >= 7 and dist <= 1) or (short >= TWO_EDITS_FROM and dist <= 2):
        return STRONG
    prefix = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        prefix += 1
    if prefix >= SAME_START and prefix >= 0.75 * short and abs(len(a) - len(b)) <= 3:
        return STRONG
    if short >= 4 and dist <= 1:
        return WEAK
    return NONE


# Points of the compass in the languages of partner names: one for another inside a name
# ("Northeastern"/"Northwestern", "Nordost"/"Nordwest") is two places, not a misspelling.
DIRECTIONS = ("north", "south", "east", "west", "nord", "sud", "sued", "süd", "ost", "est",
              "ouest", "norte", "sur", "este", "oeste", "ovest", "noord", "zuid", "oost")


def _other_direction(a: str, b: str) -> bool:
    return any(d in a and e != d and a.replace(d, e, 1) == b
               for d in DIRECTIONS for e in DIRECTIONS)


# A romanised Chinese (or other syllabic) name: a run of syllables, each an initial and a
# final. One letter changes a syllable, and so a character: "Jianghan"/"Jiangnan" are two
# universities, not one misspelt.
_SYLLABLES = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu"
    r"|ua|uo|ui|ue|er|a|o|e|i|u|v)){2,}")


def _another_word(x: str, y: str, a: NameForm, b: NameForm, side_a: Side, side_b: Side
                  ) -> bool:
    """Whether two tokens ``token_match`` reads as one misspelt word are rather two words:
    syllabic names a syllable apart ("Jianghan"/"Jiangnan"); in two English (untranslated)
    names, one word that is the other plus an ending, unless the shorter is a place whose
    adjective the other is ("Vietnam"/"Vietnamese": "Concord"/"Concordia" are two names); or
    one letter in place of another in the only name of both ("Atlantic"/"Atlantis": a
    slip of one key would have to make another word)."""
    if _SYLLABLES.fullmatch(x) and _SYLLABLES.fullmatch(y):
        return True
    short, dist = min(len(x), len(y)), OSA.distance(x, y)
    if not ((short >= 7 and dist <= 1) or (short >= TWO_EDITS_FROM and dist <= 2)):
        # only the shared-stem reading pairs these (see ``token_match``)
        if a.native or b.native:
            return False
        stem = min(x, y, key=len)
        return not _known_place(stem, side_a, side_b)
    return (len(x) == len(y) and len(a.distinctive) == 1 and len(b.distinctive) == 1
            and sum(p != q for p, q in zip(x, y, strict=True)) == 1)


def _known_place(token: str, side_a: Side, side_b: Side) -> bool:
    if token in vocabulary().places or any(token in c for c in side_a.cities + side_b.cities):
        return True
    return parse_country(token, fuzzy=False) is not None


@dataclass
class Alignment:
    pairs: list[tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    extra_a: list[int] = field(default_factory=list)
    extra_b: list[int] = field(default_factory=list)
    level: int = EXACT
    typos: list[str] = field(default_factory=list)
    misspelt: list[tuple[str, str]] = field(default_factory=list)  # the pairs ``typos`` names


def align(a: tuple[str, ...], b: tuple[str, ...]) -> Alignment:
    """Pair the tokens of two names: equal ones, then runs that are one word on the other
    side ("Gadjah Mada"/"Gadjamada"), then misspellings, closest first."""
    out = Alignment()
    unpaired: dict[str, list[int]] = {}  # token -> its free positions in b, ascending
    for j, t in enumerate(b):
        unpaired.setdefault(t, []).append(j)
    free_a, free_b = set(), set(range(len(b)))
    for i, t in enumerate(a):
        if unpaired.get(t):
            j = unpaired[t].pop(0)
            out.pairs.append(((i,), (j,)))
            free_b.discard(j)
        else:
            free_a.add(i)
    if free_a and free_b:
        _align_rest(a, b, free_a, free_b, out)
    out.extra_a, out.extra_b = sorted(free_a), sorted(free_b)
    return out


def _align_rest(a: tuple[str, ...], b: tuple[str, ...], free_a: set[int], free_b: set[int],
                out: Alignment) -> None:
    """The tokens equal ones left unpaired: runs, then misspellings (see :func:`align`)."""
    for x, y, free_x, free_y, flip in ((a, b, free_a, free_b, False), (b, a, free_b, free_a, True)):
        if not free_x or len(free_y) < 2 or not _has_run(y, free_y):
            continue  # the usual case, checked once: no run for any word to match
        for i in sorted(free_x):
            if not is_distinctive(x[i]):
                continue
            for n in range(2, LONGEST_RUN + 1):
                hit = _run_match(x[i], y, free_y, n)
                if hit is None:
                    continue
                run, level = hit
                out.pairs.append(((*run,), (i,)) if flip else ((i,), (*run,)))
                out.level = max(out.level, level)
                free_x.discard(i)
                free_y.difference_update(run)
                break
    candidates = []
    for i in free_a:
        for j in free_b:
            level = token_match(a[i], b[j])
            if level != NONE:
                candidates.append((level, OSA.distance(a[i], b[j]), i, j))
    for level, _, i, j in sorted(candidates):
        if i in free_a and j in free_b:
            out.pairs.append(((i,), (j,)))
            out.level = max(out.level, level)
            out.typos.append(f"{a[i]}/{b[j]}")
            out.misspelt.append((a[i], b[j]))
            free_a.discard(i)
            free_b.discard(j)


def _has_run(tokens: tuple[str, ...], free: set[int]) -> bool:
    """Whether two adjacent free tokens are names (every run ``_run_match`` takes starts so)."""
    return any(k + 1 in free and is_distinctive(tokens[k]) and is_distinctive(tokens[k + 1])
               for k in free)


def _run_match(token: str, other: tuple[str, ...], free: set[int], n: int
               ) -> tuple[list[int], int] | None:
    for start in range(len(other) - n + 1):
        run = range(start, start + n)
        # neither equal nor a misspelling when the lengths differ by more than three letters
        if abs(sum(len(other[k]) for k in run) - len(token)) > 3:
            continue
        if not all(k in free and is_distinctive(other[k]) for k in run):
            continue
        level = token_match(token, "".join(other[k] for k in run))
        if level in (EXACT, STRONG):
            return list(run), level
    return None


def _order_kept(form_a: NameForm, form_b: NameForm, al: Alignment, only_distinctive: bool
                ) -> bool:
    seq = []
    for ia, ib in sorted(al.pairs):
        i = ia[0]
        if form_a.acronym_flags[i] or (only_distinctive and not is_distinctive(form_a.flat[i])):
            continue
        seq.append(ib[0])
    return seq == sorted(seq)


# --------------------------------------------------------------------------- names


@dataclass(frozen=True)
class Side:
    """What a name's group knows besides the name: used to read containment."""

    cities: tuple[tuple[str, ...], ...] = ()
    acronyms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class BlockContext:
    """Facts about all names in one country that a pair's reading depends on."""

    systems: frozenset[str] = frozenset()  # keys that several names qualify differently
    # acronyms written alone that the initials of several names spell: which one is meant,
    # the acronym alone does not say
    ambiguous: frozenset[str] = frozenset()


def relate(a: NameForm, b: NameForm, side_a: Side = Side(), side_b: Side = Side(),
           ctx: BlockContext = BlockContext()) -> Relation:
    """How two written names relate (no evidence beyond the names and their rows' cities)."""
    if a.numbers and b.numbers and a.numbers != b.numbers:
        return Relation(CONFLICT, f"different numbers ({a.raw!r} / {b.raw!r})")
    if not (a.distinctive or a.acronyms) or not (b.distinctive or b.acronyms):
        # "University of Applied Sciences" names a kind of body, not one body
        return Relation(0.5, "a name of common words only", "other") if a.key == b.key \
            else NO_RELATION
    if a.key == b.key:
        return Relation(1.0, "same normalised name", "same")
    if a.parts == b.parts:
        return Relation(1.0, "same name, parts in another order", "same")
    if a.concat == b.concat:
        return Relation(1.0, "same name but for spacing", "same")
    al = align(a.flat, b.flat)
    if not al.pairs:
        return NO_RELATION
    level = al.level
    if level == STRONG and any(_another_word(x, y, a, b, side_a, side_b)
                               for x, y in al.misspelt):
        level = WEAK
    typo = {EXACT: 1.0, STRONG: 0.9, WEAK: 0.7}[level]
    typo_note = f"; spelt differently: {', '.join(al.typos)}" if al.typos else ""
    if not al.extra_a and not al.extra_b:
        rel = _same_tokens(a, b, al, typo, typo_note)
        if level == WEAK and al.misspelt and rel.score == typo:
            # the same name but for one weak misspelling: the same city confirms it
            rel = replace(rel, misspelt=True)
        return rel
    if al.extra_a and al.extra_b:
        ratio = fuzz.token_sort_ratio(a.key, b.key) / 100
        return Relation(round(0.5 * ratio, 3), "different words", "other")
    if al.extra_a:
        rel = _contained(b, a, al.extra_a, side_b, ctx)
        longer = "a"
    else:
        rel = _contained(a, b, al.extra_b, side_a, ctx)
        longer = "b"
    score = min(rel.score, typo) if rel.score >= 0.5 else rel.score
    if score > 0.7 and a.native == b.native and not _order_kept(a, b, al, only_distinctive=False):
        # "University of Washington" / "Washington University in St. Louis": the shared
        # words in another order, as two English names of two institutions often are
        return Relation(0.7, rel.reason + "; its words in another order" + typo_note,
                        rel.kind, rel.extras, longer, moved=True, local=rel.local)
    return Relation(score, rel.reason + typo_note, rel.kind, rel.extras, longer, local=rel.local)


def _same_tokens(a: NameForm, b: NameForm, al: Alignment, typo: float, note: str) -> Relation:
    if _order_kept(a, b, al, only_distinctive=False):
        return Relation(typo, "same name" + note, "same")
    if not _order_kept(a, b, al, only_distinctive=True):
        return Relation(min(0.6, typo), "same words, names in another order" + note, "same")
    if a.native != b.native:
        return Relation(min(0.85, typo), "translation with words moved" + note, "same")
    return Relation(min(0.7, typo), "same words in another order" + note, "same", moved=True)


def _contained(short: NameForm, long: NameForm, extra_idx: list[int], side: Side,
               ctx: BlockContext) -> Relation:
    """``short``'s tokens are all in ``long``; what are the extra ones?"""
    extras = tuple(long.flat[i] for i in extra_idx)
    if not short.distinctive and not short.acronyms:
        return Relation(0.3, "a generic name inside another", "contained", extras)
    if all(long.acronym_flags[i] for i in extra_idx):
        acrs = set(extras)
        if acrs <= side.acronyms:
            return Relation(0.9, f"the other gives the acronym {'/'.join(extras).upper()}",
                            "contained", extras)
        if side.acronyms:
            return Relation(0.5, "different acronyms", "contained", extras)
        if all(a in initials(short) or contractions(short, a) for a in acrs):
            return Relation(0.8, f"the same name with the acronym {'/'.join(extras).upper()}",
                            "contained", extras)
        # "WSPIA University of Rzeszow": letters that do not abbreviate the shared name may
        # name another body of that place; evidence must decide
        return Relation(0.75, f"the same name with the acronym {'/'.join(extras).upper()}, "
                              "not its initials", "contained", extras, local=True)
    plain = tuple(long.flat[i] for i in extra_idx if not long.acronym_flags[i])
    if all(word_class(t) == TYPE for t in plain) and not short.has_type:
        if all(short.acronym_flags):
            # "LMU" / "LMU Klinikum", "UCL" / "UCL Hospitals": an acronym holds its type
            # word already; one written before another type word names another body
            return Relation(0.5, f"an acronym before {' '.join(plain)!r} names another body",
                            "contained", extras)
        return Relation(0.85, f"the same name without {' '.join(plain)!r}", "contained",
                        extras)
    if any(same_place(plain, city) for city in side.cities) and not _inside_name(
            long, extra_idx):
        return Relation(0.85, f"the other adds {' '.join(plain)!r}, the row's city",
                        "contained", extras)
    qualifier = _qualifier(long, extra_idx)
    if qualifier is not None:
        if short.key in ctx.systems:
            return Relation(0.5, f"{' '.join(plain)!r} qualifies a name other rows qualify "
                                 "otherwise (a system of institutions)", "contained", extras)
        if _campus(long, extra_idx):
            # "Brigham Young University - Idaho", "University of Alabama at Birmingham": the
            # official name of a campus that is an institution of its own as often as not
            return Relation(0.75, f"the same name with {qualifier!r} after a dash or 'at'",
                            "contained", extras)
        if short.distinctive in _regions() and not set(plain) & set(short.distinctive):
            # "University of California, Berkeley": a campus of the state's system as often
            # as not ("University of Wisconsin, Madison"); evidence (a city) must decide
            return Relation(0.75, f"a name of a state or province qualified by {qualifier!r}",
                            "contained", extras)
        return Relation(0.8, f"the same name qualified by {qualifier!r}", "contained", extras)
    if _patron_prefix(short, long, extra_idx):
        return Relation(0.8, f"the same name after {' '.join(plain)!r}", "contained", extras)
    return Relation(0.4, f"one name adds {' '.join(plain)!r}", "contained", extras)


# Subdivisions whose names name university systems ("University of California", "Université
# du Québec"): the first-level states, provinces and territories of ISO 3166-2
_REGION_TYPES = frozenset({"State", "Province", "Territory", "Union territory"})


@lru_cache(maxsize=1)
def _regions() -> frozenset[tuple[str, ...]]:
    import pycountry

    return frozenset(place_tokens(str(s.name)) for s in pycountry.subdivisions
                     if s.parent_code is None and s.type in _REGION_TYPES)


def _inside_name(long: NameForm, extra_idx: list[int]) -> bool:
    """Whether the added words are part of the name rather than a place added to it:
    hyphen-joined to a word of it ("Paris-Sorbonne University", closed in 2018, is not
    "Sorbonne University" in Paris), or before a country's name in the same part: the name of
    "Universidad de Santiago de Chile" is its city's full name, "Santiago de Chile"; it is
    not "Universidad de Chile" (named after its country) with its city added."""
    extra = set(extra_idx)
    for i in extra_idx:
        k = long.flat_words[i]
        joined = long.words[k].hyphen_next or (k > 0 and long.words[k - 1].hyphen_next)
        if joined and any(long.flat_words[j] in (k - 1, k + 1) for j in range(len(long.flat))
                          if j not in extra):
            return True
    last = extra_idx[-1]
    after = [t for i, t in enumerate(long.flat)
             if i > last and long.flat_segments[i] == long.flat_segments[last]]
    return bool(after) and parse_country(" ".join(after), fuzzy=False) is not None


def same_place(tokens: tuple[str, ...], city: tuple[str, ...]) -> bool:
    if not tokens or not city:
        return False
    if tokens == city or "".join(tokens) == "".join(city):
        return True
    return len(tokens) == len(city) and all(
        token_match(x, y) in (EXACT, STRONG) for x, y in zip(tokens, city, strict=True)
    )


def other_place(tokens: tuple[str, ...], city: tuple[str, ...]) -> bool:
    """Whether two city cells surely name two places. Not when they are one, nor when one is
    in a script the other is not ("北京"/"Beijing") or they share a name ("Ciudad de
    México"/"Mexico City", "Nueva York"/"New York"): an exonym the place list does not know
    is no evidence that two rows are two institutions."""
    if not tokens or not city or same_place(tokens, city):
        return False
    if "".join(tokens).isascii() != "".join(city).isascii():
        return False
    return not any(len(t) >= 4 and is_distinctive(t) for t in set(tokens) & set(city))


def is_qualifier(tokens: tuple[str, ...]) -> bool:
    """A part that can only say where: no head word, few words, at least one name."""
    return (1 <= len(tokens) <= 4 and not any(word_class(t) == TYPE for t in tokens)
            and any(is_distinctive(t) for t in tokens))


def _qualifier(long: NameForm, extra_idx: list[int]) -> str | None:
    segs = {long.flat_segments[i] for i in extra_idx}
    if len(segs) != 1:
        return None
    seg = segs.pop()
    whole = [i for i, s in enumerate(long.flat_segments) if s == seg]
    if whole != extra_idx or len(whole) == len(long.flat) or whole[0] == 0:
        return None  # a first part is a name of its own ("Birkbeck, University of London")
    if any(long.words[long.flat_words[i]].quoted for i in whole):
        return None  # a quoted part is a name ("L'Orientale"), not a place
    tokens = tuple(long.flat[i] for i in whole)
    return " ".join(tokens) if is_qualifier(tokens) else None


def _campus(long: NameForm, extra_idx: list[int]) -> bool:
    """Whether a qualifier is set off by a spaced dash or follows "at"."""
    first = long.flat_words[extra_idx[0]]
    return long.words[first].dashed or (first > 0 and long.words[first - 1].folded == "at")


def _patron_prefix(short: NameForm, long: NameForm, extra_idx: list[int]) -> bool:
    """ "Georg-August-Universität Göttingen" is "University of Göttingen": two or more
    leading proper names before a one-name university. One word is not enough ("Hebei
    Northeastern University"), nor a compound with the place ("Xi'an Jiaotong-Liverpool")."""
    k = len(extra_idx)
    if k < 2 or extra_idx != list(range(k)) or len(short.distinctive) != 1 or not short.has_type:
        return False
    if not all(is_distinctive(long.flat[i]) and not long.acronym_flags[i] for i in extra_idx):
        return False
    last_word = long.flat_words[k - 1]
    words = long.words
    if words[last_word].hyphen_next and last_word + 1 < len(words):
        following = words[last_word + 1].canon
        if any(is_distinctive(t) for t in following):
            return False
    elif not long.native or short.native:
        # In English, names before "University" name another institution of the place
        # ("Cardinal Stefan Wyszynski University in Warsaw", "Savitribai Phule Pune
        # University"); a patron is read as such only joined to the head word
        # ("Gutenberg-Universität") or in the native name beside an English one ("Alma Mater
        # Studiorum Università di Bologna")
        return False
    return all(w.text[:1].isupper() for w in words[: last_word + 1] if not w.stop)


# --------------------------------------------------------------------------- groups


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # The bundled suffix list only: no network, no cache files, the same answer every run.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def site_of(url: str) -> tuple[str, str] | None:
    """(registered domain, its name label) of a web address: ("knuba.edu.ua", "knuba")."""
    parts = _extractor()(url.strip())
    if not parts.domain or not parts.suffix:
        return None
    return f"{parts.domain}.{parts.suffix}".lower(), parts.domain.lower()


@dataclass
class Group:
    """Mentions in one country whose names normalise to the same key: one name, many rows."""

    key: str
    country: str | None
    mentions: list[Mention]
    forms: tuple[NameForm, ...]  # the distinct names and alternative names, sorted
    names: tuple[NameForm, ...]  # the names only
    side: Side
    domains: frozenset[str]
    domain_labels: frozenset[str]
    given_acronyms: frozenset[str]
    ror_ids: frozenset[str]
    erasmus_codes: frozenset[str]
    numbers: frozenset[str]
    # forms derived per acronym, made on first use: a group is scored against many others
    _acronym_forms: dict[str, tuple[NameForm, ...]] = field(
        default_factory=dict, repr=False, compare=False)
    _contractions: dict[str, tuple[tuple[NameForm, Contraction, int], ...]] = field(
        default_factory=dict, repr=False, compare=False)

    def with_acronym(self, acronym: str) -> tuple[NameForm, ...]:
        """Each of :attr:`forms` with ``acronym`` added as a part of its own."""
        found = self._acronym_forms.get(acronym)
        if found is None:
            found = tuple(with_acronym(f, acronym) for f in self.forms)
            self._acronym_forms[acronym] = found
        return found

    def contractions(self, acronym: str) -> tuple[tuple[NameForm, Contraction, int], ...]:
        """(form, contraction, shape) for every way ``acronym`` abbreviates words of a form;
        contractions of one shape (see :attr:`shapes`) share the number."""
        found = self._contractions.get(acronym)
        if found is None:
            first: dict[tuple[object, ...], int] = {}
            found = tuple((f, c, first.setdefault(c.form.shape, len(first)))
                          for f in self.forms for c in contractions(f, acronym))
            self._contractions[acronym] = found
        return found

    @cached_property
    def bare(self) -> bool:
        """Whether every name of the group is an acronym alone ("UNAM")."""
        return all(_bare_acronym(f) for f in self.forms)

    @cached_property
    def shapes(self) -> tuple[int, ...]:
        """A number per form, the same for forms of one shape (``NameForm.shape``): they
        compare alike with anything, so each pair of shapes is compared once."""
        first: dict[tuple[object, ...], int] = {}
        return tuple(first.setdefault(f.shape, len(first)) for f in self.forms)

    @classmethod
    def of(cls, key: str, country: str | None, mentions: Iterable[Mention]) -> Group:
        ms = sorted(mentions, key=lambda m: m.key)
        names = {m.name for m in ms}
        alts = {a for m in ms for a in m.alt_names if a.strip()}
        given = set()
        for m in ms:
            if not m.acronym:
                continue
            acr = acronym_of(m.acronym)
            if acr:
                given.add(acr)
            else:
                alts.add(m.acronym)  # "TU Berlin": a short name, not an acronym
        name_forms = tuple(parse_name(n, country) for n in sorted(names))
        forms = name_forms + tuple(parse_name(a, country) for a in sorted(alts - names))
        # "The Royal Institute of Technology" with acronym KTH is also "... (KTH)"
        forms += tuple(with_acronym(f, acr) for f in name_forms for acr in sorted(given)
                       if acr not in f.acronyms)
        cities = tuple(sorted({place_tokens(m.city) for m in ms if m.city} - {()}))
        sites = sorted({s for m in ms if m.website for s in [site_of(m.website)] if s})
        acronyms = frozenset(given | {a for f in name_forms for a in f.acronyms})
        return cls(
            key=key, country=country, mentions=ms, forms=forms, names=name_forms,
            side=Side(cities, acronyms),
            domains=frozenset(s[0] for s in sites),
            domain_labels=frozenset(s[1] for s in sites),
            given_acronyms=frozenset(given),
            ror_ids=frozenset(m.ror_id for m in ms if m.ror_id),
            erasmus_codes=frozenset(m.erasmus_code for m in ms if m.erasmus_code),
            numbers=frozenset(n for f in name_forms for n in f.numbers),
        )


def relate_groups(g: Group, h: Group, ctx: BlockContext) -> Relation:
    """The best reading of any name of ``g`` against any name of ``h``, plus evidence."""
    # The same ROR ID is evidence for ``identity``, which merges whole clusters and keeps one
    # side's identity; here only different IDs count: they keep two names apart.
    if g.ror_ids and h.ror_ids and not g.ror_ids & h.ror_ids:
        return Relation(CONFLICT, "different ROR IDs")
    if g.erasmus_codes and h.erasmus_codes and not g.erasmus_codes & h.erasmus_codes:
        return Relation(CONFLICT, "different Erasmus codes")
    if g.numbers and h.numbers and g.numbers != h.numbers:
        return Relation(CONFLICT, "different numbers in the names")
    best = moved = NO_RELATION
    # Popular institutions have dozens of spellings, most alike but for case and accents:
    # each pair of shapes is read once (a relation's reason never quotes the raw names; the
    # one that does, a conflict, is never the best).
    read: dict[tuple[int, int], Relation] = {}
    for fa, sa in zip(g.forms, g.shapes, strict=True):
        for fb, sb in zip(h.forms, h.shapes, strict=True):
            rel = read.get((sa, sb))
            if rel is None:
                rel = read[(sa, sb)] = relate(fa, fb, g.side, h.side, ctx)
            if rel.moved and moved is NO_RELATION and _of_moved(fa, fb):
                moved = _named(rel, fa, fb)
            if rel.score >= best.score:  # a lower score never wins: spare naming it
                best = max(best, _named(rel, fa, fb))
    if best.score < 1.0:
        best = max(best, _by_acronym(g, h, ctx), _by_acronym(h, g, ctx),
                   _given_acronym(g, h, ctx), _given_acronym(h, g, ctx))
    if moved is not NO_RELATION and best.score > moved.score:
        # "Miami University (Ohio)" / "University of Miami" (with "Universidad de Miami"):
        # English names with their words moved name two institutions as often as one; a
        # translation the other group also holds does not say which (README)
        best = moved
    if best.score > 0.5:
        other = _acronym_of_another(g, h) or _acronym_of_another(h, g)
        if other:
            return Relation(0.5, other, "other")
    if best.score <= 0.3 or best.score >= 1.0:
        return best
    return _with_evidence(best, g, h)


def _of_moved(a: NameForm, b: NameForm) -> bool:
    """Whether a name's own word follows "of" in one name and not in the other: "University
    of Miami" / "Miami University", not "Institute of Technology Bandung" / "Bandung
    Institute of Technology" (the place moved, its "of" the kind's)."""
    def after_of(form: NameForm) -> set[str]:
        return {t for k, w in enumerate(form.words) if k and form.words[k - 1].stop
                for t in w.canon if t and is_distinctive(t)}
    shared = set(a.distinctive) & set(b.distinctive)
    return bool(shared & (after_of(a) ^ after_of(b)))


def _acronym_of_another(g: Group, h: Group) -> str | None:
    """Why ``g``'s acronym says ``h`` is another institution, if it does.

    "Free University of Brussels (ULB)" is "Vrije Universiteit Brussel" word for word, but ULB
    spells neither name: it is the Université Libre de Bruxelles, the other free university
    of Brussels. An acronym that spells no name of its own rows, given where the other
    group's names are all in their own language (a word translated) and spell it nowhere,
    is another institution's; "University of Helsinki (UH)" spells its own name. So is it
    where the other group gives acronyms of its own, none the same, each spelling one of
    its names ("Vrije Universiteit Brussel (VUB)")."""
    if not g.side.acronyms or g.side.acronyms & h.side.acronyms \
            or not all(f.native for f in h.forms if not _bare_acronym(f)):
        return None
    if not all(any(spells(a, f) for f in h.forms) for a in h.side.acronyms):
        return None
    for acr in sorted(g.side.acronyms):
        if any(spells(acr, f) for f in (*g.forms, *h.forms)):
            return None
    acrs = "/".join(sorted(a.upper() for a in g.side.acronyms))
    return f"{acrs} spells neither {g.forms[0].raw!r} nor {h.forms[0].raw!r}: another's acronym"


def spells(acr: str, form: NameForm) -> bool:
    """Whether ``acr`` is the initials of a run of the name's words ("KU" of "Katholieke
    Universiteit Leuven"), with or without its small words; its acronyms do not count."""
    words = [w for w in form.words if not w.acronym]
    for i in range(len(words)):
        every = content = ""
        for w in words[i:]:
            every += w.folded[:1]
            content += "" if w.stop else w.folded[:1]
            if acr in (every, content):
                return True
            if len(content) > len(acr) and len(every) > len(acr):
                break
    return False


def _by_acronym(g: Group, h: Group, ctx: BlockContext) -> Relation:
    """An acronym of ``g`` abbreviating words of ``h``'s names, the rest agreeing."""
    best = NO_RELATION
    # as in relate_groups; a form's shape decides the shape it takes with an acronym added
    read: dict[tuple[str, int, int], Relation] = {}
    for acr in sorted(g.side.acronyms):
        if g.bare and acr in ctx.ambiguous:
            continue
        for fb, c, sc in h.contractions(acr):
            for fa, fa_acr, sa in zip(g.forms, g.with_acronym(acr), g.shapes, strict=True):
                rel = read.get((acr, sa, sc))
                if rel is None:
                    rel = read[(acr, sa, sc)] = relate(fa_acr, c.form, g.side, h.side, ctx)
                if rel.score >= 0.9:
                    score, more = 0.9, ""
                elif rel.score >= MERGE and rel.kind == "contained":
                    score, more = rel.score, f"; {rel.reason}"
                elif rel.kind == "contained" and rel.longer == "a" and _within(
                        rel.extras, c.span_tokens, acr):
                    score, more = 0.85, ", words both names use"
                else:
                    continue
                if score >= best.score:  # a lower score never wins: spare naming it
                    note = f"{acr.upper()} = initials of {c.span_text!r}{more}"
                    best = max(best, _named(Relation(score, note, "same"), fa, fb))
    return best


def _given_acronym(g: Group, h: Group, ctx: BlockContext) -> Relation:
    """ "ULB" / "Free University of Brussels (ULB)": an acronym written alone is the
    institution whose rows give it as their acronym, though it spells none of its names (a
    name in another language), unless several names of the country spell it."""
    shared = g.side.acronyms & h.given_acronyms if g.bare else frozenset()
    if not shared or shared & ctx.ambiguous:
        return NO_RELATION
    acr = sorted(shared)[0]
    return Relation(0.85, f"{acr.upper()!r} ~ {h.forms[0].raw!r}: {acr.upper()} is the "
                    "acronym the other's rows give", "same")


def _named(rel: Relation, a: NameForm, b: NameForm) -> Relation:
    """The relation with the two spellings it was read from in front of its reason."""
    if rel.score <= 0:
        return rel
    first, second = sorted((a.raw, b.raw))
    return Relation(rel.score, f"{first!r} ~ {second!r}: {rel.reason}", rel.kind, rel.extras,
                    rel.longer, rel.misspelt, local=rel.local)


def _within(extras: tuple[str, ...], span: tuple[str, ...], acr: str) -> bool:
    words = [t for t in extras if t != acr]
    return bool(words) and all(
        any(token_match(t, s) in (EXACT, STRONG) for s in span) for t in words
    )


def _with_evidence(rel: Relation, g: Group, h: Group) -> Relation:
    delta = 0.0
    notes = []
    if g.domains & h.domains:
        delta += 0.1
        notes.append(f"same website domain {sorted(g.domains & h.domains)[0]}")
    elif g.domain_labels & h.domain_labels:
        delta += 0.1
        notes.append(f"same website name {sorted(g.domain_labels & h.domain_labels)[0]}")
    elif g.domains and h.domains:
        delta -= 0.05
        notes.append("different websites")
    if g.side.cities and h.side.cities:
        if any(same_place(x, y) for x in g.side.cities for y in h.side.cities):
            if not rel.local:
                delta += 0.1 if rel.misspelt else 0.05
            notes.append("same city" + (", as another body of that place would be"
                                         if rel.local else ""))
        elif all(other_place(x, y) for x in g.side.cities for y in h.side.cities):
            delta -= 0.1
            notes.append("different cities")
    if g.given_acronyms and h.given_acronyms:
        if g.given_acronyms & h.given_acronyms:
            delta += 0.1
            notes.append(f"same acronym {sorted(g.given_acronyms & h.given_acronyms)[0]}")
        else:
            delta -= 0.05
            notes.append("different acronyms")
    if not notes:
        return rel
    score = round(min(0.95, max(0.0, rel.score + delta)), 3)
    return Relation(score, f"{rel.reason}; {'; '.join(notes)}", rel.kind, rel.extras,
                    rel.longer)


def block_context(groups: Iterable[Group]) -> BlockContext:
    """Names several rows qualify differently ("University of California, Davis" / ",
    Berkeley") are systems: a bare mention of them must not join one member."""
    qualifiers: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for g in groups:
        for f in g.names:
            if len(f.segments) < 2:
                continue
            seg_ids = sorted(set(f.flat_segments))
            for s in seg_ids:
                tokens = tuple(t for t, x, acr in zip(f.flat, f.flat_segments, f.acronym_flags,
                                                      strict=True) if x == s and not acr)
                rest = tuple(t for t, x in zip(f.flat, f.flat_segments, strict=True) if x != s)
                if is_qualifier(tokens) and any(word_class(t) == TYPE for t in rest):
                    qualifiers[" ".join(rest)].add(tokens)
    return BlockContext(frozenset(k for k, q in qualifiers.items() if len(q) >= 2),
                        _ambiguous_acronyms(groups))


def _ambiguous_acronyms(groups: Iterable[Group]) -> frozenset[str]:
    """Acronyms written as a whole name ("UAM") that spell the initials of several other
    groups' names ("Universidad Autónoma de Madrid", "Universidad Alfonso X el Sabio"...)."""
    groups = list(groups)
    bare = {f.acronyms[0] for g in groups for f in g.names if _bare_acronym(f)}
    if not bare:
        return frozenset()
    spelt: dict[str, set[str]] = defaultdict(set)
    givers: dict[str, list[Group]] = defaultdict(list)
    for g in groups:
        for f in g.forms:
            if not f.acronyms:
                for s in initials(f) & bare:
                    spelt[s].add(g.key)
        for s in g.given_acronyms & bare:
            givers[s].append(g)
    shared = {a for a, gs in givers.items() if _given_by_others(gs)}
    return frozenset(a for a, keys in spelt.items() if len(keys) >= 2) | shared


def _given_by_others(groups: list[Group]) -> bool:
    """Whether one list gives an acronym to names with no proper word in common ("University
    of Minnesota (ISEP)", "University of Oregon (ISEP)"): the bracket names an exchange
    programme or network both take part in, not either university."""
    for i, g in enumerate(groups):
        words = {t for f in g.names for t in f.distinctive}
        sources = {m.source_id for m in g.mentions}
        for h in groups[i + 1:]:
            if sources & {m.source_id for m in h.mentions} and words and \
                    not words & {t for f in h.names for t in f.distinctive}:
                return True
    return False


def _bare_acronym(form: NameForm) -> bool:
    return len(form.flat) == 1 and form.acronym_flags == (True,)
