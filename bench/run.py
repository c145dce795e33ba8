"""The exchange-kg benchmark: build stages at several scales, and peers side by side.

    python bench/run.py                       # scales 1 and 10, all peers (a few minutes)
    python bench/run.py --scales 100,1000 --no-peers --no-endpoint

What it measures (see bench/README.md for how to read it):

* the build at each scale of synthetic data (bench/generate.py), in a child process per scale
  so peak memory is that build's own: seconds, rows/s, triples/s and peak RSS of each stage
  (read, normalise, resolve/link when the pipeline has them, map, validate, write);
* dump writing per format; Turtle writing against rdflib's serializer and ``oxigraph convert``;
* the mapping stage against morph-kgc: our compiled graph rules and morph-kgc on their RML
  export (``exchange_kg.rml``), on the same tidy tables as CSV; morph-kgc runs in its own
  virtualenv (BENCH_MORPH_PYTHON, or one made here) because it pins older rdflib and
  pyoxigraph than exchange-kg needs;
* SPARQL latency (p50/p99) and throughput at 1, 4 and 16 concurrent clients for the query mix
  in src/exchange_kg/queries/, against ``oxigraph serve-read-only`` on the same store,
  rdflib-endpoint, and ``exchange-kg serve`` when the installed exchange-kg has it.

Every server is started here on 127.0.0.1 on a free port and stopped here; every request loop
is bounded by a request count and a time budget. Results go to a table on stdout and to JSON.
Top-level imports are the standard library only: the same file runs the morph-kgc child in the
peer virtualenv.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
QUERIES = ROOT / "src" / "exchange_kg" / "queries"

TARGETS = {
    "map_vs_morph_kgc": 2.0,  # our mapping throughput / morph-kgc's, at least
    "turtle_vs_rdflib": 10.0,  # our Turtle writing speed / rdflib's, at least
    "endpoint_vs_oxigraph": 1.0,  # our throughput / oxigraph serve's (in memory), at least
    "endpoint_vs_rdflib_endpoint": 10.0,
    "endpoint_p99_ms_16_clients": 100.0,  # at most, on the bundled graph
    "build_1000x_seconds": 300.0,  # at most
    "build_1000x_peak_rss_mb": 4096.0,  # at most
    "build_growth_vs_linear": 1.1,  # time growth / row growth between the two largest scales
    "turtle_vs_oxigraph_convert": 1.0,  # our Turtle writing / `oxigraph convert`, at least
    "linking_names_per_s": 2000.0,  # real names linked per second after the index is open
    "linking_cold_index_seconds": 3.0,  # at most, opening the ROR index in a fresh process
    # at most: a rebuild after one changed document, over the clean build (wall seconds)
    "incremental_vs_clean": 0.1,
}


# --- helpers ------------------------------------------------------------------------------------


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_tool(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))


def median_of(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


@contextlib.contextmanager
def server(cmd: list[str], port: int, ready_path: str, timeout: float = 180,
           log: Path | None = None, env: dict[str, str] | None = None
           ) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process on 127.0.0.1:port until the block ends; wait (bounded) until it
    answers HTTP on ready_path."""
    out = log.open("wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}"
                                   + (f"; see {log}" if log else ""))
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", ready_path)
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{cmd[0]} did not answer within {timeout:.0f}s") from None
                time.sleep(0.1)
        yield proc
    finally:
        # imported here: the morph-kgc child runs this file where exchange_kg is not installed
        from exchange_kg.processes import stop

        stop(proc, timeout=15)
        if log:
            out.close()  # type: ignore[union-attr]


# --- the build, in a child process ----------------------------------------------------------------


def child_build(args: argparse.Namespace) -> dict[str, Any]:
    """The in-process peer comparisons of one scale (rdflib's Turtle writer and morph-kgc need
    the build's own objects); the build's figures come from :func:`real_build`."""
    from exchange_kg import dumps, pipeline
    from exchange_kg.iris import DEFAULT_BASE, Minter
    from exchange_kg.vocab import PREFIXES

    gen, out = Path(args.gen), Path(args.out)
    result = pipeline.build(gen / "sources", gen / "mappings", keep_tables=args.peers)
    triples = len(result.graph)
    report: dict[str, Any] = {"triples": triples, "timings": result.timings, "dumps": {},
                              "peers": {}}

    if args.dump_detail:
        # each dump as the build writes it (streamed to disk), timed alone
        minter = Minter(DEFAULT_BASE)
        views = {minter.named("graph", sid): subjects
                 for sid, subjects in result.source_views.items()}
        scratch = out / "dump-detail"
        prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
        for fmt, fn in (
            ("ntriples", lambda: dumps.write_chunks_atomic(scratch / "x.nt",
                                                           result.graph.chunks())),
            ("turtle", lambda: dumps.turtle_file(scratch / "x.nt", scratch / "x.ttl", prefixes)),
            ("nquads", lambda: dumps.write_chunks_atomic(
                scratch / "x.nq", dumps.nquads_chunks(result.graph, views))),
        ):
            times = repeat(fn, args.repeat)
            report["dumps"][fmt] = {"seconds": round(median_of(times), 3),
                                    "triples_per_s": round(triples / median_of(times))}
        shutil.rmtree(scratch, ignore_errors=True)
    if args.peers:
        report["peers"] = peer_comparisons(result, out, args)
    return report


def repeat(fn: Callable[[], object], n: int) -> list[float]:
    times = []
    for _ in range(max(1, n)):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def our_turtle(result: Any) -> bytes:
    """Turtle as the build writes it, from the mapper's graph (sorting included)."""
    from exchange_kg import dumps
    from exchange_kg.vocab import PREFIXES

    return dumps.turtle(dumps.ntriples(result.graph), {p: str(ns) for p, ns in PREFIXES.items()})


def rdflib_graph(result: Any) -> Any:
    """The build's graph as an rdflib Graph with our prefixes bound (for rdflib's writer)."""
    from rdflib import Graph

    from exchange_kg import dumps
    from exchange_kg.vocab import PREFIXES

    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph.parse(data=dumps.ntriples(result.graph), format="nt")


