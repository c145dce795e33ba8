"""Records -> agreements: apply a section's field rules and build typed agreement objects.

One raw record usually yields one agreement; a Polish term cell with several clauses yields one
per clause. Normaliser flags are attached to the record they came from, so the report can show
each doubt next to the line that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from exchange_kg.mapping_spec import Section
from exchange_kg.normalise import registry
from exchange_kg.normalise.dates import DateValue
from exchange_kg.normalise.quota import QuotaValue
from exchange_kg.records import Flag, RawRecord


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
    # provenance: the records this agreement was read from, in build order
    records: list[RawRecord] = field(default_factory=list)
    # fields whose value came from a flagged (doubtful) reading: used when merging editions
    doubtful: set[str] = field(default_factory=set)
    # identity, set by merge.merge_agreements; IRIs are minted from it
    key: tuple[str, ...] = ()

    @property
    def source_ids(self) -> list[str]:
        seen: list[str] = []
        for rec in self.records:
            if rec.source_id not in seen:
                seen.append(rec.source_id)
        return seen


def build_agreements(
    record: RawRecord, section: Section, list_id: str, publisher_key: str
) -> list[Agreement]:
    """Normalise one record's fields and turn it into agreements (possibly none)."""
    values: dict[str, Any] = {}
    withheld = {f.field for f in record.flags if f.withheld}
    for name, raw in record.fields.items():
        rule = section.fields.get(name)
        if rule is None:
            # The mapping must name every field a reader emits: nothing is dropped silently.
            raise KeyError(
                f"{record.source_id}:{record.first_line}: field {name!r} is not in the mapping"
            )
        if rule.normaliser == "none" or name in withheld or not raw.strip():
            continue
        value, flags = registry.normalise(rule.normaliser, raw, name, rule.options)
        record.flags.extend(flags)
        if value is not None:
            values[name] = value
    doubtful = {f.field for f in record.flags}

    partner = values.get("partner")
    if partner is None:
        return []
    country = values.get("country")
    parties = tuple(
        Party(
            name=p.institution,
            units=p.units,
            acronym=p.acronym,
            campus=p.campus,
            alt_names=p.alt_names,
            country=country,
            city=values.get("city"),
            website=values.get("website"),
        )
        for p in partner.parties
    )
    kinds_value = values.get("kind")
    base = dict(
        list_id=list_id,
        level=section.level,
        publisher_key=publisher_key,
        home_unit=values.get("home_unit", section.home_unit),
        parties=parties,
        consortium=partner.consortium,
        kinds=_merge_kinds(section.kinds, kinds_value.kinds if kinds_value else ()),
        status=kinds_value.status if kinds_value else None,
        quota=values.get("quota"),
        # The mark's absence means "no waiver" only where the list uses the mark at all.
        waiver=values.get("waiver", False if "waiver" in section.fields else None),
        city_language=section.city_language,
    )
    if partner.consortium and "consortium" not in base["kinds"]:
        base["kinds"] = _merge_kinds(base["kinds"], ("consortium",))
    terms = values.get("term")
    if not terms:
        return [Agreement(**base, start=values.get("start"), records=[record], doubtful=doubtful)]
    out = []
    for term in terms:
        out.append(
            Agreement(
                **{**base, "kinds": _merge_kinds(base["kinds"], term.kinds)},
                start=term.start,
                end=term.end,
                open_ended=term.open_ended,
                duration_years=term.duration_years,
                auto_renewal=term.auto_renewal,
                records=[record],
                doubtful=doubtful,
            )
        )
    return out


def _merge_kinds(*groups: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        for kind in group:
            if kind not in out:
                out.append(kind)
    return tuple(out)


def flag(record: RawRecord, field_name: str, code: str, message: str, value: str | None = None
         ) -> None:
    record.flags.append(Flag(field_name, code, message, value))
