"""The source manifest: which documents exist and what each says about itself."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from exchange_kg.languages import language_iri
from exchange_kg.normalise.dates import DateValue
from exchange_kg.yamlfile import DataFileError, load, locate

SCHEMA = {
    "type": "object",
    "required": ["documents"],
    "additionalProperties": False,
    "properties": {
        "documents": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "file", "title", "label", "language", "publisher",
                             "as_of", "original_file_name"],
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                    "file": {"type": "string", "minLength": 1},
                    "title": {"type": ["string", "null"]},
                    "label": {"type": "string", "minLength": 1},
                    "language": {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]+)*$"},
                    "publisher": {
                        "oneOf": [
                            {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["name", "evidence"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "evidence": {"type": "string"},
                                    # where another institution shares the name
                                    "country": {"type": "string", "minLength": 1},
                                },
                            },
                            {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["known_as", "key"],
                                "properties": {
                                    "known_as": {"type": "string"},
                                    "key": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                                },
                            },
                        ]
                    },
                    "as_of": {
                        "type": ["string", "null"],
                        "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                    },
                    "as_of_evidence": {"type": "string"},
                    "original_file_name": {"type": "string"},
                    "notes": {"type": "string"},
                },
            },
        }
    },
}


@dataclass(frozen=True)
class Publisher:
    name: str | None  # set when the document (or clear evidence in it) names the host
    known_as: str | None  # otherwise: how the host may be referred to honestly
    key: str  # identity of the host across documents
    evidence: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, where the manifest states it


@dataclass(frozen=True)
class Document:
    id: str
    path: Path
    title: str | None
    label: str
    language: str
    publisher: Publisher
    as_of: str | None
    original_file_name: str
    notes: str = ""

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def as_of_date(self) -> DateValue | None:
        """The day (or month, or year) the list states it is as of."""
        if not self.as_of:
            return None
        parts = [int(p) for p in self.as_of.split("-")]
        return DateValue(parts[0], parts[1] if len(parts) > 1 else None,
                         parts[2] if len(parts) > 2 else None)

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def load_manifest(path: Path) -> list[Document]:
    """Read the manifest; document files are resolved relative to it and must exist."""
    data = load(path, SCHEMA)
    docs: list[Document] = []
    seen: set[str] = set()
    for i, entry in enumerate(data["documents"]):
        if entry["id"] in seen:
            line, col = locate(path, ["documents", i, "id"])
            raise DataFileError(f"{path}:{line}:{col}: duplicate id {entry['id']!r} "
                                f"(document {i + 1})")
        seen.add(entry["id"])
        pub = entry["publisher"]
        country = _country(path, i, pub["country"]) if "country" in pub else None
        publisher = Publisher(
            name=pub.get("name"),
            known_as=pub.get("known_as"),
            # two hosts of one name in two countries ("University of Georgia") are two
            key=pub.get("key") or _slug(pub["name"]) + (f"-{country.lower()}" if country else ""),
            evidence=pub.get("evidence"),
            country=country,
        )
        if language_iri(entry["language"]) is None:
            line, col = locate(path, ["documents", i, "language"])
            raise DataFileError(f"{path}:{line}:{col}: document {entry['id']!r}: language "
                                f"{entry['language']!r} is not an ISO 639 language")
        file_path = path.parent / entry["file"]
        if not file_path.is_file():
            line, col = locate(path, ["documents", i, "file"])
            raise DataFileError(f"{path}:{line}:{col}: document {entry['id']!r}: no file "
                                f"{file_path}")
        docs.append(
            Document(
                id=entry["id"],
                path=file_path,
                title=entry["title"],
                label=entry["label"],
                language=entry["language"],
                publisher=publisher,
                as_of=entry["as_of"],
                original_file_name=entry["original_file_name"],
                notes=entry.get("notes", ""),
            )
        )
    return docs


def _country(path: Path, index: int, text: str) -> str:
    """The ISO code of a publisher's country as the manifest writes it (any language)."""
    from exchange_kg.normalise.country import parse_country
    from exchange_kg.normalise.registry import iso_code

    found = iso_code(text) or parse_country(text, fuzzy=False)
    if found is None:
        line, col = locate(path, ["documents", index, "publisher", "country"])
        raise DataFileError(f"{path}:{line}:{col}: publisher country {text!r} is no country "
                            "(write its name or its ISO code, e.g. 'Georgia' or 'GE')")
    return found.code


def _slug(text: str) -> str:
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in text).split())
