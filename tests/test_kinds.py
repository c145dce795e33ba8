"""Agreement-kind normaliser: every agreement type in the sources plus Polish phrases."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange_kg.agreements import build_agreements
from exchange_kg.mapping_spec import Section, load_mapping
from exchange_kg.normalise.kinds import (
    ENDED,
    EXPIRED,
    KindValue,
    kind_phrases,
    parse_kinds,
    tokenize,
)
from exchange_kg.records import RawRecord
from exchange_kg.vocab import KINDS, STATUSES

SOURCES = Path(__file__).resolve().parents[1] / "sources"

EXPECTED: dict[str, KindValue] = {
    "Bilateral": KindValue(("bilateral",)),
    "Erasmus+": KindValue(("erasmus-plus",)),
    "Bilateral/GE3": KindValue(("bilateral", "ge3")),
    "Bilateral/Erasmus+": KindValue(("bilateral", "erasmus-plus")),
    "Bilateral/Erasmus+/GE3": KindValue(("bilateral", "erasmus-plus", "ge3")),
    "Bilateral/GE3/Erasmus+": KindValue(("bilateral", "ge3", "erasmus-plus")),
    "Bilateral & Erasmus+": KindValue(("bilateral", "erasmus-plus")),
    "in process": KindValue((), "in-process"),
}


def _kind_cells() -> set[str]:
    cells: set[str] = set()
    path = SOURCES / "partners-agreement-types.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].strip() and parts[2].strip() != "Agreement type":
            cells.add(parts[2].strip())
    return cells


def test_every_agreement_type_in_the_sources_has_an_expectation() -> None:
    cells = _kind_cells()
    assert "Bilateral" in cells
    assert cells <= set(EXPECTED), sorted(cells - set(EXPECTED))


@pytest.mark.parametrize("cell", sorted(_kind_cells()))
def test_every_agreement_type_in_the_sources(cell: str) -> None:
    value, flags = parse_kinds(cell)
    assert value == EXPECTED[cell]
    assert flags == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GE3", KindValue(("ge3",))),
        ("List Intencyjny", KindValue(("letter-of-intent",))),
        ("list intencyjny", KindValue(("letter-of-intent",))),
        ("MoU", KindValue(("memorandum-of-understanding",))),
        ("Memorandum of Understanding", KindValue(("memorandum-of-understanding",))),
        ("umowa o współpracy", KindValue(("cooperation-agreement",))),
        ("UMOWA O WSPOLPRACY", KindValue(("cooperation-agreement",))),
        ("umowa o współpracy naukowej, kulturalnej i edukacyjnej",
         KindValue(("cooperation-agreement",))),
        ("umowa dotycząca wymian", KindValue(("student-exchange",))),
        ("umowa dot. wymian", KindValue(("student-exchange",))),
        ("student exchange agreement", KindValue(("student-exchange",))),
        ("MoU oraz umowa dot. wymian",
         KindValue(("memorandum-of-understanding", "student-exchange"))),
        ("Bilateral, Bilateral", KindValue(("bilateral",))),  # once, in order of mention
        ("Bilateral (in process)", KindValue(("bilateral",), "in-process")),
        # a Spanish kind column's shorthand for "convenio marco" and "convenio específico"
        ("Marco y específico", KindValue(("framework", "specific"))),
        ("Específico de intercambio", KindValue(("specific", "student-exchange"))),
        ("", KindValue()),
    ],
)
def test_parse_kinds_phrases(text: str, expected: KindValue) -> None:
    value, flags = parse_kinds(text)
    assert value == expected
    assert flags == []


def test_a_word_keeps_its_vowel_signs() -> None:
    """Thai and Indic scripts write vowels as combining marks: a word cut at them ("ปี" ->
    "ป") never matched a phrase of the vocabulary."""
    assert [t.text for t in tokenize("บันทึกความเข้าใจ 5 ปี")] == ["บันทึกความเข้าใจ", "5", "ปี"]
    assert [t.text for t in tokenize("समझौता ज्ञापन")] == ["समझौता", "ज्ञापन"]


def test_garbled_mou_is_read_and_flagged() -> None:
    value, flags = parse_kinds("M&U")
    assert value == KindValue(("memorandum-of-understanding",))
    assert [(f.code, f.value) for f in flags] == [("ocr-repaired", "M&U")]
    assert not flags[0].withheld


def test_unknown_tokens_are_flagged_not_dropped() -> None:
    value, flags = parse_kinds("Bilateral/Handshake Deal")
    assert value == KindValue(("bilateral",))
    assert [(f.code, f.value) for f in flags] == [("unknown-kind", "Handshake Deal")]
    # "Erasmus" may be the pre-2014 programme: read as Erasmus+ with a flag, which the
    # agreement's dates settle (an agreement dated before 2014 gets no Erasmus+)
    value, flags = parse_kinds("Erasmus")
    assert value == KindValue(("erasmus-plus",)) and flags[0].code == "erasmus-dated"


def test_field_name_is_configurable() -> None:
    _, flags = parse_kinds("Dunno", field="term")
    assert flags[0].field == "term"


def test_phrase_table_uses_only_vocabulary_names() -> None:
    for phrase in kind_phrases().phrases:
        value = phrase.value
        if value == "-":
            continue
        if value.startswith("status:"):
            assert value.removeprefix("status:") in (*STATUSES, ENDED, EXPIRED)
        else:
            assert value in KINDS


def test_tokenize_keeps_spans_of_the_original_text() -> None:
    text = "Współpraca & Erasmus+ – GE3"
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["wspolpraca", "&", "erasmus", "+", "-", "ge3"]
    assert [text[t.start : t.end] for t in tokens][0] == "Współpraca"


@pytest.mark.parametrize(("cell", "kinds", "status"), [
    ("Bilaterální smlouva", ("bilateral",), None),
    ("Keretmegállapodás", ("framework",), None),
    ("Erasmus+ ikili anlaşması", ("erasmus-plus", "bilateral"), None),
    ("Raamovereenkomst", ("framework",), None),
    ("Avsiktsförklaring", ("letter-of-intent",), None),
    ("Yhteistyösopimus", ("cooperation-agreement",), None),
    ("Udvekslingsaftale", ("student-exchange",), None),
    ("Μνημόνιο συνεργασίας", ("memorandum-of-understanding",), None),
    ("Acord-cadru", ("framework",), None),
    ("Supratimo memorandumas", ("memorandum-of-understanding",), None),
    ("Convênio geral", ("framework",), None),
    ("Exchange", ("student-exchange",), None),
    # not yet concluded: the one status the ontology has
    ("Under review", (), "in-process"),
    ("TBC", (), "in-process"),
    ("Pending signature", (), "in-process"),
    ("in attesa di firma", (), "in-process"),
    ("em tramitação", (), "in-process"),
    ("v jednání", (), "in-process"),
    ("Müzakere aşamasında", (), "in-process"),
    ("în curs de negociere", (), "in-process"),
    ("Erasmus+ (under review)", ("erasmus-plus",), "in-process"),
    # in force: the ordinary state, understood, and nothing to publish
    ("Active", (), None), ("Ongoing", (), None), ("In force", (), None),
    ("em vigor", (), None), ("in vigore", (), None), ("platná", (), None),
    ("érvényes", (), None), ("Yürürlükte", (), None), ("Gällande", (), None),
    ("Voimassa", (), None), ("Σε ισχύ", (), None), ("în vigoare", (), None),
    ("Galioja", (), None),
])
def test_kinds_and_statuses_of_further_languages(cell: str, kinds: tuple[str, ...],
                                                 status: str | None) -> None:
    assert parse_kinds(cell) == (KindValue(kinds, status), [])


@pytest.mark.parametrize("cell", ["Expired", "scaduto", "vencido", "lejárt", "Verlopen"])
def test_an_expired_status_is_read_for_the_row_only(cell: str) -> None:
    # an expired agreement is neither in process nor simply in force: the ontology has no
    # concept for it, so the status only decides whether the row is published (see below)
    assert parse_kinds(cell) == (KindValue((), EXPIRED), [])


@pytest.mark.parametrize(("cell", "kinds", "status"), [
    # a word that only says the cell names an agreement adds nothing, and hides nothing
    ("Accordo Erasmus+", ("erasmus-plus",), None),
    ("Convênio de Dupla Diplomação", ("double-degree",), None),
    ("Erasmus+ Kurumlararası Anlaşma", ("erasmus-plus",), "unknown"),
    ("Dohoda", (), None),
    ("Cotutelle", ("double-degree",), None),
    ("Acord de colaborare", ("cooperation-agreement",), None),
    ("Draft", (), "in-process"),
    ("Valabil", (), None), ("Platí", (), None), ("Geçerli", (), None),
])
def test_generic_agreement_words_and_further_wordings(cell: str, kinds: tuple[str, ...],
                                                      status: str | None) -> None:
    value, flags = parse_kinds(cell)
    assert value.kinds == kinds
    if status == "unknown":  # "Kurumlararası" (inter-institutional) is still reported
        assert value.status is None and [f.code for f in flags] == ["unknown-kind"]
    else:
        assert value.status == status and flags == []


@pytest.mark.parametrize(("cell", "kinds", "unknown"), [
    ("Staff exchange", (), ["Staff exchange"]),  # whose exchange is in the unknown word
    ("Research framework", (), ["Research framework"]),
    ("Exchange", ("student-exchange",), []),  # a type column's one word
    ("International student exchange", ("student-exchange",), ["International"]),
    ("Erasmus+ Exchange", ("erasmus-plus", "student-exchange"), []),
    ("Student and staff exchange", ("student-exchange",), []),
])
def test_a_one_word_type_qualified_by_unknown_words_proves_nothing(
        cell: str, kinds: tuple[str, ...], unknown: list[str]) -> None:
    value, flags = parse_kinds(cell)
    assert value.kinds == kinds
    assert [f.value for f in flags if f.code == "unknown-kind"] == unknown


@pytest.mark.parametrize(("cell", "kinds", "status"), [
    ("in Vorbereitung", (), "in-process"), ("w przygotowaniu", (), "in-process"),
    ("Aguardando assinatura", (), "in-process"), ("Awaiting approval", (), "in-process"),
    ("Protocollo esecutivo", ("specific",), None),
    ("Accordo quadro di cooperazione", ("framework",), None),
    ("Acordo de Mobilidade Estudantil", ("student-exchange",), None),
])
def test_further_statuses_and_kinds(cell: str, kinds: tuple[str, ...], status: str | None
                                    ) -> None:
    assert parse_kinds(cell) == (KindValue(kinds, status), [])


@pytest.mark.parametrize(("cell", "kinds"), [
    # Chinese writes no spaces: a phrase is found inside a run of characters
    ("合作备忘录", ("memorandum-of-understanding",)), ("双学位协议", ("double-degree",)),
    ("学生交流协议", ("student-exchange",)), ("校际合作协议", ("cooperation-agreement",)),
    ("合作備忘錄", ("memorandum-of-understanding",)),
    ("대학간 교류협정", ("cooperation-agreement",)),
])
def test_kinds_in_chinese_japanese_and_korean(cell: str, kinds: tuple[str, ...]) -> None:
    value, flags = parse_kinds(cell)
    assert value.kinds == kinds and flags == []


@pytest.mark.parametrize(("cell", "kinds"), [
    ("Меморандум про співпрацю", ("memorandum-of-understanding",)),
    ("Угода про академічну мобільність", ("student-exchange",)),
    ("Договір про співпрацю", ("cooperation-agreement",)),
    ("Соглашение о сотрудничестве", ("cooperation-agreement",)),
])
def test_russian_and_ukrainian_kinds(cell: str, kinds: tuple[str, ...]) -> None:
    value, flags = parse_kinds(cell)
    assert value.kinds == kinds and flags == []


@pytest.mark.parametrize(("cell", "kinds"), [
    ("yhteisymmärryspöytäkirja", ("memorandum-of-understanding",)),
    ("학생교환협정", ("student-exchange",)), ("kahepoolne leping", ("bilateral",)),
    ("koostööleping", ("cooperation-agreement",)), ("raamleping", ("framework",)),
])
def test_finnish_korean_estonian_kinds(cell: str, kinds: tuple[str, ...]) -> None:
    value, flags = parse_kinds(cell)
    assert value.kinds == kinds and flags == []


@pytest.mark.parametrize(("cell", "kinds"), [
    ("مذكرة تفاهم", ("memorandum-of-understanding",)),
    ("اتفاقية تبادل طلابي", ("student-exchange",)),
    ("הסכם חילופי סטודנטים", ("student-exchange",)),
    ("Erasmus+ КА171", ("erasmus-plus",)),  # Cyrillic К and А, as Ukrainian lists type it
    ("Convention de double diplôme et d’échange", ("double-degree", "student-exchange")),
    ("Convênio de intercâmbio de estudantes", ("student-exchange",)),
    ("conveni bilateral d'intercanvi", ("bilateral", "student-exchange")),
    ("Соглашение о студенческом обмене", ("student-exchange",)),
    ("kahdenvälinen vaihtosopimus", ("bilateral", "student-exchange")),
])
def test_kinds_in_arabic_hebrew_and_further_wordings(cell: str, kinds: tuple[str, ...]) -> None:
    value, flags = parse_kinds(cell)
    assert (value.kinds, value.status, flags) == (kinds, None, [])


@pytest.mark.parametrize("cell", ["en cours de renouvellement", "En renovación", "Em renovação"])
def test_an_agreement_being_renewed_has_no_status(cell: str) -> None:
    # being renewed is not "not yet concluded": the agreement is in force meanwhile
    value, flags = parse_kinds(cell)
    assert (value.kinds, value.status, flags) == ((), None, [])


@pytest.mark.parametrize(("cell", "kind"), [
    ("교환학생 협정", "student-exchange"), ("일반협정", "framework"),
    ("Thỏa thuận trao đổi sinh viên", "student-exchange"),
    ("Biên bản ghi nhớ", "memorandum-of-understanding"), ("Thỏa thuận khung", "framework"),
    ("Thỏa thuận hợp tác", "cooperation-agreement"), ("Bằng kép", "double-degree"),
    ("Chương trình đào tạo song bằng", "double-degree"),
    ("Perjanjian pertukaran mahasiswa", "student-exchange"),
    ("Nota Kesepahaman", "memorandum-of-understanding"),
    ("Perjanjian kerja sama", "cooperation-agreement"), ("Gelar ganda", "double-degree"),
    ("Memorandum Persefahaman", "memorandum-of-understanding"),
    ("Споразумение за студентски обмен", "student-exchange"),
    ("Меморандум за разбирателство", "memorandum-of-understanding"),
    ("Рамково споразумение", "framework"), ("Двойна диплома", "double-degree"),
    ("Договор за сътрудничество", "cooperation-agreement"), ("Еразъм+", "erasmus-plus"),
    ("Споразум о размени студената", "student-exchange"),
    ("Меморандум о разумевању", "memorandum-of-understanding"),
    ("Оквирни споразум", "framework"), ("Двострука диплома", "double-degree"),
    ("Споразум о сарадњи", "cooperation-agreement"), ("Еразмус+", "erasmus-plus"),
    ("Sporazum o saradnji", "cooperation-agreement"),
    ("bilaterálna zmluva", "bilateral"), ("zmluva o výmene študentov", "student-exchange"),
    ("Συμφωνία ανταλλαγής φοιτητών", "student-exchange"),
    ("Opiskelijavaihtosopimus", "student-exchange"),
    ("Acord de schimb de studenți", "student-exchange"),
    ("تفاهم‌نامه", "memorandum-of-understanding"), ("تفاهم نامه", "memorandum-of-understanding"),
    ("قرارداد همکاری علمی", "cooperation-agreement"),
    ("قرارداد تبادل دانشجو", "student-exchange"),
])
def test_kinds_of_further_languages(cell: str, kind: str) -> None:
    value, flags = parse_kinds(cell)
    assert value.kinds == (kind,) and not flags, (value, flags)


def test_a_status_in_indonesian() -> None:
    assert parse_kinds("Dalam Proses")[0].status == "in-process"


@pytest.mark.parametrize("cell", ["Faculty-level exchange", "University-wide exchange"])
def test_an_exchange_at_a_level_is_a_student_exchange(cell: str) -> None:
    assert parse_kinds(cell) == (KindValue(("student-exchange",)), [])


def test_a_faculty_exchange_is_no_student_exchange() -> None:
    # American English: "faculty" are the teaching staff
    assert parse_kinds("Faculty exchange")[0].kinds != ("student-exchange",)


@pytest.mark.parametrize("cell", ["Memorandum of Agreement", "MoA", "Memorandum Perjanjian",
                                  "공동학위", "联合学位", "Joint degree"])
def test_a_type_the_ontology_lacks_is_reported_and_no_other_kind(cell: str) -> None:
    # a memorandum of agreement is binding, no memorandum of understanding; a joint degree
    # is one degree, no double degree
    value, flags = parse_kinds(cell)
    assert value == KindValue(()) and [f.code for f in flags] == ["unknown-kind"]


def test_an_mou_beside_an_moa_is_still_read() -> None:
    value, flags = parse_kinds("MoU/MoA")
    assert value.kinds == ("memorandum-of-understanding",)
    assert [f.value for f in flags] == ["MoA"]


@pytest.mark.parametrize("cell", ["In negotiation", "dalam rundingan", "đang đàm phán",
                                  "در حال مذاکره", "추진중", "σε διαπραγμάτευση",
                                  "в процес на подписване", "у припреми", "neuvotteilla",
                                  "قيد التوقيع"])
def test_in_negotiation_in_further_languages(cell: str) -> None:
    assert parse_kinds(cell) == (KindValue((), "in-process"), [])


@pytest.mark.parametrize(("cell", "kind"), [
    ("Marrëveshje shkëmbimi studentësh", "student-exchange"),     # sq
    ("Anlaşma memorandumu", "memorandum-of-understanding"),        # az
    ("ურთიერთგაგების მემორანდუმი", "memorandum-of-understanding"),  # ka
    ("Договор за соработка", "cooperation-agreement"),             # mk
    ("समझौता ज्ञापन (MoU)", "memorandum-of-understanding"),          # hi, glossed
    ("Kasunduan sa Palitan ng Mag-aaral", "student-exchange"),     # tl
    ("Memorandwm cyd-ddealltwriaeth", "memorandum-of-understanding"),  # cy
    ("Viljayfirlýsing", "letter-of-intent"),                       # is
])
def test_kinds_of_more_languages(cell: str, kind: str) -> None:
    assert parse_kinds(cell) == (KindValue((kind,)), [])


def _status_section(tmp_path: Path) -> Section:
    """A table of partner, end (a term) and a kind/status column."""
    path = tmp_path / "s.yaml"
    path.write_text("source: s\nlist: s\nsections:\n  - name: rows\n    reader:\n"
                    "      name: simple-table\n      options:\n"
                    "        columns: [partner, end, kind]\n"
                    "    fields:\n      partner: partner\n      end: term\n"
                    "      kind: kinds\n    constants:\n      level: university\n", "utf-8")
    return load_mapping(path).sections[0]


@pytest.mark.parametrize(("status", "published"), [
    ("Sospeso", False), ("Disdetto", False), ("terminated", False), ("gekündigt", False),
    ("suspendido", False), ("Attivo", True), ("In negoziazione", True),
    ("on hold", False), ("cancelado", False), ("terminée", False), ("annullato", False),
    ("wstrzymana", False), ("призупинено", False),
    ("Inactive", True), ("Expired", True), ("Scaduto", True),  # the end says when it ran out
])
def test_a_suspended_or_terminated_agreement_is_reported_not_published(
        tmp_path: Path, status: str, published: bool) -> None:
    """An untuned Italian list's 'Sospeso' and 'Disdetto' rows were published as agreements
    valid until 2026-2028 (false facts)."""
    section = _status_section(tmp_path)
    record = RawRecord("s", (4,), "", {"partner": "University of Edinburgh",
                                       "end": "31/05/2027", "kind": status})
    agreements = build_agreements(record, section, "s", "p")
    assert bool(agreements) is published
    assert published or any(f.code == "agreement-ended" and f.withheld for f in record.flags)
    # a row stating no term: nothing the status contradicts, published as it reads
    record = RawRecord("s", (4,), "", {"partner": "University of Edinburgh", "end": "",
                                       "kind": status})
    (agreement,) = build_agreements(record, section, "s", "p")
    assert agreement.status in (None, "in-process")  # "ended" is never published


@pytest.mark.parametrize(("cell", "kinds", "status"), [
    ("Umowy bilateralne", ("bilateral",), None),
    ("Umowy o podwójnym dyplomie", ("double-degree",), None),
    ("Direktaustausch", ("student-exchange",), None),
    ("Entente d'échange d'étudiants", ("student-exchange",), None),
    ("Entente-cadre", ("framework",), None),
    ("Memorandum van Verstandhouding", ("memorandum-of-understanding",), None),
    ("اتفاقية إطار", ("framework",), None),
])
def test_kinds_of_untuned_lists(cell: str, kinds: tuple[str, ...], status: str | None) -> None:
    assert parse_kinds(cell) == (KindValue(kinds, status), [])


@pytest.mark.parametrize(("term", "published"), [
    ("Till 2026 or until terminated", True),
    ("5 years; may be terminated with 6 months notice", True),
    ("2021-2026 unless suspended", True),
    ("Suspended until 2027", False),
    ("2021-2026 (terminated)", False),
])
def test_a_term_naming_how_an_agreement_may_end_keeps_it(tmp_path: Path, term: str,
                                                         published: bool) -> None:
    """Termination clauses in a term cell ('until terminated', 'unless suspended') were read as
    the agreement having ended, and current agreements were dropped."""
    path = tmp_path / "t.yaml"
    path.write_text("source: t\nlist: t\nsections:\n  - name: rows\n    reader:\n"
                    "      name: simple-table\n      options:\n"
                    "        columns: [partner, term]\n"
                    "    fields:\n      partner: partner\n      term: term\n"
                    "    constants:\n      level: university\n", "utf-8")
    section = load_mapping(path).sections[0]
    record = RawRecord("t", (4,), "", {"partner": "University of Edinburgh", "term": term})
    assert bool(build_agreements(record, section, "t", "p")) is published


def test_an_end_column_read_as_dates_gives_the_ends(tmp_path: Path) -> None:
    """'end: date' passed the mapping check and then stopped every build with an internal
    error (a date is no term); a column of plain dates is a column of ends."""
    path = tmp_path / "e.yaml"
    path.write_text("source: e\nlist: e\nsections:\n  - name: rows\n    reader:\n"
                    "      name: simple-table\n      options:\n"
                    "        columns: [partner, start, end]\n"
                    "    fields:\n      partner: partner\n      start: date\n      end: date\n"
                    "    constants:\n      level: university\n", "utf-8")
    section = load_mapping(path).sections[0]
    record = RawRecord("e", (2,), "", {"partner": "University of Edinburgh",
                                       "start": "01.09.2021", "end": "31.08.2026"})
    (agreement,) = build_agreements(record, section, "e", "p")
    assert (agreement.end.year, agreement.end.month, agreement.end.day) == (2026, 8, 31)
    assert agreement.open_ended is False


@pytest.mark.parametrize("cell", [
    "On hold", "Discontinued", "Cancelado", "Dado de baja",
    "Denunciado", "Terminée", "Annulée", "Dénoncé", "En suspens", "Beendet",
    "Widerrufen", "Cessato", "Revocata", "Geannuleerd", "Stopgezet",
    "Прекращено", "Розірвано", "Pozastavena", "Uppsagt", "Askıya alındı", "已终止", "해지",
])
def test_words_that_say_an_agreement_is_not_in_force_in_further_languages(cell: str) -> None:
    """An untuned status column's 'on hold', 'cancelado', 'terminée', 'inactive' rows were
    published as agreements in force until 2029."""
    assert parse_kinds(cell) == (KindValue((), "ended"), [])


@pytest.mark.parametrize("status", ["Expired", "Inactive", "Scaduto", "ausgelaufen", "wygasła",
                                    "Vencido", "not renewed", "期限切れ"])
def test_an_expired_agreement_is_published_with_its_end_not_as_running_on(
        tmp_path: Path, status: str) -> None:
    """'Expired' and an export's 'Inactive' were unknown words: beside 'Indefinite' the row
    was published as an agreement running on; beside its end or its length it is a true
    past agreement."""
    section = _status_section(tmp_path)
    assert parse_kinds(status)[0].status == "expired"
    for end, published in (("31/05/2021", True), ("Indefinite", False), ("5 years", True)):
        record = RawRecord("s", (4,), "", {"partner": "University of Edinburgh", "end": end,
                                           "kind": status})
        agreements = build_agreements(record, section, "s", "p")
        assert bool(agreements) is published, end
        assert all(a.status is None for a in agreements)
        assert published or any(f.code == "agreement-ended" and f.withheld
                                for f in record.flags)


@pytest.mark.parametrize(("cell", "kinds"), [
    ("MoU (no student exchange)", ("memorandum-of-understanding",)),
    ("MoU without student exchange", ("memorandum-of-understanding",)),
    ("Non-exchange MoU", ("memorandum-of-understanding",)),
    ("Framework agreement (exchange not included)", ("framework",)),
    ("Convenio Marco (sin intercambio estudiantil)", ("framework",)),
    ("Acordo de cooperação (sem intercâmbio de estudantes)", ("cooperation-agreement",)),
    ("Double diplôme (pas d'échange)", ("double-degree",)),
    ("Accordo quadro (no scambio studenti)", ("framework",)),
    ("MoU - exchange not covered", ("memorandum-of-understanding",)),
    ("MoU (student exchange: no)", ("memorandum-of-understanding",)),
    ("MoU; student exchange", ("memorandum-of-understanding", "student-exchange")),
])
def test_a_type_the_cell_denies_is_not_read(cell: str, kinds: tuple[str, ...]) -> None:
    """'MoU (no student exchange)' and its like in six languages were published as student
    exchanges."""
    value, flags = parse_kinds(cell)
    assert value.kinds == kinds
    assert ("negated" in [f.code for f in flags]) is (len(kinds) == 1)


@pytest.mark.parametrize("cell", ["Not in force", "Nicht aktiv", "Non actif", "Não vigente",
                                  "Niet actief", "No longer active", "Sin vigencia"])
def test_a_negated_in_force_word_is_an_expired_status(cell: str) -> None:
    assert parse_kinds(cell) == (KindValue((), EXPIRED), [])


@pytest.mark.parametrize(("cell", "kind"), [
    ("Studenteaustausch", "student-exchange"),                        # lb
    ("Rummenofkommes", "framework"),
    ("Өз ара түшүнүшүү меморандуму", "memorandum-of-understanding"),  # ky
    ("Студенттик алмашуу келишими", "student-exchange"),
    ("Эразмус+", "erasmus-plus"),
    ("موافقتنامه تبادل محصلان", "student-exchange"),                   # Dari
    ("ਸਹਿਯੋਗ ਸਮਝੌਤਾ", "cooperation-agreement"),                         # pa
    ("ਦੋਹਰੀ ਡਿਗਰੀ ਸਮਝੌਤਾ", "double-degree"),
    ("ကျောင်းသားဖလှယ်ရေး သဘောတူစာချုပ်", "student-exchange"),            # my
    ("Heshiis iskaashi", "cooperation-agreement"),                    # so
    ("Raamakkoord", "framework"),                                      # nl-BE
    ("Movilidad Estudiantil", "student-exchange"),                     # es-CO
    ("Convenio de Doble Título", "double-degree"),                     # es-CL
    ("Acordo de Mobilidade de Estudantes", "student-exchange"),        # pt-MZ
    ("برنامج درجة مزدوجة", "double-degree"),                           # ar-EG
])
def test_kinds_of_the_lists_of_session_27(cell: str, kind: str) -> None:
    assert kind in parse_kinds(cell)[0].kinds, cell


@pytest.mark.parametrize(("cell", "kinds"), [
    ("Bilateral agreement (formerly Erasmus+)", ("bilateral",)),
    ("Erasmus+ until 2021, now bilateral", ("bilateral",)),
    ("SEMP (vorher Erasmus+)", ()),
    ("Convenio marco (antes convenio de intercambio)", ("framework",)),
    ("MoU; student exchange ended 2022", ("memorandum-of-understanding",)),
    ("Double degree (discontinued), student exchange continues", ("student-exchange",)),
    ("Erasmus+ (now also bilateral)", ("erasmus-plus", "bilateral")),
])
def test_a_type_the_agreement_had_before_is_not_its_type(cell: str,
                                                          kinds: tuple[str, ...]) -> None:
    """'SEMP (vorher Erasmus+)' (Swiss lists since 2014) was published as an Erasmus+
    agreement, 'student exchange ended 2022' as a student exchange."""
    value, flags = parse_kinds(cell)
    assert (value.kinds, value.status) == (kinds, None), cell
    if "also" not in cell:
        assert "former-kind" in [f.code for f in flags]


@pytest.mark.parametrize(("cell", "status"), [
    ("Erasmus+ (suspended)", "ended"),              # the only type: the agreement ended
    ("Erasmus+ bilateral ended", "expired"),        # not set apart: the whole agreement
    ("Erasmus+, currently suspended", "ended"),     # 'currently' qualifies no type
    ("Ended by the partner on 31/08/2025", "ended"),
    ("ended 31/05/2026", "expired"),           # ran out then: its end is published
    ("Suspended until further notice", "ended"),
    ("replaced by the 2024 agreement", "ended"),
    ("Not suspended", None),
])
def test_an_agreement_that_ended_keeps_its_status(cell: str, status: str | None) -> None:
    assert parse_kinds(cell)[0].status == status, cell


@pytest.mark.parametrize("cell", [
    "Resuelto (R.R. N° 01102-2021-R)", "Dejado sin efecto", "Terminado", "ملغاة", "مفسوخة",
    "Reziliat", "Încetat", "Incetat", "Rompue", "Extinto", "Void", "Storniert"])
def test_termination_words_of_further_languages_end_the_agreement(cell: str) -> None:
    """Each was published as an agreement in force beside its term."""
    assert parse_kinds(cell)[0].status == "ended", cell


@pytest.mark.parametrize(("cell", "kinds"), [
    ("MoU (unsigned)", ("memorandum-of-understanding",)),
    ("Proposed student exchange agreement", ("student-exchange",)),
    ("Borrador de convenio marco", ("framework",)),
    ("Convenio marco (sin firmar)", ("framework",)),
    ("Convention d'échange (non signée)", ("student-exchange",)),
    ("Entwurf Kooperationsvertrag", ("cooperation-agreement",)),
])
def test_a_draft_or_unsigned_agreement_is_not_concluded(cell: str,
                                                         kinds: tuple[str, ...]) -> None:
    """'MoU (unsigned)' was published as a concluded MoU."""
    assert parse_kinds(cell)[0] == KindValue(kinds, "in-process"), cell


@pytest.mark.parametrize(("cell", "status"), [
    ("En cours", None), ("En cours de validité", None), ("In corso", None),
    ("In corso di validità", None), ("Em andamento", None),
    ("En cours de signature", "in-process"),
    ("In corso di firma", "in-process"), ("Assinatura em andamento", "in-process")])
def test_an_ongoing_agreement_is_not_in_process(cell: str, status: str | None) -> None:
    """'En cours' (15/03/2021 - 14/03/2026) was published as an agreement still being
    negotiated: alone it says the agreement runs."""
    assert parse_kinds(cell)[0].status == status, cell


@pytest.mark.parametrize("cell", ["MoU (excluding student exchange)",
                                  "مذكرة تفاهم (دون تبادل طلابي)"])
def test_a_type_excluded_in_further_wordings_is_not_read(cell: str) -> None:
    assert parse_kinds(cell)[0].kinds == ("memorandum-of-understanding",), cell
