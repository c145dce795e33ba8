"""How long a build's N-Quads dump takes to load into the stores that scale past one machine.

    python bench/stores.py --dump DIST/exchange-kg.nq                 # every method, once
    python bench/stores.py --dump DIST/exchange-kg.nq --only virtuoso-bulk --runs 3

Methods, each into a fresh, empty store in a scratch folder (``--work``, default the system
temp folder), started and stopped here on 127.0.0.1:

* ``virtuoso-bulk``: ``exchange-kg publish --to virtuoso+isql://...`` (Virtuoso's bulk loader,
  ld_dir + rdf_loader_run + checkpoint, with the dump scan, graph clears and count check of
  the command), then the same publish again over the loaded store (``republish``: every graph
  cleared and reloaded);
* ``virtuoso-gsp``: ``exchange-kg publish --to http://.../sparql-graph-crud-auth`` (Graph Store
  Protocol, Digest auth, batches of 50,000 triples);
* ``oxigraph-load``: ``oxigraph load --location DB --file DUMP --lenient`` (Oxigraph's own
  parallel bulk loader, its fastest setting for a dump known to be valid: ours are written by
  the build) into a RocksDB store, offline, as ``oxigraph serve-read-only`` would then serve.

Virtuoso gets ``--virtuoso-buffers-mb`` of page buffers (default 2048: the dump's working set
fits; Virtuoso's tuning guide sizes them to about two thirds of free memory). Figures are
wall seconds of the command (the server's start and stop excluded), quads per second, the
bulk loader's steps as ``publish`` reports them (scan of the dump, register, clear, load =
rdf_loader_run + checkpoint, check), and the load average before and after each, since the
machine is shared. Results also go to JSON
(``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tests"))  # the throwaway Virtuoso the tests use, not product code

METHODS = ("virtuoso-bulk", "virtuoso-gsp", "oxigraph-load")


def _exchange_kg() -> list[str]:
    return [sys.executable, "-m", "exchange_kg.cli"]


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall seconds of the command, and what it printed on stderr (its progress)."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:6])} ... failed ({proc.returncode}):\n"
                         f"{proc.stderr[-2000:]}")
    return seconds, proc.stderr


# publish's progress for the bulk loader: "<step> ... (12.3s)", one line per step
_STEPS = {"read": "scan", "registered": "register", "cleared": "clear", "loaded": "load",
          "checked": "check"}
_STEP_LINE = re.compile(r"^(\w+) .*\(([0-9.]+)s\)$", re.M)


def _steps(stderr: str) -> dict[str, float]:
    return {_STEPS[m.group(1)]: float(m.group(2)) for m in _STEP_LINE.finditer(stderr)
            if m.group(1) in _STEPS}


def run_virtuoso(dump: Path, work: Path, method: str, buffers_mb: int) -> dict[str, float]:
    from virtuoso_server import running_virtuoso

    out: dict[str, float] = {}
    with running_virtuoso(work / "virtuoso", buffers_mb=buffers_mb, start_timeout=300) as v:
        env = {**os.environ, "EXCHANGE_KG_PUBLISH_USER": "dba",
               "EXCHANGE_KG_PUBLISH_PASSWORD": v.password}
        if method == "virtuoso-bulk":
            cmd = [*_exchange_kg(), "publish", "--to", v.isql_url, "--file", str(dump),
                   "--load-dir", str(v.load_dir)]
            out["seconds"], err = _timed(cmd, env)
            out.update({f"{k}_seconds": x for k, x in _steps(err).items()})
            out["republish_seconds"], _ = _timed(cmd, env)
        else:
            cmd = [*_exchange_kg(), "publish", "--to", f"{v.http}/sparql-graph-crud-auth",
                   "--file", str(dump), "--deadline", "0", "-q"]
            out["seconds"], _ = _timed(cmd, env)
    return out


def run_oxigraph(dump: Path, work: Path) -> dict[str, float]:
    program = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(
        Path(sys.executable).parent))
    if not program:
        raise SystemExit("the `oxigraph` command is missing: pip install -e '.[bench]'")
    seconds, _ = _timed([program, "load", "--location", str(work / "oxigraph"),
                         "--file", str(dump), "--lenient"])
    return {"seconds": seconds}


def count_quads(dump: Path) -> tuple[int, int]:
    from exchange_kg.virtuoso_loader import dump_graphs

    graphs = dump_graphs(dump)
    return sum(graphs.values()), len(graphs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dump", type=Path, required=True, help="an N-Quads dump (.nq)")
    parser.add_argument("--only", choices=METHODS, action="append",
                        help="run only this method (repeatable)")
    parser.add_argument("--runs", type=int, default=1, help="runs per method, alternated")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--virtuoso-buffers-mb", type=int, default=2048)
    parser.add_argument("--out", type=Path,
                        default=Path(tempfile.gettempdir()) / "exchange-kg-stores.json")
    args = parser.parse_args(argv)

    dump = args.dump.resolve()
    quads, graphs = count_quads(dump)
    print(f"{dump}: {dump.stat().st_size / 1e6:,.0f} MB, {quads:,} quads in {graphs} graphs")
    methods = args.only or list(METHODS)
    runs: dict[str, list[dict[str, float]]] = {m: [] for m in methods}
    for _ in range(args.runs):
        for method in methods:  # alternated, so a drift in the machine's speed hits all
            work = Path(tempfile.mkdtemp(prefix="exchange-kg-stores-", dir=args.work))
            try:
                before = os.getloadavg()[0]
                result = (run_oxigraph(dump, work) if method == "oxigraph-load" else
                          run_virtuoso(dump, work, method, args.virtuoso_buffers_mb))
                result["load_before"], result["load_after"] = before, os.getloadavg()[0]
            finally:
                shutil.rmtree(work, ignore_errors=True)
            runs[method].append(result)
            extra = "".join(f", {k.removesuffix('_seconds')} {x:.1f} s"
                            for k, x in result.items()
                            if k.endswith("_seconds") and k != "seconds")
            print(f"  {method:14} {result['seconds']:8.1f} s  "
                  f"{quads / result['seconds']:>10,.0f} quads/s{extra}  "
                  f"(load average {before:.1f} -> {result['load_after']:.1f})", flush=True)
    summary = {m: {"median_seconds": statistics.median(r["seconds"] for r in rs),
                   "runs": rs} for m, rs in runs.items()}
    if args.runs > 1:
        for method, s in summary.items():
            print(f"  {method:14} median {s['median_seconds']:.1f} s over {args.runs} runs")
    args.out.write_text(json.dumps({"dump": str(dump), "quads": quads, "graphs": graphs,
                                    "cores": os.cpu_count(), "methods": summary}, indent=2))


if __name__ == "__main__":
    main()
