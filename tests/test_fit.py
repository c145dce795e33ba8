"""Does a website / continent fit its row, and which values were shifted from another row."""

from __future__ import annotations

from importlib.resources import files

import pycountry
import pytest

from exchange_kg.normalise.fit import (
    CONTINENTS,
    Row,
    continent_fits,
    continents_of,
    looks_like_institution,
    parse_continent,
    parse_site,
    shifted_cells,
    website_fits,
)


def _tsv(name: str) -> list[list[str]]:
    text = files("exchange_kg").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()[1:]
            if line.strip() and not line.startswith("#")]


# ------------------------------------------------------------------------------ data files


def test_continent_table_covers_every_iso_country() -> None:
    codes = {row[0] for row in _tsv("continents.tsv")}
    missing = {c.alpha_2 for c in pycountry.countries} - codes
    assert not missing, f"continents.tsv lacks {sorted(missing)}"


def test_continent_table_uses_only_the_seven_continents() -> None:
    for row in _tsv("continents.tsv"):
        named = [row[1], *(a for a in (row[3] if len(row) > 3 else "").split("|") if a)]
        assert set(named) <= set(CONTINENTS), row
        assert row[1] not in named[1:], f"{row[0]}: alternate repeats the primary"


def test_continent_names_map_to_known_continents() -> None:
    for row in _tsv("continent-names.tsv"):
        assert set(row[1].split("|")) <= set(CONTINENTS), row


@pytest.mark.parametrize(("code", "expected"), [
    ("PL", ("europe",)), ("RU", ("europe", "asia")), ("TR", ("asia", "europe")),
    ("KZ", ("asia", "europe")), ("EG", ("africa", "asia")), ("PA", ("north-america",
                                                                     "south-america")),
    ("AU", ("oceania",)), ("MX", ("north-america",)), ("aq", ("antarctica",)),
])
def test_continents_of_a_country(code: str, expected: tuple[str, ...]) -> None:
    assert continents_of(code) == expected


def test_unknown_country_code_has_no_continent() -> None:
    assert continents_of("QQ") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Europa", ("europe",)),
    ("Ameryka Południowa", ("south-america",)),
    ("ameryka poludniowa", ("south-america",)),  # no diacritics, lower case
    ("Ameryka Północna", ("north-america",)),
    ("Ameryka", ("north-america", "south-america")),
    ("Australia i Oceania", ("oceania",)),
    ("  Azja ", ("asia",)),
    ("South America", ("south-america",)),
])
def test_parse_continent_names_as_lists_write_them(text: str, expected: tuple[str, ...]) -> None:
    assert parse_continent(text) == expected


# ------------------------------------------------------------------------------ continent fit


@pytest.mark.parametrize(("continent", "code", "expected"), [
    ("Europa", "PL", True),
    ("Azja", "TG", False),  # Togo lies in Africa
    ("Europa", "KR", False),
    ("Europa", "RU", True),
    ("Azja", "RU", True),  # transcontinental: both accepted
    ("Europa", "GE", True),
    ("Azja", "CY", True),
    ("Ameryka", "US", True),  # the bare word covers both Americas
    ("Ameryka", "BR", True),
    ("Ameryka Północna", "BR", False),
    ("Afryka", "EG", True),
    ("Australia i Oceania", "AU", True),
])
def test_continent_fits(continent: str, code: str, expected: bool) -> None:
    fit, reason = continent_fits(continent, code)
    assert fit is expected, reason


def test_continent_fit_is_unknown_without_evidence() -> None:
    assert continent_fits("Atlantyda", "PL")[0] is None
    assert continent_fits("Europa", "")[0] is None
    assert continent_fits("Europa", "QQ")[0] is None


def test_continent_misfit_reason_names_both_sides() -> None:
    _, reason = continent_fits("Azja", "TG")
    assert "TG" in reason and "africa" in reason


# ------------------------------------------------------------------------------ web addresses


def test_parse_site_repairs_spaces_typed_into_the_host() -> None:
    assert parse_site("http://www oulu.fi/english/").host == "www.oulu.fi"
    assert parse_site("https://insa-centrevalde Loire.fr/en/").domain == "insa-centrevaldeloire"
    assert parse_site("gtu.ge/en/").country == "GE"  # no scheme


def test_parse_site_reads_national_second_levels_as_strong_evidence() -> None:
    site = parse_site("http://www.udea.edu.co/wps/portal")
    assert (site.domain, site.country, site.country_strong) == ("udea", "CO", True)
    assert parse_site("https://diu.ac/").country_strong is False  # .ac alone is a vanity TLD
    assert parse_site("https://www.nsan.co.uk/x").country == "GB"
    assert parse_site("http://www.uctm.edu/").country is None
    assert parse_site("not a web address") is None


