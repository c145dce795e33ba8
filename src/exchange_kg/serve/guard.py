"""What the public endpoint refuses before a query reaches the store.

``SERVICE`` makes the engine fetch any URL the query names, from the server's network: that is
refused. Deciding whether a query *uses* SERVICE needs a parser, not a substring search: the
word may sit in a comment, a string, an IRI or a prefixed name (legitimately: the Service
Description namespace is ``...sparql-service-description#``), and the keyword itself is case
insensitive. So:

1. a query in which the letters ``service`` do not occur at all cannot use SERVICE (oxigraph
   does not decode ``\\u`` escapes outside strings and IRIs, so the keyword cannot be spelled
   any other way) -- the common case, decided without parsing;
2. otherwise the query is parsed with rdflib's SPARQL 1.1 grammar and refused if its parse tree
   has a ``ServiceGraphPattern``, and also refused if rdflib cannot parse it (a query that
   mentions "service" in a syntax rdflib lacks is refused rather than trusted).

SPARQL Update is refused too; the workers open the store read-only anyway.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

_SERVICE = re.compile("service", re.IGNORECASE)
_UPDATE_WORD = re.compile(r"\b(insert|delete|load|clear|create|drop|copy|move|add|with)\b",
                          re.IGNORECASE)

# pyparsing's packrat cache is shared state: one parse at a time
_PARSER_LOCK = threading.Lock()

SERVICE_REFUSED = ("SERVICE is not allowed on this endpoint: federated queries would make the "
                   "server fetch other sites. Query the other endpoint yourself, or download "
                   "the dumps and combine them locally.")
SERVICE_UNVERIFIED = ("this query mentions 'service' and could not be parsed to check that it "
                      "does not use SERVICE, which this endpoint does not allow: {detail}")
UPDATE_REFUSED = ("SPARQL Update is not accepted: this endpoint is read-only. "
                  "Download the dumps to change a copy of the graph.")


def _walk(node: Any) -> Iterator[Any]:
    """Every node of an rdflib parse tree (CompValues, ParseResults, lists, dicts)."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(list(item))


def may_use_service(query: str) -> bool:
    """False when ``query`` cannot use SERVICE (the letters do not occur): a quick check,
    with no parsing, that clears the common case."""
    return _SERVICE.search(query) is not None


def service_refusal(query: str) -> str | None:
    """Why ``query`` is refused for using SERVICE, or None if it does not use it."""
    if not may_use_service(query):
        return None
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        with _PARSER_LOCK:
            tree = parseQuery(query)
    except Exception as exc:  # pyparsing raises several types; all mean "not verified"
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return SERVICE_UNVERIFIED.format(detail=detail)
    for node in _walk(tree):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return SERVICE_REFUSED
    return None


def is_update(text: str) -> bool:
    """True if ``text`` is a SPARQL Update request (used to explain a query parse error)."""
    if not _UPDATE_WORD.search(text):
        return False
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        with _PARSER_LOCK:
            parseUpdate(text)
    except Exception:  # not an update either: the query parser's message stands
        return False
    return True


def warm_up() -> None:
    """Build rdflib's grammar now, so the first guarded request does not pay for it."""
    service_refusal("SELECT * WHERE { ?service ?p ?o }")
