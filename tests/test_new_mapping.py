"""`exchange-kg new-mapping` proposes a working mapping for every bundled source and every
list of the generalisation kit: read with the proposal, each document gives the same
agreements as with its hand-written mapping (the constants a document only implies, level
and home unit, aside)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from exchange_kg import pipeline
from exchange_kg.manifest import Document, load_manifest
from exchange_kg.mapping_spec import load_mapping, load_mappings
from exchange_kg.propose import manifest_entry, propose, read_with
from unseen_kit import kit_lists


def _documents() -> list[Any]:
    """Every bundled and kit document; a kit list whose folder says in
    ``proposal-differs.txt`` what the document alone cannot decide (and its mapping says) is
    expected to differ, strictly: once the proposal reads it as its mapping does, the file
    must go."""
    out: list[Any] = []
    for root in [ROOT, *kit_lists()]:
        differs = root / "proposal-differs.txt"
        marks = [pytest.mark.xfail(strict=True, reason=differs.read_text("utf-8").strip())
                 ] if differs.exists() else []
        out += [pytest.param(root, doc, marks=marks)
                for doc in load_manifest(root / "sources" / "manifest.yaml")]
    return out


def _facts(src: pipeline.SourceResult) -> list[tuple[object, ...]]:
    """What each agreement says, but for the constants (level, home unit)."""
    out = []
    for a in pipeline.source_agreements(src):
        out.append((a.records[0].lines, a.country, a.consortium,
                    # the names a party is given, whichever column gives the main one
                    tuple((tuple(sorted({p.name, *p.alt_names})), p.units, p.acronym)
                          for p in a.parties), str(a.start),
                    str(a.end), a.open_ended, a.duration_years, a.auto_renewal,
                    tuple(sorted(a.kinds)), a.status, str(a.quota), a.waiver))
    return sorted(out, key=str)


@pytest.mark.parametrize(("root", "doc"), _documents(), ids=lambda x: getattr(x, "id", ""))
def test_the_proposal_reads_the_document_as_its_own_mapping_does(root: Path, doc: Document
                                                                 ) -> None:
    curated = pipeline.read_source(doc, load_mappings(root / "mappings")[doc.id])
    proposal = propose(doc.path, doc.id)
    proposed = read_with(proposal, doc.path)
    assert _facts(proposed) == _facts(curated)
    unreadable = {n for n, d in proposed.result.dispositions.items()
                  if d.status.value == "unreadable"}
    assert unreadable <= {n for n, d in curated.result.dispositions.items()
                          if d.status.value == "unreadable"}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exchange_kg.cli", "new-mapping", *args],
                          capture_output=True, text=True, timeout=300)


def _proposed(document: Path, text: str) -> subprocess.CompletedProcess[str]:
    """new-mapping's answer for a document of ``text``, which it must be able to read."""
    document.write_text(text, encoding="utf-8")
    proc = _cli(str(document))
    assert proc.returncode == 0, proc.stderr
    return proc


def test_the_command_writes_a_mapping_that_loads_and_previews_the_rows(tmp_path: Path) -> None:
    doc = next(iter(kit_lists())) / "sources"
    document = next(p for p in doc.iterdir() if p.name != "manifest.yaml")
    out = tmp_path / "proposal.yaml"
    proc = _cli(str(document), "--id", "tiny-list", "-o", str(out), "--rows", "3")
    assert proc.returncode == 0, proc.stderr
    mapping = load_mapping(out)
    assert mapping.source == "tiny-list" and mapping.sections
    assert "How the first 3 of" in proc.stderr and "Manifest entry" in proc.stderr
    again = _cli(str(document), "-o", str(out))
    assert again.returncode == 2 and "not overwriting" in again.stderr


