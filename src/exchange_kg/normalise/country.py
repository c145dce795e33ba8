"""Country names as partner lists write them -> ISO 3166-1 alpha-2.

Partner lists name countries in English, in the publisher's language, by abbreviation, with an
official name in parentheses, and (after OCR) garbled or in look-alike Cyrillic letters. The
lookup goes from safe to risky and stops at the first answer:

1. exact keys: curated aliases, then pycountry's English names (and forms derived from them,
   such as "Bolivia" from "Bolivia, Plurinational State of"), then every translation pycountry
   ships, then CLDR's everyday names ("Rusko", "Ryssland": pycountry translates only the formal
   ISO name, "Ruská federace"). A key that two countries claim within one tier is dropped
   unless one country clearly outvotes the other: pycountry's translations contain a few
   mistakes. A name no tier holds is tried once more in a statistical table's order and
   abbreviations ("Korea, Rep." is the "Republic of Korea").
2. Cyrillic/Greek look-alike letters folded to Latin ("Могоссо" -> "Morocco").
3. fuzzy matching (rapidfuzz) against English names and aliases only, accepted only with a
   high score, a clear margin over the best *other* country, and not when the cell merely
   extends a country name ("Indiana", "Hungaryan" are words built on a name, not garbles).

A wrong country is worse than none, so every doubtful case returns None;
:func:`unmatched_reason` says why. Curated data lives in ``data/`` (aliases, look-alike letters,
names without an ISO code such as Kosovo, and the words used inside institution names).
"""

from __future__ import annotations

import gettext
import itertools
import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from rapidfuzz import fuzz, process

from exchange_kg.normalise.vocabulary import Vocabulary, active, builtin_entries, data_rows


@dataclass(frozen=True)
class CountryMatch:
    code: str  # ISO 3166-1 alpha-2
    name: str  # English short name from pycountry
    # "exact" | "translation" | "alias" | "fuzzy" | "homoglyph" | "demonym"; "alpha-2" |
    # "alpha-3" for a country cell written as an ISO code (normalise.registry)
    method: str
    score: float  # 0..100


# Fuzzy acceptance: evidence-based (see tests/test_country.py for the table of real spellings).
# One wrong letter in a six-letter name scores 83; two wrong letters in seven score 71.
FUZZY_MIN_SCORE = 80.0
FUZZY_MIN_MARGIN = 5.0  # over the best candidate naming a different country
FUZZY_MIN_LENGTH = 4  # letters; shorter cells are too easy to hit by chance
DEFAULT_FUZZY_LANGUAGES: tuple[str, ...] = ("en",)

# Letters NFKD does not decompose but which readers of Latin-script names treat as plain letters.
_LATIN_EXTRA = {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}

_TIERS = ("alias", "exact", "derived", "translation", "cldr", "translation-derived")
_METHOD = {
    "alias": "alias",
    "exact": "exact",
    "derived": "exact",
    "translation": "translation",
    "cldr": "translation",
    "translation-derived": "translation",
}


# ---------------------------------------------------------------------------- keys and data


def fold_accents(text: str) -> str:
    """Casefold and strip accents from Latin and Greek letters, keeping punctuation.

    Shared by the other normalisers so "września", "Wrzesnia" and "WRZEŚNIA" compare equal
    everywhere, and so do "Γερμανία" and "ΓΕΡΜΑΝΙΑ": Greek writes its capitals without the
    tonos by rule. Cyrillic loses only what writers leave out (the stress marks of
    dictionaries, the dots of "ё"); "й" and "ї" are letters of their own. Other scripts keep
    their marks: in Indic scripts the combining marks are vowels, and dropping them would
    make different names collide; Arabic and Hebrew vowel signs, which writers leave out, go.
    """
    if text.isascii():
        return text.lower()  # the same, without the per-letter work (most cells)
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(ch) and out and _mark_dropped(out[-1], ch):
            continue
        out.append(_LATIN_EXTRA.get(ch, ch))
    return unicodedata.normalize("NFC", "".join(out))


