"""The ``exchange-kg`` command line.

Exit codes scripts can rely on: 0 success; 1 the graph does not conform to the SHACL shapes;
2 usage error (bad option); 3 bad input (a source, mapping, manifest, shapes or ontology file
that cannot be read, with file and line in the message); 4 (publish) the store could not be
reached, refused the credentials or rejected the data; 5 an internal error (a bug: the
message says how to get the traceback for a report). No traceback is printed unless
``--debug`` (or ``EXCHANGE_KG_DEBUG=1``) asks for it.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import click

from exchange_kg import __version__
from exchange_kg.iris import DEFAULT_BASE
from exchange_kg.link.curation import CurationError
from exchange_kg.link.ror_dump import DumpError
from exchange_kg.project import project_dir, project_path
from exchange_kg.records import SourceError
from exchange_kg.yamlfile import DataFileError

EXIT_NOT_CONFORMING = 1
EXIT_BAD_INPUT = 3
EXIT_INTERNAL = 5
EXIT_INTERRUPTED = 130
DEBUG_ENV = "EXCHANGE_KG_DEBUG"

# Exceptions that mean "the input is bad"; their messages name the file (and line).
INPUT_ERRORS: tuple[type[BaseException], ...] = (SourceError, DataFileError, DumpError,
                                                 CurationError)


def _say(message: str) -> None:
    click.echo(message, err=True)


class _Commands(click.Group):
    """The command group, with one place where every error becomes a line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            _say("interrupted")
            sys.exit(EXIT_INTERRUPTED)
        except INPUT_ERRORS as exc:
            _fail(ctx, f"error: {exc}", EXIT_BAD_INPUT)
        except OSError as exc:  # a file that cannot be read or written, with its name
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(ctx, f"error: {where}{exc.strerror or exc}", EXIT_BAD_INPUT)
        except Exception as exc:  # noqa: BLE001 - the catch-all that keeps tracebacks away
            _fail(ctx, f"error: internal error ({type(exc).__name__}: {_first_line(exc)}); "
                  f"this is a bug: rerun with --debug (or {DEBUG_ENV}=1) for the traceback "
                  "and report it", EXIT_INTERNAL)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else "no message"


def _fail(ctx: click.Context, message: str, code: int) -> None:
    root = ctx.find_root()
    if (root.params.get("debug") or os.environ.get(DEBUG_ENV, "") not in ("", "0")):
        traceback.print_exc()
    _say(message)
    sys.exit(code)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exchange-kg")
@click.option("--debug", is_flag=True,
              help=f"Print the traceback of an error (also: {DEBUG_ENV}=1).")
def main(debug: bool) -> None:
    """exchange-kg: turn universities' partner lists into a validated knowledge graph of
    academic exchange agreements, and publish it as Turtle, N-Triples and N-Quads.

    Start with `exchange-kg build`; see `exchange-kg COMMAND --help` for each command.
    """


@main.command()
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with the source documents and manifest.yaml. [default: ./sources]")
@click.option("--mappings", "mappings_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with one mapping file per source. [default: ./mappings]")
@click.option("--shapes", "shapes_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with the SHACL shapes (*.ttl). "
                   "[default: ./shapes, else the bundled ones]")
@click.option("--ontology", "ontology_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The ontology file. "
                   "[default: ./ontology/exchange-kg.ttl, else the bundled one]")
@click.option("--vocabularies", "vocabularies_path",
              type=click.Path(dir_okay=False, path_type=Path),
              help="The SKOS concept schemes of the ontology's controlled values. "
                   "[default: ./ontology/vocabularies.ttl, else the bundled one]")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("dist"), show_default=True, help="Where to write the outputs.")
@click.option("--base", default=lambda: os.environ.get("EXCHANGE_KG_BASE", DEFAULT_BASE),
              show_default=f"$EXCHANGE_KG_BASE or {DEFAULT_BASE}",
              help="Base IRI under which agreement, institution and record IRIs are minted.")
@click.option("--ror-dump", type=click.Path(dir_okay=False, path_type=Path),
              envvar="EXCHANGE_KG_ROR_DUMP", show_envvar=True,
              help="A ROR data dump (release zip, JSON or JSON Lines, optionally gzipped) to link "
                   "institutions to ROR and Wikidata. Without one, linking is skipped.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (faster; unsafe).")
@click.option("--ocr", is_flag=True,
              help="Give PDFs without a text layer one with OCRmyPDF first (needs ocrmypdf).")
@click.option("--no-cache", is_flag=True,
              help="Read every document and resolve every country anew, neither using nor "
                   "filling the build cache "
                   "(documents/ in $EXCHANGE_KG_CACHE_DIR, by default the user cache folder "
                   "~/.cache/exchange-kg).")
@click.option("--max-record-drop", type=click.FloatRange(0, 100), default=20.0,
              show_default=True, metavar="PERCENT",
              help="Warn when a document yields this many percent fewer records than in the "
                   "build the output folder holds.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the final summary.")
