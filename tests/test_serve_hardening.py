"""HTTP limits of the real server process: slow headers, too many connections, an ambiguous
request length, clients that leave mid-query, and paths that cannot name anything."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_serve_support import running_server, serve_dist  # noqa: F401  (fixture)

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(serve_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:  # noqa: F811
    log = tmp_path_factory.mktemp("logs") / "server.log"
    with running_server(serve_dist, log, "--workers", "1", "--timeout", "60",
                        "--header-timeout", "1", "--max-connections", "8",
                        "--cache-mb", "0") as url:
        yield url


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """True if the server closes ``sock`` within ``seconds`` (reading whatever it sends)."""
    sock.settimeout(seconds)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return False


def _health(url: str) -> dict[str, object]:
    with urllib.request.urlopen(f"{url}/health", timeout=10) as response:
        return json.load(response)


def test_headers_sent_too_slowly_lose_the_connection(server: str) -> None:
    sock = _connect(server)
    with sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        for _ in range(3):  # a byte now and then, as a slow-headers client does
            time.sleep(0.4)
            try:
                sock.sendall(b"X")
            except OSError:
                break
        assert _closed_within(sock, 5)
        assert time.monotonic() - started < 5


def test_a_slow_query_is_not_cut_by_the_header_timeout(server: str) -> None:
    # about 1.5 s here, longer than the 1 s the headers may take
    query = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c } "
             "{ SELECT ?d WHERE { GRAPH ?h { ?d ?e ?f } } LIMIT 300 } }")
    url = f"{server}/sparql?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as response:
        assert response.status == 200


def test_connections_past_the_cap_are_closed(server: str) -> None:
    idle = [_connect(server) for _ in range(8)]
    try:
        extra = _connect(server)
        with extra:
            assert _closed_within(extra, 2)
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.2)
    assert _health(server)["status"] == "ok"  # room again once they are gone


def test_ambiguous_length_is_refused_and_nothing_after_it_read(server: str) -> None:
    smuggled = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    request = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled)
    with _connect(server) as sock:
        sock.sendall(request)
        received = b""
        sock.settimeout(5)
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pytest.fail("the connection was kept open")
    assert received.startswith(b"HTTP/1.1 400")
    assert received.count(b"HTTP/1.1") == 1  # the smuggled request got no answer


def test_a_query_whose_client_left_is_stopped(server: str) -> None:
    before = int(_health(server)["workers_replaced"])
    body = urllib.parse.urlencode({"query": SLOW}).encode()
    with _connect(server) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        time.sleep(0.5)
    deadline = time.monotonic() + 15  # the query itself would run for the full 60 s
    while int(_health(server)["workers_replaced"]) == before:
        assert time.monotonic() < deadline, "the worker kept running the abandoned query"
        time.sleep(0.2)


@pytest.mark.parametrize("path", ["/a%20b", "/institution/%3C", "/x%22y", "/%7B", "/a%00",
                                  "/%FF", "/agreement/a%0Ab.ttl", "/institution/%5C"])
def test_paths_that_cannot_be_iris_are_not_found(server: str, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{server}{path}", timeout=10)
    assert caught.value.code == 404


def test_a_response_leaves_in_one_write_per_loop_turn() -> None:
    """uvicorn writes the head and the body of a response separately; the connection's
    transport sends both as one write when the loop turn ends, and sends before closing."""
    import asyncio

    from exchange_kg.serve.connections import CoalescingTransport

    class Recorder:
        def __init__(self) -> None:
            self.writes: list[bytes] = []
            self.closed = False

        def write(self, data: bytes) -> None:
            assert not self.closed
            self.writes.append(data)

        def is_closing(self) -> bool:
            return self.closed

        def close(self) -> None:
            self.closed = True

        def get_write_buffer_size(self) -> int:
            return 0

        def get_extra_info(self, name: str) -> str:
            return f"info:{name}"

    async def scenario() -> None:
        raw = Recorder()
        wrapped = CoalescingTransport(raw, asyncio.get_running_loop())  # type: ignore[arg-type]
        wrapped.write(b"HTTP/1.1 200 OK\r\n\r\n")
        wrapped.write(b"body")
        assert raw.writes == [] and wrapped.get_write_buffer_size() == 23
        assert wrapped.get_extra_info("peername") == "info:peername"
        await asyncio.sleep(0)
        assert raw.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
        wrapped.write(b"head")
        wrapped.write_now(b"whole")  # at once, after what waits
        assert raw.writes[-1] == b"headwhole"
        wrapped.write_now(b"alone")
        assert raw.writes[-1] == b"alone"
        wrapped.write(b"last")
        wrapped.close()
        assert raw.writes[-1] == b"last" and raw.closed
        await asyncio.sleep(0)
        assert len(raw.writes) == 4

    asyncio.run(scenario())


def test_pipelined_requests_get_whole_answers_in_order(server: str) -> None:
    """A lookup answered in the web process, a query answered by a worker and a HEAD (a
    response without a body) sent at once on one connection."""
    lookup = urllib.parse.urlencode({"query": "ASK { <https://example.org/x> ?p ?o }"})
    other = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    sock = _connect(server)
    with sock:
        sock.sendall(f"GET /sparql?{lookup} HTTP/1.1\r\nHost: x\r\n\r\n"
                     f"GET /sparql?{other} HTTP/1.1\r\nHost: x\r\n\r\n"
                     "HEAD /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        data = b""
        while data.count(b"HTTP/1.1 200") < 3 or not data.endswith(b"\r\n\r\n"):
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
    first, second = data.split(b"HTTP/1.1 200")[1:3]
    assert first.endswith(b'"boolean":false}\n') and second.endswith(b'"boolean":true}\n')
    assert b"Disallow: /sparql" not in data  # the HEAD had no body
