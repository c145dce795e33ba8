"""SHACL validation, summarised for people and kept in full for machines.

SHACL Core constraints are checked by :mod:`exchange_kg.shacl`, subject by subject in one pass
over the graph: linear, where pyshacl-turbo (Rust, reading the store as one N-Quads string)
grew 16x for 10x the data and pySHACL on an rdflib graph took 14 s for the bundled graph.

SHACL-SPARQL constraints are run here, on the store: evaluating each constraint once over
the whole graph, with the shape's target joined into the query, gives the same results (SHACL
1.0 §5.3.1: the query's solutions with ``$this`` bound to each focus node) in 1.5 s at 10x,
where pyshacl-turbo took 9 s and pySHACL, per focus node, minutes.

``tests/test_shapes.py`` runs every broken-graph case through this, pyshacl-turbo and pySHACL
alone (``engine="pyshacl"``, the reference), so the shapes mean the same under each."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
import pyshacl
import pyshacl_turbo
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF

from exchange_kg import shacl, sparql_reach, verdicts
from exchange_kg.triples import TripleGraph
from exchange_kg.vocab import SH
from exchange_kg.yamlfile import DataFileError


@dataclass
class Validation:
    conforms: bool
    violations: int
    warnings: int
    summary: list[tuple[int, str]]  # (count, "severity shape path: message"), most first
    # the report as Turtle, when the build it replaces wrote the same (verdicts.Reuse)
    turtle: bytes | None = None
    _report: Graph | None = field(default=None, repr=False)
    # makes the report graph when it is first asked for: a rebuild whose results are the
    # previous build's takes their summary and Turtle from it and never needs the graph
    _make: Callable[[], Graph] | None = field(default=None, repr=False)

    @property
    def report(self) -> Graph:
        """The full SHACL validation report graph."""
        if self._report is None:
            assert self._make is not None
            self._report, self._make = self._make(), None
        return self._report

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
    """Every ``*.ttl`` of the folder in one graph; a file that does not parse is an error
    naming it and its line."""
    files = sorted(shapes_dir.glob("*.ttl"))
    if not files:
        raise DataFileError(f"{shapes_dir}: no SHACL shape files (*.ttl)")
    shapes = Graph()
    for path in files:
        parse_turtle(path, into=shapes)
    _check_sparql(shapes, files)
    return shapes


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    """A Turtle file (the ontology, a shapes file) as a graph, or a :class:`DataFileError`
    naming the file and the line where it stops being Turtle."""
    try:
        # pyoxigraph's parser reports where the syntax breaks; rdflib's often does not
        for _ in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE,
                                  base_iri=path.resolve().as_uri()):
            pass
    except SyntaxError as exc:
        line = f":{exc.lineno}" if exc.lineno else ""
        message = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc).split(" (")[0]
        raise DataFileError(f"{path}{line}: not valid Turtle: {message}") from None
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        return (into if into is not None else Graph()).parse(path, format="turtle")
    except Exception as exc:  # noqa: BLE001 - rdflib raises parser-specific types
        raise DataFileError(f"{path}: not valid Turtle: {exc}") from None


def _check_sparql(shapes: Graph, files: list[Path]) -> None:
    """Every SHACL-SPARQL constraint must parse: a broken one would otherwise fail (or be
    skipped) only when validation runs, far from the file that holds it."""
    for node, query in shapes.subject_objects(SH.select):
        try:
            pyoxigraph.Store().query(_prefixes(shapes, node) + "\n"
                                     + _THIS.sub("?this", str(query)))
        except SyntaxError as exc:
            where = _file_stating(files, str(query))
            raise DataFileError(f"{where}: sh:select is not valid SPARQL: "
                                f"{str(exc).splitlines()[0]}") from None


def _file_stating(files: list[Path], text: str) -> str:
    """``file:line`` of the shapes file whose text contains ``text`` (its first line)."""
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if first and first in line:
                return f"{path}:{n}"
    return str(files[0].parent)


def store_of(graph: Graph) -> pyoxigraph.Store:
    """An rdflib graph (parsed from a user's file in any syntax) as an in-memory store."""
    store = pyoxigraph.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"),
                    format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


ENGINES = ("native", "turbo", "pyshacl")


def validate(data: pyoxigraph.Store, shapes: Graph, engine: str = "native",
             graph: TripleGraph | None = None, reuse: verdicts.Reuse | None = None
             ) -> Validation:
    """Validate the store's default graph against the shapes.

    ``engine="native"`` checks SHACL Core subject by subject (:mod:`exchange_kg.shacl`) on
    ``graph`` (the same triples as the store's default graph; read from the store when not
    given) and runs the SHACL-SPARQL constraints on the store. Shapes using a Core feature it
    does not implement go to pyshacl-turbo instead. ``engine="turbo"`` runs pyshacl-turbo,
    which reads the store as one N-Quads text; ``engine="pyshacl"`` the reference
    implementation, on an rdflib copy of the graph: minutes for a thousand agreements (it
    evaluates SPARQL constraints per focus node), but useful to cross-check a surprising
    result. With ``reuse`` (native engine), the Core verdicts of the previous build are
    reused for subjects whose inputs did not change, and this build's kept in it
    (:mod:`exchange_kg.verdicts`).
    """
    if engine == "native":
        try:
            compiled = shacl.Shapes(_core(shapes))
        except shacl.Unsupported:
            engine = "turbo"
    if engine == "native":
        triples = graph if graph is not None else TripleGraph.of_store(data)
        core = verdicts.check_all(compiled, shacl.Data(triples.block, triples.subjects,
                                                       triples.subjects_stating), reuse)
        try:
            sparql = _sparql_results(data, shapes, reuse)
        finally:
            if reuse is not None:
                reuse.release()

        def make(conforms: bool | None = None) -> Graph:
            report = _empty_report()
            node = _report_node(report)
            shacl.add_results(report, node, core, shapes)
            for row in sparql:
                _add_result(report, node, *row)
            if conforms is not None:
                report.set((node, SH.conforms, Literal(conforms)))
            return report

        if reuse is not None:
            reuse.key_report([_canon(shapes, _found(*row)) for row in sparql])
            kept = reuse.kept_summary()
            if kept is not None:  # the previous build's results: its summary holds
                conforms, violations, warnings, summary = kept
                reuse.note_summary(kept)
                return Validation(conforms, violations, warnings, summary,
                                  _make=lambda: make(conforms))
        report = make()
    elif engine == "turbo":
        _, report, _ = pyshacl_turbo.validate(data, shacl_graph=_core(shapes),
                                              inference="none", allow_warnings=True)
        _add_sparql_results(data, shapes, report)
    elif engine == "pyshacl":
        graph = Graph().parse(data=data.dump(format=pyoxigraph.RdfFormat.N_TRIPLES,
                                             from_graph=pyoxigraph.DefaultGraph()),
                              format="nt")
        _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none",
                                        allow_warnings=True)
    else:
        raise ValueError(f"unknown SHACL engine {engine!r}; choose one of {', '.join(ENGINES)}")
    counts: Counter[str] = Counter()
    severities: Counter[URIRef] = Counter()
    # only the report's own results: some carry nested detail results of their own
    report_node = _report_node(report)
    for result in report.objects(report_node, SH.result):
        sev = report.value(result, SH.resultSeverity)
        severities[sev] += 1
        shape = _short(shapes, report.value(result, SH.sourceShape))
        path = _short(shapes, report.value(result, SH.resultPath))
        message = report.value(result, SH.resultMessage) or ""
        counts[f"{_short(shapes, sev)} {shape} {path}: {message}"] += 1
    conforms = severities[SH.Violation] == 0
    report.set((report_node, SH.conforms, Literal(conforms)))
    summary = sorted(((n, what) for what, n in counts.items()), key=lambda t: (-t[0], t[1]))
    warnings = severities[SH.Warning] + severities[SH.Info]
    if engine == "native" and reuse is not None:
        reuse.note_summary((conforms, severities[SH.Violation], warnings, summary))
    return Validation(conforms, severities[SH.Violation], warnings, summary, _report=report)


