"""Publish a build to an external SPARQL 1.1 Graph Store Protocol endpoint (``publish``).

When one machine is not enough to serve the graph, the build is handed over to an existing
store (Oxigraph server, Fuseki, GraphDB, ...). The Graph Store Protocol is the one interface
they all speak, so this module uses nothing else: each named graph of the build's N-Quads dump
(one per source document, plus the ontology) is *replaced* on the store, never appended to, so
publishing the same build twice leaves the store as publishing it once.

Large graphs are sent in batches: the first request is a PUT (replace the graph), the rest are
POSTs (add to it). Trade-off: between the PUT and the last POST, readers of the store see a
partly loaded graph, and a failure half-way leaves it partial until the next publish (which
starts again with a PUT, so rerunning repairs it). ``batch_size=0`` sends each graph in one PUT,
which is atomic per graph on every store we know, at the cost of one large request body.

Blank nodes make two things unsafe that are safe for ground triples: a blank node label only
means the same node within one request body, and re-sending a triple with a blank node (a retry
after a lost response) adds a second copy. So every triple with a blank node goes into the
graph's first request, the PUT, which replaces the graph and can be retried freely; the POSTs
carry only ground triples, which a store holds as a set, so retrying them is idempotent too.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import os
import random
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import quote, urlsplit, urlunsplit

import click

from exchange_kg import virtuoso_loader
from exchange_kg.httpauth import Authenticator

USER_ENV = "EXCHANGE_KG_PUBLISH_USER"
PASSWORD_ENV = "EXCHANGE_KG_PUBLISH_PASSWORD"
TOKEN_ENV = "EXCHANGE_KG_PUBLISH_TOKEN"

DEFAULT_BATCH_SIZE = 50_000
DEFAULT_RETRIES = 5
DEFAULT_BACKOFF = 0.5
DEFAULT_TIMEOUT = 120.0
MAX_BACKOFF = 30.0
# The default total deadline: a minute, plus a second per megabyte to send (a store taking
# longer than that per megabyte is not one to wait for). A store that accepts connections and
# never answers then costs about a minute for the bundled build, not retries x timeout.
DEADLINE_BASE = 60.0
DEADLINE_PER_MB = 1.0
NTRIPLES = "application/n-triples"

# Exit codes of the command, in line with ``exchange-kg build``: 3 the input cannot be read,
# 4 the store could not be reached, refused the credentials or rejected the data.
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_STORE_FAILED = 4

# Spooling: lines are buffered per graph and appended to that graph's file when the buffers
# hold this many lines in total, so memory stays bounded however many graphs a build has.
_SPOOL_FLUSH_LINES = 200_000

Progress = Callable[[str], None]


class PublishError(Exception):
    """The store did not accept the graph; the message says what to do about it."""


class StoreAuthError(PublishError):
    """The store answered 401 or 403."""


class StoreUnreachableError(PublishError):
    """No HTTP answer from the store, even after retrying."""


class StoreRejectedError(PublishError):
    """The store answered with a client error (4xx other than auth): retrying would not help."""


class BadInputError(PublishError):
    """The dump to publish is missing or cannot be parsed."""


# --- the dump, split per graph ------------------------------------------------------------


@dataclass
class GraphPart:
    """One graph of the dump: its triples as N-Triples lines, ready to be sent in batches.

    ``name`` is the graph IRI, or ``None`` for the default graph. Triples with a blank node are
    held in memory (they are few: OWL lists, restrictions) and always go into the first batch;
    ground triples are spooled to a file and streamed from it.
    """

    name: str | None
    spool: Path
    blank_lines: list[str] = field(default_factory=list)
    ground: int = 0

    @property
    def triples(self) -> int:
        return self.ground + len(self.blank_lines)

    def request_count(self, batch_size: int) -> int:
        if batch_size <= 0 or self.ground <= batch_size:
            return 1
        return 1 + -(-(self.ground - batch_size) // batch_size)

    def batches(self, batch_size: int) -> Iterator[bytes]:
        """Request bodies: the first (for the PUT) holds every blank-node triple plus up to
        ``batch_size`` ground triples; each further one up to ``batch_size`` ground triples."""
        first = True
        for chunk in self._ground_chunks(batch_size):
            yield "".join(self.blank_lines + chunk if first else chunk).encode("utf-8")
            first = False
        if first:  # no ground triples: the PUT still replaces the graph
            yield "".join(self.blank_lines).encode("utf-8")

    def _ground_chunks(self, batch_size: int) -> Iterator[list[str]]:
        if not self.ground:
            return
        chunk: list[str] = []
        with self.spool.open("r", encoding="utf-8") as fh:
            for line in fh:
                chunk.append(line)
                if len(chunk) == batch_size:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk


def _open_dump(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")


def split_dump(path: Path, workdir: Path) -> list[GraphPart]:
    """Read an N-Quads dump (optionally .gz) and spool it per graph into ``workdir``.

    Graphs come back sorted by name (the default graph first), so a publish is the same
    sequence of requests every time.
    """
    from pyoxigraph import BlankNode, DefaultGraph, RdfFormat, parse

    if not path.is_file():
        raise BadInputError(f"{path}: no such file (run `exchange-kg build` first, or pass "
                            "--from with the build's output folder)")
    parts: dict[str | None, GraphPart] = {}
    buffers: dict[str | None, list[str]] = {}
    buffered = 0

    def flush() -> None:
        nonlocal buffered
        for key, lines in buffers.items():
            if lines:
                with parts[key].spool.open("a", encoding="utf-8") as out:
                    out.writelines(lines)
                lines.clear()
        buffered = 0

    try:
        with _open_dump(path) as fh:
            for quad in parse(fh, format=RdfFormat.N_QUADS):
                g = quad.graph_name
                key = None if isinstance(g, DefaultGraph) else str(g)[1:-1]
                part = parts.get(key)
                if part is None:
                    part = parts[key] = GraphPart(key, workdir / f"graph-{len(parts)}.nt")
                    buffers[key] = []
                line = f"{quad.subject} {quad.predicate} {quad.object} .\n"
                if isinstance(quad.subject, BlankNode) or isinstance(quad.object, BlankNode):
                    part.blank_lines.append(line)
                else:
                    buffers[key].append(line)
                    part.ground += 1
                    buffered += 1
                    if buffered >= _SPOOL_FLUSH_LINES:
                        flush()
    except SyntaxError as exc:
        raise BadInputError(f"{path}: not valid N-Quads: {exc}") from None
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read: {exc}") from None
    flush()
    return sorted(parts.values(), key=lambda p: (p.name is not None, p.name or ""))


# --- the Graph Store Protocol client ----------------------------------------------------------


def graph_url(endpoint: str, graph: str | None) -> str:
    """The endpoint URL addressing one graph (indirect identification: ``?graph=`` or
    ``?default``), keeping any query the endpoint URL already has."""
    parts = urlsplit(endpoint)
    param = "default" if graph is None else f"graph={quote(graph, safe='')}"
    query = f"{parts.query}&{param}" if parts.query else param
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


@dataclass
class GraphStoreClient:
    """PUT and POST graphs to one Graph Store Protocol endpoint, retrying what may succeed on
    a second try (connection errors, timeouts, 408, 429, 5xx) with exponential backoff."""

    endpoint: str
    auth: Authenticator = field(default_factory=Authenticator)
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    sleep: Callable[[float], None] = time.sleep
    progress: Progress = lambda msg: None
    # seconds for everything this client sends, from its creation; None: no deadline
    deadline: float | None = None
    _conn: http.client.HTTPConnection | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{self.endpoint!r} is not an http(s) URL")
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port
        self._ends = None if self.deadline is None else time.monotonic() + self.deadline

    def _remaining(self) -> float | None:
        return None if self._ends is None else self._ends - time.monotonic()

    def _past_deadline(self, last: str) -> StoreUnreachableError:
        return StoreUnreachableError(
            f"gave up on the store at {self.endpoint} at the deadline of {self.deadline:g} s "
            f"(--deadline){'; last problem: ' + last if last else ''}")

    def put(self, graph: str | None, body: bytes) -> None:
        self._send("PUT", graph, body)

    def post(self, graph: str | None, body: bytes) -> None:
        self._send("POST", graph, body)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = (http.client.HTTPSConnection if self._scheme == "https"
                   else http.client.HTTPConnection)
            self._conn = cls(self._host, self._port, timeout=timeout)
        else:
            self._conn.timeout = timeout
            if self._conn.sock is not None:
                self._conn.sock.settimeout(timeout)
        return self._conn

    def _exchange(self, method: str, target: str, body: bytes, headers: dict[str, str],
                  remaining: float | None) -> tuple[int, str, http.client.HTTPResponse]:
        """One request and its whole answer. The socket timeout bounds each wait; a watchdog
        closes the connection at the deadline, so a store that trickles its answer a byte at
        a time cannot outlast it either."""
        timeout = self.timeout if remaining is None else max(0.01, min(self.timeout, remaining))
        conn = self._connection(timeout)
        watchdog = None
        if remaining is not None:
            watchdog = threading.Timer(max(0.01, remaining), _shut, (conn,))
            watchdog.daemon = True
            watchdog.start()
        try:
            try:
                conn.request(method, target, body=body, headers=headers)
            except (BrokenPipeError, ConnectionResetError) as exc:
                # The store may have answered before reading the whole body (Virtuoso does,
                # refusing credentials) and closed: its answer is still there to read.
                try:
                    resp = conn.getresponse()
                except (OSError, http.client.HTTPException):
                    raise exc from None
            else:
                resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
            return resp.status, text, resp
        finally:
            if watchdog is not None:
                watchdog.cancel()

    def _authenticated(self, method: str, target: str, body: bytes, headers: dict[str, str],
                       remaining: float | None) -> tuple[int, str, http.client.HTTPResponse]:
        """One request, sent again (at most twice) when the store answers 401 or 403 with a
        challenge the credentials can meet: a first Basic or Digest, an expired nonce."""
        for round_ in range(3):
            sent = self.auth.header(method, target)
            if sent is None:
                headers.pop("Authorization", None)
            else:
                headers["Authorization"] = sent
            status, text, resp = self._exchange(method, target, body, headers, remaining)
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            if status not in (401, 403) or round_ == 2 or not self.auth.retry_after_refusal(
                    sent, resp.msg.get_all("WWW-Authenticate") or []):
                break
            remaining = self._remaining()
            if remaining is not None and remaining <= 0:
                break
        return status, text, resp

    def _send(self, method: str, graph: str | None, body: bytes) -> None:
        url = graph_url(self.endpoint, graph)
        split = urlsplit(url)
        target = f"{split.path}?{split.query}"
        headers = {"Content-Type": NTRIPLES, "Content-Length": str(len(body))}
        attempts = max(1, self.retries + 1)
        last = ""
        for attempt in range(1, attempts + 1):
            delay = min(MAX_BACKOFF, self.backoff * 2 ** (attempt - 1))
            remaining = self._remaining()
            if remaining is not None and remaining <= 0:
                self.close()
                raise self._past_deadline(last)
            try:
                status, text, resp = self._authenticated(method, target, body, headers,
                                                         remaining)
            except socket.gaierror as exc:
                self.close()
                raise StoreUnreachableError(
                    f"cannot reach the store at {self.endpoint}: unknown host ({exc})") from None
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                last = _describe(exc)
            else:
                if 200 <= status < 300:
                    return
                if status in (401, 403):
                    raise StoreAuthError(_auth_message(self.endpoint, status, text,
                                                       self.auth.has_credentials))
                if status in (408, 429) or status >= 500:
                    last = f"HTTP {status}{_server_says(text)}"
                    retry_after = resp.getheader("Retry-After", "")
                    if retry_after.isdigit():
                        delay = min(MAX_BACKOFF, float(retry_after))
                else:
                    what = "graph" if graph else "default graph"
                    raise StoreRejectedError(
                        f"the store at {self.endpoint} rejected {method} of {what} "
                        f"{graph or ''} with HTTP {status}{_server_says(text)}".replace("  ", " "))
            remaining = self._remaining()
            if remaining is not None and remaining <= 0:
                raise self._past_deadline(last)
            if attempt < attempts:
                self.progress(f"  {method} failed ({last}); retrying in {delay:.1f}s "
                              f"[{attempt}/{attempts - 1}]")
                pause = delay * (0.75 + random.random() / 2)  # jitter: no thundering herd
                self.sleep(pause if remaining is None else min(pause, remaining))
        if last.startswith("HTTP "):
            raise StoreRejectedError(f"the store at {self.endpoint} kept failing: {last} "
                                     f"(after {attempts} attempts)")
        raise StoreUnreachableError(f"cannot reach the store at {self.endpoint}: {last} "
                                    f"(after {attempts} attempts)")


def _shut(conn: http.client.HTTPConnection) -> None:
    """Cut a connection from another thread: a request blocked on it fails at once."""
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


def default_deadline(*dumps: Path) -> float:
    """Seconds a publish of these files may take in all, by default (see DEADLINE_BASE)."""
    size = sum(p.stat().st_size for p in dumps if p.is_file())
    return DEADLINE_BASE + DEADLINE_PER_MB * size / 1e6


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running and the port right?)"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _server_says(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    return f": {text[:500]}{'…' if len(text) > 500 else ''}"


def _auth_message(endpoint: str, status: int, text: str, had_credentials: bool) -> str:
    what = "refused the credentials" if had_credentials else "requires credentials"
    hint = ""
    if urlsplit(endpoint).path.rstrip("/").endswith("/sparql-graph-crud"):
        hint = " (Virtuoso takes writes with credentials at /sparql-graph-crud-auth)"
    return (f"the store at {endpoint} {what} (HTTP {status}{_server_says(text)}){hint}; pass "
            f"--user NAME:PASSWORD (or set {USER_ENV} and {PASSWORD_ENV}; HTTP Basic or "
            f"Digest, as the store asks), or --token (or {TOKEN_ENV}) for a bearer token, of "
            "an account allowed to write graphs")


# --- publishing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphResult:
    name: str | None
    triples: int
    requests: int
    seconds: float


def publish(
    dump: Path,
    client: GraphStoreClient | None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress = lambda msg: None,
    default_graph: Path | None = None,
) -> list[GraphResult]:
    """Replace every graph of ``dump`` on the store. With ``client=None`` (a dry run) nothing
    is sent; the plan (graphs, triples, requests) is reported as if it had been.

    ``default_graph`` (the build's N-Triples dump) also replaces the store's default graph
    with the merged graph, for stores whose queries read the default graph and that have no
    "union default graph" setting: each triple once, however many documents state it."""
    results: list[GraphResult] = []
    with tempfile.TemporaryDirectory(prefix="exchange-kg-publish-") as tmp:
        (Path(tmp) / "named").mkdir()
        parts = split_dump(dump, Path(tmp) / "named")
        if default_graph is not None:
            if any(p.name is None for p in parts):
                raise BadInputError(f"{dump} has default-graph triples of its own; "
                                    "publish it without the merged default graph")
            (Path(tmp) / "default").mkdir()
            merged = split_dump(default_graph, Path(tmp) / "default")
            if any(p.name is not None for p in merged):
                raise BadInputError(f"{default_graph}: expected N-Triples (no named graphs)")
            parts = merged + parts
        for part in parts:
            label = part.name or "(default graph)"
            requests = part.request_count(batch_size)
            started = time.perf_counter()
            if client is not None:
                for i, body in enumerate(part.batches(batch_size)):
                    (client.put if i == 0 else client.post)(part.name, body)
            seconds = time.perf_counter() - started
            results.append(GraphResult(part.name, part.triples, requests, seconds))
            verb = "would replace" if client is None else "replaced"
            progress(f"{verb} <{label}>: {part.triples} triples in {requests} request(s)"
                     + ("" if client is None else f" ({seconds:.2f}s)"))
    return results


@click.command("publish")
@click.option("--to", "endpoint", required=True, metavar="URL",
              help="Graph Store Protocol endpoint of the store, e.g. an Oxigraph server's "
                   "/store, Fuseki's /DATASET/data, GraphDB's "
                   "/repositories/REPO/rdf-graphs/service, Virtuoso's "
                   "/sparql-graph-crud-auth; or virtuoso+isql://HOST[:1111] to load through "
                   "Virtuoso's bulk loader (large builds).")
@click.option("--from", "dist_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("dist"), show_default=True,
              help="The build's output folder; its exchange-kg.nq is published.")
@click.option("--file", "dump", type=click.Path(dir_okay=False, path_type=Path),
              help="Publish this N-Quads file (.nq or .nq.gz) instead.")
@click.option("--batch-size", type=click.IntRange(min=0), default=DEFAULT_BATCH_SIZE,
              show_default=True,
              help="Triples per request: the first is a PUT (replace), the rest POSTs (add). "
                   "0 sends each graph in one PUT (atomic per graph, one large body).")
@click.option("--user", default=lambda: os.environ.get(USER_ENV), metavar="NAME[:PASSWORD]",
              show_default=f"${USER_ENV}",
              help=f"User (HTTP Basic or Digest, as the store asks; the SQL user for "
                   f"virtuoso+isql); the password after a colon or in ${PASSWORD_ENV}.")
@click.option("--token", default=lambda: os.environ.get(TOKEN_ENV),
              show_default=f"${TOKEN_ENV}", help="Bearer token (instead of --user).")
@click.option("--retries", type=click.IntRange(min=0), default=DEFAULT_RETRIES,
              show_default=True,
              help="Retries per request on connection errors, timeouts, 408, 429 and 5xx, "
                   "with exponential backoff.")
@click.option("--backoff", type=click.FloatRange(min=0), default=DEFAULT_BACKOFF,
              show_default=True, help="Seconds before the first retry; doubled each time.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT,
              show_default=True, help="Seconds to wait for the store's answer to a request.")
@click.option("--deadline", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help=f"Seconds the whole publish may take, retries included; then exit 4. "
                   f"[default: {DEADLINE_BASE:g} plus {DEADLINE_PER_MB:g} per MB of the dump; "
                   "none for virtuoso+isql; 0: no deadline]")
@click.option("--with-default-graph", is_flag=True,
              help="Also replace the store's default graph with the merged graph "
                   "(exchange-kg.nt beside the N-Quads), for stores without a union default "
                   "graph. Leave off on a store whose default graph holds other data.")
@click.option("--load-dir", type=click.Path(file_okay=False, path_type=Path),
              help="virtuoso+isql: a folder the Virtuoso server may read (DirsAllowed) where "
                   "the dump is placed for its loader while it loads.  [default: the dump's "
                   "folder]")
@click.option("--server-dir", metavar="PATH",
              help="virtuoso+isql: the --load-dir folder as the server sees it, if its path "
                   "differs there (another machine's mount, a container).")
@click.option("--isql", "isql_program", metavar="PROGRAM",
              help="virtuoso+isql: Virtuoso's isql.  [default: isql-vt or isql on PATH]")
@click.option("--dry-run", is_flag=True,
              help="Read the dump and print the graphs and requests, send nothing.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final summary.")
def publish_cmd(endpoint: str, dist_dir: Path, dump: Path | None, batch_size: int,
                user: str | None, token: str | None, retries: int, backoff: float,
                timeout: float, deadline: float | None, with_default_graph: bool,
                load_dir: Path | None, server_dir: str | None, isql_program: str | None,
                dry_run: bool, quiet: bool) -> None:
    """Load the built graph into a SPARQL 1.1 Graph Store Protocol endpoint, or into
    Virtuoso through its bulk loader (--to virtuoso+isql://HOST:PORT).

    Every named graph of the build (one per source document, plus the ontology) replaces the
    graph of the same name on the store; graphs not in the build are left alone. Exits 2 if
    isql is missing, 3 if the dump cannot be read, 4 if the store cannot be reached, refuses
    the credentials or rejects the data.
    """
    def say(msg: str) -> None:
        click.echo(msg, err=True)

    progress = (lambda m: None) if quiet else say
    password = None
    if user is not None and ":" in user:
        user, password = user.split(":", 1)
    elif user is not None:
        password = os.environ.get(PASSWORD_ENV)
    dump = dump or dist_dir / "exchange-kg.nq"
    if endpoint.startswith(f"{virtuoso_loader.SCHEME}:"):
        if with_default_graph or token:
            raise click.UsageError("--with-default-graph and --token do not apply to "
                                   f"{virtuoso_loader.SCHEME}: Virtuoso's queries read every "
                                   "graph, and isql logs in with --user")
        _bulk(endpoint, dump, user, password, load_dir or dump.parent, server_dir,
              isql_program, deadline or None, dry_run, say, progress)
        return
    if load_dir or server_dir or isql_program:
        raise click.UsageError(f"--load-dir, --server-dir and --isql are for --to "
                               f"{virtuoso_loader.SCHEME}://HOST:PORT")
    merged = dump.with_name("exchange-kg.nt") if with_default_graph else None
    if deadline is None:
        deadline = default_deadline(dump, *([merged] if merged else []))
    try:
        client = None if dry_run else GraphStoreClient(
            endpoint, Authenticator(user, password, token), timeout=timeout, retries=retries,
            backoff=backoff, progress=progress, deadline=deadline or None)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--to") from None
    started = time.perf_counter()
    try:
        results = publish(dump, client, batch_size, progress, default_graph=merged)
    except BadInputError as exc:
        say(f"error: {exc}")
        sys.exit(EXIT_BAD_INPUT)
    except PublishError as exc:
        say(f"error: {exc}")
        sys.exit(EXIT_STORE_FAILED)
    finally:
        if client is not None:
            client.close()
    triples = sum(r.triples for r in results)
    requests = sum(r.requests for r in results)
    verb = "would publish" if dry_run else "published"
    say(f"{verb} {len(results)} graphs, {triples} triples in {requests} requests to "
        f"{endpoint}" + ("" if dry_run else f" in {time.perf_counter() - started:.1f}s"))


def _bulk(endpoint: str, dump: Path, user: str | None, password: str | None, load_dir: Path,
          server_dir: str | None, program: str | None, deadline: float | None, dry_run: bool,
          say: Progress, progress: Progress) -> None:
    """``publish --to virtuoso+isql://``: the bulk loader, with the exit codes of the rest."""
    try:
        target = virtuoso_loader.parse_target(endpoint)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--to") from None
    started = time.perf_counter()
    try:
        if not dump.is_file():
            raise virtuoso_loader.DumpError(f"{dump}: no such file (run `exchange-kg build` "
                                            "first, or pass --from with the build's folder)")
        if dry_run:
            graphs = virtuoso_loader.dump_graphs(dump)
            for name, n in graphs.items():
                progress(f"would replace <{name}>: {n} triples")
            say(f"would publish {len(graphs)} graphs, {sum(graphs.values())} triples through "
                f"the bulk loader of {target.url}, from {load_dir.resolve()}")
            return
        if user is None:
            raise click.UsageError(f"{virtuoso_loader.SCHEME} needs --user NAME[:PASSWORD] "
                                   f"(or ${USER_ENV}) of a DBA account")
        isql = virtuoso_loader.Isql(virtuoso_loader.find_isql(program), target, user,
                                    password or "", deadline=deadline)
        result = virtuoso_loader.bulk_load(dump, isql, load_dir.resolve(), server_dir,
                                           progress)
    except virtuoso_loader.LoaderError as exc:
        say(f"error: {exc}")
        sys.exit({"usage": EXIT_USAGE, "input": EXIT_BAD_INPUT}.get(exc.kind,
                                                                     EXIT_STORE_FAILED))
    say(f"published {len(result.graphs)} graphs, {sum(result.graphs.values())} triples "
        f"through the bulk loader of {target.url} in {time.perf_counter() - started:.1f}s")
