"""Linking speed: building the ROR index, opening it cold, and names linked per second.

    python bench/linking.py                                   # alone
    python bench/run.py                                       # as part of the benchmark
    python bench/linking.py --against ../main                 # this linker vs another's

Needs a ROR dump in ``EXCHANGE_KG_ROR_DUMP``. Every figure comes from a fresh process, so
nothing is warm that a user's process would not have warm:

* index build: parsing the dump and writing the index file (``link.load_dump`` on an empty
  cache folder);
* cold index: ``load_dump`` with the index file present: the seconds of the call and of the
  whole process (interpreter start and imports included), median of ``--repeat`` runs;
* names/s: the distinct questions a real build asks the linker (every mention, then every
  institution; ``link.runner.asked``), replayed with ``match_all`` in a fresh process after
  the index is open: the bundled build's partners (real names, the target's set) and the
  generated data of ``--gen-scale`` (synthetic names, mostly without a record, so each one
  takes the typo-tolerant scans). Median of ``--repeat`` runs; CPU seconds are given too,
  because on a shared machine the wall time also counts other processes' turns.
* ``--against CHECKOUT``: this checkout's linker and another's (``CHECKOUT/src``, e.g. a
  checkout of main) on the same questions, runs alternating this, other, this, other, ...
  each in a fresh process; every answer of the first run of each is written out and the two
  must be byte-identical (a speed-up may not change one answer). Printed per set: whether the
  answers are identical, both sides' names per CPU-second, and the median of the per-round
  CPU-time ratios, which a loaded machine disturbs far less than wall figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DUMP_ENV = "EXCHANGE_KG_ROR_DUMP"
TARGET_NAMES_PER_S = 2000.0  # at least, real names after the index is open
TARGET_COLD_S = 3.0  # at most, opening the index in a fresh process


def _child(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__)), *args], capture_output=True,
                          text=True, env=env, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"linking benchmark child {args[0]} failed:\n{proc.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_seconds"] = round(wall, 3)
    return out


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def measure(work: Path, repeat: int = 3, gen_scale: float = 10,
            workers: int | None = None) -> dict[str, Any]:
    """Every linking figure (see the module docstring); ``work`` is a scratch folder."""
    dump = os.environ.get(DUMP_ENV)
    if not dump:
        return {"skipped": f"{DUMP_ENV} is not set"}
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "link-index-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "EXCHANGE_KG_CACHE_DIR": str(cache)}
    out: dict[str, Any] = {"load_average_at_start": _load()}
    out["index_build"] = _child("_index", env=env)
    out["index_file_mb"] = round(sum(f.stat().st_size for f in cache.iterdir()) / 1e6, 1)
    colds = [_child("_index", env=env) for _ in range(repeat)]
    out["cold_index_seconds"] = statistics.median(c["seconds"] for c in colds)
    out["cold_process_seconds"] = statistics.median(c["process_seconds"] for c in colds)
    out["cold_runs"] = colds
    out["sets"] = {}
    for name, questions in _question_sets(work, gen_scale, env).items():
        how = () if workers is None else ("--workers", str(workers))
        runs = [_child("_match", "--questions", str(questions), *how, env=env)
                for _ in range(repeat)]
        seconds = statistics.median(r["seconds"] for r in runs)
        cpu = statistics.median(r["cpu_seconds"] for r in runs)
        names = runs[0]["names"]
        out["sets"][name] = {"names": names, "linked": runs[0]["linked"],
                             "workers": runs[0]["workers"],
                             "seconds": seconds, "names_per_s": round(names / seconds),
                             "cpu_seconds": cpu, "names_per_cpu_s": round(names / cpu),
                             "load_average": statistics.median(r["load_average"] for r in runs),
                             "runs": runs}
    out["load_average_at_end"] = _load()
    return out


def _question_sets(work: Path, gen_scale: float, env: dict[str, str]) -> dict[str, Path]:
    """Set name -> a file of the questions a real build of it asks the linker."""
    sets = {"bundled": (ROOT / "sources", ROOT / "mappings")}
    if gen_scale:
        gen = work / f"link-gen-{gen_scale:g}x"
        if not (gen / "sources").is_dir():
            subprocess.run([sys.executable, str(BENCH / "generate.py"), "--scale",
                            f"{gen_scale:g}", "--out", str(gen)], check=True,
                           capture_output=True)
        sets[f"generated {gen_scale:g}x"] = (gen / "sources", gen / "mappings")
    out = {}
    for name, (sources, mappings) in sets.items():
        questions = out[name] = work / f"link-questions-{name.replace(' ', '-')}.json"
        _child("_questions", "--sources", str(sources), "--mappings", str(mappings),
               "--questions", str(questions), env=env)
    return out


def against(work: Path, other: Path, repeat: int = 5, gen_scale: float = 10,
            workers: int | None = None) -> dict[str, Any]:
    """This checkout's linker against ``other``'s on the same questions (see the module
    docstring)."""
    dump = os.environ.get(DUMP_ENV)
    if not dump:
        return {"skipped": f"{DUMP_ENV} is not set"}
    if not (other / "src" / "exchange_kg" / "link").is_dir():
        raise SystemExit(f"--against {other}: no src/exchange_kg/link there")
    work.mkdir(parents=True, exist_ok=True)
    # a cache folder each: writing an index file removes those of other code for the same dump
    sides = {side: {**os.environ, "EXCHANGE_KG_CACHE_DIR": str(work / f"link-index-cache-{side}"),
                    "PYTHONPATH": str(src)}
             for side, src in (("this", ROOT / "src"), ("other", (other / "src").resolve()))}
    out: dict[str, Any] = {"other": str(other), "load_average_at_start": _load(), "sets": {}}
    how = () if workers is None else ("--workers", str(workers))
    for name, questions in _question_sets(work, gen_scale, sides["this"]).items():
        runs: dict[str, list[dict[str, Any]]] = {"this": [], "other": []}
        answers = {side: work / f"link-answers-{side}-{questions.stem}.jsonl" for side in sides}
        for n in range(repeat):
            for side, side_env in sides.items():
                keep = ("--results", str(answers[side])) if n == 0 else ()
                run = _child("_match", "--questions", str(questions), *how, *keep,
                             env=side_env)
                expected = (ROOT if side == "this" else other.resolve()) / "src"
                if Path(run["package"]).resolve().parent != expected:
                    raise RuntimeError(f"{side} side imported {run['package']}, not {expected}")
                runs[side].append(run)
        out["sets"][name] = compare_runs(runs["this"], runs["other"])
        out["sets"][name]["identical"] = (answers["this"].read_bytes()
                                          == answers["other"].read_bytes())
    out["load_average_at_end"] = _load()
    return out


def compare_runs(this: list[dict[str, Any]], other: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of alternated runs of two versions: each side's names per CPU-second and per
    second, and the median of the rounds' CPU-time ratios (this / other: below 1 is faster)."""
    names = this[0]["names"]
    out: dict[str, Any] = {"names": names, "rounds": len(this)}
    for side, runs in (("this", this), ("other", other)):
        cpu = statistics.median(r["cpu_seconds"] for r in runs)
        wall = statistics.median(r["seconds"] for r in runs)
        out[side] = {"names_per_cpu_s": round(names / cpu), "names_per_s": round(names / wall),
                     "workers": runs[0]["workers"],
                     "load_average": statistics.median(r["load_average"] for r in runs)}
    ratios = [a["cpu_seconds"] / b["cpu_seconds"] for a, b in zip(this, other, strict=True)]
    out["cpu_ratio"] = round(statistics.median(ratios), 3)
    out["cpu_ratios"] = [round(r, 3) for r in ratios]
    return out


