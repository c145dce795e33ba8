"""Opt-in online linking through the ROR API v2 affiliation endpoint, with an on-disk cache.

For users without a dump: the API's affiliation matcher (``/organizations?affiliation=``)
retrieves candidates, and the same local matcher as for a dump decides over them, so a link
means the same thing in both modes. The API's own ``chosen`` flag is a second opinion: when it
chose a different organisation than the local matcher, nothing is linked and the institution goes
to the review file.

Every answer is cached on disk by URL, so a rebuild asks the API nothing new, and the build never
reaches the network unless the user asked for this mode.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

from exchange_kg.link.matcher import (
    MAX_SUCCESSOR_HOPS,
    InstitutionQuery,
    MatchResult,
    match,
)
from exchange_kg.link.names import country_name
from exchange_kg.link.ror_dump import RorRecord, canonical_ror_id, parse_record
from exchange_kg.link.ror_index import DumpInfo, build_index

DEFAULT_API = "https://api.ror.org/v2"
CLIENT_ID_ENV = "EXCHANGE_KG_ROR_CLIENT_ID"
MAX_LABELS = 3  # affiliation requests per institution


class OnlineError(RuntimeError):
    """The API could not be asked or did not answer as documented."""


class RorApiClient:
    """A small, cached client for the two API calls the linker needs."""

    def __init__(self, base_url: str = DEFAULT_API, cache_dir: Path | None = None,
                 timeout: float = 20.0, client_id: str | None = None,
                 pause: float = 0.0, max_requests: int | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.timeout = timeout
        self.client_id = client_id if client_id is not None else os.environ.get(CLIENT_ID_ENV)
        self.pause = pause
        self.max_requests = max_requests
        self.requests_made = 0
        self._last = 0.0

    # ------------------------------------------------------------------------- calls

    def affiliation(self, text: str) -> list[dict[str, Any]]:
        """The items of ``/organizations?affiliation=text`` (each with ``organization``)."""
        url = f"{self.base_url}/organizations?" + urllib.parse.urlencode({"affiliation": text})
        body = self._get(url)
        if body is None:
            return []
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise OnlineError(f"{url}: the answer has no list of items")
        return [i for i in items if isinstance(i, dict) and isinstance(i.get("organization"), dict)]

    def organization(self, ror_id: str) -> dict[str, Any] | None:
        """One record (``/organizations/{id}``), None if the API does not know it."""
        rid = canonical_ror_id(ror_id)
        if rid is None:
            raise OnlineError(f"not a ROR ID: {ror_id!r}")
        body = self._get(f"{self.base_url}/organizations/{rid.rsplit('/', 1)[1]}")
        return body if isinstance(body, dict) else None

    # ------------------------------------------------------------------------- transport

    def _cache_path(self, url: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")

    def _get(self, url: str) -> Any:
        """The decoded JSON body, None for 404; answers (and 404s) are cached by URL."""
        path = self._cache_path(url)
        if path is not None and path.exists():
            try:
                return json.loads(path.read_text(encoding="utf-8"))["body"]
            except (OSError, ValueError, KeyError):
                pass  # a damaged cache entry is asked again
        if self.max_requests is not None and self.requests_made >= self.max_requests:
            raise OnlineError(f"request budget of {self.max_requests} used up")
        wait = self.pause - (time.monotonic() - self._last)
        if wait > 0:
            time.sleep(wait)
        headers = {"Accept": "application/json", "User-Agent": "exchange-kg (ROR linking)"}
        if self.client_id:
            headers["Client-Id"] = self.client_id
        request = urllib.request.Request(url, headers=headers)
        self.requests_made += 1
        self._last = time.monotonic()
        try:
            with _opener(url).open(request, timeout=self.timeout) as response:
                body = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            if exc.code != 404:
                raise OnlineError(f"{url}: HTTP {exc.code}") from None
            body = None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise OnlineError(f"{url}: {exc}") from None
        except ValueError as exc:
            raise OnlineError(f"{url}: the answer is not JSON ({exc})") from None
        if path is not None:
            self._store(path, url, body)
        return body

    @staticmethod
    def _store(path: Path, url: str, body: Any) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"url": url, "body": body}, ensure_ascii=False),
                           encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass


def _opener(url: str) -> urllib.request.OpenerDirector:
    """The default opener, except that a loopback address never goes through a proxy."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host in ("127.0.0.1", "::1", "localhost"):
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def affiliation_strings(query: InstitutionQuery) -> list[str]:
    """What to send: each label with the country's name, which the API uses as a filter."""
    country = country_name(query.country) if query.country else None
    return [f"{label}, {country}" if country else label for label in query.labels[:MAX_LABELS]]


def match_online(client: RorApiClient, query: InstitutionQuery) -> MatchResult:
    """Match one institution with candidates retrieved from the API (see the module doc)."""
    records: dict[str, RorRecord] = {}
    api_chosen: set[str] = set()
    for text in affiliation_strings(query):
        for item in client.affiliation(text):
            record = parse_record(item["organization"])
            records.setdefault(record.id, record)
            if item.get("chosen") is True:
                api_chosen.add(record.id)
    _fetch_successors(client, records)
    index = build_index(sorted(records.values(), key=lambda r: r.id),
                        DumpInfo(client.base_url, "", 0, len(records)))
    result = match(index, query)
    result.candidates = [
        replace(c, evidence=tuple(sorted(set(c.evidence) | {"api-chosen"})))
        if c.ror_id in api_chosen else c for c in result.candidates
    ]
    if result.chosen is not None:
        chosen = next(c for c in result.candidates if c.ror_id == result.chosen.ror_id)
        ours = {chosen.ror_id, chosen.followed_successor_from}
        theirs = {i for i in api_chosen
                  if query.country is None or records[i].country == query.country}
        if theirs and not (theirs & ours):
            return replace(result, chosen=None, decision="ambiguous",
                           reason="the ROR API chose " + ", ".join(sorted(theirs)))
        result.chosen = chosen
    return result


def _fetch_successors(client: RorApiClient, records: dict[str, RorRecord]) -> None:
    """Bring in the successors of withdrawn candidates, so they can be followed as with a
    dump."""
    tried: set[str] = set()
    for _ in range(MAX_SUCCESSOR_HOPS):
        missing = sorted({rel.id for r in records.values() if r.status == "withdrawn"
                          for rel in r.related("successor")} - set(records) - tried)
        if not missing:
            return
        tried.update(missing)
        for rid in missing:
            obj = client.organization(rid)
            if obj is not None:
                record = parse_record(obj)
                records.setdefault(record.id, record)