def _mark_dropped(base: str, mark: str) -> bool:
    """Whether ``fold_accents`` drops combining ``mark`` after the (casefolded) ``base``."""
    if base.isascii() or "\u0370" <= base <= "\u03ff" or "\u1f00" <= base <= "\u1fff":
        return True  # Latin, Greek (monotonic and polytonic)
    if "\u0400" <= base <= "\u04ff":
        return mark in "\u0300\u0301" or (base == "\u0435" and mark == "\u0308")
    # Arabic harakat and shadda, Hebrew niqqud: vowel signs writers leave out ("المتّحدة" is
    # written "المتحدة"); the letters alone are the word
    return "\u064b" <= mark <= "\u065f" or mark == "\u0670" or "\u0591" <= mark <= "\u05c7"


def marks_kept(text: str) -> str:
    """``text`` (decomposed) without its accents but with the combining marks that are letters
    of their script: Indic, Thai, Khmer and Myanmar vowel signs and viramas, the dakuten of
    kana ("ปี" is not "ป", "が" is not "か"). The marks of Latin, Greek, Cyrillic, Hebrew and
    Arabic letters go (accents, stress, the vowel signs writers leave out)."""
    out: list[str] = []
    base = ""
    for ch in text:
        if not unicodedata.category(ch).startswith("M"):
            base = ch
        elif not (base >= "\u0900" and not "\u1e00" <= base <= "\u1fff" and base.isalnum()):
            continue
        out.append(ch)
    return "".join(out)


def _mark_class() -> str:
    """The body of a regular-expression class holding every combining mark (category M):
    Python's ``\\w`` holds letters and digits but not the marks that complete them."""
    ranges: list[str] = []
    start: int | None = None
    previous = -2
    # (the ideographs and hangul syllables between hold no mark: skipped, as import time)
    for cp in [*range(0x0300, 0x3400), *range(0xA000, 0xAC00), *range(0xD7B0, 0x20000),
               *range(0xE0100, 0xE01F0), 0x10FFFF]:
        is_mark = cp != 0x10FFFF and unicodedata.category(chr(cp)).startswith("M")
        if is_mark and start is None:
            start = cp
        elif is_mark and start is not None and cp != previous + 1:  # a skipped range between
            ranges.append(_class_range(start, previous))
            start = cp
        elif not is_mark and start is not None:
            ranges.append(_class_range(start, previous))
            start = None
        previous = cp
    return "".join(ranges)


def _class_range(start: int, end: int) -> str:
    return f"\\U{start:08x}" + (f"-\\U{end:08x}" if end > start else "")


# Every combining mark, as a class body. A word is a letter or digit followed by letters,
# digits and marks: "[^\W_]+" alone cuts Thai, Indic, Khmer and Myanmar words at every vowel
# sign ("ปี" -> "ป"), and the kana written with a separate dakuten in two.
MARKS = _mark_class()
WORD = re.compile(rf"[^\W_](?:[^\W_]|[{MARKS}])*")


def text_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used for every name comparison."""
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_NON_ALNUM).split())
    folded = fold_accents(text)
    kept = (c if c.isalnum() or unicodedata.category(c).startswith("M") else " " for c in folded)
    return " ".join("".join(kept).split())


_key = text_key
# text_key's work on ASCII text, done by one str.translate
_ASCII_NON_ALNUM = {c: " " for c in range(128) if not chr(c).isalnum()}


def _derived_forms(name: str) -> list[str]:
    """Shorter forms implied by how ISO writes names: "Korea, Republic of" -> "Korea" and
    "Republic of Korea"; "Boliwia - Wielonarodowe Państwo" -> "Boliwia"; "Palestyna (państwo)"
    -> "Palestyna". Ambiguous results (two Koreas) are dropped later by the vote."""
    forms: list[str] = []
    for sep in (", ", " - ", " ("):
        if sep in name:
            head, _, tail = name.partition(sep)
            forms.append(head)
            if sep == ", ":
                forms.append(f"{tail} {head}")
    return forms


def _english_names() -> Iterable[tuple[str, str, str]]:
    """(tier, text, code) for pycountry's English names and forms derived from them."""
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                yield "exact", value, c.alpha_2
                for form in _derived_forms(value):
                    yield "derived", form, c.alpha_2


