"""Between minted IRIs and this server's paths.

The server answers for the path part of every IRI the build mints: a request for
``/agreement/x`` is about ``{base}agreement/x``, whatever host the request reached (a
``w3id.org`` redirect, a reverse proxy, or ``127.0.0.1`` during development). The ontology and
its concept schemes live under a fixed namespace; when the data base differs from it, their
paths are looked up there as well.
"""

from __future__ import annotations

from urllib.parse import quote

from exchange_kg.vocab import ONTOLOGY_IRI

# the root of the fixed ontology/vocabulary namespaces
NAMESPACE_ROOT = ONTOLOGY_IRI.rsplit("/", 1)[0] + "/"


class Paths:
    def __init__(self, base: str) -> None:
        self.base = base
        self.roots = (base,) if base == NAMESPACE_ROOT else (base, NAMESPACE_ROOT)

    def iris_for(self, path: str) -> list[str]:
        """The IRIs a request path may name, most likely first (``path`` without "/")."""
        return [root + path for root in self.roots]

    def local(self, iri: str) -> str | None:
        """This server's path for ``iri`` (keeping a ``#fragment``), or None if it is not
        one the server answers for."""
        for root in self.roots:
            if iri.startswith(root):
                rest = iri[len(root):]
                path, hash_, fragment = rest.partition("#")
                return "/" + quote(path, safe="/-._~") + (hash_ + fragment if hash_ else "")
        return None

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` should point in a page: here if the server answers for it,
        else the IRI itself if it is a web address. Values come from the source documents, so
        anything else (``javascript:``, ``data:``) becomes an inert ``#``."""
        local = self.local(iri)
        if local is not None:
            return local
        return iri if iri.lower().startswith(("http://", "https://")) else "#"
