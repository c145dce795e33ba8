"""The persistent pyoxigraph store the server queries, built from the build's N-Quads.

The store holds every named graph of ``exchange-kg.nq`` (one per source document, plus the
ontology) and, as its default graph, their RDF merge: oxigraph's "union default graph" would
repeat a triple once per graph that states it (an institution named by two documents would
come back twice from ``SELECT ?label``), so the merge is materialised once, here, and queries
see a set as SPARQL's dataset semantics says.

The store is written next to its final place and renamed into it, so a server never opens half
a store; a stamp records the dumps it was loaded from (N-Quads and N-Triples, by size and
SHA-256), so ``serve`` can tell a stale store from a current one whichever dump changed.

The merge is loaded, not computed: ``exchange-kg.nt`` is the union of all named graphs (the
sources' and the ontology's), so one bulk load reads the N-Quads and then the N-Triples as
the default graph. A SPARQL update that checked every quad against the default graph (17 s
of the 82 s store stage at 100x) now runs only for the dump of an older build, whose
N-Triples lacked the ontology.

A build loads its store once and in place (:class:`NewStore`): the data graph first, as the
default graph, which validation queries; then the N-Quads, straight from the file in Rust
while the build writes its other files; then the ontology's and the concept schemes' graphs are
copied into the default graph. The same quads as loading the N-Quads and the N-Triples, without
loading the twenty million triples of the data a second time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph

from exchange_kg.serve import store_update
from exchange_kg.triples import TripleGraph

NQUADS = "exchange-kg.nq"
NTRIPLES = "exchange-kg.nt"
STORE_DIR = "store"
DB_DIR = "oxigraph"
STAMP = "stamp.json"

# Blank nodes of two loaded files are different nodes, so a blank-node triple of a named graph
# never matches its copy from exchange-kg.nt: it would be added twice. The N-Triples dump holds
# them all already (it is the whole dataset), so only named (IRI) triples are merged.
_MERGE_REST = ("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
               "FILTER(!isBlank(?s) && !isBlank(?o)) FILTER NOT EXISTS { ?s ?p ?o } }")


# The N-Triples dump of a build is every named graph's union; that of an older build lacked
# the ontology, which its header triple (in the ontology's named graph) shows cheaply.
_MERGE_IS_COMPLETE = ("ASK { FILTER NOT EXISTS { GRAPH ?g { ?s a "
                      "<http://www.w3.org/2002/07/owl#Ontology> } "
                      "FILTER NOT EXISTS { ?s a <http://www.w3.org/2002/07/owl#Ontology> } } }")


# About how many bytes of N-Triples or N-Quads one bulk load is given. pyoxigraph's bulk
# loader holds up to two batches of a million quads in memory: 1.4 GB for the 2.4M triples of
# a 100x build, more than the build's own graph, and 1.7 GB for its N-Quads. In pieces of this
# size it holds about 400 MB whatever the size of the dump, in the same time.
PIECE_BYTES = 48 << 20


def bulk_load_lines(store: pyoxigraph.Store, chunks: Iterable[bytes],
                    format: pyoxigraph.RdfFormat, lenient: bool = False) -> None:
    """Bulk-load N-Triples or N-Quads, given as chunks of whole lines, in pieces of about
    ``PIECE_BYTES``, each given to pyoxigraph as one bytes object.

    A piece is bytes, not a file-like object: pyoxigraph parses bytes in Rust with the GIL
    released, whereas it calls a file-like object's ``read`` (Python, under the GIL) for
    every few kilobytes, so a loading thread would wait for the GIL behind a busy main
    thread at every read (the 100x N-Quads: 28.4 s from bytes or a file, unfinished after
    ten minutes through ``read``).

    pyoxigraph gives the blank nodes of each load fresh identities, so every line that names
    a blank node (or merely holds ``_:`` in a literal) is kept for one last load together:
    a blank node is one node however the lines fall into pieces.
    """
    blank: list[bytes] = []
    piece: list[bytes] = []
    size = 0
    for chunk in chunks:
        if b"_:" in chunk:
            lines = chunk.split(b"\n")
            blank.extend(line + b"\n" for line in lines if b"_:" in line)
            chunk = b"".join(line + b"\n" for line in lines if line and b"_:" not in line)
        piece.append(chunk)
        size += len(chunk)
        if size >= PIECE_BYTES:
            _load_piece(store, piece, format, lenient)
            piece, size = [], 0
    if piece:
        _load_piece(store, piece, format, lenient)
    if blank:
        _load_piece(store, blank, format, lenient)


def _load_piece(store: pyoxigraph.Store, chunks: list[bytes], format: pyoxigraph.RdfFormat,
                lenient: bool) -> None:
    """One bulk load of ``chunks`` joined (emptied first, so the piece is held once)."""
    data = b"".join(chunks)
    chunks.clear()
    if data:
        store.bulk_load(data, format=format, lenient=lenient)


def _file_chunks(paths: Iterable[Path], size: int = 1 << 24) -> Iterator[bytes]:
    """The files one after the other, in chunks of whole lines (a last line without its
    newline is given one)."""
    for path in paths:
        with path.open("rb") as fh:
            rest = b""
            while block := fh.read(size):
                block = rest + block
                cut = block.rfind(b"\n") + 1
                rest = block[cut:]
                if cut:
                    yield block[:cut]
            if rest:
                yield rest + b"\n"


def store_path(dist_dir: Path) -> Path:
    """The folder ``build_store`` writes for ``dist_dir``."""
    return dist_dir / STORE_DIR


def database_path(dist_dir: Path) -> Path:
    """The oxigraph database inside the store folder (what ``Store.read_only`` opens)."""
    return store_path(dist_dir) / DB_DIR


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dumps(dist_dir: Path) -> dict[str, dict[str, int | str]]:
    """Size and SHA-256 of each dump the store is loaded from, as the stamp records them."""
    return {name: {"bytes": (dist_dir / name).stat().st_size, "sha256": _sha256(dist_dir / name)}
            for name in (NQUADS, NTRIPLES) if (dist_dir / name).is_file()}


def _compacted_stamp(store: pyoxigraph.Store, dist_dir: Path, compact: bool = True) -> str:
    """Flush and compact a freshly loaded store (an updated one is only flushed: RocksDB
    compacts what an update adds as it goes); the stamp text that ties it to the dumps it
    was loaded from (written by the caller once the database is closed)."""
    store.flush()
    if compact:
        store.optimize()
    stamp = {"dumps": _dumps(dist_dir), "quads": len(store),
             "pyoxigraph": pyoxigraph.__version__}
    return json.dumps(stamp, indent=1, sort_keys=True) + "\n"


def store_is_current(dist_dir: Path) -> bool:
    """True if ``dist_dir/store`` exists and was built from the dumps now in ``dist_dir``."""
    stamp = store_path(dist_dir) / STAMP
    if not stamp.is_file() or not (dist_dir / NQUADS).is_file():
        return False
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8")).get("dumps")
    except (OSError, ValueError, AttributeError):
        return False
    if not isinstance(recorded, dict):
        return False
    present = {n for n in (NQUADS, NTRIPLES) if (dist_dir / n).is_file()}
    if set(recorded) != present:
        return False
    # sizes first: a changed dump is nearly always a resized one, and hashing is the slow part
    if any(recorded[n].get("bytes") != (dist_dir / n).stat().st_size for n in present):
        return False
    return recorded == _dumps(dist_dir)


def remove_stale(dist_dir: Path) -> list[str]:
    """Remove the temporaries a store build killed half-way left in ``dist_dir``; call it
    with the folder's lock held (``output_folder.locked``)."""
    stale = sorted(p for p in dist_dir.glob(f".{STORE_DIR}-*-*") if p.is_dir()
                   and p.name.startswith((f".{STORE_DIR}-new-", f".{STORE_DIR}-old-")))
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return [p.name for p in stale]


