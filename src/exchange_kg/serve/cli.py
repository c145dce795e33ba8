"""``exchange-kg serve``: build what is missing, then serve the graph over HTTP."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import click

from exchange_kg import output_folder
from exchange_kg.serve.config import ServeConfig, base_of_build
from exchange_kg.serve.publication import Publication, load_publication, with_flags
from exchange_kg.serve.store import NQUADS, build_store, remove_stale, store_is_current
from exchange_kg.yamlfile import DataFileError


def _say(message: str) -> None:
    click.echo(message, err=True)


def ensure_dist(dist_dir: Path, base: str | None) -> None:
    """Run ``exchange-kg build`` into ``dist_dir`` if it has no graph yet (the same command a
    user would run, in a child process, so its exit codes and messages are the build's)."""
    if (dist_dir / NQUADS).is_file():
        return
    _say(f"no build in {dist_dir}/: running exchange-kg build ...")
    command = [sys.executable, "-m", "exchange_kg.cli", "build", "-o", str(dist_dir), "-q"]
    if base:
        command += ["--base", base]
    proc = subprocess.run(command, check=False)
    if proc.returncode != 0 or not (dist_dir / NQUADS).is_file():
        raise click.ClickException(f"the build failed (exit {proc.returncode}); "
                                   "fix it and run `exchange-kg serve` again")


def ensure_store(dist_dir: Path, rebuild: bool = False) -> None:
    """Build ``dist_dir/store`` if it is missing or was not built from the dumps there.

    Under the folder's lock, so a build cannot switch the folder meanwhile, and what a server
    killed while building a store left behind is removed first."""
    with output_folder.locked(output_folder.target_of(dist_dir)):
        remove_stale(dist_dir)
        if not rebuild and store_is_current(dist_dir):
            return
        _say(f"building the query store in {dist_dir}/store ...")
        build_store(dist_dir)


def _publication(path: Path | None, license_iri: str | None, publisher: str | None,
                 contact: str | None) -> Publication:
    try:
        base = load_publication(path) if path else Publication()
    except DataFileError as exc:
        raise click.BadParameter(str(exc), param_hint="--publication") from None
    publication = with_flags(base, license_iri, publisher, contact)
    if publication.missing:
        _say("the dataset description states no " + ", no ".join(publication.missing)
             + " (give them with --publication FILE or --license / --publisher / --contact)")
    return publication


@click.command()
@click.option("-d", "--dist", "dist_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("dist"), show_default=True,
              help="The build to serve; built first if it has no graph yet.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 to accept connections from other machines).")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--base", default=None,
              help="Base IRI of the data, whose paths the server answers for. "
                   "[default: the base the build used]")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Query worker processes (queries answered in parallel).")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=10.0, show_default=True,
              help="Seconds a query may run before it is stopped.")
@click.option("--max-query-length", type=click.IntRange(100), default=20_000,
              show_default=True, help="Longest query accepted, in characters.")
@click.option("--max-rows", type=click.IntRange(1), default=10_000, show_default=True,
              help="Most rows (or triples) in one result.")
@click.option("--max-bytes", type=click.IntRange(1024), default=32 * 1024 * 1024,
              show_default=True, help="Largest serialised result, in bytes.")
@click.option("--worker-memory", type=click.IntRange(0), default=2048, show_default=True,
              help="Memory ceiling of a query worker in MiB (0: none).")
@click.option("--memory-quads", type=click.IntRange(0), default=1_000_000, show_default=True,
              help="Copy the store into each query worker's memory (about 0.75 KB a "
                   "quad; queries run two to three times as fast) when it has at most this "
                   "many quads; 0: always query it on disk.")
@click.option("--inline-lookups/--no-inline-lookups", default=True, show_default=True,
              help="Answer lookups of one subject or object (a single triple pattern, or "
                   "DESCRIBE of one IRI, reading at most 1,000 triples) in the web process, "
                   "without handing them to a query worker: about half the CPU each.")
