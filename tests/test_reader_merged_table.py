"""The merged-cell table reader: GSE partner lists (clean TSV and OCR) and synthetic tables."""

from __future__ import annotations

import jsonschema
import pytest

from exchange_kg.readers import REGISTRY, get
from exchange_kg.readers.merged_table import OPTIONS_SCHEMA, Slot, assign_merged, read
from exchange_kg.records import LineStatus
from reader_helpers import flag_codes, source_lines

HEADER = ["Country/Area", "Partner University/School/Institute", "Effective Since", "Quota"]
OPTIONS = {
    "columns": ["country", "partner", "start", "quota"],
    "header": HEADER,
    "merged": ["country"],
    "title_patterns": [r"^Academic Exchange Agreement\b"],
}


@pytest.fixture(scope="module")
def older():
    return read(source_lines("gse-partners.tsv"), "gse", {**OPTIONS, "ocr_passes": False})


@pytest.fixture(scope="module")
def newer():
    lines = source_lines("gse-partners-newer-ocr.txt")
    return read(lines, "gse-ocr", {**OPTIONS, "ocr_passes": True})


def record_at(result, line: int):
    return next(r for r in result.records if r.first_line == line)


def flag(record, code: str):
    return next(f for f in record.flags if f.code == code)


# ---------------------------------------------------------------------------------------------
# registry and line accounting


def test_registered_with_its_options_schema() -> None:
    reader = get("merged-cell-table")
    assert reader.read_fn is read
    assert REGISTRY["merged-cell-table"].options_schema["required"] == ["columns"]
    assert {"columns", "header", "merged", "ocr_passes", "title_patterns"} <= set(
        reader.options_schema["properties"]
    )


@pytest.mark.parametrize(
    ("name", "ocr"), [("gse-partners.tsv", False), ("gse-partners-newer-ocr.txt", True)]
)
def test_every_non_blank_line_is_accounted_for(name: str, ocr: bool) -> None:
    lines = source_lines(name)
    result = read(lines, name, {**OPTIONS, "ocr_passes": ocr})
    non_blank = {n for n, line in enumerate(lines, start=1) if line.strip()}
    assert set(result.dispositions) == non_blank
    for disposition in result.dispositions.values():
        if disposition.status is LineStatus.UNREADABLE:
            assert disposition.reason
    record_lines = {n for r in result.records for n in r.lines}
    marked = {n for n, d in result.dispositions.items() if d.status is LineStatus.RECORD}
    assert record_lines == marked


def test_older_edition_layout_lines(older) -> None:
    layout = {n: d.kind for n, d in older.dispositions.items() if d.status is LineStatus.LAYOUT}
    # the first header is truncated ("Quot") and still recognised
    assert layout == {1: "header", 35: "title", 37: "header", 71: "header", 102: "header"}
    assert len(older.records) == 104
    assert all(d.status is not LineStatus.UNREADABLE for d in older.dispositions.values())


def test_newer_edition_layout_and_unreadable_lines(newer) -> None:
    d = newer.dispositions
    assert d[1].status is LineStatus.LAYOUT and d[1].kind == "header"
    assert "OCR passes" in d[1].reason
    assert d[35].status is LineStatus.LAYOUT and d[35].kind == "separator"
    assert {n for n, x in d.items() if x.kind == "header"} == {1, 37, 72, 110}
    assert d[34].status is LineStatus.UNREADABLE
    assert "no partner name in any reading" in d[34].reason
    assert len(newer.records) == 100


def test_records_keep_raw_lines(older, newer) -> None:
    lines = source_lines("gse-partners.tsv")
    liege = record_at(older, 5)
    assert liege.raw == lines[4]
    assert liege.fields["partner"] == "University of Liege (Faculty of Applied Sciences)"
    assert liege.fields["start"] == "1996/12/04" and liege.fields["quota"] == "5"
    mohammed = record_at(newer, 68)
    assert mohammed.lines == (68, 70)
    assert mohammed.raw == "University Mohammed First\n2020/11/09 5"


# ---------------------------------------------------------------------------------------------
# merged country cells on the real lists


