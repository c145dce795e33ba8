"""Deterministic, atomic output files.

Same graph, same bytes: N-Triples and N-Quads are written as sorted lines, Turtle from those
sorted lines; gzip files carry no timestamp.
Every file is written next to its destination and renamed into place, so a reader (or a
server) never sees half a dump.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import io
import itertools
import os
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph
from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from exchange_kg import pool
from exchange_kg.triples import TripleGraph


def write_atomic(path: Path, data: bytes) -> None:
    with atomic(path) as fh:
        fh.write(data)


def write_lines_atomic(path: Path, lines: Iterable[str], gzip_path: Path | None = None) -> None:
    """Write lines (without newlines) to ``path``, and gzipped to ``gzip_path``, streaming:
    see :func:`write_chunks_atomic`."""
    write_chunks_atomic(path, _encoded(lines), gzip_path)


def _encoded(lines: Iterable[str], per_chunk: int = 10_000) -> Iterator[bytes]:
    it = iter(lines)
    while chunk := list(itertools.islice(it, per_chunk)):
        yield ("\n".join(chunk) + "\n").encode("utf-8")


def write_chunks_atomic(path: Path, chunks: Iterable[bytes], gzip_path: Path | None = None
                        ) -> None:
    """Write chunks of whole lines to ``path``, and gzipped to ``gzip_path``, streaming: a
    dump is never held in memory whole. Each file appears complete or not at all.

    The gzip twin is compressed in a thread of its own: zlib releases the GIL while it
    compresses, so compression runs on the other core while this one makes the lines
    (the bytes are the same as compressing them here, and the same however the text is cut
    into chunks).
    """
    with atomic(path) as fh, (atomic(gzip_path) if gzip_path else nullcontext()) as gz_fh:
        compressor = _Compressor(gz_fh) if gz_fh is not None else None
        try:
            buffer: list[bytes] = []
            size = 0
            for chunk in chunks:
                buffer.append(chunk)
                size += len(chunk)
                if size >= 1 << 20:
                    _write_chunk(b"".join(buffer), fh, compressor)
                    buffer.clear()
                    size = 0
            _write_chunk(b"".join(buffer), fh, compressor)
        finally:
            if compressor is not None:
                compressor.close()


def _write_chunk(data: bytes, fh: IO[bytes], gz: _Compressor | None) -> None:
    if data:
        fh.write(data)
        if gz is not None:
            gz.write(data)


class _Compressor:
    """gzip (level 6, no timestamp or name: the same bytes every build) in a thread, fed
    through a short queue so that at most a few chunks wait in memory."""

    def __init__(self, fileobj: IO[bytes]) -> None:
        self._gz = gzip.GzipFile(fileobj=fileobj, mode="wb", mtime=0, filename="",
                                 compresslevel=6)
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._gz.write(data)
                except BaseException as exc:  # handed to the writing thread
                    self._error = exc

    def write(self, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(data)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        self._gz.close()


@contextmanager
def atomic(path: Path) -> Iterator[IO[bytes]]:
    """A file handle whose content replaces ``path`` only when the block ends normally."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # mkstemp makes the file private; outputs are for publishing, so honour the umask
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def nquads_lines(graph: TripleGraph, views: dict[str, set[str]],
                 extra: Iterable[tuple[str, list[str]]] = ()) -> Iterator[str]:
    """Sorted N-Quads lines (see :func:`nquads_chunks`)."""
    for chunk in nquads_chunks(graph, views, extra):
        yield from chunk.decode("utf-8").split("\n")[:-1]


def nquads_chunks(graph: TripleGraph, views: Mapping[str, Iterable[str]],
                  extra: Iterable[tuple[str, list[str]]] = ()) -> Iterator[bytes]:
    """Sorted N-Quads: each view (graph IRI -> its subjects) as a named graph, plus ``extra``
    (graph IRI, sorted N-Triples lines) graphs; streamed subject by subject, in chunks of
    whole lines (see :func:`nquads_of`)."""
    graphs_of = graphs_by_subject(views)
    return merge_by_subject(nquads_of(graph, sorted(graphs_of), graphs_of),
                            extra_quads(extra), unique=False)


