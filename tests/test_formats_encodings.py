"""Legacy encodings: a file that is not UTF-8 is read in the encoding its words show, or the
build stops naming the words two readings disagree on; a misread name is never published.

The lists are written here, in the code page an office in that country exports with; several
were misread without a word by the detector before this one (the Estonian cp1257 list as
mac_latin2: "Universitšt Greifswald"), others stopped though only one reading is sensible."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_kg.formats import open_view
from exchange_kg.formats.encodings import _odd, detect
from exchange_kg.records import SourceError

LISTS = {
    # was read as mac_latin2: 'Universitšt Greifswald', 'Latvijas Universit‚te', '‹likool'
    "et-cp1257": ("cp1257", "Riik;Ülikool;Lepingu tüüp;Kehtivus\n"
                  "Saksamaa;Universität Greifswald;Erasmus+;2021–2027\n"
                  "Läti;Latvijas Universitāte;Erasmus+;kuni 31.08.2027\n"
                  "Norra;Universitetet i Tromsø – Norges arktiske universitet;kahepoolne;"
                  "tähtajatu\n"
                  "Ameerika Ühendriigid;University of Washington;kahepoolne;kuni 30.06.2026\n"),
    "lt-cp1257": ("cp1257", "Šalis;Universitetas;Sutartis\n"
                  "Lenkija;Uniwersytet Warszawski;Erasmus+\n"
                  "Latvija;Rīgas Tehniskā universitāte;dvišalė\n"
                  "Vokietija;Technische Universität München;Erasmus+\n"),
    "pl-cp1250": ("cp1250", "Kraj;Uczelnia;Miejsca\nNiemcy;Universität Leipzig;2\n"
                  "Czechy;Masarykova univerzita, Brno;3\nPolska;Uniwersytet Śląski w Katowicach;1\n"
                  "Hiszpania;Universidad de Málaga;2\n"),
    "cs-cp1250": ("cp1250", "Země;Univerzita;Počet míst\nNěmecko;Universität Wien;2\n"
                  "Polsko;Politechnika Łódzka;3\nSlovensko;Žilinská univerzita v Žiline;1\n"),
    "hu-latin2": ("iso8859_2", "Ország;Intézmény;Hallgató\nNémetország;Universität Würzburg;2\n"
                  "Lengyelország;Uniwersytet Łódzki;2\nFinnország;Jyväskylän yliopisto;1\n"),
    "ru-cp1251": ("cp1251", "Страна;Университет;Места\nГермания;Университет Гейдельберга;2\n"
                  "Казахстан;Казахский национальный университет;3\n"),
    "uk-koi8u": ("koi8_u", "Країна;Університет\nПольща;Варшавський університет\n"
                 "Німеччина;Університет Геттінгена\n"),
    "el-cp1253": ("cp1253", "Χώρα;Ίδρυμα;Θέσεις\nΓερμανία;Universitaet Bonn;2\n"
                  "Κύπρος;Πανεπιστήμιο Κύπρου;2\n"),
    "tr-cp1254": ("cp1254", "Ülke;Üniversite;Kontenjan\nAlmanya;Universität Göttingen;2\n"
                  "Türkiye;Boğaziçi Üniversitesi;2\nİspanya;Universidad de Sevilla;1\n"),
    "it-cp1252": ("cp1252", "Paese;Università partner;Posti\nFrancia;Université Paris Cité;2\n"
                  "Germania;Universität zu Köln;2\nSpagna;Universidad de Córdoba;1\n"),
    "is-cp1252": ("cp1252", "Land;Háskóli\nÞýskaland;Universität Hamburg\n"
                  "Danmörk;Københavns Universitet\n"),
    "fr-latin1": ("latin_1", "Pays;Établissement;Places\nAllemagne;Universität Mannheim;2\n"
                  "Espagne;Universidad de León;1\nItalie;Università di Padova;2\n"),
    # an old Mac Excel's "CSV (Macintosh)": rare, but taken when the words say so
    "fr-macroman": ("mac_roman", "Pays;Établissement;Places\nAllemagne;Universität Mannheim;2\n"
                    "Espagne;Universidad de León;1\nItalie;Università di Padova;2\n"),
    "zh-gbk": ("gb18030", "国家;合作院校\n德国;海德堡大学\n日本;东京大学\n"),
    "ja-sjis": ("cp932", "国;大学\nドイツ;ミュンヘン大学\nイスラエル;マッシュ・テック株式会社\n"),
    # a bilingual list: its wide brackets and colons stand between words, in no word
    "ja-sjis-bilingual": ("cp932", "東北大学 学術交流協定一覧\n（令和7年10月1日現在）\n"
                          "国・地域;大学名（英語）;大学名（日本語）;派遣枠\n"
                          "英国;University of Sheffield;シェフィールド大学;2名\n"
                          "大韓民国;Korea University;高麗大学校;3名\n"
                          "※若干名：派遣・受入人数は毎年度の協議により決定する。\n"),
    "ko-cp949": ("cp949", "국가;대학\n독일;뮌헨대학교\n프랑스;파리대학교\n"),
    "ar-cp1256": ("cp1256", "فرنسا;جامعة الشرق الأوسط\nكوريا، جمهوريّة كوريا;جامعة\n"),
    # a Hebrew abbreviation holds its gershayim inside the word ("ארה״ב", the USA)
    "he-cp1255": ("cp1255", "מדינה;מוסד;סוג ההסכם\nארה״ב;Harvard University;הסכם חילופי "
                  "סטודנטים\nגרמניה;Heidelberg University;מזכר הבנות\n"),
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_legacy_list_is_read_as_its_office_wrote_it(name: str, tmp_path: Path) -> None:
    encoding, text = LISTS[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(text.encode(encoding))
    view = open_view(path, [{"delimiter": ";"}])
    assert view.lines == [line.replace(";", "\t") for line in text.splitlines()]


def test_the_estonian_list_is_not_read_as_a_mac_encoding(tmp_path: Path) -> None:
    path = tmp_path / "lepingud.csv"
    path.write_bytes(LISTS["et-cp1257"][1].encode("cp1257"))
    assert detect(path, path.read_bytes()) == "cp1257"


def test_two_readings_that_both_make_words_stop_the_build(tmp_path: Path) -> None:
    """cp1252 and cp1250 give 'Politècnica'/'Politčcnica' and 'Lumière'/'Lumičre': letters
    of a language either way and no word the vocabulary knows, so the build asks, naming
    the file, the line, the words in both readings and the option."""
    text = ("Land;Hochschule\nFrankreich;Université Lumière Lyon 2\n"
            "Spanien;Universitat Politècnica de València\n")
    path = tmp_path / "partner.csv"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(SourceError) as caught:
        open_view(path, [{"delimiter": ";"}])
    message = str(caught.value)
    assert message.startswith(f"{path}:2: the encoding is not certain")
    assert "'Lumière'" in message and "'Lumičre'" in message
    assert "reader option `encoding:`" in message
    assert "encoding: cp1252" in message and "encoding: cp1250" in message
    view = open_view(path, [{"delimiter": ";", "encoding": "cp1252"}])
    assert view.lines[2] == "Spanien\tUniversitat Politècnica de València"


@pytest.mark.parametrize(("wrong", "right"), [
    ("Universit‚te", "Universitāte"),  # a quotation mark inside a word
    ("tŁŁp", "tüüp"),  # a capital after small letters
    ("MŹre", "Mère"),
    ("UNIVERSITšT", "UNIVERSITÄT"),  # a small letter among capitals
    ("лНЯЙНБЯЙХИ", "Московский"),  # all capitals but the first letter
    ("ЗбГжУШ", "КазНУ"),  # small and capital letters taking turns; one run is an abbreviation
    ("Universitдt", "Universität"),  # two scripts in a word
    ("Ukrai膕ka", "Ukraińska"),
    ("Boðaziçi", "Boğaziçi"),  # letters no one language has together
    ("Jose\x96Recoletos", "Jose–Recoletos"),  # a control character; a dash may join words
    ("๙ๅๅ้้๕", "שווייץ"),  # a script's digits inside a word
    ("Œl¹ski", "Śląski"),  # a superscript digit
])
def test_a_word_no_language_writes_counts_against_its_reading(wrong: str, right: str) -> None:
    assert _odd(wrong) and not _odd(right)


def test_punctuation_around_a_word_is_not_part_of_it() -> None:
    assert not any(_odd(w) for w in ("«Università»", "¿Qué", "كوريا،", "d’Économie",
                                     "Jean-Édouard", "マッシュ・テック株式会社"))


def test_a_known_word_decides_between_two_sensible_readings(tmp_path: Path) -> None:
    """'Klaipëdos'/'Klaipėdos' read as letters both ways (cp1252, cp1257); the Lithuanian
    country name in the list's country column is a word the vocabulary knows."""
    path = tmp_path / "list.csv"
    text = "Šalis;Partneris\nPrancūzija;Klaipėdos universitetas\n"
    path.write_bytes(text.encode("cp1257"))
    assert open_view(path, [{"delimiter": ";"}]).lines[1] == \
        "Prancūzija\tKlaipėdos universitetas"
    path.write_bytes("Partneris\nKlaipėdos universitetas\n".encode("cp1257"))
    with pytest.raises(SourceError, match="'Klaipëdos'"):
        open_view(path, [{"delimiter": ";"}])


