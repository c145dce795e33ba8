"""Write a build's files into the output folder (``dist/`` by default).

Everything goes into a fresh folder that replaces the output folder in one step
(:mod:`exchange_kg.output_folder`), so the folder always holds one whole build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from exchange_kg import dumps, jsonld, output_folder, report
from exchange_kg.iris import Minter
from exchange_kg.pipeline import BuildResult
from exchange_kg.validate import Validation, validate
from exchange_kg.vocab import PREFIXES

# name -> what it is; the README's table of outputs is checked against this in the tests
FILES = {
    "exchange-kg.ttl": "the whole dataset (data, ontology, concept schemes) as prefixed Turtle",
    "exchange-kg.nt": "the whole dataset as N-Triples (sorted lines)",
    "exchange-kg.nt.gz": "the same, gzip-compressed",
    "exchange-kg.jsonld": "the whole dataset as JSON-LD, compacted with the published context",
    "exchange-kg.nq": "one named graph per source document, plus the ontology and the concept "
                      "schemes, as N-Quads",
    "exchange-kg.nq.gz": "the same, gzip-compressed",
    "ontology.ttl": "the exchange-agreement ontology (OWL)",
    "vocabularies.ttl": "its controlled values (level, kind, status, mobility) as SKOS concept "
                        "schemes",
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
STORE = "store"  # the query store (exchange_kg.serve.store)
# what a build writes into the output folder: anything else there is not ours to replace
KNOWN = {*FILES, *LINK_FILES, STORE}


@dataclass(frozen=True)
class Ontology:
    """A file of the ontology (the OWL terms, or the concept schemes) and its parsed graph."""

    graph: Graph
    path: Path


def write_build(
    build: BuildResult,
    shapes: Graph | None,
    out_dir: Path,
    ontology: Ontology,
    vocabularies: Ontology,
    base: str,
    timings: dict[str, float] | None = None,
    progress: Callable[[str], None] = lambda msg: None,
    max_record_drop: float = report.DEFAULT_MAX_RECORD_DROP,
) -> tuple[dict[str, Any], Validation | None]:
    """Validate the build against ``shapes`` (None: not at all), write it whole (files, query
    store, link files) and switch ``out_dir`` to it.

    The query store is loaded once, in the new folder: the graph first, which validation's
    SHACL-SPARQL rules query; then the N-Quads dump as it is written, in the background while
    the other files are written. Returns the report, which compares each document's records
    with the build it replaces, and the validation. A kill or an error at any moment leaves
    ``out_dir`` as it was.
    """
    import time

    from exchange_kg.serve.store import NewStore

    timings = timings if timings is not None else {}
    previous = report.load_previous(out_dir)
    with output_folder.staged(out_dir, KNOWN) as folder:
        t = time.perf_counter()
        store = NewStore(folder)
        try:
            store.load_data(build.graph.chunks())
            store_seconds = time.perf_counter() - t
            validation = None
            if shapes is not None:
                progress("validating against the SHACL shapes ...")
                t = time.perf_counter()
                validation = validate(store.store, shapes, graph=build.graph)
                timings["validate"] = time.perf_counter() - t
            t = time.perf_counter()
            minter = Minter(base)
            write_dumps(build, folder, ontology, vocabularies, minter)
            store.start_named_graphs()
            rep = write_outputs(build, validation, folder, ontology, vocabularies, base,
                                previous, max_record_drop)
            timings["write"] = time.perf_counter() - t
            t = time.perf_counter()
            progress("building the query store ...")
            store.finish([minter.named("graph", "ontology"),
                          minter.named("graph", "vocabularies")])
        except BaseException:
            store.abandon()
            raise
        timings["store"] = store_seconds + time.perf_counter() - t
        if build.links is not None:
            from exchange_kg.link.runner import write_run

            write_run(build.links, folder)
    return rep, validation


def write_dumps(build: BuildResult, out_dir: Path, ontology: Ontology, vocabularies: Ontology,
                minter: Minter) -> None:
    """The N-Triples and N-Quads dumps and their gzip twins: the files everything else
    (Turtle, JSON-LD, the query store) is made from."""
    nt_path = out_dir / "exchange-kg.nt"
    # the dumps stream to disk: at 1000x scale they are gigabytes. The complete dumps carry
    # the ontology and its concept schemes too, so that a level or a kind arrives with labels.
    ontology_lines = dumps.ntriples_lines(ontology.graph)
    vocabulary_lines = dumps.ntriples_lines(vocabularies.graph)
    dumps.write_chunks_atomic(nt_path, dumps.merge_by_subject(
        build.graph.chunks(), list(dumps.merge_sorted(ontology_lines, vocabulary_lines))),
        out_dir / "exchange-kg.nt.gz")
    views = {minter.named("graph", sid): subjects for sid, subjects in build.source_views.items()}
    # the schemes get a graph of their own, as a file of their own: documentation tools read
    # the ontology's graph and show one ontology, not the ontology and four schemes merged
    extra = [(minter.named("graph", "ontology"), ontology_lines),
             (minter.named("graph", "vocabularies"), vocabulary_lines)]
    dumps.write_chunks_atomic(out_dir / "exchange-kg.nq",
                              dumps.nquads_chunks(build.graph, views, extra),
                              out_dir / "exchange-kg.nq.gz")


def write_outputs(
    build: BuildResult,
    validation: Validation | None,
    out_dir: Path,
    ontology: Ontology,
    vocabularies: Ontology,
    base: str,
    previous: dict[str, Any] | None = None,
    max_record_drop: float = report.DEFAULT_MAX_RECORD_DROP,
) -> dict[str, Any]:
    """The build's files besides the dumps (:func:`write_dumps`, written first) into
    ``out_dir`` (a fresh folder: see :func:`write_build`)."""
    nt_path = out_dir / "exchange-kg.nt"
    dumps.turtle_file(nt_path, out_dir / "exchange-kg.ttl",
                      {p: str(ns) for p, ns in PREFIXES.items()})
    dumps.write_lines_atomic(out_dir / "exchange-kg.jsonld", jsonld.dump_lines(nt_path))
    rep = report.build_report(build, validation, base, previous, max_record_drop)
    files = {
        "ontology.ttl": ontology.path.read_bytes(),
        "vocabularies.ttl": vocabularies.path.read_bytes(),
        "report.md": report.to_markdown(rep),
        "report.json": report.to_json(rep),
    }
    if validation is not None:
        files["validation.ttl"] = dumps.graph_turtle(validation.report)
    for name, data in files.items():
        dumps.write_atomic(out_dir / name, data)
    return rep