def test_belgium_brunei_china_stretch(older) -> None:
    assert record_at(older, 4).fields["country"] == "Belgium"
    assert flag_codes(record_at(older, 4)) == []  # its own label: no doubt
    liege = record_at(older, 5)
    assert liege.fields["country"] == "Belgium"
    assert {"country-from-merged-cell", "country-ambiguous"} & set(flag_codes(liege))
    ubd = record_at(older, 6)
    assert ubd.fields["country"] == "Brunei"
    assert "the name itself points to BN" in flag(ubd, "country-from-merged-cell").message
    for line in (9, 10, 11, 15, 17, 24):
        assert record_at(older, line).fields["country"] == "China", line


def test_caupd_is_flagged_as_ambiguous_between_brunei_and_china(older) -> None:
    # geometry alone cannot place it: whichever side wins, the doubt must be visible
    caupd = record_at(older, 8)
    ambiguous = flag(caupd, "country-ambiguous")
    assert {caupd.fields["country"], *caupd.alternatives["country"]} == {"Brunei", "China"}
    assert "could also belong" in ambiguous.message


def test_india_indonesia_and_italy_groups(older) -> None:
    for line in (38, 39, 40, 41):
        assert record_at(older, line).fields["country"] == "India"
    for line in (42, 43, 44, 45, 47, 51):
        assert record_at(older, line).fields["country"] == "Indonesia", line
    for line in (52, 53, 55, 56):
        assert record_at(older, line).fields["country"] == "Italy", line


def test_thai_group_with_a_garbled_second_label(older) -> None:
    for line in range(89, 101):
        assert record_at(older, line).fields["country"] == "Thailand", line
    garbled = record_at(older, 96)
    # the row's own label is garbage: it is read as its group's label, and the flag keeps it
    note = flag(garbled, "label-unrecognised")
    assert "adjacent label above" in note.message
    assert note.value == "mananu"
    assert "mananu" in garbled.raw


def test_usa_and_vietnam_across_the_last_page(older) -> None:
    for line in (103, 104, 105, 106):
        assert record_at(older, line).fields["country"] == "USA", line
    assert record_at(older, 108).fields["country"] == "Vietnam"  # Hanoi University of S&T
    assert record_at(older, 110).fields["country"] == "Vietnam"
    assert flag(record_at(older, 110), "label-unrecognised").value == "Vieteere"
    assert record_at(older, 113).fields["country"] == "Vietnam"


def test_morocco_group_keeps_the_cyrillic_label_text(newer) -> None:
    for line in (65, 66, 68):
        assert record_at(newer, line).fields["country"] == "Могоссо", line
    assert "country-from-merged-cell" in flag_codes(record_at(newer, 68))


def test_newer_thai_group_and_same_institution_rows(newer) -> None:
    # Chulalongkorn (Engineering) sits above the Thailand label but belongs with its sibling
    assert record_at(newer, 93).fields["country"] == "Thailand"
    assert record_at(newer, 94).fields["country"] == "Thailand"
    assert record_at(newer, 89).fields["country"] == "Taiwan"  # National Taiwan Ocean Univ.


def test_noise_in_the_country_cell_is_not_a_label(newer) -> None:
    nantes = record_at(newer, 23)
    assert nantes.fields["country"] == "France"
    assert flag(nantes, "ocr-noise").value == "_"


# ---------------------------------------------------------------------------------------------
# split cells and OCR passes on the real OCR list


def test_split_name_and_values_are_joined(newer) -> None:
    mohammed = record_at(newer, 68)
    assert mohammed.fields["partner"] == "University Mohammed First"
    assert (mohammed.fields["start"], mohammed.fields["quota"]) == ("2020/11/09", "5")
    assert "paired-by-order" not in flag_codes(mohammed)  # one name, one value line: no doubt


def test_two_split_rows_are_paired_in_order_and_flagged(newer) -> None:
    consortium, vidya = record_at(newer, 102), record_at(newer, 104)
    assert consortium.lines == (102, 106) and vidya.lines == (104, 108)
    assert consortium.fields["partner"].startswith("Thai Academic Consortium [")
    assert vidya.fields["start"] == "2013/07/18" and vidya.fields["quota"] == "ST30,LT10"
    for record in (consortium, vidya):
        paired = flag(record, "paired-by-order")
        assert paired.field == "start" and paired.value == "group:102"
        assert record.fields["country"] == "Thailand"


