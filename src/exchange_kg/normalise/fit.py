"""Does a field fit its row?

Spreadsheet exports drift: in one partner list the website and continent columns slide against
the rest of the row for a long stretch, so a row about a Kazakh university carries a Colombian
web address. Nothing in a single cell looks wrong; only comparing the cell with the rest of its
row (and with neighbouring rows) shows it. This module weighs that evidence:

* :func:`continent_fits` — is the continent written in the row one its country lies in?
* :func:`website_fits` — does the address belong to the row's institution? Evidence is the
  country-code top-level domain against the row's country, and the registered domain against the
  institution's name (words, acronyms, initialisms such as ``uctm`` for "University of Chemical
  Technology and Metallurgy").
* :func:`shifted_cells` — a post-pass over a whole table: a value that does not fit its own row
  but clearly fits another nearby row was shifted; it is flagged and withheld.

Everything here is conservative: "cannot tell" (``None``) is the answer whenever there is no real
evidence, because a wrongly withheld website costs less than a wrongly published one, and a
flood of doubtful flags hides the real ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import tldextract
from rapidfuzz import fuzz

from exchange_kg.normalise.vocabulary import Vocabulary, active, builtin_entries, data_rows, entries
from exchange_kg.records import Flag

# A name score at or above FIT_SCORE counts as "the address belongs to this institution";
# OWNER_SCORE is the stricter bar for naming *another* row as the owner of a value.
FIT_SCORE = 0.6
OWNER_SCORE = 0.75
STRONG_SCORE = 0.8
OWNER_MARGIN = 0.15

CONTINENTS = ("africa", "antarctica", "asia", "europe", "north-america", "oceania",
              "south-america")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that may be skipped (or used) by an initialism: "University *of* Zagreb" -> unizg.
STOPWORDS = _wordset(
    "a an and at after by da das de degli del della dell der des di die do dos du e el en et "
    "for fur i im in la le les los named of on the to und van von w we y z zu"
)

# Bare ccTLDs sold world-wide as vanity domains; on their own they say nothing about a country.
# Under a national second level (edu.co, ac.me) they still do.
VANITY_TLDS = _wordset("ac ai cc co fm gg io la ly me nu sh tk to tv ws")

# ccTLDs that are not the ISO code of their country.
TLD_COUNTRY = {"uk": "GB", "su": "RU"}

# Territories whose institutions may use the sovereign's domain and vice versa.
PART_OF = {
    "HK": "CN", "MO": "CN",
    "PR": "US", "GU": "US", "VI": "US", "AS": "US", "MP": "US", "UM": "US",
    "RE": "FR", "GP": "FR", "MQ": "FR", "GF": "FR", "YT": "FR", "PF": "FR", "NC": "FR",
    "PM": "FR", "BL": "FR", "MF": "FR", "WF": "FR", "TF": "FR",
    "VG": "GB", "BM": "GB", "KY": "GB", "GI": "GB", "FK": "GB", "MS": "GB", "TC": "GB",
    "AI": "GB", "SH": "GB", "IO": "GB", "PN": "GB", "GS": "GB", "IM": "GB", "JE": "GB",
    "GG": "GB",
    "AW": "NL", "CW": "NL", "SX": "NL", "BQ": "NL",
    "GL": "DK", "FO": "DK", "AX": "FI", "SJ": "NO", "BV": "NO",
    "CX": "AU", "CC": "AU", "NF": "AU", "HM": "AU", "CK": "NZ", "NU": "NZ", "TK": "NZ",
}

# Host labels that name a language version or a portal, not the institution.
GENERIC_LABELS = _wordset(
    "en eng english web portal portale inter international study home main m old new int "
    "global iro erasmus w3"
)

# Path segments that carry no name evidence.
GENERIC_PATH = _wordset(
    "index html htm php aspx asp shtml default home main page pages portal english about "
    "contact contactus welcome inicio accueil module info list action structure branches "
    "public online menu eng_web version"
)

_APOSTROPHES = re.compile(r"['’`´]")
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "ß": "ss", "æ": "ae",
                       "œ": "oe", "þ": "th"})
# Spelling variants across languages (Katolicki/Catholic, Winnicki/Vinnytsia): both sides of a
# comparison go through this, so it only ever makes near-spellings equal.
_PHONETIC = str.maketrans({"k": "c", "w": "v", "y": "i"})


def fold(text: str) -> str:
    """Lower-case ASCII-ish form, so "Montanuniversität" and "montanuniversitat" compare equal."""
    if text.isascii():
        return text.lower()  # the same, without the per-letter work (most names)
    text = text.lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    """Words of a name; apostrophes join ("Xi'an" -> "xian") because acronyms treat it as one."""
    return re.findall(r"[^\W_]+", _APOSTROPHES.sub("", fold(text)))


# --------------------------------------------------------------------------------- continents


@lru_cache(maxsize=1)
def _country_continents() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for row in data_rows("continents.tsv"):
        code, primary = row[0].strip().upper(), row[1].strip()
        alternates = [a for a in (row[3] if len(row) > 3 else "").strip().split("|") if a]
        table[code] = (primary, *alternates)
    return table


def _continent_key(text: str) -> str:
    return " ".join(_words(text))


@lru_cache(maxsize=64)
def _continent_names(vocabulary: Vocabulary) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for entry in entries("continents", vocabulary):
        table.setdefault(_continent_key(entry.text), tuple(entry.value.split("|")))
    return table


def continents_of(country_code: str) -> tuple[str, ...] | None:
    """Continents a country lies in, the conventional one first; None for an unknown code."""
    return _country_continents().get(country_code.strip().upper())


def parse_continent(text: str) -> tuple[str, ...] | None:
    """Continents a written continent name may mean ("Ameryka" means either America).

    A heading that joins continent names with "and" in any language ("Asia og Oseania",
    "Afrika en het Midden-Oosten", "亚洲和大洋洲") means all of them; a heading with any
    other word in it is no continent.
    """
    names = _continent_names(active())
    key = _continent_key(text)
    found = names.get(key)
    if found is not None or not key:
        return found
    parts = _joined_parts(text)
    if len(parts) < 2:
        return None
    union: list[str] = []
    for part in parts:
        codes = names.get(part)
        if codes is None:
            return None
        union.extend(c for c in codes if c not in union)
    return tuple(union)


# "and" between continent names, and the articles after it ("Afrika en het Midden-Oosten")
_AND = _wordset("and und et y e i og och en ja es ve και и і a si ir un in oraz")
_ARTICLES = _wordset("the het de der die das le la les el los las o os il lo")
_CJK_AND = re.compile(r"[和与與及、・·]")


def _joined_parts(text: str) -> list[str]:
    """The continent keys a heading joins with "and", "&", "/", "," or "+"."""
    parts: list[list[str]] = [[]]
    for chunk in _CJK_AND.split(re.sub(r"[&/,+]", " and ", text)):
        if parts[-1]:
            parts.append([])
        for word in _words(chunk):
            if word in _AND:
                if parts[-1]:
                    parts.append([])
            elif parts[-1] or word not in _ARTICLES:
                parts[-1].append(word)
    return [" ".join(p) for p in parts if p]


def continent_fits(continent_text: str, country_code: str) -> tuple[bool | None, str]:
    """Whether the continent written in a row is one the row's country lies in.

    None when either side cannot be read: an unknown name is the normaliser's problem, not a
    sign that the cell belongs elsewhere.
    """
    named = parse_continent(continent_text)
    if named is None:
        return None, f"{continent_text!r} is not a continent name we know"
    if not country_code:
        return None, "the row's country is unknown"
    actual = continents_of(country_code)
    if actual is None:
        return None, f"no continent recorded for country code {country_code}"
    if set(named) & set(actual):
        return True, f"{country_code} lies in {'/'.join(actual)}"
    return False, (f"{continent_text!r} ({'/'.join(named)}) does not fit {country_code}, "
                   f"which lies in {'/'.join(actual)}")


# ----------------------------------------------------------------------------- web addresses


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # The bundled suffix-list snapshot only: no network, no cache files, same answer every run.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@dataclass(frozen=True)
class SiteAddress:
    """The parts of a web address that say who it belongs to."""

    host: str
    domain: str  # registered label, e.g. "tu-varna"
    labels: tuple[str, ...]  # subdomain labels worth comparing, e.g. ("nimte",)
    suffix: str  # public suffix, e.g. "edu.co"
    country: str | None  # ISO alpha-2 the suffix names, if any
    country_strong: bool  # False for a bare vanity ccTLD such as ".io"
    path_words: tuple[str, ...]


def _split_address(url: str) -> tuple[str, str]:
    """(host, rest) of an address with or without a scheme ("gtu.ge/en/" has none)."""
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.IGNORECASE).lstrip("/")
    cut = re.search(r"[/?#]", text)
    return (text, "") if cut is None else (text[: cut.start()], text[cut.start():])


def _clean_host(host: str) -> str:
    """Repair spaces typed into a host: "www oulu.fi" -> www.oulu.fi, "u Toledo.edu" -> utoledo."""
    host = host.strip().lower()
    host = re.sub(r"^(w{2,3}\d*)\s+", r"\1.", host)
    host = re.sub(r"\s+", "", host)
    host = host.split("@")[-1].split(":")[0].strip(".")
    return host


MAX_HOST, MAX_LABEL = 253, 63  # the limits of a DNS name (RFC 1035)


@lru_cache(maxsize=65536)
def parse_site(url: str) -> SiteAddress | None:
    """Split a web address as a list writes it; None when it has no recognisable host.

    Cached: the shift detector compares each doubtful address with two dozen neighbouring
    rows, and every comparison starts here."""
    if not url or not url.strip():
        return None
    host, path = _split_address(url)
    host = _clean_host(host)
    if "." not in host or len(host) > MAX_HOST or any(
            len(label) > MAX_LABEL for label in host.split(".")):
        return None  # DNS allows no longer name: this is not a host
    ext = _extractor()(host)
    if not ext.suffix or not ext.domain:
        return None
    country, strong = _suffix_country(ext.suffix)
    labels = tuple(
        label for label in ext.subdomain.split(".")
        if label and not re.fullmatch(r"w+\d*", label) and label not in GENERIC_LABELS
    )
    path_words = tuple(
        w.translate(_PHONETIC) for w in re.findall(r"[a-z]+", fold(path))
        if len(w) >= 4 and w not in GENERIC_PATH
    )
    return SiteAddress(host, ext.domain, labels, ext.suffix, country, strong, path_words)


def _suffix_country(suffix: str) -> tuple[str | None, bool]:
    top = suffix.rsplit(".", 1)[-1]
    if len(top) != 2 or not top.isalpha() or top == "eu":
        return None, False
    code = TLD_COUNTRY.get(top, top.upper())
    strong = "." in suffix or top not in VANITY_TLDS
    return code, strong


def same_country(a: str, b: str) -> bool:
    """Same country, or a territory and its sovereign (.hk for a Chinese row is no misfit)."""
    a, b = a.upper(), b.upper()
    return a == b or PART_OF.get(a) == b or PART_OF.get(b) == a or (
        a in PART_OF and PART_OF.get(a) == PART_OF.get(b))


# ------------------------------------------------------------------------ name vs domain label


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[tuple[str, ...], tuple[str, ...]]:
    institution, generic = [], []
    for row in data_rows("institution-words.tsv"):
        stem, kind = fold(row[0].strip()), row[1].strip()
        (institution if kind == "institution" else generic).append(stem)
    return tuple(institution), tuple(generic)


def institution_stems() -> tuple[str, ...]:
    """Stems of words that say "this is an institution" (university, instytut, école...)."""
    return _vocabulary()[0]


def looks_like_institution(text: str) -> bool:
    """Whether a cell names an institution rather than a place (used to spot swapped cells).

    Scripts that write a name without spaces ("北京大学", "서울대학교") hold the word
    inside the name's one word, so there a stem counts anywhere in it."""
    stems = institution_stems()
    return any(w.startswith(stems) or (UNSPACED_SCRIPT.search(w) and any(s in w for s in stems))
               for w in _words(text))


