"""Write a build's files into the output folder (``dist/`` by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph

from exchange_kg import dumps, report
from exchange_kg.iris import Minter
from exchange_kg.pipeline import BuildResult
from exchange_kg.validate import Validation

# name -> what it is; the README's table of outputs is checked against this in the tests
FILES = {
    "exchange-kg.ttl": "the whole graph as prefixed Turtle",
    "exchange-kg.nt": "the whole graph as N-Triples (sorted lines)",
    "exchange-kg.nt.gz": "the same, gzip-compressed",
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
    nt = dumps.ntriples(build.graph)
    named = [(minter.named("graph", sid), g) for sid, g in sorted(build.source_graphs.items())]
    named.append((minter.named("graph", "ontology"), ontology))
    nq = dumps.nquads(named)
    rep = report.build_report(build, validation, base)
    files = {
        "exchange-kg.ttl": dumps.turtle(build.graph),
        "exchange-kg.nt": nt,
        "exchange-kg.nt.gz": dumps.gzipped(nt),
        "exchange-kg.nq": nq,
        "exchange-kg.nq.gz": dumps.gzipped(nq),
        "ontology.ttl": ontology_path.read_bytes(),
        "report.md": report.to_markdown(rep),
        "report.json": report.to_json(rep),
    }
    if validation is not None:
        files["validation.ttl"] = dumps.turtle(validation.report)
    for name, data in files.items():
        dumps.write_atomic(out_dir / name, data)
    return rep
