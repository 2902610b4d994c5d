"""HermiT (through owlready2) finds the ontology with the built data consistent, classifies
obligations into the defined classes, and catches a deliberately inconsistent fixture."""

from __future__ import annotations

import pytest
from rdflib import RDF, Dataset, Graph, URIRef

from mvkg.graph.reasoning import InconsistentOntology, java_available, reason
from mvkg.kernel.namespaces import GRAPH, MVKG

pytestmark = pytest.mark.skipif(not java_available(), reason="Java missing: `make test` installs it")


def _union(built) -> Graph:
    ws, _ = built
    ds = Dataset()
    ds.parse(ws.build_dir / "mvkg.nq", format="nquads")
    g = Graph()
    for s, p, o, c in ds.quads():
        if c != GRAPH["inferred"]:  # judge what HermiT infers from the asserted data alone
            g.add((s, p, o))
    return g


@pytest.fixture(scope="module")
def union(built) -> Graph:
    return _union(built)


def test_ontology_and_seed_data_are_consistent(union):
    result = reason(union)
    assert result.consistent
    inferred = {(s, c) for s, c in result.inferred_types}
    binding = {str(o) for o in union.subjects(MVKG.hasStrength, MVKG.binding) if (o, RDF.type, MVKG.Obligation) in union}
    assert binding and all((o, str(MVKG.BindingObligation)) in inferred for o in binding)
    recommendations = {str(o) for o in union.subjects(MVKG.hasStrength, MVKG.recommendation) if (o, RDF.type, MVKG.Obligation) in union}
    assert recommendations and all((o, str(MVKG.RecommendationObligation)) in inferred for o in recommendations)


def test_inconsistent_fixture_is_caught(union):
    bad = Graph()
    for t in union:
        bad.add(t)
    ob = next(iter(union.subjects(RDF.type, MVKG.Obligation)))
    # strength is functional and binding != recommendation: both at once is a contradiction
    bad.add((ob, MVKG.hasStrength, MVKG.binding))
    bad.add((ob, MVKG.hasStrength, MVKG.recommendation))
    with pytest.raises(InconsistentOntology) as exc:
        reason(bad)
    assert "inconsistent" in str(exc.value)


def test_disjoint_classes_are_enforced(union):
    bad = Graph()
    for t in union:
        bad.add(t)
    bad.add((URIRef("https://w3id.org/mvkg/actor/itu-t"), RDF.type, MVKG.Obligation))
    with pytest.raises(InconsistentOntology):
        reason(bad)


def test_build_stores_the_inferences_in_their_own_graph(built):
    ws, report = built
    assert report.reasoner == "hermit"
    from mvkg.query.store import open_read_only

    q = """ASK { GRAPH <https://w3id.org/mvkg/graph/inferred> {
        <https://w3id.org/mvkg/id/atu-mv/resolves/para_g/obligation> a mvkg:BindingObligation } }"""
    assert open_read_only(ws).query(q, prefixes={"mvkg": str(MVKG)})


def test_owlrl_fallback_classifies_too(union):
    from mvkg.graph.reasoning import owlrl_types

    types = set(owlrl_types(union))
    assert ("https://w3id.org/mvkg/id/atu-mv/resolves/para_g/obligation", str(MVKG.BindingObligation)) in types
    assert ("https://w3id.org/mvkg/id/ecp-mv/invites-ms-smem-assoc-acad/para_1/obligation",
            str(MVKG.RecommendationObligation)) in types


def test_the_reasoner_is_stopped_at_its_time_limit(union):
    import subprocess
    import time

    from mvkg.graph.reasoning import ReasonerTimeout

    def hermits() -> set[str]:
        return set(subprocess.run(["pgrep", "-f", "org.semanticweb.HermiT"], capture_output=True, text=True).stdout.split())

    others = hermits()  # reasoners of other builds on the machine are not this test's
    with pytest.raises(ReasonerTimeout) as exc:
        reason(union, timeout=0.5)
    assert "did not finish within" in str(exc.value)
    time.sleep(0.5)
    assert hermits() - others == set(), "the Java process outlived the time limit"