@lru_cache(maxsize=1)
def _column_names() -> frozenset[str]:
    from exchange_kg.normalise.country import text_key

    return frozenset(text_key(e.text) for e in builtin_entries("headers")
                     if e.value not in ("partner", "other_name"))


def names_a_column(text: str) -> bool:
    """Whether a cell is the name of a column of another field ("País", "Fecha de inicio",
    "Places"): a table read across its grain (a sheet with a partner in each column) puts
    such names where partners were looked for, and no institution is called so."""
    from exchange_kg.normalise.country import text_key

    return text_key(text) in _column_names() and not looks_like_institution(text)


# Han, kana and Hangul: scripts whose names run their words together
UNSPACED_SCRIPT = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff"
                       r"\uac00-\ud7af\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _phonetic_vocabulary() -> tuple[frozenset[str], tuple[str, ...]]:
    institution, generic = _vocabulary()
    stems = tuple(stem.translate(_PHONETIC) for stem in institution + generic)
    return frozenset(w.translate(_PHONETIC) for w in STOPWORDS), stems


@lru_cache(maxsize=4096)
def _names_a_country(word: str) -> bool:
    from exchange_kg.normalise.country import countries_in_name

    return len(word) >= 4 and bool(countries_in_name(word))


@dataclass(frozen=True)
class NameWords:
    """An institution name prepared for comparison with a host label.

    Words are folded and spelled phonetically (k->c, w->v, y->i). ``generic`` marks words that
    prove nothing when they match (university, national, country names...), ``stop`` words an
    initialism may skip ("of"), ``acronym`` acronyms the name itself spells out ("(ENST)").
    """

    words: tuple[str, ...]
    generic: tuple[bool, ...]
    stop: tuple[bool, ...]
    acronym: tuple[bool, ...]

    # computed once: a name is compared with every doubtful address in its neighbourhood

    @cached_property
    def content(self) -> tuple[int, ...]:
        return tuple(i for i, s in enumerate(self.stop) if not s)

    @cached_property
    def distinctive(self) -> tuple[int, ...]:
        return tuple(i for i, g in enumerate(self.generic) if not g)