@pytest.mark.parametrize(("url", "institution", "country"), [
    ("https://www.unileoben.ac.at/", "Montanuniversität Leoben", "AT"),
    ("http://www.tu-varna.bg/tu-varna/index.php?lang=en", "Technical University of Varna", "BG"),
    ("http://www.uctm.edu/index_en.html", "University of Chemical Technology and Metallurgy",
     "BG"),
    ("http://www.pucpr.br/", "Papięski Uniwersytet Katolicki w Paranie", "BR"),
    ("http://www.kaznu.kz/", "Al-Farabi Kazachski Uniwersytet Narodowy", "KZ"),  # word order
    ("http://www.unizg.hr/", "University of Zagreb", "HR"),
    ("http://www.i2en.fr/en/", "International Institute of Nuclear Energy (I2EN)", "FR"),
    ("http://english.nimte.cas.cn/",
     "Ningbo Institute of Materials Technology and Engineering of the Chinese Academy of "
     "Sciences", "CN"),
    ("http://www oulu.fi/english/", "University of Oulu", "FI"),
    ("https://www.universities.com/kazakhstan/karaqanda-state-industrial-university/",
     "Karaganda State Industrial University", "KZ"),  # the path spells the name
])
def test_website_fits_its_institution(url: str, institution: str, country: str) -> None:
    fit, reason, score = website_fits(url, institution, country)
    assert fit is True, reason
    assert score >= 0.6


def test_cctld_of_another_country_is_a_misfit() -> None:
    fit, reason, _ = website_fits(
        "http://www.udea.edu.co/wps/portal/udea/web/home",
        "Wschodnio Kazachski Państwowy Uniwersytet Techniczny im. D. Serikbajewa", "KZ")
    assert fit is False
    assert "CO" in reason and "KZ" in reason


@pytest.mark.parametrize(("url", "institution", "country"), [
    ("https://www.cvut.cz/en", "Czech Technical University in Prague", "CZ"),  # Czech initials
    ("http://www.itesm.edu/wps/portal", "Sultan Moulay Slimane University", "MA"),  # .edu
    ("https://www.nature.com/nature-index/", "Energy Research Institute", "CN"),  # .com
    ("https://aafit.co/", "Shakarim University of Semey", "KZ"),  # bare vanity .co
    ("https://diu.ac/", "Tafresh University", "IR"),  # bare vanity .ac
])
def test_no_evidence_means_unknown_not_misfit(url: str, institution: str, country: str) -> None:
    fit, reason, _ = website_fits(url, institution, country)
    assert fit is None, reason


def test_territory_domain_fits_its_sovereign() -> None:
    fit, _, _ = website_fits("https://www.cityu.edu.hk/", "Some Other Name", "CN")
    assert fit is None  # no name evidence, but .hk is no misfit for a Chinese row


def test_strong_name_match_overrides_a_foreign_cctld() -> None:
    # a branch campus may use its parent's domain: conflicting evidence, so "cannot tell"
    fit, _, _ = website_fits("https://www.unileoben.ac.at/", "Montanuniversität Leoben", "DE")
    assert fit is None


def test_unknown_country_still_compares_names() -> None:
    fit, _, _ = website_fits("http://www.tu-varna.bg/", "Technical University of Varna", None)
    assert fit is True


def test_unreadable_address_is_unknown() -> None:
    assert website_fits("brak", "University of Oulu", "FI")[0] is None


def test_looks_like_institution() -> None:
    assert looks_like_institution("Loyola Marymont University")
    assert looks_like_institution("Instytut Matematyki")
    assert looks_like_institution("École Centrale")
    assert not looks_like_institution("Los Angeles")
    assert not looks_like_institution("Bethlehem (Pensylwania)")


# --------------------------------------------------------------------------- shift detection


def _row(n: int, institution: str, code: str | None, website: str, continent: str = "") -> Row:
    return Row(f"row {n}", institution, code, website=website, continent=continent)


SHIFTED = [
    _row(1, "University of Zagreb", "HR", "http://www.unizg.hr/", "Europa"),
    _row(2, "Technical University of Varna", "BG", "http://www.uctm.edu/", "Europa"),
    _row(3, "University of Chemical Technology and Metallurgy", "BG",
         "https://www.unileoben.ac.at/", "Europa"),
    _row(4, "Montanuniversität Leoben", "AT", "http://www.udea.edu.co/", "Ameryka Południowa"),
    _row(5, "Universidad de Antioquia", "CO", "https://www.ufop.br/", "Ameryka Południowa"),
    _row(6, "Universidade Federal de Ouro Preto", "BR", "https://ufop.br/",
         "Ameryka Południowa"),
]


def test_values_shifted_by_one_row_are_flagged_with_their_owner() -> None:
    flags = shifted_cells(SHIFTED)
    for index, owner in ((1, "row 3"), (2, "row 4"), (3, "row 5"), (4, "row 6")):
        website = [f for f in flags[index] if f.field == "website"]
        assert len(website) == 1, index
        assert website[0].code == "shifted-cell"
        assert website[0].withheld
        assert owner in website[0].message
        assert website[0].value == SHIFTED[index].website


def test_values_that_fit_their_own_row_are_not_flagged() -> None:
    flags = shifted_cells(SHIFTED)
    assert 0 not in flags and 5 not in flags


