"""How well and how fast ``exchange-kg serve``'s reconciliation service matches names.

    python bench/reconcile.py                 # builds the bundled sources into --work
    python bench/reconcile.py --dist dist     # an existing build (its store is built if missing)

Against real server processes on 127.0.0.1 (started and stopped here), it prints:

* **bundled spellings**: every spelling of every institution of the graph (``skos:prefLabel``
  and ``skos:altLabel``, read through SPARQL), sent as OpenRefine sends it -- a form-encoded
  0.2 batch with the row's country, city and website as properties -- and again with the
  country only, and with nothing but the name. A spelling is *unique* when no other
  institution of its country has it (no other at all, for one without a country); for those,
  ``match: true`` on the right institution is expected. Precision = right / all matches.
* **variants**: the hand-written spellings of ``tests/fixtures/reconcile-variants.tsv``
  (typos, other languages, acronyms, namesakes, and look-alikes of institutions the graph does
  not hold): matches right / wrong, misses with the right institution first among the
  candidates, and misses.
* **latency**: wall time of 10-name batches (OpenRefine's batch size) of distinct names
  without a country (the widest search), after the first request built the index (its time is
  printed too): median and 95th percentile over ``--batches`` batches per service, the
  services taking turns batch by batch, with the load average of the machine.

The peer is what a user would stitch together by hand: the same institutions loaded into
datasette, one row per spelling with its country, served by the datasette-reconcile plugin
with a full-text index on the name (its strongest set-up: ranked word matches) and without
one (substring search), in a virtualenv of its own (``--no-peer`` to skip;
``$BENCH_DATASETTE_PYTHON`` to point at one). It is sent the same queries with the country,
the one property it can use (it filters a column by equality); it marks a candidate a match
when its name equals the query's.

``tests/test_serve_reconcile.py`` runs the same measurements and asserts on them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ROOT / "tests" / "fixtures" / "reconcile-variants.tsv"
FORM = "application/x-www-form-urlencoded"
BASE = "https://w3id.org/exchange-kg/"
PREFIXES = """PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
"""


# --------------------------------------------------------------------------- HTTP


def call(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=120) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, \
                response.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def get_json(url: str, **params: Any) -> Any:
    status, headers, body = call(url + ("?" + urlencode(params) if params else ""))
    assert status == 200, body
    assert headers["content-type"].split(";")[0].endswith("json"), headers
    return json.loads(body)


def post_form(url: str, **fields: Any) -> tuple[int, bytes]:
    data = urlencode({k: v if isinstance(v, str) else json.dumps(v)
                      for k, v in fields.items()}).encode()
    status, _, body = call(url, data, {"Content-Type": FORM})
    return status, body


def reconcile(endpoint: str, queries: dict[str, Any]) -> dict[str, Any]:
    """One 0.2 batch, as OpenRefine posts it to a service's endpoint."""
    status, body = post_form(endpoint, queries=queries)
    assert status == 200, body
    return json.loads(body)


def sparql(server: str, query: str) -> list[dict[str, str]]:
    data = get_json(f"{server}/sparql", query=query, format="json")
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def local(iri: str) -> str:
    return iri.removeprefix(BASE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command: list[str], ready: str) -> Iterator[str]:
    """``command`` (given ``{port}``, a free port of 127.0.0.1) until its ``ready`` path
    answers 200; stopped on exit."""
    port = free_port()
    proc = subprocess.Popen([c.format(port=port) for c in command],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if call(url + ready)[0] == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[:3]} did not start")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serving(dist: Path) -> AbstractContextManager[str]:
    """``exchange-kg serve`` of ``dist``."""
    return running([sys.executable, "-m", "exchange_kg.serve.cli", "-d", str(dist),
                    "--port", "{port}", "--log-level", "warning"], "/health")


# --------------------------------------------------------------------------- the graph


