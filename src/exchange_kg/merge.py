"""One agreement, one resource: merge agreements read from several records.

Two editions of one list (same ``list_id``) describe many of the same agreements; an agreement
in both becomes one resource with both records as provenance. Within one document, identical
rows are duplicates and merge too (the report lists them). The merged agreement takes, field
by field, the best reading: a value nobody flagged beats a flagged one, and otherwise the
earlier document in the manifest wins; disagreements between clean readings are flagged.
Rows of one document that state one agreement differently (a row per subject area, each
with its places) give it no value of theirs: none is the agreement's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from itertools import permutations

from rapidfuzz import fuzz

from exchange_kg.agreements import Agreement, Party
from exchange_kg.normalise.partner import institution_key
from exchange_kg.records import Flag
from exchange_kg.resolve.names import parse_name

MERGED_FIELDS = ("start", "end", "open_ended", "duration_years", "auto_renewal", "quota",
                 "waiver", "status")
# Similarity (0-100) above which two partner descriptions in one list with the same start are
# the same agreement read twice (OCR and typing differences between editions).
FUZZY_SAME_PARTNER = 90.0
# ... and when the editions disagree on the country with no doubt on either side, only a
# near-identical description counts as the same agreement.
SAME_PARTNER_OTHER_COUNTRY = 97.0


def party_key(party: Party) -> tuple[str, str, tuple[str, ...]]:
    """A party as merging compares it: a namesake with another Erasmus code is another
    institution, so its row another agreement (a party without a code keys as before)."""
    name = institution_key(party.name)
    return (
        party.country or "",
        f"{name} {party.erasmus_code}" if party.erasmus_code else name,
        tuple(sorted(institution_key(u) for u in party.units)),
    )


def agreement_key(a: Agreement) -> tuple[str, ...]:
    """What identifies an agreement: never a row number, so IRIs survive row insertions."""
    parties = sorted(KEY_JOIN.join((p[0], p[1], *p[2])) for p in map(party_key, a.parties))
    return (
        a.list_id,
        a.level or "",
        institution_key(a.home_unit or ""),
        institution_key(a.consortium or ""),
        *parties,
        a.start.isoformat() if a.start else "",
    )


KEY_JOIN = "|"


def _describe(a: Agreement) -> str:
    return " ; ".join(
        f"{p.name} ({', '.join(p.units)})" if p.units else p.name for p in a.parties
    )


def merge_agreements(agreements: list[Agreement], source_order: list[str]) -> list[Agreement]:
    """Merge agreements that are the same; returns them in a deterministic order."""
    rank = {sid: i for i, sid in enumerate(source_order)}
    repair_pairings(agreements)
    # id -> key of every agreement no other has been folded into (whose key still holds)
    keys: dict[int, tuple[str, ...]] = {}
    groups: dict[tuple[str, ...], list[Agreement]] = defaultdict(list)
    for a in agreements:
        keys[id(a)] = key = agreement_key(a)
        groups[key].append(a)
    merged = []
    for group in groups.values():
        for city, by_city in _split_cities(group).items():
            for extra, sub in _split_distinct(by_city).items():
                m = _merge_group(sub, rank)
                m.key_extra = city + extra
                merged.append(m)
                if len(sub) > 1:
                    del keys[id(m)]
    merged = _fuzzy_merge_editions(merged, rank, keys)
    return _final_keys(merged, rank, keys)


def _final_keys(agreements: list[Agreement], rank: dict[str, int],
                keys: dict[int, tuple[str, ...]]) -> list[Agreement]:
    """Set each agreement's key from its merged values; keys must be unique (they make IRIs)."""
    keyed = sorted(((((keys.get(id(a)) or agreement_key(a)) + a.key_extra,
                      _first_line(a, rank)), a) for a in agreements), key=lambda pair: pair[0])
    seen: dict[tuple[str, ...], int] = {}
    for (key, _), a in keyed:
        n = seen.get(key, 0)
        seen[key] = n + 1
        # Two agreements one document tells apart only by position: number them in order.
        a.key = key if n == 0 else (*key, f"#{n + 1}")
    return [a for _, a in keyed]


