"""The format layer: files as published turned into located lines for the layout readers."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest

import originals
from exchange_kg.formats import detect_format, open_view, read_text_lines
from exchange_kg.formats.grid import Table, cell_text, column_letters, render, sheet_reference
from exchange_kg.formats.pdf import ocr_engine, page_numbers
from exchange_kg.propose import propose, read_with
from exchange_kg.records import LineStatus, Location, SourceError
from test_originals import cli_build, make_project

ROOT = Path(__file__).resolve().parents[1]


def table(cells: list[list[str]], merges: list[tuple[int, int, int, int]]) -> Table:
    return Table("t", cells, [Location(f"r{i}") for i in range(len(cells))], merges)


# --- grid ------------------------------------------------------------------------------------

def test_a_merged_cell_gives_its_value_to_every_row_it_spans() -> None:
    rows = render(table([["China", "A", "2020-01-01"], ["", "B", "2021-01-01"],
                         ["Japan", "C", "2019-01-01"]], [(0, 0, 1, 0)]))
    assert [r.text for r in rows] == ["China\tA\t2020-01-01", "China\tB\t2021-01-01",
                                      "Japan\tC\t2019-01-01"]
    assert not any(r.layout for r in rows)


def test_a_label_on_a_row_of_its_own_is_layout_when_its_rows_carry_it() -> None:
    rows = render(table([["India", "", ""], ["", "A", "5"], ["", "B", "3"], ["Iran", "C", "1"]],
                        [(0, 0, 2, 0)]))
    assert rows[0].layout.startswith("label 'India' of a merged cell")
    assert [r.text for r in rows[1:3]] == ["India\tA\t5", "India\tB\t3"]
    assert not rows[3].layout


def test_a_merged_cell_alone_is_not_taken_for_a_label_row() -> None:
    """A title merged over two rows carries nothing for other rows: it stays for the reader."""
    rows = render(table([["Partner list", ""], ["", ""], ["A", "B"]], [(0, 0, 1, 1)]))
    assert rows[0].text == "Partner list" and not rows[0].layout


def test_a_row_spanning_columns_keeps_its_text_in_its_first_cell() -> None:
    rows = render(table([["Asia", "", ""], ["China", "A", "5"]], [(0, 0, 0, 2)]))
    assert [r.text for r in rows] == ["Asia", "China\tA\t5"]


def test_a_row_with_one_filled_cell_keeps_its_column_but_no_trailing_cells() -> None:
    rows = render(table([["", "", "5", ""], ["a", "b", "", ""]], []))
    assert [r.text for r in rows] == ["\t\t5", "a\tb\t\t"]


@pytest.mark.parametrize(("value", "text"), [
    (dt.date(2017, 6, 28), "2017-06-28"),
    (dt.datetime(2017, 6, 28), "2017-06-28"),
    (dt.datetime(2017, 6, 28, 9, 30), "2017-06-28 09:30:00"),
    (5.0, "5"),
    (2.5, "2.5"),
    (None, ""),
    ("Chinese Academy\nof Sciences", "Chinese Academy\u2028of Sciences"),  # Alt+Enter
    ("Chinese Academy \r\n\n of Sciences\n", "Chinese Academy\u2028of Sciences"),
    ("a\tb", "a b"),
])
def test_cell_values_as_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_cell_references() -> None:
    assert [column_letters(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert sheet_reference("Partners") == "Partners"
    assert sheet_reference("Partner list") == "'Partner list'"
    assert sheet_reference("Rok 2024'") == "'Rok 2024'''"


# --- formats ---------------------------------------------------------------------------------

def test_format_from_content_before_name(tmp_path: Path) -> None:
    html = tmp_path / "export.xls"  # "Excel" exports of web applications are HTML tables
    html.write_text("<html><body><table><tr><td>a</td></tr></table></body></html>")
    pdf = tmp_path / "list"
    pdf.write_bytes(b"%PDF-1.7\n")
    tsv = tmp_path / "list.tsv"
    tsv.write_bytes(b"%PDF but a text extract all the same\n")
    assert detect_format(html) == "html"
    assert detect_format(pdf) == "pdf"
    assert detect_format(tsv) == "text"
    assert detect_format(tsv, "csv") == "csv"


def test_a_text_extract_in_a_legacy_encoding_is_read_by_its_words(tmp_path: Path) -> None:
    """Excel saves "Text (Tab delimited)" in the Windows code page: the file's words decide
    it as for a CSV file ('£ódŸ' is no word: cp1250), and the build asks when they do not."""
    path = tmp_path / "list.tsv"
    path.write_bytes("Łódź\tUniwersytet\n".encode("cp1250"))
    assert open_view(path, [{}]).lines == ["Łódź\tUniwersytet"]
    path.write_bytes("Lumière\tUniversité Lumière Lyon 2\n".encode("cp1252"))
    with pytest.raises(SourceError, match=r"list.tsv:1: the encoding is not certain"):
        open_view(path, [{}])
    path.write_bytes("Łódź\tUniwersytet\n".encode("cp1250"))
    view = open_view(path, [{"encoding": "cp1250", "delimiter": "\t"}], splits_cells=[True])
    assert view.lines == ["Łódź\tUniwersytet"] and view.locations is None
    assert view.section_options == [{"delimiter": "\t"}]  # the reader's own option stays


@pytest.mark.parametrize(("name", "options", "message"), [
    ("list.tsv", {"delimiter": ";"}, "`delimiter:` is for csv files; this document is read as "
                                     "text"),
    ("list.tsv", {"sheet": "Partners"}, "`sheet:` is for xlsx, xls, ods files"),
    ("list.html", {"pages": "1-2"}, "`pages:` is for pdf files; this document is read as html"),
])
def test_an_option_the_format_would_ignore_is_an_error(
    tmp_path: Path, name: str, options: dict[str, str], message: str,
) -> None:
    path = tmp_path / name
    path.write_text("<table><tr><td>a</td></tr></table>" if name.endswith("html") else "a\tb\n")
    with pytest.raises(SourceError, match=re.escape(message)):
        open_view(path, [options])


def test_xls_values_dates_and_merged_cells(tmp_path: Path) -> None:
    """The legacy binary workbook, as older university systems still export it."""
    xlwt = pytest.importorskip("xlwt", reason="xlwt writes the .xls this test reads")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Partners")
    for c, text in enumerate(["Country", "Partner", "Since", "Places"]):
        sheet.write(0, c, text)
    sheet.write_merge(1, 2, 0, 0, "China")
    sheet.write(1, 1, "Jilin University")
    sheet.write(1, 2, dt.date(2016, 8, 30), xlwt.easyxf(num_format_str="dd.mm.yyyy"))
    sheet.write(1, 3, 3)
    sheet.write(2, 1, "Hunan University")
    path = tmp_path / "list.xls"
    book.save(str(path))
    view = open_view(path, [{}])
    assert view.lines == ["Country\tPartner\tSince\tPlaces",
                          "China\tJilin University\t2016-08-30\t3",
                          "China\tHunan University\t\t"]
    assert [loc.text for loc in view.locations or []][2] == "Partners!A3:D3"


def test_a_table_placed_right_of_column_a_reads_from_its_first_column(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Lista"
    sheet["C3"], sheet["D3"] = "Kraj", "Uczelnia"
    sheet["C4"], sheet["D4"], sheet["D5"] = "Polska", "Politechnika Łódzka", "Uniwersytet Łódzki"
    sheet.merge_cells("C4:C5")
    path = tmp_path / "lista.xlsx"
    book.save(path)
    view = open_view(path, [{}])
    assert view.lines[2:] == ["Kraj\tUczelnia", "Polska\tPolitechnika Łódzka",
                              "Polska\tUniwersytet Łódzki"]
    assert (view.locations or [])[4].text == "Lista!C5:D5"


def write_ods(path: Path, content: str, automatic_styles: str = "") -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2"><manifest:file-entry manifest:full-path="/"
 manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>""")
        z.writestr("content.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2">
<office:automatic-styles>{automatic_styles}</office:automatic-styles>
<office:body><office:spreadsheet>{content}</office:spreadsheet></office:body>
</office:document-content>""")


def test_ods_merged_ranges_count_repeated_rows_and_columns(tmp_path: Path) -> None:
    """Rows and cells written once with a repeat count still take their places."""
    path = tmp_path / "list.ods"
    write_ods(path, """<table:table table:name="Other"><table:table-row>
<table:table-cell table:number-rows-spanned="5" office:value-type="string"><text:p>x</text:p>
</table:table-cell></table:table-row></table:table>
<table:table table:name="Partners">
<table:table-row><table:table-cell office:value-type="string"><text:p>Country</text:p>
</table:table-cell><table:table-cell office:value-type="string"><text:p>Partner</text:p>
</table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="2">
<table:table-cell table:number-columns-repeated="2"/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="1"/>
<table:table-cell table:number-rows-spanned="2" office:value-type="string">
<text:p>Poland</text:p></table:table-cell></table:table-row>
<table:table-row><table:covered-table-cell/><table:covered-table-cell/></table:table-row>
</table:table>""")
    from exchange_kg.formats.spreadsheet import _ods_layout

    assert _ods_layout(path, "Partners")[:3] == ([(3, 1, 4, 1)], {}, set())
    assert _ods_layout(path, "Other")[:3] == ([(0, 0, 4, 0)], {}, set())


def write_html(path: Path, body: str) -> Path:
    path.write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")
    return path


def test_html_rowspan_and_colspan_take_their_places(tmp_path: Path) -> None:
    path = write_html(tmp_path / "p.html", """<table>
<tr><th>Country</th><th>Partner</th><th>Since</th></tr>
<tr><td rowspan="2">Spain</td><td>Universidad de Granada<br>(Facultad de Ciencias)</td>
<td>2019</td></tr><tr><td>Universitat de Barcelona</td><td>2020</td></tr>
<tr><td colspan="3">Asia</td></tr>
<tr><td>Japan</td><td>Kyoto <b>University</b></td><td><table><tr><td>x</td></tr></table>
</td></tr></table>""")
    view = open_view(path, [{"table": 1}])
    assert view.lines == ["Country\tPartner\tSince",
                          "Spain\tUniversidad de Granada\u2028(Facultad de Ciencias)\t2019",
                          "Spain\tUniversitat de Barcelona\t2020", "Asia",
                          "Japan\tKyoto University\tx"]
    assert [loc.text for loc in view.locations or []][2] == "table 1, row 3"


def test_html_page_with_several_tables_needs_one_named(tmp_path: Path) -> None:
    path = write_html(tmp_path / "p.html", """<table id="nav"><tr><td>Home</td></tr></table>
<table><caption>Partner universities</caption><tr><td>Spain</td><td>Granada</td></tr></table>
<table><tr><td>Japan</td><td>Kyoto</td></tr></table>""")
    with pytest.raises(SourceError, match=r"3 tables.*`table:`.*1: id 'nav'.*2: caption "
                                          r"'Partner universities'"):
        open_view(path, [{}])
    def read(table: object) -> list[str]:
        return [line for line in open_view(path, [{"table": table}]).lines_for(0) if line]

    assert read("Partner universities") == ["Spain\tGranada"]
    assert read("nav") == ["Home"]
    assert read([2, 3]) == ["Spain\tGranada", "Japan\tKyoto"]
    # the tables not read are in the document's lines, each row reported with its reason
    view = open_view(path, [{"table": [2, 3]}])
    assert [(view.lines[n - 1], d.reason) for n, d in view.dispositions.items()] == [
        ("Home", "table 1 is not read by the mapping (a section with `table: 1` would read it): "
         "a note, no table")]
    with pytest.raises(SourceError, match="no table with id or caption 'Partners'"):
        open_view(path, [{"table": "Partners"}])


def test_sections_reading_different_tables_each_see_only_their_own(tmp_path: Path) -> None:
    path = write_html(tmp_path / "p.html", """<table><tr><td>University level</td></tr>
<tr><td>Kyoto University</td></tr></table>
<table><tr><td>Faculty level</td></tr><tr><td>Osaka University</td></tr></table>""")
    view = open_view(path, [{"table": 1}, {"table": 2}, {"table": 2}])
    assert view.lines_for(0) == ["University level", "Kyoto University", "", ""]
    assert view.lines_for(1) == ["", "", "Faculty level", "Osaka University"]
    assert view.lines_for(2) == view.lines_for(1)  # one table read once, shared


def test_sections_must_agree_on_the_document_format(tmp_path: Path) -> None:
    path = write_html(tmp_path / "p.html", "<table><tr><td>a</td></tr></table>")
    with pytest.raises(SourceError, match="disagree on `format:`"):
        open_view(path, [{"format": "html"}, {"format": "csv"}])


def test_csv_delimiter_sniffed_and_quoted_cells_over_lines(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('Country|Partner|Since\nSpain|"Universidad de Granada\n(Ciencias)"|2019\n'
                    '\nJapan|"Kyoto | Uji"|2020\n', encoding="utf-8")
    view = open_view(path, [{}])
    assert view.lines == ["Country\tPartner\tSince",
                          "Spain\tUniversidad de Granada\u2028(Ciencias)\t2019", "",
                          "Japan\tKyoto | Uji\t2020"]
    assert [(loc.text, loc.lines) for loc in view.locations or []] == [
        ("row 1", (1,)), ("row 2", (2, 3)), ("row 3", (4,)), ("row 4", (5,))]


def test_a_markdown_table_reads_a_link_as_its_text_and_struck_text_as_gone(
        tmp_path: Path) -> None:
    """A Markdown page's pipe table read as '|'-separated text: a partner written as a link
    is the link's text (the name), where '[Name](https://...)' was published as the name;
    struck-through places ('~~2~~ 1') are the places now; text outside the table is as
    written (a footer pattern for '**Notes**' still matches)."""
    path = tmp_path / "partners.md"
    path.write_text("# Partners\n\n| Country | Partner | Places |\n|:--|:--|:--:|\n"
                    "| Brazil | [Universidade de Brasília](https://www.unb.br) | 2 |\n"
                    "| Italy | **Politecnico di Bari** | ~~2~~ 1 |\n"
                    "| Peru | [Pontificia Universidad Católica del Perú](https://www.pucp.edu.pe"
                    " \"PUCP\") | 1 |\n\n**Notes**\n", encoding="utf-8")
    lines = open_view(path, [{"format": "csv", "delimiter": "|"}]).lines
    assert lines[4:7] == ["\tBrazil\tUniversidade de Brasília\t2\t",
                          "\tItaly\tPolitecnico di Bari\t1\t",
                          "\tPeru\tPontificia Universidad Católica del Perú\t1\t"]
    assert lines[-1] == "**Notes**"
    text = open_view(path, [{"delimiter": "|"}], splits_cells=[True]).lines  # as a text
    assert text[4:6] == ["| Brazil | Universidade de Brasília | 2 |",
                         "| Italy | Politecnico di Bari | 1 |"]
    plain = tmp_path / "plain.csv"  # not Markdown: brackets and stars as written
    plain.write_text("Partner|Places\n[Uni](x)|**2**\n", encoding="utf-8")
    assert open_view(plain, [{"format": "csv", "delimiter": "|"}]).lines[1] == "[Uni](x)\t**2**"


def test_a_br_in_a_markdown_table_cell_is_a_line_break(tmp_path: Path) -> None:
    """'<br>' is the only way to break a line in a pipe table's cell, and every renderer
    shows it so: kept as written, 'KTH<br>Royal Institute of Technology' was published as
    the name."""
    path = tmp_path / "partners.md"
    path.write_text("| Partner | Places |\n|---|---|\n| KTH<br>Royal Institute of Technology | 2 |"
                    "\n| Aalto University <BR/> School of Business | 1 |\n", encoding="utf-8")
    assert open_view(path, [{"format": "csv", "delimiter": "|"}]).lines[2:4] == [
        "\tKTH\u2028Royal Institute of Technology\t2\t",
        "\tAalto University\u2028School of Business\t1\t"]
    text = open_view(path, [{"delimiter": "|"}], splits_cells=[True]).lines
    assert text[2] == "| KTH\u2028Royal Institute of Technology | 2 |"


def test_a_markdown_tables_under_other_headers_are_reported_not_read_as_partners(
        tmp_path: Path) -> None:
    """A README's partner table and, under '## Contacts', a table of people: read as rows
    of the list, the contacts were published as partners and '## Contacts' was glued to the
    last partner's name. The tables under another header than the mapping's, with the
    heading right above each, are reported; partner tables under headings ('## Europe',
    '## Asia') with the mapping's header are all read."""
    path = tmp_path / "README.md"
    path.write_text(
        "# exchange\n\n## Europe\n\n| Partner | Country |\n|:--|:--|\n"
        "| KTH Royal Institute of Technology | Sweden |\n\n## Asia\n\n"
        "| Partner | Country |\n|---|---|\n| Tsinghua University | China |\n\n"
        "## Contacts\n\n| Name | Role | Email |\n|---|---|---|\n"
        "| Dr. Aoife Byrne | Erasmus+ coordinator | aoife.byrne@tudublin.ie |\n",
        encoding="utf-8")
    view = open_view(path, [{"delimiter": "|", "header": ["Partner", "Country"]}],
                     splits_cells=[True])
    notes = {n: (d.status, d.kind) for n, d in view.dispositions.items()}
    assert notes == {15: (LineStatus.LAYOUT, "heading"),
                     **{n: (LineStatus.UNREADABLE, "table-not-read") for n in (17, 18, 19)}}
    assert "'Name | Role | Email' is not read" in view.dispositions[17].reason
    seen = view.lines_for(0)
    assert seen[14:] == ["", "", "", "", ""] and seen[12] == "| Tsinghua University | China |"
    # without the mapping's header nothing tells which table is the list's
    assert open_view(path, [{"delimiter": "|"}], splits_cells=[True]).dispositions == {}


def test_csv_under_a_title_and_a_stamp_line_has_the_delimiter_most_rows_split_on(
        tmp_path: Path) -> None:
    """A title and a date stamp of one cell each above the table: the delimiter is the one
    every row of the table splits alike on; a file no delimiter splits alike still asks."""
    path = tmp_path / "list.csv"
    rows = "".join(f"Japan,University {n},2021-03-01\n" for n in range(12))
    path.write_text(f"Partner agreements\nUpdated 01.10.2025\nCountry,Partner,Start\n{rows}",
                    encoding="utf-8")
    view = open_view(path, [{}])
    assert view.lines[:4] == ["Partner agreements", "Updated 01.10.2025",
                              "Country\tPartner\tStart", "Japan\tUniversity 0\t2021-03-01"]
    path.write_text("Partner agreements\nUpdated 01.10.2025\nJapan;Kyoto, Osaka\n"
                    "Korea,Seoul;Busan\n", encoding="utf-8")
    with pytest.raises(SourceError, match="cannot tell the delimiter"):
        open_view(path, [{}])


def test_csv_in_utf16_and_declared_encodings(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Kraj;Uczelnia\nPolska;Politechnika Łódzka\n", encoding="utf-16")
    assert open_view(path, [{}]).lines[1] == "Polska\tPolitechnika Łódzka"
    path.write_bytes("Kraj;Uczelnia\nPolska;Politechnika Łódzka\n".encode("cp1250"))
    view = open_view(path, [{"encoding": "cp1250", "delimiter": ";"}])
    assert view.lines[1] == "Polska\tPolitechnika Łódzka"
    with pytest.raises(SourceError, match=r"list.csv:2: not valid utf-8"):
        open_view(path, [{"encoding": "utf-8"}])


def test_pages_option() -> None:
    path = Path("x.pdf")
    assert page_numbers(path, None, 3) == [1, 2, 3]
    assert page_numbers(path, "1,3-", 5) == [1, 3, 4, 5]
    assert page_numbers(path, [2, 2, 1], 5) == [2, 1]
    assert page_numbers(path, 4, 5) == [4]
    with pytest.raises(SourceError, match="outside the document's 5 pages"):
        page_numbers(path, "4-9", 5)


def scanned_pdf(path: Path) -> Path:
    """A page that is only a picture of text, as a scanner makes it."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1800, 300), 255)
    font = ImageFont.load_default(size=64)
    ImageDraw.Draw(image).text((40, 100), "Kyoto University  2019/01/01  5", fill=0, font=font)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=180)
    pdf.output(str(path))
    return path


def test_scanned_pdf_is_a_clear_error_naming_the_file(tmp_path: Path) -> None:
    document = scanned_pdf(tmp_path / "scan.pdf")
    folder = make_project(tmp_path / "p", "gse-partners", document)
    code, message = cli_build(folder, tmp_path / "dist", "--no-validate")
    assert code == 3
    assert "scan.pdf: has no text layer" in message and "OCRmyPDF" in message


@pytest.mark.skipif(ocr_engine() is not None, reason="OCRmyPDF is installed here")
def test_ocr_without_an_engine_says_what_to_install(tmp_path: Path) -> None:
    document = scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(SourceError, match="--ocr asks for OCRmyPDF, which is not installed"):
        open_view(document, [{}], ocr=True)


@pytest.mark.skipif(ocr_engine() is None, reason="no OCR engine (ocrmypdf) installed")
def test_ocr_gives_a_scan_a_text_layer(tmp_path: Path) -> None:
    document = scanned_pdf(tmp_path / "scan.pdf")
    view = open_view(document, [{"pdf_tables": "text"}], ocr=True)
    assert any("Kyoto University" in line and "2019/01/01" in line for line in view.lines)


@pytest.mark.skipif(originals.font_path() is None, reason=originals.FONT_MISSING)
def test_pdf_rows_carry_page_and_box_and_merged_cells_are_known(tmp_path: Path) -> None:
    layout = originals.Layout(
        [["Country", "Partner", "Since", "Quota"]]
        + [["Spain" if i == 0 else "", f"Universidad {i} " + "de Ciencias " * (i % 3 * 4),
            "2019/01/01", "5"] for i in range(4)]
        + [["Japan", "Kyoto University", "2020/02/02", "3"]],
        merges=[(1, 4)])
    path = tmp_path / "t.pdf"
    originals.write_pdf(layout, path, title="Partner list")
    view = open_view(path, [{}])
    rows = [line for line in view.lines if "\t" in line]
    assert rows[0] == "Country\tPartner\tSince\tQuota"
    assert all(r.startswith("Spain\t") for r in rows[1:5]) and rows[5].startswith("Japan\t")
    wrapped = rows[3].split("\t")[1]
    assert wrapped == "Universidad 2 " + " ".join(["de", "Ciencias"] * 8)  # one cell, joined
    assert view.lines[0] == "Partner list"  # text outside the table, for the reader to judge
    assert all(loc.text.startswith("page 1, box ") for loc in view.locations or [])


def test_pdf_pages_the_mapping_leaves_out_are_reported_not_dropped(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for lines in (["Cover page of the partner list"], ["Chile    Universidad de Chile"]):
        pdf.add_page()
        for text in lines:
            pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "list.pdf"
    pdf.output(str(path))
    view = open_view(path, [{"pages": 2}])
    assert [line for line in view.lines_for(0) if line] == ["Chile Universidad de Chile"]
    assert [(view.lines[n - 1], d.reason) for n, d in view.dispositions.items()] == [
        ("Cover page of the partner list",
         "page 1 is not read by the mapping (its `pages:` leave it out): a note, no table")]


def test_an_unread_sheet_with_a_table_is_unreadable_one_with_a_note_is_layout(
        tmp_path: Path) -> None:
    import openpyxl

    from exchange_kg.records import LineStatus

    wb = openpyxl.Workbook()
    wb.active.title = "Europe"
    wb.active.append(["Country", "University"])
    wb.active.append(["Italy", "Università di Padova"])
    asia = wb.create_sheet("Asia")
    asia.append(["Country", "University"])
    asia.append(["Japan", "Kyoto University"])
    wb.create_sheet("About").append(["Maintained by the International Office."])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    view = open_view(path, [{"sheet": "Europe"}])
    found = {view.lines[n - 1]: d.status for n, d in view.dispositions.items()}
    assert found == {"Country\tUniversity": LineStatus.UNREADABLE,
                     "Japan\tKyoto University": LineStatus.UNREADABLE,
                     "Maintained by the International Office.": LineStatus.LAYOUT}


COVER = {  # a workbook's cover sheet of notes, in two languages, and sheets that are lists
    "Notas": ["Universidad de Zaragoza – Facultad de Economía y Empresa",
              "Convenios Erasmus+ de movilidad, curso 2025-2026", "Actualizado: 03/11/2025",
              "Cada hoja recoge los convenios con las universidades de un país.",
              "Plazas: número de estudiantes salientes por curso.",
              "Contacto: relint@example.org"],
    "Hinweise": ["Partnerliste des Fachbereichs", "Stand: 1. März 2026",
                 "Die Plätze gelten je Studienjahr.", "Änderungen bleiben vorbehalten.",
                 "Kontakt: io@example.org"],
    # partner names after a sentence: a list, whatever the sentences around it
    "Asia": ["Agreements in Asia are renewed every year.", "Kyoto University",
             "Seoul National University", "Contact the office for details."],
    "Kurz": ["Kyoto University", "Seoul National University", "Fudan University",
             "National Taiwan University"],
    "Sätze": ["Wir kooperieren mit der Universität Wien seit 2019.",
              "Die Vereinbarung mit der Karls-Universität läuft 2029 aus."],
}


def test_an_unread_sheet_of_written_notes_is_layout_in_any_language(tmp_path: Path) -> None:
    """A cover sheet of notes (a title, 'Updated: ...', sentences, a contact line) is no list
    and was reported line by line as unread; a sheet naming partners, one a line or in
    sentences, is still reported."""
    import openpyxl

    from exchange_kg.records import LineStatus

    wb = openpyxl.Workbook()
    wb.active.title = "Europe"
    wb.active.append(["Country", "University"])
    wb.active.append(["Italy", "Università di Padova"])
    for name, lines in COVER.items():
        sheet = wb.create_sheet(name)
        for line in lines:
            sheet.append([line])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    view = open_view(path, [{"sheet": "Europe"}])
    status = {view.lines[n - 1]: d.status for n, d in view.dispositions.items()}
    for name, lines in COVER.items():
        expected = LineStatus.LAYOUT if name in ("Notas", "Hinweise") else LineStatus.UNREADABLE
        assert {status[line] for line in lines} == {expected}, name


def test_an_unread_table_of_links_only_is_a_navigation_bar_not_a_lost_list(
        tmp_path: Path) -> None:
    from exchange_kg.records import LineStatus

    path = write_html(tmp_path / "p.html", """<table><tr><td><a href="/">Home</a></td>
<td><a href="/intl">International</a></td></tr></table>
<table><tr><td>Spain</td><td>Granada</td></tr><tr><td>Japan</td><td>Kyoto</td></tr></table>
<table><tr><td>Chile</td><td><a href="https://uchile.cl">Universidad de Chile</a></td></tr>
<tr><td>Peru</td><td>Lima</td></tr></table>""")
    view = open_view(path, [{"table": 2}])
    found = {view.lines[n - 1]: d.status for n, d in view.dispositions.items()}
    assert found == {"Home\tInternational": LineStatus.LAYOUT,
                     # a table with a link in it is still a table someone may have meant
                     "Chile\tUniversidad de Chile": LineStatus.UNREADABLE,
                     "Peru\tLima": LineStatus.UNREADABLE}


HIDDEN_ROWS = [["Land", "Hochschule", "Plätze"], ["Spanien", "Universidad de Granada", "2"],
               ["", "Universitat de Barcelona", "1"], ["", "Universidad de Sevilla", "1"],
               ["Japan", "Kyoto University", "1"], ["Japan", "Osaka University", "2"]]


def _cell_xml(text: str, extra: str = "") -> str:
    if not text:
        return f"<table:table-cell{extra}/>"
    kind = 'office:value-type="float" office:value="' + text + '"' if text.isdigit() else \
        'office:value-type="string"'
    return f"<table:table-cell {kind}{extra}><text:p>{text}</text:p></table:table-cell>"


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_hidden_row_is_reported_not_read(fmt: str, tmp_path: Path) -> None:
    """An office hides an ended agreement rather than delete it: the row the list does not
    show is no record, and the report says it is hidden (never dropped without a word)."""
    path = tmp_path / f"partner.{fmt}"
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Partner"
        for row in HIDDEN_ROWS:
            sheet.append([int(c) if c.isdigit() else c or None for c in row])
        sheet.merge_cells("A2:A4")
        sheet.row_dimensions[3].hidden = True  # hidden by hand
        sheet.row_dimensions[6].hidden = True  # hidden by a filter: the same mark
        sheet.column_dimensions["C"].hidden = True  # a hidden column is read
        book.save(path)
    else:
        rows = []
        for r, row in enumerate(HIDDEN_ROWS):
            hide = ' table:visibility="collapse"' if r == 2 else \
                ' table:visibility="filter"' if r == 5 else ""
            cells = "".join("<table:covered-table-cell/>" if r in (2, 3) and c == 0 else
                            _cell_xml(text, ' table:number-rows-spanned="3"'
                                      if (r, c) == (1, 0) else "")
                            for c, text in enumerate(row))
            rows.append(f"<table:table-row{hide}>{cells}</table:table-row>")
        write_ods(path, f'<table:table table:name="Partner">{"".join(rows)}</table:table>')
    view = open_view(path, [{}])
    assert view.lines[2] == "Spanien\tUniversitat de Barcelona\t1"
    hidden = {n: (d.status, d.reason) for n, d in view.dispositions.items()}
    assert hidden == {
        3: (LineStatus.UNREADABLE, "row 3 is hidden in the workbook: not read (unhide it to "
                                   "read it)"),
        6: (LineStatus.UNREADABLE, "row 6 is hidden in the workbook: not read (unhide it to "
                                   "read it)")}
    assert view.lines_for(0)[2] == ""  # the reader does not see it
    src = read_with(propose(path, "partner"), path)
    assert [(r.fields["country"], r.fields["partner"], r.fields["quota"])
            for r in src.result.records] == [
        ("Spanien", "Universidad de Granada", "2"), ("Spanien", "Universidad de Sevilla", "1"),
        ("Japan", "Kyoto University", "1")]
    assert src.result.dispositions[3].status is LineStatus.UNREADABLE


OLD_COPIES = [["Partner", "Code", "Valid until", "Valid until", "Places"],
              ["University of Otago", "NZ", "2021-12-31", "2026-12-31", "2"],
              ["Aalto University", "FI", "2021-05-31", "2029-05-31", "1"]]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_hidden_column_under_a_shown_ones_header_holds_old_values_not_read(
        fmt: str, tmp_path: Path) -> None:
    """The office copied 'Valid until', typed the new ends in the copy and hid the old
    column: the hidden copy's 2021 ends were read (new-mapping proposed them as the end).
    Its cells under the header are empty now; the header stays, so a mapping written from
    the sheet still finds it. A hidden column without a shown twin (a code) is read."""
    path = tmp_path / f"partner.{fmt}"
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        for row in OLD_COPIES:
            book.active.append(row)
        book.active.column_dimensions["B"].hidden = True
        book.active.column_dimensions["C"].hidden = True
        book.save(path)
    else:
        columns = "".join(f'<table:table-column{hide}/>' for hide in (
            "", ' table:visibility="collapse" table:number-columns-repeated="2"', "", ""))
        rows = "".join("<table:table-row>" + "".join(_cell_xml(t) for t in row)
                       + "</table:table-row>" for row in OLD_COPIES)
        write_ods(path, f'<table:table table:name="Partner">{columns}{rows}</table:table>')
    assert open_view(path, [{}]).lines == [
        "Partner\tCode\tValid until\tValid until\tPlaces",
        "University of Otago\tNZ\t\t2026-12-31\t2", "Aalto University\tFI\t\t2029-05-31\t1"]


@pytest.mark.parametrize(("header", "read"), [("College", True), ("Land", True),
                                              ("Status", False), ("Programme", False)])
def test_rows_a_saved_filter_hides_by_college_or_country_are_read(
        header: str, read: bool, tmp_path: Path) -> None:
    """A workbook saved with its filter on 'College' = Engineering (a view of one college's
    partners) hides the other colleges' agreements, every one 'Active': they were reported
    hidden, 4 of 8 lost. Rows a filter hides on a column naming whose or where the partner
    is are read; a filter on a status or programme column (it may pick the agreements in
    force) and a row hidden by hand still hide them."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Use the filter to see one part of the list"])
    sheet.append([header, "Partner", "Status"])
    for row in (["Engineering", "Politecnico di Milano", "Active"],
                ["Arts", "Universiteit Utrecht", "Active"],
                ["Engineering", "TU München", "Active"],
                ["Science", "University of Auckland", "Active"]):
        sheet.append(row)
    sheet.auto_filter.ref = "A2:C6"
    sheet.auto_filter.add_filter_column(0, ["Engineering"])
    for r in (4, 5, 6):
        sheet.row_dimensions[r].hidden = True  # 5 by hand: its value passes the filter
    path = tmp_path / "partners.xlsx"
    book.save(path)
    hidden = sorted(open_view(path, [{}]).dispositions)
    assert hidden == ([5] if read else [4, 5, 6])


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_notes_on_a_workbooks_cells_are_reported_after_the_table(
        fmt: str, tmp_path: Path) -> None:
    """A cell's note (a comment: 'Terminated by the partner with effect from 31/08/2025')
    can say the row's agreement ended while its cells still show the contract's end; no
    line held it and the report said nothing of it. Each note is a line after its table,
    reported with its cell; the rows read as before (an ODS note is no text of its cell)."""
    rows = [["Partner", "Country", "Valid until"],
            ["Université de Strasbourg", "France", "2029-05-31"],
            ["University of Otago", "New Zealand", "2027-06-30"]]
    notes = {(1, 0): "Terminated by the partner with effect from 31/08/2025",
             (2, 2): "Extended to 30/06/2030"}
    path = tmp_path / f"partners.{fmt}"
    if fmt == "xlsx":
        import openpyxl
        from openpyxl.comments import Comment

        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        for (r, c), note in notes.items():
            sheet.cell(r + 1, c + 1).comment = Comment(note, "office")
        book.save(path)
    else:
        def cell(r: int, c: int, text: str) -> str:
            note = (f"<office:annotation><text:p>{notes[(r, c)]}</text:p></office:annotation>"
                    if (r, c) in notes else "")
            return (f'<table:table-cell office:value-type="string">{note}<text:p>{text}'
                    "</text:p></table:table-cell>")

        body = "".join("<table:table-row>" + "".join(cell(r, c, t) for c, t in enumerate(row))
                       + "</table:table-row>" for r, row in enumerate(rows))
        write_ods(path, f'<table:table table:name="Partners">{body}</table:table>')
    view = open_view(path, [{}])
    assert view.lines[1:] == ["Université de Strasbourg\tFrance\t2029-05-31",
                              "University of Otago\tNew Zealand\t2027-06-30",
                              "Terminated by the partner with effect from 31/08/2025",
                              "Extended to 30/06/2030"]
    assert {n: d.reason for n, d in view.dispositions.items()} == {
        4: "the note on cell A2 (row 2) is not read: a note can say the row's agreement "
           "ended or changed; check the row",
        5: "the note on cell C3 (row 3) is not read: a note can say the row's agreement "
           "ended or changed; check the row"}


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_the_struck_part_of_a_workbook_cell_is_void(fmt: str, tmp_path: Path) -> None:
    """A workbook cell whose rich text strikes the old value beside the new one ('~~2~~ 1',
    '~~31.07.2025~~ 31.07.2028', an old name before the new): read whole, '2 1' was
    published as 21 places, the end was lost and the names glued. The struck part is void,
    as in a Word cell; a cell struck whole keeps its text (its row says what it means)."""
    rows = [["Partner", "Places", "Valid until"],
            [[("Universität Karlsruhe (TH)", True), (" Karlsruher Institut für Technologie",
                                                    False)], [("2", True), (" 1", False)],
             [("31.07.2025", True), (" 31.07.2028", False)]],
            ["Aarhus Universitet", [("3", True)], "31.05.2029"]]
    path = tmp_path / f"partners.{fmt}"
    if fmt == "xlsx":
        import openpyxl
        from openpyxl.cell.rich_text import CellRichText, TextBlock
        from openpyxl.cell.text import InlineFont

        book = openpyxl.Workbook()
        for row in rows:
            book.active.append([CellRichText([TextBlock(InlineFont(strike=gone), text)
                                              for text, gone in cell])
                                if isinstance(cell, list) else cell for cell in row])
        book.save(path)
    else:
        def cell(value: str | list[tuple[str, bool]]) -> str:
            parts = value if isinstance(value, list) else [(value, False)]
            text = "".join(f'<text:span text:style-name="T1">{t}</text:span>' if gone else t
                           for t, gone in parts)
            return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p>' \
                "</table:table-cell>"

        body = "".join("<table:table-row>" + "".join(cell(c) for c in row)
                       + "</table:table-row>" for row in rows)
        write_ods(path, f'<table:table table:name="Partners">{body}</table:table>',
                  '<style:style style:name="T1" style:family="text"><style:text-properties '
                  'style:text-line-through-style="solid"/></style:style>')
    assert open_view(path, [{}]).lines[1:] == [
        "Karlsruher Institut für Technologie\t1\t31.07.2028", "Aarhus Universitet\t3\t31.05.2029"]


def test_a_formula_saved_without_its_value_is_never_an_empty_cell(tmp_path: Path) -> None:
    """A workbook a program wrote holds formulas without their values: a reference to a
    cell ('=Countries!A2', a lookup sheet) has that cell's value; any other formula stays as
    written, for the normaliser to report, where both read as empty cells (country and end
    lost without a word); a total over a range stays empty."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Partners"
    sheet.append(["Partner", "Country", "Start", "Years", "End", "Note"])
    sheet.append(["Universidad de Salamanca", "=Countries!A2", "2022-09-01", 5,
                  "=EDATE(C2,D2*12)-1", "=$B$2"])
    sheet.append(["Total places", "", "", "=SUM(D2:D2)"])
    lookup = book.create_sheet("Countries")
    lookup.append(["Country"])
    lookup.append(["Spain"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    lines = open_view(path, [{"sheet": "Partners"}]).lines
    assert lines[1] == ("Universidad de Salamanca\tSpain\t2022-09-01\t5\t=EDATE(C2,D2*12)-1"
                        "\tSpain")
    assert lines[2] == "Total places"  # a total over a range: no text to read a row by


def test_a_link_formula_saved_without_its_value_is_the_text_it_shows(tmp_path: Path) -> None:
    """'=HYPERLINK("https://www.ugent.be/en","Ghent University")' written by a script,
    saved without its value, was published as an institution named after the formula: the
    cell shows its second argument (a quoted text, with "" for a quote, or a cell's value),
    whichever separator the workbook's locale writes."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Partner", "Country"])
    sheet.append(['=HYPERLINK("https://www.ugent.be/en","Ghent University")', "Belgium"])
    sheet.append(['=hyperlink("https://www.uu.se/en"; "Uppsala ""UU"" University")', "Sweden"])
    sheet.append(['=HYPERLINK("https://ut.ee",C4)', "Estonia", "University of Tartu"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    assert open_view(path, [{}]).lines[1:] == [
        "Ghent University\tBelgium\t", 'Uppsala "UU" University\tSweden\t',
        "University of Tartu\tEstonia\tUniversity of Tartu"]


def test_a_stray_cell_far_from_the_table_is_an_error_naming_it(tmp_path: Path) -> None:
    """One space typed at XFD1048576 made the spreadsheet library hold seventeen billion
    cells: the process aborted without naming the file (or ran on for hours). A sheet whose
    filled cells reach beyond MAX_SHEET_CELLS is an error naming the cell to delete."""
    import openpyxl

    from exchange_kg.formats.spreadsheet import MAX_SHEET_CELLS

    book = openpyxl.Workbook()
    book.active.title = "Partners"
    book.active.append(["Partner", "Country"])
    book.active.append(["Universität Wien", "Österreich"])
    rows = MAX_SHEET_CELLS // 101 + 1
    book.active[f"CW{rows}"] = " "
    path = tmp_path / "partners.xlsx"
    book.save(path)
    with pytest.raises(SourceError, match=rf"sheet 'Partners' has a filled cell as far as "
                                          rf"CW{rows}.*Delete it"):
        open_view(path, [{}])


@pytest.mark.parametrize("legend", ["Rot hinterlegt = Vertrag gekündigt", "红色：已终止"])
def test_rows_filled_in_a_colour_a_legend_explains_are_reported_not_read(
        legend: str, tmp_path: Path) -> None:
    """Rows filled red under a legend in red ('Rot hinterlegt = Vertrag gekündigt') are how
    offices mark ended agreements: they were published as current. They are reported with
    the legend, in any language; a row in another fill, a colour no legend explains and a
    table filled all over are read."""
    import openpyxl
    from openpyxl.styles import PatternFill

    red, blue = (PatternFill("solid", fgColor=c) for c in ("FFC7CE", "DDEBF7"))
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Partner", "Land", "Plätze"], ["Universität Wien", "Österreich", 2],
                ["Universitat de València", "Spanien", 1], ["University of Tartu", "Estland", 1],
                ["Uniwersytet Warszawski", "Polen", 2], [], [legend]):
        sheet.append(row)
    for cell in [*sheet[3], sheet["A7"]]:
        cell.fill = red
    for cell in sheet[4]:
        cell.fill = blue
    path = tmp_path / "partners.xlsx"
    book.save(path)
    view = open_view(path, [{}])
    assert {n: d.reason for n, d in view.dispositions.items()} == {
        3: f"row 3 is filled in the colour the legend in row 7 explains ({legend!r}): not read"}
    for row in sheet.iter_rows(min_row=1, max_row=5):  # the whole table red: no legend
        for cell in row:
            cell.fill = red
    book.save(path)
    assert open_view(path, [{}]).dispositions == {}


def test_ods_rows_filled_in_a_colour_a_legend_explains_or_struck_through_are_reported(
        tmp_path: Path) -> None:
    """The same in an ODS sheet: rows filled red as the legend under the table ('Rot
    hinterlegt = Vertrag gekündigt') were published as current; a fill its style inherits
    counts, a row in another fill or with one cell filled is read; a row struck through in
    every cell is reported (it was read)."""
    styles = ('<style:style style:name="red" style:family="table-cell">'
              '<style:table-cell-properties fo:background-color="#ffc7ce"/></style:style>'
              '<style:style style:name="red2" style:family="table-cell" '
              'style:parent-style-name="red"><style:text-properties fo:font-weight="bold"/>'
              '</style:style>'
              '<style:style style:name="blue" style:family="table-cell">'
              '<style:table-cell-properties fo:background-color="#ddebf7"/></style:style>'
              '<style:style style:name="gone" style:family="table-cell">'
              '<style:text-properties style:text-line-through-style="solid"/></style:style>')
    rows = [(["Partner", "Land", "Plätze"], ""),
            (["Universität Wien", "Österreich", "2"], ""),
            (["Universitat de València", "Spanien", "1"], "red"),
            (["University of Tartu", "Estland", "1"], "blue"),
            (["Uniwersytet Warszawski", "Polen", "2"], "gone"),
            (["Lunds universitet", "Schweden", "1"], "first"),
            (["Aarhus Universitet", "Dänemark", "1"], "red2"),
            ([], ""), (["Rot hinterlegt = Vertrag gekündigt"], "red")]

    def cell(text: str, style: str, c: int) -> str:
        style = "red" if style == "first" and c == 0 else "" if style == "first" else style
        return _cell_xml(text, f' table:style-name="{style}"' if style else "")

    body = "".join("<table:table-row>" + "".join(cell(t, style, c) for c, t in enumerate(row))
                   + "</table:table-row>" for row, style in rows)
    path = tmp_path / "partners.ods"
    write_ods(path, f'<table:table table:name="Partner">{body}</table:table>', styles)
    reasons = {n: d.reason for n, d in open_view(path, [{}]).dispositions.items()}
    legend = "'Rot hinterlegt = Vertrag gekündigt'"
    assert reasons == {
        3: f"row 3 is filled in the colour the legend in row 9 explains ({legend}): not read",
        5: "row 5 is struck through in the workbook (as an ended agreement is marked): not read",
        7: f"row 7 is filled in the colour the legend in row 9 explains ({legend}): not read"}


def test_rows_written_in_a_colour_a_legend_explains_are_reported_not_read(
        tmp_path: Path) -> None:
    """Offices colour the text of ended agreements as often as they fill the cells: rows in
    red type under a legend in red ('Partners in red: agreement terminated') were published
    as current. They are reported with the legend; a row with one red cell is read."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Partner", "Country", "Places"], ["Aarhus Universitet", "Denmark", 2],
                ["Université de Bordeaux", "France", 2], ["Stockholms universitet", "Sweden", 2],
                ["Universität Innsbruck", "Austria", 1], [],
                ["Partners in red: agreement terminated"]):
        sheet.append(row)
    for cell in [*sheet[3], sheet["A5"], sheet["A7"]]:
        cell.font = Font(color="FFFF0000")
    path = tmp_path / "partners.xlsx"
    book.save(path)
    assert {n: d.reason for n, d in open_view(path, [{}]).dispositions.items()} == {
        3: "row 3 is written in the colour the legend in row 7 explains ('Partners in red: "
           "agreement terminated'): not read"}


def test_a_row_struck_through_in_a_workbook_is_reported_not_read(tmp_path: Path) -> None:
    """A row whose every cell is in struck-through type is how many offices mark an ended
    agreement: reported as struck through, not read (it was published as current); a row
    with one struck cell is read."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Partner", "Until"], ["Universiteit Twente", "31.05.2029"],
                ["Aarhus Universitet", "31.05.2029"]):
        sheet.append(row)
    for cell in sheet[2]:
        cell.font = Font(strike=True)
    sheet["B3"].font = Font(strike=True)
    path = tmp_path / "partners.xlsx"
    book.save(path)
    view = open_view(path, [{}])
    assert {n: d.status for n, d in view.dispositions.items()} == {2: LineStatus.UNREADABLE}
    assert "struck through" in view.dispositions[2].reason


def test_a_hidden_sheet_is_read_only_when_the_mapping_names_it(tmp_path: Path) -> None:
    """A sheet the workbook hides (an archive of ended agreements) is not the list: without
    `sheet:` the one shown is read, the hidden one is reported; new-mapping proposes no
    section for it."""
    import openpyxl

    book = openpyxl.Workbook()
    shown = book.active
    shown.title = "Partner"
    archive = book.create_sheet("Archiv")
    lists = {shown: [("Spanien", "Universidad de Granada"), ("Japan", "Kyoto University"),
                     ("Italien", "Politecnico di Milano")],
             archive: [("Chile", "Universidad de Chile"), ("Peru", "Universidad de Lima"),
                       ("Polen", "Uniwersytet Warszawski")]}
    for sheet, rows in lists.items():
        for row in [("Land", "Hochschule"), *rows]:
            sheet.append(row)
    archive.sheet_state = "hidden"
    path = tmp_path / "partner.xlsx"
    book.save(path)
    view = open_view(path, [{}])
    assert [view.lines[n - 1] for n in sorted(view.section_lines[0] or ())][1] == \
        "Spanien\tUniversidad de Granada"
    reasons = {d.reason for d in view.dispositions.values()}
    assert reasons == {"sheet 'Archiv' (hidden in the workbook) is not read by the mapping "
                       "(a section with `sheet: Archiv` would read it)"}
    proposal = propose(path, "partner")
    assert len(proposal.mapping["sections"]) == 1
    assert "Universidad de Chile" in open_view(path, [{"sheet": "Archiv"}]).lines[1]


def test_html_rows_and_spans_as_a_browser_lays_them_out(tmp_path: Path) -> None:
    """The foot comes last wherever the page writes it; ``rowspan="0"`` spans to the end of
    its row group and no span reaches past its group (a <tbody> per country)."""
    path = write_html(tmp_path / "p.html", """<table>
<thead><tr><th>Country</th><th>University</th></tr></thead>
<tfoot><tr><td colspan="2">Updated 2026</td></tr></tfoot>
<tbody><tr><td rowspan="0">Spain</td><td>Granada</td></tr><!-- a comment -->
<tr><td>Barcelona</td></tr></tbody>
<tbody><tr><td rowspan="9">Japan</td><td>Kyoto</td></tr><tr><td>Osaka</td></tr></tbody>
<tbody><tr><td>Chile</td><td>Santiago</td></tr></tbody></table>""")
    assert open_view(path, [{}]).lines == [
        "Country\tUniversity", "Spain\tGranada", "Spain\tBarcelona", "Japan\tKyoto",
        "Japan\tOsaka", "Chile\tSantiago", "Updated 2026"]


def test_a_text_export_in_utf16_with_its_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Excel's "Unicode Text" export: tab-separated, UTF-16 little-endian with a BOM
    path = tmp_path / "partners.txt"
    path.write_bytes("Country\tInstitution\nÖsterreich\tUniversität Wien\n".encode("utf-16"))
    assert read_text_lines(path) == ["Country\tInstitution", "Österreich\tUniversität Wien"]


def test_a_quoted_cell_over_lines_of_a_text_export_is_one_cell(tmp_path: Path) -> None:
    """A tab-separated export writes a cell with a line break quoted over two lines: read
    line by line, 'University of Tartu "Universität Wien' was one wrapped name and 'Institut
    für Geschichte' a partner of its own. The cell is one, its lines apart by a line break,
    on the row's first line; the line it took stays blank, so the others keep their numbers.
    A quote inside a cell that opens none is text."""
    path = tmp_path / "partners.tsv"
    path.write_bytes(('Partner\tCountry\r\nUniversity of Tartu\tEstonia\r\n"Universität Wien\n'
                      'Institut für Geschichte"\tAustria\r\n"Sorbonne ""Paris IV""\n'
                      '\nFaculté des Lettres"\tFrance\r\nThe "Kyoto\tJapan\r\n').encode("utf-16"))
    assert open_view(path, [{}]).lines == [
        "Partner\tCountry", "University of Tartu\tEstonia",
        "Universität Wien\u2028Institut für Geschichte\tAustria", "",
        'Sorbonne "Paris IV"\u2028Faculté des Lettres\tFrance', "", "", 'The "Kyoto\tJapan']


def test_a_csv_cell_guarded_as_text_reads_as_its_text(tmp_path: Path) -> None:
    """Exporters write ="01/09/2021" so that a spreadsheet keeps a cell as text: its start
    and places were unread ('="2"' is no number). The cell is the text inside; a formula of
    another kind stays as written."""
    path = tmp_path / "export.csv"
    path.write_text('Partner,Code,Start,Places,Note\n"University of Tartu",="EE TARTU02",'
                    '="01/09/2021",="2","=""Q"" 1"\nUniversität Wien,="A  WIEN01",'
                    '="01/09/2021",="3",=A1&"x"\n', encoding="utf-8")
    assert open_view(path, [{}]).lines[1:] == [
        "University of Tartu\tEE TARTU02\t01/09/2021\t2\t=\"Q\" 1",
        "Universität Wien\tA  WIEN01\t01/09/2021\t3\t=A1&\"x\""]


def test_an_apple_numbers_file_says_what_to_export_it_as(tmp_path: Path) -> None:
    """A Numbers spreadsheet (a zip package of Index/*.iwa parts) was taken for a workbook
    and stopped with the spreadsheet library's 'Cannot detect file format': the error says
    what it is and how to export it; a Pages document likewise."""
    for name in ("list.numbers", "list.pages"):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("Index/Document.iwa", b"\x00\x01")
            z.writestr("Metadata/Properties.plist", b"<plist/>")
        match = r"Apple Numbers spreadsheet \(.numbers\) is not read: export it as .xlsx" \
            if name.endswith("numbers") else r"Apple iWork document \(.pages\) is not read"
        with pytest.raises(SourceError, match=match):
            open_view(path, [{}])


def test_a_flat_opendocument_spreadsheet_says_what_to_save_it_as(tmp_path: Path) -> None:
    """A .fods (LibreOffice's Flat XML spreadsheet) was taken for a web page (its
    '<table:table>') and read as one line of glued words, then 'no table header'."""
    path = tmp_path / "list.fods"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office="urn:oasis:names'
        ':tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:'
        'table:1.0" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:'
        'body><office:spreadsheet><table:table table:name="P"/></office:spreadsheet></office:'
        'body></office:document>', encoding="utf-8")
    with pytest.raises(SourceError, match=r"list.fods: a flat OpenDocument spreadsheet \(.fods"
                                          r"\) is not read: save it as .ods or .xlsx"):
        open_view(path, [{}])


