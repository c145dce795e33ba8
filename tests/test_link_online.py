"""Online mode against a local stub of the ROR API v2 (127.0.0.1, a free port, no internet)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from exchange_kg.link import InstitutionQuery, OnlineError, RorApiClient, match_online
from exchange_kg.link.names import normalise
from exchange_kg.link.online import affiliation_strings
from exchange_kg.link.synthetic import qid, ror_id, v2_record

RECORDS = {r["id"]: r for r in [
    v2_record(301, "Soochow University", "TW", city="Taipei", wikidata=qid(301)),
    v2_record(302, "Soochow University", "CN", city="Suzhou", wikidata=qid(302)),
    v2_record(303, "Old Polytechnic of Exampleton", "GB", status="withdrawn",
              relationships=[("successor", 304, "Exampleton University")]),
    v2_record(304, "Exampleton University", "GB", wikidata=qid(304)),
    v2_record(305, "Harbour Arts College", "NZ"),
    v2_record(306, "Harbour Arts College of Design", "NZ"),
]}


class StubApi(BaseHTTPRequestHandler):
    """Answers like ROR's API v2: an affiliation search over RECORDS, and single records.

    The "matcher" is deliberately naive (a record is an item when its name occurs in the
    affiliation string; chosen when it is the only item whose name is the whole first part and
    whose country the string names) — the client must only rely on the response format.
    """

    requests: list[str] = []
    overrides: dict[str, Any] = {}

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        StubApi.requests.append(self.path)
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/v2/organizations":
            text = urllib.parse.parse_qs(url.query).get("affiliation", [""])[0]
            body = StubApi.overrides.get(text) or self._search(text)
            return self._send(200, body)
        if url.path.startswith("/v2/organizations/"):
            rid = "https://ror.org/" + url.path.rsplit("/", 1)[1]
            if rid in RECORDS:
                return self._send(200, RECORDS[rid])
            return self._send(404, {"errors": [f"'{rid}' does not exist"]})
        return self._send(500, {"errors": ["unexpected path"]})

    @staticmethod
    def _search(text: str) -> dict[str, Any]:
        head, _, tail = text.partition(",")
        items = []
        for rec in RECORDS.values():
            name = rec["names"][0]["value"]
            country = rec["locations"][0]["geonames_details"]["country_code"]
            if normalise(name) in normalise(text) and rec["status"] == "active":
                whole = normalise(name) == normalise(head)
                named_country = {"TW": "taiwan", "CN": "china", "GB": "united kingdom",
                                 "NZ": "new zealand"}[country] in normalise(tail)
                items.append({"substring": head, "score": 1.0 if whole else 0.8,
                              "matching_type": "SINGLE SEARCH",
                              "chosen": whole and named_country, "organization": rec})
        return {"number_of_results": len(items), "items": items}

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubApi)
    server.timeout = 5
    StubApi.requests = []
    StubApi.overrides = {}
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v2"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def client(api: str, tmp_path: Path, **kw: Any) -> RorApiClient:
    return RorApiClient(api, cache_dir=tmp_path / "cache", timeout=5, **kw)


def test_affiliation_strings_name_the_country() -> None:
    query = InstitutionQuery(("Soochow University", "Dongwu University"), "TW")
    assert affiliation_strings(query) == ["Soochow University, Taiwan",
                                          "Dongwu University, Taiwan"]


def test_online_match_keeps_countries_apart(api: str, tmp_path: Path) -> None:
    c = client(api, tmp_path)
    tw = match_online(c, InstitutionQuery(("Soochow University",), "TW"))
    cn = match_online(c, InstitutionQuery(("Soochow University",), "CN"))
    assert (tw.decision, tw.chosen.ror_id, tw.chosen.wikidata) == ("linked", ror_id(301), qid(301))
    assert (cn.decision, cn.chosen.ror_id) == ("linked", ror_id(302))
    assert "api-chosen" in tw.chosen.evidence


def test_answers_are_cached_on_disk(api: str, tmp_path: Path) -> None:
    query = InstitutionQuery(("Soochow University",), "TW")
    first = match_online(client(api, tmp_path), query)
    asked = len(StubApi.requests)
    assert asked == 1
    again = client(api, tmp_path)
    second = match_online(again, query)
    assert again.requests_made == 0 and len(StubApi.requests) == asked
    assert second == first
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1


def test_successors_are_fetched_and_followed(api: str, tmp_path: Path) -> None:
    # the API returns the withdrawn record (as with all_status); the client fetches its
    # successor
    old = RECORDS[ror_id(303)]
    StubApi.overrides["Old Polytechnic of Exampleton, United Kingdom"] = {
        "number_of_results": 1,
        "items": [{"substring": "Old Polytechnic of Exampleton", "score": 1.0,
                   "matching_type": "EXACT", "chosen": False, "organization": old}]}
    res = match_online(client(api, tmp_path), InstitutionQuery(("Old Polytechnic of Exampleton",),
                                                               "GB"))
    assert res.chosen.ror_id == ror_id(304)
    assert res.chosen.followed_successor_from == ror_id(303)
    assert any(p.startswith("/v2/organizations/0s0030400") for p in StubApi.requests)


def test_a_different_api_choice_blocks_the_link(api: str, tmp_path: Path) -> None:
    ours, theirs = RECORDS[ror_id(305)], RECORDS[ror_id(306)]
    StubApi.overrides["Harbour Arts College, New Zealand"] = {
        "number_of_results": 2,
        "items": [
            {"substring": "x", "score": 0.9, "matching_type": "FUZZY", "chosen": False,
             "organization": ours},
            {"substring": "x", "score": 0.97, "matching_type": "FUZZY", "chosen": True,
             "organization": theirs}]}
    res = match_online(client(api, tmp_path), InstitutionQuery(("Harbour Arts College",), "NZ"))
    assert res.chosen is None and res.decision == "ambiguous"
    assert ror_id(306) in res.reason


def test_nothing_found_is_no_match(api: str, tmp_path: Path) -> None:
    res = match_online(client(api, tmp_path), InstitutionQuery(("Unheard Of Academy",), "FR"))
    assert (res.decision, res.candidates) == ("no-match", [])


def test_http_errors_and_budget(api: str, tmp_path: Path) -> None:
    c = client(api, tmp_path)
    assert c.organization(ror_id(399)) is None  # 404: unknown ID
    broken = RorApiClient(api.replace("/v2", "/nope"), cache_dir=None, timeout=5)
    with pytest.raises(OnlineError, match="HTTP 500"):
        broken.affiliation("x")
    tight = client(api, tmp_path, max_requests=1)
    tight.affiliation("Soochow University, Taiwan")
    with pytest.raises(OnlineError, match="budget"):
        tight.affiliation("Soochow University, China")


def test_unreachable_api_is_an_online_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = RorApiClient(f"http://127.0.0.1:{port}/v2", cache_dir=None, timeout=2)
    with pytest.raises(OnlineError):
        c.affiliation("anything")
