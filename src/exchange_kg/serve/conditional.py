"""Validators and conditional requests (RFC 9110 section 13) for everything the server says.

The store does not change while the server runs, so any document it makes -- an entity's page
or description, a list, the dataset description -- is fixed for the life of the build: a strong
ETag from its bytes, the build's time as Last-Modified, and a 304 to a client that has it.
"""

from __future__ import annotations

import hashlib
from email.utils import formatdate, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

# seconds a client or proxy may reuse a document without asking again; after that it asks
# with If-None-Match and, for an unchanged build, gets an empty 304
MAX_AGE = 3600


def etag_of(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def validators(etag: str, mtime: float, max_age: int = MAX_AGE) -> dict[str, str]:
    return {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True),
            "Cache-Control": f"public, max-age={max_age}"}


def not_modified(request: Request, etag: str, mtime: float) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return int(mtime) <= since
    return False


def respond(request: Request, response: Response, mtime: float,
            max_age: int = MAX_AGE) -> Response:
    """``response`` with validators, or a 304 carrying them if the client has it already."""
    headers = validators(etag_of(bytes(response.body)), mtime, max_age)
    if response.status_code == 200 and not_modified(request, headers["ETag"], mtime):
        keep = {k: v for k, v in response.headers.items() if k.lower() in ("vary", "link")}
        return Response(status_code=304, headers={**keep, **headers})
    response.headers.update(headers)
    return response
