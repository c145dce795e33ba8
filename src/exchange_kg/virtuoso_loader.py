"""Publish a large build through Virtuoso's bulk loader (``publish --to virtuoso+isql://``).

Sending millions of triples through HTTP makes Virtuoso parse and insert them request by
request; its bulk loader reads the N-Quads file itself, from a folder it is allowed to read
(``DirsAllowed`` in its virtuoso.ini), in one pass. It is driven through ``isql``, Virtuoso's
SQL client, over the server's SQL port (1111 by default), with the same replace semantics as the
Graph Store path: every named graph of the dump is cleared and then loaded from the dump;
graphs not in the dump are left alone; loading twice equals loading once.

The order is chosen so that a mistake costs nothing: the file is registered (``ld_dir``) before
anything is cleared, so a folder the server cannot read, or does not see, fails with the store
untouched. Between the clear and the end of the load, readers see the graphs partly loaded; a
load that fails half-way leaves them so until the next publish, which starts by clearing them
again. Afterwards the triples per graph on the store are compared with the dump's.

``isql`` gets the password on its standard input, never on its command line (where other
users of the machine could read it).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SCHEME = "virtuoso+isql"
DEFAULT_PORT = 1111
ISQL_NAMES = ("isql-vt", "isql")  # Debian's name, then upstream's (unixODBC's isql is not it)

# Exit codes of isql scripts written here: one per step, so a failure names its step.
_STEP_CODES = {"register": 11, "clear": 12, "load": 13, "check": 14}
_CONNECT_FAILED = 3  # isql's own code when it cannot connect or log in

Progress = Callable[[str], None]


class LoaderError(Exception):
    """Base of the errors below; ``kind`` says which exit code the command gives."""

    kind = "rejected"


class LoaderUsageError(LoaderError):
    """The command cannot run as asked (no isql, credentials isql cannot take)."""

    kind = "usage"


class IsqlMissingError(LoaderUsageError):
    pass


class LoaderAuthError(LoaderError):
    kind = "auth"


class LoaderUnreachableError(LoaderError):
    kind = "unreachable"


class DumpError(LoaderError):
    kind = "input"


@dataclass(frozen=True)
class Target:
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"{SCHEME}://{self.host}:{self.port}"


def parse_target(url: str) -> Target:
    """``virtuoso+isql://HOST[:PORT]``: the server's SQL port, 1111 unless given."""
    parts = urlsplit(url)
    if parts.scheme != SCHEME or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(f"{url!r} is not {SCHEME}://HOST[:PORT]")
    return Target(parts.hostname, parts.port or DEFAULT_PORT)


def find_isql(explicit: str | None = None) -> str:
    """The path of Virtuoso's isql: the one given, or isql-vt / isql on PATH."""
    if explicit:
        found = shutil.which(explicit)
        if not found:
            raise IsqlMissingError(f"--isql {explicit}: no such program")
        return found
    for name in ISQL_NAMES:
        found = shutil.which(name)
        if found and _is_virtuoso_isql(found):
            return found
    raise IsqlMissingError(
        "Virtuoso's isql was not found on PATH (isql-vt or isql): install it (Debian: "
        "apt-get install virtuoso-opensource-7-bin) or pass --isql PATH")