def _parenthesised(text: str) -> list[str]:
    r"""What ``re.findall(r"\(([^)]*)\)", text)`` finds, without its quadratic retries from
    every "(" of a text that never closes them."""
    found: list[str] = []
    pos = 0
    while (start := text.find("(", pos)) >= 0:
        end = text.find(")", start + 1)
        if end < 0:
            break
        found.append(text[start + 1 : end])
        pos = end + 1
    return found


def _acronyms(text: str) -> set[str]:
    """Words the name marks as its own acronym: in parentheses, or capitals in a mixed-case name."""
    found = {fold(w) for inner in _parenthesised(text)
             for w in re.findall(r"[^\W_]+", inner) if len(w) <= 8}
    if any(c.islower() for c in text):
        found |= {fold(w) for w in re.findall(r"[^\W_]+", text)
                  if 2 <= len(w) <= 8 and w.isupper()}
    return found


@lru_cache(maxsize=8192)
def name_words(institution: str) -> NameWords:
    stop_p, stems = _phonetic_vocabulary()
    acronyms = _acronyms(_APOSTROPHES.sub("", institution))
    words, generic, stop, acronym = [], [], [], []
    for raw in _words(institution):
        word = raw.translate(_PHONETIC)
        is_stop = word in stop_p
        is_acronym = raw in acronyms
        words.append(word)
        stop.append(is_stop)
        acronym.append(is_acronym)
        generic.append(not is_acronym and (
            is_stop or len(word) < 3 or word.startswith(stems)
            or _names_a_country(raw)))
    return NameWords(tuple(words), tuple(generic), tuple(stop), tuple(acronym))


