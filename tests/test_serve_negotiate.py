"""Content negotiation: Accept headers, q-values, the format parameter."""

from __future__ import annotations

import pytest

from exchange_kg.serve import negotiate
from exchange_kg.serve.negotiate import (
    CSV,
    GRAPH_FORMATS,
    JSON,
    JSONLD,
    NTRIPLES,
    RDFXML,
    RESULT_FORMATS,
    TSV,
    TURTLE,
    XML,
)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def test_parse_accept_reads_weights_and_defaults() -> None:
    ranges = negotiate.parse_accept("text/turtle;q=0.5, application/ld+json, */*;q=0.1")
    assert ranges == [("text/turtle", 0.5), ("application/ld+json", 1.0), ("*/*", 0.1)]
    assert negotiate.parse_accept(None) == [("*/*", 1.0)]
    assert negotiate.parse_accept("text/csv;q=abc") == [("text/csv", 0.0)]


@pytest.mark.parametrize(("accept", "expected"), [
    (None, JSON),
    ("*/*", JSON),
    ("application/sparql-results+xml", XML),
    ("text/csv", CSV),
    ("text/tab-separated-values", TSV),
    ("application/json", JSON),
    ("text/csv;q=0.4, text/tab-separated-values;q=0.9", TSV),
    ("text/*", CSV),  # the first text format the server prefers
    ("application/sparql-results+json, application/json, text/javascript", JSON),
    ("image/png", None),
    ("text/csv;q=0", None),
])
def test_negotiate_results(accept: str | None, expected: negotiate.Format | None) -> None:
    assert negotiate.negotiate(accept, RESULT_FORMATS) is expected


@pytest.mark.parametrize(("accept", "expected"), [
    ("*/*", TURTLE),
    ("application/n-triples", NTRIPLES),
    ("application/ld+json", JSONLD),
    ("application/json", JSONLD),
    ("application/rdf+xml", RDFXML),
    ("application/rdf+xml;q=0.5, text/turtle", TURTLE),
    ("application/rdf+xml, text/turtle;q=0.9", RDFXML),
    (BROWSER, RDFXML),  # application/xml beats */* for a client that wants RDF at all
])
def test_negotiate_graphs(accept: str, expected: negotiate.Format) -> None:
    assert negotiate.negotiate(accept, GRAPH_FORMATS) is expected


def test_specific_range_beats_wildcard_weight() -> None:
    # text/csv is refused explicitly even though text/* would accept it
    assert negotiate.negotiate("text/csv;q=0, text/*", RESULT_FORMATS) is TSV


def test_html_preferred_only_when_named_first() -> None:
    assert negotiate.html_preferred(BROWSER)
    assert not negotiate.html_preferred("*/*")
    assert not negotiate.html_preferred(None)
    assert not negotiate.html_preferred("text/turtle, text/html;q=0.5")
    assert negotiate.html_preferred("application/xhtml+xml")


@pytest.mark.parametrize(("value", "formats", "expected"), [
    ("json", RESULT_FORMATS, JSON),
    ("json", GRAPH_FORMATS, JSONLD),
    ("xml", GRAPH_FORMATS, RDFXML),
    ("XML", RESULT_FORMATS, XML),
    ("text/csv", RESULT_FORMATS, CSV),
    ("ttl", GRAPH_FORMATS, TURTLE),
    ("n-triples", GRAPH_FORMATS, NTRIPLES),
    ("json-ld", GRAPH_FORMATS, JSONLD),
    ("csv", GRAPH_FORMATS, None),
    ("png", RESULT_FORMATS, None),
])
def test_format_parameter(value: str, formats: tuple[negotiate.Format, ...],
                          expected: negotiate.Format | None) -> None:
    assert negotiate.from_param(value, formats) is expected
