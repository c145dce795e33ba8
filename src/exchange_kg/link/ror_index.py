"""An index over ROR records for matching: name keys, words per country, acronyms, domains.

Everything a query needs is a look-up: the exact key of a name (and of its readings without a
parenthesis or a trailing segment), the words of names within one country (blocking: a name is
only ever compared with names of its own country), acronyms within one country, and registered
web domains.

The index is one SQLite database, written once by ``write_index`` and then only read. A full
dump makes about 480,000 small look-up tables (key -> record numbers) and 51,000 records; as a
pickle that is a 35 MB object graph which takes seconds to rebuild in every process that links.
SQLite opens the file by mapping its pages and answers a key through its B-tree in microseconds,
so opening the index costs milliseconds and only what a query touches is ever decoded (a record
is one marshalled row). It is in Python's standard library on every platform and is the file
format its authors promise to read for decades, which no hand-rolled layout of ours could claim.
Tests and the online mode build small indexes the same way, in memory.
"""

from __future__ import annotations

import json
import marshal
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import chain, filterfalse, groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from exchange_kg.link.names import (
    acronym_key,
    content_words,
    forms,
    host_suffixes,
    key_shape,
)
from exchange_kg.link.ror_dump import RorName, RorRecord, RorRelationship
from exchange_kg.resolve.countries import place_key
from exchange_kg.resolve.names import canonical_key, canonical_words, place_tokens

# A word shared by more names than this within one country does not narrow the search.
MAX_POSTINGS = 400
# A domain listed by more records than this (a national academy's shared site) is no evidence.
MAX_DOMAIN_RECORDS = 5
# Cities that tell a country (``city_countries``): this many records, this share in one country.
CITY_MIN_RECORDS = 3
CITY_SHARE = 0.9

# The look-up tables, as stored in the ``lookup`` table's ``tab`` column.
KEYS, CANON, WORDS, ACRONYMS, DOMAINS, CHILDREN, CANON_WORDS = range(7)
_SEP = "\x1f"  # between a country and a word in a WORDS key
_BATCH = 500  # records fetched per statement by ``preload``

FORMAT = 4  # bump when the tables change; ``loading`` also keys the file by this code's digest


@dataclass(frozen=True)
class DumpInfo:
    """Which dump an index was built from: named in every link's provenance."""

    name: str  # file name only, never a path on the machine
    sha256: str
    size: int
    records: int
    schema_counts: dict[int, int] = field(default_factory=dict)


# One non-acronym name of a record with its readings: (value, kind, ((key, dropped), ...)), kind
# being display | label | alias.
IndexedName = tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]]
# The canonical words of the same name (``resolve.names.canonical_words``): (words, translated).
CanonicalName = tuple[tuple[str, ...], bool]


# A record's whole-name key with its ``key_shape``, the length of the shortest of the record's
# names with that key and that name's position in ``RorIndex.names`` (-1 for every key of a
# record that has a reading without a qualifier besides its whole names): what screening and
# scoring a query read of a record before its names (``screened_names``).
ScreenedName = tuple[str, str, str, int, str, int, int]

# A record's row as ``RorIndex._row`` reads it (see there).
_Row = tuple[str | None, str | None, str, bytes, bytes, bytes, bytes, str, bytes, int]
_ROW_SQL = ("SELECT country, city, status, place, names, canonical, record, id, screen, n "
            "FROM record WHERE ")


class IndexFileError(ValueError):
    """An index file that is not one this code wrote (damaged, another version)."""


# ----------------------------------------------------------------------------- building


