"""Resolution's entries in the build cache: what each country's mentions give, between builds.

Countries are resolved independently (mentions are never merged across one), so a rebuild
after one list changed need only resolve again the countries whose mentions changed. An entry
is keyed by exactly what its value is a function of (the country's mentions as resolution
reads them, the curator's ``different`` decisions, the code version through
``build_cache.key_of``) and lives among the documents' entries, so it is bounded, pruned,
checked and bypassed (``--no-cache``) like them. The build names the cache for the span of
resolution with :func:`using`: resolution is reached through linking, which need not know.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the build cache imports linking, which imports resolution
    from exchange_kg.build_cache import DocumentCache


@dataclass
class ResolveCache:
    """The build cache as resolution uses it; ``hits`` and ``misses`` count the countries
    whose clusters were (not) found in it."""

    store: DocumentCache
    hits: int = 0
    misses: int = 0

    @staticmethod
    def entry(kind: str, country: str | None, facts: object) -> str:
        """The entry name for ``kind`` of ``country``, a function of ``facts`` (their repr)."""
        from exchange_kg.build_cache import key_of  # see the imports

        digest = hashlib.sha256(repr(facts).encode("utf-8", "surrogateescape")).hexdigest()
        return key_of("resolve", kind, country or "", digest)

    def load(self, entry: str, valid: Callable[[object], bool]) -> object | None:
        """The entry's value if there is one and ``valid`` says it is what was kept."""
        body = self.store.get(entry)
        if body is None:
            return None
        with contextlib.suppress(Exception):  # an entry that does not unpickle is no entry
            value = pickle.loads(body)
            if valid(value):
                return value
        return None

    def keep(self, entry: str, value: object) -> None:
        self.store.put(entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


_current: ContextVar[ResolveCache | None] = ContextVar("resolve_cache", default=None)


def current() -> ResolveCache | None:
    """The cache resolution runs with (see :func:`using`), if any."""
    return _current.get()


@contextmanager
def using(cache: ResolveCache | None) -> Iterator[ResolveCache | None]:
    """Resolve with ``cache`` within the block."""
    token = _current.set(cache)
    try:
        yield cache
    finally:
        _current.reset(token)


__all__ = ["ResolveCache", "current", "using"]
