"""A line break inside a cell reaches the readers the same way from every format: the cell's
lines apart by U+2028 (LINE SEPARATOR), never a newline (a line is one row) nor a space (which
loses where an institution's name ends and its unit's begins). Each document is written as
its own writer writes it (openpyxl, odfpy, csv, python-docx, lxml, fpdf2)."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest

import originals
from exchange_kg.formats import clear_cache, open_view
from exchange_kg.formats.grid import LINE_BREAK
from exchange_kg.propose import propose, read_with
from test_formats_word import write_odt_blocks

NAME, UNIT = "Universität Stuttgart", "Fakultät Chemie"
SECOND = ("Universidad de Granada", "Facultad de Ciencias")
HEADER = ["Country", "University", "Places"]
ROWS = [["Germany", f"{NAME}\n{UNIT}", "2"], ["Italy", "Università di Padova", "1"],
        ["Spain", "\n".join(SECOND), "3"]]
EXPECTED = ["Country\tUniversity\tPlaces", f"Germany\t{NAME}{LINE_BREAK}{UNIT}\t2",
            "Italy\tUniversità di Padova\t1", f"Spain\t{LINE_BREAK.join(SECOND)}\t3"]


def write_xlsx(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for row in [HEADER, *ROWS]:
        book.active.append([int(c) if c.isdigit() else c for c in row])
    book.save(path)


def write_ods(path: Path) -> None:
    """A paragraph per line in one cell, and a line break inside one paragraph (which the
    workbook reader used to drop, gluing "GranadaFacultad")."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import LineBreak, P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Partners")
    for r, row in enumerate([HEADER, *ROWS]):
        tr = TableRow()
        for text in row:
            cell = TableCell(valuetype="float", value=text) if text.isdigit() else \
                TableCell(valuetype="string")
            if r == 3 and "\n" in text:
                p = P(text=SECOND[0])
                p.addElement(LineBreak())
                p.addText(SECOND[1])
                cell.addElement(p)
            else:
                for line in text.split("\n"):
                    cell.addElement(P(text=line))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))


def write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *ROWS])


