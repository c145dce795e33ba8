"""The W3C SPARQL 1.1 Protocol test suite against a real ``exchange-kg serve`` process.

Every query-side test of ``../shared/standards/sparql11-protocol/manifest.ttl`` (the query
tests and every ``bad_*`` test, update ones included: a read-only endpoint must refuse them
with a 4xx) is sent as the manifest writes it -- method, path under ``/sparql/``, headers, body
in its stated character encoding -- and its response checked for the expected status class,
result format and boolean.

The endpoint is read-only, so the six tests that first load ``data1.nt`` .. ``data3.nt`` into
graphs cannot load them (``DATA_LOADING`` below). They run as the same request shapes against
the server's own graphs instead: each test graph becomes one source document's named graph
(``{base}graph/{source}``), each test resource that graph's document (``{base}source/{source}``,
typed ``xkg:SourceDocument`` there as ``data1.rdf`` is typed ``foaf:Document`` in its graph);
graph names in ``default-graph-uri``, ``named-graph-uri`` and ``FROM`` are rewritten to the
graphs, other mentions to the documents. The update tests that need a writable store
(``update_*``) are reported as skipped with that reason.
"""

from __future__ import annotations

import http.client
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection

from standards import find_standard
from test_serve_support import running_server, serve_dist  # noqa: F401  (fixture)

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
BASE = "https://w3id.org/exchange-kg/"
TEST_DATA = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
DATA_LOADING = ("query_dataset_default_graphs_get", "query_dataset_default_graphs_post",
                "query_dataset_named_graphs_post", "query_dataset_named_graphs_get",
                "query_dataset_full", "query_multiple_dataset")


def _manifest() -> Path | None:
    folder = find_standard("sparql11-protocol")
    return folder / "manifest.ttl" if folder is not None else None


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: frozenset[str]  # "2xx", "3xx", "4xx"
    format: str | None
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    title: str
    requests: tuple[Request, ...]
    loads_data: bool


def _tests() -> list[ProtocolTest]:
    path = _manifest()
    if path is None:
        return []
    g = Graph().parse(path, format="turtle")
    manifest = next(g.subjects(MF.entries, None))
    out = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        action = g.value(entry, MF.action)
        requests = []
        for req in Collection(g, g.value(action, HT.requests)):
            headers = tuple((str(g.value(h, HT.fieldName)), str(g.value(h, HT.fieldValue)))
                            for h in Collection(g, g.value(req, HT.headers) or URIRef(
                                "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil")))
            body_node = g.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(body_node, CNT.chars)).encode(encoding.lower())
            resp = g.value(req, HT.resp)
            statuses = frozenset(str(s).removeprefix(HTS).lower()
                                 for s in g.objects(resp, MF.expectedStatus))
            fmt = g.value(resp, MF.expectedFormat)
            expected = g.value(resp, MF.expectedBoolean)
            requests.append(Request(str(g.value(req, HT.methodName)),
                                    str(g.value(req, HT.absolutePath)), headers, body,
                                    statuses, str(fmt) if fmt is not None else None,
                                    expected.toPython() if expected is not None else None))
        name = str(entry).rsplit("#", 1)[-1]
        out.append(ProtocolTest(name, str(g.value(entry, MF.name)), tuple(requests),
                                (entry, UT.graphData, None) in g))
    return out


TESTS = _tests()


def _query_side(test: ProtocolTest) -> bool:
    return not test.name.startswith("update_")


@pytest.fixture(scope="module")
def server(serve_dist: Path, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
           ) -> Iterator[str]:
    log = tmp_path_factory.mktemp("protocol-suite") / "server.log"
    with running_server(serve_dist, log, "--workers", "1") as url:
        yield url


@pytest.fixture(scope="module")
def own_graphs(serve_dist: Path) -> list[str]:  # noqa: F811
    """The source ids whose graphs stand in for data1 .. data3."""
    report = json.loads((serve_dist / "report.json").read_text(encoding="utf-8"))
    return [s["id"] for s in report["sources"]][:3]


def _rewrite_query(text: str, sources: list[str]) -> str:
    for i, source in enumerate(sources, start=1):
        data = re.escape(f"<{TEST_DATA.format(i)}>")
        text = re.sub(r"(FROM\s+(?:NAMED\s+)?)" + data, rf"\1<{BASE}graph/{source}>", text)
        text = re.sub(data, f"<{BASE}source/{source}>", text)
    return text


def _rewrite(request: Request, sources: list[str]) -> Request:
    """The same request shape against the server's own graphs (see the module docstring)."""
    graphs = {TEST_DATA.format(i): f"{BASE}graph/{s}" for i, s in enumerate(sources, start=1)}
    url = urlsplit(request.path)
    params = [(k, _rewrite_query(v, sources) if k == "query" else graphs.get(v, v))
              for k, v in parse_qsl(url.query, keep_blank_values=True)]
    path = url.path + ("?" + urlencode(params, quote_via=quote) if params else "")
    body = request.body
    if body is not None:
        body = _rewrite_query(body.decode("utf-8"), sources).encode("utf-8")
    return Request(request.method, path, request.headers, body, request.statuses,
                   request.format, request.boolean)


def _send(server: str, request: Request) -> tuple[int, str, bytes]:
    host = urlsplit(server)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
    try:
        headers = dict(request.headers)
        if request.body is not None and "content-type" not in {k.lower() for k in headers}:
            # the manifest sends these bodies without a media type; http.client adds none
            headers["Content-Length"] = str(len(request.body))
        conn.request(request.method, request.path, body=request.body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        conn.close()


def _boolean(content_type: str, body: bytes) -> bool:
    media = content_type.split(";")[0].strip()
    if media == "application/sparql-results+json":
        return json.loads(body)["boolean"]
    assert media == "application/sparql-results+xml", content_type
    node = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None
    return node.text == "true"


FORMATS = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml",
                "text/csv", "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples",
            "application/xhtml+xml"},
}


def test_the_manifest_has_every_test() -> None:
    """34 tests: 27 query-side (20 query, 7 malformed update) and 7 update ones."""
    if not TESTS:
        pytest.skip("../shared/standards/sparql11-protocol/manifest.ttl is not beside the "
                    "checkout")
    assert len(TESTS) == 34
    assert sum(map(_query_side, TESTS)) == 27
    assert sorted(t.name for t in TESTS if t.loads_data) == sorted(DATA_LOADING)


@pytest.mark.parametrize("test", TESTS or [None], ids=[t.name for t in TESTS] or ["absent"])
def test_protocol(test: ProtocolTest | None, server: str, own_graphs: list[str]) -> None:
    if test is None:
        pytest.skip("../shared/standards/sparql11-protocol/manifest.ttl is not beside the "
                    "checkout")
    if not _query_side(test):
        pytest.skip("an update operation: this endpoint is read-only (its refusal is checked "
                    "by the bad_update_* tests)")
    for request in test.requests:
        if test.loads_data:
            request = _rewrite(request, own_graphs)
        status, content_type, body = _send(server, request)
        assert f"{status // 100}xx" in request.statuses, (test.name, status, body[:300])
        if request.format is not None:
            assert content_type.split(";")[0].strip() in FORMATS[request.format], (
                test.name, content_type)
        if request.boolean is not None:
            assert _boolean(content_type, body) is request.boolean, (test.name, body[:300])
