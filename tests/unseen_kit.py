"""The generalisation kit: partner lists nobody tuned the code for, scored field by field.

Each folder under ``tests/fixtures/unseen/`` is one list, laid out as a project a user would
make for it::

    <list>/sources/manifest.yaml   one document entry
    <list>/sources/<document>      the list itself (any format a reader handles)
    <list>/mappings/<list>.yaml    its mapping file: the only thing written for it
    <list>/expected.tsv            the hand-checked expected output, one row per agreement

The list is built exactly as ``exchange-kg build --sources <list>/sources --mappings
<list>/mappings`` builds it, and what the graph *publishes* is compared with the expected
output: per agreement (matched by its first source line) each field is right or wrong, an
agreement nobody expected is spurious, and an unreadable source line counts against the list.
An empty expected cell means the source does not state the value, so publishing one is wrong.

``results.tsv`` records, per list and field, how many were right when the list was added
(``before``) and now (``now``); ``tests/test_unseen_kit.py`` asserts that no list scores less
than it records and that a list recorded as all right stays all right.

    python tests/unseen_kit.py            # score every list, print the table and each miss
    python tests/unseen_kit.py --write    # ... and record the scores in results.tsv
    python tests/unseen_kit.py es-convenios-etsii   # one list
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import PROV, RDF, SKOS

ROOT = Path(__file__).resolve().parents[1]
KIT = ROOT / "tests" / "fixtures" / "unseen"
RESULTS = KIT / "results.tsv"

XKG = Namespace("https://w3id.org/exchange-kg/ontology#")
SCHEMA = Namespace("https://schema.org/")
FIELDS = ("country", "partner", "unit", "start", "end", "open_ended", "duration", "renewal",
          "kinds", "quota", "waiver")
# counts where fewer is better, recorded beside the fields
PENALTIES = ("spurious", "unreadable")


def kit_lists() -> list[Path]:
    """Every list folder of the kit (a folder with an ``expected.tsv``)."""
    return sorted(p.parent for p in KIT.glob("*/expected.tsv"))


def read_expected(folder: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for number, text in enumerate((folder / "expected.tsv").read_text("utf-8").splitlines(), 1):
        if not text.strip() or text.startswith("#"):
            continue
        cells = text.split("\t")
        if header is None:
            header = cells
            missing = set(("line", *FIELDS)) - set(header)
            if missing:
                raise ValueError(f"{folder}/expected.tsv:{number}: no column(s) {sorted(missing)}")
            continue
        if len(cells) != len(header):
            raise ValueError(f"{folder}/expected.tsv:{number}: {len(cells)} cells, "
                             f"header has {len(header)}")
        rows.append({k: v.strip() for k, v in zip(header, cells, strict=True)})
    return rows


@dataclass
class Score:
    name: str
    expected: int = 0
    right: Counter[str] = field(default_factory=Counter)
    spurious: int = 0
    unreadable: int = 0
    error: str = ""
    conforms: bool | None = None
    misses: list[str] = field(default_factory=list)
    # cells no vocabulary understood: field -> value -> count
    unknown: dict[str, Counter[str]] = field(default_factory=dict)

    def count(self, name: str) -> int:
        if name == "spurious":
            return self.spurious
        if name == "unreadable":
            return self.unreadable
        return self.right[name]

    @property
    def perfect(self) -> bool:
        return (not self.error and self.spurious == 0 and self.unreadable == 0
                and all(self.right[f] == self.expected for f in FIELDS))


def build(folder: Path, validate: bool = False):  # noqa: ANN201 - BuildResult, validation
    """Build one kit list as the CLI would (no ROR linking)."""
    from exchange_kg import pipeline
    from exchange_kg import validate as shacl

    result = pipeline.build(folder / "sources", folder / "mappings")
    validation = None
    if validate:
        # the graph as the build's store holds it: the default graph
        import pyoxigraph

        store = pyoxigraph.Store()
        store.bulk_load(b"".join(result.graph.chunks()), format=pyoxigraph.RdfFormat.N_TRIPLES)
        validation = shacl.validate(store, shacl.load_shapes(ROOT / "shapes"))
    return result, validation


def published(graph: Graph, boxes: dict[str, int] | None = None) -> list[dict[str, str]]:
    """What the graph states about each agreement, in the expected file's notation.
    ``boxes`` gives a PDF record's location (a page and a box, no row) the line of the
    document's text view it was read from, as ``expected.tsv`` numbers a PDF's rows."""
    out = []
    for a in sorted(graph.subjects(RDF.type, XKG.Agreement)):
        lines = [int(n) for rec in graph.objects(a, PROV.wasDerivedFrom)
                 for n in graph.objects(rec, XKG.lineNumber)]
        if not lines:  # a spreadsheet or web page: the row its location names
            lines = [_row_of(str(w)) or (boxes or {}).get(str(w), 0)
                     for rec in graph.objects(a, PROV.wasDerivedFrom)
                     for w in graph.objects(rec, XKG.location)]
            lines = [n for n in lines if n]
        institutions = sorted(graph.objects(a, XKG.partnerInstitution))
        units = [p for p in graph.objects(a, XKG.partner) if (p, RDF.type, XKG.Unit) in graph]
        raw = " ".join(str(t) for rec in graph.objects(a, PROV.wasDerivedFrom)
                       for t in graph.objects(rec, XKG.rawText))
        row = {
            "line": str(min(lines)) if lines else "",
            "_labels": "\n".join(sorted({str(v) for i in institutions for p in
                                          (SKOS.prefLabel, SKOS.altLabel)
                                          for v in graph.objects(i, p)})),
            "_raw": raw,
            "country": _join(graph.objects(i, SCHEMA.address / SCHEMA.addressCountry)
                             for i in institutions),
            "partner": _join(graph.objects(i, SKOS.prefLabel) for i in institutions),
            "unit": _join(graph.objects(u, SKOS.prefLabel) for u in units),
            "start": _one(graph, a, XKG.startDate),
            "end": _one(graph, a, XKG.endDate),
            "open_ended": _one(graph, a, XKG.openEnded),
            "duration": _one(graph, a, XKG.duration),
            "renewal": _one(graph, a, XKG.autoRenewal),
            "waiver": _one(graph, a, XKG.tuitionWaiver),
        }
        kinds = [_local(k) for k in graph.objects(a, XKG.kind)]
        kinds += ["status:" + _local(s) for s in graph.objects(a, XKG.status)]
        row["kinds"] = ",".join(sorted(kinds))
        quota = []
        if _one(graph, a, XKG.studentExchangeQuota) == "false":
            quota.append("x")
        for q in graph.objects(a, XKG.quota):
            quota.append(f"{_local(graph.value(q, XKG.mobilityKind))}:{graph.value(q, XKG.places)}")
        row["quota"] = ";".join(sorted(quota))
        out.append(row)
    return out


def _row_of(location: str) -> int:
    """The row number of a spreadsheet range ("Partners!A12:E12") or an HTML table row
    ("table 2, row 12"); 0 for a PDF box, which has none."""
    match = re.search(r"![A-Z]+(\d+):|, row (\d+)$", location)
    return int(match.group(1) or match.group(2)) if match else 0


def _join(groups) -> str:  # noqa: ANN001
    return " | ".join(sorted({str(v) for group in groups for v in group}))


def _one(graph: Graph, s: URIRef, p: URIRef) -> str:
    values = sorted(str(v) for v in graph.objects(s, p))
    return " | ".join(values)


def _local(term: object) -> str:
    return str(term).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _agreeing(a: dict[str, str], b: dict[str, str]) -> int:
    return sum(_right(f, a, b) for f in FIELDS)


def _right(field: str, expected: dict[str, str], got: dict[str, str]) -> bool:
    """Whether a published field is the expected one.

    The partner is right when the graph names the expected institution: its preferred label
    is the expected name, or the expected name is one of its labels and the preferred label
    is another name the same row gives it (the labelling policy prefers an English name the
    list gives in brackets: "Università di Pechino (Peking University)").
    """
    if expected[field] == got[field]:
        return True
    if field != "partner" or "_labels" not in got:
        return False
    return (expected[field] in got["_labels"].split("\n")
            and bool(got[field]) and got[field] in got["_raw"])


def score(folder: Path, validate: bool = False) -> Score:
    """Build one list and compare what it publishes with its expected output."""
    expected = read_expected(folder)
    result = Score(folder.name, expected=len(expected))
    try:
        built, validation = build(folder, validate)
    except Exception as exc:  # a list the product cannot read at all scores nothing
        result.error = f"{type(exc).__name__}: {exc}"
        result.misses = [f"build failed: {result.error}"]
        return result
    if validation is not None:
        result.conforms = validation.conforms
    graph = Graph().parse(data="\n".join(built.graph.lines()), format="nt")
    boxes = {loc.text: min(rec.lines) for src in built.sources for rec in src.result.records
             for loc in getattr(rec, "locations", ()) if rec.lines}
    actual = published(graph, boxes)
    by_line: dict[str, list[dict[str, str]]] = {}
    for row in actual:
        by_line.setdefault(row["line"], []).append(row)
    for line in sorted({r["line"] for r in expected}, key=int):
        want = [r for r in expected if r["line"] == line]
        have = by_line.pop(line, [])
        for exp, got in _pair(want, have):
            if got is None:
                result.misses.append(f"line {line}: no agreement published (expected "
                                     f"{exp['partner']!r})")
                continue
            for f in FIELDS:
                if _right(f, exp, got):
                    result.right[f] += 1
                else:
                    result.misses.append(f"line {line}: {f}: expected {exp[f] or '(absent)'!r}, "
                                         f"published {got[f] or '(absent)'!r}")
        for got in have[len(want):]:
            result.spurious += 1
            result.misses.append(f"line {line}: spurious agreement {got['partner']!r}")
    for line, rows in sorted(by_line.items()):
        for got in rows:
            result.spurious += 1
            result.misses.append(f"line {line}: spurious agreement {got['partner']!r} "
                                 f"({got['country'] or 'no country'})")
    for src in built.sources:
        for n in src.non_blank:
            disp = src.result.dispositions[n]
            if disp.status.value == "unreadable":
                result.unreadable += 1
                result.misses.append(f"line {n}: unreadable: {disp.reason}")
    result.unknown = _unknown_cells(built)
    return result


def _pair(want: list[dict[str, str]], have: list[dict[str, str]]):  # noqa: ANN202
    """Expected and published agreements of one line, paired to agree on the most fields."""
    if len(want) == 1 and len(have) <= 1:
        return [(want[0], have[0] if have else None)]
    best, best_score = None, -1
    for perm in itertools.permutations(range(len(have)), min(len(want), len(have))):
        total = sum(_agreeing(want[i], have[j]) for i, j in enumerate(perm))
        if total > best_score:
            best, best_score = perm, total
    pairs = [(w, have[best[i]] if best is not None and i < len(best) else None)
             for i, w in enumerate(want)]
    used = set(best or ())
    have[:] = [have[j] for j in sorted(used)] + [h for j, h in enumerate(have) if j not in used]
    return pairs


_UNKNOWN_CODES = {"unknown-term-text", "unknown-kind", "country-unknown", "unreadable",
                  "unrecognised"}


def _unknown_cells(built) -> dict[str, Counter[str]]:  # noqa: ANN001
    found: dict[str, Counter[str]] = {}
    for src in built.sources:
        for rec in src.result.records:
            for flag in rec.flags:
                if flag.code in _UNKNOWN_CODES and flag.value:
                    found.setdefault(flag.field, Counter())[flag.value] += 1
    return found


# -------------------------------------------------------------------------------- results file


def read_results(path: Path = RESULTS) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(list, field) -> (expected, before, now)."""
    out: dict[tuple[str, str], tuple[int, int, int]] = {}
    if not path.exists():
        return out
    for text in path.read_text("utf-8").splitlines():
        if not text.strip() or text.startswith("#") or text.startswith("list\t"):
            continue
        name, fld, total, before, now = text.split("\t")
        out[(name, fld)] = (int(total), int(before), int(now))
    return out


