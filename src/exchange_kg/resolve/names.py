"""Institution names -> forms that can be compared across languages, spellings and sources.

Partner lists write one university many ways: "Technische Universität München" and "Technical
University of Munich (TUM)", "RWTH Aachen" and "Aachen University RWTH", "Universtiy" for
"University", "Viet Nam" for "Vietnam". Matching raw strings would keep them apart; matching
loosely would merge "Chonnam" with "Chungnam National University". So a name is reduced to a
:class:`NameForm` that keeps what identifies it and drops only what cannot:

* case, accents, punctuation, elisions ("dell'Aquila"), articles and prepositions go;
* native head words and descriptors become English at word level ("Universität" ->
  "university", "Politécnica" -> "polytechnic"), and so do abbreviations ("Univ.", "TU") and
  well-known place names ("München" -> "munich"), from ``data/equivalents.tsv``;
* "technical university" and "university of technology" become one phrase;
* a misspelt head word is corrected ("Universtiy"), but a proper name never is: typos in
  proper names are left to the scorer, which weighs them;
* words written as acronyms ("RWTH", "KTH") are kept apart from the rest, because lists put
  them anywhere in a name;
* parts set off by commas, dashes, brackets or quotes stay separate parts ("University of Rome
  'La Sapienza'"), so that their order may differ, and a trailing "at X"/"in X" after a head
  word is a part of its own (a qualifier, as in "University of Illinois at Chicago");
* a trailing repetition of the row's own country ("... Eindhoven the Netherlands") goes.

Every word keeps its written form and initial, so an acronym can be matched against the words
it abbreviates ("RWTH" = Rheinisch-Westfälische Technische Hochschule).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from importlib import resources

from rapidfuzz import process
from rapidfuzz.distance import OSA

from exchange_kg.normalise.country import marks_kept, parse_country

TYPE = "type"
GENERIC = "generic"
STOP = "stop"

_MAX_PHRASE = 4
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
          "viii": "8", "ix": "9", "x": "10"}
_QUALIFIER_WORDS = ("at", "in")
_LATIN_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                              "ħ": "h", "ı": "i", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                              "ß": "ss", "þ": "th"})
_PUNCT = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                        "`": "'", "´": "'", "‐": "-", "‑": "-", "–": "-", "—": "-"})


# --------------------------------------------------------------------------- vocabulary


def _rows(filename: str) -> list[list[str]]:
    text = resources.files("exchange_kg.resolve").joinpath("data", filename).read_text("utf-8")
    rows = []
    for line in text.splitlines()[1:]:
        if line.strip() and not line.startswith("#"):
            rows.append([cell.strip() for cell in line.split("\t")])
    return rows


def equivalence_files() -> list[str]:
    """The equivalence tables: ``equivalents.tsv`` (abbreviations, head words several languages
    share, place names), then one ``words-<language>.tsv`` per language."""
    folder = resources.files("exchange_kg.resolve").joinpath("data")
    langs = sorted(f.name for f in folder.iterdir() if f.name.startswith("words-")
                   and f.name.endswith(".tsv"))
    return ["equivalents.tsv", *langs]


@dataclass(frozen=True)
class _Vocabulary:
    classes: dict[str, str]  # canonical word -> type | generic | stop
    equivalents: dict[tuple[str, ...], tuple[tuple[str, ...], str]]  # form -> (english, kind)
    correctable: tuple[str, ...]  # long lexicon words a misspelling may be corrected to
    places: frozenset[str]  # English forms of the place names the equivalences know


@lru_cache(maxsize=1)
def vocabulary() -> _Vocabulary:
    """The curated word lists (loaded once): word classes and equivalences."""
    classes = {word: cls for word, cls, *_ in _rows("word-classes.tsv")}
    equivalents: dict[tuple[str, ...], tuple[tuple[str, ...], str]] = {}
    for filename in equivalence_files():
        for form, english, kind, *_ in _rows(filename):
            target = () if english == "-" else tuple(english.split())
            equivalents.setdefault(tuple(form.split()), (target, kind))
    # Only head words and descriptors are corrected: they are what OCR and typists garble
    # ("Universtiy", "Unwersytet"), and correcting a proper name would invent a match.
    correctable = sorted(
        {form[0] for form, (target, kind) in equivalents.items()
         if len(form) == 1 and kind in ("word", "spelling")
         and any(classes.get(t) in (TYPE, GENERIC) for t in target)}
        | {w for w, c in classes.items() if c in (TYPE, GENERIC)}
    )
    places = frozenset(t for target, kind in equivalents.values() if kind == "place"
                       for t in target)
    return _Vocabulary(classes, equivalents, tuple(w for w in correctable if len(w) >= 6),
                       places)


@lru_cache(maxsize=1 << 18)
def word_class(token: str) -> str | None:
    """type / generic / stop for a canonical token; None for a distinctive one (a name).

    Cached, as is :func:`is_distinctive`: scoring asks about the same tokens millions of times.
    """
    return vocabulary().classes.get(token)


@lru_cache(maxsize=1 << 18)
def is_distinctive(token: str) -> bool:
    return word_class(token) is None and not token.isdigit()


# --------------------------------------------------------------------------- folding


def fold(text: str) -> str:
    """Lower case without accents: "Universität" and "UNIVERSITAT" compare equal."""
    if text.isascii():
        return text.lower()  # the same, without the per-letter work (most names)
    text = unicodedata.normalize("NFKD", text.translate(_LATIN_EXTRA))
    # the marks that are letters of their script (Thai and Indic vowel signs) stay
    return marks_kept(text).casefold()


# Cyrillic letters as Serbian writes them in Latin script (its two alphabets map one to one),
# the letters of the other Cyrillic alphabets as close to them: "Универзитет у Бањој Луци" is
# "Univerzitet u Banjoj Luci". Folding then drops the diacritics, as it does for Latin names.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h",
    "ц": "c", "ч": "č", "џ": "dž", "ш": "š", "щ": "šč", "й": "j", "ы": "y", "э": "e",
    "ю": "ju", "я": "ja", "ё": "e", "ъ": "", "ь": "", "є": "je", "і": "i", "ї": "ji",
    "ґ": "g", "ў": "u", "ѓ": "g", "ќ": "k", "ѕ": "dz",
}
_FROM_CYRILLIC = str.maketrans(
    {**_CYRILLIC, **{k.upper(): v.capitalize() for k, v in _CYRILLIC.items() if k.upper() != k}})


def _fold_word(text: str) -> str:
    if not text.isascii():
        text = text.translate(_FROM_CYRILLIC)
    text = fold(text)
    text = re.sub(r"^(?:l|d|dell|dall|nell|sull|all|qu|un)'(?=\w)", "", text)
    text = re.sub(r"'s$", "", text)
    if text == "&":
        return text
    return "".join(c for c in text if c.isalnum() or unicodedata.category(c).startswith("M"))


@lru_cache(maxsize=4096)
def _correct(folded: str) -> str | None:
    """The lexicon word a misspelt head word or descriptor stands for, if unambiguous."""
    vocab = vocabulary()
    if len(folded) < 6 or not folded.isalpha():
        return None
    if (folded,) in vocab.equivalents or folded in vocab.classes:
        return None
    limit = 2 if len(folded) >= 9 else 1
    hits = process.extract(folded, vocab.correctable, scorer=OSA.distance,
                           score_cutoff=limit, limit=3)
    if not hits:
        return None
    best = min(h[1] for h in hits)
    winners = sorted({h[0] for h in hits if h[1] == best})
    return winners[0] if len(winners) == 1 else None


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Word:
    """One written word (a hyphenated compound gives one per part) and what it stands for."""

    text: str  # as written, punctuation trimmed
    folded: str  # lower case, accents and punctuation removed
    canon: tuple[str, ...]  # canonical tokens ("" when it is part of a longer phrase)
    segment: int  # which part of the name it is in
    acronym: bool = False  # written as an acronym ("RWTH")
    quoted: bool = False  # in a quoted part ("La Sapienza")
    hyphen_next: bool = False  # joined to the next word by a hyphen
    dashed: bool = False  # its part is set off by a spaced dash ("BYU - Idaho")
    stop: bool = False  # an article, preposition or conjunction
    native: bool = False  # a word translated from another language
    corrected: bool = False  # a misspelt head word that was corrected
    abbreviated: bool = False  # an abbreviation that was expanded


@dataclass(frozen=True)
class NameForm:
    """A name reduced for comparison; see the module docstring for what is kept."""

    raw: str
    words: tuple[Word, ...]
    segments: tuple[tuple[str, ...], ...]  # canonical tokens of each part, acronyms apart
    acronyms: tuple[str, ...]  # acronym words, folded, in written order
    flat: tuple[str, ...]  # all canonical tokens in written order (acronyms included)
    acronym_flags: tuple[bool, ...]  # parallel to flat: is this token an acronym word
    flat_words: tuple[int, ...]  # parallel to flat: index of the word it comes from
    flat_segments: tuple[int, ...]  # parallel to flat: part it is in
    native: bool  # some word was translated from another language
    numbers: frozenset[str]  # "1" in "Lyon 1", "2" from a final "II"

    # Derived views, computed once per form: a form is compared with many others.

    @cached_property
    def key(self) -> str:
        """Order-sensitive canonical text: equal keys mean the same name."""
        return " ".join(self.flat)

    @cached_property
    def concat(self) -> str:
        """The key without spaces: "Viet Nam" and "Vietnam" agree here."""
        return "".join(self.flat)

    @cached_property
    def parts(self) -> tuple[tuple[str, ...], ...]:
        """Parts in a fixed order, each acronym a part of its own: order-free comparison."""
        return tuple(sorted((*[s for s in self.segments if s], *[(a,) for a in self.acronyms])))

    @cached_property
    def distinctive(self) -> tuple[str, ...]:
        return tuple(t for t in self.flat if is_distinctive(t))

    @cached_property
    def has_type(self) -> bool:
        return any(word_class(t) == TYPE for t in self.flat)

    @cached_property
    def shape(self) -> tuple[object, ...]:
        """All that comparing this name with another reads (``score.relate``): the form but
        for its raw text and its words' letters beyond the capital of the first. Spellings of
        one name that differ only in case or accents share a shape, so they are compared once.
        """
        words = tuple((w.canon, w.segment, w.acronym, w.quoted, w.hyphen_next, w.dashed,
                       w.stop, w.text[:1].isupper()) for w in self.words)
        return (self.flat, self.acronym_flags, self.flat_words, self.flat_segments,
                self.segments, self.acronyms, self.native, self.numbers, words)


# --------------------------------------------------------------------------- parsing


def _split_parts(text: str) -> list[tuple[str, bool, bool]]:
    """Bracketed and quoted spans, and runs between commas or spaced dashes, as parts
    (with whether the part was quoted, and whether a spaced dash sets it off)."""
    pieces = re.split(r'(\([^()]*\)|\[[^\[\]]*\]|"[^"]*")', text)
    parts: list[tuple[str, bool, bool]] = []
    for piece in pieces:
        if len(piece) >= 2 and piece[0] in '(["' and piece[-1] in ')]"':
            parts.append((piece[1:-1], piece[0] == '"', False))
            continue
        piece = re.sub(r'[()\[\]"]', ",", piece)  # an unclosed bracket still separates
        runs = re.split(r"([,;:]|\s-+\s|\s-+$|^-+\s)", piece)
        parts.extend((p, False, k > 0 and "-" in runs[k - 1])
                     for k, p in enumerate(runs) if k % 2 == 0)
    return [(p.strip(), q, d) for p, q, d in parts if p.strip()]


def _is_acronym_text(text: str, vocab: _Vocabulary, folded: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters):
        return False
    if len(letters) >= 3 and vocab.classes.get(folded) == STOP:
        # "DES Pune University": in a name written in mixed case, three capitals are an
        # acronym even when they spell an article elsewhere ("des", "der", "and")
        return folded not in _ROMAN
    return not (folded in _ROMAN or (folded,) in vocab.equivalents or folded in vocab.classes)


def _raw_words(text: str) -> list[tuple[str, int, bool, bool, bool]]:
    """(word, part index, joined-by-hyphen-to-next, quoted, part set off by a dash) for
    every written word."""
    out: list[tuple[str, int, bool, bool, bool]] = []
    for seg, (part, quoted, dashed) in enumerate(_split_parts(text)):
        for chunk in re.split(r"[\s/]+", part):
            pieces = [p for p in re.split(r"-+", chunk) if p.strip(".'")]
            for k, piece in enumerate(pieces):
                cleaned = piece.strip(".,;:!?*'")
                if cleaned:
                    out.append((cleaned, seg, k < len(pieces) - 1, quoted, dashed))
    return out


def _translate(words: list[Word]) -> list[Word]:
    """Apply equivalences (longest phrase first) and head-word corrections, part by part."""
    vocab = vocabulary()
    out: list[Word] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w.acronym:
            out.append(w)
            i += 1
            continue
        for n in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
            span = words[i : i + n]
            if any(s.segment != w.segment or s.acronym for s in span):
                continue
            hit = vocab.equivalents.get(tuple(s.folded for s in span))
            if hit is None:
                continue
            target, kind = hit
            head = replace(
                w, canon=target, native=kind == "word" and target != (w.folded,),
                abbreviated=kind == "abbr", stop=not target,
            )
            out.append(head)
            out.extend(replace(s, canon=()) for s in span[1:])
            i += n
            break
        else:
            corrected = _correct(w.folded)
            if corrected is not None:
                target, kind = vocab.equivalents.get((corrected,), ((corrected,), "spelling"))
                out.append(replace(w, canon=target, corrected=True, native=kind == "word"))
            else:
                out.append(w)
            i += 1
    return out


def _technical_university(words: list[Word]) -> list[Word]:
    """ "Technical University of X" and "X University of Technology" name one kind of body
    (TU München = Technical University of Munich = Munich University of Technology)."""
    out = list(words)
    for k, w in enumerate(out):
        if w.canon == ("technical", "university"):
            out[k] = replace(w, canon=("university", "technology"))
        elif (w.canon == ("technical",) and k + 1 < len(out)
              and out[k + 1].canon == ("university",) and out[k + 1].segment == w.segment):
            out[k] = replace(w, canon=("university",))
            out[k + 1] = replace(out[k + 1], canon=("technology",))
    return out


def _split_qualifier(words: list[Word]) -> list[Word]:
    """ "University of Illinois at Chicago": "Chicago" becomes a part of its own."""
    for k, w in enumerate(words):
        if k == 0 or w.folded not in _QUALIFIER_WORDS:
            continue
        before = [x for x in words[:k] if x.segment == w.segment]
        after = [x for x in words[k + 1 :] if x.segment == w.segment]
        head_before = any(word_class(t) == TYPE for x in before for t in x.canon)
        named_before = any(is_distinctive(t) for x in before for t in x.canon)
        plain_after = 1 <= len(after) <= 4 and all(
            word_class(t) not in (TYPE, GENERIC) for x in after for t in x.canon
        )
        if head_before and named_before and plain_after:
            shift = {id(x) for x in after}
            new_seg = max(x.segment for x in words) + 1
            return [replace(x, segment=new_seg) if id(x) in shift else x for x in words]
    return words


def _strip_country(words: list[Word], country: str | None) -> list[Word]:
    """Drop a trailing repetition of the row's own country ("..., India", "the Netherlands")."""
    if not country or len(words) < 3:
        return words
    last = words[-1].segment
    tail_starts = []
    if any(w.segment != last for w in words):
        tail_starts.append(next(k for k, w in enumerate(words) if w.segment == last))
    tail_starts += [k for k, w in enumerate(words) if w.folded == "the" and k > 0
                    and all(x.segment == w.segment for x in words[k:])]
    for start in tail_starts:
        rest = words[:start]
        if not any(is_distinctive(t) for w in rest for t in w.canon):
            continue
        text = " ".join(w.text for w in words[start:])
        match = parse_country(text, fuzzy=False)
        if match is not None and match.code == country:
            return rest
    return words


