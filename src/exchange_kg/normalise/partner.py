"""Partner cells -> institution, units, acronym, campus; consortia and lists of several parties.

Partner lists name a partner in many shapes: ``Institution (Unit/Unit)``, ``Institution, Unit,
Unit``, ``Institution – Unit``, ``ACRONYM- Institution``, ``Consortium [A (u), B (u)]``, ``1) A 2)
B``. Which separator means "unit follows" is a property of the document, so the mapping file passes
a ``notation``; ``"auto"`` accepts only splits that the words themselves make obvious.

Decisions (applied the same way in every notation):

* The first piece of a cell names the institution whatever its head word: "Institute of
  Technology Bandung" is an institution, "Institute of Physics" after a separator is a unit.
  The one exception is a unit phrase followed by an institution ("Institute of Catalysis, Polish
  Academy of Sciences"), which is read in that (reversed) order.
* A city after a comma stays part of the institution ("Mohammed V University, Rabat"); only a
  trailing piece that names a *country* is split off, as ``place`` ("... - Równe, Ukraina").
* A unit keeps its own acronym in its name ("Institute for Pure and Applied Mathematics (IPAM)");
  ``acronym`` is always the institution's.
* A member university of a university system is a unit of the system when the notation puts it in
  the unit position ("Vietnam National University, Hanoi (University of Science)", "State
  University of New York, University at Albany"); in comma and dash notation this is flagged
  because such a name also reads as an institution of its own.
* A parenthesis or slash that repeats the name in another language is an alternative name
  (``alt_names``), not a unit ("Instytut Badawczy Przemysłu Naftowego (Research Institute of
  Petroleum Industry)").
* When a split is not clear the whole text stays the institution and a ``unit-split-uncertain``
  flag says why: precision over recall.
* A cell written over several lines (a spreadsheet cell with line breaks) splits at a break
  only where the part above names a body and the line starts what it names: a unit
  ("Universität Stuttgart" / "Fakultät Chemie"), a country, an acronym, a campus, another
  party; every other break is where a long name was broken ("Technische Universität" /
  "München") and joins with a space, as on one line.

Flags (field ``partner``, never withheld: they explain how a published name was read):
``unit-split-uncertain`` (kept whole, or split only because the notation says so),
``possibly-several-parties`` ("A and B Hospital", "A/B"), ``parent-in-name`` ("Institute of X of
the Slovak Academy of Sciences" kept whole), ``truncated`` (a bracket never closed),
``unbalanced-brackets``, ``stray-mark`` (a leading "*" or "-" removed), ``empty``.

The words that mark units and institutions live in ``data/unit-words.tsv``.
"""

from __future__ import annotations

import itertools
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache

import pycountry

from exchange_kg.normalise.country import WORD, countries_in_name, marks_kept, parse_country
from exchange_kg.normalise.erasmus import parse_erasmus_code
from exchange_kg.normalise.kinds import parse_kinds
from exchange_kg.normalise.quota import parse_quota, says_unstated
from exchange_kg.normalise.vocabulary import Vocabulary, active, data_rows, entries
from exchange_kg.records import Flag

NOTATIONS = ("auto", "parentheses", "comma", "dash")
FIELD = "partner"


@dataclass(frozen=True)
class PartyName:
    """One organisation named in a partner cell, split into its parts as written."""

    institution: str  # cleaned institution name as written (no unit, no acronym parens)
    units: tuple[str, ...] = ()  # units of that institution, each cleaned; empty if none
    acronym: str | None = None  # the institution's acronym when given ("KIST", "TU Berlin")
    campus: str | None = None  # "Batangas Campus/Laguna Campus", "Sunway Campus"
    alt_names: tuple[str, ...] = ()  # other names given for the institution (translations ...)
    place: str | None = None  # a trailing location that names a country ("Równe, Ukraina")
    # the name with the country word the cell writes after it ("Texas A&M University,
    # Qatar"), when that word alone was read as the place: a campus abroad is named so, and
    # only evidence from other rows says which (see ``resolve.campus``)
    with_country: str | None = None


@dataclass(frozen=True)
class PartnerValue:
    parties: tuple[PartyName, ...]  # several for a consortium or a "1) ... 2) ..." list
    consortium: str | None = None  # consortium name when the cell is "Name [A (u), B (u)]"
    # notes the cell writes after the name ("suspended", "Master only", "NEW!"): on the row,
    # never in the name (see ``_take_notes``)
    notes: tuple[str, ...] = ()
    # an Erasmus code the cell writes before or after the name ("D  MUNCHEN01 – …"), in its
    # normal form: the partner's code, not a part of its name
    erasmus_code: str | None = None


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]
    kind: str  # unit | institution | campus | place
    type: str
    lang: str
    match: str  # exact | prefix | suffix


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    term: _Term


@dataclass(frozen=True)
class _Lexicon:
    exact: dict[str, tuple[_Term, ...]]  # first word -> terms, longest first
    prefix: tuple[_Term, ...]
    suffix: tuple[_Term, ...]


def _fold(text: str) -> str:
    """Casefold and drop accents so that "Faculté" matches "faculte"."""
    if text.isascii():
        return text.lower()  # the same, without the per-letter work (most names)
    text = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return marks_kept(text).casefold()  # a Thai or Indic vowel sign is a letter


_FOLD_EXTRA = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "þ": "th",
        "’": "'",
        "‘": "'",
    }
)


# An article or preposition elided into the next word: "l'Université", "dell'Università".
_ELISION = re.compile(r"^(?:dell|degl|dall|nell|sull|all|[ldn])['’]")


@lru_cache(maxsize=65536)
def _fold_token(token: str) -> str:
    """A word as the lexicon spells it; cached, since names repeat the same few hundred words."""
    token = _fold(token)
    token = _ELISION.sub("", token)  # l'Université, d'Architecture, dell'Università
    token = re.sub(r"'s$", "", token)
    return token.strip(".,;:!?\"'()[]{}<>*+-–—/")


def _lexicon() -> _Lexicon:
    return _lexicon_of(active())


@lru_cache(maxsize=64)
def _lexicon_of(vocabulary: Vocabulary) -> _Lexicon:
    """The unit words in force: built-in, after the active source's own (which win)."""
    exact: dict[str, list[_Term]] = {}
    prefix: list[_Term] = []
    suffix: list[_Term] = []
    seen: set[tuple[str, str]] = set()
    for entry in entries("units", vocabulary):
        term_text, lang = entry.text, entry.language
        kind, _, type_ = entry.value.partition(":")
        if (term_text.casefold(), lang) in seen and not vocabulary.builtin:
            continue  # overridden by the source's own entry
        seen.add((term_text.casefold(), lang))
        match = (
            "suffix"
            if term_text.startswith("*")
            else "prefix"
            if term_text.endswith("*")
            else "exact"
        )
        words = tuple(_fold_token(w) for w in term_text.strip("*").split())
        term = _Term(words, kind, type_, lang, match)
        if match == "exact":
            exact.setdefault(words[0], []).append(term)
        else:
            (prefix if match == "prefix" else suffix).append(term)
    ordered = {k: tuple(sorted(v, key=lambda t: -len(t.words))) for k, v in exact.items()}
    return _Lexicon(ordered, tuple(prefix), tuple(suffix))


def _match_at(tokens: list[str], i: int) -> _Term | None:
    vocabulary = active()
    lex = _lexicon_of(vocabulary)
    for term in lex.exact.get(tokens[i], ()):
        if tuple(tokens[i : i + len(term.words)]) == term.words:
            return term
    return _affix_term(tokens[i], vocabulary)


@lru_cache(maxsize=65536)
def _affix_term(token: str, vocabulary: Vocabulary) -> _Term | None:
    """The first prefix or suffix term that matches one word (cached: the lists are long)."""
    lex = _lexicon_of(vocabulary)
    for term in lex.prefix:
        if token.startswith(term.words[0]):
            return term
    for term in lex.suffix:
        if token.endswith(term.words[0]) and len(token) > len(term.words[0]):
            return term
    return None


def _hits_in(tokens: list[str]) -> list[_Hit]:
    """Lexicon terms found in folded tokens, left to right, longest match first."""
    hits: list[_Hit] = []
    i = 0
    while i < len(tokens):
        term = _match_at(tokens, i) if tokens[i] else None
        if term is None:
            i += 1
            continue
        hits.append(_Hit(i, i + len(term.words), term))
        i += len(term.words)
    return hits


def _visible(text: str) -> str:
    """The text without parenthesised or quoted spans: those are names, not structure.

    One pass with a stack (a closing bracket closes the innermost open one of its kind only
    if that is the innermost open bracket), so deeply nested brackets cost no more than flat
    ones; each outermost span becomes one space, and an unclosed parenthesis runs to the end.
    """
    if "(" not in text and "[" not in text and '"' not in text:
        return text
    kept: list[str] = []
    opened: list[tuple[str, int]] = []  # (bracket, length of kept when it opened)
    for ch in text:
        if ch in "([":
            opened.append((ch, len(kept)))
            kept.append(ch)
        elif ch in ")]" and opened and opened[-1][0] == _OPENER[ch]:
            _, at = opened.pop()
            del kept[at:]
            kept.append(" ")
        else:
            kept.append(ch)
    text = "".join(kept)
    unclosed = text.rfind("(")
    if unclosed >= 0 and ")" not in text[unclosed:]:
        text = text[:unclosed] + " "  # an unclosed parenthesis runs to the end
    return re.sub(r'"[^"]*"', " ", text)


_OPENER = {")": "(", "]": "["}


def _heads(text: str) -> list[_Hit]:
    return [
        h
        for h in _hits_in([_fold_token(t) for t in _visible(text).split()])
        if h.term.kind in ("unit", "institution")
    ]


# --------------------------------------------------------------------------- small helpers


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_CONJUNCTIONS = _word_set("and & und et i y e oraz")
_PREPOSITIONS = _word_set(
    "of for in on at de des du di del della dei degli da do dos für fur zur der pour d"
)
_PLACE_CONNECTORS = _word_set(
    "de del da do di du la le los las am an der sur en upon st. san santa"
)
_ARTICLES = _word_set("the la le les el il l")
_DASHES = "-–—"


def _tidy(text: str) -> str:
    """Collapse whitespace and trim separators left at either end by a split."""
    text = " ".join(text.split())
    previous = None
    while previous != text:
        previous = text
        text = text.strip(" ,;:/" + _DASHES)
        if text.count('"') % 2 == 1:
            text = text.removeprefix('"') if text.startswith('"') else text.removesuffix('"')
    return text


def _top_level(text: str) -> list[bool]:
    """For each character: is it outside brackets and quotes (and not a bracket itself)?"""
    quotes = text.count('"') % 2 == 0  # an odd quote cannot delimit anything
    mask: list[bool] = []
    depth, in_quote = 0, False
    for ch in text:
        if ch == '"' and quotes:
            in_quote = not in_quote
        elif ch in "([" and not in_quote:
            depth += 1
        elif ch in ")]" and not in_quote:
            depth = max(0, depth - 1)
        mask.append(depth == 0 and not in_quote and ch not in "()[]")
    return mask


def _split_top(text: str, seps: str) -> list[tuple[str, str]]:
    """Split at separator characters outside brackets and quotes: [(separator_before, raw)]."""
    if not any(sep in text for sep in seps):
        return [("", text)]  # most cells: nothing to split, no need to scan the brackets
    parts: list[tuple[str, str]] = []
    sep, start = "", 0
    for i, (ch, top) in enumerate(zip(text, _top_level(text), strict=True)):
        if top and ch in seps:
            parts.append((sep, text[start:i]))
            sep, start = ch, i + 1
    parts.append((sep, text[start:]))
    return parts


@dataclass(frozen=True)
class _Piece:
    core: str  # text before a trailing parenthetical
    paren: str | None  # content of the trailing parenthetical
    truncated: bool  # the parenthetical is never closed
    raw: str


