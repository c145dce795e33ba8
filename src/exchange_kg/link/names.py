"""Names -> comparison keys: the one normalisation that both the ROR index and the queries use.

A partner list and ROR rarely spell a name the same way ("Universita' di Bologna" and
"Università di Bologna", "Babes-Bolyai" and "Babeș-Bolyai", "Univ. of Tokyo"), so every name is
compared through the same key: case folded, accents and punctuation dropped, a few standard
abbreviations written out and a leading article removed. Anything cleverer (word order, typos,
a city appended to a name) is the matcher's business, because those change the meaning of a name
often enough that they must lower the score rather than silently produce the same key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import idna
import pycountry
from tldextract.cache import DiskCache
from tldextract.suffix_list import get_suffix_lists

# Letters that Unicode does not decompose into a base letter plus an accent.
_LETTERS = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
    "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "TH", "ð": "d", "ħ": "h",
    "’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "ʻ": "'",
})

# Abbreviations a partner list (or ROR) writes for a word; only unambiguous ones.
ABBREVIATIONS = {
    "univ": "university", "inst": "institute", "tech": "technology", "natl": "national",
    "intl": "international", "acad": "academy", "coll": "college", "dept": "department",
    "uniw": "uniwersytet", "ist": "istituto", "polytech": "polytechnic",
}

# Words that carry no identity of their own in a name: the matcher ignores them when it compares
# the words of two names ("Friedrich Schiller University of Jena" ~ "... University Jena").
STOPWORDS = frozenset((
    "of", "the", "and", "for", "in", "at", "on", "a", "an", "de", "del", "della", "delle",
    "dei", "di", "da", "do", "dos", "das", "du", "des", "la", "le", "les", "l", "d", "der",
    "die", "das", "den", "dem", "und", "fur", "zu", "zur", "zum", "van", "von", "y", "e", "et",
))

# Words that say what kind of body a name is but not which one: a name made only of these plus a
# city ("Medical University" + "Lublin") is too weak to link on.
GENERIC = frozenset((
    "university", "universities", "universidad", "universidade", "universita", "universitat",
    "universite", "universiteit", "universitas", "universiti", "uniwersytet", "univerzita",
    "college", "institute", "institut", "instituto", "istituto", "school", "academy",
    "akademia", "academie", "hochschule", "technical", "technology", "technological",
    "technologies", "technische", "polytechnic", "politechnika", "politecnico", "science",
    "sciences", "national", "state", "medical", "federal", "research", "center", "centre",
    "faculty", "international", "higher", "education", "applied", "engineering", "studies",
    "study", "graduate", "normal", "agricultural", "nacional", "nationale", "superieure",
    "superior", "superiore", "studi", "hospital", "republic", "company", "group",
    "corporation", "department", "laboratory", "laboratories", "foundation", "society",
    "association", "council", "agency", "ministry", "office", "campus", "branch", "division",
    "unit",
))

# Legal forms: no part of what a name identifies ("NPJSC ... University", "... e. V.", "... GmbH").
LEGAL_FORMS = frozenset((
    "npjsc", "jsc", "pjsc", "ojsc", "cjsc", "llc", "ltd", "limited", "inc", "gmbh", "ggmbh", "ag",
    "ev", "sa", "spa", "srl", "bv", "nv", "plc", "co", "corp", "oy", "ab", "as", "sas",
))

_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_PUNCT = re.compile(r"[^a-z0-9\s]")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")


# Combining diacritics (the blocks Latin, Greek and Cyrillic accents live in); the vowel signs of
# other scripts are letters of their words and stay.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Case-fold and drop accents, keeping non-Latin scripts intact (NFC again at the end)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).translate(_LETTERS)
    stripped = _DIACRITICS.sub("", unicodedata.normalize("NFKD", text))
    return unicodedata.normalize("NFC", stripped).casefold()


@lru_cache(maxsize=4096)
def _keep_or_space(ch: str) -> str:
    """Punctuation and symbols become spaces; letters, digits and marks (Thai, Devanagari
    vowel signs) stay, because they are part of the word."""
    return " " if unicodedata.category(ch)[0] in "PSZC" else ch


@lru_cache(maxsize=200_000)
def normalise(text: str) -> str:
    """The comparison key of a name: folded, punctuation to spaces, abbreviations expanded."""
    s = fold(text).replace("&", " and ")
    s = _APOSTROPHE.sub("", s)  # king's -> kings
    s = _PUNCT.sub(" ", s) if s.isascii() else "".join(map(_keep_or_space, s))
    words = [ABBREVIATIONS.get(w, w) for w in s.split()]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=1 << 18)
def content_words(key: str) -> tuple[str, ...]:
    """The words of a key that identify something (stopwords and legal forms dropped)."""
    return tuple(w for w in key.split() if w not in STOPWORDS and w not in LEGAL_FORMS)


@lru_cache(maxsize=1 << 18)
def word_variant_key(word: str) -> str:
    """A word with the spelling variants that never tell two names apart folded away: a plural
    "s" ("sciences") and the German ae/oe/ue for ä/ö/ü ("universitaet")."""
    w = word.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w


KeyShape = tuple[str, str, int, str]


def key_shape(key: str) -> KeyShape:
    """What screening a name reads of its key, worked out once (for a ROR name, when the index
    is written): its words sorted (``fuzz.token_sort_ratio`` of two keys is ``fuzz.ratio`` of
    these), its content words joined and how many there are, and their spelling variants
    (``word_variant_key``) sorted and joined."""
    words = content_words(key)
    return (" ".join(sorted(key.split())), " ".join(words), len(words),
            " ".join(sorted(map(word_variant_key, words))))


def distinctive_words(key: str) -> tuple[str, ...]:
    """Content words that are not generic institution words."""
    return tuple(w for w in content_words(key) if w not in GENERIC)


def looks_like_acronym(text: str) -> bool:
    """ "KIT", "HKUST", "I2EN": upper-case letters (digits allowed), no spaces."""
    text = text.strip()
    return bool(_ACRONYM.match(text)) and sum(c.isalpha() for c in text) >= 2


def acronym_key(text: str) -> str:
    """Acronyms compare case-sensitively in spirit but without dots or dashes ("E.N.S." = "ENS")."""
    return re.sub(r"[^\w]", "", fold(text)).upper()


@dataclass(frozen=True)
class NameForm:
    """One way of reading a name: its key, and the qualifiers left out to get that key.

    "China University of Geosciences (Wuhan)" is read whole, and also as "China University of
    Geosciences" with the qualifier "wuhan" dropped; "King's College London, University of London"
    also as "King's College London" with "university of london" dropped. A dropped qualifier must be
    explained (a city, a parent, an acronym of the matched record) before such a reading can be
    trusted.
    """

    key: str
    dropped: tuple[str, ...] = ()


_PARENS = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]")
_SEGMENTS = re.compile(r"\s*[,;]\s*|\s+[-–—]\s+")


def forms(text: str) -> list[NameForm]:
    """Every reading of a name, the whole name first; keys are unique and non-empty."""
    out: list[NameForm] = []
    seen: set[str] = set()

    def add(key: str, dropped: tuple[str, ...]) -> None:
        dropped = tuple(d for d in dropped if d)
        if key and key not in seen:
            seen.add(key)
            out.append(NameForm(key, dropped))

    add(normalise(text), ())
    inner = tuple(normalise(m) for m in _PARENS.findall(text))
    base = _PARENS.sub(" ", text).strip()
    if inner and distinctive_words(normalise(base)):
        add(normalise(base), inner)
    segments = [s for s in _SEGMENTS.split(base) if s.strip()]
    head = normalise(segments[0]) if segments else ""
    # a head of generic words only ("University of Applied Sciences - ...") names nobody
    if len(segments) > 1 and len(content_words(head)) >= 2 and distinctive_words(head):
        add(head, inner + tuple(normalise(s) for s in segments[1:]))
    # a trailing acronym ("Fraunhofer Institute for ... Computing SCAI")
    words = base.split()
    if len(words) >= 3 and looks_like_acronym(words[-1]) and not any(
            looks_like_acronym(w) for w in words[:-1]):
        rest = normalise(" ".join(words[:-1]))
        if distinctive_words(rest):
            add(rest, inner + (normalise(words[-1]),))
    return out


# ----------------------------------------------------------------------------- web addresses


@lru_cache(maxsize=1)
def _public_suffixes() -> tuple[frozenset[str], frozenset[str]]:
    """(the rules of the public-suffix list's ICANN section, as ``tldextract`` applies them
    without private domains, and every label suffix of a rule: the nodes of its trie).

    From the snapshot ``tldextract`` bundles only: no network, no cache files, the same
    answer every run. Two sets of strings are a fifth of the time ``tldextract`` takes to
    build its two tries (one with the private domains, which linking never asks), and that
    parse runs before the matching workers are forked, with nothing else to do."""
    public, _private = get_suffix_lists(cache=DiskCache(None), urls=(), cache_fetch_timeout=None,
                                        fallback_to_snapshot=True)
    nodes = set(public)
    for rule in public:  # each label suffix a slice after a dot (a third of a split and join)
        dot = rule.find(".")
        while dot >= 0:
            nodes.add(rule[dot + 1:])
            dot = rule.find(".", dot + 1)
    return frozenset(public), frozenset(nodes)


def _decoded(label: str) -> str:
    """A label as the suffix list spells it (an IDN's punycode decoded)."""
    if label.startswith("xn--"):
        try:
            return idna.decode(label)
        except (UnicodeError, IndexError):
            pass
    return label


def _suffix_start(labels: list[str]) -> int | None:
    """Where a host's public suffix begins (the position of its first label), None when no
    rule fits: the walk of ``tldextract``'s trie from the last label on, over ``nodes``, a
    wildcard rule ("*.ck") taking the next label unless an exception ("!www.ck") keeps it."""
    rules, nodes = _public_suffixes()
    path, found = "", None
    for k in range(len(labels) - 1, -1, -1):
        label = _decoded(labels[k])
        step = f"{label}.{path}" if path else label
        if step in nodes:
            path = step
            if step in rules:
                found = k
            continue
        if (f"*.{path}" if path else "*") in nodes:
            return k + 1 if "!" + step in nodes else k
        break
    return found


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_PATH = re.compile(r"[/?#]")
_HOST = re.compile(r"[\w.-]+")


def host_of(url_or_host: str) -> str:
    """ "https://www.Example.ac.jp:8080/en/" -> "www.example.ac.jp" ("" when there is none)."""
    text = _SCHEME.sub("", url_or_host.strip().lower())
    text = _PATH.split(text.lstrip("/"), maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    return text if "." in text and _HOST.fullmatch(text) else ""


def host_suffixes(url_or_host: str) -> list[str]:
    """Every name a host belongs to with two labels or more ("a.b.ac.jp" -> "b.ac.jp", ...).

    The index files a record's sites under all of them, so a query's registered domain (computed
    with the public-suffix list, see ``registered_domain``) finds it without parsing the suffix
    list for every record.
    """
    labels = host_of(url_or_host).split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)] if len(labels) > 1 else []


