"""Kill real builds at random moments and check that the output folder is never a mix.

    python tests/kill_builds.py --kills 100 --seed 7      # a longer run than the test suite's

Two reference builds of the same project differ in every graph file (another ``--base``):
build A is the "previous" build in the output folder, build B the one being killed. After
each kill the folder must hold exactly A's files or exactly B's files, byte for byte (the
query store is compared by its stamp and must open), and nothing else. Two thirds of the kill
moments are spread evenly over the length of a whole build (stratified: one in each of equal
slices, at a random point of its slice); one third fall in the last 1.5 s before the moment
build B first changed the folder (measured on a reference run) and 0.5 s after it, where
writing and switching happen.
``test_atomic_build.py`` runs this with 20 kills.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE_A = "https://example.org/kill-test-a/"
BASE_B = "https://example.org/kill-test-b/"


def build_command(out: Path, base: str) -> list[str]:
    return [sys.executable, "-m", "exchange_kg.cli", "build", "-q", "-o", str(out),
            "--base", base]


def build_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("EXCHANGE_KG_ROR_DUMP", None)  # linking adds time, not new files to switch
    return env


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` -> its SHA-256; the store as its stamp, checked to open.

    The store's database files are not byte-identical across builds (the database records
    its own identifiers), so it is identified by the stamp it is written with, which names
    the dump it was built from, and by opening it and counting its quads.
    """
    if not folder.is_dir():
        return {}
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith("store/oxigraph"):
            continue
        if path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir() and rel != "store":
            out[rel + "/"] = "dir"
    db = folder / "store" / "oxigraph"
    if db.is_dir():
        out["store/oxigraph/"] = _store_state(db)
    return out


def _store_state(db: Path) -> str:
    """The quad count of a store, in a child process (a broken store may crash its reader)."""
    code = ("import pyoxigraph, sys; s = pyoxigraph.Store.read_only(sys.argv[1]); "
            "print(len(s))")
    proc = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True,
                          text=True, timeout=120)
    return f"quads {proc.stdout.strip()}" if proc.returncode == 0 else "does not open"


def siblings(out: Path) -> list[str]:
    """Entries beside the output folder that a build left (temporaries, lock files)."""
    if not out.parent.is_dir():
        return []
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name != out.name and p.name.startswith(f".{out.name}"))


@dataclass
class Figures:
    kills: int = 0
    states: Counter[str] = field(default_factory=Counter)
    mixes: list[dict[str, list[str]]] = field(default_factory=list)
    seconds_a: float = 0.0
    seconds_b: float = 0.0
    seconds_change: float = 0.0  # when build B first changed the folder it replaced
    leftovers_after_next_build: list[str] = field(default_factory=list)

    def line(self) -> str:
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.states.items()))
        return (f"{self.kills} kills of a {self.seconds_b:.1f} s build (the folder changes at "
                f"{self.seconds_change:.1f} s): {states}; "
                f"{len(set(map(str, self.mixes)))} distinct mix(es); left beside the folder "
                f"after the next build: {self.leftovers_after_next_build or 'nothing'}")


def classify(state: dict[str, str], a: dict[str, str], b: dict[str, str]) -> str:
    if state == a:
        return "old"
    if state == b:
        return "new"
    if not state:
        return "missing"
    return "mix"


def _difference(state: dict[str, str], a: dict[str, str], b: dict[str, str]) -> dict:
    return {
        "as_old": sorted(k for k in state if a.get(k) == state[k] and b.get(k) != state[k]),
        "as_new": sorted(k for k in state if b.get(k) == state[k] and a.get(k) != state[k]),
        "neither": sorted(k for k in state if state[k] not in (a.get(k), b.get(k))),
        "absent": sorted(k for k in set(a) | set(b) if k not in state),
    }