@dataclass(frozen=True)
class NameMatch:
    """How well an address matches a name. ``distinctive`` evidence (a rare word, a long
    initialism in order, the name spelled in the path) may attribute the address to a row other
    than its own; weak evidence (three initials, a city) may only confirm the row it sits in."""

    score: float
    how: str
    distinctive: bool = False


NO_MATCH = NameMatch(0.0, "nothing in the address matches the name")


def _is_abbreviation(piece: str, word: str) -> bool:
    """piece starts like word and its letters occur in word in order ("zg" for "zagreb")."""
    if not piece or piece[0] != word[0]:
        return False
    rest = iter(word[1:])
    return all(ch in rest for ch in piece[1:])


Chunks = tuple[tuple[str, int], ...]  # (piece of the label, index of the word it abbreviates)

# Pieces of a label an abbreviation search may try. Unordered readings track the set of words
# used (2**words states), so a long name and a label of its initials could take forever; real
# labels need a few hundred tries (the bundled lists: under 500); a search past this gives
# up (no match).
MAX_ABBREVIATION_TRIES = 20_000


class _TooHard(Exception):
    """The abbreviation search ran out of tries."""


def _align(label: str, name: NameWords, ordered: bool) -> Chunks | None:
    """Best reading of a label as abbreviations of the name's words, each word used once.

    ``ordered`` keeps the name's word order; unordered readings allow for translations that
    move adjectives ("Kazachski Uniwersytet Narodowy" is KazNU).
    """
    words = name.words
    memo: dict[tuple[int, int], tuple[float, Chunks] | None] = {}
    tries = 0

    def best(pos: int, state: int) -> tuple[float, Chunks] | None:
        nonlocal tries
        if pos == len(label):
            return 0.0, ()
        if (pos, state) in memo:
            return memo[(pos, state)]
        found: tuple[float, Chunks] | None = None
        candidates = range(state, len(words)) if ordered else range(len(words))
        for wi in candidates:
            word = words[wi]
            if word[0] != label[pos] or (not ordered and state >> wi & 1):
                continue
            tries += len(label) - pos
            if tries > MAX_ABBREVIATION_TRIES:
                raise _TooHard
            for end in range(len(label), pos, -1):
                piece = label[pos:end]
                if not (word.startswith(piece) or (
                        not name.generic[wi] and _is_abbreviation(piece, word))):
                    continue
                tail = best(end, wi + 1 if ordered else state | 1 << wi)
                if tail is None:
                    continue
                gain = 0.0 if name.stop[wi] else 1.0
                if len(piece) >= 3 and word.startswith(piece) and not name.generic[wi]:
                    gain += 10.0
                total = gain + tail[0]
                if found is None or total > found[0]:
                    found = (total, ((piece, wi), *tail[1]))
        memo[(pos, state)] = found
        return found

    result = best(0, 0)
    return None if result is None else result[1]


