"""Mentions -> clusters: one cluster per institution, precision first.

1. **Block by country.** Mentions are never merged across countries: "Northeastern
   University" in China and in the USA, "Soochow University" in Taiwan and in China, stay
   apart. A mention without a country is compared only with others without one.
2. **Group by normalised name.** Mentions whose names normalise to the same key (and carry no
   different ROR IDs) are one group: "Ecole Centrale de Paris" / "École Centrale de Paris"
   (names of common words only need the same city as well).
3. **Score candidate pairs of groups** (``score.relate_groups``): only groups that share a
   proper-name token, its first four letters, a website name, or an acronym and the initials
   it abbreviates are compared, so the work grows with the number of similar names, not its
   square. Of those, only pairs that can reach ``MERGE`` are read at once (``reach`` decides
   it for the whole block); the others only when a merge asks for their score.
4. **Merge conservatively.** Pairs scoring at least ``MERGE`` are taken best first (ties by
   key: the order of the input never matters). Two clusters merge only if the merge is
   supported by all their members: no pair across them conflicts (different numbers, ROR
   IDs, a curator's ``different``), none scores below ``MIN_LINK`` (clearly different names),
   and the average across them is at least ``AVERAGE_LINK``. So "A ~ B" and "B ~ C" do not
   chain A and C together when A and C are plainly different. An acronym written alone
   ("UNAM") shares no word with a translation of what it abbreviates: that pair is no
   objection.
5. **Merge on identity evidence** (``identity``): clusters of one country that share a ROR
   record or a website, or that a curator says are one, even when their names share no word.

The result depends only on the set of mentions: shuffling them gives the same clusters, and a
mention that shares no name token with a cluster cannot change it (nor its id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from exchange_kg import pool
from exchange_kg.iris import identity_key
from exchange_kg.link.names import normalise
from exchange_kg.resolve import cache as resolve_cache
from exchange_kg.resolve.cache import ResolveCache
from exchange_kg.resolve.identity import merge_clusters
from exchange_kg.resolve.label import choose_label, cluster_ids, minting_key
from exchange_kg.resolve.model import Cluster, Decision, Mention
from exchange_kg.resolve.names import (
    acronym_of,
    initials,
    is_distinctive,
    parse_name,
    place_tokens,
)
from exchange_kg.resolve.reach import may_merge
from exchange_kg.resolve.score import (
    CONFLICT,
    MERGE,
    BlockContext,
    Group,
    block_context,
    relate_groups,
    spells,
)

AVERAGE_LINK = 0.7
MIN_LINK = 0.4
SKELETON_BUCKET = 64
# From this many mentions on, countries are resolved in worker processes by default: below
# it, resolving takes about as long as starting them.
PARALLEL_MENTIONS = 20_000


def resolve(mentions: Iterable[Mention], workers: int | None = None,
            decisions: Iterable[Decision] = (), cache: ResolveCache | None = None
            ) -> list[Cluster]:
    """Cluster mentions of institutions; clusters sorted by id, members by key.

    ``decisions`` are a curator's ``same`` / ``different`` words on identity. Countries are
    independent, so they are resolved in ``workers`` processes (default: one per CPU for large
    inputs, see ``PARALLEL_MENTIONS``); the result is the same. With a ``cache`` (by default
    the one ``cache.using`` names), a country whose mentions were resolved by an earlier build
    is taken from it.
    """
    decisions = tuple(decisions)
    cache = cache or resolve_cache.current()
    by_key: dict[str, Mention] = {}
    for m in mentions:
        if m.key in by_key and by_key[m.key] != m:
            raise ValueError(f"two different mentions share the key {m.key!r}")
        by_key[m.key] = m
    blocks: dict[str | None, list[Mention]] = defaultdict(list)
    for m in by_key.values():
        blocks[m.country].append(m)
    countries = sorted(blocks, key=lambda c: c or "")
    apart = tuple(d for d in decisions if d.kind == "different")
    drafts: dict[str | None, list[_Draft]] = {}
    entries: dict[str | None, str] = {}
    if cache is not None:
        for c in countries:
            entries[c] = cache.entry("clusters", c, (_block_facts(blocks[c]), apart))
            found = cache.load(entries[c], _are_drafts)
            if found is None:
                cache.misses += 1
            else:
                cache.hits += 1
                drafts[c] = found  # type: ignore[assignment]
    todo = [c for c in countries if c not in drafts]
    if workers is None:
        many = sum(len(blocks[c]) for c in todo) >= PARALLEL_MENTIONS
        workers = pool.cpu_count() if many else 1
    if min(workers, len(todo)) <= 1:
        drafts.update((c, _block_drafts(c, blocks[c], apart)) for c in todo)
    else:
        largest_first = sorted(todo, key=lambda c: -len(blocks[c]))
        with pool.executor(min(workers, len(todo)), _set_blocks,
                           ({c: blocks[c] for c in todo}, apart)) as executor:
            drafts.update(zip(largest_first, executor.map(_drafts_in_worker, largest_first),
                              strict=True))
    if cache is not None:
        for c in todo:
            cache.keep(entries[c], drafts[c])
    clusters = _finish([d for c in countries for d in drafts[c]], by_key)
    return merge_clusters(clusters, decisions=decisions)[0]


def _block_facts(mentions: list[Mention]) -> list[tuple[object, ...]]:
    """A country's mentions as resolution reads them: all but the row number."""
    return sorted((m.key, m.name, m.alt_names, m.acronym, m.city, m.website, m.source_id,
                   m.ror_id or "", m.country_inferred, m.erasmus_code or "") for m in mentions)


