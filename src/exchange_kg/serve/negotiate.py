"""Content negotiation: which serialisation a client gets.

One table of formats serves the SPARQL endpoint, the linked-data IRIs and the dataset
description, so a client that can read Turtle from one can read it from all. A client picks a
format with the HTTP ``Accept`` header (RFC 9110 section 12.5.1: media ranges, ``q`` weights,
the most specific range wins) or, where a header is awkward to set (a link, a browser), with a
``format`` parameter naming a format key, an extension or a media type.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    key: str
    media_type: str
    extension: str
    label: str
    # other media types clients use for the same format
    aliases: tuple[str, ...] = ()
    # the charset parameter to send, for text formats
    text: bool = True

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


# SELECT and ASK results, in the order the server prefers them
JSON = Format("json", "application/sparql-results+json", "srj", "JSON",
              ("application/json", "text/javascript", "application/javascript"))
XML = Format("xml", "application/sparql-results+xml", "srx", "XML",
             ("application/xml", "text/xml"))
CSV = Format("csv", "text/csv", "csv", "CSV")
TSV = Format("tsv", "text/tab-separated-values", "tsv", "TSV")
RESULT_FORMATS = (JSON, XML, CSV, TSV)
# ASK results: the CSV and TSV results formats define no boolean
BOOLEAN_FORMATS = (JSON, XML)

# RDF graphs (CONSTRUCT, DESCRIBE, resource descriptions)
TURTLE = Format("turtle", "text/turtle", "ttl", "Turtle", ("application/x-turtle",))
NTRIPLES = Format("ntriples", "application/n-triples", "nt", "N-Triples", ("text/plain",))
JSONLD = Format("jsonld", "application/ld+json", "jsonld", "JSON-LD", ("application/json",))
RDFXML = Format("rdfxml", "application/rdf+xml", "rdf", "RDF/XML",
                ("application/xml", "text/xml"))
GRAPH_FORMATS = (TURTLE, NTRIPLES, JSONLD, RDFXML)

HTML = Format("html", "text/html", "html", "HTML", ("application/xhtml+xml",))

# what a page shows, as plain data (an organisation's agreement rows, a resource's statements):
# reached by extension only, so a client negotiating application/json still gets JSON-LD
PAGE_JSON = Format("page-json", "application/json", "json", "JSON", text=False)
PAGE_CSV = Format("page-csv", "text/csv", "csv", "CSV")
PAGE_DATA = (PAGE_JSON, PAGE_CSV)

# short names clients use in ?format=, besides each format's key and extension
_PARAM_ALIASES = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "ttl": ("turtle",),
    "n-triples": ("ntriples",),
    "nt": ("ntriples",),
    "json-ld": ("jsonld",),
    "rdf": ("rdfxml",),
    "rdf/xml": ("rdfxml",),
    "rdf+xml": ("rdfxml",),
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``[(media range, q)]`` from an Accept header; malformed weights count as 0."""
    if not header:
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media + "/*"
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching ``media_type``; (0, -1) if none."""
    kind = media_type.split("/")[0]
    best = (0.0, -1)
    for media, q in ranges:
        if media == media_type:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (q, specificity)
    return best


# Accept headers at most this long have their outcome kept (clients send a few distinct ones
# over and over; a long one is worked out each time, so the kept ones stay small)
_KEPT_HEADER = 256


def negotiate(accept: str | None, formats: tuple[Format, ...]) -> Format | None:
    """The acceptable format with the highest q; ties go to the earlier (preferred) format.

    A format's alias named in the header counts as the format (``application/json`` asks for
    SPARQL JSON results or for JSON-LD, whichever the result is). None if the client accepts
    none of them.
    """
    if accept is None or len(accept) <= _KEPT_HEADER:
        return _negotiate_kept(accept, formats)
    return _negotiate(accept, formats)


def _negotiate(accept: str | None, formats: tuple[Format, ...]) -> Format | None:
    ranges = parse_accept(accept)
    best: Format | None = None
    best_q = 0.0
    for fmt in formats:
        q = _quality(fmt.media_type, ranges)[0]
        # aliases count when named, not through a wildcard: text/* does not ask for
        # SPARQL JSON results because some client once sent them as text/javascript
        exact = {media: weight for media, weight in ranges}
        q = max([q, *(exact[a] for a in fmt.aliases if a in exact)])
        if q > best_q:
            best, best_q = fmt, q
    return best


_negotiate_kept = functools.lru_cache(maxsize=512)(_negotiate)


def html_preferred(accept: str | None) -> bool:
    """True if the client names HTML explicitly and likes it at least as well as anything.

    Browsers do (``text/html,...,*/*;q=0.8``); RDF clients and ``curl`` (``*/*``) do not.
    """
    if accept is None or len(accept) <= _KEPT_HEADER:
        return _html_preferred_kept(accept)
    return _html_preferred(accept)


def _html_preferred(accept: str | None) -> bool:
    ranges = parse_accept(accept)
    html_q = max((q for media, q in ranges if media in HTML.media_types), default=0.0)
    return html_q > 0 and html_q >= max(q for _, q in ranges)


_html_preferred_kept = functools.lru_cache(maxsize=512)(_html_preferred)


def from_param(value: str, formats: tuple[Format, ...]) -> Format | None:
    """The format a ``format`` parameter names among ``formats`` (key, extension, media type
    or a common short name), or None."""
    wanted = value.strip().lower()
    keys = {wanted, *_PARAM_ALIASES.get(wanted, ())}
    for fmt in formats:
        if fmt.key in keys or fmt.extension == wanted or wanted in fmt.media_types:
            return fmt
    return None


def by_extension(extension: str, formats: tuple[Format, ...]) -> Format | None:
    """The format whose file extension is ``extension`` (without the dot), or None."""
    return next((f for f in formats if f.extension == extension), None)
