"""``publish``: the build replaces its graphs on a real Graph Store Protocol endpoint.

The happy path runs against a real ``oxigraph serve`` process (PyPI package ``oxigraph``),
started here on 127.0.0.1 on a free port and stopped by the fixture. Error paths use a tiny
stub server that answers what a misconfigured or failing store answers.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import DefaultGraph, RdfFormat, parse

from exchange_kg.httpauth import Authenticator, parse_challenges
from exchange_kg.processes import stop
from exchange_kg.publish import (
    EXIT_BAD_INPUT,
    EXIT_STORE_FAILED,
    GraphStoreClient,
    StoreAuthError,
    StoreRejectedError,
    StoreUnreachableError,
    default_deadline,
    graph_url,
    publish,
    publish_cmd,
    split_dump,
)

EX = "http://example.org/"
G1, G2 = f"{EX}graph/one", f"{EX}graph/two"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    beside_python = str(Path(sys.executable).parent)
    found = shutil.which("oxigraph") or shutil.which("oxigraph", path=beside_python)
    assert found, "the `oxigraph` command is missing: pip install oxigraph"
    return found


@pytest.fixture()
def oxigraph(tmp_path: Path) -> Iterator[str]:
    """A real, empty Oxigraph server on 127.0.0.1; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(tmp_path / "store"),
         "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:  # bounded wait for the server to listen
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "oxigraph serve did not start in 20 s"
                time.sleep(0.05)
        yield base
    finally:
        stop(proc, timeout=10)


