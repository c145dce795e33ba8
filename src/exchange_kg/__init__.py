"""exchange-kg: academic exchange agreements as a validated knowledge graph."""

__version__ = "0.1.0"
