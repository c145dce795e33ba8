"""Minting IRIs that stay the same across rebuilds and source edits.

An IRI is derived from what identifies the thing (an institution's name as the sources spell
it and its country; an agreement's list, parties, home unit and start), never from row or line
numbers, so inserting a row elsewhere in a source changes nothing. A readable slug keeps IRIs
recognisable; a short hash of the full key keeps them unique.

What a key may depend on is deliberately little: the words as written, folded by
:func:`identity_key`, a fixed rule of this module. It must not depend on the reviewed
vocabularies (``resolve/data``) or the name parser, which improve all the time: a better
translation table is no reason for an identifier to change.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DEFAULT_BASE = "https://w3id.org/exchange-kg/"
KEY_SEPARATOR = "\x1f"


# Letters Unicode does not decompose into a base letter and an accent. Part of the identity
# rule: changing this table moves IRIs (see ``resolve/data/replaced-iris.tsv``).
_FOLD_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae",
                               "œ": "oe", "þ": "th", "ð": "d"})


@lru_cache(maxsize=1 << 16)
def identity_key(text: str) -> str:
    """The words of ``text`` folded for identity: case, accents, punctuation and spacing
    removed, words joined by "-" ("Università di Pisa" and "UNIVERSITA' DI PISA" ->
    ``universita-di-pisa``). Letters of any script are kept (a Chinese name keeps its
    characters), with the marks that are letters of their script: the vowel signs and
    viramas of Indic, Thai, Khmer or Myanmar words and the dakuten of kana (on the letters
    from U+0900 on, but for the Latin and Greek ones of U+1E00-U+1FFF), where the marks of
    Latin, Greek, Cyrillic, Hebrew and Arabic letters are accents and go. Nothing is
    translated, expanded or dropped."""
    text = unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD_LETTERS)
    kept: list[str] = []
    base = ""
    for c in text:
        if not unicodedata.category(c).startswith("M"):
            base = c
            kept.append(c if c.isalnum() else " ")
        elif base >= "\u0900" and not "\u1e00" <= base <= "\u1fff" and base.isalnum():
            kept.append(c)
        elif not unicodedata.combining(c):
            kept.append(" ")  # a spacing mark of another script parts words, as it did
    return "-".join("".join(kept).split())


class Minter:
    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not base.endswith(("/", "#")):
            base += "/"
        self.base = base

    def iri(self, kind: str, slug_text: str, *key: str) -> str:
        """IRI for a thing of ``kind`` identified by ``key`` (slug_text only decorates)."""
        digest = hashlib.blake2b(
            KEY_SEPARATOR.join((kind, *key)).encode("utf-8"), digest_size=5
        ).hexdigest()
        slug = slugify(slug_text)
        local = f"{slug}-{digest}" if slug else digest
        return f"{self.base}{kind}/{local}"

    def institution(self, cluster_id: str) -> str:
        """The IRI of a resolved institution (``resolve.Cluster.id``): the slug is the
        identity key in the id, a collision suffix (after "#") only enters the hash."""
        slug_text = cluster_id.partition("/")[2].partition("#")[0]
        return self.iri("institution", slug_text, cluster_id)

    def named(self, kind: str, local: str) -> str:
        """IRI for a thing that already has a stable identifier (a source id, a graph)."""
        return f"{self.base}{kind}/{local}"


@lru_cache(maxsize=1 << 16)  # names repeat across agreements and lists
def slugify(text: str, limit: int = 48) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = "".join(c.lower() if c.isascii() and c.isalnum() else " " for c in text).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug


# ---------------------------------------------------------------------- published IRIs

REPLACED_FILE = "replaced-iris.tsv"
REPLACED_COLUMNS = ("old", "new", "reason")
# an IRI's path under the base: a kind, then its local name
_LOCAL = re.compile(r"^(institution|unit|consortium|agreement)/[a-z0-9][a-z0-9-]*$")


def _family(path: str) -> str:
    """What may replace what: an organisation may change class (a "unit" found to be an
    institution of its own), an agreement stays an agreement."""
    kind = path.split("/", 1)[0]
    return "organisation" if kind in ("institution", "unit") else kind


@dataclass(frozen=True)
class Replacement:
    """A published IRI (its path under the base) and the one that now stands for it."""

    old: str
    new: str
    reason: str
    where: str  # file:line


def published_replacements(text: str | None = None,
                           name: str = f"resolve/data/{REPLACED_FILE}") -> list[Replacement]:
    """The rows of ``resolve/data/replaced-iris.tsv`` (or of ``text``).

    The file is reviewed data about the project's own identifiers: IRIs an earlier build
    published that the current minting no longer makes, each with the IRI that stands for it
    now. Every build states them as ``dcterms:isReplacedBy`` so that old links keep working.
    A malformed file is refused with ``file:line`` for every error."""
    if text is None:
        text = resources.files("exchange_kg.resolve").joinpath(
            "data", REPLACED_FILE).read_text("utf-8")
    rows: list[Replacement] = []
    errors: list[str] = []
    header_seen = False
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        where = f"{name}:{n}"
        if not header_seen:
            header_seen = True
            if tuple(cells) != REPLACED_COLUMNS:
                errors.append(f"{where}: the header must be {'<tab>'.join(REPLACED_COLUMNS)}")
            continue
        if len(cells) != len(REPLACED_COLUMNS):
            errors.append(f"{where}: {len(cells)} tab-separated cells, not "
                          f"{len(REPLACED_COLUMNS)}")
            continue
        old, new, reason = cells
        bad = [c for c in (old, new) if not _LOCAL.match(c)]
        if bad:
            errors.append(f"{where}: {bad[0]!r} is no IRI path under the base "
                          "(institution/…, unit/…, consortium/…, agreement/…)")
        elif old == new:
            errors.append(f"{where}: {old!r} replaced by itself")
        elif _family(old) != _family(new):
            errors.append(f"{where}: {old!r} replaced by a different kind of thing")
        if not reason.strip():
            errors.append(f"{where}: no reason")
        rows.append(Replacement(old, new, reason, where))
    first: dict[str, str] = {}
    for r in rows:
        if r.old in first:
            errors.append(f"{r.where}: {r.old!r} already replaced at {first[r.old]}")
        first.setdefault(r.old, r.where)
    for r in rows:
        if r.new in first:
            errors.append(f"{r.where}: a chain: {r.new!r} is itself replaced at {first[r.new]}")
    if errors:
        raise ValueError("\n".join(errors))
    return rows