def _are_drafts(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(d, _Draft) for d in value)


@dataclass(frozen=True)
class _Draft:
    """A cluster before its id is given: what a worker sends back (keys, not objects)."""

    country: str | None
    label: str
    minting_key: str  # see label.minting_key
    described: tuple[str, ...]  # what tells it from a namesake (see label.cluster_ids)
    mention_keys: tuple[str, ...]  # sorted
    evidence: tuple[str, ...]


def _block_drafts(country: str | None, mentions: list[Mention],
                  apart: tuple[Decision, ...] = ()) -> list[_Draft]:
    drafts = []
    for groups, evidence in _resolve_block(country, mentions, apart):
        members = sorted((m for g in groups for m in g.mentions), key=lambda m: m.key)
        names = [(m.name, m.source_id) for m in members]
        alt_names = [(a, m.source_id) for m in members for a in m.alt_names]
        label = choose_label(names, alt_names, country)
        drafts.append(_Draft(country, label, minting_key(names, alt_names), _described(members),
                             tuple(m.key for m in members), tuple(evidence)))
    return drafts


def _described(members: list[Mention]) -> tuple[str, ...]:
    """The members as source data tells them apart, folded by the identity rule only."""
    return tuple(sorted({"|".join((identity_key(m.name), identity_key(m.city or ""),
                                   identity_key(m.website or ""), m.ror_id or "")
                                  + ((m.erasmus_code,) if m.erasmus_code else ()))
                         for m in members}))


# In a worker process: the mentions of every country and the curator's ``different``
# decisions, handed over once when it starts.
_worker_blocks: dict[str | None, list[Mention]] = {}
_worker_apart: tuple[Decision, ...] = ()


def _set_blocks(blocks: dict[str | None, list[Mention]], apart: tuple[Decision, ...]) -> None:
    global _worker_blocks, _worker_apart
    _worker_blocks, _worker_apart = blocks, apart


def _drafts_in_worker(country: str | None) -> list[_Draft]:
    return _block_drafts(country, _worker_blocks[country], _worker_apart)


def group_mentions(country: str | None, mentions: Iterable[Mention],
                   apart: tuple[Decision, ...] = ()) -> list[Group]:
    """Mentions with the same normalised name (and no different ROR IDs), sorted by key.

    A name of common words only ("University of Applied Sciences") identifies nothing by
    itself, so such mentions are grouped only with the same city; a name with no words at
    all is never grouped with another; two spellings a curator said are different
    institutions are never one group, even when they read the same."""
    buckets: dict[str, list[Mention]] = defaultdict(list)
    # many rows spell a name alike: each spelling (with its city) is keyed once
    keys: dict[tuple[str, str | None, tuple[str, ...]], str | None] = {}
    for m in mentions:
        facts = (m.name, m.city, m.alt_names)
        key = keys.get(facts, "")
        if key == "":
            key = keys[facts] = _name_bucket(m, country, apart)
        if key is None:  # no words at all: never grouped with another
            key = f"#unnamed {m.key}" + _apart_side(m, country, apart)
        if m.ror_id:
            key = f"{key}#{m.ror_id}"
        if m.erasmus_code:  # a namesake with another code is another institution
            key = f"{key}#erasmus {m.erasmus_code}"
        buckets[key].append(m)
    return [Group.of(k, country, buckets[k]) for k in sorted(buckets)]


