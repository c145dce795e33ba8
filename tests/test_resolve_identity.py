"""Identity beyond shared words: ROR records, websites, curators' decisions, hosts, countries."""

from __future__ import annotations

from pathlib import Path

from exchange_kg.manifest import Document, Publisher
from exchange_kg.resolve import (
    Cluster,
    Decision,
    Mention,
    merge_clusters,
    publisher_key,
    publisher_mentions,
    resolve,
)
from exchange_kg.resolve.countries import domain_country, settle_countries
from exchange_kg.resolve.identity import home_domain

_counter = iter(range(10**6))


def m(name: str, country: str | None = "DE", **kw: object) -> Mention:
    n = next(_counter)
    return Mention(key=str(kw.pop("key", f"i{n:04d}")), name=name, country=country,
                   source_id="src", line=n, **kw)  # type: ignore[arg-type]


def cluster_of(clusters: list[Cluster], mention: Mention) -> Cluster:
    return next(c for c in clusters if mention.key in c.mention_keys)


def together(clusters: list[Cluster], *mentions: Mention) -> bool:
    return len({cluster_of(clusters, x).id for x in mentions}) == 1


def test_one_ror_record_joins_names_that_share_no_word() -> None:
    # a former name and today's, or two names a translation table does not know
    de = m("Forschungsanstalt Lindenberg", ror_id="https://ror.org/0s00001")
    en = m("Kestrel Institute of Science", ror_id="https://ror.org/0s00001")
    other = m("Max Planck Institute for Examples", ror_id="https://ror.org/0s00002")
    clusters = resolve([de, en, other])
    assert together(clusters, de, en)
    assert not together(clusters, de, other)
    merged = cluster_of(clusters, de)
    assert any("same ROR ID" in e for e in merged.evidence)
    # the side that keeps its identity says which one it absorbed
    assert len(merged.replaced) == 1
    assert merged.replaced[0][1] != merged.id


def test_the_same_record_in_two_countries_is_two_institutions() -> None:
    a = m("Example University", "DE", ror_id="https://ror.org/0s00003")
    b = m("Example Universität", "AT", ror_id="https://ror.org/0s00003")
    assert not together(resolve([a, b]), a, b)


def test_the_linked_side_keeps_its_identity() -> None:
    clusters = [
        Cluster("de/big", "Big Name", ("Big Name",), "DE", ("k1", "k2", "k3")),
        Cluster("de/linked", "Linked Name", ("Linked Name",), "DE", ("k4",),
                ror_ids=("https://ror.org/0s00004",)),
    ]
    merged, new_id = merge_clusters(clusters, {"de/big": "https://ror.org/0s00004"})
    assert len(merged) == 1
    # both are linked now; the one with more mentions keeps its id and label
    assert merged[0].id == "de/big" and merged[0].pref_label == "Big Name"
    assert new_id == {"de/big": "de/big", "de/linked": "de/big"}
    assert merged[0].replaced == (("Linked Name", "de/linked"),)
    untouched = Cluster("de/other", "Other", ("Other",), "DE", ("k5",))
    again, ids = merge_clusters([*clusters, untouched])
    assert untouched in again and ids["de/other"] == "de/other"


def test_two_ror_ids_never_merge() -> None:
    clusters = [
        Cluster("fr/a", "A", ("A",), "FR", ("k1",), websites=("https://www.shared.fr",),
                ror_ids=("https://ror.org/0s00005",)),
        Cluster("fr/b", "B", ("B",), "FR", ("k2",), websites=("https://shared.fr/en",),
                ror_ids=("https://ror.org/0s00006",)),
    ]
    merged, _ = merge_clusters(clusters)
    assert len(merged) == 2


def test_a_website_joins_translations_in_one_city() -> None:
    pl = m("Narodowy Uniwersytet Górniczy w Dniepropietrowsku", "UA", city="Dniepro-petrovsk",
           website="http://www.nmu.org.ua/en/")
    pl2 = m("Narodowy Uniwersytet Techniczny Politechnika Dnieprowska", "UA", city="Dniepr",
            website="https://www.nmu.org.ua/en/")
    assert together(resolve([pl, pl2]), pl, pl2)


def test_a_website_from_another_row_does_not_join() -> None:
    # a shifted website column: the same site under two cities is no evidence
    kyiv = m("American University Kyiv", "UA", city="Kijów", website="https://auk.edu.ua/en/")
    odesa = m("Państwowy Ekologiczny Uniwersytet w Odessie", "UA", city="Odessa",
              website="https://auk.edu.ua/en/")
    assert not together(resolve([kyiv, odesa]), kyiv, odesa)
    # a page deep inside a portal that lists universities says nothing about either
    a = m("Alpha National University", "UA", website="http://portal.example/ua/univ/alpha")
    b = m("Beta Institute", "UA", website="http://portal.example/ua/univ/beta")
    assert not together(resolve([a, b]), a, b)
    assert home_domain("http://portal.example/ua/univ/alpha") is None
    assert home_domain("https://www.nmu.org.ua/en/") == "nmu.org.ua"


def test_a_hosting_platform_is_nobody_s_domain() -> None:
    assert home_domain("https://alpha.blogspot.com/") != home_domain("https://beta.blogspot.com/")


def test_a_curator_merges_and_separates() -> None:
    a = m("Hochschule Example", "DE")
    b = m("Example College of Arts", "DE")
    apart = resolve([a, b])
    assert not together(apart, a, b)
    same = Decision("same", "Hochschule Example", "example college of arts", "DE", "c.tsv:2")
    joined = resolve([a, b], decisions=[same])
    assert together(joined, a, b)
    assert any("c.tsv:2" in e for e in cluster_of(joined, a).evidence)
    # and the other way round: names that would merge, kept apart
    c = m("Example University", "DE")
    d = m("Example Universität", "DE")
    assert together(resolve([c, d]), c, d)
    different = Decision("different", "Example University", "Example Universität", "DE")
    assert not together(resolve([c, d], decisions=[different]), c, d)


