"""Build a cross-list test project and ask its graph which resource a row names.

Shared by the cross-list identity tests: each builds its own fixture folder (lists written as
their publishers would, CSV with ';') in a child process, as a user would, and asks the
N-Triples dump for the institution of a row (by its line) or of a list's publisher.
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pyoxigraph

from conftest import run_build
from exchange_kg.link.synthetic import write_jsonl

PREFIXES = """
PREFIX xkg: <https://w3id.org/exchange-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def build(fixture: Path, tmp: Path, *extra: str) -> pyoxigraph.Store:
    """Build a copy of ``fixture`` (no cache, no SHACL: identity only) and load its graph."""
    work = tmp / "project"
    shutil.copytree(fixture, work)
    env = {**os.environ, "EXCHANGE_KG_CACHE_DIR": str(tmp / "cache")}
    env.pop("EXCHANGE_KG_ROR_DUMP", None)
    proc = run_build(tmp / "dist", "--no-cache", "--no-validate", *extra, cwd=work, env=env)
    assert proc.returncode == 0, proc.stderr
    store = pyoxigraph.Store()
    store.bulk_load(path=str(tmp / "dist" / "exchange-kg.nt"),
                    format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def build_linked(fixture: Path, tmp: Path, records: list[dict[str, object]]) -> pyoxigraph.Store:
    """Build ``fixture`` linked to a dump of ``records`` (synthetic, written here)."""
    return build(fixture, tmp, "--ror-dump", str(write_jsonl(tmp / "ror.jsonl.gz", records)))


def csv_rows(fixture: Path) -> dict[str, list[list[str]]]:
    """Each list's rows (header first), by the list's id."""
    out = {}
    for path in sorted((fixture / "sources").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            out[path.stem] = list(csv.reader(f, delimiter=";"))
    return out


def single(store: pyoxigraph.Store, query: str, what: object) -> str:
    found = [r[0].value for r in store.query(PREFIXES + query)]
    assert len(found) == 1, (what, found)
    return found[0]


def host_iri(store: pyoxigraph.Store, source: str) -> str:
    """The IRI of a list's home side (its publisher)."""
    return single(store, f"""SELECT DISTINCT ?i WHERE {{
        ?a xkg:listedIn <https://w3id.org/exchange-kg/source/{source}> ;
           xkg:homeInstitution ?i }}""", (source, "host"))


def partner_iri(store: pyoxigraph.Store, source: str, line: int) -> str:
    """The IRI of the partner institution on one line of a list (the header is line 1)."""
    return single(store, f"""SELECT DISTINCT ?i WHERE {{
        ?a xkg:listedIn <https://w3id.org/exchange-kg/source/{source}> ;
           xkg:partnerInstitution ?i ; prov:wasDerivedFrom ?r .
        ?r xkg:lineNumber ?line . FILTER(?line = {line}) }}""", (source, line))


def ror_id_of(store: pyoxigraph.Store, institution: str) -> str | None:
    found = [r[0].value for r in store.query(
        PREFIXES + f"SELECT ?r WHERE {{ <{institution}> xkg:rorId ?r }}")]
    return found[0] if found else None


def countries_of(store: pyoxigraph.Store, institution: str) -> set[str]:
    query = f"""SELECT ?c WHERE {{ <{institution}>
        <https://schema.org/address>/<https://schema.org/addressCountry> ?c }}"""
    return {r[0].value for r in store.query(PREFIXES + query)}
