"""The Turtle and JSON-LD dumps in parts cut by content: a rebuild copies the parts whose
subjects did not change from the dumps it replaces, and the files are those of a clean write."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from conftest import ROOT
from exchange_kg import dump_parts, outputs, pipeline, pool
from exchange_kg.build_cache import SUFFIX, DocumentCache, key_of
from exchange_kg.iris import DEFAULT_BASE
from exchange_kg.validate import load_shapes, parse_turtle
from tiny_project import PARTNER_TABLE, write_project

TOWNS = [("France", "Lyon"), ("Germany", "Bonn"), ("Japan", "Sendai"), ("Poland", "Łódź"),
         ("Italy", "Pisa"), ("Spain", "León"), ("Austria", "Graz"), ("Greece", "Patras")]


def rows(extra: str = "") -> str:
    lines = ["Country\tPartner"] + [f"{country}\tUniversity of {town}, Faculty of {faculty}"
                                     for country, town in TOWNS
                                     for faculty in ("Law", "Arts", "Science")]
    return "".join(f"{line}\n" for line in lines) + extra


def built(root: Path, document: str) -> pipeline.BuildResult:
    write_project(root, document, PARTNER_TABLE)
    return pipeline.build(root / "sources", root / "mappings")


def write(result: pipeline.BuildResult, out: Path, cache: DocumentCache | None) -> None:
    ontology, vocabularies = (ROOT / "ontology" / f for f in ("exchange-kg.ttl",
                                                              "vocabularies.ttl"))
    outputs.write_build(result, load_shapes(ROOT / "shapes"), out,
                        outputs.Ontology(parse_turtle(ontology), ontology),
                        outputs.Ontology(parse_turtle(vocabularies), vocabularies), DEFAULT_BASE,
                        cache=cache)


DUMPS = ("exchange-kg.ttl", "exchange-kg.jsonld", "exchange-kg.nt", "exchange-kg.nt.gz",
         "exchange-kg.nq", "exchange-kg.nq.gz")


def same_dumps(a: Path, b: Path) -> None:
    for name in DUMPS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    for name in ("exchange-kg.nt", "exchange-kg.nq"):
        assert gzip.decompress((b / f"{name}.gz").read_bytes()) == (b / name).read_bytes()


def damage_middle(path: Path) -> None:
    """One byte in the middle of ``path`` changed (a line's text, or a gzip member's)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] = ord("X") if data[middle] != ord("X") else ord("Y")
    path.write_bytes(bytes(data))


@pytest.fixture()
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dump_parts, "_CRC_MASK", 7)  # a part every 8 subjects or so


@pytest.mark.usefixtures("small_parts")
@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("damage", ["none", "a copied part's bytes", "the record",
                                    "no record", "the previous dump gone",
                                    "exchange-kg.nt", "exchange-kg.nq.gz", "exchange-kg.nt.gz",
                                    "exchange-kg.nq gone", "exchange-kg.nq, times put back",
                                    "exchange-kg.ttl, times put back"])
def test_a_rewrite_copies_unchanged_parts_and_equals_a_clean_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool, damage: str) -> None:
    if parallel:
        if pool.cpu_count() < 2:
            pytest.skip("writing in workers needs two CPUs")
        monkeypatch.setattr(outputs, "PARALLEL_TRIPLES", 0)
    cache, out = DocumentCache(tmp_path / "cache"), tmp_path / "out"
    write(built(tmp_path / "before", rows()), out, cache)
    after = built(tmp_path / "after", rows("Japan\tUniversity of Kobe, Faculty of Law\n"))
    entry = cache.folder / (key_of("dump-parts", str(out.resolve())) + SUFFIX)
    assert entry.is_file()
    copies = []
    real = dump_parts.Reuse.save

    def save(self: dump_parts.Reuse) -> None:
        copies.append((self.copied, self.written, self.rewritten))
        real(self)

    monkeypatch.setattr(dump_parts.Reuse, "save", save)
    if damage == "a copied part's bytes":
        damage_middle(out / "exchange-kg.ttl")
    elif damage.endswith("times put back"):  # same size and times: the change time differs
        path = out / damage.partition(",")[0]
        before = path.stat()
        damage_middle(path)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif damage.startswith("exchange-kg."):  # an N-Triples or N-Quads range, or its member
        name, _, gone = damage.partition(" ")
        if gone:
            (out / name).unlink()
        else:
            damage_middle(out / name)
    elif damage == "the record":
        data = bytearray(entry.read_bytes())
        data[-5] ^= 1
        entry.write_bytes(bytes(data))
    elif damage == "no record":
        entry.unlink()
    elif damage == "the previous dump gone":
        (out / "exchange-kg.jsonld").unlink()
    write(after, out, cache)
    write(built(tmp_path / "clean", rows("Japan\tUniversity of Kobe, Faculty of Law\n")),
          tmp_path / "clean-out", None)
    same_dumps(tmp_path / "clean-out", out)
    copied, written, rewritten = copies[-1]
    if damage in ("the record", "no record"):
        assert copied == 0
    else:
        assert copied > 0 and written > 0  # the new institution's part(s) written anew
    # the damaged part's copy failed its check and was written anew; a missing dump's too
    assert (rewritten > 0) is (damage in ("a copied part's bytes", "the previous dump gone",
                                          "exchange-kg.ttl, times put back"))
    # and the next rewrite copies everything from what this one wrote
    write(after, out, cache)
    assert copies[-1][0] > 0 and copies[-1][1] == 0
    same_dumps(tmp_path / "clean-out", out)