def read_suffix_list() -> None:
    """Read the public-suffix list ``registered_domain`` parses hosts with (milliseconds)
    now: before forking processes that would each read it again."""
    _public_suffixes()


@lru_cache(maxsize=10_000)
def registered_domain(url_or_host: str) -> str | None:
    """ "http://www4.uninsubria.it/online/" -> "uninsubria.it"; None when there is no domain
    (``tldextract``'s domain and suffix without private domains)."""
    host = host_of(url_or_host)
    if not host:
        return None
    labels = host.split(".")
    start = _suffix_start(labels)
    if not start:  # no suffix, or nothing in front of it
        return None
    domain = labels[start - 1]
    return f"{domain}.{'.'.join(labels[start:])}" if domain else None


# ----------------------------------------------------------------------------- places


@cache
def country_name_keys(code: str) -> frozenset[str]:
    """Keys of a country's English names ("TW" -> "taiwan", "taiwan province of china")."""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return frozenset()
    names = {country.name}
    for attr in ("common_name", "official_name"):
        value = getattr(country, attr, None)
        if value:
            names.add(value)
    keys = {normalise(n) for n in names}
    keys |= {k.split(" province of")[0] for k in keys}
    return frozenset(keys)


def country_name(code: str) -> str | None:
    """A country's short English name, for an affiliation string ("TW" -> "Taiwan")."""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name