def _languages() -> list[str]:
    base = pycountry.LOCALES_DIR
    return sorted(
        lang
        for lang in os.listdir(base)
        if os.path.exists(os.path.join(base, lang, "LC_MESSAGES", "iso3166-1.mo"))
    )


def _translated_names(languages: Sequence[str]) -> Iterable[tuple[str, str, str, str]]:
    """(tier, text, code, language) for every translation pycountry ships."""
    for lang in languages:
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
        for c in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                value = getattr(c, attr, None)
                if not value:
                    continue
                text = tr.gettext(value)
                if text == value:
                    continue
                yield "translation", text, c.alpha_2, lang
                for form in _derived_forms(text):
                    yield "translation-derived", form, c.alpha_2, lang


def _vote(claims: dict[str, Counter[str]]) -> dict[str, str]:
    """One code per key: the only claimant, or one with at least twice the runner-up's votes."""
    out: dict[str, str] = {}
    for key in sorted(claims):
        ranked = sorted(claims[key].items(), key=lambda kv: (-kv[1], kv[0]))
        if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
            out[key] = ranked[0][0]
    return out


@dataclass(frozen=True)
class _Index:
    exact: dict[str, tuple[str, str]]  # key -> (code, method)
    english: dict[str, str]  # key -> code; the default fuzzy pool (English names and aliases)
    no_code: dict[str, str]  # key -> reason
    homoglyphs: dict[str, str]


@lru_cache(maxsize=1)
def _index() -> _Index:
    """Built once, lazily: indexing ~160 languages takes a moment and most runs need it."""
    claims: dict[str, dict[str, Counter[str]]] = {tier: defaultdict(Counter) for tier in _TIERS}
    for entry in builtin_entries("countries"):
        claims["alias"][_key(entry.text)][entry.value] += 1
    for tier, text, code in _english_names():
        claims[tier][_key(text)][code] += 1
    shortened: dict[tuple[str, str], set[str]] = defaultdict(set)  # (key, language) -> codes
    for tier, text, code, lang in _translated_names(_languages()):
        claims[tier][_key(text)][code] += 1
        if tier == "translation-derived":
            shortened[(_key(text), lang)].add(code)
    for (key, _lang), codes in shortened.items():
        # a shortening that one language makes of two countries' names ("Корея, Република",
        # "Корея, Демократична народна република") names neither, whatever other languages
        # that shorten only one of them say (Bashkir writes only North Korea so)
        if len(codes) > 1:
            claims["translation-derived"].pop(key, None)
    for text, code, *_ in data_rows("country-cldr.tsv"):
        claims["cldr"][_key(text)][code] += 1
    exact: dict[str, tuple[str, str]] = {}
    for tier in _TIERS:  # safest first: a key keeps the answer of the first tier that has it
        for key, code in _vote(claims[tier]).items():
            exact.setdefault(key, (code, _METHOD[tier]))
    english = {k: c for k, (c, m) in exact.items() if m in ("alias", "exact")}
    no_code = {_key(name): reason for name, _language, reason, *_ in
               data_rows("country-no-code.tsv")}
    for name, codes, *_ in data_rows("country-ambiguous.tsv"):
        names = " or ".join(f"{_name(c)} ({c})" for c in codes.split())
        key = _key(name)
        exact.pop(key, None)
        english.pop(key, None)
        no_code[key] = f"names {names}: lists write it for both; give the full name"
    homoglyphs = {char: latin for char, latin, *_ in data_rows("homoglyphs.tsv")}
    return _Index(exact, english, no_code, homoglyphs)


def preload() -> None:
    """Build the name index now rather than on first use (worker processes forked afterwards
    share it instead of each building their own)."""
    _index()


