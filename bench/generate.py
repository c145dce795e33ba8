"""Synthetic partner lists in the layouts of the bundled documents, at any scale.

    python bench/generate.py --scale 10 --out /tmp/gen10      # then:
    exchange-kg build --sources /tmp/gen10/sources --mappings /tmp/gen10/mappings

Why: the bundled data is five documents, ~1,330 rows. Users will feed whole agreement
registers, so the build, the resolver and the endpoint have to be measured on 10x to 1000x as
much, with the same difficulties: merged country cells labelled on their middle row, several
garbled OCR passes glued onto rows, Tohoku-style columns shifted by stray tabs, Polish country
names and durations, shifted website/continent columns, two editions of one list, and the same
institution spelled several ways across lists (English or native name, acronym, word order,
typos), so that resolution has real work. Institution and place names are made from word lists
and syllables here; nothing is copied from a registry.

Scale N means about N times the bundled rows. Up to 10x one publisher's documents grow; beyond
that there are N/10 publishers each with 10x-sized documents (a national register is long
documents *and* many of them). Every document has a manifest entry and a mapping file made
from the bundled mapping of the same layout, so the real build reads it unchanged.

Deterministic: the same --seed and --scale give byte-identical files.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_MAPPINGS = ROOT / "mappings"
MAX_DOC_SCALE = 10.0

# Rows of each layout in the bundled data (what scale 1 reproduces per publisher).
BASE_ROWS = {
    "merged": 100,  # engineering list, older edition (the OCR edition shares most rows)
    "outline": 207,  # university-level outline
    "content": 411,  # department-level table
    "numbered": 401,  # Polish list
    "simple": 110,  # list with agreement types
}

# --- places ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    code: str
    english: str
    short: tuple[str, ...]  # other English forms lists use ("USA", "Korea", "Czech")
    polish: str
    continent_pl: str
    area: str  # the world-region heading of Tohoku-style lists
    lang: str  # language of native institution names
    tld: str
    weight: float  # share of partners


C = Country
COUNTRIES: tuple[Country, ...] = (
    C("CN", "China", (), "Chiny", "Azja", "Asia", "en", "cn", 9),
    C("DE", "Germany", (), "Niemcy", "Europa", "Europe", "de", "de", 7),
    C("FR", "France", (), "Francja", "Europa", "Europe", "fr", "fr", 6),
    C("US", "United States", ("USA", "U.S.A."), "Stany Zjednoczone", "Ameryka Północna",
      "North America", "en", "edu", 6),
    C("JP", "Japan", (), "Japonia", "Azja", "Asia", "en", "jp", 4),
    C("KR", "South Korea", ("Korea",), "Korea Południowa", "Azja", "Asia", "en", "kr", 4),
    C("GB", "United Kingdom", ("UK",), "Wielka Brytania", "Europa", "Europe", "en", "uk", 4),
    C("IT", "Italy", (), "Włochy", "Europa", "Europe", "it", "it", 4),
    C("ES", "Spain", (), "Hiszpania", "Europa", "Europe", "es", "es", 3),
    C("TW", "Taiwan", (), "Tajwan", "Azja", "Asia", "en", "tw", 3),
    C("TH", "Thailand", (), "Tajlandia", "Azja", "Asia", "en", "th", 3),
    C("ID", "Indonesia", (), "Indonezja", "Azja", "Asia", "en", "id", 3),
    C("IN", "India", (), "Indie", "Azja", "Asia", "en", "in", 3),
    C("VN", "Vietnam", ("Viet Nam",), "Wietnam", "Azja", "Asia", "en", "vn", 2),
    C("MY", "Malaysia", (), "Malezja", "Azja", "Asia", "en", "my", 2),
    C("PH", "Philippines", (), "Filipiny", "Azja", "Asia", "en", "ph", 1),
    C("KZ", "Kazakhstan", (), "Kazachstan", "Azja", "Asia", "en", "kz", 1),
    C("MN", "Mongolia", (), "Mongolia", "Azja", "Asia", "en", "mn", 1),
    C("RU", "Russia", (), "Rosja", "Europa", "Europe", "en", "ru", 3),
    C("PL", "Poland", (), "Polska", "Europa", "Europe", "pl", "pl", 2),
    C("CZ", "Czech Republic", ("Czech",), "Czechy", "Europa", "Europe", "en", "cz", 2),
    C("SK", "Slovakia", (), "Słowacja", "Europa", "Europe", "en", "sk", 1),
    C("HU", "Hungary", (), "Węgry", "Europa", "Europe", "en", "hu", 1),
    C("AT", "Austria", (), "Austria", "Europa", "Europe", "de", "at", 2),
    C("CH", "Switzerland", (), "Szwajcaria", "Europa", "Europe", "de", "ch", 2),
    C("NL", "Netherlands", ("The Netherlands",), "Holandia", "Europa", "Europe", "en", "nl", 2),
    C("BE", "Belgium", (), "Belgia", "Europa", "Europe", "fr", "be", 1),
    C("PT", "Portugal", (), "Portugalia", "Europa", "Europe", "pt", "pt", 1),
    C("SE", "Sweden", (), "Szwecja", "Europa", "Europe", "en", "se", 2),
    C("FI", "Finland", (), "Finlandia", "Europa", "Europe", "en", "fi", 1),
    C("DK", "Denmark", (), "Dania", "Europa", "Europe", "en", "dk", 1),
    C("NO", "Norway", (), "Norwegia", "Europa", "Europe", "en", "no", 1),
    C("UA", "Ukraine", (), "Ukraina", "Europa", "Europe", "en", "ua", 1),
    C("RO", "Romania", (), "Rumunia", "Europa", "Europe", "en", "ro", 1),
    C("BG", "Bulgaria", (), "Bułgaria", "Europa", "Europe", "en", "bg", 1),
    C("GR", "Greece", (), "Grecja", "Europa", "Europe", "en", "gr", 1),
    C("TR", "Turkey", (), "Turcja", "Azja", "Middle East", "en", "tr", 1),
    C("IL", "Israel", (), "Izrael", "Azja", "Middle East", "en", "il", 1),
    C("EG", "Egypt", (), "Egipt", "Afryka", "Africa", "en", "eg", 1),
    C("MA", "Morocco", (), "Maroko", "Afryka", "Africa", "fr", "ma", 1),
    C("NG", "Nigeria", (), "Nigeria", "Afryka", "Africa", "en", "ng", 1),
    C("ZA", "South Africa", (), "Republika Południowej Afryki", "Afryka", "Africa", "en", "za", 1),
    C("AU", "Australia", (), "Australia", "Australia i Oceania", "Oceania", "en", "au", 2),
    C("NZ", "New Zealand", (), "Nowa Zelandia", "Australia i Oceania", "Oceania", "en", "nz", 1),
    C("CA", "Canada", (), "Kanada", "Ameryka Północna", "North America", "en", "ca", 2),
    C("MX", "Mexico", (), "Meksyk", "Ameryka Północna", "Central and South America", "es",
      "mx", 1),
    C("BR", "Brazil", (), "Brazylia", "Ameryka Południowa", "Central and South America", "pt",
      "br", 2),
    C("AR", "Argentina", (), "Argentyna", "Ameryka Południowa", "Central and South America",
      "es", "ar", 1),
    C("CL", "Chile", (), "Chile", "Ameryka Południowa", "Central and South America", "es",
      "cl", 1),
    C("CO", "Colombia", (), "Kolumbia", "Ameryka Południowa", "Central and South America", "es",
      "co", 1),
)
del C

AREA_ORDER = ("Asia", "Europe", "Africa", "Middle East", "North America",
              "Central and South America", "Oceania")

# Cyrillic look-alikes and OCR misreadings that damage country labels and names.
HOMOGLYPHS = {"o": "о", "a": "а", "e": "е", "c": "с", "p": "р", "M": "М", "C": "С", "T": "Т"}
OCR_CONFUSIONS = {"e": "a", "a": "e", "n": "r", "h": "b", "l": "I", "i": "l", "u": "v",
                  "c": "e", "m": "rn", "C": "O", "S": "5", "o": "0"}

SYLLABLES = ("ka", "lo", "mar", "vi", "ten", "sa", "dor", "bel", "ri", "an", "os", "gra", "lin",
             "mo", "ber", "tu", "zen", "ha", "ro", "el", "ni", "qua", "sho", "ven", "da", "mi",
             "kor", "pe", "lu", "sta", "fen", "go", "ya", "bra", "ti", "nor", "che", "wa")
SUBJECTS = ("Engineering", "Science", "Chemistry", "Physics", "Biology", "Medicine",
            "Economics", "Education", "Law", "Agriculture", "Computer Science",
            "Materials Science and Engineering", "Mechanical Engineering",
            "Chemical Engineering", "Civil Engineering", "Pharmaceutical Sciences",
            "Arts and Letters", "Information Sciences", "Environmental Studies",
            "Life Sciences", "Mathematics", "Dentistry", "Public Health", "Architecture",
            "Electrical Engineering", "Earth Sciences", "Business Administration")
UNIT_KINDS = ("Faculty of", "School of", "College of", "Graduate School of", "Institute of",
              "Department of")
# English templates with their native-language counterparts ({c} = city).
NAME_TEMPLATES: tuple[tuple[str, dict[str, str]], ...] = (
    ("University of {c}", {"de": "Universität {c}", "fr": "Université de {c}",
                           "es": "Universidad de {c}", "it": "Università degli Studi di {c}",
                           "pt": "Universidade de {c}", "pl": "Uniwersytet w {c}"}),
    ("{c} University", {}),
    ("{c} University of Technology", {"de": "Technische Universität {c}",
                                      "pl": "Politechnika {c}",
                                      "es": "Universidad Tecnológica de {c}"}),
    ("{c} Institute of Technology", {"de": "Institut für Technologie {c}",
                                     "fr": "Institut de Technologie de {c}"}),
    ("{c} Normal University", {}),
    ("{c} State University", {"es": "Universidad Estatal de {c}"}),
    ("National University of {c}", {"es": "Universidad Nacional de {c}",
                                    "fr": "Université Nationale de {c}"}),
    ("{c} Medical University", {"pl": "Uniwersytet Medyczny w {c}"}),
    ("{c} Polytechnic University", {"it": "Politecnico di {c}", "fr": "École Polytechnique de {c}",
                                    "es": "Universidad Politécnica de {c}"}),
    ("{c} University of Applied Sciences", {"de": "Hochschule {c}"}),
    ("Central School of {c}", {"fr": "École Centrale de {c}"}),
    ("{c} Academy of Sciences", {}),
    ("Federal University of {c}", {"pt": "Universidade Federal de {c}"}),
    ("{c} University of Science and Technology", {}),
)
HOST_UNIT_TEMPLATES = ("Graduate School / School of {s}", "Graduate School / Faculty of {s}",
                       "Graduate School of {s}", "Institute for {s} Research",
                       "Research Institute of {s}", "Center for {s} Studies")
QUOTAS = (("5", 50), ("×", 15), ("3", 8), ("2", 6), ("10", 5), ("4", 4), ("6", 2),
          ("ST10,LT5", 2), ("15", 1), ("ST30,LT10", 1))
KINDS = (("Bilateral", 55), ("Erasmus+", 18), ("Bilateral/Erasmus+", 9), ("Bilateral/GE3", 6),
         ("GE3", 3), ("Bilateral & Erasmus+", 3), ("Bilateral/Erasmus+/GE3", 2),
         ("in process", 4))

MERGED_HEADER = ("Country/Area", "Partner University/School/Institute", "Effective Since",
                 "Quota")
CONTENT_HEADER = ("Area", "Country / Region", "Institution", "Department", "Year")
NUMBERED_HEADER = ("LP.", "KRAJ", "MIASTO", "NAZWA UCZELNI", "ROK ZAWARCIA I OKRES TRWANIA",
                   "Kolumna1", "Kontynent")
SIMPLE_HEADER = ("Country", "University name", "Agreement type")


def weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


# --- institutions -------------------------------------------------------------------------------


@dataclass
class Institution:
    key: int
    country: Country
    city: str
    english: str
    native: str | None
    acronym: str
    units: list[str]
    domain: str

    def names(self) -> list[str]:
        return [self.english] + ([self.native] if self.native else [])


def _word(rng: random.Random, lo: int = 2, hi: int = 3) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(lo, hi))).capitalize()


def _acronym(name: str) -> str:
    small = {"of", "and", "the", "de", "di", "degli", "studi", "für", "w"}
    return "".join(w[0].upper() for w in name.replace("-", " ").split()
                   if w.lower() not in small and w[0].isalpha())


class World:
    """The pool of partner institutions every list draws from, with a skewed popularity (a few
    institutions are partners of almost everyone, most of a few), so the same institution
    turns up in many lists under different spellings."""

    def __init__(self, size: int, seed: int) -> None:
        rng = random.Random(f"world:{seed}")
        self.by_country: dict[str, list[Institution]] = {c.code: [] for c in COUNTRIES}
        total_w = sum(c.weight for c in COUNTRIES)
        used: set[str] = set()
        key = 0
        for country in COUNTRIES:
            n = max(3, round(size * country.weight / total_w))
            for _ in range(n):
                for _attempt in range(50):
                    city = _word(rng)
                    template, natives = rng.choice(NAME_TEMPLATES)
                    english = template.format(c=city)
                    if english not in used:
                        break
                used.add(english)
                native_t = natives.get(country.lang)
                native = native_t.format(c=city) if native_t and rng.random() < 0.7 else None
                units = sorted({f"{rng.choice(UNIT_KINDS)} {rng.choice(SUBJECTS)}"
                                for _ in range(rng.randint(2, 7))})
                domain = rng.choice((f"{_acronym(english).lower()}.{country.tld}",
                                     f"{city.lower()}.{country.tld}",
                                     f"uni-{city.lower()}.{country.tld}"))
                self.by_country[country.code].append(Institution(
                    key, country, city, english, native, _acronym(english), units, domain))
                key += 1
        self.size = key
        self._countries = list(COUNTRIES)
        self._country_cum = list(itertools.accumulate(c.weight for c in COUNTRIES))
        self._cum = {code: list(itertools.accumulate(1 / (i + 1) ** 0.9 for i in range(len(v))))
                     for code, v in self.by_country.items()}

    def country(self, rng: random.Random) -> Country:
        x = rng.random() * self._country_cum[-1]
        return self._countries[bisect.bisect(self._country_cum, x)]

    def pick(self, rng: random.Random, country: Country) -> Institution:
        cum = self._cum[country.code]
        i = bisect.bisect(cum, rng.random() * cum[-1])
        return self.by_country[country.code][min(i, len(cum) - 1)]


def typo(rng: random.Random, text: str) -> str:
    """One slip of the kind partner lists are full of: swapped, dropped or doubled letter."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha() and i > 0]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[:-1])
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if kind == 1:
        return text[:i] + text[i + 1:]
    return text[:i] + text[i] + text[i:]


