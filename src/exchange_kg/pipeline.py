"""The build: sources -> readers -> records -> agreements -> graph -> validation -> outputs.

Each stage is a function of the previous one's result; ``build`` wires them and reports
progress through a callback so the CLI can show it and tests can stay quiet.
"""

from __future__ import annotations

import collections.abc
import hashlib
import pickle
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from exchange_kg import build_cache, formats, pool, readers
from exchange_kg.agreements import Agreement, build_agreements, marked_fields
from exchange_kg.build_cache import DocumentCache
from exchange_kg.iris import DEFAULT_BASE, Minter
from exchange_kg.link.curation import CurationRow, load_curation
from exchange_kg.link.loading import file_sha256
from exchange_kg.link.online import RorApiClient
from exchange_kg.link.ror_index import RorIndex
from exchange_kg.link.runner import LinkRun
from exchange_kg.link.stage import CURATION_FILE, plan_agreement_units, resolve_and_link
from exchange_kg.manifest import Document, load_manifest
from exchange_kg.map_workers import caching as mapping_cache
from exchange_kg.mapper import GraphBuilder
from exchange_kg.mapping_spec import Mapping, Section, load_mappings, option_position
from exchange_kg.merge import merge_agreements
from exchange_kg.normalise import country as country_names
from exchange_kg.normalise.country import parse_country
from exchange_kg.normalise.dates import DateOrder, decide_date_order
from exchange_kg.normalise.partner import institution_key, parse_partner
from exchange_kg.normalise.vocabulary import Vocabulary, using
from exchange_kg.records import (
    Flag,
    LineDisposition,
    LineStatus,
    Location,
    OptionError,
    RawRecord,
    ReadContext,
    ReaderResult,
    SelfCheck,
    SourceError,
)
from exchange_kg.report import summarise_lines, summarise_source
from exchange_kg.resolve import (
    Cluster,
    mention_key,
    mentions_from_agreements,
    publisher_mentions,
)
from exchange_kg.resolve import cache as resolve_cache
from exchange_kg.resolve.campus import name_campuses, ror_countries
from exchange_kg.resolve.countries import CountryNote
from exchange_kg.resolve.joined import ror_named, split_joined_parties
from exchange_kg.resolve.parents import split_parents
from exchange_kg.resolve.slashed import ror_records, split_slashed_parties
from exchange_kg.resolve.units import UnitPlan
from exchange_kg.rules import rules_for
from exchange_kg.same_list import check_same_lists, row_keys
from exchange_kg.triples import TripleGraph
from exchange_kg.yamlfile import DataFileError

Progress = Callable[[str], None]


@dataclass
class SourceResult:
    document: Document
    mapping: Mapping
    lines: list[str]
    result: ReaderResult
    # the mapping section each record was read under, parallel to result.records
    sections: list[Section] = field(default_factory=list)
    # where each line stands in the original; None for a text extract (lines are the file's)
    locations: list[Location] | None = None
    # how the document writes numeric dates: declared in its mapping, or decided from its dates
    date_order: DateOrder | None = None
    # its records normalised into agreements (by ``read_sources``), before the merge across
    # documents; the records they hold are those of ``result``
    agreements: list[Agreement] = field(default_factory=list)
    from_cache: bool = False  # taken from the build cache, not read in this build
    # the report's account of its lines (``report.summarise_lines``), once they are let go
    line_summary: dict[str, Any] | None = None
    # its agreements' rows as ``same_list`` compares documents (``same_list.row_keys``),
    # made where it is read (None: made when asked for)
    rows: frozenset[bytes] | None = None

    @property
    def row_keys(self) -> frozenset[bytes]:
        if self.rows is None:
            self.rows = row_keys(self.agreements)
        return self.rows

    @property
    def vocabulary(self) -> Vocabulary:
        """The source's words, date order and language: what its records are normalised
        under."""
        order = self.mapping.vocabulary.date_order
        if order is None and self.date_order is not None:
            order = self.date_order.order
        return self.mapping.vocabulary.with_date_order(order).with_language(
            self.document.language)

    @property
    def non_blank(self) -> list[int]:
        return [i + 1 for i, text in enumerate(self.lines) if text.strip()]