def test_an_empty_csv_file_is_said_to_be_empty(tmp_path: Path) -> None:
    path = tmp_path / "partners.csv"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(SourceError, match="partners.csv: the file is empty"):
        open_view(path, [{}])


@pytest.mark.skipif(originals.font_path() is None, reason=originals.FONT_MISSING)
def test_pdf_without_rules_a_row_of_wrapped_and_centred_cells_is_one_row(tmp_path: Path) -> None:
    """A borderless table whose long cells wrap over two lines while the short ones are
    centred beside them (Word's and LibreOffice's "centre" cell alignment): the text layer
    gives each row as first halves, short cells half a line lower, second halves. Each row
    is read whole, never a second half as a row of its own (a name cut, a country shifted);
    the header's cell wrapped over three lines around the others' one is read whole too, and
    so is a row whose only short cell is its country, as every row has its own country."""
    from fpdf import FPDF

    rows = [["Country", "Partner", "Agreement", "Places for outgoing students"],
            ["Brazil", "Universidade Federal do Rio Grande do Sul", "Framework and student "
             "exchange agreement", "2"],
            ["Mexico", "Universidad Nacional Autónoma de México", "Agreement for academic "
             "cooperation", "3"],
            ["Canada", "Université de Montréal", "Bilateral", "1"],
            ["Japan", "Tokyo University of Foreign Studies", "Cooperation and student "
             "exchange agreement", "2 (one year)"]]
    pdf = FPDF(orientation="L")
    pdf.add_font("body", fname=str(originals.font_path()))
    pdf.add_font("body", style="B", fname=str(originals.font_path()))
    pdf.set_font("body", size=10)
    pdf.add_page()
    with pdf.table(col_widths=(30, 55, 55, 20), width=160, borders_layout="NONE",
                   text_align="LEFT", v_align="M", line_height=6) as table:
        for row in rows:
            tr = table.row()
            for text in row:
                tr.cell(text)
    path = tmp_path / "list.pdf"
    pdf.output(str(path))
    lines = [line for line in open_view(path, [{}]).lines if line.strip()]
    assert lines == ["\t".join(row) for row in rows]