def test_an_html_page_without_a_charset_is_read_by_its_words(tmp_path: Path) -> None:
    page = ("<html><body><table><tr><th>Riik</th><th>Ülikool</th></tr>"
            "<tr><td>Läti</td><td>Latvijas Universitāte</td></tr></table></body></html>")
    path = tmp_path / "list.html"
    path.write_bytes(page.encode("cp1257"))
    assert open_view(path, [{}]).lines[-1] == "Läti\tLatvijas Universitāte"


@pytest.mark.parametrize(("declared", "encoding"), [
    ("iso-8859-1", "utf-8"),  # a template's stale declaration over UTF-8 bytes
    ("utf-8", "cp1257"),  # a UTF-8 declaration over bytes that are not UTF-8
    ("windows-1257", "cp1257"),  # a declaration the bytes bear out
])
def test_an_html_page_is_read_as_a_visitor_saw_it_whatever_its_meta_says(
        declared: str, encoding: str, tmp_path: Path) -> None:
    page = (f"<html><head><meta charset='{declared}'></head><body><table>"
            "<tr><th>Riik</th><th>Ülikool</th></tr>"
            "<tr><td>Läti</td><td>Latvijas Universitāte – Rīga</td></tr></table></body></html>")
    path = tmp_path / "list.html"
    path.write_bytes(page.encode(encoding))
    assert open_view(path, [{}]).lines[-1] == "Läti\tLatvijas Universitāte – Rīga"


