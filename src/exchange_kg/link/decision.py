"""Candidates -> a decision: withdrawn records followed to their successors, one candidate per
ROR ID, and a link only when one candidate alone is highly probable (see ``matcher`` for the
rules)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from functools import partial
from typing import NamedTuple

from exchange_kg.link.model import Candidate, InstitutionQuery, MatchResult
from exchange_kg.link.names import normalise
from exchange_kg.link.ror_dump import RorRecord
from exchange_kg.link.ror_index import RorIndex
from exchange_kg.link.scoring import Hit, round3

CHOSEN_MIN = 0.95  # a candidate below this is never linked automatically
MARGIN = 0.03  # ... nor when another record scores within this of it
REVIEW_MIN = 0.5  # candidates below this are not worth a curator's time
MAX_CANDIDATES = 5
MAX_SUCCESSOR_HOPS = 5
SUCCESSOR_FACTOR = 0.99
SPLIT_SUCCESSOR = 0.80


def resolve_candidates(index: RorIndex, hits: Iterable[Hit]) -> list[Candidate]:
    """Hits -> candidates, withdrawn records replaced by their successors, one per ROR ID,
    best first; only those ``decide`` can look at.

    Hits are ranked by score and ROR ID before any whole record is read (only a withdrawn
    one is, for its successors): ``decide`` looks at the first ``MAX_CANDIDATES`` from
    ``REVIEW_MIN`` up and at those within ``MARGIN`` of the first, so only that head of the
    ranking becomes candidates, and a query's other hits (often a dozen) are never read."""
    best: dict[str, _Proposal] = {}
    hits = list(hits)
    heads = index.statuses_and_ids([hit.index for hit in hits])
    for hit, (status, ror_id) in zip(hits, heads, strict=True):
        if status != "withdrawn":  # the record as it is (``_follow``)
            score = round3(hit.score)
            old = best.get(ror_id)
            if old is None:
                best[ror_id] = _proposal((hit.index, score, hit.evidence, None, hit))
            elif (score, True) > (old.score, old.followed_from is None):
                best[ror_id] = _Proposal(hit.index, score, hit.evidence | old.evidence, None,
                                         hit)
            continue
        for prop in _follow(index, hit):
            ror_id = index.id_of(prop.record)
            old = best.get(ror_id)
            if old is None or (prop.score, prop.followed_from is None) > (
                    old.score, old.followed_from is None):
                if old is not None:
                    prop = prop._replace(evidence=prop.evidence | old.evidence)
                best[ror_id] = prop
    ranked = sorted((-p.score, ror_id, p) for ror_id, p in best.items())  # IDs are unique
    return [_candidate(index.records[p.record], p.hit, p.score, p.evidence, p.followed_from)
            for _score, _id, p in ranked[:_decisive(-score for score, _id, _p in ranked)]]


def _decisive(scores: Iterable[float]) -> int:
    """How many candidates of a ranking (scores best first) ``decide`` can look at: the shown
    ones and those within ``MARGIN`` of the first shown."""
    shown = close = 0
    top = None
    for n, score in enumerate(scores):
        if top is None and score >= REVIEW_MIN:
            top = score
        near = top is not None and top - score < MARGIN
        if score >= REVIEW_MIN and shown < MAX_CANDIDATES:
            shown = n + 1
        elif not near:
            break
        if near:
            close = n + 1
    return max(shown, close)


def _candidate(rec: RorRecord, hit: Hit, score: float, evidence: AbstractSet[str],
               followed_from: str | None = None) -> Candidate:
    return Candidate(
        ror_id=rec.id, name=hit.name, score=round(score, 3), method=hit.method,
        wikidata=rec.wikidata, country=rec.country, status=rec.status,
        display_name=rec.display_name, city=rec.city, matched_label=hit.label,
        followed_successor_from=followed_from, evidence=tuple(sorted(evidence)),
        successors=successors_of(rec),
    )


def successors_of(rec: RorRecord) -> tuple[str, ...]:
    """The records ROR says continue an inactive one (none for an active record)."""
    if rec.status != "inactive":
        return ()
    return tuple(sorted(r.id for r in rec.related("successor")))