def render_against(result: dict[str, Any]) -> list[str]:
    if "skipped" in result:
        return [f"linking A/B: skipped ({result['skipped']})"]
    lines = [f"linking, this checkout vs {result['other']} (load average "
             f"{result['load_average_at_start']} at start, {result['load_average_at_end']} at "
             "end):"]
    for name, s in result["sets"].items():
        this, other = s["this"], s["other"]
        lines.append(
            f"  {name}: {s['names']} names, answers "
            f"{'identical' if s['identical'] else 'DIFFER'}; CPU time this/other "
            f"{s['cpu_ratio']} (median of {s['rounds']} rounds {s['cpu_ratios']}); "
            f"{this['names_per_cpu_s']:,} vs {other['names_per_cpu_s']:,} names per CPU-s, "
            f"{this['names_per_s']:,} vs {other['names_per_s']:,} names/s "
            f"({this['workers']} process{'es' if this['workers'] > 1 else ''}, load "
            f"{this['load_average']})")
    return lines


def render(result: dict[str, Any]) -> list[str]:
    """Lines for the benchmark's report, targets with held/missed."""
    if "skipped" in result:
        return [f"linking: skipped ({result['skipped']})"]
    lines = [f"linking (load average {result['load_average_at_start']} at start, "
             f"{result['load_average_at_end']} at end):",
             f"  index build {result['index_build']['seconds']:.1f}s, index file "
             f"{result['index_file_mb']} MB"]
    cold = result["cold_index_seconds"]
    lines.append(f"  cold index {cold:.2f}s (whole process {result['cold_process_seconds']:.2f}s)"
                 f": {'holds' if cold < TARGET_COLD_S else 'MISSED'} (target < 3 s)")
    for name, s in result["sets"].items():
        verdict = ("holds" if s["names_per_s"] >= TARGET_NAMES_PER_S else "MISSED")
        target = (f": {verdict} (target >= 2,000 names/s)" if name == "bundled"
                  else " (reported)")
        lines.append(f"  {name}: {s['names']} names, {s['linked']} linked, "
                     f"{s['names_per_s']:,} names/s ({s['names_per_cpu_s']:,} per CPU-s; "
                     f"{s['workers']} process{'es' if s['workers'] > 1 else ''}, load "
                     f"{s['load_average']}){target}")
    return lines