class _Tables:
    """The look-up tables of a set of records, built in memory in one pass."""

    def __init__(self, records: Iterable[RorRecord]) -> None:
        self.records: list[RorRecord] = []
        self.by_id: dict[str, int] = {}
        self.names: list[tuple[IndexedName, ...]] = []
        self.canonical: list[tuple[CanonicalName, ...]] = []
        self.tables: list[dict[str, list[int]]] = [defaultdict(list) for _ in range(7)]
        self.country_words: dict[str, set[str]] = defaultdict(set)
        for record in records:
            self._add(record)
        self._finish_children()

    def _add(self, record: RorRecord) -> None:
        if record.id in self.by_id:  # a later version of a record replaces nothing: first wins
            return
        i = len(self.records)
        self.records.append(record)
        self.by_id[record.id] = i
        keys, canon, acronyms = self.tables[KEYS], self.tables[CANON], self.tables[ACRONYMS]
        country = record.country or ""
        indexed = []
        canonical = []
        words: set[str] = set()
        for name in record.names:
            if name.kind == "acronym":
                key = acronym_key(name.value)
                if key and i not in acronyms[key]:
                    acronyms[key].append(i)
                continue
            name_forms = tuple((f.key, f.dropped) for f in forms(name.value))
            if not name_forms:
                continue
            indexed.append((name.value, name.kind, name_forms))
            for key, _ in name_forms:
                hits = keys[key]
                if not hits or hits[-1] != i:
                    hits.append(i)
            words.update(content_words(name_forms[0][0]))
            cwords, native = canonical_words(name.value)
            canonical.append((cwords, native))
            ckey = canonical_key(name.value)
            if ckey:
                hits = canon[ckey]
                if not hits or hits[-1] != i:
                    hits.append(i)
        self.names.append(tuple(indexed))
        self.canonical.append(tuple(canonical))
        for word in sorted(words):
            self.tables[WORDS][country + _SEP + word].append(i)
        for word in sorted({w for cwords, _native in canonical for w in cwords}):
            self.tables[CANON_WORDS][word].append(i)
        self.country_words[country].update(words)
        for domain in sorted(_record_domains(record)):
            self.tables[DOMAINS][domain].append(i)
        for rel in record.relationships:
            if rel.type == "parent":
                self.tables[CHILDREN][rel.id].append(i)

    def _finish_children(self) -> None:
        """Add children that only their parent names (a "child" relationship without a mirror)."""
        children = self.tables[CHILDREN]
        for record in self.records:
            for rel in record.related("child"):
                j = self.by_id.get(rel.id)
                if j is not None:
                    kids = children[record.id]
                    if j not in kids:
                        kids.append(j)

    def country_keys(self) -> dict[str, tuple[list[str], list[int]]]:
        """Per country, the full-name key of every name with its record, in record order."""
        grouped: dict[str, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
        for i, record in enumerate(self.records):
            keys, owners = grouped[record.country or ""]
            for _value, _kind, name_forms in self.names[i]:
                keys.append(name_forms[0][0])
                owners.append(i)
        return grouped

    def city_countries(self) -> dict[str, str]:
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for rec in self.records:
            if rec.city and rec.country:
                counts[place_key(rec.city)][rec.country] += 1
        out: dict[str, str] = {}
        for city, by_country in counts.items():
            total = sum(by_country.values())
            country, n = max(by_country.items(), key=lambda kv: (kv[1], kv[0]))
            if len(city) >= 4 and total >= CITY_MIN_RECORDS and n >= CITY_SHARE * total:
                out[city] = country
        return dict(sorted(out.items()))


def full_keys(names: Iterable[IndexedName]) -> tuple[str, ...]:
    """The keys of a record's whole names (the first reading of each), without repeats: what
    a query's names are screened against (stored with the record when the index is written,
    so screening a record decodes none of its names)."""
    return tuple(dict.fromkeys(name_forms[0][0] for _value, _kind, name_forms in names))


def screened_names(names: Sequence[IndexedName]) -> tuple[ScreenedName, ...]:
    """``full_keys`` with the ``key_shape`` of each and its shortest name (see
    ``ScreenedName``), stored with the record: screening a query's ~80 candidate names a
    question would otherwise split and sort every one, and a record whose names pair with
    ours only by their plain ratio is scored without decoding its names."""
    bare = any(not dropped for _value, _kind, name_forms in names
               for _key, dropped in name_forms[1:])
    shortest: dict[str, tuple[int, int]] = {}
    for position, (value, _kind, name_forms) in enumerate(names):
        key = name_forms[0][0]
        if key not in shortest or len(value) < shortest[key][0]:
            shortest[key] = (len(value), -1 if bare else position)
    return tuple((key, *key_shape(key), *shortest[key]) for key in full_keys(names))


def _record_domains(record: RorRecord) -> set[str]:
    """Every domain a record's sites belong to (see ``host_suffixes``)."""
    out: set[str] = set()
    for value in record.domains + record.links:
        out.update(host_suffixes(value))
    return out


_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE record (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, country TEXT, city TEXT,
                     status TEXT NOT NULL, place BLOB NOT NULL, names BLOB NOT NULL,
                     canonical BLOB NOT NULL, record BLOB NOT NULL, screen BLOB NOT NULL);
CREATE TABLE lookup (tab INTEGER NOT NULL, key TEXT NOT NULL, hits BLOB NOT NULL,
                     PRIMARY KEY (tab, key)) WITHOUT ROWID;
CREATE TABLE country (code TEXT PRIMARY KEY, words BLOB NOT NULL, keys BLOB NOT NULL,
                      owners BLOB NOT NULL);
"""


def _fill(db: sqlite3.Connection, records: Iterable[RorRecord], info: DumpInfo | None) -> None:
    t = _Tables(records)
    meta = {"format": FORMAT, "marshal": marshal.version,
            "info": asdict(info) if info is not None else None,
            "records": len(t.records), "city_countries": t.city_countries()}
    with db:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       ((k, json.dumps(v, sort_keys=True)) for k, v in meta.items()))
        places: dict[str, bytes] = {}
        db.executemany("INSERT INTO record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            (i, rec.id, rec.country, rec.city, rec.status,
             places.get(rec.city or "") or places.setdefault(
                 rec.city or "", marshal.dumps(place_tokens(rec.city or ""))),
             marshal.dumps(t.names[i]), marshal.dumps(t.canonical[i]),
             marshal.dumps(_record_to_tuple(rec)), marshal.dumps(screened_names(t.names[i])))
            for i, rec in enumerate(t.records)))
        db.executemany("INSERT INTO lookup VALUES (?, ?, ?)", (
            (tab, key, marshal.dumps(hits))
            for tab, table in enumerate(t.tables) for key, hits in table.items()))
        keys = t.country_keys()
        db.executemany("INSERT INTO country VALUES (?, ?, ?, ?)", (
            (code, marshal.dumps(sorted(words)), marshal.dumps(keys[code][0]),
             marshal.dumps(keys[code][1]))
            for code, words in sorted(t.country_words.items())))


def write_index(records: Iterable[RorRecord], info: DumpInfo | None, path: Path) -> None:
    """Write the index of ``records`` to a new SQLite file at ``path`` (absent or empty;
    callers write to a temporary name and rename, so a reader never sees half a file)."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode = OFF")  # a failed write is a deleted temporary file
        db.execute("PRAGMA synchronous = OFF")
        _fill(db, records, info)
    finally:
        db.close()