def _report_node(report: Graph) -> object:
    return next(iter(report.subjects(RDF.type, SH.ValidationReport)))


def _empty_report() -> Graph:
    report = Graph()
    report.bind("sh", SH)
    report.add((BNode(), RDF.type, SH.ValidationReport))
    return report


_THIS = re.compile(r"\$this\b")
_VAR_IN_MESSAGE = re.compile(r"\{[?$](\w+)\}")


def _targets(shapes: Graph, shape: URIRef) -> list[tuple[str, list[tuple[object, ...]]]]:
    """SPARQL patterns binding ?this to the shape's focus nodes, each with the triple
    patterns it reads (for :class:`sparql_reach.Reach`; a class's subclasses are read too,
    which only a change of the data's ``rdfs:subClassOf`` statements can change)."""
    this = sparql_reach.THIS
    pats: list[tuple[str, list[tuple[object, ...]]]] = [
        (f"?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{c}> .",
         [(this, RDF.type, c)]) for c in shapes.objects(shape, SH.targetClass)]
    pats += [(f"?this <{p}> ?__o .", [(this, p, Variable("__o"))])
             for p in shapes.objects(shape, SH.targetSubjectsOf)]
    pats += [(f"?__s <{p}> ?this .", [(Variable("__s"), p, this)])
             for p in shapes.objects(shape, SH.targetObjectsOf)]
    pats += [(f"VALUES ?this {{ <{n}> }}", []) for n in shapes.objects(shape, SH.targetNode)]
    return pats