@lru_cache(maxsize=65536)
def parse_name(raw: str, country: str | None = None) -> NameForm:
    """Reduce a written institution name to its comparable form (cached: names repeat)."""
    vocab = vocabulary()
    text = unicodedata.normalize("NFKC", raw).translate(_PUNCT)
    written = _raw_words(text)
    letters = [c for w, *_ in written for c in w if c.isalpha()]
    shouting = bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)
    words: list[Word] = []
    for k, (word, seg, hyphen, quoted, dashed) in enumerate(written):
        folded = _fold_word(word)
        if not folded:
            continue
        # a name that is one word in capitals ("UNAM") is an acronym, not a shouted name
        acronym = (not shouting or len(written) == 1) and _is_acronym_text(word, vocab, folded)
        canon: tuple[str, ...] = (folded,)
        if k == len(written) - 1 and folded in _ROMAN and word.isupper() and k > 0:
            canon = (_ROMAN[folded],)
        words.append(Word(word, folded, canon, seg, acronym=acronym, quoted=quoted,
                          hyphen_next=hyphen, dashed=dashed))
    words = _translate(words)
    words = [replace(w, stop=w.stop or (bool(w.canon) and all(word_class(t) == STOP
                                                               for t in w.canon)))
             for w in words]
    words = _technical_university(words)
    words = _split_qualifier(words)
    words = _strip_country(words, country)
    return assemble(raw, words)


