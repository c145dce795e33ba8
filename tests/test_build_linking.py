"""`exchange-kg build` with a ROR dump: links in the graph, one IRI per institution."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pyoxigraph
import pytest

from conftest import run_build
from exchange_kg.link.synthetic import qid, ror_id, v2_record, write_release_zip


def query(dist: Path, name: str) -> list[dict[str, str | None]]:
    store = pyoxigraph.Store()
    store.bulk_load(path=str(dist / "exchange-kg.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    text = resources.files("exchange_kg.queries").joinpath(name).read_text()
    results = store.query(text)
    names = [v.value for v in results.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names}
            for row in results]


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("linked")
    dump = write_release_zip(tmp / "ror-synthetic.zip", [
        v2_record(501, "Northeastern University", "US", wikidata=qid(501)),
        v2_record(502, "Northeastern University", "CN", wikidata=qid(502)),
        v2_record(503, "RWTH Aachen University", "DE", wikidata=qid(503),
                  labels=[("Rheinisch-Westfälische Technische Hochschule Aachen", "de")],
                  aliases=["RWTH Aachen"]),
        # a unit ROR has as its own record, child of its institution
        v2_record(504, "Chinese Academy of Sciences", "CN", wikidata=qid(504),
                  relationships=[("child", 505, "Institute of Metal Research")]),
        v2_record(505, "Institute of Metal Research", "CN", wikidata=qid(505),
                  relationships=[("parent", 504, "Chinese Academy of Sciences")]),
        # a namesake that is nobody's child must not be taken by any unit
        v2_record(506, "Institute of Physics", "CN"),
        # the host of one list, a partner in another
        v2_record(507, "Tohoku University", "JP", wikidata=qid(507)),
        # a university one list files under the wrong country
        v2_record(508, "Eindhoven University of Technology", "NL", city="Eindhoven"),
        v2_record(509, "Some University of Eindhoven", "NL", city="Eindhoven"),
        v2_record(510, "Other Eindhoven Institute", "NL", city="Eindhoven"),
    ], [])
    env = {**os.environ, "EXCHANGE_KG_CACHE_DIR": str(tmp / "cache")}
    proc = run_build(tmp / "dist", "--ror-dump", str(dump), env=env)
    assert proc.returncode == 0, proc.stderr
    return tmp / "dist"


def test_linked_partners_have_ror_and_wikidata_ids(linked: Path) -> None:
    rows = query(linked, "linked-partners-ror-wikidata.rq")
    ids = {(r["label"], r["country"]): (r["rorId"], r["wikidataId"]) for r in rows}
    assert ids[("Northeastern University", "US")] == (ror_id(501).rsplit("/", 1)[1], qid(501))
    assert ids[("Northeastern University", "CN")] == (ror_id(502).rsplit("/", 1)[1], qid(502))
    rwth = [key for key in ids if "Aachen" in key[0]]
    assert len(rwth) == 1, rwth  # every RWTH spelling is one institution with one link
    assert (linked / "ror-links.csv").stat().st_size > 0
    assert (linked / "ror-review.csv").exists()


def test_no_two_institutions_of_a_country_share_a_ror_id(linked: Path) -> None:
    rows = query(linked, "linked-partners-ror-wikidata.rq")
    seen: dict[tuple[str | None, str | None], str | None] = {}
    for r in rows:
        key = (r["country"], r["rorId"])
        assert seen.setdefault(key, r["institution"]) == r["institution"], key


@pytest.mark.skipif(not os.environ.get("EXCHANGE_KG_ROR_DUMP"),
                    reason="EXCHANGE_KG_ROR_DUMP is not set: no ROR snapshot to link against")
def test_the_bundled_build_links_most_partners_to_the_snapshot(dist: Path) -> None:
    rows = query(dist, "linked-partners-ror-wikidata.rq")
    assert len(rows) > 500
    assert sum(1 for r in rows if r["wikidataId"]) > 0.9 * len(rows)
    countries = {}
    for r in rows:
        assert countries.setdefault((r["country"], r["rorId"]), r["institution"]) == \
            r["institution"]


def test_a_unit_is_linked_only_to_its_institutions_own_child_record(linked: Path) -> None:
    from rdflib import Graph

    g = Graph().parse(linked / "exchange-kg.nt", format="nt")
    rows = g.query("""
        PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?unit ?ror WHERE { ?u a xkg:Unit ; skos:prefLabel ?unit ; xkg:rorId ?ror }""")
    linked_units = {str(unit): str(ror) for unit, ror in rows}
    assert linked_units == {"Institute of Metal Research": ror_id(505).rsplit("/", 1)[1]}


def test_the_host_is_one_institution_with_its_partner_side(linked: Path) -> None:
    from rdflib import Graph, URIRef

    g = Graph().parse(linked / "exchange-kg.nt", format="nt")
    tohoku = ror_id(507).rsplit("/", 1)[1]
    rows = list(g.query(f"""
        PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>
        PREFIX schema: <https://schema.org/>
        SELECT ?inst ?country (COUNT(DISTINCT ?home) AS ?homes) (COUNT(DISTINCT ?p) AS ?partner)
        WHERE {{
          ?inst xkg:rorId "{tohoku}" ; schema:address/schema:addressCountry ?country .
          OPTIONAL {{ ?home xkg:homeInstitution ?inst }}
          OPTIONAL {{ ?p xkg:partnerInstitution ?inst }}
        }} GROUP BY ?inst ?country"""))
    # one resource: the publisher of the Tohoku list and a partner of the Polish list
    assert len(rows) == 1, rows
    inst, country, homes, partners = rows[0]
    assert str(country) == "JP" and int(homes) > 600 and int(partners) >= 1
    # the IRI the partner had before is recorded as replaced by the host's (and so are the
    # IRIs earlier builds published for either: resolve/data/replaced-iris.tsv)
    replaced = {str(s) for s in g.subjects(
        URIRef("http://purl.org/dc/terms/isReplacedBy"), inst)}
    assert replaced and all("tohoku-university" in r for r in replaced)


def test_a_wrong_country_is_revised_on_evidence_and_flagged(linked: Path) -> None:
    import json

    report = json.loads((linked / "report.json").read_text())
    flags = [f for src in report["sources"] for f in src["flags"]
             if f["code"] == "country-revised"]
    assert any("Eindhoven University of Technology: NL" in f["message"] for f in flags)
