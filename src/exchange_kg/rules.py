"""The graph rules: which triples each row of the tidy tables yields, as data.

``mappings/graph.yarrrml.yaml`` says, for each table of :mod:`exchange_kg.tables`, the
subject of a row and its predicate-object pairs: IRIs or literals, datatypes, language tags
(fixed, or the row's own), in a strict subset of YARRRML (see README, "Graph rules"), so the
same rules export as RML (:mod:`exchange_kg.rml`) and an RML processor run on the tables gives
the same graph. The decisions (which IRI an institution gets, which label is preferred) stay
in :mod:`exchange_kg.mapper`, which fills the tables; adding a predicate for a value a table
already holds needs only this file.

An empty value yields no term (RML's NULL), so an optional field is simply an empty cell;
a value of varying datatype (a date of day, month or year precision) is one column per
datatype.

The rules are compiled once into one Python function per triples map, generated from the rules
(constants passed in by name, never pasted into code): each row becomes a few string
concatenations and one insertion per triple into the graph's block of the row's subject, with
no interpretation of the YAML per triple.
"""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph

from exchange_kg.tables import TABLES, Row
from exchange_kg.triples import XSD, Blocks, TripleGraph
from exchange_kg.yamlfile import DataFileError, load_checked, plain, position

RULES_FILE = "graph.yarrrml.yaml"
BUNDLED_RULES = Path(__file__).resolve().parents[2] / "mappings" / RULES_FILE
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_TERM = {"type": "string", "minLength": 1}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["mappings"],
    "additionalProperties": False,
    "properties": {
        "prefixes": {"type": "object", "additionalProperties": {"type": "string"}},
        "mappings": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["sources", "s", "po"],
                "additionalProperties": False,
                "properties": {
                    "sources": {"type": "array", "minItems": 1, "maxItems": 1,
                                "items": {"type": "array", "minItems": 1, "maxItems": 1,
                                          "items": {"type": "string",
                                                    "pattern": r"^[a-z_]+\.csv~csv$"}}},
                    "s": _TERM,
                    "po": {"type": "array", "minItems": 1,
                           "items": {"type": "array", "minItems": 2, "maxItems": 3,
                                     "items": _TERM}},
                },
            },
        },
    },
}

