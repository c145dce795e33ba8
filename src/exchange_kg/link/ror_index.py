"""An index over ROR records for matching: name keys, words per country, acronyms, domains.

Everything a query needs is a dictionary look-up: the exact key of a name (and of its readings
without a parenthesis or a trailing segment), the words of names within one country (blocking:
a name is only ever compared with names of its own country), acronyms within one country, and
registered web domains. Building it is a pure function of the records, so it can be pickled and
reused (see ``cache.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from exchange_kg.link.names import (
    acronym_key,
    content_words,
    forms,
    host_suffixes,
)
from exchange_kg.link.ror_dump import RorName, RorRecord, RorRelationship
from exchange_kg.resolve.countries import place_key
from exchange_kg.resolve.names import canonical_key

# A word shared by more names than this within one country does not narrow the search.
MAX_POSTINGS = 400
# A domain listed by more records than this (a national academy's shared site) is no evidence.
MAX_DOMAIN_RECORDS = 5


@dataclass(frozen=True)
class DumpInfo:
    """Which dump an index was built from: named in every link's provenance."""

    name: str  # file name only, never a path on the machine
    sha256: str
    size: int
    records: int
    schema_counts: dict[int, int] = field(default_factory=dict)


# One non-acronym name of a record with its readings: (value, kind, ((key, dropped), ...)), kind
# being display | label | alias. Plain tuples, so that a cached index unpickles fast.
IndexedName = tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]]


