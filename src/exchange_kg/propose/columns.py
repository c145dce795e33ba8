"""What each column of a new list holds: the field its header names (the header vocabulary,
``data/header-words.tsv``), else what its cells look like, with the reasons a column that
looked like a field is left unread for the user to check."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from exchange_kg.normalise.country import parse_country, text_key
from exchange_kg.normalise.dates import parse_date, stated_calendar
from exchange_kg.normalise.erasmus import parse_erasmus_code
from exchange_kg.normalise.fit import looks_like_institution, parse_continent
from exchange_kg.normalise.kinds import parse_kinds
from exchange_kg.normalise.level import parse_level
from exchange_kg.normalise.partner import names_unit
from exchange_kg.normalise.quota import names_a_stay, parse_quota
from exchange_kg.normalise.registry import iso_code
from exchange_kg.normalise.term import parse_terms
from exchange_kg.normalise.vocabulary import builtin_entries
from exchange_kg.readers.cells import fold
from exchange_kg.readers.details import DETAILS_COLUMN, read_details
from exchange_kg.readers.simple_table import MARKS, NO_MARKS, REPEATABLE

_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)
_NUMBER = re.compile(r"^\d{1,4}\.?$")
_YEAR = re.compile(r"^(?:19[5-9]\d|20\d\d)$")


# Countries read in a column with no header word, at least: a list in a language whose
# country names the vocabularies know only in part (Albanian, Swahili: 6-7 of 12) names them
# in a column nothing else fills with country names; the cells not read are reported
COUNTRY_SHARE = 0.5

# Fields whose cells may be dates: any other column of dates is read as the start.
DATED = frozenset({"start", "end", "term", "row_number"})


@lru_cache(maxsize=1)
def _header_table() -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The header vocabulary: each text as compared exactly and as compared tolerantly,
    and the (field, language) it names."""
    entries = [(text_key(e.text), e.value, e.language) for e in builtin_entries("headers")]
    return (tuple(t for t, _, _ in entries), tuple(fold(t) for t, _, _ in entries),
            tuple((f, lang) for _, f, lang in entries))


@lru_cache(maxsize=65536)
def header_field(cell: str) -> tuple[str | None, str | None]:
    """The field a header cell names, and the language of the wording (None: unknown).

    Asked for every cell of every line while the header is looked for, so the comparison
    with the whole vocabulary runs in rapidfuzz, and each distinct cell is compared once."""
    key = text_key(_CAMEL.sub(" ", cell))  # "AgreementID", "EndDate": words run together
    if not key:
        return None, None
    texts, folded_texts, meanings = _header_table()
    if key in texts:
        return meanings[texts.index(key)]
    if len(key) < 3:
        return None, None
    folded = fold(key)
    # a field's word before another field's whole header ("Agreement valid until", "Umowa
    # ważna do", "Partner country"): the words after it say what the column holds
    for t in folded_texts if "(" not in cell else ():  # "Institución (ciudad)": a detail
        rest = folded[len(t):]
        if len(t) >= 3 and rest[:1] == " " and folded.startswith(t) \
                and rest.strip() in folded_texts:
            return meanings[folded_texts.index(rest.strip())]
    # a header word with more after it ("Partnerhochschule", "Quota (students)"), cut short
    # ("Quot", "Estado" of "Estado del convenio") or slightly misread: the first entry it
    # may stand for. A short word glued to more is another word ("Dal" + "ka", Somali
    # "country", is no Italian "from"), and a word that begins entries of several fields
    # ("Avtal": "Avtalsperiod", "Avtalstyp"; "Fecha": "Fecha de firma", "Fecha de
    # vencimiento") is cut short of none of them.
    cut = {meanings[i][0] for i, t in enumerate(folded_texts) if t.startswith(folded) and (
        len(folded) * 5 >= len(t) * 3 or t[len(folded):][:1] == " ")}
    near = [i for i, t in enumerate(folded_texts) if len(t) >= 3 and (
        folded.startswith(t) and not _names_an_identifier(folded[len(t):])
        and (len(t) >= GLUED_MIN or not folded[len(t):][:1].isalpha())
        or t.startswith(folded) and len(cut) == 1 and meanings[i][0] in cut)]
    near += [i for _, _, i in process.extract(folded, folded_texts, scorer=fuzz.ratio,
                                              score_cutoff=90.0, limit=None)]
    return meanings[min(near)] if near else (None, None)


