"""Word (DOCX) and OpenDocument text (ODT) partner lists: tables with merged cells, paragraphs
as lines, several tables, lists typed as bullets, damaged files; written by real writers
(python-docx, odfpy) and read through the format layer, new-mapping and the build."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

import originals
from conftest import ROOT, run_build
from exchange_kg import pipeline
from exchange_kg.formats import clear_cache, detect_format, open_view
from exchange_kg.propose import manifest_entry, propose, read_with
from exchange_kg.propose.preview import preview
from exchange_kg.records import LineStatus, SourceError
from test_originals import build_project, make_project, substance
from unseen_kit import published

docx = pytest.importorskip("docx", reason="python-docx writes the Word documents these read")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in (
    ("w", W_NS), ("mc", "http://schemas.openxmlformats.org/markup-compatibility/2006"),
    ("wp", "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"),
    ("a", "http://schemas.openxmlformats.org/drawingml/2006/main"),
    ("wps", "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"),
    ("v", "urn:schemas-microsoft-com:vml")))


def _qn(name: str) -> str:
    return f"{{{W_NS}}}{name}"


def _grid_table(document: object, rows: list[list[str]]) -> object:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))  # type: ignore[attr-defined]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    return table


def region_tables(path: Path) -> Path:
    """A title, then a heading and a table per region, then a footer note."""
    document = docx.Document()
    document.add_heading("Partner universities", level=1)
    for region, rows in (("Europe", [("Italy", "Università di Padova"),
                                     ("Sweden", "Lund University"),
                                     ("Norway", "University of Oslo")]),
                         ("Asia", [("Japan", "Kyoto University"),
                                   ("Korea", "Korea University"),
                                   ("Taiwan", "National Taiwan University")])):
        document.add_heading(region, level=2)
        _grid_table(document, [["Country", "University"], *map(list, rows)])
    document.add_paragraph("Maintained by the International Office.")
    document.save(str(path))
    return path


# --- tables and paragraphs -------------------------------------------------------------------

def test_docx_merged_cells_take_their_places_on_the_grid(tmp_path: Path) -> None:
    """gridSpan, vMerge (restart/continue) and gridBefore, as Word writes them."""
    document = docx.Document()
    document.add_heading("Partnerhochschulen", level=1)
    document.add_paragraph("Stand: 01.10.2026")
    table = _grid_table(document, [["Land", "Hochschule", "Seit"],
                                   ["Spanien", "Universidad de Granada", "2019"],
                                   ["", "Universitat de Barcelona", "2020"],
                                   ["Asien", "", ""],
                                   ["Japan", "Kyoto University", "2021"]])
    table.cell(1, 0).merge(table.cell(2, 0))  # vertical: vMerge restart + continue
    table.cell(3, 0).merge(table.cell(3, 2))  # horizontal: gridSpan 3
    document.add_paragraph("Hinweis\tzur Liste")
    path = tmp_path / "liste.docx"
    document.save(str(path))
    view = open_view(path, [{}])
    assert view.lines == ["Partnerhochschulen", "Stand: 01.10.2026", "Land\tHochschule\tSeit",
                          "Spanien\tUniversidad de Granada\t2019",
                          "Spanien\tUniversitat de Barcelona\t2020", "Asien",
                          "Japan\tKyoto University\t2021", "Hinweis\tzur Liste"]
    assert [loc.text for loc in view.locations or []] == [
        "paragraph 1", "paragraph 2", *(f"table 1, row {r}" for r in range(1, 6)),
        "paragraph 3"]
    assert not view.dispositions  # nothing read as layout or lost before the reader


def test_docx_row_starting_right_of_the_grid_keeps_its_columns(tmp_path: Path) -> None:
    """``w:gridBefore``: a row whose first cell stands in the second grid column."""
    document = docx.Document()
    table = _grid_table(document, [["Country", "University"], ["Chile", "Universidad de Chile"],
                                   ["", "Universidad de Santiago"]])
    row = table.rows[2]._tr
    cells = row.findall(_qn("tc"))
    row.remove(cells[0])
    props = row.get_or_add_trPr()
    before = props.makeelement(_qn("gridBefore"), {_qn("val"): "1"})
    props.append(before)
    path = tmp_path / "list.docx"
    document.save(str(path))
    assert open_view(path, [{}]).lines[2] == "\tUniversidad de Santiago"


def test_odt_spanned_and_covered_cells_take_their_places(tmp_path: Path) -> None:
    layout = originals.Layout([["Country", "University"], ["Chile", "Universidad de Chile"],
                               ["", "Universidad de Santiago"], ["Peru", "Universidad de Lima"]],
                              merges=[(1, 2)])
    path = tmp_path / "list.odt"
    originals.write_odt(layout, path, title="Convenios", as_of="Actualizado al 15.01.2026",
                        note="Oficina de Relaciones Internacionales")
    view = open_view(path, [{}])
    assert view.lines == ["Convenios", "Actualizado al 15.01.2026", "Country\tUniversity",
                          "Chile\tUniversidad de Chile", "Chile\tUniversidad de Santiago",
                          "Peru\tUniversidad de Lima", "Oficina de Relaciones Internacionales"]
    assert (view.locations or [])[4].text == "table 1, row 3"


def test_list_paragraphs_carry_their_labels_as_the_document_shows_them(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Italy")
    for name in ("Università di Padova", "Politecnico di Milano"):
        document.add_paragraph(name, style="List Bullet")
    for name in ("Kyoto University", "Osaka University", "Tohoku University"):
        document.add_paragraph(name, style="List Number")
    broken = document.add_paragraph("University of Oslo")
    broken.add_run().add_break()
    broken.add_run("Faculty of Law")
    path = tmp_path / "list.docx"
    document.save(str(path))
    view = open_view(path, [{}])
    assert view.lines == ["Italy", "• Università di Padova", "• Politecnico di Milano",
                          "1.\tKyoto University", "2.\tOsaka University",
                          "3.\tTohoku University", "University of Oslo", "Faculty of Law"]
    assert [loc.text for loc in view.locations or []][-2:] == ["paragraph 7, line 1",
                                                               "paragraph 7, line 2"]


def test_word_numbering_counts_per_list_definition_and_restarts_where_told(
        tmp_path: Path) -> None:
    """Lists that share a definition count on together, as Word numbers them, unless one
    restarts with a start of its own; upper levels show in a level's label."""
    path = tmp_path / "list.docx"
    docx.Document().save(str(path))

    def lvl(ilvl: int, fmt: str, text: str, start: int = 1) -> str:
        return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/></w:lvl>')

    _rewrite(path, "word/numbering.xml", f"""<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="7">{lvl(0, "decimal", "%1.")}{lvl(1, "lowerLetter", "%1.%2)")}
</w:abstractNum><w:abstractNum w:abstractNumId="8">{lvl(0, "upperRoman", "%1", 4)}
</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0">
<w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num></w:numbering>""")

    def item(num: int, ilvl: int, text: str) -> str:
        return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/>'
                f"</w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")

    _replace_body(path, "<w:body>" + item(1, 0, "Kyoto University") + item(1, 1, "Faculty of Law")
                  + item(2, 0, "Osaka University") + item(3, 0, "Lund University")
                  + item(4, 0, "University of Oslo") + "</w:body>")
    assert open_view(path, [{}]).lines == [
        "1.\tKyoto University", "1.a)\tFaculty of Law", "2.\tOsaka University",
        "1.\tLund University", "IV\tUniversity of Oslo"]