_REF = re.compile(r"\$\(([^()]*)\)")
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):(?!//)")
_LANG_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Term:
    """A term map: constant text and column references (``parts``: str or ``Column``)."""

    kind: str  # "iri" or "literal"
    parts: tuple[Any, ...]
    datatype: str | None = None
    language: str | None = None  # a fixed tag
    language_column: str | None = None  # the row's tag

    @property
    def columns(self) -> list[str]:
        refs = [p.name for p in self.parts if isinstance(p, Column)]
        return refs + ([self.language_column] if self.language_column else [])

    @property
    def is_reference(self) -> bool:
        """One column and nothing else: the value as it stands (an IRI is not encoded)."""
        return len(self.parts) == 1 and isinstance(self.parts[0], Column)

    @property
    def is_constant(self) -> bool:
        return not self.columns


@dataclass(frozen=True)
class Column:
    name: str


@dataclass(frozen=True)
class PredicateObject:
    predicate: str
    object: Term
    line: int


@dataclass
class TriplesMap:
    name: str
    table: str
    subject: Term
    po: list[PredicateObject]
    line: int


@dataclass
class Rules:
    path: Path
    prefixes: dict[str, str]
    maps: list[TriplesMap]
    # table -> the compiled triples maps that read it (made on first use)
    _emitters: dict[str, list[Callable[..., None]]] = field(default_factory=dict, repr=False)

    def uses(self, table: str) -> bool:
        return any(m.table == table for m in self.maps)

    def apply(self, tables: MutableMapping[str, list[Row]], graph: TripleGraph,
              consume: bool = False) -> None:
        """Add the triples of every row of ``tables`` to ``graph``: written in the build form
        for these rows only (:meth:`blocks_of`), then frozen into the graph. With ``consume``
        each table is emptied once its rows are mapped, so that the mapper can call this on
        each batch of rows it makes and hold the rows of one batch only."""
        graph.absorb(self.blocks_of(tables, consume))

    def blocks_of(self, tables: MutableMapping[str, list[Row]], consume: bool = False,
                  into: Blocks | None = None) -> Blocks:
        """The triples of every row of ``tables`` in the build form (``{s: {(p, o): None}}``),
        table by table (see :meth:`apply`), added to ``into`` if given."""
        if not self._emitters:
            for m in self.maps:
                self._emitters.setdefault(m.table, []).append(_compile(m))
        blocks: Blocks = {} if into is None else into
        for table, emitters in self._emitters.items():
            rows = tables.get(table, ())
            for emit in emitters:
                emit(rows, blocks, _literal, _encode, _ESCAPE.search)
            if consume and table in tables:
                tables[table] = []
            del rows
        return blocks


def load_rules(path: Path) -> Rules:
    """Parse and check a rules file; every problem names the file, line and column."""
    doc = load_checked(path, SCHEMA)
    data = plain(doc)
    prefixes = data.get("prefixes", {})

    def fail(where: list[Any], message: str) -> DataFileError:
        line, col = position(doc, where)
        return DataFileError(f"{path}:{line}:{col}: at {'/'.join(map(str, where))}: {message}")

    maps = []
    for name, spec in data["mappings"].items():
        table = spec["sources"][0][0].removesuffix(".csv~csv")
        if table not in TABLES:
            raise fail(["mappings", name, "sources", 0, 0],
                       f"unknown table {table!r} (tables: {', '.join(TABLES)})")
        parse = _Parser(prefixes, table, fail)
        subject = parse.term(spec["s"], "iri", ["mappings", name, "s"])
        pos = []
        for i, item in enumerate(spec["po"]):
            where = ["mappings", name, "po", i]
            predicate = RDF_TYPE if item[0] == "a" else parse.iri(item[0], [*where, 0])
            kind = "iri" if item[0] == "a" or item[1].endswith("~iri") else "literal"
            term = parse.term(item[1].removesuffix("~iri"), kind, [*where, 1])
            if len(item) == 3:
                if kind == "iri":
                    raise fail([*where, 2], "an IRI has no datatype or language")
                term = parse.qualify(term, item[2], [*where, 2])
            pos.append(PredicateObject(predicate, term, position(doc, where)[0]))
        maps.append(TriplesMap(name, table, subject, pos, position(doc, ["mappings", name])[0]))
    return Rules(path, prefixes, maps)


def rules_for(mappings_dir: Path) -> Rules:
    """The rules of a mappings folder: its own ``graph.yarrrml.yaml``, else the bundled one."""
    own = mappings_dir / RULES_FILE
    return load_rules(own if own.exists() else BUNDLED_RULES)


class _Parser:
    def __init__(self, prefixes: dict[str, str], table: str,
                 fail: Callable[[list[Any], str], DataFileError]) -> None:
        self.prefixes, self.table, self.fail = prefixes, table, fail

    def iri(self, text: str, where: list[Any]) -> str:
        """A constant IRI: ``prefix:local``, or an absolute IRI."""
        m = _CURIE.match(text)
        if m and m.group(1) in self.prefixes:
            value = self.prefixes[m.group(1)] + text[m.end():]
        elif m and m.group(1) not in ("http", "https", "urn"):
            raise self.fail(where, f"unknown prefix {m.group(1)!r} in {text!r} (prefixes: "
                                   f"{', '.join(self.prefixes) or 'none'})")
        else:
            value = text
        try:
            return pyoxigraph.NamedNode(value).value
        except ValueError as exc:
            raise self.fail(where, f"{value!r} is not an IRI ({exc})") from None

    def term(self, text: str, kind: str, where: list[Any]) -> Term:
        parts: list[Any] = []
        pos = 0
        for m in _REF.finditer(text):
            if m.start() > pos:
                parts.append(text[pos:m.start()])
            parts.append(Column(self.column(m.group(1), where)))
            pos = m.end()
        if pos < len(text):
            parts.append(text[pos:])
        if "$(" in "".join(p for p in parts if isinstance(p, str)):
            raise self.fail(where, f"unclosed column reference in {text!r}")
        if kind == "iri" and parts and isinstance(parts[0], str):
            m = _CURIE.match(parts[0])
            if len(parts) == 1:
                parts[0] = self.iri(parts[0], where)
            elif m and m.group(1) in self.prefixes:
                parts[0] = self.prefixes[m.group(1)] + parts[0][m.end():]
            elif m and m.group(1) not in ("http", "https", "urn"):
                raise self.fail(where, f"unknown prefix {m.group(1)!r} in {text!r}")
        return Term(kind, tuple(parts))

    def column(self, name: str, where: list[Any]) -> str:
        if name not in TABLES[self.table]:
            raise self.fail(where, f"table {self.table!r} has no column {name!r} (columns: "
                                   f"{', '.join(TABLES[self.table])})")
        return name

    def qualify(self, term: Term, text: str, where: list[Any]) -> Term:
        """The third item of a predicate-object pair: a datatype, ``tag~lang`` or
        ``$(column)~lang``."""
        if text.endswith("~lang"):
            tag = text.removesuffix("~lang")
            m = _REF.fullmatch(tag)
            if m:
                return Term(term.kind, term.parts, language_column=self.column(m.group(1), where))
            if not _LANG_TAG.match(tag):
                raise self.fail(where, f"{tag!r} is not a language tag")
            return Term(term.kind, term.parts, language=tag.lower())
        return Term(term.kind, term.parts, datatype=self.iri(text, where))


# -- the compiled form ----------------------------------------------------------------------

def _compile(tmap: TriplesMap) -> Callable[..., None]:
    """One function for the triples map: for each row, its subject and its pairs, each
    written only when every column it uses holds a value."""
    columns = TABLES[tmap.table]
    consts: dict[str, str] = {}

    def const(value: str) -> str:
        name = f"k{len(consts)}"
        consts[name] = value
        return name

    used = dict.fromkeys(c for t in (tmap.subject, *(p.object for p in tmap.po))
                         for c in t.columns)
    var = {c: f"c{columns.index(c)}" for c in used}
    body = ["def emit(rows, blocks, lit, enc, needs_escape):", "    get = blocks.get",
            "    for r in rows:"]
    body += [f"        {var[c]} = r[{columns.index(c)}]" for c in used]
    if tmap.subject.columns:
        body.append(f"        if not ({' and '.join(var[c] for c in tmap.subject.columns)}):"
                    " continue")
    body.append(f"        s = {_expression(tmap.subject, var, const)}")
    body.append("        b = get(s)")
    body.append("        if b is None: b = blocks[s] = {}")
    for po in tmap.po:
        call = f"b[({const('<' + po.predicate + '>')}, " \
               f"{_expression(po.object, var, const)})] = None"
        needed = [var[c] for c in po.object.columns]
        body.append(f"        if {' and '.join(needed)}: {call}" if needed
                    else f"        {call}")
    namespace: dict[str, Any] = dict(consts)
    exec(compile("\n".join(body), f"<rules {tmap.name}>", "exec"), namespace)  # noqa: S102
    return namespace["emit"]  # type: ignore[no-any-return]


def _expression(term: Term, var: dict[str, str], const: Callable[[str], str]) -> str:
    """Python source that makes the term's N-Triples text from the row's variables."""
    if term.kind == "iri":
        if term.is_reference:
            return f'"<" + {var[term.parts[0].name]} + ">"'
        if term.is_constant:
            return const("<" + "".join(term.parts) + ">")
        pieces = [const(p) if isinstance(p, str) else f"enc({var[p.name]})" for p in term.parts]
        return f'"<" + {" + ".join(pieces)} + ">"'
    if term.is_constant:
        return const(_literal("".join(term.parts)) + _suffix(term))
    if term.is_reference:  # the usual case: nothing to escape, so no call
        v = var[term.parts[0].name]
        quoted = f"""('"' + {v} + '"' if needs_escape({v}) is None else lit({v}))"""
    else:
        quoted = "lit(" + " + ".join(const(p) if isinstance(p, str) else var[p.name]
                                     for p in term.parts) + ")"
    if term.language_column:
        return f'{quoted} + "@" + {var[term.language_column]}.lower()'
    suffix = _suffix(term)
    return f"{quoted} + {const(suffix)}" if suffix else quoted


def _suffix(term: Term) -> str:
    if term.language:
        return "@" + term.language
    if term.datatype and term.datatype != XSD + "string":
        return f"^^<{term.datatype}>"
    return ""


_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')


def _literal(value: str) -> str:
    """A string in quotes as canonical N-Triples writes it (pyoxigraph's escaping, which the
    dumps have always had; the common case, nothing to escape, without a call into it)."""
    if _ESCAPE.search(value) is None:
        return f'"{value}"'
    return str(pyoxigraph.Literal(value))


@lru_cache(maxsize=4096)
def _encode(value: str) -> str:
    """A value inside an IRI template, percent-encoded but for RFC 3986's unreserved
    characters (as RML processors do: the value cannot break out of its place in the IRI)."""
    return quote(value, safe="")