def institutions(server: str) -> dict[str, dict[str, set[str]]]:
    """What the graph says about each named institution, through SPARQL (not through the
    service measured): spellings ``l``, country ``c``, ``city``, ``url``, ``ror``, ``qid``."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in sparql(server, PREFIXES + """
            SELECT ?x ?l ?c ?city ?url ?ror ?qid WHERE {
              ?x a xkg:Institution .
              FILTER NOT EXISTS { ?x a xkg:UnidentifiedInstitution }
              { ?x skos:prefLabel|skos:altLabel ?l }
              UNION { ?x schema:address/schema:addressCountry ?c }
              UNION { ?x schema:address/schema:addressLocality ?city }
              UNION { ?x schema:url ?url }
              UNION { ?x xkg:rorId ?ror } UNION { ?x xkg:wikidataId ?qid }
            }"""):
        for key in ("l", "c", "city", "url", "ror", "qid"):
            if key in row:
                out[row["x"]][key].add(row[key])
    return out


@dataclass
class Figures:
    """Outcomes of one set of queries."""

    queries: int = 0
    right: int = 0  # match: true on the institution meant
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # (query, meant, matched)
    missed: list[tuple[str, str, object]] = field(default_factory=list)  # expected a match
    top_right: int = 0  # of the missed: the one meant is the first candidate
    not_matched: int = 0  # no match, none expected (shared spelling, absent institution)

    @property
    def matches(self) -> int:
        return self.right + len(self.wrong)

    def line(self, title: str) -> str:
        precision = f"{self.right / self.matches:.1%}" if self.matches else "-"
        expected = self.right + len(self.missed)
        recall = f"{self.right / expected:.1%}" if expected else "-"
        return (f"{title:34} {self.queries:5} {self.right:6} {len(self.wrong):6} "
                f"{len(self.missed):6} {self.top_right:9} {self.not_matched:9} "
                f"{precision:>10} {recall:>7}")


HEADER = (f"{'':34} {'n':>5} {'right':>6} {'wrong':>6} {'missed':>6} {'top1 ok':>9} "
          f"{'no match':>9} {'precision':>10} {'recall':>7}")


def bundled(endpoint: str, graph: dict[str, dict[str, set[str]]], context: str,
            pids: tuple[str, ...] | None = None) -> Figures:
    """Every spelling of the graph, with ``context`` "row" (country, city, website),
    "country" or "name" (nothing else); ``pids``: only these properties are sent."""
    from exchange_kg.serve.reconcile.adapter import name_key

    owners: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    for x, g in graph.items():
        country = next(iter(g["c"]), None)
        for label in g["l"]:
            owners[(country, name_key(label, country))].add(x)
    queries = []
    for x, g in sorted(graph.items()):
        country = next(iter(g["c"]), None) if context != "name" else None
        for label in sorted(g["l"]):
            key = name_key(label, country)
            shared = owners[(country, key)] if country else {
                y for (_, k), ys in owners.items() if k == key for y in ys}
            props = [{"pid": "country", "v": country}] if country else []
            if context == "row":
                props += [{"pid": "city", "v": sorted(g["city"])}] if g["city"] else []
                props += [{"pid": "website", "v": sorted(g["url"])}] if g["url"] else []
            props = [p for p in props if pids is None or p["pid"] in pids]
            queries.append((local(x), label, len(shared) == 1,
                            {"query": label, "type": "Institution", "properties": props}))
    return _run(endpoint, queries, 50)


def variants(endpoint: str, graph: dict[str, dict[str, set[str]]], path: Path = VARIANTS,
             pids: tuple[str, ...] | None = None) -> dict[str, Figures]:
    """The hand-written variants, by kind; sent in batches of 10 as OpenRefine does."""
    by_ror = {r: local(x) for x, g in graph.items() for r in g["ror"]}
    by_label = {(label, next(iter(g["c"]), "")): local(x) for x, g in graph.items()
                for label in g["l"]}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    by_kind: dict[str, list[tuple[str, str, bool, dict[str, Any]]]] = defaultdict(list)
    for row in csv.DictReader(lines, delimiter="\t"):
        expect = row["expect"]
        meant = ("" if expect == "-" else
                 by_label[tuple(expect[1:].rsplit("@", 1))] if expect.startswith("=")
                 else next(by_ror[r] for r in expect.split("|") if r in by_ror))
        props = [{"pid": "country", "v": row["country"]}] if row["country"] else []
        props += [{"pid": "city", "v": row["city"]}] if row["city"] else []
        props = [p for p in props if pids is None or p["pid"] in pids]
        by_kind[row["kind"]].append((meant, row["query"], bool(meant),
                                     {"query": row["query"], "properties": props}))
    return {kind: _run(endpoint, queries, 10) for kind, queries in by_kind.items()}


def _run(endpoint: str, queries: list[tuple[str, str, bool, dict[str, Any]]],
         batch: int) -> Figures:
    """(meant id or "", query text, a match is expected, 0.2 query) -> figures."""
    fig = Figures(queries=len(queries))
    for start in range(0, len(queries), batch):
        chunk = queries[start:start + batch]
        result = reconcile(endpoint, {f"q{i}": q for i, (*_, q) in enumerate(chunk)})
        for i, (meant, text, expected, _) in enumerate(chunk):
            cands = result[f"q{i}"]["result"]
            best = cands[0] if cands else None
            if best is not None and best["match"]:
                if best["id"] == meant:
                    fig.right += 1
                else:
                    fig.wrong.append((text, meant, best["id"]))
            elif expected:
                fig.missed.append((text, meant, best and (best["id"], best["score"])))
                fig.top_right += best is not None and best["id"] == meant
            else:
                fig.not_matched += 1
    return fig


def latency(endpoints: dict[str, str], names: list[str], batches: int) -> dict[str, list[float]]:
    """Seconds per 10-name batch (no country: the widest search) at each endpoint, the same
    distinct names each batch; the endpoints take turns within a batch, in an order that
    rotates from one batch to the next, so that load on the machine falls on all alike."""
    times: dict[str, list[float]] = {title: [] for title in endpoints}
    order = list(endpoints)
    for b in range(batches):
        queries = {f"q{i}": {"query": names[(b * 10 + i) % len(names)], "type": "Institution"}
                   for i in range(10)}
        for title in order[b % len(order):] + order[:b % len(order)]:
            started = time.perf_counter()
            reconcile(endpoints[title], queries)
            times[title].append(time.perf_counter() - started)
    return times


def quality(title: str, endpoint: str, graph: dict[str, dict[str, set[str]]],
            contexts: tuple[str, ...], pids: tuple[str, ...] | None) -> None:
    print(f"\n{title}\n{HEADER}")
    for context in contexts:
        print(bundled(endpoint, graph, context, pids).line(f"bundled spellings ({context})"))
    kinds = variants(endpoint, graph, pids=pids)
    for kind, fig in kinds.items():
        print(fig.line(f"variants: {kind}"))
    for kind, fig in kinds.items():
        for text, meant, got in fig.wrong:
            print(f"  WRONG {kind}: {text!r} meant {meant}, matched {got}")


def speed(endpoints: dict[str, str], graph: dict[str, dict[str, set[str]]],
          batches: int) -> None:
    names = sorted({label for g in graph.values() for label in g["l"]})
    load = os.getloadavg()[0]
    times = latency(endpoints, names, batches)
    print(f"\n10-name batches, {batches} per service, interleaved (load average "
          f"{load:.2f} before, {os.getloadavg()[0]:.2f} after, {os.cpu_count()} cores):")
    ours = next(iter(endpoints))
    for title, ts in times.items():
        s = sorted(ts)
        ratio = statistics.median(t / o for t, o in zip(ts, times[ours], strict=True))
        print(f"  {title:48} median {statistics.median(s) * 1000:7.1f} ms   p95 "
              f"{s[int(0.95 * (len(s) - 1))] * 1000:7.1f} ms   max {s[-1] * 1000:7.1f} ms"
              + ("" if title == ours else f"   its time / ours by batch: median {ratio:.2f}"))


# --------------------------------------------------------------------------- the peer


PEER_PACKAGES = ("datasette", "datasette-reconcile")
PEER_TABLES = {"searchable": "full-text index", "plain": "substring search"}


def peer_python(work: Path) -> str | None:
    """A Python with datasette and datasette-reconcile, in a virtualenv of its own (they pin
    their own web stack): ``$BENCH_DATASETTE_PYTHON``, else made under ``work`` on first use."""
    if os.environ.get("BENCH_DATASETTE_PYTHON"):
        return os.environ["BENCH_DATASETTE_PYTHON"]
    venv = work / "venv-datasette"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"setting up datasette-reconcile in its own virtualenv ({venv}) ...")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        proc = subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PACKAGES],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"  could not install it: {proc.stderr.strip()[-300:]}")
            return None
    return str(python)


def peer_database(graph: dict[str, dict[str, set[str]]], folder: Path) -> tuple[Path, Path]:
    """The graph's institutions as a user would load them into datasette: one row per spelling
    (id, name, country), once with a full-text index on the name (``searchable``, as
    ``sqlite-utils enable-fts`` makes it) and once without (``plain``: the plugin then matches
    by substring); and datasette-reconcile's configuration of both."""
    db = folder / "peer.db"
    db.unlink(missing_ok=True)
    rows = sorted((local(x), label, next(iter(g["c"]), "")) for x, g in graph.items()
                  for label in g["l"])
    con = sqlite3.connect(db)
    for table in PEER_TABLES:
        con.execute(f"CREATE TABLE [{table}] (id TEXT, name TEXT, country TEXT)")
        con.executemany(f"INSERT INTO [{table}] VALUES (?, ?, ?)", rows)
    con.execute("CREATE VIRTUAL TABLE [searchable_fts] USING FTS5 ([name], "
                "content=[searchable])")
    con.execute("INSERT INTO [searchable_fts] (rowid, [name]) SELECT rowid, [name] "
                "FROM [searchable]")
    con.commit()
    con.close()
    config = {"id_field": "id", "name_field": "name", "max_limit": 5,
              "type_default": [{"id": "Institution", "name": "institution"}]}
    tables = {table: {"plugins": {"datasette-reconcile": {
        **config, **({"fts_table": "searchable_fts"} if table == "searchable" else {})}}}
        for table in PEER_TABLES}
    metadata = folder / "metadata.json"
    metadata.write_text(json.dumps({"databases": {"peer": {"tables": tables}}}))
    return db, metadata


