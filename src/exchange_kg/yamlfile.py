"""Load YAML data files and validate them with JSON Schema, reporting file:line:column.

Mapping files and the manifest are hand-edited data; a typo must point at the exact spot.
ruamel.yaml keeps the position of every key and item, which PyYAML's safe loader drops.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError


class DataFileError(Exception):
    """A data file that is not valid; the message starts with ``path:line:column``."""


def load(path: Path, schema: dict[str, Any]) -> dict[str, Any]:
    """Parse ``path`` and check it against ``schema``; return plain dicts and lists."""
    yaml = YAML(typ="rt")
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise DataFileError(f"{where}: {exc.problem}") from None
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc.strerror})") from None
    if doc is None:
        raise DataFileError(f"{path}:1:1: the file is empty")
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(doc),
        key=lambda e: (list(map(str, e.absolute_path)), e.message),
    )
    if errors:
        err = errors[0]
        line, col = position(doc, list(err.absolute_path))
        at = "/".join(map(str, err.absolute_path)) or "(top level)"
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise DataFileError(f"{path}:{line}:{col}: at {at}: {err.message}{more}")
    return plain(doc)


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
