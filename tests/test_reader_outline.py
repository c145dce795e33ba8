"""The outline-list reader: region/country headings with one institution a line."""

from __future__ import annotations

import pytest

from exchange_kg.readers import REGISTRY
from exchange_kg.readers.outline import read, split_details
from exchange_kg.readers.sections import section_range
from exchange_kg.records import LineStatus, OptionError
from reader_helpers import TOHOKU, by_line, flag_codes, source_lines

OPTIONS = {
    "start_marker": r"^University Level Agreements\s*$",
    "end_marker": r"^Department Level Agreements\s*$",
    "owns_preamble": True,
    "no_country_headings": ["International Organization"],
}


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return source_lines(TOHOKU)


@pytest.fixture(scope="module")
def result(lines: list[str]):
    return read(lines, "tohoku", OPTIONS)


def test_registered_under_its_mapping_name() -> None:
    assert REGISTRY["outline-list"].read_fn is read


def test_real_list_reads_the_stated_total_of_institutions(result) -> None:
    (check,) = result.checks
    assert check.name == "university-level total"
    assert (check.expected, check.found) == (207, 207)
    assert check.passed
    assert check.lines == (7,)


def test_every_line_of_preamble_and_section_is_accounted_once(lines, result) -> None:
    start, end = section_range(lines, OPTIONS, "tohoku")
    assert (start, end) == (5, 341)
    non_blank = {n for n in range(1, end + 1) if lines[n - 1].strip()}
    assert set(result.dispositions) == non_blank
    record_lines = [n for rec in result.records for n in rec.lines]
    assert len(record_lines) == len(set(record_lines))
    assert all(result.dispositions[n].status is LineStatus.RECORD for n in record_lines)
    assert not [d for d in result.dispositions.values() if d.status is LineStatus.UNREADABLE]


def test_bulleted_entry_with_waiver_mark(result) -> None:
    rec = by_line(result, 13)
    assert rec.fields == {
        "area": "Europe",
        "country": "Austria",
        "partner": "Global Education for European Engineers and Entrepreneurs (GE4)",
        "waiver": "*",
    }
    assert rec.raw == "- * Global Education for European Engineers and Entrepreneurs (GE4)"
    assert rec.flags == []


def test_bulleted_entry_without_waiver_mark(result) -> None:
    rec = by_line(result, 128)
    assert rec.fields["partner"] == "Imperial College London"
    assert rec.fields["waiver"] == ""
    assert rec.fields["country"] == "United Kingdom"


def test_unbulleted_line_under_a_heading_is_an_institution(result) -> None:
    rec = by_line(result, 18)
    assert rec.fields["partner"] == "Belgian Nuclear Research Centre"
    assert rec.fields["country"] == "Belgium"
    assert "bare-entry" in flag_codes(rec)
    assert by_line(result, 89).fields["country"] == "Poland"


def test_heading_after_a_bare_entry_starts_a_new_country(result) -> None:
    # "Russia" follows the bare Polish entry; whether or not the country module knows the
    # name yet, the bullets below it make it a heading, not a Polish institution.
    assert result.dispositions[91].kind == "heading"
    assert by_line(result, 93).fields["country"] == "Russia"
    assert by_line(result, 153).fields["country"] == "Turkey"


def test_region_glued_to_bold_country_heading(result) -> None:
    assert result.dispositions[281].status is LineStatus.LAYOUT
    rec = by_line(result, 283)
    assert (rec.fields["area"], rec.fields["country"]) == ("Oceania", "Australia")
    assert by_line(result, 290).fields["country"] == "New Zealand"
    assert by_line(result, 294).fields["area"] == "North America"


def test_no_country_heading_gives_entries_without_country(result) -> None:
    rec = by_line(result, 334)
    assert rec.fields["partner"] == "ITER International Fusion Energy Organization"
    assert "country" not in rec.fields
    assert flag_codes(rec) == ["no-country"]


def test_page_furniture_is_layout(result) -> None:
    kinds = {n: result.dispositions[n].kind for n in (3, 5, 7, 212, 336, 340)}
    assert kinds == {
        3: "title",
        5: "title",
        7: "total",
        212: "page-break",
        336: "legend",
        340: "title",
    }


def test_lines_of_the_next_section_are_left_alone(lines, result) -> None:
    assert max(result.dispositions) == 340
    other = read(lines, "tohoku", {**OPTIONS, "owns_preamble": False})
    assert 3 not in other.dispositions
    assert len(other.records) == 207


