"""SHACL Core, checked subject by subject over N-Triples terms: linear in the graph.

Why not a SHACL engine over a store: pyshacl-turbo takes its data graph as one N-Quads string
of the whole store (a copy as large as the graph, then its own dataset built from it) and grew
16x for 10x the data; pySHACL evaluates per focus node in Python objects. Our shapes check
what one subject states (cardinalities, datatypes, value sets, patterns, language tags) and
the classes of the nodes it points to. Those are checks of one subject's block of triples
plus a look-up of another subject's types, so one pass over the subjects, in any order, checks
them all; the shapes' SPARQL constraints (cross-entity rules) are run by
:mod:`exchange_kg.validate` as whole-graph queries on the store.

Shapes are compiled once into checks. A shapes graph using a SHACL Core feature this module
does not implement raises :class:`Unsupported`, so the caller can fall back to a complete
engine instead of silently skipping a rule. ``tests/test_shapes.py`` runs every broken-graph
case through this engine, pyshacl-turbo and pySHACL.

Results follow SHACL's validation report vocabulary as pySHACL writes it: focus node, path,
value (for value-level components), source shape, component, severity and the shape's
messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from exchange_kg.vocab import SH

_XSD = str(XSD)
_RDF_TYPE = f"<{RDF.type}>"
_SUBCLASS = f"<{RDFS.subClassOf}>"
_LANG_STRING = str(RDF.langString)
_STRING = _XSD + "string"


class Unsupported(Exception):
    """The shapes use a SHACL feature this engine does not check."""


# -- terms as N-Triples text ---------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[tbnrf\"'\\])")
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
           "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _SIMPLE.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), text)


@lru_cache(maxsize=1 << 16)
def literal_parts(term: str) -> tuple[str, str, str | None]:
    """A literal term's lexical form, datatype IRI and language tag."""
    end = term.rindex('"')
    lexical = _unescape(term[1:end])
    rest = term[end + 1:]
    if not rest:
        return lexical, _STRING, None
    if rest[0] == "@":
        return lexical, _LANG_STRING, rest[1:].lower()
    return lexical, rest[3:-1], None


def term_text(term: str) -> str | None:
    """``str()`` of a term as SPARQL's STR gives it: an IRI's text, a literal's lexical form;
    None for a blank node."""
    if term[0] == "<":
        return _unescape(term[1:-1])
    if term[0] == '"':
        return literal_parts(term)[0]
    return None


def n3(term: object) -> str:
    """An rdflib term of the shapes graph in the data's N-Triples form (pyoxigraph's canonical
    one: ``"JP"^^xsd:string`` is written ``"JP"``, as RDF 1.1 says they are one term)."""
    import pyoxigraph

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    if term.language:
        return str(pyoxigraph.Literal(str(term), language=term.language))
    datatype = str(term.datatype) if term.datatype else _STRING
    return str(pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(datatype)))


def rdf_term(term: str) -> URIRef | BNode | Literal:
    """An N-Triples term as an rdflib term, for the report graph."""
    if term[0] == "<":
        return URIRef(_unescape(term[1:-1]))
    if term.startswith("_:"):
        return BNode(term[2:])
    lexical, datatype, lang = literal_parts(term)
    if lang:
        return Literal(lexical, lang=lang)
    return Literal(lexical, datatype=None if datatype == _STRING else URIRef(datatype))


# -- well-formed literals of the datatypes shapes name ------------------------------------------

