"""A long fuzzing run that counts outcomes instead of stopping at the first failure.

    python tests/fuzz_campaign.py --seconds 600            # every reader and normaliser
    python tests/fuzz_campaign.py --seconds 60 --only numbered-table --json out.json

Prints, per target, how many inputs ran and how many were refused with a clear error,
crashed, hung (over ``--hang`` seconds) or lost a line, with one example of each distinct
failure. The test suite runs the same inputs for a shorter time and stops at the first
failure, shrunk to a minimal case (``test_fuzz_readers.py``, ``test_fuzz_normalisers.py``).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

import fuzzing  # noqa: E402


class _Done(Exception):
    """Ends a target's run when its time is up."""


def campaign(name: str, strategy, run, seconds: float, hang: float) -> dict:  # noqa: ANN001
    tally: Counter[str] = Counter()
    examples: dict[str, dict] = {}
    slow = 0
    stop = time.monotonic() + seconds

    @settings(max_examples=10**9, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def probe(value) -> None:  # noqa: ANN001
        nonlocal slow
        if time.monotonic() > stop:
            raise _Done
        outcome = run(value, hang)
        tally[outcome.kind] += 1
        slow += outcome.seconds > 1.0
        if tally.total() % 200 == 0:
            fuzzing.clear_caches()
        if outcome.bad:
            key = f"{outcome.kind}: {outcome.detail.split(' at ')[-1][:120]}"
            if key not in examples:
                sample = value if isinstance(value, str) else value.decode("utf-8", "replace")
                examples[key] = {"kind": outcome.kind, "detail": outcome.detail,
                                 "seconds": round(outcome.seconds, 2), "size": len(sample),
                                 "sample": sample[:300]}

    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - _Done, possibly wrapped by hypothesis
        if "_Done" not in repr(exc) and not isinstance(exc, _Done):
            raise
    result = {"target": name, "inputs": tally.total(), **dict(tally), "over_1s": slow,
              "distinct_failures": examples}
    bad = sum(tally[k] for k in ("crash", "hang", "unaccounted", "lost"))
    print(f"{name}: {tally.total()} inputs, {tally['error']} clear errors, "
          f"{tally['crash']} crashes, {tally['hang']} hangs, {tally['unaccounted']} with a line "
          f"unaccounted, {tally['lost']} read into nothing, {slow} over 1 s; "
          f"{len(examples)} distinct failure(s)", flush=True)
    for key in list(examples)[:8] if bad else []:
        print(f"    {key}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120, help="per target")
    parser.add_argument("--hang", type=float, default=fuzzing.HANG_SECONDS,
                        help="CPU seconds after which one input counts as a hang")
    parser.add_argument("--only", action="append", help="a reader or normaliser target")
    parser.add_argument("--memory-gb", type=float, default=6.0,
                        help="address-space limit: a giant allocation fails instead of "
                             "swapping the machine")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    limit = int(args.memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    results = []
    for name, target in fuzzing.TARGETS.items():
        if args.only and name not in args.only:
            continue
        results.append(campaign(name, fuzzing.documents(target),
                                lambda data, hang, t=target: fuzzing.run_document(t, data, hang),
                                args.seconds, args.hang))
    for name in fuzzing.NORMALISERS:
        if args.only and name not in args.only and "normalisers" not in args.only:
            continue
        results.append(campaign(name, fuzzing.free_text(),
                                lambda text, hang, n=name: fuzzing.run_text(n, text, hang),
                                args.seconds, args.hang))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
