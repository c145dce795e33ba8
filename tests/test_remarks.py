"""A remarks column ("Remarques", "Bemerkungen", "Observaciones") is published as the list
writes it: an xkg:remark on the agreement, tagged with the document's language, never read
into other fields and never lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_build
from exchange_kg import pipeline
from exchange_kg.propose import propose, read_with
from exchange_kg.propose.columns import header_field

LIST = """Pays;Établissement partenaire;Date de signature;Remarques
Allemagne;Universität Stuttgart;12/03/2021;durée indéterminée
Espagne;Universidad de Granada;05/10/2020;2 étudiants par an
Italie;Università di Bologna;01/09/2022;
Belgique;Université de Liège;14/02/2019;  nur   Master\u2028(à confirmer)
"""

MANIFEST = """documents:
  - id: fr-remarques
    file: fr-remarques.csv
    title: "Accords"
    label: "a list with a remarks column"
    language: fr
    publisher:
      known_as: "the institution that publishes this list"
      key: fr-remarques-publisher
    as_of: null
    original_file_name: remarques.csv
"""


@pytest.mark.parametrize(("cell", "language"), [
    ("Remarques", "fr"), ("Bemerkungen", "de"), ("Observaciones", "es"), ("Comments", "en"),
    ("Note", "en"), ("Uwagi", "pl"), ("Osservazioni", "it"), ("Observações", "pt"),
    ("備考", "ja")])
def test_a_remarks_header_names_the_remark_field(cell: str, language: str) -> None:
    assert header_field(cell) == ("remark", language)


def _project(tmp_path: Path) -> Path:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "fr-remarques.csv").write_text(LIST, encoding="utf-8")
    (sources / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    return sources / "fr-remarques.csv"


def test_new_mapping_reads_the_remarks_column_and_leaves_no_check_on_it(tmp_path: Path
                                                                       ) -> None:
    proposal = propose(_project(tmp_path), "fr-remarques")
    section = proposal.mapping["sections"][0]
    assert section["reader"]["options"]["columns"] == ["country", "partner", "start", "remark"]
    assert section["fields"]["remark"] == "text"
    assert "Remarques" not in "".join(c for c in proposal.comments.values()
                                      if c.startswith("CHECK"))


def test_a_remark_is_published_as_written_in_the_documents_language(tmp_path: Path) -> None:
    path = _project(tmp_path)
    proposal = propose(path, "fr-remarques")
    agreements = pipeline.source_agreements(read_with(proposal, path))
    remarks = {a.parties[0].name: a.remarks for a in agreements}
    assert remarks["Universität Stuttgart"] == (("durée indéterminée", "fr-remarques"),)
    assert remarks["Università di Bologna"] == ()  # an empty cell says nothing
    # white space (a line break in the cell too) as one space; nothing else changed
    assert remarks["Université de Liège"] == (("nur Master (à confirmer)", "fr-remarques"),)
    # a remark is not read into other fields: no quota, no open end from it
    stuttgart = next(a for a in agreements if a.parties[0].name == "Universität Stuttgart")
    assert stuttgart.open_ended is None and stuttgart.quota is None

    mappings = tmp_path / "mappings"
    mappings.mkdir()
    (mappings / "fr-remarques.yaml").write_text(proposal.yaml(), encoding="utf-8")
    result = pipeline.build(tmp_path / "sources", mappings)
    remark = "<https://w3id.org/exchange-kg/ontology#remark>"
    lines = sorted(line for line in result.graph.lines() if remark in line)
    assert [line.split(remark, 1)[1].strip().rstrip(" .") for line in lines] == sorted([
        '"durée indéterminée"@fr', '"2 étudiants par an"@fr', '"nur Master (à confirmer)"@fr'])
    # and the build validates: the shapes accept a remark in its language
    env = {k: v for k, v in os.environ.items() if k != "EXCHANGE_KG_ROR_DUMP"}
    proc = run_build(tmp_path / "dist", "--sources", str(tmp_path / "sources"),
                     "--mappings", str(mappings), env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"2 étudiants par an"@fr' in (tmp_path / "dist" / "exchange-kg.nt").read_text("utf-8")
