"""Write a build's files into the output folder (``dist/`` by default).

Everything goes into a fresh folder that replaces the output folder in one step
(:mod:`exchange_kg.output_folder`), so the folder always holds one whole build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import Graph

from exchange_kg import dump_parts, dumps, jsonld, output_folder, pool, report, verdicts
from exchange_kg.build_cache import DocumentCache
from exchange_kg.iris import Minter
from exchange_kg.pipeline import BuildResult
from exchange_kg.validate import Validation, validate
from exchange_kg.vocab import PREFIXES

# name -> what it is; the README's table of outputs is checked against this in the tests
FILES = {
    "exchange-kg.ttl": "the whole dataset (data, ontology, concept schemes) as prefixed Turtle",
    "exchange-kg.nt": "the whole dataset as N-Triples (sorted lines)",
    "exchange-kg.nt.gz": "the same, gzip-compressed",
    "exchange-kg.jsonld": "the whole dataset as JSON-LD, compacted with the published context",
    "exchange-kg.nq": "one named graph per source document, plus the ontology and the concept "
                      "schemes, as N-Quads",
    "exchange-kg.nq.gz": "the same, gzip-compressed",
    "ontology.ttl": "the exchange-agreement ontology (OWL)",
    "vocabularies.ttl": "its controlled values (level, kind, status, mobility) as SKOS concept "
                        "schemes",
    "report.md": "the data-quality report for people",
    "report.json": "the same report for scripts",
    "validation.ttl": "the full SHACL validation report",
}
# written too when the build links to ROR (a dump was given)
LINK_FILES = {
    "ror-links.csv": "every linked institution: ROR ID, Wikidata QID, score, method, dump",
    "ror-review.csv": "institutions for a curator: ambiguous or unmatched, with candidates",
    "ror-link-summary.json": "linked / ambiguous / no match, per source",
}
STORE = "store"  # the query store (exchange_kg.serve.store)
# what a build writes into the output folder: anything else there is not ours to replace
KNOWN = {*FILES, *LINK_FILES, STORE}
# the dumps written in parts (dump_parts), which a rebuild copies from
DUMP_FILES = tuple(f"exchange-kg.{kind}{gz}" for kind in dump_parts.LINE_KINDS
                   for gz in ("", ".gz")) + tuple(f"exchange-kg.{kind}"
                                                  for kind in dump_parts.KINDS)


@dataclass(frozen=True)
class Ontology:
    """A file of the ontology (the OWL terms, or the concept schemes) and its parsed graph."""

    graph: Graph
    path: Path


def write_build(
    build: BuildResult,
    shapes: Graph | None,
    out_dir: Path,
    ontology: Ontology,
    vocabularies: Ontology,
    base: str,
    timings: dict[str, float] | None = None,
    progress: Callable[[str], None] = lambda msg: None,
    max_record_drop: float = report.DEFAULT_MAX_RECORD_DROP,
    forget_records: bool = False,
    update_store: bool = True,
    cache: DocumentCache | None = None,
) -> tuple[dict[str, Any], Validation | None]:
    """Validate the build against ``shapes`` (None: not at all), write it whole (files, query
    store, link files) and switch ``out_dir`` to it. With ``forget_records`` (the build is
    not read again) the documents' records are dropped once the report has read them
    (:meth:`BuildResult.forget_records`). With ``update_store`` the query store of the build
    being replaced is updated to this one when few subjects changed (``serve.store_update``),
    instead of being loaded anew. With a ``cache``, SHACL Core verdicts are kept in it for
    the next build into ``out_dir``, and those the previous build kept there are reused for
    subjects whose inputs did not change (:mod:`exchange_kg.verdicts`); and the parts of
    the Turtle and JSON-LD dumps whose subjects did not change are copied from the dumps in
    ``out_dir`` (:mod:`exchange_kg.dump_parts`).

    The query store is loaded once, in the new folder: the graph first, which validation's
    SHACL-SPARQL rules query; then the N-Quads dump as it is written, in the background while
    the other files are written. Returns the report, which compares each document's records
    with the build it replaces, and the validation. A kill or an error at any moment leaves
    ``out_dir`` as it was.
    """
    # the graph, the views and the report are not walked again at each full collection
    # of what validating and writing make and drop (see pool.long_lived)
    with pool.long_lived() as freeze:
        return _write_build(build, shapes, out_dir, ontology, vocabularies, base,
                            timings if timings is not None else {}, progress,
                            max_record_drop, forget_records, update_store, cache, freeze)


def _write_build(build: BuildResult, shapes: Graph | None, out_dir: Path, ontology: Ontology,
                 vocabularies: Ontology, base: str, timings: dict[str, float],
                 progress: Callable[[str], None], max_record_drop: float,
                 forget_records: bool, update_store: bool, cache: DocumentCache | None,
                 freeze: Callable[[], None]) -> tuple[dict[str, Any], Validation | None]:
    import time

    from exchange_kg.serve.store import NewStore

    previous = report.load_previous(out_dir)
    # the report first: it is all that reads the records, which can then be let go
    rep = report.build_report(build, None, base, previous, max_record_drop)
    if forget_records:
        build.forget_records()
    freeze()
    minter = Minter(base)
    named = _Named(build, minter, dumps.ntriples_lines(ontology.graph),
                   dumps.ntriples_lines(vocabularies.graph))
    with output_folder.staged(out_dir, KNOWN) as folder:
        t = time.perf_counter()
        store = NewStore(folder)
        try:
            # the store this build replaces is brought up to it, if only a little changed
            store.load_data(build.graph, named.views(), named.extra(),
                            previous=out_dir if update_store else None)
            if store.updated:
                progress("updated the previous build's query store")
            store_seconds = time.perf_counter() - t
            validation = None
            reuse = None
            if shapes is not None:
                progress("validating against the SHACL shapes ...")
                t = time.perf_counter()
                if cache is not None:
                    reuse = verdicts.Reuse.load(cache, out_dir, shapes,
                                                store.previous_contents, store.contents)
                validation = validate(store.store, shapes, graph=build.graph, reuse=reuse)
                if reuse is not None:
                    validation.turtle = reuse.previous_report(out_dir)
                    if validation.turtle is not None:
                        progress("the same SHACL results as the previous build: its "
                                 "validation report copied")
                if reuse is not None and reuse.reused:
                    progress(f"SHACL Core verdicts of {reuse.reused} of "
                             f"{reuse.reused + reuse.checked} subjects reused")
                if reuse is not None and reuse.sparql_limited:
                    progress(f"SHACL-SPARQL: {reuse.sparql_limited} of "
                             f"{reuse.sparql_limited + reuse.sparql_whole} constraint runs "
                             "limited to the focus nodes a change reaches")
                timings["validate"] = time.perf_counter() - t
            t = time.perf_counter()
            report.add_validation(rep, validation)
            freeze()
            parts = dump_parts.Reuse.load(cache, out_dir) if cache is not None else None
            write_files(build, rep, validation, folder, ontology, vocabularies, named,
                        store.contents.subjects, store.start_named_graphs, parts)
            if reuse is not None:
                reuse.note_report((folder / "validation.ttl").read_bytes())
            if parts is not None and parts.copied:
                progress(f"copied {parts.copied} of {parts.copied + parts.written} parts of "
                         "the dumps from the previous build")
            timings["write"] = time.perf_counter() - t
            t = time.perf_counter()
            progress("building the query store ...")
            store.finish()
            if reuse is not None:
                reuse.save(store.contents.seal)
            if parts is not None:
                parts.save()
        except BaseException:
            store.abandon()
            raise
        timings["store"] = store_seconds + time.perf_counter() - t
        if build.links is not None:
            from exchange_kg.link.runner import write_run

            write_run(build.links, folder)
    return rep, validation


# From this many triples on, the files are written by processes on every CPU at once
# (:func:`write_files`); below it, starting them costs more than it saves.
PARALLEL_TRIPLES = 100_000


def write_files(build: BuildResult, rep: dict[str, Any], validation: Validation | None,
                out_dir: Path, ontology: Ontology, vocabularies: Ontology, named: _Named,
                digests: Mapping[str, bytes],
                nquads_written: Callable[[], None] = lambda: None,
                reuse: dump_parts.Reuse | None = None) -> None:
    """Every file of the build and its report ``rep`` into ``out_dir`` (a fresh folder: see
    :func:`write_build`). ``digests`` holds a digest of each subject's N-Triples block (the
    query store's, ``serve.store_update.Contents.subjects``): what names the dumps' parts.
    ``nquads_written`` is called once the N-Quads dump is complete.

    The files are independent but for Turtle and JSON-LD, which are made from the sorted
    N-Triples dump, so on a large build they are written at once on every CPU: the N-Quads
    (and their gzip twin) in a forked worker from the graph, while this process writes the
    N-Triples; then Turtle and JSON-LD in parts, each a range of whole subjects of the
    N-Triples dump cut by content (:mod:`exchange_kg.dump_parts`), in the workers, while
    this process writes the report; the parts are joined in order. With ``reuse``, the parts
    whose subjects are those of the build it names are copied from its dumps instead (of
    all four dumps and their gzip twins). The bytes are those of writing each file whole,
    one after the other, in ranges. A worker's error is raised here once the workers have
    stopped (jobs not yet started are dropped), and ``write_build`` then leaves the output
    folder as it was.
    """
    state = _Files(build, out_dir, named, digests, reuse)
    state.order  # noqa: B018 - sorted here, before the workers fork, for both dumps
    parallel = len(build.graph) >= PARALLEL_TRIPLES and pool.cpu_count() > 1
    jobs: list[Future[Any]] = []
    # the workers end (the pool waits for them) before their folder is removed
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp, (
            pool.executor(pool.cpu_count(), _set_files, (state,)) if parallel
            else _Inline(state)) as workers:
        try:
            jobs.append(workers.submit(_write_nquads))
            nt = state.write_ntriples()
            nt_path = out_dir / "exchange-kg.nt"
            used = {p: _PREFIXES[p] for p in sorted(nt.prefixes)}
            header = dumps.turtle_header(used)
            parts = nt.parts
            copied = {kind: {i: where for i, part in enumerate(parts)
                             if (where := reuse.usable(part, kind, header)) is not None}
                      if reuse is not None else {} for kind in dump_parts.KINDS}
            written: dict[str, list[tuple[list[int], Path, Future[list[int]]]]] = {}
            for kind in dump_parts.KINDS:
                todo = [i for i in range(len(parts)) if i not in copied[kind]]
                runs = dump_parts.jobs_of(parts, todo, 2 * pool.cpu_count() if parallel else 1)
                written[kind] = []
                for n, run in enumerate(runs):
                    path = Path(tmp) / f"{kind}-{n}"
                    ranges = [(parts[i].start, parts[i].end) for i in run]
                    written[kind].append((run, path, workers.submit(
                        _write_parts, kind, ranges, path, used)))
                    jobs.append(written[kind][-1][2])
            files = {
                "ontology.ttl": ontology.path.read_bytes(),
                "vocabularies.ttl": vocabularies.path.read_bytes(),
                "report.md": report.to_markdown(rep),
                "report.json": report.to_json(rep),
            }
            if validation is not None:
                files["validation.ttl"] = (validation.turtle if validation.turtle is not None
                                           else dumps.graph_turtle(validation.report))
            for name, data in files.items():
                dumps.write_atomic(out_dir / name, data)
            jobs[0].result()
            nquads_written()
            for job in jobs:
                job.result()
        except BaseException:
            for job in jobs:
                job.cancel()
            raise
        nq: dump_parts.Written = jobs[0].result()
        made = dump_parts.Kept(header)
        made.lines.update(nt.places)
        made.lines.update(nq.places)
        joined = {kind: _Joined(parts, copied[kind], written[kind], made, kind,
                                reuse.previous / f"exchange-kg.{kind}" if reuse else None,
                                used, nt_path,
                                reuse is not None and reuse.trusted(f"exchange-kg.{kind}"))
                  for kind in dump_parts.KINDS}
        dumps.join_pieces(out_dir / "exchange-kg.ttl", header, joined["ttl"].pieces())
        dumps.join_pieces(out_dir / "exchange-kg.jsonld",
                          "".join(f"{line}\n" for line in jsonld.DUMP_HEAD).encode(),
                          joined["jsonld"].pieces(), b",\n", f"\n{jsonld.DUMP_TAIL}\n".encode(),
                          f"{jsonld.DUMP_TAIL}\n".encode())
        # what the next build checks the files against before copying from them unread
        made.files = {name: found for name in DUMP_FILES
                      if (found := dump_parts.identity(out_dir / name)) is not None}
        if reuse is not None:
            reuse.made = made
            reuse.copied = sum(len(c) for c in copied.values()) + nt.copied + nq.copied
            reuse.rewritten = sum(j.rewritten for j in joined.values())
            reuse.written = reuse.rewritten + nt.written + nq.written + sum(
                len(run) for runs in written.values() for run, _, _ in runs)


class _Joined:
    """The pieces of one dump (Turtle or JSON-LD) in order: each part's text, from the file
    a worker wrote it into or copied from the previous build's dump (checked against the
    digest kept with it: bytes that do not match are written anew here). Each piece's
    place and digest go into ``made`` as it is handed out."""

    def __init__(self, parts: list[dump_parts.Part], copied: dict[int, tuple[int, int, bytes]],
                 written: list[tuple[list[int], Path, Future[list[int]]]],
                 made: dump_parts.Kept, kind: str, previous: Path | None,
                 prefixes: dict[str, str], nt: Path, trusted: bool = False) -> None:
        self.parts, self.copied, self.made, self.kind = parts, copied, made, kind
        self.previous, self.prefixes, self.trusted = previous, prefixes, trusted
        self.nt = nt
        self.sources: dict[int, tuple[Path, int, int]] = {}
        for run, path, future in written:
            offset = 0
            for i, length in zip(run, future.result(), strict=True):
                self.sources[i] = (path, offset, length)
                offset += length
        self.rewritten = 0

    def pieces(self) -> Iterator[tuple[bytes | dumps.Span, Callable[[int], None]]]:
        """Each part's text, and a callback told where the text was placed in the dump: a
        part of the previous dump, when that is the file its record describes
        (``trusted``), as a span of it, copied unread."""
        fd = None
        if self.trusted and self.previous is not None:
            with contextlib.suppress(OSError):
                fd = os.open(self.previous, os.O_RDONLY)
        try:
            yield from self._pieces(fd)
        finally:
            if fd is not None:
                os.close(fd)

    def _pieces(self, fd: int | None
                ) -> Iterator[tuple[bytes | dumps.Span, Callable[[int], None]]]:
        for i, part in enumerate(self.parts):
            data: bytes | dumps.Span | None = None
            digest = None
            where = self.copied.get(i)
            if where is not None and fd is not None:
                data, digest = dumps.Span(fd, where[0], where[1]), where[2]
            elif where is not None and self.previous is not None:
                data = dump_parts.read_range(self.previous, where[0], where[1])
                if data is not None and dump_parts.text_digest(data) == where[2]:
                    digest = where[2]  # checked: not hashed again
                else:
                    data = None
            if data is None and i in self.sources:
                path, offset, length = self.sources[i]
                data = dump_parts.read_range(path, offset, length)
            if data is None:  # a copy that failed its check: written here
                self.rewritten += 1
                data = _part_text(self.nt, self.kind, part.start, part.end, self.prefixes)
            if digest is None:
                assert isinstance(data, bytes)
                digest = dump_parts.text_digest(data)

            def placed(offset: int, i: int = i, data: bytes | dumps.Span = data,
                       digest: bytes = digest) -> None:
                self.made.parts.setdefault(self.parts[i].digest, {})[self.kind] = (
                    offset, len(data), digest)
            yield data, placed


@dataclass(frozen=True)
class _Named:
    """The build's named graphs, by IRI: one per source document, whose subjects' blocks it
    holds, and the ontology's and concept schemes' (their sorted N-Triples lines)."""

    build: BuildResult
    minter: Minter
    ontology_lines: list[str]
    vocabulary_lines: list[str]

    def views(self) -> dict[str, tuple[str, ...]]:
        return {self.minter.named("graph", sid): subjects
                for sid, subjects in self.build.source_views.items()}

    def extra(self) -> list[tuple[str, list[str]]]:
        # the schemes get a graph of their own, as a file of their own: documentation tools
        # read the ontology's graph and show one ontology, not the ontology and four schemes
        return [(self.minter.named("graph", "ontology"), self.ontology_lines),
                (self.minter.named("graph", "vocabularies"), self.vocabulary_lines)]


@dataclass(frozen=True)
class _Files:
    """What the writers of :func:`write_files` read: in a worker, the parent's, by fork."""

    build: BuildResult
    out_dir: Path
    named: _Named
    digests: Mapping[str, bytes]  # subject -> a digest of its N-Triples block
    reuse: dump_parts.Reuse | None

    @cached_property
    def order(self) -> list[str]:
        """The graph's subjects in sorted order. ``digests`` lists them in that order (the
        store's digester takes them from the graph's sorted chunks), so this costs a pass,
        where sorting a set of them took seconds at 100x in each dump's writer."""
        return sorted(self.digests)

    def write_ntriples(self) -> dump_parts.Written:
        """The N-Triples dump (and its gzip twin), in ranges (:mod:`exchange_kg.dump_parts`):
        at 1000x scale it is gigabytes. The complete dumps carry the ontology and its
        concept schemes too, so that a level or a kind arrives with labels."""
        graph, held = self.build.graph, self.digests
        extra = _by_subject(list(dumps.merge_sorted(self.named.ontology_lines,
                                                    self.named.vocabulary_lines)))
        subjects = sorted([*self.order, *(s for s in extra if s not in held)])

        def text_of(part: Sequence[str]) -> bytes:
            lines = [line for s in part for line in extra.get(s, ())]
            return b"".join(dumps.merge_by_subject(graph.chunks([s for s in part if s in held]),
                                                   lines))

        digests = [held[s] if s not in extra else _digest(held.get(s, b""), (), extra[s])
                   for s in subjects]
        return dump_parts.write_lines(self.out_dir / "exchange-kg.nt",
                                      self.out_dir / "exchange-kg.nt.gz", subjects, digests,
                                      "nt", text_of, self.reuse, _PREFIXES)

    def write_nquads(self) -> dump_parts.Written:
        """The N-Quads dump (and its gzip twin), in ranges: one named graph per source
        document, and the ontology's and schemes'."""
        graph, held = self.build.graph, self.digests
        graphs_of = dumps.graphs_by_subject(self.named.views())
        extra = _by_subject(dumps.extra_quads(self.named.extra()))
        inside = [s for s in self.order if s in graphs_of]  # all of them, as views go
        outside = [s for s in graphs_of if s not in held] if len(inside) < len(graphs_of) \
            else []
        subjects = sorted([*inside, *outside, *(s for s in extra if s not in graphs_of)])

        def text_of(part: Sequence[str]) -> bytes:
            lines = [line for s in part for line in extra.get(s, ())]
            return b"".join(dumps.merge_by_subject(
                dumps.nquads_of(graph, [s for s in part if s in graphs_of], graphs_of), lines,
                unique=False))

        digests = [_digest(held.get(s, b"") if s in graphs_of else b"", graphs_of.get(s, ()),
                           extra.get(s, ())) for s in subjects]
        return dump_parts.write_lines(self.out_dir / "exchange-kg.nq",
                                      self.out_dir / "exchange-kg.nq.gz", subjects, digests,
                                      "nq", text_of, self.reuse)