def assemble(raw: str, words: list[Word] | tuple[Word, ...]) -> NameForm:
    """Build the comparable form from (possibly edited) words."""
    flat: list[str] = []
    flags: list[bool] = []
    origin: list[int] = []
    seg_of: list[int] = []
    segs: dict[int, list[str]] = {}
    acronyms: list[str] = []
    for k, w in enumerate(words):
        if w.acronym:
            acronyms.append(w.folded)
            flat.append(w.folded)
            flags.append(True)
            origin.append(k)
            seg_of.append(w.segment)
            continue
        for t in w.canon:
            if word_class(t) == STOP:
                continue
            flat.append(t)
            flags.append(False)
            origin.append(k)
            seg_of.append(w.segment)
            segs.setdefault(w.segment, []).append(t)
    segments = tuple(tuple(segs[k]) for k in sorted(segs))
    return NameForm(
        raw=raw,
        words=tuple(words),
        segments=segments,
        acronyms=tuple(acronyms),
        flat=tuple(flat),
        acronym_flags=tuple(flags),
        flat_words=tuple(origin),
        flat_segments=tuple(seg_of),
        native=any(w.native for w in words),
        numbers=frozenset(t for t in flat if t.isdigit()),
    )


# --------------------------------------------------------------------------- acronyms