def test_odt_lists_bullets_numbers_and_nested_levels(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.text import (
        List,
        ListItem,
        ListLevelStyleBullet,
        ListLevelStyleNumber,
        ListStyle,
        P,
        S,
        Tab,
    )

    doc = OpenDocumentText()
    bullets, numbers = ListStyle(name="B"), ListStyle(name="N")
    bullets.addElement(ListLevelStyleBullet(level=1, bulletchar="-"))
    numbers.addElement(ListLevelStyleNumber(level=1, numformat="1", numsuffix="."))
    numbers.addElement(ListLevelStyleNumber(level=2, numformat="a", numsuffix=")"))
    doc.automaticstyles.addElement(bullets)
    doc.automaticstyles.addElement(numbers)

    def items(style: str, names: list[str]) -> object:
        out = List(stylename=style)
        for name in names:
            item = ListItem()
            item.addElement(P(text=name))
            out.addElement(item)
        return out

    doc.text.addElement(P(text="Japan"))
    doc.text.addElement(items("B", ["Kyoto University", "Osaka University"]))
    numbered = items("N", ["Lund University", "University of Oslo"])
    numbered.childNodes[-1].addElement(items("N", ["Faculty of Law"]))
    doc.text.addElement(numbered)
    spaced = P(text="Country")
    spaced.addElement(Tab())
    spaced.addText("University")
    spaced.addElement(S(c=2))
    spaced.addText("(main)")
    doc.text.addElement(spaced)
    path = tmp_path / "list.odt"
    doc.save(str(path))
    assert open_view(path, [{}]).lines == [
        "Japan", "• Kyoto University", "• Osaka University", "1.\tLund University",
        "2.\tUniversity of Oslo", "a)\tFaculty of Law", "Country\tUniversity  (main)"]


def test_deleted_text_field_codes_and_content_controls(tmp_path: Path) -> None:
    """What Word shows: tracked insertions yes, deletions and field codes no; a paragraph in
    a content control is a paragraph of the body."""
    path = tmp_path / "list.docx"
    docx.Document().save(str(path))
    body = """<w:body>
<w:p><w:r><w:t xml:space="preserve">Kyoto </w:t></w:r><w:del><w:r><w:delText>Osaka</w:delText>
</w:r></w:del><w:ins><w:r><w:t>University</w:t></w:r></w:ins></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>
<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>01.10.2026</w:t></w:r>
<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:sdt><w:sdtContent><w:p><w:r><w:t>Lund University</w:t></w:r></w:p></w:sdtContent></w:sdt>
</w:body>"""
    _replace_body(path, body)
    assert open_view(path, [{}]).lines == ["Kyoto University", "01.10.2026", "Lund University"]


def test_a_row_struck_through_in_every_cell_is_reported_not_read(tmp_path: Path) -> None:
    """A Word table row whose every cell shows its text struck through (single or double) is
    how offices mark an agreement that ended: reported, not read (it was published as
    current). A row with a struck date beside its new one is read without the struck date
    (it is void: '2027 2029' was no date), as is a row with one struck cell."""
    document = docx.Document()
    table = _grid_table(document, [["Partner", "Country", "Until"],
                                   ["Universiteit Twente", "NL", "31.05.2029"],
                                   ["Aarhus Universitet", "DK", "31.05.2029"],
                                   ["Lunds universitet", "SE", "2027"],
                                   ["Université de Nantes", "FR", "31.05.2029"]])
    for cell in table.rows[1].cells:
        cell.paragraphs[0].runs[0].font.strike = True
    table.cell(2, 2).paragraphs[0].runs[0].font.strike = True
    table.cell(3, 2).paragraphs[0].runs[0].font.strike = True
    table.cell(3, 2).paragraphs[0].add_run(" 2029")
    for cell in table.rows[4].cells:
        cell.paragraphs[0].runs[0].font.double_strike = True
    path = tmp_path / "partner.docx"
    document.save(str(path))
    view = open_view(path, [{}])
    assert {n: d.status for n, d in view.dispositions.items()} == {
        2: LineStatus.UNREADABLE, 5: LineStatus.UNREADABLE}
    assert view.dispositions[2].reason == ("row 2 of table 1 is struck through (as an ended "
                                           "agreement is marked): not read")
    assert view.lines[2:4] == ["Aarhus Universitet\tDK\t31.05.2029",
                               "Lunds universitet\tSE\t2029"]
    # new-mapping's preview says why, not that a layout pattern may be missing
    shown = preview(propose(path, "partner"), path)
    assert "Not read: line 2: row 2 of table 1 is struck through" in shown
    assert "layout, may be missing" not in shown


def test_a_row_struck_through_by_a_character_style_is_reported_not_read(tmp_path: Path) -> None:
    """A run struck through by its character style ('Ausgelaufen', whose font strikes, or a
    style based on it) shows struck as a run struck directly: the row was published as
    current. A run of that style that turns the strike off is not struck."""
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    ended = document.styles.add_style("Ausgelaufen", WD_STYLE_TYPE.CHARACTER)
    ended.font.strike = True
    derived = document.styles.add_style("Alt", WD_STYLE_TYPE.CHARACTER)
    derived.base_style = ended
    table = _grid_table(document, [["Partner", "Land", "Bis"],
                                   ["Universitat Pompeu Fabra", "ES", "31.05.2029"],
                                   ["Aarhus Universitet", "DK", "31.05.2029"],
                                   ["Lunds universitet", "SE", "31.05.2029"],
                                   ["Université de Nantes", "FR", "31.05.2029"]])
    for r, style in ((1, "Ausgelaufen"), (3, "Alt"), (4, "Ausgelaufen")):
        for cell in table.rows[r].cells:
            cell.paragraphs[0].runs[0].style = document.styles[style]
    table.cell(4, 2).paragraphs[0].runs[0].font.strike = False
    path = tmp_path / "partner.docx"
    document.save(str(path))
    view = open_view(path, [{}])
    assert {n: d.reason for n, d in view.dispositions.items()} == {
        n: f"row {n} of table 1 is struck through (as an ended agreement is marked): not read"
        for n in (2, 4)}
    assert view.lines[4] == "Université de Nantes\tFR\t31.05.2029"


def test_rows_written_in_a_colour_a_legend_explains_are_reported_not_read(
        tmp_path: Path) -> None:
    """Rows in red type under a legend paragraph in red ('Partners in red: agreement
    terminated') were published as current: they are reported with the legend; a row with
    one red cell, and a colour no legend explains, are read."""
    from docx.shared import RGBColor

    document = docx.Document()
    table = _grid_table(document, [["Partner", "Country", "Until"],
                                   ["Aarhus Universitet", "DK", "31.05.2029"],
                                   ["Université de Bordeaux", "FR", "31.05.2029"],
                                   ["Universität Innsbruck", "AT", "31.05.2029"],
                                   ["Lunds universitet", "SE", "31.05.2029"]])
    for cell in table.rows[2].cells:
        cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(0xFF, 0, 0)
    table.cell(3, 0).paragraphs[0].runs[0].font.color.rgb = RGBColor(0xFF, 0, 0)
    for cell in table.rows[4].cells:
        cell.paragraphs[0].runs[0].font.color.rgb = RGBColor(0, 0, 0xFF)
    legend = document.add_paragraph().add_run("Partners in red: agreement terminated")
    legend.font.color.rgb = RGBColor(0xFF, 0, 0)
    path = tmp_path / "partner.docx"
    document.save(str(path))
    assert {n: d.reason for n, d in open_view(path, [{}]).dispositions.items()} == {
        3: "row 3 of table 1 is written in the colour the legend 'Partners in red: agreement "
           "terminated' explains: not read"}


def test_an_odt_row_struck_through_in_every_cell_is_reported_not_read(tmp_path: Path) -> None:
    """The same in Writer: a row whose cells' paragraphs (or spans) have a style striking
    their text through is reported; a struck date beside its new one is left out."""
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P, Span

    document = OpenDocumentText()
    struck = Style(name="Gestrichen", family="paragraph")
    struck.addElement(TextProperties(textlinethroughstyle="solid",
                                     textlinethroughtype="single"))
    span = Style(name="Alt", family="text")
    span.addElement(TextProperties(textlinethroughstyle="solid"))
    for style in (struck, span):
        document.automaticstyles.addElement(style)
    table = Table(name="Partner")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for name, until, style in (("Partner", "Bis", None), ("Universiteit Twente", "2029", struck),
                               ("Aarhus Universitet", None, None)):
        row = TableRow()
        for text in (name, until):
            cell = TableCell()
            if text is None:  # '2027' struck, then '2029'
                p = P()
                p.addElement(Span(stylename=span, text="2027"))
                p.addText(" 2029")
            else:
                p = P(stylename=style, text=text) if style else P(text=text)
            cell.addElement(p)
            row.addElement(cell)
        table.addElement(row)
    document.text.addElement(table)
    path = tmp_path / "partner.odt"
    document.save(str(path))
    view = open_view(path, [{}])
    assert {n: d.status for n, d in view.dispositions.items()} == {2: LineStatus.UNREADABLE}
    assert "struck through" in view.dispositions[2].reason
    assert view.lines[2] == "Aarhus Universitet\t2029"


def test_text_boxes_follow_their_paragraph_each_once(tmp_path: Path) -> None:
    """Word writes a text box twice (drawing, and its VML fallback): read once, located."""
    box = ("<w:txbxContent><w:p><w:r><w:t>Stand: 01.10.2026</w:t></w:r></w:p>"
           "</w:txbxContent>")
    path = tmp_path / "list.docx"
    docx.Document().save(str(path))
    _replace_body(path, f"""<w:body><w:p><w:r><w:t>Partnerhochschulen</w:t></w:r>
<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>
<a:graphicData><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></a:graphicData></a:graphic>
</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}
</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:p><w:r><w:t>Kyoto University</w:t></w:r></w:p></w:body>""")
    view = open_view(path, [{}])
    assert view.lines == ["Partnerhochschulen", "Stand: 01.10.2026", "Kyoto University"]
    assert [loc.text for loc in view.locations or []] == [
        "paragraph 1", "text box at paragraph 1", "paragraph 2"]
    from odf.draw import Frame, TextBox
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    doc = OpenDocumentText()
    title = P(text="Convenios")
    frame = Frame(anchortype="paragraph", width="5cm", height="1cm")
    text_box = TextBox()
    text_box.addElement(P(text="Actualizado al 15.01.2026"))
    frame.addElement(text_box)
    title.addElement(frame)
    doc.text.addElement(title)
    odt = tmp_path / "list.odt"
    doc.save(str(odt))
    view = open_view(odt, [{}])
    assert view.lines == ["Convenios", "Actualizado al 15.01.2026"]
    assert (view.locations or [])[1].text == "text box at paragraph 1"


def _replace_body(path: Path, body: str) -> None:
    """Rewrite a Word file's document.xml with ``body`` as its body (a real package)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                  f"<w:document {NAMESPACES}>{body}</w:document>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


# --- several tables ----------------------------------------------------------------------------

def test_several_tables_need_one_named_by_number_caption_or_heading(tmp_path: Path) -> None:
    path = region_tables(tmp_path / "partners.docx")
    with pytest.raises(SourceError, match=r"2 tables; .*`table:`.*1: heading 'Europe', 4 rows, "
                                          r"first 'Country \| University'; 2: heading 'Asia'"):
        open_view(path, [{}])

    def read(choice: object) -> list[str]:
        return [line for line in open_view(path, [{"table": choice}]).lines_for(0) if line]

    assert read("Asia")[1:] == ["Japan\tKyoto University", "Korea\tKorea University",
                                "Taiwan\tNational Taiwan University"]
    assert read(1)[1] == "Italy\tUniversità di Padova"
    assert len(read([1, 2])) == 8
    with pytest.raises(SourceError, match="no table with caption or heading 'Africa'"):
        open_view(path, [{"table": "Africa"}])
    with pytest.raises(SourceError, match="table 3 asked for; the Word document has 2"):
        open_view(path, [{"table": 3}])


def test_parts_the_mapping_does_not_read_are_reported_not_dropped(tmp_path: Path) -> None:
    path = region_tables(tmp_path / "partners.docx")
    view = open_view(path, [{"table": 1}])
    found = {view.lines[n - 1]: (d.status, d.reason) for n, d in view.dispositions.items()}
    assert found["Partner universities"] == (
        LineStatus.LAYOUT, "paragraphs 1-2 (text outside the tables) are not read by the "
        "mapping, which reads only the tables it names: a note, no table")
    assert found["Japan\tKyoto University"] == (
        LineStatus.UNREADABLE,
        "table 2 is not read by the mapping (a section with `table: 2` would read it)")
    assert found["Maintained by the International Office."][0] is LineStatus.LAYOUT
    # every non-blank line: read by the section, or accounted for with its reason
    own = view.section_lines[0]
    assert all(n in own or n in view.dispositions
               for n, line in enumerate(view.lines, start=1) if line.strip())


def test_a_preamble_over_tables_per_country_is_a_note_its_country_heading_aside(
        tmp_path: Path) -> None:
    """A title, a date stamp and a sentence of introduction above the first country's
    heading and table: with the heading read as that table's country, the three lines are
    the document's note (layout), where the four counted together were reported unread."""
    document = docx.Document()
    document.add_heading("Department of Physics - Erasmus+ agreements", level=1)
    document.add_paragraph("Call 2026/2027. List updated on 20/10/2025.")
    document.add_paragraph("For each partner the Erasmus code and the places are given.")
    for country, partner in (("France", "Sorbonne Université"), ("Spain", "Universidad de "
                                                                          "Salamanca")):
        document.add_heading(country, level=2)
        _grid_table(document, [["University", "Places"], [partner, "2"]])
    path = tmp_path / "per-country.docx"
    document.save(str(path))
    view = open_view(path, [{"table": [1, 2]}])
    found = {view.lines[n - 1]: (d.status, d.reason) for n, d in view.dispositions.items()}
    assert found["Call 2026/2027. List updated on 20/10/2025."] == (
        LineStatus.LAYOUT, "paragraphs 1-4 (text outside the tables) are not read by the "
        "mapping, which reads only the tables it names: a note, no table")
    assert view.lines[0] == "France"  # read as table 1's country


def test_new_mapping_reads_a_table_per_region_as_one_list(tmp_path: Path) -> None:
    path = region_tables(tmp_path / "partners.docx")
    proposal = propose(path, "by-region")
    assert [s["reader"]["options"]["table"] for s in proposal.mapping["sections"]] == [[1, 2]]
    src = read_with(proposal, path)
    assert {(a.country, a.parties[0].name) for a in pipeline.source_agreements(src)} == {
        ("IT", "Università di Padova"), ("SE", "Lund University"), ("NO", "University of Oslo"),
        ("JP", "Kyoto University"), ("KR", "Korea University"),
        ("TW", "National Taiwan University")}
    entry = manifest_entry(proposal, path)
    assert "title: 'Partner universities'" in entry


# --- a list written as paragraphs --------------------------------------------------------------

def test_a_list_typed_as_headings_and_bullets_is_proposed_as_an_outline(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Exchange partner universities", level=1)
    groups = {"Germany": ["Universität Heidelberg", "Technische Universität München"],
              "France": ["Université de Strasbourg", "Sorbonne Université"],
              "Japan": ["Kyoto University"]}
    for country, names in groups.items():
        document.add_heading(country, level=2)
        for name in names:
            document.add_paragraph(name, style="List Bullet")
    path = tmp_path / "partners.docx"
    document.save(str(path))
    proposal = propose(path, "outline")
    assert proposal.mapping["sections"][0]["reader"]["name"] == "outline-list"
    src = read_with(proposal, path)
    got = {(a.country, a.parties[0].name) for a in pipeline.source_agreements(src)}
    assert got == {("DE", "Universität Heidelberg"), ("DE", "Technische Universität München"),
                   ("FR", "Université de Strasbourg"), ("FR", "Sorbonne Université"),
                   ("JP", "Kyoto University")}
    assert not [d for d in src.result.dispositions.values() if d.status.value == "unreadable"]


# --- detection and damage ----------------------------------------------------------------------

def test_format_from_content_not_name(tmp_path: Path) -> None:
    word = region_tables(tmp_path / "partners.docx")
    odt = tmp_path / "list.odt"
    originals.write_odt(originals.Layout([["a", "b"]], []), odt)
    assert detect_format(shutil.copy(word, tmp_path / "download.bin")) == "docx"
    assert detect_format(shutil.copy(odt, tmp_path / "download.zip")) == "odt"
    xlsx = tmp_path / "book.xlsx"
    import openpyxl

    openpyxl.Workbook().save(xlsx)
    assert detect_format(shutil.copy(xlsx, tmp_path / "export.docx")) == "xlsx"


def test_a_truncated_word_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = region_tables(tmp_path / "partners.docx")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert detect_format(path) == "docx"  # too damaged to list: its name decides
    with pytest.raises(SourceError, match=r"partners.docx: cannot read the Word document "
                                          r"\(damaged or not a \.docx\)"):
        open_view(path, [{}])


def test_broken_xml_is_located_by_table_row_and_paragraph(tmp_path: Path) -> None:
    path = region_tables(tmp_path / "partners.docx")
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
    rows = [m.start() for m in re.finditer("<w:tr[ >]", xml)]
    cut = xml[: rows[6] + 40]  # the XML breaks off inside table 2's third row
    _rewrite(path, "word/document.xml", cut)
    with pytest.raises(SourceError, match=r"partners.docx: the Word document is damaged in "
                                          r"table 2, row 3 \(word/document.xml: "):
        open_view(path, [{}])
    odt = tmp_path / "list.odt"
    originals.write_odt(originals.Layout([["Country", "University"]], []), odt,
                        title="Convenios", as_of="2026")
    with zipfile.ZipFile(odt) as z:
        content = z.read("content.xml").decode()
    _rewrite(odt, "content.xml", content.replace("<table:table ", "<table:table <", 1))
    with pytest.raises(SourceError, match=r"list.odt: the OpenDocument text is damaged after "
                                          r"paragraph 2 \(content.xml: "):
        open_view(odt, [{}])


def _rewrite(path: Path, name: str, text: str) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[name] = text.encode()
    with zipfile.ZipFile(path, "w") as z:
        for part, data in parts.items():
            z.writestr(part, data, compress_type=zipfile.ZIP_STORED if part == "mimetype"
                       else zipfile.ZIP_DEFLATED)


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_a_damaged_part_is_a_source_error_never_a_crash(fmt: str, tmp_path: Path) -> None:
    """Bytes changed, cut out or markup pasted into the body and list parts (seeded): each
    damaged file reads, or stops with an error naming the file; nothing else escapes."""
    import random

    path = tmp_path / f"list.{fmt}"
    layout = originals.Layout([["Country", "University"], ["Chile", "Universidad de Chile"],
                               ["", "Universidad de Santiago"]], merges=[(1, 2)])
    (originals.write_docx if fmt == "docx" else originals.write_odt)(
        layout, path, title="Partners", as_of="As of 2026", note="Note")
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    targets = (["word/document.xml", "word/numbering.xml", "word/styles.xml"] if fmt == "docx"
               else ["content.xml", "styles.xml"])
    pasted = [b"<w:p>", b"</w:tc>", b'w:val="x"', b'<w:gridSpan w:val="-5"/>', b"<w:vMerge/>",
              b'<w:gridBefore w:val="5000000"/>', b"<text:p>", b"</table:table-row>",
              b'<table:table-cell table:number-columns-repeated="5000000"><text:p>x</text:p>'
              b"</table:table-cell>"]
    rng = random.Random(7)
    outcomes = set()
    for k in range(60):
        target = targets[k % len(targets)]
        data = bytearray(parts[target])
        at = rng.randrange(len(data))
        if k % 3 == 0:
            data[at] = rng.choice(b'<>"&/=\x00')
        elif k % 3 == 1:
            del data[at:at + rng.randint(1, 40)]
        else:
            data[at:at] = rng.choice(pasted)
        with zipfile.ZipFile(path, "w") as z:  # one damage at a time
            for name, content in {**parts, target: bytes(data)}.items():
                z.writestr(name, content, compress_type=zipfile.ZIP_STORED
                           if name == "mimetype" else zipfile.ZIP_DEFLATED)
        try:
            view = open_view(path, [{}])
            assert len(view.lines) < 10_000  # no row or cell repeated without bound
            assert all(line.count("\t") < 2 * 1000 for line in view.lines)
            outcomes.add("read")
        except SourceError as exc:
            assert str(exc).startswith(str(path))
            outcomes.add("error")
    assert outcomes == {"read", "error"}


def test_spans_and_repeats_beyond_any_table_are_bounded(tmp_path: Path) -> None:
    """A damaged count ("skip 5,000,000 grid columns", "this cell 5,000,000 times") costs
    a bounded row, not the memory of the machine."""
    path = tmp_path / "list.docx"
    docx.Document().save(str(path))
    _replace_body(path, '<w:body><w:tbl><w:tr><w:trPr><w:gridBefore w:val="5000000"/></w:trPr>'
                  "<w:tc><w:p><w:r><w:t>Chile</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body>")
    assert open_view(path, [{}]).lines[0].count("\t") == 1000
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentText()
    table, row = Table(name="T"), TableRow(numberrowsrepeated=5000000)
    cell = TableCell(numbercolumnsrepeated=5000000)
    cell.addElement(P(text="x"))
    row.addElement(cell)
    table.addElement(row)
    doc.text.addElement(table)
    odt = tmp_path / "list.odt"
    doc.save(str(odt))
    lines = open_view(odt, [{}]).lines
    assert len(lines) == 1000 and lines[0].count("\t") == 999


@pytest.mark.parametrize(("name", "content", "what"), [
    ("partners.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
     r"a Word 97-2003 document \(.doc\)"),
    ("partners.rtf", b"{\\rtf1\\ansi Partner list}", "an RTF document"),
])
def test_a_legacy_word_file_says_what_to_save_it_as(tmp_path: Path, name: str,
                                                    content: bytes, what: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError, match=rf"{name}: {what} is not read: save it as \.docx or "
                                          r"\.odt"):
        open_view(path, [{}])


def test_a_word_document_without_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    with pytest.raises(SourceError, match="empty.docx: the Word document has no text"):
        open_view(path, [{}])


# --- end to end --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gse_originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("word")
    extract = originals.extract_rows("gse-partners")
    layout = originals.merged_layout(extract)
    files = {"docx": out / "gse-partners.docx", "odt": out / "gse-partners.odt"}
    for fmt, write in (("docx", originals.write_docx), ("odt", originals.write_odt)):
        write(layout, files[fmt], extract.title)
    return files


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_original_builds_the_same_agreements_as_the_extract(
        fmt: str, gse_originals: dict[str, Path], tmp_path: Path) -> None:
    """The curated mapping of the extract reads the Word original: same graph but for where
    records stand; merged country cells known, not inferred."""
    text = build_project(make_project(tmp_path / "text", "gse-partners",
                                      ROOT / "sources" / "gse-partners.tsv"))
    result = build_project(make_project(tmp_path / fmt, "gse-partners", gse_originals[fmt]))
    assert len(result.agreements) == len(text.agreements) > 100
    assert substance(result, "gse-partners") == substance(text, "gse-partners")
    src = result.sources[0]
    inferred = {"country-from-merged-cell", "country-ambiguous", "country-from-evidence"}
    assert not inferred & {f.code for r in src.result.records for f in r.flags}
    assert sum(d.kind == "group-label" for d in src.result.dispositions.values()) >= 3
    assert all(re.fullmatch(r"table 1, row \d+", loc.text)
               for r in src.result.records for loc in r.locations)
    # the paragraph above the table: the title the mapping names
    outside = {src.lines[n - 1]: d.status for n, d in src.result.dispositions.items()
               if src.locations and src.locations[n - 1].text.startswith("paragraph")}
    assert outside == {"Academic Exchange Agreement (Graduate School of Engineering)":
                       LineStatus.LAYOUT}


def test_a_word_list_goes_through_new_mapping_and_build_into_the_graph(tmp_path: Path) -> None:
    """What a user does with a Word list nobody has seen: propose, save, build."""
    document = docx.Document()
    document.add_heading("Convenios de intercambio", level=1)
    document.add_paragraph("Actualizado al 15 de enero de 2026")
    table = _grid_table(document, [
        ["País", "Universidad", "Fecha de firma", "Plazas"],
        ["Chile", "Universidad de Chile", "12/03/2019", "2"],
        ["", "Pontificia Universidad Católica de Chile", "25/09/2021", "3"],
        ["Perú", "Universidad Nacional Mayor de San Marcos", "30/06/2020", "1"],
        ["España", "Universidad de Granada", "14/02/2018", "4"],
        ["", "Universitat de Barcelona", "20/11/2022", "2"]])
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(4, 0).merge(table.cell(5, 0))
    document.add_paragraph("Oficina de Relaciones Internacionales")
    sources, mappings = tmp_path / "sources", tmp_path / "mappings"
    sources.mkdir()
    mappings.mkdir()
    path = sources / "convenios.docx"
    document.save(str(path))
    proc = run_build_command("new-mapping", str(path), "--id", "convenios", "-o",
                             str(mappings / "convenios.yaml"))
    assert proc.returncode == 0, proc.stderr
    entry = proc.stderr.split("Manifest entry for sources/manifest.yaml:\n", 1)[1]
    entry = "\n".join(line for line in entry.splitlines() if line.strip())
    (sources / "manifest.yaml").write_text("documents:\n" + entry + "\n", encoding="utf-8")
    assert "as_of: '2026-01-15'" in entry
    out = tmp_path / "dist"
    built = run_build(out, "--sources", str(sources), "--mappings", str(mappings))
    assert built.returncode == 0, built.stderr
    from rdflib import Graph

    graph = Graph()
    graph.parse(out / "exchange-kg.nt", format="nt")
    rows = {(r["country"], r["partner"], r["start"]) for r in published(graph)}
    assert rows == {("CL", "Universidad de Chile", "2019-03-12"),
                    ("CL", "Pontificia Universidad Católica de Chile", "2021-09-25"),
                    ("PE", "Universidad Nacional Mayor de San Marcos", "2020-06-30"),
                    ("ES", "Universidad de Granada", "2018-02-14"),
                    ("ES", "Universitat de Barcelona", "2022-11-20")}
    locations = {str(o) for p, o in graph.predicate_objects() if str(p).endswith("#location")}
    assert {"table 1, row 3", "table 1, row 6"} <= locations


def run_build_command(*args: str):  # noqa: ANN201 - CompletedProcess
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "exchange_kg.cli", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_a_stamp_in_the_page_footer_reaches_the_manifest_entry(fmt: str, tmp_path: Path
                                                              ) -> None:
    """Headers and footers are page furniture, not lines; but "Stand: ..." often stands
    there, and the manifest entry takes the document's own date."""
    rows = [["Land", "Hochschule"], ["Italien", "Università di Padova"],
            ["Schweden", "Lund University"], ["Norwegen", "University of Oslo"]]
    path = tmp_path / f"partner.{fmt}"
    if fmt == "docx":
        document = docx.Document()
        document.add_heading("Partnerhochschulen", level=1)
        _grid_table(document, rows)
        document.sections[0].footer.paragraphs[0].text = "Stand: 01.10.2026"
        document.save(str(path))
    else:
        from odf.opendocument import load
        from odf.style import Footer, MasterPage, PageLayout
        from odf.text import P

        originals.write_odt(originals.Layout(rows, []), path, title="Partnerhochschulen")
        doc = load(str(path))
        layout = PageLayout(name="pm1")
        doc.automaticstyles.addElement(layout)
        page = MasterPage(name="Standard", pagelayoutname=layout)
        footer = Footer()
        footer.addElement(P(text="Stand: 01.10.2026"))
        page.addElement(footer)
        doc.masterstyles.addElement(page)
        doc.save(str(path))
    view = open_view(path, [{}])
    assert "Stand: 01.10.2026" not in view.lines
    entry = manifest_entry(propose(path, "stand"), path)
    assert "as_of: '2026-10-01'  # CHECK" in entry
    assert "title: Partnerhochschulen" in entry


# --- a table per country, the country only in the heading above it ----------------------------

ODT_NS = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
          "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0"}


def write_odt_blocks(path: Path, blocks: list[tuple[str, object]]) -> None:
    """An OpenDocument text package written with lxml and zipfile, as Writer lays it out:
    ``("h", text)`` a heading, ``("p", text)`` a paragraph, ``("table", rows)`` a table whose
    cells are lists of blocks: a text a paragraph (a cell's line), a list of rows a table
    nested in the cell."""
    from lxml import etree

    def q(name: str) -> str:
        prefix, local = name.split(":")
        return f"{{{ODT_NS[prefix]}}}{local}"

    def add(parent: object, kind: str, value: object) -> None:
        if kind == "table":
            table = etree.SubElement(parent, q("table:table"), {q("table:name"): "Table1"})
            for row in value:  # type: ignore[attr-defined]
                tr = etree.SubElement(table, q("table:table-row"))
                for items in row:
                    cell = etree.SubElement(tr, q("table:table-cell"),
                                            {q("office:value-type"): "string"})
                    for item in items:
                        add(cell, "table" if isinstance(item, list) else "p", item)
        else:
            attrib = {q("text:outline-level"): "2"} if kind == "h" else {}
            etree.SubElement(parent, q(f"text:{kind}"), attrib).text = str(value)

    root = etree.Element(q("office:document-content"), nsmap=ODT_NS,
                         attrib={q("office:version"): "1.3"})
    text = etree.SubElement(etree.SubElement(root, q("office:body")), q("office:text"))
    for kind, value in blocks:
        add(text, kind, value)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.text"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>'))
        z.writestr("content.xml", etree.tostring(root, xml_declaration=True,
                                                 encoding="UTF-8"))


def per_country(path: Path, last: str) -> Path:
    """A title, then a heading and a table per country, the last headed ``last``; the
    tables repeat one header, one of them holds a single row."""
    groups = [("Germany", [("Universität Passau", "2"), ("TU Dresden", "1")]),
              ("Italy", [("Università di Padova", "2")]), (last, [("Kyoto University", "3")])]
    if path.suffix == ".docx":
        document = docx.Document()
        document.add_heading("Partner universities", level=1)
        for heading, rows in groups:
            document.add_heading(heading, level=2)
            _grid_table(document, [["University", "Places"], *map(list, rows)])
        document.save(str(path))
    else:
        blocks: list[tuple[str, object]] = [("h", "Partner universities")]
        for heading, rows in groups:
            blocks += [("h", heading), ("table", [[[c] for c in row] for row in
                                                  [("University", "Places"), *rows]])]
        write_odt_blocks(path, blocks)
    return path


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_a_table_per_country_gives_its_rows_the_country_of_the_heading_above_it(
        fmt: str, tmp_path: Path) -> None:
    path = per_country(tmp_path / f"per-country.{fmt}", "Exchange places per year")
    proposal = propose(path, "per-country")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options["table"] == [1, 2, 3]  # the table of one row repeats the header
    src = read_with(proposal, path)
    # a heading naming no country over one of them: no table's heading is taken, so no
    # country runs on from one table into the next
    assert [(r.fields["partner"], r.fields.get("country")) for r in src.result.records] == [
        ("Universität Passau", None), ("TU Dresden", None), ("Università di Padova", None),
        ("Kyoto University", None)]
    path = per_country(path, "Japan")
    src = read_with(propose(path, "per-country"), path)
    assert [(r.fields["partner"], r.fields.get("country")) for r in src.result.records] == [
        ("Universität Passau", "Germany"), ("TU Dresden", "Germany"),
        ("Università di Padova", "Italy"), ("Kyoto University", "Japan")]
    view = open_view(path, [{"table": [1, 2, 3]}])
    assert view.lines[:2] == ["Germany", "University\tPlaces"]
    assert (view.locations or [])[0].text == "paragraph 2, heading above table 1"
    # the heading paragraphs, left out of a mapping that reads tables, are accounted as read
    headings = {view.lines[n - 1]: d.reason for n, d in view.dispositions.items()
                if d.kind == "heading"}
    assert headings == {"Germany": "read as line 1, the country of the table below it",
                        "Italy": "read as line 5, the country of the table below it",
                        "Japan": "read as line 8, the country of the table below it"}
    # a table read alone gets its heading's country too; the cached document is unchanged
    assert open_view(path, [{"table": "Italy"}]).lines[:2] == ["Italy", "University\tPlaces"]
    assert open_view(path, [{"table": [1, 2]}]).lines_for(0)[:2] == [
        "Germany", "University\tPlaces"]


# --- tables as offices lay them out: a frame around the list, a list broken across pages ------

LIST = [("Land", "Hochschule", "Plätze"), ("Spanien", "Universidad de Granada", "2"),
        ("Italien", "Università di Padova", "1"), ("Japan", "Kyoto University", "3")]
MORE = [("Chile", "Universidad de Chile", "1"), ("Peru", "Universidad de Lima", "2")]


def _odt_rows(rows: list[tuple[str, ...]]) -> list[list[list[object]]]:
    return [[[c] for c in row] for row in rows]


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_a_table_of_one_row_around_the_list_is_a_frame_not_a_table(fmt: str, tmp_path: Path
                                                                    ) -> None:
    """A box (one cell) or columns side by side (one row) laid around the list's tables: the
    tables inside are the document's, not one cell's text; a table nested in a cell of a
    table of several rows stays that cell's text."""
    path = tmp_path / f"framed.{fmt}"
    if fmt == "docx":
        document = docx.Document()
        document.add_heading("Partnerhochschulen", level=1)
        frame = document.add_table(rows=1, cols=2)
        for cell, (heading, rows) in zip(frame.rows[0].cells, (("Europa", LIST[:3]),
                                                               ("Asien", [LIST[0], LIST[3]])),
                                         strict=True):
            cell.paragraphs[0].text = heading
            inner = cell.add_table(rows=0, cols=3)
            for row in rows:
                for c, text in zip(inner.add_row().cells, row, strict=True):
                    c.text = text
        nested = _grid_table(document, [["Land", "Kontakt"], ["Chile", ""], ["Peru", ""]])
        inner = nested.cell(1, 1).add_table(rows=2, cols=1)
        inner.cell(0, 0).text, inner.cell(1, 0).text = "Ana Pérez", "ana@uchile.cl"
        document.save(str(path))
    else:
        frame = [[["Europa", _odt_rows(LIST[:3])], ["Asien", _odt_rows([LIST[0], LIST[3]])]]]
        nested = [[["Land"], ["Kontakt"]],
                  [["Chile"], [[[["Ana Pérez"]], [["ana@uchile.cl"]]]]], [["Peru"], []]]
        write_odt_blocks(path, [("h", "Partnerhochschulen"), ("table", frame),
                                ("table", nested)])
    clear_cache()
    with pytest.raises(SourceError, match=r"3 tables.*1: (caption 'Table1', )?heading "
                                          r"'Europa', 3 rows.*2: .*heading 'Asien', 2 rows"):
        open_view(path, [{}])
    view = open_view(path, [{"table": [1, 2]}])
    assert [line for line in view.lines_for(0) if line] == [
        "Land\tHochschule\tPlätze", "Spanien\tUniversidad de Granada\t2",
        "Italien\tUniversità di Padova\t1", "Land\tHochschule\tPlätze",
        "Japan\tKyoto University\t3"]
    assert "Chile\tAna Pérez\u2028ana@uchile.cl" in open_view(path, [{"table": 3}]).lines


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_a_list_broken_across_pages_into_two_tables_reads_as_one(fmt: str, tmp_path: Path
                                                                  ) -> None:
    """A page break typed into a long table leaves its rows after the break a table of their
    own, without the header: new-mapping reads both, and the country of the heading above
    the first holds for the rows after the break."""
    path = tmp_path / f"broken.{fmt}"
    header = ("Hochschule", "Plätze")
    groups = [("Germany", [header, *(r[1:] for r in LIST[1:3])], [r[1:] for r in MORE]),
              ("Japan", [header, LIST[3][1:]], None)]
    if fmt == "docx":
        from docx.enum.text import WD_BREAK

        document = docx.Document()
        document.add_heading("Partnerhochschulen", level=1)
        for heading, rows, after_break in groups:
            document.add_heading(heading, level=2)
            _grid_table(document, [list(r) for r in rows])
            if after_break:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                _grid_table(document, [list(r) for r in after_break])
        document.save(str(path))
    else:
        blocks: list[tuple[str, object]] = [("h", "Partnerhochschulen")]
        for heading, rows, after_break in groups:
            blocks += [("h", heading), ("table", _odt_rows(rows))]
            if after_break:
                blocks += [("p", ""), ("table", _odt_rows(after_break))]
        write_odt_blocks(path, blocks)
    clear_cache()
    proposal = propose(path, "broken")
    assert proposal.mapping["sections"][0]["reader"]["options"]["table"] == [1, 2, 3]
    src = read_with(proposal, path)
    assert [(r.fields.get("country"), r.fields["partner"]) for r in src.result.records] == [
        ("Germany", "Universidad de Granada"), ("Germany", "Università di Padova"),
        ("Germany", "Universidad de Chile"), ("Germany", "Universidad de Lima"),
        ("Japan", "Kyoto University")]


def test_a_table_nested_in_a_cell_is_a_line_per_row(tmp_path: Path) -> None:
    """A cell holding a small table (places out and in: 'uit | 2' over 'in | 2') reads as
    its rows, one line each with the row's cells side by side, as the cell shows it, not
    as four lines of one word."""
    document = docx.Document()
    table = _grid_table(document, [["University", "Places"], ["University of Calgary", ""]])
    nested = table.cell(1, 1).add_table(rows=2, cols=2)
    for r, (label, places) in enumerate((("uit", "2"), ("in", "1"))):
        nested.cell(r, 0).text = label
        nested.cell(r, 1).text = places
    path = tmp_path / "nested.docx"
    document.save(str(path))
    assert open_view(path, [{}]).lines[-1] == "University of Calgary\tuit 2\u2028in 1"


def test_a_legend_table_of_the_terms_the_list_uses_is_layout(tmp_path: Path) -> None:
    """A Word list's legend ('MoU' | 'Memorandum of Understanding: no places', 'out / in' |
    'outgoing / incoming students') is a table the mapping does not read: layout, as a text
    list's legend lines, where its rows were reported unreadable. An unread table of
    partners (institutions named) is still reported."""
    document = docx.Document()
    document.add_heading("Exchange agreements", level=1)
    _grid_table(document, [["University", "Type", "Places"],
                           ["Tohoku University", "Memorandum of Understanding", "—"],
                           ["University of Calgary", "Bilateral", "out 2 / in 2"]])
    document.add_heading("Abbreviations", level=2)
    _grid_table(document, [["MoU", "Memorandum of Understanding: no exchange places"],
                           ["out / in", "outgoing / incoming students per year"],
                           ["—", "not applicable"]])
    _grid_table(document, [["Japan", "Kyoto University"], ["Korea", "Korea University"]])
    path = tmp_path / "list.docx"
    document.save(str(path))
    view = open_view(path, [{"table": 1}])
    status = {view.lines[n - 1]: d.status for n, d in view.dispositions.items()}
    assert status["out / in\toutgoing / incoming students per year"] is LineStatus.LAYOUT
    assert status["—\tnot applicable"] is LineStatus.LAYOUT
    assert status["Japan\tKyoto University"] is LineStatus.UNREADABLE