class _Proposal(NamedTuple):
    """A candidate before its record is read: which record a hit stands for, and how."""

    record: int
    score: float  # rounded as the candidate's
    evidence: AbstractSet[str]
    followed_from: str | None
    hit: Hit


# ``_Proposal`` from a tuple of its fields, without the Python-level ``__new__`` of a named
# tuple: every hit of a query becomes one
_proposal = partial(tuple.__new__, _Proposal)


def _follow(index: RorIndex, hit: Hit) -> list[_Proposal]:
    """A record as it is, unless it is withdrawn: then its successor(s), when the dump has them.

    An *inactive* record (a university that merged into another, or closed) stands for the
    institution as the list names it: the agreement was made with it, so it keeps its own
    record, and the successor ROR gives is recorded alongside. A *withdrawn* record is a
    duplicate or an error, so it stands for its successor, the same organisation.
    """
    own = _Proposal(hit.index, round(hit.score, 3), hit.evidence, None, hit)
    if index.status_of(hit.index) != "withdrawn":
        return [own]
    rec = index.records[hit.index]
    current, score, seen = rec, hit.score, {rec.id}
    for _ in range(MAX_SUCCESSOR_HOPS):
        successors = current.related("successor")
        if not successors:
            break
        if len(successors) > 1:
            out = [own._replace(evidence=hit.evidence | {"split"})]
            for rel in successors:
                j = index.position(rel.id)
                if j is not None and index.status_of(j) != "withdrawn":
                    out.append(_Proposal(j, round(SPLIT_SUCCESSOR * score, 3),
                                         hit.evidence | {"successor", "split"}, rec.id, hit))
            return out
        j = index.position(successors[0].id)
        if j is None or successors[0].id in seen:
            return [own._replace(evidence=hit.evidence | {"successor-not-in-dump"})]
        seen.add(successors[0].id)
        current, score = index.records[j], score * SUCCESSOR_FACTOR
        if current.status != "withdrawn":
            return [_Proposal(j, round(score, 3), hit.evidence | {"successor"}, rec.id, hit)]
    return [own]


# words a name never ends in: a name ending in one was cut off ("The Hong Kong University of",
# the first line of a wrapped cell), and a near name is no evidence for the rest
_FUNCTION_WORDS = frozenset(("of", "for", "and", "the", "at", "in", "on", "de", "des", "du", "d",
                             "la", "le", "les", "et", "di", "da", "del", "della", "dello",
                             "degli", "delle", "e", "y", "i", "u", "do", "dos", "das", "em",
                             "von", "vom", "van", "der", "den", "für", "fur", "zu", "und", "am",
                             "im", "och", "og", "av", "na", "w", "z", "ve"))


def cut_off(labels: Sequence[str]) -> str | None:
    """Why no near name may be linked for these labels: every one ends in a word no name
    ends in, or in '&' or a comma."""
    ends = [(label.split() or [""])[-1].casefold() for label in labels]
    if not ends or not all(e in _FUNCTION_WORDS or e in ("&", "-", "–") or e.endswith(",")
                           for e in ends):
        return None
    return f"the name ends in {ends[0]!r}: cut off, and only its own exact name may link it"


def link_blocker(c: Candidate) -> str | None:
    """Why a candidate may not be linked, or None."""
    if c.status not in ("active", "inactive", "unknown"):
        if "split" in c.evidence:
            return f"{c.ror_id} is {c.status} and was split into several successors"
        if "successor-not-in-dump" in c.evidence:
            return f"{c.ror_id} is {c.status}; its successor is not in the dump"
        return f"{c.ror_id} is {c.status} and has no successor"
    if "other-country" in c.evidence:
        return f"{c.ror_id} lies in another country ({c.country})"
    if c.method == "acronym" and "acronym-spelled-out" not in c.evidence:
        return "only the acronym matches"
    return None