def _is_virtuoso_isql(path: str) -> bool:
    try:
        out = subprocess.run([path, "-?"], capture_output=True, text=True, timeout=10,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "Virtuoso" in out.stdout + out.stderr


# --- the graphs of the dump ------------------------------------------------------------------


def dump_graphs(path: Path) -> dict[str, int]:
    """Triples per named graph of an N-Quads dump (.nq or .nq.gz), read line by line.

    Only the end of each line is looked at, which is exact for the one-statement-per-line
    N-Quads every writer produces (subject and predicate hold no spaces, so the term after
    them is the object and a fourth one the graph); a line of another shape (a comment after
    the statement, a statement over several lines, a blank node graph) sends the whole file
    through the full parser. The loader checks the rest of the syntax. Triples outside a
    named graph are refused: Virtuoso has no default graph of its own to put them in (its
    queries read all graphs).
    """
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    counts: Counter[bytes] = Counter()
    try:
        with opener(path, "rb") as fh:
            for number, line in enumerate(fh, 1):
                if line[-4:] == b"> .\n":  # the usual line, checked with as little as can be
                    last = line.rfind(b" <", 0, -4)
                    if last > line.find(b" ", line.find(b" ") + 1) > 0:  # after the predicate
                        counts[line[last + 2:-4]] += 1
                        continue
                graph = _last_graph(line)
                if graph:
                    counts[graph] += 1
                elif graph is None:
                    return _parsed_graphs(path)
                elif line.strip() and not line.lstrip().startswith(b"#"):
                    raise DumpError(f"{path}:{number}: a triple outside any named graph; the "
                                    "bulk loader needs a graph for each")
    except OSError as exc:
        raise DumpError(f"{path}: cannot read: {exc}") from None
    if any(_NOT_IRI.search(g) for g in counts):
        return _parsed_graphs(path)  # a literal held " <": the last " <" was not a graph
    return {g.decode("utf-8"): n for g, n in sorted(counts.items())}


_NOT_IRI = re.compile(rb'[\x00-\x20<>"{}|^`\\]')


def _last_graph(line: bytes) -> bytes | None:
    """The graph IRI of one N-Quads line; b"" for a line with no graph (or blank); None for a
    line this quick reading cannot be sure of."""
    body = line.rstrip()
    if not body or body.startswith(b"#"):
        return b""
    if not body.endswith(b"."):
        return None
    body = body[:-1].rstrip()
    if not body.endswith(b">"):
        # a literal, a blank node or a datatype ends the line: no IRI graph name here
        return None if body.rsplit(None, 1)[-1].startswith(b"_:") else b""
    start = body.rfind(b"<")
    if start <= 0 or body[start - 1] not in b" \t":
        return b""  # "..."^^<datatype> . : a triple
    if b'"' in body:  # the object is a literal, so the IRI after it names the graph
        return body[start + 1:-1]
    terms = len(body[:start].split())
    return body[start + 1:-1] if terms == 3 else b"" if terms == 2 else None


def _parsed_graphs(path: Path) -> dict[str, int]:
    from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, parse

    counts: Counter[str] = Counter()
    try:
        for quad in parse(path=str(path), format=RdfFormat.N_QUADS):
            g = quad.graph_name
            if isinstance(g, DefaultGraph):
                raise DumpError(f"{path}: a triple outside any named graph ({quad.subject} "
                                f"{quad.predicate} ...); the bulk loader needs a graph for each")
            if not isinstance(g, NamedNode):
                raise DumpError(f"{path}: blank node graph name {g}: the bulk loader cannot "
                                "replace a graph without a name")
            counts[g.value] += 1
    except SyntaxError as exc:
        raise DumpError(f"{path}: not valid N-Quads: {exc}") from None
    return dict(sorted(counts.items()))


# --- isql ------------------------------------------------------------------------------------


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _iri(text: str) -> str:
    if any(c in text for c in '<>"{}|^`\\') or any(ord(c) <= 0x20 for c in text):
        raise DumpError(f"graph name {text!r} is not an IRI the loader can address")
    return f"<{text}>"


@dataclass
class Isql:
    """Runs scripts with ``isql`` on one server, logged in as one user."""

    program: str
    target: Target
    user: str
    password: str
    deadline: float | None = None  # seconds for every script this runs, from its creation

    def __post_init__(self) -> None:
        self._ends = None if self.deadline is None else time.monotonic() + self.deadline

    def run(self, step: str, statements: list[str]) -> list[str]:
        """Run the statements, stopping at the first that fails; the lines they print that
        start with ``@@`` come back (the rest is isql's own chatter)."""
        code = _STEP_CODES[step]
        lines = [f"set DSN={self.target.host}:{self.target.port};",
                 f"set UID={_isql_value(self.user)};", f"set PWD={_isql_value(self.password)};",
                 "connect;", f"exit $if $neq $state OK {_CONNECT_FAILED} not;"]
        for statement in statements:
            # isql expands $macros in statements (not in set values): $$ is a literal $
            lines += [statement.rstrip(";").replace("$", "$$") + ";",
                      f"exit $if $neq $state OK {code} not;"]
        script = "\n".join(lines) + "\nexit;\n"
        remaining = None if self._ends is None else self._ends - time.monotonic()
        try:
            if remaining is not None and remaining <= 0:
                raise subprocess.TimeoutExpired(self.program, 0)
            proc = subprocess.run(
                [self.program, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF"],
                input=script, capture_output=True, text=True, timeout=remaining)
        except subprocess.TimeoutExpired:
            raise LoaderUnreachableError(
                f"gave up on {self.target.url} at the deadline of {self.deadline:g} s "
                f"(--deadline) while {step}ing; the server may still be at work (see "
                "DB.DBA.load_list)") from None
        except OSError as exc:
            raise IsqlMissingError(f"cannot run {self.program}: {exc}") from None
        error = _isql_error(proc.stderr)
        if proc.returncode == _CONNECT_FAILED or "CL034" in error or "S2801" in error:
            if "28000" in error or "Bad login" in error:
                raise LoaderAuthError(
                    f"{self.target.url} refused the login of {self.user!r} ({error}); pass "
                    "--user NAME:PASSWORD of a DBA account (the bulk loader's procedures "
                    "belong to DBA)")
            why = error or "isql could not connect"
            raise LoaderUnreachableError(f"cannot reach {self.target.url}: {why} (is the server "
                                         "running, and this its SQL port, ServerPort in "
                                         "[Parameters] of its virtuoso.ini?)")
        if proc.returncode == code or error:
            raise LoaderError(_explain(self.target, step, error))
        if proc.returncode != 0:
            raise LoaderError(f"isql stopped with exit code {proc.returncode} while {step}ing "
                              f"on {self.target.url}: {proc.stderr.strip()[:500]}")
        return [ln.strip()[2:] for ln in proc.stdout.splitlines() if ln.strip().startswith("@@")]


def _isql_value(text: str) -> str:
    """A value for isql's ``set NAME=VALUE``, quoted (isql has no escape inside quotes)."""
    if "\n" in text or "\r" in text or ('"' in text and "'" in text):
        raise LoaderUsageError("isql cannot be given a user name or password with a line "
                               "break, or with both kinds of quotes")
    return f"'{text}'" if '"' in text else f'"{text}"'


def _isql_error(stderr: str) -> str:
    """The first error isql printed, on one line."""
    m = re.search(r"\*\*\* Error (.*?)(?:\nat line \d+ of .*|\Z)", stderr, re.S)
    return " ".join(m.group(1).split()) if m else ""


def _explain(target: Target, step: str, error: str) -> str:
    if "SR186" in error or ("42000" in error and "ermission" in error):
        return (f"{target.url} refused the {step} step: {error}; the bulk loader needs a DBA "
                "account (--user)")
    if "FA003" in error or "access control" in error:
        return (f"{target.url} may not read the load folder: {error}; add the folder (or a "
                "parent) to DirsAllowed in [Parameters] of the server's virtuoso.ini and "
                "restart it")
    if "FA020" in error or "Unable to list" in error:
        return (f"{target.url} does not see the load folder: {error}; --load-dir must be a "
                "folder the server reads (on its machine, or a shared mount), and --server-dir "
                "its path there if that differs")
    return f"{target.url} failed while {step}ing: {error}"


# --- publishing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    graphs: dict[str, int]  # triples per graph, as the dump has them
    seconds: dict[str, float]  # per step: read, register, clear, load, check


def stage(dump: Path, load_dir: Path) -> Path:
    """A fresh folder in ``load_dir`` holding only the dump (hard-linked when it can be,
    copied otherwise), readable by the server's user: ``ld_dir`` then picks exactly it."""
    folder = load_dir / f"exchange-kg-load-{secrets.token_hex(6)}"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)  # mkdir's mode is masked by the umask
    target = folder / dump.name
    try:
        os.link(dump, target)
    except OSError:
        shutil.copyfile(dump, target)
    os.chmod(target, 0o644)
    return folder


def bulk_load(dump: Path, isql: Isql, load_dir: Path, server_dir: str | None = None,
              progress: Progress = lambda msg: None) -> LoadResult:
    """Replace every named graph of ``dump`` on the server through its bulk loader."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def done(step: str, what: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[step] = now - clock
        clock = now
        progress(f"{what} ({seconds[step]:.1f}s)")

    graphs = dump_graphs(dump)
    if not graphs:
        raise DumpError(f"{dump}: no triples to load")
    iris = [_iri(g) for g in graphs]
    triples = sum(graphs.values())
    done("read", f"read {dump}: {triples} triples in {len(graphs)} graph(s)")
    if not load_dir.is_dir():
        raise DumpError(f"--load-dir {load_dir}: no such folder")
    folder = stage(dump, load_dir)
    seen = f"{server_dir.rstrip('/')}/{folder.name}" if server_dir else str(folder)
    file = f"{seen}/{dump.name}"
    try:
        # ld_dir wants a graph for triples without one: there are none (dump_graphs refuses
        # them), the first graph of the dump stands in.
        rows = isql.run("register", [
            f"ld_dir({_sql_string(seen)}, '*', {_sql_string(next(iter(graphs)))})",
            "select sprintf('@@registered %d', count(*)) from DB.DBA.load_list "
            f"where ll_file = {_sql_string(file)} and ll_state = 0"])
        if rows != ["registered 1"]:
            raise LoaderError(
                f"{isql.target.url} does not see {file}: --load-dir must be a folder the "
                "server reads (on its machine, or a shared mount), and --server-dir its path "
                "there if that differs")
        done("register", f"registered {file} for the bulk loader")
        isql.run("clear", ["log_enable(3, 1)"] + [f"SPARQL CLEAR GRAPH {iri}" for iri in iris])
        done("clear", f"cleared {len(iris)} graph(s)")
        isql.run("load", ["rdf_loader_run()", "checkpoint"])
        done("load", f"loaded {triples} triples (rdf_loader_run, checkpoint)")
        rows = isql.run("check", [
            "select sprintf('@@state %d %s', ll_state, coalesce(ll_error, '')) "
            f"from DB.DBA.load_list where ll_file = {_sql_string(file)}",
            "select sprintf('@@count %d %s', count(*), id_to_iri(G)) from DB.DBA.RDF_QUAD "
            "where G in (" + ", ".join(f"iri_to_id({_sql_string(g)}, 0)" for g in graphs)
            + ") group by G"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _check(isql.target, file, rows, graphs)
    done("check", "checked load_list and the triples per graph")
    return LoadResult(graphs, seconds)


def _check(target: Target, file: str, rows: list[str], graphs: dict[str, int]) -> None:
    states = [r.split(" ", 2)[1:] for r in rows if r.startswith("state ")]
    if not states:
        raise LoaderError(f"{target.url}: {file} is not in DB.DBA.load_list after the load")
    state, error = states[0][0], (states[0][1] if len(states[0]) > 1 else "").strip()
    if error:
        raise LoaderError(
            f"Virtuoso's bulk loader rejected {file}: {error} (DB.DBA.load_list); its graphs "
            "are partly loaded until the dump is fixed and published again")
    if state != "2":
        raise LoaderError(f"{target.url}: {file} was not loaded (load_list state {state}): "
                          "another rdf_loader_run() may hold it; publish again when it is done")
    stored = {}
    for row in rows:
        if row.startswith("count "):
            _, n, g = row.split(" ", 2)
            stored[g] = int(n)
    wrong = {g: (n, stored.get(g, 0)) for g, n in graphs.items() if stored.get(g, 0) != n}
    if wrong:
        listed = "; ".join(f"<{g}>: {have} of {want}" for g, (want, have) in
                           list(wrong.items())[:5])
        raise LoaderError(f"{target.url} holds other triple counts than the dump after the "
                          f"load ({listed}{'; ...' if len(wrong) > 5 else ''})")
