"""Which focus nodes a change of a few subjects can give other SHACL-SPARQL results.

A SHACL-SPARQL constraint's results for a focus node come from the triples its query
matches (and those its ``FILTER NOT EXISTS``, ``OPTIONAL`` and ``UNION`` parts look for)
with ``$this`` bound to that node. When every variable of the query is tied to ``$this``
through triple patterns between variables (``$this xkg:home ?home . ?home org:unitOf
?value``), every triple the evaluation for a focus node ``F`` can look at is reached from
``F`` by a chain of triples matching those patterns, in the graph evaluated. A triple that
differs between two builds has as subject a subject whose block changed. So if no chain
of the query's patterns leads from ``F`` to a changed subject, in the previous graph or in
this one, the results for ``F`` are the same in both builds, and only the other focus nodes
need the query again.

:class:`Reach` reads a query's patterns (through rdflib's SPARQL algebra) into that
pattern graph, and :meth:`Reach.focus_nodes` walks it backwards from the changed subjects,
over the edges of both stores, to the focus nodes it reaches. A query it cannot bound this
way — a variable tied to ``$this`` by no pattern (``?x a xkg:Unit``: any unit), a pattern
with a variable predicate, a subject that is a constant or a computed value, a path with
``*``, ``+`` or alternatives, a sub-query, ``VALUES``, ``GRAPH``, ``SERVICE``, an
aggregate, ``LIMIT`` — has no :class:`Reach`: it runs over every focus node, as in a
clean build.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import pyoxigraph
from rdflib import URIRef, Variable
from rdflib.paths import InvPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

THIS = Variable("this")
# algebra nodes whose meaning a pattern graph does not capture
_UNBOUNDED = {"ToMultiSet", "SubSelect", "values", "Graph", "GraphGraphPattern",
              "ServiceGraphPattern", "AggregateJoin", "Group", "Slice", "Aggregate"}


@dataclass(frozen=True)
class _Edge:
    """A triple pattern between two variables: ``subject predicate object``."""

    subject: Variable
    predicate: str
    object: Variable


# more combinations of UNION branches than this: not bounded (the check is per combination)
_MAX_ALTERNATIVES = 64

_Triple = tuple[object, object, object]


@dataclass
class _Alternative:
    """The patterns one combination of UNION branches matches together."""

    triples: list[_Triple] = field(default_factory=list)
    aliases: list[tuple[Variable, Variable]] = field(default_factory=list)
    computed: set[Variable] = field(default_factory=set)

    def __add__(self, other: _Alternative) -> _Alternative:
        return _Alternative(self.triples + other.triples, self.aliases + other.aliases,
                            self.computed | other.computed)


@dataclass
class Reach:
    """A query's pattern graph: its edges between variables, its aliases (``BIND (?a AS
    ?b)``) and the variables that are the subject of some pattern; and, for each of those,
    the simple paths from it to ``$this`` (as steps: direction and predicate)."""

    edges: list[_Edge] = field(default_factory=list)
    aliases: list[tuple[Variable, Variable]] = field(default_factory=list)
    subjects: set[Variable] = field(default_factory=set)

    @classmethod
    def of(cls, query: str, targets: Sequence[_Triple] = ()) -> Reach | None:
        """The pattern graph of a SHACL-SPARQL ``query`` (prefixes declared, ``$this`` as
        ``?this``), with the triple patterns of its target (``targets``: subject, predicate
        IRI, object, each a Variable or a constant), or None if it has no bound one."""
        try:
            algebra = prepareQuery(query).algebra
        except Exception:  # any query rdflib cannot read is one we cannot bound
            return None
        alternatives = _collect(algebra)
        if alternatives is None:
            return None
        reach = cls()
        hidden = [0]
        for alternative in alternatives:
            alternative.triples.extend(targets)
            part = cls()
            if not part._read(alternative, hidden) or not part._tied(alternative.computed):
                return None
            reach.edges.extend(e for e in part.edges if e not in reach.edges)
            reach.aliases.extend(a for a in part.aliases if a not in reach.aliases)
            reach.subjects |= part.subjects
        return reach

    def _read(self, alternative: _Alternative, hidden: list[int]) -> bool:
        """The alternative's patterns into this graph; False at one it cannot bound."""
        computed = alternative.computed
        self.aliases = list(alternative.aliases)
        for s, p, o in alternative.triples:
            steps = _steps(p)
            if steps is None:
                return False
            nodes: list[object] = [s]
            for _ in steps[:-1]:
                hidden[0] += 1
                nodes.append(Variable(f"__step{hidden[0]}"))
            nodes.append(o)
            for (pred, inverse), a, b in zip(steps, nodes[:-1], nodes[1:], strict=True):
                if inverse:
                    a, b = b, a
                if not isinstance(a, Variable) or a in computed:
                    return False  # a constant or computed subject: not reached from $this
                self.subjects.add(a)
                if isinstance(b, Variable) and b not in computed:
                    self.edges.append(_Edge(a, pred, b))
        return True

    def _tied(self, computed: set[Variable]) -> bool:
        """Whether every variable a pattern binds is tied to ``$this``."""
        near: dict[Variable, set[Variable]] = defaultdict(set)
        for e in self.edges:
            near[e.subject].add(e.object)
            near[e.object].add(e.subject)
        for a, b in self.aliases:
            near[a].add(b)
            near[b].add(a)
        seen, todo = {THIS}, [THIS]
        while todo:
            for v in near[todo.pop()] - seen:
                seen.add(v)
                todo.append(v)
        return (set(near) | self.subjects) - computed <= seen

    def paths(self) -> dict[Variable, list[tuple[tuple[str, str], ...]]]:
        """For each subject variable, every simple path from it to ``$this``: the steps
        from a node bound to it to the focus node ("in": to the subjects of triples of the
        predicate whose object it is; "out": to their objects; "same": an alias)."""
        near: dict[Variable, list[tuple[str, str, Variable]]] = defaultdict(list)
        for e in self.edges:
            near[e.object].append(("in", e.predicate, e.subject))
            near[e.subject].append(("out", e.predicate, e.object))
        for a, b in self.aliases:
            near[a].append(("same", "", b))
            near[b].append(("same", "", a))
        return {start: sorted(set(_walk(near, start, (), frozenset({start}))))
                for start in self.subjects}

    def focus_nodes(self, changed: Iterable[pyoxigraph.NamedNode],
                    stores: Sequence[pyoxigraph.Store]) -> set[pyoxigraph.NamedNode]:
        """The nodes from which a chain of the query's patterns leads to a changed subject
        in any of ``stores`` (the previous build's and this one's): those whose results may
        differ. A changed subject is among them when ``$this`` is the subject of a pattern
        or of the target."""
        default = pyoxigraph.DefaultGraph()
        paths = {tuple(p) for ps in self.paths().values() for p in ps}
        starts = list(changed)
        found: set[pyoxigraph.NamedNode] = set()
        for path in sorted(paths):
            nodes: set[object] = set(starts)
            for how, predicate in path:
                if how == "same" or not nodes:
                    continue
                p = pyoxigraph.NamedNode(predicate)
                if how == "in":
                    nodes = {q.subject for store in stores for n in nodes
                             for q in store.quads_for_pattern(None, p, n, default)}
                else:
                    nodes = {q.object for store in stores for n in nodes
                             if not isinstance(n, pyoxigraph.Literal)
                             for q in store.quads_for_pattern(n, p, None, default)}
            found.update(n for n in nodes if isinstance(n, pyoxigraph.NamedNode))
        return found