def strip_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def spell(rng: random.Random, inst: Institution, native_ok: bool = True) -> str:
    """How one list writes the institution's name: mostly as it calls itself, otherwise in
    one of the ways lists differ (language, article, acronym, word order, accents, typo)."""
    base = inst.native if (inst.native and native_ok and rng.random() < 0.6) else inst.english
    r = rng.random()
    if r < 0.62:
        return base
    if r < 0.70:
        return base if base.startswith("The ") else f"The {base}"
    if r < 0.78 and inst.acronym and len(inst.acronym) > 1:
        return f"{base} ({inst.acronym})"
    if r < 0.84 and base.startswith("University of "):
        return f"{base.removeprefix('University of ')} University"
    if r < 0.90:
        return strip_accents(base)
    if r < 0.93:
        return base.replace("University", "Univ.", 1)
    return typo(rng, base)


def garble(rng: random.Random, text: str, rate: float) -> str:
    out = []
    for ch in text:
        if ch in OCR_CONFUSIONS and rng.random() < rate:
            out.append(OCR_CONFUSIONS[ch])
        else:
            out.append(ch)
    return "".join(out)


def date(rng: random.Random, lo: int, hi: int) -> tuple[int, int, int]:
    return rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28)


# --- documents ----------------------------------------------------------------------------------


