"""The query page in a real browser: headless Chromium loads it, types into the editor, runs
queries and looks at what comes back -- highlighting, completion, error markers, sorting and
paging, the session's history, sharing -- and checks that nothing breaks the page's
Content-Security-Policy. Also the page with script turned off, where the server does it all.

Chromium is driven over the Chrome DevTools Protocol with ``websocket-client`` (no WebDriver
needed). Skipped, saying so, only when no Chromium is installed.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websocket

from test_serve_support import running_server, serve_dist  # noqa: F401  (fixture)

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser",
                                                 "google-chrome") if shutil.which(name)), None)
# skipped on a developer machine without Chromium; CI installs it, so there it must run
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Chromium is not installed (apt-get install chromium)")

QUERY = ("PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>\n"
         "SELECT ?agreement ?year WHERE { ?agreement a xkg:Agreement ; xkg:startYear ?year }\n"
         "ORDER BY ?agreement LIMIT 12")


class DevTools:
    """A minimal Chrome DevTools Protocol client for one page."""

    def __init__(self, ws_url: str) -> None:
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
        raise AssertionError(f"{method}: no answer")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {expression}")

    def type(self, text: str) -> None:
        """Type into the focused element, as a keyboard would."""
        self.call("Input.insertText", text=text)

    def press(self, key: str, code: int) -> None:
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                      windowsVirtualKeyCode=code)

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def server(serve_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    log = tmp_path_factory.mktemp("browser-logs") / "server.log"
    with running_server(serve_dist, log, "--workers", "1") as url:
        yield url


@pytest.fixture()
def page(tmp_path: Path) -> Iterator[DevTools]:
    if CHROMIUM is None:
        pytest.fail("CI must install Chromium for this test (see .ci/run)")
    profile = tmp_path / "profile"
    proc = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    devtools = None
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        target = next(t for t in targets if t["type"] == "page")
        devtools = DevTools(target["webSocketDebuggerUrl"])
        devtools.call("Runtime.enable")
        # every page records what its Content-Security-Policy refused, and script errors
        devtools.call("Page.addScriptToEvaluateOnNewDocument", source=(
            "window.refused = []; window.failures = [];"
            "document.addEventListener('securitypolicyviolation', e => "
            "  window.refused.push(e.violatedDirective + ' ' + e.blockedURI));"
            "window.addEventListener('error', e => window.failures.push(String(e.message)));"))
        yield devtools
    finally:
        if devtools is not None:
            devtools.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# the editor lives in a shadow root (see static/query.js); tests reach its view through it
EDITOR = "CM.EditorView.findFromDOM(document.getElementById('query-editor').shadowRoot" \
         ".querySelector('.cm-editor'))"
SHADOW = "document.getElementById('query-editor').shadowRoot"


def _open_editor(page: DevTools, url: str) -> None:
    page.call("Page.enable")
    page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1,
              mobile=False)
    page.call("Page.navigate", url=url)
    page.wait_for("document.readyState === 'complete' && !!document.getElementById("
                  "'query-editor')")


def _set_query(page: DevTools, text: str) -> None:
    """Replace the editor's text and put the cursor at its end, focused."""
    page.evaluate(f"(() => {{ const v = {EDITOR}; v.dispatch({{changes: {{from: 0, to: "
                  f"v.state.doc.length, insert: {json.dumps(text)}}}, selection: {{anchor: "
                  f"{len(text)}}}}}); v.focus(); }})()")


def _completions(page: DevTools) -> list[str]:
    items = page.wait_for(f"(() => {{ const items = Array.from({SHADOW}.querySelectorAll("
                          "'.cm-tooltip-autocomplete li .cm-completionLabel'))"
                          ".map(l => l.textContent); return items.length ? items : null; })()")
    time.sleep(0.3)  # CodeMirror ignores Enter for a moment after it opens the list
    return items


def _no_refusals(page: DevTools) -> None:
    assert page.evaluate("window.refused") == []
    assert page.evaluate("window.failures") == []


