"""The language `exchange-kg new-mapping` writes into a new list's manifest entry: the build
publishes it as the document's language and tags the remarks with it, so a neighbouring
language (Croatian as Serbian, Portuguese as Spanish) is a false fact. Words several languages
share do not decide; a declared language is taken unless the words contradict it; where the
evidence is thin the entry says `und` with a CHECK."""

from __future__ import annotations

from pathlib import Path

from exchange_kg.languages import country_name_languages
from exchange_kg.languages import spelled_key as text_key
from exchange_kg.propose import manifest_entry, propose


def _csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


CROATIAN = ["Njemačka;Universität Hamburg;sporazum o suradnji;31. 5. 2029.;2",
            "Austrija;Universität Wien;sporazum o razmjeni studenata;do opoziva;1",
            "Italija;Università di Bologna;okvirni sporazum;31. 5. 2029.;3",
            "Mađarska;Eötvös Loránd Tudományegyetem;sporazum o suradnji;neograničeno;2"]


def test_a_croatian_list_is_not_named_serbian_for_the_header_words_they_share(
        tmp_path: Path) -> None:
    # "Država", "Institucija", "Vrsta sporazuma" are Serbian (Latin letters), Croatian and
    # Bosnian alike. Named after the first header word, the list had been Serbian; the
    # vocabularies know Croatian far better than Bosnian, so the counts cannot tell these
    # two apart either, and the user is asked
    path = _csv(tmp_path / "sporazumi.csv",
                "Država;Institucija;Vrsta sporazuma;Vrijedi do;Broj mjesta", CROATIAN)
    proposal = propose(path, "sporazumi")
    assert proposal.language is None
    assert "language: und  # CHECK: the words of the list are about as much hr as bs" in \
        manifest_entry(proposal, path)


def test_norwegian_standards_the_words_do_not_tell_apart_are_norwegian(
        tmp_path: Path) -> None:
    path = _csv(tmp_path / "avtaler.csv", "Land;Universitet;Avtaletype;Plasser", [
        "Tyskland;Universität Hamburg;Erasmus+;2", "Sverige;Uppsala universitet;Nordplus;1",
        "Danmark;Københavns Universitet;Erasmus+;2", "Finland;Helsingin yliopisto;Nordplus;1"])
    assert propose(path, "avtaler").language in ("no", "nb")


def test_an_icelandic_list_is_not_norwegian_for_month_names_spelled_alike_but_for_accents(
        tmp_path: Path) -> None:
    path = _csv(tmp_path / "samningar.csv", "Land;Háskóli;Gildir frá;Gildir til", [
        "Danmörk;Københavns Universitet;1. október 2022;31. júlí 2029",
        "Þýskaland;Universität Hamburg;1. janúar 2023;31. júlí 2029",
        "Noregur;Universitetet i Oslo;1. október 2022;31. maí 2028",
        "Svíþjóð;Uppsala universitet;1. janúar 2023;31. júlí 2029"])
    assert propose(path, "samningar").language in (None, "is")


def test_a_portuguese_list_is_not_spanish(tmp_path: Path) -> None:
    path = _csv(tmp_path / "acordos.csv", "País;Instituição;Programa;Vagas;Vigência", [
        "Alemanha;Universität Hamburg;Erasmus+;2;até 31/05/2029",
        "Espanha;Universidad de Salamanca;Acordo bilateral;3;indeterminado",
        "Itália;Università di Bologna;Erasmus+;2;até 31/05/2029",
        "Reino Unido;University of Leeds;Memorando de entendimento;1;até 31/05/2029"])
    assert propose(path, "acordos").language == "pt"


def test_a_declared_language_is_taken_and_one_the_words_contradict_is_not(
        tmp_path: Path) -> None:
    table = ("<table><tr><th>Država</th><th>Institucija</th><th>Vrsta sporazuma</th>"
             "<th>Broj mjesta</th></tr>" + "".join(
                 "<tr>" + "".join(f"<td>{c}</td>" for c in (r.split(";")[:3] + ["2"])) + "</tr>"
                 for r in CROATIAN) + "</table>")
    declared = tmp_path / "hr.html"
    declared.write_text(f'<html lang="hr-HR"><body>{table}</body></html>', encoding="utf-8")
    assert propose(declared, "hr").language == "hr"
    # a site template's lang="en" over a Croatian table: neither is published
    template = tmp_path / "en.html"
    template.write_text(f'<html lang="en"><body>{table}</body></html>', encoding="utf-8")
    proposal = propose(template, "en")
    assert proposal.language is None
    entry = manifest_entry(proposal, template)
    assert "language: und  # CHECK: the document declares its language as 'en'" in entry


def test_a_list_whose_words_two_languages_share_is_left_undecided(tmp_path: Path) -> None:
    # every word here is Croatian, Serbian and Bosnian alike
    path = _csv(tmp_path / "lista.csv", "Država;Institucija;Vrsta sporazuma", [
        "Austrija;Universität Wien;Erasmus+", "Italija;Università di Bologna;Erasmus+"])
    proposal = propose(path, "lista")
    assert proposal.language is None
    assert "language: und  # CHECK: the words of the list are about as much" in \
        manifest_entry(proposal, path)


def test_country_names_know_their_languages() -> None:
    names = country_name_languages()
    assert "hr" in names[text_key("Njemačka")] and "sr" not in names[text_key("Njemačka")]
    assert {"en", "es", "it"} <= names[text_key("Austria")]
    # a language pycountry has no translation for does not inherit the English name
    assert "hr" not in names[text_key("Germany")]