def test_a_page_declared_latin_1_is_read_as_a_browser_reads_it(tmp_path: Path) -> None:
    """Browsers read 'iso-8859-1' as Windows-1252, whose byte 0x96 is a dash."""
    path = tmp_path / "list.html"
    path.write_bytes("<html><head><meta charset='iso-8859-1'></head><body><table>"
                     "<tr><td>Espagne</td><td>Universidad de León – Campus de Vegazana</td>"
                     "</tr></table></body></html>".encode("cp1252"))
    assert open_view(path, [{}]).lines == ["Espagne\tUniversidad de León – Campus de Vegazana"]


def test_a_utf8_file_damaged_in_one_place_is_named_by_that_line(tmp_path: Path) -> None:
    # one latin-1 byte in a UTF-8 list: no legacy encoding reads the rest right
    text = ("Country\tPartner\nFrance\tUniversité de Lille\nSpain\tUniversidad Politécnica"
            "\nAustria\tUniversit\udce4t Wien\nMexico\tInstituto Tecnológico\n")
    path = tmp_path / "list.tsv"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(SourceError) as raised:
        detect(path, path.read_bytes())
    assert raised.value.line == 4 and "not valid UTF-8" in raised.value.message
    # a list in a code page holds no UTF-8 letter: still read by its words
    legacy = tmp_path / "legacy.tsv"
    legacy.write_bytes(text.replace("\udce4", "ä").encode("cp1252"))
    assert detect(legacy, legacy.read_bytes()) == "cp1252"


def test_letters_lost_when_the_file_was_saved_stop_the_build(tmp_path: Path) -> None:
    """Excel's "CSV (Macintosh)" writes '?' for each letter Mac Roman lacks: read, the names
    were published damaged ('Bo?aziçi Üniversitesi'); the error names them, their lines and
    the fix, in the build and in new-mapping. An address's query is no lost letter."""
    from exchange_kg.propose import propose

    text = ("Land;Partnerhochschule;Website\r"
            "Frankreich;Université de Strasbourg;https://www.unistra.fr/index.php?lang=fr\r"
            "Türkei;Bo?aziçi Üniversitesi;\rPolen;Uniwersytet ?ódzki;\r")
    path = tmp_path / "mac.csv"
    path.write_bytes(text.encode("mac_roman"))
    for attempt in (lambda: open_view(path, [{"encoding": "mac_roman"}]),
                    lambda: propose(path, "mac")):
        with pytest.raises(SourceError, match="letters were lost") as caught:
            attempt()
        assert "'Bo?aziçi', '?ódzki'; line(s) 3, 4" in str(caught.value)
    path.write_bytes(text.replace("Bo?", "Boğ").replace("?ó", "Łó").encode("utf-8"))
    assert open_view(path, [{}]).lines[1].endswith("index.php?lang=fr")