def graphs_by_subject(views: Mapping[str, Iterable[str]]) -> dict[str, list[bytes]]:
    """Subject -> the N-Triples terms of the graphs whose view holds it, in sorted order."""
    graphs_of: dict[str, list[bytes]] = {}
    for name in sorted(f"<{n}>" for n in views):
        encoded = name.encode("utf-8")
        for s in views[name[1:-1]]:
            graphs_of.setdefault(s, []).append(encoded)
    return graphs_of


def extra_quads(extra: Iterable[tuple[str, list[str]]]) -> list[str]:
    """The sorted N-Quads lines (without their newline) of ``extra`` graphs."""
    return sorted(f"{line[:-2]} <{name}> ." for name, lines in extra for line in lines)


def nquads_of(graph: TripleGraph, subjects: Sequence[str], graphs_of: Mapping[str, list[bytes]]
              ) -> Iterator[bytes]:
    """The quads of ``subjects`` (sorted) in the graphs ``graphs_of`` names for each, a
    subject at a time.

    A subject's quads are its sorted N-Triples lines with each of its graphs (in sorted
    order) after each line: quads of one triple differ only in the graph, and a shorter
    object is a prefix that sorts first either way (see :meth:`TripleGraph.chunks`).
    """
    for s, chunk in zip(subjects, graph.chunks(subjects), strict=True):
        names = graphs_of[s]
        if len(names) == 1:
            yield chunk[:-3].replace(b" .\n", b" " + names[0] + b" .\n") + \
                b" " + names[0] + b" .\n"
        else:
            yield b"".join(line[:-2] + g + b" .\n" for line in chunk.splitlines(True)
                           for g in names)


def merge_by_subject(chunks: Iterable[bytes], others: list[str], unique: bool = True
                     ) -> Iterator[bytes]:
    """Chunks that each hold whole subjects' sorted lines, in subject order, merged with
    ``others`` (sorted lines without their newline, a few thousand at most): every line in
    sorted order, each once if ``unique``. A chunk whose subject ``others`` does not name
    goes out as it is."""
    rest = [f"{line}\n".encode() for line in others]
    i = 0

    def subject(line: bytes) -> bytes:
        return line[:line.index(b" ")]

    for chunk in chunks:
        s = subject(chunk)
        start = i
        while i < len(rest) and subject(rest[i]) < s:
            i += 1
        if i > start:
            yield b"".join(rest[start:i])
        start = i
        while i < len(rest) and subject(rest[i]) == s:
            i += 1
        if i > start:
            lines = chunk.splitlines(True) + rest[start:i]
            yield b"".join(sorted(set(lines) if unique else lines))
        else:
            yield chunk
    if i < len(rest):
        yield b"".join(rest[i:])


def merge_sorted(*sorted_lines: Iterable[str]) -> Iterator[str]:
    """The union of sorted line streams, sorted, each line once."""
    previous = None
    for line in heapq.merge(*sorted_lines):
        if line != previous:
            yield line
            previous = line


def turtle_file(nt_path: Path, path: Path, prefixes: dict[str, str]) -> None:
    """Prefixed Turtle from a sorted N-Triples file, grouped by subject, deterministic; the
    streaming form of :func:`turtle` for dumps too big to hold in memory.

    Written line by line from the N-Triples text, without parsing it into terms: each line's
    terms are already in their canonical form, and sorted lines keep a subject's triples
    (and a predicate's objects) together. The layout is the one pyoxigraph's Turtle writer
    gives (:func:`turtle`; a test holds the two to the same bytes): parsing and writing
    again through it took twice as long as ``oxigraph convert`` of the same file.
    """
    used = turtle_prefixes(nt_path, prefixes)
    size = nt_path.stat().st_size
    workers = pool.cpu_count() if size >= PARALLEL_TURTLE_BYTES else 1
    bounds = subject_bounds(nt_path, workers) if workers > 1 else [0, size]
    if len(bounds) <= 2:
        with atomic(path) as fh:
            for chunk in _turtle_lines(_lines_between(nt_path, 0, size), used):
                fh.write(chunk)
        return
    # Subjects are independent: each worker writes the Turtle of a range of whole subject
    # blocks, and the parts, one after the other, are the file one process would write.
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        parts = [Path(tmp) / f"part-{i}" for i in range(len(bounds) - 1)]
        with pool.executor(len(parts)) as workers_pool:
            list(workers_pool.map(turtle_part, [nt_path] * len(parts), bounds[:-1],
                                  bounds[1:], parts, [used] * len(parts)))
        join_parts(path, turtle_header(used), parts)


