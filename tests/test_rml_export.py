"""The RML export of the graph rules: morph-kgc, run on it and the bundled build's tidy tables,
makes the graph the build makes (no blank nodes, so isomorphic means equal triple sets).

morph-kgc pins older rdflib and pyoxigraph than exchange-kg, so it lives in a virtualenv of
its own; ``.ci/run`` creates one and sets BENCH_MORPH_PYTHON to its interpreter (the variable
the benchmark reads too). Without it (a developer's laptop) the morph-kgc test is skipped.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pyoxigraph
import pytest

from exchange_kg import pipeline, rml
from exchange_kg.rules import BUNDLED_RULES, load_rules
from exchange_kg.tables import TABLES
from exchange_kg.triples import TripleGraph

ROOT = Path(__file__).resolve().parents[1]
MORPH_PYTHON = os.environ.get("BENCH_MORPH_PYTHON", "")


def _triples(path: Path) -> set[pyoxigraph.Triple]:
    return set(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES))


def test_the_export_is_rml_that_names_every_table_and_term() -> None:
    rules = load_rules(BUNDLED_RULES)
    text = rml.rml_turtle(rules)
    graph = pyoxigraph.Store()
    graph.load(text.encode(), format=pyoxigraph.RdfFormat.TURTLE, base_iri="http://x/")
    maps = list(graph.quads_for_pattern(
        None, pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        pyoxigraph.NamedNode(rml.RML + "TriplesMap")))
    assert len(maps) == len(rules.maps)
    sources = {q.object.value for q in graph.quads_for_pattern(
        None, pyoxigraph.NamedNode(rml.RML + "source"), None)}
    assert sources == {f"{t}.csv" for t in TABLES} - {"record_fields.csv"}
    pairs = len(list(graph.quads_for_pattern(
        None, pyoxigraph.NamedNode(rml.RML + "predicateObjectMap"), None)))
    assert pairs == sum(len(m.po) for m in rules.maps)


@pytest.mark.skipif(not MORPH_PYTHON, reason="BENCH_MORPH_PYTHON (a virtualenv with morph-kgc, "
                    "made by .ci/run) is not set")
def test_morph_kgc_on_the_export_makes_our_graph(tmp_path: Path) -> None:
    index = None
    dump = os.environ.get("EXCHANGE_KG_ROR_DUMP")
    if dump:  # linked, so the links' tables are compared too
        from exchange_kg.link import load_dump

        index = load_dump(Path(dump))
    result = pipeline.build(ROOT / "sources", ROOT / "mappings", ror_index=index,
                            keep_tables=True)
    tables = {name: list(rows) for name, rows in result.builder.tables.items()}
    # values an RML processor must not take for NULL (pandas reads "NA", Namibia's code, as
    # missing), and cells CSV must quote (a newline, a quote, a comma)
    org = "https://example.org/institution/x"
    tables["organisations"].append((org, "nan", "None", f"{org}/address", "NA", ""))
    tables["org_alt_labels"] += [(org, "NULL"), (org, 'a "quoted",\nmulti-line\r\nname')]
    agreement = tables["agreements"][0][0]  # a remark in its document's language
    tables["agreement_remarks"].append((agreement, "durée indéterminée", "fr"))
    rules = load_rules(BUNDLED_RULES)
    graph = TripleGraph()
    rules.apply(tables, graph)
    assert set(result.graph.lines()) <= set(graph.lines())
    # label, 2 alt labels, knownAs, address (3), remark
    assert len(graph) == len(result.graph) + 8

    folder = tmp_path / "rml"
    rml.export(rules, tables, folder)
    config = folder / "morph.ini"
    config.write_text(rml.morph_kgc_config(folder).replace(
        "[CONFIGURATION]\n", f"[CONFIGURATION]\noutput_file={tmp_path / 'morph.nt'}\n"))
    proc = subprocess.run([MORPH_PYTHON, "-m", "morph_kgc", str(config)], cwd=folder,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    ours = tmp_path / "ours.nt"
    ours.write_text("".join(line + "\n" for line in graph.sorted_lines()), encoding="utf-8")
    theirs, mine = _triples(tmp_path / "morph.nt"), _triples(ours)
    assert len(mine) == len(graph)
    assert not mine - theirs, sorted(map(str, mine - theirs))[:5]
    assert not theirs - mine, sorted(map(str, theirs - mine))[:5]


def test_the_export_command_writes_the_rules_and_every_table_they_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from exchange_kg import cli

    monkeypatch.delenv("EXCHANGE_KG_ROR_DUMP", raising=False)
    out = tmp_path / "rml"
    result = CliRunner().invoke(cli.main, ["export-rml", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out / rml.MAPPING_FILE}" in result.output
    graph = pyoxigraph.Store()
    graph.load(path=str(out / rml.MAPPING_FILE), format=pyoxigraph.RdfFormat.TURTLE,
               base_iri="http://x/")
    sources = {q.object.value for q in graph.quads_for_pattern(
        None, pyoxigraph.NamedNode(rml.RML + "source"), None)}
    assert sources
    for name in sources:  # each names a CSV beside the rules, with its header and rows
        lines = (out / name).read_text(encoding="utf-8").splitlines()
        assert lines and lines[0], name
    assert len((out / "agreements.csv").read_text(encoding="utf-8").splitlines()) > 1000
