"""The human in the loop: review file out, curator's decisions in, and they survive a rebuild."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exchange_kg.link import (
    CurationError,
    InstitutionQuery,
    MatchResult,
    RorIndex,
    apply_curation,
    build_index,
    load_curation,
    match_all,
    read_review,
    review_csv,
    write_review,
)
from exchange_kg.link.curation import COLUMNS
from exchange_kg.link.ror_dump import parse_record
from exchange_kg.link.summary import format_summary, summarise
from exchange_kg.link.synthetic import qid, ror_id, v1_record, v2_record

ROOT = Path(__file__).resolve().parents[1]

RECORDS = [
    v2_record(201, "Concordia College", "US", city="Moorhead", wikidata=qid(201)),
    v2_record(202, "Concordia College", "US", city="Bronxville", wikidata=qid(202)),
    v2_record(203, "École Pour l'Exemple Avancée", "FR", acronyms=["EXPA"], wikidata=qid(203)),
    v1_record(204, "Northeastern University", "US", wikidata=[qid(204)]),
    v2_record(205, "Institute Nobody Would Guess", "NL", wikidata=qid(205)),
    v2_record(206, "Predecessor College", "NL", status="withdrawn",
              relationships=[("successor", 207, "Successor University")]),
    v2_record(207, "Successor University", "NL", wikidata=qid(207)),
]


def queries() -> list[InstitutionQuery]:
    return [
        InstitutionQuery(("Concordia College",), "US", source_rows=("list-a:10", "list-b:4")),
        InstitutionQuery(("EXPA",), "FR", source_rows=("list-a:11",)),
        InstitutionQuery(("Northeastern University",), "US", source_rows=("list-b:7",)),
        InstitutionQuery(("Our Own Spelling Institute", "OOSI"), "NL",
                         source_rows=("list-b:9",)),
        InstitutionQuery(("Not In Any Registry",), "NL", source_rows=("list-a:12",)),
    ]


def build() -> tuple[RorIndex, list[MatchResult]]:
    index = build_index(parse_record(r) for r in RECORDS)
    return index, match_all(index, queries())


def test_round_trip_review_then_curate_then_rebuild(tmp_path: Path) -> None:
    index, results = build()
    assert [r.decision for r in results] == ["ambiguous", "ambiguous", "linked", "no-match",
                                             "no-match"]

    # 1. the build writes the review file: what was not linked, with candidates and scores
    review = tmp_path / "ror-review.csv"
    assert write_review(review, results) == 4
    rows = {row["our_label"]: row for row in read_review(review)}
    assert set(rows) == {"Concordia College", "EXPA", "Our Own Spelling Institute",
                         "Not In Any Registry"}
    concordia = rows["Concordia College"]
    assert concordia["source_rows"] == "list-a:10 list-b:4"
    assert {concordia["candidate1_ror_id"], concordia["candidate2_ror_id"]} == {
        ror_id(201), ror_id(202)}
    assert float(concordia["candidate1_score"]) == 1.0
    assert rows["EXPA"]["candidate1_method"] == "acronym"

    # 2. a curator decides, copying labels and IDs from the review file
    bronxville = next(concordia[f"candidate{n}_ror_id"] for n in (1, 2)
                      if concordia[f"candidate{n}_city"] == "Bronxville")
    curation_file = tmp_path / "ror-curation.tsv"
    curation_file.write_text(
        "# decisions of the review of 2026-01-05\n"
        + "\t".join(COLUMNS) + "\n"
        + f"Concordia College\tUS\taccept\t{bronxville}\tthe list names Bronxville\tA. Curator"
          "\t2026-01-05\n"
        + f"expa\tFR\taccept\t{rows['EXPA']['candidate1_ror_id']}\t\t\t\n"
        + "Northeastern University\tUS\treject\t\tthe partner is a namesake\tA. Curator\t\n"
        + f"OOSI\tNL\tchoose\t{ror_id(206).rsplit('/', 1)[1]}\tfound by hand\t\t\n",
        encoding="utf-8")

    # 3. every build applies the file
    for _rebuild in range(2):
        index, fresh = build()
        curated = apply_curation(fresh, load_curation(curation_file), index)
        by_label = {r.query.label: r for r in curated}
        accepted = by_label["Concordia College"]
        assert (accepted.decision, accepted.chosen.ror_id) == ("curated-accept", ror_id(202))
        assert accepted.chosen.wikidata == qid(202)
        assert "A. Curator" in accepted.curation_note and "2026-01-05" in accepted.curation_note
        assert by_label["EXPA"].chosen.ror_id == ror_id(203)
        rejected = by_label["Northeastern University"]
        assert (rejected.decision, rejected.chosen) == ("curated-reject", None)
        chosen = by_label["Our Own Spelling Institute"]  # matched through its alternative label
        assert chosen.decision == "curated-choose"
        # the chosen ID was withdrawn: its successor is linked, as for any match
        assert chosen.chosen.ror_id == ror_id(207)
        assert chosen.chosen.followed_successor_from == ror_id(206)
        assert chosen.chosen.wikidata == qid(207)
        untouched = by_label["Not In Any Registry"]
        assert untouched.decision == "no-match"
        assert fresh[0].decision == "ambiguous"  # apply_curation returns new results

    # 4. the next review file lists only what is still open (and the rejection, for the record)
    rows_after = {row["our_label"]: row["decision"] for row in
                  read_review_bytes(review_csv(curated), tmp_path)}
    assert rows_after == {"Not In Any Registry": "no-match",
                          "Northeastern University": "curated-reject"}
    summary = summarise(curated)
    assert (summary["linked"], summary["no-match"]) == (3, 2)
    assert summary["per_source"]["list-b"]["linked"] == 2
    assert "list-a" in format_summary(summary)


def read_review_bytes(data: bytes, tmp_path: Path) -> list[dict[str, str]]:
    path = tmp_path / "again.csv"
    path.write_bytes(data)
    return read_review(path)


def test_curation_without_an_index_links_the_bare_id(tmp_path: Path) -> None:
    _index, results = build()
    path = tmp_path / "c.tsv"
    path.write_text("\t".join(COLUMNS) + "\n"
                    + f"Not In Any Registry\tNL\tchoose\t{ror_id(299)}\t\t\t\n", encoding="utf-8")
    curated = apply_curation(results, load_curation(path))
    res = next(r for r in curated if r.query.label == "Not In Any Registry")
    assert (res.decision, res.chosen.ror_id, res.chosen.method) == (
        "curated-choose", ror_id(299), "curated")


def test_reject_with_an_id_only_removes_that_candidate(tmp_path: Path) -> None:
    _index, results = build()
    path = tmp_path / "c.tsv"
    path.write_text("\t".join(COLUMNS) + "\n"
                    + f"Concordia College\tUS\treject\t{ror_id(201)}\t\t\t\n", encoding="utf-8")
    res = apply_curation(results, load_curation(path))[0]
    assert res.decision == "ambiguous"
    assert [c.ror_id for c in res.candidates] == [ror_id(202)]


def test_review_file_is_deterministic() -> None:
    _index, first = build()
    _index, second = build()
    assert review_csv(first) == review_csv(second)
    assert review_csv(list(reversed(first))) == review_csv(first)


def test_curation_file_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(
        "# comment\n"
        + "\t".join(COLUMNS) + "\n"
        + "A University\tus\tmaybe\t\t\t\t\n"  # line 3: decision
        + "B University\tUSA\taccept\t\t\t\t\n"  # line 4: country, missing ror_id
        + "C University\tFR\tchoose\thttps://ror.org/123\t\t\t\n"  # line 5: bad ID
        + "D University\tFR\treject\t\t\t\t5 May 2026\n"  # line 6: date
        + "D University\tFR\treject\t\t\t\t\n"  # line 7: duplicate of line 6? (6 failed)
        + "d university\tFR\treject\t\t\t\t\n"  # line 8: duplicate of line 7
        + "E\tFR\treject\t\t\t\t\textra\n",  # line 9: too many cells
        encoding="utf-8")
    with pytest.raises(CurationError) as err:
        load_curation(path)
    messages = err.value.errors
    lines = [int(re.search(r"bad\.tsv:(\d+):", m).group(1)) for m in messages]
    assert lines == [3, 4, 4, 5, 6, 8, 9]
    assert "not one of accept, choose, reject" in messages[0]
    assert "needs a ror_id" in " ".join(messages)
    assert "already decided at" in messages[5] and ":7" in messages[5]


def test_unknown_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("our_label\tcountry\tdecison\tror_id\n", encoding="utf-8")
    with pytest.raises(CurationError, match=r"bad.tsv:1: unknown column\(s\) decison"):
        load_curation(path)


def test_missing_file_is_an_empty_curation(tmp_path: Path) -> None:
    assert load_curation(tmp_path / "none.tsv").rows == ()


def test_bundled_curation_file_is_valid_and_holds_no_identifiers() -> None:
    path = ROOT / "mappings" / "ror-curation.tsv"
    curation = load_curation(path)
    assert curation.rows == ()
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\b0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}\b", text)
    assert not re.search(r"\bQ[0-9]+\b", text)
    assert "\t".join(COLUMNS) in text


def test_unused_rows_are_reported(tmp_path: Path) -> None:
    _index, results = build()
    path = tmp_path / "c.tsv"
    path.write_text("\t".join(COLUMNS) + "\n"
                    + "Gone From The Sources\tNL\treject\t\t\t\t\n"
                    + "EXPA\tFR\treject\t\t\t\t\n", encoding="utf-8")
    curation = load_curation(path)
    assert [r.our_label for r in curation.unused(results)] == ["Gone From The Sources"]


def test_build_names_stale_rows_even_when_quiet(tmp_path: Path) -> None:
    """A decision that names nobody any more (a source edited, a label respelt) is lost
    silently unless the build says so: it does, also under ``--quiet``."""
    from click.testing import CliRunner

    from exchange_kg.cli import main
    from tiny_project import write_project

    root = write_project(tmp_path, "Country\tPartner\nFrance\tÉcole Pour l'Exemple\n"
                         "France\tInstitut de l'Exemple\n", """source: tiny-list