def write_docx(path: Path) -> None:
    """A second paragraph in one cell, a ``<w:br/>`` in the other."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=0, cols=3)
    for r, row in enumerate([HEADER, *ROWS]):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            first, *rest = text.split("\n")
            cell.text = first
            if r == 3 and rest:
                run = cell.paragraphs[0].runs[0]
                run.add_break()
                run.add_text(rest[0])
            else:
                for line in rest:
                    cell.add_paragraph(line)
    document.save(str(path))


def write_odt(path: Path) -> None:
    write_odt_blocks(path, [("table", [[c.split("\n") for c in row]
                                       for row in [HEADER, *ROWS]])])
    with zipfile.ZipFile(path) as z:  # the second cell's lines as one paragraph's
        parts = {n: z.read(n) for n in z.namelist()}
    ns = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    assert ns.encode() in parts["content.xml"]
    parts["content.xml"] = parts["content.xml"].replace(
        f"<text:p>{SECOND[0]}</text:p><text:p>{SECOND[1]}</text:p>".encode(),
        f"<text:p>{SECOND[0]}<text:line-break/>{SECOND[1]}</text:p>".encode())
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), parts.pop("mimetype"))
        for name, data in parts.items():
            z.writestr(name, data)


def write_html(path: Path) -> None:
    """A ``<br>`` in one cell, two ``<p>`` in the other; the page's own newlines and indent
    inside a cell are white space, no breaks."""
    path.write_text(
        "<html><body><table><tr><th>Country</th><th>University</th><th>Places</th></tr>"
        f"<tr><td>Germany</td><td>\n  {NAME} <br>\n  {UNIT}\n</td><td>2</td></tr>"
        "<tr><td>Italy</td><td>Università\n di Padova</td><td>1</td></tr>"
        f"<tr><td>Spain</td><td><p>{SECOND[0]}</p><p></p>\n<p>{SECOND[1]}</p></td>"
        "<td>3</td></tr></table></body></html>", encoding="utf-8")


def write_pdf(path: Path) -> None:
    """Ruled cells: the text typed over two lines, and a long name the cell's width wraps
    (which stays one line: nothing in a PDF tells a wrap from a break but the room left)."""
    from fpdf import FPDF

    font = originals.font_path()
    if font is None:
        pytest.skip(originals.FONT_MISSING)
    pdf = FPDF()
    for style in ("", "B"):
        pdf.add_font("body", style=style, fname=str(font))
    pdf.set_font("body", size=9)
    pdf.add_page()
    with pdf.table(col_widths=(30, 80, 20), text_align="LEFT") as table:
        for row in [HEADER, *ROWS, ["Chile", LONG, "1"]]:
            tr = table.row()
            for text in row:
                tr.cell(text)
    pdf.output(str(path))


LONG = ("Pontificia Universidad Católica de Valparaíso Facultad de Ciencias del Mar y de "
        "Geografía")
WRITERS = {"xlsx": write_xlsx, "ods": write_ods, "csv": write_csv, "docx": write_docx,
           "odt": write_odt, "html": write_html, "pdf": write_pdf}


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_a_line_break_in_a_cell_reaches_the_readers_as_a_line_separator(
        fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"partners.{fmt}"
    WRITERS[fmt](path)
    clear_cache()
    lines = [line for line in open_view(path, [{}]).lines if line]
    assert lines[:4] == EXPECTED
    if fmt == "pdf":  # wrapped by the cell's width: one line, as before
        assert lines[4] == f"Chile\t{LONG}\t1"
    # the readers' fields carry it: the normaliser can tell the unit's line from the name's
    src = read_with(propose(path, "partners"), path)
    assert [r.fields["partner"] for r in src.result.records][:3] == [
        f"{NAME}{LINE_BREAK}{UNIT}", "Università di Padova", LINE_BREAK.join(SECOND)]
    assert all(r.raw.count("\n") == len(r.lines) - 1 for r in src.result.records)


def test_a_tab_inside_a_word_cell_stays_in_its_cell(tmp_path: Path) -> None:
    """A tab typed in a cell is no cell separator: the row keeps its columns."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "University", "Places"
    run = table.cell(1, 0).paragraphs[0].add_run("Kyoto University")
    run.add_tab()
    run.add_text("Japan")
    table.cell(1, 1).text = "2"
    path = tmp_path / "tab.docx"
    document.save(str(path))
    assert open_view(path, [{}]).lines == ["University\tPlaces", "Kyoto University Japan\t2"]


def test_new_mapping_reads_cells_over_two_lines_in_title_and_header(tmp_path: Path) -> None:
    """A title cell and header cells over two lines: the proposed mapping reads the table
    (its header as the cells say it), the manifest entry's title is one line."""
    import openpyxl

    from exchange_kg.propose import manifest_entry

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Partnerhochschulen\nFakultät Chemie"], [],
                ["Land", "Partner-\nhochschule", "Plätze\n(pro Jahr)"],
                ["Deutschland", f"{NAME}\n{UNIT}", 2], ["Italien", "Università di Padova", 1],
                ["Spanien", "Universidad de Granada", 3]):
        sheet.append(row)
    path = tmp_path / "partner.xlsx"
    book.save(path)
    proposal = propose(path, "partner")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options["header"] == ["Land", f"Partner-{LINE_BREAK}hochschule",
                                 f"Plätze{LINE_BREAK}(pro Jahr)"]
    src = read_with(proposal, path)  # the mapping's YAML written and read back
    assert [(r.fields["partner"], r.fields["quota"]) for r in src.result.records] == [
        (f"{NAME}{LINE_BREAK}{UNIT}", "2"), ("Università di Padova", "1"),
        ("Universidad de Granada", "3")]
    assert "    title: 'Partnerhochschulen Fakultät Chemie'" in manifest_entry(proposal, path)