def run(project: Path, work: Path, kills: int, seed: int,
        progress=lambda msg: None) -> Figures:  # noqa: ANN001
    """Kill ``kills`` builds of ``project`` writing over a previous build; return the figures."""
    env = build_env()
    figures = Figures()
    ref_a, ref_b = work / "ref-a" / "dist", work / "ref-b" / "dist"
    started = time.perf_counter()
    proc = subprocess.run(build_command(ref_a, BASE_A), cwd=project, env=env,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"reference build failed: {proc.stderr[-2000:]}")
    figures.seconds_a = time.perf_counter() - started
    # build B over a copy of A, watching for the moment the folder starts to change: the
    # kills concentrate around it, where a build is most likely to leave a mix
    shutil.copytree(ref_a, ref_b, symlinks=True)
    figures.seconds_b, figures.seconds_change = _timed_build(project, ref_b, env)
    a, b = snapshot(ref_a), snapshot(ref_b)
    out = work / "target" / "dist"
    rng = random.Random(seed)
    length = figures.seconds_b * 1.05
    near = kills // 3
    moments = [(i + rng.random()) * length / (kills - near) for i in range(kills - near)]
    start = max(0.0, figures.seconds_change - 1.5)
    moments += [start + rng.random() * (figures.seconds_change + 0.5 - start)
                for _ in range(near)]
    rng.shuffle(moments)
    for n, moment in enumerate(moments, start=1):
        if out.exists():
            shutil.rmtree(out)
        for name in siblings(out):
            stale = out.parent / name
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        shutil.copytree(ref_a, out, symlinks=True)
        proc = subprocess.Popen(build_command(out, BASE_B), cwd=project, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(moment)
        sig = signal.SIGKILL if n % 2 else signal.SIGTERM
        with contextlib.suppress(ProcessLookupError):  # the build may have finished
            os.killpg(proc.pid, sig)
        proc.wait(timeout=120)
        state = snapshot(out)
        kind = classify(state, a, b)
        figures.kills += 1
        figures.states[kind] += 1
        if kind == "mix":
            figures.mixes.append(_difference(state, a, b))
        progress(f"kill {n}/{kills} at {moment:.2f} s ({sig.name}, exit {proc.returncode}): "
                 f"{kind}; beside it: {siblings(out) or 'nothing'}")
    proc = subprocess.run(build_command(out, BASE_B), cwd=project, env=env,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(f"build after the kills failed: {proc.stderr[-2000:]}")
    if snapshot(out) != b:
        figures.states["next build not new"] += 1
    figures.leftovers_after_next_build = [
        name for name in siblings(out) if not name.endswith(".lock")
    ] + [p.name for p in out.iterdir() if p.name.startswith(".")]
    return figures


def _timed_build(project: Path, out: Path, env: dict[str, str]) -> tuple[float, float]:
    """Run a build into ``out`` (holding another build); return its length and the moment
    the folder's first file changed."""
    def state() -> tuple[int, int] | None:
        try:
            st = (out / "exchange-kg.nt").stat()
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns

    before = state()
    started = time.perf_counter()
    proc = subprocess.Popen(build_command(out, BASE_B), cwd=project, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    changed = None
    while proc.poll() is None:
        if changed is None and state() != before:
            changed = time.perf_counter() - started
        time.sleep(0.01)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"reference build failed: {proc.stderr.read()[-2000:]}")
    return seconds, changed if changed is not None else seconds


def copy_project(dest: Path) -> Path:
    for name in ("sources", "mappings", "shapes", "ontology"):
        shutil.copytree(ROOT / name, dest / name)
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--work", type=Path, help="scratch folder (default: a new temporary)")
    args = parser.parse_args()
    import tempfile

    work = args.work or Path(tempfile.mkdtemp(prefix="exchange-kg-kill-"))
    project = copy_project(work / "project")
    print(f"seed {args.seed}; scratch {work}", flush=True)
    figures = run(project, work, args.kills, args.seed, lambda m: print(m, flush=True))
    print(figures.line())
    for mix in {str(m): m for m in figures.mixes}.values():
        print(f"  mix: {mix}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