@dataclass
class Document:
    id: str
    file: str
    text: str
    layout: str
    mapping: dict[str, Any]
    manifest: dict[str, Any]
    rows: int  # agreements rows written (what the readers should turn into records)
    institutions: set[int] = field(default_factory=set)


@dataclass
class Publisher:
    index: int
    name: str  # the host's own name (only the Tohoku-style list states it)
    rng: random.Random


def bundled_mapping(name: str) -> dict[str, Any]:
    yaml = YAML(typ="safe")
    return yaml.load((BUNDLED_MAPPINGS / f"{name}.yaml").read_text(encoding="utf-8"))


def manifest_entry(doc_id: str, file: str, label: str, language: str,
                   publisher: dict[str, str], title: str | None = None,
                   as_of: str | None = None) -> dict[str, Any]:
    return {"id": doc_id, "file": file, "title": title, "label": label, "language": language,
            "publisher": publisher, "as_of": as_of, "original_file_name": file,
            "notes": "Synthetic benchmark document (bench/generate.py)."}


@dataclass
class GseRow:
    country: Country
    inst: Institution
    partner: str
    date: str
    quota: str


def gse_rows(world: World, rng: random.Random, n: int) -> list[GseRow]:
    rows: dict[tuple[str, str], GseRow] = {}
    while len(rows) < n:
        country = world.country(rng)
        inst = world.pick(rng, country)
        name = spell(rng, inst, native_ok=False)
        r = rng.random()
        if r < 0.55:
            partner = f"{name} ({rng.choice(inst.units)})"
        elif r < 0.60 and len(inst.units) > 1:
            a, b = rng.sample(inst.units, 2)
            partner = f"{name} ({a}/{b})"
        elif r < 0.61:
            members = consortium_members(world, rng, country, rng.randint(2, 3))
            partner = (f"{country.english} Academic Consortium [{', '.join(members)}]"
                       if len(members) > 1 else name)
        else:
            partner = name
        y, m, d = date(rng, 1983, 2023)
        rows.setdefault((country.code, partner),
                        GseRow(country, inst, partner, f"{y}/{m:02d}/{d:02d}",
                               weighted(rng, QUOTAS)))
    return sorted(rows.values(), key=lambda r: (r.country.english, r.partner))


