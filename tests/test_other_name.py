"""A partner named twice on its row, in two scripts ("北京大学" | "Peking University"): the
second column is another name of the same institution (an alternative label, and a name the
institution is found by), never a second party and never lost."""

from __future__ import annotations

from pathlib import Path

from exchange_kg import pipeline
from exchange_kg.propose import propose, read_with

ROWS = [("中国", "北京大学", "Peking University", "2"),
        ("日本", "东京大学", "The University of Tokyo", "3"),
        ("韩国", "首尔大学", "Seoul National University", "2")]


def _list(path: Path, header: tuple[str, ...], rows) -> Path:  # noqa: ANN001
    path.write_text("\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_second_partner_column_in_another_script_is_the_partners_other_name(
        tmp_path: Path) -> None:
    header = ("国家", "合作院校（中文）", "合作院校（英文）", "名额")
    doc = _list(tmp_path / "list.csv", header, ROWS)
    proposal = propose(doc, "zh-list")
    section = proposal.mapping["sections"][0]
    assert section["reader"]["options"]["columns"] == ["country", "partner", "other_name", "quota"]
    assert section["fields"]["other_name"] == "text"
    assert "other_name" in proposal.yaml().split("columns:")[1].splitlines()[0]  # a CHECK
    read = read_with(proposal, doc)
    names = [[(p.name, p.alt_names) for p in a.parties]
             for a in pipeline.source_agreements(read)]
    assert names == [[("北京大学", ("Peking University",))],
                     [("东京大学", ("The University of Tokyo",))],
                     [("首尔大学", ("Seoul National University",))]]


def test_a_second_partner_column_in_the_same_script_is_left_for_the_user(
        tmp_path: Path) -> None:
    rows = [("Chile", "Universidad de Chile", "Universidad de Santiago de Chile", "2"),
            ("Peru", "Universidad de Lima", "Universidad del Pacífico", "1"),
            ("Spain", "Universidad de Granada", "Universidad de Sevilla", "3")]
    doc = _list(tmp_path / "list.csv", ("País", "Universidad", "Universidad", "Plazas"), rows)
    columns = propose(doc, "es-list").mapping["sections"][0]["reader"]["options"]["columns"]
    assert columns == ["country", "partner", "-", "quota"]  # a second party, or a translation?


def _project(root: Path, lists: dict[str, tuple[tuple[str, ...], list, list[str]]]) -> Path:
    (root / "sources").mkdir(parents=True)
    (root / "mappings").mkdir()
    manifest = ["documents:"]
    for doc_id, (header, rows, columns) in lists.items():
        _list(root / "sources" / f"{doc_id}.csv", header, rows)
        manifest += [f"  - id: {doc_id}", f"    file: {doc_id}.csv", f"    title: {doc_id}",
                     f"    label: {doc_id}", "    language: en", "    as_of: null",
                     f"    original_file_name: {doc_id}.csv",
                     f"    publisher: {{known_as: the publisher of {doc_id}, key: {doc_id}-pub}}"]
        fields = "".join(f"      {c}: {rule}\n" for c, rule in (
            ("country", "country"), ("partner", "partner"), ("other_name", "text"),
            ("quota", "quota")) if c in columns)
        (root / "mappings" / f"{doc_id}.yaml").write_text(
            f"source: {doc_id}\nlist: {doc_id}\nsections:\n  - name: partners\n    reader:\n"
            f"      name: simple-table\n      options:\n        delimiter: ';'\n"
            f"        columns: [{', '.join(columns)}]\n        header: [{', '.join(header)}]\n"
            f"    fields:\n{fields}    constants:\n      level: university\n", "utf-8")
    (root / "sources" / "manifest.yaml").write_text("\n".join(manifest) + "\n", "utf-8")
    return root


def test_the_other_name_finds_the_institution_another_list_names_in_english(
        tmp_path: Path) -> None:
    project = _project(tmp_path, {
        "zh-list": (("Country", "Chinese", "English", "Places"), ROWS,
                    ["country", "partner", "other_name", "quota"]),
        "en-list": (("Country", "Partner", "Places"), [("China", "Peking University", "4")],
                    ["country", "partner", "quota"])})
    result = pipeline.build(project / "sources", project / "mappings")
    lines = [line for line in result.graph.lines() if line.startswith(
        "<https://w3id.org/exchange-kg/institution/") and ("Label> \"Peking University\"" in line
                                                      or "Label> \"北京大学\"" in line)]
    assert len({line.split()[0] for line in lines}) == 1, lines  # one institution, two names
    assert sorted(line.split()[1].rsplit("#", 1)[1].rstrip(">") for line in lines) == [
        "altLabel", "prefLabel"], lines
    assert sum(1 for line in result.graph.lines() if "#partnerInstitution>" in line
               and line.split()[2] == lines[0].split()[0]) == 2  # both lists' agreements name it


def test_a_row_named_only_in_the_other_name_column_is_that_partners_agreement(
        tmp_path: Path) -> None:
    # an empty original-name cell beside an English name: the row was dropped unsaid
    rows = [*ROWS, ("日本", "京都大学", "Kyoto University", "2"),
            ("德国", "海德堡大学", "Heidelberg University", "1"),
            ("格鲁吉亚", "", "Ilia State University", "1"), ("日本", "", "", "2")]
    header = ("国家", "合作院校（中文）", "合作院校（英文）", "名额")
    doc = _list(tmp_path / "list.csv", header, rows)
    proposal = propose(doc, "zh-list")
    read = read_with(proposal, doc)
    names = [[(p.name, p.alt_names) for p in a.parties]
             for a in pipeline.source_agreements(read)]
    assert names[5:] == [[("Ilia State University", ())]]
    codes = {(r.first_line, f.code) for r in read.result.records for f in r.flags}
    assert (7, "partner-from-other-name") in codes
    assert (8, "empty") in codes  # a row naming no one is flagged, not dropped unsaid


def test_a_row_identified_only_by_its_erasmus_code_says_so(tmp_path: Path) -> None:
    """'D  MUNCHEN02' beside an empty name cell: the report said only that the partner cell
    was empty; it now names the code, so the reader knows which partner to name."""
    from exchange_kg.agreements import build_agreements
    from exchange_kg.mapping_spec import load_mapping
    from exchange_kg.records import RawRecord

    path = tmp_path / "codes.yaml"
    path.write_text("source: s\nlist: s\nsections:\n  - name: rows\n    reader:\n"
                    "      name: simple-table\n      options:\n"
                    "        columns: [erasmus_code, partner, quota]\n"
                    "    fields:\n      erasmus_code: erasmus-code\n      partner: partner\n"
                    "      quota: quota\n    constants: {}\n", "utf-8")
    record = RawRecord("s", (3,), "", {"erasmus_code": "D  MUNCHEN02", "quota": "2"})
    assert build_agreements(record, load_mapping(path).sections[0], "s", "p") == []
    (empty,) = [f for f in record.flags if f.code == "empty"]
    assert "'D  MUNCHEN02'" in empty.message and empty.withheld
