"""Reading ROR dumps: both schemas, every file shape a user may have, and the index cache."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from exchange_kg.link import DumpError, canonical_ror_id, load_dump, read_records
from exchange_kg.link.ror_dump import parse_record
from exchange_kg.link.synthetic import (
    qid,
    ror_id,
    v1_record,
    v2_record,
    write_json_array,
    write_jsonl,
    write_release_zip,
)

V2 = v2_record(1, "Universität Beispielstadt", "DE", city="Beispielstadt",
               labels=[("University of Beispielstadt", "en")], aliases=["Uni Beispiel"],
               acronyms=["UBS"], domains=["uni-beispiel.de"], website="https://www.uni-beispiel.de",
               wikidata=qid(1), relationships=[("child", 2, "Faculty of Examples")])
V1 = v1_record(3, "Instituto de Ejemplos", "ES", city="Ejemplo", aliases=["IdE Ejemplos"],
               labels=[("Institute of Examples", "en")], acronyms=["IDE"],
               website="http://www.ejemplos.es/", wikidata=[qid(3), qid(4)],
               relationships=[("parent", 1, "Universität Beispielstadt")])


def test_v2_record_reads_names_location_ids_and_links() -> None:
    rec = parse_record(V2)
    assert rec.schema == 2
    assert rec.id == ror_id(1)
    assert rec.display_name == "Universität Beispielstadt"
    kinds = {(n.value, n.kind, n.lang) for n in rec.names}
    assert ("University of Beispielstadt", "label", "en") in kinds
    assert ("Uni Beispiel", "alias", None) in kinds
    assert rec.acronyms == ("UBS",)
    assert (rec.country, rec.city) == ("DE", "Beispielstadt")
    assert rec.wikidata == qid(1)
    assert rec.domains == ("uni-beispiel.de",)
    assert rec.links == ("https://www.uni-beispiel.de",)  # the Wikipedia link is not a website
    assert [(r.type, r.id) for r in rec.relationships] == [("child", ror_id(2))]


def test_v1_record_reads_into_the_same_type() -> None:
    rec = parse_record(V1)
    assert rec.schema == 1
    assert rec.display_name == "Instituto de Ejemplos"
    assert ("Institute of Examples", "label", "en") in {(n.value, n.kind, n.lang)
                                                        for n in rec.names}
    assert rec.acronyms == ("IDE",)
    assert (rec.country, rec.city) == ("ES", "Ejemplo")
    assert rec.wikidata == qid(3)  # no preferred QID: the first of "all"
    assert rec.links == ("http://www.ejemplos.es/",)
    assert [(r.type, r.id) for r in rec.relationships] == [("parent", ror_id(1))]


def test_v1_wikidata_prefers_the_preferred_id_and_accepts_a_bare_string() -> None:
    preferred = parse_record(v1_record(5, "X", "FR", wikidata=[qid(5), qid(6)],
                                       wikidata_preferred=qid(6)))
    assert preferred.wikidata == qid(6)
    bare = v1_record(7, "Y", "FR")
    bare["external_ids"]["Wikidata"] = {"all": qid(7), "preferred": None}
    assert parse_record(bare).wikidata == qid(7)
    assert parse_record(v1_record(8, "Z", "FR")).wikidata is None


def test_v2_wikidata_and_status_and_successor() -> None:
    rec = parse_record(v2_record(9, "Old College", "GB", status="inactive",
                                 relationships=[("successor", 10, "New College")]))
    assert rec.status == "inactive"
    assert [r.id for r in rec.related("successor")] == [ror_id(10)]
    assert rec.wikidata is None


@pytest.mark.parametrize("value, expected", [
    ("https://ror.org/0s0000100", "https://ror.org/0s0000100"),
    ("ror.org/0s0000100", "https://ror.org/0s0000100"),
    ("0S0000100", "https://ror.org/0s0000100"),
    ("https://ror.org/0s00001", None),  # too short
    ("https://ror.org/1s0000100", None),  # must start with 0
    ("https://ror.org/0l0000100", None),  # l is not in ROR's alphabet
])
def test_canonical_ror_id(value: str, expected: str | None) -> None:
    assert canonical_ror_id(value) == expected


def _ids(path: Path) -> list[str]:
    return [r.id for r in read_records(path)]


def test_jsonl_plain_and_gzipped_with_mixed_schemas(tmp_path: Path) -> None:
    for name in ("dump.jsonl", "dump.jsonl.gz"):
        path = write_jsonl(tmp_path / name, [V2, V1])
        assert _ids(path) == [ror_id(1), ror_id(3)]
        assert [r.schema for r in read_records(path)] == [2, 1]


def test_json_array_is_read_incrementally_across_chunks(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import exchange_kg.link.ror_dump as ror_dump

    many = [v2_record(n, f"Example Institute {n}", "NL") for n in range(1, 60)]
    path = write_json_array(tmp_path / "dump.json", many)
    monkeypatch.setattr(ror_dump, "_CHUNK", 257)  # objects straddle many chunk ends
    assert _ids(path) == [ror_id(n) for n in range(1, 60)]


def test_release_zip_prefers_the_v2_json_and_ignores_csv_and_v1(tmp_path: Path) -> None:
    v2 = [v2_record(11, "Zip Two University", "PT")]
    v1 = [v1_record(12, "Zip One University", "PT")]
    path = write_release_zip(tmp_path / "v9.99-ror-data.zip", v2, v1)
    with zipfile.ZipFile(path) as zf:
        assert any(n.endswith(".csv") for n in zf.namelist())
    recs = list(read_records(path))
    assert [(r.id, r.schema) for r in recs] == [(ror_id(11), 2)]


def test_release_zip_with_only_the_v2_json(tmp_path: Path) -> None:
    path = write_release_zip(tmp_path / "new.zip", [v2_record(13, "Only Two", "PT")])
    assert _ids(path) == [ror_id(13)]


def test_zip_without_a_v2_name_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "custom.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.json", json.dumps([v1_record(14, "Schema One", "IT")]))
        zf.writestr("b.json", json.dumps([v2_record(15, "Schema Two", "IT")]))
    assert _ids(path) == [ror_id(15)]


def test_broken_dumps_name_the_file_and_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(V2) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(DumpError, match=r"bad.jsonl: line 2"):
        list(read_records(bad))
    no_id = tmp_path / "noid.jsonl"
    no_id.write_text(json.dumps({**V2, "id": "nope"}) + "\n", encoding="utf-8")
    with pytest.raises(DumpError, match=r"noid.jsonl: record 1: .*valid ROR id"):
        list(read_records(no_id))
    with pytest.raises(DumpError, match="no such ROR dump"):
        load_dump(tmp_path / "missing.zip", cache_dir=False)
    empty_zip = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty_zip, "w") as zf:
        zf.writestr("readme.txt", "nothing")
    with pytest.raises(DumpError, match="no JSON file"):
        load_dump(empty_zip, cache_dir=False)


def test_load_dump_caches_the_index_by_content(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = write_jsonl(tmp_path / "dump.jsonl.gz", [V2, V1])
    first = load_dump(path, cache_dir=cache)
    assert first.info is not None
    assert (first.info.name, first.info.records, first.info.schema_counts) == (
        "dump.jsonl.gz", 2, {1: 1, 2: 1})
    cached = list(cache.iterdir())
    assert len(cached) == 1
    second = load_dump(path, cache_dir=cache)
    assert [r.id for r in second.records] == [r.id for r in first.records]
    assert second.get(ror_id(1)) == first.get(ror_id(1))  # records survive the index file intact
    # a changed dump gets a new index, never the cached one
    write_jsonl(path, [V2, V1, v2_record(20, "Added Later", "DE")])
    os.utime(path, (1, 1))
    third = load_dump(path, cache_dir=cache)
    assert third.get(ror_id(20)) is not None
    assert len(list(cache.iterdir())) == 2


def test_a_new_code_version_replaces_the_cached_index(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import exchange_kg.link.loading as loading

    cache = tmp_path / "cache"
    path = write_jsonl(tmp_path / "dump.jsonl", [V2])
    load_dump(path, cache_dir=cache)
    (before,) = cache.iterdir()
    monkeypatch.setattr(loading, "code_fingerprint", lambda: "0123456789ab")
    load_dump(path, cache_dir=cache)
    (after,) = cache.iterdir()
    assert after != before and "0123456789ab" in after.name


def test_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = write_jsonl(tmp_path / "dump.jsonl", [V2])
    load_dump(path, cache_dir=cache)
    (cached,) = cache.iterdir()
    cached.write_bytes(b"not a pickle")
    assert load_dump(path, cache_dir=cache).get(ror_id(1)) is not None
