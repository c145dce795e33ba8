"""A W3C Reconciliation Service API (0.2 and the 1.0 draft) over the built graph.

People linking their own partner lists reconcile a column of names in OpenRefine (or any other
client of the API) against the institutions and agreements of this graph, then pull ROR IDs,
Wikidata QIDs, countries, units and agreement counts into new columns. ``catalogue`` reads
what the graph says, ``adapter`` is the build's matcher (``resolve`` and ``link``), ``matching``
ranks and decides, ``protocol`` speaks the two API versions, ``extension`` and ``suggest``
serve data extension and auto-completion, ``service`` the HTTP routes.
"""

from exchange_kg.serve.reconcile.service import routes

__all__ = ["routes"]
