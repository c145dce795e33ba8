"""Sections of a printed document and the page furniture around them.

A printed partner list (Tohoku University's is the model) may hold several layouts one after
another, each read by its own reader: the outline list, then the content table. Each reader
therefore accounts only for the lines of its own section (``start_marker`` .. line before
``end_marker``), and the lines that describe the page rather than the data — the repeated
document title, section titles, legends, "as of" stamps — are recognised the same way in every
section. These helpers live here so that both readers share one definition of a section and of
its furniture, and a mapping's section options mean the same thing whichever reader they go to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from exchange_kg.records import LineStatus, OptionError, ReaderResult

DEFAULT_LEGEND = r"(?i)^\(\s*\*.*\)$"
DEFAULT_AS_OF = r"(?i)^\(\s*as\s+of\b[^()]*\)$"

SECTION_SCHEMA: dict[str, Any] = {
    "start_marker": {
        "type": "string",
        "format": "regex",
        "description": "regex; the section starts at the first line it matches",
    },
    "end_marker": {
        "type": ["string", "null"],
        "format": "regex",
        "description": "regex; the section ends before the first later line it matches",
    },
    "owns_preamble": {
        "type": "boolean",
        "description": "mark the lines before this section (document title); set it on the "
        "reader of the first section only",
    },
    "title_patterns": {
        "type": "array",
        "items": {"type": "string", "format": "regex"},
        "description": "regexes of further title lines (the section title and the document's "
        "first line are recognised without them)",
    },
    "legend_pattern": {"type": "string", "format": "regex",
                       "description": "regex of legend lines"},
    "as_of_pattern": {"type": "string", "format": "regex",
                      "description": "regex of 'as of' page stamps"},
}


def section_range(lines: list[str], options: dict[str, Any], source_id: str) -> tuple[int, int]:
    """Return the first and last line number (1-based, inclusive) of the reader's section.

    Several readers share one file, so each must know exactly which lines are its own; a marker
    that matches nothing is a mapping error, not an empty section (nor, for the end marker, a
    section running on into the next).
    """
    start_re = re.compile(options["start_marker"])
    start = next((n for n, text in enumerate(lines, 1) if start_re.search(text)), None)
    if start is None:
        marker = options["start_marker"]
        raise OptionError(["start_marker"], f"start_marker {marker!r} matches no line of the "
                          "document")
    end = len(lines)
    end_marker = options.get("end_marker")
    if end_marker:
        end_re = re.compile(end_marker)
        after = (n for n in range(start + 1, len(lines) + 1) if end_re.search(lines[n - 1]))
        found = next(after, None)
        if found is None:  # the section would silently run on into the next one
            raise OptionError(["end_marker"], f"end_marker {end_marker!r} matches no line "
                              f"after the section's start (line {start})")
        end = found - 1
    return start, end


def document_title(lines: list[str], before: int) -> str | None:
    """The first non-blank line, if it precedes line ``before`` (this section's start).

    Printed documents repeat their title on every page, so copies of it are layout. A first
    line inside the section is data or a section title, never taken as the document title.
    """
    return next((text.strip() for text in lines[: before - 1] if text.strip()), None)


@dataclass(frozen=True)
class LayoutPatterns:
    """Lines that describe the page rather than the data, recognised by their text."""

    section_title: re.Pattern[str]
    titles: tuple[re.Pattern[str], ...]
    doc_title: str | None
    legend: re.Pattern[str]
    as_of: re.Pattern[str]

    @classmethod
    def from_options(cls, lines: list[str], options: dict[str, Any], start: int) -> LayoutPatterns:
        """Compile the section options (see :data:`SECTION_SCHEMA`) for the section at ``start``.

        The document title is taken from the lines before ``start``, so it depends on where
        this reader's section begins, not only on the options.
        """
        return cls(
            section_title=re.compile(options["start_marker"]),
            titles=tuple(re.compile(p) for p in options.get("title_patterns", [])),
            doc_title=document_title(lines, before=start),
            legend=re.compile(options.get("legend_pattern", DEFAULT_LEGEND)),
            as_of=re.compile(options.get("as_of_pattern", DEFAULT_AS_OF)),
        )

    def classify(self, text: str) -> tuple[str, str] | None:
        """Return (kind, reason) when the line is page furniture, else None."""
        stripped = text.strip()
        if self.section_title.search(text) or any(p.search(stripped) for p in self.titles):
            return "title", "section title"
        if self.doc_title is not None and stripped == self.doc_title:
            return "title", "document title (repeated on each page)"
        if self.legend.search(stripped):
            return "legend", "explains a mark used in the list"
        if self.as_of.search(stripped):
            return "page-break", "'as of' stamp printed on each page"
        return None


def mark_preamble(result: ReaderResult, lines: list[str], start: int) -> None:
    """Account for the lines before the first section: the document's own title block."""
    for n in range(1, start):
        if lines[n - 1].strip():
            result.mark(n, LineStatus.LAYOUT, "title", "document preamble before the first section")


def open_section(
    lines: list[str], options: dict[str, Any], source_id: str
) -> tuple[int, int, ReaderResult]:
    """Find the reader's section and start its result, with the preamble marked if it owns it.

    Every sectioned reader begins this way; doing it in one place keeps ``owns_preamble``
    meaning the same for all of them, so exactly one reader accounts for the title block.
    """
    start, end = section_range(lines, options, source_id)
    result = ReaderResult()
    if options.get("owns_preamble"):
        mark_preamble(result, lines, start)
    return start, end, result