def build_store(dist_dir: Path) -> Path:
    """Build ``dist_dir/store`` from ``dist_dir/exchange-kg.nq`` and return its path.

    The new store is loaded in a temporary folder beside the old one, closed, stamped and
    renamed into place; the old one (if any) is renamed aside first and removed last, so the
    path never holds a partly written store.
    """
    nquads = dist_dir / NQUADS
    if not nquads.is_file():
        raise FileNotFoundError(f"{nquads}: no N-Quads dump to build the store from "
                                "(run `exchange-kg build` first)")
    target = store_path(dist_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{STORE_DIR}-new-", dir=dist_dir))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a server may run as another user
        store = pyoxigraph.Store(str(tmp / DB_DIR))
        ntriples = dist_dir / NTRIPLES
        # One stream: the named graphs and, as the default graph, the N-Triples dump (N-Triples
        # lines are N-Quads lines of the default graph). Lines with blank nodes load together,
        # so a blank node of the ontology is the same node in its graph and in the merge.
        files = [nquads, ntriples] if ntriples.is_file() else [nquads]
        bulk_load_lines(store, _file_chunks(files), pyoxigraph.RdfFormat.N_QUADS)
        if not store.query(_MERGE_IS_COMPLETE):  # a dump of an older build: merge the rest
            store.update(_MERGE_REST)
        stamp = _compacted_stamp(store, dist_dir)
        del store  # closes the database before it is renamed
        (tmp / STAMP).write_text(stamp, encoding="utf-8")
        old = None
        if target.exists():
            old = dist_dir / f".{STORE_DIR}-old-{uuid.uuid4().hex[:8]}"
            os.rename(target, old)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


class NewStore:
    """The store of a build being written into a fresh folder (``output_folder.staged``):
    loaded in place, since nothing can open the folder before it replaces the output folder.

    1. :meth:`load_data`: the build's graph as the default graph (validation queries it),
       or the previous build's store brought up to it (:mod:`.store_update`), which also
       holds the named graphs already;
    2. :meth:`start_named_graphs`: the N-Quads dump, loaded from its file by a thread of its
       own (pyoxigraph parses and sorts in Rust without the GIL, so the build writes its other
       files on the other core meanwhile);
    3. :meth:`finish`: waits for it, copies the ontology's and concept schemes' graphs (which
       the data graph lacks) into the default graph, and stamps the store; the digests of
       what it holds go beside it for the next build's update.
    """

    def __init__(self, dist_dir: Path) -> None:
        self.dist_dir = dist_dir
        store_path(dist_dir).mkdir(mode=0o755)
        self.store: pyoxigraph.Store | None = None
        self.updated = False
        self._contents: store_update.Contents | None = None
        # the record of what the replaced build's store held (None: none, or not asked for)
        self.previous_contents: store_update.Contents | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def load_data(self, graph: TripleGraph, views: store_update.Views,
                  extra: store_update.Extra, previous: Path | None = None) -> None:
        """The graph into the default graph; ``views`` (named graph -> its subjects) and
        ``extra`` (the ontology's and schemes' graphs, as sorted lines) are what the N-Quads
        dump will hold. With ``previous`` (the output folder this build replaces) the store
        there is updated instead, when :func:`.store_update.update` finds that worth it."""
        self._extra = extra
        target = database_path(self.dist_dir)
        old = store_update.read(store_path(previous) / store_update.CONTENTS) \
            if previous is not None else None
        self.previous_contents = old
        if previous is not None and old is not None:
            self._contents = store_update.contents_of(graph, views, extra)
            self.store = store_update.update(store_path(previous), target, old,
                                             self._contents, graph, views, extra)
            if self.store is not None:
                self.updated = True
                return
        self.store = pyoxigraph.Store(str(target))
        if self._contents is not None:  # taken already: an update was declined
            bulk_load_lines(self.store, graph.chunks(), pyoxigraph.RdfFormat.N_TRIPLES)
            return
        digester = store_update.Digester()
        bulk_load_lines(self.store, digester.passing(graph.chunks()),
                        pyoxigraph.RdfFormat.N_TRIPLES)
        self._contents = digester.contents(views, extra)

    @property
    def contents(self) -> store_update.Contents:
        """What the store holds, as digests (once :meth:`load_data` has run); sealed once
        :meth:`finish` has written it."""
        assert self._contents is not None
        return self._contents

    def start_named_graphs(self) -> None:
        if self.updated:
            return
        store = self.store

        def load() -> None:
            try:
                bulk_load_lines(store, _file_chunks([self.dist_dir / NQUADS]),
                                pyoxigraph.RdfFormat.N_QUADS, lenient=True)
            except BaseException as exc:  # raised again by finish()
                self._error = exc

        self._thread = threading.Thread(target=load, name="store-load", daemon=True)
        self._thread.start()

    def finish(self) -> None:
        """Wait for the N-Quads, copy the ontology's and schemes' graphs into the default
        graph and stamp the store. A blank node keeps its identity: it is copied, not parsed
        again."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        store = self.store
        assert store is not None and self._contents is not None
        for name, _ in self._extra:
            store.extend([pyoxigraph.Quad(q.subject, q.predicate, q.object,
                                          pyoxigraph.DefaultGraph())
                          for q in store.quads_for_pattern(None, None, None,
                                                           pyoxigraph.NamedNode(name))])
        stamp = _compacted_stamp(store, self.dist_dir, compact=not self.updated)
        self.store = None
        del store  # closes the database
        folder = store_path(self.dist_dir)
        self._contents.write(folder / store_update.CONTENTS)
        (folder / STAMP).write_text(stamp, encoding="utf-8")

    def abandon(self) -> None:
        """After an error: let the loading thread end before the folder is removed."""
        if self._thread is not None:
            self._thread.join()


def open_read_only(dist_dir: Path) -> pyoxigraph.Store:
    """Open the built store for reading; several processes may do so at once."""
    return pyoxigraph.Store.read_only(str(database_path(dist_dir)))
