"""The graph rules as RML, and a build's tidy tables as the CSV files it reads.

An RML processor (morph-kgc, RMLMapper, ...) run on ``graph.rml.ttl`` in the folder of the
CSV files gives the graph the build gives (``tests/test_rml_export.py`` checks this with
morph-kgc): the rules are one file, and this is a second notation of it, not a second set of
rules. The mapping is written in the RML-Core vocabulary (``http://w3id.org/rml/``); each
triples map reads one CSV file by its relative path, so the folder can be moved as a whole.

For an RML processor, only an empty cell may count as NULL: morph-kgc, say, also reads "nan"
as NULL by default (and pandas "NA", Namibia's country code), so run it with
``na_values`` set to the empty string only (see :func:`morph_kgc_config`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from exchange_kg.dumps import write_atomic
from exchange_kg.iris import DEFAULT_BASE
from exchange_kg.rules import Column, Rules, Term
from exchange_kg.tables import TABLES, Tables, write_csv

MAPPING_FILE = "graph.rml.ttl"
RML = "http://w3id.org/rml/"


def rml_turtle(rules: Rules) -> str:
    """The rules as RML-Core Turtle (deterministic: the rules' order, nothing else)."""
    out = [
        f"# Generated from {rules.path.name} by exchange-kg (exchange_kg.rml); do not edit.",
        f"@prefix rml: <{RML}> .",
        "@prefix : <#> .",
        "",
    ]
    for tmap in rules.maps:
        pos = []
        for po in tmap.po:
            pos.append(f"    rml:predicateObjectMap [\n        rml:predicate <{po.predicate}> ;\n"
                       f"        rml:objectMap [ {_term_map(po.object)} ]\n    ]")
        out.append(
            f":{tmap.name} a rml:TriplesMap ;\n"
            f"    rml:logicalSource [ rml:source {_string(tmap.table + '.csv')} ; "
            "rml:referenceFormulation rml:CSV ] ;\n"
            f"    rml:subjectMap [ {_term_map(tmap.subject)} ] ;\n" + " ;\n".join(pos) + " .\n")
    return "\n".join(out)


def _term_map(term: Term) -> str:
    if term.is_constant:
        value = "".join(term.parts)
        if term.kind == "iri":
            return f"rml:constant <{value}>"
        return f"rml:constant {_string(value)}" + _qualifiers(term)
    if term.is_reference:
        body = f"rml:reference {_string(term.parts[0].name)}"
    else:
        body = "rml:template " + _string("".join(
            "{" + p.name + "}" if isinstance(p, Column) else
            p.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}") for p in term.parts))
    kind = "rml:IRI" if term.kind == "iri" else "rml:Literal"
    return f"{body} ; rml:termType {kind}" + _qualifiers(term)


def _qualifiers(term: Term) -> str:
    if term.language:
        return f" ; rml:language {_string(term.language)}"
    if term.language_column:
        return f" ; rml:languageMap [ rml:reference {_string(term.language_column)} ]"
    if term.datatype:
        return f" ; rml:datatype <{term.datatype}>"
    return ""


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a Turtle string


def export(rules: Rules, tables: Tables, folder: Path) -> Path:
    """Write ``graph.rml.ttl`` and the tables' CSV files into ``folder``; the mapping's path."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(tables, folder)
    path = folder / MAPPING_FILE
    write_atomic(path, rml_turtle(rules).encode("utf-8"))
    return path


def morph_kgc_config(folder: Path, processes: int = 1) -> str:
    """A morph-kgc configuration for an exported folder: only an empty cell is NULL."""
    return ("[CONFIGURATION]\nna_values=\n"
            f"number_of_processes={processes}\n"
            f"[DataSource1]\nmappings={folder / MAPPING_FILE}\n")


@click.command(name="export-rml")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with the source documents and manifest.yaml. [default: ./sources]")
@click.option("--mappings", "mappings_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with the mapping files and graph.yarrrml.yaml. [default: ./mappings]")
@click.option("--base", default=lambda: os.environ.get("EXCHANGE_KG_BASE", DEFAULT_BASE),
              show_default=f"$EXCHANGE_KG_BASE or {DEFAULT_BASE}",
              help="Base IRI under which IRIs are minted.")
@click.option("--ror-dump", type=click.Path(dir_okay=False, path_type=Path),
              envvar="EXCHANGE_KG_ROR_DUMP", show_envvar=True,
              help="A ROR data dump to link institutions with (as `build` does).")
def export_rml_cmd(out_dir: Path, sources_dir: Path | None, mappings_dir: Path | None,
                   base: str, ror_dump: Path | None) -> None:
    """Write the graph rules as RML (graph.rml.ttl) and the build's tidy tables as CSV.

    An RML processor run on OUT_DIR/graph.rml.ttl (from inside OUT_DIR: the files are named
    relative to it) gives the same graph as `exchange-kg build`; treat only an empty cell as
    NULL (for morph-kgc: `na_values=` in its configuration).
    """
    from exchange_kg import pipeline
    from exchange_kg.link import load_dump
    from exchange_kg.project import project_dir
    from exchange_kg.rules import rules_for

    root = project_dir()
    sources_dir = sources_dir or root / "sources"
    mappings_dir = mappings_dir or root / "mappings"
    index = load_dump(ror_dump) if ror_dump is not None else None
    result = pipeline.build(sources_dir, mappings_dir, base=base, ror_index=index,
                            keep_tables=True)
    assert result.builder is not None  # kept: built with keep_tables
    path = export(rules_for(mappings_dir), result.builder.tables, out_dir)
    click.echo(f"wrote {path} and {len(TABLES)} tables ({len(result.graph)} triples)",
               err=True)