def sparql(base: str, query: str) -> list[dict[str, str]]:
    req = urllib.request.Request(
        f"{base}/query", data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        rows = json.load(resp)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def store_counts(base: str) -> dict[str, int]:
    rows = sparql(base, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"]: int(r["n"]) for r in rows}


def dump_counts(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for quad in parse(path=str(path), format=RdfFormat.N_QUADS):
        assert not isinstance(quad.graph_name, DefaultGraph)
        name = quad.graph_name.value
        counts[name] = counts.get(name, 0) + 1
    return counts


def run_publish(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(publish_cmd, list(args), catch_exceptions=False)
    return result.exit_code, result.output


# --- against a real Oxigraph server ----------------------------------------------------------


def test_build_is_published_graph_by_graph_and_republishing_replaces(
        dist: Path, oxigraph: str) -> None:
    expected = dump_counts(dist / "exchange-kg.nq")
    assert any(name.endswith("/graph/ontology") for name in expected)
    assert len(expected) >= 6  # five sources and the ontology

    code, out = run_publish("--to", f"{oxigraph}/store", "--from", str(dist),
                            "--batch-size", "2000")
    assert code == 0, out
    assert store_counts(oxigraph) == expected
    # batching really happened: graphs over 2000 triples took several requests
    requests = [int(n) for n in re.findall(r"in (\d+) request\(s\)", out)]
    assert len(requests) == len(expected) and max(requests) > 1

    code, out = run_publish("--to", f"{oxigraph}/store", "--from", str(dist), "-q")
    assert code == 0, out
    assert store_counts(oxigraph) == expected  # replaced, not duplicated


def test_the_merged_graph_can_go_to_the_default_graph(dist: Path, oxigraph: str) -> None:
    code, out = run_publish("--to", f"{oxigraph}/store", "--from", str(dist),
                            "--with-default-graph", "-q")
    assert code == 0, out
    merged = sum(1 for ln in (dist / "exchange-kg.nt").read_text().splitlines() if ln.strip())
    rows = sparql(oxigraph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # default graph only
    assert rows == [{"n": str(merged)}]
    assert store_counts(oxigraph) == dump_counts(dist / "exchange-kg.nq")


def test_a_smaller_graph_replaces_the_larger_one(oxigraph: str, tmp_path: Path) -> None:
    big = tmp_path / "big.nq"
    big.write_text("".join(f"<{EX}s{i}> <{EX}p> \"{i}\" <{G1}> .\n" for i in range(50))
                   + f"<{EX}a> <{EX}p> <{EX}b> <{G2}> .\n")
    small = tmp_path / "small.nq"
    small.write_text(f"<{EX}s1> <{EX}p> \"1\" <{G1}> .\n")
    assert run_publish("--to", f"{oxigraph}/store", "--file", str(big), "--batch-size", "7")[0] == 0
    assert store_counts(oxigraph) == {G1: 50, G2: 1}
    assert run_publish("--to", f"{oxigraph}/store", "--file", str(small))[0] == 0
    # G1 is replaced by the new content; G2, not in this dump, is left alone
    assert store_counts(oxigraph) == {G1: 1, G2: 1}


def test_blank_nodes_survive_batching(oxigraph: str, tmp_path: Path) -> None:
    lines = [f"<{EX}s{i}> <{EX}p> \"{i}\" <{G1}> .\n" for i in range(20)]
    for i in range(5):  # five blank nodes, each used by three triples
        lines += [f"<{EX}c{i}> <{EX}range> _:u{i} <{G1}> .\n",
                  f"_:u{i} <{EX}first> <{EX}x{i}> <{G1}> .\n",
                  f"_:u{i} <{EX}rest> <{EX}nil> <{G1}> .\n"]
    dump = tmp_path / "bnodes.nq"
    dump.write_text("".join(lines))
    for _ in range(2):  # a second publish must not add a second copy of the blank nodes
        assert run_publish("--to", f"{oxigraph}/store", "--file", str(dump),
                           "--batch-size", "3")[0] == 0
    rows = sparql(oxigraph, f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{G1}> {{
        ?c <{EX}range> ?u . ?u <{EX}first> ?x ; <{EX}rest> <{EX}nil> . FILTER(isBlank(?u)) }} }}""")
    assert rows == [{"n": "5"}]  # every blank node still joins its three triples
    assert store_counts(oxigraph) == {G1: 35}


# --- batching, unit level ----------------------------------------------------------------------


def test_blank_node_triples_all_go_into_the_first_request(tmp_path: Path) -> None:
    dump = tmp_path / "d.nq"
    dump.write_text(
        "".join(f"<{EX}s{i}> <{EX}p> <{EX}o{i}> <{G1}> .\n" for i in range(10))
        + f"_:b <{EX}p> \"x\" <{G1}> .\n<{EX}s> <{EX}q> _:b <{G1}> .\n"
        + f"<{EX}d> <{EX}p> \"in the default graph\" .\n")
    parts = split_dump(dump, tmp_path)
    assert [p.name for p in parts] == [None, G1]
    g1 = parts[1]
    bodies = [b.decode() for b in g1.batches(4)]
    assert len(bodies) == g1.request_count(4) == 3
    assert bodies[0].count("_:") == 2 and all("_:" not in b for b in bodies[1:])
    assert [b.count("\n") for b in bodies] == [6, 4, 2]
    assert len(list(g1.batches(0))) == 1 == g1.request_count(0)


def test_graph_url_encodes_the_graph_and_keeps_the_endpoint_query() -> None:
    assert graph_url("http://h:1/store", f"{EX}graph/a b") == \
        "http://h:1/store?graph=http%3A%2F%2Fexample.org%2Fgraph%2Fa%20b"
    assert graph_url("http://h/ds/data?x=1", None) == "http://h/ds/data?x=1&default"


def test_dry_run_reads_the_dump_and_sends_nothing(dist: Path) -> None:
    with StubStore([]) as stub:
        code, out = run_publish("--to", stub.url, "--from", str(dist), "--dry-run")
    assert code == 0, out
    assert stub.requests == []
    assert "would replace <https://w3id.org/exchange-kg/graph/ontology>" in out
    assert "would publish" in out


def test_a_missing_dump_is_bad_input(tmp_path: Path) -> None:
    code, out = run_publish("--to", "http://127.0.0.1:9/store", "--from", str(tmp_path))
    assert code == EXIT_BAD_INPUT
    assert "exchange-kg.nq: no such file" in out


# --- error paths, against a stub store ---------------------------------------------------------


class StubStore:
    """An HTTP server on 127.0.0.1 answering each request with the next scripted response
    (status, headers, body); records method, target, headers and body of every request."""

    def __init__(self, responses: list[tuple[int, dict[str, str], str]]) -> None:
        self.responses = list(responses)
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                stub.requests.append((self.command, self.path, dict(self.headers), body))
                status, headers, text = stub.responses.pop(0) if stub.responses else (204, {}, "")
                data = text.encode()
                self.send_response(status)
                for k, v in {**headers, "Content-Length": str(len(data))}.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_PUT = do_POST = do_GET = _any

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StubStore:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture()
def tiny_dump(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.nq"
    path.write_text(f"<{EX}s> <{EX}p> \"o\" <{G1}> .\n")
    return path


def test_401_names_the_url_and_how_to_pass_credentials(tiny_dump: Path) -> None:
    with StubStore([(401, {"WWW-Authenticate": 'Basic realm="store"'}, "Unauthorized")]) as stub:
        code, out = run_publish("--to", stub.url, "--file", str(tiny_dump), "--backoff", "0")
    assert code == EXIT_STORE_FAILED
    assert stub.url in out and "--user" in out and "EXCHANGE_KG_PUBLISH_USER" in out
    assert len(stub.requests) == 1  # an auth failure is not retried


def test_credentials_wait_for_the_challenge_and_a_second_refusal_is_final(
        tiny_dump: Path) -> None:
    with StubStore([(401, {"WWW-Authenticate": 'Basic realm="store"'}, ""),
                    (403, {}, "Forbidden")]) as stub:
        client = GraphStoreClient(stub.url, Authenticator("ann", "pw"))
        with pytest.raises(StoreAuthError, match="refused the credentials"):
            publish(tiny_dump, client)
    assert "Authorization" not in stub.requests[0][2]  # not sent before the store asked
    assert stub.requests[1][2]["Authorization"] == "Basic YW5uOnB3"
    assert len(stub.requests) == 2


def test_user_option_and_password_env_make_basic_auth(tiny_dump: Path) -> None:
    with StubStore([(401, {"WWW-Authenticate": 'Basic realm="store"'}, ""),
                    (204, {}, ""), (204, {}, "")]) as stub:
        result = CliRunner().invoke(publish_cmd, ["--to", stub.url, "--file", str(tiny_dump),
                                                  "--user", "ann"],
                                    env={"EXCHANGE_KG_PUBLISH_PASSWORD": "pw"})
    assert result.exit_code == 0, result.output
    method, target, headers, body = stub.requests[1]
    assert method == "PUT" and target == "/store?graph=" + urllib.parse.quote(G1, safe="")
    assert headers["Authorization"] == "Basic YW5uOnB3"
    assert headers["Content-Type"] == "application/n-triples"
    assert body == f"<{EX}s> <{EX}p> \"o\" .\n".encode()
    assert len(stub.requests) == 2


def test_a_403_without_a_challenge_gets_basic_once(tiny_dump: Path) -> None:
    with StubStore([(403, {}, "Forbidden"), (204, {}, "")]) as stub:
        publish(tiny_dump, GraphStoreClient(stub.url, Authenticator("ann", "pw")))
    assert [r[2].get("Authorization") for r in stub.requests] == [None, "Basic YW5uOnB3"]


def _digest_expected(params: dict[str, str], method: str, password: str) -> str:
    ha1 = hashlib.md5(f"{params['username']}:{params['realm']}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{params['uri']}".encode()).hexdigest()
    return hashlib.md5(f"{ha1}:{params['nonce']}:{params['nc']}:{params['cnonce']}:auth:{ha2}"
                       .encode()).hexdigest()


def test_digest_answers_the_challenge_and_reuses_the_nonce(tmp_path: Path) -> None:
    dump = tmp_path / "two.nq"
    dump.write_text(f"<{EX}s> <{EX}p> \"o\" <{G1}> .\n<{EX}s> <{EX}p> \"o\" <{G2}> .\n")
    challenge = ('Digest realm="SPARQL", domain="/store", nonce="n0nce", '
                 'opaque="0paque", stale="false", qop="auth", algorithm="MD5"')
    with StubStore([(401, {"WWW-Authenticate": challenge, "Connection": "close"}, ""),
                    (201, {}, ""), (201, {}, "")]) as stub:
        publish(dump, GraphStoreClient(stub.url, Authenticator("dba", "s3cret")))
    assert "Authorization" not in stub.requests[0][2]
    answers = []
    for method, target, headers, _ in stub.requests[1:]:
        scheme, _, rest = headers["Authorization"].partition(" ")
        assert scheme == "Digest"
        params = parse_challenges([f"Digest {rest}"])[0].params
        assert params["uri"] == target and params["opaque"] == "0paque"
        assert params["response"] == _digest_expected(params, method, "s3cret")
        answers.append(params["nc"])
    assert answers == ["00000001", "00000002"]  # one challenge, the nonce counted up
    assert len(stub.requests) == 3


def test_a_refused_digest_for_a_fresh_nonce_is_final_an_expired_one_is_renewed(
        tiny_dump: Path) -> None:
    def challenge(nonce: str, stale: str = "false") -> dict[str, str]:
        return {"WWW-Authenticate": f'Digest realm="r", nonce="{nonce}", qop="auth", '
                                    f'stale="{stale}"'}
    with (StubStore([(401, challenge("a"), ""), (401, challenge("b"), "")]) as stub,
          pytest.raises(StoreAuthError, match="refused the credentials")):
        publish(tiny_dump, GraphStoreClient(stub.url, Authenticator("dba", "wrong")))
    assert len(stub.requests) == 2
    auth = Authenticator("dba", "pw")
    assert auth.retry_after_refusal(None, [challenge("a")["WWW-Authenticate"]])
    auth.header("PUT", "/x")
    auth.header("PUT", "/x")  # the nonce reused
    assert auth.retry_after_refusal("Digest ...", [challenge("b", "true")["WWW-Authenticate"]])
    assert 'nonce="b"' in (auth.header("PUT", "/x") or "")


def test_challenges_are_parsed_as_rfc_7235_says() -> None:
    parsed = parse_challenges(['Basic realm="a, b", Digest realm="x\\"y", nonce=abc, qop="auth"'])
    assert [(c.scheme, c.params) for c in parsed] == [
        ("basic", {"realm": "a, b"}),
        ("digest", {"realm": 'x"y', "nonce": "abc", "qop": "auth"})]


def test_a_bearer_token_is_sent_with_every_request(tiny_dump: Path) -> None:
    with StubStore([(204, {}, "")]) as stub:
        publish(tiny_dump, GraphStoreClient(stub.url, Authenticator(token="t0k")))
    assert stub.requests[0][2]["Authorization"] == "Bearer t0k"


def test_400_is_reported_with_the_servers_message(tiny_dump: Path) -> None:
    with StubStore([(400, {}, "Parse error at line 1:\n unexpected token")]) as stub:
        code, out = run_publish("--to", stub.url, "--file", str(tiny_dump), "--backoff", "0")
    assert code == EXIT_STORE_FAILED
    assert "HTTP 400" in out and "Parse error at line 1: unexpected token" in out
    assert len(stub.requests) == 1


def test_5xx_is_retried_with_backoff_until_it_succeeds(tiny_dump: Path) -> None:
    sleeps: list[float] = []
    with StubStore([(503, {}, "busy"), (500, {"Retry-After": "2"}, "oops"), (204, {}, "")]) as stub:
        client = GraphStoreClient(stub.url, retries=3, backoff=0.5, sleep=sleeps.append)
        results = publish(tiny_dump, client)
    assert [r.triples for r in results] == [1]
    assert len(stub.requests) == 3
    assert 0.5 * 0.75 <= sleeps[0] <= 0.5 * 1.25  # first backoff, with jitter
    assert 2 * 0.75 <= sleeps[1] <= 2 * 1.25  # Retry-After honoured


def test_persistent_5xx_gives_up_after_the_retries(tiny_dump: Path) -> None:
    with StubStore([(502, {}, "bad gateway")] * 3) as stub:
        client = GraphStoreClient(stub.url, retries=2, backoff=0, sleep=lambda s: None)
        with pytest.raises(StoreRejectedError, match="HTTP 502: bad gateway.*3 attempts"):
            publish(tiny_dump, client)
    assert len(stub.requests) == 3


def test_unreachable_port_is_reported_after_retrying(tiny_dump: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"  # nothing listens there
    client = GraphStoreClient(url, retries=2, backoff=0, sleep=lambda s: None)
    with pytest.raises(StoreUnreachableError, match="connection refused.*3 attempts"):
        publish(tiny_dump, client)
    code, out = run_publish("--to", url, "--file", str(tiny_dump), "--retries", "0")
    assert code == EXIT_STORE_FAILED and f"cannot reach the store at {url}" in out


class SilentStore:
    """A listener on 127.0.0.1 that accepts connections, reads what it is sent and never
    answers: the worst store to publish to."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/store"
        self.accepted = 0
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(conn)

    def __enter__(self) -> SilentStore:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()
        self.thread.join(timeout=5)


def test_a_store_that_never_answers_costs_the_deadline_not_retries_times_timeout(
        tiny_dump: Path) -> None:
    with SilentStore() as store:
        started = time.monotonic()
        code, out = run_publish("--to", store.url, "--file", str(tiny_dump), "--deadline", "2",
                                "--timeout", "60", "--retries", "5")
        took = time.monotonic() - started
    assert code == EXIT_STORE_FAILED
    assert "deadline of 2 s" in out and store.url in out
    assert took < 30  # without the deadline: 6 attempts x 60 s
    assert store.accepted >= 1


def test_the_deadline_also_cuts_a_request_in_flight(tiny_dump: Path) -> None:
    with SilentStore() as store:
        client = GraphStoreClient(store.url, timeout=60, retries=0, deadline=1.0)
        started = time.monotonic()
        with pytest.raises(StoreUnreachableError, match="deadline of 1 s"):
            publish(tiny_dump, client)
        assert time.monotonic() - started < 20


def test_the_default_deadline_grows_with_the_dump(tmp_path: Path) -> None:
    small, big = tmp_path / "small.nq", tmp_path / "big.nq"
    small.write_bytes(b"x" * 1000)
    big.write_bytes(b"x" * 50_000_000)
    assert default_deadline(small) == pytest.approx(60.0, abs=0.01)
    assert default_deadline(big) == pytest.approx(110.0)
    assert default_deadline(small, tmp_path / "missing.nt") == default_deadline(small)
