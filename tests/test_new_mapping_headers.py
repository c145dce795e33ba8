"""`exchange-kg new-mapping` on headers it was not written for: a header in two rows (groups
of columns over one name each), a header in words no vocabulary holds, and columns whose
meaning only their cells or the document's own date can tell. What it cannot tell it leaves
unread and says so, rather than publish a guess."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_kg import pipeline
from exchange_kg.propose import propose, read_with
from exchange_kg.readers.cells import is_upper_header

ROWS = [("Belgium", "Universiteit Gent", "2", "2", "2021", "2027"),
        ("Germany", "Universität Hamburg", "3", "3", "2022", "2028"),
        ("France", "Université de Lille", "2", "1", "2021", "2027"),
        ("Italy", "Università di Bologna", "4", "4", "2023", "2029")]


def _two_row_workbook(path: Path, rows=ROWS) -> Path:  # noqa: ANN001
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(["Partner universities of the Faculty of Arts"])
    ws.append([])
    ws.append(["Country", "Institution", "Exchange places", None, "Validity", None])
    ws.append([None, None, "Incoming", "Outgoing", "From", "To"])
    ws.merge_cells("C3:D3")
    ws.merge_cells("E3:F3")
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    for row in rows:
        ws.append([int(c) if c.isdigit() else c for c in row])
    wb.save(path)
    return path


def _columns(proposal) -> list[str]:  # noqa: ANN001
    return proposal.mapping["sections"][0]["reader"]["options"]["columns"]


def test_a_two_row_header_is_read_by_its_lower_row_and_the_upper_row_is_layout(
        tmp_path: Path) -> None:
    path = _two_row_workbook(tmp_path / "partners.xlsx")
    proposal = propose(path, "two-rows")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options["header"] == ["Country", "Institution", "Incoming", "Outgoing", "From", "To"]
    # the group "Validity" over From | To names the start and the end
    assert _columns(proposal) == ["country", "partner", "-", "-", "start", "end"]
    src = read_with(proposal, path)
    upper = src.result.dispositions[3]
    assert (upper.status.value, upper.kind) == ("layout", "header")
    assert not [n for n, d in src.result.dispositions.items() if d.status.value == "unreadable"]
    agreements = pipeline.source_agreements(src)
    assert sorted(str(a.start)[:4] for a in agreements) == ["2021", "2021", "2022", "2023"]
    assert all(a.quota is None for a in agreements)


def test_two_columns_of_places_that_differ_are_not_read_as_one_quota(tmp_path: Path) -> None:
    """A quota counts the places each way: "2 in, 1 out" is not a quota of 2."""
    proposal = propose(_two_row_workbook(tmp_path / "partners.xlsx"), "ways")
    text = proposal.yaml()
    assert "'Incoming' not read ('-'): places differ from 'Outgoing' ('2' and '1')" in text
    assert "quota" not in proposal.mapping["sections"][0]["fields"]


def test_two_columns_of_places_that_agree_on_every_row_are_the_quota(tmp_path: Path) -> None:
    rows = [r[:3] + (r[2],) + r[4:] for r in ROWS]
    path = _two_row_workbook(tmp_path / "partners.xlsx", rows)
    proposal = propose(path, "same-ways")
    assert _columns(proposal)[2:4] == ["quota", "-"]
    assert "it repeats 'Incoming' on every row" in proposal.yaml()
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert sorted(str(a.quota) for a in agreements) != ["None"] * 4


def test_a_two_row_header_exported_as_text_leaves_merged_down_names_empty(
        tmp_path: Path) -> None:
    """A CSV export writes a name merged down both rows once, in the upper row."""
    path = tmp_path / "partners.csv"
    lines = ["Country;Institution;Exchange places;;Validity;",
             ";;Incoming;Outgoing;From;To"] + [";".join(r) for r in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proposal = propose(path, "csv-two-rows")
    assert _columns(proposal) == ["country", "partner", "-", "-", "start", "end"]
    src = read_with(proposal, path)
    assert src.result.dispositions[1].kind == "header"
    assert len(pipeline.source_agreements(src)) == 4


@pytest.mark.parametrize(("upper", "header", "expected"), [
    (["Country", "Institution", "Places", "", "Validity", ""],
     ["Country", "Institution", "Incoming", "Outgoing", "From", "To"], True),
    (["Country", "Institution", "Places", "", "Validity", ""],
     ["", "", "Incoming", "Outgoing", "From", "To"], True),
    # a data row above a repeated header: nothing merged down, nothing across
    (["Italy", "Università di Bologna", "4", "4", "2023", "2029"],
     ["Country", "Institution", "Incoming", "Outgoing", "From", "To"], False),
    # a title line: one cell
    (["Partner universities"], ["Country", "Institution"], False),
    # the same names again but nothing merged across: a repeated header, not groups
    (["Country", "Institution"], ["Country", "Institution"], False),
])
def test_the_upper_row_of_a_header_has_a_signature_no_data_row_has(
        upper: list[str], header: list[str], expected: bool) -> None:
    assert is_upper_header(upper, header) is expected


ESTONIAN = """Partnerkõrgkoolid
{stamp}
Riik;Kõrgkool;Linn;Leping kehtib;Kohad
Saksamaa;Technische Universität München;München;31.7.2027;2
Prantsusmaa;Université Grenoble Alpes;Grenoble;31.7.2028;2
Hispaania;Universidad de Granada;Granada;31.7.2027;4
Itaalia;Politecnico di Milano;Milano;31.7.2029;2
"""


@pytest.mark.parametrize(("stamp", "dates"), [
    ("as of 15 August 2025", "end"),  # every date after the list's own date: ends
    ("as of 15 August 2030", "start"),  # every date before it: starts
    ("", "-"),  # nothing to tell them apart: not read, and the proposal says so
])
def test_a_header_in_words_no_vocabulary_holds_is_found_by_the_rows_under_it(
        tmp_path: Path, stamp: str, dates: str) -> None:
    path = tmp_path / "partnerid.csv"
    path.write_text(ESTONIAN.format(stamp=stamp), encoding="utf-8")
    proposal = propose(path, "unknown-words")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options["header"][:2] == ["Riik", "Kõrgkool"]
    assert _columns(proposal) == ["country", "partner", "-", dates, "quota"]
    text = proposal.yaml()
    assert "'Linn' not read ('-'): no header word or content names its field" in text
    assert "'Kohad' read as quota from its cells" in text
    if dates == "-":
        assert "'Leping kehtib' not read ('-'): its cells are dates" in text
    else:
        assert f"'Leping kehtib' read as {dates}: 100% of its dates" in text
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert [a.country for a in agreements] == ["DE", "FR", "ES", "IT"]


def test_a_level_column_of_study_cycles_is_not_read_as_the_agreement_level(
        tmp_path: Path) -> None:
    path = tmp_path / "levels.tsv"
    path.write_text("Country\tUniversity\tLevel\n" + "".join(
        f"{c}\t{u}\t{lv}\n" for c, u, lv in [("Spain", "Universidad de Granada", "BA/MA"),
                                               ("Peru", "Universidad de Lima", "MA"),
                                               ("Chile", "Universidad de Chile", "PhD")]),
        encoding="utf-8")
    proposal = propose(path, "cycles")
    assert _columns(proposal) == ["country", "partner", "-"]
    assert "'Level' not read ('-'): its cells ('BA/MA') are no agreement levels" in \
        proposal.yaml()


def test_numbers_one_to_n_are_the_documents_numbering_and_years_are_no_places(
        tmp_path: Path) -> None:
    path = tmp_path / "numbered.tsv"
    path.write_text("Nr\tCountry\tUniversity\tYear\n" + "".join(
        f"{i}\t{c}\t{u}\t{y}\n" for i, (c, u, y) in enumerate(
            [("Spain", "Universidad de Granada", "2019"), ("Peru", "Universidad de Lima", "2021"),
             ("Chile", "Universidad de Chile", "2020")], start=1)), encoding="utf-8")
    columns = _columns(propose(path, "numbered"))
    assert columns[0] == "row_number" and columns[3] == "start"



def test_numbers_counting_down_to_one_are_the_documents_numbering_not_places(
        tmp_path: Path) -> None:
    """A list that puts its newest agreement first numbers its rows 4, 3, 2, 1; read as
    places, they would hide the real places column (a Korean list did)."""
    path = tmp_path / "newest-first.tsv"
    rows = [("Japan", "Kyushu University", "2"), ("China", "Shandong University", "3"),
            ("Germany", "Technische Universität Chemnitz", "1"),
            ("Canada", "University of Calgary", "2")]
    path.write_text("Zorp\tCountry\tUniversity\tPlaces\n" + "".join(
        f"{n}\t{c}\t{u}\t{q}\n" for n, (c, u, q) in zip(range(4, 0, -1), rows, strict=True)),
        encoding="utf-8")
    assert _columns(propose(path, "newest-first")) == ["row_number", "country", "partner",
                                                       "quota"]

TICKS = """Country\tPartner institution\tErasmus+\tDouble degree\tISEP\tValid until
Spain\tUniversidad de Granada\tx\t\t\t2027
France\tUniversité de Lille\tx\tx\t\t2028
Italy\tPolitecnico di Milano\t\t✓\tx\t2027
Peru\tUniversidad de Lima\t\t\tx\t2026
"""


def test_columns_ticking_the_agreement_types_they_name_are_one_kind_field(
        tmp_path: Path) -> None:
    path = tmp_path / "ticks.tsv"
    path.write_text(TICKS, encoding="utf-8")
    proposal = propose(path, "ticks")
    assert _columns(proposal) == ["country", "partner", "kind", "kind", "-", "end"]
    assert "'ISEP' not read ('-'): its cells tick rows, but no agreement type" in \
        proposal.yaml()
    src = read_with(proposal, path)
    assert [r.fields.get("kind") for r in src.result.records] == [
        "Erasmus+", "Erasmus+; Double degree", "Double degree", None]
    kinds = {a.parties[0].name: a.kinds for a in pipeline.source_agreements(src)}
    assert kinds["Université de Lille"] == ("erasmus-plus", "double-degree")
    assert kinds["Universidad de Lima"] == ()


def test_only_the_agreement_type_may_be_named_by_several_columns(tmp_path: Path) -> None:
    from exchange_kg.readers import check_columns

    assert check_columns({"columns": ["partner", "kind", "kind"]}, (), ("kind",)) == []
    assert check_columns({"columns": ["partner", "partner"]}, (), ("kind",)) == [
        (("columns", 1), "column 'partner' is named twice")]
    # the merged-cell reader joins no columns: there a second kind is an error
    assert check_columns({"columns": ["partner", "kind", "kind"]}) != []


def _headed_workbook(path: Path, header: list[str], groups) -> Path:  # noqa: ANN001
    """A sheet of partner rows under heading rows merged across the table."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    last = openpyxl.utils.get_column_letter(len(header))
    for heading_text, rows in groups:
        ws.append([heading_text])
        ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def test_country_rows_over_their_partners_give_the_rows_their_country(tmp_path: Path) -> None:
    """A table without a country column, a row "ALLEMAGNE" over the German partners."""
    path = _headed_workbook(
        tmp_path / "partenaires.xlsx",
        ["Établissement", "Code Erasmus", "Durée (mois)", "Fin de l'accord"],
        (("ALLEMAGNE", [("Universität Passau", "D PASSAU01", 10, "31/05/2027"),
                        ("TU Dresden", "D DRESDEN02", 5, "31/05/2028")]),
         ("IRLANDE", [("University College Dublin", "IRLDUBLIN02", 9, "31/05/2028")])))
    proposal = propose(path, "country-rows")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options["country_headings"] is True
    assert proposal.mapping["sections"][0]["fields"]["country"] == "country"
    # a length in bare numbers, its unit only in the header, is not the agreement's term
    assert _columns(proposal) == ["partner", "erasmus_code", "-", "end"]
    assert "'Durée (mois)' not read ('-'): its cells are bare numbers ('10')" in proposal.yaml()
    src = read_with(proposal, path)
    assert [(r.fields["partner"], r.fields["country"]) for r in src.result.records] == [
        ("Universität Passau", "ALLEMAGNE"), ("TU Dresden", "ALLEMAGNE"),
        ("University College Dublin", "IRLANDE")]
    headings = [d for d in src.result.dispositions.values() if d.kind == "heading"]
    assert len(headings) == 2


