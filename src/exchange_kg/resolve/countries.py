"""A mention's country from evidence: the source's country is evidence too, not the truth.

Resolution never merges across countries, so a mention without a country (a host the manifest
names, a row under a country name the normaliser could not read) could never join its
institution, and a row a list files under the wrong country would become a second institution
there. ``settle_countries`` gives such mentions the country the evidence supports and says why,
so that the report shows every country the graph does not take from the source as written.

Evidence for a country other than the row's:

* ``ror``: the name is, exactly, a ROR record's in one other country, and no record of the
  row's country comes close (``elsewhere``, found by the linker);
* ``domain``: the website's country-code domain (``.ua``, ``.edu.pl``; not the ones sold
  worldwide such as ``.io`` or ``.co``);
* ``city``: a city in the name that the registry places in one country only ("CAUPD *Beijing*
  Planning & Design Consultants");
* ``erasmus``: the country that issued the Erasmus code the row gives ("F  PARIS468"). A row
  without a country takes it first of all.

A country the layout implied (a merged cell, a count) yields to one piece of evidence; a
country the row states yields only to the registry and one more piece agreeing. Evidence for
the row's own country, or for two others, leaves it as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

import tldextract

from exchange_kg.normalise.erasmus import code_country
from exchange_kg.resolve import cache as resolve_cache
from exchange_kg.resolve.model import Mention
from exchange_kg.resolve.names import fold, parse_name

# Country-code domains sold to anyone: they say nothing about where the owner is.
OPEN_CC_DOMAINS = frozenset(("io", "co", "me", "tv", "ai", "fm", "ly", "to", "cc", "ws", "nu",
                             "gg", "la", "so", "sh", "ac", "app", "bz", "vc", "tk", "ml", "ga",
                             "cf", "gq", "eu", "asia"))
_TLD_COUNTRY = {"uk": "GB"}


@dataclass(frozen=True)
class CountryNote:
    """Why a mention's country is not the one its source gives."""

    mention_key: str
    source_country: str | None
    country: str
    reason: str


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=8192)
def domain_country(url: str) -> str | None:
    """The country a website's country-code top-level domain names, if it names one."""
    suffix = _extractor()(url.strip()).suffix.lower()
    if not suffix:
        return None
    tld = suffix.rsplit(".", 1)[-1]
    if len(tld) != 2 or tld in OPEN_CC_DOMAINS:
        return None
    return _TLD_COUNTRY.get(tld, tld.upper())


def place_key(text: str) -> str:
    """A city name as ``cities`` keys it: folded, letters and spaces only ("Xi'an" -> "xian")."""
    return " ".join("".join(c for c in w if c.isalnum()) for w in fold(text).split())


def city_country(name: str, cities: Mapping[str, str]) -> set[str]:
    """Countries of the cities a name mentions (``cities``: ``place_key`` -> country)."""
    words = [w for w in place_key(name.replace("-", " ")).split() if w.isalpha()]
    found: set[str] = set()
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            country = cities.get(" ".join(words[i:i + n]))
            if country:
                found.add(country)
    return found


