"""Shared helpers for the serve tests: a store built from the session's real build, a tiny
synthetic build, and a real server process on a free 127.0.0.1 port.

The fixtures defined here are imported by the ``test_serve_*`` modules; what they build is
cached at module level so every module shares one copy per session.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from exchange_kg.jsonld import CONTEXT_PATH, context_document
from exchange_kg.processes import stop
from exchange_kg.serve.store import build_store

_CACHE: dict[str, Path] = {}

XKG = "https://w3id.org/exchange-kg/ontology#"
SYNTHETIC_BASE = "https://example.org/kg/"


def parse_rdf(data: str | bytes, rdflib_format: str) -> Graph:
    """Parse a served document with rdflib; for JSON-LD, with the published context given
    inline, as a client that has fetched it would (tests do not touch the network)."""
    if rdflib_format == "json-ld":
        doc = json.loads(data)
        if isinstance(doc, dict) and isinstance(doc.get("@context"), str) \
                and doc["@context"].endswith(CONTEXT_PATH):
            doc["@context"] = context_document()["@context"]
        data = json.dumps(doc)
    return Graph().parse(data=data, format=rdflib_format)


@pytest.fixture(scope="session")
def serve_dist(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's real build with its query store (the build stays untouched)."""
    key = f"real:{dist}"
    if key not in _CACHE:
        out = tmp_path_factory.mktemp("serve-dist")
        for item in dist.iterdir():
            if item.is_file():
                shutil.copy2(item, out / item.name)
        build_store(out)
        _CACHE[key] = out
    return _CACHE[key]


B = SYNTHETIC_BASE
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
DOC_A = f"{B}graph/doc-a"
DOC_B = f"{B}graph/doc-b"
ONTOLOGY = f"{B}graph/ontology"
ALPHA = f"{B}institution/alpha-1"
HOME = f"{B}institution/home-2"
AGREEMENT = f"{B}agreement/a-1"
QUOTA = f"{AGREEMENT}/quota/short-term"
RECORD = f"{B}record/doc-a/r1"
SOURCE = f"{B}source/doc-a"


def _iri(iri: str) -> str:
    return f"<{iri}>"


def _int(n: int, datatype: str = "integer") -> str:
    return f'"{n}"^^<{XSD}{datatype}>'


# (subject, predicate, object in N-Triples syntax, graph)
SYNTHETIC_QUADS = [
    (ALPHA, RDF_TYPE, _iri(XKG + "Institution"), DOC_A),
    (ALPHA, SKOS_LABEL, '"Alpha University"', DOC_A),
    (ALPHA, SKOS_LABEL, '"Alpha University"', DOC_B),  # stated by both documents
    (ALPHA, "https://schema.org/addressCountry", '"CZ"', DOC_A),
    (ALPHA, "http://www.w3.org/2002/07/owl#sameAs", "<https://ror.org/000000000>", DOC_A),
    (ALPHA, "http://www.w3.org/2002/07/owl#sameAs", "<http://www.wikidata.org/entity/Q1>",
     DOC_A),
    (HOME, RDF_TYPE, _iri(XKG + "Institution"), DOC_A),
    (HOME, SKOS_LABEL, '"Home College"', DOC_A),
    (AGREEMENT, RDF_TYPE, _iri(XKG + "Agreement"), DOC_A),
    (AGREEMENT, RDFS_LABEL, '"Alpha University, 2020"@en', DOC_A),
    (AGREEMENT, XKG + "partnerInstitution", _iri(ALPHA), DOC_A),
    (AGREEMENT, XKG + "partner", _iri(ALPHA), DOC_A),
    (AGREEMENT, XKG + "homeInstitution", _iri(HOME), DOC_A),
    (AGREEMENT, XKG + "startYear", _int(2020), DOC_A),
    (AGREEMENT, XKG + "quota", _iri(QUOTA), DOC_A),
    (QUOTA, XKG + "places", _int(5), DOC_A),
    (AGREEMENT, "http://www.w3.org/ns/prov#wasDerivedFrom", _iri(RECORD), DOC_A),
    (AGREEMENT, XKG + "listedIn", _iri(SOURCE), DOC_A),
    (RECORD, XKG + "inDocument", _iri(SOURCE), DOC_A),
    (RECORD, XKG + "lineNumber", _int(7, "positiveInteger"), DOC_A),
    (RECORD, XKG + "rawText", '"Czechia\\tAlpha University\\t2020"', DOC_A),
    (SOURCE, RDF_TYPE, _iri(XKG + "SourceDocument"), DOC_A),
    (SOURCE, "http://purl.org/dc/terms/identifier", '"doc-a"', DOC_A),
    (SOURCE, RDFS_LABEL, '"Document A"@en', DOC_A),
    ("https://w3id.org/exchange-kg/vocab/level/university", SKOS_LABEL,
     '"university-level agreement"@en', ONTOLOGY),
    ("https://w3id.org/exchange-kg/ontology", RDF_TYPE,
     "<http://www.w3.org/2002/07/owl#Ontology>", ONTOLOGY),
    ("https://w3id.org/exchange-kg/ontology", "http://purl.org/dc/terms/license",
     "<https://spdx.org/licenses/MIT>", ONTOLOGY),
]


def write_synthetic_dist(folder: Path) -> Path:
    """A small build under another base: 2 institutions (one with ROR and Wikidata links),
    one agreement with a quota and a source line, two graphs stating one triple twice."""
    folder.mkdir(parents=True, exist_ok=True)
    quads = "".join(f"<{s}> <{p}> {o} <{g}> .\n" for s, p, o, g in SYNTHETIC_QUADS)
    (folder / "exchange-kg.nq").write_text(quads, encoding="utf-8")
    lines = sorted({f"<{s}> <{p}> {o} .\n" for s, p, o, _ in SYNTHETIC_QUADS})
    (folder / "exchange-kg.nt").write_text("".join(lines), encoding="utf-8")
    (folder / "exchange-kg.ttl").write_text("".join(lines), encoding="utf-8")
    (folder / "report.json").write_text(json.dumps({"base": SYNTHETIC_BASE}), encoding="utf-8")
    build_store(folder)
    return folder


@pytest.fixture(scope="session")
def synthetic_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = "synthetic"
    if key not in _CACHE:
        _CACHE[key] = write_synthetic_dist(tmp_path_factory.mktemp("synthetic") / "dist")
    return _CACHE[key]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(dist: Path, log: Path, *options: str,
                   start_timeout: float = 90.0) -> Iterator[str]:
    """``exchange-kg serve`` in a child process on 127.0.0.1; yields its URL and stops it."""
    port = free_port()
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "exchange_kg.serve.cli", "-d", str(dist), "--host",
             "127.0.0.1", "--port", str(port), "--log-level", "warning", *options],
            stdout=log_file, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                if proc.poll() is not None:
                    raise AssertionError(f"server exited: {log.read_text(errors='replace')}")
                try:
                    with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, OSError):
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"server did not start: {log.read_text()}")
                time.sleep(0.2)
            yield url
        finally:
            stop(proc, timeout=15)
