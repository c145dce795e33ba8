"""How many cells of the partner-list fragments (``tests/fixtures/fragments``) the normalisers
understand: a cell is understood when its normaliser raises no flag that says it was not
(an unknown word, an unreadable or garbled value) and, for a country, a date, a term or an
Erasmus code, reads a value. Statuses are read as a kind cell would be.

    python tests/fragment_cells.py            # every set, per file and field
    python tests/fragment_cells.py set3       # one set
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from exchange_kg.normalise.registry import normalise
from exchange_kg.normalise.vocabulary import BUILTIN, using
from exchange_kg.records import NOT_UNDERSTOOD

ROOT = Path(__file__).resolve().parent / "fixtures" / "fragments"
COLUMNS = ("country", "partner", "erasmus_code", "kind", "level", "start", "end", "quota",
           "status")
NORMALISER = {"country": "country", "erasmus_code": "erasmus-code", "kind": "kinds",
              "level": "level", "start": "date", "end": "term", "quota": "quota",
              "status": "kinds"}
FAILED = NOT_UNDERSTOOD | {"date-garbled", "date-ambiguous"}
# a cell of these fields may be understood and still give nothing ("TBC", "in force")
MAY_BE_EMPTY = frozenset({"quota", "kind", "status", "level"})


def sets() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if p.is_dir())


def count(set_name: str) -> dict[str, tuple[Counter[str], Counter[str]]]:
    """Per file: (understood, cells) per field."""
    out = {}
    for path in sorted((ROOT / set_name).glob("*.tsv")):
        order, columns, header = None, COLUMNS, None
        understood: Counter[str] = Counter()
        cells: Counter[str] = Counter()
        for line in path.read_text("utf-8").splitlines():
            if line.startswith("# order:"):
                order = line.split(":", 1)[1].strip()
            elif line.startswith("# columns:"):
                columns = tuple(line.split(":", 1)[1].strip().split(","))
            elif line.strip() and not line.startswith("#"):
                if header is None:
                    header = line
                    continue
                with using(BUILTIN.with_date_order(order)):
                    for name, raw in zip(columns, line.split("\t"), strict=False):
                        if name in NORMALISER and raw.strip():
                            cells[name] += 1
                            understood[name] += _understood(name, raw)
        out[path.stem] = (understood, cells)
    return out


def _understood(name: str, raw: str) -> bool:
    field = "kind" if name == "status" else name
    value, flags = normalise(NORMALISER[name], raw, field, {})
    if any(f.code in FAILED for f in flags):
        return False
    return name in MAY_BE_EMPTY or value not in (None, ())


def totals(set_name: str) -> tuple[int, int]:
    counted = count(set_name).values()
    return (sum(sum(u.values()) for u, _ in counted), sum(sum(c.values()) for _, c in counted))


def main(argv: list[str]) -> None:
    for set_name in argv or sets():
        for file, (understood, cells) in count(set_name).items():
            figures = " ".join(f"{k}={understood[k]}/{cells[k]}" for k in cells)
            print(f"{set_name}/{file:5} {figures}")
        ok, total = totals(set_name)
        print(f"{set_name}: understood {ok} of {total} cells ({100 * ok / total:.1f} %)\n")


if __name__ == "__main__":
    main(sys.argv[1:])