GLUED_MIN = 4  # letters of a header word that may begin a longer word ("Land" + "name")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


# Words after a field's name that make the column an identifier of it ("Partner ID",
# "Agreement No.", "Vereinbarungsnummer"): a code, not the field's value.
_IDENTIFIER_WORDS = frozenset({"id", "no", "nr", "number", "nummer", "num", "code", "kod",
                               "kode", "key", "ref", "reference", "kennung", "numero",
                               "numer", "cislo"})


def _names_an_identifier(rest: str) -> bool:
    words = rest.split()
    if not words:
        return False
    first = words[0][1:] if words[0].startswith("s") and words[0][1:] in _IDENTIFIER_WORDS \
        else words[0]  # German's linking s: "Vereinbarungs-ID", "Vereinbarungsnummer"
    return first in _IDENTIFIER_WORDS


def field_by_content(values: Sequence[str]) -> str | None:
    """The field a column's cells look like when its header says nothing ("Kolumna1")."""
    filled = [v for v in values if v]
    if not filled:
        return None

    def share(test: Any) -> float:
        return sum(1 for v in filled if test(v)) / len(filled)

    if share(lambda v: bool(_URL.match(v)) or "." in v and " " not in v and "/" in v) > 0.6:
        return "website"
    if share(lambda v: parse_erasmus_code(v)[0] is not None) > 0.6:
        return "erasmus_code"
    if share(lambda v: parse_continent(v) is not None) > 0.6:
        return "continent"
    if share(_period) > 0.6:
        return "term"  # "2021-2027": when each agreement runs, from and to
    if share(_details_cell) > 0.6:
        return DETAILS_COLUMN  # "Cergy, France · Erasmus+ · 3 places": details, each read
    stated = [v for v in filled if v.strip() not in NO_MARKS]  # '-': nothing stated
    if stated and sum(map(_termlike, stated)) > 0.6 * len(stated) and any(
            _termlike(v) and parse_date(v)[0] is None for v in stated):
        return "term"  # "Five years", "Perpetual", "Auto-renewal" among dates: how long
    if share(lambda v: parse_date(v)[0] is not None and not v.isdigit()) > 0.6:
        return "start"
    if share(lambda v: parse_country(v, fuzzy=False) is not None) >= COUNTRY_SHARE:
        return "country"
    codes = {v for v in filled if iso_code(v) is not None}
    if len(codes) >= 3 and share(lambda v: v in codes) > 0.6:
        return "country"  # "DE", "FR", "JPN": a report's country codes, several distinct
    if share(names_kinds) > 0.6:
        return "kind"  # "Erasmus+", "Acordo bilateral" under "Programa"
    if _numbering(filled):
        return "row_number"  # 1, 2, 3, ...: the document's own numbering
    if share(lambda v: bool(_YEAR.match(v))) > 0.8:
        return "start"  # "2021": a year, not 2,021 places
    if share(_places) > 0.8:
        return "quota"
    return None


def _numbering(filled: Sequence[str]) -> bool:
    """1, 2, 3, ... (restarting at 1 in a new section), or counting down to 1 (a list that
    puts its newest agreement first), among one other cell or a tenth of them (the header
    repeated on the next page, a note)."""
    numbers = [int(v.rstrip(".")) for v in filled if v.rstrip(".").isdecimal()]
    others = len(filled) - len(numbers)
    return len(numbers) >= 3 and others <= max(1, len(filled) // 10) and (
        _counts_up(numbers) or _counts_up(numbers[::-1]))