def _prefixes(shapes: Graph, constraint: URIRef) -> str:
    lines = []
    for decl_owner in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(decl_owner, SH.declare):
            prefix = shapes.value(decl, SH.prefix)
            ns = shapes.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(set(lines)))


def _canon(shapes: Graph, row: tuple[object, ...]) -> str:
    """A SHACL-SPARQL result as text that is the same in every parse of the shapes."""
    return " ".join(verdicts.canon(shapes, t) if isinstance(t, (URIRef, BNode)) else str(t)
                    for t in row)


def _add_sparql_results(store: pyoxigraph.Store, shapes: Graph, report: Graph
                        ) -> None:
    """Each SHACL-SPARQL constraint's results into the report."""
    node = _report_node(report)
    for row in _sparql_results(store, shapes):
        _add_result(report, node, *row)


SparqlResult = tuple[URIRef, URIRef, URIRef, Literal | None, dict[str, object]]


def _sparql_results(store: pyoxigraph.Store, shapes: Graph,
                    reuse: verdicts.Reuse | None = None) -> list[SparqlResult]:
    """Each SHACL-SPARQL constraint's results, as :func:`_add_result` takes them (shape,
    constraint, severity, message, each variable's value by name). With ``reuse``, a
    constraint whose query :class:`sparql_reach.Reach` can bound runs only for the focus
    nodes a changed subject can reach; the previous build's results for the others are
    kept; this build's go into ``reuse.made`` for the next."""
    found: list[SparqlResult] = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        if (shapes.value(constraint, SH.deactivated) or Literal(False)).toPython():
            continue
        select = str(shapes.value(constraint, SH.select))
        severity = shapes.value(shape, SH.severity) or SH.Violation
        message = shapes.value(constraint, SH.message)
        where = select.index("{")
        prefixes = _prefixes(shapes, constraint)
        for k, (target, patterns) in enumerate(_targets(shapes, shape)):
            # The focus nodes as a sub-select, each once: joined in as a plain pattern,
            # Oxigraph evaluated a UNION in the constraint (xkgsh:Unit-notAnInstitution)
            # against every unit for every institution, 34 s at 10x instead of 0.04 s.
            head = prefixes + "\n" + _THIS.sub("?this", select[:where])
            tail = _THIS.sub("?this", select[where + 1:])

            def run(values: str = "", head: str = head, tail: str = tail,
                    target: str = target) -> list[Row]:
                return _rows(store.query(head + "{ { SELECT DISTINCT ?this WHERE { "
                                         + values + target + " } } " + tail))

            key = _sparql_key(shapes, shape, constraint, k, target) if reuse else None
            rows = None
            if reuse is not None and key is not None:
                rows = reuse.sparql_rows(key, store, prefixes + "\n" + _THIS.sub("?this", select),
                                         patterns, run)
            if rows is None:
                rows = run()
            if reuse is not None and reuse.made is not None and key is not None:
                reuse.made.sparql[key] = rows
            found.extend((shape, constraint, severity, message,
                          dict(zip(names, terms, strict=True))) for names, terms in rows)
    return found