def settle_countries(mentions: Iterable[Mention], ror_country: Mapping[str, str] | None = None,
                     elsewhere: Mapping[str, str] | None = None,
                     cities: Mapping[str, str] | None = None
                     ) -> tuple[list[Mention], list[CountryNote]]:
    """Mentions with their countries settled, and a note for each one that changed.

    ``ror_country``: mention key -> the country of its confident ROR link; ``elsewhere``:
    mention key -> the one other country where ROR has its exact name; ``cities``: folded
    city name -> the one country the registry places it in.

    A mention without a country takes the country of its ROR link, else that of the other
    mentions spelling its name the same way when they are all in one country (for a name that
    is an acronym alone, the mentions of its own source). A mention with
    a country is revised as the module docstring says.
    """
    ror_country = ror_country or {}
    elsewhere = elsewhere or {}
    cities = cities or {}
    mentions = list(mentions)
    names_in: dict[str, set[str]] = defaultdict(set)
    listed_in: dict[tuple[str, str], set[str]] = defaultdict(set)  # (key, country) -> sources
    # a million mentions spell a few hundred thousand names: each distinct one is read once
    name_keys: dict[tuple[str, str | None], str | None] = {}
    spelt: dict[str, set[str]] = defaultdict(set)
    sources: dict[tuple[str, str], set[str]] = defaultdict(set)  # (name, country) -> sources
    for m in mentions:
        if m.country:
            spelt[m.country].add(m.name)
            sources[(m.name, m.country)].add(m.source_id)
    for country, names in sorted(spelt.items()):
        keys = _name_keys(country, sorted(names))
        name_keys.update(((n, country), k) for n, k in keys.items())
        for name, key in keys.items():
            if key:
                names_in[key].add(country)
                listed_in[(key, country)] |= sources[(name, country)]
    out: list[Mention] = []
    notes: list[CountryNote] = []
    decided: dict[tuple[object, ...], tuple[str, str] | None] = {}
    for m in mentions:
        if m.country:
            ror = elsewhere.get(m.key)
            facts = (m.name, m.country, m.website, m.country_inferred, ror, m.erasmus_code)
            if facts in decided:
                revised = decided[facts]
            else:
                revised = decided[facts] = _revised(m, ror, cities)
            if revised is None:
                out.append(m)
            else:
                out.append(replace(m, country=revised[0]))
                notes.append(CountryNote(m.key, m.country, *revised))
            continue
        country, reason = None, ""
        issued = code_country(m.erasmus_code) if m.erasmus_code else None
        if issued:
            country, reason = issued, "the country that issued its Erasmus code"
        elif m.key in ror_country:
            country = ror_country[m.key]
            reason = "the country of the ROR record it is linked to"
        else:
            key = _cached_key(name_keys, m.name, None) or ""
            seen = names_in.get(key, set())
            if _acronym_alone(m.name):
                # "UCL", "NTU": universities of several countries share an acronym; only
                # rows of the mention's own list say which one it means
                seen = {c for c in seen if m.source_id in listed_in[(key, c)]}
            if len(seen) == 1:
                country = next(iter(seen))
                reason = "the country under which other rows list the same name"
        if country is None:
            out.append(m)
            continue
        out.append(replace(m, country=country))
        notes.append(CountryNote(m.key, None, country, reason))
    return out, notes


def _revised(m: Mention, ror: str | None, cities: Mapping[str, str]) -> tuple[str, str] | None:
    """(country, reason) when the evidence outweighs the row's country, else None."""
    votes: dict[str, list[str]] = defaultdict(list)
    if ror:
        votes[ror].append(f"ROR has the name only in {ror}")
    if m.website:
        tld = domain_country(m.website)
        if tld:
            votes[tld].append(f"the website's domain is in {tld}")
    for c in sorted(city_country(m.name, cities) if cities else ()):  # none without ROR
        votes[c].append(f"the name names a city in {c}")
    issued = code_country(m.erasmus_code) if m.erasmus_code else None
    if issued:
        votes[issued].append(f"its Erasmus code was issued in {issued}")
    if m.country in votes or len(votes) != 1:
        return None
    country, reasons = next(iter(votes.items()))
    strong = ror is not None and len(reasons) >= 2
    if not (m.country_inferred or strong):
        return None
    how = "the layout put it" if m.country_inferred else "the row says"
    return country, f"{how} {m.country}, but " + "; ".join(reasons)


def _name_keys(country: str, names: list[str]) -> dict[str, str | None]:
    """:func:`_name_key` of each of a country's names, from the build cache when a build
    read the same names before (reading them is most of this stage's work)."""
    cache = resolve_cache.current()
    entry = cache.entry("name-keys", country, names) if cache is not None else ""
    found = cache.load(entry, lambda v: isinstance(v, list) and len(v) == len(names)) \
        if cache is not None else None
    if found is not None:
        return dict(zip(names, found, strict=True))  # type: ignore[call-overload]
    keys = [_name_key(n, country) for n in names]
    if cache is not None:
        cache.keep(entry, keys)
    return dict(zip(names, keys, strict=True))


def _cached_key(keys: dict[tuple[str, str | None], str | None], name: str,
                country: str | None) -> str | None:
    found = keys.get((name, country), keys)
    if found is keys:
        found = keys[(name, country)] = _name_key(name, country)
    return found  # type: ignore[return-value]


def _acronym_alone(name: str) -> bool:
    form = parse_name(name)
    return bool(form.flat) and all(form.acronym_flags)


def _name_key(name: str, country: str | None) -> str | None:
    """The canonical form of a name that identifies something (a distinctive word in it)."""
    form = parse_name(name, country)
    return form.key if form.distinctive else None


__all__ = ["CountryNote", "city_country", "domain_country", "place_key", "settle_countries"]
