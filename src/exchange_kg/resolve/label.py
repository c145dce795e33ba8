"""A cluster's preferred label and its stable id (which its IRI is minted from).

The label is what people see and what the IRI's slug is made from, so it should be the name a
registry would list: a full name (with a head word such as "University"), in English, spelt
as written without repairs or abbreviations, with place names spelt as the word lists know
them, not in capitals, with an acronym (if any) in front rather than trailing. Among equally
good spellings the one more sources use wins, then the one more rows use, then the one with
more accented letters, then the alphabetically first — never the first one read.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from exchange_kg.iris import identity_key
from exchange_kg.resolve.names import NameForm, parse_name, vocabulary


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters)


@lru_cache(maxsize=4096)
def _misspelt_place(token: str) -> bool:
    """One letter away from a place name the word lists know, and not that name."""
    places = vocabulary().places
    if token in places or len(token) < 4:
        return False
    return process.extractOne(token, places, scorer=OSA.distance, score_cutoff=1) is not None


def _acronym_in_front_only(form: NameForm) -> bool:
    return all(i == 0 for i, acr in enumerate(form.acronym_flags) if acr)


def label_rank(text: str, country: str | None, sources: int, mentions: int
               ) -> tuple[int, ...]:
    """Larger is better; see the module docstring for the order of the criteria."""
    form = parse_name(text, country)
    clean = not any(w.corrected or w.abbreviated for w in form.words)
    return (
        int(bool(form.distinctive)),
        int(not _shouting(text)),
        int(form.has_type),
        int(not form.native),
        int(clean),
        -sum(_misspelt_place(t) for t in form.distinctive),  # "Kyiv", not "Kiyv"
        int(_acronym_in_front_only(form)),
        int("(" not in text and "[" not in text),
        sources,
        mentions,
        # "Universitatea Tehnică a Moldovei", not "Tehnica": of two spellings as common, the
        # one with its accents written is the careful one
        sum(not c.isascii() for c in text if c.isalpha()),
    )


def choose_label(
    names: Iterable[tuple[str, str]], alt_names: Iterable[tuple[str, str]], country: str | None
) -> str:
    """The preferred label among (spelling, source id) pairs of names and alternative names.

    An alternative name counts like a name (it is often the English form of a native one)
    but its rows do not add to its frequency beyond one source each."""
    sources: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for text, source in names:
        sources.setdefault(text, set()).add(source)
        counts[text] += 1
    for text, source in alt_names:
        if text.strip():
            sources.setdefault(text, set()).add(source)
    ranked = sorted(
        sources,
        key=lambda t: (tuple(-x for x in label_rank(t, country, len(sources[t]), counts[t])), t),
    )
    return ranked[0]


def minting_key(names: Iterable[tuple[str, str]], alt_names: Iterable[tuple[str, str]]
                ) -> str:
    """The :func:`~exchange_kg.iris.identity_key` a cluster's IRI is minted from.

    Unlike the preferred label, it is chosen without the vocabularies or the name parser, so
    that improving a translation table or the parser never moves an IRI: among the identity
    keys of the spellings (names and alternative names, as :func:`choose_label` takes them),
    the one more sources use, then more rows, then the alphabetically first."""
    sources: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for text, source in names:
        key = identity_key(text)
        sources.setdefault(key, set()).add(source)
        counts[key] += 1
    for text, source in alt_names:
        key = identity_key(text)
        if key:
            sources.setdefault(key, set()).add(source)
    keys = [k for k in sources if k]
    if not keys:
        return "unnamed"
    return min(keys, key=lambda k: (-len(sources[k]), -counts[k], k))


def cluster_ids(items: list[tuple[str | None, str, tuple[str, ...], tuple[str, ...]]]
                ) -> list[str]:
    """Ids for (country, :func:`minting_key`, member descriptions, member mention keys), in
    the same order.

    ``{country}/{minting key}``. When two clusters of one country share a minting key (only
    possible when curated ROR IDs or a curator's ``different`` keep same-named groups apart)
    both get a suffix ``#`` + a hash of their members' descriptions (identity keys of their
    names, cities, websites, ROR IDs), or of their mention keys if those are alike too, so
    neither id depends on which was built first."""
    bases = [f"{(country or 'xx').lower()}/{key}" for country, key, _, _ in items]
    counts = Counter(bases)
    described = Counter((b, d) for b, (_, _, d, _) in zip(bases, items, strict=True))
    out = []
    for base, (_, _, described_by, mention_keys) in zip(bases, items, strict=True):
        if counts[base] == 1:
            out.append(base)
            continue
        members = described_by if described[(base, described_by)] == 1 else mention_keys
        digest = hashlib.blake2b("\x1f".join(sorted(members)).encode("utf-8"), digest_size=4)
        out.append(f"{base}#{digest.hexdigest()}")
    return out