def turtle_prefixes(nt_path: Path, prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes a Turtle file of the N-Triples file declares: those its IRIs use."""
    used: dict[str, str] = {}
    with nt_path.open("rb") as fh:
        tail = b""
        while chunk := fh.read(1 << 24):
            used.update(used_prefixes(prefixes, tail + chunk))
            tail = chunk[-4096:]  # a namespace split across two chunks
    return {p: used[p] for p in sorted(used)}


def join_parts(path: Path, head: bytes, parts: list[Path], separator: bytes = b"",
               tail: bytes = b"", tail_if_empty: bytes | None = None) -> None:
    """Write ``head``, the parts' contents (the empty ones left out) with ``separator``
    between them, and ``tail`` (or ``tail_if_empty`` if every part is empty) to ``path``,
    atomically."""
    with atomic(path) as fh:
        fh.write(head)
        first = True
        for part in parts:
            if part.stat().st_size == 0:
                continue
            if not first:
                fh.write(separator)
            first = False
            with part.open("rb") as src:
                shutil.copyfileobj(src, fh, 1 << 22)
        fh.write(tail if not first or tail_if_empty is None else tail_if_empty)


# From this size on the N-Triples dump is turned into Turtle by a process per CPU: below it,
# starting them costs more than it saves.
PARALLEL_TURTLE_BYTES = 50_000_000


def turtle_chunks(nt_path: Path, start: int, end: int, prefixes: dict[str, str]
                  ) -> Iterator[bytes]:
    """The Turtle of the subjects between two byte offsets of the N-Triples file (at
    subject starts), without the prefixes, in chunks."""
    return _turtle_lines(_lines_between(nt_path, start, end), prefixes, header=False)


@dataclass(frozen=True)
class Span:
    """Bytes of an open file (``fd``), written by :func:`write_piece` without passing
    through this process: a rebuild copies most of its gigabytes of dumps from the build
    it replaces, and reading, hashing and writing them cost it seconds of CPU."""

    fd: int
    offset: int
    length: int

    def __len__(self) -> int:
        return self.length


def write_piece(fh: IO[bytes], data: bytes | Span) -> None:
    """``data`` appended to ``fh`` (opened for writing from its start, appended to only);
    a :class:`Span` is copied by the kernel (``copy_file_range``) where it can be."""
    if isinstance(data, bytes):
        fh.write(data)
        return
    fh.flush()
    out, offset, left = fh.fileno(), data.offset, data.length
    copy = getattr(os, "copy_file_range", None)
    while left and copy is not None:
        try:
            n = copy(data.fd, out, left, offset)
        except OSError:  # another file system, or a kernel without it: read and write
            break
        if n <= 0:
            break
        offset, left = offset + n, left - n
    fh.seek(0, os.SEEK_END)  # the buffered writer is told where the kernel left the file
    while left:
        chunk = os.pread(data.fd, min(left, 1 << 22), offset)
        if not chunk:
            raise OSError(f"{data.length - left} of {data.length} bytes: the file is shorter "
                          "than recorded")
        fh.write(chunk)
        offset, left = offset + len(chunk), left - len(chunk)


def join_pieces(path: Path, head: bytes,
                pieces: Iterable[tuple[bytes | Span, Callable[[int], None]]],
                separator: bytes = b"", tail: bytes = b"", tail_if_empty: bytes | None = None
                ) -> None:
    """:func:`join_parts` of pieces given as bytes (or :class:`Span`), each with a callback
    told the offset at which the piece was written (the empty ones are left out, and told
    nothing)."""
    with atomic(path) as fh:
        fh.write(head)
        offset = len(head)
        first = True
        for data, placed in pieces:
            if not len(data):
                continue
            if not first:
                fh.write(separator)
                offset += len(separator)
            first = False
            write_piece(fh, data)
            placed(offset)
            offset += len(data)
        fh.write(tail if not first or tail_if_empty is None else tail_if_empty)


def turtle_part(nt_path: Path, start: int, end: int, out: Path, prefixes: dict[str, str]
                ) -> None:
    """The Turtle of the subjects between two byte offsets of the N-Triples file (from
    :func:`subject_bounds`), without the prefixes."""
    with out.open("wb") as fh:
        for chunk in _turtle_lines(_lines_between(nt_path, start, end), prefixes, header=False):
            fh.write(chunk)


class FileRange(io.RawIOBase):
    """The bytes of a file between two offsets, as a binary file (for a parser to read one
    range of subjects of a dump)."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        self._fh = path.open("rb")
        self._fh.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        n = self._fh.readinto(memoryview(target)[:min(len(target), self._left)])
        self._left -= n
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


def subject_bounds(nt_path: Path, parts: int) -> list[int]:
    """Byte offsets cutting the sorted N-Triples file into about ``parts`` equal ranges,
    each cut at the start of a subject's first line."""
    size = nt_path.stat().st_size
    cuts = [0]
    with nt_path.open("rb") as fh:
        for k in range(1, parts):
            fh.seek(max(size * k // parts, cuts[-1]))
            fh.readline()  # to the start of a line
            pos = fh.tell()
            line = fh.readline()
            subject = line.split(b" ", 1)[0]
            while line and line.split(b" ", 1)[0] == subject:
                pos = fh.tell()
                line = fh.readline()
            if line and pos > cuts[-1]:
                cuts.append(pos)
    return [*cuts, size]


def _lines_between(path: Path, start: int, end: int) -> Iterator[bytes]:
    """The lines (without their newline) of ``path`` from byte ``start`` to ``end``, both at
    line starts, read in large blocks; bytes, as UTF-8 needs no decoding to be rewritten."""
    with path.open("rb") as fh:
        fh.seek(start)
        left = end - start
        rest = b""
        while left > 0:
            block = fh.read(min(1 << 24, left))
            if not block:
                break
            left -= len(block)
            block = rest + block
            cut = block.rfind(b"\n")
            rest = block[cut + 1:]
            yield from block[:cut].split(b"\n")
        if rest:
            yield rest


def turtle_header(prefixes: dict[str, str]) -> bytes:
    return ("\n".join(f"@prefix {p}: <{ns}> ." for p, ns in prefixes.items())
            + "\n").encode("utf-8")


def _turtle_lines(lines: Iterable[bytes], prefixes: dict[str, str], header: bool = True
                  ) -> Iterator[bytes]:
    """Turtle of sorted N-Triples lines, in chunks of bytes. The loop is the whole cost, so
    it is kept to a few operations on bytes per line."""
    term = _TurtleTerms(prefixes)
    if header:
        yield turtle_header(prefixes)
    iris, iri, predicates, literal = term.iris, term.iri, term.predicate, term.literal
    subject = predicate = None
    out: list[bytes] = []
    append = out.append
    current = b""
    for line in lines:
        s, p, o = line.split(b" ", 2)
        o = o[:-2]  # " ."
        first = o[0]
        if first == 60:  # "<"
            o = iris.get(o) or iri(o)
        elif first == 34 and o[-1] == 62:  # '"' ... ">": a typed literal
            o = literal(o)
        if s == subject:
            if p == predicate:
                current += b" , " + o
                continue
            append(current + b" ;")
            predicate = p
            current = b"\t" + (predicates.get(p) or term.predicate_term(p)) + b" " + o
            continue
        if subject is not None:
            append(current + b" .")
            if len(out) > 20_000:
                append(b"")
                yield b"\n".join(out)
                out.clear()
        append(b"")
        subject, predicate = s, p
        current = ((iris.get(s) or iri(s)) if s[0] == 60 else s) + b" " + (
            predicates.get(p) or term.predicate_term(p)) + b" " + o
    if subject is not None:
        append(current + b" .")
    if out:
        append(b"")
        yield b"\n".join(out)


class _TurtleTerms:
    """N-Triples terms as pyoxigraph's Turtle writer writes them: an IRI as a prefixed name
    where its local part can be one (the longest namespace first), ``a`` for rdf:type, and
    booleans, integers, decimals and doubles bare where their lexical form allows it."""

    _BARE = {
        b"http://www.w3.org/2001/XMLSchema#boolean": re.compile(rb"true|false").fullmatch,
        b"http://www.w3.org/2001/XMLSchema#integer": re.compile(rb"[+-]?[0-9]+").fullmatch,
        b"http://www.w3.org/2001/XMLSchema#decimal": re.compile(rb"[+-]?[0-9]*\.[0-9]+").fullmatch,
        b"http://www.w3.org/2001/XMLSchema#double": re.compile(
            rb"[+-]?([0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+)"
        ).fullmatch,
    }

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.namespaces = sorted(((ns, p) for p, ns in prefixes.items()),
                                 key=lambda t: -len(t[0]))
        self.iris: dict[bytes, bytes] = {}  # IRI term -> its Turtle (read directly by the loop)
        self.predicate = {b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>": b"a"}
        self._starts = tuple(f"<{ns}".encode() for ns, _ in self.namespaces)

    def iri(self, term: bytes) -> bytes:
        """``<iri>`` as Turtle (cached: classes, concepts and shared entities repeat; an IRI
        under no namespace, most of the data's, is answered at once and not cached)."""
        if not term.startswith(self._starts):
            return term
        out = term
        value = term[1:-1].decode("utf-8")
        for ns, prefix in self.namespaces:
            if value.startswith(ns):
                local = _local_name(value[len(ns):]) if len(value) > len(ns) else ""
                if local is not None:
                    out = f"{prefix}:{local}".encode()
                    break
        if len(self.iris) > 300_000:
            self.iris.clear()
        self.iris[term] = out
        return out

    def predicate_term(self, term: bytes) -> bytes:
        out = self.predicate[term] = self.iri(term)
        return out

    def literal(self, term: bytes) -> bytes:
        """A typed literal: bare where pyoxigraph writes it so, else with a prefixed type."""
        end = term.rindex(b'"^^<')
        bare = self._BARE.get(term[end + 4:-1])
        if bare is not None and bare(term[1:end]):
            return term[1:end]
        datatype = term[end + 3:]
        return term[:end + 1] + b"^^" + (self.iris.get(datatype) or self.iri(datatype))


# characters a prefixed name's local part may hold as they are, and those it may hold escaped
_PN_CHARS_BASE = (r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF"
                  r"\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF"
                  r"\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN_FIRST = re.compile(f"[{_PN_CHARS_BASE}_:0-9]")
_PN_REST = re.compile(f"[{_PN_CHARS_BASE}_\\-0-9\u00B7\u0300-\u036F\u203F-\u2040:]")
_PN_ESCAPABLE = frozenset("_~.-!$&'()*+,;=/?#@%")


def _local_name(value: str) -> str | None:
    """The local part of a prefixed name for ``value``, escaped, or None if it cannot be."""
    out = []
    last = len(value) - 1
    for i, c in enumerate(value):
        if (_PN_FIRST if i == 0 else _PN_REST).fullmatch(c) or (c == "." and 0 < i < last):
            out.append(c)
        elif c in _PN_ESCAPABLE:
            out.append("\\" + c)
        else:
            return None
    return "".join(out) if out else None


def used_prefixes(prefixes: Mapping[str, str], nt: bytes) -> dict[str, str]:
    """The prefixes whose namespace an IRI of the N-Triples text ``nt`` starts with."""
    return {p: ns for p, ns in prefixes.items() if f"<{ns}".encode() in nt}


def _turtle_layout(lines: Iterable[str], prefixes: dict[str, str]) -> Iterator[str]:
    """Our header (sorted prefixes) instead of pyoxigraph's, and a blank line before each
    subject's block, as people write Turtle."""
    yield from (f"@prefix {p}: <{ns}> ." for p, ns in sorted(prefixes.items()))
    for line in lines:
        line = line.rstrip("\n")
        if line.startswith("@prefix") or not line:
            continue
        if not line[0].isspace():
            yield ""
        yield line


def ntriples_lines(graph: Graph | TripleGraph) -> list[str]:
    """Sorted N-Triples lines without their newline."""
    if isinstance(graph, TripleGraph):
        return graph.lines()
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        # blank node labels are random per parse: name them by content
        graph = _tree_labelled(graph) or to_canonical_graph(graph)
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted({ln for ln in text.splitlines() if ln.strip()})


def _tree_labelled(graph: Graph) -> Graph | None:
    """The graph with each blank node named by a hash of the tree below it, or None if its
    blank nodes do not form trees (then full RDF canonicalisation is needed).

    A SHACL report is such a tree (report -> results -> details, paths): labelling it this way
    is linear, where rdflib's canonicalisation took 29 s for the 1,067 results of a 10x build.
    Two blank nodes with identical trees get the same label, which merges them: harmless for
    the trees this is used on, whose twins say the same thing, but checked so it cannot happen
    silently elsewhere.
    """
    out_edges: dict[BNode, list[tuple[object, object]]] = {}
    parents: dict[BNode, int] = {}
    for s, p, o in graph:
        if isinstance(s, BNode):
            out_edges.setdefault(s, []).append((p, o))
        if isinstance(o, BNode):
            parents[o] = parents.get(o, 0) + 1
    if any(n > 1 for n in parents.values()):
        return None
    labels: dict[BNode, str] = {}

    def label(node: BNode, depth: int = 0) -> str | None:
        if node in labels:
            return labels[node]
        if depth > 50:  # a cycle
            return None
        parts = []
        for p, o in out_edges.get(node, []):
            if isinstance(o, BNode):
                inner = label(o, depth + 1)
                if inner is None:
                    return None
                parts.append(f"{p.n3()} _:{inner}")
            else:
                parts.append(f"{p.n3()} {o.n3()}")
        labels[node] = hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:24]
        return labels[node]

    nodes = set(out_edges) | set(parents)
    if any(label(n) is None for n in nodes) or len(set(labels.values())) < len(nodes):
        return None
    renamed = Graph()
    for s, p, o in graph:
        renamed.add((BNode(labels[s]) if isinstance(s, BNode) else s, p,
                     BNode(labels[o]) if isinstance(o, BNode) else o))
    return renamed


def ntriples(graph: Graph | TripleGraph) -> bytes:
    return _join(ntriples_lines(graph))


def _join(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def turtle(nt: bytes, prefixes: dict[str, str]) -> bytes:
    """Prefixed Turtle, grouped by subject, deterministic, from sorted N-Triples.

    Written by pyoxigraph: sorted lines keep each subject's triples consecutive (one block
    each) and the order fixed. rdflib's serializer computes a qname per term by scanning every
    namespace and was 85x slower at 10x scale. Only the prefixes the data uses are declared.
    """
    used = used_prefixes(prefixes, nt)
    triples = pyoxigraph.parse(nt, format=pyoxigraph.RdfFormat.N_TRIPLES)
    body = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=used)
    return _join(list(_turtle_layout(body.decode("utf-8").split("\n"), used)))


def graph_turtle(graph: Graph) -> bytes:
    """An rdflib graph (a validation report, say) as deterministic Turtle."""
    prefixes = {p: str(ns) for p, ns in graph.namespace_manager.namespaces()
                if p and str(ns) not in _NOT_PREFIXED}
    return turtle(ntriples(graph), prefixes)


# rdflib binds these by default; they would only clutter the header
_NOT_PREFIXED = {"http://www.w3.org/XML/1998/namespace"}