def build(sources_dir: Path | None, mappings_dir: Path | None, shapes_dir: Path | None,
          ontology_path: Path | None, vocabularies_path: Path | None, out_dir: Path,
          base: str, ror_dump: Path | None, no_validate: bool, ocr: bool, no_cache: bool,
          max_record_drop: float, quiet: bool) -> None:
    """Build the graph from the bundled (or given) sources.

    Reads every document listed in sources/manifest.yaml with its mapping file, normalises
    and merges the agreements, validates the graph against the SHACL shapes and writes the
    graph (Turtle, N-Triples, per-source N-Quads), the ontology and a data-quality report that
    accounts for every source line. The output folder is replaced as a whole when the build
    is done, so it always holds one complete build. Exits 1 if the graph does not conform,
    3 if an input cannot be read.

    Each document's reading is kept in a cache keyed by its content, its mapping file and
    the code, so a rebuild reads only the documents that changed; the result is the same.
    """
    from exchange_kg import build_cache, output_folder, outputs, pipeline, pool, validate

    try:
        output_folder.check_replaceable(output_folder.target_of(out_dir), outputs.KNOWN)
    except output_folder.OutputFolderError as exc:
        raise click.UsageError(str(exc)) from None
    _stop_cleanly_on_sigterm()
    root = project_dir()
    sources_dir = sources_dir or root / "sources"
    mappings_dir = mappings_dir or root / "mappings"
    shapes_dir = shapes_dir or project_path("shapes")
    ontology_path = ontology_path or project_path("ontology/exchange-kg.ttl")
    vocabularies_path = vocabularies_path or project_path("ontology/vocabularies.ttl")
    progress = (lambda m: None) if quiet else _say
    started = time.perf_counter()
    # the small inputs first: a broken shapes or ontology file fails before the long part
    ontology = validate.parse_turtle(ontology_path)
    vocabularies = validate.parse_turtle(vocabularies_path)
    shapes = None if no_validate else validate.load_shapes(shapes_dir)
    index = None
    if ror_dump is None:
        _say("linking to ROR skipped: no --ror-dump and no EXCHANGE_KG_ROR_DUMP")
    else:
        from exchange_kg.link import load_dump

        progress(f"loading the ROR dump {ror_dump.name} ...")
        index = load_dump(ror_dump)
    cache = None if no_cache else build_cache.DocumentCache.default()
    result = pipeline.build(sources_dir, mappings_dir, base=base, progress=progress,
                            ror_index=index, ocr=ocr, cache=cache, forget_records=True,
                            map_workers=pool.cpu_count() - 1)
    if cache is not None:
        _say(f"{sum(s.from_cache for s in result.sources)} of {len(result.sources)} documents "
             f"from the cache in {cache.folder}")

    rep, validation = outputs.write_build(result, shapes, out_dir,
                              outputs.Ontology(ontology, ontology_path),
                              outputs.Ontology(vocabularies, vocabularies_path), base,
                              result.timings, progress, max_record_drop / 100,
                              forget_records=True, update_store=not no_cache, cache=cache)
    if result.links is not None:
        from exchange_kg.link import format_summary

        _say(format_summary(result.links.summary))
    # a curator's row that names nobody any more is a decision silently lost: always say so
    for row in result.stale_curation:
        _say(row.stale_message())
    tot = rep["totals"]
    _say(f"{tot['agreements']} agreements, {tot['institutions']} institutions, "
         f"{tot['triples']} triples from {tot['records']} records")
    _say(f"lines: {tot['record_lines']} in records, {tot['layout_lines']} layout, "
         f"{tot['unreadable_lines']} unreadable of {tot['non_blank_lines']} non-blank "
         f"({tot['accounted_percent']} % accounted); {tot['flags']} flagged fields")
    if tot["not_understood_values"]:
        _say(f"{tot['not_understood_values']} cell value(s) no vocabulary understood: "
             f"see 'Cells no vocabulary understood' in {out_dir}/report.md")
    for drop in rep["record_drops"]:
        _say(f"warning: {drop['message']}")
    for sid, check in result.checks:
        if not check.passed:
            _say(f"self-check FAILED: {sid}: {check.name}: stated {check.expected}, "
                 f"found {check.found}{'; ' + check.detail if check.detail else ''}")
    if validation is not None:
        _say(validation.text())
    if cache is not None:
        cache.prune()
    timing = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    _say(f"wrote {out_dir}/ in {time.perf_counter() - started:.1f}s ({timing})")
    if validation is not None and not validation.conforms:
        _say(f"error: the graph does not conform; full report in {out_dir}/validation.ttl")
        sys.exit(EXIT_NOT_CONFORMING)


