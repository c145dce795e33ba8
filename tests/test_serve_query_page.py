"""The query page as the server renders it (what a browser without script gets, and what the
page's script swaps in): sorting, paging, labelled links, the chart, errors in words, and the
vocabulary the editor completes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from exchange_kg.serve.app import create_app
from exchange_kg.serve.config import ServeConfig
from exchange_kg.serve.query_page import PAGE_SIZE
from test_serve_support import serve_dist  # noqa: F401  (fixture)

BASE = "https://w3id.org/exchange-kg/"
XKG = "https://w3id.org/exchange-kg/ontology#"
PER_PARTNER = (f"PREFIX xkg: <{XKG}>\n"
               "SELECT ?partner (COUNT(?a) AS ?n) WHERE { ?a xkg:partnerInstitution ?partner }\n"
               "GROUP BY ?partner")


@pytest.fixture(scope="module")
def client(serve_dist: Path) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(ServeConfig(dist_dir=serve_dist, base=BASE, workers=1))) as c:
        yield c


def _numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="number num"><span title="xsd:integer">'
                                       r"(\d+)</span>", html)]


def _row_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="rownum">(\d+)</td>', html)]


def test_results_are_paged_and_sorted_by_the_server(client: TestClient) -> None:
    first = client.get("/query", params={"query": PER_PARTNER})
    total = int(re.search(r'data-rows="(\d+)"', first.text)[1])
    assert total > PAGE_SIZE  # more partners than one page holds
    assert _row_numbers(first.text) == list(range(1, PAGE_SIZE + 1))
    assert f"page 1 of {-(-total // PAGE_SIZE)}" in first.text
    # a heading is a button that sends the query again; a number column starts descending
    by_count = client.get("/query", params={"query": PER_PARTNER, "sort": "n"})
    counts = _numbers(by_count.text)
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    assert 'aria-sort="descending"' in by_count.text
    assert '<input type="hidden" name="order" value="-n">' in by_count.text
    # clicking it again (the current order is sent along) turns it round
    ascending = client.get("/query", params={"query": PER_PARTNER, "order": "-n", "sort": "n"})
    assert _numbers(ascending.text) == sorted(_numbers(ascending.text))
    # the next page continues in the same order
    second = client.get("/query", params={"query": PER_PARTNER, "order": "-n", "page": "2"})
    assert _row_numbers(second.text)[0] == PAGE_SIZE + 1
    assert max(_numbers(second.text)) <= min(counts)
    # a page past the end shows the last one; nonsense is ignored
    last = client.get("/query", params={"query": PER_PARTNER, "page": "999", "order": "zz"})
    assert _row_numbers(last.text)[-1] == total
    # the fragment the script fetches says which address shows it
    fragment = client.post("/query/results",
                           data={"query": PER_PARTNER, "order": "-n", "page": "2"})
    assert "<html" not in fragment.text
    assert fragment.headers["x-query-page"].endswith("&order=-n&page=2")


def test_iris_are_links_named_by_their_labels(client: TestClient) -> None:
    r = client.get("/query", params={"query": PER_PARTNER, "order": "-n"})
    links = re.findall(r'<a href="(/institution/[^"]+)" title="([^"]+)">([^<]+)</a>'
                       r'<span class="iri-short">', r.text)
    assert len(links) == PAGE_SIZE
    for href, iri, label in links:
        assert iri == BASE + href[1:] and not label.startswith("http")
    names = [label for _, _, label in links]
    # sorting a column of IRIs sorts by what it shows
    by_name = client.get("/query", params={"query": PER_PARTNER, "sort": "partner"})
    shown = re.findall(r'<a href="/institution/[^"]+" title="[^"]+">([^<]+)</a>', by_name.text)
    assert shown == sorted(shown, key=str.casefold) and set(shown) != set(names[:3])


def test_a_label_and_a_number_get_a_chart(client: TestClient) -> None:
    r = client.get("/query", params={"query": PER_PARTNER, "order": "-n"})
    chart = re.search(r'<details class="chart-card result-chart" open>.*?</details>', r.text,
                      flags=re.S)
    assert chart is not None and "?n by ?partner" in chart[0]
    bars = re.findall(r'<g class="bar"><title>([^<]+): (\d+)', chart[0])
    counts = _numbers(r.text)
    assert [int(n) for _, n in bars] == counts[:len(bars)]  # the table's order
    assert bars[0][0] != "" and not bars[0][0].startswith("http")
    # no number column: no chart
    plain = client.get("/query", params={"query": f"SELECT ?a WHERE {{ ?a a <{XKG}Agreement> }}"
                                                  " LIMIT 5"})
    assert "result-chart" not in plain.text


def test_an_undeclared_prefix_is_named(client: TestClient) -> None:
    r = client.get("/query", params={"query": "SELECT ?x WHERE {\n  ?x a xkg:Agreement\n}"})
    assert r.status_code == 400
    assert "Line 2, column 21: the prefix xkg: is not declared" in r.text


def test_the_editor_completes_from_the_dataset(client: TestClient) -> None:
    r = client.get("/query/completions.json")
    data = r.json()
    assert data["prefixes"]["xkg"] == XKG and data["prefixes"]["schema"] == "https://schema.org/"
    terms = {t["iri"]: t for t in data["terms"]}
    agreement = terms[XKG + "Agreement"]
    assert agreement["kind"] == "class" and agreement["count"] > 100
    assert agreement["label"] and agreement["comment"]
    assert terms[XKG + "partnerInstitution"]["kind"] == "property"
    assert terms["https://schema.org/addressCountry"]["count"] > 100  # used in the data
    assert any(t["kind"] == "concept" for t in data["terms"])
    # institution names come from the list's own search, folded
    found = client.get("/institutions.json", params={"q": "tohoku", "size": "5"}).json()
    assert any(row["label"] == "Tohoku University" for row in found["rows"])


def test_the_page_loads_its_editor_from_this_server(client: TestClient) -> None:
    page = client.get("/query").text
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts == ["/static/vendor/codemirror.min.js", "/static/query.js"]
    for src in scripts:
        r = client.get(src)
        assert r.status_code == 200 and r.headers["content-type"].startswith(
            ("application/javascript", "text/javascript"))
    assert "<script>" not in page  # no inline script: the CSP allows none