SYNTHETIC = """\
Partner Universities

Overseas Partners
Listed: 5 partners
<Asia>
Japan
- * Kyoto University
- Osaka University

Atlantis
- Atlantis Polytechnic
[stamp 2020]
Consortia
- * Big Network
(* waiver)
Next Part
Ignored line
"""


def synthetic_options(**extra):
    return {
        "start_marker": "^Overseas Partners$",
        "end_marker": "^Next Part$",
        "owns_preamble": True,
        "no_country_headings": ["Consortia"],
        "total_pattern": r"^Listed: (?P<n>\d+) partners$",
        "as_of_pattern": r"^\[stamp \d{4}\]$",
        **extra,
    }


def test_synthetic_list_with_configured_patterns() -> None:
    lines = SYNTHETIC.split("\n")
    result = read(lines, "synthetic", synthetic_options())
    partners = [r.fields["partner"] for r in result.records]
    assert partners == [
        "Kyoto University",
        "Osaka University",
        "Atlantis Polytechnic",
        "Big Network",
    ]
    countries = [r.fields.get("country") for r in result.records]
    assert countries == ["Japan", "Japan", "Atlantis", None]
    assert result.records[0].fields["area"] == "Asia"
    assert flag_codes(result.records[2]) == ["country-unrecognised"]
    assert result.dispositions[12].kind == "page-break"
    assert result.dispositions[15].kind == "legend"
    assert 16 not in result.dispositions and 17 not in result.dispositions
    # the document states 5 but lists 4: the check fails rather than being fudged
    (check,) = result.checks
    assert (check.expected, check.found, check.passed) == (5, 4, False)


def test_default_patterns_do_not_know_a_custom_stamp() -> None:
    lines = SYNTHETIC.split("\n")
    options = synthetic_options()
    del options["as_of_pattern"]
    result = read(lines, "synthetic", options)
    # without the option the stamp is not page furniture; it is read as an entry, visibly
    rec = next(r for r in result.records if r.lines == (12,))
    assert "bare-entry" in flag_codes(rec)


def test_entry_before_any_heading_is_flagged() -> None:
    lines = ["Section", "- * Lonely Institute", "France", "- Sorbonne"]
    result = read(lines, "s", {"start_marker": "^Section$"})
    first, second = result.records
    assert "country" not in first.fields and flag_codes(first) == ["country-missing"]
    assert second.fields["country"] == "France" and second.flags == []
    assert result.checks == []


def test_missing_start_marker_is_an_error_about_the_option() -> None:
    with pytest.raises(OptionError, match="start_marker") as raised:
        read(["nothing here"], "s", {"start_marker": "^Absent$"})
    assert raised.value.option == ["start_marker"]  # the pipeline names its mapping line


def test_reading_is_deterministic(lines) -> None:
    first = read(lines, "tohoku", OPTIONS)
    second = read(lines, "tohoku", OPTIONS)
    assert first.records == second.records
    assert list(first.dispositions.items()) == list(second.dispositions.items())


def test_document_title_only_comes_from_before_the_section() -> None:
    # no preamble: the first line is the section title, and a repeated entry stays an entry
    lines = ["Partners", "France", "- Sorbonne", "- Sorbonne"]
    result = read(lines, "s", {"start_marker": "^Partners$"})
    assert [r.lines for r in result.records] == [(3,), (4,)]
    with_title = ["My List", "Partners", "France", "- Sorbonne", "My List", "- Lyon"]
    result = read(with_title, "s", {"start_marker": "^Partners$"})
    assert result.dispositions[5].kind == "title"
    assert [r.fields["partner"] for r in result.records] == ["Sorbonne", "Lyon"]


def test_numbered_entries_are_entries_and_their_numbers_are_not_names() -> None:
    # a list typed as numbered paragraphs: Word's label and a tab, or a number typed by hand
    lines = ["Partner universities", "Austria", "1.\tUniversität Wien", "2)\tTU Graz",
             "Germany", "3. Universität Heidelberg", "4) * Freie Universität Berlin",
             "10.\t2 Universities of Applied Sciences (network)"]
    result = read(lines, "s", {"start_marker": "^Partner universities$"})
    got = [(r.fields.get("country"), r.fields["partner"], r.fields["waiver"], flag_codes(r))
           for r in result.records]
    assert got == [("Austria", "Universität Wien", "", []), ("Austria", "TU Graz", "", []),
                   ("Germany", "Universität Heidelberg", "", []),
                   ("Germany", "Freie Universität Berlin", "*", []),
                   ("Germany", "2 Universities of Applied Sciences (network)", "", [])]
    assert {result.dispositions[n].kind for n in (2, 5)} == {"heading"}


