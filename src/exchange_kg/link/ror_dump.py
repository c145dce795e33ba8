"""ROR data dumps -> ``RorRecord``: one record type for both ROR schema versions.

Users get ROR data in several shapes: the official release zip (a v2 JSON array next to CSV files
and, in older releases, a v1 JSON array), a bare JSON array, or JSON Lines (optionally gzipped,
like a partial snapshot). Schema v1 and v2 name the same facts differently; everything after this
module sees only ``RorRecord``, so the matcher never has to know which schema a record came in.

Large JSON arrays are read incrementally (object by object) so that a full registry does not
have to be held as one parsed document.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

ROR_PREFIX = "https://ror.org/"
ROR_ID = re.compile(r"^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$")
QID = re.compile(r"^Q[1-9][0-9]*$")
STATUSES = ("active", "inactive", "withdrawn")
_CHUNK = 1 << 20  # characters read at a time from a dump


class DumpError(ValueError):
    """A dump that cannot be read; the message names the file (and the record when known)."""


class RorName(NamedTuple):
    # named tuples, not dataclasses: the index decodes thousands of them per build
    value: str
    kind: str  # "display" | "label" | "alias" | "acronym"
    lang: str | None = None


class RorRelationship(NamedTuple):
    type: str  # "parent" | "child" | "related" | "successor" | "predecessor"
    id: str
    label: str = ""


@dataclass(frozen=True)
class RorRecord:
    """What the linker needs of a ROR record, whichever schema it was published in."""

    id: str  # https://ror.org/0xxxxxxxx
    names: tuple[RorName, ...]
    country: str | None  # ISO 3166-1 alpha-2 of the first location
    city: str | None
    domains: tuple[str, ...]  # as the record lists them (v2 only)
    links: tuple[str, ...]  # website addresses (Wikipedia links left out)
    wikidata: str | None  # QID
    status: str
    relationships: tuple[RorRelationship, ...] = ()
    types: tuple[str, ...] = ()
    schema: int = 2

    @property
    def display_name(self) -> str:
        return next((n.value for n in self.names if n.kind == "display"), self.id)

    @property
    def acronyms(self) -> tuple[str, ...]:
        return tuple(n.value for n in self.names if n.kind == "acronym")

    def related(self, kind: str) -> tuple[RorRelationship, ...]:
        return tuple(r for r in self.relationships if r.type == kind)


def canonical_ror_id(value: str) -> str | None:
    """ "https://ror.org/02mhbdp94", "ror.org/02mhbdp94" or "02mhbdp94" -> the full ROR IRI."""
    text = value.strip()
    text = re.sub(r"^(https?://)?(www\.)?ror\.org/", "", text, flags=re.IGNORECASE)
    text = text.lower().rstrip("/")
    return ROR_PREFIX + text if ROR_ID.match(text) else None


def _qid(value: Any) -> str | None:
    if isinstance(value, str) and QID.match(value.strip()):
        return value.strip()
    return None


def _first_qid(preferred: Any, all_ids: Any) -> str | None:
    """The preferred QID, else the first of ``all`` (a list, or a bare string in old records)."""
    candidates = [preferred] + (list(all_ids) if isinstance(all_ids, list) else [all_ids])
    return next((q for q in map(_qid, candidates) if q), None)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_v2(obj: dict[str, Any]) -> RorRecord:
    """A schema v2 record: ``names[]`` with types, ``locations[]``, list-shaped external ids."""
    names: list[RorName] = []
    for n in obj.get("names") or []:
        value = _text(n.get("value"))
        if value is None:
            continue
        types = n.get("types") or []
        kind = ("display" if "ror_display" in types else "acronym" if "acronym" in types
                else "alias" if "alias" in types else "label")
        names.append(RorName(value, kind, _text(n.get("lang"))))
    geo = ((obj.get("locations") or [{}])[0] or {}).get("geonames_details") or {}
    wikidata = None
    for ext in obj.get("external_ids") or []:
        if str(ext.get("type", "")).lower() == "wikidata":
            wikidata = _first_qid(ext.get("preferred"), ext.get("all"))
            break
    links = tuple(
        v for link in obj.get("links") or []
        if str(link.get("type", "website")).lower() == "website" and (v := _text(link.get("value")))
    )
    return RorRecord(
        id=_record_id(obj),
        names=tuple(names),
        country=_country(geo.get("country_code")),
        city=_text(geo.get("name")),
        domains=tuple(d.lower() for d in obj.get("domains") or [] if _text(d)),
        links=links,
        wikidata=wikidata,
        status=_status(obj),
        relationships=_relationships(obj),
        types=tuple(str(t).lower() for t in obj.get("types") or []),
        schema=2,
    )


def parse_v1(obj: dict[str, Any]) -> RorRecord:
    """A schema v1 record: ``name``/``aliases``/``acronyms``/``labels[]``, dict-shaped ids."""
    names: list[RorName] = []
    if (display := _text(obj.get("name"))) is not None:
        names.append(RorName(display, "display"))
    for label in obj.get("labels") or []:
        if (value := _text(label.get("label"))) is not None:
            names.append(RorName(value, "label", _text(label.get("iso639"))))
    names += [RorName(v, "alias") for a in obj.get("aliases") or [] if (v := _text(a))]
    names += [RorName(v, "acronym") for a in obj.get("acronyms") or [] if (v := _text(a))]
    ext = (obj.get("external_ids") or {}).get("Wikidata") or {}
    address = (obj.get("addresses") or [{}])[0] or {}
    city = _text(address.get("city")) or _text((address.get("geonames_city") or {}).get("city"))
    return RorRecord(
        id=_record_id(obj),
        names=tuple(names),
        country=_country((obj.get("country") or {}).get("country_code")),
        city=city,
        domains=(),
        links=tuple(v for link in obj.get("links") or [] if (v := _text(link))),
        wikidata=_first_qid(ext.get("preferred"), ext.get("all")),
        status=_status(obj),
        relationships=_relationships(obj),
        types=tuple(str(t).lower() for t in obj.get("types") or []),
        schema=1,
    )


def parse_record(obj: dict[str, Any]) -> RorRecord:
    """Either schema, told apart by v2's ``names`` list (v1 has a ``name`` string)."""
    if not isinstance(obj, dict):
        raise DumpError(f"expected a JSON object, got {type(obj).__name__}")
    return parse_v2(obj) if isinstance(obj.get("names"), list) else parse_v1(obj)