_INT = r"[+-]?[0-9]+"
_TZ = r"(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)?"
_LEXICAL = {
    "integer": _INT, "int": _INT, "long": _INT, "short": _INT, "byte": _INT,
    "nonNegativeInteger": r"(\+?[0-9]+|-0+)", "positiveInteger": r"\+?0*[1-9][0-9]*",
    "nonPositiveInteger": r"(-[0-9]+|\+?0+)", "negativeInteger": r"-0*[1-9][0-9]*",
    "unsignedInt": r"\+?[0-9]+", "unsignedLong": r"\+?[0-9]+",
    "decimal": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    "double": r"([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)",
    "float": r"([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)",
    "boolean": r"(true|false|1|0)",
    "date": r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" + _TZ,
    "gYear": r"-?[0-9]{4,}" + _TZ,
    "gYearMonth": r"-?[0-9]{4,}-(0[1-9]|1[0-2])" + _TZ,
    "dateTime": r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T"
                r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?" + _TZ,
    "duration": r"-?P(?=[0-9T])([0-9]+Y)?([0-9]+M)?([0-9]+D)?"
                r"(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?",
}
_WELL_FORMED = {_XSD + name: re.compile(pattern).fullmatch for name, pattern in _LEXICAL.items()}
_NUMERIC = {_XSD + n for n in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                               "positiveInteger", "nonPositiveInteger", "negativeInteger",
                               "unsignedInt", "unsignedLong", "decimal", "double", "float")}


def _well_formed(lexical: str, datatype: str) -> bool:
    check = _WELL_FORMED.get(datatype)
    if check is None or check(lexical) is None:
        return check is None
    if datatype == _XSD + "date":  # a day the month does not have
        import datetime

        try:
            datetime.date.fromisoformat(lexical.lstrip("-")[:10])
        except ValueError:
            return False
    return True


def _number(term: str) -> Decimal | None:
    if term[0] != '"':
        return None
    lexical, datatype, _ = literal_parts(term)
    if datatype not in _NUMERIC or not _well_formed(lexical, datatype):
        return None
    try:
        return Decimal(lexical.replace("INF", "Infinity"))
    except InvalidOperation:
        return None


# -- the data ------------------------------------------------------------------------------------


class Data:
    """What the checks read: each subject's (predicate, object) pairs, as N-Triples terms."""

    def __init__(self, block: Callable[[str], Iterable[tuple[str, str]]],
                 subjects: Callable[[], Iterable[str]],
                 stating: Callable[[str], Iterable[str]] | None = None) -> None:
        self._block = block
        self.subjects = subjects
        # the subjects with a triple of a predicate, when the data can tell them faster than
        # by reading every block
        self._stating = stating
        self.superclasses: dict[str, set[str]] = {}
        self.inverse: dict[str, dict[str, list[str]]] = {}  # predicate -> object -> subjects
        self._types: dict[str, frozenset[str]] = {}
        # while a check is recorded (:meth:`recording`): the nodes whose blocks it read,
        # those whose classes it read, and the (predicate, object) pairs whose incoming
        # edges it read
        self.reads: set[str] | None = None
        self.type_reads: set[str] | None = None
        self.inverse_reads: set[tuple[str, str]] | None = None

    def block(self, term: str) -> Iterable[tuple[str, str]]:
        """The (predicate, object) pairs of ``term``, noted as read while recording."""
        if self.reads is not None:
            self.reads.add(term)
        return self._block(term)

    def incoming(self, predicate: str, term: str) -> list[str]:
        """The subjects stating ``predicate term`` (a predicate of an inverse path)."""
        if self.inverse_reads is not None:
            self.inverse_reads.add((predicate, term))
        return self.inverse[predicate].get(term, _NONE)

    def recording(self) -> tuple[set[str], set[str], set[tuple[str, str]]]:
        """Start noting what the checks read, for a verdict that says what it rests on
        (:mod:`exchange_kg.verdicts`); returns the sets being filled."""
        self.reads, self.type_reads, self.inverse_reads = set(), set(), set()
        return self.reads, self.type_reads, self.inverse_reads

    def stop_recording(self) -> None:
        self.reads = self.type_reads = self.inverse_reads = None

    def types(self, term: str) -> frozenset[str]:
        """The classes of ``term`` (cached: the same institution is checked again and again,
        and its block can be long)."""
        if self.type_reads is not None:
            self.type_reads.add(term)
        found = self._types.get(term)
        if found is None:
            if len(self._types) > 200_000:
                self._types.clear()
            found = self._types[term] = self.closure(
                [o for p, o in self._block(term) if p == _RDF_TYPE])
        return found

    def closure(self, types: list[str]) -> frozenset[str]:
        """The classes and, when the data has rdfs:subClassOf triples, their superclasses."""
        if not self.superclasses:
            return frozenset(types)
        return frozenset(types).union(*(self.superclasses.get(t, ()) for t in types))

    def prepare(self, inverse_predicates: set[str]) -> None:
        """One pass for what a subject's block cannot tell: rdfs:subClassOf in the data (for
        class targets and sh:class) and the incoming edges of inverse paths."""
        direct: dict[str, set[str]] = {}
        self.inverse = {p: {} for p in inverse_predicates}
        want = inverse_predicates | {_SUBCLASS}
        subjects: Iterable[str] = self.subjects()
        if self._stating is not None:
            subjects = dict.fromkeys(s for p in sorted(want) for s in self._stating(p))
        for s in subjects:
            for p, o in self._block(s):
                if p in want:
                    if p == _SUBCLASS:
                        direct.setdefault(s, set()).add(o)
                    if p in self.inverse:
                        self.inverse[p].setdefault(o, []).append(s)
        closure: dict[str, set[str]] = {}
        for cls in direct:
            seen: set[str] = set()
            todo = list(direct[cls])
            while todo:
                c = todo.pop()
                if c not in seen:
                    seen.add(c)
                    todo.extend(direct.get(c, ()))
            closure[cls] = seen
        self.superclasses = closure
        self._types.clear()


