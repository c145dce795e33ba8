"""How well and how fast ``exchange-kg serve``'s reconciliation service matches names.

    python bench/reconcile.py                 # builds the bundled sources into a scratch folder
    python bench/reconcile.py --dist dist     # an existing build (its store is built if missing)

Against a real server process on 127.0.0.1 (started and stopped here), it prints:

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
* **latency**: wall time of 10-name batches (OpenRefine's batch size) sent one after another,
  after the first request built the index (its time is printed too): median and 95th
  percentile over ``--batches`` batches of distinct names.

``tests/test_serve_reconcile.py`` runs the same measurements and asserts on them.
"""

from __future__ import annotations

import argparse
import csv
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
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


def reconcile(server: str, queries: dict[str, Any]) -> dict[str, Any]:
    """One 0.2 batch, as OpenRefine posts it."""
    status, body = post_form(f"{server}/reconcile", queries=queries)
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
def serving(dist: Path) -> Iterator[str]:
    """``exchange-kg serve`` on a free port of 127.0.0.1, stopped on exit."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "exchange_kg.serve.cli", "-d", str(dist),
                             "--port", str(port), "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if call(f"{url}/health")[0] == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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


def bundled(server: str, graph: dict[str, dict[str, set[str]]], context: str) -> Figures:
    """Every spelling of the graph, with ``context`` "row" (country, city, website),
    "country" or "name" (nothing else)."""
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
            queries.append((local(x), label, len(shared) == 1,
                            {"query": label, "type": "Institution", "properties": props}))
    return _run(server, queries, 50)


def variants(server: str, graph: dict[str, dict[str, set[str]]],
             path: Path = VARIANTS) -> dict[str, Figures]:
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
        by_kind[row["kind"]].append((meant, row["query"], bool(meant),
                                     {"query": row["query"], "properties": props}))
    return {kind: _run(server, queries, 10) for kind, queries in by_kind.items()}


def _run(server: str, queries: list[tuple[str, str, bool, dict[str, Any]]],
         batch: int) -> Figures:
    """(meant id or "", query text, a match is expected, 0.2 query) -> figures."""
    fig = Figures(queries=len(queries))
    for start in range(0, len(queries), batch):
        chunk = queries[start:start + batch]
        result = reconcile(server, {f"q{i}": q for i, (*_, q) in enumerate(chunk)})
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


def latency(server: str, names: list[str], batches: int) -> list[float]:
    """Seconds per 10-name batch (no country: the widest search), distinct names each."""
    times = []
    for b in range(batches):
        chunk = [names[(b * 10 + i) % len(names)] for i in range(10)]
        started = time.perf_counter()
        reconcile(server, {f"q{i}": {"query": n, "type": "Institution"}
                           for i, n in enumerate(chunk)})
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", type=Path, help="a build to serve (default: build the "
                        "bundled sources into a scratch folder)")
    parser.add_argument("--batches", type=int, default=50, help="10-name batches timed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reconcile-bench-") as tmp:
        dist = args.dist
        if dist is None:
            dist = Path(tmp) / "dist"
            subprocess.run([sys.executable, "-m", "exchange_kg.cli", "build", "-o", str(dist),
                            "-q"], check=True, cwd=ROOT)
        with serving(dist) as server:
            started = time.perf_counter()
            reconcile(server, {"q0": {"query": "warm-up"}})
            first = time.perf_counter() - started
            graph = institutions(server)
            print(HEADER)
            for context in ("row", "country", "name"):
                fig = bundled(server, graph, context)
                print(fig.line(f"bundled spellings ({context})"))
            kinds = variants(server, graph)
            for kind, fig in kinds.items():
                print(fig.line(f"variants: {kind}"))
            for kind, fig in kinds.items():
                for text, meant, got in fig.wrong:
                    print(f"  WRONG {kind}: {text!r} meant {meant}, matched {got}")
            names = sorted({label for g in graph.values() for label in g["l"]})
            times = latency(server, names, args.batches)
            times.sort()
            print(f"\nfirst request (index built): {first:.2f} s")
            median, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
            print(f"10-name batch, {len(times)} batches: median {median * 1000:.1f} ms, "
                  f"p95 {p95 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms")
            counts = Counter(len(g["l"]) for g in graph.values())
            print(f"graph: {len(graph)} named institutions, "
                  f"{sum(n * c for n, c in counts.items())} spellings")


if __name__ == "__main__":
    main()
