"""The fuzzing harness: mutate real documents, run what a build runs on them, judge the result.

Used by ``test_fuzz_readers.py`` and ``test_fuzz_normalisers.py`` (time-boxed runs in CI) and by
``fuzz_campaign.py`` (long runs that count outcomes instead of stopping at the first failure).

A target is one bundled document with its mapping, so every reader is fuzzed on the layout it
was written for: a mutation then lands next to real headers, row numbers, merged-cell labels
and OCR passes, where the interesting branches are, rather than in text no reader would ever
accept. One input runs the reading stage (``pipeline.read_source``) and the normalisers of
every record (``agreements.build_agreements``), under a time limit, and is judged:

* ``ok`` — read, every non-blank line accounted for;
* ``error`` — refused with a :class:`SourceError` naming the file (what bad input should get);
* ``crash`` — any other exception;
* ``hang`` — over the time limit (a quadratic regex, a giant allocation);
* ``unaccounted`` — read, but a line went nowhere, or a record line is not marked as one;
* ``lost`` — a document with text in it read without error into no record at all.
"""

from __future__ import annotations

import functools
import os
import signal
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

from exchange_kg.agreements import build_agreements
from exchange_kg.manifest import Document, Publisher
from exchange_kg.mapping_spec import Mapping, load_mapping
from exchange_kg.pipeline import read_source
from exchange_kg.records import LineStatus, SourceError
from exchange_kg.yamlfile import DataFileError

ROOT = Path(__file__).resolve().parents[1]

# Seconds one input may take before it counts as a hang. The bundled documents read and
# normalise in well under a second; ten times that leaves room for a loaded CI machine.
HANG_SECONDS = float(os.environ.get("EXCHANGE_KG_FUZZ_HANG", "10"))
# Seconds of fuzzing per reader target in the test suite (README: a longer run for releases).
BUDGET_SECONDS = float(os.environ.get("EXCHANGE_KG_FUZZ_SECONDS", "60"))


@dataclass(frozen=True)
class Target:
    """A reader fuzzed on the bundled document written in its layout."""

    name: str
    source: str  # file under sources/
    mapping: str  # file under mappings/


TARGETS = {
    t.name: t
    for t in (
        Target("simple-table", "partners-agreement-types.tsv", "partners-agreement-types.yaml"),
        Target("numbered-table", "pl-partner-universities-2026.tsv",
               "pl-partner-universities-2026.yaml"),
        Target("merged-cell-table", "gse-partners.tsv", "gse-partners.yaml"),
        Target("merged-cell-table-ocr", "gse-partners-newer-ocr.txt",
               "gse-partners-newer-ocr.yaml"),
        Target("outline-list+content-table", "tohoku-agreements-2016.txt",
               "tohoku-agreements-2016.yaml"),
    )
}


@functools.cache
def base_lines(target: Target) -> tuple[str, ...]:
    text = (ROOT / "sources" / target.source).read_text(encoding="utf-8")
    return tuple(text.split("\n"))


@functools.cache
def mapping_of(target: Target) -> Mapping:
    return load_mapping(ROOT / "mappings" / target.mapping)


# ---------------------------------------------------------------------------- mutations

# Characters that mean something to some reader or normaliser, plus a few that break naive code.
INTERESTING = (
    "\t", " ", "\u00a0", "\u200b", "\r", "\x00", "\x0b", "\x1c", "\u2028",
    "0", "1", "9", ".", ",", ";", ":", "-", "–", "/", "\\", "*", "•", "×", "x", "$",
    "(", ")", "[", "]", "<", ">", '"', "“", "'", "&", "#", "%",
    "a", "Z", "ł", "É", "é", "ü", "\u0301", "の", "Я", "ß", "İ", "²", "٣",
)
FRAGMENTS = (
    "University", "(", ")", "Faculty of ", " of ", " and ", "/", ",", "-", " - ", ".", "a",
    "ST10,LT5", "2021/04/01", "1) ", "[", "<td>", "\t", "LP.", "x", "Poland", "Uniwersytet ",
)
BIG_NUMBERS = ("0", "-1", "1000000", "100000000", "1000000000", "99999999999999999999",
               "9" * 5000)

_text = st.text(alphabet=st.sampled_from(INTERESTING), max_size=12)
_fragment = st.one_of(st.sampled_from(FRAGMENTS), _text.filter(bool))