def _split_cities(group: list[Agreement]) -> dict[tuple[str, ...], list[Agreement]]:
    """Tell apart agreements with partners of one name of common words only ("Technische
    Universität", "Medizinische Universität") that one document places in other cities:
    the city cell says which institution it is, as identity reads it (resolve), so the rows
    are agreements with different institutions, not one row twice. Other groups keep their
    key (and their IRIs). So are two campuses of one university ('Universidade Estadual
    Paulista, campus de Bauru' / '..., campus de Marília') on rows alike but for them, and
    rows alike but for two different acronyms in brackets."""
    if len(group) < 2:  # nothing to tell apart (most groups): no name parsed
        return {(): group}
    cities = {id(a): _generic_cities(a) for a in group}
    acronyms = {id(a): _acronyms(a) for a in group}

    def differ(a: Agreement, b: Agreement) -> bool:
        x, y = acronyms[id(a)], acronyms[id(b)]
        return cities[id(a)] != cities[id(b)] or bool(x and y and x != y)

    return _split_by(group, differ, lambda a: (cities[id(a)], acronyms[id(a)])
                     if acronyms[id(a)] else (cities[id(a)],))


def _acronyms(a: Agreement) -> str:
    """The parties' bracketed short names: 'Universidad de Guadalajara (CUCEA)' / '(CUCSH)'
    on two rows of one list are two of its bodies, not one row twice."""
    return KEY_JOIN.join(sorted(p.acronym.casefold() for p in a.parties if p.acronym))


def _generic_cities(a: Agreement) -> str:
    """The city cells of the parties named by common words only, and the parties' campuses."""
    return KEY_JOIN.join(sorted(
        [institution_key(p.city) for p in a.parties if p.city and _generic(p.name, p.country)]
        + [f"campus {institution_key(p.campus)}" for p in a.parties if p.campus]))


def _generic(name: str, country: str | None) -> bool:
    """Whether a name is only a kind of institution: no proper word, no acronym."""
    form = parse_name(name, country)
    return bool(form.key) and not (form.distinctive or form.acronyms)


def _split_distinct(group: list[Agreement]) -> dict[tuple[str, ...], list[Agreement]]:
    """Tell apart agreements that share parties and start but that one document lists as
    different (e.g. an MoU and an exchange agreement signed the same year)."""
    return _split_by(group, lambda a, b: _differs(a, b) or a.kinds != b.kinds,
                     lambda a: (",".join(sorted(a.kinds)), a.end.isoformat() if a.end else "",
                                "open" if a.open_ended else ""))


def _split_by(group: list[Agreement], differ: Callable[[Agreement, Agreement], bool],
              extra: Callable[[Agreement], tuple[str, ...]]
              ) -> dict[tuple[str, ...], list[Agreement]]:
    """The group by ``extra`` where two of its agreements of one document ``differ``, else
    the group whole (its key unchanged)."""
    if not any(set(a.source_ids) & set(b.source_ids) and differ(a, b)
               for i, a in enumerate(group) for b in group[i + 1:]):
        return {(): group}
    out: dict[tuple[str, ...], list[Agreement]] = defaultdict(list)
    for a in group:
        out[extra(a)].append(a)
    return out


def _first_line(a: Agreement, rank: dict[str, int]) -> tuple[int, int]:
    rec = min(a.records, key=lambda r: (rank.get(r.source_id, 99), r.first_line))
    return rank.get(rec.source_id, 99), rec.first_line


def _merge_group(group: list[Agreement], rank: dict[str, int]) -> Agreement:
    group = sorted(group, key=lambda a: _first_line(a, rank))
    if len(group) == 1:
        return group[0]
    base = group[0]
    withheld: set[str] = set()
    for other in group[1:]:
        same_source = bool(set(other.source_ids) & set(base.source_ids))
        if same_source and not _differs(base, other):
            for rec in other.records:
                rec.flags.append(Flag("partner", "duplicate-row",
                                      "same agreement as an earlier row of this document"))
        places = (base.quota, other.quota)
        _absorb(base, other, withheld if same_source else None)
        if same_source and None not in places and "quota" not in withheld \
                and _inherits_partner(other):
            _places_per_row(base, other, withheld)
    return base


def _inherits_partner(a: Agreement) -> bool:
    """Whether an agreement's row took its partner from the row above (cells merged down
    over a partner's rows): a row of its own for a subject area or a mobility type."""
    return any(f.code == "merged-cell-inherited" and f.field == "partner"
               for r in a.records for f in r.flags)


def _places_per_row(base: Agreement, other: Agreement, withheld: set[str]) -> None:
    """Places a partner's rows each give (2 for economics, 2 for business) are the places of
    each subject area or type, not the agreement's: 2 would be a false number, 4 a sum the
    list does not state. None is published."""
    withheld.add("quota")
    for a, value in ((base, base.quota), (other, other.quota)):
        a.records[0].flags.append(Flag(
            "quota", "places-per-row", "each row of this agreement (a subject area, a "
            "mobility type) gives places of its own; the agreement's are not stated",
            _show(value), withheld=True))
    base.quota = None


