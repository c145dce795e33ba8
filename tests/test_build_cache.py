"""The per-document build cache: a rebuild reads only what changed and gives the same dist/."""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import shutil
import time
from pathlib import Path

import pyoxigraph
import pytest

from conftest import ROOT, run_build
from exchange_kg import build_cache, same_list
from exchange_kg.build_cache import DocumentCache
from exchange_kg.manifest import load_manifest
from exchange_kg.mapping_spec import load_mappings
from exchange_kg.pipeline import SourceResult, _cached, _Lookups, _Part, read_sources
from test_serve_store import _blank_free

FILES = [f.name for f in (ROOT / "sources").iterdir() if f.suffix in (".txt", ".tsv")]


def build(project: Path, out: Path, cache: Path, *extra: str, validated: bool = False) -> str:
    """A real CLI build of the project's inputs, without validation unless ``validated``
    (its SHACL-SPARQL rules query the query store); its progress and summary (stderr)."""
    env = {**os.environ, "EXCHANGE_KG_CACHE_DIR": str(cache)}
    env.pop("EXCHANGE_KG_ROR_DUMP", None)
    proc = run_build(out, "--sources", str(project / "sources"), "--mappings",
                     str(project / "mappings"), *([] if validated else ["--no-validate"]),
                     *extra, cwd=project, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stderr


def from_cache(log: str) -> tuple[int, int]:
    found = re.search(r"^(\d+) of (\d+) documents from the cache", log, re.MULTILINE)
    assert found, log
    return int(found[1]), int(found[2])


def countries_from_cache(log: str) -> tuple[int, int]:
    found = re.search(r"institutions \((\d+) of (\d+) countries from the cache\)", log)
    assert found, log
    return int(found[1]), int(found[2])


def read_anew(log: str) -> set[str]:
    """The documents a build read (each once, in either pass), from its progress lines."""
    return {m[1] for m in re.finditer(r"\] (?:re-)?reading (\S+)", log)}


def same_dist(a: Path, b: Path) -> None:
    """Every file byte-identical, but the store's database (it records its own identifiers;
    its stamp names the dump it was loaded from)."""
    files = sorted(p.relative_to(a).as_posix() for p in a.rglob("*")
                   if p.is_file() and not p.relative_to(a).as_posix().startswith("store/oxi"))
    assert files == sorted(p.relative_to(b).as_posix() for p in b.rglob("*")
                           if p.is_file()
                           and not p.relative_to(b).as_posix().startswith("store/oxi"))
    assert "exchange-kg.nq" in files and "report.json" in files
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


@pytest.fixture()
def warm(project_copy: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A project whose cache holds every document: (project, cache folder, first dist)."""
    cache = tmp_path / "cache"
    log = build(project_copy, tmp_path / "first", cache)
    assert from_cache(log) == (0, len(FILES))
    assert read_anew(log) == set(FILES)
    assert countries_from_cache(log)[0] == 0
    assert PLAN_REUSED not in log
    return project_copy, cache, tmp_path / "first"


PLAN_REUSED = "(the unit plan from the cache)"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_rebuild_reads_nothing(warm: tuple[Path, Path, Path],
                                            tmp_path: Path) -> None:
    project, cache, first = warm
    log = build(project, tmp_path / "again", cache)
    assert from_cache(log) == (len(FILES), len(FILES))
    assert read_anew(log) == set()
    hits, countries = countries_from_cache(log)
    assert hits == countries > 20
    assert PLAN_REUSED in log
    same_dist(first, tmp_path / "again")


def test_a_renamed_partner_resolves_its_country_again_and_only_that(
        warm: tuple[Path, Path, Path], tmp_path: Path) -> None:
    project, cache, first = warm
    edit(project / "sources" / "partners-agreement-types.tsv",
         "Australia\tMonash University\t", "Australia\tMonash University Clayton\t")
    log = build(project, tmp_path / "cached", cache)
    clean = build(project, tmp_path / "clean", tmp_path / "unused", "--no-cache")
    assert "countries from the cache" not in clean
    hits, countries = countries_from_cache(log)
    assert (hits, countries - hits) == (countries - 1, 1)  # Australia's
    assert PLAN_REUSED not in log  # a cluster's labels changed: the units are planned anew
    same_dist(tmp_path / "clean", tmp_path / "cached")
    assert b"Monash University Clayton" in (tmp_path / "cached" / "exchange-kg.nt").read_bytes()


@pytest.mark.parametrize("what", ["document", "mapping"])
def test_a_rebuild_after_an_edit_reads_that_document_and_equals_a_clean_build(
        warm: tuple[Path, Path, Path], tmp_path: Path, what: str) -> None:
    project, cache, first = warm
    if what == "document":
        edit(project / "sources" / "partners-agreement-types.tsv",
             "Monash University\tBilateral", "Monash University\tBilateral/GE3")
    else:  # the mapping's own vocabulary reads a country label otherwise
        edit(project / "mappings" / "partners-agreement-types.yaml",
             "sections:", "vocabulary:\n  countries: {Austria: DE}\nsections:")
    log = build(project, tmp_path / "cached", cache)
    clean = build(project, tmp_path / "clean", tmp_path / "unused", "--no-cache")
    assert "documents from the cache" not in clean
    assert not (tmp_path / "unused").exists()
    # the edited document is read again; lists that take no evidence from others are not
    assert "partners-agreement-types.tsv" in read_anew(log)
    assert {"tohoku-agreements-2016.txt", "pl-partner-universities-2026.tsv"}.isdisjoint(
        read_anew(log))
    assert from_cache(log)[0] >= 2
    same_dist(tmp_path / "clean", tmp_path / "cached")
    # ... and the edit mattered
    assert (first / "exchange-kg.nt").read_bytes() != (tmp_path / "clean" / "exchange-kg.nt"
                                                       ).read_bytes()


def same_store(a: Path, b: Path) -> None:
    """The two builds' query stores hold the same quads (blank nodes aside: each load names
    its own), and as many blank nodes."""
    stores = [pyoxigraph.Store.read_only(str(d / "store" / "oxigraph")) for d in (a, b)]
    (quads_a, blanks_a), (quads_b, blanks_b) = (_blank_free(s) for s in stores)
    assert blanks_a == blanks_b > 0
    assert quads_a == quads_b


UPDATED = "updated the previous build's query store"


@pytest.mark.parametrize("change", ["partner", "document"])
def test_a_rebuild_in_place_updates_the_query_store_to_what_a_clean_build_loads(
        project_copy: Path, tmp_path: Path, change: str) -> None:
    """A rebuild into the folder of the build it replaces brings that build's query store up
    to date (the changed subjects' quads removed and added, graphs gaining and losing
    subjects) instead of loading it anew: every file and every quad must be those of a
    clean build. A damaged record of the previous store's contents is no record: the store
    is then loaded anew, with the same result."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    log = build(project_copy, out, cache, validated=True)
    assert UPDATED not in log
    tsv = project_copy / "sources" / "partners-agreement-types.tsv"
    if change == "partner":  # a new institution; the old one leaves the graphs naming it
        edit(tsv, "Australia\tMonash University\t", "Australia\tMonash University Clayton\t")
    else:  # a row more
        tsv.write_text(tsv.read_text(encoding="utf-8").rstrip("\n")
                       + "\nJapan\tNowhere Institute of Testing\tBilateral\n", encoding="utf-8")
    log = build(project_copy, out, cache, validated=True)
    assert UPDATED in log
    build(project_copy, tmp_path / "clean", tmp_path / "unused", "--no-cache", validated=True)
    same_dist(tmp_path / "clean", out)
    same_store(tmp_path / "clean", out)
    if change != "document":
        return
    # once more, the record of the store's contents damaged: loaded anew
    contents = out / "store" / "contents.bin"
    data = contents.read_bytes()
    contents.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    edit(tsv, "Japan\t", "Japan \t")
    log = build(project_copy, out, cache, validated=True)
    assert UPDATED not in log
    build(project_copy, tmp_path / "clean2", tmp_path / "unused", "--no-cache", validated=True)
    same_dist(tmp_path / "clean2", out)
    same_store(tmp_path / "clean2", out)


# A rule the bundled data keeps and an edit of one document can break: a SHACL Core
# violation that only the edited document's institution has
STRICT = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xkg: <https://w3id.org/exchange-kg/ontology#> .
<urn:test:NoTilde> a sh:NodeShape ; sh:targetClass xkg:Institution ;
    sh:property [ sh:path skos:prefLabel ; sh:pattern "^[^~]*$" ;
                  sh:message "A preferred label with a tilde." ] .
"""
SAME_REPORT = "the same SHACL results as the previous build: its validation report copied"
REUSED = re.compile(r"SHACL Core verdicts of (\d+) of (\d+) subjects reused")


def validated(project: Path, out: Path, cache: Path, *extra: str) -> tuple[int, str]:
    """A validated CLI build: its exit code (1: does not conform) and its stderr."""
    env = {**os.environ, "EXCHANGE_KG_CACHE_DIR": str(cache)}
    env.pop("EXCHANGE_KG_ROR_DUMP", None)
    proc = run_build(out, "--sources", str(project / "sources"), "--mappings",
                     str(project / "mappings"), "--shapes", str(project / "shapes"), *extra,
                     cwd=project, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, proc.stderr


def test_a_rebuild_reuses_shacl_verdicts_and_reports_a_new_violation_as_a_clean_build(
        project_copy: Path, tmp_path: Path) -> None:
    """Subjects whose inputs did not change keep their SHACL Core verdicts; the changed
    document's new violation is reported exactly as a build without the cache reports it
    (validation.ttl, report.md, report.json and the summary on the terminal)."""
    (project_copy / "shapes" / "strict.shapes.ttl").write_text(STRICT, encoding="utf-8")
    cache, out = tmp_path / "cache", tmp_path / "out"
    code, log = validated(project_copy, out, cache)
    assert code == 0 and not REUSED.search(log)
    edit(project_copy / "sources" / "partners-agreement-types.tsv",
         "Australia\tMonash University\t", "Australia\tMonash University ~ Clayton\t")
    code, log = validated(project_copy, out, cache)
    reused = REUSED.search(log)
    assert reused, log
    assert SAME_REPORT not in log
    assert 0 < int(reused[1]) < int(reused[2])
    # the SHACL-SPARQL rules ran for the focus nodes the edit reaches, not whole
    limited = re.search(r"SHACL-SPARQL: (\d+) of (\d+) constraint runs limited", log)
    assert limited and int(limited[1]) > 0, log
    clean_code, clean_log = validated(project_copy, tmp_path / "clean", tmp_path / "unused",
                                      "--no-cache")
    assert code == clean_code == 1
    assert "A preferred label with a tilde." in (out / "validation.ttl").read_text()
    same_dist(tmp_path / "clean", out)

    def summary(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith(("SHACL:", "  "))]

    assert summary(log) == summary(clean_log) != []
    # the violation mended: reported gone, again as a clean build reports it
    edit(project_copy / "sources" / "partners-agreement-types.tsv",
         "Monash University ~ Clayton", "Monash University Clayton")
    code, log = validated(project_copy, out, cache)
    assert code == 0 and REUSED.search(log)
    assert SAME_REPORT not in log
    validated(project_copy, tmp_path / "clean2", tmp_path / "unused", "--no-cache")
    same_dist(tmp_path / "clean2", out)
    # the same results again (a blank line more): the report's Turtle is copied, unless the
    # file is not the one that build wrote
    for damaged in (False, True):
        if damaged:
            report = out / "validation.ttl"
            report.write_bytes(report.read_bytes().replace(b"sh:Warning", b"sh:Info", 1))
        tsv = project_copy / "sources" / "partners-agreement-types.tsv"
        tsv.write_text(tsv.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        code, log = validated(project_copy, out, cache)
        assert code == 0 and (SAME_REPORT in log) is not damaged
        validated(project_copy, tmp_path / "clean3", tmp_path / "unused", "--no-cache")
        same_dist(tmp_path / "clean3", out)
        shutil.rmtree(tmp_path / "clean3")


@pytest.mark.parametrize("damage", ["entry missing", "entry damaged", "store record damaged",
                                    "shapes changed", "no validation in between"])
def test_shacl_verdicts_fall_back_to_a_full_check(project_copy: Path, tmp_path: Path,
                                                  damage: str) -> None:
    """Without verdicts it can trust (none kept, a damaged entry, the store's record of
    its contents damaged, other shapes, or a build in between that kept none) the rebuild
    checks every subject, and gives what a clean build gives."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    validated(project_copy, out, cache)
    edit(project_copy / "sources" / "partners-agreement-types.tsv",
         "Australia\tMonash University\t", "Australia\tMonash University Clayton\t")
    if damage == "no validation in between":
        build(project_copy, out, cache)  # --no-validate: the store changes, no verdicts
        edit(project_copy / "sources" / "partners-agreement-types.tsv",
             "Monash University Clayton", "Monash University Parkville")
    else:
        entry = cache / "documents" / (build_cache.key_of("shacl-verdicts", str(out.resolve()))
                                       + build_cache.SUFFIX)
        assert entry.is_file()
        if damage == "entry missing":
            entry.unlink()
        elif damage == "entry damaged":
            data = entry.read_bytes()
            entry.write_bytes(data[:200] + bytes([data[200] ^ 1]) + data[201:])
        elif damage == "store record damaged":
            contents = out / "store" / "contents.bin"
            data = contents.read_bytes()
            contents.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
        else:
            (project_copy / "shapes" / "strict.shapes.ttl").write_text(STRICT,
                                                                       encoding="utf-8")
    code, log = validated(project_copy, out, cache)
    assert not REUSED.search(log), log
    validated(project_copy, tmp_path / "clean", tmp_path / "unused", "--no-cache")
    same_dist(tmp_path / "clean", out)


def read(project: Path, cache: DocumentCache | None) -> dict[str, SourceResult]:
    documents = load_manifest(project / "sources" / "manifest.yaml")
    mappings = load_mappings(project / "mappings")
    return {s.document.id: s for s in read_sources(documents, mappings, workers=1,
                                                    cache=cache)}


def same_reading(a: SourceResult, b: SourceResult) -> None:
    assert (a.lines, a.result, a.sections, a.date_order, a.agreements) == (
        b.lines, b.result, b.sections, b.date_order, b.agreements)


@pytest.mark.parametrize(("partner", "looked_up"), [("Chulalongkorn University", True),
                                                     ("Nowhere Institute of Testing", False)])
def test_a_reading_with_evidence_is_reused_only_while_that_evidence_holds(
        project_copy: Path, tmp_path: Path, partner: str, looked_up: bool) -> None:
    """The GSE lists' reader places rows without a country label of their own using the
    countries other lists state: a cached reading of theirs is used only while each answer
    it looked up is unchanged. Chulalongkorn stands in such a row of theirs."""
    cache = DocumentCache(tmp_path / "cache")
    read(project_copy, cache)
    tsv = project_copy / "sources" / "partners-agreement-types.tsv"
    text = tsv.read_text(encoding="utf-8").rstrip("\n")
    tsv.write_text(f"{text}\nJapan\t{partner}\tBilateral\n", encoding="utf-8")
    cached = read(project_copy, cache)
    clean = read(project_copy, None)
    assert not cached["partners-agreement-types"].from_cache
    assert cached["pl-partner-universities-2026"].from_cache
    assert cached["gse-partners"].from_cache is not looked_up
    for sid, src in clean.items():
        same_reading(src, cached[sid])


def test_a_cached_reading_keeps_the_rows_same_list_compares(
        project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild compares the documents for one list in two files (``same_list``) by the
    row keys kept with each reading, not by going through every cached document's
    agreements again; they are the keys its agreements give."""
    cache = DocumentCache(tmp_path / "cache")
    first = read(project_copy, cache)

    def unused(agreement: object) -> None:
        raise AssertionError("a cached document's rows were keyed again")

    monkeypatch.setattr(same_list, "row_key", unused)
    again = read(project_copy, cache)
    assert all(src.from_cache for src in again.values())
    kept = {sid: src.row_keys for sid, src in again.items()}
    monkeypatch.undo()
    assert kept == {sid: same_list.row_keys(src.agreements) for sid, src in first.items()}
    assert all(len(rows) > 2 for rows in kept.values())


def test_a_damaged_entry_is_read_anew(warm: tuple[Path, Path, Path], tmp_path: Path) -> None:
    project, cache, first = warm
    entries = sorted((cache / "documents").glob("*.entry"))
    assert len(entries) >= len(FILES)
    for n, entry in enumerate(entries):  # a flipped bit, a truncated write, an empty file
        data = entry.read_bytes()
        if n % 3 == 0:
            mid = len(data) // 2
            data = data[:mid] + bytes([data[mid] ^ 0x40]) + data[mid + 1:]
        elif n % 3 == 1:
            data = data[:len(data) // 3]
        else:
            data = b""
        entry.write_bytes(data)
    log = build(project, tmp_path / "again", cache)
    assert from_cache(log) == (0, len(FILES))
    assert read_anew(log) == set(FILES)
    same_dist(first, tmp_path / "again")
    # ... and the entries are good again
    log = build(project, tmp_path / "third", cache)
    assert from_cache(log) == (len(FILES), len(FILES))


def test_an_entry_that_is_not_a_reading_is_no_entry(tmp_path: Path) -> None:
    cache = DocumentCache(tmp_path)
    cache.put("a", pickle.dumps({"not": "a part"}))
    cache.put("b", b"\x80\x05garbage")
    cache.put("c", pickle.dumps(_Part(agreements=[])))
    assert _cached(cache, "a") is None
    assert _cached(cache, "b") is None
    assert isinstance(_cached(cache, "c"), _Part)
    assert _cached(cache, "missing") is None
    assert _cached(None, "c") is None


def test_a_memo_is_keyed_by_the_values_of_its_facts(tmp_path: Path) -> None:
    cache = DocumentCache(tmp_path / "documents")
    calls: list[int] = []

    def compute() -> dict[str, str]:
        calls.append(1)
        return {"plan": "x" * len(calls)}

    name = "".join(["Universit", "y of Turku"])  # held twice by the first facts, once after
    first = build_cache.memo(cache, "t", [(name, (name,))], compute, dict)
    again = build_cache.memo(cache, "t", [("University of Turku", (name,))], compute, dict)
    assert first == again == {"plan": "x"} and len(calls) == 1 and cache.reused["t"] == 1
    other = build_cache.memo(cache, "t", [(name, (name, "Turku"))], compute, dict)
    assert other == {"plan": "xx"} and len(calls) == 2
    for entry in cache.folder.iterdir():  # damaged: computed anew, never a wrong result
        entry.write_bytes(entry.read_bytes()[:-3] + b"bad")
    assert build_cache.memo(cache, "t", [(name, (name,))], compute, dict) == {"plan": "xxx"}
    assert build_cache.memo(None, "t", [], compute, dict) == {"plan": "xxxx"}


def test_an_unwritable_folder_goes_without(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = DocumentCache(blocker / "documents")
    cache.put("a", b"x")
    assert cache.get("a") is None


def test_a_word_list_edit_is_another_code_version(tmp_path: Path) -> None:
    package = Path(build_cache.__file__).parent
    copy = tmp_path / "exchange_kg"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = build_cache.package_digest(copy)
    assert build_cache.package_digest(copy) == before
    (copy / "serve" / "pages.py").write_text("# the web server reads no document\n")
    assert build_cache.package_digest(copy) == before
    words = copy / "data" / "country-words.tsv"
    words.write_text(words.read_text(encoding="utf-8") + "Nowhereland\tXX\n", encoding="utf-8")
    assert build_cache.package_digest(copy) != before


def test_lookups_hold_while_every_answer_is_the_same() -> None:
    lookups = _Lookups()
    lookups.answers = {"kyoto university": ("JP",), "nowhere": None}
    lookups.nonempty = True
    assert lookups.hold({"kyoto university": ("JP",), "other": ("FR",)})
    assert not lookups.hold({"kyoto university": ("JP", "US")})
    assert not lookups.hold({"kyoto university": ("JP",), "nowhere": ("DE",)})
    everything = _Lookups()
    everything.whole = build_cache.hashlib.sha256(repr([("a", ("JP",))]).encode()).hexdigest()
    assert everything.hold({"a": ("JP",)})
    assert not everything.hold({"a": ("JP",), "b": ("FR",)})
    empty = _Lookups()
    empty.nonempty = False
    assert empty.hold({})
    assert not empty.hold({"a": ("JP",)})


def test_pruning_keeps_what_the_build_used_and_drops_the_old_and_the_excess(
        tmp_path: Path) -> None:
    cache = DocumentCache(tmp_path, max_bytes=2500)
    now = time.time()
    for i, age_days in enumerate([0, 1, 2, 3, 40]):
        cache.put(f"e{i}", b"x" * 1000)
        when = now - age_days * 86400
        os.utime(tmp_path / f"e{i}.entry", (when, when))
    (tmp_path / ".tmp-killed.entry").write_bytes(b"half")
    os.utime(tmp_path / ".tmp-killed.entry", (now - 7200, now - 7200))
    cache.used = {"e3"}
    assert cache.prune(now) == 4
    left = sorted(p.name for p in tmp_path.iterdir())
    # e3 (this build's), then the most recent others while they fit
    assert left == ["e0.entry", "e3.entry"]


def test_the_folder_is_the_users_alone(tmp_path: Path) -> None:
    cache = DocumentCache(tmp_path / "cache" / "documents")
    cache.put("a", b"x")
    assert (cache.folder.stat().st_mode & 0o777) == 0o700
    assert ((cache.folder / "a.entry").stat().st_mode & 0o777) == 0o600
    assert cache.get("a") == b"x"


def test_the_code_version_counts_the_libraries_behind_the_libraries() -> None:
    versions = build_cache._dependencies("exchange-kg")
    assert "pdfplumber" in versions
    assert "pdfminer-six" in versions  # through pdfplumber: it reads the PDF text
    assert "pytest" not in versions  # a test extra, not a dependency


def test_a_pdf_given_text_by_ocr_is_not_kept(tmp_path: Path) -> None:
    from exchange_kg.pipeline import _key_of

    documents = load_manifest(ROOT / "sources" / "manifest.yaml")
    mapping = load_mappings(ROOT / "mappings")[documents[0].id]
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    doc = dataclasses.replace(documents[0], path=pdf)
    assert _key_of(doc, mapping, ocr=False) is not None
    assert _key_of(doc, mapping, ocr=True) is None
    assert _key_of(documents[0], mapping, ocr=True) is not None  # a text list is kept