def _counts_up(numbers: Sequence[int]) -> bool:
    return numbers[0] == 1 and all(
        b in (a + 1, 1) for a, b in zip(numbers, numbers[1:], strict=False))


def names_kinds(cell: str) -> bool:
    """A cell that is all agreement types the vocabulary knows, and nothing else."""
    value, flags = parse_kinds(cell)
    return bool(value.kinds) and not flags


def _details_cell(cell: str) -> bool:
    """A cell of two details or more, and no name in it ("Universiteit Gent, Ghent, Belgium"
    names the partner: its column is the partners')."""
    found, unread = read_details(cell)
    return len(found) >= 2 and not any(map(looks_like_institution, unread))


def _termlike(cell: str) -> bool:
    """A cell that says how long an agreement runs: a date, a length, open-ended, renewing."""
    terms, _ = parse_terms(cell)
    return any(t.end or t.unplaced or t.open_ended or t.duration_years or t.auto_renewal
               for t in terms)


# a header cell naming one year or academic year ("2024/25", "2025–2026", "2026"): the column
# of a table with a column per year (a pivot), whose cells are that year's places or ticks
_YEAR_HEADER = re.compile(r"(?:19|20)\d\d(?:\s*[/–-]\s*(?:(?:19|20)?\d\d))?")


def names_a_year(cell: str) -> bool:
    return bool(_YEAR_HEADER.fullmatch(cell.strip()))


def _period(cell: str) -> bool:
    """A cell that is one period with its start and its end ("2021-2027")."""
    terms, flags = parse_terms(cell)
    return len(terms) == 1 and bool(terms[0].start and terms[0].end) and not flags


def _places(cell: str) -> bool:
    """A number of places: bare ("3"; "0413" is a code, an ISCED field, not 413 places) or
    counted in words the quota vocabulary reads ("2 öğrenci x 5 ay")."""
    if _NUMBER.match(cell):
        return not cell.startswith("0")
    value, flags = parse_quota(cell)
    return cell[:1].isdigit() and value is not None and bool(value.places) and not any(
        f.withheld for f in flags)


def counts_years(header: str, *, unit_only: bool = False) -> bool:
    """Whether a header says its numbers are years ('Duration (years)', 'Durée (ans)',
    'Laufzeit in Jahren'): a word of it makes '5 <word>' five years. ``unit_only``: only a
    bracket holding that one word, for a header naming no field ('Zorp (years)'), since
    'Quota (students per year)' counts places."""
    if unit_only:
        found = re.search(r"\(\s*([^\W\d_]+)\s*\)\s*$", header)
        words = [found.group(1)] if found else []
    else:
        words = re.findall(r"[^\W\d_]+", header)
    for word in words:
        terms = parse_terms(f"5 {word}")[0]
        if terms and terms[0].duration_years == 5:
            return True
    return False


