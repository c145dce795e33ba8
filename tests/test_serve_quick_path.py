"""Query answers written by the HTTP protocol itself (``connections``, ``app.EndpointFirst.
quick``): the same bytes as uvicorn's ASGI cycle writes for the same request, and every
request it does not answer handed on whole to that cycle."""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from uvicorn.server import ServerState

from exchange_kg.serve import connections
from exchange_kg.serve.app import EndpointFirst, create_app
from exchange_kg.serve.config import ServeConfig
from exchange_kg.serve.runtime import Runtime
from test_serve_support import serve_dist  # noqa: F401  (fixture)

BASE = "https://w3id.org/exchange-kg/"
XKG = "https://w3id.org/exchange-kg/ontology#"


class Transport:
    """What the protocol writes, and whether it closed the connection."""

    def __init__(self) -> None:
        self.data = b""
        self.closed = False

    def write(self, data: bytes) -> None:
        self.data += data

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: object = None) -> object:
        return ("127.0.0.1", 18300) if name in ("peername", "sockname") else default

    def get_write_buffer_size(self) -> int:
        return 0

    def pause_reading(self) -> None:
        """Flow control: nothing to pause here."""

    def resume_reading(self) -> None:
        """Flow control: nothing to resume here."""


@pytest.fixture(scope="module")
def app(serve_dist: Path) -> Iterator[EndpointFirst]:  # noqa: F811
    config = ServeConfig(dist_dir=serve_dist, base=BASE, workers=1, cache_mb=0)
    served = create_app(config)
    runtime = Runtime(config)
    served.state.runtime = runtime
    yield served
    runtime.close()


@pytest.fixture(scope="module")
def subject(app: EndpointFirst) -> str:
    found = app.state.runtime.store.query(
        f"SELECT ?a WHERE {{ ?a a <{XKG}Agreement> }} ORDER BY ?a LIMIT 1")
    return str(next(iter(found))["a"].value)


def _exchange(app: EndpointFirst, request: bytes, quick: bool) -> tuple[bytes, bool, int]:
    """The bytes a connection gets for ``request``, whether it was closed, and how many
    requests took the quick path (wrapped)."""
    answered = []

    def counting(*args: object) -> object:
        found = app.quick(*args)  # type: ignore[arg-type]
        answered.extend([found] if found is not None else [])
        return found

    async def scenario() -> tuple[bytes, bool]:
        config = uvicorn.Config(app, access_log=False, log_level="warning",
                                http=connections.bounded_protocol(
                                    10, 16, counting if quick else None))
        config.load()
        protocol = config.http_protocol_class(config=config, server_state=ServerState(),
                                              app_state={})
        transport = Transport()
        protocol.connection_made(transport)  # type: ignore[arg-type]
        protocol.data_received(request)
        for _ in range(500):  # until every response has been written
            await asyncio.sleep(0.002)
            if transport.data.count(b"HTTP/1.1 ") >= request.count(b" HTTP/1."):
                await asyncio.sleep(0.01)
                break
        protocol.connection_lost(None)
        return transport.data, transport.closed

    data, closed = asyncio.run(scenario())
    return data, closed, len(answered)


def _post(path: str, body: str, content_type: str, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: x", f"Content-Type: {content_type}",
             f"Content-Length: {len(body.encode())}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def _requests(subject: str) -> list[tuple[bytes, int]]:
    """(request bytes, how many of its requests the quick path answers)."""
    select = f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}"
    form = urllib.parse.urlencode({"query": select})
    describe = urllib.parse.urlencode({"query": f"DESCRIBE <{subject}>"})
    return [
        (f"GET /sparql?{form} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 1),
        (f"GET /sparql/?{describe}&format=ntriples HTTP/1.1\r\nHost: x\r\n"
         "Origin: https://a.example\r\n\r\n".encode(), 1),
        (_post("/sparql", form, "application/x-www-form-urlencoded",
               "Accept: application/sparql-results+json"), 1),
        (_post("/sparql", select, "application/sparql-query; charset=utf-8",
               "Accept: text/csv"), 1),
        (_post("/sparql?download=1", describe, "application/x-www-form-urlencoded",
               "Accept: text/turtle", "Connection: close"), 1),
        (f"GET /sparql?{form} HTTP/1.0\r\n\r\n".encode(), 1),
        # two requests at once: both answered, in order
        (f"GET /sparql?{form} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
         + _post("/sparql", describe, "application/x-www-form-urlencoded"), 2),
        # handed on: a protocol error, an update, a browser, the service description, a
        # body past the quick path's size, two lengths
        (_post("/sparql", form, "text/plain"), 0),
        (_post("/sparql", urllib.parse.urlencode({"update": "CLEAR ALL"}),
               "application/x-www-form-urlencoded"), 0),
        (f"GET /sparql?{form} HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n".encode(), 0),
        (b"GET /sparql HTTP/1.1\r\nHost: x\r\nAccept: text/turtle\r\n\r\n", 0),
        (_post("/sparql", form + "&x=" + "y" * connections.QUICK_BODY,
               "application/x-www-form-urlencoded"), 0),
        (_post("/sparql", form, "application/x-www-form-urlencoded",
               "Transfer-Encoding: chunked"), 0),
    ]


def test_the_quick_path_writes_what_the_asgi_cycle_writes(app: EndpointFirst,
                                                          subject: str) -> None:
    for request, quick_answers in _requests(subject):
        mine = _exchange(app, request, quick=True)
        theirs = _exchange(app, request, quick=False)
        assert theirs[2] == 0 and mine[2] == quick_answers, request[:80]
        assert mine[:2] == theirs[:2], request[:80]
        assert mine[0].startswith(b"HTTP/1.1 "), mine[0][:200]
