"""What a free-text remark says of its row's agreement being in force.

A list's date cells keep what the contract says; what happened since is written beside them
("Ended by the partner on 31/08/2025", "Suspended until further notice", "Replaced by the
university-wide agreement", "ausgelaufen 31.08.2025"). Read as a bare remark, such a row is
published as an agreement in force until the contract's end: a false fact. The remark is
read with the status words of the kinds vocabulary, and only where it states the status:
a condition ("may be terminated with six months' notice"), a denial ("not suspended") or a
status for one academic year ("ruht 2025/26", "2024/25 ausgesetzt": the agreement goes on
after it) say nothing of the agreement as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exchange_kg.normalise import registry
from exchange_kg.normalise.country import fold_accents
from exchange_kg.normalise.dates import DateValue
from exchange_kg.normalise.kinds import (
    CONNECTOR,
    ENDED,
    EXPIRED,
    STATUS_PREFIX,
    Token,
    kind_phrases,
    negated,
    tokenize,
)
from exchange_kg.normalise.quota import counting_words

IN_PROCESS = "in-process"
# Words that make a status a condition or a possibility, not a fact ("may be terminated",
# "can be suspended", "unless terminated", "if not renewed")
CONDITIONS = frozenset({"until", "unless", "may", "can", "or", "if", "till", "upon", "bis",
                        "sofern", "falls", "kann", "hasta", "salvo", "puede", "pode", "jusqu",
                        "sauf", "peut", "fino", "puo", "tot", "tenzij", "kan", "could",
                        "might", "should", "would", "when", "once", "wenn", "si", "se",
                        "cuando", "quand", "quando", "indien", "als"})
# Words after which a date says since when a state lasts, not when the agreement ended
# ("suspended since 01/09/2025": it has not ended, it is on hold)
SINCE = frozenset({"since", "seit", "desde", "depuis", "dal", "dalla", "od", "sinds",
                   "sedan", "siden", "from", "ab", "a", "partir", "vanaf", "с", "від", "z"})
# Words of giving notice ("Dénoncée par l'UCAD le 15/09/2024", "gekündigt am ...",
# "denunciado", "wypowiedziana"): their date is when notice was given, not when the agreement
# ended (a notice period runs on), unless the remark says from when it takes effect
# ("gekündigt zum 31.08.2025", "terminated with effect from ...")
_NOTICE = re.compile(r"d[eé]nonc|gek[uü]ndigt|k[uü]ndigung|denunci|rescind|opgezegd|opzegging"
                     r"|wypowiedzian|uppsag|opsagt|disdett|recedut|r[eé]sili|notice",
                     re.IGNORECASE)
_EFFECTIVE = re.compile(r"\b(?:zum|effective|with effect|à compter|a compter|avec effet"
                        r"|con efecto|a partir|ze skutkiem|met ingang|con effetto|per)\b",
                        re.IGNORECASE)
# one academic year or a range of years ("2025/26", "2024-2025"): the status holds for them
_ACADEMIC_YEAR = re.compile(r"(?<!\d)(\d{4})\s*[/\u2013-]\s*(\d{2}|\d{4})(?!\d)")


# "not renewed", "nicht verlängert", "no renovado", "nieprzedłużona": the agreement runs to
# its end and lapses there, so an end still to come is no contradiction
_NOT_RENEWED = re.compile(
    r"\b(?:not|no|non|nicht|niet|nie|nao|não|sin|sem|ej|inte|ikke|не)\W+(?:\w+\W+)?"
    r"(?:renew|extend|verl[aä]ng|verleng|renov|rinnov|prolong|przed[lł]u|продл|förläng|forl[æe]ng|reconduct)"
    r"|\bnieprzed[lł]u|\bnon[\s-]?renouvel", re.IGNORECASE)


def lapses_at_end(text: str) -> bool:
    """Whether a cell says the agreement will not be renewed (it runs to its end)."""
    return bool(text) and _NOT_RENEWED.search(text) is not None


@dataclass(frozen=True)
class RemarkStatus:
    status: str  # ENDED, EXPIRED or IN_PROCESS
    written: str  # the words that say it
    ended_on: DateValue | None = None  # the whole date on which the remark says it ended


def remark_status(text: str | None) -> RemarkStatus | None:
    """The status a remark states of its row's agreement, or None if it states none."""
    if not text or not text.strip() or _names_a_period(text):
        return None
    tokens = tokenize(text)
    hits: list[tuple[str, str]] = []
    covered = 0  # tokens that are status words or connectors
    i = 0
    while i < len(tokens):
        hit = kind_phrases().match(tokens, i)
        if hit is None:
            i += 1
            continue
        value = hit.phrase.value
        if value == CONNECTOR:
            covered += hit.length
        elif value.startswith(STATUS_PREFIX):
            conditional = any(t.text in CONDITIONS for t in tokens[:i])
            if not conditional and not negated(text, tokens, i, hit.length):
                hits.append((value[len(STATUS_PREFIX):],
                             text[tokens[i].start : tokens[i + hit.length - 1].end]))
                covered += hit.length
        i += hit.length
    statuses = [status for status, _ in hits]
    for status in (EXPIRED, ENDED):  # "Expired; replaced by the agreement below": it ran out
        if status in statuses:
            written = hits[statuses.index(status)][1]
            return RemarkStatus(status, written, _ended_on(text, tokens))
    # "Under negotiation" alone; not "Signature of the framework agreement in progress",
    # which may speak of another agreement than the row's
    if IN_PROCESS in statuses and covered == len(tokens):
        return RemarkStatus(IN_PROCESS, hits[statuses.index(IN_PROCESS)][1])
    return None


def _names_a_period(text: str) -> bool:
    for m in _ACADEMIC_YEAR.finditer(text):
        first, second = int(m.group(1)), int(m.group(2))
        if second < 100:
            second += first - first % 100
        if 0 < second - first <= 1 or (second < first and second + 100 - first == 1):
            return True
    return False


def _ended_on(text: str, tokens: list[Token]) -> DateValue | None:
    """The whole date (a day, or a month) the remark gives, unless it says since when a
    state lasts. A year alone ("terminated in 2024", "last intake spring 2026") is no end
    date: it may be when the agreement ended, or its last intake."""
    for k, tok in enumerate(tokens):
        if any(ch.isdigit() for ch in tok.text) and k and tokens[k - 1].text in SINCE:
            return None
    if _NOTICE.search(text) and not _EFFECTIVE.search(text):
        return None
    terms, _ = registry.normalise("term", text, "end", {})
    ends = [t.end for t in terms or () if t.end is not None]
    if len(ends) != 1 or ends[0].month is None:
        return None
    return ends[0]


_NUMBER_WORD = re.compile(r"(?<![\d.,/])(\d{1,3})(?![\d.,/])|[^\W\d_]+")


def remark_places(text: str | None) -> tuple[int, ...]:
    """The numbers of places a remark states ("Places reduced to 1 from 2026/27", "nur
    noch 1 Platz"): a number next to a word that says what it counts, or one word away
    ("reduced to 1 places"). A year or a date is no number of places."""
    if not text:
        return ()
    words = counting_words()
    tokens = [m.group() for m in _NUMBER_WORD.finditer(fold_accents(text.casefold()))]
    found = []
    for i, tok in enumerate(tokens):
        if tok.isdigit() and any(0 <= j < len(tokens) and tokens[j] in words
                                 for j in (i - 3, i - 2, i - 1, i + 1, i + 2)):
            found.append(int(tok))
    return tuple(found)
