"""Two universities of one name in two countries publishing lists ("University of Georgia"
in Athens, US and in Tbilisi) are two hosts when their manifests say their countries: they
were one host IRI, each given the other's agreements."""

from __future__ import annotations

import os
from pathlib import Path

from rdflib import Graph, URIRef

from conftest import run_build

HOME = URIRef("https://w3id.org/exchange-kg/ontology#homeInstitution")


def _project(root: Path, countries: tuple[str, str]) -> Path:
    (root / "sources").mkdir(parents=True)
    (root / "mappings").mkdir()
    manifest = ["documents:"]
    for doc_id, country, partner in (("uga-us", countries[0], "Universität Wien"),
                                     ("uga-ge", countries[1], "Universität Graz")):
        (root / "sources" / f"{doc_id}.csv").write_text(
            f"Country;University\nAustria;{partner}\n", encoding="utf-8")
        manifest += [f"  - id: {doc_id}", f"    file: {doc_id}.csv", "    title: null",
                     f"    label: {doc_id}", "    language: en", "    as_of: null",
                     f"    original_file_name: {doc_id}.csv", "    publisher:",
                     "      name: University of Georgia", "      evidence: its own page",
                     f"      country: {country}"]
        (root / "mappings" / f"{doc_id}.yaml").write_text(
            f"source: {doc_id}\nlist: {doc_id}\nsections:\n  - name: rows\n    reader:\n"
            "      name: simple-table\n      options:\n        columns: [country, partner]\n"
            "        header: [Country, University]\n        delimiter: ';'\n"
            "    fields:\n      country: country\n      partner: partner\n"
            "    constants:\n      level: university\n", encoding="utf-8")
    (root / "sources" / "manifest.yaml").write_text("\n".join(manifest) + "\n", "utf-8")
    return root


def test_hosts_of_one_name_in_two_countries_are_two_institutions(tmp_path: Path) -> None:
    project = _project(tmp_path / "p", ("US", "Georgia"))
    env = {**os.environ, "EXCHANGE_KG_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("EXCHANGE_KG_ROR_DUMP", None)
    proc = run_build(tmp_path / "dist", "--no-cache", "--no-validate", cwd=project, env=env)
    assert proc.returncode == 0, proc.stderr
    graph = Graph().parse(tmp_path / "dist" / "exchange-kg.nt", format="nt")
    hosts = set(graph.objects(None, HOME))
    assert len(hosts) == 2