@lru_cache(maxsize=16)
def _fuzzy_pool(languages: tuple[str, ...]) -> dict[str, str]:
    """Space-free key -> code for the names fuzzy matching may land on.

    Only the languages asked for: with all 160 the pool is so dense that garbles sit close
    to some language's name for the wrong country ("Deland" is one letter from Dutch
    "Nederland", yet the list it comes from means Poland)."""
    idx = _index()
    pool: dict[str, Counter[str]] = defaultdict(Counter)
    for key, code in idx.english.items():
        pool[key.replace(" ", "")][code] += 2
    others = [lang for lang in languages if lang != "en"]
    for _tier, text, code, _lang in _translated_names(others):
        pool[_key(text).replace(" ", "")][code] += 1
    for key in idx.no_code:  # a name of two countries is no nearest name of one
        pool.pop(key.replace(" ", ""), None)
    return _vote(pool)


# ---------------------------------------------------------------------------- parse_country


@lru_cache(maxsize=1)
def user_assigned() -> dict[str, str]:
    """Codes outside ISO 3166-1 that registries use for places ISO does not list (Kosovo's
    XK, used by ROR, Wikidata and the EU): code -> English name, from
    ``data/country-user-assigned.tsv``."""
    return {code: name for code, name, *_ in data_rows("country-user-assigned.tsv")}


def country_codes() -> frozenset[str]:
    """Every code a country may be published as: ISO 3166-1 alpha-2 and the user-assigned."""
    return frozenset(c.alpha_2 for c in pycountry.countries) | frozenset(user_assigned())


def _name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country is not None else user_assigned()[code]


def country_name(code: str, *, common: bool = False) -> str:
    """English name of an alpha-2 code; ``common`` prefers the everyday name ("Taiwan")."""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None and code.upper() in user_assigned():
        return user_assigned()[code.upper()]
    if country is None:
        raise KeyError(f"not an ISO 3166-1 alpha-2 code: {code!r}")
    if common and getattr(country, "common_name", None):
        return country.common_name
    return country.name


@lru_cache(maxsize=64)
def _source_names(vocabulary: Vocabulary) -> dict[str, str]:
    """Key -> code of the names a source's own vocabulary adds (they win over built-in ones)."""
    return {_key(e.text): e.value for e in vocabulary.entries("countries")}


def _lookup(key: str, vocabulary: Vocabulary) -> CountryMatch | None:
    own = _source_names(vocabulary) if not vocabulary.builtin else {}
    for candidate in (key, key[4:] if key.startswith("the ") else None):
        if candidate is not None and candidate in own:
            code = own[candidate]
            return CountryMatch(code, _name(code), "alias", 100.0)
    idx = _index()
    hit = idx.exact.get(key)
    if hit is None and key.startswith("the "):
        hit = idx.exact.get(key[4:])
    if hit is None:
        return None
    code, method = hit
    return CountryMatch(code, _name(code), method, 100.0)


@lru_cache(maxsize=1)
def _name_abbreviations() -> dict[str, tuple[str, ...]]:
    """Abbreviation -> what it may stand for, in every language listed ("Rep." is
    "Republic", "Repubblica", "República", ...)."""
    out: dict[str, list[str]] = defaultdict(list)
    for abbr, full, *_ in data_rows("country-name-abbreviations.tsv"):
        if full not in out[abbr.casefold()]:
            out[abbr.casefold()].append(full)
    return {k: tuple(v) for k, v in out.items()}