def column_fields(header: Sequence[str], rows: Sequence[Sequence[str]],
             groups: Sequence[str] = (), unread: dict[str, str] | None = None,
             by_content: set[int] | None = None) -> tuple[list[str], Counter]:
    """The field of each column, and the languages of the header words that named them.

    ``unread`` receives, per header cell, why a column that looked like a field is left
    unread ("-"), and ``by_content`` the columns named by their cells alone, for the
    proposal to say so rather than decide unseen."""
    columns: list[str] = []
    languages: Counter[str] = Counter()
    why = unread if unread is not None else {}
    grouped = _grouped_fields(header, groups)
    taken: set[str] = set()
    years = sum(names_a_year(c) for c in header) > 1
    for i, cell in enumerate(header):
        name, language = header_field(cell)
        values = [r[i] if i < len(r) else "" for r in rows]
        if i in grouped:
            name, language = grouped[i]
        elif years and names_a_year(cell):
            why[cell] = ("a column per year: that year's places or ticks, not the agreement's "
                         "dates; no one of them is the quota")
            columns.append("-")
            continue
        elif name == "-" and not _ticks(values):
            why[cell] = ("its header names nothing the graph publishes of an agreement (an "
                         "id, a study code, staff places, the months or days of a stay)")
            name = None
            columns.append("-")
            continue
        elif name is None and counts_years(cell, unit_only=True) and any(values) and all(
                _NUMBER.match(v) for v in values if v):
            name = "term"  # 'Duur (jaren)' over 5, 6: years, not places
        elif name is None:
            name = field_by_content(values)
            if by_content is not None and name is not None:
                by_content.add(i)
        elif name in ("start", None) and _names_no_agreement_date(cell):
            why[cell] = ("its header names a date of a decision or review, not when the "
                         "agreement began or ends")
            columns.append("-")
            continue
        elif name == "start" and any(values) and not any(
                parse_date(v, calendar=stated_calendar(cell))[0] for v in values if v):
            example = next(v for v in values if v)
            why[cell] = f"its header may name a date, but no cell is one ({example!r})"
            name = None
        elif name not in DATED and field_by_content(values) == "start":
            name = "start"  # "Agreement Date" is no agreement type: its cells are dates
        elif name == "country" and _statuses_not_countries(values):
            name = "kind"  # Italian "Stato" over "Attivo", "In negoziazione": the status
        elif name == "kind" and _share_of_levels(values) > 0.8:
            name = "level"  # "Type: University / Department" says the agreement's level
        elif name == "row_number" and sum(not v.rstrip(".").isdecimal()
                                          for v in values if v) * 2 > sum(1 for v in values if v):
            why[cell] = (f"its cells are identifiers ({next(v for v in values if v)!r}), not "
                         "the list's numbering")
            name = None
        elif name == "term" and any(names_a_stay(v) for v in values if v):
            why[cell] = (f"its cells are the length of a stay "
                         f"({next(v for v in values if v and names_a_stay(v))!r}), not the "
                         "agreement's term")
            name = None
        elif name == "term" and any(values) and all(
                _NUMBER.match(v) for v in values if v) and not counts_years(cell):
            why[cell] = (f"its cells are bare numbers ({next(v for v in values if v)!r}): a "
                         "length whose unit only the header gives, of each stay or of the "
                         "agreement; map it if it is the agreement's")
            name = None
        elif name == "level" and any(values) and _share_of_levels(values) < 0.5:
            example = next(v for v in values if v)
            why[cell] = (f"its cells ({example!r}) are no agreement levels (university or "
                         "department); a study cycle has no property in the ontology")
            name = None
        if name == "partner" and (found := _identifiers(values)) is not None:
            # "partner_hei_id", "partner_erasmus_code": the header names the partner, its
            # cells identify it ('uni-heidelberg.de', 'D HEIDELB01'); a name is elsewhere
            why[cell] = f"its cells are identifiers ({found[1]!r}), not the partner's name"
            name = found[0]
        if name == "start" and columns[-1:] == ["start"] and not {"end", "term"} & set(columns):
            # two columns of dates side by side: when it began, when it ends; unless the dates
            # say otherwise (the same signing date in two calendars, the second not later)
            later = _later(rows, i - 1, i)
            if later == "unread":  # the column before holds no date read (another calendar)
                columns[-1] = "-"
                taken.discard("start")
                why[header[i - 1]] = ("its cells are no dates read (another calendar?); the "
                                      "column after it gives the dates")
            elif later == "no":
                name = None
                why[cell] = ("its dates are not later than those of the column before it: the "
                             "same dates again, not the ends")
            else:
                name = "end"
        if _ticks(values) and name != "waiver":  # ticks say no country, date, code...
            kinds, flags = parse_kinds(cell)
            if kinds.kinds and not flags:
                name = "kind"  # a column ticking the rows of the agreement type it names
            else:
                why[cell] = (f"its cells tick rows, but no agreement type vocabulary knows "
                             f"{cell!r} as one type")
                name = None
        # several columns may say the type: ticked types, a type and a status column
        if name == "partner" and "partner" in columns and _translated(
                rows, columns.index("partner"), i):
            name = "other_name"  # "北京大学" | "Peking University": one partner, two names
        if name is not None and name in taken and name not in REPEATABLE:
            # a field already named, or already refused (two columns of places that differ:
            # a third column of numbers, "Months", does not become the places)
            why[cell] = f"a second {name} column"
            if name in columns and (
                    _empty_twin(columns, header, rows, name, values, why)
                    or name == "partner" and _units_before(columns, rows, values)):
                why.pop(cell)
            else:
                name = _second_quota(columns, header, rows, i, name, why) \
                    if name in columns else None
        if language not in (None, "mul"):
            languages[language] += 1
        if name is not None:
            taken.add(name)
        columns.append(name or "-")
    if "partner" not in columns:
        _partner_by_content(columns, header, rows)
    _dates_by_header(columns, header, rows, why)
    return columns, languages