@dataclass
class BuildResult:
    sources: list[SourceResult]
    agreements: list[Agreement]
    graph: TripleGraph
    # source id -> the subjects of its named graph (see GraphBuilder.source_views)
    source_views: dict[str, tuple[str, ...]]
    # the mapper, with its tidy tables and records: kept only with ``keep_tables`` (its
    # organisations and indexes took 124 MB at 100x, for nothing once the graph is made)
    builder: GraphBuilder | None
    timings: dict[str, float] = field(default_factory=dict)
    clusters: list[Cluster] = field(default_factory=list)
    links: LinkRun | None = None  # None when linking was not asked for
    # curation rows that name no institution of this build (stale after a source edit)
    stale_curation: list[CurationRow] = field(default_factory=list)
    # each document's part of the report (``report.summarise_source``), in source order:
    # made once its records are final, so that the report needs neither lines nor records
    summaries: list[dict[str, Any]] = field(default_factory=list)
    agreement_count: int = 0  # merged agreements (the list may have been let go)

    @property
    def checks(self) -> list[tuple[str, SelfCheck]]:
        return [(s.document.id, c) for s in self.sources for c in s.result.checks]

    def forget_records(self) -> None:
        """Drop each document's lines, records and agreements and the merged agreements:
        the report reads only the summaries. The documents, their self-checks and notes, and
        whether they came from the cache stay."""
        _forget_records(self.sources)
        self.agreements = []


def _forget_lines(sources: list[SourceResult]) -> None:
    """Summarise each document's lines for the report and let them go, with the account of
    each line: only the report reads them (before: about a tenth of the build's memory
    until the report, by 100x, while resolution and mapping made theirs)."""
    for src in sources:
        src.line_summary = summarise_lines(src)
        src.lines, src.locations = [], None
        src.result.dispositions = {}


def _forget_records(sources: list[SourceResult]) -> None:
    for src in sources:
        src.lines, src.sections, src.locations, src.agreements = [], [], None, []
        src.rows = None
        src.result = ReaderResult(checks=src.result.checks, notes=src.result.notes)


# The longest line a reader is given. The bundled lists' longest is 1,373 characters (a row
# with three OCR passes glued in front); a line a hundred times longer is damage, and
# readers that compare cells with each other would spend seconds on it.
MAX_LINE_CHARS = 20_000


def read_source(
    doc: Document, mapping: Mapping, context: ReadContext | None = None, *, ocr: bool = False
) -> SourceResult:
    """Run every section's reader over the document and account for every line.

    The document is opened by :mod:`exchange_kg.formats`: a text extract as its lines, any
    other file as its tables' rows, each located in the original. Its vocabulary (the
    mapping's own words) is in force while it is read. An empty document, or a section whose
    reader finds no row at all, is an error naming the file and line: a list must never
    disappear from the graph without a word.
    """
    with using(mapping.vocabulary):
        return _read_source(doc, mapping, context, ocr)


