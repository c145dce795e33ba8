"""Mapping files: the declarative rules that turn one source document into records.

A mapping file (``mappings/<source-id>.yaml``) names the reader that splits the document into
rows, says which normaliser each raw field goes through, and gives the constants the document
implies (agreement level, the host's own unit). Everything a new partner list in a known
layout needs is here, so adding one needs no code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pycountry

from exchange_kg import readers
from exchange_kg.normalise.country import parse_country
from exchange_kg.normalise.vocabulary import (
    BUILTIN,
    DATE_ORDERS,
    TABLES,
    Entry,
    Vocabulary,
)
from exchange_kg.records import FIELDS
from exchange_kg.rules import RULES_FILE
from exchange_kg.vocab import KINDS, LEVELS
from exchange_kg.yamlfile import DataFileError, load, locate, position, schema_error

NORMALISERS = ("country", "text", "partner", "date", "term", "quota", "kinds", "mark", "url",
               "erasmus-code", "level", "none")

FIELD_RULE = {
    "oneOf": [
        {"type": "string", "enum": list(NORMALISERS)},
        {
            "type": "object",
            "required": ["normalise"],
            "additionalProperties": False,
            "properties": {
                "normalise": {"type": "string", "enum": list(NORMALISERS)},
                "notation": {"type": "string", "enum": ["parentheses", "comma", "dash", "auto"]},
                "calendar": {
                    "enum": ["gregorian", "ethiopian", "bikram-sambat"],
                    "description": "the calendar the column dates by, where the cells do not "
                    "say it: Ethiopian and Bikram Sambat days are converted",
                },
                "why": {"type": "string"},
            },
        },
    ]
}

def _vocabulary_schema() -> dict[str, Any]:
    """What a mapping's ``vocabulary:`` may hold: per table, written text -> its value."""
    from exchange_kg.normalise.kinds import kind_values
    from exchange_kg.normalise.quota import WORD_MEANINGS
    from exchange_kg.normalise.term import MEANINGS
    from exchange_kg.vocab import MOBILITY_KINDS

    continent = "(africa|antarctica|asia|europe|north-america|oceania|south-america)"
    values: dict[str, dict[str, Any]] = {
        "countries": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "continents": {"type": "string", "pattern": f"^{continent}(\\|{continent})*$"},
        "terms": {"enum": list(MEANINGS)},
        "kinds": {"enum": kind_values()},
        "quota": {"enum": [*MOBILITY_KINDS, *WORD_MEANINGS]},
        "dates": {"oneOf": [{"type": "integer", "minimum": 1, "maximum": 12},
                            {"enum": ["prefix", "as-of", "filler"]}]},
        "units": {"type": "string",
                  "pattern": "^(unit|institution|campus|place)(:[a-z-]+)?$"},
        "headers": {"enum": [*sorted(FIELDS), "-"]},
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "description": "words of this source the built-in vocabularies lack or read otherwise",
        "properties": {
            table: {"type": "object", "description": TABLES[table].description,
                    "propertyNames": {"minLength": 1}, "additionalProperties": value}
            for table, value in values.items()
        },
    }


SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["source", "list", "sections"],
    "properties": {
        "source": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
        "list": {
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9-]*$",
            "description": "the agreement list this document is an edition of",
        },
        "date_order": {
            "enum": list(DATE_ORDERS),
            "description": "how the document writes numeric dates (dmy: 04/07/2019 is 4 July),"
            " for a document whose own dates do not decide it",
        },
        "vocabulary": _vocabulary_schema(),
        "sections": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "reader", "fields", "constants"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                    "reader": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string"},
                            "options": {"type": "object"},
                        },
                    },
                    "fields": {
                        "type": "object",
                        "propertyNames": {"enum": sorted(FIELDS)},
                        "additionalProperties": FIELD_RULE,
                    },
                    "constants": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": [],
                        "properties": {
                            "level": {"enum": list(LEVELS)},
                            "home_unit": {"type": "string", "minLength": 1},
                            "kinds": {"type": "array", "items": {"enum": list(KINDS)}},
                            "city_language": {"type": "string"},
                            "country": {"type": "string", "minLength": 1},
                            "status": {"enum": ["ended", "expired"]},
                        },
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class FieldRule:
    normaliser: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    name: str
    reader: str
    options: dict[str, Any]
    fields: dict[str, FieldRule]
    level: str | None
    home_unit: str | None
    kinds: tuple[str, ...]
    city_language: str | None
    # the country of the section's rows that give none (a workbook with a sheet per
    # country), as an ISO 3166 code
    country: str | None = None
    # what a sheet or table of agreements no longer in force says of all its rows ('Expired',
    # 'Terminated', 'Convenios no vigentes'): "ended" or "expired", read as a status cell
    status: str | None = None


