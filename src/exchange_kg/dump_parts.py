"""The Turtle and JSON-LD dumps in parts cut by content, so a rebuild writes only the parts
whose subjects changed and copies the others from the build it replaces.

Both dumps are made from the sorted N-Triples dump, a range of whole subjects at a time, and
a range's Turtle (under the file's prefixes) or JSON-LD lines depend on that range's lines
alone. The ranges are cut before every subject whose CRC-32 is a multiple of
:data:`EVERY`, so where they fall depends on the subjects, not on their positions: an edit
of a few subjects changes the ranges holding them and leaves every other range, and its
bytes, as they were (cutting at equal sizes would shift every later cut).

:class:`Cutter` finds the cuts and a digest of each range's N-Triples bytes while the
N-Triples dump is written. After the Turtle and JSON-LD dumps are joined, :class:`Kept`
records where each range's text lies in them and a digest of it, in the build cache (one
entry per output folder, like :mod:`exchange_kg.verdicts`). The next build into that folder
copies the text of each range whose N-Triples digest (and, for Turtle, whose prefixes) it
finds there from the previous dumps, checking the copied bytes against the recorded digest;
a range not found, a file missing or bytes that do not match are written anew. The dumps
are the same bytes either way: a range's text is a function of its N-Triples bytes.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from exchange_kg import build_cache
from exchange_kg.build_cache import DocumentCache

# a cut before one subject in this many, on average (about 0.2 MB of N-Triples at 10x scale)
EVERY = 1024
_CRC_MASK = EVERY - 1
KINDS = ("ttl", "jsonld")


@dataclass(frozen=True)
class Part:
    """A range of whole subjects of the N-Triples dump and a digest of its bytes."""

    start: int
    end: int
    digest: bytes


def _subject(line: bytes) -> bytes:
    return line[:line.index(b" ")]


def is_cut(subject: bytes) -> bool:
    return zlib.crc32(subject) & _CRC_MASK == 0


class Cutter:
    """The parts of an N-Triples dump written as chunks of whole subjects' lines, in order
    (see :meth:`passing`)."""

    def __init__(self) -> None:
        self.parts: list[Part] = []

    def passing(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """The chunks, unchanged, noting the parts as they pass."""
        pos = start = 0
        digest = hashlib.blake2b(digest_size=16)
        for chunk in chunks:
            done = 0
            for off in _cuts(chunk):
                if pos + off > start:
                    digest.update(memoryview(chunk)[done:off])
                    self.parts.append(Part(start, pos + off, digest.digest()))
                    digest = hashlib.blake2b(digest_size=16)
                    start, done = pos + off, off
            digest.update(memoryview(chunk)[done:])
            pos += len(chunk)
            yield chunk
        if pos > start:
            self.parts.append(Part(start, pos, digest.digest()))


def _cuts(chunk: bytes) -> list[int]:
    """The offsets in ``chunk`` of the first lines of the subjects cut before."""
    if not chunk:
        return []
    first = _subject(chunk)
    last_line = chunk.rfind(b"\n", 0, len(chunk) - 1) + 1
    if _subject(chunk[last_line:]) == first:  # one subject: the usual chunk
        return [0] if is_cut(first) else []
    out = []
    previous = None
    pos = 0
    for line in chunk.splitlines(True):
        s = _subject(line)
        if s != previous and is_cut(s):
            out.append(pos)
        previous = s
        pos += len(line)
    return out


@dataclass
class Kept:
    """Where each part's text lies in a build's Turtle and JSON-LD dumps: N-Triples digest
    -> kind -> (offset, length, digest of the text), and the Turtle prefixes it was written
    under."""

    prefixes: bytes
    parts: dict[bytes, dict[str, tuple[int, int, bytes]]] = field(default_factory=dict)


def text_digest(data: bytes | memoryview) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass
class Reuse:
    """The previous build's dumps (``previous``, its output folder) and :class:`Kept`
    record, and the cache entry this build's record goes to."""

    cache: DocumentCache
    key: str
    previous: Path
    kept: Kept | None = None
    made: Kept | None = None
    copied: int = 0  # parts (of either kind) copied, and written
    written: int = 0
    rewritten: int = 0  # of those written, the copies that failed their check

    @classmethod
    def load(cls, cache: DocumentCache, out_dir: Path) -> Reuse:
        reuse = cls(cache, build_cache.key_of("dump-parts", str(out_dir.resolve())), out_dir)
        body = cache.get(reuse.key)
        if body is not None:
            try:
                kept = pickle.loads(body)
            except Exception:  # any damage an unpickler can meet: nothing to copy
                kept = None
            reuse.kept = kept if isinstance(kept, Kept) else None
        return reuse

    def usable(self, part: Part, kind: str, prefixes: bytes) -> tuple[int, int, bytes] | None:
        """Where the part's text of ``kind`` lies in the previous dump, if it was kept."""
        kept = self.kept
        if kept is None or (kind == "ttl" and kept.prefixes != prefixes):
            return None
        return kept.parts.get(part.digest, {}).get(kind)

    def save(self) -> None:
        if self.made is not None:
            self.cache.put(self.key, pickle.dumps(self.made, protocol=5))


def read_range(path: Path, start: int, length: int) -> bytes | None:
    """``length`` bytes of ``path`` from ``start``, or None when the file is shorter or
    cannot be read."""
    try:
        with path.open("rb") as fh:
            fh.seek(start)
            data = fh.read(length)
    except OSError:
        return None
    return data if len(data) == length else None


def jobs_of(parts: list[Part], todo: list[int], count: int) -> list[list[int]]:
    """The parts to write, as up to ``count`` runs of about equal N-Triples bytes, in order."""
    if not todo:
        return []
    total = sum(parts[i].end - parts[i].start for i in todo)
    share = max(total // max(count, 1), 1)
    out: list[list[int]] = [[]]
    size = 0
    for i in todo:
        if size >= share and len(out) < count:
            out.append([])
            size = 0
        out[-1].append(i)
        size += parts[i].end - parts[i].start
    return out