def _read_source(doc: Document, mapping: Mapping, context: ReadContext | None, ocr: bool
                 ) -> SourceResult:
    view = formats.open_view(
        doc.path, [s.options for s in mapping.sections], ocr=ocr,
        splits_cells=[readers.get(s.reader).splits_cells for s in mapping.sections])
    lines = view.lines
    if not any(text.strip() for text in lines):
        raise SourceError(str(doc.path), None, "the document is empty (no line has text)")
    for n, text in enumerate(lines, start=1):
        if len(text) > MAX_LINE_CHARS:  # readers see it blank; the report lists it
            view.dispositions[n] = LineDisposition(
                n, LineStatus.UNREADABLE, "too-long",
                f"{len(text)} characters: longer than any row of a partner list (the limit "
                f"is {MAX_LINE_CHARS}); not read")
    combined = ReaderResult()
    sections: list[Section] = []
    if view.format in formats.GRID_FORMATS:
        context = replace(context or ReadContext(), grid=True)
    for k, section in enumerate(mapping.sections):
        result = _read_section(view.lines_for(k), view.section_options[k], doc, mapping, k,
                               context)
        sections.extend(section for _ in result.records)
        combined.records.extend(result.records)
        combined.checks.extend(result.checks)
        combined.notes.extend(result.notes)
        for line, disp in result.dispositions.items():
            _merge_disposition(combined, disp)
            if disp.status is LineStatus.RECORD and not 1 <= line <= len(lines):
                raise SourceError(str(doc.path), line, "reader used a line past the end")
    for disp in view.dispositions.values():
        _merge_disposition(combined, disp)
    for rec in combined.records:
        for line in rec.lines:
            _merge_disposition(combined, LineDisposition(line, LineStatus.RECORD, "row"))
        if view.locations is not None:
            rec.locations = tuple(view.locations[n - 1] for n in rec.lines)
    for i, text in enumerate(lines, start=1):
        if text.strip() and i not in combined.dispositions:
            combined.mark(i, LineStatus.UNREADABLE, "unaccounted",
                          "no reader of this document's mapping accounted for this line")
    return SourceResult(doc, mapping, lines, combined, sections, view.locations,
                        decide_date_order(_date_cells(combined.records, sections)))


def _date_cells(records: list[RawRecord], sections: list[Section]) -> list[str]:
    """Every cell a date or term normaliser will read: the evidence for the date order."""
    return [raw for rec, section in zip(records, sections, strict=True)
            for name, raw in rec.fields.items()
            if (rule := section.fields.get(name)) is not None
            and rule.normaliser in ("date", "term")]


def _read_section(lines: list[str], options: dict[str, Any], doc: Document, mapping: Mapping,
                  index: int, context: ReadContext | None) -> ReaderResult:
    """One section's reader; its errors name the document's file, or the mapping file and
    line of an option that does not fit the document."""
    section = mapping.sections[index]
    try:
        result = readers.get(section.reader).read(lines, doc.id, options, context)
    except SourceError as exc:
        if exc.path != doc.id:
            raise
        raise SourceError(str(doc.path), exc.line, exc.message) from None
    except OptionError as exc:
        where = ["sections", index, "reader", "options", *exc.option]
        line, col = option_position(mapping.path, where)
        raise DataFileError(f"{mapping.path}:{line}:{col}: {exc.message} "
                            f"(in {doc.path})") from None
    if not result.records:
        raise SourceError(str(doc.path), *_no_rows(result, section.name, len(mapping.sections)))
    return result


def _no_rows(result: ReaderResult, section: str, sections: int) -> tuple[int | None, str]:
    """Line and message for a section that read no row: what its lines were taken for."""
    where = f"section {section!r}: " if sections > 1 else ""
    disp = sorted(result.dispositions.values(), key=lambda d: d.line)
    unreadable = [d for d in disp if d.status is LineStatus.UNREADABLE]
    layout = Counter(d.kind for d in disp if d.status is LineStatus.LAYOUT)
    if unreadable:
        first = unreadable[0]
        return first.line, (f"{where}no row could be read: {len(unreadable)} line(s) "
                            f"unreadable, the first because {first.reason}")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(layout.items())) or "nothing"
    return (disp[0].line if disp else None), (
        f"{where}no row found: the reader took its lines for layout only ({kinds})")


def known_countries(sources: list[SourceResult]) -> dict[str, tuple[str, ...]]:
    """Institution key -> countries of rows that carry their own, unflagged country label."""
    return _merge_countries(labelled_countries(src) for src in sources)