# --- children -------------------------------------------------------------------------------


def _child_index() -> dict[str, Any]:
    started = time.perf_counter()
    from exchange_kg.link import load_dump

    imported = time.perf_counter()
    index = load_dump(os.environ[DUMP_ENV])
    return {"seconds": round(time.perf_counter() - imported, 3),
            "import_seconds": round(imported - started, 3), "records": len(index),
            "load_average": _load()}


def _child_questions(sources: Path, mappings: Path, questions: Path) -> dict[str, Any]:
    from exchange_kg import pipeline
    from exchange_kg.link import load_dump
    from exchange_kg.link.runner import asked

    index = load_dump(os.environ[DUMP_ENV])
    pipeline.build(sources, mappings, ror_index=index)
    rows = [[list(q.labels), q.country, list(q.acronyms), list(q.domains), q.city]
            for q in asked(index)]
    questions.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return {"names": len(rows)}


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its ended children (``match_all``'s workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _child_match(questions: Path, results_file: Path | None = None,
                 workers: int | None = None) -> dict[str, Any]:
    from dataclasses import asdict

    from exchange_kg.link import InstitutionQuery, load_dump
    from exchange_kg.link.matcher import PARALLEL_QUERIES, idle_cpus, match_all

    index = load_dump(os.environ[DUMP_ENV])
    queries = [InstitutionQuery(labels=tuple(labels), country=country, acronyms=tuple(acr),
                                domains=tuple(domains), city=city)
               for labels, country, acr, domains, city in
               json.loads(questions.read_text(encoding="utf-8"))]
    if workers is None:  # as match_all decides
        workers = idle_cpus() if len(queries) >= PARALLEL_QUERIES else 1
    started, cpu = time.perf_counter(), _cpu_seconds()
    results = match_all(index, queries, workers)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    if results_file is not None:  # every field of every answer, to compare two versions
        results_file.write_text("".join(json.dumps(asdict(r), ensure_ascii=False,
                                                   sort_keys=True) + "\n" for r in results),
                                encoding="utf-8")
    import exchange_kg

    return {"names": len(queries), "linked": sum(r.chosen is not None for r in results),
            "workers": workers, "package": str(Path(exchange_kg.__file__).parent),
            "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "load_average": _load()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="exchange-kg linking benchmark")
    ap.add_argument("mode", nargs="?", default="", help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "exchange-kg-bench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--gen-scale", type=float, default=10,
                    help="scale of the generated data for the second set (0: none)")
    ap.add_argument("--sources", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--mappings", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--questions", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--results", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int,
                    help="processes that match (default: one per idle CPU for a large batch)")
    ap.add_argument("--against", type=Path, metavar="CHECKOUT",
                    help="compare with the linker of another checkout (answers and CPU time)")
    args = ap.parse_args(argv)
    if args.mode == "_index":
        print(json.dumps(_child_index()))
    elif args.mode == "_questions":
        print(json.dumps(_child_questions(args.sources, args.mappings, args.questions)))
    elif args.mode == "_match":
        print(json.dumps(_child_match(args.questions, args.results, args.workers)))
    elif args.against is not None:
        result = against(args.work, args.against, args.repeat, args.gen_scale, args.workers)
        print("\n".join(render_against(result)))
        print(json.dumps(result, indent=1))
        if not all(s["identical"] for s in result.get("sets", {}).values()):
            return 1
    else:
        result = measure(args.work, args.repeat, args.gen_scale, args.workers)
        print("\n".join(render(result)))
        print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
