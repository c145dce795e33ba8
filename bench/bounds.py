"""Time and peak memory of builds fed one pathological input each (issue: every input bounded).

    python bench/bounds.py                  # every case
    python bench/bounds.py --case row-1e8   # one case

Each case copies the project, plants one input into a bundled source, runs the real
``exchange-kg build`` in a child process under an address-space limit (``--memory-gb``, so a
giant allocation fails instead of swapping the machine) and prints its wall time, peak
resident memory and exit code, plus what the build said about the planted line. The
``name-40k`` cases time ``parse_partner`` alone, in a child process, on one 40,000-character
name of each shape.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PL = "pl-partner-universities-2026.tsv"
SIMPLE = "partners-agreement-types.tsv"


def _replace_cell(text: str, line: int, column: int, value: str) -> str:
    lines = text.split("\n")
    cells = lines[line - 1].split("\t")
    cells[column] = value
    lines[line - 1] = "\t".join(cells)
    return "\n".join(lines)


def _first_row(text: str) -> int:
    """The first line after the header (the header is the first line with a tab)."""
    lines = text.split("\n")
    header = next(i for i, ln in enumerate(lines) if "\t" in ln)
    return header + 2


def _plant(source: str, row: int, column: int, value: str):  # noqa: ANN202
    """A case: ``value`` written into one cell of the ``row``-th row of a bundled source."""
    def plant(project: Path) -> str:
        path = project / "sources" / source
        text = path.read_text(encoding="utf-8")
        line = _first_row(text) + row
        path.write_text(_replace_cell(text, line, column, value), encoding="utf-8")
        return f"{source}:{line}"
    return plant


BUILD_CASES = {
    "baseline": lambda project: "",
    "row-1e7": _plant(PL, 10, 0, "10000000"),
    "row-1e8": _plant(PL, 10, 0, "100000000"),
    "row-1e9": _plant(PL, 10, 0, "1000000000"),
    "row-5000-digits": _plant(PL, 10, 0, "9" * 5000),
    "cell-60k-words": _plant(SIMPLE, 5, 1, "University of Technology " * 2400),
    "cell-60k-token": _plant(SIMPLE, 5, 1, "Ab" * 30000),
    "cell-60k-brackets": _plant(SIMPLE, 5, 1, "(" * 30000 + ")" * 30000),
}

NAME_SHAPES = {
    "name-40k-token": "Ab" * 20000,
    "name-40k-words": "University of Technology " * 1600,
    "name-40k-closing": "A)" * 20000,
    "name-40k-nested": "(" * 20000 + ")" * 20000,
}


def run_build_case(name: str, memory_gb: float, timeout: float) -> dict:
    work = Path(tempfile.mkdtemp(prefix="exchange-kg-bounds-"))
    try:
        for part in ("sources", "mappings", "shapes", "ontology"):
            shutil.copytree(ROOT / part, work / part)
        where = BUILD_CASES[name](work)
        return {"case": name, "planted at": where,
                **_measure([sys.executable, "-m", "exchange_kg.cli", "build", "-q", "-o",
                            str(work / "dist")], work, memory_gb, timeout,
                           work / "dist" / "report.json", where)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_name_case(name: str, memory_gb: float, timeout: float) -> dict:
    code = ("import sys, time; from exchange_kg.normalise.partner import parse_partner; "
            "t = time.perf_counter(); parse_partner(sys.stdin.read()); "
            "print(f'{time.perf_counter() - t:.2f}')")
    return {"case": name, **_measure([sys.executable, "-c", code], ROOT, memory_gb, timeout,
                                     None, "", NAME_SHAPES[name])}


def _limit(memory_gb: float):  # noqa: ANN202
    def apply() -> None:
        limit = int(memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def _measure(cmd: list[str], cwd: Path, memory_gb: float, timeout: float,
             report: Path | None, where: str, stdin: str | None = None) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_limit(memory_gb))
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
        code: int | str = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        code = f"killed after {timeout:g} s"
    seconds = time.perf_counter() - started
    _, status, usage = _reap_usage()
    result = {"exit": code, "seconds": round(seconds, 2),
              "peak_rss_mb": round(usage / 1024) if usage else None}
    said = [ln for ln in err.splitlines() if ln.startswith(("error", "warning", "self-check"))]
    result["stderr"] = (said or err.strip().splitlines()[-1:] or [""])[0][:240]
    if out.strip():
        result["stdout"] = out.strip()[:80]
    if report is not None and report.is_file():
        result["report_json_kb"] = round(report.stat().st_size / 1024)
        result["planted line"] = _what_became_of(json.loads(report.read_text()), where)
    return result


def _reap_usage() -> tuple[int, int, int]:
    """Peak RSS of the last finished child (KiB), from the rusage of waited-for children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return 0, 0, int(usage.ru_maxrss)


def _what_became_of(report: dict, where: str) -> str:
    """What the report says about the planted line (``file:line``)."""
    if not where:
        return ""
    name, line = where.rsplit(":", 1)[0], int(where.rsplit(":", 1)[1])
    for source in report["sources"]:
        if source["file"] != name:
            continue
        for u in source.get("unreadable", []):
            if u["line"] == line:
                return f"unreadable: {u['reason'][:120]}"
        for f in source.get("flags", []):
            if line in f["lines"]:
                return f"flag {f['code']}: {f['message'][:120]}"
        for c in source.get("checks", []):
            if not c["passed"]:
                return f"self-check {c['name']}: {str(c['found'])[:120]}"
    return "read without a flag"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append",
                        choices=[*BUILD_CASES, *NAME_SHAPES])
    parser.add_argument("--memory-gb", type=float, default=6.0)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = []
    for name in args.case or [*BUILD_CASES, *NAME_SHAPES]:
        # each case in its own process tree, so ru_maxrss of children is this case's alone
        cmd = [sys.executable, __file__, "--one", name, str(args.memory_gb), str(args.timeout)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        result = json.loads(proc.stdout) if proc.returncode == 0 else {
            "case": name, "error": proc.stderr[-400:]}
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        name, memory_gb, timeout = sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
        runner = run_build_case if name in BUILD_CASES else run_name_case
        print(json.dumps(runner(name, memory_gb, timeout), ensure_ascii=False))
    else:
        main()
