"""The build: sources -> readers -> records -> agreements -> graph -> validation -> outputs.

Each stage is a function of the previous one's result; ``build`` wires them and reports
progress through a callback so the CLI can show it and tests can stay quiet.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from exchange_kg import readers
from exchange_kg.agreements import Agreement, build_agreements
from exchange_kg.iris import DEFAULT_BASE, Minter
from exchange_kg.link.online import RorApiClient
from exchange_kg.link.ror_index import RorIndex
from exchange_kg.link.runner import LinkRun
from exchange_kg.link.stage import CURATION_FILE, resolve_and_link
from exchange_kg.manifest import Document, load_manifest
from exchange_kg.mapper import GraphBuilder
from exchange_kg.mapping_spec import Mapping, Section, load_mappings
from exchange_kg.merge import merge_agreements
from exchange_kg.normalise.country import parse_country
from exchange_kg.normalise.partner import institution_key, parse_partner
from exchange_kg.records import (
    LineDisposition,
    LineStatus,
    ReadContext,
    ReaderResult,
    SelfCheck,
    SourceError,
)
from exchange_kg.resolve import Cluster, mentions_from_agreements, resolve

Progress = Callable[[str], None]


@dataclass
class SourceResult:
    document: Document
    mapping: Mapping
    lines: list[str]
    result: ReaderResult
    # the mapping section each record was read under, parallel to result.records
    sections: list[Section] = field(default_factory=list)

    @property
    def non_blank(self) -> list[int]:
        return [i + 1 for i, text in enumerate(self.lines) if text.strip()]


@dataclass
class BuildResult:
    sources: list[SourceResult]
    agreements: list[Agreement]
    graph: Graph
    source_graphs: dict[str, Graph]
    builder: GraphBuilder
    timings: dict[str, float] = field(default_factory=dict)
    clusters: list[Cluster] = field(default_factory=list)
    links: LinkRun | None = None  # None when linking was not asked for

    @property
    def checks(self) -> list[tuple[str, SelfCheck]]:
        return [(s.document.id, c) for s in self.sources for c in s.result.checks]


def read_lines(path: Path) -> list[str]:
    """The document's lines, numbered as an editor numbers them (only "\\n" ends a line)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(str(path), line, f"not valid UTF-8 ({exc.reason})") from None
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln.removesuffix("\r") for ln in lines]


def read_source(
    doc: Document, mapping: Mapping, context: ReadContext | None = None
) -> SourceResult:
    """Run every section's reader over the document and account for every line."""
    lines = read_lines(doc.path)
    combined = ReaderResult()
    sections: list[Section] = []
    for section in mapping.sections:
        result = readers.get(section.reader).read(lines, doc.id, section.options, context)
        sections.extend(section for _ in result.records)
        combined.records.extend(result.records)
        combined.checks.extend(result.checks)
        for line, disp in result.dispositions.items():
            _merge_disposition(combined, disp)
            if disp.status is LineStatus.RECORD and not 1 <= line <= len(lines):
                raise SourceError(str(doc.path), line, "reader used a line past the end")
    for rec in combined.records:
        for line in rec.lines:
            _merge_disposition(combined, LineDisposition(line, LineStatus.RECORD, "row"))
    for i, text in enumerate(lines, start=1):
        if text.strip() and i not in combined.dispositions:
            combined.mark(i, LineStatus.UNREADABLE, "unaccounted",
                          "no reader of this document's mapping accounted for this line")
    return SourceResult(doc, mapping, lines, combined, sections)