@dataclass(frozen=True)
class Contraction:
    """A name with the words an acronym abbreviates replaced by the acronym."""

    form: NameForm
    span_text: str  # the abbreviated words as written
    span_tokens: tuple[str, ...]  # their canonical tokens


def initials(form: NameForm) -> set[str]:
    """Acronyms the name's whole run of words could be written as (with and without the
    initials of its articles and prepositions)."""
    words = [w for w in form.words if w.canon or not w.stop]
    every = "".join(w.folded[:1] for w in words)
    content = "".join(w.folded[:1] for w in words if not w.stop)
    return {x for x in (every, content) if len(x) >= 2}


def contractions(form: NameForm, acronym: str) -> list[Contraction]:
    """Every way ``acronym`` abbreviates a run of the name's words: "RWTH" in
    "Rheinisch-Westfälische Technische Hochschule Aachen" gives "RWTH Aachen". Initials are
    taken from each part of a hyphenated compound, with or without the small words."""
    letters = acronym.lower()
    if len(letters) < 3 or not letters.isalpha():
        return []
    words = form.words
    out: list[Contraction] = []
    for i, first in enumerate(words):
        if first.stop or first.acronym or not first.canon:
            continue
        every = content = ""
        for j in range(i, len(words)):
            w = words[j]
            if w.segment != first.segment or w.acronym:
                break
            every += w.folded[:1]
            if not w.stop:
                content += w.folded[:1]
            if not w.stop and letters in (every, content) and j > i:
                span = words[i : j + 1]
                token = Word(acronym.upper(), letters, (letters,), first.segment, acronym=True)
                new = assemble(form.raw, [*words[:i], token, *words[j + 1 :]])
                span_tokens = tuple(t for s in span for t in s.canon if word_class(t) != STOP)
                out.append(Contraction(new, " ".join(s.text for s in span), span_tokens))
            if len(every) > len(letters) and len(content) > len(letters):
                break
    return out