def long_text() -> st.SearchStrategy[str]:
    """A fragment repeated to a length of up to 60,000 characters: where quadratic code
    shows (a 60 KB cell, a 40,000-character name)."""
    return st.builds(lambda f, size: (f * (size // len(f) + 1))[:size], _fragment,
                     st.sampled_from((10, 200, 2_000, 15_000, 40_000, 60_000)))


@st.composite
def _mutation(draw: st.DrawFn, size: int) -> tuple:
    op = draw(st.sampled_from((
        "delete", "duplicate", "swap", "insert-line", "insert", "delete-char", "replace-char",
        "blow-up", "big-number", "case", "strip-punctuation", "tab", "truncate",
    )))
    line = draw(st.integers(0, max(size - 1, 0)))
    at = draw(st.floats(0, 1))
    if op in ("insert-line", "insert", "replace-char"):
        return op, line, at, draw(_text)
    if op == "blow-up":
        return op, line, at, draw(long_text())
    if op == "big-number":
        return op, line, at, draw(st.sampled_from(BIG_NUMBERS))
    if op == "swap":
        return op, line, at, draw(st.integers(0, max(size - 1, 0)))
    if op == "case":
        return op, line, at, draw(st.sampled_from(("upper", "lower", "title")))
    return op, line, at, None


def _apply(lines: list[str], mutation: tuple) -> list[str]:
    op, n, at, arg = mutation
    if not lines:
        return [arg] if op == "insert-line" and isinstance(arg, str) else lines
    n = min(n, len(lines) - 1)
    text = lines[n]
    pos = int(at * len(text))
    if op == "delete":
        del lines[n]
    elif op == "duplicate":
        lines.insert(n, text)
    elif op == "swap":
        m = min(arg, len(lines) - 1)
        lines[n], lines[m] = lines[m], lines[n]
    elif op == "insert-line":
        lines.insert(n, arg)
    elif op in ("insert", "blow-up"):
        lines[n] = text[:pos] + arg + text[pos:]
    elif op == "delete-char":
        lines[n] = text[:pos] + text[pos + 1 :]
    elif op == "replace-char":
        lines[n] = text[:pos] + arg + text[pos + 1 :]
    elif op == "big-number":
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        if digits:
            start = digits[min(int(at * len(digits)), len(digits) - 1)]
            end = start
            while end < len(text) and text[end].isdigit():
                end += 1
            lines[n] = text[:start] + arg + text[end:]
    elif op == "case":
        lines[n] = getattr(text, arg)()
    elif op == "strip-punctuation":
        lines[n] = "".join(c for c in text if c.isalnum() or c.isspace())
    elif op == "tab":
        tabs = [i for i, c in enumerate(text) if c == "\t"]
        if tabs:  # drop the tab nearest the chosen position: two cells become one
            i = min(tabs, key=lambda t: abs(t - pos))
            lines[n] = text[:i] + " " + text[i + 1 :]
        else:
            lines[n] = text[:pos] + "\t" + text[pos:]
    elif op == "truncate":
        del lines[n + 1 :]
    return lines


@st.composite
def documents(draw: st.DrawFn, target: Target) -> bytes:
    """The target's document with a few mutations, sometimes re-encoded or emptied."""
    base = list(base_lines(target))
    shape = draw(st.sampled_from(("mutated",) * 12 + ("empty", "blank", "crlf", "bom",
                                                      "latin-1")))
    if shape == "empty":
        return b""
    if shape == "blank":
        return b"\n \n\t\n"
    lines = base
    for mutation in draw(st.lists(_mutation(len(base)), min_size=1, max_size=6)):
        lines = _apply(lines, mutation)
    text = "\n".join(lines)
    if shape == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if shape == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if shape == "latin-1":
        return text.encode("latin-1", errors="replace")
    return text.encode("utf-8")


# ---------------------------------------------------------------------------- running


class Hang(Exception):
    """Raised in the fuzzed code when an input runs over the time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` of this process's CPU time (main thread only;
    regex matching is interruptible since CPython checks signals inside the regex engine).

    CPU time, not wall time: a hang burns CPU, while other work on a busy machine only
    stretches the wall clock, and a guard that fires because the machine is loaded would
    be a flaky test, not a finding."""

    def expire(signum: int, frame: object) -> None:
        raise Hang(f"over {seconds:g} CPU-s")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@dataclass(frozen=True)
class Outcome:
    kind: str  # ok | error | crash | hang | unaccounted
    detail: str = ""
    seconds: float = 0.0

    @property
    def bad(self) -> bool:
        return self.kind in ("crash", "hang", "unaccounted", "lost")


_WORK = Path(tempfile.mkdtemp(prefix="exchange-kg-fuzz-"))


def run_document(target: Target, data: bytes, seconds: float = HANG_SECONDS) -> Outcome:
    """Read and normalise one input document as a build would, and judge the result."""
    path = _WORK / target.source
    path.write_bytes(data)
    mapping = mapping_of(target)
    doc = Document(mapping.source, path, None, "fuzzed", "en",
                   Publisher(None, "fuzzed", "fuzzed"), None, target.source)
    started = time.perf_counter()
    try:
        with time_limit(seconds):
            src = read_source(doc, mapping)
            for rec, section in zip(src.result.records, src.sections, strict=True):
                build_agreements(rec, section, mapping.list_id, "fuzzed")
    except SourceError as exc:
        elapsed = time.perf_counter() - started
        if exc.path != str(path):
            return Outcome("crash", f"error names {exc.path!r}, not the file: {exc}", elapsed)
        return Outcome("error", str(exc)[:300], elapsed)
    except DataFileError as exc:  # an option that does not fit: names the mapping file
        elapsed = time.perf_counter() - started
        if not str(exc).startswith(str(ROOT / "mappings" / target.mapping)):
            return Outcome("crash", f"error names no mapping file: {exc}", elapsed)
        return Outcome("error", str(exc)[:300], elapsed)
    except Hang:
        return Outcome("hang", _where(), time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - any other exception is the finding
        return Outcome("crash", f"{type(exc).__name__}: {str(exc)[:200]} at {_where()}",
                       time.perf_counter() - started)
    elapsed = time.perf_counter() - started
    problem = accounting_problem(src)
    if problem:
        return Outcome("unaccounted", problem, elapsed)
    if src.non_blank and not src.result.records:
        return Outcome("lost", f"{len(src.non_blank)} lines with text, no record, no error",
                       elapsed)
    return Outcome("ok", "", elapsed)


def accounting_problem(src) -> str:  # noqa: ANN001 - a pipeline.SourceResult
    """Why the line accounting is wrong, or "" when every line went somewhere once."""
    disp = src.result.dispositions
    for n in src.non_blank:
        if n not in disp or disp[n].kind == "unaccounted":
            return f"line {n} not accounted for by any reader"
        if disp[n].status is LineStatus.UNREADABLE and not disp[n].reason:
            return f"line {n} unreadable without a reason"
    used = {line for rec in src.result.records for line in rec.lines}
    marked = {n for n, d in disp.items() if d.status is LineStatus.RECORD}
    if used != marked:
        return f"record lines {sorted(used ^ marked)[:5]} disagree with their marks"
    return ""


def clear_caches() -> None:
    """Empty the package's per-text caches: fuzzed texts are long and never repeat."""
    import sys

    for name, module in list(sys.modules.items()):
        if not name.startswith("exchange_kg"):
            continue
        for value in list(vars(module).values()):
            if (isinstance(value, functools._lru_cache_wrapper)
                    and value.cache_info().maxsize not in (None, 1)):
                value.cache_clear()


def _where() -> str:
    """The innermost frame of the package in the current exception's traceback."""
    frames = [f for f in traceback.extract_tb(__import__("sys").exc_info()[2])
              if "exchange_kg" in f.filename]
    if not frames:
        return "?"
    f = frames[-1]
    return f"{Path(f.filename).name}:{f.lineno} {f.name}"


# ---------------------------------------------------------------------------- normalisers


def _partner(text: str, notation: str) -> object:
    from exchange_kg.normalise.partner import parse_partner

    return parse_partner(text, notation)


def _normalisers() -> dict[str, object]:
    from exchange_kg.normalise import registry
    from exchange_kg.normalise.country import countries_in_name
    from exchange_kg.normalise.fit import name_match, parse_continent, parse_site
    from exchange_kg.normalise.partner import institution_key

    def via(name: str, **options: str):  # noqa: ANN202
        return lambda text: registry.normalise(name, text, name, options)

    return {
        **{f"partner/{n}": functools.partial(_partner, notation=n)
           for n in ("auto", "parentheses", "comma", "dash")},
        "institution-key": institution_key,
        "country": via("country"),
        "countries-in-name": countries_in_name,
        "date": via("date"),
        "quota": via("quota"),
        "term": via("term"),
        "kinds": via("kinds"),
        "url": via("url"),
        "site": parse_site,
        "continent": parse_continent,
        "website-name-match": lambda text: name_match(text, text),
    }


NORMALISERS = _normalisers()


@lru_cache(maxsize=1)
def real_cells() -> tuple[str, ...]:
    """Every distinct cell of the bundled documents: realistic starting points."""
    cells: set[str] = set()
    for target in TARGETS.values():
        for line in base_lines(target):
            cells.update(c.strip() for c in line.split("\t") if c.strip())
    return tuple(sorted(cells))


@st.composite
def free_text(draw: st.DrawFn) -> str:
    """A real cell with a mutation, a long repetition, or plain odd text."""
    shape = draw(st.sampled_from(("cell", "cell+long", "long", "odd")))
    if shape == "odd":
        return draw(st.text(max_size=60))
    if shape == "long":
        return draw(long_text())
    cell = draw(st.sampled_from(real_cells()))
    at = int(draw(st.floats(0, 1)) * len(cell))
    insert = draw(long_text() if shape == "cell+long" else _text)
    return cell[:at] + insert + cell[at:]


def run_text(name: str, text: str, seconds: float = HANG_SECONDS) -> Outcome:
    """Run one normaliser on one text under the time limit."""
    fn = NORMALISERS[name]
    started = time.perf_counter()
    try:
        with time_limit(seconds):
            fn(text)  # type: ignore[operator]
    except Hang:
        return Outcome("hang", _where(), time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - any exception is the finding
        return Outcome("crash", f"{type(exc).__name__}: {str(exc)[:200]} at {_where()}",
                       time.perf_counter() - started)
    return Outcome("ok", "", time.perf_counter() - started)
