"""What the linker takes and gives: a query per institution, candidates, a result.

Plain values with no behaviour beyond what their fields imply, shared by the matcher, the online
mode, curation, the review file and the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

METHODS = ("exact", "alias", "label", "translation", "acronym", "fuzzy", "domain", "curated")
DECISIONS = ("linked", "ambiguous", "no-match", "curated-accept", "curated-reject",
             "curated-choose")


@dataclass(frozen=True)
class InstitutionQuery:
    """What a partner list tells about one institution (all spellings of one resolved cluster)."""

    labels: tuple[str, ...]  # preferred label first, then alternatives
    country: str | None = None  # ISO 3166-1 alpha-2
    acronyms: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()  # websites or bare domains
    city: str | None = None
    key: str = ""  # the caller's identifier (e.g. the institution's IRI); opaque here
    source_rows: tuple[str, ...] = ()  # "source-id:line" for the review file

    def __post_init__(self) -> None:
        for name in ("labels", "acronyms", "domains", "source_rows"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(dict.fromkeys(v for v in value if v)))
        if not self.labels:
            raise ValueError("an institution query needs at least one label")
        if self.country:
            object.__setattr__(self, "country", self.country.upper())

    @property
    def label(self) -> str:
        return self.labels[0]

    @property
    def sources(self) -> tuple[str, ...]:
        """The source ids of ``source_rows`` (the part before the line number)."""
        return tuple(dict.fromkeys(row.rsplit(":", 1)[0] for row in self.source_rows))


@dataclass(frozen=True)
class Candidate:
    ror_id: str
    name: str  # the ROR name that matched
    score: float  # 0..1
    method: str  # one of METHODS
    wikidata: str | None = None
    country: str | None = None
    status: str = "active"
    display_name: str = ""
    city: str | None = None
    matched_label: str = ""  # our label that matched
    followed_successor_from: str | None = None  # a withdrawn record this one replaces
    evidence: tuple[str, ...] = ()  # domain, acronym, successor, other-country, ...
    successors: tuple[str, ...] = ()  # for an inactive record: the records that continue it


@dataclass
class MatchResult:
    query: InstitutionQuery
    chosen: Candidate | None
    candidates: list[Candidate] = field(default_factory=list)
    decision: str = "no-match"  # one of DECISIONS
    reason: str = ""
    curation_note: str = ""  # the curator's row (who, when, why) when a decision was applied

    @property
    def linked(self) -> bool:
        return self.chosen is not None


# ----------------------------------------------------------------------------- scoring