def decide(index: RorIndex, query: InstitutionQuery, candidates: list[Candidate],
            domain_records: set[int]) -> MatchResult:
    shown = [c for c in candidates if c.score >= REVIEW_MIN][:MAX_CANDIDATES]
    if not shown:
        return MatchResult(query, None, [], "no-match", "no candidate in the dump")
    top = shown[0]
    runner_up = shown[1] if len(shown) > 1 else None
    blocker = link_blocker(top)
    if blocker is None and top.method == "fuzzy":
        blocker = cut_off(query.labels)
    if blocker is None and top.score < CHOSEN_MIN:
        blocker = f"best score {top.score:.3f} is below {CHOSEN_MIN}"
    if blocker is None and runner_up is not None and top.score - runner_up.score < MARGIN:
        winner = _break_tie(index, query, [c for c in candidates if top.score - c.score < MARGIN])
        if winner is not None:
            top = winner
            shown = [top] + [c for c in shown if c.ror_id != top.ror_id]
        else:
            blocker = (f"{top.ror_id} ({top.score:.3f}) and {runner_up.ror_id} "
                       f"({runner_up.score:.3f}) are too close")
    if blocker is None and domain_records and not _related_to_any(index, top, domain_records):
        blocker = "the website's domain belongs to another ROR record"
    if blocker is None:
        return MatchResult(query, top, shown, "linked", "")
    if top.status == "withdrawn" and not any(c.status != "withdrawn" for c in shown):
        return MatchResult(query, None, shown, "no-match", blocker)
    return MatchResult(query, None, shown, "ambiguous", blocker)


def _break_tie(index: RorIndex, query: InstitutionQuery,
               close: list[Candidate]) -> Candidate | None:
    """Among candidates with (nearly) the same name score, the one that independent evidence
    singles out: the only one owning our website's domain, the only one in our city, or the
    parent of all the others (ROR lists a parent's name as an alias of its children)."""
    # the domain only breaks a tie between names; a candidate that the domain lifted into the
    # tie (method "domain") against a name match is a conflict for a person to look at
    if any(c.method == "domain" for c in close):
        return None
    with_domain = [c for c in close if "domain" in c.evidence]
    if len(with_domain) == 1:
        return _with_evidence(with_domain[0], "tie-broken-by-domain")
    if query.city:
        city = normalise(query.city)
        in_city = [c for c in close if c.city and normalise(c.city) == city]
        if len(in_city) == 1:
            return _with_evidence(in_city[0], "tie-broken-by-city")
    for cand in close:
        others = [c for c in close if c.ror_id != cand.ror_id]
        if others and all(c.ror_id in cand.successors and _named_as_before(cand, c)
                          for c in others):
            # the institution's own (inactive) record, not the one that succeeded it
            return _with_evidence(cand, "tie-broken-by-predecessor")
    for cand in close:
        rec = index.get(cand.ror_id)
        if rec is None:
            continue
        kids = {r.id for r in rec.related("child")}
        others = [c for c in close if c.ror_id != cand.ror_id]
        if all(c.ror_id in kids or _has_parent(index, c.ror_id, cand.ror_id) for c in others):
            return _with_evidence(cand, "tie-broken-by-parent")
    return None


def _named_as_before(old: Candidate, new: Candidate) -> bool:
    """Whether the name matched is the predecessor's more than its successor's: the successor
    matched it only as another of its names (an alias, a translation), and not better than
    the predecessor did. A successor that took the name as its own ("Tampereen yliopisto",
    both records' label) or matched it better (an exact alias against a translation of a
    numbered name) leaves the tie to a person."""
    return new.method not in ("exact", "label") and old.score >= new.score


def _has_parent(index: RorIndex, child_id: str, parent_id: str) -> bool:
    rec = index.get(child_id)
    return rec is not None and any(r.id == parent_id for r in rec.related("parent"))


def _with_evidence(cand: Candidate, note: str) -> Candidate | None:
    if link_blocker(cand) is not None:
        return None
    return replace(cand, evidence=tuple(sorted(set(cand.evidence) | {note})))


def _related_to_any(index: RorIndex, cand: Candidate, records: set[int]) -> bool:
    """The candidate (or the record it replaces, its successor, parent or child) owns the
    domain, or one of their units does (an inactive university's labs now under its
    successor keep the old site)."""
    ids = {cand.ror_id, *cand.successors}
    if cand.followed_successor_from:
        ids.add(cand.followed_successor_from)
    rec = index.get(cand.ror_id)
    if rec is not None:
        ids.update(r.id for r in rec.relationships if r.type in ("parent", "child"))
    for i in records:
        owner = index.records[i]
        if owner.id in ids or any(r.type == "parent" and r.id in ids
                                  for r in owner.relationships):
            return True
    return False