def test_a_heading_naming_two_countries_gives_its_entries_neither() -> None:
    """An untuned web page's heading 'USA & Canada (2)' gave every entry under it Canada, the
    University of Illinois too, whose entry says ', USA'."""
    lines = ["Partners", "Germany (1)", "- Freie Universität Berlin", "USA & Canada (2)",
             "- University of Illinois Urbana-Champaign, USA", "- Queen's University, Canada",
             "Trinidad and Tobago (1)", "- The University of the West Indies"]
    result = read(lines, "s", {"start_marker": "^Partners$"})
    assert [r.fields.get("country") for r in result.records] == [
        "Germany", None, None, "Trinidad and Tobago"]
    assert [f.code for f in result.records[1].flags] == ["no-country"]


def test_a_numbered_country_is_a_heading_not_an_entry() -> None:
    lines = ["Partners", "1.\tFrance", "• Sorbonne Université", "2. Japan", "• Kyoto University"]
    result = read(lines, "s", {"start_marker": "^Partners$"})
    assert [(r.fields.get("country"), r.fields["partner"]) for r in result.records] == [
        ("France", "Sorbonne Université"), ("Japan", "Kyoto University")]


def test_a_heading_over_a_country_heading_is_a_region_in_any_language() -> None:
    lines = ["Partneruniversiteiten", "Zwitserland", "• Universität Basel",
             "Noord-Amerika", "Canada", "• McGill University",
             "Azië", "Japan", "• Waseda University"]
    result = read(lines, "s", {"start_marker": "^Partneruniversiteiten$"})
    assert [(r.fields.get("area"), r.fields.get("country"), r.fields["partner"])
            for r in result.records] == [
        (None, "Zwitserland", "Universität Basel"),
        ("Noord-Amerika", "Canada", "McGill University"), ("Azië", "Japan", "Waseda University")]
    assert result.dispositions[4].kind == "heading"


def test_an_institution_whose_bullet_was_lost_before_a_country_stays_an_institution() -> None:
    lines = ["Partners", "Germany", "- Universität Hamburg", "Technische Universität Berlin",
             "France", "- Sorbonne Université"]
    result = read(lines, "s", {"start_marker": "^Partners$"})
    assert [r.fields["partner"] for r in result.records] == [
        "Universität Hamburg", "Technische Universität Berlin", "Sorbonne Université"]


def test_details_after_a_dash_go_to_the_fields_the_mapping_names() -> None:
    lines = ["Partners", "Germany", "• Universität zu Köln – Erasmus+, 2 places",
             "France", "• Grenoble INP – UGA", "• Université de Lille"]
    result = read(lines, "s", {"start_marker": "^Partners$", "details": ["kind", "quota"]})
    got = [({k: v for k, v in r.fields.items() if k in ("partner", "kind", "quota")},
            flag_codes(r)) for r in result.records]
    assert got == [
        ({"partner": "Universität zu Köln", "kind": "Erasmus+", "quota": "2 places"}, []),
        # one detail where the mapping names two: a dash in the name, kept and said so
        ({"partner": "Grenoble INP – UGA"}, ["details-not-split"]),
        ({"partner": "Université de Lille"}, [])]
    assert REGISTRY["outline-list"].provides({"start_marker": "x", "details": ["kind", "-"]}
                                             ) >= {"kind", "partner"}


def test_details_of_another_number_are_read_by_what_they_hold() -> None:
    lines = ["Parteneri", "Republica Moldova", "• Universitatea de Stat din Moldova – acord de "
             "cooperare", "Japonia", "• Tokyo University of Foreign Studies – 2 locuri",
             "Franța", "• Grenoble INP – UGA", "• Université de Lyon – Faculté de Droit, 2 places"]
    result = read(lines, "s", {"start_marker": "^Parteneri$", "details": ["kind", "quota"]})
    got = [({k: v for k, v in r.fields.items() if k in ("partner", "kind", "quota")},
            flag_codes(r)) for r in result.records]
    assert got == [
        ({"partner": "Universitatea de Stat din Moldova", "kind": "acord de cooperare"}, []),
        ({"partner": "Tokyo University of Foreign Studies", "quota": "2 locuri"}, []),
        ({"partner": "Grenoble INP – UGA"}, ["details-not-split"]),
        # a unit after the dash: no list of details, whatever else follows
        ({"partner": "Université de Lyon – Faculté de Droit, 2 places"}, ["details-not-split"])]


