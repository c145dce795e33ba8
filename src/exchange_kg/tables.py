"""The tidy tables the mapper's decisions produce, and the graph rules turn into triples.

Every value in a row is a plain string, already decided: an IRI, a literal's lexical form, a
language tag, or ``""`` for "not stated" (which yields no triple). Every multi-valued field
has a table of its own, so a row is one fact and each table is a CSV file an RML processor
can read as it stands (``exchange_kg.rml``).
"""

from __future__ import annotations

import csv
from pathlib import Path

from exchange_kg.records import FIELDS

# table -> its columns, in order; the rules file may name these columns and no others
TABLES: dict[str, tuple[str, ...]] = {
    "documents": ("iri", "identifier", "title", "label", "language", "publisher",
                  "as_of_date", "as_of_gyearmonth", "as_of_gyear", "original_file_name",
                  "file_name", "sha256", "notes"),
    "languages": ("iri",),
    "records": ("iri", "document", "raw_text"),
    "record_lines": ("record", "line"),
    "record_locations": ("record", "location"),
    # each record's raw fields as read (records.FIELDS), for rules that publish one; filled
    # only when the rules use the table
    "record_fields": ("record", *FIELDS),
    "agreements": ("iri", "home_institution", "home", "label", "level", "status",
                   "start_date", "start_gyearmonth", "start_gyear", "start_year",
                   "end_date", "end_gyearmonth", "end_gyear", "open_ended", "duration",
                   "auto_renewal", "tuition_waiver", "student_exchange_quota"),
    "agreement_partners": ("agreement", "partner"),
    "agreement_institutions": ("agreement", "institution"),
    "agreement_kinds": ("agreement", "kind"),
    "agreement_sources": ("agreement", "document"),
    "agreement_records": ("agreement", "record"),
    # a remark as a row states it, in the language of its document
    "agreement_remarks": ("agreement", "remark", "language"),
    "quotas": ("iri", "agreement", "mobility", "places"),
    "organisations": ("iri", "pref_label", "known_as", "address", "country", "unit_of"),
    "org_types": ("org", "type"),
    "org_alt_labels": ("org", "label"),
    # a city in the language its spelling shows, or (column ``city``) in no known language
    "org_cities": ("address", "city", "city_in_language", "language"),
    "org_urls": ("org", "url"),
    "org_erasmus_codes": ("org", "code"),
    "org_members": ("org", "member"),
    "org_parents": ("org", "parent"),
    "links": ("org", "node", "ror", "ror_id", "wikidata", "wikidata_id", "method", "score",
              "matched_name", "source", "curated", "editorial_note"),
    "link_successors": ("org", "successor"),
    "replacements": ("old", "new"),
}

Row = tuple[str, ...]
Tables = dict[str, list[Row]]


def empty_tables() -> Tables:
    return {name: [] for name in TABLES}


def write_csv(tables: Tables, folder: Path) -> list[Path]:
    """Each table as ``<name>.csv`` (a header row, then its rows; RFC 4180 quoting, so a
    value with a newline or a comma stays one cell)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, columns in TABLES.items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(tables.get(name, ()))
        paths.append(path)
    return paths
