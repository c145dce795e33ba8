"""The dataset description at /.well-known/void: valid DCAT-AP 3.0.1, true VoID, honest terms.

The description is checked with pySHACL against the official DCAT-AP 3.0.1 shapes
(``../shared/standards/dcat-ap-3.0.1``: mandatory properties, ranges, recommended properties;
skipped with a reason when the folder is absent), as a catalogue harvester would check it, and
every count in it against the build itself.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, XSD
from starlette.testclient import TestClient

from exchange_kg.serve.app import create_app
from exchange_kg.serve.config import ServeConfig
from exchange_kg.serve.publication import load_publication
from exchange_kg.serve.void import NO_LICENCE
from standards import standard
from test_serve_support import serve_dist  # noqa: F401  (fixture)

BASE = "https://w3id.org/exchange-kg/"
VOID = Namespace("http://rdfs.org/ns/void#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DATASET = URIRef(f"{BASE}.well-known/void#dataset")
PUBLICATION = """\
license: https://creativecommons.org/licenses/by/4.0/
license_type: [attribution]
publisher:
  name: Example University Library
  type: academia
  homepage: https://library.example.edu/
contact:
  name: Research data team
  email: data@example.edu
availability: stable
"""


def _description(dist: Path, **config: object) -> Graph:
    app = create_app(ServeConfig(dist_dir=dist, base=BASE, workers=1, **config))
    with TestClient(app) as client:
        r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["etag"] and r.headers["last-modified"]
    return Graph().parse(data=r.text, format="turtle")


@pytest.fixture(scope="module")
def bare(serve_dist: Path) -> Graph:  # noqa: F811
    return _description(serve_dist)


@pytest.fixture(scope="module")
def configured(serve_dist: Path, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
               ) -> Graph:
    path = tmp_path_factory.mktemp("publication") / "publication.yaml"
    path.write_text(PUBLICATION, encoding="utf-8")
    return _description(serve_dist, publication=load_publication(path))


@pytest.fixture(scope="module")
def shapes() -> dict[str, Graph]:
    folder = standard("dcat-ap-3.0.1")
    return {name: Graph().parse(folder / f"{name}.ttl", format="turtle")
            for name in ("shapes", "range", "shapes_recommended")}


def _results(data: Graph, shapes: Graph) -> list[tuple[str, str, str]]:
    """(severity, focus node, path) of every result."""
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    return [(str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[1],
             str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)))
            for r in report.subjects(RDF.type, SH.ValidationResult)]


@pytest.mark.parametrize("which", ["bare", "configured"])
def test_no_violation_of_the_official_shapes(which: str, request: pytest.FixtureRequest,
                                             shapes: dict[str, Graph]) -> None:
    data = request.getfixturevalue(which)
    for name, graph in shapes.items():
        violations = [r for r in _results(data, graph) if r[0] == "Violation"]
        assert not violations, (name, violations[:10])


def test_configured_description_fills_every_recommended_property_it_can(
        configured: Graph, shapes: dict[str, Graph]) -> None:
    """Only a country's bounding box and centroid are missing: the data has no geometry."""
    warnings = _results(configured, shapes["shapes_recommended"])
    paths = Counter(path.rsplit("#", 1)[-1] for _, _, path in warnings)
    assert set(paths) <= {"bbox", "centroid"}, paths


def test_without_configuration_the_description_says_no_licence_is_given(
        bare: Graph, shapes: dict[str, Graph]) -> None:
    assert bare.value(DATASET, DCTERMS.license) is None
    assert bare.value(DATASET, DCTERMS.publisher) is None
    rights = bare.value(DATASET, DCTERMS.rights)
    assert NO_LICENCE in {str(o) for o in bare.objects(rights, None)}
    missing = Counter(path.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
                      for _, focus, path in _results(bare, shapes["shapes_recommended"])
                      if "/country/" not in focus)
    assert set(missing) == {"license", "publisher", "contactPoint", "availability"}


def test_configured_terms_are_stated(configured: Graph) -> None:
    licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert configured.value(DATASET, DCTERMS.license) == licence
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in configured
    publisher = configured.value(DATASET, DCTERMS.publisher)
    assert str(configured.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))) \
        == "Example University Library"
    contact = configured.value(DATASET, DCAT.contactPoint)
    assert (contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"),
            URIRef("mailto:data@example.edu")) in configured
    for dist in configured.objects(DATASET, DCAT.distribution):
        assert configured.value(dist, DCTERMS.license) == licence


