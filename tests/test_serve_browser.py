"""The query page in a real browser: headless Chromium loads it, runs a query with the Run
button and finds the results table.

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


def test_query_page_runs_a_query_and_shows_the_table(server: str, page: DevTools) -> None:
    page.call("Page.enable")
    page.call("Page.navigate", url=f"{server}/query")
    page.wait_for("document.readyState === 'complete' && !!document.getElementById('query')")
    page.evaluate(f"document.getElementById('query').value = {json.dumps(QUERY)}")
    page.evaluate("document.getElementById('run').click()")
    rows = page.wait_for("document.querySelectorAll('#results table.results tbody tr').length")
    assert rows == 12
    headers = page.evaluate(
        "Array.from(document.querySelectorAll('#results th.var')).map(th => th.textContent)")
    assert headers == ["?agreement", "?year"]
    first_link = page.evaluate("document.querySelector('#results td.iri a').getAttribute('href')")
    assert first_link.startswith("/agreement/")
    # the script ran the query (no page reload) and made the address shareable
    assert page.evaluate("document.getElementById('status').textContent").startswith("Done in")
    assert "query=PREFIX" in page.evaluate("location.search")
    buttons = page.evaluate(
        "Array.from(document.querySelectorAll('#results form.downloads button'))"
        ".map(b => b.value)")
    assert buttons == ["csv", "tsv", "json", "xml"]


def test_an_example_runs_from_the_list(server: str, page: DevTools) -> None:
    page.call("Page.navigate", url=f"{server}/query")
    page.wait_for("document.readyState === 'complete' && "
                  "!!document.querySelector('[data-example]')")
    page.evaluate("document.querySelector('[data-example]').click()")
    assert page.wait_for("document.querySelectorAll('#results table.results tbody tr').length")
    assert "PREFIX" in page.evaluate("document.getElementById('query').value")