def _differs(a: Agreement, b: Agreement) -> bool:
    return any(getattr(a, f) != getattr(b, f) for f in MERGED_FIELDS)


def _absorb(base: Agreement, other: Agreement, withheld: set[str] | None = None) -> None:
    """Fold ``other`` into ``base``, keeping the better reading of each field.

    ``withheld`` is given when both are rows of one document (one agreement over several
    rows: a row per subject area or mobility type): where their clean readings differ, the
    agreement has no one value the document states (2 places on one row, 3 on the next), so
    none is published, and the field stays withheld for the group's further rows."""
    _reconcile_country(base, other)
    for name in MERGED_FIELDS:
        mine, theirs = getattr(base, name), getattr(other, name)
        if withheld is not None and name in withheld:
            if theirs is not None:
                other.records[0].flags.append(Flag(
                    name, "rows-disagree", "the rows of this agreement give it different "
                    "values; none is published", _show(theirs), withheld=True))
            continue
        if theirs is None or mine == theirs:
            continue
        if withheld is not None and mine is not None and not other.doubt.get(name) \
                and not base.doubt.get(name):
            withheld.add(name)
            setattr(base, name, None)
            for rec, value in ((base.records[0], mine), (other.records[0], theirs)):
                rec.flags.append(Flag(
                    name, "rows-disagree", f"the rows of this agreement give it "
                    f"{_show(mine)} and {_show(theirs)}; none is published", _show(value),
                    withheld=True))
            continue
        if mine is None or base.doubt.get(name, 0) > other.doubt.get(name, 0):
            setattr(base, name, theirs)
            base.doubt[name] = other.doubt.get(name, 0)
            continue
        if not other.doubt.get(name) and not base.doubt.get(name):
            other.records[0].flags.append(Flag(
                name, "editions-disagree",
                f"another reading says {_show(mine)}; that reading was kept", _show(theirs)))
    for kind in other.kinds:
        if kind not in base.kinds:
            base.kinds = (*base.kinds, kind)
    base.parties = _merge_parties(base.parties, other.parties)
    base.remarks = tuple(dict.fromkeys((*base.remarks, *other.remarks)))  # every row's own
    base.records.extend(other.records)


def _reconcile_country(base: Agreement, other: Agreement) -> None:
    """Editions may place a row in different merged country cells; keep the surer reading."""
    mine, theirs = base.country, other.country
    if theirs is None or mine == theirs:
        return
    if mine is None or base.doubt.get("country", 0) > other.doubt.get("country", 0):
        base.parties = tuple(replace(p, country=theirs) for p in base.parties)
        base.doubt["country"] = other.doubt.get("country", 0)
        note, kept, lost = "another reading's country was kept", theirs, mine
    else:
        note, kept, lost = "this reading's country was kept", mine, theirs
    base.records[0].flags.append(Flag(
        "country", "editions-disagree",
        f"the editions place this agreement in {mine} and in {theirs}; {note} ({kept})", lost))


def _merge_parties(mine: tuple[Party, ...], theirs: tuple[Party, ...]) -> tuple[Party, ...]:
    """Parties pair up by key; fill details (city, website, code) one side lacks."""
    by_key = {party_key(p): p for p in theirs}
    out = []
    for p in mine:
        q = by_key.get(party_key(p))
        if q is not None:
            p = Party(p.name, p.units, p.acronym or q.acronym, p.campus or q.campus,
                      tuple(dict.fromkeys(p.alt_names + q.alt_names)), p.country or q.country,
                      p.city or q.city, p.website or q.website,
                      p.erasmus_code or q.erasmus_code, p.with_country or q.with_country)
        out.append(p)
    return tuple(out)


def _show(value: object) -> str:
    iso = getattr(value, "isoformat", None)
    return iso() if callable(iso) else str(value)