list: tiny-list
sections:
  - name: partners
    reader:
      name: simple-table
      options: {columns: [country, partner], header: [Country, Partner], min_cells: 2}
    fields: {country: country, partner: {normalise: partner, notation: auto}}
    constants: {}
""")
    (root / "mappings" / "ror-curation.tsv").write_text(
        "\t".join(COLUMNS) + "\n"
        + "École Pour l'Exemple\tFR\tsame\t\t\t\t\tInstitut de l'Exemple\n"
        + "École Pour l'Exemple\tFR\tdifferent\t\t\t\t\tÉcole Disparue\n", encoding="utf-8")
    result = CliRunner(env={"EXCHANGE_KG_ROR_DUMP": None}).invoke(main, [
        "build", "--sources", str(root / "sources"), "--mappings", str(root / "mappings"),
        "--shapes", str(ROOT / "shapes"), "--ontology", str(ROOT / "ontology" / "exchange-kg.ttl"),
        "-o", str(tmp_path / "dist"), "--no-validate", "-q"])
    assert result.exit_code == 0, result.output
    stale = [line for line in result.output.splitlines() if "(stale?)" in line]
    assert len(stale) == 1, result.output
    assert "ror-curation.tsv:3: different" in stale[0] and "École Disparue" in stale[0]
