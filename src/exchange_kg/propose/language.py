"""Which language a new list is written in, for its manifest entry.

The build publishes the manifest's language as the document's ``dcterms:language`` and tags
the list's remarks with it, so a wrong guess is a false fact: a Croatian list published as
Serbian, a Portuguese one as Spanish. The evidence is what the document says of itself:

- a language it declares (a web page's ``<html lang>``, an OpenDocument's ``dc:language``);
- the words of its cells that the reviewed vocabularies know (header wordings, agreement
  kinds, term and date words, quota words: each entry has its language) and its country names
  (pycountry's translations and CLDR's everyday names, each in its language).

A word several languages write alike ("Država" is Croatian, Serbian and Bosnian; "Austria" is
English, Spanish and Italian) votes for each of them, so only the words that tell the
languages apart decide. The header and the lines above it weigh more than data cells: a
Croatian list may name its countries in English. Where two languages are about as well
supported, or the content contradicts the declaration, the language is left undecided with a
CHECK for the user: absent is honest, a neighbour's language is a false fact.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from exchange_kg.languages import country_name_languages, spelled_key
from exchange_kg.normalise.vocabulary import TABLES, builtin_entries

# the header line and the lines above it (titles, notes) name the list in its own language
HEADER_WEIGHT = 3
_NGRAM = 4  # the longest vocabulary phrase matched inside a cell, in words
# Languages written so alike that counting the words the vocabularies know of each cannot
# tell them apart: the vocabularies know some far better than others (a Bosnian list reads as
# Croatian on counts, every ijekavian word being filed as Croatian). Within such a group the
# best must have twice the support of every other member; else the group's macrolanguage is
# named where ISO 639-1 has one (Norwegian), or none.
CLUSTERS: tuple[tuple[frozenset[str], str | None], ...] = (
    (frozenset({"hr", "bs", "sr", "cnr"}), None),
    (frozenset({"nb", "nn"}), "no"),
    (frozenset({"ms", "id"}), None),
)
CLUSTER_MARGIN = 2.0
# the lead the best-supported language needs over the next. Across the kit's lists and 23
# more in other languages, a list declaring no language had its right language lead by 1.3x or
# more (but a Dutch e-mail of few words, 1.08x over Danish), and a wrong one lead by 1.2x at
# most (Czech over Swedish for a Swahili list whose words no vocabulary here knows)
MARGIN = 1.25
# a declared language stands unless another has this many times its support
DECLARED_MARGIN = 3
_SHARED = frozenset({"", "mul", "*", "und"})
# a vocabulary entry in a macrolanguage is written in each of its standards; pycountry and
# CLDR name the standards ("Tyskland" is nb), so a vote goes to the standards
_STANDARDS = {"no": ("nb", "nn")}
_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][\w-]*)?",
                        re.IGNORECASE)
_ODF_LANG = re.compile(r"<dc:language>\s*([A-Za-z]{2,3})(?:[-_][\w-]*)?\s*</dc:language>")


@cache
def _word_languages() -> dict[str, frozenset[str]]:
    """text key -> the languages whose vocabulary entries or country names write it so."""
    found: dict[str, set[str]] = {}
    for table in TABLES:
        if table == "units":  # the words partner names are made of, in the partners' languages
            continue
        for entry in builtin_entries(table):
            if entry.language not in _SHARED:
                language = entry.language.lower()
                found.setdefault(spelled_key(entry.text), set()).update(
                    _STANDARDS.get(language, (language,)))
    for key, languages in country_name_languages().items():
        found.setdefault(key, set()).update(languages)
    return {key: frozenset(langs) for key, langs in found.items() if key}


def declared_language(path: Path) -> str | None:
    """The primary language tag the document declares for itself, if it declares one."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".html", ".htm", ".xhtml"):
            found = _HTML_LANG.search(path.read_bytes()[:65536])
            return found.group(1).decode().lower() if found else None
        if suffix in (".ods", ".odt"):
            with zipfile.ZipFile(path) as archive:
                if "meta.xml" not in archive.namelist():
                    return None
                meta = archive.read("meta.xml").decode("utf-8", "replace")
            found = _ODF_LANG.search(meta)
            return found.group(1).lower() if found else None
    except (OSError, zipfile.BadZipFile):
        return None
    return None


def _phrases(cell: str) -> list[str]:
    """The cell's runs of up to _NGRAM words, longest first."""
    words = spelled_key(cell).split()
    return [" ".join(words[i:i + size]) for size in range(min(_NGRAM, len(words)), 0, -1)
            for i in range(len(words) - size + 1)]


def content_votes(lines: Sequence[str], header_at: int | None,
                  delimiter: str | None) -> Counter[str]:
    """Each language's support: the longest phrase of a cell that a language's vocabulary
    knows votes once for that language ("Partner institution" once for English, not again
    for "Partner" and "Institution"), each distinct phrase once in the document, the header
    and what is above it weighing HEADER_WEIGHT."""
    index = _word_languages()
    weight: dict[tuple[str, str], int] = {}
    top = header_at if header_at is not None else -1
    for at, line in enumerate(lines):
        w = HEADER_WEIGHT if at <= top else 1
        for cell in line.split(delimiter) if delimiter else [line]:
            spoken: set[str] = set()
            for phrase in _phrases(cell):
                for language in index.get(phrase, ()):
                    if language not in spoken:
                        spoken.add(language)
                        weight[language, phrase] = max(weight.get((language, phrase), 0), w)
    votes: Counter[str] = Counter()
    for (language, _phrase), w in weight.items():
        votes[language] += w
    return votes


def document_language(path: Path, lines: Sequence[str], header_at: int | None,
                      delimiter: str | None) -> tuple[str | None, str | None]:
    """The list's language, or None and the CHECK that says why it is left undecided."""
    votes = content_votes(lines, header_at, delimiter)
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    declared = declared_language(path)
    best = ranked[0] if ranked else None
    if declared:
        said = votes.get(declared, 0)
        if best is None or best[0] == declared or \
                best[1] <= max(DECLARED_MARGIN * said, 2 * HEADER_WEIGHT):
            return declared, None
        return None, (f"CHECK: the document declares its language as {declared!r}, but its "
                      f"words are {best[0]!r}; state the language it is written in")
    if best is None:
        return None, None
    close = [lang for lang, n in ranked if n * MARGIN > best[1]]
    for members, macro in CLUSTERS:
        if best[0] in members:
            close += [m for m in sorted(members - {best[0]})
                      if votes.get(m, 0) * CLUSTER_MARGIN > best[1] and m not in close]
            if len(close) > 1 and set(close) <= members and macro:
                return macro, None
    if len(close) > 1:
        return None, (f"CHECK: the words of the list are about as much {' as '.join(close)}; "
                      "state the language it is written in")
    return best[0], None