def test_the_command_says_what_no_vocabulary_understood(tmp_path: Path) -> None:
    document = tmp_path / "list.tsv"
    document.write_text("País\tUniversidad\tVigencia\n"
                        "Chile\tUniversidad de Chile\tpara siempre jamás\n"
                        "Perú\tPontificia Universidad Católica del Perú\tindefinida\n"
                        "Atlantis\tUniversidad de Poseidonia\tindefinida\n", encoding="utf-8")
    proc = _cli(str(document))
    assert proc.returncode == 0, proc.stderr
    assert "simple-table" in proc.stdout and "columns: [country, partner, term]" in proc.stdout
    assert "term: 'para siempre jamás'" in proc.stderr
    assert "country: 'Atlantis'" in proc.stderr


def test_a_document_with_nothing_to_go_on_is_bad_input(tmp_path: Path) -> None:
    document = tmp_path / "notes.txt"
    document.write_text("Some notes about our partners.\nNothing tabular here.\n",
                        encoding="utf-8")
    proc = _cli(str(document))
    assert proc.returncode == 3 and "no table header" in proc.stderr


COUNTRIES = ["Chile", "Peru", "Spain", "France", "Italy", "Poland", "Japan", "Mexico"]


def _unit_list(tmp_path: Path, units: list[str]) -> Path:
    document = tmp_path / "list.tsv"
    rows = [f"{COUNTRIES[i % len(COUNTRIES)]}\tUniversity Number {i} of Somewhere\t{unit}"
            for i, unit in enumerate(units)]
    document.write_text("Country\tUniversity\tDepartment\n" + "\n".join(rows) + "\n",
                        encoding="utf-8")
    return document


def test_a_department_column_naming_a_few_units_for_many_countries_is_the_hosts_own(
        tmp_path: Path) -> None:
    """A host's departments are few and recur with partners in many countries."""
    units = ["Informatics", "History", "Physics"] * 8
    proposal = propose(_unit_list(tmp_path, units), "host-units")
    # a small faculty's list: half as many faculties as rows, each with partners abroad
    (tmp_path / "small").mkdir()
    small = propose(_unit_list(tmp_path / "small", ["Law", "Arts", "Medicine", "Science",
                                                    "Theology", "Economics"] * 2), "small")
    assert small.mapping["sections"][0]["reader"]["options"]["columns"][2] == "home_unit"
    section = proposal.mapping["sections"][0]
    assert section["reader"]["options"]["columns"] == ["country", "partner", "home_unit"]
    assert "home_unit" in section["fields"] and "unit" not in section["fields"]
    assert "CHECK: 'Department' read as your own unit" in proposal.yaml()
    agreements = pipeline.source_agreements(read_with(proposal, tmp_path / "list.tsv"))
    assert {a.home_unit for a in agreements} == set(units)
    assert all(p.units == () for a in agreements for p in a.parties)


def test_a_department_column_naming_each_partners_own_stays_the_partners_unit(
        tmp_path: Path) -> None:
    units = [f"Faculty of Subject {i}" for i in range(24)]
    proposal = propose(_unit_list(tmp_path, units), "partner-units")
    section = proposal.mapping["sections"][0]
    assert section["reader"]["options"]["columns"] == ["country", "partner", "unit"]
    assert "CHECK: 'Department' read as the partner's unit" in proposal.yaml()



def test_a_department_column_the_document_does_not_tell_whose_is_left_unread(
        tmp_path: Path) -> None:
    """Seven faculties over twelve rows, most shared by partners in several countries: too
    many to be plainly the host's, too shared to be each partner's own. Either reading would
    put a unit at the wrong institution, so neither is published."""
    units = ["Humanities", "Business", "Humanities", "Science", "Business", "Science",
             "Humanities", "Business", "Sport Sciences", "Education", "Information Technology",
             "Medicine"]
    proposal = propose(_unit_list(tmp_path, [f"Faculty of {u}" for u in units]), "whose")
    section = proposal.mapping["sections"][0]
    assert section["reader"]["options"]["columns"] == ["country", "partner", "-"]
    assert "unit" not in section["fields"] and "home_unit" not in section["fields"]
    assert any("'Department' names units, but whose the document does not tell" in note
               for note in proposal.notes)
    agreements = pipeline.source_agreements(read_with(proposal, tmp_path / "list.tsv"))
    assert all(a.home_unit is None and all(p.units == () for p in a.parties)
               for a in agreements)