def _name_bucket(m: Mention, country: str | None, apart: tuple[Decision, ...]) -> str | None:
    """The group key of a mention's name, city and alternative names (see
    :func:`group_mentions`); None for a name with no words."""
    form = parse_name(m.name, country)
    key = form.key
    if not key:
        return None
    if not (form.distinctive or form.acronyms):
        key += f"#in {' '.join(place_tokens(m.city)) if m.city else ''}"
    given = acronym_of(m.acronym) if m.acronym else None
    foreign = sorted(a for a in {*form.acronyms, *([given] if given else [])}
                     if not spells(a, form))
    if foreign and not form.native:
        # "Free University of Brussels (ULB)": the acronym of a name in another language,
        # maybe not the one this translation would give ("Vrije Universiteit Brussel" reads
        # the same); the pair is read with the acronym (``score._acronym_of_another``)
        key += f"#acronym {'/'.join(foreign)}"
    return key + _apart_side(m, country, apart)


def _apart_side(m: Mention, country: str | None, apart: tuple[Decision, ...]) -> str:
    """Which side of the curator's ``different`` decisions a mention is on ("" for none)."""
    names = {normalise(t) for t in (m.name, *m.alt_names)}
    sides = [f"#apart{n}{'ab'[side]}" for n, d in enumerate(apart)
             if (d.country or None) == country
             for side, label in enumerate((d.label, d.other_label)) if normalise(label) in names]
    return "".join(sides)


def _resolve_block(country: str | None, mentions: list[Mention],
                   apart: tuple[Decision, ...] = ()) -> list[tuple[list[Group], list[str]]]:
    groups = group_mentions(country, mentions, apart)
    ctx = block_context(groups)
    kept_apart = _kept_apart(country, groups, apart)
    pairs = sorted(candidate_pairs(groups))
    # Only pairs that may merge are read now (see ``reach``): a large country has hundreds of
    # thousands of candidate pairs, most plainly below MERGE. The others are read if a merge
    # asks for them (``_supported``), and only merge candidates keep their reasons.
    reachable = may_merge(groups, (p for p in pairs if p not in kept_apart))
    scores = _Scores(groups, ctx)
    reasons: dict[tuple[int, int], str] = {}
    for pair in pairs:
        if pair in kept_apart:
            scores[pair] = CONFLICT
        elif pair not in reachable:
            scores.unread.add(pair)
        else:
            rel = relate_groups(groups[pair[0]], groups[pair[1]], ctx)
            scores[pair] = rel.score
            if rel.score >= MERGE:
                reasons[pair] = rel.reason
    members = {i: [i] for i in range(len(groups))}
    root = list(range(len(groups)))
    evidence: dict[int, list[str]] = {i: _group_evidence(g) for i, g in enumerate(groups)}
    edges = sorted(
        ((scores[pair], *pair) for pair in reasons),
        key=lambda e: (-e[0], groups[e[1]].key, groups[e[2]].key),
    )
    for _, i, j in edges:
        ri, rj = root[i], root[j]
        if ri == rj or not _supported(members[ri], members[rj], scores):
            continue
        keep, gone = min(ri, rj), max(ri, rj)
        members[keep] += members.pop(gone)
        evidence[keep] += [*evidence.pop(gone), reasons[(i, j)]]
        for k in members[keep]:
            root[k] = keep
    return [
        ([groups[k] for k in sorted(ms)], evidence[r])
        for r, ms in sorted(members.items())
    ]


def _kept_apart(country: str | None, groups: list[Group],
                apart: tuple[Decision, ...]) -> set[tuple[int, int]]:
    """Pairs of groups a curator said are different institutions."""
    out: set[tuple[int, int]] = set()
    if not apart:
        return out
    keys = [{normalise(t) for m in g.mentions for t in (m.name, *m.alt_names)} for g in groups]
    for dec in apart:
        if (dec.country or None) != country:
            continue
        left = [i for i, k in enumerate(keys) if normalise(dec.label) in k]
        right = [i for i, k in enumerate(keys) if normalise(dec.other_label) in k]
        out.update((min(a, b), max(a, b)) for a in left for b in right if a != b)
    return out


class _Scores(dict[tuple[int, int], float]):
    """Scores of candidate pairs of groups, those in ``unread`` read when first asked for;
    a pair that is no candidate scores 0."""

    def __init__(self, groups: list[Group], ctx: BlockContext) -> None:
        super().__init__()
        self.groups, self.ctx = groups, ctx
        self.unread: set[tuple[int, int]] = set()

    def __missing__(self, pair: tuple[int, int]) -> float:
        if pair not in self.unread:
            return 0.0
        self.unread.discard(pair)
        value = self[pair] = relate_groups(self.groups[pair[0]], self.groups[pair[1]],
                                           self.ctx).score
        return value