def _found(shape: URIRef, constraint: URIRef, severity: URIRef, message: Literal | None,
           values: dict[str, object]) -> tuple[object, ...]:
    """A SHACL-SPARQL result as the report's key reads it: shape, constraint, then each
    variable's name and value."""
    return (shape, constraint, *(f"{n}={v}" for n, v in values.items()))


Row = tuple[tuple[str, ...], tuple[object, ...]]  # a result: variable names, their values


def _rows(results: pyoxigraph.QuerySolutions) -> list[Row]:
    names = tuple(v.value for v in results.variables)
    return [(names, tuple(row[n] for n in names)) for row in results]


def _sparql_key(shapes: Graph, shape: object, constraint: object, k: int, target: str
                ) -> str | None:
    """A constraint's run against one target, named alike in every parse of the shapes."""
    try:
        return (f"{verdicts.canon(shapes, shape)} {verdicts.canon(shapes, constraint)} "
                f"{k} {target}")
    except verdicts.Unkeyable:
        return None


def _add_result(report: Graph, report_node: object, shape: URIRef, constraint: URIRef,
                severity: URIRef, message: Literal | None, values: dict[str, object]) -> None:
    result = BNode()
    report.add((report_node, SH.result, result))
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.focusNode, _rdf(values["this"])))
    report.add((result, SH.resultSeverity, severity))
    report.add((result, SH.sourceShape, shape))
    report.add((result, SH.sourceConstraint, constraint))
    report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    if values.get("value") is not None:
        report.add((result, SH.value, _rdf(values["value"])))
    if values.get("path") is not None:
        report.add((result, SH.resultPath, _rdf(values["path"])))
    if message is not None:
        def fill(m: re.Match[str]) -> str:
            term = values.get(m.group(1))
            return str(term.value) if term is not None else m.group(0)

        text = _VAR_IN_MESSAGE.sub(fill, str(message))
        report.add((result, SH.resultMessage, Literal(text, lang=message.language)))


def _rdf(term: object) -> URIRef | BNode | Literal:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    assert isinstance(term, pyoxigraph.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _core(shapes: Graph) -> Graph:
    """The shapes without their SPARQL constraints (run by ``_add_sparql_results``)."""
    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    return core


def _short(graph: Graph, term: object, depth: int = 0) -> str:
    """A term of the shapes graph for people. A blank node's label is new in every parse,
    so an anonymous shape is named by the shape holding it (``[] of xkgsh:Parent``) and
    the summary is the same in every build."""
    if term is None:
        return "-"
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:
            return str(term)
    if isinstance(term, BNode):
        parent = graph.value(predicate=SH.property, object=term)
        return ("[]" if parent is None or depth > 20
                else f"[] of {_short(graph, parent, depth + 1)}")
    return str(term)
