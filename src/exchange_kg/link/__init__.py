"""Linking institutions to ROR (and through ROR to Wikidata).

``load_dump`` reads a ROR data dump into an index, ``match`` proposes candidates for one
institution and links it only when one candidate alone is highly probable, ``apply_curation``
applies a curator's reviewed decisions, ``write_review`` writes what a person should look at.
``match_online`` does the same with the ROR API instead of a dump (opt-in).
"""

from exchange_kg.link.curation import (
    Curation,
    CurationError,
    CurationRow,
    apply_curation,
    load_curation,
)
from exchange_kg.link.loading import default_cache_dir, load_dump
from exchange_kg.link.matcher import (
    Candidate,
    InstitutionQuery,
    MatchResult,
    match,
    match_all,
    match_unit,
)
from exchange_kg.link.online import OnlineError, RorApiClient, match_online
from exchange_kg.link.review import read_review, review_csv, write_review
from exchange_kg.link.ror_dump import DumpError, RorRecord, canonical_ror_id, read_records
from exchange_kg.link.ror_index import DumpInfo, RorIndex, build_index
from exchange_kg.link.summary import format_summary, summarise

__all__ = [
    "Candidate", "Curation", "CurationError", "CurationRow", "DumpError", "DumpInfo",
    "InstitutionQuery", "MatchResult", "OnlineError", "RorApiClient", "RorIndex", "RorRecord",
    "apply_curation", "build_index", "canonical_ror_id", "default_cache_dir", "load_curation",
    "load_dump", "match", "match_all", "match_online", "match_unit", "read_records",
    "read_review", "review_csv", "format_summary", "summarise", "write_review",
]
