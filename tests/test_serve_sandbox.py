"""No query can make the server fetch a URL: the query workers cannot open network sockets.

Every attack here runs against listeners on 127.0.0.1 that record each connection they get;
they must get none. The sandbox is checked in a child process (installing it cannot be undone)
and then through the real server, with the disguises that defeated the old textual guard.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import textwrap
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from exchange_kg.serve.sandbox import deny_network
from test_serve_support import running_server, serve_dist  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the network sandbox uses Linux seccomp")


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:  # answer like a SPARQL endpoint would, in case anything gets here
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json"
                             b"\r\nContent-Length: 43\r\n\r\n"
                             b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'[:43])

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    item = Listener()
    try:
        yield item
    finally:
        item.close()


def _in_child(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=60)


def test_sandboxed_process_cannot_open_network_sockets(listener: Listener) -> None:
    proc = _in_child(f"""
        import os, socket, threading
        from exchange_kg.serve.sandbox import deny_network
        started = threading.Event(); result = {{}}
        def older_thread():
            started.wait()
            try:
                socket.create_connection(("127.0.0.1", {listener.port}), timeout=2)
                result["thread"] = "connected"
            except OSError as exc:
                result["thread"] = type(exc).__name__
        t = threading.Thread(target=older_thread); t.start()
        assert deny_network() is None
        started.set(); t.join()
        for family in (socket.AF_INET, socket.AF_INET6):
            try:
                socket.socket(family, socket.SOCK_STREAM); print("opened", family)
            except PermissionError:
                print("refused", family.name)
        a, b = socket.socketpair(); a.sendall(b"x"); assert b.recv(1) == b"x"
        r, w = os.pipe(); os.write(w, b"y"); assert os.read(r, 1) == b"y"
        if os.fork() == 0:  # children inherit the filter
            try:
                socket.socket(socket.AF_INET); os._exit(1)
            except PermissionError:
                os._exit(0)
        print("child", os.wait()[1] >> 8)
        print("thread", result["thread"])
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:4] == ["refused AF_INET", "refused AF_INET6", "child 0",
                                          "thread PermissionError"]
    assert listener.connections == 0


def test_engine_in_a_sandboxed_process_reaches_no_listener(listener: Listener) -> None:
    proc = _in_child(f"""
        import pyoxigraph
        from exchange_kg.serve.sandbox import deny_network
        assert deny_network() is None
        store = pyoxigraph.Store()
        for iri in ("http://127.0.0.1:{listener.port}/sparql",
                    "http://localhost:{listener.port}/sparql"):
            try:
                list(store.query("SELECT * WHERE {{ SERVICE <" + iri + "> {{ ?s ?p ?o }} }}"))
                print("answered")
            except OSError as exc:
                print("error:", exc)
    """)
    assert proc.returncode == 0, proc.stderr
    errors = proc.stdout.strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("error:") for line in errors), proc.stdout
    assert listener.connections == 0


def test_the_listener_would_see_an_unsandboxed_engine(listener: Listener) -> None:
    """The control: without the sandbox the same query does reach the listener."""
    proc = _in_child(f"""
        import pyoxigraph
        try:
            list(pyoxigraph.Store().query(
                "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/s> {{ ?s ?p ?o }} }}"))
        except OSError:
            pass
    """)
    assert proc.returncode == 0, proc.stderr
    assert listener.connections >= 1


def test_deny_network_is_installed_here() -> None:
    """This test machine supports the sandbox, so the server tests below exercise it."""
    proc = _in_child("from exchange_kg.serve.sandbox import deny_network; "
                     "print(deny_network())")
    assert proc.stdout.strip() == "None", proc.stdout + proc.stderr
    assert deny_network.__module__ == "exchange_kg.serve.sandbox"


# --- through the real server ---------------------------------------------------------------

def attacks(port: int) -> list[str]:
    target = f"http://127.0.0.1:{port}/sparql"
    escaped = "".join(f"\\u{ord(c):04X}" for c in f"127.0.0.1:{port}")
    return [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{target}> {{ ?s ?p ?o }} }}",
        # the comment-escape bypass of the old guard, both escape lengths
        f'SELECT * WHERE {{ # \\u000A """\nSERVICE <{target}> {{ ?s ?p ?o }} }} # """',
        f'SELECT * WHERE {{ # \\U0000000A """\nSERVICE <{target}> {{ ?s ?p ?o }} }} # """',
        f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"PREFIX t: <http://127.0.0.1:{port}/> "
        f"SELECT * WHERE {{ SERVICE t:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <http://{escaped}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <http://localhost:{port}/sparql> {{ ?s ?p ?o }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?a ?b ?c }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ OPTIONAL {{ SERVICE <{target}> "
        f"{{ ?s ?p ?o }} }} }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<'>') SERVICE <{target}> {{ ?a ?b ?c }} "
        f"FILTER('x') }}",
        f"SELECT * WHERE {{ VALUES ?x {{ true }} ?s ?p trueSERVICE<{target}>{{}} }}",
    ]


def _request(url: str, query: str, method: str) -> tuple[int, str]:
    data = None
    if method == "GET":
        url = f"{url}/sparql?" + urllib.parse.urlencode({"query": query})
    else:
        url, data = f"{url}/sparql", urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(url, data=data, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture(scope="module")
def server(serve_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    log = tmp_path_factory.mktemp("logs") / "server.log"
    with running_server(serve_dist, log, "--workers", "2", "--cache-mb", "0") as url:
        yield url


def test_server_workers_are_sandboxed(server: str) -> None:
    with urllib.request.urlopen(f"{server}/health") as response:
        assert json.load(response)["network_sandbox"] is True


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_query_reaches_a_listener(server: str, listener: Listener, method: str) -> None:
    statuses = []
    for query in attacks(listener.port):
        status, body = _request(server, query, method)
        statuses.append(status)
        assert status != 500, (query, body)
        if status == 403:
            assert "SERVICE is not allowed" in body
    # a call in the pattern itself is refused; inside FILTER EXISTS the engine treats the
    # failed call as a filter error, as it treats any error there
    assert statuses[:4] == [403] * 4
    silent = f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{listener.port}/s> {{ }} }}"
    status, body = _request(server, silent, method)
    assert status == 200, body  # SILENT: the failure is ignored, as the standard says
    assert listener.connections == 0


def test_query_page_reaches_no_listener(server: str, listener: Listener) -> None:
    query = attacks(listener.port)[2]
    url = f"{server}/query?" + urllib.parse.urlencode({"query": query})
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(url, timeout=30).read()
    assert listener.connections == 0


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>\n"
    "SELECT ?s WHERE { ?s a sd:Service }",
    'SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "Service")) } LIMIT 1',
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://x/> {}",
])
def test_mentioning_service_is_not_using_it(server: str, query: str) -> None:
    status, body = _request(server, query, "GET")
    assert status == 200, body


def test_update_is_refused_with_a_reason(server: str) -> None:
    status, body = _request(server, "PREFIX : <http://x/> INSERT DATA { :a :b :c }", "POST")
    assert status == 403 and "read-only" in body
