"""A cluster's preferred label and its stable id.

The label is what people see and what the IRI's slug is made from, so it should be the name a
registry would list: a full name (with a head word such as "University"), in English, spelt
as written without repairs or abbreviations, with place names spelt as the word lists know
them, not in capitals, with an acronym (if any) in front rather than trailing. Among equally
good spellings the one more sources use wins, then the one more rows use, then the
alphabetically first — never the first one read.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

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


def label_key(label: str, country: str | None) -> str:
    """The canonical form of a preferred label, as cluster ids spell it."""
    return "-".join(parse_name(label, country).flat) or "unnamed"


def cluster_ids(items: list[tuple[str | None, str, tuple[str, ...]]]) -> list[str]:
    """Ids for (country, :func:`label_key` of the preferred label, member name keys) triples,
    in the same order.

    ``{country}/{canonical label}``; when two clusters' labels share a canonical form (only
    possible when curated ROR IDs keep same-named groups apart) both get a suffix hashed
    from their members' canonical names, so neither id depends on which was built first."""
    bases = [f"{(country or 'xx').lower()}/{key}" for country, key, _ in items]
    counts = Counter(bases)
    out = []
    for base, (_, _, members) in zip(bases, items, strict=True):
        if counts[base] == 1:
            out.append(base)
            continue
        digest = hashlib.blake2b("\x1f".join(sorted(members)).encode("utf-8"), digest_size=4)
        out.append(f"{base}-{digest.hexdigest()}")
    return out