def test_details_no_mapping_names_are_cut_from_the_name_and_reported() -> None:
    lines = ["Partners", "Germany", "• Universität Leipzig – Erasmus+, 2 locuri",
             "• Universität Basel – SEMP-Vertrag, 2 Plätze", "• Grenoble INP – UGA"]
    result = read(lines, "s", {"start_marker": "^Partners$"})
    assert [(r.fields["partner"], [(f.code, f.value) for f in r.flags])
            for r in result.records] == [
        ("Universität Leipzig", [("details-unread", "Erasmus+, 2 locuri")]),
        # one detail the vocabulary reads is evidence enough that the tail is no name
        ("Universität Basel", [("details-unread", "SEMP-Vertrag, 2 Plätze")]),
        ("Grenoble INP – UGA", [])]
    assert "kind" not in result.records[0].fields


SCHOOLS = ["Partners by school", "School of Law", "• Universität Hamburg (Germany)",
           "• Kyoto University (Japan)", "School of Languages", "• Universität Hamburg (Germany)",
           "Contact: international@example.ie"]


def test_a_heading_naming_a_unit_gives_its_entries_that_home_unit() -> None:
    result = read(SCHOOLS, "s", {"start_marker": "^Partners by school$", "unit_headings": True})
    assert [(r.fields["partner"], r.fields.get("home_unit"), r.fields.get("country"))
            for r in result.records] == [
        ("Universität Hamburg (Germany)", "School of Law", None),
        ("Kyoto University (Japan)", "School of Law", None),
        ("Universität Hamburg (Germany)", "School of Languages", None)]
    assert REGISTRY["outline-list"].provides({"start_marker": "x", "unit_headings": True}) >= {
        "home_unit"}
    # without the option the heading is still no country, and its unit is left out
    plain = read(SCHOOLS, "s", {"start_marker": "^Partners by school$"})
    assert [r.fields.get("country") for r in plain.records] == [None] * 3
    assert all("home_unit" not in r.fields for r in plain.records)
    assert plain.dispositions[2].kind == "heading"


def test_a_note_among_the_entries_is_reported_not_an_institution() -> None:
    result = read(SCHOOLS, "s", {"start_marker": "^Partners by school$"})
    assert result.dispositions[7].status is LineStatus.UNREADABLE
    assert "Contact" not in {r.fields["partner"][:7] for r in result.records}


def test_new_mapping_proposes_unit_headings_where_a_unit_heads_entries(tmp_path) -> None:  # noqa: ANN001
    from exchange_kg.propose import propose

    doc = tmp_path / "schools.txt"
    doc.write_text("\n".join([*SCHOOLS[:-1], "• Université de Lille (France)"]) + "\n", "utf-8")
    section = propose(doc, "schools").mapping["sections"][0]
    assert section["reader"]["options"].get("unit_headings") is True
    assert section["fields"]["home_unit"] == "text"


def test_details_after_spaced_middle_dots_are_split_from_the_name() -> None:
    # a web page writes "Name · 2 places · 2021-2027"; a Catalan name's "l·l" is no separator
    assert split_details("Universität zu Köln · 2 plazas · 2021-2027") == (
        "Universität zu Köln", ["2 plazas", "2021-2027"])
    assert split_details("Universitat Politècnica de Catalunya · Col·legi") == (
        "Universitat Politècnica de Catalunya", ["Col·legi"])
    assert split_details("Col·legi Oficial de Metges") is None


@pytest.mark.parametrize(("entry", "name", "details"), [
    ("University of Bath: MoU, valid until 31/12/2026", "University of Bath",
     ["MoU", "valid until 31/12/2026"]),
    ("Kyoto University, Japan – Student Exchange – valid until 31/03/2027",
     "Kyoto University, Japan", ["Student Exchange", "valid until 31/03/2027"]),
    ("Freie Universität Berlin – Erasmus+, 2 places", "Freie Universität Berlin",
     ["Erasmus+", "2 places"]),
    ("Note: see below – 2026", "Note: see below", ["2026"]),  # no institution before the colon
])
def test_details_start_after_a_colon_or_the_first_dash_after_a_whole_name(
        entry: str, name: str, details: list[str]) -> None:
    """Untuned e-mail and plain-text lists ('University of Bath: MoU, valid until
    31/12/2026', 'Kyoto University, Japan – Student Exchange – valid until ...') published the
    whole entry, or its first detail, as the institution's name."""
    from exchange_kg.readers.outline import split_details

    assert split_details(entry) == (name, details)