def test_clean_tail_defines_the_first_page_rows(newer) -> None:
    first_page = [r for r in newer.records if r.first_line < 36]
    assert [r.first_line for r in first_page] == list(range(2, 31))
    argentina = record_at(newer, 2)
    assert argentina.fields == {
        "country": "Argentina",
        "partner": "The Instituto Nacional De Tecnología Agropecuaria",
        "start": "2017/06/28",
        "quota": "×",
    }
    # the passes are kept as other readings, never as records of their own
    partners = [r.fields["partner"] for r in newer.records]
    assert not any("Onina" in p or p.startswith("South-") for p in partners)
    assert (
        "Chrinese Academy of Sciences (National Center for Nanoscience and Technology)"
        in (record_at(newer, 9).alternatives["partner"])
    )


def test_empty_partner_cells_are_recovered_from_the_passes(newer) -> None:
    scut = record_at(newer, 18)
    assert scut.fields["partner"] == (
        "South China University of Technology (School of Molecular Science and Engineering/ "
        "School of Materials Science and Engineering)"
    )
    recovered = flag(scut, "ocr-recovered")
    assert recovered.field == "partner" and not recovered.withheld
    assert scut.alternatives["partner"]
    zhengzhou = record_at(newer, 20)
    assert zhengzhou.fields["partner"] == (
        "Zhengzhou University (School of Materials Science and Engineering/School of "
        "Mechanics and Engineering Science)"
    )
    assert "ocr-recovered" in flag_codes(zhengzhou)


def test_miskolc_is_recovered_and_completed_by_its_continuation_line(newer) -> None:
    miskolc = record_at(newer, 30)
    assert miskolc.lines == (30, 32)
    assert miskolc.fields["partner"] == (
        "The University of Miskolc (Faculty of Mechanical Engineering and Informatics, "
        "Faculty of Materials Science and Engineering, Faculty of Earth Science and Engineering)"
    )
    assert miskolc.fields["country"] == "Hungary"
    assert flag(miskolc, "ocr-repaired").value == "Sichence"
    assert "ocr-recovered" in flag_codes(miskolc)
    assert newer.dispositions[32].status is LineStatus.RECORD
    assert newer.dispositions[32].kind == "continuation"


# ---------------------------------------------------------------------------------------------
# a small synthetic document end to end


SYNTHETIC = [
    "Country/Area\tPartner\tEffective Since\tQuota",
    "\tUniversity of Avalon\t2020/01/01\t5",
    "Avalonia\tAvalon Institute of Technology\t2019/02/02\t3",
    "\tAvalon State University (Faculty of",
    "Mechanical Engineering)",
    "",
    "Some Stray Title",
    "Country/Area\tPartner\tEffective Since\tQuot",
    "Borduria\tBordurian Academy\t2018/03/03\t×",
    "Lone Name University",
    "2017/04/04 4",
    "2016/05/05\t9",
    "-----\t--",
]
SYNTH_OPTIONS = {
    "columns": ["country", "partner", "start", "quota"],
    "header": ["Country/Area", "Partner", "Effective Since", "Quota"],
    "merged": ["country"],
    "title_patterns": ["^Some Stray Title$"],
}


@pytest.fixture()
def synthetic():
    return read(SYNTHETIC, "synthetic", SYNTH_OPTIONS)


def test_synthetic_document_lines(synthetic) -> None:
    d = synthetic.dispositions
    assert (d[1].kind, d[7].kind, d[8].kind, d[13].kind) == (
        "header",
        "title",
        "header",
        "separator",
    )
    assert d[5].status is LineStatus.RECORD and d[5].kind == "continuation"
    assert d[12].status is LineStatus.UNREADABLE
    assert [r.lines for r in synthetic.records] == [(2,), (3,), (4, 5), (9,), (10, 11)]


def test_synthetic_continuation_and_orphans(synthetic) -> None:
    unit = record_at(synthetic, 4)
    assert unit.fields["partner"] == "Avalon State University (Faculty of Mechanical Engineering)"
    lone = record_at(synthetic, 10)
    assert (lone.fields["partner"], lone.fields["start"], lone.fields["quota"]) == (
        "Lone Name University",
        "2017/04/04",
        "4",
    )


def test_extra_cells_without_ocr_passes_are_flagged() -> None:
    lines = [
        "Country/Area\tPartner\tEffective Since\tQuota",
        "junk\tAvalonia\tA Univ\t2020/01/01\t5",
    ]
    result = read(lines, "x", SYNTH_OPTIONS)
    assert flag(result.records[0], "extra-cells").value == "junk"


# ---------------------------------------------------------------------------------------------
# the assignment algorithm on synthetic tables (injected resolver and evidence)