def write_results(scores: list[Score], path: Path = RESULTS) -> None:
    old = read_results(path)
    rows = dict(old)
    for s in scores:
        for f in (*FIELDS, *PENALTIES):
            total = s.expected if f in FIELDS else 0
            before = old.get((s.name, f), (total, s.count(f), 0))[1]
            rows[(s.name, f)] = (total, before, s.count(f))
    lines = [
        "# Generalisation-kit scores (tests/unseen_kit.py --write). Per list and field: the",
        "# number of expected agreements, how many had the field right when the list was added",
        "# to the kit (before) and now. spurious/unreadable count agreements nobody expected and",
        "# unreadable source lines (fewer is better). tests/test_unseen_kit.py never lets a",
        "# count get worse.",
        "list\tfield\texpected\tbefore\tnow",
    ]
    for (name, f), (total, before, now) in sorted(rows.items(), key=_result_order):
        lines.append(f"{name}\t{f}\t{total}\t{before}\t{now}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _result_order(item: tuple[tuple[str, str], tuple[int, int, int]]) -> tuple[str, int]:
    (name, f), _ = item
    order = (*FIELDS, *PENALTIES)
    return name, order.index(f) if f in order else len(order)


def table(scores: list[Score]) -> str:
    width = max(len(s.name) for s in scores)
    head = f"{'list':<{width}}  rows " + " ".join(f"{f[:8]:>8}" for f in FIELDS)
    head += "  spurious unreadable"
    out = [head]
    for s in scores:
        cells = " ".join(f"{s.right[f]:>8}" for f in FIELDS)
        out.append(f"{s.name:<{width}}  {s.expected:>4} {cells}  {s.spurious:>8} "
                   f"{s.unreadable:>10}" + ("  BUILD FAILED" if s.error else ""))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lists", nargs="*", help="list folder names (default: all)")
    parser.add_argument("--write", action="store_true", help="record the scores")
    parser.add_argument("--validate", action="store_true", help="also run SHACL validation")
    args = parser.parse_args(argv)
    folders = [f for f in kit_lists() if not args.lists or f.name in args.lists]
    scores = [score(f, args.validate) for f in folders]
    print(table(scores))
    for s in scores:
        if s.misses:
            print(f"\n{s.name}:")
            for miss in s.misses:
                print(f"  {miss}")
        if s.unknown:
            print("  cells no vocabulary understood: "
                  + "; ".join(f"{f}: " + ", ".join(f"{v!r} x{n}" for v, n in c.most_common())
                              for f, c in sorted(s.unknown.items())))
        if s.conforms is False:
            print(f"  {s.name}: the graph does not conform to the shapes")
    if args.write:
        write_results(scores)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