def _record_id(obj: dict[str, Any]) -> str:
    rid = canonical_ror_id(str(obj.get("id", "")))
    if rid is None:
        raise DumpError(f"record without a valid ROR id: {obj.get('id')!r}")
    return rid


def _country(code: Any) -> str | None:
    return code.strip().upper() if isinstance(code, str) and len(code.strip()) == 2 else None


def _status(obj: dict[str, Any]) -> str:
    status = str(obj.get("status") or "active").lower()
    return status if status in STATUSES else "inactive"


def _relationships(obj: dict[str, Any]) -> tuple[RorRelationship, ...]:
    out = []
    for rel in obj.get("relationships") or []:
        rid = canonical_ror_id(str(rel.get("id", "")))
        if rid is not None:
            out.append(RorRelationship(str(rel.get("type", "")).lower(), rid,
                                       _text(rel.get("label")) or ""))
    return tuple(out)


# ----------------------------------------------------------------------------- file shapes


def read_records(path: Path) -> Iterator[RorRecord]:
    """Every record of a dump: .zip (the release), .json (array), .jsonl, each optionally .gz."""
    path = Path(path)
    if not path.is_file():
        raise DumpError(f"{path}: no such ROR dump file")
    if zipfile.is_zipfile(path):
        yield from _read_zip(path)
        return
    with open(path, "rb") as raw:
        magic = raw.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rb") as binary, io.TextIOWrapper(binary, encoding="utf-8") as text:
        yield from _read_text(text, str(path))


def _read_zip(path: Path) -> Iterator[RorRecord]:
    """The release zip: prefer the schema v2 JSON member; CSV members are ignored."""
    with zipfile.ZipFile(path) as zf:
        members = [m for m in zf.namelist()
                   if m.lower().endswith((".json", ".jsonl")) and not m.startswith("__MACOSX")]
        if not members:
            raise DumpError(f"{path}: the zip holds no JSON file")
        member = _pick_member(zf, members)
        with zf.open(member) as binary, io.TextIOWrapper(binary, encoding="utf-8") as text:
            yield from _read_text(text, f"{path}!{member}")


def _pick_member(zf: zipfile.ZipFile, members: list[str]) -> str:
    """The v2 file: named ``*schema_v2*`` in releases that ship both, else sniffed."""
    named = [m for m in members if "schema_v2" in m.lower()]
    if named:
        return sorted(named)[0]
    if len(members) == 1:
        return members[0]
    for member in sorted(members):
        with zf.open(member) as binary, io.TextIOWrapper(binary, encoding="utf-8") as text:
            head = text.read(200_000)
        if '"names"' in head and '"ror_display"' in head:
            return member
    return sorted(members)[0]


def _read_text(text: IO[str], where: str) -> Iterator[RorRecord]:
    head = text.read(_CHUNK)
    first = head.lstrip("\ufeff \t\r\n")[:1]
    objects: Iterable[Any]
    if first == "[":
        objects = _json_array(head, text, where)
    else:
        head += text.readline()  # finish the line the chunk cut
        objects = _json_lines(itertools.chain(io.StringIO(head), text), where)
    for i, obj in enumerate(objects, start=1):
        try:
            yield parse_record(obj)
        except DumpError as exc:
            raise DumpError(f"{where}: record {i}: {exc}") from None


def _json_lines(lines: Iterable[str], where: str) -> Iterator[Any]:
    for n, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise DumpError(f"{where}: line {n}: not JSON ({exc.msg})") from None



def _json_array(head: str, text: IO[str], where: str) -> Iterator[Any]:
    """The elements of a top-level JSON array, decoded one at a time from buffered chunks."""
    decoder = json.JSONDecoder()
    buf = head
    pos = buf.index("[") + 1
    eof = False
    while True:
        while True:  # skip blanks and the comma between elements, reading on as needed
            while pos < len(buf) and (buf[pos].isspace() or buf[pos] == ","):
                pos += 1
            if pos < len(buf) or eof:
                break
            buf, pos = text.read(_CHUNK), 0
            eof = not buf
        if pos >= len(buf):
            raise DumpError(f"{where}: the JSON array is not closed")
        if buf[pos] == "]":
            return
        try:
            obj, end = decoder.raw_decode(buf, pos)
        except json.JSONDecodeError as exc:
            if eof:
                raise DumpError(f"{where}: not a JSON array of records ({exc.msg})") from None
            more = text.read(_CHUNK)
            eof = not more
            buf, pos = buf[pos:] + more, 0
            continue
        yield obj
        pos = end
