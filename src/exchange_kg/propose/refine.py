"""Read the document with the proposal and learn from how it reads: title and footer lines,
the date order, where merged-cell labels stand, and whose unit a unit column names."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from exchange_kg.normalise.country import text_key
from exchange_kg.normalise.dates import decide_date_order
from exchange_kg.normalise.fit import looks_like_institution
from exchange_kg.propose.layouts import pattern_for
from exchange_kg.propose.proposal import Proposal
from exchange_kg.readers.cells import fold

# Languages whose lists write numeric dates day first; proposed when the dates cannot say.
DAY_FIRST_LANGUAGES = frozenset({"de", "es", "fr", "it", "pl", "pt", "nl", "cs", "sk", "hu"})


def refine(proposal: Proposal, path: Path) -> None:
    """Read the document with the proposal; learn title/footer lines, the date order and
    where labels stand from how it reads, and read again."""
    for _ in range(3):
        src = read_with(proposal, path)
        if not _learn(proposal, src):
            break
    _whose_unit(proposal, read_with(proposal, path))
    src = read_with(proposal, path)
    order = src.date_order
    proposal.date_order = proposal.mapping.get("date_order") or (order and order.order)
    whole = decide_date_order(src.lines)
    stated = _stated_date_order(src.lines)
    if order is not None and order.order is None and stated is not None \
            and not (order.day_first or order.month_first) and whole.order in (None, stated[0]):
        # "Dates signed are MM/DD/YYYY.": the document says how it writes them
        proposal.mapping["date_order"] = proposal.date_order = stated[0]
        proposal.comments["date_order"] = f"the document says its dates are written {stated[1]}"
    elif order is not None and order.order is None and whole.order is not None \
            and not (order.day_first or order.month_first) and _has_ambiguous_dates(src):
        # the dates read say nothing, but the document's other dates do ("ata o 31/05/2029"
        # in a validity column left unread): the order is the document's, not one column's
        proposal.mapping["date_order"] = proposal.date_order = whole.order
        proposal.comments["date_order"] = f"CHECK: across the document, {whole.reason}"
    elif order is not None and order.order is None and not order.month_first:
        if _has_ambiguous_dates(src) and proposal.language in DAY_FIRST_LANGUAGES:
            proposal.mapping["date_order"] = proposal.date_order = "dmy"
            proposal.comments["date_order"] = (
                f"CHECK: no date in the document decides the order; {proposal.language} lists "
                "write the day first")
    elif order is not None and order.order is None and order.day_first and order.month_first:
        proposal.notes.append(f"numeric dates: {order.reason}")


# A column of the host's own units names a few departments over and over, for partners in
# many countries; a column of the partners' units names each partner's own.
HOME_UNIT_MAX_SHARE = 0.5  # distinct values per row, at most
HOME_UNIT_MIN_SHARED = 0.6  # rows whose value partners in another country share, at least
PARTNER_UNIT_MAX_SHARED = 0.3  # ... and at most, for the partners' own units


def _whose_unit(proposal: Proposal, src: Any) -> None:
    """Decide whether a unit column ("Department", "Fachbereich") names the partner's unit
    or the host's own, from the document.

    A header rarely says whose department it means. The column's values do: the host's
    departments are few and recur with partners in many countries; the partners' units are
    each partner's own, seldom the same in two countries. Between the two the document does
    not tell, and either reading would publish a unit at the wrong institution, so the column
    is left unread for the user to map. Each way the proposal says what it read and why."""
    for section in proposal.mapping["sections"]:
        columns = section["reader"]["options"].get("columns")
        if not columns or "unit" not in columns or "home_unit" in columns:
            continue
        header = section["reader"]["options"].get("header", columns)
        name = header[columns.index("unit")] if len(header) == len(columns) else "unit"
        if _names_the_partner(name):
            proposal.comments["field:unit"] = (f"{name!r} read as the partner's unit: its "
                                               "header says whose")
            continue
        countries: dict[str, set[str]] = {}
        rows = 0
        for rec in src.result.records:
            unit = text_key(rec.fields.get("unit") or "")
            if unit:
                rows += 1
                countries.setdefault(unit, set()).add(text_key(rec.fields.get("country") or ""))
        if not rows:
            continue
        shared = sum(1 for rec in src.result.records
                     if len(countries.get(text_key(rec.fields.get("unit") or ""), ())) > 1)
        evidence = (f"{len(countries)} distinct values in {rows} rows; {shared} rows share "
                    "theirs with partners in other countries")
        if (len(countries) <= max(3, HOME_UNIT_MAX_SHARE * rows)
                and shared >= HOME_UNIT_MIN_SHARED * rows):
            columns[columns.index("unit")] = "home_unit"
            section["fields"]["home_unit"] = section["fields"].pop("unit")
            proposal.comments["field:home_unit"] = (
                f"CHECK: {name!r} read as your own unit, not the partner's ({evidence})")
        elif shared <= PARTNER_UNIT_MAX_SHARED * rows:
            proposal.comments["field:unit"] = (
                f"CHECK: {name!r} read as the partner's unit ({evidence}); if it names your "
                "own department, map the column as home_unit")
        else:
            columns[columns.index("unit")] = "-"
            del section["fields"]["unit"]
            proposal.notes.append(
                f"{name!r} names units, but whose the document does not tell ({evidence}): "
                "left unread; map it as unit (the partner's) or home_unit (yours)")


# Words of a unit column's header that say the unit is the partner's ("Composante
# partenaire", "Partner faculty", "Facoltà partner", "Wydział partnera", "Facultad socia")
_PARTNER_WORDS = frozenset({"partner", "partners", "partenaire", "partenaires", "partnera",
                            "partnerska", "partnerskiej", "socia", "socio", "parceira",
                            "parceiro", "partnerhochschule", "partneruniversitat",
                            "partnerinstitution", "host"})


def _names_the_partner(header: str) -> bool:
    return not _PARTNER_WORDS.isdisjoint(fold(text_key(header)).split())


# A date format written out in the document ("MM/DD/YYYY", "JJ/MM/AAAA", "TT.MM.JJJJ")
_FORMAT = re.compile(r"(?<![A-Za-z])(?:(?P<mdy>MM[/.-]DD[/.-](?:YYYY|YY))"
                     r"|(?P<dmy>(?:DD|JJ|TT|GG)[/.-]MM[/.-](?:YYYY|AAAA|JJJJ|RRRR|YY|AA|JJ)))"
                     r"(?![A-Za-z])", re.IGNORECASE)


def _stated_date_order(lines: list[str]) -> tuple[str, str] | None:
    """The date order a document states by writing out its format, and how it writes it;
    None where it states none, or both."""
    found: dict[str, str] = {}
    for line in lines:
        for m in _FORMAT.finditer(line):
            found.setdefault("mdy" if m.group("mdy") else "dmy", m.group())
    return next(iter(found.items())) if len(found) == 1 else None


def _has_ambiguous_dates(src: Any) -> bool:
    return any(flag.code == "date-ambiguous" for rec in src.result.records for flag in rec.flags
               ) or any(re.search(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b", raw)
                        for rec in src.result.records for raw in rec.fields.values())


def _learn(proposal: Proposal, src: Any) -> bool:
    """Add what one reading taught; True when the proposal changed."""
    changed = False
    for section in proposal.mapping["sections"]:
        reader, options = section["reader"]["name"], section["reader"]["options"]
        if reader == "merged-cell-table":
            for note in src.result.notes:
                if "declare label_position" in note and "label_position" not in options:
                    options["label_position"] = "first"
                    proposal.comments["label_position"] = (
                        "CHECK: the layout fits labels on the first and the last row of a "
                        "group alike; first is the more common")
                    changed = True
        if reader not in ("merged-cell-table", "simple-table", "numbered-table"):
            continue
        last_record = max((n for r in src.result.records for n in r.lines), default=0)
        furniture = [n for n, d in sorted(src.result.dispositions.items())
                     if d.status.value == "unreadable" and d.kind != "table-not-read"]
        furniture += [r.first_line for r in src.result.records if _page_furniture(r, src)]
        first_header = min((n for n, d in src.result.dispositions.items()
                            if d.kind == "header"), default=0)
        for n in sorted(furniture):
            text = src.lines[n - 1].strip()
            delimiter = options.get("delimiter", "\t")  # prose may hold a ";"
            cells = [c.strip() for c in text.split(delimiter) if c.strip()]
            if len(cells) != 1 and not (
                    (n < first_header or n > last_record)
                    and not any(looks_like_institution(c) for c in cells)):
                continue  # several cells in the table: a row that could not be read
            if options.get("country_headings") and first_header < n < last_record \
                    and len(cells) == 1 and _once(src.lines, text):
                continue  # a heading the reader knows no country of ("BENELUX"): it ends
                # the group of the country heading above; a title pattern would hide it
            key = ("footer_patterns" if n > last_record and reader != "merged-cell-table"
                   else "title_patterns")
            pattern = pattern_for(cells[0])
            if pattern not in options.get(key, []):
                options.setdefault(key, []).append(pattern)
                changed = True
    return changed


def _once(lines: list[str], text: str) -> bool:
    """Whether a line's text stands once in the document (a page's running title repeats)."""
    return sum(1 for line in lines if line.strip() == text) == 1


def _page_furniture(record: Any, src: Any) -> bool:
    """A name on a line of its own with no values that stands just before a repeated
    header or at the end of the document: a title or footer printed on the page."""
    if len(record.lines) != 1 or not any(f.code == "values-missing" for f in record.flags):
        return False
    for n in range(record.first_line + 1, len(src.lines) + 1):
        if src.lines[n - 1].strip():
            disp = src.result.dispositions.get(n)
            return disp is not None and disp.kind == "header"
    return True


def read_with(proposal: Proposal, path: Path) -> Any:
    """Read the document with the proposed mapping, as the build would."""
    from exchange_kg.manifest import Document, Publisher
    from exchange_kg.mapping_spec import load_mapping
    from exchange_kg.pipeline import read_source

    with tempfile.TemporaryDirectory() as tmp:
        mapping_path = Path(tmp) / f"{proposal.source_id}.yaml"
        mapping_path.write_text(proposal.yaml(), encoding="utf-8")
        mapping = load_mapping(mapping_path)
    doc = Document(proposal.source_id, path, None, "proposal", proposal.language or "und",
                   Publisher(None, "the publisher", "proposal"), None, path.name)
    return read_source(doc, mapping)