LABELS = {"alpha": "AA", "beta": "BB", "gamma": "CC"}


def resolve(text: str) -> tuple[str | None, bool]:
    code = LABELS.get(text.lower())
    return code, code is not None


def evidence_of(name: str) -> tuple[str, ...]:
    return tuple(code for word, code in LABELS.items() if word in name.lower())


def slots(*rows: tuple[str, str], page: int = 1) -> list[Slot]:
    return [Slot(i + 1, label, name, page) for i, (label, name) in enumerate(rows)]


def assign(rows: list[Slot], **kwargs):
    return assign_merged(rows, resolve=resolve, evidence=evidence_of, code_name=str, **kwargs)


def test_middle_labels_split_the_rows_between_them() -> None:
    rows = slots(("", "u1"), ("Alpha", "u2"), ("", "u3"), ("", "u4"), ("Beta", "u5"), ("", "u6"))
    choices = assign(rows)
    assert [c.code for c in choices] == ["AA", "AA", "AA", "BB", "BB", "BB"]
    assert [c.own for c in choices] == [False, True, False, False, True, False]


def test_evidence_overrides_geometry() -> None:
    # geometry alone centres Alpha on rows 1-3 and Beta on rows 4-6; row 3's name names
    # Beta's country, so Beta takes it (and row 4, to stay contiguous)
    rows = slots(
        ("", "u1"), ("Alpha", "u2"), ("", "Beta Institute"), ("", "u4"), ("Beta", "u5"), ("", "u6")
    )
    plain = assign_merged(rows, resolve=resolve, evidence=lambda _: (), code_name=str)
    assert [c.code for c in plain] == ["AA", "AA", "AA", "BB", "BB", "BB"]
    informed = assign(rows)
    assert [c.code for c in informed] == ["AA", "AA", "BB", "BB", "BB", "BB"]
    assert informed[2].evidence == ("BB",) and informed[2].alternative is None


def test_a_tie_stays_with_the_label_above_and_is_flagged() -> None:
    rows = slots(("Alpha", "u1"), ("", "u2"), ("Beta", "u3"))
    choices = assign(rows)
    assert choices[1].code == "AA"
    assert choices[1].alternative == "Beta" and choices[1].gap == 0
    assert choices[1].alternative_line == 3


def test_row_heights_move_the_boundary() -> None:
    # counted in rows, the middle row centres Alpha (rows 1-3); printed four lines tall it
    # would push Alpha's label far above its group's middle, so it goes to Beta instead
    tall = "x" * 240  # four printed lines at 60 characters a line
    rows = slots(("", "u1"), ("Alpha", "u2"), ("", tall), ("Beta", "u4"), ("", "u5"), ("", "u6"))
    counted = assign(rows, wrap_width=10_000)
    measured = assign(rows, wrap_width=60)
    assert counted[2].code == "AA"
    assert measured[2].code == "BB"


def test_same_institution_rows_stay_together() -> None:
    rows = slots(
        ("Alpha", "a1"),
        ("", "a2"),
        ("", "Mahogany University (Faculty of Arts)"),
        ("", "Mahogany University (Faculty of Law)"),
        ("Beta", "b1"),
    )
    choices = assign(rows)
    assert choices[2].code == choices[3].code


def test_page_breaks_are_preferred_boundaries() -> None:
    rows = [
        Slot(1, "Alpha", "a1", 1),
        Slot(2, "", "a2", 1),
        Slot(3, "", "x3", 2),
        Slot(4, "Beta", "b4", 2),
        Slot(5, "", "b5", 2),
    ]
    with_pages = assign(rows)
    assert [c.code for c in with_pages] == ["AA", "AA", "BB", "BB", "BB"]


def test_garbled_label_next_to_a_label_joins_its_group() -> None:
    rows = slots(("", "t1"), ("Alpha", "t2"), ("Alhpa?", "t3"), ("", "t4"), ("Beta", "b"))
    choices = assign(rows)
    assert [c.code for c in choices[:4]] == ["AA"] * 4
    assert choices[2].text == "Alhpa?" and not choices[2].recognised
    assert "adjacent label above" in choices[2].note
    assert choices[3].text == "Alpha"  # inferred rows get the recognised label's text