# Words of a date header that name a decision about the agreement or a look at it, not its
# start or end ("Date approved by Senate", "Fecha de aprobación (R.R.)", "Fecha de última
# evaluación"); folded word starts
_DECISION_WORDS = ("approv", "aprob", "aprov", "approb", "genehmig", "zatwierdz", "senate",
                   "senado", "senat", "council", "consejo", "conselho", "board", "evaluac",
                   "evaluat", "avaliac", "review", "revis", "bewert", "ocen")
# Words that tell which of two signing dates is the agreement in force's ("Current agreement
# signed" over "First signed")
_CURRENT_WORDS = ("current", "actual", "vigente", "aktuell", "actuel", "attuale", "obecn",
                  "latest", "new", "neu", "nouv", "nuev", "renew", "renov", "verlaeng",
                  "verlang", "prolong", "extend", "exten")
_FIRST_WORDS = ("first", "original", "initial", "erst", "primer", "premi", "ursprung",
                "pierwsz", "orig")


def _words_of_header(cell: str) -> list[str]:
    return fold(text_key(cell)).split()


def _names_no_agreement_date(cell: str) -> bool:
    return any(w.startswith(_DECISION_WORDS) for w in _words_of_header(cell))


def _dates_by_header(columns: list[str], header: Sequence[str], rows: Sequence[Sequence[str]],
                     why: dict[str, str]) -> None:
    """Where headers name the end, they decide it over the order of the date columns: of
    'Signed | Original expiry | Extended to' or 'First signed | Current agreement signed |
    Expires' the order alone made the second column the end and left the real one unread (a
    false end on every row). The end is the column a header names the end, the one with the
    later dates where two do ("Extended to" over "Original expiry"); the start the one whose
    header says it is the current agreement's, over one saying first or original."""
    ends = [i for i, cell in enumerate(header)
            if _header_end(cell) and columns[i] in ("-", "start", "end") and _dated(rows, i)]
    if ends:
        end = max(ends, key=lambda i: (_latest(rows, i), i))
        for i, name in enumerate(columns):
            if name == "end" and i != end:
                columns[i] = "-"
                why[header[i]] = (f"{header[end]!r} names the end; these dates are not it (an "
                                  "earlier end, a signing or renewal)")
        if columns[end] != "end":
            columns[end] = "end"
            why.pop(header[end], None)
    starts = [i for i, name in enumerate(columns) if name == "start"]
    signed = [i for i, cell in enumerate(header)
              if columns[i] in ("-", "start") and _dated(rows, i)
              and header_field(cell)[0] in ("start", None) and not _names_no_agreement_date(cell)
              and i not in ends]
    current = [i for i in signed if any(w.startswith(_CURRENT_WORDS)
                                        for w in _words_of_header(header[i]))]
    first = [i for i in starts if any(w.startswith(_FIRST_WORDS)
                                      for w in _words_of_header(header[i]))]
    if len(current) == 1 and first and current[0] not in starts:
        for i in first:
            columns[i] = "-"
            why[header[i]] = (f"the first or original agreement's date; {header[current[0]]!r} "
                              "is the current one's")
        columns[current[0]] = "start"
        why.pop(header[current[0]], None)