def labelled_countries(src: SourceResult) -> dict[str, set[str]]:
    """:func:`known_countries` of one document, so that it can be found where it is read."""
    found: dict[str, set[str]] = {}
    for rec, section in zip(src.result.records, src.sections, strict=True):
        label = rec.fields.get("country", "")
        if not label or any(f.field == "country" for f in rec.flags):
            continue
        match = parse_country(label, fuzzy=False)
        rule = section.fields.get("partner")
        if match is None or rule is None or "partner" not in rec.fields:
            continue
        value, _ = parse_partner(rec.fields["partner"], rule.options.get("notation", "auto"))
        for party in value.parties:
            found.setdefault(institution_key(party.institution), set()).add(match.code)
    return found


def _merge_countries(found: Iterable[dict[str, set[str]]]) -> dict[str, tuple[str, ...]]:
    merged: dict[str, set[str]] = {}
    for countries in found:
        for key, codes in countries.items():
            merged.setdefault(key, set()).update(codes)
    return {key: tuple(sorted(codes)) for key, codes in sorted(merged.items())}


# From this many bytes of documents on, they are read in worker processes by default: below
# it, reading takes about as long as starting them.
PARALLEL_BYTES = 1_000_000


def read_sources(documents: list[Document], mappings: dict[str, Mapping],
                 progress: Progress = lambda msg: None, workers: int | None = None,
                 ocr: bool = False, cache: DocumentCache | None = None) -> list[SourceResult]:
    """The per-document stage: read every document and normalise its records into
    agreements (``SourceResult.agreements``, before merging across documents).

    Documents whose readers infer a country from layout are read a second time with evidence
    from all documents: where another document names the same institution under an explicit
    country, that is evidence. Documents are independent otherwise, so both passes run in
    ``workers`` processes (default: one per CPU once the documents to read reach
    ``PARALLEL_BYTES``); the result is the same as reading them one after the other.

    With a ``cache``, a document whose result is cached under the same inputs is not read
    again (see :mod:`exchange_kg.build_cache`); one read with evidence is reused only while
    every piece of evidence it looked up is unchanged. ``SourceResult.from_cache`` says which.
    """
    jobs = [(doc, mappings[doc.id]) for doc in documents]
    again = {i for i, (_, mapping) in enumerate(jobs)
             if any(readers.get(s.reader).uses_context for s in mapping.sections)}
    keys = [_key_of(doc, mapping, ocr) if cache is not None else None for doc, mapping in jobs]
    first = _run([_Job(doc, mapping, _entry(keys[i], "first" if i in again
                                            else f"final-{bool(again)}"), i in again)
                  for i, (doc, mapping) in enumerate(jobs)],
                 _Pass(None, bool(again), ocr, cache), workers, progress, "reading {}")
    parts = list(first)
    if again:
        known = _merge_countries(part.labelled or {} for part, _ in first)
        order = sorted(again)
        second = _run([_Job(*jobs[i], _entry(keys[i], "second"), False) for i in order],
                      _Pass(ReadContext(known), False, ocr, cache),
                      workers, progress, "re-reading {} with evidence from the other lists",
                      lambda part: part.lookups is not None and part.lookups.hold(known))
        for i, done in zip(order, second, strict=True):
            parts[i] = done
    return [part.source(doc, mapping, cached)
            for (doc, mapping), (part, cached) in zip(jobs, parts, strict=True)]


def _key_of(doc: Document, mapping: Mapping, ocr: bool) -> str | None:
    """What a document's reading is a function of (besides the code): None when a file
    cannot be read, which the reading itself then reports, and for a PDF given a text layer
    by the OCR engine, a program whose version is not ours to know."""
    if ocr and doc.path.suffix.lower() == ".pdf":
        return None
    try:
        return build_cache.key_of(
            file_sha256(doc.path), repr(replace(doc, path=Path(doc.path.name))),
            file_sha256(mapping.path), f"ocr={ocr}")
    except OSError:
        return None


def _entry(key: str | None, which: str) -> str | None:
    return None if key is None else build_cache.key_of(key, which)