def test_unrecognised_label_alone_is_its_own_group_resolved_by_names() -> None:
    rows = slots(
        ("Alpha", "a"), ("", "a2"), ("Zzyzx", "Gamma Foundation"), ("", "g2"), ("Beta", "b")
    )
    choices = assign(rows)
    assert choices[2].code == "CC" and choices[2].own
    assert "Gamma Foundation" not in choices[2].note and "CC" in choices[2].note
    assert choices[3].text == "CC"  # the evidenced country, since the label names none


def test_unrecognised_label_without_evidence_stays_unknown() -> None:
    rows = slots(("Alpha", "a"), ("", "a2"), ("Zzyzx", "z"), ("", "z2"), ("Beta", "b"))
    choices = assign(rows)
    assert choices[2].code is None and not choices[2].recognised
    assert "not recognised" in choices[2].note


def test_rows_before_the_first_label_and_without_any_label() -> None:
    choices = assign(slots(("", "u1"), ("", "u2"), ("Alpha", "u3")))
    assert [c.code for c in choices] == ["AA"] * 3
    assert choices[0].alternative is None  # nothing else it could belong to
    none = assign(slots(("", "u1"), ("", "u2")))
    assert [c.text for c in none] == [None, None]


def test_assignment_is_deterministic() -> None:
    rows = slots(*[("Alpha" if i == 3 else "Beta" if i == 9 else "", f"n{i}") for i in range(14)])
    assert assign(rows) == assign(rows)


def test_fractional_costs_add_up_exactly() -> None:
    # Alpha keeping u3 across the page (0.5 + break 0.3 + off-page row 0.2), Beta reaching
    # back for u2 (the same) and the page break as the boundary (0.5 + 0.5) all cost exactly
    # 1.0 line, which floating-point sums of 0.3, 0.2 and 0.7 would miss; the tie goes to
    # the boundary that leaves no row on another page than its label
    rows = [*slots(("Alpha", "u1"), ("", "u2")), Slot(3, "", "u3", 2), Slot(4, "Beta", "u4", 2)]
    choices = assign(rows, page_break_cost=0.3, top_label_cost=0.7)
    assert [c.code for c in choices] == ["AA", "AA", "BB", "BB"]
    assert (choices[1].gap, choices[2].gap) == (0.0, 0.0)


def test_a_column_the_mapping_skips_and_last_cells_written_empty() -> None:
    """A workbook's merged country cells beside a notes column the mapping does not read
    ('-'), whose cell is empty on most rows: every row is whole and nothing of the notes is
    read."""
    lines = ["Country\tInstitution\tCode\tPlaces\tNotes",
             "Germany\tFreie Universität Berlin\t0413\t2\t",
             "\tUniversität Wien\t0532\t3\tonly Master",
             "\tHumboldt-Universität zu Berlin\t0413\t1\t",
             "France\tUniversité de Lille\t0413\t2\t"]
    options = {"columns": ["country", "partner", "-", "quota", "-"],
               "header": ["Country", "Institution", "Code", "Places", "Notes"],
               "merged": ["country"]}
    jsonschema.validate(options, OPTIONS_SCHEMA)  # '-' may stand for several columns
    result = read(lines, "skip", options)
    assert [r.fields for r in result.records] == [
        {"country": "Germany", "partner": "Freie Universität Berlin", "quota": "2"},
        {"country": "Germany", "partner": "Universität Wien", "quota": "3"},
        {"country": "Germany", "partner": "Humboldt-Universität zu Berlin", "quota": "1"},
        {"country": "France", "partner": "Université de Lille", "quota": "2"}]


def test_empty_cells_before_the_table_differ_from_page_to_page() -> None:
    lines = ["\t\tCountry\tInstitution\tPlaces",
             "\t\tGermany\tFreie Universität Berlin\t2",
             "\t\t\tUniversität Wien\t3",
             "\tCountry\tInstitution\tPlaces",
             "\tFrance\tUniversité de Lille\t2",
             "\t\tSorbonne Université\t1"]
    options = {"columns": ["-", "-", "country", "partner", "quota"],
               "header": ["", "", "Country", "Institution", "Places"], "merged": ["country"]}
    result = read(lines, "margins", options)
    assert [(r.fields["country"], r.fields["partner"]) for r in result.records] == [
        ("Germany", "Freie Universität Berlin"), ("Germany", "Universität Wien"),
        ("France", "Université de Lille"), ("France", "Sorbonne Université")]
    assert result.dispositions[4].kind == "header"
