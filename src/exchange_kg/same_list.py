"""Two documents of a build that are one list in two files (a PDF and the workbook it was
printed from, a workbook and its CSV export): each would publish every agreement again, under
a list of its own, and nothing in the graph would say the second is a copy. The build stops
and names both files; a user who has the same list twice wants it once.

Documents are compared by their rows as read and normalised (partners, countries, dates,
places, kinds, every field the rows state), not by their bytes or cells: a PDF and a
spreadsheet of one list share no bytes, and a date written two ways is one date. Two
editions of a list are declared by giving their mappings the same ``list:``; such documents
merge (:mod:`.merge`) and are never compared here.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from exchange_kg.records import SourceError

if TYPE_CHECKING:
    from exchange_kg.agreements import Agreement
    from exchange_kg.manifest import Document

# the share of each document's rows the other holds for the two to be one list: a PDF reading
# may differ from its workbook's on a row or two; two lists that merely overlap (all partners,
# and those in Asia) do not reach it on both sides
SHARE = 0.8
# fewer rows than this prove nothing (two lists of one or two partners may well agree)
FEWEST = 3
# a row found in more documents than this identifies no list (a bare partner name)
COMMON = 50


def row_key(agreement: Agreement) -> Hashable:
    """What a row states, written the same whichever file it was read from."""
    parties = tuple(sorted((" ".join(re.sub(r"[\W_]+", " ", p.name.casefold()).split()),
                            p.country or "", tuple(sorted(p.units))) for p in agreement.parties))
    return (parties, agreement.level, agreement.home_unit, agreement.consortium,
            agreement.start, agreement.end, agreement.open_ended, agreement.duration_years,
            agreement.auto_renewal, tuple(sorted(agreement.kinds)), agreement.status,
            agreement.quota, agreement.waiver)


def row_keys(agreements: Iterable[Agreement]) -> frozenset[bytes]:
    """A document's rows as the comparison sees them: a digest of each :func:`row_key` (the
    text of its values, which are strings, numbers, dates and tuples of them, so equal keys
    and equal texts go together). Made where the document is read and kept with its
    reading in the build cache, so that a rebuild compares the unchanged documents without
    going through their agreements again."""
    return frozenset(hashlib.blake2b(repr(row_key(a)).encode("utf-8", "surrogatepass"),
                                     digest_size=16).digest() for a in agreements)


def same_lists(documents: Sequence[tuple[Document, str, list[Agreement]]]
               ) -> list[tuple[Document, Document, int]]:
    """The pairs of documents (with their list ids and agreements) of different lists whose
    rows are the same, with how many rows they share."""
    return same_rows([(doc, list_id, row_keys(agreements))
                      for doc, list_id, agreements in documents])


def same_rows(documents: Sequence[tuple[Document, str, AbstractSet[Hashable]]]
              ) -> list[tuple[Document, Document, int]]:
    """:func:`same_lists` of documents given with their rows' keys (:func:`row_keys`)."""
    rows = [keys for _, _, keys in documents]
    where: dict[Hashable, list[int]] = {}
    for k, keys in enumerate(rows):
        for key in keys:
            where.setdefault(key, []).append(k)
    shared: Counter[tuple[int, int]] = Counter()
    for found in where.values():
        if 1 < len(found) <= COMMON:
            shared.update(itertools.combinations(found, 2))
    out = []
    for (i, j), n in sorted(shared.items()):
        if documents[i][1] != documents[j][1] and n >= FEWEST \
                and n >= SHARE * len(rows[i]) and n >= SHARE * len(rows[j]):
            out.append((documents[i][0], documents[j][0], n))
    return out


def check_same_lists(documents: Sequence[tuple[Document, str, AbstractSet[Hashable]]]) -> None:
    """Stop the build when two documents are one list in two files (see module doc); each
    document comes with its list id and its rows' keys (:func:`row_keys`)."""
    pairs = same_rows(documents)
    if not pairs:
        return
    counts = {doc.id: len(keys) for doc, _, keys in documents}
    a, b, n = pairs[0]
    more = f" (and {len(pairs) - 1} more such pair(s))" if len(pairs) > 1 else ""
    shared = (f"all {n} rows of each read the same" if counts[a.id] == counts[b.id] == n
              else f"{n} rows read the same, of its {counts[a.id]} and the other's "
                   f"{counts[b.id]}")
    raise SourceError(
        str(a.path), None,
        f"holds the same agreements as {b.path} ({shared}): one list in two files would "
        f"publish every agreement twice{more}. Keep one of them in the manifest (documents "
        f"{a.id!r} and {b.id!r}), or, if they are two editions of one list, give both "
        "mappings the same `list:` so that their agreements merge")
