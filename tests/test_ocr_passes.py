"""OCR passes: segmenting garbled passes, aligning them to clean rows, voting per field."""

from __future__ import annotations

import re

from exchange_kg.readers.merged_table import read
from exchange_kg.readers.ocr_passes import (
    PassEntry,
    TargetRow,
    Vocabulary,
    align,
    clean_pass_text,
    consensus_name,
    consensus_value,
    name_similarity,
    norm_value,
    repair_words,
    segment_pass,
)


def entry(name: str, date: str | None = "2020/01/01", quota: str | None = "5", **kw) -> PassEntry:
    return PassEntry(
        kw.get("line", 1),
        kw.get("index", 0),
        name,
        date,
        quota,
        kw.get("cut_front", False),
        kw.get("cut_back", False),
    )


def test_clean_pass_text_drops_html_and_restores_glued_words() -> None:
    text = '<tr< td=""><td>Australia</td><td>Macquarie University</td></tr<> BelgiumUniversity'
    assert clean_pass_text(text) == "Australia Macquarie University Belgium University"


def test_segment_pass_cuts_at_dates_with_glued_quotas() -> None:
    text = (
        "AustraliaMacquarie University (Faculty of Science)2016/11/185"
        "BelgiumUniversity of Liege (Faculty of Applied Sciences)1996/12/04×"
        "Hungary The University of Miskolc (Faculty of Materials"
    )
    entries = segment_pass(text, 7)
    assert [(e.date, e.quota) for e in entries] == [
        ("2016/11/18", "5"),
        ("1996/12/04", "×"),
        (None, None),
    ]
    assert entries[0].name == "Australia Macquarie University (Faculty of Science)"
    assert entries[0].cut_front and not entries[1].cut_front
    assert entries[2].cut_back and entries[2].line == 7


def test_segment_pass_skips_leading_junk_tokens() -> None:
    entries = segment_pass("2011/01/12/15 x Argentina The Instituto 2017/06/28 ×", 2)
    assert entries[1].name == "Argentina The Instituto"


def test_norm_value_undoes_ocr_confusions() -> None:
    assert norm_value("xx") == norm_value("x") == norm_value("×") == "×"
    assert norm_value("\\$") == norm_value("$") == "5"
    assert norm_value("2O18/O3/31") == "2018/03/31"
    assert norm_value("ST10,LT5") == "ST10,LT5"  # letters of a real quota are left alone


def test_name_similarity_drops_a_leading_country_label() -> None:
    score, drop = name_similarity(
        entry("Brunel Universiti Brunei Darussalam (Faculty of Science)"),
        "Universiti Brunei Darussalam (Faculty of Science)",
    )
    assert drop == 1 and score > 95


def test_a_cut_reading_counts_only_for_the_part_it_covers() -> None:
    tail = entry("Materials Science and Engineering)", cut_front=True)
    full, _ = name_similarity(tail, "Northeastern University (School of Materials Science and X)")
    assert full < 80


def test_align_is_monotone_and_skips_phantoms() -> None:
    rows = [
        TargetRow("Hunan University (College of Chemistry)", "2016/06/12", "5"),
        TargetRow("Jiangnan University (School of Materials)", "2020/07/01", "5"),
        TargetRow("Northwest University (College of Chemistry)", "2012/01/17", "3"),
    ]
    entries = [
        entry("Huna University (College of Chemistry)", "2016/06/12", "5", index=0),
        entry("Zzzz Qqqq Phantom Institute", "1999/09/09", "1", index=1),
        entry("Northwest University (College of Chemistry)", "2012/01/17", "3", index=2),
        entry("Jiangnan University (School of Materials)", "2020/07/01", "5", index=3),
    ]
    pairs = align(entries, rows)
    assert pairs[0] == 0 and 1 not in pairs
    # entries 2 and 3 cross the rows' order: only one of them can be kept
    assert len([e for e in (2, 3) if e in pairs]) == 1
    assert list(pairs.values()) == sorted(pairs.values())


