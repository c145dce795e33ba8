"""The whole build on the real sources: conformance, accounting, determinism, stable IRIs."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from conftest import ROOT, run_build
from exchange_kg.manifest import load_manifest
from exchange_kg.mapping_spec import load_mappings
from exchange_kg.pipeline import read_source
from exchange_kg.records import LineStatus
from exchange_kg.vocab import XKG


def test_build_conforms_and_writes_every_output(dist: Path) -> None:
    from exchange_kg.outputs import FILES

    for name in FILES:
        assert (dist / name).stat().st_size > 0, name
    report = json.loads((dist / "report.json").read_text())
    assert report["validation"]["conforms"] is True
    assert report["validation"]["violations"] == 0
    assert report["totals"]["agreements"] > 900


def test_every_non_blank_line_is_accounted_for_exactly_once() -> None:
    docs = load_manifest(ROOT / "sources" / "manifest.yaml")
    mappings = load_mappings(ROOT / "mappings")
    for doc in docs:
        src = read_source(doc, mappings[doc.id])
        for n in src.non_blank:
            disp = src.result.dispositions[n]
            assert disp.kind != "unaccounted", f"{doc.file_name}:{n} not accounted by a reader"
            if disp.status is LineStatus.UNREADABLE:
                assert disp.reason, f"{doc.file_name}:{n} unreadable without a reason"
        used = {line for rec in src.result.records for line in rec.lines}
        record_lines = {n for n, d in src.result.dispositions.items()
                        if d.status is LineStatus.RECORD}
        assert used == record_lines, doc.file_name


def test_report_accounts_for_all_lines(dist: Path) -> None:
    report = json.loads((dist / "report.json").read_text())
    assert report["totals"]["accounted_percent"] == 100.0
    for s in report["sources"]:
        ln = s["lines"]
        assert ln["record"] + ln["layout"] + ln["unreadable"] == ln["non_blank"], s["id"]


def test_tohoku_self_checks_pass(dist: Path) -> None:
    report = json.loads((dist / "report.json").read_text())
    tohoku = next(s for s in report["sources"] if s["id"] == "tohoku-agreements-2016")
    assert tohoku["checks"], "Tohoku states totals and counts; they must be checked"
    failed = [c for c in tohoku["checks"] if not c["passed"]]
    assert not failed, failed


def test_two_builds_are_byte_identical(dist: Path, tmp_path: Path) -> None:
    proc = run_build(tmp_path / "again")
    assert proc.returncode == 0, proc.stderr
    for name in ("exchange-kg.ttl", "exchange-kg.nt", "exchange-kg.nt.gz", "exchange-kg.nq",
                 "exchange-kg.nq.gz", "report.json", "report.md"):
        assert (dist / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


def test_turtle_round_trips_to_an_isomorphic_graph(dist: Path) -> None:
    from_ttl = Graph().parse(dist / "exchange-kg.ttl", format="turtle")
    from_nt = Graph().parse(dist / "exchange-kg.nt", format="nt")
    assert len(from_ttl) == len(from_nt) > 10_000
    assert isomorphic(from_ttl, from_nt)


def test_named_graphs_union_is_the_graph(dist: Path) -> None:
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(dist / "exchange-kg.nq", format="nquads")
    union = Graph()
    names = set()
    for s, p, o, g in ds.quads((None, None, None, None)):
        names.add(str(g))
        union.add((s, p, o))
    whole = Graph().parse(dist / "exchange-kg.nt", format="nt")
    assert len(names) == 7  # five sources, the ontology, its concept schemes
    # the N-Triples dump is the whole dataset (blank nodes are new in each parse: compared by
    # number, the rest triple for triple)
    def named(g: Graph) -> set[tuple[object, object, object]]:
        return {t for t in g if not any(isinstance(x, BNode) for x in t)}

    assert len(union) == len(whole) and named(union) == named(whole)


def _agreement_iris(out: Path) -> set[str]:
    g = Graph().parse(out / "exchange-kg.nt", format="nt")
    return {str(s) for s in g.subjects(RDF.type, XKG.Agreement)}


def _insert_line(path: Path, after: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(after, text)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_iris_survive_a_row_inserted_elsewhere(dist: Path, project_copy: Path) -> None:
    before = _agreement_iris(dist)
    src = project_copy / "sources"
    # a new labelled row in the merged-cell table, a new numbered row, a new typed row
    _insert_line(src / "gse-partners.tsv", 2,
                 "Japan\tExample Institute of Technology\t2020/04/01\t5")
    _insert_line(src / "pl-partner-universities-2026.tsv", 10,
                 "7\tArgentyna\tRosario\tUniversidad Nacional de Rosario\t2025-2030\t"
                 "https://unr.edu.ar/\tAmeryka Południowa")
    _insert_line(src / "partners-agreement-types.tsv", 5, "Austria\tTU Wien\tErasmus+")
    proc = run_build(project_copy / "dist", "--no-validate", cwd=project_copy)
    assert proc.returncode == 0, proc.stderr
    after = _agreement_iris(project_copy / "dist")
    assert before <= after, sorted(before - after)[:5]
    assert len(after - before) == 3


def test_iris_are_minted_under_the_configured_base(tmp_path: Path) -> None:
    base = "https://data.example.org/exchange/"
    proc = run_build(tmp_path / "dist", "--base", base)
    assert proc.returncode == 0, proc.stderr  # the shapes check IRI paths, not the base
    g = Graph().parse(tmp_path / "dist" / "exchange-kg.nt", format="nt")
    minted = {s for s in g.subjects() if "/agreement/" in str(s) or "/institution/" in str(s)}
    assert minted and all(str(s).startswith(base) for s in minted)
    report = json.loads((tmp_path / "dist" / "report.json").read_text())
    assert report["base"] == base
