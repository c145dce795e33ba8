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
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from exchange_kg.outputs import FILES as OUTPUT_FILES


@dataclass(frozen=True)
class Download:
    name: str
    # media type of the (uncompressed) content
    media_type: str
    # part of the dataset (listed as a VoID data dump), rather than a report about it
    rdf: bool
    gzip: bool = False

    @property
    def description(self) -> str:
        return OUTPUT_FILES.get(self.name, "")

    @property
    def content_type(self) -> str:
        if self.gzip:
            return "application/gzip"
        text = self.media_type.startswith("text/") or self.media_type in (
            "application/n-triples", "application/n-quads", "application/json")
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


_LIST = (
    Download("exchange-kg.ttl", "text/turtle", True),
    Download("exchange-kg.nt.gz", "application/n-triples", True, gzip=True),
    Download("exchange-kg.nq.gz", "application/n-quads", True, gzip=True),
    Download("exchange-kg.nt", "application/n-triples", True),
    Download("exchange-kg.nq", "application/n-quads", True),
    Download("ontology.ttl", "text/turtle", True),
    Download("report.md", "text/markdown", False),
    Download("report.json", "application/json", False),
    Download("validation.ttl", "text/turtle", False),
)
DOWNLOADS = {d.name: d for d in _LIST}
# name -> (media type, description) of the RDF dumps, for the dataset description
DUMPS = {d.name: (d.media_type, d.description) for d in _LIST if d.rdf}


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


def _not_modified(request: Request, info: FileInfo) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or info.etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return int(info.mtime) <= since
    return False


def file_response(request: Request, info: FileInfo) -> Response:
    headers = {
        "ETag": info.etag,
        "Last-Modified": info.last_modified,
        "Cache-Control": "public, max-age=300",
    }
    if _not_modified(request, info):
        return Response(status_code=304, headers=headers)
    return FileResponse(info.path, headers=headers, media_type=info.download.content_type,
                        filename=info.download.name)