def test_shifted_continent_names_the_row_its_website_went_to() -> None:
    flags = shifted_cells(SHIFTED)
    continent = [f for f in flags[3] if f.field == "continent"]
    assert [f.code for f in continent] == ["shifted-cell"]
    assert "row 5" in continent[0].message and continent[0].withheld


def test_fit_checks_can_be_limited_to_one_field() -> None:
    flags = shifted_cells(SHIFTED, fields=("continent",))
    assert all(f.field == "continent" for fs in flags.values() for f in fs)


def test_lone_look_alike_initials_are_not_a_shift() -> None:
    # "nmu" reads as the neighbour's initials, but three letters prove nothing on their own
    rows = [
        _row(1, "Narodowy Uniwersytet Górniczy", "UA", "http://www.nmu.org.ua/"),
        _row(2, "National Metallurgical University", "UA", "https://nmetau.edu.ua/"),
        _row(3, "Lviv Polytechnic National University", "UA", "http://lp.edu.ua/"),
    ]
    assert shifted_cells(rows) == {}


def test_same_address_copied_from_a_row_it_fits_is_flagged() -> None:
    rows = [
        _row(1, "HEYU Academic and Culture Development Limited", "CN",
             "http://www.aust.edu.cn/2008/"),
        _row(2, "Anhui University of Science and Technology", "CN",
             "http://www.aust.edu.cn/2008/"),
    ]
    flags = shifted_cells(rows)
    assert list(flags) == [0]
    assert flags[0][0].code == "shifted-cell" and "row 2" in flags[0][0].message


def test_foreign_cctld_without_an_owner_is_a_withheld_misfit() -> None:
    rows = [_row(1, "Państwowy Uniwersytet im. A. S. Puszkina w Brześciu", "BY",
                 "http://iro.pb.edu.pl/", "Europa")]
    flags = shifted_cells(rows)
    assert [(f.field, f.code, f.withheld) for f in flags[0]] == [
        ("website", "cell-misfit", True)]


def test_misfit_continent_without_evidence_of_a_shift() -> None:
    rows = [_row(1, "University of Lome", "TG", "http://www.univ-lome.tg/", "Azja")]
    flags = shifted_cells(rows)
    assert [(f.field, f.code) for f in flags[0]] == [("continent", "cell-misfit")]


def test_rows_without_a_country_are_judged_by_name_only() -> None:
    rows = [_row(1, "Koya University", None, "http://www.koyauniversity.org/", "Azja")]
    assert shifted_cells(rows) == {}


def test_shift_detection_is_deterministic() -> None:
    first = shifted_cells(SHIFTED)
    assert shifted_cells(list(SHIFTED)) == first


@pytest.mark.parametrize(("heading", "codes"), [
    ("Noord-Amerika", ("north-america",)), ("Azië", ("asia",)),
    ("Zuid-Amerika", ("south-america",)),
    ("Sydamerika", ("south-america",)), ("Nord-Amerika", ("north-america",)),
    ("Oseania", ("oceania",)), ("Aasia", ("asia",)), ("Jižní Amerika", ("south-america",)),
    ("Ázsia", ("asia",)), ("Kuzey Amerika", ("north-america",)), ("Avrupa", ("europe",)),
    ("ΕΥΡΩΠΗ", ("europe",)), ("Ασία", ("asia",)), ("АЗИЯ", ("asia",)),
    ("北美洲", ("north-america",)), ("ヨーロッパ", ("europe",)), ("아시아", ("asia",)),
    ("Midden-Oosten", ("asia", "africa")), ("Orta Doğu", ("asia", "africa")),
    # headings that join continents with "and", in any language, mean all of them
    ("Asia og Oseania", ("asia", "oceania")), ("Afrika en het Midden-Oosten", ("africa", "asia")),
    ("亚洲和大洋洲", ("asia", "oceania")), ("Europa & Asia", ("europe", "asia")),
])
def test_continent_and_region_headings_of_further_languages(heading: str,
                                                           codes: tuple[str, ...]) -> None:
    assert parse_continent(heading) == codes


@pytest.mark.parametrize("text", ["Universiteit Utrecht", "Europa and Universidad", "and",
                                  "Asia og", "Universidade de Lisboa e Porto"])
def test_a_heading_with_any_other_word_is_no_continent(text: str) -> None:
    assert parse_continent(text) is None


@pytest.mark.parametrize(("cell", "institution"), [
    ("Πανεπιστήμιο Αθηνών", True), ("ΠΑΝΕΠΙΣΤΗΜΙΟ ΚΥΠΡΟΥ", True),
    ("Εθνικό Μετσόβιο Πολυτεχνείο", True), ("Университет ИТМО", True),
    ("Київський національний університет", True), ("Высшая школа экономики", True),
    ("Универзитет у Београду", True),
    ("Θεσσαλονίκη", False), ("Москва", False), ("Київ", False), ("ΓΕΡΜΑΝΙΑ", False),
])
def test_greek_and_cyrillic_institution_words(cell: str, institution: bool) -> None:
    assert looks_like_institution(cell) is institution
