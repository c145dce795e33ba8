"""The reconciliation service's matcher, protocol parsing and data extension, on a small
synthetic catalogue (the real server and the real graph: ``test_serve_reconcile.py``)."""

from __future__ import annotations

import json

import pytest

from exchange_kg.serve.reconcile import extension, protocol
from exchange_kg.serve.reconcile.catalogue import Agreement, Catalogue, Institution, Source
from exchange_kg.serve.reconcile.matching import Matcher, Query
from exchange_kg.serve.reconcile.protocol import RequestError

BASE = "https://example.org/kg/"


def inst(slug: str, labels: tuple[str, ...], country: str | None, *, cities: tuple[str, ...] = (),
         websites: tuple[str, ...] = (), ror: str | None = None, qid: str | None = None,
         agreements: tuple[tuple[str, int], ...] = ()) -> Institution:
    return Institution(iri=f"{BASE}institution/{slug}", id=f"institution/{slug}", name=labels[0],
                       labels=labels, country=country, cities=cities, websites=websites,
                       ror_id=ror, wikidata=qid, units=(("unit/x", "Faculty of X"),),
                       agreements=agreements, named=True)


INSTITUTIONS = [
    inst("rwth", ("RWTH Aachen University", "Rheinisch-Westfälische Technische Hochschule Aachen"),
         "DE", ror="04xfq0f34", qid="Q273525",
         agreements=(("list-a", 3), ("list-b", 1))),
    inst("tum", ("Technical University of Munich", "TUM"), "DE", cities=("Munich",),
         websites=("https://www.tum.de/en/",)),
    inst("kit-de", ("Karlsruhe Institute of Technology", "KIT"), "DE"),
    inst("kit-jp", ("Kyoto Institute of Technology", "KIT"), "JP"),
    inst("neu-cn", ("Northeastern University",), "CN"),
    inst("neu-us", ("Northeastern University",), "US"),
    inst("lyon-1", ("Université Claude Bernard Lyon 1",), "FR"),
    inst("tianjin", ("Tianjin University",), "CN"),
    inst("cqu-a", ("Chongqing University",), "CN", cities=("Chongqing",)),
    inst("cqu-b", ("Chongqing University",), "CN", cities=("Shapingba",)),
    inst("ncu", ("National Central University",), "TW"),
    inst("host", ("Home College",), "CZ"),
]
AGREEMENTS = [
    Agreement(f"{BASE}agreement/a1", "agreement/a1", "RWTH Aachen University, 2015",
              ("institution/rwth",), "institution/host", 2015, "university", ("list-a",)),
    Agreement(f"{BASE}agreement/a2", "agreement/a2", "RWTH Aachen University, 2019",
              ("institution/rwth",), "institution/host", 2019, "department", ("list-a",)),
]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue(BASE, INSTITUTIONS, AGREEMENTS,
                     [Source("list-a", "List A"), Source("list-b", "List B")],
                     # the IRI RWTH had before evidence merged another cluster into it
                     replaced={"institution/rwth-old": "institution/rwth-older",
                               "institution/rwth-older": "institution/rwth"})


@pytest.fixture(scope="module")
def matcher(catalogue: Catalogue) -> Matcher:
    return Matcher(catalogue)


def top(matcher: Matcher, **query: object) -> tuple[str | None, bool, float]:
    found = matcher.institutions(Query(**query))  # type: ignore[arg-type]
    return (found[0].id, found[0].match, found[0].score) if found else (None, False, 0.0)


@pytest.mark.parametrize("name", ["RWTH Aachen University", "rwth aachen university",
                                  "Rheinisch Westfalische Technische Hochschule Aachen"])
def test_a_spelling_of_the_graph_is_a_match(matcher: Matcher, name: str) -> None:
    assert top(matcher, names=(name,), country="DE") == ("institution/rwth", True, 100.0)


def test_the_build_s_readings_typos_translations_and_acronyms(matcher: Matcher) -> None:
    assert top(matcher, names=("Technische Universität München",), country="DE")[:2] == \
        ("institution/tum", True)
    assert top(matcher, names=("Technical Univeristy of Munich",), country="DE")[:2] == \
        ("institution/tum", True)
    # the acronym abbreviates the words of a spelling and the rest agrees
    found = top(matcher, names=("RWTH Aachen",), country="DE")
    assert found[:2] == ("institution/rwth", True) and found[2] >= 80