def with_acronym(form: NameForm, acronym: str) -> NameForm:
    """The form with a known acronym of the institution added as a part of its own."""
    letters = acronym.lower()
    if letters in form.acronyms:
        return form
    seg = max((w.segment for w in form.words), default=0) + 1
    token = Word(acronym, letters, (letters,), seg, acronym=True)
    return assemble(form.raw, [*form.words, token])


def acronym_of(text: str) -> str | None:
    """The acronym a written acronym field stands for ("TU Berlin" is a name, not one)."""
    cleaned = re.sub(r"[.\s&-]", "", unicodedata.normalize("NFKC", text))
    if 2 <= len(cleaned) <= 10 and cleaned.isalnum() and any(c.isalpha() for c in cleaned) \
            and sum(c.isupper() for c in cleaned) >= max(2, len(cleaned) - 2):
        return fold(cleaned)
    return None


# --------------------------------------------------------------------------- places


@lru_cache(maxsize=4096)
def place_tokens(city: str) -> tuple[str, ...]:
    """A city cell as canonical tokens: "Kijów" -> ("kyiv",), "Bethlehem (Pensylwania)" ->
    ("bethlehem",); the bracketed or comma-separated region is left out."""
    main = re.split(r"[(,]", city, maxsplit=1)[0]
    form = parse_name(main)
    return tuple(t for t in form.flat if word_class(t) != STOP)


