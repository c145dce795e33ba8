"""The vocabularies as reviewed data: every entry well formed, with its language, and the
main languages of partner lists covered in every table (the bioregistry way: the data is
checked like code)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pycountry
import pytest

from exchange_kg.mapping_spec import load_mapping
from exchange_kg.normalise import country as country_module
from exchange_kg.normalise.dates import DateValue, parse_date
from exchange_kg.normalise.fit import CONTINENTS, parse_continent
from exchange_kg.normalise.kinds import kind_values, parse_kinds
from exchange_kg.normalise.partner import parse_partner
from exchange_kg.normalise.quota import WORD_MEANINGS, parse_quota
from exchange_kg.normalise.term import MEANINGS, parse_terms
from exchange_kg.normalise.vocabulary import TABLES, builtin_entries, using
from exchange_kg.records import FIELDS
from exchange_kg.vocab import MOBILITY_KINDS
from exchange_kg.yamlfile import DataFileError

LANGUAGES = ("en", "pl", "es", "pt", "fr", "de", "it")
SHARED = ("mul", "*")  # an entry several languages write alike ("Erasmus+", "ST")


def _valid_value(table: str, value: str) -> bool:
    if table == "countries":
        return value in country_module.country_codes()
    if table == "continents":
        return set(value.split("|")) <= set(CONTINENTS)
    if table == "terms":
        return value in MEANINGS or re.fullmatch(r"(number|duration):\d{1,2}", value) is not None
    if table == "kinds":
        return value in kind_values()
    if table == "quota":
        return value in (*MOBILITY_KINDS, *WORD_MEANINGS)
    if table == "dates":
        return (value in ("prefix", "as-of", "as-of-after", "filler", "period", "month-marker",
                      "suffix")
                or (value.isdigit() and 1 <= int(value) <= 12)
                or re.fullmatch(r"era:-?\d{1,4}", value) is not None
                or re.fullmatch(r"solar-hijri:([1-9]|1[0-2])", value) is not None
                or value in ("calendar:ethiopian", "calendar:bikram-sambat",
                             "calendar:gregorian"))
    if table == "units":
        kind, _, type_ = value.partition(":")
        return kind in ("unit", "institution", "campus", "place") and bool(type_)
    if table == "headers":
        return value in FIELDS or value == "-"  # a column that names no field
    if table == "marks":
        return value in ("yes", "no")
    raise AssertionError(table)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_entry_is_well_formed_and_has_its_language(table: str) -> None:
    entries = builtin_entries(table)
    assert entries, table
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in entries:
        assert e.text.strip() == e.text and e.text, (table, e)
        assert e.language in SHARED or pycountry.languages.get(alpha_2=e.language), (table, e)
        assert _valid_value(table, e.value), (table, e)
        values[(e.text.casefold(), e.language)].add(e.value)
    clashing = {k: v for k, v in values.items() if len(v) > 1}
    assert not clashing, f"{TABLES[table].file}: one text, one language, two values: {clashing}"


def _covered(table: str, language: str) -> set[str]:
    return {e.value for e in builtin_entries(table) if e.language in (language, *SHARED)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_main_language_is_covered_in_every_table(language: str) -> None:
    terms = _covered("terms", language)
    assert {"open-ended", "duration", "auto-renewal", "until"} <= terms, terms
    kinds = _covered("kinds", language)
    assert {"bilateral", "framework", "specific", "memorandum-of-understanding",
            "letter-of-intent", "double-degree", "erasmus-plus"} <= kinds, kinds
    continents = {c for v in _covered("continents", language) for c in v.split("|")}
    assert set(CONTINENTS) - {"antarctica"} <= continents, continents
    units = {v.split(":")[1] for v in _covered("units", language) if v.startswith("unit:")}
    assert {"faculty", "school", "department", "institute", "college"} <= units, units
    months = {v for v in _covered("dates", language) if v.isdigit()}
    assert months == {str(m) for m in range(1, 13)}, months
    assert "places" in _covered("quota", language)
    headers = _covered("headers", language)
    assert {"country", "partner", "start", "quota", "kind"} <= headers, headers


# Country cells as lists write them, per language: abbreviations and everyday names included.
COUNTRY_CELLS = {
    "en": {"USA": "US", "U.S.A.": "US", "UK": "GB", "U.K.": "GB", "UAE": "AE", "U.A.E.": "AE",
           "S. Korea": "KR", "P.R. China": "CN", "Hong Kong SAR": "HK", "The Netherlands": "NL"},
    "es": {"EE. UU.": "US", "EE.UU.": "US", "EEUU": "US", "Estados Unidos": "US",
           "Reino Unido": "GB", "Gran Bretaña": "GB", "EAU": "AE", "Corea del Sur": "KR",
           "Países Bajos": "NL", "Alemania": "DE"},
    "pt": {"EUA": "US", "E.U.A.": "US", "Reino Unido": "GB", "Grã-Bretanha": "GB",
           "Emirados Árabes Unidos": "AE", "Coreia do Sul": "KR", "Holanda": "NL",
           "Alemanha": "DE", "Moçambique": "MZ"},
    "fr": {"États-Unis": "US", "É.-U.": "US", "Royaume-Uni": "GB", "Grande-Bretagne": "GB",
           "EAU": "AE", "Émirats arabes unis": "AE", "Corée du Sud": "KR", "Pays-Bas": "NL",
           "Allemagne": "DE"},
    "de": {"USA": "US", "Vereinigte Staaten": "US", "Großbritannien": "GB", "VAE": "AE",
           "Vereinigte Arabische Emirate": "AE", "Südkorea": "KR", "Niederlande": "NL",
           "VR China": "CN"},
    "it": {"Stati Uniti": "US", "Stati Uniti d'America": "US", "Regno Unito": "GB",
           "Gran Bretagna": "GB", "Emirati Arabi Uniti": "AE", "Corea del Sud": "KR",
           "Paesi Bassi": "NL", "Germania": "DE"},
    "pl": {"USA": "US", "Stany Zjednoczone": "US", "Wielka Brytania": "GB", "ZEA": "AE",
           "Zjednoczone Emiraty Arabskie": "AE", "Korea Południowa": "KR", "Holandia": "NL",
           "Anglia": "GB"},
}


@pytest.mark.parametrize(("language", "cell", "code"),
                         [(lang, cell, code) for lang, cells in COUNTRY_CELLS.items()
                          for cell, code in cells.items()])
def test_country_cells_in_each_language(language: str, cell: str, code: str) -> None:
    match = country_module.parse_country(cell)
    assert match is not None and match.code == code, (cell, match)
    assert match.method not in ("fuzzy", "homoglyph"), match  # read, not repaired


@pytest.mark.parametrize("phrase", ["l'eau", "Escuela de Aguas"])
def test_abbreviations_are_no_evidence_inside_names(phrase: str) -> None:
    # "EAU" is the Emirates in a country cell but "eau" is water inside a French name
    assert country_module.countries_in_name(f"École nationale de {phrase}") == []


@pytest.mark.parametrize(("cell", "month"), [
    ("marzo de 2019", 3), ("15 de março de 2024", 3), ("1er septembre 2018", 9),
    ("Oktober 2018", 10), ("12 dicembre 2020", 12), ("3 maja 2021", 5), ("August 2016", 8),
])
def test_month_names_in_each_language(cell: str, month: int) -> None:
    value, flags = parse_date(cell)
    assert value is not None and value.month == month and not flags


@pytest.mark.parametrize(("continent", "codes"), [
    ("Amérique du Nord", ("north-america",)), ("Südamerika", ("south-america",)),
    ("Americhe", ("north-america", "south-america")), ("Ásia", ("asia",)),
    ("Oceanía", ("oceania",)), ("EUROPA", ("europe",)),
])
def test_continent_names_in_each_language(continent: str, codes: tuple[str, ...]) -> None:
    assert parse_continent(continent) == codes


MAPPING = """source: tiny-list
list: tiny-list
vocabulary:
  countries: {"Ruritania del Sur": "RU"}
  terms: {"sin caducidad": open-ended}
  kinds: {"acuerdo de pasantía": student-exchange}
  quota: {"becas": places}
  dates: {"brumaire": 11}
  units: {"Cátedra": "unit:chair"}