class RorIndex:
    """Records plus the look-up tables the matcher uses; ``records`` keep the dump's order."""

    def __init__(self, records: Iterable[RorRecord], info: DumpInfo | None = None) -> None:
        self.records: list[RorRecord] = []
        self.info = info
        self.by_id: dict[str, int] = {}
        self.names: list[tuple[IndexedName, ...]] = []
        self.keys: dict[str, list[int]] = defaultdict(list)
        # canonical words of a name in a fixed order (see resolve.names.canonical_key):
        # translations and reorderings of one name meet here
        self.canon: dict[str, list[int]] = defaultdict(list)
        self.words: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.acronyms: dict[str, list[int]] = defaultdict(list)
        self.domains: dict[str, list[int]] = defaultdict(list)
        self.children: dict[str, list[int]] = defaultdict(list)
        self._country_keys: dict[str, tuple[list[str], list[int]]] = {}
        for record in records:
            self._add(record)
        for table in (self.keys, self.canon, self.words, self.acronyms, self.domains,
                      self.children):
            table.default_factory = None  # look-ups must not grow the tables

    def _add(self, record: RorRecord) -> None:
        if record.id in self.by_id:  # a later version of a record replaces nothing: first wins
            return
        i = len(self.records)
        self.records.append(record)
        self.by_id[record.id] = i
        country = record.country or ""
        indexed = []
        words: set[str] = set()
        for name in record.names:
            if name.kind == "acronym":
                key = acronym_key(name.value)
                if key and i not in self.acronyms[key]:
                    self.acronyms[key].append(i)
                continue
            name_forms = tuple((f.key, f.dropped) for f in forms(name.value))
            if not name_forms:
                continue
            indexed.append((name.value, name.kind, name_forms))
            for key, _ in name_forms:
                hits = self.keys[key]
                if not hits or hits[-1] != i:
                    hits.append(i)
            words.update(content_words(name_forms[0][0]))
            canon = canonical_key(name.value)
            if canon:
                hits = self.canon[canon]
                if not hits or hits[-1] != i:
                    hits.append(i)
        self.names.append(tuple(indexed))
        for word in sorted(words):
            self.words[(country, word)].append(i)
        for domain in sorted(self._record_domains(record)):
            self.domains[domain].append(i)
        for rel in record.relationships:
            if rel.type == "parent":
                self.children[rel.id].append(i)

    @staticmethod
    def _record_domains(record: RorRecord) -> set[str]:
        """Every domain a record's sites belong to (see ``host_suffixes``)."""
        out: set[str] = set()
        for value in record.domains + record.links:
            out.update(host_suffixes(value))
        return out

    def finish_children(self) -> None:
        """Add children that only their parent names (a "child" relationship without a mirror)."""
        for record in self.records:
            for rel in record.related("child"):
                j = self.by_id.get(rel.id)
                if j is not None:
                    kids = self.children.setdefault(record.id, [])
                    if j not in kids:
                        kids.append(j)

    # ------------------------------------------------------------------------- look-ups

    def __len__(self) -> int:
        return len(self.records)

    def get(self, ror_id: str) -> RorRecord | None:
        i = self.by_id.get(ror_id)
        return None if i is None else self.records[i]

    def by_key(self, key: str) -> list[int]:
        return self.keys.get(key, [])

    def by_canonical(self, key: str) -> list[int]:
        return self.canon.get(key, [])

    def by_word(self, country: str, word: str) -> list[int]:
        """Records of one country whose names contain the word (empty if the word is common)."""
        hits = self.words.get((country, word), [])
        return hits if len(hits) <= MAX_POSTINGS else []

    def by_acronym(self, acronym: str) -> list[int]:
        return self.acronyms.get(acronym_key(acronym), [])

    def by_domain(self, domain: str) -> list[int]:
        """Records whose websites are on ``domain``; when many share it, only the one the
        others are all under (an institution and its labs on one site), else none."""
        hits = self.domains.get(domain, [])
        if len(hits) <= MAX_DOMAIN_RECORDS:
            return hits
        ids = {self.records[i].id for i in hits}
        roots = [i for i in hits if not any(r.type == "parent" and r.id in ids
                                            for r in self.records[i].relationships)]
        return roots if len(roots) == 1 else []

    def city_countries(self, min_records: int = 3, share: float = 0.9) -> dict[str, str]:
        """City name (``resolve.countries.place_key``) -> the country its records are in,
        for cities with at least ``min_records`` records, ``share`` of them in one country:
        a gazetteer for telling where a name's city is. Worked out once, on first use."""
        cached = self.__dict__.get("_city_countries")
        if cached is not None:
            return cached
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for rec in self.records:
            if rec.city and rec.country:
                counts[place_key(rec.city)][rec.country] += 1
        out: dict[str, str] = {}
        for city, by_country in counts.items():
            total = sum(by_country.values())
            country, n = max(by_country.items(), key=lambda kv: (kv[1], kv[0]))
            if len(city) >= 4 and total >= min_records and n >= share * total:
                out[city] = country
        self.__dict__["_city_countries"] = out
        return out

    def children_of(self, ror_id: str) -> list[int]:
        return self.children.get(ror_id, [])

    def country_words(self, country: str) -> list[str]:
        """The words of one country's names, for finding a misspelt or transliterated word
        ("Afaisal", "Serikbayeva"). Worked out for all countries at once, on first use."""
        cache = self.__dict__.get("_country_words")
        if cache is None:
            grouped: dict[str, list[str]] = defaultdict(list)
            for c, w in self.words:
                grouped[c].append(w)
            cache = self.__dict__["_country_words"] = {c: sorted(ws)
                                                       for c, ws in grouped.items()}
        return cache.get(country, [])

    def country_keys(self, country: str) -> tuple[list[str], list[int]]:
        """All full-name keys of one country with their records, for a typo-tolerant scan;
        worked out for all countries in one pass, on first use."""
        if not self._country_keys:
            grouped: dict[str, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
            for i, record in enumerate(self.records):
                keys, owners = grouped[record.country or ""]
                for _value, _kind, name_forms in self.names[i]:
                    keys.append(name_forms[0][0])
                    owners.append(i)
            self._country_keys = dict(grouped)
        return self._country_keys.get(country, ([], []))

    def __getstate__(self) -> dict[str, Any]:
        """Records as plain tuples: unpickling them is several times faster than objects."""
        state = dict(self.__dict__)
        state["_country_keys"] = {}  # derived on demand
        state.pop("_city_countries", None)
        state.pop("_country_words", None)
        state["records"] = [_record_to_tuple(r) for r in self.records]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["records"] = [_record_from_tuple(t) for t in state["records"]]
        self.__dict__.update(state)


def _record_to_tuple(r: RorRecord) -> tuple[Any, ...]:
    return (r.id, tuple((n.value, n.kind, n.lang) for n in r.names), r.country, r.city,
            r.domains, r.links, r.wikidata, r.status,
            tuple((x.type, x.id, x.label) for x in r.relationships), r.types, r.schema)


def _record_from_tuple(t: tuple[Any, ...]) -> RorRecord:
    rid, names, country, city, domains, links, wikidata, status, rels, types, schema = t
    return RorRecord(rid, tuple(RorName(*n) for n in names), country, city, domains, links,
                     wikidata, status, tuple(RorRelationship(*x) for x in rels), types, schema)


def build_index(records: Iterable[RorRecord], info: DumpInfo | None = None) -> RorIndex:
    """An index over the records (the first version of a duplicated ID is kept)."""
    index = RorIndex(records, info)
    index.finish_children()
    return index
