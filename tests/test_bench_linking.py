"""The linking benchmark's comparison of two versions: medians of alternated runs and the
per-round CPU-time ratios (``bench/linking.py --against``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location(
    "bench_linking", Path(__file__).resolve().parents[1] / "bench" / "linking.py")
assert _SPEC is not None and _SPEC.loader is not None
linking = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(linking)


def _run(cpu: float, wall: float, load: float = 1.0) -> dict[str, object]:
    return {"names": 1000, "cpu_seconds": cpu, "seconds": wall, "workers": 2,
            "load_average": load}


def test_rounds_are_compared_pairwise_and_their_ratios_take_the_median() -> None:
    # the other side's second round ran while the machine was busy: a pairwise ratio per
    # round keeps that round from deciding the figure
    this = [_run(0.9, 0.5), _run(1.8, 1.0), _run(0.8, 0.45)]
    other = [_run(1.0, 0.55), _run(2.4, 1.3), _run(1.0, 0.5)]
    out = linking.compare_runs(this, other)
    assert out["cpu_ratios"] == [0.9, 0.75, 0.8]
    assert out["cpu_ratio"] == 0.8
    assert out["this"]["names_per_cpu_s"] == round(1000 / 0.9)
    assert out["other"]["names_per_cpu_s"] == 1000  # median CPU 1.0 s
    assert out["other"]["names_per_s"] == round(1000 / 0.55)
    lines = linking.render_against({"other": "../main", "load_average_at_start": 1.0,
                                    "load_average_at_end": 2.0,
                                    "sets": {"bundled": {**out, "identical": False}}})
    assert "answers DIFFER" in lines[1] and "CPU time this/other 0.8 " in lines[1]
