"""Browsing agreements like a datasette table, every page's data as JSON and CSV, and the
parts of a source line a record was read from, over the real build."""
# ruff: noqa: F811  (the fixtures client and store come from test_serve_pages)

from __future__ import annotations

import csv
import io

import pyoxigraph
from starlette.testclient import TestClient

from exchange_kg.serve.browse import fold
from exchange_kg.serve.highlight import Needle, segments
from test_serve_pages import client, store  # noqa: F401  (fixtures)
from test_serve_support import serve_dist  # noqa: F401  (fixture)

BASE = "https://w3id.org/exchange-kg/"
XKG = "https://w3id.org/exchange-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def _count(db: pyoxigraph.Store, where: str) -> int:
    return int(next(iter(db.query(
        f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {where} }}")))[0].value)


def _path(iri: str) -> str:
    return "/" + iri.removeprefix(BASE)


def test_agreements_list_facets_filters_sorts_and_pages(client: TestClient,
                                                        store: pyoxigraph.Store) -> None:
    first = client.get("/agreements.json").json()
    assert first["total"] == _count(store, f"?a a <{XKG}Agreement>") and first["pages"] > 1
    assert {"country", "source", "level", "kind", "linked", "unit", "host"} <= set(
        first["facets"])
    german = next(f for f in first["facets"]["country"] if f["value"] == "DE")
    assert german["label"] == "Germany"
    de = client.get("/agreements.json", params={"country": "de", "size": "1000"}).json()
    assert de["total"] == german["count"] == _count(store, f"""
        ?a <{XKG}partnerInstitution>/<https://schema.org/address>/
           <https://schema.org/addressCountry> "DE" """)
    assert {r["partner_country"] for r in de["rows"]} == {"DE"}
    # facets count what the other filters leave: a click keeps exactly that many
    level = de["facets"]["level"][0]
    both = client.get("/agreements.json", params={"country": "DE", "level": level["value"]})
    assert both.json()["total"] == level["count"] < de["total"]
    newest = client.get("/agreements.json", params={"sort": "start", "desc": "1"}).json()
    starts = [r["start"] for r in newest["rows"]]
    assert starts == sorted(starts, reverse=True) and all(starts)
    second = client.get(newest["next"]).json()
    assert second["page"] == 2 and second["rows"][0]["start"] <= starts[-1]
    linked = client.get("/agreements.json", params={"linked": "not linked", "size": "1000"})
    assert not any(r["partner_linked_to_ror"] for r in linked.json()["rows"])
    page = client.get("/agreements", params={"country": "DE", "sort": "start"})
    assert page.status_code == 200 and 'aria-sort="ascending"' in page.text
    assert "Germany" in page.text and "No agreement matches" not in page.text


def test_agreements_csv_has_every_matching_row(client: TestClient) -> None:
    r = client.get("/agreements.csv", params={"country": "FR"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    total = client.get("/agreements.json", params={"country": "FR"}).json()["total"]
    assert len(rows) == total > 50 and {row["partner_country"] for row in rows} == {"FR"}
    assert all(row["iri"].startswith(BASE + "agreement/") and row["source_lines"]
               for row in rows)
    assert client.get("/agreements.xml").status_code == 404


def test_search_finds_an_agreement_by_another_spelling_of_its_partner(
        client: TestClient, store: pyoxigraph.Store) -> None:
    row = next(iter(store.query(f"""SELECT ?a ?alt WHERE {{
        ?a <{XKG}partnerInstitution> ?p . ?p <{SKOS}altLabel> ?alt ; <{SKOS}prefLabel> ?l
        FILTER(!CONTAINS(LCASE(?l), LCASE(?alt)) && STRLEN(?alt) > 8) }}
        ORDER BY ?a LIMIT 1""")))
    alternative = row["alt"].value
    found = client.get("/agreements.json", params={"q": fold(alternative).upper(),
                                                    "size": "1000"}).json()
    assert row["a"].value in {r["iri"] for r in found["rows"]}
    czech = client.get("/agreements.json", params={"q": "czechia", "size": "1000"}).json()
    assert czech["total"] and {r["partner_country"] for r in czech["rows"]} >= {"CZ"}
    nothing = client.get("/agreements", params={"q": "zzzzqqq"})
    assert "No agreement matches" in nothing.text


def test_a_host_with_hundreds_of_agreements_is_paged_and_faceted_by_unit(
        client: TestClient, store: pyoxigraph.Store) -> None:
    host = next(iter(store.query(f"""SELECT ?h WHERE {{ ?a <{XKG}homeInstitution> ?h }}
        GROUP BY ?h ORDER BY DESC(COUNT(?a)) LIMIT 1""")))[0].value
    total = _count(store, f"""{{ ?a <{XKG}homeInstitution> <{host}> }} UNION
        {{ ?a <{XKG}home> <{host}> }} UNION {{ ?a <{XKG}partnerInstitution> <{host}> }}
        UNION {{ ?a <{XKG}partner> <{host}> }}""")
    assert total > 100
    r = client.get(_path(host) + ".html")
    assert r.status_code == 200 and 'rel="next"' in r.text
    assert r.text.count('class="tag home"') + r.text.count('class="tag partner"') == 50
    data = client.get(_path(host) + ".json").json()
    assert data["agreements"]["total"] == total and len(data["agreements"]["rows"]) == 50
    units = data["agreements"]["facets"]["unit"]
    unit = next(u for u in units if u["value"] != host)
    # the unit holds an agreement on either side (a partner list may name it as the partner)
    held = _count(store, f"""{{ ?a <{XKG}home> <{unit['value']}> }}
                             UNION {{ ?a <{XKG}partner> <{unit['value']}> }}""")
    assert unit["count"] == held
    by_unit = client.get(_path(host) + ".csv", params={"unit": unit["value"]})
    rows = list(csv.DictReader(io.StringIO(by_unit.text)))
    assert len(rows) == held
    assert all(unit["value"] in row["home_iri"] + row["partner_iri"] for row in rows)
    filtered = client.get(_path(host) + ".html", params={"unit": unit["value"]})
    assert f"{held} of {total} agreements" in filtered.text


def test_entity_pages_as_json_and_csv(client: TestClient, store: pyoxigraph.Store) -> None:
    row = next(iter(store.query(f"""SELECT ?a ?r ?raw WHERE {{
        ?a <http://www.w3.org/ns/prov#wasDerivedFrom> ?r . ?r <{XKG}rawText> ?raw }}
        ORDER BY ?a LIMIT 1""")))
    agreement = client.get(_path(row["a"].value) + ".json")
    assert agreement.headers["content-type"] == "application/json"
    data = agreement.json()
    assert data["iri"] == row["a"].value and data["partner"] and data["home"]
    assert row["raw"].value in {r["text"] for r in data["records"]}
    one = list(csv.DictReader(io.StringIO(client.get(_path(row["a"].value) + ".csv").text)))
    assert [r["iri"] for r in one] == [row["a"].value]
    record = client.get(_path(row["r"].value) + ".csv")
    statements = list(csv.DictReader(io.StringIO(record.text)))
    raw = next(s for s in statements if s["property"] == XKG + "rawText")
    assert raw["value"] == row["raw"].value and raw["property_label"] == "raw text"
    assert any(s["direction"] == "linked from" and s["iri"] == row["a"].value
               for s in statements)
    page = client.get(_path(row["r"].value) + ".html")
    assert f'href="{_path(row["r"].value)}.csv"' in page.text
    # application/json negotiates the RDF (JSON-LD); the page data is only at its address
    negotiated = client.get(_path(row["a"].value), headers={"Accept": "application/json"},
                            follow_redirects=False)
    assert negotiated.headers["location"].endswith(".jsonld")
    terms = client.get("/ontology.csv").text
    assert f"{XKG}Agreement," in terms


def test_the_provenance_marks_where_the_values_stand_in_the_line(
        client: TestClient, store: pyoxigraph.Store) -> None:
    row = next(iter(store.query(f"""SELECT ?a ?name WHERE {{
        ?a <{XKG}partnerInstitution> ?p ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?r .
        ?p <{SKOS}prefLabel> ?name . ?r <{XKG}rawText> ?raw
        FILTER(CONTAINS(?raw, ?name) && !CONTAINS(?name, "&")) }} ORDER BY ?a LIMIT 1""")))
    page = client.get(_path(row["a"].value) + ".html").text
    provenance = page.split("<h2>Provenance</h2>")[1]
    assert f'<mark class="partner" title="the partner&#39;s name">{row["name"].value}</mark>' \
        in provenance


def test_segments_mark_only_this_rows_values_in_a_glued_line() -> None:
    line = ("Belgium\tUniversity of Liege\t1996/12/04\t5 Argentina\tThe Instituto Nacional "
            "De  Tecnologia agropecuaria\t2017/6/28\t×")
    needles = [Needle("partner", "The Instituto Nacional De Tecnología Agropecuaria"),
               Needle("date", "2017-06-28"), Needle("country", "AR"),
               Needle("partner", "Instituto"), Needle("home", "Nowhere College")]
    parts = segments(line, needles)
    assert "".join(p for p, _ in parts) == line
    marked = [(p, kind) for p, kind in parts if kind]
    assert marked == [("The Instituto Nacional De  Tecnologia agropecuaria", "partner"),
                      ("2017/6/28", "date")]
    # a country is a cell naming it, in any language the country reader knows
    assert ("Niemcy", "country") in segments("1\tNiemcy\tUniversität Bonn", [
        Needle("country", "DE")])
    assert segments("28.06.2017 and 12017", [Needle("date", "2017-06-28"),
                                              Needle("date", "2017")]) == [
        ("28.06.2017", "date"), (" and 12017", "")]
    assert segments("", [Needle("partner", "Alpha")]) == [("", "")]


def test_pages_name_properties_and_blank_nodes_in_words(client: TestClient,
                                                         store: pyoxigraph.Store) -> None:
    record = next(iter(store.query(f"SELECT ?r WHERE {{ ?r a <{XKG}SourceRecord> }} LIMIT 1")))
    page = client.get(_path(record[0].value) + ".html").text
    assert ">was derived from</span>" in page and ">raw text</span>" in page
    assert "prov:wasDerivedFrom</span>" not in page
    ontology = client.get("/ontology.html").text
    assert "exchange-kg contributors" in ontology and "_:" not in ontology
    assert ">creator</span>" in ontology


def test_a_list_newest_first_by_default_sorts_other_columns_ascending() -> None:
    from exchange_kg.serve.browse import Column, browse

    rows = [{"start": s, "name": n} for s, n in (("2001", "b"), ("2010", "a"), ("1999", "c"))]
    columns = [Column("start", "Start", lambda r: r["start"], desc_first=True),
               Column("name", "Name", lambda r: r["name"])]

    def page(**params: str) -> list[str]:
        found = browse(rows, params, [], columns, search=lambda r: "", default_sort="start",
                       default_desc=True)
        return [r["name"] for r in found.rows]

    assert page() == ["a", "b", "c"]  # newest first
    assert page(sort="name") == ["a", "b", "c"] and page(sort="name", desc="1") == ["c", "b", "a"]
    assert page(desc="0") == ["c", "b", "a"]