def test_a_heading_row_naming_no_country_we_know_ends_the_group_above(tmp_path: Path) -> None:
    """An untuned web table's heading rows 'FRANCE', 'BENELUX': the proposal made 'BENELUX' a
    title pattern, so the FRANCE heading went on and KU Leuven and Utrecht were published in
    France. A heading the reader cannot place is no title: it ends the group above."""
    path = _headed_workbook(
        tmp_path / "headings.xlsx", ["Partner university", "Places", "Valid until"],
        (("FRANCE", [("Université de Strasbourg", 2, "31/05/2029"),
                     ("Sciences Po", 1, "31/05/2028")]),
         ("ALLIANCE PARTNERS", [("KU Leuven", 2, "31/05/2029"),
                                ("Universiteit Utrecht", 2, "31/05/2029")]),
         ("GERMANY", [("Universität Konstanz", 3, "31/05/2029")])))
    proposal = propose(path, "headings")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options["country_headings"] is True
    assert not any("ALLIANCE" in p for p in options.get("title_patterns", []))
    src = read_with(proposal, path)
    assert {r.fields["partner"]: r.fields.get("country", "") for r in src.result.records} == {
        "Université de Strasbourg": "FRANCE", "Sciences Po": "FRANCE", "KU Leuven": "",
        "Universiteit Utrecht": "", "Universität Konstanz": "GERMANY"}


def test_a_country_row_in_the_partner_column_is_never_an_institution(tmp_path: Path) -> None:
    from exchange_kg.readers.simple_table import heading

    columns = ["partner", "end"]
    assert heading(["Germany"], columns) == ("heading: Germany (a country)", "Germany")
    assert heading(["Korea University"], columns) is None
    # a whole cell naming a region is a heading; a region word may start a name
    assert heading(["Europe"], columns) == ("heading: Europe (a continent or region)", None)
    assert heading(["Europa-Universität Viadrina"], columns) is None
    assert heading(["Germany", "2027"], columns) is None


@pytest.mark.parametrize(("stamp", "end", "as_of"), [
    ("Mise à jour : 05/09/2025", "31/08/2027", "'2025-09-05'"),  # the rows write day first
    ("Updated: 05/09/2025", "08/31/2027", "'2025-05-09'"),  # ... month first
    ("Bijgewerkt op 05/09/2025", "2027", None),  # nothing decides: no stamp is guessed
    ("stand per 1 september 2025", "2027", "'2025-09-01'"),
    ("aktualizace 3. 2. 2026", "2027", "'2026-02-03'"),
])
def test_a_stamp_in_numbers_reads_in_the_order_the_documents_dates_are_written(
        tmp_path: Path, stamp: str, end: str, as_of: str | None) -> None:
    from exchange_kg.propose import manifest_entry

    path = tmp_path / "list.tsv"
    path.write_text(f"Partners\n{stamp}\n\nCountry\tUniversity\tValid until\n" + "".join(
        f"{c}\t{u}\t{end}\n" for c, u in [("Chile", "Universidad de Chile"),
                                         ("Peru", "Universidad de Lima"),
                                         ("Spain", "Universidad de Granada")]),
        encoding="utf-8")
    entry = manifest_entry(propose(path, "stamped"), path)
    if as_of is None:
        assert "as_of: null" in entry
    else:
        assert f"as_of: {as_of}  # CHECK" in entry