def _walk(near: dict[Variable, list[tuple[str, str, Variable]]], var: Variable,
          steps: tuple[tuple[str, str], ...], visited: frozenset[Variable]
          ) -> Iterator[tuple[tuple[str, str], ...]]:
    """The simple paths from ``var`` to ``$this`` after ``steps``."""
    if var == THIS:
        yield steps
        return
    for how, predicate, other in near[var]:
        if other not in visited:
            yield from _walk(near, other, (*steps, (how, predicate)), visited | {other})


def _steps(p: object) -> list[tuple[str, bool]] | None:
    """A predicate or a path of plain and inverse steps as (IRI, inverse) steps; None for
    a variable predicate or a path of any other kind."""
    if isinstance(p, URIRef):
        return [(str(p), False)]
    if isinstance(p, InvPath):
        inner = _steps(p.arg)
        return [(iri, not inverse) for iri, inverse in reversed(inner)] if inner else None
    if isinstance(p, SequencePath):
        out: list[tuple[str, bool]] = []
        for arg in p.args:
            inner = _steps(arg)
            if inner is None:
                return None
            out.extend(inner)
        return out
    return None  # a variable predicate, or a path of *, + or alternatives


def _collect(node: object) -> list[_Alternative] | None:
    """The combinations of UNION branches below ``node``, each with the triple patterns
    and ``BIND``\\ s it holds; None at anything :class:`Reach` cannot bound."""
    if isinstance(node, CompValue):
        if node.name in _UNBOUNDED:
            return None
        if node.name == "Union":
            left, right = _collect(node.get("p1")), _collect(node.get("p2"))
            if left is None or right is None:
                return None
            both = left + right
            return both if len(both) <= _MAX_ALTERNATIVES else None
        own = _Alternative()
        if node.name in ("BGP", "TriplesBlock"):
            for t in node.get("triples") or ():
                t = list(t)
                if len(t) % 3:
                    return None
                own.triples.extend(tuple(t[i:i + 3]) for i in range(0, len(t), 3))
        if node.name == "Extend":
            var, expr = node.get("var"), node.get("expr")
            if isinstance(expr, Variable):
                own.aliases.append((expr, var))
            else:
                own.computed.add(var)
        return _product([own], [v for k, v in node.items() if k not in ("_vars", "triples")])
    if isinstance(node, (list, tuple)):
        return _product([_Alternative()], list(node))
    if isinstance(node, dict):
        return _product([_Alternative()], list(node.values()))
    return [_Alternative()]


def _product(alternatives: list[_Alternative], children: list[object]
             ) -> list[_Alternative] | None:
    for child in children:
        found = _collect(child)
        if found is None:
            return None
        alternatives = [a + b for a in alternatives for b in found]
        if len(alternatives) > _MAX_ALTERNATIVES:
            return None
    return alternatives