# -- compiled shapes -----------------------------------------------------------------------------

# A constraint component compiled either to a test of one value node (most components) or to
# a test of the whole set of value nodes (counts, sh:hasValue, sh:uniqueLang).
ValueTest = Callable[[str, "Data"], bool]
SetTest = Callable[[list[str]], int]  # how many results the value set gives


@dataclass(eq=False)  # compared and hashed by identity: one object per shape node
class Shape:
    node: URIRef | BNode
    severity: URIRef = SH.Violation
    messages: list[Literal] = field(default_factory=list)
    path: tuple[str, ...] | None = None  # steps: "<p>" forwards, "^<p>" backwards; None: node
    path_node: object = None  # the sh:path value in the shapes graph, for the report
    value_tests: list[tuple[URIRef, ValueTest]] = field(default_factory=list)
    set_tests: list[tuple[URIRef, SetTest]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    _literals: dict[str, bool] = field(default_factory=dict)  # literal -> conforms

    def values(self, focus: str, data: Data, by_pred: dict[str, list[str]]) -> list[str]:
        """The value nodes of ``focus`` (whose block is ``by_pred``) along the path."""
        path = self.path
        if path is None:
            return [focus]
        if len(path) == 1 and path[0][0] == "<":
            return by_pred.get(path[0], _NONE)
        nodes = [focus]
        for step in path:
            nxt: list[str] = []
            for n in nodes:
                if step[0] == "^":
                    nxt.extend(data.incoming(step[1:], n))
                elif n is focus:
                    nxt.extend(by_pred.get(step, ()))
                else:
                    nxt.extend(o for p, o in data.block(n) if p == step)
            nodes = list(dict.fromkeys(nxt))
        return nodes

    def failures(self, focus: str, data: Data, by_pred: dict[str, list[str]] | None = None,
                 ) -> list[tuple[Shape, str | None, URIRef]]:
        """(shape, value, component) of every check that fails for ``focus``: the shape's
        own and its property shapes' (flattened once, in :meth:`flat`)."""
        if by_pred is None:
            by_pred = _by_predicate(data.block(focus)) if self.needs_block else {}
        out: list[tuple[Shape, str | None, URIRef]] = []
        for shape in self.flat:
            pred = shape.predicate
            values = (by_pred.get(pred, _NONE) if pred is not None
                      else shape.values(focus, data, by_pred))
            for component, test in shape.set_tests:
                n = test(values)
                if n:
                    out.extend((shape, None, component) for _ in range(n))
            tests = shape.value_tests
            for v in values:
                for component, ok in tests:
                    if not ok(v, data):
                        out.append((shape, v, component))
        return out

    @cached_property
    def flat(self) -> list[Shape]:
        """This shape and its property shapes, theirs too, those with tests of their own."""
        own = [self] if self.value_tests or self.set_tests else []
        return own + [s for prop in self.properties for s in prop.flat]

    @cached_property
    def predicate(self) -> str | None:
        """The predicate of a one-step forward path, the common case read directly."""
        path = self.path
        return path[0] if path is not None and len(path) == 1 and path[0][0] == "<" else None

    def conforms(self, focus: str, data: Data) -> bool:
        if self.simple:  # a test of the node alone, as value shapes are
            return all(ok(focus, data) for _, ok in self.value_tests)
        if focus[0] != '"':
            return not self.failures(focus, data)
        # a literal has no triples of its own: its answer depends on nothing else
        known = self._literals.get(focus)
        if known is None:
            if len(self._literals) > 100_000:
                self._literals.clear()
            known = self._literals[focus] = not self.failures(focus, data)
        return known

    @cached_property
    def needs_block(self) -> bool:
        return bool(self.properties) or self.path is not None

    @cached_property
    def simple(self) -> bool:
        return not (self.properties or self.set_tests or self.path)


_NONE: list[str] = []


def _by_predicate(block: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p, o in block:
        values = out.get(p)
        if values is None:
            out[p] = [o]
        else:
            values.append(o)
    return out


_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
# predicates of a shape that are not constraints (or are handled elsewhere: sh:sparql)
_NOT_CONSTRAINTS = {SH.severity, SH.message, SH.name, SH.description, SH.deactivated, SH.path,
                    SH.property, SH.sparql, SH.declare, SH.prefixes, SH.order, SH.group,
                    SH.defaultValue, SH.flags, *_TARGETS}
_SHAPE_CLASSES = {SH.NodeShape, SH.PropertyShape}


class Shapes:
    """A shapes graph compiled into checks, with what each subject's types make it a target
    of."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._compiled: dict[object, Shape] = {}
        self.by_class: dict[str, list[Shape]] = {}
        self.by_subject_of: dict[str, list[Shape]] = {}
        self.by_node: dict[str, list[Shape]] = {}
        self.inverse_predicates: set[str] = set()
        roots = {s for t in _TARGETS for s in graph.subjects(t, None)}
        for cls in (RDFS.Class, OWL.Class):
            roots |= {s for s in graph.subjects(RDF.type, cls)
                      if set(graph.objects(s, RDF.type)) & _SHAPE_CLASSES}
        if any(graph.subjects(SH.targetObjectsOf, None)):
            raise Unsupported("sh:targetObjectsOf")
        for root in sorted(roots, key=str):
            if _deactivated(graph, root):
                continue
            shape = self.compile(root)
            classes = set(graph.objects(root, SH.targetClass))
            if set(graph.objects(root, RDF.type)) & {RDFS.Class, OWL.Class}:
                classes.add(root)
            for c in classes:
                self.by_class.setdefault(f"<{c}>", []).append(shape)
            for p in graph.objects(root, SH.targetSubjectsOf):
                self.by_subject_of.setdefault(f"<{p}>", []).append(shape)
            for n in graph.objects(root, SH.targetNode):
                self.by_node.setdefault(n3(n), []).append(shape)
        self._for_types: dict[frozenset[str], list[Shape]] = {}

    # -- compiling -------------------------------------------------------------------------------
    def compile(self, node: URIRef | BNode) -> Shape:
        shape = self._compiled.get(node)
        if shape is not None:
            return shape
        g = self.graph
        shape = self._compiled[node] = Shape(node)
        shape.severity = g.value(node, SH.severity) or SH.Violation
        shape.messages = sorted(g.objects(node, SH.message), key=str)
        path = g.value(node, SH.path)
        if path is not None:
            shape.path, shape.path_node = self._path(path), path
            self.inverse_predicates |= {s[1:] for s in shape.path if s[0] == "^"}
        for p in sorted(set(g.predicates(node, None)), key=str):
            if p in _NOT_CONSTRAINTS or not str(p).startswith(str(SH)):
                continue
            values = list(g.objects(node, p))
            if len(values) != 1:
                raise Unsupported(f"{p} given {len(values)} times on {node}")
            if p in _VALUE_TESTS:
                component, make = _VALUE_TESTS[p]
                shape.value_tests.append((component, make(self, node, values[0])))
            elif p in _SET_TESTS:
                component, make_set = _SET_TESTS[p]
                shape.set_tests.append((component, make_set(self, node, values[0])))
            else:
                raise Unsupported(str(p))
        for prop in sorted(g.objects(node, SH.property), key=str):
            if not _deactivated(g, prop):
                shape.properties.append(self.compile(prop))
        return shape

    def _path(self, path: object) -> tuple[str, ...]:
        g = self.graph
        if isinstance(path, URIRef):
            return (f"<{path}>",)
        inverse = g.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return (f"^<{inverse}>",)
        if (path, RDF.first, None) in g:
            steps: list[str] = []
            for item in Collection(g, path):
                steps.extend(self._path(item))
            return tuple(steps)
        raise Unsupported(f"sh:path {path!r} (only predicates, inverse predicates and "
                          "sequences are checked)")

    # -- targets ---------------------------------------------------------------------------------
    def for_subject(self, subject: str, data: Data, by_pred: dict[str, list[str]]
                    ) -> list[Shape]:
        types = data.closure(by_pred.get(_RDF_TYPE, _NONE))
        shapes = self._for_types.get(types)
        if shapes is None:
            shapes = list(dict.fromkeys(s for t in sorted(types)
                                        for s in self.by_class.get(t, ())))
            self._for_types[types] = shapes
        extra = [s for p in by_pred for s in self.by_subject_of.get(p, ())]
        extra += self.by_node.get(subject, ())
        if extra:
            shapes = list(dict.fromkeys([*shapes, *extra]))
        return shapes


def _deactivated(graph: Graph, node: object) -> bool:
    value = graph.value(node, SH.deactivated)
    return bool(value is not None and value.toPython() is True)


# -- the constraint components -------------------------------------------------------------------

Make = Callable[[Shapes, object, object], ValueTest]


def _class(shapes: Shapes, node: object, value: object) -> ValueTest:
    cls = f"<{value}>"
    return lambda v, data: v[0] != '"' and cls in data.types(v)


def _datatype(shapes: Shapes, node: object, value: object) -> ValueTest:
    wanted = str(value)

    def ok(v: str, data: Data) -> bool:
        if v[0] != '"':
            return False
        lexical, datatype, _ = literal_parts(v)
        return datatype == wanted and _well_formed(lexical, datatype)
    return ok


_KINDS = {
    SH.IRI: "<", SH.Literal: '"', SH.BlankNode: "_", SH.BlankNodeOrIRI: "_<",
    SH.BlankNodeOrLiteral: '_"', SH.IRIOrLiteral: '<"',
}


def _node_kind(shapes: Shapes, node: object, value: object) -> ValueTest:
    firsts = _KINDS.get(value)  # type: ignore[call-overload]
    if firsts is None:
        raise Unsupported(f"sh:nodeKind {value}")
    return lambda v, data: v[0] in firsts


def _range(test: Callable[[Decimal, Decimal], bool]) -> Make:
    def make(shapes: Shapes, node: object, value: object) -> ValueTest:
        bound = _number(n3(value))
        if bound is None:
            raise Unsupported(f"a range with the non-numeric bound {value!r}")

        def ok(v: str, data: Data) -> bool:
            number = _number(v)
            return number is not None and test(number, bound)
        return ok
    return make


def _length(test: Callable[[int, int], bool]) -> Make:
    def make(shapes: Shapes, node: object, value: object) -> ValueTest:
        n = int(value.toPython())  # type: ignore[union-attr]

        def ok(v: str, data: Data) -> bool:
            text = term_text(v)
            return text is not None and test(len(text), n)
        return ok
    return make


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def _pattern(shapes: Shapes, node: object, value: object) -> ValueTest:
    flags = 0
    for f in str(shapes.graph.value(node, SH.flags) or ""):
        flags |= _FLAGS.get(f, 0)
    search = re.compile(str(value), flags).search

    def ok(v: str, data: Data) -> bool:
        text = term_text(v)
        return text is not None and search(text) is not None
    return ok


def _in(shapes: Shapes, node: object, value: object) -> ValueTest:
    allowed = frozenset(n3(t) for t in Collection(shapes.graph, value))
    return lambda v, data: v in allowed


def _language_in(shapes: Shapes, node: object, value: object) -> ValueTest:
    ranges = [str(t).lower() for t in Collection(shapes.graph, value)]

    def ok(v: str, data: Data) -> bool:
        lang = literal_parts(v)[2] if v[0] == '"' else None
        return bool(lang) and any(lang == r or lang.startswith(r + "-") for r in ranges)
    return ok


def _node(shapes: Shapes, node: object, value: object) -> ValueTest:
    return shapes.compile(value).conforms  # type: ignore[arg-type]


def _logical(passes: Callable[[Iterable[bool]], bool]) -> Make:
    def make(shapes: Shapes, node: object, value: object) -> ValueTest:
        members = [shapes.compile(m).conforms for m in Collection(shapes.graph, value)]
        return lambda v, data: passes(m(v, data) for m in members)
    return make


def _not(shapes: Shapes, node: object, value: object) -> ValueTest:
    inner = shapes.compile(value).conforms  # type: ignore[arg-type]
    return lambda v, data: not inner(v, data)


_VALUE_TESTS: dict[URIRef, tuple[URIRef, Make]] = {
    SH["class"]: (SH.ClassConstraintComponent, _class),
    SH.datatype: (SH.DatatypeConstraintComponent, _datatype),
    SH.nodeKind: (SH.NodeKindConstraintComponent, _node_kind),
    SH.minInclusive: (SH.MinInclusiveConstraintComponent, _range(lambda v, b: v >= b)),
    SH.maxInclusive: (SH.MaxInclusiveConstraintComponent, _range(lambda v, b: v <= b)),
    SH.minExclusive: (SH.MinExclusiveConstraintComponent, _range(lambda v, b: v > b)),
    SH.maxExclusive: (SH.MaxExclusiveConstraintComponent, _range(lambda v, b: v < b)),
    SH.minLength: (SH.MinLengthConstraintComponent, _length(lambda n, b: n >= b)),
    SH.maxLength: (SH.MaxLengthConstraintComponent, _length(lambda n, b: n <= b)),
    SH.pattern: (SH.PatternConstraintComponent, _pattern),
    SH["in"]: (SH.InConstraintComponent, _in),
    SH.languageIn: (SH.LanguageInConstraintComponent, _language_in),
    SH.node: (SH.NodeConstraintComponent, _node),
    SH["or"]: (SH.OrConstraintComponent, _logical(any)),
    SH["and"]: (SH.AndConstraintComponent, _logical(all)),
    SH.xone: (SH.XoneConstraintComponent, _logical(lambda r: sum(r) == 1)),
    SH["not"]: (SH.NotConstraintComponent, _not),
}


def _min_count(shapes: Shapes, node: object, value: object) -> SetTest:
    n = int(value.toPython())  # type: ignore[union-attr]
    return lambda values: int(len(values) < n)


def _max_count(shapes: Shapes, node: object, value: object) -> SetTest:
    n = int(value.toPython())  # type: ignore[union-attr]
    return lambda values: int(len(values) > n)


def _has_value(shapes: Shapes, node: object, value: object) -> SetTest:
    wanted = n3(value)
    return lambda values: int(wanted not in values)


def _unique_lang(shapes: Shapes, node: object, value: object) -> SetTest:
    if not value.toPython():  # type: ignore[union-attr]
        return lambda values: 0

    def test(values: list[str]) -> int:
        if len(values) < 2:
            return 0
        langs = [literal_parts(v)[2] for v in values if v[0] == '"']
        tagged = [lang for lang in langs if lang]
        return len({lang for lang in tagged if tagged.count(lang) > 1})
    return test


_SET_TESTS: dict[URIRef, tuple[URIRef, Callable[[Shapes, object, object], SetTest]]] = {
    SH.minCount: (SH.MinCountConstraintComponent, _min_count),
    SH.maxCount: (SH.MaxCountConstraintComponent, _max_count),
    SH.hasValue: (SH.HasValueConstraintComponent, _has_value),
    SH.uniqueLang: (SH.UniqueLangConstraintComponent, _unique_lang),
}


# -- validation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    focus: str
    shape: Shape
    value: str | None
    component: URIRef


def check_subject(shapes: Shapes, subject: str, data: Data) -> list[Result]:
    """Every failed check of every shape that targets ``subject``."""
    by_pred = _by_predicate(data.block(subject))
    return [Result(subject, source, value, component)
            for shape in shapes.for_subject(subject, data, by_pred)
            for source, value, component in shape.failures(subject, data, by_pred)]


def check_all(shapes: Shapes, data: Data) -> list[Result]:
    """Check every subject of the data: one pass, plus :meth:`Data.prepare`'s."""
    data.prepare(shapes.inverse_predicates)
    out: list[Result] = []
    for subject in data.subjects():
        out.extend(check_subject(shapes, subject, data))
    # a target node need not be a subject of the data
    for node in shapes.by_node:
        if not any(True for _ in data.block(node)):
            out.extend(check_subject(shapes, node, data))
    return out


def add_results(report: Graph, report_node: object, results: Iterable[Result],
                shapes: Graph) -> None:
    """The results as SHACL validation results in ``report``, as pySHACL writes them."""
    for r in results:
        node = BNode()
        report.add((report_node, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, rdf_term(r.focus)))
        report.add((node, SH.resultSeverity, r.shape.severity))
        report.add((node, SH.sourceShape, r.shape.node))
        report.add((node, SH.sourceConstraintComponent, r.component))
        if r.shape.path_node is not None:
            report.add((node, SH.resultPath, _copy_path(shapes, r.shape.path_node, report)))
        if r.value is not None:
            report.add((node, SH.value, rdf_term(r.value)))
        for message in r.shape.messages:
            report.add((node, SH.resultMessage, message))
        if not r.shape.messages:
            report.add((node, SH.resultMessage, Literal(_default_message(r))))


def _copy_path(shapes: Graph, path: object, report: Graph) -> object:
    """A path of the shapes graph, copied into the report when it is a blank-node structure."""
    if not isinstance(path, BNode):
        return path
    copy = BNode()
    for p, o in shapes.predicate_objects(path):
        report.add((copy, p, _copy_path(shapes, o, report)))
    return copy


def _default_message(r: Result) -> str:
    name = str(r.component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    value = f" (value {r.value})" if r.value is not None else ""
    return f"{name} constraint not met on {r.focus}{value}"