sections:
  - name: partners
    reader: {name: simple-table, options: {columns: [country, partner]}}
    fields: {country: country, partner: partner}
    constants: {}
"""


def test_a_mapping_adds_words_for_its_own_source_only(tmp_path: Path) -> None:
    path = tmp_path / "tiny-list.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    vocabulary = load_mapping(path).vocabulary
    cells = [
        lambda: country_module.parse_country("Ruritania del Sur"),
        lambda: parse_terms("2019 sin caducidad")[0][0].open_ended,
        lambda: parse_kinds("Acuerdo de pasantía")[0].kinds,
        lambda: parse_quota("3 becas")[0],
        lambda: parse_date("4 brumaire 2019")[0],
        lambda: parse_partner("Universidad X (Cátedra de Física)", "auto")[0].parties[0].units,
    ]
    with using(vocabulary):
        inside = [read() for read in cells]
    outside = [read() for read in cells]
    assert inside[0] is not None and inside[0].code == "RU"
    assert inside[1] is True and inside[2] == ("student-exchange",)
    assert inside[3] is not None and inside[4] is not None and inside[4].month == 11
    assert inside[5] == ("Cátedra de Física",)
    assert outside[0] is None and outside[1] is None and outside[2] == ()
    assert outside[3] is None and outside[4] is None


@pytest.mark.parametrize(("entry", "where"), [
    ('terms: {"sin caducidad": forever}', "vocabulary/terms/sin caducidad"),
    ('countries: {"Ruritania": "QQ"}', "vocabulary/countries/Ruritania"),
    ('dates: {"brumaire": 13}', "vocabulary/dates/brumaire"),
    ('tables: {"x": y}', "vocabulary"),
])
def test_a_wrong_vocabulary_entry_is_an_error_at_its_line(tmp_path: Path, entry: str,
                                                          where: str) -> None:
    path = tmp_path / "tiny-list.yaml"
    head, _, rest = MAPPING.partition("vocabulary:\n")
    text = head + f"vocabulary:\n  {entry}\n" + rest[rest.index("sections:"):]
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_mapping(path)
    assert f"{path}:4:" in str(err.value) and where in str(err.value), str(err.value)


def test_the_report_lists_every_cell_no_vocabulary_understood(tmp_path: Path) -> None:
    from exchange_kg import pipeline, report
    from tiny_project import write_project

    mapping = MAPPING.replace("columns: [country, partner]", "columns: [country, partner, term]")
    mapping = mapping.replace("fields: {country: country, partner: partner}",
                              "fields: {country: country, partner: partner, term: term}")
    head, _, rest = mapping.partition("vocabulary:\n")
    mapping = head + rest[rest.index("sections:"):]
    rows = ["Atlantis\tUniversidad de Poseidonia\tpara siempre",
            "Atlantis\tUniversidad del Mar\tpara siempre",
            "Chile\tUniversidad de Chile\t2019 sin fin"]
    root = write_project(tmp_path, "\n".join(rows) + "\n", mapping)
    built = pipeline.build(root / "sources", root / "mappings")
    source = report.build_report(built, None, "https://example.org/")["sources"][0]
    assert source["not_understood"] == {
        "country": [{"value": "Atlantis", "count": 2}],
        "term": [{"value": "para siempre", "count": 2}, {"value": "sin fin", "count": 1}],
    }
    markdown = report.to_markdown(report.build_report(built, None, "https://example.org/"))
    assert b"### Cells no vocabulary understood" in markdown
    assert b"| term | sin fin | 1 |" in markdown


# A partner list in a language the tables had no words for (Czech), as a user brings it:
# new-mapping proposes its mapping from the header words alone, and the build understands
# every cell (academic years, semesters, month names, Erasmus+ mobility types, statuses).
CZECH_LIST = "\n".join("\t".join(row) for row in [
    ["Zahraniční partneři — Fakulta strojní"],
    ["Země", "Partnerská instituce", "Erasmus kód", "Typ smlouvy", "Platnost od",
     "Platnost do", "Počet studentů"],
    ["Německo", "Technische Universität Dresden", "D  DRESDEN02", "Erasmus+", "1. 9. 2021",
     "31. srpna 2028", "3 studenti"],
    ["Rakousko", "Technische Universität Wien", "A  WIEN02", "Erasmus+", "ZS 2021/22",
     "akademický rok 2027/2028", "2 x 5 měsíců"],
    ["Velká Británie", "University of Leeds", "UK LEEDS01", "Bilaterální smlouva", "1.10.2020",
     "30.9.2025", "2 SMS, 1 STA"],
    ["Rusko", "Moskevská státní univerzita", "", "Smlouva o spolupráci", "2019",
     "na dobu neurčitou", "5 míst"],
    ["Jižní Korea", "Korea University", "", "v jednání", "březen 2022", "5 let", "4 (2+2)"],
]) + "\n"


def test_a_list_in_a_further_language_is_proposed_and_understood(tmp_path: Path) -> None:
    from exchange_kg import pipeline, propose, report
    from tiny_project import write_project

    root = write_project(tmp_path, CZECH_LIST, "", language="cs")
    proposal = propose.propose(root / "sources" / "list.tsv", "tiny-list")
    (root / "mappings" / "tiny-list.yaml").write_text(proposal.yaml(), encoding="utf-8")
    assert "columns: [country, partner, erasmus_code, kind, start, end, quota]" in \
        proposal.yaml()
    built = pipeline.build(root / "sources", root / "mappings")
    source = report.build_report(built, None, "https://example.org/")["sources"][0]
    assert source["not_understood"] == {}
    nt = "\n".join(built.graph.lines())
    for value in ('"2028"^^', '"2028-08-31"^^', '"2021-09-01"^^', '"2022-03"^^', '"P5Y"^^'):
        assert value in nt, value
    countries = {line.rsplit(" ", 2)[1] for line in nt.splitlines()
                 if "addressCountry" in line}
    assert countries == {f'"{c}"' for c in ("DE", "AT", "GB", "RU", "KR")}, countries


@pytest.mark.parametrize(("cell", "field"), [
    ("Země", "country"), ("Ország", "country"), ("Ülke", "country"), ("Maa", "country"),
    ("Χώρα", "country"), ("Țara", "country"), ("Šalis", "country"),
    ("Partnerská instituce", "partner"), ("Partnerintézmény", "partner"),
    ("Kurum Adı", "partner"), ("Partnerinstelling", "partner"), ("Lärosäte", "partner"),
    ("Ίδρυμα", "partner"), ("Universitatea", "partner"), ("Institucija", "partner"),
    ("Ente partner", "partner"),
    ("Platnost od", "start"), ("Başlangıç Tarihi", "start"), ("Begindatum", "start"),
    ("Galioja iki", "end"), ("Data scadenza", "end"), ("Λήξη", "end"),
    ("Kontenjan", "quota"), ("Plaatsen", "quota"), ("Θέσεις", "quota"), ("Locuri", "quota"),
    ("Typ smlouvy", "kind"), ("Anlaşma Türü", "kind"), ("Sutarties tipas", "kind"),
    ("Erasmus kodu", "erasmus_code"), ("Cod Erasmus", "erasmus_code"),
    # short words that would claim longer headers by their first letters are left out
    # ("Stát" made "Status" a country); a status column is read with the agreement types
    ("Status", "kind"), ("Total", None), ("Totale", None),
])
def test_header_words_of_further_languages(cell: str, field: str | None) -> None:
    from exchange_kg.propose import header_field

    assert header_field(cell)[0] == field


# Cells of tests/fixtures/fragments the normalisers understood when each set was last changed
# (python tests/fragment_cells.py prints them per file and field): never fewer.
FRAGMENTS_UNDERSTOOD = {"set1": (631, 646), "set2": (188, 212), "set3": (174, 183),
                        "set4": (576, 589)}


@pytest.mark.parametrize("set_name", sorted(FRAGMENTS_UNDERSTOOD))
def test_fragments_in_further_languages_are_understood(set_name: str) -> None:
    from fragment_cells import totals

    understood, cells = totals(set_name)
    recorded, recorded_cells = FRAGMENTS_UNDERSTOOD[set_name]
    assert cells == recorded_cells
    assert understood >= recorded, f"{set_name}: {understood} of {cells} understood"


@pytest.mark.parametrize(("cell", "field"), [
    # student places are the quota; staff places and months are no header word of it
    ("Hallgatói helyek", "quota"), ("Öğrenci Hareketliliği", "quota"),
    ("Αριθμός φοιτητών", "quota"), ("Antal studenter", "quota"), ("名额", "quota"),
    ("Oktató", "-"), ("Personel Hareketliliği", "-"), ("Liczba miesięcy", "-"),
    ("Hallgatói hónapok", None), ("Öğrenci Ayı", None), ("Кількість місяців", "-"),
    ("Μήνες", "-"), ("Staff", "-"), ("Months", "-"),
    # the row number and the end in further languages
    ("Α/Α", "row_number"), ("Sıra No", "row_number"), ("序号", "row_number"),
    ("Ισχύς έως", "end"), ("有效期至", "end"),
])
def test_header_words_for_students_staff_and_numbering(cell: str, field: str | None) -> None:
    from exchange_kg.propose import header_field

    assert header_field(cell)[0] == field


@pytest.mark.parametrize(("cell", "field"), [
    ("Държава", "country"), ("Вид на договора", "kind"), ("Дата на подписване", "start"),
    ("Срок на действие", "term"), ("Брой студенти", "quota"),
    ("Држава", "country"), ("Важи до", "end"), ("Datum potpisivanja", "start"),
    ("Quốc gia", "country"), ("Ngày ký", "start"), ("Thời hạn", "term"),
    ("Negara", "country"), ("Tanggal Berakhir", "end"), ("Tarikh Tamat", "end"),
    ("کشور", "country"), ("تاریخ امضا", "start"), ("Počet miest", "quota"),
    ("Agreement period", "term"),
    ("Bilateral agreement", None),  # no row number of a language whose word starts so
])
def test_header_words_of_balkan_asian_and_persian_lists(cell: str, field: str | None) -> None:
    from exchange_kg.propose import header_field

    assert header_field(cell)[0] == field


@pytest.mark.parametrize(("line", "iso"), [
    ("Seisuga 01.10.2025", "2025-10-01"), ("Актуализирано: 01.10.2025 г.", "2025-10-01"),
    ("Стање на дан 01.09.2025.", "2025-09-01"), ("Diperbarui: 3 November 2025", "2025-11-03"),
    ("Kemas kini: 30 September 2025", "2025-09-30"), ("Ενημέρωση: 10/10/2025", "2025-10-10"),
    ("По состоянию на 01.09.2025", "2025-09-01"),
])
def test_as_of_stamps_of_further_languages(line: str, iso: str) -> None:
    from exchange_kg.propose.document import stated_as_of

    found = stated_as_of(["Partner universities", line])
    assert found is not None and found[0] == iso


def test_a_bilateral_exchange_agreement_in_dutch() -> None:
    assert parse_kinds("Bilateraal uitwisselingsakkoord")[0].kinds == ("bilateral",
                                                                       "student-exchange")


@pytest.mark.parametrize(("cell", "field"), [
    ("Veljavnost", "term"), ("Sõlmitud", "start"), ("Kehtiv kuni", "end"),
    ("Sinadura data", "start"), ("Indarraldia", "term"), ("Noslēgts", "start"),
    ("Derīgs līdz", "end"), ("협정기간", "term"), ("مدة الاتفاقية", "term"),
])
def test_validity_and_signing_headers_of_further_languages(cell: str, field: str) -> None:
    from exchange_kg.propose import header_field

    assert header_field(cell)[0] == field


@pytest.mark.parametrize(("cell", "field"), [
    ("วันสิ้นสุด", "end"), ("วันที่ลงนาม", "start"), ("ประเทศ", "country"), ("ประเภทข้อตกลง", "kind"),
])
def test_thai_headers(cell: str, field: str) -> None:
    from exchange_kg.propose import header_field

    assert header_field(cell)[0] == field


def test_a_duration_column_of_bare_numbers_takes_its_unit_from_the_mapping(
        tmp_path: Path) -> None:
    """'Duur (jaren)' over '5': only the header names the unit, so the mapping says it."""
    path = tmp_path / "tiny-list.yaml"
    path.write_text(MAPPING.replace('terms: {"sin caducidad": open-ended}',
                                    'terms: {"{n}": duration}'), encoding="utf-8")
    with using(load_mapping(path).vocabulary):
        assert [t.duration_years for t in parse_terms("5")[0]] == [5]
        assert [t.start for t in parse_terms("2021")[0]] == [DateValue(2021)]
    assert parse_terms("5")[0] == []  # elsewhere a bare number says nothing