def test_query_page_runs_a_query_and_shows_the_table(server: str, page: DevTools) -> None:
    _open_editor(page, f"{server}/query")
    # the editor replaced the textarea, and highlights the SPARQL in it
    assert page.evaluate("document.getElementById('query').hidden") is True
    _set_query(page, QUERY)
    kinds = page.wait_for(f"(() => {{ const spans = Array.from({SHADOW}.querySelectorAll("
                          "'.cm-line span')); return spans.length > 5 && "
                          "new Set(spans.map(s => getComputedStyle(s).color)).size; })()")
    assert kinds >= 4  # keywords, variables, names and IRIs in different colours
    page.evaluate("document.getElementById('run').click()")
    rows = page.wait_for("document.querySelectorAll('#results table.results tbody tr').length")
    assert rows == 12
    headers = page.evaluate(
        "Array.from(document.querySelectorAll('#results th.var')).map(th => th.textContent)")
    assert [h.split()[0] for h in headers] == ["?agreement", "?year"]
    first_link = page.evaluate("document.querySelector('#results td.iri a').getAttribute('href')")
    assert first_link.startswith("/agreement/")
    # the link says what the agreement is (its label), the IRI is beside it
    text = page.evaluate("document.querySelector('#results td.iri a').textContent")
    assert text and not text.startswith("http")
    # the script ran the query (no page reload) and made the address shareable
    assert page.evaluate("document.getElementById('status').textContent").startswith("Done in")
    assert "query=PREFIX" in page.evaluate("location.search")
    buttons = page.evaluate(
        "Array.from(document.querySelectorAll('#results form.downloads button'))"
        ".map(b => b.value)")
    assert buttons == ["csv", "tsv", "json", "xml"]
    # the session's history lists it
    assert "SELECT ?agreement ?year" in page.wait_for(
        "document.querySelector('#history-list li button') && "
        "document.querySelector('#history-list li button').textContent")
    assert "12 rows" in page.evaluate("document.querySelector('#history-list li').textContent")
    _no_refusals(page)


def test_an_example_runs_from_the_list(server: str, page: DevTools) -> None:
    _open_editor(page, f"{server}/query")
    page.evaluate("document.querySelector('[data-example]').click()")
    assert page.wait_for("document.querySelectorAll('#results table.results tbody tr').length")
    assert "PREFIX" in page.evaluate(f"{EDITOR}.state.doc.toString()")


def test_the_editor_completes_prefixes_terms_and_institutions(server: str,
                                                              page: DevTools) -> None:
    _open_editor(page, f"{server}/query")
    # a prefix declaration
    _set_query(page, "PREFIX xk")
    page.type("g")
    assert _completions(page)[0] == "xkg:"
    page.press("Enter", 13)
    assert page.wait_for(f"{EDITOR}.state.doc.toString().includes("
                         "'PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>')")
    # a class after "a", from the ontology and the data; choosing it declares its prefix
    _set_query(page, "SELECT * WHERE {\n  ?x a xkg:Agr")
    page.type("e")
    assert _completions(page)[0] == "xkg:Agreement"
    page.press("Enter", 13)
    text = page.wait_for(f"(() => {{ const t = {EDITOR}.state.doc.toString(); "
                         "return t.startsWith('PREFIX xkg:') && t; })()")
    assert text.endswith("?x a xkg:Agreement")
    # properties of another vocabulary the data uses
    _set_query(page, "SELECT * WHERE { ?x schema:addr")
    page.type("e")
    assert {"schema:address", "schema:addressCountry"} <= set(_completions(page))
    # an institution by name: its IRI goes in
    _set_query(page, "SELECT * WHERE { ?a ?p Tohok")
    page.type("u")
    assert "Tohoku University" in _completions(page)
    page.press("Enter", 13)
    assert page.wait_for(f"{EDITOR}.state.doc.toString().includes("
                         "'<https://w3id.org/exchange-kg/institution/tohoku-university')")
    # and its name inside a string
    _set_query(page, 'SELECT * WHERE { ?x skos:prefLabel "Toho')
    page.type("k")
    assert "Tohoku University" in _completions(page)
    _no_refusals(page)