@dataclass(frozen=True)
class _Pass:
    """How documents are read in one pass: with which context, collecting which evidence."""

    context: ReadContext | None
    labelled_countries: bool  # collect the document's own country labels for the next pass
    ocr: bool = False  # give PDFs without a text layer one first (``--ocr``)
    cache: DocumentCache | None = None  # where each result is kept (written where made)


@dataclass(frozen=True)
class _Job:
    doc: Document
    mapping: Mapping
    key: str | None  # its cache entry; None without a cache
    # only the country labels: the document is read again with evidence in a second pass
    labels_only: bool = False


class _Lookups:
    """The evidence a reader looked up in ``ReadContext.known_countries``, so that a cached
    reading is reused only while each of those answers is unchanged."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[str, ...] | None] = {}
        self.nonempty: bool | None = None
        self.whole: str | None = None  # a digest of it all, when a reader walked all of it

    def hold(self, known: dict[str, tuple[str, ...]]) -> bool:
        if self.whole is not None:
            return self.whole == _digest_of(known)
        if self.nonempty is not None and bool(known) != self.nonempty:
            return False
        return all(known.get(k) == v for k, v in self.answers.items())


def _digest_of(known: dict[str, tuple[str, ...]]) -> str:
    return hashlib.sha256(repr(sorted(known.items())).encode()).hexdigest()


class _Recorded(collections.abc.Mapping):
    """``known_countries`` as a reader sees it, noting each answer it gives in ``lookups``."""

    def __init__(self, known: collections.abc.Mapping[str, tuple[str, ...]],
                 lookups: _Lookups) -> None:
        self._known, self._lookups = known, lookups

    def _ask(self, key: str) -> tuple[str, ...] | None:
        value = self._known.get(key)
        self._lookups.answers[key] = value
        return value

    def __getitem__(self, key: str) -> tuple[str, ...]:
        value = self._ask(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        value = self._ask(key)
        return default if value is None else value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._ask(key) is not None

    def __bool__(self) -> bool:
        self._lookups.nonempty = bool(self._known)
        return self._lookups.nonempty

    def _all(self) -> None:
        self._lookups.whole = _digest_of(dict(self._known))

    def __len__(self) -> int:
        self._all()
        return len(self._known)

    def __iter__(self) -> Iterator[str]:
        self._all()
        return iter(self._known)


@dataclass
class _Part:
    """What the per-document stage hands back to the build, and what the cache keeps."""

    lines: list[str] | None = None
    result: ReaderResult | None = None
    positions: list[int] | None = None  # the mapping section of each record, by position
    locations: list[Location] | None = None
    date_order: DateOrder | None = None
    agreements: list[Agreement] | None = None
    labelled: dict[str, set[str]] | None = None  # the document's own country labels
    lookups: _Lookups | None = None  # the evidence its reading looked up
    # ``same_list.row_keys`` of the agreements: a rebuild compares the documents' rows
    # without going through every cached document's agreements again
    rows: frozenset[bytes] | None = None

    def source(self, doc: Document, mapping: Mapping, cached: bool) -> SourceResult:
        assert self.result is not None and self.positions is not None
        sections = [mapping.sections[k] for k in self.positions]
        return SourceResult(doc, mapping, self.lines or [], self.result, sections,
                            self.locations, self.date_order, self.agreements or [], cached,
                            rows=self.rows)


def _part_of(job: _Job, how: _Pass) -> _Part:
    """Read and normalise one document: everything of the build that depends on it alone."""
    doc, mapping = job.doc, job.mapping
    lookups = context = None
    if how.context is not None:
        lookups = _Lookups()
        context = ReadContext(_Recorded(how.context.known_countries, lookups))
    src = read_source(doc, mapping, context, ocr=how.ocr)
    labelled = None
    if how.labelled_countries:
        with using(mapping.vocabulary):
            labelled = labelled_countries(src)
    if job.labels_only:
        return _Part(labelled=labelled)
    position = {id(section): k for k, section in enumerate(mapping.sections)}
    agreements = source_agreements(src)
    return _Part(src.lines, src.result, [position[id(s)] for s in src.sections],
                 src.locations, src.date_order, agreements, labelled, lookups,
                 row_keys(agreements))


def _run(jobs: list[_Job], how: _Pass, workers: int | None, progress: Progress,
         message: str, still_holds: Callable[[_Part], bool] = lambda part: True
         ) -> list[tuple[_Part, bool]]:
    """Each job's part, in job order, and whether it came from the cache; the others are
    made in worker processes when there are enough of them (see :func:`read_sources`)."""
    out: list[tuple[_Part, bool] | None] = [None] * len(jobs)
    todo = []
    with pool.collection_paused():
        for i, job in enumerate(jobs):
            if how.cache is not None and job.key is not None:
                how.cache.used.add(job.key)  # workers write theirs: pruning must keep them
            part = _cached(how.cache, job.key)
            if part is not None and still_holds(part):
                out[i] = (part, True)
            else:
                todo.append(i)
    if workers is None:
        size = sum(_size(jobs[i].doc) for i in todo)
        workers = pool.cpu_count() if size >= PARALLEL_BYTES else 1
    workers = min(workers, len(todo))
    if workers <= 1:
        for n, i in enumerate(todo, start=1):
            progress(f"[{n}/{len(todo)}] {message.format(jobs[i].doc.file_name)}")
            part = _part_of(jobs[i], how)
            _keep(how.cache, jobs[i].key, part)
            out[i] = (part, False)
    elif todo:
        country_names.preload()  # once here, shared by the forked workers
        # the largest first, so that no worker is left with a long one while the other idles
        todo.sort(key=lambda i: (-_size(jobs[i].doc), i))
        with pool.executor(workers, _set_pass, (how,)) as executor:
            done = executor.map(_part_in_worker, [jobs[i] for i in todo])
            for n, (i, payload) in enumerate(zip(todo, done, strict=True), start=1):
                progress(f"[{n}/{len(todo)}] {message.format(jobs[i].doc.file_name)}")
                if isinstance(payload, _Failure):
                    raise payload.error()
                out[i] = (pickle.loads(payload), False)
    return [item for item in out if item is not None]


def _size(doc: Document) -> int:
    try:
        return doc.path.stat().st_size
    except OSError:
        return 0


def _cached(cache: DocumentCache | None, key: str | None) -> _Part | None:
    """The cached part, or None; an entry that does not unpickle into one is no entry."""
    if cache is None or key is None:
        return None
    body = cache.get(key)
    if body is None:
        return None
    try:
        part = pickle.loads(body)
    except Exception:  # any damage an unpickler can meet: the document is read anew
        return None
    return part if isinstance(part, _Part) else None


def _keep(cache: DocumentCache | None, key: str | None, part: _Part,
          body: bytes | None = None) -> None:
    if cache is not None and key is not None:
        cache.put(key, body if body is not None else pickle.dumps(part, PICKLE_PROTOCOL))


PICKLE_PROTOCOL = 5


# In a worker process: the pass it serves (set once when it starts, not sent with each job).
_worker_pass = _Pass(None, False)


def _set_pass(how: _Pass) -> None:
    global _worker_pass
    _worker_pass = how


@dataclass(frozen=True)
class _Failure:
    """A :class:`SourceError` or :class:`DataFileError` raised in a worker, as its parts: the
    exception itself does not survive pickling."""

    path: str
    line: int | None
    message: str
    data_file: bool = False

    def error(self) -> Exception:
        if self.data_file:
            return DataFileError(self.message)
        return SourceError(self.path, self.line, self.message)


def _part_in_worker(job: _Job) -> bytes | _Failure:
    """``_part_of`` in a worker, pickled once: for the parent and for the cache."""
    try:
        part = _part_of(job, _worker_pass)
    except SourceError as exc:
        return _Failure(exc.path, exc.line, exc.message)
    except DataFileError as exc:
        return _Failure("", None, str(exc), data_file=True)
    body = pickle.dumps(part, PICKLE_PROTOCOL)
    _keep(_worker_pass.cache, job.key, part, body)
    return body


def _merge_disposition(result: ReaderResult, disp: LineDisposition) -> None:
    """First word wins, except that use in a record beats any other account of a line, and
    a section that knows a line as its own header beats one that could not read it (two
    tables on a sheet: the first table's reader sees the second's header as a bad row)."""
    current = result.dispositions.get(disp.line)
    if current is None or (
        disp.status is LineStatus.RECORD and current.status is not LineStatus.RECORD
    ) or (disp.kind == "header" and disp.status is LineStatus.LAYOUT
          and current.status is LineStatus.UNREADABLE):
        result.dispositions[disp.line] = disp


def source_agreements(src: SourceResult) -> list[Agreement]:
    """Normalise one source's records into agreements, under the source's vocabulary."""
    marked = {id(section): marked_fields([r for r, s in zip(src.result.records,
                                                             src.sections, strict=True)
                                          if s is section], section)
              for section in src.mapping.sections}
    out: list[Agreement] = []
    with using(src.vocabulary):
        for rec, section in zip(src.result.records, src.sections, strict=True):
            out.extend(build_agreements(rec, section, src.mapping.list_id,
                                        src.document.publisher.key, marked[id(section)],
                                        as_of=src.document.as_of_date))
    return out


def build(
    sources_dir: Path,
    mappings_dir: Path,
    base: str = DEFAULT_BASE,
    progress: Progress = lambda msg: None,
    ror_index: RorIndex | None = None,
    ror_client: RorApiClient | None = None,
    curation_path: Path | None = None,
    ocr: bool = False,
    cache: DocumentCache | None = None,
    keep_tables: bool = False,
    forget_records: bool = False,
    map_workers: int = 0,
) -> BuildResult:
    """Build the graph; with a ROR index (or API client), link institutions to ROR too.
    ``keep_tables`` keeps the mapper's tidy tables (``result.builder.tables``, otherwise
    emptied as they are mapped) for an RML export of them. With ``forget_records`` (the
    CLI's build, which reads only the report's summaries of them) the documents' lines and
    records are let go once summarised, before mapping, and each agreement once mapped: the
    mapping then holds the graph and one batch, not every record of the build besides.
    ``map_workers`` processes map batches of rows beside the mapper once there are two
    (:mod:`exchange_kg.map_workers`); they are spawned, so the calling program's main module
    must not build when imported (guard it with ``if __name__ == "__main__"``).

    With a ``cache``, documents read by an earlier build under the same inputs and code are
    taken from it (see :mod:`exchange_kg.build_cache`): the graph is the same either way.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    # the curator's file first: a typo in it should not wait for every source to be read
    curation = load_curation(curation_path or mappings_dir / CURATION_FILE)
    rules = rules_for(mappings_dir)  # the graph rules too
    documents = load_manifest(sources_dir / "manifest.yaml")
    mappings = load_mappings(mappings_dir)
    unmapped = [d.id for d in documents if d.id not in mappings]
    if unmapped:
        raise SourceError(str(mappings_dir), None,
                          f"no mapping file for source(s) {', '.join(unmapped)}")
    extra = sorted(set(mappings) - {d.id for d in documents})
    if extra:
        raise SourceError(str(sources_dir / "manifest.yaml"), None,
                          f"mapping(s) for unknown source(s) {', '.join(extra)}")

    sources = read_sources(documents, mappings, progress, ocr=ocr, cache=cache)
    check_same_lists([(s.document, s.mapping.list_id, s.row_keys) for s in sources])
    if forget_records:
        _forget_lines(sources)
    timings["read+normalise"] = time.perf_counter() - t0
    # what the stages below make and drop is collected; what they keep is not walked again
    # at each full collection (see pool.long_lived)
    with pool.long_lived() as freeze:
        t = time.perf_counter()
        read = [a for src in sources for a in src.agreements]
        split_slashed_parties(read, ror_records(ror_index) if ror_index is not None else None)
        merged = merge_agreements(read, [d.id for d in documents])
        split_joined_parties(merged, ror_named(ror_index) if ror_index is not None else None)
        split_parents(merged)
        name_campuses(merged, ror_countries(ror_index) if ror_index is not None else None)
        timings["merge"] = time.perf_counter() - t
        freeze()
        progress(f"normalised {sum(len(s.result.records) for s in sources)} records into "
                 f"{len(merged)} agreements")

        t = time.perf_counter()
        mentions = mentions_from_agreements(merged) + publisher_mentions(documents)
        with resolve_cache.using(resolve_cache.ResolveCache(cache) if cache is not None
                                 else None) as blocks:
            identity = resolve_and_link(mentions, merged, curation, ror_index, ror_client,
                                        progress)
        clusters, links = identity.clusters, identity.links
        _flag_countries(merged, identity.country_notes)
        timings["resolve+link" if links else "resolve"] = time.perf_counter() - t
        mentions_count = len(mentions)
        del mentions  # resolved: the clusters hold what mapping needs of them
        freeze()
        progress(f"resolved {mentions_count} mentions into {len(clusters)} institutions"
                 + (f" ({blocks.hits} of {blocks.hits + blocks.misses} countries from the "
                    "cache)" if blocks is not None else ""))

        t = time.perf_counter()
        # the records are final now: the report's part of them, timed apart from mapping (it
        # was the report's work, after the build, before)
        summaries = [summarise_source(src, src.line_summary) for src in sources]
        timings["summarise"] = time.perf_counter() - t
        t = time.perf_counter()
        count = len(merged)
        units = plan_agreement_units(
            merged, documents, clusters, links, ror_index,
            None if cache is None else
            lambda facts, plan: build_cache.memo(cache, "unit-plan", facts, plan, UnitPlan))
        builder = GraphBuilder(Minter(base), documents, clusters, links, units)
        builder.map_workers = map_workers
        # batches of rows mapped by an earlier build are taken from the cache (map_workers)
        with mapping_cache(cache) as batches:
            if forget_records:
                _forget_records(sources)
                builder.build(documents, _drained(merged), rules, keep_tables)
            else:
                builder.build(documents, merged, rules, keep_tables)
        views = builder.source_views()
        timings["map"] = time.perf_counter() - t
        progress(f"mapped to {len(builder.graph)} triples"
                 + (f" ({batches.reused} of {batches.reused + batches.mapped} batches of rows "
                    "from the cache)" if batches is not None and batches.reused + batches.mapped
                    else "")
                 + (" (the unit plan from the cache)"
                    if cache is not None and cache.reused["unit-plan"] else ""))
        # nothing after the build reads the clusters (38 MB at 100x): gone with the records
        return BuildResult(sources, merged, builder.graph, views,
                           builder if keep_tables else None, timings,
                           [] if forget_records else clusters, links,
                           identity.stale_curation, summaries, count)


def _drained(items: list[Agreement]) -> Iterator[Agreement]:
    """Each item of the list in turn, let go by the list as it is handed out (and the list
    empty at the end): an agreement and its records are freed once mapped."""
    for i, item in enumerate(items):
        items[i] = None  # type: ignore[call-overload]
        yield item
    items.clear()


def _flag_countries(agreements: list[Agreement], notes: list[CountryNote]) -> None:
    """Show every country the graph does not take from the row as written, on the row."""
    by_key = {n.mention_key: n for n in notes}
    for a in agreements:
        for i, party in enumerate(a.parties):
            note = by_key.get(mention_key(a, i))
            if note is not None and a.records:
                code = "country-revised" if note.source_country else "country-from-evidence"
                a.records[0].flags.append(Flag(
                    "country", code, f"{party.name}: {note.country}, {note.reason}",
                    note.source_country))