@pytest.mark.parametrize(("title", "as_of"), [
    ("Partnerhochschulen – Stand: 01.10.2026", "'2026-10-01'"),
    ("Partner universities (as of May 2016)", "'2016-05'"),
    ("Partner universities since 2010", None),  # a date, but not the list's own stamp
    ("Partner universities", None),
])
def test_the_manifest_entry_takes_the_date_the_document_stamps_itself_with(
        tmp_path: Path, title: str, as_of: str | None) -> None:
    document = tmp_path / "list.tsv"
    document.write_text(f"{title}\n\nCountry\tUniversity\nChile\tUniversidad de Chile\n"
                        "Peru\tUniversidad de Lima\nSpain\tUniversidad de Granada\n",
                        encoding="utf-8")
    entry = manifest_entry(propose(document, "stamped"), document)
    if as_of is None:
        assert "as_of: null" in entry and "as_of_evidence" not in entry
    else:
        assert f"as_of: {as_of}  # CHECK" in entry
        assert f'line 1: "{title}"' in entry


def test_a_workbook_with_a_table_on_each_sheet_gets_a_section_per_sheet(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    europe = wb.active
    europe.title = "Europe"
    asia = wb.create_sheet("Asia")
    for sheet, rows in ((europe, [("Italy", "Università di Padova"), ("Sweden", "Lund University"),
                                  ("Norway", "University of Oslo")]),
                        (asia, [("Japan", "Kyoto University"), ("Korea", "Korea University"),
                                ("Taiwan", "National Taiwan University")])):
        sheet.append(["Country", "University"])
        for row in rows:
            sheet.append(list(row))
    wb.create_sheet("Notes").append(["Maintained by the International Office."])
    path = tmp_path / "partners.xlsx"
    wb.save(path)
    proposal = propose(path, "by-sheet")
    sheets = [s["reader"]["options"]["sheet"] for s in proposal.mapping["sections"]]
    assert sheets == ["Europe", "Asia"]
    src = read_with(proposal, path)
    assert len(pipeline.source_agreements(src)) == 6
    notes = [d for d in src.result.dispositions.values() if d.kind == "table-not-read"]
    assert [d.reason.split(" is ")[0] for d in notes] == ["sheet 'Notes'"]
    # nothing learned from the unread sheet's rows
    assert all("footer_patterns" not in s["reader"]["options"]
               for s in proposal.mapping["sections"])


def test_a_page_with_a_table_per_region_reads_them_all_and_reports_the_rest(
        tmp_path: Path) -> None:
    def table(rows: list[tuple[str, str]]) -> str:
        cells = "".join(f"<tr><td>{c}</td><td>{u}</td></tr>" for c, u in rows)
        return f"<table><tr><th>Country</th><th>University</th></tr>{cells}</table>"

    path = tmp_path / "partners.html"
    path.write_text(
        "<html><body><table><tr><td><a href='/'>Home</a></td></tr></table>"
        "<h2>Europe</h2>" + table([("Italy", "Università di Padova"), ("Sweden", "Lund "
                                   "University"), ("Norway", "University of Oslo")])
        + "<h2>Asia</h2>" + table([("Japan", "Kyoto University"), ("Korea", "Korea "
                                  "University"), ("Taiwan", "National Taiwan University")])
        + "</body></html>", encoding="utf-8")
    proposal = propose(path, "by-region")
    assert [s["reader"]["options"]["table"] for s in proposal.mapping["sections"]] == [[2, 3]]
    src = read_with(proposal, path)
    assert len(pipeline.source_agreements(src)) == 6
    assert [d.reason for d in src.result.dispositions.values()
            if d.kind == "table-not-read"] == [
        "table 1 is not read by the mapping (a section with `table: 1` would read it): a note, "
        "no table"]


def test_a_pages_title_and_date_outside_its_table_reach_the_manifest_entry(
        tmp_path: Path) -> None:
    path = tmp_path / "convenios.html"
    rows = "".join(f"<tr><td>{c}</td><td>{u}</td></tr>" for c, u in (
        ("Chile", "Universidad de Chile"), ("Perú", "Universidad de Lima"),
        ("España", "Universidad de Granada")))
    path.write_text("<html><head><title>Convenios internacionales</title></head><body>"
                    "<h1>Convenios vigentes</h1><p>Actualizado al 15 de enero de 2026</p>"
                    f"<table><tr><th>País</th><th>Universidad</th></tr>{rows}</table>"
                    "</body></html>", encoding="utf-8")
    entry = manifest_entry(propose(path, "convenios"), path)
    assert "title: 'Convenios internacionales'" in entry
    assert "as_of: '2026-01-15'  # CHECK" in entry
    assert "Actualizado al 15 de enero de 2026" in entry


def test_a_list_typed_as_numbered_paragraphs_under_country_headings(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Partneruniversitäten", level=1)
    groups = {"Österreich": ["Universität Wien", "Technische Universität Graz"],
              "Frankreich": ["Université de Strasbourg", "Sorbonne Université"],
              "Japan": ["Kyoto University"]}
    for country, names in groups.items():
        document.add_heading(country, level=2)
        for name in names:
            document.add_paragraph(name, style="List Number")
    document.add_paragraph("Stand der Liste: Oktober 2026")
    path = tmp_path / "partners.docx"
    document.save(str(path))
    proposal = propose(path, "numbered")
    assert proposal.mapping["sections"][0]["reader"]["name"] == "outline-list"
    src = read_with(proposal, path)
    got = {(a.country, a.parties[0].name) for a in pipeline.source_agreements(src)}
    assert got == {("AT", "Universität Wien"), ("AT", "Technische Universität Graz"),
                   ("FR", "Université de Strasbourg"), ("FR", "Sorbonne Université"),
                   ("JP", "Kyoto University")}
    assert not [d for d in src.result.dispositions.values() if d.status.value == "unreadable"]


def test_an_outline_whose_entries_end_in_details_and_regions_over_countries(
        tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Partneruniversiteiten 2025-2026", level=1)
    groups = {"Europa": {"Duitsland": ["Universität zu Köln – Erasmus+, 2 plaatsen",
                                       "Universität Hamburg – Erasmus+, 3 plaatsen"],
                         "Frankrijk": ["Université de Lille – Erasmus+, 1 plaats"]},
              "Noord-Amerika": {"Canada": ["McGill University – bilaterale overeenkomst, "
                                           "3 plaatsen"]}}
    for region, countries in groups.items():
        document.add_heading(region, level=2)
        for country, entries in countries.items():
            document.add_heading(country, level=3)
            for entry in entries:
                document.add_paragraph(entry, style="List Bullet")
    path = tmp_path / "partners.docx"
    document.save(str(path))
    proposal = propose(path, "details")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options["details"] == ["kind", "quota"]
    src = read_with(proposal, path)
    got = {(a.country, a.parties[0].name, str(a.quota)) for a in pipeline.source_agreements(src)}
    assert {(c, n) for c, n, _ in got} == {
        ("DE", "Universität zu Köln"), ("DE", "Universität Hamburg"),
        ("FR", "Université de Lille"), ("CA", "McGill University")}
    assert all(q != "None" for _, _, q in got)


def test_new_mapping_says_why_a_file_cannot_be_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(ValueError, match="empty.csv: the file is empty"):
        propose(empty, "empty")
    legacy = tmp_path / "partners.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    with pytest.raises(Exception, match="a Word 97-2003 document"):
        propose(legacy, "legacy")


def test_a_fixed_width_report_with_country_codes_is_read_whole(tmp_path: Path) -> None:
    # a student-information-system printout: country codes, rulings, a running title on
    # every page, a total and an end line; one row's partner cell names no one
    page = ["XR0417          PARTNER AGREEMENTS REPORT                     PAGE   {}", "",
            "CTRY  INSTITUTION                        START       PLACES",
            "----  ---------------------------------  ----------  ------"]
    rows = [("DE", "UNIVERSITAET HAMBURG"), ("FR", "SORBONNE UNIVERSITE"),
            ("ES", "UNIVERSIDAD DE GRANADA"), ("JP", "KYOTO UNIVERSITY"),
            ("KR", "KOREA UNIVERSITY"), ("MX", "???")]
    lines = [page[0].format(1), *page[1:]]
    for i, (code, name) in enumerate(rows):
        if i == 3:
            lines += ["", page[0].format(2), *page[1:]]
        lines.append(f"{code:<6}{name:<35}2022-02-01  {i + 1:>6}")
    lines += ["", "TOTAL AGREEMENTS:   6", "*** END OF REPORT ***"]
    document = tmp_path / "report.txt"
    document.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = _cli(str(document), "--id", "report", "-o", str(tmp_path / "report.yaml"))
    assert proc.returncode == 0, proc.stderr
    mapping = (tmp_path / "report.yaml").read_text("utf-8")
    assert "columns: [country, partner, start, quota]" in mapping
    assert "line(s) not read" not in proc.stderr  # titles, rulings and footers are layout
    assert "of 5 agreements" in proc.stderr and "1 row(s) name no partner" in proc.stderr


def test_totals_inside_a_table_and_a_markdown_ruling_are_layout(tmp_path: Path) -> None:
    # a web page's subtotal after each region, and a Markdown table's alignment row under
    # its header: never partner institutions
    proc = _proposed(
        tmp_path / "partners.html",
        "<table><thead><tr><th>Partner</th><th>Country</th><th>Scheme</th><th>Out</th>"
        "<th>In</th></tr></thead><tbody><tr><th colspan='5'>Europe</th></tr>"
        "<tr><td>Universität Wien</td><td>Austria</td><td>Erasmus+</td><td>2</td><td>2</td></tr>"
        "<tr><td>Universidad de Granada</td><td>Spain</td><td>Erasmus+</td><td>3</td><td>3</td>"
        "</tr><tr><td colspan='3'>Subtotal Europe</td><td>5</td><td>5</td></tr>"
        "<tr><th colspan='5'>Asia</th></tr><tr><td>Kyoto University</td><td>Japan</td>"
        "<td>Bilateral</td><td>1</td><td>1</td></tr><tr><td colspan='3'>Subtotal Asia</td>"
        "<td>1</td><td>1</td></tr></tbody><tfoot><tr><td colspan='3'>Total</td><td>6</td>"
        "<td>6</td></tr></tfoot></table>")
    assert "How the first 3 of 3 agreements" in proc.stderr and "Subtotal" not in proc.stderr
    proc = _proposed(
        tmp_path / "partners.md",
        "---\nlayout: page\n---\n\n# Partners\n\n| Country | Partner | Places |\n"
        "|:--------|:--------|:------:|\n| Austria | Universität Wien | 2 |\n"
        "| Spain | Universidad de Granada | 3 |\n| Japan | Kyoto University | 1 |\n")
    assert "How the first 3 of 3 agreements" in proc.stderr


def test_an_exports_ids_and_study_codes_name_no_field(tmp_path: Path) -> None:
    # "Vereinbarungs-ID" is no agreement type, "Partner ID" no partner; EQF levels are not
    # places; mobility types without a column of places are not proposed (the mapping
    # would not load)
    rows = ["Vereinbarungs-ID\tPartner ID\tPartnerhochschule\tLand\tEQF\tMobilitätsart",
            *[f"IIA-2021-00{n}\tP{n}\t{name}\t{land}\t{6 + n % 2}\tSMS" for n, (name, land) in
              enumerate([("Universidad de Granada", "Spanien"), ("Universität Wien",
                                                                  "Österreich"),
                         ("Università di Padova", "Italien")], start=1)]]
    proc = _proposed(tmp_path / "flows.tsv", "\n".join(rows) + "\n")
    assert "columns: ['-', '-', partner, country, '-', '-']" in proc.stdout


def test_an_e_mails_list_ends_where_its_prose_begins(tmp_path: Path) -> None:
    # the closing, the signature and a quoted message are no partners; the first title's
    # kind is not every entry's when another title heads the entries after it
    proc = _proposed(
        tmp_path / "mail.txt",
        "Subject: partner list\n\nDear colleagues,\nhere is the list.\n\nErasmus+ (Europe):\n"
        "- Universität Hamburg (Germany) - 2 places\n- Universidad de Granada (Spain) - 3 places\n"
        "- Uniwersytet Warszawski (Poland) - 2 places\n\nOutside Europe:\n"
        "- University of Cape Town (South Africa) - 1 place\n"
        "- Universidad de Chile (Chile) - 2 places\n\nLet me know if you have questions.\n"
        "Kind regards,\n\nJane Smith\nInternational Office\nUniversity of Leeds\n\n"
        "-----Original message-----\nFrom: John\n> Is Otago still on it?\n")
    assert "How the first 5 of 5 agreements" in proc.stderr
    assert "kinds: [erasmus-plus]" not in proc.stdout


def test_a_pages_navigation_and_counted_headings_are_not_entries(tmp_path: Path) -> None:
    # a breadcrumb's bullets before the partners, an accordion's count after each country
    proc = _proposed(
        tmp_path / "partners.html",
        "<ol><li>Home</li><li>Study abroad</li><li>Exchange partners</li></ol>"
        "<h1>Exchange partners outside Europe</h1><p>Students may spend a year abroad.</p>"
        "<h2>Australia 2</h2><ul><li>University of Sydney</li><li>Monash University</li></ul>"
        "<h2>Canada (2)</h2><ul><li>University of Toronto</li><li>McGill University</li></ul>")
    assert "How the first 4 of 4 agreements" in proc.stderr
    assert "AU       University of Sydney" in proc.stderr
    assert "CA       McGill University" in proc.stderr


def test_two_tables_one_under_the_other_each_get_a_section(tmp_path: Path) -> None:
    # the first table ends at the second's title: neither reads the other's rows by its
    # columns, and the first table's title names only its own agreements' kind
    proc = _proposed(
        tmp_path / "blocks.tsv",
        "A) Erasmus+ agreements\nUniversity\tCountry\tPlaces\n"
        "Universidad de Granada\tSpain\t3\nUniversiteit Utrecht\tNetherlands\t1\n"
        "Helsingin yliopisto\tFinland\t2\n\nB) Bilateral agreements\n"
        "Country\tUniversity\tPlaces\nArgentina\tUniversidad de Buenos Aires\t2\n"
        "Japan\tOsaka University\t1\nUnited States\tBoston College\t2\n")
    assert "How the first 6 of 6 agreements" in proc.stderr
    assert "line(s) not read" not in proc.stderr
    assert "AR       Universidad de Buenos Aires" in proc.stderr
    assert proc.stdout.count("kinds: [erasmus-plus]") <= 1


def test_the_first_sheets_title_names_no_other_sheets_type(tmp_path: Path) -> None:
    # a workbook with a sheet per type of agreement, each under its own title
    from openpyxl import Workbook

    book = Workbook()
    for n, (title, partners) in enumerate([
            ("Erasmus+ partner universities", ["Universität Wien", "Kyoto University",
                                               "Universidad de Chile"]),
            ("Partner universities of our summer schools", ["Universität Graz",
                                                            "Osaka University",
                                                            "Universidad de Lima"])]):
        sheet = book.active if n == 0 else book.create_sheet()
        sheet.title = f"Sheet {n + 1}"
        sheet.append([title])
        sheet.append(["Country", "Partner university", "Places"])
        for name, country in zip(partners, ["Austria", "Japan", "Chile"], strict=True):
            sheet.append([country, name, 2])
    path = tmp_path / "types.xlsx"
    book.save(path)
    sections = propose(path, "types").mapping["sections"]
    assert len(sections) == 2
    assert sections[0]["constants"].get("kinds") == ["erasmus-plus"]
    assert "kinds" not in sections[1]["constants"]
