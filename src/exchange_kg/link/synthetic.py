"""Synthetic ROR records in both schemas, and dump files made of them, for tests and examples.

The project never ships ROR data; tests (here and in the pipeline) build small registries of
made-up records instead. The IDs have ROR's shape (``0`` + six characters + two digits) with an
``s`` after the leading zero, and QIDs start at Q9000000000, so nothing here can be mistaken for
an extract of the real registry.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def ror_id(n: int) -> str:
    """A synthetic ROR IRI: ``https://ror.org/0s`` + five digits + ``00``."""
    return f"https://ror.org/0s{n:05d}00"


def qid(n: int) -> str:
    return f"Q{9_000_000_000 + n}"


def v2_record(n: int, name: str, country: str, *, city: str = "Somewhere",
              aliases: Sequence[str] = (), labels: Sequence[tuple[str, str]] = (),
              acronyms: Sequence[str] = (), domains: Sequence[str] = (),
              website: str | None = None, wikidata: str | None = None,
              status: str = "active", relationships: Sequence[tuple[str, int, str]] = (),
              types: Sequence[str] = ("education",)) -> dict[str, Any]:
    """A record in ROR schema v2; ``relationships`` are (type, n of the other record, label)."""
    names = [{"lang": "en", "types": ["ror_display", "label"], "value": name}]
    names += [{"lang": lang, "types": ["label"], "value": v} for v, lang in labels]
    names += [{"lang": None, "types": ["alias"], "value": v} for v in aliases]
    names += [{"lang": None, "types": ["acronym"], "value": v} for v in acronyms]
    links = [{"type": "website", "value": website}] if website else []
    links.append({"type": "wikipedia", "value": f"https://en.wikipedia.org/wiki/Synthetic_{n}"})
    external = [{"type": "grid", "all": [f"grid.{n}.0"], "preferred": f"grid.{n}.0"}]
    if wikidata:
        external.append({"type": "wikidata", "all": [wikidata], "preferred": None})
    return {
        "admin": {"created": {"date": "2020-01-01", "schema_version": "1.0"},
                  "last_modified": {"date": "2025-01-01", "schema_version": "2.1"}},
        "domains": list(domains),
        "established": None,
        "external_ids": external,
        "id": ror_id(n),
        "links": links,
        "locations": [{"geonames_id": 1000 + n, "geonames_details": {
            "country_code": country, "country_name": country, "name": city,
            "lat": 0.0, "lng": 0.0, "continent_code": "XX", "continent_name": "X"}}],
        "names": names,
        "relationships": [{"type": t, "id": ror_id(m), "label": label}
                          for t, m, label in relationships],
        "status": status,
        "types": list(types),
    }


def v1_record(n: int, name: str, country: str, *, city: str = "Somewhere",
              aliases: Sequence[str] = (), labels: Sequence[tuple[str, str]] = (),
              acronyms: Sequence[str] = (), website: str | None = None,
              wikidata: str | Sequence[str] | None = None, wikidata_preferred: str | None = None,
              status: str = "active", relationships: Sequence[tuple[str, int, str]] = (),
              types: Sequence[str] = ("Education",)) -> dict[str, Any]:
    """A record in ROR schema v1 (capitalised relationship types, dict-shaped external ids)."""
    external: dict[str, Any] = {"GRID": {"all": f"grid.{n}.1", "preferred": f"grid.{n}.1"}}
    if wikidata or wikidata_preferred:
        all_ids = [wikidata] if isinstance(wikidata, str) else list(wikidata or [])
        external["Wikidata"] = {"all": all_ids, "preferred": wikidata_preferred}
    return {
        "acronyms": list(acronyms),
        "addresses": [{"city": city, "country_geonames_id": 1, "lat": 0.0, "lng": 0.0,
                       "geonames_city": {"city": city, "id": 2000 + n}}],
        "aliases": list(aliases),
        "country": {"country_code": country, "country_name": country},
        "email_address": None,
        "established": None,
        "external_ids": external,
        "id": ror_id(n),
        "ip_addresses": [],
        "labels": [{"iso639": lang, "label": v} for v, lang in labels],
        "links": [website] if website else [],
        "name": name,
        "relationships": [{"type": t.capitalize(), "id": ror_id(m), "label": label}
                          for t, m, label in relationships],
        "status": status,
        "types": list(types),
        "wikipedia_url": f"https://en.wikipedia.org/wiki/Synthetic_{n}",
    }


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    """JSON Lines, gzipped when the name ends in ``.gz`` (the shape of a partial snapshot)."""
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    Path(path).write_bytes(gzip.compress(text, mtime=0) if str(path).endswith(".gz") else text)
    return Path(path)


def write_json_array(path: Path, records: Iterable[dict[str, Any]], indent: int | None = 2
                     ) -> Path:
    """One JSON array, as in a release."""
    Path(path).write_text(json.dumps(list(records), ensure_ascii=False, indent=indent),
                          encoding="utf-8")
    return Path(path)


def write_release_zip(path: Path, v2_records: Sequence[dict[str, Any]],
                      v1_records: Sequence[dict[str, Any]] | None = None,
                      version: str = "v9.99-2099-01-01") -> Path:
    """A release zip laid out like ROR's: the v2 JSON, optionally a v1 JSON, and CSV files."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        if v1_records is not None:
            zf.writestr(f"{version}-ror-data.json", json.dumps(list(v1_records)))
            zf.writestr(f"{version}-ror-data_schema_v2.json", json.dumps(list(v2_records)))
        else:
            zf.writestr(f"{version}-ror-data.json", json.dumps(list(v2_records)))
        csv = io.StringIO()
        csv.write("id,name\n")
        for r in v2_records:
            csv.write(f"{r['id']},\"{r['names'][0]['value']}\"\n")
        zf.writestr(f"{version}-ror-data.csv", csv.getvalue())
        zf.writestr(f"{version}-ror-data_schema_v2.csv", csv.getvalue())
    return Path(path)
