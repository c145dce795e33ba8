"""How long reading a partner list takes in each format it is published in.

    python bench/formats.py                 # the originals of gse-partners and 10,000-row ones
    python bench/formats.py --rows 50000    # another large size
    python bench/formats.py --formats text,html,docx,odt   # some formats only

For each format (XLSX, ODS, HTML, DOCX, ODT, CSV, PDF) the originals of
``sources/gse-partners.tsv`` (written by tests/originals.py,
as the format tests write them) are read twice over: "open" is the format layer alone (file ->
located lines), "read" adds the layout reader of the list's mapping (merged-cell-table), as
``exchange-kg build`` reads a source. Figures are the median of ``--repeat`` runs in this
process, each reading the file anew (the small documents after one warm-up run, which imports
the format's reader). The text extract is the baseline.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import originals  # noqa: E402
from exchange_kg.formats import clear_cache, open_view  # noqa: E402
from exchange_kg.manifest import Document, Publisher  # noqa: E402
from exchange_kg.mapping_spec import load_mapping  # noqa: E402
from exchange_kg.pipeline import read_source  # noqa: E402

OPTIONS = {"xlsx": {"sheet": "Partners"}, "ods": {"sheet": "Partners"},
           "html": {"table": "partners"}}


FORMATS = ("text", "xlsx", "ods", "html", "docx", "odt", "csv", "pdf")


def write(folder: Path, extract: originals.Extract, name: str,
          formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    layout = originals.merged_layout(extract)
    files = {fmt: folder / f"{name}.{'tsv' if fmt == 'text' else fmt}" for fmt in formats}
    if "pdf" in files and originals.font_path() is None:
        del files["pdf"]
    writers = {
        "text": lambda p: p.write_text("".join("\t".join(r) + "\n" for r in layout.rows),
                                       encoding="utf-8"),
        "xlsx": lambda p: originals.write_xlsx(layout, p),
        "ods": lambda p: originals.write_ods(layout, p),
        "html": lambda p: originals.write_html(layout, p, extract.title),
        "docx": lambda p: originals.write_docx(layout, p, extract.title),
        "odt": lambda p: originals.write_odt(layout, p, extract.title),
        "csv": lambda p: originals.write_csv(extract, p, encoding="utf-16"),
        "pdf": lambda p: originals.write_pdf(layout, p, extract.title),
    }
    for fmt, path in files.items():
        writers[fmt](path)
    return files


def median_seconds(run, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        clear_cache()  # each run reads the file
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(files: dict[str, Path], repeat: int, warm_up: bool
            ) -> list[tuple[str, int, int, float, float]]:
    base = load_mapping(ROOT / "mappings" / "gse-partners.yaml")
    out = []
    for fmt, path in files.items():
        options = OPTIONS.get(fmt, {})
        section = base.sections[0]
        section = dataclasses.replace(section, options={**section.options, **options})
        mapping = dataclasses.replace(base, sections=(section,))
        doc = Document(id="gse-partners", path=path, title=None, label="bench", language="en",
                       publisher=Publisher(None, "bench", "bench"), as_of=None,
                       original_file_name=path.name)
        if warm_up:  # the format's reader is imported on first use
            clear_cache()
            open_view(path, [section.options])
        opened = median_seconds(lambda p=path, o=section.options: open_view(p, [o]), repeat)
        lines = len(open_view(path, [section.options]).lines)
        read = median_seconds(lambda d=doc, m=mapping: read_source(d, m), repeat)
        records = len(read_source(doc, mapping).result.records)  # cached view: reader only
        out.append((fmt, lines, records, opened, read))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the large documents")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (median)")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"comma-separated, of {', '.join(FORMATS)} (default: all)")
    args = parser.parse_args()
    formats = tuple(f for f in FORMATS if f in args.formats.split(","))
    extract = originals.extract_rows("gse-partners")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for label, ex in (("gse-partners", extract),
                          (f"{args.rows} rows", originals.large_extract(extract, args.rows))):
            files = write(folder, ex, label.replace(" ", "-"), formats)
            print(f"\n{label}: {len(ex.rows)} partner rows")
            print(f"{'format':<6} {'size':>9} {'lines':>7} {'records':>7} "
                  f"{'open s':>8} {'read s':>8} {'rows/s':>9}")
            small = len(ex.rows) < 1000
            for fmt, lines, records, opened, read in measure(files, args.repeat, small):
                size = files[fmt].stat().st_size
                print(f"{fmt:<6} {size:>9,} {lines:>7,} {records:>7,} {opened:>8.3f} "
                      f"{read:>8.3f} {lines / read:>9,.0f}")


if __name__ == "__main__":
    main()