def build_index(records: Iterable[RorRecord], info: DumpInfo | None = None) -> RorIndex:
    """An in-memory index over the records (the first version of a duplicated ID is kept)."""
    db = sqlite3.connect(":memory:", check_same_thread=False)
    _fill(db, records, info)
    return RorIndex(db)


def open_index(path: Path) -> RorIndex:
    """The index in a file ``write_index`` wrote; ``IndexFileError`` for anything else."""
    uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        db.execute("PRAGMA mmap_size = 268435456")
        return RorIndex(db)
    except sqlite3.Error as exc:
        raise IndexFileError(f"{Path(path).name}: not an index file ({exc})") from None


# ----------------------------------------------------------------------------- reading


class _Rows:
    """``index.records[i]`` / ``index.names[i]``: one part of the records, decoded on first
    use (scoring reads the names of many records, a candidate needs its whole record)."""

    def __init__(self, index: RorIndex, part: int, decode: Any) -> None:
        self._index, self._part, self._decode = index, part, decode
        self._done: dict[int, Any] = {}

    def __getitem__(self, i: int) -> Any:
        found = self._done.get(i)
        if found is None:
            found = self._done[i] = self._decode(self._index._row(i)[self._part])
        return found

    def __len__(self) -> int:
        return len(self._index)

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))