def _header_end(cell: str) -> bool:
    return header_field(cell)[0] == "end"


def _dated(rows: Sequence[Sequence[str]], i: int) -> bool:
    return any(parse_date(r[i])[0] is not None for r in rows if i < len(r) and r[i].strip())


def _latest(rows: Sequence[Sequence[str]], i: int) -> tuple[int, int, int]:
    days = [parse_date(r[i])[0] for r in rows if i < len(r) and r[i].strip()]
    return max(((d.year, d.month or 0, d.day or 0) for d in days if d is not None),
               default=(0, 0, 0))


_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")


def _identifiers(values: Sequence[str]) -> tuple[str | None, str] | None:
    """A column whose cells identify institutions without naming them, most of them Erasmus
    codes or internet domains (an exchange system's SCHAC ids): the field its cells are
    ('erasmus_code', or None for a domain) and an example; None for a column of names."""
    filled = [v.strip() for v in values if v.strip()]
    if not filled:
        return None
    codes = [v for v in filled if parse_erasmus_code(v)[0] is not None]
    if len(codes) * 2 > len(filled):
        return "erasmus_code", codes[0]
    domains = [v for v in filled if _DOMAIN.match(v)]
    if len(domains) * 2 > len(filled):
        return None, domains[0]
    return None


TRANSLATED_SHARE = 0.8  # rows whose two partner cells are written in two scripts, at least


def _translated(rows: Sequence[Sequence[str]], first: int, second: int) -> bool:
    """Two partner columns that name each row's partner twice, in two scripts ("北京大学" and
    "Peking University"): a second party would not be written in another script on every
    row, and would leave its cell empty where there is none."""
    pairs = [(r[first].strip() if first < len(r) else "", r[second].strip()
              if second < len(r) else "") for r in rows]
    both = [(a, b) for a, b in pairs if a and b]
    if len(both) < 2 or len(both) < len([p for p in pairs if any(p)]) * TRANSLATED_SHARE:
        return False
    other = sum(1 for a, b in both if _script(a) != _script(b))
    return other >= len(both) * TRANSLATED_SHARE


def _script(text: str) -> str | None:
    """The script most of a text's letters are written in (LATIN, CJK, CYRILLIC ...)."""
    scripts = Counter(unicodedata.name(c, "?").split()[0] for c in text if c.isalpha())
    return scripts.most_common(1)[0][0] if scripts else None


def _ticks(values: Sequence[str]) -> bool:
    """A column whose filled cells only tick their rows (x, ✓, yes)."""
    filled = [v.strip().casefold() for v in values if v.strip()]
    return any(v in MARKS for v in filled) and all(v in MARKS or v in NO_MARKS for v in filled)


def _empty_twin(columns: list[str], header: Sequence[str], rows: Sequence[Sequence[str]],
                name: str, values: Sequence[str], why: dict[str, str]) -> bool:
    """Whether the column already named ``name`` is empty on every row where the new one
    has values (a column hidden in the workbook or page, its old values kept out of view,
    beside the copy the office fills): then the filled one is the field, the empty one not."""
    first = columns.index(name)
    if not any(v.strip() for v in values) or any(
            row[first].strip() for row in rows if first < len(row)):
        return False
    columns[first] = "-"
    why[header[first]] = (f"its cells are empty; the {name} is in the column of the same "
                          "header beside it")
    return True


UNIT_SHARE = 0.8  # cells of a column that name units, at least, for a column of units


def _units_before(columns: list[str], rows: Sequence[Sequence[str]], values: Sequence[str]
                  ) -> bool:
    """Whether the column taken for the partner names units ("Faculty of Engineering",
    "School of Law" under 'Institution (Faculty)') where this one names institutions
    ('Partner university'): then this is the partner and that a unit column, whose (the
    host's or the partner's) the unit reading decides. Faculties published as partner
    institutions were false facts, and the universities were lost."""
    first = columns.index("partner")
    units = [r[first] for r in rows if first < len(r) and r[first].strip()]
    names = [v for v in values if v.strip()]
    if not units or not names or sum(map(names_unit, units)) < UNIT_SHARE * len(units) \
            or sum(map(names_unit, names)) > (1 - UNIT_SHARE) * len(names):
        return False
    columns[first] = "unit"  # whose: the unit reading says, with a CHECK
    return True