def test_cuts_depend_on_subjects_not_on_positions() -> None:
    """An edit early in the dump leaves the later cuts where they were, by subject, and
    the key of every range but the one holding the edit."""
    names = [f"<http://x.test/s{i:05d}>" for i in range(20_000)]

    def keys(subjects: list[str], changed: str = "") -> list[tuple[str, bytes]]:
        digests = [dump_parts.text_digest(f"{s}{'!' if s == changed else ''}".encode())
                   for s in subjects]
        return [(subjects[a], key) for a, _, key in dump_parts.cut(subjects, digests, "nt")]

    first = keys(names)
    assert len(first) > 5
    assert all(dump_parts.is_cut(s.encode()) for s, _ in first[1:])
    edited = names[:10] + ["<http://x.test/s00010-new>"] + names[10:]
    assert len(set(keys(edited)) - set(first)) == 1
    # a changed block (the same subjects) changes its range's key alone
    assert len(set(keys(names, names[15_000])) - set(first)) == 1
    # and the same digests under another kind of dump are other keys
    digests = [dump_parts.text_digest(s.encode()) for s in names]
    assert not {k for *_, k in dump_parts.cut(names, digests, "nq")} & {k for _, k in first}


def test_a_range_is_a_gzip_member_and_the_members_are_the_file(tmp_path: Path) -> None:
    texts = [b"<a> <p> <o> .\n" * n for n in (1, 1000, 0, 7)]
    data = b"".join(dump_parts.gzip_member(t) for t in texts)
    assert gzip.decompress(data) == b"".join(texts)
    assert dump_parts.gzip_member(texts[1]) == dump_parts.gzip_member(texts[1])
    assert gzip.decompress(dump_parts.gzip_member(texts[1])) == texts[1]


def test_turtle_parts_are_used_only_under_the_same_prefixes(tmp_path: Path) -> None:
    reuse = dump_parts.Reuse(DocumentCache(tmp_path), "k", tmp_path,
                             dump_parts.Kept(b"@prefix a: <x:> .\n",
                                             {b"d": {"ttl": (0, 1, b""), "jsonld": (0, 1, b"")}}))
    part = dump_parts.Part(0, 10, b"d")
    assert reuse.usable(part, "ttl", b"@prefix a: <x:> .\n") is not None
    assert reuse.usable(part, "ttl", b"@prefix b: <y:> .\n") is None
    assert reuse.usable(part, "jsonld", b"@prefix b: <y:> .\n") is not None
    assert reuse.usable(dump_parts.Part(0, 10, b"e"), "jsonld", b"") is None


@pytest.mark.usefixtures("small_parts")
def test_a_changed_block_under_the_same_subjects_is_written_anew(tmp_path: Path) -> None:
    """The document's label edited in the manifest: every subject stays, one block changes;
    its ranges must not be copied (they are named by the blocks, not by the subjects)."""
    cache, out = DocumentCache(tmp_path / "cache"), tmp_path / "out"
    write(built(tmp_path / "before", rows()), out, cache)
    manifest = tmp_path / "after" / "sources" / "manifest.yaml"
    write_project(tmp_path / "after", rows(), PARTNER_TABLE)
    manifest.write_text(manifest.read_text().replace("a list written by a test",
                                                     "a list edited by a test"))
    after = pipeline.build(tmp_path / "after" / "sources", tmp_path / "after" / "mappings")
    write(after, out, cache)
    write(after, tmp_path / "clean-out", None)
    same_dumps(tmp_path / "clean-out", out)
    assert b"a list edited by a test" in (out / "exchange-kg.nq").read_bytes()


@pytest.mark.usefixtures("small_parts")
def test_unchanged_previous_dumps_are_copied_unread(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The previous build's dumps, as it left them (same identity), are copied range by
    range without being read or hashed here; a dump touched since is read and checked."""
    cache, out = DocumentCache(tmp_path / "cache"), tmp_path / "out"
    write(built(tmp_path / "before", rows()), out, cache)
    after = built(tmp_path / "after", rows("Japan\tUniversity of Kobe, Faculty of Law\n"))
    read: list[str] = []
    real = dump_parts.read_range

    def read_range(path: Path, start: int, length: int) -> bytes | None:
        if path.parent == out.resolve():
            read.append(path.name)
        return real(path, start, length)

    monkeypatch.setattr(dump_parts, "read_range", read_range)
    write(after, out, cache)
    assert read == []
    write(built(tmp_path / "clean", rows("Japan\tUniversity of Kobe, Faculty of Law\n")),
          tmp_path / "clean-out", None)
    same_dumps(tmp_path / "clean-out", out)
    # the same bytes, touched: the copies are checked (and still the same dumps)
    for name in DUMPS:
        os.utime(out / name)
    write(after, out, cache)
    assert set(read) == set(DUMPS)
    same_dumps(tmp_path / "clean-out", out)