@click.option("--cache-mb", type=click.IntRange(0), default=64, show_default=True,
              help="MiB of recent answers replayed to identical requests (the data does not "
                   "change while serving); 0: run every request.")
@click.option("--publication", "publication_file", envvar="EXCHANGE_KG_PUBLICATION",
              type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="YAML file with the dataset's licence, rights, publisher, contact point "
                   "and planned availability, for its DCAT-AP description (see README). "
                   "[env: EXCHANGE_KG_PUBLICATION]")
@click.option("--license", "license_iri", default=None,
              help="Licence IRI of the dataset (overrides the publication file). "
                   "[default: none stated: the source documents state no licence]")
@click.option("--publisher", "publisher_name", default=None,
              help="Name of the organisation publishing the dataset (overrides the file).")
@click.option("--contact", default=None,
              help="Contact point: an e-mail address or a web page (overrides the file).")
@click.option("--header-timeout", type=click.FloatRange(0.5, 600), default=10.0,
              show_default=True,
              help="Seconds a client has to send a request's headers before its connection "
                   "is closed (a client trickling headers byte by byte holds a connection).")
@click.option("--max-connections", type=click.IntRange(1), default=512, show_default=True,
              help="Open connections at most; further ones are closed at once.")
@click.option("--access-log", is_flag=True,
              help="Log every request (off by default: it costs about a third of a "
                   "millisecond a request, and a reverse proxy in front usually logs them).")
@click.option("--rebuild-store", is_flag=True, help="Rebuild dist/store even if it is current.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info",
                                                 "debug"]), default="info", show_default=True)
def serve(dist_dir: Path, host: str, port: int, base: str | None, workers: int,
          timeout: float, max_query_length: int, max_rows: int, max_bytes: int,
          worker_memory: int, memory_quads: int, inline_lookups: bool, cache_mb: int,
          publication_file: Path | None, license_iri: str | None,
          publisher_name: str | None, contact: str | None, header_timeout: float,
          max_connections: int, access_log: bool, rebuild_store: bool,
          log_level: str) -> None:
    """Serve the graph: SPARQL endpoint, linked-data IRIs, downloads and pages.

    SPARQL 1.1 at /sparql (read-only; SERVICE refused: query workers cannot open network
    connections; each query stopped after --timeout seconds or when its client disconnects),
    every IRI under the base dereferenceable (HTML for browsers, Turtle, JSON-LD,
    N-Triples or RDF/XML for programs), the dumps at /dumps, a VoID description at
    /.well-known/void, and pages for people at /. Builds dist/ and its query store first if
    they are missing. Listens on 127.0.0.1 unless told otherwise.
    """
    import uvicorn

    from exchange_kg.iris import DEFAULT_BASE
    from exchange_kg.serve.app import create_app
    from exchange_kg.serve.connections import bounded_protocol

    ensure_dist(dist_dir, base or os.environ.get("EXCHANGE_KG_BASE"))
    ensure_store(dist_dir, rebuild=rebuild_store)
    built_with = base_of_build(dist_dir)
    if base and built_with and base.rstrip("/#") != built_with.rstrip("/#"):
        _say(f"warning: the build minted its IRIs under {built_with}, not {base}: "
             "their paths will not resolve")
    config = ServeConfig(
        dist_dir=dist_dir, base=base or built_with or DEFAULT_BASE,
        workers=workers, timeout=timeout, max_query_length=max_query_length,
        max_rows=max_rows, max_bytes=max_bytes, worker_memory_mb=worker_memory or None,
        memory_quads=memory_quads, inline_lookups=inline_lookups, cache_mb=cache_mb,
        publication=_publication(publication_file, license_iri, publisher_name, contact))
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s: %(message)s")
    _say(f"serving {dist_dir}/ (IRIs under {config.base}) on http://{host}:{port}/")
    app = create_app(config)
    uvicorn.run(app, host=host, port=port, log_level=log_level,
                access_log=access_log, server_header=False, timeout_graceful_shutdown=5,
                http=bounded_protocol(header_timeout, max_connections, app.quick))


if __name__ == "__main__":  # pragma: no cover
    serve()
