"""Originals of a partner list, made from the rows of its text extract.

Universities publish the spreadsheet, web page or PDF; the bundled sources are text extracts
of such documents. To test the format readers on real files without fetching or committing
any, this module writes the originals back from an extract's rows as read: an XLSX and an ODS
workbook with merged country cells (some groups with their label on a row of its own, groups
of one), an HTML page with rowspans, a Word document (python-docx) and an OpenDocument text
(odfpy) with vertically merged cells between a title and a note, a multi-page PDF table with
merged cells, a header repeated on every page and wrapped cells, and CSV files in a legacy
encoding with another delimiter and quoted cells over several lines.

Run as a script to write them into a folder: ``python tests/originals.py OUT [SOURCE-ID]``.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
FONT_MISSING = "no DejaVuSans.ttf for PDF text beyond Latin-1 (Debian: fonts-dejavu-core)"


@dataclass(frozen=True)
class Extract:
    """A list's rows as its text extract's reader read them, with its header and title."""

    columns: tuple[str, ...]
    header: tuple[str, ...]
    rows: list[dict[str, str]]
    merged: tuple[str, ...] = ()
    title: str = ""


def extract_rows(source_id: str, root: Path = ROOT) -> Extract:
    """Read a bundled extract through its mapping and return its rows (one per record)."""
    from exchange_kg.manifest import load_manifest
    from exchange_kg.mapping_spec import load_mapping
    from exchange_kg.pipeline import read_source

    docs = {d.id: d for d in load_manifest(root / "sources" / "manifest.yaml")}
    mapping = load_mapping(root / "mappings" / f"{source_id}.yaml")
    (section,) = mapping.sections
    options = section.options
    src = read_source(docs[source_id], mapping)
    columns = tuple(options["columns"])
    rows = [{c: rec.fields.get(c, "") for c in columns} for rec in src.result.records]
    return Extract(columns, tuple(options.get("header", columns)), rows,
                   tuple(options.get("merged", ())), docs[source_id].title or "")


@dataclass(frozen=True)
class Layout:
    """The rows of a merged-cell table: row texts, and the vertical merges of column 0."""

    rows: list[list[str]]  # header first
    merges: list[tuple[int, int]]  # (first, last) row index, inclusive, merged in column 0


def merged_layout(extract: Extract, label_rows_every: int = 3) -> Layout:
    """Group consecutive rows with one value of the merged column into one merged cell.

    Every ``label_rows_every``-th group of two or more rows gets its label on a row of its own
    above the group (inside the merge), as some lists print it; groups of one stay unmerged.
    """
    column = extract.merged[0] if extract.merged else extract.columns[0]
    k = extract.columns.index(column)
    rows: list[list[str]] = [list(extract.header)]
    merges: list[tuple[int, int]] = []
    groups: list[list[dict[str, str]]] = []
    for row in extract.rows:
        if groups and groups[-1][0][column] == row[column]:
            groups[-1].append(row)
        else:
            groups.append([row])
    big = 0
    for group in groups:
        first = len(rows)
        if len(group) > 1:
            big += 1
            if big % label_rows_every == 0:
                label_only = [""] * len(extract.columns)
                label_only[k] = group[0][column]
                rows.append(label_only)
        for n, row in enumerate(group):
            cells = [row[c] for c in extract.columns]
            if n or len(rows) > first:
                cells[k] = ""
            rows.append(cells)
        if len(rows) - first > 1:
            merges.append((first, len(rows) - 1))
    return Layout(rows, merges)


def typed(text: str) -> object:
    """A cell as a spreadsheet stores it: a full date as a date, a count as a number."""
    m = re.fullmatch(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", text)
    if m:
        try:
            return dt.date(*(int(g) for g in m.groups()))
        except ValueError:
            return text
    if re.fullmatch(r"\d{1,6}", text):
        return int(text)
    return text


def write_xlsx(layout: Layout, path: Path, sheet: str = "Partners") -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "About"
    notes["A1"] = "Partner list; the table is on the next sheet."
    ws = wb.create_sheet(sheet)
    for row in layout.rows:
        ws.append([typed(c) if c else None for c in row])
    for first, last in layout.merges:
        ws.merge_cells(start_row=first + 1, start_column=1, end_row=last + 1, end_column=1)
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy/mm/dd"
    wb.save(path)


def write_ods(layout: Layout, path: Path, sheet: str = "Partners") -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    about = Table(name="About")
    note, cell = TableRow(), TableCell(valuetype="string")
    cell.addElement(P(text="Partner list; the table is on the next sheet."))
    note.addElement(cell)
    about.addElement(note)
    doc.spreadsheet.addElement(about)
    table = Table(name=sheet)
    spans = {first: last - first + 1 for first, last in layout.merges}
    covered = {r for first, last in layout.merges for r in range(first + 1, last + 1)}
    for r, row in enumerate(layout.rows):
        tr = TableRow()
        for c, text in enumerate(row):
            if c == 0 and r in covered:
                tr.addElement(CoveredTableCell())
                continue
            extra = {"numberrowsspanned": spans[r]} if c == 0 and r in spans else {}
            value = typed(text) if text else None
            if isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat(), **extra)
            elif isinstance(value, int):
                cell = TableCell(valuetype="float", value=value, **extra)
            elif value is None:
                cell = TableCell(**extra)
            else:
                cell = TableCell(valuetype="string", **extra)
            if text:
                cell.addElement(P(text=text))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


def write_html(layout: Layout, path: Path, title: str = "") -> None:
    """A saved web page: a navigation table first, then the list with rowspans."""
    from html import escape

    spans = {first: last - first + 1 for first, last in layout.merges}
    covered = {r for first, last in layout.merges for r in range(first + 1, last + 1)}
    out = ["<!DOCTYPE html>", "<html><head><meta charset='utf-8'><title>Partners</title>",
           "</head><body>", "<table class='nav'><tr><td><a href='/'>Home</a></td>",
           "<td><a href='/intl'>International</a></td></tr></table>"]
    if title:
        out.append(f"<h1>{escape(title)}</h1>")
    out.append("<table id='partners'><caption>Partner institutions</caption>")
    for r, row in enumerate(layout.rows):
        tag = "th" if r == 0 else "td"
        cells = []
        for c, text in enumerate(row):
            if c == 0 and r in covered:
                continue
            span = f" rowspan='{spans[r]}'" if c == 0 and r in spans else ""
            cells.append(f"<{tag}{span}>{escape(text)}</{tag}>")
        out.append("  <tr>" + "".join(cells) + "</tr>")
    out.append("</table><p>Last updated by the International Office.</p></body></html>")
    path.write_text("\n".join(out), encoding="utf-8")


def write_docx(layout: Layout, path: Path, title: str = "", as_of: str = "",
               note: str = "") -> None:
    """A Word document as an office writes one: a title, an "as of" line, the table with its
    merged country cells (vertical merges) and a note below it."""
    import docx

    document = docx.Document()
    if title:
        document.add_heading(title, level=1)
    if as_of:
        document.add_paragraph(as_of)
    table = document.add_table(rows=0, cols=len(layout.rows[0]))
    table.style = "Table Grid"
    column = []
    for row in layout.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            if text:
                cell.text = text
        column.append(cells[0])
    # the merge marks Word writes (``_Cell.merge`` finds its cells anew each time: slow for a
    # long table)
    for first, last in layout.merges:
        column[first]._tc.vMerge = "restart"
        for r in range(first + 1, last + 1):
            column[r]._tc.vMerge = "continue"
    if note:
        document.add_paragraph(note)
    document.save(str(path))


def write_odt(layout: Layout, path: Path, title: str = "", as_of: str = "",
              note: str = "") -> None:
    """The same document as LibreOffice Writer saves it: spanned and covered cells."""
    from odf.opendocument import OpenDocumentText
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import H, P

    doc = OpenDocumentText()
    if title:
        doc.text.addElement(H(outlinelevel=1, text=title))
    if as_of:
        doc.text.addElement(P(text=as_of))
    table = Table(name="Partners")
    table.addElement(TableColumn(numbercolumnsrepeated=len(layout.rows[0])))
    spans = {first: last - first + 1 for first, last in layout.merges}
    covered = {r for first, last in layout.merges for r in range(first + 1, last + 1)}
    for r, row in enumerate(layout.rows):
        tr = TableRow()
        for c, text in enumerate(row):
            if c == 0 and r in covered:
                tr.addElement(CoveredTableCell())
                continue
            cell = TableCell(valuetype="string", **(
                {"numberrowsspanned": spans[r]} if c == 0 and r in spans else {}))
            if text:
                cell.addElement(P(text=text))
            tr.addElement(cell)
        table.addElement(tr)
    doc.text.addElement(table)
    if note:
        doc.text.addElement(P(text=note))
    doc.save(str(path))


def font_path() -> Path | None:
    return next((Path(p) for p in FONT_CANDIDATES if Path(p).is_file()), None)


def write_pdf(layout: Layout, path: Path, title: str = "", widths: Sequence[int] = ()) -> None:
    """A multi-page PDF table: merged cells, the header repeated on each page, wrapped cells."""
    from fpdf import FPDF

    font = font_path()
    if font is None:
        raise RuntimeError(FONT_MISSING)

    class Document(FPDF):
        def header(self) -> None:
            if title:
                self.set_font("body", size=8)
                self.cell(text=title, new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("body", size=8)
            self.cell(text=f"{self.page_no()}", align="C", w=0)

    pdf = Document(format="A4")
    pdf.add_font("body", fname=str(font))
    pdf.add_font("body", style="B", fname=str(font))
    pdf.set_font("body", size=8)
    pdf.add_page()
    spans = {first: last - first + 1 for first, last in layout.merges}
    covered = {r for first, last in layout.merges for r in range(first + 1, last + 1)}
    widths = tuple(widths) or (25, 100, 30, 15)[: len(layout.rows[0])]
    with pdf.table(col_widths=widths, repeat_headings=1, text_align="LEFT",
                   line_height=4) as table:
        for r, row in enumerate(layout.rows):
            tr = table.row()
            for c, text in enumerate(row):
                if c == 0 and r in covered:
                    continue
                if c == 0 and r in spans:
                    tr.cell(text, rowspan=spans[r])
                else:
                    tr.cell(text)
    pdf.output(str(path))


def write_csv(extract: Extract, path: Path, encoding: str = "cp1252", delimiter: str = ";",
              wrap_every: int = 5) -> None:
    """A CSV export: every row's own cells, a legacy encoding, ``;`` as Excel writes it in
    much of Europe, and every ``wrap_every``-th long text cell broken over two lines."""
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(extract.header)
        for n, row in enumerate(extract.rows):
            cells = [row[c] for c in extract.columns]
            if wrap_every and n % wrap_every == 0:
                cells = [_wrap(c) for c in cells]
            writer.writerow(cells)


def _wrap(text: str) -> str:
    """A long cell broken once at its middle space, as a line break typed into a cell."""
    if len(text) < 24 or " " not in text:
        return text
    middle = len(text) // 2
    cut = min((i for i, ch in enumerate(text) if ch == " "), key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1:]


def large_extract(extract: Extract, rows: int) -> Extract:
    """The extract's rows repeated (names numbered) up to ``rows`` rows, for timing."""
    out: list[dict[str, str]] = []
    n = 0
    while len(out) < rows:
        n += 1
        for row in extract.rows:
            copy = dict(row)
            for column in ("partner",):
                if copy.get(column):
                    copy[column] = f"{copy[column]} {n}"
            out.append(copy)
            if len(out) == rows:
                break
    return Extract(extract.columns, extract.header, out, extract.merged, extract.title)


def write_all(out: Path, source_id: str = "gse-partners") -> dict[str, Path]:
    """Every original of one source; returns format -> file."""
    out.mkdir(parents=True, exist_ok=True)
    extract = extract_rows(source_id)
    layout = merged_layout(extract)
    files = {
        "xlsx": out / f"{source_id}.xlsx",
        "ods": out / f"{source_id}.ods",
        "html": out / f"{source_id}.html",
        "csv": out / f"{source_id}.csv",
    }
    write_xlsx(layout, files["xlsx"])
    write_ods(layout, files["ods"])
    write_html(layout, files["html"], extract.title)
    write_csv(extract, files["csv"], encoding="utf-16" if _needs_unicode(extract) else "cp1252")
    if font_path() is not None:
        files["pdf"] = out / f"{source_id}.pdf"
        write_pdf(layout, files["pdf"], extract.title)
    return files


def _needs_unicode(extract: Extract) -> bool:
    try:
        "".join(v for row in extract.rows for v in row.values()).encode("cp1252")
    except UnicodeEncodeError:
        return True
    return False


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("originals")
    for fmt, file in write_all(target, *sys.argv[2:3]).items():
        print(f"{fmt}\t{file}")