@pytest.mark.skipif(originals.font_path() is None, reason=originals.FONT_MISSING)
@pytest.mark.parametrize("over", [True, False])
def test_a_sheet_printed_down_then_over_reads_its_right_columns_with_their_rows(
        tmp_path: Path, over: bool) -> None:
    """A sheet too wide for the paper, printed 'down, then over': page 2 holds the same
    rows' 'Valid from | Valid until' at the heights they have on page 1. Read alone, its
    dates were taken for a footer and lost; they are read with their rows. A table going on
    down the next page (its columns, its header repeated) is not joined."""
    from fpdf import FPDF

    left = [["Country", "Partner", "Places"], ["Austria", "Universität Wien", "2"],
            ["Japan", "Kyoto University", "1"]]
    right = [["Valid from", "Valid until"], ["01.06.2021", "31.05.2029"],
             ["01.04.2023", "31.03.2028"]] if over else \
        [left[0], ["France", "Université de Lille", "3"], ["Canada", "McGill University", "2"]]
    pdf = FPDF()
    pdf.add_font("body", fname=str(originals.font_path()))
    pdf.set_font("body", size=10)
    for table in (left, right):
        pdf.add_page()
        widths = [40, 60, 30] if len(table[0]) == 3 and table[0][0] == "Country" else [35, 35]
        for r, row in enumerate(table):
            pdf.set_xy(15, 30 + 8 * r)
            for w, text in zip(widths, row, strict=True):
                pdf.cell(w, 8, text, border=1)
    path = tmp_path / "list.pdf"
    pdf.output(str(path))
    view = open_view(path, [{}])
    if over:
        assert view.lines[:3] == ["Country\tPartner\tPlaces\tValid from\tValid until",
                                  "Austria\tUniversität Wien\t2\t01.06.2021\t31.05.2029",
                                  "Japan\tKyoto University\t1\t01.04.2023\t31.03.2028"]
        assert {d.kind for d in view.dispositions.values()} == {"continuation"}
    else:
        assert view.lines[:3] == ["\t".join(row) for row in left]
        assert view.dispositions == {}