def _abbreviation_match(joined: str, name: NameWords, ordered: bool) -> NameMatch:
    try:
        chunks = _align(joined, name, ordered)
    except _TooHard:
        return NO_MATCH
    content = name.content
    if chunks is None or not content:
        return NO_MATCH
    covered = {i for _, i in chunks if not name.stop[i]}
    coverage = len(covered) / len(content)
    strong = any(len(p) >= 3 and name.words[i].startswith(p) and not name.generic[i]
                 for p, i in chunks)
    how = f"{joined!r} abbreviates the name ({'+'.join(p for p, _ in chunks)})"
    penalty = 0.0 if ordered else 0.05
    if strong and len(joined) >= 4:
        return NameMatch(0.9 + 0.1 * coverage - penalty, how, True)
    # An initialism attributes an address only if it is long, keeps the name's order and
    # leaves out none of the name's distinctive words ("mstu" is not Moscow State *Mining* U.).
    distinctive = (ordered and len(joined) >= 4 and coverage >= 0.75
                   and set(name.distinctive) & set(content) <= covered)
    if len(chunks) >= 3:
        return NameMatch(0.5 + 0.5 * coverage - penalty, how, distinctive)
    if len(chunks) == 2:
        return NameMatch(0.4 + 0.4 * coverage - penalty, how, distinctive)
    return NameMatch(0.2 * coverage, how)


def _word_match(label: str, parts: list[str], joined: str, name: NameWords) -> NameMatch:
    """A label that is, contains or nearly spells a distinctive word of the name."""
    words = name.words
    for i in name.distinctive:
        if words[i] in parts and len(words[i]) >= 3:
            distinctive = len(words[i]) >= 4 or name.acronym[i]
            return NameMatch(1.0, f"{label!r} is the word {words[i]!r} of the name", distinctive)
    for i in sorted(name.distinctive, key=lambda i: -len(words[i])):
        if len(words[i]) >= 4 and words[i] in joined:
            long = len(words[i]) >= 5
            return NameMatch(0.9 if long else 0.75, f"{label!r} contains {words[i]!r}", long)
    for i in name.distinctive:
        for part in parts:
            if min(len(part), len(words[i])) >= 5 and fuzz.ratio(part, words[i]) >= 80:
                return NameMatch(0.8, f"{label!r} nearly spells {words[i]!r}", True)
    spelled = "".join(words[i] for i in name.content)
    if len(joined) >= 8 and fuzz.ratio(joined, spelled) >= 85:
        return NameMatch(0.85, f"{label!r} nearly spells the whole name", True)
    return NO_MATCH