def test_syntax_errors_and_undeclared_prefixes_are_marked_in_the_editor(server: str,
                                                                        page: DevTools) -> None:
    _open_editor(page, f"{server}/query")
    _set_query(page, "SELECT ?x WHERE {\n  ?x a <http://example.org/C>\n} LIMIT x")
    page.evaluate("document.getElementById('run').click()")
    message = page.wait_for(f"(() => {{ const p = {SHADOW}.querySelector('.cm-panel-lint li');"
                            " return p && p.textContent; })()")
    assert message.startswith("Line 3, column 9: expected") and "a digit" in message
    # the marker is in the gutter of line 3, and the cursor was put at the spot
    assert page.evaluate(f"{SHADOW}.querySelectorAll('.cm-lint-marker-error').length") == 1
    assert page.evaluate(f"(() => {{ const v = {EDITOR}; const at = v.state.selection.main.head;"
                         " const line = v.state.doc.lineAt(at); "
                         "return [line.number, at - line.from + 1]; })()") == [3, 9]
    assert "Line 3, column 9" in page.evaluate(
        "document.getElementById('syntax-error').textContent")
    # an undeclared prefix is marked as it is typed, with a fix that declares it
    _set_query(page, "SELECT * WHERE { ?x schema:address ?a }")
    marked = page.wait_for(f"(() => {{ const r = {SHADOW}.querySelector('.cm-lintRange-error');"
                           " return r && r.textContent; })()")
    assert marked == "schema:"
    _no_refusals(page)


def test_results_sort_and_page_in_place(server: str, page: DevTools) -> None:
    query = ("PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>\n"
             "SELECT ?partner (COUNT(?a) AS ?n) WHERE { ?a xkg:partnerInstitution ?partner }\n"
             "GROUP BY ?partner")
    _open_editor(page, f"{server}/query?" + urllib.parse.urlencode({"query": query}))
    pager = page.wait_for("document.querySelector('.pager span') && "
                          "document.querySelector('.pager span').textContent")
    assert pager.startswith("page 1 of")
    # a chart, since the result is a label and a number
    assert page.evaluate("!!document.querySelector('.result-chart svg')")
    page.evaluate("document.querySelector('button.sort[value=n]').click()")
    page.wait_for("location.search.includes('order=-n')")
    counts = page.evaluate("Array.from(document.querySelectorAll('table.results td.number'))"
                           ".map(td => Number(td.textContent))")
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    # the keyboard stays on the heading that was clicked
    assert page.evaluate("document.activeElement.value") == "n"
    page.evaluate("document.querySelector('.pager button[value=\"2\"]').click()")
    page.wait_for("location.search.includes('page=2')")
    assert page.evaluate("document.querySelector('table.results td.rownum').textContent") == \
        "101"
    _no_refusals(page)


def test_the_page_works_without_script(server: str, page: DevTools) -> None:
    page.call("Emulation.setScriptExecutionDisabled", value=True)
    page.call("Page.enable")
    page.call("Page.navigate", url=f"{server}/query")
    page.wait_for("document.readyState === 'complete'")
    assert page.evaluate("document.getElementById('query').hidden") is False
    assert page.evaluate("document.getElementById('share').hidden") is True
    page.evaluate(f"document.getElementById('query').value = {json.dumps(QUERY)}")
    page.evaluate("document.getElementById('run').click()")
    page.wait_for("document.querySelectorAll('#results table.results tbody tr').length === 12")
    page.evaluate("document.querySelector('button.sort[value=year]').click()")
    page.wait_for("location.search.includes('sort=year') && document.readyState === 'complete'"
                  " && !!document.querySelector('th[aria-sort=descending]')")
    years = page.evaluate("Array.from(document.querySelectorAll('table.results td.number'))"
                          ".map(td => Number(td.textContent))")
    assert years == sorted(years, reverse=True)