@pytest.mark.skipif(originals.font_path() is None, reason=originals.FONT_MISSING)
def test_a_pdf_of_shaped_arabic_in_visual_order_reads_as_written(tmp_path: Path) -> None:
    """Arabic word processors store a page's text shaped (presentation forms) and in visual
    order, a table's columns from the right: read as printed, 'ﺓﺮﻫﺎﻘﻟﺍ ﺔﻌﻣﺎﺟ' was published as
    the partner (جامعة القاهرة reversed) and no country or kind was understood. Each cell
    reads as written (a date kept as it reads), the columns from the right."""
    from fpdf import FPDF

    printed = [["ﺔﻟﻭﺪﻟﺍ", "ﺔﻜﻳﺮﺸﻟﺍ ﺔﻬﺠﻟﺍ", "ﻡ"], ["ﺮﺼﻣ", "ﺓﺮﻫﺎﻘﻟﺍ ﺔﻌﻣﺎﺟ", "1"],
               ["19/11/2023 ﻰﺘﺣ", "Qatar University", "2"]]
    pdf = FPDF()
    pdf.add_font("body", fname=str(originals.font_path()))
    pdf.set_font("body", size=10)
    pdf.add_page()
    for row in printed:
        for text in row:
            pdf.cell(50, 8, text, border=1, align="R")
        pdf.ln()
    path = tmp_path / "list.pdf"
    pdf.output(str(path))
    assert [line for line in open_view(path, [{}]).lines if line.strip()] == [
        "م\tالجهة الشريكة\tالدولة", "1\tجامعة القاهرة\tمصر",
        "2\tQatar University\tحتى 19/11/2023"]