def _int(graph: Graph, s: URIRef, p: URIRef) -> int:
    value = graph.value(s, p)
    assert isinstance(value, Literal), (s, p)
    return int(value)


@pytest.fixture(scope="module")
def whole(serve_dist: Path) -> Graph:  # noqa: F811
    return Graph().parse(serve_dist / "exchange-kg.nt", format="nt")


def test_void_counts_are_true(bare: Graph, whole: Graph) -> None:
    assert _int(bare, DATASET, VOID.triples) == len(whole)
    subjects = set(whole.subjects())
    assert _int(bare, DATASET, VOID.distinctSubjects) == len(subjects)
    assert _int(bare, DATASET, VOID.entities) == sum(
        1 for s in subjects if isinstance(s, URIRef) and str(s).startswith(BASE))
    for part in bare.objects(DATASET, VOID.classPartition):
        cls = bare.value(part, VOID["class"])
        assert _int(bare, part, VOID.entities) == len(set(whole.subjects(RDF.type, cls))), cls
    for part in bare.objects(DATASET, VOID.propertyPartition):
        prop = bare.value(part, VOID.property)
        assert _int(bare, part, VOID.triples) == len(list(whole.triples((None, prop, None))))


def test_linksets_count_the_links_to_ror_and_wikidata(bare: Graph, whole: Graph) -> None:
    links = {key: sum(1 for o in whole.objects(None, OWL.sameAs) if str(o).startswith(space))
             for key, space in (("ror", "https://ror.org/"),
                                ("wikidata", "http://www.wikidata.org/entity/"))}
    linksets = {str(ls).rsplit("-", 1)[-1]: ls for ls in bare.subjects(RDF.type, VOID.Linkset)}
    assert set(linksets) == {k for k, n in links.items() if n}
    for key, linkset in linksets.items():
        assert _int(bare, linkset, VOID.triples) == links[key] > 0
        assert bare.value(linkset, VOID.linkPredicate) == OWL.sameAs
        assert bare.value(linkset, VOID.subjectsTarget) == DATASET
        assert (DATASET, VOID.subset, linkset) in bare
    assert bare.value(DATASET, VOID.rootResource) is None


def test_named_graph_subsets_count_their_quads(bare: Graph, serve_dist: Path  # noqa: F811
                                               ) -> None:
    counts: Counter[str] = Counter()
    with gzip.open(serve_dist / "exchange-kg.nq.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            counts[line.rsplit("<", 1)[1].split(">", 1)[0]] += 1
    subsets = {str(s): _int(bare, s, VOID.triples) for s in bare.objects(DATASET, VOID.subset)
               if (s, RDF.type, VOID.Linkset) not in bare}
    assert subsets == dict(counts)


def test_distributions_are_the_files_as_served(bare: Graph, serve_dist: Path  # noqa: F811
                                               ) -> None:
    dumps = {str(d).rsplit("#dump-", 1)[1]: d for d in bare.objects(DATASET, DCAT.distribution)
             if "#dump-" in str(d)}
    assert {"exchange-kg.ttl", "exchange-kg.jsonld", "exchange-kg.nt.gz",
            "exchange-kg.nq.gz"} <= set(dumps)
    for name, dist in dumps.items():
        data = (serve_dist / name).read_bytes()
        assert _int(bare, dist, DCAT.byteSize) == len(data), name
        checksum = bare.value(dist, SPDX.checksum)
        assert str(bare.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert bare.value(dist, DCAT.downloadURL) == URIRef(f"{BASE}dumps/{name}")
        assert bare.value(dist, DCTERMS.issued).datatype == XSD.dateTime
    report = json.loads((serve_dist / "report.json").read_text(encoding="utf-8"))
    sources = {URIRef(f"{BASE}source/{s['id']}") for s in report["sources"]}
    assert set(bare.objects(DATASET, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))) \
        == sources


@pytest.fixture()
def client(serve_dist: Path) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(ServeConfig(dist_dir=serve_dist, base=BASE, workers=1))) as c:
        yield c


def test_the_description_answers_conditional_requests(client: TestClient) -> None:
    first = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    again = client.get("/.well-known/void", headers={"Accept": "text/turtle",
                                                     "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and not again.content
