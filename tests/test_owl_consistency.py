"""The built graph with the ontology is consistent under OWL 2 RL (owlrl, a reasoner nobody
here wrote): no organisation both an institution and a unit, no individual of two disjoint
classes, no functional property with two different values.

An inconsistency would mean the graph contradicts its own ontology: a reasoner would then
entail anything, and a user who loads both into a store with OWL reasoning gets nonsense.
"""

from __future__ import annotations

from pathlib import Path

import owlrl
from rdflib import Graph, URIRef

# owlrl reports what it found contradictory as values of this property on a node of its own
ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


def inconsistencies(graph: Graph) -> list[str]:
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(graph)
    return sorted(str(o) for o in graph.objects(None, ERROR))


def test_the_built_graph_is_consistent_with_the_ontology(dist: Path) -> None:
    graph = Graph()
    graph.parse(dist / "exchange-kg.nt", format="nt")
    graph.parse(dist / "ontology.ttl", format="turtle")
    assert inconsistencies(graph) == []


def test_a_unit_that_is_an_institution_is_found_inconsistent(dist: Path) -> None:
    # the check above can fail: the ontology says institutions and units are disjoint
    graph = Graph()
    graph.parse(dist / "ontology.ttl", format="turtle")
    graph.parse(data="""
        @prefix xkg: <https://w3id.org/exchange-kg/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        <urn:x:institution> a xkg:Institution ; owl:sameAs <https://ror.org/0abcdef12> .
        <urn:x:unit> a xkg:Unit ; owl:sameAs <https://ror.org/0abcdef12> .
    """, format="turtle")
    found = inconsistencies(graph)
    assert found and "Disjoint classes" in found[0]