def consortium_members(world: World, rng: random.Random, country: Country, n: int
                       ) -> list[str]:
    """``n`` different members ("institution (unit)") of one consortium: a list never names
    the same member twice, and drawing with replacement from a small country's skewed pool
    did (a "consortium" of one member, which the shapes rightly refuse)."""
    members: list[str] = []
    for _ in range(20 * n):
        inst = world.pick(rng, country)
        member = f"{inst.english} ({rng.choice(inst.units)})"
        if member not in members:
            members.append(member)
            if len(members) == n:
                break
    return members


def country_label(rng: random.Random, country: Country, noisy: bool) -> str:
    label = rng.choice((country.english, *country.short)) if country.short else country.english
    if noisy and rng.random() < 0.12:
        if rng.random() < 0.4:
            label = "".join(HOMOGLYPHS.get(ch, ch) for ch in label)
        else:
            label = garble(rng, label, 0.25)
    return label


def label_row(heights: Sequence[int]) -> int:
    """Which row of a merged group holds the label: the one covering the group's vertical
    middle, as PDF extraction places it (long names wrap onto several printed lines)."""
    middle = sum(heights) / 2
    top = 0
    for i, h in enumerate(heights):
        if top + h > middle:
            return i
        top += h
    return len(heights) - 1


def merged_table_lines(rng: random.Random, rows: list[GseRow], title: str | None,
                       noisy: bool, page_rows: int = 34) -> tuple[list[list[str]], int]:
    """Pages of tab-separated lines; each country group's label on its middle row."""
    groups = [list(g) for _, g in itertools.groupby(rows, key=lambda r: r.country.code)]
    pages: list[list[str]] = [[]]
    used = 0
    for group in groups:
        fragments = [group[i:i + page_rows] for i in range(0, len(group), page_rows)]
        for frag in fragments:
            if used and used + len(frag) > page_rows:
                pages.append([])
                used = 0
            at = label_row([max(1, math.ceil(len(r.partner) / 60)) for r in frag])
            label = country_label(rng, frag[0].country, noisy)
            for i, r in enumerate(frag):
                pages[-1].append("\t".join((label if i == at else "", r.partner, r.date,
                                            r.quota)))
            used += len(frag)
    return [p for p in pages if p], len(rows)