def _stop_cleanly_on_sigterm() -> None:
    """SIGTERM (a service manager stopping us) ends the build like Ctrl-C: temporaries are
    removed and the output folder keeps the previous build."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


@main.command(name="validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--shapes", "shapes_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with the SHACL shapes (*.ttl). "
                   "[default: ./shapes, else the bundled ones]")
@click.option("--format", "rdf_format", default=None,
              help="RDF syntax of FILE (turtle, nt, nquads, trig, xml, json-ld); "
                   "guessed from the extension by default.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the full SHACL validation report (Turtle) here.")
@click.option("--engine", type=click.Choice(["native", "turbo", "pyshacl"]), default="native",
              show_default=True,
              help="SHACL engine: the build's own (linear: SHACL Core subject by subject, "
                   "SHACL-SPARQL as queries), pyshacl-turbo, or pySHACL, the reference "
                   "implementation (slow on big graphs; for cross-checking).")
def validate_cmd(file: Path, shapes_dir: Path | None, rdf_format: str | None,
                 report_path: Path | None, engine: str) -> None:
    """Validate any RDF FILE against the exchange-kg SHACL shapes.

    Exits 0 if it conforms, 1 if it does not, 3 if the file cannot be parsed.
    """
    from rdflib import Dataset, Graph
    from rdflib.util import guess_format

    from exchange_kg import dumps, validate

    fmt = rdf_format or guess_format(str(file).removesuffix(".gz")) or "turtle"
    try:
        if fmt in ("nquads", "trig"):
            ds = Dataset()
            ds.parse(file, format=fmt)
            data = Graph()
            for triple in ds.triples((None, None, None)):
                data.add(triple)
        else:
            data = Graph().parse(file, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types
        _say(f"error: {file}: cannot parse as {fmt}: {exc}")
        sys.exit(EXIT_BAD_INPUT)
    shapes_dir = shapes_dir or project_path("shapes")
    result = validate.validate(validate.store_of(data), validate.load_shapes(shapes_dir), engine)
    click.echo(result.text(limit=40))
    if report_path:
        dumps.write_atomic(report_path, dumps.graph_turtle(result.report))
    sys.exit(0 if result.conforms else EXIT_NOT_CONFORMING)


@main.command()
def readers() -> None:
    """List the readers a mapping file can name, with what each one reads."""
    from exchange_kg import readers as registry

    registry._load_all()
    for name in sorted(registry.REGISTRY):
        reader = registry.REGISTRY[name]
        first = reader.doc.splitlines()[0] if reader.doc else ""
        click.echo(f"{name}: {first}")
        for opt in sorted(reader.options_schema.get("properties", {})):
            click.echo(f"    option {opt}")


@main.command(name="new-mapping")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "source_id", help="Source id for the mapping and the manifest "
              "(lower case, digits, dashes). [default: from the file name]")
@click.option("-o", "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the proposed mapping file here (never overwrites a file) instead of "
                   "printing it.")
@click.option("--rows", default=10, show_default=True, help="How many agreements to preview.")
def new_mapping(document: Path, source_id: str | None, out_path: Path | None,
                rows: int) -> None:
    """Look at a new partner list and propose its mapping file.

    Proposes the layout (reader), header cells, the field of each column, the partner
    notation, the date order, title and footer lines and where merged-cell labels stand;
    then reads DOCUMENT with the proposal and shows how the first agreements read, the cells
    no vocabulary understood and what to check. The mapping goes to stdout (or --out), the
    rest to stderr. Exit 3 if the document has no table header or outline to go on.
    """
    import re as _re

    from exchange_kg import propose

    source_id = source_id or _re.sub(r"[^a-z0-9]+", "-", document.stem.lower()).strip("-")
    if not _re.fullmatch(r"[a-z0-9][a-z0-9-]*", source_id or ""):
        raise click.BadParameter(f"{source_id!r}: use lower case letters, digits and dashes",
                                 param_hint="--id")
    if out_path is not None and out_path.exists():
        raise click.BadParameter(f"{out_path} exists; not overwriting it", param_hint="--out")
    try:
        proposal = propose.propose(document, source_id)
        text = proposal.yaml()
        report = propose.preview(proposal, document, rows)
        entry = propose.manifest_entry(proposal, document)
    except (SourceError, DataFileError, ValueError) as exc:
        _say(f"error: {exc}")
        sys.exit(EXIT_BAD_INPUT)
    if out_path is None:
        click.echo(text, nl=False)
    else:
        from exchange_kg.dumps import write_atomic

        write_atomic(out_path, text.encode("utf-8"))
        _say(f"wrote {out_path}")
    _say("")
    _say(report)
    _say("Manifest entry for sources/manifest.yaml:\n")
    _say(entry)


def _register() -> None:
    from exchange_kg.link.command import link_command
    from exchange_kg.publish import publish_cmd
    from exchange_kg.rml import export_rml_cmd
    from exchange_kg.serve.cli import serve

    main.add_command(link_command)
    main.add_command(export_rml_cmd)
    main.add_command(serve)
    main.add_command(publish_cmd)


_register()


if __name__ == "__main__":  # pragma: no cover
    main()
