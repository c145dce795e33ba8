"""Name normalisation for entity resolution: what must compare equal and what must not."""

from __future__ import annotations

import pytest

from exchange_kg.resolve.names import (
    acronym_of,
    contractions,
    initials,
    parse_name,
    place_tokens,
    with_acronym,
)

# Spellings of one name that must normalise to the same key (word order within a part kept).
SAME_KEY = [
    ("École Centrale de Paris", "Ecole Centrale de Paris"),  # accents
    ("University of Tokyo", "The University of Tokyo"),  # leading article
    ("Korea Advanced Institute of Science & Technology",
     "Korea Advanced Institute of Science and Technology"),  # "&"
    ("Univ. of Bonn", "University of Bonn"),  # abbreviation
    ("Technische Universität Berlin", "Technical University of Berlin"),  # native head words
    ("Technische Universität München", "Technical University of Munich"),  # place name
    ("TU Bergakademie Freiberg", "Technical University of Bergakademie Freiberg"),  # "TU"
    ("Universidad de Concepción", "University of Concepcion"),
    ("Universita degli Studi dell'Aquila", "University of L'Aquila"),  # phrase, elision
    ("Université de Strasbourg", "University of Strasbourg"),
    ("Institut Teknologi Bandung", "Institute of Technology Bandung"),
    ("National Taiwan Ocean Universtiy", "National Taiwan Ocean University"),  # head typo
    ("Univeriste M'Hamed Bougara", "Universite M'Hamed Bougara"),
    ("Claude Bernard Lyon I", "Claude Bernard Lyon 1"),  # final Roman numeral
    ("Technická Univerzita v Kosiciach", "Technical University of Kosice"),
    ("Far Eastern Branch of Russian Academy of Sciences",
     "Far Eastern Branch of the Russian Academy of Sciences"),
    ("Fachhochschule Münster", "University of Applied Sciences Münster"),
]


@pytest.mark.parametrize(("a", "b"), SAME_KEY)
def test_spellings_of_one_name_share_a_key(a: str, b: str) -> None:
    assert parse_name(a).key == parse_name(b).key


# Different names that must keep different keys.
DIFFERENT_KEY = [
    ("Beijing Institute of Technology", "Beijing University of Technology"),
    ("Tianjin University", "Tianjin University of Technology"),
    ("Université Lumière Lyon 2", "Université Claude Bernard Lyon 1"),
    ("Chonnam National University", "Chungnam National University"),
    ("Universitat Rovira I Virgili", "Universitat Rovira Virgili 1"),  # Catalan "i" = "and"
    ("Carnegie Institution of Washington", "Carnegie Institute of Washington"),
    # Punjab University and Punjabi University: a vowel sign apart (a word lost its vowels)
    ("पंजाब विश्वविद्यालय", "पंजाबी विश्वविद्यालय"),
]


@pytest.mark.parametrize(("a", "b"), DIFFERENT_KEY)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert parse_name(a).key != parse_name(b).key


def test_word_order_of_parts_is_free_but_kept_within_a_part() -> None:
    # parts set off by quotes, dashes and commas may come in any order
    a = parse_name('University of Rome "La Sapienza"')
    b = parse_name("Sapienza - University of Rome")
    assert a.parts == b.parts
    # acronyms go anywhere: "Aachen University RWTH" ~ "RWTH Aachen University"
    assert parse_name("Aachen University RWTH").parts == parse_name("RWTH Aachen University").parts
    # but within a part, order is part of the name ("Miami University" is not
    # "University of Miami")
    assert parse_name("Miami University").parts != parse_name("University of Miami").parts


def test_acronyms_are_recognised_only_in_mixed_case_names() -> None:
    assert parse_name("KTH Royal Institute of Technology").acronyms == ("kth",)
    assert parse_name("INSTITUTO TECNOLÓGICO DE BUENOS AIRES").acronyms == ()
    assert parse_name("SAPIENZA University of Rome").acronyms == ("sapienza",)
    # a head word in capitals is still a head word
    assert parse_name("University of CENTRAL Florida").acronyms == ()


def test_native_words_mark_a_translation() -> None:
    assert parse_name("Universitas Airlangga").native
    assert not parse_name("Airlangga University").native
    # an abbreviation or a place name in another language does not make a name native
    assert not parse_name("Univ. of Tokio").native


def test_at_and_in_after_a_head_word_start_a_qualifier_part() -> None:
    form = parse_name("University of Illinois at Chicago")
    assert form.segments == (("university", "illinois"), ("chicago",))
    assert parse_name("Czech Technical University in Prague").segments[-1] == ("prague",)
    # "in" before a head word is not a qualifier
    assert len(parse_name("Institute in Physics University").segments) == 1


def test_trailing_own_country_is_dropped_only_for_that_country() -> None:
    name = "Technische Universiteit Eindhoven the Netherlands"
    assert parse_name(name, "NL").key == parse_name("Technische Universiteit Eindhoven").key
    assert "netherlands" in parse_name(name, "DE").key
    # "University of Nigeria": nothing would be left to identify it
    assert parse_name("University of Nigeria", "NG").key == "university nigeria"


def test_rwth_is_recognised_as_initials_of_its_long_form() -> None:
    long = parse_name("Rheinisch-Westfälische Technische Hochschule Aachen")
    found = contractions(long, "RWTH")
    assert [c.form.key for c in found] == ["rwth aachen"]
    assert found[0].span_text == "Rheinisch Westfälische Technische Hochschule"
    assert found[0].form.parts == parse_name("RWTH Aachen").parts


def test_initials_skip_or_keep_small_words() -> None:
    form = parse_name("Instituto Tecnológico y de Estudios Superiores de Monterrey")
    assert "itesm" in initials(form)
    assert [c.form.key for c in contractions(form, "ITESM")] == ["itesm"]
    # acronyms shorter than three letters abbreviate too much to be trusted
    assert contractions(parse_name("Technische Universität"), "TU") == []


def test_known_acronym_becomes_a_part() -> None:
    form = with_acronym(parse_name("The Royal Institute of Technology"), "KTH")
    assert form.parts == parse_name("KTH Royal Institute of Technology").parts


@pytest.mark.parametrize(("text", "expected"), [
    ("KTH", "kth"), ("E-JUST", "ejust"), ("TU Berlin", None), ("Technische", None),
])
def test_acronym_fields(text: str, expected: str | None) -> None:
    assert acronym_of(text) == expected


@pytest.mark.parametrize(("city", "expected"), [
    ("Kijów", ("kyiv",)),
    ("Bethlehem (Pensylwania)", ("bethlehem",)),
    ("Tokio", ("tokyo",)),
    ("Torreón, Coah", ("torreon",)),
])
def test_city_cells(city: str, expected: tuple[str, ...]) -> None:
    assert place_tokens(city) == expected


def test_spellings_that_compare_alike_share_a_shape() -> None:
    # a corrected head word, a dropped accent: nothing the scorer reads differs
    assert parse_name("Katuti Univeristy of Technology").shape == \
        parse_name("Katuti University of Technology").shape
    assert parse_name("Universite de Strasbourg").shape == \
        parse_name("Université de Strasbourg").shape
    # another head word, or a lower-case first letter (patron names are told by capitals)
    assert parse_name("Katuti College of Technology").shape != \
        parse_name("Katuti University of Technology").shape
    assert parse_name("katuti University of Technology").shape != \
        parse_name("Katuti University of Technology").shape
