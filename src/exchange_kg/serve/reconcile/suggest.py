"""Suggest services: auto-completion of entities, types and properties as a user types.

Entities are found by prefix: of any spelling, or of any word onwards ("tokyo" finds "The
University of Tokyo"), case and accents aside; an identifier (ours, a ROR ID, a QID) finds its
entity. Spellings that start with the prefix come before those with a word that does, then the
shorter name, then the name.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from exchange_kg.serve.reconcile import adapter
from exchange_kg.serve.reconcile.catalogue import Catalogue
from exchange_kg.serve.reconcile.extension import properties_for
from exchange_kg.serve.reconcile.matching import AGREEMENT, INSTITUTION, describe
from exchange_kg.serve.reconcile.protocol import MATCH_PROPERTIES, TYPES, Term, type_json

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
# entries looked at past the first match of a prefix, at most
SCAN = 2000


class Suggester:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        entries: set[tuple[str, bool, str, str]] = set()  # (text from a word on, whole, type, id)
        for inst in catalogue.institutions:
            for label in inst.labels:
                self._add(entries, label, INSTITUTION, inst.id)
        for a in catalogue.agreements:
            self._add(entries, a.name, AGREEMENT, a.id)
        self.entries = sorted(entries)
        self.keys = [e[0] for e in self.entries]

    @staticmethod
    def _add(entries: set[tuple[str, bool, str, str]], label: str, type_id: str,
             entity_id: str) -> None:
        words = adapter.fold(label).split()
        for k in range(len(words)):
            entries.add((" ".join(words[k:]), k == 0, type_id, entity_id))

    def entities(self, prefix: str, type_id: str | None, offset: int,
                 limit: int) -> list[dict[str, object]]:
        cat = self.catalogue
        direct = self._by_identifier(prefix)
        key = " ".join(adapter.fold(prefix).split())
        found: dict[str, tuple[bool, str]] = {}  # id -> (whole, type)
        start = bisect.bisect_left(self.keys, key)
        for text, whole, kind, entity_id in self.entries[start:start + SCAN]:
            if not text.startswith(key):
                break
            if type_id and kind != type_id:
                continue
            if not found.get(entity_id, (False,))[0]:
                found[entity_id] = (whole, kind)

        def name(entity_id: str, kind: str) -> str:
            if kind == INSTITUTION:
                return cat.institution[entity_id].name
            return cat.agreement[entity_id].name

        ranked = sorted(found.items(), key=lambda x: (not x[1][0], len(name(x[0], x[1][1])),
                                                      name(x[0], x[1][1]).casefold(), x[0]))
        ids = list(dict.fromkeys([*direct, *(i for i, _ in ranked)]))
        out = []
        for entity_id in ids[offset:offset + min(limit, MAX_LIMIT)]:
            inst, agr = cat.institution.get(entity_id), cat.agreement.get(entity_id)
            if inst is not None:
                out.append({"id": inst.id, "name": inst.name, "description": describe(inst),
                            "notable": [type_json(TYPES[0])]})
            elif agr is not None:
                out.append({"id": agr.id, "name": agr.name, "notable": [type_json(TYPES[1])]})
        return out

    def _by_identifier(self, text: str) -> list[str]:
        cat = self.catalogue
        local = cat.local_id(text)
        if local in cat.institution or local in cat.agreement:
            return [local]
        ror, qid = adapter.ror_id(text), adapter.wikidata_id(text)
        if ror:
            return [i.id for i in cat.by_ror.get(ror.rsplit("/", 1)[-1], ())]
        if qid:
            return [i.id for i in cat.by_wikidata.get(qid, ())]
        return []


def _matching(terms: Iterable[Term], prefix: str, offset: int,
              limit: int) -> list[dict[str, object]]:
    key = adapter.fold(prefix).strip()
    found = [t for t in terms if not key or any(
        w.startswith(key) for w in (adapter.fold(t.id), *adapter.fold(t.name).split(),
                                    adapter.fold(t.name)))]
    out = []
    for t in found[offset:offset + min(limit, MAX_LIMIT)]:
        item: dict[str, object] = {"id": t.id, "name": t.name}
        if t.description:
            item["description"] = t.description
        out.append(item)
    return out


def types(prefix: str, offset: int, limit: int) -> list[dict[str, object]]:
    return _matching(TYPES, prefix, offset, limit)


def properties(catalogue: Catalogue, prefix: str, offset: int,
               limit: int) -> list[dict[str, object]]:
    """Properties a query can give and properties ``extend`` fetches, each once."""
    terms = {t.id: t for t in MATCH_PROPERTIES}
    for t in (*properties_for(INSTITUTION, catalogue), *properties_for(AGREEMENT, catalogue)):
        terms.setdefault(t.id, t)
    return _matching(terms.values(), prefix, offset, limit)