@dataclass(frozen=True)
class Mapping:
    path: Path
    source: str
    list_id: str
    sections: tuple[Section, ...]
    # the source's own words and its declared date order (if any)
    vocabulary: Vocabulary = BUILTIN


def _constant_country(path: Path, index: int, text: str | None) -> str | None:
    """The ISO code of a section's ``country`` constant, written as a name in any language
    the country vocabulary knows or as an ISO code; an error naming its line if neither."""
    if text is None:
        return None
    found = parse_country(text, fuzzy=False)
    if found is not None:
        return found.code
    code = pycountry.countries.get(alpha_2=text.upper()) if len(text) == 2 else \
        pycountry.countries.get(alpha_3=text.upper()) if len(text) == 3 else None
    if code is None:
        line, col = _pos(path, ["sections", index, "constants", "country"])
        raise DataFileError(f"{path}:{line}:{col}: country {text!r} is no country the "
                            "vocabulary knows (write its name or its ISO 3166 code)")
    return code.alpha_2


def load_mapping(path: Path) -> Mapping:
    """Load and check one mapping file, including each reader's own options schema."""
    data = load(path, SCHEMA)
    sections = []
    names = [sec["name"] for sec in data["sections"]]
    for i, name in enumerate(names):
        if name in names[:i]:
            line, col = _pos(path, ["sections", i, "name"])
            raise DataFileError(f"{path}:{line}:{col}: at sections/{i}/name: section {name!r} "
                                "is named twice")
    for i, sec in enumerate(data["sections"]):
        try:
            reader = readers.get(sec["reader"]["name"])
        except KeyError as exc:
            line, col = _pos(path, ["sections", i, "reader", "name"])
            raise DataFileError(f"{path}:{line}:{col}: {exc.args[0]}") from None
        options = sec["reader"].get("options", {})
        errors = list(jsonschema.Draft202012Validator(reader.options_schema).iter_errors(options))
        missing_group = _missing_group(options, reader.options_schema)
        if missing_group is not None:
            errors.append(missing_group)
        if errors:
            raise schema_error(path, _document(path), errors,
                               prefix=("sections", i, "reader", "options"))
        problems = consistency_problems(sec, reader)
        if problems:
            where, message = problems[0]
            line, col = _pos(path, ["sections", i, *where])
            at = "/".join(map(str, ["sections", i, *where]))
            more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
            raise DataFileError(f"{path}:{line}:{col}: at {at}: {message}{more}")
        fields = {}
        for name, rule in sec["fields"].items():
            if isinstance(rule, str):
                fields[name] = FieldRule(rule)
            else:
                opts = {k: v for k, v in rule.items() if k not in ("normalise", "why")}
                fields[name] = FieldRule(rule["normalise"], opts)
        const = sec["constants"]
        sections.append(
            Section(
                name=sec["name"],
                reader=reader.name,
                options=options,
                fields=fields,
                level=const.get("level"),
                home_unit=const.get("home_unit"),
                kinds=tuple(const.get("kinds", ())),
                city_language=const.get("city_language"),
                country=_constant_country(path, i, const.get("country")),
                status=const.get("status"),
            )
        )
    vocabulary = _vocabulary(path, data.get("vocabulary", {}), data.get("date_order"))
    return Mapping(path, data["source"], data["list"], tuple(sections), vocabulary)


# The normalisers that make sense for each field ("none": read but not published).
ALLOWED_NORMALISERS: dict[str, tuple[str, ...]] = {
    "country": ("country", "none"),
    "city": ("text", "none"),
    "partner": ("partner",),
    "unit": ("text", "none"),
    "other_name": ("text", "none"),
    "start": ("date", "none"),
    "end": ("term", "date", "none"),
    "term": ("term", "none"),
    "quota": ("quota", "none"),
    "mobility": ("none",),
    "kind": ("kinds", "none"),
    "waiver": ("mark", "none"),
    "home_unit": ("text", "none"),
    "area": ("none", "text"),
    "continent": ("none", "text"),
    "website": ("url", "none"),
    "erasmus_code": ("erasmus-code", "none"),
    "level": ("level", "none"),
    "row_number": ("none",),
    "remark": ("text", "none"),
}