def _piece(raw: str) -> _Piece:
    text = raw.strip()
    if text.endswith(")"):
        depth = 0
        for i in range(len(text) - 1, -1, -1):
            if text[i] == ")":
                depth += 1
            elif text[i] == "(":
                depth -= 1
                if depth == 0:
                    return _Piece(text[:i].strip(), text[i + 1 : -1].strip(), False, text)
        return _Piece(text, None, False, text)
    depth, opened = 0, -1
    for i, ch in enumerate(text):
        if ch == "(":
            opened = i if depth == 0 else opened
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
    if depth > 0 and opened >= 0:
        return _Piece(text[:opened].strip(), text[opened + 1 :].strip(), True, text)
    return _Piece(text, None, False, text)


def _is_acronym(text: str) -> bool:
    """A short token of capitals/digits, possibly with one more word: "KIST", "TU Berlin"."""
    tokens = [t for t in text.split() if t not in _DASHES]
    if not 1 <= len(tokens) <= 2:
        return False
    first = tokens[0]
    if not re.fullmatch(r"[A-Z0-9][A-Za-z0-9&.\-+/]*", first):
        return False
    letters = [c for c in first if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if upper < 2 or upper < 0.6 * len(letters):
        return False
    if len(tokens) == 2:
        second = tokens[1]
        if not (second[:1].isupper() and len(second) <= 15 and second.replace("-", "").isalpha()):
            return False
        if _heads(second):
            return False
    return True


def _country(text: str) -> bool:
    text = re.sub(r"^the\s+", "", text.strip(), flags=re.I)
    if not text or len(text.split()) > 4 or _heads(text):
        return False
    try:
        match = parse_country(text, fuzzy=False)  # type: ignore[call-arg]
    except TypeError:  # a parse_country without the keyword
        match = parse_country(text)
    return match is not None and match.method not in ("fuzzy", "demonym") and match.score >= 90


def _is_place(text: str) -> bool:
    """A short capitalised name with no body word: "Hanoi", "Los Angeles", "College Park"."""
    words = text.split()
    if not 1 <= len(words) <= 4 or any(c.isdigit() for c in text) or "(" in text:
        return False
    if not all(w[:1].isupper() or _fold(w) in _PLACE_CONNECTORS for w in words):
        return False
    if any(_is_acronym(w) for w in words):
        return False
    hits = _hits_in([_fold_token(w) for w in words])
    bodies = [h for h in hits if h.term.kind in ("unit", "institution")]
    if not bodies:
        return True
    last = hits[-1]
    return (
        last.term.kind == "place"
        and last.end == len(words)
        and not any(h.term.kind == "institution" for h in hits)
    )


class _Cat(Enum):
    EMPTY = "empty"
    ACRONYM = "acronym"
    CAMPUS = "campus"
    COUNTRY = "country"
    PLACE = "place"
    UNIT = "unit"
    INST = "institution"
    OTHER = "other"


def _category(text: str) -> _Cat:
    """What a piece of a partner cell names, judged by its words alone."""
    return _category_in(text, active())


@lru_cache(maxsize=65536)
def _category_in(text: str, vocabulary: Vocabulary) -> _Cat:
    """:func:`_category` under one vocabulary (cached: the same pieces, "Faculty of
    Engineering", recur across rows and lists)."""
    text = text.strip()
    if not text:
        return _Cat.EMPTY
    if _is_acronym(text):
        return _Cat.ACRONYM
    tokens = [_fold_token(t) for t in _visible(text).split()]
    if any(h.term.kind == "campus" for h in _hits_in(tokens)):
        return _Cat.CAMPUS
    if _country(text):
        return _Cat.COUNTRY
    if _is_place(text):
        return _Cat.PLACE
    heads = _heads(text)
    if not heads:
        return _Cat.OTHER
    return _Cat.UNIT if heads[-1].term.kind == "unit" else _Cat.INST


def _atom_category(raw: str) -> _Cat:
    """Category of a piece, letting a parenthesised expansion speak for a bare short name."""
    piece = _piece(raw)
    cat = _category(piece.core) if piece.core else _Cat.EMPTY
    if cat in (_Cat.ACRONYM, _Cat.PLACE, _Cat.OTHER, _Cat.EMPTY) and piece.paren:
        inner = _category(piece.paren)
        if inner in (_Cat.UNIT, _Cat.INST):
            return inner
    if cat is _Cat.EMPTY and piece.paren:
        return _category(piece.paren)
    return cat


def _starts_with_unit(text: str) -> bool:
    tokens = [_fold_token(t) for t in _visible(text).split()]
    while tokens and tokens[0] in _ARTICLES:
        tokens = tokens[1:]
    hits = _hits_in(tokens)
    return bool(hits) and hits[0].start == 0 and hits[0].term.kind == "unit"


def names_unit(text: str) -> bool:
    """Whether a piece of a partner cell names a unit ("Faculty of Science", "Wydział ...",
    "École polytechnique de ..."): what tells which separator a list puts before units."""
    return _atom_category(text) is _Cat.UNIT or _starts_with_unit(text)


def _is_bare(text: str) -> bool:
    """Only unit words ("College", "Graduate School"): a name that needs a shared complement."""
    if len(text) > _BARE_CHARS:
        return False  # unit words alone are short; and a growing unit is asked again and again
    tokens = [t for t in (_fold_token(w) for w in text.split()) if t and t not in _ARTICLES]
    hits = _hits_in(tokens)
    covered = sum(h.end - h.start for h in hits if h.term.kind == "unit")
    return bool(tokens) and covered == len(tokens)


_BARE_CHARS = 80


def _has_conjunction(text: str) -> bool:
    return any(w in _CONJUNCTIONS for w in text.split())


def _translation(a: str, b: str) -> bool:
    """Same kind of body named in two languages: "Instytut ..." / "Research Institute ...".

    A head word shared by several languages ("Univerzitet", "Universitet") differs from the
    English one all the same: only two words known to be of one language are no translation."""
    ha, hb = _heads(a), _heads(b)
    if _other_script(a, b, ha, hb) or _other_script(b, a, hb, ha):
        return True
    if not ha or not hb:
        return False
    ta, tb = ha[0].term, hb[0].term
    return ta.type == tb.type and ta.words != tb.words and not ta.lang == tb.lang != "*"


def _other_script(native: str, latin: str, native_heads: list[_Hit],
                  latin_heads: list[_Hit]) -> bool:
    """ "มหาวิทยาลัยเชียงใหม่ (Chiang Mai University)", "Универзитет у Београду / University of
    Belgrade": a name in a script without Latin letters beside an institution's name in
    Latin letters is that institution in two scripts, unless the first names a unit."""
    if not any(c.isalpha() for c in native) or _latin(native) or not _latin(latin):
        return False
    if not any(h.term.kind == "institution" for h in latin_heads):
        return False
    return all(h.term.kind == "institution" for h in native_heads)


def _latin(text: str) -> bool:
    return any(c.isalpha() and (c.isascii() or "LATIN" in unicodedata.name(c, ""))
               for c in text)


def _content_words(text: str) -> list[str]:
    return [w for w in institution_key(text).split() if len(w) > 2]


def _overlap(a: str, b: str) -> float:
    """The share of the proper words the two names have in common. Head words ("Universidad",
    "Institute") do not count: "Universidad de Chile / Universidad de Santiago" shares only
    one, and names two universities, not one in two spellings."""
    heads = {institution_key(w) for text in (a, b) for h in _heads(text) for w in h.term.words}
    wa, wb = set(_content_words(a)) - heads, set(_content_words(b)) - heads
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def _short_form(a: str, b: str) -> bool:
    """Whether one name abbreviates the other: each word of the shorter is a word of the
    longer, the start of one ("Tech" of "Technology") or the initials of several ("ETH" of
    "Eidgenössische Technische Hochschule"), in order, at least one abbreviated: "Tokyo Tech" /
    "Tokyo Institute of Technology", "ETH Zürich" / "Eidgenössische Technische Hochschule
    Zürich". A place alone ("Kyoto") abbreviates nothing."""
    short, long = sorted((a, b), key=lambda t: len(t.split()))
    words = [_fold_token(w) for w in long.split()]
    words = [w for w in words if w and w not in _CONNECTORS]
    j, abbreviated = 0, False
    for raw in short.split():
        word = _fold_token(raw)
        if not word:
            continue
        if j < len(words) and word == words[j]:
            j += 1
            continue
        capitals = raw.isalpha() and raw.isupper() and 2 <= len(raw) <= 6
        found = False
        for k in range(j, len(words)):
            if len(word) >= 3 and words[k].startswith(word) and words[k] != word:
                j, found = k + 1, True
                break
            n = len(word)
            if capitals and "".join(w[:1] for w in words[k:k + n]) == word:
                j, found = k + n, True
                break
        if not found:
            return False
        abbreviated = True
    return abbreviated and len(short.split()) >= 2


# --------------------------------------------------------------------------- draft of one party


@dataclass
class _Draft:
    institution: str = ""
    units: list[str] = field(default_factory=list)
    acronym: str | None = None
    campus: list[str] = field(default_factory=list)
    alt_names: list[str] = field(default_factory=list)
    place: str | None = None
    place_mark: str | None = None  # how the cell sets the place off: ", ", " – ", "()"
    campus_mark: str | None = None  # how it sets the campus off, likewise

    def add_acronym(self, text: str) -> None:
        text = _tidy(text)
        if self.acronym is None:
            self.acronym = text
        elif text != self.acronym and text not in self.alt_names:
            self.alt_names.append(text)

    def build(self) -> PartyName:
        units: list[str] = []
        for unit in (_tidy(u) for u in self.units):
            if unit and unit not in units:
                units.append(unit)
        campus = ", ".join(c for c in (_tidy(c) for c in self.campus) if c) or None
        alts = tuple(dict.fromkeys(a for a in (_tidy(a) for a in self.alt_names) if a))
        institution = _tidy(self.institution)
        place = _tidy(self.place) if self.place else None
        with_country = _with_country(institution, place, self.place_mark)
        if with_country is None and place is None and campus and len(self.campus) == 1 \
                and countries_in_name(campus):
            with_country = _written(institution, campus, self.campus_mark)
        return PartyName(institution, tuple(units), self.acronym, campus, alts, place,
                         with_country)


def _with_country(institution: str, place: str | None, mark: str | None) -> str | None:
    """The name as the cell writes it with its place, when the place is a country alone."""
    if not place or "," in place or parse_country(place, fuzzy=False) is None:
        return None
    return _written(institution, place, mark)


def _written(institution: str, qualifier: str, mark: str | None) -> str | None:
    if not institution or not mark:
        return None
    return f"{institution} ({qualifier})" if mark == "()" else f"{institution}{mark}{qualifier}"


def _flag(flags: list[Flag], code: str, message: str, value: str | None) -> None:
    flag = Flag(FIELD, code, message, value)
    if flag not in flags:
        flags.append(flag)


# --------------------------------------------------------------------------- cleaning


# Brackets of CJK lists: fullwidth round and square ones, lenticular 【】 and tortoise-shell
# 〔〕, around another name, an acronym or a city as round brackets are ("Seoul National
# University〔SNU〕", "國立臺灣大學【National Taiwan University】")
_CJK_BRACKETS = str.maketrans({"（": " (", "）": ") ", "【": " (", "】": ") ", "〔": " (",
                               "〕": ") ", "［": " (", "］": ") "})


def _clean(text: str, flags: list[Flag]) -> str:
    """Whitespace, stray marks and quotes, OCR spacing around brackets, trailing punctuation."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace('""', '"')
    text = re.sub(r"[“”„]", '"', text)
    text = text.translate(_CJK_BRACKETS)  # fullwidth and lenticular, as CJK lists write them
    text = " ".join(text.split())
    stripped = re.sub(r"^(?:[*•·]\s*|-\s+)+", "", text)
    if stripped != text:
        _flag(flags, "stray-mark", "a list or waiver mark before the name was removed", text)
        text = stripped
    footnoted = re.sub(r"(?<=[\w)])\s?(?:[*\u2020\u2021\u203b\uff0a]+\d?|"
                       r"[\u00b9\u00b2\u00b3\u2070-\u2079]+)$", "", text)
    if footnoted != text:
        # "Universität Jena*", "Universitatea Babeș-Bolyai¹": the mark calls a footnote of
        # the document; as part of the name it would make the institution another IRI
        _flag(flags, "footnote-mark", "a footnote mark after the name was removed; the "
              "document's note says what it means", text)
        text = footnoted
    text = _tidy(text)
    if text.startswith('"') and text.endswith('"') and text.count('"') == 2:
        text = text[1:-1]  # the whole cell quoted, as a spreadsheet export does
    text = re.sub(r"(?<=[^\s(\[/])\(", " (", text)  # "Bandung(Graduate School)"
    text = re.sub(r"\)(?=[^\s)\],.;:/])", ") ", text)
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))
    text = re.sub(r"\s+,", ",", text)
    text = _balance_close(text, flags)
    text = _tidy(text)
    return _strip_final_period(text)


def _balance_close(text: str, flags: list[Flag]) -> str:
    """Drop closing brackets that close nothing (a cell cut from the previous line's text)."""
    out: list[str] = []
    depth = 0
    dropped: set[str] = set()
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0 and ch == ")" and _list_number_before(text, i):
                out.append(ch)  # a list marker: "1) ... 2) ..."
                continue
            if depth == 0:
                if ch not in dropped:  # one flag per kind of bracket, however many
                    dropped.add(ch)
                    _flag(
                        flags,
                        "unbalanced-brackets",
                        f"a closing {ch!r} without an opening one was dropped; the cell may "
                        "be the tail of a longer name",
                        text,
                    )
                continue
            depth -= 1
        out.append(ch)
    return "".join(out)


def _list_number_before(text: str, i: int) -> bool:
    r"""Whether ``text[:i]`` ends in a one- or two-digit number standing alone ("... 2")
    (the regex ``(?:^|\s)\d{1,2}$``, looking back from ``i`` rather than scanning)."""
    for width in (1, 2):
        start = i - width
        if start < 0 or not text[start:i].isdecimal():
            return False
        if start == 0 or text[start - 1].isspace():
            return True
    return False


def _strip_final_period(text: str) -> str:
    """A final "." after a long word is punctuation; after "CO." or "e.V." it is the name's.

    The last word is found from the end (a regex search for it would retry from every
    position of a long word: quadratic in its length).
    """
    if not text.endswith(".") or len(text) < 2 or text[-2].isspace():
        return text
    word = text[:-1].rsplit(None, 1)[-1]
    if len(word) >= 4 and "." not in word and word.isalpha() and not _abbreviated_head(word):
        return text[:-1]
    return text


def _abbreviated_head(word: str) -> bool:
    """ "Univ" of "Kyoto Univ.", "Inst": a head word cut short, whose period is the name's."""
    folded = _fold_token(word)
    return any(w.startswith(folded) and w != folded for w in _head_words(active()))


@lru_cache(maxsize=64)
def _head_words(vocabulary: Vocabulary) -> frozenset[str]:
    """The single words that head institutions and units, as the lexicon spells them."""
    lex = _lexicon_of(vocabulary)
    return frozenset(t.words[0] for terms in lex.exact.values() for t in terms
                     if len(t.words) == 1 and t.kind in ("unit", "institution"))


# --------------------------------------------------------------------------- public API


def parse_partner(text: str, notation: str = "auto", *, by_line: bool = False
                  ) -> tuple[PartnerValue, list[Flag]]:
    """Split a partner cell into parties (institution, units, acronym, campus) and flags.

    ``notation`` says which separator the source uses to attach units: "parentheses",
    "comma", "dash", or "auto" (only splits the words make obvious). ``by_line``: the row
    says that each line of the cell is a party of its own (see :func:`_by_line`). The build
    asks for the same cell several times (country evidence, then normalisation), so results
    are cached; each caller gets its own flag list.
    """
    value, flags = _parse_partner_cached(text, notation, by_line, active())
    return value, list(flags)


@lru_cache(maxsize=65536)
def _parse_partner_cached(text: str, notation: str, by_line: bool, vocabulary: Vocabulary
                          ) -> tuple[PartnerValue, tuple[Flag, ...]]:
    flags: list[Flag] = []
    value = _by_line(text, notation, flags) if by_line else None
    if value is None:
        value, flags = _parse_partner(text, notation)
    return _quotes_restored(value, text), tuple(flags)


def _by_line(text: str, notation: str, flags: list[Flag]) -> PartnerValue | None:
    """A cell of institutions on lines of their own, beside a country cell naming another
    country on each line ("Universität des Saarlandes" / "Universidad de Zaragoza" beside
    "Allemagne" / "Espagne"): one party per line. Read as a name and its other name, the
    second was published as the first's, two institutions in one. None when a line does not
    start with an institution's name (a unit, the rest of a name): read as usual."""
    lines = cell_lines(text)
    if not 1 < len(lines) <= MAX_CELL_LINES:
        return None
    for line in lines:
        first = _split_top(line, ",;:/")[0][1].strip()
        if _atom_category(first) is not _Cat.INST or _starts_with_unit(first):
            return None
    values = [_parse_line(line, notation, flags) for line in lines]
    if any(v.consortium is not None for v in values):
        flags.clear()
        return None
    return PartnerValue(tuple(p for v in values for p in v.parties))


# A span in typographic quotes: „…” (Romanian, Bulgarian, Polish, German), “…” (English)
_TYPOGRAPHIC_QUOTED = re.compile(r"([“„])([^“”„\"]*)([”“])")


def _quotes_restored(value: PartnerValue, text: str) -> PartnerValue:
    """The parties with the quotes the cell wrote: the parser reads every quote as '"', but
    a label keeps the source's spelling ('Universitatea „Ștefan cel Mare”')."""
    spans = {" ".join(m[2].split()): (m[1], m[3])
             for m in _TYPOGRAPHIC_QUOTED.finditer(unicodedata.normalize("NFC", text))}
    if not spans:
        return value

    def restored(name: str) -> str:
        def one(m: re.Match[str]) -> str:
            opening, closing = spans.get(m[1], ('"', '"'))
            return f"{opening}{m[1]}{closing}"
        return re.sub(r'"([^"]*)"', one, name)

    def opt(name: str | None) -> str | None:
        return restored(name) if name else name

    parties = tuple(replace(p, institution=restored(p.institution),
                            units=tuple(map(restored, p.units)), campus=opt(p.campus),
                            alt_names=tuple(map(restored, p.alt_names)), place=opt(p.place),
                            with_country=opt(p.with_country))
                    for p in value.parties)
    return PartnerValue(parties, opt(value.consortium), value.notes, value.erasmus_code)


# A cell of more lines than a name, its units and its place take is read as one line: each
# line is weighed against all the text above it, which must not grow without bound.
MAX_CELL_LINES = 12


def _parse_partner(text: str, notation: str) -> tuple[PartnerValue, list[Flag]]:
    if notation not in NOTATIONS:
        raise ValueError(f"unknown partner notation {notation!r} (known: {', '.join(NOTATIONS)})")
    flags: list[Flag] = []
    lines = cell_lines(text)
    if 1 < len(lines) <= MAX_CELL_LINES:
        value = _read_lines(lines, notation, flags)
        if value is not None:
            return value, flags
        flags.clear()
        text = " ".join(lines)  # lines that cannot be read apart: read as one line
    return _parse_line(text, notation, flags), flags


def _parse_line(text: str, notation: str, flags: list[Flag]) -> PartnerValue:
    """A cell's text as one line: its parties, or its consortium's."""
    cleaned = _clean(text, flags)
    if not any(c.isalnum() for c in cleaned) or says_unstated(cleaned):
        _flag(flags, "empty", "the partner cell names nothing", text)
        return PartnerValue(())
    cleaned, code = _take_code(cleaned, flags)
    cleaned, notes = _take_notes(cleaned, flags)
    if code is None:
        cleaned, code = _take_code(cleaned, flags)  # "Universität Wien (A  WIEN01) (neu)"
    items = _numbered_items(cleaned) or _listed_items(cleaned)
    if items:
        parties = tuple(p for item in items for p in _parse_parties(item, notation, flags))
        return PartnerValue(parties, notes=notes, erasmus_code=code)
    consortium = _consortium(cleaned, notation, flags) or _network(cleaned, notation, flags)
    if consortium is not None:
        return replace(consortium, notes=notes, erasmus_code=code)
    return PartnerValue(tuple(_parse_parties(cleaned, notation, flags)), notes=notes,
                        erasmus_code=code)


_ERASMUS = r"([A-Z]{1,3}\s+[A-Z](?:[A-Z-]*[A-Z])?\s*\d{2,3})"
_LEADING_CODE = re.compile(r"^" + _ERASMUS + r"(?:\s*[-–—,:]\s*|\s+)(?=\S)")
_TRAILING_CODE = re.compile(r"\s*(?:[-–—,]\s*|\(\s*)" + _ERASMUS + r"\s*\)?$")


def _take_code(text: str, flags: list[Flag]) -> tuple[str, str | None]:
    """The cell without the Erasmus code it writes before the name ("D  MUNCHEN01 –
    Ludwig-Maximilians-Universität München", "F PARIS004 Sorbonne Université") or after it
    ("Universität Wien (A  WIEN01)"), and the code in its normal form. Only a code of a
    country the programme knows is one; kept in the name, it made the institution one no
    other list shares, and its country went unread."""
    for pattern in (_LEADING_CODE, _TRAILING_CODE):
        found = pattern.search(text)
        if found is None:
            continue
        if pattern is _TRAILING_CODE and found[0].lstrip().startswith("(") \
                and not found[0].rstrip().endswith(")"):
            continue
        code, _ = parse_erasmus_code(found[1])
        rest = text[found.end():] if pattern is _LEADING_CODE else text[:found.start()]
        if code is None or code.country is None or not any(c.isalpha() for c in rest):
            continue
        _flag(flags, "erasmus-code-in-name", f"the Erasmus code {code.code!r} written in the "
              "partner cell is the partner's code, not a part of its name", found[1])
        return _tidy(rest), code.code
    return text, None


# a web address after the name, bare or in brackets: "… https://www.uib.no", "… (www.uib.no)",
# "… (kuleuven.be)"
_ADDRESS = re.compile(r"\s*(?:(?:https?://|www\.)[^\s()\[\]]+|[(\[]\s*(?:(?:https?://|www\.)"
                      r"[^\s()\[\]]+|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}/?)\s*[)\]])$",
                      re.IGNORECASE)


def _take_notes(text: str, flags: list[Flag]) -> tuple[str, tuple[str, ...]]:
    """The cell without what it writes after the name that is no part of it, and the notes
    among that. A link's text or address ("[Link]", "(website)", "– website", "(www.uib.no)")
    is dropped: the page the link leads to is no party and no part of a name. A note on the
    agreement ("(suspended)", "(NEW!)", "(Master only)", "(2 x 5 months)") is kept as a note,
    for the row's status to be read from it. Left in the name, each made the institution one
    of its own, an IRI no other row or registry shares."""
    notes: list[str] = []
    while True:
        address = _ADDRESS.search(text)
        if address is not None and any(c.isalpha() for c in text[:address.start()]):
            _flag(flags, "link-text", f"a web address after the name "
                  f"({address.group().strip()!r}) was removed", text)
            text = _tidy(text[:address.start()]).rstrip(" -–—,;:")
            continue
        part = _trailing_part(text)
        if part is None:
            break
        start, content = part
        kind = _note_kind(content)
        rest = _tidy(text[:start]).rstrip(" -–—,;:")
        if kind is None or not any(c.isalpha() for c in rest):
            break
        if kind == "link":
            _flag(flags, "link-text", f"a link's text after the name ({content!r}) was "
                  "removed", text)
        else:
            _flag(flags, "partner-note", f"{content!r} after the name is a note on the "
                  "agreement, not a part of the name", content)
            notes.insert(0, content)
        text = rest
    return text, tuple(notes)


def _trailing_part(text: str) -> tuple[int, str] | None:
    """(where it starts, its text) of the last bracket closing the cell, or else of the part
    after its last top-level spaced dash."""
    text = text.rstrip()
    if text.endswith((")", "]")):
        depth = 0
        for i in range(len(text) - 1, -1, -1):
            if text[i] in ")]":
                depth += 1
            elif text[i] in "([":
                depth -= 1
                if depth == 0:
                    return i, text[i + 1:-1].strip()
        return None
    mask = _top_level(text)
    dashes = [m for m in re.finditer(r"\s[-–—]\s", text) if all(mask[m.start():m.end()])]
    if not dashes:
        return None
    return dashes[-1].start(), text[dashes[-1].end():].strip()


@lru_cache(maxsize=1)
def _note_words() -> dict[str, frozenset[str]]:
    """meaning -> the words (folded) of ``partner-note-words.tsv``."""
    found: dict[str, set[str]] = {}
    for word, meaning, *_ in data_rows("partner-note-words.tsv"):
        found.setdefault(meaning, set()).add(" ".join(_fold(word).split()))
    return {meaning: frozenset(words) for meaning, words in found.items()}


def _note_kind(content: str) -> str | None:
    """What a trailing part is when it is no part of the name: "link", "new", "only",
    "status", "places"; None when it may be (an acronym, a place, a unit, another name)."""
    if not content or not any(c.isalpha() for c in content) or _heads(content):
        return None
    words = _note_words()
    folded = " ".join(_fold(content).strip(" !.:*").split())
    if folded in words.get("link", ()):
        return "link"
    if folded in words.get("new", ()):
        return "new"
    tokens = content.split()
    if _fold(tokens[0]) in words.get("ended", ()) \
            and not any(c.isalpha() for t in tokens[1:] for c in t):
        return "status"  # "(Closed)", "(ended 2025)"
    if _is_acronym(content) or _category(content) is not _Cat.OTHER:
        return None
    if len(tokens) <= 5 and any(t == t.lower() and _fold(t) in words.get("only", ())
                                for t in (tokens[0], tokens[-1])):
        return "only"  # "Master only", "nur Jura"; never "Kun Shan"
    if parse_kinds(content)[0].status is not None:
        return "status"  # "(suspended)", "(under negotiation)"
    quota = parse_quota(content)[0]
    if quota is not None and quota.places:
        return "places"
    return None


@lru_cache(maxsize=1 << 17)
def institution_key(name: str) -> str:
    """A comparison key for institution names within one source.

    Spelling variants that carry no meaning (case, accents, articles, punctuation, "&", "Univ.")
    must not make two rows name two institutions; real typos are left to the matcher. Cached:
    merging keys every agreement several times, by the same few names.
    """
    text = unicodedata.normalize("NFKC", name)
    text = _fold(text).replace("&", " and ")
    text = re.sub(r"\buniv\b\.?", "university", text)
    text = re.sub(r"^\W*(?:the\s+|la\s+|l\s*')", "", text)
    text = re.sub(r"['`´]", "", text)
    return " ".join(WORD.findall(text))


# --------------------------------------------------------------------------- line breaks

# What ends a line inside a cell: a spreadsheet's or a word processor's line break, a Unicode
# line or paragraph separator (the readers deliver a cell's lines joined by U+2028).
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")
_LINE_MARK = re.compile(r"^(?:[*•·]\s*|[-–—]\s+)+")  # a list mark starting a line
_OPENS_NOTHING = ",;:/&+(" + _DASHES  # a line ending in one of these goes on: the mark says how


def cell_lines(text: str) -> list[str]:
    """The lines of a cell written over several lines, blank ones dropped."""
    if not _LINE_BREAKS.search(text):
        return [text]
    return [line.strip() for line in _LINE_BREAKS.split(text) if line.strip()]


@dataclass
class _Lined:
    """One party of a cell written over several lines: its name's lines, then what the later
    lines add to it. ``last`` is the part a continuation line continues."""

    name: str
    units: list[str] = field(default_factory=list)
    place: str | None = None
    acronym: str | None = None
    campus: list[str] = field(default_factory=list)
    alt_names: list[str] = field(default_factory=list)
    last: str = "name"  # "name" | "unit"

    def added(self) -> bool:
        return bool(self.units or self.place or self.acronym or self.campus or self.alt_names)

    def part(self) -> str:
        return self.units[-1] if self.last == "unit" else self.name

    def go_on(self, line: str) -> None:
        """Append a line to the part it continues, as the rest of that part's name."""
        if self.last == "unit":
            self.units[-1] = f"{self.units[-1]} {line}"
        else:
            self.name = f"{self.name} {line}"


def _read_lines(lines: list[str], notation: str, flags: list[Flag]) -> PartnerValue | None:
    """Read a cell whose lines say where its parts start; None when they cannot be read
    apart (a numbered list, a consortium among parties), to be read joined as one line.

    A line break is also where a long name was broken ("Universidad Nacional de" /
    "Educación a Distancia"), so a line starts a part of its own only when the part above
    is complete (its last piece names a body, "Universität Stuttgart"; not "Sichuan
    University, West" nor "Akita University Graduate") and the line's first piece says what
    it is: a unit that starts or ends with its unit word ("Fakultät Chemie", "School of
    Law", "Gépészmérnöki Kar", "工学部"), a country (where the party is), an acronym, a
    campus, or another institution (another party after units, or the same institution in
    another language: "Uniwersytet Warszawski" / "University of Warsaw"). Anything else,
    and any line inside brackets, after a separator or a connecting word, or starting in
    lower case, continues the line above: "Technische Universität" / "München" is one
    name, and so is "Université Paris" / "Cité".
    """
    if _numbered_items(" ".join(" ".join(lines).split())):
        return None  # "1) A" / "2) B": the numbers say where the parties start
    parties = [_Lined(lines[0])]
    depth = _depth(0, lines[0])
    for line in lines[1:]:
        if depth > 0:
            parties[-1].go_on(line)  # inside brackets: the bracket says what it is
        else:
            _add_line(parties, line, flags)
        depth = _depth(depth, line)
    if len(parties) == 1 and not parties[0].added():
        return _parse_line(parties[0].name, notation, flags)
    read: list[PartyName] = []
    for lined in parties:
        value = _parse_line(lined.name, notation, flags)
        if value.consortium is not None and len(parties) > 1:
            return None
        if lined.added() and len(value.parties) != 1:
            return None  # nothing to attach the lines to unambiguously
        read.extend(_with_lines(p, lined, flags) for p in value.parties)
    return PartnerValue(tuple(read), None)


def _depth(depth: int, text: str) -> int:
    """How many brackets are open after ``text``, ``depth`` being open before it (a closing
    bracket that closes nothing is ignored)."""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
    return depth


def _add_line(parties: list[_Lined], line: str, flags: list[Flag]) -> None:
    party = parties[-1]
    text = _LINE_MARK.sub("", line)
    if not text or _goes_on(party.part(), line) or not _complete(party.part()):
        party.go_on(line)
        return
    first = _split_top(text, ",;:/")[0][1].strip()
    cat = _category(first)
    if (_category(text) is _Cat.COUNTRY or _names_country(text)) and not _ends_in_head(party):
        party.place = text if party.place is None else f"{party.place}, {text}"
    elif cat is _Cat.CAMPUS:
        party.campus.append(text)
    elif _category(text) is _Cat.ACRONYM and party.last == "name" and party.acronym is None:
        party.acronym = text
    elif _only_head_words(first):
        party.go_on(line)  # "Hospital", "Graduate School": the rest of the name above
    elif cat is _Cat.INST and not _starts_with_unit(first):
        _institution_line(parties, line, flags)
    elif _starts_with_unit(first) or (cat is _Cat.UNIT and _ends_in_unit_word(first)):
        party.units.append(text)
        party.last = "unit"
    else:
        if party.last == "unit" and not _names_unit_anywhere(text):
            _flag(
                flags,
                "unit-split-uncertain",
                f"{text!r} on a line of its own names no unit type; kept in the unit's name",
                text,
            )
        party.go_on(line)


def _institution_line(parties: list[_Lined], line: str, flags: list[Flag]) -> None:
    """A line naming an institution after a party's lines: the institution a unit above
    belongs to ("Faculty of Chemistry" / "University of Warsaw", read as on one line with a
    comma), another party when units say where each party ends ("A" / "unit" / "B") or when
    both lines name a body of one kind in one language ("Universität Bern" / "Universität
    Basel": read as one name, an institution nobody names), the party's name in another
    language, else (as "A / B" on one line) kept in the name,
    flagged: it may be the rest of a name broken over two lines ("Guangdong Polytechnic" /
    "Normal University")."""
    party = parties[-1]
    text = _LINE_MARK.sub("", line)
    if not party.added() and _starts_with_unit(party.name) \
            and _category(party.name) is _Cat.UNIT:
        party.name = f"{party.name}, {text}"
    elif party.units or _namesakes([party.name, text]):
        parties.append(_Lined(text))
    elif _translation(party.name, text) or _overlap(party.name, text) >= 0.5:
        party.alt_names.append(text)
    else:
        _flag(
            flags,
            "possibly-several-parties",
            "a line break separates two institution names; kept as one name",
            f"{party.name} / {text}",
        )
        party.go_on(line)


def _goes_on(part: str, line: str) -> bool:
    """Whether a line carries on the part above: it starts in lower case or with a bracket,
    the part above ends in a separator or a connecting word ("of", "de", "and"), or a
    unit word runs over the break ("Graduate" / "School of ...")."""
    if line[:1].islower() or line[:1] in "([)]" or part[-1:] in _OPENS_NOTHING:
        return True
    above = [_fold_token(w) for w in part.split()]
    if above and above[-1] in _CONJUNCTIONS | _PREPOSITIONS | _ARTICLES:
        return True
    below = [_fold_token(w) for w in line.split()]
    return any(h.start < len(above) < h.end for h in _hits_in(above[-3:] + below))


def _complete(part: str) -> bool:
    """Whether the last piece of a part names a body of its own, so that the next line can
    be a part of it rather than the rest of its name: a head word with a name that does not
    go on after it ("Tianjin Medical University and TEDA" does), or a one-word acronym."""
    last = _split_top(part, ",;:/")[-1][1].strip()
    if len(last.split()) == 1 and _is_acronym(last):
        return True
    tokens = [_fold_token(w) for w in _visible(last).split()]
    heads = _heads(last)
    if not heads or _only_head_words(last):
        return False
    after = tokens[heads[-1].end :]
    return not (after and after[0] in _CONJUNCTIONS)


def _ends_in_unit_word(text: str) -> bool:
    """ "Gépészmérnöki Kar", "Medical School", "工学部": the unit word closes the name (not
    "Emilia Department of Dermatology", the rest of a name and a unit run together)."""
    tokens = [_fold_token(w) for w in _visible(text).split()]
    hits = _hits_in(tokens)
    return bool(hits) and hits[-1].term.kind == "unit" and hits[-1].end == len(tokens)


def _names_unit_anywhere(text: str) -> bool:
    return any(h.term.kind == "unit" for h in _heads(text))


def _ends_in_head(party: _Lined) -> bool:
    """ "National University" / "Singapore": a country under a name that ends in its head word
    may be the end of the name; read as one."""
    if party.last != "name" or party.added():
        return False
    words = _visible(party.name).split()
    hits = _hits_in([_fold_token(w) for w in words])
    return bool(hits) and hits[-1].end == len(words) and hits[-1].term.kind != "place"


def _only_head_words(text: str) -> bool:
    """ "Universidad", "Graduate School", "Hospital": head words with no name."""
    tokens = [
        t
        for t in (_fold_token(w) for w in _visible(text).split())
        if t and t not in _ARTICLES and t not in _PREPOSITIONS
    ]
    hits = _hits_in(tokens)  # a suffix match ("東京大学", "Musikhochschule") holds a name
    covered = sum(
        h.end - h.start
        for h in hits
        if h.term.kind in ("unit", "institution") and h.term.match != "suffix"
    )
    return bool(tokens) and covered == len(tokens)


def _with_lines(party: PartyName, lined: _Lined, flags: list[Flag]) -> PartyName:
    """A party read from its name's lines, with the units, place, acronym, campus and other
    names its later lines gave."""
    draft = _Draft(
        party.institution,
        list(party.units),
        party.acronym,
        [party.campus] if party.campus else [],
        [*party.alt_names, *lined.alt_names],
        party.place,
    )
    for unit in lined.units:
        _split_units(_clean(unit, flags), False, draft, flags)
    draft.campus.extend(lined.campus)
    if lined.acronym:
        draft.add_acronym(lined.acronym)
    if lined.place:
        draft.place = lined.place if draft.place is None else f"{draft.place}, {lined.place}"
    if lined.units:
        draft.institution = re.sub(r"['’]s$", "", draft.institution)  # "X's" / "College of Y"
    return draft.build()


# --------------------------------------------------------------------------- several parties


def _numbered_items(text: str) -> list[str] | None:
    """ "1) A 2) B" -> ["A", "B"] when the numbers run 1, 2, ... from the start."""
    if not re.match(r"1\)\s", text):
        return None
    parts = re.split(r"(?:^|\s)(\d{1,2})\)\s+", text)
    numbers, items = parts[1::2], parts[2::2]
    if len(items) < 2 or numbers != [str(n) for n in range(1, len(items) + 1)] or parts[0].strip():
        return None
    return [item.strip() for item in items]


def _listed_items(text: str) -> list[str] | None:
    """ "A; B" -> ["A", "B"] when a top-level semicolon separates institutions, each named
    with an institution's head word: no institution's name holds a semicolon. A piece that
    is a unit ("Universidad X; Facultad de Derecho") leaves the cell to the unit rules."""
    pieces = [raw.strip() for _, raw in _split_top(text, ";")]
    pieces = [p for p in pieces if p]
    if len(pieces) < 2:
        return _namesakes_listed(text)
    if not all(_atom_category(_split_top(p, ",")[0][1]) is _Cat.INST for p in pieces):
        return None
    return pieces


def _namesakes_listed(text: str) -> list[str] | None:
    """ "Universität Bern / Universität Basel": names of one kind of body in one language
    between slashes, each with its own institution word and no proper word in common, are
    several institutions (published as one, named by the cell, they were an institution
    nobody names); two languages' names of one body ("Tartu Ülikool / University of Tartu")
    are one. Between commas the names must also be written alike, their institution word
    first in all or last in all ("Universiteit Leiden, Universiteit Utrecht"): "State
    University of New York, University at Albany" is a campus of a system, left to the unit
    rules."""
    pieces = [raw.strip() for _, raw in _split_top(text, "/")]
    if len(pieces) >= 2 and all(pieces):
        return pieces if _namesakes(pieces) else None
    pieces = [raw.strip() for _, raw in _split_top(text, ",")]
    if len(pieces) < 2 or not all(pieces) or not _namesakes(pieces):
        return None
    return pieces if _written_alike(pieces) else None


def _written_alike(pieces: list[str]) -> bool:
    """Whether each name starts with its institution word, or each ends with it."""
    sizes = [len(_visible(p).split()) for p in pieces]
    heads = [_heads(p)[0] for p in pieces]
    return all(h.start == 0 for h in heads) or all(
        h.end == n for h, n in zip(heads, sizes, strict=True))


def _namesakes(pieces: list[str]) -> bool:
    """Whether names are of several bodies of one kind in one language: each starts with its
    own institution word, the same word in all, and no two share a proper word ("Universität
    Bern", "Universität Basel"). One body's names in two languages differ in that word."""
    heads = [_heads(p) for p in pieces]
    if not all(h and h[0].term.kind == "institution" and _atom_category(p) is _Cat.INST
               for p, h in zip(pieces, heads, strict=True)):
        return False
    return len({h[0].term.words for h in heads}) == 1 and all(
        _overlap(a, b) == 0 for k, a in enumerate(pieces) for b in pieces[k + 1:])


def _consortium(text: str, notation: str, flags: list[Flag]) -> PartnerValue | None:
    """ "Name [A (unit), B (unit)]" -> one party per member, named consortium."""
    opened = text.find("[")
    if opened < 0:
        return None
    depth, closed = 0, -1
    for i in range(opened, len(text)):
        if text[i] == "[":
            depth += 1
        elif text[i] == "]":
            depth -= 1
            if depth == 0:
                closed = i
                break
    if closed >= 0 and text[closed + 1 :].strip():
        return None  # brackets inside a longer name: not a member list
    body = text[opened + 1 : closed] if closed >= 0 else text[opened + 1 :]
    if closed < 0:
        _flag(flags, "truncated", "the consortium's member list is never closed", text)
    name = _tidy(text[:opened]) or None
    if name is None:
        _flag(
            flags,
            "unit-split-uncertain",
            "a bracketed list of members without a consortium name",
            text,
        )
    members = _members(body)
    if len(members) < 2 and name is not None and closed >= 0:
        # "Kyoto University [1]", "University of Leeds [terminated]": one item in square
        # brackets is a note on the name (a footnote, a status, an acronym), no member list;
        # a consortium of one member is none, and the item no institution
        _flag(flags, "footnote-mark", f"a note in square brackets after the name "
              f"({text[opened:closed + 1]!r}) was removed; the name is read without it", text)
        return PartnerValue(tuple(_parse_parties(name, notation, flags)))
    parties = tuple(p for m in members for p in _parse_parties(m, notation, flags))
    return PartnerValue(parties, name)


def _network(text: str, notation: str, flags: list[Flag]) -> PartnerValue | None:
    """ "Nordplus-verkosto NordTEN: Tartu Ülikool, Latvijas Universitāte, Vilniaus
    universitetas": a name that is no institution's, a colon, and two or more institutions,
    each named with its own head word, are a network and its members, never one institution
    named by the whole cell. A country before the colon is a heading, not a network."""
    mask = _top_level(text)
    at = next((i for i, ch in enumerate(text) if ch == ":" and mask[i]), None)
    if at is None:
        return None
    name, body = _tidy(text[:at]), text[at + 1 :]
    if not name or _heads(name) or _country(name):
        return None
    members = [_tidy(m) for _, m in _split_top(body, ",")]
    if len(members) < 2 or not all(m and _atom_category(m) is _Cat.INST for m in members):
        return None
    return PartnerValue(tuple(p for m in members for p in _parse_parties(m, notation, flags)),
                        name)


def _members(body: str) -> list[str]:
    """Members are comma-separated; a piece without a body word continues the previous one."""
    members: list[list[str]] = []  # parts of each member (joined once: no quadratic +=)
    for sep, raw in _split_top(body, ","):
        piece = _piece(raw)
        if members and not _heads(piece.core):
            members[-1] += [sep, raw]
        else:
            members.append([raw])
    joined = ("".join(parts).strip() for parts in members)
    return [m for m in joined if m]


def _parse_parties(text: str, notation: str, flags: list[Flag]) -> list[PartyName]:
    """One party, or two when a top-level slash separates two institutions with units."""
    segments = _split_top(text, "/")
    names = _one_in_several_names([raw.strip() for _, raw in segments], flags)
    if names is not None:
        party = _parse_party(names[0], notation, flags)
        return [replace(party, alt_names=(*party.alt_names, *map(_tidy, names[1:])))]
    if len(segments) == 2:
        left, right = segments[0][1].strip(), segments[1][1].strip()
        split = _slash_split(left, right, text, flags)
        if split == "parties":
            return [_parse_party(left, notation, flags), _parse_party(right, notation, flags)]
        if split == "alt-name":
            party = _parse_party(left, notation, flags)
            return [replace(party, alt_names=(*party.alt_names, _tidy(right)))]
        if split is None and _unit_after_slash(left, right):
            party = _parse_party(left, notation, flags)
            return [replace(party, units=(*party.units, _tidy(right)))]
    joined = _two_universities(text)
    if joined is not None:
        return [_parse_party(part, notation, flags) for part in joined]
    return [_parse_party(text, notation, flags)]


# "and" between two names of universities, in the languages lists are written in
_AND_WORDS = re.compile(r"(?<!\s)\s+(?:and|&|und|y|e|et|en|i|ve|és|a|og|och|ja)\s+(?=\S)")


def _one_in_several_names(pieces: list[str], flags: list[Flag]) -> list[str] | None:
    """ "Universitatea Babeș-Bolyai / Babeș-Bolyai University / Babeș-Bolyai
    Tudományegyetem": three or more names between slashes, each an institution's by its head
    word and sharing its proper words with the first, are one institution's names in several
    languages ("Uniwersytet Warszawski / ... / Warsaw University of Technology" is not)."""
    if len(pieces) < 3 or any("," in p or _atom_category(p) is not _Cat.INST for p in pieces):
        return None
    if all(_overlap(pieces[0], p) >= 0.5 for p in pieces[1:]):
        return pieces
    _flag(flags, "possibly-several-parties",
          "slashes separate several institution names; kept as one name", " / ".join(pieces))
    return None


def _two_universities(text: str) -> tuple[str, str] | None:
    """ "University of Michigan and Michigan State University", "Universidad de Chile y
    Pontificia Universidad Católica de Chile", "KU Leuven en Universiteit Gent": two
    universities, each named whole (the left one possibly by its short name), never one
    institution (whose name no other list would share). Only where each side holds a
    university word of its own and the right one starts a name; "University of Science and
    Technology" and "Hochschule für Musik und Theater" stay one name."""
    if "(" in text or "," in text:
        return None
    for m in itertools.islice(_AND_WORDS.finditer(text), _LOOKS):
        left, right = text[: m.start()].strip(), text[m.end():].strip()
        if right[:1].isupper() and (_university(left) or _is_acronym(left)) \
                and (_university(right) or _university(left) and _acronym_led(right)) \
                and len(left.split()) > 1 and len(right.split()) > 1:
            return left, right
    return None


def _acronym_led(text: str) -> bool:
    """ "ETH Zürich", "EPF Lausanne": a name led by an acronym of three letters or more
    (a short one, "IT", may be a word of the name)."""
    first = text.split()[0]
    return len(first) >= 3 and _is_acronym(first) and _atom_category(text) is _Cat.ACRONYM


def _unit_after_slash(left: str, right: str) -> bool:
    """ "Politecnico di Milano / School of Design": an institution, then one unit of it."""
    return (_atom_category(left) is _Cat.INST and "," not in left and "," not in right
            and _starts_with_unit(right) and _category(right) is _Cat.UNIT)


def _university(text: str) -> bool:
    return any(h.term.kind == "institution" and h.term.type == "university"
               for h in _heads(text))


def _slash_split(left: str, right: str, whole: str, flags: list[Flag]) -> str | None:
    """Read "A, unit / B, unit" as two parties, "A / A in another wording" as an alternative."""
    left_pieces, right_pieces = _split_top(left, ","), _split_top(right, ",")
    left_first, right_first = left_pieces[0][1], right_pieces[0][1]
    if len(left_pieces) == len(right_pieces) == 1 and _translation(left, right) \
            and not (_heads(left) and _heads(right)):
        return "alt-name"  # the name in its own script and in Latin letters
    if not _heads(left_first) or not _heads(right_first) or _starts_with_unit(right_first):
        return None
    if len(left_pieces) > 1 or len(right_pieces) > 1:
        both_institutions = all(_atom_category(p) is _Cat.INST for p in (left_first, right_first))
        return "parties" if both_institutions else None
    if _two_acronyms(left, right):
        return "parties"  # "Université libre de Bruxelles (ULB) / Vrije Universiteit Brussel (VUB)"
    if _overlap(left, right) >= 0.5 or _translation(left, right):
        return "alt-name"
    _flag(
        flags,
        "possibly-several-parties",
        "a slash separates two institution names; kept as one name",
        whole,
    )
    return None


def _two_acronyms(left: str, right: str) -> bool:
    """Whether each half of a slash ends in its own acronym, and they differ: two names that
    translate alike but abbreviate differently are two institutions ("ULB" / "VUB"), one
    in two languages keeps one ("TUM" / "TUM")."""
    ends = [re.search(r"\(([^()]+)\)\s*$", half) for half in (left, right)]
    if not all(ends) or not all(_is_acronym(m[1].strip()) for m in ends if m):
        return False
    a, b = (_fold(m[1]).replace(" ", "") for m in ends if m)
    return a != b


def slash_halves(text: str) -> tuple[str, str] | None:
    """The two halves of a cell that names an institution twice across one slash ("A / B"),
    as the parser reads them: the first names the party, the second its other name."""
    segments = _split_top(_tidy(text), "/")
    if len(segments) != 2:
        return None
    return segments[0][1].strip(), segments[1][1].strip()


# --------------------------------------------------------------------------- one party


def _parse_party(text: str, notation: str, flags: list[Flag]) -> PartyName:
    draft = _Draft()
    body = _tidy(text)
    if notation != "comma":  # in comma notation a colon belongs inside a unit's name
        body = _apply_colon(body, draft, flags)
    if notation in ("dash", "auto"):
        body = _apply_dash(body, notation, draft, flags)
    _parse_pieces(body, notation, draft, flags)
    party = _institution_of_unit(draft.build())
    if party.institution:
        return party
    _flag(flags, "unit-split-uncertain", "no institution name stands apart; kept whole", text)
    return PartyName(_tidy(re.sub(r"[()\[\]]", " ", text)) or _tidy(text) or text)


def _institution_of_unit(party: PartyName) -> PartyName:
    """ "Fakultät für Informatik, TU München", "School of Law (NYU)", "UCL – Department of
    Computer Science": a unit's name with an institution's short name that does not shorten it.
    The short name is the institution the unit belongs to; read the other way, every row naming
    the same faculty of another university ("…, KIT", "…, UCLA") would be one institution named
    after the faculty. A short name that does shorten the name ("School of Oriental and African
    Studies, SOAS", "College of Europe (CoE)") stays the name's acronym."""
    short, name = party.acronym, party.institution
    if short is None or not _starts_with_unit(name) or _category(name) is not _Cat.UNIT \
            or _abbreviates(short, name):
        return party
    return replace(party, institution=short, units=(name, *party.units), acronym=None)


def _abbreviates(short: str, name: str) -> bool:
    """Whether ``short`` can be letters taken from ``name`` in order, the first starting one
    of its words ("ISCT" / "Institute of Science Tokyo", "CoE" / "College of Europe", "GNS
    Science" / "Institute of Geological and Nuclear Sciences"); "KIT" or "TU München" cannot
    shorten "Fakultät für Informatik"."""
    first = short.split()[0]
    letters = [c for c in _fold(first) if c.isalnum()]
    words = [w for w in (re.sub(r"\W", "", w) for w in _fold(name).split()) if w]
    for i, word in enumerate(words):
        if letters and word[0] == letters[0]:
            rest = iter("".join(words[i:])[1:])
            return all(c in rest for c in letters[1:])
    return False


def _apply_colon(text: str, draft: _Draft, flags: list[Flag]) -> str:
    """ "Université Laval : Faculté des sciences et de génie": a unit after a colon.

    In every notation but comma (whose units may carry a colon of their own); only when the left
    side names an institution and the right side starts like a unit, else the name stays
    whole ("Universidad Paris 1: Panthéon-Sorbonne")."""
    mask = _top_level(text)
    at = next((i for i, ch in enumerate(text) if ch == ":" and mask[i]), None)
    if at is None:
        return text
    left, right = text[:at].strip(), text[at + 1 :].strip()
    if not left or not right or not _heads(left):
        return text
    if _atom_category(right) is not _Cat.UNIT and not _starts_with_unit(right):
        return text
    _split_units(right, False, draft, flags)
    return left


def _names_unit_after_acronym(left: str, right: str) -> bool:
    """ "DTU Compute" after "Technical University of Denmark": an acronym and a word the
    institution's name does not contain names a unit called by the acronym ("DTU Compute",
    "EPFL ENAC"); "TU Berlin" after "Technische Universität Berlin" is the name's short form."""
    tokens = right.split()
    if len(tokens) != 2:
        return False
    words = {_fold_token(w) for w in left.split()}
    return _fold_token(tokens[1]) not in words


def _find_dash(text: str) -> int | None:
    """Index of the first top-level dash used as a separator ("A - B", "A – B", "EMPA- Swiss")."""
    mask = _top_level(text)
    for m in re.finditer(r"\s*[-–—]\s*", text):
        if not all(mask[m.start() : m.end()]):
            continue
        before = m.group().startswith(" ") or m.start() == 0
        after = m.group().endswith(" ")
        nxt = text[m.end() : m.end() + 1]
        if m.start() == 0 or m.end() >= len(text):
            continue
        if (before and after) or (after and (nxt.isupper() or nxt.isdigit() or nxt == '"')):
            return m.start()
    return None


def _apply_dash(text: str, notation: str, draft: _Draft, flags: list[Flag]) -> str:
    """Resolve "left - right"; return the part that still names the institution."""
    at = _find_dash(text)
    if at is None:
        return text
    match = re.match(r"\s*[-–—]\s*", text[at:])
    assert match is not None
    left, right = text[:at].strip(), text[at + match.end() :].strip()
    right_cat = _atom_category(right)
    left_has_body = bool(_heads(left))
    if right_cat is _Cat.ACRONYM and "(" not in right and notation == "dash" and left_has_body \
            and _names_unit_after_acronym(left, right):
        _split_units(right, True, draft, flags)  # "Technical University of Denmark - DTU Compute"
        return left
    if right_cat is _Cat.ACRONYM and "(" not in right:
        draft.add_acronym(right)
        return left
    if _is_acronym(left) and len(right.split()) >= 3 and _heads(right) \
            and not _acronym_unit_first(text):
        draft.add_acronym(left)
        return right
    if _names_country(right) or _city_of_name(re.sub(r"\s*\([A-Z]{2,3}\)$", "", right), left):
        draft.place = right
        draft.place_mark = f" {match.group().strip()} "
        return left
    if right_cat is _Cat.CAMPUS:
        draft.campus.append(right)
        draft.campus_mark = f" {match.group().strip()} "
        return left
    if _translation(left, right):
        draft.alt_names.append(right)
        return left
    if left_has_body and right_cat is _Cat.UNIT:
        _split_units(right, False, draft, flags)
        return left
    if _starts_with_unit(left) and _category(left) is _Cat.UNIT and right_cat is _Cat.INST \
            and not _starts_with_unit(right):
        draft.units.append(left)  # "Facultad de Ingeniería - Universidad de Buenos Aires"
        return right
    if left_has_body and right_cat is _Cat.INST:
        if notation == "dash":
            _split_units(right, True, draft, flags)
            _flag(
                flags,
                "unit-split-uncertain",
                f"{right!r} reads like an institution of its own; taken as a unit (member) of "
                f"{left!r} by the source's dash notation",
                text,
            )
            return left
        _flag(
            flags,
            "unit-split-uncertain",
            "a dash joins two institution names; kept as one name",
            text,
        )
        return text
    if left_has_body and right_cat is _Cat.OTHER and len(right.split()) > 1:
        _flag(
            flags,
            "unit-split-uncertain",
            f"{right!r} after a dash names no unit type; kept in the institution's name",
            text,
        )
    return text


def _names_country(text: str) -> bool:
    """ "Równe, Ukraina": places ending in a country name."""
    parts = [p.strip() for _, p in _split_top(text, ",")]
    if not parts or not _country(parts[-1]):
        return False
    return all(_category(p) is _Cat.PLACE for p in parts[:-1])


def _parse_pieces(text: str, notation: str, draft: _Draft, flags: list[Flag]) -> None:
    """Comma pieces: institution, its qualifiers (city, acronym, campus), then units."""
    pieces = [_piece(raw) for _, raw in _split_top(text, ",") if raw.strip()]
    if not pieces:
        return
    if not pieces[0].core:
        draft.institution = _tidy(text.strip("()[] "))
        _flag(flags, "unit-split-uncertain", "the whole cell is in brackets; read as a name", text)
        return
    for p in pieces:
        if p.truncated:
            _flag(
                flags, "truncated", "a parenthesis is never closed: the cell looks cut off", p.raw
            )
    pieces = _take_bracketed_country(pieces, draft)
    pieces = _take_named_city(pieces, draft)
    pieces = _take_place(pieces, draft)
    pieces = _take_leading_acronym(pieces, draft)
    pieces = _take_reversed_unit(pieces, draft)
    names = [_institution_core(pieces[0], notation, draft, flags)]
    i = 1
    while i < len(pieces):
        taken = _take_qualifier(pieces, i, notation, draft, names, flags)
        if taken == 0:
            break
        i += taken
    if i < len(pieces):
        _unit_region(pieces[i:], notation, draft, names, flags)
    draft.institution = ", ".join(n for n in names if n)
    _check_institution(draft.institution, flags)


def _take_bracketed_country(pieces: list[_Piece], draft: _Draft) -> list[_Piece]:
    """ "Kyoto University (Japan)": a country in the last brackets is where it is, not a
    unit or a part of the name; places written before it after commas are its city, as
    before a country after a comma ("Universität Hamburg, Hamburg (Germany)" reads as
    "Universität Hamburg, Hamburg, Germany")."""
    last = pieces[-1]
    if draft.place or not last.paren or last.truncated or not last.core \
            or not _country(last.paren):
        return pieces
    pieces = [*pieces[:-1], _Piece(last.core, None, False, last.core)]
    j = len(pieces)
    while j - 1 >= 1 and not pieces[j - 1].paren and _category(pieces[j - 1].core) is _Cat.PLACE:
        j -= 1
    if j < len(pieces) and _campus_of_system(pieces[j - 1].core, pieces[j].core):
        j += 1  # "University of California, Berkeley (USA)": Berkeley is the institution's
    draft.place = ", ".join([*(p.core for p in pieces[j:]), last.paren])
    draft.place_mark = "()"
    return pieces[:j]


def _city_of_name(text: str, name: str) -> bool:
    """Whether ``text`` is a place the name itself names ("Kyoto University – Kyoto",
    "Universidad de Buenos Aires, Buenos Aires", "Universidade de São Paulo (São Paulo)"): the
    city the cell adds, not a part of the name. A place the name does not name ("University of
    California, Berkeley", "Mohammed V University, Rabat") may be the name's own."""
    if _category(text) is not _Cat.PLACE:
        return False
    words = {_fold_token(w) for w in name.split()}
    own = [w for w in (_fold_token(t) for t in text.split()) if w and w not in _CONNECTORS]
    if own and all(w in words for w in own):
        return True
    # "Universität Wien (Vienna)": the place the name names, written in another language
    places = {_place_of(w) for w in words} - {None}
    return bool(own) and all(_place_of(w) in places for w in own)


def _place_of(word: str) -> str | None:
    """The English name of a place a word names in any language the place list knows."""
    from exchange_kg.resolve.names import vocabulary  # resolve reads this module: import late

    vocab = vocabulary()
    hit = vocab.equivalents.get((word,))
    if hit is not None and hit[1] == "place" and len(hit[0]) == 1:
        return hit[0][0]
    return word if word in vocab.places else None


def _take_named_city(pieces: list[_Piece], draft: _Draft) -> list[_Piece]:
    """A trailing city the name already names, in brackets or after a comma: the party's
    place ("Universidade de São Paulo (São Paulo)", "Universitat de València, Valencia")."""
    last = pieces[-1]
    if draft.place or last.truncated or not last.core:
        return pieces
    if last.paren and _city_of_name(last.paren, last.core):
        draft.place = last.paren
        return [*pieces[:-1], _Piece(last.core, None, False, last.core)]
    if len(pieces) >= 2 and not last.paren \
            and _city_of_name(last.core, " ".join(p.core for p in pieces[:-1])):
        draft.place = last.core
        return pieces[:-1]
    return pieces


def _take_place(pieces: list[_Piece], draft: _Draft) -> list[_Piece]:
    if len(pieces) < 2 or draft.place or pieces[-1].paren or not _country(pieces[-1].core):
        return pieces
    j = len(pieces) - 1
    while j - 1 >= 1 and not pieces[j - 1].paren and _category(pieces[j - 1].core) is _Cat.PLACE:
        j -= 1
    if j < len(pieces) - 1 and _campus_of_system(pieces[j - 1].core, pieces[j].core):
        j += 1  # "University of California, Davis, USA": Davis is the institution's own
    draft.place = ", ".join(p.core for p in pieces[j:])
    draft.place_mark = ", "
    return pieces[:j]


_SYSTEM = re.compile(r"^(?:the\s+)?university\s+of\s+(?P<region>.+)$", re.IGNORECASE)


def _campus_of_system(name: str, place: str) -> bool:
    """Whether the place after a name is the campus that names an institution of a state's
    university system ("University of California, Davis", "University of Texas, Austin"):
    the name is a state's or province's and the place another; never "University of Tokyo,
    Tokyo", where the place repeats the name."""
    found = _SYSTEM.match(name.strip())
    if found is None:
        return False
    region = _fold(found.group("region"))
    return _fold(place) != region and region in _subdivision_names()


@lru_cache(maxsize=1)
def _subdivision_names() -> frozenset[str]:
    """The folded names of the states, provinces and regions of every country."""
    return frozenset(_fold(s.name) for s in pycountry.subdivisions)


def _take_leading_acronym(pieces: list[_Piece], draft: _Draft) -> list[_Piece]:
    """ "MCI, Management Center Innsbruck": an acronym, then the full name."""
    if len(pieces) == 2 and not pieces[0].paren and _is_acronym(pieces[0].core):
        full = pieces[1]
        if len(full.core.split()) >= 3 and _heads(full.core):
            draft.add_acronym(pieces[0].core)
            return [full]
    return pieces


def _acronym_unit_first(text: str) -> bool:
    """ "IAE Paris – Sorbonne Business School, Université Paris 1": a unit called by its
    acronym and its name, then the institution it belongs to; the acronym is the unit's."""
    pieces = [raw.strip() for _, raw in _split_top(text, ",")]
    return len(pieces) > 1 and _acronym_dash_unit(pieces[0]) \
        and _atom_category(pieces[1]) is _Cat.INST


def _acronym_dash_unit(text: str) -> bool:
    """ "IAE Paris – Sorbonne Business School": an acronym, a dash, a unit's name."""
    m = re.match(r"(.+?)\s*[-–—]\s+(.+)$", text)
    return m is not None and _is_acronym(m.group(1)) and _category(m.group(2)) is _Cat.UNIT


def _take_reversed_unit(pieces: list[_Piece], draft: _Draft) -> list[_Piece]:
    """ "Institute of Catalysis, Polish Academy of Sciences": unit first, institution second."""
    if len(pieces) < 2:
        return pieces
    first, second = pieces[0], pieces[1]
    if not _acronym_dash_unit(first.core) and (
            not _starts_with_unit(first.core) or _category(first.core) is not _Cat.UNIT):
        return pieces
    if _atom_category(second.raw) is not _Cat.INST or _starts_with_unit(second.core):
        return pieces
    draft.units.append(first.raw)
    return pieces[1:]


def _institution_core(piece: _Piece, notation: str, draft: _Draft, flags: list[Flag]) -> str:
    parent = _split_parent(piece.core, draft, flags)
    units_before = len(draft.units)  # a parenthesis after a parent's name is the parent's
    core = _split_glued(piece.core if parent is None else parent, draft, flags)
    if piece.paren and len(draft.units) > units_before:
        draft.units[units_before] += f" ({piece.paren})"  # the unit's own parenthesis
        return core
    if piece.paren and _expands(core, piece.paren):
        draft.add_acronym(core)  # "TUM (Technische Universität München)"
        return piece.paren
    if piece.paren and _clipped(core, piece.paren):
        draft.alt_names.append(core)  # "UniMelb (The University of Melbourne)"
        return piece.paren
    _flag_inner_paren(core, flags)
    kept = _institution_paren(piece.paren, core, notation, draft, flags)
    return f"{core} ({kept})" if kept else core


def _expands(acronym: str, name: str) -> bool:
    """Whether ``name`` spells out ``acronym`` word by word ("MIT" / "Massachusetts Institute
    of Technology", "NTNU" / "Norges teknisk-naturvitenskapelige universitet"): the acronym's
    letters are the initials of the name's words and of their hyphenated parts."""
    if " " in acronym.strip() or not _is_acronym(acronym):
        return False
    letters = "".join(c for c in acronym if c.isalpha()).casefold()
    words = [w for w in re.split(r"[\s\-–]+", name) if w and _fold_token(w) not in _CONNECTORS]
    with_parts = "".join(w[:1] for w in words).casefold()
    return len(letters) >= 2 and with_parts == letters and bool(_heads(name))


def _clipped(short: str, name: str) -> bool:
    """Whether one word is ``name`` clipped: its capitalised parts start words of the name,
    in order ("UniMelb" / "The University of Melbourne", "UniBo" / "Università di Bologna").
    A part of one letter ("PolyU") tells too little: not read so."""
    parts = re.findall(r"[A-Z][a-z]+", short)
    if " " in short.strip() or len(parts) < 2 or "".join(parts) != short.strip():
        return False
    words = [_fold_token(w) for w in name.split()]
    j = 0
    for part in (p.casefold() for p in parts):
        while j < len(words) and not words[j].startswith(part):
            j += 1
        if j == len(words):
            return False
        j += 1
    return bool(_heads(name))


def _flag_inner_paren(core: str, flags: list[Flag]) -> None:
    """A parenthesis inside a name ("SKEMA (CERAM + ESC ...) Business School") is left alone."""
    for content in re.findall(r"\(([^()]*)\)", core):
        if not _is_acronym(content):
            _flag(
                flags,
                "unit-split-uncertain",
                f"({content}) inside the name may be a unit or a former name; kept whole",
                core,
            )
            return


def _take_qualifier(
    pieces: list[_Piece], i: int, notation: str, draft: _Draft, names: list[str], flags: list[Flag]
) -> int:
    """Consume pieces that qualify the institution rather than name a unit; return how many."""
    piece = pieces[i]
    cat = _atom_category(piece.raw)
    core_cat = _category(piece.core)
    if core_cat is _Cat.PLACE or (core_cat is _Cat.COUNTRY and not piece.paren):
        kept = _institution_paren(piece.paren, names[0], notation, draft, flags)
        names.append(f"{piece.core} ({kept})" if kept else piece.core)
        return 1
    if cat is _Cat.ACRONYM and not piece.paren and draft.acronym is None:
        draft.add_acronym(piece.core)
        return 1
    if cat is _Cat.CAMPUS:
        draft.campus.append(piece.raw)
        draft.campus_mark = ", "
        return 1
    if cat is _Cat.OTHER and not draft.units:
        run = _continuation_run(pieces, i)
        if run:
            names.extend(p.raw for p in pieces[i : i + run])
            return run
    return 0


def _continuation_run(pieces: list[_Piece], i: int) -> int:
    """Pieces that continue a name's list ("for Lasers, Plasma and Radiation Physics")."""
    j = i
    while j < len(pieces) and _atom_category(pieces[j].raw) is _Cat.OTHER:
        j += 1
        if _has_conjunction(pieces[j - 1].raw):
            return j - i
    return 0


def _unit_region(
    pieces: list[_Piece], notation: str, draft: _Draft, names: list[str], flags: list[Flag]
) -> None:
    """The pieces after the institution and its qualifiers: units, if the notation allows."""
    first = pieces[0]
    region = ", ".join(p.raw for p in pieces)
    cat = _atom_category(first.raw)
    if cat is _Cat.UNIT:
        _split_units(region, notation == "comma", draft, flags)
    elif cat is _Cat.INST and notation == "comma":
        _comma_member(pieces, draft, names, flags)
    elif notation == "comma":
        _split_units(region, True, draft, flags)
    else:
        names.append(region)
        if cat is _Cat.INST or any(_heads(p.raw) for p in pieces):
            _flag(
                flags,
                "unit-split-uncertain",
                f"{region!r} after a comma does not read as a unit; kept in the institution's name",
                region,
            )


def _comma_member(pieces: list[_Piece], draft: _Draft, names: list[str], flags: list[Flag]) -> None:
    """ "SUNY, University at Albany" / "King's College London, University of London, School"."""
    first = pieces[0]
    if len(pieces) == 1:
        draft.units.append(first.raw)
        _flag(
            flags,
            "unit-split-uncertain",
            f"{first.raw!r} reads like an institution of its own (a member of a university "
            f"system?); taken as a unit of {names[0]!r} by the comma notation",
            first.raw,
        )
        return
    names.append(first.raw)
    _flag(
        flags,
        "unit-split-uncertain",
        f"two institution names in a row; {first.raw!r} is kept in the institution's name",
        first.raw,
    )
    _split_units(", ".join(p.raw for p in pieces[1:]), True, draft, flags)


def _institution_paren(
    content: str | None, core: str, notation: str, draft: _Draft, flags: list[Flag]
) -> str | None:
    """Read the institution's trailing parenthesis; return what stays in its name."""
    if not content:
        return None
    if _is_acronym(content):
        draft.add_acronym(content)
        return None
    if _translation(core, content) or _short_form(core, content):
        draft.alt_names.append(content)
        return None
    cat = _category(content)
    if cat is _Cat.CAMPUS:
        draft.campus.append(content)
        draft.campus_mark = "()"
        return None
    if cat in (_Cat.PLACE, _Cat.OTHER) and len(content.split()) == 1:
        if notation == "parentheses":
            _flag(
                flags,
                "unit-split-uncertain",
                f"({content}) is one word with no unit type; kept in the institution's name",
                content,
            )
        return content
    if notation == "parentheses" or cat is _Cat.UNIT:
        _split_units(content, notation == "parentheses", draft, flags)
        return None
    _flag(
        flags,
        "unit-split-uncertain",
        f"({content}) may be a unit or another name of the institution; kept in its name",
        content,
    )
    return content


def _split_units(text: str, trusted: bool, draft: _Draft, flags: list[Flag]) -> None:
    """Split a run of units at "," and "/" where the next part is itself a unit phrase.

    A part without a unit word continues the previous unit ("Faculty of Mathematics, Computer
    Science and Natural Sciences"); a bare unit word before a slash shares the complement that
    follows ("College/Graduate School of Engineering").
    """
    units: list[str] = []
    unchecked: list[bool] = []  # a comma continuation with no conjunction to confirm it
    for sep, raw in _split_top(text, ",/"):
        atom = raw.strip()
        if not atom:
            continue
        cat = _atom_category(atom)
        if cat is _Cat.CAMPUS:
            draft.campus.append(atom)
        elif units and sep == "/" and _is_bare(units[-1]):
            units[-1] += sep + raw
        elif not units or cat in (_Cat.UNIT, _Cat.INST):
            units.append(raw)
            unchecked.append(False)
        else:
            units[-1] += sep + raw
            unchecked[-1] = sep == "," and not _has_conjunction(atom)
    for unit, doubtful in zip(units, unchecked, strict=True):
        if doubtful:
            _flag(
                flags,
                "unit-split-uncertain",
                f"{_tidy(unit)!r}: a part after a comma names no unit type and was kept in "
                "the unit's name",
                _tidy(unit),
            )
    if units and trusted and _atom_category(units[0].split("/")[0]) not in (_Cat.UNIT, _Cat.INST):
        _flag(
            flags,
            "unit-split-uncertain",
            f"{_tidy(units[0])!r} names no unit type; taken as a unit by the source's notation",
            _tidy(units[0]),
        )
    draft.units.extend(units)


# --------------------------------------------------------------------------- glued names

_GLUE_TYPES = {"faculty", "school", "college", "department", "division"}


def _split_glued(core: str, draft: _Draft, flags: list[Flag]) -> str:
    """ "Monash University Sunway Campus", "Fujian Medical University School of Stomatology"."""
    tokens = core.split()
    folded = [_fold_token(t) for t in tokens]
    hits = _hits_in(folded)
    if "(" in core or '"' in core or len(tokens) < 3:
        return core
    campus_at = _glued_campus(folded, hits)
    if campus_at is not None:
        draft.campus.append(" ".join(tokens[campus_at:]))
        tokens, folded = tokens[:campus_at], folded[:campus_at]
        hits = _hits_in(folded)
    unit_at = _glued_unit(tokens, folded, hits)
    if unit_at is None:
        unit_at = _glued_final_unit(tokens, folded, hits)
    if unit_at is not None:
        draft.units.insert(0, " ".join(tokens[unit_at:]))
        head = " ".join(tokens[:unit_at])
        return re.sub(r"['’]s$", "", head)
    _flag_glued(tokens, folded, hits, core, flags)
    return " ".join(tokens)


# --------------------------------------------------------------------------- a unit of a body

# Words that stand between a unit's name and its institution's: "Faculty of Law *of the*
# University of Zagreb", "Fakultät für Physik *der* Universität Wien", "Faculdade de Direito *da*
# Universidade de São Paulo", "Facultatea de Drept *a* Universității". After them the
# institution's name keeps its own spelling where its head word does (a word the unit words
# list as it is, not by a stem with "*").
_CONNECTORS = _PREPOSITIONS | _ARTICLES | _word_set(
    "of the da do das dos della dello delle del van het a al ale ai"
)
_ADJECTIVES_BEFORE_HEAD = 3  # "der Freien Universität", "Katolickiego Uniwersytetu Lubelskiego"


@dataclass(frozen=True)
class _ParentSpan:
    unit_end: int  # tokens[:unit_end] name the unit
    start: int  # tokens[start:] name the institution, as written
    as_written: bool  # the institution's own spelling: a connector, then its head word's own form


def _parent_spans(tokens: list[str]) -> list[_ParentSpan]:
    """Where a name that leads with a unit names the institution the unit belongs to:
    "Wydział Prawa i Administracji | Uniwersytetu Warszawskiego", "Fachbereich
    Rechtswissenschaft der | Freien Universität Berlin" (several starts when adjectives come
    before the head word; the longest institution first)."""
    folded = [_fold_token(t) for t in tokens]
    bodies = [h for h in _hits_in(folded) if h.term.kind in ("unit", "institution")]
    if len(bodies) < 2:
        return []
    lead = bodies[0]
    if lead.term.kind != "unit" or lead.term.type not in _GLUE_TYPES or lead.start > 1:
        return []
    head = next((h for h in bodies[1:] if h.term.kind == "institution"), None)
    if head is None or head.start < lead.end + (lead.start == 0):
        return []  # "Wydział Uniwersytetu": no name of the unit of its own
    if _only_head_words(" ".join(tokens[head.start:])):
        return []  # "... der Universität": no name of the institution
    spans = []
    for start in range(max(lead.end, head.start - _ADJECTIVES_BEFORE_HEAD), head.start + 1):
        words = [_ELISION.sub("", t) for t in tokens[start:head.start + 1]]
        if any(not w[:1].isupper() or folded[start + i] in _CONNECTORS
               for i, w in enumerate(words)):
            continue  # an institution's name starts with a capital; no "of" inside it
        unit_end = start
        while unit_end > lead.end and folded[unit_end - 1] in _CONNECTORS \
                and tokens[unit_end - 1].islower():
            unit_end -= 1
        if unit_end <= lead.end - (lead.start == 1):
            continue
        connected = unit_end < start or _ELISION.match(tokens[start]) is not None
        as_written = start == head.start and head.term.match == "exact" and connected
        spans.append(_ParentSpan(unit_end, start, as_written))
    return spans


def _parent_text(tokens: list[str], span: _ParentSpan) -> str:
    return " ".join([_ELISION.sub("", tokens[span.start]), *tokens[span.start + 1:]])


def parents_in_name(name: str) -> list[tuple[str, str]]:
    """(unit, institution as written) for a name that leads with a unit and ends with the
    institution it belongs to ("Wydział Prawa i Administracji Uniwersytetu Warszawskiego" ->
    ("Wydział Prawa i Administracji", "Uniwersytetu Warszawskiego")), the longest institution
    first. The institution is often written in the genitive, which is not its name: what
    another list or ROR calls it (:func:`inflected_same`) is the evidence to split on."""
    if "(" in name or '"' in name:
        return []
    tokens = name.split()
    return [(" ".join(tokens[:s.unit_end]), _parent_text(tokens, s)) for s in _parent_spans(tokens)]


_STEM_SLACK = 3  # letters an inflection may change at a word's end ("-ego", "-ii", "-y"/"-a")


def inflected_same(written: str, name: str) -> bool:
    """Whether ``written`` is ``name`` in another grammatical case: the same words in the same
    order, each the same word or differing only in its last few letters ("Uniwersytetu
    Warszawskiego" / "Uniwersytet Warszawski", "Univerzity Karlovy" / "Univerzita Karlova",
    "Freien Universität Berlin" / "Freie Universität Berlin")."""
    a, b = institution_key(written).split(), institution_key(name).split()
    if len(a) != len(b) or not a:
        return False
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        common = len(os.path.commonprefix([x, y]))
        if x.isdigit() or y.isdigit() or common < 3 or common < max(len(x), len(y)) - _STEM_SLACK:
            return False
    return True


def _split_parent(core: str, draft: _Draft, flags: list[Flag]) -> str | None:
    """The institution's name when the core is a unit "of" it spelt as the institution spells
    itself ("Faculdade de Direito | da Universidade de São Paulo"); the unit goes first in
    ``draft.units``. A unit of an institution written in the genitive ("Wydział Prawa
    Uniwersytetu Warszawskiego") stays whole, flagged: the genitive is not the name."""
    if "(" in core or '"' in core:
        return None
    tokens = core.split()
    spans = _parent_spans(tokens)
    if not spans:
        return None
    clean = [s for s in spans if s.as_written]
    if clean:
        span = clean[0]
        draft.units.insert(0, " ".join(tokens[:span.unit_end]))
        return _parent_text(tokens, span)
    after_connector = [s for s in spans if _fold_token(tokens[s.start - 1]) in _CONNECTORS]
    shown = (after_connector or spans[-1:])[0]
    _flag(
        flags,
        "parent-in-name",
        f"the name embeds the institution it belongs to ({_parent_text(tokens, shown)!r}), "
        "written in a form that is not its own name; kept whole",
        core,
    )
    return None


def _glued_campus(folded: list[str], hits: list[_Hit]) -> int | None:
    if not hits or hits[-1].term.kind != "campus" or hits[-1].end != len(folded):
        return None
    bodies = [h for h in hits if h.term.kind in ("unit", "institution")]
    if bodies and bodies[-1].end < hits[-1].start:
        return bodies[-1].end
    return None


def _followed_by_preposition(folded: list[str], hit: _Hit) -> bool:
    return hit.end < len(folded) and folded[hit.end] in _PREPOSITIONS


def _glued_unit(tokens: list[str], folded: list[str], hits: list[_Hit]) -> int | None:
    """Where a unit starts right after the institution's head word (or after a possessive)."""
    body_before = False  # a unit or institution word among hits[:k] (kept as we go: linear)
    for k, hit in enumerate(hits):
        if k:
            body_before = body_before or hits[k - 1].term.kind in ("unit", "institution")
        if hit.start == 0 or hit.term.kind != "unit" or hit.term.type not in _GLUE_TYPES:
            continue
        if not tokens[hit.start][:1].isupper() or not _followed_by_preposition(folded, hit):
            continue
        previous = hits[k - 1] if k else None
        adjacent = previous is not None and previous.end == hit.start
        if adjacent and previous.term.kind == "institution":
            return hit.start
        possessive = re.search(r"['’]s$", tokens[hit.start - 1])
        if possessive and body_before:
            return hit.start
    return None


def _glued_final_unit(tokens: list[str], folded: list[str], hits: list[_Hit]) -> int | None:
    """Where a unit that ends in its unit word starts right after a name that ends in its
    head word: "İstanbul Teknik Üniversitesi Makina Fakültesi", "Budapesti Corvinus Egyetem
    Közgazdaságtudományi Kar" (languages that put the unit word last)."""
    if len(hits) < 2:
        return None
    last, head = hits[-1], hits[-2]
    if last.term.kind != "unit" or last.term.type not in _GLUE_TYPES or \
            last.end != len(folded) or head.term.kind != "institution" or \
            head.end >= last.start or head.start == 0 and head.end == len(folded):
        return None
    between = folded[head.end:last.start]
    if _followed_by_preposition(folded, head) or any(w in _PREPOSITIONS for w in between) \
            or not tokens[head.end][:1].isupper():
        return None
    return head.end


def _flag_glued(
    tokens: list[str], folded: list[str], hits: list[_Hit], core: str, flags: list[Flag]
) -> None:
    institution_before = False  # an institution word among hits[:k]
    for k, hit in enumerate(hits):
        if k:
            institution_before = institution_before or hits[k - 1].term.kind == "institution"
        if hit.start == 0 or hit.term.kind != "unit" or hit.term.type not in _GLUE_TYPES:
            continue
        never_in_names = hit.term.type in ("department", "faculty", "division")
        if not tokens[hit.start][:1].isupper():
            continue
        if not never_in_names and not _followed_by_preposition(folded, hit):
            continue
        if institution_before:
            _flag(
                flags,
                "unit-split-uncertain",
                f"{' '.join(tokens[hit.start :])!r} may be a unit glued to the institution's "
                "name; kept whole",
                core,
            )
            return


_LOOKS = 8  # "of"s and "and"s looked at per name; real names have one or two
# A match starts only where a run of spaces starts (the lookbehind): a run of spaces that is
# not followed by "of" is then scanned once, not once from each of its spaces.
_OF = re.compile(r"(?<!\s)\s+of\s+(?:the\s+)?")
_AND = re.compile(r"(?<!\s)\s+(?:and|&)\s+")


def _check_institution(name: str, flags: list[Flag]) -> None:
    """Flags for names that may hide a parent body or a second party."""
    visible = _visible(name)
    # each look costs the name's length: the last few "of"s and first few "and"s decide
    of_matches = list(_OF.finditer(visible))[-_LOOKS:]
    for m in reversed(of_matches):
        before, after = visible[: m.start()], visible[m.end() :]
        if not after[:1].isupper():
            continue
        if any(h.term.kind == "unit" for h in _heads(before)) and any(
            h.term.kind == "institution" for h in _heads(after)
        ):
            first = next(h for h in _heads(after))
            parent = (
                f" ({after.strip()!r})"
                if first.term.kind == "institution" and first.start < 4
                else ""
            )
            _flag(
                flags,
                "parent-in-name",
                f"the name embeds the body it belongs to{parent}; kept whole",
                name,
            )
            break
    if joined_bodies(name):
        _flag(
            flags,
            "possibly-several-parties",
            "'and' joins two body names; kept as one name",
            name,
        )


def joined_bodies(name: str) -> list[tuple[str, str]]:
    """The (left, right) parts of ``name`` at each "and" (among the first few) that joins two
    body names ("A University and B Hospital"); the left part ends in a body word, the right
    one starts with a capital and holds one. Brackets and quotes are read as blanks."""
    visible = _visible(name)
    out = []
    for m in itertools.islice(_AND.finditer(visible), _LOOKS):
        before, after = visible[: m.start()], visible[m.end() :]
        left = _heads(before)
        if not left or left[-1].end != len(before.split()):
            continue  # "Institute of Physics and ...": the left part does not end in a body word
        if after[:1].isupper() and len(after.split()) >= 2 and _heads(after):
            out.append((before.strip(), after.strip()))
    return out
