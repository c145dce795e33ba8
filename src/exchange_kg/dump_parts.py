"""The dumps in parts cut by content, so a rebuild writes only the parts whose subjects
changed and copies the others from the build it replaces.

Every dump lists whole subjects in sorted order, and a range of whole subjects is a
function of those subjects' blocks alone: its N-Triples or N-Quads lines, and the Turtle
(under the file's prefixes) or JSON-LD lines made from its N-Triples. The ranges are cut
before every subject whose CRC-32 is a multiple of :data:`EVERY`, so where they fall depends
on the subjects, not on their positions: an edit of a few subjects changes the ranges
holding them and leaves every other range, and its bytes, as they were (cutting at equal
sizes would shift every later cut).

Each range is named by a key made of its subjects' digests (:func:`cut`): for N-Triples
the digests the query store keeps of each subject's block (``serve.store_update``), for
N-Quads those and the graphs holding the subject. So which ranges are unchanged is known
without writing a line. :func:`write_lines` writes the N-Triples or N-Quads dump range by
range, each as a gzip member of its own in the gzip twin (a file of several members is one
gzip stream to every reader; a clean build writes the same members), copying the text and
the member of each range it finds in the previous build's record from the previous files;
the Turtle and JSON-LD ranges (``outputs``) are copied likewise, keyed by the N-Triples
range's key. :class:`Kept` records where each range lies in each dump and a digest of its
bytes, in the build cache (one entry per output folder, like :mod:`exchange_kg.verdicts`).
Copied bytes are checked against the recorded digest; a range not found, a file missing or
bytes that do not match are written anew. The dumps are the same bytes either way.

The record also holds each dump file's identity as the build left it (:func:`identity`:
device, inode, size, and the modification and change times in nanoseconds, the latter of
which no program can set back). A previous file that still has it is the file the record
describes, so its ranges are copied by the kernel (``copy_file_range``) without being read
or hashed here: that is most of the bytes of a rebuild. Any write to the file, a copy of
it, or a file put in its place changes the identity, and its ranges are then checked.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import queue
import struct
import threading
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from exchange_kg import build_cache, dumps
from exchange_kg.build_cache import DocumentCache

# a cut before one subject in this many, on average (about 0.2 MB of N-Triples at 10x scale)
EVERY = 1024
_CRC_MASK = EVERY - 1
KINDS = ("ttl", "jsonld")  # made from the N-Triples dump's ranges
LINE_KINDS = ("nt", "nq")  # made from the graph


@dataclass(frozen=True)
class Part:
    """A range of whole subjects of the N-Triples dump (byte offsets) and its key."""

    start: int
    end: int
    digest: bytes


def is_cut(subject: bytes) -> bool:
    return zlib.crc32(subject) & _CRC_MASK == 0


def cut(subjects: Sequence[str], digests: Sequence[bytes], kind: str
        ) -> list[tuple[int, int, bytes]]:
    """The ranges of a dump of ``subjects`` (in the dump's order, each with a digest of what
    the dump holds of it): (first, end) indexes into ``subjects`` and the range's key, which
    names its bytes in a dump of ``kind``."""
    if not subjects:
        return []
    person = kind.encode()
    crc32, mask = zlib.crc32, _CRC_MASK  # a comprehension: a loop of 2.3M took 1.1 s at 100x
    starts = [0, *(i for i, s in enumerate(subjects)
                   if i and not crc32(s.encode("utf-8")) & mask), len(subjects)]
    return [(start, end, hashlib.blake2b(b"".join(digests[start:end]), digest_size=16,
                                         person=person).digest())
            for start, end in zip(starts, starts[1:], strict=False)]


@dataclass(frozen=True)
class Place:
    """Where a range of an N-Triples or N-Quads dump lies: its text in the dump and its
    member in the gzip twin, each with a digest of its bytes; for N-Triples, the Turtle
    prefixes its IRIs use."""

    offset: int
    length: int
    digest: bytes
    gz_offset: int
    gz_length: int
    gz_digest: bytes
    prefixes: frozenset[str] = frozenset()


@dataclass
class Kept:
    """Where each part's text lies in a build's dumps: for Turtle and JSON-LD, N-Triples key
    -> kind -> (offset, length, digest of the text), and the Turtle prefixes it was written
    under; for N-Triples and N-Quads, the range's key -> its :class:`Place`."""

    prefixes: bytes
    parts: dict[bytes, dict[str, tuple[int, int, bytes]]] = field(default_factory=dict)
    lines: dict[bytes, Place] = field(default_factory=dict)
    files: dict[str, tuple[int, ...]] = field(default_factory=dict)  # name -> identity()


def identity(path: Path) -> tuple[int, ...] | None:
    """What tells that ``path`` is still the file a build wrote (None: it is gone)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


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

    def place(self, key: bytes) -> Place | None:
        """Where the N-Triples or N-Quads range ``key`` lies in the previous dumps."""
        kept = self.kept
        return getattr(kept, "lines", {}).get(key) if kept is not None else None

    def trusted(self, name: str) -> bool:
        """Whether the previous build's dump ``name`` is the file its record describes (its
        identity unchanged), so that its ranges need no check."""
        kept = self.kept
        recorded = getattr(kept, "files", {}).get(name) if kept is not None else None
        return recorded is not None and identity(self.previous / name) == recorded

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


@dataclass
class Written:
    """What :func:`write_lines` did: the ranges, where each lies (for the next build), the
    Turtle prefixes the dump's IRIs use, and how many ranges were copied and written."""

    parts: list[Part] = field(default_factory=list)
    places: dict[bytes, Place] = field(default_factory=dict)
    prefixes: frozenset[str] = frozenset()
    copied: int = 0
    written: int = 0


