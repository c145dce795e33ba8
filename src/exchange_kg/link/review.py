"""The review file: every institution the linker did not link, with its candidates, as CSV.

One row per institution, so a curator can sort and filter it in a spreadsheet and copy
``our_label`` and ``country`` (and a candidate's ``ror_id``) into the curation file. Candidates
are laid out in numbered column groups rather than packed into one cell, because a person reads
and compares them side by side. Rows are sorted, so two builds of the same input give the same
bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from exchange_kg.dumps import write_atomic
from exchange_kg.link.model import MatchResult

CANDIDATE_COLUMNS = ("ror_id", "name", "ror_display_name", "country", "city", "score", "method",
                     "status", "wikidata", "evidence")
MAX_REVIEW_CANDIDATES = 3
_ORDER = {"ambiguous": 0, "no-match": 1, "curated-reject": 2, "linked": 3, "curated-accept": 4,
          "curated-choose": 5}


def review_columns(max_candidates: int = MAX_REVIEW_CANDIDATES) -> list[str]:
    cols = ["our_label", "country", "decision", "reason", "alt_labels", "acronyms", "websites",
            "city", "source_rows", "curation"]
    for n in range(1, max_candidates + 1):
        cols += [f"candidate{n}_{c}" for c in CANDIDATE_COLUMNS]
    return cols


def review_rows(results: Sequence[MatchResult], include_linked: bool = False,
                max_candidates: int = MAX_REVIEW_CANDIDATES) -> list[dict[str, str]]:
    """The rows of the review file: by default the institutions that were not linked."""
    rows = []
    for r in results:
        if r.chosen is not None and not include_linked:
            continue
        q = r.query
        row = {
            "our_label": q.label, "country": q.country or "", "decision": r.decision,
            "reason": r.reason, "alt_labels": " | ".join(q.labels[1:]),
            "acronyms": " | ".join(q.acronyms), "websites": " | ".join(q.domains),
            "city": q.city or "", "source_rows": " ".join(sorted(q.source_rows)),
            "curation": r.curation_note,
        }
        for n, c in enumerate(r.candidates[:max_candidates], start=1):
            values = {
                "ror_id": c.ror_id, "name": c.name, "ror_display_name": c.display_name,
                "country": c.country or "", "city": c.city or "", "score": f"{c.score:.3f}",
                "method": c.method, "status": c.status, "wikidata": c.wikidata or "",
                "evidence": " ".join(c.evidence),
            }
            if c.followed_successor_from:
                values["evidence"] = (values["evidence"] + " successor-of:"
                                      + c.followed_successor_from).strip()
            row.update({f"candidate{n}_{k}": v for k, v in values.items()})
        rows.append(row)
    rows.sort(key=lambda x: (_ORDER.get(x["decision"], 9), x["country"], x["our_label"].casefold(),
                             x["our_label"], x["source_rows"]))
    return rows


def review_csv(results: Sequence[MatchResult], include_linked: bool = False) -> bytes:
    """The review file's bytes (UTF-8, "\\n" line ends, every column always present)."""
    return _csv_bytes(review_rows(results, include_linked))


def _csv_bytes(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=review_columns(), lineterminator="\n",
                            restval="", extrasaction="raise")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_review(path: Path, results: Sequence[MatchResult], include_linked: bool = False) -> int:
    """Write the review file atomically; returns the number of institutions in it."""
    rows = review_rows(results, include_linked)
    write_atomic(Path(path), _csv_bytes(rows))
    return len(rows)


def read_review(path: Path) -> list[dict[str, str]]:
    """The rows of a review file (for tools and tests that act as a curator)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
