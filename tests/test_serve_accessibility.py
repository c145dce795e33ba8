"""Every kind of page passes axe-core's WCAG 2.1 A and AA rules in headless Chromium.

axe-core comes from npm (``package.json``; ``.ci/run`` installs it with ``npm ci``), is loaded
into each page over the DevTools protocol and run there, as the axe browser extensions do.
Skipped, saying so, only on a developer machine without Chromium or without ``npm ci``; in
CI both are installed, so there it must run.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from test_serve_browser import CHROMIUM, DevTools, page  # noqa: F401  (fixture)
from test_serve_support import running_server, serve_dist  # noqa: F401  (fixture)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BASE = "https://w3id.org/exchange-kg/"
XKG = "https://w3id.org/exchange-kg/ontology#"
pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or not AXE.is_file()) and not os.environ.get("CI"),
    reason="needs Chromium and axe-core (apt-get install chromium; npm ci)")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# one instance of each kind of entity page, found by a query
ENTITIES = {
    "agreement": f"SELECT ?x WHERE {{ ?x a <{XKG}Agreement> ; <{XKG}quota> ?q }} ORDER BY ?x",
    "institution": (f"SELECT ?x WHERE {{ ?a <{XKG}homeInstitution> ?x }} GROUP BY ?x "
                    "ORDER BY DESC(COUNT(?a)) ?x"),
    "linked-institution": f"SELECT ?x WHERE {{ ?x <{XKG}rorId> ?r }} ORDER BY ?x",
    "unit": f"SELECT ?x WHERE {{ ?x a <{XKG}Unit> }} ORDER BY ?x",
    "consortium": f"SELECT ?x WHERE {{ ?x a <{XKG}Consortium> }} ORDER BY ?x",
    "source-document": f"SELECT ?x WHERE {{ ?x a <{XKG}SourceDocument> }} ORDER BY ?x",
    "source-record": f"SELECT ?x WHERE {{ ?x a <{XKG}SourceRecord> }} ORDER BY ?x",
    "concept": f"SELECT ?x WHERE {{ ?a <{XKG}kind> ?x }} ORDER BY ?x",
    # hundreds of agreements link to it: a sample, then links to all of them
    "busy-concept": (f"SELECT ?x WHERE {{ ?a <{XKG}level> ?x }} GROUP BY ?x "
                     "ORDER BY DESC(COUNT(?a)) ?x"),
}
if not os.environ.get("EXCHANGE_KG_ROR_DUMP"):  # the build links nothing to ROR without it
    del ENTITIES["linked-institution"]
PAGES = ["/", "/institutions", "/institutions?country=JP", "/agreements",
         "/agreements?country=DE&sort=start&desc=1", "/query", "/stats", "/dumps",
         "/ontology", "/graph/gse-partners", "/no/such/page", *ENTITIES]


@pytest.fixture(scope="module")
def server(serve_dist: Path, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
           ) -> Iterator[str]:
    log = tmp_path_factory.mktemp("axe-logs") / "server.log"
    with running_server(serve_dist, log, "--workers", "1") as url:
        yield url


def _first(server: str, query: str) -> str:
    url = f"{server}/sparql?" + urllib.parse.urlencode({"query": query + " LIMIT 1"})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as r:
        iri = json.load(r)["results"]["bindings"][0]["x"]["value"]
    return "/" + iri.removeprefix(BASE).removeprefix("https://w3id.org/exchange-kg/")


def _url(server: str, name: str) -> str:
    if name in ENTITIES:
        return f"{server}{_first(server, ENTITIES[name])}"
    if name == "/query":
        return f"{server}/query?" + urllib.parse.urlencode({"query": (
            f"SELECT ?agreement ?year WHERE {{ ?agreement a <{XKG}Agreement> ; "
            f"<{XKG}startYear> ?year }} ORDER BY ?agreement LIMIT 30")})
    return server + name


def axe_violations(page: DevTools) -> list[dict[str, object]]:  # noqa: F811
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.call("Runtime.evaluate", awaitPromise=True, returnByValue=True, expression=(
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG)}}}, "
        "resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => ({"
        "id: v.id, impact: v.impact, help: v.help, "
        "nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)"
        "}))))"))
    if "exceptionDetails" in result:
        raise AssertionError(result["exceptionDetails"])
    return json.loads(result["result"]["value"])


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_a_or_aa_violation(server: str, page: DevTools,  # noqa: F811
                                            name: str) -> None:
    if not AXE.is_file():
        pytest.fail("CI must install axe-core (npm ci, see .ci/run)")
    page.call("Page.enable")
    page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900,
              deviceScaleFactor=1, mobile=False)
    page.call("Page.navigate", url=_url(server, name))
    page.wait_for("document.readyState === 'complete'")
    violations = axe_violations(page)
    assert not violations, "\n" + json.dumps(violations, indent=1, ensure_ascii=False)


def test_every_page_at_phone_width_fits_and_has_no_violation(
        server: str, page: DevTools) -> None:  # noqa: F811
    """At 390 px tables turn into cards and charts scroll on their own: no page may be wider
    than the screen (every line of it would scroll sideways), and what scrolls must be
    reachable by keyboard (axe scrollable-region-focusable)."""
    if not AXE.is_file():
        pytest.fail("CI must install axe-core (npm ci, see .ci/run)")
    page.call("Page.enable")
    page.call("Emulation.setDeviceMetricsOverride", width=390, height=844,
              deviceScaleFactor=1, mobile=True)
    found = {}
    for name in PAGES:
        page.call("Page.navigate", url=_url(server, name))
        page.wait_for("document.readyState === 'complete'")
        width = page.evaluate("document.documentElement.scrollWidth")
        violations = axe_violations(page)
        if width > 390 or violations:
            found[name] = {"width": width, "violations": violations}
    assert not found, "\n" + json.dumps(found, indent=1, ensure_ascii=False)


def test_the_query_editor_in_use_has_no_violation(server: str, page: DevTools) -> None:  # noqa: F811
    """The states the editor's script creates: a syntax error listed under the editor, a
    sorted, paged result with its chart, and the completion list open."""
    from test_serve_browser import _completions, _open_editor, _set_query

    if not AXE.is_file():
        pytest.fail("CI must install axe-core (npm ci, see .ci/run)")
    _open_editor(page, f"{server}/query")
    _set_query(page, "SELECT ?x WHERE {\n  ?x a <http://example.org/C>\n} LIMIT x")
    page.evaluate("document.getElementById('run').click()")
    page.wait_for("!!document.getElementById('syntax-error')")
    assert not axe_violations(page)
    _set_query(page, f"SELECT ?x (COUNT(?a) AS ?n) WHERE {{ ?a <{XKG}partnerInstitution> ?x }} "
                     "GROUP BY ?x")
    page.evaluate("document.getElementById('run').click()")
    page.wait_for("!!document.querySelector('.result-chart svg')")
    page.evaluate("document.querySelector('button.sort[value=n]').click()")
    page.wait_for("location.search.includes('order=-n')")
    _set_query(page, "SELECT * WHERE { ?x a <http://example.org/C> ; ?p Tohok")
    page.type("u")
    _completions(page)
    violations = axe_violations(page)
    assert not violations, "\n" + json.dumps(violations, indent=1, ensure_ascii=False)
