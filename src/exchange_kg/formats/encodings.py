"""Which legacy encoding a file that is not UTF-8 is in, decided by what its words say.

A byte above 127 means a different letter in each legacy encoding, and a short partner list
gives a statistical detector little to go on: a Baltic list exported as cp1257 read as
mac_latin2 shows "Universitšt Greifswald" and "Latvijas Universit‚te", which a mess score
does not count against it. So every encoding an office may have exported with is tried, and
two that read the file differently are judged on the words where they differ, as a reader
would judge them:

- against a reading: a word that no language writes — a symbol or control character inside
  it ("Universit‚te"), a capital after a small letter ("tŁŁp"), letters of two scripts
  ("Universitдt"), or accented Latin letters that no one language has together ("Boðaziçi");
- for a reading: a word the vocabulary knows (header, country, unit, date and term words:
  "Universitāte", "Ülikool", "Università", "Германия").

A reading is taken only when it beats every other on that evidence (fewer words against it
and no fewer known, or as many against and more known). Encodings rarely used for an export
(Mac, DOS, some ISO ones) have to beat the common ones; a common one need only hold its own
against them. Otherwise the build stops, naming the words that read differently and the
reader option ``encoding:`` to declare — a misread name would be published as a false fact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from exchange_kg.records import SourceError

# What offices export with: Windows code pages (Excel's "CSV" on Windows), the ISO and Unix
# ones, and the East Asian multi-byte ones. Order decides nothing but the order of messages.
COMMON = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
          "cp1258", "cp874", "latin_1", "iso8859_2", "iso8859_15", "cp932", "gb18030",
          "big5", "cp949")
# Possible, seldom: an old Mac Excel's "CSV (Macintosh)", DOS tools, older Unix ones.
RARE = ("mac_roman", "mac_latin2", "mac_cyrillic", "mac_greek", "mac_turkish", "mac_iceland",
        "cp437", "cp850", "cp852", "cp866", "koi8_r", "koi8_u", "iso8859_4", "iso8859_5",
        "iso8859_7", "iso8859_9", "iso8859_13", "euc_jp")
_MULTI_BYTE = frozenset({"cp932", "gb18030", "big5", "cp949", "euc_jp"})

# Word boundaries: ASCII white space, punctuation and digits (bytes and text alike).
_WORD = r"[^\x00-\x20!-@\[-`{-\x7f]+"
_BYTE_WORD = re.compile(_WORD.encode())
_TEXT_WORD = re.compile(_WORD)
# Quotes, dashes and marks a word may stand between, and those it may hold ("d’Orléans").
# Marks a word may hold ("d’Orléans", "Wisconsin–Madison", "l·l"); any punctuation or space
# may stand before or after it ("«Università»", "¿Qué", "كوريا،").
_INNER = frozenset("’ʼ'‐‑-–—·.・׳״")  # Hebrew geresh, gershayim: "ארה״ב"
_BASIC = frozenset("abcdefghijklmnopqrstuvwxyz")
# Scripts written without spaces: a word of theirs is a run, known when it holds a term.
_EAST_ASIAN = ("CJK", "IDEOGRAPHIC", "HIRAGANA", "KATAKANA", "HANGUL", "HALFWIDTH",
               "FULLWIDTH")


@dataclass(frozen=True)
class Reading:
    """One text the file could be, and the encodings that give it."""

    encodings: tuple[str, ...]
    words: frozenset[str]  # the distinct words that hold a letter above ASCII

    @property
    def rare(self) -> bool:
        return all(e in RARE for e in self.encodings)


# A letter as UTF-8 writes it (two to four bytes): text in a one-byte code page seldom holds
# one ("Ã©" for "é"), a UTF-8 file damaged in a place or two holds little else.
_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                          rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def detect(path: Path, data: bytes) -> str:
    """The encoding the file's words show it is in, else a SourceError naming the words that
    read differently in the two readings left (see the module doc). A file written in UTF-8
    but for a few bytes is a damaged UTF-8 file: the error names the line of the first."""
    damaged = _damaged_utf8(data)
    if damaged is not None:
        raise SourceError(str(path), data[:damaged].count(b"\n") + 1,
                          "not valid UTF-8, though the rest of the file is: a byte that is no "
                          "letter in UTF-8 (fix the line, or declare `encoding:`)")
    readings = _readings(data)
    if not readings:
        raise SourceError(str(path), None, "cannot tell the text encoding (no known encoding "
                          "reads every byte); declare it with the reader option `encoding:` "
                          "(e.g. cp1252, cp1250, iso-8859-2)")
    # a control character inside a word is no letter at all (latin-1 for cp1252's dashes)
    readings = [r for r in readings if not _controls(r)] or readings
    if len(readings) == 1:
        return readings[0].encodings[0]
    scores = {r: _score(r.words) for r in readings}
    for reading in readings:
        if all(r is reading or _beats(reading, r, scores) for r in readings):
            return reading.encodings[0]
    first, second = _unresolved(readings, scores)
    raise _uncertain(path, data, first, second)


def _damaged_utf8(data: bytes) -> int | None:
    """Where the first byte no UTF-8 letter holds stands, when the file's letters above
    ASCII are mostly UTF-8 ones; None otherwise."""
    letters = len(_UTF8_LETTER.findall(data))
    if not letters:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        others = sum(1 for b in _UTF8_LETTER.sub(b"", data) if b > 0x7F)
        return exc.start if letters > others else None
    return None


def _readings(data: bytes) -> list[Reading]:
    """Every candidate encoding that decodes the file, those reading it alike taken as one."""
    byte_words = sorted(w for w in set(_BYTE_WORD.findall(data)) if max(w) > 0x7F)
    joined = b"\n".join(byte_words)  # decoded at once: a line feed is in no word
    found: dict[object, tuple[list[str], frozenset[str]]] = {}
    for encoding in COMMON + RARE:
        try:
            if encoding in _MULTI_BYTE:
                text = data.decode(encoding)
                key: object = text
                words = frozenset(_text_words(text))
            else:  # one byte, one letter: the file's words are its byte words decoded
                decoded = tuple(joined.decode(encoding).split("\n")) if byte_words else ()
                key, words = decoded, frozenset(decoded)
        except UnicodeDecodeError:
            continue
        found.setdefault(key, ([], words))[0].append(encoding)
    return [Reading(tuple(encodings), words) for encodings, words in found.values()]


def _text_words(text: str) -> Iterable[str]:
    return (w for w in _TEXT_WORD.findall(text) if max(w) > "\x7f")


@dataclass(frozen=True)
class _Score:
    odd: frozenset[str]
    known: frozenset[str]


def _score(words: frozenset[str]) -> _Score:
    return _Score(frozenset(w for w in words if _odd(w)),
                  frozenset(w for w in words if _known(w)))


def _beats(a: Reading, b: Reading, scores: dict[Reading, _Score]) -> bool:
    """Whether the words only ``a`` reads are better evidence than those only ``b`` reads
    (a common encoding need only hold its own against a rare one)."""
    only_a, only_b = a.words - b.words, b.words - a.words
    odd_a, odd_b = len(only_a & scores[a].odd), len(only_b & scores[b].odd)
    known_a, known_b = len(only_a & scores[a].known), len(only_b & scores[b].known)
    if odd_a > odd_b or known_a < known_b:
        return False
    return odd_a < odd_b or known_a > known_b or (b.rare and not a.rare)


def _unresolved(readings: list[Reading], scores: dict[Reading, _Score]
                ) -> tuple[Reading, Reading]:
    """The likeliest reading (fewest words against it, most known, common) and the likeliest
    one it does not beat: the two the message names."""
    ranked = sorted(readings, key=lambda r: (len(scores[r].odd), -len(scores[r].known),
                                             r.rare))
    first = ranked[0]
    return first, next(r for r in ranked[1:] if not _beats(first, r, scores))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _controls(reading: Reading) -> bool:
    return any(_CONTROL.search(word) for word in reading.words)


def _uncertain(path: Path, data: bytes, a: Reading, b: Reading) -> SourceError:
    text_a, text_b = data.decode(a.encodings[0]), data.decode(b.encodings[0])
    line = 1
    for number, (x, y) in enumerate(zip(text_a.split("\n"), text_b.split("\n"),
                                        strict=False), start=1):
        if x != y:
            line = number
            break
    words_a = sorted(a.words - b.words, key=text_a.find)[:4]
    words_b = sorted(b.words - a.words, key=text_b.find)[:4]
    shown_a = ", ".join(repr(w) for w in words_a)
    shown_b = ", ".join(repr(w) for w in words_b)
    return SourceError(str(path), line,
                       f"the encoding is not certain: read as {a.encodings[0]} the file says "
                       f"{shown_a}, read as {b.encodings[0]} it says {shown_b}; declare the "
                       "right one with the reader option `encoding:` "
                       f"(`encoding: {a.encodings[0]}` or `encoding: {b.encodings[0]}`)")


@cache
def _odd(word: str) -> bool:
    """Whether no language writes the word this way (see the module doc)."""
    core = _core(word)
    scripts: set[str] = set()
    wide = False  # East Asian punctuation: between words of a script written without spaces
    for i, ch in enumerate(core):
        category = unicodedata.category(ch)
        if (category == "Nd" and ch > "\x7f" and len(core) > 1) or (category[0] == "M"
                                                                 and i == 0):
            return True  # a script's digit inside a word, a mark on no letter ("๙ๅๅ้้๕")
        if category[0] == "L" or (category[0] == "M" and not _generic(ch)):
            scripts.add(_script(ch))
        elif category[0] in "PS" and unicodedata.east_asian_width(ch) in "WF":
            wide = True  # '大学名（英語）', '※若干名：派遣・受入'
        elif category[0] != "M" and category != "Nd" and ch not in _INNER:
            return True  # a symbol, control or punctuation inside a word ("Universit‚te")
    if wide and scripts - {"EAST ASIAN"}:
        return True  # wide punctuation amid letters of other scripts ("Universit：t")
    if len(scripts) > 1:
        return True  # "Universitдt", "Ukrai膕ka", "Fundaciَn"
    if any(_odd_case(part) for part in re.split(r"[’ʼ'‐‑\-–—·.]", core)):
        return True
    if scripts == {"LATIN"}:
        extra = {c for c in core.lower() if c.isalpha() and c not in _BASIC}
        return bool(extra) and not any(extra <= known for known in _alphabets())
    return False


def _core(word: str) -> str:
    """The word without the punctuation before and after it."""
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start])[0] in "PZ":
        start += 1
    while end > start and unicodedata.category(word[end - 1])[0] in "PZ":
        end -= 1
    return word[start:end]


def _odd_case(part: str) -> bool:
    """Capitals where no one writes them: inside a word written in small letters ("tŁŁp",
    "MŹre"), a small letter in a word in capitals ("UNIVERSITšT"), a word in capitals but its
    first letter ("лНЯЙНБЯЙХИ"), small and capital letters taking turns ("ЗбГжУШ").
    Abbreviations write one run of capitals after small letters ("КазНУ", "СПбГУ")."""
    letters = [c for c in part if c.isalpha()]
    upper = [c.isupper() for c in letters]
    if len(letters) < 2 or not any(upper):
        return False
    if len(letters) >= 3 and not upper[0] and all(upper[1:]):
        return True
    if sum(not a and b for a, b in zip(upper, upper[1:], strict=False)) >= 2:
        return True  # "ЗбГжУШ", "ΗαΓζΣΨ" (one capital after small letters is "КазНУ")
    capitals = sum(upper)
    for i, c in enumerate(letters):
        if c < "\x80" or _script(c) != "LATIN":
            continue
        if i and upper[i] and capitals < len(letters) - 1:
            return True  # "tŁŁp", "MŹre"
        if not upper[i] and capitals >= 2 and capitals == len(letters) - 1:
            return True  # "UNIVERSITšT"
    return False


def _generic(mark: str) -> bool:
    """Whether a combining mark belongs to no script (an accent any Latin letter may take)."""
    return unicodedata.name(mark, "").startswith("COMBINING")


@cache
def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith(_EAST_ASIAN):
        return "EAST ASIAN"  # Chinese, Japanese and Korean mix their scripts in one word
    return name.split(" ", 1)[0]


@cache
def _alphabets() -> tuple[frozenset[str], ...]:
    """Each Latin-script language's letters beyond the basic 26 (language-letters.tsv)."""
    rows = _data_rows("language-letters.tsv")
    return tuple(frozenset(r[1].strip()) for r in rows[1:] if len(r) > 1)