def test_no_match_across_countries_but_a_hint(matcher: Matcher) -> None:
    found = matcher.institutions(Query(names=("Tianjin University",), country="JP"))
    assert [(c.id, c.match, c.score) for c in found] == [("institution/tianjin", False, 50.0)]
    assert {f.id: f.value for f in found[0].features}["country"] is False


def test_namesakes_need_a_country(matcher: Matcher) -> None:
    assert top(matcher, names=("Northeastern University",), country="US")[:2] == \
        ("institution/neu-us", True)
    found = matcher.institutions(Query(names=("Northeastern University",)))
    assert {c.id for c in found} == {"institution/neu-cn", "institution/neu-us"}
    assert not any(c.match for c in found)


def test_a_city_breaks_a_tie_as_the_linker_does(matcher: Matcher) -> None:
    assert not top(matcher, names=("Chongqing University",), country="CN")[1]
    assert top(matcher, names=("Chongqing University",), country="CN",
               cities=("Shapingba",))[:2] == ("institution/cqu-b", True)


def test_an_acronym_alone_needs_a_country(matcher: Matcher) -> None:
    assert top(matcher, names=("KIT",), country="DE")[:2] == ("institution/kit-de", True)
    assert not any(c.match for c in matcher.institutions(Query(names=("KIT",))))
    # an acronym that is no spelling of the graph is a candidate at most
    assert not top(matcher, names=("RWTH",), country="DE")[1]


def test_a_name_of_common_words_needs_the_same_city(matcher: Matcher) -> None:
    assert top(matcher, names=("National Central University",), country="TW")[:2] == \
        ("institution/ncu", True)  # neither names a city: the build groups them
    assert not top(matcher, names=("National Central University",), country="TW",
                   cities=("Taoyuan",))[1]


def test_different_numbers_never_match(matcher: Matcher) -> None:
    assert not top(matcher, names=("Université Claude Bernard Lyon 2",), country="FR")[1]


def test_related_but_different_names_do_not_match(matcher: Matcher) -> None:
    assert not top(matcher, names=("Tianjin University of Technology",), country="CN")[1]
    assert top(matcher, names=("Kyoto University",), country="JP")[1] is False


def test_a_website_of_another_institution_blocks_the_match(matcher: Matcher) -> None:
    assert not top(matcher, names=("RWTH Aachen University",), country="DE",
                   websites=("https://www.tum.de/",))[1]
    assert top(matcher, names=("Technical University of Munich",), country="DE",
               websites=("http://tum.de",))[:2] == ("institution/tum", True)


@pytest.mark.parametrize("query", [
    Query(names=("https://ror.org/04xfq0f34",)), Query(names=("04xfq0f34",)),
    Query(names=("Q273525",)), Query(names=("http://www.wikidata.org/entity/Q273525",)),
    Query(ror_ids=("https://ror.org/04xfq0f34",)), Query(ids=(f"{BASE}institution/rwth",)),
    Query(names=("institution/rwth",)), Query(ids=(f"{BASE}institution/rwth-old",))])
def test_identifiers_resolve_directly(matcher: Matcher, query: Query) -> None:
    found = matcher.institutions(query)
    assert [(c.id, c.match, c.score) for c in found] == [("institution/rwth", True, 100.0)]


def test_limit_and_required_conditions(matcher: Matcher) -> None:
    found = matcher.institutions(Query(names=("Northeastern University",), limit=1))
    assert len(found) == 1
    hint = Query(names=("Tianjin University",), country="JP", required=frozenset({"country"}))
    assert matcher.institutions(hint) == []


def test_agreements_are_found_through_partner_and_home(matcher: Matcher) -> None:
    found = matcher.agreements(Query(names=("RWTH Aachen",), country="DE", start_year=2019,
                                     home=("Home College",)))
    assert found[0].id == "agreement/a2" and found[0].match
    assert found[1].id == "agreement/a1" and not found[1].match
    # without a home institution the partner alone does not identify an agreement
    assert not any(c.match for c in matcher.agreements(
        Query(names=("RWTH Aachen University",), country="DE", start_year=2019)))
    assert [c.id for c in matcher.agreements(Query(names=("RWTH",), start_year=2015,
                                                   required=frozenset({"start_year"})))] \
        == ["agreement/a1"]


# --------------------------------------------------------------------------- protocol