def write_lines(path: Path, gz_path: Path, subjects: Sequence[str], digests: Sequence[bytes],
                kind: str, text_of: Callable[[Sequence[str]], bytes],
                previous: Reuse | None = None, prefixes: Mapping[str, str] | None = None
                ) -> Written:
    """The dump of ``kind`` (N-Triples or N-Quads) of ``subjects`` into ``path`` and its
    gzip twin, atomically, range by range (see :func:`cut`): ``text_of`` gives the sorted
    lines of a range's subjects; a range ``previous`` kept is copied from its files instead
    when its bytes still match. With ``prefixes`` (prefix -> namespace), the prefixes each
    range's IRIs use are found (for the Turtle dump's header)."""
    out = Written()
    old = previous.previous / path.name if previous is not None else None
    old_gz = previous.previous / gz_path.name if previous is not None else None
    uses: list[frozenset[str]] = []
    with contextlib.ExitStack() as stack:
        # the previous files, when they are those the record describes: copied unread
        fds = [_opened(stack, f) for f in (old, old_gz)] if previous is not None and all(
            previous.trusted(f.name) for f in (path, gz_path)) else [None, None]
        fh, gz_fh = (stack.enter_context(dumps.atomic(f)) for f in (path, gz_path))
        members = _Members(gz_fh)
        offset = 0
        try:
            for first, end, key in cut(subjects, digests, kind):
                place = previous.place(key) if previous is not None else None
                text: bytes | dumps.Span | None = None
                member: bytes | dumps.Span | None = None
                if place is not None and fds[0] is not None and fds[1] is not None:
                    text = dumps.Span(fds[0], place.offset, place.length)
                    member = dumps.Span(fds[1], place.gz_offset, place.gz_length)
                elif place is not None and old is not None and old_gz is not None:
                    text = _checked(old, place.offset, place.length, place.digest)
                    member = _checked(old_gz, place.gz_offset, place.gz_length,
                                      place.gz_digest) if text is not None else None
                if text is None or place is None:
                    text = text_of(subjects[first:end])
                    uses.append(frozenset(dumps.used_prefixes(prefixes, text))
                                if prefixes else frozenset())
                    out.written += 1
                    members.put(text, None)
                else:
                    uses.append(place.prefixes)
                    out.copied += 1
                    # checked against these digests as it was read: not hashed again
                    members.put(text, (member, place.gz_digest, place.digest)
                                if member is not None else None)
                dumps.write_piece(fh, text)
                out.parts.append(Part(offset, offset + len(text), key))
                offset += len(text)
            if not out.parts:  # no range: still a gzip file, of nothing
                members.put(b"", None)
        finally:
            made = members.close()
    for part, used, (gz_offset, gz_length, gz_digest, digest) in zip(
            out.parts, uses, made, strict=False):
        out.places[part.digest] = Place(part.start, part.end - part.start, digest, gz_offset,
                                        gz_length, gz_digest, used)
        out.prefixes |= used
    return out


def _opened(stack: contextlib.ExitStack, path: Path | None) -> int | None:
    """A descriptor of ``path`` for reading, closed with ``stack`` (None: not readable)."""
    try:
        fd = os.open(path, os.O_RDONLY) if path is not None else None
    except OSError:
        return None
    if fd is not None:
        stack.callback(os.close, fd)
    return fd


def _checked(path: Path, start: int, length: int, digest: bytes) -> bytes | None:
    data = read_range(path, start, length)
    return data if data is not None and text_digest(data) == digest else None


# gzip's member header: no name, no timestamp, no extra flags, "unknown" OS (as the gzip
# module writes it with ``mtime=0``): the same bytes on every machine and every build
_GZIP_HEAD = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def gzip_member(data: bytes, level: int = 6) -> bytes:
    """``data`` as one gzip member (level 6, as the dumps always were)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = compressor.compress(data) + compressor.flush()
    return _GZIP_HEAD + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


# a range's text, and its copied member with the member's and the text's digests
_Item = tuple[bytes | dumps.Span, tuple[bytes | dumps.Span, bytes, bytes] | None]


class _Members:
    """A gzip file written member by member in a thread of its own (zlib and the digests
    release the GIL, so compression runs on the other core while the next range is made),
    fed through a short queue; :meth:`close` gives each member's (offset, length, digest)
    and the digest of the text it holds, in order."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self._queue: queue.Queue[_Item | None] = queue.Queue(maxsize=8)
        self._made: list[tuple[int, int, bytes, bytes]] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        offset = 0
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue
            text, copied = item
            try:
                member: bytes | dumps.Span
                if copied is None:
                    assert isinstance(text, bytes)
                    member = gzip_member(text)
                    member_digest, digest = text_digest(member), text_digest(text)
                else:
                    member, member_digest, digest = copied
                dumps.write_piece(self._fh, member)
                self._made.append((offset, len(member), member_digest, digest))
                offset += len(member)
            except BaseException as exc:  # handed to the writing thread
                self._error = exc

    def put(self, text: bytes | dumps.Span,
            copied: tuple[bytes | dumps.Span, bytes, bytes] | None) -> None:
        """The next range's text; when it was copied, its member and the digests of the
        member and the text that the copy was checked against (hashing them again cost a
        rebuild at 100x about 6 s, as much as checking them)."""
        if self._error is not None:
            raise self._error
        self._queue.put((text, copied))

    def close(self) -> list[tuple[int, int, bytes, bytes]]:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._made
