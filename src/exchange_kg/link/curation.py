"""A curator's decisions about identity and ROR links: a reviewed TSV file every build applies.

The matcher links only what it is sure of, and resolution merges only what the evidence
supports; everything else goes to the review file. A curator reads it and records decisions in
``mappings/ror-curation.tsv``:

``accept``     link to ``ror_id``, a candidate the matcher proposed but did not choose;
``choose``     link to ``ror_id``, an ID the curator found elsewhere (not proposed);
``reject``     never link this institution (with ``ror_id``: never link it to that ID);
``same``       the institutions named ``our_label`` and ``other_label`` are one: merge them;
``different``  they are two: never merge them.

A row applies to the institution one of whose labels has the row's key (``our_label`` compared
as a name key, so case and accents do not matter) in the row's country. Decisions live in the
repository next to the mappings, so they survive every rebuild. The file is checked strictly,
before any source is read: every error names ``file:line`` so a typo never silently drops a
decision.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from exchange_kg.link.decision import link_blocker, successors_of
from exchange_kg.link.model import Candidate, MatchResult
from exchange_kg.link.names import normalise
from exchange_kg.link.ror_dump import canonical_ror_id
from exchange_kg.link.ror_index import RorIndex
from exchange_kg.resolve.model import Decision

# other_label came last, after the first files were written: their header still reads
COLUMNS = ("our_label", "country", "decision", "ror_id", "note", "reviewed_by", "reviewed_on",
           "other_label")
REQUIRED = ("our_label", "country", "decision", "ror_id")
LINK_DECISIONS = ("accept", "choose", "reject")
IDENTITY_DECISIONS = ("same", "different")
DECISIONS = LINK_DECISIONS + IDENTITY_DECISIONS
_COUNTRY = re.compile(r"^[A-Z]{2}$")

HEADER = (
    "# ROR curation: decisions about institutions, tab-separated, applied by every build.\n"
    "# decision: accept (link to ror_id, a candidate from the review file) | choose (link to\n"
    "# ror_id found elsewhere) | reject (never link; with ror_id: never link to that ID) |\n"
    "# same (our_label and other_label are one institution: merge them) | different (they\n"
    "# are two: never merge them). our_label, other_label: any label of the institution as the\n"
    "# review file or the graph shows it; country: ISO 3166-1 alpha-2 (empty when the source\n"
    "# names none); ror_id: https://ror.org/0xxxxxxxx or the bare ID, required for accept and\n"
    "# choose; reviewed_on: YYYY-MM-DD. Columns are separated by tabs. Lines starting with #\n"
    "# are comments.\n"
    + "\t".join(COLUMNS) + "\n"
)


class CurationError(ValueError):
    """A curation file that does not follow its format; ``errors`` holds every ``file:line``."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class CurationRow:
    our_label: str
    country: str | None
    decision: str
    ror_id: str | None
    other_label: str = ""
    note: str = ""
    reviewed_by: str = ""
    reviewed_on: str = ""
    where: str = ""  # file:line, for messages and provenance

    @property
    def key(self) -> tuple[str, ...]:
        if self.decision in IDENTITY_DECISIONS:
            pair = sorted((normalise(self.our_label), normalise(self.other_label)))
            return ("identity", *pair, self.country or "")
        return normalise(self.our_label), self.country or ""

    def stale_message(self) -> str:
        """What a build says about this row when it names no institution (``unused``)."""
        names = repr(self.our_label) + (f" / {self.other_label!r}" if self.other_label else "")
        return (f"curation: {self.where}: {self.decision} {names} "
                f"({self.country or 'no country'}) names no institution of this build (stale?)")

    def describe(self) -> str:
        who = ", ".join(x for x in (self.reviewed_by, self.reviewed_on) if x)
        parts = [f"{self.decision} ({self.where})"]
        if who:
            parts.append(f"reviewed by {who}")
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