def peer_comparisons(result: Any, out: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Turtle writing and the mapping stage, each against its peers on the same input."""
    peers: dict[str, Any] = {}
    if not args.mapping_only:
        triples = len(result.graph)
        graph = rdflib_graph(result)
        ours = median_of(repeat(lambda: our_turtle(result), args.repeat))
        rdflib_t = median_of(repeat(lambda: graph.serialize(format="turtle"), args.repeat))
        peers["turtle"] = {"triples": triples, "ours_s": round(ours, 3),
                           "rdflib_s": round(rdflib_t, 3), "vs_rdflib": round(rdflib_t / ours, 2)}
        del graph

    assert result.builder is not None  # kept: built with keep_tables
    peers["mapping"] = mapping_comparison(result.builder.tables, out / "rml", args)
    return peers


def mapping_comparison(tables: dict[str, list[tuple[str, ...]]], folder: Path,
                       args: argparse.Namespace) -> dict[str, Any]:
    """Our compiled graph rules against morph-kgc running their RML export, on the same tidy
    tables (the build's, written as CSV once; ``--map-rows`` replicates them with distinct
    IRIs up to that many rows). Each mapper runs in a process of its own that reads the CSV
    files, maps every row and holds the resulting triples; its time covers reading and
    mapping (not the interpreter's start-up), its peak memory is its process tree's."""
    from exchange_kg import rml
    from exchange_kg.rules import BUNDLED_RULES, load_rules

    if args.map_rows:
        tables = replicate(tables, args.map_rows)
    rules = load_rules(BUNDLED_RULES)
    rml.export(rules, tables, folder)
    rows = sum(len(t) for t in tables.values())
    agreements = len(tables["agreements"])
    del tables
    report: dict[str, Any] = {"rows": rows, "agreements": agreements,
                              "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    ours = measured([sys.executable, str(Path(__file__).resolve()), "_map", "--table-dir",
                     str(folder), "--repeat", str(args.repeat)])
    report["ours"] = ours
    morph_python = args.morph_python
    if not (morph_python and Path(morph_python).exists()):
        report["note"] = "morph-kgc virtualenv not available (see --morph-python)"
        return report
    runs = {}
    for processes in (1, 2):  # its strongest setting on this machine is the one we compare
        runs[processes] = measured([morph_python, str(Path(__file__).resolve()), "_morph",
                                    "--table-dir", str(folder), "--repeat", str(args.repeat),
                                    "--processes", str(processes)], cwd=folder)
    report["morph_kgc_runs"] = {str(k): v for k, v in runs.items()}
    ok = {k: v for k, v in runs.items() if "seconds" in v}
    if not ok:
        report["note"] = "morph-kgc failed: " + runs[1].get("error", "")
        return report
    best = min(ok, key=lambda k: ok[k]["seconds"])
    morph = report["morph_kgc"] = {**ok[best], "processes": best}
    if "seconds" in ours:
        report.update(
            same_triples=ours["triples"] == morph["triples"],
            ours_rows_per_s=round(rows / ours["seconds"]),
            morph_rows_per_s=round(rows / morph["seconds"]),
            ours_triples_per_s=round(ours["triples"] / ours["seconds"]),
            morph_triples_per_s=round(morph["triples"] / morph["seconds"]),
            vs_morph_kgc_rows=round(morph["seconds"] / ours["seconds"], 2),
            memory_ratio=round(ours["peak_rss_mb"] / morph["peak_rss_mb"], 2))
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def replicate(tables: dict[str, list[tuple[str, ...]]], agreements: int
              ) -> dict[str, list[tuple[str, ...]]]:
    """The tables copied until they hold about ``agreements`` agreement rows, each copy's IRIs
    made distinct (a suffix on every value that is an IRI of the build), so the copies map
    to distinct triples as a larger register would."""
    copies = max(1, -(-agreements // max(1, len(tables["agreements"]))))
    out: dict[str, list[tuple[str, ...]]] = {}
    for name, rows in tables.items():
        grown = list(rows)
        for k in range(1, copies):
            grown.extend(tuple(v + f"-{k}" if v.startswith("https://w3id.org/exchange-kg/")
                               and "/vocab/" not in v and "/ontology" not in v else v
                               for v in row) for row in rows)
        out[name] = grown
    return out


def measured(cmd: list[str], cwd: Path | None = None) -> dict[str, Any]:
    """Run a child that prints one JSON line; add the peak RSS of its process tree (sampled
    every 0.1 s, workers included) to what it prints."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=cwd)
    with tree_peak(proc.pid, 0.1) as peak:
        out, err = proc.communicate()
    if proc.returncode != 0:
        return {"error": err.strip()[-500:]}
    return {**json.loads(out.strip().splitlines()[-1]),
            "peak_rss_mb": round(peak[0] / 2**20, 1)}


@contextlib.contextmanager
def tree_peak(pid: int, every: float) -> Iterator[list[int]]:
    """Sample the resident memory of a process and all its descendants while the block runs;
    the peak (bytes) is the yielded list's one item once the block is done."""
    import psutil

    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        root = psutil.Process(pid)
        while not stop.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
            except psutil.Error:
                return
            peak[0] = max(peak[0], total)
            stop.wait(every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()


def tree_cpu(pid: int) -> float:
    """CPU seconds (user and system) used so far by a process and its live descendants: a
    server's whole cost, its query workers included."""
    import psutil

    total = 0.0
    root = psutil.Process(pid)
    for p in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            times = p.cpu_times()
            total += times.user + times.system
    return total


def child_map(args: argparse.Namespace) -> None:
    """Our side of the mapping comparison: the compiled rules over the CSV tables, each table
    read when its turn comes and let go once mapped (as the build maps its own tables)."""
    from exchange_kg.rules import BUNDLED_RULES, load_rules
    from exchange_kg.triples import TripleGraph

    class CsvTables(dict):  # type: ignore[type-arg]
        def get(self, name: str, default: Any = None) -> list[tuple[str, ...]]:
            with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
                reader = csv.reader(fh)
                next(reader)
                return [tuple(row) for row in reader]

    folder = Path(args.table_dir)
    times, count = [], 0
    for _ in range(max(1, args.repeat)):
        t = time.perf_counter()
        graph = TripleGraph()
        load_rules(BUNDLED_RULES).apply(CsvTables(), graph, consume=True)
        times.append(time.perf_counter() - t)
        count = len(graph)
        del graph
    print(json.dumps({"seconds": round(median_of(times), 3), "triples": count}))


def child_morph(args: argparse.Namespace) -> None:
    """morph-kgc on the RML export (runs in the morph-kgc virtualenv, in the tables' folder)."""
    import morph_kgc

    folder = Path(args.table_dir)
    config = (f"[CONFIGURATION]\nna_values=\nnumber_of_processes={args.processes}\n"
              f"logging_level=WARNING\n[DataSource1]\nmappings={folder / 'graph.rml.ttl'}\n")
    times, count = [], 0
    for _ in range(max(1, args.repeat)):
        t = time.perf_counter()
        triples = morph_kgc.materialize_set(config)
        times.append(time.perf_counter() - t)
        count = len(triples)
        del triples
    print(json.dumps({"seconds": round(median_of(times), 3), "triples": count}))


# --- SPARQL endpoints ---------------------------------------------------------------------------

# seconds between two endpoint runs: a server may finish the queries of a run's last
# connections (exchange-kg serve gives a query whose client left a second)
SETTLE = 2.0
# the name of the server run with --serve-against's code
AGAINST = "exchange-kg (against)"
# A load request: the URL-encoded form body and the Accept header it is sent with.
LoadRequest = tuple[str, str]
JSON_RESULTS = "application/sparql-results+json"


def form(query: str) -> str:
    return urllib.parse.urlencode({"query": query})


def run_load(port: int, path: str, requests: list[LoadRequest], clients: int,
             max_requests: int, max_seconds: float) -> dict[str, Any]:
    """`clients` threads, each on its own keep-alive connection, sending the requests in
    turn; stops after max_requests in all or max_seconds, whichever comes first. The fallback
    where wrk is not installed: the load generator then shares this Python process."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + max_seconds

    def take() -> bool:
        nonlocal issued
        with lock:
            if issued >= max_requests or time.monotonic() > deadline:
                return False
            issued += 1
            return True

    def worker(tid: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        i = tid
        while take():
            body, accept = requests[i % len(requests)]
            i += 1
            t = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException) as exc:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                resp = None
                err = type(exc).__name__
            dt = time.perf_counter() - t
            with lock:
                if ok:
                    latencies.append(dt)
                else:
                    errors.append(f"HTTP {resp.status}" if resp is not None else err)
        conn.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=max_seconds + 240)
    wall = time.perf_counter() - t0
    return {"clients": clients, "tool": "python", "requests": len(latencies),
            "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
            "seconds": round(wall, 3),
            "throughput_rps": round(len(latencies) / wall, 2) if wall else None,
            "p50_ms": round(percentile(latencies, 50) * 1000, 2),
            "p99_ms": round(percentile(latencies, 99) * 1000, 2),
            "load_average": round(os.getloadavg()[0], 2)}


def _lua_string(text: str) -> str:
    return '"' + "".join(c if c.isalnum() or c in "%+-_.=&*/;, " else f"\\{ord(c)}"
                         for c in text) + '"'


WRK_SCRIPT = """-- written by bench/run.py: POST the requests in turn, print the figures as JSON
local requests = {}
local i = 0
init = function(args)
%s
end
request = function()
  i = i %% #requests + 1
  return requests[i]
end
done = function(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests":%%d,"duration_us":%%d,"non2xx":%%d,"socket_errors":%%d,' ..
    '"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def wrk_load(wrk: str, port: int, path: str, requests: list[LoadRequest], clients: int,
             seconds: float, work: Path) -> dict[str, Any]:
    """wrk (one thread, `clients` keep-alive connections) for `seconds`: a load generator
    in C outside the measured process, with latency percentiles over every request."""
    lines = [f'  requests[{k + 1}] = wrk.format("POST", {_lua_string(path)}, '
             f'{{["Content-Type"] = "application/x-www-form-urlencoded", '
             f'["Accept"] = {_lua_string(accept)}}}, {_lua_string(body)})'
             for k, (body, accept) in enumerate(requests)]
    script = work / "wrk-requests.lua"
    script.write_text(WRK_SCRIPT % "\n".join(lines), encoding="utf-8")
    proc = subprocess.run([wrk, "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "60s",
                           "-s", str(script), f"http://127.0.0.1:{port}{path}"],
                          capture_output=True, text=True, check=False)
    found = re.search(r"^WRK (\{.*\})$", proc.stdout, re.M)
    if proc.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed: {proc.stderr.strip()[-300:] or proc.stdout[-300:]}")
    w = json.loads(found.group(1))
    wall = w["duration_us"] / 1e6
    errors = w["non2xx"] + w["socket_errors"]
    return {"clients": clients, "tool": "wrk", "requests": w["requests"] - w["non2xx"],
            "errors": errors, "seconds": round(wall, 3),
            "throughput_rps": round((w["requests"] - w["non2xx"]) / wall, 2),
            "p50_ms": round(w["p50_us"] / 1000, 2), "p90_ms": round(w["p90_us"] / 1000, 2),
            "p99_ms": round(w["p99_us"] / 1000, 2), "max_ms": round(w["max_us"] / 1000, 2),
            "load_average": round(os.getloadavg()[0], 2)}


def post(port: int, path: str, body: str, accept: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("POST", path, body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    if resp.status != 200:
        raise RuntimeError(f"HTTP {resp.status}: {data[:300]!r}")
    return data


def answer_size(port: int, path: str, request: LoadRequest) -> int:
    """Rows of a SELECT answer or triples of a graph answer (the servers must agree)."""
    import pyoxigraph

    body, accept = request
    data = post(port, path, body, accept)
    if accept == JSON_RESULTS:
        return len(json.loads(data)["results"]["bindings"])
    return len(list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE)))


def query_mixes(port: int, path: str) -> dict[str, list[LoadRequest]]:
    """The researcher queries (src/exchange_kg/queries/*.rq: joins and aggregates, where the
    engine's time dominates) and point lookups (a SELECT of one subject's properties and its
    DESCRIBE as Turtle, for 16 agreements and institutions: little engine work, so the
    per-request overhead of the server shows)."""
    researcher = [(form(p.read_text(encoding="utf-8")), JSON_RESULTS)
                  for p in sorted(QUERIES.glob("*.rq"))]
    pick = ("PREFIX xkg: <https://w3id.org/exchange-kg/ontology#> SELECT ?s WHERE { "
            "{ SELECT ?s WHERE { ?s a xkg:Agreement } ORDER BY ?s LIMIT 8 } UNION "
            "{ SELECT ?s WHERE { ?a xkg:partnerInstitution ?s } GROUP BY ?s ORDER BY ?s "
            "LIMIT 8 } }")
    subjects = [b["s"]["value"] for b in
                json.loads(post(port, path, form(pick), JSON_RESULTS))["results"]["bindings"]]
    lookups: list[LoadRequest] = []
    for s in subjects:
        lookups.append((form(f"SELECT ?p ?o WHERE {{ <{s}> ?p ?o }}"), JSON_RESULTS))
        lookups.append((form(f"DESCRIBE <{s}>"), "text/turtle"))
    return {"researcher queries": researcher, "point lookups": lookups}


def load_oxigraph_memory(port: int, dist: Path) -> None:
    """Fill an in-memory `oxigraph serve` as `exchange-kg serve` lays out its store: the
    named graphs of the N-Quads dump, and the N-Triples dump (their merge) as default graph."""
    for target, name, media in (("/store", "exchange-kg.nq", "application/n-quads"),
                                ("/store?default", "exchange-kg.nt", "application/n-triples")):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.request("POST", target, body=(dist / name).read_bytes(),
                     headers={"Content-Type": media})
        resp = conn.getresponse()
        resp.read()
        conn.close()
        if resp.status not in (200, 201, 204):
            raise RuntimeError(f"loading {name} into oxigraph serve: HTTP {resp.status}")


def endpoint_bench(dist: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Every server started at once and measured in turn (servers alternated within each
    client count, for `--rounds` rounds), on two query mixes; wrk when installed."""
    clients = [int(c) for c in args.clients.split(",")]
    wrk = find_tool("wrk")
    results: dict[str, Any] = {"graph": "exchange-kg.nq", "mixes": {}, "notes": [],
                               "queries": [p.name for p in sorted(QUERIES.glob("*.rq"))],
                               "load_generator": "wrk" if wrk else "python threads"}
    if not wrk:
        results["notes"].append("wrk not found (Debian package wrk): the load generator is "
                                "Python threads in the benchmark process, and runs stop "
                                "after --requests")
    servers: list[tuple[str, list[str], str, str, Callable[[int], None] | None,
                        dict[str, str] | None]] = []
    oxigraph = find_tool("oxigraph")
    if oxigraph:
        store = work / "oxigraph-store"
        build_store(dist / "exchange-kg.nq", store)
        servers.append(("oxigraph (in memory)", [oxigraph, "serve", "--bind",
                                                 "127.0.0.1:{port}"], "/query", "/",
                        lambda port: load_oxigraph_memory(port, dist), None))
        servers.append(("oxigraph (RocksDB)", [oxigraph, "serve-read-only", "--location",
                                               str(store), "--bind", "127.0.0.1:{port}"],
                        "/query", "/", None, None))
    else:
        results["notes"].append("oxigraph CLI not found: pip install oxigraph")
    rdflib_endpoint = find_tool("rdflib-endpoint")
    if rdflib_endpoint and not args.no_rdflib_endpoint:
        servers.append(("rdflib-endpoint", [rdflib_endpoint, "serve", "--host", "127.0.0.1",
                                            "--port", "{port}", str(dist / "exchange-kg.nq")],
                        "/", "/", None, None))
    else:
        results["notes"].append("rdflib-endpoint skipped (pip install rdflib-endpoint)")
    ours = ours_serve_command(dist)
    if ours is None:
        results["notes"].append("exchange-kg serve: not in the installed exchange-kg yet; "
                                "column skipped")
    else:
        cmd, path, ready = ours
        servers.append(("exchange-kg", cmd, path, ready, None, None))
        if args.serve_against:
            # the same command on another checkout's code (its src/ first on the path)
            other = Path(args.serve_against).resolve() / "src"
            servers.append((AGAINST, cmd, path, ready, None,
                            {**os.environ, "PYTHONPATH": str(other)}))
            results["notes"].append(f"{AGAINST}: `exchange-kg serve` with the code of "
                                    f"{args.serve_against}, same options")
        if "--cache-mb" in cmd and not args.no_answer_cache_run:
            at = cmd.index("--cache-mb")
            servers.append(("exchange-kg, answer cache", [*cmd[:at], *cmd[at + 2:]], path,
                            ready, None, None))
            results["notes"].append("exchange-kg: measured with --cache-mb 0 (every request "
                                    "evaluated: the row the targets are checked on); 'answer "
                                    "cache' is the default server, which replays identical "
                                    "requests (both mixes repeat their requests)")

    with contextlib.ExitStack() as running:
        live = []
        for name, cmd, path, ready, fill, env in servers:
            port = free_port()
            log = work / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.log"
            try:
                proc = running.enter_context(server([part.format(port=port, dist=dist)
                                                     for part in cmd], port, ready, log=log,
                                                    env=env))
                if fill:
                    fill(port)
            except RuntimeError as exc:
                results["notes"].append(f"{name} failed to start: {exc}")
                continue
            live.append((name, port, path, proc.pid))
        if not live:
            return results
        mixes = query_mixes(live[0][1], live[0][2])
        for mix, requests in mixes.items():
            sizes = {name: [answer_size(port, path, r) for r in requests]  # warm-up, and
                     for name, port, path, _ in live}  # every server must give the same answers
            reference = next(iter(sizes.values()))
            for name, got in sizes.items():
                if got != reference:
                    results["notes"].append(f"{mix}: {name} answered {got} rows/triples, "
                                            f"others {reference}")
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name, *_ in live}
            for c in clients:
                for r in range(args.rounds):
                    order = live if r % 2 == 0 else live[::-1]
                    for name, port, path, pid in order:
                        if name == "rdflib-endpoint" and (mix != "researcher queries" or r):
                            continue  # 20 req/s: one round of the main mix says enough
                        say(f"  {mix}: {name}, {c} client(s)")
                        time.sleep(SETTLE)  # what the last run's closed connections left
                        cpu = tree_cpu(pid)
                        if wrk:
                            run = wrk_load(wrk, port, path, requests, c, args.seconds, work)
                        else:
                            run = run_load(port, path, requests, c,
                                           max(args.requests, 20 * c), args.seconds)
                        # per 1,000 answers: less sensitive to the machine's load than req/s
                        run["cpu_s_per_1k"] = round((tree_cpu(pid) - cpu) * 1000
                                                    / max(run["requests"], 1), 3)
                        run["round"] = r + 1
                        runs[name].append(run)
            results["mixes"][mix] = {"answer_sizes": reference, "runs": runs}
    return results


def build_store(nq: Path, store: Path) -> None:
    """An Oxigraph store laid out as `exchange-kg serve` lays out its own: every named graph,
    plus their merge as the default graph (so queries see each triple once, not once per
    document stating it, as a union default graph would)."""
    import pyoxigraph

    shutil.rmtree(store, ignore_errors=True)
    db = pyoxigraph.Store(str(store))
    db.bulk_load(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS)
    db.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    db.flush()
    del db


def ours_serve_command(dist: Path) -> tuple[list[str], str, str] | None:
    """How to start our own endpoint, if this exchange-kg has one: `exchange-kg serve`, else
    the serve package's own command line, without its answer cache when it has one (the mix
    repeats the same queries, so a cache would be measured instead of the engine).
    BENCH_SERVE_CMD (with {port} and {dist}) and BENCH_SERVE_PATH override the guess."""
    override = os.environ.get("BENCH_SERVE_CMD")
    path = os.environ.get("BENCH_SERVE_PATH", "/sparql")
    if override:
        return override.split(), path, "/"
    import importlib.util

    if importlib.util.find_spec("exchange_kg.serve") is None:
        return None
    for entry in (["-m", "exchange_kg.cli", "serve"], ["-m", "exchange_kg.serve.cli"]):
        proc = subprocess.run([sys.executable, *entry, "--help"], capture_output=True,
                              text=True, cwd=ROOT)
        if proc.returncode == 0 and "--port" in proc.stdout:
            break
    else:
        return None
    cmd = [sys.executable, *entry, "--port", "{port}"]
    if "--host" in proc.stdout:
        cmd += ["--host", "127.0.0.1"]
    for opt in ("--dist", "--from", "--data"):
        if opt in proc.stdout:
            cmd += [opt, "{dist}"]
            break
    if "--cache-mb" in proc.stdout:
        cmd += ["--cache-mb", "0"]
    return cmd, path, "/"


# --- the parent: orchestration and the report -----------------------------------------------------


def ensure_morph_python(work: Path, setup: bool) -> str | None:
    env = os.environ.get("BENCH_MORPH_PYTHON")
    if env:
        return env
    venv = work / "venv-morph-kgc"
    python = venv / "bin" / "python"
    if python.exists():
        return str(python)
    if not setup:
        return None
    say(f"setting up morph-kgc in its own virtualenv ({venv}) ...")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q", "morph-kgc==2.10.0"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        say(f"  could not install morph-kgc: {proc.stderr.strip()[-300:]}")
        return None
    return str(python)


def run_scale(scale: float, work: Path, args: argparse.Namespace, morph: str | None,
              peers: bool) -> dict[str, Any]:
    gen_dir = work / f"gen-{scale:g}"
    t = time.perf_counter()
    cmd = [sys.executable, str(BENCH / "generate.py"), "--scale", f"{scale:g}", "--out",
           str(gen_dir), "--seed", str(args.seed)]
    subprocess.run(cmd, check=True, capture_output=True)
    generated = json.loads((gen_dir / "generated.json").read_text())
    say(f"scale {scale:g}: generated {generated['rows']} rows in "
        f"{generated['documents']} documents ({time.perf_counter() - t:.1f}s); building ...")
    out = work / f"dist-{scale:g}"
    if args.mapping_only:
        report: dict[str, Any] = {}
    else:
        cache = work / f"cache-{scale:g}"  # empty: the clean build is a first build
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)  # nor a query store of an earlier run to update
        report = real_build(gen_dir, out, work / f"build-{scale:g}.log", cache)
    report["generated"] = {k: v for k, v in generated.items() if k != "per_document"}
    if not args.no_incremental and not args.mapping_only:
        report["incremental"] = incremental_build(gen_dir, out, work, scale, cache, report)
    if scale <= args.turtle_max_scale and not args.mapping_only:
        report["turtle_vs_oxigraph"] = turtle_vs_oxigraph(out, work, args.repeat)
    if peers:  # the in-process peers (rdflib's writer, morph-kgc) need the build's objects
        child = [sys.executable, str(Path(__file__).resolve()), "_build", "--gen",
                 str(gen_dir), "--out", str(work / f"peers-{scale:g}"), "--repeat",
                 str(args.repeat), "--peers", "--map-rows", str(args.map_rows)]
        child += ["--mapping-only"] if args.mapping_only else ["--dump-detail"]
        if morph:
            child += ["--morph-python", morph]
        proc = subprocess.run(child, stdout=subprocess.PIPE, text=True)  # progress to stderr
        if proc.returncode != 0:
            raise BuildFailed(f"peer comparisons at scale {scale:g} failed "
                              f"(exit {proc.returncode})")
        child_report = json.loads(proc.stdout.strip().splitlines()[-1])
        report["peers"], report["dumps"] = child_report["peers"], child_report["dumps"]
    return report


class BuildFailed(Exception):
    """The build (or a peer run) did not succeed: the benchmark must say so and fail."""


_TIMINGS = re.compile(r"^wrote .* in ([0-9.]+)s \((.*)\)$", re.M)


def incremental_build(gen_dir: Path, out: Path, work: Path, scale: float, cache: Path,
                      clean: dict[str, Any]) -> dict[str, Any]:
    """The rebuild after one changed document, with the cache the clean build filled: the
    largest document gets a blank line at its end (a new content hash: the document is read
    again, and the graph differs only in that hash, so the rebuild must state as many
    triples from as many records as the clean build), then ``exchange-kg build`` runs again
    into the same output folder, as a user reruns it."""
    docs = [p for p in (gen_dir / "sources").iterdir() if p.name != "manifest.yaml"]
    doc = max(docs, key=lambda p: (p.stat().st_size, p.name))
    original = doc.read_bytes()
    say(f"scale {scale:g}: rebuilding after a change to {doc.name} ...")
    try:
        doc.write_bytes(original + b"\n")
        rep = real_build(gen_dir, out, work / f"rebuild-{scale:g}.log", cache)
    finally:
        doc.write_bytes(original)
    if (rep["records"], rep["triples"]) != (clean["records"], clean["triples"]):
        raise BuildFailed(f"the rebuild at scale {scale:g} read {rep['records']} records into "
                          f"{rep['triples']} triples, the clean build {clean['records']} into "
                          f"{clean['triples']}")
    log = (work / f"rebuild-{scale:g}.log").read_text(encoding="utf-8", errors="replace")
    found = re.search(r"^(\d+) of (\d+) documents from the cache", log, re.M)
    batches = re.search(r"\((\d+) of (\d+) batches of rows from the cache\)", log)
    return {
        "changed_document": doc.name, "documents": rep["documents"],
        "from_cache": int(found[1]) if found else None,
        "map_batches_from_cache": [int(batches[1]), int(batches[2])] if batches else None,
        "unit_plan_from_cache": "(the unit plan from the cache)" in log,
        "seconds": rep["seconds"], "cpu_seconds": rep["cpu_seconds"],
        "clean_seconds": clean["seconds"], "clean_cpu_seconds": clean["cpu_seconds"],
        "ratio": round(rep["seconds"] / clean["seconds"], 3),
        "cpu_ratio": round(rep["cpu_seconds"] / clean["cpu_seconds"], 3),
        "peak_rss_mb": rep["peak_rss_mb"], "stages": rep["stages"],
        "load_average_before": rep["load_average_before"],
        "load_average_after": rep["load_average_after"],
        "cache_mb": round(sum(f.stat().st_size for f in cache.rglob("*") if f.is_file())
                          / 2**20, 1),
    }


def real_build(gen_dir: Path, out: Path, log: Path, cache: Path | None = None
               ) -> dict[str, Any]:
    """``exchange-kg build`` on the generated data, as a user runs it: reading, validation,
    every output and the query store, with the build cache in ``cache`` (else the user's).
    Wall time, CPU time (the build and its read pool), the peak resident memory of the whole
    process tree (sampled; the read pool's workers count) and of its largest process, and the
    build's own stage timings. A build that exits non-zero raises :class:`BuildFailed`."""

    cmd = [sys.executable, "-m", "exchange_kg.cli", "build", "--sources",
           str(gen_dir / "sources"), "--mappings", str(gen_dir / "mappings"), "-o", str(out)]
    env = {k: v for k, v in os.environ.items() if k != "EXCHANGE_KG_ROR_DUMP"}  # no linking
    if cache is not None:
        env["EXCHANGE_KG_CACHE_DIR"] = str(cache)
    load = [round(x, 2) for x in os.getloadavg()]
    with log.open("wb") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=ROOT)
        with tree_peak(proc.pid, 0.2) as peak:
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - t
            proc.returncode = os.waitstatus_to_exitcode(status)
        peak_tree = peak[0]
    text = log.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        tail = "\n".join(text.strip().splitlines()[-15:])
        raise BuildFailed(f"exchange-kg build exited {proc.returncode} on {gen_dir}:\n{tail}"
                          f"\n(full log: {log})")
    totals = json.loads((out / "report.json").read_text(encoding="utf-8"))["totals"]
    match = _TIMINGS.search(text)
    stages = []
    if match:
        for part in match.group(2).split(", "):
            name, _, value = part.rpartition(" ")
            stage_s = float(value.rstrip("s"))
            stages.append({"stage": name, "seconds": stage_s,
                           "rows_per_s": round(totals["records"] / stage_s) if stage_s else None,
                           "triples_per_s": (round(totals["triples"] / stage_s) if stage_s
                                             else None)})
    return {
        "command": " ".join(["exchange-kg", *cmd[3:]]),
        "records": totals["records"], "agreements": totals["agreements"],
        "institutions": totals["institutions"], "triples": totals["triples"],
        "documents": len(list((gen_dir / "sources").glob("p*"))),
        "seconds": round(seconds, 3), "exit_code": proc.returncode, "conforms": True,
        # the build's and its waited-for children's (the read pool's workers)
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(peak_tree / 2**20, 1),
        "peak_rss_largest_process_mb": round(usage.ru_maxrss / 1024, 1),
        "load_average_before": load, "load_average_after": [round(x, 2)
                                                            for x in os.getloadavg()],
        "stages": stages, "peers": {},
    }


def turtle_vs_oxigraph(dist: Path, work: Path, repeat_n: int) -> dict[str, Any]:
    """The build's Turtle writing (``dumps.turtle_file`` from the sorted N-Triples dump, as
    the build runs it: timed inside a fresh process, without the interpreter's start and
    imports, which the build has paid already) against the whole ``oxigraph convert`` process
    on the same dump (its start takes milliseconds), alternated run by run."""
    oxigraph = find_tool("oxigraph")
    if oxigraph is None:
        return {"note": "oxigraph CLI not found (pip install oxigraph)"}
    nt, ours_ttl, their_ttl = dist / "exchange-kg.nt", work / "ours.ttl", work / "oxigraph.ttl"
    ours_cmd = [sys.executable, "-c", "import sys, time; from exchange_kg import dumps; "
                "from exchange_kg.vocab import PREFIXES; from pathlib import Path; "
                "t = time.perf_counter(); "
                "dumps.turtle_file(Path(sys.argv[1]), Path(sys.argv[2]), "
                "{p: str(ns) for p, ns in PREFIXES.items()}); "
                "print(time.perf_counter() - t)", str(nt), str(ours_ttl)]
    their_cmd = [oxigraph, "convert", "--from-file", str(nt), "--to-file", str(their_ttl)]
    ours_t, theirs_t = [], []
    for _ in range(max(1, repeat_n)):
        proc = subprocess.run(ours_cmd, check=True, capture_output=True, text=True)
        ours_t.append(float(proc.stdout.strip().splitlines()[-1]))
        t = time.perf_counter()
        subprocess.run(their_cmd, check=True, capture_output=True)
        theirs_t.append(time.perf_counter() - t)
    ours_ttl.unlink(missing_ok=True)
    their_ttl.unlink(missing_ok=True)
    ours, theirs = median_of(ours_t), median_of(theirs_t)
    return {"ours_s": round(ours, 3), "oxigraph_convert_s": round(theirs, 3),
            "ratio": round(theirs / ours, 2), "runs": len(ours_t),
            "note": "medians of alternated runs: the build's Turtle step vs the whole "
                    "oxigraph convert process; both read the N-Triples dump"}


def bundled_dist(work: Path) -> Path:
    out = work / "dist-bundled"
    if not (out / "exchange-kg.nq").exists():
        say("building the bundled sources for the endpoint benchmark ...")
        subprocess.run([sys.executable, "-m", "exchange_kg.cli", "build", "-q", "-o", str(out)],
                       cwd=ROOT, check=False, capture_output=True)
    return out


def fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and digits:
        return f"{value:,.{digits}f}"
    if isinstance(value, int | float):
        return f"{value:,.0f}"
    return str(value)


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(h.ljust(w) if i == 0 else h.rjust(w)
                     for i, (h, w) in enumerate(zip(header, widths, strict=True)))
    out = [line, "-" * len(line)]
    for r in rows:
        out.append("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                             for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    return "\n".join(out)


def verdict(value: float | None, target: float, at_least: bool = True) -> str:
    if value is None:
        return "n/a"
    ok = value >= target if at_least else value <= target
    return f"{'holds' if ok else 'MISSED'} (target {'>=' if at_least else '<='} {target:g})"


def render(results: dict[str, Any]) -> str:
    parts = []
    for scale, rep in results["scales"].items():
        if "documents" not in rep:  # --mapping-only: no build figures
            continue
        head = (f"== `exchange-kg build` (validation and store included), scale {scale}: "
                f"{rep['documents']} documents, {rep['records']:,} rows, "
                f"{rep['agreements']:,} agreements, {rep['triples']:,} triples; "
                f"{rep['seconds']:.1f}s, peak RSS {rep['peak_rss_mb']:,.0f} MB (process tree; "
                f"largest process {rep['peak_rss_largest_process_mb']:,.0f} MB); load average "
                f"{rep['load_average_before'][0]} before, {rep['load_average_after'][0]} after "
                "==")
        rows = [[s["stage"], fmt(s["seconds"], 2), fmt(s["rows_per_s"]),
                 fmt(s["triples_per_s"])] for s in rep["stages"]]
        for name, d in rep.get("dumps", {}).items():
            rows.append([f"dump {name} (alone)", fmt(d["seconds"], 2), "-",
                         fmt(d["triples_per_s"])])
        parts.append(head + "\n" + table(rows, ["stage", "seconds", "rows/s", "triples/s"]))
        inc = rep.get("incremental")
        if inc:
            parts.append(
                f"== the rebuild after a change to {inc['changed_document']}, scale {scale}: "
                f"{inc['from_cache']} of {inc['documents']} documents from the cache "
                + (f"and {inc['map_batches_from_cache'][0]} of "
                   f"{inc['map_batches_from_cache'][1]} batches of rows "
                   if inc.get("map_batches_from_cache") else "")
                + ("and the unit plan " if inc.get("unit_plan_from_cache") else "")
                + f"({inc['cache_mb']:,.0f} MB); {inc['seconds']:.1f}s wall, "
                f"{inc['cpu_seconds']:.1f} CPU-s, peak RSS {inc['peak_rss_mb']:,.0f} MB; load "
                f"average {inc['load_average_before'][0]} before ==\n"
                + table([[s["stage"], fmt(s["seconds"], 2)] for s in inc["stages"]],
                        ["stage", "seconds"]))
    comp: list[list[str]] = []
    for scale, rep in results["scales"].items():
        inc = rep.get("incremental")
        if inc:
            comp.append([f"rebuild after one changed document, wall ({scale}; "
                         f"{inc['from_cache']} of {inc['documents']} from the cache)",
                         f"{inc['seconds']:.1f}s", f"{inc['clean_seconds']:.1f}s clean",
                         f"{inc['ratio']:.2f}x",
                         verdict(inc["ratio"], TARGETS["incremental_vs_clean"], False)])
            comp.append([f"rebuild after one changed document, CPU ({scale})",
                         f"{inc['cpu_seconds']:.1f}s", f"{inc['clean_cpu_seconds']:.1f}s clean",
                         f"{inc['cpu_ratio']:.2f}x",
                         f"load average {inc['load_average_before'][0]} before"])
        ox = rep.get("turtle_vs_oxigraph") or {}
        if ox.get("ratio") is not None:
            comp.append([f"Turtle writing vs oxigraph convert ({scale})", f"{ox['ours_s']:.2f}s",
                         f"{ox['oxigraph_convert_s']:.2f}s", f"{ox['ratio']:.2f}x",
                         verdict(ox["ratio"], TARGETS["turtle_vs_oxigraph_convert"])])
        peers = rep.get("peers") or {}
        t = peers.get("turtle")
        if t:
            comp.append([f"Turtle writing vs rdflib serializer ({scale})",
                         f"{t['ours_s']:.2f}s", f"{t['rdflib_s']:.2f}s",
                         f"{t['vs_rdflib']:.2f}x", verdict(t["vs_rdflib"],
                                                           TARGETS["turtle_vs_rdflib"])])
        m = peers.get("mapping")
        if m and m.get("vs_morph_kgc_rows") is not None:
            at = f"{scale}, {m['rows']:,} rows, morph-kgc {m['morph_kgc']['processes']} proc."
            comp.append([f"mapping vs morph-kgc, rows/s ({at})", fmt(m["ours_rows_per_s"]),
                         fmt(m["morph_rows_per_s"]), f"{m['vs_morph_kgc_rows']:.2f}x",
                         verdict(m["vs_morph_kgc_rows"], TARGETS["map_vs_morph_kgc"])])
            comp.append([f"mapping vs morph-kgc, triples/s ({scale})",
                         fmt(m["ours_triples_per_s"]), fmt(m["morph_triples_per_s"]),
                         f"{m['vs_morph_kgc_rows']:.2f}x",
                         "(same triples)" if m["same_triples"] else "TRIPLE COUNTS DIFFER"])
            comp.append([f"mapping peak RSS, MB ({scale})", fmt(m["ours"]["peak_rss_mb"]),
                         fmt(m["morph_kgc"]["peak_rss_mb"]), f"{m['memory_ratio']:.2f}x",
                         "lower: holds" if m["memory_ratio"] < 1 else "lower: MISSED"])
        elif m:
            comp.append([f"mapping vs morph-kgc ({scale})", "-", "-", "-", m.get("note", "")])
    if comp:
        parts.append("== peers (ratio = ours faster by) ==\n"
                     + table(comp, ["comparison", "ours", "peer", "ratio", "target"]))
    ep = results.get("endpoint")
    if ep:
        for mix, data in ep["mixes"].items():
            rows = []
            for name, runs in data["runs"].items():
                for run in runs:
                    rows.append([name, str(run["clients"]), str(run["round"]),
                                 fmt(run["throughput_rps"], 1), fmt(run["p50_ms"], 2),
                                 fmt(run["p99_ms"], 1), fmt(run.get("cpu_s_per_1k"), 3),
                                 fmt(run["requests"]), str(run["errors"]),
                                 f"{run['load_average']:.2f}"])
            parts.append(f"== SPARQL endpoint, bundled graph, {mix} "
                         f"({ep['load_generator']}, {len(data['answer_sizes'])} requests in "
                         "turn) ==\n"
                         + table(rows, ["server", "clients", "round", "req/s", "p50 ms",
                                        "p99 ms", "CPU s/1k", "requests", "errors", "load"]))
        if ep["notes"]:
            parts.append("\n".join(f"note: {n}" for n in ep["notes"]))
        ratios = results.get("endpoint_ratios", {})
        if ratios:
            parts.append("\n".join(f"{k}: {v}" for k, v in ratios.items()))
    if results.get("linking"):
        import linking

        parts.append("== " + "\n".join(linking.render(results["linking"])))
    return "\n\n".join(parts)


def endpoint_ratios(ep: dict[str, Any]) -> dict[str, str]:
    """Our throughput over each peer's (medians over rounds) and our p99 at 16 clients (the
    worst round), per mix, each against its target."""
    out = {}
    for mix, data in ep["mixes"].items():
        runs = data["runs"]
        if "exchange-kg" not in runs:
            continue

        def rps(name: str, clients: int, runs: dict[str, Any] = runs,
                key: str = "throughput_rps") -> float | None:
            got = [r[key] for r in runs.get(name, []) if r["clients"] == clients and r.get(key)]
            return median_of(got) if got else None

        for c in sorted({r["clients"] for r in runs["exchange-kg"]}):
            ours = rps("exchange-kg", c)
            for peer, key in (("oxigraph (in memory)", "endpoint_vs_oxigraph"),
                              ("oxigraph (RocksDB)", None),
                              ("rdflib-endpoint", "endpoint_vs_rdflib_endpoint")):
                theirs = rps(peer, c)
                if ours and theirs:
                    ratio = ours / theirs
                    out[f"{mix}: endpoint vs {peer}, {c} clients"] = (
                        f"{ratio:.2f}x " + (verdict(ratio, TARGETS[key]) if key
                                            else "(reported)"))
            ours_cpu = rps("exchange-kg", c, key="cpu_s_per_1k")
            before, before_cpu = rps(AGAINST, c), rps(AGAINST, c, key="cpu_s_per_1k")
            if ours and before:
                cpu = f", CPU a request {ours_cpu / before_cpu:.2f}x" if (
                    ours_cpu and before_cpu) else ""
                out[f"{mix}: endpoint vs {AGAINST}, {c} clients"] = (
                    f"{ours / before:.2f}x req/s{cpu} (reported)")
            their_cpu = rps("oxigraph (in memory)", c, key="cpu_s_per_1k")
            if ours_cpu and their_cpu:
                out[f"{mix}: CPU s per 1,000 answers, {c} clients"] = (
                    f"{ours_cpu:.3f} vs oxigraph (in memory) {their_cpu:.3f} "
                    f"= {ours_cpu / their_cpu:.2f}x (reported)")
        p99 = [r["p99_ms"] for r in runs["exchange-kg"] if r["clients"] == 16]
        if p99:
            out[f"{mix}: endpoint p99 at 16 clients"] = (
                f"{max(p99):.1f} ms (worst of {len(p99)} run(s)) "
                f"{verdict(max(p99), TARGETS['endpoint_p99_ms_16_clients'], False)}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="exchange-kg benchmark")
    sub = ap.add_argument_group("benchmark")
    sub.add_argument("--scales", default="1,10",
                     help="comma-separated scales of synthetic data (multiples of the "
                          "bundled rows), e.g. 1,10,100,1000")
    sub.add_argument("--out", type=Path, default=BENCH / "results.json")
    sub.add_argument("--work", type=Path,
                     default=Path(tempfile.gettempdir()) / "exchange-kg-bench",
                     help="scratch folder for generated data, builds, stores")
    sub.add_argument("--seed", type=int, default=1)
    sub.add_argument("--repeat", type=int, default=3,
                     help="repetitions of each peer comparison (the median is reported)")
    sub.add_argument("--turtle-max-scale", type=float, default=100,
                     help="compare Turtle writing with `oxigraph convert` up to this scale")
    sub.add_argument("--peers-max-scale", type=float, default=10,
                     help="run the Turtle and mapping peer comparisons up to this scale")
    sub.add_argument("--no-peers", action="store_true")
    sub.add_argument("--mapping-only", action="store_true",
                     help="only the mapping comparison (ours vs morph-kgc) at each scale")
    sub.add_argument("--map-rows", type=int, default=0,
                     help="grow the mapping comparison's tables to this many agreement rows "
                          "(copies with distinct IRIs), e.g. 1000000")
    sub.add_argument("--no-endpoint", action="store_true")
    sub.add_argument("--no-incremental", action="store_true",
                     help="skip the rebuild after one changed document at each scale")
    sub.add_argument("--no-rdflib-endpoint", action="store_true")
    sub.add_argument("--no-linking", action="store_true",
                     help="skip the linking figures (they need EXCHANGE_KG_ROR_DUMP)")
    sub.add_argument("--no-setup", action="store_true",
                     help="do not create the morph-kgc virtualenv if it is missing")
    sub.add_argument("--clients", default="1,4,16")
    sub.add_argument("--requests", type=int, default=5000,
                     help="requests per endpoint run without wrk (at least 20 per client)")
    sub.add_argument("--seconds", type=float, default=20,
                     help="length of each endpoint run (with wrk), or its time budget")
    sub.add_argument("--rounds", type=int, default=1,
                     help="endpoint runs per server and client count (servers alternate)")
    sub.add_argument("--serve-against", metavar="CHECKOUT",
                     help="also run `exchange-kg serve` with another checkout's code (e.g. "
                          "one of main), alternated with the others, and print our ratios "
                          "to it")
    sub.add_argument("--no-answer-cache-run", action="store_true",
                     help="measure exchange-kg serve only without its answer cache")
    # internal child modes
    ap.add_argument("mode", nargs="?", default="", help=argparse.SUPPRESS)
    ap.add_argument("--gen", help=argparse.SUPPRESS)
    ap.add_argument("--table-dir", help=argparse.SUPPRESS)
    ap.add_argument("--peers", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--dump-detail", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--morph-python", help=argparse.SUPPRESS)
    ap.add_argument("--processes", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.mode == "_build":
        print(json.dumps(child_build(args)))
        return 0
    if args.mode == "_morph":
        child_morph(args)
        return 0
    if args.mode == "_map":
        child_map(args)
        return 0

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    scales = [float(s) for s in args.scales.split(",") if s.strip()]
    morph = None if args.no_peers else ensure_morph_python(work, not args.no_setup)
    results: dict[str, Any] = {
        "command": " ".join(["python bench/run.py", *(argv or sys.argv[1:])]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
        "targets": TARGETS, "scales": {},
    }
    for scale in scales:
        peers = not args.no_peers and (args.mapping_only or scale <= args.peers_max_scale)
        try:
            results["scales"][f"{scale:g}x"] = run_scale(scale, work, args, morph, peers)
        except BuildFailed as exc:  # loudly: a failed build is not a figure
            results["failed"] = str(exc)
            write_json(args.out, results)
            print(render(results))
            say(f"\nFAILED: {exc}")
            return 1
        write_json(args.out, results)
    if not args.no_endpoint and not args.mapping_only:
        say("endpoint benchmark on the bundled graph ...")
        results["endpoint"] = endpoint_bench(bundled_dist(work), work, args)
        results["endpoint_ratios"] = endpoint_ratios(results["endpoint"])
    if not args.no_linking and not args.mapping_only:
        say("linking benchmark (ROR index, names/s) ...")
        sys.path.insert(0, str(BENCH))
        import linking  # the bench folder's own module: needs exchange-kg, unlike this file

        results["linking"] = linking.measure(work, args.repeat)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["target_check"] = target_check(results)
    write_json(args.out, results)
    m = results["machine"]
    print(f"machine: {m['cpus']} CPUs, Python {m['python']}; load average "
          f"{m['load_average_at_start'][0]} at start, {m['load_average_at_end'][0]} at end "
          "(anything above 0 means other processes shared the cores)\n")
    print(render(results))
    print("\n" + "\n".join(f"{k}: {v}" for k, v in results["target_check"].items()))
    say(f"\nwrote {args.out}")
    return 0


def target_check(results: dict[str, Any]) -> dict[str, str]:
    """Every build target with its figure and whether it holds."""
    out: dict[str, str] = {}
    big = results["scales"].get("1000x")
    if big:
        out["1000x build time"] = (f"{big['seconds']:.0f}s "
                                   + verdict(big["seconds"], TARGETS["build_1000x_seconds"],
                                             False))
        out["1000x peak RSS"] = (f"{big['peak_rss_mb']:.0f} MB "
                                 + verdict(big["peak_rss_mb"],
                                           TARGETS["build_1000x_peak_rss_mb"], False))
    else:
        out["1000x build"] = "not run (add 1000 to --scales): targets not checked"
    link = results.get("linking")
    if link and "sets" in link:
        real = link["sets"]["bundled"]
        out["linking"] = (
            f"{real['names_per_s']:,} real names/s "
            + verdict(real["names_per_s"], TARGETS["linking_names_per_s"])
            + f"; cold index {link['cold_index_seconds']:.2f}s "
            + verdict(link["cold_index_seconds"], TARGETS["linking_cold_index_seconds"], False)
            + f" (load average {link['load_average_at_start']})")
    for scale, rep in results["scales"].items():
        inc = rep.get("incremental")
        if inc:
            out[f"incremental rebuild {scale}"] = (
                f"{inc['seconds']:.1f}s after one changed document vs {inc['clean_seconds']:.1f}s "
                f"clean = {inc['ratio']:.2f} "
                + verdict(inc["ratio"], TARGETS["incremental_vs_clean"], False)
                + f"; CPU {inc['cpu_ratio']:.2f} (load average {inc['load_average_before'][0]})")
    scales = results["scales"]
    if len(scales) >= 2:
        keys = sorted(scales, key=lambda k: scales[k]["records"])[-2:]
        a, b = scales[keys[0]], scales[keys[1]]
        growth = (b["seconds"] / a["seconds"]) / (b["records"] / a["records"])
        out[f"growth {keys[0]} -> {keys[1]}"] = (
            f"time grew {growth:.2f}x as fast as the rows (1.0 = linear) "
            + verdict(growth, TARGETS["build_growth_vs_linear"], False))
    return out


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(path)


if __name__ == "__main__":
    sys.exit(main())