def test_a_workbook_with_a_sheet_per_faculty_gives_each_sheet_its_home_unit(
        tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    sheets = {"Faculty of Law": [("Germany", "Universität Heidelberg"),
                                 ("Italy", "Università di Padova"),
                                 ("France", "Université de Lille")],
              "Asia": [("Japan", "Tohoku University"), ("Korea", "KAIST"),
                       ("China", "Fudan University")]}
    for k, (name, rows) in enumerate(sheets.items()):
        ws = wb.active if k == 0 else wb.create_sheet(name)
        ws.title = name
        ws.append(["Country", "Partner university"])
        for row in rows:
            ws.append(list(row))
    path = tmp_path / "by-faculty.xlsx"
    wb.save(path)
    proposal = propose(path, "by-faculty")
    constants = {s["reader"]["options"]["sheet"]: s["constants"]
                 for s in proposal.mapping["sections"]}
    # a sheet naming a unit is that unit's; a region's sheet names none
    assert constants == {"Faculty of Law": {"home_unit": "Faculty of Law"}, "Asia": {}}
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert sorted({a.home_unit for a in agreements}, key=str) == ["Faculty of Law", None]


JAPANESE = """大学間協定校一覧（2025年4月1日現在）

国・地域\t協定校名\t締結日\t協定の種類
中国\t北京大学\t2005年10月1日\t大学間交流協定
韓国\tソウル大学校\t2008年3月1日\t学生交流覚書
ドイツ\tミュンヘン工科大学\t2015年6月1日\t大学間交流協定・学生交流覚書
"""


def test_a_japanese_list_reads_its_header_names_dates_and_types(tmp_path: Path) -> None:
    """Names written without spaces, dates marked 年 月 日, types as one word each."""
    path = tmp_path / "kyotei.tsv"
    path.write_text(JAPANESE, encoding="utf-8")
    proposal = propose(path, "kyotei")
    assert proposal.language == "ja"
    assert _columns(proposal) == ["country", "partner", "start", "kind"]
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert [(a.country, a.parties[0].name, str(a.start), a.kinds) for a in agreements] == [
        ("CN", "北京大学", "2005-10-01", ("cooperation-agreement",)),
        ("KR", "ソウル大学校", "2008-03-01", ("student-exchange",)),
        ("DE", "ミュンヘン工科大学", "2015-06-01", ("cooperation-agreement", "student-exchange"))]
    # "現在" follows the date it stamps
    from exchange_kg.propose import manifest_entry

    assert "as_of: '2025-04-01'  # CHECK" in manifest_entry(proposal, path)


@pytest.mark.parametrize(("title", "as_of"), [
    ("合作院校名单（截至2025年4月1日）", "2025-04-01"),
    ("협정교 현황 (2025년 4월 1일 현재)", "2025-04-01"),
    ("Stand: 01.10.2026", "2026-10-01"), ("Standort Berlin 2026", None)])
def test_a_stamp_phrase_in_a_script_without_spaces_stands_against_its_date(
        title: str, as_of: str | None) -> None:
    from exchange_kg.propose import stated_as_of

    found = stated_as_of([title])
    assert (found[0] if found else None) == as_of


@pytest.mark.parametrize(("text", "expected"), [
    ("北京大学", True), ("서울대학교", True), ("中国科学院", True), ("東京", False),
    ("서울", False), ("University of Tokyo", True), ("Tokyo", False)])
def test_an_institution_word_counts_inside_a_name_written_without_spaces(
        text: str, expected: bool) -> None:
    from exchange_kg.normalise.fit import looks_like_institution

    assert looks_like_institution(text) is expected


def test_codes_with_leading_zeros_are_no_places(tmp_path: Path) -> None:
    path = tmp_path / "isced.tsv"
    path.write_text("Paese\tUniversità\tCodice ISCED\tPosti\n" + "".join(
        f"{c}\t{u}\t{code}\t{n}\n" for c, u, code, n in [
            ("Spagna", "Universidad de Granada", "0413", "2"),
            ("Francia", "Université de Lille", "0610", "1"),
            ("Germania", "Universität Passau", "0311", "3")]), encoding="utf-8")
    assert _columns(propose(path, "isced")) == ["country", "partner", "-", "quota"]


def test_looking_for_a_header_in_a_long_document_without_one_takes_seconds(
        tmp_path: Path) -> None:
    """Every cell of every line is compared with the header vocabulary; a long document
    with no header must still end in an error, not in minutes of fuzzy matching. A hang
    guard (CPU seconds, 30 times what it takes), not a speed target: those are in bench/."""
    import time

    path = tmp_path / "noise.tsv"
    path.write_text("\n".join("\t".join(f"v{r}-{c}" for c in range(5)) for r in range(3000)),
                    encoding="utf-8")
    started = time.process_time()
    with pytest.raises(ValueError, match="no sheet, table"):
        propose(path, "noise")
    assert time.process_time() - started < 60  # was over ten minutes for 20,000 lines


def test_a_status_column_is_read_with_the_agreement_types(tmp_path: Path) -> None:
    path = tmp_path / "stato.tsv"
    path.write_text("Paese\tUniversità\tTipo accordo\tStato accordo\n" + "".join(
        f"{c}\t{u}\t{k}\t{st}\n" for c, u, k, st in [
            ("Spagna", "Universidad de Granada", "Erasmus+", "in vigore"),
            ("Francia", "Université de Lille", "Erasmus+", "in negoziazione"),
            ("Germania", "Universität Passau", "Accordo quadro", "")]), encoding="utf-8")
    proposal = propose(path, "stato")
    assert _columns(proposal) == ["country", "partner", "kind", "kind"]
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert [(a.kinds, a.status) for a in agreements] == [
        (("erasmus-plus",), None), (("erasmus-plus",), "in-process"), (("framework",), None)]


def test_a_count_beside_two_columns_of_places_that_differ_is_not_the_quota(
        tmp_path: Path) -> None:
    """Out | In | Months in words no vocabulary holds: the places differ, so neither is the
    quota, and the months beside them never take their place (a false quota)."""
    path = tmp_path / "umowy.csv"
    lines = ["Kraj;Uczelnia partnerska;Wyjeżdżający;Przyjeżdżający;Miesiące",
             "Niemcy;Freie Universität Berlin;2;2;5",
             "Austria;Universität Wien;3;2;10",
             "Francja;Université de Lille;1;1;6",
             "Włochy;Università di Bologna;2;2;9"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proposal = propose(path, "months")
    assert "quota" not in _columns(proposal)
    assert "places differ from" in proposal.yaml()
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert len(agreements) == 4 and all(a.quota is None for a in agreements)


TURKISH = """Erasmus+ İkili Anlaşmalar Listesi
Zorp\tÜlke\tÜniversite\tBlix\tQuax\tVorn
1\tAlmanya\tUniversität Stuttgart\t3 öğrenci x 5 ay\t1 x 5 gün\t2022-2027
2\tFransa\tUniversité Grenoble Alpes\t2 öğrenci x 10 ay\t—\t2021/2022 - 2027/2028
3\tİtalya\tPolitecnico di Milano\t2 öğrenci x 5 ay\t2 x 5 gün\t2022-2027
4\tPolonya\tPolitechnika Gdańska\t3 öğrenci x 5 ay\t1 x 5 gün\t2021-2027
* Personel hareketliliği ders verme amaçlıdır; süreler gün olarak verilmiştir.
"""


def test_columns_in_unknown_words_are_named_by_numbering_places_and_periods(
        tmp_path: Path) -> None:
    """A first header cell no vocabulary knows over 1, 2, 3 is the list's numbering, not a
    pass glued in front of the header; places counted in words and periods from-to are read
    by their cells, each with a CHECK; a footnote whose prose holds a ";" is layout."""
    path = tmp_path / "anlasmalar.tsv"
    path.write_text(TURKISH, encoding="utf-8")
    proposal = propose(path, "tr")
    assert _columns(proposal) == ["row_number", "country", "partner", "quota", "-", "term"]
    text = proposal.yaml()
    # (header words no vocabulary will hold, so that the cells alone name the columns)
    for name, field in (("Zorp", "row_number"), ("Blix", "quota"), ("Vorn", "term")):
        assert f"{name!r} read as {field} from its cells" in text
    src = read_with(proposal, path)
    got = [(a.country, a.start and a.start.year, a.end and a.end.year, str(a.quota))
           for a in pipeline.source_agreements(src)]
    assert [g[:3] for g in got] == [("DE", 2022, 2027), ("FR", 2021, 2028),
                                    ("IT", 2022, 2027), ("PL", 2021, 2027)]
    assert all(g[3] != "None" for g in got)
    assert not [n for n, d in src.result.dispositions.items() if d.status.value == "unreadable"]


def test_the_numbering_is_found_across_a_header_repeated_on_the_next_page(
        tmp_path: Path) -> None:
    header = "Α/Α\tΊδρυμα\tΚωδικός Erasmus\tΘέσεις\tΜήνες"
    rows = [f"{n}\t{name}\t{code}\t2\t{months}" for n, (name, code, months) in enumerate([
        ("Technische Universität Berlin", "D BERLIN02", 10),
        ("Karlsruher Institut für Technologie", "D KARLSRU01", 5),
        ("Université Grenoble Alpes", "F GRENOBL55", 5),
        ("Politecnico di Milano", "I MILANO02", 5),
        ("Technische Universiteit Delft", "NL DELFT01", 5)], start=1)]
    path = tmp_path / "symfonies.tsv"
    path.write_text("\n".join([header, *rows[:3], "Σελίδα 1 από 2", header, *rows[3:]]) + "\n",
                    encoding="utf-8")
    proposal = propose(path, "el")
    # the months column names no field; the places under a word no vocabulary knows are
    # read from their cells
    assert _columns(proposal) == ["row_number", "partner", "erasmus_code", "quota", "-"]


def test_a_sheet_without_partners_gets_no_section_and_its_rows_are_reported(
        tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partners"
    ws.append(["Country", "Institution", "Places"])
    for row in ROWS:
        ws.append([row[0], row[1], int(row[2])])
    stats = wb.create_sheet("Statistics")
    stats.append(["Agreement type", "Count"])
    stats.append(["Erasmus+", 3])
    stats.append(["Bilateral", 1])
    path = tmp_path / "partners.xlsx"
    wb.save(path)
    proposal = propose(path, "stats")
    assert len(proposal.mapping["sections"]) == 1
    src = read_with(proposal, path)
    unread = [d for d in src.result.dispositions.values() if d.kind == "table-not-read"]
    assert len(unread) == 3 and all(d.status.value == "unreadable" for d in unread)


def test_staff_and_months_columns_name_no_field_and_leave_the_student_places_the_quota(
        tmp_path: Path) -> None:
    path = tmp_path / "partnerek.tsv"
    lines = ["Ország\tIntézmény\tHallgató\tOktató\tHónapok",
             "Németország\tUniversität Wien\t2\t1\t5",
             "Franciaország\tUniversité de Lille\t3\t2\t10",
             "Olaszország\tUniversità di Bologna\t1\t1\t5"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proposal = propose(path, "hu")
    assert _columns(proposal) == ["country", "partner", "quota", "-", "-"]
    assert "'Oktató' not read ('-'): its header names nothing the graph" in proposal.yaml()
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert [a.quota.places for a in agreements] == [
        (("unspecified", 2),), (("unspecified", 3),), (("unspecified", 1),)]


PRINTED = [  # a web page printed by a browser, as its text layer reads
    "12/7/26, 5:38 AM\t\t\tExchange agreements – Faculty of Engineering\t\t\t",
    "\tExchange agreements 2025/2026",
    "\t\tCountry\tInstitution\tType\tPlaces\tValid from\tValid to",
    "\t\tGermany\tTechnische\tErasmus+\t2\t01.01.2022\t31.05.2028",
    "\t\t\tUniversität",
    "\t\t\tDresden",
    "\t\tFrance\tUniversité de\tErasmus+\t2\t01.01.2022\t31.05.2028",
    "\t\t\tBordeaux",
    "\t\tSpain\tUniversidad de Sevilla\tErasmus+\t3\t01.01.2022\t31.05.2028",
    "\t\tItaly\tUniversità di Pisa\tErasmus+\t2\t01.02.2022\t31.05.2028",
    "file:///home/office/agreements.html\t\t\t\t\t\t\t1/2",
    "12/7/26, 5:38 AM\t\tExchange agreements – Faculty of Engineering\t\t\t",
    "\tCountry\tInstitution\tType\tPlaces\tValid from\tValid to",
    "\tUSA\tUniversity of\tBilateral\t4\t15.01.2018\t14.01.2028",
    "\t\tMinnesota",
    "\tJapan\tTokyo Institute of\tBilateral\t2\t01.04.2021\t31.03.2026",
    "\t\tTechnology",
    "\tCanada\tUniversity of Waterloo\tBilateral\t3\t01.05.2019\t30.04.2029",
    "file:///home/office/agreements.html\t\t\t\t\t\t2/2"]


def test_a_printed_web_page_is_read_page_by_page_under_its_repeated_header(
        tmp_path: Path) -> None:
    doc = tmp_path / "printed.txt"
    doc.write_text("\n".join(PRINTED) + "\n", encoding="utf-8")
    proposal = propose(doc, "printed")
    section = proposal.mapping["sections"][0]
    # the page's margin (its date and address lines) is no column, the wrapped lines of a
    # name no merged country cell, and no row too short to be whole
    assert section["reader"]["name"] == "simple-table"
    assert _columns(proposal) == ["country", "partner", "kind", "quota", "start", "end"]
    assert "min_cells" not in section["reader"]["options"]
    read = read_with(proposal, doc)
    got = [(a.country, [p.name for p in a.parties]) for a in pipeline.source_agreements(read)]
    assert got == [("DE", ["Technische Universität Dresden"]),
                   ("FR", ["Université de Bordeaux"]), ("ES", ["Universidad de Sevilla"]),
                   ("IT", ["Università di Pisa"]), ("US", ["University of Minnesota"]),
                   ("JP", ["Tokyo Institute of Technology"]), ("CA", ["University of Waterloo"])]


def test_a_country_column_empty_on_whole_rows_is_a_merged_cell_not_on_wrapped_lines(
        tmp_path: Path) -> None:
    rows = ["Country\tInstitution\tType\tPlaces\tValid from",
            "Germany\tUniversität Hamburg\tErasmus+\t2\t2022",
            "\tUniversität Bremen\tErasmus+\t1\t2022",
            "\tUniversität Kiel\tErasmus+\t3\t2023",
            "France\tUniversité de Lille\tErasmus+\t2\t2021",
            "\tUniversité de Lyon\tErasmus+\t2\t2021"]
    doc = tmp_path / "merged.txt"
    doc.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert propose(doc, "merged").mapping["sections"][0]["reader"]["name"] == "merged-cell-table"


@pytest.mark.parametrize(("title", "kinds"), [
    ("Erasmus+ partner universities 2025", ["erasmus-plus"]),
    # a paragraph about the list, not its title
    ("Framework agreements in force for the students of all our faculties, as the "
     "international office keeps them", None),
    ("Framework agreements in force. Last updated in May", None),
    # a type any list of partners is titled by names the list, not each agreement
    ("国際交流協定校一覧", None)])
def test_the_title_names_the_type_of_every_agreement_only_as_a_title_naming_one(
        tmp_path: Path, title: str, kinds: list[str] | None) -> None:
    doc = tmp_path / "list.csv"
    doc.write_text(f"{title}\n\nCountry;University;Places\nGermany;Universität Hamburg;2\n"
                   "France;Université de Lille;3\nItaly;Università di Bologna;1\n", "utf-8")
    section = propose(doc, "titled").mapping["sections"][0]
    assert section["constants"].get("kinds") == kinds


@pytest.mark.parametrize(("header", "cells", "kinds"), [
    # cells of types under a header no vocabulary holds: the rows say their own type
    ("Programa", ("Erasmus+", "Acordo bilateral", "Erasmus+"), None),
    # statuses alone say no row's type: the title's is every agreement's
    ("Status", ("Signed by all", "Signed by all", "in negotiation"), ["erasmus-plus"])])
def test_a_column_of_agreement_types_is_the_kind_and_the_title_is_for_rows_without(
        tmp_path: Path, header: str, cells: tuple[str, ...], kinds: list[str] | None) -> None:
    partners = ("Germany;Universität Hamburg", "Brazil;Universidade de São Paulo",
                "France;Université de Lille")
    doc = tmp_path / "list.csv"
    doc.write_text(f"Erasmus+ partner universities 2025\n\nCountry;University;{header}\n" + "".join(
        f"{p};{c}\n" for p, c in zip(partners, cells, strict=True)), "utf-8")
    section = propose(doc, "typed").mapping["sections"][0]
    assert _columns_of(section) == ["country", "partner", "kind"]
    assert section["constants"].get("kinds") == kinds


def test_a_column_of_the_hosts_own_faculties_is_its_home_unit(tmp_path: Path) -> None:
    doc = tmp_path / "list.csv"
    doc.write_text("Pays;Établissement;Composante\nAllemagne;Universität Hamburg;UFR Lettres\n"
                   "Brésil;Universidade de São Paulo;Faculté de Droit\n"
                   "Japon;Kyoto University;UFR Sciences\n", "utf-8")
    assert _columns_of(propose(doc, "fr").mapping["sections"][0]) == [
        "country", "partner", "home_unit"]


def _columns_of(section) -> list[str]:  # noqa: ANN001
    return section["reader"]["options"]["columns"]


def test_an_encoding_the_build_cannot_decide_is_proposed_from_its_question(
        tmp_path: Path) -> None:
    # cp1252 or cp1250: 'Politècnica' or 'Politčcnica'; the proposal takes the build's
    # likelier reading and says what the other would read
    doc = tmp_path / "list.csv"
    doc.write_bytes("Country;Partner;Places\nSpain;Universitat Politècnica;2\n"
                    "Spain;Escola Tècnica;3\nSpain;Barcelona Tech;1\n".encode("cp1252"))
    proposal = propose(doc, "es")
    assert proposal.mapping["sections"][0]["reader"]["options"]["encoding"] == "cp1252"
    assert "read as cp1250 it says 'Politčcnica'" in proposal.yaml()


def _page(tmp_path: Path, name: str, title: str, tables: list[tuple[str, list[str]]]) -> Path:
    header = "<tr><th>Country</th><th>University</th><th>Places</th></tr>"
    body = "".join(
        f"<h2>{heading}</h2><table>{header}" + "".join(
            "<tr>" + "".join(f"<td>{c}</td>" for c in row.split(";")) + "</tr>" for row in rows)
        + "</table>" for heading, rows in tables)
    path = tmp_path / name
    path.write_text(f"<html><body><h1>{title}</h1>{body}</body></html>", encoding="utf-8")
    return path


def test_tables_under_headings_naming_their_type_get_each_its_own(tmp_path: Path) -> None:
    """Read as one table, the first heading's type (Erasmus+) was taken for the list's title
    and given to the double degrees under the next heading too."""
    path = _page(tmp_path, "programmes.html", "Partner universities", [
        ("Erasmus+ agreements", ["Germany;Universität Hamburg;2", "Italy;Università di Pisa;1"]),
        ("Double degree agreements", ["France;Université de Lille;2",
                                      "Spain;Universidad de Granada;1"])])
    proposal = propose(path, "programmes")
    sections = proposal.mapping["sections"]
    assert [(s["reader"]["options"]["table"], s["constants"].get("kinds")) for s in sections
            ] == [(1, ["erasmus-plus"]), (2, ["double-degree"])]
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert {a.parties[0].name: a.kinds for a in agreements} == {
        "Universität Hamburg": ("erasmus-plus",), "Università di Pisa": ("erasmus-plus",),
        "Université de Lille": ("double-degree",), "Universidad de Granada": ("double-degree",)}


def test_tables_under_headings_naming_your_faculties_keep_a_partners_two_agreements(
        tmp_path: Path) -> None:
    path = _page(tmp_path, "faculties.html", "Partner universities per faculty", [
        ("Faculty of Medicine", ["Austria;Universität Wien;1", "Belgium;Universiteit Gent;2"]),
        ("Faculty of Law", ["Austria;Universität Wien;2", "Spain;Universidad de Granada;1"])])
    proposal = propose(path, "faculties")
    units = [s["constants"].get("home_unit") for s in proposal.mapping["sections"]]
    assert units == ["Faculty of Medicine", "Faculty of Law"]
    agreements = pipeline.source_agreements(read_with(proposal, path))
    vienna = [a for a in agreements if a.parties[0].name == "Universität Wien"]
    assert sorted(a.home_unit for a in vienna) == ["Faculty of Law", "Faculty of Medicine"]


def test_a_partner_column_of_identifiers_is_not_the_partners_name(tmp_path: Path) -> None:
    """An exchange system's export names the partner three ways: by internet domain (its SCHAC
    id), by Erasmus code and by name. The first, a column headed 'partner_...', had been
    read as the partner: six institutions named 'uni-heidelberg.de' and the like."""
    path = tmp_path / "iia.csv"
    path.write_text(
        "Agreement,Partner,Partner code,Partner name,Places\n"
        "A1,uni-heidelberg.de,D HEIDELB01,Ruprecht-Karls-Universität Heidelberg,2\n"
        "A2,kuleuven.be,B LEUVEN01,KU Leuven,3\n"
        "A3,helsinki.fi,SF HELSINK01,Helsingin yliopisto,2\n", encoding="utf-8")
    proposal = propose(path, "iia")
    assert _columns(proposal)[1:4] == ["-", "erasmus_code", "partner"]
    assert "'Partner' not read" in proposal.yaml()
    names = {a.parties[0].name for a in pipeline.source_agreements(read_with(proposal, path))}
    assert names == {"Ruprecht-Karls-Universität Heidelberg", "KU Leuven", "Helsingin yliopisto"}


def test_the_date_order_is_the_documents_when_only_a_column_left_unread_decides_it(
        tmp_path: Path) -> None:
    """Every signing date here reads both ways (01/02/2022); the remarks say 'until 31/05/2029',
    which only day-first reads. Without them the starts were published as years alone."""
    path = tmp_path / "signed.tsv"
    path.write_text("Country\tUniversity\tSigned\tRemarks\n"
                    "Spain\tUniversidad de Granada\t01/02/2022\tvalid until 31/05/2029\n"
                    "Italy\tUniversità di Pisa\t03/04/2021\tvalid until 30/06/2028\n"
                    "France\tUniversité de Lille\t05/06/2020\trenewed in 2025\n", encoding="utf-8")
    proposal = propose(path, "signed")
    assert proposal.mapping.get("date_order") == "dmy"
    starts = {a.parties[0].name: str(a.start)
              for a in pipeline.source_agreements(read_with(proposal, path))}
    assert starts["Universidad de Granada"] == "2022-02-01"


def test_a_column_half_of_whose_cells_are_countries_is_the_country(tmp_path: Path) -> None:
    """In a language whose country names the vocabularies know only in part, the column
    nothing else fills with country names is still the country; the rest are reported."""
    path = tmp_path / "shtetet.tsv"
    rows = [("Gjermania", "Universität Hamburg"), ("Italy", "Università di Pisa"),
            ("Greqia", "Aristotle University of Thessaloniki"), ("France", "Université de Lille"),
            ("Turqia", "Ankara Üniversitesi"), ("Austria", "Universität Wien")]
    path.write_text("Zorp\tUniversity\tValid until\n" + "".join(
        f"{c}\t{u}\t31.05.2029\n" for c, u in rows), encoding="utf-8")
    assert _columns(propose(path, "shtetet")) == ["country", "partner", "end"]


@pytest.mark.parametrize("header", ["Duration (years)", "Zorp (years)"])
def test_a_column_of_bare_numbers_whose_header_says_years_is_the_duration(
        tmp_path: Path, header: str) -> None:
    """'5' under a header saying years is five years, read through the mapping's own
    vocabulary line; under a header no word of which is known it had been read as 5 places."""
    path = tmp_path / "duration.tsv"
    path.write_text(f"Country\tUniversity\t{header}\n" + "".join(
        f"{c}\t{u}\t{n}\n" for c, u, n in [("Germany", "Universität Hamburg", 5),
                                           ("France", "Université de Lille", 6),
                                           ("Italy", "Università di Pisa", 5)]),
        encoding="utf-8")
    proposal = propose(path, "duration")
    assert _columns(proposal) == ["country", "partner", "term"]
    assert proposal.mapping["vocabulary"] == {"terms": {"{n}": "duration"}}
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert sorted(a.duration_years for a in agreements) == [5, 5, 6]
    assert all(a.quota is None for a in agreements)


def _bilingual_workbook(path: Path, first: list[str], second: list[str]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Universite de Fribourg / Universitat Freiburg: partenaires / Partner"])
    ws.append([])
    ws.append(first)
    ws.append(second)
    for country, partner, places, until in ROWS_BILINGUAL:
        ws.append([country, partner, int(places), until])
    wb.save(path)
    return path


ROWS_BILINGUAL = [("Allemagne", "Universität Konstanz", "2", "31.05.2029"),
                  ("Autriche", "Universität Salzburg", "2", "31.05.2029"),
                  ("Italie", "Università degli Studi di Trento", "1", "31.05.2028")]


def test_a_header_repeated_in_the_lists_other_language_is_one_header_not_a_second_table(
        tmp_path: Path) -> None:
    # a bilingual list heads its table twice; the second row was taken for another table's
    # header (no row found) and, in a hand mapping, published as a partner
    path = _bilingual_workbook(tmp_path / "bilingue.xlsx",
                               ["Pays", "Université partenaire", "Places", "Valable jusqu'au"],
                               ["Land", "Partneruniversität", "Plätze", "Gültig bis"])
    proposal = propose(path, "bilingue")
    sections = proposal.mapping["sections"]
    assert len(sections) == 1
    options = sections[0]["reader"]["options"]
    assert options["header"][0] == "Pays" and "end_marker" not in options
    # the column the first header's words do not name is named by the other row's
    assert options["columns"] == ["country", "partner", "quota", "end"]
    src = read_with(proposal, path)
    assert [r.fields["partner"] for r in src.result.records] == [r[1] for r in ROWS_BILINGUAL]
    assert src.result.dispositions[4].kind == "header"


def test_rows_without_a_header_are_read_by_their_cells_and_dates_are_not_guessed(
        tmp_path: Path) -> None:
    # a description list (the name, then its details) has no header; its columns are named
    # by their cells, and a column of dates without a document date says neither start nor end
    rows = [("ESSEC Business School", "Cergy, France · Erasmus+ · 3 places", "31.05.2028"),
            ("HEC Paris", "Jouy-en-Josas, France · Erasmus+ · 2 places", "31.05.2029"),
            ("Università Bocconi", "Milano, Italy · Erasmus+ · 4 places", "31.05.2029"),
            ("IE University", "Madrid, Spain · Erasmus+ · 2 places", "31.05.2027")]
    doc = tmp_path / "partners.html"
    doc.write_text("<html><body><h1>Our partners</h1><table>" + "".join(
        f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
        + "</table></body></html>", encoding="utf-8")
    proposal = propose(doc, "dl")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options["columns"] == ["partner", "details", "-"] and "header" not in options
    read = read_with(proposal, doc)
    agreements = pipeline.source_agreements(read)
    assert [(a.parties[0].name, a.parties[0].country, a.start, a.end) for a in agreements][0] \
        == ("ESSEC Business School", "FR", None, None)


def test_a_header_of_ticked_types_and_study_cycles_is_found_and_no_means_no_tick(
        tmp_path: Path) -> None:
    text = ("Country;Partner institution;Erasmus+;Double degree;BA;MA;Agreement ends\n"
            "Germany;Universität Mannheim;X;No;X;X;\n"
            "France;Sciences Po;✓;✓;No;✓;\n"
            "Japan;Waseda University;No;•;•;No;\n")
    doc = tmp_path / "ticks.csv"
    doc.write_text(text, encoding="utf-8")
    proposal = propose(doc, "ticks")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options["columns"][:6] == ["country", "partner", "kind", "kind", "-", "-"]
    kinds = [a.kinds for a in pipeline.source_agreements(read_with(proposal, doc))]
    assert kinds == [("erasmus-plus",), ("erasmus-plus", "double-degree"), ("double-degree",)]


def test_a_status_column_a_header_word_calls_the_country_is_the_status(tmp_path: Path) -> None:
    # Italian "Stato" is the country and the status: beside a "Paese" column its cells
    # ("Attivo", "In negoziazione") were left unread as a second country column
    doc = tmp_path / "accordi.csv"
    doc.write_text("Paese;Università partner;Scadenza;Stato\n"
                   "Francia;Université Paris Cité;31/05/2029;Attivo\n"
                   "Germania;Freie Universität Berlin;31/05/2029;Attivo\n"
                   "Giappone;Kyoto University;;In negoziazione\n"
                   "Cina;Tongji University;;In attesa di firma\n", encoding="utf-8")
    columns = propose(doc, "it").mapping["sections"][0]["reader"]["options"]["columns"]
    assert columns == ["country", "partner", "end", "kind"]


def test_a_column_of_dates_and_lengths_is_the_term_column(tmp_path: Path) -> None:
    # 'Valid up to' (Indian English) over '14.03.2026', 'Five years', 'Auto-renewal', '-':
    # no header word names it; what its cells say does (lone dates stay unpublished there)
    doc = tmp_path / "mous.csv"
    doc.write_text("Country;University;Valid up to\n"
                   "USA;University of Missouri;14.03.2026\n"
                   "Japan;Hiroshima University;Five years\n"
                   "Taiwan;National Tsing Hua University;Auto-renewal\n"
                   "Nepal;Tribhuvan University;-\n"
                   "Australia;University of Melbourne;Three years\n", encoding="utf-8")
    columns = propose(doc, "mous").mapping["sections"][0]["reader"]["options"]["columns"]
    assert columns == ["country", "partner", "term"]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_sheet_of_one_partner_per_column_is_proposed_transposed(tmp_path: Path,
                                                                  suffix: str) -> None:
    """Labels down the first column ('Universidad socia', 'País', 'Plazas', 'Vigencia')
    and a partner in each further column: proposed as it lay, the header was the first
    row of partners and no agreement was read."""
    rows = [["Universidad socia", "Universidade do Porto", "Università di Bologna",
             "Universität Wien"], ["País", "Portugal", "Italia", "Austria"],
            ["Ciudad", "Porto", "Bolonia", "Viena"], ["Plazas", "2", "3", "1"],
            ["Vigencia", "2021-2027", "2022-2027", "2023-2029"]]
    path = tmp_path / f"convenios.{suffix}"
    if suffix == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        wb.active.append(["Convenios de movilidad 2025-26"])
        wb.active.append([])
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    else:
        path.write_text("Convenios de movilidad 2025-26\n\n"
                        + "".join(";".join(r) + "\n" for r in rows), "utf-8")
    proposal = propose(path, "convenios")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options.get("transposed") is True
    assert options["columns"] == ["partner", "country", "city", "quota", "term"]
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert [(a.parties[0].name, a.quota.places_for("unspecified"), str(a.end)[:4])
            for a in agreements] == [("Universidade do Porto", 2, "2027"),
                                     ("Università di Bologna", 3, "2027"),
                                     ("Universität Wien", 1, "2029")]


def test_a_table_with_field_names_in_its_first_column_cells_is_not_transposed(
        tmp_path: Path) -> None:
    """A table whose header stands across the top is read as it lies: only its header row
    labels fields, so the first column's labels do not outnumber it."""
    path = tmp_path / "partners.csv"
    path.write_text("Institution;Country;Places;Valid until\n"
                    "Universität Wien;Austria;2;2027\nUniversidade do Porto;Portugal;1;2028\n"
                    "Università di Bologna;Italia;3;2026\n", "utf-8")
    options = propose(path, "partners").mapping["sections"][0]["reader"]["options"]
    assert "transposed" not in options
    assert options["columns"] == ["partner", "country", "quota", "end"]


def test_a_date_header_naming_its_calendar_gives_the_column_that_calendar(
        tmp_path: Path) -> None:
    """'Date signed (B.S.)' over '2078/05/15': the header says the dates are Bikram Sambat.
    Proposed without the calendar, the column's dates were reported, not read."""
    path = tmp_path / "mou.csv"
    path.write_text("Partner university;Country;Date signed (B.S.);Valid until (B.S.)\n"
                    "Tribhuvan University;Nepal;2078/05/15;2081/05/14\n"
                    "University of Oslo;Norway;2079/01/10;2080/01/09\n"
                    "Aarhus University;Denmark;2077/11/02;2081/11/01\n", "utf-8")
    proposal = propose(path, "mou")
    fields = proposal.mapping["sections"][0]["fields"]
    assert fields["start"] == {"normalise": "date", "calendar": "bikram-sambat"}
    assert fields["end"] == {"normalise": "term", "calendar": "bikram-sambat"}
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert [(str(a.start), str(a.end)) for a in agreements][0] == ("2021-08-31", "2024-08-30")


def test_a_legend_spelling_out_an_abbreviation_names_no_rows_type(tmp_path: Path) -> None:
    """'Note: MoU = Memorandum of Understanding' under a table whose type cells no
    vocabulary knows was proposed as every row's type: rows of student exchange and double
    degrees were published as memoranda of understanding."""
    path = tmp_path / "partners.html"
    path.write_text(
        "<html><body><h1>Partner universities</h1><table>"
        "<tr><th>Institution</th><th>Country</th><th>Qisim</th></tr>"
        "<tr><td>Universität Wien</td><td>Austria</td><td>MoU</td></tr>"
        "<tr><td>Kyoto University</td><td>Japan</td><td>Qisim talaba</td></tr>"
        "<tr><td>Universidad de Chile</td><td>Chile</td><td>Qisim daraja</td></tr>"
        "</table><p>Note: MoU = Memorandum of Understanding</p></body></html>", "utf-8")
    assert "kinds" not in propose(path, "partners").mapping["sections"][0]["constants"]


def test_captions_of_tables_side_by_side_name_no_type_of_every_row(tmp_path: Path) -> None:
    """Two tables side by side under 'Europe (Erasmus+) Outside Europe (bilateral
    exchange)' on one line: proposed as the title, every bilateral partner outside Europe
    was published as Erasmus+. A title naming one type still gives it."""
    rows = ("Country;Partner university;Places\nAustria;University of Innsbruck;2\n"
            "Australia;University of Melbourne;2\nCanada;McGill University;1\n")
    path = tmp_path / "sides.csv"
    path.write_text("Europe (Erasmus+) Outside Europe (bilateral exchange)\n" + rows, "utf-8")
    assert "kinds" not in propose(path, "sides").mapping["sections"][0]["constants"]
    path.write_text("Partner universities (Erasmus+)\n" + rows, "utf-8")
    assert propose(path, "sides").mapping["sections"][0]["constants"]["kinds"] == [
        "erasmus-plus"]


@pytest.mark.parametrize(("header", "rows", "columns"), [
    # an identifier's header run together: 'MOU-2021-003' gave a false type
    ("AgreementID;Partner;Country;Type",
     ["MOU-2021-003;University of Auckland;New Zealand;Student exchange",
      "AGR-2022-011;University of Otago;New Zealand;Student exchange"],
     ["-", "partner", "country", "kind"]),
    # a word that begins header words of two fields ('Avtalsperiod', 'Avtalstyp') is cut
    # short of neither: its cells tell ('Avtal' over types was read as the term, and the
    # date column beside it as the start)
    ("Lärosäte;Land;Avtal;Platser",
     ["Universität Wien;Österrike;Erasmus+;2", "McGill University;Kanada;Utbytesavtal;1",
      "Aalto-yliopisto;Finland;Nordplus;2"],
     ["partner", "country", "kind", "quota"]),
    # a short header word glued to more is another word: Somali 'Dalka' (country) over
    # country names was proposed as the start ('dal', Italian 'from')
    ("Lambar;Magaca jaamacadda;Dalka",
     ["1;Istanbul University;Turkiga", "2;University of Nairobi;Kenya",
      "3;Addis Ababa University;Itoobiya"],
     ["row_number", "partner", "country"]),
    # a stay's length is no agreement's term: '1 year' was published as the duration
    ("Partner;Country;Places;Duration of stay;Signed",
     ["Universität Wien;Austria;2;5 months;01/09/2021",
      "Uniwersytet Warszawski;Poland;1;1 year;15/03/2020",
      "Aalto University;Finland;2;2 semesters;01/02/2022"],
     ["partner", "country", "quota", "-", "start"]),
    ("Partner;Country;Places;Duration;Valid until",
     ["Universität Wien;Austria;2;5 months;31/05/2029",
      "Aalto University;Finland;2;10 months;31/05/2028",
      "Universidad de Chile;Chile;1;2 semesters;31/12/2027"],
     ["partner", "country", "quota", "-", "end"]),
    # the record's own history is no start: 4 review dates were published as starts
    ("Partner;Country;Places;Last reviewed;Valid until",
     ["Universität Wien;Austria;2;12/09/2026;31/05/2029",
      "Aalto University;Finland;2;02/10/2026;31/05/2028",
      "Universidad de Chile;Chile;1;15/06/2026;31/12/2027"],
     ["partner", "country", "quota", "-", "end"]),
    # ids in a numbering column: the proposal stopped ('no row number in column 1')
    ("Agreement No.,Partner,Country,Type,Valid until",
     ["MoU-17,Universität Wien,Austria,Memorandum of understanding,31/05/2029",
      "DD-2022-3,Aalto University,Finland,Double degree,31/05/2028",
      "FA/2020/11,Universidad de Chile,Chile,Framework agreement,31/12/2027"],
     ["-", "partner", "country", "kind", "end"]),
])
def test_columns_are_read_for_what_their_header_and_cells_say(
        tmp_path: Path, header: str, rows: list[str], columns: list[str]) -> None:
    path = tmp_path / "list.csv"
    path.write_text("\n".join([header, *rows]) + "\n", "utf-8")
    options = propose(path, "list").mapping["sections"][0]["reader"]["options"]
    assert options["columns"] == columns


def test_a_table_with_a_column_per_academic_year_is_proposed_without_them(
        tmp_path: Path) -> None:
    """'Land | Partnerhochschule | Programm | 2022/23 | ... | 2026/27 | Bemerkung': the year
    columns outnumbered the header words, so no header was found and nothing was proposed.
    The years are the table's window, not the agreements' dates: they stay unread."""
    path = tmp_path / "jahre.csv"
    path.write_text(
        "Land;Partnerhochschule;Programm;2022/23;2023/24;2024/25;2025/26;2026/27;Bemerkung\n"
        "Frankreich;Université de Strasbourg;Erasmus+;2;2;2;2;2;\n"
        "Italien;Università degli Studi di Padova;Erasmus+;2;2;3;3;3;\n"
        "Polen;Uniwersytet Warszawski;Erasmus+;–;–;2;2;2;neu ab 2024/25\n", "utf-8")
    proposal = propose(path, "jahre")
    options = proposal.mapping["sections"][0]["reader"]["options"]
    assert options["columns"] == ["country", "partner", "kind", *["-"] * 5, "remark"]
    agreements = pipeline.source_agreements(read_with(proposal, path))
    assert [(a.parties[0].name, a.start, a.end, a.quota) for a in agreements][0] == (
        "Université de Strasbourg", None, None, None)


def test_of_two_columns_under_one_header_the_filled_one_is_read(tmp_path: Path) -> None:
    """An untuned workbook kept its old 'Valid until' and 'Places' columns, hidden, beside the
    copies the office fills: the proposal read the first (hidden, so empty) and left the
    filled ones unread, so no end and no places were published."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Partner", "Country", "Valid until", "Valid until", "Places", "Places"])
    for name, country, old, new, places in (
            ("University of Otago", "New Zealand", "31/12/2021", "31/12/2026", 2),
            ("Aalto University", "Finland", "31/05/2021", "31/05/2029", 1),
            ("University of Bergen", "Norway", "31/05/2021", "31/05/2029", 2)):
        ws.append([name, country, old, new, places + 1, places])
    ws.column_dimensions["C"].hidden = True
    ws.column_dimensions["E"].hidden = True
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    proposal = propose(path, "hidden")
    assert _columns(proposal) == ["partner", "country", "-", "end", "-", "quota"]
    src = read_with(proposal, path)
    assert [(r.fields["end"], r.fields["quota"]) for r in src.result.records] == [
        ("31/12/2026", "2"), ("31/05/2029", "1"), ("31/05/2029", "2")]


def test_a_unit_column_whose_header_names_the_partner_is_the_partners_unit(
        tmp_path: Path) -> None:
    """An untuned French list's 'Composante partenaire' (the partner's faculty) was proposed
    as home_unit: Bologna's 'Dipartimento di Scienze Giuridiche' published as the host's own
    unit. A header that says whose unit it is decides, whatever the values share."""
    path = tmp_path / "composante.csv"
    path.write_text(
        "Établissement partenaire;Composante partenaire;Pays;Places;Fin de l'accord\n"
        "Université de Genève;Faculté de droit;Suisse;2;31/08/2028\n"
        "Université de Montréal;Faculté de droit;Canada;2;31/05/2029\n"
        "Université Laval;Faculté de droit;Canada;1;31/05/2029\n"
        "Università di Bologna;Dipartimento di Scienze Giuridiche;Italie;1;31/05/2027\n",
        "utf-8")
    proposal = propose(path, "composante")
    assert _columns(proposal)[1] == "unit"


@pytest.mark.parametrize(("note", "order"), [
    ("Dates signed are MM/DD/YYYY.", "mdy"), ("Dates au format JJ/MM/AAAA.", "dmy")])
def test_a_date_format_the_document_writes_out_decides_the_order(
        tmp_path: Path, note: str, order: str) -> None:
    """An untuned US list's signing dates (every day <= 12) and its footer 'Dates signed are
    MM/DD/YYYY.': no order was proposed, so every start was published as a year only."""
    path = tmp_path / "us.csv"
    path.write_text("Partner,Country,Date Signed,Places\n"
                    "Universidad de los Andes,Colombia,03/04/2021,2\n"
                    "University of Edinburgh,United Kingdom,11/12/2022,3\n"
                    f"{note},,,\n", "utf-8")
    proposal = propose(path, "us")
    assert proposal.mapping.get("date_order") == order
    src = read_with(proposal, path)
    assert src.result.records[0].fields["start"] == "03/04/2021"


def test_a_period_in_years_with_a_decimal_comma_is_the_duration(tmp_path: Path) -> None:
    """An untuned Polish export's 'Okres (lata)' ('7,0', '3,0': the agreement's period in
    years) was taken for a second column of places, and the real places went unread."""
    path = tmp_path / "okres.csv"
    path.write_text("Kraj;Uczelnia partnerska;Liczba miejsc;Okres (lata);Ważna do\n"
                    "Niemcy;Technische Universität Dresden;2,0;7,0;31.05.2029\n"
                    "Francja;Université de Lorraine;3,0;7,0;31.05.2029\n"
                    "Gruzja;Tbilisi State University;1,0;3,0;14.09.2026\n", "utf-8")
    proposal = propose(path, "okres")
    assert _columns(proposal) == ["country", "partner", "quota", "term", "end"]
    assert proposal.mapping["vocabulary"] == {"terms": {"{n}": "duration"}}


@pytest.mark.parametrize(("header", "field"), [
    ("Vertragsende", "end"), ("Ablaufdatum", "end"), ("Laufzeit bis", "end"),
    ("Udløber", "end"), ("Udløbsdato", "end"), ("Utløpsdato", "end"),
    ("Utgångsdatum", "end"), ("Avtalet gäller t.o.m.", "end"), ("Vervaldatum", "end"),
    ("Fecha de vencimiento", "end"), ("Date d'expiration", "end"),
    ("Data de vencimento", "end"), ("Agreement ends", "end"), ("Avtal", "kind"),
    ("Months each", "-"), ("Mois/étudiant", "-"), ("Vertragsnummer", "-"),
    ("Okres (lata)", "term"), ("Czas trwania (lata)", "term"),
    ("Улс", "country"), ("Байгуулсан огноо", "start"), ("Хүчинтэй хугацаа", "term")])
def test_end_headers_of_untuned_lists_name_the_end(header: str, field: str) -> None:
    """'Udløber' (Danish: expires) and 'Vertragsende' were unknown: the end column was left
    unread; 'Mois/étudiant' was taken for a second quota column."""
    from exchange_kg.normalise.header_words import header_word_field

    assert header_word_field(header) == field


@pytest.mark.parametrize(("header", "columns"), [
    ("Partner,Country,Date approved by Senate,Date signed,Last reviewed,Expiry",
     ["partner", "country", "-", "start", "-", "end"]),
    ("Partner,Country,Date signed,Renewed on,Valid until",
     ["partner", "country", "start", "-", "end"]),
    ("Partner,Country,First signed,Current agreement signed,Expires",
     ["partner", "country", "-", "start", "end"]),
    ("Partner,Country,Signed,Original expiry,Extended to",
     ["partner", "country", "start", "-", "end"]),
])
def test_a_header_naming_the_end_decides_it_over_the_order_of_the_date_columns(
        tmp_path: Path, header: str, columns: list[str]) -> None:
    """Untuned Kenyan and Peruvian lists with three or four date columns: the proposal took
    the first two by their order (an approval date as the start, the signing or a renewal
    as the END) and dropped the column headed 'Expiry' / 'Valid until' / 'Extended to' as a
    second end column: every row's end was false."""
    cells = {"Date approved by Senate": "02/02/2019", "Date signed": "15/03/2016",
             "Last reviewed": "15/06/2024", "Expiry": "14/03/2026", "Renewed on": "15/03/2021",
             "Valid until": "14/03/2026", "First signed": "15/03/2006",
             "Current agreement signed": "15/03/2021", "Expires": "14/03/2026",
             "Signed": "15/03/2016", "Original expiry": "14/03/2021",
             "Extended to": "14/03/2026"}  # what each header's column holds
    names = header.split(",")
    rows = [["Makerere University", "Uganda", *(cells[n] for n in names[2:])],
            ["University of Nairobi", "Kenya", *(cells[n].replace("15/", "16/").replace(
                "14/", "13/") for n in names[2:])]]
    path = tmp_path / "dates.csv"
    path.write_text("\n".join(",".join(r) for r in [names, *rows]) + "\n", "utf-8")
    assert _columns(propose(path, "dates")) == columns


def test_a_column_of_faculties_before_the_partners_is_no_partner(tmp_path: Path) -> None:
    """An untuned list headed 'Institution (Faculty) | Partner university | Country': the
    faculties were proposed as the partners ('Faculty of Engineering' published as an
    institution in the UK) and the universities dropped as a second partner column."""
    path = tmp_path / "faculties.csv"
    path.write_text("Institution (Faculty),Partner university,Country\n"
                    "Faculty of Engineering,University of Bath,UK\n"
                    "School of Law,Universidad de Chile,Chile\n"
                    "Faculty of Medicine,Makerere University,Uganda\n", "utf-8")
    assert _columns(propose(path, "faculties")) == ["unit", "partner", "country"]


def test_sheets_named_for_agreements_no_longer_in_force_give_their_rows_that_status(
        tmp_path: Path) -> None:
    """An untuned Kenyan workbook split by status ('Active' with one row, 'Expired',
    'Terminated'): the one active agreement was lost (its sheet too short to propose) and
    the terminated ones were published as in force, one open-ended, one until 2028."""
    import openpyxl

    wb = openpyxl.Workbook()
    header = ["Partner Institution", "Country", "Date Signed", "Duration / Expiry"]
    sheets = {"Active": [("Makerere University", "Uganda", "15/03/2021", "5 years")],
              "Expired": [("University of Glasgow", "United Kingdom", "03/10/2017", "5 years"),
                          ("University of Bergen", "Norway", "01/09/2015", "Open-ended")],
              "Terminated": [("University of Oslo", "Norway", "01/02/2016", "Perpetual"),
                             ("University of York", "United Kingdom", "01/02/2023",
                              "31/01/2028")]}
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in (header, *rows):
            ws.append(list(row))
    path = tmp_path / "status.xlsx"
    wb.save(path)
    proposal = propose(path, "status")
    by_sheet = {s["reader"]["options"]["sheet"]: s["constants"].get("status")
                for s in proposal.mapping["sections"]}
    assert by_sheet == {"Active": None, "Expired": "expired", "Terminated": "ended"}
    src = read_with(proposal, path)
    partners = {r.fields["partner"] for r in src.result.records}
    assert "Makerere University" in partners


@pytest.mark.parametrize(("label", "status"), [
    ("Terminated", "ended"), ("Expired", "expired"), ("Convenios no vigentes", "expired"),
    ("Archiv", "expired"), ("Former partners", "expired"), ("Active", None),
    ("Convenios vigentes", None), ("Europe", None), ("Formación", None)])
def test_a_sheet_name_saying_its_agreements_ended(label: str, status: str | None) -> None:
    from exchange_kg.propose import names_a_status

    assert names_a_status(label) == status


@pytest.mark.parametrize("header", ["Partenaire,Pays,Type", "Socio,País,Tipo",
                                    "Parceiro,País,Tipo"])
def test_a_first_column_headed_partner_in_french_spanish_portuguese_is_the_partner(
        tmp_path: Path, header: str) -> None:
    """'Partenaire', 'Socio', 'Parceiro' as the first header cell: no header word knew them,
    and new-mapping stopped with an error on its own proposal."""
    path = tmp_path / "partners.csv"
    path.write_text(f"{header}\nUniversité de Lomé,Togo,Convention-cadre\n"
                    "Université de Kara,Togo,Accord d'échange\n"
                    "Université de Parakou,Bénin,Convention-cadre\n", "utf-8")
    assert _columns(propose(path, "partners")) == ["partner", "country", "kind"]