def peer_versions(url: str) -> str:
    found = {p["name"]: p["version"] for p in get_json(f"{url}/-/plugins.json")}
    datasette = get_json(f"{url}/-/versions.json")["datasette"]["version"]
    return f"datasette {datasette}, datasette-reconcile {found.get('datasette-reconcile')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", type=Path, help="a build to serve (default: build the "
                        "bundled sources into the scratch folder)")
    parser.add_argument("--batches", type=int, default=200, help="10-name batches timed "
                        "per service")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) /
                        "exchange-kg-reconcile-bench", help="scratch folder (the build, the "
                        "peer's virtualenv and database)")
    parser.add_argument("--no-peer", action="store_true", help="skip datasette-reconcile")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    dist = args.dist
    if dist is None:
        dist = args.work / "dist"
        subprocess.run([sys.executable, "-m", "exchange_kg.cli", "build", "-o", str(dist),
                        "-q"], check=True, cwd=ROOT)
    python = None if args.no_peer else peer_python(args.work)
    with ExitStack() as stack:
        server = stack.enter_context(serving(dist))
        endpoints = {"exchange-kg serve /reconcile": f"{server}/reconcile"}
        started = time.perf_counter()
        reconcile(endpoints["exchange-kg serve /reconcile"], {"q0": {"query": "warm-up"}})
        print(f"first request (index built): {time.perf_counter() - started:.2f} s")
        graph = institutions(server)
        print(f"graph: {len(graph)} named institutions, "
              f"{sum(len(g['l']) for g in graph.values())} spellings")
        quality("exchange-kg serve /reconcile", endpoints["exchange-kg serve /reconcile"],
                graph, ("row", "country", "name"), None)
        if python is not None:
            db, metadata = peer_database(graph, args.work)
            url = stack.enter_context(running(
                [python, "-m", "datasette", "serve", str(db), "--metadata", str(metadata),
                 "--host", "127.0.0.1", "--port", "{port}"], "/-/versions.json"))
            print(f"\npeer: {peer_versions(url)}; one row per spelling (id, name, country); "
                  "sent the country, the one property it can use (it filters a column by "
                  "equality); a match when a candidate's name equals the query's")
            for table, how in PEER_TABLES.items():
                title = f"datasette-reconcile, {how}"
                endpoints[title] = f"{url}/peer/{table}/-/reconcile"
                quality(title, endpoints[title], graph, ("country", "name"), ("country",))
        speed(endpoints, graph, args.batches)


if __name__ == "__main__":
    main()
