"""What ``new-mapping`` prints: how the first rows read with the proposal and what to check,
and the manifest entry for the document with its own date stamp."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from exchange_kg.formats import text_outside_tables
from exchange_kg.formats.grid import LINE_BREAK
from exchange_kg.normalise.vocabulary import active, using
from exchange_kg.propose.document import document_lines, stated_as_of
from exchange_kg.propose.proposal import Proposal, scalar
from exchange_kg.propose.refine import read_with


def preview(proposal: Proposal, path: Path, rows: int = 10) -> str:
    """How the first rows read with the proposal, what no vocabulary understood, what was
    not read and what to check: the user's next step without opening the code."""
    from exchange_kg.pipeline import source_agreements
    from exchange_kg.records import NOT_UNDERSTOOD

    src = read_with(proposal, path)
    agreements = source_agreements(src)
    out = [f"How the first {min(rows, len(agreements))} of {len(agreements)} agreements read:",
           ""]
    table = [("line", "country", "partner", "unit", "start", "end / term", "kinds", "quota")]
    for a in agreements[:rows]:
        party = a.parties[0] if a.parties else None  # a partner cell that names no one
        term = (str(a.end) if a.end else "open-ended" if a.open_ended else
                f"{a.duration_years} years" if a.duration_years else "")
        if a.auto_renewal:
            term = f"{term}, renewed".strip(", ")
        quota = "" if a.quota is None else ("×" if a.quota.no_student_quota else ",".join(
            f"{n}" if k == "unspecified" else f"{k} {n}" for k, n in a.quota.places))
        table.append((str(a.records[0].first_line), a.country or "-",
                      a.consortium or (party.name if party else "-"),
                      "; ".join(party.units if party else ()), str(a.start or ""), term,
                      ",".join(a.kinds), quota))
    widths = [min(40, max(len(r[i]) for r in table)) for i in range(len(table[0]))]
    out += ["  " + "  ".join(c[:40].ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in table]
    unknown: dict[str, Counter[str]] = {}
    for rec, section in zip(src.result.records, src.sections, strict=True):
        for flag in rec.flags:
            rule = section.fields.get(flag.field)
            if flag.code in NOT_UNDERSTOOD and flag.value and rule is not None and \
                    rule.normaliser in ("country", "date", "term", "quota", "kinds", "mark"):
                unknown.setdefault(flag.field, Counter())[flag.value] += 1
    out += ["", "Cells no vocabulary understood (add them to the mapping's vocabulary: if they "
            "mean something):" if unknown else "Every cell was understood."]
    for name, values in sorted(unknown.items()):
        listed = ", ".join(f"{v!r} ×{n}" for v, n in values.most_common(12))
        out.append(f"  {name}: {listed}")
    nameless = [rec.first_line for rec in src.result.records
                if any(f.field == "partner" and f.code == "empty" for f in rec.flags)]
    if nameless:
        out.append(f"  {len(nameless)} row(s) name no partner, so give no agreement (lines "
                   f"{', '.join(map(str, nameless[:12]))}{', ...' if len(nameless) > 12 else ''})")
    unread_sheets = sorted({d.reason for d in src.result.dispositions.values()
                            if d.kind == "table-not-read"})
    out += [f"Not read: {reason}" for reason in unread_sheets]
    unreadable = sorted(n for n, d in src.result.dispositions.items()
                        if d.status.value == "unreadable" and d.kind not in ("table-not-read",
                                                                            "row"))
    # rows the format itself cannot read say why (struck through, hidden, a scanned page)
    out += [f"Not read: line {n}: {d.reason}" for n, d in sorted(src.result.dispositions.items())
            if d.status.value == "unreadable" and d.kind == "row"][:12]
    if unreadable:
        out += ["", f"{len(unreadable)} line(s) not read (lines "
                f"{', '.join(map(str, unreadable[:10]))}{' ...' if len(unreadable) > 10 else ''})"
                ": a title or footer pattern, or another layout, may be missing."]
    checks = [c for c in proposal.comments.values() if c.startswith("CHECK")]
    checks += [*proposal.notes, *src.result.notes]
    if checks:
        out += ["", "To check:", *(f"  - {c}" for c in checks)]
    return "\n".join(out) + "\n"


def manifest_entry(proposal: Proposal, path: Path) -> str:
    """The entry to add to sources/manifest.yaml for the document."""
    lines = document_lines(path)[0]
    # a stamp "05/09/2025" reads in the order the document's own dates are written in
    with using(active().with_date_order(proposal.date_order)):
        as_of = stated_as_of(lines)
        outside = text_outside_tables(path)  # a page or Word document states its title and
        if outside is not None:  # date outside its tables
            lines = outside
            as_of = stated_as_of(lines, "heading or paragraph") or as_of
    # a title cell over two lines is one title (a cell's lines are apart by LINE_BREAK)
    first = next((ln.strip().replace(LINE_BREAK, " ") for ln in lines if ln.strip()), "")
    title = first if first and "\t" not in first and len(first) < 150 else None
    stamp = ([f"    as_of: {scalar(as_of[0])}  # CHECK: the document's own date stamp",
              f"    as_of_evidence: {scalar(as_of[1])}"] if as_of else
             ["    as_of: null  # the date the document states it is current as of"])
    return "\n".join([
        f"  - id: {proposal.source_id}",
        f"    file: {path.name}",
        f"    title: {scalar(title) if title else 'null'}  # the document's own title, if any",
        f"    label: {scalar('partner list ' + proposal.source_id)}  # your short description",
        f"    language: {proposal.language or 'und'}"
        + (f"  # {proposal.language_check}" if proposal.language_check else ""),
        "    publisher:",
        "      # if the document names its publisher, write instead name: \"...\" and "
        "evidence: \"where it says so\"",
        "      # (and country: \"...\" where another institution has the same name)",
        "      known_as: \"the institution that publishes this partner list\"",
        f"      key: {proposal.source_id}-publisher",
        *stamp,
        f"    original_file_name: {path.name}",
    ]) + "\n"