class RorIndex:
    """Records plus the look-up tables the matcher uses; ``records`` keep the dump's order.

    Read-only and safe to share between threads: rows and look-ups are decoded on first use and
    kept (a build asks about the same few thousand records again and again)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        try:
            meta = {k: json.loads(v) for k, v in db.execute("SELECT name, value FROM meta")}
        except (sqlite3.Error, ValueError) as exc:
            raise IndexFileError(f"not an index ({exc})") from None
        if meta.get("format") != FORMAT or meta.get("marshal") != marshal.version:
            raise IndexFileError("an index of another version")
        info = meta["info"]
        self.info = None if info is None else DumpInfo(
            **{**info, "schema_counts": {int(k): v for k, v in info["schema_counts"].items()}})
        self._len: int = meta["records"]
        self._city_countries: dict[str, str] = meta["city_countries"]
        self._rows: dict[int, _Row] = {}
        self._lookups: dict[tuple[int, str], list[int]] = {}
        self._sets: dict[str, frozenset[int]] = {}
        self._positions: dict[str, int | None] = {}
        self._countries: dict[str, tuple[list[str], list[str], list[int]]] = {}
        self._screened: dict[int, tuple[ScreenedName, ...]] = {}
        self._all_words: dict[frozenset[str], frozenset[int]] = {}
        self._place = _Rows(self, 3, marshal.loads)
        self.names: _Rows = _Rows(self, 4, marshal.loads)
        self._canonical = _Rows(self, 5, marshal.loads)
        self.records: _Rows = _Rows(self, 6, lambda data: _record_from_tuple(marshal.loads(data)))

    def _row(self, i: int) -> _Row:
        """(country, city, status, city as place tokens, names, canonical words, record, ROR
        ID, screened names, record number) of record ``i``, the four parts after the status
        and the screened names still encoded."""
        row = self._rows.get(i)
        if row is None:
            if not 0 <= i < self._len:
                raise IndexError(i)
            row = self._rows[i] = self._db.execute(_ROW_SQL + "n = ?", (i,)).fetchone()
        return row

    def preload(self, records: Iterable[int]) -> None:
        """Fetch the rows of many records in a few statements (a query's candidates)."""
        rows, screened, decode = self._rows, self._screened, marshal.loads
        todo = sorted(set(filterfalse(rows.__contains__, records)))
        for start in range(0, len(todo), _BATCH):
            part = todo[start:start + _BATCH]
            for row in self._db.execute(_ROW_SQL + f"n IN ({','.join('?' * len(part))})",
                                        part):
                rows[row[9]] = row
                if row[9] not in screened:  # a query's candidates are all screened
                    screened[row[9]] = decode(row[8])

    def countries_of(self, records: Iterable[int]) -> dict[int, str | None]:
        """Each record's country, in record order, their rows fetched in a few statements
        (``preload``): a query's candidates before they are screened."""
        records = sorted(set(records))
        rows = self._rows
        try:  # a query's candidates are mostly preloaded with its batch's
            found = list(map(rows.__getitem__, records))
        except KeyError:
            self.preload(records)
            found = list(map(rows.__getitem__, records))
        return dict(zip(records, map(itemgetter(0), found), strict=True))

    def _lookup(self, tab: int, key: str) -> list[int]:
        found = self._lookups.get((tab, key))
        if found is None:
            hit = self._db.execute("SELECT hits FROM lookup WHERE tab = ? AND key = ?",
                                   (tab, key)).fetchone()
            found = self._lookups[(tab, key)] = [] if hit is None else marshal.loads(hit[0])
        return found

    def _prefetch(self, asked: Iterable[tuple[int, str]]) -> None:
        """Answer many ``_lookup`` questions, (table, key) each, in a few statements: a batch
        of queries asks some thousands, and a statement per key costs several times what
        the key's row does."""
        found = self._lookups
        todo = sorted(set(filterfalse(found.__contains__, asked)))
        for tab, group in groupby(todo, key=itemgetter(0)):
            keys = [key for _tab, key in group]
            for start in range(0, len(keys), _BATCH):
                part = keys[start:start + _BATCH]
                hits = dict(self._db.execute(
                    f"SELECT key, hits FROM lookup WHERE tab = ? AND key IN "
                    f"({','.join('?' * len(part))})", (tab, *part)))
                for key in part:
                    data = hits.get(key)
                    found[(tab, key)] = [] if data is None else marshal.loads(data)

    def prefetch(self, keys: Iterable[str] = (), canonical: Iterable[str] = (),
                 words: Iterable[tuple[str, str]] = (), acronyms: Iterable[str] = (),
                 domains: Iterable[str] = (), canonical_words: Iterable[str] = ()) -> None:
        """Fetch the answers of ``by_key``, ``by_canonical``, ``with_word`` (country, word),
        ``by_acronym``, ``by_domain`` and ``with_canonical_words`` (its words) for many
        questions at once; asking them afterwards costs a dictionary look-up each."""
        self._prefetch(chain(((KEYS, k) for k in keys), ((CANON, k) for k in canonical),
                             ((WORDS, c + _SEP + w) for c, w in words),
                             ((ACRONYMS, acronym_key(a)) for a in acronyms),
                             ((DOMAINS, d) for d in domains),
                             ((CANON_WORDS, w) for w in canonical_words)))

    def _country(self, code: str) -> tuple[list[str], list[str], list[int]]:
        found = self._countries.get(code)
        if found is None:
            row = self._db.execute("SELECT words, keys, owners FROM country WHERE code = ?",
                                   (code,)).fetchone()
            found = ([], [], []) if row is None else tuple(map(marshal.loads, row))
            self._countries[code] = found
        return found

    # ------------------------------------------------------------------------- look-ups

    def __len__(self) -> int:
        return self._len

    def position(self, ror_id: str) -> int | None:
        """The record number of a ROR ID (None if the dump does not have it)."""
        if ror_id not in self._positions:
            hit = self._db.execute("SELECT n FROM record WHERE id = ?", (ror_id,)).fetchone()
            self._positions[ror_id] = None if hit is None else hit[0]
        return self._positions[ror_id]

    def get(self, ror_id: str) -> RorRecord | None:
        i = self.position(ror_id)
        return None if i is None else self.records[i]

    def full_keys(self, i: int) -> tuple[str, ...]:
        """The keys of record ``i``'s whole names (the first reading of each), without
        repeats: what a query's names are screened against."""
        return tuple(name[0] for name in self.screened(i))

    def screened_many(self, records: Sequence[int]) -> list[tuple[ScreenedName, ...]]:
        """``screened`` of each record (those ``preload`` fetched are decoded already)."""
        try:
            return list(map(self._screened.__getitem__, records))
        except KeyError:
            return list(map(self.screened, records))

    def screened(self, i: int) -> tuple[ScreenedName, ...]:
        """Record ``i``'s whole-name keys with their ``key_shape`` (``screened_names``),
        without decoding its names."""
        found = self._screened.get(i)
        if found is None:
            found = self._screened[i] = marshal.loads(self._row(i)[8])
        return found

    def canonical(self, i: int) -> tuple[CanonicalName, ...]:
        """The canonical words of record ``i``'s names, one per ``names[i]``, worked out when
        the index was built (scoring reads them for every candidate)."""
        return self._canonical[i]

    def country_of(self, i: int) -> str | None:
        """Record ``i``'s country, without decoding the record."""
        return self._row(i)[0]

    def city_of(self, i: int) -> str | None:
        """Record ``i``'s city, without decoding the record."""
        return self._row(i)[1]

    def id_of(self, i: int) -> str:
        """Record ``i``'s ROR ID, without decoding the record."""
        return self._row(i)[7]

    def status_of(self, i: int) -> str:
        """Record ``i``'s status, without decoding the record."""
        return self._row(i)[2]

    def status_and_id(self, i: int) -> tuple[str, str]:
        """Record ``i``'s status and ROR ID, without decoding the record (every hit's, when
        hits are ranked)."""
        row = self._row(i)
        return row[2], row[7]

    def statuses_and_ids(self, records: Sequence[int]) -> list[tuple[str, str]]:
        """``status_and_id`` of each record (a query's hits, ranked), their rows mostly
        fetched already."""
        try:
            rows = list(map(self._rows.__getitem__, records))
        except KeyError:
            rows = list(map(self._row, records))
        return list(map(itemgetter(2, 7), rows))

    def place_of(self, i: int) -> tuple[str, ...]:
        """Record ``i``'s city as place tokens (``resolve.names.place_tokens``; () without a
        city), worked out when the index was built: reading a city takes a full name parse."""
        return self._place[i]

    def by_key(self, key: str) -> list[int]:
        return self._lookup(KEYS, key)

    def by_canonical(self, key: str) -> list[int]:
        return self._lookup(CANON, key)

    def by_word(self, country: str, word: str) -> list[int]:
        """Records of one country whose names contain the word (empty if the word is common)."""
        hits = self.with_word(country, word)
        return hits if len(hits) <= MAX_POSTINGS else []

    def with_word(self, country: str, word: str) -> list[int]:
        """Every record of one country whose names contain the word."""
        return self._lookup(WORDS, country + _SEP + word)

    def with_canonical_words(self, words: Iterable[str]) -> frozenset[int]:
        """Records whose names, taken together, have every one of these canonical words."""
        asked = frozenset(words)
        found = self._all_words.get(asked)
        if found is None:
            ordered = sorted(asked, key=lambda w: (len(self._lookup(CANON_WORDS, w)), w))
            found = frozenset(self._lookup(CANON_WORDS, ordered[0])) if ordered else frozenset()
            for word in ordered[1:]:
                if not found:
                    break
                other = self._sets.get(word)
                if other is None:
                    other = self._sets[word] = frozenset(self._lookup(CANON_WORDS, word))
                found &= other
            self._all_words[asked] = found
        return found

    def by_acronym(self, acronym: str) -> list[int]:
        return self._lookup(ACRONYMS, acronym_key(acronym))

    def by_domain(self, domain: str) -> list[int]:
        """Records whose websites are on ``domain``; when many share it, only the one the
        others are all under (an institution and its labs on one site), else none."""
        hits = self._lookup(DOMAINS, domain)
        if len(hits) <= MAX_DOMAIN_RECORDS:
            return hits
        ids = set(map(self.id_of, hits))
        roots = [i for i in hits if not any(r.type == "parent" and r.id in ids
                                            for r in self.records[i].relationships)]
        return roots if len(roots) == 1 else []

    def city_countries(self) -> dict[str, str]:
        """City name (``resolve.countries.place_key``) -> the country its records are in, for
        cities with at least ``CITY_MIN_RECORDS`` records, ``CITY_SHARE`` of them in one
        country: a gazetteer for telling where a name's city is."""
        return self._city_countries

    def children_of(self, ror_id: str) -> list[int]:
        return self._lookup(CHILDREN, ror_id)

    def country_words(self, country: str) -> list[str]:
        """The words of one country's names, sorted, for finding a misspelt or transliterated
        word ("Afaisal", "Serikbayeva")."""
        return self._country(country)[0]

    def country_keys(self, country: str) -> tuple[list[str], list[int]]:
        """All full-name keys of one country with their records, for a typo-tolerant scan."""
        _words, keys, owners = self._country(country)
        return keys, owners


def _record_to_tuple(r: RorRecord) -> tuple[Any, ...]:
    return (r.id, tuple((n.value, n.kind, n.lang) for n in r.names), r.country, r.city,
            r.domains, r.links, r.wikidata, r.status,
            tuple((x.type, x.id, x.label) for x in r.relationships), r.types, r.schema)


def _record_from_tuple(t: tuple[Any, ...]) -> RorRecord:
    rid, names, country, city, domains, links, wikidata, status, rels, types, schema = t
    return RorRecord(rid, tuple(map(RorName._make, names)), country, city, domains, links,
                     wikidata, status, tuple(map(RorRelationship._make, rels)), types, schema)