def write_gse_older(pub: Publisher, world: World, factor: float) -> tuple[Document, list[GseRow]]:
    rng = pub.rng
    rows = gse_rows(world, rng, max(4, round(BASE_ROWS["merged"] * factor)))
    pages, _ = merged_table_lines(rng, rows, None, noisy=rng.random() < 0.5)
    header = "\t".join(MERGED_HEADER)
    out: list[str] = []
    for i, page in enumerate(pages):
        if i:
            out += ["", "Academic Exchange Agreement (Graduate School of Engineering)", ""]
        out.append(header[:-1] if i == 0 else header)  # the first header lost a letter
        out += page
    doc_id = f"p{pub.index:03d}-eng-partners"
    mapping = bundled_mapping("gse-partners")
    mapping.update(source=doc_id, list=f"p{pub.index:03d}-eng")
    manifest = manifest_entry(
        doc_id, f"{doc_id}.tsv", f"Engineering partner list {pub.index}, older edition", "en",
        {"known_as": f"the university whose engineering school publishes list {pub.index}",
         "key": f"p{pub.index:03d}-eng-publisher"},
        title="Academic Exchange Agreement (Graduate School of Engineering)")
    return Document(doc_id, manifest["file"], "\n".join(out) + "\n", "merged-cell-table",
                    mapping, manifest, len(rows), {r.inst.key for r in rows}), rows


def _pass_text(rng: random.Random, rows: Sequence[GseRow], glued: bool) -> str:
    sep = "" if glued else " "
    parts = []
    for r in rows:
        label = r.country.english if rng.random() < 0.3 else ""
        parts.append(f"{label}{sep}{r.partner}{sep}{r.date}{sep}{r.quota}")
    text = (sep if glued else " ").join(parts)
    text = garble(rng, text, 0.02)
    if rng.random() < 0.2:
        r = rows[0]
        text += f' <td>{r.country.english}</td> <td>{r.partner}</td> <td>{r.date}</td>'
    return text