def _supported(xs: list[int], ys: list[int], scores: _Scores) -> bool:
    """May two clusters merge? Every member pair must be compatible, the average strong."""
    values = []
    for x in xs:
        for y in ys:
            value = scores[(min(x, y), max(x, y))]
            if value == 0.0 and (scores.groups[x].bare or scores.groups[y].bare):
                # "UNAM" shares no word with "National Autonomous University of Mexico":
                # an acronym alone says nothing against a translation of what it expands
                continue
            if value == CONFLICT or value < MIN_LINK:
                return False
            values.append(value)
    return not values or sum(values) / len(values) >= AVERAGE_LINK


def candidate_pairs(groups: list[Group]) -> set[tuple[int, int]]:
    """Pairs of groups worth scoring: a shared proper-name token or its first four letters
    (misspellings), a long shared skeleton of common words, a shared website name, or an
    acronym of one abbreviating a run of the other's words."""
    index: dict[str, set[int]] = defaultdict(set)
    for k, g in enumerate(groups):
        for f in g.forms:
            for t in f.distinctive:
                index[f"t:{t}"].add(k)
                index[f"p:{t[:4]}"].add(k)
            skeleton = tuple(t for t in f.flat if not is_distinctive(t))
            for label in g.domain_labels:
                index[f"d:{label}"].add(k)
            if len(skeleton) >= 2 and len(f.distinctive) <= 2:
                # "Kiyv/Kyiv National University of Construction and Architecture": a
                # misspelt first letters, a long shared skeleton of common words
                index["s:" + " ".join(skeleton)].add(k)
    pairs: set[tuple[int, int]] = set()
    for key, ks in index.items():
        if key.startswith("s:") and len(ks) > SKELETON_BUCKET:
            continue  # "X University of Technology": too common to say anything
        pairs.update(combinations(sorted(ks), 2))
    spelling = _initials_index(groups)
    for k, g in enumerate(groups):
        for acr in g.side.acronyms:
            for other in spelling.get(acr, ()):
                if other != k:
                    pairs.add((min(k, other), max(k, other)))
    return pairs


def _initials_index(groups: list[Group]) -> dict[str, set[int]]:
    """Every run of letters within a group's initials -> the groups whose initials contain it.

    Initials are short (one letter a word), so listing their substrings is cheap, and an
    acronym then finds the names it may abbreviate by one lookup instead of a scan of the
    whole country.
    """
    index: dict[str, set[int]] = defaultdict(set)
    for k, g in enumerate(groups):
        for f in g.forms:
            for s in initials(f):
                for start in range(len(s) + 1):
                    for end in range(start, len(s) + 1):
                        index[s[start:end]].add(k)
    return index


def _group_evidence(g: Group) -> list[str]:
    raws = sorted({f.raw for f in g.names})
    if len(raws) < 2:
        return []
    return [f"same normalised name: {' = '.join(repr(r) for r in raws)}"]


def _finish(drafts: list[_Draft], by_key: dict[str, Mention]) -> list[Cluster]:
    ids = cluster_ids([(d.country, d.minting_key, d.described, d.mention_keys) for d in drafts])
    clusters = []
    for cid, d in zip(ids, drafts, strict=True):
        mentions = [by_key[k] for k in d.mention_keys]
        labels = sorted({m.name for m in mentions} | {a for m in mentions for a in m.alt_names}
                        - {""})
        clusters.append(Cluster(
            id=cid,
            pref_label=d.label,
            labels=tuple(labels),
            country=d.country,
            mention_keys=d.mention_keys,
            evidence=list(d.evidence),
            acronyms=tuple(sorted({m.acronym for m in mentions if m.acronym})),
            websites=tuple(sorted({m.website for m in mentions if m.website})),
            cities=tuple(sorted({m.city for m in mentions if m.city})),
            ror_ids=tuple(sorted({m.ror_id for m in mentions if m.ror_id})),
            erasmus_codes=tuple(sorted({m.erasmus_code for m in mentions if m.erasmus_code})),
        ))
    return sorted(clusters, key=lambda c: c.id)


__all__ = ["AVERAGE_LINK", "MIN_LINK", "BlockContext", "candidate_pairs", "group_mentions",
           "resolve"]
