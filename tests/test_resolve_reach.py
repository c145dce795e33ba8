"""The bound that spares reading most pairs (``resolve.reach``) never stops a pair that
``relate_groups`` scores at ``MERGE`` or more, and clusters are the same with it as without."""

from __future__ import annotations

import random
from dataclasses import replace
from itertools import combinations

import pytest

from exchange_kg.resolve import Mention, resolve
from exchange_kg.resolve import cluster as cluster_module
from exchange_kg.resolve.cluster import group_mentions
from exchange_kg.resolve.reach import may_merge, misspellings
from exchange_kg.resolve.score import MERGE, block_context, relate_groups

# Near-threshold pairs on purpose: accents, misspellings (one edit, two in long words, the
# same first six letters), names run together, words moved, translations, head words left
# out, acronyms given or abbreviating, places qualifying a name, numbers, common words only.
NAMES = [
    ("Karlsruhe Institute of Technology", {"acronym": "KIT", "city": "Karlsruhe"}),
    ("Karlsruher Institut für Technologie", {"website": "https://www.kit.edu"}),
    ("Karlsruhe Institut of Technology", {}),
    ("KIT Karlsruhe", {"city": "Karlsruhe"}),
    ("Rheinisch-Westfälische Technische Hochschule Aachen", {}),
    ("RWTH Aachen University", {"acronym": "RWTH"}),
    ("Aachen University RWTH", {}),
    ("RWTH Aachen", {"website": "rwth-aachen.de"}),
    ("Aachen University of Applied Sciences", {"city": "Aachen"}),
    ("Universität Göttingen", {}),
    ("Georg-August-Universität Göttingen", {"city": "Göttingen"}),
    ("University of Goettingen", {}),
    ("Universitas Gadjah Mada", {"acronym": "UGM"}),
    ("Gadjamada University", {}),
    ("Gadja Mada University", {"city": "Yogyakarta"}),
    ("Universitas Airlangga", {}),
    ("Airlangga University", {"website": "unair.ac.id"}),
    ("Miami University", {"city": "Oxford"}),
    ("University of Miami", {"city": "Coral Gables"}),
    ("University of California, Davis", {"acronym": "UCD"}),
    ("University of California, Berkeley", {}),
    ("University of California", {}),
    ("University of Chicago", {}),
    ("Loyola University Chicago", {}),
    ("Loyola University at Chicago", {"website": "luc.edu"}),
    ("Université Lyon 1", {}),
    ("Université Lyon 2", {}),
    ("Universite de Lyon", {}),
    ("Université Claude Bernard Lyon 1", {"acronym": "UCBL"}),
    ("Hunan University", {}),
    ("Henan University", {}),
    ("Hunan Normal University", {"acronym": "HNU"}),
    ("Beijing Normal University", {"acronym": "BNU", "city": "Beijing"}),
    ("Beijing Jiaotong University", {"acronym": "BJTU"}),
    ("Beijing Jiao Tong University", {}),
    ("Jiaotong University Beijing", {}),
    ("Kyiv National University of Construction and Architecture", {"website": "knuba.edu.ua"}),
    ("Kiyv National University of Construction and Architecture", {}),
    ("KNUCA", {"website": "http://knuba.edu.ua/"}),
    ("KTH Royal Institute of Technology", {}),
    ("The Royal Institute of Technology", {"acronym": "KTH"}),
    ("Instituto Tecnológico y de Estudios Superiores de Monterrey", {"acronym": "ITESM"}),
    ("ITESM Monterrey", {"city": "Monterrey"}),
    ("Tecnologico de Monterrey", {}),
    ("University of Applied Sciences", {"city": "Berlin"}),
    ("University of Applied Sciences", {"city": "Bremen"}),
    ("Hochschule für Technik und Wirtschaft Berlin", {"acronym": "HTW"}),
    ("HTW Berlin", {}),
    ("Technical University of Munich", {"acronym": "TUM"}),
    ("Technische Universität München", {}),
    ("Ludwig-Maximilians-Universität München", {"acronym": "LMU"}),
    ("Ludwig Maximilian University of Munich", {}),
    ("Internationalisation University Rotterdam", {}),
    ("Internationalization University Rotterdam", {}),
    ("Internationalisierungs University Rotterdam", {}),
]


def _variants(rng: random.Random, name: str) -> list[str]:
    """Spellings a list may use: a letter dropped or doubled, two words swapped or run
    together, a word left out."""
    words = name.split()
    out = []
    k = rng.randrange(len(words))
    w = words[k]
    if len(w) > 3:
        at = rng.randrange(1, len(w) - 1)
        out.append(" ".join([*words[:k], w[:at] + w[at + 1:], *words[k + 1:]]))
        out.append(" ".join([*words[:k], w[:at] + w[at] + w[at:], *words[k + 1:]]))
    if len(words) >= 2:
        i = rng.randrange(len(words) - 1)
        swapped = [*words]
        swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
        out.append(" ".join(swapped))
        out.append(" ".join([*words[:i], words[i] + words[i + 1].lower(), *words[i + 2:]]))
        out.append(" ".join(words[:k] + words[k + 1:]))
    return out


def _mentions(seed: int) -> list[Mention]:
    rng = random.Random(seed)
    out = []
    for n, (name, kw) in enumerate(NAMES):
        out.append(Mention(key=f"n{n}", name=name, country="DE", source_id="a", line=n,
                           **kw))  # type: ignore[arg-type]
        for v, variant in enumerate(_variants(rng, name)):
            extra = dict(rng.sample(sorted(kw.items()), k=rng.randrange(len(kw) + 1)))
            out.append(Mention(key=f"n{n}v{v}", name=variant, country="DE", source_id="b",
                               line=n, **extra))  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_pair_that_can_merge_is_stopped(seed: int) -> None:
    groups = group_mentions("DE", _mentions(seed))
    ctx = block_context(groups)
    every = list(combinations(range(len(groups)), 2))
    kept = may_merge(groups, every)
    scores = {p: relate_groups(groups[p[0]], groups[p[1]], ctx).score for p in every}
    stopped_high = [(groups[i].key, groups[j].key, s) for (i, j), s in scores.items()
                    if s >= MERGE and (i, j) not in kept]
    assert stopped_high == []
    # the set reaches the threshold from both sides, and the bound does stop pairs
    assert sum(s >= MERGE for s in scores.values()) >= 40
    assert sum(0.5 < s < MERGE for s in scores.values()) >= 5
    assert len(kept) < len(every) / 4


def test_clusters_are_the_same_as_when_every_pair_is_read(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    mentions = [replace(m, key=f"{seed}{m.key}") for seed in (1, 2) for m in _mentions(seed)]
    pruned = resolve(mentions, workers=1)
    monkeypatch.setattr(cluster_module, "may_merge", lambda groups, pairs: set(pairs))
    assert resolve(mentions, workers=1) == pruned
    assert len(pruned) < len(mentions) / 2


def test_misspellings_are_found_as_token_match_reads_them() -> None:
    near = misspellings(["hunan", "henan", "hanen", "karlsruhe", "karlsruhr", "kiyv", "kyiv",
                         "internationalisation", "internationalizasion", "lyon", "lyons",
                         "lyonnais"])
    assert "henan" in near["hunan"]  # one edit
    assert "kyiv" in near["kiyv"]  # a transposition is one edit
    assert "karlsruhr" in near["karlsruhe"]
    # two edits count only in words of eleven letters or more
    assert "internationalizasion" in near["internationalisation"]
    assert "hanen" not in near["hunan"]
    assert "lyonnais" not in near["lyon"]
    assert near["lyons"] == {"lyons", "lyon"}