def test_a_0_2_batch_as_openrefine_sends_it() -> None:
    batch = protocol.parse_batch_v02(json.dumps({
        "q0": {"query": "RWTH", "type": "Institution", "type_strict": "should", "limit": 3,
               "properties": [{"pid": "country", "v": "Germany"},
                              {"pid": "city", "v": {"id": "Q1017", "name": "Aachen"}},
                              {"pid": "website", "v": ["https://rwth-aachen.de"]}]},
        "q1": {"query": "x", "type": ["xkg:Agreement"]}}))
    q0, q1 = batch["q0"], batch["q1"]
    assert (q0.names, q0.type, q0.limit, q0.country, q0.websites) == \
        (("RWTH",), "Institution", 3, "DE", ("https://rwth-aachen.de",))
    assert q0.cities == ("Q1017",)  # a reconciled value counts by its identifier
    assert q1.type == "Agreement"


def test_a_1_0_batch() -> None:
    [q] = protocol.parse_batch_v1({"queries": [{"type": "Institution", "limit": 2, "conditions": [
        {"matchType": "name", "propertyValue": "RWTH Aachen"},
        {"matchType": "property", "propertyId": "country", "propertyValue": "DE",
         "required": True},
        {"matchType": "id", "propertyValue": ["institution/rwth"]}]}]})
    assert (q.names, q.country, q.ids, q.required, q.limit) == \
        (("RWTH Aachen",), "DE", ("institution/rwth",), frozenset({"country"}), 2)


@pytest.mark.parametrize("text, status", [
    ("not json", 400), ("[1, 2]", 400), ('{"q0": "RWTH"}', 400), ('{"q0": {}}', 400),
    ('{"q0": {"query": "x", "limit": 0}}', 400),
    ('{"q0": {"query": "x", "properties": [{"pid": "country"}]}}', 400),
    (json.dumps({f"q{i}": {"query": "x"} for i in range(protocol.MAX_BATCH + 1)}), 413),
    (json.dumps({"q0": {"query": "x" * (protocol.MAX_TEXT + 1)}}), 413),
])
def test_a_bad_0_2_batch_is_refused_with_a_reason(text: str, status: int) -> None:
    with pytest.raises(RequestError) as caught:
        protocol.parse_batch_v02(text)
    assert caught.value.status == status and caught.value.message


@pytest.mark.parametrize("body", [
    {}, {"queries": {}}, {"queries": [{"conditions": []}]},
    {"queries": [{"conditions": [{"matchType": "label", "propertyValue": "x"}]}]},
    {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "x",
                                  "matchQuantifier": "none"}]}]},
    {"queries": [{"type": ["Institution"], "conditions": [
        {"matchType": "name", "propertyValue": "x"}]}]},
])
def test_a_bad_1_0_batch_is_refused(body: object) -> None:
    with pytest.raises(RequestError):
        protocol.parse_batch_v1(body)


def test_types_by_identifier_curie_or_iri() -> None:
    assert protocol.find_type("institution") == "Institution"
    assert protocol.find_type("https://w3id.org/exchange-kg/ontology#Agreement") == "Agreement"
    assert protocol.find_type("Person") == ""
    assert protocol.find_type(None) is None


# --------------------------------------------------------------------------- extension


def test_extension_returns_what_the_graph_states(catalogue: Catalogue) -> None:
    query = protocol.parse_extend({"ids": ["institution/rwth", "institution/tum", "nothing",
                                           "institution/rwth-old"],
                                   "properties": [{"id": "ror"}, {"id": "wikidata"},
                                                  {"id": "agreements"},
                                                  {"id": "agreements:list-b"},
                                                  {"id": "units"}]})
    ext = extension.extend(query, catalogue)
    rwth = ext.rows["institution/rwth"]
    assert rwth["ror"] == [{"str": "https://ror.org/04xfq0f34"}]
    assert rwth["wikidata"] == [{"str": "Q273525"}]
    assert rwth["agreements"] == [{"int": 4}] and rwth["agreements:list-b"] == [{"int": 1}]
    assert rwth["units"] == [{"id": "unit/x", "name": "Faculty of X"}]
    assert ext.rows["institution/tum"]["ror"] == []  # absent is honest: no value invented
    assert all(v == [] for v in ext.rows["nothing"].values())
    # an identifier the graph says is replaced answers with what replaced it, under its own key
    assert ext.rows["institution/rwth-old"] == rwth
    v1 = extension.response(ext, protocol.V1)
    assert [r["id"] for r in v1["rows"]] == ["institution/rwth", "institution/tum", "nothing",
                                             "institution/rwth-old"]
    with pytest.raises(RequestError):
        extension.extend(protocol.parse_extend({"ids": [], "properties": [{"id": "x"}]}),
                         catalogue)