def _label_match(label: str, name: NameWords) -> NameMatch:
    """How well one host label matches a name."""
    phonetic = fold(label).translate(_PHONETIC)
    parts = [p for p in re.split(r"[^a-z0-9]+", phonetic) if p]
    joined = "".join(parts)
    if len(joined) < 2:
        return NO_MATCH
    matches = [_word_match(label, parts, joined, name),
               _abbreviation_match(joined, name, ordered=True),
               _abbreviation_match(joined, name, ordered=False)]
    if len(joined) >= 4:
        initials = "".join(name.words[i][0] for i in name.content)
        if fuzz.ratio(joined, initials) >= 85:
            matches.append(NameMatch(0.75, f"{label!r} is close to the initials {initials!r}"))
    return max(matches, key=lambda m: (m.score, m.distinctive))


def _path_match(site: SiteAddress, name: NameWords) -> NameMatch:
    """Directory-style pages spell the name in the path (/karaqanda-state-industrial-university)."""
    hits = sorted({
        name.words[i] for i in name.distinctive
        if len(name.words[i]) >= 5
        and any(fuzz.ratio(name.words[i], p) >= 85 for p in site.path_words)
    })
    if len(hits) >= 2:
        return NameMatch(STRONG_SCORE, f"the address path spells {', '.join(hits)}", True)
    if hits:
        return NameMatch(0.45, f"the address path mentions {hits[0]}")
    return NO_MATCH


def _city_match(site: SiteAddress, city: str | None) -> NameMatch:
    """A host naming the institution's city ("univ-orleans" in Orléans) is supporting evidence."""
    if not city:
        return NO_MATCH
    host_letters = re.sub(r"[^a-z]", "", fold(site.domain + "".join(site.labels)))
    host_letters = host_letters.translate(_PHONETIC)
    city_words = name_words(city)
    for i in city_words.distinctive:
        word = city_words.words[i]
        if len(word) >= 5 and word in host_letters:
            return NameMatch(0.65, f"the host names the city {word!r}")
    return NO_MATCH


@lru_cache(maxsize=65536)
def name_match(url: str, institution: str, city: str | None = None) -> NameMatch:
    """How well an address's host (and path) matches an institution's name."""
    site = parse_site(url)
    if site is None:
        return NameMatch(0.0, "not a web address")
    name = name_words(institution)
    if not name.words:
        return NameMatch(0.0, "no institution name")
    matches = [_label_match(site.domain, name)]
    for label in site.labels:  # subdomains: "nimte" in english.nimte.cas.cn
        m = _label_match(label, name)
        matches.append(NameMatch(round(m.score * 0.9, 3), m.how, m.distinctive))
    matches += [_path_match(site, name), _city_match(site, city)]
    best = max(matches, key=lambda m: (m.score, m.distinctive))
    return NameMatch(round(best.score, 3), best.how or NO_MATCH.how, best.distinctive)


def _judge(url: str, institution: str, country_code: str | None,
           city: str | None) -> tuple[bool | None, str, NameMatch]:
    site = parse_site(url)
    if site is None:
        return None, f"{url!r} is not a web address we can read", NameMatch(0.0, "")
    match = name_match(url, institution, city)
    mismatch = (country_code and site.country and site.country_strong
                and not same_country(site.country, country_code))
    if mismatch:
        where = f".{site.suffix} is {site.country}, the row's country is {country_code}"
        if match.score >= STRONG_SCORE:
            return None, f"{where}, yet {match.how}", match
        return False, where, match
    if match.score >= FIT_SCORE:
        return True, match.how, match
    if match.score > 0:
        return None, f"only weak evidence that it belongs here: {match.how}", match
    return None, match.how, match