def _second_quota(columns: list[str], header: Sequence[str], rows: Sequence[Sequence[str]],
                  at: int, name: str, why: dict[str, str]) -> str | None:
    """A second column of places ("Incoming" beside "Outgoing"): a quota counts the places
    each way, so the first column stands for both only where the two agree on every row.
    Where one header names what no quota counts ("Total months/days per year" beside
    "Mobilities per year"), the other is the quota. Returns the field of column ``at``."""
    if name != "quota":
        return None
    first = columns.index("quota")
    counted = [_names_no_places(header[k]) for k in (first, at)]
    if counted == [False, True]:
        why[header[at]] = "its header names what no quota counts (months, days, staff)"
        return None
    if counted == [True, False]:
        why.pop(header[at], None)
        why[header[first]] = "its header names what no quota counts (months, days, staff)"
        columns[first] = "-"
        return "quota"
    for row in rows:
        one, two = (row[k].strip() if k < len(row) else "" for k in (first, at))
        if one != two:
            why[header[first]] = (f"places differ from {header[at]!r} ({one!r} and {two!r}): "
                                  "a quota counts the places each way, and one of them may "
                                  "count something else (months); map the one that counts "
                                  "the places both ways as quota")
            columns[first] = "-"
            return None
    why[header[at]] += f"; it repeats {header[first]!r} on every row"
    return None


@lru_cache(maxsize=1)
def _no_field_words() -> frozenset[str]:
    """Single words of the header vocabulary that name no field ("Months", "Tage")."""
    return frozenset(fold(text_key(e.text)) for e in builtin_entries("headers")
                     if e.value == "-" and " " not in text_key(e.text))


def _names_no_places(cell: str) -> bool:
    """A header one of whose words names what no quota counts ("Total months/days")."""
    return any(w in _no_field_words() for w in re.split(r"[\W_]+", fold(text_key(cell))) if w)


DATE_SIDE_SHARE = 0.8  # dates on one side of the document's own date, at least


def _later(rows: Sequence[Sequence[str]], before: int, after: int) -> str:
    """How the dates of column ``after`` stand to those of ``before``: "yes" later on the
    rows that give both, "no", "unread" where ``before`` holds no date read, "unknown"."""
    pairs = [(a, b) for r in rows if after < len(r)
             and (a := parse_date(r[before])[0]) is not None
             and (b := parse_date(r[after])[0]) is not None]
    if pairs:
        later = sum(1 for a, b in pairs if b.isoformat() > a.isoformat())
        return "yes" if later >= 0.8 * len(pairs) else "no"
    first = [r[before] for r in rows if before < len(r) and r[before]]
    return "unread" if first and not any(parse_date(v)[0] for v in first) else "unknown"


def date_meaning(columns: list[str], names: Sequence[str], rows: Sequence[Sequence[str]],
                  as_of: tuple[str, str] | None) -> list[str]:
    """Whether a lone column of dates under a header no vocabulary knows ("Sopimus
    voimassa") says when agreements began or when they end, from the date the document
    says it is current as of: a list's agreements are running then, so dates after it are
    ends and dates before it starts. Without that evidence the column is left unread for
    the user to name: a guess would publish false dates. Returns what to check."""
    if {"end", "term"} & set(columns) or columns.count("start") != 1:
        return []
    i = columns.index("start")
    if header_field(names[i])[0] in DATED:
        return []  # a header naming a date field; not one naming a type over dates
    dates = [d for r in rows if i < len(r) and r[i] and (d := parse_date(r[i])[0]) is not None]
    if not dates:
        return []
    if as_of is None:
        columns[i] = "-"
        return [f"{names[i]!r} not read ('-'): its cells are dates, and neither its header nor "
                "a date of the document tells whether they are starts or ends: map it as "
                "start or end"]
    later = sum(1 for d in dates if d.isoformat() > as_of[0]) / len(dates)
    if later >= DATE_SIDE_SHARE:
        columns[i] = "end"
        side = "after"
    elif later <= 1 - DATE_SIDE_SHARE:
        side = "before"
    else:
        columns[i] = "-"
        return [f"{names[i]!r} not read ('-'): its dates fall both before and after the "
                f"document's date ({as_of[0]}): map it as start or end"]
    return [f"{names[i]!r} read as {columns[i]}: {later if side == 'after' else 1 - later:.0%} "
            f"of its dates are {side} the document's date ({as_of[0]})"]