@dataclass(frozen=True)
class Curation:
    rows: tuple[CurationRow, ...] = ()

    def lookup(self, labels: Sequence[str], country: str | None) -> CurationRow | None:
        """The link decision for an institution: its preferred label first, then the others."""
        by_key = {row.key: row for row in self.rows if row.decision in LINK_DECISIONS}
        for label in labels:
            row = by_key.get((normalise(label), country or ""))
            if row is not None:
                return row
        return None

    def decisions(self) -> list[Decision]:
        """The ``same`` and ``different`` rows, as resolution takes them."""
        return [Decision(row.decision, row.our_label, row.other_label, row.country, row.where)
                for row in self.rows if row.decision in IDENTITY_DECISIONS]

    def unused(self, results: Sequence[MatchResult]) -> list[CurationRow]:
        """Rows that name no institution of this build (stale after an edit of a source).

        A link decision is used when it matched an institution; an identity decision when
        both of its labels name an institution of its country."""
        used = {id(self.lookup(r.query.labels, r.query.country)) for r in results}
        keys: dict[str, set[str]] = {}
        for r in results:
            keys.setdefault(r.query.country or "", set()).update(
                normalise(label) for label in r.query.labels)
        out = []
        for row in self.rows:
            if row.decision in IDENTITY_DECISIONS:
                known = keys.get(row.country or "", set())
                if normalise(row.our_label) in known and normalise(row.other_label) in known:
                    continue
            elif id(row) in used:
                continue
            out.append(row)
        return out


def load_curation(path: Path) -> Curation:
    """Read and check a curation file; a missing file is an empty curation."""
    path = Path(path)
    if not path.exists():
        return Curation()
    errors: list[str] = []
    rows: list[CurationRow] = []
    header: list[str] | None = None
    seen: dict[tuple[str, str], str] = {}
    text = path.read_text(encoding="utf-8-sig")
    for n, line in enumerate(text.splitlines(), start=1):
        where = f"{path}:{n}"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\t" not in line and re.search(r"\S {2,}\S|\S \S", line.strip()):
            errors.append(f"{where}: no tab on this line: columns are separated by tabs, "
                          "not spaces (an editor may have replaced them)")
            if header is None:
                break
            continue
        cells = [c.strip() for c in line.split("\t")]
        if header is None:
            header = cells
            unknown = [c for c in header if c not in COLUMNS]
            missing = [c for c in REQUIRED if c not in header]
            if unknown:
                errors.append(f"{where}: unknown column(s) {', '.join(unknown)} "
                              f"(columns: {', '.join(COLUMNS)})")
            if missing:
                errors.append(f"{where}: missing column(s) {', '.join(missing)}")
            if len(set(header)) != len(header):
                errors.append(f"{where}: a column is named twice")
            if unknown or missing:
                break
            continue
        if len(cells) > len(header):
            errors.append(f"{where}: {len(cells)} cells but the header has {len(header)}")
            continue
        values = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
        row, row_errors = _row(values, where)
        errors.extend(row_errors)
        if row is None:
            continue
        if row.key in seen:
            errors.append(f"{where}: {row.our_label!r} ({row.country or 'no country'}) was "
                          f"already decided at {seen[row.key]}")
            continue
        seen[row.key] = where
        rows.append(row)
    if header is None and not errors:
        errors.append(f"{path}:1: no header line ({chr(9).join(COLUMNS)})")
    if errors:
        raise CurationError(errors)
    return Curation(tuple(rows))


