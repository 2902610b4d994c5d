"""Engines agree: the fast path (SPARQL constraints set-at-a-time in Oxigraph) reports what
pyshacl reports; pyrudof (an independent SHACL engine) reports the same focus nodes and
severities as pyshacl for the core data-quality shapes. Also: each data-quality shape has a
conforming and a violating example."""

from __future__ import annotations

import pyrudof
import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from mvkg.namespaces import MVKG
from mvkg.store import open_read_only
from mvkg.validate import data_graph, portfolio_iri, run_engine, validate


SH = Namespace("http://www.w3.org/ns/shacl#")


def _key(run):
    return sorted((r.focus, r.severity, r.shape, r.verdict or "", r.missing_theme or "", r.message) for r in run.results)


@pytest.mark.parametrize("portfolio", ["itu-t-in-force", "in-force-and-drafts"])
def test_fast_path_agrees_with_pyshacl(built, resources, portfolio):
    ws, _ = built
    fast = validate(ws, resources, portfolio, "oxigraph")
    reference = validate(ws, resources, portfolio, "pyshacl")
    assert _key(fast) == _key(reference)
    assert fast.verdicts == reference.verdicts


def _core_results(report: Graph) -> set[tuple[str, str]]:
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1])
            for r in report.subjects(None, SH.ValidationResult)}


def _pyrudof(data: Graph, shapes_path) -> set[tuple[str, str]]:
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data.serialize(format="turtle"))
    rudof.read_shacl(shapes_path.read_text(encoding="utf-8"))
    report = rudof.validate_shacl()
    return {(e.focus_node, str(e.severity).rsplit(".", 1)[-1]) for e in report.violations}


@pytest.fixture(scope="module")
def seed_data(built):
    ws, _ = built
    store = open_read_only(ws)
    return data_graph(store, portfolio_iri(store, "in-force"))


def _damage(data: Graph) -> Graph:
    """A copy of the data with one defect per class of the data-quality shapes."""
    bad = Graph()
    for t in data:
        bad.add(t)

    def first(cls):
        return sorted(bad.subjects(RDF.type, cls))[0]

    bad.remove((first(MVKG.Resolution), MVKG.code, None))
    bad.set((first(MVKG.SourceDocument), MVKG.sha256, Literal("not-a-hash")))
    bad.remove((first(MVKG.PreambularSection), MVKG.heading, None))
    bad.remove((first(MVKG.Clause), MVKG.text, None))
    bad.remove((first(MVKG.Obligation), MVKG.bearer, None))
    bad.remove((first(MVKG.TagEvidence), MVKG.matchedText, None))
    bad.remove((first(MVKG.SdgReference), MVKG.generic, None))
    bad.remove((first(MVKG.Standard), MVKG.publisher, None))
    bad.remove((first(MVKG.Portfolio), RDFS.label, None))
    bad.set((first(MVKG.Alignment), MVKG.alignmentRelation, Literal("similar")))
    return bad


def test_data_quality_shapes_conform_on_seed_data_and_catch_each_defect(seed_data, resources):
    shapes = Graph().parse(resources.shapes / "data-quality.ttl")
    assert _core_results(run_engine(seed_data, shapes, "pyshacl")) == set()
    damaged = run_engine(_damage(seed_data), shapes, "pyshacl")
    hit = {damaged.value(r, SH.sourceShape) for r in damaged.subjects(None, SH.ValidationResult)}
    owners = {str(s) for p in hit for s in shapes.subjects(SH.property, p)} | {str(h) for h in hit}
    expected = {"Resolution", "SourceDocument", "Section", "Clause", "Obligation", "TagEvidence", "SdgReference",
                "Standard", "Portfolio", "Alignment"}
    assert {o.rsplit("#", 1)[-1].removesuffix("Shape") for o in owners} >= expected


def test_assessment_shape_catches_a_missing_rationale_and_a_missing_entry(seed_data, resources):
    shapes = Graph().parse(resources.shapes / "data-quality.ttl")
    bad = Graph()
    for t in seed_data:
        bad.add(t)
    a = URIRef("https://w3id.org/mvkg/id/assessment/test")
    bad.add((a, RDF.type, MVKG.CoverageAssessment))
    bad.add((a, MVKG.assessedObligation, next(iter(seed_data.subjects(RDF.type, MVKG.Obligation)))))
    bad.add((a, MVKG.relation, MVKG["relation-full"]))
    bad.add((a, MVKG.assessor, Literal("x")))
    report = run_engine(bad, shapes, "pyshacl")
    focus = [str(report.value(r, SH.focusNode)) for r in report.subjects(None, SH.ValidationResult)]
    assert focus.count(str(a)) >= 3  # no rationale, no date, no entry for a 'full' relation


def test_pyrudof_agrees_with_pyshacl_on_core_shapes(seed_data, resources):
    path = resources.shapes / "data-quality.ttl"
    shapes = Graph().parse(path)
    for data in (seed_data, _damage(seed_data)):
        reference = _core_results(run_engine(data, shapes, "pyshacl"))
        assert _pyrudof(data, path) == reference
