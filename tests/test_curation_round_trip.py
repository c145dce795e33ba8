"""A curator's round trip on the bundled sources: merge, split, accept, and what it moves.

Every decision changes the resources it names and nothing else: the IRIs of untouched
institutions stay, a merged resource keeps the IRI of its linked (else larger) side and the
other IRI is recorded as replaced, and a curated link says so everywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_kg.link import build_index
from exchange_kg.link.curation import HEADER, CurationError
from exchange_kg.link.ror_dump import parse_record
from exchange_kg.link.runner import links_csv
from exchange_kg.link.synthetic import qid, ror_id, v2_record
from exchange_kg.pipeline import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
XKG = "https://w3id.org/exchange-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
REPLACED = "<http://purl.org/dc/terms/isReplacedBy>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

ALBI = ror_id(701)
WAGENINGEN = ror_id(704)


@pytest.fixture(scope="module")
def index():  # type: ignore[no-untyped-def]
    return build_index(parse_record(r) for r in [
        v2_record(701, "École des Mines d'Albi-Carmaux", "FR", wikidata=qid(701)),
        v2_record(702, "Tsinghua University", "CN", wikidata=qid(702)),
        v2_record(703, "Albi Research Foundation", "FR"),
        # a candidate the matcher proposes for "Wageningen University" but does not choose
        v2_record(704, "Wageningen University & Research", "NL", wikidata=qid(704)),
    ])


def run(tmp_path: Path, index, rows: str = "") -> BuildResult:  # type: ignore[no-untyped-def]
    curation = tmp_path / "ror-curation.tsv"
    curation.write_text(HEADER + rows, encoding="utf-8")
    return build(ROOT / "sources", ROOT / "mappings", ror_index=index, curation_path=curation)


def row(label: str, country: str, decision: str, ror: str = "", other: str = "",
        note: str = "") -> str:
    return "\t".join((label, country, decision, ror, note, "a curator", "2026-05-01",
                      other)) + "\n"


def institutions(result: BuildResult) -> dict[str, set[str]]:
    """Institution IRI -> its labels."""
    out: dict[str, set[str]] = {}
    for s, p, o in result.graph:
        if p == TYPE and o == f"<{XKG}Institution>":
            out.setdefault(s, set())
    for s, p, o in result.graph:
        if s in out and p in (f"<{SKOS}prefLabel>", f"<{SKOS}altLabel>"):
            out[s].add(o.split('"')[1])
    return out


def iri_of(insts: dict[str, set[str]], label: str) -> str:
    found = [i for i, labels in insts.items() if label in labels]
    assert len(found) == 1, (label, found)
    return found[0]


@pytest.fixture(scope="module")
def before(index, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:  # type: ignore[no-untyped-def]
    return run(tmp_path_factory.mktemp("before"), index)


def test_same_merges_two_resources_and_nothing_else(index, before: BuildResult,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    a, b = "Hochschule Furtwangen University", \
        "Hochschule Furtwangen University Villingen-Schwenningen"
    old = institutions(before)
    assert iri_of(old, a) != iri_of(old, b)
    after = run(tmp_path, index, row(a, "DE", "same", other=b, note="a campus of HFU"))
    new = institutions(after)
    assert iri_of(new, a) == iri_of(new, b)
    survivor = iri_of(new, a)
    gone = ({iri_of(old, a), iri_of(old, b)} - {survivor}).pop()
    assert survivor in (iri_of(old, a), iri_of(old, b))
    assert (gone, REPLACED, survivor) in set(after.graph)
    # every other institution keeps its IRI
    assert set(old) - {gone} == set(new)
    assert not after.stale_curation


def test_different_splits_a_resource_the_other_iris_stay(index, before: BuildResult,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    a, b = "Tsinghua University", "Tsinghua University, Beijing"
    old = institutions(before)
    assert iri_of(old, a) == iri_of(old, b)
    after = run(tmp_path, index, row(a, "CN", "different", other=b))
    new = institutions(after)
    assert iri_of(new, a) != iri_of(new, b)
    # one side keeps the IRI (and the ROR link); the rest of the graph is untouched
    assert iri_of(old, a) in (iri_of(new, a), iri_of(new, b))
    assert set(old) <= set(new) and len(new) == len(old) + 1


def test_choose_links_without_moving_any_iri(index, before: BuildResult,  # type: ignore[no-untyped-def]
                                             tmp_path: Path) -> None:
    label = "Albi Research Foundation"
    old = institutions(before)
    # not in the sources: a stale row, listed, not an error
    after = run(tmp_path, index, row("Institut National Polytechnique de Toulouse", "FR",
                                     "choose", ror_id(703), note="checked on the web site")
                + row(label, "FR", "reject"))
    assert set(institutions(after)) == set(old)
    inst = iri_of(institutions(after), "Institut National Polytechnique de Toulouse")
    triples = set(after.graph)
    assert (inst, f"<{XKG}rorId>", f'"{ror_id(703).rsplit("/", 1)[1]}"') in triples
    link = f"<{inst[1:-1]}/link/ror>"
    assert (link, f"<{XKG}matchMethod>", '"curated"') in triples
    assert any(s == link and p == f"<{SKOS}editorialNote>" and "checked on the web site" in o
               for s, p, o in triples)
    assert [r.our_label for r in after.stale_curation] == [label]
    assert after.links is not None
    csv = links_csv(after.links).decode()
    line = next(x for x in csv.splitlines() if x.startswith("Institut National Polytechnique"))
    assert ",curated," in line and "checked on the web site" in line


def test_reject_unlinks_without_splitting_or_moving_anything(  # type: ignore[no-untyped-def]
        index, before: BuildResult, tmp_path: Path) -> None:
    a, b = "Tsinghua University", "Tsinghua University, Beijing"
    old = institutions(before)
    assert iri_of(old, a) == iri_of(old, b)  # one resource, two spellings, linked
    inst = iri_of(old, a)
    ror = f'"{ror_id(702).rsplit("/", 1)[1]}"'
    assert (inst, f"<{XKG}rorId>", ror) in set(before.graph)
    after = run(tmp_path, index, row(b, "CN", "reject", note="not that record"))
    new = institutions(after)
    # the link goes; the resource, its spellings and every IRI stay
    assert set(new) == set(old) and new[inst] == old[inst]
    assert not any(p == f"<{XKG}rorId>" and o == ror for _, p, o in after.graph)
    assert not after.stale_curation


def test_a_link_that_two_resources_would_share_merges_them(index, before: BuildResult,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    linked, other = "École des Mines d'Albi-Carmaux", "Albi-Carmaux School of Engineering"
    old = institutions(before)
    assert iri_of(old, linked) != iri_of(old, other)
    after = run(tmp_path, index, row(other, "FR", "choose", ALBI))
    new = institutions(after)
    assert iri_of(new, linked) == iri_of(new, other)
    ids = [o for s, p, o in after.graph if p == f"<{XKG}rorId>"
           and o == f'"{ALBI.rsplit("/", 1)[1]}"']
    assert len(ids) == 1  # one resource carries the ID
    # the other side's IRI is replaced by the survivor's; every other institution keeps its IRI
    survivor = iri_of(new, linked)
    gone = ({iri_of(old, linked), iri_of(old, other)} - {survivor}).pop()
    assert (gone, REPLACED, survivor) in set(after.graph)
    assert set(old) - {gone} == set(new)


def test_accept_from_the_review_file_links_without_moving_any_iri(  # type: ignore[no-untyped-def]
        index, before: BuildResult, tmp_path: Path) -> None:
    label = "Wageningen University"
    assert before.links is not None
    # the build proposes the candidate for review but does not link it...
    proposed = next(r for r in before.links.results if r.query.label == label)
    assert proposed.chosen is None
    assert WAGENINGEN in [c.ror_id for c in proposed.candidates]
    # ...a curator accepts it, as the review file shows it
    after = run(tmp_path, index, row(label, "NL", "accept", WAGENINGEN,
                                     note="the university of Wageningen UR"))
    old, new = institutions(before), institutions(after)
    assert set(new) == set(old)
    inst = iri_of(new, label)
    triples = set(after.graph)
    assert (inst, f"<{XKG}rorId>", f'"{WAGENINGEN.rsplit("/", 1)[1]}"') in triples
    assert (inst, f"<{XKG}wikidataId>", f'"{qid(704)}"') in triples
    link = f"<{inst[1:-1]}/link/ror>"
    assert (link, f"<{XKG}matchMethod>", '"curated"') in triples
    assert not any(p == REPLACED for _, p, _ in triples - set(before.graph))
    assert not after.stale_curation
    assert after.links is not None
    accepted = next(r for r in after.links.results if r.query.label == label)
    assert accepted.decision == "curated-accept"
    assert "the university of Wageningen UR" in accepted.curation_note


def test_the_curation_file_is_checked_before_any_source_is_read(tmp_path: Path) -> None:
    bad = tmp_path / "ror-curation.tsv"
    bad.write_text(HEADER + "Some University    FR    same    Other University\n",
                   encoding="utf-8")
    with pytest.raises(CurationError) as err:
        # a sources folder that does not exist: the curation file fails first
        build(tmp_path / "no-sources", ROOT / "mappings", curation_path=bad)
    message = str(err.value)
    assert f"{bad}:11:" in message and "tabs" in message