def _fuzzy_merge_editions(agreements: list[Agreement], rank: dict[str, int],
                          keys: dict[int, tuple[str, ...]]) -> list[Agreement]:
    """Merge near-identical agreements of one list read from *different* documents.

    Exact keys already merged what both editions spell alike; OCR and retyping leave small
    differences ("Universtiy", a dropped accent) that only a fuzzy comparison catches. Only
    pairs from different documents with the same level, home unit and start date qualify, and
    each agreement merges at most once, best match first.
    """
    buckets: dict[tuple[str, ...], list[Agreement]] = defaultdict(list)
    for a in agreements:
        bucket = (a.list_id, a.level or "", institution_key(a.home_unit or ""),
                  a.start.isoformat() if a.start else "?")
        buckets[bucket].append(a)
    absorbed: set[int] = set()
    for bucket in buckets.values():
        if len(bucket) < 2:
            continue
        texts = [_fold(_describe(a)) for a in bucket]
        pairs = []
        for i, j in _cross_document_pairs(bucket):
            a, b = bucket[i], bucket[j]
            score = fuzz.token_sort_ratio(texts[i], texts[j])
            needed = FUZZY_SAME_PARTNER
            if a.country and b.country and a.country != b.country and not (
                a.doubt.get("country") or b.doubt.get("country")
            ):
                needed = SAME_PARTNER_OTHER_COUNTRY
            if score >= needed:
                pairs.append((-score, _first_line(a, rank), _first_line(b, rank), a, b))
        for neg, _, _, a, b in sorted(pairs, key=lambda t: t[:3]):
            if id(a) in absorbed or id(b) in absorbed:
                continue
            keep, drop = sorted((a, b), key=lambda x: _first_line(x, rank))
            drop.records[0].flags.append(Flag(
                "partner", "matched-across-editions",
                f"same agreement as {_describe(keep)!r} (similarity {-neg:.0f})",
                _describe(drop)))
            _absorb(keep, drop)
            keys.pop(id(keep), None)
            absorbed.add(id(drop))
    return [a for a in agreements if id(a) not in absorbed]


def _cross_document_pairs(bucket: list[Agreement]) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, in order, of agreements with no document in common.

    Agreements are grouped by their documents first, so a long list read from one document
    (or rows already merged across both editions) adds no comparisons.
    """
    by_sources: dict[frozenset[str], list[int]] = defaultdict(list)
    for i, a in enumerate(bucket):
        by_sources[frozenset(a.source_ids)].append(i)
    groups = list(by_sources.items())
    pairs = []
    for x, (sources, members) in enumerate(groups):
        for others, other_members in groups[x + 1:]:
            if not sources & others:
                pairs.extend((min(i, j), max(i, j)) for i in members for j in other_members)
    return sorted(pairs)


def repair_pairings(agreements: list[Agreement]) -> None:
    """Re-pair split cells that a reader could only pair by order, using another edition.

    When k partner names and k date/quota cells of one document were orphaned together, the
    reader pairs them in order and flags them ``paired-by-order`` with a group id. If another
    document of the same list pairs the same partners with some permutation of those values,
    that permutation is the better reading.
    """
    groups: dict[tuple[str, str], list[Agreement]] = defaultdict(list)
    for a in agreements:
        for rec in a.records:
            for f in rec.flags:
                if f.code == "paired-by-order" and f.value:
                    groups[(rec.source_id, f.value)].append(a)
    if not groups:
        return
    # Agreements by list and described partners, in build order: the candidate witnesses,
    # from the lists with such a group only (describing every agreement of a register took
    # a second at 100x scale, where two lists of forty had one)
    lists = {a.list_id for group in groups.values() for a in group}
    described: dict[tuple[str, str], list[Agreement]] = defaultdict(list)
    for w in agreements:
        if w.list_id in lists:
            described[(w.list_id, institution_key(_describe(w)))].append(w)
    for (source_id, _), group in sorted(groups.items()):
        group = list({id(a): a for a in group}.values())  # one may carry the flag twice
        if not 2 <= len(group) <= 6:
            continue
        witnesses: dict[str, list[Agreement]] = {}
        for a in group:
            key = institution_key(_describe(a))
            witnesses[key] = [w for w in described.get((group[0].list_id, key), ())
                              if source_id not in w.source_ids]
        values = [(a.start, a.quota) for a in group]
        identity = tuple(range(len(group)))
        scores = {o: _pairing_score(group, values, witnesses, o) for o in permutations(identity)}
        best = max(scores, key=lambda o: (scores[o], o == identity))
        if best == identity or scores[best] <= scores[identity]:
            continue
        for j, (a, i) in enumerate(zip(group, best, strict=True)):
            if i == j:
                continue
            a.start, a.quota = values[i]
            a.records[0].flags.append(Flag(
                "start", "re-paired",
                "date and quota re-paired with this partner: another edition of the list "
                "pairs them so", a.start.isoformat() if a.start else None))


def _pairing_score(group: list[Agreement], values: list[tuple[object, object]],
                   witnesses: dict[str, list[Agreement]], order: tuple[int, ...]) -> int:
    """How well one pairing agrees with the other editions (a matching date counts double)."""
    total = 0
    for a, i in zip(group, order, strict=True):
        start, quota = values[i]
        for w in witnesses.get(institution_key(_describe(a)), []):
            total += (w.start == start) * 2 + (w.quota == quota)
    return total


def _fold(text: str) -> str:
    return institution_key(text)
