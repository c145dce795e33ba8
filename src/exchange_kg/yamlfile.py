"""Load YAML data files and validate them with JSON Schema, reporting file:line:column.

Mapping files and the manifest are hand-edited data; a typo must point at the exact spot.
ruamel.yaml keeps the position of every key and item, which PyYAML's safe loader drops.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError


class DataFileError(Exception):
    """A data file that is not valid; the message starts with ``path:line:column``."""


def load(path: Path, schema: dict[str, Any]) -> dict[str, Any]:
    """Parse ``path`` and check it against ``schema``; return plain dicts and lists."""
    return plain(load_checked(path, schema))


def load_checked(path: Path, schema: dict[str, Any]) -> Any:
    """Like :func:`load`, but the parsed file with positions, for checks beyond the schema
    that report a line (see :func:`position`)."""
    doc = load_positions(path)
    if doc is None:
        raise DataFileError(f"{path}:1:1: the file is empty")
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    if errors:
        raise schema_error(path, doc, errors)
    return doc


def schema_error(path: Path, doc: Any, errors: list[jsonschema.ValidationError],
                 prefix: tuple[Any, ...] = ()) -> DataFileError:
    """The error a person should see first, at the line and column of the key it is about.

    An unknown or misspelt key is reported at that key with the nearest allowed one
    ("unknown key 'lsit'; did you mean 'list'?") and before anything it causes (a required
    key then missing). Otherwise the first problem in document order. ``prefix`` is where
    the validated part sits in ``doc`` (a reader's options inside a mapping file).
    """
    problems = sorted((_problem(e, prefix) for e in errors),
                      key=lambda p: (not p[2], position(doc, p[0]), p[1]))
    where, message, _ = problems[0]
    line, col = position(doc, where)
    at = "/".join(map(str, where)) or "(top level)"
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return DataFileError(f"{path}:{line}:{col}: at {at}: {message}{more}")


def _problem(err: jsonschema.ValidationError, prefix: tuple[Any, ...]
             ) -> tuple[list[Any], str, bool]:
    """(path of the offending node, message, whether it is about an unknown key)."""
    where = [*prefix, *err.absolute_path]
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = sorted(err.schema.get("properties", {}))
        unknown = [k for k in err.instance if k not in allowed]
        if unknown:
            return [*where, unknown[0]], unknown_key(str(unknown[0]), allowed), True
    if "propertyNames" in err.schema_path and isinstance(err.instance, str):
        allowed = sorted(err.schema.get("enum", []))
        return [*where, err.instance], unknown_key(err.instance, allowed), True
    if err.validator in ("oneOf", "anyOf") and err.context:
        # "is not valid under any of the given schemas" says nothing: say which keys go
        # together, and what is wrong with the alternative the entry comes closest to
        ways = [" and ".join(s["required"]) for s in err.validator_value
                if isinstance(s, dict) and s.get("required")]
        place, message, unknown = _problem(jsonschema.exceptions.best_match(err.context),
                                           prefix)
        hint = f"; give {' or '.join(ways)}" if len(ways) > 1 else ""
        return place, f"{message}{hint}", unknown
    return where, err.message, False


def unknown_key(key: str, allowed: list[str]) -> str:
    """"unknown key 'lsit'; did you mean 'list'?" (or the allowed keys when none is close)."""
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r} (allowed: {', '.join(allowed)})"


class _Constructor(RoundTripConstructor):
    """Reads a date as the text it is: ``as_of: 2026-10-01`` written unquoted, as a person
    writes a date, is the string the schemas ask for, not a ``datetime.date`` they reject."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)


def load_positions(path: Path) -> Any:
    """The parsed file with the position of every key and item (ruamel's round-trip nodes)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataFileError(f"{path}:{line}:{column}: not valid UTF-8 ({exc.reason}); save "
                            "the file as UTF-8") from None
    try:
        yaml = YAML(typ="rt")
        yaml.Constructor = _Constructor
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise DataFileError(f"{where}: {exc.problem}") from None
    except Exception as exc:  # noqa: BLE001 - ruamel raises a few unmarked error types too
        raise DataFileError(f"{path}: not valid YAML ({exc})") from None


def locate(path: Path, where: list[Any]) -> tuple[int, int]:
    """Line and column of a node of a data file already loaded once (for errors found later,
    such as a duplicate id); the top of the file if it cannot be found."""
    try:
        return position(load_positions(path), where)
    except DataFileError:
        return 1, 1


def position(doc: Any, path: list[Any]) -> tuple[int, int]:
    """1-based line and column of the deepest node of ``path`` that has a position."""
    line, col = 1, 1
    node = doc
    for key in path:
        if isinstance(node, CommentedMap) and key in node:
            pos = node.lc.key(key)
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            pos = node.lc.item(key)
        else:
            break
        if pos:
            line, col = pos[0] + 1, pos[1] + 1
        node = node[key]
    return line, col


def plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node
