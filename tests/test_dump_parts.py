"""The Turtle and JSON-LD dumps in parts cut by content: a rebuild copies the parts whose
subjects did not change from the dumps it replaces, and the files are those of a clean write."""

from __future__ import annotations

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


def same_dumps(a: Path, b: Path) -> None:
    for name in ("exchange-kg.ttl", "exchange-kg.jsonld", "exchange-kg.nt"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture()
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dump_parts, "_CRC_MASK", 7)  # a part every 8 subjects or so


@pytest.mark.usefixtures("small_parts")
@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("damage", ["none", "a copied part's bytes", "the record",
                                    "no record", "the previous dump gone"])
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
        ttl = out / "exchange-kg.ttl"
        data = bytearray(ttl.read_bytes())
        middle = len(data) // 2
        data[middle] = ord("X") if data[middle] != ord("X") else ord("Y")
        ttl.write_bytes(bytes(data))
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
    assert (rewritten > 0) is (damage in ("a copied part's bytes", "the previous dump gone"))
    # and the next rewrite copies everything from what this one wrote
    write(after, out, cache)
    assert copies[-1][0] > 0 and copies[-1][1] == 0
    same_dumps(tmp_path / "clean-out", out)


def test_cuts_depend_on_subjects_not_on_positions() -> None:
    """An edit early in the dump leaves the later cuts where they were, by subject."""
    def chunks(subjects: list[str]) -> list[bytes]:
        return [f"<{s}> <p> \"{s}\" .\n<{s}> <q> <o> .\n".encode() for s in subjects]

    names = [f"http://x.test/s{i:05d}" for i in range(20_000)]
    first, second = dump_parts.Cutter(), dump_parts.Cutter()
    list(first.passing(chunks(names)))
    edited = names[:10] + ["http://x.test/s00010-new"] + names[10:]
    list(second.passing(chunks(edited)))
    assert len(first.parts) > 5
    assert sum(p.end - p.start for p in first.parts) == sum(len(c) for c in chunks(names))
    digests = {p.digest for p in first.parts}
    # every part but the one holding the new subject is the same bytes
    assert len([p for p in second.parts if p.digest not in digests]) == 1


def test_a_chunk_of_several_subjects_is_cut_between_them() -> None:
    names = [f"http://x.test/o{i:04d}" for i in range(3000)]
    text = b"".join(f"<{s}> <p> <o> .\n".encode() for s in names)
    cutter = dump_parts.Cutter()
    list(cutter.passing([text]))
    cuts = [p.start for p in cutter.parts[1:]]
    assert cuts and all(dump_parts.is_cut(text[c:text.index(b" ", c)]) for c in cuts)


def test_turtle_parts_are_used_only_under_the_same_prefixes(tmp_path: Path) -> None:
    reuse = dump_parts.Reuse(DocumentCache(tmp_path), "k", tmp_path,
                             dump_parts.Kept(b"@prefix a: <x:> .\n",
                                             {b"d": {"ttl": (0, 1, b""), "jsonld": (0, 1, b"")}}))
    part = dump_parts.Part(0, 10, b"d")
    assert reuse.usable(part, "ttl", b"@prefix a: <x:> .\n") is not None
    assert reuse.usable(part, "ttl", b"@prefix b: <y:> .\n") is None
    assert reuse.usable(part, "jsonld", b"@prefix b: <y:> .\n") is not None
    assert reuse.usable(dump_parts.Part(0, 10, b"e"), "jsonld", b"") is None
