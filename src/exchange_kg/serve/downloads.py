"""``/dumps``: the build's files for download.

Only the files named here are served (no path from a request ever reaches the file system).
Each response has Content-Length, Last-Modified and a strong ETag made from the file's SHA-256:
builds are byte-for-byte deterministic, so a rebuild of the same sources keeps every ETag and
clients' caches stay valid. Range requests (resuming a download) are answered by Starlette's
FileResponse (206, multipart ranges, If-Range); conditional requests get 304 here.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from exchange_kg.serve.conditional import not_modified


@dataclass(frozen=True)
class Download:
    name: str
    # media type of the (uncompressed) content
    media_type: str
    # what it is, for people (the downloads page) and catalogues (its DCAT description)
    title: str
    # the part of the dataset it holds: "dataset" (all of it), "ontology", "vocabularies" (the
    # named graph it is the dump of), or None (a report about the build, not data)
    part: str | None
    # its format in the EU file-type vocabulary DCAT-AP uses, and the W3C specification
    eu_format: str | None = None
    spec: str | None = None
    gzip: bool = False

    @property
    def content_type(self) -> str:
        if self.gzip:
            return "application/gzip"
        text = self.media_type.startswith("text/") or self.media_type in (
            "application/n-triples", "application/n-quads", "application/json",
            "application/ld+json")
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


_TURTLE = ("text/turtle", "RDF_TURTLE", "https://www.w3.org/TR/turtle/")
_NTRIPLES = ("application/n-triples", "RDF_N_TRIPLES", "https://www.w3.org/TR/n-triples/")
_NQUADS = ("application/n-quads", "RDF_N_QUADS", "https://www.w3.org/TR/n-quads/")
_JSONLD = ("application/ld+json", "JSON_LD", "https://www.w3.org/TR/json-ld11/")
_WHOLE = "the whole dataset (data, ontology and concept schemes)"
_LIST = (
    Download("exchange-kg.ttl", _TURTLE[0], f"{_WHOLE} as prefixed Turtle", "dataset",
             *_TURTLE[1:]),
    Download("exchange-kg.jsonld", _JSONLD[0],
             f"{_WHOLE} as JSON-LD, compacted with the published context", "dataset",
             *_JSONLD[1:]),
    Download("exchange-kg.nt.gz", _NTRIPLES[0], f"{_WHOLE} as N-Triples (sorted lines), gzip",
             "dataset", *_NTRIPLES[1:], gzip=True),
    Download("exchange-kg.nq.gz", _NQUADS[0], "one named graph per source document, plus the "
             "ontology and the concept schemes, as N-Quads, gzip", "dataset", *_NQUADS[1:],
             gzip=True),
    Download("exchange-kg.nt", _NTRIPLES[0], f"{_WHOLE} as N-Triples (sorted lines)",
             "dataset", *_NTRIPLES[1:]),
    Download("exchange-kg.nq", _NQUADS[0], "one named graph per source document, plus the "
             "ontology and the concept schemes, as N-Quads", "dataset", *_NQUADS[1:]),
    Download("ontology.ttl", _TURTLE[0], "the ontology alone (OWL)", "ontology", *_TURTLE[1:]),
    Download("vocabularies.ttl", _TURTLE[0], "the ontology's controlled values (levels, kinds, "
             "statuses, mobility kinds) as SKOS concept schemes", "vocabularies", *_TURTLE[1:]),
    Download("report.md", "text/markdown", "the data-quality report for people", None),
    Download("report.json", "application/json", "the data-quality report for scripts", None),
    Download("validation.ttl", _TURTLE[0], "the full SHACL validation report", None),
)
DOWNLOADS = {d.name: d for d in _LIST}


@dataclass(frozen=True)
class FileInfo:
    download: Download
    path: Path
    size: int
    mtime: float
    sha256: str

    @property
    def etag(self) -> str:
        return f'"{self.sha256[:32]}"'

    @property
    def last_modified(self) -> str:
        return formatdate(self.mtime, usegmt=True)


class DumpFiles:
    """The downloadable files of one dist folder, with their digests (computed once per
    version of each file)."""

    def __init__(self, dist_dir: Path) -> None:
        self.dist_dir = dist_dir
        self._cache: dict[str, tuple[tuple[int, int], str]] = {}
        self._lock = threading.Lock()

    def info(self, name: str) -> FileInfo | None:
        download = DOWNLOADS.get(name)
        if download is None:
            return None
        path = self.dist_dir / name
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(name)
        if cached is None or cached[0] != key:
            digest = hashlib.sha256()
            with path.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
            cached = (key, digest.hexdigest())
            with self._lock:
                self._cache[name] = cached
        return FileInfo(download, path, stat.st_size, stat.st_mtime, cached[1])

    def available(self) -> list[FileInfo]:
        return [i for i in (self.info(d.name) for d in _LIST) if i is not None]


def file_response(request: Request, info: FileInfo) -> Response:
    headers = {
        "ETag": info.etag,
        "Last-Modified": info.last_modified,
        "Cache-Control": "public, max-age=300",
    }
    if not_modified(request, info.etag, info.mtime):
        return Response(status_code=304, headers=headers)
    return FileResponse(info.path, headers=headers, media_type=info.download.content_type,
                        filename=info.download.name)