@pytest.mark.skipif(originals.font_path() is None, reason=originals.FONT_MISSING)
def test_pdf_without_rules_cells_wrapped_at_their_top_stay_in_their_row(tmp_path: Path) -> None:
    """A borderless table whose cells are aligned at their top (as Word and browsers print
    them), rows apart by the cells' padding: a long name or type wraps onto lines right
    under the row's first line. Read as rows of their own, 'Chile' and 'States' were
    published as partners and names were cut at their first line; each row is read whole.
    Text after the table, a paragraph over two lines, stays as it was."""
    from fpdf import FPDF

    rows = [["Country", "Partner", "Agreement", "Places"],
            ["Chile", "Pontificia Universidad Católica de Chile", "Bilateral student exchange",
             "1"],
            ["Belgium", "Katholieke Universiteit Leuven", "Erasmus+", "3"],
            ["United States", "University of Texas at Austin, McCombs School of Business",
             "Bilateral", "2"]]
    pdf = FPDF()
    pdf.add_font("body", fname=str(originals.font_path()))
    pdf.add_font("body", style="B", fname=str(originals.font_path()))
    pdf.set_font("body", size=10)
    pdf.add_page()
    with pdf.table(col_widths=(28, 50, 35, 20), width=133, borders_layout="NONE",
                   text_align="LEFT", v_align="T", line_height=5, padding=2) as table:
        for row in rows:
            tr = table.row()
            for text in row:
                tr.cell(text)
    pdf.ln(4)
    pdf.multi_cell(60, 5, "Places are per academic year, for one student for a full year.")
    path = tmp_path / "list.pdf"
    pdf.output(str(path))
    lines = [line.strip("\t") for line in open_view(path, [{}]).lines if line.strip()]
    assert lines[:4] == ["\t".join(row) for row in rows]
    assert len(lines) == 6  # the paragraph's two lines


@pytest.mark.skipif(originals.font_path() is None, reason=originals.FONT_MISSING)
@pytest.mark.parametrize("same_header", [False, True])
def test_pdf_tables_side_by_side_under_other_headers_are_read_one_after_the_other(
        tmp_path: Path, same_header: bool) -> None:
    """Two ruled tables printed side by side, each under its own header (Erasmus+ partners
    left, bilateral ones right): read line by line across the page, each row came between
    two rows of the other table and no row was read (new-mapping found none). They are read
    one after the other, left first; under one header they stay line by line."""
    from fpdf import FPDF

    left = [["Country", "University", "Places"], ["Austria", "University of Innsbruck", "2"],
            ["Denmark", "Aarhus University", "2"], ["France", "Sciences Po", "1"]]
    right = [["University", "Country", "Valid until"],
             ["McGill University", "Canada", "31/08/2028"],
             ["Hitotsubashi University", "Japan", "31/03/2029"]]
    if same_header:
        right = [left[0], *(["Canada", "McGill University", "2"],
                            ["Japan", "Hitotsubashi University", "1"])]
    pdf = FPDF(orientation="L")
    pdf.add_font("body", fname=str(originals.font_path()))
    pdf.set_font("body", size=10)
    pdf.add_page()
    pdf.set_xy(15, 15)
    pdf.cell(200, 8, "Partner universities 2026/27")
    for x, table in ((15, left), (150, right)):
        widths = [55 if "University" in row[c] else 30 for c in range(3) for row in table[1:2]]
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                pdf.set_xy(x + sum(widths[:c]), 30 + 8 * r)
                pdf.cell(widths[c], 8, text, border=1)
    path = tmp_path / "list.pdf"
    pdf.output(str(path))
    lines = [line for line in open_view(path, [{}]).lines if line.strip()]
    rows = ["\t".join(row) for row in (*left, *right)]
    if same_header:
        rows = [rows[0], rows[4], *(x for pair in zip(rows[1:3], rows[5:], strict=True)
                                    for x in pair), rows[3]]
    assert lines == ["Partner universities 2026/27", *rows]


@pytest.mark.parametrize("angle", [90, -90])
def test_a_table_drawn_sideways_on_the_page_is_read_as_it_is_shown_turned(
        tmp_path: Path, angle: int) -> None:
    """A landscape table drawn turned on a portrait page (no page rotation: a rotated table
    in a portrait document, a print driver's landscape page) reads bottom to top or top to
    bottom; read as it lies, each line was a column of letters and no header was found. The
    page is read turned, as a reader turns it."""
    from fpdf import FPDF

    rows = [["Land", "Partnerhochschule", "Plätze", "Gültig bis"],
            ["Frankreich", "Université de Strasbourg", "2", "31.05.2029"],
            ["Polen", "Uniwersytet Łódzki", "2", "31.05.2029"],
            ["Tschechien", "Vysoké učení technické v Brně", "3", "31.05.2029"]]
    pdf = FPDF()
    pdf.add_font("body", fname=str(originals.font_path()))
    pdf.set_font("body", size=10)
    pdf.add_page()
    middle = (pdf.w / 2, pdf.h / 2)
    with pdf.rotation(angle, *middle):
        pdf.set_xy(middle[0] - 100, middle[1] - 30)
        pdf.cell(200, 8, "Erasmus+ Partneruniversitäten", new_x="LMARGIN", new_y="NEXT")
        for row in rows:
            pdf.set_x(middle[0] - 100)
            for width, text in zip((40, 80, 30, 40), row, strict=True):
                pdf.cell(width, 8, text)
            pdf.ln(8)
    path = tmp_path / "partner.pdf"
    pdf.output(str(path))
    lines = [line for line in open_view(path, [{}]).lines if line.strip()]
    assert lines == ["Erasmus+ Partneruniversitäten", *("\t".join(row) for row in rows)]


def test_a_description_list_pairs_each_term_with_its_description(tmp_path: Path) -> None:
    """A page of cards (a heading, a place, a <dl> of labelled details): each term and its
    description are one line of two cells, as a browser sets them side by side, so a detail
    is never a line of its own that reads like a partner ("Laufzeit", "2021–2027")."""
    path = tmp_path / "partner.html"
    path.write_text(
        "<html><body><section><h2>Frankreich</h2><div class='card'>"
        "<h3>Université Lumière Lyon 2</h3><p>Lyon, Frankreich</p><dl>"
        "<dt>Programm</dt><dd>Erasmus+</dd><div><dt>Laufzeit</dt><dd>2021–2027</dd></div>"
        "<dt>Plätze</dt><dd>2 Studierende</dd><dd>1 Lehrende</dd><dt>Hinweis</dt></dl>"
        "</div></section></body></html>", encoding="utf-8")
    assert open_view(path, [{}]).lines == [
        "Frankreich", "Université Lumière Lyon 2", "Lyon, Frankreich", "Programm\tErasmus+",
        "Laufzeit\t2021–2027", "Plätze\t2 Studierende\u20281 Lehrende", "Hinweis"]


def test_aligned_text_header_word_over_right_aligned_numbers_is_their_column() -> None:
    """A report's last column holds right-aligned numbers, its header word starts before
    them ("END       PLACES" over "20290531       2"): the word ends where the numbers end,
    so it is that column's header, not a second word of the column before it."""
    from exchange_kg.formats.aligned import aligned_lines

    lines = ["CTRY  INSTITUTION                 START     END       PLACES",
             "----  --------------------------  --------  --------  ------",
             "DE    UNIVERSITAET HAMBURG        20220201  20290531       2",
             "FR    SORBONNE UNIVERSITE         20220201  20290531      12",
             "US    UNIVERSITY OF WASHINGTON    20210701  20260630       3"]
    out = aligned_lines(lines)
    assert out[0] == "CTRY\tINSTITUTION\tSTART\tEND\tPLACES"
    assert out[1].split("\t")[-2:] == ["--------", "------"]
    assert out[3] == "FR\tSORBONNE UNIVERSITE\t20220201\t20290531\t12"