def test_empty_row_is_read_by_position_and_values() -> None:
    rows = [
        TargetRow("Shanghai University of Electric Power", "2022/12/30", "5"),
        TargetRow("", "2021/01/07", "5"),
        TargetRow("Southeast University", "2018/06/13", "5"),
    ]
    entries = [
        entry("Shanghai University of Electric Power", "2022/12/30", "5", index=0),
        entry("South China University of Technology", "2021/01/07", "5", index=1),
        entry("Southeast University", "2018/06/13", "5", index=2),
    ]
    assert align(entries, rows) == {0: 0, 1: 1, 2: 2}
    wrong_date = [entries[0], entry("Some Other Place", "2016/11/18", "5", index=1), entries[2]]
    assert align(wrong_date, rows) == {0: 0, 2: 2}


def test_consensus_prefers_complete_readings_and_counts_cut_ones_for_them() -> None:
    readings = [
        "Univ X (School A/",
        "Univ X (School A/ School B)",
        "Univ X (School A/ School B)",
        "Univ X (School A)",
        "Univ X (School A)",
        "Univ X (School A",
    ]
    result = consensus_name(readings)
    assert result.value == "Univ X (School A/ School B)"
    # two identical readings, plus both cut readings that begin it
    assert result.support == 4 and result.total == 6
    assert result.ranked[0] == result.value and "Univ X (School A/" in result.ranked


def test_consensus_majority_spelling_wins() -> None:
    readings = ["The University of Miskolc (F"] * 3 + ["The University of Miskole (F"] * 2
    assert consensus_name(readings).value == "The University of Miskolc (F"
    assert consensus_name([]).value is None


def test_consensus_value_needs_two_agreeing_valid_readings() -> None:
    def valid(value: str) -> bool:
        return re.fullmatch(r"\d{4}/\d{2}/\d{2}", value) is not None

    assert consensus_value(["2018/03/31", "2018/03/31", "2018/00/31"], valid) == "2018/03/31"
    assert consensus_value(["2018/03/31"], valid) is None
    assert consensus_value(["2018/03/31", "2018/03/31", "2019/01/01", "2019/01/01"], valid) is None


def test_vocabulary_corrects_only_unknown_words_in_a_known_context() -> None:
    vocab = Vocabulary(["School of Materials Science and Engineering"] * 3 + ["Life Sciences"])
    assert vocab.correction("Sichence", "Materials", "and") == "Science"
    assert vocab.correction("Sichence", "Unrelated", "words") is None  # no context for it
    assert vocab.correction("Science", "Materials", "and") is None  # a known word stays
    text, fixes = repair_words("Sichence and Engineering)", "Faculty of Materials", vocab)
    assert text == "Science and Engineering)" and fixes == [("Sichence", "Science")]


# ---------------------------------------------------------------------------------------------
# through the reader


OPTIONS = {
    "columns": ["country", "partner", "start", "quota"],
    "header": ["Country/Area", "Partner", "Effective Since", "Quota"],
    "merged": ["country"],
    "ocr_passes": True,
}
PASS = "Alpha Univ (Faculty A) 2018/03/31 5 Beta Institute 2019/04/04 x Gamma College 2020/05/05 3"


def test_a_malformed_clean_date_is_repaired_from_the_passes() -> None:
    lines = [
        "Country/Area\tPartner\tEffective Since\tQuota",
        f"{PASS}\tAtlantis\tAlpha Univ (Faculty A)\t2018/00/31\t5",
        f"{PASS}\t\tBeta Institute\t2019/04/04\t×",
        f"{PASS}\t\t\t2020/05/05\t3",
    ]
    result = read(lines, "synthetic", OPTIONS)
    alpha, beta, gamma = result.records
    assert alpha.fields["start"] == "2018/03/31"
    repaired = next(f for f in alpha.flags if f.code == "ocr-repaired")
    assert repaired.field == "start" and repaired.value == "2018/00/31"
    assert beta.fields["quota"] == "×" and not [f for f in beta.flags if f.field == "quota"]
    assert gamma.fields["partner"] == "Gamma College"
    assert any(f.code == "ocr-recovered" and f.field == "partner" for f in gamma.flags)
    assert len(result.records) == 3  # the passes add readings, never rows


def test_without_the_option_passes_are_not_read() -> None:
    lines = ["Country/Area\tPartner\tEffective Since\tQuota", f"{PASS}\tAtlantis\t\t2020/05/05\t3"]
    result = read(lines, "synthetic", {**OPTIONS, "ocr_passes": False})
    assert result.records == []
    assert result.dispositions[2].reason.startswith("no partner name in any reading")
