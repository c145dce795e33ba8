"""``exchange-kg link``: link the partners of a build to ROR and write links, review and summary.

Kept beside the linker rather than in ``cli.py`` so that the command and what it runs change
together; the CLI registers it with ``main.add_command(link_command)``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from exchange_kg.link.curation import CurationError, load_curation
from exchange_kg.link.loading import CACHE_ENV, default_cache_dir, load_dump
from exchange_kg.link.online import DEFAULT_API, OnlineError, RorApiClient
from exchange_kg.link.ror_dump import DumpError
from exchange_kg.link.runner import (
    write_run,
)
from exchange_kg.link.summary import format_summary
from exchange_kg.project import project_dir

DUMP_ENV = "EXCHANGE_KG_ROR_DUMP"
CURATION_FILE = "ror-curation.tsv"
EXIT_BAD_INPUT = 3




@click.command(name="link")
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with the source documents and manifest.yaml. [default: ./sources]")
@click.option("--mappings", "mappings_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder with the mapping files and ror-curation.tsv. [default: ./mappings]")
@click.option("--ror-dump", "dump_path", envvar=DUMP_ENV, show_envvar=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="A ROR data dump: the release zip, a JSON array or JSON Lines (.gz).")
@click.option("--online", is_flag=True,
              help="Ask the ROR API instead of a dump (answers are cached on disk).")
@click.option("--ror-api", "api_url", default=DEFAULT_API, show_default=True,
              help="Base URL of the ROR API v2, for --online.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), envvar=CACHE_ENV,
              show_envvar=True, help="Cache for the dump index and API answers. "
              "[default: the user cache folder]")
@click.option("--curation", "curation_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The curator's decisions. [default: MAPPINGS/ror-curation.tsv]")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("dist"), show_default=True, help="Where to write the three files.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
def link_command(sources_dir: Path | None, mappings_dir: Path | None, dump_path: Path | None,
                 online: bool, api_url: str, cache_dir: Path | None,
                 curation_path: Path | None, out_dir: Path, quiet: bool) -> None:
    """Link every partner institution to ROR (and through ROR to Wikidata).

    Only confident, unambiguous matches become links; everything else goes to ror-review.csv
    with its candidates and scores. Decisions a curator records in mappings/ror-curation.tsv
    (accept, choose, reject) are applied on every run. Writes ror-links.csv, ror-review.csv
    and ror-link-summary.json (linked / ambiguous / no match, per source).
    """
    from exchange_kg import pipeline
    from exchange_kg.records import SourceError
    from exchange_kg.yamlfile import DataFileError

    def say(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    if dump_path is None and not online:
        raise click.UsageError(f"give --ror-dump (or set {DUMP_ENV}) or --online")
    root = project_dir()
    sources_dir = sources_dir or root / "sources"
    mappings_dir = mappings_dir or root / "mappings"
    cache = cache_dir or default_cache_dir()
    try:
        curation_path = curation_path or mappings_dir / CURATION_FILE
        load_curation(curation_path)  # checked before the dump loads: a typo fails at once
        started = time.perf_counter()
        if online:
            client = RorApiClient(api_url, cache_dir=cache / "ror-api")
            built = pipeline.build(sources_dir, mappings_dir, progress=say, ror_client=client,
                                   curation_path=curation_path)
            say(f"asked the ROR API {client.requests_made} time(s) (the rest from the cache)")
        else:
            assert dump_path is not None
            t = time.perf_counter()
            index = load_dump(dump_path, cache_dir=cache)
            say(f"loaded {len(index)} ROR records from {dump_path.name} in "
                f"{time.perf_counter() - t:.1f}s")
            built = pipeline.build(sources_dir, mappings_dir, progress=say, ror_index=index,
                                   curation_path=curation_path)
        run = built.links
        assert run is not None
    except (CurationError, DumpError, SourceError, DataFileError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except OnlineError as exc:
        click.echo(f"error: the ROR API could not be asked: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    for row in built.stale_curation:
        click.echo(row.stale_message(), err=True)
    paths = write_run(run, out_dir)
    click.echo(format_summary(run.summary))
    say("wrote " + ", ".join(str(p) for p in paths.values())
        + f" in {time.perf_counter() - started:.1f}s")
