"""What entity resolution takes and gives: mentions of institutions in, clusters out.

A mention is one party of one agreement as a source names it; a cluster is one institution.
Both are plain frozen values so that resolution is a pure function of its input (same
mentions in any order -> same clusters), which the IRIs minted from cluster ids rely on.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mention:
    """One institution as one source row names it (units already split off)."""

    key: str  # unique per mention; how the caller finds its mention in the result
    name: str
    alt_names: tuple[str, ...] = ()  # other names the row gives (translations ...)
    acronym: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2; mentions are never merged across it
    city: str | None = None
    website: str | None = None
    source_id: str = ""
    line: int = 0
    ror_id: str | None = None  # a ROR ID already known for this mention (curated, linked)
    erasmus_code: str | None = None  # the Erasmus code the row gives, in its normal form
    # the country was implied by the layout (a merged cell, a count), not stated by the row
    country_inferred: bool = False


@dataclass(frozen=True)
class Cluster:
    """One institution: every mention that names it, with a label and the reasons.

    ``id`` is ``{country}/{key}``: ``country`` is the ISO code in lower case (``xx`` when
    unknown) and ``key`` the identity key (``iris.identity_key``: case, accents and
    punctuation folded, nothing translated) of the spelling most sources use, e.g.
    ``de/rwth-aachen-university`` (see ``label.minting_key``). It depends on the cluster's
    members only — never on input order, row numbers, the vocabularies or the name parser —
    so it survives rebuilds, reordering, vocabulary edits and the addition of unrelated
    mentions; it changes only when another spelling becomes the most used one. Two clusters
    whose keys are alike get a ``#`` suffix hashed from their members.
    """

    id: str
    pref_label: str
    labels: tuple[str, ...]  # every spelling seen (names and alternative names), sorted
    country: str | None
    mention_keys: tuple[str, ...]  # sorted
    evidence: list[str] = field(default_factory=list)  # why the members were merged
    acronyms: tuple[str, ...] = ()  # acronyms the sources give, as written, sorted
    websites: tuple[str, ...] = ()  # web addresses the sources give, sorted
    cities: tuple[str, ...] = ()  # city cells the sources give, sorted
    ror_ids: tuple[str, ...] = ()  # ROR IDs given on members (several only if curated so)
    erasmus_codes: tuple[str, ...] = ()  # Erasmus codes the sources give (one: never two)
    # (preferred label, id) of clusters merged into this one by identity evidence (see
    # ``identity``): their IRIs are recorded as replaced by this cluster's
    replaced: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Decision:
    """A curator's word on identity: the institutions named ``label`` and ``other_label`` in
    ``country`` are one (``same``) or two (``different``). ``where`` is the curation file's
    ``file:line``, quoted in the clusters' evidence."""

    kind: str  # "same" | "different"
    label: str
    other_label: str
    country: str | None
    where: str = ""
