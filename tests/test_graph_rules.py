"""The graph rules file: checked on load with file:line errors, compiled to the triples the
rules say, and editable by a user to publish one more field without touching code."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from exchange_kg import map_workers, mapper, pipeline, report
from exchange_kg.rules import BUNDLED_RULES, RULES_FILE, load_rules
from exchange_kg.tables import TABLES, empty_tables
from exchange_kg.triples import TripleGraph
from exchange_kg.yamlfile import DataFileError

HEAD = """prefixes:
  ex: "http://example.org/"
  xsd: "http://www.w3.org/2001/XMLSchema#"
mappings:
"""


def _rules(tmp_path: Path, body: str) -> Path:
    path = tmp_path / RULES_FILE
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def test_the_bundled_rules_map_every_table_the_mapper_fills() -> None:
    rules = load_rules(BUNDLED_RULES)
    used = {m.table for m in rules.maps}
    # record_fields is filled only for rules that publish a raw field; all others always
    assert used == set(TABLES) - {"record_fields"}


@pytest.mark.parametrize(("body", "line", "message"), [
    ("  a:\n    sources: [[agreements.csv~csv]]\n    s: $(iri)\n    po:\n"
     "      - [ex:p, $(lable)]\n", 9, "table 'agreements' has no column 'lable'"),
    ("  a:\n    sources: [[agreements.csv~csv]]\n    s: $(iri)\n    po:\n"
     "      - [foo:p, $(label)]\n", 9, "unknown prefix 'foo'"),
    ("  a:\n    sources: [[agreement.csv~csv]]\n    s: $(iri)\n    po:\n"
     "      - [ex:p, $(label)]\n", 6, "unknown table 'agreement'"),
    ("  a:\n    sources: [[agreements.csv~csv]]\n    s: $(iri)\n    pos:\n"
     "      - [ex:p, $(label)]\n", 8, "unknown key 'pos'; did you mean 'po'?"),
    ("  a:\n    sources: [[agreements.csv~csv]]\n    s: $(iri)\n    po:\n"
     "      - [ex:p, $(home)~iri, xsd:date]\n", 9, "an IRI has no datatype or language"),
    ("  a:\n    sources: [[agreements.csv~csv]]\n    s: $(iri)\n    po:\n"
     "      - [ex:p, $(label), en_GB~lang]\n", 9, "'en_GB' is not a language tag"),
])
def test_a_mistake_is_reported_at_its_file_and_line(tmp_path: Path, body: str, line: int,
                                                     message: str) -> None:
    path = _rules(tmp_path, body)
    with pytest.raises(DataFileError) as err:
        load_rules(path)
    text = str(err.value)
    assert text.startswith(f"{path}:{line}:"), text
    assert message in text


def test_compiled_rules_write_what_the_rules_say(tmp_path: Path) -> None:
    rules = load_rules(_rules(tmp_path, """\
  city:
    sources: [[org_cities.csv~csv]]
    s: $(address)
    po:
      - [ex:city, $(city)]
      - [ex:city, $(city_in_language), $(language)~lang]
  kind:
    sources: [[agreement_kinds.csv~csv]]
    s: $(agreement)
    po:
      - [a, ex:Agreement]
      - [ex:kind, ex:kind/$(kind)~iri]
      - [ex:count, $(kind), xsd:integer]
"""))
    tables = empty_tables()
    tables["org_cities"] += [("http://x/a", "Quote \" and\nnewline", "", ""),
                             ("http://x/b", "", "Łódź", "pl-PL"), ("", "orphan", "", ""),
                             ("http://x/c", "", "", "")]
    tables["agreement_kinds"] += [("http://x/g", "a b/é")]
    graph = TripleGraph()
    rules.apply(tables, graph)
    got = set(graph.lines())
    quoted = str(pyoxigraph.Literal('Quote " and\nnewline'))  # pyoxigraph's escaping
    assert got == {
        f"<http://x/a> <http://example.org/city> {quoted} .",
        "<http://x/b> <http://example.org/city> \"Łódź\"@pl-pl .",
        "<http://x/g> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://example.org/Agreement> .",
        "<http://x/g> <http://example.org/kind> <http://example.org/kind/a%20b%2F%C3%A9> .",
        "<http://x/g> <http://example.org/count> "
        "\"a b/é\"^^<http://www.w3.org/2001/XMLSchema#integer> .",
    }
    assert len(graph) == 5  # an empty subject or value yields nothing, not an empty subject
    assert "<http://x/c>" not in set(graph.subjects())
    for line in got:  # every term is canonical N-Triples, as the dumps need
        assert next(iter(pyoxigraph.parse(line, format=pyoxigraph.RdfFormat.N_TRIPLES)))


def _with_area_rule(project: Path) -> None:
    rules = project / "mappings" / RULES_FILE
    rules.write_text(rules.read_text(encoding="utf-8") + """
  record_area:
    sources: [[record_fields.csv~csv]]
    s: $(record)
    po:
      - [dcterms:coverage, $(area)]
""", encoding="utf-8")


def test_a_user_publishes_one_more_field_by_editing_the_rules(project_copy: Path) -> None:
    """The README's worked example: the region heading each record was read under (the
    reader keeps it; nothing published it) becomes dcterms:coverage, with no code change."""
    _with_area_rule(project_copy)
    result = pipeline.build(project_copy / "sources", project_copy / "mappings",
                            keep_tables=True)
    coverage = "<http://purl.org/dc/terms/coverage>"
    published = {(s, o) for s, p, o in result.graph if p == coverage}
    expected = {(f"<{s}>", str(pyoxigraph.Literal(rec.fields["area"])))
                for s, rec in result.builder.records if rec.fields.get("area")}
    assert expected and published == expected


def test_mapping_in_batches_without_the_records_gives_the_same_graph_and_report(
        project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's build maps a batch of agreements (and of organisations) at a time, from the
    second batch on in a worker process, and lets each document's lines and records go
    before mapping: batches of seven (an institution's units, a record's fields, a shared
    record in other batches than their subjects' first triples) give the graph, the
    per-source views and the report of one batch mapped here with every record held."""
    _with_area_rule(project_copy)  # the record fields table is mapped in batches too
    whole = pipeline.build(project_copy / "sources", project_copy / "mappings",
                           keep_tables=True)
    monkeypatch.setattr(mapper, "MAP_BATCH", 7)
    handed: list[int] = []  # batches mapped in a worker process, from the second on
    submit = map_workers.MapWorkers.submit
    monkeypatch.setattr(map_workers.MapWorkers, "submit",
                        lambda self, tables: (handed.append(1), submit(self, tables))[1])
    batched = pipeline.build(project_copy / "sources", project_copy / "mappings",
                             forget_records=True, map_workers=1)
    assert len(handed) > 10
    assert len(whole.agreements) > 7 * 10 and not batched.agreements
    assert all(not s.result.records and not s.lines for s in batched.sources)
    assert batched.graph.lines() == whole.graph.lines() and len(batched.graph) == len(
        whole.graph)
    assert b"".join(batched.graph.chunks()) == b"".join(whole.graph.chunks())
    assert {k: set(v) for k, v in batched.source_views.items()} == {
        k: set(v) for k, v in whole.source_views.items()}
    base = "https://example.org/"
    assert report.build_report(batched, None, base) == report.build_report(whole, None, base)