def _uninverted(text: str, vocabulary: Vocabulary) -> CountryMatch | None:
    """A name in a statistical table's order and abbreviations: "Korea, Rep." is the
    "Republic of Korea", "Gambia, The" is "The Gambia". Exact names only, and only when
    every reading names the same country."""
    choices = []
    for word in text.split():
        bare, comma = (word[:-1], ",") if word.endswith(",") else (word, "")
        choices.append([w + comma for w in _name_abbreviations().get(bare.casefold(), (bare,))])
    written = " ".join(text.split())
    forms: list[str] = []
    for expanded in (" ".join(c) for c in itertools.islice(itertools.product(*choices), 16)):
        forms += [expanded] if expanded != written else []
        head, sep, tail = expanded.partition(", ")
        if sep and tail and "," not in tail:
            forms += [f"{tail} {head}", f"{tail} of {head}", f"{tail} of the {head}",
                      f"the {tail} of the {head}"]
    found = {m.code: m for m in (_lookup(_key(f), vocabulary) for f in forms) if m is not None}
    if len(found) != 1:
        return None
    match = next(iter(found.values()))
    return CountryMatch(match.code, match.name, "alias", 100.0)


def _fold_homoglyphs(text: str) -> str:
    table = _index().homoglyphs
    return "".join(table.get(ch, ch) for ch in text)


def _has_non_latin_letters(text: str) -> bool:
    return any(ch.isalpha() and not ch.isascii() and "LATIN" not in unicodedata.name(ch, "")
               for ch in text)


def _fuzzy(key: str, languages: tuple[str, ...]) -> tuple[CountryMatch | None, str]:
    query = key.replace(" ", "")
    if sum(ch.isalpha() for ch in query) < FUZZY_MIN_LENGTH:
        return None, "too short to repair safely"
    pool = _fuzzy_pool(languages)
    names = sorted(pool)
    hits = process.extract(query, names, scorer=fuzz.ratio, limit=40)
    best: dict[str, tuple[float, str]] = {}
    for cand, score, _ in hits:
        code = pool[cand]
        if code not in best or score > best[code][0]:
            best[code] = (score, cand)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    if not ranked:
        return None, "no country name is close"
    code, (score, cand) = ranked[0]
    runner_up = ranked[1][1][0] if len(ranked) > 1 else 0.0
    if score < FUZZY_MIN_SCORE:
        return None, f"closest country name {cand!r} ({code}) scores only {score:.0f}"
    if score - runner_up < FUZZY_MIN_MARGIN:
        other = ranked[1]
        return None, (f"ambiguous: {cand!r} ({code}, {score:.0f}) and {other[1][1]!r} "
                      f"({other[0]}, {other[1][0]:.0f}) are about equally close")
    if query.startswith(cand) and len(query) - len(cand) >= 2:
        return None, f"extends the country name {cand!r}: a derived word, not a garbled name"
    inside = {pool[n] for n in names if query in n.replace(" ", "")}
    if len(inside) > 1:
        # "Land" is part of Poland, Finland, Ireland...: a word of its own (a header's
        # "Land", "country" in German), not a garble of the closest one
        return None, (f"a part of {len(inside)} countries' names ({cand!r} among them), not "
                      "a garbled name")
    return CountryMatch(code, _name(code), "fuzzy", round(score, 1)), ""


# No country's name (in any language pycountry knows) is anywhere near this long.
MAX_NAME_CHARS = 120


def _resolve_one(text: str, fuzzy: bool, languages: tuple[str, ...], vocabulary: Vocabulary
                 ) -> tuple[CountryMatch | None, str]:
    key = _key(text)
    if not key:
        return None, "empty"
    if len(key) > MAX_NAME_CHARS:
        return None, f"{len(key)} characters: too long to be a country name"
    hit = _lookup(key, vocabulary)
    if hit is not None:
        return hit, ""
    no_code = _index().no_code
    reason = no_code.get(key) or (no_code.get(key[4:]) if key.startswith("the ") else None)
    if reason:
        return None, reason
    hit = _uninverted(text, vocabulary)
    if hit is not None:
        return hit, ""
    if _has_non_latin_letters(text):
        folded = _key(_fold_homoglyphs(text))
        hit = _lookup(folded, vocabulary)
        if hit is not None:
            return CountryMatch(hit.code, hit.name, "homoglyph", 100.0), ""
        if fuzzy and folded.isascii():
            match, why = _fuzzy(folded, languages)
            if match is not None:
                return CountryMatch(match.code, match.name, "homoglyph", match.score), ""
            return None, why
    if not fuzzy:
        return None, "no exact country name"
    abbreviated = [w for w in text.split() if w.rstrip(",").casefold() in _name_abbreviations()]
    if abbreviated:
        # "N. Korea" is one letter from "Korea", "Eq. Guinea" from "Guinea": a repair would
        # drop the very word that tells two countries apart
        return None, (f"{abbreviated[0]!r} abbreviates a word of the name: no exact name "
                      "with it spelt out, and no repair")
    if not key.isascii():
        return None, "no country name in this script"
    return _fuzzy(key, languages)


