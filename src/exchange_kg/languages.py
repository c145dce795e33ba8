"""Languages as the published graph states them: IRIs for ``dcterms:language``, and which
language a place name is written in.

DCTERMS gives ``dcterms:language`` the range ``dcterms:LinguisticSystem``, so a language is a
resource, not a string: the EU Publications Office's language authority (the controlled
vocabulary DCAT-AP prescribes), whose codes are ISO 639-2/T (ISO 639-3 for individual
languages), e.g. ``.../language/POL``.

A language tag on a literal is a claim that the text is written in that language. A list
written in Polish names some cities by their Polish exonym ("Kijów", "Pekin") and others as
the English or native form ("Yerevan", "Tirana"), so the list's language alone does not say
which; a name is tagged only when its spelling proves the language (``written_in``), and left
untagged (language unknown) otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

import pycountry

EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
_BASIC_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")


def language_iri(tag: str) -> str | None:
    """The EU language authority IRI of a BCP 47 tag's primary language, or None if ISO 639
    does not know it (``"pl"`` and ``"pl-PL"`` -> ``.../language/POL``)."""
    primary = tag.split("-", 1)[0].lower()
    field = "alpha_2" if len(primary) == 2 else "alpha_3"
    language = pycountry.languages.get(**{field: primary})
    if language is None:
        return None
    return EU_LANGUAGE + language.alpha_3.upper()


@cache
def _letters() -> dict[str, frozenset[str]]:
    text = resources.files("exchange_kg").joinpath("data", "language-letters.tsv").read_text(
        encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]
    return {lang: frozenset(letters.strip()) for lang, letters in rows[1:]}


@cache
def _distinctive() -> dict[str, frozenset[str]]:
    """Each language's letters that no other language of the table has."""
    table = _letters()
    return {lang: letters.difference(*(o for other, o in table.items() if other != lang))
            for lang, letters in table.items()}


def written_in(text: str, language: str | None) -> str | None:
    """``language`` if the spelling of ``text`` shows it is written in that language (every
    letter is basic Latin or the language's, and one is a letter only that language has),
    else None: the name may be the same in several languages, so which one is unknown."""
    if not language:
        return None
    primary = language.split("-", 1)[0].lower()
    extra, proof = _letters().get(primary), _distinctive().get(primary)
    if not extra or not proof:
        return None
    letters = {c for c in text.casefold() if c.isalpha()}
    return language if letters & proof and letters <= _BASIC_LATIN | extra else None


def spelled_key(text: str) -> str:
    """Case- and punctuation-insensitive, but spelled as written: accents tell languages
    apart ("október" is Icelandic, "oktober" Norwegian), so they are kept."""
    text = unicodedata.normalize("NFC", text).casefold()
    kept = (c if c.isalnum() or unicodedata.category(c).startswith("M") else " " for c in text)
    return " ".join("".join(kept).split())


@cache
def country_name_languages() -> dict[str, frozenset[str]]:
    """Country names, spelled as written (:func:`spelled_key`) -> the languages that name a
    country so: pycountry's English names and its translations (only where a translation is
    given: gettext returns the English name for a missing one), CLDR's everyday names and the
    curated aliases.

    A list's country cells are written in its language more often than any other words, so
    new-mapping weighs them when it decides the language of a list nobody has described."""
    import gettext
    import os

    from exchange_kg.normalise.vocabulary import builtin_entries, data_rows

    found: dict[str, set[str]] = {}

    def add(text: str, language: str) -> None:
        key = spelled_key(text)
        if key:
            found.setdefault(key, set()).add(re.split(r"[@_-]", language)[0].lower())

    names = [getattr(c, attr) for c in pycountry.countries
             for attr in ("name", "common_name") if getattr(c, attr, None)]
    for name in names:
        add(name, "en")
    base = pycountry.LOCALES_DIR
    for language in sorted(os.listdir(base)):
        if not os.path.exists(os.path.join(base, language, "LC_MESSAGES", "iso3166-1.mo")):
            continue
        catalog = gettext.translation("iso3166-1", base, languages=[language])._catalog
        for name in names:
            if catalog.get(name):
                add(catalog[name], language)
    for text, _code, language, *_ in data_rows("country-cldr.tsv"):
        add(text, language)
    for entry in builtin_entries("countries"):
        if entry.language not in ("mul", "*", ""):
            add(entry.text, entry.language)
    return {key: frozenset(langs) for key, langs in found.items()}
