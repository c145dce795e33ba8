"""A proposed mapping file, and its YAML with a comment on every line to check."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Proposal:
    """A proposed mapping file, and what the user should check in it."""

    source_id: str
    language: str | None
    mapping: dict[str, Any]
    comments: dict[str, str] = field(default_factory=dict)  # option/field -> why, to check
    notes: list[str] = field(default_factory=list)
    date_order: str | None = None  # "dmy" / "mdy" as the document's own dates decide it
    language_check: str | None = None  # why the language is left undecided, if it is

    def yaml(self) -> str:
        return to_yaml(self)


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if re.fullmatch(r"[A-Za-z_][\w.-]*", text) and text.lower() not in (
            "true", "false", "yes", "no", "null", "on", "off"):
        return text
    return "'" + text.replace("'", "''") + "'"


def flow(values: Sequence[Any]) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def to_yaml(p: Proposal) -> str:
    m = p.mapping
    out = [f"# Proposed by exchange-kg new-mapping for {p.source_id}"
           + (f" (language: {p.language})" if p.language else "") + ".",
           "# Check the lines marked CHECK, the constants (level, home_unit) the document",
           "# implies, and then run exchange-kg build; the report lists what was not read.",
           f"source: {m['source']}", f"list: {m['list']}"]
    if "date_order" in m:
        out.append(f"date_order: {m['date_order']}  # {p.comments.get('date_order', '')}")
    if "vocabulary" in m:
        out.append(f"vocabulary:  # {p.comments.get('vocabulary', '')}")
        for table, entries in m["vocabulary"].items():
            out.append(f"  {table}:")
            out += [f"    {scalar(text)}: {scalar(value)}" for text, value in entries.items()]
    out.append("sections:")
    for sec in m["sections"]:
        out += [f"  - name: {sec['name']}", "    reader:", f"      name: {sec['reader']['name']}",
                "      options:"]
        for key, value in sec["reader"]["options"].items():
            text = flow(value) if isinstance(value, list) else scalar(value)
            comment = f"  # {p.comments[key]}" if key in p.comments else ""
            out.append(f"        {key}: {text}{comment}")
        out.append("    fields:")
        for name, rule in sec["fields"].items():
            comment = f"  # {p.comments['field:' + name]}" if "field:" + name in p.comments else ""
            if isinstance(rule, str):
                out.append(f"      {name}: {rule}{comment}")
            else:
                inner = ", ".join(f"{k}: {scalar(v)}" for k, v in rule.items())
                out.append(f"      {name}: {{{inner}}}{comment}")
        constants = sec["constants"]
        if not constants:
            out.append("    constants: {}  # level: university | department; home_unit: ...")
            continue
        out.append("    constants:")
        for key, value in constants.items():
            text = flow(value) if isinstance(value, list) else scalar(value)
            comment = f"  # {p.comments[key]}" if key in p.comments else ""
            out.append(f"      {key}: {text}{comment}")
    return "\n".join(out) + "\n"