def _one_country_twice(text: str, langs: tuple[str, ...], vocabulary: Vocabulary
                       ) -> CountryMatch | None:
    """ "Frankreich / France", "Polska" / "Poland" on two lines: one country's name in two
    languages, each read exactly, is that country (two countries are several: see
    :func:`countries_listed`)."""
    pieces = [p for p in re.split(r"/|[\n\u2028\u2029]", text) if p.strip()]
    if len(pieces) < 2:
        pieces = _script_halves(text)  # "中國內地 Mainland China", "澳洲 Australia"
    if len(pieces) < 2:
        return None
    found = [_resolve_one(p.strip(), False, langs, vocabulary)[0] for p in pieces]
    if any(m is None for m in found) or len({m.code for m in found if m}) != 1:
        return None
    return found[0]


def _script_halves(text: str) -> list[str]:
    """A cell of two names side by side, one in Latin letters and one in a script without
    them, split where the script changes; [] otherwise."""
    words = text.split()
    latin = [_has_latin(w) for w in words]
    changes = [i for i in range(1, len(words)) if latin[i] != latin[i - 1]]
    if len(changes) != 1 or any(_has_latin(w) and _has_non_latin_letters(w) for w in words):
        return []
    return [" ".join(words[:changes[0]]), " ".join(words[changes[0]:])]


def _has_latin(word: str) -> bool:
    return any(c.isascii() or "LATIN" in unicodedata.name(c, "") for c in word if c.isalpha())


_FLAG = re.compile(r"^\s*([\U0001F1E6-\U0001F1FF])([\U0001F1E6-\U0001F1FF])\s*$")


def _flag_code(text: str) -> CountryMatch | None:
    """A flag emoji alone ("🇯🇵"): its two regional indicator letters are the ISO code."""
    found = _FLAG.match(text)
    if found is None:
        return None
    code = "".join(chr(ord(c) - 0x1F1E6 + ord("A")) for c in found.groups())
    return CountryMatch(code, _name(code), "flag", 100.0) if code in country_codes() else None


def _split_parentheses(text: str) -> tuple[str, list[str]]:
    """"Arabia Saudyjska (Królestwo Arabii Saudyjskiej)" -> main text and the parentheticals."""
    main: list[str] = []
    inner: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
            if depth == 1:
                current = []
                continue
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                inner.append("".join(current))
                continue
        (current if depth else main).append(ch)
    if depth:  # unbalanced: keep the tail as part of the main text
        main.extend(current)
    return "".join(main), [p for p in inner if p.strip()]


def _resolve(text: str, fuzzy: bool, languages: Sequence[str]
             ) -> tuple[CountryMatch | None, str]:
    return _resolve_cell(text, fuzzy, tuple(languages), active())