def write_gse_newer_ocr(pub: Publisher, world: World, older: list[GseRow],
                        factor: float) -> Document:
    """The newer edition of the same list, as OCR text: most rows kept, some dropped, some
    added; first page with garbled passes glued in front of each row; later pages with cells
    split onto lines of their own and misread country labels."""
    rng = pub.rng
    kept = [r for r in older if rng.random() > 0.06]
    added = gse_rows(world, rng, max(1, round(len(older) * 0.12)))
    seen = {(r.country.code, r.partner) for r in kept}
    rows = sorted(kept + [r for r in added if (r.country.code, r.partner) not in seen],
                  key=lambda r: (r.country.english, r.partner))
    pages, _ = merged_table_lines(rng, rows, None, noisy=True)
    header = "\t".join(MERGED_HEADER)
    out: list[str] = []
    flat = [r for r in rows]
    row_i = 0
    for p, page in enumerate(pages):
        if p:
            out += ["-----------\t---", "", header]
        for j, line in enumerate(page):
            if p == 0 and j < 30:  # first page: several garbled passes glued onto each row
                ahead = flat[row_i + 1:row_i + 1 + rng.randint(3, 10)] or flat[row_i:row_i + 1]
                prefix = _pass_text(rng, ahead, glued=rng.random() < 0.4)
                if j == 0:
                    out.append(f"{prefix}\t{header[:-1]}")
                    prefix = _pass_text(rng, ahead, glued=False)
                out.append(f"{prefix}\t{line}")
            elif rng.random() < 0.015 and line.startswith("\t"):  # a row split over lines
                _, partner, when, quota = line.split("\t")
                out += ["", partner, "", f"{when} {quota}", ""]
            else:
                out.append(line)
            row_i += 1
    doc_id = f"p{pub.index:03d}-eng-partners-newer-ocr"
    mapping = bundled_mapping("gse-partners-newer-ocr")
    mapping.update(source=doc_id, list=f"p{pub.index:03d}-eng")
    manifest = manifest_entry(
        doc_id, f"{doc_id}.txt", f"Engineering partner list {pub.index}, newer edition (OCR)",
        "en", {"known_as": f"the university whose engineering school publishes list "
                           f"{pub.index}", "key": f"p{pub.index:03d}-eng-publisher"})
    return Document(doc_id, manifest["file"], "\n".join(out) + "\n", "merged-cell-table+ocr",
                    mapping, manifest, len(rows), {r.inst.key for r in rows})


def write_tohoku_like(pub: Publisher, world: World, factor: float) -> Document:
    """An outline of university-level agreements, then a department-level table whose rows
    are shifted left or right by stray tabs, with per-country counts and totals."""
    rng = pub.rng
    n_outline = max(3, round(BASE_ROWS["outline"] * factor))
    n_table = max(3, round(BASE_ROWS["content"] * factor))
    insts: set[int] = set()
    # university level: one entry per institution
    outline: dict[str, dict[str, list[str]]] = {}
    chosen: set[int] = set()
    while len(chosen) < n_outline:
        country = world.country(rng)
        inst = world.pick(rng, country)
        if inst.key in chosen:
            if rng.random() < 0.995:
                continue
            inst = world.by_country[country.code][rng.randrange(
                len(world.by_country[country.code]))]
            if inst.key in chosen:
                continue
        chosen.add(inst.key)
        mark = "* " if rng.random() < 0.6 else ""
        outline.setdefault(country.area, {}).setdefault(country.english, []).append(
            mark + spell(rng, inst))
    insts |= chosen
    out = ["", "", "Academic Exchange Agreements with Foreign Institutions", "",
           "University Level Agreements", "", f"Total of {n_outline} institutions", ""]
    for area in AREA_ORDER:
        if area not in outline:
            continue
        out += [f"<{area}>", ""]
        for country_name in sorted(outline[area]):
            out += [country_name, ""]
            entries = sorted(outline[area][country_name], key=lambda e: e.lstrip("* "))
            for k, entry in enumerate(entries):
                lost_bullet = k == 0 and len(entries) == 1 and rng.random() < 0.1
                out.append(entry.lstrip("* ") if lost_bullet else f"- {entry}")
            out.append("")
    # department level
    host_units = sorted({t.format(s=rng.choice(SUBJECTS)) for t in
                         rng.choices(HOST_UNIT_TEMPLATES, k=rng.randint(12, 24))})
    table: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    seen: set[tuple[str, str, str]] = set()
    while len(seen) < n_table:
        country = world.country(rng)
        inst = world.pick(rng, country)
        name = spell(rng, inst, native_ok=rng.random() < 0.5)
        partner = f"{name}, {rng.choice(inst.units)}" if rng.random() < 0.7 else name
        y, m, d = date(rng, 1976, 2016)
        row = (("* " if rng.random() < 0.45 else "") + partner, rng.choice(host_units),
               f"{y}/{m:02d}/{d:02d}")
        if (partner, row[1], row[2]) in seen:
            continue
        seen.add((partner, row[1], row[2]))
        insts.add(inst.key)
        table.setdefault((country.area, country.english), []).append(row)
    out += ["Department Level Agreements", "",
            f"{len(table)} countries and regions, {n_table} institutions", ""]
    header = "\t".join(CONTENT_HEADER)
    out.append(header)
    keys = sorted(table, key=lambda k: (AREA_ORDER.index(k[0]), k[1]))
    page_used, page_rows = 0, 62
    prev_area = None
    shift = 0  # rows left in a run of shifted rows
    shift_kind = 0
    for area, country_name in keys:
        rows = sorted(table[(area, country_name)], key=lambda r: r[0].lstrip("* "))
        label = f"{country_name} ({len(rows)})"
        for i, (inst_cell, unit, year) in enumerate(rows):
            if page_used >= page_rows:
                out += ["", "(as of May 2016)", "", header]
                page_used = 0
                area_cell, country_cell = area, label
            else:
                area_cell = area if area != prev_area else ""
                country_cell = label if i == 0 else ""
            prev_area = area
            if shift == 0 and rng.random() < 0.02:
                shift, shift_kind = rng.randint(3, 20), rng.choice((-1, 1))
            if shift and not area_cell and not country_cell:
                shift -= 1
                if shift_kind < 0:  # lost the empty leading cells, a trailing tab appears
                    out.append(f"{inst_cell}\t\t{unit}\t{year}\t")
                else:  # one stray tab too many
                    out.append(f"\t\t\t{inst_cell}\t{unit}\t{year}")
            else:
                out.append("\t".join((area_cell, country_cell, inst_cell, unit, year)))
            page_used += 1
    out += ["", "(* indicates institutions which agree upon a mutual application, matriculation "
            "and tuition waivers for students from the partner institution.)"]
    doc_id = f"p{pub.index:03d}-agreements"
    mapping = bundled_mapping("tohoku-agreements-2016")
    mapping.update(source=doc_id, list=f"p{pub.index:03d}-university")
    manifest = manifest_entry(
        doc_id, f"{doc_id}.txt", f"{pub.name} agreements, university and department level",
        "en", {"name": pub.name, "evidence": "The department-level table names the host's "
               "own units as the home side of each agreement."},
        title="Academic Exchange Agreements with Foreign Institutions", as_of="2016-05")
    return Document(doc_id, manifest["file"], "\n".join(out) + "\n", "outline+content",
                    mapping, manifest, n_outline + n_table, insts)


