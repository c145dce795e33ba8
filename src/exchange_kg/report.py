"""The data-quality report: where every source line went, what is doubtful, what was checked.

It is an output of the build like the graph, so it is deterministic (no timings, no dates) and
comes in two forms: JSON for scripts and Markdown for people.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib.namespace import RDF

from exchange_kg import __version__
from exchange_kg.records import NOT_UNDERSTOOD, LineStatus
from exchange_kg.triples import iri
from exchange_kg.vocab import XKG

if TYPE_CHECKING:  # the build imports this module to summarise its documents
    from exchange_kg.pipeline import BuildResult, SourceResult
    from exchange_kg.validate import Validation

# normalisers that read cells through a vocabulary (a web address or a name has none)
VOCABULARY_NORMALISERS = frozenset({"country", "date", "term", "quota", "kinds", "mark"})


# A document yielding this share fewer records than in the previous build is called out.
DEFAULT_MAX_RECORD_DROP = 0.2


def load_previous(out_dir: Path) -> dict[str, Any] | None:
    """The report of the build now in ``out_dir``, if there is a readable one."""
    try:
        previous = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return previous if isinstance(previous, dict) else None


def record_drops(report: dict[str, Any], previous: dict[str, Any] | None,
                 max_drop: float = DEFAULT_MAX_RECORD_DROP) -> list[dict[str, Any]]:
    """Documents whose records fell by more than ``max_drop`` against the previous build.

    A document edited so that most of its rows no longer read (a renamed column, a new
    export format) may still build; the previous build is the evidence that rows went missing.
    """
    if not previous:
        return []
    before = {}
    for s in previous.get("sources", []):
        if isinstance(s, dict) and isinstance(s.get("records"), int):
            before[s.get("id")] = s["records"]
    drops = []
    for s in report["sources"]:
        was = before.get(s["id"])
        if not was or s["records"] >= was * (1 - max_drop):
            continue
        share = 1 - s["records"] / was
        drops.append({
            "source": s["id"], "file": s["file"], "records": s["records"], "previous": was,
            "message": f"{s['file']}: {s['records']} records where the previous build read "
                       f"{was} ({share:.0%} fewer); check its unreadable lines and layout",
        })
    return drops


def build_report(build: BuildResult, validation: Validation | None, base: str,
                 previous: dict[str, Any] | None = None,
                 max_drop: float = DEFAULT_MAX_RECORD_DROP) -> dict[str, Any]:
    """The report; ``previous`` (the last build's report) lets it call out vanished records."""
    agreements_by_source: Counter[str] = Counter()
    partners_by_source: dict[str, set[str]] = {}
    g = build.graph
    for a_iri in g.subjects_with(iri(RDF.type), iri(XKG.Agreement)):
        for doc in g.objects(a_iri, iri(XKG.listedIn)):
            sid = doc.removesuffix(">").rsplit("/", 1)[1]
            agreements_by_source[sid] += 1
            partners_by_source.setdefault(sid, set()).update(
                g.objects(a_iri, iri(XKG.partnerInstitution))
            )
    sources = []
    for summary in build.summaries:
        sid = summary["id"]
        sources.append({**summary, "agreements": agreements_by_source.get(sid, 0),
                        "partner_institutions": len(partners_by_source.get(sid, ()))})
    totals = {
        "sources": len(sources),
        "non_blank_lines": sum(s["lines"]["non_blank"] for s in sources),
        "record_lines": sum(s["lines"]["record"] for s in sources),
        "layout_lines": sum(s["lines"]["layout"] for s in sources),
        "title_lines": sum(len(s["titles"]) for s in sources),
        "unreadable_lines": sum(s["lines"]["unreadable"] for s in sources),
        "records": sum(s["records"] for s in sources),
        "agreements": build.agreement_count,
        "institutions": len(g.subjects_with(iri(RDF.type), iri(XKG.Institution))),
        "triples": len(g),
        "flags": sum(len(s["flags"]) for s in sources),
        "withheld_values": sum(1 for s in sources for f in s["flags"] if f["withheld"]),
        "not_understood_values": sum(len(v) for s in sources
                                     for v in s["not_understood"].values()),
        "checks_failed": sum(1 for s in sources for c in s["checks"] if not c["passed"]),
    }
    totals["accounted_percent"] = _pct(
        totals["record_lines"] + totals["layout_lines"] + totals["unreadable_lines"],
        totals["non_blank_lines"],
    )
    report: dict[str, Any] = {
        "generator": f"exchange-kg {__version__}",
        "base": base,
        "totals": totals,
        "sources": sources,
    }
    report["record_drops"] = record_drops(report, previous, max_drop)
    add_validation(report, validation)
    return report


def summarise_lines(src: SourceResult) -> dict[str, Any]:
    """The report's part about one document's lines: what each non-blank line was taken for.
    Made as soon as the document is read, so that its lines and their dispositions (which
    nothing after reading needs) are let go then (:func:`summarise_source` takes it)."""
    disp = src.result.dispositions
    non_blank = src.non_blank
    status = Counter(disp[n].status.value for n in non_blank if n in disp)
    layout = Counter(disp[n].kind for n in non_blank if disp[n].status is LineStatus.LAYOUT)
    # Lines of a spreadsheet, PDF or web page are its rows as read: "where" locates them.
    where = src.locations
    return {
        "rows": bool(where),
        "lines": {
            "total": len(src.lines),
            "non_blank": len(non_blank),
            "record": status.get("record", 0),
            "layout": status.get("layout", 0),
            "unreadable": status.get("unreadable", 0),
            "accounted_percent": _pct(sum(status.values()), len(non_blank)),
        },
        "layout_kinds": dict(sorted(layout.items())),
        # a title is a judgement (the line is not data): listed so that it can be checked
        "titles": [{"line": n, "text": _excerpt(src.lines[n - 1])} for n in non_blank
                   if disp[n].status is LineStatus.LAYOUT and disp[n].kind == "title"],
        "unreadable": [
            {"line": n, "reason": disp[n].reason, "text": _excerpt(src.lines[n - 1]),
             **({"where": where[n - 1].text} if where else {})}
            for n in non_blank
            if disp[n].status is LineStatus.UNREADABLE
        ],
    }


def summarise_source(src: SourceResult, lines: dict[str, Any] | None = None
                     ) -> dict[str, Any]:
    """The report's part about one document that reads its records: made by the build as
    soon as they are final (after resolution flags countries), so that the records need not
    be held until the report is written; ``lines`` is its :func:`summarise_lines` when the
    lines are gone. The agreements and partners it lists are counted on the graph, in
    :func:`build_report`."""
    if lines is None:
        lines = summarise_lines(src)
    flags = []
    for rec in src.result.records:
        for f in rec.flags:
            flags.append({
                "lines": list(rec.lines), "field": f.field, "code": f.code,
                "message": f.message, "value": f.value, "withheld": f.withheld,
                "raw": rec.raw,
                **({"where": [loc.text for loc in rec.locations]} if lines["rows"] else {}),
            })
    return {
        "id": src.document.id,
        "file": src.document.file_name,
        # an original (spreadsheet, CSV, web page, PDF): its lines are the rows read
        **({"rows": True} if lines["rows"] else {}),
        "lines": lines["lines"],
        "layout_kinds": lines["layout_kinds"],
        "titles": lines["titles"],
        "records": len(src.result.records),
        "agreements": 0,  # from the graph: see build_report
        "partner_institutions": 0,
        "unreadable": lines["unreadable"],
        "flags": flags,
        "flag_counts": dict(sorted(Counter(f["code"] for f in flags).items())),
        "not_understood": _not_understood(src),
        "reader_notes": list(src.result.notes),
        "date_order": _date_order(src),
        "checks": [
            {"name": c.name, "expected": c.expected, "found": c.found, "passed": c.passed,
             "detail": c.detail, "lines": list(c.lines)}
            for c in src.result.checks
        ],
    }


def add_validation(report: dict[str, Any], validation: Validation | None) -> None:
    """The validation's verdict into a report made before it (:func:`build_report` with
    ``validation=None``): the rest of the report reads only the build."""
    if validation is not None:
        report["validation"] = {
            "conforms": validation.conforms,
            "violations": validation.violations,
            "warnings": validation.warnings,
            "summary": [{"count": n, "result": what} for n, what in validation.summary],
        }


def _not_understood(src: SourceResult) -> dict[str, list[dict[str, Any]]]:
    """Per field, every cell text (or part of one) no vocabulary understood, with how many
    times it occurs: the words a mapping's ``vocabulary:`` could teach."""
    found: dict[str, Counter[str]] = {}
    for rec, section in zip(src.result.records, src.sections, strict=True):
        for f in rec.flags:
            rule = section.fields.get(f.field)
            if (f.code in NOT_UNDERSTOOD and f.value and rule is not None
                    and rule.normaliser in VOCABULARY_NORMALISERS):
                found.setdefault(f.field, Counter())[f.value] += 1
    return {name: [{"value": v, "count": n}
                   for v, n in sorted(found[name].items(), key=lambda kv: (-kv[1], kv[0]))]
            for name in sorted(found)}


def _date_order(src: SourceResult) -> dict[str, str | None]:
    declared = src.mapping.vocabulary.date_order
    if declared is not None:
        return {"order": declared, "how": "declared in the mapping"}
    decided = src.date_order
    if decided is None:
        return {"order": None, "how": "no dates read"}
    return {"order": decided.order, "how": decided.reason}


# Report cells show this much of a source line: a 60 KB line is evidence, not something to
# copy whole into every report.
EXCERPT_CHARS = 500


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT_CHARS:
        return text
    return f"{text[:EXCERPT_CHARS]}... ({len(text)} characters)"


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 100.0


def to_json(report: dict[str, Any]) -> bytes:
    return (json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()


def to_markdown(report: dict[str, Any]) -> bytes:
    t = report["totals"]
    out = [
        "# exchange-kg data-quality report",
        "",
        f"Generated by {report['generator']}; IRIs minted under `{report['base']}`.",
        "",
        "## Summary",
        "",
        "| figure | value |",
        "|---|---|",
        f"| source documents | {t['sources']} |",
        f"| non-blank source lines | {t['non_blank_lines']} |",
        f"| ... used in records | {t['record_lines']} |",
        f"| ... recognised as layout | {t['layout_lines']} |",
        f"| ... of which titles (listed per document) | {t['title_lines']} |",
        f"| ... unreadable (listed below) | {t['unreadable_lines']} |",
        f"| lines accounted for | {t['accounted_percent']} % |",
        f"| records | {t['records']} |",
        f"| agreements | {t['agreements']} |",
        f"| institutions | {t['institutions']} |",
        f"| triples | {t['triples']} |",
        f"| flagged fields | {t['flags']} (values withheld from the graph: "
        f"{t['withheld_values']}) |",
        f"| failed self-checks | {t['checks_failed']} |",
        f"| cell values no vocabulary understood | {t['not_understood_values']} |",
    ]
    if report.get("record_drops"):
        out += ["", "## Documents with fewer records than the previous build", ""]
        out += [f"- **{_cell(d['message'])}**" for d in report["record_drops"]]
    if "validation" in report:
        v = report["validation"]
        out += ["", "## SHACL validation", "",
                f"{'Conforms' if v['conforms'] else '**Does not conform**'}: "
                f"{v['violations']} violation(s), {v['warnings']} warning(s)."]
        if v["summary"]:
            out += ["", "| count | result |", "|---|---|"]
            out += [f"| {r['count']} | {_cell(r['result'])} |" for r in v["summary"]]
    for s in report["sources"]:
        ln = s["lines"]
        out += [
            "", f"## {s['id']} (`{s['file']}`)", "",
            f"{ln['non_blank']} non-{'empty rows' if s.get('rows') else 'blank lines'}: "
            f"{ln['record']} in records, {ln['layout']} "
            f"layout, {ln['unreadable']} unreadable ({ln['accounted_percent']} % accounted). "
            f"{s['records']} records, {s['agreements']} agreements, "
            f"{s['partner_institutions']} distinct partner institutions.",
        ]
        if s["layout_kinds"]:
            out += ["", "Layout lines: " + ", ".join(
                f"{k} {n}" for k, n in s["layout_kinds"].items()) + "."]
        if s["reader_notes"]:
            out += ["", *(f"- {note}" for note in s["reader_notes"])]
        order = s["date_order"]
        if order["order"] is not None or "declare" in order["how"]:
            out += ["", f"Numeric dates read as {order['order'] or 'undecided'} "
                        f"({order['how']})."]
        if s["not_understood"]:
            out += ["", "### Cells no vocabulary understood", "",
                    "Words to add to the mapping's `vocabulary:` (or to the built-in data) if "
                    "they mean something:", "", "| field | value | count |", "|---|---|---|"]
            out += [f"| {name} | {_cell(v['value'])} | {v['count']} |"
                    for name, values in s["not_understood"].items() for v in values]
        if s["titles"]:
            lines_of: dict[str, list[int]] = {}
            for t in s["titles"]:
                lines_of.setdefault(t["text"].strip(), []).append(t["line"])
            out += ["", "Lines taken for titles (not data):", ""]
            out += [f"- {_cell(text)} (line{'s' if len(ns) > 1 else ''} "
                    f"{', '.join(map(str, ns[:10]))}{', ...' if len(ns) > 10 else ''})"
                    for text, ns in lines_of.items()]
        if s["checks"]:
            out += ["", "### Self-checks", "", "| check | stated | found | result |",
                    "|---|---|---|---|"]
            for c in s["checks"]:
                detail = f" — {c['detail']}" if c["detail"] else ""
                out.append(f"| {_cell(c['name'])} | {c['expected']} | {c['found']} | "
                           f"{'pass' if c['passed'] else '**FAIL**'}{_cell(detail)} |")
        if s["unreadable"]:
            out += ["", "### Unreadable lines", "", "| line | reason | text |", "|---|---|---|"]
            out += [f"| {_cell(u.get('where', u['line']))} | {_cell(u['reason'])} | "
                    f"{_cell(u['text'])} |" for u in s["unreadable"]]
        if s["flags"]:
            out += ["", "### Flagged fields", "",
                    "| line(s) | field | flag | value | published | note |",
                    "|---|---|---|---|---|---|"]
            for f in s["flags"]:
                lines = _cell("; ".join(f["where"])) if "where" in f else \
                    ",".join(map(str, f["lines"]))
                out.append(
                    f"| {lines} | {f['field']} | {f['code']} | {_cell(f['value'] or '')} | "
                    f"{'no' if f['withheld'] else 'yes'} | {_cell(f['message'])} |"
                )
    return ("\n".join(out) + "\n").encode("utf-8")


def _cell(text: str) -> str:
    text = " ".join(str(text).split())
    if len(text) > 160:
        text = text[:157] + "..."
    return text.replace("|", "\\|")