@lru_cache(maxsize=65536)
def _resolve_cell(text: str, fuzzy: bool, langs: tuple[str, ...], vocabulary: Vocabulary
                  ) -> tuple[CountryMatch | None, str]:
    """Cached: the cells of a build name the same few hundred countries over and over."""
    text = text.translate(_FULL_WIDTH_BRACKETS)
    flag = _flag_code(text)
    if flag is not None:
        return flag, ""
    # "Chile (2)" must not be a fuzzy "Chile"; "China Hong Kong" must not be a fuzzy anything
    whole, why = _resolve_one(text, False, langs, vocabulary)
    if whole is not None:
        return whole, why
    twice = _one_country_twice(text, langs, vocabulary)
    if twice is not None:
        return twice, ""
    if "(" not in text:
        territory = _territory_with_state(text, vocabulary)
        if territory is not None:
            return territory, ""
        return _resolve_one(text, fuzzy, langs, vocabulary) if fuzzy else (None, why)
    main, inner = _split_parentheses(text)
    inner = [p for p in inner if not _key(p).isdigit()]  # "China (75)": a count
    match, why = _resolve_one(main, fuzzy, langs, vocabulary)
    if match is None:
        return None, why
    for part in inner:
        other, _ = _resolve_one(part, False, langs, vocabulary)
        if other is not None and other.code != match.code:
            territory = _territory_of({match.code, other.code})
            if territory is not None and match.method != "fuzzy":
                match = CountryMatch(territory, _name(territory), "alias", 100.0)
                continue
            return None, (f"{main.strip()!r} reads as {match.code} but {part.strip()!r} "
                          f"as {other.code}")
    return match, ""


_FULL_WIDTH_BRACKETS = str.maketrans("（）", "()")


@lru_cache(maxsize=1)
def _territories() -> dict[str, str]:
    """Territory code -> the code of the state it belongs to (``country-territories.tsv``)."""
    return {territory: state for territory, state, *_ in data_rows("country-territories.tsv")}


def _territory_of(codes: set[str]) -> str | None:
    """The territory when ``codes`` are a territory and its state ("Hongkong (Čína)")."""
    if len(codes) != 2:
        return None
    a, b = sorted(codes)
    for territory, state in ((a, b), (b, a)):
        if _territories().get(territory) == state:
            return territory
    return None


_MAX_TERRITORY_WORDS = 12  # "Hong Kong Special Administrative Region, People's Republic of China"


def _territory_with_state(text: str, vocabulary: Vocabulary) -> CountryMatch | None:
    """A territory written together with its state, in either order, as two exact names:
    "中国香港" (no space between, as Chinese writes it), "China - Taiwan", "Hong Kong,
    China". Any other pair of countries in one cell stays unread."""
    words = [w for w in re.split(r"[\s,;/\-\u2010-\u2015\u00b7\u30fb|]+", text) if w]
    if len(words) > _MAX_TERRITORY_WORDS:
        return None  # two names of a few words each; each split joins them all again
    if len(words) > 1:
        splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    elif _has_non_latin_letters(text) and len(text.strip()) <= 24:
        word = text.strip()
        splits = [(word[:i], word[i:]) for i in range(1, len(word))]
    else:
        return None
    for left, right in splits:
        a, b = _lookup(_key(left), vocabulary), _lookup(_key(right), vocabulary)
        if a is None or b is None:
            continue
        territory = _territory_of({a.code, b.code})
        if territory is not None:
            return CountryMatch(territory, _name(territory), "alias", 100.0)
    return None


def parse_country(
    text: str,
    *,
    fuzzy: bool = True,
    fuzzy_languages: Sequence[str] = DEFAULT_FUZZY_LANGUAGES,
) -> CountryMatch | None:
    """Return the country a cell names, or None when it names none (or none safely).

    ``fuzzy_languages`` widens the pool OCR repair may land on beyond English names and
    aliases (e.g. ``("en", "pl")`` for a Polish list); exact names work in every language.
    """
    return _resolve(text, fuzzy, fuzzy_languages)[0]


def unmatched_reason(
    text: str,
    *,
    fuzzy: bool = True,
    fuzzy_languages: Sequence[str] = DEFAULT_FUZZY_LANGUAGES,
) -> str | None:
    """Why :func:`parse_country` returns None for ``text`` (None when it does not).

    Used for flag messages: "names Kosovo, which has no ISO code" and "two countries are
    equally close" call for different follow-up than "not a country at all"."""
    match, why = _resolve(text, fuzzy, fuzzy_languages)
    if match is not None:
        return None
    several = countries_listed(text)
    if several:
        return (f"names {len(several)} countries ({', '.join(m.name for m in several)}): a "
                "cell of several countries gives no party its country")
    return why or "no country name recognised"