def polish_term(rng: random.Random) -> str:
    y = rng.randint(1987, 2026)
    r = rng.random()
    if r < 0.58:
        return f"{y} na czas nieokreślony"
    if r < 0.73:
        return f"{y}-{y + 5}"
    if r < 0.81:
        return f"{y} - {y + 5}"
    if r < 0.85:
        return f"{y} List Intencyjny"
    if r < 0.88:
        return f"{y} - na 5 lat automatycznie przedłużana"
    if r < 0.92:
        y2 = min(2026, y + rng.randint(3, 12))
        return f"{y} na czas nieokreślony; {y2} - {y2 + 5}"
    if r < 0.96:
        return f"{y}-na czas nieokreślony (automatycznie)"
    return f"{y} - {y + 5} (automatycznie przedłużona)"


def write_polish(pub: Publisher, world: World, factor: float) -> Document:
    """A Polish list: own row numbers, Polish country names and term phrases, and a stretch
    of rows whose website and continent columns slid one row against the rest."""
    rng = pub.rng
    n = max(3, round(BASE_ROWS["numbered"] * factor))
    rows: dict[int, tuple[Country, Institution, str]] = {}
    while len(rows) < n:
        country = world.country(rng)
        inst = world.pick(rng, country)
        if inst.key in rows and rng.random() < 0.97:
            continue
        name = spell(rng, inst)
        if rng.random() < 0.05:
            name = f"{name} – {rng.choice(inst.units)}"
        if rng.random() < 0.03:
            name = name.upper()
        rows[inst.key if inst.key not in rows else -len(rows) - 1] = (country, inst, name)
    ordered = sorted(rows.values(), key=lambda r: (strip_accents(r[0].polish), r[1].city, r[2]))
    sites = [f"https://www.{inst.domain}/" + rng.choice(("", "en/", "english/index.html"))
             for _, inst, _ in ordered]
    continents = [c.continent_pl for c, _, _ in ordered]
    # one stretch (about a tenth of the rows) whose last two columns come from the next row
    if len(ordered) > 20:
        length = max(3, len(ordered) // 10)
        start = rng.randrange(len(ordered) - length - 1)
        for i in range(start, start + length):
            sites[i], continents[i] = sites[i + 1], continents[i + 1]
    out = ["", "", "\t".join(NUMBERED_HEADER)]
    for i, (country, inst, name) in enumerate(ordered, start=1):
        kraj = country.polish.lower() if rng.random() < 0.01 else country.polish
        out.append("\t".join((str(i), kraj, inst.city, name, polish_term(rng), sites[i - 1],
                              continents[i - 1])))
        if rng.random() < 0.003:
            out.append("")
    out += ["", f"Data aktualizacji: {rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2026"]
    doc_id = f"p{pub.index:03d}-pl-partner-universities"
    mapping = bundled_mapping("pl-partner-universities-2026")
    mapping.update(source=doc_id, list=f"p{pub.index:03d}-pl")
    manifest = manifest_entry(
        doc_id, f"{doc_id}.tsv", f"Polish university partner list {pub.index}", "pl",
        {"known_as": f"the Polish-language university that publishes list {pub.index}",
         "key": f"p{pub.index:03d}-pl-publisher"}, as_of="2026-04-02")
    return Document(doc_id, manifest["file"], "\n".join(out) + "\n", "numbered-table",
                    mapping, manifest, n, {inst.key for _, inst, _ in ordered})


def write_simple(pub: Publisher, world: World, factor: float) -> Document:
    rng = pub.rng
    n = max(3, round(BASE_ROWS["simple"] * factor))
    rows: dict[str, tuple[Country, Institution, str]] = {}
    while len(rows) < n:
        country = world.country(rng)
        inst = world.pick(rng, country)
        name = spell(rng, inst)
        rows.setdefault(name, (country, inst, name))
    out = ["", "", "\t".join(SIMPLE_HEADER)]
    for country, _inst, name in sorted(rows.values(), key=lambda r: (r[0].english, r[2])):
        out.append("\t".join((country.english, name, weighted(rng, KINDS))))
        if rng.random() < 0.01:
            out.append("")
    doc_id = f"p{pub.index:03d}-partners-agreement-types"
    mapping = bundled_mapping("partners-agreement-types")
    mapping.update(source=doc_id, list=f"p{pub.index:03d}-types")
    manifest = manifest_entry(
        doc_id, f"{doc_id}.tsv", f"Partner list with agreement types {pub.index}", "en",
        {"known_as": f"the institution that publishes partner list {pub.index}",
         "key": f"p{pub.index:03d}-types-publisher"})
    return Document(doc_id, manifest["file"], "\n".join(out) + "\n", "simple-table",
                    mapping, manifest, n, {inst.key for _, inst, _ in rows.values()})


# --- the whole set ------------------------------------------------------------------------------


def plan(scale: float) -> tuple[int, float]:
    """(publishers, document size factor) for a scale: documents grow up to MAX_DOC_SCALE,
    then the number of publishers does."""
    publishers = max(1, math.ceil(scale / MAX_DOC_SCALE))
    return publishers, scale / publishers


def generate(scale: float, out: Path, seed: int = 1,
             progress: Callable[[str], None] = lambda m: None) -> dict[str, Any]:
    """Write ``out/sources`` (documents + manifest.yaml), ``out/mappings`` and
    ``out/generated.json`` (what was generated, for the benchmark's report)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    publishers, factor = plan(scale)
    total_rows = scale * sum(BASE_ROWS.values())
    world = World(size=int(min(40_000, 300 + total_rows / 3)), seed=seed)
    sources, mappings = out / "sources", out / "mappings"
    for d in (sources, mappings):
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            if old.is_file():
                old.unlink()
    docs: list[Document] = []
    for p in range(publishers):
        rng = random.Random(f"{seed}:publisher:{p}")
        pub = Publisher(p, f"{_word(rng, 3, 3)} University", rng)
        older, rows = write_gse_older(pub, world, factor)
        docs += [older, write_gse_newer_ocr(pub, world, rows, factor),
                 write_tohoku_like(pub, world, factor), write_polish(pub, world, factor),
                 write_simple(pub, world, factor)]
        progress(f"publisher {p + 1}/{publishers}")
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    for doc in docs:
        (sources / doc.file).write_text(doc.text, encoding="utf-8")
        buf = StringIO()
        buf.write(f"# Generated by bench/generate.py for {doc.id} ({doc.layout}).\n")
        yaml.dump(doc.mapping, buf)
        (mappings / f"{doc.id}.yaml").write_text(buf.getvalue(), encoding="utf-8")
    buf = StringIO()
    buf.write("# Synthetic benchmark documents (bench/generate.py); not real partner lists.\n")
    yaml.dump({"documents": [d.manifest for d in docs]}, buf)
    (sources / "manifest.yaml").write_text(buf.getvalue(), encoding="utf-8")
    used = set().union(*(d.institutions for d in docs))
    summary = {
        "scale": scale, "seed": seed, "publishers": publishers, "document_factor": factor,
        "documents": len(docs), "rows": sum(d.rows for d in docs),
        "lines": sum(d.text.count("\n") for d in docs),
        "bytes": sum(len(d.text.encode()) for d in docs),
        "institution_pool": world.size, "institutions_used": len(used),
        "per_document": {d.id: {"layout": d.layout, "rows": d.rows} for d in docs},
    }
    (out / "generated.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiple of the bundled data's rows (1, 10, 100, 1000; fractions ok)")
    ap.add_argument("--out", type=Path, required=True, help="folder to write into")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    summary = generate(args.scale, args.out, args.seed,
                       progress=lambda m: print(m, file=sys.stderr))
    print(f"{summary['documents']} documents, {summary['rows']} rows, "
          f"{summary['lines']} lines, {summary['institutions_used']} institutions "
          f"(pool {summary['institution_pool']}) in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