def _grouped_fields(header: Sequence[str], groups: Sequence[str]
                    ) -> dict[int, tuple[str, str | None]]:
    """Fields of columns under a group label whose own cells name no field: the two
    columns under a period ("Validity: From | To") are its start and end; the first under a
    group of places ("Exchange places: Incoming | Outgoing") is the quota."""
    out: dict[int, tuple[str, str | None]] = {}
    for label in dict.fromkeys(g for g in groups if g):
        members = [j for j, g in enumerate(groups) if g == label]
        if any(header_field(header[j])[0] is not None for j in members):
            continue
        name, language = header_field(label)
        if name in ("term", "start", "end") and len(members) == 2:
            out[members[0]], out[members[1]] = ("start", language), ("end", language)
        elif name is not None:
            out[members[0]] = (name, language)
    return out


PARTNER_MIN_SHARE = 0.5  # cells with an institution word in a column of partners, at least


def _partner_by_content(columns: list[str], header: Sequence[str],
                        rows: Sequence[Sequence[str]]) -> None:
    """Name as partners the unnamed column whose cells most often hold an institution word
    ("Universiteit", "Hochschule", "Institute"), when no header named one."""
    best, share = None, PARTNER_MIN_SHARE
    for i, name in enumerate(columns):
        if name != "-":
            continue
        filled = [r[i] for r in rows if i < len(r) and r[i]]
        if filled:
            found = sum(1 for v in filled if looks_like_institution(v)) / len(filled)
            if found >= share:
                best, share = i, found
    if best is not None:
        columns[best] = "partner"


def _statuses_not_countries(values: Sequence[str]) -> bool:
    """A column a header word calls the country ("Stato", "Estado" also mean status) whose
    cells are no countries but words of the agreement-type vocabulary (a status: "Attivo",
    "In negoziazione")."""
    filled = [v for v in values if v.strip()]
    if not filled or sum(1 for v in filled if parse_country(v, fuzzy=False)) > len(filled) / 5:
        return False
    known = sum(1 for v in filled if not parse_kinds(v)[1])
    return known * 2 >= len(filled)


def _share_of_levels(values: Sequence[str]) -> float:
    filled = [v for v in values if v.strip()]
    return sum(1 for v in filled if parse_level(v)[0]) / len(filled) if filled else 0.0


def partner_notation(partners: Sequence[str]) -> str:
    """How the partner cells attach units: the separator followed by a unit most often."""
    counts: Counter[str] = Counter()
    for cell in partners:
        for m in re.finditer(r"\(([^()]+)\)", cell):
            if names_unit(m.group(1)):
                counts["parentheses"] += 1
        for m in re.finditer(r"\s[-–—]\s+(.+)$", cell):
            if names_unit(m.group(1)) or m.group(1).split()[0].isupper():
                counts["dash"] += 1
        for piece in cell.split(", ")[1:]:
            if names_unit(piece):
                counts["comma"] += 1
    ranked = counts.most_common(2) + [("auto", 0), ("auto", 0)]
    (notation, count), (_, runner_up) = ranked[0], ranked[1]
    if count >= max(2, len(partners) / 60) and count >= 2 * runner_up:
        return notation
    return "auto"
