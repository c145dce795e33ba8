"""Minting IRIs that stay the same across rebuilds and source edits.

An IRI is derived from what identifies the thing (an institution's normalised name and
country; an agreement's list, parties, home unit and start), never from row or line numbers,
so inserting a row elsewhere in a source changes nothing. A readable slug keeps IRIs
recognisable; a short hash of the full key keeps them unique.
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

DEFAULT_BASE = "https://w3id.org/exchange-kg/"
KEY_SEPARATOR = "\x1f"


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