def known_countries(sources: list[SourceResult]) -> dict[str, tuple[str, ...]]:
    """Institution key -> countries of rows that carry their own, unflagged country label."""
    found: dict[str, set[str]] = {}
    for src in sources:
        for rec, section in zip(src.result.records, src.sections, strict=True):
            label = rec.fields.get("country", "")
            if not label or any(f.field == "country" for f in rec.flags):
                continue
            match = parse_country(label, fuzzy=False)
            rule = section.fields.get("partner")
            if match is None or rule is None or "partner" not in rec.fields:
                continue
            value, _ = parse_partner(rec.fields["partner"], rule.options.get("notation", "auto"))
            for party in value.parties:
                found.setdefault(institution_key(party.institution), set()).add(match.code)
    return {key: tuple(sorted(codes)) for key, codes in sorted(found.items())}


def _merge_disposition(result: ReaderResult, disp: LineDisposition) -> None:
    """First word wins, except that use in a record beats any other account of a line."""
    current = result.dispositions.get(disp.line)
    if current is None or (
        disp.status is LineStatus.RECORD and current.status is not LineStatus.RECORD
    ):
        result.dispositions[disp.line] = disp


def build(
    sources_dir: Path,
    mappings_dir: Path,
    base: str = DEFAULT_BASE,
    progress: Progress = lambda msg: None,
    ror_index: RorIndex | None = None,
    ror_client: RorApiClient | None = None,
    curation_path: Path | None = None,
) -> BuildResult:
    """Build the graph; with a ROR index (or API client), link institutions to ROR too."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    documents = load_manifest(sources_dir / "manifest.yaml")
    mappings = load_mappings(mappings_dir)
    unmapped = [d.id for d in documents if d.id not in mappings]
    if unmapped:
        raise SourceError(str(mappings_dir), None,
                          f"no mapping file for source(s) {', '.join(unmapped)}")
    extra = sorted(set(mappings) - {d.id for d in documents})
    if extra:
        raise SourceError(str(sources_dir / "manifest.yaml"), None,
                          f"mapping(s) for unknown source(s) {', '.join(extra)}")

    sources: list[SourceResult] = []
    for i, doc in enumerate(documents, start=1):
        progress(f"[{i}/{len(documents)}] reading {doc.file_name}")
        sources.append(read_source(doc, mappings[doc.id]))
    # Second look for readers that infer a country from layout: where another document names
    # the same institution under an explicit country, that is evidence.
    context = ReadContext(known_countries(sources))
    for i, src in enumerate(sources):
        if any(readers.get(s.reader).uses_context for s in src.mapping.sections):
            progress(f"re-reading {src.document.file_name} with evidence from the other lists")
            sources[i] = read_source(src.document, src.mapping, context)
    timings["read"] = time.perf_counter() - t0

    t = time.perf_counter()
    agreements: list[Agreement] = []
    for src in sources:
        for rec, section in zip(src.result.records, src.sections, strict=True):
            agreements.extend(
                build_agreements(rec, section, src.mapping.list_id, src.document.publisher.key)
            )
    merged = merge_agreements(agreements, [d.id for d in documents])
    timings["normalise"] = time.perf_counter() - t
    progress(f"normalised {sum(len(s.result.records) for s in sources)} records into "
             f"{len(merged)} agreements")

    t = time.perf_counter()
    mentions = mentions_from_agreements(merged)
    links: LinkRun | None = None
    if ror_index is None and ror_client is None:
        clusters = resolve(mentions)
    else:
        clusters, links = resolve_and_link(
            mentions, merged, curation_path or mappings_dir / CURATION_FILE, ror_index,
            ror_client, progress)
    timings["resolve+link" if links else "resolve"] = time.perf_counter() - t
    progress(f"resolved {len(mentions)} partner mentions into {len(clusters)} institutions")

    t = time.perf_counter()
    builder = GraphBuilder(Minter(base), documents, clusters, links)
    for doc in documents:
        builder.document(doc)
    for a in merged:
        builder.agreement(a)
    builder.finish()
    source_graphs = builder.source_graphs()
    timings["map"] = time.perf_counter() - t
    progress(f"mapped to {len(builder.graph)} triples")
    return BuildResult(sources, merged, builder.graph, source_graphs, builder, timings, clusters,
                       links)
