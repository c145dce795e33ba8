"""Agreement-type cells -> :class:`KindValue` (kinds and status from ``vocab``).

Cells combine types freely ("Bilateral/GE3/Erasmus+", "Bilateral & Erasmus+", "MoU oraz umowa
dot. wymian") and mix in a status ("in process"). The cell is tokenised and read as a sequence of
known phrases from ``data/agreement-kinds.tsv`` (longest first); whatever is left is reported as
an ``unknown-kind`` flag rather than dropped. The tokeniser and phrase matcher here are shared
with :mod:`exchange_kg.normalise.term`, which reads kinds inside Polish term cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from exchange_kg.normalise.country import MARKS, fold_accents
from exchange_kg.normalise.numbers import is_number
from exchange_kg.normalise.vocabulary import Vocabulary, active, entries
from exchange_kg.records import Flag
from exchange_kg.vocab import KINDS, STATUSES

STATUS_PREFIX = "status:"
# a row saying its agreement is no longer in force although its dates run on ("suspended",
# "terminated"): no status the graph publishes; the row is reported, not published
ENDED = "ended"
# a row saying its agreement ran out ("expired", an export's "inactive"): its stated end says
# when, and is published; a row running on without an end is reported, not published
EXPIRED = "expired"
CONNECTOR = "-"  # value of phrases that only join others ("&", "oraz")
NUMBER = "{n}"  # placeholder in a phrase: matches one number
FRACTION = -1  # what NUMBER matched when the number has a fraction ("2,5"): no whole number


@dataclass(frozen=True)
class KindValue:
    kinds: tuple[str, ...] = ()
    status: str | None = None


@dataclass(frozen=True)
class Token:
    text: str  # folded: lower case, no accents; dashes unified to "-"
    start: int  # character span in the original text
    end: int

    @property
    def is_number(self) -> bool:
        return is_number(self.text)

    @property
    def is_date(self) -> bool:
        """A numeric date kept whole ("31.08.2027", "2019-06-21"), not a number."""
        return _DATE.fullmatch(self.text) is not None


# "2021年3月15日" (zh, ja), "2021년 3월 15일" (ko): year, month and day each marked by its sign
# (any year written before a month so, "9年2月28日" too: a date, never "9 years" and words)
_MARKED = (r"\d{4}\s*[年년](?:\s*\d{1,2}\s*[月월](?:\s*\d{1,2}\s*[日일])?)?"
           r"|\d{1,3}\s*[年년]\s*\d{1,2}\s*[月월](?:\s*\d{1,2}\s*[日일])?")
# "2021. 09. 01." (hu) and "31. 8. 2027" (cs, sk): dotted dates written with spaces
_SPACED = r"\d{4}\.\s\d{1,2}\.\s\d{1,2}\.?|\d{1,2}\.\s\d{1,2}\.\s\d{4}"
# "03/2022": a month and its year
_MONTH_YEAR = r"\d{1,2}[./]\d{4}(?![./]?\d)"
_DATE = re.compile(rf"\d{{1,2}}([./-])\d{{1,2}}\1\d{{4}}|\d{{4}}([./-])\d{{1,2}}\2\d{{1,2}}"
                   rf"|{_MARKED}|{_SPACED}|{_MONTH_YEAR}")
# Chinese and Japanese write no spaces between words, Korean not always: each ideograph,
# kana or hangul syllable is a token, and phrases ("长期有效", "自动续签") match as sequences
_CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_DASHES = "\u2010-\u2015\u2212~\u301c\uff5e"  # and the wave dashes of CJK ranges
# a word keeps its combining marks: Thai and Indic vowel signs are letters ("ปี", not "ป")
# "2,5" and "2.5" (years, places): one number with a fraction, not "2" and "5" ("2,5" years
# was read as 5); a fraction of zeros ("5,0") is the whole number
_DECIMAL = r"(?<![\d.,])\d{1,3}[.,]\d{1,3}(?![.,]?\d)"
_TOKEN = re.compile(rf"{_DATE.pattern}|{_DECIMAL}|[{_CJK}]|(?:(?![{_CJK}])[^\W_][{MARKS}]*)+"
                    rf"|[&+;]|[-{_DASHES}]")
_FRACTION = re.compile(r"\d{1,3}[.,]\d{1,3}")
_WHOLE_DECIMAL = re.compile(r"(\d{1,3})[.,]0{1,3}")
_DASH = re.compile(rf"[-{_DASHES}]")


def tokenize(text: str) -> list[Token]:
    """Words, numbers, numeric dates and the symbols that carry meaning (& + ; and dashes).

    Folding keeps string length for the scripts these lists use, so spans index the original
    text; a character that folds to several ("ß") is handled by folding per match.
    """
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        folded = fold_accents(m.group())
        if _DASH.fullmatch(folded):
            folded = "-"
        whole = _WHOLE_DECIMAL.fullmatch(folded)
        if whole:
            folded = whole.group(1)
        tokens.append(Token(folded, m.start(), m.end()))
    return tokens


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[str, ...]  # folded tokens; NUMBER matches any number
    value: str
    flag: str = ""
    note: str = ""
    # the number a phrase says without a numeral ("سنتان", the Arabic dual: two years)
    numbers: tuple[int, ...] = ()


@dataclass(frozen=True)
class PhraseMatch:
    phrase: Phrase
    length: int  # tokens consumed
    numbers: tuple[int, ...]  # what the NUMBER placeholders matched


class PhraseTable:
    """Longest-match lookup of multi-word phrases, indexed by their first token (a cell is
    tried at every token: a scan of the whole table there made long cells slow)."""

    def __init__(self, phrases: list[Phrase], numbers: dict[str, int] | None = None) -> None:
        # words that stand for a number where a phrase has one ("five" of "five years")
        self.numbers = numbers or {}
        unique: dict[tuple[str, ...], Phrase] = {}
        for p in phrases:
            unique.setdefault(p.tokens, p)  # first row wins, as in the data file
        self.phrases = sorted(unique.values(), key=lambda p: (-len(p.tokens), p.tokens))
        self._starting: dict[str, list[Phrase]] = {}
        for p in self.phrases:  # longest first within each list, as in self.phrases
            self._starting.setdefault(p.tokens[0] if p.tokens else "", []).append(p)

    def _candidates(self, token: Token) -> list[Phrase]:
        exact = self._starting.get(token.text, [])
        numeric = self._starting.get(NUMBER, []) if self._number(token) is not None else []
        if not numeric:
            return exact
        return sorted(exact + numeric, key=lambda p: (-len(p.tokens), p.tokens))

    def match(self, tokens: list[Token], i: int) -> PhraseMatch | None:
        if i >= len(tokens):
            return None
        for phrase in self._candidates(tokens[i]):
            n = len(phrase.tokens)
            window = tokens[i : i + n]
            if len(window) < n:
                continue
            numbers: list[int] = []
            for want, tok in zip(phrase.tokens, window, strict=True):
                number = self._number(tok) if want == NUMBER else None
                if number is not None:
                    numbers.append(number)
                elif want != tok.text:
                    break
            else:
                return PhraseMatch(phrase, n, tuple(numbers) or phrase.numbers)
        return None

    def _number(self, token: Token) -> int | None:
        if token.is_number:
            return int(token.text)  # is_number bounds its digits
        if _FRACTION.fullmatch(token.text):
            return FRACTION
        return self.numbers.get(token.text)


def phrase_tokens(text: str) -> tuple[str, ...]:
    """Tokens of a phrase as written in a data file ("{n}" kept as the number placeholder)."""
    parts = re.split(r"(\{n\})", text)
    out: list[str] = []
    for part in parts:
        if part == NUMBER:
            out.append(NUMBER)
        else:
            out.extend(t.text for t in tokenize(part))
    return tuple(out)


def kind_phrases() -> PhraseTable:
    """The kind vocabulary in force (built-in, plus the active source's own phrases)."""
    return _kind_phrases(active())


@lru_cache(maxsize=64)
def _kind_phrases(vocabulary: Vocabulary) -> PhraseTable:
    phrases = []
    for entry in entries("kinds", vocabulary):
        check_kind_value(entry.value)
        phrases.append(Phrase(phrase_tokens(entry.text), entry.value, entry.flag, entry.note))
    return PhraseTable(phrases)


def kind_values() -> list[str]:
    """Every value a kind phrase may have: a kind, ``status:`` a status, or the connector."""
    return [*KINDS, *(STATUS_PREFIX + s for s in (*STATUSES, ENDED, EXPIRED)), CONNECTOR]


def check_kind_value(value: str) -> None:
    """A kind phrase's value must be a kind or status of ``vocab``: a typo fails loudly."""
    if value not in kind_values():
        raise ValueError(f"agreement-kinds.tsv: unknown kind or status {value!r}")


# Words that deny the phrase right after them ("no automatic renewal", "sin intercambio",
# "Non-exchange MoU", "ohne Studierendenaustausch", "pas d'échange"), in the languages of the
# lists; what may stand between ("no incluye intercambio", "without any exchange")
NEGATIONS = frozenset({
    "no", "not", "non", "without", "sin", "sem", "sans", "kein", "keine", "keinen", "ohne",
    "nicht", "niet", "geen", "senza", "nie", "bez", "ej", "inte", "ikke", "uden", "utan", "ingen",
    "не", "без", "nao", "ni", "pas", "لا", "ولا", "غير", "fara", "nu", "tidak", "tanpa", "bukan",
    "khong", "chua", "ne", "nem", "ei", "excluding", "except", "دون", "بدون", "باستثناء"})
_NEGATION_GAP = frozenset({"-", "d", "de", "di", "of", "a", "an", "any", "the", "incluye",
                           "inclui", "include", "includes", "including", "cover", "covers",
                           "prevista", "previsto", "tacite", "tacita"})
# the answer after a label that denies it ("Automatic renewal: No", "Unbefristet: nein"), and
# words after a phrase that exclude it ("exchange not included", "(student exchange: no)")
_NO_ANSWERS = frozenset({"no", "non", "nein", "nee", "nie", "nao", "n", "nej", "нет", "ні"})
_EXCLUDED_AFTER = (("not", "included"), ("not", "covered"), ("excluded",), ("no", "incluido"),
                   ("nicht", "enthalten"), ("ausgeschlossen",), ("exclu",), ("exclus",),
                   ("escluso",), ("excluido",), ("niet", "inbegrepen"))


def negated(text: str, tokens: list[Token], i: int, length: int) -> bool:
    """Whether the phrase at ``tokens[i : i + length]`` is denied by the cell: a negation word
    before it, a label's answer "no" after it (the last word of its clause, after a colon or
    a dash), or words after it that exclude it. A denied type is no type of the agreement; a
    denied renewal no renewal."""
    j = i - 1
    while j >= 0 and tokens[j].text in _NEGATION_GAP and tokens[j].text not in NEGATIONS:
        j -= 1
    if j >= 0 and tokens[j].text in NEGATIONS and j >= i - 3:
        return True
    after = i + length
    rest = [t.text for t in tokens[after:]]
    if ";" in rest:
        rest = rest[: rest.index(";")]
    if rest and any(tuple(rest[: len(words)]) == words for words in _EXCLUDED_AFTER):
        return True
    answer = len(rest) - 1  # "Automatic renewal - No": the dash is a token of its own
    if rest and rest[-1] in _NO_ANSWERS and all(t == "-" for t in rest[:-1]):
        between = text[tokens[after - 1].end : tokens[after + answer].start]
        return any(c in between for c in ":-\u2013(=")
    return False


def parse_kinds(text: str, *, field: str = "kind") -> tuple[KindValue, list[Flag]]:
    """Read an agreement-type cell into kinds (in order of mention) and a status."""
    tokens = tokenize(text)
    kinds: list[str] = []
    statuses: list[str] = []
    flags: list[Flag] = []
    unknown_from: int | None = None
    last_kind: tuple[str, int] | None = None  # the type read last and the token after it
    spans: dict[str, tuple[int, int]] = {}  # where each type read is written (characters)
    ended: list[tuple[str, str, int]] = []  # a type, the end status right after it, where
    i = 0
    while i < len(tokens):
        hit = kind_phrases().match(tokens, i)
        if hit is not None and _qualified(hit, tokens, i, unknown_from):
            hit = None  # "Staff exchange" is no student exchange: the unknown word says whose
        if hit is None:
            if tokens[i].text in _READ_WITH_A_KIND and _names_a_kind(tokens, i + 1):
                if unknown_from is not None:
                    flags.append(unknown_kind_flag(text, tokens[unknown_from:i], field))
                    unknown_from = None
                i += 1  # "formerly", "now (also)": understood, read with the type after them
                continue
            if tokens[i].text != ";":
                unknown_from = i if unknown_from is None else unknown_from
            i += 1
            continue
        if unknown_from is not None:
            flags.append(unknown_kind_flag(text, tokens[unknown_from:i], field))
            unknown_from = None
        value = hit.phrase.value
        denied = deny_kind(hit, text, tokens, i, flags, field)
        if last_kind is not None and last_kind[1] == i and value in _END_STATUSES \
                and not denied:
            ended.append((last_kind[0], value[len(STATUS_PREFIX):], i))
        if not denied:
            apply_kind_phrase(hit, text, tokens[i : i + hit.length], kinds, statuses, flags,
                              field)
            last_kind = (value, i + hit.length) if value in KINDS else None
            if value in KINDS:
                spans.setdefault(value, (tokens[i].start, tokens[i + hit.length - 1].end))
        i += hit.length
    if unknown_from is not None:
        flags.append(unknown_kind_flag(text, tokens[unknown_from:], field))
    for kind, status, at in ended:  # "MoU; student exchange ended 2022"
        if _the_type_ended(text, tokens, at, kind, kinds, spans):
            kinds.remove(kind)
            if status in statuses:
                statuses.remove(status)
            flags.append(Flag(field, "former-kind", f"the cell says {kind} ended, not the "
                              "agreement: not read as its type", " ".join(text.split())))
    if len(statuses) > 1:
        flags.append(Flag(field, "conflicting-status", f"several statuses: {statuses}", text))
    return KindValue(tuple(kinds), statuses[0] if statuses else None), flags


_END_STATUSES = (STATUS_PREFIX + ENDED, STATUS_PREFIX + EXPIRED)


def _names_a_kind(tokens: list[Token], k: int) -> bool:
    while k < len(tokens) and tokens[k].text in _ALSO:
        k += 1
    hit = kind_phrases().match(tokens, _past_gap(tokens, k))
    return hit is not None and hit.phrase.value in KINDS


def _the_type_ended(text: str, tokens: list[Token], at: int, kind: str, kinds: list[str],
                    spans: dict[str, tuple[int, int]]) -> bool:
    """Whether the end status at token ``at``, right after the type ``kind``, ends that type
    and not the agreement: another type stays, set apart from it ("MoU; student exchange
    ended 2022"; not "Erasmus+ bilateral ended"), and the status is written onto the type
    ("exchange ended") or, in brackets, a type follows it ("Double degree (discontinued),
    student exchange continues")."""
    others = [k for k in kinds if k != kind]
    if not others or kind not in kinds:
        return False
    between = text[tokens[at - 1].end : tokens[at].start]
    if not between.strip():
        first, last = spans[kind]
        return all(any(c in ",;" for c in (text[spans[k][1] : first] if spans[k][0] < first
                                           else text[last : spans[k][0]]))
                   for k in others)
    if between.strip() != "(":
        return False
    after = (kind_phrases().match(tokens, j) for j in range(at + 1, len(tokens)))
    return any(hit is not None and hit.phrase.value in others for hit in after)


def _qualified(hit: PhraseMatch, tokens: list[Token], i: int, unknown_from: int | None
               ) -> bool:
    """Whether a one-word type ("Exchange", "Framework") stands right after words no
    vocabulary knows, which qualify it ("Staff exchange", "Research framework"): what kind
    of exchange the cell means is in the unknown words, so the word alone proves nothing."""
    return (unknown_from is not None and hit.length == 1 and hit.phrase.value != CONNECTOR
            and not hit.phrase.value.startswith(STATUS_PREFIX)  # "currently suspended"
            and tokens[i].text.isalpha() and tokens[i - 1].text.isalnum())


def apply_kind_phrase(
    hit: PhraseMatch,
    text: str,
    tokens: list[Token],
    kinds: list[str],
    statuses: list[str],
    flags: list[Flag],
    field: str,
) -> None:
    """Add one matched phrase's kind or status (once), with its flag if the data gives one."""
    value = hit.phrase.value
    written = text[tokens[0].start : tokens[-1].end]
    if value == CONNECTOR:
        if hit.phrase.flag:  # a type the ontology has no kind for ("Memorandum of Agreement")
            flags.append(Flag(field, hit.phrase.flag, f"{written!r} is no agreement type of "
                              f"the ontology: {hit.phrase.note}".rstrip(": "), written))
        return
    if hit.phrase.flag:
        flags.append(Flag(field, hit.phrase.flag,
                          f"read {written!r} as {value}: {hit.phrase.note}".rstrip(": "),
                          written))
    if value.startswith(STATUS_PREFIX):
        status = value[len(STATUS_PREFIX):]
        if status not in statuses:
            statuses.append(status)
    elif value not in kinds:
        kinds.append(value)


def deny_kind(hit: PhraseMatch, text: str, tokens: list[Token], i: int, flags: list[Flag],
              field: str) -> bool:
    """Whether a matched type is denied ("MoU (no student exchange)") or past ("formerly
    Erasmus+"): then it is reported with the flag ``negated`` or ``former-kind`` and not
    read."""
    value = hit.phrase.value
    written = text[tokens[i].start : tokens[i + hit.length - 1].end]
    if value in _END_STATUSES and negated(text, tokens, i, hit.length):
        flags.append(Flag(field, "negated", f"the cell denies {written!r}: not read as "
                          f"{value}", " ".join(text.split())))  # "not suspended"
        return True
    if value == CONNECTOR or value.startswith(STATUS_PREFIX):
        return False
    if former(tokens, i, hit.length):
        flags.append(Flag(field, "former-kind", f"the cell says {written!r} was the "
                          f"agreement's type before: not read as {value}",
                          " ".join(text.split())))
        return True
    if not negated(text, tokens, i, hit.length):
        return False
    flags.append(Flag(field, "negated", f"the cell denies {written!r}: not read as {value}",
                      " ".join(text.split())))
    return True


# Words that make the type right after them a past one ("formerly Erasmus+", "SEMP (vorher
# Erasmus+)", "antes convenio de intercambio", "ex-Erasmus"), and words after which the cell
# names the type it has now ("Erasmus+ until 2021, now bilateral", "ex-Erasmus, désormais
# SEMP"): the types before such a word are past ones, unless it adds ("now also").
FORMER = frozenset({
    "formerly", "previously", "former", "ex", "vorher", "fruher", "ehemals", "ehemalig",
    "ehemalige", "ehemaliger", "ehemaliges", "bisher", "antes", "anteriormente", "antiguo",
    "antigua", "anciennement", "precedemment", "auparavant", "ancien", "ancienne",
    "precedentemente", "gia", "anteriore", "voorheen", "vroeger", "eerder", "voormalig",
    "voormalige", "poprzednio", "wczesniej", "dawniej", "dawna", "dawny", "byla", "byly",
    "tidigare", "tidligere", "forhenvaerende", "drive", "puvodne", "byvaly", "byvala",
    "бывший", "бывшая", "ранее", "раніше", "колишній", "колишня", "onceden", "eski", "fost",
    "korabban", "aiemmin", "entinen"})
_FORMER_GAP = frozenset({"-", ":", "a", "an", "the", "un", "une", "ein", "eine", "el", "la",
                         "le", "o", "uma", "um", "een", "de", "het", "il", "lo"})
NOW = frozenset({"now", "currently", "jetzt", "nun", "heute", "desormais", "maintenant",
                 "actuellement", "ahora", "actualmente", "agora", "atualmente", "ora",
                 "adesso", "attualmente", "nu", "thans", "momenteel", "teraz", "obecnie",
                 "nyni", "теперь", "сейчас", "зараз", "тепер", "simdi",
                 "artik", "acum", "nykyaan"})
_ALSO = frozenset({"also", "too", "additionally", "auch", "zusatzlich", "aussi", "egalement",
                   "tambien", "ademas", "tambem", "anche", "ook", "rowniez", "takze", "tez",
                   "aven", "ogsa", "take", "также", "тоже", "також"})
_READ_WITH_A_KIND = FORMER | NOW | _ALSO


def former(tokens: list[Token], i: int, length: int) -> bool:
    """Whether the type at ``tokens[i : i + length]`` is a past one: a FORMER word right
    before it, or a NOW word later in the cell that names another type ("Erasmus+ until
    2021, now bilateral")."""
    j = i - 1
    while j >= 0 and tokens[j].text in _FORMER_GAP and j > i - 3:
        j -= 1
    if j >= 0 and tokens[j].text in FORMER:
        return True
    for k in range(i + length, len(tokens)):
        if tokens[k].text in NOW and not (k + 1 < len(tokens)
                                          and tokens[k + 1].text in _ALSO):
            hit = kind_phrases().match(tokens, _past_gap(tokens, k + 1))
            return hit is not None and hit.phrase.value in KINDS
    return False


def _past_gap(tokens: list[Token], k: int) -> int:
    while k < len(tokens) and tokens[k].text in _FORMER_GAP:
        k += 1
    return k


def unknown_kind_flag(text: str, tokens: list[Token], field: str) -> Flag:
    written = text[tokens[0].start : tokens[-1].end]
    return Flag(field, "unknown-kind", f"{written!r} is not an agreement type we know", written)
