"""Evidence from other documents steers a reader's layout inference."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import ROOT
from exchange_kg import readers
from exchange_kg.manifest import Document, load_manifest
from exchange_kg.mapping_spec import Mapping, load_mappings
from exchange_kg.pipeline import known_countries, read_source, read_sources
from exchange_kg.records import ReadContext, SourceError

OPTIONS = {
    "columns": ["country", "partner", "start", "quota"],
    "header": ["Country/Area", "Partner", "Effective Since", "Quota"],
    "merged": ["country"],
}
# Geometry alone puts the unlabelled third row with Thailand's group below it (the label sits
# in the middle of a group); nothing in "Example Polytechnic Institute" names a country.
TABLE = [
    "Country/Area\tPartner\tEffective Since\tQuota",
    "Taiwan\tNational Taiwan University\t2011/05/16\t5",
    "\tExample Polytechnic Institute\t2020/01/01\t5",
    "\tChulalongkorn University\t2013/04/01\t10",
    "Thailand\tKasetsart University\t2020/01/24\t5",
    "\tMahidol University\t2017/07/27\t5",
    "\tKhon Kaen University\t2016/02/23\t5",
]


def countries(context: ReadContext | None) -> dict[str, str]:
    result = readers.get("merged-cell-table").read(TABLE, "t", OPTIONS, context)
    return {r.fields["partner"]: r.fields["country"] for r in result.records}


def test_layout_alone_decides_without_context() -> None:
    assert countries(None)["Example Polytechnic Institute"] == "Thailand"


def test_another_documents_explicit_label_is_evidence() -> None:
    context = ReadContext({"example polytechnic institute": ("TW",)})
    got = countries(context)
    assert got["Example Polytechnic Institute"] == "Taiwan"
    assert got["Khon Kaen University"] == "Thailand"


def test_known_countries_come_only_from_rows_with_their_own_label() -> None:
    documents, mappings = _bundled()
    docs = {d.id: d for d in documents}
    gse = read_source(docs["gse-partners"], mappings["gse-partners"])
    known = known_countries([gse])
    assert known["mahidol university"] == ("TH",)  # line 95: the Thailand label's own row
    assert "chulalongkorn university" not in known  # only ever in an inferred row there


def _bundled() -> tuple[list[Document], dict[str, Mapping]]:
    return load_manifest(ROOT / "sources" / "manifest.yaml"), load_mappings(ROOT / "mappings")


def test_reading_in_worker_processes_gives_the_same_sources() -> None:
    documents, mappings = _bundled()
    serial = read_sources(documents, mappings, workers=1)
    parallel = read_sources(documents, mappings, workers=2)
    assert [(s.document, s.lines, s.result, s.sections, s.agreements) for s in parallel] == [
        (s.document, s.lines, s.result, s.sections, s.agreements) for s in serial]
    assert all(s.agreements for s in parallel)  # normalised where read
    # the second look, with the other documents' evidence, happened in the workers too
    first_look = read_source(documents[0], mappings[documents[0].id])
    assert parallel[0].result != first_look.result


def test_a_source_error_in_a_worker_still_names_its_file_and_line(tmp_path: Path) -> None:
    documents, mappings = _bundled()
    broken = tmp_path / "broken.tsv"
    broken.write_bytes(b"fine\n\xff not UTF-8\n")
    documents[1] = dataclasses.replace(documents[1], path=broken)
    with pytest.raises(SourceError) as raised:
        read_sources(documents, mappings, workers=2)
    assert (raised.value.path, raised.value.line) == (str(broken), 2)
