"""The endpoint benchmark's load generator (wrk, driven by a generated Lua script) and its
verdicts, against a stub server that records what it was sent."""

from __future__ import annotations

import http.server
import shutil
import sys
import threading
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import run as bench  # noqa: E402


@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk (apt-get install wrk)")
def test_wrk_sends_every_request_in_turn_and_counts_refusals(tmp_path: Path) -> None:
    seen: Counter[tuple[str, str]] = Counter()

    class Stub(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            query = urllib.parse.parse_qs(body)["query"][0]
            seen[(query, self.headers["Accept"])] += 1
            status = 500 if "refuse" in query else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    requests = [(bench.form('SELECT * { ?s ?p "a \\"quoted\\" {x}" }'), bench.JSON_RESULTS),
                (bench.form("DESCRIBE <http://example.org/é>"), "text/turtle"),
                (bench.form("refuse"), bench.JSON_RESULTS)]
    try:
        run = bench.wrk_load(shutil.which("wrk"), server.server_address[1], "/sparql",
                             requests, 2, 1, tmp_path)
    finally:
        server.shutdown()
    assert set(seen) == {('SELECT * { ?s ?p "a \\"quoted\\" {x}" }', bench.JSON_RESULTS),
                         ("DESCRIBE <http://example.org/é>", "text/turtle"),
                         ("refuse", bench.JSON_RESULTS)}
    assert max(seen.values()) - min(seen.values()) <= 2  # in turn
    # the requests of both connections still in flight when wrk stops are not counted
    refused = seen[("refuse", bench.JSON_RESULTS)]
    assert refused - 2 <= run["errors"] <= refused
    assert sum(seen.values()) - 2 <= run["requests"] + run["errors"] <= sum(seen.values())
    assert 0 < run["p50_ms"] <= run["p99_ms"]


def test_ratios_take_the_median_round_and_the_worst_p99() -> None:
    def run(clients: int, rps: float, p99: float = 1.0, cpu: float = 1.0) -> dict[str, Any]:
        return {"clients": clients, "throughput_rps": rps, "p99_ms": p99, "cpu_s_per_1k": cpu}

    ep = {"mixes": {"lookups": {"runs": {
        "exchange-kg": [run(16, 100, 40, 0.9), run(16, 300, 120, 0.3), run(16, 200, 50, 0.5)],
        "oxigraph (in memory)": [run(16, 100, cpu=0.2), run(16, 200, cpu=0.1),
                                 run(16, 400, cpu=0.05)],
    }}}}
    ratios = bench.endpoint_ratios(ep)
    assert ratios["lookups: endpoint vs oxigraph (in memory), 16 clients"].startswith(
        "1.00x holds")
    assert ratios["lookups: endpoint p99 at 16 clients"].startswith("120.0 ms")
    assert "MISSED" in ratios["lookups: endpoint p99 at 16 clients"]
    # CPU per answer, the figure the machine's load moves least: medians again
    assert ratios["lookups: CPU s per 1,000 answers, 16 clients"].startswith(
        "0.500 vs oxigraph (in memory) 0.100 = 5.00x")


def test_another_checkouts_server_is_compared_by_medians() -> None:
    def run(rps: float, cpu: float) -> dict[str, Any]:
        return {"clients": 4, "throughput_rps": rps, "p99_ms": 1.0, "cpu_s_per_1k": cpu}

    ep = {"mixes": {"lookups": {"runs": {
        "exchange-kg": [run(300, 0.2), run(100, 0.4), run(200, 0.3)],
        bench.AGAINST: [run(100, 0.6), run(50, 0.9), run(400, 0.1)],
    }}}}
    ratios = bench.endpoint_ratios(ep)
    assert ratios[f"lookups: endpoint vs {bench.AGAINST}, 4 clients"] == (
        "2.00x req/s, CPU a request 0.50x (reported)")