# --------------------------------------------------------------------------- canonical words


@lru_cache(maxsize=1 << 18)
def canonical_words(text: str) -> tuple[tuple[str, ...], bool]:
    """(canonical English tokens of a name in written order, whether a word was translated).

    The light cousin of :func:`parse_name` for comparing a name with registry records in
    bulk: folding, elisions, the equivalence table (translations, abbreviations, place names)
    and the "technical university" phrase, but no spelling correction, acronym or part
    detection. Used to index every name of a ROR dump, so it must stay cheap.
    """
    vocab = vocabulary()
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    raw = [x for x in re.split(r"[\s/\-,;:()\[\]\"]+", text) if x]
    if len(raw) > 1 and raw[-1].isupper() and raw[-1].lower() in _ROMAN:
        raw[-1] = _ROMAN[raw[-1].lower()]  # "Université Grenoble I" is number 1, not "and"
    words = [w for w in map(_fold_word, raw) if w]
    out: list[str] = []
    native = False
    i = 0
    while i < len(words):
        for n in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
            hit = vocab.equivalents.get(tuple(words[i:i + n]))
            if hit is not None:
                target, kind = hit
                native = native or (kind == "word" and target != (words[i],))
                out.extend(target)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    tokens = [t for t in out if vocab.classes.get(t) != STOP]
    for k in range(len(tokens) - 1):
        # "Technical University", "Universidad Técnica", "University of Technology": one kind
        if {tokens[k], tokens[k + 1]} == {"technical", "university"}:
            tokens[k], tokens[k + 1] = "university", "technology"
    return tuple(tokens), native


def canonical_key(text: str) -> str:
    """The canonical words of a name in a fixed order: equal for translations and for the
    same words in another order ("Uniwersytet Europejski" / "European University")."""
    return " ".join(sorted(canonical_words(text)[0]))
