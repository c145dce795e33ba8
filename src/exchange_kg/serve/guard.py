"""What the public endpoint refuses, and how a refusal is explained.

``SERVICE`` would make the server fetch any URL a query names. No parser of ours decides
whether a query uses it: a second parser that disagrees with the engine on one byte (an
escape in a comment, say) lets a real ``SERVICE`` through. The engine parses the query, and
the query worker it runs in cannot open network sockets (``sandbox``); an engine that tries
gets a refused connection, which ``engine_refusal`` explains as this endpoint's 403.

Where the sandbox cannot be installed (not Linux), ``service_suspected`` refuses, before the
engine sees it, every query in which the letters ``service`` occur in any case, also after
decoding ``\\u`` escapes: anywhere, strings, comments and names included. Oxigraph's parser
matches the keyword without looking at the characters around it (``trueSERVICE<x>{}`` is a
SERVICE call to it), so no narrower reading of the text is safe. That refuses some harmless
queries (``?service``, a string containing the word) there, and none that uses SERVICE.

SPARQL Update is refused too (the workers open the store read-only anyway); ``is_update``
only explains why an update sent as a query failed to parse.

Every check here is a single pass over the text, with no backtracking, so a long query costs
microseconds per kilobyte; they run in the query worker, under the query's time limit.
"""

from __future__ import annotations

import re

SERVICE_REFUSED = ("SERVICE is not allowed on this endpoint: federated queries would make the "
                   "server fetch other sites. Query the other endpoint yourself, or download "
                   "the dumps and combine them locally.")
UPDATE_REFUSED = ("SPARQL Update is not accepted: this endpoint is read-only. "
                  "Download the dumps to change a copy of the graph.")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_UPDATE_VERBS = frozenset({"insert", "delete", "load", "clear", "create", "drop", "copy",
                           "move", "add", "with"})
# one token of a query's prologue at a time; each alternative consumes at least one character
# and none can match a prefix of another's input, so scanning is linear
_PROLOGUE_TOKEN = re.compile(
    r"[ \t\r\n]+|#[^\r\n]*|<[^<>\s]*>|(?:base|prefix)\b|[^\s:<>#]*:|([A-Za-z]+)",
    re.IGNORECASE)


def _decoded(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else ""

    return _ESCAPE.sub(char, text)


def service_suspected(query: str) -> bool:
    """True if ``query`` might use SERVICE (the check where there is no sandbox)."""
    return "service" in query.lower() or "service" in _decoded(query).lower()


def engine_refusal(error: BaseException, query: str) -> str | None:
    """SERVICE_REFUSED, with the engine's words, if ``error`` is the engine failing to call a
    service, else None (the error is the query's own).

    The engine reports a failed SERVICE call (the sandbox refused the connection or the name
    look-up, or the engine itself refused the address) as an I/O error; the only other I/O
    errors of a read-only store are storage faults, which a query without the word
    ``service`` cannot be confused with.
    """
    if isinstance(error, OSError) and service_suspected(query):
        return f"{SERVICE_REFUSED} (The engine said: {error}.)"
    return None


def is_update(text: str) -> bool:
    """True if ``text`` is an attempt at SPARQL Update: its first keyword after the prologue
    (BASE and PREFIX declarations, comments) is an update operation."""
    pos = 0
    while pos < len(text):
        match = _PROLOGUE_TOKEN.match(text, pos)
        if match is None:
            return False
        word = match.group(1)
        if word is not None:
            return word.lower() in _UPDATE_VERBS
        pos = match.end()
    return False
