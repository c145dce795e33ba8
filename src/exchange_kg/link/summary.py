"""Linking results -> counts: linked / ambiguous / no match, overall and per source document.

Curated links count as linked and curated rejections as not linked; the per-decision counts keep
them apart for anyone who wants to see how much a curator contributed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from exchange_kg.link.model import MatchResult

OUTCOMES = ("linked", "ambiguous", "no-match")


def outcome(result: MatchResult) -> str:
    """linked | ambiguous | no-match, whoever decided."""
    if result.chosen is not None:
        return "linked"
    if result.decision == "ambiguous":
        return "ambiguous"
    return "no-match"


def _counts(results: Sequence[MatchResult]) -> dict[str, Any]:
    outcomes = Counter(outcome(r) for r in results)
    total = len(results)
    return {
        "institutions": total,
        **{k: outcomes.get(k, 0) for k in OUTCOMES},
        "share_linked": round(outcomes.get("linked", 0) / total, 4) if total else 0.0,
        "decisions": dict(sorted(Counter(r.decision for r in results).items())),
    }


def summarise(results: Sequence[MatchResult]) -> dict[str, Any]:
    """Totals and per-source counts (an institution listed by two sources counts in both)."""
    sources = sorted({s for r in results for s in r.query.sources})
    return {
        **_counts(results),
        "per_source": {s: _counts([r for r in results if s in r.query.sources])
                       for s in sources},
        "methods": dict(sorted(Counter(r.chosen.method for r in results if r.chosen).items())),
    }


def format_summary(summary: dict[str, Any]) -> str:
    """A small plain-text table for the command line."""
    lines = [f"{'source':<32} {'institutions':>12} {'linked':>7} {'ambiguous':>9} "
             f"{'no match':>8} {'share':>6}"]
    rows = [*summary["per_source"].items(), ("all", summary)]
    for name, c in rows:
        lines.append(f"{name:<32} {c['institutions']:>12} {c['linked']:>7} {c['ambiguous']:>9} "
                     f"{c['no-match']:>8} {c['share_linked']:>6.1%}")
    return "\n".join(lines)
