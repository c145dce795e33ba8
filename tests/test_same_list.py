"""One list in two files of a build (a workbook and its CSV export, a PDF and the workbook it
was printed from): the build stops naming both rather than publish every agreement twice;
two editions declared as one list merge; lists that merely overlap build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import originals
from conftest import ROOT
from exchange_kg.agreements import Agreement, Party
from exchange_kg.manifest import load_manifest
from exchange_kg.pipeline import build
from exchange_kg.records import SourceError
from exchange_kg.same_list import same_lists

SOURCE = "partners-agreement-types"


def two_files(folder: Path, list_id: str) -> Path:
    """The bundled list and its rows exported as a CSV file (``;``), the export
    with a mapping of its own whose `list:` is ``list_id``."""
    sources, mappings = folder / "sources", folder / "mappings"
    sources.mkdir(parents=True)
    mappings.mkdir()
    shutil.copy(ROOT / "sources" / f"{SOURCE}.tsv", sources)
    originals.write_csv(originals.extract_rows(SOURCE), sources / "export.csv",
                        encoding="utf-8", wrap_every=0)
    head, rest = (ROOT / "sources" / "manifest.yaml").read_text(encoding="utf-8").split(
        "documents:\n")
    entry = next(e for e in re.split(r"\n(?=  - id: )", rest)
                 if e.startswith(f"  - id: {SOURCE}\n")).rstrip() + "\n"
    export = entry.replace(f"id: {SOURCE}\n", "id: export\n").replace(
        f"file: {SOURCE}.tsv", "file: export.csv")
    (sources / "manifest.yaml").write_text(head + "documents:\n" + entry + export,
                                           encoding="utf-8")
    mapping = (ROOT / "mappings" / f"{SOURCE}.yaml").read_text(encoding="utf-8")
    (mappings / f"{SOURCE}.yaml").write_text(mapping, encoding="utf-8")
    (mappings / "export.yaml").write_text(
        mapping.replace(f"source: {SOURCE}", "source: export").replace(
            f"list: {SOURCE}", f"list: {list_id}"), encoding="utf-8")
    return folder


def test_one_list_in_two_files_stops_the_build_naming_both(tmp_path: Path) -> None:
    folder = two_files(tmp_path, "export")
    with pytest.raises(SourceError) as caught:
        build(folder / "sources", folder / "mappings")
    message = str(caught.value)
    assert f"{SOURCE}.tsv" in message and "export.csv" in message
    assert "twice" in message and "same `list:`" in message


def test_two_files_declared_one_list_merge(tmp_path: Path) -> None:
    folder = two_files(tmp_path, SOURCE)
    both = build(folder / "sources", folder / "mappings")
    assert {a.list_id for a in both.agreements} == {SOURCE}
    assert sum(a.source_ids == [SOURCE, "export"] for a in both.agreements) \
        >= 0.9 * len(both.agreements)


def _rows(names: list[str], country: str = "DE") -> list[Agreement]:
    return [Agreement(list_id="", level=None, publisher_key="p", home_unit=None,
                      parties=(Party(name, country=country),)) for name in names]


def test_lists_that_overlap_or_are_short_are_different_lists() -> None:
    """All partners and those of one region share rows, one side only; two lists of two
    partners may well agree; a name written with other spaces and case is the same row."""
    docs = {d.id: d for d in load_manifest(ROOT / "sources" / "manifest.yaml")}
    a, b = list(docs.values())[:2]
    everyone = [f"Universität {k}" for k in "ABCDEFGHIJ"]
    assert same_lists([(a, "all", _rows(everyone)), (b, "some", _rows(everyone[:4]))]) == []
    assert same_lists([(a, "x", _rows(everyone[:2])), (b, "y", _rows(everyone[:2]))]) == []
    spaced = [f"UNIVERSITÄT  {k}." for k in "ABCDEFGHIJ"]
    assert same_lists([(a, "x", _rows(everyone)), (b, "y", _rows(spaced))]) == [(a, b, 10)]
    assert same_lists([(a, "x", _rows(everyone)), (b, "y", _rows(everyone, "AT"))]) == []