@cache
def _known(word: str) -> bool:
    core = _core(word).casefold()
    words, suffixes, runs = _vocabulary()
    if core in words or any(core.endswith(s) for s in suffixes):
        return True
    if runs is not None and runs.search(core) is not None:
        return True
    return core in _country_words()


@cache
def _country_words() -> frozenset[str]:
    """The words above ASCII of every country name in every language pycountry translates
    ISO 3166 into ("Þýskaland", "Німеччина", "イスラエル"): the country column of a list
    is written in its publisher's language (read once per process, in about a second)."""
    import gettext
    import os

    import pycountry

    base = pycountry.LOCALES_DIR
    names = [getattr(c, a) for c in pycountry.countries
             for a in ("name", "official_name", "common_name") if getattr(c, a, None)]
    words: set[str] = set()
    for language in sorted(os.listdir(base)):
        if not os.path.exists(os.path.join(base, language, "LC_MESSAGES", "iso3166-1.mo")):
            continue
        translation = gettext.translation("iso3166-1", base, languages=[language])
        for name in names:
            words.update(w for w in _TEXT_WORD.findall(translation.gettext(name).casefold())
                         if max(w) > "\x7f" and len(w) >= 3)
    return frozenset(words)


# The vocabulary's files whose first column is words a list writes (not codes or letters).
_VOCABULARY = ("agreement-kinds.tsv", "continent-names.tsv", "country-aliases.tsv",
               "country-cldr.tsv", "country-words.tsv", "date-words.tsv", "header-words.tsv",
               "level-words.tsv", "quota-words.tsv", "term-phrases.tsv", "unit-words.tsv")


@cache
def _vocabulary() -> tuple[frozenset[str], tuple[str, ...], re.Pattern[str] | None]:
    """The words above ASCII the vocabulary knows, its compound endings ("*ülikool"), and
    its terms in scripts written without spaces (found inside a run: "北京大学")."""
    words: set[str] = set()
    suffixes: set[str] = set()
    runs: set[str] = set()
    for name in _VOCABULARY:
        for row in _data_rows(name):
            term = row[0].strip().casefold()
            for word in _TEXT_WORD.findall(term.lstrip("*")):
                if max(word) < "\x80" or len(word) < 2:
                    continue
                if _script(word[0]) == "EAST ASIAN":
                    runs.add(word)
                elif term.startswith("*") and len(word) >= 4:
                    suffixes.add(word)
                elif len(word) >= 3:
                    words.add(word)
    pattern = re.compile("|".join(map(re.escape, sorted(runs, key=len, reverse=True)))) \
        if runs else None
    return frozenset(words), tuple(sorted(suffixes)), pattern


def _data_rows(name: str) -> list[list[str]]:
    text = resources.files("exchange_kg").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]
