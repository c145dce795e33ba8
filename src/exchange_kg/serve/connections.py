"""HTTP connections: the limits a public server needs and uvicorn leaves open.

- **Slow headers.** uvicorn closes a keep-alive connection that sends nothing, but a client
  that sends its headers a byte at a time keeps its connection, and a task, forever. Here a
  request's line and headers must arrive within ``header_timeout`` seconds of the connection
  opening (or of the previous response), else the connection is closed.
- **Too many connections.** Past ``max_connections`` open connections a new one is closed at
  once, before it costs a task or a buffer; uvicorn's own ``limit_concurrency`` answers 503
  only once a request has been read.
- **Two writes a response.** uvicorn writes a response's status line and headers, then its
  body, each straight to the socket: two system calls, two TCP segments and two wake-ups of
  the client for every answer (the largest single item of a point lookup's wall-clock
  profile in the server process). The connection's transport is wrapped
  (``CoalescingTransport``) so that what is written in one turn of the event loop leaves in
  one write at the end of that turn.
- **Ambiguous length.** A request with both ``Content-Length`` and ``Transfer-Encoding`` is
  read one way by us and perhaps the other way by a proxy in front: the bytes after it could
  be smuggled in as a request of their own. It is refused with 400 and the connection closed,
  as RFC 9112 (section 6.1) allows, so nothing after it is read.

- **Answers that need no waiting.** An ASGI request costs uvicorn a task, an event, a
  request-response cycle object and two ``send`` messages: 50-70 us of a point lookup whose
  own work (query and serialisation) takes less. A ``GET``/``POST /sparql`` is held by the
  protocol until its whole request is in (its body is small, or it is handed on) and offered
  to ``quick`` (``app.EndpointFirst.quick``): a lookup answered in the web process, or a kept
  answer, is framed and written here at once, with the same head uvicorn would write; any
  other request (a worker's query, an error, a browser) starts its ASGI cycle then, exactly
  as uvicorn would have started it, with the body already read.

The first four need the HTTP protocol object, so the server runs on a subclass of uvicorn's
httptools protocol that touches only its connection state (``cycle``, ``pipeline``,
``transport``) and the parser's callbacks; the last is plain ASGI middleware. httptools
(llhttp, in C) rather than h11 (pure Python): the server process spends a sixth less time on
a point lookup.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httptools
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

log = logging.getLogger("exchange_kg.serve")

# (method, query string, headers, body) -> (status, headers, body), or None: not answered
QuickAnswer = Callable[[str, bytes, list[tuple[bytes, bytes]], bytes],
                       tuple[int, list[tuple[bytes, bytes]], bytes] | None]
QUICK_PATHS = frozenset({b"/sparql", b"/sparql/"})
# a request body held for ``quick`` past this many bytes is handed to the ASGI app (no lookup
# is this long)
QUICK_BODY = 16_384


class CoalescingTransport:
    """A transport whose writes in one event-loop turn go out as one write when it ends.

    Everything but ``write`` and ``close`` is the wrapped transport's own (flow control
    included: the wrapped transport still calls the protocol's ``pause_writing``); a write
    waits at most until the loop's next turn, and ``close`` sends what waits first.
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(data)

    def write_now(self, data: bytes) -> None:
        """Send ``data``, after whatever waits, now: a whole response needs no joining."""
        if self._pending:
            self._pending.append(data)
            self._flush()
        elif not self._transport.is_closing():
            self._transport.write(data)

    def _flush(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending) if len(self._pending) > 1 else self._pending[0]
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def bounded_protocol(header_timeout: float, max_connections: int,
                     quick: QuickAnswer | None = None) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with a header deadline, a cap on open connections, one
    write a response and, with ``quick``, query answers written without an ASGI cycle."""

    class BoundedProtocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None
        # while a request is held for ``quick``: its body so far, method, query string and
        # whether the connection stays open after it
        _held: bytearray | None = None
        _held_request: tuple[str, bytes, bool] = ("", b"", False)

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(CoalescingTransport(  # type: ignore[arg-type]
                transport, self.loop))
            if len(self.connections) > max_connections:
                transport.close()
                return
            self._await_headers()

        def on_headers_complete(self) -> None:
            self._stop_waiting()
            if quick is not None and self._hold():
                return
            super().on_headers_complete()

        def _hold(self) -> bool:
            """Hold the request for ``quick`` if it may be one it answers and nothing is
            being answered on this connection (answers leave in order)."""
            method = self.parser.get_method()
            if (method not in (b"GET", b"POST") or self.expect_100_continue or self.access_log
                    or self.limit_concurrency is not None or self.root_path
                    or self.parser.should_upgrade() or self.pipeline or self.flow.write_paused
                    or (self.cycle is not None and not self.cycle.response_complete)):
                return False
            try:
                url = httptools.parse_url(self.url)
            except httptools.HttpParserError:
                return False
            if url.path not in QUICK_PATHS:
                return False
            keep_alive = (self.parser.get_http_version() != "1.0"
                          and self.parser.should_keep_alive())
            self._held = bytearray()
            self._held_request = (method.decode("ascii"), url.query or b"", keep_alive)
            return True

        def on_body(self, body: bytes) -> None:
            if self._held is None:
                super().on_body(body)
                return
            self._held += body
            if len(self._held) > QUICK_BODY:
                self._hand_on(complete=False)

        def on_message_complete(self) -> None:
            held = self._held
            if held is None:
                super().on_message_complete()
                return
            method, query_string, keep_alive = self._held_request
            try:
                answer = quick(method, query_string, self.headers, bytes(held))  # type: ignore[misc]
            except Exception:  # the ASGI path answers 500 and logs it
                log.debug("the quick path failed; handing the request on", exc_info=True)
                answer = None
            if answer is None:
                self._hand_on(complete=True)
            else:
                self._held = None
                self._write_answer(*answer, keep_alive)

        def _hand_on(self, complete: bool) -> None:
            """Start the held request's ASGI cycle, as uvicorn would have at its headers,
            with what of its body has come."""
            held, self._held = self._held, None
            super().on_headers_complete()
            if held:
                super().on_body(bytes(held))
            if complete:
                super().on_message_complete()

        def _write_answer(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes,
                          keep_alive: bool) -> None:
            """The response uvicorn would write for these headers, in one write."""
            content = [STATUS_LINE[status]]
            for name, value in (*self.server_state.default_headers, *headers):
                content += (name, b": ", value, b"\r\n")
            if not keep_alive:
                content.append(b"connection: close\r\n")
            content += (b"\r\n", body)
            self.transport.write_now(b"".join(content))  # type: ignore[attr-defined]
            if not keep_alive:
                self.transport.close()
            self.on_response_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._await_headers()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_waiting()
            super().connection_lost(exc)

        def _await_headers(self) -> None:
            self._stop_waiting()
            if not self.transport.is_closing():
                self._header_timer = self.loop.call_later(header_timeout, self._headers_late)

        def _stop_waiting(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_late(self) -> None:
            self._header_timer = None
            # the timer runs only until a request's headers are complete; a (pipelined)
            # request being answered is under the query time limit instead
            answering = self.cycle is not None and not self.cycle.response_complete
            if not answering:
                self.transport.close()

    return BoundedProtocol


class RejectAmbiguousLength:
    """400, and close the connection, for a request with two ways of saying its length."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            names = {name for name, _ in scope["headers"]}
            if b"content-length" in names and b"transfer-encoding" in names:
                body = b"a request may not have both Content-Length and Transfer-Encoding\n"
                await send({"type": "http.response.start", "status": 400, "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
