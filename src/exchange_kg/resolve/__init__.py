"""Entity resolution: the institutions that partner lists name, one cluster per institution.

``resolve(mentions)`` groups mentions of the same institution across sources and spellings:
``names`` reduces names to comparable forms, ``score`` says when two names (and the rows
behind them) mean one institution, ``cluster`` forms clusters without chaining, ``label``
picks the preferred label and the stable cluster id; ``mentions`` turns agreements into
mentions.
"""

from exchange_kg.resolve.cluster import resolve
from exchange_kg.resolve.mentions import mention_key, mentions_from_agreements
from exchange_kg.resolve.model import Cluster, Mention

__all__ = ["Cluster", "Mention", "mention_key", "mentions_from_agreements", "resolve"]
