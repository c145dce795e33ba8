"""Time the per-document stage alone (read every document and normalise its records, no
cache) on a generated set, in this process and its read pool:

    python bench/read_stage.py /tmp/gen100      # after bench/generate.py --scale 100

Prints one JSON line: wall seconds, CPU seconds of this process (the parent: gathering and
unpickling the workers' results) and of the pool's workers, and the peak RSS of each. Run with
``PYTHONPATH`` pointing at another checkout's ``src`` to time other code on the same data
(code from before the stage moved normalisation into the workers normalises in the parent).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from exchange_kg import pipeline
from exchange_kg.manifest import load_manifest
from exchange_kg.mapping_spec import load_mappings


def cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main(gen: Path) -> dict[str, float]:
    documents = load_manifest(gen / "sources" / "manifest.yaml")
    mappings = load_mappings(gen / "mappings")
    wall, (parent, workers) = time.perf_counter(), cpu()
    sources = pipeline.read_sources(documents, mappings)
    if sources and not getattr(sources[0], "agreements", None):  # older code
        agreements = [a for src in sources for a in pipeline.source_agreements(src)]
    else:
        agreements = [a for src in sources for a in src.agreements]
    parent2, workers2 = cpu()
    return {"wall_s": round(time.perf_counter() - wall, 2),
            "parent_cpu_s": round(parent2 - parent, 2),
            "workers_cpu_s": round(workers2 - workers, 2),
            "agreements": len(agreements),
            "peak_rss_parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "peak_rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