def website_fits(url: str, institution: str, country_code: str | None,
                 city: str | None = None) -> tuple[bool | None, str, float]:
    """Whether a web address belongs to the row's institution: (fit, reason, name score).

    False only on real evidence — a national domain of another country, with no strong name
    match to explain it (a branch campus may use its parent's domain). Generic domains (.edu,
    .org, .com) and vanity ccTLDs say nothing about the country. ``city`` is optional extra
    evidence.
    """
    fit, reason, match = _judge(url, institution, country_code, city)
    return fit, reason, match.score


# ------------------------------------------------------------------ whole-table shift detection


@dataclass(frozen=True)
class Row:
    """What the shift detector needs to know about one table row."""

    name: str  # how messages refer to the row, e.g. "row 182 (line 188)"
    institution: str
    country_code: str | None
    city: str | None = None
    website: str | None = None
    continent: str | None = None


@dataclass(frozen=True)
class _Evidence:
    """What is known about one row's website before deciding whether to flag it."""

    fit: bool | None
    reason: str
    score: float
    owners: tuple[int, ...] = ()  # rows the address fits instead, best first
    distinctive: bool = False  # the owners were found on distinctive evidence
    duplicate_of: tuple[int, ...] = ()  # rows where the same address fits


def shifted_cells(rows: Sequence[Row], fields: Sequence[str] = ("website", "continent"),
                  window: int = 12) -> dict[int, list[Flag]]:
    """Flags for website/continent values that do not fit their row, keyed by row index.

    A website is flagged (and withheld) when it does not fit its own row and

    * its country domain contradicts the row ("cell-misfit", or "shifted-cell" naming the row
      it fits), or
    * the very same address sits in a nearby row where it fits (a copied or slid cell), or
    * it fits another nearby row on distinctive evidence *and* a neighbouring row is off too —
      shifts come in stretches, while a lone look-alike acronym is coincidence, or
    * both neighbours are flagged: it sits inside a shifted stretch, owner unknown.

    A misfit continent is flagged too, naming the row its website went to when that row's
    country fits. A value that fits its own row is never flagged.
    """
    flags: dict[int, list[Flag]] = {}
    owners: dict[int, tuple[int, ...]] = {}
    if "website" in fields:
        evidence = [_website_evidence(rows, i, window) for i in range(len(rows))]
        for i, flag, owner_rows in _website_flags(rows, evidence):
            flags.setdefault(i, []).append(flag)
            if owner_rows:
                owners[i] = owner_rows
    if "continent" in fields:
        for i, flag in _continent_flags(rows, owners, window):
            flags.setdefault(i, []).append(flag)
    return flags


def _window(i: int, n: int, window: int) -> list[int]:
    """Other rows near row i, nearest first (then earlier first), so ties favour neighbours."""
    others = [j for j in range(max(0, i - window), min(n, i + window + 1)) if j != i]
    return sorted(others, key=lambda j: (abs(j - i), j))


def _host_key(url: str) -> str | None:
    site = parse_site(url)
    if site is None:
        return None
    return re.sub(r"^w+\d*\.", "", site.host)


def _same_address_fits(other: Row, host: str | None) -> bool:
    """Whether another row gives the same host and it fits that row."""
    if host is None or not _has_value(other.website) or _host_key(other.website or "") != host:
        return False
    return _judge(other.website or "", other.institution, other.country_code,
                  other.city)[0] is True


def _has_value(text: str | None) -> bool:
    return bool(text and text.strip())


def _website_evidence(rows: Sequence[Row], i: int, window: int) -> _Evidence | None:
    row = rows[i]
    if not _has_value(row.website):
        return None
    url = row.website or ""
    fit, reason, own = _judge(url, row.institution, row.country_code, row.city)
    if fit is True:
        return _Evidence(True, reason, own.score)
    scored: list[tuple[float, bool, int]] = []
    duplicates: list[int] = []
    host = _host_key(url)
    for j in _window(i, len(rows), window):
        other = rows[j]
        other_fit, _, match = _judge(url, other.institution, other.country_code, other.city)
        if other_fit is not True:
            continue
        if match.score >= OWNER_SCORE and match.score >= own.score + OWNER_MARGIN:
            scored.append((match.score, match.distinctive, j))
        if _same_address_fits(other, host):
            duplicates.append(j)
    if not scored:
        return _Evidence(fit, reason, own.score, duplicate_of=tuple(duplicates))
    best = max(score for score, _, _ in scored)
    near = [(d, j) for score, d, j in scored if score >= best - 0.05][:3]
    return _Evidence(fit, reason, own.score, tuple(j for _, j in near),
                     any(d for d, _ in near), tuple(duplicates))