def consistency_problems(sec: dict[str, Any], reader: readers.Reader
                         ) -> list[tuple[list[Any], str]]:
    """What makes a section's columns, fields, options and constants disagree, each with the
    path (inside the section) of the key to fix. Nothing here may go wrong silently: a field
    mapped but never read would build a different graph without a word."""
    options = sec["reader"].get("options", {})
    problems: list[tuple[list[Any], str]] = [
        (["reader", "options", *where], message) for where, message in reader.check(options)]
    provided = reader.provides(options)
    fields = sec["fields"]
    columns = list(options.get("columns", ()))
    for name in fields:
        if name not in provided:
            given = ", ".join(sorted(provided))
            problems.append((["fields", name], f"field {name!r} is mapped but the {reader.name} "
                             f"reader gives no such field here (it gives: {given})"))
    for name in sorted(provided - set(fields)):
        where = (["reader", "options", "columns", columns.index(name)] if name in columns
                 else ["fields"])
        problems.append((where, f"the reader gives field {name!r} but fields: has no rule for "
                                f"it (add '{name}: none' to read it without publishing it, or "
                                "name the column '-')"))
    for name, rule in fields.items():
        normaliser = rule if isinstance(rule, str) else rule["normalise"]
        allowed = ALLOWED_NORMALISERS.get(name, NORMALISERS)
        where = ["fields", name] if isinstance(rule, str) else ["fields", name, "normalise"]
        if normaliser not in allowed:
            problems.append((where, f"field {name!r} cannot be read with the {normaliser!r} "
                                    f"normaliser (use one of: {', '.join(allowed)})"))
        if isinstance(rule, dict) and "notation" in rule and normaliser != "partner":
            problems.append((["fields", name, "notation"],
                             "notation applies to the partner normaliser only"))
        if isinstance(rule, dict) and "calendar" in rule and normaliser not in ("date", "term"):
            problems.append((["fields", name, "calendar"],
                             "calendar applies to the date and term normalisers only"))
    if "mobility" in fields and "quota" not in fields:
        problems.append((["fields", "mobility"], "mobility is read with the quota, but no "
                         "field reads the quota"))
    const = sec["constants"]
    if "city_language" in const and "city" not in provided:
        problems.append((["constants", "city_language"],
                         "city_language is the language of the city column, but no column "
                         "gives the city"))
    if "home_unit" in const and "home_unit" in fields:
        problems.append((["constants", "home_unit"],
                         "home_unit is both a constant and a field: keep one"))
    return problems


def _vocabulary(path: Path, tables: dict[str, dict[str, Any]], date_order: str | None
                ) -> Vocabulary:
    """The mapping's own vocabulary entries (in the source's language, hence language "")."""
    from exchange_kg.normalise.country import country_codes

    extra = []
    for table, words in tables.items():
        for text, value in words.items():
            if table == "countries" and value not in country_codes():
                line, col = _pos(path, ["vocabulary", table, text])
                raise DataFileError(f"{path}:{line}:{col}: at vocabulary/{table}/{text}: "
                                    f"{value!r} is not an ISO 3166-1 alpha-2 code")
            extra.append((table, Entry(text, str(value), "")))
    if not extra and date_order is None:
        return BUILTIN
    return Vocabulary(tuple(extra), date_order, str(path))


def _document(path: Path) -> Any:
    """The mapping file as ruamel.yaml reads it, with the position of every key."""
    from ruamel.yaml import YAML

    return YAML(typ="rt").load(path.read_text(encoding="utf-8"))


def _pos(path: Path, where: list[Any]) -> tuple[int, int]:
    return position(_document(path), where)


def _missing_group(options: dict[str, Any], schema: dict[str, Any]
                   ) -> jsonschema.ValidationError | None:
    """A pattern option lacking a named group its reader reads (``x-groups`` in the schema)."""
    for name, prop in schema.get("properties", {}).items():
        wanted = prop.get("x-groups")
        if not wanted or not isinstance(options.get(name), str):
            continue
        try:
            groups = re.compile(options[name]).groupindex
        except re.error:
            continue  # reported as a pattern that does not compile (readers.check_columns)
        missing = [g for g in wanted if g not in groups]
        if missing:
            return jsonschema.ValidationError(
                f"the pattern needs the named group(s) {', '.join(missing)} "
                f"(write them as (?P<{missing[0]}>...))", path=[name])
    return None


def option_position(path: Path, where: list[Any]) -> tuple[int, int]:
    """Line and column of a node of a mapping file (``where``: keys and indexes from the top),
    for errors found only when the options meet a document."""
    return locate(path, where)


def load_mappings(folder: Path) -> dict[str, Mapping]:
    """All mapping files of a folder, keyed by the source id they map."""
    out: dict[str, Mapping] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == RULES_FILE:  # the graph rules (exchange_kg.rules), no source's
            continue
        mapping = load_mapping(path)
        if mapping.source in out:
            line, col = locate(path, ["source"])
            raise DataFileError(
                f"{path}:{line}:{col}: source {mapping.source!r} is already mapped by "
                f"{out[mapping.source].path.name}"
            )
        out[mapping.source] = mapping
    return out
