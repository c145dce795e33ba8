"""The batched comparisons linking uses give exactly the answers of the pairwise ones."""

from __future__ import annotations

import random
from pathlib import Path

from rapidfuzz import fuzz, process

from exchange_kg.link import InstitutionQuery, build_index, load_dump, match
from exchange_kg.link.names import forms
from exchange_kg.link.near import similar
from exchange_kg.link.ror_dump import parse_record
from exchange_kg.link.scoring import CLOSE, close_pairs, query_forms
from exchange_kg.link.synthetic import write_jsonl


def _words(rng: random.Random, n: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ra", "sen", "tu", "vo", "ber", "lin", "gra", "ska"]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 5))) for _ in range(n)]


def test_similar_is_process_extract_ties_and_limit_included() -> None:
    rng = random.Random(7)
    choices = _words(rng, 400)
    choices += choices[:50]  # equal choices: ties must keep the choices' order
    texts = _words(rng, 60) + choices[:20]
    for cutoff, limit in ((80, 5), (85, 20), (60, 3)):
        expected = [tuple(pos for _c, _s, pos in process.extract(
            t, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)) for t in texts]
        assert similar(texts, choices, cutoff, limit) == expected
    assert any(len(found) == 3 for found in similar(texts, choices, 60, 3))
    assert similar(["x"], [], 80, 5) == [()]


def test_close_pairs_are_the_pairwise_token_sort_ratios() -> None:
    rng = random.Random(3)
    names = [" ".join(_words(rng, rng.randint(1, 4))) for _ in range(120)]
    records = [{"id": f"https://ror.org/0{i:06d}{i % 100:02d}", "status": "active",
                "names": [{"value": n, "types": ["ror_display"]}],
                "locations": [{"geonames_details": {"country_code": "DE"}}]}
               for i, n in enumerate(names)]
    index = build_index(parse_record(r) for r in records)
    query = InstitutionQuery((names[0], " ".join(reversed(names[1].split()))), "DE")
    qforms = query_forms(query)
    close = close_pairs(index, query, qforms, range(len(index)))
    expected = {(key, full): fuzz.token_sort_ratio(key, full)
                for _label, key, dropped in qforms if not dropped
                for full in (index.names[i][0][2][0][0] for i in range(len(index)))
                if fuzz.token_sort_ratio(key, full) >= CLOSE}
    assert close.pairs == expected and expected


def test_an_index_file_answers_like_a_fresh_index(tmp_path: Path) -> None:
    records = [
        {"id": "https://ror.org/012345678", "status": "active", "domains": ["uni-a.de"],
         "names": [{"value": "Universität Alpha", "types": ["ror_display"], "lang": "de"},
                   {"value": "University of Alpha", "types": ["label"]},
                   {"value": "UA", "types": ["acronym"]}],
         "locations": [{"geonames_details": {"country_code": "DE", "name": "Alpha"}}]},
        {"id": "https://ror.org/023456789", "status": "active",
         "names": [{"value": "Alpha Institute of Technology", "types": ["ror_display"]}],
         "locations": [{"geonames_details": {"country_code": "DE", "name": "Beta"}}]},
    ]
    dump = write_jsonl(tmp_path / "dump.jsonl", records)
    built = load_dump(dump, cache_dir=tmp_path / "cache")  # builds and writes the file
    opened = load_dump(dump, cache_dir=tmp_path / "cache")  # opens the file
    fresh = load_dump(dump, cache_dir=False)  # in memory
    for query in (InstitutionQuery(("Univeristy of Alpha",), "DE"),
                  InstitutionQuery(("UA",), "DE", domains=("https://www.uni-a.de/x",)),
                  InstitutionQuery(("Alpha Institute of Technology",), "DE")):
        answers = {(r.decision, r.chosen.ror_id if r.chosen else None,
                    tuple((c.ror_id, c.score, c.method) for c in r.candidates))
                   for r in (match(ix, query) for ix in (built, opened, fresh))}
        assert len(answers) == 1
    assert opened.get("https://ror.org/012345678") == fresh.get("https://ror.org/012345678")
    assert opened.city_countries() == fresh.city_countries()


def test_the_stored_full_name_keys_are_those_read_from_the_names(tmp_path: Path) -> None:
    """Screening reads each record's full-name keys from the index file; they must be the
    first reading of each of its non-acronym names, in order and without repeats, as worked
    out from the names at query time."""
    rng = random.Random(11)
    records = []
    for i in range(60):
        words = _words(rng, rng.randint(1, 4))
        names = [{"value": " ".join(words).title(), "types": ["ror_display", "label"]},
                 # the same name again in other letters: one key, not two
                 {"value": " ".join(words).upper(), "types": ["alias"]},
                 {"value": f"{' '.join(_words(rng, 2))} ({words[0]})", "types": ["label"]},
                 {"value": "".join(w[0] for w in words).upper(), "types": ["acronym"]}]
        if i % 7 == 0:  # an acronym only: nothing to screen against
            names = names[3:]
        records.append({"id": f"https://ror.org/0{i:06d}{i % 100:02d}", "status": "active",
                        "names": names,
                        "locations": [{"geonames_details": {"country_code": "DE"}}]})
    dump = write_jsonl(tmp_path / "dump.jsonl", records)
    for index in (load_dump(dump, cache_dir=tmp_path / "cache"),  # written, then opened
                  load_dump(dump, cache_dir=tmp_path / "cache"), load_dump(dump, cache_dir=False)):
        seen_empty = seen_repeat = False
        for i in range(len(index)):
            read = [forms(n.value)[0].key for n in index.records[i].names
                    if n.kind != "acronym" and forms(n.value)]
            expected = tuple(dict.fromkeys(read))
            assert index.full_keys(i) == expected
            seen_empty |= not expected
            seen_repeat |= len(read) > len(expected)
        assert seen_empty and seen_repeat