def test_a_named_host_is_a_mention_an_unnamed_one_is_not(tmp_path: Path) -> None:
    named = Document("a", tmp_path / "a.txt", None, "A", "en",
                     Publisher("Example University", None, "example-university", "evidence"),
                     None, "a.txt")
    unnamed = Document("b", tmp_path / "b.txt", None, "B", "en",
                       Publisher(None, "the publisher of B", "b-publisher"), None, "b.txt")
    again = Document("c", tmp_path / "c.txt", None, "C", "en", named.publisher, None, "c.txt")
    hosts = publisher_mentions([named, unnamed, again])
    assert [h.key for h in hosts] == [publisher_key("example-university")]
    assert hosts[0].country is None
    # the host takes the country of the rows that name it, and joins them
    partner = m("Example University", "JP")
    settled, notes = settle_countries([*hosts, partner])
    assert settled[0].country == "JP" and notes[0].source_country is None
    assert together(resolve(settled), settled[0], partner)


def test_a_linked_host_takes_its_record_s_country() -> None:
    host = m("Example University", None, key=publisher_key("x"))
    settled, notes = settle_countries([host], {host.key: "JP"})
    assert settled[0].country == "JP"
    assert "ROR" in notes[0].reason


def test_an_acronym_takes_a_country_only_from_rows_of_its_own_list() -> None:
    from dataclasses import replace

    host = replace(m("UCL", None, key=publisher_key("ucl")), source_id="london")
    other = replace(m("UCL", "BE"), source_id="paris")  # UCLouvain in another list
    full = replace(m("Sofia University", "BG"), source_id="paris")
    named = replace(m("Sofia University", None), source_id="london")
    settled, _ = settle_countries([host, other, full, named])
    assert [s.country for s in settled] == [None, "BE", "BG", "BG"]
    own = replace(m("UCL", "GB"), source_id="london")
    row = replace(m("UCL", None), source_id="london")
    settled, _ = settle_countries([row, other, own])
    assert settled[0].country == "GB"


def test_layout_countries_yield_to_evidence_stated_ones_need_more() -> None:
    cities = {"beijing": "CN", "rochester": "US"}
    inferred = m("Beijing Planning Consultants", "BN", country_inferred=True)
    stated = m("Beijing Planning Consultants", "BN")
    settled, notes = settle_countries([inferred, stated], cities=cities)
    assert [s.country for s in settled] == ["CN", "BN"]
    assert notes[0].source_country == "BN" and "city in CN" in notes[0].reason
    # a stated country yields to the registry plus one more piece of evidence
    row = m("University of Rochester", "VN")
    settled, _ = settle_countries([row], elsewhere={row.key: "US"}, cities=cities)
    assert settled[0].country == "US"
    alone = m("University of Rochester", "VN")
    settled, _ = settle_countries([alone], elsewhere={alone.key: "US"})
    assert settled[0].country == "VN"
    # evidence for the row's own country, or for two others, leaves it alone
    both = m("Xi'an Jiaotong-Liverpool University", "CN", country_inferred=True)
    settled, _ = settle_countries([both], cities={"xian": "CN", "liverpool": "GB"})
    assert settled[0].country == "CN"


def test_country_code_domains() -> None:
    assert domain_country("http://www.nmu.org.ua/en/") == "UA"
    assert domain_country("https://www.ox.ac.uk") == "GB"
    assert domain_country("https://example.io") is None  # sold to anyone
    assert domain_country("https://www.mit.edu") is None


def _manifest(tmp_path: Path, *countries: str | None) -> Path:
    entries = []
    for i, country in enumerate(countries):
        (tmp_path / f"l{i}.csv").write_text("Partner\nX\n", encoding="utf-8")
        stated = f"\n      country: {country}" if country else ""
        entries.append(f"""  - id: l{i}
    file: l{i}.csv
    title: null
    label: list {i}
    language: en
    publisher:
      name: University of Georgia
      evidence: its own page{stated}
    as_of: null
    original_file_name: l{i}.csv""")
    path = tmp_path / "manifest.yaml"
    path.write_text("documents:\n" + "\n".join(entries) + "\n", encoding="utf-8")
    return path


def test_hosts_of_one_name_in_two_countries_are_two_when_the_manifest_says_so(
        tmp_path: Path) -> None:
    # the University of Georgia (Athens, US) and the University of Georgia (Tbilisi) publish
    # lists: without a country both hosts were one institution, each given the other's lists
    from exchange_kg.manifest import load_manifest

    docs = load_manifest(_manifest(tmp_path, "United States", "GE"))
    hosts = publisher_mentions(docs)
    assert [(h.name, h.country) for h in hosts] == [("University of Georgia", "US"),
                                                    ("University of Georgia", "GE")]
    assert not together(resolve(hosts), *hosts)
    # ... and each joins the partner of its name in its country
    partner = m("University of Georgia", "US")
    assert together(resolve([*hosts, partner]), hosts[0], partner)
    # without a country, one name is one host
    assert len(publisher_mentions(load_manifest(_manifest(tmp_path, None, None)))) == 1


def test_a_publisher_country_that_is_no_country_names_its_line(tmp_path: Path) -> None:
    import pytest

    from exchange_kg.manifest import load_manifest
    from exchange_kg.yamlfile import DataFileError

    with pytest.raises(DataFileError, match=r"manifest.yaml:10:\d+: publisher country 'Atlantis'"):
        load_manifest(_manifest(tmp_path, "Atlantis"))
