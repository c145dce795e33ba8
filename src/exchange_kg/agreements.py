"""Records -> agreements: apply a section's field rules and build typed agreement objects.

One raw record usually yields one agreement; a Polish term cell with several clauses yields one
per clause. Normaliser flags are attached to the record they came from, so the report can show
each doubt next to the line that caused it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from exchange_kg.mapping_spec import Section
from exchange_kg.normalise import registry
from exchange_kg.normalise.country import countries_in_name, parse_country, territory_of
from exchange_kg.normalise.dates import DateValue
from exchange_kg.normalise.erasmus import ErasmusCode, city_fits, parse_erasmus_code
from exchange_kg.normalise.fit import names_a_column
from exchange_kg.normalise.kinds import ENDED, EXPIRED, parse_kinds
from exchange_kg.normalise.partner import cell_lines
from exchange_kg.normalise.quota import QuotaValue
from exchange_kg.normalise.remark_status import (
    CONDITIONS,
    IN_PROCESS,
    RemarkStatus,
    lapses_at_end,
    remark_places,
    remark_status,
)
from exchange_kg.normalise.term import Term
from exchange_kg.records import INFERRED_COUNTRY, Flag, RawRecord

# How much a flag casts doubt on its field's value. Explanations of how a value was read
# weigh nothing; a repair of a garbled but present reading weighs less than a guess between
# two readings; any other flag weighs most.
DOUBT = {
    "country-from-merged-cell": 0, "country-from-count": 0, "bare-entry": 0,
    "cells-swapped": 0, "cells-realigned": 0, "matched-across-editions": 0, "duplicate-row": 0,
    "editions-disagree": 0, "re-paired": 0, "country-refined": 0,
    "merged-cell-inherited": 0, "country-from-heading": 0, "quota-duration": 0,
    "country-from-name": 0, "country-by-line": 0, "partner-from-other-name": 0,
    "country-repaired": 1, "label-unrecognised": 1, "ocr-repaired": 1, "ocr-recovered": 1,
}
DOUBT_DEFAULT = 2


def doubt_of(flags: list[Flag]) -> dict[str, int]:
    doubt: dict[str, int] = {}
    for f in flags:
        weight = DOUBT.get(f.code, DOUBT_DEFAULT)
        if weight:
            doubt[f.field] = max(doubt.get(f.field, 0), weight)
    return doubt


@dataclass(frozen=True)
class Party:
    """One institution on the partner side, optionally narrowed to units of it."""

    name: str
    units: tuple[str, ...] = ()
    acronym: str | None = None
    campus: str | None = None
    alt_names: tuple[str, ...] = ()
    country: str | None = None  # ISO 3166-1 alpha-2
    city: str | None = None
    website: str | None = None
    erasmus_code: str | None = None  # in its normal form ("D  KASSEL01")
    # the name with the country word the cell writes after it ("Texas A&M University,
    # Qatar"): the campus's own name when evidence says the bare name is elsewhere
    with_country: str | None = None


@dataclass
class Agreement:
    list_id: str
    level: str | None
    publisher_key: str
    home_unit: str | None
    parties: tuple[Party, ...]
    consortium: str | None = None
    start: DateValue | None = None
    end: DateValue | None = None
    open_ended: bool | None = None
    duration_years: int | None = None
    auto_renewal: bool | None = None
    kinds: tuple[str, ...] = ()
    status: str | None = None
    quota: QuotaValue | None = None
    waiver: bool | None = None
    city_language: str | None = None
    # remarks as the rows state them, each with the source it comes from (whose language
    # it is written in): (text, source id)
    remarks: tuple[tuple[str, str], ...] = ()
    # provenance: the records this agreement was read from, in build order
    records: list[RawRecord] = field(default_factory=list)
    # how doubtful each field's reading is (0 = sure): the better reading wins in a merge
    doubt: dict[str, int] = field(default_factory=dict)
    # identity, set by merge.merge_agreements; IRIs are minted from it
    key: tuple[str, ...] = ()
    # what tells this agreement apart from another with the same parties and start
    key_extra: tuple[str, ...] = ()

    @property
    def country(self) -> str | None:
        """The partner side's country (every party of one row shares the row's country)."""
        return next((p.country for p in self.parties if p.country), None)

    @property
    def source_ids(self) -> list[str]:
        seen: list[str] = []
        for rec in self.records:
            if rec.source_id not in seen:
                seen.append(rec.source_id)
        return seen


# The longest cell a normaliser reads. Partner cells of the bundled lists stay under 300
# characters, a consortium with its members under 2,000; a longer cell is damage.
MAX_FIELD_CHARS = 5_000


def build_agreements(
    record: RawRecord, section: Section, list_id: str, publisher_key: str,
    marked: frozenset[str] = frozenset(), as_of: DateValue | None = None,
) -> list[Agreement]:
    """Normalise one record's fields and turn it into agreements (possibly none).

    ``marked`` names the mark fields (a waiver ``*``) that some row of the record's section
    carries: only there does a row without the mark say "no". A list that never uses the
    mark says nothing about waivers, so nothing is published for it. ``as_of`` is the day
    the list says it is as of: a row it calls expired whose end is still to come then is
    not in force, whatever its contract's end.
    """
    values: dict[str, Any] = {}
    withheld = {f.field for f in record.flags if f.withheld}
    lined = _countries_by_line(record, section, withheld)
    for name, raw in record.fields.items():
        rule = section.fields.get(name)
        if rule is None:
            # The mapping must name every field a reader emits: nothing is dropped silently.
            raise KeyError(
                f"{record.source_id}:{record.first_line}: field {name!r} is not in the mapping"
            )
        if rule.normaliser == "none" or name in withheld or not raw.strip():
            continue
        if len(raw) > MAX_FIELD_CHARS:
            record.flags.append(Flag(
                name, "too-long", f"{len(raw)} characters: longer than any {name} cell "
                f"should be (the limit is {MAX_FIELD_CHARS}); not read", raw[:200] + "...",
                withheld=True))
            continue
        if name == "quota" and record.fields.get("mobility", "").strip():
            raw = f"{raw} {record.fields['mobility'].strip()}"  # "1" of "STA": one teacher
        options = {**rule.options, "by_line": True} if lined and name == "partner" \
            else rule.options
        value, flags = registry.normalise(rule.normaliser, raw, name, options)
        record.flags.extend(flags)
        if value is not None:
            values[name] = value
    if isinstance(values.get("end"), DateValue):  # 'end: date': plain dates, each an end
        values["end"] = (Term(start=None, end=values["end"], open_ended=False,
                              duration_years=None, auto_renewal=None, kinds=(),
                              text=record.fields.get("end", "")),)
    partner = values.get("partner")
    if lined and partner is not None and len(partner.parties) != len(lined):
        lined = None
    if lined:
        _countries_read_by_line(record)
    doubt = doubt_of(record.flags)

    if "partner" not in record.fields and "partner" in section.fields:
        _partner_from_other_name(record, section, values)
        partner = values.get("partner")
    if partner is None or not (partner.parties or partner.consortium):
        return []  # the partner cell names no one ("???", "TBD"): flagged, no agreement
    if names_a_column(record.fields.get("partner", "")):
        record.flags.append(Flag("partner", "empty", "the partner cell names a column "
                                 "('Country', 'Places'), not an institution: the table may be "
                                 "read across its grain", record.fields["partner"],
                                 withheld=True))
        return []
    # a note the partner cell writes after the name ("(suspended)") is read alone: the
    # in-process reading needs the status words by themselves
    remark = next((r for r in map(remark_status, [values.get("remark"), *partner.notes]) if r),
                  None)
    _other_places(values, record)
    ended = _ended(values, record, remark, as_of, section.status)
    if ended:
        record.flags.append(Flag("kind", "agreement-ended", f"the row says the agreement is "
                                 f"suspended, terminated or expired ({ended!r}): not published "
                                 "as an agreement", ended, withheld=True))
        return []
    if "country" not in values and section.country is not None:
        values["country"] = section.country  # a workbook's sheet per country
        flag(record, "country", "country-from-section", "no country on the row; the "
             f"mapping gives its section's rows {section.country}", section.country)
    places = [_place(getattr(p, "place", None)) for p in partner.parties]
    city = _city_place(values.get("city"))
    country = _refine_country(_row_country(values.get("country"), [*places, city], record),
                              record)
    unit = _of_one_party(values, "unit", len(partner.parties), record)
    other_name = _of_one_party(values, "other_name", len(partner.parties), record)
    written = values.get("erasmus_code")
    if written is None and partner.erasmus_code:  # "D  MUNCHEN01 – LMU München"
        written = parse_erasmus_code(partner.erasmus_code)[0]
    code = _erasmus_code(written, country, city[0], len(partner.parties), record)
    cities = [None] * len(partner.parties)
    if lined:
        lines = cell_lines(record.fields.get("city", ""))
        if len(lines) == len(lined):
            cities = lines  # "Sarrebruck" / "Saragosse": each party's
        city = (None, None) if "city" in record.fields else city
    parties = tuple(
        Party(
            name=p.institution,
            units=_with_unit(p.units, unit),
            acronym=p.acronym,
            campus=p.campus,
            alt_names=_with_name(p.alt_names, other_name, p.institution),
            country=lined[i] if lined else country,
            # a place written into the name ("..., Równe, Ukraina") stands in for a city cell
            city=cities[i] or city[0] or place[0],
            website=values.get("website"),
            erasmus_code=code,
            with_country=p.with_country,
        )
        for i, (p, place) in enumerate(zip(partner.parties, places, strict=True))
    )
    kinds_value = values.get("kind")
    base = dict(
        list_id=list_id,
        level=values.get("level") or section.level,  # a row's own level, else the section's
        publisher_key=publisher_key,
        home_unit=values.get("home_unit", section.home_unit),
        parties=parties,
        consortium=partner.consortium,
        kinds=_merge_kinds(section.kinds, kinds_value.kinds if kinds_value else ()),
        status=_published(kinds_value.status) if kinds_value else None,
        quota=values.get("quota"),
        waiver=_mark(values, record, "waiver", marked),
        city_language=section.city_language,
        # a note the partner cell writes after the name ("(suspended)") is one on the row
        remarks=tuple((text, record.source_id) for text in
                      ((values["remark"],) if values.get("remark") else ()) + partner.notes),
    )
    if partner.consortium and "consortium" not in base["kinds"]:
        base["kinds"] = _merge_kinds(base["kinds"], ("consortium",))
    if remark is not None and remark.status == IN_PROCESS and base["status"] is None:
        base["status"] = IN_PROCESS  # a remark that is only "Under negotiation"
    terms = _with_ends(values.get("term") or (), values.get("end") or (), record)
    if remark is not None and remark.ended_on is not None:
        terms = _ended_on(terms, remark, values["remark"], record)
    if not terms:
        start = values.get("start")
        base["kinds"] = _erasmus_dated(base["kinds"], start, None, section, record)
        return _each_party(
            [Agreement(**base, start=start, records=[record], doubt=dict(doubt))], record)
    out = []
    for term in terms:
        term = _placed(term, values.get("start"), record)
        start = _start(values.get("start"), term.start, record)
        kinds = _erasmus_dated(_merge_kinds(base["kinds"], term.kinds), start, term.end,
                               section, record)
        out.append(
            Agreement(
                **{**base, "kinds": kinds,
                   # "in negotiation" may stand where the dates would (one status exists)
                   "status": base["status"] or _published(term.status)},
                start=start,
                end=term.end,
                open_ended=term.open_ended,
                duration_years=term.duration_years,
                auto_renewal=term.auto_renewal,
                records=[record],
                doubt=dict(doubt),
            )
        )
    return _each_party(out, record)


def _each_party(agreements: list[Agreement], record: RawRecord) -> list[Agreement]:
    """One agreement per party where the row gives each party its places ("Universität Bern
    / Universität Basel", "je 1"): the row lists separate agreements on the same terms. Without
    such words several parties stay one agreement: a consortium or joint agreement names
    its members the same way, and splitting it would state agreements no one signed."""
    out = []
    for agreement in agreements:
        quota = agreement.quota
        if (len(agreement.parties) < 2 or agreement.consortium
                or "consortium" in agreement.kinds or quota is None or not quota.apiece):
            out.append(agreement)
            continue
        if agreement is agreements[0]:
            flag(record, "partner", "agreement-each", f"{len(agreement.parties)} partners "
                 f"with places for each ({record.fields.get('quota', '').strip()!r}): one "
                 "agreement each", record.fields.get("partner", ""))
        out.extend(replace(agreement, parties=(party,), records=list(agreement.records),
                           doubt=dict(agreement.doubt)) for party in agreement.parties)
    return out


def _countries_by_line(record: RawRecord, section: Section, withheld: set[str]
                       ) -> list[str] | None:
    """The country of each line of the partner cell, where the row's country cell names
    another country on each of as many lines ("Universität des Saarlandes" / "Universidad de
    Zaragoza" beside "Allemagne" / "Espagne"): one institution is not in two countries, so
    each line is a party in its line's country. None otherwise: lines naming one country
    ("Polska" / "Poland" beside a name in two languages) say nothing of the parties."""
    partner = cell_lines(record.fields.get("partner", ""))
    cells = cell_lines(record.fields.get("country", ""))
    rule = section.fields.get("country")
    if len(partner) < 2 or len(cells) != len(partner) or rule is None \
            or rule.normaliser != "country" or {"partner", "country"} & withheld:
        return None
    codes = [registry.normalise("country", c, "country", rule.options)[0] for c in cells]
    if any(c is None for c in codes) or len(set(codes)) < 2:
        return None
    return codes


def _countries_read_by_line(record: RawRecord) -> None:
    """The country cell read line by line, one country per party: the flag that the cell
    as a whole names several countries gives way to one saying how it was read."""
    cell = record.fields.get("country", "")
    for f in [f for f in record.flags if f.field == "country" and f.code == "country-unknown"]:
        record.flags.remove(f)
    record.flags.append(Flag("country", "country-by-line", "a country on each line of the "
                             "cell, an institution on each line of the partner cell: each "
                             "party's country is its line's", cell))


def _published(status: str | None) -> str | None:
    """A status the graph publishes: "ended" and "expired" only decide whether a row is
    published."""
    return None if status in (ENDED, EXPIRED) else status




def _ended(values: dict[str, Any], record: RawRecord, remark: RemarkStatus | None = None,
           as_of: DateValue | None = None, section_status: str | None = None) -> str:
    """The cell of a row whose status says its agreement is no longer in force (suspended,
    terminated) while its term still runs (an end, an open end, a duration), or "": published,
    it would be an agreement in force until then, a false fact. A row stating no term is
    published as it reads (its start and kinds are true). An expired one ("Expired", an
    export's "Inactive") is dropped only where it runs on, open-ended: its stated end or
    duration says when it ran out, unless that end is after the day the list is as of
    (its contract's end, which the agreement did not reach) and the words do not say it
    lapses there ("not renewed"). A remark saying so counts as a status cell does, unless
    it gives the day the agreement ended (then that is its end)."""
    kinds_value = values.get("kind")
    terms = [*(values.get("term") or ()), *(values.get("end") or ())]
    runs = any(t.end or t.open_ended or t.duration_years for t in terms)
    # "Expired" beside "Indefinite": only there is the row read as running on ("5 years"
    # from a start ran out when they say)
    on = any(t.open_ended for t in terms) and not any(t.end for t in terms)
    stated = all(_states_ended(record.fields.get(name, "")) for name in ("term", "end"))
    statuses = {t.status for t in terms} if stated else set()
    if kinds_value is not None:
        statuses.add(kinds_value.status)
    if remark is not None and remark.ended_on is None:
        statuses.add(remark.status)
    if section_status is not None:  # a sheet of 'Terminated' agreements
        statuses.add(section_status)
    expired_early = (EXPIRED in statuses and as_of is not None
                     and any(t.end and _later(t.end, as_of) for t in terms)
                     and not any(lapses_at_end(record.fields.get(name, ""))
                                 for name in ("kind", "term", "end", "remark")))
    if (runs and ENDED in statuses) or (on and EXPIRED in statuses) or expired_early:
        return " / ".join([record.fields[name].strip()
                           for name in ("kind", "term", "end", "remark")
                           if record.fields.get(name, "").strip()]
                          + ([f"section: {section_status}"] if section_status else []))
    return ""


def _other_places(values: dict[str, Any], record: RawRecord) -> None:
    """Withhold the places cell where the row's remark states other places ("Places
    reduced to 1 from 2026/27" beside 2): which holds when, the list does not say."""
    quota, stated = values.get("quota"), remark_places(values.get("remark"))
    if quota is None or not stated or set(stated) == {n for _, n in quota.places}:
        return
    del values["quota"]
    record.flags.append(Flag("quota", "remark-places", f"the remark states other places "
                             f"({', '.join(map(str, stated))}) than the places cell: the "
                             "places are not published", values["remark"], withheld=True))


def _later(day: DateValue, than: DateValue) -> bool:
    """Whether ``day`` is certainly after ``than``: a month or year alone is after only
    where the whole of it is."""
    for a, b in ((day.year, than.year), (day.month, than.month), (day.day, than.day)):
        if a is None or b is None or a != b:
            return a is not None and b is not None and a > b
    return False


def _ended_on(terms: tuple[Term, ...], remark: RemarkStatus, text: str, record: RawRecord
              ) -> tuple[Term, ...]:
    """The terms of a row whose remark gives the day its agreement ended ("Ended by the
    partner on 31/08/2025", "ausgelaufen 31.08.2025"): that day is the end, whatever the
    contract's end, duration or renewal said."""
    end = remark.ended_on
    stated = ", ".join(t.end.isoformat() for t in terms if t.end is not None)
    flag(record, "end", "remark-ended", f"the remark says the agreement ended "
         f"({remark.written!r}) on {end.isoformat()}: published with that end"
         + (f", not {stated}" if stated and stated != end.isoformat() else ""), text)
    if not terms:
        return (Term(start=None, end=end, open_ended=False, duration_years=None,
                     auto_renewal=None, kinds=(), text=text),)
    return tuple(replace(t, end=end, open_ended=False, duration_years=None, auto_renewal=None,
                         unplaced=None) for t in terms)


def _states_ended(text: str) -> bool:
    """Whether a term cell's word for an ended agreement states it ("Suspended until 2027",
    "2021-2026 (terminated)"), rather than naming how the agreement may end ("Till 2026 or
    until terminated", "5 years; may be terminated with 6 months notice"): a condition word
    before it."""
    words = re.findall(r"\w+", text.casefold())
    for i, word in enumerate(words):
        if parse_kinds(word)[0].status in (ENDED, EXPIRED):
            return not any(w in CONDITIONS for w in words[:i])
    return True


def _erasmus_code(code: ErasmusCode | None, country: str | None, city: str | None,
                  parties: int, record: RawRecord) -> str | None:
    """The row's Erasmus code, if it can be the partner's: one institution, in the country
    that issued the code and the city it names (a code from another row has slipped, like a
    shifted website, or the row's cell is wrong: either way the two disagree, and the code
    is not published as this partner's). A country the layout implied (a merged cell) yields
    to the code instead: resolution weighs the two (``resolve.countries``)."""
    if code is None:
        return None
    if parties != 1:
        flag(record, "erasmus_code", "erasmus-code-unassigned",
             f"an Erasmus code column gives {code.code!r} but the partner cell names "
             f"{parties} institutions; not attached", code.code)
        return None
    inferred = any(f.field == "country" and f.code in INFERRED_COUNTRY for f in record.flags)
    if country and code.country and country != code.country and not inferred:
        record.flags.append(Flag(
            "erasmus_code", "cell-misfit", f"the Erasmus code {code.code!r} was issued in "
            f"{code.country}, the row's partner is in {country}; not published", code.code,
            withheld=True))
        return None
    if city and not city_fits(code.code, city):
        record.flags.append(Flag(
            "erasmus_code", "cell-misfit", f"the Erasmus code {code.code!r} names another city "
            f"than the row's ({city}); not published", code.code, withheld=True))
        return None
    return code.code


def _of_one_party(values: dict[str, Any], name: str, parties: int, record: RawRecord
                  ) -> str | None:
    """A column's value about the partner (its unit, its other name), where the partner cell
    names one institution; with several it belongs to none of them for sure, so it is left
    out and flagged."""
    value = values.get(name)
    if value is not None and parties != 1:
        flag(record, name, f"{name.replace('_', '-')}-unassigned",
             f"the {name.replace('_', ' ')} column gives {value!r} but the partner cell names "
             f"{parties} institutions; not attached", value)
        return None
    return value


def _with_unit(units: tuple[str, ...], unit: str | None) -> tuple[str, ...]:
    """The units a partner cell names, and the one a unit column names (once)."""
    if unit is None or unit in units:
        return units
    return (*units, unit)


def _with_name(alt_names: tuple[str, ...], other: str | None, name: str) -> tuple[str, ...]:
    """The other names a partner cell gives, and the one an other-name column gives (once,
    and not where it is the name itself)."""
    if other is None or other in alt_names or other == name:
        return alt_names
    return (*alt_names, other)


def _with_ends(terms: tuple[Term, ...], ends: tuple[Term, ...], record: RawRecord
               ) -> tuple[Term, ...]:
    """Terms of the term cell completed by what an end column states (an end date, an
    indefinite period, a duration). One of each is one agreement; several of either cannot
    be paired, so the end column is left out and flagged."""
    if not ends:
        return terms
    if not terms:
        return ends
    if len(terms) != 1 or len(ends) != 1:
        flag(record, "end", "end-unassigned",
             f"{len(terms)} terms and {len(ends)} end readings cannot be paired; the end "
             "column is not used", record.fields.get("end"))
        return terms
    term, end = terms[0], ends[0]
    return (replace(
        term,
        end=term.end or end.end,
        open_ended=term.open_ended if term.open_ended is not None else end.open_ended,
        duration_years=term.duration_years or end.duration_years,
        auto_renewal=term.auto_renewal or end.auto_renewal,
        kinds=(*term.kinds, *(k for k in end.kinds if k not in term.kinds)),
        status=term.status or end.status,
    ),)


# Erasmus+ began in 2014; the programme called "Erasmus" before it (the Lifelong Learning
# Programme's) ended with the 2013/14 academic year
ERASMUS_PLUS_FIRST_YEAR = 2014
ERASMUS_DATED = "erasmus-dated"


def _erasmus_dated(kinds: tuple[str, ...], start: DateValue | None, end: DateValue | None,
                   section: Section, record: RawRecord) -> tuple[str, ...]:
    """A type cell that says "Erasmus" without the "+" names Erasmus+ only for an agreement
    dated from its first year (a start from 2014, or an end after it); undated or earlier,
    it may be the earlier programme, and no Erasmus+ is published for it."""
    said = [f for f in record.flags if f.code == ERASMUS_DATED and not f.withheld]
    if not said or "erasmus-plus" not in kinds or "erasmus-plus" in section.kinds:
        return kinds
    if ((start is not None and start.year >= ERASMUS_PLUS_FIRST_YEAR)
            or (end is not None and end.year > ERASMUS_PLUS_FIRST_YEAR)):
        return kinds
    for f in said:
        record.flags.remove(f)
        record.flags.append(replace(f, withheld=True, message=(
            f"{f.value!r} without the '+' names Erasmus+ only for an agreement dated from "
            f"{ERASMUS_PLUS_FIRST_YEAR}; this one is not: not published")))
    return tuple(k for k in kinds if k != "erasmus-plus")


def _placed(term: Term, start: DateValue | None, record: RawRecord) -> Term:
    """A term cell that is one date alone ("31.05.2029" under "Validity") does not say
    whether the agreement starts or ends then; a start column on the row that gives an
    earlier year ("01.02.2022") does: the date is the end. Without one, or with a start of
    the same year or later, the date stays withheld, as the term reader flagged it."""
    if term.unplaced is None or term.end is not None or start is None:
        return term
    if term.unplaced.year <= start.year:
        return term
    withheld = next((f for f in record.flags if f.code == "unplaced-date"
                     and f.withheld and f.value == term.text), None)
    if withheld is not None:
        record.flags.remove(withheld)
        record.flags.append(Flag(
            withheld.field, "date-placed", f"{term.text!r} follows the start column's "
            f"{start.isoformat()}: read as the end", term.text))
    return replace(term, end=term.unplaced, open_ended=False, unplaced=None)


def _start(column: DateValue | None, term: DateValue | None, record: RawRecord
           ) -> DateValue | None:
    """The start date when both a start column and the term cell give one.

    The term cell usually names only the year concluded; a start column in the same year is
    the same fact, more precisely. When the years differ the start column, the field that
    says what it is, wins and the disagreement is flagged.
    """
    if column is None or term is None:
        return column or term
    if column.year != term.year:
        record.flags.append(Flag(
            "start", "inconsistent-term",
            f"the start column says {column.isoformat()}, the term cell {term.isoformat()}; "
            "kept the start column", term.isoformat()))
    return column


def _mark(values: dict[str, Any], record: RawRecord, name: str, marked: frozenset[str]
          ) -> bool | None:
    """A mark field's value: the mark itself, or "no" for a row left blank in a list that
    uses the mark; a cell holding something else is unread, not "no"."""
    if name in values:
        return bool(values[name])
    if name in marked and not record.fields.get(name, "").strip():
        return False
    return None


def marked_fields(records: list[RawRecord], section: Section) -> frozenset[str]:
    """The mark fields (normaliser ``mark``) where at least one of ``records`` holds the mark
    itself. A column of words ("相互不徴収", "徴収") says yes and no in words, and nothing of
    its blank cells: they are not "no"."""
    return frozenset(
        name for name, rule in section.fields.items()
        if rule.normaliser == "mark" and any(
            registry.is_mark_symbol(r.fields.get(name, "")) for r in records)
    )


def _place(text: str | None) -> tuple[str | None, str | None]:
    """(city, country code) of a place written into a partner's name: "Równe, Ukraina" is
    the city Równe in UA, "Canada" a country and no city."""
    if not text:
        return None, None
    pieces = [p.strip() for p in text.split(",") if p.strip()]
    match = parse_country(pieces[-1], fuzzy=False) if pieces else None
    if match is None:
        return text, None
    return ", ".join(pieces[:-1]) or None, match.code


def _city_place(text: str | None) -> tuple[str | None, str | None]:
    """(city, country code) of a city cell: it may say the country too ("Melbourne,
    Australia"); a city-state's one name ("Singapore", "Luxembourg") is the city and says
    the country."""
    if not text or "," in text:
        return _place(text)
    match = parse_country(text, fuzzy=False)
    return text, match.code if match is not None else None


def _row_country(country: str | None, places: list[tuple[str | None, str | None]],
                 record: RawRecord) -> str | None:
    """The row's country: its country cell, else the one its partner's name states
    ("Universidad de Chile, Santiago, Chile", "Kyoto University (Japan)"). A name that
    states another country than the cell is flagged; the cell, the field that says what it
    is, is kept."""
    named = {c for _, c in places if c}
    if country is None:
        if len(named) == 1:
            found = next(iter(named))
            record.flags.append(Flag("country", "country-from-name", f"no country cell; the "
                                     f"partner's name or place states {found}", found))
            return found
        return None
    other = sorted(named - {country})
    if len(other) == 1 and territory_of(country, other[0]):
        record.flags.append(Flag(
            "country", "country-refined", f"listed under {country}; the partner's name or place "
            f"names {other[0]}, which ISO 3166-2 lists as part of {country} and ISO 3166-1 codes "
            f"{other[0]}", country))
        return other[0]
    if other:
        record.flags.append(Flag("country", "country-in-name-differs", f"the country cell "
                                 f"says {country}, the partner's name or place "
                                 f"{other[0]}; kept the cell",
                                 ", ".join(sorted(named))))
    return country


def _refine_country(country: str | None, record: RawRecord) -> str | None:
    """A list may file a partner under a country whose territory has its own ISO 3166-1 code
    ("China" for a Hong Kong university). When the partner's name names such a territory and
    ISO 3166-2 lists it as a subdivision of the labelled country, the specific code is the
    one researchers join on; the flag keeps what the list said."""
    if country is None:
        return None
    for match in countries_in_name(record.fields.get("partner", "")):
        if match.code != country and territory_of(country, match.code):
            record.flags.append(Flag(
                "country", "country-refined",
                f"listed under {country}; the name names {match.name}, which ISO 3166-2 lists "
                f"as part of {country} and ISO 3166-1 codes {match.code}", country))
            return match.code
    return country


def _merge_kinds(*groups: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        for kind in group:
            if kind not in out:
                out.append(kind)
    return tuple(out)


def _partner_from_other_name(record: RawRecord, section: Section, values: dict[str, Any]
                             ) -> None:
    """A row whose partner cell is empty: its other name ("Ilia State University" in the
    English-name column beside an empty original-name cell) is the only name it gives, so it
    names the partner; a row that names no one at all is flagged, never dropped unsaid."""
    other = record.fields.get("other_name", "").strip()
    if not other or "other_name" in {f.field for f in record.flags if f.withheld}:
        code = record.fields.get("erasmus_code", "").strip()
        # a code identifies the partner but names no one: the graph needs its name
        said = f"; only its Erasmus code {code!r} identifies the partner (add its name)" \
            if code else ""
        record.flags.append(Flag("partner", "empty", "the row's partner cell is empty: no "
                                 f"agreement{said}", code, withheld=True))
        return
    value, flags = registry.normalise(section.fields["partner"].normaliser, other, "partner",
                                      section.fields["partner"].options)
    record.flags.extend(flags)
    if value is None:
        return
    values["partner"] = value
    values.pop("other_name", None)
    flag(record, "partner", "partner-from-other-name", "the partner cell is empty; the row's "
         "other name names the partner", other)


def flag(record: RawRecord, field_name: str, code: str, message: str, value: str | None = None
         ) -> None:
    record.flags.append(Flag(field_name, code, message, value))
