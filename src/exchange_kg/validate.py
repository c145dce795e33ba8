"""SHACL validation with pyshacl, summarised for people and kept in full for machines."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from exchange_kg.vocab import SH

SHAPES_DIR_NAME = "shapes"


@dataclass
class Validation:
    conforms: bool
    report: Graph  # the full SHACL validation report graph
    violations: int
    warnings: int
    summary: list[tuple[int, str]]  # (count, "severity shape path: message"), most first

    def text(self, limit: int = 15) -> str:
        if self.conforms and not self.warnings:
            return "SHACL: the graph conforms (0 violations, 0 warnings)"
        head = (f"SHACL: {'conforms' if self.conforms else 'DOES NOT CONFORM'}: "
                f"{self.violations} violation(s), {self.warnings} warning(s)")
        rows = [f"  {n:5d} x {what}" for n, what in self.summary[:limit]]
        if len(self.summary) > limit:
            rows.append(f"  ... and {len(self.summary) - limit} more kinds of result")
        return "\n".join([head, *rows])


def load_shapes(shapes_dir: Path) -> Graph:
    shapes = Graph()
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"{shapes_dir}: no SHACL shape files (*.ttl)")
    for path in files:
        shapes.parse(path, format="turtle")
    return shapes


def validate(data: Graph, shapes: Graph) -> Validation:
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    counts: Counter[str] = Counter()
    severities: Counter[URIRef] = Counter()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        sev = report.value(result, SH.resultSeverity)
        severities[sev] += 1
        shape = _short(report, report.value(result, SH.sourceShape))
        path = _short(report, report.value(result, SH.resultPath))
        message = report.value(result, SH.resultMessage) or ""
        counts[f"{_short(report, sev)} {shape} {path}: {message}"] += 1
    summary = sorted(((n, what) for what, n in counts.items()), key=lambda t: (-t[0], t[1]))
    return Validation(
        conforms=bool(conforms),
        report=report,
        violations=severities[SH.Violation],
        warnings=severities[SH.Warning] + severities[SH.Info],
        summary=summary,
    )


def _short(graph: Graph, term: object) -> str:
    if term is None:
        return "-"
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:
            return str(term)
    return str(term)