def _row(values: dict[str, str], where: str) -> tuple[CurationRow | None, list[str]]:
    errors = []
    label = values.get("our_label", "")
    if not normalise(label):
        errors.append(f"{where}: our_label is empty")
    country = values.get("country", "").upper() or None
    if country is not None and not _COUNTRY.match(country):
        errors.append(f"{where}: country {values['country']!r} is not an ISO 3166-1 alpha-2 code")
    decision = values.get("decision", "").lower()
    if decision not in DECISIONS:
        errors.append(f"{where}: decision {values.get('decision', '')!r} is not one of "
                      f"{', '.join(DECISIONS)}")
    raw_id = values.get("ror_id", "")
    ror_id = canonical_ror_id(raw_id) if raw_id else None
    if raw_id and ror_id is None:
        errors.append(f"{where}: ror_id {raw_id!r} is not a ROR ID")
    if decision in ("accept", "choose") and not raw_id:
        errors.append(f"{where}: decision {decision} needs a ror_id")
    other = values.get("other_label", "")
    if decision in IDENTITY_DECISIONS:
        if not normalise(other):
            errors.append(f"{where}: decision {decision} needs an other_label (the other "
                          "institution)")
        elif normalise(other) == normalise(label):
            errors.append(f"{where}: our_label and other_label name the same spelling")
        if raw_id:
            errors.append(f"{where}: decision {decision} takes no ror_id")
    elif other:
        errors.append(f"{where}: other_label is only for the decisions same and different")
    reviewed_on = values.get("reviewed_on", "")
    if reviewed_on:
        try:
            date.fromisoformat(reviewed_on)
        except ValueError:
            errors.append(f"{where}: reviewed_on {reviewed_on!r} is not a date (YYYY-MM-DD)")
    if errors:
        return None, errors
    return CurationRow(label, country, decision, ror_id, other, values.get("note", ""),
                       values.get("reviewed_by", ""), reviewed_on, where), []


def apply_curation(results: Sequence[MatchResult], curation: Curation,
                   index: RorIndex | None = None) -> list[MatchResult]:
    """The results with every curator's decision applied (new objects; the input is untouched).

    With ``index``, an accepted or chosen ID that is not among the candidates gets its names,
    country and Wikidata QID from the dump, and a withdrawn one is replaced by its successor
    like any match; without it such a link carries the bare ID.
    """
    out = []
    for result in results:
        row = curation.lookup(result.query.labels, result.query.country)
        out.append(result if row is None else _apply(result, row, index))
    return out


def _apply(result: MatchResult, row: CurationRow, index: RorIndex | None) -> MatchResult:
    note = row.describe()
    if row.decision == "reject":
        if row.ror_id is None or (result.chosen and result.chosen.ror_id == row.ror_id):
            kept = [c for c in result.candidates if c.ror_id != row.ror_id]
            return replace(result, chosen=None, candidates=kept, decision="curated-reject",
                           reason="rejected by a curator", curation_note=note)
        kept = [c for c in result.candidates if c.ror_id != row.ror_id]
        return replace(result, candidates=kept, curation_note=note)
    assert row.ror_id is not None
    chosen = next((c for c in result.candidates
                   if row.ror_id in (c.ror_id, c.followed_successor_from)), None)
    if chosen is None:
        chosen = _from_index(row.ror_id, result, index)
    decision = "curated-accept" if row.decision == "accept" else "curated-choose"
    # A curator may link what the matcher only proposed (an acronym, another country), but a
    # withdrawn record without a single successor is no link for anybody.
    if chosen.status not in ("active", "inactive", "unknown"):
        return replace(result, chosen=None, decision=decision, curation_note=note,
                       reason=f"the curated ID cannot be linked: {link_blocker(chosen)}")
    # a person decided: the link is curated everywhere it is shown, whatever the matcher scored
    chosen = replace(chosen, method="curated", score=1.0,
                     evidence=tuple(sorted(set(chosen.evidence) | {"curated"})))
    others = [c for c in result.candidates if c.ror_id != chosen.ror_id]
    return replace(result, chosen=chosen, candidates=[chosen] + others, decision=decision,
                   reason="", curation_note=note)


def _from_index(ror_id: str, result: MatchResult, index: RorIndex | None) -> Candidate:
    label = result.query.label
    record = index.get(ror_id) if index is not None else None
    if record is None:
        return Candidate(ror_id=ror_id, name="", score=1.0, method="curated", status="unknown",
                         matched_label=label)
    seen = {record.id}
    origin = None
    while record.status == "withdrawn":
        successors = record.related("successor")
        nxt = index.get(successors[0].id) if len(successors) == 1 and index else None
        if nxt is None or nxt.id in seen:
            break
        origin = origin or ror_id
        seen.add(nxt.id)
        record = nxt
    return Candidate(ror_id=record.id, name=record.display_name, score=1.0, method="curated",
                     wikidata=record.wikidata, country=record.country, status=record.status,
                     display_name=record.display_name, city=record.city, matched_label=label,
                     followed_successor_from=origin, successors=successors_of(record))