_PREFIXES = {p: str(ns) for p, ns in PREFIXES.items()}


def _by_subject(lines: list[str]) -> dict[str, list[str]]:
    """Sorted lines (N-Triples or N-Quads, without their newline) grouped by subject."""
    out: dict[str, list[str]] = {}
    for line in lines:
        out.setdefault(line[:line.index(" ")], []).append(line)
    return out


def _digest(block: bytes, graphs: Iterable[bytes], lines: Iterable[str]) -> bytes:
    """A digest of what a dump holds of a subject: its block's digest, the graphs holding
    it, and its lines from the ontology or the schemes."""
    digest = hashlib.blake2b(block, digest_size=16)
    digest.update(b"\n" + b" ".join(graphs) + b"\n")
    digest.update("\n".join(lines).encode("utf-8"))
    return digest.digest()


_files: _Files | None = None  # in a worker: the files being written


def _set_files(state: _Files) -> None:
    global _files
    _files = state


def _write_nquads() -> dump_parts.Written:
    assert _files is not None
    return _files.write_nquads()


def _write_parts(kind: str, ranges: list[tuple[int, int]], out: Path,
                 prefixes: dict[str, str]) -> list[int]:
    """The Turtle or JSON-LD text of ranges of subjects of the N-Triples dump, one after
    the other into ``out``; returns the length of each."""
    assert _files is not None
    lengths = []
    with out.open("wb") as fh:
        for start, end in ranges:
            data = _part_text(_files.out_dir / "exchange-kg.nt", kind, start, end, prefixes)
            fh.write(data)
            lengths.append(len(data))
    return lengths


def _part_text(nt: Path, kind: str, start: int, end: int, prefixes: dict[str, str]) -> bytes:
    """A range of subjects of the N-Triples dump ``nt`` as Turtle (without the prefixes) or
    as JSON-LD lines (one node a line, a comma after each but the last)."""
    if kind == "ttl":
        return b"".join(dumps.turtle_chunks(nt, start, end, prefixes))
    with dumps.FileRange(nt, start, end) as source:
        return ",\n".join(jsonld.node_lines(source)).encode("utf-8")


class _Inline:
    """:func:`write_files`'s jobs run at once, in this process, for a small build."""

    def __init__(self, state: _Files) -> None:
        _set_files(state)

    def __enter__(self) -> _Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args))
        return future
