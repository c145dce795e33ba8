"""A SPARQL syntax error as people read it: where (line, column, the line with a marker under
the spot) and what was expected, in words rather than the parser's character classes.

The parser reports ``error at LINE:COLUMN: expected one of A, B, ['0'..='9'], [_]``; the
character classes mean "a number", "a letter or a name", and so on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_CLASS = re.compile(r"\[[^\]]*\]")
# a prefixed name ending where the parser stopped: "xkg:Agreement" (the engine reports an
# undeclared prefix at the end of the name)
_PREFIXED_END = re.compile(r"([A-Za-z][\w.-]*)?:[\w.-]*$")
# what a character class in the parser's message stands for, by its first range
_CLASSES = (("'0'..='9'", "a digit"), ("'a'..='z'", "a letter"), ("'A'..='Z'", "a letter"),
            ("_", "a name, a variable or a value"))


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    column: int
    expected: str
    source_line: str

    @property
    def marker(self) -> str:
        """Spaces up to the column, then a caret (tabs kept, so it lines up)."""
        prefix = self.source_line[: max(self.column - 1, 0)]
        return "".join(c if c == "\t" else " " for c in prefix) + "^"

    @property
    def message(self) -> str:
        return f"Line {self.line}, column {self.column}: {self.expected}"


def explain(message: str, query: str) -> SyntaxProblem | None:
    """The problem a parser message describes, or None if it is not a located syntax error."""
    match = _AT.search(message)
    if match is None:
        return None
    line, column, rest = int(match[1]), int(match[2]), match[3].strip()
    lines = query.split("\n")
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if "Prefix not found" in rest:
        name = _PREFIXED_END.search(source[: max(column - 1, 0)])
        if name is not None:
            prefix = name[1] or ""
            return SyntaxProblem(line, column, f"the prefix {prefix}: is not declared "
                                               f"(add a line PREFIX {prefix}: <...> before "
                                               f"the query)", source)
    return SyntaxProblem(line, column, _words(rest), source)


def _words(rest: str) -> str:
    if rest == "expected IRI parsing failed":
        return "this is not a valid IRI (spaces, quotes and < > are not allowed inside < >)"
    found = rest.removeprefix("expected one of ").removeprefix("expected ")
    items = [i.strip() for i in re.split(r",\s*(?![^\[]*\])", found) if i.strip()]
    words: list[str] = []
    for item in items:
        if _CLASS.fullmatch(item):
            inner = item[1:-1]
            phrase = next((p for key, p in _CLASSES if inner.startswith(key)), "another character")
        else:
            phrase = item
        if phrase not in words:
            words.append(phrase)
    if not words:
        return rest
    expected = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return f"expected {expected}"