def test_two_tables_side_by_side_on_a_sheet_are_read_one_after_the_other(
        tmp_path: Path) -> None:
    """A designed sheet puts 'Europe' in A-C and 'Outside Europe' in E-G under the same
    header: a row holding both would be one agreement with two partners (and the right
    table's type a second type of the left partner). The right table follows the left one,
    each row located in its own columns; an empty spacer column inside one table (no header
    repeated across it) splits nothing."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(["Partner universities"])
    ws.append(["EUROPE", None, None, None, "OUTSIDE EUROPE"])
    ws.append(["Country", "University", "Type", None, "Country", "University", "Type"])
    ws.append(["Germany", "Universität Hamburg", "Erasmus+", None, "Japan", "Kyoto University",
               "bilateral"])
    ws.append(["Italy", "Università di Padova", "Erasmus+"])
    path = tmp_path / "partners.xlsx"
    wb.save(path)
    view = open_view(path, [{}])
    assert view.lines == [
        "Partner universities", "EUROPE", "Country\tUniversity\tType",
        "Germany\tUniversität Hamburg\tErasmus+", "Italy\tUniversità di Padova\tErasmus+",
        "OUTSIDE EUROPE", "Country\tUniversity\tType", "Japan\tKyoto University\tbilateral"]
    assert [loc.text for loc in view.locations or []][-3:] == [
        "Partners!E2:G2", "Partners!E3:G3", "Partners!E4:G4"]
    apart = openpyxl.Workbook()  # other headers, the right one starting lower
    apart.active.append(["EUROPE"])
    apart.active.append(["Country", "University", None, None])
    apart.active.append(["Germany", "Universität Hamburg", None, "REST OF THE WORLD"])
    apart.active.append(["Italy", "Università di Padova", None, "Country", "Host", "Notes"])
    apart.active.append(["Spain", "Universidad de Granada", None, "Japan", "Kyoto University",
                         "one year"])
    apart.save(path)
    assert open_view(path, [{}]).lines == [
        "EUROPE", "Country\tUniversity", "Germany\tUniversität Hamburg",
        "Italy\tUniversità di Padova", "Spain\tUniversidad de Granada",
        "REST OF THE WORLD", "Country\tHost\tNotes", "Japan\tKyoto University\tone year"]
    # each table its own, with its own header: a section per table, by number or caption
    view = open_view(path, [{"table": 1}, {"table": "rest of the world"}])
    assert [[view.lines[n - 1] for n in sorted(own or ())] for own in view.section_lines] == [
        ["EUROPE", "Country\tUniversity", "Germany\tUniversität Hamburg",
         "Italy\tUniversità di Padova", "Spain\tUniversidad de Granada"],
        ["REST OF THE WORLD", "Country\tHost\tNotes", "Japan\tKyoto University\tone year"]]
    alone = open_view(path, [{"table": 1}])  # the other table's rows: reported, with the option
    reasons = {alone.lines[n - 1]: d.reason for n, d in alone.dispositions.items()}
    assert reasons["Japan\tKyoto University\tone year"] == (
        "table 2 ('REST OF THE WORLD') of sheet 'Sheet' is not read by the mapping (a section "
        "with `sheet: Sheet`, `table: 2` would read it)")
    assert alone.dispositions.keys() == {6, 7, 8}
    with pytest.raises(SourceError, match="its tables side by side are 1: 'EUROPE'; 2: 'REST"):
        open_view(path, [{"table": "Asia"}])
    spaced = openpyxl.Workbook()
    spaced.active.append(["Country", "University", None, "Type"])
    spaced.active.append(["Germany", "Universität Hamburg", None, "Erasmus+"])
    spaced.save(path)
    assert open_view(path, [{}]).lines == [
        "Country\tUniversity\t\tType", "Germany\tUniversität Hamburg\t\tErasmus+"]


def test_pdf_lines_printed_in_every_page_margin_are_layout(tmp_path: Path) -> None:
    """A browser prints the date and the page's title above every page and its address and
    page number below: the printout's, not the list's. Marked layout where every page has
    them at the same place (the page number may differ); the list's own lines are not."""
    from fpdf import FPDF

    class Printout(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.set_y(4)
            self.cell(0, 5, "12/7/26, 5:38 AM      Exchange agreements - Faculty of Engineering")

        def footer(self) -> None:
            self.set_y(-9)
            self.set_font("Helvetica", size=8)
            self.cell(0, 5, f"file:///tmp/page.html      {self.page_no()}/2", align="R")

    pdf = Printout()
    pdf.set_auto_page_break(False)
    pages = ([("Germany", "Universitaet Hamburg")], [("Japan", "Kyoto University")])
    for page, rows in enumerate(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.set_y(30 + 20 * page)
        for country, partner in [("Country", "Partner"), *rows]:
            pdf.cell(40, 8, country)
            pdf.cell(0, 8, partner, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "printout.pdf"
    pdf.output(str(path))
    view = open_view(path, [{}])
    margin = [view.lines[n - 1].strip()[:10] for n, d in sorted(view.dispositions.items())
              if d.kind == "page-margin"]
    assert margin == ["12/7/26, 5", "file:///tm", "12/7/26, 5", "file:///tm"]
    assert [line for n, line in enumerate(view.lines_for(0), start=1) if line.strip()] == [
        "Country\tPartner", "Germany\tUniversitaet Hamburg", "Country\tPartner",
        "Japan\tKyoto University"]


def test_a_name_typed_on_into_the_row_below_is_joined_only_when_it_is_evidently_its_rest(
        tmp_path: Path) -> None:
    """A long name typed on into the next row of a workbook, its other cells empty, is the
    rest of the cell above when the evidence says so (a word a name does not end in or its
    rest starts with, a hyphen, an open bracket), beside a merged country cell too; a row
    that may be a name or a note of its own is not joined (a false join is a false name)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["Country", "University", "Places"],
                ["Italy", "Università degli Studi", 2], [None, "di Padova"],
                ["Germany", "Technische Universität (TU", 1], [None, "Dresden)"],
                ["Norway", "Norges teknisk-", 1], [None, "naturvitenskapelige universitet"],
                ["Spain", "Universidad de Granada", 3], [None, "Nur für Master"],
                ["United Kingdom", "De Montfort University", 1], [None, "Kingston University"],
                [None, "University of", 2], [None, "Technology Sydney"]]:
        ws.append(row)
    ws.merge_cells("A10:A13")  # one country over its rows, the last typed on
    path = tmp_path / "wrapped.xlsx"
    wb.save(path)
    view = open_view(path, [{}])
    lines = [line for n, line in enumerate(view.lines_for(0), start=1) if line.strip()]
    assert lines == [
        "Country\tUniversity\tPlaces", "Italy\tUniversità degli Studi di Padova\t2",
        "Germany\tTechnische Universität (TU Dresden)\t1",
        "Norway\tNorges teknisk-naturvitenskapelige universitet\t1",
        "Spain\tUniversidad de Granada\t3", "\tNur für Master",
        "United Kingdom\tDe Montfort University\t1", "United Kingdom\tKingston University\t",
        "United Kingdom\tUniversity of Technology Sydney\t2"]
    joined = {n: d.reason for n, d in view.dispositions.items() if d.kind == "continuation"}
    assert sorted(joined) == [3, 5, 7, 13]
    assert joined[3].startswith("'di Padova' goes on with the cell above ('Università degli")
    # the same rows of a CSV file are not joined by the reader either (a file that delimits
    # its cells) and of a text extract never by the format layer
    text = tmp_path / "wrapped.txt"
    text.write_text("Country\tUniversity\nItaly\tUniversità degli Studi\n\tdi Padova\n",
                    encoding="utf-8")
    assert open_view(text, [{}]).dispositions == {}


def test_a_page_set_in_two_columns_is_read_one_column_after_the_other(tmp_path: Path) -> None:
    """A page set in two columns, as a newspaper is (country headings over partners in each),
    read across would join a line of the left column to one of the right: a German and an
    Italian university in one name. Its columns are read one after the other; a table
    without ruling lines, whose cells stand level on their rows, is read across as before."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.set_xy(20, 15)
    pdf.cell(170, 8, "Partner universities of the Faculty of Arts, 2025-2026")
    columns = {20: [("GERMANY", ["Universitaet zu Koeln", "Universitaet Leipzig",
                                 "Universitaet Hamburg"]),
                    ("AUSTRIA", ["Universitaet Wien", "Universitaet Graz"])],
               110: [("ITALY", ["Universita di Torino", "Universita di Pavia"]),
                     ("POLAND", ["Uniwersytet Warszawski", "Uniwersytet Jagiellonski",
                                 "Uniwersytet Wroclawski"])]}
    for x, groups in columns.items():
        y = 32.0 if x == 20 else 35.5  # the columns' lines are not level
        for heading, partners in groups:
            pdf.set_font("Helvetica", "B", size=12)
            pdf.set_xy(x, y)
            pdf.cell(80, 6, heading)
            y += 9
            pdf.set_font("Helvetica", size=10)
            for partner in partners:
                pdf.set_xy(x + 4, y)
                pdf.cell(76, 5, partner)
                y += 6.5
            y += 3
    path = tmp_path / "columns.pdf"
    pdf.output(str(path))
    lines = [line.strip() for line in open_view(path, [{}]).lines]
    assert lines == ["Partner universities of the Faculty of Arts, 2025-2026",
                     "GERMANY", "Universitaet zu Koeln", "Universitaet Leipzig",
                     "Universitaet Hamburg", "AUSTRIA", "Universitaet Wien",
                     "Universitaet Graz", "ITALY", "Universita di Torino",
                     "Universita di Pavia", "POLAND", "Uniwersytet Warszawski",
                     "Uniwersytet Jagiellonski", "Uniwersytet Wroclawski"]
    table = FPDF()
    table.add_page()
    table.set_font("Helvetica", size=10)
    for k, (name, city) in enumerate([("University", "City")] + [
            (f"Universitaet number {n}", f"City number {n}") for n in range(12)]):
        table.set_xy(20, 20 + 7 * k)
        table.cell(80, 6, name)
        table.set_xy(110, 20 + 7 * k)
        table.cell(80, 6, city)
    table.output(str(path))
    lines = open_view(path, [{}]).lines
    assert lines[:2] == ["University\tCity", "Universitaet number 0\tCity number 0"]


def test_a_list_with_drawn_bullets_is_an_item_a_line_its_wrapped_lines_joined(
        tmp_path: Path) -> None:
    """A browser prints a list's bullets as dots, not characters: a line with a dot left of
    it starts an item ("• ..."), and the lines under it where its text starts, without a
    dot, are the rest the column's width wrapped (a hyphen at the wrap kept, no space after
    it); a heading between the items is a line of its own."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    y = 20.0
    for text, dot in [("GERMANY", False),
                      ("Universitaet zu Koeln (D KOLN01), 2 places, 2021-", True),
                      ("2027", False), ("Technische Universitaet Dresden", True),
                      ("AUSTRIA", False), ("Universitaet Wien (A WIEN01), 3 places", True),
                      ("Universitaet fuer Bodenkultur Wien (A WIEN03), Aix-", True),
                      ("Marseille", False)]:
        x = 20.0
        if dot:
            pdf.ellipse(x + 1, y + 2, 1, 1, style="F")
            x += 5
        elif text[0].islower() or not text.isupper():
            x += 5
        pdf.set_xy(x, y)
        pdf.cell(100, 5, text)
        y += 5
    path = tmp_path / "bullets.pdf"
    pdf.output(str(path))
    assert [line.strip() for line in open_view(path, [{}]).lines] == [
        "GERMANY", "• Universitaet zu Koeln (D KOLN01), 2 places, 2021-2027",
        "• Technische Universitaet Dresden", "AUSTRIA", "• Universitaet Wien (A WIEN01), 3 places",
        "• Universitaet fuer Bodenkultur Wien (A WIEN03), Aix-Marseille"]


def test_pdf_ruled_table_a_hyphen_at_a_wrap_and_a_title_a_hair_left_of_the_margin(
        tmp_path: Path) -> None:
    """A name its cell's width wrapped after a hyphen is one word ('teknisk-naturvitenskapelige',
    no space after the hyphen); a title above a ruled table that starts a hair left of the
    page's running header is one cell, not a second column's."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(14.0, 8)
    pdf.cell(80, 4, "Faculty 4 - International Office")
    pdf.set_xy(14.0, 270)
    pdf.cell(80, 4, "Page 1 of 1")
    pdf.set_font("Helvetica", size=12)
    pdf.set_xy(15.6, 20)
    pdf.cell(120, 6, "Erasmus+ partners of Faculty 4")
    pdf.set_font("Helvetica", size=9)
    pdf.set_xy(15.6, 26)
    pdf.cell(120, 4, "Contact: Dr. Katrin Weber")
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(15.7, 34)
    with pdf.table(col_widths=(30, 45, 20), width=95, align="L") as table:
        for row in [("Country", "University", "Places"),
                    ("Norway", "Norges teknisk-\nnaturvitenskapelige universitet", "2")]:
            cells = table.row()
            for text in row:
                cells.cell(text)
    path = tmp_path / "ruled.pdf"
    pdf.output(str(path))
    lines = open_view(path, [{}]).lines
    assert lines[1:3] == ["Erasmus+ partners of Faculty 4", "Contact: Dr. Katrin Weber"]
    assert "Norway\tNorges teknisk-naturvitenskapelige universitet\t2" in lines


def test_pdf_text_in_no_cell_the_rulings_close_stays_in_its_row(tmp_path: Path) -> None:
    """A merged country cell cut at the page's foot has no bottom rule on that page, so no
    cell is found around its text ('Sweden' beside the last row): the text stays in that
    row and column, where it vanished and the row took the country of the group above."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    ys, xs = [20, 28, 36, 44], [20, 60, 130]
    for k, y in enumerate(ys):  # the last rule closes the university cell only
        pdf.line(xs[1] if k == len(ys) - 1 else xs[0], y, xs[2], y)
    for x in xs:
        pdf.line(x, ys[0], x, ys[-1])
    for (x, y), text in {(21, 21): "Country", (61, 21): "University", (21, 29): "Portugal",
                         (61, 29): "Universidade do Porto", (21, 39): "Sweden",
                         (61, 37): "Kungliga Tekniska hogskolan"}.items():
        pdf.set_xy(x, y)
        pdf.cell(38, 6, text)
    path = tmp_path / "cut.pdf"
    pdf.output(str(path))
    lines = open_view(path, [{}]).lines
    assert lines == ["Country\tUniversity", "Portugal\tUniversidade do Porto",
                     "Sweden\tKungliga Tekniska hogskolan"]


def test_pdf_running_header_a_little_lower_on_a_landscape_page_is_margin(
        tmp_path: Path) -> None:
    """A landscape page's running header (a title left, a date right) a little below the
    top 5 % is the printout's on every page: layout, where page 2's copy was read as a row;
    the table's header repeated on page 2 is no margin."""
    from fpdf import FPDF

    class Printout(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.set_xy(11, 11.5)
            self.cell(120, 4, "University of Somewhere - International Office")
            self.set_xy(230, 11.5)
            self.cell(50, 4, "Agreements in force")

    pdf = Printout(orientation="L")
    pdf.set_auto_page_break(False)
    for page, rows in enumerate(([("Germany", "Universitaet Hamburg", "2")],
                                 [("Japan", "Kyoto University", "1")])):
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        pdf.set_y(30 + 15 * (page == 0))
        for row in [("Country", "Partner", "Places"), *rows]:
            for width, text in zip((50, 80, 20), row, strict=True):
                pdf.cell(width, 7, text)
            pdf.ln(7)
    path = tmp_path / "landscape.pdf"
    pdf.output(str(path))
    view = open_view(path, [{}])
    margin = sorted(n for n, d in view.dispositions.items() if d.kind == "page-margin")
    assert [view.lines[n - 1].split("\t")[0] for n in margin] == [
        "University of Somewhere - International Office"] * 2
    assert [line for n, line in enumerate(view.lines_for(0), start=1) if line.strip()] == [
        "Country\tPartner\tPlaces", "Germany\tUniversitaet Hamburg\t2",
        "Country\tPartner\tPlaces", "Japan\tKyoto University\t1"]


def test_pdf_a_row_the_page_break_cuts_is_joined_to_its_rest_on_the_next_page(
        tmp_path: Path) -> None:
    """A tall row at a page's foot is printed in two parts: its top at the foot of page 1
    with no bottom rule (the table's vertical rules go on to the foot), its rest at the top
    of page 2 under the header repeated. The two parts are one row; and the merged country
    cut with it ('Sweden', its rest on page 2 over the next row without text of its own)
    gives that next row its country, where it had none and a reader gave it the group's
    below (Spain): a false country."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=10)
    xs = [20, 50, 110, 190]

    def write(texts: dict[tuple[float, float], str]) -> None:
        for (x, y), text in texts.items():
            pdf.set_xy(x, y)
            pdf.cell(38, 5, text)

    pdf.add_page()  # header, Portugal, Sweden over KTH and the cut row
    for y, x0 in ((230, 20), (238, 20), (246, 20), (254, 50)):
        pdf.line(x0, y, xs[-1], y)
    for x in xs:
        pdf.line(x, 230, x, 270)
    write({(21, 231.5): "Country", (51, 231.5): "University", (111, 231.5): "Remarks",
           (21, 239.5): "Portugal", (51, 239.5): "Universidade do Porto",
           (21, 248): "Sweden", (51, 247.5): "Kungliga Tekniska hogskolan",
           (51, 255.5): "Chalmers tekniska", (51, 260.5): "hogskola",
           (111, 255.5): "Apply through the"})
    pdf.add_page()  # header repeated, the rest, Lund under the rest of Sweden, Spain
    for y, x0 in ((20, 20), (28, 20), (36, 50), (44, 20), (52, 20)):
        pdf.line(x0, y, xs[-1], y)
    for x in xs:
        pdf.line(x, 20, x, 52)
    write({(21, 21.5): "Country", (51, 21.5): "University", (111, 21.5): "Remarks",
           (111, 29.5): "International Office", (51, 37.5): "Lunds universitet",
           (21, 45.5): "Spain", (51, 45.5): "Universidad de Sevilla"})
    path = tmp_path / "cut-row.pdf"
    pdf.output(str(path))
    view = open_view(path, [{}])
    rows = ["\t".join(" ".join(c.split()) for c in line.split("\t")).rstrip("\t")
            for n, line in enumerate(view.lines, 1) if n not in view.dispositions]
    assert rows == ["Country\tUniversity\tRemarks", "Portugal\tUniversidade do Porto",
                    "Sweden\tKungliga Tekniska hogskolan",
                    "Sweden\tChalmers tekniska hogskola\tApply through the International Office",
                    "Country\tUniversity\tRemarks", "Sweden\tLunds universitet",
                    "Spain\tUniversidad de Sevilla"]
    rest = next(d for d in view.dispositions.values() if d.status is LineStatus.LAYOUT)
    assert "foot of page 1" in rest.reason


def test_pdf_without_rules_a_row_of_two_cells_wrapped_over_three_lines_is_one_row(
        tmp_path: Path) -> None:
    """A borderless table (a browser's print of a web table, cells centred on their row): a
    row whose name and note both wrap over three lines has its short cells beside their
    middle lines (a row of two lines has them between its lines, which shows the table is so
    laid out). The row is one row, where its three lines were three agreements of three
    institutions ('Rheinisch-Westfälische', 'Technische Hochschule', 'Aachen'). A bar at a
    cell's edge, a ruling an OCR pass read as text ('Germany |'), is no part of the cell."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("body", fname=str(originals.font_path()))
    pdf.set_font("body", size=10)
    pdf.add_page()
    placed = {
        20.0: {20: "Country", 50: "Partner", 100: "Code", 130: "Places", 150: "Notes"},
        30.0: {20: "Germany |", 50: "| Universität Hamburg", 100: "D HAMBURG01", 130: "2"},
        40.0: {50: "Rheinisch-Westfälische", 150: "first"},
        44.5: {20: "Germany", 50: "Technische Hochschule", 100: "D AACHEN01", 130: "3",
               150: "semester"},
        49.0: {50: "Aachen", 150: "only"},
        59.0: {50: "Norwegian University of", 150: "spring"},
        61.25: {20: "Norway", 100: "N TRONDHE01", 130: "2"},
        63.5: {50: "Science and Technology", 150: "only"},
        73.0: {20: "Finland", 50: "Aalto University", 100: "SF ESPOO12", 130: "2"},
    }
    for y, cells in placed.items():
        for x, text in cells.items():
            pdf.set_xy(x, y)
            pdf.cell(45, 4, text)
    path = tmp_path / "list.pdf"
    pdf.output(str(path))
    lines = [line.rstrip("\t") for line in open_view(path, [{}]).lines if line.strip()]
    assert lines == ["Country\tPartner\tCode\tPlaces\tNotes",
                     "Germany\tUniversität Hamburg\tD HAMBURG01\t2",
                     "Germany\tRheinisch-Westfälische Technische Hochschule Aachen\tD AACHEN01"
                     "\t3\tfirst semester only",
                     "Norway\tNorwegian University of Science and Technology\tN TRONDHE01"
                     "\t2\tspring only",
                     "Finland\tAalto University\tSF ESPOO12\t2"]


def test_pdf_a_line_in_smaller_type_under_the_table_is_a_note_not_a_name(
        tmp_path: Path) -> None:
    """A note under a table without rulings, in smaller type ('— no places set in the
    agreement.'), is layout: a reader took it, right under the last partner, for the rest of
    its name. A line in the rows' type right under a row (a name wrapped) is that row's."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    placed = [(10, 20.0, {20: "Country", 60: "Partner", 120: "Places"}),
              (10, 28.0, {20: "Angola", 60: "Universidade Catolica de Angola", 120: "-"}),
              (10, 36.0, {20: "Brazil", 60: "Universidade Federal da Bahia", 120: "2"}),
              (10, 41.0, {60: "(Salvador)"}),
              (8, 47.0, {20: "- no places set in the agreement."})]
    for size, y, cells in placed:
        pdf.set_font("Helvetica", size=size)
        for x, text in cells.items():
            pdf.set_xy(x, y)
            pdf.cell(50, 4, text)
    path = tmp_path / "list.pdf"
    pdf.output(str(path))
    view = open_view(path, [{}])
    notes = {view.lines[n - 1]: d.kind for n, d in view.dispositions.items()}
    assert notes == {"- no places set in the agreement.": "note"}
    assert "Brazil\tUniversidade Federal da Bahia (Salvador)\t2" in view.lines


def test_an_html_row_struck_through_or_hidden_by_the_page_is_reported_not_read(
        tmp_path: Path) -> None:
    """A web table's row whose every cell is struck out (<s>, <del>: an ended agreement) or
    that the page hides (display:none) is reported, as a workbook's hidden row is, where it
    was published as current; a cell with struck text beside new text is read."""
    path = write_html(tmp_path / "t.html", (
        "<table><tr><th>Partner</th><th>Until</th></tr>"
        "<tr><td>Kyoto University</td><td>2029</td></tr>"
        "<tr><td><s>Universiteit Twente</s></td><td><s>2029</s></td></tr>"
        "<tr style='display: none'><td>Old University</td><td>2020</td></tr>"
        "<tr><td>Lund University</td><td><del>2027</del> 2029</td></tr></table>"))
    view = open_view(path, [{}])
    reasons = {n: d.reason for n, d in view.dispositions.items()
               if d.status is LineStatus.UNREADABLE}
    assert sorted(reasons) == [3, 4]
    assert "struck through" in reasons[3] and "hidden on the page" in reasons[4]
    assert view.lines[4] == "Lund University\t2029"  # the struck end is void


@pytest.mark.parametrize("hide", [
    "style='display:none'", "hidden", "class='old'", "class='d-none'",
    "class='col hidden'"])
def test_a_web_column_the_page_hides_under_a_shown_ones_header_holds_old_values_not_read(
        hide: str, tmp_path: Path) -> None:
    """A page keeps the old 'Valid until' column beside the new one and hides it (an inline
    style, the hidden attribute, a class its style sheet or its framework hides): the old
    2021 ends were read (new-mapping proposed them as the end). Its cells under the header
    are empty, as a workbook's hidden old copy is; a column shown on some screens only
    (hidden inside an @media rule, 'd-none d-md-table-cell') and a hidden column without a
    shown twin are read."""
    def page(hide: str, code_hide: str = "") -> str:
        head = (f"<tr><th>Partner</th><th {code_hide}>Code</th><th {hide}>Valid until</th>"
                "<th>Valid until</th></tr>")
        body = "".join(f"<tr><td>{p}</td><td {code_hide}>{c}</td><td {hide}>{old}</td>"
                       f"<td>{new}</td></tr>" for p, c, old, new in (
                           ("University of Otago", "NZ", "2021-12-31", "2026-12-31"),
                           ("Aalto University", "FI", "2021-05-31", "2029-05-31")))
        return ("<style>/* old copy */ .old { color: red; display : none }"
                "@media (max-width: 600px) { .narrow { display: none } }</style>"
                f"<table><thead>{head}</thead><tbody>{body}</tbody></table>")

    path = write_html(tmp_path / "t.html", page(hide, code_hide=hide))
    assert open_view(path, [{}]).lines == [
        "Partner\tCode\tValid until\tValid until", "University of Otago\tNZ\t\t2026-12-31",
        "Aalto University\tFI\t\t2029-05-31"]
    for shown in ("class='narrow'", "class='d-none d-md-table-cell'",
                  "class='hidden md:table-cell'"):
        path = write_html(tmp_path / "t.html", page(shown))
        assert open_view(path, [{}]).lines[1] == "University of Otago\tNZ\t2021-12-31\t2026-12-31"


def test_labels_a_web_table_repeats_in_its_cells_are_no_part_of_the_values(
        tmp_path: Path) -> None:
    """Responsive tables repeat the column's header in each cell, for screen readers (kept
    from sight by a class of the page's own) or as a label a narrow screen shows: the value
    is the rest ('Partner university: Universität Hamburg' was published as the name).
    Text kept from sight beside the value is no part of it either (a link's note for screen
    readers, a sort key before a date); a cell showing nothing else keeps it, and text that
    merely starts the cell is kept."""
    path = write_html(tmp_path / "t.html", (
        "<style>.sr{position:absolute;left:-9999px}</style><table><thead><tr>"
        "<th>Partner university</th><th>Country</th><th>Until</th><th>Online</th></tr></thead>"
        "<tbody><tr><td><span class='sr'>Partner university: </span>Universität Hamburg</td>"
        "<td><b>Country:</b> Germany</td>"
        "<td><span style='display:none'>20290531</span>31/05/2029</td>"
        "<td><span class='visually-hidden'>yes</span></td></tr>"
        "<tr><td><a href='/x'>Kyoto University<span class='sr-only'> (opens in a new window)"
        "</span></a></td><td><b>Japan</b> (Kansai)</td><td>2030</td><td></td></tr>"
        "</tbody></table>"))
    view = open_view(path, [{}])
    assert view.lines[1:] == ["Universität Hamburg\tGermany\t31/05/2029\tyes",
                              "Kyoto University\tJapan (Kansai)\t2030\t"]


TYPED_LABELS = [  # a label typed before each value: the column's header or a column's name
    ["Partner", "Land", "Places", "Programme", "Notes"],
    ["Partner: Universität Hamburg", "Land: Deutschland", "Plätze: 2", "Erasmus+: KA131",
     "Note: renewed"],
    ["Partner: Kyoto University", "Land: Japan", "Plätze: 1", "Bilateral", "Note: new"],
    ["Partner: Universidad de Granada", "Land: Spanien", "Plätze: 3", "Erasmus+: KA131",
     "Spring only"]]


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_a_label_typed_before_every_value_of_a_column_is_no_part_of_them(
        fmt: str, tmp_path: Path) -> None:
    """'Partner: Universität Hamburg' in every row of the Partner column was published as the
    institution, 'Land: Deutschland' as an unknown country: the label is the column's header
    or a word lists name a column with ('Plätze' under 'Places'). A column whose values do
    not all carry one such label keeps its text ('Erasmus+: KA131' beside 'Bilateral', a
    note without its label)."""
    if fmt == "csv":
        path = tmp_path / "list.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(TYPED_LABELS)
    else:
        if originals.font_path() is None:
            pytest.skip(originals.FONT_MISSING)
        path = tmp_path / "list.pdf"
        originals.write_pdf(originals.Layout(TYPED_LABELS, merges=[]), path,
                            widths=(50, 30, 20, 30, 30))
    rows = [line for line in open_view(path, [{}]).lines if "\t" in line]
    assert rows == ["Partner\tLand\tPlaces\tProgramme\tNotes",
                    "Universität Hamburg\tDeutschland\t2\tErasmus+: KA131\tNote: renewed",
                    "Kyoto University\tJapan\t1\tBilateral\tNote: new",
                    "Universidad de Granada\tSpanien\t3\tErasmus+: KA131\tSpring only"]


@pytest.mark.parametrize(("name", "content", "said"), [
    ("partners.json", '[{"partner": "Università di Padova", "country": "IT", "places": 2}]',
     "a JSON file (records with the fields partner, country, places) is data"),
    ("partners.xml", '<?xml version="1.0"?><partners><partner><name>Università di Padova'
     '</name></partner></partners>', "an XML file (<partners> of <partner> elements) is data")])
def test_a_data_file_says_what_it_is_and_what_to_do(tmp_path: Path, name: str, content: str,
                                                     said: str) -> None:
    """A JSON or XML export is no document: the error says what it is and to save it as a
    table (it said 'no table header and no outline of entries found')."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match="CSV or XLSX") as caught:
        open_view(path, [{}])
    assert said in str(caught.value)


def test_a_table_a_script_fills_says_so(tmp_path: Path) -> None:
    """A page saved before its script filled the table (a header, an empty body, rows loaded
    from a data file) says so and names what the script loads; a table with rows is read."""
    page = ("<script>$('#p').DataTable({ajax: '/api/partners.json'});</script>"
            "<table id='p'><thead><tr><th>Country</th><th>University</th></tr></thead>"
            "<tbody>{}</tbody></table>")
    path = write_html(tmp_path / "p.html", page.replace("{}", ""))
    with pytest.raises(SourceError, match="a script fills it") as caught:
        open_view(path, [{}])
    assert "'/api/partners.json'" in str(caught.value)
    path = write_html(tmp_path / "q.html", page.replace(
        "{}", "<tr><td>Italy</td><td>Università di Padova</td></tr>"))
    assert open_view(path, [{}]).lines[1] == "Italy\tUniversità di Padova"


def test_a_sheet_of_one_partner_per_column_is_read_transposed(tmp_path: Path) -> None:
    """`transposed: true`: a sheet whose first column holds the fields' labels and each
    further column a partner reads one line per column, located by the column's range; the
    title and stamp above stay lines. Read as it lies, the labels were the partners."""
    import openpyxl

    from exchange_kg.manifest import Document, Publisher
    from exchange_kg.mapping_spec import load_mapping
    from exchange_kg.pipeline import read_source

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Convenios"
    sheet.append(["Convenios de movilidad 2025-26"])
    sheet.append(["Fecha de actualización: 30/09/2025"])
    sheet.append([])
    for row in (["Universidad socia", "Universidade do Porto", "Università di Bologna",
                 "Uniwersytet Wrocławski"], ["País", "Portugal", "Italia", "Polonia"],
                ["Plazas", 2, 3, None]):
        sheet.append(row)
    sheet.merge_cells("B6:C6")  # the same places for two partners, merged across
    path = tmp_path / "convenios.xlsx"
    book.save(path)
    view = open_view(path, [{"transposed": True}])
    assert [line.rstrip("\t") for line in view.lines] == [
        "Convenios de movilidad 2025-26", "Fecha de actualización: 30/09/2025", "",
        "Universidad socia\tPaís\tPlazas", "Universidade do Porto\tPortugal\t2",
        "Università di Bologna\tItalia\t2", "Uniwersytet Wrocławski\tPolonia"]
    assert [loc.text for loc in view.locations or []][3:] == [
        "Convenios!A4:A6", "Convenios!B4:B6", "Convenios!C4:C6", "Convenios!D4:D6"]
    mapping_path = tmp_path / "convenios.yaml"
    mapping_path.write_text(
        "source: convenios\nlist: convenios\nsections:\n  - name: partners\n    reader:\n"
        "      name: simple-table\n      options:\n        transposed: true\n"
        "        columns: [partner, country, quota]\n"
        "        header: ['Universidad socia', 'País', 'Plazas']\n"
        "    fields:\n      partner: {normalise: partner, notation: auto}\n"
        "      country: country\n      quota: quota\n    constants: {}\n", encoding="utf-8")
    doc = Document("convenios", path, None, "test", "es", Publisher(None, "the publisher", "p"),
                   None, path.name)
    records = read_source(doc, load_mapping(mapping_path)).result.records
    assert [(r.fields["partner"], r.fields["country"], r.fields.get("quota", ""))
            for r in records] == [("Universidade do Porto", "Portugal", "2"),
                                  ("Università di Bologna", "Italia", "2"),
                                  ("Uniwersytet Wrocławski", "Polonia", "")]


def test_a_markdown_page_without_a_table_is_read_as_the_page_it_makes(tmp_path: Path) -> None:
    """A Markdown list (a static site's page) is read as the web page it renders to: a link
    is its text, emphasis its words, and an item's nested labelled items are the fields of
    a card. Read as text, '**[Universiteit Gent](https://…)**' was the partner's name and
    each 'Places: 2 per year' an institution of its own."""
    path = tmp_path / "partners.md"
    path.write_text(
        "---\ntitle: Exchange partners\nupdated: 2025-10-28\n---\n\n# Exchange partners\n\n"
        "Ask the coordinator\nbefore you apply.\n\n## Europe\n\n"
        "- **[Universiteit Gent](https://www.ugent.be)**, Belgium\n"
        "  - Programme: Erasmus+\n  - Places: 2 per year\n"
        "- **[Univerzita Karlova](https://cuni.cz)**, Czech Republic\n"
        "  - Programme: Erasmus+\n  - Places: 1 per year\n\n"
        "_Last updated: 28 October 2025._\n", encoding="utf-8")
    assert detect_format(path) == "html"
    assert open_view(path, [{}]).lines == [
        "updated: 2025-10-28", "Exchange partners", "Ask the coordinator before you apply.",
        "Europe", "Programme\tPlaces\tName", "Erasmus+\t2 per year\tUniversiteit Gent, Belgium",
        "Erasmus+\t1 per year\tUniverzita Karlova, Czech Republic",
        "Last updated: 28 October 2025."]


def test_a_paragraph_per_partner_with_its_fields_on_one_line_is_a_card(tmp_path: Path) -> None:
    """Fields a card writes on one line, apart by middle dots ('Avtal: Erasmus+ · Platser: 2
    · Giltigt till: 2029-05-31'), are fields each: read as one label, 'Avtal Name' was
    published as an institution and the fields as the partner's name. The cards are the
    list, no paragraph of the page's own (no title for new-mapping to take a kind from)."""
    from exchange_kg.formats import text_outside_tables

    cards = "".join(
        f"<p><strong>{name}</strong>, {city}<br>Avtal: {kind} · Platser: {n} · Giltigt till: "
        f"2029-05-31</p>" for name, city, kind, n in (
            ("Aarhus Universitet", "Aarhus", "Erasmus+", 2),
            ("Universiteit Leiden", "Leiden", "Erasmus+", 1),
            ("Hokkaido University", "Sapporo", "Utbytesavtal", 2)))
    path = write_html(tmp_path / "p.html", f"<h1>Partneruniversitet</h1><h3>Danmark</h3>{cards}")
    assert open_view(path, [{}]).lines == [
        "Partneruniversitet", "Danmark", "Avtal\tPlatser\tGiltigt till\tName",
        "Erasmus+\t2\t2029-05-31\tAarhus Universitet, Aarhus",
        "Erasmus+\t1\t2029-05-31\tUniversiteit Leiden, Leiden",
        "Utbytesavtal\t2\t2029-05-31\tHokkaido University, Sapporo"]
    assert text_outside_tables(path) == ["Partneruniversitet", "Danmark"]


def test_a_tick_drawn_as_a_picture_is_read(tmp_path: Path) -> None:
    """A cell showing only a picture reads as what it shows: an image's alt text (a tick
    drawn as <img alt="ja">), a tick of an icon font ('fa fa-check') as a tick mark; they read
    as empty cells, and a column of ticks lost its ticks silently. A picture beside text (a
    flag before the country) adds nothing to the text."""
    path = write_html(tmp_path / "t.html", (
        "<table><tr><th>Land</th><th>Erasmus+</th><th>Dubbel diploma</th></tr>"
        "<tr><td><img alt='vlag' src='de.png'> Duitsland</td><td><img src='v.png' alt='ja'>"
        "</td><td><i class='fa fa-check' aria-hidden='true'></i></td></tr>"
        "<tr><td>Canada</td><td><img src='spacer.gif' alt=''></td><td></td></tr></table>"))
    assert open_view(path, [{}]).lines[1:] == ["Duitsland\tja\t\u2713", "Canada"]


def test_an_alt_text_repeating_its_file_name_is_no_text_of_the_cell(tmp_path: Path) -> None:
    """A partner's logo as the partner cell, its alt text 'logo' (the file is logo-5.png):
    'logo' was published as an institution. An alt text that only repeats words of its
    image's file name says what the file is, not what it shows; one naming more is read,
    without the words that say it is a logo ('Logo of the University of Melbourne' was
    published whole); an alt text of such words alone ('logo', 'image' on 'l1.png') names
    no one."""
    path = write_html(tmp_path / "t.html", (
        "<table><tr><th>Partner</th><th>Country</th></tr>"
        "<tr><td><a href='https://www.uc.cl'><img src='/files/partners/logo-5.png?v=2' "
        "alt='Logo'></a></td><td>Chile</td></tr>"
        "<tr><td><img src='/files/logo-uch.png' alt='Universidad de Chile logo'></td>"
        "<td>Chile</td></tr><tr><td><img src='/p/9.png' alt='IMG_2031.JPG'></td>"
        "<td>Peru</td></tr>"
        "<tr><td><img src='l1.png' alt='logo'></td><td>Belgium</td></tr>"
        "<tr><td><img src='l4.png' alt='Image'></td><td>Chile</td></tr>"
        "<tr><td><img src='l5.png' alt='Logo of the University of Melbourne'></td>"
        "<td>Australia</td></tr>"
        "<tr><td><img src='l6.png' alt='Logo der Universität Wien'></td><td>Austria</td></tr>"
        "<tr><td><img src='l7.png' alt='Logos Foundation'></td><td>Greece</td></tr>"
        "</table>"))
    assert open_view(path, [{}]).lines[1:] == [
        "\tChile", "Universidad de Chile\tChile", "\tPeru", "\tBelgium", "\tChile",
        "University of Melbourne\tAustralia", "Universität Wien\tAustria",
        "Logos Foundation\tGreece"]


def test_a_link_text_leading_to_several_sites_is_the_links_label_not_a_value(
        tmp_path: Path) -> None:
    """A partner cell showing only a 'website' link (the partner's site the only clue):
    'website' was taken for the partner and the row dropped as naming a column. A link text
    leading to several sites labels the links; a name linked to its own site, and one link
    text leading to one site (a programme's page), are values."""
    rows = [("website", "https://www.uni-heidelberg.de/en", "Erasmus+", "https://erasmus.eu/"),
            ("Ghent University", "https://www.ugent.be", "Erasmus+", "https://erasmus.eu/x"),
            ("Website", "https://www.unimelb.edu.au", "Exchange", ""),
            ("website", "https://ku.dk/english", "Erasmus+", "https://erasmus.eu/")]
    header = "<table><tr><th>Partner</th><th>Type</th></tr>"
    path = write_html(tmp_path / "t.html", header + "".join(
        f"<tr><td><a href='{href}'>{text}</a></td><td>"
        + (f"<a href='{kind_href}'>{kind}</a>" if kind_href else kind) + "</td></tr>"
        for text, href, kind, kind_href in rows) + "</table>")
    assert open_view(path, [{}]).lines[1:] == [
        "\tErasmus+", "Ghent University\tErasmus+", "\tExchange", "\tErasmus+"]


def test_a_spreadsheet_published_as_a_page_has_no_letters_row_or_numbers_column(
        tmp_path: Path) -> None:
    """A sheet published as a web page (Google Sheets' 'Publish to web') shows its column
    letters over it and its row numbers down its side: the letters are layout, the numbers
    no column (they were taken for places, the real places column left unread). A table
    whose first row merely starts 'A B C' and whose first column is no count keeps both."""
    letters = "<tr><th></th><th>A</th><th>B</th><th>C</th></tr>"
    rows = "".join(f"<tr><th>{n}</th><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for n, (a, b, c) in
                   enumerate([("Country", "Partner", "Places"), ("Germany", "Universität Bonn",
                                                                  "2"),
                              ("Japan", "Osaka University", "3")], start=1))
    path = write_html(tmp_path / "sheet.html", f"<table class='waffle'>{letters}{rows}</table>")
    view = open_view(path, [{}])
    assert view.lines == ["A\tB\tC", "Country\tPartner\tPlaces", "Germany\tUniversität Bonn\t2",
                          "Japan\tOsaka University\t3"]
    assert view.dispositions[1].status is LineStatus.LAYOUT
    path = write_html(tmp_path / "grades.html", "<table><tr><th></th><th>A</th><th>B</th>"
                      "<th>C</th></tr><tr><td>Lund</td><td>1</td><td>2</td><td>3</td></tr></table>")
    assert open_view(path, [{}]).lines == ["\tA\tB\tC", "Lund\t1\t2\t3"]
