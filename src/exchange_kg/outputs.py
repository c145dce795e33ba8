"""Write a build's files into the output folder (``dist/`` by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph

from exchange_kg import dumps, jsonld, report
from exchange_kg.iris import Minter
from exchange_kg.pipeline import BuildResult
from exchange_kg.validate import Validation
from exchange_kg.vocab import PREFIXES

# name -> what it is; the README's table of outputs is checked against this in the tests
FILES = {
    "exchange-kg.ttl": "the whole dataset (data, ontology, concept schemes) as prefixed Turtle",
    "exchange-kg.nt": "the whole dataset as N-Triples (sorted lines)",
    "exchange-kg.nt.gz": "the same, gzip-compressed",
    "exchange-kg.jsonld": "the whole dataset as JSON-LD, compacted with the published context",
    "exchange-kg.nq": "one named graph per source document, plus the ontology, as N-Quads",
    "exchange-kg.nq.gz": "the same, gzip-compressed",
    "ontology.ttl": "the exchange-agreement ontology (OWL) with its SKOS concept schemes",
    "report.md": "the data-quality report for people",
    "report.json": "the same report for scripts",
    "validation.ttl": "the full SHACL validation report",
}
# written too when the build links to ROR (a dump was given)
LINK_FILES = {
    "ror-links.csv": "every linked institution: ROR ID, Wikidata QID, score, method, dump",
    "ror-review.csv": "institutions for a curator: ambiguous or unmatched, with candidates",
    "ror-link-summary.json": "linked / ambiguous / no match, per source",
}


def write_outputs(
    build: BuildResult,
    validation: Validation | None,
    out_dir: Path,
    ontology: Graph,
    ontology_path: Path,
    base: str,
) -> dict[str, Any]:
    minter = Minter(base)
    nt_path = out_dir / "exchange-kg.nt"
    # the dumps stream to disk: at 1000x scale they are gigabytes. The complete dumps carry
    # the ontology and its concept schemes too, so that a level or a kind arrives with labels.
    ontology_lines = dumps.ntriples_lines(ontology)
    dumps.write_lines_atomic(nt_path, dumps.merge_sorted(build.graph.sorted_lines(),
                                                         ontology_lines),
                             out_dir / "exchange-kg.nt.gz")
    views = {minter.named("graph", sid): subjects for sid, subjects in build.source_views.items()}
    ontology_graph = (minter.named("graph", "ontology"), ontology_lines)
    dumps.write_lines_atomic(out_dir / "exchange-kg.nq",
                             dumps.nquads_lines(build.graph, views, [ontology_graph]),
                             out_dir / "exchange-kg.nq.gz")
    dumps.turtle_file(nt_path, out_dir / "exchange-kg.ttl",
                      {p: str(ns) for p, ns in PREFIXES.items()})
    dumps.write_lines_atomic(out_dir / "exchange-kg.jsonld", jsonld.dump_lines(nt_path))
    rep = report.build_report(build, validation, base)
    files = {
        "ontology.ttl": ontology_path.read_bytes(),
        "report.md": report.to_markdown(rep),
        "report.json": report.to_json(rep),
    }
    if validation is not None:
        files["validation.ttl"] = dumps.graph_turtle(validation.report)
    for name, data in files.items():
        dumps.write_atomic(out_dir / name, data)
    return rep
