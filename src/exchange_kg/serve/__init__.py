"""``exchange-kg serve``: the graph on the web.

A SPARQL 1.1 endpoint, dereferenceable IRIs, downloads and pages for people, over a persistent
pyoxigraph store built from the build's N-Quads. Queries from clients run in worker processes
that open the store read-only, so a runaway query can be killed without stopping the server.
"""

from __future__ import annotations

from exchange_kg.serve.store import build_store

__all__ = ["build_store"]
