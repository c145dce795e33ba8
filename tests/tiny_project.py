"""A one-document project written into a temporary folder, for tests that build a list.

Tests that exercise the whole path (reader, normalisers, mapper) need a manifest, a document
and a mapping file; writing them here keeps each test down to the rows and mapping it is about.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

DOC_ID = "tiny-list"

# A table of country and partner cells, units after commas (partner tests share it).
PARTNER_TABLE = """source: tiny-list
list: tiny-list
sections:
  - name: partners
    reader: {name: simple-table, options: {columns: [country, partner]}}
    fields:
      country: country
      partner: {normalise: partner, notation: comma}
    constants: {}
"""


def write_project(root: Path, document: str, mapping: str, *, file_name: str = "list.tsv",
                  language: str = "en") -> Path:
    """Write ``sources/`` (manifest and document) and ``mappings/`` under ``root``."""
    (root / "sources").mkdir(parents=True, exist_ok=True)
    (root / "mappings").mkdir(parents=True, exist_ok=True)
    (root / "sources" / file_name).write_text(document, encoding="utf-8")
    (root / "sources" / "manifest.yaml").write_text(
        f"""documents:
  - id: {DOC_ID}
    file: {file_name}
    title: null
    label: "a list written by a test"
    language: {language}
    publisher: {{known_as: "the publisher of a test list", key: tiny-publisher}}
    as_of: null
    original_file_name: {file_name}
""", encoding="utf-8")
    (root / "mappings" / f"{DOC_ID}.yaml").write_text(mapping, encoding="utf-8")
    return root


def build_graph(root: Path) -> Graph:
    """Build the project and return its graph as rdflib parses the N-Triples dump."""
    from exchange_kg import pipeline

    result = pipeline.build(root / "sources", root / "mappings")
    return Graph().parse(data="\n".join(result.graph.lines()), format="nt")
