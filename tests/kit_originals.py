"""Write kit lists in the formats universities publish, from a kit list's text extract.

    python tests/kit_originals.py es-convenios-etsii xlsx ods html
    python tests/kit_originals.py fr-accords-internationaux csv

For each format this writes ``tests/fixtures/unseen/<list>-<format>/``: the original (one row
per line of the extract, so row n of the original is line n of the extract and the list's
``expected.tsv`` holds unchanged), a manifest entry and the list's mapping with the reader
options that say where the table is. A merged column becomes real merged cells: the rows of one
expected country between two layout lines form one merged range labelled as the extract labels
the group, so the original states what the extract leaves to inference. The kit then scores the
original like any other list (tests/unseen_kit.py), its "line" being the row of the original.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import originals

KIT = Path(__file__).resolve().parent / "fixtures" / "unseen"
OPTIONS = {"xlsx": {"sheet": "Partners"}, "ods": {"sheet": "Partners"},
           "html": {"table": "partners"}, "csv": {"encoding": "cp1252", "delimiter": ";"}}


def read_extract(folder: Path) -> tuple[list[list[str]], dict[int, str], str]:
    """The extract's lines as cells, the expected country per line, and the merged column."""
    mapping = (folder / "mappings" / f"{folder.name}.yaml").read_text(encoding="utf-8")
    document = re.search(r"(?m)^    file: (.+)$",
                         (folder / "sources" / "manifest.yaml").read_text(encoding="utf-8"))
    assert document is not None
    text = (folder / "sources" / document.group(1).strip()).read_text(encoding="utf-8")
    delimiter = ";" if re.search(r"delimiter: ['\"];", mapping) else "\t"
    rows = [line.split(delimiter) for line in text.split("\n")]
    if rows and rows[-1] == [""]:
        rows.pop()
    expected: dict[int, str] = {}
    header: list[str] | None = None
    for line in (folder / "expected.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells, strict=True))
        expected.setdefault(int(row["line"]), row["country"])
    merged = re.search(r"merged: \[(\w+)\]", mapping)
    return rows, expected, merged.group(1) if merged else ""


def merges_of(rows: list[list[str]], expected: dict[int, str]) -> list[tuple[int, int]]:
    """Runs of rows with one expected country, label-only rows inside them included."""
    def label_only(i: int) -> bool:
        return bool(rows[i][0].strip()) and not any(c.strip() for c in rows[i][1:])

    runs: list[tuple[int, int]] = []
    start = country = None
    for i in range(len(rows) + 1):
        here = expected.get(i + 1)
        if here is not None and here == country:
            continue
        if here is None and i < len(rows) and label_only(i) and country is not None:
            continue
        if start is not None and i - 1 > start:
            runs.append((start, i - 1))
        start, country = (i, here) if here is not None else (None, None)
    return runs


def layout_of(rows: list[list[str]], expected: dict[int, str], column: int) -> originals.Layout:
    width = max(len(r) for r in rows)
    cells = [r + [""] * (width - len(r)) for r in rows]
    merges = merges_of(cells, expected)
    labels: dict[str, str] = {}  # country -> its label; a group split by a page break has one
    for first, last in merges:
        for i in range(first, last + 1):
            if cells[i][column]:
                labels.setdefault(expected[first + 1], cells[i][column])
    for first, last in merges:
        label = labels[expected[first + 1]]
        for i in range(first, last + 1):
            cells[i][column] = ""
        cells[first][column] = label
    return originals.Layout(cells, merges)


def write(name: str, fmt: str) -> Path:
    source = KIT / name
    rows, expected, merged = read_extract(source)
    mapping = (source / "mappings" / f"{name}.yaml").read_text(encoding="utf-8")
    columns = re.search(r"columns: \[([^\]]+)\]", mapping)
    assert columns is not None
    column = [c.strip() for c in columns.group(1).split(",")].index(merged) if merged else 0
    layout = layout_of(rows, expected, column) if merged else originals.Layout(rows, [])
    target = KIT / f"{name}-{fmt}"
    (target / "sources").mkdir(parents=True, exist_ok=True)
    (target / "mappings").mkdir(exist_ok=True)
    document = target / "sources" / f"{name}.{fmt}"
    if fmt == "xlsx":
        originals.write_xlsx(layout, document)
    elif fmt == "ods":
        originals.write_ods(layout, document)
    elif fmt == "html":
        originals.write_html(layout, document)
    elif fmt == "csv":  # cells as the extract has them, in a legacy encoding
        with document.open("w", encoding="cp1252", newline="") as f:
            csv.writer(f, delimiter=";").writerows(rows)
    else:
        raise SystemExit(f"unknown format {fmt!r}")
    new_id = f"{name}-{fmt}"
    manifest = (source / "sources" / "manifest.yaml").read_text(encoding="utf-8")
    manifest = re.sub(r"(?m)^  - id: .+$", f"  - id: {new_id}", manifest)
    manifest = re.sub(r"(?m)^    file: .+$", f"    file: {document.name}", manifest)
    (target / "sources" / "manifest.yaml").write_text(manifest, encoding="utf-8")
    mapping = re.sub(r"(?m)^source: .+$", f"source: {new_id}", mapping)
    extra = "".join(f"        {k}: {v!r}\n" for k, v in OPTIONS[fmt].items())
    mapping = re.sub(r"(?m)^        delimiter: .+\n", "", mapping)
    mapping = mapping.replace("      options:\n", "      options:\n" + extra, 1)
    header = (f"# Generated by tests/kit_originals.py from ../{name}/ as a {fmt.upper()} "
              "original: row n is line n of the extract.\n")
    (target / "mappings" / f"{new_id}.yaml").write_text(header + mapping, encoding="utf-8")
    (target / "expected.tsv").write_text(
        f"# Generated by tests/kit_originals.py: ../{name}/expected.tsv, line = row of the "
        f"{fmt.upper()} original.\n" + (source / "expected.tsv").read_text(encoding="utf-8"),
        encoding="utf-8")
    return target


if __name__ == "__main__":
    kit_list, *formats = sys.argv[1:]
    for fmt in formats:
        print(write(kit_list, fmt))