def territory_of(country: str, code: str) -> bool:
    """Whether the territory ISO 3166-1 codes ``code`` is part of ``country`` by ISO 3166-2:
    the subdivision coded ``{country}-{code}`` must be that territory by name (CN-HK is Hong
    Kong, US-PR Puerto Rico), not a state whose code is another country's (US-CO is
    Colorado, not Colombia; US-PA Pennsylvania, not Panama)."""
    sub = pycountry.subdivisions.get(code=f"{country}-{code}")
    if not sub:
        return False
    match = parse_country(str(sub.name), fuzzy=False)
    return match is not None and match.code == code


def countries_listed(text: str) -> list[CountryMatch]:
    """The countries of a cell that lists several ("Viro, Latvia, Liettua", "Estonia /
    Latvia"), each read exactly (no fuzzy guess); empty unless every piece is a country
    and they are at least two different ones."""
    pieces = [p.strip() for p in re.split(r"[,;/\n]|\s[-–]\s|\s&\s", text) if p.strip()]
    if len(pieces) < 2:
        return []
    found = [parse_country(p, fuzzy=False) for p in pieces]
    if any(m is None for m in found) or len({m.code for m in found if m}) < 2:
        return []
    return [m for m in found if m]


# ---------------------------------------------------------------------------- names


@dataclass(frozen=True)
class _NamePhrases:
    phrases: dict[tuple[str, ...], tuple[str, str]]  # tokens -> (code or "-", method)
    longest: int
    subject_words: frozenset[str]


@lru_cache(maxsize=1)
def _name_phrases() -> _NamePhrases:
    """English country names, aliases and demonyms usable as evidence inside a name.

    Translations are left out on purpose: across 160 languages too many country names are
    ordinary words elsewhere. Aliases with one- or two-letter parts ("US", "U. S. A.") and
    abbreviations ("EAU") are left out too, since case is lost in the key and "us", "eau"
    are words.
    """
    phrases: dict[tuple[str, ...], tuple[str, str]] = {}
    idx = _index()
    # abbreviations ("EAU", "U.A.E.") are words in other languages ("l'eau") once case is gone
    abbreviations = {_key(e.text) for e in builtin_entries("countries")
                     if not any(c.islower() for c in e.text)}
    for key, code in sorted(idx.english.items()):
        method = idx.exact[key][1]
        tokens = tuple(key.split())
        if method == "alias" and (min(len(t) for t in tokens) < 3 or key in abbreviations):
            continue
        phrases.setdefault(tokens, (code, method))
    for phrase, code, *_ in data_rows("country-words.tsv"):
        # curated rows win: they carry demonyms and block false friends ("-")
        phrases[tuple(_key(phrase).split())] = (code, "demonym" if code != "-" else "-")
    subject = frozenset(_key(word) for word, *_ in data_rows("name-subject-words.tsv"))
    return _NamePhrases(phrases, max(len(p) for p in phrases), subject)


def countries_in_name(text: str) -> list[CountryMatch]:
    """Countries an institution's name itself names or implies, in order of appearance.

    Evidence for placing a row, so precision beats recall: whole words only, accent-
    insensitive, curated false friends blocked ("Georgia Institute of Technology", "New
    Mexico", "American University of Sharjah"), and a country word directly followed by a
    subject word ("Center for Japanese Studies") is not evidence of place.
    """
    table = _name_phrases()
    tokens = _key(text).split()
    found: list[CountryMatch] = []
    i = 0
    while i < len(tokens):
        for n in range(min(table.longest, len(tokens) - i), 0, -1):
            hit = table.phrases.get(tuple(tokens[i : i + n]))
            if hit is None:
                continue
            code, method = hit
            follows = tokens[i + n] if i + n < len(tokens) else ""
            if code != "-" and follows not in table.subject_words and all(
                m.code != code for m in found
            ):
                found.append(CountryMatch(code, _name(code), method, 100.0))
            i += n
            break
        else:
            i += 1
    return found
