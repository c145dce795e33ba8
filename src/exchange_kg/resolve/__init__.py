"""Entity resolution: the institutions that partner lists name, one cluster per institution.

``resolve(mentions)`` groups mentions of the same institution across sources and spellings:
``names`` reduces names to comparable forms, ``score`` says when two names (and the rows
behind them) mean one institution, ``cluster`` forms clusters without chaining, ``label``
picks the preferred label and the stable cluster id, ``identity`` merges clusters that a ROR
record, a website or a curator says are one; ``mentions`` turns agreements (and named hosts)
into mentions.
"""

from exchange_kg.resolve.cluster import resolve
from exchange_kg.resolve.identity import merge_clusters
from exchange_kg.resolve.mentions import (
    mention_key,
    mentions_from_agreements,
    publisher_key,
    publisher_mentions,
)
from exchange_kg.resolve.model import Cluster, Decision, Mention

__all__ = ["Cluster", "Decision", "Mention", "mention_key", "mentions_from_agreements",
           "merge_clusters", "publisher_key", "publisher_mentions", "resolve"]