def _suspect(e: _Evidence | None) -> bool:
    """A website that, on its own evidence, looks out of place (for judging its neighbours)."""
    return e is not None and e.fit is not True and (
        e.fit is False or e.distinctive or bool(e.duplicate_of))


def _website_flags(rows: Sequence[Row], evidence: Sequence[_Evidence | None]):
    decided: dict[int, tuple[Flag, tuple[int, ...]]] = {}
    for i, e in enumerate(evidence):
        if e is None or e.fit is True:
            continue
        near = [evidence[k] for k in (i - 2, i - 1, i + 1, i + 2) if 0 <= k < len(evidence)]
        value = rows[i].website
        if e.duplicate_of:
            names = _names(rows, e.duplicate_of)
            message = (f"website does not match this row ({e.reason}); the same address is "
                       f"given for {names}, where it fits: a copied or shifted cell")
            decided[i] = (Flag("website", "shifted-cell", message, value, True), e.duplicate_of)
        elif e.owners and (e.fit is False or (e.distinctive and any(map(_suspect, near)))):
            message = (f"website does not match this row ({e.reason}) but matches "
                       f"{_names(rows, e.owners)}: the column seems shifted against the row")
            decided[i] = (Flag("website", "shifted-cell", message, value, True), e.owners)
        elif e.fit is False:
            message = f"website does not fit this row: {e.reason}"
            decided[i] = (Flag("website", "cell-misfit", message, value, True), ())
    for i, e in enumerate(evidence):
        if e is None or e.fit is not None or i in decided:
            continue
        if i - 1 in decided and i + 1 in decided:
            message = (f"website does not match this row ({e.reason}) and both neighbouring "
                       "rows carry shifted websites: this one is most likely shifted too")
            decided[i] = (Flag("website", "shifted-cell", message, rows[i].website, True), ())
    for i in sorted(decided):
        flag, owner_rows = decided[i]
        yield i, flag, owner_rows


def _names(rows: Sequence[Row], indices: Sequence[int]) -> str:
    return " or ".join(f"{rows[j].name} ({rows[j].institution})" for j in indices)


def _continent_flags(rows: Sequence[Row], owners: dict[int, tuple[int, ...]], window: int):
    for i, row in enumerate(rows):
        if not _has_value(row.continent) or not row.country_code:
            continue
        fit, reason = continent_fits(row.continent or "", row.country_code)
        if fit is not False:
            continue
        owner = _continent_owner(rows, i, owners, window)
        if owner is not None:
            message = (f"continent does not fit this row ({reason}) but fits {rows[owner].name} "
                       f"({rows[owner].institution}), where the website column points too: "
                       "the columns seem shifted against the row")
            yield i, Flag("continent", "shifted-cell", message, row.continent, withheld=True)
        else:
            yield i, Flag("continent", "cell-misfit", f"continent does not fit this row: {reason}",
                          row.continent, withheld=True)


def _continent_owner(rows: Sequence[Row], i: int, owners: dict[int, tuple[int, ...]],
                     window: int) -> int | None:
    """The row a misfit continent belongs to: where this row's (or a neighbour's) website went.

    A continent name alone fits dozens of rows, so it is only attributed when the website column
    of the same stretch points at a row whose country the continent fits.
    """
    offsets: list[int] = []
    for k in (i, i - 1, i + 1, i - 2, i + 2):
        for j in owners.get(k, ()):
            if j - k not in offsets:
                offsets.append(j - k)
    text = rows[i].continent or ""
    for offset in offsets:
        j = i + offset
        if 0 <= j < len(rows) and j != i and abs(offset) <= window:
            code = rows[j].country_code
            if code and continent_fits(text, code)[0] is True:
                return j
    return None
